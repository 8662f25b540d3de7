"""What every command shares: error handling, data options, output helpers."""
from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence

import click

from ..defaults import DEFAULT_BASE_IRI, DEFAULT_DATA_DIR


class GraphkitGroup(click.Group):
    """The one place where errors become output: every failure of every command is printed here
    as one line on stderr (a validation error: one line per problem) with its exit code, never a
    traceback. Exit codes: graphkit.errors.EXIT_CODES (documented in the README)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        args = list(sys.argv[1:] if args is None else args)
        try:
            value = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = value if isinstance(value, int) and not isinstance(value, bool) else 0
        except BaseException as exc:  # noqa: BLE001 - this is the one handler
            code = report_error(exc, secrets=command_line_secrets(args))
        _flush_quietly()
        sys.exit(code)


def report_error(exc: BaseException, *, secrets: Sequence[str] = ()) -> int:
    """Print `exc` as one line on stderr (a ValidationError: one line per problem); its exit code."""
    from ..errors import (
        EXIT_INTERNAL,
        EXIT_INTERRUPTED,
        EXIT_LIMIT,
        EXIT_OK,
        EXIT_USAGE,
        GraphkitError,
        ValidationError,
    )

    if isinstance(exc, SystemExit):
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, (KeyboardInterrupt, click.Abort, EOFError)):
        _say("interrupted", secrets)
        return EXIT_INTERRUPTED
    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        # the reader went away (`graphkit stats | head`): nothing more to say to it
        return EXIT_OK
    if isinstance(exc, ValidationError):
        head, *lines = str(exc).split("\n")
        _say(f"error: {head}", secrets)
        for line in lines:
            _say(line, secrets, prefix="")
        return exc.exit_code
    if isinstance(exc, GraphkitError):
        _say(f"error: {exc}", secrets)
        return exc.exit_code
    if isinstance(exc, click.ClickException):
        message = exc.format_message().rstrip(".")
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _say(f"error: {message}{hint}", secrets)
        return EXIT_USAGE
    if isinstance(exc, MemoryError):
        _say("error: out of memory (the input or the query needs more memory than this machine gives)", secrets)
        return EXIT_LIMIT
    if os.environ.get("GRAPHKIT_TRACEBACK"):
        import traceback

        traceback.print_exception(exc)
    _say(f"internal error: {type(exc).__name__}: {exc} -- this is a bug in graphkit, please report it "
         "with the command you ran (GRAPHKIT_TRACEBACK=1 shows the traceback)", secrets)
    return EXIT_INTERNAL


def _say(text: str, secrets: Sequence[str], prefix: str = "") -> None:
    from ..errors import shorten

    for secret in secrets:
        text = text.replace(secret, "***")
    try:
        click.echo(prefix + shorten(text, 2000), err=True)
    except OSError:
        pass


def _flush_quietly() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


#: environment variables that hold credentials (their values are never printed)
SECRET_ENV = ("GRAPHKIT_SPARQL_PASSWORD", "NEO4J_PASSWORD")
USER_ENV = ("GRAPHKIT_SPARQL_USER", "NEO4J_USERNAME")


def command_line_secrets(args: list[str]) -> list[str]:
    """Passwords given on the command line or in the environment, and the forms a server may
    echo them in (an HTTP Basic Authorization header): the one handler never prints them."""
    import base64

    passwords = [os.environ.get(name) for name in SECRET_ENV]
    users = [os.environ.get(name) for name in USER_ENV] + ["neo4j"]
    for index, arg in enumerate(args):
        for option, found in (("--password", passwords), ("--user", users)):
            if arg == option and index + 1 < len(args):
                found.append(args[index + 1])
            elif arg.startswith(option + "="):
                found.append(arg.split("=", 1)[1])
    secrets = {p for p in passwords if p and len(p) >= 3}
    for password in list(secrets):
        for user in {u for u in users if u}:
            secrets.add(base64.b64encode(f"{user}:{password}".encode()).decode("ascii"))
    return sorted(secrets, key=len, reverse=True)


def data_option(func):
    """-d/--data: YAML directories/files or graphkit Turtle files to load (default seed_data/)."""
    return click.option("-d", "--data", "data", multiple=True, type=click.Path(),
                        help="YAML file or directory, or a graphkit Turtle file (repeatable; "
                             f"default: {DEFAULT_DATA_DIR}).")(func)


def as_of_options(func):
    """--as-of DATE and --time valid|known: the graph as it was on DATE (see graphkit.asof)."""
    func = click.option("--time", "time", type=click.Choice(["valid", "known"]), default="valid", show_default=True,
                        help="What --as-of means: valid = the facts that held on DATE (since/until); "
                             "known = the facts known on DATE, with the status and sources they had then.")(func)
    return click.option("--as-of", "as_of", metavar="DATE",
                        help="The graph as it was on DATE (YYYY, YYYY-MM or YYYY-MM-DD; a month or year "
                             "stands for its last day).")(func)


def graph_as_of(graph, as_of: str | None, time: str):
    """The model as of a date (unchanged without one)."""
    if not as_of:
        return graph
    from ..asof import as_of as view

    return view(graph, as_of, time)


def base_iri_option(func):
    return click.option("--base-iri", default=DEFAULT_BASE_IRI, show_default=True,
                        help="Base IRI of entities, sources and statements.")(func)


def data_paths(data: tuple[str, ...]) -> list[str]:
    return list(data) or [DEFAULT_DATA_DIR]


def is_interactive() -> bool:
    return sys.stderr.isatty()


def store_dir() -> str | None:
    """The cache folder given with `graphkit --store DIR` (or $GRAPHKIT_STORE_DIR), if any."""
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().params.get("store_dir") if ctx is not None else None


def compiled_store(data: tuple[str, ...], base_iri: str | None = None, *, shacl: bool = False):
    """The compiled store of DATA, built first if missing or stale (with a progress display on a
    terminal); None when DATA includes RDF files, which are read directly."""
    from ..store import ensure_store, is_storable

    paths = data_paths(data)
    if not is_storable(paths):
        return None
    with _LazySteps() as step:
        return ensure_store(paths, base_iri=base_iri, cache_dir=store_dir(), shacl=shacl, on_step=step)


def load_model(data: tuple[str, ...], base_iri: str | None = None):
    """The model of DATA: from the compiled store when DATA is YAML, else loaded directly."""
    store = compiled_store(data, base_iri)
    if store is None:
        from .. import api

        return api.load(data_paths(data))
    return store.model()


class _LazySteps:
    """build_steps that only appears once a step starts (a fresh store shows nothing)."""

    STEPS = ("parse", "rdf", "store", "shacl")

    def __init__(self):
        self._context = None
        self._step = None

    def __call__(self, name: str) -> None:
        if self._step is None:
            from ..progress import build_steps

            self._context = build_steps(self.STEPS, quiet=not is_interactive())
            self._step = self._context.__enter__()
        self._step(name)

    def __enter__(self) -> _LazySteps:
        return self

    def __exit__(self, *exc) -> None:
        if self._context is not None:
            self._context.__exit__(*exc)
