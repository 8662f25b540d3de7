// AI models made by companies headquartered in one market, with what they power (default: China)
// param market: entity = china -- the market where the maker is headquartered (entity id)
// Denied facts are left out, as they are from the plain triples of the RDF.
MATCH (maker)-[h:HEADQUARTERED_IN]->(market {id: $market})
WHERE h.status <> 'denied'
MATCH (maker)-[d:DEVELOPS]->(model:AIModel)
WHERE d.status <> 'denied'
OPTIONAL MATCH (model)-[p:POWERS]->(product)
WHERE p.status <> 'denied'
RETURN market.id AS market, maker.id AS maker, model.id AS model, model.released AS released,
       collect(DISTINCT product.name) AS powers
ORDER BY maker, model
