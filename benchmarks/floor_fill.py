#!/usr/bin/env python3
"""The floor of a first `fill`: read every note and write it back, unchanged, the way
``vault_tools/writer.py`` writes a note, and nothing else (standard library only).

Usage::

    python benchmarks/floor_fill.py NOTES_DIR

For each ``.md`` file under ``NOTES_DIR`` (hidden folders skipped, as the vault skips them), in
a stable order: open and read it, create a hidden temp file beside it (``O_CREAT | O_EXCL``),
give it the note's mode, write the bytes, ``fsync`` it, close it, ``os.replace`` it over the
note, and ``fsync`` the folder. These are the steps every write of ``writer.py`` takes; it also
takes a lease and re-checks the note, which cost little next to the fsyncs. A first fill writes
most notes once (each gains a block), so no fill can be much faster than this. ``run.py``
times `vault-tools fill` of a never-filled vault against it (DESIGN §11: within 2×).

Prints how many notes it rewrote. Exit status 0, or 1 if a note cannot be rewritten.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from pathlib import Path


def notes_under(root: Path) -> list[str]:
    """Paths of the ``.md`` files under ``root``, hidden folders and files skipped, sorted."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(folder, n) for n in sorted(names)
                  if n.endswith(".md") and not n.startswith(".")]
    return found


def rewrite(path: str) -> None:
    """Write ``path``'s own bytes back through a temp file, fsync and rename."""
    with open(path, "rb") as handle:
        data = handle.read()
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
    folder, name = os.path.split(path)
    temp = os.path.join(folder, f".{name}.floor-{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: floor_fill.py NOTES_DIR", file=sys.stderr)
        return 2
    paths = notes_under(Path(argv[0]))
    for path in paths:
        try:
            rewrite(path)
        except OSError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
    print(f"rewrote {len(paths)} notes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
