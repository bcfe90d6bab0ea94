"""Editing the import rules: log type by component (and message), client and site by host name.

Rules apply to imports made after saving; a row with an empty pattern is dropped.
Reads and the save run as background database operations.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress
from app.store.database import Database
from app.ui.db_ops import DbOp
from app.ui.session import Session

TYPE_KEYS = ("component", "message", "log_type")
HOST_KEYS = ("host", "client", "site")


class _RulesTable(QWidget):
    """A plain editable table of rules with Add and Remove buttons."""

    def __init__(self, keys: tuple[str, ...], headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys = keys
        self.table = QTableWidget(0, len(keys))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setStretchLastSection(True)
        add = QPushButton("Add rule")
        add.clicked.connect(lambda: self.add_row({}))
        remove = QPushButton("Remove rule")
        remove.clicked.connect(self.remove_row)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def set_rules(self, rules: list[dict[str, str]]) -> None:
        self.table.setRowCount(0)
        for rule in rules:
            self.add_row(rule)

    def add_row(self, rule: dict[str, str]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, key in enumerate(self.keys):
            self.table.setItem(row, col, QTableWidgetItem(rule.get(key, "")))

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def rules(self) -> list[dict[str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            rule = {}
            for col, key in enumerate(self.keys):
                item = self.table.item(row, col)
                text = item.text().strip() if item is not None else ""
                if text:
                    rule[key] = text
            if rule.get(self.keys[0]):
                out.append(rule)
        return out


class ImportRulesDialog(QDialog):
    """Two tabs of rules; Save checks every rule and writes both lists (audited)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Import rules")
        self.resize(720, 480)
        self.type_rules = _RulesTable(TYPE_KEYS, ["Component (glob)", "Message (regex, optional)", "Log type"])
        self.host_rules = _RulesTable(HOST_KEYS, ["Host (glob)", "Client", "Site"])
        tabs = QTabWidget()
        tabs.addTab(self.type_rules, "Log type by component")
        tabs.addTab(self.host_rules, "Client and site by host")
        self.message = QLabel("First matching rule wins. Rules apply to imports made after saving.")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        db_path = session.db_path

        def load(db: Database, _p: Progress) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
            from app.ingest.rules import DEFAULT_TYPE_RULES
            from app.store import imports as store

            saved = store.type_rules(db)
            return list(DEFAULT_TYPE_RULES if saved is None else saved), store.host_rules(db)

        self.task = DbOp(self, db_path, load, on_success=self._loaded).run_in_background()

    def _loaded(self, rules: tuple[list[dict[str, str]], list[dict[str, str]]]) -> None:
        self.type_rules.set_rules(rules[0])
        self.host_rules.set_rules(rules[1])

    def save(self) -> None:
        from app.ingest.rules import check_host_rule, check_type_rule

        try:
            types = [check_type_rule(r) for r in self.type_rules.rules()]
            hosts = [check_host_rule(r) for r in self.host_rules.rules()]
        except Exception as exc:  # noqa: BLE001 - a bad glob/regex/log type is the user's to fix
            self.message.setText(f"Not saved: {exc}")
            return
        db_path = self.session.db_path

        def work(db: Database, _p: Progress) -> None:
            from app.store import audit, imports as store

            with db.transaction():
                store.save_type_rules(db, types)
                store.save_host_rules(db, hosts)
                audit.append(db, "update", "settings", "import-rules", new={"types": types, "hosts": hosts})

        self.buttons.setEnabled(False)
        DbOp(self, db_path, work, on_success=lambda _r: self.accept(), on_failure=self._failed).run_in_background()

    def _failed(self, message: str, _details: str) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(f"Not saved: {message}")
