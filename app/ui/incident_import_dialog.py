"""Importing an incident log from the window: pick a file, correct the column guess, preview, apply.

Values no rule knows are listed with pickers (saved with the profile), and the
rejected rows can be skipped: the good rows import and the bad ones are kept in
the import's record, as ``incidents import --skip-invalid`` does.

Reading, planning and applying run in workers on their own connection; the plan
is the same one ``issue-ledger incidents import --dry-run`` prints. The path can
be typed or pasted as well as chosen; even the check that it exists runs in a
worker, since a path on an unreachable share can stall.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress
from app.domain.vocab import LOG_TYPES
from app.ingest.incidents.apply import ImportResult
from app.ingest.incidents.columns import IMPORT_FIELDS
from app.ingest.incidents.plan import ImportOptions, ImportPlan
from app.store.database import Database, UserFacingStoreError
from app.ui import theme, workers
from app.ui.db_ops import DbOp
from app.ui.incident_value_map import ValueMapTable
from app.ui.session import Session

IGNORE = "(leave out)"
T = TypeVar("T")
REPORT_COLUMNS = ("line", "key", "verdict", "status", "priority", "title", "reason")


def _item(text: Any) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as an incident log, in the user's words (None when it can)."""
    if path.is_dir():
        return f"{path} is a folder; give the path of a CSV or XLSX file."
    if not path.exists():
        return f"There is no file at {path}. Check the path, or use Choose file…"
    return None


