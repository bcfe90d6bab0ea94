"""Text that can always be written: lone surrogates replaced by U+FFFD.

A JSON escape such as ``"\\ud83d"`` (half an emoji, cut off) decodes to a lone
surrogate, which no UTF-8 writer (SQLite, a CSV, an XLSX, the terminal) accepts.
One such character must not fail a whole file, so every boundary where text is
written passes it through here and flags what it changed.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate; free for ASCII text (the common case)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def scrub(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (the same object when there is none)."""
    if text.isascii():
        return text
    return _SURROGATE.sub(REPLACEMENT, text)


def scrub_value(value: Any) -> Any:
    """A parameter or cell value: texts scrubbed, everything else as it is."""
    return scrub(value) if isinstance(value, str) else value


def scrub_row(row: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool]:
    """A row's texts scrubbed, and whether any of them held a lone surrogate."""
    changed = False
    out = []
    for value in row:
        if isinstance(value, str) and has_surrogate(value):
            value = _SURROGATE.sub(REPLACEMENT, value)
            changed = True
        out.append(value)
    return (tuple(out), changed) if changed else (row, False)


# What a terminal would act on rather than show: C0 controls (ESC starts colour, title and clipboard sequences,
# BEL rings, CR overwrites), DEL, C1 controls (0x9b is a one-byte CSI), lone surrogates, and the bidi overrides
# and isolates that reorder what is shown ("Trojan Source").
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_UNSHOWABLE_OR_BACKSLASH = re.compile("[\\\\\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def escape_match(match: re.Match[str]) -> str:
    """One matched character as a visible escape for ``re.sub``: a backslash doubled, others by code point."""
    ch = match.group()
    if ch == "\\":
        return "\\\\"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` safe to print on a terminal: every control character as a visible escape (ESC as ``\\x1b``).

    Log text is chosen by whoever wrote the log, and a raw ESC in a table could recolour, retitle or rewrite
    the user's terminal. A backslash is doubled only in a text that needed escaping, so ``C:\\Temp`` reads as
    it is and an escape still reads back unambiguously.
    """
    if text.isascii() and text.isprintable():
        return text
    if _UNSHOWABLE.search(text) is None:
        return text
    return _UNSHOWABLE_OR_BACKSLASH.sub(escape_match, text)
