"""`vault-tools rename OLD NEW`: a note renamed, and every link that reaches it rewritten (§4, §6,
§14), all or nothing.

Planning is pure (`plan_rename`): from the index and the notes' texts it works out the new text of
every note whose links reach the renamed note. Only the target of a link that *resolves* to it
(the index's resolution, at the position the parser found the link) changes: a same-named note
elsewhere, a link in code or a comment, text that only looks like the name and a link written
with one of the note's aliases are left alone. Each link keeps its own style (a path stays a
path, `.md` and percent-encoding are kept), front matter is edited as text at the value's place,
never re-serialised (that text work, one note at a time, is `rename_links.py`'s: `rewrite_note`,
`alias_edit`). The plan is then checked against the vault as it would be (`_verify`):
every link that reached a note still reaches it, the renamed one under its new name; a plan that
would break a link is refused, never written. The generated blocks the rename reaches are
refilled in the same plan (`refresh.notes_to_refresh`), so `fill --check` stays clean.

`rename` (the command's one call) loads the vault, plans, and hands every change to
`writer.write_notes_together`, which writes all of them or none.
"""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..blocks import is_dashboard
from ..capture.new import MAX_NAME_BYTES, WINDOWS_RESERVED
from ..fill import UNWRITABLE, dashboard_of, hide_private_of, plan_fill, text_diff
from ..index import Resolution, VaultIndex, fold, strip_md
from ..link_diagnostics import closest_name
from ..lookup import find_named
from ..notes import Link, Note
from ..parse import BOM, parse_note
from ..refresh import FollowUpCache, apply_updates, notes_to_refresh
from ..splice import BlockError, splice_blocks
from ..vault import Vault, in_reserved_folder, is_skipped, load_index_and_texts
from ..wikilinks import (
    is_asset_target,
    link_problem,
)
from ..writer import ConcurrentEditError, NoteHeldOpenError, NoteWrite, write_notes_together
from .rename_links import Move, RenameError, alias_edit, rewrite_note


@dataclass(frozen=True)
class NoteEdit:
    """One note's new text: `path` where it is now, `new_path` where it goes (the renamed note;
    else the same), `links` the links rewritten in it, `blocks` the generated blocks refilled."""

    path: str
    new_path: str
    old: str
    new: str
    links: int = 0
    blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenamePlan:
    """What a rename does: the note moves from `old_path` to `new_path`; `edits` lists every
    note whose text changes, and the renamed note even when only its name does."""

    old_path: str
    new_path: str
    edits: tuple[NoteEdit, ...]
    alias_added: bool = False
    # The note's type (`contact`, …) before and after, when the move changes it: a note
    # without `type:` takes it from its folder (`contacts/`), so moving it out loses it.
    type_change: tuple[str | None, str | None] | None = None

    @property
    def links(self) -> int:
        """Links rewritten (generated blocks not counted)."""
        return sum(edit.links for edit in self.edits)

    @property
    def linking_notes(self) -> int:
        """Notes with at least one link rewritten."""
        return sum(1 for edit in self.edits if edit.links)

    def diff(self) -> str:
        """A unified diff of every change, the move shown as a rename of the file."""
        parts = []
        for edit in self.edits:
            if edit.path != edit.new_path:
                parts.append(f"rename from {edit.path}\nrename to {edit.new_path}\n")
            parts.append(text_diff(edit.old, edit.new, f"a/{edit.path}", f"b/{edit.new_path}"))
        return "".join(parts)


# --- which note, and its new place ---------------------------------------------------------------


def note_to_rename(index: VaultIndex, name: str) -> Note:
    """The note `name` stands for, as a link from no note resolves it (name, path or alias,
    case ignored); RenameError when unknown ("Did you mean"), shared (the candidates), or
    unreadable."""
    wanted = name.strip()
    if not wanted:
        raise RenameError("give the name of the note to rename")
    note, found = find_named(index, wanted)
    if found:
        raise RenameError(f"{name!r} names several notes ({', '.join(found)}); name one by its "
                          f"path, e.g. {strip_md(found[0])!r}; nothing was changed")
    if note is None:
        close = closest_name(index.names(), wanted)
        hint = f" Did you mean {close!r}?" if close else ""
        raise RenameError(f"no note named {name!r}.{hint} Nothing was changed")
    return note


# Characters a file name may not hold on some system (Windows, macOS Finder): `new` never makes
# such a name either (`capture.new.safe_name`).
_UNSAFE_FILE_CHARS = re.compile(r'[:*?"<>\\\x00-\x1f\x7f]')


