"""One drain3 template miner over the whole ledger, its state loaded from and saved to the database.

The same message shape must get the same pattern id next month, so the miner's
clusters persist (``app.store.patterns.save_state``) and each import continues them.
Logs repeat heavily: a message is mined once, then looked up by its text with digits
blanked (one C-speed pass instead of drain3's Python per line). Those keys persist too
(``lookup`` reads them, ``new_keys`` are saved): drain3 alone may put a message it saw
last month into a cluster made since, and the same message must keep its id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.persistence_handler import PersistenceHandler
from drain3.template_miner_config import TemplateMinerConfig

# General masks, the same for every log (never tuned to one sample): what varies between two
# lines of the same shape. Order matters: a time or an address is masked before its numbers.
_EDGE_L = r"((?<=[^A-Za-z0-9])|^)"
_EDGE_R = r"((?=[^A-Za-z0-9])|$)"
MASKS: tuple[tuple[str, str], ...] = (
    (_EDGE_L + r"(([0-9a-f]{2,}:){3,}([0-9a-f]{2,}))" + _EDGE_R, "ID"),  # MAC addresses, IPv6
    (_EDGE_L + r"(\d{1,2}:\d{2}:\d{2}(\.\d+)?)" + _EDGE_R, "TIME"),
    (_EDGE_L + r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})" + _EDGE_R, "IP"),
    (r"((?<=[\s=:(\[])|^)((/[\w.\-]+){2,}/?)", "PATH"),
    (r"((?<=[^A-Za-z0-9.])|^)([\w\-]+(\.[\w\-]+){2,})" + _EDGE_R, "NAME"),  # hosts, classes, versions
    (_EDGE_L + r"((?=[a-fA-F]*\d)[a-fA-F\d]{8,})" + _EDGE_R, "HEX"),
    (_EDGE_L + r"([\-\+]?\d+)" + _EDGE_R, "NUM"),
    (_EDGE_L + r"(0x[a-f0-9A-F]+)" + _EDGE_R, "HEX"),
)
# One threshold and depth for every log, chosen on all the loghub samples together (README "Recurring patterns").
SIMILARITY = 0.7
DEPTH = 4
_DIGITS = re.compile(r"\d+")
_RUNS = re.compile("00+")
_ZEROS = str.maketrans("123456789", "000000000")
_SEP = "\x00"  # between the messages of a batch, for one pass of _DIGITS over them all
KEY_MAX = 1000  # longer messages are remembered for one import only: the table of keys stays small
# Longer messages are mined on their first MINE_MAX characters: drain3's masks rescan a long run of word
# characters from each punctuation mark in it (quadratic: 13 ms a message on fuzzed text, minutes a file),
# and a message's shape is set by its head; past it a template would only gather <*>s.
MINE_MAX = 2000
# Messages of one key that drain3 still sees (the first one included), so that the template learns which
# words vary ("agent<*>", not the first message's "agent98"); the rest are only looked up.
TEACH = 3


def config() -> TemplateMinerConfig:
    c = TemplateMinerConfig()
    c.drain_sim_th = SIMILARITY
    c.drain_depth = DEPTH
    c.masking_instructions = [MaskingInstruction(p, m) for p, m in MASKS]
    c.parametrize_numeric_tokens = True
    c.snapshot_compress_state = True
    return c


class _Bytes(PersistenceHandler):
    """Hands drain3's state to and from our own transaction (drain3 never writes by itself here)."""

    def __init__(self, state: bytes | None = None) -> None:
        self.state = state

    def save_state(self, state: bytes) -> None:
        self.state = state

    def load_state(self) -> bytes | None:
        return self.state


