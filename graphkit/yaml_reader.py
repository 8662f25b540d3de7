"""Reading one YAML file safely: bounded, decoded with located errors, every node with its line.

The loader (graphkit.loader) turns what this returns into the model. Here: the YAML parser
configuration (safe loading, libyaml when available), mappings and lists that remember the line
of each item (LineDict, LineList), limits on alias expansion and nesting (the "billion laughs"
shape), finite numbers and clean text, and the decoding of bytes with a located error for
Latin-1, UTF-16 or NUL bytes.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import Problem, shorten, show

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # libyaml's loader when PyYAML was built with it: the same behaviour, several times faster
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line = 0


#: How many nodes YAML aliases may add to a file beyond the nodes written in it: a few
#: hundred bytes of nested aliases (the "billion laughs" shape) would otherwise expand to
#: billions of values. Real files use aliases for shared defaults, far below this.
MAX_ALIAS_EXPANSION = 100_000
#: Deepest nesting of mappings and sequences (graphkit files need 5 levels).
MAX_DEPTH = 64
INT64_LIMIT = 2**63
#: Characters no text value may hold: C0 and C1 controls other than tab, newline and carriage
#: return (they break line-based formats and C string APIs), and non-characters.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


class _Loader(_BaseLoader):
    """Safe loader that keeps line numbers, reports duplicate keys and does not turn
    `2025-02-30` into a crash: dates stay strings and are checked by graphkit. Scalars that no
    export can write (NaN, infinities, integers beyond 64 bits, control characters) are
    reported where they are written."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, str]] = []
        self.scalar_problems: list[tuple[int, str]] = []


# Drop the timestamp resolver: PyYAML would raise on an invalid date before we can locate it.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

_MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    # Keys written in this mapping (not brought in by a `<<` merge): a key written twice is a
    # duplicate; a written key that overrides a merged one is what merge keys are for.
    own = {id(key_node) for key_node, _ in node.value if key_node.tag != _MERGE_TAG}
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    written: set = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = show(key)
        if id(key_node) in own:
            if key in written:
                loader.duplicate_keys.append((key_node.start_mark.line + 1, f"duplicate key {show(key)}"))
            written.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


class RejectedScalar(str):
    """A scalar that was already reported as a problem where it is written (its YAML text):
    later checks skip it rather than report it twice."""


def _construct_float(loader: _Loader, node: yaml.ScalarNode):
    value = loader.construct_yaml_float(node)
    if math.isfinite(value):
        return value
    loader.scalar_problems.append((node.start_mark.line + 1, f"{show(node.value)} is not a finite number: NaN and "
                                                             "infinities cannot be exported (quote it if it is text)"))
    return RejectedScalar(node.value)


def _construct_int(loader: _Loader, node: yaml.ScalarNode):
    value = loader.construct_yaml_int(node)
    if -INT64_LIMIT <= value < INT64_LIMIT:
        return value
    loader.scalar_problems.append((node.start_mark.line + 1, f"{show(node.value)} is out of the range of a "
                                                             "64-bit integer (quote it if it is text)"))
    return RejectedScalar(node.value)


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    if value.isascii() and value.isprintable():  # most values: nothing to look for
        return value
    bad = _BAD_CHARS.search(value)
    if bad is None:
        return value
    loader.scalar_problems.append((node.start_mark.line + 1, f"text holds the control character "
                                                             f"U+{ord(bad.group()):04X} (in {show(value, 60)}): remove it"))
    return _BAD_CHARS.sub("\ufffd", value)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)


class _NodeProblem(Exception):
    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.line = node.start_mark.line + 1
        self.message = message


