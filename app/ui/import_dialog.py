"""File ▸ Import…: pick logs, see the detected format and the first parsed rows, import in a worker.

Signals:
    imported(object): the list of FileResult after a finished (or cancelled) run.
    preview_shown(object): the Path whose preview (rows, or why there are none) the dialog now shows.
    define_opened(object): the DefineFormatDialog opened on the chosen file's first lines.
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress, ProgressUpdate, Relay
from app.ui import workers
from app.ui.db_ops import DbOp
from app.ui.define_format_dialog import DefineFormatDialog
from app.ui.import_models import preview_model
from app.ui.import_options import ImportOptionsForm, MappingEditor
from app.ui.session import Session

if TYPE_CHECKING:
    from app.store.database import Database

log = logging.getLogger("issue_ledger.ui.import")

PREVIEW_DELAY_MS = 300  # after the last keystroke, so a half-typed path is not read at every key
FIT_MAX_FRACTION = 0.2  # a short column sized to its contents never takes more of the width than this


@dataclass(frozen=True)
class _NoPreview:
    """Why a typed path has no rows yet: not an error, the user may still be typing."""

    text: str


def _in_kib(update: ProgressUpdate) -> ProgressUpdate:
    """The bar counts KiB: Qt's int is 32-bit, and a day of logs is more bytes than that."""
    return replace(update, done=update.done // 1024, total=max(update.total // 1024, 1), unit="KiB")


def _why_no_preview(message: str) -> str:
    """The failure as the label shows it: a refused file's lines and its ways out, one per line."""
    text = html.escape(message).replace("\n", "<br>").replace("    ", "&nbsp;&nbsp;&nbsp;&nbsp;")
    if "no time stamp found" in message:
        return (f"<span style='color:#b45309'>{text}</span><br>Here: choose <i>Lines without a time stamp</i> "
                "above, or define the file's format.")
    return f"Cannot preview: {text}"


class ImportDialog(QDialog):
    imported = Signal(object)
    preview_shown = Signal(object)
    define_opened = Signal(object)

    def __init__(self, session: Session, paths: list[Path] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Import logs")
        self.resize(1000, 680)
        self.task: workers.Task | None = None
        self._preview_task: workers.Task | None = None
        self._preview_generation = 0  # results of older previews are stale and dropped
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._preview_typed)
        self._started = 0.0
        self._file: int | None = None  # the file of the import that the lines/s count

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Files or folders to import (drop them on the window, or browse)")
        self.path_edit.textEdited.connect(self._path_edited)
        self.path_edit.returnPressed.connect(self.refresh_preview)
        self.path_edit.editingFinished.connect(self._preview_if_pending)
        files_button = QPushButton("Files…")
        files_button.clicked.connect(self.choose_files)
        folder_button = QPushButton("Folder…")
        folder_button.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(files_button)
        row.addWidget(folder_button)

        self.options = ImportOptionsForm(session.zone)
        self.options.changed.connect(self.refresh_preview)
        self.options.define_requested.connect(self.define_format)
        self.define_dialog: DefineFormatDialog | None = None
        self.mapping = MappingEditor()
        self.mapping.changed.connect(self.refresh_preview)
        self.mapping_box = QGroupBox("Columns / fields (CSV, JSON)")
        box_layout = QVBoxLayout(self.mapping_box)
        box_layout.addWidget(self.mapping)
        self.mapping_box.setVisible(False)

        self.detected_label = QLabel("Choose a file to see its format.")
        self.detected_label.setObjectName("detected-format")
        self.detected_label.setTextFormat(Qt.TextFormat.RichText)  # its texts are escaped HTML, tags or not
        self.detected_label.setWordWrap(True)
        self.tie_bar = QWidget()
        tie_layout = QHBoxLayout(self.tie_bar)
        tie_layout.setContentsMargins(0, 0, 0, 0)
        self.tie_label = QLabel()
        self.tie_label.setWordWrap(True)
        tie_layout.addWidget(self.tie_label, 1)
        self.tie_buttons: list[QPushButton] = []
        for _ in range(2):
            button = QPushButton()
            button.clicked.connect(lambda _c=False, b=button: self.options.select_format(b.property("format")))
            tie_layout.addWidget(button)
            self.tie_buttons.append(button)
        self.tie_bar.setVisible(False)
        self.preview = preview_model(session.zone, self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview)
        self.preview_view.setWordWrap(False)  # one line a row; the full message is in the tooltip
        self.preview_view.verticalHeader().setVisible(False)
        header = self.preview_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(self._message_column(), QHeaderView.ResizeMode.Stretch)
        self._fit_short_columns()

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.results = QPlainTextEdit()
        self.results.setReadOnly(True)
        self.results.setMaximumHeight(90)
        self.results.setVisible(False)

        self.buttons = QDialogButtonBox()
        # ActionRole, not AcceptRole: the box would make an accept button the default, clicked by Enter
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton("Cancel import", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.options)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.detected_label)
        layout.addWidget(self.tie_bar)
        layout.addWidget(self.preview_view, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        layout.addWidget(self.buttons)
        for button in self.findChildren(QPushButton):  # only once the layout has made them children
            button.setAutoDefault(False)  # else Enter in the path field clicks Import: only a click imports
        if paths:
            self.set_paths(paths)

    # -- choosing ----------------------------------------------------------------
    def paths(self) -> list[Path]:
        return [Path(p.strip()) for p in self.path_edit.text().split(";") if p.strip()]

    def set_paths(self, paths: list[Path]) -> None:
        self.path_edit.setText("; ".join(str(p) for p in paths))
        self.refresh_preview()

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Logs to import", str(Path.home()),
                                                "Logs (*.log *.txt *.csv *.tsv *.json *.jsonl *.evtx *.xml *.gz "
                                                "*.zip);;All files (*)")
        if names:
            self.set_paths([Path(n) for n in names])

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Folder of logs", str(Path.home()))
        if name:
            self.set_paths([Path(name)])

    # -- preview -----------------------------------------------------------------
    def _path_edited(self, _text: str) -> None:
        self._preview_timer.start()  # restarts: the preview waits until the user pauses

    def _preview_if_pending(self) -> None:
        if self._preview_timer.isActive():  # focus left before the pause ended
            self.refresh_preview()

    def _preview_typed(self) -> None:
        self.refresh_preview(folders=False)

    def refresh_preview(self, folders: bool = True) -> None:
        """Preview the first path in a worker; a newer request makes the older ones stale.

        A folder is read only when asked for (Enter, Folder…, a drop): a pause while typing ``/`` or
        ``/home`` must not start a walk through every file below it.
        """
        self._preview_timer.stop()
        self._preview_generation += 1
        generation = self._preview_generation
        paths = self.paths()
        self.import_button.setEnabled(bool(paths) and self.task is None)
        if not paths:
            self._show_no_preview(generation, None, _NoPreview("Choose a file to see its format."))
            return
        options = self.options.options(self.mapping.mapping())
        first = paths[0]
        names = ", ".join(p.name or str(p) for p in paths)
        db_path = self.session.db_path

        def work(db: Database, _progress: Progress) -> Any:
            if not first.exists():
                return _NoPreview(f"Nothing at <b>{html.escape(str(first))}</b> yet: finish the path, or browse.")
            if first.is_dir() and not folders:
                return _NoPreview(f"<b>{html.escape(str(first))}</b> is a folder: press Enter to preview "
                                  "its first log.")
            from app.ingest.formats.base import Reject
            from app.ingest.service import preview

            try:
                return preview(db, first, options)
            except Reject as exc:  # a refused file is an answer, not a failure: it says why and what to do
                return _NoPreview(_why_no_preview(str(exc)))

        self.detected_label.setText(f"Reading {html.escape(first.name or str(first))}…")
        self._preview_task = DbOp(
            self, db_path, work, on_success=lambda result: self._show_preview(generation, first, names, result),
            on_failure=lambda message, _details: self._show_no_preview(
                generation, first, _NoPreview(_why_no_preview(message)))).run_in_background()

    def _show_preview(self, generation: int, first: Path, names: str, result: Any) -> None:
        if isinstance(result, _NoPreview):
            self._show_no_preview(generation, first, result)
            return
        if generation != self._preview_generation:
            return
        self.detected_label.setText(f"Format: <b>{html.escape(result.format)}</b> {html.escape(self._describe(result))}"
                                    f" ({result.encoding}) — first {len(result.rows)} rows of {html.escape(names)}")
        self._ask_on_tie(result)
        self.preview.set_rows(result.rows)
        self._fit_short_columns()
        self.mapping_box.setVisible(result.format in ("csv", "json", "journal"))
        self.mapping.set_columns(result.columns, result.mapping)
        self.preview_shown.emit(first)

    def _describe(self, result: Any) -> str:
        from app.ingest.service import detection_detail

        found = result.detection.as_dict() if result.detection is not None else None
        return detection_detail(found, result.format)

    def _ask_on_tie(self, result: Any) -> None:
        """Two formats read the sample equally well: the user says which (the format picker stays in charge)."""
        found = result.detection
        tied = found is not None and found.tie and self.options.format_combo.currentData() is None
        self.tie_bar.setVisible(tied)
        if not tied:
            return
        a, b = found.candidates[0], found.candidates[1]
        self.tie_label.setText(f"<b>{a.format}</b> and <b>{b.format}</b> both read {a.lines} of {found.sampled} "
                               "sample lines. Which is this file?")
        for button, cand in zip(self.tie_buttons, (a, b)):
            button.setText(f"Use {cand.format}")
            button.setProperty("format", cand.format)

    def _show_no_preview(self, generation: int, first: Path | None, why: _NoPreview) -> None:
        if generation != self._preview_generation:
            return
        self.tie_bar.setVisible(False)
        self.detected_label.setText(why.text)
        self.preview.set_rows([])
        self.mapping_box.setVisible(False)
        if first is not None:
            self.preview_shown.emit(first)

    def _message_column(self) -> int:
        return [key for key, _header, _fmt in self.preview.columns].index("message")

    def _fit_short_columns(self) -> None:
        """Size every column but Message to its contents (capped); Message stretches over the rest."""
        widest = max(int(self.preview_view.viewport().width() * FIT_MAX_FRACTION), 120)
        for column in range(self.preview.columnCount()):
            if column != self._message_column():
                self.preview_view.resizeColumnToContents(column)
                if self.preview_view.columnWidth(column) > widest:
                    self.preview_view.setColumnWidth(column, widest)

    # -- defining a format by example -------------------------------------------
    def define_format(self) -> None:
        """Open Define format… on the first lines of the first chosen file (read in a worker)."""
        paths = self.paths()
        first = paths[0] if paths else None
        if first is None or not first.exists():
            self.detected_label.setText("Choose a log file first: Define format… shows its lines.")
            return
        options = self.options.options(self.mapping.mapping())

        def work(_progress: Progress) -> Any:
            from app.ingest.service import sample

            return sample(first, options)

        self.options.define_button.setEnabled(False)
        workers.start(work, parent=self, on_success=lambda result: self._open_define(result, options.zone_name),
                      on_failure=self._define_failed)

    def _open_define(self, result: Any, zone_name: str) -> None:
        self.options.define_button.setEnabled(True)
        lines, context = result
        dialog = DefineFormatDialog(lines, context, zone_name, self)
        dialog.saved.connect(self._format_defined)
        dialog.finished.connect(lambda _result: setattr(self, "define_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.define_dialog = dialog
        dialog.open()
        self.define_opened.emit(dialog)

    def _define_failed(self, message: str, _details: str) -> None:
        self.options.define_button.setEnabled(True)
        self.detected_label.setText(f"Cannot read the file's lines: {html.escape(message)}")

    def _format_defined(self, name: str, path: Path) -> None:
        self.status.setText(f"Saved format {name} to {path}.")
        self.options.select_format(name)

    # -- importing ---------------------------------------------------------------
    def start_import(self) -> None:
        paths = self.paths()
        if not paths or self.task is not None:
            return
        options = self.options.options(self.mapping.mapping())
        db_path = self.session.db_path

        def work(db: Database, progress: Progress) -> Any:
            from app.ingest.service import import_paths

            return import_paths(db, paths, options, progress=Relay(progress, _in_kib))

        self._started = time.perf_counter()
        self._file = None
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText("Importing…")
        self.import_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.task = DbOp(self, db_path, work, on_success=self._finished, on_failure=self._failed,
                         on_progress=self._progress, on_cancel=self._cancelled).run_in_background()

    def _progress(self, update: ProgressUpdate) -> None:
        """The bar and the status line, from the update's counts (its text is not read)."""
        done, total, lines = update.done, update.total, update.lines or 0
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        if update.file != self._file:
            if self._file is not None:
                self._started = time.perf_counter()  # the next file began: its lines/s start afresh
            self._file = update.file
        rate = lines / max(time.perf_counter() - self._started, 1e-6)
        self.status.setText(f"{done / 1024:,.1f} of {total / 1024:,.1f} MiB · {lines:,} lines · {rate:,.0f} lines/s")

    def cancel_import(self) -> None:
        if self.task is not None:
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            self.task.cancel()

    def _done(self) -> None:
        self.task = None
        self.cancel_button.setEnabled(False)
        self.import_button.setEnabled(bool(self.paths()))
        self.progress.setVisible(False)

    def _finished(self, results: list[Any]) -> None:
        self._done()
        self._show_results(results)
        if any(r.status == "cancelled" for r in results):
            self.status.setText("Cancelled: nothing from the file being read was kept.")
        if any(r.ok for r in results):
            self.session.data_changed.emit()
        self.imported.emit(results)

    def _show_results(self, results: list[Any]) -> None:
        lines = []
        for r in results:
            if r.ok:
                read = (f"{r.read:,} new lines ({r.already:,} already imported)" if r.continues
                        else f"{r.read:,} lines")
                lines.append(f"✓ {r.file}: {r.format}, {read}, {r.accepted:,} events, "
                             f"{r.continuation:,} continuation, {r.rejected:,} rejected")
            elif r.status == "skipped":
                lines.append(f"– {r.message}")
            else:
                lines.append(f"✗ {r.message}")
        ok = sum(r.ok for r in results)
        skipped = sum(r.status == "skipped" for r in results)
        left_out = f"; {skipped} not a log, left out" if skipped else ""
        self.status.setText(f"Imported {ok} of {len(results) - skipped} file(s){left_out}.")
        self.results.setPlainText("\n".join(lines))
        self.results.setVisible(True)

    def _failed(self, message: str, details: str) -> None:
        self._done()
        self.status.setText(f"Import failed: {message}")
        log.warning("import failed: %s\n%s", message, details)

    def _cancelled(self) -> None:
        self._done()
        self.status.setText("Cancelled: nothing from the file being read was kept.")

    def reject(self) -> None:
        if self.task is not None:
            self.cancel_import()
            self.task.signals.finished.connect(super().reject, Qt.ConnectionType.QueuedConnection)
            return
        super().reject()
