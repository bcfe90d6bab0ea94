"""The CLI as a user runs it: real subprocesses on real files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from app import __version__
from app.cli.main import cli
from app.domain.vocab import LOG_TYPES, SEVERITIES


def test_version_and_help(run_cli) -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("demo", "stats"):
        assert command in result.stdout


def test_demo_then_stats_json_as_subprocess(run_cli, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    result = run_cli("--db", db, "demo", "--events", "4000", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "4,000 events" in result.stdout
    result = run_cli("--db", db, "stats", "--output", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data["events_by_log_type"]) == set(LOG_TYPES)
    assert all(data["events_by_log_type"][t] > 0 for t in LOG_TYPES)
    assert all(data["events_by_severity"][s] > 0 for s in SEVERITIES)


def test_environment_variable_names_the_database(run_cli, tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    result = run_cli("demo", "--events", "100", env={"ISSUE_LEDGER_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_foreign_file_gives_one_clear_line(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "report.db"
    bad.write_text("not a database")
    result = run_cli("--db", bad, "stats")
    assert result.returncode == 1
    assert "not an Issue Ledger database" in result.stderr
    assert "Traceback" not in result.stderr
    assert bad.read_text() == "not a database"


def test_stats_table_in_process(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "t.db")
    assert runner.invoke(cli, ["--db", db, "demo", "--events", "500"]).exit_code == 0
    result = runner.invoke(cli, ["--db", db, "stats"])
    assert result.exit_code == 0, result.output
    assert "500 events" in result.output and "critical" in result.output


def test_bad_zone_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "z.db"), "--tz", "Mars/Olympus", "demo", "--events", "10"])
    assert result.exit_code == 2
    assert "unknown time zone" in result.output
