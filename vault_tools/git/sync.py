"""Merging notes with git so that generated blocks never conflict (the `merge-driver`).

Both machines of a user regenerate the same blocks, so a plain three-way merge conflicts in text
the user never wrote. The driver merges the user's text exactly as git would, by running the real
`git merge-file` on versions whose generated block contents have been emptied; the blocks then get
"ours" content back, and the post-merge `fill` hook regenerates them from the merged vault.

The block handling is pure (`lift_blocks`, `merge_note_texts`); only `merge_files` and
`run_merge_file` touch files and processes.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..parse import MARKER_RE, decode_note, parse_note

# Labels of the conflict markers the driver writes (git gives an external driver no branch names).
LABELS = ("ours", "base", "theirs")
DEFAULT_MARKER_SIZE = 7

# (ours, base, theirs) texts -> (merged text, number of conflicts); see `run_merge_file`.
MergeFile = Callable[[str, str, str], tuple[str, int]]


class MergeError(Exception):
    """`git merge-file` could not run or failed (not a conflict: an error)."""


@dataclass(frozen=True)
class TailBlock:
    """One block of a note's generated tail, with the blank lines that precede it."""

    name: str
    text: str  # the blank lines before it, its marker lines and its content, verbatim


@dataclass(frozen=True)
class Lifted:
    """A note version with its generated text taken out, and what was taken.

    `text` is the note with every block's content emptied (marker lines kept) and, when the tail
    was lifted, without its generated tail: the blocks at its very end with the blank lines
    around them. `contents` maps each block name to its content; `tail`/`tail_end` hold the
    lifted tail (the blocks, and the blank lines after the last one).
    """

    text: str
    contents: dict[str, str]
    tail: tuple[TailBlock, ...] = ()
    tail_end: str = ""
    newline: str = "\n"


def lift_blocks(text: str, rel_path: str = "note.md", lift_tail: bool = False) -> Lifted | None:
    """Take the generated text out of one version of a note. Pure.

    Returns None when the note's markers are unbalanced or duplicated: its blocks cannot be told
    apart from the user's text, so the caller merges the raw versions instead.
    """
    note = parse_note(rel_path, text)
    if any(d.code == "bad-block" for d in note.diagnostics):
        return None
    blocks = sorted(note.blocks, key=lambda b: b.start)
    contents = {b.name: text[b.start:b.end] for b in blocks}

    tail: list[TailBlock] = []
    tail_end = ""
    cut = len(text)
    if lift_tail:
        body_start = _body_start(text, note.body_line, note.bom)
        cut = _skip_blank_lines_back(text, len(text), body_start)
        tail_end = text[cut:]
        for block in reversed(blocks):
            if _line_end(text, block.end) != cut:
                break  # user text stands between this block and the tail
            open_start = _line_start(text, block.start - 1, body_start)
            before = _skip_blank_lines_back(text, open_start, body_start)
            tail.insert(0, TailBlock(block.name, text[before:cut]))
            cut = before
        blocks = [b for b in blocks if b.end < cut]

    pieces = []
    position = 0
    for block in blocks:
        pieces.append(text[position:block.start])
        position = block.end
    pieces.append(text[position:cut])
    return Lifted("".join(pieces), contents, tuple(tail), tail_end, note.newline)


def _line_start(text: str, index: int, floor: int) -> int:
    """Offset where the line holding `index` begins (never before `floor`)."""
    return max(text.rfind("\n", 0, index) + 1, floor)


