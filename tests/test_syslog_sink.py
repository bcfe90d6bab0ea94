"""Received syslog messages stored in a real SQLite database, a batch a transaction, into a live import record."""

from __future__ import annotations

import datetime as dt
import json
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.collect.net_sink import NetSink, open_import
from app.collect.syslog_net import SyslogReceiver, parse_datagram
from app.domain.filters import Filter
from app.store import events as event_store, imports as import_store
from app.store.database import Database
from app.store.settings import HOST_RULES

UTC = dt.UTC
UTC_NOW = dt.datetime(2026, 12, 2, tzinfo=UTC).timestamp()


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


def _wait(cond: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not cond() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_ten_thousand_received_datagrams_are_stored_and_counted(
        tmp_path: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    path = tmp_path / "ledger.db"
    db = Database.open(path)
    try:
        with db.transaction():
            HOST_RULES.write(db, [{"host": "agent-ws*", "client": "Acme", "site": "Leeds"}])
        receiver = SyslogReceiver("127.0.0.1", 0, "udp", lambda _b: None)
        import_id = open_import(db, "udp://127.0.0.1")
        sink = NetSink(db, import_id)
        receiver.on_batch = sink
        receiver.start()
        try:
            _send_udp(receiver.address, _mixed(10_000) + [b"<300>not a priority", b"no stamp, no priority"])
            _wait(lambda: sink.events + sink.rejects >= 10_002)
        finally:
            receiver.stop()
        assert (sink.events, sink.rejects) == (10_000, 2)
        assert sink.batches >= 20  # 500 a batch at most: many short transactions, not one long one
    finally:
        db.close()

    db = Database.open(path)  # what another process sees
    try:
        assert db.scalar("SELECT count(*) FROM events WHERE import_id = ?", (import_id,)) == 10_000
        assert db.scalar("SELECT count(DISTINCT line_no) FROM events WHERE import_id = ?", (import_id,)) == 10_000
        seqs = {int(r["message"].split("seq=")[1].split()[0]) for r in db.rows("SELECT message FROM events")}
        assert seqs == set(range(10_000))
        assert event_store.count(db, Filter(), UTC) == 10_000  # visible to every read: no running import hides them
        assert db.scalar("SELECT count(*) FROM events WHERE client = 'Acme' AND site = 'Leeds'") == 5_000
        assert db.scalar("SELECT count(*) FROM events WHERE log_type = 'security'") == 5_000  # auth facility
        assert db.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == 0
        record = import_store.get(db, import_id)
        assert record is not None
        assert (record["status"], record["read"], record["accepted"], record["rejected"]) == \
            ("complete", 10_002, 10_000, 2)
        reasons = [r["reason"] for r in import_store.rejects(db, import_id)]
        assert len(reasons) == 2 and all("(from 127.0.0.1)" in r for r in reasons)
        assert any("<PRI> 300 out of range" in r for r in reasons)
    finally:
        db.close()
    assert run_cli("--db", path, "verify").returncode == 0
    listed = run_cli("--db", path, "imports", "--output", "json")
    assert listed.returncode == 0, listed.stderr
    row = next(r for r in json.loads(listed.stdout) if r["id"] == import_id)
    assert (row["file"], row["accepted"], row["rejected"]) == ("udp://127.0.0.1", 10_000, 2)


def test_numbering_continues_after_a_restart_and_a_running_file_import_defers_patterns(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "ledger.db")
    try:
        import_id = open_import(db, "tcp://0.0.0.0:6514", client="Beta", site="York")
        first = NetSink(db, import_id, with_patterns=True)
        first([parse_datagram(b"<13>Dec  1 10:00:00 h app: one", "10.1.1.1", now=UTC_NOW),
               parse_datagram(b"junk", "10.1.1.1", now=UTC_NOW)])
        running = import_store.begin(db, {"file": "big.log"})  # a file import still writing
        again = NetSink(db, import_id)  # the listener restarted
        again([parse_datagram(b"<13>Dec  1 10:00:01 h app: two", "10.1.1.1", now=UTC_NOW)])
        rows = db.rows("SELECT line_no, client, site, pattern_id IS NULL AS unmined, message FROM events"
                       " WHERE import_id = ? ORDER BY line_no", (import_id,))
        assert [(r["line_no"], r["client"], r["site"], r["unmined"]) for r in rows] == \
            [(1, "Beta", "York", 0), (3, "Beta", "York", 1)]
        assert import_store.rejects(db, import_id)[0]["line_no"] == 2
        assert db.scalar("SELECT read_count FROM imports WHERE id = ?", (import_id,)) == 3
        with db.transaction():
            import_store.finish(db, running, "complete", (0, 0, 0, 0))
    finally:
        db.close()


def test_a_failed_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "ledger.db")
    try:
        import_id = open_import(db, "udp://0.0.0.0:514")
        sink = NetSink(db, import_id)
        good = parse_datagram(b"<13>Dec  1 10:00:00 h app: kept", "10.1.1.1", now=UTC_NOW)
        sink([good])
        db.execute("DROP TABLE import_rejects")  # the batch's reject cannot be written: the whole batch rolls back
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            sink([good, parse_datagram(b"junk", "10.1.1.1", now=UTC_NOW)])
        assert db.scalar("SELECT count(*) FROM events") == 1
        assert db.scalar("SELECT read_count FROM imports WHERE id = ?", (import_id,)) == 1
    finally:
        db.close()
