"""Finding a vault on disk, walking its notes, and loading them into an index.

This is the only place that reads notes from disk; everything after it works on `Note` values.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
import pickle
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

import yaml

from . import aside
from .index import VaultIndex
from .note_texts import NoteTexts
from .notes import Diagnostic, Link, Note
from .parse import decode_note, lenient_text, parse_note, unreadable_note
from .settings import Settings, SettingsError, settings_from_options

CONFIG_NAME = "mkdocs.yml"
# Folders of the notes folder that hold no notes: note templates (MkDocs leaves `templates/` out
# too). Matched in any case: Obsidian's own vaults name it `Templates/`.
RESERVED_FOLDERS = ("templates",)


def templates_folders(notes_dir: Path) -> list[Path]:
    """The vault's note-template folders: each top-level folder of `RESERVED_FOLDERS` in any
    case (`templates/`, `Templates/`), lower case first, then in name order."""
    try:
        found = [p for p in notes_dir.iterdir() if in_reserved_folder(p.name + "/") and p.is_dir()]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.name != p.name.lower(), p.name))


def in_reserved_folder(rel_path: str) -> bool:
    """True for a path inside a top-level folder of `RESERVED_FOLDERS`, in any case
    (`Templates/contact.md`, `TEMPLATES/x.png`): never a note, never published."""
    top, slash, _ = rel_path.partition("/")
    return bool(slash) and top.lower() in RESERVED_FOLDERS


class VaultError(Exception):
    """The vault cannot be used at all (no notes folder, unreadable config)."""


@dataclass(frozen=True)
class Vault:
    """Where a vault lives. `root` holds mkdocs.yml (when there is one); `notes_dir` the notes."""

    root: Path
    notes_dir: Path
    config_file: Path | None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        """The settings the rules read (`nudge_days`), from the plugin's options.
        SettingsError for a bad value (`find_vault` has refused one already)."""
        return settings_from_options(self.options)

    def rel(self, path: Path) -> str:
        """A path relative to the notes folder, with forward slashes (how notes are named)."""
        return path.relative_to(self.notes_dir).as_posix()

    def abs(self, rel_path: str) -> Path:
        return self.notes_dir / rel_path


class Untagged:
    """A value mkdocs.yml gives through a tag (`!ENV`, `!!python/...`), never run here. Falsy,
    so a setting given this way reads as absent where a default is harmless (`docs_dir`,
    `site_url`); but not None, so an option that must be a value (`nudge_days`) is refused
    rather than silently taking its default while the site, where MkDocs resolves `!ENV`,
    uses another."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"a tag ({self.tag})"


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running anything: unknown tags (!ENV, !!python/name) become
    `Untagged`."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Untagged:
    return Untagged(node.tag)


_ConfigLoader.add_multi_constructor("", _untagged)
_ConfigLoader.add_multi_constructor("!", _untagged)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _untagged)


