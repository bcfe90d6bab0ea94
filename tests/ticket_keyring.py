"""A small real keyring backend for tests: secrets in a JSON file named by $TICKET_KEYRING_FILE.

Selected with PYTHON_KEYRING_BACKEND=ticket_keyring.FileKeyring (tests/ on PYTHONPATH), so the
CLI's subprocesses store and read secrets through keyring's own API, as on a desktop.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["TICKET_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\t{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\t{username}"] = password
        self._path().write_text(json.dumps(data), "utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\t{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path().write_text(json.dumps(data), "utf-8")
