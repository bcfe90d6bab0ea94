"""``issue-ledger kb`` through real subprocesses: from a resolved incident to the fix suggested for a later event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.store.database import Database


def _ok(r: Any) -> str:
    assert r.returncode == 0, r.stderr
    return str(r.stdout)


def _one_line_error(r: Any, code: int = 1) -> str:
    assert r.returncode == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    return str(r.stderr)


def _syslog(path: Path, day: int, problem: list[str], noise: list[str]) -> Path:
    """The problem lines at 10:0x and the noise at 11:0x of a December 2026 day, in time order."""
    lines = [f"Dec {day:2d} 10:{i:02d}:00 {p}" for i, p in enumerate(problem)]
    lines += [f"Dec {day:2d} 11:{i:02d}:00 {n}" for i, n in enumerate(noise)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _events(run_cli: Any, db: Path) -> list[dict[str, Any]]:
    return json.loads(_ok(run_cli("--db", db, "events", "--output", "json", "--limit", "1000", "--oldest-first")))


NOISE = ["ws01 sshd[88]: Accepted publickey for agent7 from 10.0.0.7 port 51000 ssh2",
         "crm01 crm-agent[3]: ticket 4411 saved by agent7 in 31 ms",
         "ws02 kernel: e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex"]


def test_done_when_a_later_event_of_the_same_problem_finds_the_article_and_the_incident(
        run_cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    first = _syslog(tmp_path / "nov.log", 1, [f"dialer01 asterisk[311]: DPD timeout on trunk 7 peer 10.2.3.{4 + i}"
                                             for i in range(3)], NOISE)
    _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", first))
    dpd = [e for e in _events(run_cli, db) if "DPD timeout" in e["message"]]
    assert len(dpd) == 3
    links = [a for e in dpd for a in ("--event", str(e["id"]))]
    number = json.loads(_ok(run_cli("--db", db, "incident", "add", "--title", "Dialer calls dropping on trunk 7",
                                    "--type", "network", "--impact", "2", "--urgency", "1", *links,
                                    "--output", "json")))["number"]
    refused = _one_line_error(run_cli("--db", db, "kb", "draft", number))
    assert f"{number} is new: only a resolved or closed incident" in refused
    _ok(run_cli("--db", db, "incident", "update", number, "--root-cause", "Carrier SBC dropped the IPsec SA"))
    _ok(run_cli("--db", db, "incident", "update", number, "--status", "resolved", "--resolution-code", "carrier-fix",
                "--notes", "Carrier re-keyed the tunnel; restarted ipsec on dialer01"))
    drafted = json.loads(_ok(run_cli("--db", db, "kb", "draft", number, "--output", "json")))
    article = drafted["id"]
    assert isinstance(article, int) and drafted["incidents"] == [number]
    assert drafted["patterns"] == [dpd[0]["pattern_id"]]

    later = _syslog(tmp_path / "dec.log", 9, [f"dialer02 asterisk[977]: DPD timeout on trunk 12 peer 10.8.1.{20 + i}"
                                              for i in range(2)], NOISE[:1])
    _ok(run_cli("--db", db, "--tz", "UTC", "import", "--year", "2026", later))
    new = [e for e in _events(run_cli, db) if "trunk 12" in e["message"]]
    assert len(new) == 2 and new[0]["pattern_id"] == dpd[0]["pattern_id"]
    got = json.loads(_ok(run_cli("--db", db, "kb", "suggest", "--event", new[0]["id"], "-o", "json")))
    assert set(got) == {"articles", "incidents"}
    assert got["articles"] == [{"id": article, "title": "Dialer calls dropping on trunk 7", "score": 1}]
    assert got["incidents"] == [{"number": number, "title": "Dialer calls dropping on trunk 7",
                                 "resolution_code": "carrier-fix",
                                 "notes": "Carrier re-keyed the tunnel; restarted ipsec on dialer01"}]
    table = _ok(run_cli("--db", db, "kb", "suggest", "--event", new[0]["id"]))
    assert "Dialer calls dropping on trunk 7" in table and "carrier-fix" in table
    noise = next(e for e in _events(run_cli, db) if "publickey" in e["message"])
    assert json.loads(_ok(run_cli("--db", db, "kb", "suggest", "--event", noise["id"], "-o", "json"))) == {
        "articles": [], "incidents": []}

    verified = run_cli("--db", db, "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout
    assert "articles: match the audit trail" in verified.stdout
    with Database.open(db) as d:
        assert d.scalar("SELECT count(*) FROM audit_log WHERE entity = 'article' AND action = 'create'"
                        " AND entity_id = ?", (str(article),)) == 1


BODY = """Agents on the Cebu floor hear silence, then the call drops.

## Symptoms
SIP 408 from the SBC at 10.20.30.40; first reported in INC-000001.

## Cause
The SBC's registration table was full.

