"""Figure builders from SQL data to drawn artists: bar heights equal independent SQL counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.analysis import incident_series, series
from app.charts import base, render
from app.domain import masking, timeutil
from app.domain.filters import Filter
from app.store import events as event_store
from app.store.database import Database

ZONE = timeutil.get_zone("Asia/Manila")
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
LAST_WEEK = Filter(since="2026-11-23T00:00:00Z", until="2026-11-30T00:00:00Z")


def test_trend_bar_heights_equal_sql_counts(demo_db: Database) -> None:
    data = series.trend(demo_db, LAST_WEEK, ZONE, by="severity", size="day")
    chart = render.build("trend", data)
    collections = chart.bars()
    assert [c.get_label() for c in collections] == list(data.series)
    for coll, (severity, counts) in zip(collections, data.series.items()):
        assert base.heights_of(coll) == pytest.approx(counts)
        # independent check through the events store, one bucket at a time
        for j in (0, 3, len(counts) - 1):
            start, end = data.span(j)
            f = Filter(severities=(severity,), since=timeutil.to_iso(start), until=timeutil.to_iso(end))
            assert counts[j] == event_store.count(demo_db, f, ZONE)
    assert data.total == event_store.count(demo_db, LAST_WEEK, ZONE)


def test_trend_by_type_and_client_colours_follow_vocab(demo_db: Database) -> None:
    from app.domain.vocab import LOG_TYPE_COLOURS

    data = series.trend(demo_db, LAST_WEEK, ZONE, by="type")
    chart = render.build("trend", data, theme="dark")
    for coll in chart.bars():
        expected = LOG_TYPE_COLOURS[coll.get_label()]
        assert tuple(coll.get_facecolor()[0][:3]) == pytest.approx(_rgb(expected), abs=0.01)
    clients = series.trend(demo_db, LAST_WEEK, ZONE, by="client")
    assert set(clients.series) <= {"Acme Telecom", "Globex Retail", "Initech Bank"}
    assert clients.total == data.total


def test_trend_drill_slice_lists_the_same_events(demo_db: Database) -> None:
    data = series.trend(demo_db, LAST_WEEK, ZONE, by="severity", size="day")
    chart = render.build("trend", data)
    coll = chart.bars()[-1]
    drill = chart.drill_for(coll, 2)
    assert drill is not None and drill.page == "events"
    f = LAST_WEEK.replace(**drill.changes)
    assert event_store.count(demo_db, f, ZONE) == base.heights_of(coll)[2]


def test_incident_flow_bars_and_backlog(demo_db: Database) -> None:
    data = incident_series.flow(demo_db, Filter(), ZONE, now=NOW)
    chart = render.build("incidents", data)
    opened, _resolved = chart.bars()
    assert base.heights_of(opened) == pytest.approx(data.opened)
    assert sum(data.opened) == demo_db.scalar("SELECT count(*) FROM incidents")
    assert sum(data.resolved) == demo_db.scalar("SELECT count(*) FROM incidents WHERE resolved_at IS NOT NULL")
    open_now = demo_db.scalar("SELECT count(*) FROM incidents WHERE status IN ('new', 'in-progress', 'on-hold')")
    assert data.backlog[-1] == open_now
    j = max(range(len(data.opened)), key=data.opened.__getitem__)
    drill = chart.drill_for(opened, j)
    assert drill is not None and drill.page == "incidents"
    since, until = drill.changes["since"], drill.changes["until"]
    assert demo_db.scalar("SELECT count(*) FROM incidents WHERE opened_at >= ? AND opened_at < ?",
                          (since, until)) == data.opened[j]


def test_mttr_bars_and_sla_target_lines(demo_db: Database) -> None:
    data = incident_series.mttr(demo_db, Filter(), ZONE, now=NOW)
    chart = render.build("mttr", data)
    ax = chart.figure.axes[0]
    assert set(data.targets) == {1, 2, 3, 4}
    target_lines = [line for line in ax.get_lines() if "SLA target" in line.get_label()]
    assert len(target_lines) == len(data.targets)
    assert target_lines[0].get_ydata()[0] == pytest.approx(data.targets[1] / 60)
    p2 = next(c for c in chart.bars() if c.get_label().startswith("P2"))
    week = next(j for j, m in enumerate(data.minutes[2]) if m is not None)
    expected = demo_db.scalar(
        "SELECT avg((julianday(resolved_at) - julianday(opened_at)) * 24) FROM incidents "
        "WHERE priority = 2 AND resolved_at IS NOT NULL AND opened_at >= ? AND opened_at < ?",
        (timeutil.to_iso(data.starts[week]), timeutil.to_iso(data.ends[week])))
    assert base.heights_of(p2)[week] == pytest.approx(expected)


def test_top_messages_masks_variants_into_one(db: Database) -> None:
    rows = []
    for i in range(30):
        rows.append(("2026-11-30T01:00:00.000Z", 4, "network", None, "h", "sip", None, None,
                     f"SIP trunk to 10.0.{i}.{i + 1} unreachable: 503 after {i * 7} ms", None, None, None, None, i, 0))
    for i in range(12):
        rows.append(("2026-11-30T01:00:00.000Z", 1, "system", None, "h", "k", None, None,
                     f"Job 0x{i:08x} done", None, None, None, None, 100 + i, 0))
    with db.transaction():
        event_store.insert_many(db, rows)
    data = series.top_messages(db, Filter(), ZONE)
    assert data.patterns[:2] == ["SIP trunk to <ip> unreachable: <n> after <n> ms", "Job <hex> done"]
    assert data.counts[:2] == [30, 12] and not data.estimated
    chart = render.build("top", data)
    assert base.heights_of(chart.bars()[0], horizontal=True) == pytest.approx([30, 12])
    drill = chart.drill_for(chart.bars()[0], 0)
    assert drill is not None
    from app.store import events as store
    assert store.count(db, Filter().replace(**drill.changes), ZONE) == 30
    assert masking.literal_parts(data.patterns[0]) == ["SIP trunk to", "unreachable:", "after", "ms"]


def test_heatmap_image_sums_to_error_and_critical(demo_db: Database) -> None:
    data = series.heatmap(demo_db, Filter(), ZONE)
    chart = render.build("heatmap", data)
    image = chart.figure.axes[0].get_images()[0]
    assert image.get_array().sum() == demo_db.scalar("SELECT count(*) FROM events WHERE severity >= 4")
    drill = chart.drill_for(image, None, 10.2, 1.9)  # the Wednesday 10:00 cell
    assert drill is not None
    assert drill.changes == {"severities": ("error", "critical"), "weekdays": (2,), "hours": (10,)}
    assert drill.label == "error and worse events on Weds, 10:00–11:00"
    listed = event_store.count(demo_db, Filter().replace(**drill.changes), ZONE)
    assert listed == data.counts[2][10] > 0  # the Events page lists exactly the cell's events


@pytest.mark.parametrize("zone_name", ["Asia/Manila", "America/New_York"])  # New York: clocks went back Nov 1
def test_hour_and_weekday_filters_count_what_the_heatmap_cells_show(demo_db: Database, zone_name: str) -> None:
    zone = timeutil.get_zone(zone_name)
    counts = series.heatmap(demo_db, Filter(), zone).counts
    error = Filter(min_severity="error")
    for hour in range(24):
        assert event_store.count(demo_db, error.replace(weekdays=(0,), hours=(hour,)), zone) == counts[0][hour]
    for day in range(7):
        assert event_store.count(demo_db, error.replace(weekdays=(day,), hours=(4,)), zone) == counts[day][4]
    both = error.replace(weekdays=(5, 6), hours=(22, 23))  # weekend late evenings: several values at once
    assert event_store.count(demo_db, both, zone) == sum(counts[d][h] for d in (5, 6) for h in (22, 23))


def test_clients_bars_equal_incident_counts(demo_db: Database) -> None:
    data = incident_series.by_client(demo_db, Filter(), ZONE)
    chart = render.build("clients", data)
    network = next(c for c in chart.bars() if c.get_label() == "network")
    heights = base.heights_of(network, horizontal=True)
    for client, h in zip(data.clients, heights):
        assert h == demo_db.scalar("SELECT count(*) FROM incidents WHERE client = ? AND log_type = 'network'",
                                   (client,))


def test_empty_filter_draws_a_message(demo_db: Database, tmp_path: Path) -> None:
    nothing = Filter(since="2001-01-01", until="2001-01-02")
    for kind in base.KINDS:
        chart = render.render(kind, tmp_path / f"{kind}.png", demo_db, nothing, ZONE, now=NOW)
        assert not chart.bars() or all(not any(base.heights_of(c)) for c in chart.bars())
        assert (tmp_path / f"{kind}.png").stat().st_size > 1000


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_render_writes_each_format(demo_db: Database, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"trend.{suffix}"
    render.render("trend", out, demo_db, LAST_WEEK, ZONE, width=640, height=360)
    head = out.read_bytes()[:8]
    assert {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}[suffix] in head


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


@pytest.mark.parametrize("by,f", [
    ("severity", Filter()), ("severity", LAST_WEEK.replace(min_severity="warning")),
    ("client", LAST_WEEK), ("client", Filter(clients=("Globex Retail",))),
])
def test_index_walk_and_group_by_agree(demo_db: Database, by: str, f: Filter) -> None:
    fast = series.trend(demo_db, f, ZONE, by=by, all_time=True)
    general = series.trend(demo_db, f, ZONE, by=by, fast=False, all_time=True)
    assert fast.series == general.series and fast.starts == general.starts
    assert fast.total == event_store.count(demo_db, f, ZONE)


def test_top_messages_sample_on_a_large_table(unmined_demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Events without patterns are counted by masked message, from a sample on a large table."""
    exact = series.top_messages(unmined_demo_db, Filter(), ZONE)
    assert not exact.estimated and exact.total == 5000
    subset_filter = Filter(log_types=("security",), search="password")
    subset = series.top_messages(unmined_demo_db, subset_filter, ZONE)
    assert subset.total == event_store.count(unmined_demo_db, subset_filter, ZONE)
    monkeypatch.setattr(series, "TOP_SAMPLE", 1000)
    monkeypatch.setattr(series, "TOP_EXACT_LIMIT", 100)
    sampled = series.top_messages(unmined_demo_db, Filter(), ZONE)
    assert sampled.every == 5 and sampled.estimated
    assert sampled.total == pytest.approx(5000, rel=0.02)
    assert sampled.patterns[0] in exact.patterns[:3]
    # a filtered sample is read from the same blocks, then filtered
    sampled_subset = series.top_messages(unmined_demo_db, subset_filter, ZONE)
    assert sampled_subset.every == 5 and sampled_subset.total == pytest.approx(subset.total, rel=0.4)


