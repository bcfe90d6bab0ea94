"""The exception hook: a rotating log file in the user log folder and a friendly dialog."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui import crash


@pytest.fixture
def reporter(qapp: QApplication, tmp_path: Path) -> Iterator[crash.CrashReporter]:
    old_hook, old_thread_hook = sys.excepthook, threading.excepthook
    log_path = tmp_path / "logs" / crash.LOG_NAME
    rep = crash.install(qapp, log_path)
    yield rep
    sys.excepthook, threading.excepthook = old_hook, old_thread_hook
    root = logging.getLogger("issue_ledger")
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", None) == str(log_path):
            root.removeHandler(handler)
            handler.close()
    if rep.dialog is not None:
        rep.dialog.close()


def _raise_and_report(rep: crash.CrashReporter, exc: BaseException) -> None:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - the reporter is handed whatever was raised
        rep.handle(type(caught), caught, caught.__traceback__)


def test_unhandled_error_is_logged_and_shown_with_details_folded(qtbot, reporter: crash.CrashReporter) -> None:
    with qtbot.waitSignal(reporter.reported):
        _raise_and_report(reporter, ValueError("cannot read column 'severity' in row 12"))
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    box = reporter.dialog
    assert box.text() == "Something went wrong: ValueError: cannot read column 'severity' in row 12"
    assert "Traceback" not in box.text() and "Traceback" not in box.informativeText()
    assert str(reporter.log_path) in box.informativeText()
    assert "Traceback (most recent call last)" in box.detailedText()
    assert box.icon() == QMessageBox.Icon.Warning
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc (and the title bar's close) dismiss it
    qtbot.waitUntil(lambda: not box.isVisible())
    logged = reporter.log_path.read_text(encoding="utf-8")
    assert "CRITICAL issue_ledger.crash" in logged and "cannot read column 'severity'" in logged
    assert "_raise_and_report" in logged


def test_one_dialog_at_a_time_but_every_error_logged(qtbot, reporter: crash.CrashReporter) -> None:
    for n in range(3):
        _raise_and_report(reporter, RuntimeError(f"failure {n}"))
    qtbot.waitUntil(lambda: reporter.shown == 1 and reporter.dialog.isVisible())
    qtbot.wait(50)
    assert reporter.shown == 1
    logged = reporter.log_path.read_text(encoding="utf-8")
    assert all(f"failure {n}" in logged for n in range(3))


def test_worker_thread_errors_reach_the_gui_thread(qtbot, reporter: crash.CrashReporter) -> None:
    def boom() -> None:
        raise OSError("disk full while writing the export")

    thread = threading.Thread(target=boom, name="export-worker")
    with qtbot.waitSignal(reporter.reported, timeout=5000):
        thread.start()
        thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "disk full while writing the export" in reporter.dialog.text()
    assert "[export-worker]" in reporter.log_path.read_text(encoding="utf-8")


def test_log_file_rotates(tmp_path: Path) -> None:
    path = tmp_path / "rotate" / "issue-ledger.log"
    handler = crash.attach_log_file(path)
    try:
        log = logging.getLogger("issue_ledger.test_rotation")
        for _ in range(crash.MAX_BYTES // 400 + 50):
            log.warning("x" * 400)
        handler.flush()
        assert path.exists() and (path.parent / "issue-ledger.log.1").exists()
        assert path.stat().st_size <= crash.MAX_BYTES
    finally:
        logging.getLogger("issue_ledger").removeHandler(handler)
        handler.close()


def test_log_folder_is_the_user_log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert crash.log_file() == tmp_path / "state" / "issue-ledger" / "log" / "issue-ledger.log"
