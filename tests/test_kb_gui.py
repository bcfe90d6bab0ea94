"""The knowledge base in the window (issue 16): drafting from a resolved incident, the Knowledge page, Known fixes.

Real SQLite files and real imports; the window is driven as a person would (typing,
clicking buttons, rows and links) and the tests wait for the background work's signals.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QTableView, QTextBrowser

from app.analysis import integrity
from app.domain.filters import Filter
from app.incidents import service as svc
from app.kb import articles
from app.store.database import Database
from app.ui.incident_dialog import IncidentDialog, NewIncidentDialog, open_incident
from app.ui.kb_editor import ArticleEditor
from app.ui.models.articles import ArticlesModel
from tests.kb_helpers import dpd_lines, import_lines, ssh_lines
from tests.window_helpers import open_window

UTC = dt.UTC
CAUSE = "Carrier SBC dropped the IPsec SA"
NOTES = "Carrier re-keyed the tunnel; restarted ipsec on the dialers"


def _incident(db: Database, title: str, event_ids: list[int]) -> str:
    """A new incident with the events as its evidence; its number."""
    return str(svc.create(db, {"title": title, "log_type": "network", "impact": 2, "urgency": 2},
                          event_ids=event_ids)["number"])


def _pattern(db: Database, event_id: int) -> int:
    return int(db.scalar("SELECT pattern_id FROM events WHERE id = ?", (event_id,)))


def _click_row(qtbot, table: QTableView, row: int, button=Qt.MouseButton.LeftButton) -> None:  # type: ignore[no-untyped-def]
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), button, pos=rect.center())


def _click_link(qtbot, browser: QTextBrowser, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click the link whose text is ``text`` where it is drawn in the browser."""
    found = browser.document().find(text, 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not found.isNull(), f"{text!r} not in {browser.toPlainText()!r}"
    at = QTextCursor(browser.document())
    at.setPosition(found.selectionStart() + 1)
    browser.setTextCursor(at)
    browser.ensureCursorVisible()
    point: QPoint = browser.cursorRect(at).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _dialogs(kind: type) -> list:  # type: ignore[type-arg]
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _resolve_in_dialog(qtbot, dialog: IncidentDialog, cause: str, notes: str) -> None:  # type: ignore[no-untyped-def]
    if cause:
        qtbot.keyClicks(dialog.form.text_edits["root_cause"], cause)
    qtbot.keyClicks(dialog.resolution_code, "carrier-fix")
    if notes:
        qtbot.keyClicks(dialog.notes, notes)
    with qtbot.waitSignal(dialog.draft_offer.checked, timeout=10_000) as offered:
        qtbot.mouseClick(dialog.transition_buttons["resolved"], Qt.MouseButton.LeftButton)
    assert dialog.row["status"] == "resolved"
    return offered.args[0]


def test_draft_article_from_a_resolved_incident_end_to_end(qtbot, db: Database, tmp_path: Path) -> None:
    ids = import_lines(db, tmp_path / "dialer.log", dpd_lines(1, 6) + ssh_lines(1))
    dpd = ids[:6]
    pid = _pattern(db, dpd[0])
    other = articles.add(db, "VPN flaps", "The tunnel to 172.16.9.1 drops at night.", tags="vpn")
    number = _incident(db, "Dialer trunk DPD timeouts", dpd)
    window = open_window(qtbot, db)
    dialog = open_incident(window.session, number, window)
    assert isinstance(dialog, IncidentDialog)
    assert not dialog.draft_button.isVisible()  # not resolved yet: nothing to draft from

    assert _resolve_in_dialog(qtbot, dialog, CAUSE, NOTES) is True
    assert dialog.draft_offer.isVisible() and "Draft a knowledge article" in dialog.draft_offer.label.text()
    assert dialog.draft_button.isVisible()
    with qtbot.waitSignal(dialog.drafter.editor_opened, timeout=10_000) as opened:
        qtbot.mouseClick(dialog.draft_offer.accept_button, Qt.MouseButton.LeftButton)
    editor = opened.args[0]
    assert isinstance(editor, ArticleEditor) and not dialog.draft_offer.isVisible()
    qtbot.waitUntil(lambda: editor.is_ready, timeout=10_000)
    assert editor.title.text() == "Dialer trunk DPD timeouts"
    body = editor.body.toPlainText()
    assert "## Symptoms" in body and CAUSE in body and NOTES in body and "10.2.0.4" in body
    assert editor.patterns.text() == str(pid) and editor.incidents.text() == number

    qtbot.keyClicks(editor.tags, "voip, carrier")
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.body, "Call the carrier's NOC first.")
    editor.tabs.tabBar().setCurrentIndex(1)  # the Preview tab, as a click on it does
    assert "Call the carrier's NOC first." in editor.preview.toPlainText()
    assert "## Symptoms" not in editor.preview.toPlainText() and "Symptoms" in editor.preview.toPlainText()
    with qtbot.waitSignal(editor.saved, timeout=10_000) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    article_id = saved.args[0]
    stored = articles.get(db, article_id)
    assert stored["tags"] == "voip, carrier" and stored["body"].endswith("Call the carrier's NOC first.")
    assert [p["id"] for p in stored["patterns"]] == [pid] and stored["source_incident"] == number

    page = window.show_page("knowledge")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    row = page.model.row_of(article_id)
    assert row is not None and page.model.index(row, 0).data() == "Dialer trunk DPD timeouts"
    assert page.model.index(row, 2).data() == "1" and page.model.index(row, 3).data() == "1"
    _click_row(qtbot, page.table, row)
    qtbot.waitUntil(lambda: page.article is not None and page.article["id"] == article_id
                    and CAUSE in page.reader.toPlainText(), timeout=10_000)
    text = page.reader.toPlainText()
    assert "Dialer trunk DPD timeouts" in text and "Cause" in text and CAUSE in text and "##" not in text
    assert f"Pattern #{pid}" in text and number in text

    with qtbot.waitSignal(page.listed, timeout=10_000) as listed:
        qtbot.keyClicks(page.search, "10.2.0.4")
    assert listed.args[0] == 1 and page.model.article_id(0) == article_id
    with qtbot.waitSignal(page.listed, timeout=10_000) as listed:
        page.search.clear()
        qtbot.keyClicks(page.search, "172.16.9.1")
    assert listed.args[0] == 1 and page.model.article_id(0) == other
    with qtbot.waitSignal(page.listed, timeout=10_000) as listed:
        page.search.clear()
        qtbot.keyClicks(page.search, number)
    assert [page.model.article_id(r) for r in range(page.model.rowCount())] == [article_id]

    _click_row(qtbot, page.table, 0)  # the only match, read at once; its pattern link lists the pattern's events
    qtbot.waitUntil(lambda: page.article is not None and page.article["id"] == article_id, timeout=10_000)
    with qtbot.waitSignal(window.session.filter_changed, timeout=5000):
        _click_link(qtbot, page.reader, f"Pattern #{pid}")
    assert window.session.filter.pattern_id == pid and window.stack.currentWidget() is window.pages["events"]
    events = window.pages["events"]
    qtbot.waitUntil(lambda: events.model.total == 6, timeout=10_000)

    actions = [(r["action"], r["entity_id"]) for r in db.rows(
        "SELECT action, entity_id FROM audit_log WHERE entity = 'article' ORDER BY id")]
    assert actions == [("create", str(other)), ("create", str(article_id)), ("update", str(article_id))]
    assert integrity.check(db).ok
    dialog.close()


