"""Turning the pieces of a log time stamp into stored UTC text, fast.

Conversions are cached per minute: a zone's offset is whole minutes, so the
seconds and milliseconds are appended as text. A million syslog lines then
cost a few thousand ``zoneinfo`` look-ups instead of a million.
"""

from __future__ import annotations

import datetime as dt

UTC = dt.UTC
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
MONTHS.update({k.title(): v for k, v in list(MONTHS.items())})
MONTHS.update({k.upper(): v for k, v in list(MONTHS.items())})


class BadTime(ValueError):
    """A time stamp whose pieces do not make a real moment."""


class Clock:
    """Reads local and offset times into ``YYYY-MM-DDTHH:MM:SS.mmmZ``.

    ``zone`` applies to zone-less stamps; ``year`` is forced for year-less ones,
    else the year that puts the stamp closest before ``reference`` (the file's
    modification time).
    """

    def __init__(self, zone: dt.tzinfo, year: int | None, reference: dt.datetime) -> None:
        self.zone = zone
        self.year = year
        self.reference = reference.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
        self.file_day = reference.astimezone(zone).date()  # the file's modification day, in the import's zone
        self._local: dict[tuple[int, int, int, int, int], str] = {}
        self._offset: dict[tuple[int, int, int, int, int, int], str] = {}
        self._yearless: dict[tuple[int, int], int] = {}

    def guess_year(self, month: int, day: int) -> int:
        key = (month, day)
        y = self._yearless.get(key)
        if y is None:
            if self.year is not None:
                y = self.year
            else:
                y = self.reference.year
                for cand in range(y, y - 5, -1):
                    try:
                        moment = dt.datetime(cand, month, day)
                    except ValueError:
                        continue
                    if moment <= self.reference:
                        y = cand
                        break
            self._yearless[key] = y
        return y

    def local(self, y: int, mo: int, d: int, h: int, mi: int, sec: str, ms: str = "000") -> str:
        """A zone-less wall time in the import's zone; ``sec`` two digits, ``ms`` three."""
        key = (y, mo, d, h, mi)
        prefix = self._local.get(key)
        if prefix is None:
            try:
                moment = dt.datetime(y, mo, d, h, mi, tzinfo=self.zone).astimezone(UTC)
            except (ValueError, OverflowError):
                raise BadTime(f"no such date {y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}") from None
            prefix = moment.replace(tzinfo=None).isoformat(timespec="minutes") + ":"  # 4-digit year, always
            if len(self._local) > 200_000:
                self._local.clear()
            self._local[key] = prefix
        if sec > "59":
            if len(sec) != 2 or not sec.isdigit() or sec > "60":
                raise BadTime(f"no such second {sec!r}")
            sec = "59"
        return f"{prefix}{sec}.{ms}Z"

    def offset(self, y: int, mo: int, d: int, h: int, mi: int, sec: str, ms: str, minutes: int) -> str:
        """A wall time with an explicit UTC offset in minutes."""
        key = (y, mo, d, h, mi, minutes)
        prefix = self._offset.get(key)
        if prefix is None:
            try:
                tz = dt.timezone(dt.timedelta(minutes=minutes))
                moment = dt.datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(UTC)
            except (ValueError, OverflowError):
                raise BadTime(f"no such date {y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}") from None
            prefix = moment.replace(tzinfo=None).isoformat(timespec="minutes") + ":"  # 4-digit year, always
            if len(self._offset) > 200_000:
                self._offset.clear()
            self._offset[key] = prefix
        if sec > "59":
            sec = "59"
        return f"{prefix}{sec}.{ms}Z"

    def epoch(self, seconds: float) -> str:
        try:
            moment = dt.datetime.fromtimestamp(seconds, UTC)
        except (ValueError, OverflowError, OSError):
            raise BadTime(f"epoch {seconds!r} out of range") from None
        return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"

    def aware(self, moment: dt.datetime) -> str:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        u = moment.astimezone(UTC)
        return u.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def ms3(frac: str | None) -> str:
    """A fraction of a second (digits after the point) as three digits of milliseconds."""
    if not frac:
        return "000"
    return (frac + "00")[:3]


def parse_offset(text: str | None) -> int | None:
    """``Z``, ``+01:00``, ``+0100``, ``-07`` -> minutes east of UTC; None when absent."""
    if not text:
        return None
    if text in ("Z", "z", "UTC", "GMT"):
        return 0
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    if len(digits) == 2:
        digits += "00"
    return sign * (int(digits[:2]) * 60 + int(digits[2:4]))
