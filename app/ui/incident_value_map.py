"""The import dialog's table of values no rule knows (a state ``-100``, a priority ``Urgent``).

Each gets a picker of what it means here; the choices join the import's value
maps (``--value`` in the CLI) and are saved with the mapping profile.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QTableWidget, QTableWidgetItem, QWidget

from app.domain.vocab import STATUSES

UNMAPPED = "(leave unmapped)"
LEVELS = (("1 - High", 1), ("2 - Medium", 2), ("3 - Low", 3))
CHOICES: dict[str, tuple[tuple[str, Any], ...]] = {
    "status": tuple((s, s) for s in STATUSES),
    "priority": (("P1 - Critical", 1), ("P2 - High", 2), ("P3 - Moderate", 3), ("P4 - Low", 4)),
    "impact": LEVELS,
    "urgency": LEVELS,
}


def _item(text: Any) -> QTableWidgetItem:
    item = QTableWidgetItem(str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class ValueMapTable(QTableWidget):
    """Field, value in the file, rows that hold it, and a picker of what it means.

    Signals:
        changed(): a value was mapped, or unmapped.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setObjectName("valueMap")
        self.setHorizontalHeaderLabels(["Field", "Value in the file", "Rows", "Means"])
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setVisible(False)
        self._chosen: dict[str, dict[str, Any]] = {}
        self._rows: list[tuple[str, str]] = []

    def clear_choices(self) -> None:
        self._chosen.clear()
        self.show_unknown([])

    def show_unknown(self, unknown: list[tuple[str, str, int]]) -> None:
        """List the plan's unknown values, keeping the ones already mapped here (so they can be changed)."""
        counts = {(f, v): n for f, v, n in unknown}
        keys = sorted(set(counts) | {(f, v) for f, m in self._chosen.items() for v in m})
        self._rows = keys
        self.setRowCount(len(keys))
        for r, (field, value) in enumerate(keys):
            self.setItem(r, 0, _item(field))
            self.setItem(r, 1, _item(value))
            self.setItem(r, 2, _item(counts.get((field, value), "mapped")))
            box = QComboBox()
            box.setObjectName(f"means:{field}:{value}")
            box.addItem(UNMAPPED, None)
            for label, data in CHOICES[field]:
                box.addItem(label, data)
            box.setCurrentIndex(max(0, box.findData(self._chosen.get(field, {}).get(value))))
            box.currentIndexChanged.connect(lambda _i, f=field, v=value, b=box: self._picked(f, v, b.currentData()))
            self.setCellWidget(r, 3, box)
        self.resizeColumnsToContents()
        self.setVisible(bool(keys))

    def picker(self, field: str, value: str) -> QComboBox:
        """The picker for one value (tests and keyboard users reach it the same way)."""
        box = self.cellWidget(self._rows.index((field, value)), 3)
        assert isinstance(box, QComboBox)
        return box

    def values(self) -> dict[str, dict[str, Any]]:
        """The choices made, as the import's value maps."""
        return {f: dict(m) for f, m in self._chosen.items() if m}

    def _picked(self, field: str, value: str, means: Any) -> None:
        if means is None:
            self._chosen.get(field, {}).pop(value, None)
        else:
            self._chosen.setdefault(field, {})[value] = means
        self.changed.emit()
