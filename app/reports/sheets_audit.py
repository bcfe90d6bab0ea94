"""The Audit trail sheet: every audit row with its hashes and whether the chain holds there.

Each row's status is worked out while streaming (the same walk as
``audit.verify``), so an auditor sees exactly where a chain breaks, and every
row after a break says it can no longer be trusted.
"""

from __future__ import annotations

from typing import Any

from app.reports import xlsx_style
from app.reports.context import ReportContext
from app.reports.safety import excel_value
from app.store import audit, report_queries

AUDIT_HEADINGS_BASE: tuple[str, ...] = (
    "Id", "Time", "Actor", "Action", "Entity", "Entity id", "Old (JSON)", "New (JSON)",
    "Previous hash", "Hash", "Chain status",
)
_WIDTHS = (7, 20, 14, 12, 12, 16, 45, 45, 34, 34, 24)
_WRAPPED = (6, 7, 8, 9)  # old and new JSON, the two hashes: printed in full, over several lines


def audit_headings(ctx: ReportContext) -> tuple[str, ...]:
    return tuple(ctx.time_header(h) if h == "Time" else h for h in AUDIT_HEADINGS_BASE)


class ChainWalker:
    """Gives each audit row its chain status, in id order."""

    def __init__(self) -> None:
        self.prev = audit.GENESIS
        self.expected_id = 1
        self.broken = False

    def status(self, row: dict[str, Any]) -> str:
        if self.broken:
            return "after a break: not verifiable"
        problem = ""
        if row["id"] != self.expected_id:
            problem = f"BROKEN: row {self.expected_id} is missing"
        elif row["prev_hash"] != self.prev:
            problem = "BROKEN: previous-hash link does not match"
        elif audit.row_hash(self.prev, row) != row["hash"]:
            problem = "BROKEN: contents do not match its hash"
        if problem:
            self.broken = True
            return problem
        self.prev = row["hash"]
        self.expected_id += 1
        return "ok"


def write_audit(wb: Any, ctx: ReportContext, total: int) -> int:
    """Write the Audit trail sheet; returns its row count."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet("Audit trail")
    xlsx_style.print_setup(ws, ctx.page)
    ws.freeze_panes = "B2"
    for i, width in enumerate(_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    xlsx_style.header_height(ws, audit_headings(ctx), _WIDTHS)
    ws.append(xlsx_style.header_row(ws, audit_headings(ctx)))
    walker = ChainWalker()
    n = 0
    for row in report_queries.iter_audit(ctx.db):
        values = [
            row["id"], ctx.local(row["ts"]), *(excel_value(row[k]) for k in
                                               ("actor", "action", "entity", "entity_id", "old", "new")),
            row["prev_hash"], row["hash"], walker.status(row),
        ]
        xlsx_style.set_row_height(ws, n + 2, max(xlsx_style.wrapped_lines(values[i], _WIDTHS[i]) for i in _WRAPPED))
        cells = [xlsx_style.text_cell(ws, v) if isinstance(v, str) else v for v in values]
        for i in _WRAPPED:
            cells[i] = xlsx_style.wrapped_cell(ws, values[i])
        ws.append(cells)
        n += 1
        if n % 2000 == 0:
            ctx.progress.check()
            ctx.progress.report(n, total, f"audit trail: {n:,} of {total:,}")
    last = max(n + 1, 2)
    ws.auto_filter.ref = f"A1:K{last}"
    ws.conditional_formatting.add(f"K2:K{last}", xlsx_style.not_ok_rule("K", 2))
    xlsx_style.finish_sheet(ws)
    return n
