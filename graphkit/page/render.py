"""KnowledgeGraph -> one self-contained, offline HTML page.

pyvis assembles the vis-network nodes, edges and options; the page itself comes from our own
template (template.html, page.css, page.js) with vis-network's standalone build inlined, because
pyvis's template fetches bootstrap and tom-select from a CDN and its tooltips are HTML.

Safety: every string from the data is untrusted. It only reaches the page inside a
<script type="application/json"> blob in which "<", ">" and "&" are \\u-escaped (so no
"</script>" or "<!--" can end it), and page.js puts it in the DOM with textContent only. A
Content-Security-Policy with the hashes of the two inline scripts blocks any other script
(inline event handlers included) and every network fetch.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from ..asof import first_known, last_day
from ..errors import GraphkitError
from ..iri import is_http_url
from ..model import KnowledgeGraph
from ..ontology import Ontology, load_ontology
from .layout import LAYOUTS, compute_layout
from .overview import COMMUNITY_COLOURS, OVERVIEW_LIMIT, Overview, centrality, cluster_key, communities, overview
from .select import Selection, statement_window
from .style import DENIED_MARK, LANGUAGE_NAMES, LANGUAGES, UI_TEXT, class_style, status_style

HERE = Path(__file__).parent
DEFAULT_TITLE = "graphkit · AI industry knowledge graph"
#: Above this many entities the page starts with physics off (vis-network's simulation
#: freezes the browser on large graphs) and without relation labels.
PHYSICS_LIMIT = 500
EDGE_LABEL_LIMIT = 400
#: Above this many entities the force layout would take long for little gain: use "circle".
FORCE_LAYOUT_LIMIT = 10_000
#: An overview's layout is spread from its centre like a fish-eye lens (radius r -> R (r/R)^k,
#: R the largest radius): the central entities, which the layout packs together because they
#: are linked to each other, get the room their larger names need; the leaves and groups
#: around them move closer.
OVERVIEW_FISHEYE = 0.55
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_WIKIDATA_ID = re.compile(r"^Q[1-9][0-9]*$")


@functools.cache
def _asset(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def vis_network_js() -> str:
    """vis-network's standalone UMD build (CSS included), ready to inline."""
    code = _asset("assets/vis-network.min.js")
    # No source map: the page must not point at any other file.
    code = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", code)
    if re.search(r"</script|<!--", code, re.IGNORECASE):  # would end the inline script early
        raise GraphkitError("the bundled vis-network build cannot be inlined safely")
    return code


