"""Very long messages are mined on their head, so a blob in a log line cannot stall an import."""

from __future__ import annotations

from app.patterns.miner import MINE_MAX, Miner


def test_a_long_message_gets_the_pattern_of_its_head() -> None:
    head = "Upload failed for session_" + "_".join(f"part{i}" for i in range(600))
    assert len(head) > MINE_MAX
    miner = Miner()
    first = miner.pattern_of(head + " reason: timeout after 30 s")
    other_tail = miner.pattern_of(head + " " + "x_y." * 3000 + " and many more words that would change its shape")
    assert first == other_tail
    assert miner.pattern_of("Disk /var at 91% capacity") != first


def test_a_short_message_is_mined_whole() -> None:
    miner = Miner()
    assert miner.pattern_of("Agent 7 logged in") == miner.pattern_of("Agent 9 logged in")
    assert miner.pattern_of("Agent 7 logged in") != miner.pattern_of("Trunk 4 down on gw1 after 3 retries")
