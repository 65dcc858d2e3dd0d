"""What an edit reaches: which notes' generated blocks may show a changed note. Pure.

`refresh.notes_to_refresh` asks it while `watch` runs, knowing each change as it comes;
`reach_of_edits` asks it for a later run (`fill`, the site), which knows only the notes edited
since a record of the last complete fill and what they linked to then.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from collections.abc import Collection, Mapping

from . import prep
from .blocks import DASHBOARD_NOTE
from .index import VaultIndex
from .notes import Note
from .schema import CONTACT, INTERVIEW, NOTE_TYPES


def dashboard_path(index: VaultIndex, dashboard: str = DASHBOARD_NOTE) -> str | None:
    wanted = dashboard.lower()
    if dashboard in index.notes:
        return dashboard
    return next((path for path in index.notes if path.lower() == wanted), None)


def note_names(index: VaultIndex) -> str:
    """A digest of which notes there are, by what names links reach them, and which are
    private: what `reach_of_edits` needs unchanged since the run it is asked about."""
    digest = hashlib.sha256()
    for path in sorted(index.notes):
        note = index.notes[path]
        digest.update(json.dumps([path, note.name, list(note.aliases), note.private]).encode())
    return digest.hexdigest()


def parse_digest(note: Note) -> str | None:
    """A digest of everything the index holds of `note` (its parse), or None when it cannot be
    made. Every block and every page's inputs are made from the index; so a note edited since
    a run that recorded this digest, and parsing to the same digest now (prose added outside
    its links, fields, tasks, headings, blocks and insights), reaches no note but itself: the
    later run (`fill`, the site) works out the edit's reach only for the notes whose digest
    moved, as `watch` does for a save that parses the same (`Watcher._batch`).

    The bytes of the note pickled without pickle's memo, so the digest is of the values only
    (which of their parts are one object does not count): equal digests mean notes built of
    the very same values, from which every pure function gives the same answer. Two equal
    notes may digest apart (a mapping's keys in another order): then the edit is only worked
    out in full. A 128-bit BLAKE2 hash: nothing of the note can be read back from it."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # (no memo: see above)
    try:
        pickler.dump(note)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError):
        return None
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


def reach_of_edits(
    index: VaultIndex, edited: Mapping[str, Collection[str]], dashboard: str = DASHBOARD_NOTE
) -> set[str]:
    """The notes whose generated blocks may differ from what a complete fill wrote before the
    notes of `edited` were edited, each given with the notes it linked to then: what
    `notes_to_refresh` finds while `watch` runs, found by a later run (`fill`, `build`) from
    a record of the earlier one. A superset; never misses one.

    Only for edits: the caller checks that no note came or went and none changed its name, its
    aliases or its privacy since (any of those: every note's blocks). The follow-ups of then
    are not known, so every note a follow-up of then or now may show on counts: the notes whose
    follow-ups `FollowUpCache` would work out again (the edited ones, the notes they link or
    linked to, the notes linking to them), every note one of those links to (its people), and
    the note each such person's `introduced_by` field names (a thank-you for an introduction
    lists the introducer)."""
    paths = {path for path in edited if path in index.notes}
    then = {path: set(edited[path]) for path in paths}

    def targets(path: str) -> set[str]:
        return index.targets(path) | then.get(path, set())

    affected: set[str] = set()
    for path in paths:
        affected |= targets(path)
    again = paths | affected
    for path in paths:
        again.update(backlink.source for backlink in index.backlinks(path))
    people = set(again)
    for path in again:
        people |= targets(path)
    for path in people - again:
        people |= linked_by(index, path, "introduced_by")
    touched = paths | affected
    refresh = again | people | touched
    refresh |= network_reach(index, touched)
    refresh |= learning_reach(index, touched)
    refresh |= prep_reach(index, touched)
    found = dashboard_path(index, dashboard)
    if found is not None:  # it lists every follow-up: some may have moved
        refresh.add(found)
    return {path for path in refresh if path in index.notes}


