"""Small test helpers shared by several test modules."""

from __future__ import annotations

from app.domain.jobs import Progress


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
