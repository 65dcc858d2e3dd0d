"""`fill`: index the vault, render every generated block, write what changed (§5, §6).

Gather, then plan, then write: every note is read and indexed before anything is rendered, the plan
is a pure function of the index and the texts, and `writer.write_note` applies it. A note whose
block already holds the right bytes is not written at all.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import MappingProxyType

from . import aside, manifest
from . import followups as followup_rules
from .blocks import FollowUpLike, desired_blocks, is_dashboard
from .followups import followups_by_note
from .index import VaultIndex
from .note_texts import NoteTexts, decoded, encoded
from .notes import Diagnostic, Note
from .parse import split_lines
from .reach import note_names, parse_digest, reach_of_edits
from .splice import BlockError, current_contents, splice_blocks
from .vault import (
    MAX_NOTE_BYTES,
    NoteReader,
    Untagged,
    Vault,
    load_index_seeing,
    read_file,
    too_large,
)
from .writer import (
    HELD_WAIT,
    ConcurrentEditError,
    NoteHeldOpenError,
    OutsideVaultWriteError,
    WriteError,
    remove_stale_temps,
    write_note,
)

# Diagnostics that mean "do not touch this note" (§6.2, §6.4, §9): front matter that does not
# parse is reported and left untouched, and so is a note whose link leaves the vault or that is
# too large to read.
UNWRITABLE = ("bad-block", "conflict-markers", "not-utf8", "yaml-error", "outside-vault",
              "too-large")


@dataclass(frozen=True, slots=True)
class NoteChange:
    """One note whose blocks need new content.

    `blocks` names the blocks that change, `contents` holds every wanted block's content, and
    `old`/`new` are the note's text before and after.
    """

    path: str
    blocks: tuple[str, ...]
    contents: Mapping[str, str]
    old: str
    new: str


@dataclass
class FillResult:
    """What a fill did. `changed` lists every note whose blocks changed (or would); when the
    fill streamed through the vault its entries keep no text (`old`/`new` are ""). `held`:
    notes not written because another program held them open for writing (also in `failed`).
    `cleaned`: temp files of interrupted writes removed before the fill."""

    notes: int = 0
    changed: list[NoteChange] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    skipped: list[Diagnostic] = field(default_factory=list)
    failed: list[Diagnostic] = field(default_factory=list)
    diff_text: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)
    # The open follow-ups of the index handed over in `loaded` (`fill_vault`), as read
    # before any note was written; None when nothing was handed over.
    followups: list[followup_rules.FollowUp] | None = None

    def diffs(self) -> list[str]:
        """Unified diffs of the planned changes, in path order (kept when asked for)."""
        return self.diff_text or [unified_diff(change) for change in self.changed if change.old]


def unified_diff(change: NoteChange) -> str:
    return text_diff(change.old, change.new, f"a/{change.path}", f"b/{change.path}")


def text_diff(old: str, new: str, fromfile: str, tofile: str) -> str:
    """A unified diff of two texts of a note, every line of it ending in a newline: a last
    line with none is followed by git's `\\ No newline at end of file`, rather than run into
    the next line of the diff. Lines as the parser splits them (`parse.split_lines`)."""
    out = []
    for line in difflib.unified_diff(split_lines(old), split_lines(new), fromfile=fromfile,
                                     tofile=tofile):
        out.append(line if line.endswith(("\n", "\r")) else
                   f"{line}\n\\ No newline at end of file\n")
    return "".join(out)


def dashboard_of(vault: Vault) -> str:
    return str(vault.options.get("followups_note") or "Follow-ups.md")


def hide_private_of(vault: Vault) -> bool:
    """The `hide_private_in_files` option of the `vault` plugin (§5): blocks in public notes
    list a private note as "a private note", not by its name. A value given through a tag
    (`!ENV`, which only MkDocs reads) hides: when unsure, no private name is written."""
    value = vault.options.get("hide_private_in_files")
    return value is True or isinstance(value, Untagged)


def manifest_key(vault: Vault) -> str:
    """The settings that shape blocks, as the fill cache (`manifest`) remembers them: the
    follow-ups note, `hide_private_in_files` and the rules' settings (`nudge_days`), so that
    changing any of them in mkdocs.yml refills the blocks. A vault that sets none of the rules'
    settings keeps the key it always had."""
    key = dashboard_of(vault)
    if hide_private_of(vault):
        key += "\0hide_private_in_files"
    rules = vault.settings.cache_key()
    return f"{key}\0{rules}" if rules else key


def plan_fill(
    index: VaultIndex,
    texts: dict[str, str],
    paths: Iterable[str] | None = None,
    dashboard: str = "Follow-ups.md",
    followups: list[followup_rules.FollowUp] | None = None,
    hide_private: bool = False,
) -> tuple[list[NoteChange], list[Diagnostic]]:
    """Work out which notes' blocks change. Pure: nothing is read or written.

    Returns (changes, skipped) where skipped holds the diagnostic of each note left alone.
    `followups` saves recomputing them when the caller keeps them current (the watcher).
    """
    if followups is None:
        followups = followup_rules.open_followups(index)
    # Each note's blocks show only the follow-ups from it or about it (the dashboard shows all):
    # grouping once keeps the cost at notes + follow-ups rather than their product.
    concerning = followups_by_note(followups)
    changes: list[NoteChange] = []
    skipped: list[Diagnostic] = []
    for path in sorted(paths if paths is not None else index.notes):
        note = index.notes.get(path)
        if note is None:
            continue
        planned = plan_note(index, note, texts.get(path), followups, concerning, dashboard,
                            hide_private)
        if isinstance(planned, NoteChange):
            changes.append(planned)
        elif planned is not None:
            skipped.append(planned)
    return changes, skipped


def plan_note(
    index: VaultIndex,
    note: Note,
    text: str | None,
    followups: Sequence[FollowUpLike],
    concerning: Mapping[str, Sequence[FollowUpLike]],
    dashboard: str,
    hide_private: bool = False,
) -> NoteChange | Diagnostic | None:
    """What one note's blocks need: a change, the diagnostic of a note left alone, or None
    when it is up to date (or unreadable: `text` None). Pure."""
    blocking = _blocking(note)
    if blocking is not None:
        return blocking
    if text is None:
        return None
    shown = followups if is_dashboard(note, dashboard) else concerning.get(note.path, [])
    wanted = desired_blocks(index, note, shown, dashboard, hide_private)
    if not wanted:
        return None
    return _plan_text(note, text, wanted)


def _blocking(note: Note) -> Diagnostic | None:
    return next((d for d in note.diagnostics if d.code in UNWRITABLE), None)


def _plan_text(note: Note, text: str, wanted: dict[str, str], *,
               parsed: bool = False) -> NoteChange | Diagnostic | None:
    """`plan_note`'s last step: the change that brings `text` (what `note` was parsed from)
    to the `wanted` blocks, if any. `parsed`: the caller knows `note` was parsed from this
    very text, so the splice need not parse it again."""
    current = current_contents(text, note)
    differing = {name: content for name, content in wanted.items()
                 if current.get(name) != content}
    if not differing:
        return None
    try:
        new = splice_blocks(note.path, text, wanted, note if parsed else None)
    except BlockError as exc:  # e.g. a note ending inside an unclosed code fence
        # (the message names the note, which the report names already)
        return Diagnostic(note.path, None, "error", "bad-block",
                          str(exc).removeprefix(f"{note.path}: "))
    if new == text:
        return None
    # Never write a note that every command would then refuse as too large to read (and so
    # never fill again): its blocks stay as they are, and it says why. (A character is at
    # most four bytes: most notes need no encoding to tell.)
    if len(new) > MAX_NOTE_BYTES // 4 and too_large(size := len(new.encode("utf-8",
                                                                          "surrogatepass"))):
        return Diagnostic(note.path, None, "error", "too-large",
                          f"its blocks would make the note {size:,} bytes, more than the "
                          f"{MAX_NOTE_BYTES:,} (2 MiB) a note may hold; its blocks are left as "
                          "they are until it is made smaller (split it, or move the bulk to an "
                          "attachment)")
    return NoteChange(note.path, tuple(sorted(differing)), wanted, text, new)


def apply_changes(
    vault: Vault, changes: Iterable[NoteChange], result: FillResult, *,
    held_wait: float = HELD_WAIT,
) -> None:
    """Write each change through the safe writer. The splice is redone on the file's current
    text, so a save made since the vault was read is kept, never overwritten. A note another
    program holds open for writing is waited for up to `held_wait` seconds, then left untouched
    and listed in `result.held` (and `result.failed`)."""
    for change in changes:

        def transform(current: str, change: NoteChange = change) -> str | None:
            if current == change.old:
                return change.new
            try:
                return splice_blocks(change.path, current, change.contents)
            except BlockError:
                return None

        try:
            if write_note(vault.abs(change.path), transform, held_wait=held_wait,
                          notes_dir=vault.notes_dir):
                result.written.append(change.path)
        except OutsideVaultWriteError as exc:
            result.failed.append(Diagnostic(change.path, None, "warning", "outside-vault",
                                            str(exc)))
        except NoteHeldOpenError as exc:
            result.held.append(change.path)
            result.failed.append(Diagnostic(
                change.path, None, "error", "write-failed",
                f"{exc}; run the command again once that program has closed it"))
        except ConcurrentEditError as exc:
            # Its message says what happened, including any conflict copy kept beside the note.
            result.failed.append(Diagnostic(change.path, None, "error", "write-failed", str(exc)))
        except (WriteError, OSError) as exc:
            result.failed.append(Diagnostic(change.path, None, "error", "write-failed",
                                            f"not written: {exc}"))


def fill_vault(
    vault: Vault, *, write: bool = True, trust_manifest: bool = True, diffs: bool = False,
    loaded: list[tuple[VaultIndex, NoteTexts]] | None = None,
    parse: NoteReader | None = None, write_aside: bool = False, read_aside: bool = False,
) -> FillResult:
    """Index the vault and bring every generated block up to date.

    With write=False nothing is written: the result says what would change (for --check and
    --dry-run; diffs=True keeps a unified diff of each change). When no note moved since the
    last complete fill (see `manifest`), nothing is read at all; trust_manifest=False always
    does the full work. Notes are planned and written one at a time, so the texts of a large
    vault are never all held at once, unless `loaded` is given: then the index and every
    readable note's text, as read before any was written, are appended to it for a caller that
    needs them next (`build`: one load of the vault, not two), and the result's `followups`
    are those of that index; nothing is appended when nothing was read. `parse`: what makes
    a Note of a note's bytes (`vault.read_notes`). `write_aside`: where this process may fork
    (`aside.available`; the `fill` command), the notes after the first `ASIDE_AFTER` changed
    are written by WRITERS other processes, dealt to them in turn, each writing its own one
    at a time in the order planned, while this one plans the next (the same writes, the same
    result). `read_aside`: where this process may fork, the
    last part of a large vault is read and parsed by a second process meanwhile
    (`vault.read_notes`).
    """
    dashboard = dashboard_of(vault)
    hide_private = hide_private_of(vault)
    settings = manifest_key(vault)
    result = FillResult()
    if write:
        _clean_leftovers(vault, result)
    before = manifest.note_stamps(vault)
    if trust_manifest and manifest.is_current(vault, settings, before):
        result.notes = len(before)
        return result
    # A digest of the bytes written to each note (`bytes_digest`), kept as compactly as the
    # texts' digests: at 20,000 notes a dict of hex strings was 2.8 MB of a peak at the budget.
    written_bytes = Digests()
    # The index is dropped before returning: the `fill` command keeps the collector paused for
    # the whole fill (`gcpolicy.paused`), and the first collection after a pause walks every
    # object the pause allocated that is still alive. (With a million objects alive its passes
    # found nothing to free: together ~0.2 s of a 1.8 s fill of 5,000 notes. Planning makes no
    # reference cycles to speak of.)
    # What each note's blocks held when it was read, as a digest (`blocks_digest`): a note
    # whose wanted blocks have that same digest is up to date without being read again.
    held: dict[str, bytes] = {}
    # A digest of the text each note was parsed from (`text_digest`): a note read again
    # with the same text is spliced from its indexed parse, not parsed a second time.
    sources = Digests()
    # Every text, only for a caller that asked for them (`loaded`). Then those two digests are
    # worked out from the text kept, for the notes planned only: a build after a few edits
    # plans a few notes of thousands (~0.1 s at 5,000 notes).
    texts: NoteTexts | None = None if loaded is None else NoteTexts()

    def see(note: Note, kept: tuple[bytes | None, bytes]) -> None:
        blocks, source = kept  # (`_digests_of`, worked out where the note was read)
        if blocks is not None:
            held[note.path] = blocks
        sources.add(note.path, source)

    def keep_text(note: Note, text: str) -> None:
        assert texts is not None
        texts[note.path] = text

    # The writing processes are forked before the vault is loaded, while this one is small.
    # Forked once the index was made, it shared all of it, and this process's planning (each
    # object's count of references) copied it page by page: at 20,000 notes never filled the
    # two processes' summed Pss peaked at 503 MB, against 289 MB for a fill writing nothing.
    writer = _writer(vault) if write and write_aside and aside.available() else None
    shared = _stamps_of_shared_files(before) if writer is not None else set()
    aside_paths: list[str] = []  # the path of each change put to the writers, in that order
    try:
        index = (load_index_seeing(vault, see, parse=parse, aside_ok=read_aside,
                                   keep=_digests_of) if texts is None else
                 load_index_seeing(vault, keep_text, parse=parse, aside_ok=read_aside))
        sources.seal()
        if loaded is not None and texts is not None:
            loaded.append((index, texts))
        followups = followup_rules.open_followups(index)
        if loaded is not None:
            result.followups = followups
        concerning = followups_by_note(followups)
        result.notes = len(index)
        # Notes and folders whose link leaves the vault: never read or written; say so.
        result.skipped += [d for d in index.vault_problems if d.code == "outside-vault"]
        earlier = manifest.earlier(vault, settings, before) if trust_manifest else None
        parses: dict[str, str | None] = {}  # the parse digests worked out by this fill
        reach = _reach_since(index, earlier, before, dashboard, parses)
        # Only the dashboard shows every follow-up, any other note only its own: each note's are
        # let go of once it is planned, and the whole list once the dashboard is (at 20,000 notes
        # 63,000 follow-ups, ~14 MB, given back to the blocks of the notes after them).
        dashboards = {path for path, note in index.notes.items() if is_dashboard(note, dashboard)}
        # The block names of the notes changed, one tuple for each set of names.
        block_names: dict[tuple[str, ...], tuple[str, ...]] = {}
        planned: NoteChange | Diagnostic | None = None
        for path in sorted(index.notes):
            planned = None
            if reach is None or path in reach:
                note = index.notes[path]
                kept = texts.held(path) if texts is not None else None
                if kept is not None:  # (digested now, not as read: see `see`)
                    blocks = (blocks_digest(current_contents(decoded(kept), note))
                              if note.blocks else None)
                    source: bytes | None = bytes_digest(kept)  # (`text_digest` of the text)
                else:
                    blocks, source = held.pop(path, None), sources.get(path)
                planned = _plan_streamed(vault, index, note, blocks, source, followups,
                                         concerning, dashboard, hide_private,
                                         lazy=writer is None)
            concerning.pop(path, None)
            dashboards.discard(path)
            if not dashboards:
                followups = []
            if isinstance(planned, Diagnostic):
                result.skipped.append(planned)
            elif planned is not None:
                if diffs:
                    result.diff_text.append(unified_diff(planned))
                if writer is not None and len(result.changed) >= ASIDE_AFTER:
                    # (its rendered blocks sent, not kept here; two names of one file to
                    # one writer, which writes them in the order planned)
                    stamp = before.get(path)
                    writer.put(planned, together=stamp if stamp in shared else None)
                    aside_paths.append(path)
                elif write:
                    apply_changes(vault, [planned], result)
                    if result.written and result.written[-1] == path:
                        written_bytes.add(path, bytes_digest(planned.new.encode("utf-8")))
                # Only the path and the block names are kept: on a never-filled vault every
                # note changes, and keeping each one's rendered blocks cost ~230 MB at 20,000
                # notes.
                result.changed.append(replace(
                    planned, blocks=block_names.setdefault(planned.blocks, planned.blocks),
                    contents=_NO_CONTENTS, old="", new=""))
        # (In the `try`: a Ctrl-C between the last change put and the wait stops the writes
        # too; one while waiting, `close` itself stops them.)
        done_aside = writer.close() if writer is not None else []
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    for path, done in zip(aside_paths, done_aside, strict=True):
        written, failed, held_open, digest = (
            ([path], [], [], done) if isinstance(done, bytes) else done)
        result.written += written
        result.failed += failed
        result.held += held_open
        for path in written:
            written_bytes.add(path, digest)
    recording = not result.failed and (write or not result.changed)
    # (Before the record of links is made; the last change planned can render its blocks
    # again, so it holds the index.)
    del followups, concerning, reach, planned
    graph = _graph_to_record(
        index, before, {d.path for d in result.skipped}, earlier, parses, set(result.written),
        every=loaded is not None) if recording else None
    del index
    if recording:
        written_bytes.seal()
        _record_if_undisturbed(vault, settings, before, written_bytes, graph)
    return result


# How many changes a fill writes itself before it hands the others to the writing processes
# (`write_aside`): a fill of a few notes never starts them.
ASIDE_AFTER = 16


def _digests_of(note: Note, text: str) -> tuple[bytes | None, bytes]:
    """What a fill keeps of each note's text as it is read (`fill_vault`, its `see`): the
    `blocks_digest` of the blocks it holds (None if it holds none), and its `text_digest`."""
    return (blocks_digest(current_contents(text, note)) if note.blocks else None,
            text_digest(text))


def _writer(vault: Vault) -> aside.Asides[NoteChange, _Written] | None:
    """The WRITERS processes that write a fill's changes (`_write_aside`), forked now; None if
    no process could be had (this one writes them)."""
    writer: aside.Asides[NoteChange, _Written] = aside.Asides(partial(_write_aside, vault),
                                                              WRITERS)
    try:
        writer.start()
    except OSError:
        return None
    return writer


def _stamps_of_shared_files(stamps: manifest.Stamps) -> set[str]:
    """The stamp of each file that more than one note path names (a hard link, a symlink
    inside the vault), for `Asides.put`'s `together`: those names are written by the same
    process, in the order planned, as a fill writing its notes itself writes them; were they
    written by two, the file would end with whichever wrote last. Two names of one file have
    the same stamp (size, mtime, inode, change time); two files with the same stamp, if any,
    only share a writer. Only such stamps are kept (most vaults: none)."""
    seen: set[str] = set()
    shared: set[str] = set()
    for stamp in stamps.values():
        if stamp in seen:
            shared.add(stamp)
        seen.add(stamp)
    return shared


# How many processes write a fill's changes (`write_aside`): much of a write is waiting for its
# two `fsync`s, and another process's waits overlap them. A first fill of 5,000 notes took
# 7.4–7.8 s with one, 6.3–6.9 s with two, and no less with three (2 cores, alternating runs).
WRITERS = 2
_Written = bytes | tuple[list[str], list[Diagnostic], list[str], bytes]


def _write_aside(vault: Vault, change: NoteChange) -> _Written:
    """`apply_changes` of one change, in a writing process: the `bytes_digest` of the text it
    writes (worked out here, not in the planning process) when it wrote the change's note and
    nothing failed; else what it wrote, what failed and what another program held open
    (`FillResult.written`, `failed`, `held`) with that digest. (Each process keeps what it
    returns until the fill ends, and the planner then holds them all with the index: three
    lists and a path a change were ~4 MB a writer and ~9 MB in the planner at 20,000 notes.)"""
    result = FillResult()
    apply_changes(vault, [change], result)
    digest = bytes_digest(change.new.encode("utf-8"))
    if result.written == [change.path] and not result.failed and not result.held:
        return digest
    return (result.written, result.failed, result.held, digest)


# What a streamed fill's `result.changed` entries keep of the contents: nothing. One mapping
# that cannot change, shared by all of them, rather than an empty dict each (1.3 MB at 20,000).
_NO_CONTENTS: Mapping[str, str] = MappingProxyType({})


class SinceLastFill:
    """The last complete fill of `vault`, for a caller that fills with an index it loaded
    itself after taking the notes' `stamps` (`manifest.note_stamps`): `watch`'s first fill
    plans only `reach` (the notes whose blocks may differ from what that fill wrote; None: any
    note's), as `fill` does, and, once it wrote every change, records itself (`recorder`)."""

    def __init__(self, vault: Vault, index: VaultIndex, stamps: manifest.Stamps) -> None:
        self._vault, self._index, self._stamps = vault, index, stamps
        self._settings = manifest_key(vault)
        self._earlier = manifest.earlier(vault, self._settings, stamps)
        self._parses: dict[str, str | None] = {}  # those worked out for `reach`
        self.reach = _reach_since(index, self._earlier, stamps, dashboard_of(vault),
                                  self._parses)

    def recorder(self, written: Mapping[str, str],
                 replan: Iterable[str]) -> Callable[[], None]:
        """What records a complete fill, when called: every note of `reach` planned and every
        change written (`written`: path -> the text written); `replan`: the notes left alone.
        Recorded only when the vault on disk is exactly that (`_record_if_undisturbed`), so
        the next `fill` or first fill reads nothing, or only what the edits since reach.

        Every note's parse digest is recorded, as a `build` records them: a note edited
        before the next start, with prose only, then reaches only itself. Unknown, the edit
        reached every note its links reached then (~1,000 notes planned at 5,000 for three
        careers, 0.4 s of a `serve` start). Worked out once (~0.5 s at 5,000 notes), then
        carried from record to record; only the notes written since are worked out again.

        Worked out now, from this index; saved by the function returned, from what it was
        given only (so any thread may call it, later: `serve` saves it once its site answers).
        The vault on disk is checked then, as always: a note saved in between means no
        record, and the next start plans what the edits reach."""
        digests = Digests()
        for path in sorted(written):
            digests.add(path, bytes_digest(written[path].encode("utf-8")))
        digests.seal()
        graph = _graph_to_record(self._index, self._stamps, replan, self._earlier,
                                 self._parses, set(written), every=True)
        vault, settings, stamps = self._vault, self._settings, self._stamps
        return lambda: _record_if_undisturbed(vault, settings, stamps, digests, graph)


def _reach_since(
    index: VaultIndex, earlier: manifest.Earlier | None, stamps: manifest.Stamps, dashboard: str,
    parses: dict[str, str | None],
) -> set[str] | None:
    """The notes whose blocks may differ from what the last complete fill wrote (None: any
    note's): when the notes are the ones it filled, under the same names and privacy, only
    the reach of the ones edited since (`refresh.reach_of_edits`), and the notes it could not
    fill (their problem is said again). An edited note that parses as it did then
    (`reach.parse_digest`, the digest put in `parses`) reaches only itself: every block is
    made from the index, which holds the same values for it."""
    if earlier is None or earlier.stamps.keys() != stamps.keys():
        return None
    if earlier.names != note_names(index):
        return None
    edited = {path: earlier.targets.get(path, []) for path, stamp in stamps.items()
              if earlier.stamps[path] != stamp}
    same = set()
    for path in edited:
        note = index.notes.get(path)
        now = parses[path] = parse_digest(note) if note is not None else None
        if now is not None and now == earlier.parses.get(path):
            same.add(path)
    reshaped = {path: targets for path, targets in edited.items() if path not in same}
    reach = reach_of_edits(index, reshaped, dashboard) if reshaped else set()
    return reach | same | set(earlier.replan)


def _graph_to_record(
    index: VaultIndex, stamps: manifest.Stamps, replan: Iterable[str],
    earlier: manifest.Earlier | None, parses: Mapping[str, str | None], written: set[str], *,
    every: bool,
) -> manifest.Graph | None:
    """What the record of a complete fill keeps of its notes' links and parses
    (`manifest.graph_of`; `_parses_to_record` for `earlier`, `parses`, `written`, `every`)."""
    return manifest.graph_of(note_names(index), stamps, index.targets, replan,
                             _parses_to_record(index, earlier, stamps, parses, written,
                                               every=every))


def _parses_to_record(
    index: VaultIndex, earlier: manifest.Earlier | None, stamps: manifest.Stamps,
    parses: Mapping[str, str | None], written: set[str], *, every: bool,
) -> Callable[[str], str | None]:
    """Each note's parse digest for the record (see `_reach_since`): the one worked out now,
    or the last record's for a note not edited since; none for a note this fill wrote (its
    parse was of the text before). The others are worked out only when `every` (~0.1 ms a
    note: a `build`, next to which that is nothing; a bare `fill` records them as unknown)."""

    def parse_of(path: str) -> str | None:
        if path in written:
            return None
        if path in parses:
            return parses[path]
        if earlier is not None and earlier.stamps.get(path) == stamps.get(path):
            known = earlier.parses.get(path)
            if known is not None:
                return known
        note = index.notes.get(path) if every else None
        return parse_digest(note) if note is not None else None

    return parse_of


def blocks_digest(contents: Mapping[str, str]) -> bytes:
    """A digest of a note's blocks, by name and content (as `current_contents` gives them):
    equal for equal mappings, and, being a 128-bit BLAKE2 hash with each part's length
    before it, different for any two that differ."""
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(contents):
        content = contents[name]
        digest.update(f"{len(name)}\0{name}\0{len(content)}\0".encode())
        digest.update(content.encode("utf-8", "surrogatepass"))
    return digest.digest()


class Digests:
    """A 16-byte digest for each of many paths, held in two arrays rather than a dict of
    bytes objects: ~25 bytes a note rather than ~90 (at 20,000 notes, 1.3 MB less at the
    peak of a first fill, whose memory budget is that close). `add` each path once, then
    `seal`; `get` answers what a dict would (tests/test_fill_streamed.py)."""

    SIZE = 16

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._digests = bytearray()

    def add(self, path: str, digest: bytes) -> None:
        assert len(digest) == self.SIZE
        self._paths.append(path)
        self._digests += digest

    def seal(self) -> None:
        """Sort by path, for `get`: after the last `add`. (A vault's notes come in the walk's
        order, nearly always sorted already: then nothing is built, not even for a moment.)"""
        paths = self._paths
        if all(paths[i] < paths[i + 1] for i in range(len(paths) - 1)):
            return
        order = sorted(range(len(paths)), key=paths.__getitem__)
        size = self.SIZE
        digests = bytearray()
        for i in order:
            digests += self._digests[i * size:(i + 1) * size]
        self._paths = [paths[i] for i in order]
        self._digests = digests

    def get(self, path: str) -> bytes | None:
        at = bisect.bisect_left(self._paths, path)
        if at == len(self._paths) or self._paths[at] != path:
            return None
        return bytes(self._digests[at * self.SIZE:(at + 1) * self.SIZE])

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.get(path) is not None

    def items(self) -> Iterator[tuple[str, bytes]]:
        """(path, digest) of each path, in path order (after `seal`)."""
        size = self.SIZE
        for at, path in enumerate(self._paths):
            yield path, bytes(self._digests[at * size:(at + 1) * size])


def bytes_digest(data: bytes) -> bytes:
    """A digest of a file's bytes: equal for equal bytes and, being a 128-bit BLAKE2 hash,
    different for any two that differ."""
    return hashlib.blake2b(data, digest_size=Digests.SIZE).digest()


def _file_digest(path: Path) -> bytes:
    """`bytes_digest` of the file at `path`, read a megabyte at a time: the dashboard's bytes
    (5.6 MB at 20,000 notes) are not held whole at the end of a fill."""
    digest = hashlib.blake2b(digest_size=Digests.SIZE)
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.digest()


def text_digest(text: str) -> bytes:
    """A digest of a note's text: equal for equal texts and, being a 128-bit BLAKE2 hash,
    different for any two that differ. The `bytes_digest` of the text as `NoteTexts` holds it."""
    return bytes_digest(encoded(text))


def _plan_streamed(
    vault: Vault, index: VaultIndex, note: Note, held: bytes | None, source: bytes | None,
    followups: Sequence[FollowUpLike], concerning: Mapping[str, Sequence[FollowUpLike]],
    dashboard: str, hide_private: bool, *, lazy: bool = True,
) -> NoteChange | Diagnostic | None:
    """`plan_note` for a fill streaming through the vault: the note's text is read again only
    when its wanted blocks differ from what they held when it was indexed (`held`, their
    `blocks_digest`; None for a note that had none). The same answer as `plan_note` given the
    text the note was indexed from (tests/test_fill_streamed.py). Read again with the text
    it was indexed from (`source`, its `text_digest`), the note is spliced from its indexed
    parse; saved since, the new text is parsed for the splice. Not `lazy`: the change keeps
    its rendered blocks (for a caller that hands it on at once), else it renders them again
    only if asked for them (`RenderedAgain`)."""
    blocking = _blocking(note)
    if blocking is not None:
        return blocking
    shown = followups if is_dashboard(note, dashboard) else concerning.get(note.path, [])
    wanted = desired_blocks(index, note, shown, dashboard, hide_private)
    if not wanted or (held is not None and blocks_digest(wanted) == held):
        return None
    text = _read_text(vault, note.path)
    if text is None:
        return None
    planned = _plan_text(note, text, wanted,
                         parsed=source is not None and text_digest(text) == source)
    if not isinstance(planned, NoteChange) or not lazy:
        return planned
    # The new text is kept, the blocks' contents rendered again only if the note is saved
    # before it is written (`apply_changes` then splices them into the saved text): the
    # dashboard's block and its new text at once were 10.5 MB each at 20,000 notes, at the
    # peak of a first fill.
    return replace(planned, contents=RenderedAgain(
        lambda: desired_blocks(index, note, shown, dashboard, hide_private)))


class RenderedAgain(Mapping[str, str]):
    """A note's wanted blocks (name -> content), worked out by `render` when first read, then
    kept. `render` must be pure and its inputs left unchanged meanwhile (in a fill the index
    and the follow-ups do not change): then this holds what planning held."""

    def __init__(self, render: Callable[[], Mapping[str, str]]) -> None:
        self._render: Callable[[], Mapping[str, str]] | None = render
        self._contents: Mapping[str, str] = {}

    def _made(self) -> Mapping[str, str]:
        if self._render is not None:
            self._contents, self._render = self._render(), None
        return self._contents

    def __getitem__(self, name: str) -> str:
        return self._made()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())


