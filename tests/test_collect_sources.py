"""Managing sources (CLI round trips, audited), the collector lock, the after-batch hooks and udp/tcp records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.collect import hooks
from app.collect.lock import CollectorBusy, CollectorLock
from app.collect.network import NetworkSource
from app.collect.runner import Runner
from app.collect.service import SourceSpecError, parse_target
from app.store.database import Database
from tests.collect_helpers import add, collect, lines


def test_sources_are_added_listed_disabled_and_removed_from_the_cli(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "ledger.db"
    log = tmp_path / "pbx.log"
    log.write_text(lines(0, 12), encoding="utf-8")
    added = run_cli("--db", db, "sources", "add", log, "--log-type", "network", "--site", "Floor 2")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"source #1: file {log}, events go to import #")
    folder = run_cli("--db", db, "sources", "add", tmp_path, "--glob", "*.txt")
    assert folder.returncode == 0 and "folder" in folder.stdout and "(glob *.txt)" in folder.stdout
    udp = run_cli("--db", db, "sources", "add", "udp://127.0.0.1:5514")
    assert udp.returncode == 0 and "udp://127.0.0.1:5514" in udp.stdout
    again = run_cli("--db", db, "sources", "add", log)
    assert again.returncode == 1 and again.stderr.strip() == f"Error: {log}: already source #1"
    bad = run_cli("--db", db, "sources", "add", "udp://127.0.0.1:99999")
    assert bad.returncode == 1 and "port from 1 to 65535" in bad.stderr and "Traceback" not in bad.stderr

    assert run_cli("--db", db, "sources", "disable", "2").stdout.strip() == "source #2 disabled"
    assert run_cli("--db", db, "watch", "--once").returncode == 0
    listed = json.loads(run_cli("--db", db, "sources", "list", "-o", "json").stdout)
    by_id = {s["id"]: s for s in listed}
    assert by_id[1]["lines"] == 12 and by_id[1]["detected_format"] == "syslog" and by_id[1]["last_line_at"]
    assert by_id[1]["lag_bytes"] == 0 and by_id[1]["last_error"] is None and by_id[1]["lines_s"] > 0
    assert by_id[2]["enabled"] is False and by_id[2]["lines"] == 0
    assert by_id[3]["last_error"] is None or "5514" in by_id[3]["last_error"]  # it listened, or names its port
    table = run_cli("--db", db, "sources", "list").stdout
    assert "syslog (detected)" in table and "lines_s" in table

    removed = run_cli("--db", db, "sources", "remove", "1")
    assert removed.stdout.startswith("removed source #1 (file); its events stay in import #")
    assert run_cli("--db", db, "sources", "remove", "1").stderr.strip() == "Error: no source #1"
    assert run_cli("--db", db, "sources", "enable", "7").returncode == 1
    with Database.open(db) as opened:
        assert opened.scalar("SELECT count(*) FROM events WHERE log_type = 'network' AND site = 'Floor 2'") == 12
        audited = opened.rows("SELECT action, entity, entity_id FROM audit_log WHERE entity = 'source' ORDER BY id")
    assert [(a["action"], a["entity_id"]) for a in audited] == [
        ("create", "1"), ("create", "2"), ("create", "3"), ("update", "2"), ("delete", "1")]
    verify = run_cli("--db", db, "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_a_second_collector_is_refused_naming_the_first(tmp_path: Path) -> None:
    with CollectorLock(tmp_path / "ledger.db") as held:
        assert (tmp_path / "ledger.db.collector.lock").read_text().isdigit()
        with pytest.raises(CollectorBusy, match=r"another collector \(pid \d+\) is already running"):
            CollectorLock(tmp_path / "ledger.db").acquire()
        assert held.path.exists()
    CollectorLock(tmp_path / "ledger.db").acquire()  # free again once released


def test_hooks_run_after_each_committed_batch_with_its_event_ids(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text(lines(0, 5), encoding="utf-8")
    source_id = add(db, log)
    seen: list[tuple[int, int, int, int]] = []

    def hook(hdb: Database, import_id: int, first: int, last: int) -> None:
        seen.append((import_id, first, last, int(hdb.scalar("SELECT count(*) FROM events WHERE id BETWEEN ? AND ?",
                                                            (first, last)))))

    def broken(*_args: object) -> None:
        raise RuntimeError("a rule that fails")

    hooks.register(broken)
    hooks.register(hook)
    try:
        collect(db)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(lines(5, 3))
        collect(db)
        assert collect(db) == 0
    finally:
        hooks.unregister(hook)
        hooks.unregister(broken)
    import_id = db.scalar("SELECT import_id FROM sources WHERE id = ?", (source_id,))
    assert seen == [(import_id, 1, 5, 5), (import_id, 6, 8, 3)]


def test_udp_and_tcp_targets_are_parsed_and_checked() -> None:
    assert parse_target("udp://0.0.0.0:514") == {"kind": "udp", "host": "0.0.0.0", "port": 514}
    assert parse_target("tcp://[::1]:6514") == {"kind": "tcp", "host": "::1", "port": 6514}
    for bad in ("udp://host.example:514", "ftp://1.2.3.4:21", "tcp://127.0.0.1"):
        with pytest.raises(SourceSpecError):
            parse_target(bad)


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_network_source_stores_what_the_syslog_receiver_hears(db: Database) -> None:
    """A udp source in the collector: RFC 5424 and RFC 3164 datagrams become events with the source's client,
    a malformed one a reject naming the sender; both numbered on."""
    import socket
    import time

    port = _free_port()
    source_id = add(db, f"udp://127.0.0.1:{port}", client="Acme")
    row = db.rows("SELECT * FROM sources WHERE id = ?", (source_id,))[0]
    net = NetworkSource(db, row)
    net.start(db)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for data in (b"<11>1 2026-12-02T10:00:00.000Z gw1 sshd 42 - - bad password for agent7",
                         b"<30>Dec  2 10:00:01 pbx01 dialer[7]: trunk 4 up",
                         b"<999>junk"):
                sock.sendto(data, ("127.0.0.1", port))
        deadline = time.monotonic() + 10
        stored = 0
        while stored < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
            stored += net.pass_(db)
    finally:
        net.close()
    assert stored == 3
    events = db.rows("SELECT host, component, message, client, line_no FROM events ORDER BY line_no")
    assert events == [
        {"host": "gw1", "component": "sshd", "message": "bad password for agent7", "client": "Acme", "line_no": 1},
        {"host": "pbx01", "component": "dialer", "message": "trunk 4 up", "client": "Acme", "line_no": 2}]
    [reject] = db.rows("SELECT line_no, reason, raw FROM import_rejects")
    assert reject["line_no"] == 3 and "(from 127.0.0.1" in reject["reason"] and reject["raw"] == "<999>junk"


def test_a_network_source_whose_port_is_taken_shows_the_port_and_the_others_run(db: Database,
                                                                                tmp_path: Path) -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        source_id = add(db, f"udp://127.0.0.1:{port}")
        (tmp_path / "a.log").write_text(lines(0, 5), encoding="utf-8")
        add(db, tmp_path / "a.log")
        assert Runner(db, once=True).run() == 5
    assert str(port) in db.scalar("SELECT last_error FROM sources WHERE id = ?", (source_id,))


def test_followed_lines_get_their_patterns_and_fire_a_rule_once(db: Database, tmp_path: Path) -> None:
    """Each batch a collector commits is labelled with patterns and run through the alert rules."""
    from app.alerts import rules
    from app.domain.alerts import Rule
    from app.domain.filters import Filter
    from tests.collect_helpers import append

    rules.add(db, Rule("dpd", "count", 300, threshold=5, filter=Filter(search="DPD timeout"), incident=True,
                       impact=2, urgency=1))
    log = tmp_path / "vpn.log"
    log.write_text("".join(f"2026-12-02T10:00:{i:02d}.000Z gw1 charon[9]: DPD timeout on peer 10.0.0.{i}\n"
                           for i in range(3)), encoding="utf-8")
    add(db, log)
    assert collect(db) == 3
    assert db.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == 0
    assert db.scalar("SELECT count(*) FROM alert_firings") == 0
    append(log, "".join(f"2026-12-02T10:00:{i:02d}.000Z gw1 charon[9]: DPD timeout on peer 10.0.0.{i}\n"
                        for i in range(3, 20)))
    assert collect(db) == 17
    assert db.scalar("SELECT count(DISTINCT pattern_id) FROM events") == 1
    assert db.scalar("SELECT count(*) FROM alert_firings") == 1
    assert db.scalar("SELECT count(*) FROM incidents") == 1
    assert db.scalar("SELECT count(*) FROM incident_events") == 20  # the window that fired and the rest of the burst
    assert hooks.AFTER_BATCH == []  # the collector's own hooks leave with it


def test_an_idle_source_shows_no_lines_per_second(db: Database, tmp_path: Path) -> None:
    import datetime as dt

    from app.collect import service

    (tmp_path / "a.log").write_text(lines(0, 50), encoding="utf-8")
    add(db, tmp_path / "a.log")
    collect(db)
    [row] = service.listing(db)
    assert row["lines_s"] > 0
    [later] = service.listing(db, now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=service.IDLE_S + 1))
    assert later["lines_s"] == 0 and later["lines"] == 50


def test_a_source_whose_import_was_removed_starts_a_new_one(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "ledger.db"
    log = tmp_path / "a.log"
    log.write_text(lines(0, 3), encoding="utf-8")
    run_cli("--db", db, "sources", "add", log)
    run_cli("--db", db, "watch", "--once")
    removed = run_cli("--db", db, "imports", "--remove", "1")
    assert removed.returncode == 0, removed.stderr
    with log.open("a", encoding="utf-8") as fh:
        fh.write(lines(3, 2))
    again = run_cli("--db", db, "watch", "--once")
    assert again.returncode == 0 and again.stdout.strip() == "2 lines stored", again.stderr
    with Database.open(db) as opened:
        new_import = opened.scalar("SELECT import_id FROM sources")
        assert opened.rows("SELECT import_id, count(*) AS n FROM events GROUP BY import_id") == [
            {"import_id": new_import, "n": 2}]
        sql = "SELECT json_extract(options, '$.source_id') FROM imports WHERE id = ?"
        assert opened.scalar(sql, (new_import,)) == 1
