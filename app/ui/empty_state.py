"""Empty states: a short "what to do" message over a table while it has no rows.

Attached from outside the pages (``attach_to_page``), so every table page gets
one without each page carrying the code. The message waits a moment and for the
model's ``loading_changed(False)`` (when it has one), so a table that is still
loading never claims to be empty.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget

MESSAGES: dict[str, str] = {
    "events": "<b>No events match.</b><br>Widen the time range or press <b>Clear</b> (Ctrl+L) to drop the "
              "filter.<br>To bring logs in, use <b>File ▸ Import…</b> (Ctrl+I).",
    "incidents": "<b>No incidents match.</b><br>Press <b>Clear</b> (Ctrl+L) to drop the filter, or log one "
                 "with <b>Incident ▸ New incident…</b>.",
    "imports": "<b>Nothing imported yet.</b><br>Click <b>Import logs…</b> or use <b>File ▸ Import…</b> (Ctrl+I) "
               "for log files, a folder or a .zip.",
    "alerts": "<b>Nothing has fired yet.</b><br>Click <b>New rule…</b> to watch for bursts, spikes, new patterns "
              "or silence;<br>rules run as logs arrive and can open incidents.",
    "knowledge": "<b>No articles match.</b><br>Write one with <b>New article…</b>, or resolve an incident with a "
                 "root cause and accept its offer to draft one.",
    "sources": "<b>No sources yet.</b><br>Click <b>Add source…</b> to follow a log file, a folder or a syslog "
               "port;<br>the window collects while it is open, <code>issue-ledger watch</code> when it is not.",
    "audit": "<b>No audit entries match.</b><br>Every change to incidents, imports and settings is recorded "
             "here as it happens.",
    "reports": "<b>No reports exported yet.</b><br>Choose a report above and click <b>Export…</b>, or use "
               "<b>File ▸ Export report…</b> (Ctrl+E).",
}
DELAY_MS = 250


class EmptyState(QLabel):
    """The message over ``view``'s viewport, shown while the model is empty and idle."""

    def __init__(self, view: QAbstractItemView, text: str) -> None:
        super().__init__(text, view.viewport())
        self.view = view
        self.loading = False
        self.setObjectName("empty-state")
        self.setProperty("role", "empty-state")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        model = view.model()
        for name in ("modelReset", "rowsInserted", "rowsRemoved", "layoutChanged"):
            getattr(model, name).connect(self.schedule)
        loading = getattr(model, "loading_changed", None)
        if loading is not None:
            loading.connect(self._loading)
        view.viewport().installEventFilter(self)
        self.schedule()

    def _loading(self, busy: bool) -> None:
        self.loading = bool(busy)
        self.schedule()

    def schedule(self, *_args: Any) -> None:
        if self.model_rows():
            self.refresh()  # rows arrived: hide at once
        else:
            self._timer.start()

    def model_rows(self) -> int:
        model = self.view.model()
        return model.rowCount() if model is not None else 0

    def refresh(self) -> None:
        show = self.model_rows() == 0 and not self.loading
        if show:
            self._place()
        self.setVisible(show)

    def _place(self) -> None:
        rect = self.view.viewport().rect().adjusted(24, 24, -24, -24)
        self.setGeometry(rect.x(), rect.y(), rect.width(), max(rect.height(), 80))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False


def main_view(page: QWidget) -> QAbstractItemView | None:
    """The page's main table: its ``table``, ``view`` or ``recent`` attribute."""
    for name in ("table", "view", "recent"):
        view = getattr(page, name, None)
        if isinstance(view, QAbstractItemView) and view.model() is not None:
            return view
    return None


def attach_to_page(key: str, page: QWidget) -> EmptyState | None:
    text = MESSAGES.get(key)
    view = main_view(page)
    if text is None or view is None or view.viewport().findChild(EmptyState) is not None:
        return None
    return EmptyState(view, text)
