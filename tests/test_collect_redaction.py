"""Followed files and syslog listeners redact PII before anything is stored, as imports do."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from app.collect.network import NetworkSource
from app.collect.runner import Runner
from app.store import redaction
from app.store.database import Database
from tests.collect_helpers import add, append

CARD = "4111 1111 1111 1111"  # passes Luhn
EMAIL = "jane.doe@example.com"


def _stored_text(db: Database) -> str:
    rows = db.rows("SELECT message, raw FROM events") + db.rows("SELECT reason AS message, raw FROM import_rejects")
    return json.dumps(rows)


def test_a_followed_file_is_redacted_lines_and_continuations_alike(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "crm.log"
    log.write_text(f"2026-12-02T10:00:00.000Z crm01 app[4]: payment by card {CARD} failed\n", encoding="utf-8")
    add(db, log)
    runner = Runner(db)  # one collector across both batches, so the continuation joins its event
    runner.reload()
    try:
        assert runner.pass_once(drain=True)
        append(log, f"    at Charge.run(customer={EMAIL})\n"
                    f"2026-12-02T10:00:01.000Z crm01 app[4]: receipt mailed to {EMAIL}\n")
        assert runner.pass_once(drain=True)
    finally:
        runner.close()
    text = _stored_text(db)
    assert CARD not in text and EMAIL not in text and "4111111111111111" not in text
    assert "[card]" in text and "[email]" in text
    messages = [m for (m,) in db.execute("SELECT message FROM events ORDER BY id")]
    assert messages[0].startswith("payment by card [card] failed") and "customer=[email]" in messages[0]
    import_id = db.scalar("SELECT import_id FROM sources")
    assert json.loads(db.scalar("SELECT redacted FROM imports WHERE id = ?", (import_id,))) == {"card": 1,
                                                                                                "email": 2}
    fts = [m for (m,) in db.execute("SELECT message FROM events_fts WHERE events_fts MATCH 'jane'")]
    assert fts == []


def test_a_syslog_listener_is_redacted(db: Database) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    add(db, f"udp://127.0.0.1:{port}")
    row = db.rows("SELECT * FROM sources")[0]
    net = NetworkSource(db, row)
    net.start(db)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(f"<14>Dec  2 10:00:01 web01 shop[3]: order paid with {CARD} by {EMAIL}".encode(),
                        ("127.0.0.1", port))
            sock.sendto(f"junk with {EMAIL}".encode(), ("127.0.0.1", port))
        deadline, stored = time.monotonic() + 10, 0
        while stored < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            stored += net.pass_(db)
    finally:
        net.close()
    assert stored == 2
    text = _stored_text(db)
    assert CARD not in text and EMAIL not in text and "[card]" in text and "[email]" in text
    # Counted on the listener's import: the event's card and address, and the rejected message's address.
    assert redaction.counts_of(db, int(row["import_id"])) == {"card": 1, "email": 2}
