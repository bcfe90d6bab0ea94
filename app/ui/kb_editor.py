"""The article editor: title, tags, the Markdown body with a live preview, and the linked patterns and incidents.

An existing article (or a fresh draft) is read in a worker; the form stays disabled
until it arrives. Saving goes through ``app.kb.editing.save`` on the window's write
queue (audited, one transaction), so the window never waits behind an import; a
save that fails keeps everything typed and says why on one line.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress
from app.kb import KbError, articles, editing
from app.store.database import Database
from app.ui import theme, write_queue
from app.ui.db_ops import DbOp, Kind
from app.ui.known_fixes import follow
from app.ui.session import Session

TEMPLATE = "What this is about, in a sentence or two.\n\n## Symptoms\n\n\n\n## Cause\n\n\n\n## Resolution\n\n1. \n"
PREVIEW_DELAY_MS = 300


class ArticleEditor(QDialog):
    """Write a new article or change one (``article_id``).

    Signals:
        saved(int): the article was stored (its id).
        ready(): the article was read and the form can be edited.
    """

    saved = Signal(int)
    ready = Signal()

    def __init__(self, session: Session, article_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.article_id = article_id
        self.setWindowTitle("New article" if article_id is None else "Edit article")
        self.resize(860, 720)
        self.title = QLineEdit()
        self.title.setObjectName("articleTitle")
        self.title.setPlaceholderText("The problem, as someone would search for it")
        self.tags = QLineEdit()
        self.tags.setObjectName("articleTags")
        self.tags.setPlaceholderText("comma-separated, e.g. voip, carrier")
        self.body = QPlainTextEdit()
        self.body.setObjectName("articleBody")
        self.body.setTabChangesFocus(True)
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))  # Markdown lines up
        self.preview = QTextBrowser()
        self.preview.setObjectName("articlePreview")
        self.preview.setOpenLinks(False)
        self.preview.document().setDocumentMargin(12)
        self.preview.anchorClicked.connect(lambda url: follow(self, self.session, url))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.body, "Write (Markdown)")
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.currentChanged.connect(lambda _i: self._render())
        self.patterns = QLineEdit()
        self.patterns.setObjectName("articlePatterns")
        self.patterns.setPlaceholderText("pattern numbers, e.g. 12, 40 (the Patterns page lists them)")
        self.incidents = QLineEdit()
        self.incidents.setObjectName("articleIncidents")
        self.incidents.setPlaceholderText("incident numbers, e.g. INC-000123")
        form = QFormLayout()
        form.addRow("Title *", self.title)
        form.addRow("Tags", self.tags)
        form.addRow("Linked patterns", self.patterns)
        form.addRow("Linked incidents", self.incidents)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save article", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveArticle")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._render)
        self.body.textChanged.connect(self._preview_timer.start)
        if article_id is None:
            self.body.setPlainText(TEMPLATE)
            self.is_ready = True
        else:
            self._set_enabled(False)
            self.is_ready = False
            self.message.setText("Reading the article…")
            self._read(article_id)

    def _read(self, article_id: int) -> None:
        def work(db: Database, _progress: Progress) -> dict[str, Any]:
            return articles.get(db, article_id)

        DbOp(self, self.session.db_path, work, on_success=self._fill, kind=Kind.LEAN,
             on_failure=lambda text, _d: self._error(f"Could not read article {article_id}: {text}"),
             ).run_in_background()

    def _fill(self, article: dict[str, Any]) -> None:
        self.title.setText(article["title"])
        self.tags.setText(article.get("tags") or "")
        self.body.setPlainText(article.get("body") or "")
        self.patterns.setText(", ".join(str(p["id"]) for p in article["patterns"]))
        self.incidents.setText(", ".join(i["number"] for i in article["incidents"]))
        self.message.setText("")
        self._set_enabled(True)
        self.is_ready = True
        self._render()
        self.ready.emit()

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.title, self.tags, self.body, self.patterns, self.incidents, self.save_button):
            widget.setEnabled(on)

    def _render(self) -> None:
        """The preview as the Knowledge page will show the body."""
        self.preview.setMarkdown(self.body.toPlainText())

    def _error(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {theme.colour('error')};")
        self.message.setText(text)

    def save(self) -> None:
        """Check what can be checked here, then store it on the write queue."""
        title = self.title.text().strip()
        if not title:
            self._error("Title: is required.")
            self.title.setFocus()
            return
        try:
            patterns = editing.parse_patterns(self.patterns.text())
        except KbError as exc:
            self._error(f"{exc}.")
            self.patterns.setFocus()
            return
        incidents = editing.parse_incidents(self.incidents.text())
        fields = {"title": title, "tags": self.tags.text(), "body": self.body.toPlainText()}
        article_id = self.article_id

        def store(db: Database) -> tuple[bool, Any]:
            try:
                return True, editing.save(db, article_id, fields, patterns, incidents)
            except KbError as exc:
                return False, str(exc)

        self.save_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText("Saving…")
        write_queue.submit(self, self.session.db_path, store, self._stored,
                           lambda text, _d: self._stored((False, text)))

    def _stored(self, outcome: tuple[bool, Any]) -> None:
        ok, value = outcome
        self.save_button.setEnabled(True)
        if not ok:
            self._error(f"Not saved: {value}. Everything typed is still here.")
            return
        self.article_id = int(value)
        self.message.setText("")
        self.session.data_changed.emit()
        self.saved.emit(self.article_id)
        self.accept()


def open_editor(session: Session, parent: QWidget | None, article_id: int | None = None) -> ArticleEditor:
    """Show the editor (non-modal), on a new article or on ``article_id``."""
    dialog = ArticleEditor(session, article_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