def _line_end(text: str, index: int) -> int:
    """Offset just after the newline ending the line that begins at `index` (or the text end)."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _skip_blank_lines_back(text: str, end: int, floor: int) -> int:
    """Move `end` (a line start) back over whitespace-only lines, never before `floor`."""
    while end > floor:
        start = _line_start(text, end - 1, floor)
        if text[start:end].strip():
            break
        end = start
    return end


def _body_start(text: str, body_line: int, bom: bool) -> int:
    """Offset of the first body line (after the BOM and the front matter)."""
    offset = 1 if bom else 0
    for _ in range(body_line - 1):
        offset = _line_end(text, offset)
    return offset


def merge_note_texts(
    base: str, ours: str, theirs: str, merge_file: MergeFile, rel_path: str = "note.md"
) -> tuple[str, int] | None:
    """Merge three versions of a note; generated blocks never conflict. Pure but for `merge_file`.

    First the versions are merged with block contents emptied. If the user's text conflicts,
    the merge is tried again with each version's generated tail lifted off the end (so that a
    block appended on one side does not collide with text appended on the other); the first
    clean result wins, else the first attempt's conflicts are reported. Blocks get "ours"
    content (theirs for a block only they have). Returns (text, conflicts), or None when a
    version's markers are broken and the raw versions must be merged instead.
    """
    first: tuple[str, int] | None = None
    for lift_tail in (False, True):
        lifted = [lift_blocks(text, rel_path, lift_tail) for text in (base, ours, theirs)]
        lifted_base, lifted_ours, lifted_theirs = lifted
        if lifted_base is None or lifted_ours is None or lifted_theirs is None:
            return None
        merged, conflicts = merge_file(lifted_ours.text, lifted_base.text, lifted_theirs.text)
        result = _restore_blocks(merged, lifted_ours, lifted_theirs, rel_path)
        if conflicts == 0:
            return result, 0
        if first is None:
            first = (result, conflicts)
    return first


def _restore_blocks(merged: str, ours: Lifted, theirs: Lifted, rel_path: str) -> str:
    """Put block contents back into the merged text and re-append a lifted tail."""
    note = parse_note(rel_path, merged)
    for block in sorted(note.blocks, key=lambda b: b.start, reverse=True):
        if merged[block.start:block.end]:
            continue  # conflict markers ended up inside the block: leave them for the user
        content = ours.contents.get(block.name, theirs.contents.get(block.name, ""))
        merged = merged[:block.start] + content + merged[block.end:]

    present = _opened_blocks(merged)
    for source in (ours, theirs):
        kept = [piece for piece in source.tail if piece.name not in present]
        if kept:
            if merged and not merged.endswith("\n"):
                merged += source.newline
            return merged + "".join(piece.text for piece in kept) + source.tail_end
    return merged


def _opened_blocks(text: str) -> set[str]:
    """Names of every block opened in the text, even unbalanced ones (so none is added twice)."""
    names = set()
    for line in text.splitlines():
        match = MARKER_RE.match(line)
        if match and not match.group(1):
            names.add(match.group(2))
    return names


# --- the driver: files and git merge-file -------------------------------------------------------


def run_merge_file(
    ours: bytes, base: bytes, theirs: bytes, marker_size: int = DEFAULT_MARKER_SIZE,
    cwd: Path | None = None,
) -> tuple[bytes, int]:
    """Run the real `git merge-file` on three versions; returns (merged bytes, conflicts)."""
    with tempfile.TemporaryDirectory(prefix="vault-tools-merge-") as folder:
        paths = []
        for label, data in zip(LABELS, (ours, base, theirs), strict=True):
            path = Path(folder) / label
            path.write_bytes(data)
            paths.append(str(path))
        command = ["git", "merge-file", "-p", f"--marker-size={marker_size}"]
        for label in LABELS:
            command += ["-L", label]
        try:
            done = subprocess.run(command + paths, capture_output=True, cwd=cwd, check=False)
        except OSError as exc:
            raise MergeError(f"cannot run git merge-file: {exc}") from None
    # merge-file exits with the number of conflicts, or a negative number (255) on error.
    if done.returncode < 0 or done.returncode >= 128:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise MergeError(f"git merge-file failed: {message or done.returncode}")
    return done.stdout, done.returncode


def merge_files(
    ancestor: Path, current: Path, other: Path, rel_path: str = "",
    marker_size: int = DEFAULT_MARKER_SIZE,
) -> int:
    """The merge driver: merge the three files, write the result over `current` (git's %A).

    Returns the number of conflicts (0: clean). A version that is not UTF-8 text, or whose
    markers are broken, falls back to a plain `git merge-file` of the raw versions.
    """
    raw = [path.read_bytes() for path in (ancestor, current, other)]
    name = rel_path or current.name
    base, ours, theirs = (decode_note(name, data)[0] for data in raw)

    def merge_file(o: str, b: str, t: str) -> tuple[str, int]:
        merged, conflicts = run_merge_file(
            o.encode("utf-8"), b.encode("utf-8"), t.encode("utf-8"), marker_size
        )
        return merged.decode("utf-8", "surrogateescape"), conflicts

    result: tuple[str, int] | None = None
    if base is not None and ours is not None and theirs is not None:
        result = merge_note_texts(base, ours, theirs, merge_file, name)
    if result is None:
        merged_bytes, conflicts = run_merge_file(raw[1], raw[0], raw[2], marker_size)
    else:
        merged_bytes = result[0].encode("utf-8", "surrogateescape")
        conflicts = result[1]
    current.write_bytes(merged_bytes)
    return conflicts
