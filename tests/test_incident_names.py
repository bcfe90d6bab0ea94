"""Free-text names in the incident form: completers from known values, and a check before a new client.

"Acme" typed where "ACME Corp" is meant would make a second client in every
report; the form offers the known names as you type and, on save, asks before
creating a client that is close to one already there.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain import timeutil
from app.domain.names import near_matches
from app.incidents import service as svc
from app.store import events as event_store, incidents as store
from app.store.database import Database
from app.ui.incident_dialog import new_incident, open_incident
from app.ui.session import Session

LEFT = Qt.MouseButton.LeftButton
# typing into a completed field opens the completer's popup, which the offscreen platform cannot raise or grab for
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard",
                                       "This plugin does not support raise")


def _known(db: Database) -> None:
    svc.create(db, {"title": "Old outage", "log_type": "network", "impact": 2, "urgency": 2, "client": "ACME Corp",
                    "site": "Manila Site A", "assignee": "Dana Cruz", "assignment_group": "Network Ops"})
    row = ("2026-11-30T03:00:00.000Z", 4, "network", None, "h", "c", None, None, "m", None, "Globex Retail",
           "Cebu", None, 1, 0)
    with db.transaction():
        event_store.insert_many(db, [row])


def test_near_matches_ignore_case_and_find_names_inside_names() -> None:
    known = ["ACME Corp", "Globex Retail", "Acme Telecom", "Initech Bank"]
    assert near_matches("Acme", known)[:2] == ["ACME Corp", "Acme Telecom"]
    assert near_matches("acme corp", known)[0] == "ACME Corp"
    assert near_matches("Globx Retail", known) == ["Globex Retail"]
    assert near_matches("Umbrella", known) == []
    assert "ACME Corp" not in near_matches("ACME Corp", known)


def test_known_values_come_from_incidents_and_events(db: Database) -> None:
    _known(db)
    values = store.known_values(db)
    assert values["client"] == ["ACME Corp", "Globex Retail"]
    assert values["site"] == ["Manila Site A"]
    assert values["assignee"] == ["Dana Cruz"] and values["assignment_group"] == ["Network Ops"]


def _new_dialog(qtbot, db: Database):  # type: ignore[no-untyped-def]
    session = Session(db, timeutil.UTC)
    dialog = new_incident(session, None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.form.known is not None, timeout=5000)
    return dialog


def test_client_field_completes_from_known_clients(qtbot, db: Database) -> None:
    _known(db)
    dialog = _new_dialog(qtbot, db)
    edit = dialog.form.text_edits["client"]
    edit.setFocus()
    qtbot.keyClicks(edit, "glo")
    completer = edit.completer()
    assert completer is not None and completer.currentCompletion() == "Globex Retail"
    group = dialog.form.text_edits["assignment_group"].completer()
    assert group is not None and group.model().index(0, 0).data() == "Network Ops"


def _box(dialog) -> QMessageBox:  # type: ignore[no-untyped-def]
    box = dialog.client_check
    assert isinstance(box, QMessageBox) and box.isVisible()
    return box


def _button(box: QMessageBox, text: str):  # type: ignore[no-untyped-def]
    return next(b for b in box.buttons() if text in b.text())


def test_a_client_near_a_known_one_asks_first(qtbot, db: Database) -> None:
    _known(db)
    dialog = _new_dialog(qtbot, db)
    form = dialog.form
    qtbot.keyClicks(form.title, "Headsets dropping calls")
    qtbot.keyClicks(form.text_edits["client"], "Acme")
    qtbot.mouseClick(dialog.create_button, LEFT)
    box = _box(dialog)
    assert "ACME Corp" in box.text() and "Acme" in box.text()
    qtbot.mouseClick(_button(box, "Go back"), LEFT)
    assert db.scalar("SELECT count(*) FROM incidents") == 1  # nothing saved
    qtbot.mouseClick(dialog.create_button, LEFT)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(_button(_box(dialog), "Use “ACME Corp”"), LEFT)
    assert store.get_by_number(db, dialog.number)["client"] == "ACME Corp"


def test_creating_the_new_client_on_purpose_and_known_clients_pass_quietly(qtbot, db: Database) -> None:
    _known(db)
    dialog = _new_dialog(qtbot, db)
    qtbot.keyClicks(dialog.form.title, "Printer jam")
    qtbot.keyClicks(dialog.form.text_edits["client"], "Acme")
    qtbot.mouseClick(dialog.create_button, LEFT)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(_button(_box(dialog), "Create new client"), LEFT)
    assert store.get_by_number(db, dialog.number)["client"] == "Acme"
    again = _new_dialog(qtbot, db)
    qtbot.keyClicks(again.form.title, "Another jam")
    qtbot.keyClicks(again.form.text_edits["client"], "Globex Retail")
    with qtbot.waitSignal(again.saved):
        qtbot.mouseClick(again.create_button, LEFT)
    assert again.client_check is None


def test_editing_an_incident_asks_only_when_the_client_changes(qtbot, db: Database) -> None:
    _known(db)
    session = Session(db, timeutil.UTC)
    dialog = open_incident(session, "INC-000001", None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.form.known is not None, timeout=5000)
    edit = dialog.form.text_edits["client"]
    edit.selectAll()
    qtbot.keyClicks(edit, "Globex Retai")
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.mouseClick(_button(_box(dialog), "Use “Globex Retail”"), LEFT)
    qtbot.waitUntil(lambda: store.get_by_number(db, "INC-000001")["client"] == "Globex Retail", timeout=5000)
