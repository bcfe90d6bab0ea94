"""Importing the good rows of an incident log and keeping the bad ones, with line and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.ingest.incidents.apply import ImportRefused, apply_plan, plan_file
from app.ingest.incidents.plan import ImportOptions
from app.store import audit, incident_imports
from app.store.database import Database

EVENT_LOG_HEAD = "number,incident_state,sys_mod_count,opened_at,sys_updated_at,impact,urgency,priority,category\n"
STATES = ("New", "Active", "Resolved", "Closed")


def _event_log(path: Path, incidents: int, bad_state: tuple[int, ...] = (), early: tuple[int, ...] = ()) -> Path:
    """Four update rows per incident; rows in ``bad_state`` get state -100, rows in ``early`` an update
    stamped the day before the incident was opened (row n is on line n + 2)."""
    lines = [EVENT_LOG_HEAD]
    for n in range(incidents * 4):
        inc, step = divmod(n, 4)
        day = 2 + inc % 27
        state = "-100" if n in bad_state else STATES[step]
        updated = f"{day - 1}/3/2016 23:00" if n in early else f"{day}/3/2016 0{2 + step}:00"
        lines.append(f"INC{inc:07d},{state},{step},{day}/3/2016 01:00,{updated},2 - Medium,2 - Medium,"
                     f"3 - Moderate,Category {inc % 50}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_skip_invalid_writes_the_good_rows_and_records_the_bad(db: Database, tmp_path: Path) -> None:
    path = _event_log(tmp_path / "sn.csv", 5, bad_state=(5, 9), early=(14,))
    plan = plan_file(db, path, ImportOptions())
    assert [(r.line, r.field) for r in plan.rejects] == [(7, "status"), (11, "status"), (16, "updated_at")]
    assert "before the incident was opened" in plan.rejects[2].reason
    assert plan.rejects[0].raw and plan.rejects[0].raw.startswith("INC0000001,-100,1,")
    assert plan.unknown_values() == [("status", "-100", 2)]
    with pytest.raises(ImportRefused, match="3 row"):
        apply_plan(db, plan)
    assert db.scalar("SELECT count(*) FROM incidents") == 0
    result = apply_plan(db, plan, skip_invalid=True)
    assert len(result.created) == 5 and result.rejected == 3 and result.import_id
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'history'") == 17
    record = incident_imports.get(db, result.import_id)
    assert record and (record["read"], record["created"], record["skipped"], record["rejected"]) == (20, 5, 0, 3)
    kept = incident_imports.rejects(db, result.import_id)
    assert [(r["line_no"], r["key"], r["field"]) for r in kept] == [
        (7, "INC0000001", "status"), (11, "INC0000002", "status"), (16, "INC0000003", "updated_at")]
    assert "unknown state '-100'" in kept[0]["reason"]
    entry = audit.search(db, entity="incident-file")[0]
    logged = json.loads(entry["new"])
    assert logged["import_id"] == result.import_id and [r["line"] for r in logged["rejects"]] == [7, 11, 16]
    assert audit.verify(db).ok


def test_a_mapped_value_is_no_longer_rejected(db: Database, tmp_path: Path) -> None:
    path = _event_log(tmp_path / "sn.csv", 2, bad_state=(1,))
    assert plan_file(db, path, ImportOptions()).unknown_values() == [("status", "-100", 1)]
    plan = plan_file(db, path, ImportOptions(values={"status": {"-100": "in-progress"}}))
    assert plan.ok and sum(len(p.history) for p in plan.incidents) == 8


@pytest.mark.extdata
def test_servicenow_sample_with_bad_rows_through_the_cli(extdata: Path, run_cli, db_path: Path,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    lines = (extdata / "incidents" / "incident_event_log_head198.csv").read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace(b",Resolved,", b",-100,", 1)  # INC0000045's second update
    lines[9] = lines[9].replace(b",Active,", b",-100,", 1)  # INC0000047's sixth
    # INC0000047 was opened 29/2/2016 04:40; its update on line 8 is stamped the day before.
    assert b"Updated by 21,29/2/2016 05:33" in lines[7], lines[7]
    lines[7] = lines[7].replace(b"Updated by 21,29/2/2016 05:33", b"Updated by 21,28/2/2016 05:33")
    path = tmp_path / "incident_event_log.csv"
    path.write_bytes(b"\r\n".join(lines))
    refused = run_cli("--db", db_path, "incidents", "import", path)
    assert refused.returncode != 0 and "nothing was imported" in refused.stderr
    done = run_cli("--db", db_path, "incidents", "import", path, "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert "created 32, skipped 0, rejected 3 (servicenow-eventlog)" in done.stdout
    assert "rejected: incident_event_log.csv, line 3, status: unknown state '-100'" in done.stdout
    assert "issue-ledger incidents rejects 1" in done.stdout
    listed = json.loads(run_cli("--db", db_path, "incidents", "imports", "-o", "json").stdout)
    assert [(r["id"], r["read"], r["created"], r["skipped"], r["rejected"]) for r in listed] == [(1, 198, 32, 0, 3)]
    rejects = json.loads(run_cli("--db", db_path, "incidents", "rejects", "1", "-o", "json").stdout)
    assert [(r["line_no"], r["field"]) for r in rejects] == [(3, "status"), (8, "updated_at"), (10, "status")]
    assert rejects[1]["key"] == "INC0000047" and rejects[1]["raw"].startswith("INC0000047,")
    table = run_cli("--db", db_path, "incidents", "rejects", "1").stdout
    assert "before the incident was opened" in table
    assert run_cli("--db", db_path, "incidents", "rejects", "7").returncode != 0
    assert run_cli("--db", db_path, "verify").returncode == 0


@pytest.mark.slow
def test_120000_rows_with_three_bad_ones(run_cli, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _event_log(tmp_path / "export.csv", 30_000, bad_state=(401, 80_002), early=(55_555,))
    done = run_cli("--db", db_path, "incidents", "import", path, "--skip-invalid", "-o", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["created"], out["rejected"], out["import_id"]) == (30_000, 3, 1)
    with Database.open(db_path) as db:
        assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'history'") == 119_997
        assert db.scalar("SELECT count(*) FROM incidents") == 30_000
    rejects = json.loads(run_cli("--db", db_path, "incidents", "rejects", "1", "-o", "json").stdout)
    assert [(r["line_no"], r["field"]) for r in rejects] == [(403, "status"), (55_557, "updated_at"),
                                                            (80_004, "status")]
