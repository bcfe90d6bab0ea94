"""The Imports page: past imports with their counts; an import's rejected lines; import and remove.

Reads and removals run as background database operations. Opening the page also turns
imports left ``running`` by a crashed process into ``incomplete`` ones.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.jobs import Progress
from app.store.database import Database
from app.ui import workers
from app.ui.db_ops import DbOp
from app.ui.import_models import RowsModel, imports_model, rejects_model
from app.ui.session import Session


class RejectsDialog(QDialog):
    """The rejected lines of one import: line number, reason, text."""

    def __init__(self, session: Session, import_row: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Rejected lines of import #{import_row['id']} — {import_row['file']}")
        self.resize(900, 500)
        self.model = rejects_model(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setVisible(False)
        self.label = QLabel("Loading…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        db_path, import_id = session.db_path, int(import_row["id"])

        def work(db: Database, _p: Progress) -> list[dict[str, Any]]:
            from app.store import imports as store

            return store.rejects(db, import_id)

        self.task = DbOp(self, db_path, work, on_success=self._loaded).run_in_background()

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        self.view.resizeColumnToContents(0)
        self.view.setColumnWidth(1, 320)
        self.label.setText(f"{len(rows):,} rejected line(s)" + (" (first 10,000)" if len(rows) >= 10_000 else ""))


class ImportsPage(QWidget):
    """Past imports, newest first."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model: RowsModel = imports_model(lambda: self.session.zone, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().setVisible(False)
        self.view.doubleClicked.connect(lambda _i: self.show_rejects())
        self.summary = QLabel()
        self.import_button = QPushButton("Import logs…")
        self.import_button.clicked.connect(self.import_logs)
        self.rejects_button = QPushButton("Rejected lines…")
        self.rejects_button.clicked.connect(self.show_rejects)
        self.remove_button = QPushButton("Remove import…")
        self.remove_button.clicked.connect(self.remove_selected)
        self.rules_button = QPushButton("Rules…")
        self.rules_button.setToolTip("Log type by component, client and site by host name")
        self.rules_button.clicked.connect(self.edit_rules)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        for b in (self.import_button, self.rejects_button, self.remove_button, self.rules_button):
            top.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.rejects_dialog: RejectsDialog | None = None
        self.task: workers.Task[Any] | None = None
        session.data_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        db_path = self.session.db_path

        def work(db: Database, _p: Progress) -> tuple[list[int], list[dict[str, Any]], bool]:
            from app.store import imports as store, redaction

            stale = store.recover_interrupted(db)
            return stale, store.listing(db), redaction.off_since_upgrade(db)

        self.task = DbOp(self, db_path, work, on_success=self._loaded).run_in_background()

    def _loaded(self, result: tuple[list[int], list[dict[str, Any]], bool]) -> None:
        stale, rows, redaction_off = result
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        text = f"{len(rows):,} import(s)"
        if stale:
            text += f" — {len(stale)} interrupted import(s) marked incomplete; nothing from them was kept"
        if redaction_off:
            text += (" — redaction is off: this database was made before it (switch rules on in Settings ▸ "
                     "Redaction)")
        self.summary.setText(text)

    def selected(self) -> dict[str, Any] | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def show_rejects(self) -> RejectsDialog | None:
        row = self.selected()
        if row is None:
            return None
        self.rejects_dialog = RejectsDialog(self.session, row, self)
        self.rejects_dialog.open()
        return self.rejects_dialog

    def edit_rules(self) -> QDialog:
        from app.ui.import_rules_dialog import ImportRulesDialog

        self.rules_dialog = ImportRulesDialog(self.session, self)
        self.rules_dialog.open()
        return self.rules_dialog

    def import_logs(self) -> None:
        window = self.window()
        if hasattr(window, "show_import"):
            window.show_import()

    def remove_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(self, "Remove import",
                                      f"Remove import #{row['id']} ({row['file']}) and its {row['accepted']:,} "
                                      "events? The audit trail keeps a record.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        db_path, import_id = self.session.db_path, int(row["id"])

        def work(db: Database, _p: Progress) -> int:
            from app.store import audit, imports as store

            with db.transaction():
                n = store.delete(db, import_id)
                audit.append(db, "delete", "import", import_id, old={"file": row["file"], "events": n})
                return n

        DbOp(self, db_path, work, on_success=lambda _n: self.session.data_changed.emit()).run_in_background()

