// Rumored vs confirmed deals: partnerships and talks, strongest certainty first
// symmetric relations: one row per fact, ends in a fixed order, whatever the written direction
// history: the status history, oldest first, from the parallel lists history_dates and
// history_statuses: "reported 2025-02-11; confirmed 2025-02-13" (null without one).
MATCH (x)-[r:PARTNERS_WITH|IN_TALKS_WITH]->(y)
WITH r, CASE WHEN x.id < y.id THEN x.id ELSE y.id END AS company,
     CASE WHEN x.id < y.id THEN y.id ELSE x.id END AS counterpart,
     CASE type(r) WHEN 'PARTNERS_WITH' THEN 'partnership' ELSE 'talks' END AS kind,
     CASE r.status WHEN 'confirmed' THEN 1 WHEN 'reported' THEN 2 WHEN 'imported' THEN 3
                   WHEN 'claimed' THEN 4 WHEN 'rumored' THEN 5 ELSE 6 END AS rank
RETURN r.status AS status, kind, company, counterpart, r.market AS market, r.since AS since,
       r.until AS until,
       reduce(text = null, i IN range(0, size(coalesce(r.history_dates, [])) - 1) |
              coalesce(text + '; ', '') + r.history_statuses[i] + ' ' + r.history_dates[i]) AS history,
       size(r.sources) AS sources
ORDER BY rank, kind, company, counterpart, market
