"""The only code that writes notes (DESIGN.md §6: nothing the user wrote is ever lost).

Three entry points:

- `create_note(path, text)` makes a NEW note and never overwrites anything;
- `write_note(path, transform)` rewrites an existing note through a pure `transform(text)`:
  read, transform, write a temp file beside the real file, re-check, atomic replace;
- `write_notes_together(writes)` writes several notes (one of them maybe renamed) all or
  nothing, for `rename`: every note checked and its temp file ready before any is replaced, a
  failure at any step undone.

Everything else in the package computes text; only this module touches a note's bytes.

A rename-based write must never replace a file another program holds open for writing: what that
program writes next would go into the replaced file, which no longer has a name. On Linux the
writer takes a read lease on the note (`_take_lease`), which the kernel refuses while anyone has
the file open for writing and breaks when anyone opens it for writing; such a note is left alone
for a moment and tried again (`NoteHeldOpenError` when it stays held). Where leases are not
available, late writes are detected after the replace and put back; see `_late_bytes`.

A hard-linked note is written in place, under a write lease, with its previous version kept
beside it until the new one is on disk (`_write_in_place`), so all its names keep one text.
`remove_stale_temps` removes what an interrupted write (kill -9, power loss) left behind.

Over 600 lines on purpose: every way a note's bytes can change on disk goes through this one
door, so its re-checks, leases, retries and conflict copies can be read (and audited) together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import secrets
import signal
import stat
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .parse import CONFLICT_PREFIXES, decode_note, parse_note
from .vault import inside_notes, is_skipped

try:
    import fcntl
except ImportError:  # Windows: no leases, no flock; the late-bytes check and age rules remain
    fcntl = None  # type: ignore[assignment]


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


def refuse_outside(path: Path, notes_dir: Path | None, real: str | None = None) -> None:
    """Raise `OutsideVaultWriteError` unless `path`, symlinks resolved, is inside `notes_dir`
    (None: no vault to confine to). Defence in depth: the reader never offers such a note.
    `real`: `os.path.realpath(path)` as the caller just worked it out, for the file it opens
    next (resolved here otherwise)."""
    if notes_dir is None:
        return
    if real is None:
        real = os.path.realpath(path)
    if not inside_notes(notes_dir, real, resolved=True):
        raise OutsideVaultWriteError(
            f"{path}: the link leaves the vault (to {real}): never written")


class ConcurrentEditError(WriteError):
    """Another program kept saving the note while we tried to write it; we gave up, safely."""


class NoteHeldOpenError(ConcurrentEditError):
    """Another program held the note open for writing the whole time we waited: replacing it
    would have sent that program's next write into a file with no name. The note is untouched;
    the caller should try again later (`watch` does so by itself)."""


# --- fault-injection seam -------------------------------------------------------------------------


def _fault(step: str) -> None:
    """Called at each step of a write ("before-fsync", "before-replace", "after-replace"; a
    hard-linked note's "in-place"; `write_notes_together`'s "before-move" and "before-remove").

    Does nothing. Tests replace it to raise at a chosen step, so the fault tests exercise the
    real code path rather than a copy of it.
    """


# --- hashes and the record of our own writes ------------------------------------------------------


def content_hash(data: bytes) -> str:
    """A hash of a file's bytes, as used to recognise content (not for security): a 128-bit
    BLAKE2 hash, in hex. The site's digest of a note's text is this hash of its UTF-8 bytes
    (`site_cache.text_digest`), so a note's bytes are hashed once where both are wanted."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _RecentWrites:
    """The hash of the last bytes this process wrote to each path, so a watcher can tell the
    change events its own writes cause from the user's saves. Bounded; safe across threads."""

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._hashes: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, path: str | os.PathLike[str], data_hash: str,
                 real: str | None = None) -> None:
        """`real`: the path's `os.path.realpath`, when the caller has just worked it out."""
        with self._lock:
            for key in _path_keys(path, real):
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


def _path_keys(path: str | os.PathLike[str], real: str | None = None) -> set[str]:
    # A note may be reached through a symlink: remember it under both names, so the watcher
    # recognises the event whichever name it reports.
    return {os.path.abspath(path), os.path.realpath(path) if real is None else real}


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


TEMP_SUFFIX = ".tmp"  # a temp file holding the new text, about to become the note
BACKUP_SUFFIX = ".orig"  # a hard-linked note's previous version, kept while it is rewritten
# The names this module gives its temp files (`_temp_name`), and nothing else: `.<name>.vault-tools-
# <8 hex digits>.tmp` (or `.orig`). `remove_stale_temps` touches only files matching these.
TEMP_PATTERN = re.compile(r"\..+\.vault-tools-[0-9a-f]{8}\.tmp", re.DOTALL)
BACKUP_PATTERN = re.compile(r"\..+\.vault-tools-[0-9a-f]{8}\.orig", re.DOTALL)


