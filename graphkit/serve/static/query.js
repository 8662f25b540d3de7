// graphkit query page: SPARQL and Cypher editors, the question packs, results as a table or a graph.
// Every value from the server goes into the page with textContent (never innerHTML).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = {language: "sparql", packs: {sparql: [], cypher: []}, result: null, network: null};
  const EXAMPLES = {
    sparql: "SELECT ?entity ?name WHERE {\n  ?entity a gk:Company ; schema:name ?name .\n}\nORDER BY ?name\nLIMIT 20",
    cypher: "MATCH (a:Company)-[r:PARTNERS_WITH]->(b)\nRETURN a.id AS company, b.id AS partner, r.status AS status\nLIMIT 20",
  };

  function setStatus(text, isError) {
    const box = $("gk-query-status");
    box.textContent = text;
    box.className = isError ? "gk-error" : "";
  }

  async function loadPacks() {
    const [sparql, cypher] = await Promise.all([
      fetch("/queries").then((r) => r.json()), fetch("/cypher/queries").then((r) => r.json())]);
    state.packs.sparql = sparql.queries;
    state.packs.cypher = cypher.queries;
    fillPackList();
  }

  function fillPackList() {
    const select = $("gk-pack");
    const first = document.createElement("option");
    first.value = "";
    first.textContent = "(write your own)";
    select.replaceChildren(first, ...state.packs[state.language].map((q) => {
      const option = document.createElement("option");
      option.value = q.name;
      option.textContent = q.name;
      return option;
    }));
    $("gk-pack-description").textContent = "";
    $("gk-params").replaceChildren();
  }

  function selectLanguage(language) {
    state.language = language;
    document.querySelectorAll(".gk-tabs button").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.language === language)));
    $("gk-editor").value = EXAMPLES[language];
    fillPackList();
  }

  function choosePack() {
    const name = $("gk-pack").value;
    const query = state.packs[state.language].find((q) => q.name === name);
    const params = $("gk-params");
    params.replaceChildren();
    $("gk-pack-description").textContent = query ? query.description : "";
    if (!query) return;
    $("gk-editor").value = query.text;
    query.params.forEach((p) => {
      const label = document.createElement("label");
      label.textContent = p.name + " ";
      const input = document.createElement("input");
      input.name = p.name;
      input.value = p.default || "";
      input.dataset.param = p.name;
      label.append(input);
      params.append(label);
    });
  }

  function paramValues() {
    const values = {};
    document.querySelectorAll("#gk-params input").forEach((input) => { if (input.value !== "") values[input.dataset.param] = input.value; });
    return values;
  }

  async function errorText(response) {
    return ((await response.text()).trim() || response.statusText).replace(/^error: /, "");
  }

  async function runSparql() {
    const text = $("gk-editor").value;
    const name = $("gk-pack").value;
    const pack = state.packs.sparql.find((q) => q.name === name);
    const accept = "application/sparql-results+json, application/n-triples;q=0.9";
    let response;
    if (pack && pack.text === text) {
      const query = new URLSearchParams(paramValues());
      response = await fetch("/queries/" + encodeURIComponent(name) + "?" + query, {headers: {Accept: accept}});
    } else {
      response = await fetch("/sparql", {method: "POST", headers: {Accept: accept, "Content-Type": "application/x-www-form-urlencoded"},
                                         body: new URLSearchParams({query: text})});
    }
    if (!response.ok) throw new Error(await errorText(response));
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/n-triples")) {
      const triples = parseNTriples(await response.text());
      return {columns: ["subject", "predicate", "object"], rows: triples.map((t) => t.map(termFromNT)), kind: "graph"};
    }
    const data = await response.json();
    if ("boolean" in data) return {columns: ["boolean"], rows: [[{type: "literal", value: String(data.boolean)}]], kind: "ask"};
    const columns = data.head.vars;
    return {columns, rows: data.results.bindings.map((b) => columns.map((c) => b[c] || null)), kind: "select"};
  }

  function parseNTriples(text) {
    const out = [];
    const term = /(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)/g;
    text.split("\n").forEach((line) => {
      const parts = line.match(term);
      if (parts && parts.length >= 3) out.push(parts.slice(0, 3));
    });
    return out;
  }

  function termFromNT(text) {
    if (text.startsWith("<")) return {type: "uri", value: text.slice(1, -1)};
    if (text.startsWith("_:")) return {type: "bnode", value: text.slice(2)};
    const match = text.match(/^"((?:[^"\\]|\\.)*)"/);
    return {type: "literal", value: match ? JSON.parse('"' + match[1] + '"') : text};
  }

  async function runCypher() {
    const text = $("gk-editor").value;
    const name = $("gk-pack").value;
    const pack = state.packs.cypher.find((q) => q.name === name);
    const body = pack && pack.text === text ? {name, parameters: paramValues()} : {query: text, parameters: paramValues()};
    const response = await fetch("/cypher", {method: "POST", headers: {"Content-Type": "application/json", Accept: "application/json"},
                                             body: JSON.stringify(body)});
    if (!response.ok) throw new Error(await errorText(response));
    const data = await response.json();
    return {columns: data.columns, rows: data.rows, kind: "cypher", entities: data.entities || {}};
  }

  function cellText(value) {
    if (value === null || value === undefined) return "";
    if (state.result && state.result.kind !== "cypher") return value.type === "uri" ? value.value : value.value + (value["xml:lang"] ? "@" + value["xml:lang"] : "");
    if (typeof value === "object") {
      if (value.labels) return "(" + value.labels.map((l) => ":" + l).join("") + " " + (value.properties.id || "") + ")";
      if (value.type && "start" in value) return `(${value.start})-[:${value.type}]->(${value.end})`;
      return JSON.stringify(value);
    }
    return String(value);
  }

  function entityIdOf(value, result) {
    if (value === null || value === undefined) return null;
    if (result.kind !== "cypher") {
      if (value.type !== "uri") return null;
      const at = value.value.lastIndexOf("/entity/");
      return at >= 0 ? value.value.slice(at + 8) : null;
    }
    if (typeof value === "string") return value in result.entities ? value : null;
    if (typeof value === "object" && value.labels && value.properties) return value.properties.id || null;
    return null;
  }

  function showTable() {
    const result = state.result;
    $("gk-result-graph").hidden = true;
    const box = $("gk-results");
    box.hidden = false;
    if (!result) { box.replaceChildren(); return; }
    const table = document.createElement("table");
    table.id = "gk-result-table";
    const head = document.createElement("tr");
    result.columns.forEach((c) => { const th = document.createElement("th"); th.textContent = c; head.append(th); });
    const thead = document.createElement("thead");
    thead.append(head);
    const tbody = document.createElement("tbody");
    result.rows.forEach((row) => {
      const tr = document.createElement("tr");
      row.forEach((value) => {
        const td = document.createElement("td");
        const id = entityIdOf(value, result);
        if (id) {
          const a = document.createElement("a");
          a.href = "/entity/" + encodeURIComponent(id);
          a.textContent = cellText(value);
          td.append(a);
        } else {
          td.textContent = cellText(value);
        }
        tr.append(td);
      });
      tbody.append(tr);
    });
    table.append(thead, tbody);
    box.replaceChildren(table);
  }

  function showGraph() {
    const result = state.result;
    if (!result) return;
    const nodes = new vis.DataSet();
    const edges = new vis.DataSet();
    const addNode = (id) => {
      if (!nodes.get(id)) {
        const known = result.entities && result.entities[id];
        nodes.add({id, label: known ? known.name : id});
      }
    };
    const addEdge = (from, to, label) => {
      const id = from + "|" + label + "|" + to;
      if (!edges.get(id)) edges.add({id, from, to, label, arrows: "to"});
    };
    result.rows.forEach((row) => {
      if (result.kind === "graph") {
        const s = entityIdOf(row[0], result);
        const o = entityIdOf(row[2], result);
        if (s && o) {
          addNode(s); addNode(o);
          const p = row[1].value;
          addEdge(s, o, p.slice(Math.max(p.lastIndexOf("#"), p.lastIndexOf("/")) + 1));
        } else if (s) addNode(s);
        return;
      }
      let first = null;
      row.forEach((value, i) => {
        if (result.kind === "cypher" && value && typeof value === "object" && value.type && "start" in value) {
          if (value.start && value.end) { addNode(value.start); addNode(value.end); addEdge(value.start, value.end, value.type); }
          return;
        }
        const id = entityIdOf(value, result);
        if (!id) return;
        addNode(id);
        if (first === null) first = id; else if (first !== id) addEdge(first, id, result.columns[i]);
      });
    });
    const box = $("gk-result-graph");
    box.hidden = false;
    $("gk-results").hidden = true;
    if (state.network) state.network.destroy();
    delete box.dataset.nodes;
    state.network = new vis.Network(box, {nodes, edges}, {
      nodes: {shape: "dot", size: 12}, edges: {font: {size: 10, align: "middle"}, smooth: false},
      physics: {stabilization: {iterations: 120}},
    });
    window.gkQuery.graph = {nodes: nodes.length, edges: edges.length};
    box.dataset.nodes = String(nodes.length);
    box.dataset.edges = String(edges.length);
  }

  async function run() {
    setStatus("Running…");
    $("gk-run").disabled = true;
    state.result = null;
    $("gk-results").replaceChildren();  // never show the previous answer as this one's
    const started = performance.now();
    try {
      state.result = state.language === "sparql" ? await runSparql() : await runCypher();
      const count = state.result.rows.length;
      setStatus(`${count} ${count === 1 ? "row" : "rows"} in ${Math.round(performance.now() - started)} ms`);
      showTable();
    } catch (error) {
      state.result = null;
      $("gk-results").replaceChildren();
      setStatus(error.message, true);
    } finally {
      $("gk-run").disabled = false;
    }
  }

  document.querySelectorAll(".gk-tabs button").forEach((b) => b.addEventListener("click", () => selectLanguage(b.dataset.language)));
  $("gk-pack").addEventListener("change", choosePack);
  $("gk-run").addEventListener("click", run);
  $("gk-show-table").addEventListener("click", showTable);
  $("gk-show-graph").addEventListener("click", showGraph);
  $("gk-editor").addEventListener("keydown", (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(); });
  window.gkQuery = {state, run, graph: null};
  $("gk-editor").value = EXAMPLES.sparql;
  loadPacks().catch((error) => setStatus("Cannot load the query packs: " + error.message, true));
})();
