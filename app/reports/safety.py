"""Making attacker-controlled log text safe for spreadsheets.

A log line is text an attacker may have chosen. These things can go wrong when
it lands in a spreadsheet, and each has a fix here:

* a text that starts with ``=``, ``+``, ``-``, ``@``, tab, CR or LF is run as a
  formula by Excel/LibreOffice (OWASP "CSV injection"). In a CSV it gets a
  leading apostrophe. In the workbook it is written as a text cell with
  Excel's quote-prefix flag (``needs_quote_prefix`` says when): the reader sees
  the original text, no apostrophe, and editing the cell does not run it;
* XLSX (XML 1.0) cannot hold NUL and most other control characters (and a bare
  CR comes back as LF): each is
  replaced by a visible escape ``\\x00``-style (a literal backslash is doubled
  only in texts that needed escaping, so the escape reads back unambiguously);
* a cell holds at most 32,767 characters: a longer text is cut and ends with a
  marker that gives its full length;
* XLSX readers (Excel, LibreOffice, openpyxl, calamine) decode ``_xHHHH_`` in a
  cell as the character HHHH, and openpyxl writes such text as it is: a log line
  holding ``_x0041_`` would read back as ``A``. Its underscore is written as
  ``_x005F_``, which every reader decodes back to ``_``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from app.domain.text import escape_match

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")
EXCEL_CELL_LIMIT = 32_767

# Characters that XML 1.0 (and so XLSX) cannot carry: C0 controls except tab/LF/CR,
# lone surrogates (left by undecodable input) and the two non-characters U+FFFE/U+FFFF.
_UNSAFE_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_OR_BACKSLASH = re.compile("[\\\\\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# In a cell a bare CR does not survive either: XML readers turn it into LF. Escape it too.
_UNSAFE_XLSX = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_XLSX_OR_BACKSLASH = re.compile("[\\\\\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
# OOXML's own escape: a reader turns "_x0041_" into "A" unless its underscore is escaped as "_x005F_".
_OOXML_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
# A formula trigger that starts a cell for a reader splitting on , ; or tab (spaces or quotes may come between).
_TRIGGER_AFTER_SEPARATOR = re.compile('([,;\t\r\n][ "]*)(?=[=+\\-@])')
_CSV_NEEDS_QUOTES = re.compile('[",;\t\r\n]')


def neutralise_formula(text: str) -> str:
    """Prefix a text that a spreadsheet would read as a formula with an apostrophe."""
    if text and text[0] in "=+-@\t\r\n":
        return "'" + text
    return text


def neutralise_csv(value: Any) -> Any:
    """A CSV field: formula triggers neutralised, other values untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def escape_unsafe(text: str) -> str:
    """Replace characters XLSX cannot hold (CR included) with visible escapes; other texts come back unchanged."""
    if _UNSAFE_XLSX.search(text) is None:
        return text
    return _UNSAFE_XLSX_OR_BACKSLASH.sub(escape_match, text)


def cut_marker(full_length: int) -> str:
    return f" …[cut: full length {full_length:,} characters]"


def cap_length(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """Cut a text to ``limit`` characters, ending in a marker that gives the full length."""
    if len(text) <= limit:
        return text
    marker = cut_marker(len(text))
    return text[: limit - len(marker)] + marker


def needs_quote_prefix(text: str) -> bool:
    """Whether a workbook text would read as a formula (or an error value) and so needs the quote-prefix flag."""
    return bool(text) and (text[0] in "=+-@\t\r\n#")


def excel_text(text: str) -> str:
    """A text made storable in an XLSX cell: no illegal characters, within the cell limit.

    It may still start like a formula: the sheet writes it as a quote-prefixed
    text cell (``xlsx_style.text_cell``), never as a value Excel would parse.
    """
    if _UNSAFE_XLSX.search(text) is not None:
        text = _UNSAFE_XLSX_OR_BACKSLASH.sub(escape_match, text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub("_x005F_", text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = cap_length(text)
    return text


def excel_value(value: Any) -> Any:
    """Any cell value: texts through ``excel_text``, everything else as it is (see ``xlsx_style.safe_value``)."""
    if isinstance(value, str):
        return excel_text(value)
    return value


def csv_text(value: Any) -> Any:
    """A CSV field: formulas neutralised and unsafe characters escaped, full length kept.

    A spreadsheet whose list separator is ``;`` (or one told to split on tabs)
    cuts our comma-separated line at a different place, so a formula trigger
    after any separator or line break inside the text is neutralised too:
    ``note;=cmd`` becomes ``note;'=cmd`` (OWASP CSV injection guidance).
    """
    if isinstance(value, str):
        if value and value[0] in "=+-@\t\r\n":
            value = "'" + value
        if _UNSAFE_XML.search(value) is not None:
            value = _UNSAFE_OR_BACKSLASH.sub(escape_match, value)
        if _TRIGGER_AFTER_SEPARATOR.search(value) is not None:  # rare: search first, sub is costlier
            value = _TRIGGER_AFTER_SEPARATOR.sub(r"\1'", value)
    return value


def csv_field(value: Any) -> str:
    """One field as the CSV line holds it: quoted when it holds a quote, a line break or any locale's separator.

    Python's ``csv`` quotes only for its own delimiter, so ``a;b`` went out
    bare and a ``;`` reader split it; here ``,``, ``;`` and tab all quote.
    """
    if value is None:
        return ""
    if value.__class__ is str:
        return '"' + value.replace('"', '""') + '"' if _csv_needs_quotes(value) else value
    text = repr(value) if isinstance(value, float) else str(value)
    return '"' + text.replace('"', '""') + '"' if _csv_needs_quotes(text) else text


def csv_line(values: Iterable[Any]) -> str:
    """A comma-separated line ending in CRLF, each field through ``csv_field``."""
    return ",".join([csv_field(v) for v in values]) + "\r\n"


_csv_needs_quotes = _CSV_NEEDS_QUOTES.search
