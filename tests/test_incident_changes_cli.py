"""``issue-ledger incident changes``: what rose in the hours before an incident opened (issue 16, item 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _ok(r: Any) -> str:
    assert r.returncode == 0, r.stderr
    return str(r.stdout)


def _syslog(path: Path, lines: list[tuple[int, int, str, str]]) -> Path:
    """(day of December 2026, second of the day, host, "prog[pid]: message") as syslog lines, in time order."""
    text = [f"Dec {d:2d} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d} {h} {rest}" for d, s, h, rest in sorted(lines)]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def _burst_logs(tmp: Path) -> list[Path]:
    """Seven quiet days, then on Dec 8 between 08:00 and 12:00 ws03's NIC flaps 30 times and a new message appears.

    Every day each host logs a few logins and a cron line in those hours, and ws03's NIC goes down
    once or twice, so the burst is against a baseline that is not empty.
    """
    a: list[tuple[int, int, str, str]] = []
    b: list[tuple[int, int, str, str]] = []
    for day in range(1, 9):
        for n, host in enumerate(("ws01", "ws02", "ws03", "ws04")):
            out = a if host in ("ws01", "ws02") else b
            for i in range(3 + (day + n) % 3):
                out.append((day, 8 * 3600 + 600 * i + n, host,
                            f"sshd[{100 + i}]: Accepted publickey for agent{i} from 10.1.0.{i} port {5000 + i} ssh2"))
            out.append((day, 10 * 3600 + n, host, f"CRON[{200 + n}]: pam_unix(cron:session): session opened for root"))
            out.append((day, 20 * 3600 + n, host, f"sshd[{300 + n}]: Received disconnect from 10.2.0.{n} port 22"))
        for i in range(1 + day % 2):
            b.append((day, 9 * 3600 + 60 * i, "ws03", "kernel: e1000e: eth0 NIC Link is Down"))
    for i in range(30):
        b.append((8, 10 * 3600 + 30 * i, "ws03", "kernel: e1000e: eth0 NIC Link is Down"))
    for i in range(2):
        b.append((8, 11 * 3600 + 60 * i, "ws04", f"smartd[{400 + i}]: Device /dev/sda reports {5 + i} offline sectors"))
    a.append((8, 11 * 3600, "ws99", "sshd[999]: Received disconnect from 10.9.9.9 port 22"))  # one line of noise
    return [_syslog(tmp / "a.log", a), _syslog(tmp / "b.log", b)]


def _incident(run_cli: Any, db: Path, opened: str) -> str:
    out = _ok(run_cli("--db", db, "--tz", "UTC", "incident", "add", "--title", "ws03 offline", "--type", "network",
                      "--impact", "2", "--urgency", "2", "--opened", opened, "--output", "json"))
    return str(json.loads(out)["number"])


def test_changes_put_the_burst_first_and_mark_the_new_pattern(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    for log in _burst_logs(tmp_path):
        _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", log))
    number = _incident(run_cli, db, "2026-12-08 12:00")
    found = json.loads(_ok(run_cli("--db", db, "incident", "changes", number, "--hours", "4", "--output", "json")))
    assert found["incident"] == number and found["baseline_days"] == 7
    assert found["window_start"] == "2026-12-08T08:00:00.000Z" and found["window_end"] == "2026-12-08T12:00:00.000Z"
    rows = found["changes"]
    assert rows and set(rows[0]) == {"kind", "key", "label", "before", "baseline", "score", "new", "first_seen",
                                     "pattern_id"}
    # The burst tops the list, seen as its pattern, its host, its component and its log file.
    top = {(r["kind"], r["label"]) for r in rows[:4]}
    assert top == {("pattern", "e1000e: eth0 NIC Link is Down"), ("host", "ws03"), ("component", "kernel"),
                   ("file", "b.log")}, rows[:5]
    assert rows[0]["label"] in ("kernel", "e1000e: eth0 NIC Link is Down")
    nic = next(r for r in rows if r["kind"] == "pattern" and r["label"].startswith("e1000e"))
    assert nic["before"] == 31 and nic["baseline"] == 2.0 and not nic["new"] and isinstance(nic["pattern_id"], int)
    assert nic["key"] == str(nic["pattern_id"])
    new = [r for r in rows if r["new"]]
    assert [r["label"] for r in new] == ["Device <PATH> reports <NUM> offline sectors"]
    assert new[0]["first_seen"] == "2026-12-08T11:00:00.000Z" and new[0]["before"] == 2
    assert "ws99" not in {r["key"] for r in rows}  # one line is noise, not a change
    shown = _ok(run_cli("--db", db, "incident", "changes", number))
    assert "NIC Link is Down" in shown and "7 earlier day(s)" in shown


def test_changes_of_an_unknown_incident_name_it(run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    _incident(run_cli, db, "2026-12-08 12:00")
    r = run_cli("--db", db, "incident", "changes", "INC-999999")
    assert r.returncode != 0 and "INC-999999" in r.stderr
