"""Folder imports list what they could not look into, with why, instead of passing over it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.domain import timeutil
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database

LOG = "2026-12-01 10:00:00 ERROR trunk 3 down\n2026-12-01 10:00:05 INFO trunk 3 up\n"


def _bundle(tmp_path: Path) -> Path:
    top = tmp_path / "bundle"
    (top / "pbx").mkdir(parents=True)
    (top / "pbx" / "pbx.log").write_text(LOG, encoding="utf-8")
    os.symlink(top, top / "pbx" / "back-to-top")  # a loop
    os.symlink(top / "gone.log", top / "dangling.log")  # a link to nothing
    return top


def test_loops_and_broken_links_are_listed_and_each_log_read_once(tmp_path: Path) -> None:
    top = _bundle(tmp_path)
    with Database.open(tmp_path / "l.db") as db:
        results = import_paths(db, [top], ImportOptions(zone=timeutil.UTC))
        assert db.scalar("SELECT count(*) FROM events") == 2  # pbx.log once, not again through the loop
    by_status: dict[str, list[str]] = {}
    for r in results:
        by_status.setdefault(r.status, []).append(r.message)
    assert len(by_status["complete"]) == 1
    skipped = " | ".join(by_status["skipped"])
    assert "back-to-top: skipped, a link back to a folder already read (a loop)" in skipped
    assert "dangling.log: skipped, a link to nothing (broken link)" in skipped


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_is_listed(tmp_path: Path) -> None:
    top = _bundle(tmp_path)
    locked = top / "locked"
    locked.mkdir()
    (locked / "x.log").write_text(LOG, encoding="utf-8")
    locked.chmod(0)
    try:
        with Database.open(tmp_path / "l.db") as db:
            results = import_paths(db, [top], ImportOptions(zone=timeutil.UTC))
        assert any(r.status == "skipped" and "locked" in r.message and "cannot be read" in r.message
                   for r in results)
    finally:
        locked.chmod(0o755)
