"""One HTTP session per connection: timeouts, authentication, and a status turned into a kind of failure.

The retrying itself is the outbox's (``app.tickets.retry``), around a whole operation,
so that a create retried after an uncertain failure first looks for the ticket it may
already have made.
"""

from __future__ import annotations

import functools
import json
import ssl
from typing import Any

import httpx

from app.tickets.base import CredentialsRefused, Rejected, Transient, scrub_secret

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
USER_AGENT = "issue-ledger"


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every session: building one (loading the CA bundle) costs ~30 ms, most of a push."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())  # what httpx trusts by default


def server_message(response: httpx.Response) -> str:
    """The server's own words from Jira's, ServiceNow's or Zendesk's error body; the status text otherwise."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    parts: list[str] = []
    if isinstance(body, dict):
        parts += [str(m) for m in body.get("errorMessages") or []]  # Jira
        errors = body.get("errors")
        if isinstance(errors, dict):
            parts += [f"{k}: {v}" for k, v in errors.items()]
        error = body.get("error")
        if isinstance(error, dict):  # ServiceNow; Zendesk's newer shape {"title", "message"}
            parts += [str(error[k]) for k in ("message", "title", "detail") if error.get(k)]
        elif error:
            parts.append(str(error))  # Zendesk: "RecordInvalid", "Couldn't authenticate you"
        if body.get("description"):
            parts.append(str(body["description"]))
        details = body.get("details")
        if isinstance(details, dict):
            for name, items in details.items():
                texts = [i.get("description", "") for i in items if isinstance(i, dict)] if isinstance(items, list) \
                    else [str(items)]
                parts.append(f"{name}: {'; '.join(t for t in texts if t)}")
    elif response.text.strip() and "<html" not in response.text[:200].lower():
        parts.append(response.text.strip())
    return "; ".join(p for p in parts if p) or response.reason_phrase or f"HTTP {response.status_code}"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: back off as for a 5xx


class Http:
    """Requests to one base URL with one set of credentials; every failure comes out as a ``TicketError``."""

    def __init__(self, base_url: str, *, user: str | None, secret: str, bearer: bool,
                 timeout: httpx.Timeout | float = TIMEOUT, transport: httpx.BaseTransport | None = None) -> None:
        self.secret = secret
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        auth: httpx.Auth | None = None
        if bearer:
            headers["Authorization"] = f"Bearer {secret}"
        else:
            auth = httpx.BasicAuth(user or "", secret)
        self.client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, auth=auth, timeout=timeout,
                                   transport=transport, follow_redirects=False, verify=_tls())

    def close(self) -> None:
        self.client.close()

    def call(self, method: str, path: str, *, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        """The decoded JSON answer ({} for an empty one), or ``Transient``, ``CredentialsRefused``, ``Rejected``."""
        where = f"{method} {path}"
        try:
            response = self.client.request(method, path, json=body, params=params)
        except httpx.TimeoutException as exc:
            raise Transient(f"{where}: no answer in time ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise Transient(self._clean(f"{where}: cannot reach the server ({exc or type(exc).__name__})")) from None
        status = response.status_code
        if status in (401, 403):
            raise CredentialsRefused(self._clean(f"credentials refused (HTTP {status}): {server_message(response)}"),
                                     status)
        if status == 429:
            raise Transient(self._clean(f"{where}: rate limited (HTTP 429): {server_message(response)}"), status,
                            _retry_after(response))
        if status >= 500:
            raise Transient(self._clean(f"{where}: server error (HTTP {status}): {server_message(response)}"), status,
                            _retry_after(response))
        if status >= 400:
            raise Rejected(self._clean(f"{where}: refused (HTTP {status}): {server_message(response)}"), status)
        if status >= 300:
            raise Rejected(f"{where}: redirected (HTTP {status}) to {response.headers.get('Location', '?')};"
                           " check the connection's URL", status)
        if not response.content.strip():
            return {}
        try:
            return response.json()
        except json.JSONDecodeError:
            raise Rejected(f"{where}: the answer is not JSON (HTTP {status}); check the connection's URL",
                           status) from None

    def _clean(self, text: str) -> str:
        return scrub_secret(text, self.secret)
