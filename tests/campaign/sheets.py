"""Incident sheets for the fuzz: the shape an importer takes (key, title, opened, priority, state) with hostile
cells, or any headers at all."""

from __future__ import annotations

import csv
import io

from hypothesis import strategies as st

from app.ingest.incidents.columns import SYNONYMS
from tests.campaign import hostile

HEADER = st.one_of(st.sampled_from([s for names in SYNONYMS.values() for s in names[:2]]), hostile.SHORT)
DATES = ("2026-11-29 10:00", "29/11/2026 10:00:00", "11/29/2026 1:00 PM", "2026-11-29T10:00:00Z", "2026-02-30 25:00",
         "", "46000.5", "yesterday")
CELLS = st.one_of(st.sampled_from(("", "P1", "1 - High", "Closed", "New", "On Hold", "INC0010001", "12", "-5", "1e308",
                                   "nan", "network", "0", *DATES)), hostile.SHORT)
# A sheet an importer would take (key, title, opened, priority, state and more), its cells hostile; or any sheet.
SHEETS = st.one_of(
    st.tuples(st.lists(HEADER, max_size=3).map(lambda extra: ["Number", "Short description", "Opened", "Priority",
                                                              "State", *extra]),
              st.sampled_from(DATES[:4]).flatmap(lambda opened: st.lists(st.tuples(
                  st.sampled_from(("INC001", "INC002", "", "=1+1", "INC003\x00")), hostile.SHORT,
                  st.sampled_from((opened, opened, opened, "")), st.sampled_from(("P1", "P2", "3", "1 - High", "P9")),
                  st.sampled_from(("New", "Closed", "On Hold", "In Progress", "Resolved")), CELLS, CELLS).map(list),
                  max_size=6))),
    st.tuples(st.lists(HEADER, min_size=1, max_size=7), st.lists(st.lists(CELLS, max_size=8), max_size=6)))


def table(headers: list[str], rows: list[list[str]]) -> bytes:
    """The sheet as CSV bytes; a lone surrogate becomes the bytes a broken writer leaves."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([(r + [""] * len(headers))[: len(headers)] for r in rows])
    return out.getvalue().encode("utf-8", "surrogatepass")
