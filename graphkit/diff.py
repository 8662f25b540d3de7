"""What changed between two versions of the graph: facts and entities, status transitions first.

`diff_graphs(old, new)` compares two models:

- a fact is matched by its statement id (subject, relation, object, market, since, until:
  status, sources and notes are not part of it, so a rumour that gets confirmed keeps its id);
  a removed and an added fact with the same ends, relation and market are one fact whose
  dates changed;
- **status transitions** ("apple partners-with alibaba: rumored -> confirmed (Bloomberg,
  2025-02-13)"), then facts added, removed and changed (new or dropped sources, dates, notes);
- entities added, removed and renamed (same id, another name; or another id with the same
  name and class).

`load_version(spec)` reads a data folder, or a git revision of the repository (`HEAD~5`, a tag)
through `git archive`, into a model. The output formats are plain text, JSON and Markdown (for
a newsletter or a changelog); all are sorted, so the same inputs give the same bytes.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GraphkitError, show
from .model import KnowledgeGraph, Statement

FORMATS = ("table", "json", "markdown")


@dataclass
class FactChange:
    statement_id: str
    fact: str  # "apple partners-with alibaba"
    kind: str  # "transition", "added", "removed", "changed"
    old_status: str | None = None
    new_status: str | None = None
    details: list[str] = field(default_factory=list)  # "sources added: ...", "since: 2025 -> 2025-02"
    evidence: str = ""  # for a transition: "(Bloomberg, 2025-02-13)"

    def text(self) -> str:
        if self.kind == "transition":
            line = f"{self.fact}: {self.old_status} -> {self.new_status}"
            line += f" ({self.evidence})" if self.evidence else ""
        elif self.kind == "added":
            line = f"{self.fact} [{self.new_status}]"
        elif self.kind == "removed":
            line = f"{self.fact} [{self.old_status}]"
        else:
            line = self.fact
        shown = self.details
        if self.kind == "transition":  # the evidence already names the sources that changed it
            shown = [d for d in self.details if not d.startswith("sources added")]
        return line + "".join(f"; {d}" for d in shown)

    def as_dict(self) -> dict:
        return {"statement_id": self.statement_id, "fact": self.fact, "kind": self.kind,
                "old_status": self.old_status, "new_status": self.new_status, "details": self.details,
                "evidence": self.evidence, "text": self.text()}


@dataclass
class GraphDiff:
    transitions: list[FactChange] = field(default_factory=list)
    added: list[FactChange] = field(default_factory=list)
    removed: list[FactChange] = field(default_factory=list)
    changed: list[FactChange] = field(default_factory=list)
    entities_added: list[dict] = field(default_factory=list)  # {id, name, type}
    entities_removed: list[dict] = field(default_factory=list)
    entities_renamed: list[dict] = field(default_factory=list)  # {id, old, new} or {old_id, new_id, name}

    @property
    def empty(self) -> bool:
        return not any((self.transitions, self.added, self.removed, self.changed, self.entities_added,
                        self.entities_removed, self.entities_renamed))

    def as_dict(self) -> dict:
        return {"transitions": [c.as_dict() for c in self.transitions],
                "facts_added": [c.as_dict() for c in self.added],
                "facts_removed": [c.as_dict() for c in self.removed],
                "facts_changed": [c.as_dict() for c in self.changed],
                "entities_added": self.entities_added, "entities_removed": self.entities_removed,
                "entities_renamed": self.entities_renamed}


def _fact(st: Statement) -> str:
    return f"{st.subject} {st.relation} {st.object}" + (f" (market {st.market})" if st.market else "")


def _loose_key(st: Statement) -> tuple:
    ends = sorted((st.subject, st.object)) if st.symmetric else [st.subject, st.object]
    return (ends[0], st.relation, ends[1], st.market)


def _source_name(graph: KnowledgeGraph, source_id: str) -> str:
    source = graph.sources.get(source_id)
    if source is None:
        return source_id
    publisher = graph.entities.get(source.publisher) if source.publisher else None
    name = publisher.name if publisher else (source.publisher or source.title)
    return f"{name}, {source.date}" if source.date else name


def _evidence(old: Statement, new: Statement, graph: KnowledgeGraph) -> str:
    """What backs a status change: the new status's latest history step, else the new sources."""
    if new.history and new.history[-1].status == new.status:
        ids = new.history[-1].sources
    else:
        ids = tuple(sorted(set(new.sources) - set(old.sources)))
    return "; ".join(_source_name(graph, s) for s in ids)


