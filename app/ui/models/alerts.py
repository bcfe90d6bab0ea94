"""The Alerts page's tables: the rules with their firing totals, the firings, and a replay's results.

Rows arrive whole from a worker (``RowsModel``); times are stored UTC and shown in the
session's zone, so a zone change only repaints.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from app.domain import timeutil
from app.domain.alerts import Rule, format_duration
from app.domain.filters import restrictions
from app.ui import icons
from app.ui.models.rows import Index, RowsModel

ACTION_WORDS = {"recorded": "recorded", "incident-created": "opened incident", "incident-updated": "updated incident"}


def actions_text(rule: Rule) -> str:
    """What a firing does, in the words the CLI's ``rules list`` uses."""
    parts = []
    if rule.incident:
        parts.append(f"incident I{rule.impact}/U{rule.urgency}")
    if rule.notify:
        parts.append("notify")
    return ", ".join(parts) or "record only"


def filter_text(rule: Rule) -> str:
    """The rule's filter as the chips would show it, for a tool tip."""
    return "\n".join(r.label for r in restrictions(rule.filter)) or "every event"


class RulesModel(RowsModel):
    """Rows: ``{"rule": Rule, "firings": int, "last_fired": str | None}``; a disabled rule reads greyed."""

    HEADERS = ("Rule", "Condition", "Window", "Cooldown", "Severity", "Actions", "Enabled", "Last fired", "Firings")

    def rule(self, row: int) -> Rule | None:
        return self.rows[row]["rule"] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index)
        if r is None:
            return None
        rule: Rule = r["rule"]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (rule.name, rule.describe(), format_duration(rule.window_s), format_duration(rule.cooldown_s),
                    rule.severity, actions_text(rule), "yes" if rule.enabled else "no",
                    timeutil.display(r["last_fired"], self.zone) if r["last_fired"] else "never",
                    f"{r['firings']:,}")[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{rule.name}: {rule.describe()}\nWatches: {filter_text(rule)}"
        if role == Qt.ItemDataRole.DecorationRole and col == 4:
            return icons.severity_icon(rule.severity)
        if role == Qt.ItemDataRole.ForegroundRole and not rule.enabled:
            return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 8:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class FiringsModel(RowsModel):
    """Stored firings (``app.store.alerts.firings`` rows), newest first; the incident reads like a link."""

    HEADERS = ("Fired", "Rule", "Host", "Count", "Score", "Action", "Incident", "Events at")
    INCIDENT = 6

    def incident(self, row: int) -> str | None:
        return self.rows[row]["incident_number"] if 0 <= row < len(self.rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index)
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            score = "" if r["score"] is None else f"{r['score']:.1f}"
            return (timeutil.display(r["fired_at"], self.zone), r["rule_name"], r["host"] or "any host",
                    f"{r['count']:,}", score, ACTION_WORDS.get(r["action"], r["action"]), r["incident_number"] or "",
                    timeutil.display(r["trigger_at"], self.zone))[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            return icons.severity_icon(r["severity"])
        if role == Qt.ItemDataRole.ForegroundRole and col == self.INCIDENT and r["incident_number"]:
            return QGuiApplication.palette().color(QPalette.ColorRole.Link)
        if role == Qt.ItemDataRole.FontRole and col == self.INCIDENT and r["incident_number"]:
            font = QFont()
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            window = (f"window {timeutil.display(r['window_start'], self.zone)} – "
                      f"{timeutil.display(r['window_end'], self.zone)}")
            tip = f"{r['rule_name']} ({r['severity']}): {r['count']:,} event(s), {window}"
            return tip + (f"\nDouble-click to open {r['incident_number']}" if r["incident_number"] else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ReplayModel(RowsModel):
    """A replay's triggers (``app.alerts.conditions.Trigger`` as dicts of stored-form times)."""

    HEADERS = ("Would fire at", "Host", "Count", "Score", "Window from", "Window to", "Events")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index)
        if r is None:
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (2, 3, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        score = "" if r["score"] is None else f"{r['score']:.1f}"
        return (timeutil.display(r["trigger_at"], self.zone), r["host"] or "any host", f"{r['count']:,}", score,
                timeutil.display(r["window_start"], self.zone), timeutil.display(r["window_end"], self.zone),
                f"{r['events']:,}")[index.column()]
