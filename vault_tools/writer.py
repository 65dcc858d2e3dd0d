"""The only code that writes notes (DESIGN.md §6: nothing the user wrote is ever lost).

Two entry points:

- `create_note(path, text)` makes a NEW note and never overwrites anything;
- `write_note(path, transform)` rewrites an existing note through a pure `transform(text)`:
  read, transform, write a temp file beside the real file, re-check, atomic replace.

Everything else in the package computes text; only this module touches a note's bytes.

The one race a rename-based write cannot close (a program that opened the note before our
replace writes after it, into the replaced file) is detected after the replace and the save put
back; see `_late_bytes`. What is left is a write landing after that last look.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import secrets
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .parse import CONFLICT_PREFIXES, decode_note, parse_note
from .vault import inside_notes, is_skipped


class WriteError(Exception):
    """A note could not be written; the message names the file. The note is left as it was."""


class NoteExistsError(WriteError, FileExistsError):
    """`create_note` was asked to create a note whose path already exists (nothing was written)."""


class NotUtf8Error(WriteError):
    """The note is not valid UTF-8 text; it is left alone."""


class ConflictMarkersError(WriteError):
    """The note holds merge-conflict markers; it is left alone until the user resolves them."""


class SkippedFileError(WriteError):
    """The file is one §6.4 says never to write: a sync-conflict copy, backup or swap file."""


class ReadOnlyNoteError(WriteError):
    """The note is read-only (no write permission): the user asked for it to be left alone."""


class OutsideVaultWriteError(WriteError):
    """The note's real path (symlinks resolved) leaves the notes folder: never written."""


def refuse_outside(path: Path, notes_dir: Path | None) -> None:
    """Raise `OutsideVaultWriteError` unless `path`, symlinks resolved, is inside `notes_dir`
    (None: no vault to confine to). Defence in depth: the reader never offers such a note."""
    if notes_dir is not None and not inside_notes(notes_dir, path):
        raise OutsideVaultWriteError(
            f"{path}: the link leaves the vault (to {os.path.realpath(path)}): never written")


class ConcurrentEditError(WriteError):
    """Another program kept saving the note while we tried to write it; we gave up, safely."""


# --- fault-injection seam -------------------------------------------------------------------------


def _fault(step: str) -> None:
    """Called at each step of a write ("before-fsync", "before-replace", "after-replace").

    Does nothing. Tests replace it to raise at a chosen step, so the fault tests exercise the
    real code path rather than a copy of it.
    """


# --- hashes and the record of our own writes ------------------------------------------------------


def content_hash(data: bytes) -> str:
    """A hash of a file's bytes, as used to recognise content (not for security)."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class _RecentWrites:
    """The hash of the last bytes this process wrote to each path, so a watcher can tell the
    change events its own writes cause from the user's saves. Bounded; safe across threads."""

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._hashes: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, path: str | os.PathLike[str], data_hash: str) -> None:
        with self._lock:
            for key in _path_keys(path):
                self._hashes[key] = data_hash
                self._hashes.move_to_end(key)
            while len(self._hashes) > self._limit:
                self._hashes.popitem(last=False)

    def matches(self, path: str | os.PathLike[str], data_hash: str) -> bool:
        with self._lock:
            return any(self._hashes.get(key) == data_hash for key in _path_keys(path))

    def clear(self) -> None:
        with self._lock:
            self._hashes.clear()


def _path_keys(path: str | os.PathLike[str]) -> set[str]:
    # A note may be reached through a symlink: remember it under both names, so the watcher
    # recognises the event whichever name it reports.
    return {os.path.abspath(path), os.path.realpath(path)}


recent_writes = _RecentWrites()


def was_own_write(path: str | os.PathLike[str], data_hash: str) -> bool:
    """True when `data_hash` is the hash of the bytes this process last wrote to `path`."""
    return recent_writes.matches(path, data_hash)


# --- small file-system helpers --------------------------------------------------------------------


