"""Schema 21: ``event_rollup``, event counts per UTC hour and dimension (``app.store.rollup``).

The table is filled from ``event_data`` by GROUP BY over ranges of ids, inside the migration's one
transaction (Cancel rolls it back: the progress handler of ``migrations.upgrade``
interrupts the statement). Triggers take deleted and re-keyed events back out; the
``events`` view's insert trigger is made again with the rollup's upsert after its
insert, since a second INSTEAD OF trigger could not see the new row's id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.store.event_sql import VIEW_TRIGGERS
from app.store.rollup import ADD_BY_ID, TABLE, TRIGGERS, fill

if TYPE_CHECKING:
    from app.store.database import Database

VERSION = 21
NEEDS = 19  # works on the compact store of schema 16 and later; numbered after another change's 20

# The view's insert trigger as ``event_sql`` writes it, then the new row counted.
VIEW_INSERT = VIEW_TRIGGERS[0].removesuffix(" END") + f" {ADD_BY_ID}; END"


def upgrade(db: Database) -> None:
    if db.user_version < NEEDS:
        raise RuntimeError(f"schema 21 needs schema {NEEDS} first (file at {db.user_version})")
    db.execute(TABLE)
    fill(db)
    for sql in TRIGGERS:
        db.execute(sql)
    db.execute("DROP TRIGGER IF EXISTS events_insert")
    db.execute(VIEW_INSERT)
