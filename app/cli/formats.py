"""``issue-ledger formats``: the built-in formats and the user's own (lnav format files).

Exit status: 0 ok, 1 a file or format problem (one line, no traceback), 2 a usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import emit_json, table
from app.domain.text import visible

SEVERITY_NAMES = ("debug", "info", "notice", "warning", "error", "critical")
_OUTPUT = click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True)


class FormatSpec(click.ParamType):
    """A built-in format name, a saved format's name, or an lnav format file (``*.json``)."""

    name = "format"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from app.ingest import formats, userformats

        text = str(value)
        if text in formats.FORMATS:
            return text
        if userformats.is_path(text):
            path = Path(text).expanduser()
            if not path.is_file():
                self.fail(f"{text}: no such format file", param, ctx)
            return str(path.resolve())
        saved, _errors = userformats.saved()
        if any(f.name == text for f in saved):
            return text
        names = ", ".join(f.name for f in saved) or "none"
        self.fail(f"{text!r} is not a format: use a built-in one ({', '.join(formats.FORMATS)}), a saved one "
                  f"({names}) or an lnav format file ending .json", param, ctx)


def _problem(message: object) -> click.ClickException:
    return click.ClickException(str(message))


@click.group("formats", invoke_without_command=True)
@click.pass_context
def formats_(ctx: click.Context) -> None:
    """Log formats: the built-in ones and your own, in lnav's format-file syntax.

    Your own formats live in the app's data folder (see 'formats list');
    'import --format NAME' uses a saved one, 'import --format FILE.json' a file as it is.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_)


@formats_.command("list")
@_OUTPUT
def list_(output: str = "table") -> None:
    """Built-in and saved formats, and saved files that cannot be read."""
    from app.ingest import formats, userformats

    saved, errors = userformats.saved()
    builtin = [{"name": n, "description": formats.DESCRIPTIONS.get(n, "")} for n in formats.FORMATS]
    mine = [{"name": f.name, "title": f.title, "file": str(f.source) if f.source else ""} for f in saved]
    broken = [{"file": e.file, "error": str(e)} for e in errors]
    if output == "json":
        emit_json({"builtin": builtin, "saved": mine, "broken": broken, "folder": str(userformats.formats_dir())})
        return
    click.echo("Built-in formats:")
    click.echo(table(builtin, ["name", "description"]))
    click.echo(f"\nSaved formats ({userformats.formats_dir()}):")
    click.echo(table(mine, ["name", "title", "file"]) if mine else "  none; add one with 'formats add FILE.json'")
    if broken:
        click.echo("\nBroken files (left out):")
        for b in broken:
            click.echo(f"  {b['error']}")


@formats_.command("show")
@click.argument("name")
def show(name: str) -> None:
    """A saved format (or a format file) as lnav JSON; a built-in format's description."""
    from app.ingest import formats, userformats

    if name in formats.FORMATS:
        click.echo(f"{name} (built-in): {formats.DESCRIPTIONS.get(name, '')}")
        return
    try:
        fmt = userformats.find(name)
    except (userformats.FormatError, userformats.NoSuchFormat) as exc:
        raise _problem(exc) from None
    click.echo(userformats.export(fmt))


@formats_.command("test")
@click.argument("name", type=FormatSpec())
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--lines", "limit", type=click.IntRange(1, 100_000), default=20, show_default=True,
              help="How many lines to try.")
@_OUTPUT
@pass_ctx
def test(obj: CliContext, name: str, file: Path, limit: int, output: str) -> None:
    """How the first lines of FILE parse with format NAME, without importing anything."""
    from app.ingest.formats.base import Reject
    from app.ingest.lines import BinaryFileError
    from app.ingest.service import ImportOptions
    from app.ingest.sources import SourceError
    from app.ingest.trial import trial

    options = ImportOptions(format=name, zone=obj.zone, zone_name=obj.tz_name or "local")
    try:
        result = trial(file, options, limit)
    except (Reject, SourceError, BinaryFileError, OSError) as exc:
        raise _problem(exc if str(exc).startswith(str(file)) else f"{file}: {exc}") from None
    total = len(result.lines)
    if output == "json":
        emit_json({"format": result.format, "matched": result.matched, "lines": total,
                   "rows": [dict(t.__dict__, severity=_sev(t.severity)) for t in result.lines]})
        return
    for t in result.lines:
        if t.status == "event":
            click.echo(visible(f"{t.line_no:>5}  {t.ts}  {_sev(t.severity):<8}  {t.host or '-'}  "
                               f"{t.component or '-'}  {t.message}"))
        elif t.status == "continuation":
            click.echo(visible(f"{t.line_no:>5}  continuation  {t.message}"))
        else:
            click.echo(visible(f"{t.line_no:>5}  rejected: {t.reason}"))
    click.echo(f"{result.matched} of {total} lines matched ({result.format})")


@formats_.command("add")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Replace saved formats of the same names.")
def add(path: Path, replace: bool) -> None:
    """Check an lnav format file and save it, so 'import --format NAME' finds its formats."""
    from app.ingest import userformats

    if not path.is_file():
        raise _problem(f"{path}: no such file")
    try:
        names = userformats.add(path, replace=replace)
    except (userformats.FormatError, OSError) as exc:
        raise _problem(exc) from None
    click.echo(f"added {', '.join(names)} to {userformats.formats_dir() / path.name}")


@formats_.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Delete a saved format's file."""
    from app.ingest import userformats

    try:
        path = userformats.remove(name)
    except (userformats.NoSuchFormat, OSError) as exc:
        raise _problem(exc) from None
    click.echo(f"removed {name} ({path})")


def _sev(value: int | None) -> str:
    return SEVERITY_NAMES[value] if value is not None and 0 <= value < len(SEVERITY_NAMES) else "-"


__all__ = ["FormatSpec", "formats_"]
