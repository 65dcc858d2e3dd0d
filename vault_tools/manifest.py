"""The fill manifest: a record that lets a `fill` with nothing to do finish without reading notes.

Blocks are a pure, clock-free function of the notes' bytes (§5). So when every note has the same
size, mtime_ns, inode and ctime_ns as right after the last complete fill, by the same code (every
module of the package, byte for byte, and the same YAML library), that fill's result still stands
and there is nothing to read, render or write. This is the trick `git status` plays with its index.
Anything unexpected (no manifest, other code, a note added or removed) simply means a full fill.
When only some notes were edited since, the record also says what each note linked to then and
which notes there were under what names (`Earlier`): `fill` then plans only the notes those edits
can reach (`refresh.reach_of_edits`).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .vault import Vault, iter_note_paths

# Each note's stamp (`note_stamps`) as one string of four numbers: only ever compared whole, and
# at 20,000 notes a list of four ints for each cost 2.6 MB more, held through a whole fill.
Stamps = dict[str, str]
_STAMP_RE = re.compile(r"[0-9]+ [0-9]+ [0-9]+ [0-9]+")


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
    """Every note's stamp, by path: "size mtime_ns inode ctime_ns", in decimal.

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
        stamps[rel] = f"{st.st_size} {st.st_mtime_ns} {st.st_ino} {st.st_ctime_ns}"
    return stamps


def is_current(vault: Vault, dashboard: str, stamps: Stamps) -> bool:
    """True when the record of the last complete fill matches these stamps exactly."""
    record = _own_record(vault, dashboard)
    return record is not None and record.get("notes") == _keyed(stamps)


def path_key(path: str) -> str:
    """How the record names the note at `path`: a digest of the path, never the path (a
    private note's path holds its name, and the cache folder holds no private word). The
    same for the same path in every run, so the notes of a record are found by their paths
    now; a path no note has now is no note of the vault now."""
    return hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _keyed(stamps: Stamps) -> list[list[str]]:
    """`stamps` as the record holds them: [key, stamp] for each note, in the order of the
    paths (the order the record's numbers count in)."""
    return [[path_key(path), stamps[path]] for path in sorted(stamps)]


