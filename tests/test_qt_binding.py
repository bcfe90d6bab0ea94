"""The Qt binding in use keeps Python's singletons alive (PySide6 6.12.0 on 3.11 did not)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_signals_do_not_leak_references_to_none(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    emitter = _Emitter()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(20_000):
        widget.update()
        emitter.fired.emit()
        widget.isVisible()
    after = sys.getrefcount(None), sys.getrefcount(True)
    # A faulty binding loses one reference per call: tens of thousands here.
    assert abs(after[0] - before[0]) < 100 and abs(after[1] - before[1]) < 100
