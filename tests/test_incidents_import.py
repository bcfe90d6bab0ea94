"""Importing incident logs: BPO sheets, ServiceNow (event-log form), Jira, XLSX; all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.ingest.incidents import dates
from app.ingest.incidents.apply import ImportRefused, apply_plan, load_profile, plan_file, save_profile
from app.ingest.incidents.plan import ImportOptions
from app.ingest.incidents.values import ValueProblem, level, priority, status
from app.store import audit, incidents as store
from app.store.database import Database

SHEET = """\
Ticket No,Date Reported,Issue,Account,Site,Priority,Status,Resolved,Agents Affected,Downtime (min),Resolution Code
BPO-1,03/11/2026 09:15,Headsets crackling,Acme,Cebu,2 - High,Resolved,03/11/2026 11:00,12,N/A,replaced
BPO-2,13/11/2026 22:40,VPN down,Acme,Manila,1 - Critical,Closed,14/11/2026 01:10,120,150,carrier
BPO-3,20/11/2026 08:00,Slow CRM,Globex,?,P4,Awaiting Vendor,,?,,
BPO-4,21/11/2026 08:00,Dialer stuck,Globex,Cebu,Low,In Progress,,5,,
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_values_and_missing() -> None:
    assert level("2 - Medium", "impact") == 2 and level("High", "urgency") == 1
    assert priority("1 - Critical") == 1 and priority("3 - Moderate") == 3 and priority("Highest") == 1
    assert priority("Sev 2") == 2 and priority("5 - Planning") == 4
    assert status("Awaiting User Info") == "on-hold" and status("Active") == "in-progress"
    assert status("Won't Do") == "cancelled" and status("Odd", {"odd": "resolved"}) == "resolved"
    with pytest.raises(ValueProblem, match="Escalated"):
        status("Escalated")


def test_date_order_is_decided_by_the_whole_column() -> None:
    assert dates.decide(["03/11/2026 09:15", "13/11/2026 22:40"]).order == "dmy"
    assert dates.decide(["03/11/2026", "11/13/2026"]).order == "mdy"
    assert dates.decide(["03/11/2026", "31/31/2026", "13/11/2026"]).order == "dmy"  # 31/31 fits neither
    ambiguous = dates.decide(["03/11/2026", "04/11/2026"], preferred="mdy")
    assert ambiguous.order == "mdy" and "ambiguous" in ambiguous.note
    with pytest.raises(ValueProblem, match="mixes"):
        dates.decide(["13/11/2026", "11/13/2026"])


def test_bpo_sheet_dry_run_then_apply(db: Database, tmp_path: Path) -> None:
    path = _write(tmp_path, "log.csv", SHEET)
    plan = plan_file(db, path, ImportOptions(zone="Asia/Manila", default_log_type="network"))
    assert plan.ok and plan.kind == "sheet" and len(plan.incidents) == 4
    cols = plan.columns()
    assert cols["Date Reported"] == "opened_at" and cols["Agents Affected"] == "affected_seats"
    assert cols["Downtime (min)"] == "downtime_minutes" and cols["Ticket No"] == "external_key"
    first = plan.incidents[0].record
    assert first["opened_at"] == "2026-11-03T01:15:00.000Z"  # 3 November (day first), 09:15 in Manila
    assert first["priority"] == 2 and first["impact"] == 1 and first["urgency"] == 2
    assert first.get("downtime_minutes") is None and first["affected_seats"] == 12
    third = plan.incidents[2].record
    assert third["status"] == "on-hold" and third["hold_reason"] == "Awaiting Vendor" and "site" not in third
    assert plan.incidents[3].record["priority"] == 4  # "Low"
    assert db.scalar("SELECT count(*) FROM incidents") == 0  # a plan writes nothing
    result = apply_plan(db, plan)
    assert result.created == ["INC-000001", "INC-000002", "INC-000003", "INC-000004"]
    row = store.get_by_number(db, "INC-000002")
    assert row and row["external_key"] == "BPO-2" and row["status"] == "closed"
    assert row["resolved_at"] == "2026-11-13T17:10:00.000Z" and row["closed_at"] is None  # no closed column
    assert audit.search(db, entity="incident-file")[0]["entity_id"] == "log.csv"
    again = plan_file(db, path, ImportOptions(zone="Asia/Manila"))
    assert len(again.skipped) == 4 and not again.incidents


