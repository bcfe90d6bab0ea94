"""Shared fixtures: real database files in a temp dir, nothing of the user's touched."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Set before Qt is imported anywhere: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.store.database import Database

EXTDATA = Path(__file__).resolve().parents[2] / "shared" / "extdata"
DEMO_END = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's data folder, settings and database out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ISSUE_LEDGER_DB", str(home / "default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("ISSUE_LEDGER_PASSPHRASE", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")  # never the user's keyring


@pytest.fixture(autouse=True)
def _workers_finished() -> Iterator[None]:
    """No test leaves worker threads (a page's queries, matplotlib loading) running into the next or into exit."""
    yield
    workers = sys.modules.get("app.ui.workers")  # only GUI tests import it; the others stay free of Qt
    if workers is not None:
        assert workers.settle(30_000), f"worker tasks still running after the test: {workers.running()}"


@pytest.fixture
def inline_ops() -> Iterator[None]:
    """Background tasks and database operations run at once on the test's thread (Picard's FakeThreadPool)."""
    from app.ui import workers

    with workers.run_inline():
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def new_db_path(db_path: Path) -> Path:
    """An empty ledger, made as the window's File ▸ New makes one: most commands refuse a missing file."""
    Database.open(db_path).close()
    return db_path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path)
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made once per run (5,000 events), copied per test."""
    from app.demo.generator import generate

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Database.open(path) as database:
        generate(database, events=5000, seed=7, end=DEMO_END)
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def unmined_demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database without patterns, like a file from before patterns never given them."""
    from app.demo.generator import generate

    path = tmp_path_factory.mktemp("unmined") / "demo.db"
    with Database.open(path) as database:
        generate(database, events=5000, seed=7, end=DEMO_END, patterns=False)
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def unmined_demo_db(unmined_demo_db_template: Path, tmp_path: Path) -> Iterator[Database]:
    import shutil

    path = tmp_path / "unmined.db"
    shutil.copy(unmined_demo_db_template, path)
    database = Database.open(path)
    yield database
    database.close()


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Iterator[Database]:
    import shutil

    path = tmp_path / "demo.db"
    shutil.copy(demo_db_template, path)
    database = Database.open(path)
    yield database
    database.close()


@pytest.fixture
def extdata() -> Path:
    if not EXTDATA.is_dir():
        pytest.skip("../shared/extdata is absent")
    return EXTDATA


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real console entry point as a subprocess: ``run_cli("--db", p, "stats")``."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        full_env.update(env or {})
        return subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True,
                              env=full_env, timeout=timeout, input=input)

    return run
