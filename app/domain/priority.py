"""Priority from impact × urgency, through an editable matrix (ServiceNow-style defaults)."""

from __future__ import annotations

from app.domain.vocab import Priority

# DEFAULT_MATRIX[impact][urgency] -> priority; 1 is high for both.
DEFAULT_MATRIX: dict[int, dict[int, int]] = {
    1: {1: 1, 2: 2, 3: 3},
    2: {1: 2, 2: 3, 3: 4},
    3: {1: 3, 2: 4, 3: 4},
}


def priority_for(impact: int, urgency: int, matrix: dict[int, dict[int, int]] | None = None) -> Priority:
    """The priority the matrix gives; a clear error names a value out of 1–3."""
    for name, value in (("impact", impact), ("urgency", urgency)):
        if value not in (1, 2, 3):
            raise ValueError(f"{name}: {value!r} is not 1 (high), 2 (medium) or 3 (low)")
    m = matrix or DEFAULT_MATRIX
    return Priority(int(m[impact][urgency]))
