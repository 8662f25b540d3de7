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

def test_stats_counts_match_the_graph(seed_graph):
    result = analysis.stats(seed_graph)
    assert result["entities"] == len(seed_graph.entities) and result["statements"] == len(seed_graph.statements)
    assert result["by_type"] == dict(sorted(Counter(e.type for e in seed_graph.entities.values()).items(),
                                            key=lambda kv: (-kv[1], kv[0])))
    assert sum(result["by_relation"].values()) == sum(result["by_status"].values()) == len(seed_graph.statements)
    assert sum(result["by_source"].values()) == sum(len(s.sources) for s in seed_graph.statements)
    assert result["by_status"]["confirmed"] > 0 and set(result["by_source"]) <= set(seed_graph.sources)


# ---------------------------------------------------------------------------------- path

def test_path_between_apple_and_qwen_on_the_seed(seed_graph):
    [found] = analysis.paths(seed_graph, "Apple", "Qwen 2.5-Max")
    assert [e["id"] for e in found.entities] == ["apple", "alibaba", "qwen2.5-max"]
    first, second = found.hops
    assert ("apple", "partners-with", "alibaba") in {(f.subject, f.relation, f.object) for f in first.facts}
    assert ("alibaba", "develops", "qwen2.5-max") in {(f.subject, f.relation, f.object) for f in second.facts}
    develops = next(f for f in second.facts if f.relation == "develops")
    assert develops.status == "confirmed"
    stated = next(st for st in seed_graph.statements
                  if (st.subject, st.relation, st.object) == ("alibaba", "develops", "qwen2.5-max"))
    assert [s["id"] for s in develops.sources] == list(stated.sources)
    assert all(s["title"] == seed_graph.sources[s["id"]].title and s["url"] for s in develops.sources)


def test_path_keeps_each_fact_direction():
    g = two_clusters()
    [found] = analysis.paths(g, "m", "a1")  # walks against the direction of "b4 develops m"
    assert [e["id"] for e in found.entities] == ["m", "b4", "b0", "a0", "a1"]
    assert [(f.subject, f.relation, f.object) for f in found.hops[0].facts] == [("b4", "develops", "m")]
    assert found.hops[0].facts[0].note == "launch"
    assert analysis.paths(g, "a1", "lonely") == []


def test_path_errors_are_clear(seed_graph):
    with pytest.raises(GraphkitError, match="no entity 'Alibabba Groupe'"):
        analysis.paths(seed_graph, "Alibabba Groupe", "apple")
    with pytest.raises(GraphkitError, match=r"did you mean: .*alibaba"):
        analysis.paths(seed_graph, "aliba", "apple")
    with pytest.raises(GraphkitError, match="same entity"):
        analysis.paths(seed_graph, "Apple", "apple")


# ---------------------------------------------------------------------------------- rank

def test_rank_by_degree_matches_a_hand_count(seed_graph):
    result = analysis.rank(seed_graph, measure="degree", top=3)
    assert result["measure"] == "degree" and "degree centrality" in result["description"]
    neighbours: dict[str, set] = {e: set() for e in seed_graph.entities}
    for st in seed_graph.statements:
        neighbours[st.subject].add(st.object)
        neighbours[st.object].add(st.subject)
    orgs = [e for e in seed_graph.entities.values() if e.type in ("Company", "ResearchLab", "Organization", "Publisher",
                                                              "AnalystFirm", "Regulator")]
    expected = sorted(orgs, key=lambda e: (-len(neighbours[e.id]), e.id))[:3]
    assert [r["id"] for r in result["groups"]["Organization"]] == [e.id for e in expected]
    top = result["groups"]["Organization"][0]
    assert top["score"] == pytest.approx(len(neighbours[top["id"]]) / (len(seed_graph.entities) - 1), abs=1e-6)
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


def test_communities_on_the_seed_cover_every_connected_entity(seed_graph):
    result = analysis.communities(seed_graph, top=1000, members=1000)
    members = [m["id"] for c in result["communities"] for m in c["members"]]
    connected = {st.subject for st in seed_graph.statements} | {st.object for st in seed_graph.statements}
    assert sorted(members) == sorted(connected)


# ---------------------------------------------------------------------------------- commands

def test_cli_stats_path_rank_communities(seed_graph):
    runner = CliRunner()
    stats = runner.invoke(main, ["stats", "-d", str(SEED)])
    assert stats.exit_code == 0, stats.output
    assert "entity type" in stats.output and "Company" in stats.output
    as_json = json.loads(runner.invoke(main, ["stats", "-d", str(SEED), "--format", "json"]).output)
    assert as_json["entities"] == len(seed_graph.entities)

    path = runner.invoke(main, ["path", "Apple", "Qwen 2.5-Max", "-d", str(SEED)])
    assert path.exit_code == 0, path.output
    assert "Apple partners-with Alibaba" in path.output and "Alibaba develops Qwen 2.5-Max" in path.output
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


# ---------------------------------------------------------------------------------- filters and weighting

