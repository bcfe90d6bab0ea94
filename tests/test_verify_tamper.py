"""``verify`` catches the six kinds of tamper of issue #14, done with the sqlite3 module on a real file.

Each test builds a ledger through the app (incidents, an export that records the
chain's head beside the database), tampers as someone holding the file would,
and runs ``issue-ledger verify`` as a subprocess: exit 1 and a finding naming what.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.incidents import service as svc
from app.store import audit
from app.store.database import Database

TRIGGERS = """
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
"""
COLUMNS = "id, ts, actor, action, entity, entity_id, old, new, prev_hash, hash"


def _ledger(db_path: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    """Two incidents with some history, then a CSV export (its head goes to <db>.heads)."""
    with Database.open(db_path) as db:
        first = svc.create(db, {"title": "Carrier outage", "log_type": "network", "impact": 1, "urgency": 1})
        svc.transition(db, first["number"], "in-progress")
        svc.update(db, first["number"], {"assignee": "jo"})
        svc.create(db, {"title": "VPN flaps", "log_type": "network", "impact": 2, "urgency": 2})
    r = run_cli("--db", db_path, "export", "incidents", tmp_path / "incidents.csv")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "ledger.db.heads").read_text().count("\n") == 1
    assert run_cli("--db", db_path, "verify").returncode == 0


def _tamper(db_path: Path, *statements: str) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        for sql in statements:
            conn.executescript(sql)
    conn.close()


def _recompute_chain(db_path: Path) -> None:
    """What an attacker with the file does after an edit: rehash every row (the algorithm is no secret)."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    with conn:
        conn.executescript("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;")
        prev = audit.GENESIS
        for row in [dict(r) for r in conn.execute(f"SELECT {COLUMNS} FROM audit_log ORDER BY id")]:
            digest = audit.row_hash(prev, row)
            conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row["id"]))
            prev = digest
        conn.executescript(TRIGGERS)
    conn.close()


def _failed(run_cli: Callable[..., Any], db_path: Path, *args: str) -> str:
    r = run_cli("--db", db_path, "verify", *args)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    return str(r.stdout)


def test_deleting_the_last_audit_rows_is_caught_by_the_recorded_head(  # type: ignore[no-untyped-def]
        run_cli, db_path: Path, tmp_path: Path) -> None:
    _ledger(db_path, run_cli, tmp_path)
    # Drop the guards, cut the last two rows, put the guards back exactly as the schema made them.
    _tamper(db_path, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
            "DELETE FROM audit_log WHERE id > (SELECT max(id) - 2 FROM audit_log)", TRIGGERS)
    out = _failed(run_cli, db_path)
    assert "the trail ends at row 3 but row 5 was recorded (recorded after exporting incidents.csv)" in out
    assert "truncated" in out and "ledger.db.heads, line 1" in out


def test_recomputing_the_whole_chain_after_an_edit_is_caught_by_the_recorded_head(  # type: ignore[no-untyped-def]
        run_cli, db_path: Path, tmp_path: Path) -> None:
    _ledger(db_path, run_cli, tmp_path)
    with Database.open(db_path) as db:
        old_head = audit.verify(db).head
    # The edit is made in both the incident and its audit row, so the replay agrees; only the head can tell.
    _tamper(db_path, "DROP TRIGGER audit_log_no_update;",
            "UPDATE incidents SET assignee = 'mallory' WHERE number = 'INC-000001';"
            "UPDATE audit_log SET new = replace(new, '\"jo\"', '\"mallory\"') WHERE id = 3;")
    _recompute_chain(db_path)
    out = _failed(run_cli, db_path)
    assert "ledger.db.heads, line 1: row 5 no longer has the hash recorded" in out and "rewritten" in out
    (tmp_path / "ledger.db.heads").unlink()  # the head printed in a report, given by hand
    out = _failed(run_cli, db_path, "--head", old_head)
    assert f"--head: head {old_head} is not in the audit trail" in out


def test_a_forged_row_appended_with_a_correct_hash_is_caught_by_the_replay(  # type: ignore[no-untyped-def]
        run_cli, db_path: Path, tmp_path: Path) -> None:
    _ledger(db_path, run_cli, tmp_path)
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    with conn:
        last = dict(conn.execute(f"SELECT {COLUMNS} FROM audit_log ORDER BY id DESC LIMIT 1").fetchone())
        row = {"id": last["id"] + 1, "ts": "2026-12-01T00:00:00Z", "actor": "jo", "action": "update",
               "entity": "incident", "entity_id": "INC-000001", "old": '{"assignee": "jo"}',
               "new": '{"assignee": "mallory"}', "prev_hash": last["hash"]}
        row["hash"] = audit.row_hash(last["hash"], row)
        conn.execute(f"INSERT INTO audit_log ({COLUMNS}) VALUES ({', '.join(':' + c for c in COLUMNS.split(', '))})",
                     row)
    conn.close()
    out = _failed(run_cli, db_path)
    assert "INC-000001: assignee is 'jo' but the audit trail says 'mallory'" in out


