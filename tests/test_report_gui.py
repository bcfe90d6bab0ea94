"""The Reports page and File ▸ Export report…, driven like a person would."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from app.domain import timeutil
from app.domain.filters import Filter
from app.store.database import Database
from app.ui import workers
from app.ui.export_dialog import ExportDialog
from app.ui.main_window import MainWindow
from app.ui.pages.reports import ReportsPage
from app.ui.session import Session


def _session(db: Database) -> Session:
    return Session(db, timeutil.UTC)


def test_export_dialog_writes_the_report_for_the_current_filter(qtbot, demo_db: Database, tmp_path: Path) -> None:
    import openpyxl

    session = _session(demo_db)
    session.set_filter(Filter(log_types=("security",)))
    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.filter_label.text() == "log types: security"
    out = tmp_path / "gui.xlsx"
    dialog.path_edit.setText(str(out))
    dialog.events_check.setChecked(False)
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result.path == out.resolve() and out.exists()
    assert "Written" in dialog.status_label.text() and dialog.export_button.isEnabled()
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "Events" not in wb.sheetnames
    info = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert info["Filter"] == "log types: security"
    wb.close()
    row = demo_db.rows("SELECT new FROM audit_log WHERE action = 'export'")[-1]
    assert json.loads(row["new"])["filter"] == {"log_types": ["security"]}


def test_cancel_leaves_no_file(qtbot, demo_db: Database, tmp_path: Path) -> None:
    dialog = ExportDialog(_session(demo_db))
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "out" / "cancelled.xlsx"
    out.parent.mkdir()
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.task is not None and dialog.cancel_button.text() == "Cancel"
    with qtbot.waitSignal(dialog.task.signals.cancelled, timeout=60_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in dialog.status_label.text()
    assert list(out.parent.iterdir()) == []
    assert demo_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'export'") == 0


def test_wrong_suffix_is_refused_before_any_work(qtbot, demo_db: Database, tmp_path: Path) -> None:
    dialog = ExportDialog(_session(demo_db), kind="events")
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "events.xlsx"))
    assert dialog.start_export() is None
    assert ".csv" in dialog.status_label.text()


def test_reports_page_lists_exports_and_opens_the_dialog(qtbot, demo_db: Database, tmp_path: Path) -> None:
    session = _session(demo_db)
    page = ReportsPage(session)
    qtbot.addWidget(page)
    page.show()
    assert page.recent.rowCount() == 0
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("servicenow"))
    assert not page.events_check.isEnabled()
    dialog = page.open_export()
    assert dialog.kind == "servicenow" and dialog.path_edit.text().endswith(".csv")
    dialog.path_edit.setText(str(tmp_path / "sn.csv"))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.recent.rowCount() == 1)
    assert page.recent.item(0, 1).text() == "sn.csv"
    assert page.recent.item(0, 2).text() == "itsm-csv-servicenow"
    session.set_filter(Filter(clients=("Acme Telecom",)))
    assert "clients: Acme Telecom" in page.filter_label.text()
    dialog.close()


def test_file_menu_opens_the_export_dialog(qtbot, demo_db: Database) -> None:
    window = MainWindow(_session(demo_db))
    qtbot.addWidget(window)
    window.show()
    window.export_action.trigger()
    dialog = window.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    assert dialog.kind == "xlsx"
    dialog.close()
    workers.wait_all(10_000)


def test_changing_the_kind_renames_the_suggestion_and_an_existing_file_is_replaced_only_when_asked(
        qtbot, demo_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(_session(demo_db), kind="servicenow")
    qtbot.addWidget(dialog)
    assert Path(dialog.path_edit.text()).name.startswith("servicenow-export-")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("jira"))
    assert Path(dialog.path_edit.text()).name.startswith("jira-export-")  # Jira rows never go in a ServiceNow name
    target = tmp_path / "floor-b.csv"
    target.write_text("keep me\n", encoding="utf-8")
    dialog.path_edit.setText(str(target))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("incidents"))
    assert dialog.path_edit.text() == str(target)  # a name the user typed stays
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "already exists" in dialog.status_label.text() and dialog.task is None
    assert target.read_text(encoding="utf-8") == "keep me\n"
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)  # the second press replaces it
    assert target.read_text(encoding="utf-8-sig").startswith("id,number,title")
