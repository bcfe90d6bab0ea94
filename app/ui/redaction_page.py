"""Settings ▸ Redaction: switch the PII rules on or off (for the database or one client), add rules, try text.

Reads and every switch run as background database operations through the same
store functions as ``issue-ledger redaction`` (each change is audited). The test box
redacts what is typed with the rules as shown (and the rule being written, once its
pattern compiles); that is the domain engine on a short text, no database work.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress
from app.domain.redaction import BUILTIN, Rule, RuleSet, user_rule
from app.store.database import Database
from app.ui.db_ops import DbOp
from app.ui.session import Session

ALL_CLIENTS = "(every client)"
COLUMNS = ("On", "Name", "Kind", "Replacement", "Pattern")


class RedactionPage(QWidget):
    """The rules as a table with a switch each; a form to add one; a live test box."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[dict[str, Any]] = []
        self.keyed = False
        self._filling = False
        intro = QLabel("Values these rules find are replaced before anything is stored: events' text, rejected "
                       "lines and incidents. Changes apply to imports made after them and are audited.")
        intro.setWordWrap(True)
        self.client_combo = QComboBox()
        self.client_combo.setEditable(True)
        self.client_combo.addItem(ALL_CLIENTS)
        self.client_combo.setToolTip("Switch rules for one client's events and incidents only")
        self.client_combo.currentTextChanged.connect(lambda _t: self._fill())
        self.keyed_box = QCheckBox("Keep a keyed hash in the marker ([card:3f9a1c2b]) to count repeats")
        self.keyed_box.toggled.connect(self._keyed_toggled)
        top = QHBoxLayout()
        top.addWidget(QLabel("Rules for:"))
        top.addWidget(self.client_combo, 1)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._item_changed)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.keyed_box)
        layout.addWidget(self._add_box())
        layout.addWidget(self._test_box())
        layout.addWidget(self.message)
        self.reload()

    def _add_box(self) -> QGroupBox:
        box = QGroupBox("Add a rule")
        form = QFormLayout(box)
        self.name_edit = QLineEdit()
        self.pattern_edit = QLineEdit()
        self.pattern_edit.setPlaceholderText(r"a regular expression, e.g. ACCT-\d{6}")
        self.replacement_edit = QLineEdit()
        self.replacement_edit.setPlaceholderText("[account]")
        self.add_button = QPushButton("Add rule")
        self.add_button.clicked.connect(self.add_rule)
        for edit in (self.pattern_edit, self.replacement_edit):
            edit.textChanged.connect(lambda _t: self._test())
        form.addRow("Name:", self.name_edit)
        form.addRow("Pattern:", self.pattern_edit)
        form.addRow("Replacement:", self.replacement_edit)
        form.addRow("", self.add_button)
        return box

    def _test_box(self) -> QGroupBox:
        box = QGroupBox("Test this text")
        layout = QVBoxLayout(box)
        self.test_edit = QPlainTextEdit()
        self.test_edit.setPlaceholderText("Type or paste a log line: it shows below as an import would store it")
        self.test_edit.setMaximumHeight(60)
        self.test_edit.textChanged.connect(self._test)
        self.test_result = QLabel()
        self.test_result.setObjectName("redaction-test-result")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.test_edit)
        layout.addWidget(self.test_result)
        return box

    # -- reading ----------------------------------------------------------------
    def reload(self) -> None:
        def load(db: Database, _p: Progress) -> tuple[list[dict[str, Any]], bool]:
            from app.store import redaction
            from app.store.settings import REDACTION_KEYED_HASH

            return redaction.listing(db), REDACTION_KEYED_HASH.read(db)

        self.task = DbOp(self, self.session.db_path, load, on_success=self._loaded,
                         on_failure=self._failed).run_in_background()

    def _loaded(self, result: tuple[list[dict[str, Any]], bool]) -> None:
        self.rows, self.keyed = result
        clients = sorted({c for r in self.rows for c in r["clients"]})
        current = self.client_combo.currentText()
        self.client_combo.blockSignals(True)
        self.client_combo.clear()
        self.client_combo.addItems([ALL_CLIENTS, *clients])
        self.client_combo.setCurrentText(current)
        self.client_combo.blockSignals(False)
        self.keyed_box.blockSignals(True)
        self.keyed_box.setChecked(self.keyed)
        self.keyed_box.blockSignals(False)
        self._fill()

    def client(self) -> str | None:
        text = self.client_combo.currentText().strip()
        return None if text in ("", ALL_CLIENTS) else text

    def enabled(self, row: dict[str, Any]) -> bool:
        """Whether a rule is on for the client shown: its own switch, else the database's."""
        client = self.client()
        return bool(row["clients"].get(client, row["enabled"]) if client else row["enabled"])

    def _fill(self) -> None:
        self._filling = True
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            switch = QTableWidgetItem()
            switch.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            switch.setCheckState(Qt.CheckState.Checked if self.enabled(row) else Qt.CheckState.Unchecked)
            self.table.setItem(i, 0, switch)
            pattern = "(built in: phonenumbers)" if row["builtin"] and not row["pattern"] else row["pattern"]
            for col, text in enumerate((row["name"], row["kind"], row["replacement"], pattern), 1):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(i, col, item)
        self._filling = False
        self._test()

    # -- writing ----------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0:
            return
        row = self.rows[item.row()]
        on = item.checkState() == Qt.CheckState.Checked
        name, client = row["name"], self.client()

        def work(db: Database, _p: Progress) -> bool:
            from app.store import redaction

            return redaction.set_enabled(db, name, on, client)

        where = f" for {client}" if client else ""
        self._write(work, f"{name} is {'on' if on else 'off'}{where}")

    def _keyed_toggled(self, on: bool) -> None:
        def work(db: Database, _p: Progress) -> None:
            from app.store import redaction

            redaction.set_keyed_hash(db, on)

        self._write(work, f"keyed hash {'on' if on else 'off'}")

    def add_rule(self) -> None:
        name, pattern = self.name_edit.text().strip(), self.pattern_edit.text()
        replacement, client = self.replacement_edit.text().strip(), self.client()
        try:
            user_rule(name, pattern, replacement)
        except ValueError as exc:
            self.message.setText(f"Not added: {exc}")
            return

        def work(db: Database, _p: Progress) -> Rule:
            from app.store import redaction

            return redaction.add(db, name, pattern, replacement, client=client)

        for edit in (self.name_edit, self.pattern_edit, self.replacement_edit):
            edit.clear()
        self._write(work, f"added {name}")

    def _write(self, work: Any, done: str) -> None:
        self.table.setEnabled(False)

        def ok(_r: object) -> None:
            self.table.setEnabled(True)
            self.message.setText(done)
            self.reload()

        DbOp(self, self.session.db_path, work, on_success=ok, on_failure=self._failed).run_in_background()

    def _failed(self, message: str, _details: str) -> None:
        self.table.setEnabled(True)
        self.message.setText(f"Not saved: {message}")
        self.reload()

    # -- the test box ------------------------------------------------------------
    def rule_set(self) -> RuleSet:
        """The rules as the table shows them, with the rule being written once it compiles."""
        rules = []
        for row in self.rows:
            base = BUILTIN.get(row["name"]) if row["builtin"] else None
            if base is not None:
                rules.append(replace(base, enabled=self.enabled(row), region=row["region"] or base.region))
            else:
                rules.append(Rule(row["name"], row["kind"], row["pattern"], row["replacement"],
                                  region=row["region"], enabled=self.enabled(row)))
        with contextlib.suppress(ValueError):  # a pattern still being typed
            rules.append(user_rule("(new)", self.pattern_edit.text(), self.replacement_edit.text() or "[redacted]"))
        return RuleSet(tuple(rules))

    def _test(self) -> None:
        text = self.test_edit.toPlainText()
        self.test_result.setText(self.rule_set().redact(text) if text else "")
