"""``issue-ledger kb``: the knowledge base: add, show, list, search, link, draft and suggest articles.

Every command calls ``app.kb``, the services the window's Knowledge page uses, so a
refused draft or an unknown id is refused the same way here and there, in one line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from app.cli.context import CliContext, pass_ctx
from app.cli.output import emit_json, emit_rows, table
from app.domain.text import visible

LIST_COLUMNS = ("id", "updated_at", "title", "tags", "patterns", "incidents")
TEXT_OR_JSON = click.option("--output", "-o", "output", type=click.Choice(["text", "json"]), default="text",
                            show_default=True, help="Output format.")
TABLE_OR_JSON = click.option("--output", "-o", "output", type=click.Choice(["table", "json"]), default="table",
                             show_default=True, help="Output format.")


@contextmanager
def _one_line(what: str = "") -> Iterator[None]:
    """A knowledge-base refusal (unknown id, incident not resolved) as one line, exit 1, nothing changed."""
    from app.kb import KbError

    try:
        yield
    except KbError as exc:
        raise click.ClickException(f"{what}{exc}") from None


def _read_body(path: str) -> str:
    """The Markdown body from a file, or stdin for ``-``; an unreadable file is named in one line."""
    try:
        if path == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"{path}: not UTF-8 text (byte {exc.start})", param_hint="--body-file") from None
    except OSError as exc:
        raise click.BadParameter(f"{path}: {exc.strerror or exc}", param_hint="--body-file") from None


def _local(obj: CliContext) -> Callable[[str | None], str]:
    from app.domain import timeutil

    return lambda at: timeutil.display(at, obj.zone, "%Y-%m-%d %H:%M") if at else ""


@click.group("kb")
def kb() -> None:
    """Knowledge-base articles: how a recurring problem was recognised and fixed."""


@kb.command("add")
@click.option("--title", required=True, help="One line naming the problem.")
@click.option("--body-file", "body_file", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Markdown file ('-' for stdin); '## Symptoms', '## Cause', '## Resolution' fill those fields.")
@click.option("--pattern", "patterns", multiple=True, type=int, metavar="ID", help="Link a pattern (repeatable).")
@click.option("--incident", "incidents", multiple=True, metavar="NUMBER", help="Link an incident (repeatable).")
@click.option("--tags", help="Comma-separated tags.")
@TEXT_OR_JSON
@pass_ctx
def add(obj: CliContext, title: str, body_file: str, patterns: tuple[int, ...], incidents: tuple[str, ...],
        tags: str | None, output: str) -> None:
    """Save a new article; prints its id."""
    from app.kb import articles

    body = _read_body(body_file)
    with _one_line("nothing was saved: "):
        article_id = articles.add(obj.db(create=True), title, body, tags=tags, patterns=patterns,
                                  incidents=incidents)
    _print_id(article_id, output)


@kb.command("update")
@click.argument("article_id", metavar="ID", type=int)
@click.option("--title", help="One line naming the problem.")
@click.option("--body-file", "body_file", type=click.Path(dir_okay=False, allow_dash=True),
              help="New Markdown body ('-' for stdin); its sections refill symptoms, cause and resolution.")
@click.option("--tags", help="Comma-separated tags (replaces them).")
@pass_ctx
def update(obj: CliContext, article_id: int, title: str | None, body_file: str | None, tags: str | None) -> None:
    """Change an article's title, body or tags."""
    from app.kb import articles

    changes: dict[str, Any] = {k: v for k, v in (("title", title), ("tags", tags)) if v is not None}
    if body_file:
        changes["body"] = _read_body(body_file)
    if not changes:
        raise click.UsageError("nothing to change: give --title, --body-file or --tags")
    with _one_line("nothing was changed: "):
        articles.update(obj.db(), article_id, changes)
    click.echo(f"article {article_id} updated")


@kb.command("show")
@click.argument("article_id", metavar="ID", type=int)
@TABLE_OR_JSON
@pass_ctx
def show(obj: CliContext, article_id: int, output: str) -> None:
    """One article: its fields, linked patterns and incidents, then the body."""
    from app.kb import articles

    with _one_line():
        row = articles.get(obj.db(), article_id)
    if output == "json":
        emit_json(row)
        return
    local = _local(obj)
    fields = [("id", row["id"]), ("title", row["title"]), ("tags", row["tags"]), ("author", row["author"]),
              ("created", local(row["created_at"])), ("updated", local(row["updated_at"])),
              ("drafted from", row["source_incident"]),
              ("patterns", ", ".join(f"#{p['id']} {p['template'] or ''}".strip() for p in row["patterns"])),
              ("incidents", ", ".join(f"{i['number']} ({i['status']})" for i in row["incidents"]))]
    click.echo(table([{"field": k, "value": v} for k, v in fields if v not in (None, "")], ["field", "value"],
                     max_width=100))
    click.echo("")
    click.echo("\n".join(visible(line) for line in row["body"].splitlines()))  # log lines may hold ESC


