"""Help ▸ Keyboard shortcuts: every shortcut the window's actions carry, found at open time.

Collected from the live actions, so shortcuts that pages add show up without a
list to keep in sync.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

# Keys handled by widgets rather than actions, worth telling people about.
WIDGET_KEYS: tuple[tuple[str, str, str], ...] = (
    ("Tables", "Copy selected rows", "Ctrl+C"),
    ("Tables", "Select all rows", "Ctrl+A"),
    ("Dialogs", "Close without saving", "Esc"),
)


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".").strip()


def collect(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(where, what, keys) for each action with a shortcut, menus first in menu order."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} ▸ {_clean(action.text())}")  # type: ignore[arg-type]
                continue
            seen.add(id(action))
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            if keys:
                rows.append((path, _clean(action.text()), keys))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _clean(top.text()))  # type: ignore[arg-type]
    for action in window.findChildren(QAction):
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        if keys and id(action) not in seen and action.text():
            rows.append(("Window", _clean(action.text()), keys))
    rows.extend(WIDGET_KEYS)
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 520)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type to find a command or a key…")
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for row, cells in enumerate(collect(window)):
            self.table.insertRow(row)
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self.apply_search)
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def apply_search(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.rowCount()):
            cells = " ".join(self._cell(row, c).lower() for c in range(3))
            self.table.setRowHidden(row, bool(needle) and needle not in cells)

    def visible_rows(self) -> list[tuple[str, str, str]]:
        return [(self._cell(r, 0), self._cell(r, 1), self._cell(r, 2))
                for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)]

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)  # every cell is filled when the table is built
        return item.text() if item is not None else ""
