"""A long full-text match list's time-ordered pages, read over a growing window of time, are the usual pages."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.store import browse
from app.store.browse import Browse
from app.store.database import Database

UTC = timeutil.UTC
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _pages(db: Database, f: Filter, descending: bool, size: int, pages: int = 3) -> list[list[int]]:
    b = Browse("events", f, UTC, descending=descending, now=NOW)
    out, after = [], None
    for _ in range(pages):
        rows = b.page(db, after, size)
        out.append([r["id"] for r in rows])
        if len(rows) < size:
            break
        after = rows[-1]["_key"]
    return out


@pytest.mark.parametrize("seed", range(4))
def test_window_pages_equal_the_planners_pages(demo_db: Database, monkeypatch: pytest.MonkeyPatch,
                                               seed: int) -> None:
    rnd = random.Random(seed)
    words = ["session", "timeout", "user", "link"]
    monkeypatch.setattr(browse, "SMALL_MATCH", 0)  # every match list counts as long: the window walk answers
    monkeypatch.setattr(browse, "DENSE_MATCH", 1)
    monkeypatch.setattr(browse, "WINDOW_MS", rnd.choice((1000, 60_000, 3_600_000)))
    calls: list[bool] = []
    shown = 0
    real = Browse._windowed

    def spy(self, *args):  # type: ignore[no-untyped-def]
        rows = real(self, *args)
        calls.append(rows is not None)
        return rows

    for _ in range(6):
        f = Filter(search=rnd.choice(words), min_severity=rnd.choice((None, "warning")),
                   since=rnd.choice((None, "7d")))
        descending, size = rnd.random() < 0.7, rnd.choice((5, 50, 300))
        monkeypatch.setattr(Browse, "_windowed", spy)
        windowed = _pages(demo_db, f, descending, size)
        monkeypatch.setattr(Browse, "_windowed", lambda self, *args: None)
        usual = _pages(demo_db, f, descending, size)
        assert windowed == usual, (f, descending, size)
        shown += len(usual[0])
    assert any(calls) and shown  # the window walk answered some pages itself, and pages had rows
