"""The Knowledge page: the articles, a full-text search over them, and a reader that renders their Markdown.

The list and each article are read in a ``DbOp``; the search is the backend's
(``app.kb.articles.listing``), so an IP or ``INC-000123`` typed here is found as
typed, as on the Events page. Links in an article open the pattern's events or the
incident; "New article…" and "Edit…" open the editor (``app.ui.kb_editor``).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress
from app.kb import articles
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp, Kind
from app.ui.kb_editor import ArticleEditor, open_editor
from app.ui.kb_render import article_markdown
from app.ui.known_fixes import follow
from app.ui.models.articles import ArticlesModel
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui.knowledge")
SEARCH_DELAY_MS = 250
PLACEHOLDER = ("Select an article to read it.\n\nResolving an incident whose events belong to patterns offers a "
               "draft; New article… writes one from scratch.")


class KnowledgePage(QWidget):
    """Signals:
        listed(int): the list was (re)loaded, with this many articles.
        article_shown(int): the reader shows this article.
    """

    listed = Signal(int)
    article_shown = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.search = QLineEdit()
        self.search.setObjectName("kbSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText('Search articles: text as typed (an IP, INC-000123) · AND / OR / "phrase"')
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.load)
        self.search.textChanged.connect(self._search_timer.start)
        self.count_label = QLabel()
        self.count_label.setObjectName("kbCount")
        self.new_button = QPushButton("New article…")
        self.new_button.setObjectName("newArticle")
        self.new_button.clicked.connect(self.new_article)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setObjectName("editArticle")
        self.edit_button.setEnabled(False)
        self.edit_button.clicked.connect(self.edit_article)
        self.model = ArticlesModel(session.zone, self)
        self.table = QTableView()
        self.table.setObjectName("articlesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the title takes what the rest leave
        header.setMinimumSectionSize(48)
        for col, width in enumerate((0, 80, 64, 72, 118)):
            if width:
                self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._current(cur.row()))
        self.table.doubleClicked.connect(lambda _i: self.edit_article())
        self.reader = QTextBrowser()
        self.reader.setObjectName("articleReader")
        self.reader.setOpenLinks(False)
        self.reader.anchorClicked.connect(lambda url: follow(self, self.session, url))
        self.reader.setPlaceholderText(PLACEHOLDER)
        self.reader.document().setDocumentMargin(12)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.reader)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([660, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)
        self.article: dict[str, Any] | None = None
        self.editor: ArticleEditor | None = None
        self._wanted: int | None = None  # an article to select once listed
        self._list_task: workers.Task | None = None
        self._read_task: workers.Task | None = None
        self._generation = 0
        session.data_changed.connect(self.load)
        session.zone_changed.connect(self._zone_changed)
        self.load()

    # -- the list -----------------------------------------------------------------
    def load(self) -> None:
        """List the articles matching the search box in the background, keeping the one being read selected."""
        if self._list_task is not None:
            self._list_task.cancel()
        self._generation += 1
        gen, query = self._generation, self.search.text().strip()
        if self._wanted is None and self.article is not None:
            self._wanted = int(self.article["id"])
        self.count_label.setText("Searching…" if query else "Loading articles…")

        def work(db: Database, _progress: Progress) -> list[dict[str, Any]]:
            return articles.listing(db, query or None)

        def done(rows: list[dict[str, Any]]) -> None:
            if gen == self._generation:
                self._show(rows, query)

        def failed(message: str, _details: str) -> None:
            if gen == self._generation:
                self.count_label.setText(f"Could not search the articles: {message}")

        self._list_task = DbOp(self, self.session.db_path, work, on_success=done, on_failure=failed,
                               kind=Kind.LEAN).run_in_background()

    def _show(self, rows: list[dict[str, Any]], query: str) -> None:
        self.model.set_rows(rows)
        noun = "article" if len(rows) == 1 else "articles"
        self.count_label.setText(f"{len(rows):,} {noun} match “{query}”" if query else f"{len(rows):,} {noun}")
        wanted, self._wanted = self._wanted, None
        row = self.model.row_of(wanted) if wanted is not None else None
        if row is None and rows and (wanted is None or query):
            row = 0  # the reader is never left blank beside a list: the best match (or latest) is read
        if row is not None:
            self.table.selectRow(row)
        elif wanted is not None:
            self.reader.clear()  # the article was removed
            self.article = None
        self.edit_button.setEnabled(self.table.currentIndex().isValid() and self.article is not None)
        self.listed.emit(len(rows))

    def select_article(self, article_id: int) -> None:
        """Show ``article_id`` (a link from a pane or dialog): selected when listed, else the search is cleared."""
        row = self.model.row_of(article_id)
        if row is not None:
            self.table.selectRow(row)
            return
        self._wanted = article_id
        if self.search.text():
            self.search.clear()  # lists everything after the delay
        else:
            self.load()

    # -- the reader -----------------------------------------------------------------
    def _current(self, row: int) -> None:
        article_id = self.model.article_id(row)
        if article_id is None:
            return
        if self._read_task is not None:
            self._read_task.cancel()

        def work(db: Database, _progress: Progress) -> dict[str, Any]:
            return articles.get(db, article_id)

        def done(article: dict[str, Any]) -> None:
            if self.model.article_id(self.table.currentIndex().row()) == article_id:
                self._read(article)

        self._read_task = DbOp(self, self.session.db_path, work, on_success=done, kind=Kind.LEAN,
                               on_failure=lambda m, _d: self.reader.setPlainText(f"Could not read the article: {m}"),
                               ).run_in_background()

    def _read(self, article: dict[str, Any]) -> None:
        self.article = article
        self.reader.setMarkdown(article_markdown(article, self.session.zone))
        self.edit_button.setEnabled(True)
        self.article_shown.emit(int(article["id"]))

    def _zone_changed(self, zone: Any) -> None:
        self.model.zone = zone
        self.load()
        if self.article is not None:
            self._read(self.article)

    # -- writing ----------------------------------------------------------------------
    def new_article(self) -> None:
        self._open_editor(None)

    def edit_article(self) -> None:
        if self.article is not None:
            self._open_editor(int(self.article["id"]))

    def _open_editor(self, article_id: int | None) -> None:
        self.editor = open_editor(self.session, self, article_id)
        self.editor.saved.connect(self._saved)

    def _saved(self, article_id: int) -> None:
        """Show what was saved (the list reloads on ``data_changed``)."""
        self._wanted = article_id
        if self.article is not None and int(self.article["id"]) == article_id:
            self.article = None  # read it again once listed
        self.load()
