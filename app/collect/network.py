"""A ``udp``/``tcp`` source: the syslog receiver's messages stored in batches, like a file source's lines.

The receiver itself lives in ``app.collect.syslog_net`` (``SyslogReceiver(host,
port, protocol, on_batch)`` with ``start``/``stop``, and ``parse_datagram(data,
peer)`` giving an event row or a ``Reject``). Its threads only append to a queue;
the collector's loop drains the queue on its own thread and connection, so a
burst is written in batches of ``BATCH_LINES`` and the receiver never waits on SQL.
When the module is absent the source shows "not available" and the others run.
"""

from __future__ import annotations

import collections
import importlib
import threading
import time
from typing import Any

from app.collect import hooks
from app.collect.reader import BATCH_LINES
from app.domain.event_row import EVENT_COLUMNS
from app.ingest.formats.base import ROW_FIELDS, Reject
from app.store import sources as store
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
        self.queue: collections.deque[tuple[bytes, str]] = collections.deque()
        self.lock = threading.Lock()
        self.receiver: Any = None
        self.error: str | None = row.get("last_error")
        self.last_commit = time.monotonic()

    def start(self, db: Database) -> None:
        """Bind the listener; a missing receiver or a taken port is recorded on the source and raised."""
        where = store.target(self.row)
        try:
            module = receiver_module()
            self.parse = module.parse_datagram
            self.receiver = module.SyslogReceiver(self.row["host"], int(self.row["port"]), self.row["kind"],
                                                  self._arrived)
            self.receiver.start()
        except (ReceiverUnavailable, OSError) as exc:
            self.receiver = None
            self._status(db, f"{where}: {exc}")
            raise
        self._status(db, None)

    def _arrived(self, items: list[tuple[bytes, str]]) -> None:
        """On the receiver's thread: only queue (deque appends are thread-safe)."""
        self.queue.extend(items)

    def pass_(self, db: Database, take_partial: bool = False) -> int:
        """Store what has arrived, in batches; returns the messages stored."""
        stored = 0
        while self.queue:
            items = [self.queue.popleft() for _ in range(min(len(self.queue), BATCH_LINES))]
            stored += self._commit(db, items)
        return stored

    def _commit(self, db: Database, items: list[tuple[bytes, str]]) -> int:
        rows: list[tuple[object, ...]] = []
        rejects: list[tuple[object, ...]] = []
        for data, peer in items:
            self.line_no += 1
            try:
                parsed = self.parse(data, peer)
            except (Reject, ValueError) as exc:
                parsed = Reject(str(exc) or "unreadable message")
            if isinstance(parsed, tuple):
                rows.append(self._row(parsed, data))
            else:
                rejects.append((self.import_id, self.line_no, str(parsed) or "unreadable message",
                                data.decode("utf-8", "replace")))
        now = time.monotonic()
        elapsed, self.last_commit = max(now - self.last_commit, 0.2), now
        with db.transaction():
            first, last = store.commit_batch(db, self.id, self.import_id, rows, rejects,
                                             (len(items), len(rows), 0, len(rejects)), [], elapsed)
        if first:
            hooks.after_batch(db, self.import_id, first, last)
        return len(items)

    def _row(self, parsed: tuple[Any, ...], data: bytes) -> tuple[object, ...]:
        """A parser row (``ROW_FIELDS``) or a whole event row, given the source's choices and this import."""
        r = self.row
        if len(parsed) == len(EVENT_COLUMNS):
            out = list(parsed)
        else:
            fields = dict(zip(ROW_FIELDS, parsed))
            out = [fields.get("ts"), fields.get("severity"), fields.get("log_type") or "system",
                   fields.get("raw_level"), fields.get("host"), fields.get("component"), fields.get("pid"),
                   fields.get("event_code"), fields.get("message"), data.decode("utf-8", "replace").rstrip("\r\n"),
                   None, None, 0, 0, 0]
        named = dict(zip(EVENT_COLUMNS, out))
        named["log_type"] = r["log_type"] or named["log_type"] or "system"
        named["client"] = r["client"] if r["client"] is not None else named["client"]
        named["site"] = r["site"] if r["site"] is not None else named["site"]
        named["import_id"], named["line_no"] = self.import_id, self.line_no
        return tuple(named[c] for c in EVENT_COLUMNS)

    def _status(self, db: Database, error: str | None) -> None:
        if error != self.error:
            store.record_error(db, self.id, error)
            self.error = error

    def close(self) -> None:
        if self.receiver is not None:
            self.receiver.stop()
            self.receiver = None
