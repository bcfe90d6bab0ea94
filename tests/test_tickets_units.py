"""The ticket clients' small parts in-process: error bodies, secrets scrubbed, mappings checked, back-off."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pytest_httpserver import HTTPServer

from app.tickets import mapping, retry
from app.tickets.base import CredentialsRefused, Rejected, Transient
from app.tickets.http import Http
from ticket_helpers import server  # noqa: F401 - fixture

SECRET = "echo-me-9a8b7c"


def test_a_server_that_echoes_the_secret_never_gets_it_into_the_message(server: HTTPServer) -> None:
    server.expect_request("/echo").respond_with_json(
        {"errorMessages": [f"token {SECRET} is not valid for this project"], "errors": {}}, status=400)
    server.expect_request("/denied").respond_with_json({"error": f"Couldn't authenticate {SECRET}"}, status=401)
    http = Http(server.url_for(""), user="a@example.com", secret=SECRET, bearer=False)
    try:
        with pytest.raises(Rejected) as bad:
            http.call("GET", "/echo")
        assert "HTTP 400" in str(bad.value) and SECRET not in str(bad.value) and "token *** is not valid" in str(
            bad.value)
        with pytest.raises(CredentialsRefused) as refused:
            http.call("GET", "/denied")
        assert str(refused.value).startswith("credentials refused (HTTP 401)") and SECRET not in str(refused.value)
    finally:
        http.close()


@pytest.mark.parametrize(("body", "said"), [
    ({"errorMessages": [], "errors": {"priority": "The priority selected is invalid."}},
     "priority: The priority selected is invalid."),
    ({"error": {"message": "Invalid table", "detail": "incidnet"}, "status": "failure"}, "Invalid table; incidnet"),
    ({"error": "RecordInvalid", "description": "Record validation errors",
      "details": {"priority": [{"description": "Priority: is not valid"}]}},
     "RecordInvalid; Record validation errors; priority: Priority: is not valid"),
])
def test_each_tools_error_body_is_read(server: HTTPServer, body: dict, said: str) -> None:
    server.expect_request("/x").respond_with_json(body, status=422)
    http = Http(server.url_for(""), user=None, secret="tok-123", bearer=True)
    try:
        with pytest.raises(Rejected) as exc:
            http.call("POST", "/x", body={})
        assert str(exc.value) == f"POST /x: refused (HTTP 422): {said}"
    finally:
        http.close()


def test_429_carries_retry_after_and_5xx_is_transient(server: HTTPServer) -> None:
    server.expect_request("/slow").respond_with_data("", status=429, headers={"Retry-After": "7"})
    server.expect_request("/down").respond_with_data("<html>bad gateway</html>", status=502)
    http = Http(server.url_for(""), user=None, secret="tok-123", bearer=True)
    try:
        with pytest.raises(Transient) as slow:
            http.call("GET", "/slow")
        assert slow.value.retry_after == 7.0 and slow.value.status == 429
        with pytest.raises(Transient) as down:
            http.call("GET", "/down")
        assert down.value.status == 502 and "<html" not in str(down.value)
    finally:
        http.close()


def test_retry_waits_as_told_and_gives_up_on_long_pauses() -> None:
    waits: list[float] = []
    calls = iter([Transient("a", 503), Transient("b", 429, 2.0), "made"])

    def op() -> str:
        got = next(calls)
        if isinstance(got, Exception):
            raise got
        return got

    assert retry.run(op, sleep=waits.append) == "made"
    assert waits == [0.5, 2.0]
    waits.clear()
    with pytest.raises(Transient):
        retry.run(lambda: (_ for _ in ()).throw(Transient("later", 429, 600)), sleep=waits.append)
    assert waits == []  # a 10-minute Retry-After goes back to the outbox instead
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert [retry.next_attempt(now, n, None) - now for n in (1, 2, 3, 9)] == [
        dt.timedelta(minutes=m) for m in (1, 2, 4, 60)]
    assert retry.next_attempt(now, 1, 300) - now == dt.timedelta(minutes=5)


def test_mapping_overrides_merge_and_are_checked() -> None:
    merged = mapping.merged("jira", {"priority": {"1": "Blocker"}, "issue_type": "Incident"})
    assert merged["priority"] == {"1": "Blocker", "2": "High", "3": "Medium", "4": "Low"}
    assert merged["issue_type"] == "Incident" and mapping.DEFAULTS["jira"]["priority"]["1"] == "Highest"
    assert "not a field mapping of zendesk" in mapping.check("zendesk", {"issue_type": "Task"})
    assert mapping.check("servicenow", {"status": 3}) == "'status' must be a JSON object"
    assert mapping.check("jira", json.loads('{"custom": {"customfield_10010": "client"}}')) == ""
    assert mapping.custom_fields({"custom": {"cf_1": "client", "cf_2": "=BPO"}}, {"client": "Acme"}) == {
        "cf_1": "Acme", "cf_2": "BPO"}
