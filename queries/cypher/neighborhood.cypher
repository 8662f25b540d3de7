// The neighbourhood of one entity as (subject, predicate, object) rows: its relations and its neighbours' names and types
// param entity: entity = apple -- the entity (entity id)
// Denied facts are left out, as they are from the plain triples of the RDF.
MATCH (e {id: $entity}) WHERE NOT e:Source
RETURN e.id AS subject, 'name' AS predicate, e.name AS object
UNION
MATCH (e {id: $entity})-[r]->(n)
WHERE r.status <> 'denied'
UNWIND [[e.id, r.relation, n.id], [n.id, 'name', n.name], [n.id, 'type', n.type]] AS triple
RETURN triple[0] AS subject, triple[1] AS predicate, triple[2] AS object
UNION
MATCH (o)-[r]->(e {id: $entity})
WHERE r.status <> 'denied'
UNWIND [[o.id, r.relation, e.id], [o.id, 'name', o.name], [o.id, 'type', o.type]] AS triple
RETURN triple[0] AS subject, triple[1] AS predicate, triple[2] AS object