def _temp_name(name: str, suffix: str = TEMP_SUFFIX) -> str:
    """A hidden temp-file name beside `name`. Dot-prefixed and not ending in .md, so the vault's
    skip rules, editors' file lists and our own watcher all pass it by."""
    # Keep within the usual 255-byte name limit, cutting on a character boundary.
    stem = _cut_utf8(name, 180)
    return f".{stem}.vault-tools-{secrets.token_hex(4)}{suffix}"


def _cut_utf8(text: str, limit: int) -> str:
    """The longest start of `text` whose UTF-8 encoding fits in `limit` bytes (whole
    characters only)."""
    return text.encode("utf-8")[:max(limit, 0)].decode("utf-8", errors="ignore")


def _create_temp(folder: str, name: str, mode: int = 0o600,
                 suffix: str = TEMP_SUFFIX) -> tuple[int, str]:
    """Exclusively create a new temp file in `folder`; return (fd, path).

    The file carries a shared `flock` for as long as a descriptor of it is open: that is how
    `remove_stale_temps` tells a temp file in use from one left by a killed process."""
    for _ in range(20):
        temp = os.path.join(folder, _temp_name(name, suffix))
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         mode)
        except FileExistsError:
            continue  # a name collision with a leftover of ours: draw another name
        _lock_shared(fd)
        return fd, temp
    raise WriteError(f"{folder}: cannot create a temporary file (all names taken)")


def _lock_shared(fd: int) -> None:
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a file system without flock: the age rule remains
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)


# --- leases: is another program holding the note open for writing? -------------------------------

_F_SETLEASE = getattr(fcntl, "F_SETLEASE", 1024)
_F_GETLEASE = getattr(fcntl, "F_GETLEASE", 1025)
_F_SETSIG = getattr(fcntl, "F_SETSIG", 10)
_F_RDLCK, _F_WRLCK, _F_UNLCK = 0, 1, 2
# The kernel signals a lease holder when another program opens the file; the default signal,
# SIGIO, would end this process. SIGURG is ignored unless a program asks for it.
_LEASE_SIGNAL = getattr(signal, "SIGURG", 0)

TAKEN, HELD, NO_LEASE = "taken", "held", "no-lease"


def _take_lease(fd: int, kind: int) -> str:
    """Try to take a lease on the open file `fd`: TAKEN; HELD when another program has the file
    open in a way that conflicts (for a read lease: open for writing; for a write lease: open at
    all); NO_LEASE where leases do not exist (not Linux, some file systems, a file we do not own
    without CAP_LEASE)."""
    if fcntl is None or not sys.platform.startswith("linux"):
        return NO_LEASE
    try:
        fcntl.fcntl(fd, _F_SETSIG, _LEASE_SIGNAL)
        fcntl.fcntl(fd, _F_SETLEASE, kind)
    except OSError as exc:
        return HELD if exc.errno in (errno.EAGAIN, errno.EBUSY) else NO_LEASE
    return TAKEN


def _lease_broken(fd: int, kind: int) -> bool:
    """While we hold a lease: has another program started to open the file since? (Its open
    waits for us; the lease now reports the type it is being broken to.)"""
    try:
        return fcntl.fcntl(fd, _F_GETLEASE) != kind
    except OSError:
        return True


