"""Reading an incident sheet into headers and rows of cells, whatever the file type."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.ingest.delimiters import sniff_delimiter, spaced_after
from app.ingest.lines import decode


class SheetError(ValueError):
    """The file cannot be read as a table; the message names the file."""


@dataclass
class Table:
    """Cells by row; ``lines`` holds each row's line (CSV) or row number (XLSX) for messages."""

    path: Path
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def column(self, header: str) -> list[Any]:
        i = self.headers.index(header)
        return [r[i] if i < len(r) else None for r in self.rows]


def read_table(path: Path) -> Table:
    """A CSV (any common delimiter and encoding) or the first sheet of an XLSX workbook."""
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path)


def _decode(data: bytes, path: Path) -> str:
    try:
        return decode(data.removeprefix(codecs.BOM_UTF8), "strict")[0]
    except UnicodeDecodeError:
        raise SheetError(f"{path}: not a text file in UTF-8 or Windows-1252") from None


def _read_csv(path: Path) -> Table:
    text = _decode(path.read_bytes(), path)
    if not text.strip():
        raise SheetError(f"{path}: the file is empty")
    header = text[:65536].split("\n", 1)[0]
    delimiter = sniff_delimiter(header)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        skipinitialspace=spaced_after(header, delimiter))
    try:
        headers = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise SheetError(f"{path}: line 1: {exc}") from None
    if not any(headers):
        raise SheetError(f"{path}: line 1 holds no column names")
    table = Table(path, headers)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                table.rows.append(row)
                table.lines.append(reader.line_num)
    except csv.Error as exc:
        raise SheetError(f"{path}: line {reader.line_num}: {exc}") from None
    return table


def _read_xlsx(path: Path) -> Table:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise SheetError(f"{path}: not a readable Excel workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or not any(c not in (None, "") for c in first):
            raise SheetError(f"{path}: the first sheet has no header row")
        table = Table(path, [str(c).strip() if c is not None else "" for c in first])
        for n, row in enumerate(rows, start=2):
            if any(c not in (None, "") for c in row):
                table.rows.append(list(row))
                table.lines.append(n)
        return table
    finally:
        wb.close()
