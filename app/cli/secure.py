"""Secure storage commands: ``encrypt``, ``decrypt``, ``rekey`` and ``backup``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, ask_passphrase, pass_ctx
from app.cli.output import OUTPUT_OPTION, emit_json


def _run(fn: Any) -> Any:
    """A store or file fault ends the command in one line."""
    from app.store.database import UserFacingStoreError

    try:
        return fn()
    except UserFacingStoreError as exc:
        raise click.ClickException(str(exc)) from None


def _new_passphrase(obj: CliContext) -> str:
    given = obj.given_passphrase()
    if given:
        return given
    if not sys.stdin.isatty():
        raise click.UsageError("give the new passphrase with --passphrase-env VAR or $ISSUE_LEDGER_PASSPHRASE")
    return ask_passphrase(obj.db_path, confirm=True)


@click.command()
@OUTPUT_OPTION
@pass_ctx
def encrypt(obj: CliContext, output: str) -> None:
    """Encrypt the database with a passphrase (SQLCipher).

    The database is copied into a new encrypted file, checked row for row, and
    put in its place; the old file's bytes are then overwritten with zeros. That
    overwrite is best effort: SSDs, copy-on-write file systems, snapshots and
    backups may still hold the old bytes. Refused while another program has the file open.
    """
    from app.store import cipher, encryption

    _run(cipher.require)
    if cipher.is_encrypted(obj.db_path):  # before opening it, which would checkpoint and so rewrite it
        raise click.ClickException(f"{obj.db_path}: the database is already encrypted; nothing was changed")
    passphrase = _new_passphrase(obj)
    obj.db()  # refuses a missing, foreign or already-open-with-a-wrong-key file first
    obj.close()
    done = _run(lambda: encryption.rewrite(obj.db_path, passphrase))
    _report(done, output)


@click.command()
@OUTPUT_OPTION
@pass_ctx
def decrypt(obj: CliContext, output: str) -> None:
    """Turn an encrypted database back into a plain SQLite file (its passphrase is needed)."""
    from app.store import cipher, encryption

    if not cipher.is_encrypted(obj.db_path):
        raise click.ClickException(f"{obj.db_path}: the database is not encrypted; nothing was changed")
    obj.db()
    obj.close()
    done = _run(lambda: encryption.rewrite(obj.db_path, None))
    _report(done, output)


@click.command()
@click.option("--new-passphrase-env", "new_env", metavar="VAR",
              help="Environment variable holding the new passphrase; without it, asked twice on the terminal.")
@OUTPUT_OPTION
@pass_ctx
def rekey(obj: CliContext, new_env: str | None, output: str) -> None:
    """Change an encrypted database's passphrase (the current one opens it, as for any command).

    The database is copied under the new passphrase, checked row for row and put in
    its place, as ``encrypt`` does, so the old passphrase opens nothing afterwards
    (copies and backups made before keep the old one). Refused while another program has it open.
    """
    import os

    from app.store import cipher, encryption

    _run(cipher.require)
    if not cipher.is_encrypted(obj.db_path):
        raise click.ClickException(f"{obj.db_path}: the database is not encrypted; use 'encrypt'. Nothing was changed")
    obj.db()  # the current passphrase must open it first
    obj.close()
    if new_env:
        new = os.environ.get(new_env)
        if not new:
            raise click.BadParameter(f"${new_env} is not set or empty", param_hint="--new-passphrase-env")
    elif sys.stdin.isatty():
        new = str(click.prompt(f"New passphrase for {obj.db_path}", hide_input=True, confirmation_prompt=True,
                               err=True))
    else:
        raise click.UsageError("give the new passphrase with --new-passphrase-env VAR")
    done = _run(lambda: encryption.rewrite(obj.db_path, new, change=True))
    _report(done, output, "re-encrypted under the new passphrase")


def _report(done: Any, output: str, said: str | None = None) -> None:
    if output == "json":
        emit_json(done.to_dict())
        return
    state = said or ("encrypted" if done.encrypted else "decrypted")
    click.echo(f"{done.path}: {state}; {done.counts['events']} events, {done.counts['incidents']} incidents, "
               f"{done.counts['audit_log']} audit rows carried over")
    if not done.wiped:
        click.echo("note: the old file's bytes could not be overwritten", err=True)


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@OUTPUT_OPTION
@pass_ctx
def backup(obj: CliContext, out: Path, output: str) -> None:
    """Copy the database to OUT while it stays in use, and write OUT.manifest.json.

    Uses SQLite's online backup API, so imports and the window can go on. An
    encrypted database is backed up encrypted, with the same passphrase. The
    manifest holds the copy's SHA-256, size, counts, schema version and audit
    chain head; the audit trail records the backup.
    """
    from app.store import backup as backups

    db = obj.db()
    shown = output != "json" and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if shown:
            click.echo(f"\rcopied {done}/{total} pages", err=True, nl=done >= total)

    manifest = _run(lambda: backups.backup(db, out, progress))
    if output == "json":
        emit_json({**manifest.to_dict(), "manifest": str(backups.manifest_path(out))})
    else:
        click.echo(f"{out}: {manifest.size} bytes, sha256 {manifest.sha256}; {manifest.events} events, "
                   f"{manifest.incidents} incidents, audit head row {manifest.audit_head_row}")
