"""The audit report on paper: every sheet set up for print, a printable page count, no Summary value cut.

The print checks convert the workbook to PDF with LibreOffice (skipped where
``soffice`` or poppler's ``pdftotext`` is missing) and read each page's header
("Issue Ledger audit report — <sheet>") to tell which sheet it belongs to.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.reports.workbook import export_workbook
from app.store.database import Database

ZONE = timeutil.get_zone("Asia/Manila")
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=timeutil.UTC)
TITLE = "Issue Ledger audit report"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, demo_db_template: Path) -> dict[str, Any]:
    """One export of the demo database (5,000 events, 200 incidents), read back with openpyxl."""
    import openpyxl

    folder = tmp_path_factory.mktemp("print")
    db_path = folder / "demo.db"
    shutil.copy(demo_db_template, db_path)
    out = folder / "audit.xlsx"
    with Database.open(db_path) as db:
        export_workbook(db, out, Filter(), ZONE, now=NOW, actor="auditor-test")
    return {"out": out, "folder": folder, "wb": openpyxl.load_workbook(out)}


def test_every_sheet_prints_landscape_one_page_wide_with_header_and_footer(report: dict[str, Any]) -> None:
    wb = report["wb"]
    head = next(r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "Audit-chain head")
    assert len(head) == 64
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.oddHeader.left.text == f"{TITLE} — &A", ws.title
        assert ws.oddHeader.right.text == "Period the beginning to 2026-11-30 20:00 (Asia/Manila)", ws.title
        assert ws.oddFooter.right.text == "Page &P of &N", ws.title
        assert ws.oddFooter.left.text == f"Audit-chain head {head}", ws.title
    for name in ("Incidents", "Events", "Audit trail"):
        assert wb[name].print_title_rows == "$1:$1", name  # the heading row on every page
    assert wb["Incidents"].print_area == "'Incidents'!$A$1:$L$201"  # the columns an auditor files
    assert wb["Events"].print_area == "'Events'!$A$1:$N$501"  # the Events sheet is for filtering
    printing = next(r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "Printing")
    assert "Events prints its first 500 rows only" in printing and "for filtering" in printing


def test_summary_values_have_room(report: dict[str, Any]) -> None:
    """Each Summary value spans B:H and wraps; its row is tall enough for every line of it."""
    from openpyxl.utils import get_column_letter

    ws = report["wb"]["Summary"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    width = sum(ws.column_dimensions[get_column_letter(c)].width for c in range(2, 9))
    label_width = ws.column_dimensions["A"].width
    rows = 0
    for row in ws.iter_rows(min_row=3, max_row=40):
        label, value = row[0].value, row[1].value
        if label is None:
            break  # the end of the "label: value" block; tables follow
        rows += 1
        assert f"B{row[0].row}:H{row[0].row}" in merged, label
        assert row[1].alignment.wrap_text, label
        lines = (ws.row_dimensions[row[0].row].height or 15) / 15
        text = value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, dt.datetime) else str(value)
        assert len(text) <= lines * (width - 2), (label, text, lines)
        assert len(label) <= lines * (label_width - 2), label
    assert rows >= 20


def _pdf(xlsx: Path, folder: Path) -> tuple[Path, list[str]]:
    """The workbook as LibreOffice prints it, and the text of each page."""
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or poppler-utils (pdftotext) is not installed")
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder / "pdf"), str(xlsx)],
        capture_output=True, text=True, timeout=300,
    )
    pdf = folder / "pdf" / (xlsx.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pdf, pages


def _sheet_of(page: str) -> str:
    found = re.search(rf"{TITLE} — (Summary|Incidents|Events|Audit trail|Charts)", page)
    assert found, page[:300]
    return found.group(1)


def test_printed_report_is_a_readable_length(report: dict[str, Any]) -> None:
    """Before: the Summary ran over 4 pages cut at the edge, and a 30-day report printed 3,306 pages."""
    pdf, pages = _pdf(report["out"], report["folder"])
    page_objects = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))
    assert page_objects == len(pages)
    per_sheet = Counter(_sheet_of(p) for p in pages)
    assert per_sheet["Summary"] <= 2, per_sheet
    assert 2 <= per_sheet["Incidents"] <= math.ceil(200 / 20), per_sheet  # 200 incidents, one page wide
    assert per_sheet["Events"] <= 12, per_sheet  # 500 of the 5,000 rows
    assert len(pages) <= 40, per_sheet
    total = len(pages)
    assert all(f"Page {n} of {total}" in page for n, page in enumerate(pages, 1))
    # the heading row repeats on every printed Incidents page
    assert all("Number" in p and "Priority" in p for p in pages if _sheet_of(p) == "Incidents")


def test_no_summary_value_is_cut_on_paper(report: dict[str, Any]) -> None:
    _pdf_path, pages = _pdf(report["out"], report["folder"])
    printed = "".join("".join(p.split()) for p in pages if _sheet_of(p) == "Summary")
    ws = report["wb"]["Summary"]
    checked = 0
    for label, value in ws.iter_rows(min_row=3, max_row=40, max_col=2, values_only=True):
        if label is None:
            break
        text = value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, dt.datetime) else str(value)
        assert "".join((label + text).split()) in printed, (label, text)
        checked += 1
    assert checked >= 20