def test_one_bad_row_rejects_the_whole_file(db: Database, tmp_path: Path) -> None:
    text = SHEET + ("BPO-5,31/31/2026 08:00,Bad date,Acme,Cebu,P2,New,,,,\n"
                    "BPO-6,22/11/2026 08:00,x,Acme,Cebu,P9,New,,,,\n")
    plan = plan_file(db, _write(tmp_path, "bad.csv", text), ImportOptions())
    assert not plan.ok
    reasons = {(r.line, r.field) for r in plan.rejects}
    assert reasons == {(6, "opened_at"), (7, "priority")}
    verdicts = {r["line"]: r["verdict"] for r in plan.report_rows()}
    assert verdicts[2] == "create" and verdicts[6] == "reject"
    with pytest.raises(ImportRefused, match="line 6"):
        apply_plan(db, plan)
    assert db.scalar("SELECT count(*) FROM incidents") == 0


def test_jira_csv(db: Database, tmp_path: Path) -> None:
    text = ("Summary,Issue key,Issue id,Issue Type,Status,Priority,Resolution,Assignee,Reporter,Created,Updated,"
            "Resolved,Labels,Labels\n"
            "Chat widget 500s,OPS-12,10012,Bug,Done,Highest,Done,ana,li,12/Mar/24 3:15 PM,12/Mar/24 5:00 PM,"
            "12/Mar/24 4:45 PM,chat,web\n"
            "Printer queue,OPS-13,10013,Task,To Do,Low,,,li,14/Mar/24 9:00 AM,14/Mar/24 9:00 AM,,,\n")
    plan = plan_file(db, _write(tmp_path, "jira.csv", text), ImportOptions(default_log_type="application"))
    assert plan.ok and plan.kind == "jira"
    a, b = (p.record for p in plan.incidents)
    assert a["external_key"] == "OPS-12" and a["priority"] == 1 and a["status"] == "resolved"
    assert a["resolved_at"] == "2024-03-12T16:45:00.000Z" and a["tags"] == "chat,web"
    assert a["resolution_code"] == "Done" and b["status"] == "new" and b["priority"] == 4