def _release_lease(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, _F_SETLEASE, _F_UNLCK)


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
    can still see whether anything reached it late (see `_late_bytes`). `linked`: it has other
    names (hard links), so it is opened for writing and rewritten in place."""

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
    linked: bool = False

    def close(self) -> None:
        os.close(self.fd)


# How long `write_note` waits, by default, for another program to close a note it holds open
# for writing before giving up on it (`NoteHeldOpenError`).
HELD_WAIT = 1.0
# After a replace that another program's open raced (it now holds the replaced file), how long
# to wait for it to close that file, so that everything it writes there is put back.
LATE_WAIT = 10.0
# Without leases, how long to keep looking at the replaced file for a late write.
UNLEASED_LOOK = 0.05


def write_note(
    path: Path, transform: Callable[[str], str | None], *, retries: int = 5,
    held_wait: float = HELD_WAIT,
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

    A note another program holds open for writing is never replaced (Linux; see `_take_lease`):
    we wait up to `held_wait` seconds for it to be closed, then raise `NoteHeldOpenError` and
    leave it untouched. A hard-linked note is rewritten in place, so every name keeps the same
    text (see `_write_in_place`).

    With `notes_dir`, a note whose real path leaves that folder raises `OutsideVaultWriteError`
    and is not touched (DESIGN §6: confined to the vault).

    Raises `NotUtf8Error`, `ConflictMarkersError`, `SkippedFileError`, `ReadOnlyNoteError`,
    `ConcurrentEditError`, `NoteHeldOpenError`, `OutsideVaultWriteError` or `WriteError` (disk
    errors), each naming the file.
    """
    path = Path(path)
    # The real path is worked out once for the first try, checked, then opened (each later
    # try works it out and checks it again).
    real = os.path.realpath(path)
    refuse_outside(path, notes_dir, real)
    if is_skipped(path.name):
        raise SkippedFileError(f"{path}: a backup, swap or sync-conflict file; never written")
    writing = _Writing(path, transform, notes_dir)
    try:
        return writing.run(retries, held_wait, real)
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

# What one attempt at steps 5-7 came to.
MOVED = "moved"  # the note changed since we read it: nothing written
REPLACED = "replaced"  # replaced under a lease nobody broke: no late write can reach the old file
REPLACED_RACED = "replaced-raced"  # replaced, but a program began opening the old file meanwhile
REPLACED_UNLEASED = "replaced-unleased"  # replaced without a lease (none available here)
IN_PLACE = "in-place"  # a hard-linked note rewritten in place


class _Writing:
    """One `write_note` call: the §6 loop and the state it needs to never drop a save."""

    def __init__(self, path: Path, transform: Callable[[str], str | None],
                 notes_dir: Path | None = None) -> None:
        self.path = path
        self.transform = transform
        self.notes_dir = notes_dir
        self.target: _Target | None = None  # the file at the note's path, held open
        # Bytes the user saved into a file we had just replaced (see `_late_bytes`). They exist
        # nowhere else, so until they are back under the note's name they must not be dropped.
        self.stranded: bytes | None = None
        self.expected = b""  # while stranded: the bytes the note's path held when we last looked
        self.kept: list[Path] = []  # conflict copies we had to make

    def run(self, retries: int, held_wait: float, checked: str | None = None) -> bool:
        """The §6 loop. `checked`: the note's real path, just worked out and found inside
        the notes folder, for the first try."""
        wrote = False
        moves = recoveries = holds = 0
        held_since: float | None = None
        while True:
            if checked is not None:
                real, checked = checked, None
            else:
                # Checked again at each later try: the link may have been turned outside since.
                real = os.path.realpath(self.path)
                refuse_outside(self.path, self.notes_dir, real)
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
                if target.linked:
                    outcome = _write_in_place(self.path, real, target, new_data)
                else:
                    outcome = _replace(self.path, real, target, new_data)
                if outcome == IN_PLACE:
                    self.close()
                    self.stranded = None
                    return self._done(True)
                if outcome in (REPLACED, REPLACED_RACED, REPLACED_UNLEASED):
                    wrote = True
                    late = _late_bytes_after(target, outcome)
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
                if outcome == HELD:
                    # Another program has the note open for writing: wait for it to close it.
                    now = time.monotonic()
                    held_since = now if held_since is None else held_since
                    if now - held_since >= held_wait:
                        if self.stranded is not None:
                            self.keep_stranded()
                            raise self._conflict()
                        raise NoteHeldOpenError(
                            f"{self.path}: held open by another program; not written"
                        )
                    holds += 1
                    # Most programs hold a note for an instant (an append): look again soon.
                    time.sleep(min(0.0005 * 2 ** holds, 0.1, max(held_wait / 4, 0.0005)))
                    continue
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
    """Open and read the real file; None when it changed while we read it. A hard-linked file
    is opened for reading and writing (it will be rewritten in place), any other read-only."""
    linked = os.stat(real).st_nlink > 1
    try:
        # O_NONBLOCK: a FIFO put in the note's place opens at once (and is refused below).
        flags = (os.O_RDWR if linked else os.O_RDONLY) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(real, flags | getattr(os, "O_NONBLOCK", 0))
        except BlockingIOError:  # a regular file under another program's lease: wait for it
            fd = os.open(real, flags)
    except PermissionError:
        if linked:
            raise ReadOnlyNoteError(f"{path}: the note is read-only; left alone") from None
        raise
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
    ) != after.st_size or (after.st_nlink > 1) != linked:
        os.close(fd)
        return None
    return _Target(fd, after.st_dev, after.st_ino, after.st_size, after.st_mtime_ns,
                   after.st_mode, after.st_uid, after.st_gid, data, content_hash(data), linked)


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


def _replace(path: Path, real: str, target: _Target, new_data: bytes) -> str:
    """Steps 5-7 of §6: temp file, re-check, replace. MOVED or HELD, having written nothing, if
    the target moved since we read it or another program holds it open for writing; else one of
    the REPLACED outcomes, which say whether a late write may have reached the replaced file."""
    folder = os.path.dirname(real)
    fd, temp = _create_temp(folder, os.path.basename(real))
    temp_exists = True
    in_use = -1  # a read-only descriptor keeping the temp file's lock until it is the note
    lease = NO_LEASE
    try:
        try:
            _copy_owner_and_mode(fd, temp, target)
            _write_all(fd, new_data)
            _fault("before-fsync")
            os.fsync(fd)
            if fcntl is not None:  # (Windows cannot rename a file it holds open; no flock)
                # Read-only, so that closing it after the replace raises no "written" event.
                in_use = os.open(temp, os.O_RDONLY)
                _lock_shared(in_use)
        finally:
            os.close(fd)
        # Remembered before the replace: a watcher may see the change event before we return.
        recent_writes.remember(path, content_hash(new_data), real)
        _fault("before-replace")
        # A read lease: refused while another program has the note open for writing, and broken
        # (its open waits for us) if one opens it for writing while we hold it.
        lease = _take_lease(target.fd, _F_RDLCK)
        if lease == HELD:
            return HELD
        # The re-check and the replace sit back to back, with nothing slow between them. A save
        # that lands after the re-check but before the replace goes into the file we are about
        # to replace; without a lease no rename-based write can close that window (POSIX has
        # no compare-and-swap rename, and editors take no locks). `_late_bytes` catches it after.
        if not _unchanged(real, target):
            return MOVED
        if lease == TAKEN and _lease_broken(target.fd, _F_RDLCK):
            return HELD  # a program is opening it for writing right now: let it have it
        os.replace(temp, real)
        temp_exists = False
        if lease == NO_LEASE:
            outcome = REPLACED_UNLEASED
        else:
            # A program whose open reached the old file in the instant before the rename is
            # waiting on our lease, and will write into the replaced file once we let go.
            outcome = REPLACED_RACED if _lease_broken(target.fd, _F_RDLCK) else REPLACED
    finally:
        if lease == TAKEN:
            _release_lease(target.fd)
        if in_use >= 0:
            os.close(in_use)
        if temp_exists:
            _remove_quietly(temp)
    _fault("after-replace")
    _fsync_folder(folder)
    return outcome


def _write_in_place(path: Path, real: str, target: _Target, new_data: bytes) -> str:
    """A hard-linked note: write `new_data` into the file itself, so that every name it has
    shows the new text (a replace would leave the other names with the old one).

    The previous version is first kept beside it (`.<name>.vault-tools-<hex>.orig`, fsynced),
    so a crash in the middle of the write loses nothing; it is removed once the new bytes are
    on disk. The write happens under a write lease, which the kernel grants only while no other
    program has the file open at all: nobody can write to it, or read a half-written note,
    meanwhile. Returns IN_PLACE, or MOVED / HELD having changed nothing."""
    folder = os.path.dirname(real)
    fd, backup = _create_temp(folder, os.path.basename(real), suffix=BACKUP_SUFFIX)
    try:
        try:
            _write_all(fd, target.data)
            os.fsync(fd)
        finally:
            os.close(fd)
        _fsync_folder(folder)
    except BaseException:
        _remove_quietly(backup)
        raise
    keep_backup = False
    lease = _take_lease(target.fd, _F_WRLCK)
    try:
        if lease == HELD:
            return HELD
        if not _unchanged(real, target):
            return MOVED
        if lease == TAKEN and _lease_broken(target.fd, _F_WRLCK):
            return HELD
        recent_writes.remember(path, content_hash(new_data), real)
        _fault("before-replace")
        try:
            _pwrite_all(target.fd, new_data)
            _fault("in-place")
            os.ftruncate(target.fd, len(new_data))
            os.fsync(target.fd)
        except BaseException as exc:
            # Put the previous version back; if even that fails, the backup is all there is.
            try:
                _pwrite_all(target.fd, target.data)
                os.ftruncate(target.fd, len(target.data))
                os.fsync(target.fd)
            except OSError:
                keep_backup = True
                raise WriteError(
                    f"{path}: the write failed half-way ({exc}); the note's previous version "
                    f"is kept beside it as {os.path.basename(backup)}"
                ) from exc
            raise
    finally:
        if lease == TAKEN:
            _release_lease(target.fd)
        if not keep_backup:
            _remove_quietly(backup)
    _fsync_folder(folder)
    return IN_PLACE


