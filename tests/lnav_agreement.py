"""How well our importer agrees with lnav on lnav's own sample logs (../shared/extdata/lnav/logs).

lnav's reading of each sample is recorded in tests/data/lnav_readings.json by
tests/tools/lnav_readings.py (see its docstring for what is recorded and which files are skipped). Here
each sample is imported with the real importer into a fresh database and compared message by message:

- Time: the event at lnav's line number has lnav's time to the second. A line we made a continuation or
  rejected, or gave another time, disagrees. Year-less stamps are judged by lnav's year rule: the file's
  ``year`` is passed as our ``year=`` and only month, day and time are compared (lnav rolls the year back
  inside a file where the month falls, which one ``year=`` cannot say). Time-only stamps, whose date lnav
  took from the file's modification time, are compared on the time of day.
- Level: counted only where lnav's format reads the level from a level field (LEVEL_FORMATS) and lnav
  found a level word there. Formats without a level field report ``info`` for every line, syslog_log
  guesses from words in the message, access_log, w3c_log and bro_http_log derive ``error`` from any HTTP
  status not 1xx-3xx: those are lnav's opinions, not levels written in the log, and are not counted.

Run ``python -m tests.lnav_agreement [LOGS_DIR]`` for the per-file table and the worst disagreements.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from app.domain import timeutil
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database

READINGS = Path(__file__).resolve().parent / "data" / "lnav_readings.json"
LOGS = Path(__file__).resolve().parents[2] / "shared" / "extdata" / "lnav" / "logs"
LEVEL_FORMATS = frozenset({  # lnav formats that read the level from a field of the line
    "generic_log", "glog_log", "logfmt_log", "journald_json_log", "openam_log", "vdsm_log", "vmw_log",
})
LNAV_SEVERITY = {  # lnav level -> our severity (0 debug .. 5 critical); others (unknown, invalid) not counted
    "trace": 0, "debug": 0, "debug2": 0, "debug3": 0, "debug4": 0, "debug5": 0,
    "info": 1, "notice": 2, "stats": 2, "warning": 3, "error": 4, "critical": 5, "fatal": 5,
}
SEVERITY_NAMES = ("debug", "info", "notice", "warning", "error", "critical")


@dataclass
class Miss:
    """One lnav message ours does not agree with."""

    line_no: int
    lnav_time: str
    lnav_level: str
    our_time: str | None  # None: no event starts at this line (continuation, rejected or unread)
    our_level: str | None
    what: str  # "time" or "level"


@dataclass
class FileAgreement:
    file: str
    lnav_format: str
    lnav_lines: int
    our_format: str | None
    time_agree: int = 0
    level_lines: int = 0
    level_agree: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def time_pct(self) -> float:
        return 100.0 * self.time_agree / self.lnav_lines if self.lnav_lines else 100.0

    @property
    def level_pct(self) -> float | None:
        return 100.0 * self.level_agree / self.level_lines if self.level_lines else None


def load_readings(path: Path = READINGS) -> dict[str, dict]:
    return json.loads(path.read_text(encoding="utf-8"))["files"]


def _same_time(ours: str, lnav: str, kind: str) -> bool:
    """Ours ('YYYY-MM-DDTHH:MM:SS.mmmZ') against lnav's to the second, as much of it as the line wrote."""
    start = {"year-less": 5, "time-only": 11}.get(kind, 0)
    return ours[start:19] == lnav[start:19]


