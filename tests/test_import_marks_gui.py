"""A file without stamps in the window: refused with its lines, imported only by choice, and marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.domain import timeutil
from app.store.database import Database
from app.ui.import_dialog import ImportDialog
from app.ui.pages.events import EventsPage
from app.ui.session import Session


@pytest.fixture
def session(qtbot, db: Database) -> Session:
    return Session(db, timeutil.UTC)


def test_the_dialog_refuses_a_file_without_stamps_until_a_time_is_chosen(qtbot, session: Session, db: Database,
                                                                         tmp_path: Path) -> None:
    f = tmp_path / "handover.txt"
    f.write_text("trunk 3 flapping\ncalled the carrier\nagents on softphone B\n", encoding="utf-8")
    dialog = ImportDialog(session, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths([f])
    qtbot.waitUntil(lambda: "no time stamp found" in dialog.detected_label.text(), timeout=10_000)
    assert "trunk 3 flapping" in dialog.detected_label.text()
    assert dialog.preview.rowCount() == 0

    combo = dialog.options.time_from_combo
    combo.setCurrentIndex(combo.findData("mtime"))  # as a click on the choice does
    qtbot.waitUntil(lambda: "Format: <b>text</b>" in dialog.detected_label.text(), timeout=10_000)
    assert dialog.preview.rowCount() == 3
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as done:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    [result] = done.args[0]
    assert result.ok and result.accepted == 3
    assert {r["flags"] & 4 for r in db.rows("SELECT flags FROM events")} == {4}


def test_events_table_marks_inferred_severities_and_chosen_times(qtbot, session: Session, db: Database,
                                                                 tmp_path: Path) -> None:
    from app.ingest.service import ImportOptions, import_paths

    plain = tmp_path / "plain-syslog.log"
    plain.write_text("Dec  1 10:00:00 pbx01 asterisk[42]: trunk 3 unreachable\n", encoding="utf-8")
    levelled = tmp_path / "levelled.log"
    levelled.write_text("2026-12-01 10:00:01 ERROR trunk 4 down\n", encoding="utf-8")
    import_paths(db, [plain, levelled], ImportOptions(zone=timeutil.UTC, year=2026))

    page = EventsPage(session)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.total == 2 and not page.model._pending, timeout=10_000)
    model = page.model
    sev = [c.key for c in model.COLUMNS].index("severity")
    shown = {model.data(model.index(r, sev)) for r in range(2)}
    assert shown == {"≈warning", "error"}  # "unreachable" guessed; ERROR read from its field
    tips = [model.data(model.index(r, sev), Qt.ItemDataRole.ToolTipRole) for r in range(2)]
    assert any("inferred" in (t or "") for t in tips)

    row = next(r for r in range(2) if model.data(model.index(r, sev)).startswith("≈"))
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: "severity inferred" in page.details.browser.toPlainText(), timeout=10_000)


def test_two_formats_reading_a_file_equally_well_make_the_dialog_ask(qtbot, session: Session, tmp_path: Path) -> None:
    from app.ingest import userformats

    userformats.save({"pbx_syslog": {
        "title": "PBX syslog", "regex": {"std": {
            "pattern": r"^(?<timestamp>\w{3} +\d+ \d\d:\d\d:\d\d) (?<host>\S+) (?<body>.*)$"}},
        "timestamp-format": ["%b %d %H:%M:%S"]}}, "pbx_syslog")
    f = tmp_path / "pbx.log"
    f.write_text("Dec  1 10:00:00 pbx01 asterisk[42]: trunk 3 unreachable\n"
                 "Dec  1 10:00:05 pbx01 asterisk[42]: trunk 3 back\n", encoding="utf-8")
    dialog = ImportDialog(session, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths([f])
    qtbot.waitUntil(lambda: dialog.tie_bar.isVisible(), timeout=10_000)
    assert "pbx_syslog" in dialog.tie_label.text() and "syslog" in dialog.tie_label.text()
    use_syslog = next(b for b in dialog.tie_buttons if b.property("format") == "syslog")
    qtbot.mouseClick(use_syslog, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Format: <b>syslog</b>" in dialog.detected_label.text(), timeout=10_000)
    assert not dialog.tie_bar.isVisible()
    assert dialog.options.format_combo.currentData() == "syslog"


def test_the_preview_marks_inferred_severities(qtbot, session: Session, tmp_path: Path) -> None:
    f = tmp_path / "mixed.log"
    f.write_text("2026-12-01 10:00:00 ERROR trunk 4 down\n2026-12-01 10:00:01 trunk 5 unreachable\n"
                 "2026-12-01 10:00:02 WARN trunk 6 slow\n", encoding="utf-8")
    dialog = ImportDialog(session, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths([f])
    qtbot.waitUntil(lambda: dialog.preview.rowCount() == 3, timeout=10_000)
    sev = [key for key, _title, _fmt in dialog.preview.columns].index("severity")
    shown = [dialog.preview.data(dialog.preview.index(r, sev)) for r in range(3)]
    assert shown == ["error", "≈warning", "warning"]
