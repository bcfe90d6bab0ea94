"""A table model over a filtered SQL listing that never loads all rows.

Rows come in blocks of ``BLOCK`` fetched by keyset (after the last key of the
block before, from the end for the tail, or from a sparse anchor for a jump to
the middle), all in a worker; a small LRU cache holds recent blocks. Until the
background count arrives the model grows block by block; then it reports the
full row count and fills rows as they are scrolled to.

Signals:
    count_changed(int, bool): rows known so far, and whether that is the final total.
    loading_changed(bool): a block or count is in flight.
    failed(str): the listing could not be read (a time it cannot read, a locked file...).
    scan_progress(int, int): a regex count has tested this many rows of that many.
    scan_cancelled(): ``cancel`` stopped the reads; the rows already listed stay.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.domain.filters import Filter
from app.domain.jobs import Progress, ProgressUpdate
from app.store.browse import Browse, Key
from app.store.database import Database
from app.store.filter_sql import FilterError
from app.ui.models.runner import SqlRunner
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui.models")

BLOCK = 256
CACHE_BLOCKS = 40
TAIL_BLOCKS = 4

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort: str | None = None  # Browse sort name when sortable


class KeysetTableModel(QAbstractTableModel):
    count_changed = Signal(int, bool)
    loading_changed = Signal(bool)
    failed = Signal(str)
    scan_progress = Signal(int, int)
    scan_cancelled = Signal()

    KIND = "events"
    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, session: Session, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = SqlRunner(session.db_path, self)
        self._filter = Filter()
        self._sort = "time"
        self._descending = True
        self._generation = 0
        self._browse: Browse | None = None
        self._blocks: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._pending: set[int] = set()
        self._waiting: set[int] = set()
        self._rows = 0
        self._total: int | None = None
        self._anchors: list[Key] | None = None
        self._tasks: list[Any] = []
        self._grow_more = False

    # -- what to show ------------------------------------------------------------------
    @property
    def filter(self) -> Filter:
        return self._filter

    @property
    def total(self) -> int | None:
        return self._total

    def set_filter(self, f: Filter) -> None:
        self._filter = f
        self.reload()

    def set_sort(self, sort: str, descending: bool = True) -> None:
        self._sort, self._descending = sort, descending
        self.reload()

    def reload(self, now: dt.datetime | None = None) -> None:
        """Start over: drop the cache, fetch the first block and count in the background."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        self._generation += 1
        self.beginResetModel()
        self._blocks.clear()
        self._pending.clear()
        self._waiting.clear()
        self._rows = 0
        self._total = None
        self._anchors = None
        self._grow_more = False
        try:
            self._browse = Browse(self.KIND, self._filter, self.session.zone, self._sort, self._descending, now)
        except FilterError as exc:  # a time that cannot be read: nothing to list
            self._browse = None
            self.endResetModel()
            self.count_changed.emit(0, False)
            self.loading_changed.emit(False)
            self.failed.emit(str(exc))
            return
        self.endResetModel()
        self.count_changed.emit(0, False)
        self.loading_changed.emit(True)
        self._request(0)
        self._start_count()

    def cancel(self) -> None:
        """Stop the count and page reads in flight (a long regex scan); rows already listed stay."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        self._generation += 1  # results still on their way are dropped
        self._pending.clear()
        self._waiting.clear()
        self._grow_more = False
        self.loading_changed.emit(False)
        self.scan_cancelled.emit()

    def wait(self, ms: int = 10_000) -> bool:
        """Block until queued SQL is done (tests and shutdown only)."""
        return self.runner.wait(ms)

    # -- background work -------------------------------------------------------------------
    def _run(self, fn: Any, done: Any, slow: bool = False) -> None:
        gen = self._generation

        def on_progress(update: ProgressUpdate) -> None:
            if gen == self._generation:
                self.scan_progress.emit(update.done, update.total)  # rows tested by the regex, of how many

        def on_success(result: Any) -> None:
            if gen == self._generation:
                done(result)

        def on_failure(message: str, _details: str) -> None:
            if gen == self._generation:
                self.loading_changed.emit(False)
                self.failed.emit(message)

        task = self.runner.run(fn, on_success, on_failure, slow, on_progress, parent=self)
        self._tasks = [t for t in self._tasks if not t.progress.cancelled][-20:] + [task]

    def _start_count(self) -> None:
        browse = self._browse
        assert browse is not None

        def count(db: Database, progress: Progress) -> int:
            def report(tested: int, total: int) -> None:
                progress.report(tested, total, "regex")

            return browse.count(db, lambda: progress.cancelled, report if browse.unscanned is not None else None)

        self._run(count, self._count_ready, slow=True)

    def _count_ready(self, total: int) -> None:
        self._total = total
        if total > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, total - 1)
            self._rows = total
            self.endInsertRows()
        elif total < self._rows:  # rows deleted since the first block: shrink
            self.beginRemoveRows(QModelIndex(), total, self._rows - 1)
            self._rows = total
            self.endRemoveRows()
        self.count_changed.emit(total, True)
        self.loading_changed.emit(bool(self._pending))
        if total > BLOCK * TAIL_BLOCKS * 2:
            browse = self._browse
            assert browse is not None
            self._run(lambda db, p: browse.anchors(db, BLOCK, lambda: p.cancelled), self._anchors_ready, slow=True)
        else:
            self._anchors = []

    def _anchors_ready(self, anchors: list[Key]) -> None:
        self._anchors = anchors
        waiting = sorted(self._waiting)
        self._waiting.clear()
        for block in waiting:
            self._request(block)

    def _plan(self, block: int) -> tuple[Key | None, bool, bool, int] | None:
        """How to fetch ``block``: (key, reverse, inclusive, limit), or None when it must wait for anchors."""
        if block == 0:
            return None, False, False, BLOCK
        prev = self._blocks.get(block - 1)
        if prev:
            return prev[-1]["_key"], False, False, BLOCK
        if self._total is not None and self._total - block * BLOCK <= BLOCK * TAIL_BLOCKS:
            return None, True, False, self._total - block * BLOCK
        if self._anchors is not None and block - 1 < len(self._anchors):
            return self._anchors[block - 1], False, True, BLOCK
        nxt = self._blocks.get(block + 1)
        if nxt:
            return nxt[0]["_key"], True, False, BLOCK
        return None

    def _request(self, block: int) -> None:
        if block in self._pending or block in self._blocks:
            return
        plan = self._plan(block)
        if plan is None:
            self._waiting.add(block)
            return
        key, reverse, inclusive, limit = plan
        browse = self._browse
        assert browse is not None
        self._pending.add(block)
        self.loading_changed.emit(True)

        def fetch(db: Database, progress: Progress) -> list[dict[str, Any]]:
            rows = browse.page(db, key, limit, reverse, inclusive, lambda: progress.cancelled)
            if reverse:
                rows.reverse()
                rows = rows[:BLOCK]
            return self.decorate(db, rows)

        self._run(fetch, lambda rows, b=block: self._block_ready(b, rows))

    def decorate(self, db: Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add computed fields in the worker (subclasses: e.g. SLA state)."""
        return rows

    def _block_ready(self, block: int, rows: list[dict[str, Any]]) -> None:
        self._pending.discard(block)
        self._blocks[block] = rows
        self._blocks.move_to_end(block)
        while len(self._blocks) > CACHE_BLOCKS:
            self._blocks.popitem(last=False)
        start = block * BLOCK
        if self._total is None:
            end = start + len(rows)
            if end > self._rows:
                self.beginInsertRows(QModelIndex(), self._rows, end - 1)
                self._rows = end
                self.endInsertRows()
                self.count_changed.emit(self._rows, False)
            self._grow_more = len(rows) == BLOCK
        elif rows:
            last = min(start + len(rows), self._rows) - 1
            if last >= start:
                self.dataChanged.emit(self.index(start, 0), self.index(last, self.columnCount() - 1))
        self.loading_changed.emit(bool(self._pending) or self._total is None)

    # -- Qt model interface ------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802 - Qt override
        return not parent.isValid() and self._total is None and self._grow_more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802 - Qt override
        if self.canFetchMore(parent):
            self._grow_more = False
            self._request(self._rows // BLOCK)

    def row(self, row: int, fetch: bool = True) -> dict[str, Any] | None:
        """The stored row at ``row``, or None while its block loads (then it is requested)."""
        if not 0 <= row < self._rows:
            return None
        block = row // BLOCK
        rows = self._blocks.get(block)
        if rows is None:
            if fetch:
                self._request(block)
            return None
        self._blocks.move_to_end(block)
        offset = row - block * BLOCK
        return rows[offset] if offset < len(rows) else None

    def headerData(  # noqa: N802 - Qt override
            self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.COLUMNS[section].title
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS) or self.COLUMNS[column].sort is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (self.COLUMNS[column].sort, descending) != (self._sort, self._descending):
            self.set_sort(self.COLUMNS[column].sort or "time", descending)

    # No flags() override: Qt's own (enabled, selectable) answers in C++, where a Python one was called
    # for every cell of a selection (9,000,000 calls for Ctrl+A on a million rows).

    def loaded_prefix(self) -> int:
        """How many rows from the top are loaded, with no gap (what Select all takes)."""
        n, block = 0, 0
        while (rows := self._blocks.get(block)) is not None:
            n = block * BLOCK + len(rows)
            if len(rows) < BLOCK:
                break
            block += 1
        return min(n, self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.COLUMNS):
            return None
        record = self.row(index.row(), fetch=role == Qt.ItemDataRole.DisplayRole)
        column = self.COLUMNS[index.column()]
        if record is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        return self.cell(record, column, role)

    def cell(self, record: dict[str, Any], column: Column, role: int) -> Any:
        """One cell's data for ``role``; subclasses format and colour."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = record.get(column.key)
            return "" if value is None else str(value)
        return None

    # -- selections -------------------------------------------------------------------
    def record_id(self, row: int) -> int | None:
        record = self.row(row, fetch=False)
        return None if record is None else int(record["id"])

    def rows_as_tsv(self, rows: list[int]) -> str:
        """Loaded rows as tab-separated text with a header line (for the clipboard)."""
        lines = ["\t".join(c.title for c in self.COLUMNS)]
        for r in sorted(rows):
            record = self.row(r, fetch=False)
            if record is None:
                continue
            cells = [str(self.cell(record, c, Qt.ItemDataRole.DisplayRole) or "") for c in self.COLUMNS]
            lines.append("\t".join(v.replace("\t", " ").replace("\n", " ") for v in cells))
        return "\n".join(lines) + "\n"
