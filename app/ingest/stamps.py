"""The common shapes of a log time stamp, wherever it stands near the start of a line.

Each shape is a compiled regex with named groups plus a converter that turns a
match into stored UTC text through a ``Clock``. ``StampReader`` reads a stamp at
the start of a text (after brackets and blanks); ``find`` looks for one anywhere
in a line's first ``WINDOW`` characters, which is what a per-file layout
(``app/ingest/layout.py``) learns from.

Time fields may be unpadded (``23:58:0:117``) and fractions of any length, so
a line whose stamp differs from its neighbours only in padding or precision
still reads as an event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from app.ingest.clock import MONTHS, BadTime, Clock, ms3, parse_offset

Match = re.Match[str]
WINDOW = 128  # a stamp must start within this many characters of the line's start (as Splunk does)
EPOCH_RANGE = (631_152_000, 4_102_444_800)  # 1990-01-01 .. 2100-01-01: a bare number outside is no time
TAI64_BASE = (1 << 62) + 10  # TAI64 label of 1970-01-01 UTC (TAI was 10 s ahead in 1972)


@dataclass(frozen=True)
class Shape:
    name: str
    regex: re.Pattern[str]
    convert: Callable[[Match, Clock, bool], str]  # (match, clock, dayfirst) -> ts
    yearless: bool = False
    letter_start: bool = False  # starts with a letter (a month or day name), not a digit

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled by name: parsers travel to the parsing process, converters are module functions."""
        return (_by_name, (self.name,))


def _by_name(name: str) -> Shape:
    return BY_NAME[name]


def _month(g: dict[str, str | None]) -> int:
    if g.get("mo"):
        return int(g["mo"])  # type: ignore[arg-type]
    name = g.get("mon") or ""
    month = MONTHS.get(name[:3].lower())
    if month is None:
        raise BadTime(f"unknown month {name!r}")
    return month


def _hour(g: dict[str, str | None]) -> int:
    hour = int(g["H"])  # type: ignore[arg-type]
    ampm = g.get("ampm")
    if ampm:
        hour = (hour % 12) + (12 if ampm[0] in "Pp" else 0)
    return hour


def _finish(c: Clock, y: int, mo: int, d: int, g: dict[str, str | None]) -> str:
    sec = (g.get("S") or "0").zfill(2)
    off = g.get("off")
    minutes = parse_offset(off) if off and (off[0] in "+-" or off.upper() in _UTC_NAMES) else None
    if minutes is None:
        return c.local(y, mo, d, _hour(g), int(g["M"]), sec, ms3(g.get("f")))  # type: ignore[arg-type]
    return c.offset(y, mo, d, _hour(g), int(g["M"]), sec, ms3(g.get("f")), minutes)  # type: ignore[arg-type]


def _named(m: Match, c: Clock, _df: bool) -> str:
    """Any shape whose groups are named Y or y, mo or mon, d, H, M, S, f, ampm, off."""
    g = m.groupdict()
    mo = _month(g)
    d = int(g["d"])  # type: ignore[arg-type]
    if g.get("Y"):
        y = int(g["Y"])  # type: ignore[arg-type]
    elif g.get("y"):
        y = 2000 + int(g["y"])  # type: ignore[arg-type]
    else:
        y = c.guess_year(mo, d)
    return _finish(c, y, mo, d, g)


def _ordinal(m: Match, c: Clock, _df: bool) -> str:
    """ISO 8601 ordinal dates: ``2012-025T10:22:40`` is the 25th day of 2012."""
    g = m.groupdict()
    y, yd = int(g["Y"]), int(g["yd"])  # type: ignore[arg-type]
    try:
        day = dt.date(y, 1, 1) + dt.timedelta(days=yd - 1)
    except (ValueError, OverflowError):
        raise BadTime(f"no such day {yd} of {y}") from None
    if day.year != y or yd < 1:
        raise BadTime(f"no such day {yd} of {y}")
    return _finish(c, y, day.month, day.day, g)


def _numeric_date(m: Match, c: Clock, dayfirst: bool) -> str:
    """``a/b/YYYY``: day-first when the file says so, when ``a`` is above 12, or with dots (European)."""
    g = m.groupdict()
    first, second = int(g["a"]), int(g["b"])  # type: ignore[arg-type]
    if g["sep"] == "." or first > 12 or (dayfirst and second <= 12):
        day, month = first, second
    else:
        month, day = first, second
    return _finish(c, int(g["Y"]), month, day, g)  # type: ignore[arg-type]