def test_no_offer_without_a_root_cause_or_notes_and_not_now_hides_it(qtbot, db: Database, tmp_path: Path) -> None:
    ids = import_lines(db, tmp_path / "dialer.log", dpd_lines(1, 4))
    bare = _incident(db, "Bare", ids[:2])
    told = _incident(db, "Told", ids[2:])
    window = open_window(qtbot, db)
    dialog = open_incident(window.session, bare, window)
    assert _resolve_in_dialog(qtbot, dialog, "", "") is False
    assert not dialog.draft_offer.isVisible()
    with qtbot.waitSignal(dialog.drafter.failed, timeout=10_000) as refused:  # the button says why it cannot
        qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    assert "neither a root cause nor resolution notes" in refused.args[0]
    assert "neither a root cause" in dialog.message.text()
    second = open_incident(window.session, told, window)
    assert _resolve_in_dialog(qtbot, second, "", NOTES) is True
    qtbot.mouseClick(second.draft_offer.dismiss_button, Qt.MouseButton.LeftButton)
    assert not second.draft_offer.isVisible()
    assert db.scalar("SELECT count(*) FROM kb_articles") == 0
    dialog.close()
    second.close()


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen: popups cannot grab
def test_incidents_page_context_menu_drafts_from_a_resolved_incident(qtbot, db: Database, tmp_path: Path) -> None:
    ids = import_lines(db, tmp_path / "dialer.log", dpd_lines(1, 4))
    open_one = _incident(db, "Still open", ids[:2])
    fixed = _incident(db, "Fixed one", ids[2:])
    svc.update(db, fixed, {"root_cause": CAUSE})
    svc.transition(db, fixed, "resolved", resolution_code="carrier-fix", notes=NOTES)
    window = open_window(qtbot, db)
    page = window.show_page("incidents")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.number(1) is not None, timeout=10_000)
    rows = {page.model.number(r): r for r in range(2)}

    def menu_for(number: str) -> dict:  # type: ignore[type-arg]
        pos = page.table.visualRect(page.model.index(rows[number], 0)).center()
        page.table.customContextMenuRequested.emit(pos)  # a right-click on the row
        assert page.context_menu is not None
        return {a.text(): a for a in page.context_menu.actions()}

    assert not menu_for(open_one)["Draft knowledge article…"].isEnabled()
    page.context_menu.close()
    draft = menu_for(fixed)["Draft knowledge article…"]
    assert draft.isEnabled()
    draft.trigger()
    page.context_menu.close()
    qtbot.waitUntil(lambda: page.drafter is not None and page.drafter.editor is not None, timeout=10_000)
    editor = page.drafter.editor
    qtbot.waitUntil(lambda: editor.is_ready, timeout=10_000)
    assert editor.title.text() == "Fixed one" and editor.incidents.text() == fixed
    first = editor.article_id
    editor.close()
    # Asked again, it opens the draft already written instead of writing a copy.
    page.drafter.editor = None
    menu_for(fixed)["Draft knowledge article…"].trigger()
    page.context_menu.close()
    qtbot.waitUntil(lambda: page.drafter is not None and page.drafter.editor is not None, timeout=10_000)
    assert page.drafter.editor.article_id == first
    assert db.scalar("SELECT count(*) FROM kb_articles") == 1
    page.drafter.editor.close()


