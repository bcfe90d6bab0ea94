"""Drafting a knowledge article from a resolved incident, and the bar that offers it.

The offer is a bar inside the incident dialog, not a message box: resolving is
often one of several edits in a row, and a bar asks without stopping the user
(as Outlook's and Firefox's notification bars do). Whether to offer is decided in a
worker: the incident must be resolved or closed, say why or how (root cause or
resolution notes), and have evidence events that belong to patterns. The draft is
written by ``app.kb.draft`` on the write queue, then opens in the editor.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.domain.jobs import Progress
from app.kb import KbError, articles, draft
from app.store import kb as kb_store
from app.store.database import Database
from app.ui import write_queue
from app.ui.db_ops import DbOp, Kind
from app.ui.kb_editor import ArticleEditor, open_editor
from app.ui.session import Session

OFFER = "Draft a knowledge article from this incident? Its root cause, resolution and patterns fill it in."


def worth_drafting(db: Database, number: str) -> bool:
    """Resolved or closed, with a root cause or notes, evidence events that belong to patterns, and no article yet."""
    try:
        row = articles.incident_row(db, number)
    except KbError:
        return False
    if row["status"] not in draft.FIXED:
        return False
    if not (row.get("root_cause") or "").strip() and not (row.get("resolution_notes") or "").strip():
        return False
    if kb_store.articles_for(db, [], [int(row["id"])]):
        return False  # already written up: resolving, then closing, asks once
    return any(r["pattern_id"] is not None for r in kb_store.evidence_by_pattern(db, int(row["id"])))


class Drafter(QObject):
    """Writes the draft in the background and opens the editor on it.

    Signals:
        editor_opened(object): the ``ArticleEditor`` showing the draft.
        failed(str): the draft was refused or not written (one line).
    """

    editor_opened = Signal(object)
    failed = Signal(str)

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session  # the editor opens over ``parent()``: no reference kept, no cycle to the dialog
        self.editor: ArticleEditor | None = None

    def draft(self, number: str) -> None:
        zone = self.session.zone  # the author's zone, read here on the GUI thread

        def write(db: Database) -> tuple[bool, int | str]:
            existing = draft.drafted_from(db, number)
            if existing is not None:
                return True, existing  # drafted before (the offer, then the button): open that one
            try:
                return True, draft.draft_from_incident(db, number, zone=zone)
            except KbError as exc:
                return False, str(exc)

        write_queue.submit(self, self.session.db_path, write, self._written,
                           lambda text, _d: self.failed.emit(f"The article was not drafted: {text}"))

    def _written(self, outcome: tuple[bool, int | str]) -> None:
        ok, value = outcome
        if not ok:
            self.failed.emit(f"The article was not drafted: {value}")
            return
        self.session.data_changed.emit()
        parent = self.parent()
        self.editor = open_editor(self.session, parent if isinstance(parent, QWidget) else None, int(value))
        self.editor_opened.emit(self.editor)


class DraftOffer(QFrame):
    """The "Draft a knowledge article from this incident?" bar; hidden until ``check`` finds it worth asking.

    Signals:
        checked(bool): the check ran (True when the bar is now shown).
    """

    checked = Signal(bool)

    def __init__(self, drafter: Drafter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drafter = drafter
        self.number: str | None = None
        self.setObjectName("draftOffer")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # a tint of the accent blue, readable on the light and the dark theme alike
        self.setStyleSheet("#draftOffer { background: rgba(37, 99, 235, 0.12);"
                           " border: 1px solid rgba(37, 99, 235, 0.45); border-radius: 4px; }")
        self.label = QLabel(OFFER)
        self.label.setWordWrap(True)
        self.accept_button = QPushButton("Draft article…")
        self.accept_button.setObjectName("draftAccept")
        self.accept_button.clicked.connect(self.accept)
        self.dismiss_button = QPushButton("Not now")
        self.dismiss_button.setObjectName("draftDismiss")
        self.dismiss_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.accept_button)
        row.addWidget(self.dismiss_button)
        self.hide()

    def check(self, session: Session, number: str) -> None:
        """Ask in the background whether a draft would have something to say; show the bar if so."""
        self.number = number

        def work(db: Database, _progress: Progress) -> bool:
            return worth_drafting(db, number)

        DbOp(self, session.db_path, work, on_success=self._checked, kind=Kind.LEAN,
             on_failure=lambda _m, _d: self._checked(False)).run_in_background()

    def _checked(self, worth: bool) -> None:
        self.setVisible(worth)
        self.checked.emit(worth)

    def accept(self) -> None:
        self.hide()
        if self.number:
            self.drafter.draft(self.number)
