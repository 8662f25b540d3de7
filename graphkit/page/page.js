/* graphkit page: draws the graph with vis-network and wires search, filters and the side panel.
 *
 * Every string from the data is untrusted: it reaches the DOM through textContent (or as a
 * plain-text vis-network tooltip, which vis-network renders with innerText), never through
 * innerHTML, and links are only made from http(s) URLs.
 */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("gk-data").textContent);
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

  var state = {
    lang: META.lang || "en",
    hidden: { types: new Set(), relations: new Set(), statuses: new Set(), markets: new Set() },
    dateIndex: DATA.dates.length,
    hideIsolated: false,
    edgeLabels: !!META.edgeLabels,
    selected: null // {kind: "entity"|"statement", id}
  };

  // ------------------------------------------------------------------ lookups
  var entityById = new Map();
  var statementById = new Map();
  var statementsByEntity = new Map();
  var classByKey = new Map();
  var relationByKey = new Map();
  var statusByKey = new Map();
  var marketByKey = new Map();
  DATA.entities.forEach(function (e) { entityById.set(e.id, e); statementsByEntity.set(e.id, []); });
  DATA.statements.forEach(function (s) {
    statementById.set(s.id, s);
    statementsByEntity.get(s.subject).push(s);
    if (s.object !== s.subject) statementsByEntity.get(s.object).push(s);
  });
  DATA.classes.forEach(function (c) { classByKey.set(c.key, c); });
  DATA.relations.forEach(function (r) { relationByKey.set(r.key, r); });
  DATA.statuses.forEach(function (s) { statusByKey.set(s.key, s); });
  DATA.markets.forEach(function (m) { marketByKey.set(m.key, m); });

  // ------------------------------------------------------------------ words
  function ui(key) {
    var table = DATA.ui[state.lang] || DATA.ui.en;
    return table[key] || DATA.ui.en[key] || key;
  }
  function pick(labels, fallback) {
    if (!labels) return fallback;
    return labels[state.lang] || labels.en || fallback;
  }
  function entityName(id) {
    var e = entityById.get(id);
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

  // ------------------------------------------------------------------ tooltips (plain text)
  function nodeTitle(id) {
    var e = entityById.get(id);
    var lines = [entityName(id) + " — " + className(e.type)];
    var others = [];
    if (pick(e.labels, e.name) !== e.name) others.push(e.name);
    (e.aliases || []).forEach(function (a) { others.push(a); });
    if (others.length) lines.push(others.join(" · "));
    if (e.description) lines.push(e.description);
    return lines.join("\n");
  }
  function statementLine(s) {
    var r = relationByKey.get(s.relation);
    var arrow = r && r.symmetric ? " — " : " → ";
    return entityName(s.subject) + arrow + relationName(s.relation) + arrow + entityName(s.object);
  }
  function edgeTitle(id) {
    var s = statementById.get(id);
    var lines = [statementLine(s), ui("status") + ": " + statusName(s.status)];
    if (s.market) lines.push(ui("market") + ": " + marketName(s.market));
    var n = (s.sources || []).length;
    lines.push(ui("sources") + ": " + n);
    return lines.join("\n");
  }
  function edgeLabel(id) {
    var s = statementById.get(id);
    var st = statusByKey.get(s.status);
    return (st && st.style.strike ? DATA.denied_mark + " " : "") + relationName(s.relation);
  }

  // ------------------------------------------------------------------ network
  function statusStyle(key) {
    var s = statusByKey.get(key);
    return s ? s.style : { color: "#6b7280", width: 1.5, dashes: [4, 4] };
  }
  function nodeColor(colour) {
    return { background: colour, border: colour, highlight: { background: colour, border: "#111827" },
      hover: { background: colour, border: "#111827" } };
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
      arrows: { to: { enabled: !s.symmetric, scaleFactor: 0.6 }, middle: { enabled: !!st.strike, type: "bar", scaleFactor: 0.9 } } };
  }
  var nodeVisible = new Map();
  var edgeVisible = new Map();
  var detailed = new Set();  // edges drawn with their full style
  var visNodes = DATA.vis.nodes.map(function (n) {
    n.color = nodeColor(n.color);
    n.title = nodeTitle(n.id);
    n.label = entityName(n.id);
    nodeVisible.set(n.id, true);
    return n;
  });
  var visEdges = DATA.vis.edges.map(function (e) {
    var s = statementById.get(e.id);
    Object.assign(e, edgeStyle(s, !LARGE), { color: edgeColor(s), label: edgeLabel(e.id), title: edgeTitle(e.id),
      font: { color: statusStyle(s.status).color } });
    if (!LARGE) detailed.add(e.id);
    edgeVisible.set(e.id, true);
    return e;
  });
  var options = DATA.vis.options;
  options.edges.font.size = state.edgeLabels ? 10 : 0;  // labels are switched globally (cheap)
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var container = document.getElementById("gk-graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  // With physics off, vis-network redraws synchronously after every DataSet update or options
  // change (a quarter of a second each on 15,000 edges). Group the changes of one user action
  // and draw once. _blockRedraw/_allowRedraw are the events vis-network itself uses for this.
  var batchDepth = 0;
  function batch(work) {
    var emitter = network.body && network.body.emitter;
    batchDepth += 1;
    if (batchDepth === 1 && emitter) emitter.emit("_blockRedraw");
    try {
      work();
    } finally {
      batchDepth -= 1;
      if (batchDepth === 0) {
        if (emitter) emitter.emit("_allowRedraw");
        network.redraw();
      }
    }
  }

  var api = window.graphkit = {
    ready: false, readyAt: null, network: network, nodes: nodes, edges: edges, data: DATA, state: state,
    visibleNodeIds: function () { return DATA.entities.filter(function (e) { return nodeVisible.get(e.id); }).map(function (e) { return e.id; }); },
    visibleEdgeIds: function () { return DATA.statements.filter(function (s) { return edgeVisible.get(s.id); }).map(function (s) { return s.id; }); }
  };

  function markReady() {
    if (api.ready) return;
    api.ready = true;
    api.readyAt = performance.now();
    document.getElementById("gk-loading").hidden = true;
    document.body.setAttribute("data-ready", "true");
  }
  var physicsBox = document.getElementById("gk-physics");
  physicsBox.checked = !!META.physics;
  if (META.physics && visNodes.length) {
    // Small graphs: vis-network's physics settles the precomputed layout, then stops by itself
    // ("stabilized") and wakes up when a node is dragged. Ready once it has come to rest.
    network.once("stabilizationIterationsDone", function () {
      network.once("stabilized", markReady);
      setTimeout(markReady, 2000);  // never wait for a simulation that keeps creeping
    });
  } else {
    network.once("afterDrawing", markReady);
    if (!visNodes.length) setTimeout(markReady, 0);
  }
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
      var w = want(keepNodes, id);
      if (w !== value) { nodeOpacity.set(id, w); nodeUpdates.push({ id: id, opacity: w }); }
    });
    edgeOpacity.forEach(function (value, id) {
      var w = want(keepEdges, id);
      if (w !== value) { edgeOpacity.set(id, w); edgeUpdates.push({ id: id, color: edgeColor(statementById.get(id), w) }); }
    });
    if (keepNodes) {
      keepNodes.forEach(function (id) {
        if (nodeOpacity.get(id) !== 1) { nodeOpacity.set(id, 1); nodeUpdates.push({ id: id, opacity: 1 }); }
      });
      keepEdges.forEach(function (id) {
        if (edgeOpacity.get(id) !== 1) { edgeOpacity.set(id, 1); edgeUpdates.push({ id: id, color: edgeColor(statementById.get(id), 1) }); }
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
      for (var i = 0; i < DATA.statements.length && want.size < DETAIL_LIMIT; i++) {
        var s = DATA.statements[i];
        if (edgeVisible.get(s.id) && (inView(s.subject) || inView(s.object))) want.add(s.id);
      }
    }
    var updates = [];
    detailed.forEach(function (id) {
      if (!want.has(id)) { detailed.delete(id); updates.push(Object.assign({ id: id }, edgeStyle(statementById.get(id), false))); }
    });
    want.forEach(function (id) {
      if (!detailed.has(id)) { detailed.add(id); updates.push(Object.assign({ id: id }, edgeStyle(statementById.get(id), true))); }
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

  function highlightSelection() {
    var sel = state.selected;
    if (!sel) { highlight(null, null); return; }
    var keepNodes = new Set();
    var keepEdges = new Set();
    if (sel.kind === "entity") {
      keepNodes.add(sel.id);
      (statementsByEntity.get(sel.id) || []).forEach(function (s) {
        if (!edgeVisible.get(s.id)) return;
        keepEdges.add(s.id);
        keepNodes.add(s.subject);
        keepNodes.add(s.object);
      });
    } else {
      var s = statementById.get(sel.id);
      keepEdges.add(s.id);
      keepNodes.add(s.subject);
      keepNodes.add(s.object);
    }
    highlight(keepNodes, keepEdges);
  }

  // ------------------------------------------------------------------ filters
  function currentDay() { return state.dateIndex < DATA.dates.length ? DATA.dates[state.dateIndex] : null; }
  function statementShown(s, day) {
    var h = state.hidden;
    if (h.relations.has(s.relation) || h.statuses.has(s.status) || h.markets.has(s.market || "")) return false;
    if (day && ((s.start && s.start > day) || (s.end && day >= s.end))) return false;
    return true;
  }
  function applyFilters() {
    var day = currentDay();
    var typeShown = new Map();
    DATA.entities.forEach(function (e) { typeShown.set(e.id, !state.hidden.types.has(e.type)); });
    var degree = new Map();
    var edgeUpdates = [];
    DATA.statements.forEach(function (s) {
      var show = typeShown.get(s.subject) && typeShown.get(s.object) && statementShown(s, day);
      if (show) {
        degree.set(s.subject, (degree.get(s.subject) || 0) + 1);
        degree.set(s.object, (degree.get(s.object) || 0) + 1);
      }
      if (show !== edgeVisible.get(s.id)) { edgeVisible.set(s.id, show); edgeUpdates.push({ id: s.id, hidden: !show }); }
    });
    var nodeUpdates = [];
    DATA.entities.forEach(function (e) {
      var show = typeShown.get(e.id) && (!state.hideIsolated || degree.has(e.id));
      if (show !== nodeVisible.get(e.id)) { nodeVisible.set(e.id, show); nodeUpdates.push({ id: e.id, hidden: !show }); }
    });
    batch(function () {
      if (nodeUpdates.length) nodes.update(nodeUpdates);
      if (edgeUpdates.length) edges.update(edgeUpdates);
      if (state.selected) highlightSelection();
    });
    updateCounts();
    if (state.selected) renderPanel();
    scheduleDetail();
  }
  function updateCounts() {
    var shownNodes = 0;
    var shownEdges = 0;
    nodeVisible.forEach(function (v) { if (v) shownNodes += 1; });
    edgeVisible.forEach(function (v) { if (v) shownEdges += 1; });
    var c = META.counts;
    function n(value) { return value.toLocaleString(state.lang); }
    function part(shown, total, word) { return (shown === total ? n(total) : n(shown) + " / " + n(total)) + " " + ui(word); }
    document.getElementById("gk-counts").textContent = [
      part(shownNodes, c.entities, "entities"), part(shownEdges, c.relationships, "relationships"),
      n(c.sources) + " " + ui("sources").toLowerCase()].join(" · ");
    api.shownNodes = shownNodes;
    api.shownEdges = shownEdges;
  }

  function buildFilterList(listId, items, hiddenSet, makeIcon, makeLabel) {
    var list = document.getElementById(listId);
    clear(list);
    items.forEach(function (item) {
      var box = h("input", { type: "checkbox", "data-key": item.key });
      box.checked = !hiddenSet.has(item.key);
      box.addEventListener("change", function () {
        if (box.checked) hiddenSet.delete(item.key); else hiddenSet.add(item.key);
        applyFilters();
      });
      list.appendChild(h("li", null, [h("label", null, [box, makeIcon ? makeIcon(item) : null,
        h("span", { className: "gk-label", text: makeLabel(item) }), h("span", { className: "gk-count", text: item.count })])]));
    });
  }
  var filterSets = {
    "gk-types": [function () { return DATA.classes; }, state.hidden.types],
    "gk-statuses": [function () { return DATA.statuses; }, state.hidden.statuses],
    "gk-relations": [function () { return DATA.relations; }, state.hidden.relations],
    "gk-markets": [function () { return DATA.markets; }, state.hidden.markets]
  };
  function buildFilters() {
    buildFilterList("gk-types", DATA.classes, state.hidden.types,
      function (c) { return shapeIcon(c.shape, c.color); }, function (c) { return className(c.key); });
    buildFilterList("gk-statuses", DATA.statuses, state.hidden.statuses,
      function (s) { return lineIcon(s.style); }, function (s) { return statusName(s.key); });
    buildFilterList("gk-relations", DATA.relations, state.hidden.relations, null,
      function (r) { return (r.symmetric ? "↔ " : "→ ") + relationName(r.key); });
    buildFilterList("gk-markets", DATA.markets, state.hidden.markets, null,
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
  }

  var dateInput = document.getElementById("gk-date");
  function updateDateLabel() {
    var day = currentDay();
    document.getElementById("gk-date-label").textContent = day ? day : ui("all_dates");
  }
  dateInput.max = String(DATA.dates.length);
  dateInput.value = String(state.dateIndex);
  dateInput.disabled = DATA.dates.length === 0;
  dateInput.addEventListener("input", function () {
    state.dateIndex = parseInt(dateInput.value, 10);
    updateDateLabel();
    applyFilters();
  });
  var isolatedBox = document.getElementById("gk-isolated");
  isolatedBox.addEventListener("change", function () { state.hideIsolated = isolatedBox.checked; applyFilters(); });
  var labelsBox = document.getElementById("gk-edge-labels");
  labelsBox.checked = state.edgeLabels;
  labelsBox.addEventListener("change", function () {
    state.edgeLabels = labelsBox.checked;
    batch(function () { network.setOptions({ edges: { font: { size: state.edgeLabels ? 10 : 0 } } }); });
  });
  function relabelEdges() {
    edges.update(DATA.statements.map(function (s) { return { id: s.id, label: edgeLabel(s.id), title: edgeTitle(s.id) }; }));
  }

  // ------------------------------------------------------------------ side panel
  var panel = document.getElementById("gk-panel-body");
  function section(title, children) {
    return [h("h3", { text: title })].concat(children);
  }
  function entityButton(id) {
    if (!entityById.has(id)) return h("span", { text: entityName(id) });
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
    return h("li", { className: "gk-source", "data-source": id }, children);
  }
  function renderEntity(id) {
    var e = entityById.get(id);
    var out = [h("h2", { text: entityName(id) }), h("p", null, [classChip(e.type)])];
    if (!nodeVisible.get(id)) out.push(h("p", { className: "gk-muted", text: "(" + ui("hidden") + ")" }));
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
      var value = String(e.attributes[k]);
      dl.appendChild(h("dt", { text: attributeName(k) }));
      dl.appendChild(h("dd", null, [safeUrl(value) ? link(value, value) : h("span", { text: value })]));
    });
    out = out.concat(section(ui("properties"), [dl]));
    var facts2 = statementsByEntity.get(id) || [];
    var list = h("ul");
    facts2.slice(0, MAX_LIST).forEach(function (s) {
      var r = relationByKey.get(s.relation);
      var other = s.subject === id ? s.object : s.subject;
      var arrow = r && r.symmetric ? "↔ " : s.subject === id ? "→ " : "← ";
      list.appendChild(h("li", { className: edgeVisible.get(s.id) ? null : "gk-hidden-item" }, [
        h("button", { type: "button", className: "gk-link", text: arrow + relationName(s.relation) + " " + entityName(other),
          onclick: function () { selectStatement(s.id, true); } }), " ", statusBadge(s.status)]));
    });
    if (facts2.length > MAX_LIST) list.appendChild(h("li", { className: "gk-muted", text: "… +" + (facts2.length - MAX_LIST) }));
    out = out.concat(section(ui("relationships") + " (" + facts2.length + ")", [list]));
    var sourceIds = [];
    var seen = new Set();
    facts2.forEach(function (s) { (s.sources || []).forEach(function (sid) { if (!seen.has(sid)) { seen.add(sid); sourceIds.push(sid); } }); });
    sourceIds.sort();
    var sources = h("ul");
    sourceIds.slice(0, MAX_LIST).forEach(function (sid) { sources.appendChild(sourceItem(sid)); });
    out = out.concat(section(ui("sources") + " (" + sourceIds.length + ")",
      [sourceIds.length ? sources : h("p", { className: "gk-muted", text: ui("no_sources") })]));
    return out;
  }
  function renderStatement(id) {
    var s = statementById.get(id);
    var r = relationByKey.get(s.relation);
    var sep = r && r.symmetric ? " ↔ " : " → ";
    var out = [h("p", { className: "gk-muted", text: ui("statement") }),
      h("h2", null, [entityButton(s.subject), sep + relationName(s.relation) + sep, entityButton(s.object)]),
      h("p", null, [statusBadge(s.status)])];
    if (!edgeVisible.get(id)) out.push(h("p", { className: "gk-muted", text: "(" + ui("hidden") + ")" }));
    var dl = h("dl");
    [[ui("market"), s.market ? marketName(s.market) : null], [ui("since"), s.since], [ui("until"), s.until],
      [ui("id"), s.id]].forEach(function (f) {
      if (!f[1]) return;
      dl.appendChild(h("dt", { text: f[0] }));
      dl.appendChild(h("dd", { text: f[1] }));
    });
    out = out.concat(section(ui("properties"), [dl]));
    if (s.quote) out = out.concat(section(ui("quote"), [h("blockquote", { className: "gk-quote", text: s.quote })]));
    if (s.note) out = out.concat(section(ui("note"), [h("p", { className: "gk-note", text: s.note })]));
    var list = h("ul", { className: "gk-sources" });
    (s.sources || []).forEach(function (sid) { list.appendChild(sourceItem(sid)); });
    out = out.concat(section(ui("sources") + " (" + (s.sources || []).length + ")",
      [(s.sources || []).length ? list : h("p", { className: "gk-muted", text: ui("no_sources") })]));
    return out;
  }
  var shownKey = "";
  function renderPanel() {
    clear(panel);
    var sel = state.selected;
    var key = sel ? sel.kind + ":" + sel.id : "";
    if (key !== shownKey) { shownKey = key; panel.parentNode.scrollTop = 0; }  // a new selection starts at the top
    var children;
    if (!sel) children = [h("p", { className: "gk-hint", text: ui("hint") })];
    else if (sel.kind === "entity") children = renderEntity(sel.id);
    else children = renderStatement(sel.id);
    children.forEach(function (c) { panel.appendChild(c); });
    panel.setAttribute("data-kind", sel ? sel.kind : "");
    panel.setAttribute("data-id", sel ? sel.id : "");
  }

  // ------------------------------------------------------------------ selection
  function selectEntity(id) {
    state.selected = { kind: "entity", id: id };
    api.selected = id;
    batch(function () {
      network.selectNodes([id]);
      highlightSelection();
    });
    renderPanel();
  }
  function selectStatement(id, focus) {
    var s = statementById.get(id);
    state.selected = { kind: "statement", id: id };
    api.selected = id;
    batch(function () {
      if (edgeVisible.get(id)) network.setSelection({ nodes: [], edges: [id] }, { unselectAll: true, highlightEdges: false });
      highlightSelection();
    });
    renderPanel();
    if (focus && nodeVisible.get(s.subject) && nodeVisible.get(s.object)) {
      network.fit({ nodes: [s.subject, s.object], animation: { duration: 400, easingFunction: "easeInOutQuad" } });
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
  function revealEntity(id) {
    var e = entityById.get(id);
    if (state.hidden.types.has(e.type)) {
      state.hidden.types.delete(e.type);
      var box = document.querySelector('#gk-types input[data-key="' + CSS.escape(e.type) + '"]');
      if (box) box.checked = true;
    }
    applyFilters();
    if (!nodeVisible.get(id) && state.hideIsolated) {
      state.hideIsolated = false;
      isolatedBox.checked = false;
      applyFilters();
    }
  }
  function focusEntity(id) {
    batch(function () {
      if (!nodeVisible.get(id)) revealEntity(id);
      selectEntity(id);
    });
    api.focused = null;
    network.once("animationFinished", function () { api.focused = id; });  // for tests: the view has arrived
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 450, easingFunction: "easeInOutQuad" } });
  }
  network.on("click", function (params) {
    if (params.nodes.length) selectEntity(params.nodes[0]);
    else if (params.edges.length) selectStatement(params.edges[0], false);
    else clearSelection();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.activeElement !== searchInput) clearSelection();
  });
  document.getElementById("gk-fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  });

  // ------------------------------------------------------------------ search
  function norm(text) { return String(text).normalize("NFKC").toLowerCase(); }
  var searchIndex = DATA.entities.map(function (e) {
    var terms = [e.name, e.id];
    Object.keys(e.labels || {}).sort().forEach(function (k) { terms.push(e.labels[k]); });
    (e.aliases || []).forEach(function (a) { terms.push(a); });
    return { id: e.id, terms: terms.map(function (t) { return [norm(t), t]; }) };
  });
  function search(query) {
    var q = norm(query.trim());
    if (!q) return [];
    var hits = [];
    searchIndex.forEach(function (item) {
      var best = 9;
      var matched = null;
      item.terms.forEach(function (term) {
        var text = term[0];
        var rank = text === q ? 0 : text.indexOf(q) === 0 ? 1 : text.indexOf(" " + q) >= 0 ? 2 : text.indexOf(q) >= 0 ? 3 : 9;
        if (rank < best) { best = rank; matched = term[1]; }
      });
      if (best < 9) hits.push({ id: item.id, rank: best, matched: matched, label: entityName(item.id) });
    });
    hits.sort(function (a, b) {
      return a.rank - b.rank || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) || (a.id < b.id ? -1 : 1);
    });
    return hits.slice(0, 12);
  }
  var searchInput = document.getElementById("gk-search");
  var resultsList = document.getElementById("gk-search-results");
  var results = [];
  var active = -1;
  function closeResults() { resultsList.hidden = true; active = -1; searchInput.setAttribute("aria-expanded", "false"); }
  function showResults() {
    clear(resultsList);
    results = search(searchInput.value);
    active = results.length ? 0 : -1;
    if (!searchInput.value.trim()) { closeResults(); return; }
    if (!results.length) resultsList.appendChild(h("li", { className: "gk-empty", text: ui("no_results") }));
    results.forEach(function (hit, i) {
      var e = entityById.get(hit.id);
      var c = classByKey.get(e.type);
      var item = h("li", { role: "option", "data-id": hit.id, className: i === active ? "gk-active" : null }, [
        shapeIcon(c ? c.shape : "dot", c ? c.color : "#64748b"), h("span", { text: hit.label }),
        hit.matched !== hit.label ? h("span", { className: "gk-match", text: hit.matched }) : null]);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
      resultsList.appendChild(item);
    });
    resultsList.hidden = false;
    searchInput.setAttribute("aria-expanded", "true");
  }
  function choose(i) {
    var hit = results[i];
    if (!hit) return;
    closeResults();
    searchInput.value = hit.label;
    focusEntity(hit.id);
  }
  function moveActive(step) {
    if (!results.length) return;
    active = (active + step + results.length) % results.length;
    Array.prototype.forEach.call(resultsList.children, function (li, i) { li.className = i === active ? "gk-active" : ""; });
  }
  searchInput.addEventListener("input", showResults);
  searchInput.addEventListener("focus", function () { if (searchInput.value.trim()) showResults(); });
  searchInput.addEventListener("blur", closeResults);
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { moveActive(1); event.preventDefault(); }
    else if (event.key === "ArrowUp") { moveActive(-1); event.preventDefault(); }
    else if (event.key === "Enter") { if (!results.length) results = search(searchInput.value); choose(Math.max(active, 0)); event.preventDefault(); }
    else if (event.key === "Escape") { closeResults(); }
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
    batch(function () {
      nodes.update(DATA.entities.map(function (e) { return { id: e.id, label: entityName(e.id), title: nodeTitle(e.id) }; }));
      relabelEdges();
    });
    applyLanguage();
  });

  applyLanguage();
  api.focusEntity = focusEntity;
})();
