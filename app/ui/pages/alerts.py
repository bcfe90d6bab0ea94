"""The Alerts page: the alert rules (edit, switch, remove, test) over what they fired, newest first.

One ``DbOp`` reads the rules, their firing totals and the latest firings; writes go
through the write queue and announce themselves with ``session.data_changed``, which
(with the ``DataWatcher`` for other processes) reloads the page. Double-clicking a
firing opens the incident it made or updated.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.alerts import rules as service
from app.domain.alerts import Rule
from app.store import alerts as store
from app.store.database import Database
from app.ui import workers, write_queue
from app.ui.db_ops import DbOp, Kind
from app.ui.models.alerts import FiringsModel, RulesModel
from app.ui.session import Session

FIRINGS_SHOWN = 500


def load_alerts(db: Database) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rules with their totals, and the newest firings (the worker's half of the page)."""
    totals = store.firing_totals(db)
    rules = [{"rule": r, "firings": totals.get(int(r.id or 0), (0, None))[0],
              "last_fired": totals.get(int(r.id or 0), (0, None))[1]} for r in store.list_rules(db)]
    return rules, store.firings(db, limit=FIRINGS_SHOWN)


def _table(model: Any, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AlertsPage(QWidget):
    """Signals: none (follows ``session.data_changed`` and ``session.zone_changed``)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rules_model = RulesModel(session.zone, self)
        self.firings_model = FiringsModel(session.zone, self)
        self.rules_table = _table(self.rules_model, "rulesTable")
        self.table = _table(self.firings_model, "firingsTable")  # ``table``: the page's main view
        for col, width in enumerate((170, 210, 60, 70, 90, 150, 65, 140)):
            self.rules_table.setColumnWidth(col, width)
        for col, width in enumerate((150, 190, 130, 70, 60, 130, 100)):
            self.table.setColumnWidth(col, width)
        self.rules_table.doubleClicked.connect(lambda _i: self.edit_rule())
        self.rules_table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.table.doubleClicked.connect(self._open_incident)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text, slot in (("new", "New rule…", self.new_rule), ("edit", "Edit…", self.edit_rule),
                                ("switch", "Disable", self.toggle_rule), ("remove", "Remove…", self.remove_rule),
                                ("test", "Test…", self.test_rule)):
            button = QPushButton(text)
            button.setObjectName(f"rule-{key}")
            button.clicked.connect(lambda _checked=False, run=slot: run())
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch()
        self.status = QLabel()
        self.status.setObjectName("alertsStatus")
        bar.addWidget(self.status)
        self.open_button = QPushButton("Open incident")
        self.open_button.setObjectName("openIncident")
        self.open_button.clicked.connect(lambda: self._open_incident(self.table.currentIndex()))
        self.firings_count = QLabel()
        self.firings_count.setObjectName("firingsCount")
        top, bottom = QWidget(), QWidget()
        upper = QVBoxLayout(top)
        upper.setContentsMargins(0, 0, 0, 0)
        upper.addWidget(QLabel("<h3>Alert rules</h3>"))
        upper.addLayout(bar)
        upper.addWidget(self.rules_table, 1)
        lower = QVBoxLayout(bottom)
        lower.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(QLabel("<h3>Firings</h3>"))
        heading.addWidget(self.firings_count)
        heading.addStretch()
        heading.addWidget(self.open_button)
        lower.addLayout(heading)
        lower.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setSizes([250, 450])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.confirm: QMessageBox | None = None
        self.dialog: QWidget | None = None
        self._task: workers.Task[Any] | None = None
        self._generation = 0
        self._selection_changed()
        if session.db.read_only:
            for key in ("new", "edit", "switch", "remove"):
                self.buttons[key].setEnabled(False)
        session.data_changed.connect(self.load)
        session.zone_changed.connect(self._zone_changed)
        self.load()

    # -- reading ---------------------------------------------------------------------------------------
    def load(self) -> None:
        """Read rules and firings in a worker; a newer load drops an older one's answer."""
        self._generation += 1
        gen = self._generation
        self._task = DbOp(self, self.session.db_path, lambda db, _p: load_alerts(db),
                          on_success=lambda result: self._loaded(result, gen),
                          on_failure=lambda message, _d: self.status.setText(f"Could not read alerts: {message}"),
                          kind=Kind.LEAN).run_in_background()

    def _loaded(self, result: tuple[list[dict[str, Any]], list[dict[str, Any]]], gen: int) -> None:
        if gen != self._generation:
            return
        rules, firings = result
        chosen = self.selected_rule()
        self.rules_model.set_rows(rules)
        self.firings_model.set_rows(firings)
        if not (chosen is not None and self.select_rule(chosen.name)) and rules:
            self.rules_table.selectRow(0)  # Edit and Test at hand at once
        more = f" (the newest {FIRINGS_SHOWN})" if len(firings) >= FIRINGS_SHOWN else ""
        self.firings_count.setText(f"{len(firings):,} firing(s){more} · {len(rules):,} rule(s)")
        self._selection_changed()

    def _zone_changed(self, zone: Any) -> None:
        for model in (self.rules_model, self.firings_model):
            model.zone = zone
            model.set_rows(model.rows)

    # -- selection -------------------------------------------------------------------------------------
    def selected_rule(self) -> Rule | None:
        rows = self.rules_table.selectionModel().selectedRows()
        return self.rules_model.rule(rows[0].row()) if rows else None

    def select_rule(self, name: str) -> bool:
        for row, r in enumerate(self.rules_model.rows):
            if r["rule"].name == name:
                self.rules_table.selectRow(row)
                return True
        return False

    def _selection_changed(self) -> None:
        rule = self.selected_rule()
        writable = not self.session.db.read_only
        for key in ("edit", "switch", "remove"):
            self.buttons[key].setEnabled(rule is not None and writable)
        self.buttons["test"].setEnabled(rule is not None)
        self.buttons["switch"].setText("Enable" if rule is not None and not rule.enabled else "Disable")
        index = self.table.currentIndex()
        self.open_button.setEnabled(index.isValid() and bool(self.firings_model.incident(index.row())))

    # -- commands --------------------------------------------------------------------------------------
    def new_rule(self, pattern_id: int | None = None) -> QWidget:
        from app.ui.rule_dialog import edit_rule

        self.dialog = edit_rule(self.session, None, self, pattern_id)
        return self.dialog

    def edit_rule(self) -> QWidget | None:
        rule = self.selected_rule()
        if rule is None or self.session.db.read_only:
            return None
        from app.ui.rule_dialog import edit_rule

        self.dialog = edit_rule(self.session, rule, self)
        return self.dialog

    def test_rule(self) -> QWidget | None:
        rule = self.selected_rule()
        if rule is None:
            return None
        from app.ui.rule_test_dialog import open_rule_test

        self.dialog = open_rule_test(self.session, rule, self)
        return self.dialog

    def toggle_rule(self) -> None:
        rule = self.selected_rule()
        if rule is not None:
            on = not rule.enabled
            self._write(lambda db: service.set_enabled(db, rule.name, on),
                        f"{'Enabled' if on else 'Disabled'} {rule.name}")

    def remove_rule(self) -> QMessageBox | None:
        """Ask first (non-modal); the rule's firings stay on record."""
        rule = self.selected_rule()
        if rule is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Remove alert rule",
                          f"Remove the alert rule “{rule.name}”? Its {self._firings_of(rule):,} firing(s) stay on "
                          "record.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(lambda: self._write(lambda db: service.remove(db, rule.name), f"Removed {rule.name}"))
        self.confirm = box
        box.open()
        return box

    def _firings_of(self, rule: Rule) -> int:
        return next((int(r["firings"]) for r in self.rules_model.rows if r["rule"].name == rule.name), 0)

    def _write(self, fn: Any, done_text: str) -> None:
        self.status.setText("Saving…")

        def done(_result: Any) -> None:
            self.status.setText(done_text)
            self.session.data_changed.emit()

        write_queue.submit(self, self.session.db_path, fn, done,
                           lambda message, _d: self.status.setText(f"Not saved: {message}"))

    def _open_incident(self, index: QModelIndex) -> None:
        number = self.firings_model.incident(index.row()) if index.isValid() else None
        if number:
            from app.ui.incident_dialog import open_incident

            self.dialog = open_incident(self.session, number, self)
