"""The "Known fixes" pane, and where a knowledge-base link leads in the window.

``KnownFixes`` asks ``app.kb.suggest`` in a worker for the articles and past resolved
incidents of some patterns (or of some events' patterns) and hides itself when there
are none, so a pattern nobody has fixed yet costs no space. ``follow`` opens what
an ``article:``, ``incident:`` or ``pattern:`` link names, from any pane or dialog.
"""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from app.domain.jobs import Progress
from app.kb import suggest
from app.store import kb as kb_store
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp, Kind
from app.ui.kb_render import fixes_html
from app.ui.session import Session

Found = dict[str, list[dict[str, Any]]]
MAX_EVENTS = 2000  # of a selection, read for their patterns


def patterns_of_events(db: Database, event_ids: list[int]) -> list[int]:
    """The distinct patterns of the events (those not mined yet have none)."""
    rows = (kb_store.event(db, i) for i in event_ids[:MAX_EVENTS])
    return sorted({int(r["pattern_id"]) for r in rows if r is not None and r["pattern_id"] is not None})


def main_window(widget: QWidget) -> Any:
    """The main window behind ``widget``, from a page, a pane or a dialog opened over it (None if none)."""
    current: QWidget | None = widget
    while current is not None:
        top = current.window()
        if hasattr(top, "show_page"):
            return top
        current = top.parentWidget()
    return None


def follow(origin: QWidget, session: Session, url: QUrl) -> bool:
    """Open what a knowledge-base link names; False for any other link."""
    scheme, _sep, value = url.toString().partition(":")
    window = main_window(origin)
    if scheme == "incident" and value:
        from app.ui.incident_dialog import open_incident

        open_incident(session, value, origin)
    elif scheme == "article" and value.isdigit() and window is not None:
        page = window.show_page("knowledge")
        page.select_article(int(value))
        _bring_up(origin, window)
    elif scheme == "pattern" and value.isdigit():
        session.set_filter(session.filter.replace(pattern_id=int(value)))
        if window is not None:
            window.show_page("events")
            _bring_up(origin, window)
    else:
        return False
    return True


def _bring_up(origin: QWidget, window: QWidget) -> None:
    """A link followed from a dialog shows its answer in the main window: put that in front."""
    if origin.window() is not window:
        window.raise_()
        window.activateWindow()


class KnownFixes(QWidget):
    """Articles and past fixes for patterns, loaded in the background; hidden while there are none.

    Signals:
        loaded(bool): suggestions arrived (True when there were any to show).
    """

    loaded = Signal(bool)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.found: Found = {"articles": [], "incidents": []}
        self.browser = QTextBrowser()
        self.browser.setObjectName("knownFixes")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(lambda url: follow(self, self.session, url))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self._task: workers.Task | None = None
        self._generation = 0
        self.setVisible(False)

    def show_patterns(self, pattern_ids: list[int]) -> None:
        """Suggestions for these patterns (none: hide)."""
        ids = list(pattern_ids)
        self._load(lambda db: suggest.suggest_for_patterns(db, ids) if ids else _nothing())

    def show_events(self, event_ids: list[int]) -> None:
        """Suggestions for the patterns of these events (a selection about to become an incident)."""
        ids = list(event_ids)
        self._load(lambda db: suggest.suggest_for_patterns(db, patterns_of_events(db, ids)))

    def clear(self) -> None:
        self._generation += 1
        self._show(self._generation, _nothing())

    def _load(self, fetch: Any) -> None:
        if self._task is not None:
            self._task.cancel()
        self._generation += 1
        gen = self._generation

        def work(db: Database, _progress: Progress) -> Found:
            found: Found = fetch(db)
            return found

        self._task = DbOp(self, self.session.db_path, work, kind=Kind.LEAN,
                          on_success=functools.partial(self._show, gen),
                          on_failure=lambda _m, _d: self._show(gen, _nothing()),
                          ).run_in_background()

    def _show(self, generation: int, found: Found) -> None:
        if generation != self._generation:
            return
        self.found = found
        text = fixes_html(found)
        self.browser.setHtml(text)
        self.setVisible(bool(text))
        self.loaded.emit(bool(text))


def _nothing() -> Found:
    return {"articles": [], "incidents": []}
