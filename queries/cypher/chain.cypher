// The chain linking two entities: maker -> model -> product -> device -> chipset (variable-length paths)
// param from: entity = alibaba -- where the chain starts (entity id)
// param to: entity = iphone-16-plus -- where it ends (entity id)
// Each row is one link lying on a chain from `from` to `to`; stage orders the links.
// Links followed: develops, powers, runs-on, ships, uses-chipset, based-on and its sub-relations;
// denied facts are not links. since/until: when the link holds.
// history: the status history, oldest first, from the parallel lists history_dates and
// history_statuses: "reported 2025-02-11; confirmed 2025-02-13" (null without one).
MATCH p1 = (f {id: $from})-[:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM*0..]->(s)
WHERE all(link IN relationships(p1) WHERE link.status <> 'denied')
MATCH (s)-[r:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM]->(o)
WHERE r.status <> 'denied'
MATCH p2 = (o)-[:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM*0..]->(t {id: $to})
WHERE all(link IN relationships(p2) WHERE link.status <> 'denied')
WITH DISTINCT f, t, s, r.relation AS relation, r.status AS status, o, r.since AS since, r.until AS until,
     reduce(text = null, i IN range(0, size(coalesce(r.history_dates, [])) - 1) |
            coalesce(text + '; ', '') + r.history_statuses[i] + ' ' + r.history_dates[i]) AS history
// stage orders the links along the chain, as in chain.rq: 1 develops, 2 based-on (and its
// sub-relations), 3 powers, 4 runs-on, 5 ships, 6 uses-chipset
RETURN f.id AS from, t.id AS to,
       CASE relation WHEN 'develops' THEN 1 WHEN 'powers' THEN 3 WHEN 'runs-on' THEN 4
                     WHEN 'ships' THEN 5 WHEN 'uses-chipset' THEN 6 ELSE 2 END AS stage,
       s.id AS subject, relation, o.id AS object, status, since, until, history
ORDER BY stage, subject, relation, object
