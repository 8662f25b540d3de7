"""Time in the graph: when a fact holds (valid time) and when it was known (reported time).

graphkit keeps two times apart, as Wikidata keeps validity qualifiers (start/end time) apart
from reference dates:

- **valid time** — when the fact holds in the world: a statement's `since` and `until`. A fact
  with neither holds for as long as the graph knows of nothing else: "Alibaba develops Qwen",
  sourced to a 2025 article, is not false in 2024.
- **known time** (reported time) — when the fact became known: the dates of its sources and of
  the steps of its status history. As of a day, a fact has the status it had on that day
  (rumored, then confirmed...), backed by the sources published by then.

`as_of(graph, "2024-12-31", time="valid")` is the graph as the world was on that day (as far as
we know now); `as_of(graph, "2025-02-12", time="known")` is the graph as it could have been
written on that day. Every reading command (`--as-of DATE --time valid|known`), the page and the
server use these functions, so the rules live here only.

Dates are partial (YYYY, YYYY-MM or YYYY-MM-DD). The as-of date stands for its last day
(`--as-of 2025-02` is 2025-02-28). A valid-time bound stands for its first day (`since: 2025-02`
holds from 2025-02-01; `until` is exclusive). A reported date stands for its last day: a source
dated `2025-02` is certainly known by 2025-02-28, not on 2025-02-01.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import replace

from .errors import GraphkitError
from .model import Entity, KnowledgeGraph, Source, Statement, parse_partial_date

#: the two times an as-of query can mean; the first is the default
TIMES: tuple[str, ...] = ("valid", "known")
DEFAULT_TIME = "valid"


def first_day(text: str) -> str:
    """'2025' -> '2025-01-01', '2025-02' -> '2025-02-01', a full date unchanged."""
    parts = text.split("-")
    return "-".join([parts[0], parts[1] if len(parts) > 1 else "01", parts[2] if len(parts) > 2 else "01"])


def last_day(text: str) -> str:
    """'2025' -> '2025-12-31', '2024-02' -> '2024-02-29', a full date unchanged."""
    parts = text.split("-")
    if len(parts) == 3:
        return text
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else 12
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def parse_as_of(text: object) -> str:
    """Validate an as-of date (YYYY, YYYY-MM or YYYY-MM-DD) and return the day it stands for."""
    value = str(text).strip()
    try:
        parse_partial_date(value)
    except ValueError as exc:
        raise GraphkitError(f"--as-of: {exc}") from None
    return last_day(value)


def check_time(time: str) -> str:
    if time not in TIMES:
        raise GraphkitError(f"--time must be one of {', '.join(TIMES)}, not {time!r}")
    return time


def today() -> str:
    return datetime.date.today().isoformat()


# ----------------------------------------------------------------------------- valid time

def valid_window(statement: Statement) -> tuple[str | None, str | None]:
    """(first day the fact holds, first day it no longer holds); None is open."""
    return (first_day(statement.since) if statement.since else None,
            first_day(statement.until) if statement.until else None)


def valid_at(statement: Statement, day: str) -> bool:
    """Whether the fact holds in the world on `day` (YYYY-MM-DD)."""
    start, end = valid_window(statement)
    return (start is None or start <= day) and (end is None or day < end)


def has_ended(statement: Statement, day: str | None = None) -> bool:
    """Whether the fact no longer holds on `day` (default: today): its `until` has passed."""
    return statement.until is not None and first_day(statement.until) <= (day or today())


# ----------------------------------------------------------------------------- known time

def _known_by(date: str | None, day: str) -> bool:
    return date is None or last_day(date) <= day


def first_known(statement: Statement, sources: dict[str, Source]) -> str | None:
    """The day (YYYY-MM-DD) from which the fact is known: the earliest of its dated sources and
    history steps, each at its last day; None when nothing is dated (always known)."""
    dates = [last_day(d) for d in statement.reported_dates(sources)]
    return min(dates) if dates else None


def known_at(statement: Statement, sources: dict[str, Source], day: str) -> bool:
    """Whether the fact was known on `day`."""
    start = first_known(statement, sources)
    return start is None or start <= day


def status_at(statement: Statement, day: str) -> str:
    """The status the fact had on `day`: that of its latest history step dated on or before it
    (the first step's while none is; the current status without a history)."""
    if not statement.history:
        return statement.status
    status = statement.history[0].status
    for step in statement.history:
        if last_day(step.date) <= day:
            status = step.status
    return status


def fact_known_at(statement: Statement, sources: dict[str, Source], day: str) -> Statement | None:
    """The fact as it could have been written on `day` (status then, the sources published by
    then, the history so far), or None if it was not known yet. Its id does not change."""
    if not known_at(statement, sources, day):
        return None
    history = tuple(step for step in statement.history if last_day(step.date) <= day)
    kept = tuple(s for s in statement.sources
                 if _known_by(sources[s].date if s in sources else None, day)
                 or any(s in step.sources for step in history))
    return replace(statement, status=status_at(statement, day), sources=kept or statement.sources,
                   history=history)


# ----------------------------------------------------------------------------- views

def as_of(graph: KnowledgeGraph, date: str, time: str = DEFAULT_TIME) -> KnowledgeGraph:
    """The graph on `date` in valid time (the facts that held then, as we know them now) or in
    known time (the facts known then, with the status and sources they had then).

    Entities are all kept (an entity has no time of its own here); in known time the sources
    published after the date are left out. The result shares entities with `graph`.
    """
    day = parse_as_of(date)
    check_time(time)
    if time == "valid":
        return KnowledgeGraph(graph.entities, graph.sources,
                              [st for st in graph.statements if valid_at(st, day)])
    statements = []
    for st in graph.statements:
        seen = fact_known_at(st, graph.sources, day)
        if seen is not None:
            statements.append(seen)
    kept_sources = {sid: s for sid, s in graph.sources.items() if _known_by(s.date, day)}
    for st in statements:  # a kept fact's sources stay resolvable
        for sid in st.sources:
            kept_sources.setdefault(sid, graph.sources[sid])
    return KnowledgeGraph(graph.entities, dict(sorted(kept_sources.items())), statements)


def applies_at(statement: Statement, graph: KnowledgeGraph, day: str, time: str = DEFAULT_TIME) -> bool:
    """Whether the fact is in the graph on `day` (YYYY-MM-DD) in `time`."""
    if time == "known":
        return known_at(statement, graph.sources, day)
    return valid_at(statement, day)


def describe_dates(statement: Statement, day: str | None = None) -> str:
    """'since 2025-02', 'until 2020-11 (ended)', 'since 2013 until 2020-11 (ended)' or ''."""
    parts = []
    if statement.since:
        parts.append(f"since {statement.since}")
    if statement.until:
        parts.append(f"until {statement.until}" + (" (ended)" if has_ended(statement, day) else ""))
    return " ".join(parts)


def describe_history(statement: Statement, sources: dict[str, Source] | None = None,
                     entities: dict[str, Entity] | None = None) -> str:
    """'reported 2025-02-11 (Reuters) -> confirmed 2025-02-13 (Bloomberg)' or ''."""
    steps = []
    for step in statement.history:
        names = []
        for sid in step.sources:
            source = (sources or {}).get(sid)
            publisher = source.publisher if source is not None else None
            entity = (entities or {}).get(publisher) if publisher else None
            names.append(entity.name if entity is not None else publisher or sid)
        steps.append(f"{step.status} {step.date}" + (f" ({', '.join(names)})" if names else ""))
    return " -> ".join(steps)
