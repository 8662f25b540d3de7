// Claims that rest on a single source, weakest certainty first
// symmetric relations: ends in a fixed order, whatever the written direction
// history: the status history, oldest first, from the parallel lists history_dates and
// history_statuses: "reported 2025-02-11; confirmed 2025-02-13" (null without one).
MATCH (x)-[r]->(y)
WHERE size(r.sources) = 1
OPTIONAL MATCH (source:Source {id: r.sources[0]})
WITH r, source, r.symmetric AND y.id < x.id AS swap,
     CASE r.status WHEN 'confirmed' THEN 1 WHEN 'reported' THEN 2 WHEN 'imported' THEN 3
                   WHEN 'claimed' THEN 4 WHEN 'rumored' THEN 5 ELSE 6 END AS rank,
     x.id AS xid, y.id AS yid
RETURN CASE WHEN swap THEN yid ELSE xid END AS subject, r.relation AS relation,
       CASE WHEN swap THEN xid ELSE yid END AS object, r.status AS status, r.since AS since,
       r.until AS until,
       reduce(text = null, i IN range(0, size(coalesce(r.history_dates, [])) - 1) |
              coalesce(text + '; ', '') + r.history_statuses[i] + ' ' + r.history_dates[i]) AS history,
       r.sources[0] AS source, source.publisher AS publisher
ORDER BY rank DESC, subject, relation, object
