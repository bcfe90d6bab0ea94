"""Following the files of one file or folder source, as ``tail -F`` and Filebeat do.

Each pass (``FileFollower.poll``) looks at the folder, keeps one open handle per
file (by device and inode, so a renamed file is read to its end under its new
name), and returns what each file holds past its saved offset, cut at the last
complete line. Nothing moves until the caller has stored a chunk and calls
``done``: offsets live in ``source_files`` and are written in the same
transaction as the events, so a crash re-reads exactly the unstored lines.

Rotation, by what is seen on disk:

* rename + new file: the old inode is still open (or found under ``NAME.1``) and
  is drained first; the new file is a new inode with another head, read from 0.
* copytruncate: the same inode becomes shorter than its offset: read from 0.
  The copy (``NAME.1``, a new inode whose head fingerprint matches the file we
  knew) is read only past the offset we had stored, and only once the original
  was truncated (or is gone): while the original is whole, a copy of it (``cp
  app.log app.log.bak``, or logrotate between its copy and its truncate) holds
  nothing the original will not give.
* ``.gz``/``.bz2``/``.xz``/``.zip`` files are never followed: they are rotations
  of lines already read (lines written after the collector stopped and compressed
  before it restarted are not recovered).

A partial last line waits for its newline until the file has been still for
``PARTIAL_TIMEOUT_S`` seconds, then it is taken as it is.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from app.store.sources import FileState

FP_BYTES = 1024  # the head that identifies a file (Filebeat's fingerprint length)
FP_MIN = 64  # a head shorter than this is too common to prove two files are one
PARTIAL_TIMEOUT_S = 5.0
READ_LIMIT = 2 << 20  # bytes read from one file in one pass; a burst is stored in several batches
GONE_GRACE_S = 5.0  # a file gone from the folder is still read this long through its open handle
IDLE_CLOSE_S = 60.0  # an open file that gave nothing for this long is closed (opened again when it grows)
BACKOFF_START_S = 0.5
BACKOFF_MAX_S = 30.0
KEEP_TRUNCATED = 8
COMPRESSED = (".gz", ".bz2", ".xz", ".zip", ".zst", ".lz4")


@dataclass
class Chunk:
    """Complete lines read from one file: ``state`` is where the file stands once they are stored."""

    state: FileState
    data: bytes
    path: str


def fingerprint(handle: BinaryIO, length: int) -> str:
    handle.seek(0)
    return hashlib.sha256(handle.read(length)).hexdigest()


class FileFollower:
    """The files of one source: a single file (``name``) or every file matching ``glob`` in ``folder``."""

    def __init__(self, source_id: int, folder: Path, glob: str | None = None, name: str | None = None,
                 states: list[FileState] | None = None) -> None:
        self.source_id = source_id
        self.folder = folder
        self.glob = glob
        self.name = name
        self.states: dict[tuple[int, int], FileState] = {(s.device, s.inode): s for s in states or []}
        self.handles: dict[tuple[int, int], BinaryIO] = {}
        self.gone_since: dict[tuple[int, int], float] = {}
        self.active: dict[tuple[int, int], float] = {}  # when each open file last gave lines
        self.retry: dict[str, tuple[float, float]] = {}  # path -> (next try, current delay)
        self.why: dict[str, str] = {}  # path -> the error it gave, shown again while it waits for its retry
        self.strangers: dict[tuple[int, int, int], str] = {}  # unknown siblings' heads, by (dev, ino, size)
        self.errors: list[str] = []
        self.forgotten: list[FileState] = []  # rows of files gone for good, for the caller to delete
        self.truncated: list[FileState] = []  # files as they were before a copytruncate: their copies' offsets
        self.moved: list[tuple[int, int]] = []  # files renamed since the last look, for the caller to save
        self.lag = 0

    # -- what is on disk --------------------------------------------------------------------------------------
    def _live(self, name: str) -> bool:
        if name.lower().endswith(COMPRESSED):
            return False
        if self.name is not None:
            return name == self.name
        return fnmatch.fnmatch(name, self.glob or "*")

    def _sibling(self, name: str) -> bool:
        """A rotated name of a file we follow: ``app.log.1``, ``app.log-20261202`` (never compressed)."""
        if name.lower().endswith(COMPRESSED):
            return False
        stems = {self.name} if self.name else {Path(s.path).name for s in self.states.values()}
        return any(stem and name != stem and name.startswith(stem) for stem in stems)

    def _waiting(self, path: str, now: float) -> bool:
        at = self.retry.get(path)
        return at is not None and now < at[0]

    def _failed(self, path: str, message: str, now: float) -> None:
        delay = min(self.retry.get(path, (0.0, BACKOFF_START_S / 2))[1] * 2, BACKOFF_MAX_S)
        self.retry[path] = (now + delay, delay)
        self.why[path] = message
        self.errors.append(message)

    def _missing(self, path: str, present: bool, now: float) -> None:
        """A followed file that is not there: an error at once if it never was, else from the second look on
        (the moment between a rotation's rename and its new file is no error)."""
        if present:
            self.retry.pop(path, None)
            return
        message = f"{path}: not found (waiting for it)"
        if path in self.retry or not self.states:
            self.errors.append(message)
        if not self._waiting(path, now):
            delay = min(self.retry.get(path, (0.0, BACKOFF_START_S / 2))[1] * 2, BACKOFF_MAX_S)
            self.retry[path] = (now + delay, delay)

    def _scan(self, now: float) -> list[tuple[str, os.stat_result, bool]]:
        """(path, stat, live) of every file to look at, rotated ones first, then by modification time."""
        folder = str(self.folder)
        if self._waiting(folder, now):
            self.errors.append(self.why.get(folder, f"{folder}: cannot list"))
            return []
        try:
            names = os.listdir(folder)
        except OSError as exc:
            self._failed(folder, f"{folder}: cannot list: {exc.strerror or exc}", now)
            return []
        self.retry.pop(folder, None)
        if self.name is not None:
            self._missing(str(self.folder / self.name), self.name in names, now)
        found = []
        for name in names:
            live = self._live(name)
            if not live and not self._sibling(name):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue  # renamed or removed since the listing
            if os.path.isfile(path):
                found.append((path, st, live))
        found.sort(key=lambda f: (f[2], f[1].st_mtime))
        return found

    # -- one pass -----------------------------------------------------------------------------------------------
    def poll(self, now: float | None = None, take_partial: bool = False) -> list[Chunk]:
        """What every file holds beyond its offset (at most ``READ_LIMIT`` bytes each); records ``errors``."""
        now = time.time() if now is None else now
        self.errors, self.lag = [], 0
        seen: set[tuple[int, int]] = set()
        chunks: list[Chunk] = []
        for path, st, live in self._scan(now):
            key = (st.st_dev, st.st_ino)
            seen.add(key)
            state = self.states.get(key)
            if state is None:
                state = self._adopt(path, st, key, live, now)
                if state is None:
                    continue
            elif state.path != path:
                state = self.states[key] = replace(state, path=path)
                self.moved.append(key)
            if st.st_size == state.offset and key not in self.handles:
                continue  # read to its end and idle: no handle needed to see that
            chunk = self._read(state, key, now, take_partial)
            if chunk is not None:
                chunks.append(chunk)
                self.active[key] = now
            elif now - self.active.setdefault(key, now) >= IDLE_CLOSE_S and state.pending == 0:
                self._release(key)
        for key, state in list(self.states.items()):  # gone from the folder: drain through the open handle
            if key in seen:
                self.gone_since.pop(key, None)
                continue
            chunk = self._read(state, key, now, True) if key in self.handles else None
            if chunk is not None:
                chunks.insert(0, chunk)
            elif now - self.gone_since.setdefault(key, now) >= GONE_GRACE_S or key not in self.handles:
                self._close(key)
        return chunks

    def _open(self, path: str, key: tuple[int, int], now: float) -> BinaryIO | None:
        handle = self.handles.get(key)
        if handle is not None:
            return handle
        if self._waiting(path, now):
            self.errors.append(self.why.get(path, f"{path}: cannot read"))
            return None
        try:
            handle = open(path, "rb")  # noqa: SIM115 - kept open across passes, closed in _close
        except OSError as exc:
            self._failed(path, f"{path}: cannot read: {exc.strerror or exc}", now)
            return None
        st = os.fstat(handle.fileno())
        if (st.st_dev, st.st_ino) != key:  # replaced between the look and the open: next pass
            handle.close()
            return None
        self.retry.pop(path, None)
        self.handles[key] = handle
        return handle

    def _adopt(self, path: str, st: os.stat_result, key: tuple[int, int], live: bool,
               now: float) -> FileState | None:
        """A file not seen before: new (from its start), or a copy/move of one we know (from its offset)."""
        stranger = (st.st_dev, st.st_ino, st.st_size)
        if not live and stranger in self.strangers:
            return None
        handle = self._open(path, key, now)
        if handle is None:
            return None
        length = min(st.st_size, FP_BYTES)
        heads: dict[int, str] = {}
        known = [(k, o, False) for k, o in self.states.items()] + [(None, o, True) for o in self.truncated]
        for old_key, old, before in known:
            if old.fp_len < FP_MIN or old.fp_len > st.st_size or old.offset > st.st_size:
                continue
            if old.fp_len not in heads:
                heads[old.fp_len] = fingerprint(handle, old.fp_len)
            if heads[old.fp_len] != old.fingerprint:
                continue
            size = None if old_key is None else self._size(old_key, old.path)
            if not before and size is not None and size >= old.offset:
                continue  # the file we know is still whole: this is a copy (or a new file with the same head)
            adopted = replace(old, id=0, path=path, device=key[0], inode=key[1], size=st.st_size, pending=0)
            if before:
                self.truncated.remove(old)
            elif size is None and old_key is not None:  # the file moved: its row follows it
                adopted.id = old.id
                del self.states[old_key]
            self.states[key] = adopted
            return adopted
        if not live:  # an old rotation we never read: leave it alone
            self.strangers[stranger] = path
            self._close(key)
            return None
        state = FileState(self.source_id, path, key[0], key[1], fingerprint(handle, length), length)
        self.states[key] = state
        return state

    def _size(self, key: tuple[int, int], path: str) -> int | None:
        """The size of the file we knew, if it is still there (open, or at its path); None once it is gone."""
        handle = self.handles.get(key)
        if handle is not None:
            return os.fstat(handle.fileno()).st_size
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_size if (st.st_dev, st.st_ino) == key else None

    def _present(self, key: tuple[int, int], path: str) -> bool:
        """The file we knew is still there (open, or at its path): a live look-alike is a new file, not a move."""
        if key in self.handles:
            return True
        try:
            st = os.stat(path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == key

    def _read(self, state: FileState, key: tuple[int, int], now: float, take_partial: bool) -> Chunk | None:
        handle = self._open(state.path, key, now)
        if handle is None:
            return None
        st = os.fstat(handle.fileno())
        start, line_no, fp, fp_len = state.offset, state.line_no, state.fingerprint, state.fp_len
        if st.st_size < start:  # copytruncate (or the file was emptied): its new lines start at 0
            start, line_no = 0, 0
            self.truncated = [*self.truncated[-(KEEP_TRUNCATED - 1):], state]  # the copy may show up later
            self.strangers.clear()  # and may be one we passed over while the file was whole
        if fp_len < FP_BYTES and st.st_size > fp_len:  # the head grew: a longer fingerprint tells files apart better
            fp_len = min(st.st_size, FP_BYTES)
            fp = fingerprint(handle, fp_len)
        if start == 0 and st.st_size < state.offset:
            fp_len = min(st.st_size, FP_BYTES)
            fp = fingerprint(handle, fp_len)
        self.lag += max(st.st_size - start, 0)
        if st.st_size <= start:
            return None
        handle.seek(start)
        data = handle.read(READ_LIMIT)
        cut = data.rfind(b"\n") + 1
        at_end = start + len(data) >= st.st_size
        idle = now - st.st_mtime >= PARTIAL_TIMEOUT_S
        if cut < len(data) and ((at_end and (take_partial or idle)) or (cut == 0 and len(data) >= READ_LIMIT)):
            cut = len(data)  # a last line that waited long enough, or one longer than a whole read
        pending = len(data) - cut if at_end else 0
        if cut == 0:
            if pending != state.pending:
                self.states[key] = replace(state, pending=pending, size=st.st_size)
            return None
        body = data[:cut]
        if start == 0 and body.startswith(b"\xef\xbb\xbf"):
            body = body[3:]
        after = replace(state, offset=start + cut, line_no=line_no, size=st.st_size, pending=pending,
                        fingerprint=fp, fp_len=fp_len)
        return Chunk(after, body, state.path)

    def done(self, chunk: Chunk) -> None:
        """The chunk is stored: the file now stands where ``chunk.state`` says (offset, line number, row id)."""
        state = chunk.state
        self.states[(state.device, state.inode)] = state

    def _release(self, key: tuple[int, int]) -> None:
        """Close an idle file's handle (a folder of a thousand logs must not hold a thousand open files)."""
        handle = self.handles.pop(key, None)
        if handle is not None:
            handle.close()
        self.active.pop(key, None)

    def _close(self, key: tuple[int, int]) -> None:
        handle = self.handles.pop(key, None)
        if handle is not None:
            handle.close()
        self.gone_since.pop(key, None)
        if key in self.states and not self._present(key, self.states[key].path):
            self.forgotten.append(self.states.pop(key))

    def close(self) -> None:
        for key in list(self.handles):
            handle = self.handles.pop(key)
            handle.close()
