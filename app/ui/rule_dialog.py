"""The alert rule editor: what to watch, when it fires, what it does; saved through ``app.alerts.rules``.

The rule is checked by the domain's own ``Rule``/``Filter`` constructors on the GUI
thread (no SQL), and each message is shown under the field it names. Saving goes
through the write queue, so the GUI never waits on the lock; the form stays as typed
when the save is refused (a name already taken).

Signals:
    saved(object): the stored ``Rule``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.alerts import rules as service
from app.domain import timeutil
from app.domain.alerts import DEFAULT_BASELINE, DEFAULT_SCORE, Rule, format_duration, parse_duration
from app.domain.filters import Filter, restrictions
from app.domain.vocab import LOG_TYPES, SEVERITIES
from app.store.database import Database
from app.ui import theme, write_queue
from app.ui.db_ops import DbOp, Kind
from app.ui.session import Session

CONDITIONS = {"count": "Count: at least N events in a sliding window",
              "spike": "Spike: a window far above the rule's own baseline",
              "new_pattern": "New pattern: a message template seen for the first time",
              "heartbeat": "Heartbeat: no matching event for the window"}
LEVELS = {1: "1 – high", 2: "2 – medium", 3: "3 – low"}
# The filter fields the form edits itself; the others (from the Events filter or a saved rule) ride along.
OWN_FIELDS = ("search", "log_types", "min_severity", "hosts", "pattern_id", "since", "until")
# Words the domain's messages start with -> the form field they are shown under.
FIELD_OF = {"log type": "log_types", "severity": "severity", "score": "min_score", "since/until": "extras",
            "hour": "extras", "weekday": "extras", "status": "extras", "regex": "extras", "push-to": "push_to"}
NO_PUSH = "(keep it here)"


def zone_name(zone: Any) -> str:
    """What a rule stores as its zone: an IANA name, ``UTC`` or ``local``."""
    return str(getattr(zone, "key", None) or ("UTC" if zone == timeutil.UTC else "local"))


def _split(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))


class RuleDialog(QDialog):
    saved = Signal(object)

    def __init__(self, session: Session, rule: Rule | None = None, parent: QWidget | None = None,
                 pattern_id: int | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.original = rule
        self.extras = Filter()  # filter fields the form has no widget for
        self.setWindowTitle(f"Edit alert rule {rule.name}" if rule else "New alert rule")
        self.errors: dict[str, QLabel] = {}
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. DPD timeouts at Site B")
        top = QFormLayout()
        self._row(top, "Name", self.name, "name")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._watch_box())
        layout.addWidget(self._condition_box())
        layout.addWidget(self._actions_box())
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.colour('error')};")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveRule")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for name, widget in self._named().items():
            widget.setObjectName(name)
        self.set_rule(rule or Rule("new", "count", 300, threshold=5))
        if rule is None:
            self.name.clear()
        if pattern_id is not None:
            self.pattern.setValue(pattern_id)
            self.condition.setCurrentIndex(self.condition.findData("count"))
        self.stored: Rule | None = None
        self._load_connections()

    # -- layout ----------------------------------------------------------------------------------------
    def _row(self, form: QFormLayout, label: str, widget: QWidget, key: str) -> None:
        form.addRow(label, widget)
        error = QLabel()
        error.setObjectName(f"error-{key}")
        error.setWordWrap(True)
        error.setStyleSheet(f"color: {theme.colour('error')};")
        error.setVisible(False)
        form.addRow("", error)
        self.errors[key] = error

    def _watch_box(self) -> QGroupBox:
        box = QGroupBox("Watch these events")
        form = QFormLayout(box)
        self.search = QLineEdit()
        self.search.setPlaceholderText("words in the message, e.g. DPD timeout")
        self._row(form, "Search", self.search, "search")
        types = QHBoxLayout()
        self.log_types: dict[str, QCheckBox] = {}
        for name in LOG_TYPES:
            self.log_types[name] = QCheckBox(name)
            types.addWidget(self.log_types[name])
        types.addStretch()
        holder = QWidget()
        holder.setLayout(types)
        types.setContentsMargins(0, 0, 0, 0)
        self._row(form, "Log types", holder, "log_types")
        self.min_severity = QComboBox()
        self.min_severity.addItem("any", None)
        for name in SEVERITIES:
            self.min_severity.addItem(f"{name} or worse", name)
        self._row(form, "Severity", self.min_severity, "min_severity")
        self.hosts = QLineEdit()
        self.hosts.setPlaceholderText("any host; or names separated by commas")
        self._row(form, "Hosts", self.hosts, "hosts")
        self.pattern = QSpinBox()
        self.pattern.setRange(0, 2_000_000_000)
        self.pattern.setSpecialValueText("any pattern")
        self._row(form, "Pattern id", self.pattern, "pattern_id")
        extras = QHBoxLayout()
        self.extras_label = QLabel()
        self.extras_label.setWordWrap(True)
        self.use_events = QPushButton("Use the current Events filter")
        self.use_events.setToolTip("Copy the Events page's filter (without its time range) into this rule")
        self.use_events.clicked.connect(self.use_events_filter)
        extras.addWidget(self.extras_label, 1)
        extras.addWidget(self.use_events)
        form.addRow("Also", extras)
        self.errors["extras"] = QLabel()
        self.errors["extras"].setStyleSheet(f"color: {theme.colour('error')};")
        self.errors["extras"].setVisible(False)
        form.addRow("", self.errors["extras"])
        return box

    def _condition_box(self) -> QGroupBox:
        box = QGroupBox("Fire when")
        form = QFormLayout(box)
        self.condition = QComboBox()
        for key, label in CONDITIONS.items():
            self.condition.addItem(label, key)
        self.condition.currentIndexChanged.connect(self._condition_changed)
        self._row(form, "Condition", self.condition, "condition")
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 10_000_000)
        self._row(form, "Threshold", self.threshold, "threshold")
        self.window_edit = QLineEdit()
        self.window_edit.setPlaceholderText("30s, 5m, 2h or 1d")
        self._row(form, "Window", self.window_edit, "window")
        self.baseline = QSpinBox()
        self.baseline.setRange(1, 1000)
        self.baseline.setToolTip("Spike: how many earlier windows make the rule's usual rate")
        self._row(form, "Baseline windows", self.baseline, "baseline")
        self.score = QDoubleSpinBox()
        self.score.setRange(0.0, 100.0)
        self.score.setSingleStep(0.5)
        self.score.setToolTip("Spike: the robust z-score (median/MAD) a window must reach")
        self._row(form, "Score", self.score, "min_score")
        self.cooldown = QLineEdit()
        self.cooldown.setPlaceholderText("quiet time per host after a firing, e.g. 30m")
        self._row(form, "Cooldown", self.cooldown, "cooldown")
        self.severity = QComboBox()
        self.severity.addItems(list(SEVERITIES))
        self._row(form, "Rule severity", self.severity, "severity")
        return box

    def _actions_box(self) -> QGroupBox:
        box = QGroupBox("Then")
        form = QFormLayout(box)
        self.notify = QCheckBox("Show a desktop notification")
        self.incident = QCheckBox("Open an incident (or update this rule's open one for the host)")
        self.incident.toggled.connect(self._incident_toggled)
        form.addRow(self.notify)
        form.addRow(self.incident)
        self.impact, self.urgency = QComboBox(), QComboBox()
        for box_ in (self.impact, self.urgency):
            for level, label in LEVELS.items():
                box_.addItem(label, level)
        self._row(form, "Impact", self.impact, "impact")
        self._row(form, "Urgency", self.urgency, "urgency")
        self.client, self.site = QLineEdit(), QLineEdit()
        self._row(form, "Client", self.client, "client")
        self._row(form, "Site", self.site, "site")
        self.push_to = QComboBox()
        self.push_to.addItem(NO_PUSH, None)
        self.push_to.setToolTip("Also send the incident to a ticket connection (Settings ▸ Connections)")
        self._row(form, "Push to", self.push_to, "push_to")
        return box

    def _load_connections(self) -> None:
        """Fill "Push to" with the ticket connections, read in a worker."""
        from app.tickets import connections

        DbOp(self, self.session.db_path, lambda db, _p: [c["name"] for c in connections.listing(db)],
             on_success=self._connections_loaded, kind=Kind.PLAIN).run_in_background()

    def _connections_loaded(self, names: list[str]) -> None:
        for name in names:
            if self.push_to.findData(name) < 0:
                self.push_to.addItem(name, name)
        self.push_to.setEnabled(self.incident.isChecked())

    def _named(self) -> dict[str, QWidget]:
        return {"ruleName": self.name, "ruleSearch": self.search, "ruleMinSeverity": self.min_severity,
                "ruleHosts": self.hosts, "rulePattern": self.pattern, "ruleCondition": self.condition,
                "ruleThreshold": self.threshold, "ruleWindow": self.window_edit, "ruleCooldown": self.cooldown,
                "ruleSeverity": self.severity, "ruleNotify": self.notify, "ruleIncident": self.incident,
                "ruleImpact": self.impact, "ruleUrgency": self.urgency, "ruleClient": self.client,
                "ruleSite": self.site, "ruleBaseline": self.baseline, "ruleScore": self.score,
                "rulePushTo": self.push_to}

    def _condition_changed(self, _index: int = 0) -> None:
        kind = self.condition.currentData()
        self.threshold.setEnabled(kind != "heartbeat")
        self.baseline.setEnabled(kind == "spike")
        self.score.setEnabled(kind == "spike")

    def _incident_toggled(self, on: bool) -> None:
        for w in (self.impact, self.urgency, self.client, self.site, self.push_to):
            w.setEnabled(on)

    # -- values ----------------------------------------------------------------------------------------
    def set_rule(self, rule: Rule) -> None:
        """Fill the form from ``rule`` (a new rule's defaults, or the one being edited)."""
        self.name.setText(rule.name)
        self.set_filter(rule.filter)
        self.condition.setCurrentIndex(max(0, self.condition.findData(rule.condition)))
        self.threshold.setValue(rule.threshold)
        self.window_edit.setText(format_duration(rule.window_s))
        self.cooldown.setText(format_duration(rule.cooldown_s))
        self.baseline.setValue(rule.baseline or DEFAULT_BASELINE)
        self.score.setValue(rule.min_score or DEFAULT_SCORE)
        self.severity.setCurrentText(rule.severity)
        self.notify.setChecked(rule.notify)
        self.incident.setChecked(rule.incident)
        self.impact.setCurrentIndex(max(0, self.impact.findData(rule.impact or 2)))
        self.urgency.setCurrentIndex(max(0, self.urgency.findData(rule.urgency or 2)))
        self.client.setText(rule.client or "")
        self.site.setText(rule.site or "")
        if rule.push_to and self.push_to.findData(rule.push_to) < 0:
            self.push_to.addItem(rule.push_to, rule.push_to)  # before the list arrives, or a removed connection
        self.push_to.setCurrentIndex(max(0, self.push_to.findData(rule.push_to)))
        self._condition_changed()
        self._incident_toggled(rule.incident)

    def set_filter(self, f: Filter) -> None:
        """Put ``f`` in the filter widgets; the fields they do not cover are kept and listed under "Also"."""
        self.search.setText(f.search or "")
        for name, box in self.log_types.items():
            box.setChecked(name in f.log_types)
        self.min_severity.setCurrentIndex(max(0, self.min_severity.findData(f.min_severity)))
        self.hosts.setText(", ".join(f.hosts))
        self.pattern.setValue(f.pattern_id or 0)
        self.extras = f.replace(**{k: getattr(Filter(), k) for k in OWN_FIELDS})
        shown = [r.label for r in restrictions(self.extras)]
        self.extras_label.setText("; ".join(shown) if shown else "nothing else")

    def use_events_filter(self) -> None:
        """The Events page's filter, without its time span: a rule watches what arrives."""
        self.set_filter(self.session.filter.replace(since=None, until=None))

    def build_filter(self) -> Filter:
        return self.extras.replace(
            search=self.search.text().strip() or None,
            log_types=tuple(n for n, box in self.log_types.items() if box.isChecked()),
            min_severity=self.min_severity.currentData(), hosts=_split(self.hosts.text()),
            pattern_id=self.pattern.value() or None)

    def build_rule(self) -> Rule:
        """The rule as typed; a ``ValueError`` whose message starts with the field it is about."""
        fields: dict[str, Any] = {}
        for key, edit in (("window", self.window_edit), ("cooldown", self.cooldown)):
            try:
                fields[key] = parse_duration(edit.text())
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
        incident = self.incident.isChecked()
        base = self.original or Rule("x", "count", 1)
        return dataclasses.replace(
            base, name=self.name.text(), condition=self.condition.currentData(), window_s=fields["window"],
            filter=self.build_filter(), threshold=self.threshold.value(), cooldown_s=fields["cooldown"],
            severity=self.severity.currentText(), baseline=self.baseline.value(), min_score=self.score.value(),
            notify=self.notify.isChecked(), incident=incident,
            impact=self.impact.currentData() if incident else None,
            urgency=self.urgency.currentData() if incident else None,
            client=(self.client.text().strip() or None) if incident else None,
            site=(self.site.text().strip() or None) if incident else None,
            push_to=self.push_to.currentData() if incident else None,
            tz=base.tz if self.original else zone_name(self.session.zone))

    def show_error(self, message: str) -> None:
        """Put ``message`` under the field it names (its first word), else at the bottom."""
        for label in self.errors.values():
            label.setVisible(False)
        head = message.split(":", 1)[0].strip().lower()
        key = FIELD_OF.get(head, head.replace(" ", "_"))
        shown = self.errors.get(key)
        if shown is not None:
            shown.setText(message)
            shown.setVisible(True)
            self.message.setText("Fix the field marked in red.")
        else:
            self.message.setText(message)
        box = self.layout()
        if box is not None:
            box.activate()  # room for the message's lines: the form grows rather than clip it
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    # -- saving ----------------------------------------------------------------------------------------
    def save(self) -> None:
        try:
            rule = self.build_rule()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        original = self.original.name if self.original else None

        def write(db: Database) -> tuple[bool, Any]:
            try:
                if original is None:
                    return True, service.add(db, dataclasses.replace(rule, enabled=True))
                return True, service.update(db, original, rule)
            except ValueError as exc:  # RuleError: a name taken, a rule removed meanwhile
                return False, str(exc)

        self.save_button.setEnabled(False)
        self.message.setText("Saving…")
        write_queue.submit(self, self.session.db_path, write, self._saved,
                           lambda text, _details: self._not_saved(text))

    def _saved(self, outcome: tuple[bool, Any]) -> None:
        ok, value = outcome
        if not ok:
            self._not_saved(value)
            return
        self.stored = value
        self.message.setText("")
        self.session.data_changed.emit()
        self.saved.emit(value)
        self.accept()

    def _not_saved(self, reason: str) -> None:
        self.save_button.setEnabled(True)
        self.show_error(reason)


def edit_rule(session: Session, rule: Rule | None, parent: QWidget | None, pattern_id: int | None = None
              ) -> RuleDialog:
    """Open the editor (non-modal) on ``rule``, or on a new rule (for a pattern when ``pattern_id`` is given)."""
    dialog = RuleDialog(session, rule, parent, pattern_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
