"""A date column mixing day/month and month/day values: every message names the line and the value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.ingest.incidents import dates
from app.ingest.incidents.values import ValueProblem

MIXED = ("Number,Short description,Priority,State,Opened\n"
         "INC001,first,2,New,03/04/2026 10:00\n"
         "INC002,second,2,New,25/04/2026 10:00\n"  # day above 12: day/month
         "INC003,third,3,New,04/13/2026 11:00\n")  # month above 12: month/day


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    return path


def test_mixed_column_names_a_line_and_value_of_each_order() -> None:
    with pytest.raises(ValueProblem) as err:
        dates.decide(["03/04/2026", "25/04/2026", "04/13/2026"], lines=[2, 3, 4])
    assert "line 3: '25/04/2026'" in str(err.value) and "line 4: '04/13/2026'" in str(err.value)


def test_date_order_dmy_rejects_the_offending_line_by_number_and_value(run_cli: Any, tmp_path: Path,
                                                                       mixed: Path) -> None:
    db_path = tmp_path / "i.db"
    r = run_cli("--db", db_path, "incidents", "import", "--date-order", "dmy", mixed)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "rejected: mixed.csv, line 4, opened_at: '04/13/2026 11:00'" in r.stdout
    kept = run_cli("--db", db_path, "incidents", "import", "--date-order", "dmy", "--skip-invalid", mixed)
    assert kept.returncode == 0, kept.stderr
    assert "created 2, skipped 0, rejected 1" in kept.stdout
    rejects = json.loads(run_cli("--db", db_path, "incidents", "rejects", "1", "-o", "json").stdout)
    assert [(x["line_no"], "04/13/2026 11:00" in x["reason"]) for x in rejects] == [(4, True)]
    opened = json.loads(run_cli("--db", db_path, "incidents", "-o", "json").stdout)
    assert sorted(i["opened_at"][:10] for i in opened) == ["2026-04-03", "2026-04-25"]


def test_mixed_column_without_date_order_names_both_lines(run_cli: Any, tmp_path: Path, mixed: Path) -> None:
    r = run_cli("--db", tmp_path / "i.db", "incidents", "import", mixed)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "line 3: '25/04/2026 10:00'" in r.stderr and "line 4: '04/13/2026 11:00'" in r.stderr
    assert "--date-order" in r.stderr
