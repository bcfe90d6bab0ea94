"""Local fakes of Jira, ServiceNow and Zendesk on pytest-httpserver, after each tool's documented shapes.

Each fake checks the method, path, headers, authentication and JSON fields of every
request (a wrong one is answered 400 and recorded in ``problems``), keeps its tickets
in memory, and can answer the next requests with given statuses (``fail_next``) or
429 with ``Retry-After``. Example bodies come from tests/data/tickets (see its README).
"""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DATA = Path(__file__).parent / "data" / "tickets"


def example(name: str) -> Any:
    return json.loads((DATA / name).read_text("utf-8"))


class Bad(Exception):
    """A request that breaks the documented shape."""


class FakeTool:
    """Shared plumbing: authentication, recording, injected failures; subclasses route the paths."""

    kind = ""

    def __init__(self, server: HTTPServer, user: str | None, secret: str, bearer: bool = False) -> None:
        self.server, self.user, self.secret, self.bearer = server, user, secret, bearer
        self.tickets: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, Any]] = []
        self.problems: list[str] = []
        self.fail_next: list[tuple[int, dict[str, str]]] = []  # (status, headers) for the next requests
        self.fail_writes_only = True
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def expected_auth(self) -> str:
        if self.bearer:
            return f"Bearer {self.secret}"
        return "Basic " + base64.b64encode(f"{self.user}:{self.secret}".encode()).decode()

    def handle(self, request: Request) -> Response:
        body = request.get_json(silent=True) if request.data else None
        self.requests.append((request.method, request.path, body))
        if request.headers.get("Authorization") != self.expected_auth():
            return self.refused()
        if "application/json" not in request.headers.get("Accept", ""):
            return self.bad("Accept: application/json is missing")
        if request.data and "application/json" not in request.headers.get("Content-Type", ""):
            return self.bad("Content-Type: application/json is missing")
        if self.fail_next and (request.method != "GET" or not self.fail_writes_only):
            status, headers = self.fail_next.pop(0)
            return Response(json.dumps(self.error_body(f"injected {status}")), status, headers=headers,
                            content_type="application/json")
        try:
            return self.route(request, body)
        except Bad as exc:
            return self.bad(str(exc))

    def bad(self, why: str) -> Response:
        self.problems.append(why)
        return Response(json.dumps(self.error_body(why)), 400, content_type="application/json")

    def need(self, condition: bool, why: str) -> None:
        if not condition:
            raise Bad(why)

    def json(self, value: Any, status: int = 200) -> Response:
        return Response(json.dumps(value), status, content_type="application/json")

    def writes(self) -> list[tuple[str, str, Any]]:
        return [r for r in self.requests if r[0] != "GET"]

    # each tool
    def route(self, request: Request, body: Any) -> Response:
        raise NotImplementedError

    def refused(self) -> Response:
        raise NotImplementedError

    def error_body(self, message: str) -> Any:
        raise NotImplementedError

    def set_remote(self, ticket_id: str, status: str, assignee: str) -> None:
        raise NotImplementedError


JIRA_FIELDS = {"project", "summary", "description", "issuetype", "priority", "labels", "components"}
JIRA_PRIORITIES = {"Highest", "High", "Medium", "Low", "Lowest"}
JIRA_WORKFLOW = {"To Do": ["In Progress", "Done"], "In Progress": ["To Do", "Done"], "Done": ["To Do"]}
JIRA_TRANSITION_IDS = {"To Do": "11", "In Progress": "21", "Done": "31"}


