// Everything about one entity: its properties, then every fact with direction, certainty and sources
// param entity: entity = apple -- the entity (entity id)
// direction: "out" (entity is the subject), "in" (the object), "both" (symmetric relation).
// Properties come one value per row (one row per alias); name_<lang> holds the label in each
// language, name_en defaulting to the name (as rdfs:label@en in the RDF).
// history: the status history, oldest first, from the parallel lists history_dates and
// history_statuses: "reported 2025-02-11; confirmed 2025-02-13" (null without one).
CALL {
  MATCH (e {id: $entity}) WHERE NOT e:Source
  UNWIND [key IN keys(e) WHERE NOT key IN ['id', 'name_en']] AS key
  UNWIND CASE WHEN key = 'aliases' THEN e.aliases ELSE [e[key]] END AS value
  RETURN e.id AS entity, key AS property, null AS direction, value, null AS status, null AS market,
         null AS since, null AS until, null AS history, [] AS sources
  UNION ALL
  MATCH (e {id: $entity}) WHERE NOT e:Source
  RETURN e.id AS entity, 'name_en' AS property, null AS direction, coalesce(e.name_en, e.name) AS value,
         null AS status, null AS market, null AS since, null AS until, null AS history, [] AS sources
  UNION ALL
  MATCH (e {id: $entity})-[r]-(other)
  RETURN e.id AS entity, r.relation AS property,
         CASE WHEN r.symmetric THEN 'both' WHEN startNode(r) = e THEN 'out' ELSE 'in' END AS direction,
         other.id AS value, r.status AS status, r.market AS market, r.since AS since, r.until AS until,
         reduce(text = null, i IN range(0, size(coalesce(r.history_dates, [])) - 1) |
                coalesce(text + '; ', '') + r.history_statuses[i] + ' ' + r.history_dates[i]) AS history,
         r.sources AS sources
}
RETURN entity, property, direction, value, status, market, since, until, history, sources
ORDER BY status IS NOT NULL, property, direction, value, market, since
