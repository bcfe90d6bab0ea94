"""A progress bar and Cancel button for a regex scan of a listing, shown only while a long one runs.

The count of a regex filter reports how many rows it has tested (after a short
while, so a quick scan never flashes the bar); Cancel stops the model's reads.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from app.ui.models.keyset import KeysetTableModel


class ScanProgress(QWidget):
    """Follows ``model.scan_progress``; Cancel calls ``model.cancel``.

    Signals: none (the model's ``scan_cancelled`` tells the page).
    """

    def __init__(self, model: KeysetTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanProgress")
        self.model = model
        self.bar = QProgressBar()
        self.bar.setObjectName("scanBar")
        self.bar.setFormat("Regex: %v of %m rows tested")
        self.bar.setMinimumWidth(260)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("scanCancel")
        self.cancel_button.setToolTip("Stop the regex search; the rows found so far stay listed")
        self.cancel_button.clicked.connect(model.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)
        model.scan_progress.connect(self.show_progress)
        model.modelReset.connect(self.hide)
        model.scan_cancelled.connect(self.hide)
        model.failed.connect(self.hide)
        model.count_changed.connect(lambda _n, final: self.hide() if final else None)

    def show_progress(self, tested: int, total: int) -> None:
        if tested >= total:
            self.hide()
            return
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(tested)
        self.show()
