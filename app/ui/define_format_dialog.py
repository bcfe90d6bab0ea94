"""Define format…: teach the importer a log's shape by marking the time (and level, host, component) in a line.

The dialog proposes a pattern and a time format from the marks, previews the first lines parsed exactly as
the import will parse them, and saves the format as an lnav format file in the user's formats folder.

Signals:
    saved(str, object): the format's name and the Path of the file written.
    preview_updated(): the preview (or the error shown instead) follows the current pattern and time format.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QIcon, QPixmap, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocab import SEVERITIES
from app.ingest import byexample, userformats
from app.ingest.formats import FORMATS
from app.ingest.formats.base import ParseContext
from app.ingest.lnav_format import FormatError
from app.ui.import_models import RowsModel

log = logging.getLogger("issue_ledger.ui.define_format")

PREVIEW_LINES = 20
FIELD_LABELS = {"timestamp": "Time", "level": "Level", "host": "Host", "component": "Component"}
MARK_COLOURS = {"timestamp": "#bfdbfe", "level": "#fde68a", "host": "#bbf7d0", "component": "#e9d5ff"}
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
ERROR_STYLE = "color: #b91c1c"
NOTE_STYLE = "color: #92400e"


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _when(row_value: Any) -> str:
    return row_value.replace("T", " ").rstrip("Z") if isinstance(row_value, str) else ""


def _severity(value: Any) -> str:
    return SEVERITIES[value] if isinstance(value, int) else ""


def preview_rows_model(parent: QWidget | None = None) -> RowsModel:
    """Severity beside the level word: the user sees at once how each word will be counted."""
    return RowsModel([("line", "Line", _cell), ("time", "Time (UTC)", _cell), ("raw_level", "Level", _cell),
                      ("severity", "Severity", _severity), ("host", "Host", _cell), ("component", "Component", _cell),
                      ("message", "Message", _cell)], parent)


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def suggested_name(path: Path | None) -> str:
    """A format name from the log's file name: ``pbx-trunk.2026.log`` → ``pbx_trunk_log``."""
    if path is None:
        return ""
    stem = re.sub(r"[^A-Za-z0-9]+", "_", path.name.split(".")[0]).strip("_").lower()
    return f"{stem}_log" if stem and stem[0].isalpha() else ""


