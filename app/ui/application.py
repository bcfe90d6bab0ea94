"""Starting the GUI: the QApplication, Qt's messages in Python logging, the first window."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, __version__
from app.store.database import Database, UserFacingStoreError
from app.ui.main_window import MainWindow
from app.ui.session import Session

qt_log = logging.getLogger("issue_ledger.qt")
log = logging.getLogger("issue_ledger.ui")
# The window's own connection runs on the GUI thread: a write there waits at most this long for the
# lock (imports hold it about a second at a time), then says so, rather than freezing the window.
WINDOW_WAIT_S = 3.0

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: object, message: str) -> None:
    qt_log.log(_LEVELS.get(kind, logging.WARNING), message)


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    qInstallMessageHandler(_qt_message)
    app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("IssueLedger")
    app.setApplicationVersion(__version__)
    return app


class WindowManager:
    """Keeps the current window; switching databases replaces it."""

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone
        self.window: MainWindow | None = None

    def open(self, path: Path) -> bool:
        from app.ui.passphrase_dialog import unlock

        if not unlock(path, self.window):  # an encrypted file: its passphrase first (keyring or dialog)
            return False
        if not self._converted(path):  # a file of an older schema: converted first, with progress and Cancel
            return False
        try:
            db = Database.open(path)
            db.limit_wait(WINDOW_WAIT_S)
        except UserFacingStoreError as exc:
            QMessageBox.warning(self.window, "Cannot open database", str(exc))
            return False
        from app.store import imports as import_store

        interrupted = import_store.recover_interrupted(db)  # a crashed import shows as incomplete, never half counted
        old = self.window
        if old is not None:  # the zone may have been changed in Settings since start-up
            self.zone = old.session.zone
        self.window = MainWindow(Session(db, self.zone))
        self.window.open_database_requested.connect(self.open)
        self.window.show()
        if interrupted:
            self.window.statusBar().showMessage(
                f"{len(interrupted)} import(s) were interrupted and kept nothing; see the Imports page", 15000)
        if old is not None:
            # Its database closes only once the window is gone: results its workers still deliver
            # are dropped for a deleted window, never run against a closed connection.
            old_db = old.session.db
            old.destroyed.connect(lambda *_a: old_db.close())
            old.close()
            old.deleteLater()
        return True

    def _converted(self, path: Path) -> bool:
        """An older release's file is converted first, with progress and Cancel; False if it was left as it was."""
        from app.store import migrations
        from app.ui import upgrade_dialog

        if not path.exists():
            return True
        try:
            with Database.open(path, migrate=False) as db:
                todo = [] if db.read_only else migrations.pending(db)
        except UserFacingStoreError:
            return True  # the usual open below says why
        return not todo or upgrade_dialog.convert(path, todo, self.window)

    def close(self) -> None:
        """Delete the window at exit: its pages' worker threads end with it and close their connections."""
        import shiboken6

        window, self.window = self.window, None
        if window is not None and shiboken6.isValid(window):
            shiboken6.delete(window)


def run(db_path: Path | None, zone: dt.tzinfo | None) -> int:
    """Open the window; ``None`` means "not given": the Settings defaults apply."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from app.ui import xcb_check

    problem = xcb_check.check()  # before Qt, which would abort the process without them
    if problem:
        print(problem, file=sys.stderr)
        return 1
    app = make_app()
    from app.ui import startup

    given = db_path is not None
    db_path, zone = startup.resolve(db_path, zone, startup.prepare(app))
    if given and not startup.may_create(db_path):
        log.info("not creating %s: the user said no", db_path)
        return 0
    manager = WindowManager(zone)
    if not manager.open(db_path):
        return 1
    code = app.exec()
    shutdown(manager)
    return int(code)


def shutdown(manager: WindowManager) -> None:
    """After the event loop: let background work finish, then end every worker thread (each closes its connections)."""
    from app.ui import workers

    workers.wait_all(10_000)  # the shared pools' threads end here
    manager.close()  # and the window's models' threads with it
