"""The Excel audit report read back with openpyxl (and python-calamine) and checked against the database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.vocab import SEVERITIES
from app.reports import files
from app.reports.workbook import export_workbook
from app.store import audit
from app.store.database import Database
from report_helpers import local, same_time

ZONE = timeutil.get_zone("Asia/Manila")
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=timeutil.UTC)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, demo_db_template: Path) -> dict[str, Any]:
    """One export of the demo database, shared by the read-back tests (exporting is the slow part)."""
    import shutil

    import openpyxl

    folder = tmp_path_factory.mktemp("report")
    db_path = folder / "demo.db"
    shutil.copy(demo_db_template, db_path)
    out = folder / "audit.xlsx"
    with Database.open(db_path) as db:
        result = export_workbook(db, out, Filter(), ZONE, now=NOW, actor="auditor-test")
    return {"db_path": db_path, "out": out, "result": result, "wb": openpyxl.load_workbook(out)}


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def test_sheets_properties_and_protection(exported: dict[str, Any]) -> None:
    wb = exported["wb"]
    assert wb.sheetnames == ["Summary", "Incidents", "Patterns", "Events", "Audit trail", "Charts"]
    assert wb.properties.creator.endswith("(auditor-test)")
    assert wb.properties.title.startswith("Audit report")
    assert "audit report" in wb.properties.subject
    for ws in wb.worksheets:
        assert ws.protection.sheet is True, ws.title
        assert not ws.protection.password, ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"


def test_events_sheet_matches_database(exported: dict[str, Any]) -> None:
    ws = exported["wb"]["Events"]
    rows = _rows(ws)
    assert rows[0][1] == "Time (Asia/Manila)"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:N{len(rows)}"
    with Database.open(exported["db_path"]) as db:
        expected = db.rows("SELECT * FROM events ORDER BY ts, id")
    assert len(rows) - 1 == len(expected) == 5000
    for got, exp in zip(rows[1:], expected):
        assert got[0] == exp["id"]
        assert same_time(got[1], local(exp["ts"], ZONE)), (got[1], exp["ts"])
        assert got[2:4] == (exp["log_type"], SEVERITIES[exp["severity"]])
        assert got[5] == exp["host"] and got[6] == exp["component"] and got[7] == exp["pid"]
        assert got[9] == exp["message"] and got[10] == exp["client"] and got[11] == exp["site"]
        assert got[12] == exp["import_id"] and got[13] == exp["line_no"]
    assert ws["B2"].is_date


def test_incidents_sheet_matches_database(exported: dict[str, Any]) -> None:
    from app.analysis.sla import incident_sla_rows
    from app.reports.sheets_incidents import incident_fields

    ws = exported["wb"]["Incidents"]
    rows = _rows(ws)
    header = rows[0]
    assert "Incidents" in ws.tables and ws.tables["Incidents"].ref == f"A1:{ws.cell(1, len(header)).column_letter}201"
    assert ws.freeze_panes == "B2"
    assert ws.conditional_formatting  # priority and breach colours
    with Database.open(exported["db_path"]) as db:
        expected = {r["number"]: r for r in incident_sla_rows(db, Filter(), ZONE, NOW)}
        for number, n in db.execute("SELECT i.number, count(*) FROM incident_events e "
                                    "JOIN incidents i ON i.id = e.incident_id GROUP BY 1"):
            expected[number]["linked_events"] = n
    for r in expected.values():
        r.setdefault("linked_events", 0)
    assert any(r["linked_events"] for r in expected.values())
    assert len(rows) - 1 == len(expected) == 200
    names = incident_fields()
    assert len(names) == len(header)
    priorities = {1: "P1 Critical", 2: "P2 High", 3: "P3 Moderate", 4: "P4 Low"}
    levels = {1: "1 High", 2: "2 Medium", 3: "3 Low"}
    links = 0
    for n, got in enumerate(rows[1:], 2):
        exp = expected[got[0]]
        for name, value in zip(names, got):
            if name.endswith("_at"):
                assert same_time(value, local(exp[name], ZONE)), (name, value, exp[name])
            elif name in ("response_breached", "resolution_breached"):
                assert value is bool(exp[name])
            elif name == "priority":
                assert value == priorities[exp[name]]
            elif name in ("impact", "urgency"):
                assert value == levels[exp[name]]
            else:
                assert value == (exp[name] if exp[name] != "" else None), (name, value, exp[name])
        url = exp["external_url"]
        cell = ws.cell(n, names.index("external_url") + 1)
        if url and url.startswith("https://"):
            assert cell.hyperlink is not None and cell.hyperlink.target == url
            links += 1
        opened = ws.cell(n, names.index("opened_at") + 1)
        assert opened.is_date and opened.number_format.startswith("yyyy-mm-dd h")
    assert links > 0


def test_headings_are_words_and_priorities_names(exported: dict[str, Any]) -> None:
    """People read the report: "Opened (Asia/Manila)", not "opened_at (Asia/Manila (UTC+08:00))";
    "P1 Critical", not 1."""
    wb = exported["wb"]
    header = _rows(wb["Incidents"])[0]
    assert header[:12] == ("Number", "Title", "Priority", "Status", "Client", "Assignee", "Opened (Asia/Manila)",
                           "Acknowledged (Asia/Manila)", "Resolved (Asia/Manila)", "SLA state",
                           "Response breached", "Resolution breached")
    for name in ("Closed (Asia/Manila)", "Created (Asia/Manila)", "Updated (Asia/Manila)", "Time left (min)",
                 "Response target (min)", "Linked events", "External link", "Id"):
        assert name in header
    for sheet in ("Incidents", "Events", "Audit trail"):
        for name in _rows(wb[sheet])[0]:
            assert "_" not in name and "((" not in name and "UTC+" not in name, (sheet, name)
    priority = [r[2] for r in _rows(wb["Incidents"])[1:]]
    assert set(priority) <= {"P1 Critical", "P2 High", "P3 Moderate", "P4 Low"} and len(set(priority)) > 1
    summary = _rows(wb["Summary"])
    labels = [r[0] for r in summary if r[0]]
    assert "Generated at (Asia/Manila)" in labels and "Generated at (UTC)" in labels
    assert not [label for label in labels if "((" in label or "(UTC+" in label]


def test_utc_report_says_utc_once(demo_db: Database, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "utc.xlsx"
    export_workbook(demo_db, out, Filter(), timeutil.UTC, include_events=False, now=NOW)
    wb = openpyxl.load_workbook(out, read_only=True)
    labels = [r[0] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]]
    header = next(wb["Incidents"].iter_rows(values_only=True))
    wb.close()
    assert [label for label in labels if label.startswith("Generated at")] == ["Generated at (UTC)"]
    assert "Opened (UTC)" in header and "Resolved (UTC)" in header
    assert not [h for h in header if "UTC (UTC" in h]


def test_audit_trail_sheet_and_export_row(exported: dict[str, Any]) -> None:
    rows = _rows(exported["wb"]["Audit trail"])
    with Database.open(exported["db_path"]) as db:
        expected = db.rows("SELECT * FROM audit_log ORDER BY id")
        assert audit.verify(db).ok
    # the export's own audit row is written after the workbook, so it is the one extra row
    assert len(rows) - 1 == len(expected) - 1
    for got, exp in zip(rows[1:], expected):
        assert (got[0], got[2], got[3], got[4], got[5]) == (exp["id"], exp["actor"], exp["action"], exp["entity"],
                                                             exp["entity_id"])
        assert same_time(got[1], local(exp["ts"], ZONE))
        assert got[8:11] == (exp["prev_hash"], exp["hash"], "ok")
    last = expected[-1]
    assert (last["action"], last["entity"], last["entity_id"]) == ("export", "report", "audit.xlsx")
    new = json.loads(last["new"])
    assert new["sha256"] == files.sha256_file(exported["out"]) == exported["result"].sha256
    assert new["events"] == 5000 and new["incidents"] == 200


def test_summary_states_scope_checks_and_kpis(exported: dict[str, Any]) -> None:
    rows = _rows(exported["wb"]["Summary"])
    info = {r[0]: r[1] for r in rows if r[0] and r[1] is not None}
    assert rows[0][0] == "Issue Ledger audit report"
    assert info["Filter"] == "none (everything in the database)"
    assert info["Generated by"] == "auditor-test"
    assert info["Generated at (UTC)"] == dt.datetime(2026, 11, 30, 12, 0)
    assert info["Generated at (Asia/Manila)"] == dt.datetime(2026, 11, 30, 20, 0)
    assert len(info["Database SHA-256 at export"]) == 64
    assert info["Database checkpoint before hashing"].startswith("complete")
    assert info["Audit-chain verification"].startswith("audit trail intact")
    assert info["Events in this report"] == 5000 and info["Incidents in this report"] == 200
    assert isinstance(info["MTTA (minutes, opened to acknowledged)"], float)
    start = next(i for i, r in enumerate(rows) if r[0] == "Client")
    assert rows[start][:6] == ("Client", "Incidents", "Open", "MTTA (min)", "MTTR (min)", "SLA met %")
    clients = rows[start + 1:start + 4]
    assert sum(r[1] for r in clients) == 200 and all(0 <= r[5] <= 100 for r in clients)
    assert 0 <= info["SLA met % (of incidents with a target)"] <= 100
    with Database.open(exported["db_path"]) as db:
        counts = {(t, s): n for t, s, n in db.execute("SELECT log_type, severity, count(*) FROM events GROUP BY 1, 2")}
        status = dict(db.execute("SELECT status, count(*) FROM incidents GROUP BY 1").fetchall())
    start = next(i for i, r in enumerate(rows) if r[0] == "Log type")
    assert rows[start][1:8] == (*SEVERITIES, "Total")
    for r in rows[start + 1:start + 8]:
        assert list(r[1:7]) == [counts.get((r[0], s), 0) for s in range(6)]
        assert r[7] == sum(r[1:7])
    assert rows[start + 8][0] == "Total" and rows[start + 8][7] == 5000
    by_status = {r[0]: r[1] for r in rows if r[0] in status}
    assert by_status == status


def test_charts_sheet_has_native_charts(exported: dict[str, Any]) -> None:
    ws = exported["wb"]["Charts"]
    assert len(ws._charts) == 4
    rows = _rows(ws)
    day_rows = [r for r in rows if isinstance(r[0], dt.datetime)]
    assert sum(sum(r[1:7]) for r in day_rows[:61]) >= 5000 - 1  # events per day add up


def test_calamine_reads_the_same_values(exported: dict[str, Any]) -> None:
    calamine = pytest.importorskip("python_calamine")
    book = calamine.CalamineWorkbook.from_path(str(exported["out"]))
    assert book.sheet_names == exported["wb"].sheetnames
    for name in book.sheet_names:
        ours = [r for r in _rows(exported["wb"][name])]
        theirs = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        while ours and all(v is None for v in ours[-1]):
            ours.pop()
        assert len(theirs) == len(ours), name
        for a, b in zip(ours, theirs):
            for x, y in zip(a, b):
                if isinstance(x, dt.datetime):
                    if not isinstance(y, dt.datetime):  # a date-only format reads back as a date
                        y = dt.datetime.combine(y, dt.time())
                    assert same_time(y, x)
                elif isinstance(x, bool):
                    assert y is x
                elif isinstance(x, (int, float)):
                    assert float(y) == pytest.approx(float(x))
                else:
                    assert (y if y != "" else None) == x, (name, x, y)


def test_filtered_report_without_events(demo_db: Database, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "sec.xlsx"
    f = Filter(log_types=("security",), statuses=("closed",))
    result = export_workbook(demo_db, out, f, ZONE, include_events=False, now=NOW)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Summary", "Incidents", "Patterns", "Audit trail", "Charts"]
    expected = demo_db.scalar("SELECT count(*) FROM incidents WHERE log_type='security' AND status='closed'")
    assert result.incidents == expected == len(list(wb["Incidents"].iter_rows())) - 1
    info = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert info["Filter"] == "log types: security; statuses: closed"
    assert info["Events sheets"] == "not included (--no-events)"
    wb.close()


def _pattern_sheet_db(demo_db: Database) -> dict[str, Any]:
    """The demo with every event given its pattern, an incident on the busiest one and two articles on it."""
    from app.domain.jobs import Progress
    from app.incidents import service as svc
    from app.kb import articles
    from app.patterns import backfill

    backfill.fill(demo_db, Progress())
    top = int(demo_db.scalar("SELECT pattern_id FROM events GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"))
    events = [r[0] for r in demo_db.execute("SELECT id FROM events WHERE pattern_id = ? LIMIT 3", (top,))]
    number = svc.create(demo_db, {"title": "Case saves slow", "log_type": "application", "impact": 2,
                                  "urgency": 2}, event_ids=events)["number"]
    hostile = articles.add(demo_db, "=HYPERLINK(\"http://evil.example\")", "x", patterns=[top])
    plain = articles.add(demo_db, "Case saves: check the CRM database", "y", patterns=[top], incidents=[number])
    return {"top": top, "number": number, "articles": (hostile, plain)}


def test_patterns_sheet_lists_the_top_patterns_with_trend_incidents_and_articles(
        demo_db: Database, tmp_path: Path) -> None:
    import openpyxl

    made = _pattern_sheet_db(demo_db)
    out = tmp_path / "patterns.xlsx"
    export_workbook(demo_db, out, Filter(), ZONE, include_events=False, now=NOW)
    wb = openpyxl.load_workbook(out)
    ws = wb["Patterns"]
    rows = _rows(ws)
    header, body = rows[0], [r for r in rows[1:] if r[0] is not None]
    assert header[:7] == ("Pattern", "Template", "Count", "First seen (Asia/Manila)", "Last seen (Asia/Manila)",
                          "New", "Spiking")
    assert header[7].startswith("Trend (one block per") and header[9:] == ("Linked incidents",
                                                                            "Knowledge-base articles")
    counts = {int(r[0]): int(r[1]) for r in demo_db.execute(
        "SELECT pattern_id, count(*) FROM events WHERE pattern_id IS NOT NULL GROUP BY 1")}
    assert len(body) == min(50, len(counts))
    assert [r[2] for r in body] == sorted((r[2] for r in body), reverse=True)
    assert {r[0]: r[2] for r in body} == {pid: n for pid, n in counts.items() if pid in {r[0] for r in body}}
    assert min(r[2] for r in body) >= sorted(counts.values(), reverse=True)[len(body) - 1]
    first = body[0]
    assert first[0] == made["top"]
    template, first_seen, last_seen = demo_db.rows(
        "SELECT template, first_seen, last_seen FROM patterns WHERE id = ?", (made["top"],))[0].values()
    assert first[1] == template
    assert same_time(first[3], local(first_seen, ZONE)) and same_time(first[4], local(last_seen, ZONE))
    assert isinstance(first[5], bool) and isinstance(first[6], bool)
    trend = first[7]
    assert 1 < len(trend) <= 60 and set(trend) <= set("▁▂▃▄▅▆▇█") and "█" in trend
    assert isinstance(first[8], int) and first[8] > 0
    assert first[9] == f"{made['number']} Case saves slow"
    hostile, plain = made["articles"]
    assert first[10].splitlines() == [f'#{hostile} =HYPERLINK("http://evil.example")',
                                      f"#{plain} Case saves: check the CRM database"]
    assert all(r[10] is None for r in body[1:])
    assert ws.cell(2, 11).data_type == "s"  # an article title that looks like a formula stays text
    setup = ws.page_setup
    assert (setup.orientation, setup.fitToWidth) == ("landscape", 1) and ws.protection.sheet
    wb.close()


def test_patterns_sheet_follows_the_filter_and_says_when_events_lack_patterns(
        demo_db: Database, unmined_demo_db: Database, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "unmined.xlsx"
    export_workbook(unmined_demo_db, out, Filter(), ZONE, include_events=False, now=NOW)
    rows = _rows(openpyxl.load_workbook(out)["Patterns"])
    assert rows[-1][0] == "5,000 events have no pattern yet (imported before patterns existed) and are not " \
                          "counted here; 'issue-ledger patterns' gives them theirs."
    _pattern_sheet_db(demo_db)
    f = Filter(severities=("error", "critical"))
    export_workbook(demo_db, out, f, ZONE, include_events=False, now=NOW)
    body = [r for r in _rows(openpyxl.load_workbook(out)["Patterns"])[1:] if r[0] is not None]
    expected = {int(r[0]): int(r[1]) for r in demo_db.execute(
        "SELECT pattern_id, count(*) FROM events WHERE severity >= 4 GROUP BY 1")}
    assert body and {r[0]: r[2] for r in body} == expected
