"""The incident import dialog with bad rows: map unknown values with pickers, skip the rest."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.domain import timeutil
from app.ingest.incidents.apply import profiles
from app.store import incident_imports
from app.store.database import Database
from app.ui.incident_import_dialog import IncidentImportDialog
from app.ui.main_window import MainWindow
from app.ui.session import Session

LEFT = Qt.MouseButton.LeftButton
EXPORT = (
    "number,incident_state,sys_mod_count,opened_at,sys_updated_at,impact,urgency,priority\n"
    "INC001,New,0,13/11/2026 09:00,13/11/2026 09:05,2 - Medium,2 - Medium,3 - Moderate\n"
    "INC001,-100,1,13/11/2026 09:00,13/11/2026 10:00,2 - Medium,2 - Medium,3 - Moderate\n"
    "INC001,Resolved,2,13/11/2026 09:00,13/11/2026 11:00,2 - Medium,2 - Medium,3 - Moderate\n"
    "INC002,New,0,14/11/2026 09:00,14/11/2026 09:05,1 - High,1 - High,1 - Critical\n"
    "INC002,-100,1,14/11/2026 09:00,14/11/2026 10:00,1 - High,1 - High,1 - Critical\n"
    "INC002,Active,2,14/11/2026 09:00,12/11/2026 10:30,1 - High,1 - High,1 - Critical\n"
)


def test_unknown_values_are_mapped_with_pickers_and_bad_rows_skipped(qtbot, db: Database,  # type: ignore[no-untyped-def]
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "servicenow.csv"
    path.write_text(EXPORT, encoding="utf-8")
    window = MainWindow(Session(db, timeutil.UTC))
    qtbot.addWidget(window)
    window.import_incidents_action.trigger()
    dialog = window.incident_import_dialog
    assert isinstance(dialog, IncidentImportDialog)
    qtbot.keyClicks(dialog.file, str(path))
    qtbot.keyClick(dialog.file, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.mapping.rowCount() == 8 and dialog.preview_button.isEnabled())
    assert dialog.value_map.isHidden()
    qtbot.mouseClick(dialog.preview_button, LEFT)
    qtbot.waitUntil(lambda: dialog.plan is not None)
    assert len(dialog.plan.rejects) == 3 and not dialog.import_button.isEnabled()
    assert not dialog.value_map.isHidden() and dialog.value_map.item(0, 2).text() == "2"  # rows holding -100
    picker = dialog.value_map.picker("status", "-100")
    picker.setFocus()
    qtbot.keyClicks(picker, "in")  # a person types the first letters of "in-progress"
    assert picker.currentData() == "in-progress"
    assert dialog.plan is None and not dialog.import_button.isEnabled()  # the preview is stale
    qtbot.keyClicks(dialog.profile_name, "servicenow")
    qtbot.mouseClick(dialog.save_profile_button, LEFT)
    assert profiles(db)["servicenow"]["values"] == {"status": {"-100": "in-progress"}}
    qtbot.mouseClick(dialog.preview_button, LEFT)
    qtbot.waitUntil(lambda: dialog.plan is not None)
    assert [(r.line, r.field) for r in dialog.plan.rejects] == [(7, "updated_at")]
    assert dialog.value_map.item(0, 2).text() == "mapped" and not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.skip_invalid, LEFT)
    assert dialog.skip_invalid.isChecked() and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert blocker.args == [2]
    assert "1 rejected row(s) were left out and kept in import #1" in dialog.notes.text()
    assert [(r["line_no"], r["key"]) for r in incident_imports.rejects(db, 1)] == [(7, "INC002")]
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'history'") == 5
    from app.ui import workers

    assert workers.settle(30_000)  # the window's count refresh and the page it opens read the database: let them
    # finish while it is still open (the fixture closes it before the autouse check for idle workers runs)
