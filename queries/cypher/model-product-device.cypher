// Which models power which products, on which devices (maker, certainty and market of each link)
MATCH (model)-[p:POWERS]->(product)
WHERE p.status <> 'denied'
OPTIONAL MATCH (maker)-[d:DEVELOPS]->(model)
WHERE d.status <> 'denied'
OPTIONAL MATCH (product)-[r:RUNS_ON]->(device)
WHERE r.status <> 'denied'
RETURN maker.id AS maker, model.id AS model, product.id AS product, device.id AS device,
       p.status AS powers, r.status AS runsOn, p.market AS market
ORDER BY product, model, device