def read_config(config_file: Path) -> dict[str, Any]:
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise VaultError(f"{config_file}: cannot read the vault's configuration: {exc}") from None
    return data if isinstance(data, dict) else {}


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """The `vault` plugin's options from an mkdocs config (empty when it is not listed)."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "vault" in entry:
            return entry["vault"] or {}
    return {}


def find_vault(path: str | Path | None = None, cwd: Path | None = None) -> Vault:
    """Locate the vault: `path` (a folder with mkdocs.yml, or a bare notes folder), else walk up."""
    if path is not None:
        start = Path(path).expanduser().resolve()
        if not start.is_dir():
            raise VaultError(f"{path}: no such folder")
        if (start / CONFIG_NAME).is_file():
            return _from_config(start / CONFIG_NAME)
        return Vault(root=start, notes_dir=start, config_file=None)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return _from_config(folder / CONFIG_NAME)
    raise VaultError(
        f"no vault here: no {CONFIG_NAME} in {here} or above; run `vault-tools init DIR` "
        "to create one, or pass --vault PATH"
    )


def _from_config(config_file: Path) -> Vault:
    config = read_config(config_file)
    root = config_file.parent
    notes_dir = (root / str(config.get("docs_dir") or "docs")).resolve()
    if not notes_dir.is_dir():
        raise VaultError(f"{config_file}: its docs_dir {notes_dir} is not a folder")
    vault = Vault(root=root, notes_dir=notes_dir, config_file=config_file,
                  options=plugin_options(config))
    try:
        vault.settings  # noqa: B018 -- refused here, before any command reads or writes a note
    except SettingsError as exc:
        raise VaultError(f"{config_file}: the vault plugin's {exc}") from None
    return vault


_SKIP_FILE_PATTERNS = ("*~", ".*.swp", ".*.swo", ".*.swx", "#*#", "*.sync-conflict-*", ".#*")
# The same patterns as one regular expression: one match per file name instead of seven
# fnmatch calls (fnmatchcase is exactly a match of the pattern's translation).
_SKIP_FILE_RE = re.compile("|".join(fnmatch.translate(p) for p in _SKIP_FILE_PATTERNS))


def is_skipped(rel_path: str) -> bool:
    """True for files §6.4 says to leave alone: dot-folders, editor backups, sync conflicts."""
    parts = rel_path.split("/")
    if any(part.startswith(".") for part in parts[:-1]):
        return True
    if in_reserved_folder(rel_path):
        return True
    name = parts[-1]
    return _SKIP_FILE_RE.match(name) is not None


def is_note_path(rel_path: str) -> bool:
    """True for a path the index holds: a `.md` file not skipped by §6.4."""
    return rel_path.lower().endswith(".md") and not is_skipped(rel_path)


class OutsideVaultError(OSError):
    """A file whose real path leaves the notes folder: it is never read, written or published."""

    strerror: str  # always made with (errno, message, path): the message is what users see


def _within(real_root: str, real_path: str) -> bool:
    return real_path == real_root or real_path.startswith(os.path.join(real_root, ""))


def inside_notes(notes_dir: str | os.PathLike[str], path: str | os.PathLike[str], *,
                 resolved: bool = False) -> bool:
    """True when `path`, every symlink resolved, is the notes folder or lies inside it.

    The one rule of confinement (DESIGN §6, §7): the reader, the writer and the site all ask
    it, so a symlink that leads out of the vault (`x.md -> ~/.bashrc`) is never read, written
    or published, while symlinks inside the vault keep working. `resolved`: `path` is what
    `os.path.realpath` just gave (the writer's, which it opens next), not resolved again.
    """
    real = os.fspath(path) if resolved else os.path.realpath(path)
    return _within(os.path.realpath(notes_dir), real)


def outside_message(notes_dir: str | os.PathLike[str], rel_path: str) -> str:
    """What the `outside-vault` diagnostic says about `rel_path`."""
    target = os.path.realpath(os.path.join(notes_dir, rel_path))
    return f"the link leaves the vault (to {target}): never read, written or published"


def loop_message(rel_path: str) -> str:
    """Why the site is not built while the folder symlink `rel_path` makes a loop."""
    return (f"{rel_path}: a folder symlink leading back to a folder it is in; MkDocs would "
            "walk it without end, so the site is not built: remove the link")


@dataclass
class NotesScan:
    """What a walk of the notes folder found. `notes`: every note path inside the vault, sorted;
    `outside`: files and folders whose real path leaves the notes folder (never entered or
    read); `loops`: folder symlinks leading back to a folder they are inside (never entered)."""

    notes: list[str]
    outside: list[str]
    loops: list[str]

    def problems(self, notes_dir: Path) -> list[Diagnostic]:
        """The diagnostics of what the walk left alone, in path order."""
        found = [Diagnostic(rel, None, "warning", "outside-vault", outside_message(notes_dir, rel))
                 for rel in self.outside]
        found += [Diagnostic(rel, None, "error", "symlink-loop",
                             "a folder symlink leading back to a folder it is in: its notes are "
                             "read once, but the site cannot be built while it is there")
                  for rel in self.loops]
        return sorted(found, key=lambda d: d.path)


def scan_notes(notes_dir: Path) -> NotesScan:
    """Walk the notes folder, following folder symlinks that stay inside it (each real folder
    once, so no loop can hang it), in name order. Dot-folders are not entered.

    Only symlinks cost a `realpath`: a plain entry of a folder inside the vault is inside too.
    """
    root = os.path.realpath(notes_dir)
    seen = {root}
    notes: list[str] = []
    outside: list[str] = []
    loops: list[str] = []
    # (folder as reached, its path relative to the notes folder, its real path, the real
    # paths of the folders it was reached through)
    stack = [(str(notes_dir), "", root, frozenset((root,)))]
    while stack:
        folder, prefix, real_folder, chain = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # gone or unreadable meanwhile: nothing in it to index
        folders = []
        for entry in entries:
            rel = prefix + entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()  # follows a symlink
            except OSError:
                continue
            if is_dir:
                if entry.name.startswith("."):
                    continue
                real = os.path.realpath(entry.path) if is_link else os.path.join(
                    real_folder, entry.name)
                if real in chain:
                    loops.append(rel)
                elif not _within(root, real):
                    outside.append(rel)
                elif real not in seen:
                    seen.add(real)
                    folders.append((entry.path, rel + "/", real, chain | {real}))
            elif is_link and not _within(root, os.path.realpath(entry.path)):
                if not is_skipped(rel):
                    outside.append(rel)
            elif is_note_path(rel):
                notes.append(rel)
        stack.extend(reversed(folders))  # depth first, in name order
    return NotesScan(sorted(notes), sorted(outside), sorted(loops))


def iter_note_paths(notes_dir: Path) -> Iterator[str]:
    """Relative paths of every note inside the vault, sorted (see `scan_notes`)."""
    yield from scan_notes(notes_dir).notes


def attachment_paths(notes_dir: Path) -> list[str]:
    """Relative paths of the files beside the notes that links may name (images, PDFs): every
    file that is not a note, outside dot-folders and skipped files. Sorted."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(notes_dir, followlinks=True):
        stat = os.stat(folder)
        if (stat.st_dev, stat.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        # Never into a folder whose link leaves the vault (it could be the whole disk).
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (
            os.path.islink(os.path.join(folder, d))
            and not inside_notes(notes_dir, os.path.join(folder, d)))]
        rel_folder = os.path.relpath(folder, notes_dir).replace(os.sep, "/")
        prefix = "" if rel_folder == "." else rel_folder + "/"
        # The templates folder holds no notes, but its files are files Obsidian links reach
        # (a base embedded from every daily note, an image a template shows).
        found += (prefix + name for name in files
                  if not name.lower().endswith(".md") and _SKIP_FILE_RE.match(name) is None)
    return sorted(found)


READ_BATCH = 64  # files read before they are parsed (see read_notes)


class NoteReader(Protocol):
    """What makes a Note (and its text, None if unreadable) of a note's path and what
    `read_file` gave for it, with or without the links' sentences (`note_from_data`).
    `digest`: the bytes' `writer.content_hash` when the caller has it already, else None."""

    def __call__(self, rel_path: str, data: bytes | OSError, contexts: bool = True, *,
                 digest: str | None = None) -> tuple[Note, str | None]: ...


# The largest note read (bytes, 2 MiB). A note is one person, company or conversation: the
# largest real ones are tens of kilobytes. Above this a note is reported `too-large` and
# never read, written or published, so one pasted log or export cannot take the time and
# memory of every command (a 50 MB note made fill peak at 1 GB). docs/notes.md states it.
MAX_NOTE_BYTES = 2 * 1024 * 1024


class NoteTooLargeError(OSError):
    """The note is larger than MAX_NOTE_BYTES; `size` is how large it was found to be.

    An OSError, so every reader that leaves an unreadable file alone leaves this one too."""

    strerror: str  # set in __init__: the message the too-large diagnostic shows

    def __init__(self, size: int, head: bytes = b"") -> None:
        super().__init__(f"the note is {size:,} bytes, more than the {MAX_NOTE_BYTES:,} "
                         "(2 MiB) a note may hold; it is not read, filled or published "
                         "until it is made smaller (split it, or move the bulk to an attachment)")
        self.size = size
        self.strerror = str(self.args[0])
        # The note's first bytes (its front matter, at most): enough to tell it is private.
        self.head = head


def too_large(path_or_size: int | str | os.PathLike[str]) -> bool:
    """True when a note of this size (or the file at this path) is above MAX_NOTE_BYTES.
    A file that cannot be stat'ed is not too large: reading it will say what is wrong."""
    if isinstance(path_or_size, int):
        return path_or_size > MAX_NOTE_BYTES
    try:
        return os.stat(path_or_size).st_size > MAX_NOTE_BYTES
    except OSError:
        return False


def read_bounded(path: str | os.PathLike[str]) -> bytes:
    """A note file's bytes; NoteTooLargeError, having read at most MAX_NOTE_BYTES + 1 of them,
    when it is too large (the size is checked before reading, and again by the read itself,
    for a file that grows in between)."""
    with open(path, "rb") as file:
        return _read_bounded(file.fileno(), os.fstat(file.fileno()).st_size)


# What is read of a note too large to read whole: room for any front matter YAML accepts
# (256 Ki characters), so its privacy is still known; a front matter cut short there is read
# by its raw lines, as any YAML refused is.
_HEAD_BYTES = 512 * 1024


def _read_bounded(fd: int, size: int) -> bytes:
    """The bytes of the open file `fd`, whose size was found to be `size`; NoteTooLargeError
    as `read_bounded` says. Read with os.read: a file object (its buffer and raw layer) cost
    more than the reads of a note."""
    if size > MAX_NOTE_BYTES:
        raise NoteTooLargeError(size, _read_up_to(fd, _HEAD_BYTES))
    # Asking for the size found (plus one, to see growth) keeps the buffer small.
    data = _read_up_to(fd, size + 1)
    if len(data) > size:  # grown since the stat: read on, still bounded
        data += _read_up_to(fd, MAX_NOTE_BYTES + 1 - len(data))
    if len(data) > MAX_NOTE_BYTES:
        raise NoteTooLargeError(len(data), data[:_HEAD_BYTES])
    return data


def _read_up_to(fd: int, count: int) -> bytes:
    """Up to `count` bytes from `fd`, fewer only at the end of the file (as a file object's
    read(count) gives them: a read may return less than asked before the end)."""
    chunks = []
    while count > 0:
        chunk = os.read(fd, count)
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def too_large_diagnostic(rel_path: str, error: NoteTooLargeError) -> Diagnostic:
    return Diagnostic(rel_path, None, "error", "too-large", error.strerror)


def read_note(vault: Vault, rel_path: str) -> tuple[Note, str | None]:
    """Read and parse one note; the text is None when the file could not be read as UTF-8.

    A note that cannot be read becomes a Note with a diagnostic, never an exception.
    """
    return note_from_data(rel_path, read_file(vault, rel_path))


def read_notes(
    vault: Vault, rel_paths: Iterable[str], *, walked: bool = False, contexts: bool = True,
    parse: NoteReader | None = None, aside_ok: bool = False,
    keep: Callable[[Note, str], Any] | None = None, texts: bool = True,
) -> Iterator[tuple[Note, Any]]:
    """`read_note` for each path in turn, the files read a batch at a time (`walked`: the
    paths come from `scan_notes`; see `read_file`; `contexts`: see `parse_note`; `parse`:
    what makes a Note of a file's bytes, `note_from_data` unless given).

    `aside_ok`: this process may fork (`aside.available`): with the plain parse, the last
    part of many paths is read and parsed by a second process meanwhile (`_read_split`): the
    same notes, given in the order they are parsed (not the paths'). What is given with each
    readable note: its text, or `keep(note, text)` (a pure function, then worked out in the
    process that parsed the note: what a caller keeps of the texts is sent back, not the
    texts), or None if not `texts`; None with a note that could not be read.

    A parse that directly follows its file's read runs about 10% slower here than one that
    follows other parses (0.75 s against 0.69 s for 5,000 notes, the reads included): the
    system calls leave the processor's caches cold. Reading READ_BATCH files, then parsing
    them, keeps most parses warm while holding only a batch of files in memory.
    """
    if aside_ok and parse is None and aside.available():
        paths = list(rel_paths)
        if len(paths) >= SPLIT_AT:
            yield from _read_split(vault, paths, walked, contexts, keep, texts)
            return
        rel_paths = paths
    yield from _kept(_read_each(vault, rel_paths, walked, contexts, parse or note_from_data),
                     keep, texts)


def _kept(read: Iterable[tuple[Note, str | None]], keep: Callable[[Note, str], Any] | None,
          texts: bool) -> Iterator[tuple[Note, Any]]:
    """Each note `read` and what `read_notes` gives with it (see `keep`, `texts` there)."""
    if keep is None and texts:
        yield from read
        return
    for note, text in read:
        yield note, (keep(note, text) if keep is not None and text is not None and texts
                     else None)


def _read_each(vault: Vault, rel_paths: Iterable[str], walked: bool, contexts: bool,
               parse: NoteReader) -> Iterator[tuple[Note, str | None]]:
    """`read_notes`' work, the files read a batch at a time, the notes given one at a time
    (each text let go of before the next is parsed: a batch of texts held at once made the
    peak of a 5,000-note fill ~7 MB higher)."""
    paths = iter(rel_paths)
    while batch := [(rel, read_file(vault, rel, walked=walked))
                    for rel in islice(paths, READ_BATCH)]:
        for rel, data in batch:
            yield parse(rel, data, contexts)


def _read_batches(vault: Vault, rel_paths: Iterable[str], walked: bool, contexts: bool,
                  keep: Callable[[Note, str], Any] | None, texts: bool
                  ) -> Iterator[list[tuple[Note, Any]]]:
    """`read_notes` with the plain parse, a list for each batch of READ_BATCH notes (to be
    pickled whole)."""
    paths = iter(rel_paths)
    while batch := [(rel, read_file(vault, rel, walked=walked))
                    for rel in islice(paths, READ_BATCH)]:
        notes = list(_kept((note_from_data(rel, data, contexts) for rel, data in batch),
                           keep, texts))
        for note, _ in notes:
            if note.meta and _holds_set(note.meta):
                # Unpickled, a set is built again in another order than the parser's: the
                # note would pickle to other bytes there (`reach.parse_digest`, what a fill
                # records of it). This process stops; the first reads this batch on.
                raise ValueError(f"{note.path}: a set in the front matter")
        yield notes


def _holds_set(value: object) -> bool:
    """Whether a front matter's value holds a set (`!!set`), at any depth (walked without
    recursion: front matter nests at most `frontmatter_yaml.MAX_DEPTH` deep)."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif kind is set or kind is frozenset:
            return True
    return False


# A second process reads notes only for this many or more: below, its fork and the notes sent
# back cost about what it saves.
SPLIT_AT = 512
# The share of the notes it reads, the last ones: it also pickles what it parsed, and this
# process unpickles it, so it takes a little less than half.
SPLIT_SHARE = 0.45


def _read_split(vault: Vault, paths: list[str], walked: bool, contexts: bool,
                keep: Callable[[Note, str], Any] | None, texts: bool
                ) -> Iterator[tuple[Note, Any]]:
    """`read_notes` of `paths` with the plain parse, the last SPLIT_SHARE of them read and
    parsed by a process forked now (`aside.Ahead`), each batch pickled back as it is parsed
    while this process reads the first ones. Given as they come: after each batch of this
    process's, those that arrived meanwhile (so neither the pipe nor this process holds many),
    then the rest. The second process changes nothing: stopped, failing or never forked,
    what it did not send is read here."""
    cut = len(paths) - int(len(paths) * SPLIT_SHARE)
    mine, theirs = paths[:cut], paths[cut:]
    ahead: aside.Ahead[list[tuple[Note, Any]]] | None = None
    taken = 0
    try:
        with contextlib.suppress(OSError):  # (no process to be had: all read here)
            ahead = aside.Ahead(partial(_read_batches, vault, theirs, walked, contexts, keep,
                                        texts), pickler=_NotesPickler)
        for done, read in enumerate(_kept(_read_each(vault, mine, walked, contexts,
                                                     note_from_data), keep, texts)):
            yield read
            if done % READ_BATCH or ahead is None:
                continue
            for arrived in ahead.arrived():
                taken += len(arrived)
                yield from arrived
        for arrived in ahead.rest() if ahead is not None else ():
            taken += len(arrived)
            yield from arrived
    finally:
        if ahead is not None:
            ahead.kill()
    yield from _kept(_read_each(vault, islice(theirs, taken, None), walked, contexts,
                                note_from_data), keep, texts)


class _NotesPickler(pickle.Pickler):
    """Pickles parsed notes so that what the parser keeps once (`sys.intern`: the links'
    targets, labels and headings, which a vault repeats thousands of times) is kept once
    again where they are unpickled, not once for each batch sent (~1.7 MB more at 5,000
    notes otherwise, of a fill's ~97 MB)."""

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is Link:
            return _link_again, tuple(obj)
        return NotImplemented


def _link_again(target: str, line: int, col: int, heading: str | None, label: str | None,
                *rest: object) -> Link:
    """A `Link` as `_NotesPickler` sent it: its names interned again, as the parser has them."""
    return _new_tuple(Link, (_intern(target), line, col, heading and _intern(heading),
                             label and _intern(label), *rest))


_new_tuple = tuple.__new__
_intern = sys.intern


# Opening with O_NOFOLLOW fails on a symlink: a walked note that is not one needs no `realpath`.
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
# O_NONBLOCK: a FIFO named like a note (`mkfifo x.md`) opens at once instead of waiting forever
# for a writer; it is then refused as no regular file. (No effect on regular files.)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | _NONBLOCK


def _open_to_read(path: str, flags: int) -> int:
    """`os.open`, which a FIFO does not keep waiting (O_NONBLOCK); a regular file whose open
    would wait (another program's lease being broken) is opened again, waiting, as usual."""
    try:
        return os.open(path, flags)
    except BlockingIOError:
        return os.open(path, flags & ~_NONBLOCK)


def read_file(vault: Vault, rel_path: str, *, walked: bool = False) -> bytes | OSError:
    """A note file's bytes, or the error that kept them from being read: `OutsideVaultError`
    (the file is never opened) when its real path leaves the notes folder, `NoteTooLargeError`
    (having read at most MAX_NOTE_BYTES + 1 bytes) for a note above MAX_NOTE_BYTES.

    `walked`: the path comes from `scan_notes`, whose folders are known to be inside, so only
    a note that is itself a symlink (perhaps since the walk) needs its real path checked.
    """
    # os-level calls on a str path, not Path.read_bytes: the Path object and its methods
    # cost more than the read itself (~0.06 s over 5,000 notes).
    path = os.path.join(vault.notes_dir, rel_path)
    try:
        fd = None
        if walked and _NO_FOLLOW:
            try:
                fd = _open_to_read(path, _READ | _NO_FOLLOW)
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.EMLINK):  # EMLINK: FreeBSD's ELOOP
                    raise
        if fd is None:
            if not inside_notes(vault.notes_dir, path):
                return OutsideVaultError(errno.EXDEV, outside_message(vault.notes_dir, rel_path),
                                         path)
            fd = _open_to_read(path, _READ)
        try:
            found = os.fstat(fd)
            if not stat.S_ISREG(found.st_mode):
                return OSError(errno.EINVAL, "not a regular file (a pipe or a device)", path)
            return _read_bounded(fd, found.st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        return exc


def lenient_note_text(vault: Vault, rel_path: str) -> str | None:
    """The text of a note that is no UTF-8 text (Latin-1, UTF-16, or too large: its first
    512 KB), read as `parse.unreadable_note` reads it to tell whether it is private; None if
    the file cannot be read, or leads out of the notes folder (never opened then)."""
    data = read_file(vault, rel_path)
    if isinstance(data, NoteTooLargeError):
        data = data.head
    elif isinstance(data, OSError):
        return None
    return lenient_text(data)


def note_from_data(
    rel_path: str, data: bytes | OSError, contexts: bool = True, *, digest: str | None = None
) -> tuple[Note, str | None]:
    """Decode and parse what `read_file` returned; the text is None when the note is not
    readable text (the Note then carries the diagnostic). `contexts`: see `parse_note`.
    (`digest`: a `NoteReader`'s, of no use here.)"""
    if isinstance(data, NoteTooLargeError):
        return unreadable_note(rel_path, too_large_diagnostic(rel_path, data), data.head), None
    if isinstance(data, OutsideVaultError):
        return outside_note(rel_path, data.strerror), None
    if isinstance(data, OSError):
        return unreadable_note(rel_path, Diagnostic(
            rel_path, None, "error", "not-utf8", f"cannot read the file: {data.strerror}"
        )), None
    text, problem = decode_note(rel_path, data)
    if text is None:
        assert problem is not None
        return unreadable_note(rel_path, problem, data), None
    return parse_note(rel_path, text, contexts=contexts), text


def outside_note(rel_path: str, message: str) -> Note:
    """What `read_note` makes of a path whose link leaves the vault: a placeholder carrying the
    `outside-vault` diagnostic, never read and never written. (A whole walk leaves such paths
    out of the index instead; see `load_index_and_texts`.)"""
    return unreadable_note(rel_path, Diagnostic(rel_path, None, "warning", "outside-vault",
                                                message))


def load_index(vault: Vault, *, contexts: bool = True, aside_ok: bool = False) -> VaultIndex:
    """Gather every note, then link them (gather-then-link: no result depends on file order).
    `contexts=False` for a caller that renders no block (see `parse_note`); `aside_ok`: see
    `read_notes`."""
    return load_index_seeing(vault, None, contexts=contexts, aside_ok=aside_ok)


def load_index_and_texts(
    vault: Vault, keep_texts: bool = True, contexts: bool = True,
    parse: NoteReader | None = None,
) -> tuple[VaultIndex, NoteTexts]:
    """The index plus each readable note's text, read once (fill compares blocks without
    reading the files a second time), held as UTF-8 (`NoteTexts`).

    What the walk left out, files and folders whose link leaves the vault and symlink loops,
    are the index's `vault_problems`: nothing of them is read, so nothing of them (not even
    that a note of that name exists) reaches a block or the site.

    Loading a whole vault is where the garbage collector's passes cost most: commands call it
    inside `gcpolicy.paused()` (or one of its variants).
    """
    texts = NoteTexts()

    def keep(note: Note, text: str) -> None:
        texts[note.path] = text

    index = load_index_seeing(vault, keep if keep_texts else None, contexts=contexts,
                              parse=parse)
    return index, texts


def load_index_seeing(
    vault: Vault, see: Callable[[Note, Any], None] | None, *, contexts: bool = True,
    parse: NoteReader | None = None, aside_ok: bool = False,
    keep: Callable[[Note, str], Any] | None = None,
) -> VaultIndex:
    """`load_index`, handing each readable note and its text (or `keep(note, text)`) to `see`
    as it is parsed, for a caller that keeps something of the texts (less than all of them)
    without reading the files twice. `parse`, `aside_ok`, `keep`: see `read_notes` (with
    `aside_ok`, the notes reach `see` in no set order)."""
    notes = []
    scan = scan_notes(vault.notes_dir)
    for note, kept in read_notes(vault, scan.notes, walked=True, contexts=contexts,
                                 parse=parse, aside_ok=aside_ok, keep=keep,
                                 texts=see is not None):
        notes.append(note)
        if see is not None and kept is not None:
            see(note, kept)
    if aside_ok:  # (the walk's order again: two runs of it, interleaved)
        notes.sort(key=_path_of)
    return _index_of(vault, notes, scan.problems(vault.notes_dir))


_path_of = attrgetter("path")


@dataclass(frozen=True)
class NotesRead:
    """Every note of a vault as one walk read them (`scan_notes`, then each note whole): the
    Notes in the walk's order, the text of each readable one, what the walk left out, and the
    `writer.content_hash` of texts' UTF-8 bytes, by path, where known (for a caller that
    digests them: the same hash, not worked out again)."""

    notes: list[Note]
    texts: NoteTexts
    problems: list[Diagnostic]
    digests: dict[str, str] = field(default_factory=dict)

    def index_and_texts(self, vault: Vault) -> tuple[VaultIndex, NoteTexts]:
        """What `load_index_and_texts` gives for the vault as it was read (its texts, the very
        `texts`: handed on once)."""
        return _index_of(vault, self.notes, self.problems), self.texts


def _index_of(vault: Vault, notes: list[Note], problems: list[Diagnostic]) -> VaultIndex:
    # Listed only if a link names an attachment: most checks never walk the folder twice.
    # Given before the notes are linked: `[[notes.txt]]` is a file only when it exists.
    return VaultIndex(notes, problems, attachments=lambda: attachment_paths(vault.notes_dir),
                      settings=vault.settings)
