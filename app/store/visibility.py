"""Which events a reader may see: none of an import that is still running.

A long import commits its events in short steps (so other writers wait a second,
not the whole import), yet it must appear whole or not at all. Imports write one
at a time, so a running import's events are exactly those from the id it started
at (``first_event`` in its options) upward; every read of events adds
``visible(alias)``, a test of the row id against that bound. The row id is in
every index, so the test never costs a row lookup, and the unary ``+`` keeps the
planner from choosing a rowid range scan over the filter's own index.
"""

from __future__ import annotations

HIDDEN_FROM = ("(SELECT coalesce(min(json_extract(options, '$.first_event')), 9223372036854775807)"
               " FROM imports WHERE status = 'running')")


def visible(alias: str = "") -> str:
    """The condition "this event belongs to no running import", for table alias ``alias`` (or none)."""
    column = f"{alias}.id" if alias else "id"
    return f"+{column} < {HIDDEN_FROM}"
