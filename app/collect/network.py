"""A ``udp``/``tcp`` source: the syslog receiver's messages stored in batches, like a file source's lines.

The receiver lives in ``app.collect.syslog_net`` (``SyslogReceiver(host, port,
protocol, on_batch, zone=...)`` with ``start``/``stop``); it parses on its own
thread and hands over ``datagram.Parsed`` messages and ``datagram.Reject``s. Its
threads only append to a queue; the collector's loop drains the queue on its own
thread and connection, so a burst is written in batches of ``BATCH_LINES`` and the
receiver never waits on SQL. Events get the source's log type, client and site
as a file import's lines do (``Parsed.event``). When the module is absent (a
trimmed build) the source shows "not available" and the others run.
"""

from __future__ import annotations

import collections
import importlib
import threading
import time
from typing import Any

from app.collect import hooks
from app.collect.reader import BATCH_LINES
from app.domain import timeutil
from app.ingest.engine import Assign
from app.ingest.redact import RowRedactor
from app.ingest.rules import HostRules, TypeRules
from app.store import imports as import_store, redaction as redaction_store, sources as store
from app.store.database import Database

RECEIVER_MODULE = "app.collect.syslog_net"


class ReceiverUnavailable(Exception):
    """This build has no syslog receiver; the message says so and names the source."""


def receiver_module() -> Any:
    try:
        return importlib.import_module(RECEIVER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != RECEIVER_MODULE:
            raise
        raise ReceiverUnavailable("the syslog receiver is not available in this build") from None


class NetworkSource:
    """One listening source: started with ``start`` (raises ``OSError`` naming the port when it is taken)."""

    def __init__(self, db: Database, row: dict[str, Any]) -> None:
        self.row = row
        self.id = int(row["id"])
        self.import_id = int(row["import_id"])
        self.line_no = int(row["lines"] or 0)
        self.queue: collections.deque[Any] = collections.deque()  # datagram.Parsed or datagram.Reject
        self.lock = threading.Lock()
        self.receiver: Any = None
        self.redactor: RowRedactor | None = None
        self.error: str | None = row.get("last_error")
        self.last_commit = time.monotonic()

    def start(self, db: Database) -> None:
        """Bind the listener; a missing receiver or a taken port is recorded on the source and raised."""
        where = store.target(self.row)
        try:
            module = receiver_module()
            self.parsed_type = module.Parsed
            self.assign = _assign(db, self.row, self.import_id)
            found = redaction_store.redactor(db)  # the rules on when the listener started, as an import takes them
            self.redactor = RowRedactor(found) if found.active else None
            self.receiver = module.SyslogReceiver(self.row["host"], int(self.row["port"]), self.row["kind"],
                                                  self._arrived, zone=timeutil.get_zone(self.row.get("zone") or "UTC"))
            self.receiver.start()
        except (ReceiverUnavailable, OSError) as exc:
            self.receiver = None
            self._status(db, f"{where}: {exc}")
            raise
        self._status(db, None)

    def _arrived(self, items: list[Any]) -> None:
        """On the receiver's thread: only queue (deque appends are thread-safe)."""
        self.queue.extend(items)

    def pass_(self, db: Database, take_partial: bool = False) -> int:
        """Store what has arrived, in batches; returns the messages stored."""
        stored = 0
        while self.queue:
            items = [self.queue.popleft() for _ in range(min(len(self.queue), BATCH_LINES))]
            stored += self._commit(db, items)
        return stored

    def _commit(self, db: Database, items: list[Any]) -> int:
        rows: list[tuple[object, ...]] = []
        rejects: list[tuple[object, ...]] = []
        for item in items:
            self.line_no += 1
            if isinstance(item, self.parsed_type):
                rows.append(tuple(item.event(self.assign, self.line_no)))
            else:
                rejects.append((self.import_id, self.line_no, f"{item.reason} (from {item.peer})", item.raw))
        if self.redactor is not None:
            self.redactor.tally.clear()
            rows = self.redactor.rows(rows)
            rejects = self.redactor.rejects(rejects, self.assign.client)
        now = time.monotonic()
        elapsed, self.last_commit = max(now - self.last_commit, 0.2), now
        with db.transaction():
            first, last = store.commit_batch(db, self.id, self.import_id, rows, rejects,
                                             (len(items), len(rows), 0, len(rejects)), [], elapsed)
            if self.redactor is not None:
                redaction_store.add_counts(db, self.import_id, self.redactor.tally)
        if first:
            hooks.after_batch(db, self.import_id, first, last)
        return len(items)

    def _status(self, db: Database, error: str | None) -> None:
        if error != self.error:
            store.record_error(db, self.id, error)
            self.error = error

    def close(self) -> None:
        if self.receiver is not None:
            self.receiver.stop()
            self.receiver = None


def _assign(db: Database, row: dict[str, Any], import_id: int) -> Assign:
    """The source's log type, client and site, and the ledger's type and host rules, as an import applies them."""
    rules = import_store.type_rules(db)
    return Assign(import_id, "system", row.get("log_type"), row.get("client"), row.get("site"),
                  TypeRules(rules) if rules is not None else TypeRules(), HostRules(import_store.host_rules(db)))
