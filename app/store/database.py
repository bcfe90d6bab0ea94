"""One way to reach the database: open, migrate, transact.

What a failure becomes for the user, and how long a writer waits, is ``app.store.db_errors``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.domain.masking import pattern_of
from app.domain.text import scrub_value
from app.store import cipher, db_connect, dbfile, driver
from app.store.db_errors import (
    DamagedDatabaseError,
    MissingDatabaseError,
    UserFacingStoreError,
    WriteBusy,
    is_busy,
    is_damaged,
    locked_error,
    tell_waiting,
    translate,
    write_wait_seconds,
)
from app.store.text_search import RegexpFunction

log = logging.getLogger("issue_ledger.store")


APPLICATION_ID = 0x49534C44  # "ISLD": marks the file as ours in the SQLite header.
FIRST_TRY_MS = 200  # a writer that waits longer than this says so once
MMAP_BYTES = 268435456  # a connection's memory map of the file (256 MB)


def default_path() -> Path:
    """The database the app opens when none is named: $ISSUE_LEDGER_DB or the user data dir."""
    env = os.environ.get("ISSUE_LEDGER_DB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("issue-ledger", "IssueLedger")) / "ledger.db"


class Database:
    """An open Issue Ledger file.

    One connection per thread: a background thread opens its own (cheap; the
    window's keep one per worker thread) rather than sharing the GUI's connection.
    """

    def __init__(self, conn: Any, path: Path, read_only: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only  # opened without write access: every write fails with a clear message
        self.encrypted = False  # opened with SQLCipher and a key (``app.store.cipher``)
        self._tx_depth = 0
        self._lock = threading.RLock()
        self._told_waiting = False  # the waiting notice is given once per connection
        self.wait_limit_s: float | None = None  # this connection's own limit (the window's), else the writers' wait
        self.created_now = False  # made by this open (migrations choose a new file's defaults by it)
        self.regexp = RegexpFunction()  # REGEXP for the filter's regex; counts rows tested
        self.regexp.install(conn)
        # The filter's message pattern: the masking the top-messages chart groups by.
        conn.create_function("message_pattern", 1, pattern_of, deterministic=True)

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True, migrate: bool = True) -> Database:
        """Open (and create or upgrade) a database; never modifies a foreign file.

        ``create=False`` refuses a missing file, so a mistyped path is not taken for a new, empty
        ledger. A file this process may not write (a read-only share, an auditor's copy), or one
        asked for read-only (``db_connect.ask_read_only``), opens read-only: reading works, and
        writes fail with ``UserFacingStoreError``.
        """
        from app.store import migrations

        p = Path(path)
        exists = p.exists() and p.stat().st_size > 0
        asked = db_connect.read_only_asked(p)
        if not exists and asked:
            raise MissingDatabaseError(f"{p}: no such database (asked to open it read-only, so none is created)")
        if not exists and not create:
            what = "is an empty file, not a database" if p.exists() else "no such database"
            raise MissingDatabaseError(f"{p}: {what}")
        passphrase = cipher.passphrase_for(p)  # a new file with one is created encrypted
        if not exists:
            db_connect.create_private(p)
        else:
            passphrase = db_connect.key_for_existing(p, passphrase)
        read_only = exists and (asked or not db_connect.writable(p))
        try:
            conn = db_connect.connect(p, passphrase, read_only)
        except driver.Error as exc:
            raise UserFacingStoreError(f"{p}: cannot open: {exc}") from exc
        db = cls(conn, p, read_only=read_only)
        db.encrypted = passphrase is not None
        db.created_now = not exists
        try:
            db._identify(fresh=not exists)
            if not exists and not read_only:  # before the first table: a purge can then hand space back
                conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db._configure()
            if not exists:
                db_connect.make_private(p)
            if migrate and read_only and db.user_version < migrations.LATEST:
                raise UserFacingStoreError(
                    f"{p}: read-only, and written by an older Issue Ledger (schema {db.user_version}, this "
                    f"version needs {migrations.LATEST}); open a writable copy once to upgrade it")
            if migrate:
                migrations.upgrade(db)
        except BaseException:
            conn.close()
            raise
        dbfile.register(p)  # from now on the importer refuses to read this file as a log
        return db

    def _identify(self, fresh: bool) -> None:
        """Refuse foreign or newer files before anything writes to them."""
        from app.store import migrations

        try:
            app_id = self.scalar("PRAGMA application_id")
            version = self.scalar("PRAGMA user_version")
            tables = self.scalar("SELECT count(*) FROM sqlite_master")
        except driver.DatabaseError as exc:
            if is_damaged(exc):
                raise DamagedDatabaseError(f"{self.path}: the database file is damaged ({exc})") from exc
            raise UserFacingStoreError(f"{self.path}: not an Issue Ledger database ({exc})") from exc
        if app_id != APPLICATION_ID and tables:
            raise UserFacingStoreError(
                f"{self.path}: not an Issue Ledger database (it is another SQLite file); "
                "it was left unchanged"
            )
        if version > migrations.LATEST:
            raise UserFacingStoreError(
                f"{self.path}: written by a newer Issue Ledger (schema {version}, this version "
                f"knows up to {migrations.LATEST}); update the app. The file was left unchanged."
            )

    def _configure(self) -> None:
        if not self.read_only:  # both write to the file; a read-only one keeps the mode it has
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute(f"PRAGMA busy_timeout={self._wait_ms()}")
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self.conn.execute("PRAGMA cache_size=-65536")
        self.conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")

    def close(self) -> None:
        with contextlib.suppress(*driver.Error):
            self.conn.execute("PRAGMA optimize")
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running -----------------------------------------------------------------
    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        try:
            try:
                return self.conn.execute(sql, params)
            except UnicodeEncodeError:  # a lone surrogate got this far: store it as U+FFFD rather than fail
                return self.conn.execute(sql, safe_params(params))
        except driver.Error as exc:
            raise translate(exc, self.path) from exc

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        """Many rows at once; a text SQLite cannot encode (a lone surrogate) is stored as U+FFFD.

        A list inside a transaction is tried as it is under a savepoint and, on such a text, written again
        scrubbed (the fast path costs nothing); any other iterable is scrubbed row by row as it goes.
        """
        try:
            if not (isinstance(rows, list) and self.conn.in_transaction):
                return self.conn.executemany(sql, (safe_params(r) for r in rows))
            self.conn.execute("SAVEPOINT safe_text")
            try:
                try:
                    cur = self.conn.executemany(sql, rows)
                except UnicodeEncodeError:
                    self.conn.execute("ROLLBACK TO safe_text")
                    cur = self.conn.executemany(sql, [safe_params(r) for r in rows])
            except BaseException:
                if self.conn.in_transaction:
                    with contextlib.suppress(*driver.Error):
                        self.conn.execute("ROLLBACK TO safe_text")
                        self.conn.execute("RELEASE safe_text")
                raise
            self.conn.execute("RELEASE safe_text")
            return cur
        except driver.Error as exc:
            raise translate(exc, self.path) from exc

    def scalar(self, sql: str, params: Any = ()) -> Any:
        try:
            cur = self.conn.execute(sql, params)
        except UnicodeEncodeError:
            cur = self.conn.execute(sql, safe_params(params))
        row = cur.fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name."""
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description or ()]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    @contextlib.contextmanager
    def transaction(self, wait: bool = True) -> Iterator[Database]:
        """All-or-nothing writes; nests by joining the outer transaction.

        ``wait=False`` raises ``WriteBusy`` at once when another writer holds the
        lock (the window then queues the write instead of freezing).
        """
        with self._lock:
            outer = self._tx_depth == 0
            if outer:
                self._begin_immediate(wait)
            self._tx_depth += 1
            try:
                yield self
            except BaseException:
                self._tx_depth -= 1
                if outer:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self._tx_depth -= 1
                if outer:
                    self.execute("COMMIT")

    def _wait_ms(self) -> int:
        return int(self._wait_s() * 1000)

    def _wait_s(self) -> float:
        return write_wait_seconds() if self.wait_limit_s is None else self.wait_limit_s

    def limit_wait(self, seconds: float) -> None:
        """Wait at most ``seconds`` for the lock on this connection (the window's: its thread must not freeze)."""
        self.wait_limit_s = seconds
        self.conn.execute(f"PRAGMA busy_timeout={self._wait_ms()}")

    def _begin_immediate(self, wait: bool = True) -> None:
        """Take the write lock, waiting for another writer (saying so once) up to the configured limit.

        Imports commit in steps of about a second, so a wait is short; a writer
        that still finds the lock taken after the limit raises a user-facing error
        and has written nothing.
        """
        wait_ms = self._wait_ms()
        self.conn.execute(f"PRAGMA busy_timeout={min(FIRST_TRY_MS, wait_ms) if wait else 0}")
        try:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except driver.OperationalError as exc:
                if not wait and is_busy(exc):
                    raise WriteBusy(f"{self.path}: another writer holds the database") from exc
                if not is_busy(exc) or wait_ms <= FIRST_TRY_MS:
                    raise self._locked(exc) from exc
            self.notify_waiting()
            self.conn.execute(f"PRAGMA busy_timeout={wait_ms - FIRST_TRY_MS}")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except driver.OperationalError as exc:
                raise self._locked(exc) from exc
        finally:
            self.conn.execute(f"PRAGMA busy_timeout={wait_ms}")

    def _locked(self, exc: Exception) -> Exception:
        if not is_busy(exc):
            return translate(exc, self.path)
        return locked_error(self.path, self.wait_limit_s)

    def notify_waiting(self) -> None:
        """Tell the user once that this writer waits for another one."""
        if not self._told_waiting:
            self._told_waiting = True
            tell_waiting()

    def rest(self) -> None:
        """Hold a connection kept between a worker's operations light: unmap the file, free the page cache.

        Mapped pages count as the process's memory for as long as the map stays;
        a closed connection held none, and a kept one should not hold more.
        """
        self.conn.execute("PRAGMA mmap_size=0")
        self.conn.execute("PRAGMA shrink_memory")

    def wake(self) -> None:
        """Map the file again for the next operation, as a newly opened connection has it."""
        self.conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")

    @contextlib.contextmanager
    def lean(self, **settings: int) -> Iterator[Database]:
        """Bound SQLite's own memory for one long scan or load, then put the connection back.

        The defaults (256 MB memory map, 64 MB page cache, sorts in memory) suit
        browsing, but a job that reads or sorts a whole table would count all of
        it as its own memory: mapped pages are resident, and an index build's
        sort spills into RAM. Here reads go unmapped through a 16 MB cache and
        sorts spill to a temporary file; ``settings`` overrides a pragma
        (``cache_size=-65536``). Inside a transaction temporary storage stays
        where it is (SQLite refuses to move it there).
        """
        wanted = {**LEAN, **settings}
        if self.conn.in_transaction:
            wanted.pop("temp_store", None)
        old = {name: self.scalar(f"PRAGMA {name}") for name in wanted}
        for name, value in wanted.items():
            self.execute(f"PRAGMA {name}={int(value)}")
        try:
            yield self
        finally:
            for name, value in old.items():
                self.execute(f"PRAGMA {name}={int(value)}")

    def stay_lean(self) -> Database:
        """Bound the memory of a connection kept for a window's life, for good (see ``lean``).

        A window keeps a few of these open in background threads; with the defaults each
        could map 256 MB of a large file into the process, which shows as resident memory.
        Sorts stay in memory here: browsing sorts small pages.
        """
        for name in ("mmap_size", "cache_size"):
            self.execute(f"PRAGMA {name}={int(LEAN[name])}")
        return self

    @property
    def user_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))


# Pragmas of ``Database.lean`` (and ``stay_lean``, sorts apart): no memory map, a 16 MB page cache,
# sorts spilled to a file.
LEAN: dict[str, int] = {"mmap_size": 0, "cache_size": -16000, "temp_store": 1}


def safe_params(params: Any) -> Any:
    """Query parameters with every text encodable (lone surrogates as U+FFFD), named or positional."""
    if isinstance(params, dict):
        return {k: scrub_value(v) for k, v in params.items()}
    return tuple(scrub_value(v) for v in params)
