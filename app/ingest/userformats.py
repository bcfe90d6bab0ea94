"""The user's saved formats: lnav format files kept in the app's data folder.

A saved format is found by name (``--format pbx_log``); a file path works too,
without saving (``--format ./pbx.json``). A broken file in the folder is
reported, never fatal: the other formats still load.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from app.ingest.formats.base import ParseContext
from app.ingest.lnav_format import FormatError, LnavParser, UserFormat, best_for, from_json, load_file, to_json

# Formats loaded this run by file path, by name: ``choose_format`` records the name, ``formats.make`` builds by it.
_LOADED: dict[str, UserFormat] = {}


class NoSuchFormat(LookupError):
    """No built-in, saved or file format by that name."""


def formats_dir() -> Path:
    return Path(platformdirs.user_data_dir("issue-ledger", "IssueLedger")) / "formats"


def builtin_names() -> list[str]:
    from app.ingest.formats import FORMATS

    return list(FORMATS)


def saved() -> tuple[list[UserFormat], list[FormatError]]:
    """Every format in the folder's ``*.json`` files (by file name), and an error for each broken file."""
    found: list[UserFormat] = []
    errors: list[FormatError] = []
    folder = formats_dir()
    if not folder.is_dir():
        return found, errors
    for path in sorted(folder.glob("*.json")):
        try:
            found.extend(load_file(path))
        except FormatError as exc:
            errors.append(exc)
    return found, errors


def is_path(spec: str) -> bool:
    return spec.lower().endswith(".json")


def find(name_or_path: str, sample: list[str] | None = None) -> UserFormat:
    """A format file's format (the one fitting ``sample`` best), or a saved format by name.

    Raises FormatError for a broken file, NoSuchFormat for an unknown name.
    """
    if is_path(name_or_path):
        formats = load_file(Path(name_or_path).expanduser())
        return best_for(formats, sample or [])
    formats, errors = saved()
    for fmt in formats:
        if fmt.name == name_or_path:
            return fmt
    names = ", ".join(f.name for f in formats) or "none"
    broken = f"; {len(errors)} broken file(s) in {formats_dir()}, see 'issue-ledger formats list'" if errors else ""
    raise NoSuchFormat(f"no format named {name_or_path!r} (saved formats: {names}){broken}")


def use(name_or_path: str, sample: list[str] | None = None) -> UserFormat:
    """Like ``find``, and remember the format for ``make_parser`` by its name."""
    fmt = find(name_or_path, sample)
    _LOADED[fmt.name] = fmt
    return fmt


def make_parser(name: str, ctx: ParseContext) -> LnavParser:
    """The parser of a format chosen by ``use`` (or saved) under ``name``."""
    fmt = _LOADED.get(name) or find(name)
    return LnavParser(ctx, fmt)


def add(path: Path, replace: bool = False) -> list[str]:
    """Validate a format file and copy it into the folder; the names of its formats.

    Refuses a built-in format's name, and a saved one's unless ``replace``.
    """
    path = Path(path)
    formats = load_file(path)
    names = [f.name for f in formats]
    _check_names(path.name, names, replace, keep=path.name)
    folder = formats_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if replace:
        _drop(names, keep=path.name)
    _write(folder / path.name, path.read_bytes())
    return names


def save(fmt_json: dict[str, Any], name: str, replace: bool = False) -> Path:
    """Write a format (lnav JSON, e.g. from ``to_json``) as ``<name>.json``; validated first."""
    file = f"{name}.json"
    formats = from_json(fmt_json, file)
    _check_names(file, [f.name for f in formats], replace, keep=file)
    folder = formats_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if replace:
        _drop([f.name for f in formats], keep=file)
    target = folder / file
    _write(target, (json.dumps(fmt_json, indent=4, ensure_ascii=False) + "\n").encode("utf-8"))
    return target


def remove(name: str) -> Path:
    """Delete the saved file holding format ``name`` (with any other formats in it); the file removed."""
    for path in sorted(formats_dir().glob("*.json")) if formats_dir().is_dir() else []:
        try:
            names = [f.name for f in load_file(path)]
        except FormatError:
            names = [path.stem]  # a broken file goes by its file name
        if name in names or name == path.name:
            path.unlink()
            _LOADED.pop(name, None)
            return path
    raise NoSuchFormat(f"no saved format named {name!r}")


def export(fmt: UserFormat) -> str:
    """The format as lnav JSON text, to share."""
    return json.dumps(to_json(fmt), indent=4, ensure_ascii=False)


def _check_names(file: str, names: list[str], replace: bool, keep: str) -> None:
    builtin = set(builtin_names())
    for n in names:
        if n in builtin:
            raise FormatError(file, n, f"{n!r} is a built-in format's name; rename the format")
    if replace:
        return
    formats, _errors = saved()
    for f in formats:
        if f.name in names:
            where = f.source.name if f.source else "?"
            raise FormatError(file, f.name, f"a saved format has this name ({where}); remove it first or replace it")
    if (formats_dir() / keep).exists():
        raise FormatError(file, None, f"{formats_dir() / keep} exists; remove it first or replace it")


def _drop(names: list[str], keep: str) -> None:
    """Before replacing: remove other saved files defining these names."""
    formats, _errors = saved()
    for f in formats:
        if f.name in names and f.source is not None and f.source.name != keep and f.source.exists():
            f.source.unlink()


def _write(target: Path, data: bytes) -> None:
    """Write through a temporary file, so a half-written format never sits in the folder."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = [
    "FormatError",
    "NoSuchFormat",
    "add",
    "export",
    "find",
    "formats_dir",
    "make_parser",
    "remove",
    "save",
    "saved",
    "use",
]
