// Which publishers the facts rest on: sources and facts per publisher, and the facts they back alone
MATCH ()-[r]->()
UNWIND r.sources AS sourceId
MATCH (source:Source {id: sourceId})
WHERE source.publisher IS NOT NULL
RETURN source.publisher AS publisher, count(DISTINCT source.id) AS sources,
       count(DISTINCT r.statement_id) AS facts,
       count(CASE WHEN size(r.sources) = 1 THEN r.statement_id END) AS singleSourceFacts
ORDER BY facts DESC, publisher
