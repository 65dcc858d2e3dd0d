"""What a change reaches: after some notes changed, which notes' generated blocks (or pages)
may now differ. Pure, and shared by `watch` (which rewrites those notes' blocks) and the site's
`serve` (which rebuilds those pages).

`apply_updates` puts the changed notes into the long-lived index and brings the cached
follow-ups (`FollowUpCache`) up to date; `notes_to_refresh` turns the resulting `IndexChange`
into the notes to fill again. The answer must make the blocks equal what a full `fill` would
write (a superset is fine; missing one is a bug).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .blocks import DASHBOARD_NOTE
from .fill import NoteChange, plan_fill
from .followups import FollowUp, followups_by_note, open_followups
from .index import VaultIndex
from .notes import Diagnostic, Note
from .reach import dashboard_path, learning_reach, network_reach, prep_reach


class _Scoped:
    """The index as `open_followups` should see it to work out some notes' follow-ups: iterating
    gives only those notes, while every lookup (links, backlinks, names) sees the whole vault."""

    def __init__(self, index: VaultIndex, paths: Iterable[str]) -> None:
        self._index = index
        self._paths = sorted(path for path in paths if path in index.notes)

    def __iter__(self) -> Iterator[Note]:
        for path in self._paths:
            yield self._index.notes[path]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)


class FollowUpCache:
    """Open follow-ups (§10) per note they come from, kept current note by note.

    A note's follow-ups depend only on the note, the notes it links to and the notes linking to
    it, so after a change only those are worked out again (the whole vault takes ~0.15 s per
    5,000 notes, too much to repeat on every save).
    """

    def __init__(self, index: VaultIndex, found: Iterable[FollowUp] | None = None) -> None:
        """`found`: `open_followups(index)` of this very index, if the caller has it already
        (`build`: its fill worked them out; ~0.3 s at 5,000 notes)."""
        self._by_note: dict[str, list[FollowUp]] = {}
        for followup in open_followups(index) if found is None else found:
            self._by_note.setdefault(followup.note, []).append(followup)
        self._all: list[FollowUp] | None = None

    def all(self) -> list[FollowUp]:
        """Every open follow-up, in `open_followups` order."""
        if self._all is None:
            self._all = sorted((f for items in self._by_note.values() for f in items),
                               key=FollowUp.sort_key)
        return self._all

    def recompute(
        self, index: VaultIndex, paths: Iterable[str]
    ) -> tuple[tuple[FollowUp, ...], tuple[FollowUp, ...]]:
        """Work out these notes' follow-ups again; return theirs (before, after), sorted."""
        wanted = set(paths)
        before = sorted((f for path in wanted for f in self._by_note.get(path, ())),
                        key=FollowUp.sort_key)
        after = [f for f in open_followups(_Scoped(index, wanted))  # type: ignore[arg-type]
                 if f.note in wanted]
        for path in wanted:
            self._by_note.pop(path, None)
        for followup in after:
            self._by_note.setdefault(followup.note, []).append(followup)
        if before != after:
            self._all = None
        return tuple(before), tuple(after)


@dataclass(frozen=True)
class IndexChange:
    """What one batch did to the index.

    `paths`: notes put or removed; `affected`: the other notes `put`/`remove` said changed view;
    `names`: lower-cased note names that came or went (a name shared by several notes changes
    how each of them is linked); `followups_before`/`_after`: the follow-ups of every note whose
    follow-ups could have changed, before and after, to see whose lists moved.
    """

    paths: frozenset[str]
    affected: frozenset[str]
    names: frozenset[str]
    followups_before: tuple[FollowUp, ...]
    followups_after: tuple[FollowUp, ...]


