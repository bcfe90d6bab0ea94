"""Alerts while the window is open: tray messages for new firings, a count on the Alerts entry, heartbeats.

On each ``session.data_changed`` (this window's writes, or another process's through
the ``DataWatcher``) a ``DbOp`` asks for the firings newer than the last one seen
(``app.store.alerts.firings(after_id=...)``); those with ``notify`` set raise one
tray message (or, without a system tray, a status-bar message) and add to the count
on the Alerts navigation entry until the page is viewed. Firings from before the
window opened are not announced. Heartbeat rules ("no events for T") need a clock:
``engine.tick`` runs every minute through the write queue, since a firing writes.

Signals:
    notified(str, str): a message was shown (title, text), in the tray or the status bar.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from app.alerts import engine
from app.store import alerts as store
from app.store.database import Database
from app.ui import workers, write_queue
from app.ui.db_ops import DbOp, Kind
from app.ui.pages import PAGES

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger("issue_ledger.ui.alerts")

TICK_MS = 60_000  # heartbeats are minutes long; a minute's lateness is within their grain
PAGE = "alerts"
MESSAGE_MS = 10_000


def describe(firings: list[dict[str, Any]]) -> tuple[str, str]:
    """One message for a batch of firings (newest first): a title and up to three lines."""
    first = firings[0]
    title = (f"Alert: {first['rule_name']}" if len(firings) == 1
             else f"{len(firings)} alerts fired ({first['severity']} and others)")
    lines = []
    for f in firings[:3]:
        where = f["host"] or "any host"
        made = f" → {f['incident_number']}" if f["incident_number"] else ""
        what = "silent for its window" if f["condition"] == "heartbeat" else f"{f['count']:,} event(s)"
        rule = "" if len(firings) == 1 else f"{f['rule_name']} "  # one firing: the title names the rule
        lines.append(f"{rule}on {where}: {what}{made}")
    if len(firings) > 3:
        lines.append(f"… and {len(firings) - 3} more")
    return title, "\n".join(lines)


class AlertNotifier(QObject):
    notified = Signal(str, str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.last_id: int | None = None  # None until the starting point is known
        self.unseen = 0
        self.tray: QSystemTrayIcon | None = None
        self._asking = False
        self._again = False
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(window.windowIcon(), self)
            self.tray.setToolTip(window.windowTitle())
            self.tray.messageClicked.connect(self.open_page)
            self.tray.activated.connect(lambda _reason: self.open_page())
            self.tray.show()
        self.session.data_changed.connect(self.poll)
        window.nav.currentRowChanged.connect(self._page_shown)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        if not self.session.db.read_only:
            self.timer.start()
        self._start()

    def _start(self) -> None:
        def done(last: int) -> None:
            self.last_id = last
            if self._again:
                self.poll()

        DbOp(self, self.session.db_path, lambda db, _p: store.last_firing_id(db), on_success=done,
             on_failure=lambda message, _d: log.warning("alerts: could not read firings: %s", message),
             kind=Kind.LEAN).run_in_background()

    # -- new firings -------------------------------------------------------------------------------------
    def poll(self) -> None:
        """Ask for firings newer than the last seen; one question at a time, asked again if data moved meanwhile."""
        if self.last_id is None or self._asking:
            self._again = True
            return
        self._asking, self._again = True, False
        after = self.last_id

        def ask(db: Database, _progress: Any) -> list[dict[str, Any]]:
            return store.firings(db, limit=1000, after_id=after)

        DbOp(self, self.session.db_path, ask, on_success=self._answered, on_failure=self._failed,
             kind=Kind.LEAN).run_in_background()

    def _answered(self, firings: list[dict[str, Any]]) -> None:
        self._asking = False
        if firings:
            self.last_id = max(int(f["id"]) for f in firings)
            shown = [f for f in firings if f["notify"]]
            if shown:
                self.announce(shown)
        if self._again:
            self.poll()

    def _failed(self, message: str, _details: str) -> None:
        self._asking = False
        log.warning("alerts: could not read new firings: %s", message)

    def announce(self, firings: list[dict[str, Any]]) -> None:
        """Show ``firings`` (newest first) and count them on the Alerts entry unless the page is in view."""
        title, text = describe(firings)
        if self.tray is not None:
            worst = any(f["severity"] in ("error", "critical") for f in firings)
            icon = QSystemTrayIcon.MessageIcon.Critical if worst else QSystemTrayIcon.MessageIcon.Warning
            self.tray.showMessage(title, text, icon, MESSAGE_MS)
        else:
            self.window.statusBar().showMessage(f"{title} {text.splitlines()[0]}", MESSAGE_MS)
        if not self._page_in_view():
            self.unseen += len(firings)
            self._badge()
        self.notified.emit(title, text)

    # -- the navigation entry ----------------------------------------------------------------------------
    def _row(self) -> int:
        return next(i for i, s in enumerate(PAGES) if s.key == PAGE)

    def _page_in_view(self) -> bool:
        return self.window.isVisible() and self.window.nav.currentRow() == self._row() \
            and self.window.stack.currentWidget() is self.window.pages.get(PAGE)

    def _page_shown(self, row: int) -> None:
        if row == self._row() and self.unseen:
            self.unseen = 0
            self._badge()

    def _badge(self) -> None:
        item = self.window.nav.item(self._row())
        if item is None:
            return
        title = PAGES[self._row()].title
        item.setText(f"{title} ({self.unseen})" if self.unseen else title)
        font = item.font()
        font.setBold(bool(self.unseen))
        item.setFont(font)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}, {self.unseen} new" if self.unseen else title)

    def open_page(self) -> None:
        """The tray message was clicked: bring the window up on the Alerts page."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        self.window.show_page(PAGE)

    # -- heartbeats --------------------------------------------------------------------------------------
    def tick(self) -> workers.Task[Any] | None:
        """Run the heartbeat rules once, behind the window's other writes."""
        if self.session.db.read_only:
            return None

        def done(fired: list[dict[str, Any]]) -> None:
            if fired:
                self.session.data_changed.emit()

        return write_queue.submit(self, self.session.db_path, lambda db: engine.tick(db), done,
                                  lambda message, _d: log.warning("alerts: heartbeat check failed: %s", message))

    def stop(self) -> None:
        self.timer.stop()
        if self.tray is not None:
            self.tray.hide()
