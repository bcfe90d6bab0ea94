"""Zendesk Support through API v2 tickets.

Create ``POST /api/v2/tickets.json`` (description and evidence as the first, private
comment; the idempotency key as ``external_id``), update ``PUT /api/v2/tickets/{id}.json``
with a private comment, read ``GET /api/v2/tickets/{id}.json?include=users`` (the
assignee's name comes sideloaded), find ``GET /api/v2/tickets.json?external_id=…``,
test ``GET /api/v2/users/me.json``. Authentication is ``{email}/token`` and the API token.
"""

from __future__ import annotations

from typing import Any

from app.tickets.base import Change, Connection, CredentialsRefused, Remote, TicketTool
from app.tickets.http import Http
from app.tickets.mapping import custom_fields, merged, pick, tag


class Zendesk(TicketTool):
    kind = "zendesk"

    def __init__(self, conn: Connection, http: Http) -> None:
        self.conn, self.http = conn, http
        self.map = merged("zendesk", conn.mapping)

    def _url(self, ticket_id: str) -> str:
        return f"{self.conn.base_url}/agent/tickets/{ticket_id}"

    def test(self) -> str:
        me = self.http.call("GET", "/api/v2/users/me.json").get("user") or {}
        if not me.get("id"):  # Zendesk answers an anonymous user when the token is not taken
            raise CredentialsRefused("credentials refused: Zendesk answered as an anonymous user")
        return str(me.get("name") or me.get("email") or me["id"])

    def _fields(self, incident: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "title" in incident:
            out["subject"] = incident["title"]
        if incident.get("priority") is not None:
            out["priority"] = pick(self.map["priority"], incident["priority"])
        if incident.get("status"):
            out["status"] = pick(self.map["status"], incident["status"])
        custom = custom_fields(self.map, incident)
        if custom:
            out["custom_fields"] = [{"id": int(k) if k.isdigit() else k, "value": v} for k, v in custom.items()]
        return {k: v for k, v in out.items() if v is not None}

    def _tags(self, incident: dict[str, Any]) -> list[str]:
        tags = ["issue_ledger"]
        for field in ("category", "client"):
            if self.map.get(field) == "tags" and incident.get(field):
                tags.append(tag(incident[field]).lower())
        return list(dict.fromkeys(tags))

    def create(self, incident: dict[str, Any], evidence: str, idempotency_key: str) -> Remote:
        text = "\n\n".join(t for t in (incident.get("description") or incident.get("title"), evidence) if t)
        ticket = {**self._fields({k: v for k, v in incident.items() if k != "status"}),
                  "comment": {"body": text, "public": False}, "external_id": idempotency_key,
                  "tags": self._tags(incident)}
        if self.conn.project and str(self.conn.project).isdigit():
            ticket["brand_id"] = int(self.conn.project)
        made = self.http.call("POST", "/api/v2/tickets.json", body={"ticket": ticket}).get("ticket") or {}
        return self._remote(made, {})

    def find(self, idempotency_key: str) -> Remote | None:
        found = self.http.call("GET", "/api/v2/tickets.json", params={"external_id": idempotency_key})
        tickets = found.get("tickets") or []
        return self._remote(tickets[0], {}) if tickets else None

    def update(self, remote_id: str, change: Change) -> None:
        ticket = self._fields(change.fields)
        if change.notes:
            ticket["comment"] = {"body": "\n\n".join(change.notes), "public": False}
        if ticket:
            self.http.call("PUT", f"/api/v2/tickets/{remote_id}.json", body={"ticket": ticket})

    def fetch(self, remote_id: str) -> Remote:
        got = self.http.call("GET", f"/api/v2/tickets/{remote_id}.json", params={"include": "users"})
        users = {u.get("id"): u.get("name") for u in got.get("users") or [] if isinstance(u, dict)}
        return self._remote(got.get("ticket") or {}, users)

    def _remote(self, ticket: dict[str, Any], users: dict[Any, Any]) -> Remote:
        ticket_id = str(ticket["id"])
        assignee = ticket.get("assignee_id")
        name = users.get(assignee) or (str(assignee) if assignee else None)
        return Remote(ticket_id, ticket_id, self._url(ticket_id), ticket.get("status"), name)
