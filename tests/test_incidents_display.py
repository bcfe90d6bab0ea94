"""How incidents read on screen: durations, the breached SLA target, the two Close buttons,
the incident import dialog's path field and Close button, the breach-rate tile on an empty database."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from app.domain import sla_text, timeutil
from app.incidents import service as svc
from app.store import incidents as store
from app.store.database import Database
from app.ui.incident_dialog import IncidentDialog, open_incident, sla_line
from app.ui.main_window import MainWindow
from app.ui.pages.incidents import IncidentsPage
from app.ui.session import Session

LEFT = Qt.MouseButton.LeftButton
SLA_COLUMN, LEFT_COLUMN = 5, 6


def _session(db: Database) -> Session:
    return Session(db, timeutil.UTC)


def _ago(**kwargs: float) -> str:
    return timeutil.to_iso(dt.datetime.now(timeutil.UTC) - dt.timedelta(**kwargs))


# -- formatting (no Qt) ----------------------------------------------------------------------------

@pytest.mark.parametrize(("minutes", "text"), [
    (0, "0 min"), (45.9, "45 min"), (60, "1 h"), (95, "1 h 35 min"), (2121.5, "35 h 21 min"),
    (47 * 60 + 59, "47 h 59 min"), (48 * 60, "2 d"), (3 * 1440 + 61, "3 d 1 h"), (5_654_802, "3,926 d 22 h"),
])
def test_span_switches_to_days_past_48_hours_with_separators(minutes: float, text: str) -> None:
    assert sla_text.span(minutes) == text


def test_remaining_says_overdue_instead_of_a_minus_sign() -> None:
    assert sla_text.remaining(2121.9) == "35 h 21 min"  # never more time left than there is
    assert sla_text.remaining(-(94174 * 60 + 4)) == "3,923 d 22 h overdue"
    assert sla_text.remaining(-0.2) == "1 min overdue"  # a second late is late
    assert "-" not in sla_text.remaining(-5_000_000)


def test_count_has_thousands_separators() -> None:
    assert sla_text.count(5_654_802) == "5,654,802" and sla_text.count(4320.0) == "4,320"


@pytest.mark.parametrize(("response", "resolution", "label"), [
    (True, False, "response breached"), (False, True, "resolution breached"), (True, True, "both breached"),
])
def test_state_label_names_the_breached_target(response: bool, resolution: bool, label: str) -> None:
    figures = {"sla_state": "breached", "response_breached": response, "resolution_breached": resolution}
    assert sla_text.state_label(figures) == label
    assert sla_text.state_label({"sla_state": "running"}) == "running"


def test_explanation_says_which_target_was_missed_and_by_how_much() -> None:
    figures = {"sla_state": "breached", "response_breached": False, "resolution_breached": True,
               "response_target_minutes": 15, "resolution_target_minutes": 240, "time_to_ack_minutes": 5,
               "time_left_minutes": -3000, "sla_calendar": "24x7"}
    text = sla_text.explanation(figures, resolved=True)
    assert "Response target (15 min): met, acknowledged 5 min after opening." in text
    assert "Resolution target (4 h): missed by 2 d 2 h." in text
    assert sla_text.explanation({"sla_state": "n/a"}, resolved=False).startswith("No SLA target")


def test_dialog_sla_line_uses_separators_and_days() -> None:
    figures = {"sla_state": "breached", "resolution_target_minutes": 4320, "time_to_resolve_minutes": 5_654_802,
               "time_left_minutes": -5_650_482, "sla_calendar": "24x7", "response_breached": True}
    line = sla_line({}, figures)
    assert line.startswith("SLA breached: 5,654,802 of 4,320 SLA minutes (3,926 d 22 h of 3 d, 24x7)")
    assert "3,923 d 22 h overdue" in line and "response target missed" in line
    small = sla_line({"resolved_at": "x"}, {**figures, "sla_state": "met", "resolution_target_minutes": 240,
                                            "time_to_resolve_minutes": 30, "response_breached": False})
    assert small == "SLA met: 30 of 240 SLA minutes (30 min of 4 h, 24x7)"


# -- the incidents list ---------------------------------------------------------------------------

def test_list_names_the_breached_target_and_reads_old_overdue_incidents(qtbot, db: Database,
                                                                        qtmodeltester) -> None:
    # P4: respond within 8 h, resolve within 3 d. Ten hours unacknowledged: only the response target is missed.
    late_reply = svc.create(db, {"title": "Softphone echo", "log_type": "application", "impact": 3, "urgency": 3,
                                 "opened_at": _ago(hours=10)})["number"]
    ancient = svc.create(db, {"title": "Imported 2016 ticket", "log_type": "event", "impact": 3, "urgency": 3,
                              "opened_at": "2016-02-29T09:05:00.000Z"})["number"]
    page = IncidentsPage(_session(db))
    qtbot.addWidget(page)
    model = page.model
    qtbot.waitUntil(lambda: model.rowCount() == 2 and model.number(1) is not None, timeout=5000)
    qtmodeltester.check(model)
    rows = {model.number(r): r for r in range(2)}

    def text(number: str, column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> str:
        return model.data(model.index(rows[number], column), role)

    assert text(late_reply, SLA_COLUMN) == "response breached"
    assert re.fullmatch(r"2 d 1[34] h", text(late_reply, LEFT_COLUMN))  # time left, and the row says why
    tip = text(late_reply, SLA_COLUMN, Qt.ItemDataRole.ToolTipRole)
    assert "Response target (8 h): missed, not acknowledged yet." in tip and "left" in tip
    assert text(late_reply, LEFT_COLUMN, Qt.ItemDataRole.ToolTipRole) == tip

    assert text(ancient, SLA_COLUMN) == "both breached"
    left = text(ancient, LEFT_COLUMN)
    assert re.fullmatch(r"\d,\d{3} d( \d+ h)? overdue", left), left
    assert "missed by" in text(ancient, SLA_COLUMN, Qt.ItemDataRole.ToolTipRole)
    width = page.table.fontMetrics().horizontalAdvance(left)
    assert page.table.columnWidth(LEFT_COLUMN) > width  # shown whole, not clipped with "…"


def test_saved_narrow_sla_columns_are_widened_once(qtbot, db: Database) -> None:
    session = _session(db)
    first = IncidentsPage(session)
    qtbot.addWidget(first)
    first.table.setColumnWidth(SLA_COLUMN, 80)  # the old default, saved by an earlier version
    first.table.setColumnWidth(LEFT_COLUMN, 95)  # a width the user chose
    first.table.save_state()
    again = IncidentsPage(session)
    qtbot.addWidget(again)
    assert again.table.columnWidth(SLA_COLUMN) == 140 and again.table.columnWidth(LEFT_COLUMN) == 95


# -- the incident dialog --------------------------------------------------------------------------

def _resolved(db: Database) -> str:
    number = svc.create(db, {"title": "Dialer down", "log_type": "application", "impact": 2, "urgency": 2})["number"]
    svc.transition(db, number, "resolved", resolution_code="restart")
    return number


def test_close_incident_and_close_window_are_different_buttons(qtbot, db: Database) -> None:
    number = _resolved(db)
    dialog = IncidentDialog(_session(db), number)  # not deleted on close, so it can be checked after
    qtbot.addWidget(dialog)
    dialog.show()
    close_incident = dialog.transition_buttons["closed"]
    assert close_incident.text() == "Close incident" and "closed" in close_incident.toolTip()
    shown = [b.text().replace("&", "") for b in dialog.findChildren(QPushButton) if b.isVisible()]
    assert len(shown) == len(set(shown)), shown
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(close_incident, LEFT)
    assert store.get_by_number(db, number)["status"] == "closed"  # type: ignore[index]
    assert dialog.isVisible()  # closing the incident leaves the window open
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.close_button, LEFT)
    assert not dialog.isVisible()


def test_closing_the_window_leaves_the_incident_resolved(qtbot, db: Database) -> None:
    number = _resolved(db)
    dialog = IncidentDialog(_session(db), number)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.close_button.text().replace("&", "") == "Close"
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.close_button, LEFT)
    assert not dialog.isVisible()
    assert store.get_by_number(db, number)["status"] == "resolved"  # type: ignore[index]


def test_dialog_header_of_an_old_incident_is_readable(qtbot, db: Database) -> None:
    number = svc.create(db, {"title": "Imported 2016 ticket", "log_type": "event", "impact": 3, "urgency": 3,
                             "opened_at": "2016-02-29T09:05:00.000Z"})["number"]
    dialog = open_incident(_session(db), number, None)
    qtbot.addWidget(dialog)
    header = dialog.header.text()
    assert re.search(r"SLA breached: \d,\d{3},\d{3} of 4,320 SLA minutes \(\d,\d{3} d( \d+ h)? of 3 d, 24x7\), "
                     r"\d,\d{3} d( \d+ h)? overdue; response target missed", header), header


# -- the incident import dialog -------------------------------------------------------------------

@pytest.fixture
def no_file_picker(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Qt's file picker would block the test; record any attempt to open it instead."""
    calls: list[object] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (calls.append(a), ("", ""))[1])
    return calls


