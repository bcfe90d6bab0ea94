"""Schema 12: the knowledge base: articles, the patterns and incidents they answer, and their full-text index.

An article says how a recurring problem was recognised and fixed. Linking it to
log templates (``patterns``) is what lets a later event of the same shape find it;
linking it to incidents is what counts how often it fixed that shape. Pattern ids
are drain3's and never deleted, so (like ``events.pattern_id``) they carry no
foreign key; incidents do, so deleting one drops its links but keeps the article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 12

FTS_COLUMNS = "title, symptoms, cause, resolution, body, tags"
_NEW = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
_OLD = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS kb_articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- an id is never handed out again after a delete
    title TEXT NOT NULL,
    symptoms TEXT NOT NULL DEFAULT '',
    cause TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    author TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    source_incident INTEGER REFERENCES incidents(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS kb_articles_updated ON kb_articles(updated_at);
CREATE TABLE IF NOT EXISTS kb_article_patterns (
    article_id INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
    pattern_id INTEGER NOT NULL,
    PRIMARY KEY (article_id, pattern_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kb_article_patterns_pattern ON kb_article_patterns(pattern_id, article_id);
CREATE TABLE IF NOT EXISTS kb_article_incidents (
    article_id INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, incident_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kb_article_incidents_incident ON kb_article_incidents(incident_id, article_id);

CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(
    {FTS_COLUMNS}, content='kb_articles', content_rowid='id', tokenize='unicode61'
);
CREATE TRIGGER IF NOT EXISTS kb_fts_ai AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {_NEW});
END;
CREATE TRIGGER IF NOT EXISTS kb_fts_ad AFTER DELETE ON kb_articles BEGIN
    INSERT INTO kb_fts(kb_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});
END;
CREATE TRIGGER IF NOT EXISTS kb_fts_au AFTER UPDATE OF {FTS_COLUMNS} ON kb_articles BEGIN
    INSERT INTO kb_fts(kb_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD});
    INSERT INTO kb_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {_NEW});
END;
"""


def upgrade(db: Database) -> None:
    from app.store.migrations.m0001_initial import _split

    for statement in _split(SCHEMA):
        db.execute(statement)
