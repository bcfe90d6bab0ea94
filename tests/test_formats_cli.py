"""Users' own formats through the real CLI: import --format FILE.json / NAME, and the formats command."""

from __future__ import annotations

import json
from pathlib import Path

PBX_FORMAT = {
    "$schema": "https://lnav.org/schemas/format-v1.schema.json",
    "pbx_log": {
        "title": "PBX trunk log",
        "description": "Call-centre PBX: #seq|dd.mm.yyyy time|node|level|message",
        "regex": {
            "std": {"pattern": r"^#(?<seq>\d+)\|(?<timestamp>\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}\.\d{3})"
                               r"\|(?<node>[^|]+)\|(?<level>[A-Z]{3})\|(?<body>.*)$"},
        },
        "timestamp-format": ["%d.%m.%Y %H:%M:%S.%L"],
        "level": {"error": "ERR", "warning": "WRN", "info": "INF", "critical": "CRT"},
        "value": {"node": {"kind": "string", "identifier": True}, "seq": {"kind": "integer"}},
        "sample": [{"line": "#4711|02.12.2026 14:05:09.123|PBX7|WRN|trunk 3 down", "level": "warning"}],
    }
}
PBX_LOG = ("#4711|02.12.2026 14:05:09.123|PBX7|WRN|trunk 3 down\n"
           "  retrying in 5 s\n"
           "#4712|02.12.2026 14:05:14.500|PBX7|ERR|trunk 3 failed again\n"
           "#4713|31.02.2026 14:06:00.000|PBX7|INF|a day that does not exist\n"
           "#4714|02.12.2026 14:07:00.000|PBX2|CRT|all trunks down\n")


def files(tmp_path: Path) -> tuple[Path, Path]:
    fmt = tmp_path / "pbx.json"
    fmt.write_text(json.dumps(PBX_FORMAT, indent=2), encoding="utf-8")
    log = tmp_path / "pbx.log"
    log.write_text(PBX_LOG, encoding="utf-8")
    return fmt, log


def test_import_with_a_format_file_then_by_saved_name(run_cli, db_path: Path, tmp_path: Path) -> None:
    fmt, log = files(tmp_path)
    r = run_cli("--db", db_path, "--tz", "Europe/Berlin", "import", "--format", fmt, log)
    assert r.returncode == 0, r.stderr
    assert "pbx.log: pbx_log, 5 lines read, 3 events, 1 continuation, 1 rejected" in r.stdout
    events = json.loads(run_cli("--db", db_path, "events", "-o", "json", "--oldest-first").stdout)
    got = [(e["ts"], e["severity"], e["raw_level"], e["host"], e["message"].splitlines()[0]) for e in events]
    assert got == [  # Berlin is UTC+1 in December
        ("2026-12-02T13:05:09.123Z", "warning", "WRN", "PBX7", "trunk 3 down"),
        ("2026-12-02T13:05:14.500Z", "error", "ERR", "PBX7", "trunk 3 failed again"),
        ("2026-12-02T13:07:00.000Z", "critical", "CRT", "PBX2", "all trunks down"),
    ]
    assert "retrying in 5 s" in events[0]["message"]  # the continuation line joins its event
    [imp] = json.loads(run_cli("--db", db_path, "imports", "-o", "json").stdout)
    assert imp["format"] == "pbx_log"
    rej = json.loads(run_cli("--db", db_path, "rejects", str(imp["id"]), "-o", "json").stdout)
    assert rej[0]["line_no"] == 4 and "2026-02-31" in rej[0]["reason"]

    added = run_cli("formats", "add", fmt)
    assert added.returncode == 0, added.stderr
    assert "added pbx_log" in added.stdout
    listing = json.loads(run_cli("formats", "list", "-o", "json").stdout)
    assert [s["name"] for s in listing["saved"]] == ["pbx_log"]
    assert "syslog" in [b["name"] for b in listing["builtin"]]
    r = run_cli("--db", db_path, "--tz", "UTC", "import", "--format", "pbx_log", "--force", log)
    assert r.returncode == 0, r.stderr
    assert "pbx_log, 5 lines read, 3 events" in r.stdout
    shown = run_cli("formats", "show", "pbx_log")
    assert json.loads(shown.stdout)["pbx_log"]["timestamp-format"] == ["%d.%m.%Y %H:%M:%S.%L"]
    removed = run_cli("formats", "remove", "pbx_log")
    assert removed.returncode == 0 and "removed pbx_log" in removed.stdout
    gone = run_cli("--db", db_path, "import", "--format", "pbx_log", "--force", log)
    assert gone.returncode == 2 and "'pbx_log' is not a format" in gone.stderr


def test_formats_test_shows_each_line(run_cli, tmp_path: Path) -> None:
    fmt, log = files(tmp_path)
    r = run_cli("--tz", "UTC", "formats", "test", fmt, log)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0].split() == ["1", "2026-12-02T14:05:09.123Z", "warning", "PBX7", "-", "trunk", "3", "down"]
    assert out[1].split()[:2] == ["2", "continuation"]
    assert out[3].startswith("    4  rejected: time '31.02.2026 14:06:00.000'")
    assert out[-1] == "3 of 5 lines matched (pbx_log)"
    two = json.loads(run_cli("--tz", "UTC", "formats", "test", fmt, log, "--lines", "2", "-o", "json").stdout)
    assert (two["matched"], two["lines"]) == (1, 2)
    assert [x["status"] for x in two["rows"]] == ["event", "continuation"]


def test_invalid_format_files_fail_with_one_line_naming_file_and_key(run_cli, db_path: Path,
                                                                      tmp_path: Path) -> None:
    bad = json.loads(json.dumps(PBX_FORMAT))
    bad["pbx_log"]["regex"]["std"]["pattern"] = r"^#(?<seq>\d+\|(?<timestamp>\S+)"
    path = tmp_path / "bad_regex.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    r = run_cli("formats", "add", path)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "Error: bad_regex.json: pbx_log/regex/std/pattern: unbalanced parenthesis (a '(' is never closed) "
        "at position 2"]
    bad["pbx_log"]["regex"] = PBX_FORMAT["pbx_log"]["regex"]
    bad["pbx_log"]["timestamp-format"] = ["%d.%m.%Y %H:%M:%S.%K"]
    path = tmp_path / "bad_time.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    r = run_cli("formats", "add", path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "bad_time.json: pbx_log/timestamp-format/0: " in r.stderr and "%K" in r.stderr
    _fmt, log = files(tmp_path)
    r = run_cli("--db", db_path, "import", "--format", path, log)
    assert r.returncode == 1 and "bad_time.json: pbx_log/timestamp-format/0" in r.stderr
    assert run_cli("formats", "list", "-o", "json").returncode == 0


def test_broken_saved_file_is_listed_not_fatal(run_cli, tmp_path: Path) -> None:
    fmt, _log = files(tmp_path)
    assert run_cli("formats", "add", fmt).returncode == 0
    folder = Path(json.loads(run_cli("formats", "list", "-o", "json").stdout)["folder"])
    (folder / "half.json").write_text('{"x_log": {"regex": ', encoding="utf-8")
    r = run_cli("formats")
    assert r.returncode == 0, r.stderr
    assert "pbx_log" in r.stdout and "Broken files" in r.stdout and "half.json: not valid JSON" in r.stdout
    assert run_cli("formats", "show", "nope").returncode == 1
