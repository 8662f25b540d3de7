// graphkit explorer: the graph fetched on demand from the server (search, expand, neighbourhoods).
// Every string from the data goes into the page with textContent (never innerHTML).
"use strict";
(function () {
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const expanded = new Set();
  const STATUS_COLOURS = {confirmed: "#15803d", reported: "#2563eb", claimed: "#0e7490", rumored: "#d97706",
                          denied: "#b91c1c", imported: "#6b7280"};
  const palette = ["#60a5fa", "#34d399", "#f59e0b", "#f472b6", "#a78bfa", "#f87171", "#2dd4bf", "#facc15", "#94a3b8"];
  const typeColours = {};
  const $ = (id) => document.getElementById(id);
  const status = (text) => { $("gk-explore-status").textContent = text; };

  function colourOf(type) {
    if (!(type in typeColours)) typeColours[type] = palette[Object.keys(typeColours).length % palette.length];
    return typeColours[type];
  }

  const network = new vis.Network($("gk-explore-graph"), {nodes, edges}, {
    nodes: {shape: "dot", size: 12, font: {size: 13}},
    edges: {arrows: {to: {enabled: true, scaleFactor: 0.5}}, font: {size: 10, align: "middle"}, smooth: false},
    physics: {stabilization: {iterations: 150}, barnesHut: {springLength: 140}},
    interaction: {hover: true},
  });

  function addNode(n) {
    const node = {id: n.id, label: n.label, title: `${n.name} (${n.type_label || n.type}), ${n.degree} facts`,
                  color: colourOf(n.type), data: n};
    if (nodes.get(n.id)) nodes.update(node); else nodes.add(node);
  }

  function addEdge(e) {
    if (edges.get(e.id)) return;
    edges.add({id: e.id, from: e.from, to: e.to, label: e.label, data: e,
               arrows: e.symmetric ? "" : "to", dashes: e.status === "denied" || e.status === "rumored",
               color: {color: STATUS_COLOURS[e.status] || "#6b7280"},
               title: `${e.label} (${e.status})${e.market ? ", market " + e.market : ""}${e.since ? ", since " + e.since : ""}`});
  }

  async function getJSON(url) {
    const response = await fetch(url, {headers: {Accept: "application/json"}});
    if (!response.ok) throw new Error((await response.text()).trim() || response.statusText);
    return response.json();
  }

  async function expand(id) {
    status("Loading " + id + "…");
    try {
      const data = await getJSON("/api/neighbourhood/" + encodeURIComponent(id));
      data.nodes.forEach(addNode);
      data.edges.forEach(addEdge);
      expanded.add(id);
      $("gk-explore-graph").dataset.last = id;  // for tests and scripts: the last entity expanded
      status(`${nodes.length} entities, ${edges.length} facts` + (data.more ? ` (${data.more} more facts of ${id} not shown)` : ""));
      showDetails(id);
      network.selectNodes([id]);
      network.focus(id, {scale: 1.0, animation: false});
    } catch (error) {
      status("Error: " + error.message);
    }
  }

  function showDetails(id) {
    const box = $("gk-explore-details");
    box.replaceChildren();
    const node = nodes.get(id);
    if (!node) return;
    const n = node.data;
    const title = document.createElement("h2");
    title.textContent = n.name;
    const meta = document.createElement("p");
    meta.className = "gk-muted";
    meta.textContent = `${n.type_label || n.type} · ${n.id} · ${n.degree} facts`;
    const link = document.createElement("a");
    link.href = "/entity/" + encodeURIComponent(n.id);
    link.textContent = "Open the entity page";
    box.append(title, meta, link);
    const list = document.createElement("ul");
    list.className = "gk-facts-list";
    edges.get({filter: (e) => e.from === id || e.to === id}).slice(0, 50).forEach((e) => {
      const other = e.from === id ? e.to : e.from;
      const item = document.createElement("li");
      const otherNode = nodes.get(other);
      item.textContent = `${e.data.label} ${otherNode ? otherNode.data.name : other} (${e.data.status})`;
      list.append(item);
    });
    box.append(list);
  }

  let searchTimer = null;
  let searchSeq = 0;
  async function search(text) {
    const seq = ++searchSeq;
    const list = $("gk-explore-hits");
    if (!text.trim()) { list.replaceChildren(); return; }
    try {
      const data = await getJSON("/search?q=" + encodeURIComponent(text) + "&limit=15");
      if (seq !== searchSeq) return;
      list.replaceChildren(...data.hits.map((hit) => {
        const item = document.createElement("li");
        item.tabIndex = 0;
        item.dataset.id = hit.id;
        item.textContent = hit.name + (hit.matched ? ` (${hit.matched})` : "");
        const type = document.createElement("span");
        type.className = "gk-muted";
        type.textContent = ` ${hit.type}`;
        item.append(type);
        item.addEventListener("click", () => expand(hit.id));
        item.addEventListener("keydown", (event) => { if (event.key === "Enter") expand(hit.id); });
        return item;
      }));
      if (!data.hits.length) {
        const none = document.createElement("li");
        none.textContent = "No entity matches.";
        list.replaceChildren(none);
      }
    } catch (error) {
      status("Error: " + error.message);
    }
  }

  $("gk-explore-search").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(event.target.value), 150);
  });
  $("gk-explore-search").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = $("gk-explore-hits").querySelector("li[data-id]");
      if (first) expand(first.dataset.id);
    }
  });
  $("gk-explore-clear").addEventListener("click", () => {
    nodes.clear(); edges.clear(); expanded.clear();
    $("gk-explore-details").replaceChildren();
    status("");
  });
  network.on("doubleClick", (params) => { if (params.nodes.length) expand(params.nodes[0]); });
  network.on("click", (params) => { if (params.nodes.length) showDetails(params.nodes[0]); });

  const focus = new URLSearchParams(window.location.search).get("focus");
  if (focus) expand(focus);
  window.gkExplorer = {nodes, edges, expand, expanded, network};
})();