class FakeJira(FakeTool):
    """Jira Data Center (``cloud`` False: no enhanced search) or Cloud (``cloud``: the old search is gone, 410)."""

    kind = "jira"
    project = "OPS"
    cloud = False

    def refused(self) -> Response:
        return self.json({"errorMessages": ["You are not authenticated. Authentication required to perform this "
                                            "operation."], "errors": {}}, 401)

    def error_body(self, message: str) -> Any:
        return {"errorMessages": [message], "errors": {}}

    def _fields(self, fields: Any, creating: bool) -> None:
        self.need(isinstance(fields, dict), "fields must be an object")
        self.need(set(fields) <= JIRA_FIELDS, f"unknown fields {sorted(set(fields) - JIRA_FIELDS)}")
        if creating:
            self.need(fields.get("project") == {"key": self.project}, "project.key must be the project's key")
            self.need(isinstance(fields.get("summary"), str) and 0 < len(fields["summary"]) <= 255, "summary")
            self.need(isinstance(fields.get("issuetype"), dict) and fields["issuetype"].get("name"), "issuetype.name")
        if "priority" in fields:
            self.need(fields["priority"].get("name") in JIRA_PRIORITIES, f"priority {fields['priority']}")
        if "labels" in fields:
            self.need(all(isinstance(x, str) and " " not in x for x in fields["labels"]), "labels hold no spaces")
        if "description" in fields:
            self.need(isinstance(fields["description"], str), "description is plain text in API v2")

    def route(self, request: Request, body: Any) -> Response:
        path, method = request.path, request.method
        if (method, path) == ("GET", "/rest/api/2/myself"):
            return self.json({"accountId": "5b10a2844c20165700ede21g", "displayName": "Mia Krystof",
                              "emailAddress": self.user, "active": True})
        if (method, path) == ("POST", "/rest/api/2/issue"):
            self.need(isinstance(body, dict) and set(body) <= {"fields", "update"}, "body is {fields, update}")
            self._fields(body.get("fields"), creating=True)
            for c in (body.get("update") or {}).get("comment", []):
                self.need(isinstance(c.get("add", {}).get("body"), str), "update.comment[].add.body")
            n = len(self.tickets) + 1
            key = f"{self.project}-{n}"
            self.tickets[key] = {"fields": body["fields"], "status": "To Do", "assignee": None,
                                 "comments": [c["add"]["body"] for c in (body.get("update") or {}).get("comment", [])]}
            made = example("jira_create_response.json")
            made.update(id=str(10000 + n), key=key, self=f"{self.url}/rest/api/2/issue/{10000 + n}")
            return self.json(made, 201)
        if (method, path) == ("GET", "/rest/api/2/search") and self.cloud:
            return self.json({"errorMessages": ["The requested API has been removed. Please migrate to the "
                                                "/rest/api/3/search/jql API. A full migration guideline is available "
                                                "at https://developer.atlassian.com/changelog/#CHANGE-2046"],
                              "errors": {}}, 410)
        if (method, path) == ("GET", "/rest/api/2/search/jql") and self.cloud:
            jql = request.args.get("jql", "")
            m = re.fullmatch(r'labels = "([^"]+)"', jql)
            self.need(m is not None, f"unexpected JQL {jql!r}")
            self.need("startAt" not in request.args, "the enhanced search pages with nextPageToken, not startAt")
            hits = [k for k, t in self.tickets.items() if m and m.group(1) in t["fields"].get("labels", [])]
            return self.json({"issues": [self._issue(k) for k in hits[:1]], "isLast": True})
        if (method, path) == ("GET", "/rest/api/2/search"):
            jql = request.args.get("jql", "")
            m = re.fullmatch(r'labels = "([^"]+)"', jql)
            self.need(m is not None, f"unexpected JQL {jql!r}")
            hits = [k for k, t in self.tickets.items() if m and m.group(1) in t["fields"].get("labels", [])]
            return self.json({"startAt": 0, "maxResults": 1, "total": len(hits),
                              "issues": [self._issue(k) for k in hits[:1]]})
        m = re.fullmatch(r"/rest/api/2/issue/([A-Z]+-\d+)(/transitions|/comment)?", path)
        if not m or m.group(1) not in self.tickets:
            return self.json({"errorMessages": ["Issue does not exist or you do not have permission to see it."],
                              "errors": {}}, 404)
        key, sub, ticket = m.group(1), m.group(2), self.tickets[m.group(1)]
        if method == "GET" and sub is None:
            return self.json(self._issue(key))
        if method == "PUT" and sub is None:
            self.need(isinstance(body, dict) and set(body) == {"fields"}, "edit body is {fields}")
            self._fields(body["fields"], creating=False)
            ticket["fields"].update(body["fields"])
            return Response(status=204)
        if method == "GET" and sub == "/transitions":
            return self.json({"expand": "transitions", "transitions": [
                {"id": JIRA_TRANSITION_IDS[to], "name": to, "to": {"name": to}}
                for to in JIRA_WORKFLOW[ticket["status"]]]})
        if method == "POST" and sub == "/transitions":
            wanted = (body or {}).get("transition", {}).get("id")
            offered = {JIRA_TRANSITION_IDS[to]: to for to in JIRA_WORKFLOW[ticket["status"]]}
            self.need(wanted in offered, f"transition {wanted} is not offered from {ticket['status']}")
            ticket["status"] = offered[wanted]
            return Response(status=204)
        if method == "POST" and sub == "/comment":
            self.need(isinstance(body, dict) and isinstance(body.get("body"), str) and body["body"], "comment body")
            ticket["comments"].append(body["body"])
            return self.json({"id": str(len(ticket["comments"])), "body": body["body"]}, 201)
        raise Bad(f"{method} {path} is not an endpoint the client should call")

    def _issue(self, key: str) -> dict[str, Any]:
        t = self.tickets[key]
        issue = example("jira_issue.json")
        issue.update(key=key, self=f"{self.url}/rest/api/2/issue/{key}")
        issue["fields"] = {"status": {"name": t["status"]},
                           "assignee": {"displayName": t["assignee"]} if t["assignee"] else None}
        return issue

    def set_remote(self, ticket_id: str, status: str, assignee: str) -> None:
        self.tickets[ticket_id].update(status=status, assignee=assignee)


