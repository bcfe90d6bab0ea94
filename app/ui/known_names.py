"""The incident form's known names: completers loaded in a worker, and the check before a new client.

``load_into`` reads the names in use (``app.store.incidents.known_values``) off
the GUI thread and hands them to the form. ``check_client`` runs before a save:
a client that is not known but close to one that is ("Acme" beside "ACME Corp")
gets a question naming the near matches, with a button to use each of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.names import near_matches
from app.store import incidents as store
from app.ui import workers
from app.ui.db_ops import DbOp, Kind
from app.ui.incident_form import IncidentForm
from app.ui.session import Session

log = logging.getLogger("issue_ledger.ui.incidents")


def load_into(session: Session, form: IncidentForm) -> workers.Task[dict[str, list[str]]]:
    """Fill the form's completers from the names already in use, read in a worker."""
    return DbOp(form, session.db_path, lambda db, _progress: store.known_values(db),
                on_success=form.set_known_values, kind=Kind.LEAN,
                on_failure=lambda message, _d: log.warning("cannot read known names: %s", message),
                ).run_in_background()


def check_client(form: IncidentForm, parent: QWidget, proceed: Callable[[], None],
                 previous: str | None = None) -> QMessageBox | None:
    """Call ``proceed`` now, or after the user confirms a client close to known ones; returns the question shown."""
    client = (form.text_edits["client"].text() or "").strip()
    known = (form.known or {}).get("client")
    if form.known is None:
        log.info("known clients not loaded yet; saving %r without the near-match check", client)
    if not client or known is None or client == previous or client in known:
        proceed()
        return None
    near = near_matches(client, known)
    if not near:
        proceed()
        return None
    names = ", ".join(f"“{n}”" for n in near)
    box = QMessageBox(QMessageBox.Icon.Question, "New client?",
                      f"“{client}” is not a known client. Known clients like it: {names}.\n\n"
                      f"Create the new client “{client}”, or use one of those?", parent=parent)
    box.setObjectName("newClientCheck")
    create = box.addButton(f"Create new client “{client}”", QMessageBox.ButtonRole.AcceptRole)
    uses = {box.addButton(f"Use “{n}”", QMessageBox.ButtonRole.ActionRole): n for n in near}
    back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.setEscapeButton(back)

    def clicked(button: Any) -> None:
        if button is create:
            proceed()
        elif button in uses:
            form.text_edits["client"].setText(uses[button])
            proceed()
        else:
            form.text_edits["client"].setFocus()
            form.text_edits["client"].selectAll()

    box.buttonClicked.connect(clicked)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
