"""A file or folder source read into its import: parse the follower's chunks, store each batch in one transaction.

``FileSource.pass_(db)`` is one look at the source's files. The format is
detected once, on the first file with lines (or named on the source); each
chunk's lines go through the import's own loop (``app.ingest.engine.run_lines``)
with the source's options, and the events, rejects, counts and new offsets of
up to ``BATCH_LINES`` lines are committed together (``app.store.sources.commit_batch``).
After each commit the ``app.collect.hooks`` run.
"""

from __future__ import annotations

import io
import logging
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.collect import hooks
from app.collect.files import Chunk, FileFollower
from app.domain import timeutil
from app.ingest import engine, lines
from app.ingest.formats.base import LineParser, Reject
from app.ingest.rules import HostRules, TypeRules
from app.ingest.service import ImportOptions, choose_format, make_parser
from app.ingest.sources import Source, SourceError
from app.store import imports as import_store, redaction as redaction_store, sources as store
from app.store.database import Database

log = logging.getLogger("issue_ledger.collect")
BATCH_LINES = 20_000  # lines committed in one transaction at most (a burst becomes several)


@dataclass
class Parsed:
    """One chunk read: its counts, event rows and rejects, and the text its first lines add to an earlier event."""

    chunk: Chunk
    counts: engine.Counts
    rows: list[Any]
    rejects: list[Any]
    joined: tuple[int, str] | None = None  # (event id, "\nline\nline")


class NotFollowable(Exception):
    """The source's files cannot be read line by line as they grow (binary, UTF-16, multi-line records)."""


