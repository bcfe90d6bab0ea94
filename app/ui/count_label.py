"""The "5,000 events" line over a table, which says "updating…" rather than dropping to zero on a reload.

Signals: none.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class CountLabel(QLabel):
    """Shows a listing's count as it arrives.

    While the same listing reloads (new rows written, F5) the last total stays,
    marked "updating…", until the new one is counted; a new filter counts up from
    nothing instead, since the old figure would belong to another filter.
    """

    def __init__(self, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countLabel")
        self.noun = noun
        self._previous: int | None = None

    @property
    def updating(self) -> bool:
        return self._previous is not None

    def reloading(self, previous: int | None) -> None:
        """The listing starts again; ``previous`` is its last total when the filter is the same, else None."""
        self._previous = previous

    def show_count(self, n: int, final: bool) -> None:
        if final:
            self._previous = None
            self.setText(f"{n:,} {self.noun}")
        elif self._previous is not None:
            self.setText(f"{self._previous:,} {self.noun} · updating…")
        else:
            self.setText(f"{n:,}+ {self.noun} (counting…)")

    def show_text(self, text: str) -> None:
        """Anything else (an error, a cancelled scan): no figure is pending any more."""
        self._previous = None
        self.setText(text)