def new_path_for(index: VaultIndex, note: Note, new: str) -> str:
    """The path (relative to the notes folder) NEW names for `note`: a bare name stays in the
    note's folder, a path (`people/Jane Roe`) is taken from the notes folder; `.md` optional.
    RenameError when it is no name a link can reach, no safe file name, or taken (a note of
    that name anywhere, or an alias of another note, case ignored, as `new` refuses)."""
    written = unicodedata.normalize("NFC", new.strip())
    if written.lower().endswith(".md"):
        written = written[:-3]
    if not written or written.startswith("/") or written.endswith("/"):
        raise RenameError(f"{new!r} is no note name; nothing was changed")
    parts = written.split("/")
    stem = parts[-1]
    for part in parts:
        if not part.strip() or part in (".", "..") or part.startswith("."):
            raise RenameError(f"{new!r}: {part!r} cannot be part of a note's path (a hidden "
                              "or relative folder); nothing was changed")
        if _UNSAFE_FILE_CHARS.search(part) or part != part.strip() or part.endswith("."):
            raise RenameError(f"{new!r} is not a file name every system accepts (no : * ? \" "
                              "< > \\, no blank or dot at the end); nothing was changed")
        if part.split(".", 1)[0].strip().lower() in WINDOWS_RESERVED:
            raise RenameError(f"{new!r}: {part!r} is a name Windows keeps for a device (a vault "
                              "synced to Windows could not hold it); nothing was changed")
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            raise RenameError(f"{new!r}: {part[:20]!r}… is too long for a file name (at most "
                              f"{MAX_NAME_BYTES} bytes, as `new` makes them); nothing was "
                              "changed")
    problem = link_problem(stem)
    if problem is not None:
        raise RenameError(f"no link could reach a note named {stem!r}: {problem}; nothing was "
                          "changed")
    if is_asset_target(stem):
        # `[[cv.pdf]]` names the file: Obsidian takes such a link to an attachment of that
        # name, and every file link of that name would change meaning with such a note.
        raise RenameError(f"{stem!r} ends like an attachment's name (a link to it is read as "
                          "a link to a file); nothing was changed")
    folder = "/".join(parts[:-1]) if len(parts) > 1 else note.folder
    new_path = f"{folder}/{stem}.md" if folder else f"{stem}.md"
    if in_reserved_folder(new_path) or is_skipped(new_path):
        raise RenameError(f"{new_path} is a place vault-tools never reads notes from; nothing "
                          "was changed")
    if new_path == note.path:
        raise RenameError(f"{note.path} already has that name; nothing was changed")
    by_name, by_alias = index.named(stem)
    others = [path for path in by_name if path != note.path]
    if others:
        raise RenameError(f"a note named {stem!r} already exists ({others[0]}); links by that "
                          "name would become ambiguous, so nothing was changed")
    aliased = [path for path in by_alias if path != note.path]
    if aliased:
        raise RenameError(f"{stem!r} is an alias of {aliased[0]}; links by that name go there "
                          "and would come here instead, so nothing was changed")
    return new_path


# --- the plan ------------------------------------------------------------------------------------


