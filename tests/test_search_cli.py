"""``events --search`` / ``incidents --search`` / ``--regex`` as real subprocesses on pasted log text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.store.database import Database
from tests.search_helpers import PASTED, containing, seed


@pytest.fixture
def seeded(db_path: Path) -> Path:
    with Database.open(db_path) as db:
        seed(db)
    return db_path


def _messages(run_cli, path: Path, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    result = run_cli("--db", path, "events", *args, "--limit", "1000", "-o", "json")
    assert result.returncode == 0, result.stderr
    return sorted(r["message"] for r in json.loads(result.stdout))


def _titles(run_cli, path: Path, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    result = run_cli("--db", path, "incidents", *args, "--limit", "1000", "-o", "json")
    assert result.returncode == 0, result.stderr
    return sorted(r["title"] for r in json.loads(result.stdout))


@pytest.mark.parametrize("text", PASTED)
def test_pasted_text_finds_exactly_the_rows_holding_it(run_cli, seeded: Path, text: str) -> None:
    expected = sorted(containing(text))
    assert expected
    assert _messages(run_cli, seeded, "--search", text) == expected
    assert _titles(run_cli, seeded, "--search", text) == expected


@pytest.mark.parametrize(("query", "wanted"), [
    ("error AND vpn", ["error on vpn tunnel"]),
    ('"link down"', ["link down on port 4"]),
    ("auth*", ["authentication failed for bob"]),
    ("10.20.30.40 OR agent-ws-pn205", sorted(containing("10.20.30.40") + containing("agent-ws-pn205"))),
    ("vpn NOT error", ["vpn is fine"]),
])
def test_query_syntax_applies_when_used(run_cli, seeded: Path, query: str, wanted: list[str]) -> None:
    assert _messages(run_cli, seeded, "--search", query) == sorted(wanted)
    assert _titles(run_cli, seeded, "--search", query) == sorted(wanted)


@pytest.mark.parametrize(("query", "wanted"), [
    ("retry AND", ["retry AND fail"]),  # a dangling operator: the words as typed
    ("vpn tunnel) OR (", []),
    ("NEAR(", []),
])
def test_broken_syntax_is_searched_as_plain_text_with_a_note(run_cli, seeded: Path, query: str,
                                                             wanted: list[str]) -> None:
    result = run_cli("--db", seeded, "events", "--search", query, "-o", "json")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert sorted(r["message"] for r in json.loads(result.stdout)) == wanted
    assert "note: Searched as plain text: not valid query syntax" in result.stderr


def test_regex_option_and_slashed_search_run_on_what_the_other_options_leave(run_cli, seeded: Path) -> None:
    pattern = r"\b10\.20\.30\.4\d\b"
    expected = sorted(containing("10.20.30.40") + containing("10.20.30.41"))
    assert _messages(run_cli, seeded, "--regex", pattern) == expected
    assert _messages(run_cli, seeded, "--search", f"/{pattern}/") == expected
    assert _messages(run_cli, seeded, "--regex", pattern, "--search", "timed out") == [
        "ping 10.20.30.40 timed out", "ping 10.20.30.41 timed out"]
    # The raw line counts too: every event's raw line names its process.
    assert len(_messages(run_cli, seeded, "--regex", r"agentd\[42\]")) == len(_messages(run_cli, seeded))
    assert _messages(run_cli, seeded, "--regex", "(?i)^USER CAN") == ["user can log in", "user can't log in "
                                                                      "to the softphone"]
    assert _titles(run_cli, seeded, "--regex", r"INC-\d+") == sorted(containing("INC-0002"))


def test_regex_is_case_sensitive_unless_asked(run_cli, seeded: Path) -> None:
    assert _messages(run_cli, seeded, "--regex", "VPN") == []
    assert _messages(run_cli, seeded, "--regex", "(?i)VPN") == ["error on vpn tunnel", "vpn is fine"]


@pytest.mark.parametrize("args", [("--regex", "agent-(ws"), ("--search", "/agent-(ws/")])
def test_invalid_regex_is_one_clear_line(run_cli, seeded: Path, args: tuple[str, str]) -> None:
    for command in ("events", "incidents"):
        result = run_cli("--db", seeded, command, *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert errors == ["Error: regex /agent-(ws/ is not valid: missing ), unterminated subpattern at position 6"]


def test_saved_view_keeps_the_regex(run_cli, seeded: Path, tmp_path: Path) -> None:
    assert run_cli("--db", seeded, "views", "save", "pn", "--regex", r"pn2\d5").returncode == 0
    out = tmp_path / "views.json"
    assert run_cli("--db", seeded, "views", "export", out).returncode == 0
    exported = json.loads(out.read_text())
    assert exported.get("views", [exported])[0]["filter"] == {"regex": r"pn2\d5"}
    assert _messages(run_cli, seeded, "--view", str(out)) == ["host agent-ws-pn205 went offline",
                                                             "pn205 agent-ws swapped"]
