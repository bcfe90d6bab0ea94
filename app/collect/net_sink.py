"""Writing the syslog receiver's batches into the database: one transaction a batch, as imports write.

Events go through the store's insert path with the import's log type, client
and site rules (``Parsed.event``), rejects into ``import_rejects`` with the
sender's address, and the batch's counts onto the live import record, all in the
batch's transaction, so a batch is stored whole or not at all. Messages are
numbered on from the record's count, so the numbering continues across restarts.

PII is redacted by the rules on when the listener started (``app.ingest.redact``),
and each batch adds its counts to the record's.

Patterns are given as the backfill gives them: the miner's state is loaded,
used and saved inside the batch's transaction. While a file import is writing,
a batch is stored without patterns (it saves the miner's state when it finishes,
and ours would be overwritten); ``patterns backfill`` labels those later.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from app.collect.datagram import Parsed, Reject
from app.domain.event_row import EventRow
from app.ingest.engine import Assign
from app.ingest.redact import RowRedactor
from app.ingest.rules import HostRules, TypeRules
from app.patterns.collect import Collector
from app.store import audit, events as event_store, imports as import_store, live_imports, patterns, redaction
from app.store.database import Database

log = logging.getLogger("issue_ledger.collect.sink")


def open_import(db: Database, url: str, *, log_type: str | None = None, client: str | None = None,
                site: str | None = None, zone_name: str = "UTC", actor: str | None = None) -> int:
    """A new live import record for a listener at ``url``, audited like a file import."""
    with db.transaction():
        import_id = live_imports.begin(db, {"file": url, "path": url, "format": "syslog-net", "tz": zone_name,
                                            "log_type": log_type, "client": client, "site": site, "actor": actor})
        audit.append(db, "import", "import", import_id, new={"file": url, "format": "syslog-net", "live": True},
                     actor=actor)
    return import_id


class NetSink:
    """``on_batch`` for a ``SyslogReceiver``: stores each batch in one transaction.

    The log type, client and site chosen for the source are the import record's.
    Counters ``events``, ``rejects`` and ``batches`` say what was stored.
    """

    def __init__(self, db: Database, import_id: int, *, default_type: str = "system",
                 with_patterns: bool = True) -> None:
        self.db, self.import_id, self.with_patterns = db, import_id, with_patterns
        record = import_store.get(db, import_id)
        if record is None:
            raise ValueError(f"no import #{import_id} to store received messages in")
        rules = import_store.type_rules(db)
        self.assign = Assign(import_id, default_type, record["log_type"], record["client"], record["site"],
                             TypeRules(rules) if rules is not None else TypeRules(),
                             HostRules(import_store.host_rules(db)))
        found = redaction.redactor(db)  # the rules when the listener started, as a file import takes them
        self.redactor = RowRedactor(found) if found.active else None
        self.events = self.rejects = self.batches = 0

    def __call__(self, batch: Sequence[Parsed | Reject]) -> None:
        if not batch:
            return
        db, a = self.db, self.assign
        with db.transaction(), import_store.full_text_after(db):
            line = live_imports.messages_so_far(db, self.import_id)
            rows: list[EventRow] = []
            rejects: list[tuple[object, ...]] = []
            for item in batch:
                line += 1
                if isinstance(item, Parsed):
                    rows.append(item.event(a, line))
                else:
                    rejects.append((self.import_id, line, f"{item.reason} (from {item.peer})", item.raw))
            if self.redactor is not None:
                self.redactor.tally.clear()
                rows = self.redactor.rows(rows)
                rejects = self.redactor.rejects(rejects, a.client)
                redaction.add_counts(db, self.import_id, self.redactor.tally)
            self._insert(rows)
            if rejects:
                import_store.insert_rejects(db, rejects)
            live_imports.add_counts(db, self.import_id, len(batch), len(rows), len(rejects))
        self.events += len(rows)
        self.rejects += len(rejects)
        self.batches += 1

    def _insert(self, rows: list[EventRow]) -> None:
        if not rows:
            return
        if self.with_patterns and not patterns.import_running(self.db):
            collector = Collector.load(self.db)
            label = collector.label
            event_store.insert_many(self.db, [(*r, label(r.message, r.ts, r.severity)) for r in rows],
                                    with_pattern=True)
            collector.save(self.db)
        else:
            event_store.insert_many(self.db, rows)
