// Which models power which products, on which devices (maker, certainty and market of each link)
// since/until and history: the dates and status history of the row's powers fact.
// history: the status history, oldest first, from the parallel lists history_dates and
// history_statuses: "reported 2025-02-11; confirmed 2025-02-13" (null without one).
MATCH (model)-[p:POWERS]->(product)
WHERE p.status <> 'denied'
OPTIONAL MATCH (maker)-[d:DEVELOPS]->(model)
WHERE d.status <> 'denied'
OPTIONAL MATCH (product)-[r:RUNS_ON]->(device)
WHERE r.status <> 'denied'
RETURN maker.id AS maker, model.id AS model, product.id AS product, device.id AS device,
       p.status AS powers, r.status AS runsOn, p.market AS market, p.since AS since, p.until AS until,
       reduce(text = null, i IN range(0, size(coalesce(p.history_dates, [])) - 1) |
              coalesce(text + '; ', '') + p.history_statuses[i] + ' ' + p.history_dates[i]) AS history
ORDER BY product, model, device
