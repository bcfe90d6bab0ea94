"""Issue 19's "Redaction" Done-when: a log and an incident sheet seeded with 1,000 PII values of each kind and
1,000 look-alikes of each shape, imported through the real CLI. No PII value is left in the database file
(its -wal too), the full-text indexes, a CSV export or the Excel report; every look-alike is still there."""

from __future__ import annotations

import csv
import re
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from redaction_samples import samples

N = 1000
pytestmark = pytest.mark.slow


def _log(path: Path, pii: dict[str, list[str]], look: dict[str, list[str]]) -> None:
    alikes = [v for vals in look.values() for v in vals]
    lines = [f"orphan note before any time stamp: card {pii['card'][0]} mail {pii['email'][0]}",  # a reject
             f"second orphan: {pii['iban'][0]} {pii['phone'][0]}"]
    n = 0
    for i in range(N):
        for kind, values in pii.items():
            extra = f" ref {alikes[n]}" if n < len(alikes) else ""
            lines.append(f"Dec  2 16:{(n // 60) % 60:02d}:{n % 60:02d} web01 crm[4242]: customer {kind} "
                         f"{values[i]} noted{extra}")
            n += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sheet(path: Path, pii: dict[str, list[str]], look: dict[str, list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Ticket No", "Date Reported", "Issue", "Description", "Reported By", "Account", "Priority",
                    "Status", "Notes"])
        for i in range(N):
            description = "; ".join(f"{k} {v[i]}" for k, v in pii.items() if k not in ("email", "card"))
            w.writerow([f"BPO-{i}", "2026-11-03 09:15", f"Caller lost session {look['order'][i]}",
                        f"{description}; build {look['version'][i]}", pii["email"][i], "Acme", "P3", "New",
                        f"paid with {pii['card'][i]} at {look['timestamp'][i]}"])


def _tokens(value: str) -> str:
    return '"' + " ".join(re.findall(r"[A-Za-z0-9]+", value)) + '"'


def _forms(value: str) -> list[bytes]:
    compact = re.sub(r"[\s\-]", "", value)
    return [f.encode() for f in {value, compact}]


def _holder(data: bytes) -> Callable[[str], bool]:
    """Whether ``data`` holds a value in any of its forms: a value whose words are not all in it is not
    (one pass over the bytes); the others are looked for as they are."""
    words = set(re.findall(rb"[A-Za-z0-9]+", data))

    def holds(value: str) -> bool:
        if not all(w in words for w in re.findall(rb"[A-Za-z0-9]+", value.encode())):
            return False
        return any(f in data for f in _forms(value))

    return holds


# The look-alikes' shapes, to find every one in a file in one pass.
LOOKALIKE = re.compile(rb"ORD-\d{16}|v\d+\.\d+\.\d+-build\d{5}|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z|0x[0-9a-f]{16}"
                       rb"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _xlsx_text(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))


def test_no_pii_value_is_kept_anywhere_and_no_lookalike_is_touched(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    pii, look = samples(N)
    log, sheet, db = tmp_path / "crm.log", tmp_path / "tickets.csv", tmp_path / "ledger.db"
    _log(log, pii, look)
    _sheet(sheet, pii, look)
    for args in (("import", log, "--client", "Acme"), ("incidents", "import", sheet),
                 ("export", "events", tmp_path / "events.csv"), ("export", "incidents", tmp_path / "incidents.csv"),
                 ("report", tmp_path / "report.xlsx")):
        r = run_cli("--db", db, "--tz", "UTC", *args, timeout=600)
        assert r.returncode == 0, (args, r.stderr)
    wal = db.with_name(db.name + "-wal")
    wal_bytes = wal.read_bytes() if wal.exists() else b""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_bytes = db.read_bytes()
    events_csv = (tmp_path / "events.csv").read_bytes()
    incidents_csv = (tmp_path / "incidents.csv").read_bytes()
    xlsx = _xlsx_text(tmp_path / "report.xlsx")
    assert conn.execute("SELECT count(*) FROM import_rejects").fetchone()[0] == 2
    assert b"Redaction rules in force" in xlsx and b"on: email, iban, payment-card" in xlsx
    assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == N

    places = {"database": db_bytes, "wal": wal_bytes, "events.csv": events_csv, "incidents.csv": incidents_csv,
              "report.xlsx": xlsx}
    holders = {where: _holder(data) for where, data in places.items()}
    for kind, values in pii.items():
        for where, holds in holders.items():
            left = [v for v in values if holds(v)]
            assert not left, f"{len(left)} {kind} values left in {where}, e.g. {left[:3]}"
        for fts in ("events_fts", "incidents_fts"):
            found = [v for v in values
                     if conn.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?", (_tokens(v),)).fetchone()[0]]
            assert not found, f"{len(found)} {kind} values in {fts}, e.g. {found[:3]}"
    found_lookalikes = {where: set(LOOKALIKE.findall(data))
                        for where, data in (("database", db_bytes), ("events.csv", events_csv), ("report.xlsx", xlsx))}
    for shape, values in look.items():
        for where, kept in found_lookalikes.items():
            gone = [v for v in values if v.encode() not in kept]
            assert not gone, f"{len(gone)} {shape} look-alikes lost in {where}, e.g. {gone[:3]}"
        gone = [v for v in values
                if not conn.execute("SELECT count(*) FROM events_fts WHERE events_fts MATCH ?",
                                    (_tokens(v),)).fetchone()[0]]
        assert not gone, f"{len(gone)} {shape} look-alikes not found by search, e.g. {gone[:3]}"

    r = run_cli("--db", db, "imports", "--output", "json")
    redacted = __import__("json").loads(r.stdout)[0]["redacted"]
    assert redacted == {**{k: N for k in pii}, "card": N + 1, "email": N + 1, "iban": N + 1, "phone": N + 1}
    assert run_cli("--db", db, "verify").returncode == 0
    conn.close()
