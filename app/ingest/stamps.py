"""The common shapes of a time stamp at the start of a log line.

Each shape is a compiled regex plus a function turning its match into stored
UTC text through a ``Clock``. The generic and application formats try them in
order (the one that matched last first), so odd files still land on a timeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.ingest.clock import MONTHS, BadTime, Clock, ms3, parse_offset

Match = re.Match[str]


@dataclass(frozen=True)
class Shape:
    name: str
    regex: re.Pattern[str]
    convert: Callable[[Match, Clock, bool], str]  # (match, clock, dayfirst) -> ts


def _hms(m: Match, clock: Clock, y: int, mo: int, d: int, h: int, mi: int, s: str, frac: str | None,
         off: str | None) -> str:
    minutes = parse_offset(off)
    if minutes is None:
        return clock.local(y, mo, d, h, mi, s, ms3(frac))
    return clock.offset(y, mo, d, h, mi, s, ms3(frac), minutes)


def _iso(m: Match, c: Clock, _df: bool) -> str:
    g = m.groups()
    return _hms(m, c, int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), g[5], g[6], g[7])


def _ymd_short(m: Match, c: Clock, _df: bool) -> str:
    g = m.groups()
    return c.local(2000 + int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), g[5], ms3(g[6]))


def _numeric_date(m: Match, c: Clock, dayfirst: bool) -> str:
    a, sep, b, y, h, mi, s, frac, ampm = m.groups()
    first, second = int(a), int(b)
    if sep == "." or first > 12 or (dayfirst and second <= 12):
        day, month = first, second
    else:
        month, day = first, second
    hour = int(h)
    if ampm:
        pm = ampm.lower() == "pm"
        hour = (hour % 12) + (12 if pm else 0)
    return c.local(int(y), month, day, hour, int(mi), s.zfill(2), ms3(frac))


def _syslog(m: Match, c: Clock, _df: bool) -> str:
    mon, d, h, mi, s, frac, y = m.groups()
    month = MONTHS.get(mon)
    if month is None:
        raise BadTime(f"unknown month {mon!r}")
    day = int(d)
    year = int(y) if y else c.guess_year(month, day)
    return c.local(year, month, day, int(h), int(mi), s, ms3(frac))


def _ctime(m: Match, c: Clock, _df: bool) -> str:
    mon, d, h, mi, s, frac, y = m.groups()
    month = MONTHS.get(mon)
    if month is None:
        raise BadTime(f"unknown month {mon!r}")
    return c.local(int(y), month, int(d), int(h), int(mi), s, ms3(frac))


def _clf(m: Match, c: Clock, _df: bool) -> str:
    d, mon, y, h, mi, s, frac, off = m.groups()
    month = MONTHS.get(mon)
    if month is None:
        raise BadTime(f"unknown month {mon!r}")
    return _hms(m, c, int(y), month, int(d), int(h), int(mi), s, frac, off)


def _dmy_name(m: Match, c: Clock, _df: bool) -> str:
    d, mon, y, h, mi, s, frac = m.groups()
    month = MONTHS.get(mon[:3])
    if month is None:
        raise BadTime(f"unknown month {mon!r}")
    return c.local(int(y), month, int(d), int(h), int(mi), s, ms3(frac))


def _compact(m: Match, c: Clock, _df: bool) -> str:
    g = m.groups()
    return c.local(int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), g[5], ms3(g[6]))


def _yearless_md(m: Match, c: Clock, _df: bool) -> str:
    mo, d, h, mi, s, frac = m.groups()
    month, day = int(mo), int(d)
    return c.local(c.guess_year(month, day), month, day, int(h), int(mi), s, ms3(frac))


def _epoch(m: Match, c: Clock, _df: bool) -> str:
    whole, frac = m.groups()
    if len(whole) == 13:
        return c.epoch(int(whole) / 1000)
    return c.epoch(float(f"{whole}.{frac or 0}"))


_FRAC = r"(?:[.,:](\d{1,9}))?"
_OFF = r"\s?(Z|[+-]\d\d:?\d\d|UTC|GMT)?"
SHAPES: tuple[Shape, ...] = (
    Shape("iso", re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)" + r"(?:[.,](\d{1,9}))?" + _OFF
                            + r"(?![\d])"), _iso),
    Shape("ymd-slash", re.compile(r"(\d{4})/(\d\d)/(\d\d)[ T-](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?" + _OFF),
          _iso),
    Shape("yy/mm/dd", re.compile(r"(\d\d)/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(?!\d)"), _ymd_short),
    Shape("numeric-date", re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})[ T,]+(\d{1,2}):(\d\d):(\d\d)"
                                     r"(?:[.,](\d{1,9}))?(?:\s?([AaPp][Mm]))?"), _numeric_date),
    Shape("ctime", re.compile(r"(?:[A-Z][a-z]{2},? )([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)"
                              r"(?:\.(\d{1,9}))? (\d{4})"), _ctime),
    Shape("syslog", re.compile(r"([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?"
                               r"(?: (\d{4})(?= ))?"), _syslog),
    Shape("clf", re.compile(r"(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?: ([+-]\d{4}))?"), _clf),
    Shape("d-mon-y", re.compile(r"(\d{1,2})[ -]([A-Z][a-z]{2,8})[ -](\d{4})[ :T](\d\d):(\d\d):(\d\d)"
                                r"(?:[.,](\d{1,9}))?"), _dmy_name),
    Shape("compact", re.compile(r"(\d{4})(\d\d)(\d\d)[-T ]?(\d\d):?(\d\d):?(\d\d)" + _FRAC + r"(?!\d)"), _compact),
    Shape("yymmdd", re.compile(r"(\d\d)(\d\d)(\d\d) (\d\d)(\d\d)(\d\d)()(?!\d)"), _ymd_short),
    Shape("mm-dd", re.compile(r"(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?"), _yearless_md),
    Shape("epoch", re.compile(r"(1[0-9]{9}(?:[0-9]{3})?)(?:\.(\d{1,9}))?(?![\d])"), _epoch),
)
BY_NAME = {s.name: s for s in SHAPES}
_LEAD = re.compile(r"[\[\(<\s]*")


class StampReader:
    """Finds a time stamp near the start of a line, remembering the shape that worked."""

    def __init__(self, clock: Clock, dayfirst: bool = False, order: tuple[Shape, ...] = SHAPES) -> None:
        self.clock = clock
        self.dayfirst = dayfirst
        self.order = list(order)

    def read(self, text: str) -> tuple[str, int] | None:
        """``(ts, end index)`` or None when no shape matches at the start; raises BadTime."""
        start = _LEAD.match(text).end()  # type: ignore[union-attr]
        for i, shape in enumerate(self.order):
            m = shape.regex.match(text, start)
            if m is not None:
                ts = shape.convert(m, self.clock, self.dayfirst)
                if i:
                    self.order.insert(0, self.order.pop(i))
                return ts, m.end()
        return None


def first_shape(text: str) -> Shape | None:
    start = _LEAD.match(text).end()  # type: ignore[union-attr]
    for shape in SHAPES:
        if shape.regex.match(text, start):
            return shape
    return None
