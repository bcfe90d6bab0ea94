"""A .gz cut mid-stream keeps every line it holds and rejects the rest with the reason; no traceback."""

from __future__ import annotations

import gzip
from pathlib import Path

from app.domain import timeutil
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database


def _cut_gz(tmp_path: Path, lines: int) -> Path:
    text = "".join(f"2026-12-01 10:{i // 3600 % 60:02d}:{i % 60:02d} INFO call {i} routed to agent {i % 97}\n"
                   for i in range(lines)).encode()
    whole = gzip.compress(text)
    f = tmp_path / "calls.log.gz"
    f.write_bytes(whole[: len(whole) * 6 // 10])
    return f


def test_a_cut_gz_keeps_what_it_holds(tmp_path: Path) -> None:
    f = _cut_gz(tmp_path, 100_000)
    with Database.open(tmp_path / "l.db") as db:
        [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC))
        reasons = [row["reason"] for row in db.rows("SELECT reason FROM import_rejects")]
        stored = db.scalar("SELECT count(*) FROM events")
    assert r.ok and r.accepted > 50_000 and stored == r.accepted
    assert r.rejected >= 1 and any("breaks off" in reason for reason in reasons)
    assert r.read == r.accepted + r.continuation + r.rejected


def test_the_cli_reports_a_cut_gz_without_a_traceback(run_cli, db_path: Path, tmp_path: Path) -> None:
    f = _cut_gz(tmp_path, 20_000)
    r = run_cli("--db", db_path, "import", f)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "rejected" in r.stdout
