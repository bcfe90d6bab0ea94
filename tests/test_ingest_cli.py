"""The import CLI contract, run as a real subprocess: summaries, exit codes, JSON fields."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).parent / "data" / "ingest"


def test_import_then_imports_and_events_json(run_cli, db_path: Path) -> None:
    r = run_cli("--db", db_path, "--tz", "Europe/Berlin", "import", DATA / "syslog.log", "--year", "2026",
                "--client", "Acme", "--site", "Site B")
    assert r.returncode == 0, r.stderr
    assert "syslog.log: syslog, 8 lines read, 6 events, 1 continuation, 1 rejected" in r.stdout
    listing = json.loads(run_cli("--db", db_path, "imports", "--output", "json").stdout)
    assert len(listing) == 1
    imp = listing[0]
    assert {"id", "file", "sha256", "format", "read", "accepted", "continuation", "rejected", "status"} <= set(imp)
    assert (imp["format"], imp["read"], imp["accepted"], imp["status"]) == ("syslog", 8, 6, "complete")
    events = json.loads(run_cli("--db", db_path, "events", "--output", "json", "--oldest-first").stdout)
    assert len(events) == 6
    keys = {"id", "ts", "log_type", "severity", "raw_level", "host", "component", "pid", "event_code", "message",
            "import_id", "line_no"}
    assert keys <= set(events[0])
    first = next(e for e in events if e["line_no"] == 1)
    assert first["ts"] == "2026-11-29T09:00:01.000Z" and first["severity"] == "info"
    assert first["import_id"] == imp["id"] and first["client"] == "Acme" and first["site"] == "Site B"
    sec = run_cli("--db", db_path, "events", "--type", "security", "--count")
    assert sec.stdout.strip() == "1"
    rej = json.loads(run_cli("--db", db_path, "rejects", str(imp["id"]), "-o", "json").stdout)
    assert rej[0]["line_no"] == 6 and "2026-02-30" in rej[0]["reason"]


def test_exit_codes(run_cli, db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "blob.bin"
    bad.write_bytes(bytes(range(256)) * 4)
    r = run_cli("--db", db_path, "import", DATA / "access.log", bad)
    assert r.returncode == 1
    assert "access.log: access, 3 lines read" in r.stdout
    assert "blob.bin" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    again = run_cli("--db", db_path, "import", DATA / "access.log")
    assert again.returncode == 1 and "already imported" in again.stderr and "--force" in again.stderr
    assert run_cli("--db", db_path, "import", DATA / "access.log", "--force").returncode == 0
    assert run_cli("--db", db_path, "import", DATA / "access.log", "--format", "nope").returncode == 2
    assert run_cli("--db", db_path, "import", DATA / "graylog.tsv", "--map", "bogus").returncode == 2
    assert run_cli("--db", db_path, "import").returncode == 2


def test_map_option_and_json_output(run_cli, db_path: Path) -> None:
    r = run_cli("--db", db_path, "import", DATA / "graylog.tsv", "--map", "host=source", "--map",
                "component=facility", "-o", "json")
    assert r.returncode == 0, r.stderr
    [res] = json.loads(r.stdout)
    assert res["status"] == "complete" and res["accepted"] == 2
    events = json.loads(run_cli("--db", db_path, "events", "-o", "json", "--host", "dc01").stdout)
    assert {e["component"] for e in events} == {"auth"}


def test_import_rules_command(run_cli, new_db_path: Path) -> None:
    r = run_cli("--db", new_db_path, "import-rules", "--add-host", "agent-ws1*", "--client", "Acme", "--site", "B")
    assert r.returncode == 0 and "agent-ws1* -> client Acme, site B" in r.stdout
    r = run_cli("--db", new_db_path, "import-rules", "--add-type", "crm-*", "audit", "-o", "json")
    rules = json.loads(r.stdout)
    assert rules["log_type_rules"][0] == {"component": "crm-*", "log_type": "audit"}
    assert run_cli("--db", new_db_path, "import-rules", "--add-type", "x", "nonsense").returncode == 2
    run_cli("--db", new_db_path, "import", DATA / "syslog.log")
    events = json.loads(run_cli("--db", new_db_path, "events", "-o", "json", "--client", "Acme").stdout)
    assert events and all(e["host"].startswith("agent-ws1") for e in events)
    assert {e["log_type"] for e in events if e["component"] == "crm-agent"} == {"audit"}


def test_remove_import(run_cli, db_path: Path) -> None:
    run_cli("--db", db_path, "import", DATA / "access.log")
    r = run_cli("--db", db_path, "imports", "--remove", "1")
    assert r.returncode == 0 and "3 events" in r.stdout
    assert run_cli("--db", db_path, "events", "--count").stdout.strip() == "0"


def test_killed_import_shows_as_incomplete_and_kept_nothing(run_cli, db_path: Path, tmp_path: Path) -> None:
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    big = tmp_path / "big.log"
    big.write_text("".join(f"Nov 29 10:{i // 60 % 60:02d}:{i % 60:02d} h app[{i}]: line {i}\n"
                           for i in range(200_000)))
    proc = subprocess.Popen([sys.executable, "-m", "app", "--db", str(db_path), "import", str(big)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    running = False
    while time.monotonic() < deadline and proc.poll() is None:
        if db_path.exists():
            try:
                with sqlite3.connect(db_path, timeout=0.1) as conn:
                    running = conn.execute("SELECT count(*) FROM imports WHERE status = 'running'").fetchone()[0] > 0
            except sqlite3.Error:
                running = False
            if running:
                break
        time.sleep(0.02)
    assert running and proc.poll() is None, "the import finished before it could be interrupted"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    r = run_cli("--db", db_path, "imports", "-o", "json")
    assert r.returncode == 0
    [imp] = json.loads(r.stdout)
    assert imp["status"] == "incomplete" and (imp["read"], imp["accepted"]) == (0, 0)
    assert "interrupted" in r.stderr
    assert run_cli("--db", db_path, "events", "--count").stdout.strip() == "0"
