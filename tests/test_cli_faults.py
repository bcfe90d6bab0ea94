"""Faults of the machine and of the input end in one clear line, never a traceback (issue #14, items 10 and 14)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from app.cli import errors
from tests.fault_helpers import file_size_limit, run_app, run_python, tmpfs_prefix

PAGE = 4096


def _damage(path: Path, pages: int = 8) -> None:
    """Overwrite ``pages`` pages around the middle of the file, as a failing disk or a bad copy would."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(max(size // 2 - pages * PAGE // 2, PAGE) // PAGE * PAGE)
        fh.write(b"\xa5" * PAGE * pages)


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_verify_reports_a_damaged_file_as_a_finding(  # type: ignore[no-untyped-def]
        run_cli, demo_db_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    shutil.copy(demo_db_template, path)  # 5,000 events
    _damage(path)
    r = run_cli("--db", path, "verify")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr, r.stderr
    assert "database: damaged: database disk image is malformed" in r.stdout
    assert "audit trail not checked" in r.stdout
    r = run_cli("--db", path, "verify", "-o", "json")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] is False and "malformed" in report["database"][0]


def test_stats_on_a_damaged_file_says_so_in_one_line(  # type: ignore[no-untyped-def]
        run_cli, demo_db_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    shutil.copy(demo_db_template, path)
    _damage(path, pages=path.stat().st_size // PAGE // 2)  # half the file: stats reads only some of the pages
    r = run_cli("--db", path, "stats")
    assert r.returncode == 1
    line = _one_line(r.stderr)
    assert line.startswith(f"Error: {path}: the database file is damaged")
    assert "Traceback" in errors.log_file().read_text(encoding="utf-8")  # the details are kept for whoever looks


def test_a_file_size_limit_is_one_line_and_loses_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "full.db"
    r = run_app("--db", path, "demo", "--events", "20000", "--incidents", "20",
                preexec_fn=file_size_limit(1_500_000))
    assert r.returncode == 1
    line = _one_line(r.stderr)
    assert f"{path}: cannot write: the disk is full" in line and "rolled back" in line
    assert f"details in {errors.log_file()}" in line
    assert "Traceback" in errors.log_file().read_text(encoding="utf-8")
    after = run_cli("--db", path, "verify")  # the failed write left the file whole, and nothing half-written
    assert after.returncode == 0 and "database: ok" in after.stdout, after.stdout + after.stderr
    assert json.loads(run_cli("--db", path, "stats", "-o", "json").stdout)["events"] == 0


# Runs the app three times on a database in argv[1] (a 1 MB tmpfs that exists only for this process
# and its children): fill it, then verify and count what is left. Prints one JSON object.
_FILL_THEN_CHECK = """
import json, subprocess, sys
def app(*args):
    r = subprocess.run([sys.executable, "-m", "app", "--db", sys.argv[1], *args], capture_output=True, text=True)
    return {"code": r.returncode, "out": r.stdout, "err": r.stderr}
print(json.dumps({"demo": app("demo", "--events", "20000"), "verify": app("verify"),
                  "stats": app("stats", "-o", "json")}))
"""


def test_a_full_disk_is_one_line_and_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "small-disk"
    folder.mkdir()
    r = run_python(_FILL_THEN_CHECK, folder / "full.db", prefix=tmpfs_prefix(folder))
    assert r.returncode == 0, r.stderr
    runs = json.loads(r.stdout)
    assert runs["demo"]["code"] == 1
    line = _one_line(runs["demo"]["err"])
    assert "full.db: cannot write: the disk is full" in line and "database or disk is full" in line
    assert runs["verify"]["code"] == 0 and "database: ok" in runs["verify"]["out"]
    assert json.loads(runs["stats"]["out"])["events"] == 0


def test_a_database_kept_busy_is_one_line(run_cli, new_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    holder = sqlite3.connect(new_db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program in the middle of a long write
    try:
        r = run_cli("--db", new_db_path, "incident", "add", "--title", "VPN down", "--type", "network",
                    "--impact", "1", "--urgency", "1", env={"ISSUE_LEDGER_WRITE_WAIT": "2"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.returncode == 1
    waited, line = r.stderr.strip().splitlines()  # the notice that it waits, then why it stopped
    assert waited.startswith("waiting for")
    assert f"{new_db_path}: another writer still holds the database after waiting 2 s; nothing was written" in line
    assert json.loads(run_cli("--db", new_db_path, "incidents", "-o", "json").stdout) == []


def test_text_that_is_not_utf8_is_refused_by_name(run_cli, new_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    not_utf8 = b"caf\xe9".decode("utf-8", "surrogateescape")  # what Python makes of the shell's $'caf\xe9'
    r = run_cli("--db", new_db_path, "incident", "add", "--title", not_utf8, "--type", "network", "--impact", "1",
                "--urgency", "1")
    assert r.returncode == 2
    line = _one_line(r.stderr)
    assert "--title: not valid UTF-8 text (b'caf\\xe9')" in line
    assert json.loads(run_cli("--db", new_db_path, "incidents", "-o", "json").stdout) == []
    r = run_cli("--db", new_db_path, "events", f"--client={not_utf8}")
    assert r.returncode == 2 and "--client: not valid UTF-8" in _one_line(r.stderr)


def test_the_cli_logs_where_the_window_does() -> None:
    from app.ui import crash

    assert errors.log_file() == crash.log_file()
