"""The archive of an encrypted database is sealed under its passphrase: nothing readable on disk, and only
the passphrase verifies and restores it; a plain database's archive stays plain gzip."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from app.retention import archive
from app.retention.seal import Seal
from app.store import driver

SECRET_TEXT = "card holder Zebulon Quackenbush paid with order QX-77123"
PW = {"PW": "correct horse"}


def _log(tmp_path: Path) -> Path:
    log = tmp_path / "app.log"
    log.write_text("".join(f"2026-11-0{1 + i % 9}T10:{i % 60:02d}:00Z host1 app[1]: ERROR step {i} {SECRET_TEXT}\n"
                           for i in range(200)), encoding="utf-8")
    return log


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.jsonl.gz"))


@pytest.mark.skipif(not driver.available(), reason="SQLCipher (issue-ledger[encryption]) not installed")
def test_an_encrypted_databases_archive_is_sealed_and_comes_back_with_its_passphrase(
        tmp_path: Path, run_cli: Any) -> None:
    db, folder = tmp_path / "secret.db", tmp_path / "archive"
    key = ("--db", db, "--passphrase-env", "PW")
    assert run_cli(*key, "import", _log(tmp_path), env=PW).returncode == 0
    ran = run_cli(*key, "retention", "run", "--archive", folder, "--now", "2027-06-01", "-o", "json", env=PW)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["purged"] == 200
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["sealed"]["cipher"] == "AES-256-GCM" and manifest["sealed"]["kdf"]["name"] == "scrypt"
    assert "correct horse" not in json.dumps(manifest)
    for path in _files(folder):
        data = path.read_bytes()
        assert not data.startswith(b"\x1f\x8b")  # not gzip: encrypted
        assert b"Quackenbush" not in data and b"step 1" not in data

    bare = run_cli("archive", "verify", folder, env={"ISSUE_LEDGER_PASSPHRASE": ""})
    assert bare.returncode == 1 and "sealed with its database's passphrase" in bare.stderr
    wrong = run_cli("--passphrase-env", "PW", "archive", "verify", folder, env={"PW": "battery staple"})
    assert wrong.returncode == 1 and "wrong passphrase for this sealed archive" in wrong.stderr
    right = run_cli("--passphrase-env", "PW", "archive", "verify", folder, env=PW)
    assert right.returncode == 0 and "200 events: all match" in right.stdout

    back = run_cli(*key, "archive", "restore", folder, "-o", "json", env=PW)  # the database's own passphrase
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["restored"] == 200
    found = run_cli(*key, "events", "--search", "Quackenbush", "-o", "json", "--limit", "500", env=PW)
    assert found.returncode == 0 and len(json.loads(found.stdout)) == 200
    assert run_cli(*key, "verify", env=PW).returncode == 0


def test_a_plain_databases_archive_stays_plain_gzip(tmp_path: Path, run_cli: Any) -> None:
    db, folder = tmp_path / "plain.db", tmp_path / "archive"
    assert run_cli("--db", db, "import", _log(tmp_path)).returncode == 0
    assert run_cli("--db", db, "retention", "run", "--archive", folder, "--now", "2027-06-01").returncode == 0
    assert "sealed" not in json.loads((folder / "manifest.json").read_text())
    [first, *_] = _files(folder)
    assert SECRET_TEXT in gzip.decompress(first.read_bytes()).decode()


def _sealed_archive(folder: Path, seal: Seal) -> dict[str, Any]:
    writer = archive.ArchiveWriter(folder, seal=seal)
    rows = [{"ts": f"2026-{m:02d}-01T00:00:00.000Z", "log_type": "application", "severity": 4, "message": f"m{m}"}
            for m in (10, 11)]
    writer.add(rows)
    files = writer.close()
    manifest = {"format": archive.FORMAT, "sealed": seal.describe(), "files": files, "events": 2}
    archive.write_manifest(folder, manifest)
    return manifest


def test_a_sealed_file_altered_or_moved_to_another_months_place_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("cryptography")
    seal = Seal.new("pw")
    folder = tmp_path / "a"
    manifest = _sealed_archive(folder, seal)
    assert archive.verify(folder, "pw")[1] == []
    assert [r["message"] for r in archive.read_lines(folder, manifest["files"][0], seal)] == ["m10"]
    oct_, nov = (folder / e["path"] for e in manifest["files"])
    # Swap the two months' files and make the manifest's hashes agree: the tag (bound to the path) refuses it.
    a, b = oct_.read_bytes(), nov.read_bytes()
    oct_.write_bytes(b)
    nov.write_bytes(a)
    for entry in manifest["files"]:
        entry["sha256"] = archive.sha256_file(folder / entry["path"])
    archive.write_manifest(folder, manifest)
    problems = archive.verify(folder, "pw")[1]
    assert problems and "altered or damaged" in problems[0]
    # One flipped byte, hashes made to agree again: refused the same way.
    oct_.write_bytes(a)
    nov.write_bytes(b[:20] + bytes([b[20] ^ 1]) + b[21:])
    for entry in manifest["files"]:
        entry["sha256"] = archive.sha256_file(folder / entry["path"])
    archive.write_manifest(folder, manifest)
    problems = archive.verify(folder, "pw")[1]
    assert len(problems) == 1 and str(nov) in problems[0] and "altered or damaged" in problems[0]
