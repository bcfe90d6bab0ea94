"""Record lnav's reading (time and level per message) of every sample in ../shared/extdata/lnav/logs.

Writes tests/data/lnav_readings.json, which tests/test_lnav_agreement.py compares our importer with, so
the test runs where lnav is not installed. Standard library only. Run from the repository root:

    python tests/tools/lnav_readings.py [LOGS_DIR]

lnav runs with TZ=UTC and a throw-away HOME, so neither the machine's zone nor anyone's lnav config leaks in.
Only times, levels and line numbers are stored, never log text. The rules:

- The time is lnav's ``log_actual_time`` (the stamp as written), not ``log_time``: lnav moves a stamp that
  goes back in time up to the one before it (see logfile_dst.0), and we keep stamps as written.
- Lines before the first message that lnav dates with that message's time (``Header1: abc``, level
  ``unknown``, no stamp of their own) are left out: no stamp was read from them. So are lines lnav calls
  ``invalid`` (its pattern did not match) whose raw text does not show lnav's HH:MM:SS: lnav gave them
  the time of the message before.
- Line numbers are 1-based file lines (as ``events.line_no``). lnav's ``log_line`` is a row of its view,
  which leaves out W3C and Bro header lines and sorts some files by time, so each message's first line is
  found in the file by its text.
- A file is skipped when lnav reads no message from it (no format matches: JSON shapes lnav 0.11 lacks,
  plain text, empty files), when every time is before 1980 (no stamp read), or when it is listed in
  LNAV_MISREADS. Messages without a time are left out.
- lnav 0.11.1 shows a stamp that carries a UTC offset as its wall time, offset ignored, whatever TZ says
  (``[22/Jan/2019:03:56:14 +0330]`` reads 03:56:14, ``17:22:01.694554+03:00`` reads 17:22:01). The
  readings take the offset written right after lnav's HH:MM:SS[.fff] into account and store the UTC
  moment (00:26:14, 14:22:01), as our importer does. Zone-less stamps are shown as written, i.e. as UTC.
  Zone names (``PDT``, ``CEST``, ``EST`` in the postgres and block samples) are ignored by lnav and, today,
  by us: the readings keep lnav's wall time for them.
- Each message is ``[line_no, "YYYY-MM-DDTHH:MM:SS", lnav_level]``, with a fourth item when lnav had to
  supply part of the time: ``"year-less"`` when the raw line shows lnav's HH:MM:SS but not its year
  (syslog ``Nov  3 09:23:38``, glog ``I0517``), ``"time-only"`` when it shows no date either and lnav took
  the date from the file's modification time (strace ``08:09:33.814936``). A time of day whose date lies
  far from the file's mtime came from the file itself (a W3C ``#Date:`` header) and counts as full.
- lnav's year rule: the last year-less stamp gets the year of the file's modification time, and an
  earlier one goes back a year each time the month falls going forward (``Dec 3`` then ``Jan 3`` read as
  2025-12-03 and 2026-01-03). ``year`` is the year of the last year-less message, passed as our ``year=``.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT.parent / "shared" / "extdata" / "lnav" / "logs"
OUT = ROOT / "tests" / "data" / "lnav_readings.json"
QUERY = ";SELECT log_line, log_actual_time, log_level, log_format, log_raw_text FROM all_logs ORDER BY log_line"
LNAV_MISREADS = {  # file -> why lnav's reading is not a reference
    "logfile_yday.0": "day-of-year stamps (2012-025T10:22:40) are not read: lnav shows the file's mtime",
    "logfile_rollover.2": "75 Nov-to-Feb turns roll the year back 75 times: lnav shows 1970 and nonsense years",
    "logfile_tcf.0": "stamps are MM:SS.mmm only: lnav takes the date and the hour from the file's mtime",
}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def run_lnav(path: Path, home: str) -> list[dict[str, str]]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TZ": "UTC", "LANG": "C.UTF-8",
           "TERM": "dumb"}
    proc = subprocess.run(["lnav", "-n", "-c", QUERY, "-c", ":write-csv-to -", str(path)], capture_output=True,
                          env=env, timeout=120)
    text = proc.stdout.decode("utf-8", errors="replace")
    return list(csv.DictReader(io.StringIO(text))) if text.startswith("log_line,") else []


def lnav_version() -> str:
    return subprocess.run(["lnav", "-V"], capture_output=True, text=True).stdout.strip()


def file_lines(path: Path) -> list[str]:
    return [line.rstrip("\r") for line in path.read_bytes().decode("utf-8", errors="replace").split("\n")]


def line_numbers(rows: list[dict[str, str]], lines: list[str]) -> list[int]:
    """1-based file line of each message, found by its first raw line (lnav sorts some files by time)."""
    where: dict[str, collections.deque[int]] = collections.defaultdict(collections.deque)
    for i, line in enumerate(lines):
        where[line].append(i)
    numbers: list[int] = []
    shift = 0  # file index minus lnav's log_line at the last match, for a line whose text differs
    for row in rows:
        free = where.get(row["log_raw_text"].split("\n")[0].rstrip("\r"))
        found = free.popleft() if free else int(row["log_line"]) + shift
        shift = found - int(row["log_line"])
        numbers.append(found + 1)
    return numbers


def with_offset(raw: str, when: dt.datetime) -> dt.datetime:
    """The UTC moment when an offset follows lnav's time of day in the raw line (lnav ignores it)."""
    m = re.search(re.escape(when.strftime("%H:%M:%S")) + r"(?:[.,]\d+)? ?(Z|[+-])(\d\d):?(\d\d)\b", raw)
    if m is None or m.group(1) == "Z":
        return when
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    return when - dt.timedelta(minutes=minutes if m.group(1) == "+" else -minutes)


