"""``issue-ledger patterns`` and the pattern ids imports give events (issue 16), through the real CLI."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.store.database import Database

FIELDS = ["id", "template", "count", "first_seen", "last_seen", "new", "spiking", "incidents"]


def _ok(r: Any) -> str:
    assert r.returncode == 0, r.stderr
    return str(r.stdout)


def _syslog(path: Path, lines: list[tuple[int, int, str]]) -> Path:
    """(day of December 2026, second of the day, "prog[pid]: message") as syslog lines, in time order."""
    text = []
    for day, sec, rest in sorted(lines, key=lambda x: (x[0], x[1])):
        text.append(f"Dec {day:2d} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d} ws01 {rest}")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def _events(run_cli: Any, db: Path) -> list[dict[str, Any]]:
    return json.loads(_ok(run_cli("--db", db, "events", "--output", "json", "--limit", "100000", "--oldest-first")))


def _ids_by_message(events: list[dict[str, Any]]) -> dict[str, int]:
    return {e["message"]: e["pattern_id"] for e in events}


def test_events_json_carries_pattern_id_and_same_shapes_share_it(run_cli: Any, tmp_path: Path) -> None:
    log = _syslog(tmp_path / "a.log", [
        (1, 60 + i, f"sshd[{100 + i}]: Accepted publickey for agent{i} from 10.1.0.{i} port {5000 + i} ssh2")
        for i in range(5)] + [(1, 200 + i, f"kernel: e1000e: eth{i} NIC Link is Down") for i in range(3)])
    db = tmp_path / "l.db"
    _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", log))
    events = _events(run_cli, db)
    assert len(events) == 8 and all(isinstance(e["pattern_id"], int) for e in events)
    assert len({e["pattern_id"] for e in events[:5]}) == 1
    assert len({e["pattern_id"] for e in events[5:]}) == 1
    assert events[0]["pattern_id"] != events[5]["pattern_id"]
    templates = {r["id"]: r["template"] for r in json.loads(_ok(run_cli("--db", db, "patterns", "--output", "json")))}
    # The words that vary are parameters, though later messages of a shape are only looked up, not mined.
    assert templates[events[0]["pattern_id"]] == "Accepted publickey for <*> from <IP> port <NUM> ssh2"
    assert templates[events[5]["pattern_id"]] == "e1000e: <*> NIC Link is Down"


def test_second_import_reuses_the_first_files_pattern_ids(run_cli: Any, tmp_path: Path) -> None:
    """Stability: a later file's messages of shapes seen before get the ids they got then (another process)."""
    first = _syslog(tmp_path / "jan.log", [
        (1, 60 + i, f"sshd[{100 + i}]: Accepted publickey for agent{i} from 10.1.0.{i} port {5000 + i} ssh2")
        for i in range(4)] + [(1, 300 + i, f"softphone[7]: SIP registration to pbx0{i} refreshed, expires {i * 60}")
                              for i in range(4)])
    second = _syslog(tmp_path / "feb.log", [
        (2, 60 + i, f"sshd[{900 + i}]: Accepted publickey for agent{40 + i} from 10.9.0.{i} port {7000 + i} ssh2")
        for i in range(3)] + [(2, 500, "crm-agent[3]: ticket 4411 saved by agent7 in 31 ms")]
        + [(2, 600 + i, f"softphone[9]: SIP registration to pbx1{i} refreshed, expires {i * 90}") for i in range(2)])
    db = tmp_path / "l.db"
    _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", first))
    before = _events(run_cli, db)
    _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", second))
    after = [e for e in _events(run_cli, db) if e["import_id"] != before[0]["import_id"]]
    ssh_then = {e["pattern_id"] for e in before if "publickey" in e["message"]}
    sip_then = {e["pattern_id"] for e in before if "SIP" in e["message"]}
    assert len(ssh_then) == 1 and len(sip_then) == 1
    assert {e["pattern_id"] for e in after if "publickey" in e["message"]} == ssh_then
    assert {e["pattern_id"] for e in after if "SIP" in e["message"]} == sip_then
    crm = [e["pattern_id"] for e in after if "ticket" in e["message"]]
    assert crm and crm[0] not in ssh_then | sip_then


