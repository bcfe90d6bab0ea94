"""Fault campaign, fuzz part: every parser, the format detector, incident CSV import and the CSV/XLSX writers
under hostile text (control characters, lone surrogates, formula prefixes, very long texts, RTL marks, NUL).

Hypothesis runs derandomized (the same examples every run). The files it made are
then fed to the real CLI once, whose stderr must hold no traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from python_calamine import CalamineWorkbook

from app.domain import timeutil
from app.domain.filters import Filter
from app.incidents import service as incidents_service
from app.ingest import detect
from app.ingest.formats import FORMATS
from app.ingest.formats.windows import EventXml, Evtx
from app.ingest.incidents.apply import apply_plan, plan_file
from app.ingest.incidents.plan import ImportOptions
from app.ingest.incidents.reader import SheetError
from app.ingest.service import ImportOptions as ServiceOptions, import_paths
from app.reports.csv_export import export_events_csv, export_incidents_csv
from app.reports.workbook import export_workbook
from app.store import audit
from app.store.database import Database
from tests.campaign import checks, hostile, parsers, procs, record, sheets
from tests.campaign.record import Campaign

pytestmark = pytest.mark.slow
csv.field_size_limit(1 << 24)  # the CSV exports keep texts whole; escaped, 40,000 NULs are 160,000 characters

_FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])


def fuzz(examples: int) -> settings:
    """``examples`` per run; CAMPAIGN_FUZZ_SCALE=10 digs ten times deeper (same seed) when hunting."""
    return settings(_FUZZ, max_examples=examples * int(os.environ.get("CAMPAIGN_FUZZ_SCALE", "1")))


@pytest.fixture
def campaign(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campaign]:
    yield from record.opened(request.node.name, tmp_path_factory.getbasetemp())


@pytest.fixture
def kept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files the fuzz made, for the CLI run at the end (one folder for the session)."""
    folder = tmp_path_factory.getbasetemp() / "fuzzed"
    folder.mkdir(exist_ok=True)
    return folder


def _keep(folder: Path, name: str, data: bytes, limit: int = 25) -> None:
    """Keep up to ``limit`` files of a kind (the name's part before the first "-")."""
    kind = name.split("-")[0]
    if sum(1 for p in folder.iterdir() if p.name.startswith(f"{kind}-")) < limit:
        (folder / name).write_bytes(data)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes the bytes a broken writer leaves


@pytest.mark.parametrize("name", [*parsers.LINE_FORMATS, "csv"])
def test_each_log_parser_takes_hostile_lines(campaign: Campaign, kept: Path, name: str) -> None:
    """Read as an import reads it, every line is a storable event, a continuation or a reject with a reason."""
    @fuzz(80)
    @given(lines=parsers.LINES)
    def parser(lines: list[str]) -> None:
        campaign.fuzz_examples += 1
        problems = list(parsers.imported(name, lines))
        assert not problems, f"{name}: {problems[0]}"
        _keep(kept, f"{name}-{campaign.fuzz_examples}.log", _encode("\n".join(lines)), limit=5)

    parser()


def test_the_format_detector_takes_hostile_lines(campaign: Campaign) -> None:
    @fuzz(200)
    @given(lines=parsers.LINES, head=st.binary(max_size=64))
    def detector(lines: list[str], head: bytes) -> None:
        campaign.fuzz_examples += 1
        found = detect.examine(head + _encode("\n".join(lines)), lines, "fuzz.log")
        assert found.format is None or found.format in FORMATS, found
        assert 0.0 <= found.share <= 1.0

    detector()


