"""Connections to ticket tools: add, list, test and remove, each change audited (never with its secret)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.domain import timeutil
from app.store import audit, tickets as store
from app.store.database import Database
from app.tickets import credentials, mapping
from app.tickets.base import KINDS, Connection, TicketError, TicketTool
from app.tickets.http import Http

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PUBLIC: tuple[str, ...] = ("name", "kind", "base_url", "project", "user", "auth", "secret_env", "mapping")


class ConnectionError_(TicketError):  # noqa: N801 - the builtin ConnectionError means a socket's
    """A connection that cannot be saved or is not there, naming the field."""


def _check(name: str, kind: str, url: str, project: str | None, auth: str, secret_env: str | None,
           overrides: dict[str, Any]) -> None:
    if not name.strip() or len(name) > 80 or any(ch in name for ch in "\r\n\t"):
        raise ConnectionError_("name: give a name of one line, at most 80 characters")
    if kind not in KINDS:
        raise ConnectionError_(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConnectionError_(f"url: {url!r} is not an http(s) address such as https://example.atlassian.net")
    if parts.username or parts.password:
        raise ConnectionError_("url: put no user or password in the address")
    if kind == "jira" and not project:
        raise ConnectionError_("project: a Jira connection needs the project key (--project OPS)")
    if auth not in ("basic", "bearer"):
        raise ConnectionError_(f"auth: {auth!r} is not basic or bearer")
    if secret_env is not None and not ENV_NAME.match(secret_env):
        raise ConnectionError_(f"secret-env: {secret_env!r} is not an environment variable name")
    problem = mapping.check(kind, overrides)
    if problem:
        raise ConnectionError_(f"mapping: {problem}")


def add(db: Database, name: str, kind: str, url: str, *, project: str | None = None, user: str | None = None,
        auth: str | None = None, secret_env: str | None = None, overrides: dict[str, Any] | None = None,
        secret: str | None = None, actor: str | None = None) -> dict[str, Any]:
    """Save a connection; ``secret`` (when no ``secret_env``) goes to the keyring, never to the database."""
    name, kind, url = name.strip(), kind.strip().lower(), url.strip().rstrip("/")
    auth = auth or ("basic" if user else "bearer")
    overrides = overrides or {}
    _check(name, kind, url, project, auth, secret_env, overrides)
    if auth == "basic" and not user:
        raise ConnectionError_("user: basic authentication needs --user (e-mail or user name)")
    if secret_env is None and not secret:
        raise ConnectionError_("secret: give the secret (it goes to the keyring) or --secret-env VAR")
    now = timeutil.now_iso()
    row = {"name": name, "kind": kind, "base_url": url, "project": project or None, "user": user or None,
           "auth": auth, "secret_env": secret_env, "mapping": json.dumps(overrides, sort_keys=True),
           "created_at": now, "updated_at": now}
    with db.transaction():
        if store.connection(db, name) is not None:
            raise ConnectionError_(f"name: a connection named {name!r} exists; remove it first")
        store.insert_connection(db, row)
        audit.append(db, "create", "connection", name, new={k: row[k] for k in PUBLIC}, actor=actor)
        if secret_env is None and secret:
            credentials.store(name, secret)  # last: a refused keyring rolls the row back
    return row


def get(db: Database, name: str) -> Connection:
    row = store.connection(db, name)
    if row is None:
        known = ", ".join(r["name"] for r in store.connections(db)) or "none yet"
        raise ConnectionError_(f"no connection named {name!r} (known: {known})")
    return Connection.from_row(row)


def listing(db: Database) -> list[dict[str, Any]]:
    """Every connection's public fields and where its secret is kept."""
    out = []
    for row in store.connections(db):
        out.append({**{k: row[k] for k in PUBLIC}, "secret": f"${row['secret_env']}" if row["secret_env"]
                    else "keyring"})
    return out


def remove(db: Database, name: str, actor: str | None = None) -> None:
    """Delete the connection (its queued pushes and links go with it; the audit row keeps them) and its secret."""
    with db.transaction():
        row = store.connection(db, name)
        if row is None:
            get(db, name)
            return
        links = store.links(db)
        queued = [r["id"] for r in store.outbox_rows(db, ("pending", "sending", "failed")) if r["connection"] == name]
        store.delete_connection(db, name)
        audit.append(db, "delete", "connection", name, old={**{k: row[k] for k in PUBLIC},
                                                            "links": [lk["incident"] for lk in links
                                                                      if lk["connection"] == name],
                                                            "queued": queued}, actor=actor)
    credentials.forget(name)


def open_tool(conn: Connection, transport: httpx.BaseTransport | None = None) -> tuple[TicketTool, Http]:
    """The tool for the connection with its HTTP session (close the session when done)."""
    from app.tickets.jira import Jira
    from app.tickets.servicenow import ServiceNow
    from app.tickets.zendesk import Zendesk

    secret = credentials.secret_for(conn)
    user = conn.user
    if conn.kind == "zendesk" and user and conn.auth == "basic" and not user.endswith("/token"):
        user = f"{user}/token"  # Zendesk's API-token sign-in: {email}/token and the token
    http = Http(conn.base_url, user=user, secret=secret, bearer=conn.auth == "bearer", transport=transport)
    kinds: dict[str, type[Jira | ServiceNow | Zendesk]] = {"jira": Jira, "servicenow": ServiceNow, "zendesk": Zendesk}
    tool: TicketTool = kinds[conn.kind](conn, http)
    return tool, http


def test(db: Database, name: str, transport: httpx.BaseTransport | None = None) -> str:
    """Sign in through a harmless read endpoint; one line saying as whom, or a ``TicketError``."""
    conn = get(db, name)
    tool, http = open_tool(conn, transport)
    try:
        return f"{name}: connected to {conn.base_url} ({conn.kind}) as {tool.test()}"
    finally:
        http.close()
