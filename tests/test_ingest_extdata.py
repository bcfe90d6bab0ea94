"""Real logs from ../shared/extdata (loghub samples, .evtx): each must import sensibly."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain import timeutil
from app.ingest.service import ImportOptions, import_paths
from app.store.database import Database

pytestmark = pytest.mark.extdata

LOGHUB = {  # sample -> (format, a log type the sample must show, the severities it must show)
    "Linux": ("syslog", "security", {1, 3}),
    "OpenSSH": ("syslog", "security", {1, 3}),
    "Apache": ("errorlog", "error", {2, 4}),
    "HDFS": ("applog", "application", {1, 3}),
    "Hadoop": ("applog", "application", {1, 3, 4}),
    "Android": ("applog", "application", {0, 1, 3, 4}),
    "Zookeeper": ("applog", "application", {1, 3, 4}),
}


@pytest.mark.parametrize("name", sorted(LOGHUB))
def test_loghub_sample(db: Database, extdata: Path, name: str) -> None:
    fmt, log_type, severities = LOGHUB[name]
    [r] = import_paths(db, [extdata / "loghub" / name / f"{name}_2k.log"], ImportOptions(zone=timeutil.UTC))
    assert r.ok and r.format == fmt
    assert (r.read, r.accepted, r.rejected) == (2000, 2000, 0)
    assert log_type in {row["log_type"] for row in db.rows("SELECT DISTINCT log_type FROM events")}
    assert severities <= {row["severity"] for row in db.rows("SELECT DISTINCT severity FROM events")}
    assert db.scalar("SELECT count(*) FROM events WHERE message = '' OR ts IS NULL") == 0


def test_loghub_structured_csv(db: Database, extdata: Path) -> None:
    """The authors' field split (Month, Date, Time columns) still lands on the timeline."""
    f = extdata / "loghub" / "Linux" / "Linux_2k.log_structured.csv"
    [r] = import_paths(db, [f], ImportOptions(zone=timeutil.UTC, year=2005))
    assert r.ok and r.format == "csv" and r.accepted == 2000 and r.rejected == 1  # the header row
    first = db.rows("SELECT ts, component, pid FROM events ORDER BY line_no LIMIT 1")[0]
    assert first == {"ts": "2005-06-14T15:16:01.000Z", "component": "sshd(pam_unix)", "pid": 19939}


def test_evtx_security_and_system(db: Database, extdata: Path) -> None:
    [sec] = import_paths(db, [extdata / "evtx" / "new-user-security.evtx"], ImportOptions())
    assert sec.ok and sec.format == "evtx" and sec.accepted == sec.read > 0
    rows = db.rows("SELECT * FROM events WHERE import_id = ? ORDER BY line_no", (sec.import_id,))
    assert {r["log_type"] for r in rows} == {"security"}
    assert rows[0]["event_code"] == "4728" and rows[0]["raw_level"] == "Audit Success"
    assert rows[0]["ts"] == "2013-10-23T16:22:39.973Z" and rows[0]["host"] == "IE8Win7"


@pytest.mark.slow
def test_evtx_system_channel(db: Database, extdata: Path) -> None:
    [r] = import_paths(db, [extdata / "evtx" / "system.evtx"], ImportOptions())
    assert r.ok and r.accepted == r.read > 1000 and r.rejected == 0
    types = {row["log_type"] for row in db.rows("SELECT DISTINCT log_type FROM events")}
    assert types == {"system"}
    assert db.scalar("SELECT count(*) FROM events WHERE severity >= 4") > 0


def _damaged_copy(extdata: Path, tmp_path: Path) -> Path:
    """system.evtx with one chunk header and the records inside another chunk overwritten."""
    data = bytearray((extdata / "evtx" / "system.evtx").read_bytes())
    chunk = 4096 + 65536 * 3
    data[chunk:chunk + 8] = b"BadMagic"
    inside = 4096 + 65536 * 5 + 1000
    data[inside:inside + 400] = bytes(400)
    out = tmp_path / "damaged-system.evtx"
    out.write_bytes(bytes(data))
    return out


def test_sound_evtx_is_counted_by_the_fast_reader_and_damage_is_noticed(extdata: Path, tmp_path: Path) -> None:
    from app.ingest.formats.windows import sound_record_count

    assert sound_record_count(extdata / "evtx" / "system.evtx") == 1601
    assert sound_record_count(_damaged_copy(extdata, tmp_path)) is None


@pytest.mark.slow
def test_damaged_evtx_keeps_every_readable_record_and_rejects_the_rest(db: Database, extdata: Path,
                                                                       tmp_path: Path) -> None:
    [r] = import_paths(db, [_damaged_copy(extdata, tmp_path)], ImportOptions())
    assert r.ok and r.read == 1601 and r.accepted + r.rejected == r.read
    assert r.accepted > 1400  # the records of the chunk whose header broke are still read
    reasons = [row["reason"] for row in db.rows("SELECT reason FROM import_rejects WHERE import_id = ?",
                                                (r.import_id,))]
    assert len(reasons) == r.rejected and all(reason.startswith("damaged record") for reason in reasons)


def test_evtx_inside_zip_and_gz_is_read_like_the_file(db: Database, extdata: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip
    import tempfile
    import zipfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    original = extdata / "evtx" / "new-user-security.evtx"
    zipped = tmp_path / "logs.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(original, "floor-b/new-user-security.evtx")
    gz = tmp_path / "new-user-security.evtx.gz"
    gz.write_bytes(gzip.compress(original.read_bytes()))
    results = import_paths(db, [original, zipped, gz], ImportOptions(force=True))
    assert [(r.status, r.format, r.accepted) for r in results] == [("complete", "evtx", 4)] * 3
    codes = db.rows("SELECT import_id, group_concat(event_code) AS codes FROM events GROUP BY import_id")
    assert len({c["codes"] for c in codes}) == 1 and len(codes) == 3
    assert not list(scratch.iterdir()), "the temporary copies are removed"


@pytest.mark.slow
def test_progress_of_a_gzipped_evtx_runs_over_its_compressed_size(db: Database, extdata: Path,
                                                                  tmp_path: Path) -> None:
    import gzip

    from app.domain.jobs import Progress

    gz = tmp_path / "damaged-system.evtx.gz"
    gz.write_bytes(gzip.compress(_damaged_copy(extdata, tmp_path).read_bytes()))  # python-evtx: many reports
    reports: list[tuple[int, int]] = []

    class Recorder(Progress):
        def report(self, done: int, total: int, text: str = "") -> None:
            reports.append((done, total))

    [r] = import_paths(db, [gz], ImportOptions(), progress=Recorder())
    assert r.ok and len(reports) > 5
    done = [d for d, _t in reports]
    assert done == sorted(done) and reports[-1] == (gz.stat().st_size, gz.stat().st_size)
    assert done[len(done) // 2] < gz.stat().st_size * 0.9  # halfway through, the bar is not already full