@pytest.mark.extdata
def test_second_loghub_file_reuses_pattern_ids(run_cli: Any, tmp_path: Path, extdata: Path) -> None:
    """Stability on a real log: each system's sample split in two files, imported one after the other.

    Every event of the second file whose true event type (the authors' EventId) the first file
    had too gets an id the first file's events of that type got.
    """
    from app.patterns.miner import Miner

    for sample in sorted((extdata / "loghub").glob("*/*_2k.log")):
        lines = sample.read_text(encoding="utf-8").splitlines()
        with sample.with_name(sample.name + "_structured.csv").open(encoding="utf-8", newline="") as fh:
            truth = {int(r["LineId"]): r["EventId"] for r in csv.DictReader(fh)}
        (tmp_path / "a.log").write_text("\n".join(lines[:1000]) + "\n", encoding="utf-8")
        (tmp_path / "b.log").write_text("\n".join(lines[1000:]) + "\n", encoding="utf-8")
        db = tmp_path / f"{sample.parent.name}.db"
        _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", tmp_path / "a.log"))
        _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", tmp_path / "b.log"))
        events = _events(run_cli, db)
        first_import = min(e["import_id"] for e in events)
        then: dict[str, set[int]] = {}
        for e in events:
            if e["import_id"] == first_import:
                then.setdefault(truth[e["line_no"]], set()).add(e["pattern_id"])
        shared = [e for e in events if e["import_id"] != first_import and truth[1000 + e["line_no"]] in then]
        assert len(shared) > 300, sample.name
        moved = [e["message"] for e in shared if e["pattern_id"] not in then[truth[1000 + e["line_no"]]]]
        assert len(moved) <= len(shared) // 100, (sample.name, moved[:3])  # HDFS: block lists of a new length
        continuous = Miner()  # one miner over both files in one go, in file order: what the two imports must equal
        events.sort(key=lambda e: (e["import_id"], e["line_no"]))
        assert [e["pattern_id"] for e in events] == [continuous.pattern_of(e["message"]) for e in events]


def test_patterns_json_new_spiking_and_incidents(run_cli: Any, tmp_path: Path) -> None:
    lines = []
    for day in range(1, 7):  # a steady shape every day, a quota warning that jumps on the last day
        lines += [(day, 3600 + i * 60, f"sshd[{i}]: session opened for user agent{i}") for i in range(10)]
        lines += [(day, 7200 + i, f"kernel: disk quota warning on volume {i}") for i in range(40 if day == 6 else 2)]
    lines += [(6, 9000 + i, f"ipmi[1]: fan {i} failure on rack {i + 3}") for i in range(3)]  # first seen on day 6
    db = tmp_path / "l.db"
    _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", _syslog(tmp_path / "a.log", lines)))
    fan_event = next(e for e in _events(run_cli, db) if "fan" in e["message"])
    number = json.loads(_ok(run_cli("--db", db, "incident", "add", "--title", "Rack fans", "--type", "system",
                                    "--impact", "2", "--urgency", "2", "--event", str(fan_event["id"]),
                                    "--output", "json")))["number"]

    rows = json.loads(_ok(run_cli("--db", db, "--tz", "UTC", "patterns", "--since", "2026-12-01",
                                  "--output", "json")))
    assert all(list(r) == FIELDS for r in rows)
    by = {r["template"].split()[0]: r for r in rows}
    assert set(by) == {"session", "disk", "fan"}
    assert [r["count"] for r in rows] == [60, 50, 3]  # by count, the largest first
    assert by["disk"]["spiking"] is True and by["session"]["spiking"] is False
    assert by["fan"]["incidents"] == [number] and by["session"]["incidents"] == []
    assert by["session"]["first_seen"] == "2026-12-01T01:00:00.000Z"
    assert by["session"]["last_seen"] == "2026-12-06T01:09:00.000Z"
    assert all(r["new"] for r in rows)  # all first seen within the period...

    recent = json.loads(_ok(run_cli("--db", db, "--tz", "UTC", "patterns", "--since", "2026-12-06",
                                    "--sort", "new", "--output", "json")))
    assert [r["template"].split()[0] for r in recent if r["new"]] == ["fan"]  # ...but only the fan within day 6
    assert recent[0]["template"].startswith("fan")
    growth = json.loads(_ok(run_cli("--db", db, "--tz", "UTC", "patterns", "--since", "2026-12-01",
                                    "--sort", "growth", "--output", "json")))
    assert growth[0]["template"].startswith("disk")
    table = _ok(run_cli("--db", db, "--tz", "UTC", "patterns", "--since", "2026-12-01"))
    assert "spiking" in table and "disk quota warning" in table


