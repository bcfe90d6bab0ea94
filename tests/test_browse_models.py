"""The lazy table models over a real demo file: Qt's model contract, paging, jumps, sorting, SLA column."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.domain import timeutil
from app.domain.filters import Filter
from app.store.database import Database
from app.ui.models import keyset
from app.ui.models.events import SEVERITY_ROLE, EventsModel
from app.ui.models.incidents import IncidentsModel
from app.ui.session import Session


def settle(qtbot, model: keyset.KeysetTableModel) -> None:
    qtbot.waitUntil(lambda: model.total is not None and not model._pending and not model._waiting, timeout=10_000)


@pytest.fixture
def events_model(qtbot, demo_db: Database):
    model = EventsModel(Session(demo_db, timeutil.UTC))
    model.set_filter(Filter())
    settle(qtbot, model)
    yield model
    model.wait()


def _ids(db: Database, where: str = "1", order: str = "ts DESC, id DESC") -> list[int]:
    return [r[0] for r in db.execute(f"SELECT id FROM events WHERE {where} ORDER BY {order}")]


def test_model_contract(qtmodeltester, events_model: EventsModel) -> None:
    qtmodeltester.check(events_model)
    assert events_model.rowCount() == 5000 and events_model.columnCount() == 10  # with Event ID, Provider


def test_incidents_model_contract_and_sla(qtbot, qtmodeltester, demo_db: Database) -> None:
    model = IncidentsModel(Session(demo_db, timeutil.UTC))
    model.set_filter(Filter())
    settle(qtbot, model)
    qtmodeltester.check(model)
    assert model.rowCount() == demo_db.scalar("SELECT count(*) FROM incidents")
    sla_col = [c.key for c in model.COLUMNS].index("sla_state")
    model.data(model.index(0, 0))
    settle(qtbot, model)
    states = {model.data(model.index(r, sla_col)) for r in range(model.rowCount())}
    settle(qtbot, model)
    states = {model.data(model.index(r, sla_col)) for r in range(model.rowCount())}
    breaches = {"response breached", "resolution breached", "both breached"}  # the column names the target
    assert states <= {"met", "at risk", "running", "paused (on hold)", "n/a", *breaches} and states & breaches
    breached = next(r for r in range(model.rowCount()) if model.data(model.index(r, sla_col)) in breaches)
    assert model.data(model.index(breached, sla_col), Qt.ItemDataRole.ForegroundRole).name() == "#dc2626"


def test_rows_match_sql_everywhere(qtbot, events_model: EventsModel, demo_db: Database) -> None:
    ids = _ids(demo_db)
    model = events_model
    for row in (0, 255, 256, 2600, 4999, 1000):  # first, block edge, middle (anchor), last, back
        model.data(model.index(row, 0))
        qtbot.waitUntil(lambda row=row: model.row(row, fetch=False) is not None, timeout=5000)
        assert model.record_id(row) == ids[row], row
    assert len(model._blocks) <= keyset.CACHE_BLOCKS


def test_jump_to_last_row_reads_the_tail_only(qtbot, demo_db: Database) -> None:
    model = EventsModel(Session(demo_db, timeutil.UTC))
    model.set_filter(Filter())
    qtbot.waitUntil(lambda: model.total is not None, timeout=5000)
    model.data(model.index(4999, 0))  # before anchors may exist: the tail is read from the end
    qtbot.waitUntil(lambda: model.row(4999, fetch=False) is not None, timeout=5000)
    assert model.record_id(4999) == _ids(demo_db)[-1]
    model.wait()


def test_filter_and_sort(qtbot, events_model: EventsModel, demo_db: Database) -> None:
    model = events_model
    with qtbot.waitSignal(model.count_changed, check_params_cb=lambda n, final: final, timeout=5000):
        model.set_filter(Filter(log_types=("network",), min_severity="error"))
    expected = _ids(demo_db, "log_type = 'network' AND severity >= 4")
    assert model.rowCount() == len(expected)
    settle(qtbot, model)
    assert [model.record_id(r) for r in range(min(50, len(expected)))] == expected[:50]
    model.sort(1, Qt.SortOrder.DescendingOrder)  # severity
    settle(qtbot, model)
    sev = _ids(demo_db, "log_type = 'network' AND severity >= 4", "severity DESC, ts DESC, id DESC")
    assert [model.record_id(r) for r in range(min(50, len(sev)))] == sev[:50]
    assert model.data(model.index(0, 1), SEVERITY_ROLE) == 5 or model.data(model.index(0, 1)) == "error"
    model.sort(0, Qt.SortOrder.AscendingOrder)  # oldest first
    settle(qtbot, model)
    assert model.record_id(0) == expected[-1]
    model.sort(3, Qt.SortOrder.AscendingOrder)  # host: not sortable, nothing changes
    assert model.record_id(0) == expected[-1]


def test_unreadable_time_reports_failure(qtbot, events_model: EventsModel) -> None:
    with qtbot.waitSignal(events_model.failed, timeout=5000) as blocker:
        events_model.set_filter(Filter(since="yesterday-ish"))
    assert "cannot read time" in blocker.args[0]
    assert events_model.rowCount() == 0 and events_model.total is None


def test_half_typed_syntax_lists_rows(qtbot, events_model: EventsModel, demo_db: Database) -> None:
    with qtbot.assertNotEmitted(events_model.failed):
        events_model.set_filter(Filter(search='"DPD timeout'))
        settle(qtbot, events_model)
    assert events_model.total == demo_db.scalar("SELECT count(*) FROM events WHERE message LIKE '%DPD timeout%'") > 0


def test_display_is_local_time_and_first_line(qtbot, demo_db: Database) -> None:
    zone = timeutil.get_zone("Asia/Manila")
    model = EventsModel(Session(demo_db, zone))
    model.set_filter(Filter())
    settle(qtbot, model)
    stored = model.row(0)["ts"]
    assert model.data(model.index(0, 0)) == timeutil.display(stored, zone)
    assert "\n" not in model.data(model.index(0, 7))
    tsv = model.rows_as_tsv([0, 1])
    assert tsv.splitlines()[0].startswith("Time\tSeverity\tType") and len(tsv.splitlines()) == 3
    model.wait()
