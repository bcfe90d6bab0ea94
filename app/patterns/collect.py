"""Patterns of a batch of events: each row's pattern id, plus the daily counts and spans saved with them.

Shared by the import (rows as ``EventRow`` tuples) and the backfill of older
events, so both count the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.patterns.miner import Miner
from app.store import patterns as store
from app.store.database import Database
from app.store.event_sql import ms_to_iso

_DAY_MS = 86_400_000


class Collector:
    """Labels messages with pattern ids and keeps what ``save`` adds to the patterns' history."""

    def __init__(self, miner: Miner) -> None:
        self.miner = miner
        self.days: dict[store.Day, int] = {}
        self.seen: dict[int, tuple[str, str]] = {}  # pattern id -> (first ts, last ts) in this batch
        # The same for rows whose time is epoch ms (``label_packed``): days by number, turned to text on saving.
        self._days_ms: dict[tuple[int, int, int], int] = {}
        self._seen_ms: dict[int, list[int]] = {}

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

    def label_packed(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Pattern ids of rows packed for the store (``event_sql.pack_rows``: epoch ms first, message at 8),
        counted as ``label`` counts them."""
        pids = self.miner.patterns_of([r[8] for r in rows])
        days, seen = self._days_ms, self._seen_ms
        for r, pid in zip(rows, pids):
            t = r[0]
            key = (pid, t // _DAY_MS, r[1])
            days[key] = days.get(key, 0) + 1
            span = seen.get(pid)
            if span is None:
                seen[pid] = [t, t]
            elif t < span[0]:
                span[0] = t
            elif t > span[1]:
                span[1] = t
        return pids

    def _fold_ms(self) -> None:
        """Merge what ``label_packed`` counted into ``days`` and ``seen`` (stored ISO text)."""
        day_text: dict[int, str] = {}
        for (pid, day, sev), n in self._days_ms.items():
            text = day_text.get(day) or day_text.setdefault(day, ms_to_iso(day * _DAY_MS)[:10])
            key = (pid, text, sev)
            self.days[key] = self.days.get(key, 0) + n
        for pid, (lo, hi) in self._seen_ms.items():
            first, last = ms_to_iso(lo), ms_to_iso(hi)
            span = self.seen.get(pid)
            self.seen[pid] = (first, last) if span is None else (min(first, span[0]), max(last, span[1]))
        self._days_ms, self._seen_ms = {}, {}

    def save(self, db: Database) -> None:
        """Write the miner's state and this batch's counts; the caller owns the transaction."""
        self._fold_ms()
        store.save(db, self.miner.state(), self.miner.templates(self.miner.touched), self.days, self.seen,
                   self.miner.new_keys)
        self.days, self.seen = {}, {}
        self.miner.touched.clear()
        self.miner.new_keys.clear()
