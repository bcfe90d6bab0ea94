"""Windows events read as people read them: a name for the common IDs, then Name: value lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.domain import timeutil
from app.ingest.formats.windows import _without_declaration, binary_data, event_row
from app.ingest.formats.windows_names import event_name
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database
from tests.windows_helpers import event_viewer_export


def _events(db: Database, import_id: int) -> list[dict[str, str]]:
    return db.rows("SELECT event_code, component, message, raw FROM events WHERE import_id = ? ORDER BY line_no",
                   (import_id,))


def test_names_go_by_provider_and_fill_in_values() -> None:
    assert event_name("Microsoft-Windows-Security-Auditing", "4625") == "An account failed to log on (4625)"
    assert event_name("EventLog", "6008") == "The previous system shutdown was unexpected (6008)"
    assert event_name("Microsoft-Windows-Kernel-Power", "41") == (
        "The system rebooted without cleanly shutting down first (41)")
    assert event_name("USER32", "1074") == "A process initiated a restart or shutdown (1074)"
    assert event_name("Service Control Manager", "7036", {"param1": "DHCP Client", "param2": "stopped"}) == (
        "The DHCP Client service entered the stopped state (7036)")
    assert event_name("Service Control Manager", "7036", {}) == "A service changed state (7036)"
    assert event_name("Contoso-Dialer", "4625") is None and event_name("EventLog", "4625") is None


def test_event_viewer_xml_reads_as_lines_with_binary_kept_in_the_raw(db: Database, tmp_path: Path) -> None:
    [r] = import_paths(db, [event_viewer_export(tmp_path / "agent-ws401.xml")], ImportOptions(zone=timeutil.UTC))
    assert r.ok and r.format == "eventxml" and r.accepted == 3
    logon, spooler, dialer = _events(db, r.import_id)
    assert logon["message"] == "An account failed to log on (4625)\nTargetUserName: agent9\nLogonType: 2\n" \
                               "FailureReason: %%2313"
    assert spooler["message"] == ("The Print Spooler service entered the running state (7036)\n"
                                  "param1: Print Spooler\nparam2: running")
    assert "Binary" not in spooler["message"] and "530070006F" not in spooler["message"]
    assert binary_data(spooler["raw"]) == "Spooler/4\0".encode("utf-16-le")
    assert dialer["message"] == "Campaign: Acme inbound\nAgents: 42" and binary_data(dialer["raw"]) is None


@pytest.mark.extdata
def test_real_security_evtx(db: Database, extdata: Path) -> None:
    [r] = import_paths(db, [extdata / "evtx" / "new-user-security.evtx"], ImportOptions())
    rows = _events(db, r.import_id)
    first_lines = [e["message"].split("\n", 1)[0] for e in rows]
    assert first_lines == ["A member was added to a security-enabled global group (4728)",
                           "A user account was created (4720)",
                           "A member was added to a security-enabled local group (4732)",
                           "A member was added to a security-enabled local group (4732)"]
    created = rows[1]["message"].splitlines()
    assert "TargetUserName: IEUser" in created and "UserAccountControl: %%2080 %%2082 %%2084" in created
    assert all("=" not in line.split(": ", 1)[0] for e in rows for line in e["message"].splitlines()[1:])


@pytest.mark.extdata
def test_real_system_evtx(extdata: Path) -> None:
    from evtx import PyEvtxParser

    rows, binaries = [], 0
    for record in PyEvtxParser(str(extdata / "evtx" / "system.evtx")).records():
        xml = _without_declaration(record["data"])
        rows.append(event_row(ET.fromstring(xml)))
        binaries += binary_data(xml) is not None
    messages = {(row[4], row[6]): row[7] for row in rows}
    assert len(rows) == 1601 and binaries > 100
    assert not any("<Binary" in m or "Binary=" in m or "Binary:" in m for m in messages.values())
    assert messages[("EventLog", "6005")].startswith("The Event Log service was started (6005)")
    assert messages[("USER32", "1074")].startswith("A process initiated a restart or shutdown (1074)\n")
    assert messages[("Microsoft-Windows-Kernel-Power", "41")].startswith(
        "The system rebooted without cleanly shutting down first (41)\n")
    states = [row[7] for row in rows if row[6] == "7036"]
    assert "The Windows Modules Installer service entered the stopped state (7036)\n" \
           "param1: Windows Modules Installer\nparam2: stopped" in states