def _fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Make a rename or a new name in `folder` durable. A no-op where folders cannot be opened."""
    if os.name == "nt":  # Windows cannot open a folder for fsync; NTFS journals renames itself
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_name(name: str) -> str:
    """A hidden temp-file name beside `name`. Dot-prefixed and not ending in .md, so the vault's
    skip rules, editors' file lists and our own watcher all pass it by."""
    # Keep within the usual 255-byte name limit, cutting on a character boundary.
    stem = name.encode("utf-8")[:180].decode("utf-8", errors="ignore")
    return f".{stem}.vault-tools-{secrets.token_hex(4)}.tmp"


def _create_temp(folder: str, name: str, mode: int = 0o600) -> tuple[int, str]:
    """Exclusively create a new temp file in `folder`; return (fd, path)."""
    for _ in range(20):
        temp = os.path.join(folder, _temp_name(name))
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         mode)
        except FileExistsError:
            continue  # a name collision with a leftover of ours: draw another name
        return fd, temp
    raise WriteError(f"{folder}: cannot create a temporary file (all names taken)")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


# --- create_note ----------------------------------------------------------------------------------


def create_note(path: Path, text: str, *, notes_dir: Path | None = None) -> None:
    """Create a new note holding exactly `text` (UTF-8, newlines as given).

    Never overwrites: if anything exists at `path` (a file, a folder, even a dangling symlink),
    raises `NoteExistsError` (a `FileExistsError` and a `WriteError`) and writes nothing. Parent
    folders are created. The content is on disk (fsynced, folder too) before this returns, and
    the note appears whole or not at all. With `notes_dir`, a path leading out of it through a
    symlinked folder raises `OutsideVaultWriteError`.
    """
    path = Path(path)
    refuse_outside(path, notes_dir)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WriteError(f"{path}: the text cannot be written as UTF-8: {exc.reason}") from None
    try:
        created = _make_folders(path.parent)
        if os.path.lexists(path):
            raise NoteExistsError(errno.EEXIST, "a file with this name already exists", str(path))
        _link_new_file(path, data)
        _fsync_folder(path.parent)
        for folder in created:  # a new folder's own name lives in its parent
            _fsync_folder(folder.parent)
    except NoteExistsError:
        raise
    except FileExistsError as exc:
        raise NoteExistsError(errno.EEXIST, "a file with this name already exists",
                              str(path)) from exc
    except OSError as exc:
        raise WriteError(f"{path}: cannot create the note: {exc.strerror or exc}") from exc
    recent_writes.remember(path, content_hash(data))


