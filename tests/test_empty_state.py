"""Empty tables say what to do, and only once they are really empty (not while loading)."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from app.domain import timeutil
from app.store.database import Database
from app.ui import workers
from app.ui.empty_state import DELAY_MS, MESSAGES, EmptyState
from app.ui.main_window import MainWindow
from app.ui.session import Session


def test_message_follows_the_rows(qtbot) -> None:
    model = QStandardItemModel(0, 2)
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.show()
    state = EmptyState(view, "Nothing here yet")
    qtbot.waitUntil(state.isVisible, timeout=DELAY_MS * 8)
    assert state.text() == "Nothing here yet"
    model.appendRow([QStandardItem("a"), QStandardItem("b")])
    assert not state.isVisible()
    model.removeRow(0)
    qtbot.waitUntil(state.isVisible, timeout=DELAY_MS * 8)


def test_empty_database_pages_explain_what_to_do(qtbot, db: Database) -> None:
    window = MainWindow(Session(db, timeutil.UTC))
    qtbot.addWidget(window)
    window.show()
    for key in ("events", "imports", "incidents"):
        page = window.show_page(key)
        state = page.findChild(EmptyState)
        assert state is not None, key
        qtbot.waitUntil(state.isVisible, timeout=5000)
        assert state.text() == MESSAGES[key]
    workers.wait_all(10_000)


def test_no_message_over_a_table_with_rows(qtbot, demo_db: Database) -> None:
    window = MainWindow(Session(demo_db, timeutil.UTC))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("events")
    state = page.findChild(EmptyState)
    qtbot.waitUntil(lambda: page.table.model().rowCount() > 0, timeout=10_000)
    qtbot.wait(DELAY_MS * 2)
    assert not state.isVisible()
    workers.wait_all(10_000)
