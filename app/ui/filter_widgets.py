"""Small widgets the filter bar is built from: the facet picker popup and removable chips.

Kept apart from ``filter_bar`` so each file stays one concern.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class FacetPopup(QFrame):
    """A checkable list of values with their counts, shown under a picker button.

    Signals:
        chosen(list): the user pressed Apply; the checked values (raw, not labels).
    """

    chosen = Signal(list)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("facetPopup")
        layout = QVBoxLayout(self)
        self.title = QLabel(f"<b>{title}</b>")
        self.finder = QLineEdit()
        self.finder.setPlaceholderText("Find a value…")
        self.finder.setClearButtonEnabled(True)
        self.finder.textChanged.connect(self._narrow)
        self.status = QLabel("Counting…")
        self.list = QListWidget()
        # Values live here, not in item data: reading an empty QVariant back
        # (a None value) drops a reference to None under PySide6 6.12 / Python 3.11.
        self._values: list[Any] = []
        self.list.setMinimumSize(260, 240)
        buttons = QHBoxLayout()
        self.clear_button = QPushButton("None")
        self.apply_button = QPushButton("Apply")
        self.apply_button.setDefault(True)
        buttons.addWidget(self.clear_button)
        buttons.addStretch()
        buttons.addWidget(self.apply_button)
        for w in (self.title, self.finder, self.status, self.list):
            layout.addWidget(w)
        layout.addLayout(buttons)
        self.clear_button.clicked.connect(self._uncheck_all)
        self.apply_button.clicked.connect(self._apply)
        # A click anywhere on a row ticks it, not only on its small box (hard to see in the dark
        # theme); a ticked row is also bold, so the choice reads without the box.
        self._pressed_state: Qt.CheckState | None = None
        self.list.itemPressed.connect(lambda item: setattr(self, "_pressed_state", item.checkState()))
        self.list.itemClicked.connect(self._clicked)
        self.list.itemChanged.connect(self._embolden)

    def set_loading(self, selected: list[Any]) -> None:
        self.list.clear()
        self._values = []
        self.status.setText("Counting…")
        self.status.setVisible(True)
        for value in selected:  # selected values stay visible while counts load
            self._add(value, None, True)

    def set_counts(self, counts: list[tuple[Any, int]], selected: list[Any], labels: dict[Any, str]) -> None:
        """Fill the list; selected values with no matches still appear (count 0)."""
        self.list.clear()
        self._values = []
        seen = set()
        for value, n in counts:
            seen.add(value)
            self._add(value, n, value in selected, labels.get(value))
        for value in selected:
            if value not in seen:
                self._add(value, 0, True, labels.get(value))
        self.status.setVisible(not counts)
        self.status.setText("No values")
        self._narrow(self.finder.text())

    def _add(self, value: Any, n: int | None, checked: bool, label: str | None = None) -> None:
        text = label or ("(none)" if value is None else str(value))
        item = QListWidgetItem(text if n is None else f"{text}  ({n:,})")
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._embolden(item)
        self.list.addItem(item)
        self._values.append(value)

    def _clicked(self, item: QListWidgetItem) -> None:
        if item.checkState() == self._pressed_state:  # the click was on the text: the box did not toggle
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
        self._pressed_state = None

    @staticmethod
    def _embolden(item: QListWidgetItem) -> None:
        font = item.font()
        bold = item.checkState() == Qt.CheckState.Checked
        if font.bold() != bold:
            font.setBold(bold)
            item.setFont(font)

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def check(self, value: Any, on: bool = True) -> None:
        for item, v in zip(self.items(), self._values):
            if v == value:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def checked_values(self) -> list[Any]:
        return [v for i, v in zip(self.items(), self._values)
                if i.checkState() == Qt.CheckState.Checked and v is not None]

    def _narrow(self, text: str) -> None:
        needle = text.strip().lower()
        for item in self.items():
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def _uncheck_all(self) -> None:
        for item in self.items():
            item.setCheckState(Qt.CheckState.Unchecked)

    def _apply(self) -> None:
        self.chosen.emit(self.checked_values())
        self.hide()


class Chip(QFrame):
    """One active restriction with a remove button.

    Signals:
        removed(): the user clicked the cross.
    """

    removed = Signal()

    def __init__(self, text: str, tooltip: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterChip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#filterChip { border-radius: 9px; background: palette(alternate-base); }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(2)
        self.label = QLabel(text)
        self.label.setToolTip(tooltip or text)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(f"Remove “{text}”")
        self.close_button.clicked.connect(self.removed)
        layout.addWidget(self.label)
        layout.addWidget(self.close_button)

    def text(self) -> str:
        return self.label.text()
