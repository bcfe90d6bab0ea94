"""What every log parser promises, whatever the text: a storable row, no row, or a reason (Reject/ValueError)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from app.ingest.clock import Clock
from app.ingest.formats import FORMATS, LineParser, ParseContext, Reject
from app.ingest.formats.base import RecordParser
from tests.campaign.hostile import PIECES, SHORT

REFERENCE = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
LINE_FORMATS = tuple(n for n, cls in FORMATS.items() if issubclass(cls, LineParser))
STARTS = (
    "", "Nov 29 10:00:01 h app[1]: ", "<34>1 2026-11-29T22:14:15.003Z h su - - - ", "2026-11-29 10:00:00,123 ERROR [m] x.Y: ",
    '{"ts": 1764410400, "level": "error", "msg": "', '{"__REALTIME_TIMESTAMP": "1764410400000000", "MESSAGE": "',
    '127.0.0.1 - - [29/Nov/2026:10:00:00 +0000] "GET /', "[Sat Nov 29 10:00:00.123 2026] [core:error] [pid 1] ",
    "2026-11-29T10:00:00Z ", "Feb 30 25:61:61 h a: ", "9999-12-31 23:59:59 ", "0000-00-00 00:00:00 ",
    "time,level,message\n", "2026-11-29 10:00:00 +99:99 ", "29/11/2026 10:00:00 WARN ", "\ufeff", "\x00\x00",
)


def as_read(text: str) -> str:
    """A line as the importer hands it to a parser: split at line ends, undecodable bytes replaced."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\r", " ").replace("\n", " ")


LINE = st.builds(lambda start, rest, end: start + rest + end, st.sampled_from(STARTS), SHORT,
                 st.sampled_from(("", '"}', '" 200 1', ",x", "\\")))
# JSON logs carry any text as escapes ("\\ud800", "\\u0000"): the decoder hands it back as it was written.
JSON_LINE = st.builds(lambda keys, msg, level: json.dumps({keys[0]: keys[1], "level": level, keys[2]: msg}),
                      st.sampled_from((("ts", 1764410400, "msg"), ("time", "2026-11-29T10:00:00Z", "message"),
                                       ("__REALTIME_TIMESTAMP", "1764410400000000", "MESSAGE"))),
                      SHORT, st.one_of(st.sampled_from(("error", "info", "")), SHORT))
LINES = st.lists(st.one_of(LINE, JSON_LINE, st.sampled_from(PIECES)).map(as_read), min_size=1, max_size=12)


def context(sample: list[str]) -> ParseContext:
    return ParseContext(clock=Clock(dt.UTC, None, REFERENCE), sample=sample,
                        file_time="2026-11-30T12:00:00.000Z")


def row_problem(row: Any) -> str | None:
    """Why a parsed row could not be stored as an event (None: it can)."""
    if not isinstance(row, tuple) or len(row) != 9:
        return f"not a 9-field row: {row!r:.80}"
    ts, severity, *texts = row
    if not isinstance(ts, str) or not STORED_TIME.fullmatch(ts):
        return f"time {ts!r} is not stored UTC form"
    if not isinstance(severity, int) or not 0 <= severity <= 5:
        return f"severity {severity!r}"
    for value in texts:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return f"text {value[:40]!r} cannot be stored as UTF-8: {exc.reason}"
        elif value is not None and not isinstance(value, int):
            return f"field {value!r:.40} is neither text nor a number"
    return None


def parse_lines(name: str, lines: list[str]) -> Iterator[tuple[str, str | None]]:
    """(line, problem) for each line a line parser reads; a parser refusing the whole sample is fine."""
    try:
        parser = FORMATS[name](context(lines))
    except Reject:
        return
    for text in lines:
        try:
            row = parser.parse(text)  # type: ignore[union-attr]
        except (Reject, ValueError):
            continue
        yield text, None if row is None else row_problem(row)


def record_problems(records: Iterator[Any]) -> Iterator[str]:
    """Problems of a record parser's output: (lines, raw, flags, row | reason | None) each."""
    for rec in records:
        n, raw, flags, res = rec
        if not (isinstance(n, int) and n >= 0 and isinstance(raw, str) and isinstance(flags, int)):
            yield f"malformed record {rec!r:.80}"
        elif isinstance(res, tuple):
            problem = row_problem(res)
            if problem:
                yield problem
        elif res is not None and not (isinstance(res, str) and res):
            yield f"reject reason {res!r:.40}"


def is_record_parser(name: str) -> bool:
    return issubclass(FORMATS[name], RecordParser)
