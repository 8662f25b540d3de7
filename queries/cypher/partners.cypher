// Who partners with whom: certainty, market, dates and sources of every partnership
// One row per partnership fact (one relationship per statement, matched in the direction it is
// stored, so each fact is counted once); the two ends come in a fixed (alphabetical id) order,
// so the answer does not depend on the direction the author wrote the symmetric relation in.
MATCH (x)-[r:PARTNERS_WITH]->(y)
RETURN CASE WHEN x.id < y.id THEN x.id ELSE y.id END AS company,
       CASE WHEN x.id < y.id THEN y.id ELSE x.id END AS partner,
       r.status AS status, r.market AS market, r.since AS since, r.until AS until, r.sources AS sources
ORDER BY company, partner, market, since
