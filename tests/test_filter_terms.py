"""Include/exclude terms run on the full-text index: whole words, literal, never FTS syntax, never an error."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.store import events as store
from app.store.browse import Browse
from app.store.database import Database
from app.store.filter_sql import event_where, has_words, phrase, words

UTC = timeutil.UTC
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

# FTS5 operators, column filters, quotes and SQL: all must be read as plain words.
HOSTILE_TERMS = [
    "x'; DROP TABLE events; --", "\") OR 1=1 --", "a) UNION SELECT * FROM settings --", "AND", "OR", "NOT",
    "NEAR(a b, 2)", "timeo*", "*", "^start", "message: a", "{message}: x", "\"unbalanced", "'", "\\", "\x00",
    "a + b", "-", "\"\"\"", "%_%", "->", "Ünïcödé",
]

MESSAGES = [
    "Tunnel DPD timeout: peer 10.4.2.1 unreachable",
    "TimeoutError talking to 10.4.2.9",
    "link NEAR(a b, 2) OR NOT AND timeo* marker",
    "login for x'; DROP TABLE events; -- rejected",
    "50% off -> promo_code applied",
    "Café olé",
]


def _add(db: Database, messages: list[str]) -> list[int]:
    """Insert one event per message (the FTS triggers index them) and return their ids."""
    with db.transaction():
        start = int(db.scalar("SELECT max(id) FROM events")) + 1
        store.insert_many(db, [(f"2026-11-30T11:00:0{i}.000Z", 3, "network", None, "h-test", "c-test", None,
                                None, m, m, None, None, None, None, 0)
                               for i, m in enumerate(messages)])
    return list(range(start, start + len(messages)))


def _ids(db: Database, **kw: tuple[str, ...]) -> set[int]:
    f = Filter(hosts=("h-test",), **kw)  # only the inserted rows
    b = Browse("events", f, UTC, now=NOW)
    rows = b.page(db, None, 1000)
    assert b.count(db) == len(rows)
    return {r["id"] for r in rows}


def _word_match(message: str, term: str) -> bool:
    """Reference meaning for ASCII text: the term's words appear consecutively, case-insensitive."""
    have, want = re.findall(r"[^\W_]+", message.lower()), re.findall(r"[^\W_]+", term.lower())
    return any(have[i:i + len(want)] == want for i in range(len(have) - len(want) + 1))


def test_phrase_quotes_everything() -> None:
    assert phrase('say "hi" OR x') == '"say ""hi"" OR x"'
    assert words("x'; DROP TABLE") == ["x", "drop", "table"]
    assert words("Ünïcödé") == ["unicode"]
    assert not has_words("%_%") and not has_words("->") and has_words("a_b")


@pytest.mark.parametrize("term", HOSTILE_TERMS)
def test_hostile_terms_never_raise_and_split_the_rows(demo_db: Database, term: str) -> None:
    before = demo_db.scalar("SELECT count(*) FROM events")
    total = store.count(demo_db, Filter(), UTC)
    inc = Browse("events", Filter(include=(term,)), UTC, now=NOW)
    exc = Browse("events", Filter(exclude=(term,), min_severity="debug"), UTC, now=NOW)
    inc.page(demo_db, None, 50)
    exc.page(demo_db, None, 50, reverse=True)
    assert inc.count(demo_db) + exc.count(demo_db) == total
    assert demo_db.scalar("SELECT count(*) FROM events") == before
    inc_i = Browse("incidents", Filter(include=(term,)), UTC, now=NOW)
    exc_i = Browse("incidents", Filter(exclude=(term,)), UTC, now=NOW)
    inc_i.page(demo_db, None, 50)
    assert inc_i.count(demo_db) + exc_i.count(demo_db) == demo_db.scalar("SELECT count(*) FROM incidents")


def test_terms_are_whole_words_and_literal(demo_db: Database) -> None:
    ids = _add(demo_db, MESSAGES)
    by_msg = dict(zip(MESSAGES, ids))

    def got(term: str) -> set[int]:
        return _ids(demo_db, include=(term,))

    assert got("timeout") == {by_msg[MESSAGES[0]]}  # not "TimeoutError": whole words
    assert got("TIMEOUT") == got("timeout")  # case-insensitive
    assert got("dpd timeout") == {by_msg[MESSAGES[0]]} and got("timeout dpd") == set()  # words in order
    assert got("10.4.2.1") == {by_msg[MESSAGES[0]]}  # punctuation between words ignored
    assert got("cafe") == {by_msg[MESSAGES[5]]}  # accents ignored
    # Operators and SQL are words like any other, matched literally where they occur.
    assert got("NEAR(a b, 2) OR NOT AND timeo*") == {by_msg[MESSAGES[2]]}
    assert got("timeo*") == {by_msg[MESSAGES[2]]}  # not a prefix search
    assert got("OR") == got("NOT") == {by_msg[MESSAGES[2]]}
    assert got("x'; DROP TABLE events; --") == {by_msg[MESSAGES[3]]}
    assert got('"unbalanced') == set()
    # No letters or digits: a literal substring.
    assert got("->") == {by_msg[MESSAGES[4]]} and got("%") == {by_msg[MESSAGES[4]]}
    assert got("_") == {by_msg[MESSAGES[4]]}
    assert _ids(demo_db, exclude=("timeout", "%")) == set(ids) - {by_msg[MESSAGES[0]], by_msg[MESSAGES[4]]}
    assert _ids(demo_db, include=("10",), exclude=("timeouterror",)) == {by_msg[MESSAGES[0]]}


@pytest.mark.parametrize("term", ["timeout", "DPD timeout", "port", "session", "Error", "refused by"])
def test_counts_match_the_reference_meaning(demo_db: Database, term: str) -> None:
    messages = dict(demo_db.execute("SELECT id, message FROM events").fetchall())
    want = {i for i, m in messages.items() if _word_match(m, term)}
    f = Filter(include=(term,))
    assert store.count(demo_db, f, UTC) == len(want)
    assert store.count(demo_db, Filter(exclude=(term,)), UTC) == len(messages) - len(want)
    mixed = Filter(exclude=(term,), log_types=("network", "system"), since="30d")
    w = event_where(mixed, UTC, NOW)
    brute = {r[0] for r in demo_db.execute(f"SELECT e.id FROM event_rows e WHERE {w.sql()}", w.params)}
    assert Browse("events", mixed, UTC, now=NOW).count(demo_db) == len(brute)
    assert brute.isdisjoint(want)


def test_incident_terms_search_title_and_description(demo_db: Database) -> None:
    row = demo_db.execute("SELECT id, title FROM incidents ORDER BY id LIMIT 1").fetchone()
    word = re.findall(r"[A-Za-z]{4,}", row[1])[0]
    hits = {r["id"] for r in Browse("incidents", Filter(include=(word.upper(),)), UTC).page(demo_db, None, 500)}
    assert row[0] in hits
    misses = {r["id"] for r in Browse("incidents", Filter(exclude=(word,)), UTC).page(demo_db, None, 500)}
    assert row[0] not in misses and hits.isdisjoint(misses)
