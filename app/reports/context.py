"""What every sheet writer shares: the snapshot being exported and local-time conversion.

Excel datetimes carry no zone, so every time is written as the user's local
wall-clock time and each sheet's header names the zone. Conversion is cached
per UTC minute, which keeps it cheap for a million event rows and stays exact
across daylight-saving changes (zones change offset on whole minutes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.domain.filters import Filter
from app.domain.jobs import Progress
from app.store.database import Database

EXCEL_MAX_ROWS = 1_048_576


class LocalTimes:
    """Stored UTC text -> naive local datetime in one zone (``None`` stays ``None``)."""

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone
        self._offsets: dict[str, dt.timedelta] = {}

    def __call__(self, text: str | None) -> dt.datetime | None:
        if not text:
            return None
        key = text[:16]
        offset = self._offsets.get(key)
        if offset is None:
            moment = dt.datetime.fromisoformat(key + ":00+00:00")
            offset = moment.astimezone(self.zone).utcoffset() or dt.timedelta(0)
            self._offsets[key] = offset
        if len(text) >= 23 and text[10] == "T":
            return dt.datetime.fromisoformat(text[:23]) + offset
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None) + offset


def zone_key(zone: dt.tzinfo, at: dt.datetime) -> str:
    """A zone's short name for headings: its IANA key when known ("Asia/Manila"), else "UTC" or its abbreviation."""
    key = getattr(zone, "key", None) or at.astimezone(zone).tzname() or "local"
    return "UTC" if key in ("UTC", "UTC+00:00", "Etc/UTC") else key


def zone_name(zone: dt.tzinfo, at: dt.datetime) -> str:
    """A zone as a reader will recognise it: its short name with the UTC offset, or just "UTC"."""
    key = zone_key(zone, at)
    offset = at.astimezone(zone).strftime("%z")
    if key.startswith("UTC") or not offset:  # "UTC", or a fixed offset already named by it
        return key
    return f"{key} (UTC{offset[:3]}:{offset[3:]})"


@dataclass(frozen=True)
class PageText:
    """What every printed page of the report carries in its header and footer."""

    title: str
    period: str
    chain_head: str


@dataclass
class ReportContext:
    """One export: where the data comes from, what it covers and how to report progress."""

    db: Database
    filter: Filter
    zone: dt.tzinfo
    now: dt.datetime
    actor: str
    include_events: bool = True
    max_rows_per_sheet: int = EXCEL_MAX_ROWS
    progress: Progress = field(default_factory=Progress)
    local: LocalTimes = field(init=False)
    notes: dict[str, Any] = field(default_factory=dict)  # for the Summary: checkpoint result, events sheets
    page: PageText = PageText("Issue Ledger audit report", "", "")  # set once the facts are gathered

    def __post_init__(self) -> None:
        self.local = LocalTimes(self.zone)

    @property
    def zone_label(self) -> str:
        return zone_name(self.zone, self.now)

    @property
    def zone_key(self) -> str:
        return zone_key(self.zone, self.now)

    def time_header(self, name: str) -> str:
        """A column heading for a time column, naming the zone: "Opened (Asia/Manila)"."""
        return f"{name} ({self.zone_key})"

