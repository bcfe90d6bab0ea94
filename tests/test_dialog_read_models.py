"""The incident and import dialogs draw services' read models and leave transactions to the services."""

from __future__ import annotations

import ast
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

import app.ui.import_dialog
import app.ui.incident_dialog
from app.domain import incidents as rules
from app.incidents import edits, service as svc
from app.incidents.view import evidence, incident_view
from app.ingest.service import ImportOptions, import_paths, preview
from app.store import imports as imports_store
from app.store.database import Database

DATA = Path(__file__).parent / "data" / "ingest"
DIALOGS = (app.ui.incident_dialog, app.ui.import_dialog)
NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def _run_time_imports(tree: ast.Module) -> list[str]:
    """Modules imported anywhere (lazy imports in functions too), except type-only ``if TYPE_CHECKING:`` ones."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("module", DIALOGS, ids=lambda m: m.__name__)
def test_dialogs_import_nothing_from_the_store_and_open_no_transaction(module: object) -> None:
    source = Path(module.__file__).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    tree = ast.parse(source)
    store_imports = [name for name in _run_time_imports(tree) if name == "app.store" or name.startswith("app.store.")]
    assert store_imports == []
    calls = {node.func.attr for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert "transaction" not in calls


def test_incident_view_reads_row_sla_history_and_evidence(db: Database) -> None:
    [result] = import_paths(db, [DATA / "syslog.log"], ImportOptions(year=2026))
    ids = [r["id"] for r in db.rows("SELECT id FROM events WHERE import_id = ? ORDER BY line_no LIMIT 2",
                                    (result.import_id,))]
    row = svc.create(db, {"title": "Dialer down", "log_type": "application", "impact": 1, "urgency": 1,
                          "opened_at": "2026-11-30T08:00:00.000Z"}, event_ids=ids, now="2026-11-30T08:00:00.000Z")
    svc.transition(db, row["number"], "on-hold", reason="vendor", now="2026-11-30T09:00:00.000Z")
    view = incident_view(db, row["number"].lower(), NOON)
    assert view.number == row["number"] and view.row["status"] == "on-hold"
    assert [h["action"] for h in view.history] == ["create", "transition"]
    assert json.loads(view.history[1]["new"])["reason"] == "vendor"
    assert sorted(e["id"] for e in view.events) == sorted(ids)
    assert [e["id"] for e in evidence(db, ids)] == [e["id"] for e in view.events]  # oldest first, both
    # on hold since 09:00: the clock stopped after 60 minutes, whatever "now" is
    assert view.figures["time_to_resolve_minutes"] == 60 and view.figures["sla_state"] != "n/a"
    with pytest.raises(rules.IncidentError, match="INC-999999"):
        incident_view(db, "INC-999999", NOON)


def test_a_refused_move_keeps_no_half_of_the_edit(db: Database) -> None:
    row = svc.create(db, {"title": "Slow VPN", "log_type": "network", "impact": 3, "urgency": 3})
    with pytest.raises(rules.IncidentError, match="reason"):
        edits.move_now(db, row["number"], "on-hold", {"title": "Slower VPN"})  # a hold needs a reason
    assert svc.get(db, row["number"])["title"] == "Slow VPN"
    moved = edits.move_now(db, row["number"], "on-hold", {"title": "Slower VPN"}, reason="vendor")
    assert (moved["title"], moved["status"]) == ("Slower VPN", "on-hold")


def test_the_window_writes_do_not_wait_behind_another_writer(db: Database, db_path: Path) -> None:
    row = svc.create(db, {"title": "Slow VPN", "log_type": "network", "impact": 3, "urgency": 3})
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # an import's step holding the write lock
    try:
        with pytest.raises(edits.WriteBusy):
            edits.update_now(db, row["number"], {"title": "Slower VPN"})
        with pytest.raises(edits.WriteBusy):
            edits.move_now(db, row["number"], "in-progress")
        with pytest.raises(edits.WriteBusy):
            edits.create_now(db, {"title": "Dialer down", "log_type": "application", "impact": 1, "urgency": 1}, [])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert svc.get(db, row["number"])["status"] == "new"


def test_preview_reads_the_saved_type_rules_from_the_database(db: Database) -> None:
    from app.ingest.rules import DEFAULT_TYPE_RULES

    shown = preview(db, DATA / "syslog.log", ImportOptions(year=2026))
    assert shown.rows[3]["component"] == "crm-agent" and shown.rows[3]["log_type"] != "audit"
    imports_store.save_type_rules(db, [{"component": "crm-*", "log_type": "audit"}, *DEFAULT_TYPE_RULES])
    assert preview(db, DATA / "syslog.log", ImportOptions(year=2026)).rows[3]["log_type"] == "audit"
