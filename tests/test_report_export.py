"""Export mechanics: sheet continuation past the row limit, cancel and failure leave no file, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.jobs import Cancelled
from app.reports.workbook import export_workbook
from app.store.database import Database
from helpers import CancelAfter

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=timeutil.UTC)


def _export_rows(db: Database) -> list[dict[str, Any]]:
    return db.rows("SELECT * FROM audit_log WHERE action = 'export' ORDER BY id")


def test_events_continue_on_numbered_sheets(demo_db: Database, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "split.xlsx"
    f = Filter(log_types=("security", "network"))
    total = demo_db.scalar("SELECT count(*) FROM events WHERE log_type IN ('security', 'network')")
    per_sheet = 1001  # 1,000 rows plus the heading, standing in for Excel's 1,048,576
    result = export_workbook(demo_db, out, f, timeutil.UTC, now=NOW, max_rows_per_sheet=per_sheet)
    wb = openpyxl.load_workbook(out, read_only=True)
    names = [n for n in wb.sheetnames if n.startswith("Events")]
    expected_sheets = -(-total // 1000)
    assert names == ["Events"] + [f"Events ({i})" for i in range(2, expected_sheets + 1)]
    ids: list[int] = []
    for name in names:
        rows = list(wb[name].iter_rows(values_only=True))
        assert rows[0][0] == "Event id"
        assert len(rows) - 1 == (1000 if name != names[-1] else total - 1000 * (len(names) - 1))
        ids += [r[0] for r in rows[1:]]
    wb.close()
    assert ids == [r[0] for r in demo_db.execute(
        "SELECT id FROM events WHERE log_type IN ('security', 'network') ORDER BY ts, id")]
    assert result.events == total


def test_cancel_leaves_no_file_and_no_export_row(demo_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "cancelled.xlsx"
    out.write_bytes(b"an older report")
    with pytest.raises(Cancelled):
        export_workbook(demo_db, out, Filter(), timeutil.UTC, now=NOW, progress=CancelAfter(2))
    assert out.read_bytes() == b"an older report"  # the earlier file is untouched
    assert [p.name for p in folder.iterdir()] == ["cancelled.xlsx"]  # no temporary left behind
    assert _export_rows(demo_db) == []


def test_failure_leaves_no_file(demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.reports import sheets_audit

    def broken(*_args: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(sheets_audit, "write_audit", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OSError, match="disk full"):
        export_workbook(demo_db, folder / "failed.xlsx", Filter(), timeutil.UTC, now=NOW)
    assert list(folder.iterdir()) == []


def test_report_command(demo_db: Database, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    import openpyxl

    db_path = demo_db.path
    demo_db.close()
    out = tmp_path / "cli.xlsx"
    result = run_cli("--db", db_path, "--tz", "Europe/London", "report", out, "--type", "security",
                     "--min-severity", "warning", "--no-events")
    assert result.returncode == 0, result.stderr
    assert "SHA-256" in result.stdout and str(out) in result.stdout
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "Events" not in wb.sheetnames
    info = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert info["Filter"] == "log types: security; min severity: warning"
    wb.close()
    with Database.open(db_path) as db:
        row = _export_rows(db)[-1]
    new = json.loads(row["new"])
    assert new["filter"] == {"log_types": ["security"], "min_severity": "warning"}
    assert new["events_included"] is False


def test_report_command_refuses_bad_input(demo_db: Database, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    db_path = demo_db.path
    demo_db.close()
    bad = run_cli("--db", db_path, "report", tmp_path / "x.csv")
    assert bad.returncode != 0 and "*.xlsx" in bad.stderr
    bad = run_cli("--db", db_path, "report", tmp_path / "x.xlsx", "--regex", "[0-9")
    assert bad.returncode != 0 and "regex /[0-9/ is not valid" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.xlsx").exists()
    bad = run_cli("--db", db_path, "report", tmp_path / "missing" / "x.xlsx")
    assert bad.returncode != 0 and "no such folder" in bad.stderr


def test_empty_database_exports(db: Database, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "empty.xlsx"
    result = export_workbook(db, out, Filter(), timeutil.UTC, now=NOW)
    assert (result.events, result.incidents) == (0, 0)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Incidents", "Patterns", "Events", "Audit trail", "Charts"]
    assert wb["Events"].max_row == 1


def test_summary_hash_is_the_database_file_as_exported(demo_db: Database, tmp_path: Path) -> None:
    import openpyxl

    from app.reports import files
    from app.store import report_queries

    report_queries.checkpoint(demo_db)
    before = files.sha256_file(demo_db.path)
    out = tmp_path / "hash.xlsx"
    export_workbook(demo_db, out, Filter(), timeutil.UTC, now=NOW, include_events=False)
    wb = openpyxl.load_workbook(out, read_only=True)
    info = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    wb.close()
    assert info["Database SHA-256 at export"] == before
    report_queries.checkpoint(demo_db)
    assert files.sha256_file(demo_db.path) != before  # the export's own audit row came after the hash


def test_export_reads_lean_and_restores_the_connection(demo_db: Database, tmp_path: Path) -> None:
    names = ("mmap_size", "cache_size", "temp_store")
    before = [demo_db.scalar(f"PRAGMA {n}") for n in names]
    with demo_db.lean():
        assert [demo_db.scalar(f"PRAGMA {n}") for n in names] == [0, -16000, 1]
    export_workbook(demo_db, tmp_path / "lean.xlsx", Filter(), timeutil.UTC, now=NOW, include_events=False)
    assert [demo_db.scalar(f"PRAGMA {n}") for n in names] == before


def test_tampered_audit_trail_is_reported(db: Database, tmp_path: Path) -> None:
    import openpyxl

    from app.store import audit

    for i in range(4):
        audit.append(db, "update", "incident", i, old={"n": i}, new={"n": i + 1})
    db.execute("DROP TRIGGER audit_log_no_update")  # what someone editing the file behind our back could do
    db.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    out = tmp_path / "tampered.xlsx"
    result = export_workbook(db, out, Filter(), timeutil.UTC, now=NOW)
    assert result.chain_ok is False
    wb = openpyxl.load_workbook(out, read_only=True)
    statuses = [r[10] for r in wb["Audit trail"].iter_rows(min_row=2, values_only=True)]
    info = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    wb.close()
    assert statuses == ["ok", "BROKEN: contents do not match its hash", "after a break: not verifiable",
                        "after a break: not verifiable"]
    assert info["Audit-chain verification"].startswith("BROKEN — audit trail broken at row 2")
