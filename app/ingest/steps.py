"""Writing an import's rows in short transactions, so no other writer waits on a long import.

Each step holds the write lock for about ``STEP_SECONDS`` (or ``STEP_ROWS``
events, whichever comes first); between steps another process can write an
incident or a rule. The rows of an unfinished import stay hidden from every read
(``app.store.visibility``), and the caller commits the import's final counts in
one last short transaction of its own, so the import still appears whole or not at all.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import Any

from app.domain.event_row import MESSAGE, SEVERITY, TS
from app.patterns.collect import Collector
from app.store import events as event_store, imports as store
from app.store.database import Database
from app.store.event_sql import NameIds, pack_rows, stored_table

STEP_SECONDS = 0.8  # inserting, before the step's full-text rows (~0.3 s more) and commit
STEP_ROWS = 50_000  # at most this many events a step
CHUNK = 5_000  # events inserted between looks at the clock
# After each step the lock is left free at least this long: SQLite's busy handler looks again only every
# 100 ms, so without a pause the import would take the lock straight back and a waiting writer could starve.
# Work done without the lock (taking the next batch from the parsing process, labelling its patterns) counts.
STEP_PAUSE_S = 0.11


class StepWriter:
    """The import's sink for events and rejects: commits every ``STEP_SECONDS`` or ``STEP_ROWS``.

    ``commit`` ends the step in progress; ``abort`` rolls it back (the caller then
    discards the steps already committed).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._step: contextlib.ExitStack | None = None
        self._started = 0.0
        self._rows = 0
        self.steps = 0  # committed steps, for tests and the log
        self.longest = 0.0  # the longest a step held the lock, in seconds
        self.patterns: Collector | None = None  # set once the import has its turn: labels each event
        self.names = NameIds(db)  # dictionary ids, kept across the steps
        self.packs = stored_table(db) == "event_data"  # else a file not yet migrated: rows go as they are
        self._freed = -STEP_PAUSE_S  # when the last step let go of the lock (monotonic)

    def _open(self) -> None:
        if self._step is None:
            wait = STEP_PAUSE_S - (time.monotonic() - self._freed)
            if wait > 0:
                time.sleep(wait)
            # The full-text rows of a step are built in one statement at its end (half the writing time);
            # the secondary indexes stay live: rebuilding them each step would cost the whole table every time.
            step = contextlib.ExitStack()
            step.enter_context(self.db.transaction())
            try:
                step.enter_context(store.full_text_after(self.db))
            except BaseException:
                step.close()
                raise
            self._step, self._started, self._rows = step, time.monotonic(), 0

    def _due(self) -> bool:
        return self._rows >= STEP_ROWS or time.monotonic() - self._started >= STEP_SECONDS

    def events(self, rows: Sequence[Any]) -> None:
        """Rows in ``EVENT_COLUMNS`` order (parsed in this process)."""
        if self.packs:
            self.packed(pack_rows(rows))
            return
        for at in range(0, len(rows), CHUNK):
            self._open()
            chunk = rows[at:at + CHUNK]
            if self.patterns is not None:
                label = self.patterns.label
                chunk = [(*r, label(r[MESSAGE], r[TS], r[SEVERITY])) for r in chunk]
            event_store.insert_many(self.db, chunk, with_pattern=self.patterns is not None)
            self._rows += len(chunk)
            if self._due():
                self.commit()

    def packed(self, rows: Sequence[Any]) -> None:
        """Rows from ``event_sql.pack_rows``; their patterns are labelled before the step takes the lock."""
        pats = self.patterns.label_packed(rows) if self.patterns is not None else None
        for at in range(0, len(rows), CHUNK):
            self._open()
            event_store.insert_packed(self.db, rows[at:at + CHUNK], self.names,
                                      None if pats is None else pats[at:at + CHUNK])
            self._rows += min(CHUNK, len(rows) - at)
            if self._due():
                self.commit()
        if self._step is not None and self._rows and self._overrun(len(rows)):
            self.commit()  # now, while the next batch is read and labelled, rather than in the middle of it

    def _overrun(self, batch: int) -> bool:
        """Another batch like the last one would take the step past its rows or its time."""
        spent = time.monotonic() - self._started
        return self._rows + batch > STEP_ROWS or spent * (self._rows + batch) / self._rows > STEP_SECONDS

    def rejects(self, rows: Sequence[Sequence[Any]]) -> None:
        self._open()
        store.insert_rejects(self.db, rows)

    def commit(self) -> None:
        """End the current step (its rows stay hidden until the import's final commit)."""
        if self._step is not None:
            step, self._step = self._step, None
            step.close()
            self.steps += 1
            self._freed = time.monotonic()
            self.longest = max(self.longest, self._freed - self._started)

    def abort(self) -> None:
        """Roll back the step in progress."""
        if self._step is not None:
            step, self._step = self._step, None
            step.__exit__(RuntimeError, RuntimeError("import stopped"), None)
