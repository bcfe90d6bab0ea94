"""The knowledge base's services (issue 16, item 4) on a real SQLite file: articles, drafts, suggestions, audit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from app.analysis import integrity
from app.incidents import service as svc
from app.kb import KbError, articles, draft, suggest
from app.kb.markdown import sections
from app.store import migrations
from app.store.database import Database
from tests.kb_helpers import dpd_lines, import_lines, ssh_lines

UTC = dt.UTC
BODY = """Seen on the dialers after carrier maintenance.

## Symptoms

Calls drop after 30 s; `DPD timeout` on trunk peers such as 10.2.3.4.

## Cause
The carrier's SBC dropped the IPsec SA.

## Resolution

1. Ask the carrier to re-key.
2. Restart the tunnel: `ipsec restart`.
"""


def _fixed_incident(db: Database, events: list[int], title: str = "Dialer trunk DPD timeouts",
                    code: str = "carrier-fix", notes: str | None = "Carrier re-keyed the tunnel",
                    cause: str | None = "Carrier SBC dropped the IPsec SA") -> str:
    row = svc.create(db, {"title": title, "log_type": "network", "impact": 2, "urgency": 2}, event_ids=events)
    if cause:
        svc.update(db, row["number"], {"root_cause": cause})
    svc.transition(db, row["number"], "resolved", resolution_code=code, notes=notes)
    return str(row["number"])


def _pattern(db: Database, event_id: int) -> int:
    return int(db.scalar("SELECT pattern_id FROM events WHERE id = ?", (event_id,)))


def _audit(db: Database) -> list[dict[str, Any]]:
    return db.rows("SELECT action, entity_id, old, new FROM audit_log WHERE entity = 'article' ORDER BY id")


def test_schema_12_adds_the_tables_and_keeps_the_index_in_step(db: Database) -> None:
    assert db.user_version == migrations.LATEST >= 12
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert {"kb_articles", "kb_article_patterns", "kb_article_incidents", "kb_fts", "kb_fts_ai", "kb_fts_au",
            "kb_fts_ad"} <= names
    aid = articles.add(db, "VPN flaps", "Tunnel to 172.16.9.1 drops", tags="vpn")
    assert [a["id"] for a in articles.listing(db, "172.16.9.1")] == [aid]
    articles.update(db, aid, {"body": "Tunnel to 192.168.4.4 drops"})
    assert articles.listing(db, "172.16.9.1") == []
    assert [a["id"] for a in articles.listing(db, "192.168.4.4")] == [aid]
    articles.remove(db, aid)
    assert articles.listing(db, "192.168.4.4") == [] and articles.listing(db, "vpn") == []


def test_sections_of_the_body_fill_the_fields_unless_given() -> None:
    found = sections(BODY)
    assert found["symptoms"].startswith("Calls drop after 30 s")
    assert found["cause"] == "The carrier's SBC dropped the IPsec SA."
    assert found["resolution"].splitlines() == ["1. Ask the carrier to re-key.",
                                                "2. Restart the tunnel: `ipsec restart`."]
    assert sections("```\n## Cause\n```\nno headings") == {}
    assert sections("## Cause\nwhy\n## Notes\nnot the cause") == {"cause": "why"}


def test_add_get_update_and_their_audit_rows(db: Database) -> None:
    aid = articles.add(db, "  DPD timeouts  ", BODY, cause="Given cause wins", tags=" voip, carrier,voip ",
                       actor="maria")
    got = articles.get(db, aid)
    assert got["title"] == "DPD timeouts" and got["cause"] == "Given cause wins"
    assert got["symptoms"].startswith("Calls drop") and got["resolution"].startswith("1. Ask the carrier")
    assert got["tags"] == "voip, carrier" and got["author"] == "maria" and got["body"] == BODY.strip()
    assert got["created_at"].endswith("Z") and got["patterns"] == [] and got["incidents"] == []
    [create] = _audit(db)
    assert create["action"] == "create" and create["entity_id"] == str(aid)
    assert json.loads(create["new"])["cause"] == "Given cause wins"

    same = articles.update(db, aid, {"title": "DPD timeouts"})
    assert same["updated_at"] == got["updated_at"] and len(_audit(db)) == 1  # a no-op writes nothing
    changed = articles.update(db, aid, {"title": "Dialer DPD timeouts", "tags": "voip"}, actor="jo")
    assert changed["title"] == "Dialer DPD timeouts" and changed["tags"] == "voip"
    update = _audit(db)[-1]
    assert update["action"] == "update"
    assert json.loads(update["old"]) == {"title": "DPD timeouts", "tags": "voip, carrier"}
    assert json.loads(update["new"]) == {"title": "Dialer DPD timeouts", "tags": "voip"}

    with pytest.raises(KbError, match="not an article field: colour"):
        articles.update(db, aid, {"colour": "blue"})
    with pytest.raises(KbError, match="title: is required"):
        articles.update(db, aid, {"title": "  "})
    with pytest.raises(KbError, match="no article 999"):
        articles.get(db, 999)
    assert len(_audit(db)) == 2


def test_link_unlink_and_unknown_ids(db: Database, tmp_path: Path) -> None:
    events = import_lines(db, tmp_path / "a.log", dpd_lines(1, 3) + ssh_lines(1))
    number = _fixed_incident(db, events[:3])
    pid = _pattern(db, events[0])
    aid = articles.add(db, "DPD", "text")
    assert articles.link(db, aid, pattern=pid, incident=number) is True
    assert articles.link(db, aid, pattern=pid) is False  # already linked: nothing written
    got = articles.get(db, aid)
    assert [p["id"] for p in got["patterns"]] == [pid] and "<NUM>" in got["patterns"][0]["template"]
    assert [i["number"] for i in got["incidents"]] == [number]
    assert [a["id"] for a in articles.listing(db, pattern=pid)] == [aid]
    assert articles.listing(db, pattern=pid + 1000) == []
    assert articles.link(db, aid, incident=number, unlink=True) is True
    assert articles.get(db, aid)["incidents"] == []
    actions = [(r["action"], json.loads(r["new"] or r["old"])) for r in _audit(db)[1:]]
    assert actions == [("link", {"patterns": [pid], "incidents": [number]}), ("unlink", {"incidents": [number]})]
    with pytest.raises(KbError, match="no pattern 4242"):
        articles.link(db, aid, pattern=4242)
    with pytest.raises(KbError, match="no incident 'INC-000777'"):
        articles.add(db, "x", "y", incidents=["INC-000777"])
    with pytest.raises(KbError, match="no article 55"):
        articles.link(db, 55, pattern=pid)
    assert db.scalar("SELECT count(*) FROM kb_articles") == 1  # the refused add left nothing behind


def test_remove_keeps_the_whole_article_in_the_trail(db: Database) -> None:
    aid = articles.add(db, "Printer queue stuck", "## Resolution\nRestart spooler")
    articles.remove(db, aid, actor="maria")
    last = _audit(db)[-1]
    assert last["action"] == "delete" and json.loads(last["old"])["resolution"] == "Restart spooler"
    with pytest.raises(KbError):
        articles.get(db, aid)


def test_draft_refuses_unfixed_or_unexplained_incidents(db: Database, tmp_path: Path) -> None:
    events = import_lines(db, tmp_path / "a.log", dpd_lines(1, 2))
    open_one = svc.create(db, {"title": "Open", "log_type": "network", "impact": 2, "urgency": 2}, event_ids=events)
    with pytest.raises(KbError, match=r"INC-000001 is new: only a resolved or closed incident"):
        draft.draft_from_incident(db, open_one["number"])
    bare = _fixed_incident(db, events, notes=None, cause=None)
    with pytest.raises(KbError, match="neither a root cause nor resolution notes"):
        draft.draft_from_incident(db, bare)
    with pytest.raises(KbError, match="no incident 'INC-000404'"):
        draft.draft_from_incident(db, "INC-000404")
    assert db.scalar("SELECT count(*) FROM kb_articles") == 0


def test_draft_from_a_resolved_incident(db: Database, tmp_path: Path) -> None:
    events = import_lines(db, tmp_path / "a.log", dpd_lines(1, 4) + ssh_lines(1))
    number = _fixed_incident(db, events[:4] + [events[4]])
    aid = draft.draft_from_incident(db, number.lower(), actor="maria")
    got = articles.get(db, aid)
    assert got["title"] == "Dialer trunk DPD timeouts" and got["source_incident"] == number
    assert got["cause"] == "Carrier SBC dropped the IPsec SA"
    assert got["resolution"] == "Carrier re-keyed the tunnel\n\nResolution code: carrier-fix"
    assert "`DPD timeout on trunk <NUM> peer <IP>`" in got["symptoms"] and "4 event(s) on dialer01, dialer02" in \
        got["symptoms"]
    assert "first seen 2026-12-01T10:00:00.000Z, last seen 2026-12-01T10:03:00.000Z" in got["symptoms"]
    assert sections(got["body"]) == {"symptoms": got["symptoms"], "cause": got["cause"],
                                      "resolution": got["resolution"]}
    assert got["body"].startswith(f"Drafted from {number}")
    assert {p["id"] for p in got["patterns"]} == {_pattern(db, events[0]), _pattern(db, events[4])}
    assert [i["number"] for i in got["incidents"]] == [number]
    # Literal text finds it: the incident's number and an address from an example line.
    assert [a["id"] for a in articles.listing(db, number)] == [aid]
    assert [a["id"] for a in articles.listing(db, "10.2.0.4")] == [aid]
    assert articles.listing(db, "10.2.0.99") == []
    assert _audit(db)[-1]["action"] == "create"
    assert integrity.check(db).ok



def test_a_draft_speaks_the_authors_zone_and_names_it(db: Database, tmp_path: Path) -> None:
    """An article is read in other zones: local times carry their zone's name; without a zone, stored UTC."""
    from zoneinfo import ZoneInfo

    events = import_lines(db, tmp_path / "a.log", dpd_lines(1, 4))
    number = _fixed_incident(db, events)
    got = articles.get(db, draft.draft_from_incident(db, number, zone=ZoneInfo("Asia/Manila")))
    assert "first seen 2026-12-01 18:00:00 Asia/Manila, last seen 2026-12-01 18:03:00 Asia/Manila" in got["symptoms"]
    assert "T10:00:00.000Z" not in got["body"]
    assert draft.at("2026-12-01T23:30:00.000Z", ZoneInfo("Asia/Kolkata")) == "2026-12-02 05:00:00 Asia/Kolkata"
    assert draft.at("2026-12-01T23:30:00.000Z", None) == "2026-12-01T23:30:00.000Z"