def test_updating_an_incident_row_directly_is_caught(run_cli, db_path: Path,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path) -> None:
    _ledger(db_path, run_cli, tmp_path)
    _tamper(db_path, "UPDATE incidents SET priority = 4, resolved_at = '2026-12-01T00:00:00Z' "
                     "WHERE number = 'INC-000001'")
    out = _failed(run_cli, db_path)
    assert "INC-000001: priority is 4 but the audit trail says 1 (changed outside the app)" in out
    assert "INC-000001: resolved_at is '2026-12-01T00:00:00Z' but the audit trail says empty" in out


def test_deleting_an_incident_row_directly_is_caught(run_cli, db_path: Path,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path) -> None:
    _ledger(db_path, run_cli, tmp_path)
    _tamper(db_path, "DELETE FROM incidents WHERE number = 'INC-000002'")
    out = _failed(run_cli, db_path, "--output", "json")
    report = json.loads(out)
    assert report["ok"] is False and report["incidents"] == [
        "INC-000002 is missing from the database, but the audit trail never deleted it (deleted outside the app)"]


def test_an_incident_inserted_without_an_audit_row_is_caught(run_cli, db_path: Path,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    _ledger(db_path, run_cli, tmp_path)
    _tamper(db_path, "INSERT INTO incidents (number, title, log_type, impact, urgency, priority, opened_at, "
                     "created_at, updated_at) VALUES ('INC-000003', 'Ghost', 'network', 3, 3, 4, "
                     "'2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')")
    assert "INC-000003 has no audit row creating it (inserted outside the app)" in _failed(run_cli, db_path)


def test_dropping_the_append_only_triggers_is_caught(run_cli, db_path: Path,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path) -> None:
    _ledger(db_path, run_cli, tmp_path)
    _tamper(db_path, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
    out = _failed(run_cli, db_path)
    assert "trigger audit_log_no_update is missing; trigger audit_log_no_delete is missing" in out


def test_a_malformed_heads_file_line_is_a_finding_not_a_traceback(  # type: ignore[no-untyped-def]
        run_cli, db_path: Path, tmp_path: Path) -> None:
    _ledger(db_path, run_cli, tmp_path)
    with open(tmp_path / "ledger.db.heads", "a", encoding="utf-8") as fh:
        fh.write("yesterday\tlots\tnot-a-hash\tx.csv\n")
    assert "ledger.db.heads, line 2: not a recorded head" in _failed(run_cli, db_path)


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> str:
    secret = "correct horse battery staple"
    monkeypatch.setenv("ISSUE_LEDGER_AUDIT_KEY", secret)
    return secret


def test_a_keyed_trail_cannot_be_recomputed_and_is_not_ok_without_its_key(  # type: ignore[no-untyped-def]
        run_cli, db_path: Path, tmp_path: Path, keyed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _ledger(db_path, run_cli, tmp_path)
    ok = run_cli("--db", db_path, "verify")
    assert ok.returncode == 0 and "keyed from row 1" in ok.stdout
    key_file = tmp_path / "audit.key"
    key_file.write_text(keyed + "\n")
    monkeypatch.delenv("ISSUE_LEDGER_AUDIT_KEY")
    out = _failed(run_cli, db_path)
    assert "audit trail not checked: the trail is keyed from row 1 and no key was given" in out
    assert run_cli("--db", db_path, "verify", "--key-file", key_file).returncode == 0
    refused = run_cli("--db", db_path, "incident", "update", "INC-000002", "--assignee", "kim")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "the audit trail is keyed (from row 1); set ISSUE_LEDGER_AUDIT_KEY" in refused.stderr
    (tmp_path / "ledger.db.heads").unlink()  # no external head: only the key stands against recomputation
    _tamper(db_path, "DROP TRIGGER audit_log_no_update;", "UPDATE audit_log SET actor = 'mallory' WHERE id = 2;")
    _recompute_chain(db_path)
    out = _failed(run_cli, db_path, "--key-file", key_file)
    assert "audit trail broken at row 1: contents do not match its keyed hash" in out
    wrong = tmp_path / "wrong.key"
    wrong.write_text("guess")
    assert "the key given is not this trail's key" in _failed(run_cli, db_path, "--key-file", wrong)


def test_each_report_records_the_head_in_the_heads_file_and_the_workbook(  # type: ignore[no-untyped-def]
        run_cli, db_path: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _ledger(db_path, run_cli, tmp_path)
    r = run_cli("--db", db_path, "report", tmp_path / "weekly.xlsx", "--no-events")
    assert r.returncode == 0, r.stderr
    first, second = [line.split("\t") for line in (tmp_path / "ledger.db.heads").read_text().splitlines()]
    with Database.open(db_path) as db:
        assert first[1] == "5" and first[3] == "incidents.csv"
        assert second[1:] == ["6", audit.verify(db).head, "weekly.xlsx"]  # after the report's own audit row
    description = load_workbook(tmp_path / "weekly.xlsx").properties.description
    assert f"audit-chain head {first[2]} at row 5" in description  # the head when the workbook was written
    assert run_cli("--db", db_path, "verify", "--head", first[2]).returncode == 0