class IncidentImportDialog(QDialog):
    """Signals:
        imported(int): incidents were created (how many).
    """

    imported = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Import incident log")
        self.resize(1000, 720)
        self.path: Path | None = None
        self.plan: ImportPlan | None = None
        self._tasks: list[workers.Task[Any]] = []
        self._importing = False
        self.file = QLineEdit()
        self.file.setObjectName("path")
        self.file.setPlaceholderText("Type or paste the path of a CSV or XLSX file (a BPO issue log, "
                                     "a ServiceNow export or a Jira CSV) and press Enter")
        self.file.returnPressed.connect(lambda: self._path_typed(again=True))
        self.file.editingFinished.connect(self._path_typed)
        browse = QPushButton("Choose file…")
        browse.clicked.connect(self.choose_file)
        self.profile = QComboBox()
        self.profile.setObjectName("profile")
        self.date_order = QComboBox()
        for label, value in (("decide from the column (day first if unsure)", None), ("day/month", "dmy"),
                             ("month/day", "mdy")):
            self.date_order.addItem(label, value)
        self.log_type = QComboBox()
        self.log_type.addItems(LOG_TYPES)
        self.log_type.setCurrentText("event")
        self.mapping = QTableWidget(0, 3)
        self.mapping.setObjectName("mapping")
        self.mapping.setHorizontalHeaderLabels(["Column", "First value", "Field"])
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.value_map = ValueMapTable()
        self.value_map.setVisible(False)
        self.value_map.changed.connect(self._values_changed)
        self.skip_invalid = QCheckBox("Skip rejected rows")
        self.skip_invalid.setObjectName("skipInvalid")
        self.skip_invalid.setToolTip("Import the good rows; the rejected ones are kept, with line and reason, in "
                                     "the import's record (issue-ledger incidents rejects ID)")
        self.skip_invalid.toggled.connect(lambda _on: self._enable_import())
        self.report = QTableWidget(0, len(REPORT_COLUMNS))
        self.report.setObjectName("report")
        self.report.setHorizontalHeaderLabels([c.capitalize() for c in REPORT_COLUMNS])
        self.report.horizontalHeader().setStretchLastSection(True)
        self.notes = QLabel()
        self.notes.setObjectName("notes")
        self.notes.setWordWrap(True)
        self.preview_button = QPushButton("Preview (dry run)")
        self.preview_button.setObjectName("preview")
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("import")
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText("profile name")
        self.save_profile_button = QPushButton("Save mapping as profile")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("close")
        self.close_button.setToolTip("Close without importing anything")
        self.close_button.clicked.connect(self.reject)
        for b in (self.preview_button, self.import_button, self.save_profile_button):
            b.setEnabled(False)
        self.preview_button.clicked.connect(self.preview)
        self.import_button.clicked.connect(self.apply)
        self.save_profile_button.clicked.connect(self.save_profile)
        self.profile.activated.connect(lambda _i: self._read_headers())

        top = QHBoxLayout()
        top.addWidget(self.file, 1)
        top.addWidget(browse)
        opts = QHBoxLayout()
        for label, w in (("Profile", self.profile), ("Dates", self.date_order), ("Log type if none", self.log_type)):
            opts.addWidget(QLabel(label))
            opts.addWidget(w)
        opts.addWidget(self.skip_invalid)
        opts.addStretch()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.mapping)
        split.addWidget(self.value_map)
        split.addWidget(self.report)
        buttons = QHBoxLayout()
        buttons.addWidget(self.profile_name)
        buttons.addWidget(self.save_profile_button)
        buttons.addStretch()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(opts)
        layout.addWidget(split, 1)
        layout.addWidget(self.notes)
        layout.addLayout(buttons)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter in the path field loads it; it must not press "Choose file…"
        self._load_profiles()

    # -- set-up ------------------------------------------------------------------
    def _load_profiles(self) -> None:
        from app.ingest.incidents.apply import profiles

        self.profile.clear()
        self.profile.addItem("(automatic)", None)
        for name in sorted(profiles(self.session.db)):
            self.profile.addItem(name, name)

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import incident log", str(Path.home()),
                                              "Incident logs (*.csv *.xlsx *.txt);;All files (*)")
        if name:
            self.load_file(Path(name))

    def _path_typed(self, again: bool = False) -> None:
        """Load the typed path: on leaving the field when it changed, on Enter always (the file may have)."""
        text = self.file.text().strip().strip('"')
        if not text:
            return
        path = Path(text).expanduser()
        if again or path != self.path:
            self.load_file(path)

    def load_file(self, path: Path) -> None:
        self.path = path
        self.plan = None
        self.file.setText(str(path))
        self.report.setRowCount(0)
        self.value_map.clear_choices()
        self._read_headers()

    def done(self, result: int) -> None:
        """Close without applying: stop reading or previewing; an import that started runs to its end."""
        if self._importing:
            self.notes.setText("Importing… the window can be closed once the import has finished.")
            return
        for task in self._tasks:
            task.cancel()
        super().done(result)

    def _base_options(self) -> ImportOptions:
        from app.ingest.incidents.apply import load_profile

        name = self.profile.currentData()
        options = load_profile(self.session.db, name) if name else ImportOptions()
        zone = self.session.zone
        options.zone = getattr(zone, "key", None) or ("UTC" if zone == dt.UTC else "local")
        return options

    def _run(self, fn: Callable[[Progress], T], done: Callable[[T], None]) -> None:
        """File work without the database (reading the headers)."""
        self._track(workers.start(fn, parent=self, on_success=done, on_failure=self._failed))

    def _run_on_db(self, op: Callable[[Database, Progress], T], done: Callable[[T], None]) -> None:
        self._track(DbOp(self, self.session.db_path, op, on_success=done, on_failure=self._failed).run_in_background())

    def _track(self, task: workers.Task[Any]) -> None:
        self.preview_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self._tasks.append(task)

    def _failed(self, message: str, _details: str) -> None:
        self._importing = False
        self.close_button.setEnabled(True)
        self.notes.setText(f"<span style='color:{theme.colour('error')}'>{message}</span>")
        self.preview_button.setEnabled(self.path is not None)

    def _read_headers(self) -> None:
        if self.path is None:
            return
        path, options = self.path, self._base_options()

        def work(_p: Progress) -> tuple[Path, str | None, list[str], list[Any], dict[int, str]]:
            from app.ingest.incidents.columns import apply_profile, auto_map
            from app.ingest.incidents.reader import read_table

            problem = _file_problem(path)
            if problem:
                return path, problem, [], [], {}
            table = read_table(path)
            first = table.rows[0] if table.rows else []
            return path, None, table.headers, first, apply_profile(table.headers, auto_map(table.headers),
                                                                    options.columns)

        self.notes.setText("Reading the file…")
        self._run(work, self._show_mapping)

    def _show_mapping(self, result: tuple[Path, str | None, list[str], list[Any], dict[int, str]]) -> None:
        path, problem, headers, first, mapping = result
        if path != self.path:
            return  # another path was given while this one was read
        if problem:
            self.path = None  # typing the same path again, once the file is there, reads it
            self.mapping.setRowCount(0)
            self.notes.setText(f"<span style='color:{theme.colour('error')}'>{problem}</span>")
            self.save_profile_button.setEnabled(False)
            return
        self.mapping.setRowCount(len(headers))
        for i, header in enumerate(headers):
            self.mapping.setItem(i, 0, _item(header))
            self.mapping.setItem(i, 1, _item(first[i] if i < len(first) else ""))
            box = QComboBox()
            box.addItem(IGNORE, None)
            for f in IMPORT_FIELDS:
                box.addItem(f, f)
            box.setCurrentIndex(max(0, box.findData(mapping.get(i))))
            self.mapping.setCellWidget(i, 2, box)
        self.mapping.resizeColumnsToContents()
        self.notes.setText(f"{len(headers)} columns; correct the fields if needed, then preview.")
        self.preview_button.setEnabled(True)
        self.save_profile_button.setEnabled(True)

    def options(self) -> ImportOptions:
        """What the dialog shows: the profile's settings with the column choices made here."""
        options = self._base_options()
        for row in range(self.mapping.rowCount()):
            box, header = self.mapping.cellWidget(row, 2), self.mapping.item(row, 0)
            assert isinstance(box, QComboBox) and header is not None  # each row is filled with both
            options.columns[header.text()] = box.currentData()
        if self.date_order.currentData():
            options.date_order = self.date_order.currentData()
        options.default_log_type = self.log_type.currentText()
        for field, maps in self.value_map.values().items():
            options.values[field] = {**options.values.get(field, {}), **maps}
        return options

    # -- actions -------------------------------------------------------------------
    def preview(self) -> None:
        path, options = self.path, self.options()
        assert path is not None

        def work(db: Database, _p: Progress) -> ImportPlan:
            from app.ingest.incidents.apply import plan_file

            return plan_file(db, path, options)

        self.notes.setText("Checking every row…")
        self._run_on_db(work, self._show_plan)

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        rows = plan.report_rows()
        self.report.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, key in enumerate(REPORT_COLUMNS):
                self.report.setItem(r, c, _item(row[key]))
        self.report.resizeColumnsToContents()
        self.value_map.show_unknown(plan.unknown_values())
        summary = (f"{plan.kind}: would create {len(plan.incidents)}, skip {len(plan.skipped)}, "
                   f"reject {len(plan.rejects)}.")
        if plan.unknown_values():
            summary += " Pick what the unknown values mean, then preview again."
        if plan.rejects:
            summary += (" Fix or map the rejected rows, or tick “Skip rejected rows” to import the others "
                        "and keep these in the import's record.")
        self.notes.setText("<br>".join([summary, *plan.notes]))
        self.preview_button.setEnabled(True)
        self._enable_import()

    def _enable_import(self) -> None:
        plan = self.plan
        ready = plan is not None and bool(plan.incidents) and (plan.ok or self.skip_invalid.isChecked())
        self.import_button.setEnabled(ready and not self._importing)

    def _values_changed(self) -> None:
        """A mapped value makes the preview stale: import only what has been checked."""
        self.plan = None
        self.import_button.setEnabled(False)
        self.notes.setText("Preview again to check the rows with the values mapped.")

    def apply(self) -> None:
        plan, skip = self.plan, self.skip_invalid.isChecked()
        assert plan is not None

        def work(db: Database, progress: Progress) -> ImportResult:
            from app.ingest.incidents.apply import apply_plan

            return apply_plan(db, plan, progress, skip_invalid=skip)

        self.notes.setText("Importing…")
        self._importing = True
        self.close_button.setEnabled(False)
        self._run_on_db(work, self._applied)

    def _applied(self, result: ImportResult) -> None:
        self._importing = False
        self.close_button.setEnabled(True)
        count = len(result.created)
        text = f"Imported {count} incident(s)."
        if result.rejected:
            text += (f" {result.rejected} rejected row(s) were left out and kept in import #{result.import_id} "
                     f"(issue-ledger incidents rejects {result.import_id}).")
        self.notes.setText(text)
        self.plan = None
        self.session.data_changed.emit()
        self.imported.emit(count)
        self.preview_button.setEnabled(True)

    def save_profile(self) -> None:
        from app.ingest.incidents.apply import save_profile

        name = self.profile_name.text().strip()
        if not name:
            self.notes.setText("Give the profile a name first.")
            return
        try:
            save_profile(self.session.db, name, self.options())
        except UserFacingStoreError as exc:  # an import kept writing past the window's wait: try again
            self.notes.setText(str(exc))
            return
        self._load_profiles()
        self.profile.setCurrentIndex(self.profile.findData(name))
        self.notes.setText(f"Saved profile {name!r}.")


def import_incidents(session: Session, parent: QWidget | None) -> IncidentImportDialog:
    """Show the import dialog (non-modal)."""
    dialog = IncidentImportDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
