"""The Patterns page: the recurring problems behind the shared filter's events, with New and Spiking badges.

All SQL runs in one ``DbOp`` (``app.patterns.listing`` with the page's extras), so the
first paint never waits on the database; double-clicking a pattern lists its events.
Selecting one shows its known fixes (articles and past resolved incidents) under the table.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.filters import Filter
from app.domain.jobs import Progress
from app.patterns import backfill
from app.patterns.listing import listing
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp, Kind
from app.ui.filter_bar import FilterBar
from app.ui.known_fixes import KnownFixes
from app.ui.models.patterns import MIX, TREND, PatternsModel, SeverityMixDelegate, SparklineDelegate
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui.patterns")
SORTS = {"count": "Most events", "growth": "Fastest growing", "new": "Newest"}


class PatternsPage(QWidget):
    """Signals: none (follows ``session.filter_changed`` and ``session.data_changed``)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.filter_bar = FilterBar(session, self, kind="events")
        self.sort = QComboBox()
        self.sort.setObjectName("patternsSort")
        for key, label in SORTS.items():
            self.sort.addItem(label, key)
        self.sort.activated.connect(lambda _i: self.load())
        self.count_label = QLabel()
        self.count_label.setObjectName("patternsCount")
        self.model = PatternsModel(session.zone, self)
        self.table = QTableView()
        self.table.setObjectName("patternsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(TREND, SparklineDelegate(self.table))
        self.table.setItemDelegateForColumn(MIX, SeverityMixDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line a pattern: the tool tips hold the full template and hosts
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((300, 70, 65, 100, 135, 135, 90, 110)):
            self.table.setColumnWidth(col, width)
        self.table.doubleClicked.connect(self._drill)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.menu: QMenu | None = None
        self.known_fixes = KnownFixes(session, self)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.known_fixes.show_patterns([p] if (p := self.model.pattern_id(cur.row())) else []))
        self.model.modelReset.connect(self.known_fixes.clear)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.known_fixes)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addStretch()
        bar.addWidget(QLabel("Sort by"))
        bar.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_bar)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self._task: workers.Task | None = None
        self._generation = 0
        session.filter_changed.connect(lambda _f: self.load())
        session.data_changed.connect(self.load)
        session.zone_changed.connect(self._zone_changed)
        self.load()

    def sort_key(self) -> str:
        return str(self.sort.currentData())

    def load(self) -> None:
        """List the patterns of the session's filter in the background; a newer load drops an older one's rows."""
        if self._task is not None:
            self._task.cancel()
        self._generation += 1
        gen, f, zone, sort = self._generation, self.session.filter, self.session.zone, self.sort_key()
        self.count_label.setText("Loading patterns…")

        def work(db: Database, _progress: Progress) -> tuple[list[dict[str, Any]], int]:
            return listing(db, f, zone, sort, detail=True), backfill.pending(db)

        def done(result: tuple[list[dict[str, Any]], int]) -> None:
            if gen == self._generation:
                self._show(*result, f)

        def failed(message: str, _details: str) -> None:
            if gen == self._generation:
                self.count_label.setText(f"Could not list patterns: {message}")

        self._task = DbOp(self, self.session.db_path, work, on_success=done, on_failure=failed,
                          kind=Kind.LEAN).run_in_background()

    def _show(self, rows: list[dict[str, Any]], unmined: int, f: Filter) -> None:
        self.model.set_rows(rows)
        new, spiking = sum(r["new"] for r in rows), sum(r["spiking"] for r in rows)
        text = f"{len(rows):,} patterns" + (" (filtered)" if not f.is_empty() else "")
        text = f"{text} · {new:,} new · {spiking:,} spiking"
        if unmined:  # older imports: say so rather than leave their events out silently
            text += f" · {unmined:,} events have no pattern yet (run: issue-ledger patterns --rebuild)"
        self.count_label.setText(text)

    def _zone_changed(self, zone: Any) -> None:
        self.model.zone = zone
        self.load()

    def _drill(self, index: QModelIndex) -> None:
        """List the pattern's events: the shared filter narrowed to it, on the Events page."""
        pid = self.model.pattern_id(index.row())
        if pid is None:
            return
        self.session.set_filter(self.session.filter.replace(pattern_id=pid))
        window = self.window()
        if hasattr(window, "show_page"):
            window.show_page("events")

    def _context_menu(self, pos: QPoint) -> QMenu | None:
        """List the pattern's events, or watch it with a new alert rule."""
        index = self.table.indexAt(pos)
        if not index.isValid():
            return None
        self.table.selectRow(index.row())
        pid = self.model.pattern_id(index.row())
        menu = QMenu(self)
        menu.setObjectName("patternMenu")
        menu.addAction("List its events", lambda: self._drill(index))
        alert = menu.addAction("New alert rule from this pattern…", lambda: self.new_alert_rule(pid))
        alert.setEnabled(pid is not None and not self.session.db.read_only)
        self.menu = menu
        menu.popup(self.table.viewport().mapToGlobal(pos))
        return menu

    def new_alert_rule(self, pattern_id: int | None) -> QWidget | None:
        """The rule editor on a new rule watching ``pattern_id`` (a count rule to start with)."""
        if pattern_id is None:
            return None
        from app.ui.rule_dialog import edit_rule

        self.rule_dialog = edit_rule(self.session, None, self, pattern_id)
        return self.rule_dialog
