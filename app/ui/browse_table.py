"""The table view both browsers use: J/K and arrows, Enter, Ctrl+C as TSV, saved column state.

Right-click a column header to hide or show columns; the choice is kept with the
widths and order.

Signals:
    activated_row(int): Enter or double-click on a row.
    current_row_changed(int): the current row moved (-1 for none).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelection, QItemSelectionModel, QModelIndex, QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from app.ui.models.keyset import KeysetTableModel


class BrowseTable(QTableView):
    """The browsers' table view.

    Signals:
        activated_row(int): Enter or double-click on a row.
        current_row_changed(int): the current row moved (-1 for none).
    """

    activated_row = Signal(int)
    current_row_changed = Signal(int)

    def __init__(self, model: KeysetTableModel, settings_key: str, parent: QWidget | None = None,
                 sort_column: int = 0) -> None:
        """``sort_column`` is sorted newest/highest first until the user picks another (then remembered)."""
        super().__init__(parent)
        self.settings_key = settings_key
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.setSortingEnabled(True)
        header.setSortIndicator(sort_column, Qt.SortOrder.DescendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.doubleClicked.connect(lambda index: self.activated_row.emit(index.row()))
        self.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.current_row_changed.emit(cur.row() if cur.isValid() else -1))
        self._sort_section = sort_column
        self._sort_order = Qt.SortOrder.DescendingOrder
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.restore_state()
        header.sectionMoved.connect(lambda *_a: self.save_state())
        header.sectionResized.connect(lambda *_a: self.save_state())
        header.sortIndicatorChanged.connect(lambda *_a: self.save_state())

    def keyset_model(self) -> KeysetTableModel:
        return self.model()  # type: ignore[return-value]

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        """Only some columns sort (those with an index behind them); put the arrow back otherwise."""
        columns = self.keyset_model().COLUMNS
        if 0 <= section < len(columns) and columns[section].sort is None:
            # Put back the column and its direction: Qt flips the order on every header click.
            header = self.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self._sort_section, self._sort_order)
            header.blockSignals(False)
            return
        self._sort_section, self._sort_order = section, order

    # -- column state -------------------------------------------------------------------
    def column_menu(self) -> QMenu:
        """One checkable entry per column; the last visible column cannot be hidden."""
        header = self.horizontalHeader()
        menu = QMenu(self)
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        for i, column in enumerate(self.keyset_model().COLUMNS):
            action = menu.addAction(column.title)
            action.setCheckable(True)
            action.setChecked(i in shown)
            action.setEnabled(shown != [i])
            action.toggled.connect(lambda on, i=i: self.set_column_shown(i, on))
        return menu

    def set_column_shown(self, section: int, shown: bool) -> None:
        self.horizontalHeader().setSectionHidden(section, not shown)
        self.save_state()

    def _header_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.horizontalHeader().mapToGlobal(pos))

    def save_state(self) -> None:
        QSettings().setValue(f"tables/{self.settings_key}", self.horizontalHeader().saveState())

    def restore_state(self) -> bool:
        state = QSettings().value(f"tables/{self.settings_key}")
        if isinstance(state, QByteArray) and not state.isEmpty():
            return bool(self.horizontalHeader().restoreState(state))
        return False

    # -- keyboard -------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if plain and key in (Qt.Key.Key_J, Qt.Key.Key_K):
            self.move_current(1 if key == Qt.Key.Key_J else -1)
            return
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            row = self.currentIndex().row()
            if row >= 0:
                self.activated_row.emit(row)
            return
        super().keyPressEvent(event)

    def move_current(self, step: int) -> None:
        rows = self.model().rowCount()
        if not rows:
            return
        row = max(0, min(rows - 1, self.currentIndex().row() + step if self.currentIndex().isValid() else 0))
        index = self.model().index(row, max(0, self.currentIndex().column()))
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(index)

    def selected_rows(self, limit: int = 10_000) -> list[int]:
        """Selected row numbers, at most ``limit`` (read from ranges: Ctrl+A on a million rows stays cheap)."""
        rows: set[int] = set()
        for r in self.selectionModel().selection():  # type: ignore[attr-defined]  # a QList; the stub has no __iter__
            for row in range(r.top(), r.bottom() + 1):
                if len(rows) >= limit:
                    return sorted(rows)
                rows.add(row)
        return sorted(rows)

    def selectAll(self) -> None:  # noqa: N802 - Qt override
        """Select the rows loaded from the top, not the whole result.

        Selecting a million rows kept Qt busy for 24-46 s, and only loaded rows have
        ids to copy or link anyway; scroll further (or narrow the filter) to take more.
        """
        model = self.keyset_model()
        n = model.loaded_prefix()
        if n:
            top, bottom = model.index(0, 0), model.index(n - 1, model.columnCount() - 1)
            self.selectionModel().select(QItemSelection(top, bottom),
                                         QItemSelectionModel.SelectionFlag.ClearAndSelect
                                         | QItemSelectionModel.SelectionFlag.Rows)

    def has_selection(self) -> bool:
        return self.selectionModel().hasSelection()

    def copy_selection(self) -> str:
        """Put the selected (loaded) rows on the clipboard as TSV with a header."""
        text = self.keyset_model().rows_as_tsv(self.selected_rows())
        QGuiApplication.clipboard().setText(text)
        return text

    def go_to_row(self, row: int) -> QModelIndex:
        index = self.model().index(row, 0)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(index)
        return index
