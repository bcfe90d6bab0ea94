"""What every log format promises, whatever the text: each line an event the store can hold, a continuation, or a
reject with its reason, as an import reads it."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from app.ingest import engine
from app.ingest.clock import Clock
from app.ingest.formats import FORMATS, LineParser, ParseContext, Reject
from app.ingest.formats.base import RecordParser
from tests.campaign.hostile import PIECES, SHORT

REFERENCE = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
LINE_FORMATS = tuple(n for n, cls in FORMATS.items() if issubclass(cls, LineParser))
STARTS = (
    "", "Nov 29 10:00:01 h app[1]: ", "<34>1 2026-11-29T22:14:15.003Z h su - - - ",
    "2026-11-29 10:00:00,123 ERROR [m] x.Y: ",
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
    """Why an event row, as the import hands it to the store, could not be stored (None: it can)."""
    if not isinstance(row, (tuple, list)) or len(row) != 15:
        return f"not a 15-field event row: {row!r:.80}"
    ts, severity = row[0], row[1]
    if not isinstance(ts, str) or not STORED_TIME.fullmatch(ts):
        return f"time {ts!r} is not stored UTC form"
    if not isinstance(severity, int) or not 0 <= severity <= 5:
        return f"severity {severity!r}"
    return _text_problem(row[2:])


def _text_problem(values: Any) -> str | None:
    for value in values:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return f"text {value[:40]!r} cannot be stored as UTF-8: {exc.reason}"
        elif value is not None and not isinstance(value, int):
            return f"field {value!r:.40} is neither text nor a number"
    return None


def imported(name: str, lines: list[str]) -> Iterator[str]:
    """Problems of ``lines`` read as format ``name`` the way an import reads them (the engine over the parser).

    Every line must be accounted for (event, continuation or reject with a reason) and every event storable;
    a parser refusing the whole sample (Reject) is a file refused with a reason, which is fine.
    """
    try:
        parser = FORMATS[name](context(lines))
    except Reject as exc:
        if not str(exc).strip():
            yield "refused the file with no reason"
        return
    events: list[Any] = []
    rejects: list[Any] = []
    sink = engine.Sink(events.extend, rejects.extend)
    assign = engine.Assign(1, parser.default_type, infers_severity=getattr(parser, "infers_severity", False))
    numbered = iter((text, 0) for text in lines)
    if isinstance(parser, RecordParser):
        counts = engine.run_records(parser.records(numbered), assign, sink)
    else:
        counts = engine.run_lines(parser, numbered, assign, sink)
    if counts.read != counts.accepted + counts.continuation + counts.rejected:
        yield f"lines do not add up: {counts}"
    if (len(events), len(rejects)) != (counts.accepted, counts.rejected):
        yield f"{len(events)} events and {len(rejects)} rejects handed over for {counts}"
    for row in events:
        problem = row_problem(row)
        if problem:
            yield f"line {row[13]}: {problem}"
    for reject in rejects:
        if not (isinstance(reject[2], str) and reject[2].strip()) or _text_problem(reject[2:]):
            yield f"reject without a storable reason: {reject!r:.100}"


def record_problems(records: Iterator[Any]) -> Iterator[str]:
    """Problems of a Windows parser's records: (lines, raw, flags, row | reason | None) each, rows storable."""
    for rec in records:
        n, raw, flags, res = rec
        if not (isinstance(n, int) and n >= 0 and isinstance(raw, str) and isinstance(flags, int)):
            yield f"malformed record {rec!r:.80}"
        elif isinstance(res, tuple):
            problem = row_problem((res[0], res[1], *res[2:], raw, None, None, 1, 1, flags))
            if problem:
                yield problem
        elif res is not None and not (isinstance(res, str) and res):
            yield f"reject reason {res!r:.40}"
