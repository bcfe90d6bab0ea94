"""What the open window shares between pages: the database, the zone, the filter.

Signals:
    data_changed(): events or incidents were added or changed (imports, edits, demo data).
    filter_changed(object): the shared Filter changed.
    zone_changed(object): the display zone changed (Settings); views holding a zone take the new one.
    audit_changed(): audit rows were added without a data change (an export was recorded).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.domain.filters import Filter
from app.store.database import Database


class Session(QObject):
    data_changed = Signal()
    filter_changed = Signal(object)
    zone_changed = Signal(object)
    audit_changed = Signal()

    def __init__(self, db: Database, zone: dt.tzinfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.zone = zone
        self._filter = Filter()

    @property
    def db_path(self) -> Path:
        return self.db.path

    @property
    def filter(self) -> Filter:
        return self._filter

    def set_zone(self, zone: dt.tzinfo) -> None:
        if str(zone) != str(self.zone):
            self.zone = zone
            self.zone_changed.emit(zone)

    def set_filter(self, f: Filter) -> None:
        if f != self._filter:
            self._filter = f
            self.filter_changed.emit(f)
