"""An article drafted from a resolved incident: what was seen, why, and what fixed it.

The symptoms come from the incident's evidence (its events' patterns, hosts and
times), the cause from its root cause, the resolution from its notes and code. The
draft is linked to those patterns and to the incident, so the next event of the same
shape finds it (``app.kb.suggest``); its author edits it from there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain import timeutil
from app.domain.vocab import Status
from app.kb import KbError, articles
from app.kb.markdown import compose
from app.store import kb as store
from app.store.database import Database

FIXED = (Status.RESOLVED, Status.CLOSED)
MAX_SYMPTOMS = 20  # patterns listed; the rest are counted


def draft_from_incident(db: Database, number: str, actor: str | None = None,
                        now: dt.datetime | str | None = None, zone: dt.tzinfo | None = None) -> int:
    """Write and link a draft article from incident ``number``; returns its id.

    Times are written in ``zone`` (the author's, named in the text, since an article is read
    by people in other zones); UTC when it is ``None``.

    Refused (``KbError``) unless the incident is resolved or closed and says why (root
    cause) or how (resolution notes): a draft with neither would teach nothing.
    """
    with db.transaction():
        incident = articles.incident_row(db, number)
        if incident["status"] not in FIXED:
            raise KbError(f"{incident['number']} is {incident['status']}: only a resolved or closed incident "
                          "can be drafted into an article")
        if not (incident.get("root_cause") or "").strip() and not (incident.get("resolution_notes") or "").strip():
            raise KbError(f"{incident['number']} has neither a root cause nor resolution notes: add one "
                          "(incident update --root-cause / --notes) before drafting")
        evidence = store.evidence_by_pattern(db, incident["id"])
        symptoms = symptoms_text(evidence, zone)
        cause = (incident.get("root_cause") or "").strip()
        resolution = resolution_text(incident)
        intro = f"Drafted from {incident['number']} ({incident['title']}), {_when(incident, zone)}."
        return articles.add(
            db, incident["title"], compose(intro, symptoms, cause, resolution), symptoms=symptoms, cause=cause,
            resolution=resolution, tags=incident.get("tags") or "",
            patterns=[int(r["pattern_id"]) for r in evidence if r["pattern_id"] is not None],
            incidents=[incident["number"]], actor=actor, source_incident=incident["number"], now=now)


def drafted_from(db: Database, number: str) -> int | None:
    """The article already drafted from incident ``number``, so a second request opens it rather than
    writing a copy; ``None`` when there is none (or no such incident)."""
    try:
        return store.drafted_from(db, int(articles.incident_row(db, number)["id"]))
    except KbError:
        return None


def symptoms_text(evidence: list[dict[str, Any]], zone: dt.tzinfo | None = None) -> str:
    """A Markdown list: each pattern's template and an example line, how many events, on which hosts,
    first and last seen (in ``zone``, else UTC as stored)."""
    if not evidence:
        return "No events were linked to the incident."
    lines = []
    for r in evidence[:MAX_SYMPTOMS]:
        shape = f"`{r['template']}`" if r["template"] else f"`{r['sample']}` (not yet grouped into a pattern)"
        hosts = f" on {r['hosts']}" if r["hosts"] else ""
        pattern = f" (pattern #{r['pattern_id']})" if r["pattern_id"] is not None else ""
        lines.append(f"- {shape}{pattern}: {r['n']} event(s){hosts}; first seen {at(r['first'], zone)}, "
                     f"last seen {at(r['last'], zone)}")
        if r["template"] and r["sample"]:
            lines.append(f"  e.g. `{r['sample']}`")  # the literal words (an address, a trunk) people search for
    rest = evidence[MAX_SYMPTOMS:]
    if rest:
        lines.append(f"- and {sum(r['n'] for r in rest)} event(s) of {len(rest)} other shape(s)")
    return "\n".join(lines)


def resolution_text(incident: dict[str, Any]) -> str:
    notes = (incident.get("resolution_notes") or "").strip()
    code = (incident.get("resolution_code") or "").strip()
    return "\n\n".join(part for part in (notes, f"Resolution code: {code}" if code else "") if part)


def at(text: str | None, zone: dt.tzinfo | None) -> str:
    """A stored time as an article says it: the stored UTC text, or local time naming its zone."""
    if not text or zone is None:
        return text or ""
    local = timeutil.from_iso(text).astimezone(zone)
    name = getattr(zone, "key", None) or local.tzname() or local.strftime("UTC%z")
    return f"{local:%Y-%m-%d %H:%M:%S} {name}"


def _when(incident: dict[str, Any], zone: dt.tzinfo | None = None) -> str:
    when = incident.get("resolved_at") or incident.get("closed_at")
    return f"{incident['status']} {at(when, zone)}" if when else str(incident["status"])
