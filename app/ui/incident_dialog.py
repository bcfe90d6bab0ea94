"""Opening one incident (details, transitions, History, linked events) and logging a new one.

``open_incident`` and ``new_incident`` are what the pages call. The window shows
``app.incidents.view``'s read model; saves go through ``app.incidents.edits``
(one small transaction, never waiting behind an import) and emit ``session.data_changed``.
A new incident is saved at once when the database is free, else through the window's
write queue (an import is writing), so the window never freezes; a save that fails
leaves the form open with everything typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import changes, incidents as rules, sla_text, timeutil
from app.incidents import edits, service as svc
from app.incidents.edits import UserFacingStoreError, WriteBusy
from app.incidents.view import evidence, incident_view
from app.ui import known_names, write_queue
from app.ui.incident_changes import ChangesTab
from app.ui.incident_form import IncidentForm
from app.ui.incident_tables import events_table, fill_table
from app.ui.kb_draft import Drafter, DraftOffer
from app.ui.known_fixes import KnownFixes
from app.ui.session import Session

# "Close incident", not "Close": the dialog's own Close button sits in the same window.
TRANSITION_LABELS = {"in-progress": "Start work", "on-hold": "Put on hold", "resolved": "Resolve",
                     "closed": "Close incident", "cancelled": "Cancel incident"}
TRANSITION_TIPS = {"closed": "Close the incident (status → closed); it can no longer be edited or reopened"}
EVENT_COLUMNS = ("ts", "severity", "log_type", "host", "component", "message")
BUSY = ("{action}: an import is writing to the database right now (it commits every second or so). Everything "
        "typed is still here: press {button} again in a moment.")


def sla_line(row: dict[str, Any], figures: dict[str, Any]) -> str:
    """``SLA met: 95 of 240 SLA minutes (1 h 35 min of 4 h, 24x7)`` and the like, for the dialog header.

    Minutes get separators, and hours or days beside them once they pass an hour:
    old imported incidents run to millions of minutes.
    """
    state, target = figures["sla_state"], figures["resolution_target_minutes"]
    if state == "n/a" or target is None:
        return "SLA: n/a"
    used = figures["time_to_resolve_minutes"] or 0
    readable = f"{sla_text.span(used)} of {sla_text.span(target)}, " if max(used, target) >= 60 else ""
    # "paused (on hold)" rather than "running"; which target broke is said at the end of the line
    label = state if state == "breached" else sla_text.state_label({**figures, "status": row.get("status")})
    text = (f"SLA {label}: {sla_text.count(used)} of {sla_text.count(target)} SLA minutes "
            f"({readable}{figures['sla_calendar']})")
    if not row.get("resolved_at") and figures["time_left_minutes"] is not None:
        left = figures["time_left_minutes"]
        text += f", {sla_text.remaining(left)}" + (" left" if left >= 0 else "")
    if figures["response_breached"]:
        text += "; response target missed"
    return text


class NewIncidentDialog(QDialog):
    """The New incident form, optionally pre-filled from events that it links on save.

    Signals:
        saved(str): the new incident's number.
    """

    saved = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None,
                 event_ids: list[int] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.event_ids = list(event_ids or [])
        self.setWindowTitle("New incident")
        self.resize(720, 760)
        self.form = IncidentForm(session.zone, svc.priority_matrix(session.db))
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #dc2626;")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form, 3)
        if self.event_ids:
            pre = svc.prefill_from_events(session.db, self.event_ids)
            self.form.set_values(pre)
            self.form.offer_backdate()
            self.event_ids = pre.get("event_ids", [])
            layout.addWidget(QLabel(f"<b>{len(self.event_ids)} event(s) will be linked</b> "
                                    f"(first seen {timeutil.display(pre.get('first_seen'), session.zone)}, "
                                    f"last seen {timeutil.display(pre.get('last_seen'), session.zone)})"))
            layout.addWidget(events_table(session, evidence(session.db, self.event_ids)), 1)
        self.known_fixes = KnownFixes(session)  # what fixed these events' patterns before; hidden when nothing
        self.known_fixes.setMaximumHeight(180)
        layout.addWidget(self.known_fixes)
        if self.event_ids:
            self.known_fixes.show_events(self.event_ids)
        else:
            self.form.set_values({"opened_at": timeutil.now_iso(), "log_type": "application"})
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("Create incident", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("create")
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.number: str | None = None
        self.client_check: QMessageBox | None = None
        known_names.load_into(session, self.form)

    def save(self) -> None:
        if not self.form.is_valid():
            self.message.setText("Fix the fields marked in red.")
            return
        self.client_check = known_names.check_client(self.form, self, self._create)

    def _create(self) -> None:
        """Save now if the database is free, else queue the save; the form stays as typed until it is stored."""
        values, event_ids = self.form.values(), list(self.event_ids)
        if not write_queue.pending():
            try:
                row = edits.create_now(self.session.db, values, event_ids)
            except WriteBusy:
                pass  # an import is writing: queue it below
            except (rules.IncidentError, UserFacingStoreError) as exc:
                self.message.setText(str(exc))
                return
            else:
                self._created((True, row))
                return

        def create(db: Any) -> tuple[bool, Any]:
            try:
                return True, svc.create(db, values, event_ids=event_ids)
            except (rules.IncidentError, UserFacingStoreError) as exc:
                return False, str(exc)

        self.create_button.setEnabled(False)
        self.message.setText("Waiting for an import to finish writing; the incident is saved then…")
        write_queue.submit(self, self.session.db_path, create, self._created,
                           lambda text, _details: self._not_saved(text))

    def _created(self, outcome: tuple[bool, Any]) -> None:
        ok, value = outcome
        if not ok:
            self._not_saved(value)
            return
        self.number = str(value["number"])
        self.message.setText("")
        self.session.data_changed.emit()
        self.saved.emit(self.number)
        self.accept()

    def _not_saved(self, reason: str) -> None:
        self.create_button.setEnabled(True)
        self.message.setText(f"Not saved: {reason}. Everything typed is still here: press Create incident to "
                             "try again.")


class IncidentDialog(QDialog):
    """One incident: edit its fields, move it through the lifecycle, read its history and evidence.

    Signals:
        saved(str): the incident was changed (its number).
    """

    saved = Signal(str)

    def __init__(self, session: Session, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.row = svc.get(session.db, number)
        self.number = str(self.row["number"])
        self.resize(820, 800)
        self.header = QLabel()
        self.header.setObjectName("header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.form = IncidentForm(session.zone, svc.priority_matrix(session.db))
        self.client_check: QMessageBox | None = None
        known_names.load_into(session, self.form)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("needed to put it on hold")
        self.resolution_code = QLineEdit()
        self.resolution_code.setPlaceholderText("needed to resolve")
        self.notes = QLineEdit()
        self.move_box = QWidget()
        move_form = QFormLayout(self.move_box)
        move_form.setContentsMargins(0, 0, 0, 0)
        move_form.addRow("Hold reason", self.reason)
        move_form.addRow("Resolution code", self.resolution_code)
        move_form.addRow("Notes", self.notes)
        self.transition_row = QHBoxLayout()
        self.transition_buttons: dict[str, QPushButton] = {}
        self.save_button = QPushButton("Save changes")
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self.save)
        self.drafter = Drafter(session, self)
        self.drafter.failed.connect(self.message.setText)
        self.draft_offer = DraftOffer(self.drafter)
        self.draft_button = QPushButton("Draft article…")
        self.draft_button.setObjectName("draftArticle")
        self.draft_button.setToolTip("Write a knowledge-base article from this incident's root cause, notes and events")
        self.draft_button.clicked.connect(lambda: self.drafter.draft(self.number))
        details = QWidget()
        d = QVBoxLayout(details)
        d.addWidget(self.form, 1)
        d.addWidget(self.move_box)
        d.addLayout(self.transition_row)
        self.history = QTableWidget()
        self.history.setObjectName("history")
        self.events_tab = QWidget()
        QVBoxLayout(self.events_tab)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, "Details")
        self.tabs.addTab(self.history, "History")
        self.tabs.addTab(self.events_tab, "Linked events")
        self.changes_tab = ChangesTab(session, self.number)
        self.changes_tab.linked.connect(lambda _n: self.reload())
        self.tabs.addTab(self.changes_tab, "What changed")
        self.tabs.currentChanged.connect(self._tab_shown)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.send_button = close.addButton("Send to…", QDialogButtonBox.ButtonRole.ActionRole)
        self.send_button.setObjectName("sendTo")
        self.send_button.setToolTip("Create or update this incident's ticket in Jira, ServiceNow or Zendesk")
        self.send_button.clicked.connect(self.send_to)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setToolTip("Close this window; the incident's status does not change")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.draft_offer)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        """Show the stored state: fields, allowed transitions, history, linked events."""
        view = incident_view(self.session.db, self.number)
        self.row = row = view.row
        figures = view.figures
        self.setWindowTitle(f"{row['number']} — {row['title']}")
        self.header.setText(f"<h3>{row['number']} · P{row['priority']} · {row['status']}</h3>"
                            + sla_line(row, figures)
                            + (f" · on hold: {row['hold_reason']}" if row.get("hold_reason") else ""))
        self.form.set_values(row)
        final = row["status"] in rules.FINAL_STATUSES
        self.form.set_read_only(final)
        self.resolution_code.setText(row.get("resolution_code") or "")
        while (item := self.transition_row.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None and widget not in (self.save_button, self.draft_button):
                widget.setParent(None)  # gone from findChild at once, not only after deleteLater
                widget.deleteLater()
        self.transition_buttons = {}
        for status in rules.allowed_transitions(row["status"]):
            button = QPushButton(TRANSITION_LABELS.get(status, status) if not (
                status == "in-progress" and row["status"] == "resolved") else "Reopen")
            button.setObjectName(f"transition-{status}")
            button.setToolTip(TRANSITION_TIPS.get(status, f"Move to {status}"))
            button.clicked.connect(lambda _c=False, s=status: self.move_to(s))
            self.transition_row.addWidget(button)
            self.transition_buttons[status] = button
        self.transition_row.addStretch()
        self.transition_row.addWidget(self.draft_button)
        self.draft_button.setVisible(row["status"] in ("resolved", "closed"))
        self.transition_row.addWidget(self.save_button)
        self.save_button.setVisible(not final)
        self.move_box.setVisible(not final)
        history = view.history
        fill_table(self.history, ["When", "Who", "Action", "Changes"],
              [[timeutil.display(h["ts"], self.session.zone), h["actor"], h["action"],
                changes.describe(h["old"], h["new"], self.session.zone)] for h in history])
        layout = self.events_tab.layout()
        assert layout is not None  # the QVBoxLayout made with the tab
        while (item := layout.takeAt(0)) is not None:
            if w := item.widget():
                w.deleteLater()
        events = view.events
        layout.addWidget(QLabel(f"{len(events)} linked event(s)"))
        layout.addWidget(events_table(self.session, events))

    def _tab_shown(self, index: int) -> None:
        """What changed is computed the first time it is shown, not for every incident opened."""
        if self.tabs.widget(index) is self.changes_tab and not self.changes_tab.loaded:
            self.changes_tab.load()

    def save(self) -> None:
        if not self.form.is_valid():
            self.message.setText("Fix the fields marked in red.")
            return
        self.client_check = known_names.check_client(self.form, self, self._update, previous=self.row.get("client"))

    def _update(self) -> None:
        try:
            # never freezes the window behind an import's step: WriteBusy at once instead
            row = edits.update_now(self.session.db, self.number, self.form.values())
        except rules.IncidentError as exc:
            self.message.setText(str(exc))
            return
        except WriteBusy:
            self.message.setText(BUSY.format(action="Not saved", button="Save changes"))
            return
        except UserFacingStoreError as exc:  # the form keeps what was typed
            self.message.setText(f"Not saved: {exc}. Your changes are still here: press Save changes to try again.")
            return
        if all(row.get(k) == v for k, v in self.row.items() if k != "updated_at"):
            self.message.setText("Nothing changed.")
            return
        self._changed("Saved.")

    def move_to(self, status: str) -> None:
        """Apply a transition with the reason / code / notes typed above the buttons."""
        try:
            typed = self.row["status"] not in rules.FINAL_STATUSES and self.form.is_valid()
            edits.move_now(self.session.db, self.number, status, self.form.values() if typed else None,
                           reason=self.reason.text() or None, resolution_code=self.resolution_code.text() or None,
                           notes=self.notes.text() or None)
        except rules.IncidentError as exc:
            self.message.setText(str(exc))
            return
        except WriteBusy:
            self.message.setText(BUSY.format(action="Not moved", button=TRANSITION_LABELS.get(status, status)))
            return
        except UserFacingStoreError as exc:  # the reason and notes typed stay for another try
            self.message.setText(f"Not moved: {exc}. Press the button again to try again.")
            return
        self.reason.clear()
        self.notes.clear()
        self._changed(f"Moved to {status}.")
        if status in ("resolved", "closed"):
            self.draft_offer.check(self.session, self.number)

    def send_to(self) -> QDialog:
        from app.ui.send_ticket import send_to

        return send_to(self.session, self.number, self)

    def _changed(self, text: str) -> None:
        self.message.setText(text)
        self.reload()
        self.session.data_changed.emit()
        self.saved.emit(self.number)


def open_incident(session: Session, number: str, parent: QWidget | None) -> QDialog:
    """Show one incident (non-modal); an unknown number gets an error box instead."""
    try:
        dialog: QDialog = IncidentDialog(session, number, parent)
    except rules.IncidentError as exc:
        from app.ui.dialogs import show_error

        return show_error(parent, "Incident not found", str(exc))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def new_incident(session: Session, parent: QWidget | None, event_ids: list[int] | None = None) -> QDialog:
    """Show the New incident form, pre-filled from ``event_ids`` when given (they are linked on save)."""
    dialog = NewIncidentDialog(session, parent, event_ids)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
