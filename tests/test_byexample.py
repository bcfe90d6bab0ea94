"""Teaching a format by example: the pattern and the time format proposed from one marked line."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from app.domain.vocab import SEVERITIES
from app.ingest.byexample import (
    format_json,
    level_patterns,
    preview,
    propose_pattern,
    propose_time_format,
    python_pattern,
    time_pattern,
    trim_span,
)
from app.ingest.clock import Clock
from app.ingest.formats.base import ParseContext
from app.ingest.lnav_format import from_json


def _marks(line: str, **parts: str) -> dict[str, tuple[int, int]]:
    """Spans as a user's selection would give them: the first place each text occurs."""
    spans = {}
    for name, text in parts.items():
        start = line.index(text)
        spans[name] = (start, start + len(text))
    return spans


def _groups(pattern: str, line: str) -> dict[str, str] | None:
    m = re.match(python_pattern(pattern), line)
    return None if m is None else m.groupdict()


def test_pipe_separated_pbx_line() -> None:
    line = "#4711|02.12.2026 14:05:09.123|PBX7|WRN|trunk 3 down"
    pattern = propose_pattern(line, _marks(line, timestamp="02.12.2026 14:05:09.123", host="PBX7", level="WRN"))
    assert pattern == (r"^#\d+\|(?<timestamp>\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}:\d{2}\.\d{3})"
                       r"\|(?<host>\w+)\|(?<level>\w+)\|(?<body>.*)")
    other = "#12|3.1.2027 09:00:00.500|PBX12|ERR|card 2: no clock | resync"
    assert _groups(pattern, other) == {"timestamp": "3.1.2027 09:00:00.500", "host": "PBX12", "level": "ERR",
                                       "body": "card 2: no clock | resync"}
    time = propose_time_format("02.12.2026 14:05:09.123")
    assert time.format == "%d.%m.%Y %H:%M:%S.%L"
    assert time.choices == ("%d.%m.%Y %H:%M:%S.%L", "%m.%d.%Y %H:%M:%S.%L") and time.ambiguous


def test_bracketed_host_then_slash_date_then_level() -> None:
    line = "[dialer-03] 2026/12/02-14:05:09 ERROR campaign=outbound7 call dropped"
    marks = _marks(line, host="dialer-03", timestamp="2026/12/02-14:05:09", level="ERROR", component="outbound7")
    pattern = propose_pattern(line, marks)
    assert pattern == (r"^\[(?<host>[^\s\]]+)\]\s+(?<timestamp>\d{4}/\d{1,2}/\d{1,2}-\d{1,2}:\d{2}:\d{2})"
                       r"\s+(?<level>\w+)\s+\w+=(?<component>\w+)\s*(?<body>.*)")
    assert _groups(pattern, "[ivr.1] 2026/12/02-14:06:10 WARN campaign=inbound2 queue full") == {
        "host": "ivr.1", "timestamp": "2026/12/02-14:06:10", "level": "WARN", "component": "inbound2",
        "body": "queue full"}
    assert _groups(pattern, "    at com.dialer.Campaign.run(Campaign.java:88)") is None  # a continuation
    assert propose_time_format("2026/12/02-14:05:09").format == "%Y/%m/%d-%H:%M:%S"


def test_compact_utc_stamp_and_host() -> None:
    line = "20261202T140509Z vpn1 tunnel up"
    pattern = propose_pattern(line, _marks(line, timestamp="20261202T140509Z", host="vpn1"))
    assert pattern == r"^(?<timestamp>\d{8}T\d{6}(?:Z|[+-]\d{2}:?\d{2}))\s+(?<host>\w+)\s*(?<body>.*)"
    assert _groups(pattern, "20261202T235959Z vpn12 rekey failed")["body"] == "rekey failed"  # type: ignore[index]
    assert propose_time_format("20261202T140509Z").format == "%Y%m%dT%H%M%S%z"


