"""Any text log with a time stamp near the start of its lines, read by a layout learned from the file.

The layout (``app/ingest/layout.py``) is decided once from the sample: where
the stamp stands and in which shape, and where the level, host and component
stand if the file has them. Lines without a stamp of the file's shapes are
continuations; a stamp that cannot be a real moment rejects its line.
"""

from __future__ import annotations

import re

from app.ingest import levels
from app.ingest.clock import BadTime
from app.ingest.formats.base import LineParser, ParseContext, Reject, Row
from app.ingest.layout import Layout, learn


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

    def parse(self, text: str) -> Row | None:
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