def stamped(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Leave out lines lnav dates by another message: leading ``unknown`` ones and ``invalid`` ones without
    lnav's HH:MM:SS (where a later line does show it: epoch and TAI64N stamps never show one)."""
    def shows_time(row: dict[str, str]) -> bool:
        return row["log_actual_time"][11:19] in row["log_raw_text"].split("\n")[0]

    first = next((i for i, r in enumerate(rows) if shows_time(r)), None)
    if first is None:
        return rows
    borrowed = [r["log_level"] == "invalid" or (r["log_level"] == "unknown" and i < first) for i, r in enumerate(rows)]
    return [r for r, b in zip(rows, borrowed) if shows_time(r) or not b]


def stamp_kind(raw: str, when: dt.datetime, mtime: dt.datetime) -> str:
    """full, year-less or time-only: what the raw line shows of lnav's time."""
    if when.strftime("%H:%M:%S") not in raw or str(when.year) in raw:
        return "full"  # a year, or an encoding we cannot see into (epoch, TAI64N): nothing for lnav to supply
    low = raw.lower()
    mm, dd = f"{when.month:02d}", f"{when.day:02d}"
    if MONTHS[when.month - 1] in low or any(s in raw for s in (mm + dd, f"{mm}-{dd}", f"{mm}/{dd}", f"{dd}/{mm}")):
        return "year-less"
    if abs((when - mtime).days) > 2:
        return "full"  # the date came from the file (a W3C #Date: header), not from its mtime
    return "time-only"


def reading(path: Path, home: str) -> tuple[dict[str, object] | None, str]:
    """lnav's reading of one file, or None and why it is skipped."""
    if path.name in LNAV_MISREADS:
        return None, LNAV_MISREADS[path.name]
    rows = [r for r in run_lnav(path, home) if r["log_actual_time"] not in ("", "<NULL>")]
    if not rows:
        return None, "lnav reads no message with a time (no format matches)"
    rows = stamped(rows)
    times = [with_offset(r["log_raw_text"].split("\n")[0], dt.datetime.fromisoformat(r["log_actual_time"]))
             for r in rows]
    if all(t.year < 1980 for t in times):
        return None, "lnav reads no stamp (every time is before 1980)"
    numbers = line_numbers(rows, file_lines(path))
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None)
    kinds = [stamp_kind(r["log_raw_text"].split("\n")[0], t, mtime) for r, t in zip(rows, times)]
    yearless = [t.year for t, k in zip(times, kinds) if k == "year-less"]
    formats = collections.Counter(r["log_format"] for r in rows)
    lines: list[list[object]] = []
    for n, t, r, kind in sorted(zip(numbers, times, rows, kinds), key=lambda item: item[0]):
        lines.append([n, t.strftime("%Y-%m-%dT%H:%M:%S"), r["log_level"]] + ([] if kind == "full" else [kind]))
    return {"format": formats.most_common(1)[0][0], "year": yearless[-1] if yearless else None, "lines": lines}, ""


def render(version: str, files: dict[str, object], skipped: dict[str, str]) -> str:
    """JSON with one message per line, so a regenerated file diffs line by line."""
    parts = []
    for name, f in files.items():
        head = {k: v for k, v in f.items() if k != "lines"}  # type: ignore[union-attr]
        body = ",\n".join("   " + json.dumps(line) for line in f["lines"])  # type: ignore[index]
        parts.append(f"  {json.dumps(name)}: {json.dumps(head)[:-1]}, \"lines\": [\n{body}]}}")
    command = f"TZ=UTC lnav -n -c '{QUERY}' -c ':write-csv-to -' FILE"
    return (f'{{\n "lnav": {json.dumps(version)},\n "command": {json.dumps(command)},\n "files": {{\n'
            + ",\n".join(parts) + f'\n }},\n "skipped": {json.dumps(skipped, indent=2)}\n}}\n')


def main(argv: list[str]) -> int:
    logs = Path(argv[1]) if len(argv) > 1 else LOGS
    if not logs.is_dir():
        print(f"{logs}: no such folder", file=sys.stderr)
        return 2
    files: dict[str, object] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="lnav-home-") as home:
        for path in sorted(p for p in logs.iterdir() if p.is_file()):
            result, why = reading(path, home)
            if result is None:
                skipped[path.name] = why
            else:
                files[path.name] = result
        version = lnav_version()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(version, files, skipped))
    lines = sum(len(f["lines"]) for f in files.values())  # type: ignore[arg-type]
    print(f"{OUT}: {len(files)} files, {lines} messages; {len(skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
