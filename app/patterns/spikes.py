"""Is a pattern spiking? Its last bucket against its own earlier buckets, by a median/MAD robust z-score.

A median and MAD ignore the odd burst in the baseline that a mean and standard
deviation would chase; 3.5 is Iglewicz and Hoaglin's usual cut for an outlier.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

SPIKE_Z = 3.5
MIN_BASELINE = 3  # buckets before the last one; fewer say nothing about "usual"
MAD_SCALE = 1.4826  # makes the MAD estimate a standard deviation for normal data


def robust_z(baseline: Sequence[int], last: int) -> float:
    """How far ``last`` stands above the baseline's median, in robust standard deviations (0 with no baseline).

    A flat baseline (MAD 0) is scaled by 1 event, so a pattern quiet at 0 that jumps to 5 scores 5.
    """
    if len(baseline) < MIN_BASELINE:
        return 0.0
    med = statistics.median(baseline)
    mad = statistics.median(abs(v - med) for v in baseline)
    return (last - med) / max(MAD_SCALE * mad, 1.0)


def spiking(baseline: Sequence[int], last: int) -> bool:
    return robust_z(baseline, last) >= SPIKE_Z
