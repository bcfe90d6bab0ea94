"""lnav's ``timestamp-format`` strings (strptime plus lnav's extensions) as regexes feeding our Clock.

Each format compiles once to a regex with one named group per conversion; a
match is turned into stored UTC text by ``StampFormat.convert``, a method, so a
parser holding these still pickles for the parsing process.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.ingest.clock import MONTHS, BadTime, Clock, parse_offset

# conversion -> (group name, regex); lnav's extensions: %L milli, %f micro (any fraction), %N nano,
# %s epoch seconds, %i epoch milliseconds, %6 epoch microseconds, %@ TAI64N, %k/%l space-padded hours.
_PIECES: dict[str, tuple[str, str]] = {
    "Y": ("Y", r"\d{4}"), "y": ("y", r"\d\d"), "m": ("m", r"\d{1,2}"), "d": ("d", r"\d{1,2}"),
    "e": ("d", r" ?\d{1,2}"), "H": ("H", r"\d{1,2}"), "k": ("H", r" ?\d{1,2}"), "I": ("I", r"\d{1,2}"),
    "l": ("I", r" ?\d{1,2}"), "M": ("M", r"\d\d"), "S": ("S", r"\d\d"), "p": ("p", r"[AaPp]\.?[Mm]\.?"),
    "b": ("b", r"[A-Za-z]{3,9}\.?"), "B": ("b", r"[A-Za-z]{3,9}"), "h": ("b", r"[A-Za-z]{3,9}\.?"),
    "a": ("a", r"[A-Za-z]{3,9}\.?"), "A": ("a", r"[A-Za-z]{3,9}"), "j": ("j", r"\d{3}"),
    "L": ("L", r"\d{3}"), "f": ("f", r"\d{1,9}"), "N": ("f", r"\d{1,9}"), "z": ("z", r"Z|[+-]\d\d(?::?\d\d)?"),
    "Z": ("Z", r"[A-Za-z][A-Za-z0-9_/+-]*"), "s": ("s", r"\d{1,11}"), "i": ("i", r"\d{1,14}"),
    "6": ("u", r"\d{1,17}"), "@": ("tai", r"[0-9a-fA-F]{24}"), "q": ("q", r"[1-4]"),
}
_SHORTHANDS = {"T": "%H:%M:%S", "D": "%m/%d/%y", "F": "%Y-%m-%d", "R": "%H:%M", "r": "%I:%M:%S %p",
               "c": "%a %b %e %H:%M:%S %Y", "x": "%m/%d/%y", "X": "%H:%M:%S"}
_SHORT = re.compile(r"%(%|[TDFRrcxX])")
_ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "UT": 0}
_EPOCHS = ("s", "i", "u", "tai")

# lnav's list (src/time_formats.am) for formats that name none; time-only and date-only ones left out.
BUILTIN: tuple[str, ...] = (
    "@%@", "%Y-%m-%d %H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S,%f%z", "%Y-%m-%d %H:%M:%S.%f %Z", "%Y-%m-%d %H:%M:%S,%f %Z",
    "%Y-%m-%d %H:%M:%S.%f %z", "%Y-%m-%d %H:%M:%S:%f %z", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S,%f",
    "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S:%f",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S.%f%Z",
    "%Y-%m-%dT%H:%M:%S,%f%z", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S,%f", "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S%Z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%jT%H:%M:%S.%f%z", "%Y-%jT%H:%M:%S",
    "%y-%m-%dT%H:%M:%S.%f%z", "%Y/%m/%d %H:%M:%S %z", "%Y/%m/%d %H:%M:%S%z", "%Y/%m/%d %H:%M:%S.%f%z",
    "%Y/%m/%d %H:%M:%S.%f %z", "%Y/%m/%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%Y %b %d %a %H:%M:%S.%L", "%Y %b %d %H:%M:%S.%L", "%Y %b %d %H:%M:%S", "%b-%d %H:%M:%S",
    "%b %d %H:%M:%S.%f", "%b %d %H:%M:%S", "%b %d %l:%M", "%b %e, %Y %l:%M:%S %p", "%b %e, %Y at %l:%M:%S %p",
    "%a %b %e %H:%M:%S %Y", "%a %b %e %H:%M:%S.%f %Y", "%a %b %e %H:%M:%S:%f %Y", "%a %b %e %H:%M:%S %Z %Y",
    "%a %b %e %I:%M:%S %p %Z %Y", "%d.%m.%Y %H:%M:%S.%f", "%d.%m.%Y %H:%M:%S", "%d/%m/%y %H:%M:%S",
    "%d/%b/%Y:%H:%M:%S.%f %z", "%d/%b/%Y:%H:%M:%S %z", "%d/%b/%Y:%H:%M:%S.%f", "%d/%b/%Y:%H:%M:%S",
    "%d-%b-%Y %H:%M:%S %z", "%d-%b-%Y %H:%M:%S %Z", "%d-%b-%Y %H:%M:%S.%f", "%d %b %Y %H:%M:%S.%L%z",
    "%d %b %Y %H:%M:%S,%L%z", "%d %b %Y %H:%M:%S.%L", "%d %b %Y %H:%M:%S,%L", "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M", "%m/%d/%Y %I:%M:%S:%L %p %Z", "%m/%d/%Y %I:%M:%S %p %Z", "%m/%d/%Y %I:%M:%S %p%z",
    "%m/%e/%Y %l:%M:%S %p %z", "%m/%e/%Y %l:%M:%S %p", "%m/%e/%Y %l:%M:%S%p", "%m/%d/%y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S", "%d/%b/%Y %H:%M:%S", "%d/%b/%y %H:%M:%S", "%m.%d %H:%M:%S", "%m%d %H:%M:%S.%f",
    "%m%d %H:%M:%S", "%Y%m%d %H:%M:%S.%f", "%Y%m%d %H:%M:%S", "%y%m%d %H%M%S", "%y%m%d %H:%M:%S",
    "%Y%m%d %H%M%S", "%Y%m%d.%H%M%S", "%m-%d %H:%M:%S.%f", "%m/%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d",
)


class TimeFormatError(ValueError):
    """A ``timestamp-format`` this reader cannot use; the message says why."""


@dataclass(frozen=True)
class StampFormat:
    """One compiled ``timestamp-format``."""

    source: str
    regex: re.Pattern[str]

    def read(self, text: str, clock: Clock, whole: bool = True) -> str | None:
        """Stored UTC text, or None when ``text`` is not in this format; raises BadTime."""
        m = self.regex.fullmatch(text) if whole else self.regex.match(text)
        return None if m is None else self.convert(m, clock)

    def convert(self, m: re.Match[str], clock: Clock) -> str:
        g = m.groupdict()
        if g.get("s") or g.get("i") or g.get("u") or g.get("tai"):
            return clock.epoch(_epoch_seconds(g))
        frac = g.get("f") or g.get("L") or ""
        ms = (frac + "000")[:3]
        hour = int(g.get("H") or g.get("I") or 0)
        if g.get("p"):
            hour = hour % 12 + (12 if g["p"][0] in "Pp" else 0)
        minute, sec = int(g.get("M") or 0), (g.get("S") or "00")
        year = _year(g)
        if g.get("j"):
            base = dt.date(year or clock.guess_year(1, 1), 1, 1) + dt.timedelta(days=int(g["j"]) - 1)
            year, month, day = base.year, base.month, base.day
        else:
            month = _month(g)
            day = int(g.get("d") or 1)
            if year is None:
                year = clock.guess_year(month, day)
        minutes = _offset(g)
        if minutes is None:
            return clock.local(year, month, day, hour, minute, sec, ms)
        return clock.offset(year, month, day, hour, minute, sec, ms, minutes)


def compile_format(fmt: str) -> StampFormat:
    """A ``timestamp-format`` entry as a StampFormat; raises TimeFormatError."""
    if not isinstance(fmt, str) or not fmt.strip():
        raise TimeFormatError("a timestamp format must be a non-empty string")
    fmt = _SHORT.sub(lambda m: _SHORTHANDS.get(m.group(1), "%%"), fmt)
    parts: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%":
            if i + 1 >= len(fmt):
                raise TimeFormatError(f"{fmt!r} ends with a lone %")
            code = fmt[i + 1]
            if code == "%":
                parts.append("%")
            elif code in "nt":
                parts.append(r"\s+")
            elif code in _PIECES:
                group, rx = _PIECES[code]
                if group in seen:
                    raise TimeFormatError(f"{fmt!r} has %{code} twice")
                seen.add(group)
                parts.append(f"(?P<{group}>{rx})")
            else:
                raise TimeFormatError(f"{fmt!r}: %{code} is not a conversion lnav knows")
            i += 2
            continue
        if c.isspace():
            while i < len(fmt) and fmt[i].isspace():
                i += 1
            parts.append(r"\s+")
            continue
        parts.append(re.escape(c))
        i += 1
    if not seen & set(_EPOCHS):
        if not seen & {"H", "I"} and not seen & {"d", "j"}:
            raise TimeFormatError(f"{fmt!r} has neither a date nor a time (%d, %H, %s, ...)")
        if not seen & {"m", "b", "j"}:
            raise TimeFormatError(f"{fmt!r} has no month (%m or %b) or day of the year (%j)")
    return StampFormat(fmt, re.compile("".join(parts)))


def builtin() -> tuple[StampFormat, ...]:
    """lnav's own list, tried when a format names no ``timestamp-format``."""
    global _BUILTIN  # noqa: PLW0603 - compiled once, on first use
    if _BUILTIN is None:
        _BUILTIN = tuple(compile_format(f) for f in BUILTIN)
    return _BUILTIN


