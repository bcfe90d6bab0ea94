"""Reading one source into events: the loop that decides event, continuation or reject for each line.

The loop is the hot path of a million-line import, so it is one flat function
working on lists; everything per-file (parser, rules, zone) is decided before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.domain.event_row import FLAGS, MESSAGE, RAW
from app.domain.redaction import Redactor
from app.domain.text import has_surrogate, scrub, scrub_row
from app.domain.vocab import FLAG_REPLACED, FLAG_SEVERITY_INFERRED
from app.ingest.formats.base import LineParser, Record, Reject
from app.ingest.redact import RowRedactor
from app.ingest.rules import HostRules, TypeRules

BATCH = 20_000
MAX_JOINED = 1 << 20  # an event's joined continuation text stops growing here (rest goes to rejects)


@dataclass
class Counts:
    read: int = 0
    accepted: int = 0
    continuation: int = 0
    rejected: int = 0
    redacted: dict[str, int] = field(default_factory=dict)  # values replaced, by kind

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.read, self.accepted, self.continuation, self.rejected)


@dataclass
class Sink:
    """Where rows go: events and rejects, in batches (the store's executemany)."""

    events: Callable[[list[Any]], None]  # rows ordered as ``EventRow`` (the store's EVENT_COLUMNS)
    rejects: Callable[[list[tuple[object, ...]]], None]
    tick: Callable[[Counts], None] = lambda _c: None  # after every batch: progress and cancel
    # Takes rows already packed for the store (``event_sql.pack_rows``) instead of ``events``: when set, a
    # parsing process packs its batches, so that work runs beside the writing instead of in the writer.
    packed: Callable[[list[Any]], None] | None = None


@dataclass
class Assign:
    """Per-import choices applied to every event."""

    import_id: int
    default_type: str
    forced_type: str | None = None
    client: str | None = None
    site: str | None = None
    type_rules: TypeRules = field(default_factory=TypeRules)
    host_rules: HostRules = field(default_factory=HostRules)
    row_flags: int = 0
    infers_severity: bool = False  # the parser guesses a severity from the message when a line has no level
    line_base: int = 0  # lines of the file read by earlier imports: a grown file's new lines number on from them
    redactor: Redactor | None = None  # PII rules applied to every row before the sink sees it


def redacting(sink: Sink, a: Assign) -> tuple[Sink, RowRedactor | None]:
    """The sink with the import's redaction in front of it (unchanged when no rule is on)."""
    if a.redactor is None or not a.redactor.active:
        return sink, None
    rr = RowRedactor(a.redactor)
    client = a.client
    return Sink(lambda rows: sink.events(rr.rows(rows)), lambda rows: sink.rejects(rr.rejects(rows, client)),
                sink.tick), rr


def run_lines(parser: LineParser, lines: Iterator[tuple[str, int]], a: Assign, sink: Sink) -> Counts:
    """Parse line by line; lines without a time stamp join the event before them.

    Rows are plain tuples in ``EventRow`` order (cheaper to build, and to pickle
    when another process sends them); a continuation line replaces the batch's
    last row, which a flush always keeps back for that reason. Host and component strings are shared
    per distinct value, so a batch holds a few dozen of them, not 20,000.
    """
    c = Counts()
    sink, rr = redacting(sink, a)
    batch: list[tuple[object, ...]] = []
    rejects: list[tuple[object, ...]] = []
    parse = parser.parse
    resolve_type = a.type_rules.resolve
    resolve_host = a.host_rules.resolve
    forced, default_type, import_id, row_flags = a.forced_type, a.default_type, a.import_id, a.row_flags
    inferred_flags = row_flags | FLAG_SEVERITY_INFERRED if a.infers_severity else row_flags
    base = a.line_base
    fixed_place = a.client is not None or a.site is not None
    shared: dict[object, object] = {}
    share = shared.setdefault
    line_no = 0
    for line_no, (text, flags) in enumerate(lines, 1):
        try:
            row = parse(text)
        except (Reject, ValueError) as exc:
            rejects.append((import_id, base + line_no, str(exc) or "unreadable line", text))
            c.rejected += 1
            continue
        if row is None:
            if batch and len(batch[-1][RAW]) < MAX_JOINED:  # type: ignore[arg-type]
                joined = list(batch[-1])
                joined[MESSAGE] = f"{joined[MESSAGE]}\n{text}"
                joined[RAW] = f"{joined[RAW]}\n{text}"
                joined[FLAGS] = joined[FLAGS] | flags  # type: ignore[operator]
                batch[-1] = tuple(joined)
                c.continuation += 1
            else:
                reason = "no time stamp, and no event before it to join" if not batch else \
                    "continuation text beyond 1 MiB for one event"
                rejects.append((import_id, base + line_no, reason, text))
                c.rejected += 1
            continue
        ts, sev, raw_level, host, comp, pid, code, msg, log_type = row
        try:  # ASCII text (nearly every line) cannot hold a lone surrogate, and isascii() is free
            plain = (msg.isascii() and (host is None or host.isascii()) and (comp is None or comp.isascii())
                     and (code is None or code.isascii()) and (raw_level is None or raw_level.isascii()))
        except AttributeError:  # a field that is not text (a number): scrub_row checks the texts only
            plain = False
        if not plain:
            row, replaced = scrub_row(row)  # a lone surrogate from an escape ("\\ud83d"): stored as U+FFFD, flagged
            if replaced:
                ts, sev, raw_level, host, comp, pid, code, msg, log_type = row
                flags |= FLAG_REPLACED
        if forced is not None:
            log_type = forced
        elif log_type is None:
            log_type = resolve_type(comp, msg) or default_type
        if fixed_place:
            client, site = a.client, a.site
        else:
            client, site = resolve_host(host)
        batch.append((ts, sev, log_type, raw_level, share(host, host), share(comp, comp), pid, code, msg, text,
                      client, site, import_id, base + line_no,
                      flags | (row_flags if raw_level is not None else inferred_flags)))
        if len(batch) >= BATCH:
            keep = batch.pop()
            c.accepted += len(batch)
            sink.events(batch)
            batch = [keep]
            if len(shared) > 10_000:
                shared.clear()
            if rejects:
                sink.rejects(rejects)
                rejects = []
            c.read = line_no
            sink.tick(c)
    c.accepted += len(batch)
    return _finish(sink, batch, rejects, c, line_no, rr)


def run_records(records: Iterator[Record], a: Assign, sink: Sink, batch_size: int = 5000) -> Counts:
    """Multi-line and binary formats: each record spans ``n`` lines (the first is its line number)."""
    c = Counts()
    sink, rr = redacting(sink, a)
    batch: list[list[object]] = []
    rejects: list[tuple[object, ...]] = []
    line_no = 0
    last: list[object] | None = None
    for n, raw, flags, res in records:
        start = line_no + 1
        line_no += n
        if has_surrogate(raw):
            raw, flags = scrub(raw), flags | FLAG_REPLACED
        if isinstance(res, tuple):
            res, replaced = scrub_row(res)
            if replaced:
                flags |= FLAG_REPLACED
            ts, sev, raw_level, host, comp, pid, code, msg, log_type = res
            if a.forced_type is not None:
                log_type = a.forced_type
            elif log_type is None:
                log_type = a.type_rules.resolve(comp, msg) or a.default_type
            if a.client is not None or a.site is not None:
                client, site = a.client, a.site
            else:
                client, site = a.host_rules.resolve(host)
            if raw_level is None and a.infers_severity:
                flags |= FLAG_SEVERITY_INFERRED
            last = [ts, sev, log_type, raw_level, host, comp, pid, code, msg, raw, client, site, a.import_id,
                    start, flags | a.row_flags]
            batch.append(last)
            c.accepted += 1
            c.continuation += n - 1
        elif res is None and last is not None:
            last[MESSAGE] = f"{last[MESSAGE]}\n{raw}"
            last[RAW] = f"{last[RAW]}\n{raw}"
            c.continuation += n
        else:
            reason = res or "no time stamp, and no event before it to join"
            if n > 1:
                reason = f"{reason} (lines {start}-{line_no})"
            rejects.append((a.import_id, start, reason, raw))
            c.rejected += 1
            c.continuation += n - 1
        if len(batch) >= batch_size:
            keep = batch.pop()
            sink.events(batch)
            batch = [keep]
            if rejects:
                sink.rejects(rejects)
                rejects = []
            c.read = line_no
            sink.tick(c)
    return _finish(sink, batch, rejects, c, line_no, rr)


def _finish(sink: Sink, batch: list[Any], rejects: list[tuple[object, ...]], c: Counts,
            line_no: int, rr: RowRedactor | None = None) -> Counts:
    """Hand over what is left after the last full batch; the counts end at the last line read."""
    if batch:
        sink.events(batch)
    if rejects:
        sink.rejects(rejects)
    c.read = line_no
    if rr is not None:
        c.redacted = dict(rr.tally)
    return c


def note_damage(damage: str | None, a: Assign, sink: Sink, c: Counts) -> Counts:
    """A source that broke off (a cut ``.gz``): its missing rest is one reject, after the lines it held."""
    if damage:
        c.read += 1
        c.rejected += 1
        sink.rejects([(a.import_id, a.line_base + c.read, damage, "")])
    return c


def head_lines(lines: Iterator[tuple[str, int]], n: int) -> list[str]:
    return [t for t, _f in itertools.islice(lines, n)]
