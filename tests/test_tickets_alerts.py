"""An alert rule with ``--push-to``: the incident it opens goes to the ticket tool after the import commits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ticket_fakes import FakeServiceNow
from ticket_helpers import SECRET, USER, _ok, cli, keyring_env, server  # noqa: F401 - fixtures


def _burst(path: Path, mm: int) -> Path:
    path.write_text("".join(f"Dec  1 10:{mm:02d}:{i * 3:02d} gw1 charon[812]: DPD timeout for peer 10.9.8.{i}\n"
                            for i in range(8)), "utf-8")
    return path


def test_a_rule_pushes_the_incident_it_opens_and_updates_its_ticket_later(
        cli: Callable[..., Any], server: Any, tmp_path: Path) -> None:
    fake = FakeServiceNow(server, USER, SECRET)
    _ok(cli("connections", "add", "snow", "--kind", "servicenow", "--url", fake.url, "--user", USER,
            input=SECRET + "\n"))
    refused = cli("rules", "add", "x", "--search", "DPD", "--threshold", "5", "--window", "5m", "--push-to", "snow")
    assert refused.returncode == 2 and "push-to" in refused.stderr
    unknown = cli("rules", "add", "x", "--search", "DPD", "--threshold", "5", "--window", "5m", "--incident",
                  "--impact", "2", "--urgency", "1", "--push-to", "nowhere")
    assert unknown.returncode == 2 and "no connection named 'nowhere'" in unknown.stderr
    added = _ok(cli("rules", "add", "vpn-dpd", "--search", "DPD timeout", "--threshold", "5", "--window", "5m",
                    "--incident", "--impact", "2", "--urgency", "1", "--push-to", "snow"))
    assert "push to snow" in added

    _ok(cli("import", "--year", "2026", _burst(tmp_path / "a.log", 0)))
    fired = json.loads(_ok(cli("rules", "firings", "--output", "json")))
    assert [f["action"] for f in fired] == ["incident-created"]
    number = fired[0]["incident_number"]
    assert len(fake.tickets) == 1
    ticket = next(iter(fake.tickets.values()))
    assert ticket["short_description"].startswith("vpn-dpd:") and "DPD timeout" in ticket["work_notes_list"][0]
    assert json.loads(_ok(cli("incident", "show", number, "--output", "json")))["external_key"] == "INC0010001"

    # more of the outage inside the cooldown joins the incident; the next push says so on the ticket
    _ok(cli("import", "--year", "2026", _burst(tmp_path / "b.log", 2)))
    pushed = json.loads(_ok(cli("push", number, "--to", "snow", "--output", "json")))
    assert [r["operation"] for r in pushed["outbox"]] == ["update"]
    assert "more event(s) linked" in ticket["work_notes_list"][-1]
    assert len(fake.tickets) == 1 and fake.problems == []
    verified = cli("verify")
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout
