"""The theme's files as MkDocs adds them to a build (`Files.add_files_from_theme`), listed
without walking the folders whose files MkDocs leaves out.

MkDocs lists every file under the theme's folders through Jinja's loader, then drops each whose
path has a part starting with "." (its patterns `.*` and `*/.*`), among others. Material's
`templates/.icons` holds ~14,000 icons, none of them added: walking and matching them took
~70 ms of every build (2 % of a build after a few edits at 5,000 notes), for 161 files kept.
`theme_files` has MkDocs do the adding, its own patterns and all, from a listing that does not
enter a folder whose name starts with "."; every file such a folder holds is one of those the
patterns drop, so the files added are the same. `tests/test_theme_files.py` holds them equal to
MkDocs' own, on Material and on a theme folder of the vault's with hidden parts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import jinja2
from mkdocs.structure.files import File, Files


def theme_files(env: jinja2.Environment, config: Any) -> list[File]:
    """The files `Files([]).add_files_from_theme(env, config)` adds, in its order."""
    files = Files([])
    loader = env.loader
    if type(loader) is jinja2.FileSystemLoader:
        files.add_files_from_theme(_Listing(loader), config)  # type: ignore[arg-type]
    else:  # (a loader of another kind: listed as MkDocs lists it)
        files.add_files_from_theme(env, config)
    return list(files)


class _Listing:
    """What `add_files_from_theme` asks of a Jinja environment (`list_templates`), answered
    as Jinja's `FileSystemLoader` answers it (each folder's files by their path from it, with
    "/", each name once, sorted), but for the files in a folder whose name starts with "."."""

    def __init__(self, loader: jinja2.FileSystemLoader) -> None:
        self._loader = loader

    def list_templates(self, filter_func: Callable[[str], bool] | None = None) -> list[str]:
        found: set[str] = set()
        for searchpath in self._loader.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath,
                                                        followlinks=self._loader.followlinks):
                dirnames[:] = [name for name in dirnames if not name.startswith(".")]
                for filename in filenames:
                    name = (os.path.join(dirpath, filename)[len(searchpath):]
                            .strip(os.path.sep).replace(os.path.sep, "/"))
                    if name[:2] == "./":
                        name = name[2:]
                    found.add(name)
        names = sorted(found)
        return names if filter_func is None else [n for n in names if filter_func(n)]
