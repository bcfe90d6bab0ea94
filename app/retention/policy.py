"""Which retention policy applies to an event: the most specific one that covers it.

A policy covers an event when its log type is the event's or ``*``, its client is
the event's or unset, and the event's severity is at or below its ``max_severity``
(unset: any). Among those covering, a client beats no client, a named log type beats
``*``, and a severity limit beats none (the narrower limit first). So with the
defaults a debug event of a security log stays 365 days (a log type outranks the
debug rule: the longer, regulatory period wins), and a debug application event 14.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from app.domain import timeutil
from app.domain.vocab import LOG_TYPES, Severity


@dataclass(frozen=True)
class Policy:
    """One row of ``retention_policies``."""

    scope: str  # "events" or "incidents"
    log_type: str  # a log type or "*"
    client: str | None
    max_severity: int | None
    days: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Policy:
        return cls(row["scope"], row["log_type"], row["client"], row["max_severity"], int(row["days"]))

    def covers(self, log_type: str, client: str | None, severity: int) -> bool:
        return (self.scope == "events" and self.log_type in ("*", log_type)
                and (self.client is None or self.client == client)
                and (self.max_severity is None or severity <= self.max_severity))

    def rank(self) -> tuple[bool, bool, bool, int]:
        return (self.client is not None, self.log_type != "*", self.max_severity is not None,
                -(self.max_severity or 0))

    @property
    def label(self) -> str:
        """How people read it: ``security``, ``* up to debug``, ``application for ACME``."""
        text = "incidents (after closing)" if self.scope == "incidents" else self.log_type
        if self.max_severity is not None:
            text += f" up to {Severity(self.max_severity).label}"
        if self.client:
            text += f" for {self.client}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label}


def applicable(policies: Iterable[Policy], log_type: str, client: str | None, severity: int) -> Policy | None:
    """The policy an event of this kind ages under (None: no policy covers it, so it stays)."""
    covering = [p for p in policies if p.covers(log_type, client, severity)]
    return max(covering, key=Policy.rank) if covering else None


def incidents_days(policies: Iterable[Policy], default: int = 730) -> int:
    """Days a closed incident keeps its evidence."""
    return next((p.days for p in policies if p.scope == "incidents"), default)


def cutoff(now: dt.datetime, days: int) -> str:
    """The stored-time bound: events strictly older than this are due."""
    return timeutil.to_iso(now - dt.timedelta(days=days))


def parse_target(log_type: str) -> tuple[str, str, int | None]:
    """``retention set``'s LOG_TYPE: a log type, ``*``, ``incidents``, or a severity word (``debug``: the
    events at or below it, of any type); returns (scope, log type, max severity) or raises ValueError."""
    word = log_type.strip().lower()
    if word in ("incidents", "incident"):
        return "incidents", "*", None
    if word in ("*", "all", "default") or word in LOG_TYPES:
        return "events", "*" if word in ("all", "default") else word, None
    try:
        return "events", "*", int(Severity.parse(word))
    except ValueError:
        raise ValueError(f"{log_type!r}: expected a log type ({', '.join(LOG_TYPES)}), '*', 'incidents' "
                         "or a severity word such as 'debug'") from None


def describe(policies: Iterable[Policy]) -> str:
    """The policies in force in one sentence, for the report's cover: narrowest first, the catch-all last."""
    policies = list(policies)
    events = sorted((p for p in policies if p.scope == "events"), key=Policy.rank, reverse=True)

    def name(p: Policy) -> str:
        if p.rank() == (False, False, False, 0):
            return "every other event"
        return p.label.replace("* ", "any log type ", 1)

    parts = [f"{name(p)} {p.days} days" for p in events]
    days = next((p.days for p in policies if p.scope == "incidents"), None)
    if days is not None:
        parts.append(f"closed incidents' evidence {days} days after closing")
    text = "; ".join(parts) if parts else "none: events are kept until removed by hand"
    return text + ". The audit trail is never shortened; purged events are archived first (retention run)."