def _details(old: Statement, new: Statement) -> list[str]:
    details = []
    gained = sorted(set(new.sources) - set(old.sources))
    lost = sorted(set(old.sources) - set(new.sources))
    if gained:
        details.append("sources added: " + ", ".join(gained))
    if lost:
        details.append("sources removed: " + ", ".join(lost))
    for name in ("since", "until"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            details.append(f"{name}: {a or '-'} -> {b or '-'}")
    if old.note != new.note:
        details.append("note changed")
    if old.quote != new.quote:
        details.append("quote changed")
    if old.history != new.history and old.status == new.status:
        details.append("history changed")
    return details


def diff_graphs(old: KnowledgeGraph, new: KnowledgeGraph) -> GraphDiff:
    """Every change from `old` to `new`, each list sorted."""
    result = GraphDiff()
    old_facts = {st.id: st for st in old.statements}
    new_facts = {st.id: st for st in new.statements}
    removed = {sid: st for sid, st in old_facts.items() if sid not in new_facts}
    added = {sid: st for sid, st in new_facts.items() if sid not in old_facts}

    # a fact whose dates changed has a new id: pair it back by its ends, relation and market
    removed_by_key: dict[tuple, list[Statement]] = {}
    for st in sorted(removed.values(), key=lambda s: s.id):
        removed_by_key.setdefault(_loose_key(st), []).append(st)
    pairs: list[tuple[Statement, Statement]] = []
    for sid in sorted(added):
        candidates = removed_by_key.get(_loose_key(added[sid]))
        if candidates:
            before = candidates.pop(0)
            pairs.append((before, added[sid]))
            del removed[before.id]
    for sid in sorted(old_facts.keys() & new_facts.keys()):
        pairs.append((old_facts[sid], new_facts[sid]))
    for before, after in pairs:
        added.pop(after.id, None)
        details = _details(before, after)
        if before.status != after.status:
            result.transitions.append(FactChange(after.id, _fact(after), "transition", before.status, after.status,
                                                 details, _evidence(before, after, new)))
        elif details:
            result.changed.append(FactChange(after.id, _fact(after), "changed", before.status, after.status,
                                             details))
    result.added = [FactChange(sid, _fact(st), "added", None, st.status) for sid, st in added.items()]
    result.removed = [FactChange(sid, _fact(st), "removed", st.status, None) for sid, st in removed.items()]
    for changes in (result.transitions, result.added, result.removed, result.changed):
        changes.sort(key=lambda c: (c.fact, c.statement_id))

    gone = sorted(old.entities.keys() - new.entities.keys())
    came = sorted(new.entities.keys() - old.entities.keys())
    by_name: dict[tuple[str, str], list[str]] = {}
    for eid in came:
        entity = new.entities[eid]
        by_name.setdefault((entity.name.casefold(), entity.type), []).append(eid)
    for eid in gone:
        entity = old.entities[eid]
        match = by_name.get((entity.name.casefold(), entity.type))
        if match:
            new_id = match.pop(0)
            came.remove(new_id)
            result.entities_renamed.append({"old_id": eid, "new_id": new_id, "name": entity.name})
        else:
            result.entities_removed.append({"id": eid, "name": entity.name, "type": entity.type})
    result.entities_added = [{"id": e, "name": new.entities[e].name, "type": new.entities[e].type} for e in came]
    for eid in sorted(old.entities.keys() & new.entities.keys()):
        if old.entities[eid].name != new.entities[eid].name:
            result.entities_renamed.append({"id": eid, "old": old.entities[eid].name, "new": new.entities[eid].name})
    result.entities_renamed.sort(key=lambda r: (r.get("id") or r["old_id"]))
    return result


# ----------------------------------------------------------------------------- loading versions

def _git(repo: Path, *args: str, binary: bool = False) -> bytes | str:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        raise GraphkitError("git is not installed: give data folders instead of revisions") from None
    except subprocess.TimeoutExpired:
        raise GraphkitError(f"git {args[0]} took more than 120 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphkitError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")


def is_revision(spec: str, repo: str | os.PathLike = ".") -> bool:
    """Whether `spec` names a commit of the git repository at `repo` (and is not a path)."""
    if Path(spec).exists() or spec.startswith("-"):
        return False
    try:
        _git(Path(repo), "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    except GraphkitError:
        return False
    return True


def load_version(spec: str, data: tuple[str, ...] = ("seed_data",), *, repo: str | os.PathLike = ".",
                 workdir: str | os.PathLike | None = None) -> KnowledgeGraph:
    """The model of a data folder (or file), or of `data` at git revision `spec` of `repo`."""
    from .inputs import load

    if Path(spec).exists():
        return load(spec)
    if not is_revision(spec, repo):
        raise GraphkitError(f"{show(spec)} is neither a data folder nor a git revision of {repo}")
    root = Path(str(_git(Path(repo), "rev-parse", "--show-toplevel")).strip())
    prefix = str(_git(Path(repo), "rev-parse", "--show-prefix")).strip()
    paths = [str(Path(prefix) / d) if prefix else d for d in data]
    archive = _git(root, "archive", "--format=tar", spec, "--", *paths, binary=True)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:  # type: ignore[arg-type]
            tar.extractall(tmp, filter="data")
        found = [Path(tmp) / p for p in paths if (Path(tmp) / p).exists()]
        if not found:
            raise GraphkitError(f"revision {spec} has none of {', '.join(paths)}")
        return load(found)


# ----------------------------------------------------------------------------- output

def format_diff(result: GraphDiff, fmt: str = "table", *, old_label: str = "OLD", new_label: str = "NEW") -> str:
    """The diff as plain text ("table"), JSON or Markdown (byte-stable for the same inputs)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    if fmt == "json":
        return json.dumps({"old": old_label, "new": new_label, **result.as_dict()}, indent=2,
                          ensure_ascii=False) + "\n"
    sections = [
        ("Status transitions", [c.text() for c in result.transitions]),
        ("Facts added", [c.text() for c in result.added]),
        ("Facts removed", [c.text() for c in result.removed]),
        ("Facts changed", [c.text() for c in result.changed]),
        ("Entities added", [f"{e['id']} ({e['name']}, {e['type']})" for e in result.entities_added]),
        ("Entities removed", [f"{e['id']} ({e['name']}, {e['type']})" for e in result.entities_removed]),
        ("Entities renamed", [f"{r['id']}: {r['old']} -> {r['new']}" if "id" in r
                              else f"{r['old_id']} -> {r['new_id']} ({r['name']})" for r in result.entities_renamed]),
    ]
    lines: list[str] = []
    if fmt == "markdown":
        lines.append(f"# Changes from {old_label} to {new_label}")
        for title, items in sections:
            if items:
                lines += ["", f"## {title} ({len(items)})", ""] + [f"- {item}" for item in items]
        if result.empty:
            lines += ["", "No changes."]
        return "\n".join(lines) + "\n"
    lines.append(f"changes from {old_label} to {new_label}")
    for title, items in sections:
        if items:
            lines += ["", f"{title.lower()} ({len(items)}):"] + [f"  {item}" for item in items]
    if result.empty:
        lines.append("no changes")
    return "\n".join(lines) + "\n"