def test_xlsx_with_real_dates_and_a_profile(db: Database, tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Ref", "Logged", "What happened", "Sev", "State", "Kind"])
    ws.append(["X-1", dt.datetime(2026, 11, 2, 9, 0), "Floor switch reboot", "Sev1", "Escalated", "net"])
    ws.append(["X-2", dt.datetime(2026, 11, 3, 9, 0), "Badge reader offline", "Sev3", "open", "security log"])
    path = tmp_path / "ops.xlsx"
    wb.save(path)
    options = ImportOptions(columns={"What happened": "title", "Kind": "log_type", "Logged": "opened_at"},
                            values={"status": {"Escalated": "in-progress"}})
    plan = plan_file(db, path, options)
    assert plan.ok, plan.rejects
    a, b = (p.record for p in plan.incidents)
    assert a["log_type"] == "network" and a["status"] == "in-progress" and a["priority"] == 1
    assert b["log_type"] == "security" and a["opened_at"] == "2026-11-02T09:00:00.000Z"
    save_profile(db, "ops", options)
    assert load_profile(db, "ops") == options
    with pytest.raises(KeyError, match="nope"):
        load_profile(db, "nope")


def test_servicenow_event_log_sample(extdata: Path, db: Database) -> None:
    path = extdata / "incidents" / "incident_event_log_head198.csv"
    plan = plan_file(db, path, ImportOptions())
    assert plan.ok and plan.kind == "servicenow-eventlog"
    assert len(plan.incidents) == 32 and sum(len(p.history) for p in plan.incidents) == 198
    first = plan.incidents[0].record
    # INC0000045: opened 29/2/2016 01:16, first move out of New at 08:53, resolved 11:29, closed 5/3 12:00.
    assert first["external_key"] == "INC0000045" and first["status"] == "closed"
    assert first["opened_at"] == "2016-02-29T01:16:00.000Z" and first["acknowledged_at"] == "2016-02-29T08:53:00.000Z"
    assert first["resolved_at"] == "2016-02-29T11:29:00.000Z" and first["closed_at"] == "2016-03-05T12:00:00.000Z"
    assert (first["impact"], first["urgency"], first["priority"]) == (2, 2, 3)
    apply_plan(db, plan)
    assert db.scalar("SELECT count(*) FROM incidents") == 32
    assert db.scalar("SELECT count(*) FROM incident_holds") > 0
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'history'") == 198
    assert audit.verify(db).ok


def test_cli_import_dry_run_and_profiles(run_cli, new_db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "log.csv", SHEET.replace("Issue,", "Problem Statement,"))
    r = run_cli("--db", new_db_path, "incidents", "import", path, "--dry-run", "--output", "json")
    assert r.returncode != 0 or json.loads(r.stdout)["would_create"] == 4
    r = run_cli("--db", new_db_path, "--tz", "Asia/Manila", "incidents", "import", path, "--map",
                "Problem Statement=title", "--type", "network", "--dry-run", "--save-profile", "floor")
    assert r.returncode == 0, r.stderr
    assert "would create 4" in r.stdout
    r = run_cli("--db", new_db_path, "incidents", "import", path, "--profile", "floor", "--output", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["created"] == 4 and out["columns"]["Problem Statement"] == "title"
    listing = json.loads(run_cli("--db", new_db_path, "incidents", "--output", "json").stdout)
    assert {x["title"] for x in listing} >= {"VPN down", "Slow CRM"}
    bad = _write(tmp_path, "bad.csv", SHEET + "BPO-9,40/11/2026 08:00,x,Acme,Cebu,P2,New,,,,\n")
    r = run_cli("--db", new_db_path, "incidents", "import", bad, "--profile", "floor")
    assert r.returncode != 0 and "line 6" in r.stdout and "nothing was imported" in r.stderr


def test_servicenow_sample_through_the_cli(extdata: Path, run_cli, new_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = extdata / "incidents" / "incident_event_log_head198.csv"
    dry = run_cli("--db", new_db_path, "incidents", "import", path, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would create 32, skipped 0, rejected 0 (servicenow-eventlog)" in dry.stdout
    done = json.loads(run_cli("--db", new_db_path, "incidents", "import", path, "-o", "json").stdout)
    assert done["created"] == 32 and done["first"] == "INC-000001"
    sla = json.loads(run_cli("--db", new_db_path, "sla", "--output", "json").stdout)
    assert sum(r["count"] for r in sla) == 32
    again = json.loads(run_cli("--db", new_db_path, "incidents", "import", path, "-o", "json").stdout)
    assert again["created"] == 0 and again["skipped"] == 32
    assert run_cli("--db", new_db_path, "verify").returncode == 0


def test_servicenow_incident_export(db: Database, tmp_path: Path) -> None:
    text = ("number,short_description,opened_at,state,impact,urgency,priority,assigned_to,assignment_group,"
            "u_client,location,resolved_at,closed_at,close_code,close_notes,hold_reason\n"
            "INC0010001,Agents cannot log in to softphone,2026-11-03 09:15:00,Closed,1 - High,1 - High,1 - Critical,"
            "Ana Cruz,Telephony,Acme,Cebu,2026-11-03 10:05:00,2026-11-05 10:05:00,Solved (Permanently),"
            "SBC certificate renewed,\n"
            "INC0010002,Slow CRM,2026-11-04 09:00:00,3,3 - Low,2 - Medium,4 - Low,,,Acme,Cebu,,,,,Awaiting vendor\n"
            "INC0010003,Printer offline,2026-11-04 10:00:00,2,3 - Low,3 - Low,5 - Planning,,,Acme,Cebu,,,,,\n")
    plan = plan_file(db, _write(tmp_path, "sn.csv", text), ImportOptions(default_log_type="application"))
    assert plan.ok and plan.kind == "servicenow", plan.rejects
    a, b, c = (p.record for p in plan.incidents)
    assert a["title"] == "Agents cannot log in to softphone" and a["client"] == "Acme" and a["site"] == "Cebu"
    assert a["status"] == "closed" and a["resolution_code"] == "Solved (Permanently)"
    assert a["resolution_notes"] == "SBC certificate renewed" and a["priority"] == 1
    assert b["status"] == "on-hold" and b["hold_reason"] == "Awaiting vendor" and b["priority"] == 4
    assert c["status"] == "in-progress" and c["priority"] == 4


def test_semicolons_windows_text_and_unreadable_files(db: Database, tmp_path: Path) -> None:
    from app.ingest.incidents.reader import SheetError

    path = tmp_path / "excel-export.csv"
    path.write_bytes("Ticket;Summary;Opened;Priority;Status\nT-1;Café Wi-Fi down;13/11/2026 08:00;P3;Open\n"
                     .encode("cp1252"))
    plan = plan_file(db, path, ImportOptions())
    assert plan.ok and plan.incidents[0].record["title"] == "Café Wi-Fi down"
    fake = tmp_path / "broken.xlsx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(SheetError, match=r"broken.xlsx: not a readable Excel workbook"):
        plan_file(db, fake, ImportOptions())
    empty = _write(tmp_path, "empty.csv", "")
    with pytest.raises(SheetError, match="empty"):
        plan_file(db, empty, ImportOptions())
    no_dates = _write(tmp_path, "nodates.csv", "Summary,Priority\nx,P1\n")
    with pytest.raises(SheetError, match="opened time"):
        plan_file(db, no_dates, ImportOptions())
