"""Import files into the ledger: the one entry point the CLI and the GUI share.

Each file is its own import: detected (or forced) format, its events and rejects
committed in short steps while hidden (``app.ingest.steps``), then its final counts
in one short transaction that makes it visible; duplicate refusal by SHA-256.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.alerts.engine import after_import
from app.domain import timeutil
from app.domain.jobs import Progress, ProgressUpdate, Relay
from app.ingest import detect as detection, engine, formats, lines, parallel, steps
from app.ingest.clock import Clock
from app.ingest.formats.base import ROW_FIELDS, LineParser, ParseContext, RecordParser, Reject
from app.ingest.formats.csvfmt import CsvExport
from app.ingest.formats.generic import NoStampFound
from app.ingest.rules import HostRules, TypeRules
from app.ingest.sources import Skipped, Source, SourceError, damage_of, expand
from app.patterns.collect import Collector
from app.store import audit, imports as store, redaction as redaction_store
from app.store.database import Database

log = logging.getLogger("issue_ledger.ingest")
SAMPLE_LINES = 60


@dataclass
class ImportOptions:
    format: str | None = None
    zone: dt.tzinfo = field(default_factory=timeutil.local_zone)
    zone_name: str = "local"
    log_type: str | None = None
    year: int | None = None
    client: str | None = None
    site: str | None = None
    force: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    glob: str = "*"
    time_from: str | None = None  # "mtime" or an ISO time: lines without a stamp are taken at it (by choice only)


IMPORT_CACHE_KIB = -65536  # the page cache while importing (a negative size is KiB)


@dataclass
class FileResult:
    file: str
    status: str  # complete | duplicate | failed | cancelled | skipped (not a log, in a folder or zip)
    import_id: int | None = None
    format: str | None = None
    read: int = 0
    accepted: int = 0
    continuation: int = 0
    rejected: int = 0
    message: str = ""
    seconds: float = 0.0
    detected: dict[str, Any] | None = None  # detection's decision: format, share, runner-up, tie
    already: int = 0  # a grown file: its lines an earlier import holds (only the new ones were read)
    continues: int | None = None  # that earlier import's id
    redacted: dict[str, int] = field(default_factory=dict)  # PII values replaced, by kind

    @property
    def ok(self) -> bool:
        return self.status == "complete"

    @property
    def fine(self) -> bool:
        """Nothing went wrong: imported, or left out on purpose."""
        return self.status in ("complete", "skipped")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Preview:
    format: str
    encoding: str
    rows: list[dict[str, Any]]
    mapping: dict[str, str]
    columns: list[str]
    detection: detection.Detection | None = None


def _clock(source: Source, options: ImportOptions) -> Clock:
    reference = dt.datetime.fromtimestamp(source.mtime, dt.UTC)
    return Clock(options.zone, options.year, reference)


class NoTimeFound(Reject):
    """No format finds a time stamp in the file, and the user chose no time for it."""


def given_time(options: ImportOptions, clock: Clock, mtime: float) -> str:
    """The stored time the user chose for lines without a stamp (``--time-from``), or "" when none."""
    if not options.time_from:
        return ""
    if options.time_from == "mtime":
        return clock.epoch(mtime)
    try:
        return clock.aware(timeutil.parse_user_time(options.time_from, options.zone))
    except (ValueError, OverflowError) as exc:
        raise Reject(f"--time-from: {exc}") from None


def no_time_message(name: str, sample: list[str]) -> str:
    """Why a file is refused, three of its lines, and the ways out."""
    shown = [ln if len(ln) <= 100 else ln[:97] + "..." for ln in sample if ln.strip()][:3]
    lines_text = "".join(f"\n    {ln}" for ln in shown) or "\n    (no text lines)"
    return (f"{name}: no time stamp found in any known shape; nothing was imported. Its first lines:{lines_text}\n"
            "  Define its format (Import dialog > Define format..., or a format file: issue-ledger formats add "
            "FILE.json, then --format NAME), or take every line at a time you choose with "
            "--time-from mtime|ISO-TIME.")


def _context(source: Source, options: ImportOptions, sample: list[str]) -> ParseContext:
    clock = _clock(source, options)
    file_time = given_time(options, clock, source.mtime)

    def rescan() -> Iterator[str]:
        with source.open() as reader:
            enc = lines.detect_encoding(reader.stream.read(lines.SAMPLE))
        with source.open() as reader:
            for text, _flags in lines.iter_lines(reader.stream, enc):
                yield text

    return ParseContext(clock=clock, mapping=dict(options.mapping), dayfirst=detection.dayfirst(sample),
                        sample=sample, path=source.path, file_time=file_time, rescan=rescan)


def _sniff(source: Source) -> tuple[bytes, lines.Encoding | None, list[str]]:
    """First bytes, encoding (None for binary formats) and first lines; raises BinaryFileError."""
    with source.open() as r:
        head = r.stream.read(lines.SAMPLE)
    if head.startswith(b"ElfFile\x00") or source.name.lower().endswith(".evtx"):
        return head, None, []
    enc = lines.detect_encoding(head)
    with source.open() as r:
        sample = engine.head_lines(lines.iter_lines(r.stream, enc), SAMPLE_LINES)
    return head, enc, sample


def examine(source: Source, options: ImportOptions) -> tuple[detection.Detection, lines.Encoding | None, list[str]]:
    """Detection's full decision for one source (the format, its share of the sample, the runner-up)."""
    head, enc, sample = _sniff(source)
    clock = _clock(source, options)
    return detection.examine(head, sample, source.name, clock, _saved_parsers(clock)), enc, sample


