"""Patterns of a batch of events: each row's pattern id, plus the daily counts and spans saved with them.

Shared by the import (rows as ``EventRow`` tuples) and the backfill of older
events, so both count the same way.
"""

from __future__ import annotations

from app.patterns.miner import Miner
from app.store import patterns as store
from app.store.database import Database


class Collector:
    """Labels messages with pattern ids and keeps what ``save`` adds to the patterns' history."""

    def __init__(self, miner: Miner) -> None:
        self.miner = miner
        self.days: dict[store.Day, int] = {}
        self.seen: dict[int, tuple[str, str]] = {}  # pattern id -> (first ts, last ts) in this batch

    @classmethod
    def load(cls, db: Database) -> Collector:
        """A collector continuing the database's miner (read inside the caller's turn to write)."""
        return cls(Miner(store.load_state(db), lambda key: store.known_key(db, key)))

    def label(self, message: str, ts: str, severity: int) -> int:
        pid = self.miner.pattern_of(message)
        key = (pid, ts[:10], severity)
        self.days[key] = self.days.get(key, 0) + 1
        span = self.seen.get(pid)
        if span is None:
            self.seen[pid] = (ts, ts)
        elif ts < span[0] or ts > span[1]:
            self.seen[pid] = (min(ts, span[0]), max(ts, span[1]))
        return pid

    def save(self, db: Database) -> None:
        """Write the miner's state and this batch's counts; the caller owns the transaction."""
        store.save(db, self.miner.state(), self.miner.templates(self.miner.touched), self.days, self.seen,
                   self.miner.new_keys)
        self.days, self.seen = {}, {}
        self.miner.touched.clear()
        self.miner.new_keys.clear()
