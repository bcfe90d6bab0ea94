"""Redacting an import's rows on their way to the store: events' message and raw text, and rejected lines.

It wraps the engine's ``Sink``, so every reader (text lines in this process or the
parsing one, records, the network receiver) goes through the same place, before the
store sees a row: the full-text index and the patterns mined are built from the
redacted message. A row costs one search of its raw text for a hint of any rule;
its message is searched on its own only when it is not a part of the raw text.
Host, component and code are left as they are: they name machines and programs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from app.domain.event_row import EVENT_COLUMNS, MESSAGE, RAW
from app.domain.redaction import Redactor

CLIENT = EVENT_COLUMNS.index("client")


class RowRedactor:
    """Redacts rows and rejects with the rules of each row's client; ``tally`` counts values by kind."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.tally: Counter[str] = Counter()

    def rows(self, rows: Sequence[Any]) -> list[Any]:
        out = list(rows)
        for_client = self.redactor.for_client
        one = None if self.redactor.clients else self.redactor.default  # no client switches a rule: one set
        for i, row in enumerate(out):
            rules = one or for_client(row[CLIENT])
            raw, msg = row[RAW], row[MESSAGE]
            if not rules.candidate(raw) and (msg in raw or not rules.candidate(msg)):
                continue
            in_raw: Counter[str] = Counter()
            in_msg: Counter[str] = Counter()
            new_raw, new_msg = rules.redact(raw, in_raw), rules.redact(msg, in_msg)
            if new_raw is raw and new_msg is msg:
                continue
            self.tally.update(in_raw | in_msg)  # one value in both texts counts once
            fields = list(row)
            fields[RAW], fields[MESSAGE] = new_raw, new_msg
            if hasattr(row, "_fields"):  # an EventRow (the network receiver's rows)
                out[i] = type(row)(*fields)
            else:
                out[i] = tuple(fields) if isinstance(row, tuple) else fields
        return out

    def rejects(self, rows: Sequence[Sequence[Any]], client: str | None = None) -> list[tuple[Any, ...]]:
        """Rows of (import_id, line_no, reason, raw): the reason may quote the line, so both are redacted."""
        rules = self.redactor.for_client(client)
        out = []
        for import_id, line_no, reason, raw in rows:
            in_raw: Counter[str] = Counter()
            in_reason: Counter[str] = Counter()
            new_raw = rules.redact(raw, in_raw) if raw else raw
            new_reason = rules.redact(reason, in_reason) if reason else reason
            self.tally.update(in_raw | in_reason)
            out.append((import_id, line_no, new_reason, new_raw))
        return out
