"""The details pane under the events table: every field, the raw text, linked
incidents, the known fixes for its pattern (knowledge-base articles and past
resolved incidents, read after the event in a second worker) and the lines around
the event from the same import.

A Windows event's binary data is kept out of its message; "Show binary data"
opens it here as a hex dump (and as text when it reads as UTF-16, as a service
name often does).

Signals:
    incident_activated(str): an incident number link was clicked.
"""

from __future__ import annotations

import functools
import html
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QTextBrowser, QVBoxLayout, QWidget

from app.domain import timeutil
from app.domain.jobs import Progress
from app.domain.vocab import SEVERITIES, SEVERITY_COLOURS, flag_notes
from app.ingest.formats.windows import binary_data
from app.kb import suggest
from app.store import events as event_store
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp, Kind
from app.ui.kb_render import fixes_html
from app.ui.known_fixes import follow
from app.ui.session import Session

_FIELDS = ("id", "ts", "severity", "log_type", "raw_level", "host", "component", "pid", "event_code", "client",
           "site", "import_id", "line_no", "flags")
SHOW_BINARY, HIDE_BINARY = "Show binary data", "Hide binary data"


def hex_dump(data: bytes, width: int = 16) -> str:
    """Offset, hex bytes and printable ASCII, ``width`` bytes a line."""
    lines = []
    for at in range(0, len(data), width):
        chunk = data[at:at + width]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{at:08x}  {chunk.hex(' '):<{width * 3}} {text}")
    return "\n".join(lines)


def as_text(data: bytes) -> str | None:
    """The data read as UTF-16 text (how Windows stores strings), when it reads cleanly."""
    if len(data) < 4 or len(data) % 2:
        return None
    try:
        text = data.decode("utf-16-le").rstrip("\x00")
    except UnicodeDecodeError:
        return None
    return text if text and all(c.isprintable() for c in text) else None