def network_reach(index: VaultIndex, touched: set[str]) -> set[str]:
    """The notes whose network sections (§12, `blocks`) may show one of `touched`.

    "Offered to introduce you to" on X shows the state of each person Y that X offered, which
    reads Y's note and every conversation with Y: so a touched note reached by a `referrals`
    link (Y itself, or Y reached from a conversation that names Y) reaches the people of the
    conversations that offered Y. The introduction chain of Z reads each introducer upward, so
    a touched note reaches everyone below it: the contacts whose `introduced_by` names it and
    the people offered in conversations it took part in, and theirs in turn."""
    people = set(touched)
    for path in touched:
        people |= index.targets(path)  # an interview names Y in `with` or `referrals`
    reach = set(people)
    # Each linking note looked at once, however many times it links (a note listing a person
    # thousands of times made this quadratic).
    offering = {backlink.source for path in people for backlink in index.backlinks(path)
                if backlink.link.field == "referrals"}
    for source in offering:
        reach |= linked_by(index, source, "with")
    # Everyone below a touched note in some chain (each visited once: loops end).
    todo = sorted(people)
    seen = set(todo)
    while todo:
        path = todo.pop()
        below: set[str] = set()
        met_in: set[str] = set()
        for backlink in index.backlinks(path):
            if backlink.link.field == "introduced_by":
                below.add(backlink.source)
            elif backlink.link.field == "with":
                met_in.add(backlink.source)
        for source in met_in:
            below |= linked_by(index, source, "referrals")
        for found in below - seen:
            seen.add(found)
            todo.append(found)
            reach.add(found)
    return reach


def learning_reach(index: VaultIndex, touched: set[str]) -> set[str]:
    """The companies whose roll-up (§13, "What people told me") may show one of `touched`.

    A company's roll-up reads the conversations naming it and those with the people who work
    there, so a conversation reaches its people's companies, not only the notes it links to.
    An edited conversation's people are among `touched` (`put` reports the targets it had and
    has), as is a person whose company moved (the old company too): so each touched contact
    reaches its company. A career's roll-up reads only the conversations linking to it, which
    `put` reports already."""
    reach: set[str] = set()
    for path in touched:
        note = index.notes.get(path)
        if note is not None and note.type == CONTACT:
            reach |= linked_by(index, path, "company")
    return reach


def prep_reach(index: VaultIndex, touched: set[str]) -> set[str]:
    """The planned conversations whose brief (§13, the `prep` block) may show one of `touched`.

    A brief reads its people, their introducers, its companies and careers (`prep.footprint`)
    and, through them, many notes: earlier conversations with the people, the companies'
    contacts and their conversations, the careers' open questions (which link conversations),
    the bank. So a touched note reaches a planned conversation when its own footprint meets
    that one's: a note, the notes it links to and the notes linking to it, and the companies
    of the contacts among them. A touched note of no schema type (maybe a bank, or one no
    longer), or one removed, reaches every planned conversation: there are few."""
    planned = [note.path for note in index.by_type(INTERVIEW) if prep.is_planned(note)]
    if not planned:
        return set()
    near: set[str] = set()
    for path in touched:
        note = index.notes.get(path)
        if note is None or note.type not in NOTE_TYPES:
            return set(planned)
        around = {path, *index.targets(path)}
        around.update(backlink.source for backlink in index.backlinks(path))
        for other in list(around):
            found = index.notes.get(other)
            if found is not None and found.type == CONTACT:
                around |= linked_by(index, other, "company")
        near |= around
    return {path for path in planned if prep.footprint(index, path) & near}


def linked_by(index: VaultIndex, path: str, field: str) -> set[str]:
    """The notes the front-matter `field` of the note at `path` links to."""
    return {resolution.path for link, resolution in index.outgoing(path)
            if link.field == field and resolution.path is not None}
