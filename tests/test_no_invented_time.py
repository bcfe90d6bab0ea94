"""No import stamps a file's modification time, or the import's, unless the user chose ``--time-from``."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

NOTES = "Shift handover: trunk 3 flapping\nCalled the carrier, ticket open\nAsked agents to use softphone B\n"


def _notes(tmp_path: Path) -> Path:
    f = tmp_path / "handover.txt"
    f.write_text(NOTES, encoding="utf-8")
    os.utime(f, (1_764_000_000, 1_764_000_000))  # 2025-11-24T16:00:00Z
    return f


def _count(db_path: Path, sql: str) -> int:
    if not db_path.exists():
        return 0
    with sqlite3.connect(db_path) as con:
        return int(con.execute(sql).fetchone()[0])


def test_a_file_without_stamps_is_refused_with_its_lines_and_the_ways_out(run_cli, db_path: Path,
                                                                          tmp_path: Path) -> None:
    f = _notes(tmp_path)
    r = run_cli("--db", db_path, "import", f)
    assert r.returncode == 1
    assert str(f) in r.stderr and "no time stamp found" in r.stderr
    for line in NOTES.splitlines():
        assert line in r.stderr  # three of its lines
    assert "Define format" in r.stderr and "formats add" in r.stderr and "--time-from" in r.stderr
    assert "Traceback" not in r.stderr
    assert _count(db_path, "SELECT count(*) FROM events") == 0
    assert _count(db_path, "SELECT count(*) FROM imports") == 0


def test_time_from_mtime_is_kept_on_the_import_and_marks_every_event(run_cli, db_path: Path,
                                                                     tmp_path: Path) -> None:
    f = _notes(tmp_path)
    r = run_cli("--db", db_path, "import", f, "--time-from", "mtime")
    assert r.returncode == 0, r.stderr
    events = json.loads(run_cli("--db", db_path, "events", "-o", "json", "--oldest-first").stdout)
    assert [e["ts"] for e in events] == ["2025-11-24T16:00:00.000Z"] * 3
    with sqlite3.connect(db_path) as con:
        flags = {row[0] for row in con.execute("SELECT flags FROM events")}
        options = json.loads(con.execute("SELECT options FROM imports").fetchone()[0])
    assert all(fl & 4 for fl in flags)
    assert options["time_from"] == "mtime"


def test_time_from_a_given_time_in_the_chosen_zone(run_cli, db_path: Path, tmp_path: Path) -> None:
    f = _notes(tmp_path)
    r = run_cli("--db", db_path, "--tz", "Asia/Manila", "import", f, "--time-from", "2026-12-01T08:00")
    assert r.returncode == 0, r.stderr
    events = json.loads(run_cli("--db", db_path, "events", "-o", "json").stdout)
    assert {e["ts"] for e in events} == {"2026-12-01T00:00:00.000Z"}
    bad = run_cli("--db", db_path, "import", f, "--time-from", "yesterday-ish", "--force")
    assert bad.returncode == 2 and "--time-from" in bad.stderr


def test_dry_run_reports_the_decision_and_writes_nothing(run_cli, db_path: Path, tmp_path: Path) -> None:
    log = tmp_path / "dialer.log"
    log.write_text("".join(f"[dialer-03] 2026/12/02-14:05:{s:02d} ERROR campaign=outbound7 call {s} dropped\n"
                           for s in range(10)) + "   caused by: SIP 503\n", encoding="utf-8")
    notes = _notes(tmp_path)
    r = run_cli("--db", db_path, "import", "--dry-run", "-o", "json", log, notes)
    assert r.returncode == 1  # one file would be refused
    by_file = {Path(x["file"]).name: x for x in json.loads(r.stdout)}
    d = by_file["dialer.log"]
    assert d["status"] == "dry-run" and d["format"] == "generic"
    assert (d["read"], d["accepted"], d["continuation"], d["rejected"]) == (11, 10, 1, 0)
    assert d["detected"]["format"] == "generic" and d["detected"]["share"] > 0.9
    assert {"runner_up", "runner_up_share", "tie", "candidates"} <= set(d["detected"])
    assert by_file["handover.txt"]["status"] == "failed" and by_file["handover.txt"]["detected"]["format"] is None
    assert not db_path.exists()
    table = run_cli("--db", db_path, "import", "--dry-run", log)
    assert "would import as generic (" in table.stdout and "10 events, 1 continuation" in table.stdout
