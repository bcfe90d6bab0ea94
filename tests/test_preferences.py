"""UI preferences: declared defaults, a real INI file on disk, bad values read as defaults."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.ui import preferences
from app.ui.preferences import DATE_FORMAT, MAX_RECENT, RECENT_DATABASES, THEME, TIME_ZONE, WINDOW_GEOMETRY, Preferences


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


def _prefs(ini: Path) -> Preferences:
    return Preferences(QSettings(str(ini), QSettings.Format.IniFormat))


def test_defaults_when_nothing_is_stored(ini: Path) -> None:
    prefs = _prefs(ini)
    assert prefs.theme == "system"
    assert prefs.time_zone == "local"
    assert prefs.date_format == "%Y-%m-%d %H:%M:%S"
    assert prefs.default_database is None
    assert prefs.recent_databases() == []
    assert prefs.get(WINDOW_GEOMETRY) == b""


def test_values_survive_a_new_instance(ini: Path) -> None:
    prefs = _prefs(ini)
    prefs.set(THEME, "dark")
    prefs.set(TIME_ZONE, "Asia/Manila")
    prefs.set(DATE_FORMAT, "%d/%m/%Y %H:%M")
    prefs.set(WINDOW_GEOMETRY, b"\x00\x01\xffgeometry")
    prefs.sync()
    again = _prefs(ini)
    assert (again.theme, again.time_zone, again.date_format) == ("dark", "Asia/Manila", "%d/%m/%Y %H:%M")
    assert again.get(WINDOW_GEOMETRY) == b"\x00\x01\xffgeometry"
    assert "theme=dark" in ini.read_text()
    # Another process (a restart) reads them too, not only this process's QSettings cache.
    code = ("import sys; from PySide6.QtCore import QSettings; from app.ui.preferences import Preferences; "
            "p = Preferences(QSettings(sys.argv[1], QSettings.Format.IniFormat)); print(p.time_zone, p.date_format)")
    out = subprocess.run([sys.executable, "-c", code, str(ini)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1], timeout=60)
    assert out.stdout.split(None, 1) == ["Asia/Manila", "%d/%m/%Y %H:%M\n"]


def test_choices_an_earlier_version_wrote_under_general_are_kept(ini: Path) -> None:
    ini.write_text("[%General]\ntime_zone=Asia/Manila\ndate_format=%d/%m/%Y %H:%M\n", encoding="utf-8")
    prefs = _prefs(ini)
    assert (prefs.time_zone, prefs.date_format) == ("Asia/Manila", "%d/%m/%Y %H:%M")
    prefs.sync()
    assert "%General" not in ini.read_text() and "[preferences]" in ini.read_text()


def test_invalid_values_are_refused(ini: Path) -> None:
    prefs = _prefs(ini)
    with pytest.raises(ValueError, match="Theme"):
        prefs.set(THEME, "purple")
    with pytest.raises(ValueError, match="Time zone"):
        prefs.set(TIME_ZONE, "Mars/Olympus")
    with pytest.raises(ValueError, match="Date format"):
        prefs.set(DATE_FORMAT, "no codes")
    assert prefs.theme == "system"


def test_damaged_stored_values_read_as_defaults(ini: Path) -> None:
    ini.write_text("[appearance]\ntheme=purple\n[preferences]\ntime_zone=Nowhere/Land\n"
                   "date_format=plain\n", encoding="utf-8")
    prefs = _prefs(ini)
    assert prefs.theme == "system"
    assert prefs.time_zone == "local"
    assert prefs.date_format == "%Y-%m-%d %H:%M:%S"


def test_recent_databases_most_recent_first_without_duplicates(ini: Path, tmp_path: Path) -> None:
    prefs = _prefs(ini)
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    prefs.add_recent(a)
    prefs.add_recent(b)
    prefs.add_recent(a)
    assert prefs.recent_databases() == [a.resolve(), b.resolve()]
    for n in range(MAX_RECENT + 3):
        prefs.add_recent(tmp_path / f"{n}.db")
    assert len(prefs.recent_databases()) == MAX_RECENT
    assert prefs.recent_databases()[0] == (tmp_path / f"{MAX_RECENT + 2}.db").resolve()
    prefs.remove_recent(tmp_path / f"{MAX_RECENT + 2}.db")
    assert (tmp_path / f"{MAX_RECENT + 2}.db").resolve() not in prefs.recent_databases()


def test_a_single_recent_database_reads_back_as_a_list(ini: Path, tmp_path: Path) -> None:
    prefs = _prefs(ini)
    prefs.add_recent(tmp_path / "only.db")
    prefs.sync()
    assert _prefs(ini).get(RECENT_DATABASES) == [str((tmp_path / "only.db").resolve())]


def test_current_lives_in_the_user_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    prefs = preferences.current()
    assert Path(prefs.qsettings.fileName()) == tmp_path / "cfg" / "issue-ledger" / "settings.ini"
    assert preferences.current() is prefs
    prefs.set(THEME, "light")
    prefs.sync()
    assert (tmp_path / "cfg" / "issue-ledger" / "settings.ini").read_text().count("theme=light") == 1
