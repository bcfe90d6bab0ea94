"""File ▸ Back up… in the window: the online copy made in a worker, its manifest, audit row and status line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.store import backup as backups
from app.store.database import Database
from app.ui.backup_run import suggested_path
from tests.window_helpers import open_window


def test_back_up_copies_the_open_database_and_says_where(qtbot, demo_db: Database, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "copies" / "ledger-copy.db"
    out.parent.mkdir()
    asked: list[str] = []

    def save_as(_parent, _title, suggested, _filter):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window = open_window(qtbot, demo_db)
    action = window.action_set.action("backup")
    assert action.isEnabled() and action.text() == "&Back up…"
    action.trigger()
    run = window.backup_run
    with qtbot.waitSignal(run.finished, timeout=60_000) as done:
        pass
    manifest = done.args[0]
    assert isinstance(manifest, backups.BackupManifest)
    assert Path(asked[0]).parent == Path(demo_db.path).parent and "-backup-" in Path(asked[0]).name
    events = demo_db.scalar("SELECT count(*) FROM events")
    assert manifest.events == events and out.is_file()
    on_disk = json.loads(backups.manifest_path(out).read_text())
    assert on_disk["sha256"] == manifest.sha256
    with Database.open(out, create=False) as copy:
        assert copy.scalar("SELECT count(*) FROM events") == events
    assert window.statusBar().currentMessage().startswith(f"Backed up to {out}: {events:,} events")
    assert demo_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'backup'") == 1


def test_a_backup_that_cannot_be_written_says_why_and_leaves_nothing(qtbot, db: Database, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "no such folder" / "copy.db"
    warned: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(out), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    window = open_window(qtbot, db)
    window.action_set.action("backup").trigger()
    with qtbot.waitSignal(window.backup_run.finished, timeout=30_000) as done:
        pass
    assert done.args == [None] and not out.parent.exists()
    assert "give a file name in an existing folder" in warned[0] and "No backup file was written" in warned[0]


def test_the_suggested_name_sits_beside_the_database_and_sorts_by_time() -> None:
    import datetime as dt

    at = dt.datetime(2026, 12, 2, 19, 5)
    assert suggested_path(Path("/data/ledger.db"), at) == Path("/data/ledger-backup-20261202-1905.db")
