"""The filter bar, chips, saved views, the Events/Incidents pages, details and keyboard, driven with qtbot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from app.domain import timeutil
from app.domain.filters import Filter
from app.store import events as store
from app.store.database import Database, UserFacingStoreError
from app.ui.filter_bar import FilterBar
from app.ui.pages.events import EventsPage
from app.ui.pages.incidents import IncidentsPage
from app.ui.session import Session
from helpers import window_count

UTC = timeutil.UTC


@pytest.fixture
def session(demo_db: Database) -> Session:
    return Session(demo_db, UTC)


@pytest.fixture
def bar(qtbot, session: Session) -> FilterBar:
    widget = FilterBar(session, None, kind="events")
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def page(qtbot, session: Session) -> EventsPage:
    widget = EventsPage(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.total is not None and not widget.model._pending, timeout=10_000)
    yield widget
    widget.model.wait()


def chip_labels(bar: FilterBar) -> list[str]:
    return [c.text() for c in bar.chips]


def test_search_box_applies_any_text(qtbot, bar: FilterBar, session: Session) -> None:
    qtbot.keyClicks(bar.search_edit, '"half a phrase')
    with qtbot.assertNotEmitted(bar.search_failed), qtbot.waitSignal(session.filter_changed):
        qtbot.keyClick(bar.search_edit, Qt.Key.Key_Return)
    assert session.filter.search == '"half a phrase' and not bar.search_error.isVisible()
    bar.search_edit.clear()
    qtbot.keyClicks(bar.search_edit, "timeout OR refused")
    with qtbot.waitSignal(session.filter_changed):
        qtbot.keyClick(bar.search_edit, Qt.Key.Key_Return)
    assert session.filter.search == "timeout OR refused" and not bar.search_error.isVisible()
    assert chip_labels(bar) == ["Search: timeout OR refused"]


def test_typing_applies_after_a_pause(qtbot, bar: FilterBar, session: Session) -> None:
    qtbot.keyClicks(bar.search_edit, "dpd")
    qtbot.waitUntil(lambda: session.filter.search == "dpd", timeout=3000)


def test_time_presets_severity_and_terms_make_chips(qtbot, bar: FilterBar, session: Session) -> None:
    bar.time_combo.setCurrentIndex(bar.time_combo.findData("24h"))
    bar.time_combo.activated.emit(bar.time_combo.currentIndex())
    bar.min_severity.setCurrentIndex(bar.min_severity.findData("warning"))
    bar.min_severity.activated.emit(bar.min_severity.currentIndex())
    qtbot.keyClicks(bar.include_edit, "tunnel")
    qtbot.keyClick(bar.include_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(bar.exclude_edit, "DPD")
    qtbot.keyClick(bar.exclude_edit, Qt.Key.Key_Return)
    assert session.filter == Filter(since="24h", min_severity="warning", include=("tunnel",), exclude=("DPD",))
    assert chip_labels(bar) == ["Severity ≥ warning", "Last 24 h", "Contains: tunnel", "Not: DPD"]
    # The boxes say what a term means: whole words on the full-text index, operators as plain text.
    assert bar.include_edit.placeholderText() == "Must contain words…"
    assert "whole words" in bar.include_edit.toolTip() and "TimeoutError" in bar.exclude_edit.toolTip()
    # Removing a chip removes just that restriction.
    qtbot.mouseClick(bar.chips[1].close_button, Qt.MouseButton.LeftButton)
    assert session.filter == Filter(min_severity="warning", include=("tunnel",), exclude=("DPD",))
    assert bar.time_combo.currentData() == ""
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert session.filter.is_empty() and bar.chips == []


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen: popups cannot grab
def test_facet_picker_shows_counts_and_applies(qtbot, bar: FilterBar, session: Session, demo_db: Database) -> None:
    qtbot.mouseClick(bar.pickers["log_type"], Qt.MouseButton.LeftButton)
    popup = bar.popups["log_type"]
    qtbot.waitUntil(lambda: popup.list.count() == 7 and "(" in popup.list.item(0).text(), timeout=5000)
    n_network = demo_db.scalar("SELECT count(*) FROM events WHERE log_type = 'network'")
    assert any(popup.list.item(i).text() == f"network  ({n_network:,})" for i in range(7))
    popup.check("network")
    popup.check("security")
    qtbot.mouseClick(popup.apply_button, Qt.MouseButton.LeftButton)
    assert set(session.filter.log_types) == {"network", "security"}
    assert bar.pickers["log_type"].text() == "Type (2) ▾"
    assert {"Type: network", "Type: security"} <= set(chip_labels(bar))
    # The host picker's counts follow the type filter.
    qtbot.mouseClick(bar.pickers["host"], Qt.MouseButton.LeftButton)
    hosts = bar.popups["host"]
    qtbot.waitUntil(lambda: hosts.list.count() > 0 and not hosts.status.isVisible(), timeout=5000)
    total = sum(int(hosts.list.item(i).text().rsplit("(", 1)[1].rstrip(")").replace(",", ""))
                for i in range(hosts.list.count()))
    assert total == store.count(demo_db, session.filter, UTC)
    hosts.finder.setText("fw-")
    assert all(hosts.list.item(i).isHidden() != ("fw-" in hosts.list.item(i).text())
               for i in range(hosts.list.count()))
    hosts.hide()


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen: popups cannot grab
def test_a_click_on_a_value_ticks_it_and_ticked_values_are_bold(qtbot, bar: FilterBar) -> None:
    qtbot.mouseClick(bar.pickers["log_type"], Qt.MouseButton.LeftButton)
    popup = bar.popups["log_type"]
    qtbot.waitUntil(lambda: popup.list.count() == 7 and "(" in popup.list.item(0).text(), timeout=5000)
    item = popup.list.item(2)
    text_point = popup.list.visualItemRect(item).center()  # on the words, well right of the box
    qtbot.mouseClick(popup.list.viewport(), Qt.MouseButton.LeftButton, pos=text_point)
    assert item.checkState() == Qt.CheckState.Checked and item.font().bold()
    qtbot.mouseClick(popup.list.viewport(), Qt.MouseButton.LeftButton, pos=text_point)
    assert item.checkState() == Qt.CheckState.Unchecked and not item.font().bold()
    popup.hide()


def test_ctrl_f_reaches_the_search_box_on_every_page_with_a_filter_bar(qtbot, session: Session) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    for key in ("dashboard", "reports", "events", "incidents"):
        page = window.show_page(key)
        window.nav.setFocus()  # as after a click in the page list: the focus is outside the page
        qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda p=page: QApplication.focusWidget() is p.filter_bar.search_edit, timeout=3000)
        session.set_filter(Filter(min_severity="error"))
        qtbot.keyClick(page.filter_bar.search_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert session.filter.is_empty()


def test_saved_views_save_recall_export_import(qtbot, bar: FilterBar, session: Session, tmp_path: Path) -> None:
    wanted = Filter(log_types=("network",), min_severity="error", sites=("Manila Site B",), since="1h")
    session.set_filter(wanted)
    bar.save_view("Network errors at Site B")
    session.set_filter(Filter())
    bar.rebuild_views_menu()
    recall = next(a for a in bar.views_menu.actions() if a.text() == "Network errors at Site B")
    recall.trigger()
    assert session.filter == wanted
    assert "Site: Manila Site B" in chip_labels(bar)
    out = tmp_path / "views.json"
    assert bar.export_views(out) == 1
    assert json.loads(out.read_text())["filter"]["sites"] == ["Manila Site B"]
    assert bar.delete_view("Network errors at Site B")
    assert bar.saved_views() == []
    assert bar.import_views(out) == 1
    assert [v.name for v in bar.saved_views()] == ["Network errors at Site B"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "filter": {"severities": ["loud"]}}')
    with pytest.raises(UserFacingStoreError, match=r"bad.json: view 1: severity: unknown 'loud'"):
        bar.import_views(bad)


def test_saved_view_file_drives_the_cli(bar: FilterBar, session: Session, tmp_path: Path, run_cli) -> None:
    session.set_filter(Filter(log_types=("security",), min_severity="warning"))
    bar.save_view("sec")
    out = tmp_path / "sec.json"
    bar.export_views(out)
    result = run_cli("--db", session.db_path, "events", "--view", out, "--count")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == store.count(session.db, session.filter, UTC)


def test_two_bars_follow_one_session(qtbot, session: Session) -> None:
    a, b = FilterBar(session, None, "events"), FilterBar(session, None, "incidents")
    qtbot.addWidget(a)
    qtbot.addWidget(b)
    session.set_filter(Filter(clients=("Acme Telecom",), min_severity="error"))
    assert chip_labels(a) == chip_labels(b) == ["Client: Acme Telecom", "Severity ≥ error"]
    assert "not used for incidents" in b.chips[1].label.toolTip()
    assert "status" in b.pickers and "host" not in b.pickers and not b.min_severity.isVisibleTo(b)


def test_events_page_filters_counts_and_timeline(qtbot, page: EventsPage, session: Session, demo_db: Database) -> None:
    assert page.count_label.text() == "5,000 events"
    qtbot.waitUntil(lambda: bool(page.timeline.buckets), timeout=5000)
    # the 60 demo days: the timeline shows the last 30 until "All time"; the table lists them all
    assert sum(sum(c) for _, c in page.timeline.buckets) == window_count(demo_db)
    qtbot.mouseClick(page.all_time_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sum(sum(c or ()) for _, c in page.timeline.buckets) == 5000, timeout=5000)
    session.set_filter(Filter(log_types=("network",)))
    n = demo_db.scalar("SELECT count(*) FROM events WHERE log_type = 'network'")
    qtbot.waitUntil(lambda: page.count_label.text() == f"{n:,} events", timeout=5000)
    qtbot.waitUntil(lambda: sum(sum(c or ()) for _, c in page.timeline.buckets) == n, timeout=5000)
    page.filter_bar.search_edit.setText('/broken(/')
    assert not page.filter_bar.apply_search()
    error = page.filter_bar.search_error
    assert error.isVisible() and "regex /broken(/ is not valid" in error.text()


def test_timeline_drag_selects_a_range(qtbot, page: EventsPage, session: Session) -> None:
    qtbot.waitUntil(lambda: bool(page.timeline.buckets), timeout=5000)
    strip = page.timeline
    y = strip.height() // 2
    qtbot.mousePress(strip, Qt.MouseButton.LeftButton, pos=QPoint(strip.width() // 4, y))
    qtbot.mouseMove(strip, QPoint(strip.width() // 2, y))
    with qtbot.waitSignal(session.filter_changed):
        qtbot.mouseRelease(strip, Qt.MouseButton.LeftButton, pos=QPoint(strip.width() // 2, y))
    since, until = session.filter.time_bounds(UTC)
    assert since and until and since < until
    assert timeutil.from_iso(since) == strip.time_at(strip.width() // 4).replace(microsecond=(
        strip.time_at(strip.width() // 4).microsecond // 1000) * 1000)
    assert any("→" in c for c in chip_labels(page.filter_bar))
    qtbot.waitUntil(lambda: page.model.total is not None, timeout=5000)
    assert page.model.total == store.count(session.db, session.filter, UTC)


def test_keyboard_details_and_copy(qtbot, page: EventsPage, demo_db: Database) -> None:
    table = page.table
    table.setFocus()
    table.go_to_row(0)
    qtbot.keyClick(table, Qt.Key.Key_J)
    qtbot.keyClick(table, Qt.Key.Key_J)
    qtbot.keyClick(table, Qt.Key.Key_K)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 2
    event_id = page.model.record_id(2)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.details.details is not None and page.details.event_id == event_id, timeout=5000)
    text = page.details.browser.toPlainText()
    raw = demo_db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
    n_ctx = len(store.context(demo_db, store.get(demo_db, event_id), 5))
    assert raw in text and f"Context ({n_ctx} lines" in text and n_ctx >= 6 and "Linked incidents" in text
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert len(lines) == 3 and lines[0].split("\t")[:3] == ["Time", "Severity", "Type"]
    assert page.incident_button.isEnabled()


def test_details_show_linked_incidents(qtbot, page: EventsPage, demo_db: Database) -> None:
    linked = demo_db.scalar("SELECT event_id FROM incident_events LIMIT 1")
    number = demo_db.scalar("SELECT i.number FROM incidents i JOIN incident_events ie ON ie.incident_id = i.id "
                            "WHERE ie.event_id = ?", (linked,))
    page.details.show_event(linked)
    qtbot.waitUntil(lambda: page.details.details is not None, timeout=5000)
    assert number in page.details.browser.toPlainText()
    assert f"incident:{number}" in page.details.browser.toHtml()
    with qtbot.waitSignal(page.details.incident_activated) as blocker:
        page.details._link(__import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl(f"incident:{number}"))
    assert blocker.args == [number]


def test_column_state_is_saved(qtbot, session: Session) -> None:
    first = EventsPage(session)
    qtbot.addWidget(first)
    first.table.horizontalHeader().moveSection(7, 2)
    first.table.setColumnWidth(3, 222)
    first.model.wait()
    second = EventsPage(session)
    qtbot.addWidget(second)
    assert second.table.horizontalHeader().visualIndex(7) == 2
    assert second.table.columnWidth(3) == 222
    second.model.wait()


def test_incidents_page(qtbot, session: Session, demo_db: Database) -> None:
    widget = IncidentsPage(session)
    qtbot.addWidget(widget)
    widget.show()
    n = demo_db.scalar("SELECT count(*) FROM incidents")
    qtbot.waitUntil(lambda: widget.count_label.text() == f"{n:,} incidents", timeout=5000)
    session.set_filter(Filter(statuses=("new", "in-progress")))
    n_open = demo_db.scalar("SELECT count(*) FROM incidents WHERE status IN ('new', 'in-progress')")
    qtbot.waitUntil(lambda: widget.count_label.text() == f"{n_open:,} incidents", timeout=5000)
    widget.model.wait()


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_create_incident_from_selected_events(qtbot, page: EventsPage, demo_db: Database) -> None:
    from app.ui.incident_dialog import NewIncidentDialog

    page.table.selectRow(3)
    qtbot.keyClick(page.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    wanted = sorted(page.selected_event_ids())
    assert len(wanted) == 2
    qtbot.mouseClick(page.incident_button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in page.findChildren(NewIncidentDialog))
    qtbot.addWidget(dialog)
    assert sorted(dialog.event_ids) == wanted
    before = demo_db.scalar("SELECT count(*) FROM incidents")
    dialog.save()
    assert dialog.number is not None, dialog.message.text()
    linked = {r[0] for r in demo_db.execute(
        "SELECT event_id FROM incident_events ie JOIN incidents i ON i.id = ie.incident_id WHERE i.number = ?",
        (dialog.number,))}
    assert linked == set(wanted) and demo_db.scalar("SELECT count(*) FROM incidents") == before + 1
    dialog.close()


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_double_click_opens_the_incident(qtbot, session: Session, demo_db: Database) -> None:
    from app.ui.incident_dialog import IncidentDialog

    widget = IncidentsPage(session)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.total is not None and widget.model.row(0, fetch=False) is not None,
                    timeout=5000)
    number = widget.model.number(0)
    rect = widget.table.visualRect(widget.model.index(0, 2))
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialogs = widget.findChildren(IncidentDialog)
    assert [d.number for d in dialogs] == [number]
    for d in dialogs:
        qtbot.addWidget(d)
        d.close()
    widget.model.wait()


def test_timeline_day_bars_follow_local_midnights_across_dst(qtbot) -> None:
    from app.ui.timeline import TimelineStrip

    zone = timeutil.get_zone("Europe/London")
    strip = TimelineStrip(zone)
    qtbot.addWidget(strip)
    counts = {store.local_day_start("2026-10-20T12:00:00.000Z", zone): [1, 0, 0, 0, 0, 0],
              store.local_day_start("2026-10-25T12:00:00.000Z", zone): [0, 2, 0, 0, 0, 0],
              store.local_day_start("2026-10-30T12:00:00.000Z", zone): [0, 0, 0, 0, 0, 3]}
    strip.set_histogram({"width": 86400, "counts": counts})
    starts = [when.astimezone(zone) for when, _ in strip.buckets]
    assert len(starts) == 11 and all((s.hour, s.minute) == (0, 0) for s in starts)
    assert [sum(c) for _, c in strip.buckets] == [1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3]
    strip.resize(1100, 80)
    assert strip.time_at(550).astimezone(zone).date().isoformat() == "2026-10-25"


def test_select_all_and_copy_stays_cheap(qtbot, page: EventsPage) -> None:
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert page.incident_button.isEnabled()
    loaded = page.model.loaded_prefix()  # Select all takes the rows loaded from the top
    assert len(page.table.selected_rows()) == loaded > 100
    assert len(page.table.selected_rows(limit=100)) == 100
    text = page.table.copy_selection()
    assert len(text.splitlines()) == 1 + loaded


def test_select_all_takes_the_loaded_rows_at_once(qtbot, page: EventsPage) -> None:
    table = page.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    loaded = page.model.loaded_prefix()
    assert 0 < loaded < page.model.rowCount()  # 50,000 events, a few blocks loaded
    assert table.selected_rows(limit=100_000) == list(range(loaded))
    assert all(page.model.record_id(r) is not None for r in (0, loaded - 1))  # every selected row has its id


def test_a_click_on_a_column_that_cannot_sort_keeps_the_order(qtbot, page: EventsPage) -> None:
    header = page.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (0, Qt.SortOrder.DescendingOrder)
    host = next(i for i, c in enumerate(page.model.COLUMNS) if c.sort is None)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(host) + 10, header.height() // 2))
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (0, Qt.SortOrder.DescendingOrder)
    page.model.wait()


def test_last_row_fills_the_details_pane_once_its_rows_arrive(qtbot, page: EventsPage, demo_db: Database) -> None:
    qtbot.mouseClick(page.last_button, Qt.MouseButton.LeftButton)
    last = page.model.rowCount() - 1
    assert page.table.currentIndex().row() == last
    oldest = demo_db.scalar("SELECT id FROM events ORDER BY ts, id LIMIT 1")  # newest first: the last row
    qtbot.waitUntil(lambda: page.details.event_id == oldest, timeout=10_000)
    page.model.wait()
