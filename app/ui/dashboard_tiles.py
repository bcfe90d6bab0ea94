"""The dashboard's KPI tiles: a title, a big figure and a detail line each.

Signals: none.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.analysis.availability import Availability
from app.analysis.kpis import Kpis, duration_text
from app.domain.vocab import PRIORITY_COLOURS, SEVERITY_COLOURS

UPDATING = "updating…"
UPDATING_STYLE = "font-size: 11px; color: #b45309;"


class Tile(QFrame):
    """One KPI: ``value_label`` holds the headline figure, ``detail_label`` the breakdown.

    ``updating_label`` shows beside the title while a new figure is computed over the old one.
    """

    def __init__(self, title: str, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"tile-{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("font-size: 11px; opacity: 0.8;")
        self.updating_label = QLabel(UPDATING)
        self.updating_label.setObjectName("updating")
        self.updating_label.setStyleSheet(UPDATING_STYLE)
        self.updating_label.setVisible(False)
        self.value_label = QLabel("…")
        self.value_label.setObjectName("value")
        self.value_label.setStyleSheet("font-size: 22px; font-weight: 600;")
        self.detail_label = QLabel("")
        self.detail_label.setObjectName("detail")
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        header = QHBoxLayout()
        header.setSpacing(6)
        header.addWidget(self.title_label)
        header.addStretch()
        header.addWidget(self.updating_label)
        layout.addLayout(header)
        for w in (self.value_label, self.detail_label):
            layout.addWidget(w)

    def set(self, value: str, detail: str = "") -> None:
        self.value_label.setText(value)
        self.detail_label.setText(detail)
        self.updating_label.setVisible(False)

    def set_updating(self, on: bool) -> None:
        """Mark the figure shown as old while a new one is computed (nothing to mark before the first)."""
        self.updating_label.setVisible(on and self.value_label.text() != "…")


def _dot(colour: str, text: str) -> str:
    return f"<span style='color:{colour}'>●</span>&nbsp;{text}"


class KpiTiles(QWidget):
    """Open incidents, SLA breach rate, MTTA, MTTR, events in the last 24 h, availability."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles = {
            "open": Tile("Open incidents", "open"),
            "breach": Tile("SLA breach rate", "breach"),
            "mtta": Tile("MTTA (mean time to acknowledge)", "mtta"),
            "mttr": Tile("MTTR (mean time to resolve)", "mttr"),
            "events": Tile("Events, last 24 h", "events"),
            "availability": Tile("Availability", "availability"),
        }
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, 0, i)
            grid.setColumnStretch(i, 1)

    def set_updating(self, on: bool) -> None:
        for tile in self.tiles.values():
            tile.set_updating(on)

    def show_kpis(self, k: Kpis) -> None:
        """Fill every tile from one ``Kpis``."""
        total_open = sum(k.open_by_priority.values())
        self.tiles["open"].set(f"{total_open:,}", " ".join(
            _dot(PRIORITY_COLOURS[p], f"P{p}&nbsp;{k.open_by_priority.get(p, 0)}") for p in (1, 2, 3, 4)))
        if k.breach_rate is None:  # no incident has an SLA target: nothing to judge, not 0 %
            self.tiles["breach"].set("—", "no incidents with an SLA target")
        else:
            self.tiles["breach"].set(f"{k.breach_rate:.1%}", "of incidents with an SLA target")
        self.tiles["mtta"].set(duration_text(k.mtta_minutes), "opened → acknowledged")
        self.tiles["mttr"].set(duration_text(k.mttr_minutes), "opened → resolved")
        self.tiles["events"].set(f"{sum(k.events_24h.values()):,}", " ".join(
            _dot(SEVERITY_COLOURS[s], f"{s}&nbsp;{n:,}") for s, n in k.events_24h.items() if n))
        self._show_availability(k.availability)

    def _show_availability(self, a: Availability | None) -> None:
        """The worst client's figure over a named period; every client's in the tooltip."""
        tile = self.tiles["availability"]
        tile.title_label.setText(f"Availability · {a.label}" if a else "Availability")
        worst = a.worst if a else None
        if a is None or worst is None:
            tile.set("—", "no downtime recorded")
            tile.setToolTip("No incident with recorded downtime in this period")
            return
        others = len(a.by_client) - 1
        tile.set(f"{worst[1]:.2%}", f"worst: {escape(worst[0])}" + (f" (of {others + 1} clients)" if others else ""))
        tile.setToolTip(f"Recorded downtime, {escape(a.label)}, worst first:<br>" + "<br>".join(
            f"{escape(c)}: {v:.2%}" for c, v in a.ranked()))
