// Is there a chain of develops/powers/runs-on/ships/uses-chipset/based-on links from one entity to another?
// param from: entity = alibaba -- where the chain starts (entity id)
// param to: entity = iphone-16-plus -- where it ends (entity id)
// Denied facts are not links.
MATCH (f {id: $from}), (t {id: $to})
OPTIONAL MATCH p = (f)-[:DEVELOPS|POWERS|RUNS_ON|SHIPS|USES_CHIPSET|BASED_ON|FINE_TUNED_FROM|MERGED_FROM|ADAPTER_OF|QUANTIZED_FROM*1..]->(t)
WHERE all(link IN relationships(p) WHERE link.status <> 'denied')
WITH p LIMIT 1
RETURN p IS NOT NULL AS linked
