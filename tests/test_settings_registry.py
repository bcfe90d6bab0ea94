"""Settings kept in the database are declared in one registry; databases made before it read and write the same.

The write services live in ``app.incidents``, not in ``app.analysis`` (which only reads).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.store.database import Database

APP = Path(__file__).resolve().parents[1] / "app"
REGISTRY = APP / "store" / "settings.py"
SQL_ON_SETTINGS = re.compile(r"\b(FROM|INTO|UPDATE|JOIN)\s+settings\b")

# Every key the settings table held before the registry, with the JSON type of its value.
KEYS = {
    "priority_matrix": dict, "sla_policies": dict, "incident_number_floor": int, "incident_import_profiles": dict,
    "ingest.log_type_rules": list, "ingest.host_rules": list, "saved_views": dict, "audit_chain_key": dict,
    "redaction.keyed_hash": bool, "redaction.off_since_upgrade": bool, "database_id": str,
    "retention.archive_dir": str, "retention.auto": bool,
}

# The settings rows of a database made by the code before the registry (demo data, then each setting saved
# through the CLI's services, audit key "s3cret"), copied byte for byte.
BEFORE = {
    "audit_chain_key": '{"fingerprint": "a603e58997eca6e8", "from": 1}',
    "incident_import_profiles": '{"servicenow": {"columns": {"Number": "external_key"}, "date_order": null, '
                                '"default_client": null, "default_log_type": "event", "values": {}, '
                                '"zone": "Asia/Manila"}}',
    "incident_number_floor": "3",
    "ingest.host_rules": '[{"client": "Acme", "host": "mnl-*", "site": "Manila"}]',
    "ingest.log_type_rules": '[{"component": "sshd*", "log_type": "security"}]',
    "priority_matrix": '{"1": {"1": 1, "2": 2, "3": 2}, "2": {"1": 2, "2": 3, "3": 4}, '
                       '"3": {"1": 3, "2": 4, "3": 4}}',
    "saved_views": '{"Open P1": {"filter": {}, "kind": "incidents", "name": "Open P1"}, '
                   '"Timeouts": {"filter": {"search": "timeout"}, "kind": "events", "name": "Timeouts"}}',
    "sla_policies": '{"at_risk_share": 0.25, "calendars": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", '
                    '"sun"], "holidays": [], "hours": null, "name": "24x7", "zone": "UTC"}, {"days": ["mon", '
                    '"tue"], "holidays": ["2026-11-30"], "hours": "08:00-18:00", "name": "office", '
                    '"zone": "Asia/Manila"}], "clients": {}, "default_calendar": "office", "default_targets": '
                    '{"P1": [15, 240], "P2": [30, 480], "P3": [240, 1440], "P4": [480, 4320]}}',
}


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_every_database_setting_is_declared_once_with_its_type() -> None:
    from app.store import settings

    assert {key: option.type for key, option in settings.OPTIONS.items()} == KEYS
    for option in settings.OPTIONS.values():
        assert option.version >= 1 and option.doc, option.key
        assert option.default is None or isinstance(option.default, option.type), option.key
    with pytest.raises(ValueError, match="'saved_views' is declared twice"):
        settings._registry(settings.SAVED_VIEWS, settings.SAVED_VIEWS)


def test_no_module_but_the_registry_names_a_setting_key_or_the_settings_table() -> None:
    found = []
    for path in _modules(APP):
        if path == REGISTRY:
            continue
        for line, text in _string_constants(path):
            if text in KEYS or SQL_ON_SETTINGS.search(text):
                found.append(f"{path.relative_to(APP.parent)}:{line}: {text[:60]!r}")
    assert found == []


def test_a_setting_of_the_wrong_type_is_refused_on_write(db: Database) -> None:
    from app.store import settings

    with pytest.raises(TypeError, match="setting 'saved_views': expected dict, got list"):
        settings.SAVED_VIEWS.write(db, [])  # type: ignore[arg-type]
    assert db.scalar("SELECT count(*) FROM settings") == 0
    assert settings.SAVED_VIEWS.read(db) == {} and settings.SAVED_VIEWS.stored(db) is None
    settings.SAVED_VIEWS.read(db)["x"] = {}  # a reader's change to the default is not kept in the registry
    assert settings.SAVED_VIEWS.default == {}


def _made_before(db: Database) -> None:
    with db.transaction():
        for key, value in BEFORE.items():
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, value))


def _stored(db: Database) -> dict[str, str]:
    return {k: v for k, v in db.execute("SELECT key, value FROM settings")}


def test_a_database_made_before_the_registry_reads_and_writes_the_same(db: Database, db_path: Path, run_cli: Any,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from app.analysis import sla
    from app.domain.filters import Filter
    from app.incidents import service
    from app.ingest.incidents import apply
    from app.store import audit_key, imports, incidents, views

    monkeypatch.setenv("ISSUE_LEDGER_AUDIT_KEY", "s3cret")
    _made_before(db)
    rules = run_cli("--db", db_path, "import-rules", "-o", "json")
    assert rules.returncode == 0, rules.stderr
    assert json.loads(rules.stdout) == {"log_type_rules": json.loads(BEFORE["ingest.log_type_rules"]),
                                        "host_rules": json.loads(BEFORE["ingest.host_rules"])}
    shown = run_cli("--db", db_path, "sla", "--policies")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == json.loads(BEFORE["sla_policies"])

    matrix = service.priority_matrix(db)
    assert matrix == {1: {1: 1, 2: 2, 3: 2}, 2: {1: 2, 2: 3, 3: 4}, 3: {1: 3, 2: 4, 3: 4}}
    policies = sla.load_policies(db)
    assert policies.default_calendar == "office" and policies.to_dict() == json.loads(BEFORE["sla_policies"])
    assert [(v.name, v.kind, v.filter) for v in views.list_views(db)] == [
        ("Open P1", "incidents", Filter()), ("Timeouts", "events", Filter(search="timeout"))]
    assert imports.type_rules(db) == [{"component": "sshd*", "log_type": "security"}]
    assert imports.host_rules(db) == [{"client": "Acme", "host": "mnl-*", "site": "Manila"}]
    assert apply.load_profile(db, "servicenow").zone == "Asia/Manila"
    assert audit_key.sealing(db) == audit_key.Sealing(1, "a603e58997eca6e8")
    assert incidents.next_number(db) == "INC-000004"  # past the deleted INC-000003

    # Saved again through the services, every value is stored as the same text.
    service.save_priority_matrix(db, {**matrix, 3: {**matrix[3], 3: 1}})
    service.save_priority_matrix(db, matrix)
    service.save_policies(db, policies)
    timeouts = views.get(db, "Timeouts")
    assert timeouts is not None
    views.save(db, "Timeouts", timeouts.filter)
    imports.save_type_rules(db, imports.type_rules(db) or [])
    imports.save_host_rules(db, imports.host_rules(db))
    apply.save_profile(db, "servicenow", apply.load_profile(db, "servicenow"))
    number = service.create(db, {"title": "Headsets crackling", "log_type": "network", "impact": 3,
                                 "urgency": 3})["number"]
    assert number == "INC-000004"
    service.delete(db, number)
    stored = _stored(db)
    # Loaded policies keep target minutes as floats (15 → 15.0), as before the registry: equal as JSON.
    assert json.loads(stored.pop("sla_policies")) == json.loads(BEFORE["sla_policies"])
    assert stored == {k: v for k, v in BEFORE.items() if k != "sla_policies"} | {"incident_number_floor": "4"}


def test_analysis_reads_and_leaves_the_writes_to_the_incident_services() -> None:
    """A write is a transaction or an audit row; under app.analysis there is none (app.incidents holds them)."""
    writes = []
    for path in _modules(APP / "analysis"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value.id if isinstance(node.func.value, ast.Name) else ""
            call = (owner, node.func.attr)
            if call[1] == "transaction" or call in (("audit", "append"), ("settings", "put")) \
                    or (owner.isupper() and call[1] == "write"):
                writes.append(f"{path.name}:{node.lineno}: {owner}.{node.func.attr}()")
    assert writes == []
    assert (APP / "incidents" / "service.py").is_file()
