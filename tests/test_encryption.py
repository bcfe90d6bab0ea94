"""Encrypted databases: the right passphrase opens, a wrong one changes nothing, no plaintext on disk."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from app.store import audit, cipher, driver
from app.store.database import Database
from app.store.db_errors import UserFacingStoreError

pytestmark = pytest.mark.skipif(not driver.available(), reason="SQLCipher (issue-ledger[encryption]) not installed")

SECRET_TEXT = "card holder Zebulon Quackenbush paid with order QX-77123"
RunCli = Callable[..., "object"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _log(tmp_path: Path) -> Path:
    log = tmp_path / "app.log"
    log.write_text("".join(f"2026-11-0{1 + i % 9}T10:{i % 60:02d}:00Z host1 app[1]: ERROR step {i} {SECRET_TEXT}\n"
                           for i in range(200)), encoding="utf-8")
    return log


@pytest.fixture
def encrypted(tmp_path: Path, run_cli) -> Path:  # type: ignore[no-untyped-def]
    """A ledger created encrypted by the CLI, with the known message imported."""
    path = tmp_path / "secret.db"
    done = run_cli("--db", path, "--passphrase-env", "PW", "import", _log(tmp_path), env={"PW": "correct horse"})
    assert done.returncode == 0, done.stderr
    return path


def test_a_new_database_given_a_passphrase_is_encrypted_and_opens_with_it(encrypted: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert encrypted.read_bytes()[:16] != b"SQLite format 3\x00"
    with pytest.raises(sqlite3.DatabaseError):  # not readable as plain SQLite
        sqlite3.connect(encrypted).execute("SELECT count(*) FROM sqlite_master").fetchone()
    done = run_cli("--db", encrypted, "--passphrase-env", "PW", "stats", env={"PW": "correct horse"})
    assert done.returncode == 0, done.stderr
    assert "200 events" in done.stdout
    by_default = run_cli("--db", encrypted, "stats", env={"ISSUE_LEDGER_PASSPHRASE": "correct horse"})
    assert by_default.returncode == 0 and "200 events" in by_default.stdout


def test_a_wrong_passphrase_is_one_clear_line_and_the_file_is_untouched(encrypted: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    before = {p.name: _sha(p) for p in encrypted.parent.glob("secret.db*")}
    done = run_cli("--db", encrypted, "--passphrase-env", "PW", "stats", env={"PW": "wrong"})
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "hmac" not in done.stderr
    assert f"wrong passphrase for {encrypted}" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert {p.name: _sha(p) for p in encrypted.parent.glob("secret.db*")} == before


def test_without_a_passphrase_the_encrypted_file_is_named_as_such(encrypted: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    done = run_cli("--db", encrypted, "stats")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "is encrypted; give its passphrase" in done.stderr


def test_the_file_and_its_wal_hold_none_of_a_known_message(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    cipher.remember(path, "pw")
    try:
        db = Database.open(path)
        db.execute("CREATE TABLE IF NOT EXISTS probe (t TEXT)")
        with db.transaction():
            db.executemany("INSERT INTO probe VALUES (?)", [(SECRET_TEXT,)] * 500)
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0
        assert b"Quackenbush" not in wal.read_bytes()  # still in the WAL
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert b"Quackenbush" not in path.read_bytes()
        assert db.scalar("SELECT count(*) FROM probe WHERE t = ?", (SECRET_TEXT,)) == 500
        db.close()
    finally:
        cipher.forget(path)


def test_the_imported_database_bytes_hold_none_of_a_known_message(encrypted: Path) -> None:
    for p in encrypted.parent.glob("secret.db*"):
        assert b"Quackenbush" not in p.read_bytes(), p


def test_encrypt_keeps_every_row_and_verify_passes(demo_db: Database, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = demo_db.path
    audit.append(demo_db, "update", "settings", "probe", new={"note": SECRET_TEXT})
    before = {t: demo_db.scalar(f"SELECT count(*) FROM {t}") for t in ("events", "incidents", "audit_log")}
    demo_db.close()
    assert b"Quackenbush" in path.read_bytes()  # closed: checkpointed into the file, in plain text
    done = run_cli("--db", path, "--passphrase-env", "PW", "encrypt", env={"PW": "s3cret"})
    assert done.returncode == 0, done.stderr
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    assert b"Quackenbush" not in path.read_bytes()
    assert not list(path.parent.glob(".demo.db*"))  # no temporary copy left
    verify = run_cli("--db", path, "--passphrase-env", "PW", "verify", env={"PW": "s3cret"})
    assert verify.returncode == 0, verify.stdout + verify.stderr
    cipher.remember(path, "s3cret")
    try:
        with Database.open(path, create=False) as db:
            after = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in ("events", "incidents", "audit_log")}
            assert db.scalar("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == "encrypt"
    finally:
        cipher.forget(path)
    assert after == {**before, "audit_log": before["audit_log"] + 1}
    back = run_cli("--db", path, "--passphrase-env", "PW", "decrypt", env={"PW": "s3cret"})
    assert back.returncode == 0, back.stderr
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert run_cli("--db", path, "verify").returncode == 0


def test_encrypt_refuses_an_encrypted_file_and_changes_nothing(encrypted: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    before = _sha(encrypted)
    done = run_cli("--db", encrypted, "--passphrase-env", "PW", "encrypt", env={"PW": "correct horse"})
    assert done.returncode != 0 and "already encrypted" in done.stderr and "Traceback" not in done.stderr
    assert _sha(encrypted) == before


def test_wrong_passphrase_in_process_raises_a_user_facing_error(encrypted: Path) -> None:
    before = _sha(encrypted)
    cipher.remember(encrypted, "nope")
    try:
        with pytest.raises(cipher.WrongPassphrase, match="wrong passphrase"):
            Database.open(encrypted)
    finally:
        cipher.forget(encrypted)
    with pytest.raises(cipher.PassphraseNeeded):
        Database.open(encrypted)
    assert _sha(encrypted) == before


def test_a_text_file_is_still_not_a_database_rather_than_encrypted(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("x" * 4096)
    assert not cipher.is_encrypted(text)
    with pytest.raises(UserFacingStoreError, match="not an SQLite file"):
        Database.open(text)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_new_database_wal_shm_and_heads_files_are_owner_only(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "modes.db"
    os.umask(0o022)  # the usual umask: files would otherwise be world-readable
    db = Database.open(path)
    with db.transaction():
        audit.append(db, "update", "settings", "probe", new={"x": 1})
    from app.store import audit_heads

    heads = audit_heads.record_head(db, "x.xlsx")
    for p in (path, path.with_name("modes.db-wal"), path.with_name("modes.db-shm"), heads):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    db.close()
    out = tmp_path / "events.csv"
    done = run_cli("--db", path, "export", "events", out)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_plain_databases_still_open_with_the_standard_driver(db: Database) -> None:
    assert isinstance(db.conn, sqlite3.Connection) and not db.encrypted


def test_encrypt_refuses_a_database_another_program_has_open(demo_db: Database, run_cli) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    path = demo_db.path
    demo_db.close()
    script = (f"import sqlite3, sys\nc = sqlite3.connect({str(path)!r})\n"
              "c.execute('SELECT count(*) FROM events').fetchone()\nprint('open', flush=True)\nsys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", script],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        done = run_cli("--db", path, "--passphrase-env", "PW", "encrypt", env={"PW": "s3cret"})
    finally:
        holder.communicate("", timeout=30)
    assert done.returncode != 0 and "open in another program" in done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert not list(path.parent.glob(".demo.db*"))
    assert run_cli("--db", path, "verify").returncode == 0


def test_rekey_changes_the_passphrase_and_the_old_one_opens_nothing(encrypted: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    old, new = {"PW": "correct horse"}, {"PW": "battery staple"}
    same = run_cli("--db", encrypted, "--passphrase-env", "PW", "rekey", "--new-passphrase-env", "PW", env=old)
    assert same.returncode == 1 and "the new passphrase is the current one" in same.stderr
    wrong = run_cli("--db", encrypted, "--passphrase-env", "PW", "rekey", "--new-passphrase-env", "NEW",
                    env={"PW": "not it", "NEW": "battery staple"})
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
    done = run_cli("--db", encrypted, "--passphrase-env", "PW", "rekey", "--new-passphrase-env", "NEW", "-o", "json",
                   env={**old, "NEW": new["PW"]})
    assert done.returncode == 0, done.stderr
    assert b"Quackenbush" not in encrypted.read_bytes()
    assert not list(encrypted.parent.glob(".secret.db*"))  # no temporary copy left
    refused = run_cli("--db", encrypted, "--passphrase-env", "PW", "stats", env=old)
    assert refused.returncode != 0 and "passphrase" in refused.stderr.lower()
    assert run_cli("--db", encrypted, "--passphrase-env", "PW", "verify", env=new).returncode == 0
    found = run_cli("--db", encrypted, "--passphrase-env", "PW", "events", "--search", "Quackenbush", "-o", "json",
                    "--limit", "500", env=new)
    assert found.returncode == 0 and len(json.loads(found.stdout)) == 200
    cipher.remember(encrypted, new["PW"])
    try:
        with Database.open(encrypted, create=False) as db:
            assert db.scalar("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == "rekey"
    finally:
        cipher.forget(encrypted)


def test_rekey_refuses_a_plain_database(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "plain.db"
    assert run_cli("--db", plain, "import", _log(tmp_path)).returncode == 0
    done = run_cli("--db", plain, "rekey", "--new-passphrase-env", "NEW", env={"NEW": "x"})
    assert done.returncode == 1 and "not encrypted; use 'encrypt'" in done.stderr
