"""Hour-of-day and weekday in the shared filter: validation, chips, saved views and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.analysis import series
from app.domain import timeutil
from app.domain.filters import Filter, restrictions, without
from app.store.database import Database


def test_out_of_range_values_are_refused_with_the_field_named() -> None:
    with pytest.raises(ValueError, match="hour: expected whole hours 0-23"):
        Filter(hours=(24,))
    with pytest.raises(ValueError, match=r"weekday: expected 0 .Monday. to 6"):
        Filter(weekdays=(7,))


def test_chips_read_as_a_person_would_and_come_off_one_at_a_time() -> None:
    f = Filter(weekdays=(0, 6), hours=(4,))
    chips = restrictions(f)
    assert [c.label for c in chips] == ["Weekday: Mon", "Weekday: Sun", "Hour: 04:00–05:00"]
    assert without(f, chips[0]) == Filter(weekdays=(6,), hours=(4,))
    assert Filter.from_dict(json.loads(json.dumps(f.to_dict()))) == f  # a saved view keeps them


def test_cli_options_and_a_saved_view_give_the_heatmap_cell(demo_db: Database, run_cli,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    zone = timeutil.get_zone("Asia/Manila")
    cell = series.heatmap(demo_db, Filter(), zone).counts[0][4]  # Mondays, 04:00-05:00 local
    args = ("--db", demo_db.path, "--tz", "Asia/Manila", "events", "--min-severity", "error", "--count")
    by_options = run_cli(*args, "--weekday", "Mon", "--hour", "4")
    assert by_options.returncode == 0, by_options.stderr
    view = tmp_path / "monday-4am.json"
    view.write_text(json.dumps({"filter": {"weekdays": [0], "hours": [4]}}), encoding="utf-8")
    by_view = run_cli(*args, "--view", view)
    assert int(by_options.stdout) == int(by_view.stdout) == cell > 0
    refused = run_cli(*args, "--hour", "24")
    assert refused.returncode == 2 and "--hour" in refused.stderr
