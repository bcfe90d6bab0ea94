"""Progress and cancellation for long work, without Qt.

Services take a ``Progress`` so the GUI's workers, the CLI and tests can all
drive them: the GUI's worker turns reports into signals, the CLI ignores them.
"""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """The user asked the work to stop; the service rolls back and re-raises."""


class Progress:
    """Receives progress reports and tells the work when to stop."""

    def __init__(self) -> None:
        self._cancel = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Called by the work; override to forward."""

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` when a cancel was asked for; call it between batches."""
        if self._cancel.is_set():
            raise Cancelled()