def _epoch(m: Match, c: Clock, _df: bool) -> str:
    whole, frac = m.group("e"), m.group("f")
    digits = len(whole)
    scale = 0 if digits <= 10 else 3 if digits <= 13 else 6 if digits <= 16 else 9
    value = int(whole) / 10 ** scale if scale else float(f"{whole}.{frac or 0}")
    if not EPOCH_RANGE[0] <= value < EPOCH_RANGE[1]:
        raise BadTime(f"epoch {whole} outside 1990-2100")
    return c.epoch(value)


def _no_date(m: Match, c: Clock, _df: bool) -> str:
    raise BadTime("a time of day without a date")


def _tai64n(m: Match, c: Clock, _df: bool) -> str:
    seconds = int(m.group("tai"), 16) - TAI64_BASE
    return c.epoch(seconds + int(m.group("nano"), 16) / 1e9)


_F = r"(?:[.,:](?P<f>\d{1,9}))?"  # a fraction of any precision (``:`` too: ``22:15:29:606``)
_OFF = r"(?:\s?(?P<off>Z|[+-]\d\d(?::?\d\d)?|UTC|GMT)(?![\w:]))?"
_HMS = r"(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]?\d):(?P<S>[0-5]?\d|60)"
_HMS2 = r"(?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d):(?P<S>[0-5]\d|60)"
_MON = r"(?P<mon>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?)"
_AMPM = r"(?:\s?(?P<ampm>[AaPp][Mm]))?"
_END = r"(?![\d])"
_UTC_NAMES = {"Z", "UTC", "GMT"}  # other zone abbreviations are ambiguous (IST, CST): read in the import's zone


def _shape(name: str, pattern: str, convert: Callable[[Match, Clock, bool], str] = _named,
           yearless: bool = False, letter_start: bool = False) -> Shape:
    return Shape(name, re.compile(pattern, re.IGNORECASE if "mon>" in pattern else 0), convert, yearless,
                 letter_start)