def _clean_leftovers(vault: Vault, result: FillResult) -> None:
    """Remove the temp files an interrupted write left (§6); report the previous versions of
    hard-linked notes such a write kept, which only the user can judge."""
    leftovers = remove_stale_temps(vault.notes_dir)
    notes_dir = vault.notes_dir
    result.cleaned = [p.relative_to(notes_dir).as_posix() for p in leftovers.removed]
    for backup in leftovers.backups:
        result.skipped.append(Diagnostic(
            backup.relative_to(notes_dir).as_posix(), None, "warning", "write-failed",
            "the previous version of a hard-linked note, kept by a write that was interrupted: "
            "check that note, then delete this file"))


def _read_text(vault: Vault, path: str) -> str | None:
    data = read_file(vault, path, walked=True)  # a path of the index: walked
    try:
        return None if isinstance(data, OSError) else data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # gone or unreadable since it was indexed: nothing to fill


def _record_if_undisturbed(
    vault: Vault, dashboard: str, before: manifest.Stamps,
    written: Mapping[str, bytes] | Digests, graph: manifest.Graph | None = None,
) -> None:
    """Record the manifest only when the vault on disk is exactly what this fill computed:
    every note we did not write is as it was when we read it, and every note we wrote holds
    our bytes (`written`: path -> `bytes_digest` of the bytes written). A save racing the fill
    means no record, so the next fill does the full work."""
    after = manifest.note_stamps(vault)
    for path in before.keys() | after.keys():
        if path not in written and before.get(path) != after.get(path):
            return manifest.forget(vault)
    for path, digest in written.items():
        try:
            if _file_digest(vault.abs(path)) != digest:
                return manifest.forget(vault)
        except OSError:
            return manifest.forget(vault)
    manifest.record(vault, dashboard, after, graph)
    return None