def test_every_masked_message_lists_exactly_its_bar(unmined_demo_db: Database) -> None:
    """Without patterns, the drill-down of each bar is its masked message: the Events page counts what it shows."""
    network = Filter(log_types=("network",))
    for f in (Filter(), network):
        data = series.top_messages(unmined_demo_db, f, ZONE)
        assert not data.estimated and len(data.patterns) >= 8
        chart = render.build("top", data)
        coll = chart.bars()[0]
        for i, (pattern, count) in enumerate(zip(data.patterns, data.counts)):
            drill = chart.drill_for(coll, i)
            assert drill is not None and drill.page == "events"
            assert drill.changes == {"pattern": pattern}
            assert event_store.count(unmined_demo_db, f.replace(**drill.changes), ZONE) == count, pattern
        assert not data.ids


def test_every_top_pattern_lists_exactly_its_bar(demo_db: Database) -> None:
    """Mined events: each bar is a pattern, labelled with its template, drilling down to that pattern's events."""
    templates = {r["id"]: r["template"] for r in demo_db.rows("SELECT id, template FROM patterns")}
    network = Filter(log_types=("network",))
    for f in (Filter(), network):
        data = series.top_messages(demo_db, f, ZONE)
        assert len(data.ids) >= 5 and data.total == event_store.count(demo_db, f, ZONE)
        assert data.patterns == [templates[i] for i in data.ids]
        assert data.counts == sorted(data.counts, reverse=True)
        chart = render.build("top", data)
        assert "Top patterns" in chart_text(chart)
        assert "no pattern yet" not in chart_text(chart)
        coll = chart.bars()[0]
        for i, (pid, count) in enumerate(zip(data.ids, data.counts)):
            drill = chart.drill_for(coll, i)
            assert drill is not None and drill.page == "events"
            assert drill.changes == {"pattern_id": pid}
            assert event_store.count(demo_db, f.replace(**drill.changes), ZONE) == count, pid