def test_suggest_ranks_by_how_often_it_fixed_the_pattern(db: Database, tmp_path: Path) -> None:
    first = import_lines(db, tmp_path / "a.log", dpd_lines(1, 3))
    second = import_lines(db, tmp_path / "b.log", dpd_lines(3, 3, base=5))
    third = import_lines(db, tmp_path / "c.log", dpd_lines(5, 2, base=7))
    inc_a = _fixed_incident(db, first, title="DPD A", code="carrier-fix")
    inc_b = _fixed_incident(db, second, title="DPD B", code="carrier-fix")
    inc_c = _fixed_incident(db, third, title="DPD C", code="reboot")
    open_one = svc.create(db, {"title": "DPD open", "log_type": "network", "impact": 2, "urgency": 2},
                          event_ids=third)["number"]
    pid = _pattern(db, first[0])
    often = articles.add(db, "Re-key with the carrier", "x", patterns=[pid], incidents=[inc_a, inc_b])
    once = articles.add(db, "Reboot the SBC", "y", incidents=[inc_c])
    never = articles.add(db, "Old note", "z", patterns=[pid])
    unrelated = articles.add(db, "Printers", "p")
    later = import_lines(db, tmp_path / "d.log", dpd_lines(9, 1, base=9))
    got = suggest.suggest_for_event(db, later[0])
    assert set(got) == {"articles", "incidents"}
    assert [(a["id"], a["score"]) for a in got["articles"]] == [(often, 2), (once, 1), (never, 0)]
    assert unrelated not in [a["id"] for a in got["articles"]]
    assert [i["number"] for i in got["incidents"]] == [inc_b, inc_a, inc_c]  # carrier-fix twice, then recency
    assert open_one not in [i["number"] for i in got["incidents"]]
    assert got["incidents"][0] == {"number": inc_b, "title": "DPD B", "resolution_code": "carrier-fix",
                                   "notes": "Carrier re-keyed the tunnel"}
    assert suggest.suggest_for_patterns(db, [pid]) == got
    with pytest.raises(KbError, match="no event with id 99999"):
        suggest.suggest_for_event(db, 99999)


