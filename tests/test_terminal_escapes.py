"""Log text printed in a table never reaches the terminal as control characters: ESC shows as ``\\x1b``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ESC_TITLE = "\x1b]0;owned\x07"  # sets the terminal's title and rings the bell
RED = "\x1b[31m"
CONTROLS = ("\x1b", "\x07", "\x9b", "\x08", "\r", "\u202e")


def _clean(out: str) -> None:
    for ch in CONTROLS:
        assert ch not in out, f"{ch!r} printed raw"


def test_events_imports_and_rejects_tables_escape_control_characters(run_cli: Any, tmp_path: Path) -> None:
    log = tmp_path / f"web{RED}.log"
    log.write_text(f"not a log line {ESC_TITLE}\n"  # no event before it to join: a reject
                   f"2026-11-01T10:00:00Z ERROR {RED}disk{ESC_TITLE} full\x08\x9b \u202eC:\\Temp\n", encoding="utf-8")
    db_path = tmp_path / "t.db"
    imported = run_cli("--db", db_path, "import", log)
    assert imported.returncode == 0, imported.stderr
    _clean(imported.stdout)
    assert "web\\x1b[31m.log" in imported.stdout

    events = run_cli("--db", db_path, "events")
    assert events.returncode == 0, events.stderr
    _clean(events.stdout)
    assert "\\x1b[31mdisk\\x1b]0;owned\\x07 full\\x08\\x9b \\u202eC:\\\\Temp" in events.stdout
    as_json = json.loads(run_cli("--db", db_path, "events", "-o", "json").stdout)
    assert as_json[0]["message"].startswith(f"{RED}disk")  # the stored text and the JSON keep it as it was

    listing = run_cli("--db", db_path, "imports")
    _clean(listing.stdout)
    assert "web\\x1b[31m.log" in listing.stdout
    rejects = run_cli("--db", db_path, "rejects", "1")
    _clean(rejects.stdout)
    assert "not a log line \\x1b]0;owned\\x07" in rejects.stdout


def test_incident_tables_and_show_escape_control_characters(run_cli: Any, tmp_path: Path) -> None:
    db_path = tmp_path / "i.db"
    added = run_cli("--db", db_path, "incident", "add", "--title", f"VPN {RED}down{ESC_TITLE}", "--type", "network",
                    "--impact", "2", "--urgency", "2", "--assignee", "ana\rmallory")
    assert added.returncode == 0, added.stderr
    _clean(added.stdout)
    number = json.loads(run_cli("--db", db_path, "incidents", "-o", "json").stdout)[0]["number"]
    listing = run_cli("--db", db_path, "incidents")
    _clean(listing.stdout)
    assert "VPN \\x1b[31mdown\\x1b]0;owned\\x07" in listing.stdout
    shown = run_cli("--db", db_path, "incident", "show", number)
    assert shown.returncode == 0, shown.stderr
    _clean(shown.stdout)
    assert "ana\\x0dmallory" in shown.stdout
