"""Re-reading a written workbook with an independent reader before it is published and audited.

openpyxl writes some texts (hyperlink targets, properties) without checking
that XML can carry them, so a workbook can come out corrupt while the export
reports success. Here the standard library reads it back: the zip's every
member (its CRC checked as it is read) and every XML part parsed by expat.
"""

from __future__ import annotations

import xml.parsers.expat
import zipfile
from pathlib import Path
from typing import IO

REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


class WorkbookCheckError(ValueError):
    """The written workbook would not open; the message says which part is broken and where."""


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def check_workbook(path: Path) -> None:
    """Raise ``WorkbookCheckError`` unless ``path`` is a zip whose members read back and whose XML parses."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            missing = [n for n in REQUIRED_PARTS if n not in names]
            if missing:
                raise WorkbookCheckError(f"part {missing[0]} is missing")
            for info in zf.infolist():
                with zf.open(info) as fh:
                    if _is_xml(info.filename):
                        _parse(info.filename, fh)
                    else:
                        while fh.read(1 << 20):
                            pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise WorkbookCheckError(f"not a readable zip file ({exc})") from exc


def _parse(name: str, fh: IO[bytes]) -> None:
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.ParseFile(fh)
    except xml.parsers.expat.ExpatError as exc:
        raise WorkbookCheckError(f"part {name} is not well-formed XML: {exc}") from exc
    except zipfile.BadZipFile as exc:  # a CRC mismatch shows up as the part is read
        raise WorkbookCheckError(f"part {name} is damaged ({exc})") from exc
