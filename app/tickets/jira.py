"""Jira Cloud and Data Center through REST API v2 (plain-text descriptions and comments).

Create ``POST /rest/api/2/issue`` (the evidence rides along as the first comment,
through the create's ``update.comment``), edit ``PUT /rest/api/2/issue/{key}``, comment
``POST …/comment``, status through ``GET``/``POST …/transitions`` (Jira moves issues
only along its workflow), read ``GET …?fields=status,assignee``, test ``GET /rest/api/2/myself``.
The idempotency key is a label, found again with JQL: through Jira Cloud's
``GET /rest/api/2/search/jql`` (Cloud removed ``/rest/api/2/search`` in 2025, answering
410 Gone), or Data Center's ``/rest/api/2/search`` when the first is not found there.
"""

from __future__ import annotations

from typing import Any

from app.tickets.base import Change, Connection, Rejected, Remote, TicketTool
from app.tickets.http import Http
from app.tickets.mapping import custom_fields, merged, pick, tag

CLOUD_SEARCH = "/rest/api/2/search/jql"
SERVER_SEARCH = "/rest/api/2/search"


class Jira(TicketTool):
    kind = "jira"

    def __init__(self, conn: Connection, http: Http) -> None:
        self.conn, self.http = conn, http
        self.map = merged("jira", conn.mapping)
        self.search_path: str | None = self.map.get("search_path") or None  # learnt on the first search

    def _url(self, key: str) -> str:
        return f"{self.conn.base_url}/browse/{key}"

    def test(self) -> str:
        me = self.http.call("GET", "/rest/api/2/myself")
        return str(me.get("displayName") or me.get("emailAddress") or me.get("name") or "?")

    def _labels(self, incident: dict[str, Any], key: str) -> list[str]:
        labels = [key]
        for field in ("category", "client"):
            if self.map.get(field) == "labels" and incident.get(field):
                labels.append(tag(incident[field]))
        labels += [tag(t) for t in (incident.get("tags") or "").split(",") if t.strip()]
        return list(dict.fromkeys(labels))

    def _fields(self, incident: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if "title" in incident:
            fields["summary"] = str(incident["title"])[:255]
        if "description" in incident:
            fields["description"] = incident.get("description") or ""
        if incident.get("priority") is not None and pick(self.map["priority"], incident["priority"]):
            fields["priority"] = {"name": pick(self.map["priority"], incident["priority"])}
        if self.map.get("category") == "components" and incident.get("category"):
            fields["components"] = [{"name": incident["category"]}]
        fields.update(custom_fields(self.map, incident))
        return fields

    def create(self, incident: dict[str, Any], evidence: str, idempotency_key: str) -> Remote:
        fields = {"project": {"key": self.conn.project}, "issuetype": {"name": self.map["issue_type"]},
                  **self._fields(incident), "labels": self._labels(incident, idempotency_key)}
        body: dict[str, Any] = {"fields": fields}
        if evidence:
            body["update"] = {"comment": [{"add": {"body": evidence}}]}
        made = self.http.call("POST", "/rest/api/2/issue", body=body)
        key = str(made["key"])
        return Remote(key, key, self._url(key), None, None)

    def _search(self, jql: str) -> dict[str, Any]:
        params = {"jql": jql, "fields": "status", "maxResults": 1}
        if self.search_path is None:
            try:
                found: dict[str, Any] = self.http.call("GET", CLOUD_SEARCH, params=params)
            except Rejected as exc:
                if exc.status != 404:
                    raise
                self.search_path = SERVER_SEARCH  # Data Center: no enhanced search here
            else:
                self.search_path = CLOUD_SEARCH
                return found
        result: dict[str, Any] = self.http.call("GET", self.search_path, params=params)
        return result

    def find(self, idempotency_key: str) -> Remote | None:
        found = self._search(f'labels = "{idempotency_key}"')
        issues = found.get("issues") or []
        if not issues:
            return None
        if not issues[0].get("key"):  # an id only: fetch the issue itself for its key
            return self.fetch(str(issues[0]["id"]))
        key = str(issues[0]["key"])
        return Remote(key, key, self._url(key), _name(issues[0].get("fields", {}).get("status")), None)

    def update(self, remote_id: str, change: Change) -> None:
        fields = self._fields(change.fields)
        if fields:
            self.http.call("PUT", f"/rest/api/2/issue/{remote_id}", body={"fields": fields})
        notes = list(change.notes)
        status = change.fields.get("status")
        if status:
            target = str(pick(self.map["status"], status) or status)
            if not self._move(remote_id, target):
                notes.append(f"Status in Issue Ledger: {status} (no transition to {target!r} from here)")
        if notes:
            self.http.call("POST", f"/rest/api/2/issue/{remote_id}/comment", body={"body": "\n\n".join(notes)})

    def _move(self, key: str, target: str) -> bool:
        """Take the workflow transition that leads to ``target``; False when there is none from here."""
        current = _name(self.http.call("GET", f"/rest/api/2/issue/{key}", params={"fields": "status"})
                        .get("fields", {}).get("status"))
        if current and current.casefold() == target.casefold():
            return True
        offered = self.http.call("GET", f"/rest/api/2/issue/{key}/transitions").get("transitions") or []
        for t in offered:
            if target.casefold() in (str(t.get("name", "")).casefold(), _name(t.get("to")).casefold()):
                self.http.call("POST", f"/rest/api/2/issue/{key}/transitions", body={"transition": {"id": t["id"]}})
                return True
        return False

    def fetch(self, remote_id: str) -> Remote:
        got = self.http.call("GET", f"/rest/api/2/issue/{remote_id}", params={"fields": "status,assignee"})
        fields = got.get("fields") or {}
        assignee = fields.get("assignee") or {}
        key = str(got.get("key") or remote_id)
        return Remote(key, key, self._url(key), _name(fields.get("status")) or None,
                      assignee.get("displayName") or assignee.get("name") or None)


def _name(value: Any) -> str:
    return str(value.get("name") or "") if isinstance(value, dict) else ""
