"""CSV injection through another locale's separator: read with ``,``, ``;`` or tab, no cell runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from app.domain import timeutil
from app.store import events as event_store, incidents as incident_store
from app.store.database import Database

SNEAKY = [
    "note;=cmd|' /C calc'!A0;",
    "note,=cmd|' /C calc'!A0",
    "note\t=cmd|' /C calc'!A0",
    "note; +1+cmd|' /C calc'!A0",
    'note;"=HYPERLINK(""http://evil.example"")"',
    "note\r\n@SUM(A1:A2)",
    "a;b;-2+3;@x",
]


def _add_sneaky_data(db: Database) -> None:
    base = dt.datetime(2026, 11, 1, 8, 0, tzinfo=timeutil.UTC)
    rows = [(timeutil.to_iso(base + dt.timedelta(minutes=i)), 4, "security", text, text, text, 100 + i, text, text,
             None, text, text, None, i + 1, 0) for i, text in enumerate(SNEAKY)]
    now = timeutil.to_iso(base)
    with db.transaction():
        event_store.insert_many(db, rows)
        for n, text in enumerate(SNEAKY, 1):
            incident_store.insert(db, {
                "number": incident_store.format_number(n), "title": text, "description": text,
                "log_type": "security", "impact": 1, "urgency": 1, "priority": 1, "status": "new",
                "client": text, "site": text, "assignee": text, "root_cause": text, "opened_at": now,
                "created_at": now, "updated_at": now, "external_key": f"OPS-{n}", "tags": "a;=b,c",
            })


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_no_cell_starts_a_formula_for_any_separator(run_cli, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _add_sneaky_data(db)
    db.close()
    files = {}
    for kind, extra in (("events", ()), ("incidents", ()), ("itsm", ()), ("itsm", ("--flavour", "jira"))):
        out = tmp_path / f"{kind}{'-' + extra[1] if extra else ''}.csv"
        done = run_cli("--db", db.path, "export", kind, out, *extra)
        assert done.returncode == 0, done.stderr
        files[out.name] = out.read_text(encoding="utf-8-sig")
    for name, text in files.items():
        for delimiter in (",", ";", "\t"):
            for row in csv.reader(text.splitlines(keepends=True), delimiter=delimiter):
                for cell in row:
                    bare = cell.lstrip(' "')
                    assert not bare.startswith(("=", "+", "-", "@")) or _is_number(bare), (name, delimiter, cell)
        rows = list(csv.reader(text.splitlines(keepends=True)))
        assert len(rows) == len(SNEAKY) + 1, name  # the comma reader still sees one record per row


def test_the_comma_reader_gets_the_text_back_with_only_apostrophes_added(run_cli, db: Database,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    _add_sneaky_data(db)
    db.close()
    out = tmp_path / "events.csv"
    assert run_cli("--db", db.path, "export", "events", out).returncode == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    raw = out.read_text(encoding="utf-8-sig")
    assert ",\"note;'=cmd|' /C calc'!A0;\"," in raw and ",\"note\t'=cmd|' /C calc'!A0\"," in raw  # quoted
    messages = [r["message"] for r in rows]
    assert messages[:3] == ["note;'=cmd|' /C calc'!A0;", "note,'=cmd|' /C calc'!A0", "note\t'=cmd|' /C calc'!A0"]
    assert [m.replace("'", "") for m in messages] == [s.replace("'", "") for s in SNEAKY]
