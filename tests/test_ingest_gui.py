"""The import dialog, the Imports page and drag-and-drop, driven with qtbot."""

from __future__ import annotations

import os
import threading
import time
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


def test_a_folder_import_lists_what_it_left_out(qtbot, session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "auth.log").write_text((DATA / "syslog.log").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "README.md").write_text("# Floor B support bundle\n", encoding="utf-8")
    dialog = _dialog(qtbot, session, [folder])
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Imported 1 of 1 file(s); 1 not a log, left out."
    assert "– " + str(folder / "README.md") + ": skipped, not a log" in dialog.results.toPlainText()


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


def _retype(qtbot, dialog: ImportDialog, text: str) -> None:
    """Select what the path field holds and type over it, as a person would."""
    dialog.path_edit.setFocus()
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.path_edit, text)


def _dialogs_shown() -> set[int]:
    from PySide6.QtWidgets import QApplication, QDialog

    return {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()}


def test_preview_follows_typing_after_a_pause(qtbot, session: Session, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, session, [DATA / "syslog.log"])
    shown_before = _dialogs_shown()  # ignores what other tests left open
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
        _retype(qtbot, dialog, str(DATA / "access.log"))
        assert "<b>syslog</b>" in dialog.detected_label.text()  # not read at every keystroke
    assert shown.args == [DATA / "access.log"]  # the whole path, not a half-typed one
    assert "<b>access</b>" in dialog.detected_label.text() and "access.log" in dialog.detected_label.text()
    assert dialog.path_edit.hasFocus()  # it did not take leaving the field
    with qtbot.assertNotEmitted(dialog.preview_shown, wait=600):
        pass  # one pause, one preview
    # a path that does not exist (yet) gives a message and no rows, never an error dialog
    missing = tmp_path / "not-yet.log"
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000):
        _retype(qtbot, dialog, str(missing))
    assert "Nothing at" in dialog.detected_label.text() and str(missing) in dialog.detected_label.text()
    assert dialog.preview.rowCount() == 0
    assert _dialogs_shown() == shown_before  # no error dialog popped up
    # it appears: the preview follows once the user types again
    missing.write_text("Nov 29 10:00:01 agent-ws101 sshd[1]: Accepted password for ana\n")
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000):
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Backspace)
        qtbot.keyClicks(dialog.path_edit, "g")
    assert "<b>syslog</b>" in dialog.detected_label.text() and dialog.preview.rowCount() == 1


def test_enter_in_the_path_field_previews_and_never_imports(qtbot, session: Session) -> None:
    from PySide6.QtWidgets import QPushButton

    dialog = _dialog(qtbot, session, [DATA / "syslog.log"])
    assert dialog.import_button.isEnabled()
    assert not [b.text() for b in dialog.findChildren(QPushButton) if b.isDefault()]  # nothing for Enter to click
    with qtbot.assertNotEmitted(dialog.imported, wait=500):
        with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
            _retype(qtbot, dialog, str(DATA / "access.log"))
            qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
            assert dialog.task is None and not dialog.cancel_button.isEnabled()
            assert not dialog.progress.isVisible()
        assert shown.args == [DATA / "access.log"]
        assert "<b>access</b>" in dialog.detected_label.text()
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Enter)  # the keypad's Enter too
        assert dialog.task is None
    from app.ui import workers

    workers.wait_all()
    assert session.db.scalar("SELECT count(*) FROM imports") == 0
    assert session.db.scalar("SELECT count(*) FROM events") == 0
    # the Import button still imports
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert session.db.scalar("SELECT count(*) FROM imports") == 1


def test_message_column_takes_the_spare_width(qtbot, session: Session) -> None:
    dialog = _dialog(qtbot, session, [DATA / "syslog_orphan.log"])  # rows with and without "Not an event"
    view = dialog.preview_view
    message = dialog._message_column()
    widths = {dialog.preview.headerData(c, Qt.Orientation.Horizontal): view.columnWidth(c)
              for c in range(dialog.preview.columnCount())}
    assert view.columnWidth(message) == max(widths.values()), widths
    assert view.columnWidth(message) > view.viewport().width() / 3, widths
    assert widths["Not an event"] <= view.viewport().width() / 5 + 1, widths
    time_text = dialog.preview.data(dialog.preview.index(1, 0))
    assert widths["Time"] >= view.fontMetrics().horizontalAdvance(time_text), widths  # the time fits


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_slow_older_preview_never_replaces_the_newer_one(qtbot, session: Session, tmp_path: Path) -> None:
    from app.ui import workers

    slow = tmp_path / "slow.log"  # a named pipe: its preview waits until the test writes to it
    os.mkfifo(slow)
    release, stop = threading.Event(), threading.Event()

    def feed() -> None:
        release.wait(20)
        while not stop.is_set():
            try:
                fd = os.open(slow, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader at this moment
                time.sleep(0.01)
                continue
            with os.fdopen(fd, "w") as pipe:
                pipe.write("Nov 29 10:00:01 agent-ws101 sshd[1]: Accepted password for ana\n")
            time.sleep(0.05)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        dialog = ImportDialog(session, None)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.set_paths([slow])
        with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
            _retype(qtbot, dialog, str(DATA / "access.log"))
        assert shown.args == [DATA / "access.log"] and "<b>access</b>" in dialog.detected_label.text()
        with qtbot.assertNotEmitted(dialog.preview_shown, wait=300):
            release.set()
            assert workers.wait_all(10_000)  # the pipe's preview has finished and sent its result
        assert "<b>access</b>" in dialog.detected_label.text()
        assert dialog.preview.rows[0]["component"] != "sshd"
    finally:
        release.set()
        stop.set()
        feeder.join(5)
