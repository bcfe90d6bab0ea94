"""Arbitrary bytes never raise, and every line is accounted for."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from app.domain import timeutil
from app.ingest import lines
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database

PIECES = st.sampled_from([
    b"Nov 29 10:00:01 h app[1]: ok", b"2026-11-29 10:00:00,123 ERROR [m] x.Y: boom", b"\tat x.y(Z.java:1)",
    b'{"ts": 1764410400, "msg": "j"}', b"\xff\xfe", b"\x80\x81", b"\r", b"\n", b"\r\n", b"\x00", b"caf\xc3\xa9",
    b"<34>1 2026-11-29T22:14:15.003Z h su - - - m", b"Feb 30 10:00:01 h a: bad", b"", b",,,", b"\xef\xbb\xbf",
])


def _physical_lines(data: bytes) -> int:
    """Lines as the importer counts them: ended by \\n, \\r\\n or \\r, plus a last unterminated one."""
    if not data:
        return 0
    n = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return n.count(b"\n") + (0 if n.endswith(b"\n") else 1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=400), st.lists(st.one_of(PIECES, st.binary(max_size=12)),
                                                        max_size=40).map(b"".join)))
def test_arbitrary_bytes_never_raise_and_lines_add_up(tmp_path: Path, data: bytes) -> None:
    f = tmp_path / "fuzz.log"
    f.write_bytes(data)
    with Database.open(tmp_path / "fuzz.db") as db:
        before = db.scalar("SELECT count(*) FROM events")
        [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC, force=True))
        if r.status == "failed":
            assert "fuzz.log" in r.message.splitlines()[0]
            try:
                lines.detect_encoding(data[: lines.SAMPLE])
            except lines.BinaryFileError:
                return
            if "no time stamp found" in r.message:  # refused whole, never with an invented time
                assert db.scalar("SELECT count(*) FROM events") == before
                return
            raise AssertionError(f"text file refused: {r.message}")
        assert r.status == "complete", r.message
        assert r.read == r.accepted + r.continuation + r.rejected
        events = db.scalar("SELECT count(*) FROM events WHERE import_id = ?", (r.import_id,))
        rejects = db.scalar("SELECT count(*) FROM import_rejects WHERE import_id = ?", (r.import_id,))
        assert (events, rejects) == (r.accepted, r.rejected)
        if r.format != "csv" and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in data[:65536]:
            assert r.read == _physical_lines(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_line_splitter_counts_like_a_person(data: bytes) -> None:
    got = list(lines.iter_lines(io.BytesIO(data), lines.Encoding("utf-8", 0)))
    assert len(got) == _physical_lines(data)