SHAPES: tuple[Shape, ...] = (
    # ISO 8601 and its variants: T or space, any fraction, offsets, Z; DB2's 2026-12-02-14.05.09.123456.
    _shape("iso", r"(?P<Y>\d{4})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?:T|\s{1,8}|\"\s+\")" + _HMS + _F + _OFF + _END),
    _shape("iso-ordinal", r"(?P<Y>\d{4})-(?P<yd>[0-3]\d\d)(?:T|\s)" + _HMS + _F + _OFF + _END, _ordinal),
    _shape("iso-dashed", r"(?P<Y>\d{4})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)-(?P<H>[01]\d|2[0-3])\.(?P<M>[0-5]\d)\."
           r"(?P<S>[0-5]\d)(?:\.(?P<f>\d{1,9}))?" + _END),
    _shape("ymd", r"(?P<Y>\d{4})(?P<sep>[/.])(?P<mo>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)(?:[ T-]|:|\s{2})" + _HMS + _F
           + _AMPM + _OFF + _END),
    _shape("numeric-date", r"(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<Y>\d{4})(?:[ T:,]+|\s-\s)"
           + _HMS + _F + _AMPM + _OFF + _END, _numeric_date),
    _shape("yy/mm/dd", r"(?P<y>\d\d)/(?P<mo>[01]\d)/(?P<d>[0-3]\d) " + _HMS + _F + _END),
    # Names: ctime and RFC 2822 (``Wed Dec  2 14:05:09 2026``, ``Wed, 02 Dec 2026 14:05:09 +0000``).
    _shape("ctime", r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)" + _MON + r"\s{1,2}(?P<d>\d{1,2})\s+" + _HMS
           + _F + r"(?:\s+(?P<off>[A-Z]{3,4}|[+-]\d{4}))??\s+(?P<Y>\d{4})" + _END, letter_start=True),
    _shape("clf", r"(?P<d>[0-3]?\d)/" + _MON + r"/(?P<Y>\d{4}):" + _HMS2 + _F + r"(?:\s?(?P<off>[+-]\d{4}|Z))?"),
    _shape("d-mon-y", r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(?P<d>[0-3]?\d)[ -]" + _MON
           + r"[ -](?P<Y>\d{4})(?:[ :T]|,\s)" + _HMS + _F + _AMPM + _OFF + _END),
    _shape("mon-d-y", _MON + r"\s{1,2}(?P<d>[0-3]?\d),?\s+(?P<Y>\d{4}),?\s+(?:at\s)?" + _HMS + _F + _AMPM + _OFF
           + _END, letter_start=True),
    # BSD syslog and other stamps without a year.
    _shape("syslog", _MON + r"\s{1,2}(?P<d>[0-3]?\d)\s" + _HMS + _F + r"(?:\s(?P<Y>\d{4})(?=\s))?", yearless=True,
           letter_start=True),
    _shape("mm-dd", r"(?P<mo>[01]\d)(?P<sep>[-/.])(?P<d>[0-3]\d)(?:\s|-)" + _HMS + _F + _END, yearless=True),
    # Compact stamps: 20171223-22:15:29:606, 20261202T140509Z, yyMMdd HHmmss, glog's mmdd hh:mm:ss.ffffff.
    _shape("compact", r"(?P<Y>(?:19|20)\d\d)(?P<mo>[01]\d)(?P<d>[0-3]\d)[-T ]?(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]?\d):"
           r"(?P<S>[0-5]?\d)" + _F + _OFF + _END),
    _shape("compact-basic", r"(?P<Y>(?:19|20)\d\d)(?P<mo>[01]\d)(?P<d>[0-3]\d)[-T .]?(?P<H>[01]\d|2[0-3])(?P<M>[0-5]\d)"
           r"(?P<S>[0-5]\d)(?:[.,](?P<f>\d{1,9}))?" + _OFF + _END),
    _shape("yymmdd", r"(?P<y>\d\d)(?P<mo>[01]\d)(?P<d>[0-3]\d)[ -](?P<H>[01]\d|2[0-3])(?P<M>[0-5]\d)(?P<S>[0-5]\d)"
           + _END),
    _shape("mmdd", r"(?P<mo>[01]\d)(?P<d>[0-3]\d)\s" + _HMS2 + r"\.(?P<f>\d{3,9})" + _END, yearless=True),
    # Machine time: TAI64N labels and epoch seconds, ms, µs or ns (only inside 1990-2100).
    _shape("tai64n", r"@(?P<tai>4000000[0-9a-f]{9})(?P<nano>[0-9a-f]{8})(?![0-9a-f])", _tai64n),
    # A time of day alone (strace, W3C under a #Date header): read only by a layout that knows the date.
    _shape("time", r"(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d):(?P<S>[0-5]\d)(?:[.,](?P<f>\d{1,9}))?" + _END, _no_date),
    _shape("epoch", r"(?P<e>\d{18,19}|\d{15,16}|\d{12,13}|\d{9,10})(?:\.(?P<f>\d{1,9}))?" + _END, _epoch),
)
BY_NAME = {s.name: s for s in SHAPES}
_YEAR_FIRST = {"iso", "iso-ordinal", "iso-dashed", "ymd", "compact"}  # a 4-digit year cannot start mid-date
_NOT_GLUED = {"epoch", "yymmdd", "compact-basic"}  # bare digits: never right after a letter
_LEAD = re.compile(r"[\[\(<{\s\"']*")


class StampReader:
    """Finds a time stamp at the start of a text, remembering the shape that worked."""

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
    """The shape of a stamp at the start of ``text`` (after brackets and blanks), if any."""
    start = _LEAD.match(text).end()  # type: ignore[union-attr]
    for shape in SHAPES:
        if shape.regex.match(text, start):
            return shape
    return None


def search(shape: Shape, text: str, pos: int = 0, limit: int = WINDOW) -> Match | None:
    """The first match of ``shape`` starting in ``text[pos:limit]`` on a word boundary."""
    regex = shape.regex
    while pos < limit:
        m = regex.search(text, pos, limit + 64)
        if m is None or m.start() >= limit:
            return None
        s = m.start()
        before = text[s - 1] if s else " "
        if shape.letter_start:
            ok = not before.isalpha()
        elif shape.name in _NOT_GLUED:
            ok = not before.isalnum() and before not in ".:-/"
        elif shape.name in _YEAR_FIRST:
            ok = not before.isdigit()
        else:
            ok = not before.isdigit() and before not in ".:-/"
        if ok:
            return m
        pos = s + 1
    return None


def find(text: str, limit: int = WINDOW) -> list[tuple[Shape, Match]]:
    """Every shape found in the first ``limit`` characters, earliest first (one match per shape)."""
    found = []
    for shape in SHAPES:
        m = search(shape, text, 0, limit)
        if m is not None:
            found.append((shape, m))
    found.sort(key=lambda sm: (sm[1].start(), -(sm[1].end() - sm[1].start())))
    return found
