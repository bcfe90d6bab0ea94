"""Windows events on the Events page: Event ID and Provider columns, binary data behind a link."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QTextBrowser

from app.domain import timeutil
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database
from app.ui.pages.events import EventsPage
from app.ui.session import Session
from tests.windows_helpers import event_viewer_export

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def page(qtbot, db: Database, tmp_path: Path) -> EventsPage:  # type: ignore[no-untyped-def]
    syslog = tmp_path / "pbx.log"
    syslog.write_text("2026-11-29T09:00:00Z pbx01 asterisk[77]: SIP trunk down\n", encoding="utf-8")
    import_paths(db, [event_viewer_export(tmp_path / "agent-ws401.xml"), syslog], ImportOptions(zone=timeutil.UTC))
    widget = EventsPage(Session(db, timeutil.UTC))
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 4 and not widget.model._pending, timeout=10_000)
    yield widget
    widget.model.wait()


def _column(page: EventsPage, title: str) -> int:
    return [c.title for c in page.model.COLUMNS].index(title)


def _cells(page: EventsPage, title: str) -> list[str]:
    col = _column(page, title)
    return [page.model.index(row, col).data() for row in range(page.model.rowCount())]


def _click_link(qtbot, browser: QTextBrowser, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click the link showing ``text`` where it is drawn, as a person would."""
    found = browser.document().find(text)
    assert not found.isNull(), f"no {text!r} in the details"
    cursor = QTextCursor(browser.document())
    cursor.setPosition(found.selectionStart() + 1)
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    qtbot.mouseClick(browser.viewport(), LEFT, pos=browser.cursorRect(cursor).center())


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen: popups cannot grab
def test_event_id_and_provider_columns_for_windows_events_only(qtbot, page: EventsPage) -> None:  # type: ignore[no-untyped-def]
    messages = _cells(page, "Message")  # newest first; the table shows a message's first line
    assert messages == ["Campaign: Acme inbound", "The Print Spooler service entered the running state (7036)",
                        "An account failed to log on (4625)", "SIP trunk down"]
    assert _cells(page, "Event ID") == ["300", "7036", "4625", ""]
    assert _cells(page, "Provider") == ["Contoso-Dialer", "Service Control Manager",
                                        "Microsoft-Windows-Security-Auditing", ""]
    header = page.table.horizontalHeader()
    QApplication.sendEvent(header.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, QPoint(10, 5), header.viewport().mapToGlobal(QPoint(10, 5))))
    menu = page.table.findChild(QMenu)
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    provider = next(a for a in menu.actions() if a.text() == "Provider")
    assert provider.isChecked()
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(provider).center())
    assert header.isSectionHidden(_column(page, "Provider"))
    again = EventsPage(page.session)  # the choice is kept with the column widths and order
    qtbot.addWidget(again)
    assert again.table.horizontalHeader().isSectionHidden(_column(page, "Provider"))
    again.model.wait()


def test_binary_data_behind_a_link(qtbot, page: EventsPage) -> None:  # type: ignore[no-untyped-def]
    table = page.table
    table.setFocus()
    table.go_to_row(1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    details = page.details
    qtbot.waitUntil(lambda: details.details is not None and details.event_id == page.model.record_id(1),
                    timeout=5000)
    text = details.browser.toPlainText()
    message = text.split("Message\n", 1)[1].split("\nBinary data")[0]
    assert "param1: Print Spooler" in message and "53 00" not in message
    assert "Show binary data" in text and "00000000  53 00 70 00" not in text
    _click_link(qtbot, details.browser, "Show binary data")
    text = details.browser.toPlainText()
    assert "00000000  53 00 70 00 6f 00 6f 00" in text and "As text: Spooler/4" in text
    assert "Hide binary data" in text
    _click_link(qtbot, details.browser, "Hide binary data")
    assert "00000000  53 00" not in details.browser.toPlainText()
    table.go_to_row(2)  # the logon failure has no binary data: no link
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: details.event_id == page.model.record_id(2) and details.details is not None
                    and details.details["event"]["id"] == details.event_id, timeout=5000)
    assert "binary data" not in details.browser.toPlainText()