class Miner:
    """Assigns pattern ids to messages; ``state()`` is what the next import continues from."""

    def __init__(self, state: bytes | None = None, lookup: Callable[[str], int | None] | None = None) -> None:
        self._tm = TemplateMiner(None, config())
        self._lookup = lookup
        if state:
            self._tm.persistence_handler = _Bytes(state)
            self._tm.load_state()
            self._tm.persistence_handler = None  # no snapshot per message: saved once, with the import
        self._seen: dict[str, int] = {}
        self._learning: dict[str, int] = {}  # key -> messages of it drain3 has seen, until TEACH
        self.touched: set[int] = set()  # clusters created or changed since loading
        self.new_keys: dict[str, int] = {}  # keys first mined here, for the caller to save

    def pattern_of(self, message: str) -> int:
        if len(message) > MINE_MAX:
            message = message[:MINE_MAX]
        return self._pattern(message, _DIGITS.sub("0", message))

    def patterns_of(self, messages: Sequence[str]) -> list[int]:
        """``pattern_of`` for each message, the digits of all of them blanked in one pass (an import's batch)."""
        heads = [m if len(m) <= MINE_MAX else m[:MINE_MAX] for m in messages]
        joined = _SEP.join(heads)
        if joined.isascii() and joined.count(_SEP) == len(heads) - 1:
            # _DIGITS.sub("0", ...) for ASCII text, a third of its cost: every digit a "0" (one C pass), then
            # each run of two or more of them becomes one (a lone digit is already its key)
            keys = _RUNS.sub("0", joined.translate(_ZEROS)).split(_SEP)
        elif joined.count(_SEP) == len(heads) - 1:
            keys = _DIGITS.sub("0", joined).split(_SEP)
        else:  # a message holding the separator itself
            keys = [_DIGITS.sub("0", h) for h in heads]
        seen, learning, out = self._seen, self._learning, []
        for head, key in zip(heads, keys):
            pid = seen.get(key)
            if pid is None or key in learning:
                pid = self._pattern(head, key)
            out.append(pid)
        return out

    def _pattern(self, message: str, key: str) -> int:
        pid = self._seen.get(key)
        if pid is not None:
            seen = self._learning.get(key)
            if seen is not None:
                self._teach(key, message, pid, seen)
            return pid
        pid = self._lookup(key) if self._lookup is not None else None
        if pid is None:
            result = self._tm.add_log_message(message)
            pid = int(result["cluster_id"])
            self.touched.add(pid)
            if len(key) <= KEY_MAX:
                self.new_keys[key] = pid
        self._seen[key] = pid
        self._learning[key] = 1
        return pid

    def _teach(self, key: str, message: str, pid: int, seen: int) -> None:
        """Show drain3 one more message of a known key; its id stays the key's (ids never move)."""
        if seen + 1 >= TEACH:
            del self._learning[key]
        else:
            self._learning[key] = seen + 1
        result = self._tm.add_log_message(message)
        if int(result["cluster_id"]) == pid and result["change_type"] != "none":
            self.touched.add(pid)

    def templates(self, ids: set[int] | None = None) -> list[tuple[int, str, list[int]]]:
        """(id, template, positions of its parameters among the template's words) of the clusters asked for."""
        out = []
        for c in self._tm.drain.clusters:
            if ids is None or c.cluster_id in ids:
                text = c.get_template()
                out.append((int(c.cluster_id), text, parameter_positions(text)))
        return out

    def state(self) -> bytes:
        handler = _Bytes()
        self._tm.persistence_handler = handler
        try:
            self._tm.save_state("import")
        finally:
            self._tm.persistence_handler = None
        assert handler.state is not None
        return handler.state


def parameter_positions(template: str) -> list[int]:
    """Word positions that vary: drain3's ``<*>`` and the masks' ``<NUM>``, ``<IP>``..."""
    return [i for i, w in enumerate(template.split())
            if w == "<*>" or (w.startswith("<") and w.endswith(">") and w[1:-1].isupper())]


def describe(templates: list[tuple[int, str, list[int]]]) -> list[dict[str, Any]]:
    return [{"id": i, "template": t, "params": p} for i, t, p in templates]