def test_the_windows_parsers_take_hostile_bytes(campaign: Campaign, kept: Path, tmp_path: Path) -> None:
    @fuzz(150)
    @given(data=st.one_of(st.binary(max_size=600), st.builds(lambda b: b"ElfFile\x00" + b, st.binary(max_size=600)),
                          parsers.LINES.map(lambda ls: _encode("<Events><Event><System><TimeCreated SystemTime=\""
                                                               "2026-11-29T10:00:00Z\"/></System><Data>"
                                                               + "".join(ls) + "</Data></Event></Events>"))))
    def record_parsers(data: bytes) -> None:
        campaign.fuzz_examples += 1
        path = tmp_path / "fuzz.evtx"
        path.write_bytes(data)
        for name, records in (("eventxml", lambda: EventXml(parsers.context([])).records_from_stream(io.BytesIO(data))),
                              ("evtx", lambda: Evtx(parsers.context([])).records_from_file(path))):
            try:
                problems = list(parsers.record_problems(records()))
            except Exception as exc:  # noqa: BLE001 - the import fails the file alone, saying why (the CLI leg checks)
                assert str(exc).strip(), f"{name}: refused with no reason: {exc!r}"
                continue
            assert not problems, f"{name}: {problems[0]}"
        _keep(kept, f"records-{campaign.fuzz_examples}.{'evtx' if data.startswith(b'ElfFile') else 'xml'}", data)

    record_parsers()


def _import_sheet(db: Database, path: Path, outcomes: dict[str, int]) -> None:
    """Plan and apply (--skip-invalid) one sheet; every refusal names the file, every reject its line."""
    try:
        plan = plan_file(db, path, ImportOptions())
    except SheetError as exc:
        assert str(path) in str(exc) or path.name in str(exc), f"refusal does not name the file: {exc}"
        outcomes["refused"] += 1
        return
    outcomes["planned"] += 1
    outcomes["created"] += len(plan.incidents)
    for reject in plan.rejects:
        assert reject.line >= 2 and reject.reason, f"reject without line or reason: {reject}"
    result = apply_plan(db, plan, skip_invalid=True)
    assert len(result.created) == len(plan.incidents)
    assert db.scalar("SELECT count(*) FROM incidents") == len(plan.incidents)
    assert audit.verify(db).ok


def test_incident_csv_import_takes_hostile_sheets(campaign: Campaign, kept: Path, tmp_path: Path) -> None:
    @fuzz(200)
    @given(sheet=sheets.SHEETS)
    def sheet_import(sheet: tuple[list[str], list[list[str]]]) -> None:
        campaign.fuzz_examples += 1
        path, db_path = tmp_path / "sheet.csv", tmp_path / f"incidents-{campaign.fuzz_examples}.db"
        data = sheets.table(*sheet)
        path.write_bytes(data)
        _keep(kept, f"sheet-{campaign.fuzz_examples}.csv", data)
        with Database.open(db_path) as db:  # a new database each time: the same example, the same outcome
            _import_sheet(db, path, outcomes)

    outcomes = {"refused": 0, "planned": 0, "created": 0}
    sheet_import()
    print(f"\nincident sheets: {outcomes}")
    assert outcomes["planned"] and outcomes["created"], f"the fuzz never reached an import: {outcomes}"