def hub_and_spokes() -> KnowledgeGraph:
    """Curated: org1 develops m1, m1 available-in china, org2 develops m2 (confirmed), m2 available-in china.
    Imported (leaderboard): hobby develops 6 models. Imported (epoch): org1 develops m3, org1 operates-in china."""
    g = KnowledgeGraph()
    g.sources["news"] = Source("news", "A news story", url="https://example.org/news")
    g.sources["open-llm-leaderboard-contents"] = Source("open-llm-leaderboard-contents", "Leaderboard rows")
    g.sources["epoch-ai-all-ai-models"] = Source("epoch-ai-all-ai-models", "Epoch rows")
    g.entities["china"] = Entity("china", "Market", "China")
    for eid, etype, name in (("org1", "Company", "Org One"), ("org2", "Company", "Org Two"),
                             ("hobby", "Organization", "hobby-account"), ("m1", "AIModel", "M1"),
                             ("m2", "AIModel", "M2"), ("m3", "AIModel", "M3")):
        g.entities[eid] = Entity(eid, etype, name)
    g.statements += [Statement("org1", "develops", "m1", "confirmed", ("news",)),
                     Statement("m1", "available-in", "china", "confirmed", ("news",), since="2024-05"),
                     Statement("org2", "develops", "m2", "reported", ("news",)),
                     Statement("m2", "available-in", "china", "confirmed", ("news",)),
                     Statement("org1", "develops", "m3", "imported", ("epoch-ai-all-ai-models",)),
                     Statement("org1", "operates-in", "china", "imported", ("epoch-ai-all-ai-models",))]
    for i in range(6):
        g.entities[f"h{i}"] = Entity(f"h{i}", "AIModel", f"hobby/model-{i}")
        g.statements.append(Statement("hobby", "develops", f"h{i}", "imported", ("open-llm-leaderboard-contents",)))
    g.statements.append(Statement("h0", "fine-tuned-from", "m1", "imported", ("open-llm-leaderboard-contents",)))
    return g


def test_filters_keep_exactly_the_facts_asked_for():
    from graphkit.filters import Filter, origin_of

    g = hub_and_spokes()
    assert [origin_of(st) for st in g.statements[:6]] == ["curated"] * 4 + ["epoch", "epoch"]
    curated = Filter(origins=("curated",)).apply(g)
    assert sorted((st.subject, st.object) for st in curated.statements) == [
        ("m1", "china"), ("m2", "china"), ("org1", "m1"), ("org2", "m2")]
    assert sorted(curated.entities) == ["china", "m1", "m2", "org1", "org2"]
    assert sorted(curated.sources) == ["news"]
    assert len(Filter(origins=("leaderboard",)).apply(g).statements) == 7
    assert len(Filter(origins=("imported",)).apply(g).statements) == 9
    assert len(Filter(statuses=("reported",)).apply(g).statements) == 1
    # based-on covers its sub-relation fine-tuned-from
    assert [st.relation for st in Filter(relations=("based-on",)).apply(g).statements] == ["fine-tuned-from"]
    market = Filter(markets=("China",)).apply(g)  # by name; facts with China at one end
    assert sorted((st.subject, st.relation) for st in market.statements) == [
        ("m1", "available-in"), ("m2", "available-in"), ("org1", "operates-in")]
    without_models = Filter(without_classes=("AIModel",)).apply(g)
    assert sorted(without_models.entities) == ["china", "hobby", "org1", "org2"]
    assert [(st.subject, st.object) for st in without_models.statements] == [("org1", "china")]
    assert sorted(Filter(classes=("Organization",)).apply(g).entities) == ["hobby", "org1", "org2"]
    assert Filter().apply(g) is g
    with pytest.raises(GraphkitError) as error:
        Filter(classes=("Spaceship",), statuses=("sure",), origins=("wikipedia",), markets=("m1",)).apply(g)
    message = str(error.value)
    assert "unknown class 'Spaceship'" in message and "unknown status 'sure'" in message
    assert "unknown origin 'wikipedia'" in message and "'m1' is a AIModel, not a Market" in message


def test_stats_of_a_filtered_view_counts_only_it():
    from graphkit.filters import Filter

    result = analysis.stats(Filter(origins=("curated",)).apply(hub_and_spokes()))
    assert result["statements"] == 4 and result["entities"] == 5
    assert result["by_status"] == {"confirmed": 3, "reported": 1}


def test_rank_evidence_weighting_puts_corroborated_organizations_first():
    g = hub_and_spokes()
    plain = analysis.rank(g, top=3, groups=("Organization",))
    assert [r["id"] for r in plain["groups"]["Organization"]] == ["hobby", "org1", "org2"]
    assert plain["weighting"] == "plain"
    weighted = analysis.rank(g, top=3, groups=("Organization",), weighting="evidence")
    rows = weighted["groups"]["Organization"]
    assert [r["id"] for r in rows] == ["org1", "hobby", "org2"]
    assert [r["origins"] for r in rows] == [["curated", "epoch"], ["leaderboard"], ["curated"]]
    assert [r["facts"] for r in rows] == [3, 6, 1]  # facts are still counted, not weighed
    assert "curated facts weigh 5" in weighted["weighting_description"]
    with pytest.raises(ValueError, match="unknown weighting"):
        analysis.rank(g, weighting="fame")


