"""The Patterns sheet: the report filter's busiest log templates, their trend, and what is known about each.

One row per pattern (up to 50, busiest first): its count in the period, first and
last seen, whether it is new or spiking, a text sparkline of its counts, and the
incidents and knowledge-base articles linked to it, so an auditor sees which
recurring problems were worked and which have a written fix.
"""

from __future__ import annotations

from typing import Any

from app.domain.vocab import ERROR_COLOUR, PRIORITY_COLOURS
from app.reports import xlsx_style
from app.reports.context import ReportContext
from app.reports.pattern_rows import PatternFacts
from app.reports.safety import excel_value

NEW_COLOUR = PRIORITY_COLOURS[3]
_WRAPPED = ("template", "incident_text", "article_text")
_FIXED_WIDTHS = {"id": 7, "template": 60, "count": 9, "first_seen": 19, "last_seen": 19, "new": 7, "spiking": 9,
                 "peak": 9, "incident_text": 40, "article_text": 40}


def pattern_headings(ctx: ReportContext, facts: PatternFacts) -> dict[str, str]:
    """Field -> heading; the trend's heading says what one block stands for."""
    unit = facts.unit if facts.unit[0].isdigit() else f"UTC {facts.unit}"
    return {"id": "Pattern", "template": "Template", "count": "Count", "first_seen": ctx.time_header("First seen"),
            "last_seen": ctx.time_header("Last seen"), "new": "New", "spiking": "Spiking",
            "trend": f"Trend (one block per {unit}, oldest first)", "peak": f"Peak (per {unit})",
            "incident_text": "Linked incidents", "article_text": "Knowledge-base articles"}


def _note(facts: PatternFacts) -> str:
    if facts.unmined:
        return (f"{facts.unmined:,} events have no pattern yet (imported before patterns existed) and are not "
                "counted here; 'issue-ledger patterns' gives them theirs.")
    return "" if facts.rows else "No events in the period have a pattern."


def write_patterns(wb: Any, ctx: ReportContext, facts: PatternFacts) -> int:
    """Write the Patterns sheet; returns the number of patterns listed."""
    from openpyxl.utils import get_column_letter

    headings = pattern_headings(ctx, facts)
    fields = list(headings)
    ws = wb.create_sheet("Patterns")
    xlsx_style.print_setup(ws, ctx.page)
    ws.freeze_panes = "C2"
    trend_width = max(12, min(64, max((len(r["trend"]) for r in facts.rows), default=0) + 2))
    widths = [_FIXED_WIDTHS.get(f, trend_width) for f in fields]
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    xlsx_style.header_height(ws, list(headings.values()), widths)
    ws.append(xlsx_style.header_row(ws, list(headings.values())))
    for n, row in enumerate(facts.rows, 2):
        values: dict[str, Any] = {f: (ctx.local(row[f]) if f in ("first_seen", "last_seen") else excel_value(row[f]))
                                  for f in fields}
        cells = []
        for f in fields:
            value = values[f]
            if f in ("new", "spiking"):
                cells.append(xlsx_style.yes_no(ws, bool(row[f])))
            elif f in _WRAPPED:
                cells.append(xlsx_style.wrapped_cell(ws, value))
            else:
                cells.append(xlsx_style.text_cell(ws, value) if isinstance(value, str) else value)
        xlsx_style.set_row_height(ws, n, max(xlsx_style.wrapped_lines(values[f], _FIXED_WIDTHS[f]) for f in _WRAPPED))
        ws.append(cells)
    last = max(len(facts.rows) + 1, 2)
    xlsx_style.add_table(ws, "Patterns", list(headings.values()), last)
    for name, colour in (("new", NEW_COLOUR), ("spiking", ERROR_COLOUR)):
        col = get_column_letter(fields.index(name) + 1)
        ws.conditional_formatting.add(*xlsx_style.true_rule(f"{col}2:{col}{last}", col, 2, colour))
    note = _note(facts)
    if note:
        if not facts.rows:
            ws.append([])
        ws.append([])
        ws.append([xlsx_style.text_cell(ws, note)])
    xlsx_style.finish_sheet(ws)
    return len(facts.rows)
