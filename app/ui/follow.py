"""Follow on the Events page: keep the newest events in view as they arrive, like ``tail -f`` viewers.

On, it sorts the table newest first and brings the top into view after every
reload (new rows from the window's collector, ``watch`` or the CLI reload the
page). The selected event stays selected when it is still among the rows listed
first. Scrolling away from the top (wheel, keys, the scroll bar) turns Follow
off, as in lnav or ``less +F``, so reading an older event is never yanked away.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton

from app.ui.browse_table import BrowseTable
from app.ui.models.keyset import KeysetTableModel

SHORTCUT = "Ctrl+Shift+F"


class Follower(QObject):
    """Drives ``button`` (checkable) over ``table``; ``on`` says whether it follows now."""

    def __init__(self, table: BrowseTable, button: QAbstractButton, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.model: KeysetTableModel = table.keyset_model()
        self.button = button
        self._moving = False  # our own scrolls and selections do not count as the user's
        self._keep: int | None = None  # the event selected before a reload
        button.setCheckable(True)
        button.setToolTip(f"Keep the newest events in view as they arrive ({SHORTCUT}); scrolling away turns it off")
        page = table.parentWidget() or table
        self.action = QAction("Follow", page)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.action.triggered.connect(button.toggle)
        page.addAction(self.action)
        button.toggled.connect(self._toggled)
        table.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.model.modelAboutToBeReset.connect(self._before_reload)
        self.model.rowsInserted.connect(lambda *_a: self._rows_arrived())
        self.model.dataChanged.connect(lambda *_a: self._rows_arrived())

    @property
    def on(self) -> bool:
        return self.button.isChecked()

    def _toggled(self, on: bool) -> None:
        if not on:
            return
        header = self.table.horizontalHeader()
        time_col = next(i for i, c in enumerate(self.model.COLUMNS) if c.sort == "time")
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (time_col, Qt.SortOrder.DescendingOrder):
            header.setSortIndicator(time_col, Qt.SortOrder.DescendingOrder)  # reloads newest first
        self._to_top()

    def _scrolled(self, value: int) -> None:
        if self.on and not self._moving and value > self.table.verticalScrollBar().minimum():
            self.button.setChecked(False)

    def _before_reload(self) -> None:
        if self.on:
            row = self.table.currentIndex().row()
            self._keep = self.model.record_id(row) if row >= 0 else self._keep

    def _rows_arrived(self) -> None:
        if not self.on:
            return
        loaded = self.model.loaded_prefix()
        if self._keep is not None and loaded:
            keep, self._keep = self._keep, None
            row = next((r for r in range(loaded) if self.model.record_id(r) == keep), -1)
            if row >= 0:
                self._select(row)
        self._to_top()

    def _select(self, row: int) -> None:
        self._moving = True
        try:
            self.table.selectRow(row)
        finally:
            self._moving = False

    def _to_top(self) -> None:
        self._moving = True
        try:
            self.table.scrollToTop()
        finally:
            self._moving = False
