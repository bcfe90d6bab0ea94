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
