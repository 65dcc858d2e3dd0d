"""The fill manifest: a record that lets a `fill` with nothing to do finish without reading notes.

Blocks are a pure, clock-free function of the notes' bytes (§5). So when every note has the same
size, mtime_ns, inode and ctime_ns as right after the last complete fill, by the same code (every
module of the package, byte for byte, and the same YAML library), that fill's result still stands
and there is nothing to read, render or write. This is the trick `git status` plays with its index.
Anything unexpected (no manifest, other code, one note touched, a note added or removed) simply
means a full fill.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import stat
import sys
from pathlib import Path

import yaml

from . import __version__
from .vault import Vault, iter_note_paths

Stamps = dict[str, list[int]]


def cache_dir(vault: Vault) -> Path | None:
    """Where vault-tools keeps caches: `.cache/vault-tools/` beside mkdocs.yml (ignored by git
    through its own .gitignore). None for a bare notes folder: nothing is put among the notes."""
    if vault.config_file is None:
        return None
    return vault.root / ".cache" / "vault-tools"


def fingerprint(dashboard: str) -> str:
    """Identifies the code that renders blocks and the settings that shape them: a change to any
    module of the package, to PyYAML (which parses front matter) or to Python means a full fill."""
    digest = hashlib.sha256("\0".join((
        __version__, dashboard, sys.version, yaml.__version__, str(yaml.__with_libyaml__),
        _installed_code(),
    )).encode())
    return digest.hexdigest()


def code_digest(package: Path) -> str:
    """A hash of every `.py` file under `package`, by relative path and content.

    The whole package, not a list of the modules that render blocks: such a list goes stale
    when a module starts to matter (the one this replaced already missed the YAML loader).
    Package data is left out: templates and the starter vault are read only by `init` and
    `new`, site assets only by the site; none of them reaches a block. Contents, not mtimes:
    a reinstall touches every mtime without changing what fill computes.
    """
    paths: list[str] = []
    pending = [str(package)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    paths.append(entry.path)
    digest = hashlib.sha256()
    for path in sorted(paths):
        with open(path, "rb") as file:
            data = file.read()
        # Path and length first, so moving bytes between files or renaming one changes the hash.
        digest.update(f"{os.path.relpath(path, package)}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@functools.cache
def _installed_code() -> str:
    # Once per process: its code does not change while it runs (about 1.4 ms for the whole package).
    return code_digest(Path(__file__).parent)


def note_stamps(vault: Vault) -> Stamps:
    """(size, mtime_ns, inode, ctime_ns) of every note, by path.

    The change time too: a restore or a sync that rewrites a note in place at its old size and
    then sets its old mtime back (`cp -p`, `rsync -t`, `touch -d`) leaves the first three as
    they were, but no program can set the inode's change time, which any write moves. (A
    change time moved by a `chmod` or a new hard link alone just costs one full fill.)"""
    stamps: Stamps = {}
    notes_dir = str(vault.notes_dir)  # joined as strings: a Path per note costs more than its stat
    for rel in iter_note_paths(vault.notes_dir):
        try:
            st = os.stat(os.path.join(notes_dir, rel))
        except OSError:
            continue  # gone since the walk: it will not match the record either way
        stamps[rel] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
    return stamps


def is_current(vault: Vault, dashboard: str, stamps: Stamps) -> bool:
    """True when the record of the last complete fill matches these stamps exactly."""
    folder = cache_dir(vault)
    if folder is None:
        return False
    try:
        record = json.loads(read_plain_file(folder / "fill.json").decode("utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(record, dict) and record.get("fingerprint") == fingerprint(dashboard)
            and record.get("notes") == stamps)


def read_plain_file(path: Path) -> bytes:
    """The bytes of the regular file at `path`, a cache's record; OSError for anything else
    planted at that name: a link (never read through: one to /dev/zero reads forever), a named
    pipe (reading waits for a writer that never comes: opened without waiting, then refused),
    a folder, a device."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(exc.errno, "a link, not a file") from None
        raise
    with open(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a file")
        return file.read()


def record(vault: Vault, dashboard: str, stamps: Stamps) -> None:
    """Remember that the notes with these stamps are completely filled. Best effort: a vault
    where the cache cannot be written just gets full fills."""
    folder = cache_dir(vault)
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not os.path.lexists(ignore):  # (a link, even to nothing, is not followed)
            ignore.write_text("# vault-tools caches: derived, never committed\n*\n",
                              encoding="utf-8")
        temp = folder / f".fill.json.{os.getpid()}.tmp"
        temp.unlink(missing_ok=True)
        with open(temp, "x", encoding="utf-8") as file:  # never through a planted link
            file.write(json.dumps({"fingerprint": fingerprint(dashboard), "notes": stamps}))
        os.replace(temp, folder / "fill.json")
    except OSError:
        return


def forget(vault: Vault) -> None:
    """Drop the record (after a fill that could not finish its work)."""
    folder = cache_dir(vault)
    if folder is None:
        return
    try:
        (folder / "fill.json").unlink()
    except OSError:
        return
