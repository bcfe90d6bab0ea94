"""Write and read knowledge-base articles: the one path the CLI and the Knowledge page share.

Every change runs in one transaction with its audit row (entity ``article``, the
article's id), so an article and its record in the audit trail never part. A body
with ``## Symptoms`` / ``## Cause`` / ``## Resolution`` sections fills those fields
unless they are given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from app.domain import timeutil
from app.domain.redaction import redact_values
from app.kb import KbError
from app.kb.markdown import SECTIONS, sections
from app.store import audit, incidents as incident_store, kb as store, redaction as redaction_store
from app.store.database import Database
from app.store.text_search import text_search

EDITABLE: tuple[str, ...] = ("title", "body", "symptoms", "cause", "resolution", "tags")
ENTITY = "article"


def _now(now: dt.datetime | str | None) -> str:
    if now is None:
        return timeutil.now_iso()
    return now if isinstance(now, str) else timeutil.to_iso(now)


def _redacted(db: Database, values: dict[str, Any]) -> dict[str, Any]:
    """The texts with PII replaced by the database's rules (an article belongs to no one client), before
    the article or its audit row keeps them, as an incident's texts are."""
    return redact_values(values, redaction_store.redactor(db).for_client(None), EDITABLE)


def clean_tags(tags: str | Iterable[str] | None) -> str:
    """Tags as the incidents keep them: comma-separated, trimmed, each once, in the order given."""
    items = tags.split(",") if isinstance(tags, str) else list(tags or ())
    return ", ".join(dict.fromkeys(t.strip() for t in items if t and t.strip()))


def incident_row(db: Database, number: str) -> dict[str, Any]:
    """The incident ``INC-000123`` (or ``123``) names, else a ``KbError`` naming it."""
    text = str(number).strip().upper()
    wanted = incident_store.format_number(int(text)) if text.isdigit() else text
    row = incident_store.get_by_number(db, wanted)
    if row is None:
        raise KbError(f"no incident {number!r}")
    return row


