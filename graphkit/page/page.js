/* graphkit page: an explorer over a DataSource (source.js), drawn with vis-network.
 *
 * What is drawn (the view) is a small part of the graph: everything for a small graph, an
 * overview for a large one (the most central entities and cluster nodes for the groups of
 * neighbours they stand for). The reader grows it step by step: expand an entity, open a
 * cluster, search any entity; every step can be undone (collapse, close) and the steps are a
 * history (back/forward).
 *
 * Every string from the data is untrusted: it reaches the DOM through textContent (or as a
 * plain-text vis-network tooltip, which vis-network renders with innerText), never through
 * innerHTML, and links are only made from http(s) URLs.
 */
(function () {
  "use strict";

  var T0 = performance.now();
  var DATA = JSON.parse(document.getElementById("gk-data").textContent);
  var T1 = performance.now();
  var META = DATA.meta;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var DIM_OPACITY = 0.15;
  // Large graphs draw edges plain (no dashes, arrows or strike marks) while zoomed out, where
  // those details cannot be seen and cost most of the drawing time; zoomed in, the edges in
  // view get their full certainty style.
  var LARGE = !!META.large;
  var DETAIL_SCALE = 0.35;
  var DETAIL_LIMIT = 3000;
  var MAX_LIST = 200;
  // Expanding draws a group of neighbours directly up to this size, as one cluster node above.
  var CLUSTER_MIN = 20;
  var CLUSTER_COLOUR = "#94a3b8";
  var SPACING = 80;
  var SIZE_STEPS = 9;
  var OPEN_ON = 40;
  function stepScale(min, max, total, value) {
    if (max === min) return 0.5;
    return Math.round(Math.max(0, (value - min) / (max - min)) * SIZE_STEPS) / SIZE_STEPS;
  }

  var source = window.GraphkitSources.embedded(DATA);

  var state = {
    lang: META.lang || "en",
    colourBy: "class",
    hidden: { types: new Set(), relations: new Set(), statuses: new Set(), markets: new Set() },
    hideIsolated: false,
    edgeLabels: !!META.edgeLabels,
    selected: null // {kind: "entity"|"statement"|"cluster", id}
  };

  // ------------------------------------------------------------------ what the page knows
  // The store holds the rows fetched so far (with the embedded source: everything, at once).
  var store = { entities: new Map(), statements: new Map(), byEntity: new Map(), complete: new Set() };
  function remember(entities, statements, completeId) {
    entities.forEach(function (e) { if (e && !store.entities.has(e.id)) { store.entities.set(e.id, e); store.byEntity.set(e.id, []); } });
    statements.forEach(function (s) {
      if (store.statements.has(s.id)) return;
      store.statements.set(s.id, s);
      if (store.byEntity.has(s.subject)) store.byEntity.get(s.subject).push(s);
      if (s.object !== s.subject && store.byEntity.has(s.object)) store.byEntity.get(s.object).push(s);
    });
    if (completeId) store.complete.add(completeId);
  }
  if (source.preload) {
    var everything = source.preload();
    remember(everything.entities, everything.statements);
    everything.entities.forEach(function (e) { store.complete.add(e.id); });
  }
  function ensureNeighbours(id) {
    if (store.complete.has(id)) return Promise.resolve();
    return source.neighbours(id).then(function (answer) {
      remember((answer.entity ? [answer.entity] : []).concat(answer.entities), answer.statements, id);
    });
  }
  function statementsOf(id) { return store.byEntity.get(id) || []; }

  var marks = { stored: performance.now() - T0 };
  var classByKey = new Map();
  var relationByKey = new Map();
  var statusByKey = new Map();
  var marketByKey = new Map();
  DATA.classes.forEach(function (c) { classByKey.set(c.key, c); });
  DATA.relations.forEach(function (r) { relationByKey.set(r.key, r); });
  DATA.statuses.forEach(function (s) { statusByKey.set(s.key, s); });
  DATA.markets.forEach(function (m) { marketByKey.set(m.key, m); });

  // ------------------------------------------------------------------ words and numbers
  function ui(key) {
    var table = DATA.ui[state.lang] || DATA.ui.en;
    return table[key] || DATA.ui.en[key] || key;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return values[k] === undefined ? m : values[k]; });
  }
  function pick(labels, fallback) {
    if (!labels) return fallback;
    return labels[state.lang] || labels.en || fallback;
  }
  function entityName(id) {
    var e = store.entities.get(id);
    if (e) return pick(e.labels, e.name);
    var n = DATA.names[id];
    return n ? pick(n.labels, n.name) : id;
  }
  function className(key) { var c = classByKey.get(key); return c ? pick(c.labels, key) : key; }
  function relationName(key) { var r = relationByKey.get(key); return r ? pick(r.labels, key) : key; }
  function statusName(key) { var s = statusByKey.get(key); return s ? pick(s.labels, key) : key; }
  function marketName(key) {
    if (!key) return ui("no_market");
    var m = marketByKey.get(key);
    return m ? pick(m.labels, m.name) : entityName(key);
  }
  function attributeName(key) { return pick(DATA.attributes[key], key); }
  function isSymmetric(s) { var r = relationByKey.get(s.relation); return !!(s.symmetric || (r && r.symmetric)); }
  // Counts below 1,000 read the same in every language of the page: no Intl at all for them
  // (its first use loads the locale's data, tens of ms at start); one formatter per language.
  var countFormats = {};
  function count(n) {
    n = Number(n);
    if (n >= 0 && n < 1000 && Math.floor(n) === n) return String(n);
    var format = countFormats[state.lang] || (countFormats[state.lang] = new Intl.NumberFormat(state.lang));
    return format.format(n);
  }
  var SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  // 72700000000 -> "72.7 B" (fr "72,7 Md", zh "727亿"); 3.1e24 -> "3.1 × 10²⁴"; years stay as they are.
  function formatNumber(value) {
    var a = Math.abs(value);
    if (a < 10000) return String(value);
    if (a >= 1e15) {
      var exp = Math.floor(Math.log10(a));
      var mantissa = value / Math.pow(10, exp);
      return mantissa.toLocaleString(state.lang, { maximumFractionDigits: 2 }) + " × 10" +
        String(exp).split("").map(function (c) { return SUPERSCRIPT[c]; }).join("");
    }
    var text = new Intl.NumberFormat(state.lang, { notation: "compact", maximumFractionDigits: 1 }).format(value);
    return text.replace(/(\d)([A-Za-z]+)$/, "$1 $2");
  }
  function formatValue(value) {
    if (typeof value === "number") return formatNumber(value);
    return String(value);
  }

  // ------------------------------------------------------------------ DOM helpers
  function h(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (key) {
        var value = props[key];
        if (value === undefined || value === null || value === false) return;
        if (key === "text") node.textContent = String(value);
        else if (key === "className") node.className = value;
        else if (key === "onclick") node.addEventListener("click", value);
        else node.setAttribute(key, String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null; }
  function link(url, text) {
    var safe = safeUrl(url);
    if (!safe) return h("span", { text: text });
    return h("a", { href: safe, target: "_blank", rel: "noopener noreferrer", text: text });
  }
  function svg(width, height) {
    var node = document.createElementNS(SVG_NS, "svg");
    node.setAttribute("width", width);
    node.setAttribute("height", height);
    node.setAttribute("viewBox", "0 0 " + width + " " + height);
    node.setAttribute("aria-hidden", "true");
    return node;
  }
  function svgChild(parent, tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    parent.appendChild(node);
    return node;
  }
  var SHAPE_POINTS = {
    diamond: "7,1 13,7 7,13 1,7", triangle: "7,1.5 13,12.5 1,12.5", triangleDown: "1,1.5 13,1.5 7,12.5",
    star: "7,1 8.8,5.2 13.3,5.5 9.8,8.4 10.9,12.9 7,10.5 3.1,12.9 4.2,8.4 0.7,5.5 5.2,5.2",
    hexagon: "4,1.5 10,1.5 13,7 10,12.5 4,12.5 1,7"
  };
  function shapeIcon(shape, color) {
    var node = svg(14, 14);
    if (shape === "square") svgChild(node, "rect", { x: 2, y: 2, width: 10, height: 10, fill: color });
    else if (SHAPE_POINTS[shape]) svgChild(node, "polygon", { points: SHAPE_POINTS[shape], fill: color });
    else svgChild(node, "circle", { cx: 7, cy: 7, r: 5.5, fill: color });
    return node;
  }
  function lineIcon(style) {
    var node = svg(34, 12);
    var attrs = { x1: 2, y1: 6, x2: 32, y2: 6, stroke: style.color, "stroke-width": style.width };
    if (style.dashes) attrs["stroke-dasharray"] = style.dashes.join(" ");
    svgChild(node, "line", attrs);
    if (style.strike) svgChild(node, "line", { x1: 17, y1: 1, x2: 17, y2: 11, stroke: style.color, "stroke-width": 2 });
    return node;
  }
  function classChip(key) {
    var c = classByKey.get(key);
    var color = c ? c.color : "#64748b";
    return h("span", { className: "gk-chip", style: "background:" + color }, [className(key)]);
  }
  function statusBadge(key) {
    var s = statusByKey.get(key);
    var color = s ? s.style.color : "#6b7280";
    var denied = s && s.style.strike;
    return h("span", { className: "gk-status" + (denied ? " gk-denied" : ""), style: "color:" + color + ";border-color:" + color },
      [(denied ? DATA.denied_mark + " " : "") + statusName(key)]);
  }

  // ------------------------------------------------------------------ clusters
  // A cluster node stands for the neighbours of one entity through one relation, in one
  // direction, that are not drawn: "Apple ships +111", "+196 fine-tuned from Qwen2.5-72B".
  function clusterId(hub, relation, direction) { return "cluster:" + direction + ":" + relation + ":" + hub; }
  function groupMembers(hub, relation, direction) {
    var seen = new Set();
    var out = [];
    statementsOf(hub).forEach(function (s) {
      if (s.relation !== relation) return;
      var other = direction === "out" ? (s.subject === hub ? s.object : null) : (s.object === hub ? s.subject : null);
      if (other !== null && other !== hub && !seen.has(other)) { seen.add(other); out.push(other); }
    });
    return out;
  }
  function byImportance(a, b) {
    var ea = store.entities.get(a) || {};
    var eb = store.entities.get(b) || {};
    return (eb.r || 0) - (ea.r || 0) || (a < b ? -1 : a > b ? 1 : 0);
  }
  function clusterLabel(cl) {
    var n = "+" + count(cl.members.length);
    return cl.direction === "out" ? entityName(cl.hub) + " " + relationName(cl.relation) + " " + n
      : n + " " + relationName(cl.relation) + " " + entityName(cl.hub);
  }
  function clusterValue(n) { return Math.round(Math.min(0.6, 0.05 + Math.log10(Math.max(n, 1)) / 6) * 1000) / 1000; }

  // ------------------------------------------------------------------ tooltips (plain text)
  function nodeTitle(id) {
    var e = store.entities.get(id);
    var lines = [entityName(id) + " — " + className(e.type)];
    var others = [];
    if (pick(e.labels, e.name) !== e.name) others.push(e.name);
    (e.aliases || []).forEach(function (a) { others.push(a); });
    if (others.length) lines.push(others.join(" · "));
    if (e.description) lines.push(e.description);
    return lines.join("\n");
  }
  function clusterTitle(cl) {
    return clusterLabel(cl) + "\n" + fill(ui("cluster_hint"), { n: count(cl.members.length) });
  }
  function statementLine(s) {
    var arrow = isSymmetric(s) ? " — " : " → ";
    return entityName(s.subject) + arrow + relationName(s.relation) + arrow + entityName(s.object);
  }
  function edgeTitle(s) {
    var lines = [statementLine(s), ui("status") + ": " + statusName(s.status)];
    if (s.market) lines.push(ui("market") + ": " + marketName(s.market));
    lines.push(ui("sources") + ": " + (s.sources || []).length);
    return lines.join("\n");
  }
  function edgeLabel(s) {
    var st = statusByKey.get(s.status);
    return (st && st.style.strike ? DATA.denied_mark + " " : "") + relationName(s.relation);
  }

  // ------------------------------------------------------------------ styles
  function statusStyle(key) {
    var s = statusByKey.get(key);
    return s ? s.style : { color: "#6b7280", width: 1.5, dashes: [4, 4] };
  }
  function nodeColor(colour) {
    return { background: colour, border: colour, highlight: { background: colour, border: "#111827" },
      hover: { background: colour, border: "#111827" } };
  }
  function communityColour(c) {
    var palette = DATA.communityColours;
    return palette[Math.min(c || 0, palette.length - 1)];
  }
  function entityColour(e) {
    if (state.colourBy === "community") return communityColour(e.c);
    var c = classByKey.get(e.type);
    return c ? c.color : "#64748b";
  }
  function edgeColor(s, opacity) {
    var c = statusStyle(s.status).color;
    var colour = { color: c, highlight: c, hover: c, inherit: false };
    if (opacity !== undefined) colour.opacity = opacity;  // without one, the global opacity applies
    return colour;
  }
  function edgeStyle(s, detailed) {
    var st = statusStyle(s.status);
    if (!detailed) {
      return { dashes: false, width: 1, arrows: { to: { enabled: false }, middle: { enabled: false } } };
    }
    return { dashes: st.dashes || false, width: st.width,
      arrows: { to: { enabled: !isSymmetric(s), scaleFactor: 0.6 }, middle: { enabled: !!st.strike, type: "bar", scaleFactor: 0.9 } } };
  }
  // Parallel facts between the same two entities: alternate curves, as render.py does.
  function edgeSmooth(s) {
    var a = s.subject < s.object ? s.subject : s.object;
    var b = a === s.subject ? s.object : s.subject;
    var rank = 0;
    statementsOf(s.subject).forEach(function (t) {
      var ta = t.subject < t.object ? t.subject : t.object;
      var tb = ta === t.subject ? t.object : t.subject;
      if (ta === a && tb === b && t.id < s.id) rank += 1;
    });
    if (!rank) return undefined;
    var direction = (rank % 2 === 1) === (s.subject <= s.object) ? "curvedCW" : "curvedCCW";
    return { enabled: true, type: direction, roundness: Math.round(0.2 * Math.floor((rank + 1) / 2) * 100) / 100 };
  }
  function entityNode(id, x, y) {
    var e = store.entities.get(id);
    var c = classByKey.get(e.type);
    var node = { id: id, label: entityName(id), title: nodeTitle(id), shape: c ? c.shape : "dot",
      color: nodeColor(entityColour(e)), value: Math.round((e.r || 0) * 1000) / 1000, x: x, y: y };
    return node;
  }
  function clusterNode(cl) {
    return { id: cl.id, label: clusterLabel(cl), title: clusterTitle(cl), shape: "dot", color: nodeColor(CLUSTER_COLOUR),
      value: clusterValue(cl.members.length), x: cl.x, y: cl.y, borderWidth: 3,
      shapeProperties: { borderDashes: [5, 4] }, font: { color: "#334155" } };
  }
  function statementEdge(s) {
    var edge = Object.assign({ id: s.id, from: s.subject, to: s.object }, edgeStyle(s, !LARGE),
      { color: edgeColor(s), label: edgeLabel(s), title: edgeTitle(s), font: { color: statusStyle(s.status).color } });
    var smooth = edgeSmooth(s);
    if (smooth) edge.smooth = smooth;
    return edge;
  }
  function clusterEdge(cl) {
    return { id: "edge:" + cl.id, from: cl.hub, to: cl.id, color: { color: CLUSTER_COLOUR, inherit: false },
      dashes: [5, 4], width: 1.5, arrows: { to: { enabled: false }, middle: { enabled: false } },
      label: relationName(cl.relation), font: { color: "#64748b" } };
  }

  // ------------------------------------------------------------------ the view
  // view.entities: id -> {x, y}; view.clusters: id -> cluster; view.steps: key -> what a step added
  // ("x:ID" expanding an entity, "o:CLUSTER" opening a cluster, "s:ID" showing a searched entity).
  var view = { entities: new Map(), clusters: new Map(), steps: new Map() };
  DATA.vis.nodes.forEach(function (n) {
    if (n.cluster) {
      var members = groupMembers(n.cluster.hub, n.cluster.relation, n.cluster.direction);
      view.clusters.set(n.id, { id: n.id, hub: n.cluster.hub, relation: n.cluster.relation, direction: n.cluster.direction,
        members: members, x: n.x, y: n.y, owner: null });
    } else {
      view.entities.set(n.id, { x: n.x, y: n.y, physics: n.physics });
    }
  });
  // Members of the initial clusters are the group's neighbours the initial view does not draw.
  view.clusters.forEach(function (cl) {
    cl.members = cl.members.filter(function (m) { return !view.entities.has(m); }).sort(byImportance);
  });

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var nodeVisible = new Map();
  var edgeVisible = new Map();
  var detailed = new Set();  // edges drawn with their full style
  var initialEdges = new Map();
  DATA.vis.edges.forEach(function (e) { initialEdges.set(e.id, e); });

  var api = window.graphkit = {
    ready: false, readyAt: null, network: null, nodes: nodes, edges: edges, data: DATA, state: state, source: source,
    store: store, view: view, busy: false, step: 0, animating: false, drawn: 0,
    visibleNodeIds: function () {
      var out = [];
      view.entities.forEach(function (p, id) { if (nodeVisible.get(id)) out.push(id); });
      return out.sort();
    },
    visibleEdgeIds: function () {
      var out = [];
      edgeVisible.forEach(function (v, id) { if (v && store.statements.has(id)) out.push(id); });
      return out.sort();
    },
    drawnEntityIds: function () { return Array.from(view.entities.keys()).sort(); },
    clusters: function () {
      var out = [];
      view.clusters.forEach(function (cl) {
        out.push({ id: cl.id, hub: cl.hub, relation: cl.relation, direction: cl.direction, members: cl.members.slice() });
      });
      return out;
    }
  };
  function wantedEdges() {
    var wanted = new Map();
    view.entities.forEach(function (pos, id) {
      statementsOf(id).forEach(function (s) {
        if (!wanted.has(s.id) && view.entities.has(s.subject) && view.entities.has(s.object)) wanted.set(s.id, s);
      });
    });
    return wanted;
  }
  // Bring the DataSets in line with the view (positions of nodes already drawn are kept).
  function sync(restorePositions) {
    var wantNodes = new Set();
    var addNodes = [];
    var moveNodes = [];
    view.entities.forEach(function (pos, id) {
      wantNodes.add(id);
      if (!nodes.get(id)) {
        var node = entityNode(id, pos.x, pos.y);
        if (pos.physics === false) node.physics = false;
        addNodes.push(node);
      } else if (restorePositions) moveNodes.push([id, pos.x, pos.y]);
    });
    view.clusters.forEach(function (cl, id) {
      wantNodes.add(id);
      if (!nodes.get(id)) addNodes.push(clusterNode(cl));
      else if (restorePositions) moveNodes.push([id, cl.x, cl.y]);
    });
    var removeNodes = nodes.getIds().filter(function (id) { return !wantNodes.has(id); });
    var wanted = wantedEdges();
    view.clusters.forEach(function (cl) { wanted.set("edge:" + cl.id, cl); });
    var removeEdges = edges.getIds().filter(function (id) { return !wanted.has(id); });
    var addEdges = [];
    wanted.forEach(function (item, id) {
      if (edges.get(id)) return;
      if (item.members) addEdges.push(clusterEdge(item));
      else {
        var edge = statementEdge(item);
        var initial = initialEdges.get(id);
        if (initial && initial.smooth) edge.smooth = initial.smooth;
        addEdges.push(edge);
        if (!LARGE) detailed.add(id);
      }
    });
    batch(function () {
      if (removeEdges.length) {
        edges.remove(removeEdges);
        removeEdges.forEach(function (id) { edgeVisible.delete(id); detailed.delete(id); });
      }
      if (removeNodes.length) { nodes.remove(removeNodes); removeNodes.forEach(function (id) { nodeVisible.delete(id); }); }
      if (addNodes.length) { nodes.add(addNodes); addNodes.forEach(function (n) { nodeVisible.set(n.id, true); }); }
      if (addEdges.length) { edges.add(addEdges); addEdges.forEach(function (e) { edgeVisible.set(e.id, true); }); }
      // positions through the DataSet: network.moveNode() redraws once per node, later
      if (moveNodes.length) nodes.update(moveNodes.map(function (m) { return { id: m[0], x: m[1], y: m[2] }; }));
    });
    if (network) applyFilters();  // the first sync fills the DataSets before the network exists
  }
  // Record where the drawn nodes are now (the reader may have dragged some).
  function capture() {
    var ids = nodes.getIds();
    if (!ids.length) return;
    var positions = network.getPositions(ids);
    view.entities.forEach(function (pos, id) { var p = positions[id]; if (p) { pos.x = Math.round(p.x); pos.y = Math.round(p.y); } });
    view.clusters.forEach(function (cl, id) { var p = positions[id]; if (p) { cl.x = Math.round(p.x); cl.y = Math.round(p.y); } });
  }

  // Free spots on rings around an anchor, first towards the outside of the drawing.
  function placeAround(anchor, countWanted) {
    var occupied = [];
    view.entities.forEach(function (p) { occupied.push(p); });
    view.clusters.forEach(function (c) { occupied.push(c); });
    var cx = 0, cy = 0;
    occupied.forEach(function (p) { cx += p.x; cy += p.y; });
    if (occupied.length) { cx /= occupied.length; cy /= occupied.length; }
    var start = Math.atan2(anchor.y - cy, anchor.x - cx);
    if (!isFinite(start) || (anchor.x === cx && anchor.y === cy)) start = 0;
    var cell = SPACING * 0.6;
    var grid = new Map();
    function key(x, y) { return Math.floor(x / cell) + "," + Math.floor(y / cell); }
    occupied.forEach(function (p) { grid.set(key(p.x, p.y), true); });
    var spots = [];
    for (var ring = 1; spots.length < countWanted && ring < 400; ring++) {
      var radius = SPACING * (1.2 + ring);
      var slots = Math.max(6, Math.floor(2 * Math.PI * radius / SPACING));
      for (var i = 0; i < slots && spots.length < countWanted; i++) {
        // alternate around the outward direction: 0, +1, -1, +2, -2...
        var k = i % 2 === 1 ? (i + 1) / 2 : -i / 2;
        var angle = start + k * 2 * Math.PI / slots;
        var x = Math.round(anchor.x + radius * Math.cos(angle));
        var y = Math.round(anchor.y + radius * Math.sin(angle));
        if (grid.has(key(x, y))) continue;
        grid.set(key(x, y), true);
        spots.push({ x: x, y: y });
      }
    }
    return spots;
  }
  function positionOf(id) {
    var p = view.entities.get(id) || view.clusters.get(id);
    return p ? { x: p.x, y: p.y } : { x: 0, y: 0 };
  }

  // The neighbours of an entity by relation and direction: [{relation, direction, key, facts, others}].
  function neighbourGroups(id) {
    var groups = new Map();
    statementsOf(id).forEach(function (s) {
      var out = s.subject === id;
      var direction = isSymmetric(s) ? "out" : out ? "out" : "in";
      var other = out ? s.object : s.subject;
      var key = direction + ":" + s.relation;
      if (!groups.has(key)) groups.set(key, { relation: s.relation, direction: direction, key: key, facts: 0, others: [], seen: new Set() });
      var g = groups.get(key);
      g.facts += 1;
      if (other !== id && !g.seen.has(other)) { g.seen.add(other); g.others.push(other); }
    });
    return Array.from(groups.values()).sort(function (a, b) {
      return b.facts - a.facts || (a.key < b.key ? -1 : 1);
    });
  }
  // ------------------------------------------------------------------ steps
  var pending = 0;
  function step(work) {
    pending += 1;
    api.busy = true;
    return Promise.resolve().then(work).then(function (result) {
      pending -= 1;
      api.busy = pending > 0;
      return result;
    }, function (error) {
      pending -= 1;
      api.busy = pending > 0;
      throw error;
    });
  }
  function isExpanded(id) { return view.steps.has("x:" + id); }
  // Expand an entity: every group of neighbours not drawn yet; a large group becomes a cluster
  // node (unless `only` names the group, which is then drawn in full).
  function expand(id, only, noHistory) {
    return step(function () {
      return ensureNeighbours(id).then(function () {
        if (!view.entities.has(id)) return;
        capture();
        var key = "x:" + id;
        var record = view.steps.get(key) || { entities: [], clusters: [], reopened: [] };
        var newEntities = [];
        var newClusters = [];
        neighbourGroups(id).forEach(function (g) {
          if (only && g.key !== only) return;
          var fresh = g.others.filter(function (o) { return !view.entities.has(o); }).sort(byImportance);
          var cid = clusterId(id, g.relation, g.direction);
          var existing = view.clusters.get(cid);
          if (existing) {
            if (!only) return;  // already stands for this group
            openClusterNow(cid, record);
            return;
          }
          if (!fresh.length) return;
          if (!only && fresh.length > CLUSTER_MIN) {
            newClusters.push({ id: cid, hub: id, relation: g.relation, direction: g.direction, members: fresh, owner: key });
          } else {
            fresh.forEach(function (o) { if (newEntities.indexOf(o) < 0) newEntities.push(o); });
          }
        });
        var spots = placeAround(positionOf(id), newClusters.length + newEntities.length);
        newClusters.forEach(function (cl, i) {
          cl.x = spots[i].x; cl.y = spots[i].y;
          view.clusters.set(cl.id, cl);
          record.clusters.push(cl.id);
        });
        newEntities.forEach(function (o, i) {
          var spot = spots[newClusters.length + i];
          view.entities.set(o, { x: spot.x, y: spot.y });
          record.entities.push(o);
        });
        view.steps.set(key, record);
        sync();
        if (!noHistory) pushHistory();
      });
    });
  }
  // Undo what a step added (steps started from what it added first), and give back the
  // clusters it opened.
  function undoStep(key) {
    var record = view.steps.get(key);
    if (!record) return;
    view.steps.delete(key);
    record.clusters.forEach(function (cid) {
      if (view.steps.has("o:" + cid)) undoStep("o:" + cid);
      view.clusters.delete(cid);
    });
    record.entities.forEach(function (id) {
      if (view.steps.has("x:" + id)) undoStep("x:" + id);
      view.entities.delete(id);
    });
    (record.reopened || []).forEach(function (cl) { undoStep("o:" + cl.id); });
    if (record.cluster) view.clusters.set(record.cluster.id, record.cluster);  // a closed cluster is back
  }
  function collapse(id) {
    return step(function () {
      capture();
      undoStep("x:" + id);
      sync();
      pushHistory();
    });
  }
  // Open a cluster: draw exactly its members (those not drawn yet) around where it was.
  function openClusterNow(cid, parentRecord) {
    var cl = view.clusters.get(cid);
    if (!cl) return;
    var fresh = cl.members.filter(function (m) { return !view.entities.has(m); });
    var spots = placeAround({ x: cl.x, y: cl.y }, fresh.length);
    var record = { entities: [], clusters: [], cluster: cl };
    view.clusters.delete(cid);
    fresh.forEach(function (m, i) {
      view.entities.set(m, { x: spots[i].x, y: spots[i].y });
      record.entities.push(m);
    });
    view.steps.set("o:" + cid, record);
    if (parentRecord) parentRecord.reopened.push(cl);
  }
  function openCluster(cid) {
    return step(function () {
      var cl = view.clusters.get(cid);
      if (!cl) return;
      return ensureNeighbours(cl.hub).then(function () {
        capture();
        openClusterNow(cid);
        sync();
        pushHistory();
      });
    });
  }
  function closeCluster(cid) {
    return step(function () {
      capture();
      var record = view.steps.get("o:" + cid);
      if (!record) return;
      record.entities.forEach(function (id) {
        if (view.steps.has("x:" + id)) undoStep("x:" + id);
        view.entities.delete(id);
      });
      view.steps.delete("o:" + cid);
      view.clusters.set(cid, record.cluster);
      sync();
      pushHistory();
    });
  }
  // Show any entity with its neighbourhood, drawing it first if it is not on screen.
  function showEntity(id) {
    return step(function () {
      return ensureNeighbours(id).then(function () {
        if (!store.entities.has(id)) return;
        capture();
        if (!view.entities.has(id)) {
          var near = null;
          view.clusters.forEach(function (cl) { if (!near && cl.members.indexOf(id) >= 0) near = { x: cl.x, y: cl.y }; });
          statementsOf(id).forEach(function (s) {
            var other = s.subject === id ? s.object : s.subject;
            if (!near && view.entities.has(other)) near = positionOf(other);
          });
          if (!near) {
            var right = -Infinity, top = Infinity;
            view.entities.forEach(function (p) { right = Math.max(right, p.x); top = Math.min(top, p.y); });
            near = isFinite(right) ? { x: right + 4 * SPACING, y: top } : { x: 0, y: 0 };
          }
          var spot = view.entities.size ? placeAround(near, 1)[0] : near;
          view.entities.set(id, { x: spot.x, y: spot.y });
          view.steps.set("s:" + id, { entities: [id], clusters: [] });
          revealType(id);
        }
        return expand(id, null, true);
      }).then(function () { pushHistory(); });
    });
  }

  // ------------------------------------------------------------------ history
  var history = [];
  var historyAt = -1;
  function snapshot() {
    capture();
    var steps = [];
    view.steps.forEach(function (r, k) {
      steps.push([k, { entities: r.entities.slice(), clusters: r.clusters.slice(), reopened: (r.reopened || []).slice(), cluster: r.cluster }]);
    });
    var clusters = [];
    view.clusters.forEach(function (cl) { clusters.push(Object.assign({}, cl)); });
    var entities = [];
    view.entities.forEach(function (p, id) { entities.push([id, Object.assign({}, p)]); });
    return { entities: entities, clusters: clusters, steps: steps, selected: state.selected };
  }
  function pushHistory() {
    history = history.slice(0, historyAt + 1);
    history.push(snapshot());
    historyAt = history.length - 1;
    api.historyLength = history.length;
    api.historyAt = historyAt;
    api.step += 1;
    updateHistoryButtons();
    updateCounts();
    if (state.selected) renderPanel();
  }
  function restore(at) {
    if (at < 0 || at >= history.length) return;
    var snap = history[at];
    historyAt = at;
    view.entities = new Map(snap.entities.map(function (e) { return [e[0], Object.assign({}, e[1])]; }));
    view.clusters = new Map(snap.clusters.map(function (c) { return [c.id, Object.assign({}, c)]; }));
    view.steps = new Map(snap.steps.map(function (s) {
      return [s[0], { entities: s[1].entities.slice(), clusters: s[1].clusters.slice(), reopened: s[1].reopened.slice(), cluster: s[1].cluster }];
    }));
    sync(true);
    api.historyAt = historyAt;
    api.step += 1;
    updateHistoryButtons();
    var sel = snap.selected;
    if (sel && (sel.kind !== "entity" || view.entities.has(sel.id))) select(sel);
    else clearSelection();
  }
  var backButton = document.getElementById("gk-back");
  var forwardButton = document.getElementById("gk-forward");
  function updateHistoryButtons() {
    backButton.disabled = historyAt <= 0;
    forwardButton.disabled = historyAt >= history.length - 1;
  }
  backButton.addEventListener("click", function () { restore(historyAt - 1); });
  forwardButton.addEventListener("click", function () { restore(historyAt + 1); });

  // ------------------------------------------------------------------ network
  var options = DATA.vis.options;
  options.edges.font.size = state.edgeLabels ? 10 : 0;  // labels are switched globally (cheap)
  // Sizes by centrality in SIZE_STEPS steps: every distinct label size is one more font for
  // the browser to resolve (about 1 ms each), which on a page of 56 nodes was a fifth of its start.
  if (options.nodes.scaling) options.nodes.scaling.customScalingFunction = stepScale;
  var container = document.getElementById("gk-graph");
  var network = null;
  sync();  // the initial view, in the DataSets before vis-network sees them (one stabilization)
  network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  api.network = network;
  marks.network = performance.now() - T0;

  // With physics off, vis-network redraws synchronously after every DataSet update or options
  // change (a quarter of a second each on 15,000 edges). Group the changes of one user action
  // and draw once. _blockRedraw/_allowRedraw are the events vis-network itself uses for this.
  // While vis-network stabilizes it blocks drawing itself (the first drawing comes once the
  // iterations are done): a batch then must not lift that block, or every batch of the start
  // (filters, language) draws a half-settled graph.
  var batchDepth = 0;
  var batchOwnsBlock = false;
  function batch(work) {
    var emitter = network && network.body && network.body.emitter;
    batchDepth += 1;
    if (batchDepth === 1 && emitter) {
      batchOwnsBlock = !(network.renderer && network.renderer.allowRedraw === false);
      if (batchOwnsBlock) emitter.emit("_blockRedraw");
    }
    try {
      work();
    } finally {
      batchDepth -= 1;
      if (batchDepth === 0 && emitter && batchOwnsBlock) {
        // one drawing at the next frame, however many batches this action ran
        emitter.emit("_allowRedraw");
        emitter.emit("_requestRedraw");
      }
    }
  }

  network.on("afterDrawing", function () { api.drawn += 1; });
  // Camera moves with an animation: api.animating is true until it has arrived (for tests and tools).
  function moveCamera(move) {
    api.animating = true;
    network.once("animationFinished", function () { api.animating = false; });
    move();
  }

  function markReady() {
    if (api.ready) return;
    api.ready = true;
    api.readyAt = performance.now();
    marks.drawings = api.drawn;  // drawings up to ready: 1 (a half-settled graph is never drawn)
    document.getElementById("gk-loading").hidden = true;
    document.body.setAttribute("data-ready", "true");
    // Prepare the search index once the page is drawn, so that the first search is quick too.
    if (source.warm) setTimeout(function () { source.warm(); api.searchReady = true; }, 0);
  }
  var physicsBox = document.getElementById("gk-physics");
  physicsBox.checked = !!META.physics;
  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked, stabilization: { enabled: false } } });
  });

  // ------------------------------------------------------------------ highlight
  // Dimming sets one global opacity (one cheap options update, whatever the size of the graph)
  // and gives the highlighted items an opacity of their own; items that once had one are
  // tracked, so that every later change only touches them.
  var globalOpacity = 1;
  var nodeOpacity = new Map();
  var edgeOpacity = new Map();
  function highlight(keepNodes, keepEdges) {
    var target = keepNodes ? DIM_OPACITY : 1;
    if (target !== globalOpacity) {
      globalOpacity = target;
      batch(function () { network.setOptions({ nodes: { opacity: target }, edges: { color: { opacity: target } } }); });
    }
    var nodeUpdates = [];
    var edgeUpdates = [];
    function want(keep, id) { return keep && keep.has(id) ? 1 : target; }
    nodeOpacity.forEach(function (value, id) {
      if (!nodes.get(id)) { nodeOpacity.delete(id); return; }
      var w = want(keepNodes, id);
      if (w !== value) { nodeOpacity.set(id, w); nodeUpdates.push({ id: id, opacity: w }); }
    });
    edgeOpacity.forEach(function (value, id) {
      var s = store.statements.get(id);
      if (!s || !edges.get(id)) { edgeOpacity.delete(id); return; }
      var w = want(keepEdges, id);
      if (w !== value) { edgeOpacity.set(id, w); edgeUpdates.push({ id: id, color: edgeColor(s, w) }); }
    });
    if (keepNodes) {
      keepNodes.forEach(function (id) {
        if (nodes.get(id) && nodeOpacity.get(id) !== 1) { nodeOpacity.set(id, 1); nodeUpdates.push({ id: id, opacity: 1 }); }
      });
      keepEdges.forEach(function (id) {
        var s = store.statements.get(id);
        if (s && edges.get(id) && edgeOpacity.get(id) !== 1) { edgeOpacity.set(id, 1); edgeUpdates.push({ id: id, color: edgeColor(s, 1) }); }
      });
    }
    batch(function () {
      if (nodeUpdates.length) nodes.update(nodeUpdates);
      if (edgeUpdates.length) edges.update(edgeUpdates);
    });
    api.dimmed = !!keepNodes;
  }
  api.opacityOf = function (kind, id) {
    var own = (kind === "node" ? nodeOpacity : edgeOpacity).get(id);
    return own === undefined ? globalOpacity : own;
  };
  function highlightSelection() {
    var sel = state.selected;
    if (!sel || sel.kind === "cluster") { highlight(null, null); return; }
    var keepNodes = new Set();
    var keepEdges = new Set();
    if (sel.kind === "entity") {
      keepNodes.add(sel.id);
      statementsOf(sel.id).forEach(function (s) {
        if (!edgeVisible.get(s.id)) return;
        keepEdges.add(s.id);
        keepNodes.add(s.subject);
        keepNodes.add(s.object);
      });
      view.clusters.forEach(function (cl) { if (cl.hub === sel.id) keepNodes.add(cl.id); });
    } else {
      var s = store.statements.get(sel.id);
      keepEdges.add(s.id);
      keepNodes.add(s.subject);
      keepNodes.add(s.object);
    }
    highlight(keepNodes, keepEdges);
  }

  // ------------------------------------------------------------------ detail (large graphs)
  function updateDetail() {
    if (!LARGE) return;
    var want = new Set();
    if (network.getScale() >= DETAIL_SCALE) {
      var box = container.getBoundingClientRect();
      var a = network.DOMtoCanvas({ x: 0, y: 0 });
      var b = network.DOMtoCanvas({ x: box.width, y: box.height });
      var positions = network.getPositions();
      var inView = function (id) {
        var p = positions[id];
        return p && p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y;
      };
      edgeVisible.forEach(function (shown, id) {
        if (!shown || want.size >= DETAIL_LIMIT) return;
        var s = store.statements.get(id);
        if (s && (inView(s.subject) || inView(s.object))) want.add(id);
      });
    }
    var updates = [];
    detailed.forEach(function (id) {
      if (!want.has(id)) { detailed.delete(id); if (edges.get(id)) updates.push(Object.assign({ id: id }, edgeStyle(store.statements.get(id), false))); }
    });
    want.forEach(function (id) {
      if (!detailed.has(id)) { detailed.add(id); updates.push(Object.assign({ id: id }, edgeStyle(store.statements.get(id), true))); }
    });
    if (updates.length) batch(function () { edges.update(updates); });
    api.detailed = detailed.size;
  }
  var detailTimer = null;
  function scheduleDetail() {
    if (!LARGE) return;
    clearTimeout(detailTimer);
    detailTimer = setTimeout(updateDetail, 120);
  }
  network.on("zoom", scheduleDetail);
  network.on("dragEnd", scheduleDetail);
  network.on("animationFinished", scheduleDetail);

  // ------------------------------------------------------------------ time (the date slider)
  // The one place that decides whether a fact applies at the slider's date: the rules of
  // graphkit.asof (`graphkit render --as-of D --time valid|known`, see docs/page.md). Valid time:
  // the fact holds on the day (start <= day < end; no dates: always). Known time: it was known
  // by the day (its first source or history step), with the status it had then.
  var timeModel = {
    dates: DATA.dates,
    index: DATA.dates.length,  // the last step: all dates
    mode: "valid",
    day: function () { return this.index < this.dates.length ? this.dates[this.index] : null; },
    applies: function (s, day) {
      if (!day) return true;
      if (this.mode === "known") return !s.known || s.known <= day;
      return !((s.start && s.start > day) || (s.end && day >= s.end));
    },
    status: function (s, day) {
      if (!day || this.mode !== "known" || !s.hist) return s.status;
      var status = s.hist[0][0];
      s.hist.forEach(function (step) { if (step[1] <= day) status = step[0]; });
      return status;
    },
    label: function () { return this.day() || ui("all_dates"); }
  };
  var timeSelect = document.getElementById("gk-time");
  timeSelect.addEventListener("change", function () {
    timeModel.mode = timeSelect.value;
    applyFilters();
    renderPanel();
  });
  var dateInput = document.getElementById("gk-date");
  function updateDateLabel() { document.getElementById("gk-date-label").textContent = timeModel.label(); }
  dateInput.max = String(timeModel.dates.length);
  dateInput.value = String(timeModel.index);
  dateInput.disabled = timeModel.dates.length === 0;
  dateInput.addEventListener("input", function () {
    timeModel.index = parseInt(dateInput.value, 10);
    updateDateLabel();
    applyFilters();
  });

  // ------------------------------------------------------------------ filters
  // Each fact passes or fails each filter; a filter's count is the number of drawn items that
  // pass every *other* filter, so counts follow the current filters.
  function checks(s, day) {
    var hd = state.hidden;
    var se = store.entities.get(s.subject);
    var oe = store.entities.get(s.object);
    return {
      types: !hd.types.has(se.type) && !hd.types.has(oe.type),
      relations: !hd.relations.has(s.relation), statuses: !hd.statuses.has(timeModel.status(s, day)),
      markets: !hd.markets.has(s.market || ""), time: timeModel.applies(s, day)
    };
  }
  function passesAll(c, except) {
    return (except === "types" || c.types) && (except === "relations" || c.relations) &&
      (except === "statuses" || c.statuses) && (except === "markets" || c.markets) && c.time;
  }
  var facetCounts = { types: new Map(), relations: new Map(), statuses: new Map(), markets: new Map() };
  function applyFilters() {
    var day = timeModel.day();
    var degree = new Map();
    var anyDegree = new Map();
    var edgeUpdates = [];
    var counts = { types: new Map(), relations: new Map(), statuses: new Map(), markets: new Map() };
    function bump(map, key) { map.set(key, (map.get(key) || 0) + 1); }
    edgeVisible.forEach(function (was, id) {
      var s = store.statements.get(id);
      if (!s) return;  // a cluster's edge: follows its nodes below
      var c = checks(s, day);
      var show = passesAll(c);
      if (passesAll(c, "relations")) bump(counts.relations, s.relation);
      if (passesAll(c, "statuses")) bump(counts.statuses, s.status);
      if (passesAll(c, "markets")) bump(counts.markets, s.market || "");
      if (passesAll(c, "types")) { bump(anyDegree, s.subject); bump(anyDegree, s.object); }
      if (show) { bump(degree, s.subject); bump(degree, s.object); }
      if (show !== was) { edgeVisible.set(id, show); edgeUpdates.push({ id: id, hidden: !show }); }
    });
    var nodeUpdates = [];
    view.entities.forEach(function (p, id) {
      var e = store.entities.get(id);
      var typeShown = !state.hidden.types.has(e.type);
      var show = typeShown && (!state.hideIsolated || degree.has(id));
      if (!state.hideIsolated || anyDegree.has(id)) bump(counts.types, e.type);
      if (show !== nodeVisible.get(id)) { nodeVisible.set(id, show); nodeUpdates.push({ id: id, hidden: !show }); }
    });
    view.clusters.forEach(function (cl, id) {
      var show = !!nodeVisible.get(cl.hub) && !state.hidden.relations.has(cl.relation);
      if (show !== nodeVisible.get(id)) {
        nodeVisible.set(id, show);
        nodeUpdates.push({ id: id, hidden: !show });
        edgeUpdates.push({ id: "edge:" + id, hidden: !show });
      }
    });
    facetCounts = counts;
    batch(function () {
      if (nodeUpdates.length) nodes.update(nodeUpdates);
      if (edgeUpdates.length) edges.update(edgeUpdates);
      if (state.selected) highlightSelection();
    });
    updateCounts();
    updateFilterCounts();
    if (state.selected) renderPanel();
    scheduleDetail();
  }
  function updateCounts() {
    var shownNodes = 0;
    var shownEdges = 0;
    view.entities.forEach(function (p, id) { if (nodeVisible.get(id)) shownNodes += 1; });
    edgeVisible.forEach(function (v, id) { if (v && store.statements.has(id)) shownEdges += 1; });
    var clustered = new Set();
    var clusterCount = 0;
    view.clusters.forEach(function (cl) {
      if (!nodeVisible.get(cl.id)) return;
      clusterCount += 1;
      cl.members.forEach(function (m) { if (!view.entities.has(m)) clustered.add(m); });
    });
    var c = META.counts;
    function part(shown, total, word) { return (shown === total ? count(total) : count(shown) + " / " + count(total)) + " " + ui(word); }
    var parts = [part(shownNodes, c.entities, "entities"), part(shownEdges, c.relationships, "relationships"),
      count(c.sources) + " " + ui("sources").toLowerCase()];
    if (clusterCount) parts.push(fill(ui("in_clusters"), { n: count(clustered.size), k: count(clusterCount) }));
    document.getElementById("gk-counts").textContent = parts.join(" · ");
    api.shownNodes = shownNodes;
    api.shownEdges = shownEdges;
    api.clustered = clustered.size;
  }

  function buildFilterList(listId, items, hiddenSet, dimension, makeIcon, makeLabel) {
    var list = document.getElementById(listId);
    clear(list);
    items.forEach(function (item) {
      var box = h("input", { type: "checkbox", "data-key": item.key });
      box.checked = !hiddenSet.has(item.key);
      box.addEventListener("change", function () {
        if (box.checked) hiddenSet.delete(item.key); else hiddenSet.add(item.key);
        applyFilters();
      });
      list.appendChild(h("li", null, [h("label", { title: fill(ui("in_graph"), { n: count(item.count) }) }, [box, makeIcon ? makeIcon(item) : null,
        h("span", { className: "gk-label", text: makeLabel(item) }),
        h("span", { className: "gk-count", "data-dimension": dimension, "data-key": item.key, text: "" })])]));
    });
  }
  function updateFilterCounts() {
    Array.prototype.forEach.call(document.querySelectorAll(".gk-count[data-dimension]"), function (node) {
      var map = facetCounts[node.getAttribute("data-dimension")];
      node.textContent = count(map.get(node.getAttribute("data-key")) || 0);
    });
    updateCommunityLegend();
  }
  var filterSets = {
    "gk-types": [function () { return DATA.classes; }, state.hidden.types],
    "gk-statuses": [function () { return DATA.statuses; }, state.hidden.statuses],
    "gk-relations": [function () { return DATA.relations; }, state.hidden.relations],
    "gk-markets": [function () { return DATA.markets; }, state.hidden.markets]
  };
  function buildFilters() {
    buildFilterList("gk-types", DATA.classes, state.hidden.types, "types",
      function (c) { return shapeIcon(c.shape, state.colourBy === "class" ? c.color : "#64748b"); }, function (c) { return className(c.key); });
    buildFilterList("gk-statuses", DATA.statuses, state.hidden.statuses, "statuses",
      function (s) { return lineIcon(s.style); }, function (s) { return statusName(s.key); });
    buildFilterList("gk-relations", DATA.relations, state.hidden.relations, "relations", null,
      function (r) { return (r.symmetric ? "↔ " : "→ ") + relationName(r.key); });
    buildFilterList("gk-markets", DATA.markets, state.hidden.markets, "markets", null,
      function (m) { return marketName(m.key); });
    document.getElementById("gk-markets-section").hidden =
      !DATA.markets.some(function (m) { return m.key; });
    Array.prototype.forEach.call(document.querySelectorAll(".gk-bulk"), function (bulk) {
      clear(bulk);
      var target = filterSets[bulk.getAttribute("data-list")];
      [["all", false], ["none", true]].forEach(function (pair) {
        bulk.appendChild(h("button", { type: "button", text: ui(pair[0]), onclick: function () {
          target[0]().forEach(function (item) { if (pair[1]) target[1].add(item.key); else target[1].delete(item.key); });
          Array.prototype.forEach.call(document.getElementById(bulk.getAttribute("data-list")).querySelectorAll("input"),
            function (box) { box.checked = !pair[1]; });
          applyFilters();
        } }));
      });
    });
    updateFilterCounts();
  }
  // Colour by community: the legend names each community after its most central drawn member.
  function updateCommunityLegend() {
    var section = document.getElementById("gk-communities-section");
    var list = document.getElementById("gk-communities");
    section.hidden = state.colourBy !== "community";
    if (section.hidden) return;
    clear(list);
    var groups = new Map();
    view.entities.forEach(function (p, id) {
      if (!nodeVisible.get(id)) return;
      var e = store.entities.get(id);
      var key = Math.min(e.c || 0, DATA.communityColours.length - 1);
      if (!groups.has(key)) groups.set(key, { key: key, n: 0, top: id });
      var g = groups.get(key);
      g.n += 1;
      if (byImportance(id, g.top) < 0) g.top = id;
    });
    Array.from(groups.values()).sort(function (a, b) { return b.n - a.n || a.key - b.key; }).forEach(function (g) {
      var last = g.key === DATA.communityColours.length - 1;
      list.appendChild(h("li", { "data-community": g.key }, [h("label", null, [shapeIcon("dot", communityColour(g.key)),
        h("span", { className: "gk-label", text: last ? ui("other_communities") : fill(ui("community_of"), { name: entityName(g.top) }) }),
        h("span", { className: "gk-count", text: count(g.n) })])]));
    });
  }
  var colourSelect = document.getElementById("gk-colour");
  colourSelect.addEventListener("change", function () {
    state.colourBy = colourSelect.value;
    var updates = [];
    view.entities.forEach(function (p, id) { updates.push({ id: id, color: nodeColor(entityColour(store.entities.get(id))) }); });
    batch(function () { nodes.update(updates); });
    buildFilters();
  });

  var isolatedBox = document.getElementById("gk-isolated");
  isolatedBox.addEventListener("change", function () { state.hideIsolated = isolatedBox.checked; applyFilters(); });
  var labelsBox = document.getElementById("gk-edge-labels");
  labelsBox.checked = state.edgeLabels;
  labelsBox.addEventListener("change", function () {
    state.edgeLabels = labelsBox.checked;
    batch(function () { network.setOptions({ edges: { font: { size: state.edgeLabels ? 10 : 0 } } }); });
  });
  function relabel() {
    var nodeUpdates = [];
    view.entities.forEach(function (p, id) { nodeUpdates.push({ id: id, label: entityName(id), title: nodeTitle(id) }); });
    view.clusters.forEach(function (cl) { nodeUpdates.push({ id: cl.id, label: clusterLabel(cl), title: clusterTitle(cl) }); });
    var edgeUpdates = [];
    edges.getIds().forEach(function (id) {
      var s = store.statements.get(id);
      if (s) edgeUpdates.push({ id: id, label: edgeLabel(s), title: edgeTitle(s) });
      else edgeUpdates.push({ id: id, label: relationName(view.clusters.get(id.slice(5)).relation) });
    });
    batch(function () { nodes.update(nodeUpdates); edges.update(edgeUpdates); });
  }

  // ------------------------------------------------------------------ side panel
  var panel = document.getElementById("gk-panel-body");
  function section(title, children) {
    return [h("h3", { text: title })].concat(children);
  }
  function entityButton(id) {
    if (!store.entities.has(id)) return h("span", { text: entityName(id) });
    return h("button", { type: "button", className: "gk-link", text: entityName(id), onclick: function () { focusEntity(id); } });
  }
  function sourceItem(id) {
    var src = DATA.sources[id];
    if (!src) return h("li", { text: id });
    var meta = [];
    if (src.publisher_name) meta.push(src.publisher ? entityName(src.publisher) : src.publisher_name);
    if (src.date) meta.push(src.date);
    if (src.language) meta.push(src.language);
    var children = [link(src.url, src.title), h("span", { className: "gk-source-meta", text: meta.join(" · ") })];
    if (src.cites && src.cites.length) {
      children.push(h("span", { className: "gk-source-meta", text: ui("cites") + ": " +
        src.cites.map(function (c) { return DATA.sources[c] ? DATA.sources[c].title : c; }).join(" · ") }));
    }
    if (src.note) children.push(h("span", { className: "gk-source-meta gk-source-note", text: src.note }));
    return h("li", { className: "gk-source", "data-source": id }, children);
  }
  // "Qwen2.5-72B-Instruct fine-tuned from Qwen2.5-72B": subject first, always.
  function factSentence(s) {
    return entityName(s.subject) + " " + relationName(s.relation) + " " + entityName(s.object);
  }
  function groupSentence(id, g) {
    return g.direction === "out" ? entityName(id) + " " + relationName(g.relation) + " …"
      : "… " + relationName(g.relation) + " " + entityName(id);
  }
  function neighbourSection(id) {
    var groups = neighbourGroups(id);
    var list = h("ul", { className: "gk-groups" });
    groups.forEach(function (g) {
      var drawn = g.others.filter(function (o) { return view.entities.has(o); }).length;
      var cl = view.clusters.get(clusterId(id, g.relation, g.direction));
      list.appendChild(h("li", { "data-group": g.key, "data-count": g.facts, "data-neighbours": g.others.length }, [
        h("button", { type: "button", className: "gk-link", text: groupSentence(id, g), title: ui("expand_group"),
          onclick: function () { expand(id, g.key); } }),
        " ", h("span", { className: "gk-group-count", text: count(g.facts) }),
        h("span", { className: "gk-muted", text: drawn < g.others.length ? " · " + fill(ui("not_drawn"), { n: count(g.others.length - drawn) }) + (cl ? " (" + ui("in_a_cluster") + ")" : "") : "" })]));
    });
    var buttons = h("p", { className: "gk-actions" }, [
      h("button", { type: "button", id: "gk-expand", className: "gk-button", text: ui("expand"), onclick: function () { expand(id); } }),
      isExpanded(id) ? h("button", { type: "button", id: "gk-collapse", className: "gk-button", text: ui("collapse"), onclick: function () { collapse(id); } }) : null]);
    var summary = groups.map(function (g) { return relationName(g.relation) + (g.direction === "in" ? " ←" : "") + " " + count(g.facts); }).join(", ");
    return section(ui("neighbours"), [h("p", { className: "gk-muted gk-group-summary", text: summary }), buttons, list]);
  }
  function renderEntity(id) {
    var e = store.entities.get(id);
    var out = [h("h2", { text: entityName(id) }), h("p", null, [classChip(e.type)])];
    if (!nodeVisible.get(id)) out.push(h("p", { className: "gk-muted", text: "(" + ui(view.entities.has(id) ? "hidden" : "not_on_screen") + ")" }));
    if (e.description) out.push(h("p", { text: e.description }));
    var facts = [[ui("id"), e.id], [ui("name"), e.name]];
    var labels = Object.keys(e.labels || {}).sort().map(function (k) { return k + ": " + e.labels[k]; });
    if (labels.length) facts.push([ui("labels"), labels.join(" · ")]);
    if (e.aliases && e.aliases.length) facts.push([ui("aliases"), e.aliases.join(" · ")]);
    var dl = h("dl");
    facts.forEach(function (f) { dl.appendChild(h("dt", { text: f[0] })); dl.appendChild(h("dd", { text: f[1] })); });
    if (e.wikidata) {
      dl.appendChild(h("dt", { text: ui("wikidata") }));
      dl.appendChild(h("dd", null, [link("https://www.wikidata.org/wiki/" + e.wikidata, e.wikidata)]));
    }
    Object.keys(e.attributes || {}).sort().forEach(function (k) {
      var value = e.attributes[k];
      var text = formatValue(value);
      dl.appendChild(h("dt", { text: attributeName(k) }));
      dl.appendChild(h("dd", { "data-attribute": k, title: typeof value === "number" ? String(value) : null },
        [safeUrl(text) ? link(text, text) : h("span", { text: text })]));
    });
    out = out.concat(section(ui("properties"), [dl]));
    var all = statementsOf(id);
    if (all.length) out = out.concat(neighbourSection(id));
    var list = h("ul", { className: "gk-facts" });
    all.slice(0, MAX_LIST).forEach(function (s) {
      list.appendChild(h("li", { className: edgeVisible.get(s.id) ? null : "gk-hidden-item" }, [
        h("button", { type: "button", className: "gk-link", text: factSentence(s),
          onclick: function () { selectStatement(s.id, true); } }), " ", statusBadge(s.status)]));
    });
    if (all.length > MAX_LIST) list.appendChild(h("li", { className: "gk-muted", text: "… +" + count(all.length - MAX_LIST) }));
    out = out.concat(section(ui("relationships") + " (" + count(all.length) + ")", [list]));
    var sourceIds = [];
    var seen = new Set();
    all.forEach(function (s) { (s.sources || []).forEach(function (sid) { if (!seen.has(sid)) { seen.add(sid); sourceIds.push(sid); } }); });
    sourceIds.sort();
    var sources = h("ul");
    sourceIds.slice(0, MAX_LIST).forEach(function (sid) { sources.appendChild(sourceItem(sid)); });
    out = out.concat(section(ui("sources") + " (" + sourceIds.length + ")",
      [sourceIds.length ? sources : h("p", { className: "gk-muted", text: ui("no_sources") })]));
    return out.concat(timelineSection(all));
  }
  // The history steps of a fact as written: [{status, date, sources}] (page data keeps the
  // step's day in `hist` and its sources in `hsrc`).
  function historyOf(s) {
    return (s.hist || []).map(function (step, i) {
      return { status: step[0], date: (s.hdate || [])[i] || step[1], sources: (s.hsrc || [])[i] || [] };
    });
  }
  function sourceName(sid) {
    var src = DATA.sources[sid];
    if (!src) return sid;
    return src.publisher ? entityName(src.publisher) : (src.publisher_name || src.title || sid);
  }
  // The story so far, as `graphkit timeline` tells it: by valid date (since/until), then by
  // report date (each source's publication and each status change), with sources.
  function lastDay(d) { return d.length === 4 ? d + "-12-31" : d.length === 7 ? d + "-31" : d; }
  function timelineSection(facts) {
    var valid = [];
    var reported = [];
    facts.forEach(function (s) {
      var text = factSentence(s);
      if (s.since) valid.push({ date: s.since, key: s.since, text: text + " " + ui("starts") });
      if (s.until) valid.push({ date: s.until, key: s.until, text: text + " " + ui("ends") });
      var inSteps = new Set();
      historyOf(s).forEach(function (step, i) {
        step.sources.forEach(function (sid) { inSteps.add(sid); });
        var before = i > 0 ? historyOf(s)[i - 1].status + " → " : "";
        reported.push({ date: step.date, key: lastDay(step.date), text: text + ": " + before + step.status +
          " (" + step.sources.map(sourceName).join(", ") + ")" });
      });
      (s.sources || []).forEach(function (sid) {
        var src = DATA.sources[sid];
        if (src && src.date && !inSteps.has(sid)) {
          reported.push({ date: src.date, key: lastDay(src.date), text: text + " · " + ui("reported_by") + " " + sourceName(sid) });
        }
      });
    });
    function list(events) {
      events.sort(function (a, b) { return a.key < b.key ? -1 : a.key > b.key ? 1 : a.text < b.text ? -1 : a.text > b.text ? 1 : 0; });
      var ul = h("ul", { className: "gk-timeline" });
      events.slice(0, MAX_LIST).forEach(function (e) {
        ul.appendChild(h("li", { "data-date": e.date }, [h("span", { className: "gk-timeline-date", text: e.date }), " " + e.text]));
      });
      if (events.length > MAX_LIST) ul.appendChild(h("li", { className: "gk-muted", text: "… +" + count(events.length - MAX_LIST) }));
      return ul;
    }
    if (!valid.length && !reported.length) return [];
    return section(ui("timeline"), [h("h4", { text: ui("by_valid") }), list(valid),
      h("h4", { text: ui("by_report") }), list(reported)]);
  }
  function renderStatement(id) {
    var s = store.statements.get(id);
    var sep = isSymmetric(s) ? " ↔ " : " → ";
    var out = [h("p", { className: "gk-muted", text: ui("statement") }),
      h("h2", null, [entityButton(s.subject), sep + relationName(s.relation) + sep, entityButton(s.object)]),
      h("p", { className: "gk-sentence", text: factSentence(s) }),
      h("p", null, [statusBadge(timeModel.status(s, timeModel.day()))])];
    if (!edgeVisible.get(id)) out.push(h("p", { className: "gk-muted", text: "(" + ui("hidden") + ")" }));
    var dl = h("dl");
    [[ui("market"), s.market ? marketName(s.market) : null], [ui("since"), s.since], [ui("until"), s.until],
      [ui("id"), s.id]].forEach(function (f) {
      if (!f[1]) return;
      dl.appendChild(h("dt", { text: f[0] }));
      dl.appendChild(h("dd", { text: f[1] }));
    });
    out = out.concat(section(ui("properties"), [dl]));
    if (s.hist) {
      var steps = h("ol", { className: "gk-history-steps" });
      historyOf(s).forEach(function (step) {
        steps.appendChild(h("li", null, [statusBadge(step.status), " " + step.date + " · " + step.sources.map(sourceName).join(" · ")]));
      });
      out = out.concat(section(ui("history"), [steps]));
    }
    if (s.quote) out = out.concat(section(ui("quote"), [h("blockquote", { className: "gk-quote", text: s.quote })]));
    if (s.note) out = out.concat(section(ui("note"), [h("p", { className: "gk-note", text: s.note })]));
    var list = h("ul", { className: "gk-sources" });
    (s.sources || []).forEach(function (sid) { list.appendChild(sourceItem(sid)); });
    out = out.concat(section(ui("sources") + " (" + (s.sources || []).length + ")",
      [(s.sources || []).length ? list : h("p", { className: "gk-muted", text: ui("no_sources") })]));
    return out;
  }
  function renderCluster(id) {
    var cl = view.clusters.get(id);
    var out = [h("p", { className: "gk-muted", text: ui("cluster") }), h("h2", { text: clusterLabel(cl) }),
      h("p", { text: fill(ui("cluster_hint"), { n: count(cl.members.length) }) }),
      h("p", { className: "gk-actions" }, [h("button", { type: "button", id: "gk-open-cluster", className: "gk-button",
        text: ui("open_cluster"), onclick: function () { openCluster(id); } })])];
    var list = h("ul", { className: "gk-members" });
    cl.members.slice(0, MAX_LIST).forEach(function (m) { list.appendChild(h("li", null, [entityButton(m)])); });
    if (cl.members.length > MAX_LIST) list.appendChild(h("li", { className: "gk-muted", text: "… +" + count(cl.members.length - MAX_LIST) }));
    return out.concat(section(ui("members") + " (" + count(cl.members.length) + ")", [list]));
  }
  var shownKey = "";
  function renderPanel() {
    clear(panel);
    var sel = state.selected;
    if (sel && sel.kind === "cluster" && !view.clusters.has(sel.id)) sel = state.selected = null;
    var key = sel ? sel.kind + ":" + sel.id : "";
    if (key !== shownKey) { shownKey = key; panel.parentNode.scrollTop = 0; }  // a new selection starts at the top
    var children;
    if (!sel) children = [h("p", { className: "gk-hint", text: ui(META.overview ? "hint_overview" : "hint") })];
    else if (sel.kind === "entity") children = renderEntity(sel.id);
    else if (sel.kind === "cluster") children = renderCluster(sel.id);
    else children = renderStatement(sel.id);
    children.forEach(function (c) { panel.appendChild(c); });
    panel.setAttribute("data-kind", sel ? sel.kind : "");
    panel.setAttribute("data-id", sel ? sel.id : "");
  }

  // ------------------------------------------------------------------ selection
  function select(sel) {
    if (sel.kind === "entity") selectEntity(sel.id);
    else if (sel.kind === "cluster") selectCluster(sel.id);
    else selectStatement(sel.id, false);
  }
  function selectEntity(id) {
    state.selected = { kind: "entity", id: id };
    api.selected = id;
    batch(function () {
      if (nodes.get(id)) network.selectNodes([id]); else network.unselectAll();
      highlightSelection();
    });
    renderPanel();
  }
  function selectCluster(id) {
    state.selected = { kind: "cluster", id: id };
    api.selected = id;
    batch(function () { network.selectNodes([id]); highlight(null, null); });
    renderPanel();
  }
  function selectStatement(id, focus) {
    var s = store.statements.get(id);
    state.selected = { kind: "statement", id: id };
    api.selected = id;
    batch(function () {
      if (edgeVisible.get(id)) network.setSelection({ nodes: [], edges: [id] }, { unselectAll: true, highlightEdges: false });
      highlightSelection();
    });
    renderPanel();
    if (focus && nodeVisible.get(s.subject) && nodeVisible.get(s.object)) {
      moveCamera(function () { network.fit({ nodes: [s.subject, s.object], animation: { duration: 400, easingFunction: "easeInOutQuad" } }); });
    }
  }
  function clearSelection() {
    state.selected = null;
    api.selected = null;
    batch(function () {
      network.unselectAll();
      highlight(null, null);
    });
    renderPanel();
  }
  function revealType(id) {
    var e = store.entities.get(id);
    if (state.hidden.types.has(e.type)) {
      state.hidden.types.delete(e.type);
      var box = document.querySelector('#gk-types input[data-key="' + CSS.escape(e.type) + '"]');
      if (box) box.checked = true;
    }
  }
  function revealEntity(id) {
    revealType(id);
    applyFilters();
    if (!nodeVisible.get(id) && state.hideIsolated) {
      state.hideIsolated = false;
      isolatedBox.checked = false;
      applyFilters();
    }
  }
  // Zoom on an entity, drawing it (with its neighbourhood) first if it is not on screen.
  function focusEntity(id, onShown) {
    api.focused = null;
    var ready = view.entities.has(id) ? Promise.resolve() : showEntity(id);
    return ready.then(function () {
      if (!view.entities.has(id)) return;
      batch(function () {
        if (!nodeVisible.get(id)) revealEntity(id);
        selectEntity(id);
      });
      if (onShown) onShown();
      moveCamera(function () {
        network.once("animationFinished", function () { api.focused = id; });  // for tests: the view has arrived
        network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 450, easingFunction: "easeInOutQuad" } });
      });
    });
  }
  network.on("click", function (params) {
    if (params.nodes.length) {
      if (view.clusters.has(params.nodes[0])) selectCluster(params.nodes[0]);
      else selectEntity(params.nodes[0]);
    } else if (params.edges.length && store.statements.has(params.edges[0])) selectStatement(params.edges[0], false);
    else clearSelection();
  });
  network.on("doubleClick", function (params) {
    var id = params.nodes[0];
    if (!id) return;
    if (view.clusters.has(id)) openCluster(id);
    else if (isExpanded(id)) collapse(id).then(function () { selectEntity(id); });
    else expand(id).then(function () { selectEntity(id); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.activeElement !== searchInput) clearSelection();
    if (event.altKey && event.key === "ArrowLeft") restore(historyAt - 1);
    if (event.altKey && event.key === "ArrowRight") restore(historyAt + 1);
  });
  document.getElementById("gk-fit").addEventListener("click", function () {
    moveCamera(function () { network.fit({ animation: { duration: 400, easingFunction: "easeInOutQuad" } }); });
  });
  // Fit the view from the node positions alone: network.fit() measures every label first,
  // which costs more than the whole first drawing of a large view.
  // ids: only these entities (default: everything drawn).
  function fitPositions(ids) {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    function take(p) { minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x); minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y); }
    if (ids) ids.forEach(function (id) { take(view.entities.get(id)); });
    else {
      view.entities.forEach(take);
      view.clusters.forEach(take);
    }
    if (!isFinite(minX)) return;
    var box = container.getBoundingClientRect();
    var margin = 60;
    var scale = Math.min(box.width / (maxX - minX + 2 * margin), box.height / (maxY - minY + 2 * margin), 1.2);
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: scale, animation: false });
  }
  api.fit = function (ids) {
    network.fit(ids ? { nodes: ids, animation: false } : { animation: false });
  };

  // ------------------------------------------------------------------ search
  var searchInput = document.getElementById("gk-search");
  var resultsList = document.getElementById("gk-search-results");
  var results = [];
  var active = -1;
  var searchSerial = 0;
  function closeResults() { resultsList.hidden = true; active = -1; searchInput.setAttribute("aria-expanded", "false"); }
  function showResults() {
    var serial = ++searchSerial;
    var query = searchInput.value;
    return source.search(query, 12).then(function (hits) {
      if (serial !== searchSerial) return;
      remember(hits.map(function (hit) { return hit.entity; }), []);
      clear(resultsList);
      results = hits.map(function (hit) { return { id: hit.entity.id, rank: hit.rank, matched: hit.matched, label: entityName(hit.entity.id) }; });
      active = results.length ? 0 : -1;
      if (!query.trim()) { closeResults(); return; }
      if (!results.length) resultsList.appendChild(h("li", { className: "gk-empty", text: ui("no_results") }));
      results.forEach(function (hit, i) {
        var e = store.entities.get(hit.id);
        var c = classByKey.get(e.type);
        var item = h("li", { role: "option", "data-id": hit.id, className: i === active ? "gk-active" : null }, [
          shapeIcon(c ? c.shape : "dot", entityColour(e)), h("span", { text: hit.label }),
          hit.matched !== hit.label ? h("span", { className: "gk-match", text: hit.matched }) : null]);
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        resultsList.appendChild(item);
      });
      resultsList.hidden = false;
      searchInput.setAttribute("aria-expanded", "true");
    });
  }
  function choose(i, started) {
    var hit = results[i];
    if (!hit) return;
    closeResults();
    searchInput.value = hit.label;
    var t0 = started || performance.now();
    focusEntity(hit.id, function () {  // shown once drawn: the time a reader waits (api.lastShown)
      network.once("afterDrawing", function () { api.lastShown = { id: hit.id, ms: performance.now() - t0 }; });
    });
  }
  function moveActive(stepBy) {
    if (!results.length) return;
    active = (active + stepBy + results.length) % results.length;
    Array.prototype.forEach.call(resultsList.children, function (li, i) { li.className = i === active ? "gk-active" : ""; });
  }
  searchInput.addEventListener("input", showResults);
  searchInput.addEventListener("focus", function () { if (searchInput.value.trim()) showResults(); });
  searchInput.addEventListener("blur", closeResults);
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { moveActive(1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { moveActive(-1); event.preventDefault(); }
    else if (event.key === "Enter") {
      event.preventDefault();
      // the list may still be on its way: search now, then choose
      var started = performance.now();
      showResults().then(function () { choose(Math.max(active, 0), started); });
    } else if (event.key === "Escape") { closeResults(); }
  });

  // ------------------------------------------------------------------ language
  var langSelect = document.getElementById("gk-lang");
  DATA.languages.forEach(function (l) {
    var option = h("option", { value: l.key, text: l.name });
    if (l.key === state.lang) option.selected = true;
    langSelect.appendChild(option);
  });
  function applyLanguage() {
    document.documentElement.setAttribute("lang", state.lang);
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = ui(node.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-title]"), function (node) {
      node.setAttribute("title", ui(node.getAttribute("data-i18n-title")));
      node.setAttribute("aria-label", ui(node.getAttribute("data-i18n-title")));
    });
    if (META.defaultTitle) {
      document.getElementById("gk-title").textContent = ui("title");
      document.title = ui("title");
    }
    searchInput.setAttribute("placeholder", ui("search"));
    searchInput.setAttribute("aria-label", ui("search"));
    var note = META.selection ? ui("selection") + ": " + META.selection : "";
    document.getElementById("gk-selection-note").textContent = note;
    buildFilters();
    updateDateLabel();
    updateCounts();
    renderPanel();
  }
  langSelect.addEventListener("change", function () {
    state.lang = langSelect.value;
    relabel();
    applyLanguage();
  });

  // ------------------------------------------------------------------ start
  applyFilters();
  marks.synced = performance.now() - T0;
  applyLanguage();
  marks.language = performance.now() - T0;
  history.push(snapshot());
  marks.history = performance.now() - T0;
  historyAt = 0;
  api.historyLength = 1;
  api.historyAt = 0;
  updateHistoryButtons();
  if (META.physics && nodes.length) {
    // Small graphs: vis-network's physics settles the precomputed layout (its stabilization
    // iterations run before the first drawing), then keeps easing until it stops by itself and
    // wakes up when a node is dragged. Ready at the first drawing after the iterations.
    network.once("stabilizationIterationsDone", function () {
      network.once("afterDrawing", markReady);
      setTimeout(markReady, 2000);  // never wait for a drawing that does not come
    });
  } else {
    // An overview opens on its most central entities, at a zoom where their names can be read
    // (the rest of the drawing is around them; "Fit view" shows it all).
    fitPositions(META.overview ? Array.from(view.entities.keys()).sort(byImportance).slice(0, OPEN_ON) : null);
    network.once("afterDrawing", markReady);
    if (!nodes.length) setTimeout(markReady, 0);
  }
  marks.scriptStart = T0;
  marks.parsed = T1 - T0;
  marks.started = performance.now() - T0;
  api.timings = marks;
  api.focusEntity = focusEntity;
  api.showEntity = showEntity;
  api.expand = expand;
  api.collapse = collapse;
  api.openCluster = openCluster;
  api.closeCluster = closeCluster;
  api.goto = restore;
  api.back = function () { restore(historyAt - 1); };
  api.forward = function () { restore(historyAt + 1); };
  api.neighbourGroups = function (id) {
    return neighbourGroups(id).map(function (g) { return { relation: g.relation, direction: g.direction, facts: g.facts, neighbours: g.others.length }; });
  };
  api.formatNumber = formatNumber;
})();
