"""What every command needs: the database path and the display zone, resolved once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from app.store.database import DamagedDatabaseError, Database, MissingDatabaseError, UserFacingStoreError, default_path
from app.store.db_errors import set_wait_notice


class NoDatabase(click.ClickException):
    """A command that only reads or changes a ledger was pointed at a missing file (exit 2, like a bad option)."""

    exit_code = 2


class CliContext:
    """Global options, with the database opened lazily so ``--help`` never touches it."""

    def __init__(self, db_path: str | None, tz_name: str | None) -> None:
        self.db_path = Path(db_path) if db_path else default_path()
        self.tz_name = tz_name
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


pass_ctx = click.make_pass_decorator(CliContext)
