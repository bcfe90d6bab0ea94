"""Alert rule evaluation on a real ledger: heartbeat ticks, spikes, new patterns, per-host cooldowns, the
collector's entry point, and the audit trail staying whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.alerts import engine, rules
from app.domain.alerts import Rule
from app.domain.filters import Filter
from app.ingest.service import ImportOptions, import_paths
from app.store import alerts as store, audit
from app.store.database import Database

UTC = dt.UTC


def _at(hh: int, mm: int, ss: int = 0, day: int = 1) -> dt.datetime:
    return dt.datetime(2026, 12, day, hh, mm, ss, tzinfo=UTC)


def _log(path: Path, lines: list[tuple[dt.datetime, str, str]]) -> Path:
    """(time, host, "prog[pid]: message") as syslog lines, in time order."""
    path.write_text("".join(f"{t:%b} {t.day:2d} {t:%H:%M:%S} {host} {rest}\n" for t, host, rest in sorted(lines)),
                    encoding="utf-8")
    return path


def _import(db: Database, path: Path) -> int:
    [result] = import_paths(db, [path], ImportOptions(zone=UTC, zone_name="UTC", year=2026))
    assert result.ok, result.message
    return int(result.import_id or 0)


def _counts(db: Database) -> tuple[int, int, int]:
    return (int(db.scalar("SELECT count(*) FROM audit_log")), int(db.scalar("SELECT count(*) FROM alert_firings")),
            int(db.scalar("SELECT count(*) FROM incidents")))


def test_heartbeat_fires_on_a_tick_after_the_silence_then_waits_out_its_cooldown(db: Database, tmp_path: Path) -> None:
    _import(db, _log(tmp_path / "a.log", [(_at(9, m), "gw1", f"charon[1]: IKE_SA rekeyed {m}") for m in range(0, 60, 5)]
                     + [(_at(10, 0), "gw1", "charon[1]: IKE_SA rekeyed 60"),
                        (_at(10, 30), "gw2", "charon[1]: IKE_SA rekeyed on the other gateway")]))
    rules.add(db, Rule("gw1 silent", "heartbeat", 15 * 60, Filter(hosts=("gw1",)), cooldown_s=30 * 60,
                       incident=True, impact=1, urgency=2))
    assert engine.tick(db, _at(10, 14)) == []  # 14 minutes: not yet (gw2's line does not count)
    [first] = engine.tick(db, _at(10, 16))
    assert first["host"] == "gw1" and first["count"] == 0 and first["action"] == "incident-created"
    assert first["trigger_at"] == "2026-12-01T10:16:00.000Z" and first["window_start"] == "2026-12-01T10:00:00.000Z"
    assert engine.tick(db, _at(10, 30)) == []  # inside the 30-minute cooldown
    [again] = engine.tick(db, _at(10, 47))
    assert again["action"] == "incident-updated" and again["incident_number"] == first["incident_number"]
    # Events from gw1 again: a tick finds it alive.
    _import(db, _log(tmp_path / "b.log", [(_at(11, 0), "gw1", "charon[1]: IKE_SA rekeyed again")]))
    assert engine.tick(db, _at(11, 10)) == []
    # The replay finds the same silence, written nowhere.
    before = _counts(db)
    found = engine.replay(db, rules.get(db, "gw1 silent"), _at(10, 0), _at(11, 20))
    assert [t.trigger_at for t in found] == [_at(10, 15).timestamp(), _at(10, 45).timestamp(),  # then 11:00's line
                                             _at(11, 15).timestamp()]
    assert _counts(db) == before
    assert audit.verify(db).ok


def test_a_spike_against_the_rules_own_baseline_fires_once_where_a_steady_rate_does_not(
        db: Database, tmp_path: Path) -> None:
    rules.add(db, Rule("login storm", "spike", 5 * 60, Filter(search="authentication failure"), threshold=5))
    lines = []
    for bucket in range(24):  # two hours of 1-3 failures per five minutes on both hosts, 10:00 to 11:55
        start = _at(10, 0) + dt.timedelta(minutes=5 * bucket)
        for host in ("ws01", "ws02"):
            for k in range(1 + (bucket + len(host)) % 3):
                lines.append((start + dt.timedelta(seconds=40 * k + 7), host,
                              f"sshd[4]: authentication failure for agent{k} from 10.0.0.{k}"))
    spike_at = _at(12, 0)
    lines += [(spike_at + dt.timedelta(seconds=5 * i), "ws01", f"sshd[4]: authentication failure for agent{i} "
               f"from 10.0.9.{i}") for i in range(30)]
    lines += [(spike_at + dt.timedelta(seconds=30 * i), "ws02", f"sshd[4]: authentication failure for agent{i} "
               f"from 10.0.8.{i}") for i in range(2)]
    _import(db, _log(tmp_path / "auth.log", lines))
    [fired] = store.firings(db)
    assert fired["host"] == "ws01" and fired["count"] == 30 and fired["score"] >= 3.5
    assert fired["window_start"] == "2026-12-01T12:00:00.000Z" and fired["window_end"] == "2026-12-01T12:05:00.000Z"
    assert fired["action"] == "recorded" and fired["incident_number"] is None
    assert len(store.firing_event_ids(db, fired["id"])) == 30
    replayed = engine.replay(db, rules.get(db, "login storm"))
    assert [(t.host, t.count) for t in replayed] == [("ws01", 30)]


def test_a_new_pattern_fires_once_for_the_shape_never_seen_before(db: Database, tmp_path: Path) -> None:
    known = [(_at(9, 0, i), "ws01", f"sshd[{i}]: Accepted publickey for agent{i} from 10.1.0.{i} port 50{i} ssh2")
             for i in range(6)]
    known += [(_at(9, 5, i), "ws01", f"softphone[7]: SIP registration to pbx0{i} refreshed, expires {i * 60}")
              for i in range(6)]
    _import(db, _log(tmp_path / "a.log", known))
    rules.add(db, Rule("new shapes", "new_pattern", 10 * 60, threshold=2, cooldown_s=0))
    later = [(_at(10, 0, i), "ws01", f"sshd[{i}]: Accepted publickey for agent{i} from 10.2.0.{i} port 60{i} ssh2")
             for i in range(4)]
    later += [(_at(10, 1, i), "ws02", f"kernel: EXT4-fs error (device sda{i}): htree_dirblock_to_tree: bad entry")
              for i in range(3)]
    _import(db, _log(tmp_path / "b.log", later))
    [fired] = store.firings(db)
    new_id = db.scalar("SELECT pattern_id FROM events WHERE message LIKE 'EXT4-fs error%' LIMIT 1")
    assert fired["pattern_id"] == new_id and fired["host"] == "ws02" and fired["count"] == 3
    assert fired["trigger_at"] == "2026-12-01T10:01:01.000Z"  # its second event: threshold 2
    # The same shape again is no longer new, and a rule fires once per pattern whatever the cooldown.
    _import(db, _log(tmp_path / "c.log", [(_at(10, 30, i), "ws03", f"kernel: EXT4-fs error (device sdb{i}): "
                                           "htree_dirblock_to_tree: bad entry") for i in range(3)]))
    assert len(store.firings(db)) == 1
    assert [t.pattern_id for t in engine.replay(db, rules.get(db, "new shapes"), _at(9, 30))] == [new_id]


def test_cooldown_and_incidents_are_per_host(db: Database, tmp_path: Path) -> None:
    rules.add(db, Rule("dialer errors", "count", 5 * 60, Filter(include=("dialer timeout",)), threshold=3,
                       incident=True, impact=2, urgency=2))
    _import(db, _log(tmp_path / "a.log", [(_at(10, 0, i * 5), host, f"dialer[3]: dialer timeout on trunk {i}")
                                          for i in range(4) for host in ("pbx1", "pbx2")]))
    fired = sorted(store.firings(db), key=lambda f: f["host"])
    assert [f["host"] for f in fired] == ["pbx1", "pbx2"]
    assert len({f["incident_number"] for f in fired}) == 2 and all(f["count"] == 4 for f in fired)


def test_evaluate_range_the_collectors_entry_point(db: Database, tmp_path: Path) -> None:
    import_id = _import(db, _log(tmp_path / "a.log", [(_at(10, 0, i), "gw1", "charon[1]: DPD timeout for peer")
                                                      for i in range(6)]))
    first, last = db.execute("SELECT min(id), max(id) FROM events WHERE import_id = ?", (import_id,)).fetchone()
    before = _counts(db)
    assert engine.evaluate_range(db, first, last) == []  # no rule: nothing read beyond the rules table
    rules.add(db, Rule("off", "count", 60, Filter(search="DPD timeout"), threshold=2, enabled=False))
    assert engine.evaluate_range(db, first, last) == []
    rules.add(db, Rule("dpd", "count", 60, Filter(search="DPD timeout"), threshold=5))
    assert engine.evaluate_range(db, first, first + 2) == []  # three events so far: under the threshold
    [fired] = engine.evaluate_range(db, first + 3, last)  # the next batch completes it
    assert fired["count"] == 6 and fired["trigger_at"] == "2026-12-01T10:00:04.000Z"
    assert engine.evaluate_range(db, first, last) == []  # the same events again: inside the cooldown
    assert _counts(db)[1:] == (1, 0) and _counts(db)[0] == before[0] + 3  # two rules created, one firing
    assert audit.verify(db).ok


def test_a_ledger_from_before_alert_rules_upgrades_and_keeps_its_events(tmp_path: Path) -> None:
    from app.store import migrations

    path = tmp_path / "old.db"
    with Database.open(path, migrate=False) as old:
        migrations.upgrade(old, target=11)
        assert old.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'alert_rules'") == 0
        _import(old, _log(tmp_path / "a.log", [(_at(10, 0, i), "gw1", "charon[1]: DPD timeout for peer")
                                               for i in range(6)]))
    with Database.open(path) as db:
        assert db.user_version == migrations.LATEST >= 15
        rules.add(db, Rule("dpd", "count", 60, Filter(search="DPD timeout"), threshold=5))
        assert [t.count for t in engine.replay(db, rules.get(db, "dpd"))] == [6]
        assert audit.verify(db).ok
