"""The ledger is a plain SQLite file: the command the README gives for sqlite-utils reads it and changes nothing."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_sqlite_utils_command_counts_what_stats_counts_and_changes_nothing(
        run_cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    found = re.search(r"`(sqlite-utils tables ledger\.db[^`]*)`", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "the README gives no sqlite-utils command for the database"
    path = tmp_path / "ledger.db"
    made = run_cli("--db", path, "demo", "--events", "400", "--incidents", "12")
    assert made.returncode == 0, made.stderr
    stats = json.loads(run_cli("--db", path, "stats", "--output", "json").stdout)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    files = sorted(p.name for p in tmp_path.iterdir())

    # As the README gives it, run from the database's folder.
    read = subprocess.run([sys.executable, "-m", "sqlite_utils", *shlex.split(found.group(1))[1:]],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)

    assert read.returncode == 0, read.stderr
    counts = {row["table"]: row["count"] for row in json.loads(read.stdout)}
    assert counts["event_data"] == stats["events"] == 400  # the events view reads this table (schema 16)
    assert counts["incidents"] == stats["incidents"] and counts["audit_log"] > 0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files