class EventDetails(QWidget):
    """Shows one event, loaded in a worker.

    Signals:
        incident_activated(str): a linked incident's number was clicked.
    """

    incident_activated = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.event_id: int | None = None
        self.details: dict[str, Any] | None = None
        self.binary_shown = False
        self.fixes: dict[str, list[dict[str, Any]]] | None = None  # the shown event's known fixes, once read
        self._task: workers.Task | None = None
        self._fixes_task: workers.Task | None = None
        self.context_spin = QSpinBox()
        self.context_spin.setRange(0, 200)
        self.context_spin.setValue(5)
        self.context_spin.setPrefix("Context: ± ")
        self.context_spin.setSuffix(" lines")
        self.context_spin.valueChanged.connect(lambda _v: self.show_event(self.event_id))
        self.browser = QTextBrowser()
        self.browser.setObjectName("eventDetails")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        self.browser.setPlaceholderText("Select an event to see its details.")
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Details</b>"))
        head.addStretch()
        head.addWidget(self.context_spin)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.browser)

    def show_event(self, event_id: int | None) -> None:
        """Load and show ``event_id`` in a worker (None clears)."""
        self.event_id = event_id
        self.fixes = None
        if event_id is None:
            self.details = None
            self.browser.clear()
            return
        path, lines = self.session.db_path, self.context_spin.value()

        def load(db: Database, _progress: Progress) -> dict[str, Any] | None:
            return event_store.details(db, event_id, lines)

        self._task = DbOp(self, path, load, on_success=functools.partial(self._loaded, event_id),
                          kind=Kind.LEAN).run_in_background()

    def _loaded(self, event_id: int, details: dict[str, Any] | None) -> None:
        if event_id != self.event_id:
            return
        self.details = details
        self.browser.setHtml(self.to_html(details) if details else "<i>This event no longer exists.</i>")
        if details:
            self._load_fixes(event_id)

    def _load_fixes(self, event_id: int) -> None:
        """What fixed this pattern before, read after the details so they are never held up by it."""
        if self._fixes_task is not None:
            self._fixes_task.cancel()

        def load(db: Database, _progress: Progress) -> dict[str, list[dict[str, Any]]]:
            return suggest.suggest_for_event(db, event_id)

        self._fixes_task = DbOp(self, self.session.db_path, load, on_success=functools.partial(self._fixes, event_id),
                                kind=Kind.LEAN).run_in_background()

    def _fixes(self, event_id: int, found: dict[str, list[dict[str, Any]]]) -> None:
        if event_id != self.event_id or not self.details:
            return
        self.fixes = found
        if fixes_html(found):  # nothing known: the pane stays as it was, without an empty section
            self.browser.setHtml(self.to_html(self.details))

    def to_html(self, d: dict[str, Any]) -> str:
        e = d["event"]
        zone = self.session.zone
        esc = html.escape
        rows = []
        for key in _FIELDS:
            value = e.get(key)
            if key == "ts":
                shown = f"{timeutil.display(value, zone)} ({value})"
            elif key == "flags":
                shown = "; ".join(flag_notes(value)) or "none"
                rows.append(f"<tr><td><b>notes</b></td><td>{esc(shown)}</td></tr>")
                continue
            elif key == "severity":
                name = SEVERITIES[int(value)]
                shown = f'<span style="color:{SEVERITY_COLOURS[name]}"><b>{name}</b></span>'
                rows.append(f"<tr><td><b>{key}</b></td><td>{shown}</td></tr>")
                continue
            else:
                shown = "" if value is None else str(value)
            rows.append(f"<tr><td><b>{esc(key)}</b></td><td>{esc(shown)}</td></tr>")
        parts = [f"<h3>{esc((e.get('message') or '').splitlines()[0] if e.get('message') else '')}</h3>",
                 fixes_html(self.fixes or {}),  # first after the title: what fixed this shape of problem before
                 "<table cellspacing=2>", *rows, "</table>"]
        if d.get("import"):
            imp = d["import"]
            parts.append(f"<p>From import {imp['id']}: {esc(str(imp['file']))}</p>")
        parts.append("<h4>Message</h4><pre>" + esc(e.get("message") or "") + "</pre>")
        data = binary_data(e.get("raw"))
        if data:
            label = HIDE_BINARY if self.binary_shown else SHOW_BINARY
            parts.append(f'<h4>Binary data ({len(data)} bytes)</h4><p><a href="binary:toggle">{label}</a></p>')
            if self.binary_shown:
                text = as_text(data)
                if text:
                    parts.append(f"<p>As text: <code>{esc(text)}</code></p>")
                parts.append(f"<pre>{esc(hex_dump(data))}</pre>")
        parts.append("<h4>Raw</h4><pre>" + esc(e.get("raw") or "(none kept)") + "</pre>")
        incidents = d.get("incidents") or []
        parts.append("<h4>Linked incidents</h4>")
        if incidents:
            parts.append("<ul>" + "".join(
                f'<li><a href="incident:{esc(i["number"])}">{esc(i["number"])}</a> {esc(i["title"])} '
                f'({esc(i["status"])}, P{i["priority"]})</li>' for i in incidents) + "</ul>")
        else:
            parts.append("<p>None</p>")
        ctx = d.get("context") or []
        parts.append(f"<h4>Context ({len(ctx)} lines from the same import)</h4><pre>")
        for c in ctx:
            text = esc(c.get("raw") or c.get("message") or "")
            line = f"{c['line_no']:>7}  {text}"
            parts.append(f"<b style='background:#fde68a'>{line}</b>\n" if c["id"] == e["id"] else line + "\n")
        parts.append("</pre>")
        return "".join(parts)

    def _link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("binary:"):
            self.binary_shown = not self.binary_shown
            if self.details:
                self.browser.setHtml(self.to_html(self.details))
        elif text.startswith("incident:"):
            self.incident_activated.emit(text.split(":", 1)[1])
        else:
            follow(self, self.session, url)  # a known fix's article, or a pattern