SN_FIELDS = {"short_description", "description", "impact", "urgency", "state", "category", "company",
             "assignment_group", "correlation_id", "correlation_display", "work_notes", "comments", "close_code",
             "close_notes", "hold_reason", "caller_id"}
SN_STATES = {"1": "New", "2": "In Progress", "3": "On Hold", "6": "Resolved", "7": "Closed", "8": "Canceled"}


class FakeServiceNow(FakeTool):
    kind = "servicenow"

    def refused(self) -> Response:
        return self.json(example("servicenow_error.json"), 401)

    def error_body(self, message: str) -> Any:
        return {"error": {"message": message, "detail": ""}, "status": "failure"}

    def _fields(self, body: Any) -> None:
        self.need(isinstance(body, dict), "body must be an object")
        self.need(set(body) <= SN_FIELDS, f"not incident fields: {sorted(set(body) - SN_FIELDS)}")
        for f in ("impact", "urgency"):
            if f in body:
                self.need(body[f] in ("1", "2", "3"), f"{f} {body[f]!r}")
        if "state" in body:
            self.need(body["state"] in SN_STATES, f"state {body['state']!r}")
            if body["state"] in ("6", "7"):
                self.need(bool(body.get("close_code")) and bool(body.get("close_notes")),
                          "resolving needs close_code and close_notes")
            if body["state"] == "3":
                self.need(bool(body.get("hold_reason")), "On Hold needs hold_reason")

    def route(self, request: Request, body: Any) -> Response:
        path, method = request.path, request.method
        if (method, path) == ("GET", "/api/now/table/sys_user"):
            self.need(request.args.get("sysparm_limit") == "1", "sysparm_limit=1")
            return self.json({"result": [{"user_name": "admin"}]})
        if (method, path) == ("POST", "/api/now/table/incident"):
            self._fields(body)
            self.need(bool(body.get("short_description")), "short_description is required")
            n = len(self.tickets) + 1
            sys_id = f"{n:032x}"
            row = example("servicenow_incident.json")["result"]
            row.update({k: v for k, v in body.items() if k != "work_notes"}, sys_id=sys_id,
                       number=f"INC{10000 + n:07d}")
            row["work_notes_list"] = [body["work_notes"]] if body.get("work_notes") else []
            self.tickets[sys_id] = row
            return self.json({"result": row}, 201)
        if (method, path) == ("GET", "/api/now/table/incident"):
            m = re.fullmatch(r"correlation_id=(.+)", request.args.get("sysparm_query", ""))
            self.need(m is not None, "sysparm_query=correlation_id=…")
            hits = [r for r in self.tickets.values() if m and r.get("correlation_id") == m.group(1)]
            return self.json({"result": [self._shown(r, False) for r in hits[:1]]})
        m = re.fullmatch(r"/api/now/table/incident/([0-9a-f]{32})", path)
        if not m or m.group(1) not in self.tickets:
            return self.json({"error": {"message": "No Record found", "detail": "Record doesn't exist"},
                              "status": "failure"}, 404)
        row = self.tickets[m.group(1)]
        if method == "PATCH":
            self._fields(body)
            if body.get("work_notes"):
                row["work_notes_list"].append(body["work_notes"])
            row.update({k: v for k, v in body.items() if k != "work_notes"})
            return self.json({"result": row})
        if method == "GET":
            return self.json({"result": self._shown(row, request.args.get("sysparm_display_value") == "true")})
        raise Bad(f"{method} {path} is not an endpoint the client should call")

    def _shown(self, row: dict[str, Any], display: bool) -> dict[str, Any]:
        out = {"sys_id": row["sys_id"], "number": row["number"], "state": row["state"], "assigned_to": ""}
        if display:
            out["state"] = SN_STATES.get(row["state"], row["state"])
            if row.get("assigned_to"):
                out["assigned_to"] = {"display_value": row["assigned_to"],
                                      "link": f"{self.url}/api/now/table/sys_user/abc"}
        return out

    def set_remote(self, ticket_id: str, status: str, assignee: str) -> None:
        code = next(k for k, v in SN_STATES.items() if v == status)
        self.tickets[ticket_id].update(state=code, assigned_to=assignee)