class FileSource:
    """One ``file`` or ``folder`` row of ``sources``, followed."""

    def __init__(self, db: Database, row: dict[str, Any]) -> None:
        self.row = row
        self.id = int(row["id"])
        self.import_id = int(row["import_id"])
        path = Path(row["path"])
        states = store.files(db, self.id)
        if row["kind"] == "file":
            self.follower = FileFollower(self.id, path.parent, name=path.name, states=states)
        else:
            self.follower = FileFollower(self.id, path, glob=row["glob"] or "*", states=states)
        self.parser: LineParser | None = None
        self.assign: engine.Assign | None = None
        self.error: str | None = row.get("last_error")
        self.lag = int(row.get("lag_bytes") or 0)
        imported = import_store.get(db, self.import_id)
        self.detected = imported["format"] if imported else None  # kept from an earlier run: the same parser again
        self.last_commit = time.monotonic()
        # Per file (device, inode): the id of the last event stored from it in this run, which continuation
        # lines arriving in a later batch join (after a restart such lines are rejects, as in an import).
        self.last_event: dict[tuple[int, int], int] = {}

    def options(self) -> ImportOptions:
        r = self.row
        return ImportOptions(format=r["format"] or self.detected, zone=timeutil.get_zone(r["zone"]),
                             zone_name=r["zone"] or "local", log_type=r["log_type"], client=r["client"], site=r["site"])

    def _prepare(self, db: Database, path: str) -> None:
        """Choose the format on the first file that has lines, and build the parser once."""
        source, options = Source(Path(path)), self.options()
        fmt, enc, sample = choose_format(source, options)
        if enc is None or enc.name.startswith("utf-16"):
            raise NotFollowable(f"{path}: {enc.name if enc else 'a binary log'} cannot be followed line by line; "
                                "import it instead")
        parser = make_parser(fmt, source, options, sample)
        if not isinstance(parser, LineParser):
            raise NotFollowable(f"{path}: format {fmt} reads multi-line records and cannot be followed; "
                                "choose a line format with --format")
        type_rules = import_store.type_rules(db)
        self.parser = parser
        found = redaction_store.redactor(db)  # the rules on when collection started, as a file import takes them
        self.redactor = found if found.active else None
        self.assign = engine.Assign(self.import_id, parser.default_type, options.log_type, options.client,
                                    options.site, TypeRules(type_rules) if type_rules is not None else TypeRules(),
                                    HostRules(import_store.host_rules(db)), parser.row_flags, parser.infers_severity,
                                    redactor=self.redactor)
        store.set_format(db, self.import_id, fmt)

    def pass_(self, db: Database, take_partial: bool = False) -> int:
        """Read and store what the files hold now (one batch per ``BATCH_LINES``); returns the lines stored."""
        chunks = self.follower.poll(take_partial=take_partial)
        errors = list(self.follower.errors)
        stored = 0
        if chunks and self.parser is None:
            try:
                self._prepare(db, chunks[0].path)
            except (Reject, SourceError, NotFollowable, lines.BinaryFileError, OSError, ValueError) as exc:
                errors.insert(0, str(exc) if str(exc).startswith(chunks[0].path) else f"{chunks[0].path}: {exc}")
                chunks = []
        batch: list[Parsed] = []
        size = 0
        for chunk in chunks:
            parsed = self._parse(chunk)
            batch.append(parsed)
            size += parsed.counts.read
            if size >= BATCH_LINES:
                stored += self._commit(db, batch)
                batch, size = [], 0
        if batch:
            stored += self._commit(db, batch)
        self._remember(db)
        self._status(db, errors[0] if errors else None, self.follower.lag)
        return stored

    def _parse(self, chunk: Chunk) -> Parsed:
        """The chunk's events and rejects; its leading continuation lines join the file's last stored event."""
        assert self.parser is not None and self.assign is not None
        text = list(lines.iter_lines(io.BytesIO(chunk.data), lines.Encoding("utf-8", 0)))
        key = (chunk.state.device, chunk.state.inode)
        lead = 0
        if key in self.last_event and chunk.state.line_no > 0:
            while lead < len(text) and self._continues(text[lead][0]):
                lead += 1
        rows: list[Any] = []
        rejects: list[Any] = []
        self.assign.line_base = chunk.state.line_no + lead
        counts = engine.run_lines(self.parser, iter(text[lead:]), self.assign,
                                  engine.Sink(rows.extend, rejects.extend))
        counts.read += lead
        counts.continuation += lead
        chunk.state.line_no += counts.read  # saved with the batch: the next line's number
        joined = (self.last_event[key], self._redacted("".join(f"\n{t}" for t, _f in text[:lead]), counts)) \
            if lead else None
        return Parsed(chunk, counts, rows, rejects, joined)

    def _redacted(self, text: str, counts: engine.Counts) -> str:
        """Continuation text joining a stored event goes through the same PII rules as a row (counted too)."""
        if self.redactor is None:
            return text
        tally: Counter[str] = Counter()
        text = self.redactor.redact(text, self.assign.client if self.assign else None, tally)
        for kind, n in tally.items():
            counts.redacted[kind] = counts.redacted.get(kind, 0) + n
        return text

    def _continues(self, text: str) -> bool:
        """A line without a time stamp: the rest of the event before it (a stack trace's next line)."""
        assert self.parser is not None
        try:
            return self.parser.parse(text) is None
        except (Reject, ValueError):
            return False

    def _commit(self, db: Database, batch: list[Parsed]) -> int:
        now = time.monotonic()
        elapsed, self.last_commit = max(now - self.last_commit, 0.2), now
        rows = [r for item in batch for r in item.rows]
        rejects = [r for item in batch for r in item.rejects]
        totals = [sum(item.counts.as_tuple()[i] for item in batch) for i in range(4)]
        with db.transaction():
            for item in batch:
                if item.joined:
                    store.extend_event(db, *item.joined)
            first, last = store.commit_batch(db, self.id, self.import_id, rows, rejects, totals,
                                             [item.chunk.state for item in batch], elapsed)
            redacted: Counter[str] = Counter()
            for item in batch:
                redacted.update(item.counts.redacted)
            redaction_store.add_counts(db, self.import_id, redacted)
        next_id = first
        for item in batch:
            self.follower.done(item.chunk)
            if item.rows:
                next_id += len(item.rows)
                self.last_event[(item.chunk.state.device, item.chunk.state.inode)] = next_id - 1
        if first:
            hooks.after_batch(db, self.import_id, first, last)
        return totals[0]

    def _remember(self, db: Database) -> None:
        """Save renamed files' new paths and drop the rows of files gone for good."""
        follower = self.follower
        moved = [follower.states[k] for k in follower.moved if k in follower.states and follower.states[k].id]
        if moved:
            with db.transaction():
                for state in moved:
                    store.save_file(db, state)
        for state in follower.forgotten:
            store.forget_file(db, state)
        follower.moved.clear()
        follower.forgotten.clear()

    def _status(self, db: Database, error: str | None, lag: int) -> None:
        if error != self.error:
            store.record_error(db, self.id, error)
            self.error = error
        if lag != self.lag:
            store.set_lag(db, self.id, lag)
            self.lag = lag

    def close(self) -> None:
        self.follower.close()