def test_path_avoids_hubs_and_named_entities():
    g = hub_and_spokes()
    [through_china] = analysis.paths(g, "org1", "org2")
    assert [e["id"] for e in through_china.entities] == ["org1", "china", "m2", "org2"]
    assert analysis.paths(g, "org1", "org2", skip_hubs=True) == []
    [other] = analysis.paths(g, "Org One", "hobby-account", avoid=("China",))
    assert [e["id"] for e in other.entities] == ["org1", "m1", "h0", "hobby"]
    assert analysis.paths(g, "org1", "hobby", avoid=("m1",)) == []
    with pytest.raises(GraphkitError, match="no entity 'Atlantis'"):
        analysis.paths(g, "org1", "org2", avoid=("Atlantis",))
    [step] = analysis.paths(g, "m1", "china")[0].hops
    assert [(f.subject, f.relation, f.object, f.status) for f in step.facts] == [
        ("m1", "available-in", "china", "confirmed")]
    assert [s["title"] for s in step.facts[0].sources] == ["A news story"]


def test_cli_filters_on_the_seed(seed_graph):
    runner = CliRunner()
    path = runner.invoke(main, ["path", "Apple", "DeepSeek", "-d", str(SEED), "--skip-hubs",
                                "--status", "confirmed", "--status", "reported"])
    assert path.exit_code == 0, path.output
    assert "China" not in path.output.split("\n")[0]  # no market on the way
    assert "Apple" in path.output and "apple " not in path.output  # names by default
    with_ids = runner.invoke(main, ["path", "Apple", "Qwen 2.5-Max", "-d", str(SEED), "--ids"])
    assert "Apple (apple) - Alibaba (alibaba) - Qwen 2.5-Max (qwen2.5-max)" in with_ids.output
    assert "apple partners-with alibaba" in with_ids.output
    for line in path.output.splitlines() + with_ids.output.splitlines():  # piped: plain text
        assert not set(line) & set("─│┃━┏┓└┘╭╮╰╯") and "\x1b[" not in line

    stats = runner.invoke(main, ["stats", "-d", str(SEED), "--origin", "curated", "--market", "china",
                                 "--format", "json"])
    result = json.loads(stats.output)
    in_china = [st for st in seed_graph.statements if "china" in (st.market, st.subject, st.object)]
    assert result["statements"] == len(in_china) and result["filter"] == "origin curated; market china"
    table = runner.invoke(main, ["stats", "-d", str(SEED)])
    assert "Introducing Apple Intelligence for iPhone, iPad, and Mac" in table.output  # source titles

    rank = runner.invoke(main, ["rank", "-d", str(SEED), "--top", "2"])
    assert rank.exit_code == 0, rank.output
    assert "weighting: curated facts weigh 5" in rank.output and "filter: without class Device, Chipset" in rank.output
    assert " id " not in rank.output.splitlines()[3]
    bad = runner.invoke(main, ["rank", "-d", str(SEED), "--origin", "wikipedia", "--status", "sure"])
    assert bad.exit_code == 2 and "unknown origin 'wikipedia'" in bad.output and "unknown status 'sure'" in bad.output
    assert "Traceback" not in bad.output

    communities = runner.invoke(main, ["communities", "-d", str(SEED), "--class", "Organization",
                                       "--format", "json"])
    members = {m["id"] for c in json.loads(communities.output)["communities"] for m in c["members"]}
    assert members and all(seed_graph.entities[m].type in ("Company", "Regulator", "ResearchLab", "Organization")
                           for m in members)


@pytest.mark.slow
def test_rank_on_the_merged_graph_puts_ai_developers_first(tmp_path):
    """The issue's case: after importing every dataset, the default rank lists the big AI
    developers, not phone makers (GSMArena) or Hub hobby accounts (leaderboard)."""
    from datasets import ALIASES, datasets_dir
    from graphkit.filters import Filter
    from graphkit.importers import import_all

    outcomes = import_all(datasets_dir(), tmp_path / "imports", reference_paths=[SEED], aliases=ALIASES)
    graph = api.load([SEED] + [o.out_dir for o in outcomes])
    plain = analysis.rank(graph, top=10)["groups"]["Organization"]
    assert [r["name"] for r in plain[:2]] == ["Samsung", "LG"]  # the problem: phone makers first
    view = Filter(without_classes=("Device", "Chipset")).apply(graph)
    ranked = analysis.rank(view, top=10, weighting="evidence")["groups"]["Organization"]
    top = [r["id"] for r in ranked]
    assert {"google", "meta", "microsoft", "openai", "google-deepmind", "alibaba"} <= set(top)
    assert all(len(r["origins"]) >= 2 for r in ranked)  # no single-dataset account among them
    leaderboard_only = [r["id"] for r in analysis.rank(view, top=10)["groups"]["Organization"]
                        if r["id"] not in set(top)]
    assert leaderboard_only  # without the weighting, Hub accounts were there
