"""What every format parser shares: the parsed row shape, rejects, and the generic fallback."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from app.ingest import levels
from app.ingest.clock import Clock
from app.ingest.stamps import StampReader

# (ts, severity, raw_level, host, component, pid, event_code, message, log_type or None for the rules)
Row = tuple[str, int, "str | None", "str | None", "str | None", "int | None", "str | None", str, "str | None"]
ROW_FIELDS: tuple[str, ...] = (
    "ts", "severity", "raw_level", "host", "component", "pid", "event_code", "message", "log_type")
# A record of a multi-line or binary format: (lines it spans, raw text, flags, Row | reject reason | None)
Record = tuple[int, str, int, "Row | str | None"]


class Reject(Exception):
    """This line is of the format but cannot become an event; the message is the reason."""


@dataclass
class ParseContext:
    clock: Clock
    mapping: dict[str, str] = field(default_factory=dict)  # CSV/JSON: field -> column/key
    file_time: str = ""  # the file's modification time, stored form: for logs with no time at all
    dayfirst: bool = False
    sample: list[str] = field(default_factory=list)
    path: Path | None = None
    rescan: Callable[[], Iterator[str]] | None = None  # the file's lines again, for a parser that must look ahead

    def __getstate__(self) -> dict[str, object]:
        """Parsers travel to the parsing process; the look-ahead, a closure over the source, stays here."""
        return {**self.__dict__, "rescan": None}


class Parser(Protocol):
    """What the importer asks of every reader, line or record based: the one list of it.

    ``LineParser`` and ``RecordParser`` give the defaults; a reader overrides what it knows.
    """

    name: str
    default_type: str  # the log type when neither the line nor the rules give one
    infers_severity: bool  # a row without a level gets one from its words, and is flagged for it
    row_flags: int  # events.flags bits every row of this reader carries
    position: int  # bytes read so far when the reader knows better than the stream, else -1
    notes: Sequence[str]  # warnings the reader gathered, for the import's message

    def shown_mapping(self) -> dict[str, str]:
        """Field -> column or key, as the import dialog shows it (empty for formats without columns)."""
        ...

    def shown_columns(self) -> list[str]:
        """The file's column names or JSON keys (empty for formats without them)."""
        ...


_TAIL = re.compile(
    r"[\]\)>]?\s*(?:[-|:,]\s*)?(?:\[\s*(" + levels.LEVEL_WORD + r")\s*\]|<(" + levels.LEVEL_WORD + r")>|("
    + levels.LEVEL_WORD + r"))?\b[:\s]*(?:[-|]\s+)?(.*)", re.IGNORECASE | re.DOTALL)


class _Defaults:
    """The answers to ``Parser`` that a reader gives unless it knows better."""

    row_flags = 0
    position = -1  # the .evtx reader counts its own bytes
    notes: Sequence[str] = ()

    def shown_mapping(self) -> dict[str, str]:
        return {}

    def shown_columns(self) -> list[str]:
        return []


class LineParser(_Defaults):
    """One line, one event (or None: no time stamp, so a continuation)."""

    name = "generic"
    default_type = "application"
    infers_severity = True  # a line without a level gets one from its words, and is flagged for it

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.stamps = StampReader(ctx.clock, ctx.dayfirst)

    def parse(self, text: str) -> Row | None:
        return self.generic(text)

    def generic(self, text: str) -> Row | None:
        """A time stamp near the start, then an optional level word, then the message."""
        found = self.stamps.read(text)
        if found is None:
            return None
        ts, end = found
        m = _TAIL.match(text, end)
        assert m is not None
        word = m.group(1) or m.group(2) or m.group(3)
        message = m.group(4).strip() or text.strip()
        sev = levels.from_word(word) if word else levels.from_message(message)
        return (ts, sev, word, None, None, None, None, message, None)


class RecordParser(_Defaults):
    """Formats whose records span lines (CSV, XML) or are not lines at all (.evtx)."""

    name = "records"
    default_type = "application"
    infers_severity = False
    binary = False
    batch = 5000  # records between progress reports

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx

    def records(self, lines: Iterator[tuple[str, int]]) -> Iterator[Record]:
        raise NotImplementedError

    def records_from_file(self, path: Path, progress_size: int | None = None) -> Iterator[Record]:
        """Records of a format read by path (.evtx); ``position`` runs up to ``progress_size``.

        ``progress_size`` is the bytes progress counts for the file (a .gz member: its packed size).
        """
        raise NotImplementedError

    def records_from_stream(self, stream: BinaryIO) -> Iterator[Record]:
        """Records of a ``binary`` format read from its byte stream."""
        raise NotImplementedError


def to_int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
