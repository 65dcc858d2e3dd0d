"""The fill manifest: a record that lets a `fill` with nothing to do finish without reading notes.

Blocks are a pure, clock-free function of the notes' bytes (§5). So when every note has the same
size, mtime_ns and inode as right after the last complete fill, by the same version of the
rendering code, that fill's result still stands and there is nothing to read, render or write.
This is the trick `git status` plays with its index. Anything unexpected (no manifest, another
version, one note touched, a note added or removed) simply means a full fill.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import __version__
from .vault import Vault, iter_note_paths

Stamps = dict[str, list[int]]

# The modules whose code decides what a block says: a change to any of them invalidates the
# record even when the version number did not move (as during development).
_RENDERING_MODULES = ("blocks.py", "followups.py", "parse.py", "index.py", "fill.py", "notes.py",
                      "privacy.py")


def cache_dir(vault: Vault) -> Path | None:
    """Where vault-tools keeps caches: `.cache/vault-tools/` beside mkdocs.yml (ignored by git
    through its own .gitignore). None for a bare notes folder: nothing is put among the notes."""
    if vault.config_file is None:
        return None
    return vault.root / ".cache" / "vault-tools"


def fingerprint(dashboard: str) -> str:
    """Identifies the rendering code and the settings that shape blocks."""
    digest = hashlib.sha256(f"{__version__}\0{dashboard}".encode())
    package = Path(__file__).parent
    for name in _RENDERING_MODULES:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def note_stamps(vault: Vault) -> Stamps:
    """(size, mtime_ns, inode) of every note, by path."""
    stamps: Stamps = {}
    notes_dir = str(vault.notes_dir)  # joined as strings: a Path per note costs more than its stat
    for rel in iter_note_paths(vault.notes_dir):
        try:
            st = os.stat(os.path.join(notes_dir, rel))
        except OSError:
            continue  # gone since the walk: it will not match the record either way
        stamps[rel] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return stamps


def is_current(vault: Vault, dashboard: str, stamps: Stamps) -> bool:
    """True when the record of the last complete fill matches these stamps exactly."""
    folder = cache_dir(vault)
    if folder is None:
        return False
    try:
        record = json.loads((folder / "fill.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(record, dict) and record.get("fingerprint") == fingerprint(dashboard)
            and record.get("notes") == stamps)


def record(vault: Vault, dashboard: str, stamps: Stamps) -> None:
    """Remember that the notes with these stamps are completely filled. Best effort: a vault
    where the cache cannot be written just gets full fills."""
    folder = cache_dir(vault)
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# vault-tools caches: derived, never committed\n*\n",
                              encoding="utf-8")
        temp = folder / f".fill.json.{os.getpid()}.tmp"
        temp.write_text(json.dumps({"fingerprint": fingerprint(dashboard), "notes": stamps}),
                        encoding="utf-8")
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
