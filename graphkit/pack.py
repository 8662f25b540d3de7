"""Files shipped with graphkit (ontology, question packs) and the question-pack format.

Resources: `resource_dir("ontology")`, `resource_dir("queries")`. In an installed wheel they are
graphkit/_ontology and graphkit/_queries (pyproject.toml force-includes the top-level folders
there); in a source checkout they are the top-level folders themselves. Both are found through
importlib.resources, so there is one lookup for everything shipped.

Question packs: one query per file, named `<name><suffix>` with a lowercase name. Each file
starts with a header of comment lines (`#` for SPARQL, `//` for Cypher):

    # A company's partners in one market (default: Apple in China)
    # param company: entity = apple -- the company (entity id or name)
    # param market: entity = china -- the market

The first comment line that is not a `param` line is the description. A declaration is
`param NAME: TYPE [= DEFAULT] [-- help]`: NAME is an identifier that the query must use as a
variable (?NAME in SPARQL, $NAME in Cypher), TYPE one of PARAM_TYPES, DEFAULT any text up to
` -- ` (spaces included). The same parser and the same checks serve both languages; every
problem of a pack is reported at once.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from .errors import GraphkitError, Problem, QueryError, ValidationError

PARAM_TYPES = ("entity", "iri", "string", "integer")
PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PACK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_DECLARATION = re.compile(r"^param\b")
_PARAM = re.compile(r"^param\s+(?P<name>[^\s:]+)\s*:\s*(?P<type>[^\s=]+)"
                    r"(?:\s*=(?P<default>.*?))?(?:\s+--(?:\s+(?P<help>.*?))?)?\s*$")


def resource_dir(name: str) -> Path:
    """The folder `name` (ontology, queries) shipped with graphkit."""
    from importlib.resources import files

    root = files("graphkit")
    packaged = root.joinpath("_" + name)
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(str(root)).parent / name
    if checkout.is_dir():
        return checkout
    raise GraphkitError(f"graphkit is incomplete: its '{name}' folder is missing (neither graphkit/_{name} "
                        f"in the installed package nor {name}/ in a source checkout)")


@dataclass(frozen=True)
class Param:
    """A query variable the user may bind (--param NAME=VALUE)."""

    name: str
    type: str  # one of PARAM_TYPES
    default: str | None = None
    help: str = ""


@dataclass(frozen=True)
class PackQuery:
    """One query of a pack: its name (file name without suffix), header and text."""

    name: str
    description: str
    text: str
    path: Path
    params: tuple[Param, ...] = ()

    @property
    def defaults(self) -> dict[str, str | None]:
        """Parameter name -> declared default (None when there is none)."""
        return {p.name: p.default for p in self.params}


def header_problems(text: str, origin: str, *, comment: str = "#",
                    variables: Callable[[str], AbstractSet[str]] | None = None
                    ) -> tuple[str, tuple[Param, ...], list[Problem]]:
    """(description, parameters, problems) of a query's header.

    The header is the leading block of comment lines (blank lines allowed). `variables(text)`
    gives the names the query can bind; each declared parameter must be one of them.
    """
    description, params, problems = "", [], []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith(comment):
            if stripped:
                break
            continue
        body = stripped[len(comment):].strip()
        if not _DECLARATION.match(body):
            if not description:
                description = body
            continue
        match = _PARAM.match(body)
        reason = None
        if not match:
            reason = ""
        elif not PARAM_NAME.match(match.group("name")):
            reason = f": '{match.group('name')}' is not a name (letters, digits and '_')"
        elif match.group("type") not in PARAM_TYPES:
            reason = f": unknown type '{match.group('type')}'"
        elif match.group("default") is not None and not match.group("default").strip():
            reason = ": '=' without a default"
        if reason is not None or match is None:
            problems.append(Problem(origin, number, f"bad parameter declaration{reason} (expected '{comment} param "
                                                    f"NAME: {'|'.join(PARAM_TYPES)} = DEFAULT -- help')"))
            continue
        default = match.group("default")
        params.append(Param(match.group("name"), match.group("type"), default.strip() if default else None,
                            (match.group("help") or "").strip()))
    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        problems.append(Problem(origin, 0, f"parameter declared twice: {', '.join(duplicates)}"))
    if variables is not None:
        missing = sorted(set(names) - variables(text))
        if missing:
            problems.append(Problem(origin, 0, "declared parameter is not a variable of the query: "
                                               + ", ".join(missing)))
    return description, tuple(params), problems


def raise_problems(problems: list[Problem]) -> None:
    """One problem: a one-line QueryError; several: a ValidationError listing them all."""
    if len(problems) == 1:
        raise QueryError(str(problems[0]))
    if problems:
        raise ValidationError(problems)


def parse_header(text: str, origin: str = "query", *, comment: str = "#",
                 variables: Callable[[str], AbstractSet[str]] | None = None) -> tuple[str, tuple[Param, ...]]:
    """The description and the parameter declarations of a query; GraphkitError if malformed."""
    description, params, problems = header_problems(text, origin or "query", comment=comment,
                                                    variables=variables)
    raise_problems(problems)
    return description, params


@dataclass(frozen=True)
class Pack:
    """A question pack: the files `<folder>/*<suffix>` among graphkit's resources."""

    language: str  # "sparql" or "cypher": for messages
    folder: str  # among graphkit's resources, e.g. "queries" or "queries/cypher"; or an absolute path
    suffix: str  # ".rq", ".cypher"
    comment: str  # "#", "//"
    variables: Callable[[str], AbstractSet[str]]
    query_class: type[PackQuery] = PackQuery

    def directory(self) -> Path:
        if Path(self.folder).is_absolute():
            return Path(self.folder)
        top, _, rest = self.folder.partition("/")
        return resource_dir(top) / rest if rest else resource_dir(top)

    def load(self) -> dict[str, PackQuery]:
        """Every query by name, sorted; ValidationError listing every problem of the pack."""
        pack: dict[str, PackQuery] = {}
        problems: list[Problem] = []
        for path in sorted(self.directory().glob("*" + self.suffix), key=lambda p: p.stem):
            if not PACK_NAME.match(path.stem):
                problems.append(Problem(str(path), 0, "a pack query's file name is lowercase letters, digits "
                                                      "and '-'"))
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(str(path), 0, f"cannot read: {exc}"))
                continue
            description, params, found = header_problems(text, str(path), comment=self.comment,
                                                         variables=self.variables)
            if not description:
                found.append(Problem(str(path), 1, f"a pack query starts with a '{self.comment} description' line"))
            problems += found
            pack[path.stem] = self.query_class(path.stem, description, text, path, params)
        raise_problems(problems)
        return pack

    def queries(self) -> dict[str, PackQuery]:
        """The pack, read once per process."""
        key = (self.language, str(self.directory()))
        if key not in _LOADED:
            _LOADED[key] = self.load()
        return dict(_LOADED[key])

    def get(self, name: str) -> PackQuery:
        queries = self.queries()
        if name not in queries:
            raise QueryError(f"no query named '{name}' in the {self.language} pack "
                                f"(see graphkit {self.language} --list)")
        return queries[name]


_LOADED: dict[tuple[str, str], dict[str, PackQuery]] = {}
