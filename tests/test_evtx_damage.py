"""A damaged .evtx accounts for every record its headers promise; one with none readable fails."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.domain import timeutil
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database

pytestmark = pytest.mark.extdata
RECORDS = 1601  # system.evtx: chunk headers number its records 1..1601


def _import(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    f = tmp_path / name
    f.write_bytes(data)
    with Database.open(tmp_path / f"{name}.db") as db:
        [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC))
        stored = db.scalar("SELECT count(*) FROM events")
        reasons = [row["reason"] for row in db.rows("SELECT reason FROM import_rejects ORDER BY line_no")]
    return r, stored, reasons


def test_a_file_cut_in_half_counts_its_lost_records_as_rejected(extdata: Path, tmp_path: Path) -> None:
    data = (extdata / "evtx" / "system.evtx").read_bytes()
    r, stored, reasons = _import(tmp_path, "half.evtx", data[: len(data) // 2])
    assert r.ok and (r.read, r.accepted, r.rejected) == (RECORDS, 1424, 177) and stored == 1424
    assert reasons and all("damaged" in reason or "lost" in reason for reason in reasons)


@pytest.mark.parametrize("size", [5 * 1024, 100])
def test_a_file_with_no_readable_record_fails_and_keeps_nothing(extdata: Path, tmp_path: Path, size: int) -> None:
    data = (extdata / "evtx" / "system.evtx").read_bytes()
    r, stored, _ = _import(tmp_path, f"cut{size}.evtx", data[:size])
    assert r.status == "failed" and "no event record could be read" in r.message and stored == 0


def test_random_damage_leaves_no_record_out_of_the_counts(extdata: Path, tmp_path: Path) -> None:
    data = bytearray((extdata / "evtx" / "system.evtx").read_bytes())
    rng = random.Random(4)
    for _ in range(200):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    r, stored, _ = _import(tmp_path, "flipped.evtx", bytes(data))
    assert r.ok and r.read >= RECORDS and r.accepted + r.rejected == r.read and stored == r.accepted


def test_the_damaged_file_readers_warnings_go_into_the_message_not_stderr(extdata: Path, tmp_path: Path,
                                                                          run_cli) -> None:  # type: ignore[no-untyped-def]
    data = bytearray((extdata / "evtx" / "system.evtx").read_bytes())
    rng = random.Random(4)
    for _ in range(200):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    f = tmp_path / "flipped.evtx"
    f.write_bytes(bytes(data))
    r = run_cli("--db", tmp_path / "cli.db", "import", f, "-o", "json")
    assert r.returncode == 0 and "Unexpected token" not in r.stderr
    assert "Unexpected token encountered" in r.stdout  # the import's message says it
