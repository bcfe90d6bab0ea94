"""Helpers for the live-collection tests: numbered log lines, a source added, one collecting pass."""

from __future__ import annotations

import re
from pathlib import Path

from app.collect import service
from app.collect.runner import Runner
from app.store.database import Database

SEQ = re.compile(r"seq=(\d+)")


def line(seq: int) -> str:
    """One syslog-style line carrying its sequence number."""
    return f"2026-12-02T10:{seq // 60 % 60:02d}:{seq % 60:02d}.000Z pbx01 dialer[7]: error: trunk down seq={seq}\n"


def lines(start: int, n: int) -> str:
    return "".join(line(i) for i in range(start, start + n))


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def collect(db: Database) -> int:
    """One ``watch --once`` pass in this process; the lines stored."""
    return Runner(db, once=True).run()


def seqs(db: Database) -> list[int]:
    """The sequence numbers stored, in event id order (repeats kept, so a duplicate shows)."""
    out = []
    for (message,) in db.execute("SELECT message FROM events ORDER BY id"):
        m = SEQ.search(message)
        assert m, message
        out.append(int(m.group(1)))
    return out


def add(db: Database, target: Path | str, **options: str) -> int:
    return service.add(db, str(target), **options)  # type: ignore[arg-type]
