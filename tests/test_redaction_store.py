"""Redaction in the store and through the CLI: defaults of new and upgraded files, per-client switches,
the keyed hash, audited changes, incidents typed by hand, and the syslog receiver's batches."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from app.incidents import service
from app.store import audit, migrations, redaction
from app.store.database import Database

LINE = "Dec  2 16:17:00 web01 crm[42]: paid by 4111 1111 1111 1111 for jane@example.com\n"


def _ok(r: Any) -> str:
    assert r.returncode == 0, r.stderr
    return str(r.stdout)


def test_a_new_database_redacts_and_an_upgraded_one_says_it_does_not(db_path: Path, tmp_path: Path,
                                                                      run_cli: Any) -> None:
    with Database.open(db_path) as db:
        on = {r.name for r in redaction.rules(db) if r.enabled}
        assert on == {"email", "iban", "payment-card", "us-ssn", "ph-tin", "in-aadhaar", "in-pan", "uk-nino", "phone"}
        assert not redaction.off_since_upgrade(db)
        assert db.scalar("SELECT length(secret) FROM redaction_secret") == 32
    old = tmp_path / "old.db"
    db = Database.open(old, migrate=False)
    migrations.upgrade(db, target=15)  # a file made before redaction
    db.close()
    with Database.open(old) as db:
        assert db.user_version == migrations.LATEST and not any(r.enabled for r in redaction.rules(db))
        assert redaction.off_since_upgrade(db)
    log = tmp_path / "a.log"
    log.write_text(LINE, encoding="utf-8")
    r = run_cli("--db", old, "import", log)
    assert r.returncode == 0 and "4111 1111 1111 1111" not in r.stdout
    listing = run_cli("--db", old, "imports")
    assert "redaction is off in this database" in listing.stderr
    with Database.open(old) as db:
        assert "4111 1111 1111 1111" in db.scalar("SELECT message FROM events")  # as before the upgrade
    _ok(run_cli("--db", old, "redaction", "enable", "email"))
    assert "redaction is off" not in run_cli("--db", old, "imports").stderr


def test_cli_round_trip_per_client_switches_and_counts(new_db_path: Path, tmp_path: Path, run_cli: Any) -> None:
    db = new_db_path
    _ok(run_cli("--db", db, "redaction", "disable", "email", "--client", "Acme"))
    _ok(run_cli("--db", db, "redaction", "add", "account", "--pattern", r"ACCT-\d{6}", "--replacement", "[account]"))
    bad = run_cli("--db", db, "redaction", "add", "bad", "--pattern", "(", "--replacement", "x")
    assert bad.returncode != 0 and "does not compile" in bad.stderr and "Traceback" not in bad.stderr
    log = tmp_path / "a.log"
    log.write_text(LINE.replace("\n", " ACCT-123456\n"), encoding="utf-8")
    said = _ok(run_cli("--db", db, "import", log, "--client", "Acme"))
    assert "rejected, 1 account redacted, 1 card redacted (import #1" in said
    _ok(run_cli("--db", db, "import", log, "--client", "Globex", "--force"))
    rows = json.loads(_ok(run_cli("--db", db, "imports", "--output", "json")))
    assert [r["redacted"] for r in rows] == [{"account": 1, "card": 1, "email": 1}, {"account": 1, "card": 1}]
    listed = json.loads(_ok(run_cli("--db", db, "redaction", "list", "--output", "json")))
    email = next(r for r in listed["rules"] if r["name"] == "email")
    assert email["enabled"] and email["clients"] == {"Acme": False} and listed["keyed_hash"] is False
    with Database.open(db) as conn:
        messages = [r["message"] for r in conn.rows("SELECT message FROM events ORDER BY id")]
        assert messages == ["paid by [card] for jane@example.com [account]", "paid by [card] for [email] [account]"]
        changes = [(r["action"], r["entity_id"]) for r in audit.search(conn, entity="redaction_rule")]
        assert sorted(changes) == [("create", "12"), ("update", "1")]
    _ok(run_cli("--db", db, "redaction", "region", "phone", "us"))
    assert _ok(run_cli("--db", db, "redaction", "test", "call (202) 555-0143")) == "call [phone]\n"
    bad = run_cli("--db", db, "redaction", "region", "email", "US")
    assert bad.returncode == 2 and "not a phone rule" in bad.stderr
    assert "not a region" in run_cli("--db", db, "redaction", "region", "phone", "XX").stderr
    _ok(run_cli("--db", db, "redaction", "region", "phone"))
    assert _ok(run_cli("--db", db, "redaction", "test", "call (202) 555-0143")) == "call (202) 555-0143\n"
    assert "audit trail intact" in _ok(run_cli("--db", db, "verify"))


def test_keyed_hash_counts_repeats_without_keeping_the_value(new_db_path: Path, tmp_path: Path,
                                                             run_cli: Any) -> None:
    _ok(run_cli("--db", new_db_path, "redaction", "keyed-hash", "on"))
    log = tmp_path / "a.log"
    log.write_text(LINE + LINE.replace("4111 1111 1111 1111", "4111-1111-1111-1111"), encoding="utf-8")
    _ok(run_cli("--db", new_db_path, "import", log))
    with Database.open(new_db_path) as db:
        markers = [re.search(r"\[card:[0-9a-f]{8}\]", r["message"]) for r in db.rows("SELECT message FROM events")]
        assert all(markers) and len({m.group(0) for m in markers if m}) == 1
    assert b"4111" not in new_db_path.read_bytes()


def test_incidents_typed_by_hand_are_redacted_before_the_audit_row(db: Database) -> None:
    row = service.create(db, {"title": "Caller 4111 1111 1111 1111 cannot pay", "log_type": "application",
                              "impact": 2, "urgency": 2, "description": "reach her at jane@example.com",
                              "reported_by": "+44 20 7946 0958"})
    assert (row["title"], row["description"], row["reported_by"]) == (
        "Caller [card] cannot pay", "reach her at [email]", "[phone]")
    service.update(db, row["number"], {"root_cause": "SSN 123-45-6789 typed into the notes"})
    service.transition(db, row["number"], "on-hold", reason="waiting for jane@example.com")
    trail = json.dumps(audit.search(db, entity="incident"))
    assert "4111 1111" not in trail and "jane@" not in trail and "123-45-6789" not in trail and "[ssn]" in trail
    assert service.get(db, row["number"])["root_cause"] == "SSN [ssn] typed into the notes"
    assert db.scalar("SELECT reason FROM incident_holds") == "waiting for [email]"


def test_articles_are_redacted_before_they_or_their_audit_rows_are_kept(db: Database) -> None:
    from app.kb import articles

    body = "## Symptoms\nCard 4111 1111 1111 1111 declined\n\n## Resolution\nCall +44 20 7946 0958"
    article_id = articles.add(db, "Refund for jane@example.com failed", body=body, tags="payments")
    got = articles.get(db, article_id)
    assert got["title"] == "Refund for [email] failed"
    assert got["symptoms"] == "Card [card] declined" and got["resolution"] == "Call [phone]"
    articles.update(db, article_id, {"cause": "SSN 123-45-6789 pasted into the gateway note"})
    assert articles.get(db, article_id)["cause"] == "SSN [ssn] pasted into the gateway note"
    trail = json.dumps(audit.search(db, entity="article"))
    assert "jane@" not in trail and "4111 1111" not in trail and "123-45-6789" not in trail and "7946" not in trail
    assert articles.get(db, articles.add(db, "Trunk 10.2.0.4 down"))["title"] == "Trunk 10.2.0.4 down"  # addresses stay


def test_the_import_preview_shows_text_as_the_import_will_keep_it(db: Database, tmp_path: Path) -> None:
    import datetime as dt

    from app.ingest.service import ImportOptions, preview

    log = tmp_path / "pay.log"
    log.write_text(LINE, encoding="utf-8")
    shown = preview(db, log, ImportOptions(zone=dt.UTC, zone_name="UTC", year=2026))
    [row] = shown.rows
    assert row["message"] == "paid by [card] for [email]"
    assert "4111" not in row["raw"] and "jane@" not in row["raw"] and row["raw"].startswith("Dec  2 16:17:00 web01")
