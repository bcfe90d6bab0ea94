"""An Event Viewer "Save as XML" export without rendered messages, as a PC with no message files writes it."""

from __future__ import annotations

from pathlib import Path

NS = "http://schemas.microsoft.com/win/2004/08/events/event"
SPOOLER_BINARY = "530070006F006F006C00650072002F0034000000"  # "Spooler/4" in UTF-16


def _event(provider: str, event_id: str, stamp: str, channel: str, data: str, level: str = "4",
           keywords: str = "0x8080000000000000") -> str:
    return (f"<Event xmlns='{NS}'><System><Provider Name='{provider}'/><EventID>{event_id}</EventID>"
            f"<Level>{level}</Level><Keywords>{keywords}</Keywords><TimeCreated SystemTime='{stamp}'/>"
            f"<Channel>{channel}</Channel><Computer>agent-ws401</Computer></System>{data}</Event>\n")


def event_viewer_export(path: Path) -> Path:
    path.write_text(
        "<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<Events>\n"
        + _event("Microsoft-Windows-Security-Auditing", "4625", "2026-11-29T10:00:00.000Z", "Security",
                 "<EventData><Data Name='TargetUserName'>agent9</Data><Data Name='LogonType'>2</Data>"
                 "<Data Name='FailureReason'>%%2313</Data></EventData>", "0", "0x8010000000000000")
        + _event("Service Control Manager", "7036", "2026-11-29T10:00:01.000Z", "System",
                 "<EventData><Data Name='param1'>Print Spooler</Data><Data Name='param2'>running</Data>"
                 f"<Binary>{SPOOLER_BINARY}</Binary></EventData>")
        + _event("Contoso-Dialer", "300", "2026-11-29T10:00:02.000Z", "Application",
                 "<EventData><Data Name='Campaign'>Acme inbound</Data><Data Name='Agents'>42</Data></EventData>")
        + "</Events>\n", encoding="utf-8")
    return path
