"""Looks shared by the sheets: headings, widths, tables, colours, protection.

openpyxl is imported inside the functions so importing the reports package
stays light (the CLI's ``--help`` must not load it).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from app.domain.vocab import ERROR_COLOUR
from app.reports.context import PageText
from app.reports.safety import excel_text, needs_quote_prefix

HEADER_FILL = "1F3864"
FONT = "Calibri"  # named on every font: a font without a name prints in the program's default (a serif)
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit
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


def text_cell(ws: Any, text: str) -> Any:
    """A made-safe text as it goes into a row: as it is, or as a quote-prefixed text cell when it looks like a formula.

    Excel's quote prefix keeps the text a text for good (editing the cell does
    not turn it into a formula) and, unlike a typed apostrophe, is not shown.
    """
    if not needs_quote_prefix(text):
        return text
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=None)
    cell._value, cell.data_type = text, "s"  # never 'f' or 'e', whatever the text starts with
    cell.quotePrefix = True
    return cell


def is_cell(value: Any) -> bool:
    """Whether a row item is already a cell (styled) rather than a bare value."""
    return hasattr(value, "coordinate")


def safe_value(ws: Any, value: Any) -> Any:
    """Any cell value: texts made safe (``excel_text``, ``text_cell``), everything else as it is."""
    if isinstance(value, str):
        return text_cell(ws, excel_text(value))
    return value


def header_row(ws: Any, names: Sequence[str]) -> list[Any]:
    """Bold white-on-blue heading cells for a write-only sheet (long headings wrap onto two lines)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    font = Font(name=FONT, bold=True, color="FFFFFFFF")
    fill = PatternFill("solid", fgColor="FF" + HEADER_FILL)
    align = Alignment(vertical="center", wrap_text=True)
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
    cell.font = Font(name=FONT, bold=True, size=size) if size else Font(name=FONT, bold=True)
    return cell


def yes_no(ws: Any, flag: bool | None) -> Any:
    """A flag (breached, new, spiking): a real TRUE/FALSE (filters and colour rules read it) shown as Yes/No."""
    from openpyxl.cell import WriteOnlyCell

    if flag is None:
        return None
    cell = WriteOnlyCell(ws, value=flag)
    cell.number_format = '"Yes";"Yes";"No"'
    return cell


def wrapped_lines(value: Any, width: float) -> int:
    """How many lines a text takes wrapped in a column ``width`` characters wide (1 for anything else).

    Rows written in write-only mode get no automatic height, so a wrapped cell's
    row is given its height from this.
    """
    import textwrap

    if not isinstance(value, str) or not value:
        return 1
    chars = max(1, int(width) - 2)  # a little slack: proportional glyphs are not all as narrow as "0"
    return sum(max(1, len(textwrap.wrap(part, chars))) for part in value.split("\n"))


def wrapped_cell(ws: Any, value: Any) -> Any:
    """A made-safe value in a cell that wraps; give its row the height with ``set_row_height``."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    cell = text_cell(ws, value) if isinstance(value, str) else value
    if not is_cell(cell):
        cell = WriteOnlyCell(ws, value=cell)
    cell.alignment = Alignment(wrap_text=True)
    return cell


def set_row_height(ws: Any, row: int, lines: int) -> None:
    """Give a row (before it is appended) room for ``lines`` lines of wrapped text."""
    if lines > 1:
        ws.row_dimensions[row].height = min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT)


def header_height(ws: Any, names: Sequence[str], widths: Sequence[float]) -> None:
    """Make the heading row (row 1) tall enough for headings that wrap."""
    set_row_height(ws, 1, max(wrapped_lines(n, w) for n, w in zip(names, widths)))


def fit_widths(ws: Any, names: Sequence[str], rows: Iterable[Sequence[Any]],
               minimum: int = 6, maximum: int = 60, fixed: dict[str, int] | None = None) -> list[int]:
    """Set column widths from the longest value seen (write-only sheets need them before rows); returns them."""
    from openpyxl.utils import get_column_letter

    widths = [len(str(n)) + 2 for n in names]
    for row in rows:
        for i, v in enumerate(row):
            if v is None:
                continue
            n = 19 if hasattr(v, "year") else len(str(v)) if not isinstance(v, str) else len(v.split("\n", 1)[0])
            if n + 1 > widths[i]:
                widths[i] = n + 1
    chosen = []
    for i, name in enumerate(names):
        width = max(minimum, min(maximum, (fixed or {}).get(name, widths[i])))
        ws.column_dimensions[get_column_letter(i + 1)].width = width
        chosen.append(width)
    return chosen


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


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a header code (&P, &N, &A)


def print_setup(ws: Any, page: PageText, title_rows: str | None = "1:1") -> None:
    """Set a sheet up for print as auditors file it: landscape, one page wide, headings on every page,
    the report's title and period in the header, "Page X of Y" and the audit-chain head in the footer.

    Call it right after creating the sheet: a write-only sheet writes its
    properties (where "fit to page" lives) before its first row.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    parts = ((ws.oddHeader.left, _header_text(page.title) + " — &A"),
             (ws.oddHeader.right, _header_text(page.period)),
             (ws.oddFooter.left, _header_text(f"Audit-chain head {page.chain_head}")),
             (ws.oddFooter.right, "Page &P of &N"))
    for part, text in parts:
        part.text, part.size = text, 8


def finish_sheet(ws: Any) -> None:
    """What every sheet gets last: protection (its print setup came first, see ``print_setup``)."""
    protect(ws)


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
                       fill=PatternFill("solid", bgColor=light(ERROR_COLOUR, 0.55)))
