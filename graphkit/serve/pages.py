"""HTML pages of the server: entity, source and statement pages, the explorer and the query page.

Every string from the data is untrusted: it reaches HTML only through `esc()` (html.escape,
quotes included) or as text set by the scripts with textContent. Links to the outside are
written only for http(s) URLs. The pages load scripts from /static only (Content-Security-Policy
set by the app).
"""
from __future__ import annotations

import math
from html import escape
from urllib.parse import quote

from ..asof import describe_dates
from ..iri import is_http_url
from ..model import Entity, Source, Statement
from .data import ServedGraph

STATUS_COLOURS = {"confirmed": "#15803d", "reported": "#2563eb", "rumoured": "#d97706", "denied": "#b91c1c",
                  "ended": "#6b7280", "planned": "#7c3aed"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "zh": "中文", "de": "Deutsch", "es": "Español", "ja": "日本語"}


def esc(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _href(path: str) -> str:
    return esc(quote(path, safe="/:@-._~"))


def entity_link(graph: ServedGraph, entity_id: str | None, lang: str = "en") -> str:
    if not entity_id:
        return ""
    entity = graph.kg.entities.get(entity_id)
    name = (entity.labels.get(lang) or entity.name) if entity else entity_id
    return f'<a href="{_href("/entity/" + entity_id)}">{esc(name)}</a>'


def external_link(url: str | None) -> str:
    if not url:
        return ""
    if is_http_url(url):
        return f'<a href="{esc(url)}" rel="nofollow noopener noreferrer">{esc(url)}</a>'
    return esc(url)


def layout(title: str, body: str, *, scripts: tuple[str, ...] = (), alternates: tuple[tuple[str, str], ...] = (),
           page_class: str = "") -> str:
    links = "".join(f'<link rel="alternate" type="{esc(t)}" href="{_href(h)}">' for t, h in alternates)
    tags = "".join(f'<script src="{_href(s)}" defer></script>' for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="graphkit serve">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/static/serve.css">{links}{tags}
</head>
<body class="{esc(page_class)}">
<header class="gk-top">
<a class="gk-home" href="/">graphkit</a>
<nav><a href="/">Explorer</a> <a href="/query">Query</a> <a href="/sparql">SPARQL endpoint</a></nav>
<form class="gk-find" action="/search" method="get" role="search">
<input type="search" name="q" placeholder="Search by name, alias or id" aria-label="Search">
<button type="submit">Search</button>
</form>
</header>
<main>
{body}
</main>
</body>
</html>
"""


# ---------------------------------------------------------------- a small neighbourhood graph (SVG)

def neighbourhood_svg(graph: ServedGraph, entity_id: str, *, limit: int = 24, lang: str = "en") -> str:
    """The entity in the middle, up to `limit` neighbours on a circle, one line per neighbour
    coloured by the status of the strongest fact; every node links to its page. Static SVG:
    deterministic, no script."""
    neighbours: dict[str, Statement] = {}
    for statement in graph.statements_about(entity_id):
        for other in (statement.subject, statement.object):
            if other != entity_id and other in graph.kg.entities and other not in neighbours:
                neighbours[other] = statement
    if not neighbours:
        return ""
    ordered = sorted(neighbours, key=lambda n: (-graph.degree(n), n))[:limit]
    size, centre, radius = 460, 230, 170
    lines, nodes = [], []
    for index, other in enumerate(sorted(ordered)):
        angle = 2 * math.pi * index / len(ordered) - math.pi / 2
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        statement = neighbours[other]
        colour = STATUS_COLOURS.get(statement.status, "#6b7280")
        relation = graph.ontology.relations.get(statement.relation)
        title = f"{relation.label(lang) if relation else statement.relation} ({statement.status})"
        lines.append(f'<line x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" stroke="{colour}" '
                     f'stroke-width="2"><title>{esc(title)}</title></line>')
        entity = graph.kg.entities[other]
        name = entity.labels.get(lang) or entity.name
        short = name if len(name) <= 22 else name[:21] + "…"
        anchor = "start" if x >= centre + 1 else ("end" if x <= centre - 1 else "middle")
        dx = 9 if anchor == "start" else (-9 if anchor == "end" else 0)
        nodes.append(f'<a href="{_href("/entity/" + other)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="7" '
                     f'class="gk-node"><title>{esc(name)}</title></circle>'
                     f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">{esc(short)}</text></a>')
    me = graph.kg.entities[entity_id]
    more = len(neighbours) - len(ordered)
    caption = f'<text x="{centre}" y="{size - 6}" text-anchor="middle" class="gk-more">+{more} more</text>' if more else ""
    return (f'<svg class="gk-neighbourhood" viewBox="-120 0 {size + 240} {size}" role="img" '
            f'aria-label="Neighbourhood of {esc(me.name)}">' + "".join(lines) +
            f'<circle cx="{centre}" cy="{centre}" r="11" class="gk-centre"></circle>'
            f'<text x="{centre}" y="{centre - 16}" text-anchor="middle" class="gk-centre-label">{esc(me.name)}</text>'
            + "".join(nodes) + caption + "</svg>")


# ---------------------------------------------------------------- facts

def _sources_html(graph: ServedGraph, source_ids) -> str:
    items = []
    for source_id in source_ids:
        source = graph.kg.sources.get(source_id)
        title = source.title if source else source_id
        extra = []
        if source is not None:
            if source.publisher:
                extra.append(entity_link(graph, source.publisher))
            if source.date:
                extra.append(esc(source.date))
        suffix = f" <span class=\"gk-muted\">({', '.join(extra)})</span>" if extra else ""
        items.append(f'<a href="{_href("/source/" + source_id)}">{esc(title)}</a>{suffix}')
    return "; ".join(items)


def _fact_row(graph: ServedGraph, statement: Statement, entity_id: str | None, lang: str) -> str:
    if entity_id is None:
        other = f"{entity_link(graph, statement.subject, lang)} → {entity_link(graph, statement.object, lang)}"
    elif statement.subject == entity_id and statement.object != entity_id:
        other = entity_link(graph, statement.object, lang)
    elif statement.object == entity_id and statement.subject != entity_id:
        other = entity_link(graph, statement.subject, lang)
    else:
        other = f"{entity_link(graph, statement.subject, lang)} → {entity_link(graph, statement.object, lang)}"
    dates = describe_dates(statement)  # valid time; an ended fact says so
    details = []
    if statement.history:  # reported time: how sure the sources were, step by step
        steps = "".join(
            f'<li><span class="gk-status gk-status-{esc(step.status)}">{esc(step.status)}</span> '
            f'{esc(step.date)} · {_sources_html(graph, step.sources)}</li>' for step in statement.history)
        details.append(f'<ol class="gk-history">{steps}</ol>')
    if statement.market:
        details.append(f"market: {entity_link(graph, statement.market, lang)}")
    if statement.quote:
        details.append(f'<q>{esc(statement.quote)}</q>')
    if statement.note:
        details.append(f'<span class="gk-note">{esc(statement.note)}</span>')
    status = statement.status
    return (f'<tr><td>{other}</td>'
            f'<td><span class="gk-status gk-status-{esc(status)}">{esc(status)}</span></td>'
            f'<td>{esc(dates)}</td>'
            f'<td>{"<br>".join(details)}</td>'
            f'<td>{_sources_html(graph, statement.sources)}</td>'
            f'<td><a href="{_href("/statement/" + statement.id)}" title="this fact">#</a></td></tr>')


def facts_html(graph: ServedGraph, statements: list[Statement], entity_id: str | None, lang: str = "en") -> str:
    """Facts grouped by relation (outgoing and incoming for a directed relation)."""
    groups: dict[tuple[str, str], list[Statement]] = {}
    for statement in statements:
        relation = graph.ontology.relations.get(statement.relation)
        label = relation.label(lang) if relation else statement.relation
        symmetric = bool(relation and relation.symmetric)
        if entity_id is None or symmetric or statement.subject == entity_id:
            heading = label
        elif statement.market == entity_id and entity_id not in (statement.subject, statement.object):
            heading = f"{label} (in this market)"
        else:
            heading = f"{label} (inverse)"
        groups.setdefault((heading, statement.relation), []).append(statement)
    parts = []
    for (heading, relation_key), rows in sorted(groups.items()):
        parts.append(f'<section class="gk-relation" data-relation="{esc(relation_key)}">'
                     f'<h3>{esc(heading)} <span class="gk-muted">({len(rows)})</span></h3>'
                     '<table class="gk-facts"><thead><tr><th>with</th><th>status</th><th>dates</th>'
                     '<th>details</th><th>sources</th><th></th></tr></thead><tbody>'
                     + "".join(_fact_row(graph, s, entity_id, lang) for s in rows) + "</tbody></table></section>")
    return "".join(parts)


def _rdf_links(path: str) -> str:
    return (f'<p class="gk-formats">Also as <a href="{_href(path + ".ttl")}">Turtle</a>, '
            f'<a href="{_href(path + ".nt")}">N-Triples</a>, <a href="{_href(path + ".jsonld")}">JSON-LD</a>.</p>')


def _alternates(path: str) -> tuple[tuple[str, str], ...]:
    return (("text/turtle", path + ".ttl"), ("application/n-triples", path + ".nt"),
            ("application/ld+json", path + ".jsonld"))


# ---------------------------------------------------------------- pages

def timeline_html(graph: ServedGraph, entity_id: str) -> str:
    """The story so far (graphkit.timeline): by valid date, then by report date, with sources."""
    from ..timeline import timeline

    story = timeline(graph.kg, entity_id)
    parts = []
    for title, kind, events in (("When facts hold", "valid", story.valid),
                                ("When facts became known", "reported", story.reported)):
        if events:
            items = "".join(f'<li data-date="{esc(e.date)}"><time>{esc(e.date)}</time> {esc(e.text)}</li>'
                            for e in events[:200])
            more = f'<p class="gk-muted">… {len(events) - 200} more</p>' if len(events) > 200 else ""
            parts.append(f'<h3>{esc(title)}</h3><ol class="gk-timeline" data-time="{kind}">{items}</ol>{more}')
    return f'<section class="gk-timeline-section"><h2>Timeline</h2>{"".join(parts)}</section>' if parts else ""


def entity_page(graph: ServedGraph, entity: Entity, lang: str = "en") -> str:
    info = graph.ontology.classes.get(entity.type)
    iri = graph.iris.entity(entity.id)
    path = "/entity/" + entity.id
    names = [("name", "", entity.name)]
    names += [("label", code, text) for code, text in sorted(entity.labels.items())]
    names += [("alias", "", alias) for alias in entity.aliases]
    names_rows = "".join(
        f'<tr><td>{esc(kind)}</td><td>{esc(LANGUAGE_NAMES.get(code, code))}</td>'
        f'<td lang="{esc(code) if code else "und"}">{esc(text)}</td></tr>' for kind, code, text in names)
    attributes = []
    for key, value in sorted(entity.attributes.items()):
        attribute = graph.ontology.attributes.get(key)
        label = attribute.label(lang) if attribute else key
        shown = external_link(value) if isinstance(value, str) and attribute and attribute.value_type == "uri" else esc(value)
        attributes.append(f"<tr><th>{esc(label)}</th><td>{shown}</td></tr>")
    if entity.wikidata:
        attributes.append(f'<tr><th>Wikidata</th><td>{external_link("https://www.wikidata.org/wiki/" + entity.wikidata)}'
                          "</td></tr>")
    statements = graph.statements_about(entity.id)
    body = [f'<article class="gk-entity" data-entity="{esc(entity.id)}">',
            f"<h1>{esc(entity.labels.get(lang) or entity.name)}</h1>",
            f'<p class="gk-type">{esc(info.label(lang) if info else entity.type)} · <code>{esc(iri)}</code></p>']
    if entity.description:
        body.append(f'<p class="gk-description">{esc(entity.description)}</p>')
    body.append('<div class="gk-columns"><div>')
    body.append(f'<h2>Names</h2><table class="gk-names"><tbody>{names_rows}</tbody></table>')
    if attributes:
        body.append(f'<h2>Attributes</h2><table class="gk-attributes"><tbody>{"".join(attributes)}</tbody></table>')
    body.append(_rdf_links(path))
    body.append(f'<p><a href="/?focus={_href(entity.id)}">Open in the explorer</a></p>')
    body.append("</div><div>")
    svg = neighbourhood_svg(graph, entity.id, lang=lang)
    if svg:
        body.append(f"<h2>Neighbourhood</h2>{svg}")
    body.append("</div></div>")
    body.append(f'<h2>Facts <span class="gk-muted">({len(statements)})</span></h2>')
    body.append(facts_html(graph, statements, entity.id, lang) or "<p>No facts about this entity.</p>")
    body.append(timeline_html(graph, entity.id))
    body.append("</article>")
    return layout(f"{entity.name} · graphkit", "".join(body), alternates=_alternates(path))


def source_page(graph: ServedGraph, source: Source, lang: str = "en") -> str:
    path = "/source/" + source.id
    rows = [("title", esc(source.title)), ("publisher", entity_link(graph, source.publisher, lang)),
            ("URL", external_link(source.url)), ("date", esc(source.date)),
            ("language", esc(LANGUAGE_NAMES.get(source.language or "", source.language)))]
    if source.cites:
        rows.append(("cites", "; ".join(f'<a href="{_href("/source/" + c)}">{esc(c)}</a>' for c in source.cites)))
    table = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows if v)
    statements = graph.statements_citing(source.id)
    body = (f'<article class="gk-source" data-source="{esc(source.id)}"><h1>{esc(source.title)}</h1>'
            f'<p class="gk-type">Source · <code>{esc(graph.iris.source(source.id))}</code></p>'
            f'<table class="gk-attributes"><tbody>{table}</tbody></table>{_rdf_links(path)}'
            f'<h2>Facts from this source <span class="gk-muted">({len(statements)})</span></h2>'
            f'{facts_html(graph, statements, None, lang) or "<p>No fact cites this source.</p>"}</article>')
    return layout(f"{source.title} · graphkit", body, alternates=_alternates(path))


def statement_page(graph: ServedGraph, statement: Statement, lang: str = "en") -> str:
    path = "/statement/" + statement.id
    relation = graph.ontology.relations.get(statement.relation)
    label = relation.label(lang) if relation else statement.relation
    heading = (f"{entity_link(graph, statement.subject, lang)} <span class=\"gk-relation-name\">{esc(label)}</span> "
               f"{entity_link(graph, statement.object, lang)}")
    body = (f'<article class="gk-statement" data-statement="{esc(statement.id)}"><h1>{heading}</h1>'
            f'<p class="gk-type">Statement · <code>{esc(graph.iris.statement(statement.id))}</code></p>'
            f'{facts_html(graph, [statement], None, lang)}{_rdf_links(path)}</article>')
    return layout(f"{label} · graphkit", body, alternates=_alternates(path))


def search_page(graph: ServedGraph, query: str, hits: list[dict]) -> str:
    items = "".join(
        f'<li><a href="{_href("/entity/" + h["id"])}">{esc(h["name"])}</a> '
        f'<span class="gk-muted">{esc(h["type"])} · {esc(h["id"])}'
        f'{(" · " + esc(h["matched"])) if h.get("matched") else ""}</span></li>' for h in hits)
    body = (f'<h1>Search: {esc(query)}</h1>'
            + (f'<ol class="gk-hits">{items}</ol>' if hits else "<p>No entity matches.</p>"))
    return layout(f"Search {query} · graphkit", body)


def not_found_page(what: str, key: str, hits: list[dict]) -> str:
    suggestions = "".join(f'<li><a href="{_href("/entity/" + h["id"])}">{esc(h["name"])}</a></li>' for h in hits)
    body = (f"<h1>No {esc(what)} '{esc(key)}'</h1>"
            + (f"<p>Did you mean:</p><ul>{suggestions}</ul>" if suggestions else ""))
    return layout("Not found · graphkit", body)


def explorer_page() -> str:
    body = """<div class="gk-explorer">
<aside class="gk-explorer-side">
<label for="gk-explore-search">Find an entity</label>
<input id="gk-explore-search" type="search" autocomplete="off" spellcheck="false" placeholder="name, alias or id">
<ul id="gk-explore-hits" class="gk-hit-list"></ul>
<div id="gk-explore-status" aria-live="polite"></div>
<div id="gk-explore-details"></div>
<p class="gk-muted">Click a result to add it with its neighbours; double-click a node to expand it.</p>
<button id="gk-explore-clear" type="button">Clear</button>
</aside>
<div id="gk-explore-graph" class="gk-graph"></div>
</div>"""
    return layout("graphkit explorer", body, scripts=("/static/vis-network.js", "/static/explorer.js"),
                  page_class="gk-wide")


def query_page() -> str:
    body = """<div class="gk-query">
<div class="gk-tabs" role="tablist">
<button type="button" role="tab" id="gk-tab-sparql" data-language="sparql" aria-selected="true">SPARQL</button>
<button type="button" role="tab" id="gk-tab-cypher" data-language="cypher" aria-selected="false">Cypher</button>
</div>
<div class="gk-query-row">
<label for="gk-pack">Pack query</label> <select id="gk-pack"><option value="">(write your own)</option></select>
<span id="gk-pack-description" class="gk-muted"></span>
</div>
<div id="gk-params"></div>
<textarea id="gk-editor" spellcheck="false" rows="12" aria-label="Query"></textarea>
<div class="gk-query-row">
<button id="gk-run" type="button">Run</button>
<button id="gk-show-table" type="button">Table</button>
<button id="gk-show-graph" type="button">Show as graph</button>
<span id="gk-query-status" aria-live="polite"></span>
</div>
<div id="gk-results"></div>
<div id="gk-result-graph" class="gk-graph" hidden></div>
</div>"""
    return layout("graphkit query", body, scripts=("/static/vis-network.js", "/static/query.js"), page_class="gk-wide")
