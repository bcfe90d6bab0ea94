"""What people type in a search box: plain text, query syntax, or a regular expression.

Plain text is searched literally (its words in order), because that is what
someone pasting ``10.20.30.40`` or ``C:\\Windows\\System32`` from a log means. The
query syntax (``AND``/``OR``/``NOT``, ``"phrases"``, ``prefix*``, ``NEAR(...)``,
``column:``) only applies when the text uses it. ``/pattern/`` (or the window's
``.*`` toggle, or ``--regex``) is a regular expression.

This module only reads the text; turning it into an FTS5 query is the store's
job (``app.store.text_search``).
"""

from __future__ import annotations

import functools
import re

OPERATORS = ("AND", "OR", "NOT")
# Columns of the full-text tables a ``column:`` filter may name.
COLUMNS = ("message", "title", "description")
# Multi-line messages (stack traces) are searched line by line, as grep and klogg do.
REGEX_FLAGS = re.MULTILINE

# A quoted string (closed or not), a parenthesis, or a run of anything else.
_PIECE = re.compile(r'"(?:[^"]|"")*"?|[()]|[^\s()"]+')
_COLUMN = re.compile(rf"^(?:{'|'.join(COLUMNS)})\s*:", re.IGNORECASE)
_PREFIX = re.compile(r"\w\*$")


def pieces(text: str) -> list[str]:
    """``text`` cut into quoted strings, parentheses and whitespace-separated runs."""
    return _PIECE.findall(text)


def is_column_filter(piece: str) -> bool:
    return _COLUMN.match(piece) is not None


def is_prefix(piece: str) -> bool:
    return _PREFIX.search(piece) is not None


def uses_syntax(text: str) -> bool:
    """Whether ``text`` uses the query syntax rather than being text to find as typed.

    Upper-case ``AND``/``OR``/``NOT`` as words, a double quote, ``word*``,
    ``NEAR(`` or ``message:``/``title:``/``description:``. Parentheses alone do
    not count: ``refused (errno 111)`` is a log fragment, not a grouping.
    """
    parts = pieces(text)
    for i, piece in enumerate(parts):
        if piece in OPERATORS or piece.startswith('"') or is_prefix(piece) or is_column_filter(piece):
            return True
        if piece == "NEAR" and i + 1 < len(parts) and parts[i + 1] == "(":
            return True
    return False


def slashed_regex(text: str) -> str | None:
    """The pattern of a search written ``/pattern/``, else None (``/var/log/messages`` is a path)."""
    t = text.strip()
    if len(t) >= 3 and t.startswith("/") and t.endswith("/"):
        return t[1:-1]
    return None


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, REGEX_FLAGS)


def compile_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled (cached); ``ValueError`` naming the pattern and the fault when it is not valid."""
    try:
        return _compiled(pattern)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise ValueError(f"regex /{pattern}/ is not valid: {exc.msg}{where}") from None
