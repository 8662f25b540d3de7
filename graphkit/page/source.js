/* graphkit page: where the explorer gets its data (a DataSource).
 *
 * The explorer (page.js) asks a DataSource three questions, and every answer is a Promise so
 * that a source that fetches from a server (`graphkit serve`) can replace the embedded one:
 *
 *   entity(id)        -> Promise<entity row | null>
 *   neighbours(id)    -> Promise<{entity, statements: [statement rows touching id],
 *                                 entities: [entity rows of their other ends]}>
 *   search(q, limit)  -> Promise<[{entity, rank, matched}]>   (rank 0 exact, 1 prefix,
 *                                 2 word prefix, 3 substring; best first, then most central)
 *
 * Rows have the shape of page_data()'s "entities" and "statements". A source may also offer
 * preload() -> {entities, statements}: everything it holds, at once (the embedded one does,
 * so the page starts with the whole graph in memory and never waits).
 */
(function () {
  "use strict";

  var ASCII = /^[\x00-\x7f]*$/;
  function norm(text) {
    text = String(text);
    return ASCII.test(text) ? text.toLowerCase() : text.normalize("NFKC").toLowerCase();
  }

  function EmbeddedSource(data) {
    var entityById = new Map();
    var byEntity = new Map();
    data.entities.forEach(function (e) { entityById.set(e.id, e); byEntity.set(e.id, []); });
    data.statements.forEach(function (s) {
      byEntity.get(s.subject).push(s);
      if (s.object !== s.subject) byEntity.get(s.object).push(s);
    });
    var index = null;  // built on the first search: [{entity, terms: [[normalised, original]]}]
    function buildIndex() {
      index = data.entities.map(function (e) {
        var terms = [e.name, e.id];
        Object.keys(e.labels || {}).sort().forEach(function (k) { terms.push(e.labels[k]); });
        (e.aliases || []).forEach(function (a) { terms.push(a); });
        return { entity: e, terms: terms.map(function (t) { return [norm(t), t]; }) };
      });
    }
    function searchNow(query, limit) {
      var q = norm(String(query).trim());
      if (!q) return [];
      if (!index) buildIndex();
      var hits = [];
      for (var i = 0; i < index.length; i++) {
        var item = index[i];
        var best = 9;
        var matched = null;
        for (var j = 0; j < item.terms.length; j++) {
          var text = item.terms[j][0];
          var at = text.indexOf(q);
          if (at < 0) continue;
          var rank = text === q ? 0 : at === 0 ? 1 : text.indexOf(" " + q) >= 0 ? 2 : 3;
          if (rank < best) { best = rank; matched = item.terms[j][1]; }
        }
        if (best < 9) hits.push({ entity: item.entity, rank: best, matched: matched });
      }
      hits.sort(function (a, b) {
        return a.rank - b.rank || (b.entity.r || 0) - (a.entity.r || 0) ||
          (a.entity.name < b.entity.name ? -1 : a.entity.name > b.entity.name ? 1 : 0) ||
          (a.entity.id < b.entity.id ? -1 : 1);
      });
      return hits.slice(0, limit || 12);
    }
    return {
      kind: "embedded",
      preload: function () { return { entities: data.entities, statements: data.statements }; },
      entity: function (id) { return Promise.resolve(entityById.get(id) || null); },
      neighbours: function (id) {
        var statements = byEntity.get(id) || [];
        var seen = new Set();
        var entities = [];
        statements.forEach(function (s) {
          [s.subject, s.object].forEach(function (other) {
            if (other !== id && !seen.has(other)) { seen.add(other); entities.push(entityById.get(other)); }
          });
        });
        return Promise.resolve({ entity: entityById.get(id) || null, statements: statements, entities: entities });
      },
      search: function (query, limit) { return Promise.resolve(searchNow(query, limit)); },
      searchNow: searchNow,
      warm: function () { if (!index) buildIndex(); }
    };
  }

  window.GraphkitSources = { embedded: EmbeddedSource, normalise: norm };
})();