def _make_folders(folder: Path) -> list[Path]:
    """mkdir -p, returning the folders that were created (outermost first)."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    created: list[Path] = []
    for item in reversed(missing):
        try:
            item.mkdir()
        except FileExistsError:
            continue  # made meanwhile by someone else: fine
        created.append(item)
    return created


def _link_new_file(path: Path, data: bytes) -> None:
    """Give `path` the content `data` atomically, failing with FileExistsError if it exists.

    The content goes to a temp file first and is fsynced; `os.link` then adds the note's name,
    which fails rather than replaces when the name is taken. Where hard links are not supported
    (FAT, some network shares), fall back to an O_EXCL create of the note itself.
    """
    folder = str(path.parent)
    fd, temp = _create_temp(folder, path.name, 0o666)  # the umask decides, as for any new file
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temp, path)
            return
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                                 errno.EMLINK, errno.ENOSYS):
                raise
    finally:
        _remove_quietly(temp)
    _create_exclusive(path, data)


def _create_exclusive(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _remove_quietly(str(path))  # we created it a moment ago: only our partial bytes are lost
        raise
    os.close(fd)


# --- write_note -----------------------------------------------------------------------------------


@dataclass
class _Target:
    """The file at the note's real path as we read it: held open, so that after replacing it we
    can still see whether anything reached it late (see `_late_bytes`)."""

    fd: int
    dev: int
    ino: int
    size: int
    mtime_ns: int
    mode: int
    uid: int
    gid: int
    data: bytes
    hash: str

    def close(self) -> None:
        os.close(self.fd)


def write_note(
    path: Path, transform: Callable[[str], str | None], *, retries: int = 5,
    notes_dir: Path | None = None,
) -> bool:
    """Rewrite an existing note as `transform(text)`, by the §6 protocol; True if it wrote.

    `transform` gets the note's whole decoded text: a BOM stays as a leading '\\ufeff' and newlines
    are as in the file (CRLF stays CRLF), so keeping the file's newline style is the transform's
    job: it should splice, not rebuild. It returns the new text, or None to leave the note alone;
    it must be pure, because it is called again on the user's newer text when they save while we
    write. When the result equals the current text, nothing is written at all (no new mtime).

    The new bytes go to a temp file beside the real file (a symlinked note stays a symlink and its
    target is written), with the note's permission bits, fsynced; the target is re-checked
    (inode, size, mtime_ns, hash) immediately before the atomic `os.replace`; if the user saved
    meanwhile, we start again from their text, at most `retries` more times, then raise
    `ConcurrentEditError` and leave the note as they saved it. Any failure leaves the note's old
    bytes and no temp file behind.

    With `notes_dir`, a note whose real path leaves that folder raises `OutsideVaultWriteError`
    and is not touched (DESIGN §6: confined to the vault).

    Raises `NotUtf8Error`, `ConflictMarkersError`, `SkippedFileError`, `ReadOnlyNoteError`,
    `ConcurrentEditError`, `OutsideVaultWriteError` or `WriteError` (disk errors), each naming
    the file.
    """
    path = Path(path)
    refuse_outside(path, notes_dir)
    if is_skipped(path.name):
        raise SkippedFileError(f"{path}: a backup, swap or sync-conflict file; never written")
    writing = _Writing(path, transform)
    try:
        return writing.run(retries)
    except BaseException as exc:
        writing.keep_stranded()
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(f"{path}: cannot write the note: {exc.strerror or exc}") from exc
        raise
    finally:
        writing.close()


# A save that races our replace is put back by writing again (see `_Writing.run`); this bounds
# how many times in a row we do so for one call, so a program saving non-stop cannot keep us here.
_MAX_RECOVERIES = 50


class _Writing:
    """One `write_note` call: the §6 loop and the state it needs to never drop a save."""

    def __init__(self, path: Path, transform: Callable[[str], str | None]) -> None:
        self.path = path
        self.transform = transform
        self.target: _Target | None = None  # the file at the note's path, held open
        # Bytes the user saved into a file we had just replaced (see `_late_bytes`). They exist
        # nowhere else, so until they are back under the note's name they must not be dropped.
        self.stranded: bytes | None = None
        self.expected = b""  # while stranded: the bytes the note's path held when we last looked
        self.kept: list[Path] = []  # conflict copies we had to make

    def run(self, retries: int) -> bool:
        wrote = False
        moves = recoveries = 0
        while True:
            real = os.path.realpath(self.path)
            if self.target is None and not self._open(real):
                moves += 1  # it changed while we read it
            else:
                assert self.target is not None
                target = self.target
                source = target.data if self.stranded is None else self.stranded
                new_data = _apply(self.path, source, self.transform)
                if new_data is None:
                    new_data = source
                if new_data == target.data:
                    return self._done(wrote)
                if _replace(self.path, real, target, new_data):
                    wrote = True
                    late = _late_bytes(target)
                    self.close()
                    if late is None:
                        self.stranded = None
                        return self._done(wrote)
                    self._strand(source, target.data, late, new_data)
                    recoveries += 1
                    if recoveries <= _MAX_RECOVERIES:
                        continue  # no pause: put their bytes back at once
                    break
                self.expected = target.data
                self.close()
                if self.stranded is not None:
                    # Giving up now would leave their stranded save only in a conflict copy:
                    # keep going, on the separate (larger) budget, merging their new save in.
                    recoveries += 1
                    if recoveries > _MAX_RECOVERIES:
                        break
                    time.sleep(0.001)
                    continue
                moves += 1  # the user saved meanwhile: start again from their text
            if moves > retries:
                break
            time.sleep(min(0.001 * 2 ** (moves - 1), 0.05))  # let their save finish
        if self.stranded is not None:
            self.keep_stranded()
            raise self._conflict()
        raise ConcurrentEditError(
            f"{self.path}: another program kept saving this note; it was left as they saved it "
            f"(tried {moves} times). Run the command again when the note is quiet."
        )

    def _open(self, real: str) -> bool:
        target = _open_target(self.path, real)
        if target is None:
            return False
        self.target = target
        if self.stranded is not None:
            if target.data.startswith(self.expected):
                # They added to the end of what was there (as an appending program does): their
                # stranded save and this one together are their latest text.
                self.stranded += target.data[len(self.expected):]
            else:
                # They rewrote the note without the stranded save: keep that one beside it.
                self._keep(self.stranded)
                self.stranded = None
        return True

    def _strand(self, source: bytes, replaced: bytes, late: bytes, written: bytes) -> None:
        """A save reached the file we replaced after our re-check: `late` is that file's bytes
        now, `replaced` what it held when we checked, `source` the text we transformed."""
        if late.startswith(replaced):
            self.stranded = source + late[len(replaced):]
        else:
            if source != replaced:
                self._keep(source)  # an earlier stranded save they have rewritten over
            self.stranded = late
        self.expected = written

    def _keep(self, data: bytes) -> None:
        self.kept.append(_rescue(self.path, data))

    def keep_stranded(self) -> None:
        """On the way out with a save not yet back under the note's name: keep it beside."""
        if self.stranded is not None:
            data, self.stranded = self.stranded, None
            self._keep(data)

    def _done(self, wrote: bool) -> bool:
        if self.kept:
            raise self._conflict()
        return wrote

    def _conflict(self) -> ConcurrentEditError:
        names = ", ".join(copy.name for copy in self.kept)
        return ConcurrentEditError(
            f"{self.path}: another program saved this note while vault-tools was writing it; "
            f"the other version is kept beside it as {names}: please merge it by hand"
        )

    def close(self) -> None:
        if self.target is not None:
            self.target.close()
            self.target = None


