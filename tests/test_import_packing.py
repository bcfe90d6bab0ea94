"""The import's fast paths give exactly what the plain ones give: time, stamps, pattern keys and counts."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.domain import timeutil
from app.patterns.collect import Collector
from app.patterns.miner import MINE_MAX, Miner
from app.store import event_sql

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def test_stored_text_to_epoch_ms_and_stamps_match_the_datetime_route() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        ms = rng.randrange(-62_135_596_800_000, 253_402_300_799_999)
        moment = EPOCH + dt.timedelta(milliseconds=ms)
        assert event_sql.iso_to_ms(timeutil.to_iso(moment)) == ms
        seconds = ms // 1000
        d = EPOCH + dt.timedelta(seconds=seconds)
        assert event_sql.stamp(seconds) == f"{event_sql.MONTHS[d.month - 1]} {d.day:2d} {d:%H:%M:%S}"


@pytest.mark.parametrize("text", ["2026-11-30T24:00:00.000Z", "2026-11-30T05:60:00.000Z", "2026-02-30T05:00:00.000Z",
                                  "2026-11-30T0\uff15:18:28.000Z", "2026-11-30T05:18:28.+00Z"])
def test_text_the_store_never_writes_fails_as_before(text: str) -> None:
    with pytest.raises(ValueError):
        event_sql.iso_to_ms(text)


MESSAGES = [
    "Accepted publickey for agent12 from 10.1.2.3 port 4022 ssh2",
    "Accepted publickey for agent7 from 10.1.9.30 port 51000 ssh2",
    "disk 007 at 91% on /var/00",
    "caf\u00e9 order \u0661\u0662\u0663 paid 12",  # Arabic-Indic digits count as digits too
    "",
    "0",
    "x" * MINE_MAX + "123 tail 9",
    "started session 4 of user agent99.",
]


def test_a_batch_gets_the_patterns_one_by_one_would_get() -> None:
    rng = random.Random(3)
    batch = MESSAGES * 3 + ["".join(rng.choice("0a1 9.00x7-") for _ in range(rng.randrange(30))) for _ in range(300)]
    one_by_one = Miner()
    expected = [one_by_one.pattern_of(m) for m in batch]
    assert Miner().patterns_of(batch) == expected
    ascii_only, plain = [m for m in batch if m.isascii()], Miner()  # the str.translate route
    assert Miner().patterns_of(ascii_only) == [plain.pattern_of(m) for m in ascii_only]
    with_separator = ["a\x00b 12", *batch]  # the separator inside a message: each keyed alone
    plain = Miner()
    assert Miner().patterns_of(with_separator) == [plain.pattern_of(m) for m in with_separator]


def test_packed_rows_count_days_and_spans_as_text_rows_do() -> None:
    times = ["2026-11-29T23:59:59.999Z", "2026-11-30T00:00:00.000Z", "2026-11-30T05:18:28.123Z",
             "2026-11-28T10:00:00.000Z", "1969-12-31T23:59:59.999Z"]
    rows = [(times[i % len(times)], i % 6, MESSAGES[i % len(MESSAGES)]) for i in range(40)]
    by_text, by_ms = Collector(Miner()), Collector(Miner())
    pids = [by_text.label(m, ts, sev) for ts, sev, m in rows]
    packed = [(event_sql.iso_to_ms(ts), sev, *[None] * 6, m) for ts, sev, m in rows]
    assert by_ms.label_packed(packed) == pids
    by_ms._fold_ms()
    assert by_ms.days == by_text.days and by_ms.seen == by_text.seen
