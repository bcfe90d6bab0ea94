"""Hostile text, and what a spreadsheet cell or CSV field must read back as (our own oracle, from the README's
promises: formulas neutralised, unsafe characters escaped visibly and reversibly, long texts cut with a marker).
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

PIECES = (
    "\x00", "\ud800", "\udfff", "\udc80", "=", "+", "-", "@", "=HYPERLINK(\"http://evil.example\")",
    "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t", "\r", "\n", "\r\n", "\u202e", "\u200f", "\u200e",
    "\u2066", "\ufeff", "\ufffe", "\uffff", "\x1b[31m", "\x7f", "\x0b", "\x0c", "\x1f", "\\", "\\x00", "'", '"',
    ",", ";", "|", "é", "日本語", "😀", " ", "#REF!", "_x0041_", "<b>", "&amp;", "]]>", "\u0085", "\u2028", "\\ud800", "\\u0000",
)
LONG = st.builds(lambda piece, n: piece * n, st.sampled_from(("A", "=", "\x00", "é", "\u202e", "\\")),
                 st.integers(32_700, 40_000))
SHORT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=1, max_size=10).map("".join)
HOSTILE = st.one_of(SHORT, SHORT, SHORT, LONG)

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
CELL_LIMIT = 32_767
_UNSAFE_CSV = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # XML 1.0 cannot carry these
_UNSAFE_CELL = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")  # nor, in a cell, a bare CR
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")
_PARTIAL = re.compile(r"\\(x[0-9a-f]?|u[0-9a-f]{0,3})?$")  # an escape the cut went through
_CUT = re.compile(r" …\[cut: full length ([\d,]+) characters\]$")


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1)[1:], 16)), text)


def csv_problem(original: str, field: str) -> str | None:
    """Why ``field`` (as a CSV reader returns it) is not a safe, faithful copy of ``original``; None when it is."""
    if field.startswith(TRIGGERS):
        return f"{field[:40]!r} starts like a formula"
    body = field
    if original.startswith(TRIGGERS):
        if not field.startswith("'"):
            return f"{field[:40]!r}: the formula is not neutralised"
        body = field[1:]
    back = unescape(body) if _UNSAFE_CSV.search(original) else body
    return None if back == original else f"{original[:40]!r} reads back as {back[:40]!r}"


def cell_problem(original: str, cell: str) -> str | None:
    """Why an XLSX cell's text (as python-calamine reads it) is not a safe, faithful copy of ``original``."""
    if _UNSAFE_CELL.search(cell):
        return f"{cell[:40]!r} holds a character XLSX cannot carry"
    if len(cell) > CELL_LIMIT:
        return f"{len(cell):,} characters: over Excel's cell limit"
    cut = _CUT.search(cell)
    if cut:
        stated = int(cut.group(1).replace(",", ""))
        if stated < len(original) or stated <= CELL_LIMIT:
            return f"the cut marker states {stated:,} characters; the text had {len(original):,}"
        kept = cell[: cut.start()]
        if _UNSAFE_CELL.search(original):
            kept = unescape(_PARTIAL.sub("", kept))
        return None if original.startswith(kept) else f"cut text {kept[:40]!r} is not the start of the original"
    back = unescape(cell) if _UNSAFE_CELL.search(original) else cell
    return None if back == original else f"{original[:40]!r} reads back as {back[:40]!r}"