def _pwrite_all(fd: int, data: bytes) -> None:
    """Write `data` at the start of the file."""
    if not hasattr(os, "pwrite"):  # Windows
        os.lseek(fd, 0, os.SEEK_SET)
        _write_all(fd, data)
        return
    view = memoryview(data)
    offset = 0
    while offset < len(data):
        offset += os.pwrite(fd, view[offset:], offset)


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


def _late_bytes_after(target: _Target, outcome: str) -> bytes | None:
    """`_late_bytes`, once no write through an old descriptor can still come, as far as this
    system lets us know.

    With leases: once nobody has the replaced file open for writing (we can take a read lease
    on it again), waiting at most LATE_WAIT seconds. That covers a program whose open raced the
    rename (REPLACED_RACED) and one whose open was still on its way into the kernel when we
    looked (an open takes write access before it waits on a lease, so the look after the
    folder fsync sees it). Without leases: after looking for UNLEASED_LOOK seconds.
    """
    if outcome == REPLACED_UNLEASED:
        deadline = time.monotonic() + UNLEASED_LOOK
        while (late := _late_bytes(target)) is None and time.monotonic() < deadline:
            time.sleep(0.005)
        return late
    deadline = time.monotonic() + LATE_WAIT
    pause = 0.001
    while (lease := _take_lease(target.fd, _F_RDLCK)) == HELD and time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    if lease == TAKEN:
        _release_lease(target.fd)
    return _late_bytes(target)


def _late_bytes(target: _Target) -> bytes | None:
    """After the replace: the replaced file's bytes if a save reached it after our re-check.

    A program that opened the note before our replace writes into the replaced file, which no
    longer has a name. We still hold it open, so we can see such a save and put it back.
    """
    now = os.fstat(target.fd)
    data = _read_all(target.fd)
    if (now.st_size, now.st_mtime_ns) == (target.size, target.mtime_ns) and (
        content_hash(data) == target.hash
    ):
        return None
    return data


NAME_MAX = 255  # bytes in one file name, on the file systems notes live on


def _rescue(path: Path, data: bytes) -> Path:
    """Keep bytes the user saved that are no longer under the note's name, as a conflict copy
    beside the note (named like a sync-conflict file, so the vault's skip rules leave it alone).
    A note name too long to take the suffix has its stem shortened: the copy is never dropped."""
    real = Path(os.path.realpath(path))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    for number in range(1, 1000):
        suffix = "" if number == 1 else f"-{number}"
        tail = f".sync-conflict-{stamp}-vault-tools{suffix}{real.suffix}"
        stem = _cut_utf8(real.stem, NAME_MAX - len(tail.encode("utf-8")))
        copy = real.with_name(f"{stem}{tail}")
        try:
            _link_new_file(copy, data)
        except FileExistsError:
            continue
        _fsync_folder(copy.parent)
        return copy
    raise WriteError(f"{path}: cannot keep the other version: too many conflict copies")


# --- write_notes_together: several notes, all or nothing -----------------------------------------


@dataclass(frozen=True)
class NoteWrite:
    """One note of a `write_notes_together`: its bytes as they were read (`old`), its new bytes,
    and for a note being renamed its new path (`move_to`: created, never over an existing file;
    the old name is removed last)."""

    path: Path
    old: bytes
    new: bytes
    move_to: Path | None = None


@dataclass
class _Slot:
    """One note while `write_notes_together` runs: the file as read, the temp file holding its
    new bytes, and what the commit did to it (so that a failure can undo it)."""

    write: NoteWrite
    real: str
    target: _Target
    symlink: bool = False  # the note (being moved) is a symlink: the link itself moves
    temp: str | None = None
    in_use: int = -1
    lease: str = NO_LEASE
    replaced: bool = False
    created: Path | None = None
    saved_meanwhile: Path | None = None  # a save that reached it after its replace, kept