def test_event_without_a_pattern_falls_back_to_the_message_words(db: Database, tmp_path: Path) -> None:
    events = import_lines(db, tmp_path / "a.log", dpd_lines(1, 2) + ssh_lines(1))
    aid = articles.add(db, "Trunk DPD timeouts", "## Symptoms\nDPD timeout on a trunk")
    number = _fixed_incident(db, events[:2], title="DPD timeout on dialer trunks")
    db.execute("UPDATE events SET pattern_id = NULL WHERE id = ?", (events[0],))  # as imported before schema 11
    got = suggest.suggest_for_event(db, events[0])
    assert [a["id"] for a in got["articles"]] == [aid] and got["articles"][0]["score"] > 0
    assert [i["number"] for i in got["incidents"]] == [number]
    db.execute("UPDATE events SET pattern_id = NULL WHERE id = ?", (events[3],))
    assert suggest.suggest_for_event(db, events[3]) == {"articles": [], "incidents": []}


def test_verify_stays_green_after_article_changes(db: Database, tmp_path: Path) -> None:
    events = import_lines(db, tmp_path / "a.log", dpd_lines(1, 2))
    number = _fixed_incident(db, events)
    aid = draft.draft_from_incident(db, number)
    articles.update(db, aid, {"tags": "voip"})
    articles.link(db, aid, incident=number, unlink=True)
    articles.remove(db, articles.add(db, "t", "b"))
    report = integrity.check(db)
    assert report.ok, report.findings()
    assert [r["action"] for r in _audit(db)] == ["create", "update", "unlink", "create", "delete"]