def plan_rename(
    index: VaultIndex, texts: Mapping[str, str], note: Note, new_path: str, *,
    keep_alias: bool = False, dashboard: str = "Follow-ups.md", hide_private: bool = False,
) -> RenamePlan:
    """The rename of `note` to `new_path` (from `new_path_for`): the new text of every note
    whose links reach it, the renamed note's own (its links to itself, to other notes when it
    changes folder, the old name added to its `aliases` with `keep_alias`), and the generated
    blocks the rename reaches, refilled. Reads nothing, writes nothing; `index` is brought to
    the vault as it will be (the caller loaded it for this). RenameError when a note that must
    change may not be written (conflict markers, front matter that does not parse, unreadable)
    or when the result would leave any link reaching somewhere else than before."""
    move = Move(note.path, new_path)
    if texts.get(note.path) is None:
        raise RenameError(f"{note.path}: cannot be read as UTF-8 text; nothing was changed")
    before = {path: index.outgoing(path) for path in index.notes}
    sources = {backlink.source for backlink in index.backlinks(note.path)} | {note.path}
    new_texts: dict[str, str] = {}
    counts: dict[str, int] = {}
    for path in sorted(sources):
        text = texts.get(path)
        source = index.notes[path]
        if text is None:
            raise RenameError(f"{path}: links to {note.name!r} but cannot be read as text; "
                              "nothing was changed")
        new, count = rewrite_note(source, text, index, move, before[path])
        if new != text:
            new_texts[path], counts[path] = new, count
    alias_added = False
    if keep_alias:
        current = new_texts.get(note.path, texts[note.path])
        bom = current.startswith(BOM)
        added = alias_edit(current[1:] if bom else current, note, note.name)
        if added is not None:
            new_texts[note.path] = (BOM if bom else "") + added
            _verify_alias(parse_note(new_path, new_texts[note.path]),
                          parse_note(note.path, current))
            alias_added = True
    for path in new_texts:
        blocking = [d for d in index.notes[path].diagnostics if d.code in UNWRITABLE]
        if blocking:
            raise RenameError(f"{path}:{blocking[0].line or 1}: {blocking[0].message}; this "
                              "note would have to change, so nothing was changed")
    # The vault as it will be: each changed note parsed again, the renamed one under its name.
    after_texts = {path: new_texts.get(path, texts[path]) for path in sources if path in texts}
    after_texts[new_path] = after_texts.pop(note.path)
    followups = FollowUpCache(index)
    updates: dict[str, Note | None] = {note.path: None}
    for path, text in after_texts.items():
        updates[path] = parse_note(path, text)
    change = apply_updates(index, updates, followups)
    _verify(index, before, move)
    # The generated blocks the rename reaches, refilled as `fill` would.
    reach = notes_to_refresh(index, change, dashboard) | set(after_texts)
    refill_texts = {path: after_texts.get(path, texts.get(_old(path, move), "")) for path in
                    reach if path in after_texts or texts.get(_old(path, move)) is not None}
    block_changes, _ = plan_fill(index, refill_texts, refill_texts.keys(), dashboard,
                                 followups.all(), hide_private)
    refilled: dict[str, tuple[str, tuple[str, ...]]] = {}
    for planned in block_changes:
        # Only the blocks a note has are refilled: a rename adds no block to a note (a vault
        # whose user never ran `fill` gets none from a rename).
        has = {block.name for block in index.notes[planned.path].blocks}
        contents = {name: text for name, text in planned.contents.items() if name in has}
        names = tuple(name for name in planned.blocks if name in has)
        if names:
            try:
                refilled[planned.path] = (
                    splice_blocks(planned.path, planned.old, contents), names)
            except BlockError:
                continue  # (plan_fill made it from these very blocks: not seen)
    edits = []
    for path in sorted(set(after_texts) | set(refilled)):
        old_path = _old(path, move)
        new, blocks = refilled.get(path, (after_texts.get(path, texts[old_path]), ()))
        if new == texts[old_path] and path == old_path:
            continue
        edits.append(NoteEdit(old_path, path, texts[old_path], new, counts.get(old_path, 0),
                              blocks))
    moved = index.notes[new_path]
    type_change = (note.type, moved.type) if moved.type != note.type else None
    return RenamePlan(note.path, new_path, tuple(edits), alias_added, type_change)


def _old(path: str, move: Move) -> str:
    return move.old_path if path == move.new_path else path


def _verify(index: VaultIndex, before: Mapping[str, list[tuple[Link, Resolution]]],
            move: Move) -> None:
    """RenameError unless every link that reached a note before the rename reaches the same
    note after it (the renamed one at its new path): the last guard against a rewrite that
    missed a link or made one that reads differently."""
    for path, links in before.items():
        now_path = move.new_path if path == move.old_path else path
        now = index.outgoing(now_path)
        if len(now) != len(links):
            raise RenameError(f"{path}: the rewritten links would not read back as links; "
                              "nothing was changed")
        for (link, was), (link_now, res) in zip(links, now, strict=True):
            if was.status == "asset":
                found = index.find_attachment(link.target)
                if found is not None and (index.find_attachment(link_now.target) != found
                                          or res.status != "asset"):
                    raise RenameError(f"{path}:{link.line}: the link to the file {found} would "
                                      "no longer find it; nothing was changed (rename by hand, "
                                      "or report this)")
                continue
            if was.status != "ok" or was.path is None:
                continue
            wanted = move.new_path if was.path == move.old_path else was.path
            if res.status != "ok" or res.path != wanted:
                where = f"{path}:{link.line}"
                raise RenameError(
                    f"{where}: the link to {link.target!r} would reach "
                    f"{res.path or 'no note'} instead of {wanted}; nothing was changed "
                    "(rename by hand, or report this)")


