"""Near matches among known names, so a typo in a free-text field does not make a new client.

"acme", "ACME Corp" and "Acme Telecom" are one client to a person and three to
the reports. ``near_matches`` finds the known names a new one probably means:
the same letters in another case, one name inside the other, or close by
``difflib``'s ratio, all compared without case or surrounding spaces.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def near_matches(name: str, known: Iterable[str], limit: int = 3, cutoff: float = CUTOFF) -> list[str]:
    """Known names like ``name`` (never ``name`` itself), closest first."""
    key = _key(name)
    if not key:
        return []
    scored: list[tuple[float, str]] = []
    for other in dict.fromkeys(known):
        if other == name or not other.strip():
            continue
        k = _key(other)
        score = difflib.SequenceMatcher(None, key, k).ratio()
        if k == key:
            score = 2.0
        elif k.startswith(key) or key.startswith(k) or (min(len(k), len(key)) >= 4 and (key in k or k in key)):
            score = max(score, 1.0)
        if score >= cutoff:
            scored.append((score, other))
    scored.sort(key=lambda s: (-s[0], s[1].casefold()))
    return [other for _s, other in scored[:limit]]
