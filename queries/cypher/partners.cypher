// Who partners with whom: certainty, market, dates, status history and sources of every partnership
// One row per partnership fact (one relationship per statement, matched in the direction it is
// stored, so each fact is counted once); the two ends come in a fixed (alphabetical id) order,
// so the answer does not depend on the direction the author wrote the symmetric relation in.
// history: the status history, oldest first, from the parallel lists history_dates and
// history_statuses: "reported 2025-02-11; confirmed 2025-02-13" (null without one).
MATCH (x)-[r:PARTNERS_WITH]->(y)
RETURN CASE WHEN x.id < y.id THEN x.id ELSE y.id END AS company,
       CASE WHEN x.id < y.id THEN y.id ELSE x.id END AS partner,
       r.status AS status, r.market AS market, r.since AS since, r.until AS until,
       reduce(text = null, i IN range(0, size(coalesce(r.history_dates, [])) - 1) |
              coalesce(text + '; ', '') + r.history_statuses[i] + ' ' + r.history_dates[i]) AS history,
       r.sources AS sources
ORDER BY company, partner, market, since