def test_top_patterns_fall_back_to_messages_while_some_events_are_unmined(demo_db: Database) -> None:
    """One matching event without a pattern would be left out of a pattern count: the bars become messages."""
    network = Filter(log_types=("network",))
    with demo_db.transaction():
        demo_db.execute("UPDATE events SET pattern_id = NULL WHERE id = (SELECT min(id) FROM events"
                        " WHERE log_type = 'security')")
    assert series.top_messages(demo_db, network, ZONE).ids  # the unmined event is not in this filter
    data = series.top_messages(demo_db, Filter(), ZONE)
    assert not data.ids and data.total == 5000 and "<" in data.patterns[0]
    chart = render.build("top", data)
    assert "Top patterns" in chart_text(chart) and "no pattern yet" in chart_text(chart)
    drill = chart.drill_for(chart.bars()[0], 0)
    assert drill is not None and drill.changes == {"pattern": data.patterns[0]}
    assert event_store.count(demo_db, Filter(pattern=data.patterns[0]), ZONE) == data.counts[0]


def test_a_message_pattern_matches_whole_masked_messages_only(db: Database) -> None:
    """"Job <n> done" lists "Job 7 done", not "Job 7 done twice" nor "job 7 done"; all-placeholder patterns work."""
    texts = ["Job 7 done", "Job 12  done", "Job 7 done twice", "job 7 done", "4711", "Re-Job 3 done"]
    rows = [("2026-11-30T01:00:00.000Z", 1, "system", None, "h", "k", None, None, t, None, None, None, None, i, 0)
            for i, t in enumerate(texts, start=1)]
    with db.transaction():
        event_store.insert_many(db, rows)
    assert event_store.count(db, Filter(pattern="Job <n> done"), ZONE) == 2
    assert event_store.count(db, Filter(pattern="<n>"), ZONE) == 1
    assert event_store.count(db, Filter(pattern="Job <n> done", exclude=("12",)), ZONE) == 1


def chart_text(chart: base.Chart) -> str:
    """Every text drawn on the figure (titles are figure texts here)."""
    return " ".join(t.get_text() for t in chart.figure.findobj(lambda a: hasattr(a, "get_text")))
