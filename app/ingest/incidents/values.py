"""Reading cell values: missing markers, ``2 - High`` levels, priority words, state names."""

from __future__ import annotations

import re
from typing import Any

from app.domain.vocab import LOG_TYPES, Status

MISSING = {"", "?", "n/a", "na", "-", "--", "null", "none", "nil", "#n/a"}

LEVEL_WORDS = {"high": 1, "critical": 1, "medium": 2, "moderate": 2, "normal": 2, "low": 3}
PRIORITY_WORDS = {"critical": 1, "highest": 1, "urgent": 1, "blocker": 1, "high": 2, "major": 2, "moderate": 3,
                  "medium": 3, "normal": 3, "low": 4, "lowest": 4, "minor": 4, "trivial": 4, "planning": 4}
# State names other tools use (lower case, single spaces) → our status.
STATUS_WORDS: dict[str, Status] = {
    **dict.fromkeys(("new", "open", "to do", "todo", "backlog", "logged", "opened"), Status.NEW),
    **dict.fromkeys(("active", "in progress", "work in progress", "wip", "assigned", "investigating", "in review",
                     "ongoing"), Status.IN_PROGRESS),
    **dict.fromkeys(("on hold", "hold", "pending", "waiting", "blocked"), Status.ON_HOLD),
    **dict.fromkeys(("resolved", "fixed", "done", "restored"), Status.RESOLVED),
    **dict.fromkeys(("closed", "complete", "completed"), Status.CLOSED),
    **dict.fromkeys(("cancelled", "canceled", "won't do", "wont do", "duplicate", "rejected", "withdrawn"),
                    Status.CANCELLED),
}
# ServiceNow's incident state codes, as exports without display values carry them.
SERVICENOW_STATE_CODES: dict[str, Status] = {"1": Status.NEW, "2": Status.IN_PROGRESS, "3": Status.ON_HOLD,
                                             "6": Status.RESOLVED, "7": Status.CLOSED, "8": Status.CANCELLED}
LOG_TYPE_WORDS = {"app": "application", "sys": "system", "net": "network", "sec": "security", "err": "error",
                  "infra": "system", "infrastructure": "system", "telephony": "network", "voice": "network"}


class ValueProblem(ValueError):
    """A cell that cannot be read for its field."""


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in MISSING)


def _override(value: str, overrides: dict[str, Any] | None) -> Any:
    if not overrides:
        return None
    for k, v in overrides.items():
        if k.strip().lower() == value.strip().lower():
            return v
    return None


def _leading_number(text: str) -> int | None:
    m = re.match(r"^\s*(?:p|sev|s|severity|priority)?\s*(\d)\b", text.lower())
    return int(m.group(1)) if m else None


def level(value: Any, field: str, overrides: dict[str, Any] | None = None) -> int:
    """Impact or urgency, 1 high … 3 low: ``2 - Medium``, ``2``, ``Medium``."""
    text = str(value).strip()
    mapped = _override(text, overrides)
    if mapped is not None:
        return int(mapped)
    n = _leading_number(text)
    if n is None:
        word = re.sub(r"^\d+\s*-\s*", "", text).strip().lower()
        n = LEVEL_WORDS.get(word)
    if n not in (1, 2, 3):
        raise ValueProblem(f"{text!r} is not an {field} of 1 (high), 2 (medium) or 3 (low)")
    return n


def priority(value: Any, overrides: dict[str, Any] | None = None) -> int:
    """P1-P4 from ``1 - Critical``, ``P2``, ``Sev 3``, ``High`` (Jira words too); ServiceNow's 5 is P4."""
    text = str(value).strip()
    mapped = _override(text, overrides)
    if mapped is not None:
        return int(str(mapped).upper().lstrip("P"))
    n = _leading_number(text)
    if n is None:
        n = PRIORITY_WORDS.get(re.sub(r"^\d+\s*-\s*", "", text).strip().lower())
    if n == 5:
        n = 4
    if n not in (1, 2, 3, 4):
        raise ValueProblem(f"{text!r} is not a priority P1-P4")
    return n


def status(value: Any, overrides: dict[str, Any] | None = None) -> str:
    """Our status from a state name (``Awaiting User Info`` → on-hold)."""
    text = str(value).strip()
    mapped = _override(text, overrides)
    if mapped is not None:
        return str(mapped)
    key = " ".join(re.sub(r"[_\-]+", " ", text.lower()).split())
    if key in SERVICENOW_STATE_CODES:
        return SERVICENOW_STATE_CODES[key]
    if key in STATUS_WORDS:
        return STATUS_WORDS[key]
    if key.startswith(("awaiting", "pending", "waiting", "on hold")):
        return Status.ON_HOLD
    raise ValueProblem(f"unknown state {text!r}; map it in a profile (e.g. {text!r} → in-progress)")


def log_type(value: Any, overrides: dict[str, Any] | None = None) -> str:
    text = str(value).strip()
    mapped = _override(text, overrides)
    if mapped is not None:
        return str(mapped)
    key = text.lower().replace(" logs", "").replace(" log", "").strip()
    key = LOG_TYPE_WORDS.get(key, key)
    if key not in LOG_TYPES:
        raise ValueProblem(f"unknown log type {text!r}; expected one of {', '.join(LOG_TYPES)}")
    return key


def whole_number(value: Any, field: str) -> int:
    try:
        f = float(str(value).replace(",", "").strip())
    except ValueError:
        raise ValueProblem(f"{value!r} is not a number of {field.replace('_', ' ')}") from None
    if f < 0 or f != int(f):
        raise ValueProblem(f"{value!r} is not a whole number of {field.replace('_', ' ')}")
    return int(f)


def minutes(value: Any) -> float:
    """Minutes from ``90``, ``90.5`` or ``1:30`` (hours:minutes)."""
    text = str(value).strip()
    m = re.fullmatch(r"(\d+):(\d{2})", text)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2))
    try:
        f = float(text.replace(",", ""))
    except ValueError:
        raise ValueProblem(f"{text!r} is not a number of minutes") from None
    if f < 0:
        raise ValueProblem(f"{text!r} is negative")
    return f


def text(value: Any) -> str:
    return str(value).strip()
