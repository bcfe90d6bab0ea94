"""Date cells, with the day/month order decided from the whole column, never one cell.

``29/2/2016 01:16`` settles a column as day-first; ``2/29/2016`` as month-first. A
column where every value fits both is ambiguous: it is read in the order the
profile or ``--date-order`` names (day-first by default) and the plan says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from app.domain import timeutil
from app.ingest.incidents.values import ValueProblem, is_missing

ORDERS = ("dmy", "mdy", "ymd")
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"), start=1)}
_SHAPE = re.compile(
    r"^\s*(\d{1,4})[/.\-](\d{1,2}|[A-Za-z]{3,9})[/.\-](\d{2,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*([AaPp][Mm])?)?\s*$"
)
_NAMED = re.compile(  # "Mar 12, 2024 3:15 PM"
    r"^\s*([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*$")


class Decision:
    """The order chosen for one column and why (shown in the dry run)."""

    def __init__(self, order: str, note: str = "") -> None:
        self.order = order
        self.note = note


def decide(values: Iterable[Any], preferred: str | None = None, lines: Sequence[int] | None = None) -> Decision:
    """Look at every value of the column and pick the day/month order.

    A column holding both a day above 12 and a month above 12 fits no one order: with ``preferred`` (the
    user's ``--date-order``) it is read that way and the values that do not fit are rejected, each with its
    line; without, the message names the first line of each kind (``lines`` gives each value's line).
    """
    day_first: tuple[int, Any] | None = None  # (line, value) of the first value with a day above 12
    month_first: tuple[int, Any] | None = None
    numeric = 0
    for n, v in enumerate(values):
        if is_missing(v) or isinstance(v, (dt.datetime, dt.date)):
            continue
        m = _SHAPE.match(str(v))
        if not m or len(m.group(1)) == 4 or not m.group(2).isdigit():
            continue
        numeric += 1
        a, b = int(m.group(1)), int(m.group(2))
        line = lines[n] if lines is not None and n < len(lines) else n + 1
        if day_first is None and a > 12 >= b:  # a value that fits neither order is rejected later, not counted
            day_first = (line, v)
        if month_first is None and b > 12 >= a:
            month_first = (line, v)
    if day_first and month_first:
        if preferred in ("dmy", "mdy"):
            shape, other = ("day/month", month_first) if preferred == "dmy" else ("month/day", day_first)
            return Decision(preferred, f"mixed orders, read as {shape} as asked; values that do not fit "
                                       f"(first: line {other[0]}, {str(other[1])!r}) are rejected")
        raise ValueProblem(f"the column mixes day/month (line {day_first[0]}: {str(day_first[1])!r}) and "
                           f"month/day (line {month_first[0]}: {str(month_first[1])!r}) dates")
    if day_first:
        return Decision("dmy", "day/month (a value has a day above 12)")
    if month_first:
        return Decision("mdy", "month/day (a value has a day above 12)")
    order = preferred or "dmy"
    if numeric:
        reading = "day/month" if order == "dmy" else "month/day"
        return Decision(order, f"ambiguous, every value fits both; read as {reading}")
    return Decision(order)


def _month(text: str) -> int:
    key = text[:3].lower()
    if key not in MONTHS:
        raise ValueError(text)
    return MONTHS[key]


def _hour(h: str | None, ampm: str | None) -> int:
    hour = int(h or 0)
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(h)
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    return hour


def parse(value: Any, order: str, zone: dt.tzinfo) -> str:
    """Stored UTC text for one cell; zone-less values are read in ``zone``."""
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        return timeutil.to_iso(moment)
    if isinstance(value, dt.date):
        return timeutil.to_iso(dt.datetime.combine(value, dt.time(), zone))
    text = str(value).strip()
    try:
        m = _SHAPE.match(text)
        if m:
            g = m.groups()
            if len(g[0]) == 4:
                y, mo, d = int(g[0]), int(g[1]) if g[1].isdigit() else _month(g[1]), int(g[2])
            elif not g[1].isdigit():
                d, mo, y = int(g[0]), _month(g[1]), int(g[2])
            elif order == "mdy":
                mo, d, y = int(g[0]), int(g[1]), int(g[2])
            else:
                d, mo, y = int(g[0]), int(g[1]), int(g[2])
            if y < 100:
                y += 2000
            micro = int((g[6] or "0").ljust(6, "0")[:6])
            moment = dt.datetime(y, mo, d, _hour(g[3], g[7]), int(g[4] or 0), int(g[5] or 0), micro, zone)
            return timeutil.to_iso(moment)
        m = _NAMED.match(text)
        if m:
            g = m.groups()
            moment = dt.datetime(int(g[2]), _month(g[0]), int(g[1]), _hour(g[3], g[6]), int(g[4] or 0),
                                 int(g[5] or 0), 0, zone)
            return timeutil.to_iso(moment)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return timeutil.to_iso(parsed if parsed.tzinfo else parsed.replace(tzinfo=zone))
    except ValueError:
        shape = {"dmy": "day/month/year", "mdy": "month/day/year"}.get(order, "year-month-day")
        raise ValueProblem(f"{text!r} is not a date and time (column read as {shape})") from None
