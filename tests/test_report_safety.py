"""Hostile log text in the workbook: no formulas, no crashes, visible escapes, capped cells."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from app.domain import timeutil
from app.domain.filters import Filter
from app.reports.safety import (
    EXCEL_CELL_LIMIT,
    cap_length,
    csv_text,
    escape_unsafe,
    excel_text,
    needs_quote_prefix,
    neutralise_csv,
)
from app.reports.workbook import export_workbook
from app.store.database import Database
from report_helpers import HOSTILE_MESSAGES, LONG_LINE, add_hostile_data

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=timeutil.UTC)


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@x", "\tx", "\rx", "\nx"])
def test_formula_triggers_get_an_apostrophe_in_csv_and_a_quote_prefix_in_xlsx(text: str) -> None:
    assert neutralise_csv(text) == "'" + text
    assert csv_text(text) == "'" + text
    assert excel_text(text) == escape_unsafe(text)  # no visible apostrophe in the workbook...
    assert needs_quote_prefix(text)  # ...the cell's quote-prefix flag keeps it text instead


def test_plain_text_needs_no_quote_prefix() -> None:
    assert not needs_quote_prefix("hello = world") and not needs_quote_prefix("")
    assert needs_quote_prefix("#N/A")  # would otherwise read back as an error value


def test_plain_text_numbers_and_none_pass_through() -> None:
    assert excel_text("hello = world") == "hello = world"
    assert neutralise_csv(5) == 5 and csv_text(None) is None


def test_control_characters_are_escaped_visibly_and_unambiguously() -> None:
    assert escape_unsafe("a\x00b\x1bc") == "a\\x00b\\x1bc"
    assert escape_unsafe("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
    assert escape_unsafe("cr\r") == "cr\\x0d"
    # a literal backslash is doubled only when the text needed escaping, so "\x00" typed by hand stays apart
    assert escape_unsafe("C:\\temp\x07") == "C:\\\\temp\\x07"
    assert escape_unsafe("C:\\temp") == "C:\\temp"


def test_long_text_is_cut_with_its_full_length() -> None:
    out = cap_length(LONG_LINE)
    assert len(out) == EXCEL_CELL_LIMIT
    assert out.endswith("[cut: full length 40,000 characters]")
    assert cap_length("short") == "short"


@settings(deadline=None)  # the first example also imports openpyxl
@given(st.text(max_size=300))
def test_excel_text_is_always_storable(text: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    out = excel_text(text)
    assert ILLEGAL_CHARACTERS_RE.search(out) is None
    assert needs_quote_prefix(out) or not out.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert len(out) <= EXCEL_CELL_LIMIT


@pytest.fixture
def hostile_report(db: Database, tmp_path: Path) -> Path:
    add_hostile_data(db)
    out = tmp_path / "hostile.xlsx"
    export_workbook(db, out, Filter(), timeutil.UTC, now=NOW)
    return out


def _formula_like(value: object) -> bool:
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\n")


def test_hostile_lines_become_inert_text(hostile_report: Path) -> None:
    """Formula-like text is a text cell flagged quote-prefix: shown as typed, no apostrophe, never run."""
    import openpyxl

    wb = openpyxl.load_workbook(hostile_report)
    flagged = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if _formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                    flagged += 1
                if isinstance(cell.value, str):
                    assert not cell.value.startswith("'"), f"{ws.title}!{cell.coordinate} shows an apostrophe"
    assert flagged >= 20
    events = list(wb["Events"].iter_rows(values_only=True))[1:]
    messages = [r[9] for r in events]
    assert len(messages) == len(HOSTILE_MESSAGES)
    for got, original in zip(messages, HOSTILE_MESSAGES):
        if original == LONG_LINE:
            assert len(got) == EXCEL_CELL_LIMIT and got.endswith("[cut: full length 40,000 characters]")
        elif original.startswith("\r"):
            assert got == "\\x0d=carriage"  # a bare CR would come back as LF, so it is escaped
        elif original[0] in "=+-@\t\n":
            assert got == original
        elif "\x00" in original:
            assert got == "NUL\\x00 and ESC\\x1b and BEL\\x07 inside"
        elif "\x01" in original:
            assert got == "back\\\\slash with \\x01 control"
        else:
            assert got == original
    assert events[0][5] == "=host" and events[0][6] == "@comp" and events[0][8] == "-5"
    assert events[0][10] == "+Client" and events[0][11] == "Site\\x02"
    incidents = list(wb["Incidents"].iter_rows(values_only=True))
    names = incidents[0]
    first = dict(zip(names, incidents[1]))
    assert first["Title"] == "=cmd|' /C calc'!A0" and first["Description"] == "-desc\\x00"
    url_col = names.index("External link") + 1
    assert wb["Incidents"].cell(2, url_col).hyperlink is None  # javascript: stays text
    assert wb["Incidents"].cell(3, url_col).hyperlink.target == "https://tickets.example.com/browse/OPS-1"


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)", "#N/A"])
def test_formula_like_text_is_a_quote_prefixed_string(db: Database, tmp_path: Path, text: str) -> None:
    """Read back by openpyxl and by python-calamine: the very text, a string, flagged quote-prefix."""
    import openpyxl

    from app.store import incidents as incident_store

    now = timeutil.to_iso(NOW)
    with db.transaction():
        incident_store.insert(db, {
            "number": "INC-000001", "title": text, "log_type": "security", "impact": 1, "urgency": 1,
            "priority": 1, "status": "new", "client": text, "opened_at": now, "created_at": now,
            "updated_at": now,
        })
    out = tmp_path / "one.xlsx"
    export_workbook(db, out, Filter(), timeutil.UTC, include_events=False, now=NOW)
    ws = openpyxl.load_workbook(out)["Incidents"]
    header = [c.value for c in ws[1]]
    for name in ("Title", "Client"):
        cell = ws.cell(2, header.index(name) + 1)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True), name
    calamine = pytest.importorskip("python_calamine")
    rows = calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Incidents").to_python()
    assert rows[1][header.index("Title")] == text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_report(hostile_report: Path, tmp_path: Path) -> None:
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "pdf"), str(hostile_report)],
        capture_output=True, text=True, timeout=120,
    )
    pdf = tmp_path / "pdf" / "hostile.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")