def test_older_events_get_patterns_with_progress(run_cli: Any, tmp_path: Path) -> None:
    """A database whose events predate patterns (as migration 11 leaves it) gets them from ``patterns``."""
    log = _syslog(tmp_path / "a.log", [(1, 60 + i, f"sshd[{i}]: Failed password for admin{i} from 10.0.0.{i} port 22")
                                       for i in range(30)] + [(1, 900, "cron[2]: job backup finished")])
    db = tmp_path / "l.db"
    _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", log))
    mined = _ids_by_message(_events(run_cli, db))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE events SET pattern_id = NULL")
        conn.execute("DELETE FROM patterns")
        conn.execute("DELETE FROM pattern_days")
        conn.execute("DELETE FROM pattern_state")
    r = run_cli("--db", db, "patterns", "--rebuild")
    assert _ok(r).strip() == "31 events given patterns"
    assert "31 of 31 events given patterns" in r.stderr
    again = _ids_by_message(_events(run_cli, db))
    assert sorted(again.values()) == sorted(mined.values())
    rows = json.loads(_ok(run_cli("--db", db, "patterns", "--output", "json")))
    assert sorted(r["count"] for r in rows) == [1, 30]
    assert _ok(run_cli("--db", db, "patterns", "--rebuild")).strip() == "0 events given patterns"


def test_deleting_an_import_takes_its_counts_out(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    for name, day in (("a.log", 1), ("b.log", 2)):
        _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", _syslog(
            tmp_path / name, [(day, 60 + i, f"sshd[{i}]: Failed password for admin{i} from 10.0.0.{i} port 22")
                              for i in range(5)])))
    with Database.open(db) as d:
        first = d.scalar("SELECT min(id) FROM imports")
        from app.store import imports

        imports.delete(d, first)
        assert d.rows("SELECT day, count FROM pattern_days") == [{"day": "2026-12-02", "count": 5}]
        assert d.scalar("SELECT count FROM patterns") == 5


def test_migration_leaves_older_events_to_the_patterns_command(run_cli: Any, tmp_path: Path) -> None:
    """A file made at schema 10 opens at 11 with its events unmined; ``patterns`` mines them all, then lists."""
    from app.demo.generator import generate
    from app.store import migrations

    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrations.upgrade(db, target=10)
    generate(db, events=3000, seed=5)
    total = db.scalar("SELECT count(*) FROM events")
    db.close()
    with Database.open(path) as d:
        assert d.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == total
    r = run_cli("--db", path, "patterns", "--output", "json")
    rows = json.loads(_ok(r))
    assert f"{total:,} of {total:,} events given patterns" in r.stderr
    assert sum(row["count"] for row in rows[:50]) <= total and rows
    with Database.open(path) as d:
        assert d.scalar("SELECT count(*) FROM events WHERE pattern_id IS NULL") == 0
        assert d.scalar("SELECT sum(count) FROM pattern_days") == total
    assert run_cli("--db", path, "patterns").stderr == ""  # nothing left to mine: no progress line
