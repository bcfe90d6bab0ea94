"""From a table to a plan: what each row would create, skip or reject, and why.

Nothing is written here; ``apply`` writes a plan with rejected rows only when
asked to skip them, and then keeps them in the import's record.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain import incidents as rules
from app.domain.priority import priority_for
from app.domain.vocab import Status
from app.ingest.incidents import dates, values as conv
from app.ingest.incidents.columns import DATE_FIELDS, apply_profile, auto_map
from app.ingest.incidents.history import Row, fold
from app.ingest.incidents.reader import SheetError, Table, read_table

# Fields whose unknown values the user can map to one of ours (the dialog offers pickers for them).
MAPPABLE_FIELDS = ("status", "priority", "impact", "urgency")

# A priority alone gives these impact × urgency pairs (they map back to it in the default matrix).
IMPACT_URGENCY_FOR_PRIORITY = {1: (1, 1), 2: (1, 2), 3: (2, 2), 4: (3, 3)}


@dataclass
class ImportOptions:
    """How to read the file: column corrections, value maps, date order, zone, defaults."""

    columns: dict[str, str | None] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    date_order: str | None = None
    zone: str = "UTC"
    default_log_type: str = "event"
    default_client: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "values": self.values, "date_order": self.date_order, "zone": self.zone,
                "default_log_type": self.default_log_type, "default_client": self.default_client}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportOptions:
        known = {"columns", "values", "date_order", "zone", "default_log_type", "default_client"}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Reject:
    """A row left out: its line, the field at fault, why, and the cell text that could not be read."""

    line: int
    field: str | None
    reason: str
    key: str | None = None
    value: str | None = None
    raw: str | None = None


@dataclass
class Planned:
    """One incident the import would create."""

    line: int
    record: dict[str, Any]
    holds: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    note: str = ""


@dataclass
class ImportPlan:
    path: Path
    kind: str
    headers: list[str]
    mapping: dict[int, str]
    options: ImportOptions
    notes: list[str] = field(default_factory=list)
    incidents: list[Planned] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, key, existing number)
    read: int = 0  # data rows in the file

    @property
    def ok(self) -> bool:
        return not self.rejects

    def unknown_values(self) -> list[tuple[str, str, int]]:
        """(field, text, rows) for each status, priority, impact or urgency value no rule knows."""
        counts = Counter((r.field, r.value) for r in self.rejects if r.field in MAPPABLE_FIELDS and r.value)
        return [(f or "", v or "", n) for (f, v), n in sorted(counts.items())]

    def columns(self) -> dict[str, str]:
        return {self.headers[i]: f for i, f in self.mapping.items()}

    def report_rows(self) -> list[dict[str, Any]]:
        """One line per incident or rejected row, in file order, for the dry run."""
        out = [{"line": p.line, "key": p.record.get("external_key"), "verdict": "create",
                "title": p.record.get("title"), "status": p.record.get("status"),
                "priority": p.record.get("priority"), "reason": p.note} for p in self.incidents]
        out += [{"line": r.line, "key": r.key, "verdict": "reject", "title": None, "status": None, "priority": None,
                 "reason": f"{r.field}: {r.reason}" if r.field else r.reason} for r in self.rejects]
        out += [{"line": line, "key": key, "verdict": "skip", "title": None, "status": None, "priority": None,
                 "reason": f"already imported as {number}"} for line, key, number in self.skipped]
        return sorted(out, key=lambda r: r["line"])


def detect_kind(headers: list[str], mapping: dict[int, str], table: Table) -> str:
    names = {h.strip().lower() for h in headers}
    fields = set(mapping.values())
    keyed = "external_key" in fields
    if keyed and ({"update_seq", "updated_at"} & fields):
        key_col = next(i for i, f in mapping.items() if f == "external_key")
        keys = [r[key_col] for r in table.rows if key_col < len(r)]
        if len(set(keys)) < len(keys):
            return "servicenow-eventlog" if "incident_state" in names else "event-log"
    if "issue key" in names and "summary" in names:
        return "jira"
    if "number" in names and ({"incident_state", "state"} & names):
        return "servicenow"
    return "sheet"


def build_plan(path: Path, options: ImportOptions, existing_keys: dict[str, str] | None = None,
               matrix: dict[int, dict[int, int]] | None = None, table: Table | None = None) -> ImportPlan:
    """Read ``path`` and decide, row by row, what an import would do. Raises ``SheetError`` for unusable files."""
    from app.domain import timeutil

    table = table or read_table(path)
    try:
        mapping = apply_profile(table.headers, auto_map(table.headers), options.columns)
        zone = timeutil.get_zone(options.zone)
    except ValueError as exc:
        raise SheetError(f"{path}: {exc}") from None
    fields = set(mapping.values())
    plan = ImportPlan(path, detect_kind(table.headers, mapping, table), table.headers, mapping, options)
    if "opened_at" not in fields:
        raise SheetError(f"{path}: no column holds the opened time; map one (e.g. --map \"Created=opened_at\")")
    if "title" not in fields and "external_key" not in fields:
        raise SheetError(f"{path}: no column holds a title or a ticket key; map one (e.g. --map \"Summary=title\")")
    if "priority" not in fields and not {"impact", "urgency"} <= fields:
        raise SheetError(f"{path}: no priority column and no impact and urgency columns; map them")
    if "title" not in fields:
        plan.notes.append("no title column: titles are built from the ticket key, category and subcategory")
    if "log_type" not in fields:
        plan.notes.append(f"no log type column: every incident gets log type {options.default_log_type!r}")
    decisions: dict[int, dates.Decision] = {}
    for i, f in mapping.items():
        if f in DATE_FIELDS:
            try:
                decisions[i] = dates.decide(table.column(table.headers[i]), options.date_order, table.lines)
            except conv.ValueProblem as exc:
                raise SheetError(f"{path}: column {table.headers[i]!r}: {exc}; set the date order "
                                 "(--date-order dmy or mdy) to read it one way and reject the other") from None
            if decisions[i].note:
                plan.notes.append(f"dates in {table.headers[i]!r}: {decisions[i].note}")
    rows: list[Row] = []
    plan.read = len(table.rows)
    memo: dict[tuple[int, Any], Any] = {}
    for cells, line in zip(table.rows, table.lines):
        row, problems = _convert(cells, line, table.headers, mapping, decisions, options, zone, memo)
        plan.rejects += problems
        if not problems:
            rows.append(row)
    _group(plan, rows, existing_keys or {}, matrix)
    if plan.rejects:
        cells_by_line = dict(zip(table.lines, table.rows))
        for r in plan.rejects:
            r.raw = _as_csv(cells_by_line.get(r.line))
    return plan


def _as_csv(cells: list[Any] | None) -> str | None:
    """The row as one CSV line, as kept with a reject (XLSX rows too)."""
    if cells is None:
        return None
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(["" if c is None else c for c in cells])
    return out.getvalue()


def _read_cell(f: str, value: Any, order: str | None, maps: dict[str, Any] | None, zone: dt.tzinfo) -> Any:
    """One mapped cell as its field's value; raises ``ValueProblem``."""
    if f in DATE_FIELDS:
        return dates.parse(value, order or "dmy", zone)
    if f in ("impact", "urgency"):
        return conv.level(value, f, maps)
    if f == "priority":
        return conv.priority(value, maps)
    if f == "status":
        return conv.status(value, maps)
    if f == "log_type":
        return conv.log_type(value, maps)
    if f in ("affected_seats", "update_seq"):
        return conv.whole_number(value, f)
    if f == "downtime_minutes":
        return conv.minutes(value)
    return conv.text(value)