def _verify_alias(after: Note, before: Note) -> None:
    """RenameError unless `after` reads as `before` with its name added to its aliases and
    its front matter otherwise the same."""
    if tuple(after.aliases) != (*before.aliases, before.name) or {
            key: value for key, value in after.meta.items() if key != "aliases"} != {
            key: value for key, value in before.meta.items() if key != "aliases"}:
        raise RenameError(f"{before.path}: adding the alias would change its front matter "
                          "otherwise; add it by hand or rename without --keep-alias")


# --- the command ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Renamed:
    """What `rename` did (or, dry, would do)."""

    plan: RenamePlan
    written: bool
    kept: tuple[str, ...] = ()  # conflict copies of saves that raced the write


# How many times a rename is planned again when a note changes between planning and writing.
REPLANS = 3


def rename(vault: Vault, old: str, new: str, *, keep_alias: bool = False,
           dry_run: bool = False) -> Renamed:
    """Rename the note OLD stands for to NEW and rewrite every link to it, all or nothing
    (`writer.write_notes_together`). A note saved by the user after the vault was read makes
    the plan start again from their text (up to REPLANS times; then nothing is changed).
    RenameError for a refusal, WriteError when a note could not be written (nothing was)."""
    for attempt in range(REPLANS + 1):
        index, texts = load_index_and_texts(vault)
        note = note_to_rename(index, old)
        if is_dashboard(note, dashboard_of(vault)):
            raise RenameError(f"{note.path} is the follow-ups note mkdocs.yml names "
                              "(`followups_note`); change that option when you rename it by "
                              "hand. Nothing was changed")
        new_path = new_path_for(index, note, new)
        _refuse_taken(vault, note.path, new_path)
        plan = plan_rename(index, texts, note, new_path, keep_alias=keep_alias,
                           dashboard=dashboard_of(vault), hide_private=hide_private_of(vault))
        # A note reached under two names is one file: folded before the dry run returns, so
        # its preview is what the real run writes (or refuses).
        plan = _one_edit_per_file(vault, plan)
        if dry_run:
            return Renamed(plan, False)
        writes = [NoteWrite(vault.abs(edit.path), edit.old.encode("utf-8"),
                            edit.new.encode("utf-8"),
                            vault.abs(edit.new_path) if edit.new_path != edit.path else None)
                  for edit in plan.edits]
        try:
            kept = write_notes_together(writes, notes_dir=vault.notes_dir)
        except NoteHeldOpenError:
            raise  # waited for already: planning again would not help
        except ConcurrentEditError:
            if attempt == REPLANS:
                raise
            continue  # the user saved a note: plan again from their text
        return Renamed(plan, True, tuple(path.name for path in kept))
    raise AssertionError("unreachable")


def _one_edit_per_file(vault: Vault, plan: RenamePlan) -> RenamePlan:
    """A note reached under two names (a symlink to another note): it is one file, written
    once. RenameError when its two names would need different texts (a relative link reads
    differently from each folder)."""
    seen: dict[str, NoteEdit] = {}
    kept = []
    for edit in plan.edits:
        real = os.path.realpath(vault.abs(edit.path))
        first = seen.get(real)
        if first is None:
            seen[real] = edit
            kept.append(edit)
        elif first.new != edit.new or edit.new_path != edit.path or \
                first.new_path != first.path:
            raise RenameError(f"{first.path} and {edit.path} are one file (a symlink) whose "
                              "links would need two different texts (rename by hand); nothing "
                              "was changed")
    return replace(plan, edits=tuple(kept))


def _refuse_taken(vault: Vault, old_path: str, new_path: str) -> None:
    """RenameError when a file (of any kind) already has NEW's name in its folder, case
    ignored (macOS and Windows vaults), other than the note itself."""
    folder = vault.abs(new_path).parent
    wanted = fold(posixpath.basename(new_path))
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RenameError(f"{folder}: cannot be read ({exc.strerror}); nothing was changed"
                          ) from None
    mine = vault.abs(old_path)
    for name in names:
        if fold(name) == wanted:
            existing = folder / name
            if existing == mine or (Path(existing).exists() and mine.exists()
                                    and os.path.samefile(existing, mine)):
                continue
            rel = posixpath.join(posixpath.dirname(new_path), name).lstrip("/")
            raise RenameError(f"{rel} already exists; rename never overwrites a file, so "
                              "nothing was changed")
