"""The product's fixed vocabulary: log types, severities, statuses and priorities.

Every layer speaks these words, so they live in one place. Severities are an
ordered scale stored as small integers so the store can filter with ``>=``.
"""

from __future__ import annotations

import enum


class LogType(str, enum.Enum):
    """The kinds of log a BPO keeps."""

    APPLICATION = "application"
    SYSTEM = "system"
    NETWORK = "network"
    SECURITY = "security"
    ERROR = "error"
    AUDIT = "audit"
    EVENT = "event"

    @classmethod
    def parse(cls, text: str) -> LogType:
        """Read a log type from user text, with a message that lists the choices."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown log type {text!r}; expected one of {', '.join(LOG_TYPES)}"
            ) from None


class Severity(enum.IntEnum):
    """Ordered severity scale: debug < info < notice < warning < error < critical."""

    DEBUG = 0
    INFO = 1
    NOTICE = 2
    WARNING = 3
    ERROR = 4
    CRITICAL = 5

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a canonical severity name (case-insensitive)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}; expected one of {', '.join(SEVERITIES)}"
            ) from None


class Status(enum.StrEnum):
    """Incident lifecycle states (ITIL style).

    A StrEnum, so a member is equal to (and formats, binds and serialises as) the word stored in the database.
    """

    NEW = "new"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @classmethod
    def parse(cls, text: str) -> Status:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown status {text!r}; expected one of {', '.join(STATUSES)}"
            ) from None


class Priority(enum.IntEnum):
    """Incident priority, P1 the most urgent."""

    P1 = 1
    P2 = 2
    P3 = 3
    P4 = 4

    @property
    def label(self) -> str:
        return PRIORITY_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Priority:
        t = text.strip().upper()
        if t.isdigit():
            t = "P" + t
        try:
            return cls[t[:2]]
        except KeyError:
            raise ValueError(f"unknown priority {text!r}; expected P1, P2, P3 or P4") from None


PRIORITY_LABELS = {
    Priority.P1: "P1 Critical",
    Priority.P2: "P2 High",
    Priority.P3: "P3 Moderate",
    Priority.P4: "P4 Low",
}

LOG_TYPES: tuple[str, ...] = tuple(t.value for t in LogType)
SEVERITIES: tuple[str, ...] = tuple(s.label for s in Severity)
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
# Open incidents still wait on the desk: not yet resolved, closed or cancelled.
OPEN_STATUSES: tuple[Status, ...] = (Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD)

# One colour per severity and per log type, used by tables, charts and reports alike.
# Chosen to stay readable on light and dark backgrounds.
SEVERITY_COLOURS: dict[str, str] = {
    "debug": "#8c8c8c",
    "info": "#3b82f6",
    "notice": "#14b8a6",
    "warning": "#f59e0b",
    "error": "#ef4444",
    "critical": "#a21caf",
}
LOG_TYPE_COLOURS: dict[str, str] = {
    "application": "#2563eb",
    "system": "#16a34a",
    "network": "#ea580c",
    "security": "#dc2626",
    "error": "#9333ea",
    "audit": "#0891b2",
    "event": "#ca8a04",
}
PRIORITY_COLOURS: dict[int, str] = {1: "#dc2626", 2: "#ea580c", 3: "#ca8a04", 4: "#16a34a"}
# Something wrong (a breached SLA, a broken audit chain) in tables and reports; the GUI themes carry it as "error".
ERROR_COLOUR = "#dc2626"


# events.flags: what an event's fields owe to the importer rather than to the line itself.
FLAG_REPLACED = 1
FLAG_TIME_CHOSEN = 4
FLAG_SEVERITY_INFERRED = 8
FLAG_DATE_FROM_FILE = 16
FLAG_CUT = 32
EVENT_FLAGS: dict[int, str] = {
    FLAG_REPLACED: "undecodable bytes (or a lone surrogate, half an emoji) replaced",
    FLAG_TIME_CHOSEN: "time chosen at import (--time-from), not in the line",
    FLAG_SEVERITY_INFERRED: "severity inferred from the message (the line has no level)",
    FLAG_DATE_FROM_FILE: "date taken from the file's modification day (the line has a time of day only)",
    FLAG_CUT: "line longer than 4 MiB, stored cut",
}


def flag_notes(flags: int | None) -> list[str]:
    """The notes an event's flags stand for, in bit order."""
    return [text for bit, text in EVENT_FLAGS.items() if (flags or 0) & bit]
