"""The main window: navigation on the left, one page at a time, counts in the status bar.

Signals:
    open_database_requested(object): the user chose another database file (a Path).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from app import APP_NAME
from app.domain.jobs import Progress
from app.store import stats
from app.store.database import Database
from app.ui import shell, window_actions, workers
from app.ui.actions import ActionSet
from app.ui.alert_notifier import AlertNotifier
from app.ui.dashboard_tiles import UPDATING
from app.ui.data_watch import DataWatcher
from app.ui.db_ops import DbOp
from app.ui.pages import PAGES
from app.ui.pages.welcome import WelcomePage
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui")


class MainWindow(QMainWindow):
    open_database_requested = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(f"{APP_NAME} — {session.db_path.name}")
        self.resize(1280, 800)
        self.pages: dict[str, QWidget] = {}
        self._counts_task: workers.Task | None = None

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(180)
        for spec in PAGES:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.welcome = WelcomePage(session.db_path.name)
        self.stack.addWidget(self.welcome)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.setAcceptDrops(True)  # files and folders dropped here open the import dialog
        self.counts_label = QLabel()
        self.statusBar().addPermanentWidget(self.counts_label)

        self.nav.currentRowChanged.connect(self._show_row)
        self.welcome.demo_requested.connect(self.load_demo_data)
        session.data_changed.connect(self.refresh_counts)
        # Writes by the CLI or another window reload the pages as this window's own do.
        self.watcher = DataWatcher(session.db_path, self)
        self.watcher.changed.connect(session.data_changed.emit)
        session.data_changed.connect(self.watcher.absorb)
        self.watcher.start()
        from app.ui.ticket_sync import TicketSync

        self.ticket_sync = TicketSync(session, self)  # pushes waiting in the outbox, tickets' status pulled back
        self.ticket_sync.start()
        from app.ui.preferences import COLLECT_IN_WINDOW, current
        from app.ui.window_collector import WindowCollector

        # The sources are followed while the window is open (unless ``watch`` already does, or Settings say no).
        self.collector = WindowCollector(session.db_path, self,
                                         enabled=bool(current().get(COLLECT_IN_WINDOW)) and not session.db.read_only)
        self.collector.start()
        session.data_changed.connect(self.collector.nudge)

        self._empty = stats.is_empty(session.db)
        if self._empty:
            self.stack.setCurrentWidget(self.welcome)
        else:
            self.nav.setCurrentRow(0)
        self.refresh_counts()
        self.shell = shell.Shell(self)  # icons, theme, settings, recent databases, remembered layout
        self.alerts = AlertNotifier(self)  # tray messages for new firings, the Alerts count, heartbeat ticks
        from app.ui.retention_offer import RetentionOffer

        self.retention_offer = RetentionOffer(session, parent=self)  # once a day: a retention run that is due
        self.statusBar().addWidget(self.retention_offer, 1)
        self.retention_offer.finished.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self.retention_offer.check()
        # Every menu and command, from one table; the shell's handlers serve some of them.
        self.action_set = ActionSet(self, window_actions.table(self))
        actions = self.action_set.actions
        self.import_action, self.export_action = actions["import"], actions["export"]
        self.new_incident_action, self.import_incidents_action = actions["new-incident"], actions["import-incidents"]
        self.sla_settings_action, self.refresh_action = actions["sla-settings"], actions["refresh"]
        self.welcome.import_requested.connect(self.import_action.trigger)
        self.welcome.incident_requested.connect(self.new_incident_action.trigger)
        if session.db.read_only:
            self._mark_read_only()

    def _mark_read_only(self) -> None:
        """A file without write access (an auditor's copy on a share) is browsed, never written: say so up front.

        The commands that write are turned off by their enabled-when in ``window_actions``.
        """
        self.setWindowTitle(f"{self.windowTitle()} (read-only)")
        self.read_only_label = QLabel("Read-only")
        self.read_only_label.setToolTip(f"{self.session.db_path} cannot be written: browse, chart and export only")
        self.statusBar().addPermanentWidget(self.read_only_label)
        self.statusBar().showMessage(f"{self.session.db_path.name} is read-only: imports and edits are off", 15000)
        for button in (self.welcome.demo_button, self.welcome.import_button, self.welcome.incident_button):
            button.setEnabled(False)
            button.setToolTip(window_actions.READ_ONLY)

    # -- pages -------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The page for ``key``, built on first use."""
        if key not in self.pages:
            spec = next(s for s in PAGES if s.key == key)
            widget = spec.load()(self.session, self)  # type: ignore[call-arg]
            widget.setObjectName(f"page-{key}")
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return self.pages[key]

    def show_page(self, key: str) -> QWidget:
        row = next(i for i, s in enumerate(PAGES) if s.key == key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        else:
            self._show_row(row)
        return self.pages[key]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentWidget(self.page(PAGES[row].key))

    # -- actions -----------------------------------------------------------------
    def refresh(self) -> None:
        """View ▸ Refresh (F5): every page and the status bar read the database again."""
        self.statusBar().showMessage("Refreshing…", 2000)
        self.session.data_changed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.watcher.stop()
        self.alerts.stop()
        self.ticket_sync.stop()
        self.collector.stop()  # the batch in hand commits; then ``watch`` may take over
        super().closeEvent(event)

    def refresh_counts(self) -> None:
        path = self.session.db_path
        shown = self.counts_label.text()
        if shown and not shown.endswith(UPDATING):
            self.counts_label.setText(f"{shown} · {UPDATING}")  # the old totals stay up until the new ones

        self._counts_task = DbOp(self, path, lambda db, _progress: stats.quick_counts(db),
                                 on_success=self._show_counts).run_in_background()

    def _show_counts(self, counts: tuple[int, int]) -> None:
        events, incidents = counts
        self.counts_label.setText(f"{events:,} events · {incidents:,} incidents")
        if self._empty and (events or incidents):
            self._empty = False
            if self.stack.currentWidget() is self.welcome:
                self.nav.setCurrentRow(0)
                self._show_row(0)

    def load_demo_data(self) -> None:
        """Fill the open database with demo data in a worker."""
        path = self.session.db_path
        self.welcome.demo_button.setEnabled(False)
        self.welcome.progress.setVisible(True)
        self.welcome.progress.setRange(0, 100)

        def work(db: Database, progress: Progress) -> object:
            from app.demo.generator import generate

            return generate(db, progress=progress.report)

        def done(_summary: object) -> None:
            self.welcome.progress.setVisible(False)
            self.welcome.demo_button.setEnabled(True)
            self.statusBar().showMessage("Demo data loaded", 5000)
            self.session.data_changed.emit()

        def failed(message: str, details: str) -> None:
            self.welcome.demo_button.setEnabled(True)
            self.welcome.progress.setVisible(False)
            from app.ui.dialogs import show_error

            show_error(self, "Could not load demo data", message, details)

        DbOp(self, path, work, on_success=done, on_failure=failed, on_progress=lambda u: self.welcome.progress.setValue(
            int(100 * u.done / max(u.total, 1)))).run_in_background()

    def show_import(self, paths: object = None) -> QWidget:
        """File ▸ Import… (``paths`` from a drop, else the user picks)."""
        from app.ui.import_dialog import ImportDialog

        chosen = [Path(p) for p in paths] if isinstance(paths, (list, tuple)) else None
        self.import_dialog = ImportDialog(self.session, chosen, self)
        self.import_dialog.open()
        return self.import_dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.show_import(paths)

    def show_export(self) -> QWidget:
        """File ▸ Export report…: the current filter, exported in a worker with progress and Cancel."""
        from app.ui.export_dialog import ExportDialog

        dialog = getattr(self, "export_dialog", None)
        if dialog is None or not dialog.isVisible():
            dialog = ExportDialog(self.session, self)
            self.export_dialog = dialog
        dialog.open()
        return dialog

    def back_up(self) -> None:
        """File ▸ Back up…: an online copy of the open database, with its manifest and an audit row."""
        from app.ui.backup_run import BackupRun, suggested_path

        suggested = suggested_path(self.session.db_path)
        name, _ = QFileDialog.getSaveFileName(self, "Back up the database", str(suggested),
                                              "Issue Ledger database (*.db)")
        if name:
            self.backup_run = BackupRun(self.session, Path(name), self)
            self.backup_run.start()

    def new_incident(self) -> QWidget:
        """The New incident form (Ctrl+N)."""
        from app.ui.incident_dialog import new_incident

        self.incident_dialog = new_incident(self.session, self)
        return self.incident_dialog

    def import_incidents(self) -> QWidget:
        """Incident logs from sheets, ServiceNow or Jira, with the column mapping shown for correction."""
        from app.ui.incident_import_dialog import import_incidents

        self.incident_import_dialog = import_incidents(self.session, self)
        return self.incident_import_dialog

    def edit_sla_settings(self) -> QWidget:
        from app.ui.sla_settings_dialog import edit_sla_settings

        self.sla_settings_dialog = edit_sla_settings(self.session, self)
        return self.sla_settings_dialog

    def new_database(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New database", str(Path.home() / "ledger.db"),
                                              "Issue Ledger database (*.db)")
        if not name:
            return
        from app.ui.passphrase_dialog import choose_for_new

        if Path(name).exists() or choose_for_new(Path(name), self):  # "Encrypt this database" is offered here
            self.open_database_requested.emit(Path(name))

    def open_database(self, read_only: bool = False) -> None:
        """File ▸ Open database… (or Open read-only…: an auditor's view, every write refused by the store)."""
        from app.store import db_connect

        title = "Open database read-only" if read_only else "Open database"
        name, _ = QFileDialog.getOpenFileName(self, title, str(self.session.db_path.parent),
                                              "Issue Ledger database (*.db);;All files (*)")
        if name:
            db_connect.ask_read_only(Path(name), read_only)
            self.open_database_requested.emit(Path(name))

    def open_read_only(self) -> None:
        self.open_database(read_only=True)

    def show_about(self) -> None:
        from app.ui.about_dialog import show_about

        self.about_box = show_about(self, self.session.db_path)
