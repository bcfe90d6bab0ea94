"""A line over 4 MiB stays one line: stored cut and flagged, with every later line keeping its number."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from app.domain import timeutil
from app.ingest import lines
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database


def test_an_over_long_line_is_one_line_cut_and_flagged() -> None:
    big = b"2026-12-01 10:00:01 ERROR dump " + b"x" * (lines.MAX_LINE * 2 + 123)
    data = b"2026-12-01 10:00:00 INFO start\n" + big + b"\r\n2026-12-01 10:00:02 INFO after\n"
    got = list(lines.iter_lines(io.BytesIO(data), lines.Encoding("utf-8", 0)))
    assert len(got) == 3
    assert len(got[1][0]) == lines.MAX_LINE and got[1][1] & lines.FLAG_CUT
    assert got[2] == ("2026-12-01 10:00:02 INFO after", 0)


def test_the_import_keeps_true_line_numbers_after_a_cut_line(tmp_path: Path) -> None:
    f = tmp_path / "dump.log"
    with f.open("wb") as fh:
        fh.write(b"2026-12-01 10:00:00 INFO start\n")
        fh.write(b"2026-12-01 10:00:01 ERROR heap dump " + b"y" * (9 << 20) + b"\n")
        fh.write(b"2026-12-01 10:00:02 INFO after\n")
    with Database.open(tmp_path / "l.db") as db:
        [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC))
        rows = db.rows("SELECT line_no, flags, length(raw) AS n FROM events ORDER BY line_no")
    assert r.ok and (r.read, r.accepted, r.continuation, r.rejected) == (3, 3, 0, 0)
    assert [row["line_no"] for row in rows] == [1, 2, 3]
    assert rows[1]["flags"] & 32 and rows[1]["n"] == lines.MAX_LINE


def test_a_50_mb_line_is_read_in_bounded_memory(tmp_path: Path) -> None:
    f = tmp_path / "huge.log"
    with f.open("wb") as fh:
        fh.write(b"2026-12-01 10:00:00 INFO ")
        for _ in range(50):
            fh.write(b"z" * (1 << 20))
        fh.write(b"\n2026-12-01 10:00:01 INFO next\n")
    code = ("from app.ingest import lines; "  # VmHWM: this process's own peak (ru_maxrss survives exec)
            f"n = sum(1 for _ in lines.iter_lines(open({str(f)!r}, 'rb'), lines.Encoding('utf-8', 0))); "
            "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0].split()[1]; "
            "print(n, int(hwm) // 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.split()
    assert out[0] == "2"
    assert int(out[1]) < 60  # MB: the interpreter plus a few MiB of line, never the whole 50 MB line