def test_known_fixes_in_event_details_new_incident_form_and_patterns_page(qtbot, db: Database,
                                                                          tmp_path: Path) -> None:
    first = import_lines(db, tmp_path / "dec01.log", dpd_lines(1, 6) + ssh_lines(1))
    pid = _pattern(db, first[0])
    number = _incident(db, "Dialer trunk DPD timeouts", first[:6])
    svc.update(db, number, {"root_cause": CAUSE})
    svc.transition(db, number, "resolved", resolution_code="carrier-fix", notes=NOTES)
    from app.kb.draft import draft_from_incident

    article_id = draft_from_incident(db, number)
    later = import_lines(db, tmp_path / "dec09.log", dpd_lines(9, 5, base=7))
    assert _pattern(db, later[0]) == pid  # the later log's problem has the same shape
    window = open_window(qtbot, db)
    events = window.show_page("events")
    with qtbot.waitSignal(events.model.modelReset, timeout=10_000):
        window.session.set_filter(Filter(search="10.2.7.4"))
    qtbot.waitUntil(lambda: events.model.total == 1 and events.model.record_id(0) is not None, timeout=10_000)
    assert events.model.record_id(0) == later[0]
    _click_row(qtbot, events.table, 0)
    details = events.details
    qtbot.waitUntil(lambda: "Known fixes" in details.browser.toPlainText(), timeout=10_000)
    shown = details.browser.toPlainText()
    assert "Dialer trunk DPD timeouts" in shown and number in shown and "carrier-fix" in shown
    assert "fixed 1 past incident" in shown and "re-keyed the tunnel" in shown

    assert events.incident_button.isEnabled()  # the row clicked above is selected
    qtbot.mouseClick(events.incident_button, Qt.MouseButton.LeftButton)
    [form] = _dialogs(NewIncidentDialog)
    qtbot.waitUntil(lambda: form.known_fixes.isVisible(), timeout=10_000)
    assert [a["id"] for a in form.known_fixes.found["articles"]] == [article_id]
    assert [i["number"] for i in form.known_fixes.found["incidents"]] == [number]
    form.reject()

    knowledge = window.page("knowledge")
    with qtbot.waitSignal(knowledge.article_shown, timeout=10_000) as shown_article:  # the article link
        _click_link(qtbot, details.browser, "Dialer trunk DPD timeouts")
    assert shown_article.args[0] == article_id and window.stack.currentWidget() is knowledge

    window.session.set_filter(Filter())  # every pattern, not just the searched event's
    patterns = window.show_page("patterns")
    qtbot.waitUntil(lambda: patterns.model.rowCount() == 2, timeout=10_000)
    ssh_row = next(r for r in range(2) if patterns.model.pattern_id(r) != pid)
    dpd_row = 1 - ssh_row
    with qtbot.waitSignal(patterns.known_fixes.loaded, timeout=10_000) as loaded:
        _click_row(qtbot, patterns.table, dpd_row)
    assert loaded.args[0] is True and patterns.known_fixes.isVisible()
    assert "Dialer trunk DPD timeouts" in patterns.known_fixes.browser.toPlainText()
    with qtbot.waitSignal(patterns.known_fixes.loaded, timeout=10_000) as loaded:
        _click_row(qtbot, patterns.table, ssh_row)
    assert loaded.args[0] is False and not patterns.known_fixes.isVisible()  # nothing known: no empty section