def test_time_only_leaves_the_rest_to_the_message() -> None:
    line = "2026-12-02 14:05:09.123 started 4 workers"
    pattern = propose_pattern(line, _marks(line, timestamp="2026-12-02 14:05:09.123"))
    assert pattern.endswith(r"\.\d{3})\s*(?<body>.*)")
    assert _groups(pattern, "2026-12-02 14:05:10.001 stopped")["body"] == "stopped"  # type: ignore[index]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-02 14:05:09.123", "%Y-%m-%d %H:%M:%S.%L"),
    ("02/Dec/2026:14:05:09 +0100", "%d/%b/%Y:%H:%M:%S %z"),
    ("2026-12-02T14:05:09.123456+01:00", "%Y-%m-%dT%H:%M:%S.%f%z"),
    ("Dec  2 14:05:09", "%b %e %H:%M:%S"),
    ("Wed Dec  2 14:05:09 2026", "%a %b %e %H:%M:%S %Y"),
    ("2 December 2026 14:05:09", "%d %B %Y %H:%M:%S"),
    ("13/02/2026 14:05", "%d/%m/%Y %H:%M"),
    ("12/24/2026 2:05:09 PM", "%m/%d/%Y %I:%M:%S %p"),
    ("1764684309", "%s"),
    ("1764684309123", "%i"),
])
def test_time_formats_in_lnav_syntax(text: str, expected: str) -> None:
    proposal = propose_time_format(text)
    assert proposal.format == expected
    assert not proposal.ambiguous and proposal.note == ""
    assert re.fullmatch(time_pattern(proposal.format), text)


def test_day_and_month_that_cannot_be_told_apart_offer_both_orders() -> None:
    proposal = propose_time_format("12.02 14:05:09")
    assert proposal.choices == ("%d.%m %H:%M:%S", "%m.%d %H:%M:%S")
    assert "day.month or month.day" in proposal.note
    assert propose_time_format("12/02/2026 14:05:09").format == "%m/%d/%Y %H:%M:%S"  # a slash: US order first


def test_marks_that_cannot_make_a_pattern_are_refused() -> None:
    line = "2026-12-02 14:05:09 INFO ok"
    with pytest.raises(ValueError, match="mark the time"):
        propose_pattern(line, {"level": (20, 24)})
    with pytest.raises(ValueError, match="overlap"):
        propose_pattern(line, {"timestamp": (0, 19), "level": (18, 24)})
    with pytest.raises(ValueError, match="outside"):
        propose_pattern(line, {"timestamp": (0, 99)})
    with pytest.raises(ValueError, match="no time of day"):
        propose_time_format("INFO")
    with pytest.raises(ValueError, match="%Q"):
        time_pattern("%Y %Q")


def test_pattern_spelling_keeps_look_behinds() -> None:
    assert python_pattern(r"(?<=x)(?<!y)(?<body>.*)") == r"(?<=x)(?<!y)(?P<body>.*)"


def test_format_file_in_lnav_syntax() -> None:
    pattern = r"^(?<timestamp>\d{8}T\d{6}Z)\s+(?<host>\w+)\s+(?<level>\w+)\s*(?<body>.*)"
    data = format_json("vpn_log", pattern, "%Y%m%dT%H%M%S%z", sample="20261202T140509Z vpn1 INFO up",
                       title="VPN concentrator")
    spec = data["vpn_log"]
    assert spec["title"] == "VPN concentrator"
    assert spec["regex"] == {"std": {"pattern": pattern}}
    assert spec["timestamp-format"] == ["%Y%m%dT%H%M%S%z"]
    assert spec["level-field"] == "level" and spec["body-field"] == "body"
    assert set(spec["value"]) == {"host"}
    assert spec["sample"] == [{"line": "20261202T140509Z vpn1 INFO up"}]
    assert data["$schema"] == "https://lnav.org/schemas/format-v1.schema.json"
    (fmt,) = from_json(data, "vpn_log.json")  # what the import reads back
    assert fmt.name == "vpn_log" and fmt.host_field == "host" and fmt.timestamp_formats[0].source == "%Y%m%dT%H%M%S%z"
    assert re.match(level_patterns()["warning"], "WRN") and not re.match(level_patterns()["warning"], "ERROR")
    assert "level" not in format_json("x", r"^(?<timestamp>\d+) (?<body>.*)", "%s")["x"]