def _pattern_ids(db: Database, patterns: Iterable[int]) -> list[int]:
    ids = sorted({int(p) for p in patterns})
    missing = sorted(set(ids) - store.known_patterns(db, ids))
    if missing:
        raise KbError(f"no pattern {', '.join(map(str, missing))}")
    return ids


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """Checked, trimmed field values; sections of a given body fill the fields not given."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise KbError(f"not an article field: {', '.join(sorted(unknown))}")
    out = {k: ("" if v is None else clean_tags(v) if k == "tags" else str(v).strip()) for k, v in values.items()}
    if "title" in out and not out["title"]:
        raise KbError("title: is required")
    if "body" in values:
        found = sections(out["body"])
        for name in SECTIONS:
            if values.get(name) is None and name in found:
                out[name] = found[name]
    return out


def add(db: Database, title: str, body: str = "", symptoms: str | None = None, cause: str | None = None,
        resolution: str | None = None, tags: str | Iterable[str] | None = None, patterns: Iterable[int] = (),
        incidents: Iterable[str] = (), actor: str | None = None, source_incident: str | None = None,
        now: dt.datetime | str | None = None) -> int:
    """Save a new article linked to the patterns (ids) and incidents (numbers); returns its id."""
    stamp = _now(now)
    record = _fields({"title": title, "body": body, "symptoms": symptoms, "cause": cause,
                      "resolution": resolution, "tags": tags})
    for name in SECTIONS:
        record.setdefault(name, "")
    author = actor or audit.current_actor()
    with db.transaction():
        record = _redacted(db, record)
        pids = _pattern_ids(db, patterns)
        rows = {r["id"]: r for r in (incident_row(db, n) for n in incidents)}
        source = incident_row(db, source_incident) if source_incident else None
        record.update(author=author, created_at=stamp, updated_at=stamp,
                      source_incident=source["id"] if source else None)
        article_id = store.insert(db, record)
        store.link_patterns(db, article_id, pids)
        store.link_incidents(db, article_id, rows)
        new = {**{k: v for k, v in record.items() if v not in (None, "")},
               "source_incident": source["number"] if source else None,
               "patterns": pids, "incidents": sorted(r["number"] for r in rows.values())}
        audit.append(db, "create", ENTITY, article_id, new={k: v for k, v in new.items() if v not in (None, [])},
                     actor=actor)
    return article_id


def get(db: Database, article_id: int) -> dict[str, Any]:
    """The article with its ``patterns`` ({id, template}) and ``incidents`` ({number, title, status})."""
    row = store.get(db, int(article_id))
    if row is None:
        raise KbError(f"no article {article_id}")
    return {**row, "patterns": store.patterns_of(db, row["id"]), "incidents": store.incidents_of(db, row["id"])}


def update(db: Database, article_id: int, changes: dict[str, Any], actor: str | None = None,
           now: dt.datetime | str | None = None) -> dict[str, Any]:
    """Change fields; a new body with sections refills those not given. No-op edits write nothing."""
    with db.transaction():
        wanted = _redacted(db, _fields(changes))
        row = get(db, article_id)
        diff = {k: v for k, v in wanted.items() if row.get(k) != v}
        if not diff:
            return row
        store.update(db, row["id"], {**diff, "updated_at": _now(now)})
        audit.append(db, "update", ENTITY, row["id"], old={k: row[k] for k in diff}, new=diff, actor=actor)
        return get(db, row["id"])


def listing(db: Database, query: str | None = None, pattern: int | None = None,
            limit: int = 200) -> list[dict[str, Any]]:
    """Articles (id, title, tags, author, created_at, updated_at, patterns, incidents), best match first.

    ``query`` is read as the event search reads it: plain text (an IP, ``INC-000123``) literally,
    query syntax when used; without one, the last changed come first.
    """
    match = substring = None
    if query and query.strip():
        found = text_search(query, "kb_fts")
        match, substring = found.match, found.substring
    rows = store.listing(db, match=match, substring=substring, pattern=pattern, limit=limit)
    for r in rows:
        r["patterns"] = [int(p) for p in (r["patterns"] or "").split(",") if p]
        r["incidents"] = [n for n in (r["incidents"] or "").split(",") if n]
    return rows


def link(db: Database, article_id: int, pattern: int | None = None, incident: str | None = None,
         unlink: bool = False, actor: str | None = None) -> bool:
    """Link (or unlink) a pattern and/or an incident; whether anything changed (audited when it did)."""
    if pattern is None and incident is None:
        raise KbError("give a pattern or an incident to link")
    with db.transaction():
        row = get(db, article_id)
        pids = [int(pattern)] if pattern is not None else []
        inc = incident_row(db, incident) if incident is not None else None
        if unlink:
            patterns = store.unlink_patterns(db, row["id"], pids)
            linked = {i["number"] for i in row["incidents"]}
            incidents = [inc["number"]] if inc and inc["number"] in linked else []
            if incidents and inc:
                store.unlink_incidents(db, row["id"], [inc["id"]])
        else:
            patterns = store.link_patterns(db, row["id"], _pattern_ids(db, pids))
            incidents = [inc["number"]] if inc and store.link_incidents(db, row["id"], [inc["id"]]) else []
        change = {k: v for k, v in (("patterns", patterns), ("incidents", incidents)) if v}
        if not change:
            return False
        if unlink:
            audit.append(db, "unlink", ENTITY, row["id"], old=change, actor=actor)
        else:
            audit.append(db, "link", ENTITY, row["id"], new=change, actor=actor)
        return True


def remove(db: Database, article_id: int, actor: str | None = None) -> dict[str, Any]:
    """Delete the article and its links; the audit row keeps the whole of it."""
    with db.transaction():
        row = get(db, article_id)
        store.delete(db, row["id"])
        old = {**row, "patterns": [p["id"] for p in row["patterns"]],
               "incidents": [i["number"] for i in row["incidents"]]}
        audit.append(db, "delete", ENTITY, row["id"], old=old, actor=actor)
        return row