def compare_file(path: Path, reading: dict, workdir: Path) -> FileAgreement:
    """Import one sample into a fresh database and compare every lnav message with the event at its line."""
    options = ImportOptions(zone=timeutil.UTC, zone_name="UTC", year=reading["year"])
    db_file = workdir / f"{path.name}.db"
    with Database.open(db_file) as db:
        [result] = import_paths(db, [path], options)
        events: dict[int, dict] = {}
        for row in db.rows("SELECT line_no, ts, severity FROM events ORDER BY line_no, id"):
            events.setdefault(row["line_no"], row)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    out = FileAgreement(path.name, reading["format"], len(reading["lines"]), result.format)
    for line_no, lnav_time, lnav_level, *kind in reading["lines"]:
        event = events.get(line_no)
        our_time = event["ts"] if event else None
        our_level = SEVERITY_NAMES[event["severity"]] if event else None
        if our_time is not None and _same_time(our_time, lnav_time, kind[0] if kind else "full"):
            out.time_agree += 1
        else:
            out.misses.append(Miss(line_no, lnav_time, lnav_level, our_time, our_level, "time"))
        want = LNAV_SEVERITY.get(lnav_level)
        if reading["format"] in LEVEL_FORMATS and want is not None:
            out.level_lines += 1
            if event is not None and event["severity"] == want:
                out.level_agree += 1
            else:
                out.misses.append(Miss(line_no, lnav_time, lnav_level, our_time, our_level, "level"))
    return out


def compare_all(logs: Path = LOGS, readings: Path = READINGS) -> list[FileAgreement]:
    """One row per recorded sample that is present in ``logs``."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="lnav-agreement-") as tmp:
        for name, reading in load_readings(readings).items():
            if (logs / name).is_file():
                rows.append(compare_file(logs / name, reading, Path(tmp)))
    return rows


def totals(rows: list[FileAgreement]) -> tuple[int, int, int, int]:
    """(time agree, lnav lines, level agree, level lines) over all files."""
    return (sum(r.time_agree for r in rows), sum(r.lnav_lines for r in rows),
            sum(r.level_agree for r in rows), sum(r.level_lines for r in rows))


def _pct(agree: int, lines: int) -> str:
    return f"{100.0 * agree / lines:.1f} %" if lines else "—"


def markdown(rows: list[FileAgreement]) -> str:
    """The per-file table for the README, with the total as the last row."""
    out = ["| File | lnav format | lnav lines | Ours format | Time agrees | Level agrees |",
           "|---|---|---:|---|---:|---:|"]
    for r in rows:
        out.append(f"| {r.file} | {r.lnav_format} | {r.lnav_lines} | {r.our_format or '(failed)'} | "
                   f"{_pct(r.time_agree, r.lnav_lines)} | {_pct(r.level_agree, r.level_lines)} |")
    t_agree, t_lines, l_agree, l_lines = totals(rows)
    out.append(f"| **Total** ({len(rows)} files) | | {t_lines} | | **{_pct(t_agree, t_lines)}** | "
               f"**{_pct(l_agree, l_lines)}** ({l_lines} lines) |")
    return "\n".join(out)


def worst(rows: list[FileAgreement], logs: Path, files: int = 25, examples: int = 2) -> str:
    """The files with most disagreements, each with a few raw lines, lnav's reading and ours."""
    out = []
    ranked = sorted((r for r in rows if r.misses), key=lambda r: (-len(r.misses), r.file))
    for r in ranked[:files]:
        text = (logs / r.file).read_bytes().decode("utf-8", errors="replace").split("\n")
        times = sum(m.what == "time" for m in r.misses)
        out.append(f"\n{r.file} (lnav {r.lnav_format}, ours {r.our_format}): {times} time and "
                   f"{len(r.misses) - times} level disagreements of {r.lnav_lines}")
        for what in ("time", "level"):
            for m in [m for m in r.misses if m.what == what][:examples]:
                raw = text[m.line_no - 1].rstrip("\r")[:150] if m.line_no <= len(text) else ""
                out.append(f"  {what:5} line {m.line_no}: lnav {m.lnav_time} {m.lnav_level}; "
                           f"ours {m.our_time or 'no event'} {m.our_level or ''}\n      {raw}")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    logs = Path(argv[1]) if len(argv) > 1 else LOGS
    if not logs.is_dir():
        print(f"{logs}: no such folder", file=sys.stderr)
        return 2
    rows = compare_all(logs)
    t_agree, t_lines, l_agree, l_lines = totals(rows)
    print(markdown(rows))
    print(f"\nTime agrees on {t_agree} of {t_lines} lnav messages ({_pct(t_agree, t_lines)}); "
          f"level on {l_agree} of {l_lines} ({_pct(l_agree, l_lines)}).")
    print(worst(rows, logs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
