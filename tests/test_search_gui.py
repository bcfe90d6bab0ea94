"""The search box on the Events and Incidents pages, typed into like a person: pasted text, syntax, regex, cancel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.domain import timeutil
from app.store.database import Database
from app.ui.models.events import EventsModel
from app.ui.models.keyset import KeysetTableModel
from app.ui.pages.events import EventsPage
from app.ui.pages.incidents import IncidentsPage
from app.ui.session import Session
from tests.search_helpers import PASTED, add_events, containing, seed

UTC = timeutil.UTC
LEFT = Qt.MouseButton.LeftButton
MESSAGE_COLUMN = [c.key for c in EventsModel.COLUMNS].index("message")
TITLE_COLUMN = 2


def _loaded(qtbot, model: KeysetTableModel) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: model.total is not None and all(
        model.row(r) is not None for r in range(model.rowCount())), timeout=10_000)


def _shown(model: KeysetTableModel, column: int) -> list[str]:
    """The cells the user sees in ``column``, top to bottom."""
    return sorted(model.data(model.index(r, column)) for r in range(model.rowCount()))


def _type_and_enter(qtbot, page: EventsPage | IncidentsPage, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the box's text as a person does (Ctrl+A, type, Enter) and wait for the final count."""
    edit = page.filter_bar.search_edit
    qtbot.mouseClick(edit, LEFT)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)
    with qtbot.waitSignal(page.model.count_changed, check_params_cb=lambda _n, final: final, timeout=10_000):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    _loaded(qtbot, page.model)


@pytest.fixture
def session(db: Database) -> Session:
    seed(db)
    return Session(db, UTC)


@pytest.fixture
def events_page(qtbot, session: Session) -> Iterator[EventsPage]:  # type: ignore[no-untyped-def]
    page = EventsPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    _loaded(qtbot, page.model)
    yield page
    page.model.wait()


def test_pasted_text_finds_exactly_its_rows(qtbot, events_page: EventsPage) -> None:  # type: ignore[no-untyped-def]
    for text in PASTED:
        with qtbot.assertNotEmitted(events_page.filter_bar.search_failed):
            _type_and_enter(qtbot, events_page, text)
        assert _shown(events_page.model, MESSAGE_COLUMN) == sorted(containing(text)), text
        assert events_page.count_label.text() == f"{len(containing(text))} events"
        assert not events_page.filter_bar.search_error.isVisible()
        assert not events_page.filter_bar.search_box.note.isVisible()


def test_query_syntax_when_used_and_a_note_when_broken(  # type: ignore[no-untyped-def]
        qtbot, events_page: EventsPage) -> None:
    for query, wanted in (("error AND vpn", ["error on vpn tunnel"]), ('"link down"', ["link down on port 4"]),
                          ("auth*", ["authentication failed for bob"])):
        _type_and_enter(qtbot, events_page, query)
        assert _shown(events_page.model, MESSAGE_COLUMN) == wanted
    _type_and_enter(qtbot, events_page, "retry AND")
    assert _shown(events_page.model, MESSAGE_COLUMN) == ["retry AND fail"]
    note = events_page.filter_bar.search_box.note
    assert note.isVisible() and note.text().startswith("Searched as plain text: not valid query syntax")
    _type_and_enter(qtbot, events_page, "retry AND fail")
    assert not note.isVisible()


def test_regex_toggle_and_slashes(  # type: ignore[no-untyped-def]
        qtbot, events_page: EventsPage, session: Session) -> None:
    bar = events_page.filter_bar
    toggle = bar.search_box.regex_toggle
    with qtbot.assertNotEmitted(session.filter_changed):
        qtbot.mouseClick(toggle, LEFT)  # empty box: regex mode, nothing filtered yet
    assert toggle.isChecked()
    _type_and_enter(qtbot, events_page, r"10\.20\.30\.4[01]\b")
    assert session.filter.regex == r"10\.20\.30\.4[01]\b" and session.filter.search is None
    assert _shown(events_page.model, MESSAGE_COLUMN) == sorted(containing("10.20.30.40") + containing("10.20.30.41"))
    assert "Regex: /10\\.20\\.30\\.4[01]\\b/" in [c.text() for c in bar.chips]
    # Switching the toggle off searches the same text as typed (no row holds it).
    with qtbot.waitSignal(events_page.model.count_changed, check_params_cb=lambda _n, final: final):
        qtbot.mouseClick(toggle, LEFT)
    assert session.filter.search == r"10\.20\.30\.4[01]\b" and session.filter.regex is None
    # /pattern/ typed in text mode turns regex mode on.
    _type_and_enter(qtbot, events_page, "/^user can/")
    assert toggle.isChecked() and bar.search_edit.text() == "^user can"
    assert session.filter.regex == "^user can" and session.filter.search is None
    assert _shown(events_page.model, MESSAGE_COLUMN) == ["user can log in", "user can't log in to the softphone"]


def test_invalid_regex_is_named_and_nothing_changes(  # type: ignore[no-untyped-def]
        qtbot, events_page: EventsPage, session: Session) -> None:
    bar = events_page.filter_bar
    qtbot.mouseClick(bar.search_box.regex_toggle, LEFT)
    before = session.filter
    qtbot.keyClicks(bar.search_edit, "agent-(ws")
    with qtbot.waitSignal(bar.search_failed) as blocker, qtbot.assertNotEmitted(session.filter_changed):
        qtbot.keyClick(bar.search_edit, Qt.Key.Key_Return)
    assert blocker.args == ["regex /agent-(ws/ is not valid: missing ), unterminated subpattern at position 6"]
    assert bar.search_error.isVisible() and bar.search_error.text() == blocker.args[0]
    assert session.filter == before


def test_long_regex_scan_shows_progress_and_cancels(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    add_events(db, [f"{'a' * 15}!{n}" for n in range(3500)])  # each row backtracks for a millisecond or two
    page = EventsPage(Session(db, UTC))
    qtbot.addWidget(page)
    page.show()
    _loaded(qtbot, page.model)
    qtbot.mouseClick(page.filter_bar.search_box.regex_toggle, LEFT)
    qtbot.keyClicks(page.filter_bar.search_edit, "(a+)+b")
    qtbot.keyClick(page.filter_bar.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.scan_progress.isVisible() and page.scan_progress.bar.value() > 0, timeout=10_000)
    assert page.scan_progress.bar.maximum() == 3500 and page.count_label.text().endswith("(counting…)")
    with qtbot.waitSignal(page.model.scan_cancelled):
        qtbot.mouseClick(page.scan_progress.cancel_button, LEFT)
    assert not page.scan_progress.isVisible()
    assert page.count_label.text() == "0 events listed (regex search cancelled)"
    assert page.model.wait(1500), "the scan went on after Cancel"


def test_incidents_page_searches_titles(qtbot, session: Session) -> None:  # type: ignore[no-untyped-def]
    page = IncidentsPage(session)
    qtbot.addWidget(page)
    page.show()
    _loaded(qtbot, page.model)
    _type_and_enter(qtbot, page, "C:\\Windows\\System32")
    assert _shown(page.model, TITLE_COLUMN) == containing("C:\\Windows\\System32")
    _type_and_enter(qtbot, page, "/INC-0+20[23]/")
    assert _shown(page.model, TITLE_COLUMN) == sorted(containing("INC-0002"))
    page.model.wait()
