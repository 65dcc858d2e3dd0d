"""Follow-up ids: the short names `followups` shows beside each item and `done` and `snooze` are
given. An id is worked out from what makes an item the same from one run to the next (its kind,
note, person and, for a task, its text), never from its date or line, so it survives both.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from .followups import FollowUp
from .schema import ADD_REFERRAL, TASK

# Characters of an id; more only where two items' ids would otherwise be the same.
ID_LENGTH = 6
# The kinds one note may give several of for the same person: their title tells them apart.
_TITLED_KINDS = frozenset({TASK, ADD_REFERRAL})


def _identity(followup: FollowUp) -> str:
    """What makes a follow-up the same item from one run to the next: its kind, note and
    person, and for a task (or an offered name) its text without its dates, so that moving a
    due date, a line or another item keeps the id."""
    parts = [followup.kind, followup.note, followup.contact or ""]
    if followup.kind in _TITLED_KINDS:
        parts.append(followup.text or followup.title)
    return "\x00".join(parts)


def _digest(identity: str, occurrence: int) -> str:
    data = f"{identity}\x00{occurrence}".encode("utf-8", "surrogatepass")
    raw = hashlib.blake2b(data, digest_size=20).digest()
    return base64.b32encode(raw).decode("ascii").lower()


def _full_ids(followups: Sequence[FollowUp]) -> list[str]:
    """Each follow-up's whole id (32 characters), in the order given."""
    digests = [""] * len(followups)
    seen: dict[str, int] = {}
    for i in sorted(range(len(followups)),
                    key=lambda i: (followups[i].note, followups[i].line or 0)):
        identity = _identity(followups[i])
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        digests[i] = _digest(identity, occurrence)
    return digests


def followup_ids(followups: Sequence[FollowUp]) -> list[str]:
    """A short id for each follow-up, in the order given: the same item gets the same id on
    every run while it exists (its kind, note, person and, for a task, its text decide it;
    not its date or line). Two items alike in all of that (the same task twice in a note) are
    told apart by their order in the note. Ids are ID_LENGTH lower-case letters and digits,
    longer only where two would otherwise be equal; no two items of the list share one."""
    digests = _full_ids(followups)
    ids = [d[:ID_LENGTH] for d in digests]
    clashes: dict[str, list[int]] = {}
    for i, short in enumerate(ids):
        clashes.setdefault(short, []).append(i)
    for group in clashes.values():
        length = ID_LENGTH
        while len({digests[i][:length] for i in group}) < len(group) and length < 32:
            length += 1
        for i in group:
            ids[i] = digests[i][:length]
    return ids


def find_followup(followups: Sequence[FollowUp], wanted: str) -> FollowUp | None:
    """The follow-up `wanted` names: the start of exactly one item's whole id, four characters
    or more (any case, spaces around ignored), so an id shown by `followups` (ID_LENGTH
    characters, or longer) finds its item. None if no item, or several, match."""
    found = followups_named(followups, wanted)
    return found[0] if len(found) == 1 else None


def followups_named(followups: Sequence[FollowUp], wanted: str) -> list[FollowUp]:
    """Every follow-up whose whole id starts with `wanted` (four characters or more, any case,
    spaces around ignored; none when shorter): what `find_followup` needs to be exactly one."""
    wanted = wanted.strip().lower()
    if len(wanted) < 4:
        return []
    full = _full_ids(followups)
    return [f for f, fid in zip(followups, full, strict=True) if fid.startswith(wanted)]
