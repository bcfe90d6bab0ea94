"""What fixed this before: the articles and past incidents for an event's pattern(s).

An article ranks by how many resolved or closed incidents of the pattern it is linked
to (how often it fixed it), ties by the latest change. A past incident ranks by how
many fixed incidents of the pattern share its resolution code (the fix that worked
most often first), then by how many of the patterns it shares, then by recency.
An event with no pattern yet (an older import not mined) falls back to a full-text
search of its message's words over the articles and the fixed incidents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from app.kb import KbError
from app.store import kb as store
from app.store.database import Database
from app.store.text_search import phrase, words

LIMIT = 10
MAX_WORDS = 24  # of a message, for the fallback search


def suggest_for_event(db: Database, event_id: int, limit: int = LIMIT) -> dict[str, list[dict[str, Any]]]:
    """``{"articles": [{id, title, score}], "incidents": [{number, title, resolution_code, notes}]}``."""
    event = store.event(db, int(event_id))
    if event is None:
        raise KbError(f"no event with id {event_id}")
    if event["pattern_id"] is not None:
        return suggest_for_patterns(db, [int(event["pattern_id"])], limit)
    return suggest_for_text(db, event["message"] or "", limit)


def suggest_for_patterns(db: Database, pattern_ids: Iterable[int],
                         limit: int = LIMIT) -> dict[str, list[dict[str, Any]]]:
    """Articles and fixed incidents for the patterns, best first (same shape as ``suggest_for_event``)."""
    pids = sorted({int(p) for p in pattern_ids})
    fixed = store.fixed_incidents(db, pids)
    by_code = Counter(_code(r["resolution_code"]) for r in fixed if _code(r["resolution_code"]))
    fixed.sort(key=lambda r: (by_code.get(_code(r["resolution_code"]), 0), r["shared"], r["fixed_at"] or "",
                              r["number"]), reverse=True)
    found = store.articles_for(db, pids, [r["id"] for r in fixed])
    found.sort(key=lambda r: (r["fixed"], r["updated_at"] or "", r["id"]), reverse=True)
    return {"articles": [{"id": r["id"], "title": r["title"], "score": int(r["fixed"])} for r in found[:limit]],
            "incidents": [_incident(r) for r in fixed[:limit]]}


def suggest_for_text(db: Database, message: str, limit: int = LIMIT) -> dict[str, list[dict[str, Any]]]:
    """Articles and fixed incidents sharing any of the message's words; an article's score is how many it shares.

    bm25 breaks ties: on a handful of articles its figures are too close to zero to show.
    """
    kept = telling_words(message)
    if not kept:
        return {"articles": [], "incidents": []}
    query = " OR ".join(phrase(w) for w in kept)
    found = store.search_articles(db, query, limit * 3)
    for r in found:
        r["shared"] = len(set(kept) & set(words(r["text"])))
    found.sort(key=lambda r: (r["shared"], r["relevance"]), reverse=True)
    return {"articles": [{"id": r["id"], "title": r["title"], "score": r["shared"]} for r in found[:limit]],
            "incidents": [_incident(r) for r in store.search_fixed_incidents(db, query, limit)]}


def telling_words(message: str) -> list[str]:
    """The message's words as the index holds them; numbers and one-letter words vary too much to count."""
    return [w for w in dict.fromkeys(words(message)) if len(w) > 1 and not w.isdigit()][:MAX_WORDS]


def _code(code: str | None) -> str:
    return (code or "").strip().lower()


def _incident(row: dict[str, Any]) -> dict[str, Any]:
    return {"number": row["number"], "title": row["title"], "resolution_code": row["resolution_code"],
            "notes": row["resolution_notes"]}
