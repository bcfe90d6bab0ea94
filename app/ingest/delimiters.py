"""Which separator a delimited text file uses, read from its header line.

Event exports (``formats.csvfmt``), format detection and incident sheets
(``incidents.reader``) all ask this one question the same way.
"""

from __future__ import annotations

DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|")  # in order of preference when counts tie


def sniff_delimiter(header: str) -> str:
    """The separator the header line holds most often (a comma when it holds none)."""
    counts = {d: header.count(d) for d in DELIMITERS}
    return max(counts, key=lambda d: counts[d])


def spaced_after(header: str, delimiter: str) -> bool:
    """Whether every separator in the header is followed by a space (``a, b, c``): cells then skip it."""
    n = header.count(delimiter)
    return n > 0 and header.count(delimiter + " ") == n
