"""Settings ▸ Redaction driven as a person does: switch a rule with the keyboard, try text, add a rule."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from app.domain import timeutil
from app.store import audit, redaction
from app.store.database import Database
from app.ui import preferences
from app.ui.redaction_page import RedactionPage
from app.ui.session import Session
from app.ui.settings_dialog import SettingsDialog

KEEP: list[SettingsDialog] = []  # the dialog outlives the helper that opened it


def _open(qtbot, db: Database) -> RedactionPage:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(preferences.current(), Session(db, timeutil.UTC))
    qtbot.addWidget(dialog)
    KEEP[:] = [dialog]
    dialog.show()
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    dialog.tabs.setCurrentIndex(titles.index("Redaction"))
    page = dialog.redaction_page
    qtbot.waitUntil(lambda: page.table.rowCount() == 11, timeout=5000)
    return page


def _row(page: RedactionPage, name: str) -> int:
    return next(i for i in range(page.table.rowCount()) if page.table.item(i, 1).text() == name)


def _toggle(qtbot, page: RedactionPage, name: str) -> None:  # type: ignore[no-untyped-def]
    page.table.setFocus()
    page.table.setCurrentCell(_row(page, name), 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Space)


def test_switching_a_rule_off_is_stored_audited_and_the_test_box_follows(qtbot, db: Database) -> None:
    page = _open(qtbot, db)
    qtbot.keyClicks(page.test_edit, "card 4111 1111 1111 1111 for a.b@example.com")
    qtbot.waitUntil(lambda: page.test_result.text() == "card [card] for [email]", timeout=2000)
    _toggle(qtbot, page, "email")
    qtbot.waitUntil(lambda: not next(r for r in redaction.rules(db) if r.name == "email").enabled, timeout=5000)
    qtbot.waitUntil(lambda: page.test_result.text() == "card [card] for a.b@example.com", timeout=5000)
    rows = audit.search(db, entity="redaction_rule")
    assert [json.loads(r["new"]) for r in rows] == [{"enabled": False, "client": None}]
    assert page.table.item(_row(page, "email"), 0).checkState() == Qt.CheckState.Unchecked


def test_a_client_switch_and_a_rule_of_ones_own(qtbot, db: Database) -> None:
    page = _open(qtbot, db)
    page.client_combo.setFocus()
    page.client_combo.lineEdit().selectAll()
    qtbot.keyClicks(page.client_combo.lineEdit(), "Acme")
    _toggle(qtbot, page, "us-ssn")
    qtbot.waitUntil(lambda: redaction.overrides(db) == {"Acme": {"us-ssn": False}}, timeout=5000)
    assert next(r for r in redaction.rules(db) if r.name == "us-ssn").enabled  # the database's switch is kept
    qtbot.waitUntil(lambda: page.rows[_row(page, "us-ssn")]["clients"] == {"Acme": False}, timeout=5000)
    assert page.table.item(_row(page, "us-ssn"), 0).checkState() == Qt.CheckState.Unchecked
    qtbot.keyClicks(page.name_edit, "account")
    qtbot.keyClicks(page.pattern_edit, r"ACCT-\d{6}")
    qtbot.keyClicks(page.replacement_edit, "[account]")
    qtbot.keyClicks(page.test_edit, "ACCT-123456 ssn 123-45-6789")
    assert page.test_result.text() == "[account] ssn 123-45-6789"  # the draft rule applies; SSN is off for Acme
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: redaction.overrides(db).get("Acme", {}).get("account") is True, timeout=5000)
    assert redaction.redactor(db).redact("ACCT-123456", "Acme") == "[account]"
    assert redaction.redactor(db).redact("ACCT-123456") == "ACCT-123456"  # added for Acme only
    page.name_edit.clear()
    qtbot.keyClicks(page.pattern_edit, "(")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.message.text().startswith("Not added:")


def test_the_imports_page_shows_what_an_import_redacted(qtbot, db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.ingest.service import ImportOptions, import_paths
    from app.ui.pages.imports import ImportsPage

    log = tmp_path / "a.log"
    log.write_text("Dec  2 16:17:00 web01 crm[42]: paid by 4111 1111 1111 1111 for jane@example.com\n"
                   "Dec  2 16:17:01 web01 crm[42]: mail bob@example.org\n", encoding="utf-8")
    import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
    page = ImportsPage(Session(db, timeutil.UTC))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    column = next(c for c in range(page.model.columnCount())
                  if page.model.headerData(c, Qt.Orientation.Horizontal) == "Redacted")
    assert page.model.data(page.model.index(0, column)) == "card 1, email 2"


def test_the_imports_page_says_when_an_upgraded_database_does_not_redact(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.store import migrations
    from app.ui.pages.imports import ImportsPage

    path = tmp_path / "old.db"
    with Database.open(path, migrate=False) as old:
        migrations.upgrade(old, target=15)
    with Database.open(path) as db:
        page = ImportsPage(Session(db, timeutil.UTC))
        qtbot.addWidget(page)
        qtbot.waitUntil(lambda: "redaction is off" in page.summary.text(), timeout=10_000)
        redaction.set_enabled(db, "email", True)
        page.refresh()
        qtbot.waitUntil(lambda: page.summary.text() == "0 import(s)", timeout=10_000)
