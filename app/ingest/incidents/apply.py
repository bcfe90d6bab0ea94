"""Writing a plan: all incidents in one transaction, or none when any row was rejected.

Asked to skip invalid rows, the good rows are written and the rejected ones kept,
with line and reason, in the import's record (``app.store.incident_imports``).
Each incident gets an ``import`` audit row (its record, source line and the cells
no field took), each update row of an event-log export a ``history`` row, and the
file one ``import`` row with its hash, counts and rejects.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain import timeutil
from app.domain.jobs import Progress
from app.domain.redaction import redact_values
from app.ingest.incidents.plan import ImportOptions, ImportPlan, build_plan
from app.store import audit, incident_imports, incidents as store, redaction as redaction_store
from app.store.database import Database
from app.store.settings import INCIDENT_IMPORT_PROFILES


class ImportRefused(ValueError):
    """The plan has rejected rows, so nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    created: list[str]
    skipped: int
    first: str | None
    last: str | None
    import_id: int | None = None
    rejected: int = 0


def plan_file(db: Database, path: Path, options: ImportOptions) -> ImportPlan:
    """Build the plan against this database (already-imported keys are skipped)."""
    from app.incidents.service import priority_matrix
    from app.ingest.incidents.columns import apply_profile, auto_map
    from app.ingest.incidents.reader import SheetError, read_table

    table = read_table(path)
    try:
        mapping = apply_profile(table.headers, auto_map(table.headers), options.columns)
    except ValueError as exc:
        raise SheetError(f"{path}: {exc}") from None
    col = next((i for i, f in mapping.items() if f == "external_key"), None)
    keys = [str(r[col]) for r in table.rows if col is not None and col < len(r) and r[col]]
    return build_plan(path, options, store.existing_external_keys(db, keys), priority_matrix(db), table=table)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def apply_plan(db: Database, plan: ImportPlan, progress: Progress | None = None,
               skip_invalid: bool = False) -> ImportResult:
    """Create every planned incident in one transaction.

    A plan with rejects is refused unless ``skip_invalid``: then the good rows
    are written and the rejected ones recorded with the import.
    """
    if not plan.ok and not skip_invalid:
        bad = plan.rejects[0]
        raise ImportRefused(f"{plan.path.name}: {len(plan.rejects)} row(s) rejected (first: line {bad.line}, "
                            f"{bad.field or 'row'}: {bad.reason}); nothing was imported")
    stamp = timeutil.now_iso()
    created: list[str] = []
    total = len(plan.incidents)
    trail: list[tuple[str, str, str, Any, Any]] = []
    tally: Counter[str] = Counter()
    with db.transaction():
        redactor = redaction_store.redactor(db)
        numbers = store.next_numbers(db, total)
        for n, (p, number) in enumerate(zip(plan.incidents, numbers), start=1):
            # Every text of the row is redacted (the record, cells no field took, history notes), not only
            # the free-text fields: a sheet's columns are whatever its exporter chose.
            rules = redactor.for_client(p.record.get("client"))
            record = dict(redact_values(p.record, rules, tally=tally), number=number, created_at=stamp,
                          updated_at=stamp)
            extra = redact_values(p.extra, rules, tally=tally)
            history = [redact_values(h, rules, tally=tally) for h in p.history]
            incident_id = store.insert(db, record)
            if p.holds:
                store.add_holds(db, [(incident_id, s, e, r and rules.redact(r, tally)) for s, e, r in p.holds])
            trail.append(("import", "incident", number, None, {
                **{k: v for k, v in record.items() if v not in (None, "")},
                "source": plan.path.name, "lines": p.lines, "extra": extra}))
            trail += [("history", "incident", number, None, {k: v for k, v in h.items() if v is not None})
                      for h in history]
            created.append(number)
            if progress and n % 50 == 0:
                progress.report(n, total, f"{n} of {total} incidents")
        audit.append_many(db, trail)
        first, last = (created[0], created[-1]) if created else (None, None)
        rejects = [(r.line, r.key, r.field, redactor.redact(r.reason), r.raw and redactor.redact(r.raw, tally=tally))
                   for r in plan.rejects]
        summary = {"file": plan.path.name, "path": str(plan.path), "sha256": _sha256(plan.path), "kind": plan.kind,
                   "read": plan.read, "created": len(created), "updated": 0, "skipped": len(plan.skipped),
                   "rejected": len(plan.rejects), "first": first, "last": last}
        import_id = incident_imports.record(
            db, {**summary, "options": plan.options.to_dict(), "started_at": stamp,
                 "finished_at": timeutil.now_iso(), "actor": audit.current_actor()},
            rejects)
        audit.append(db, "import", "incident-file", plan.path.name, new={
            **summary, "file": str(plan.path), "import_id": import_id, "columns": plan.columns(),
            "options": plan.options.to_dict(),
            "rejects": [{"line": line, "field": fld, "reason": reason} for line, _k, fld, reason, _r in rejects],
            **({"redacted": dict(tally)} if tally else {})})
    return ImportResult(created, len(plan.skipped), first, last, import_id, len(plan.rejects))


def import_file(db: Database, path: Path, options: ImportOptions, dry_run: bool = False,
                progress: Progress | None = None, skip_invalid: bool = False) -> tuple[ImportPlan, ImportResult | None]:
    """Plan, and unless ``dry_run``, apply."""
    plan = plan_file(db, path, options)
    if dry_run:
        return plan, None
    return plan, apply_plan(db, plan, progress, skip_invalid)


def profiles(db: Database) -> dict[str, dict[str, Any]]:
    return dict(INCIDENT_IMPORT_PROFILES.read(db) or {})


def load_profile(db: Database, name: str) -> ImportOptions:
    saved = profiles(db)
    if name not in saved:
        known = ", ".join(sorted(saved)) or "none saved yet"
        raise KeyError(f"no import profile named {name!r} ({known})")
    return ImportOptions.from_dict(saved[name])


def save_profile(db: Database, name: str, options: ImportOptions) -> None:
    """Keep a mapping for next time; the change is audited."""
    with db.transaction():
        saved = profiles(db)
        old = saved.get(name)
        saved[name] = options.to_dict()
        INCIDENT_IMPORT_PROFILES.write(db, saved)
        audit.append(db, "update", "settings", f"{INCIDENT_IMPORT_PROFILES.key}/{name}", old=old, new=saved[name])
