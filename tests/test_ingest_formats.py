"""Every format family from fixtures the project wrote: fields, severity, zone, log type, counts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil
from app.ingest.service import FileResult, ImportOptions, import_paths
from app.store.database import Database

DATA = Path(__file__).parent / "data" / "ingest"
BERLIN = timeutil.get_zone("Europe/Berlin")


def _import(db: Database, name: str, **kw: Any) -> tuple[FileResult, list[dict[str, Any]], list[dict[str, Any]]]:
    kw.setdefault("zone", BERLIN)
    kw.setdefault("year", 2026)
    [result] = import_paths(db, [DATA / name], ImportOptions(**kw))
    events = db.rows("SELECT * FROM events WHERE import_id = ? ORDER BY line_no", (result.import_id,))
    rejects = db.rows("SELECT * FROM import_rejects WHERE import_id = ? ORDER BY line_no", (result.import_id,))
    assert result.read == result.accepted + result.continuation + result.rejected
    assert len(events) == result.accepted and len(rejects) == result.rejected
    return result, events, rejects


def test_bsd_syslog(db: Database) -> None:
    r, ev, rej = _import(db, "syslog.log")
    assert (r.format, r.read, r.accepted, r.continuation, r.rejected) == ("syslog", 8, 6, 1, 1)
    first = ev[0]
    assert first["ts"] == "2026-11-29T09:00:01.000Z"  # Berlin wall time -> UTC
    assert (first["host"], first["component"], first["pid"], first["log_type"]) == ("agent-ws101", "sshd", 2201,
                                                                                     "security")
    assert (first["severity"], first["raw_level"]) == (1, "6")  # <38> = auth.info
    assert ev[1]["log_type"] == "network" and ev[2]["log_type"] == "network"  # link message, dhclient
    assert ev[2]["ts"].startswith("2026-11-02T09:00:03")  # "Nov  2" with two spaces
    assert ev[3]["message"] == "ERROR saving ticket 4411\n    at crm.save(ticket.js:10)"
    assert ev[3]["severity"] == 4 and ev[3]["raw"].endswith("ticket.js:10)")
    assert rej[0]["line_no"] == 6 and "2026-02-30" in rej[0]["reason"]
    assert ev[-1]["ts"] == "2026-11-29T09:00:07.123Z" and ev[-1]["line_no"] == 8  # ISO with offset


def test_line_before_any_event_is_rejected_not_lost(db: Database) -> None:
    _r, _ev, rej = _import(db, "syslog_orphan.log")
    assert rej[0]["line_no"] == 1 and rej[0]["raw"] == "orphan line before any event"
    assert "no time stamp" in rej[0]["reason"]


def test_rfc5424(db: Database) -> None:
    r, ev, _rej = _import(db, "rfc5424.log")
    assert r.format == "rfc5424" and r.accepted == 3 and r.rejected == 1
    assert ev[0]["ts"] == "2026-11-29T22:14:15.003Z" and ev[0]["severity"] == 5 and ev[0]["log_type"] == "security"
    assert ev[1]["ts"] == "2026-11-30T05:14:15.000Z" and ev[1]["pid"] == 8710 and ev[1]["severity"] == 2
    assert "exampleSDID@32473" in ev[2]["message"] and ev[2]["event_code"] == "ID47"


def test_journal_export(db: Database) -> None:
    r, ev, _ = _import(db, "journal.json")
    assert r.format == "journal" and r.accepted == 3
    assert ev[0]["ts"] == "2025-11-29T10:00:00.123Z" and ev[0]["severity"] == 4 and ev[0]["component"] == "softphone"
    assert ev[1]["component"] == "sshd" and ev[1]["log_type"] == "security"
    assert ev[2]["message"] == "hi"  # MESSAGE as a byte array


def test_json_lines_nested_and_bad_lines(db: Database) -> None:
    r, ev, rej = _import(db, "app.jsonl")
    assert (r.format, r.accepted, r.rejected) == ("json", 3, 3)
    assert ev[0]["host"] == "crm01" and ev[0]["component"] == "crm.tickets" and ev[0]["severity"] == 3
    assert ev[0]["event_code"] == "200"
    assert ev[1]["ts"] == "2025-11-29T10:00:00.500Z" and ev[1]["severity"] == 4 and ev[1]["component"] == "billing"
    assert ev[2]["severity"] == 5 and ev[2]["pid"] == 12 and ev[2]["ts"] == "2026-11-29T10:00:00.000Z"
    assert [x["line_no"] for x in rej] == [4, 5, 6]
    assert "not valid JSON" in rej[0]["reason"] and "no time" in rej[1]["reason"]


def test_csv_multiline_quoted_field(db: Database) -> None:
    r, ev, rej = _import(db, "splunk.csv")
    assert (r.format, r.read, r.accepted, r.continuation, r.rejected) == ("csv", 5, 2, 1, 2)
    assert ev[0]["message"] == "registration failed\nretrying in 5s" and ev[0]["host"] == "agent-ws301"
    assert ev[0]["ts"] == "2026-11-29T10:00:00.000Z" and ev[0]["severity"] == 4 and ev[1]["line_no"] == 4
    assert rej[0]["reason"].startswith("header row") and "no time" in rej[1]["reason"]


def test_tsv_and_user_mapping(db: Database) -> None:
    r, ev, _ = _import(db, "graylog.tsv", mapping={"host": "source", "component": "facility"})
    assert r.accepted == 2 and ev[0]["host"] == "dc01" and ev[0]["component"] == "auth"
    assert ev[0]["severity"] == 4 and ev[0]["message"] == "LDAP bind failed"


def test_csv_map_naming_a_missing_column_fails_clearly(db: Database) -> None:
    [r] = import_paths(db, [DATA / "graylog.tsv"], ImportOptions(mapping={"time": "nope"}))
    assert r.status == "failed" and "nope" in r.message and "graylog.tsv" in r.message


def test_access_log_status_to_severity(db: Database) -> None:
    r, ev, _ = _import(db, "access.log")
    assert r.format == "access" and [e["severity"] for e in ev] == [1, 4, 3]
    assert [e["event_code"] for e in ev] == ["200", "503", "404"]
    assert ev[0]["ts"] == "2026-11-29T09:00:00.000Z"  # +0100 in the line wins over the import zone


def test_error_logs(db: Database) -> None:
    r, ev, _ = _import(db, "apache_error.log")
    assert r.format == "errorlog" and [e["severity"] for e in ev] == [2, 4, 4, 5]
    assert ev[2]["component"] == "core" and ev[2]["pid"] == 1234 and ev[2]["ts"] == "2026-11-29T13:32:52.123Z"
    r2, ev2, _ = _import(db, "nginx_error.log")
    assert r2.format == "errorlog" and ev2[0]["pid"] == 1234 and ev2[1]["severity"] == 3


def test_log4j_with_stack_trace(db: Database) -> None:
    r, ev, _ = _import(db, "log4j.log")
    assert (r.format, r.accepted, r.continuation) == ("applog", 4, 3)
    assert ev[1]["component"] == "com.acme.crm.Dao" and ev[1]["severity"] == 4
    assert ev[1]["message"].count("\n") == 3 and "Dao.java:42" in ev[1]["message"]
    assert [e["severity"] for e in ev] == [1, 4, 5, 0]  # FATAL -> critical, TRACE -> debug


@pytest.mark.parametrize("name, severities, component", [
    ("python.log", [3, 5, 0], "crm.sync"),
    ("spark.log", [1, 3, 4], "executor.CoarseGrainedExecutorBackend"),
    ("android.log", [0, 0, 3, 4, 5], "WindowManager"),
    ("hdfs.log", [1, 3], "dfs.DataNode$PacketResponder"),
])
def test_application_log_families(db: Database, name: str, severities: list[int], component: str) -> None:
    r, ev, _ = _import(db, name)
    assert r.format == "applog"
    assert [e["severity"] for e in ev] == severities
    assert ev[0]["component"] == component


def test_event_viewer_csv_and_xml(db: Database) -> None:
    r, ev, _ = _import(db, "eventviewer.csv")
    assert (r.format, r.accepted, r.continuation) == ("csv", 3, 1)
    assert ev[0]["event_code"] == "7000" and ev[0]["severity"] == 4 and "cannot find the file" in ev[0]["message"]
    assert ev[2]["ts"] == "2026-11-29T20:17:00.000Z"  # 9:17 PM Berlin
    _r3, ev3, _ = _import(db, "Security.csv")  # the Security channel's export has Keywords, not Level
    assert [(e["severity"], e["raw_level"], e["log_type"]) for e in ev3] == [
        (3, "Audit Failure", "security"), (1, "Audit Success", "security")]
    assert ev3[0]["message"] == "An account failed to log on." and ev3[0]["event_code"] == "4625"
    r2, ev2, _ = _import(db, "eventviewer.xml")
    assert r2.format == "eventxml" and r2.accepted == 3
    assert (ev2[0]["log_type"], ev2[0]["severity"], ev2[0]["raw_level"]) == ("security", 3, "Audit Failure")
    assert ev2[0]["message"] == "An account failed to log on." and ev2[0]["event_code"] == "4625"
    assert ev2[1]["log_type"] == "system" and ev2[2]["log_type"] == "application" and ev2[2]["severity"] == 4


def test_generic_fallback_shapes(db: Database) -> None:
    r, ev, _ = _import(db, "generic.log")
    assert r.format == "generic" and (r.accepted, r.continuation) == (6, 1)
    assert ev[0]["ts"] == "2017-12-23T21:15:29.606Z"  # compact 20171223-22:15:29:606 in Berlin
    assert ev[2]["ts"] == "2025-11-29T10:00:00.000Z" and ev[3]["ts"] == "2025-11-29T10:00:00.123Z"  # epoch s, ms
    assert ev[4]["ts"] == "2026-11-29T09:00:00.000Z" and ev[5]["ts"] == "2026-11-29T21:00:00.000Z"
    assert ev[3]["severity"] == 4


def test_text_without_time_stamps_is_refused_and_nothing_is_written(db: Database) -> None:
    [r] = import_paths(db, [DATA / "notes.txt"], ImportOptions(zone=BERLIN))
    assert r.status == "failed" and r.format is None
    assert "no time stamp found" in r.message and "notes.txt" in r.message and "--time-from" in r.message
    first = (DATA / "notes.txt").read_text().splitlines()[0]
    assert first[:60] in r.message  # the user sees the lines that could not be read
    assert db.scalar("SELECT count(*) FROM events") == 0 and db.scalar("SELECT count(*) FROM imports") == 0


def test_text_is_taken_at_the_file_time_only_by_choice(db: Database) -> None:
    r, ev, _ = _import(db, "notes.txt", time_from="mtime")
    assert r.format == "text" and r.accepted == 3 and all(e["flags"] & 4 for e in ev)
    mtime = os.stat(DATA / "notes.txt").st_mtime
    assert abs(timeutil.from_iso(ev[0]["ts"]).timestamp() - mtime) < 1
    options = json.loads(db.scalar("SELECT options FROM imports WHERE id = ?", (r.import_id,)))
    assert options["time_from"] == "mtime"


def test_text_is_taken_at_a_given_time(db: Database) -> None:
    r, ev, _ = _import(db, "notes.txt", time_from="2026-03-01T08:30", zone=BERLIN)
    assert r.ok and {e["ts"] for e in ev} == {"2026-03-01T07:30:00.000Z"}


def test_format_override_and_log_type_override(db: Database) -> None:
    r, ev, _ = _import(db, "syslog.log", format="generic", log_type="audit")
    assert r.format == "generic" and {e["log_type"] for e in ev} == {"audit"}


def test_year_less_stamps_take_the_year_before_the_file_time(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "dec.log"
    log.write_text("Dec 31 23:59:59 h app: old year\nJan  1 00:00:01 h app: new year\n")
    import datetime as dt

    stamp = dt.datetime(2027, 1, 1, 1, 0, tzinfo=dt.UTC).timestamp()
    os.utime(log, (stamp, stamp))
    [r] = import_paths(db, [log], ImportOptions(zone=timeutil.UTC))
    ts = [row["ts"] for row in db.rows("SELECT ts FROM events WHERE import_id = ? ORDER BY line_no", (r.import_id,))]
    assert ts == ["2026-12-31T23:59:59.000Z", "2027-01-01T00:00:01.000Z"]


def test_client_and_site_from_host_rules_and_options(db: Database) -> None:
    from app.store import imports as store

    store.save_host_rules(db, [{"host": "agent-ws10*", "client": "Acme", "site": "Site B"}])
    _, ev, _ = _import(db, "syslog.log")
    assert (ev[0]["client"], ev[0]["site"]) == ("Acme", "Site B")
    assert ev[-1]["host"] == "web01" and ev[-1]["client"] is None
    _, ev2, _ = _import(db, "syslog.log", force=True, client="Globex", site="Floor 3")
    assert {(e["client"], e["site"]) for e in ev2} == {("Globex", "Floor 3")}


def test_log_type_rules_are_editable(db: Database) -> None:
    from app.ingest.rules import DEFAULT_TYPE_RULES
    from app.store import imports as store

    store.save_type_rules(db, [{"component": "crm-*", "log_type": "audit"}, *DEFAULT_TYPE_RULES])
    _, ev, _ = _import(db, "syslog.log")
    assert ev[3]["component"] == "crm-agent" and ev[3]["log_type"] == "audit"
