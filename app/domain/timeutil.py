"""Time in one shape: UTC ISO-8601 text with milliseconds and a ``Z``.

Stored text sorts in time order, which the store's indexes rely on; display
converts to the user's zone at the last moment.
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC
RANGE_TEXT = "times must fall between 0001-01-01 and 9999-12-31 in UTC"


def local_zone() -> dt.tzinfo:
    """The workstation's zone."""
    zone = dt.datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def get_zone(name: str | None) -> dt.tzinfo:
    """A zone from an IANA name, ``UTC``, or the workstation's zone when ``None``."""
    if not name or name.lower() == "local":
        return local_zone()
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Europe/London") from None


def to_iso(moment: dt.datetime) -> str:
    """Aware datetime -> stored text, e.g. ``2026-11-30T05:18:28.000Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime; attach a zone before storing")
    try:
        u = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"time {moment.isoformat()} is out of range: {RANGE_TEXT}") from None
    return u.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"  # always a 4-digit year: sorts as time


def from_iso(text: str) -> dt.datetime:
    """Stored text -> aware UTC datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def now_iso() -> str:
    return to_iso(dt.datetime.now(UTC))


ISO_DISPLAY = "%Y-%m-%d %H:%M:%S"
_thread = threading.local()


def set_display_format(fmt: str | None) -> None:
    """The default format of ``display`` on the calling thread; ``None`` restores ISO.

    The window sets the user's date-format preference on the GUI thread only, so
    what is on screen follows it while files written by workers (CSV, Excel) and
    the CLI keep the unambiguous ISO form.
    """
    _thread.fmt = fmt


def display_format() -> str:
    return getattr(_thread, "fmt", None) or ISO_DISPLAY


def display(text: str | None, zone: dt.tzinfo, fmt: str | None = None) -> str:
    """Stored text -> the user's zone; ``fmt`` defaults to this thread's ``display_format()``."""
    if not text:
        return ""
    local = from_iso(text).astimezone(zone)
    fmt = fmt or display_format()
    if local.year < 1000:  # the C library writes year 999 as "999"; keep four digits as stored
        fmt = fmt.replace("%Y", f"{local.year:04d}")
    return local.strftime(fmt)


def parse_user_time(text: str, zone: dt.tzinfo, now: dt.datetime | None = None) -> dt.datetime:
    """Read a time a person typed: ISO date/time, or a relative ``15m``/``2h``/``7d``/``1w`` ago.

    A zone-less value is read in ``zone``.
    """
    t = text.strip()
    now = now or dt.datetime.now(UTC)
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    if len(t) >= 2 and t[:-1].isdigit() and t[-1].lower() in units:
        try:
            return now - dt.timedelta(seconds=int(t[:-1]) * units[t[-1].lower()])
        except OverflowError:  # 3000000d ago is before year 1
            raise ValueError(f"time {text!r} reaches back before year 1; {RANGE_TEXT}") from None
    if t.lower() == "now":
        return now
    if t.lower() == "today":
        local = now.astimezone(zone)
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        value = dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"cannot read time {text!r}; use ISO form (2026-11-30 or 2026-11-30T14:05) or 15m/2h/7d"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    try:
        value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        raise ValueError(f"time {text!r} is out of range: {RANGE_TEXT}") from None
    return value
