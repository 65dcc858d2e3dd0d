"""The site folder's housekeeping for a build that keeps pages (`incremental.LiveSite`): what
the folder holds, and removing what a build no longer makes, as MkDocs' clean build would and
never more: nothing outside the folder, nothing hidden at its top (a deployed site's `.git`),
nothing through a link."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from .site_cache import is_site_path, stamp_of


class SiteFiles(NamedTuple):
    """What a site folder holds (`files_in`)."""

    files: set[str]  # every file, relative to the folder
    # Whether it holds a link: a symbolic link, or a file with another name too (a snapshot
    # made with hard links, `cp -al`), which writing a page in place would change as well (a
    # clean build unlinks each file first).
    linked: bool
    empty: list[str]  # the folders with no file anywhere under them, relative to it
    # Each file's `site_cache.stamp` as the walk found it (only while it found no link: a
    # build then keeps nothing), for a kept page's output: not asked for a second time.
    stamps: dict[str, list[int]]


def files_in(site_dir: Path) -> SiteFiles:
    """Every file and empty folder under `site_dir` (none hidden at its top: MkDocs never
    cleans those), in one walk; and whether any is a link."""
    found: set[str] = set()
    linked = False
    walked: list[str] = []
    stamps: dict[str, list[int]] = {}
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
                walked.append(f"{rel}{entry.name}")
                folders.append((f"{rel}{entry.name}/", entry.path))
            else:
                name = f"{rel}{entry.name}"
                found.add(name)
                if not linked:
                    with contextlib.suppress(OSError):
                        st = entry.stat(follow_symlinks=False)
                        linked = st.st_nlink > 1
                        stamps[name] = stamp_of(st)
    holding: set[str] = set()  # the folders with a file under them
    for rel in found:
        folder = rel.rpartition("/")[0]
        while folder and folder not in holding:
            holding.add(folder)
            folder = folder.rpartition("/")[0]
    return SiteFiles(found, linked, [rel for rel in walked if rel not in holding], stamps)


def remove_empty_folders(site_dir: Path, empty: Iterable[str]) -> None:
    """Delete the folders `empty` (relative to `site_dir`: `files_in` found no file under them)
    that still hold nothing, deepest first, as a clean build makes none; never one reached
    through a link."""
    inside = site_dir.resolve()
    for rel in sorted(empty, key=lambda rel: rel.count("/"), reverse=True):
        folder = site_dir / rel
        if not folder.parent.resolve().is_relative_to(inside):
            continue
        with contextlib.suppress(OSError):  # (not empty: this build wrote into it)
            os.rmdir(folder)


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

