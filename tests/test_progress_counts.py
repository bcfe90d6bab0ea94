"""Progress carries its counts as fields: the import's consumers never parse them out of the display text."""

from __future__ import annotations

import time
from pathlib import Path

from app.domain import timeutil
from app.domain.jobs import Progress, ProgressUpdate
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database
from app.ui.import_dialog import ImportDialog
from app.ui.session import Session

DATA = Path(__file__).parent / "data" / "ingest"


class _Updates(Progress):
    """Keeps every structured update the import sends."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[ProgressUpdate] = []

    def update(self, update: ProgressUpdate) -> None:
        self.seen.append(update)


def test_an_import_reports_lines_events_rejected_and_files_as_fields(db: Database) -> None:
    files = [DATA / "syslog.log", DATA / "rfc5424.log"]
    progress = _Updates()
    results = import_paths(db, files, ImportOptions(zone=timeutil.UTC), progress=progress)
    assert [r.ok for r in results] == [True, True]
    total = sum(f.stat().st_size for f in files)
    for number, result in enumerate(results, start=1):
        last = [u for u in progress.seen if u.file == number][-1]
        assert (last.lines, last.events, last.rejected) == (result.read, result.accepted, result.rejected)
        assert last.files == 2 and last.unit == "bytes" and last.total == total
    assert results[0].rejected == 1 and results[1].rejected == 1  # both files count something to report
    assert progress.seen[-1].done == total


def test_the_import_dialog_status_comes_from_the_counts_not_the_text(qtbot, db: Database) -> None:
    dialog = ImportDialog(Session(db, timeutil.UTC), None)
    qtbot.addWidget(dialog)
    dialog._progress(ProgressUpdate(2048, 4096, text="", unit="KiB", lines=1234, events=1200, rejected=3,
                                    file=1, files=1))
    assert dialog.status.text().startswith("2.0 of 4.0 MiB · 1,234 lines · ")
    assert dialog.progress.value() == 2048 and dialog.progress.maximum() == 4096


def test_lines_per_second_start_afresh_with_the_next_file_even_after_a_short_one(qtbot, db: Database) -> None:
    dialog = ImportDialog(Session(db, timeutil.UTC), None)
    qtbot.addWidget(dialog)
    dialog._progress(ProgressUpdate(1, 100, unit="KiB", lines=10, file=1, files=2))  # a short first file
    time.sleep(0.2)
    dialog._progress(ProgressUpdate(50, 100, unit="KiB", lines=5000, file=2, files=2))  # more lines than it had
    rate = int(dialog.status.text().split(" · ")[-1].removesuffix(" lines/s").replace(",", ""))
    assert rate > 100_000  # timed from the second file's start, not from the first's (at most 25,000)
