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
    ",", ";", "|", "é", "日本語", "😀", " ", "#REF!", "_x0041_", "<b>", "&amp;", "]]>", "\u0085", "\u2028",
    "\\ud800", "\\u0000",
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
_AFTER_SEPARATOR = re.compile('([,;\t\r\n][ "]*)(?=[=+\\-@])')  # a cell starts here for a ; or tab reader
_SURROGATE = re.compile("[\ud800-\udfff]")
_CUT = re.compile(r" …\[cut: full length ([\d,]+) characters\]$")


def as_stored(text: str) -> str:
    """What the store keeps of a text: a lone surrogate (no UTF-8 writer takes one) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1)[1:], 16)), text)


def _escaped(text: str) -> str:
    """Characters a CSV field must not carry as they are, escaped visibly; then every backslash doubled."""
    if not _UNSAFE_CSV.search(text):
        return text
    return "".join("\\\\" if ch == "\\" else f"\\x{ord(ch):02x}" if _UNSAFE_CSV.match(ch) and ord(ch) < 0x100
                   else f"\\u{ord(ch):04x}" if _UNSAFE_CSV.match(ch) else ch for ch in text)


def csv_expected(original: str) -> str:
    """The field the README promises: a leading formula trigger gets an apostrophe, unsafe characters are escaped,
    and a trigger after a ``,``, ``;``, tab or line break (spaces or quotes between) gets one too."""
    field = "'" + original if original.startswith(TRIGGERS) else original
    return _AFTER_SEPARATOR.sub(r"\1'", _escaped(field))


def csv_problem(original: str, field: str) -> str | None:
    """Why ``field`` (as a CSV reader returns it) is not the safe, faithful copy of ``original``; None when it is."""
    if field.startswith(TRIGGERS):
        return f"{field[:40]!r} starts like a formula"
    if _AFTER_SEPARATOR.search(field):
        return f"{field[:60]!r} has a formula trigger after a separator"
    expected = csv_expected(original)
    if field != expected:
        return f"{original[:40]!r} reads back as {field[:60]!r}, not {expected[:60]!r}"
    back = unescape(field[1:] if original.startswith(TRIGGERS) else field) if _UNSAFE_CSV.search(original) else None
    if back is not None and _AFTER_SEPARATOR.search(original) is None and back != original:
        return f"the escapes of {field[:40]!r} do not read back as {original[:40]!r}"
    return None


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