def _convert(cells: list[Any], line: int, headers: list[str], mapping: dict[int, str],
             decisions: dict[int, dates.Decision], options: ImportOptions,
             zone: dt.tzinfo, memo: dict[tuple[int, Any], Any] | None = None) -> tuple[Row, list[Reject]]:
    """One row's fields; ``memo`` remembers each column's readings, since exports repeat their cells a lot."""
    row = Row(line, {})
    problems: list[Reject] = []
    tags: list[str] = []
    memo = {} if memo is None else memo
    for i, value in enumerate(cells):
        f = mapping.get(i)
        if f is None:
            if i < len(headers) and not conv.is_missing(value):
                row.extra[headers[i]] = value if isinstance(value, (int, float, str)) else str(value)
            continue
        if conv.is_missing(value):
            continue
        if f == "tags":
            tags.append(conv.text(value))
            continue
        if f == "status":
            row.raw_status = conv.text(value)
        key = (i, value)
        got = memo.get(key) if isinstance(value, str) else None
        if got is None:
            try:
                got = _read_cell(f, value, decisions[i].order if i in decisions else None, options.values.get(f),
                                 zone)
            except conv.ValueProblem as exc:
                got = exc
            if isinstance(value, str):
                memo[key] = got
        if isinstance(got, conv.ValueProblem):
            problems.append(Reject(line, f, str(got), value=conv.text(value)))
        else:
            row.values[f] = got
    if tags:
        row.values["tags"] = ",".join(tags)
    opened, updated = row.values.get("opened_at"), row.values.get("updated_at")
    if opened and updated and updated < opened:
        problems.append(Reject(line, "updated_at", f"update at {updated} is before the incident was opened "
                                                   f"({opened})"))
    for p in problems:
        p.key = row.values.get("external_key")
    return row, problems


