"""Several connections in one process and another process on the same file: nothing written is lost.

POSIX locks belong to the process: closing any descriptor of the database file
drops the locks of every SQLite connection this process has on it. Another process
then thinks the file is unused, and its close deletes the -wal and -shm files
while the window still writes into them.
"""

from __future__ import annotations

from pathlib import Path

from app.store import dbfile
from app.store.database import Database


def _incident(title: str) -> dict[str, object]:
    return {"title": title, "log_type": "network", "impact": 2, "urgency": 2}


def _count_elsewhere(run_cli, path: Path) -> str:  # type: ignore[no-untyped-def]
    out = run_cli("--db", path, "incidents", "--output", "json")
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_writes_of_a_long_lived_connection_survive_another_process(db_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from app.incidents import service as incidents_service

    window = Database.open(db_path)  # the session's connection, open as long as the window
    try:
        incidents_service.create(window, _incident("Headsets crackling on floor B"))
        Database.open(db_path).close()  # a worker's short connection, as every page refresh opens
        dbfile.sha256(db_path)  # an Excel report hashes the database file
        assert "Headsets crackling" in _count_elsewhere(run_cli, db_path)  # another process reads and closes
        assert Path(f"{db_path}-wal").exists(), "the other process must not remove the WAL in use"
        incidents_service.create(window, _incident("VPN drops every hour"))
        assert "VPN drops every hour" in _count_elsewhere(run_cli, db_path)
    finally:
        window.close()
    reopened = Database.open(db_path)
    try:
        assert reopened.scalar("SELECT count(*) FROM incidents") == 2
    finally:
        reopened.close()
