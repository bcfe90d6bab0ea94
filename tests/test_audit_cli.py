"""``issue-ledger audit``: the trail read from a terminal, filtered as the Audit trail page filters it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _ledger(tmp_path: Path, run_cli: Any) -> Path:
    db = tmp_path / "ledger.db"
    for title in ("Trunk 7 down", "CRM slow"):
        done = run_cli("--db", db, "incident", "add", "--title", title, "--type", "network", "--impact", "2",
                       "--urgency", "2")
        assert done.returncode == 0, done.stderr
    moved = run_cli("--db", db, "incident", "update", "INC-000001", "--status", "in-progress")
    assert moved.returncode == 0, moved.stderr
    return db


def test_audit_lists_who_did_what_newest_first_and_filters(tmp_path: Path, run_cli: Any) -> None:
    db = _ledger(tmp_path, run_cli)
    every = json.loads(run_cli("--db", db, "audit", "-o", "json").stdout)
    assert [(r["action"], r["entity_id"]) for r in every] == [
        ("transition", "INC-000001"), ("create", "INC-000002"), ("create", "INC-000001")]
    assert all(len(r["hash"]) == 64 and r["ts"].endswith("Z") for r in every)  # stored rows, as verify reads them
    one = json.loads(run_cli("--db", db, "audit", "--entity", "incident", "--id", "inc-000001", "-o", "json").stdout)
    assert [r["action"] for r in one] == ["transition", "create"]
    assert json.loads(run_cli("--db", db, "audit", "--action", "create", "--limit", "1", "-o", "json").stdout)[0][
        "entity_id"] == "INC-000002"
    assert json.loads(run_cli("--db", db, "audit", "--text", "CRM slow", "-o", "json").stdout)[0]["entity_id"] == \
        "INC-000002"
    assert json.loads(run_cli("--db", db, "audit", "--actor", "nobody-here", "-o", "json").stdout) == []
    assert json.loads(run_cli("--db", db, "audit", "--since", "1h", "-o", "json").stdout) == every
    assert json.loads(run_cli("--db", db, "audit", "--until", "2000-01-01", "-o", "json").stdout) == []
    table = run_cli("--db", db, "--tz", "Asia/Manila", "audit", "--entity", "incident", "--id", "INC-000001")
    assert table.returncode == 0
    first = table.stdout.splitlines()[2]
    assert "transition" in first and "status: new → in-progress" in first
    bad = run_cli("--db", db, "audit", "--since", "yesterday-ish")
    assert bad.returncode == 2 and "--since" in bad.stderr
