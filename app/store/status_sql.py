"""Incident status lists as SQL, built from the domain's vocabulary so the words are typed in one place."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.incidents import FINAL_STATUSES
from app.domain.vocab import OPEN_STATUSES


def sql_list(statuses: Iterable[str]) -> str:
    """``('a', 'b')`` for an ``IN``: a literal rather than parameters, so a query's text stays one constant."""
    return "(" + ", ".join("'" + s.replace("'", "''") + "'" for s in statuses) + ")"


OPEN_IN = sql_list(OPEN_STATUSES)
FINAL_IN = sql_list(FINAL_STATUSES)
