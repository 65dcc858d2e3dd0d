"""The site folder's housekeeping for a build that keeps pages (`incremental.LiveSite`): what
the folder holds, and removing what a build no longer makes, as MkDocs' clean build would and
never more: nothing outside the folder, nothing hidden at its top (a deployed site's `.git`),
nothing through a link."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from .site_cache import is_site_path


def files_in(site_dir: Path) -> tuple[set[str], bool]:
    """Every file under `site_dir`, relative to it; and whether it holds a link: a symbolic
    link, or a file with another name too (a snapshot made with hard links, `cp -al`), which
    writing a page in place would change as well (a clean build unlinks each file first)."""
    found: set[str] = set()
    linked = False
    folders = [("", str(site_dir))]
    while folders:
        rel, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:  # (the kind of each comes with the listing; its links need a stat)
            if not rel and entry.name.startswith("."):
                continue  # never cleaned by MkDocs either (a `.git` of a deployed site)
            if entry.is_symlink():
                linked = True
            if entry.is_dir(follow_symlinks=False):
                folders.append((f"{rel}{entry.name}/", entry.path))
            else:
                found.add(f"{rel}{entry.name}")
                if not linked:
                    with contextlib.suppress(OSError):
                        linked = entry.stat(follow_symlinks=False).st_nlink > 1
    return found, linked


def remove_empty_folders(site_dir: Path) -> None:
    """Delete the folders under `site_dir` that hold nothing (a clean build makes none), but
    none in a hidden folder at its top (MkDocs never cleans those: a `.git`)."""
    tops = [site_dir / name for name in os.listdir(site_dir) if not name.startswith(".")]
    for top in tops:
        if top.is_symlink() or not top.is_dir():
            continue
        for parent, dirs, names in os.walk(top, topdown=False):
            if not names and not any((Path(parent) / d).exists() for d in dirs):
                with contextlib.suppress(OSError):
                    os.rmdir(parent)


def remove_outputs(site_dir: Path, gone: Iterable[str]) -> None:
    """Delete output files no longer part of the site, and the folders that leaves empty;
    never a file outside `site_dir` (a crafted path, a folder linked to elsewhere)."""
    inside = site_dir.resolve()
    for rel in sorted(gone):
        path = site_dir / rel
        if (not is_site_path(rel) or rel.startswith(".")  # (hidden: MkDocs never cleans it)
                or not path.parent.resolve().is_relative_to(inside)):
            continue
        path.unlink(missing_ok=True)
        folder = path.parent
        while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

