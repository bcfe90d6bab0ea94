"""Fixtures of the ticket tests: the CLI with a file keyring (tests/ticket_keyring) and a local HTTP server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

TESTS = Path(__file__).parent
SECRET = "s3cr3t-T0ken-9f8e7d"
USER = "lead@example.com"


def _ok(r: Any) -> str:
    assert r.returncode == 0, (r.stdout, r.stderr)
    return str(r.stdout)


@pytest.fixture
def keyring_env(tmp_path: Path) -> dict[str, str]:
    """The environment that makes the CLI's keyring a file under tmp_path (a real backend, tests/ticket_keyring)."""
    return {"PYTHON_KEYRING_BACKEND": "ticket_keyring.FileKeyring", "TICKET_KEYRING_FILE": str(tmp_path / "kr.json"),
            "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
            "ISSUE_LEDGER_TICKET_BACKOFF_S": "0.05"}


@pytest.fixture
def cli(run_cli: Callable[..., Any], keyring_env: dict[str, str], tmp_path: Path) -> Callable[..., Any]:
    db = tmp_path / "ledger.db"

    def run(*args: Any, env: dict[str, str] | None = None, input: str | None = None) -> Any:
        return run_cli("--db", db, "--tz", "UTC", *args, env={**keyring_env, **(env or {})}, input=input)

    return run


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    s = HTTPServer()
    s.start()
    yield s
    s.clear()
    if s.is_running():
        s.stop()
