"""Analytics (graphkit.analysis) and their commands: stats, path, rank, communities; progress display."""
from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphkit import analysis, api
from graphkit.cli import main
from graphkit.errors import GraphkitError
from graphkit.model import Entity, KnowledgeGraph, Source, Statement

REPO = Path(__file__).parents[1]
SEED = REPO / "seed_data"


@pytest.fixture(scope="module")
def seed():
    return api.load(SEED)


def two_clusters() -> KnowledgeGraph:
    """Two groups of five densely linked companies, joined by one partnership."""
    g = KnowledgeGraph()
    g.sources["s"] = Source("s", "A report", url="https://example.org/r")
    for group in ("a", "b"):
        for i in range(5):
            g.entities[f"{group}{i}"] = Entity(f"{group}{i}", "Company", f"{group.upper()} {i}")
        for i in range(5):
            for j in range(i + 1, 5):
                g.statements.append(Statement(f"{group}{i}", "partners-with", f"{group}{j}", "reported", ("s",),
                                              symmetric=True))
    g.statements.append(Statement("a0", "competes-with", "b0", "claimed", ("s",), symmetric=True))
    g.entities["m"] = Entity("m", "AIModel", "Model M")
    g.statements.append(Statement("b4", "develops", "m", "confirmed", ("s",), note="launch"))
    g.entities["lonely"] = Entity("lonely", "Company", "Lonely Inc.")
    return g


# ---------------------------------------------------------------------------------- stats

def test_stats_counts_match_the_graph(seed):
    result = analysis.stats(seed)
    assert result["entities"] == len(seed.entities) and result["statements"] == len(seed.statements)
    assert result["by_type"] == dict(sorted(Counter(e.type for e in seed.entities.values()).items(),
                                            key=lambda kv: (-kv[1], kv[0])))
    assert sum(result["by_relation"].values()) == sum(result["by_status"].values()) == len(seed.statements)
    assert sum(result["by_source"].values()) == sum(len(s.sources) for s in seed.statements)
    assert result["by_status"]["confirmed"] > 0 and set(result["by_source"]) <= set(seed.sources)


# ---------------------------------------------------------------------------------- path

def test_path_between_apple_and_qwen_on_the_seed(seed):
    [found] = analysis.paths(seed, "Apple", "Qwen 2.5-Max")
    assert [e["id"] for e in found.entities] == ["apple", "alibaba", "qwen2.5-max"]
    first, second = found.hops
    assert ("apple", "partners-with", "alibaba") in {(f.subject, f.relation, f.object) for f in first.facts}
    assert ("alibaba", "develops", "qwen2.5-max") in {(f.subject, f.relation, f.object) for f in second.facts}
    develops = next(f for f in second.facts if f.relation == "develops")
    assert develops.status == "confirmed"
    stated = next(st for st in seed.statements
                  if (st.subject, st.relation, st.object) == ("alibaba", "develops", "qwen2.5-max"))
    assert [s["id"] for s in develops.sources] == list(stated.sources)
    assert all(s["title"] == seed.sources[s["id"]].title and s["url"] for s in develops.sources)


def test_path_keeps_each_fact_direction():
    g = two_clusters()
    [found] = analysis.paths(g, "m", "a1")  # walks against the direction of "b4 develops m"
    assert [e["id"] for e in found.entities] == ["m", "b4", "b0", "a0", "a1"]
    assert [(f.subject, f.relation, f.object) for f in found.hops[0].facts] == [("b4", "develops", "m")]
    assert found.hops[0].facts[0].note == "launch"
    assert analysis.paths(g, "a1", "lonely") == []


def test_path_errors_are_clear(seed):
    with pytest.raises(GraphkitError, match="no entity 'Alibabba Groupe'"):
        analysis.paths(seed, "Alibabba Groupe", "apple")
    with pytest.raises(GraphkitError, match=r"did you mean: .*alibaba"):
        analysis.paths(seed, "aliba", "apple")
    with pytest.raises(GraphkitError, match="same entity"):
        analysis.paths(seed, "Apple", "apple")


# ---------------------------------------------------------------------------------- rank

def test_rank_by_degree_matches_a_hand_count(seed):
    result = analysis.rank(seed, measure="degree", top=3)
    assert result["measure"] == "degree" and "degree centrality" in result["description"]
    neighbours: dict[str, set] = {e: set() for e in seed.entities}
    for st in seed.statements:
        neighbours[st.subject].add(st.object)
        neighbours[st.object].add(st.subject)
    orgs = [e for e in seed.entities.values() if e.type in ("Company", "ResearchLab", "Organization", "Publisher",
                                                              "AnalystFirm", "Regulator")]
    expected = sorted(orgs, key=lambda e: (-len(neighbours[e.id]), e.id))[:3]
    assert [r["id"] for r in result["groups"]["Organization"]] == [e.id for e in expected]
    top = result["groups"]["Organization"][0]
    assert top["score"] == pytest.approx(len(neighbours[top["id"]]) / (len(seed.entities) - 1), abs=1e-6)
    assert [r["type"] for r in result["groups"]["AIModel"]] == ["AIModel"] * 3


