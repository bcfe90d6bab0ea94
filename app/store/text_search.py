"""Typed search text as SQL: an FTS5 query that never fails, and the REGEXP function.

This is the one place a search is read (``filter_sql`` calls ``text_search``
while building a WHERE clause), so every listing, count, chart and report reads
the same text the same way:

- plain text becomes one FTS5 phrase of its words, in order, tokenised as the
  index is (unicode61: case, accents and punctuation between words ignored), so
  ``10.20.30.40`` finds that address and ``can't`` finds "can't";
- text that uses the query syntax runs as FTS5 syntax; words FTS5 cannot read
  bare (``10.20.30.40 OR 10.20.30.41``) are quoted for it;
- syntax that still cannot be read (``error AND``, ``(vpn``) is searched as
  plain text, with a note saying so, rather than failing;
- text with no letters or digits (``->``, ``%``) is a literal substring test.

The parse checks run on empty in-memory FTS5 tables, so they cost microseconds
and never wait on the database.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any

from app.domain.text import scrub
from app.domain.text_search import OPERATORS, compile_regex, is_column_filter, is_prefix, pieces, uses_syntax

FTS_COLUMNS = {"events_fts": "message", "incidents_fts": "title, description",
               "kb_fts": "title, symptoms, cause, resolution, body, tags"}
_local = threading.local()


@dataclass(frozen=True)
class TextSearch:
    """How one typed search runs: ``match`` (an FTS5 query) or ``substring``; ``note`` tells the user why."""

    match: str | None = None
    substring: str | None = None
    note: str | None = None


def _syntax_conn() -> sqlite3.Connection:
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        for table, columns in FTS_COLUMNS.items():
            conn.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, tokenize='unicode61')")
        # A scratch table and its vocabulary tell which words the real tokenizer sees in a term.
        conn.execute("CREATE VIRTUAL TABLE words USING fts5(x, tokenize='unicode61')")
        conn.execute("CREATE VIRTUAL TABLE words_v USING fts5vocab(words, 'instance')")
        _local.conn = conn
    return conn


def words(term: str) -> list[str]:
    """The tokens FTS5 (unicode61, as the real tables) makes of ``term``: lower-cased, accents removed."""
    conn = _syntax_conn()
    with conn:
        conn.execute("INSERT INTO words(rowid, x) VALUES (1, ?)", (scrub(term),))
        try:
            return [r[0] for r in conn.execute("SELECT term FROM words_v ORDER BY offset")]
        finally:
            conn.execute("DELETE FROM words")


def has_words(term: str) -> bool:
    """Whether ``term`` has anything the full-text index holds (letters or digits)."""
    return bool(words(term))


def phrase(term: str) -> str:
    """``term`` as one FTS5 phrase: the tokenizer reads inside the quotes, so no operator applies."""
    return '"' + term.replace('"', '""') + '"'


def syntax_error(table: str, query: str) -> str | None:
    """FTS5's own message when it cannot read ``query`` on ``table``, else None."""
    if table not in FTS_COLUMNS:
        raise ValueError(f"not a full-text table: {table!r}")
    try:
        _syntax_conn().execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (query,)).fetchall()
    except sqlite3.OperationalError as exc:
        return str(exc)
    return None


def _quoted(text: str) -> str:
    """Syntax with every bare run FTS5 would choke on turned into a phrase (``auth-gw*`` -> ``"auth-gw" *``)."""
    out: list[str] = []
    for piece in pieces(text):
        if piece in ("(", ")") or piece in OPERATORS or piece == "NEAR":
            out.append(piece)
        elif piece.startswith('"'):
            inner = piece[1:-1] if len(piece) > 1 and piece.endswith('"') else piece[1:]
            out.append(phrase(inner.replace('""', '"')))
        elif is_column_filter(piece):
            column, rest = piece.split(":", 1)
            out.append(column.strip() + ":")
            if rest:
                out.append(_bare(rest))
        else:
            out.append(_bare(piece))
    return " ".join(out)


def _bare(piece: str) -> str:
    return phrase(piece[:-1]) + " *" if is_prefix(piece) else phrase(piece)


def text_search(text: str, table: str) -> TextSearch:
    """How ``text`` searches ``table`` (``events_fts``, ``incidents_fts`` or ``kb_fts``); never raises for any text."""
    if table not in FTS_COLUMNS:
        raise ValueError(f"not a full-text table: {table!r}")
    text = text.strip()
    if not text:
        return TextSearch()
    note = None
    if uses_syntax(text):
        error = syntax_error(table, text)
        if error is None:
            return TextSearch(match=text)
        quoted = _quoted(text)
        if syntax_error(table, quoted) is None:
            return TextSearch(match=quoted)
        note = f"Searched as plain text: not valid query syntax ({error.removeprefix('fts5: ')})."
    if not has_words(text):
        return TextSearch(substring=text, note=note)
    return TextSearch(match=phrase(text), note=note)


def search_note(text: str | None, kind: str) -> str | None:
    """What a user should know about how ``text`` was read on ``kind`` ("events" / "incidents"), if anything."""
    if not text or not text.strip():
        return None
    return text_search(text, "events_fts" if kind == "events" else "incidents_fts").note


YIELD_EVERY = 8  # regex calls between two offers of the GIL to other threads


class RegexpFunction:
    """SQLite's ``regexp(pattern, value, ...)`` for one connection: true when ``pattern`` matches a value.

    ``X REGEXP P`` calls it with one value; the filter passes a row's message and
    raw line in one call. ``tested`` counts the calls, which is how a long
    regex scan reports its progress.
    """

    def __init__(self) -> None:
        self.tested = 0

    def __call__(self, pattern: str, *values: Any) -> bool:
        self.tested += 1
        if not self.tested % YIELD_EVERY:
            # A slow pattern holds the GIL call after call; SQLite takes it back within microseconds, so
            # another thread (the window's count of the same scan, its progress) could wait for seconds.
            time.sleep(0)
        rx = compile_regex(pattern)
        return any(v is not None and rx.search(v if isinstance(v, str) else str(v)) is not None for v in values)

    def install(self, conn: sqlite3.Connection) -> None:
        conn.create_function("regexp", -1, self, deterministic=True)
