"""Incidents made from events: opened now, first seen kept, backdating on purpose, events added later."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from app.analysis import sla
from app.domain import timeutil
from app.incidents import service as svc
from app.store import audit, incidents as store, migrations
from app.store.database import Database
from app.ui.add_to_incident_dialog import AddToIncidentDialog
from app.ui.incident_dialog import IncidentDialog, NewIncidentDialog, new_incident
from app.ui.pages.events import EventsPage
from app.ui.session import Session

UTC = timeutil.UTC
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot, demo_db: Database) -> EventsPage:
    widget = EventsPage(Session(demo_db, UTC))
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.total is not None and not widget.model._pending, timeout=10_000)
    yield widget
    widget.model.wait()


def _earliest(db: Database, ids: list[int]) -> str:
    return db.scalar(f"SELECT min(ts) FROM events WHERE id IN ({','.join(map(str, ids))})")


def _sla(db: Database, number: str) -> dict:
    row = store.get_by_number(db, number)
    holds = store.holds(db, [row["id"]]).get(row["id"], [])
    return sla.compute(row, holds, sla.load_policies(db), dt.datetime.now(UTC))


def _select_rows(qtbot, page: EventsPage, count: int) -> list[int]:
    """Click the first row, shift+Down to take ``count`` rows, as a person does."""
    table = page.table
    qtbot.mouseClick(table.viewport(), LEFT, pos=table.visualRect(page.model.index(0, 2)).center())
    for _ in range(count - 1):
        qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    ids = page.selected_event_ids()
    assert len(ids) == count
    return ids


def test_incident_from_selection_opens_now_and_keeps_first_seen(qtbot, page: EventsPage, demo_db: Database) -> None:
    ids = _select_rows(qtbot, page, 3)
    qtbot.mouseClick(page.incident_button, LEFT)
    dialog = page.findChild(NewIncidentDialog)
    assert dialog is not None and dialog.isVisible()
    first = _earliest(demo_db, ids)
    assert dialog.form.first_seen.isVisible() and dialog.form.first_seen.text() == timeutil.display(first, UTC)
    assert dialog.form.backdate.isVisible() and not dialog.form.backdate.isChecked()
    with qtbot.waitSignal(dialog.saved) as blocker:
        qtbot.mouseClick(dialog.create_button, LEFT)
    row = store.get_by_number(demo_db, blocker.args[0])
    assert abs(timeutil.from_iso(row["opened_at"]) - dt.datetime.now(UTC)) < dt.timedelta(minutes=2)
    assert row["first_seen_at"] == first < row["opened_at"]
    figures = _sla(demo_db, row["number"])
    assert figures["sla_state"] != "breached" and not figures["response_breached"]
    create = audit.history(demo_db, "incident", row["number"])[-1]
    assert json.loads(create["new"])["first_seen_at"] == first

    shown = IncidentDialog(page.session, row["number"])
    qtbot.addWidget(shown)
    shown.show()
    assert shown.form.first_seen.isVisible() and shown.form.first_seen.text() == timeutil.display(first, UTC)
    assert not shown.form.backdate.isVisible()


def test_backdating_is_the_old_behaviour_by_choice(qtbot, demo_db: Database) -> None:
    ids = [r[0] for r in demo_db.execute("SELECT id FROM events WHERE severity >= 4 ORDER BY ts LIMIT 3")]
    first = _earliest(demo_db, ids)
    dialog = new_incident(Session(demo_db, UTC), None, event_ids=ids)
    qtbot.addWidget(dialog)
    now_text = dialog.form.opened.text()
    qtbot.mouseClick(dialog.form.backdate, LEFT)
    assert dialog.form.backdate.isChecked() and dialog.form.opened.isReadOnly()
    assert dialog.form.opened.text() == timeutil.display(first, UTC, "%Y-%m-%d %H:%M:%S")
    qtbot.mouseClick(dialog.form.backdate, LEFT)  # changed my mind, and back again
    assert dialog.form.opened.text() == now_text and not dialog.form.opened.isReadOnly()
    qtbot.mouseClick(dialog.form.backdate, LEFT)
    dialog.form.impact.setCurrentIndex(0)
    dialog.form.urgency.setCurrentIndex(0)
    with qtbot.waitSignal(dialog.saved) as blocker:
        qtbot.mouseClick(dialog.create_button, LEFT)
    row = store.get_by_number(demo_db, blocker.args[0])
    assert row["opened_at"] == row["first_seen_at"] == first
    assert _sla(demo_db, row["number"])["sla_state"] == "breached"


def test_service_backdate_and_link_move_first_seen(demo_db: Database) -> None:
    early, middle, late = [r[0] for r in demo_db.execute(
        "SELECT id FROM events WHERE id NOT IN (SELECT event_id FROM incident_events) ORDER BY ts LIMIT 3")]
    values = {"title": "Dialler drops", "log_type": "application", "impact": 2, "urgency": 2}
    row = svc.create(demo_db, values, event_ids=[late], backdate=True)
    assert row["opened_at"] == row["first_seen_at"] == _earliest(demo_db, [late])
    with pytest.raises(svc.rules.IncidentError):
        svc.create(demo_db, values, backdate=True)  # nothing to backdate to
    assert svc.link_events(demo_db, row["number"], [middle, early]) == 2
    row = store.get_by_number(demo_db, row["number"])
    assert row["first_seen_at"] == _earliest(demo_db, [early])
    last = audit.history(demo_db, "incident", row["number"])[-1]
    assert last["action"] == "link" and json.loads(last["new"]) == {
        "events": sorted([early, middle]), "first_seen_at": row["first_seen_at"]}
    assert json.loads(last["old"]) == {"first_seen_at": _earliest(demo_db, [late])}
    with pytest.raises(svc.rules.IncidentError, match="no event"):
        svc.link_events(demo_db, row["number"], [10**9])


def test_cli_link_adds_events_and_show_lists_them(demo_db: Database, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = str(demo_db.path)
    early, late, later = [r[0] for r in demo_db.execute(
        "SELECT id FROM events WHERE id NOT IN (SELECT event_id FROM incident_events) ORDER BY ts LIMIT 3")]
    demo_db.close()
    made = run_cli("--db", path, "--tz", "UTC", "incident", "add", "--title", "VPN flaps", "--type", "network",
                   "--impact", "1", "--urgency", "1", "--event", str(later), "-o", "json")
    assert made.returncode == 0, made.stderr
    row = json.loads(made.stdout)
    assert abs(timeutil.from_iso(row["opened_at"]) - dt.datetime.now(UTC)) < dt.timedelta(minutes=2)
    linked = run_cli("--db", path, "--tz", "UTC", "incident", "link", row["number"],
                     "--event", str(late), "--event", str(early))
    assert linked.returncode == 0, linked.stderr
    assert f"{row['number']}: 2 event(s) linked, 3 in all; first seen" in linked.stdout
    shown = json.loads(run_cli("--db", path, "incident", "show", row["number"], "-o", "json").stdout)
    assert shown["linked_events"] == sorted([early, late, later])
    db = Database.open(Path(path))
    assert shown["first_seen_at"] == _earliest(db, [early]) and shown["sla_state"] != "breached"
    table = run_cli("--db", path, "--tz", "UTC", "incident", "show", row["number"]).stdout
    assert "first_seen_at" in table and timeutil.display(shown["first_seen_at"], UTC) in table

    back = run_cli("--db", path, "incident", "add", "--title", "Old outage", "--type", "network", "--impact", "1",
                   "--urgency", "1", "--event", str(later), "--event", str(late), "--backdate", "-o", "json")
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["opened_at"] == _earliest(db, [late])
    db.close()
    assert run_cli("--db", path, "incident", "add", "--title", "x", "--type", "network", "--impact", "1",
                   "--urgency", "1", "--backdate").returncode == 2
    missing = run_cli("--db", path, "incident", "link", row["number"], "--event", "999999999")
    assert missing.returncode == 2 and "999999999" in missing.stderr


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen: popups cannot grab
def test_context_menu_adds_selection_to_an_open_incident(qtbot, page: EventsPage, demo_db: Database) -> None:
    number = svc.create(demo_db, {"title": "Zebra dialler outage", "log_type": "application", "impact": 2,
                                  "urgency": 2})["number"]
    ids = _select_rows(qtbot, page, 2)
    table = page.table
    pos = table.visualRect(page.model.index(1, 2)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.RightButton, pos=pos)  # keeps the selection
    QApplication.sendEvent(table.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, table.viewport().mapToGlobal(pos)))
    menu = page.context_menu
    qtbot.waitUntil(lambda: menu.isVisible(), timeout=3000)
    action = next(a for a in menu.actions() if a.text() == "Add to incident…")
    assert action.isEnabled()
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: page.findChild(AddToIncidentDialog) is not None, timeout=3000)
    dialog = page.findChild(AddToIncidentDialog)
    qtbot.waitUntil(lambda: dialog.choices.rowCount() > 0, timeout=5000)
    dialog.number.setFocus()
    qtbot.keyClicks(dialog.number, "zebra")
    popup = dialog.number.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert popup.model().rowCount() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.number.text() == f"{number} — Zebra dialler outage"
    with qtbot.waitSignal(dialog.linked, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.add_button, LEFT)
    assert blocker.args == [number, 2]
    row = store.get_by_number(demo_db, number)
    assert sorted(store.linked_event_ids(demo_db, row["id"])) == sorted(ids)
    assert row["first_seen_at"] == _earliest(demo_db, ids)
    assert audit.history(demo_db, "incident", number)[-1]["action"] == "link"


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen: popups cannot grab
def test_context_menu_without_a_selection_offers_nothing(qtbot, page: EventsPage) -> None:
    page.table.clearSelection()
    page.show_context_menu(QPoint(5, 5))
    menu = page.context_menu
    qtbot.waitUntil(lambda: menu.isVisible(), timeout=3000)
    assert [a.isEnabled() for a in menu.actions()] == [False, False]
    menu.close()


def test_unknown_number_is_said_in_the_dialog(qtbot, demo_db: Database) -> None:
    ids = [r[0] for r in demo_db.execute("SELECT id FROM events ORDER BY ts LIMIT 1")]
    dialog = AddToIncidentDialog(Session(demo_db, UTC), ids)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.number, "999999")
    qtbot.mouseClick(dialog.add_button, LEFT)
    qtbot.waitUntil(lambda: "no incident" in dialog.message.text(), timeout=5000)
    assert dialog.add_button.isEnabled() and dialog.isVisible()


def test_migration_fills_first_seen_from_linked_events(tmp_path: Path) -> None:
    from app.demo.generator import generate

    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=8)
    generate(db, events=3000, incidents=40, seed=5)
    expected = dict(db.execute(
        "SELECT i.number, min(e.ts) FROM incidents i JOIN incident_events ie ON ie.incident_id = i.id "
        "JOIN events e ON e.id = ie.event_id GROUP BY i.number"))
    db.close()
    db = Database.open(path)
    assert db.user_version >= 9
    got = dict(db.execute("SELECT number, first_seen_at FROM incidents WHERE first_seen_at IS NOT NULL"))
    assert expected and got == expected
    db.close()


def test_first_seen_is_exported_in_csv_and_excel(db: Database, tmp_path: Path) -> None:
    import csv

    import openpyxl

    from app.domain.filters import Filter
    from app.ingest.service import ImportOptions, import_paths
    from app.reports import csv_export
    from app.reports.workbook import export_workbook

    log = tmp_path / "app.log"
    log.write_text("2026-11-20 08:00:00 ERROR dialler down\n2026-11-20 09:30:00 ERROR dialler down\n")
    [r] = import_paths(db, [log], ImportOptions(zone=UTC))
    assert r.ok
    ids = [row[0] for row in db.execute("SELECT id FROM events")]
    svc.create(db, {"title": "Dialler down", "log_type": "application", "impact": 2, "urgency": 2}, event_ids=ids)
    csv_export.export_incidents_csv(db, tmp_path / "i.csv", Filter(), UTC)
    with open(tmp_path / "i.csv", encoding="utf-8-sig", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["first_seen_at"] == "2026-11-20T08:00:00.000Z"
    assert row["first_seen_at_local"].startswith("2026-11-20 08:00")
    export_workbook(db, tmp_path / "r.xlsx", Filter(), UTC, include_events=False)
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Incidents"]
    header, values = [c.value for c in ws[1]], [c.value for c in ws[2]]
    cell = values[[h.split(" (")[0] for h in header].index("First seen")]
    assert cell == dt.datetime(2026, 11, 20, 8, 0)
