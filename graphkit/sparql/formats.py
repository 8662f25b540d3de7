"""The output formats of a SPARQL answer (imported by the CLI at start-up: keep it import-free).

table: a table of compact terms (Turtle for CONSTRUCT/DESCRIBE); csv, tsv, json: the SPARQL 1.1
Query Results formats (SELECT and ASK); turtle: CONSTRUCT/DESCRIBE answers.
"""

FORMATS = ("table", "csv", "tsv", "json", "turtle")
