"""Settings ▸ Connections: add, test and remove connections to Jira, ServiceNow and Zendesk.

Every call runs in a worker (``DbOp``): "Test" waits on a server, and adding one
writes to the keyring and the database. The secret typed here goes to the OS
keyring (or stays in the environment variable named instead) and is cleared from
the field once saved. The same services as ``issue-ledger connections``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.store.database import Database
from app.ui.db_ops import DbOp, Kind
from app.ui.session import Session

COLUMNS = ("name", "kind", "base_url", "project", "user", "secret")


def _call(fn: Any) -> Any:
    """``fn()``, or the refusal's one line: a bad field or a refused sign-in is an answer, not a crash."""
    from app.tickets.base import TicketError

    try:
        return fn()
    except TicketError as exc:
        return {"error": str(exc)}


def _listing(db: Database) -> list[dict[str, Any]]:
    from app.tickets import connections

    return connections.listing(db)


class ConnectionsTab(QWidget):
    """Signals:
        done(str): an add, test or remove ended; its message (also shown in ``message``).
    """

    done = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("connections")
        self.table.setHorizontalHeaderLabels([c.replace("_", " ").capitalize() for c in COLUMNS])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItems(["jira", "servicenow", "zendesk"])
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://acme.atlassian.net")
        self.project = QLineEdit()
        self.project.setPlaceholderText("Jira project key; ServiceNow assignment group; Zendesk brand id")
        self.user = QLineEdit()
        self.user.setPlaceholderText("e-mail or user name (empty: a bearer token)")
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("API token or password: kept in the OS keyring")
        self.secret_env = QLineEdit()
        self.secret_env.setPlaceholderText("or the name of an environment variable holding it")
        form = QFormLayout()
        for label, widget in (("Name", self.name), ("Kind", self.kind), ("URL", self.url), ("Project", self.project),
                              ("User", self.user), ("Secret", self.secret), ("Secret variable", self.secret_env)):
            form.addRow(label, widget)
        self.add_button = QPushButton("Add")
        self.add_button.setObjectName("addConnection")
        self.add_button.clicked.connect(self.add)
        self.test_button = QPushButton("Test")
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self.test)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeConnection")
        self.remove_button.clicked.connect(self.remove)
        row = QHBoxLayout()
        for b in (self.test_button, self.remove_button):
            row.addWidget(b)
        row.addStretch()
        row.addWidget(self.add_button)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.reload()

    def _run(self, work: Any, after: Any) -> None:
        DbOp(self, self.session.db_path, lambda db, _p: work(db), on_success=after,
             on_failure=lambda message, _d: self._say(message), kind=Kind.PLAIN).run_in_background()

    def reload(self) -> None:
        self._run(_listing, self._fill)

    def _fill(self, rows: list[dict[str, Any]]) -> None:
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, name in enumerate(COLUMNS):
                item = QTableWidgetItem(str(row.get(name) or ""))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def selected(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item else None

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.done.emit(text)

    def add(self) -> None:
        from app.tickets import connections

        values: dict[str, Any] = {"name": self.name.text(), "kind": self.kind.currentText(), "url": self.url.text(),
                  "project": self.project.text().strip() or None, "user": self.user.text().strip() or None,
                  "secret_env": self.secret_env.text().strip() or None}
        secret = self.secret.text() or None
        self.secret.clear()  # the field holds it no longer than needed

        def work(db: Database) -> Any:
            return _call(lambda: connections.add(db, values["name"], values["kind"], values["url"],
                                                 project=values["project"], user=values["user"],
                                                 secret_env=values["secret_env"], secret=secret))

        self._run(work, self._added)

    def _added(self, result: dict[str, Any]) -> None:
        if result.get("error"):
            self._say(f"Not saved: {result['error']}")
            return
        for edit in (self.name, self.url, self.project, self.user, self.secret_env):
            edit.clear()
        self._say(f"Saved connection {result['name']}.")
        self.reload()

    def test(self) -> None:
        from app.tickets import connections

        name = self.selected()
        if not name:
            self._say("Choose a connection in the list first.")
            return
        self._say(f"Testing {name}…")
        self._run(lambda db: _call(lambda: {"ok": connections.test(db, name)}),
                  lambda r: self._say(r.get("ok") or f"{name}: {r['error']}"))

    def remove(self) -> None:
        from app.tickets import connections

        name = self.selected()
        if not name:
            self._say("Choose a connection in the list first.")
            return

        def removed(result: Any) -> None:
            self._say(result["error"] if isinstance(result, dict) else f"Removed connection {name}.")
            self.reload()

        self._run(lambda db: _call(lambda: connections.remove(db, name)), removed)