ZD_FIELDS = {"subject", "comment", "priority", "status", "external_id", "tags", "brand_id", "custom_fields"}
ZD_PRIORITIES = {"low", "normal", "high", "urgent"}
ZD_STATUSES = {"new", "open", "pending", "hold", "solved"}


class FakeZendesk(FakeTool):
    kind = "zendesk"

    def expected_auth(self) -> str:
        return "Basic " + base64.b64encode(f"{self.user}/token:{self.secret}".encode()).decode()

    def refused(self) -> Response:
        return self.json({"error": "Couldn't authenticate you"}, 401)

    def error_body(self, message: str) -> Any:
        return {"error": "RecordInvalid", "description": message, "details": {}}

    def _ticket(self, body: Any, creating: bool) -> dict[str, Any]:
        self.need(isinstance(body, dict) and set(body) == {"ticket"}, "body is {ticket}")
        t = body["ticket"]
        self.need(set(t) <= ZD_FIELDS, f"unknown ticket fields {sorted(set(t) - ZD_FIELDS)}")
        if creating:
            self.need(isinstance(t.get("comment"), dict) and bool(t["comment"].get("body")), "comment.body")
        if "comment" in t:
            self.need(set(t["comment"]) <= {"body", "public"} and isinstance(t["comment"].get("public"), bool),
                      "comment is {body, public}")
        if "priority" in t:
            self.need(t["priority"] in ZD_PRIORITIES, f"priority {t['priority']!r}")
        if "status" in t:
            self.need(t["status"] in ZD_STATUSES, f"status {t['status']!r}")
        if "tags" in t:
            self.need(all(" " not in x for x in t["tags"]), "tags hold no spaces")
        return dict(t)

    def route(self, request: Request, body: Any) -> Response:
        path, method = request.path, request.method
        if (method, path) == ("GET", "/api/v2/users/me.json"):
            return self.json({"user": {"id": 1, "name": "Sample Agent", "email": self.user, "role": "agent"}})
        if (method, path) == ("POST", "/api/v2/tickets.json"):
            t = self._ticket(body, creating=True)
            ticket_id = 35436 + len(self.tickets)
            row = example("zendesk_ticket.json")["ticket"]
            row.update({k: v for k, v in t.items() if k != "comment"}, id=ticket_id,
                       url=f"{self.url}/api/v2/tickets/{ticket_id}.json")
            row["status"] = t.get("status", "new")
            row["comments"] = [t["comment"]["body"]]
            self.tickets[str(ticket_id)] = row
            return self.json({"ticket": self._public(row)}, 201)
        if (method, path) == ("GET", "/api/v2/tickets.json"):
            key = request.args.get("external_id")
            self.need(bool(key), "external_id")
            hits = [self._public(r) for r in self.tickets.values() if r.get("external_id") == key]
            return self.json({"tickets": hits, "next_page": None, "previous_page": None, "count": len(hits)})
        m = re.fullmatch(r"/api/v2/tickets/(\d+)\.json", path)
        if not m or m.group(1) not in self.tickets:
            return self.json({"error": "RecordNotFound", "description": "Not found"}, 404)
        row = self.tickets[m.group(1)]
        if method == "PUT":
            t = self._ticket(body, creating=False)
            if "comment" in t:
                row["comments"].append(t.pop("comment")["body"])
            row.update(t)
            return self.json({"ticket": self._public(row), "audit": {"events": []}})
        if method == "GET":
            out: dict[str, Any] = {"ticket": self._public(row)}
            if request.args.get("include") == "users" and row.get("assignee_id"):
                out["users"] = [{"id": row["assignee_id"], "name": row["assignee_name"]}]
            return self.json(out)
        raise Bad(f"{method} {path} is not an endpoint the client should call")

    def _public(self, row: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in row.items() if k not in ("comments", "assignee_name")}

    def set_remote(self, ticket_id: str, status: str, assignee: str) -> None:
        self.tickets[ticket_id].update(status=status, assignee_id=901, assignee_name=assignee)


FAKES = {"jira": FakeJira, "servicenow": FakeServiceNow, "zendesk": FakeZendesk}
REMOTE_CHANGE = {"jira": "In Progress", "servicenow": "In Progress", "zendesk": "pending"}