def write_notes_together(
    writes: list[NoteWrite], *, notes_dir: Path | None = None, held_wait: float = HELD_WAIT,
) -> list[Path]:
    """Write every note of `writes`, and move the one with `move_to`, or change nothing.

    Each note is read and checked as `write_note` checks it (inside the notes folder, not a
    backup or sync-conflict copy, UTF-8, no conflict markers, writable, not hard-linked) and
    must still hold `old`; every new text goes to a temp file beside its note (permission bits
    copied, fsynced); every note is re-checked unchanged and not held open for writing; only
    then are they replaced, one by one (symlinked notes stay symlinks: their target is
    written), the renamed note's new name is created without ever replacing a file (a hard
    link of its temp file) and its old name removed last. If anything fails on the way, the
    notes already replaced get their original bytes back (and their mtime), the new name is
    removed and the error names the file and why, ending "no note was changed".

    A note changed since it was read raises `ConcurrentEditError` before anything is written
    (the caller plans again from the new text). Returns the conflict copies kept when a save
    reached a note in the instant of its replace (see `_late_bytes`): nothing is lost.
    """
    slots: list[_Slot] = []
    created_folders: list[Path] = []
    committed = False
    try:
        try:
            for write in writes:
                slots.append(_open_slot(write, notes_dir))
            for slot in slots:
                _prepare_slot(slot, created_folders)
            _recheck(slots, held_wait)
            _commit(slots)
        except BaseException as exc:
            _roll_back(slots)
            raise _undone(slots, exc) from exc
        committed = True
        # Each note's outcome is read while its lease is held; then every lease is let go
        # before any waiting for late writes, so no program opening one note waits on another.
        outcomes = [_outcome(slot) for slot in slots]
        for slot in slots:
            if slot.lease == TAKEN:
                _release_lease(slot.target.fd)
                slot.lease = NO_LEASE
        kept = []
        for slot, outcome in zip(slots, outcomes, strict=True):
            if slot.replaced or slot.write.move_to is not None:
                late = _late_bytes_after(slot.target, outcome)
                if late is not None:
                    kept.append(_rescue(slot.write.move_to or slot.write.path, late))
        return kept
    finally:
        for slot in slots:
            if slot.lease == TAKEN:
                _release_lease(slot.target.fd)
            if slot.in_use >= 0:
                os.close(slot.in_use)
            if slot.temp is not None:
                _remove_quietly(slot.temp)
            slot.target.close()
        if not committed:
            for folder in reversed(created_folders):  # made for the new name: empty again
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _open_slot(write: NoteWrite, notes_dir: Path | None) -> _Slot:
    path = Path(write.path)
    refuse_outside(path, notes_dir)
    if is_skipped(path.name):
        raise SkippedFileError(f"{path}: a backup, swap or sync-conflict file; never written; "
                               "no note was changed")
    if write.move_to is not None:
        refuse_outside(Path(write.move_to), notes_dir)
        if os.path.lexists(write.move_to) and not _same_file(write.move_to, path):
            raise NoteExistsError(errno.EEXIST, "a file with this name already exists; no "
                                  "note was changed", str(write.move_to))
    real = os.path.realpath(path)
    try:
        if not os.path.exists(real):
            raise ConcurrentEditError(f"{path}: no longer there; no note was changed")
        target = _open_target(path, real)
    except WriteError as exc:
        raise type(exc)(f"{exc}; no note was changed") from None
    except OSError as exc:
        raise WriteError(f"{path}: cannot be read: {exc.strerror or exc}; no note was changed"
                         ) from exc
    if target is None:
        raise ConcurrentEditError(f"{path}: changed while it was read; no note was changed")
    slot = _Slot(write, real, target, symlink=os.path.islink(path))
    try:
        if target.linked:
            raise WriteError(f"{path}: hard-linked (it has other names), which this command "
                             "does not write; no note was changed")
        if target.data != write.old:
            raise ConcurrentEditError(f"{path}: changed since it was read; no note was changed")
        try:
            _apply(path, target.data, lambda text: None)  # refuses non-UTF-8 and conflicts
        except WriteError as exc:
            raise type(exc)(f"{exc}; no note was changed") from None
        if write.new != write.old:
            write.new.decode("utf-8")  # (the caller's bytes: UTF-8, as every note)
    except BaseException:
        target.close()
        raise
    return slot


def _same_file(one: str | os.PathLike[str], other: str | os.PathLike[str]) -> bool:
    """Is `one` the very file `other` is (a case-only rename on a case-insensitive disk)?"""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _prepare_slot(slot: _Slot, created_folders: list[Path]) -> None:
    """Step 5 for one note: its new bytes in a temp file, where they will be linked or
    replaced into place."""
    write = slot.write
    if write.move_to is not None:
        created_folders += _make_folders(Path(write.move_to).parent)
    if write.new == write.old and (write.move_to is None or slot.symlink):
        return  # nothing to write: at most the symlink itself moves
    folder = (os.path.dirname(slot.real) if write.move_to is None or slot.symlink
              else str(Path(write.move_to).parent))
    fd, slot.temp = _create_temp(folder, os.path.basename(slot.real))
    try:
        _copy_owner_and_mode(fd, slot.temp, slot.target)
        _write_all(fd, write.new)
        _fault("before-fsync")
        os.fsync(fd)
        if fcntl is not None:
            slot.in_use = os.open(slot.temp, os.O_RDONLY)
            _lock_shared(slot.in_use)
    finally:
        os.close(fd)


