"""The shape of a stored event row, named once for the importer and the store.

The import loop builds plain tuples in this order (a NamedTuple instance costs
more to build and to pickle to the parsing process); it reaches into them by the
index constants below, and the store's column list is these field names.
"""

from __future__ import annotations

from typing import NamedTuple


class EventRow(NamedTuple):
    """One event as the ``events`` table takes it (the order of ``EVENT_COLUMNS``)."""

    ts: str
    severity: int
    log_type: str
    raw_level: str | None
    host: str | None
    component: str | None
    pid: int | None
    event_code: str | None
    message: str
    raw: str
    client: str | None
    site: str | None
    import_id: int
    line_no: int
    flags: int


EVENT_COLUMNS: tuple[str, ...] = EventRow._fields
TS = EVENT_COLUMNS.index("ts")
SEVERITY = EVENT_COLUMNS.index("severity")
MESSAGE = EVENT_COLUMNS.index("message")
RAW = EVENT_COLUMNS.index("raw")
FLAGS = EVENT_COLUMNS.index("flags")