def test_verify_finds_articles_changed_behind_the_apps_back(db: Database, tmp_path: Path) -> None:
    events = import_lines(db, tmp_path / "a.log", dpd_lines(1, 2) + ssh_lines(1))
    number = _fixed_incident(db, events[:2])
    drafted = draft.draft_from_incident(db, number)
    other = articles.add(db, "Printer queue stuck", "## Resolution\nRestart the spooler", tags="printing")
    articles.update(db, other, {"tags": "printing, spooler"})
    gone = articles.add(db, "Old", "old")
    articles.remove(db, gone)
    assert integrity.check(db).ok
    pid = _pattern(db, events[3])
    db.execute("UPDATE kb_articles SET resolution = 'Reboot everything' WHERE id = ?", (other,))
    db.execute("INSERT INTO kb_article_patterns (article_id, pattern_id) VALUES (?, ?)", (drafted, pid))
    db.execute("INSERT INTO kb_articles (title, created_at, updated_at) VALUES ('Ghost', 'x', 'x')")
    ghost = int(db.scalar("SELECT max(id) FROM kb_articles"))
    assert ghost > gone  # ids are never handed out again
    report = integrity.check(db)
    assert not report.ok and report.incidents == []
    dpd = _pattern(db, events[0])
    assert report.articles == [
        f"article {drafted}: patterns is {sorted([dpd, pid])!r} but the audit trail says [{dpd}] "
        "(changed outside the app)",
        f"article {other}: resolution is 'Reboot everything' but the audit trail says 'Restart the spooler' "
        "(changed outside the app)",
        f"article {ghost} has no audit row creating it (inserted outside the app)",
    ]
    assert "articles: 3 finding(s)" in report.lines()
    db.execute("DELETE FROM kb_articles WHERE id = ?", (other,))
    assert f"article {other} is missing from the database, but the audit trail never deleted it " \
           "(deleted outside the app)" in integrity.check(db).articles
