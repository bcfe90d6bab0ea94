"""SLA policies edited in a form: priority rows of minutes, calendars, client overrides, clear messages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QTableWidget

from app.analysis import sla
from app.domain import timeutil
from app.domain.sla_text import days_text, parse_days
from app.incidents import service as svc
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.ui.sla_settings_dialog import SlaSettingsDialog

LEFT = Qt.MouseButton.LeftButton


def _type(qtbot, table: QTableWidget, row: int, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Edit one cell as a person does: select it, F2, replace the text, Enter."""
    table.setCurrentCell(row, column)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editors = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits the editor's text in a queued call
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=2000)
    assert table.item(row, column).text() == text


def _open(qtbot, db: Database) -> SlaSettingsDialog:  # type: ignore[no-untyped-def]
    window = MainWindow(Session(db, timeutil.UTC))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.sla_settings_action.trigger()
    dialog = window.sla_settings_dialog
    assert isinstance(dialog, SlaSettingsDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_weekdays_read_and_written_as_ranges() -> None:
    assert parse_days("mon-fri") == (0, 1, 2, 3, 4)
    assert parse_days("Mon, Wed, sat-sun") == (0, 2, 5, 6)
    assert days_text((0, 1, 2, 3, 4)) == "mon-fri" and days_text((0, 2, 5, 6)) == "mon, wed, sat-sun"
    try:
        parse_days("mon-fry")
    except ValueError as exc:
        assert "fry" in str(exc)
    else:
        raise AssertionError("a misspelt weekday was accepted")


def test_targets_show_as_priority_rows_and_bad_minutes_are_named(qtbot, db: Database) -> None:
    dialog = _open(qtbot, db)
    assert not hasattr(dialog, "policies")  # no raw JSON any more
    table = dialog.form.targets
    assert [table.verticalHeaderItem(r).text() for r in range(4)] == ["P1", "P2", "P3", "P4"]
    assert (table.item(0, 0).text(), table.item(0, 1).text()) == ("15", "240")
    _type(qtbot, table, 0, 0, "abc")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.message.text() == "P1 response: “abc” is not a number of minutes"
    _type(qtbot, table, 0, 0, "300")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.message.text() == ("P1: the response target (300 min) cannot be longer than the resolution "
                                     "target (240 min)")
    _type(qtbot, table, 1, 1, "0")
    _type(qtbot, table, 0, 0, "10")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.message.text() == "P2 resolution: targets must be more than 0 minutes"
    assert sla.load_policies(db).target_for(None, 1).response_minutes == 15  # nothing stored yet


def test_calendar_default_and_client_override_are_saved(qtbot, db: Database) -> None:
    dialog = _open(qtbot, db)
    form = dialog.form
    dialog.cells[(3, 3)].setCurrentIndex(2)  # P3
    _type(qtbot, form.targets, 0, 0, "10")
    qtbot.mouseClick(form.add_calendar_button, LEFT)
    _type(qtbot, form.calendars, 0, 0, "office")
    _type(qtbot, form.calendars, 0, 1, "Asia/Manila")
    _type(qtbot, form.calendars, 0, 2, "mon-fri")
    _type(qtbot, form.calendars, 0, 3, "8-5pm")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "hours" in dialog.message.text() and "08:00-18:00" in dialog.message.text()
    _type(qtbot, form.calendars, 0, 3, "08:00-17:00")
    assert form.default_calendar.findText("office") >= 0  # the new calendar can be chosen
    form.default_calendar.setCurrentText("office")
    qtbot.mouseClick(form.add_client_button, LEFT)
    _type(qtbot, form.clients, 0, 0, "Acme")
    _type(qtbot, form.clients, 0, 1, "offfice")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.message.text() == "Client “Acme”: no calendar named “offfice” (there are: 24x7, office)"
    assert svc.priority_matrix(db)[3][3] == 4  # nothing stored yet
    _type(qtbot, form.clients, 0, 1, "24x7")
    _type(qtbot, form.clients, 0, 2, "P1 5/60")
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert svc.priority_matrix(db)[3][3] == 3
    policies = sla.load_policies(db)
    assert policies.default_calendar == "office"
    office = policies.calendars["office"]
    assert office.days == (0, 1, 2, 3, 4) and f"{office.start:%H:%M}-{office.end:%H:%M}" == "08:00-17:00"
    assert policies.target_for(None, 1).response_minutes == 10
    assert policies.calendar_for("Acme").name == "24x7" and policies.target_for("Acme", 1).resolution_minutes == 60
    again = _open(qtbot, db)  # what was saved reads back into the form
    assert again.form.calendars.item(0, 2).text() == "mon-fri"
    assert again.form.clients.item(0, 2).text() == "P1 5/60"
    assert again.form.default_calendar.currentText() == "office"
