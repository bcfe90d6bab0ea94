"""Every stamp shape of issue #12, rendered from random datetimes behind a random prefix, reads back exactly.

A whole file of such lines goes through the real importer too: the layout is
learned from the file, so the stamp may stand after a sequence number, a
bracket, a host or a fixed set of fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.domain import timeutil
from app.ingest import layout, stamps
from app.ingest.clock import Clock
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database

UTC = dt.UTC
MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Render = Callable[[dt.datetime], str]


def _ms(t: dt.datetime) -> str:
    return f"{t.microsecond // 1000:03d}"


def _tai64n(t: dt.datetime) -> str:
    secs = int(t.replace(tzinfo=UTC).timestamp())
    return f"@{(1 << 62) + 10 + secs:016x}{t.microsecond * 1000:08x}"


# name -> (render, precision kept: "ms" or "s", carries a year)
SHAPES: dict[str, tuple[Render, str, bool]] = {
    "iso-T-frac6": (lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f"), "ms", True),
    "iso-space-comma": (lambda t: t.strftime("%Y-%m-%d %H:%M:%S,") + _ms(t), "ms", True),
    "iso-Z": (lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + _ms(t) + "Z", "ms", True),
    "iso-offset": (lambda t: (t + dt.timedelta(hours=5, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S+05:30"), "s", True),
    "iso-offset-compact": (lambda t: (t - dt.timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S-0700"), "s", True),
    "iso-nanos": (lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z", "ms", True),
    "db2": (lambda t: t.strftime("%Y-%m-%d-%H.%M.%S.%f"), "ms", True),
    "ymd-dots": (lambda t: t.strftime("%Y.%m.%d %H:%M:%S"), "s", True),
    "ymd-slash": (lambda t: t.strftime("%Y/%m/%d %H:%M:%S.") + _ms(t), "ms", True),
    "dmy-slash": (lambda t: t.strftime("%d/%m/%Y %H:%M:%S"), "s", True),
    "mdy-slash-ampm": (lambda t: f"{t.month}/{t.day}/{t.year} {(t.hour % 12) or 12}:{t:%M:%S} "
                       f"{'PM' if t.hour >= 12 else 'AM'}", "s", True),
    "dmy-dots": (lambda t: t.strftime("%d.%m.%Y %H:%M:%S,") + _ms(t), "ms", True),
    "d-mon-y": (lambda t: f"{t.day:02d}-{MON[t.month - 1]}-{t.year} {t:%H:%M:%S}.{_ms(t)}", "ms", True),
    "clf": (lambda t: f"{t.day:02d}/{MON[t.month - 1]}/{t.year}:{t:%H:%M:%S} +0000", "s", True),
    "rfc2822": (lambda t: f"{DAY[t.weekday()]}, {t.day:02d} {MON[t.month - 1]} {t.year} {t:%H:%M:%S} GMT", "s", True),
    "ctime": (lambda t: f"{DAY[t.weekday()]} {MON[t.month - 1]} {t.day:2d} {t:%H:%M:%S} {t.year}", "s", True),
    "java-util": (lambda t: f"{MON[t.month - 1]} {t.day}, {t.year} {(t.hour % 12) or 12}:{t:%M:%S} "
                  f"{'PM' if t.hour >= 12 else 'AM'}", "s", True),
    "bsd-syslog": (lambda t: f"{MON[t.month - 1]} {t.day:2d} {t:%H:%M:%S}", "s", False),
    "mm.dd-bracket": (lambda t: f"[{t:%m.%d %H:%M:%S}]", "s", False),
    "logcat": (lambda t: f"{t:%m-%d %H:%M:%S}.{_ms(t)}", "ms", False),
    "compact-unpadded": (lambda t: f"{t:%Y%m%d}-{t.hour}:{t.minute}:{t.second}:{_ms(t)}", "ms", True),
    "compact-basic": (lambda t: t.strftime("%Y%m%dT%H%M%SZ"), "s", True),
    "yymmdd-hhmmss": (lambda t: t.strftime("%y%m%d %H%M%S"), "s", True),
    "epoch-s": (lambda t: str(int(t.replace(tzinfo=UTC).timestamp())), "s", True),
    "epoch-s-frac": (lambda t: f"{int(t.replace(tzinfo=UTC).timestamp())}.{t.microsecond:06d}", "ms", True),
    "epoch-ms": (lambda t: str(int(t.replace(tzinfo=UTC).timestamp()) * 1000 + t.microsecond // 1000), "ms", True),
    "epoch-us": (lambda t: str(int(t.replace(tzinfo=UTC).timestamp()) * 10**6 + t.microsecond), "ms", True),
    "epoch-ns": (lambda t: str(int(t.replace(tzinfo=UTC).timestamp()) * 10**9 + t.microsecond * 1000), "ms", True),
    "tai64n": (_tai64n, "ms", True),
    "w3c": (lambda t: t.strftime("%Y-%m-%d %H:%M:%S"), "s", True),
}
PREFIXES = ("", "- ", "0042 ", "[", "[worker-3] ", "app.log: ", "pbx-07 ", "7|agent-ws12|", "INFO 42 node-3 ",
            "#4711|")
TIMES = st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2037, 12, 28))


def _expected(t: dt.datetime, precision: str) -> str:
    if precision == "s":
        t = t.replace(microsecond=0)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


@pytest.mark.parametrize("shape", sorted(SHAPES))
@settings(max_examples=40, deadline=None)
@given(t=TIMES, prefix=st.sampled_from(PREFIXES))
def test_every_shape_reads_back(shape: str, t: dt.datetime, prefix: str) -> None:
    render, precision, has_year = SHAPES[shape]
    line = f"{prefix}{render(t)} something happened on trunk 3"
    clock = Clock(UTC, None if has_year else t.year, dt.datetime(2038, 1, 1, tzinfo=UTC))
    learned = layout.learn([line], clock, dayfirst=shape.startswith("dmy"))
    assert learned is not None, line
    hit = learned.stamp(line)
    assert hit is not None, line
    assert hit[0] == _expected(t, precision), (line, learned.shape.name)


def test_a_number_outside_1990_2100_is_no_time() -> None:
    clock = Clock(UTC, None, dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert layout.learn(["9999999999 requests served", "1234567890123456789012 x"], clock) is None or all(
        s.name != "epoch" for s, _m in stamps.find("9999999999 requests served"))


def test_unpadded_stamps_are_events_not_continuations(tmp_path: Path) -> None:
    """``23:58:0:117`` beside ``22:15:29:606``: every line its own event."""
    f = tmp_path / "health.log"
    f.write_text("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579\n"
                 "20171224-23:58:0:117|Step_SPUtils|30002312|getTodayTotalDetailSteps\n"
                 "20171224-0:1:5:9|Step_LSC|30002312|onExtend:1514044865000 0 0 4\n"
                 "    at continuation line\n", encoding="utf-8")
    with Database.open(tmp_path / "l.db") as db:
        [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC))
        assert (r.accepted, r.continuation, r.rejected) == (3, 1, 0)
        assert [row["ts"] for row in db.rows("SELECT ts FROM events ORDER BY line_no")] == [
            "2017-12-23T22:15:29.606Z", "2017-12-24T23:58:00.117Z", "2017-12-24T00:01:05.900Z"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.sampled_from(sorted(SHAPES)), prefix=st.sampled_from(PREFIXES),
       times=st.lists(TIMES, min_size=3, max_size=12))
def test_a_file_of_any_shape_imports_with_its_times(tmp_path: Path, shape: str, prefix: str,
                                                    times: list[dt.datetime]) -> None:
    render, precision, has_year = SHAPES[shape]
    f = tmp_path / f"{shape}.log"
    f.write_text("".join(f"{prefix}{render(t)} ERROR call {i} dropped\n" for i, t in enumerate(times)),
                 encoding="utf-8")
    year = None if has_year else times[0].year
    if not has_year:
        times = [t.replace(year=year) for t in times if not (t.month == 2 and t.day == 29)]
        f.write_text("".join(f"{prefix}{render(t)} ERROR call {i} dropped\n" for i, t in enumerate(times)),
                     encoding="utf-8")
    with Database.open(tmp_path / f"{shape}.db") as db:
        [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC, year=year, force=True,
                                                  format=None))
        got = [row["ts"] for row in db.rows("SELECT ts FROM events WHERE import_id = ? ORDER BY line_no",
                                            (r.import_id,))]
        sev = {row["severity"] for row in db.rows("SELECT severity FROM events WHERE import_id = ?", (r.import_id,))}
    assert r.ok and r.accepted == len(times), (shape, prefix, r)
    assert got == [_expected(t, precision) for t in times], (shape, prefix, r.format)
    assert sev == {4}
