"""While the window is open, every few minutes: send what waits in the outbox and pull tickets' status back.

One run at a time, in a worker (``DbOp``): a tool that is slow or down delays the
next run, never the window. Changed incidents queue their updates first, so an
edit made in the window reaches its ticket without a "Send to…" each time.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.store.database import Database
from app.ui.db_ops import DbOp, Kind
from app.ui.session import Session

INTERVAL_MS = 5 * 60 * 1000


def _sync(db: Database) -> dict[str, Any]:
    from app.store import tickets as store
    from app.tickets import service

    if not store.connections(db):
        return {"skipped": True}
    return service.sync(db)


class TicketSync(QObject):
    """Signals:
        synced(dict): a run ended (counts of queued, sent, waiting, failed, pulled, changed; or {"error": …}).
    """

    synced = Signal(object)

    def __init__(self, session: Session, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.session = session
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run)

    def start(self) -> None:
        if not self.session.db.read_only:
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def run(self) -> None:
        """One sync now, unless one is still running."""
        if self.running:
            return
        self.running = True
        DbOp(self, self.session.db_path, lambda db, _p: _sync(db), on_success=self._done,
             on_failure=lambda message, _d: self._done({"error": message}), kind=Kind.PLAIN).run_in_background()

    def _done(self, result: dict[str, Any]) -> None:
        self.running = False
        if result.get("changed") or result.get("sent"):
            self.session.data_changed.emit()
        self.synced.emit(result)
