"""Printing rows as a table, JSON or CSV, the three shapes every listing command offers."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from app.domain.text import scrub, visible

OUTPUT_OPTION = click.option(
    "--output", "-o", "output", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="Output format.",
)


def emit_rows(rows: Sequence[dict[str, Any]], output: str, columns: Sequence[str] | None = None) -> None:
    cols = list(columns or (rows[0].keys() if rows else []))
    if output == "json":
        click.echo(scrub(json.dumps([{c: r.get(c) for c in cols} for r in rows], ensure_ascii=False, indent=1)))
    elif output == "csv":
        from app.reports.safety import neutralise_csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(cols)
        for r in rows:
            writer.writerow([neutralise_csv(r.get(c)) for c in cols])
    else:
        click.echo(table(rows, cols))


def emit_listing(rows: list[dict[str, Any]], output: str, zone: Any, shown: Sequence[str],
                 public: Sequence[str]) -> None:
    """A listing of past imports: the table shows ``shown`` with start times in ``zone``; JSON and CSV
    keep every ``public`` column and the stored UTC."""
    if output != "table":
        emit_rows(rows, output, list(public))
        return
    from app.domain import timeutil

    for r in rows:
        r["started_at"] = timeutil.display(r["started_at"], zone, "%Y-%m-%d %H:%M")
    emit_rows(rows, output, list(shown))


def table(rows: Sequence[dict[str, Any]], cols: Sequence[str], max_width: int = 80) -> str:
    """A plain aligned text table, cells cut at ``max_width``; control characters shown as escapes (``\\x1b``)."""
    def cell(v: Any) -> str:
        s = "" if v is None else visible(str(v).replace("\n", " "))
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    body = [[cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(b[i]) for b in body]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(b, widths)).rstrip() for b in body]
    return "\n".join(lines)


def emit_json(data: Any) -> None:
    """JSON as UTF-8 text; a lone surrogate (which UTF-8 cannot carry) is written as U+FFFD."""
    click.echo(scrub(json.dumps(data, ensure_ascii=False, indent=1, default=str)))
