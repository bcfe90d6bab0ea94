"""Times inside audit changes and CLI tables are shown in the user's zone, like the columns beside them."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain import changes, timeutil
from app.ui.pages.audit import AuditModel

MANILA = timeutil.get_zone("Asia/Manila")


def test_stored_stamps_in_a_change_follow_the_zone_and_other_values_do_not() -> None:
    old = json.dumps({"status": "new", "acknowledged_at": None, "updated_at": "2026-11-30T01:00:00.000Z"})
    new = json.dumps({"status": "acknowledged", "acknowledged_at": "2026-11-30T01:00:00.000Z",
                      "note": "call back at 2026-11-30T01:00:00.000Z", "updated_at": "2026-11-30T02:00:00.000Z"})
    text = changes.describe(old, new, MANILA)
    assert "status: new → acknowledged" in text
    assert "acknowledged_at: None → 2026-11-30 09:00:00" in text  # 01:00 UTC is 09:00 in Manila
    assert "note: call back at 2026-11-30T01:00:00.000Z" in text  # free text is never rewritten
    assert "updated_at" not in text
    assert "acknowledged_at: None → 2026-11-30T01:00:00.000Z" in changes.describe(old, new)  # no zone: as stored


def test_a_field_sent_again_unchanged_is_not_shown_as_a_change() -> None:
    old = json.dumps({"status": "in-progress", "resolution_code": "FormCode"})
    new = json.dumps({"status": "resolved", "resolution_code": "FormCode"})
    assert changes.describe(old, new) == "status: in-progress → resolved"


def test_audit_page_changes_column_uses_the_page_zone(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = AuditModel(MANILA)
    model.set_rows([{"id": 1, "ts": "2026-11-30T01:00:00.000Z", "actor": "lead", "action": "update",
                     "entity": "incident", "entity_id": 7, "hash": "x",
                     "old": json.dumps({"resolved_at": None}),
                     "new": json.dumps({"resolved_at": "2026-11-30T01:00:00.000Z"})}])
    when = model.data(model.index(0, 1))
    assert when.startswith("2026-11-30 09:00")
    assert model.data(model.index(0, 6)) == "resolved_at: None → 2026-11-30 09:00:00"


def test_cli_imports_table_shows_start_times_in_tz_and_json_keeps_utc(run_cli, db_path: Path,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    log = tmp_path / "auth.log"
    log.write_text("Jun 14 15:16:01 combo sshd[1]: Accepted password for agent1\n", encoding="utf-8")
    assert run_cli("--db", db_path, "import", log).returncode == 0
    [row] = json.loads(run_cli("--db", db_path, "imports", "--output", "json").stdout)
    assert row["started_at"].endswith("Z")
    shown = timeutil.display(row["started_at"], MANILA, "%Y-%m-%d %H:%M")
    table = run_cli("--db", db_path, "--tz", "Asia/Manila", "imports").stdout
    assert shown in table and row["started_at"] not in table