_BUILTIN: tuple[StampFormat, ...] | None = None


def _epoch_seconds(g: dict[str, str | None]) -> float:
    if g.get("tai"):
        text = g["tai"] or ""
        return int(text[:16], 16) - 2 ** 62 - 10 + int(text[16:], 16) / 1e9
    if g.get("i"):
        return int(g["i"] or 0) / 1000
    if g.get("u"):
        return int(g["u"] or 0) / 1e6
    frac = g.get("f") or g.get("L") or "0"
    return float(f"{g['s']}.{frac}")


def _year(g: dict[str, str | None]) -> int | None:
    if g.get("Y"):
        return int(g["Y"] or 0)
    if g.get("y"):
        y = int(g["y"] or 0)
        return 2000 + y if y < 69 else 1900 + y
    return None


def _month(g: dict[str, str | None]) -> int:
    if g.get("m"):
        return int(g["m"] or 0)
    name = (g.get("b") or "").rstrip(".")[:3].lower()
    month = MONTHS.get(name)
    if month is None:
        raise BadTime(f"unknown month {g.get('b')!r}")
    return month


def _offset(g: dict[str, str | None]) -> int | None:
    if g.get("z"):
        return parse_offset(g["z"])
    zone = g.get("Z")
    return _ZONES.get(zone.upper()) if zone else None