def test_an_empty_opened_cell_is_a_rejected_row_not_a_failed_import(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Found by the sheet fuzz: one row without an opened time failed the whole import with a database error."""
    sheet = tmp_path / "tickets.csv"
    sheet.write_text("Number,Short description,Opened,Priority,State\r\n"
                     "INC001,Softphone drops calls,2026-11-29T10:00:00Z,P2,New\r\n"
                     "INC003,VPN slow,,P2,In Progress\r\n", encoding="utf-8")
    out = run_cli("--db", tmp_path / "x.db", "incidents", "import", sheet, "--skip-invalid")
    assert out.returncode == 0, out.stderr
    assert "rejected: tickets.csv, line 3, opened_at: no opened time" in out.stdout + out.stderr
    assert "created 1, skipped 0, rejected 1" in out.stdout


def _incident(title: str, description: str) -> dict[str, Any]:
    return {"title": title, "description": description, "log_type": "network", "impact": 2, "urgency": 2}


def test_hostile_text_is_stored_as_given_or_refused_naming_the_field(campaign: Campaign, tmp_path: Path) -> None:
    """As given (trimmed), a lone surrogate as U+FFFD (README: it cannot be written anywhere); or refused by name."""
    db = Database.open(tmp_path / "boundary.db")

    @fuzz(150)
    @given(title=hostile.SHORT, description=hostile.HOSTILE)
    def boundary(title: str, description: str) -> None:
        campaign.fuzz_examples += 1
        try:
            row = incidents_service.create(db, _incident(title, description))
        except ValueError as exc:
            assert str(exc).startswith(("title", "description")), f"refused without naming the field: {exc!r:.200}"
            return
        title, description = hostile.as_stored(title), hostile.as_stored(description)
        assert row["title"] in (title, title.strip()), f"title {title!r:.60} stored as {row['title']!r:.60}"
        assert row["description"] in (description, description.strip(), None if not description.strip() else "")

    try:
        boundary()
    finally:
        db.close()


def _hostile_data(db: Database, texts: list[tuple[str, str]], folder: Path) -> None:
    """Each pair as an incident (title, description) and the second as an event's message, through the real paths."""
    for title, description in texts:
        try:
            incidents_service.create(db, _incident(title[:150], description))
        except ValueError:
            continue  # refusals are the boundary test's business
    log = folder / "hostile.jsonl"
    log.write_text("".join(json.dumps({"time": f"2026-11-29T10:00:{n:02d}Z", "level": "error", "message": text}) + "\n"
                           for n, (_title, text) in enumerate(texts)), encoding="ascii")
    import_paths(db, [log], ServiceOptions(zone=timeutil.UTC))  # a refused file is the parser tests' business


def _problems(stored: list[dict[str, Any]], key: str, fields: tuple[tuple[str, str], ...],
              read_csv: dict[str, dict[str, str]], read_sheet: dict[str, dict[str, Any]], what: str) -> Iterator[str]:
    for row in stored:
        for field, header in fields:
            original = row[field] or ""
            problem = hostile.csv_problem(original, read_csv[str(row[key])][field])
            if problem:
                yield f"{what} CSV, {field}: {problem}"
            problem = hostile.cell_problem(original, str(read_sheet[str(row[key])][header]))
            if problem:
                yield f"workbook {what} sheet, {header}: {problem}"


def _csv_rows(path: Path, key: str) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {r[key]: r for r in csv.DictReader(fh)}


def _sheet_rows(path: Path, name: str) -> dict[str, dict[str, Any]]:
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_name(name).to_python()
    return {str(int(r[0])) if isinstance(r[0], float) else str(r[0]): dict(zip(sheet[0], r)) for r in sheet[1:]}


def test_csv_and_xlsx_writers_keep_hostile_text(campaign: Campaign, tmp_path_factory: pytest.TempPathFactory) -> None:
    @fuzz(60)
    @given(texts=st.lists(st.tuples(hostile.SHORT, hostile.HOSTILE), min_size=1, max_size=5))
    def writers(texts: list[tuple[str, str]]) -> None:
        campaign.fuzz_examples += 1
        base = tmp_path_factory.mktemp("writers")
        folder = base / "exports"
        folder.mkdir()
        with Database.open(base / "w.db") as db:
            _hostile_data(db, texts, base)
            incidents = db.rows("SELECT number, title, description FROM incidents ORDER BY id")
            events = db.rows("SELECT id, message FROM events ORDER BY id")
            export_incidents_csv(db, folder / "incidents.csv", Filter(), timeutil.UTC)
            export_events_csv(db, folder / "events.csv", Filter(), timeutil.UTC)
            export_workbook(db, folder / "report.xlsx", Filter(), timeutil.UTC)
            checks.export_folder(campaign, Path(db.path), folder, "writers", parts_allowed=False)
        problems = [*_problems(incidents, "number", (("title", "Title"), ("description", "Description")),
                               _csv_rows(folder / "incidents.csv", "number"),
                               _sheet_rows(folder / "report.xlsx", "Incidents"), "Incidents"),
                    *_problems(events, "id", (("message", "Message"),), _csv_rows(folder / "events.csv", "id"),
                               _sheet_rows(folder / "report.xlsx", "Events"), "Events")]
        assert not problems, "; ".join(problems[:3])
        campaign.events_checked += len(events)

    writers()
    assert campaign.events_checked, "no hostile event reached the writers"
    campaign.assert_clean()

def test_ooxml_escape_lookalikes_read_back_as_written(tmp_path: Path) -> None:
    """Found by the writer fuzz: "_x0041_" in a log text came back from the workbook as "A"."""
    title, description = "Port _x0041_ flaps", "_x000D_ and _x005F_ are text; so is _x12_"
    with Database.open(tmp_path / "x.db") as db:
        incidents_service.create(db, _incident(title, description))
        export_workbook(db, tmp_path / "report.xlsx", Filter(), timeutil.UTC, include_events=False)
    sheet = CalamineWorkbook.from_path(tmp_path / "report.xlsx").get_sheet_by_name("Incidents").to_python()
    row = dict(zip(sheet[0], sheet[1]))
    assert (row["Title"], row["Description"]) == (title, description)


def test_an_evtx_too_short_for_its_header_fails_alone_without_a_traceback(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Found by the parser fuzz: python-evtx's overrun error reached stderr as a traceback."""
    short = tmp_path / "Security.evtx"
    short.write_bytes(b"ElfFile\x00" + b"\x00" * 8)
    out = run_cli("--db", tmp_path / "x.db", "import", short)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert f"{short}: import failed: not a readable .evtx file" in out.stderr


def test_whitespace_only_texts_read_back_from_the_workbook(tmp_path: Path) -> None:
    """Found by the writer fuzz: an event message of one space came back from the Events sheet as ""."""
    messages = [" ", "\t", "\n  ", "  x "]
    with Database.open(tmp_path / "x.db") as db:
        _hostile_data(db, [("t", m) for m in messages], tmp_path)
        export_workbook(db, tmp_path / "report.xlsx", Filter(), timeutil.UTC)
    sheet = _sheet_rows(tmp_path / "report.xlsx", "Events")
    assert [sheet[str(n)]["Message"] for n in range(1, 5)] == messages


def test_the_cli_reads_the_fuzzed_files_without_a_traceback(campaign: Campaign, kept: Path, tmp_path: Path) -> None:
    """Runs after the fuzz tests above: their kept files through ``import`` and ``incidents import``."""
    if not any(kept.iterdir()):
        for n, lines in enumerate((["\x00\ud800 =cmd", "Nov 29 10:00:01 h a: \u202e"], ["time,level\n=1,\x00"])):
            _keep(kept, f"seed-{n}.log", _encode("\n".join(lines)))
        _keep(kept, "seed.csv", sheets.table(["number", "title", "opened"], [["\ud800", "=1+1\x00", "2026-02-30"]]))
    db = tmp_path / "cli.db"
    logs = [p for p in sorted(kept.iterdir()) if p.suffix != ".csv"]
    out = procs.run(campaign, db, "import", *map(str, logs), "--force", "-o", "json")
    campaign.steps += 1
    campaign.check(out.returncode in (0, 1), f"import of fuzzed files exited {out.returncode}")
    if out.returncode in (0, 1):
        for r in json.loads(out.stdout or "[]"):
            campaign.check(r.get("status") != "failed" or Path(r["file"]).name in (r.get("message") or ""),
                           f"{r.get('file')}: failed without naming the file: {r.get('message')!r:.200}")
    for sheet in [p for p in sorted(kept.iterdir()) if p.suffix == ".csv"][:15]:
        done = procs.run(campaign, db, "incidents", "import", str(sheet), "--skip-invalid")
        campaign.steps += 1
        campaign.check(done.returncode in (0, 1), f"incidents import {sheet.name} exited {done.returncode}")
        campaign.check(done.returncode == 0 or sheet.name in done.stderr,
                       f"incidents import {sheet.name}: the message does not name the file: {done.stderr[-200:]!r}")
    checks.database(campaign, db, "fuzzed files through the CLI")
    campaign.assert_clean()