## Resolution
1. Clear stale registrations.
2. Raise the table size to 4096.
"""


def test_add_show_list_search_link_update_remove(run_cli: Any, new_db_path: Path, tmp_path: Path) -> None:
    db = new_db_path
    number = json.loads(_ok(run_cli("--db", db, "incident", "add", "--title", "Silent calls", "--type", "network",
                                    "--impact", "2", "--urgency", "2", "-o", "json")))["number"]
    aid = int(_ok(run_cli("--db", db, "kb", "add", "--title", "Silent calls after SBC registration fills",
                          "--body-file", "-", "--incident", number, "--tags", "sip, sbc", input=BODY)).strip())
    shown = json.loads(_ok(run_cli("--db", db, "kb", "show", str(aid), "-o", "json")))
    assert shown["cause"] == "The SBC's registration table was full."
    assert shown["resolution"].startswith("1. Clear stale registrations.")
    assert shown["tags"] == "sip, sbc" and [i["number"] for i in shown["incidents"]] == [number]
    text = _ok(run_cli("--db", db, "--tz", "UTC", "kb", "show", str(aid)))
    assert "Silent calls after SBC" in text and "## Resolution" in text and number in text

    body_file = tmp_path / "printer.md"
    body_file.write_text("Spooler hangs on PRN-7 \x1b[31mred\x1b[0m.\n\n## Resolution\nRestart the spooler.\n",
                         encoding="utf-8")
    other = int(_ok(run_cli("--db", db, "kb", "add", "--title", "Printer queue stuck", "--body-file", body_file)))

    def ids(*args: str) -> list[int]:
        return [r["id"] for r in json.loads(_ok(run_cli("--db", db, "kb", *args, "-o", "json")))]

    shown_text = _ok(run_cli("--db", db, "kb", "show", str(other)))
    assert "PRN-7 \\x1b[31mred\\x1b[0m." in shown_text and "\x1b" not in shown_text  # a terminal escape is shown
    assert ids("search", "10.20.30.40") == [aid]  # an address typed as is
    assert ids("search", "INC-000001") == [aid]  # an incident number typed as is
    assert ids("search", "10.20.30.41") == []
    assert ids("search", "spooler") == [other]
    assert set(ids("list")) == {aid, other}
    listing = _ok(run_cli("--db", db, "kb", "list"))
    assert "Printer queue stuck" in listing and "sip, sbc" in listing

    _ok(run_cli("--db", db, "kb", "link", str(other), "--incident", number))
    assert json.loads(_ok(run_cli("--db", db, "kb", "list", "-o", "json")))[0]["incidents"] == [number]
    again = _ok(run_cli("--db", db, "kb", "link", str(other), "--incident", number))
    assert "no change" in again
    _ok(run_cli("--db", db, "kb", "link", str(other), "--incident", number, "--unlink"))
    assert json.loads(_ok(run_cli("--db", db, "kb", "show", str(other), "-o", "json")))["incidents"] == []
    _ok(run_cli("--db", db, "kb", "update", str(other), "--title", "Print spooler hangs", "--tags", "printing"))
    assert ids("search", "printing") == [other]
    _ok(run_cli("--db", db, "kb", "remove", str(other)))
    assert ids("list") == [aid]

    ok = run_cli("--db", db, "verify")
    assert ok.returncode == 0, ok.stdout
    with Database.open(db) as d:
        actions = [r[0] for r in d.execute("SELECT action FROM audit_log WHERE entity = 'article' ORDER BY id")]
    assert actions == ["create", "create", "link", "unlink", "update", "delete"]


def test_unknown_ids_and_bad_input_are_one_line(run_cli: Any, new_db_path: Path, tmp_path: Path) -> None:
    db = new_db_path
    assert "no article 999" in _one_line_error(run_cli("--db", db, "kb", "show", "999"))
    assert "no article 999" in _one_line_error(run_cli("--db", db, "kb", "link", "999", "--incident", "INC-000001"))
    assert "no incident 'INC-000404'" in _one_line_error(run_cli("--db", db, "kb", "draft", "INC-000404"))
    assert "no event with id 12345" in _one_line_error(run_cli("--db", db, "kb", "suggest", "--event", "12345"))
    body = tmp_path / "b.md"
    body.write_text("text", encoding="utf-8")
    refused = _one_line_error(run_cli("--db", db, "kb", "add", "--title", "t", "--body-file", body,
                                      "--pattern", "4242"))
    assert "no pattern 4242" in refused and "nothing was saved" in refused
    assert "no incident 'INC-000009'" in _one_line_error(
        run_cli("--db", db, "kb", "add", "--title", "t", "--body-file", body, "--incident", "INC-000009"))
    missing = run_cli("--db", db, "kb", "add", "--title", "t", "--body-file", tmp_path / "nope.md")
    assert missing.returncode == 2 and "nope.md" in missing.stderr and "Traceback" not in missing.stderr
    latin = tmp_path / "latin.md"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    bad = run_cli("--db", db, "kb", "add", "--title", "t", "--body-file", latin)
    assert bad.returncode == 2 and "latin.md: not UTF-8 text" in bad.stderr
    with Database.open(db) as d:
        assert d.scalar("SELECT count(*) FROM kb_articles") == 0
