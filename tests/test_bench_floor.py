"""The first-fill floor (benchmarks/floor_fill.py) must do the writer's work and nothing less:
every note rewritten through a new file (a new inode), byte for byte, mode kept, no temp file
left, hidden folders left alone. A floor that skipped the writes would make `fill` look slow."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "floor_fill.py"


def test_the_floor_rewrites_every_note_in_place_of_the_old_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "deep" / "er").mkdir(parents=True)
    (notes / ".obsidian").mkdir()
    files = {
        notes / "a.md": b"---\nprivate: true\n---\n# A\n",
        notes / "deep" / "er" / "Zoë b.md": "caf\u00e9\r\n[[a]]\n".encode(),
        notes / "empty.md": b"",
    }
    for path, data in files.items():
        path.write_bytes(data)
    os.chmod(notes / "a.md", 0o640)
    hidden = notes / ".obsidian" / "skip.md"
    hidden.write_bytes(b"not a note")
    other = notes / "picture.png"
    other.write_bytes(b"\x89PNG")
    inodes = {path: path.stat().st_ino for path in [*files, hidden, other]}

    proc = subprocess.run([sys.executable, str(SCRIPT), str(notes)], capture_output=True,
                          text=True, check=False)

    assert proc.returncode == 0, proc.stderr
    assert "rewrote 3 notes" in proc.stdout
    for path, data in files.items():
        assert path.read_bytes() == data, path
        assert path.stat().st_ino != inodes[path], path  # replaced, not written in place
    assert stat.S_IMODE((notes / "a.md").stat().st_mode) == 0o640
    assert hidden.stat().st_ino == inodes[hidden] and other.stat().st_ino == inodes[other]
    leftovers = [p for p in notes.rglob("*") if p.is_file() and p not in {*files, hidden, other}]
    assert leftovers == []
