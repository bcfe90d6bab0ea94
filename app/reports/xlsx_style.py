"""Looks shared by the sheets: headings, widths, tables, colours, protection.

openpyxl is imported inside the functions so importing the reports package
stays light (the CLI's ``--help`` must not load it).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

HEADER_FILL = "1F3864"
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
MINUTES_FORMAT = "#,##0.0"


def argb(colour: str) -> str:
    """'#rrggbb' (the vocabulary's form) -> 'FFRRGGBB' (openpyxl's)."""
    return "FF" + colour.lstrip("#").upper()


def light(colour: str, amount: float = 0.75) -> str:
    """A pale tint of a colour, for cell backgrounds that keep black text readable."""
    c = colour.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(v + (255 - v) * amount) for v in (r, g, b)]
    return "FF" + "".join(f"{v:02X}" for v in mix)


def header_row(ws: Any, names: Sequence[str]) -> list[Any]:
    """Bold white-on-blue heading cells for a write-only sheet."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    font = Font(bold=True, color="FFFFFFFF")
    fill = PatternFill("solid", fgColor="FF" + HEADER_FILL)
    align = Alignment(vertical="center", wrap_text=False)
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill, cell.alignment = font, fill, align
        cells.append(cell)
    return cells


def bold(ws: Any, value: Any, size: float | None = None) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True, size=size) if size else Font(bold=True)
    return cell


def fit_widths(ws: Any, names: Sequence[str], rows: Iterable[Sequence[Any]],
               minimum: int = 6, maximum: int = 60, fixed: dict[str, int] | None = None) -> None:
    """Set column widths from the longest value seen (write-only sheets need them before rows)."""
    from openpyxl.utils import get_column_letter

    widths = [len(str(n)) + 2 for n in names]
    for row in rows:
        for i, v in enumerate(row):
            if v is None:
                continue
            n = 19 if hasattr(v, "year") else len(str(v)) if not isinstance(v, str) else len(v.split("\n", 1)[0])
            if n + 1 > widths[i]:
                widths[i] = n + 1
    for i, name in enumerate(names):
        width = (fixed or {}).get(name, widths[i])
        ws.column_dimensions[get_column_letter(i + 1)].width = max(minimum, min(maximum, width))


def add_table(ws: Any, display_name: str, names: Sequence[str], last_row: int,
              style: str = "TableStyleMedium2") -> None:
    """An Excel table (with autofilter) over the heading and ``last_row`` rows."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    ref = f"A1:{get_column_letter(len(names))}{max(last_row, 2)}"
    table = Table(displayName=display_name, ref=ref)
    # Write-only sheets cannot read their heading back, so the columns are given here.
    table.tableColumns = [TableColumn(id=i, name=str(n)) for i, n in enumerate(names, 1)]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "add table columns manually": done above
        ws.add_table(table)


def finish_sheet(ws: Any) -> None:
    """What every sheet gets last: protection, and printing one page wide in landscape (auditors print)."""
    protect(ws)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False


def protect(ws: Any) -> None:
    """Lock against editing without a password; filtering, sorting and selecting stay allowed."""
    p = ws.protection
    p.sheet = True
    p.autoFilter = False
    p.sort = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False
    p.formatColumns = False


def text_equals_rule(range_ref: str, column_letter: str, first_row: int, value: str, colour: str) -> tuple[str, Any]:
    """A conditional-format rule colouring rows of ``range_ref`` whose cell equals ``value``."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    safe = value.replace('"', '""')
    rule = FormulaRule(formula=[f'${column_letter}{first_row}="{safe}"'],
                       fill=PatternFill("solid", bgColor=light(colour)), stopIfTrue=False)
    return range_ref, rule


def number_equals_rule(range_ref: str, column_letter: str, first_row: int, value: int, colour: str) -> tuple[str, Any]:
    """Colour cells of ``range_ref`` whose column holds the number ``value``."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    rule = FormulaRule(formula=[f"${column_letter}{first_row}={int(value)}"],
                       fill=PatternFill("solid", bgColor=light(colour)))
    return range_ref, rule


def true_rule(range_ref: str, column_letter: str, first_row: int, colour: str) -> tuple[str, Any]:
    """Colour cells holding TRUE (a breached SLA flag) in a strong tint.

    Fill only: a bold font in a conditional format makes LibreOffice's PDF export fail.
    """
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    rule = FormulaRule(formula=[f"${column_letter}{first_row}=TRUE"],
                       fill=PatternFill("solid", bgColor=light(colour, 0.55)))
    return range_ref, rule


def not_ok_rule(column_letter: str, first_row: int) -> Any:
    """Red for a chain-status cell that is anything but "ok" (fill only, see ``true_rule``)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    return FormulaRule(formula=[f'${column_letter}{first_row}<>"ok"'],
                       fill=PatternFill("solid", bgColor=light("#dc2626", 0.55)))
