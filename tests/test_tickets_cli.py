"""Tickets through the real CLI in subprocesses, against local fakes of Jira, ServiceNow and Zendesk.

Done when (issue 21): per tool, create → update → pull a remote status change, every request
checked against the tool's documented fields; 503 twice then 201 makes one ticket; a server
down keeps the push in the outbox until ``outbox retry``; 401 says "credentials refused".
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from app.store.database import Database
from ticket_fakes import FAKES, REMOTE_CHANGE, FakeTool
from ticket_helpers import SECRET, USER, _ok, cli, keyring_env, server  # noqa: F401 - fixtures


def _incident(cli: Callable[..., Any], tmp_path: Path) -> str:
    """INC-000001 with three linked events as evidence."""
    log = tmp_path / "dialer.log"
    log.write_text("".join(f"Dec  1 10:0{i}:00 dialer01 asterisk[311]: DPD timeout on trunk 7 peer 10.2.3.{i}\n"
                           for i in range(3)), "utf-8")
    _ok(cli("import", "--year", "2026", log))
    events = json.loads(_ok(cli("events", "--output", "json")))
    links = [a for e in events for a in ("--event", str(e["id"]))]
    made = json.loads(_ok(cli("incident", "add", "--title", "Dialer calls dropping on trunk 7", "--type", "network",
                              "--impact", "2", "--urgency", "1", "--client", "Acme Telecom", "--category", "telephony",
                              *links, "--output", "json")))
    return str(made["number"])


def _connect(cli: Callable[..., Any], kind: str, fake: FakeTool, name: str = "desk") -> None:
    args = ["connections", "add", name, "--kind", kind, "--url", fake.url, "--user", USER]
    if kind == "jira":
        args += ["--project", "OPS"]
    out = _ok(cli(*args, input=SECRET + "\n"))
    assert "keyring" in out


@pytest.mark.parametrize("kind", sorted(FAKES))
def test_create_update_and_pull_follow_each_tools_documented_fields(
        kind: str, cli: Callable[..., Any], server: HTTPServer, tmp_path: Path) -> None:
    fake = FAKES[kind](server, USER, SECRET)
    number = _incident(cli, tmp_path)
    _connect(cli, kind, fake)
    assert "connected" in _ok(cli("connections", "test", "desk"))

    pushed = json.loads(_ok(cli("push", number, "--to", "desk", "--output", "json")))
    assert [r["state"] for r in pushed["outbox"]] == ["done"]
    assert len(fake.tickets) == 1
    ticket_id, ticket = next(iter(fake.tickets.items()))
    shown = json.loads(_ok(cli("incident", "show", number, "--output", "json")))
    assert shown["external_key"] == pushed["external_key"] and shown["external_url"] == pushed["external_url"]
    assert pushed["external_url"].startswith(fake.url)
    method, _path, create = fake.writes()[0]
    assert method == "POST"
    text = json.dumps(create)
    assert "Dialer calls dropping on trunk 7" in text and "DPD timeout on trunk 7 peer 10.2.3.2" in text  # evidence
    if kind == "jira":
        assert create["fields"]["priority"] == {"name": "High"} and "Acme_Telecom" in create["fields"]["labels"]
        assert ticket["comments"] and "3 linked event(s)" in ticket["comments"][0]
    elif kind == "servicenow":
        assert (create["impact"], create["urgency"], create["company"]) == ("2", "1", "Acme Telecom")
        assert create["correlation_id"].startswith(f"issue-ledger-{number}-")
    else:
        assert create["ticket"]["priority"] == "high" and create["ticket"]["comment"]["public"] is False
        assert create["ticket"]["external_id"].startswith(f"issue-ledger-{number}-")

    _ok(cli("incident", "update", number, "--status", "in-progress"))
    _ok(cli("incident", "update", number, "--urgency", "3"))
    before = len(fake.writes())
    again = json.loads(_ok(cli("push", number, "--to", "desk", "--output", "json")))
    assert [(r["operation"], r["state"]) for r in again["outbox"]] == [("update", "done")]
    sent = fake.writes()[before:]
    assert sent, "the update sent nothing"
    if kind == "jira":
        assert ticket["status"] == "In Progress" and ticket["fields"]["priority"] == {"name": "Low"}
        assert any("Status new → in-progress" in c for c in ticket["comments"])
    elif kind == "servicenow":
        assert ticket["state"] == "2" and ticket["urgency"] == "3"  # the instance derives priority itself
        assert any("Status new → in-progress" in n for n in ticket["work_notes_list"])
    else:
        assert ticket["status"] == "open" and ticket["priority"] == "low"
        assert any("Status new → in-progress" in c for c in ticket["comments"])
    nothing = json.loads(_ok(cli("push", number, "--to", "desk", "--output", "json")))
    assert nothing["outbox"] == []

    fake.set_remote(ticket_id, REMOTE_CHANGE[kind], "Beth Anglin")
    pulled = json.loads(_ok(cli("pull", number, "--output", "json")))
    assert [(p["remote_status"], p["remote_assignee"], p["changed"]) for p in pulled] == [
        (REMOTE_CHANGE[kind], "Beth Anglin", True)]
    assert fake.problems == []
    verified = cli("verify")
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout


@pytest.mark.parametrize("kind", sorted(FAKES))
def test_503_twice_then_created_makes_exactly_one_ticket(
        kind: str, cli: Callable[..., Any], server: HTTPServer, tmp_path: Path) -> None:
    fake = FAKES[kind](server, USER, SECRET)
    number = _incident(cli, tmp_path)
    _connect(cli, kind, fake)
    fake.fail_next = [(503, {}), (503, {"Retry-After": "0"})]
    pushed = json.loads(_ok(cli("push", number, "--to", "desk", "--output", "json")))
    assert [r["state"] for r in pushed["outbox"]] == ["done"]
    assert len(fake.tickets) == 1
    assert [m for m, _p, _b in fake.writes()] == ["POST", "POST", "POST"]
    searches = [p for m, p, _b in fake.requests if m == "GET" and p in (
        "/rest/api/2/search", "/api/now/table/incident", "/api/v2/tickets.json")]
    assert len(searches) == 2  # before each re-create after an uncertain failure
    # a second push of the same incident updates, never creates again
    _ok(cli("push", number, "--to", "desk"))
    assert len(fake.tickets) == 1 and fake.problems == []


def test_an_uncertain_create_that_reached_the_server_is_found_not_made_twice(
        cli: Callable[..., Any], server: HTTPServer, tmp_path: Path) -> None:
    fake = FAKES["zendesk"](server, USER, SECRET)
    number = _incident(cli, tmp_path)
    _connect(cli, "zendesk", fake)
    original = fake.route

    def made_then_lost(request: Any, body: Any) -> Any:
        answer = original(request, body)
        if request.method == "POST" and len(fake.tickets) == 1 and fake.writes() == fake.writes()[:1]:
            from werkzeug import Response
            return Response("upstream timed out", 504)  # the ticket exists, the answer is lost
        return answer

    fake.route = made_then_lost  # type: ignore[method-assign]
    pushed = json.loads(_ok(cli("push", number, "--to", "desk", "--output", "json")))
    assert [r["state"] for r in pushed["outbox"]] == ["done"]
    assert len(fake.tickets) == 1 and len(fake.writes()) == 1
    assert pushed["external_key"] == next(iter(fake.tickets))


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "data-center"])
def test_jira_finds_a_lost_create_through_clouds_search_or_data_centers(
        cloud: bool, cli: Callable[..., Any], server: HTTPServer, tmp_path: Path) -> None:
    """Jira Cloud removed /rest/api/2/search (410); its /search/jql finds the label. Data Center has no
    /search/jql (404), so the old search is used there, learnt once per connection."""
    fake = FAKES["jira"](server, USER, SECRET)
    fake.cloud = cloud  # type: ignore[attr-defined]
    number = _incident(cli, tmp_path)
    _connect(cli, "jira", fake)
    original = fake.route

    def made_then_lost(request: Any, body: Any) -> Any:
        answer = original(request, body)
        if request.method == "POST" and request.path == "/rest/api/2/issue" and len(fake.tickets) == 1 \
                and len(fake.writes()) == 1:
            from werkzeug import Response
            return Response("upstream timed out", 504)  # the issue exists, the answer is lost
        return answer

    fake.route = made_then_lost  # type: ignore[method-assign]
    pushed = json.loads(_ok(cli("push", number, "--to", "desk", "--output", "json")))
    assert [r["state"] for r in pushed["outbox"]] == ["done"]
    assert len(fake.tickets) == 1 and pushed["external_key"] == "OPS-1" and fake.problems == []
    searched = [p for m, p, _b in fake.requests if m == "GET" and "/search" in p]
    assert searched == (["/rest/api/2/search/jql"] if cloud else ["/rest/api/2/search/jql", "/rest/api/2/search"])


def test_server_down_keeps_the_push_in_the_outbox_until_retry(
        cli: Callable[..., Any], tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    number = _incident(cli, tmp_path)
    url = f"http://localhost:{port}"
    _ok(cli("connections", "add", "desk", "--kind", "servicenow", "--url", url, "--user", USER,
            "--secret-env", "DESK_SECRET"))
    env = {"DESK_SECRET": SECRET}
    down = cli("push", number, "--to", "desk", env=env)
    assert down.returncode == 1 and "kept in the outbox" in down.stderr and "Traceback" not in down.stderr
    rows = json.loads(_ok(cli("outbox", "list", "--output", "json")))
    assert [(r["operation"], r["state"], r["attempts"]) for r in rows] == [("create", "pending", 1)]
    assert "cannot reach the server" in rows[0]["last_error"] and rows[0]["next_attempt_at"]

    server = HTTPServer(port=port)
    server.start()
    try:
        fake = FAKES["servicenow"](server, USER, SECRET)
        retried = json.loads(_ok(cli("outbox", "retry", "--output", "json", env=env)))
        assert [(r["state"], r["attempts"]) for r in retried] == [("done", 2)]
        assert len(fake.tickets) == 1 and fake.problems == []
        # the retry searched for the key first: the first attempt might have reached the server
        assert fake.requests[0][0:2] == ("GET", "/api/now/table/incident")
    finally:
        server.clear()
        server.stop()
    assert json.loads(_ok(cli("incident", "show", number, "--output", "json")))["external_key"] == "INC0010001"


@pytest.mark.parametrize("kind", sorted(FAKES))
def test_401_says_credentials_refused_and_fails_the_row(
        kind: str, cli: Callable[..., Any], server: HTTPServer, tmp_path: Path) -> None:
    fake = FAKES[kind](server, USER, "the-right-token")
    number = _incident(cli, tmp_path)
    _connect(cli, kind, fake)  # with SECRET, which the fake refuses
    tested = cli("connections", "test", "desk")
    assert tested.returncode == 1 and "credentials refused" in tested.stderr and SECRET not in tested.stderr
    pushed = cli("push", number, "--to", "desk")
    assert pushed.returncode == 1 and "credentials refused" in pushed.stderr
    assert "Traceback" not in pushed.stderr and SECRET not in pushed.stderr + pushed.stdout
    rows = json.loads(_ok(cli("outbox", "--output", "json")))
    assert [(r["state"], r["last_status"]) for r in rows] == [("failed", 401)]
    assert "credentials refused" in rows[0]["last_error"] and fake.tickets == {}
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("ledger.db*"))
    assert SECRET.encode() not in stored and b"the-right-token" not in stored


def test_429_waits_for_retry_after_then_goes_through(cli: Callable[..., Any], server: HTTPServer,
                                                     tmp_path: Path) -> None:
    fake = FAKES["jira"](server, USER, SECRET)
    number = _incident(cli, tmp_path)
    _connect(cli, "jira", fake)
    fake.fail_next = [(429, {"Retry-After": "1"})]
    import time

    started = time.monotonic()
    pushed = json.loads(_ok(cli("push", number, "--to", "desk", "--output", "json")))
    assert [r["state"] for r in pushed["outbox"]] == ["done"] and len(fake.tickets) == 1
    assert time.monotonic() - started >= 1.0


def test_a_4xx_fails_with_the_servers_message(cli: Callable[..., Any], server: HTTPServer, tmp_path: Path) -> None:
    fake = FAKES["zendesk"](server, USER, SECRET)
    number = _incident(cli, tmp_path)
    _ok(cli("connections", "add", "desk", "--kind", "zendesk", "--url", fake.url, "--user", USER,
            "--mapping", '{"priority": {"2": "critical"}}', input=SECRET + "\n"))
    pushed = cli("push", number, "--to", "desk")
    assert pushed.returncode == 1
    assert "HTTP 400" in pushed.stderr and "priority 'critical'" in pushed.stderr
    rows = json.loads(_ok(cli("outbox", "--output", "json")))
    dropped = _ok(cli("outbox", "drop", str(rows[0]["id"])))
    assert "dropped outbox row" in dropped and json.loads(_ok(cli("outbox", "--output", "json"))) == []


def test_no_secret_in_database_settings_logs_or_audit(cli: Callable[..., Any], server: HTTPServer,
                                                      tmp_path: Path) -> None:
    fake = FAKES["jira"](server, USER, SECRET)
    number = _incident(cli, tmp_path)
    _connect(cli, "jira", fake)
    _ok(cli("push", number, "--to", "desk"))
    bad = FAKES["servicenow"](HTTPServer(), USER, "other")  # never started: a server that is down
    _ok(cli("connections", "add", "down", "--kind", "servicenow", "--url", "http://localhost:9", "--user", USER,
            input=SECRET + "\n"))
    assert cli("push", number, "--to", "down").returncode == 1
    assert cli("connections", "test", "down").returncode == 1
    _ok(cli("pull"))
    del bad
    listed = _ok(cli("connections", "list")) + _ok(cli("connections", "list", "--output", "json"))
    assert SECRET not in listed and "keyring" in listed

    keyring_file = tmp_path / "kr.json"
    assert SECRET in keyring_file.read_text("utf-8")  # the secret is somewhere: in the keyring only
    home = Path(os.environ["XDG_CONFIG_HOME"]).parent  # settings, logs, caches of the test's user
    searched = [p for root in (tmp_path, home) for p in root.rglob("*") if p.is_file() and p != keyring_file]
    assert any(p.name == "ledger.db" for p in searched)
    holding = [p for p in searched if SECRET.encode() in p.read_bytes()]
    assert holding == []
    with Database.open(tmp_path / "ledger.db") as db:
        trail = " ".join(str(v) for row in db.execute("SELECT * FROM audit_log") for v in row)
        assert "connection" in trail and SECRET not in trail
        assert db.scalar("SELECT count(*) FROM connections") == 2


def test_secret_env_connection_reads_the_variable_at_each_call(cli: Callable[..., Any], server: HTTPServer,
                                                              tmp_path: Path) -> None:
    fake = FAKES["jira"](server, None, SECRET, bearer=True)  # Data Center: a personal access token
    _ok(cli("connections", "add", "dc", "--kind", "jira", "--url", fake.url, "--project", "OPS",
            "--secret-env", "JIRA_PAT"))
    missing = cli("connections", "test", "dc")
    assert missing.returncode == 1 and "JIRA_PAT is not set" in missing.stderr
    assert "Mia Krystof" in _ok(cli("connections", "test", "dc", env={"JIRA_PAT": SECRET}))
    assert not (tmp_path / "kr.json").exists()
    _ok(cli("connections", "remove", "dc"))
    assert json.loads(_ok(cli("connections", "list", "--output", "json"))) == []


def test_bad_connection_input_is_one_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    _incident(cli, tmp_path)
    r = cli("connections", "add", "x", "--kind", "jira", "--url", "ftp://nowhere", "--user", "u",
            "--secret-env", "V", "--project", "OPS")
    assert r.returncode == 1 and "url:" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = cli("push", "INC-000001", "--to", "nobody")
    assert r.returncode == 1 and "no connection named 'nobody'" in r.stderr


FINISHED = {"jira": "Done", "servicenow": "Closed", "zendesk": "solved"}
FOLLOWED = {"jira": "resolved", "servicenow": "closed", "zendesk": "resolved"}


@pytest.mark.parametrize("kind", sorted(FAKES))
def test_a_connection_that_follows_status_finishes_the_incident_when_the_tool_does(
        kind: str, cli: Callable[..., Any], server: HTTPServer, tmp_path: Path) -> None:
    """--follow-status: the ticket resolved or closed in the tool resolves or closes the incident on the next pull
    (audited, by "<connection> (ticket sync)"), and the next sync does not send that change back."""
    fake = FAKES[kind](server, USER, SECRET)
    number = _incident(cli, tmp_path)
    args = ["connections", "add", "desk", "--kind", kind, "--url", fake.url, "--user", USER, "--follow-status"]
    _ok(cli(*args, *(["--project", "OPS"] if kind == "jira" else []), input=SECRET + "\n"))
    _ok(cli("push", number, "--to", "desk"))
    ticket_id = next(iter(fake.tickets))
    fake.set_remote(ticket_id, REMOTE_CHANGE[kind], "Beth Anglin")  # still being worked: nothing moves here
    [pulled] = json.loads(_ok(cli("pull", number, "--output", "json")))
    assert pulled["incident_status"] is None
    assert json.loads(_ok(cli("incident", "show", number, "--output", "json")))["status"] == "new"

    fake.set_remote(ticket_id, FINISHED[kind], "Beth Anglin")
    [pulled] = json.loads(_ok(cli("pull", number, "--output", "json")))
    assert pulled["incident_status"] == FOLLOWED[kind]
    shown = json.loads(_ok(cli("incident", "show", number, "--output", "json")))
    assert shown["status"] == FOLLOWED[kind] and shown["resolution_code"] == "resolved-in-ticket"
    with Database.open(tmp_path / "ledger.db", create=False) as db:
        actors = [r["actor"] for r in db.rows("SELECT actor FROM audit_log WHERE entity = 'incident'"
                                              " AND action = 'transition'")]
    assert actors and set(actors) == {"desk (ticket sync)"}
    writes = len(fake.writes())
    nothing = json.loads(_ok(cli("push", number, "--to", "desk", "--output", "json")))
    assert nothing["outbox"] == [] and len(fake.writes()) == writes  # not echoed back to the tool
    assert fake.problems == []
    assert cli("verify").returncode == 0


def test_a_pull_without_follow_status_leaves_the_incident_alone(
        cli: Callable[..., Any], server: HTTPServer, tmp_path: Path) -> None:
    fake = FAKES["zendesk"](server, USER, SECRET)
    number = _incident(cli, tmp_path)
    _connect(cli, "zendesk", fake)
    _ok(cli("push", number, "--to", "desk"))
    fake.set_remote(next(iter(fake.tickets)), "solved", "Beth Anglin")
    [pulled] = json.loads(_ok(cli("pull", number, "--output", "json")))
    assert pulled["remote_status"] == "solved" and pulled["incident_status"] is None
    assert json.loads(_ok(cli("incident", "show", number, "--output", "json")))["status"] == "new"
    bad = cli("connections", "add", "x", "--kind", "zendesk", "--url", fake.url, "--user", USER, "--secret-env", "S",
              "--mapping", '{"follow_status": {"solved": "done"}}')
    assert bad.returncode != 0 and "resolved, closed or cancelled" in bad.stderr
