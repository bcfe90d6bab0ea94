"""``export itsm --flavour zendesk``: incidents in the columns of Zendesk's ticket import, through the real CLI."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.reports.itsm import ZENDESK_COLUMNS
from app.store.database import Database
from report_helpers import add_hostile_data


def test_zendesk_csv_follows_the_ticket_import_fields(db: Database, tmp_path: Path,
                                                      run_cli: Callable[..., Any]) -> None:
    add_hostile_data(db)
    db.close()
    out = tmp_path / "zendesk.csv"
    result = run_cli("--db", db.path, "--tz", "Asia/Manila", "export", "itsm", out, "--flavour", "zendesk")
    assert result.returncode == 0, result.stderr
    assert "2 incidents for zendesk" in result.stdout
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == ZENDESK_COLUMNS and len(rows) == 3
    by_id = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    printer = by_id["INC-000002"]
    assert (printer["subject"], printer["type"], printer["priority"], printer["status"]) == (
        "Printer down", "incident", "normal", "new")
    assert printer["tags"] == "a_b c acme" and printer["organization"] == "Acme"
    assert printer["created_at"] == "2026-11-01T08:00:00.000Z"  # UTC ISO-8601, as the import API takes it
    assert printer["description"] == "'-desc\\x00"  # a formula trigger neutralised, NUL shown as an escape
    assert by_id["INC-000001"]["priority"] == "urgent" and by_id["INC-000001"]["subject"].startswith("'=")
