// Who competes with whom in one market, with certainty and sources (default: China)
// param market: entity = china -- the market (entity id)
// competes-with is symmetric: one row per fact, ends in a fixed order, whatever the written direction
MATCH (x)-[r:COMPETES_WITH]->(y)
WHERE r.market = $market AND r.status <> 'denied'
RETURN r.market AS market,
       CASE WHEN x.id < y.id THEN x.id ELSE y.id END AS company,
       CASE WHEN x.id < y.id THEN y.id ELSE x.id END AS competitor,
       r.status AS status, r.sources AS sources
ORDER BY company, competitor
