"""The Knowledge page's list: one row per article, as ``app.kb.articles.listing`` returns them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.domain import timeutil
from app.ui.models.rows import Index, RowsModel

HEADERS = ("Title", "Tags", "Patterns", "Incidents", "Updated")
COUNTS = (HEADERS.index("Patterns"), HEADERS.index("Incidents"))


class ArticlesModel(RowsModel):
    """Read-only rows of articles; ``article_id(row)`` names the one to read."""

    HEADERS = HEADERS

    def article_id(self, row: int) -> int | None:
        return int(self.rows[row]["id"]) if 0 <= row < len(self.rows) else None

    def row_of(self, article_id: int) -> int | None:
        return next((n for n, r in enumerate(self.rows) if int(r["id"]) == article_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index)
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COUNTS[0] and r["patterns"]:
                return "Patterns " + ", ".join(f"#{p}" for p in r["patterns"])
            if col == COUNTS[1] and r["incidents"]:
                return ", ".join(r["incidents"])
            if col == 0:
                return f"{r['title']}\nArticle {r['id']} by {r.get('author') or 'unknown'}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in COUNTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, r: dict[str, Any], col: int) -> str | None:
        if col == 0:
            return str(r["title"])
        if col == 1:
            return str(r.get("tags") or "")
        if col in COUNTS:
            return f"{len(r['patterns' if col == COUNTS[0] else 'incidents']):,}"
        if col == 4:
            # the user's date format to the minute: enough to tell edits apart; the reader shows the seconds
            short = timeutil.display_format().replace(":%S", "")
            return timeutil.display(r["updated_at"], self.zone, short) if r.get("updated_at") else ""
        return None
