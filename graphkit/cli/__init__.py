"""The command line: parse arguments, call the library, print. Nothing else.

Each feature keeps its commands in a module of this package that lists them in COMMANDS
(and PUSH_COMMANDS for `graphkit push ...`). Library imports happen inside the commands, so
`graphkit --help` starts fast.
"""
from __future__ import annotations

import importlib
import sys

import click

from .. import __version__
from .common import GraphkitGroup

COMMAND_MODULES = ("build", "sparql", "cypher", "page", "data", "time", "resolve", "serve")


@click.group(cls=GraphkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="graphkit")
@click.option("--store", "store_dir", envvar="GRAPHKIT_STORE_DIR", metavar="DIR", type=click.Path(file_okay=False),
              help="Cache folder of the compiled store (default: .graphkit/ beside the data; env GRAPHKIT_STORE_DIR).")
def main(store_dir) -> None:
    """graphkit: a knowledge graph of the AI industry.

    Facts are authored as YAML in seed_data/; graphkit validates them, builds RDF and a
    property graph, answers SPARQL and Cypher, and writes exports and an interactive page.
    """


@main.group()
def push() -> None:
    """Send the built graph to a server (SPARQL store or Neo4j)."""


for _name in COMMAND_MODULES:
    _module = importlib.import_module(f"{__name__}.{_name}")
    for _command in getattr(_module, "COMMANDS", ()):
        main.add_command(_command)
    for _command in getattr(_module, "PUSH_COMMANDS", ()):
        push.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