class DefineFormatDialog(QDialog):
    saved = Signal(str, object)
    preview_updated = Signal()

    def __init__(self, lines: list[str], context: ParseContext, zone_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Define format by example")
        self.resize(1000, 720)
        self.lines = [line.rstrip("\r\n") for line in lines]
        self.context = context
        self.marks: dict[str, tuple[int, int]] = {}
        self.example: int | None = None  # the line the marks are in
        self._events = 0  # lines of the preview read as events
        self._replacing = ""  # the name Save replaces on its next press, once the user was told
        self._proposed = ""  # the last pattern proposed from the marks (replaced while the user has not edited it)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        intro = QLabel("Select the time stamp in one of these lines and press <b>Time</b>. Mark the level, "
                       "host and component the same way when the lines have them; everything after the last "
                       "mark becomes the message. Right-click a selection to mark it too.")
        intro.setWordWrap(True)
        self.sample_view = QPlainTextEdit()
        self.sample_view.setReadOnly(True)
        self.sample_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                 | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.sample_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.sample_view.setFont(fixed)
        self.sample_view.setPlainText("\n".join(self.lines[:PREVIEW_LINES]))
        self.sample_view.setMaximumHeight(self.sample_view.fontMetrics().lineSpacing() * 9)
        self.sample_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.sample_view.customContextMenuRequested.connect(self._context_menu)

        marks_row = QHBoxLayout()
        marks_row.addWidget(QLabel("Mark the selection as:"))
        self.mark_buttons: dict[str, QPushButton] = {}
        for field, label in FIELD_LABELS.items():
            button = QPushButton(_swatch(MARK_COLOURS[field]), label)
            button.setToolTip(f"The selected text is the {label.lower()} of the line")
            button.clicked.connect(lambda _checked=False, f=field: self.mark(f))
            marks_row.addWidget(button)
            self.mark_buttons[field] = button
        self.clear_button = QPushButton("Clear marks")
        self.clear_button.clicked.connect(self.clear_marks)
        marks_row.addWidget(self.clear_button)
        marks_row.addStretch(1)
        self.hint = QLabel("Nothing marked yet.")
        self.hint.setWordWrap(True)

        self.pattern_edit = QLineEdit()
        self.pattern_edit.setFont(fixed)
        self.pattern_edit.setPlaceholderText("Mark the time above, or type a regex with (?<timestamp>…) and "
                                             "(?<body>…)")
        self.pattern_edit.setClearButtonEnabled(True)
        self.pattern_error = QLabel()
        self.pattern_error.setStyleSheet(ERROR_STYLE)
        self.pattern_error.setWordWrap(True)
        self.time_combo = QComboBox()
        self.time_combo.setEditable(True)
        self.time_combo.setFont(fixed)
        self.time_combo.setToolTip("lnav's strftime codes: %Y year, %m month, %d day, %b month name, %H hour, "
                                   "%M minute, %S second, %L milliseconds, %f microseconds, %z offset, %s epoch")
        edit = self.time_combo.lineEdit()
        assert edit is not None  # an editable combo box has one
        edit.setPlaceholderText("proposed from the marked time, e.g. %Y-%m-%d %H:%M:%S")
        self.time_note = QLabel()
        self.time_note.setWordWrap(True)
        self.name_edit = QLineEdit(suggested_name(context.path))
        self.name_edit.setPlaceholderText("letters, digits and _, e.g. pbx_trunk_log")
        self.name_error = QLabel()
        self.name_error.setStyleSheet(ERROR_STYLE)
        self.form = form = QFormLayout()
        form.addRow("Pattern", self.pattern_edit)
        form.addRow("", self.pattern_error)
        form.addRow("Time format", self.time_combo)
        form.addRow("", self.time_note)
        form.addRow("Name", self.name_edit)
        form.addRow("", self.name_error)

        zone = getattr(context.clock.zone, "key", None) or zone_name
        self._about_preview = (f"Preview of the first {PREVIEW_LINES} lines, times in UTC (a time without an "
                               f"offset is read in {zone}).")
        self.summary = QLabel(self._about_preview)
        self.preview = preview_rows_model(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview)
        self.preview_view.setWordWrap(False)
        self.preview_view.verticalHeader().setVisible(False)
        self.preview_view.verticalHeader().setDefaultSectionSize(self.preview_view.fontMetrics().height() + 8)
        header = self.preview_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.preview.columns) - 1, QHeaderView.ResizeMode.Stretch)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.sample_view)
        layout.addLayout(marks_row)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview_view, 1)
        layout.addWidget(self.buttons)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter in the name field must not save or mark
        self.pattern_edit.textChanged.connect(self.update_preview)
        self.time_combo.currentTextChanged.connect(self._time_format_changed)
        self.name_edit.textChanged.connect(self._check_ready)
        self.update_preview()

    # -- marking -----------------------------------------------------------------
    def mark(self, field: str) -> None:
        """Mark the selected text of the sample as ``field``; the pattern and time format follow."""
        cursor = self.sample_view.textCursor()
        if not cursor.hasSelection():
            self.hint.setText(f"Select the {FIELD_LABELS[field].lower()} in a line first.")
            return
        document = self.sample_view.document()
        block = document.findBlock(cursor.selectionStart())
        if document.findBlock(cursor.selectionEnd()).blockNumber() != block.blockNumber():
            self.hint.setText("Select within one line.")
            return
        start, end = byexample.trim_span(block.text(), cursor.selectionStart() - block.position(),
                                         cursor.selectionEnd() - block.position())
        if start == end:
            self.hint.setText("The selection is only spaces and punctuation.")
            return
        if field == "timestamp":
            try:
                byexample.propose_time_format(block.text()[start:end])
            except ValueError as exc:  # not a time: the marks stay as they were
                self.hint.setText(str(exc))
                return
        if self.example is not None and self.example != block.blockNumber():
            self.marks.clear()  # marks describe one line: a mark in another line starts over there
        self.example = block.blockNumber()
        overlapping = [f for f, (s, e) in self.marks.items() if f != field and s < end and start < e]
        for other in overlapping:
            del self.marks[other]
        self.marks[field] = (start, end)
        cursor.clearSelection()  # the mark's colour shows instead of the selection's
        self.sample_view.setTextCursor(cursor)
        self._show_marks()
        self._propose(field)

    def clear_marks(self) -> None:
        self.marks.clear()
        self.example = None
        self._show_marks()
        self.hint.setText("Nothing marked yet.")

    def _show_marks(self) -> None:
        selections = []
        if self.example is not None:
            block = self.sample_view.document().findBlockByNumber(self.example)
            for field, (start, end) in self.marks.items():
                selection = QTextEdit.ExtraSelection()
                char_format = QTextCharFormat()
                char_format.setBackground(QColor(MARK_COLOURS[field]))
                char_format.setToolTip(FIELD_LABELS[field])
                selection.format = char_format  # type: ignore[attr-defined]
                cursor = QTextCursor(block)
                cursor.setPosition(block.position() + start)
                cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor  # type: ignore[attr-defined]
                selections.append(selection)
        self.sample_view.setExtraSelections(selections)

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.sample_view.createStandardContextMenu(pos)
        menu.addSeparator()
        has_selection = self.sample_view.textCursor().hasSelection()
        for field, label in FIELD_LABELS.items():
            action = menu.addAction(_swatch(MARK_COLOURS[field]), f"Mark as {label.lower()}")
            action.setEnabled(has_selection)
            action.triggered.connect(lambda _checked=False, f=field: self.mark(f))
        menu.exec(self.sample_view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _propose(self, field: str) -> None:
        assert self.example is not None
        line = self.lines[self.example]
        marked = ", ".join(FIELD_LABELS[f].lower() for f in byexample.FIELDS if f in self.marks)
        if "timestamp" not in self.marks:
            self.hint.setText(f"Marked: {marked}. Now mark the time.")
            return
        if field == "timestamp":
            start, end = self.marks["timestamp"]
            proposal = byexample.propose_time_format(line[start:end])  # mark() made sure it is a time
            self.time_combo.blockSignals(True)
            self.time_combo.clear()
            self.time_combo.addItems(list(proposal.choices))
            self.time_combo.setCurrentText(proposal.format)
            self.time_combo.blockSignals(False)
            self.time_note.setText(proposal.note)
            self.time_note.setStyleSheet(NOTE_STYLE)
        self.hint.setText(f"Marked: {marked}. Check the preview; edit the pattern or time format if needed.")
        self._set_proposed_pattern()
        self._fold_empty_labels()

    def _set_proposed_pattern(self) -> None:
        assert self.example is not None
        try:
            pattern = byexample.propose_pattern(self.lines[self.example], self.marks, self.time_combo.currentText())
        except ValueError as exc:  # an unknown % code typed in the time format: keep the pattern as it is
            self.hint.setText(str(exc))
            return
        self._proposed = pattern
        self.pattern_edit.setText(pattern)

    def _time_format_changed(self, _text: str) -> None:
        if self._proposed and self.pattern_edit.text() == self._proposed and self.example is not None:
            before = self.pattern_edit.text()
            self._set_proposed_pattern()
            if self.pattern_edit.text() != before:
                return  # the pattern changed, which refreshed the preview
        self.update_preview()

    # -- preview and saving ------------------------------------------------------
    def format_json(self) -> dict[str, Any]:
        name = self.name_edit.text().strip() or "unnamed"
        sample = self.lines[self.example] if self.example is not None else ""
        return byexample.format_json(name, self.pattern_edit.text(), self.time_combo.currentText().strip(),
                                     sample=sample)

    def update_preview(self) -> None:
        """Parse the first lines with the current pattern and time format; show why not when they cannot."""
        self.pattern_error.setText("")
        if self.time_note.styleSheet() == ERROR_STYLE:
            self.time_note.setText("")
        rows: list[dict[str, Any]] = []
        if self.pattern_edit.text().strip() and self.time_combo.currentText().strip():
            try:
                rows = byexample.preview(self.lines, self.format_json(), self.context, PREVIEW_LINES)
            except FormatError as exc:
                self._show_format_error(exc)
        for row in rows:
            row["time"] = _when(row["ts"]) if row["status"] == "event" else (
                "↳ continuation" if row["status"] == "continuation" else f"✗ {row.get('rejected')}")
        self.preview.set_rows(rows)
        self._events = sum(r["status"] == "event" for r in rows)
        rejected = sum(r["status"] == "rejected" for r in rows)
        self.summary.setText(f"{self._events} of {len(rows)} lines read as events, "
                             f"{len(rows) - self._events - rejected} continuation, {rejected} rejected. "
                             "Times in UTC." if rows else self._about_preview)
        self._check_ready()
        self.preview_updated.emit()

    def _fold_empty_labels(self) -> None:
        """Error and note rows take room only when they say something."""
        for label in (self.pattern_error, self.time_note, self.name_error):
            self.form.setRowVisible(label, bool(label.text()))

    def _show_format_error(self, exc: FormatError) -> None:
        """The reason next to the field it is about: the time format, or else the pattern."""
        if exc.key and "timestamp-format" in exc.key:
            self.time_note.setText(f"Cannot read times this way: {exc.reason}")
            self.time_note.setStyleSheet(ERROR_STYLE)
        else:
            self.pattern_error.setText(f"Invalid pattern: {exc.reason}")
        self._fold_empty_labels()

    def _check_ready(self) -> None:
        name = self.name_edit.text().strip()
        if name != self._replacing:
            self._replacing = ""
        problem = ""
        if name and not NAME.fullmatch(name):
            problem = "A name is letters, digits and _, starting with a letter."
        elif name in FORMATS:
            problem = f"{name} is a built-in format: choose another name."
        elif self._replacing:
            problem = f"A saved format is named {name}: press Save again to replace it."
        self.name_error.setText(problem)
        self._fold_empty_labels()
        self.save_button.setEnabled(bool(name) and (not problem or bool(self._replacing)) and self._events > 0)

    def save(self) -> None:
        """Write the format file; a name already saved is replaced only on a second press of Save."""
        name = self.name_edit.text().strip()
        try:
            path = userformats.save(self.format_json(), name, replace=self._replacing == name)
        except FormatError as exc:
            if "exists" in exc.reason or "has this name" in exc.reason:
                self._replacing = name
                self._check_ready()
            else:
                self.name_error.setText(f"Cannot save: {exc.reason}")
                self._fold_empty_labels()
            return
        except OSError as exc:
            self.name_error.setText(f"Cannot save to {userformats.formats_dir()}: {exc.strerror or exc}")
            self._fold_empty_labels()
            return
        log.info("saved format %s to %s", name, path)
        self.saved.emit(name, path)
        self.accept()
