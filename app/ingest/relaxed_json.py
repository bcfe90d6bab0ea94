"""JSON as lnav's format files are written: trailing commas and comments allowed.

lnav reads its format files with a lenient parser, and its own files (access_log.json)
carry trailing commas; users copy from them, so we read what lnav reads.
"""

from __future__ import annotations

import json
from typing import Any


def loads(text: str) -> Any:
    """Parse ``text``; strict JSON first, then with comments and trailing commas blanked out.

    Raises json.JSONDecodeError, whose line and column still point into ``text``.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(_relax(text))


def _relax(text: str) -> str:
    """Blank out comments and trailing commas (outside strings), keeping line and column numbers."""
    out = list(text)
    i, n, last = 0, len(text), -1  # last: index of the last significant character outside strings
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            last = i
            i += 1
            continue
        if text.startswith("//", i) or text.startswith("/*", i):
            end = text.find("\n", i) if text[i + 1] == "/" else text.find("*/", i + 2) + 2
            end = n if end < (0 if text[i + 1] == "/" else 2) else end
            for k in range(i, end):
                out[k] = "\n" if text[k] == "\n" else " "
            i = end
            continue
        if c in "}]" and last >= 0 and text[last] == ",":
            out[last] = " "
        if not c.isspace():
            last = i
        i += 1
    return "".join(out)