def _check_nodes(root: yaml.Node) -> tuple[int, str] | None:
    """Walk the composed document once (each mapping and list once, recursion bounded by
    MAX_DEPTH): (line, message) if its aliases are recursive, expand to more than
    MAX_ALIAS_EXPANSION extra values, or nesting is deeper than MAX_DEPTH. This bounds all later
    work on the document. Aliases of scalars are not counted: each costs an alias in the text."""
    sizes: dict[int, int] = {}  # id(node) -> values in it when its aliases are expanded
    active: set[int] = set()
    extra = 0
    scalar = yaml.ScalarNode

    def walk(node: yaml.Node, depth: int) -> int:
        nonlocal extra
        if depth > MAX_DEPTH:
            raise _NodeProblem(node, f"mappings and lists nested deeper than {MAX_DEPTH} levels")
        active.add(id(node))
        size = 1
        pairs = node.value if isinstance(node, yaml.MappingNode) else ((child,) for child in node.value)
        for pair in pairs:
            for child in pair:
                if type(child) is scalar:
                    size += 1
                    continue
                known = sizes.get(id(child))
                if known is None:
                    if id(child) in active:
                        raise _NodeProblem(child, "a YAML alias refers to a mapping or list that contains it")
                    size += walk(child, depth + 1)
                    continue
                extra += known  # an alias of a mapping or list seen before
                size += known
                if extra > MAX_ALIAS_EXPANSION:
                    raise _NodeProblem(node, f"YAML aliases expand to more than {MAX_ALIAS_EXPANSION:,} values "
                                             "(a \"billion laughs\" document?): write the values out, or use fewer "
                                             "nested aliases")
        active.discard(id(node))
        sizes[id(node)] = size
        return size

    if type(root) is scalar:
        return None
    try:
        walk(root, 1)
    except _NodeProblem as problem:
        return problem.line, problem.message
    return None


def _decode(raw: bytes) -> tuple[str | None, tuple[int, str] | None]:
    """The text of a file that must be UTF-8, or (None, (line, message)) saying why it is not."""
    for bom, name in ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"),
                      (b"\xfe\xff", "UTF-16"), (b"\xff\xfe", "UTF-16")):
        if raw.startswith(bom):
            return None, (1, f"the file is {name} text; graphkit reads UTF-8: save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        if raw[1:200:2].count(0) > 40 or raw[0:200:2].count(0) > 40:
            return None, (1, "the file looks like UTF-16 text (no byte order mark); graphkit reads UTF-8: "
                             "save it as UTF-8")
        line, column = _position(raw, nul)
        return None, (line, f"column {column}: a NUL byte (is this a binary file?)")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        return None, (line, f"column {column}: byte 0x{raw[exc.start]:02X} is not UTF-8 (a file in Latin-1 or "
                            "Windows-1252?): save it as UTF-8")


def _position(data: bytes | str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of an offset."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    start = data.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    return data.count(newline, 0, offset) + 1, offset - start + 1  # type: ignore[arg-type]


def read_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML file; return its data (or None) and its problems, each located.

    Bounded: the aliases of a file may add at most MAX_ALIAS_EXPANSION values, nesting stops at
    MAX_DEPTH, and no message quotes more than a short piece of a value.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, f"cannot read file: {exc.strerror or exc}")]
    text, problem = _decode(raw)
    if text is None or problem is not None:
        line, message = problem or (0, "cannot decode the file")
        return None, [Problem(display, line, message)]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        found = _check_nodes(node)
        if found is not None:
            return None, [Problem(display, *found)]
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = f"YAML syntax error: {shorten(exc.problem or exc)}"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            message += f" ({shorten(exc.context)} at line {exc.context_mark.line + 1})"
        return None, [Problem(display, line, message)]
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        char = text[exc.position] if 0 <= exc.position < len(text) else ""
        what = f"the character U+{ord(char):04X}" if char else "a character"
        return None, [Problem(display, line, f"column {column}: {what} is not allowed in YAML (a control "
                                             "character or a binary file?)")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 0, f"YAML error: {shorten(str(exc))}")]
    finally:
        loader.dispose()
    return data, [Problem(display, line, msg) for line, msg in loader.duplicate_keys + loader.scalar_problems]


def yaml_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The .yaml/.yml files under the given files or directories, in a stable order, each once
    (`seed_data seed_data/epoch`, or an import written inside seed_data/, does not load a file
    twice)."""
    files: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        found = sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()) if p.is_dir() else [p]
        for file in found:
            try:
                key = file.resolve()
            except OSError:
                key = file.absolute()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files