def test_import_path_can_be_typed_and_close_applies_nothing(qtbot, db: Database, tmp_path: Path,
                                                           no_file_picker: list[object]) -> None:
    from app.ui.incident_import_dialog import IncidentImportDialog

    path = tmp_path / "log.csv"
    path.write_text("Ref,Title,Logged,Priority,State\nA-1,Headsets crackling,13/11/2026 09:15,P2,Open\n",
                    encoding="utf-8")
    window = MainWindow(_session(db))
    qtbot.addWidget(window)
    window.import_incidents_action.trigger()
    dialog = window.incident_import_dialog
    assert isinstance(dialog, IncidentImportDialog) and not dialog.file.isReadOnly()
    qtbot.waitActive(dialog)
    dialog.file.setFocus()

    missing = tmp_path / "nope.csv"
    qtbot.keyClicks(dialog.file, str(missing))
    qtbot.keyClick(dialog.file, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "There is no file at" in dialog.notes.text())
    assert str(missing) in dialog.notes.text() and not dialog.preview_button.isEnabled()
    assert no_file_picker == []  # Enter loads the path; it does not press "Choose file…"

    dialog.file.selectAll()
    qtbot.keyClicks(dialog.file, str(path))
    dialog.profile_name.setFocus()  # leaving the field loads it too
    qtbot.waitUntil(lambda: dialog.mapping.rowCount() == 5 and dialog.preview_button.isEnabled())
    qtbot.mouseClick(dialog.preview_button, LEFT)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled())

    assert dialog.close_button.isVisible()
    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(dialog.close_button, LEFT)
    assert db.scalar("SELECT count(*) FROM incidents") == 0


