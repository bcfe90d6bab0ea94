"""Ticket links with control characters: refused on every way in, kept as text on the way out, and a workbook
that would not open is never kept or audited."""

from __future__ import annotations

import json
import os
import xml.parsers.expat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.domain import timeutil
from app.store import incidents as incident_store
from app.store.database import Database

BAD_LINK = "https://tickets.example.com/browse/OPS-1\x01x"


def _add(run_cli: Callable[..., Any], db_path: Path, *extra: str) -> Any:
    return run_cli("--db", db_path, "incident", "add", "--title", "Headsets drop", "--type", "network",
                   "--impact", "1", "--urgency", "1", *extra)


def _exports(db_path: Path) -> int:
    with Database.open(db_path) as db:
        return int(db.scalar("SELECT count(*) FROM audit_log WHERE action = 'export'"))


def test_incident_add_and_update_refuse_a_link_with_a_control_character(run_cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    refused = _add(run_cli, db_path, "--external-url", BAD_LINK)
    assert refused.returncode == 1 and "external_url" in refused.stderr and "control character" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _add(run_cli, db_path, "--external-url", "https://tickets.example.com/browse/OPS-1").returncode == 0
    for bad in (BAD_LINK, "https://x.example/\x7f", "https://x.example/a\x85b", "http://", "javascript:alert(1)"):
        r = run_cli("--db", db_path, "incident", "update", "INC-000001", "--external-url", bad)
        assert r.returncode == 1 and "external_url" in r.stderr, (bad, r.stderr)
    with Database.open(db_path) as db:
        assert incident_store.get_by_number(db, "INC-000001")["external_url"] == (  # type: ignore[index]
            "https://tickets.example.com/browse/OPS-1")


def test_incidents_import_skip_invalid_rejects_a_bad_link_with_its_line(run_cli, db_path: Path,  # type: ignore[no-untyped-def]
                                                                        tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text("number,short description,opened at,priority,url\n"
                    "OPS-1,Printer down,2026-11-01 08:00,2,https://tickets.example.com/OPS-1\n"
                    f"OPS-2,Headsets drop,2026-11-01 09:00,1,{BAD_LINK}\n"
                    "OPS-3,VPN slow,2026-11-01 10:00,3,https://tickets.example.com/OPS-3\n", encoding="utf-8")
    refused = run_cli("--db", db_path, "incidents", "import", path)
    assert refused.returncode == 1 and "nothing was imported" in refused.stderr
    done = run_cli("--db", db_path, "incidents", "import", path, "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert "rejected: tickets.csv, line 3, external_url: a link cannot hold control characters" in done.stdout
    rejects = json.loads(run_cli("--db", db_path, "incidents", "rejects", "1", "-o", "json").stdout)
    assert [(r["line_no"], r["field"], r["key"]) for r in rejects] == [(3, "external_url", "OPS-2")]
    with Database.open(db_path) as db:
        assert db.scalar("SELECT count(*) FROM incidents") == 2


def test_form_flags_a_link_with_a_control_character(qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.ui.incident_form import IncidentForm

    form = IncidentForm(timeutil.UTC)
    qtbot.addWidget(form)
    edit = form.text_edits["external_url"]
    edit.setText(BAD_LINK)
    edit.editingFinished.emit()
    assert "control character" in form._error_labels["external_url"].text()
    assert "external_url" in form.errors
    edit.setText("https://tickets.example.com/browse/OPS-1")
    edit.editingFinished.emit()
    assert "external_url" not in form.errors


def _xml_parts_parse(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                xml.parsers.expat.ParserCreate().Parse(zf.read(name), True)


def test_report_writes_a_stored_bad_link_as_plain_text(run_cli, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from python_calamine import CalamineWorkbook

    now = "2026-11-01T08:00:00.000Z"  # as an older version stored it, unchecked
    incident_store.insert(db, {"number": "INC-000001", "title": "Headsets drop", "description": "",
                               "log_type": "network", "impact": 1, "urgency": 1, "priority": 1, "status": "new",
                               "opened_at": now, "created_at": now, "updated_at": now, "external_url": BAD_LINK,
                               "tags": ""})
    db.close()
    out = tmp_path / "report.xlsx"
    done = run_cli("--db", db.path, "report", out)
    assert done.returncode == 0, done.stderr
    _xml_parts_parse(out)
    with zipfile.ZipFile(out) as zf:
        rels = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/_rels/")]
    assert not any(b"tickets.example.com" in r for r in rels)  # no hyperlink to it
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Incidents").to_python()
    assert any("https://tickets.example.com/browse/OPS-1\\x01x" in map(str, row) for row in rows)


def test_report_that_fails_its_check_is_removed_and_not_audited(run_cli, db: Database,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    """The OS user name goes into the workbook's properties unchecked; with a control character in it the
    workbook would not open, and the independent re-read catches that before anything is kept."""
    db.close()
    out = tmp_path / "report.xlsx"
    hostile = {"USER": "ops\x01", "LOGNAME": "ops\x01", "USERNAME": "ops\x01", "LNAME": "ops\x01"}
    done = run_cli("--db", db.path, "report", out, env=hostile)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "failed its check" in lines[0] and "docProps/core.xml" in lines[0], done.stderr
    assert "nothing was recorded" in lines[0]
    assert not [n for n in os.listdir(tmp_path) if n.endswith((".xlsx", ".part"))]
    assert _exports(db.path) == 0