def test_a_sample_the_edited_format_no_longer_reads_is_left_out() -> None:
    """lnav refuses a format file whose sample line does not match its pattern and time format."""
    line = "20261202T140509Z vpn1 INFO up"
    pattern = r"^(?<timestamp>\d{8}T\d{6}Z)\s+(?<body>.*)"
    assert "sample" in format_json("v", pattern, "%Y%m%dT%H%M%S%z", sample=line)["v"]
    assert "sample" not in format_json("v", pattern.replace("T", "-"), "%Y%m%dT%H%M%S%z", sample=line)["v"]
    assert "sample" not in format_json("v", pattern, "%Y-%m-%d", sample=line)["v"]


@pytest.mark.parametrize(("selected", "marked"), [
    ("[WARN]", "WARN"), (" ERROR: ", "ERROR"), ("<dialer-03>", "dialer-03"), ("'14:05:09'", "14:05:09"),
    ("2026-12-02 14:05:09.123", "2026-12-02 14:05:09.123"), ("[ ]", ""),
])
def test_a_sloppy_selection_marks_the_value_inside(selected: str, marked: str) -> None:
    line = f"x {selected} y"
    start, end = trim_span(line, 2, 2 + len(selected))
    assert line[start:end] == marked


@pytest.mark.parametrize(("lines", "parts", "expected"), [
    (["#4711|02.12.2026 14:05:09.123|PBX7|WRN|trunk 3 down", "  at card 2",
      "#4712|31.12.2026 23:59:59.999|PBX9|ERR|x"],
     {"timestamp": "02.12.2026 14:05:09.123", "host": "PBX7", "level": "WRN"},
     [("2026-12-02T13:05:09.123Z", "warning", "PBX7", None, "trunk 3 down"), "continuation",
      ("2026-12-31T22:59:59.999Z", "error", "PBX9", None, "x")]),
    (["[dialer-03] 2026/12/02-14:05:09 ERROR campaign=outbound7 call dropped",
      "[dialer-04] 2026/02/30-08:00:00 INFO campaign=x retry"],
     {"host": "dialer-03", "timestamp": "2026/12/02-14:05:09", "level": "ERROR", "component": "outbound7"},
     [("2026-12-02T13:05:09.000Z", "error", "dialer-03", "outbound7", "call dropped"), "rejected"]),
    (["20261202T140509Z vpn1 tunnel up", "20260701T000000Z vpn2 rekey"],
     {"timestamp": "20261202T140509Z", "host": "vpn1"},
     [("2026-12-02T14:05:09.000Z", "info", "vpn1", None, "tunnel up"),
      ("2026-07-01T00:00:00.000Z", "info", "vpn2", None, "rekey")]),
])
def test_proposals_read_the_lines_as_the_import_will(lines: list[str], parts: dict[str, str],
                                                       expected: list[object]) -> None:
    """Proposed pattern and time format through the import's own parser, in Berlin (UTC+1 in winter)."""
    pattern = propose_pattern(lines[0], _marks(lines[0], **parts))
    time_format = propose_time_format(parts["timestamp"]).format
    clock = Clock(ZoneInfo("Europe/Berlin"), None, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    rows = preview(lines, format_json("taught", pattern, time_format), ParseContext(clock=clock))
    got = [(r["ts"], SEVERITIES[r["severity"]], r["host"], r["component"], r["message"])
           if r["status"] == "event" else r["status"] for r in rows]
    assert got == expected
    assert [r["line"] for r in rows] == list(range(1, len(lines) + 1))


def test_a_question_mark_in_the_marked_time_is_kept_as_text() -> None:
    proposal = propose_time_format("2026-12-02 14:05:09?")
    assert proposal.format == "%Y-%m-%d %H:%M:%S?"
    assert re.fullmatch(time_pattern(proposal.format), "2026-12-02 14:05:09?")
