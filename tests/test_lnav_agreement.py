"""Our importer agrees with lnav on lnav's own samples (how it is judged: tests/lnav_agreement.py).

lnav's readings are recorded in tests/data/lnav_readings.json, so this runs where lnav is not installed;
the samples themselves come from ../shared/extdata/lnav/logs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lnav_agreement import compare_all, markdown, totals, worst

TIME_AGREEMENT = 95.0  # % of lnav's messages whose time we read the same, to the second
LEVEL_AGREEMENT = 95.0  # % of those with a level from an lnav level field whose severity matches

pytestmark = pytest.mark.extdata


def test_importer_agrees_with_lnav(extdata: Path) -> None:
    logs = extdata / "lnav" / "logs"
    rows = compare_all(logs)
    assert rows, "no lnav sample found for the recorded readings"
    time_agree, lines, level_agree, level_lines = totals(rows)
    report = f"\n{markdown(rows)}\n{worst(rows, logs)}"
    assert 100.0 * time_agree / lines >= TIME_AGREEMENT, f"time agrees on {time_agree} of {lines}{report}"
    assert 100.0 * level_agree / level_lines >= LEVEL_AGREEMENT, \
        f"level agrees on {level_agree} of {level_lines}{report}"
