"""Ordered schema migrations keyed on ``PRAGMA user_version``.

Each module ``mNNNN_name.py`` holds ``VERSION = NNNN`` and ``upgrade(db)``. They
run in order, each in its own transaction together with the version bump, so a
crash never leaves a half-migrated file. Numbers may have gaps.

The DDL is written by hand, not with sqlite-utils (a test tool here, see pyproject.toml):
tried on migrations 3, 4, 8, 9 and 10 and on ``verify``'s trigger check, it served nowhere.
``create_index``/``add_column`` write quoted SQL text (``CREATE INDEX "x"\\n    ON "t" ("a")``),
so new files' ``sqlite_master`` would differ from every file made so far; ``transform``
refuses to run inside our per-migration transaction on a table that ``ON DELETE CASCADE``
children point at (imports, events, incidents); ``enable_fts`` names its triggers ``events_ai``
(ours are ``events_fts_ai``) and fires on any update, not on the text columns only; and
importing it (numpy, dateutil, pluggy, its plugins) took opening and migrating a new file
from 30 ms to 100 ms, and ``verify``'s first trigger check from 0.05 ms to 65 ms.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.domain.jobs import Progress
    from app.store.database import Database

log = logging.getLogger("issue_ledger.store")


def _discover() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            mods.append(importlib.import_module(f"{__name__}.{info.name}"))
    mods.sort(key=lambda m: m.VERSION)
    versions = [m.VERSION for m in mods]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return mods


MIGRATIONS: list[ModuleType] = _discover()
LATEST: int = MIGRATIONS[-1].VERSION if MIGRATIONS else 0


def pending(db: Database) -> list[int]:
    """The schema versions an upgrade of ``db`` would apply, oldest first."""
    current = db.user_version
    return [m.VERSION for m in MIGRATIONS if current < m.VERSION]


def upgrade(db: Database, target: int | None = None, progress: Progress | None = None) -> int:
    """Apply every migration above the file's version (up to ``target``).

    With ``progress``, each migration reports as it runs (step n of the pending ones) and
    a cancel interrupts the statement running: that migration's transaction rolls back,
    so the file stays at the last version completed, and ``Cancelled`` is raised.
    """
    from app.store.database import APPLICATION_ID

    target = LATEST if target is None else target
    current = db.user_version
    steps = [m for m in MIGRATIONS if current < m.VERSION <= target]
    for n, mod in enumerate(steps):
        log.info("migrating %s to schema %d", db.path, mod.VERSION)
        with _reporting(db, progress, n, len(steps), mod.VERSION), db.transaction():
            mod.upgrade(db)
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={int(mod.VERSION)}")
        current = mod.VERSION
    return current


@contextlib.contextmanager
def _reporting(db: Database, progress: Progress | None, n: int, total: int, version: int) -> Iterator[None]:
    """Report step ``n`` and stop the running statement when ``progress`` is cancelled."""
    from app.domain.jobs import Cancelled

    if progress is None:
        yield
        return
    progress.report(n, total, f"Converting the database to schema {version}")

    def check() -> int:
        return 1 if progress.cancelled else 0

    db.conn.set_progress_handler(check, 20_000)
    try:
        yield
    except Exception as exc:
        if progress.cancelled:
            raise Cancelled() from exc
        raise
    finally:
        db.conn.set_progress_handler(None, 0)
    progress.report(n + 1, total, f"Converted to schema {version}")