def test_new_article_checks_its_links_and_edit_relinks_through_the_audit_trail(qtbot, db: Database,
                                                                                 tmp_path: Path,
                                                                                 qtmodeltester) -> None:
    ids = import_lines(db, tmp_path / "mixed.log", dpd_lines(1, 3) + ssh_lines(1))
    dpd, ssh = _pattern(db, ids[0]), _pattern(db, ids[-1])
    window = open_window(qtbot, db)
    page = window.show_page("knowledge")
    qtbot.waitUntil(lambda: page.count_label.text() == "0 articles", timeout=10_000)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    editor = page.editor
    assert editor is not None and "## Resolution" in editor.body.toPlainText()
    qtbot.keyClicks(editor.title, "SSH logins from agents")
    qtbot.keyClicks(editor.patterns, f"{dpd}, x9")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.message.text() == "linked patterns: 'x9' is not a pattern number."
    editor.patterns.clear()
    qtbot.keyClicks(editor.patterns, f"{dpd}, 99999")
    qtbot.waitUntil(lambda: editor.save_button.isEnabled(), timeout=1000)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not saved" in editor.message.text(), timeout=10_000)
    assert "no pattern 99999" in editor.message.text() and editor.title.text() == "SSH logins from agents"
    editor.patterns.clear()
    qtbot.keyClicks(editor.patterns, f"#{dpd}")
    with qtbot.waitSignal(editor.saved, timeout=10_000) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    article_id = saved.args[0]
    qtbot.waitUntil(lambda: page.article is not None and page.article["id"] == article_id, timeout=10_000)

    with qtbot.waitSignal(page.article_shown, timeout=10_000):
        pass_through = page.model.row_of(article_id)
        assert pass_through is not None
        spot = page.table.visualRect(page.model.index(pass_through, 0)).center()
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
        edit = page.editor
        assert edit is not None and edit is not editor
        qtbot.waitUntil(lambda: edit.is_ready, timeout=10_000)
        assert edit.patterns.text() == str(dpd)
        edit.patterns.clear()
        qtbot.keyClicks(edit.patterns, str(ssh))
        qtbot.mouseClick(edit.save_button, Qt.MouseButton.LeftButton)
    assert [p["id"] for p in articles.get(db, article_id)["patterns"]] == [ssh]
    assert f"Pattern #{ssh}" in page.reader.toPlainText()
    rows = db.rows("SELECT action, old, new FROM audit_log WHERE entity = 'article' ORDER BY id")
    assert [r["action"] for r in rows] == ["create", "link", "unlink"]
    assert json.loads(rows[1]["new"]) == {"patterns": [ssh]} and json.loads(rows[2]["old"]) == {"patterns": [dpd]}
    assert integrity.check(db).ok
    assert isinstance(page.model, ArticlesModel)
    qtmodeltester.check(page.model)


def test_article_markdown_shows_templates_and_names_as_written(qapp) -> None:  # type: ignore[no-untyped-def]
    from app.ui.kb_render import article_markdown, fixes_html

    article = {"title": "Disk *full* on ws_01", "author": "jo_ann", "updated_at": "2026-12-01T10:00:00Z",
               "tags": "disk", "source_incident": "INC-000007", "body": "## Fix\n\nRun `du -sh`.",
               "patterns": [{"id": 3, "template": "Disk <*> is 9_ full [sda]"}],
               "incidents": [{"number": "INC-000007", "title": "Disk_full", "status": "resolved"}]}
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setMarkdown(article_markdown(article, UTC))
    text = doc.toPlainText()
    assert "Disk *full* on ws_01" in text and "by jo_ann" in text and "Disk <*> is 9_ full [sda]" in text
    assert "Run du -sh." in text and "drafted from INC-000007" in text and "Disk_full (resolved)" in text
    assert 'href="pattern:3"' in doc.toHtml() and 'href="incident:INC-000007"' in doc.toHtml()
    assert fixes_html({"articles": [], "incidents": []}) == ""
