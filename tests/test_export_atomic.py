"""Every export: the file and its audit row appear together or not at all, and what a killed export leaves
behind is cleaned by the next one."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.domain.jobs import Progress
from app.store.database import Database, UserFacingStoreError

# (CLI arguments, file name) for every export path of the command line
CLI_EXPORTS = [
    (("report",), "report.xlsx"),
    (("export", "events"), "events.csv"),
    (("export", "incidents"), "incidents.csv"),
    (("export", "itsm"), "servicenow.csv"),
    (("export", "itsm", "--flavour", "jira"), "jira.csv"),
]


def _export_rows(path: Path) -> list[dict[str, Any]]:
    with Database.open(path) as db:
        return [json.loads(r["new"]) for r in db.rows("SELECT new FROM audit_log WHERE action = 'export'")]


def _export_on_own_connection(path: Path, out: Path) -> Any:
    """The window's export, on a connection of its own as in a worker thread."""
    from app.ui.export_dialog import run_export

    with Database.open(path) as db:
        return run_export(db, "xlsx", out, Filter(), timeutil.UTC, True, Progress())


def _dead_pid() -> int:
    """The id of a process that has finished (not reused this soon in practice)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def test_no_export_leaves_a_file_without_its_audit_row(run_cli, demo_db: Database, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A second connection holds the write lock past the writers' wait while every export runs."""
    monkeypatch.setenv("ISSUE_LEDGER_WRITE_WAIT", "3")
    path = demo_db.path
    demo_db.close()
    out = tmp_path / "out"
    out.mkdir()
    (out / "events.csv").write_text("the file a user had before\n", encoding="utf-8")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with ThreadPoolExecutor(len(CLI_EXPORTS) + 1) as pool:
            runs = [pool.submit(run_cli, "--db", path, *args, out / name) for args, name in CLI_EXPORTS]
            gui = pool.submit(_export_on_own_connection, path, out / "window.xlsx")
            results = [r.result() for r in runs]
            gui_error = gui.exception()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert sorted(os.listdir(out)) == ["events.csv"]  # no new file and no .part
    assert (out / "events.csv").read_text(encoding="utf-8") == "the file a user had before\n"
    assert _export_rows(path) == []
    for (args, name), r in zip(CLI_EXPORTS, results):
        lines = [x for x in r.stderr.strip().splitlines() if not x.startswith("waiting for")]
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert len(lines) == 1 and "Traceback" not in r.stderr, (args, r.stderr)
        assert f"{name}: not written: the audit trail could not record it" in lines[0], lines[0]
        assert "still holds the database" in lines[0] and "no file was kept" in lines[0]
    assert isinstance(gui_error, UserFacingStoreError) and "could not record it" in str(gui_error)
    done = run_cli("--db", path, "export", "events", out / "events.csv")
    assert done.returncode == 0, done.stderr
    [row] = _export_rows(path)
    assert row["sha256"] in done.stdout and (out / "events.csv").read_text(encoding="utf-8-sig").startswith("id,")


def test_stale_part_files_are_removed_by_the_next_export(run_cli, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("--db", db_path, "incident", "add", "--title", "x", "--type", "system", "--impact", "2",
                   "--urgency", "2").returncode == 0
    dead, alive = _dead_pid(), os.getpid()
    stale = [tmp_path / f".events.csv.{dead}.part", tmp_path / f".report.xlsx.{dead}.part",
             tmp_path / f".report.xlsx.{dead}.old.part"]
    kept = [tmp_path / f".report.xlsx.{alive}.part", tmp_path / f".notes.txt.{dead}.part"]
    for p in stale + kept:
        p.write_bytes(b"\0" * 65536)
    done = run_cli("--db", db_path, "export", "incidents", tmp_path / "incidents.csv")
    assert done.returncode == 0, done.stderr
    assert not [p for p in stale if p.exists()] and all(p.exists() for p in kept)


def _temp_root() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "issue-ledger" / "export-temp"


def test_stale_workbook_temporary_files_are_removed_by_the_next_report(run_cli, new_db_path: Path,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    dead_folder = _temp_root() / str(_dead_pid())
    live_folder = _temp_root() / str(os.getpid())
    for folder in (dead_folder, live_folder):
        folder.mkdir(parents=True)
        (folder / "openpyxl.k3j2h1").write_bytes(b"<row/>" * 10000)
    done = run_cli("--db", new_db_path, "report", tmp_path / "report.xlsx")
    assert done.returncode == 0, done.stderr
    assert not dead_folder.exists() and (live_folder / "openpyxl.k3j2h1").exists()


def test_workbook_temporary_files_go_to_the_apps_own_folder(demo_db: Database, tmp_path: Path) -> None:
    from app.reports.workbook import export_workbook

    folder = _temp_root() / str(os.getpid())
    seen: list[tuple[str, list[str]]] = []

    class Watch(Progress):
        def report(self, done: int, total: int, text: str = "") -> None:
            if text == "saving the workbook":
                seen.append((tempfile.gettempdir(), sorted(os.listdir(folder))))

    before = tempfile.tempdir
    export_workbook(demo_db, tmp_path / "report.xlsx", Filter(), timeutil.UTC, progress=Watch())
    [(tempdir, names)] = seen
    assert tempdir == str(folder)
    assert len(names) >= 5 and all(n.startswith("openpyxl.") for n in names)  # one per sheet
    assert tempfile.tempdir == before and not folder.exists()  # put back, and nothing left behind


@pytest.mark.skipif(sys.platform == "win32", reason="kills with SIGKILL")
def test_a_killed_report_leaves_its_temporary_files_where_the_next_report_removes_them(  # type: ignore[no-untyped-def]
        run_cli, demo_db: Database, tmp_path: Path) -> None:
    import signal
    import time

    demo_db.close()
    killed = subprocess.Popen([sys.executable, "-m", "app", "--db", str(demo_db.path), "report",
                               str(tmp_path / "report.xlsx")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = _temp_root() / str(killed.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and killed.poll() is None:
        if folder.is_dir() and any(n.startswith("openpyxl.") for n in os.listdir(folder)):
            break
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert killed.returncode == -signal.SIGKILL, "the report finished before it could be killed"
    assert any(n.startswith("openpyxl.") for n in os.listdir(folder))  # in the app's folder, not the system's
    done = run_cli("--db", demo_db.path, "report", tmp_path / "again.xlsx")
    assert done.returncode == 0, done.stderr
    assert not folder.exists() and not list(tmp_path.glob(".report.xlsx.*.part"))