def _group(plan: ImportPlan, rows: list[Row], existing: dict[str, str],
           matrix: dict[int, dict[int, int]] | None) -> None:
    event_log = plan.kind in ("servicenow-eventlog", "event-log")
    groups: dict[str, list[Row]] = {}
    order: list[str] = []
    for r in rows:
        key = r.values.get("external_key") or f"line {r.line}"
        if key not in groups:
            groups[key] = []
            order.append(key)
        elif not event_log:
            first = groups[key][0].line
            plan.rejects.append(Reject(r.line, "external_key", f"{key!r} already appears on line {first}", key))
            continue
        groups[key].append(r)
    for key in order:
        group = groups[key]
        if key in existing:
            plan.skipped.append((group[0].line, key, existing[key]))
            continue
        if event_log:
            latest, ack, holds, history = fold(group)
        else:
            latest, ack, holds, history = group[0], group[0].values.get("acknowledged_at"), [], []
        planned = Planned(latest.line, {}, holds, history, latest.extra, [r.line for r in group])
        try:
            planned.record = _record(latest, ack, plan.options, matrix, planned)
        except rules.IncidentError as exc:
            plan.rejects.append(Reject(latest.line, exc.field, exc.detail, latest.values.get("external_key")))
            continue
        plan.incidents.append(planned)


def _record(row: Row, ack: str | None, options: ImportOptions, matrix: dict[int, dict[int, int]] | None,
            planned: Planned) -> dict[str, Any]:
    v = dict(row.values)
    if not v.get("opened_at"):  # the column exists (the file was refused otherwise) but this row's cell is empty
        raise rules.IncidentError("no opened time: the cell is empty", "opened_at")
    rec: dict[str, Any] = {k: v.get(k) for k in rules.EDITABLE_FIELDS if v.get(k) is not None}
    if not rec.get("title"):
        parts = [v.get("external_key"), v.get("category"), v.get("subcategory")]
        rec["title"] = " / ".join(str(p) for p in parts if p) or f"Imported incident (line {row.line})"
    rec.setdefault("description", "")
    rec.setdefault("tags", "")
    rec.setdefault("log_type", options.default_log_type)
    if options.default_client and not rec.get("client"):
        rec["client"] = options.default_client
    priority = v.get("priority")
    if "impact" not in rec or "urgency" not in rec:
        if priority is None:
            raise rules.IncidentError("no priority and no impact/urgency", "priority")
        impact, urgency = IMPACT_URGENCY_FOR_PRIORITY[priority]
        rec.setdefault("impact", impact)
        rec.setdefault("urgency", urgency)
    rec["priority"] = priority or int(priority_for(rec["impact"], rec["urgency"], matrix))
    status = v.get("status") or (Status.CLOSED if v.get("closed_at") else Status.RESOLVED if v.get("resolved_at")
                                 else Status.NEW)
    rec["status"] = status
    rec["acknowledged_at"] = ack if status != Status.NEW else None
    rec["resolved_at"], rec["closed_at"] = v.get("resolved_at"), v.get("closed_at")
    dropped = []
    if status in rules.TRANSITIONS and status not in (Status.RESOLVED, Status.CLOSED) and rec["resolved_at"]:
        dropped.append(f"resolved time {rec['resolved_at']}")
        rec["resolved_at"] = None
    if status not in rules.FINAL_STATUSES and rec["closed_at"]:
        dropped.append(f"closed time {rec['closed_at']}")
        rec["closed_at"] = None
    if status == Status.CLOSED and not rec["resolved_at"]:
        rec["resolved_at"] = rec["closed_at"]
    if dropped:
        planned.note = f"state is {status}: {' and '.join(dropped)} kept in the import audit entry"
        planned.extra["dropped"] = dropped
    if status == Status.ON_HOLD:
        rec["hold_reason"] = v.get("hold_reason") or row.raw_status or "on hold"
    rules.validate(rec)
    return rec