def _saved_parsers(clock: Clock) -> list[tuple[str, Any]]:
    """The user's saved formats, as parsers detection tries ahead of the built-in families."""
    from app.ingest import lnav_format, userformats

    saved, _broken = userformats.saved()
    ctx = ParseContext(clock=clock)
    out = []
    for fmt in saved:
        if fmt.name in formats.FORMATS:
            continue
        try:
            out.append((fmt.name, lnav_format.LnavParser(ctx, fmt)))
        except (ValueError, Reject):
            log.warning("saved format %s cannot be used", fmt.name, exc_info=True)
    return out


def choose_format(source: Source, options: ImportOptions,
                  found: detection.Detection | None = None) -> tuple[str, lines.Encoding | None, list[str]]:
    """The format to read ``source`` with; refuses a file in which no format finds a time stamp."""
    if found is None:
        found, enc, sample = examine(source, options)
    else:
        _head, enc, sample = _sniff(source)
    name = options.format or found.format
    if name is None:
        if not options.time_from:
            raise NoTimeFound(no_time_message(source.display_path, sample))
        name = "text"
    if name not in formats.FORMATS:
        name = _user_format(name, sample)
    if name == "text" and not options.time_from:
        raise Reject("--format text takes every line at a time you choose: add --time-from mtime|ISO-TIME")
    return name, enc, sample


def make_parser(fmt: str, source: Source, options: ImportOptions, sample: list[str]) -> LineParser | RecordParser:
    """The parser for ``fmt``; a file without any time stamp is refused with its lines shown."""
    try:
        parser = formats.make(fmt, _context(source, options, sample))
    except NoStampFound:
        raise NoTimeFound(no_time_message(source.display_path, sample)) from None
    if isinstance(parser, CsvExport) and not parser.time_columns and not options.time_from:
        raise NoTimeFound(no_time_message(source.display_path, sample).replace(
            "no time stamp found in any known shape", "no column holds a time"))
    return parser


