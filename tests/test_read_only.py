"""An auditor's copy on a read-only share: reading works, writes fail in one line (issue #14, item 13).

The file is chmod 0444 in a 0555 folder; as root, whom chmod does not stop, the folder is also
bind-mounted read-only in a private mount namespace, so writes really fail.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fault_helpers import make_read_only, read_only_prefix, run_app, run_python


@pytest.fixture
def read_only_copy(demo_db_template: Path, tmp_path: Path) -> Iterator[Path]:
    share = tmp_path / "share"
    share.mkdir()
    path = share / "audit-copy.db"
    shutil.copy(demo_db_template, path)  # 5,000 events, checkpointed: no -wal file beside it
    make_read_only(path)
    yield path
    share.chmod(0o755)  # so that pytest can clean up
    path.chmod(0o644)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reading_a_read_only_database(read_only_copy: Path) -> None:
    prefix = read_only_prefix(read_only_copy.parent)
    before = _digest(read_only_copy)
    r = run_app("--db", read_only_copy, "stats", "-o", "json", prefix=prefix)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["events"] == 5000
    r = run_app("--db", read_only_copy, "events", "--limit", "3", "-o", "json", prefix=prefix)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 3
    r = run_app("--db", read_only_copy, "verify", prefix=prefix)
    assert r.returncode == 0, r.stderr
    assert "database: ok" in r.stdout and "audit trail intact" in r.stdout
    assert run_app("--db", read_only_copy, "imports", prefix=prefix).returncode == 0
    assert _digest(read_only_copy) == before
    assert sorted(p.name for p in read_only_copy.parent.iterdir()) == ["audit-copy.db"]  # no -wal or -shm made


def test_writing_a_read_only_database_fails_in_one_line(read_only_copy: Path) -> None:
    prefix = read_only_prefix(read_only_copy.parent)
    before = _digest(read_only_copy)
    r = run_app("--db", read_only_copy, "incident", "add", "--title", "VPN down", "--type", "network",
                "--impact", "1", "--urgency", "1", prefix=prefix)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    [line] = r.stderr.strip().splitlines()
    assert line.startswith(f"Error: {read_only_copy}: the database is read-only; nothing was changed")
    assert _digest(read_only_copy) == before


# Opens the window on argv[1], visits every page, and prints what the window says about itself.
_OPEN_WINDOW = """
import json, sys
from pathlib import Path
from app.domain import timeutil
from app.ui import workers
from app.ui.application import WindowManager, make_app
from app.ui.pages import PAGES

app = make_app()
manager = WindowManager(timeutil.UTC)
opened = manager.open(Path(sys.argv[1]))
window = manager.window
for spec in PAGES:
    window.show_page(spec.key)
    for _ in range(20):
        app.processEvents()
workers.wait_all(30_000)
app.processEvents()
print(json.dumps({
    "opened": opened, "title": window.windowTitle(), "status": window.read_only_label.text(),
    "enabled": [a.isEnabled() for a in (window.import_action, window.new_incident_action,
                                         window.import_incidents_action, window.sla_settings_action)],
}))
window.close()
workers.wait_all(30_000)
"""


def test_window_opens_a_read_only_database_read_only(read_only_copy: Path) -> None:
    r = run_python(_OPEN_WINDOW, read_only_copy, prefix=read_only_prefix(read_only_copy.parent), timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    shown = json.loads(r.stdout.strip().splitlines()[-1])
    assert shown["opened"] is True
    assert shown["title"] == "Issue Ledger — audit-copy.db (read-only)"
    assert shown["status"] == "Read-only"
    assert shown["enabled"] == [False, False, False, False]
