"""lnav format files read as they are: real files, errors naming file and key, times, levels, round trips."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil
from app.ingest import levels, userformats
from app.ingest.clock import Clock
from app.ingest.formats.base import ParseContext, Reject
from app.ingest.lnav_format import LNAV_LEVELS, FormatError, LnavParser, UserFormat, from_json, load_file, to_json
from app.ingest.lnav_time import compile_format
from app.ingest.pcre import compile_pcre

PBX: dict[str, Any] = {
    "pbx_log": {
        "title": "PBX trunk log",
        "regex": {"std": {"pattern": r"^#(?<seq>\d+)\|(?<timestamp>\d{2}\.\d{2}\.\d{4} [\d:.]+)\|(?<node>[^|]+)"
                                     r"\|(?<level>[A-Z]{3})\|(?<body>.*)$"}},
        "timestamp-format": ["%d.%m.%Y %H:%M:%S.%L"],
        "level": {"error": "ERR", "warning": "WRN", "info": "INF"},
        "value": {"node": {"kind": "string", "identifier": True}, "seq": {"kind": "integer"}},
    }
}


def ctx(year: int | None = None) -> ParseContext:
    return ParseContext(clock=Clock(timeutil.UTC, year, dt.datetime(2026, 12, 1, tzinfo=dt.UTC)))


def parser(definition: dict[str, Any], year: int | None = None) -> LnavParser:
    [fmt] = from_json(definition, "test.json")
    return LnavParser(ctx(year), fmt)


def formats_dir(extdata: Path) -> Path:
    return extdata / "lnav" / "formats"


@pytest.mark.extdata
def test_all_real_lnav_files_load_and_parse_their_own_samples(extdata: Path) -> None:
    files = sorted(formats_dir(extdata).glob("*.json"))
    assert len(files) == 8
    checked = 0
    for path in files:
        [fmt] = load_file(path)
        p = LnavParser(ctx(), fmt)
        for line, level in fmt.samples():
            row = p.parse(line)
            assert row is not None, f"{path.name}: sample did not match: {line}"
            assert row[0].endswith("Z") and len(row[0]) == 24
            if level is not None:
                assert row[1] == LNAV_LEVELS[level], f"{path.name}: {line}"
                checked += 1
    assert checked >= 10


@pytest.mark.extdata
def test_real_files_give_host_component_and_times(extdata: Path) -> None:
    [syslog] = load_file(formats_dir(extdata) / "syslog_log.json")
    row = LnavParser(ctx(), syslog).parse(
        "Jun 27 01:47:20 Tims-MacBook-Air.local configd[17]: network changed: v4(en0-:192.168.1.8) DNS- Proxy- SMB")
    assert row is not None
    assert row[0] == "2026-06-27T01:47:20.000Z"  # year-less: the year before the file's time
    assert (row[3], row[4], row[5]) == ("Tims-MacBook-Air.local", "configd", 17)
    assert row[7].startswith("network changed")
    # the level patterns hold a mid-pattern (?i), which Python only takes scoped
    bad = LnavParser(ctx(), syslog).parse("Jun 27 01:47:21 host kernel: disk ERRORS on sda")
    assert bad is not None and bad[1] == levels.ERROR
    [glog] = load_file(formats_dir(extdata) / "glog_log.json")  # no timestamp-format: lnav's own list
    g = LnavParser(ctx(), glog).parse("E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] Log every 3")
    assert g is not None and g[0] == "2026-05-17T15:04:22.619Z" and g[1] == levels.ERROR


@pytest.mark.extdata
def test_json_format_file_reads_json_lines(extdata: Path) -> None:
    [bunyan] = load_file(formats_dir(extdata) / "bunyan_log.json")
    p = LnavParser(ctx(), bunyan)
    line = json.dumps({"name": "api", "hostname": "web1", "pid": 42, "level": 50, "msg": "db down",
                       "time": "2026-11-30T10:00:00.250Z", "v": 0})
    assert p.parse(line) == ("2026-11-30T10:00:00.250Z", levels.ERROR, "50", "web1", "api", 42, None, "db down",
                             None)
    assert p.parse("    at Object.<anonymous> (x.js:1:1)") is None


def test_user_format_line_and_continuation_and_reject() -> None:
    p = parser(PBX)
    assert p.parse("#4711|02.12.2026 14:05:09.123|PBX7|WRN|trunk 3 down") == (
        "2026-12-02T14:05:09.123Z", levels.WARNING, "WRN", "PBX7", None, None, None, "trunk 3 down", None)
    assert p.parse("  retrying in 5 s") is None
    with pytest.raises(Reject, match="2026-02-31"):
        p.parse("#4712|31.02.2026 14:05:09.123|PBX7|ERR|bad day")
    with pytest.raises(Reject, match=r"does not match '%d.%m.%Y %H:%M:%S.%L'"):
        p.parse("#4713|02.12.2026 14:05|PBX7|ERR|no seconds")


def test_parser_survives_pickling() -> None:
    p = parser(PBX)
    p.parse("#1|02.12.2026 14:05:09.123|PBX7|INF|up")
    again = pickle.loads(pickle.dumps(p, pickle.HIGHEST_PROTOCOL))
    line = "#2|02.12.2026 14:06:00.000|PBX9|ERR|trunk 1 down"
    assert again.parse(line) == p.parse(line)
    assert again.parse(line)[1] == levels.ERROR


def test_round_trip_through_lnav_json() -> None:
    [fmt] = from_json(PBX, "pbx.json")
    data = to_json(fmt)
    assert data["$schema"].startswith("https://lnav.org/")
    [back] = from_json(json.loads(json.dumps(data)), "again.json")
    assert (back.name, back.title, back.level_field, back.host_field) == ("pbx_log", "PBX trunk log", "level", "node")
    assert [rx.pattern for _i, rx in back.patterns] == [rx.pattern for _i, rx in fmt.patterns]
    assert [f.source for f in back.timestamp_formats] == ["%d.%m.%Y %H:%M:%S.%L"]
    line = "#9|01.12.2026 08:00:00.001|PBX1|ERR|x"
    assert LnavParser(ctx(), back).parse(line) == LnavParser(ctx(), fmt).parse(line)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_regex_names_file_and_key(tmp_path: Path) -> None:
    bad = {"my_log": {"regex": {"std": {"pattern": "^(?<timestamp>\\d+ (?<body>.*$"}}}}
    path = write(tmp_path, "my.json", json.dumps(bad))
    with pytest.raises(FormatError) as err:
        load_file(path)
    assert str(err.value).startswith("my.json: my_log/regex/std/pattern: unbalanced parenthesis")
    assert "position 18" in str(err.value)  # the innermost group left open: (?<body>


def test_invalid_timestamp_format_names_file_and_key(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(PBX))
    bad["pbx_log"]["timestamp-format"] = ["%d.%m.%Y %H:%M:%S.%L", "%Y-%m-%d %Q"]
    with pytest.raises(FormatError, match=r"^pbx\.json: pbx_log/timestamp-format/1: .*%Q"):
        load_file(write(tmp_path, "pbx.json", json.dumps(bad)))
    bad["pbx_log"]["timestamp-format"] = ["%H:%M:%S"]
    with pytest.raises(FormatError, match=r"timestamp-format/0: .*no month"):
        load_file(write(tmp_path, "pbx.json", json.dumps(bad)))


@pytest.mark.parametrize("body, key", [
    ({"regex": {"std": {"pattern": "^(?<when>\\S+) (?<body>.*)"}}}, "x_log/regex/std/pattern: no (?<timestamp>"),
    ({"regex": {}}, "x_log/regex: a text format needs"),
    ({"regex": {"a": {"pattern": "(?<timestamp>\\S+)"}}, "level": {"severe": "S"}}, "x_log/level/severe: not an"),
    ({"regex": {"a": {"pattern": "(?<timestamp>\\S+)"}}, "level": {"error": "E("}}, "x_log/level/error: "),
    ({"regex": {"a": {"pattern": "(?<timestamp>\\S+)"}}, "value": {"n": {"kind": "number"}}}, "x_log/value/n/kind"),
])
def test_other_mistakes_name_the_key(body: dict[str, Any], key: str) -> None:
    with pytest.raises(FormatError) as err:
        from_json({"x_log": body}, "x.json")
    assert str(err.value).startswith(f"x.json: {key}")


def test_bad_json_gives_line_and_column_and_lnav_leniency_is_kept(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"^broken\.json: not valid JSON: .* at line 3 column"):
        load_file(write(tmp_path, "broken.json", '{\n "x_log": {\n  "title" "no colon"\n }\n}\n'))
    lenient = ('{\n  // a comment, as lnav allows\n  "x_log": {\n    "regex": {"std": {"pattern": '
               '"^(?<timestamp>\\\\d{10}) (?<body>.*)",},},\n    "timestamp-format": ["%s"], /* epoch */\n  },\n}\n')
    [fmt] = load_file(write(tmp_path, "ok.json", lenient))
    row = LnavParser(ctx(), fmt).parse("1764583200 hello, world")
    assert row is not None and row[0] == "2025-12-01T10:00:00.000Z" and row[7] == "hello, world"


def test_pcre_only_syntax_is_translated() -> None:
    rx, aliases = compile_pcre(r"^(?<a>[^ ]++) (?:(?<b>x)|(?<b>y))(?i)Z\h*(?<c>[[:digit:]]+)\z")
    m = rx.match("foo yz \t42")
    assert m is not None and (m["a"], m["b__2"], m["c"]) == ("foo", "y", "42")
    assert aliases == {"b": ["b", "b__2"]}


@pytest.mark.parametrize("fmt, text, expected", [
    ("%Y-%m-%dT%H:%M:%S.%f%z", "2026-11-30T10:00:00.123456+02:00", "2026-11-30T08:00:00.123Z"),
    ("%b %e %H:%M:%S", "Nov  3 07:08:09", "2026-11-03T07:08:09.000Z"),
    ("%m/%d/%Y %I:%M:%S %p", "11/30/2026 01:02:03 PM", "2026-11-30T13:02:03.000Z"),
    ("%s.%L", "1764583200.250", "2025-12-01T10:00:00.250Z"),
    ("%i", "1764583200250", "2025-12-01T10:00:00.250Z"),
    ("%d/%b/%Y:%T %z", "30/Nov/2026:10:00:00 -0500", "2026-11-30T15:00:00.000Z"),
    ("%Y-%j %H:%M", "2026-334 10:00", "2026-11-30T10:00:00.000Z"),
])
def test_timestamp_formats(fmt: str, text: str, expected: str) -> None:
    clock = Clock(timeutil.UTC, None, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert compile_format(fmt).read(text, clock) == expected


def test_levels_without_a_map_come_from_the_word_or_the_message() -> None:
    p = parser({"plain": {"regex": {"std": {"pattern": r"^(?<timestamp>\S+ \S+) (?:(?<level>[A-Z]+): )?(?<body>.*)"}}}})
    assert p.parse("2026-11-30 10:00:00 WARNING: disk 91%")[1] == levels.WARNING
    assert p.parse("2026-11-30 10:00:01 connection refused by peer")[1] == levels.WARNING
    assert p.parse("2026-11-30 10:00:02 all good")[1] == levels.INFO


def test_saved_formats_folder(tmp_path: Path) -> None:
    src = write(tmp_path, "pbx.json", json.dumps(PBX))
    assert userformats.add(src) == ["pbx_log"]
    assert (userformats.formats_dir() / "pbx.json").is_file()
    assert userformats.find("pbx_log").title == "PBX trunk log"
    with pytest.raises(FormatError, match="a saved format has this name"):
        userformats.add(src)
    assert userformats.add(src, replace=True) == ["pbx_log"]
    clash = write(tmp_path, "sys.json", json.dumps({"syslog": PBX["pbx_log"]}))
    with pytest.raises(FormatError, match="built-in format's name"):
        userformats.add(clash)
    write(userformats.formats_dir(), "broken.json", "{ nope")
    found, errors = userformats.saved()
    assert [f.name for f in found] == ["pbx_log"]
    assert len(errors) == 1 and str(errors[0]).startswith("broken.json: not valid JSON")
    saved_path = userformats.save(to_json(UserFormat("x", "x", None, {"regex": {"s": {"pattern": "(?<timestamp>\\d+)"}},
                                                                       "timestamp-format": ["%s"]})), "mine")
    assert saved_path.name == "mine.json" and "x" in [f.name for f in userformats.saved()[0]]
    assert userformats.remove("pbx_log").name == "pbx.json"
    with pytest.raises(userformats.NoSuchFormat):
        userformats.find("pbx_log")
    assert userformats.find(str(src)).name == "pbx_log"  # a path loads without saving