def _user_format(spec: str, sample: list[str]) -> str:
    """A saved format's name or an lnav format file's path -> the format's name (``formats.make`` builds it)."""
    from app.ingest import userformats

    try:
        return userformats.use(spec, sample).name
    except (userformats.FormatError, userformats.NoSuchFormat) as exc:
        builtin = f"; built-in formats: {', '.join(formats.FORMATS)}" if not userformats.is_path(spec) else ""
        raise Reject(f"{exc}{builtin}") from None


def preview(db: Database, path: Path, options: ImportOptions, limit: int = 20) -> Preview:
    """The detected format, the mapping and the first ``limit`` parsed rows, for the import dialog.

    Rows show the log type the import would give: by the type rules saved in ``db``, else the defaults.
    """
    type_rules = store.type_rules(db)
    source = next(s for s in expand([path], options.glob) if isinstance(s, Source))
    found, _enc, _sample = examine(source, options)
    fmt, enc, sample = choose_format(source, options, found)
    parser = make_parser(fmt, source, options, sample)
    rows: list[dict[str, Any]] = []
    mapping = parser.shown_mapping()
    if isinstance(parser, RecordParser):
        with source.open() as reader, contextlib.ExitStack() as held:
            if fmt == "evtx":  # read by path: a .gz or zip member through a temporary copy
                recs = parser.records_from_file(held.enter_context(source.local_file()))
            elif parser.binary:
                recs = parser.records_from_stream(reader.stream)
            else:
                recs = parser.records(iter((t, 0) for t in sample))
            rows = [_preview_row(res, raw) for _n, raw, _f, res in itertools.islice(recs, limit)]
    else:
        for text in sample:
            try:
                res = parser.parse(text)
            except (Reject, ValueError) as exc:
                res = str(exc)  # type: ignore[assignment]
            rows.append(_preview_row(res, text))
            if len(rows) >= limit:
                break
    rules = TypeRules(type_rules) if type_rules is not None else TypeRules()
    infers = parser.infers_severity
    for row in rows:
        if row.get("ts") is not None and infers and row.get("raw_level") is None:
            row["inferred"] = True
        if row.get("ts") is not None:
            row["log_type"] = options.log_type or row.get("log_type") or rules.resolve(
                row.get("component"), row.get("message") or "") or parser.default_type
    _redact_shown(rows, redaction_store.redactor(db).for_client(options.client))
    columns = parser.shown_columns()
    return Preview(fmt, enc.name if enc else "binary", rows, mapping, columns, found)


def _redact_shown(rows: list[dict[str, Any]], rules: Any) -> None:
    """The preview shows what the import would keep: PII replaced as the import will replace it."""
    if not rules.active:
        return
    for row in rows:
        for key in ("message", "raw"):
            if isinstance(row.get(key), str):
                row[key] = rules.redact(row[key])


def _preview_row(res: object, raw: str) -> dict[str, Any]:
    if isinstance(res, tuple):
        return dict(zip(ROW_FIELDS, res)) | {"raw": raw}
    return {"ts": None, "message": raw, "rejected": res or "continuation of the line above", "raw": raw}


