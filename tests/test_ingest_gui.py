"""The import dialog, the Imports page and drag-and-drop, driven with qtbot."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.domain import timeutil
from app.ingest import engine
from app.store import imports as store
from app.store.database import Database
from app.ui.import_dialog import ImportDialog
from app.ui.session import Session

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture
def session(qtbot, db: Database) -> Session:
    return Session(db, timeutil.UTC)


def _dialog(qtbot, session: Session, paths: list[Path]) -> ImportDialog:
    dialog = ImportDialog(session, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_paths(paths)
    qtbot.waitUntil(lambda: "Format:" in dialog.detected_label.text(), timeout=10_000)
    return dialog


def test_preview_shows_format_rows_and_csv_mapping(qtbot, qtmodeltester, session: Session) -> None:
    dialog = _dialog(qtbot, session, [DATA / "splunk.csv"])
    assert "<b>csv</b>" in dialog.detected_label.text()
    assert dialog.mapping_box.isVisible()
    assert dialog.mapping._combos["time"].currentText() == "_time"
    assert dialog.mapping._combos["message"].currentText() == "_raw"
    assert dialog.preview.rowCount() == 4  # header, two events, a row without a time (first 5 lines)
    qtmodeltester.check(dialog.preview)
    idx = dialog.preview.index(1, 0)
    assert dialog.preview.data(idx) == "2026-11-29 10:00:00"
    assert dialog.preview.rows[1]["log_type"] == "application"  # what the import will give
    # the user maps another column: the preview follows
    dialog.mapping._combos["host"].setCurrentText("source")
    qtbot.waitUntil(lambda: dialog.preview.rows and dialog.preview.rows[1].get("host") == "softphone",
                    timeout=10_000)


def test_import_runs_in_worker_and_announces_data(qtbot, session: Session) -> None:
    dialog = _dialog(qtbot, session, [DATA / "syslog.log", DATA / "access.log"])
    assert "<b>syslog</b>" in dialog.detected_label.text() and not dialog.mapping_box.isVisible()
    dialog.options.type_combo.setCurrentIndex(dialog.options.type_combo.findData("audit"))
    dialog.options.year_spin.setValue(2026)
    with qtbot.waitSignal(session.data_changed, timeout=20_000), qtbot.waitSignal(dialog.imported, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Imported 2 of 2" in dialog.status.text()
    assert "syslog.log: syslog, 8 lines" in dialog.results.toPlainText()
    assert session.db.scalar("SELECT count(DISTINCT log_type) FROM events") == 1
    assert session.db.scalar("SELECT min(ts) FROM events").startswith("2026-11-02")


def test_progress_and_cancel_roll_back(qtbot, session: Session, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "BATCH", 200)
    big = tmp_path / "big.log"
    big.write_text("".join(f"Nov 29 10:{i // 60 % 60:02d}:{i % 60:02d} agent-ws{i % 9} app[{i}]: line {i}\n"
                           for i in range(120_000)))
    dialog = _dialog(qtbot, session, [big])
    seen: list[str] = []
    dialog.import_button.click()
    assert dialog.task is not None and dialog.cancel_button.isEnabled()
    dialog.task.signals.progress.connect(lambda *_a: seen.append(dialog.status.text()))
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=20_000)
    assert dialog.progress.isVisible() and dialog.progress.value() > 0
    assert "lines/s" in dialog.status.text() and "MiB" in dialog.status.text()
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as blocker:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert [r.status for r in blocker.args[0]] == ["cancelled"]
    assert "Cancelled" in dialog.status.text()
    assert session.db.scalar("SELECT count(*) FROM events") == 0
    assert session.db.scalar("SELECT count(*) FROM imports") == 0
    assert dialog.import_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_imports_page_lists_and_opens_rejects(qtbot, qtmodeltester, session: Session) -> None:
    from app.ingest.service import ImportOptions, import_paths
    from app.ui.pages.imports import ImportsPage

    import_paths(session.db, [DATA / "syslog_orphan.log"], ImportOptions(zone=timeutil.UTC))
    crashed = store.begin(session.db, {"file": "crashed.log"})
    session.db.execute("UPDATE imports SET options = '{\"owner\": {\"pid\": 0}}' WHERE id = ?", (crashed,))
    page = ImportsPage(session)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(page.model)
    assert "marked incomplete" in page.summary.text()
    assert page.model.rows[0]["status"] == "incomplete"
    page.view.selectRow(1)
    dialog = page.show_rejects()
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(dialog.model)
    assert dialog.model.rows[0]["line_no"] == 1 and "no time stamp" in dialog.model.rows[0]["reason"]
    dialog.close()


def test_dropping_files_on_the_window_opens_the_dialog(qtbot, session: Session) -> None:
    from app.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DATA / "access.log"))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    dialog = window.import_dialog
    qtbot.waitUntil(lambda: "<b>access</b>" in dialog.detected_label.text(), timeout=10_000)
    assert dialog.paths() == [DATA / "access.log"]
    dialog.reject()
    from app.ui import workers

    workers.wait_all()  # let the window's own page workers finish and deliver before it goes away
    qtbot.wait(200)


def test_rules_dialog_edits_and_checks_rules(qtbot, session: Session) -> None:
    from app.ui.import_rules_dialog import ImportRulesDialog

    dialog = ImportRulesDialog(session)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.type_rules.table.rowCount() > 10, timeout=10_000)
    dialog.host_rules.add_row({"host": "agent-ws1*", "client": "Acme", "site": "Site B"})
    dialog.type_rules.add_row({"component": "crm-*", "log_type": "nonsense"})
    dialog.save()
    assert "Not saved" in dialog.message.text() and "log type" in dialog.message.text()
    dialog.type_rules.table.item(dialog.type_rules.table.rowCount() - 1, 2).setText("audit")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.save()
    assert store.host_rules(session.db) == [{"host": "agent-ws1*", "client": "Acme", "site": "Site B"}]
    assert {"component": "crm-*", "log_type": "audit"} in (store.type_rules(session.db) or [])