def _recheck(slots: list[_Slot], held_wait: float) -> None:
    """Step 6 for every note at once: each still the file we read, none held open for writing
    by another program (waiting up to `held_wait` seconds for one to be closed). The read
    leases taken here are kept until the end, so a program opening a note for writing during
    the commit is seen (`_lease_broken`)."""
    started = time.monotonic()
    pause = 0.001
    while True:
        held = None
        for slot in slots:
            if slot.lease != TAKEN:
                slot.lease = _take_lease(slot.target.fd, _F_RDLCK)
            if slot.lease == HELD:
                held = slot
                break
        if held is None:
            break
        if time.monotonic() - started >= held_wait:
            raise NoteHeldOpenError(f"{held.write.path}: held open by another program; no note "
                                    "was changed")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    for slot in slots:
        if not _unchanged(slot.real, slot.target):
            raise ConcurrentEditError(f"{slot.write.path}: changed since it was read; no note "
                                      "was changed")


def _commit(slots: list[_Slot]) -> None:
    """Step 7 for every note: the replaces, then the new name, then the old name removed."""
    for slot in slots:
        if slot.temp is None or (slot.write.move_to is not None and not slot.symlink):
            continue
        _fault("before-replace")
        if slot.lease == TAKEN and _lease_broken(slot.target.fd, _F_RDLCK):
            raise NoteHeldOpenError(f"{slot.write.path}: another program opened it for writing")
        if not _unchanged(slot.real, slot.target):
            raise ConcurrentEditError(f"{slot.write.path}: changed while being written")
        recent_writes.remember(slot.write.path, content_hash(slot.write.new))
        os.replace(slot.temp, slot.real)
        slot.temp, slot.replaced = None, True
        _fault("after-replace")
    moving = [slot for slot in slots if slot.write.move_to is not None]
    for slot in moving:
        destination = Path(slot.write.move_to)  # type: ignore[arg-type]
        _fault("before-move")
        if slot.symlink:
            pointed = os.readlink(slot.write.path)
            if not os.path.isabs(pointed):
                pointed = os.path.relpath(slot.real, destination.parent)
            os.symlink(pointed, destination)  # fails rather than replaces
        else:
            assert slot.temp is not None
            recent_writes.remember(destination, content_hash(slot.write.new))
            if _same_file(destination, slot.write.path):
                # A case-only rename on a case-insensitive disk: the name is the note's own.
                os.replace(slot.temp, destination)
                slot.temp = None
                slot.created = destination
                continue
            os.link(slot.temp, destination)  # fails rather than replaces an existing file
        slot.created = destination
    for slot in moving:
        if slot.created is not None and _same_file(slot.created, slot.write.path) and \
                not slot.symlink:
            continue  # the same name in another case: nothing left to remove
        _fault("before-remove")
        if not slot.symlink and not _unchanged(slot.real, slot.target):
            raise ConcurrentEditError(f"{slot.write.path}: changed while being renamed")
        os.unlink(slot.write.path)
    folders = {os.path.dirname(slot.real) for slot in slots if slot.replaced}
    folders |= {os.path.dirname(os.path.abspath(slot.write.path)) for slot in moving}
    folders |= {str(Path(slot.write.move_to).parent) for slot in moving}  # type: ignore[arg-type]
    for folder in sorted(folders):
        _fsync_folder(folder)