def dry_run(paths: list[Path], options: ImportOptions,
            on_file: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    """What an import would do, written nowhere: detection's decision and every line's fate, per file."""
    results: list[FileResult] = []
    for item in expand(paths, options.glob):
        result = _dry_run_one(item, options) if isinstance(item, Source) else _not_read(item)
        results.append(result)
        if on_file:
            on_file(result)
    return results


def _not_read(item: SourceError | Skipped) -> FileResult:
    """A path that named no readable log (failed) or one left out on purpose (skipped), with why."""
    if isinstance(item, SourceError):
        return FileResult(str(item).split(":")[0], "failed", message=str(item))
    return FileResult(item.name, "skipped", message=f"{item.name}: skipped, {item.reason}")


def _refused(source: Source, exc: Exception, found: detection.Detection | None) -> FileResult:
    """A file that could not be read or was refused before anything was written, with its reason."""
    name = source.display_path
    detected = found.as_dict() if found else None
    if isinstance(exc, lines.BinaryFileError):
        return FileResult(name, "failed", message=f"{name}: cannot import: {exc}", detected=detected)
    if isinstance(exc, (SourceError, Reject)):
        text = str(exc)
        return FileResult(name, "failed", message=text if text.startswith((str(source.path), name))
                          else f"{name}: {text}", detected=detected)
    return FileResult(name, "failed", message=f"{name}: cannot read: {exc or type(exc).__name__}",
                      detected=detected)  # e.g. a damaged .gz or .evtx header


def _dry_run_one(source: Source, options: ImportOptions) -> FileResult:
    started = time.perf_counter()
    name = source.display_path
    found: detection.Detection | None = None
    try:
        found, _enc, _sample = examine(source, options)
        fmt, enc, sample = choose_format(source, options, found)
        parser = make_parser(fmt, source, options, sample)
        sink = engine.Sink(lambda _rows: None, lambda _rows: None)
        assign = engine.Assign(0, parser.default_type, options.log_type, options.client, options.site)
        with source.open() as reader:
            counts = _run(parser, reader, enc, assign, sink, source, fmt)
    except Exception as exc:  # noqa: BLE001 - a bad file fails alone, with one line saying why
        return _refused(source, exc, found)
    return FileResult(name, "dry-run", None, fmt, *counts.as_tuple(), seconds=time.perf_counter() - started,
                      detected=found.as_dict() if found else None)


def describe_detection(found: dict[str, Any] | None, fmt: str | None) -> str:
    """``generic (58 of 60 sample lines; runner-up applog 40 %)`` for summaries."""
    detail = detection_detail(found, fmt)
    return f"{fmt or 'no format'} {detail}".strip()


def detection_detail(found: dict[str, Any] | None, fmt: str | None) -> str:
    """How sure detection was of ``fmt``, in parentheses ("" when it did not decide)."""
    if not found or fmt is None:
        return ""
    if found.get("format") != fmt:
        return f"(chosen; detection said {found.get('format') or 'no format'})"
    if not found.get("sampled"):
        return ""
    text = f"({found['share']:.0%} of {found['sampled']} sample lines"
    if found.get("runner_up"):
        text += f"; runner-up {found['runner_up']} {found['runner_up_share']:.0%}"
    if found.get("tie"):
        text += "; a tie: choose with --format"
    return text + ")"


def sample(path: Path, options: ImportOptions) -> tuple[list[str], ParseContext]:
    """The first lines of a text log and the context its import would read them in (zone, year, file time).

    Define format… teaches a format from these, and previews it exactly as the import will parse.
    """
    source = next(s for s in expand([path], options.glob) if isinstance(s, Source))
    _head, enc, lines_ = _sniff(source)
    if enc is None:
        raise Reject(f"{source.name} is a binary event log: it has no text lines to define a format from")
    return lines_, _context(source, options, lines_)


def import_paths(db: Database, paths: list[Path], options: ImportOptions, progress: Progress | None = None,
                 on_file: Callable[[FileResult], None] | None = None, actor: str | None = None) -> list[FileResult]:
    """Import every log named; a failing file never stops the others. One result per file."""
    store.recover_interrupted(db)
    results: list[FileResult] = []
    items = list(expand(paths, options.glob))
    total = sum(_safe_size(s) for s in items if isinstance(s, Source))
    files = sum(isinstance(s, Source) for s in items)
    done_before = 0
    file = 0
    for item in items:
        if not isinstance(item, Source):
            result = _not_read(item)
        else:
            size = _safe_size(item)
            file += 1
            part = Relay(progress, _stamp(file, files)) if progress is not None else None
            result = import_source(db, item, options, part, done_before, total, actor)
            done_before += size
            if result.ok and result.import_id is not None:
                after_import(db, result.import_id)  # alert rules, once the file's events are visible
        results.append(result)
        if on_file:
            on_file(result)
        if result.status == "cancelled":
            break
    return results


def _stamp(file: int, files: int) -> Callable[[ProgressUpdate], ProgressUpdate]:
    """Marks one file's reports with its place in the import (the dialog restarts its lines/s there)."""
    return lambda update: replace(update, file=file, files=files)


def _safe_size(s: Source) -> int:
    try:
        return s.size
    except (OSError, ValueError):
        return 0


def import_source(db: Database, source: Source, options: ImportOptions, progress: Progress | None = None,
                  done_before: int = 0, total: int = 0, actor: str | None = None) -> FileResult:
    """Import one source; never raises for a bad file (the result says what went wrong)."""
    from app.domain.jobs import Cancelled

    started = time.perf_counter()
    name = source.display_path
    found: detection.Detection | None = None
    try:
        found, _enc, _sample = examine(source, options)
        fmt, enc, sample = choose_format(source, options, found)
        sha = source.sha256()
        if not options.force:
            dup = store.find_complete(db, sha)
            if dup:
                return FileResult(name, "duplicate", dup["id"], fmt, message=(
                    f"{name}: already imported as import #{dup['id']} ({dup['file']}); use --force to import again"),
                    detected=found.as_dict())
        parser = make_parser(fmt, source, options, sample)
        base = None if options.force or not isinstance(parser, LineParser) or enc is None else store.grown_from(
            db, name, source.name, _safe_size(source), source.head_sha256)
    except Exception as exc:  # noqa: BLE001 - a bad file fails alone, with one line saying why
        return _refused(source, exc, found)
    size = _safe_size(source)
    lines_before = 0
    if base is not None:  # the file grew since an import took all of it: only its new lines are read
        source = replace(source, skip=int(base["size"]))
        assert enc is not None  # a base is only looked up for a file with a known text encoding
        enc = lines.Encoding(enc.name.replace("-sig", ""), 0)  # the byte-order mark stayed at the start
        lines_before = int(base["lines_before"])
    import_id = store.begin(db, {
        "file": source.name, "path": name, "size": size, "sha256": sha, "format": fmt,
        "tz": options.zone_name, "log_type": options.log_type, "client": options.client, "site": options.site,
        "actor": actor, "options": {"year": options.year, "map": options.mapping, "force": options.force,
                                    "encoding": enc.name if enc else None, "time_from": options.time_from,
                                    "detected": found.as_dict() if found else None,
                                    "continues": base["id"] if base else None, "lines_before": lines_before,
                                    "skipped_bytes": source.skip}})
    type_rules = store.type_rules(db)
    assign = engine.Assign(import_id, parser.default_type, options.log_type, options.client, options.site,
                           TypeRules(type_rules) if type_rules is not None else TypeRules(),
                           HostRules(store.host_rules(db)), parser.row_flags, parser.infers_severity, lines_before,
                           redaction_store.redactor(db))
    writer = steps.StepWriter(db)
    try:
        store.wait_turn(db, import_id)
        collector = writer.patterns = Collector.load(db)  # after our turn: the previous import's patterns are in
        # Lean: an index rebuild's sort spills to a file and reads go unmapped, so memory stays flat
        # whatever the file's size (3,000,000 lines peaked at 400 MB with sorts in RAM).
        with db.lean(cache_size=IMPORT_CACHE_KIB), source.open() as reader:
            counts = _load(db, parser, reader, enc, assign, progress, done_before, total, size, source, fmt,
                           writer)
        writer.commit()
        log.debug("import %s: %d steps, the longest held the lock %.2f s", import_id, writer.steps, writer.longest)
        with db.transaction():
            notes = "; ".join(parser.notes) or None
            store.finish(db, import_id, "complete", counts.as_tuple(), notes and f"the reader warned: {notes}")
            redaction_store.add_counts(db, import_id, counts.redacted)
            collector.save(db)
            audit.append(db, "import", "import", import_id, new={
                "file": source.name, "sha256": sha, "format": fmt, "read": counts.read, "accepted": counts.accepted,
                "continuation": counts.continuation, "rejected": counts.rejected,
                **({"redacted": counts.redacted} if counts.redacted else {}),
                **({"continues": base["id"], "already_imported": lines_before} if base else {})}, actor=actor)
    except Cancelled:
        writer.abort()
        store.discard(db, import_id)
        store.delete(db, import_id)
        return FileResult(name, "cancelled", None, fmt, message=f"{name}: cancelled; nothing was kept",
                          seconds=time.perf_counter() - started)
    except Exception as exc:  # a damaged file must fail alone, with a one-line message
        log.warning("import of %s failed: %s", name, exc,
                    exc_info=not isinstance(exc, (OSError, ValueError, Reject)))
        try:
            writer.abort()
            store.discard(db, import_id)
            with db.transaction():
                store.finish(db, import_id, "failed", (0, 0, 0, 0), f"{exc}")
        except Exception:  # the row stays "running" and recovery marks it incomplete
            log.exception("could not mark import %s failed", import_id)
        return FileResult(name, "failed", import_id, fmt, message=f"{name}: import failed: {exc}; nothing was kept",
                          seconds=time.perf_counter() - started)
    return FileResult(name, "complete", import_id, fmt, *counts.as_tuple(), seconds=time.perf_counter() - started,
                      message=f"the reader warned: {notes}" if notes else "",
                      detected=found.as_dict() if found else None, already=lines_before,
                      continues=base["id"] if base else None, redacted=counts.redacted)


def _load(db: Database, parser: LineParser | RecordParser, reader: Any, enc: lines.Encoding | None,
          assign: engine.Assign, progress: Progress | None, done_before: int, total: int, size: int, source: Source,
          fmt: str, writer: steps.StepWriter) -> engine.Counts:
    child_pos = [-1]  # bytes the parsing process has read, when a second process parses

    def tick(c: engine.Counts) -> None:
        if progress is not None:
            pos = child_pos[0]
            if pos < 0:
                pos = parser.position if parser.position >= 0 else reader.position()
            progress.update(_counted(done_before + min(pos, size), total, c))
            progress.check()

    sink = engine.Sink(writer.events, writer.rejects, tick, writer.packed if writer.packs else None)
    if enc is not None and parallel.worth_it(parser, size):
        counts = parallel.run_lines(parser, source, enc, assign, sink, lambda pos: child_pos.__setitem__(0, pos))
    else:
        counts = _run(parser, reader, enc, assign, sink, source, fmt)
    if progress is not None:
        progress.update(_counted(done_before + size, total, counts))
    return counts


def _counted(done: int, total: int, c: engine.Counts) -> ProgressUpdate:
    return ProgressUpdate(done, max(total, 1), f"{c.read:,} lines", unit="bytes", lines=c.read, events=c.accepted,
                          rejected=c.rejected)


def _run(parser: LineParser | RecordParser, reader: Any, enc: lines.Encoding | None, assign: engine.Assign,
         sink: engine.Sink, source: Source, fmt: str) -> engine.Counts:
    if not isinstance(parser, RecordParser):
        assert enc is not None
        counts = engine.run_lines(parser, lines.iter_lines(reader.stream, enc), assign, sink)
        return engine.note_damage(damage_of(reader), assign, sink, counts)
    if fmt == "evtx":  # read by path: a .gz or zip member is copied out to a temporary file first
        with source.local_file() as local:
            records = parser.records_from_file(local, _safe_size(source))
            return engine.run_records(records, assign, sink, parser.batch)
    if parser.binary:
        return engine.run_records(parser.records_from_stream(reader.stream), assign, sink)
    assert enc is not None
    return engine.run_records(parser.records(lines.iter_lines(reader.stream, enc)), assign, sink)
