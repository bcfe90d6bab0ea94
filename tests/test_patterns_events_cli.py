"""``issue-ledger events --pattern ID``: the CLI's way to the Patterns page's drill-down (issue 16), real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _ok(r: Any) -> Any:
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_events_pattern_lists_exactly_that_patterns_events(run_cli: Any, tmp_path: Path) -> None:
    lines = [f"Dec  1 00:01:{i:02d} ws0{i % 3} sshd[{100 + i}]: Accepted publickey for agent{i} from 10.1.0.{i}"
             f" port {5000 + i} ssh2" for i in range(6)]
    lines += [f"Dec  1 00:02:{i:02d} ws01 kernel: e1000e: eth{i} NIC Link is Down" for i in range(4)]
    log = tmp_path / "a.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "l.db"
    assert run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", log).returncode == 0
    patterns = _ok(run_cli("--db", db, "patterns", "--output", "json"))
    assert [p["count"] for p in patterns] == [6, 4]
    for p in patterns:
        events = _ok(run_cli("--db", db, "events", "--pattern", str(p["id"]), "--output", "json"))
        assert len(events) == p["count"] and {e["pattern_id"] for e in events} == {p["id"]}
    other = _ok(run_cli("--db", db, "events", "--pattern", str(patterns[0]["id"]), "--host", "ws01",
                        "--output", "json"))
    assert len(other) == 2  # it narrows with the other filter options
    assert _ok(run_cli("--db", db, "events", "--pattern", "999999", "--output", "json")) == []
    bad = run_cli("--db", db, "events", "--pattern", "nope")
    assert bad.returncode != 0 and "--pattern" in bad.stderr
