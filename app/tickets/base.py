"""What every ticket tool offers, and the three ways a call can fail.

The outbox decides what to do from the kind of failure alone: ``Transient`` is
tried again later, ``CredentialsRefused`` and ``Rejected`` stop the row with the
server's own words. Messages never carry the secret (``scrub_secret``).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

KINDS: tuple[str, ...] = ("jira", "servicenow", "zendesk")
MAX_MESSAGE = 500


class TicketError(Exception):
    """A ticket call or set-up that did not work, in one line; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Transient(TicketError):
    """Worth another try: a network error, a 5xx, or a 429 (``retry_after`` seconds when the server said)."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class CredentialsRefused(TicketError):
    """401 or 403: the user or secret is wrong or lacks the right; trying again will not help."""


class Rejected(TicketError):
    """Another 4xx: the server refused the request and said why."""


@dataclass(frozen=True)
class Connection:
    """A connection as the tools need it (the secret comes separately, from the keyring or the environment)."""

    name: str
    kind: str
    base_url: str
    project: str | None = None
    user: str | None = None
    auth: str = "basic"
    secret_env: str | None = None
    mapping: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Connection:
        mapping = row.get("mapping") or "{}"
        return cls(row["name"], row["kind"], row["base_url"].rstrip("/"), row.get("project"), row.get("user"),
                   row.get("auth") or "basic", row.get("secret_env"),
                   json.loads(mapping) if isinstance(mapping, str) else dict(mapping))


@dataclass(frozen=True)
class Remote:
    """A ticket as the remote tool holds it: the id its API takes, the key people read, its page, status, assignee."""

    remote_id: str
    key: str
    url: str
    status: str | None = None
    assignee: str | None = None


@dataclass(frozen=True)
class Change:
    """What an update sends: the incident's new values and the notes (comments, resolution) since the last push."""

    fields: dict[str, Any]
    notes: list[str]


class TicketTool(ABC):
    """One tool's REST calls; ``incident`` is an incidents row, ``mapping`` the connection's merged field mapping."""

    kind = ""

    @abstractmethod
    def test(self) -> str:
        """Who the credentials sign in as, from a harmless read endpoint."""

    @abstractmethod
    def create(self, incident: dict[str, Any], evidence: str, idempotency_key: str) -> Remote:
        """Open the ticket; the key goes where a later ``find`` can search for it."""

    @abstractmethod
    def find(self, idempotency_key: str) -> Remote | None:
        """The ticket an earlier, uncertain create may have made, or None."""

    @abstractmethod
    def update(self, remote_id: str, change: Change) -> None:
        """Send changed fields and notes."""

    @abstractmethod
    def fetch(self, remote_id: str) -> Remote:
        """The ticket's current status and assignee."""


def scrub_secret(text: str, secret: str | None) -> str:
    """``text`` cut to one bounded line, with the secret replaced by ``***``."""
    if secret and len(secret) >= 4:  # a shorter one would star out ordinary letters, and guards nothing
        text = text.replace(secret, "***")
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"
