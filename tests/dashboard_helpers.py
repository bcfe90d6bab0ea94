"""The dashboard as the dashboard tests open it: demo data, a fixed zone and "now", charts drawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from app.domain import timeutil
from app.store.database import Database
from app.ui import workers
from app.ui.main_window import MainWindow
from app.ui.session import Session
from helpers import window_count  # noqa: F401 - dashboard tests take it from here

ZONE = timeutil.get_zone("Asia/Manila")
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def window(qtbot, demo_db: Database) -> Iterator[MainWindow]:
    """The main window on the dashboard, after its first refresh has painted."""
    win = MainWindow(Session(demo_db, ZONE))
    qtbot.addWidget(win)
    win.resize(1400, 900)
    page = win.page("dashboard")
    page.now = NOW
    with qtbot.waitSignal(page.refreshed, timeout=60_000):
        win.show()
    qtbot.wait(50)  # let the canvases paint
    yield win
    workers.wait_all()

