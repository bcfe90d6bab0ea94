"""Replaying the audit trail's article rows and comparing the result with the knowledge base's tables.

Like ``incident_replay``: every change ``app.kb.articles`` makes writes an audit row
carrying the new values, so the replayed trail must equal each article's text and its
pattern links. A difference is an edit, delete or insert made behind the app's back.
Incident links are not compared: deleting an incident drops them (its own audit row
says so), and the trail of the article then rightly still names the incident.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CHECKED: tuple[str, ...] = ("title", "symptoms", "cause", "resolution", "body", "tags", "author")


def _shown(value: Any) -> str:
    return "empty" if value in (None, "", []) else repr(value)


def replay(changes: Iterable[tuple[int, str, str | None, Any, Any]]
           ) -> tuple[dict[str, dict[str, Any]], dict[str, int], list[str]]:
    """(state per article id, audit row that deleted each deleted id, findings about the trail itself)."""
    state: dict[str, dict[str, Any]] = {}
    deleted: dict[str, int] = {}
    findings: list[str] = []
    for seq, action, article, old, new in changes:
        if not article:
            continue
        values = new if isinstance(new, dict) else {}
        if action == "create":
            state[article] = {**{k: values.get(k) for k in CHECKED}, "patterns": set(values.get("patterns") or ())}
            deleted.pop(article, None)
        elif action == "delete":
            if state.pop(article, None) is None:
                findings.append(f"audit row {seq} deletes article {article}, which no earlier audit row created")
            deleted[article] = seq
        elif article not in state:
            findings.append(f"audit row {seq} changes article {article}, which no earlier audit row created")
        elif action == "update":
            state[article].update({k: values[k] for k in CHECKED if k in values})
        elif action == "link":
            state[article]["patterns"] |= set(values.get("patterns") or ())
        elif action == "unlink":
            state[article]["patterns"] -= set((old if isinstance(old, dict) else {}).get("patterns") or ())
    return state, deleted, findings


def compare(changes: Iterable[tuple[int, str, str | None, Any, Any]],
            current: dict[str, dict[str, Any]]) -> list[str]:
    """Findings naming the article and field wherever the tables and the replayed trail differ."""
    state, deleted, findings = replay(changes)
    for article in sorted(set(current) | set(state), key=lambda a: (len(a), a)):
        row, replayed = current.get(article), state.get(article)
        if row is None:
            findings.append(f"article {article} is missing from the database, but the audit trail never deleted it "
                            f"(deleted outside the app)")
        elif replayed is None:
            findings.append(f"article {article} is in the database, but audit row {deleted[article]} deleted it "
                            f"(restored outside the app)" if article in deleted else
                            f"article {article} has no audit row creating it (inserted outside the app)")
        else:
            for field in (*CHECKED, "patterns"):
                want, have = replayed.get(field), row.get(field)
                if field == "patterns":
                    want, have = sorted(want or ()), sorted(have or ())
                if (want or "") != (have or ""):
                    findings.append(f"article {article}: {field} is {_shown(have)} but the audit trail says "
                                    f"{_shown(want)} (changed outside the app)")
    return findings
