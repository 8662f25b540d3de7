"""The filter options of rank, path, stats and communities (see graphkit.filters)."""
from __future__ import annotations

import click


def filter_options(*, with_class: bool = True):
    """--class, --without-class, --relation, --status, --origin, --market (each repeatable)."""
    def decorate(func):
        options = [
            click.option("--market", "markets", multiple=True, metavar="MARKET",
                         help="Only facts in this market (its `market`, or the market is one end; repeatable)."),
            click.option("--origin", "origins", multiple=True, metavar="ORIGIN",
                         help="Only facts of this origin: curated, imported, or a dataset (epoch, ecosystem, "
                              "leaderboard, devices, qualcomm, gsmarena; repeatable)."),
            click.option("--status", "statuses", multiple=True, metavar="STATUS",
                         help="Only facts with this status (confirmed, reported, ...; repeatable)."),
            click.option("--relation", "relations", multiple=True, metavar="RELATION",
                         help="Only facts of this relation or its sub-relations (repeatable)."),
            click.option("--without-class", "without_classes", multiple=True, metavar="CLASS",
                         help="Leave out entities of this class and their facts (repeatable)."),
        ]
        if with_class:
            options.append(click.option("--class", "classes", multiple=True, metavar="CLASS",
                                        help="Only entities of this class (and sub-classes; repeatable)."))
        for option in options:
            func = option(func)
        return func
    return decorate


def ids_option(func):
    return click.option("--ids", "show_ids", is_flag=True,
                        help="Show entity and source ids beside the names.")(func)


def make_filter(classes=(), without_classes=(), relations=(), statuses=(), origins=(), markets=()):
    from ..filters import Filter

    return Filter(classes=tuple(classes), without_classes=tuple(without_classes), relations=tuple(relations),
                  statuses=tuple(statuses), origins=tuple(origins), markets=tuple(markets))


def apply_filter(graph, view_filter):
    """The filtered view, or a usage error naming every bad value."""
    from ..errors import GraphkitError

    try:
        return view_filter.apply(graph)
    except GraphkitError as exc:
        raise click.UsageError(str(exc)) from None