def test_rank_pagerank_and_betweenness():
    g = two_clusters()
    pagerank = analysis.rank(g, measure="pagerank", top=2, groups=("Company",))
    scores = [r["score"] for r in pagerank["groups"]["Company"]]
    assert scores == sorted(scores, reverse=True)
    between = analysis.rank(g, measure="betweenness", top=2, groups=("Company",))
    assert {r["id"] for r in between["groups"]["Company"]} == {"a0", "b0"}  # the bridge
    with pytest.raises(ValueError, match="unknown measure"):
        analysis.rank(g, measure="fame")
    with pytest.raises(GraphkitError, match="unknown class"):
        analysis.rank(g, groups=("Spaceship",))


# ---------------------------------------------------------------------------------- communities

def test_communities_find_the_two_clusters_deterministically():
    g = two_clusters()
    first = analysis.communities(g, seed=7)
    assert first == analysis.communities(g, seed=7)
    groups = [{m["id"] for m in c["members"]} for c in analysis.communities(g, members=10)["communities"]]
    assert {"a0", "a1", "a2", "a3", "a4"} in groups and {"b0", "b1", "b2", "b3", "b4", "m"} in groups
    assert first["modularity"] > 0.3 and first["count"] == 2  # the isolated company is left out
    greedy = analysis.communities(g, method="greedy", members=10)
    assert sorted(c["size"] for c in greedy["communities"]) == [5, 6]


def test_communities_on_the_seed_cover_every_connected_entity(seed):
    result = analysis.communities(seed, top=1000, members=1000)
    members = [m["id"] for c in result["communities"] for m in c["members"]]
    connected = {st.subject for st in seed.statements} | {st.object for st in seed.statements}
    assert sorted(members) == sorted(connected)


# ---------------------------------------------------------------------------------- commands

def test_cli_stats_path_rank_communities():
    runner = CliRunner()
    stats = runner.invoke(main, ["stats", "-d", str(SEED)])
    assert stats.exit_code == 0, stats.output
    assert "entity type" in stats.output and "Company" in stats.output
    as_json = json.loads(runner.invoke(main, ["stats", "-d", str(SEED), "--format", "json"]).output)
    assert as_json["entities"] == len(api.load(SEED).entities)

    path = runner.invoke(main, ["path", "Apple", "Qwen 2.5-Max", "-d", str(SEED)])
    assert path.exit_code == 0, path.output
    assert "apple partners-with alibaba" in path.output and "alibaba develops qwen2.5-max" in path.output
    assert "sources:" in path.output
    path_json = json.loads(runner.invoke(main, ["path", "apple", "qwen2.5-max", "-d", str(SEED),
                                                "--format", "json"]).output)
    assert path_json[0]["length"] == 2

    rank = runner.invoke(main, ["rank", "-d", str(SEED), "--measure", "degree", "--top", "3"])
    assert rank.exit_code == 0 and "measure: degree centrality" in rank.output
    assert "most central: Organization" in rank.output and "most central: AIModel" in rank.output

    communities = runner.invoke(main, ["communities", "-d", str(SEED), "--format", "json"])
    assert communities.exit_code == 0 and json.loads(communities.output)["count"] > 1


def test_cli_unknown_entity_is_an_error_not_a_traceback():
    result = CliRunner().invoke(main, ["path", "Nobody At All", "apple", "-d", str(SEED)])
    assert result.exit_code == 2
    assert "error: no entity 'Nobody At All'" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------------------------- progress

class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_quiet_off_a_terminal_and_shows_on_one():
    from graphkit.progress import BarSequence, build_steps, enabled, progress_bar

    assert not enabled(stream=io.StringIO()) and not enabled(quiet=True, stream=FakeTerminal())
    silent = io.StringIO()
    with progress_bar("rows", stream=silent) as advance:
        advance(5)
    assert silent.getvalue() == ""
    terminal = FakeTerminal()
    with progress_bar("rows", total=10, stream=terminal) as advance:
        for _ in range(10):
            advance()
    with build_steps(["load", "rdf"], stream=terminal) as step:
        step("load")
        step("rdf")
    with BarSequence(stream=terminal) as bars:
        bars.start("epoch")(3)
        bars.start("devices")(2)
    assert terminal.getvalue()  # rich wrote to the (fake) terminal
