"""The Incidents sheet: one row per incident, every field plus the SLA columns.

Times are real Excel datetimes in the user's zone (named in the heading), the
rows form an Excel table (autofilter, stripes), priorities and breached SLAs are
coloured by conditional formats, and external tickets are hyperlinks — only
for http(s) addresses, so a hostile ``file:`` or ``javascript:`` link stays text.
"""

from __future__ import annotations

from typing import Any

from app.domain.vocab import PRIORITY_COLOURS
from app.reports import xlsx_style
from app.reports.context import ReportContext
from app.reports.facts import SLA_COLUMNS, ReportFacts
from app.reports.safety import excel_value
from app.store.incidents import INCIDENT_COLUMNS

INCIDENT_FIELDS: tuple[str, ...] = ("id", *INCIDENT_COLUMNS, "linked_events")
TIME_FIELDS = frozenset({
    "opened_at", "first_seen_at", "acknowledged_at", "resolved_at", "closed_at", "created_at", "updated_at",
})
BREACH_RED = "#dc2626"
_SAFE_LINK = ("https://", "http://")


def incident_fields(facts: ReportFacts) -> tuple[str, ...]:
    return INCIDENT_FIELDS + SLA_COLUMNS


def heading(ctx: ReportContext, name: str) -> str:
    return ctx.time_header(name) if name in TIME_FIELDS else name


def incident_values(ctx: ReportContext, row: dict[str, Any], fields: tuple[str, ...]) -> list[Any]:
    """One incident as cell values (times local and naive, texts made safe)."""
    out: list[Any] = []
    for name in fields:
        value = row.get(name)
        if name in TIME_FIELDS:
            out.append(ctx.local(value))
        elif name in ("response_breached", "resolution_breached") and value is not None:
            out.append(bool(value))
        else:
            out.append(excel_value(value))
    return out


def _link_cell(ws: Any, url: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=excel_value(url))
    if isinstance(url, str) and url.lower().startswith(_SAFE_LINK) and len(url) < 2000 and " " not in url:
        cell.hyperlink = url
        cell.style = "Hyperlink"
    return cell


def write_incidents(wb: Any, ctx: ReportContext, facts: ReportFacts) -> int:
    """Write the Incidents sheet; returns the number of rows."""
    from openpyxl.utils import get_column_letter

    fields = incident_fields(facts)
    names = [heading(ctx, n) for n in fields]
    rows = [incident_values(ctx, r, fields) for r in facts.incidents]
    ws = wb.create_sheet("Incidents")
    ws.freeze_panes = "C2"
    xlsx_style.fit_widths(ws, names, rows)
    ws.append(xlsx_style.header_row(ws, names))
    # Datetimes get openpyxl's own date format (yyyy-mm-dd h:mm:ss); styling each cell again costs time.
    url_col = fields.index("external_url")
    for n, values in enumerate(rows, 1):
        if values[url_col]:
            values[url_col] = _link_cell(ws, facts.incidents[n - 1].get("external_url"))
        ws.append(values)
        if n % 1000 == 0:
            ctx.progress.check()
    last = max(len(rows) + 1, 2)
    xlsx_style.add_table(ws, "Incidents", names, last)
    prio = get_column_letter(fields.index("priority") + 1)
    for p, colour in PRIORITY_COLOURS.items():
        rule = xlsx_style.number_equals_rule(f"{prio}2:{prio}{last}", prio, 2, p, colour)
        ws.conditional_formatting.add(*rule)
    state = get_column_letter(fields.index("sla_state") + 1)
    ws.conditional_formatting.add(*xlsx_style.text_equals_rule(
        f"{state}2:{state}{last}", state, 2, "breached", BREACH_RED))
    for name in ("response_breached", "resolution_breached"):
        col = get_column_letter(fields.index(name) + 1)
        ws.conditional_formatting.add(*xlsx_style.true_rule(f"{col}2:{col}{last}", col, 2, BREACH_RED))
    xlsx_style.finish_sheet(ws)
    return len(rows)