def _listing(obj: CliContext, rows: list[dict[str, Any]], output: str) -> None:
    if output == "json":
        emit_json(rows)
        return
    local = _local(obj)
    for r in rows:
        r["updated_at"] = local(r["updated_at"])
        r["patterns"] = ", ".join(map(str, r["patterns"]))
        r["incidents"] = ", ".join(r["incidents"])
    emit_rows(rows, "table", LIST_COLUMNS)


@kb.command("list")
@click.option("--pattern", type=int, metavar="ID", help="Only articles linked to this pattern.")
@click.option("--limit", type=click.IntRange(1, None), default=200, show_default=True, help="At most N articles.")
@TABLE_OR_JSON
@pass_ctx
def list_(obj: CliContext, pattern: int | None, limit: int, output: str) -> None:
    """Articles, last changed first."""
    from app.kb import articles

    _listing(obj, articles.listing(obj.db(), pattern=pattern, limit=limit), output)


@kb.command("search")
@click.argument("query")
@click.option("--pattern", type=int, metavar="ID", help="Only articles linked to this pattern.")
@click.option("--limit", type=click.IntRange(1, None), default=50, show_default=True, help="At most N articles.")
@TABLE_OR_JSON
@pass_ctx
def search(obj: CliContext, query: str, pattern: int | None, limit: int, output: str) -> None:
    """Articles matching QUERY, best first; plain text (an IP, INC-000123) is found as typed."""
    from app.kb import articles
    from app.store.text_search import text_search

    note = text_search(query, "kb_fts").note
    if note:
        click.echo(f"note: {note}", err=True)
    _listing(obj, articles.listing(obj.db(), query, pattern=pattern, limit=limit), output)


@kb.command("link")
@click.argument("article_id", metavar="ID", type=int)
@click.option("--pattern", type=int, metavar="ID", help="A pattern to link.")
@click.option("--incident", metavar="NUMBER", help="An incident to link.")
@click.option("--unlink", is_flag=True, help="Remove the link instead.")
@pass_ctx
def link(obj: CliContext, article_id: int, pattern: int | None, incident: str | None, unlink: bool) -> None:
    """Link an article to a pattern and/or an incident (or --unlink them)."""
    from app.kb import articles

    if pattern is None and incident is None:
        raise click.UsageError("give --pattern and/or --incident")
    with _one_line("nothing was linked: " if not unlink else "nothing was unlinked: "):
        changed = articles.link(obj.db(), article_id, pattern=pattern, incident=incident, unlink=unlink)
    verb = "unlinked" if unlink else "linked"
    click.echo(f"article {article_id}: {verb}" if changed else f"article {article_id}: already {verb}, no change")


@kb.command("remove")
@click.argument("article_id", metavar="ID", type=int)
@pass_ctx
def remove(obj: CliContext, article_id: int) -> None:
    """Delete an article and its links (the audit trail keeps the whole of it)."""
    from app.kb import articles

    with _one_line():
        row = articles.remove(obj.db(), article_id)
    click.echo(f"article {row['id']} removed: {row['title']}")


@kb.command("draft")
@click.argument("number")
@TEXT_OR_JSON
@pass_ctx
def draft(obj: CliContext, number: str, output: str) -> None:
    """Draft an article from resolved or closed incident NUMBER (its evidence, root cause and fix); prints its id."""
    from app.kb import articles
    from app.kb.draft import draft_from_incident

    db = obj.db()
    with _one_line():
        article_id = draft_from_incident(db, number, zone=obj.zone)
    if output == "json":
        row = articles.get(db, article_id)
        emit_json({"id": article_id, "title": row["title"], "source_incident": row["source_incident"],
                   "patterns": [p["id"] for p in row["patterns"]],
                   "incidents": [i["number"] for i in row["incidents"]]})
    else:
        click.echo(article_id)


@kb.command("suggest")
@click.option("--event", "event_id", type=int, required=True, metavar="ID", help="The event to find fixes for.")
@click.option("--limit", type=click.IntRange(1, None), default=10, show_default=True,
              help="At most N articles and N incidents.")
@TABLE_OR_JSON
@pass_ctx
def suggest(obj: CliContext, event_id: int, limit: int, output: str) -> None:
    """Articles and past fixed incidents for an event's pattern, what fixed it most often first."""
    from app.kb.suggest import suggest_for_event

    with _one_line():
        found = suggest_for_event(obj.db(), event_id, limit)
    if output == "json":
        emit_json(found)
        return
    click.echo("Articles")
    click.echo(table(found["articles"], ["id", "score", "title"]) if found["articles"] else "(none)")
    click.echo("")
    click.echo("Incidents")
    click.echo(table(found["incidents"], ["number", "resolution_code", "title", "notes"])
               if found["incidents"] else "(none)")


def _print_id(article_id: int, output: str) -> None:
    if output == "json":
        emit_json({"id": article_id})
    else:
        click.echo(article_id)