def _open_target(path: Path, real: str) -> _Target | None:
    """Open and read the real file; None when it changed while we read it."""
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise WriteError(f"{path}: not a regular file; left alone")
        if not before.st_mode & 0o222 or not os.access(real, os.W_OK):
            raise ReadOnlyNoteError(f"{path}: the note is read-only; left alone")
        data = _read_all(fd)
        after = os.fstat(fd)
    except BaseException:
        os.close(fd)
        raise
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(
        data
    ) != after.st_size:
        os.close(fd)
        return None
    return _Target(fd, after.st_dev, after.st_ino, after.st_size, after.st_mtime_ns,
                   after.st_mode, after.st_uid, after.st_gid, data, content_hash(data))


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _apply(path: Path, source: bytes, transform: Callable[[str], str | None]) -> bytes | None:
    """Decode, refuse what must not be touched, transform, encode. None: leave it alone."""
    text, problem = decode_note(str(path), source)
    if text is None:
        assert problem is not None
        where = f"{path}:{problem.line}" if problem.line else str(path)
        raise NotUtf8Error(f"{where}: {problem.message}")
    # The caller should already have skipped notes with the parser's `conflict-markers`
    # diagnostic; this is the last line of defence, with the parser's judgement (a marker shown
    # inside a code block is the user's text, not a conflict).
    if any(line.startswith(CONFLICT_PREFIXES) for line in text.split("\n")):
        for diag in parse_note(path.name, text).diagnostics:
            if diag.code == "conflict-markers":
                raise ConflictMarkersError(
                    f"{path}:{diag.line}: merge-conflict marker; resolve the conflict and the "
                    "tool will fill the note again"
                )
    new_text = transform(text)
    if new_text is None:
        return None
    try:
        return new_text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WriteError(f"{path}: the new text cannot be written as UTF-8: {exc.reason}") from None


