"""Whitespace-only cell texts survive the workbook.

openpyxl's pure-Python cell writer (used when lxml is not installed, as here)
marks a text ``xml:space="preserve"`` only when it holds something besides
whitespace, so a log message of " " or "\\n" is written as ``<t> </t>``, which
Excel and python-calamine read back as "". Its lxml writer has no such gap; this
replaces the one helper the pure-Python writer uses with one that marks every
text with leading or trailing whitespace.
"""

from __future__ import annotations

from typing import Any


def _whitespace(node: Any) -> None:
    from openpyxl.xml.functions import XML_NS

    if node.text and node.text != node.text.strip():
        node.set(f"{{{XML_NS}}}space", "preserve")


def keep_whitespace_only_texts() -> None:
    """Call before writing a workbook; harmless to call again."""
    from openpyxl.cell import _writer

    _writer.whitespace = _whitespace
