"""Opening a ledger read-only on purpose (``--read-only``, File ▸ Open read-only…): the auditor's view.

A local file cannot enforce roles (anyone who can copy it can write the copy); this is the honest
part: the app opens it read-only, every write is refused by SQLite itself, and the file is not touched.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from app.store import db_connect
from app.store.database import Database


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ledger(tmp_path: Path, run_cli: Any) -> Path:
    path = tmp_path / "ledger.db"
    log = tmp_path / "app.log"
    log.write_text("".join(f"2026-12-01T10:{i:02d}:00Z web01 app[1]: ERROR payment step {i} failed\n"
                           for i in range(30)), encoding="utf-8")
    assert run_cli("--db", path, "import", log).returncode == 0
    assert run_cli("--db", path, "incident", "add", "--title", "Payments failing", "--type", "application",
                   "--impact", "2", "--urgency", "2").returncode == 0
    return path


def test_read_only_reads_and_refuses_every_write_leaving_the_file_as_it_was(ledger: Path, run_cli: Any,
                                                                             tmp_path: Path) -> None:
    before = _sha(ledger)
    ro = ("--db", ledger, "--read-only")
    body = tmp_path / "fix.md"
    body.write_text("## Resolution\nRestart the gateway\n", encoding="utf-8")
    listed = run_cli(*ro, "events", "--search", "payment", "-o", "json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 30
    assert run_cli(*ro, "stats").returncode == 0
    reported = run_cli(*ro, "report", tmp_path / "audit.xlsx")  # auditors get their report, said to be unrecorded
    assert reported.returncode == 0 and "NOT recorded in the audit trail" in reported.stdout
    assert (tmp_path / "audit.xlsx").is_file()
    for write in (("incident", "add", "--title", "x", "--type", "error", "--impact", "2", "--urgency", "2"),
                  ("incident", "update", "INC-000001", "--status", "in-progress"),
                  ("import", "--force", tmp_path / "app.log"),
                  ("kb", "add", "--title", "How to fix it", "--body-file", body),
                  ("retention", "set", "debug", "7")):
        done = run_cli(*ro, *write)
        assert done.returncode != 0, write
        assert "read-only" in done.stderr and "Traceback" not in done.stderr, (write, done.stderr)
    assert _sha(ledger) == before
    missing = run_cli("--db", tmp_path / "nope.db", "--read-only", "import", tmp_path / "app.log")
    assert missing.returncode != 0 and not (tmp_path / "nope.db").exists()
    writable = run_cli("--db", ledger, "incident", "add", "--title", "y", "--type", "error", "--impact", "3",
                       "--urgency", "3")
    assert writable.returncode == 0  # without --read-only it is the usual writable file


def test_file_open_read_only_gives_the_auditors_window(qtbot, ledger: Path, db: Database,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from app.ui.application import WindowManager

    manager = WindowManager(dt.UTC)
    assert manager.open(Path(db.path))
    window = manager.window
    assert window is not None and not window.session.db.read_only
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(ledger), ""))
    before = _sha(ledger)
    try:
        window.action_set.action("open-read-only").trigger()
        qtbot.waitUntil(lambda: manager.window is not window, timeout=10_000)
        auditor = manager.window
        assert auditor is not None and auditor.session.db.read_only
        assert auditor.windowTitle().endswith("(read-only)")
        assert not auditor.action_set.action("import").isEnabled()
        assert not auditor.action_set.action("backup").isEnabled()
        assert _sha(ledger) == before
        # Opened again the usual way, it is writable.
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(ledger), ""))
        auditor.action_set.action("open-database").trigger()
        qtbot.waitUntil(lambda: manager.window is not auditor, timeout=10_000)
        assert manager.window is not None and not manager.window.session.db.read_only
    finally:
        db_connect.ask_read_only(ledger, False)
        manager.close()
