"""ServiceNow through the Table API on the incident table.

Create ``POST /api/now/table/incident`` (evidence as ``work_notes``, the idempotency key
as ``correlation_id``), update ``PATCH /api/now/table/incident/{sys_id}``, read
``GET …/{sys_id}?sysparm_fields=state,assigned_to,number`` with display values, test
``GET /api/now/table/sys_user?sysparm_limit=1``. Answers come wrapped in ``result``.
"""

from __future__ import annotations

from typing import Any

from app.tickets.base import Change, Connection, Remote, TicketTool
from app.tickets.http import Http
from app.tickets.mapping import custom_fields, merged, pick

TABLE = "/api/now/table/incident"
READ_FIELDS = "sys_id,number,state,assigned_to"


class ServiceNow(TicketTool):
    kind = "servicenow"

    def __init__(self, conn: Connection, http: Http) -> None:
        self.conn, self.http = conn, http
        self.map = merged("servicenow", conn.mapping)

    def _url(self, sys_id: str) -> str:
        return f"{self.conn.base_url}/nav_to.do?uri=incident.do?sys_id={sys_id}"

    def test(self) -> str:
        found = self.http.call("GET", "/api/now/table/sys_user", params={"sysparm_limit": 1,
                                                                         "sysparm_fields": "user_name"})
        return f"the user table answered ({len(found.get('result') or [])} row)"

    def _fields(self, incident: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "title" in incident:
            out["short_description"] = str(incident["title"])[:160]
        if "description" in incident:
            out["description"] = incident.get("description") or ""
        for field in ("impact", "urgency"):
            if incident.get(field) is not None:
                out[field] = str(pick(self.map[field], incident[field]))
        for field in ("category", "client"):
            target = self.map.get(field)
            if target and incident.get(field):
                out[str(target)] = incident[field]
        status = incident.get("status")
        if status:
            state = pick(self.map["status"], status)
            if state is not None:
                out["state"] = str(state)
                if str(state) == "3":
                    out["hold_reason"] = str(self.map["hold_reason"])
                if str(state) in ("6", "7"):
                    out["close_code"] = pick(self.map["close_code"], incident.get("resolution_code") or "")
                    out["close_notes"] = incident.get("resolution_notes") or "Resolved in Issue Ledger"
        out.update(custom_fields(self.map, incident))
        return out

    def create(self, incident: dict[str, Any], evidence: str, idempotency_key: str) -> Remote:
        body = {**self._fields({k: v for k, v in incident.items() if k != "status"}),
                "correlation_id": idempotency_key, "correlation_display": "Issue Ledger"}
        if self.conn.project:
            body["assignment_group"] = self.conn.project
        if evidence:
            body["work_notes"] = evidence
        made = self.http.call("POST", TABLE, body=body).get("result") or {}
        sys_id = str(made["sys_id"])
        return Remote(sys_id, str(made.get("number") or sys_id), self._url(sys_id), _display(made.get("state")),
                      None)

    def find(self, idempotency_key: str) -> Remote | None:
        found = self.http.call("GET", TABLE, params={"sysparm_query": f"correlation_id={idempotency_key}",
                                                     "sysparm_fields": READ_FIELDS, "sysparm_limit": 1})
        rows = found.get("result") or []
        return self._remote(rows[0]) if rows else None

    def update(self, remote_id: str, change: Change) -> None:
        body = self._fields(change.fields)
        if change.notes:
            body["work_notes"] = "\n\n".join(change.notes)
        if body:
            self.http.call("PATCH", f"{TABLE}/{remote_id}", body=body)

    def fetch(self, remote_id: str) -> Remote:
        got = self.http.call("GET", f"{TABLE}/{remote_id}", params={"sysparm_fields": READ_FIELDS,
                                                                    "sysparm_display_value": "true"})
        return self._remote({"sys_id": remote_id, **(got.get("result") or {})})

    def _remote(self, row: dict[str, Any]) -> Remote:
        sys_id = str(_display(row.get("sys_id")))
        return Remote(sys_id, str(_display(row.get("number")) or sys_id), self._url(sys_id),
                      _display(row.get("state")) or None, _display(row.get("assigned_to")) or None)


def _display(value: Any) -> str:
    """A field as text: with ``sysparm_display_value`` a reference is {"display_value", "link"}; "" when empty."""
    if isinstance(value, dict):
        return str(value.get("display_value") or value.get("value") or "")
    return "" if value is None else str(value)