# -- the dashboard's breach-rate tile -------------------------------------------------------------

def _breach_tile(qtbot, db: Database) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    window = MainWindow(_session(db))
    qtbot.addWidget(window)
    window.show()
    page = window.page("dashboard")
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        window.show_page("dashboard")
        page.refresh()
    tile = page.tiles.tiles["breach"]
    return tile.value_label.text(), tile.detail_label.text()


def test_breach_rate_is_a_dash_on_an_empty_database(qtbot, db: Database) -> None:
    value, detail = _breach_tile(qtbot, db)
    assert (value, detail) == ("—", "no incidents with an SLA target")


def test_breach_rate_is_zero_when_incidents_are_within_target(qtbot, db: Database) -> None:
    svc.create(db, {"title": "Slow CRM", "log_type": "application", "impact": 3, "urgency": 3})
    value, detail = _breach_tile(qtbot, db)
    assert (value, detail) == ("0.0%", "of incidents with an SLA target")


def test_incidents_page_lists_newest_opened_first_like_the_cli(qtbot, db: Database, run_cli) -> None:  # type: ignore[no-untyped-def]
    import json

    base = {"log_type": "network", "impact": 2, "urgency": 2}
    # Created in this order, opened in another: the history import comes last but was opened first.
    svc.create(db, {**base, "title": "this week", "opened_at": "2026-11-28T09:00:00.000Z"})
    svc.create(db, {**base, "title": "last month", "opened_at": "2026-10-28T09:00:00.000Z"})
    svc.create(db, {**base, "title": "imported 2016", "opened_at": "2016-02-29T09:00:00.000Z"})
    svc.create(db, {**base, "title": "yesterday", "opened_at": "2026-11-29T09:00:00.000Z"})
    page = IncidentsPage(_session(db))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4 and page.model.row(3, fetch=False) is not None, timeout=10_000)
    shown = [page.model.row(r, fetch=False)["title"] for r in range(4)]
    cli = [r["title"] for r in json.loads(run_cli("--db", db.path, "incidents", "--output", "json").stdout)]
    assert shown == cli == ["yesterday", "this week", "last month", "imported 2016"]
    page.model.wait()


def test_an_incident_on_hold_reads_paused_not_running() -> None:
    figures = {"sla_state": "running", "response_breached": False, "resolution_breached": False}
    assert sla_text.state_label({**figures, "status": "on-hold"}) == "paused (on hold)"
    assert sla_text.state_label({**figures, "status": "in-progress"}) == "running"
    breached = {**figures, "sla_state": "breached", "response_breached": True, "status": "on-hold"}
    assert sla_text.state_label(breached) == "response breached"  # a missed target stays missed
    assert sla_text.count(0.5) == "0" and sla_text.span(0.5) == "0 min"  # the two never disagree
