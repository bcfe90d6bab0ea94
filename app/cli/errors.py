"""Faults of the environment and of the user's input become one line and an exit code, never a traceback.

Disk full, permission denied, a read-only or locked or damaged database, text that
is not UTF-8: the user reads one sentence naming the file or the option, and the
traceback goes to the log file the window's crash reporter writes too, for whoever
has to look deeper.
"""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Sequence
from pathlib import Path

import click

from app.store import driver
from app.store.database import UserFacingStoreError, translate

log = logging.getLogger("issue_ledger.cli")

LOG_NAME = "issue-ledger.log"  # the same file as app.ui.crash.log_file(): one place to look
MAX_BYTES = 1_000_000
BACKUPS = 3


class Fault(click.ClickException):
    """One line for the user about a fault of the environment (exit 1)."""


class BadInput(Fault):
    """One line for the user about input the command cannot take (exit 2, as for a bad option)."""

    exit_code = 2


def log_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("issue-ledger", "IssueLedger")) / LOG_NAME


def is_fault(exc: BaseException) -> bool:
    """A failure the user or the machine caused (not a bug): the file system, SQLite, undecodable text."""
    if isinstance(exc, BrokenPipeError):  # click reports a closed pipe itself
        return False
    return isinstance(exc, (OSError, *driver.Error, UserFacingStoreError, UnicodeError))


def as_fault(exc: BaseException, db_path: Path, argv: Sequence[str]) -> Fault:
    """The one line (with where the details were logged) and the exit code for ``exc``."""
    bad = non_utf8_argument(argv) if isinstance(exc, UnicodeError) else ""
    if bad:
        message = bad
    elif isinstance(exc, driver.Error):
        known = translate(exc, db_path)
        message = str(known) if isinstance(known, UserFacingStoreError) else f"{db_path}: {exc}"
    elif isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else db_path
        message = f"{where}: {exc.strerror or exc}"
    else:
        message = str(exc)
    logged = _log(exc, argv)
    return (BadInput if bad else Fault)(message + (f" (details in {logged})" if logged else ""))


def non_utf8_argument(argv: Sequence[str]) -> str:
    """Which argument holds bytes that are not UTF-8 (Python keeps them as lone surrogates); "" if none."""
    for i, arg in enumerate(argv):
        if not any("\udc80" <= ch <= "\udcff" for ch in arg):
            continue
        raw = arg.encode("utf-8", "surrogateescape")
        if arg.startswith("--") and "=" in arg:
            name = arg.split("=", 1)[0]
        elif i and argv[i - 1].startswith("-"):
            name = argv[i - 1]
        else:
            name = f"argument {i + 1}"
        return f"{name}: not valid UTF-8 text ({raw!r}); give it in UTF-8. Nothing was changed"
    return ""


class _QuietFileHandler(logging.handlers.RotatingFileHandler):
    """Notes a failure to write (the disk that is full) instead of printing logging's own traceback."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failed = True


def _log(exc: BaseException, argv: Sequence[str]) -> Path | None:
    """Append the traceback to the log file; its path, or None when even that cannot be written."""
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _QuietFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8",
                                    errors="backslashreplace", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"))
    shown = " ".join(a.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") for a in argv)
    record = log.makeRecord(log.name, logging.ERROR, __file__, 0, "issue-ledger %s failed: %s",
                            (shown, exc), (type(exc), exc, exc.__traceback__))
    handler.handle(record)
    handler.close()
    return None if handler.failed else path
