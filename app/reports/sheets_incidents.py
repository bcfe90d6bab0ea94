"""The Incidents sheet: one row per incident, every field plus the SLA columns.

Headings are in words ("Opened (Asia/Manila)"), priorities by name ("P1
Critical"). The columns an auditor files come first, and only they print (one
page wide); the rest are for the screen. Times are real Excel datetimes in the
user's zone, the rows form an Excel table (autofilter, stripes), priorities and
breached SLAs are coloured by conditional formats, and external tickets are
hyperlinks — only for http(s) addresses, so a hostile ``file:`` or
``javascript:`` link stays text.
"""

from __future__ import annotations

from typing import Any

from app.domain.incidents import link_problem
from app.domain.vocab import ERROR_COLOUR, PRIORITY_COLOURS, PRIORITY_LABELS, Priority
from app.reports import xlsx_style
from app.reports.context import ReportContext
from app.reports.facts import SLA_COLUMNS, ReportFacts
from app.reports.safety import excel_value
from app.store.incidents import INCIDENT_COLUMNS

INCIDENT_FIELDS: tuple[str, ...] = ("id", *INCIDENT_COLUMNS, "linked_events")
TIME_FIELDS = frozenset({
    "opened_at", "first_seen_at", "acknowledged_at", "resolved_at", "closed_at", "created_at", "updated_at",
})
# What an auditor files, in this order and with these widths; these columns make the printed page.
PRINTED: dict[str, int] = {
    "number": 11, "title": 40, "priority": 12, "status": 11, "client": 14, "assignee": 14,
    "opened_at": 19, "acknowledged_at": 19, "resolved_at": 19, "sla_state": 10,
    "response_breached": 10, "resolution_breached": 10,
}
HEADINGS: dict[str, str] = {
    "id": "Id", "log_type": "Log type", "hold_reason": "Hold reason", "affected_seats": "Affected seats",
    "reported_by": "Reported by", "assignment_group": "Assignment group", "opened_at": "Opened",
    "first_seen_at": "First seen", "acknowledged_at": "Acknowledged", "resolved_at": "Resolved", "closed_at": "Closed",
    "downtime_minutes": "Downtime (min)", "root_cause": "Root cause", "resolution_code": "Resolution code",
    "resolution_notes": "Resolution notes", "external_key": "External ticket", "external_url": "External link",
    "created_at": "Created", "updated_at": "Updated", "linked_events": "Linked events",
    "response_target_minutes": "Response target (min)", "resolution_target_minutes": "Resolution target (min)",
    "time_to_ack_minutes": "Time to acknowledge (min)", "time_to_resolve_minutes": "Time to resolve (min)",
    "time_left_minutes": "Time left (min)", "response_breached": "Response breached",
    "resolution_breached": "Resolution breached", "sla_state": "SLA state", "sla_calendar": "SLA calendar",
}
LEVEL_LABELS = {1: "1 High", 2: "2 Medium", 3: "3 Low"}  # impact and urgency


def incident_fields(facts: ReportFacts | None = None) -> tuple[str, ...]:
    """Every field, the printed ones first."""
    rest = tuple(f for f in INCIDENT_FIELDS + SLA_COLUMNS if f not in PRINTED)
    return (*PRINTED, *rest)


def heading(ctx: ReportContext, name: str) -> str:
    text = HEADINGS.get(name) or name.replace("_", " ").capitalize()
    return ctx.time_header(text) if name in TIME_FIELDS else text


def printed_columns_text(ctx: ReportContext) -> str:
    first, last = (heading(ctx, n) for n in (next(iter(PRINTED)), list(PRINTED)[-1]))
    others = len(incident_fields()) - len(PRINTED)
    return (f"Incidents prints its first {len(PRINTED)} columns ({first} to {last}); "
            f"the other {others} are on screen.")


def incident_values(ctx: ReportContext, row: dict[str, Any], fields: tuple[str, ...]) -> list[Any]:
    """One incident as cell values (times local and naive, priorities by name, texts made safe)."""
    out: list[Any] = []
    for name in fields:
        value = row.get(name)
        if name in TIME_FIELDS:
            out.append(ctx.local(value))
        elif name in ("response_breached", "resolution_breached") and value is not None:
            out.append(bool(value))
        elif name == "priority" and value in (1, 2, 3, 4):
            out.append(PRIORITY_LABELS[Priority(value)])
        elif name in ("impact", "urgency") and value in LEVEL_LABELS:
            out.append(LEVEL_LABELS[value])
        else:
            out.append(excel_value(value))
    return out


def _link_cell(ws: Any, url: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = xlsx_style.safe_value(ws, url)
    if not xlsx_style.is_cell(cell):
        cell = WriteOnlyCell(ws, value=cell)
    # A link the form would refuse (one stored by an older version) stays plain text: a control character in a
    # hyperlink target corrupts the workbook.
    if isinstance(url, str) and link_problem(url) is None and len(url) < 2000 and " " not in url:
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
    xlsx_style.print_setup(ws, ctx.page)
    ws.freeze_panes = "B2"
    widths = xlsx_style.fit_widths(ws, names, rows, minimum=8, maximum=50,
                                   fixed={heading(ctx, n): w for n, w in PRINTED.items()})
    xlsx_style.header_height(ws, names, widths)
    ws.append(xlsx_style.header_row(ws, names))
    # Datetimes get openpyxl's own date format (yyyy-mm-dd h:mm:ss); styling each cell again costs time.
    url_col, title_col = fields.index("external_url"), fields.index("title")
    flag_cols = [fields.index(n) for n in ("response_breached", "resolution_breached")]
    for n, values in enumerate(rows, 1):
        cells = [xlsx_style.text_cell(ws, v) if isinstance(v, str) else v for v in values]
        if values[url_col]:
            cells[url_col] = _link_cell(ws, facts.incidents[n - 1].get("external_url"))
        cells[title_col] = xlsx_style.wrapped_cell(ws, values[title_col])
        for col in flag_cols:
            cells[col] = xlsx_style.yes_no(ws, values[col])
        xlsx_style.set_row_height(ws, n + 1, xlsx_style.wrapped_lines(values[title_col], PRINTED["title"]))
        ws.append(cells)
        if n % 1000 == 0:
            ctx.progress.check()
    last = max(len(rows) + 1, 2)
    ws.print_area = f"A1:{get_column_letter(len(PRINTED))}{last}"
    xlsx_style.add_table(ws, "Incidents", names, last)
    prio = get_column_letter(fields.index("priority") + 1)
    for p, colour in PRIORITY_COLOURS.items():
        label = PRIORITY_LABELS[Priority(p)]
        ws.conditional_formatting.add(*xlsx_style.text_equals_rule(f"{prio}2:{prio}{last}", prio, 2, label, colour))
    state = get_column_letter(fields.index("sla_state") + 1)
    ws.conditional_formatting.add(*xlsx_style.text_equals_rule(
        f"{state}2:{state}{last}", state, 2, "breached", ERROR_COLOUR))
    for name in ("response_breached", "resolution_breached"):
        col = get_column_letter(fields.index(name) + 1)
        ws.conditional_formatting.add(*xlsx_style.true_rule(f"{col}2:{col}{last}", col, 2, ERROR_COLOUR))
    xlsx_style.finish_sheet(ws)
    return len(rows)