def _roll_back(slots: list[_Slot]) -> None:
    """Undo what `_commit` did: the new name removed, each replaced note given its original
    bytes and mtime back. A note that cannot be put back keeps its original bytes in a
    conflict copy beside it, never lost."""
    for slot in reversed(slots):
        if slot.created is not None and not _same_file(slot.created, slot.write.path):
            current = None if slot.symlink else _read_quietly(str(slot.created))
            if current is not None and current != slot.write.new:
                try:  # saved under its new name meanwhile: kept before the name goes
                    slot.saved_meanwhile = _rescue(slot.created, current)
                except (OSError, WriteError):
                    slot.created = None
                    continue  # cannot keep it: the new name stays, save and all
            _remove_quietly(str(slot.created))
            slot.created = None
        if slot.replaced:
            # A save that reached the note after its replace is the user's newest text:
            # kept as a conflict copy before the original bytes go back under the name.
            current = _read_quietly(slot.real)
            if current is not None and current != slot.write.new:
                try:
                    slot.saved_meanwhile = _rescue(slot.write.path, current)
                except (OSError, WriteError):
                    # Cannot keep it: the save stays in place, the original in a copy.
                    with contextlib.suppress(OSError, WriteError):
                        _rescue(slot.write.path, slot.target.data)
                    continue
            try:
                fd, temp = _create_temp(os.path.dirname(slot.real),
                                        os.path.basename(slot.real))
                try:
                    _copy_owner_and_mode(fd, temp, slot.target)
                    _write_all(fd, slot.target.data)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(temp, slot.real)
                os.utime(slot.real, ns=(time.time_ns(), slot.target.mtime_ns))
                recent_writes.remember(slot.write.path, slot.target.hash)
                slot.replaced = False
            except OSError:
                _rescue(slot.write.path, slot.target.data)


def _read_quietly(path: str) -> bytes | None:
    """The bytes at `path` now, or None when they cannot be read."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _undone(slots: list[_Slot], exc: BaseException) -> BaseException:
    """The error to raise once a failed commit was undone: its own kind, saying so."""
    if not isinstance(exc, Exception):
        return exc  # KeyboardInterrupt and the like: as they were
    left = [str(slot.write.path) for slot in slots if slot.replaced]
    kept = [str(slot.saved_meanwhile) for slot in slots if slot.saved_meanwhile is not None]
    if isinstance(exc, OSError) and not isinstance(exc, WriteError):
        said = f"{exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc)
    else:
        said = str(exc)
    also = (f" (a save that reached a note while it was being written is kept beside it: "
            f"{', '.join(kept)})" if kept else "")
    if left:
        return WriteError(f"{said}; these notes could not be put back and keep their original "
                          f"text in a conflict copy beside them: {', '.join(left)}{also}")
    kind = type(exc) if isinstance(exc, WriteError) else WriteError
    message = said if "no note was changed" in said else f"{said}; no note was changed"
    if not isinstance(exc, WriteError):
        message = f"cannot write the notes: {message}"
    return kind(message + also)


def _outcome(slot: _Slot) -> str:
    if slot.lease != TAKEN:
        return REPLACED_UNLEASED
    return REPLACED_RACED if _lease_broken(slot.target.fd, _F_RDLCK) else REPLACED


# --- what interrupted writes left behind ----------------------------------------------------------

# A temp file younger than this is left alone whatever its lock says: it may have been created
# a moment ago by a writer that has not locked it yet, or be about to become its note.
STALE_TEMP_AGE = 10.0
# Where `flock` does not work, the lock cannot tell: only temp files this old are removed.
UNLOCKABLE_TEMP_AGE = 24 * 3600.0


@dataclass
class Leftovers:
    """What `remove_stale_temps` found: temp files removed, and previous versions of hard-linked
    notes kept by a write that was interrupted (never removed: they may be all that is left)."""

    removed: list[Path]
    backups: list[Path]


def remove_stale_temps(notes_dir: Path, *, now: float | None = None) -> Leftovers:
    """Remove the temp files of interrupted writes (`.<name>.vault-tools-<8 hex>.tmp`) in the
    notes folder and its sub-folders (not dot-folders, not through folder symlinks).

    Only regular files whose name matches the writer's own pattern exactly, at least
    STALE_TEMP_AGE seconds old, and not in use: a writer holds a lock on its temp file for its
    whole life, so one we can lock exclusively belongs to a process that is gone. Such a temp file
    is only a copy (the note is whole, old or new), so removing it loses nothing.
    """
    now = time.time() if now is None else now
    found = Leftovers([], [])
    for folder, dirs, files in os.walk(notes_dir):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            if not name.startswith("."):
                continue
            path = Path(folder, name)
            if BACKUP_PATTERN.fullmatch(name):
                found.backups.append(path)
            elif TEMP_PATTERN.fullmatch(name) and _is_stale(path, now):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
                    found.removed.append(path)
    return found


def _is_stale(path: Path, now: float) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    age = now - st.st_mtime
    if not stat.S_ISREG(st.st_mode) or age < STALE_TEMP_AGE:
        return False
    if fcntl is None:
        return age >= UNLOCKABLE_TEMP_AGE
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        # Locked: a writer is using it. Any other error: locks do not work here.
        return exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN) and age >= UNLOCKABLE_TEMP_AGE
    finally:
        os.close(fd)  # also drops our lock
    return True
