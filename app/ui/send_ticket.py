"""Incident ▸ Send to…: push one incident to a Jira, ServiceNow or Zendesk connection.

The push (outbox row, HTTP, outcome) runs in a worker through ``DbOp``: a slow or
unreachable server never freezes the window, and what did not go through stays in
the outbox, shown here with the server's message. The same service as
``issue-ledger push`` (``app.tickets.service``).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.domain import timeutil
from app.store.database import Database
from app.ui.db_ops import DbOp, Kind
from app.ui.session import Session


def _load(db: Database, number: str) -> dict[str, Any]:
    from app.tickets import connections, service

    return {"connections": connections.listing(db), **service.tickets_of(db, number)}


def _push(db: Database, number: str, connection: str) -> dict[str, Any]:
    from app.tickets import service
    from app.tickets.base import TicketError

    try:
        result = service.push(db, number, connection)
    except TicketError as exc:  # a refusal before anything was queued (no such connection, no secret)
        return {"error": str(exc)}
    return {**result, **service.tickets_of(db, number)}


class SendToDialog(QDialog):
    """Choose a connection and send; shows the ticket's link and what waits in the outbox.

    Signals:
        sent(dict): a push ended (its result, whatever the outcome).
    """

    sent = Signal(object)

    def __init__(self, session: Session, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.number = session, number
        self.setWindowTitle(f"Send {number} to…")
        self.setMinimumWidth(520)
        self.combo = QComboBox()
        self.combo.setObjectName("connection")
        self.links = QLabel("Loading…")
        self.links.setObjectName("links")
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setOpenExternalLinks(True)
        self.links.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.send_button = self.buttons.addButton("Send", QDialogButtonBox.ButtonRole.ActionRole)
        self.send_button.setObjectName("send")
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Connection", self.combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.links)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.reload()

    def reload(self) -> None:
        number = self.number
        DbOp(self, self.session.db_path, lambda db, _p: _load(db, number), on_success=self._loaded,
             on_failure=lambda message, _d: self.status.setText(message), kind=Kind.PLAIN).run_in_background()

    def _loaded(self, state: dict[str, Any]) -> None:
        chosen = self.combo.currentText()
        self.combo.clear()
        for c in state["connections"]:
            self.combo.addItem(c["name"], c)
            self.combo.setItemData(self.combo.count() - 1, f"{c['kind']} · {c['base_url']}",
                                   Qt.ItemDataRole.ToolTipRole)
        if chosen:
            self.combo.setCurrentText(chosen)
        self.send_button.setEnabled(self.combo.count() > 0)
        if not self.combo.count():
            self.status.setText("No connection yet: add one in Settings ▸ Connections or with "
                                "'issue-ledger connections add'.")
        self._show(state)

    def _show(self, state: dict[str, Any]) -> None:
        lines = []
        for lk in state.get("links", []):
            url = html.escape(lk["external_url"] or "")
            remote = " · ".join(x for x in (lk["remote_status"], lk["remote_assignee"]) if x)
            lines.append(f"{html.escape(lk['connection'])}: <a href=\"{url}\">{html.escape(lk['external_key'])}</a>"
                         + (f" ({html.escape(remote)})" if remote else ""))
        for r in state.get("queued", []):
            when = timeutil.display(r["next_attempt_at"], self.session.zone) if r["next_attempt_at"] else ""
            what = f"{r['operation']} to {html.escape(r['connection'])}: {r['state']}"
            if r["state"] == "pending" and when:
                what += f", next try {when}"
            if r["last_error"]:
                what += f" — {html.escape(r['last_error'])}"
            lines.append(what)
        self.links.setText("<br>".join(lines) or "No ticket yet.")

    def send(self) -> None:
        connection, number = self.combo.currentText(), self.number
        if not connection:
            return
        self.send_button.setEnabled(False)
        self.status.setText(f"Sending to {connection}…")
        DbOp(self, self.session.db_path, lambda db, _p: _push(db, number, connection), on_success=self._sent,
             on_failure=self._failed, kind=Kind.PLAIN).run_in_background()

    def _sent(self, result: dict[str, Any]) -> None:
        self.send_button.setEnabled(True)
        if result.get("error"):
            self.status.setText(f"Not sent: {result['error']}")
        else:
            states = [r["state"] for r in result["outbox"]]
            if not states:
                self.status.setText("Nothing new to send.")
            elif all(s == "done" for s in states):
                self.status.setText(f"Sent: {result['external_key']}")
            elif "failed" in states:
                self.status.setText("Failed; see the message below. Fix it and press Send to try again.")
            else:
                self.status.setText("Not sent yet: kept in the outbox, tried again automatically.")
            self._show(result)
            self.session.data_changed.emit()
        self.sent.emit(result)

    def _failed(self, message: str, _details: str) -> None:
        self.send_button.setEnabled(True)
        self.status.setText(f"Not sent: {message}")
        self.sent.emit({"error": message})


def send_to(session: Session, number: str, parent: QWidget | None) -> QDialog:
    """Show the Send to… dialog for one incident (non-modal)."""
    dialog = SendToDialog(session, number, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
