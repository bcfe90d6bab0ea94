"""Received syslog messages stored by a udp source in a real SQLite database, a batch a transaction, into the
source's live import record (``app.collect.network.NetworkSource``, the collector's one write path for them)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.collect import after_batch, hooks
from app.collect.network import NetworkSource
from app.domain.filters import Filter
from app.store import events as event_store, imports as import_store
from app.store.database import Database
from app.store.settings import HOST_RULES
from tests.collect_helpers import add


def _mixed(n: int) -> list[bytes]:
    out = []
    for i in range(n):
        if i % 2:
            out.append(f"<11>1 2026-12-02T10:{i % 60:02d}:00.{i % 1000:03d}Z pbx{i % 5} dialer {i} DPD - seq={i}"
                       f" DPD timeout on trunk {i % 9}".encode())
        else:
            out.append(f"<38>Dec  1 22:{i % 60:02d}:15 agent-ws{i % 7} sshd[{i}]: seq={i} Failed password for"
                       f" root from 10.0.0.{i % 250}".encode())
    return out


def _send_udp(address: tuple[str, int], msgs: list[bytes]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for i, m in enumerate(msgs):
            sock.sendto(m, address)
            if i % 250 == 249:
                time.sleep(0.001)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _source_row(db: Database, source_id: int) -> dict[str, Any]:
    return db.rows("SELECT * FROM sources WHERE id = ?", (source_id,))[0]


@contextmanager
def _listening(db: Database, source_id: int) -> Iterator[NetworkSource]:
    net = NetworkSource(db, _source_row(db, source_id))
    net.start(db)
    try:
        yield net
    finally:
        net.close()


def _store_until(db: Database, net: NetworkSource, n: int, timeout: float = 60) -> int:
    """Store what arrives, as the collector's loop does, until ``n`` messages are stored or time is up."""
    deadline, stored = time.monotonic() + timeout, 0
    while stored < n and time.monotonic() < deadline:
        time.sleep(0.02)
        stored += net.pass_(db)
    return stored


def test_ten_thousand_received_datagrams_are_stored_and_counted(
        tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    path = tmp_path / "ledger.db"
    db = Database.open(path)
    installed = after_batch.install()  # patterns and rules after each batch, as the collector runs them
    try:
        with db.transaction():
            HOST_RULES.write(db, [{"host": "agent-ws*", "client": "Acme", "site": "Leeds"}])
        port = _free_port()
        source_id = add(db, f"udp://127.0.0.1:{port}")
        import_id = int(_source_row(db, source_id)["import_id"])
        with _listening(db, source_id) as net:
            _send_udp(("127.0.0.1", port), _mixed(10_000) + [b"<300>not a priority", b"no stamp, no priority"])
            assert _store_until(db, net, 10_002) == 10_002
    finally:
        for hook in installed:
            hooks.unregister(hook)
        db.close()

    db = Database.open(path)  # what another process sees
    try:
        assert db.scalar("SELECT count(*) FROM events WHERE import_id = ?", (import_id,)) == 10_000
        assert db.scalar("SELECT count(DISTINCT line_no) FROM events WHERE import_id = ?", (import_id,)) == 10_000
        seqs = {int(r["message"].split("seq=")[1].split()[0]) for r in db.rows("SELECT message FROM events")}
        assert seqs == set(range(10_000))
        assert event_store.count(db, Filter(), dt.UTC) == 10_000  # visible to every read: no running import hides them
        assert db.scalar("SELECT count(*) FROM events WHERE client = 'Acme' AND site = 'Leeds'") == 5_000
        assert db.scalar("SELECT count(*) FROM events WHERE log_type = 'security'") == 5_000  # auth facility
        assert db.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == 0
        record = import_store.get(db, import_id)
        assert record is not None
        assert (record["read"], record["accepted"], record["rejected"]) == (10_002, 10_000, 2)
        reasons = [r["reason"] for r in import_store.rejects(db, import_id)]
        assert len(reasons) == 2 and all("(from 127.0.0.1)" in r for r in reasons)
        assert any("<PRI> 300 out of range" in r for r in reasons)
    finally:
        db.close()
    assert run_cli("--db", path, "verify").returncode == 0
    listed = run_cli("--db", path, "imports", "--output", "json")
    assert listed.returncode == 0, listed.stderr
    row = next(r for r in json.loads(listed.stdout) if r["id"] == import_id)
    assert (row["file"], row["accepted"], row["rejected"]) == (f"udp://127.0.0.1:{port}", 10_000, 2)


def test_numbering_continues_after_the_listener_restarts(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "ledger.db")
    try:
        port = _free_port()
        source_id = add(db, f"udp://127.0.0.1:{port}", client="Beta", site="York")
        import_id = int(_source_row(db, source_id)["import_id"])
        with _listening(db, source_id) as net:
            _send_udp(("127.0.0.1", port), [b"<13>Dec  1 10:00:00 h app: one", b"junk"])
            assert _store_until(db, net, 2) == 2
        with _listening(db, source_id) as net:  # the listener restarted: it numbers on from the source's count
            _send_udp(("127.0.0.1", port), [b"<13>Dec  1 10:00:01 h app: two"])
            assert _store_until(db, net, 1) == 1
        rows = db.rows("SELECT line_no, client, site, message FROM events WHERE import_id = ? ORDER BY line_no",
                       (import_id,))
        assert [(r["line_no"], r["client"], r["site"], r["message"]) for r in rows] == \
            [(1, "Beta", "York", "one"), (3, "Beta", "York", "two")]
        assert import_store.rejects(db, import_id)[0]["line_no"] == 2
        assert db.scalar("SELECT read_count FROM imports WHERE id = ?", (import_id,)) == 3
    finally:
        db.close()


def test_a_failed_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "ledger.db")
    try:
        port = _free_port()
        source_id = add(db, f"udp://127.0.0.1:{port}")
        import_id = int(_source_row(db, source_id)["import_id"])
        kept = b"<13>Dec  1 10:00:00 h app: kept"
        with _listening(db, source_id) as net:
            _send_udp(("127.0.0.1", port), [kept])
            assert _store_until(db, net, 1) == 1
            db.execute("DROP TABLE import_rejects")  # the batch's reject cannot be written: it all rolls back
            _send_udp(("127.0.0.1", port), [kept, b"junk"])
            deadline = time.monotonic() + 10
            while len(net.queue) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            with pytest.raises(sqlite3.OperationalError, match="no such table"):
                net.pass_(db)
        assert db.scalar("SELECT count(*) FROM events") == 1
        assert db.scalar("SELECT read_count FROM imports WHERE id = ?", (import_id,)) == 1
        assert db.scalar("SELECT lines FROM sources WHERE id = ?", (source_id,)) == 1
    finally:
        db.close()
