"""``verify``: every check that the database and its audit trail are what the app wrote.

One service for the CLI and the Audit page. Each check catches a different
tamper (see the README's table): the file's own structure, the hash chain and
its append-only triggers, the incidents against the replayed trail, and the
chain against heads recorded outside the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.analysis import article_replay, incident_replay
from app.store import audit, audit_heads, audit_key, incidents, kb
from app.store.database import Database


@dataclass(frozen=True)
class IntegrityReport:
    database: list[str]
    chain: audit.ChainStatus
    incidents: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    heads_file: Path | None = None
    heads_checked: int = 0
    articles: list[str] = field(default_factory=list)  # knowledge-base articles against the replayed trail

    @property
    def database_ok(self) -> bool:
        return self.database == ["ok"]

    @property
    def ok(self) -> bool:
        return self.database_ok and self.chain.ok and not self.incidents and not self.articles and not self.heads

    def findings(self) -> list[str]:
        """Everything wrong, one line each, naming the row, incident, field or heads-file line."""
        out = [] if self.database_ok else [f"database: {'; '.join(self.database)}"]
        out += [] if self.chain.ok else [self.chain.describe()]
        return out + self.incidents + self.articles + self.heads

    def lines(self) -> list[str]:
        """The text ``verify`` prints: a line per check, then each finding."""
        heads = (f"heads: {self.heads_checked} recorded head(s) checked against {self.heads_file or '--head'}"
                 if self.heads_checked or self.heads_file else "heads: none recorded (no export yet, or no --head)")
        out = [f"database: {'ok' if self.database_ok else '; '.join(self.database)}",
               f"incidents: {'match the audit trail' if not self.incidents else f'{len(self.incidents)} finding(s)'}",
               f"articles: {'match the audit trail' if not self.articles else f'{len(self.articles)} finding(s)'}",
               heads, self.chain.describe()]
        return out + [f"finding: {f}" for f in self.incidents + self.articles + self.heads]

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "database": "ok" if self.database_ok else self.database, "rows": self.chain.count,
                "head": self.chain.head, "broken_id": self.chain.broken_id, "reason": self.chain.reason,
                "keyed_from": self.chain.keyed_from, "incidents": self.incidents, "articles": self.articles,
                "heads": self.heads,
                "heads_file": str(self.heads_file) if self.heads_file else None,
                "heads_checked": self.heads_checked, "findings": self.findings()}


def check(db: Database, *, head: str | None = None, heads_file: Path | None = None,
          key_file: Path | None = None) -> IntegrityReport:
    """Run every check; the heads file beside the database is used when none is named and it exists."""
    key = audit_key.load(key_file)
    chain = audit.verify(db, key)
    found = incident_replay.compare(audit.entity_changes(db, "incident"), incidents.all_by_number(db),
                                    incidents.first_seen_from_events(db))
    recorded: list[audit_heads.RecordedHead] = []
    problems: list[str] = []
    if heads_file is None:
        beside = audit_heads.heads_path(Path(db.path))
        heads_file = beside if beside.exists() else None
    if heads_file is not None:
        recorded, problems = audit_heads.read_heads(heads_file)
    if head:
        recorded.append(audit_heads.given_head(head))
    problems += audit_heads.compare(db, recorded)
    articles = article_replay.compare(audit.entity_changes(db, "article"), kb.all_by_id(db))
    return IntegrityReport(audit.quick_check(db), chain, found, problems, heads_file, len(recorded), articles)
