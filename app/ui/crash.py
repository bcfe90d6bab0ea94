"""The last line of defence: unhandled errors go to a rotating log file and a friendly dialog.

The person sees what happened in one sentence, where the details were saved and
that the window keeps running; the traceback sits folded away under "Show
Details…". Errors on worker threads are logged there and shown on the GUI thread.

Signals:
    CrashReporter.reported(str, str): an unhandled error (message, details) to show.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import APP_NAME, __version__
from app.ui import preferences

log = logging.getLogger("issue_ledger.crash")

LOG_NAME = "issue-ledger.log"
MAX_BYTES = 1_000_000
BACKUPS = 3


def log_file() -> Path:
    return preferences.log_dir() / LOG_NAME


def attach_log_file(path: Path | None = None) -> logging.Handler:
    """Send issue_ledger.* records of INFO and above to a rotating file; returns the handler."""
    path = path or log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                   encoding="utf-8", delay=True)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"))
    root = logging.getLogger("issue_ledger")
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return handler


def friendly_message(exc_type: type[BaseException], exc: BaseException) -> str:
    """One sentence for a person: what failed, in the exception's own words."""
    text = str(exc).strip() or "no further message"
    return f"{exc_type.__name__}: {text}"


class CrashReporter(QObject):
    reported = Signal(str, str)

    def __init__(self, log_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.dialog: QMessageBox | None = None
        self.shown = 0
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """Log the error with its traceback, then ask the GUI thread to tell the user."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.critical("unhandled error in %s %s\n%s", APP_NAME, __version__, details.rstrip())
        self.reported.emit(friendly_message(exc_type, exc), details)

    def _show(self, message: str, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return  # one dialog at a time; the rest are in the log
        parent = QApplication.activeWindow()
        self.dialog = build_dialog(parent, message, details, self.log_path)
        self.shown += 1
        self.dialog.open()


def build_dialog(parent: QWidget | None, message: str, details: str, log_path: Path) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(f"{APP_NAME} hit a problem")
    box.setText(f"Something went wrong: {message}")
    box.setInformativeText(
        "Your data is safe: every change is saved in its own transaction. "
        f"The details were written to {log_path}; please include that file when you report it."
    )
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    # With a second button Qt finds no escape button and then ignores Esc and the title bar's close.
    box.setEscapeButton(QMessageBox.StandardButton.Ok)
    folder = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
    folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent))))
    return box


_reporter: CrashReporter | None = None


def install(app: QApplication, log_path: Path | None = None) -> CrashReporter:
    """Route unhandled errors (GUI and worker threads) to the log file and a dialog."""
    global _reporter
    path = log_path or log_file()
    attach_log_file(path)
    _reporter = CrashReporter(path, app)
    sys.excepthook = _reporter.handle
    threading.excepthook = _thread_hook
    return _reporter


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if _reporter is not None and args.exc_value is not None:
        _reporter.handle(args.exc_type, args.exc_value, args.exc_traceback)
