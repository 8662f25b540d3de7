"""Every error graphkit reports to a user, and the exit code the command line gives each family.

    GraphkitError                    a problem the user can fix              exit 2 (usage)
    ├── InvalidDataError             the data is wrong                       exit 1
    │   └── ValidationError          every located problem of the input, all at once
    ├── QueryError                   a query cannot run as written           exit 2
    │   ├── QuerySyntaxError
    │   │   ├── SparqlSyntaxError
    │   │   └── CypherSyntaxError
    ├── RemoteError                  a server failed or cannot be reached    exit 3
    │   ├── SparqlEndpointError
    │   ├── Neo4jError
    │   └── FalkorDBError
    └── ResourceLimitError           a bound was hit                         exit 4
        ├── QueryTimeout
        ├── TooManyRows
        └── MemoryLimitExceeded

Misuse of the library by a Python caller (a wrong type, two options that exclude each other)
raises TypeError or ValueError instead: that is a bug in the calling program, not in its input.
The CLI turns a GraphkitError into one line on stderr and its exit code; anything else is a bug
in graphkit and gets one line with "please report" and EXIT_INTERNAL (see graphkit/cli/common.py).
"""
from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2
EXIT_REMOTE = 3
EXIT_LIMIT = 4
EXIT_INTERNAL = 5
EXIT_INTERRUPTED = 130

#: exit code -> meaning, as documented in the README and docs/security.md
EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_INVALID_DATA: "invalid data: the YAML (or imported dataset, or RDF file) has problems",
    EXIT_USAGE: "usage: a wrong option, argument, name or query",
    EXIT_REMOTE: "remote or server failure: a SPARQL endpoint, Neo4j or the embedded FalkorDB failed",
    EXIT_LIMIT: "resource limit: a timeout, row cap or memory cap stopped the work",
    EXIT_INTERNAL: "internal error: a bug in graphkit (please report it)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}

#: the longest piece of user data (a value, a name, a server's answer) put into a message
MAX_SHOWN = 200


def shorten(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` as text for a message: on one line, at most `limit` characters (ending with '…')."""
    text = value if isinstance(value, str) else _safe_repr(value, limit)
    if len(text) > 4 * limit:  # do not walk megabytes of text to shorten it
        text = text[:4 * limit]
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def show(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` quoted for a message, like repr() but shortened: 'text', 12 or [...]."""
    return shorten(_safe_repr(value, limit), limit)


def _safe_repr(value: object, limit: int) -> str:
    """A repr that never builds more than about 4*limit characters, whatever the nesting."""
    budget = [4 * limit]

    def walk(v: object, depth: int) -> str:
        if budget[0] <= 0 or depth > 20:
            return "…"
        if isinstance(v, dict):
            parts = []
            for key, item in v.items():
                if budget[0] <= 0:
                    parts.append("…")
                    break
                parts.append(f"{walk(key, depth + 1)}: {walk(item, depth + 1)}")
            text = "{" + ", ".join(parts) + "}"
        elif isinstance(v, (list, tuple)):
            parts = []
            for item in v:
                if budget[0] <= 0:
                    parts.append("…")
                    break
                parts.append(walk(item, depth + 1))
            text = "[" + ", ".join(parts) + "]"
        elif isinstance(v, str):
            text = repr(v[:budget[0] + 1])
        else:
            text = repr(v)[:budget[0] + 1]
        budget[0] -= len(text)
        return text

    return walk(value, 0)


class GraphkitError(Exception):
    """A problem the user can fix (bad option, unknown name...). Exit code 2 in the CLI."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located in a file and line where known."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if not self.file:
            return self.message
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class InvalidDataError(GraphkitError):
    """The data is wrong: a YAML file, an RDF file, a dataset to import. Exit code 1."""

    exit_code = EXIT_INVALID_DATA


class ValidationError(InvalidDataError):
    """Every problem found in the input, all at once (one line each)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n"
                         + "\n".join(str(p) for p in self.problems))


class QueryError(GraphkitError):
    """A SPARQL or Cypher query that cannot run as written (bad parameter, refused clause). Exit 2."""


class QuerySyntaxError(QueryError):
    """A query that does not parse; the message names the line and column where known."""


class SparqlSyntaxError(QuerySyntaxError):
    """A SPARQL query that does not parse."""


class CypherSyntaxError(QuerySyntaxError):
    """A Cypher query that does not parse."""


class RemoteError(GraphkitError):
    """A server failed, refused or cannot be reached. Exit code 3."""

    exit_code = EXIT_REMOTE


class SparqlEndpointError(RemoteError):
    """A remote SPARQL endpoint or Graph Store failed, refused or answered nonsense."""


class Neo4jError(RemoteError):
    """A Neo4j (Bolt) server failed, refused the credentials or cannot be reached."""


class FalkorDBError(RemoteError):
    """The embedded FalkorDB engine could not be started or stopped answering."""


class ResourceLimitError(GraphkitError):
    """A bound stopped the work: a timeout, a row cap, a memory cap. Exit code 4."""

    exit_code = EXIT_LIMIT


class QueryTimeout(ResourceLimitError):
    """A query (embedded or remote) ran past its time limit and was stopped."""


class TooManyRows(ResourceLimitError):
    """A query produced more rows than its cap."""


class MemoryLimitExceeded(ResourceLimitError):
    """The work needed more memory than it is allowed."""