def _replace(path: Path, real: str, target: _Target, new_data: bytes) -> bool:
    """Steps 5-7 of §6: temp file, re-check, replace. False, having written nothing, if the
    target moved since we read it."""
    folder = os.path.dirname(real)
    fd, temp = _create_temp(folder, os.path.basename(real))
    temp_exists = True
    try:
        try:
            _copy_owner_and_mode(fd, temp, target)
            _write_all(fd, new_data)
            _fault("before-fsync")
            os.fsync(fd)
        finally:
            os.close(fd)
        # Remembered before the replace: a watcher may see the change event before we return.
        recent_writes.remember(path, content_hash(new_data))
        _fault("before-replace")
        # The re-check and the replace sit back to back, with nothing slow between them. A save
        # that lands after the re-check but before the replace goes into the file we are about
        # to replace; no rename-based write can close that window (POSIX has no
        # compare-and-swap rename, and editors take no locks). `_late_bytes` catches it after.
        if not _unchanged(real, target):
            return False
        os.replace(temp, real)
        temp_exists = False
    finally:
        if temp_exists:
            _remove_quietly(temp)
    _fault("after-replace")
    _fsync_folder(folder)
    return True


def _copy_owner_and_mode(fd: int, temp: str, target: _Target) -> None:
    """Give the temp file the note's owner (when we may) and permission bits."""
    if hasattr(os, "fchown"):
        own = os.fstat(fd)
        if (own.st_uid, own.st_gid) != (target.uid, target.gid):
            # Only root may give a file away; when we may not, the bits below still match.
            with contextlib.suppress(PermissionError):
                os.fchown(fd, target.uid, target.gid)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(target.mode))  # after chown, which may clear set-id bits
    else:
        os.chmod(temp, stat.S_IMODE(target.mode))


def _unchanged(real: str, target: _Target) -> bool:
    """§6.6: is the file at `real` still the one we read (same inode, size, mtime, bytes)?"""
    try:
        now = os.stat(real)
    except FileNotFoundError:
        return False
    if (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) != (
        target.dev, target.ino, target.size, target.mtime_ns
    ):
        return False
    # Same size and mtime can still hide a same-length save within one clock tick: compare bytes.
    return content_hash(_read_all(target.fd)) == target.hash


def _late_bytes(target: _Target) -> bytes | None:
    """After the replace: the replaced file's bytes if a save reached it after our re-check.

    A program that opened the note before our replace writes into the replaced file, which no
    longer has a name. We still hold it open, so we can see such a save and put it back. A save
    whose write comes after this look is the residual race: rare (the program must have opened
    the note before our replace and written only after the folder fsync), but not impossible.
    """
    now = os.fstat(target.fd)
    data = _read_all(target.fd)
    if (now.st_size, now.st_mtime_ns) == (target.size, target.mtime_ns) and (
        content_hash(data) == target.hash
    ):
        return None
    return data


def _rescue(path: Path, data: bytes) -> Path:
    """Keep bytes the user saved that are no longer under the note's name, as a conflict copy
    beside the note (named like a sync-conflict file, so the vault's skip rules leave it alone)."""
    real = Path(os.path.realpath(path))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    for number in range(1, 1000):
        suffix = "" if number == 1 else f"-{number}"
        copy = real.with_name(f"{real.stem}.sync-conflict-{stamp}-vault-tools{suffix}{real.suffix}")
        try:
            _link_new_file(copy, data)
        except FileExistsError:
            continue
        _fsync_folder(copy.parent)
        return copy
    raise WriteError(f"{path}: cannot keep the other version: too many conflict copies")