def _own_record(vault: Vault, dashboard: str) -> dict[str, Any] | None:
    """`fill.json` as read, if it is a record by this code with these settings (None: no
    record, or one that cannot be read or is another's)."""
    folder = cache_dir(vault)
    if folder is None:
        return None
    try:
        record = json.loads(read_plain_file(folder / "fill.json").decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("fingerprint") != fingerprint(dashboard):
        return None
    return record


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


@dataclass(frozen=True)
class Earlier:
    """The last complete fill, as its record says: every note's stamps then, a digest of which
    notes there were under what names (`reach.note_names`), the notes each linked to, the
    notes it could not fill (planned again every time, so their problem is said again), and
    the digest of each note's parse then (`reach.parse_digest`; None: not known)."""

    stamps: Stamps
    names: str
    targets: dict[str, list[str]]
    replan: list[str]
    parses: dict[str, str | None]


def earlier(vault: Vault, dashboard: str, now: Iterable[str]) -> Earlier | None:
    """The record of the last complete fill by this code with these settings, checked down to
    its values (None: no record, another code's, or anything in it not as `record` writes it:
    a foreign or corrupt record is never trusted). `now`: the notes' paths now, by which the
    record's notes are named again (`path_key`); a note of the record that is none of them
    keeps a name no path has (`_GONE` and its key), so the notes differ."""
    raw = _own_record(vault, dashboard)
    if raw is None:
        return None
    keyed, graph = raw.get("notes"), raw.get("graph")
    if not (isinstance(keyed, list) and isinstance(graph, dict)
            and all(isinstance(pair, list) and len(pair) == 2 and _is_digest(pair[0])
                    and type(pair[1]) is str and _STAMP_RE.fullmatch(pair[1])
                    for pair in keyed)):
        return None
    by_key = {path_key(path): path for path in now}
    paths = [by_key.get(key, _GONE + key) for key, _ in keyed]
    stamps = {path: stamp for path, (_, stamp) in zip(paths, keyed, strict=True)}
    if len(stamps) != len(paths):  # (a key twice: not a record `record` writes)
        return None
    names, targets, replan = graph.get("names"), graph.get("targets"), graph.get("replan")
    parses = graph.get("parses")
    if not (isinstance(names, str) and isinstance(targets, list) and len(targets) == len(paths)
            and isinstance(replan, list) and isinstance(parses, list)
            and len(parses) == len(paths)
            and all(p is None or _is_digest(p) for p in parses)):
        return None
    linked: dict[str, list[str]] = {}
    for path, numbers in zip(paths, targets, strict=True):
        if not (isinstance(numbers, list)
                and all(type(n) is int and 0 <= n < len(paths) for n in numbers)):
            return None
        linked[path] = [paths[n] for n in numbers]
    if not all(type(n) is int and 0 <= n < len(paths) for n in replan):
        return None
    return Earlier(stamps, names, linked, [paths[n] for n in replan],
                   dict(zip(paths, parses, strict=True)))


# What a note of the record that is no note now is named by (then its key): no path starts so.
_GONE = "\0gone:"


def _is_digest(value: object) -> bool:
    """True for a digest as `reach.parse_digest` writes it: 32 lower-case hex digits."""
    return (isinstance(value, str) and len(value) == 32
            and all(c in "0123456789abcdef" for c in value))


@dataclass(frozen=True)
class Graph:
    """What the notes linked to as a fill read them, as the record keeps it (see `Earlier`):
    the names' digest, each of `paths` (sorted) with the numbers of its targets among them,
    the notes to plan again (paths here, numbers in the record), and each note's parse digest
    (None: not known). Numbers, not sets of paths: ~1 MB at 20,000 notes, not ~15."""

    names: str
    paths: list[str]
    targets: list[list[int]]
    replan: list[str]
    parses: list[str | None]


def graph_of(names: str, stamps: Stamps, targets_of: Callable[[str], Iterable[str]],
             replan: Iterable[str],
             parses: Callable[[str], str | None] = lambda path: None) -> Graph | None:
    """The `Graph` of the notes with these `stamps`, `targets_of` each, `parses` giving each
    one's parse digest (None: a note links to one the stamps lack, as when a note came since:
    then no graph is kept)."""
    paths = sorted(stamps)
    number = {path: n for n, path in enumerate(paths)}
    targets: list[list[int]] = []
    for path in paths:
        found = [number.get(target) for target in targets_of(path)]
        if None in found:
            return None
        targets.append(sorted(found))  # type: ignore[arg-type]
    return Graph(names, paths, targets, sorted(replan), [parses(path) for path in paths])


def record(vault: Vault, dashboard: str, stamps: Stamps, graph: Graph | None = None) -> None:
    """Remember that the notes with these stamps are completely filled, and with `graph` what
    they link to (kept only if made of these very notes). Best effort: a vault where the cache
    cannot be written just gets full fills."""
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
            # (each note by `path_key`, never its path: see there)
            file.write(json.dumps({"fingerprint": fingerprint(dashboard),
                                   "notes": _keyed(stamps), "graph": _graph(stamps, graph)}))
        os.replace(temp, folder / "fill.json")
    except OSError:
        return


def _graph(stamps: Stamps, graph: Graph | None) -> dict[str, object] | None:
    """`graph` as the record holds it, if it counts the notes of `stamps` (None otherwise)."""
    if graph is None or graph.paths != sorted(stamps):
        return None
    number = {path: n for n, path in enumerate(graph.paths)}
    if not all(path in number for path in graph.replan):
        return None
    return {"names": graph.names, "targets": graph.targets,
            "replan": [number[path] for path in graph.replan], "parses": graph.parses}


def forget(vault: Vault) -> None:
    """Drop the record (after a fill that could not finish its work)."""
    folder = cache_dir(vault)
    if folder is None:
        return
    try:
        (folder / "fill.json").unlink()
    except OSError:
        return
