"""The pages of the main window, in navigation order.

Each entry names a ``QWidget`` subclass constructed as ``Page(session, parent)``;
pages are imported when first shown, which keeps start-up fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from app.ui.session import Session

PageFactory = Callable[["Session", QWidget | None], QWidget]


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    target: str  # "module:Class"
    icon: str  # resource name under resources/icons, without extension

    def load(self) -> PageFactory:
        module, attr = self.target.split(":")
        page: PageFactory = getattr(importlib.import_module(module), attr)
        return page


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Dashboard", "app.ui.pages.dashboard:DashboardPage", "dashboard"),
    PageSpec("events", "Events", "app.ui.pages.events:EventsPage", "events"),
    PageSpec("patterns", "Patterns", "app.ui.pages.patterns:PatternsPage", "patterns"),
    PageSpec("knowledge", "Knowledge", "app.ui.pages.knowledge:KnowledgePage", "knowledge"),
    PageSpec("incidents", "Incidents", "app.ui.pages.incidents:IncidentsPage", "incidents"),
    PageSpec("alerts", "Alerts", "app.ui.pages.alerts:AlertsPage", "alerts"),
    PageSpec("reports", "Reports", "app.ui.pages.reports:ReportsPage", "reports"),
    PageSpec("imports", "Imports", "app.ui.pages.imports:ImportsPage", "imports"),
    PageSpec("sources", "Sources", "app.ui.pages.sources:SourcesPage", "sources"),
    PageSpec("audit", "Audit trail", "app.ui.pages.audit:AuditPage", "audit"),
)
