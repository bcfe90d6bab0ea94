"""Background tasks: results arrive on the GUI thread, cancel works, results for a deleted parent are skipped."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QLabel

from app.domain.jobs import Progress
from app.ui import workers


def test_result_and_progress_arrive(qtbot) -> None:
    seen: list[tuple[int, int, str]] = []
    results: list[object] = []

    def work(progress: Progress) -> int:
        for i in range(3):
            progress.report(i + 1, 3, "step")
        return 42

    workers.start(work, parent=None, on_success=results.append,
                  on_progress=lambda u: seen.append((u.done, u.total, u.text)))
    qtbot.waitUntil(lambda: results == [42])
    assert seen[-1] == (3, 3, "step")


def test_cancel_stops_the_work(qtbot) -> None:
    started = threading.Event()

    def work(progress: Progress) -> None:
        started.set()
        while True:
            progress.report(0, 1)

    cancelled: list[bool] = []
    task = workers.start(work, parent=None, on_cancel=lambda: cancelled.append(True))
    assert started.wait(5)
    with qtbot.waitSignal(task.signals.finished, timeout=5000):
        task.cancel()
    qtbot.waitUntil(lambda: cancelled == [True])


def test_failure_reports_message_and_details(qtbot) -> None:
    failures: list[tuple[str, str]] = []

    def work(_progress: Progress) -> None:
        raise ValueError("bad line 7")

    workers.start(work, parent=None, on_failure=lambda m, d: failures.append((m, d)))
    qtbot.waitUntil(lambda: bool(failures))
    assert failures[0][0] == "bad line 7" and "ValueError" in failures[0][1]


def test_result_for_a_deleted_widget_is_dropped(qtbot) -> None:
    gate = threading.Event()
    label = QLabel("waiting")
    task = workers.start(lambda _p: gate.wait(5) and "done", parent=label, on_success=lambda text: label.setText(text))
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label))
    with qtbot.waitSignal(task.signals.finished, timeout=5000):
        gate.set()
    # Reaching here without "Internal C++ object already deleted" is the point.
    assert not shiboken6.isValid(label)
