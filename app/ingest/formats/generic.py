"""Any text log with a time stamp near the start of its lines, read by a layout learned from the file.

The layout (``app/ingest/layout.py``) is decided once from the sample: where
the stamp stands and in which shape, and where the level, host and component
stand if the file has them. Lines without a stamp of the file's shapes are
continuations; a stamp that cannot be a real moment rejects its line.
"""

from __future__ import annotations

import datetime as dt
import re

from app.domain.vocab import FLAG_DATE_FROM_FILE
from app.ingest import levels
from app.ingest.clock import BadTime
from app.ingest.formats.base import LineParser, ParseContext, Reject, Row
from app.ingest.layout import Layout, learn

_DATE_HEADER = re.compile(r"#Date:\s*(\d{4})-(\d\d)-(\d\d)|#Date:\s*(\d{1,2})/([A-Za-z]{3})/(\d{4})")


def _header_day(line: str) -> dt.date | None:
    """The day of a W3C ``#Date: 2000-10-09 16:44:49`` (or ``28/Jun/2017``) header line."""
    from app.ingest.clock import MONTHS

    m = _DATE_HEADER.match(line)
    if m is None:
        return None
    try:
        if m.group(1):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return dt.date(int(m.group(6)), MONTHS.get(m.group(5).lower(), 0), int(m.group(4)))
    except ValueError:
        return None


ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class NoStampFound(Reject):
    """No line of the sample carries a time stamp: the file cannot be put on a timeline."""


class GenericText(LineParser):
    name = "generic"
    default_type = "application"

    def __init__(self, ctx: ParseContext) -> None:
        super().__init__(ctx)
        layout = learn([ANSI.sub("", ln) for ln in ctx.sample], ctx.clock, ctx.dayfirst)
        if layout is None:
            raise NoStampFound("no time stamp found in the first lines")
        self.layout: Layout = layout
        self.row_flags = 0
        if layout.time_only:
            self._date_the_times(ctx)

    def _date_the_times(self, ctx: ParseContext) -> None:
        """Times of day take the date of a W3C ``#Date:`` header, else the file's modification day.

        With the file's day, the last line falls on it and each time the clock goes back a day
        earlier begins (as lnav reads them); those events are flagged, the date was not in the line.
        """
        for ln in ctx.sample:
            day = _header_day(ln)
            if day is not None:
                self.layout.start_on(day)
                return
        crossed = self.layout.days_crossed(ctx.rescan() if ctx.rescan else ctx.sample)
        self.layout.start_on(ctx.clock.file_day - dt.timedelta(days=crossed))
        self.row_flags = FLAG_DATE_FROM_FILE

    def parse(self, text: str) -> Row | None:
        if self.layout.day is not None and text.startswith("#Date:"):
            day = _header_day(text)
            if day is not None:
                self.layout.start_on(day)
        if "\x1b" in text:
            text = ANSI.sub("", text)  # colours a terminal logger wrote; the raw line keeps them
        try:
            hit = self.layout.stamp(text)
        except BadTime as exc:
            raise Reject(str(exc)) from None
        if hit is None:
            return None
        ts, start, end = hit
        sev, raw, host, comp, pid, message = self.layout.fields(text, start, end)
        if not message:
            message = text.strip()
        if sev is None:
            sev = levels.from_message(message)
        return (ts, sev, raw, host, comp, pid, None, message, None)
