"""``issue-ledger rules`` through the real CLI: a burst of DPD timeouts makes one P2 incident (issue 17, item 4)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

RULE = ["rules", "add", "vpn-dpd", "--search", "DPD timeout", "--threshold", "5", "--window", "5m",
        "--cooldown", "30m", "--incident", "--impact", "2", "--urgency", "1"]  # impact 2 × urgency 1 = P2


def _ok(r: Any) -> str:
    assert r.returncode == 0, r.stderr
    return str(r.stdout)


def _burst(path: Path, hh: int, mm: int, n: int = 20, host: str = "gw1", noise: int = 3) -> Path:
    """``n`` DPD timeouts 3 s apart from hh:mm on 1 December, among a few unrelated lines."""
    lines = [f"Dec  1 {hh:02d}:{mm:02d}:{i * 3:02d} {host} charon[812]: DPD timeout for peer 10.9.8.{i}, "
             "closing IKE_SA" for i in range(n)]
    lines += [f"Dec  1 {hh:02d}:{mm + 1:02d}:{i:02d} {host} sshd[9]: Accepted publickey for agent{i}"
              for i in range(noise)]
    path.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    return path


def _sql(db: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query, params).fetchall()


def _firings(run_cli: Any, db: Path) -> list[dict[str, Any]]:
    return json.loads(_ok(run_cli("--db", db, "rules", "firings", "--output", "json")))


def _import(run_cli: Any, db: Path, log: Path) -> None:
    _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", log))


def test_burst_fires_once_one_p2_incident_then_cooldown_then_the_open_incident_is_updated(
        run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    _ok(run_cli("--db", db, *RULE))
    _import(run_cli, db, _burst(tmp_path / "a.log", 10, 0))
    fired = _firings(run_cli, db)
    assert len(fired) == 1
    first = fired[0]
    assert first["rule_name"] == "vpn-dpd" and first["host"] == "gw1" and first["count"] == 20
    assert first["action"] == "incident-created" and first["trigger_at"] == "2026-12-01T10:00:12.000Z"  # the 5th
    number = first["incident_number"]
    incident = json.loads(_ok(run_cli("--db", db, "incident", "show", number, "--output", "json")))
    assert incident["priority"] == 2 and incident["impact"] == 2 and incident["urgency"] == 1
    assert len(incident["linked_events"]) == 20
    linked = _sql(db, "SELECT e.message FROM incident_events ie JOIN events e ON e.id = ie.event_id")
    assert len(linked) == 20 and all("DPD timeout" in m for (m,) in linked)

    # Another burst ten minutes later, inside the 30-minute cooldown: no firing; the outage's further
    # events join the open incident's evidence.
    _import(run_cli, db, _burst(tmp_path / "b.log", 10, 10))
    assert len(_firings(run_cli, db)) == 1
    assert _sql(db, "SELECT count(*) FROM incident_events")[0][0] == 40
    assert _sql(db, "SELECT count(*) FROM incidents")[0][0] == 1

    # An hour later, the incident still open: the same incident takes the new events, no second one.
    _import(run_cli, db, _burst(tmp_path / "c.log", 11, 0))
    fired = _firings(run_cli, db)
    assert len(fired) == 2
    assert fired[0]["action"] == "incident-updated" and fired[0]["incident_number"] == number
    assert _sql(db, "SELECT count(*) FROM incidents")[0][0] == 1
    incident = json.loads(_ok(run_cli("--db", db, "incident", "show", number, "--output", "json")))
    assert len(incident["linked_events"]) == 60
    notes = _sql(db, "SELECT new FROM audit_log WHERE action = 'note' AND entity = 'incident' AND entity_id = ?",
                 number)
    assert len(notes) == 1 and "fired again" in json.loads(notes[0][0])["note"]
    assert _sql(db, "SELECT count(*) FROM audit_log WHERE action = 'fire' AND entity = 'alert_rule'")[0][0] == 2
    table = _ok(run_cli("--db", db, "--tz", "UTC", "rules", "firings"))
    assert "2026-12-01 11:00:12" in table and "incident-updated" in table and number in table
    _ok(run_cli("--db", db, "verify"))


def test_closed_incident_is_not_reused_a_new_one_is_opened(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    _ok(run_cli("--db", db, *RULE))
    _import(run_cli, db, _burst(tmp_path / "a.log", 10, 0))
    number = _firings(run_cli, db)[0]["incident_number"]
    _ok(run_cli("--db", db, "incident", "update", number, "--status", "resolved", "--resolution-code", "fixed",
                "--notes", "VPN peer restarted"))
    _import(run_cli, db, _burst(tmp_path / "c.log", 11, 0))
    fired = _firings(run_cli, db)
    assert fired[0]["action"] == "incident-created" and fired[0]["incident_number"] != number
    _ok(run_cli("--db", db, "verify"))


def test_rules_test_replays_prints_firing_times_and_writes_nothing(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    for name, hh, mm in (("a.log", 10, 0), ("b.log", 10, 10), ("c.log", 11, 0)):
        _import(run_cli, db, _burst(tmp_path / name, hh, mm))
    _ok(run_cli("--db", db, *RULE))
    before = _sql(db, "SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM alert_firings),"
                      " (SELECT count(*) FROM incidents)")
    out = json.loads(_ok(run_cli("--db", db, "rules", "test", "vpn-dpd", "--output", "json")))
    assert [r["trigger_at"] for r in out] == ["2026-12-01T10:00:12.000Z", "2026-12-01T11:00:12.000Z"]
    assert out[0]["host"] == "gw1" and out[0]["count"] == 40  # the second burst fell in the first one's cooldown
    narrowed = json.loads(_ok(run_cli("--db", db, "--tz", "UTC", "rules", "test", "vpn-dpd", "--since",
                                      "2026-12-01T10:30", "--output", "json")))
    assert [r["trigger_at"] for r in narrowed] == ["2026-12-01T11:00:12.000Z"]
    shown = run_cli("--db", db, "--tz", "Europe/Paris", "rules", "test", "vpn-dpd")
    assert "2026-12-01 11:00:12" in _ok(shown) and "2026-12-01 12:00:12" in shown.stdout
    assert "2 firing(s)" in shown.stderr and "nothing was written" in shown.stderr
    after = _sql(db, "SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM alert_firings),"
                     " (SELECT count(*) FROM incidents)")
    assert after == before and after[0][1:] == (0, 0)


def test_list_show_disable_enable_remove_are_audited_and_a_disabled_rule_stays_quiet(
        run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    _ok(run_cli("--db", db, *RULE, "--severity", "error", "--client", "Acme", "--site", "Manila"))
    shown = json.loads(_ok(run_cli("--db", db, "rules", "show", "vpn-dpd")))
    assert shown["severity"] == "error" and shown["client"] == "Acme" and shown["filter"] == {"search": "DPD timeout"}
    assert shown["cooldown_s"] == 1800 and shown["window_s"] == 300 and shown["condition"] == "count"
    listed = _ok(run_cli("--db", db, "rules", "list"))
    assert "vpn-dpd" in listed and "≥ 5 in 5m" in listed and "30m" in listed
    _ok(run_cli("--db", db, "rules", "disable", "vpn-dpd"))
    _import(run_cli, db, _burst(tmp_path / "a.log", 10, 0))
    assert _firings(run_cli, db) == []
    _ok(run_cli("--db", db, "rules", "enable", "vpn-dpd"))
    _import(run_cli, db, _burst(tmp_path / "c.log", 11, 0))
    fired = _firings(run_cli, db)
    assert len(fired) == 1 and fired[0]["severity"] == "error"
    incident = json.loads(_ok(run_cli("--db", db, "incident", "show", fired[0]["incident_number"], "--output",
                                      "json")))
    assert (incident["client"], incident["site"]) == ("Acme", "Manila")
    _ok(run_cli("--db", db, "rules", "remove", "vpn-dpd"))
    assert json.loads(_ok(run_cli("--db", db, "rules", "list", "--output", "json"))) == []
    assert len(_firings(run_cli, db)) == 1, "firings outlive their rule"
    actions = [r[0] for r in _sql(db, "SELECT action FROM audit_log WHERE entity = 'alert_rule' ORDER BY id")]
    assert actions == ["create", "update", "update", "fire", "delete"]
    _ok(run_cli("--db", db, "verify"))


def test_bad_values_get_one_line_errors_naming_the_option(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    _ok(run_cli("--db", db, *RULE))
    cases = [
        (["rules", "add", "x", "--threshold", "5", "--window", "5x"], "--window"),
        (["rules", "add", "x", "--threshold", "5", "--window", "5m", "--cooldown", "1.5h"], "--cooldown"),
        (["rules", "add", "x", "--window", "5m"], "--threshold"),
        (["rules", "add", "x", "--threshold", "5", "--window", "5m", "--incident", "--impact", "2"], "--urgency"),
        (["rules", "add", "x", "--threshold", "5", "--window", "5m", "--incident", "--impact", "4", "--urgency", "1"],
         "--impact"),
        (["rules", "add", "x", "--threshold", "5", "--window", "5m", "--impact", "2"], "--impact"),
        (["rules", "add", "vpn-dpd", "--threshold", "5", "--window", "5m"], "vpn-dpd"),
        (["rules", "add", "x", "--condition", "spike", "--window", "5m", "--baseline", "2"], "--baseline"),
        (["rules", "show", "nope"], "nope"),
        (["rules", "remove", "nope"], "nope"),
        (["rules", "test", "vpn-dpd", "--since", "yesterday-ish"], "--since"),
    ]
    for args, named in cases:
        r = run_cli("--db", db, *args)
        assert r.returncode != 0, args
        error = [ln for ln in r.stderr.splitlines() if ln.startswith("Error")]
        assert len(error) == 1 and named in error[0], (args, r.stderr)
        assert "Traceback" not in r.stderr
    assert [r["name"] for r in json.loads(_ok(run_cli("--db", db, "rules", "list", "-o", "json")))] == ["vpn-dpd"]
