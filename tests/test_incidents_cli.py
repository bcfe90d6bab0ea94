"""The incident CLI contract, run as a real subprocess against a real file."""

from __future__ import annotations

import json
from pathlib import Path

from app.store.database import Database


def _ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def test_add_update_show_list(run_cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = json.loads(_ok(run_cli("--db", db_path, "incident", "add", "--title", "Softphones dropping", "--type",
                                 "network", "--impact", "1", "--urgency", "2", "--client", "Acme", "--site", "Cebu",
                                 "--assignee", "maria", "--output", "json")))
    assert (out["number"], out["priority"], out["status"]) == ("INC-000001", 2, "new")

    bad = run_cli("--db", db_path, "incident", "update", "INC-000001", "--status", "closed", "--assignee", "jo")
    assert bad.returncode != 0
    assert "cannot move from new to closed" in bad.stderr and "nothing was changed" in bad.stderr
    shown = json.loads(_ok(run_cli("--db", db_path, "incident", "show", "INC-000001", "--output", "json")))
    assert shown["assignee"] == "maria" and shown["status"] == "new"  # the field edit was rolled back too

    missing = run_cli("--db", db_path, "incident", "update", "INC-000001", "--status", "on-hold")
    assert missing.returncode != 0 and "needs a reason" in missing.stderr
    _ok(run_cli("--db", db_path, "incident", "update", "INC-000001", "--status", "on-hold", "--reason", "carrier"))
    _ok(run_cli("--db", db_path, "incident", "update", "INC-000001", "--status", "resolved",
                "--resolution-code", "carrier-fix", "--notes", "carrier replaced a card"))
    shown = json.loads(_ok(run_cli("--db", db_path, "incident", "show", "INC-000001", "--output", "json")))
    assert shown["status"] == "resolved" and shown["acknowledged_at"] and shown["resolved_at"]
    assert shown["allowed_transitions"] == ["closed", "in-progress"]
    assert shown["holds"][0]["end_at"] is not None and shown["sla_state"] in ("met", "breached")

    _ok(run_cli("--db", db_path, "incident", "add", "--title", "Slow CRM", "--type", "application", "--impact", "3",
                "--urgency", "3"))
    listing = json.loads(_ok(run_cli("--db", db_path, "incidents", "--status", "new", "--output", "json")))
    assert [r["number"] for r in listing] == ["INC-000002"] and "sla_state" in listing[0]
    table = _ok(run_cli("--db", db_path, "incidents", "--client", "Acme"))
    assert "INC-000001" in table and "INC-000002" not in table
    csv_out = _ok(run_cli("--db", db_path, "incidents", "--output", "csv", "--limit", "1"))
    assert csv_out.splitlines()[0].startswith("id,number,")


def test_unknown_number_and_bad_field(run_cli, new_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("--db", new_db_path, "incident", "show", "INC-999999")
    assert r.returncode != 0 and "no incident 'INC-999999'" in r.stderr
    _ok(run_cli("--db", new_db_path, "incident", "add", "--title", "x", "--type", "system", "--impact", "2",
                "--urgency", "2"))
    r = run_cli("--db", new_db_path, "incident", "update", "INC-000001", "--set", "colour=blue")
    assert r.returncode != 0 and "colour" in r.stderr
    r = run_cli("--db", new_db_path, "incident", "update", "INC-000001", "--external-url", "not a link")
    assert r.returncode != 0 and "external_url" in r.stderr


def test_sla_and_verify(run_cli, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    path = demo_db.path
    demo_db.close()
    rows = json.loads(_ok(run_cli("--db", path, "sla", "--output", "json")))
    assert [r["priority"] for r in rows] == [1, 2, 3, 4]
    assert {"count", "resolved", "mtta_minutes", "mttr_minutes", "breach_rate"} <= set(rows[0])
    assert sum(r["count"] for r in rows) == 200
    by_client = json.loads(_ok(run_cli("--db", path, "sla", "--by", "client", "--output", "json")))
    assert all("client" in r for r in by_client)
    ok = run_cli("--db", path, "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout
    head = ok.stdout.split("head ")[-1].strip()
    assert len(head) == 64
    with Database.open(path) as db:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 5")
    broken = run_cli("--db", path, "verify")
    assert broken.returncode == 1 and "row 5" in broken.stdout


def test_sla_policies_round_trip(run_cli, new_db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    policy = {"calendars": [{"name": "office", "zone": "Asia/Manila", "days": ["mon", "tue", "wed", "thu", "fri"],
                             "hours": "08:00-17:00"}],
              "clients": {"Acme": {"calendar": "office", "targets": {"P1": [10, 120]}}}}
    f = tmp_path / "policy.json"
    f.write_text(json.dumps(policy))
    _ok(run_cli("--db", new_db_path, "sla", "--set-policies", f))
    saved = json.loads(_ok(run_cli("--db", new_db_path, "sla", "--policies")))
    assert saved["clients"]["Acme"]["targets"]["P1"] == [10, 120]
    f.write_text(json.dumps({"default_calendar": "nowhere"}))
    r = run_cli("--db", new_db_path, "sla", "--set-policies", f)
    assert r.returncode != 0 and "default_calendar" in r.stderr


def test_matrix_and_delete(run_cli, new_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = _ok(run_cli("--db", new_db_path, "incident", "matrix", "--set", "3:3=P3"))
    assert out.splitlines()[-1].split() == ["3", "P3", "P4", "P3"]
    added = json.loads(_ok(run_cli("--db", new_db_path, "incident", "add", "--title", "x", "--type", "system",
                                   "--impact", "3", "--urgency", "3", "-o", "json")))
    assert added["priority"] == 3
    r = run_cli("--db", new_db_path, "incident", "matrix", "--set", "3:3=P7")
    assert r.returncode != 0 and "7 is not P1-P4" in r.stderr
    assert "deleted INC-000001" in _ok(run_cli("--db", new_db_path, "incident", "delete", "INC-000001", "--yes"))
    assert run_cli("--db", new_db_path, "incident", "show", "INC-000001").returncode != 0
