"""Small test helpers shared by several test modules."""

from __future__ import annotations

from app.domain.jobs import Progress
from app.store.database import Database


class CancelAfter(Progress):
    """A progress reporter that asks to cancel on its n-th report, as a user pressing Cancel would."""

    def __init__(self, reports: int) -> None:
        super().__init__()
        self.left = reports

    def report(self, done: int, total: int, text: str = "") -> None:
        self.left -= 1
        if self.left <= 0:
            self.cancel()
        self.check()


def window_count(db: Database, where: str = "1") -> int:
    """Events matching ``where`` in the default chart window: the 30 days ending at the newest of them."""
    from app.domain.chart_window import windowed
    from app.domain.filters import Filter

    newest = db.scalar(f"SELECT max(ts) FROM events WHERE {where}")
    since = windowed(Filter(), newest).since
    return int(db.scalar(f"SELECT count(*) FROM events WHERE {where} AND ts >= ?", (since,)))