def apply_updates(
    index: VaultIndex, updates: Mapping[str, Note | None], followups: FollowUpCache
) -> IndexChange:
    """Put each note (None: remove it) into the index, in path order, bring the follow-ups up to
    date, and say what changed."""
    affected: set[str] = set()
    names: set[str] = set()
    for path in sorted(updates):
        note = updates[path]
        old = index.get(path)
        if note is None:
            if old is not None:
                names.add(old.name.lower())
                affected |= index.remove(path)
            continue
        if old is None:  # a path's name never changes: only arrivals bring names
            names.add(note.name.lower())
        else:  # an alias that came or went shares a name with the notes of that name
            names.update(alias.lower() for alias in set(old.aliases) ^ set(note.aliases))
        affected |= index.put(note)
        if old is not None and old.private != note.private:
            # How every note of its names is linked and shown ("a private note") may flip.
            names.update(name.lower() for name in (note.name, *note.aliases))
            # Quotes in other notes' blocks that name it change with it (§5: "a private note"
            # under `hide_private_in_files`): the notes linked from where it is linked.
            for backlink in index.backlinks(path):
                affected |= index.targets(backlink.source)
    # Whose follow-ups can differ: the changed notes, those whose links or backlinks moved
    # (e.g. a contact gaining a done interview), and those linking to a changed note (a task
    # line's person is the first *contact* linked on it, so a type change matters).
    reach = set(updates) | affected
    for path in updates:
        reach.update(backlink.source for backlink in index.backlinks(path))
    before, after = followups.recompute(index, reach)
    return IndexChange(
        paths=frozenset(updates), affected=frozenset(affected), names=frozenset(names),
        followups_before=before, followups_after=after,
    )


def _shown(followup: FollowUp) -> tuple[Any, ...]:
    """What a block shows of a follow-up (not its line: a block's own rewrite moves lines).
    Whether it is private too: the dashboard shows a private one as "a private note", so a
    note turning private changes the dashboard though no title or date moved."""
    return (followup.kind, followup.due, followup.title, followup.note, followup.contact,
            followup.private)


def _followups_by_note(followups: Iterable[FollowUp]) -> dict[str, list[tuple[Any, ...]]]:
    """Per note, what its `related` block shows of the follow-ups it lists (its own and those
    concerning it: `followups_by_note`)."""
    return {path: [_shown(followup) for followup in listed]
            for path, listed in followups_by_note(followups).items()}


def notes_to_refresh(
    index: VaultIndex, change: IndexChange, dashboard: str = DASHBOARD_NOTE
) -> set[str]:
    """The notes whose generated blocks may differ after `change` (a superset; never misses one).

    A block shows its note's own fields, the notes linking into it, the follow-ups that come from
    or concern it, and how each shown note is linked. So, besides the changed notes and the ones
    `put`/`remove` reported: every note whose follow-up list moved (a done interview with C
    changes C's thank-introducer item, which shows on the introducer X's note); the dashboard
    when any follow-up moved; and, when a name came or went, everything that shows a note of
    that name, since `[[Name]]` may have become `[[folder/Name]]` (or back).
    """
    refresh = set(change.paths) | set(change.affected)
    before, after = change.followups_before, change.followups_after
    if before != after:
        by_note_before, by_note_after = _followups_by_note(before), _followups_by_note(after)
        for path in by_note_before.keys() | by_note_after.keys():
            if by_note_before.get(path) != by_note_after.get(path):
                refresh.add(path)
        if [_shown(f) for f in before] != [_shown(f) for f in after]:
            refresh.add(dashboard)
    # Notes that did not change but share a name with one that came or went: how they are
    # linked may have flipped. (The changed notes' own places are covered above.)
    shifted = [note for note in index.notes.values()
               if note.name.lower() in change.names and note.path not in change.paths]
    if shifted:
        refresh.add(dashboard)
        for note in shifted:
            # Its targets show it as a source, and its follow-ups show on the person they
            # concern, who is the note itself or a note it links to.
            refresh |= index.targets(note.path)
            for backlink in index.backlinks(note.path):
                refresh.add(backlink.source)
                refresh |= index.targets(backlink.source)  # e.g. "offered ... by [[Name]]"
    touched = set(change.paths) | set(change.affected) | {note.path for note in shifted}
    refresh |= network_reach(index, touched)
    refresh |= learning_reach(index, touched)
    refresh |= prep_reach(index, touched | set(change.paths))
    found = dashboard_path(index, dashboard)
    if dashboard in refresh and found is not None:
        refresh.add(found)
    return {path for path in refresh if path in index.notes}


def plan_refresh(
    index: VaultIndex, texts: Mapping[str, str], followups: Sequence[FollowUp],
    dashboard: str = DASHBOARD_NOTE, hide_private: bool = False,
) -> tuple[list[NoteChange], list[Diagnostic]]:
    """`fill.plan_fill` for the notes in `texts`, with follow-ups the caller keeps current."""
    return plan_fill(index, dict(texts), texts.keys(), dashboard, list(followups), hide_private)
