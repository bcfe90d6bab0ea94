"""A database holding the things people paste into a search box, each next to near misses."""

from __future__ import annotations

from app.incidents import service as incidents_service
from app.store import events as event_store
from app.store.database import Database

# What people coming from lnav or klogg type first.
PASTED = ["10.20.30.40", "agent-ws-pn205", "C:\\Windows\\System32", "can't", "INC-000202", "user@example.com",
          "/var/log/messages"]

# (text that must be found, rows that hold it, near misses that must not be found)
HITS = {
    "10.20.30.40": ["ping 10.20.30.40 timed out", "route via 10.20.30.40: unreachable"],
    "agent-ws-pn205": ["host agent-ws-pn205 went offline"],
    "C:\\Windows\\System32": ["cannot write C:\\Windows\\System32\\drivers\\etc\\hosts"],
    "can't": ["user can't log in to the softphone"],
    "INC-000202": ["linked to INC-000202 by the night shift"],
    "user@example.com": ["mail to user@example.com bounced"],
    "/var/log/messages": ["rotated /var/log/messages at midnight"],
}
NEAR_MISSES = [
    "ping 10.20.30.41 timed out", "40.30.20.10 reversed", "host agent-ws-pn206 went offline",
    "pn205 agent-ws swapped", "C:\\Windows\\SysWOW64 is fine", "System32 Windows C backwards",
    "user can log in", "the t can rolled", "INC-000203 opened", "user@example.org mail", "example.com user",
    "rotated /var/log/syslog", "messages in log var", "error on vpn tunnel", "authentication failed for bob",
    "link down on port 4", "down link on port 5", "vpn is fine", "retry AND fail",
]
HOST = "h-search"


def raw_line(message: str) -> str:
    return f"Nov 30 11:00:00 {HOST} agentd[42]: {message}"


def add_events(db: Database, messages: list[str]) -> dict[str, int]:
    """One event per message (the FTS triggers index them); message -> id."""
    with db.transaction():
        start = int(db.scalar("SELECT coalesce(max(id), 0) FROM events")) + 1
        event_store.insert_many(db, [(f"2026-11-30T11:{i // 60:02d}:{i % 60:02d}.000Z", 3, "network", None, HOST,
                                      "agentd", 42, None, m, raw_line(m), "Acme", "Site A", None, None, 0)
                                     for i, m in enumerate(messages)])
    return {m: start + i for i, m in enumerate(messages)}


def add_incidents(db: Database, titles: list[str]) -> dict[str, str]:
    """One incident per title; title -> incident number."""
    out = {}
    for title in titles:
        row = incidents_service.create(db, {"title": title, "log_type": "network", "impact": 2, "urgency": 2,
                                            "description": "seen by the " + "night shift"},
                                       now="2026-11-30T10:00:00.000Z")
        out[title] = row["number"]
    return out


def seed(db: Database) -> tuple[dict[str, int], dict[str, str]]:
    """Events and incidents for every pasted text and every near miss.

    E-mail redaction is switched off first: these texts test search, and an incident typed by hand would
    otherwise keep ``[email]`` where the pasted address was.
    """
    from app.store import redaction

    redaction.set_enabled(db, "email", False)
    texts = [m for ms in HITS.values() for m in ms] + NEAR_MISSES
    return add_events(db, texts), add_incidents(db, texts)


def containing(text: str) -> list[str]:
    """The seeded messages that hold ``text`` as typed (any case)."""
    texts = [m for ms in HITS.values() for m in ms] + NEAR_MISSES
    return [m for m in texts if text.lower() in m.lower()]
