"""Saving an article as the window's editor holds it: fields and the whole set of links at once.

The editor shows an article's patterns and incidents as lists the user edits, so
a save is "make the links these": this turns that into ``articles`` calls (each
audited) inside one transaction, so a bad pattern id or incident number leaves
the article as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.kb import KbError, articles
from app.store.database import Database


def parse_patterns(text: str) -> list[int]:
    """``"12, #40 7"`` → ``[7, 12, 40]``; a word that is not a number is named in a ``KbError``."""
    out: set[int] = set()
    for word in text.replace(",", " ").split():
        digits = word.lstrip("#")
        if not digits.isdigit():
            raise KbError(f"linked patterns: {word!r} is not a pattern number")
        out.add(int(digits))
    return sorted(out)


def parse_incidents(text: str) -> list[str]:
    """``"INC-000012, 40"`` → the words as typed, each once (``articles.incident_row`` reads both forms)."""
    return list(dict.fromkeys(w for w in text.replace(",", " ").split() if w))


def save(db: Database, article_id: int | None, fields: dict[str, Any], patterns: Iterable[int] = (),
         incidents: Iterable[str] = (), actor: str | None = None) -> int:
    """Create (``article_id`` None) or update the article with ``fields`` and exactly these links; its id."""
    pids, numbers = sorted({int(p) for p in patterns}), list(incidents)
    with db.transaction():
        if article_id is None:
            return articles.add(db, fields.get("title", ""), fields.get("body", ""), tags=fields.get("tags"),
                                patterns=pids, incidents=numbers, actor=actor)
        articles.update(db, article_id, fields, actor=actor)
        row = articles.get(db, article_id)
        have_p = {int(p["id"]) for p in row["patterns"]}
        have_i = {str(i["number"]) for i in row["incidents"]}
        wanted_i = {str(articles.incident_row(db, n)["number"]) for n in numbers}
        for pid in sorted(set(pids) - have_p):
            articles.link(db, article_id, pattern=pid, actor=actor)
        for pid in sorted(have_p - set(pids)):
            articles.link(db, article_id, pattern=pid, unlink=True, actor=actor)
        for number in sorted(wanted_i - have_i):
            articles.link(db, article_id, incident=number, actor=actor)
        for number in sorted(have_i - wanted_i):
            articles.link(db, article_id, incident=number, unlink=True, actor=actor)
        return int(article_id)
