"""Progress and cancellation for long work, without Qt.

Services take a ``Progress`` so the GUI's workers, the CLI and tests can all
drive them: the GUI's worker turns reports into signals, the CLI ignores them.
A report is a ``ProgressUpdate``: the counts travel as fields, so no consumer
parses them back out of the display text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


class Cancelled(Exception):
    """The user asked the work to stop; the service rolls back and re-raises."""


@dataclass(frozen=True)
class ProgressUpdate:
    """How far long work has come, as numbers; ``text`` is only for showing.

    ``done`` and ``total`` drive a bar and count ``unit`` (``"bytes"`` for an import).
    The named counts are ``None`` when the work does not count that thing.
    """

    done: int
    total: int
    text: str = ""
    unit: str = ""
    lines: int | None = None  # lines read of the file being imported
    events: int | None = None  # events kept from it so far
    rejected: int | None = None  # lines of it rejected so far
    file: int | None = None  # which file of the import is being read, from 1
    files: int | None = None  # how many files the import reads


class Progress:
    """Receives progress reports and tells the work when to stop.

    Work reports plainly with ``report(done, total, text)`` or with counts with
    ``update(ProgressUpdate(...))``. ``update`` hands the plain part on to
    ``report``, so a reporter that needs no counts overrides ``report`` alone; one
    that needs the counts overrides ``update`` and routes ``report`` into it.
    """

    def __init__(self) -> None:
        self._cancel = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Called by the work; override to forward."""

    def update(self, update: ProgressUpdate) -> None:
        """Called by work that counts things; by default only its done, total and text reach ``report``."""
        self.report(update.done, update.total, update.text)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` when a cancel was asked for; call it between batches."""
        if self._cancel.is_set():
            raise Cancelled()


class Relay(Progress):
    """Hands reports on to ``inner`` after ``adjust``, sharing its cancel flag: one part of a bigger job reports.

    For example the import of one file of several (its number is stamped on) or
    a bar that counts KiB because Qt's int is 32-bit.
    """

    def __init__(self, inner: Progress, adjust: Callable[[ProgressUpdate], ProgressUpdate]) -> None:
        super().__init__()
        self.inner = inner
        self.adjust = adjust

    def report(self, done: int, total: int, text: str = "") -> None:
        self.update(ProgressUpdate(done, total, text))

    def update(self, update: ProgressUpdate) -> None:
        self.inner.update(self.adjust(update))

    def cancel(self) -> None:
        self.inner.cancel()

    @property
    def cancelled(self) -> bool:
        return self.inner.cancelled

    def check(self) -> None:
        self.inner.check()
