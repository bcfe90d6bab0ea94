"""Times at the calendar's edges: a usage error when out of range, four-digit years always, no tracebacks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil

OUT_OF_RANGE = ["3000000d", "99999999999999999999d", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-05:00"]


@pytest.fixture
def old_and_new(run_cli: Any, tmp_path: Path) -> Path:
    """A database with one event in year 999 and one in 2026."""
    log = tmp_path / "old.jsonl"
    log.write_text('{"time":"0999-06-01T10:00:00Z","level":"error","message":"ancient"}\n'
                   '{"time":"2026-11-01T10:00:00Z","level":"info","message":"modern"}\n', encoding="utf-8")
    db_path = tmp_path / "t.db"
    r = run_cli("--db", db_path, "import", log)
    assert r.returncode == 0, r.stderr
    return db_path


def _messages(run_cli: Any, db_path: Path, *args: str) -> list[str]:
    r = run_cli("--db", db_path, *args, "-o", "json")
    assert r.returncode == 0, r.stderr
    return [row["message"] for row in json.loads(r.stdout)]


@pytest.mark.parametrize("when", OUT_OF_RANGE)
def test_out_of_range_since_or_until_is_a_usage_error(run_cli: Any, tmp_path: Path, new_db_path: Path,
                                                     when: str) -> None:
    option = "--until" if when.startswith("9999") else "--since"
    for command in (["events"], ["incidents"], ["chart", "trend", str(tmp_path / "t.png")]):
        r = run_cli("--db", new_db_path, *command, option, when)
        assert r.returncode == 2, (command, r.stderr)
        assert "Traceback" not in r.stderr
        assert when in r.stderr and "0001-01-01 and 9999-12-31" in r.stderr


def test_out_of_range_times_raise_value_errors_the_forms_show() -> None:
    """The incident form and every command read typed times through ``parse_user_time``: a ValueError, never
    an OverflowError."""
    for when in OUT_OF_RANGE:
        with pytest.raises(ValueError, match="0001-01-01 and 9999-12-31"):
            timeutil.parse_user_time(when, timeutil.UTC)
    with pytest.raises(ValueError, match="out of range"):
        timeutil.parse_user_time("0001-01-01T05:00", dt.timezone(dt.timedelta(hours=9)))


def test_years_below_1000_are_stored_with_four_digits_and_sort_in_time(run_cli: Any, old_and_new: Path) -> None:
    assert timeutil.to_iso(dt.datetime(999, 6, 1, 10, tzinfo=timeutil.UTC)) == "0999-06-01T10:00:00.000Z"
    assert timeutil.to_iso(dt.datetime(1, 1, 1, tzinfo=timeutil.UTC)) == "0001-01-01T00:00:00.000Z"
    assert _messages(run_cli, old_and_new, "events", "--since", "0999-01-01") == ["modern", "ancient"]
    assert _messages(run_cli, old_and_new, "events", "--until", "1000-01-01") == ["ancient"]
    r = run_cli("--db", old_and_new, "events", "--until", "1000-01-01")
    assert "0999-06-01 10:00:00" in r.stdout


def test_hour_and_weekday_filters_reach_back_to_year_1(run_cli: Any, old_and_new: Path) -> None:
    assert _messages(run_cli, old_and_new, "events", "--hour", "4", "--since", "0001-01-02") == []
    assert _messages(run_cli, old_and_new, "events", "--hour", "10", "--since", "0001-01-02") == ["modern", "ancient"]
    assert _messages(run_cli, old_and_new, "events", "--weekday", "sat") == ["ancient"]  # 1 June 999: a Saturday
    assert _messages(run_cli, old_and_new, "--tz", "America/New_York", "events", "--hour", "4",
                     "--since", "0001-01-01T00:00Z") == []
    assert _messages(run_cli, old_and_new, "--tz", "Asia/Tokyo", "events", "--hour", "19",
                     "--until", "9999-12-31T23:00") == ["modern", "ancient"]


def test_custom_range_dialog_stays_inside_the_calendar_in_any_zone(qtbot: Any) -> None:
    from zoneinfo import ZoneInfo

    from PySide6.QtCore import QDate, QDateTime, QTime

    from app.ui.filter_bar import CustomRangeDialog

    dialog = CustomRangeDialog(ZoneInfo("America/New_York"))
    qtbot.addWidget(dialog)
    dialog.until_edit.setDateTime(QDateTime(QDate(9999, 12, 31), QTime(23, 59)))
    since, until = dialog.bounds()
    assert timeutil.to_iso(until).startswith("9999-12-31T04:59") and timeutil.to_iso(since)


@pytest.mark.parametrize("when", OUT_OF_RANGE)
def test_incident_form_shows_an_out_of_range_opened_time_as_a_problem(qtbot: Any, when: str) -> None:
    from app.ui.incident_form import IncidentForm

    form = IncidentForm(dt.timezone(dt.timedelta(hours=-5)))
    qtbot.addWidget(form)
    form.title.setText("VPN down")
    form.opened.setText(when)
    assert not form.is_valid()
    assert "0001-01-01 and 9999-12-31" in form.errors["opened_at"]
