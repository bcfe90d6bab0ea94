"""The filter bar's search field: plain text, query syntax, or a regex (the ``.*`` toggle or ``/pattern/``).

The field edits one of two filter fields, as its toggle says: ``search`` (text
found as typed, or the query syntax when the text uses it) or ``regex``.
Switching the toggle moves the text to the other field; ``/pattern/`` typed in
text mode switches to regex mode. Under the field go a red line for a regex
that is not valid and a grey one when a search was read as plain text. Both
come without the database: ``re`` checks the regex, and the note comes from
parsing the text on an empty in-memory FTS5 table (microseconds).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from app.domain.filters import Filter
from app.domain.text_search import slashed_regex
from app.store.text_search import search_note

TEXT_PLACEHOLDER = 'Search (Ctrl+F): text as typed · AND / OR / NOT, "phrase", prefix* · /regex/'
REGEX_PLACEHOLDER = "Regular expression (Python), e.g. ^ERROR|timed? out; (?i) ignores case"
TOGGLE_TIP = ("Regular expression: test the message and raw line (incidents: title and description)\n"
              "of the rows the other filters leave. Writing /pattern/ in the box does the same.")


class SearchBox(QWidget):
    """The search field, its ``.*`` regex toggle, and the error and note lines under it.

    Signals: none; the filter bar reads ``changes()`` and calls ``show_filter``.
    """

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.edit = QLineEdit()
        self.edit.setObjectName("searchEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(TEXT_PLACEHOLDER)
        self.regex_toggle = QToolButton()
        self.regex_toggle.setObjectName("regexToggle")
        self.regex_toggle.setText(".*")
        self.regex_toggle.setCheckable(True)
        self.regex_toggle.setToolTip(TOGGLE_TIP)
        self.regex_toggle.toggled.connect(self._show_mode)
        self.error = QLabel()
        self.error.setObjectName("searchError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.note = QLabel()
        self.note.setObjectName("searchNote")
        self.note.setStyleSheet("color: gray;")
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.regex_toggle)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addLayout(row)
        box.addWidget(self.error)
        box.addWidget(self.note)

    @property
    def regex_mode(self) -> bool:
        return self.regex_toggle.isChecked()

    def _show_mode(self, regex: bool) -> None:
        self.edit.setPlaceholderText(REGEX_PLACEHOLDER if regex else TEXT_PLACEHOLDER)

    def _set_mode(self, regex: bool) -> None:
        """Show ``regex`` mode without it counting as the user's click."""
        if self.regex_toggle.isChecked() != regex:
            self.regex_toggle.blockSignals(True)
            self.regex_toggle.setChecked(regex)
            self.regex_toggle.blockSignals(False)
            self._show_mode(regex)

    def changes(self, moved: bool = False) -> dict[str, Any]:
        """The filter fields the field's text sets; ``moved``: the toggle was just switched, so the text
        leaves the other field. ``/pattern/`` in text mode switches to regex mode (shown at once)."""
        text = self.edit.text().strip()
        if not self.regex_mode:
            pattern = slashed_regex(text)
            if pattern is not None:
                self._set_mode(True)
                self.edit.setText(pattern)
                return {"search": None, "regex": pattern}
        if self.regex_mode:
            return {"regex": text or None, **({"search": None} if moved else {})}
        return {"search": text or None, **({"regex": None} if moved else {})}

    def reset(self) -> None:
        """Empty, in text mode, no messages (the filter bar's Clear)."""
        self._set_mode(False)
        self.edit.clear()
        self.error.setVisible(False)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)

    def show_filter(self, f: Filter) -> None:
        """Show ``f``'s search or regex (whichever the toggle edits, else the one it has) and the note."""
        regex = self.regex_mode
        if regex and not f.regex and f.search:
            regex = False
        elif not regex and not f.search and f.regex:
            regex = True
        self._set_mode(regex)
        shown = (f.regex if regex else f.search) or ""
        if shown != self.edit.text().strip():
            self.edit.setText(shown)
            self.error.setVisible(False)
        note = search_note(f.search, self.kind)
        self.note.setText(note or "")
        self.note.setVisible(bool(note))
