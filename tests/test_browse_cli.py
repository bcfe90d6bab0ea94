"""The events and views commands as real subprocesses: counts, paging, parse errors, saved views."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.store.database import Database


@pytest.fixture
def demo_file(demo_db_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_db_template, path)
    return path


def test_events_count_and_first_page(run_cli, demo_file: Path) -> None:
    with Database.open(demo_file) as db:
        n = db.scalar("SELECT count(*) FROM events WHERE log_type = 'network' AND severity >= 4")
        newest = db.scalar("SELECT id FROM events WHERE log_type = 'network' AND severity >= 4 "
                           "ORDER BY ts DESC, id DESC LIMIT 1")
    result = run_cli("--db", demo_file, "events", "--type", "network", "--min-severity", "error", "--count")
    assert result.returncode == 0 and int(result.stdout) == n
    result = run_cli("--db", demo_file, "events", "--type", "network", "--min-severity", "error", "--limit", "5",
                     "-o", "json")
    rows = json.loads(result.stdout)
    assert len(rows) == 5 and rows[0]["id"] == newest and rows[0]["severity"] in ("error", "critical")


@pytest.mark.parametrize("search", ['"unbalanced', "AND", "x) OR (", "NEAR("])
def test_unreadable_syntax_still_searches_and_says_so(run_cli, demo_file: Path, search: str) -> None:
    result = run_cli("--db", demo_file, "events", "--search", search, "--count")
    assert result.returncode == 0 and int(result.stdout) >= 0
    assert "Traceback" not in result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    if search.startswith('"'):  # an unclosed quote is a phrase to the end
        assert notes == []
    else:
        assert len(notes) == 1 and "Searched as plain text" in notes[0]


def test_views_command_round_trip(run_cli, demo_file: Path, tmp_path: Path) -> None:
    assert run_cli("--db", demo_file, "views", "save", "sec warn", "--type", "security",
                   "--min-severity", "warning").returncode == 0
    listed = json.loads(run_cli("--db", demo_file, "views", "list", "-o", "json").stdout)
    assert listed[0]["name"] == "sec warn"
    by_saved = run_cli("--db", demo_file, "events", "--saved", "sec warn", "--count").stdout
    by_options = run_cli("--db", demo_file, "events", "--type", "security", "--min-severity", "warning",
                         "--count").stdout
    assert int(by_saved) == int(by_options) > 0
    narrower = run_cli("--db", demo_file, "events", "--saved", "sec warn", "--site", "Manila Site B", "--count")
    assert 0 < int(narrower.stdout) < int(by_saved)
    out = tmp_path / "team.json"
    assert run_cli("--db", demo_file, "views", "export", out).returncode == 0
    assert int(run_cli("--db", demo_file, "events", "--view", out, "--count").stdout) == int(by_saved)
    assert run_cli("--db", demo_file, "views", "delete", "sec warn").returncode == 0
    missing = run_cli("--db", demo_file, "events", "--saved", "sec warn")
    assert missing.returncode != 0 and "no saved view named 'sec warn'" in missing.stderr
    assert run_cli("--db", demo_file, "views", "import", out).returncode == 0
    assert json.loads(run_cli("--db", demo_file, "views", "show", "sec warn").stdout)["kind"] == "events"
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    result = run_cli("--db", demo_file, "views", "import", bad)
    assert result.returncode != 0 and "bad.json: not JSON" in result.stderr and "Traceback" not in result.stderr


def test_events_of_a_top_pattern_count_what_its_bar_shows(run_cli, demo_file: Path) -> None:
    from app.analysis import series
    from app.domain import timeutil
    from app.domain.filters import Filter

    with Database.open(demo_file) as db:
        top = series.top_messages(db, Filter(), timeutil.UTC)
    pattern_id, count = top.ids[1], top.counts[1]
    result = run_cli("--db", demo_file, "events", "--pattern", str(pattern_id), "--count")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == count


def test_events_like_a_frequent_message_counts_what_its_bar_shows(run_cli, unmined_demo_db_template: Path,
                                                                   tmp_path: Path) -> None:
    """A file whose events have no patterns yet: the bars are masked messages, and --message-like counts one."""
    from app.analysis import series
    from app.domain import timeutil
    from app.domain.filters import Filter

    path = tmp_path / "unmined.db"
    shutil.copy(unmined_demo_db_template, path)
    with Database.open(path) as db:
        top = series.top_messages(db, Filter(), timeutil.UTC)
    assert not top.ids
    pattern, count = top.patterns[1], top.counts[1]
    result = run_cli("--db", path, "events", "--message-like", pattern, "--count")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == count
