"""`fill`: index the vault, render every generated block, write what changed (§5, §6).

Gather, then plan, then write: every note is read and indexed before anything is rendered, the plan
is a pure function of the index and the texts, and `writer.write_note` applies it. A note whose
block already holds the right bytes is not written at all.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import followups as followup_rules
from .blocks import BlockError, current_contents, desired_blocks, splice_blocks
from .index import VaultIndex
from .notes import Diagnostic
from .vault import Vault, load_index_and_texts
from .writer import ConcurrentEditError, WriteError, write_note

# Diagnostics that mean "do not touch this note" (§6.2, §6.4, §9).
UNWRITABLE = ("bad-block", "conflict-markers", "not-utf8")


@dataclass(frozen=True)
class NoteChange:
    """One note whose blocks need new content.

    `blocks` names the blocks that change, `contents` holds every wanted block's content, and
    `old`/`new` are the note's text before and after.
    """

    path: str
    blocks: tuple[str, ...]
    contents: dict[str, str]
    old: str
    new: str


@dataclass
class FillResult:
    notes: int = 0
    changed: list[NoteChange] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    skipped: list[Diagnostic] = field(default_factory=list)
    failed: list[Diagnostic] = field(default_factory=list)

    def diffs(self) -> list[str]:
        """Unified diffs of every planned change, in path order."""
        out = []
        for change in self.changed:
            out.append("".join(difflib.unified_diff(
                change.old.splitlines(keepends=True), change.new.splitlines(keepends=True),
                fromfile=f"a/{change.path}", tofile=f"b/{change.path}",
            )))
        return out


def dashboard_of(vault: Vault) -> str:
    return str(vault.options.get("followups_note") or "Follow-ups.md")


def plan_fill(
    index: VaultIndex,
    texts: dict[str, str],
    paths: Iterable[str] | None = None,
    dashboard: str = "Follow-ups.md",
) -> tuple[list[NoteChange], list[Diagnostic]]:
    """Work out which notes' blocks change. Pure: nothing is read or written.

    Returns (changes, skipped) where skipped holds the diagnostic of each note left alone.
    """
    followups = followup_rules.open_followups(index)
    changes: list[NoteChange] = []
    skipped: list[Diagnostic] = []
    for path in sorted(paths if paths is not None else index.notes):
        note = index.notes.get(path)
        if note is None:
            continue
        blocking = [d for d in note.diagnostics if d.code in UNWRITABLE]
        if blocking or path not in texts:
            if blocking:
                skipped.append(blocking[0])
            continue
        wanted = desired_blocks(index, note, followups, dashboard)
        if not wanted:
            continue
        text = texts[path]
        current = current_contents(text, note)
        differing = {name: content for name, content in wanted.items()
                     if current.get(name) != content}
        if not differing:
            continue
        try:
            new = splice_blocks(path, text, wanted)
        except BlockError as exc:  # pragma: no cover - caught above by diagnostics
            skipped.append(Diagnostic(path, None, "error", "bad-block", str(exc)))
            continue
        if new != text:
            changes.append(NoteChange(path, tuple(sorted(differing)), wanted, text, new))
    return changes, skipped


def apply_changes(vault: Vault, changes: Iterable[NoteChange], result: FillResult) -> None:
    """Write each change through the safe writer. The splice is redone on the file's current
    text, so a save made since the vault was read is kept, never overwritten."""
    for change in changes:

        def transform(current: str, change: NoteChange = change) -> str | None:
            if current == change.old:
                return change.new
            try:
                return splice_blocks(change.path, current, change.contents)
            except BlockError:
                return None

        try:
            if write_note(vault.abs(change.path), transform):
                result.written.append(change.path)
        except ConcurrentEditError as exc:
            # Its message says what happened, including any conflict copy kept beside the note.
            result.failed.append(Diagnostic(change.path, None, "error", "write-failed", str(exc)))
        except (WriteError, OSError) as exc:
            result.failed.append(Diagnostic(change.path, None, "error", "write-failed",
                                            f"not written: {exc}"))


def refill(vault: Vault, index: VaultIndex, paths: Iterable[str]) -> FillResult:
    """Bring the blocks of some notes up to date against an index kept current by the caller
    (the watcher). Reads only those notes; writes only what changed."""
    texts = {}
    for path in sorted(set(paths)):
        if path not in index.notes:
            continue
        try:
            texts[path] = vault.abs(path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # gone or unreadable since it was indexed: the next event will tell
    changes, skipped = plan_fill(index, texts, texts.keys(), dashboard_of(vault))
    result = FillResult(notes=len(texts), changed=changes, skipped=skipped)
    apply_changes(vault, changes, result)
    return result


def fill_vault(vault: Vault, *, write: bool = True) -> FillResult:
    """Index the vault and bring every generated block up to date.

    With write=False nothing is written: the result says what would change (for --check and
    --dry-run).
    """
    index, texts = load_index_and_texts(vault)
    changes, skipped = plan_fill(index, texts, dashboard=dashboard_of(vault))
    result = FillResult(notes=len(index), changed=changes, skipped=skipped)
    if write:
        apply_changes(vault, changes, result)
    return result
