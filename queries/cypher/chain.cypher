// The chain linking two entities: maker -> model -> product -> device -> chipset (variable-length paths)
// param from: entity = alibaba -- where the chain starts (entity id)
// param to: entity = iphone-16-plus -- where it ends (entity id)
// Each row is one link on a chain from `from` to `to`; depth is its position (1 = first link).
// Links followed: develops, powers, runs-on, ships, uses-chipset, based-on and its sub-relations;
// denied facts are not links.
MATCH p1 = (f {id: $from})-[:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM*0..]->(s)
WHERE all(link IN relationships(p1) WHERE link.status <> 'denied')
MATCH (s)-[r:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM]->(o)
WHERE r.status <> 'denied'
MATCH p2 = (o)-[:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM*0..]->(t {id: $to})
WHERE all(link IN relationships(p2) WHERE link.status <> 'denied')
WITH DISTINCT f, t, s, r.relation AS relation, r.status AS status, o
// depth: how many entities on the way from `from` (itself included) lead on to the link's object
MATCH p3 = (f)-[:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM*0..]->(mid)
WHERE all(link IN relationships(p3) WHERE link.status <> 'denied')
MATCH p4 = (mid)-[:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM*1..]->(o)
WHERE all(link IN relationships(p4) WHERE link.status <> 'denied')
RETURN f.id AS from, t.id AS to, count(DISTINCT mid) AS depth, s.id AS subject, relation, o.id AS object, status
ORDER BY depth, subject, relation, object
