"""CSV exports: exact rows, the same neutralisation as the workbook, ServiceNow and Jira shapes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.vocab import SEVERITIES
from app.reports import csv_export
from app.reports.itsm import JIRA_COLUMNS, SERVICENOW_COLUMNS
from app.store.database import Database
from report_helpers import HOSTILE_MESSAGES, add_hostile_data

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=timeutil.UTC)
ZONE = timeutil.get_zone("Asia/Manila")


def _read(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def test_events_csv_matches_database(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    f = Filter(min_severity="warning")
    result = csv_export.export_events_csv(demo_db, out, f, ZONE, now=NOW)
    rows = _read(out)
    assert tuple(rows[0]) == csv_export.EVENT_CSV_COLUMNS
    expected = demo_db.rows("SELECT * FROM events WHERE severity >= 3 ORDER BY ts, id")
    assert len(rows) - 1 == len(expected) == result.events
    for got, exp in zip(rows[1:], expected):
        assert int(got[0]) == exp["id"] and got[1] == exp["ts"]
        assert got[2] == timeutil.display(exp["ts"], ZONE, "%Y-%m-%d %H:%M:%S.%f")[:-3]
        assert got[4] == SEVERITIES[exp["severity"]] and got[10] == exp["message"]
    audit_row = demo_db.rows("SELECT * FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1")[0]
    assert json.loads(audit_row["new"])["sha256"] == result.sha256
    assert json.loads(audit_row["new"])["kind"] == "events-csv"


def test_csv_neutralises_hostile_text(db: Database, tmp_path: Path) -> None:
    add_hostile_data(db)
    csv_export.export_events_csv(db, tmp_path / "e.csv", Filter(), timeutil.UTC, now=NOW)
    messages = [r[10] for r in _read(tmp_path / "e.csv")[1:]]
    for got, original in zip(messages, HOSTILE_MESSAGES):
        if original[0] in "=+-@\t\r\n":
            # CSV keeps CR/LF/tab inside quotes; a trigger after one is neutralised too (a tab reader splits there)
            after = "'" if original[0] in "\t\r\n" else ""
            assert got == "'" + original[0] + after + original[1:]
        elif "\x00" in original:
            assert got == "NUL\\x00 and ESC\\x1b and BEL\\x07 inside"
        elif "\x01" in original:
            assert got == "back\\\\slash with \\x01 control"
        else:
            assert got == original  # full length kept, 40,000 characters included
    csv_export.export_incidents_csv(db, tmp_path / "i.csv", Filter(), timeutil.UTC, now=NOW)
    rows = _read(tmp_path / "i.csv")
    first = dict(zip(rows[0], rows[1]))
    assert first["title"] == "'=cmd|' /C calc'!A0" and first["description"] == "'-desc\\x00"
    assert "sla_state" in rows[0] and first["opened_at_local"] == "2026-11-01 08:00:00"


def test_itsm_servicenow_and_jira(db: Database, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    add_hostile_data(db)
    db.close()
    sn, jira = tmp_path / "sn.csv", tmp_path / "jira.csv"
    assert run_cli("--db", db.path, "--tz", "Asia/Manila", "export", "itsm", sn).returncode == 0
    result = run_cli("--db", db.path, "--tz", "Asia/Manila", "export", "itsm", jira, "--flavour", "jira",
                     "--priority", "3")
    assert result.returncode == 0, result.stderr
    rows = _read(sn, "utf-8")
    assert tuple(rows[0]) == SERVICENOW_COLUMNS and len(rows) == 3
    first = dict(zip(rows[0], rows[1]))
    assert first["short_description"].startswith("'=") and first["state"] == "1" and first["priority"] == "1"
    assert first["opened_at"] == "2026-11-01 16:00:00"  # local to --tz
    rows = _read(jira, "utf-8")
    assert rows[0][: len(JIRA_COLUMNS)] == list(JIRA_COLUMNS) and rows[0][len(JIRA_COLUMNS):] == ["Labels", "Labels"]
    assert len(rows) == 2  # --priority 3 keeps the one P3 incident
    only = rows[1]
    assert only[:5] == ["Incident", "Printer down", "'-desc\\x00", "Medium", "To Do"]
    assert only[len(JIRA_COLUMNS):] == ["a_b", "c"]


def test_export_command_events_and_incidents(demo_db: Database, tmp_path: Path,
                                             run_cli: Callable[..., Any]) -> None:
    path = demo_db.path
    n_events = demo_db.scalar("SELECT count(*) FROM events WHERE log_type = 'network'")
    n_incidents = demo_db.scalar("SELECT count(*) FROM incidents WHERE status = 'closed'")
    demo_db.close()
    r = run_cli("--db", path, "export", "events", tmp_path / "ev.csv", "--type", "network")
    assert r.returncode == 0, r.stderr
    assert f"{n_events:,} events" in r.stdout and len(_read(tmp_path / "ev.csv")) == n_events + 1
    r = run_cli("--db", path, "export", "incidents", tmp_path / "inc.csv", "--status", "closed")
    assert r.returncode == 0, r.stderr
    assert len(_read(tmp_path / "inc.csv")) == n_incidents + 1
    with Database.open(path) as db:
        kinds = [json.loads(r["new"])["kind"] for r in db.rows("SELECT new FROM audit_log WHERE action='export'")]
    assert kinds == ["events-csv", "incidents-csv"]


def test_export_refuses_a_file_name_that_is_not_csv(db: Database, tmp_path: Path,
                                                     run_cli: Callable[..., Any]) -> None:
    out = tmp_path / "for-servicenow.xlsx"
    result = run_cli("--db", db.path, "export", "itsm", out)
    assert result.returncode == 2 and "name it *.csv" in result.stderr
    assert not out.exists()
