// A company's partners in one market, with certainty, start date and sources (default: Apple in China)
// param company: entity = apple -- the company (entity id)
// param market: entity = china -- the market (entity id)
// partners-with is symmetric: the undirected pattern finds the company on either side
MATCH (c {id: $company})-[r:PARTNERS_WITH]-(partner)
WHERE r.market = $market AND r.status <> 'denied'
RETURN c.id AS company, r.market AS market, partner.id AS partner, r.status AS status, r.since AS since,
       r.sources AS sources
ORDER BY partner, since
