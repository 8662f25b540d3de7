"""What every command shares: error handling, data options, output helpers."""
from __future__ import annotations

import sys

import click


class GraphkitGroup(click.Group):
    """Turns library errors into a clear message on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        from ..errors import GraphkitError

        try:
            return super().invoke(ctx)
        except GraphkitError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


def data_option(func):
    """-d/--data: YAML directories/files or graphkit Turtle files to load (default seed_data/)."""
    return click.option("-d", "--data", "data", multiple=True, type=click.Path(),
                        help="YAML file or directory, or a graphkit Turtle file (repeatable; default: seed_data).")(func)


def base_iri_option(func):
    from_default = "https://w3id.org/graphkit/"
    return click.option("--base-iri", default=from_default, show_default=True,
                        help="Base IRI of entities, sources and statements.")(func)


def data_paths(data: tuple[str, ...]) -> list[str]:
    return list(data) or ["seed_data"]


def is_interactive() -> bool:
    return sys.stderr.isatty()
