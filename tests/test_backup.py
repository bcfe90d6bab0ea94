"""``issue-ledger backup``: a consistent copy while another process imports, with a manifest that matches it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.store import cipher, driver
from app.store.database import Database

LINES = 300_000


def _write_log(path: Path, n: int) -> Path:
    path.write_text("".join(f"Nov {1 + i // 86400 % 28:2d} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} "
                            f"h{i % 7} app[{i % 999}]: line {i} token{i % 5}\n" for i in range(n)))
    return path


def _events_so_far(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=0.2) as conn:
            return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_backup_while_another_process_imports_is_consistent(new_db_path: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    log = _write_log(tmp_path / "big.log", LINES)
    proc = subprocess.Popen([sys.executable, "-m", "app", "--db", str(new_db_path), "import", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while _events_so_far(new_db_path) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        out = tmp_path / "copy.db"
        done = run_cli("--db", new_db_path, "backup", out, "--output", "json")
        still_importing = proc.poll() is None
    finally:
        _, err = proc.communicate(timeout=300)
    assert done.returncode == 0, done.stderr
    assert still_importing, "the import ended before the backup did: the test proved nothing"
    assert proc.returncode == 0, err
    manifest = json.loads(Path(str(out) + ".manifest.json").read_text())
    assert json.loads(done.stdout)["sha256"] == manifest["sha256"]
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert manifest["size"] == out.stat().st_size
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == manifest["events"]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == manifest["schema_version"]
        head = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert 0 < manifest["events"] < LINES  # a snapshot taken part way through the import
    assert (manifest["audit_head_row"], manifest["audit_head_hash"]) == (tuple(head) if head else (0, ""))
    verify = run_cli("--db", out, "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert run_cli("--db", new_db_path, "verify").returncode == 0


def test_backup_is_audited_and_owner_only(demo_db: Database, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = demo_db.path
    demo_db.close()
    out = tmp_path / "nightly.db"
    done = run_cli("--db", path, "backup", out)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "nightly.db.manifest.json").read_text())
    with Database.open(path, create=False) as db:
        row = db.rows("SELECT action, entity, entity_id, new FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    assert (row["action"], row["entity"], row["entity_id"]) == ("backup", "database", "nightly.db")
    assert manifest["sha256"] in row["new"]
    if os.name != "nt":
        for p in (out, tmp_path / "nightly.db.manifest.json"):
            assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_backup_refuses_the_database_itself(demo_db: Database, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = demo_db.path
    demo_db.close()
    done = run_cli("--db", path, "backup", path)
    assert done.returncode != 0 and "is the database itself" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not driver.available(), reason="SQLCipher (issue-ledger[encryption]) not installed")
def test_an_encrypted_database_backs_up_encrypted_with_the_same_key(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path, out = tmp_path / "secret.db", tmp_path / "secret-copy.db"
    env = {"PW": "pass phrase"}
    assert run_cli("--db", path, "--passphrase-env", "PW", "demo", "--events", "2000", env=env).returncode == 0
    done = run_cli("--db", path, "--passphrase-env", "PW", "backup", out, env=env)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:16] != b"SQLite format 3\x00"
    assert json.loads((tmp_path / "secret-copy.db.manifest.json").read_text())["encrypted"] is True
    verify = run_cli("--db", out, "--passphrase-env", "PW", "verify", env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    cipher.remember(out, "pass phrase")
    try:
        with Database.open(out, create=False) as copy:
            assert copy.scalar("PRAGMA integrity_check") == "ok"
            assert copy.scalar("SELECT count(*) FROM events") == 2000
    finally:
        cipher.forget(out)
