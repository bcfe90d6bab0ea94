"""A mistyped --db is refused, not taken for a new, empty ledger (issue #14, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fault_helpers import run_python

DATA = Path(__file__).parent / "data" / "ingest"

# Every command that only reads or changes an existing ledger.
READERS = [
    ("stats",), ("events",), ("verify",), ("imports",), ("rejects", "1"), ("incidents",), ("incident", "show", "1"),
    ("sla",), ("sla", "--policies"), ("views", "list"), ("import-rules",),
    ("incidents", "import", str(DATA / "syslog.log"), "--dry-run"),
]


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_commands_refuse_a_missing_database(  # type: ignore[no-untyped-def]
        run_cli, tmp_path: Path, command: tuple[str, ...]) -> None:
    mistyped = tmp_path / "ledgr" / "ledger.db"
    r = run_cli("--db", mistyped, *command)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"{mistyped}: no such database" in r.stderr
    assert "Traceback" not in r.stderr
    assert not mistyped.parent.exists()  # neither the file nor its folder was made


def test_only_commands_that_add_data_create_the_database(  # type: ignore[no-untyped-def]
        run_cli, tmp_path: Path) -> None:
    mistyped = tmp_path / "typo.db"
    r = run_cli("verify", env={"ISSUE_LEDGER_DB": str(mistyped)})  # $ISSUE_LEDGER_DB is checked like --db
    assert r.returncode == 2 and f"{mistyped}: no such database" in r.stderr
    assert "database: ok" not in r.stdout and not mistyped.exists()
    added = tmp_path / "new" / "incidents.db"
    r = run_cli("--db", added, "incident", "add", "--title", "VPN down", "--type", "network", "--impact", "1",
                "--urgency", "1")
    assert r.returncode == 0, r.stderr
    imported = tmp_path / "new" / "logs.db"
    assert run_cli("--db", imported, "import", DATA / "syslog.log", "--year", "2026").returncode == 0
    assert run_cli("--db", imported, "stats").returncode == 0
    assert json.loads(run_cli("--db", added, "incidents", "-o", "json").stdout)[0]["title"] == "VPN down"
    assert run_cli("--db", added, "verify").returncode == 0


# Starts the window through the real entry point and answers the question box (object name
# "create-database-question") with argv[1]; a window that opens is closed and the app quit.
_ANSWER_AND_CLOSE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
from app.ui.application import make_app
from app.ui.main_window import MainWindow

app = make_app()
answer = QMessageBox.StandardButton.Yes if sys.argv[1] == "yes" else QMessageBox.StandardButton.No

closed = []

def tick():
    box = app.activeModalWidget()
    if isinstance(box, QMessageBox) and box.objectName() == "create-database-question":
        print("asked:", box.text(), flush=True)
        box.button(answer).click()
    for w in app.topLevelWidgets():
        if isinstance(w, MainWindow) and w.isVisible():
            print("window:", w.windowTitle(), flush=True)
            w.close()
            closed.append(w)
    if closed:
        app.quit()  # again on every tick: a quit before the event loop started is not remembered

timer = QTimer()
timer.timeout.connect(tick)
timer.start(100)
from app.cli.main import main
main(["--db", sys.argv[2]])
"""


@pytest.mark.parametrize("answer", ["no", "yes"])
def test_window_asks_before_creating_a_database(tmp_path: Path, answer: str) -> None:
    path = tmp_path / "ledgr" / "ledger.db"
    r = run_python(_ANSWER_AND_CLOSE, answer, path, timeout=90)
    assert r.returncode == 0, r.stderr
    assert f"asked: Create a new database at {path}?" in r.stdout
    assert "Traceback" not in r.stderr
    if answer == "no":
        assert not path.parent.exists() and "window:" not in r.stdout
    else:
        assert path.is_file() and "window: Issue Ledger — ledger.db" in r.stdout
