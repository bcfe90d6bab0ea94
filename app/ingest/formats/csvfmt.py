"""CSV/TSV exports (Splunk, Kibana, Graylog, Event Viewer): header auto-mapping or the user's map.

A quoted field may span lines; the record keeps the first line's number and
the extra lines count as continuation lines.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from app.domain.vocab import FLAG_TIME_CHOSEN
from app.ingest import levels
from app.ingest.delimiters import sniff_delimiter
from app.ingest.formats.base import ParseContext, Record, RecordParser, Reject, Row, to_int
from app.ingest.stamps import StampReader

NAMES: dict[str, tuple[str, ...]] = {
    "time": ("_time", "timestamp", "@timestamp", "time", "datetime", "date and time", "date_time", "eventtime",
             "event time", "time created", "timecreated", "created", "logged", "date"),
    "level": ("level", "severity", "log_level", "loglevel", "levelname", "priority", "type", "entry type", "keywords"),
    "message": ("_raw", "message", "msg", "full_message", "text", "content", "description", "details", "log"),
    "component": ("source", "sourcetype", "logger", "component", "module", "program", "application", "app",
                  "provider", "process", "service", "task category"),
    "host": ("host", "hostname", "computer", "machine", "source_host", "machinename"),
    "pid": ("pid", "process id", "processid", "process_id"),
    "code": ("event id", "eventid", "event_id", "code", "status", "instance id"),
}
_DATE_PARTS = ("month", "date", "day")


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


def auto_mapping(header: list[str], given: dict[str, str]) -> dict[str, str]:
    """Field -> column name, the user's choices first, then the usual names."""
    norm = {_norm(h): h for h in header}
    mapping: dict[str, str] = {}
    for f, col in given.items():
        mapping[f] = col
    for f, names in NAMES.items():
        if f in mapping:
            continue
        for n in names:
            if n in norm and norm[n] not in mapping.values():
                mapping[f] = norm[n]
                break
    return mapping


class CsvExport(RecordParser):
    name = "csv"
    default_type = "application"
    infers_severity = True  # no level column: the severity comes from the message

    def __init__(self, ctx: ParseContext) -> None:
        super().__init__(ctx)
        self.stamps = StampReader(ctx.clock, ctx.dayfirst)
        head = ctx.sample[0] if ctx.sample else ""
        self.delimiter = sniff_delimiter(head)
        self.header = next(csv.reader([head], delimiter=self.delimiter), [])
        self.mapping = auto_mapping(self.header, ctx.mapping)
        missing = [c for c in self.mapping.values() if c not in self.header]
        if missing:
            raise Reject(f"--map names column(s) not in the header: {', '.join(missing)}; "
                         f"columns are {', '.join(self.header)}")
        self.time_columns = self._time_columns()
        if "event id" in {_norm(h) for h in self.header}:  # an Event Viewer export: the file names the channel
            from app.ingest.formats.windows import channel_type

            self.default_type = channel_type(ctx.path.stem if ctx.path else "")

    def _time_columns(self) -> list[int]:
        """The column(s) that together hold the time: one, or date parts plus time (loghub style)."""
        idx = {h: i for i, h in enumerate(self.header)}
        if "time" not in self.mapping:
            return []
        tcol = idx[self.mapping["time"]]
        parts = {_norm(h): i for i, h in enumerate(self.header) if _norm(h) in _DATE_PARTS and i != tcol}
        options = [[tcol]]
        for combo in (("date",), ("month", "date"), ("date", "day"), ("month", "day")):
            if all(c in parts for c in combo):
                options.append([parts[c] for c in combo] + [tcol])
        rows = list(csv.reader(self.ctx.sample[1:6], delimiter=self.delimiter))
        for cols in options:
            if rows and all(self._try(row, cols) for row in rows if len(row) > max(cols)):
                return cols
        return options[0]

    def _try(self, row: list[str], cols: list[int]) -> bool:
        try:
            return self.stamps.read(" ".join(row[c] for c in cols)) is not None
        except ValueError:
            return False

    def shown_mapping(self) -> dict[str, str]:
        out = dict(self.mapping)
        if len(self.time_columns) > 1:
            out["time"] = "+".join(self.header[c] for c in self.time_columns)
        return out

    def shown_columns(self) -> list[str]:
        return list(self.header)

    def records(self, lines: Iterator[tuple[str, int]]) -> Iterator[Record]:
        consumed = [0, 0]  # lines taken, flags seen

        def feed() -> Iterator[str]:
            for text, flags in lines:
                consumed[0] += 1
                consumed[1] |= flags
                yield text + "\n"

        reader = csv.reader(feed(), delimiter=self.delimiter)
        taken = 0
        first = True
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                n = consumed[0] - taken
                taken = consumed[0]
                yield n, "", consumed[1], f"CSV error: {exc}"
                continue
            n = consumed[0] - taken
            taken = consumed[0]
            flags, consumed[1] = consumed[1], 0
            if not self.time_columns:
                flags |= FLAG_TIME_CHOSEN
            raw = self.delimiter.join(row)
            if first:
                first = False
                yield n, raw, flags, "header row (column names)"
                continue
            if not any(cell.strip() for cell in row):
                yield n, raw, flags, "blank row"
                continue
            try:
                yield n, raw, flags, self.row(row)
            except (Reject, ValueError) as exc:
                yield n, raw, flags, str(exc)

    def row(self, row: list[str]) -> Row:
        header = self.header
        cols = {h: i for i, h in enumerate(header)}

        def get(f: str) -> str | None:
            col = self.mapping.get(f)
            if col is None:
                return None
            i = cols[col]
            return row[i].strip() if i < len(row) and row[i].strip() != "" else None

        if self.time_columns:
            stamp = " ".join(row[c] for c in self.time_columns if c < len(row)).strip()
            if not stamp:
                raise Reject(f"no time in column {self.mapping['time']!r}")
            found = self.stamps.read(stamp)
            if found is None:
                raise Reject(f"cannot read time {stamp!r} in column {self.mapping['time']!r}")
            ts = found[0]
        else:
            ts = self.ctx.file_time
        raw_level = get("level")
        message = get("message")
        used = {cols[c] for c in self.mapping.values()} | set(self.time_columns)
        if message is None:
            extra = [row[i] for i in range(len(header), len(row)) if row[i].strip()]  # Event Viewer's last column
            message = " ".join(extra) if extra else "; ".join(
                f"{header[i]}={row[i]}" for i in range(min(len(row), len(header))) if i not in used and row[i])
        sev = levels.from_word(raw_level) if raw_level else levels.from_message(message)
        return (ts, sev, raw_level, get("host"), get("component"), to_int(get("pid")), get("code"), message, None)