def json_for_script(value) -> str:
    """JSON that is inert inside <script type="application/json">: sorted, and with <, > and &
    escaped so that no data can close the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _labels(labels: dict) -> dict:
    return {lang: labels[lang] for lang in sorted(labels)}


def _clean(mapping: dict) -> dict:
    """Drop empty values (keeps the page small and the JS simple)."""
    return {k: v for k, v in mapping.items() if v not in (None, "", [], {}, ())}


def page_data(graph: KnowledgeGraph, *, context: KnowledgeGraph | None = None, lang: str = "en",
              title: str = DEFAULT_TITLE, layout: str = "force", physics: bool | None = None,
              selection: Selection | None = None, ontology: Ontology | None = None) -> dict:
    """Everything the page shows, as one JSON-ready dict (deterministic for the same input).

    `context` is the whole graph the page was cut from: it names publishers and markets that
    are not among the shown entities.
    """
    ontology = ontology or load_ontology()
    context = context or graph
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}' (known: {', '.join(LANGUAGES)})")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout '{layout}' (known: {', '.join(LAYOUTS)})")
    entities = graph.sorted_entities()
    statements = [st for st in graph.sorted_statements()
                  if st.subject in graph.entities and st.object in graph.entities]
    large = len(entities) > PHYSICS_LIMIT
    entity_ids = [e.id for e in entities]
    score, ranked = centrality(entity_ids, statements)
    community = communities(entity_ids, statements)
    initial = overview(ranked, statements) if len(entities) > OVERVIEW_LIMIT else Overview(entity_ids)
    # Physics only where there is something to pull: with no relationship, vis-network would
    # never report a finished stabilization.
    physics = (not large and bool(statements)) if physics is None else bool(physics) and bool(statements)
    physics = physics and len(entities) <= OVERVIEW_LIMIT  # an overview grows by steps: nothing may move

    # --- vocabulary actually used, in ontology order -------------------------------------
    type_counts = Counter(e.type for e in entities)
    relation_counts = Counter(st.relation for st in statements)
    status_counts = Counter(st.status for st in statements)
    market_counts = Counter(st.market or "" for st in statements)
    classes = []
    for key in [k for k in ontology.classes if k in type_counts] + sorted(set(type_counts) - set(ontology.classes)):
        class_info = ontology.classes.get(key)
        shape, colour = class_style(ontology, key)
        classes.append({"key": key, "labels": _labels(class_info.labels) if class_info else {"en": key},
                        "shape": shape, "color": colour, "count": type_counts[key]})
    relations = []
    for key in sorted(relation_counts):
        relation_info = ontology.relations.get(key)
        relations.append({"key": key, "labels": _labels(relation_info.labels) if relation_info else {"en": key},
                          "symmetric": bool(relation_info and relation_info.symmetric),
                          "count": relation_counts[key]})
    statuses = []
    ordered_statuses = [k for k in ontology.statuses if k in status_counts] + sorted(set(status_counts) - set(ontology.statuses))
    for key in ordered_statuses:
        status_info = ontology.statuses.get(key)
        statuses.append({"key": key, "labels": _labels(status_info.labels) if status_info else {"en": key},
                         "style": status_style(key), "count": status_counts[key]})
    markets = []
    for key in sorted(market_counts, key=lambda m: (m == "", m)):
        entity = context.entities.get(key)
        # key "" is "no specific market"; it must survive _clean
        markets.append({"key": key, **_clean({"name": entity.name if entity else key,
                                              "labels": _labels(entity.labels) if entity else {},
                                              "count": market_counts[key]})})
    attribute_keys = sorted({k for e in entities for k in e.attributes})
    attributes = {k: _labels(ontology.attributes[k].labels) if k in ontology.attributes else {"en": k}
                  for k in attribute_keys}

    # --- sources (only http(s) URLs survive: the page never links anything else) -----------
    sources = {}
    for source in graph.sorted_sources():
        publisher = context.entities.get(source.publisher) if source.publisher else None
        sources[source.id] = _clean({
            "title": source.title, "publisher": source.publisher,
            "publisher_name": publisher.name if publisher else source.publisher,
            "url": source.url if source.url and is_http_url(source.url) else None,
            "date": source.date, "language": source.language,
            "cites": [c for c in source.cites if c in graph.sources], "note": source.note})

    # --- entities and facts -------------------------------------------------------------
    entity_rows = []
    for e in entities:
        attrs = {k: e.attributes[k] for k in sorted(e.attributes)}
        entity_rows.append(_clean({
            "id": e.id, "type": e.type, "name": e.name, "labels": _labels(e.labels),
            "aliases": list(e.aliases), "description": e.description,
            "wikidata": e.wikidata if e.wikidata and _WIKIDATA_ID.match(e.wikidata) else None,
            "attributes": attrs, "r": score.get(e.id), "c": community.get(e.id)}))
    statement_rows = []
    dates: set[str] = set()
    for st in statements:
        start, end = statement_window(st, graph)  # valid time
        known = first_known(st, graph.sources)  # known time
        history = [[step.status, last_day(step.date)] for step in st.history]
        dates.update(d for d in (start, end, known, *(h[1] for h in history)) if d)
        statement_rows.append(_clean({
            "id": st.id, "subject": st.subject, "relation": st.relation, "object": st.object,
            "status": st.status, "sources": [s for s in st.sources if s in graph.sources],
            "market": st.market, "since": st.since, "until": st.until, "note": st.note, "quote": st.quote,
            "symmetric": True if (st.symmetric or (st.relation in ontology.relations
                                                   and ontology.relations[st.relation].symmetric)) else None,
            "start": start, "end": end, "known": known, "hist": history or None,
            "hdate": [step.date for step in st.history] or None,
            "hsrc": [list(step.sources) for step in st.history] or None}))

    drawn = set(initial.entities)
    if layout == "force" and len(drawn) > FORCE_LAYOUT_LIMIT:
        layout = "circle"
    vis = _vis_network(graph, [e for e in entities if e.id in drawn],
                       [r for r in statement_rows if r["subject"] in drawn and r["object"] in drawn],
                       initial.clusters, score, ontology, lang, layout, physics, large)
    shown_selection = selection.describe() if selection else ""
    return {
        "meta": _clean({"title": title, "lang": lang, "physics": physics, "large": large,
                        "overview": len(entities) > OVERVIEW_LIMIT, "defaultTitle": title == DEFAULT_TITLE,
                        "edgeLabels": len(statements) <= EDGE_LABEL_LIMIT, "selection": shown_selection,
                        "counts": {"entities": len(entities), "relationships": len(statements),
                                   "sources": len(sources)}}),
        "languages": [{"key": k, "name": LANGUAGE_NAMES[k]} for k in LANGUAGES],
        "ui": UI_TEXT,
        "classes": classes, "relations": relations, "statuses": statuses, "markets": markets,
        "attributes": attributes, "denied_mark": DENIED_MARK,
        "entities": entity_rows, "statements": statement_rows, "sources": sources,
        "names": _referenced_names(graph, context),
        "dates": sorted(dates),
        "communityColours": list(COMMUNITY_COLOURS),
        "vis": vis,
    }


def _referenced_names(graph: KnowledgeGraph, context: KnowledgeGraph) -> dict:
    """Names of publishers and markets that are not shown as nodes (for the side panel)."""
    ids = {s.publisher for s in graph.sources.values() if s.publisher}
    ids |= {st.market for st in graph.statements if st.market}
    names = {}
    for entity_id in sorted(ids - set(graph.entities)):
        entity = context.entities.get(entity_id)
        if entity:
            names[entity_id] = _clean({"name": entity.name, "labels": _labels(entity.labels), "type": entity.type})
    return names


class _IdList(list):
    """pyvis checks `id in list` for every node and edge it adds (quadratic on 5,000 nodes):
    keep a set next to the list so that membership is O(1)."""

    def __init__(self):
        super().__init__()
        self._members: set = set()

    def append(self, item) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item) -> bool:
        return item in self._members


def _vis_network(graph: KnowledgeGraph, entities, statement_rows, clusters, score: dict, ontology: Ontology,
                 lang: str, layout: str, physics: bool, large: bool) -> dict:
    """Nodes, edges and options for vis-network (the initial view), assembled with pyvis."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="remote")  # writes nothing: only its data is used
    net.node_ids = _IdList()
    degree: Counter[str] = Counter()
    for row in statement_rows:
        degree[row["subject"]] += 1
        degree[row["object"]] += 1
    cluster_rows = [(cluster_key(hub, relation, direction), hub, relation, direction, count)
                    for hub, relation, direction, count in clusters]
    groups = {e.id: e.type for e in entities}
    labels = {e.id: e.labels.get(lang) or e.name for e in entities}
    for key, hub, relation, _direction, count in cluster_rows:
        groups[key] = "~cluster"
        labels[key] = f"{labels.get(hub, hub)} {relation} +{count}"
    positions = compute_layout(list(groups), [(r["subject"], r["object"]) for r in statement_rows]
                               + [(hub, key) for key, hub, *_ in cluster_rows], layout, groups=groups, labels=labels)
    if cluster_rows:  # an overview: room for the central names
        positions = fisheye(positions, OVERVIEW_FISHEYE)
    for e in entities:
        shape, colour = class_style(ontology, e.type)
        x, y = positions[e.id]
        extra = {} if degree[e.id] else {"physics": False}  # shelved under the drawing: stays there
        net.add_node(e.id, label=labels[e.id], shape=shape, color=colour, x=x, y=y, value=node_value(score.get(e.id, 0.0)),
                     **extra)
    for key, hub, relation, direction, count in cluster_rows:
        x, y = positions[key]
        net.add_node(key, label=labels[key], shape="dot", color="#94a3b8", x=x, y=y, value=cluster_value(count),
                     cluster={"hub": hub, "relation": relation, "direction": direction, "count": count})

    # Edges carry their ends and id only: page.js styles them from the statement's status (one
    # style table instead of 15,000 copies). Parallel facts between the same two entities get
    # their own curves (no overlap, no physics needed).
    pair_index: dict[tuple[str, str], int] = defaultdict(int)
    for row in statement_rows:
        pair = tuple(sorted((row["subject"], row["object"])))
        rank = pair_index[pair]
        pair_index[pair] += 1
        edge_extra: dict[str, object] = {}
        if rank:
            # Alternate sides, growing: 1 -> +0.2, 2 -> -0.2, 3 -> +0.4... (CW relative to from->to).
            direction = "curvedCW" if (rank % 2 == 1) == (row["subject"] <= row["object"]) else "curvedCCW"
            edge_extra["smooth"] = {"enabled": True, "type": direction,
                                    "roundness": round(0.2 * ((rank + 1) // 2), 2)}
        net.add_edge(row["subject"], row["object"], id=row["id"], **edge_extra)
    for key, hub, *_ in cluster_rows:
        net.add_edge(hub, key, id="edge:" + key)
    for edge in net.edges:
        edge.pop("arrows", None)  # pyvis adds "to" to every edge of a directed graph; page.js decides

    net.toggle_physics(physics)
    # Forces close to the precomputed layout's, so that settling keeps its shape.
    net.barnes_hut(gravity=-3000, central_gravity=0.3, spring_length=120, spring_strength=0.04, damping=0.3,
                   overlap=0.1)
    net.set_edge_smooth("continuous")
    net.toggle_hide_edges_on_drag(large)
    options = json.loads(net.options.to_json())
    options["edges"]["smooth"] = {"enabled": not large, "type": "continuous", "roundness": 0.2}
    options["edges"]["font"] = {"size": 10, "face": "system-ui, sans-serif", "strokeWidth": 3,
                                "strokeColor": "#ffffff", "align": "middle"}
    options["edges"]["selectionWidth"] = 2
    options["physics"]["stabilization"] = {"enabled": physics, "iterations": 150, "fit": True, "updateInterval": 25}
    options["physics"]["minVelocity"] = 0.75
    # Size by centrality (each node's value); labels grow with it, and a label is only drawn
    # once it is at least 7 px on screen, so zoomed out only the important names show.
    options["nodes"] = {"font": {"size": 13, "face": "system-ui, sans-serif", "color": "#111827",
                                 "strokeWidth": 3, "strokeColor": "#ffffff"},
                        "borderWidth": 1.5, "borderWidthSelected": 3,
                        "scaling": {"min": 8, "max": 44, "label": {"enabled": True, "min": 11, "max": 56,
                                                                  "maxVisible": 26, "drawThreshold": 7}}}
    # Relation labels only when zoomed in (10 px labels drawn from 9 px on screen).
    options["edges"]["scaling"] = {"label": {"enabled": False, "drawThreshold": 9}}
    options["interaction"].update({"hover": not large, "tooltipDelay": 250, "hideEdgesOnZoom": large,
                                   "navigationButtons": False, "keyboard": False, "multiselect": False})
    options["layout"] = {"improvedLayout": False, "randomSeed": 1}
    options.pop("configure", None)
    return {"nodes": net.nodes, "edges": net.edges, "options": options}


def fisheye(positions: dict[str, tuple[int, int]], power: float) -> dict[str, tuple[int, int]]:
    """Positions spread from their centre of mass: radius r -> R (r/R)^power (R the largest).
    Whole pixels, so that the page stays byte-identical."""
    if not positions:
        return positions
    cx = sum(x for x, _ in positions.values()) / len(positions)
    cy = sum(y for _, y in positions.values()) / len(positions)
    reach = max(math.hypot(x - cx, y - cy) for x, y in positions.values())
    if reach == 0:
        return positions
    spread = {}
    for key, (x, y) in positions.items():
        r = math.hypot(x - cx, y - cy)
        factor = (r / reach) ** power * reach / r if r else 1.0
        spread[key] = (round((x - cx) * factor), round((y - cy) * factor))
    return spread


def node_value(score: float) -> float:
    """The size value of an entity node: its centrality score (0..1, see overview.centrality)."""
    return round(score, 3)


def cluster_value(count: int) -> float:
    """The size value of a cluster node: grows with the log of its member count."""
    return round(min(0.6, 0.05 + math.log10(max(count, 1)) / 6), 3)


def _csp(*scripts: str) -> str:
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
                      for s in scripts)
    # No network at all: no connect/img/font/frame sources beyond data: images (vis-network's
    # own CSS icons); scripts only by hash, so no injected <script> or onerror= handler runs.
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def render_data(data: dict) -> str:
    """The HTML page for a page_data() dict."""
    vis_js = vis_network_js()
    # The data access (source.js) and the explorer (page.js) run as one inline script.
    app_js = _asset("source.js") + "\n" + _asset("page.js")
    values = {
        "LANG": html.escape(data["meta"]["lang"], quote=True),
        "TITLE": html.escape(data["meta"]["title"]),
        "CSP": html.escape(_csp(vis_js, app_js), quote=False).replace('"', "&quot;"),
        "STYLE": _asset("page.css"),
        "DATA": json_for_script(data),
        "VIS_JS": vis_js,
        "APP_JS": app_js,
    }
    # One pass: text put in place is never scanned again for placeholders.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("template.html"))
