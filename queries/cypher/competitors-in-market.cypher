// Who competes with whom in one market, with certainty and sources (default: China)
// param market: entity = china -- the market (entity id)
// competes-with is symmetric: one row per fact, ends in a fixed order, whatever the written direction
// history: the status history, oldest first, from the parallel lists history_dates and
// history_statuses: "reported 2025-02-11; confirmed 2025-02-13" (null without one).
MATCH (x)-[r:COMPETES_WITH]->(y)
WHERE r.market = $market AND r.status <> 'denied'
RETURN r.market AS market,
       CASE WHEN x.id < y.id THEN x.id ELSE y.id END AS company,
       CASE WHEN x.id < y.id THEN y.id ELSE x.id END AS competitor,
       r.status AS status, r.since AS since, r.until AS until,
       reduce(text = null, i IN range(0, size(coalesce(r.history_dates, [])) - 1) |
              coalesce(text + '; ', '') + r.history_statuses[i] + ' ' + r.history_dates[i]) AS history,
       r.sources AS sources
ORDER BY company, competitor
