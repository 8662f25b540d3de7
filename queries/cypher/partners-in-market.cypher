// A company's partners in one market, with certainty, dates, status history and sources (default: Apple in China)
// param company: entity = apple -- the company (entity id)
// param market: entity = china -- the market (entity id)
// partners-with is symmetric: the undirected pattern finds the company on either side
// history: the status history, oldest first, from the parallel lists history_dates and
// history_statuses: "reported 2025-02-11; confirmed 2025-02-13" (null without one).
MATCH (c {id: $company})-[r:PARTNERS_WITH]-(partner)
WHERE r.market = $market AND r.status <> 'denied'
RETURN c.id AS company, r.market AS market, partner.id AS partner, r.status AS status, r.since AS since,
       r.until AS until,
       reduce(text = null, i IN range(0, size(coalesce(r.history_dates, [])) - 1) |
              coalesce(text + '; ', '') + r.history_statuses[i] + ' ' + r.history_dates[i]) AS history,
       r.sources AS sources
ORDER BY partner, since
