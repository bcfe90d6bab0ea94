"""SQL for the knowledge base: articles, their links to patterns and incidents, search, and suggestions.

Searches take the FTS5 query ``app.store.text_search`` builds, so an article is
found by the same typed text (an IP, ``INC-000123``) that finds events. The
suggestion queries count resolved and closed incidents through their evidence
events' patterns: how often an article, or a fix, answered that shape of message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from app.domain.vocab import Status
from app.store.database import Database
from app.store.status_sql import sql_list

ARTICLE_COLUMNS: tuple[str, ...] = ("title", "symptoms", "cause", "resolution", "body", "tags", "author",
                                    "created_at", "updated_at", "source_incident")
DONE = sql_list((Status.RESOLVED, Status.CLOSED))  # incidents whose fix is known
_SELECT = ("SELECT a.id, a.title, a.symptoms, a.cause, a.resolution, a.body, a.tags, a.author, a.created_at,"
           " a.updated_at, i.number AS source_incident FROM kb_articles a LEFT JOIN incidents i"
           " ON i.id = a.source_incident")


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def insert(db: Database, record: dict[str, Any]) -> int:
    """One article (``source_incident`` is the incident's row id); returns its id."""
    cols = [c for c in ARTICLE_COLUMNS if c in record]
    cur = db.execute(f"INSERT INTO kb_articles ({', '.join(cols)}) VALUES ({_marks(cols)})", [record[c] for c in cols])
    return int(cur.lastrowid or 0)


def update(db: Database, article_id: int, changes: dict[str, Any]) -> None:
    cols = [c for c in changes if c in ARTICLE_COLUMNS]
    if cols:
        db.execute(f"UPDATE kb_articles SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
                   [changes[c] for c in cols] + [article_id])


def delete(db: Database, article_id: int) -> None:
    """Its links go with it (foreign keys cascade), and the full-text row with the trigger."""
    db.execute("DELETE FROM kb_articles WHERE id = ?", (article_id,))


def get(db: Database, article_id: int) -> dict[str, Any] | None:
    """The article's columns, ``source_incident`` as the incident's number."""
    rows = db.rows(f"{_SELECT} WHERE a.id = ?", (article_id,))
    return rows[0] if rows else None


def drafted_from(db: Database, incident_id: int) -> int | None:
    """The first article drafted from the incident (row id), if any."""
    found = db.scalar("SELECT min(id) FROM kb_articles WHERE source_incident = ?", (incident_id,))
    return int(found) if found is not None else None


def patterns_of(db: Database, article_id: int) -> list[dict[str, Any]]:
    """The article's patterns with their templates (None for an id no event has had yet)."""
    return db.rows("SELECT ap.pattern_id AS id, p.template FROM kb_article_patterns ap"
                   " LEFT JOIN patterns p ON p.id = ap.pattern_id WHERE ap.article_id = ? ORDER BY ap.pattern_id",
                   (article_id,))


def incidents_of(db: Database, article_id: int) -> list[dict[str, Any]]:
    return db.rows("SELECT i.number, i.title, i.status FROM kb_article_incidents ai"
                   " JOIN incidents i ON i.id = ai.incident_id WHERE ai.article_id = ? ORDER BY i.number",
                   (article_id,))


def link_patterns(db: Database, article_id: int, pattern_ids: Iterable[int]) -> list[int]:
    """Link the patterns; returns those that were not linked before."""
    have = {p["id"] for p in patterns_of(db, article_id)}
    new = sorted(set(pattern_ids) - have)
    db.executemany("INSERT INTO kb_article_patterns (article_id, pattern_id) VALUES (?, ?)",
                   [(article_id, p) for p in new])
    return new


def unlink_patterns(db: Database, article_id: int, pattern_ids: Iterable[int]) -> list[int]:
    """Unlink the patterns; returns those that were linked."""
    have = {p["id"] for p in patterns_of(db, article_id)}
    gone = sorted(set(pattern_ids) & have)
    db.executemany("DELETE FROM kb_article_patterns WHERE article_id = ? AND pattern_id = ?",
                   [(article_id, p) for p in gone])
    return gone


def link_incidents(db: Database, article_id: int, incident_ids: Iterable[int]) -> int:
    cur = db.executemany("INSERT OR IGNORE INTO kb_article_incidents (article_id, incident_id) VALUES (?, ?)",
                         [(article_id, i) for i in incident_ids])
    return int(cur.rowcount or 0)


def unlink_incidents(db: Database, article_id: int, incident_ids: Iterable[int]) -> int:
    cur = db.executemany("DELETE FROM kb_article_incidents WHERE article_id = ? AND incident_id = ?",
                         [(article_id, i) for i in incident_ids])
    return int(cur.rowcount or 0)


def known_patterns(db: Database, pattern_ids: Iterable[int]) -> set[int]:
    ids = list(pattern_ids)
    return {int(r[0]) for r in db.execute(f"SELECT id FROM patterns WHERE id IN ({_marks(ids)})", ids)}


def listing(db: Database, *, match: str | None = None, substring: str | None = None, pattern: int | None = None,
            limit: int = 200) -> list[dict[str, Any]]:
    """Articles (no body), best match first when searching, else last changed first.

    ``match`` is an FTS5 query on ``kb_fts``; ``substring`` a literal test for text without words.
    """
    where, order = ["1"], "a.updated_at DESC, a.id DESC"
    params: list[Any] = []
    frm = "kb_articles a"
    if match is not None:
        frm = "kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid"
        where.append("kb_fts MATCH ?")
        params.append(match)
        order = "bm25(kb_fts), a.updated_at DESC"
    elif substring is not None:
        escaped = substring.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("(a.title || ' ' || a.body || ' ' || a.symptoms || ' ' || a.cause || ' ' || a.resolution"
                     " || ' ' || a.tags) LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    if pattern is not None:
        where.append("a.id IN (SELECT article_id FROM kb_article_patterns WHERE pattern_id = ?)")
        params.append(int(pattern))
    return db.rows(
        "SELECT a.id, a.title, a.tags, a.author, a.created_at, a.updated_at,"
        " (SELECT group_concat(pattern_id, ',') FROM (SELECT pattern_id FROM kb_article_patterns"
        "   WHERE article_id = a.id ORDER BY pattern_id)) AS patterns,"
        " (SELECT group_concat(number, ',') FROM (SELECT i.number FROM kb_article_incidents ai"
        "   JOIN incidents i ON i.id = ai.incident_id WHERE ai.article_id = a.id ORDER BY i.number)) AS incidents"
        f" FROM {frm} WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?", [*params, int(limit)])


def evidence_by_pattern(db: Database, incident_id: int) -> list[dict[str, Any]]:
    """The incident's linked events per pattern (None for events not mined yet): count, hosts, first and last."""
    return db.rows(
        "SELECT e.pattern_id, p.template, count(*) AS n, min(e.ts) AS first, max(e.ts) AS last,"
        " (SELECT group_concat(host, ', ') FROM (SELECT DISTINCT e2.host FROM incident_events ie2"
        "   JOIN event_rows e2 ON e2.id = ie2.event_id WHERE ie2.incident_id = ie.incident_id"
        "   AND e2.pattern_id IS e.pattern_id AND e2.host IS NOT NULL AND e2.host != '' ORDER BY e2.host)) AS hosts,"
        " min(e.message) AS sample"
        " FROM incident_events ie JOIN event_rows e ON e.id = ie.event_id LEFT JOIN patterns p ON p.id = e.pattern_id"
        " WHERE ie.incident_id = ? GROUP BY e.pattern_id ORDER BY n DESC, e.pattern_id", (incident_id,))


def event(db: Database, event_id: int) -> dict[str, Any] | None:
    rows = db.rows("SELECT id, ts, pattern_id, message FROM events WHERE id = ?", (event_id,))
    return rows[0] if rows else None


def fixed_incidents(db: Database, pattern_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Resolved and closed incidents whose evidence has events of the patterns, with how many of them they share."""
    ids = list(pattern_ids)
    if not ids:
        return []
    return db.rows(
        "SELECT i.id, i.number, i.title, i.resolution_code, i.resolution_notes,"
        " coalesce(i.resolved_at, i.closed_at, i.updated_at) AS fixed_at, count(DISTINCT e.pattern_id) AS shared"
        " FROM incident_events ie JOIN event_rows e ON e.id = ie.event_id JOIN incidents i ON i.id = ie.incident_id"
        f" WHERE e.pattern_id IN ({_marks(ids)}) AND i.status IN {DONE} GROUP BY i.id", ids)


def articles_for(db: Database, pattern_ids: Sequence[int], incident_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Articles linked to the patterns or to the incidents, with how many of those incidents each is linked to."""
    pids, iids = list(pattern_ids), list(incident_ids)
    if not pids and not iids:
        return []
    return db.rows(
        "SELECT a.id, a.title, a.updated_at,"
        f" (SELECT count(*) FROM kb_article_incidents ai WHERE ai.article_id = a.id"
        f"  AND ai.incident_id IN ({_marks(iids)})) AS fixed"
        " FROM kb_articles a WHERE a.id IN (SELECT article_id FROM kb_article_patterns"
        f"  WHERE pattern_id IN ({_marks(pids)}))"
        f" OR a.id IN (SELECT article_id FROM kb_article_incidents WHERE incident_id IN ({_marks(iids)}))",
        [*iids, *pids, *iids])


def search_articles(db: Database, match: str, limit: int) -> list[dict[str, Any]]:
    """Articles matching an FTS5 query, best first, with bm25's relevance (higher is better) and their text."""
    return db.rows("SELECT a.id, a.title, a.updated_at, -bm25(kb_fts) AS relevance,"
                   " a.title || ' ' || a.symptoms || ' ' || a.cause || ' ' || a.resolution || ' ' || a.body"
                   " || ' ' || a.tags AS text FROM kb_fts"
                   " JOIN kb_articles a ON a.id = kb_fts.rowid WHERE kb_fts MATCH ?"
                   " ORDER BY bm25(kb_fts), a.updated_at DESC LIMIT ?", (match, int(limit)))


def search_fixed_incidents(db: Database, match: str, limit: int) -> list[dict[str, Any]]:
    """Resolved and closed incidents whose title or description match an FTS5 query, best first."""
    return db.rows("SELECT i.number, i.title, i.resolution_code, i.resolution_notes FROM incidents_fts"
                   " JOIN incidents i ON i.id = incidents_fts.rowid WHERE incidents_fts MATCH ?"
                   f" AND i.status IN {DONE} ORDER BY bm25(incidents_fts), i.id DESC LIMIT ?", (match, int(limit)))


def articles_by_pattern(db: Database, pattern_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """(id, title) of the articles linked to each pattern named (the report's Patterns sheet)."""
    out: dict[int, list[tuple[int, str]]] = {}
    ids = list(pattern_ids)
    for at in range(0, len(ids), 500):
        part = ids[at:at + 500]
        for pid, aid, title in db.execute(
                "SELECT ap.pattern_id, a.id, a.title FROM kb_article_patterns ap JOIN kb_articles a"
                f" ON a.id = ap.article_id WHERE ap.pattern_id IN ({_marks(part)}) ORDER BY a.id", part):
            out.setdefault(int(pid), []).append((int(aid), str(title)))
    return out


def all_by_id(db: Database) -> dict[str, dict[str, Any]]:
    """Every article's text and pattern ids by id (as text, like audit rows name it), to compare with the trail."""
    out = {str(r["id"]): {**r, "patterns": []} for r in db.rows(
        "SELECT id, title, symptoms, cause, resolution, body, tags, author FROM kb_articles")}
    for article_id, pattern_id in db.execute("SELECT article_id, pattern_id FROM kb_article_patterns"):
        if str(article_id) in out:
            out[str(article_id)]["patterns"].append(int(pattern_id))
    return out
