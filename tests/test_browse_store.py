"""Keyset browsing, facet counts, saved views, the timeline histogram and event details, on real files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.domain import timeutil
from app.domain.filters import Filter
from app.store import browse, events as store, facets, views
from app.store.browse import Browse
from app.store.database import Database, UserFacingStoreError

UTC = timeutil.UTC
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

FILTERS = [
    Filter(),
    Filter(log_types=("network", "security")),
    Filter(min_severity="error", sites=("Manila Site B",)),
    Filter(search="timeout OR refused"),
    Filter(since="7d", exclude=("session",)),
    Filter(hosts=("fw-mnb02",), components=("nginx", "systemd")),
    Filter(include=("timeout",), exclude=("DPD", "refused"), log_types=("network", "error")),
    Filter(exclude=("session",)),
]


def _all(db: Database, b: Browse) -> list[int]:
    order = "DESC" if b.descending else "ASC"
    cols = ", ".join(f"t.{c} {order}" for c in b.key_columns)
    return [r[0] for r in db.execute(f"SELECT t.id FROM event_rows t WHERE {b.where.sql()} ORDER BY {cols}",
                                     b.where.params)]


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("sort,descending", [("time", True), ("time", False), ("severity", True)])
def test_keyset_pages_walk_every_row_once(demo_db: Database, f: Filter, sort: str, descending: bool) -> None:
    b = Browse("events", f, UTC, sort, descending, NOW)
    expected = _all(demo_db, b)
    got: list[int] = []
    after = None
    while True:
        rows = b.page(demo_db, after, 97)
        got += [r["id"] for r in rows]
        if len(rows) < 97:
            break
        after = rows[-1]["_key"]
    assert got == expected
    assert b.count(demo_db) == len(expected)
    tail = b.page(demo_db, None, 50, reverse=True)
    assert [r["id"] for r in reversed(tail)] == expected[-50:]
    if len(expected) > 40:
        anchors = b.anchors(demo_db, 20)
        assert len(anchors) == (len(expected) - 1) // 20
        k = len(anchors) // 2
        rows = b.page(demo_db, anchors[k], 20, inclusive=True)
        assert [r["id"] for r in rows] == expected[(k + 1) * 20:(k + 2) * 20]


@pytest.mark.parametrize("f", [Filter(log_types=("network",), min_severity="warning"),
                               Filter(search="timeout OR refused", sites=("Manila Site B",))])
def test_both_plans_give_the_same_rows(demo_db: Database, monkeypatch: pytest.MonkeyPatch, f: Filter) -> None:
    fast = Browse("events", f, UTC, now=NOW).page(demo_db, None, 300)
    monkeypatch.setattr(browse, "SCAN_BUDGET_S", 0.0)  # the index walk gives up at once
    monkeypatch.setattr(browse, "FTS_SCAN_BUDGET_S", 0.0)
    monkeypatch.setattr(browse, "SMALL_MATCH", 0)  # no match list counts as short here
    monkeypatch.setattr(browse, "WINDOW_BUDGET_S", 0.0)  # nor read over a window of time
    plans: list[object] = []
    real = Browse._page

    def spy(self, *args):  # type: ignore[no-untyped-def]
        plans.append(args[5])
        return real(self, *args)

    monkeypatch.setattr(Browse, "_page", spy)
    slow = Browse("events", f, UTC, now=NOW).page(demo_db, None, 300)
    assert [r["id"] for r in fast] == [r["id"] for r in slow] and fast
    assert plans == ["events_browse", None]  # the walk was interrupted, the planner's pick answered


def test_cancel_interrupts_a_query(demo_db: Database) -> None:
    from app.domain.jobs import Cancelled

    with pytest.raises(Cancelled):
        Browse("events", Filter(include=("%",)), UTC).count(demo_db, cancelled=lambda: True)
    assert Browse("events", Filter(), UTC).count(demo_db) == 5000  # connection still usable


def test_store_page_keeps_its_public_shape(demo_db: Database) -> None:
    rows = store.page(demo_db, Filter(log_types=("audit",)), UTC, limit=10)
    assert len(rows) == 10 and set(rows[0]) == set(store.PUBLIC_COLUMNS)
    more = store.page(demo_db, Filter(log_types=("audit",)), UTC, limit=10, after=(rows[-1]["ts"], rows[-1]["id"]))
    assert not {r["id"] for r in rows} & {r["id"] for r in more}


def test_incident_browse_sorts_and_counts(demo_db: Database) -> None:
    b = Browse("incidents", Filter(statuses=("closed", "resolved")), UTC, "priority", False)
    rows = b.page(demo_db, None, 500)
    assert len(rows) == b.count(demo_db) > 0
    assert [r["priority"] for r in rows] == sorted(r["priority"] for r in rows)
    with pytest.raises(ValueError, match="sort"):
        Browse("incidents", Filter(), UTC, "severity")


def test_facets_lift_their_own_field(demo_db: Database) -> None:
    f = Filter(log_types=("network",), hosts=("fw-mnb02",))
    by_type = dict(facets.facet_counts(demo_db, "events", "log_type", f, UTC))
    assert len(by_type) > 1  # other types still offered
    assert by_type["network"] == store.count(demo_db, f, UTC)
    sev = dict(facets.facet_counts(demo_db, "events", "severity", Filter(min_severity="error"), UTC))
    assert set(sev) <= {"debug", "info", "notice", "warning", "error", "critical"} and "info" in sev
    assert sum(sev.values()) == 5000
    status = dict(facets.facet_counts(demo_db, "incidents", "status", Filter(statuses=("new",)), UTC))
    assert sum(status.values()) == demo_db.scalar("SELECT count(*) FROM incidents")
    with pytest.raises(KeyError):
        facets.facet_counts(demo_db, "incidents", "host", Filter(), UTC)


def test_saved_views_round_trip_and_audit(db: Database, tmp_path) -> None:
    f = Filter(log_types=("network",), min_severity="error", sites=("Site B",), since="1h")
    views.save(db, "  Net  errors ", f)
    views.save(db, "Open P1", Filter(statuses=("new",), priorities=(1,)), "incidents")
    assert [v.name for v in views.list_views(db)] == ["Net errors", "Open P1"]
    assert [v.name for v in views.list_views(db, "incidents")] == ["Open P1"]
    assert views.get(db, "Net errors").filter == f
    text = views.dumps(views.list_views(db))
    one = views.dumps([views.get(db, "Net errors")])
    assert json.loads(one)["filter"]["log_types"] == ["network"]
    assert views.delete(db, "Net errors") and not views.delete(db, "Net errors")
    assert views.import_views(db, views.loads(text)) == 2
    assert views.get(db, "Net errors").filter == f
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE entity = 'view' ORDER BY id")]
    assert actions[:3] == ["create", "create", "delete"]


@pytest.mark.parametrize("text,match", [
    ("{", "not JSON"),
    ('{"name": "x", "filter": {"log_types": ["bogus"]}}', "view 1: log type: unknown 'bogus'"),
    ('{"views": [{"name": "ok"}, {"name": "", "filter": {}}]}', "view 2: view name: empty"),
    ('{"name": "x", "kind": "charts"}', "kind 'charts' unknown"),
    ('{"name": "x", "filter": {"colour": 1}}', "unknown field"),
    ("42", "expected a view"),
])
def test_bad_view_files_are_named(text: str, match: str) -> None:
    with pytest.raises(UserFacingStoreError, match=match):
        views.loads(text, "team.json")


def test_histogram_counts_add_up(demo_db: Database) -> None:
    f = Filter(log_types=("network",))
    h = store.histogram(demo_db, f, UTC, all_time=True)
    assert sum(sum(c) for c in h["counts"].values()) == store.count(demo_db, f, UTC)
    assert h["width"] == 86400 and all(k.endswith("T00:00:00.000Z") for k in h["counts"])
    manila = store.histogram(demo_db, f, timeutil.get_zone("Asia/Manila"), all_time=True)
    assert all(k.endswith("T16:00:00.000Z") for k in manila["counts"])  # local midnight, UTC+8
    assert sum(sum(c) for c in manila["counts"].values()) == store.count(demo_db, f, UTC)
    london = store.local_day_start("2026-10-25T12:00:00.000Z", timeutil.get_zone("Europe/London"))
    assert london == "2026-10-24T23:00:00.000Z"  # BST midnight on the day clocks go back
    narrow = store.histogram(demo_db, Filter(since="2026-11-30T09:00:00Z", until="2026-11-30T11:00:00Z"), UTC)
    assert narrow["width"] == 60
    assert sum(sum(c) for c in narrow["counts"].values()) == store.count(
        demo_db, Filter(since="2026-11-30T09:00:00Z", until="2026-11-30T11:00:00Z"), UTC)
    assert store.histogram(demo_db, Filter(hosts=("nowhere",)), UTC)["counts"] == {}


def test_details_have_context_and_incidents(demo_db: Database) -> None:
    linked = demo_db.scalar("SELECT event_id FROM incident_events LIMIT 1")
    d = store.details(demo_db, linked, context_lines=3)
    assert d and d["incidents"] and d["incidents"][0]["number"].startswith("INC-")
    lines = [c["line_no"] for c in d["context"]]
    here = d["event"]["line_no"]
    assert lines == list(range(here - 3, here + 4))
    first = demo_db.scalar("SELECT id FROM events ORDER BY line_no LIMIT 1")
    assert [c["line_no"] for c in store.details(demo_db, first, 2)["context"]] == [1, 2, 3]
    assert store.details(demo_db, 10**9) is None
