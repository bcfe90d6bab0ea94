"""The New incident form, the incident dialog and the Audit trail page, driven with qtbot."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.domain import timeutil
from app.incidents import service as svc
from app.store import incidents as store
from app.store.database import Database
from app.ui.incident_dialog import IncidentDialog, NewIncidentDialog, new_incident, open_incident
from app.ui.main_window import MainWindow
from app.ui.pages.audit import AuditModel, AuditPage
from app.ui.session import Session

LEFT = Qt.MouseButton.LeftButton


def _session(db: Database) -> Session:
    return Session(db, timeutil.UTC)


def test_new_incident_validates_at_the_field_then_saves(qtbot, db: Database) -> None:
    session = _session(db)
    dialog = new_incident(session, None)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, NewIncidentDialog)
    form = dialog.form
    qtbot.mouseClick(dialog.create_button, LEFT)
    assert "red" in dialog.message.text() and form._error_labels["title"].isVisible()
    assert db.scalar("SELECT count(*) FROM incidents") == 0
    qtbot.keyClicks(form.seats, "lots")
    form.seats.editingFinished.emit()
    assert "whole number" in form._error_labels["affected_seats"].text()
    form.seats.clear()
    form.seats.editingFinished.emit()
    assert not form._error_labels["affected_seats"].isVisible()
    qtbot.keyClicks(form.title, "Headsets dropping calls")
    form.log_type.setCurrentText("network")
    form.impact.setCurrentIndex(0)
    form.urgency.setCurrentIndex(0)
    assert form.priority_label.text() == "P1 Critical"
    qtbot.keyClicks(form.text_edits["client"], "Acme")
    with qtbot.waitSignal(session.data_changed):
        qtbot.mouseClick(dialog.create_button, LEFT)
    row = store.get_by_number(db, "INC-000001")
    assert row and row["title"] == "Headsets dropping calls" and row["priority"] == 1 and row["client"] == "Acme"


def test_prefilled_from_events_links_them(qtbot, demo_db: Database) -> None:
    ids = [r[0] for r in demo_db.execute("SELECT id FROM events WHERE severity >= 4 ORDER BY ts LIMIT 4")]
    session = _session(demo_db)
    dialog = new_incident(session, None, event_ids=ids)
    qtbot.addWidget(dialog)
    assert dialog.form.title.text() and "Sample lines" in dialog.form.description.toPlainText()
    first = demo_db.scalar(f"SELECT min(ts) FROM events WHERE id IN ({','.join(map(str, ids))})")
    assert dialog.form.first_seen.text() == timeutil.display(first, timeutil.UTC)
    assert dialog.form.opened.text() > timeutil.display(first, timeutil.UTC, "%Y-%m-%d %H:%M:%S")
    with qtbot.waitSignal(dialog.saved) as blocker:
        qtbot.mouseClick(dialog.create_button, LEFT)
    row = store.get_by_number(demo_db, blocker.args[0])
    assert row and sorted(store.linked_event_ids(demo_db, row["id"])) == sorted(ids)


def test_dialog_offers_only_allowed_transitions(qtbot, db: Database) -> None:
    number = svc.create(db, {"title": "Dialer down", "log_type": "application", "impact": 2, "urgency": 2})["number"]
    session = _session(db)
    dialog = open_incident(session, number, None)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, IncidentDialog)
    assert set(dialog.transition_buttons) == {"in-progress", "on-hold", "resolved", "cancelled"}
    qtbot.mouseClick(dialog.transition_buttons["on-hold"], LEFT)
    assert "needs a reason" in dialog.message.text() and dialog.row["status"] == "new"
    qtbot.keyClicks(dialog.reason, "waiting on carrier")
    with qtbot.waitSignal(session.data_changed):
        qtbot.mouseClick(dialog.transition_buttons["on-hold"], LEFT)
    assert dialog.row["status"] == "on-hold"
    assert set(dialog.transition_buttons) == {"in-progress", "resolved", "cancelled"}
    qtbot.keyClicks(dialog.resolution_code, "carrier-fix")
    qtbot.mouseClick(dialog.transition_buttons["resolved"], LEFT)
    assert set(dialog.transition_buttons) == {"closed", "in-progress"}
    assert dialog.findChild(QPushButton, "transition-in-progress").text() == "Reopen"
    dialog.form.text_edits["assignee"].setText("maria")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert store.get_by_number(db, number)["assignee"] == "maria"  # type: ignore[index]
    qtbot.mouseClick(dialog.transition_buttons["closed"], LEFT)
    assert dialog.transition_buttons == {} and dialog.form.title.isReadOnly()
    assert dialog.move_box.isHidden() and "SLA met" in dialog.header.text()
    actions = [dialog.history.item(r, 2).text() for r in range(dialog.history.rowCount())]
    assert actions == ["create", "transition", "transition", "update", "transition"]


def test_unknown_number_shows_an_error(qtbot, db: Database) -> None:
    box = open_incident(_session(db), "INC-404404", None)
    qtbot.addWidget(box)
    assert "INC-404404" in box.text()  # type: ignore[attr-defined]


def test_ctrl_n_and_the_audit_page(qtbot, db: Database, qtmodeltester) -> None:
    svc.create(db, {"title": "Slow CRM", "log_type": "application", "impact": 3, "urgency": 3})
    window = MainWindow(_session(db))
    qtbot.addWidget(window)
    window.show()
    from PySide6.QtGui import QAction, QKeySequence

    ctrl_n = QKeySequence("Ctrl+N")
    assert window.new_incident_action.shortcut() == ctrl_n
    assert [a for a in window.findChildren(QAction) if a.shortcut() == ctrl_n] == [window.new_incident_action]
    window.new_incident_action.trigger()
    assert isinstance(window.incident_dialog, NewIncidentDialog) and window.incident_dialog.isVisible()
    window.incident_dialog.close()
    page = window.show_page("audit")
    assert isinstance(page, AuditPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    qtmodeltester.check(page.model)
    qtbot.mouseClick(page.verify_button, LEFT)
    qtbot.waitUntil(lambda: "intact" in page.result.text())
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 1")
    qtbot.mouseClick(page.verify_button, LEFT)
    qtbot.waitUntil(lambda: "broken at row 1" in page.result.text())


def test_audit_filters(qtbot, db: Database) -> None:
    n = svc.create(db, {"title": "VPN flaps", "log_type": "network", "impact": 2, "urgency": 2})["number"]
    svc.transition(db, n, "in-progress")
    page = AuditPage(_session(db))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.action.setCurrentIndex(page.action.findData("transition"))
    page.load()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.rows[0]["action"] == "transition"
    model = AuditModel(timeutil.UTC)
    model.set_rows(page.model.rows)
    assert "status: new → in-progress" in model.data(model.index(0, 6))


def test_import_dialog_maps_previews_and_applies(qtbot, db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.ingest.incidents.apply import profiles
    from app.ui.incident_import_dialog import IncidentImportDialog

    path = tmp_path / "log.csv"
    path.write_text("Ref,Problem Statement,Logged,Priority,State\n"
                    "A-1,Headsets crackling,13/11/2026 09:15,P2,Resolved\n"
                    "A-2,VPN down,14/11/2026 10:00,P1,Open\n", encoding="utf-8")
    session = _session(db)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.import_incidents_action.trigger()
    dialog = window.incident_import_dialog
    assert isinstance(dialog, IncidentImportDialog)
    dialog.load_file(path)
    qtbot.waitUntil(lambda: dialog.mapping.rowCount() == 5 and dialog.preview_button.isEnabled())
    title_box = dialog.mapping.cellWidget(1, 2)
    assert title_box.currentData() is None  # "Problem Statement" is not a known header
    qtbot.mouseClick(dialog.preview_button, LEFT)
    qtbot.waitUntil(lambda: dialog.plan is not None)
    assert dialog.plan.ok and dialog.plan.incidents[0].record["title"] == "A-1"  # built from the key
    title_box.setCurrentIndex(title_box.findData("title"))
    qtbot.mouseClick(dialog.preview_button, LEFT)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled())
    assert dialog.plan.incidents[0].record["title"] == "Headsets crackling"
    assert dialog.report.rowCount() == 2 and dialog.report.item(0, 2).text() == "create"
    dialog.profile_name.setText("floor")
    qtbot.mouseClick(dialog.save_profile_button, LEFT)
    assert profiles(db)["floor"]["columns"]["Problem Statement"] == "title"
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert blocker.args == [2]
    assert db.scalar("SELECT count(*) FROM incidents") == 2
    assert store.get_by_number(db, "INC-000002")["status"] == "new"  # type: ignore[index]
    # The status bar counts again after the import (in a worker); it must land while the database is open.
    qtbot.waitUntil(lambda: window.counts_label.text() == "0 events · 2 incidents", timeout=10_000)


def test_saving_an_untouched_incident_changes_nothing(qtbot, demo_db: Database) -> None:
    number = demo_db.scalar("SELECT number FROM incidents WHERE status = 'in-progress' AND downtime_minutes IS NULL"
                            " ORDER BY id LIMIT 1") or demo_db.scalar(
        "SELECT number FROM incidents WHERE status = 'in-progress' ORDER BY id LIMIT 1")
    before = demo_db.scalar("SELECT count(*) FROM audit_log")
    dialog = open_incident(Session(demo_db, timeutil.get_zone("Asia/Manila")), number, None)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.message.text() == "Nothing changed." and demo_db.scalar("SELECT count(*) FROM audit_log") == before


def test_audit_page_verify_names_an_incident_changed_behind_the_app(qtbot, db: Database) -> None:
    n = svc.create(db, {"title": "VPN flaps", "log_type": "network", "impact": 2, "urgency": 2})["number"]
    page = AuditPage(_session(db))
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    db.execute("UPDATE incidents SET title = 'Nothing happened' WHERE number = ?", (n,))
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"{n}: title is" in page.result.text())
    assert "changed outside the app" in page.result.text()
