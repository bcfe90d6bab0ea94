"""What every command needs: the database path and the display zone, resolved once."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from app.store.database import DamagedDatabaseError, Database, MissingDatabaseError, UserFacingStoreError, default_path
from app.store.db_errors import set_wait_notice


class NoDatabase(click.ClickException):
    """A command that only reads or changes a ledger was pointed at a missing file (exit 2, like a bad option)."""

    exit_code = 2


class CliContext:
    """Global options, with the database opened lazily so ``--help`` never touches it."""

    def __init__(self, db_path: str | None, tz_name: str | None, passphrase_env: str | None = None) -> None:
        self.db_path = Path(db_path) if db_path else default_path()
        self.tz_name = tz_name
        self.passphrase_env = passphrase_env
        self._db: Database | None = None

    @property
    def zone(self) -> dt.tzinfo:
        from app.domain.timeutil import get_zone

        try:
            return get_zone(self.tz_name)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--tz") from None

    def db(self, create: bool = False) -> Database:
        """The open database; only commands that add data (``demo``, the imports, ``incident add``)
        pass ``create``, so a mistyped ``--db`` is refused instead of becoming a new, empty ledger."""
        if self._db is None:
            set_wait_notice(lambda message: click.echo(message, err=True))  # once, on stderr, while a writer waits
            from app.store import cipher

            given = self.given_passphrase()
            if given is None and cipher.is_encrypted(self.db_path) and sys.stdin.isatty():
                given = ask_passphrase(self.db_path)
            if given:
                cipher.remember(self.db_path, given)
            try:
                self._db = Database.open(self.db_path, create=create)
            except MissingDatabaseError as exc:
                raise NoDatabase(f"{exc}; check --db (or $ISSUE_LEDGER_DB), or create it with 'demo', 'import', "
                                 "'incidents import' or 'incident add'") from None
            except DamagedDatabaseError:
                raise  # ``verify`` reports it as a finding; elsewhere it ends the command in one line
            except UserFacingStoreError as exc:
                raise click.ClickException(str(exc)) from None
        return self._db


    def close(self) -> None:
        """Close the database (``encrypt`` replaces the file, which must not be open here)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def given_passphrase(self) -> str | None:
        """The passphrase from ``--passphrase-env VAR``, else ``$ISSUE_LEDGER_PASSPHRASE``; None when neither."""
        from app.store.cipher import PASSPHRASE_ENV

        if self.passphrase_env:
            value = os.environ.get(self.passphrase_env)
            if not value:
                raise click.BadParameter(f"${self.passphrase_env} is not set or empty", param_hint="--passphrase-env")
            return value
        return os.environ.get(PASSPHRASE_ENV) or None


def ask_passphrase(path: Path, confirm: bool = False) -> str:
    """Prompt on the terminal with hidden input (only when one is attached)."""
    value = str(click.prompt(f"Passphrase for {path}", hide_input=True, confirmation_prompt=confirm, err=True))
    if not value:
        raise click.BadParameter("an empty passphrase", param_hint="passphrase")
    return value


pass_ctx = click.make_pass_decorator(CliContext)
