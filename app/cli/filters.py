"""The filter options every listing, chart and report command shares.

They map one-to-one onto ``app.domain.filters.Filter`` fields, and ``--view``
loads a saved view (the same JSON the GUI saves), so a filter can move between
the window and scripts unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from app.domain.filters import WEEKDAYS, Filter
from app.domain.text_search import slashed_regex
from app.domain.vocab import LOG_TYPES, SEVERITIES, STATUSES

F = TypeVar("F", bound=Callable[..., Any])
WEEKDAY_NAMES = tuple(day.lower() for day in WEEKDAYS)

_OPTIONS: list[Callable[[F], F]] = [
    click.option("--type", "log_types", multiple=True, type=click.Choice(LOG_TYPES), help="Log type (repeatable)."),
    click.option("--severity", "severities", multiple=True, type=click.Choice(SEVERITIES),
                 help="Exact severity (repeatable)."),
    click.option("--min-severity", type=click.Choice(SEVERITIES), help="This severity or worse."),
    click.option("--since", metavar="TIME", help="From TIME: ISO date/time in --tz, or 15m, 24h, 7d, 30d ago."),
    click.option("--until", metavar="TIME", help="Before TIME (same forms as --since)."),
    click.option("--host", "hosts", multiple=True, help="Host name (repeatable)."),
    click.option("--component", "components", multiple=True, help="Component or process (repeatable)."),
    click.option("--client", "clients", multiple=True, help="BPO client (repeatable)."),
    click.option("--site", "sites", multiple=True, help="Site (repeatable)."),
    click.option("--hour", "hours", multiple=True, type=click.IntRange(0, 23),
                 help="Local hour of day 0-23 in --tz (repeatable): 4 means 04:00-05:00."),
    click.option("--weekday", "weekdays", multiple=True, type=click.Choice(WEEKDAY_NAMES, case_sensitive=False),
                 help="Local weekday in --tz (repeatable)."),
    click.option("--search", metavar="TEXT",
                 help='Find TEXT as typed (its words in order: 10.20.30.40, C:\\Temp, can\'t); the query syntax '
                      '(AND/OR/NOT, "phrases", prefix*, parentheses) applies when TEXT uses it. /PATTERN/ is a regex.'),
    click.option("--regex", metavar="PATTERN",
                 help="Python regular expression the message or raw line must match (incidents: title or "
                      "description), tested on the rows the other options leave; (?i) ignores case."),
    click.option("--include", multiple=True, metavar="TEXT",
                 help="Message must contain the words of TEXT, in order (whole words, any case; repeatable)."),
    click.option("--exclude", multiple=True, metavar="TEXT",
                 help="Message must not contain the words of TEXT (whole words, any case; repeatable)."),
    click.option("--message-like", "pattern", metavar="PATTERN",
                 help='A masked message as the top-messages chart shows it ("Call <n> dropped: timeout after '
                      '<n> s"): events whose message masks to exactly PATTERN (not used for incidents).'),
    click.option("--pattern", "pattern_id", type=int, metavar="ID",
                 help="A mined pattern's id (issue-ledger patterns): that pattern's events (not used for incidents)."),
    click.option("--view", "view_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="Start from a saved view (JSON exported from the window); options add to it."),
]

_INCIDENT_OPTIONS: list[Callable[[F], F]] = [
    click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="Status (repeatable)."),
    click.option("--priority", "priorities", multiple=True, type=click.IntRange(1, 4),
                 help="Priority 1-4 (repeatable)."),
]


def filter_options(func: F) -> F:
    """Decorate a command with the shared event filter options."""
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def incident_filter_options(func: F) -> F:
    """The shared options plus status and priority."""
    for option in reversed(_OPTIONS + _INCIDENT_OPTIONS):
        func = option(func)
    return func


def load_view(path: Path) -> Filter:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise click.BadParameter(f"{path}: cannot read saved view: {exc}", param_hint="--view") from None
    if isinstance(data, dict) and "filter" in data:
        data = data["filter"]
    try:
        return Filter.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--view") from None


def build_filter(kwargs: dict[str, Any]) -> Filter:
    """Pop the filter options out of a command's kwargs and make a Filter of them.

    ``--search /PATTERN/`` is the regex written the way the window's search box takes it.
    """
    view_file = kwargs.pop("view_file", None)
    base = load_view(view_file) if view_file else Filter()
    pattern = slashed_regex(kwargs.get("search") or "")
    if pattern is not None:
        if kwargs.get("regex"):
            raise click.UsageError("give the regex once: --search /PATTERN/ or --regex PATTERN")
        kwargs["search"], kwargs["regex"] = None, pattern
    if kwargs.get("weekdays"):
        kwargs["weekdays"] = tuple(WEEKDAY_NAMES.index(d.lower()) for d in kwargs["weekdays"])
    names = ("log_types", "severities", "min_severity", "since", "until", "hosts", "components", "clients",
             "sites", "hours", "weekdays", "search", "include", "exclude", "statuses", "priorities", "regex", "pattern",
             "pattern_id")
    changes: dict[str, Any] = {}
    for name in names:
        if name not in kwargs:
            continue
        value = kwargs.pop(name)
        if value in (None, (), ""):
            continue
        current = getattr(base, name)
        changes[name] = tuple(current) + tuple(value) if isinstance(value, tuple) else value
    try:
        f = base.replace(**changes)
        f.time_bounds(_zone())  # an unreadable or out-of-range --since/--until is a usage error, before any work
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    return f


def _zone() -> Any:
    """The command's --tz zone (UTC outside a command)."""
    from app.cli.context import CliContext
    from app.domain.timeutil import UTC

    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(CliContext) if ctx is not None else None
    return obj.zone if obj is not None else UTC


def tell_search_note(f: Filter, kind: str) -> None:
    """On stderr, how the search was read when it is not what was typed (syntax searched as plain text)."""
    from app.store.text_search import search_note

    note = search_note(f.search, kind)
    if note:
        click.echo(f"note: {note}", err=True)
