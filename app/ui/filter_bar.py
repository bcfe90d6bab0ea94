"""The filter bar shared by the Events, Incidents, Dashboard and Reports pages.

It edits ``session.filter`` (via ``session.set_filter``) and follows
``session.filter_changed``, so every page that embeds one stays in step.
Facet counts are computed in workers. The search box (``app.ui.search_box``)
needs no database: any text can be searched, and a regex is checked by ``re``.

Signals:
    search_failed(str): the typed regex is not valid (message shown under the box).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import timeutil
from app.domain.filters import TIME_PRESETS, Filter, Restriction, restrictions, without
from app.domain.vocab import PRIORITY_LABELS, SEVERITIES
from app.store import facets, views
from app.store.database import Database, UserFacingStoreError
from app.ui import workers
from app.ui.db_ops import DbOp, Kind
from app.ui.filter_widgets import Chip, FacetPopup
from app.ui.search_box import SearchBox
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui.filter_bar")

_TERM_TIP = ("{} these whole words, in order; case, accents and punctuation between words are ignored,\n"
             "* AND OR NEAR and quotes are plain text. 'timeout' finds 'DPD timeout:', not 'TimeoutError'\n"
             "(search timeout* for that). A term without letters or digits (-> or %) is matched as typed.")
_PICKER_TITLES = {"log_type": "Type", "severity": "Severity", "host": "Host", "component": "Component",
                  "client": "Client", "site": "Site", "status": "Status", "priority": "Priority"}
_CUSTOM = "custom"


class FilterBar(QWidget):
    """Edits the session's filter for one kind of listing ("events" or "incidents").

    Signals:
        search_failed(str): the typed regex is not valid (also shown under the box).
    """

    search_failed = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None, kind: str = "events") -> None:
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self._facets = facets.facets_for(kind)
        self._popup_task: workers.Task | None = None
        self.setObjectName("filterBar")

        self.search_box = SearchBox(kind, self)
        self.search_edit = self.search_box.edit
        self.search_error = self.search_box.error
        self.search_box.regex_toggle.toggled.connect(lambda _on: self.apply_search(moved=True))
        self._search_timer = QTimer(self, singleShot=True, interval=450)
        self._search_timer.timeout.connect(self.apply_search)
        self.search_edit.textEdited.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_search)

        self.time_combo = QComboBox()
        # "" not None for "any": an empty QVariant read back loses a reference to None (PySide6 6.12).
        self.time_combo.addItem("Any time", "")
        for key, text in TIME_PRESETS.items():
            self.time_combo.addItem(text, key)
        self.time_combo.addItem("Custom range…", _CUSTOM)
        self.time_combo.activated.connect(self._time_chosen)

        self.min_severity = QComboBox()
        self.min_severity.addItem("Any severity", "")
        for name in SEVERITIES[1:]:
            self.min_severity.addItem(f"≥ {name}", name)
        self.min_severity.activated.connect(
            lambda _i: self._apply(self.session.filter.replace(min_severity=self.min_severity.currentData() or None)))
        self.min_severity.setVisible(kind == "events")

        self.pickers: dict[str, QToolButton] = {}
        self.popups: dict[str, FacetPopup] = {}
        for name in self._facets:
            button = QToolButton()
            button.setText(_PICKER_TITLES[name] + " ▾")
            button.setObjectName(f"picker-{name}")
            button.clicked.connect(lambda _c=False, n=name: self.open_picker(n))
            self.pickers[name] = button

        self.include_edit = QLineEdit()
        self.include_edit.setPlaceholderText("Must contain words…")
        self.include_edit.setToolTip(_TERM_TIP.format("Only rows containing"))
        self.include_edit.returnPressed.connect(lambda: self._add_term("include", self.include_edit))
        self.exclude_edit = QLineEdit()
        self.exclude_edit.setPlaceholderText("Must not contain words…")
        self.exclude_edit.setToolTip(_TERM_TIP.format("Hide rows containing"))
        self.exclude_edit.returnPressed.connect(lambda: self._add_term("exclude", self.exclude_edit))

        self.views_button = QToolButton()
        self.views_button.setText("Views ▾")
        self.views_button.setObjectName("viewsButton")
        self.views_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.views_menu = QMenu(self.views_button)
        self.views_menu.aboutToShow.connect(self.rebuild_views_menu)
        self.views_button.setMenu(self.views_menu)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Clear the filter (Ctrl+L)")
        self.clear_button.clicked.connect(self.clear)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search_box, 3)
        top.addWidget(self.time_combo)
        top.addWidget(self.min_severity)
        for button in self.pickers.values():
            top.addWidget(button)
        top.addWidget(self.include_edit, 1)
        top.addWidget(self.exclude_edit, 1)
        top.addWidget(self.views_button)
        top.addWidget(self.clear_button)
        self.chips_row = QHBoxLayout()
        self.chips_row.setContentsMargins(0, 0, 0, 0)
        self.chips: list[Chip] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(top)
        outer.addLayout(self.chips_row)
        self.chips_row.addStretch()

        session.filter_changed.connect(self.show_filter)
        self.show_filter(session.filter)

    # -- applying ------------------------------------------------------------------
    def _apply(self, f: Filter) -> None:
        self.session.set_filter(f)

    def apply_search(self, moved: bool = False) -> bool:
        """Apply the search box (``moved``: its regex toggle was switched); False when the regex is not valid."""
        self._search_timer.stop()
        try:
            f = self.session.filter.replace(**self.search_box.changes(moved))
        except ValueError as exc:
            message = str(exc)
            self.search_box.show_error(message)
            self.search_failed.emit(message)
            return False
        self.search_error.setVisible(False)
        self._apply(f)
        return True

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def clear(self) -> None:
        self.search_box.reset()
        self._apply(Filter())

    def remove(self, r: Restriction) -> None:
        self._apply(without(self.session.filter, r))

    def _add_term(self, field: str, edit: QLineEdit) -> None:
        term = edit.text().strip()
        if not term:
            return
        edit.clear()
        current = getattr(self.session.filter, field)
        if term not in current:
            self._apply(self.session.filter.replace(**{field: current + (term,)}))

    def add_term(self, field: str, term: str) -> None:
        """Add an include/exclude term as if typed and Enter pressed."""
        edit = self.include_edit if field == "include" else self.exclude_edit
        edit.setText(term)
        self._add_term(field, edit)

    def set_time_range(self, since: dt.datetime | None, until: dt.datetime | None) -> None:
        """An absolute range (the timeline's drag, the custom dialog)."""
        self._apply(self.session.filter.replace(
            since=timeutil.to_iso(since) if since else None, until=timeutil.to_iso(until) if until else None))

    def _time_chosen(self, _index: int) -> None:
        key = self.time_combo.currentData()
        if key == _CUSTOM:
            self.ask_custom_range()
            return
        self._apply(self.session.filter.replace(since=key or None, until=None))

    def ask_custom_range(self) -> None:
        dialog = CustomRangeDialog(self.session.zone, self)
        dialog.accepted.connect(lambda: self.set_time_range(*dialog.bounds()))
        dialog.rejected.connect(lambda: self.show_filter(self.session.filter))
        dialog.open()

    # -- showing -------------------------------------------------------------------
    def show_filter(self, f: Filter) -> None:
        """Make the widgets and chips show ``f`` (without applying anything)."""
        self.search_box.show_filter(f)
        if f.since in TIME_PRESETS and not f.until:
            self.time_combo.setCurrentIndex(self.time_combo.findData(f.since))
        elif f.since or f.until:
            self.time_combo.setCurrentIndex(self.time_combo.findData(_CUSTOM))
        else:
            self.time_combo.setCurrentIndex(0)
        self.min_severity.setCurrentIndex(max(0, self.min_severity.findData(f.min_severity or "")))
        for name, button in self.pickers.items():
            n = len(getattr(f, self._facets[name][0]))
            button.setText(_PICKER_TITLES[name] + (f" ({n})" if n else "") + " ▾")
        self._show_chips(f)

    def _show_chips(self, f: Filter) -> None:
        for chip in self.chips:
            self.chips_row.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        not_for_incidents = {"severities", "min_severity", "hosts", "components", "pattern", "pattern_id"}
        relevant = {"events": {"statuses", "priorities"}, "incidents": not_for_incidents}[self.kind]
        for i, r in enumerate(restrictions(f, self.session.zone)):
            tip = f"{r.label} (not used for {self.kind})" if r.field in relevant else r.label
            chip = Chip(r.label, tip, self)
            if r.field in relevant:
                chip.setEnabled(True)
                chip.label.setStyleSheet("color: gray;")
            chip.removed.connect(lambda r=r: self.remove(r))
            self.chips_row.insertWidget(i, chip)
            self.chips.append(chip)

    # -- facet pickers ---------------------------------------------------------------
    def open_picker(self, name: str) -> FacetPopup:
        """Show the picker for ``name`` with counts computed in the background."""
        field = self._facets[name][0]
        popup = self.popups.get(name)
        if popup is None:
            popup = FacetPopup(_PICKER_TITLES[name], self)
            popup.chosen.connect(lambda values, field=field: self._picked(field, values))
            self.popups[name] = popup
        selected = list(getattr(self.session.filter, field))
        popup.set_loading(selected)
        button = self.pickers[name]
        popup.move(button.mapToGlobal(QPoint(0, button.height())))
        popup.show()
        path, f, zone, kind = self.session.db_path, self.session.filter, self.session.zone, self.kind
        labels = self._labels(name)

        def count(db: Database, _progress: object) -> list[tuple[Any, int]]:
            return facets.facet_counts(db, kind, name, f, zone)

        def show(counts: list[tuple[Any, int]]) -> None:
            popup.set_counts(counts, list(getattr(self.session.filter, field)), labels)

        def failed(message: str, _details: str) -> None:
            popup.status.setText(f"Could not count: {message}")
            popup.status.setVisible(True)

        self._popup_task = DbOp(popup, path, count, on_success=show, on_failure=failed,
                                 kind=Kind.LEAN).run_in_background()
        return popup

    def _labels(self, name: str) -> dict[Any, str]:
        if name == "priority":
            return {int(k): v for k, v in PRIORITY_LABELS.items()}
        return {}

    def _picked(self, field: str, values: list[Any]) -> None:
        self._apply(self.session.filter.replace(**{field: tuple(values)}))

    # -- saved views -------------------------------------------------------------------
    def rebuild_views_menu(self) -> None:
        menu = self.views_menu
        menu.clear()
        menu.addAction("Save current filter as view…", self.ask_save_view)
        saved = self.saved_views()
        if saved:
            menu.addSeparator()
            for v in saved:
                action = menu.addAction(v.name, functools.partial(self.recall_view, v.name))
                action.setToolTip(str(v.filter.to_dict()))
            delete_menu = menu.addMenu("Delete view")
            for v in saved:
                delete_menu.addAction(v.name, functools.partial(self.delete_view, v.name))
        menu.addSeparator()
        menu.addAction("Export views…", self.ask_export)
        menu.addAction("Import views…", self.ask_import)

    def saved_views(self) -> list[views.SavedView]:
        try:
            return views.list_views(self.session.db, self.kind)
        except ValueError as exc:
            log.warning("saved views unreadable: %s", exc)
            return []

    def save_view(self, name: str) -> views.SavedView:
        view = views.save(self.session.db, name, self.session.filter, self.kind)
        return view

    def recall_view(self, name: str) -> bool:
        view = views.get(self.session.db, name)
        if view is None:
            return False
        self.search_error.setVisible(False)
        self._apply(view.filter)
        return True

    def delete_view(self, name: str) -> bool:
        return views.delete(self.session.db, name)

    def export_views(self, path: Path, names: list[str] | None = None) -> int:
        chosen = [v for v in self.saved_views() if names is None or v.name in names]
        path.write_text(views.dumps(chosen) + "\n", encoding="utf-8")
        return len(chosen)

    def import_views(self, path: Path) -> int:
        """Read views from ``path``; raises ``UserFacingStoreError`` (file, view, field) when bad."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserFacingStoreError(f"{path}: cannot read: {exc}") from None
        return views.import_views(self.session.db, views.loads(text, str(path)))

    def ask_save_view(self) -> None:
        name, ok = QInputDialog.getText(self, "Save view", "Name for this filter:")
        if ok and name.strip():
            try:
                self.save_view(name)
            except (ValueError, UserFacingStoreError) as exc:  # a bad name, or an import writing past the wait
                QMessageBox.warning(self, "Save view", str(exc))

    def ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export views", str(Path.home() / f"{self.kind}-views.json"),
                                              "Views (*.json)")
        if name:
            n = self.export_views(Path(name))
            QMessageBox.information(self, "Export views", f"{n} view(s) written to {name}.")

    def ask_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import views", str(Path.home()), "Views (*.json);;All files (*)")
        if not name:
            return
        try:
            n = self.import_views(Path(name))
        except UserFacingStoreError as exc:
            QMessageBox.warning(self, "Import views", str(exc))
            return
        QMessageBox.information(self, "Import views", f"{n} view(s) imported from {name}.")


def _local(when: dt.datetime) -> QDateTime:
    """A naive wall-clock time to the minute, as the pickers show it."""
    return QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))


class CustomRangeDialog(QDialog):
    """From/until pickers in the user's zone."""

    def __init__(self, zone: dt.tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Custom time range")
        self.zone = zone
        now = dt.datetime.now(zone).replace(second=0, microsecond=0, tzinfo=None)
        self.since_edit = QDateTimeEdit(_local(now - dt.timedelta(hours=1)))
        self.until_edit = QDateTimeEdit(_local(now))
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setMaximumDate(QDate(9999, 12, 30))  # 9999-12-31 in a zone behind UTC is past the calendar's end
        form = QFormLayout(self)
        form.addRow("From", self.since_edit)
        form.addRow("Until", self.until_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        def read(edit: QDateTimeEdit) -> dt.datetime:
            value = edit.dateTime().toPython()
            assert isinstance(value, dt.datetime)  # a QDateTime's Python value
            return value.replace(tzinfo=self.zone)
        since, until = read(self.since_edit), read(self.until_edit)
        return (since, until) if since <= until else (until, since)
