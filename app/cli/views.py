"""``issue-ledger views``: list, save, show, delete, export and import saved views.

A view is the filter bar's state by name; its JSON is what ``--view FILE``
reads, so a view built in the window can drive any listing command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.filters import build_filter, incident_filter_options
from app.cli.output import OUTPUT_OPTION, emit_rows


@click.group()
def views() -> None:
    """Saved filters shared by the window and the command line."""


@views.command("list")
@click.option("--kind", type=click.Choice(["events", "incidents"]), help="Only views of this kind.")
@OUTPUT_OPTION
@pass_ctx
def list_(obj: CliContext, kind: str | None, output: str) -> None:
    """Saved views, by name."""
    import json

    from app.store import views as store

    rows = [{"name": v.name, "kind": v.kind, "filter": json.dumps(v.filter.to_dict(), ensure_ascii=False)}
            for v in store.list_views(obj.db(), kind)]
    emit_rows(rows, output, ["name", "kind", "filter"])


@views.command("save")
@click.argument("name")
@click.option("--kind", type=click.Choice(["events", "incidents"]), default="events", show_default=True)
@incident_filter_options
@pass_ctx
def save(obj: CliContext, name: str, kind: str, **kwargs: Any) -> None:
    """Save the filter given by the options as NAME (replacing one of that name)."""
    from app.store import views as store

    f = build_filter(kwargs)
    try:
        view = store.save(obj.db(), name, f, kind)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"saved view {view.name!r}")


@views.command("show")
@click.argument("name")
@pass_ctx
def show(obj: CliContext, name: str) -> None:
    """Print one view as JSON (usable with --view)."""
    from app.store import views as store

    view = store.get(obj.db(), name)
    if view is None:
        raise click.ClickException(f"no saved view named {name!r}")
    click.echo(store.dumps([view]))


@views.command("delete")
@click.argument("name")
@pass_ctx
def delete(obj: CliContext, name: str) -> None:
    """Delete a saved view."""
    from app.store import views as store

    if not store.delete(obj.db(), name):
        raise click.ClickException(f"no saved view named {name!r}")
    click.echo(f"deleted view {name!r}")


@views.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", "names", multiple=True, help="Only this view (repeatable); default all.")
@pass_ctx
def export(obj: CliContext, file: Path, names: tuple[str, ...]) -> None:
    """Write views to FILE as JSON to share with the team."""
    from app.store import views as store

    chosen = [v for v in store.list_views(obj.db()) if not names or v.name in names]
    missing = set(names) - {v.name for v in chosen}
    if missing:
        raise click.ClickException(f"no saved view named {', '.join(sorted(missing))}")
    file.write_text(store.dumps(chosen) + "\n", encoding="utf-8")
    click.echo(f"{len(chosen)} view(s) written to {file}")


@views.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def import_(obj: CliContext, file: Path) -> None:
    """Read views from FILE (one view or {"views": [...]}); same names are replaced."""
    from app.store import views as store
    from app.store.database import UserFacingStoreError

    try:
        n = store.import_views(obj.db(), store.loads(file.read_text(encoding="utf-8"), str(file)))
    except (UserFacingStoreError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{n} view(s) imported from {file}")
