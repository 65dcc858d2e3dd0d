"""What every dashboard's rows are made of: the `SiteView` (the index as the site may show it),
a `Ref` to a note, a `Url`, and the small readers the rows share (notes by name, the public notes
linking to one, a note's tags as filters read them)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from ..followups import (
    FollowUp,
    followups_by_note,
    open_followups,
)
from ..index import VaultIndex
from ..notes import CompanyFields, ContactFields, Note
from ..privacy import PRIVATE_NOTE_TEXT, UNPUBLISHED_BY_DEFAULT
from ..tags import tag_key, tag_name, with_parents

PRIVATE_TEXT = PRIVATE_NOTE_TEXT

RefStatus = Literal["ok", "private", "broken", "ambiguous"]
T = TypeVar("T")


@dataclass(frozen=True)
class Ref:
    """A pointer to a note as the site shows it. `path` is set only when status is "ok"."""

    status: RefStatus
    text: str
    path: str | None = None
    heading: str | None = None


@dataclass(frozen=True)
class Url:
    """A web address from front matter (shown as a link)."""

    href: str


CardItem = Ref | Url | dt.date | str


class SiteView:
    """The index as the site may show it.

    `extra_private` names notes to treat as private although their front matter does not say so
    (a note whose front matter failed to parse but mentions `private:`): they are marked private
    in a copy of the index, so every library function (follow-ups, blocks, the calendar feed)
    leaves them out too.

    `memo` holds what was worked out from the view (`worked_out`): a dashboard's rows, the
    network. The site hands a later build's view the same memo when nothing any of it reads
    has changed (`site.dashboards.GeneratedPages`), so a save that changes no dashboard works
    none of them out again.

    `previous`, a view of an earlier build whose `all_followups` are the very list given as
    `followups`: what this view makes of them alone (the ones it shows, by note) is taken from
    it when the same notes are private (a save that changes no follow-up, while serving).
    """

    def __init__(
        self,
        index: VaultIndex,
        publish_fields: Iterable[str] = (),
        extra_private: Iterable[str] = (),
        followups: list[FollowUp] | None = None,
        previous: SiteView | None = None,
    ) -> None:
        extra = [p for p in extra_private if p in index.notes and not index.notes[p].private]
        if extra:
            followups = None  # they were worked out with these notes public
        if extra:
            index = VaultIndex(
                (dataclasses.replace(note, private=True) if note.path in extra else note
                 for note in index.notes.values()),
                settings=index.settings,
            )
        self.index = index
        self.publish_fields = frozenset(str(f).lower() for f in publish_fields)
        self.hidden = frozenset(p for p, note in index.notes.items() if note.private)
        every = open_followups(index) if followups is None else followups
        # Private ones included: the calendar feed filters its own.
        self.all_followups: list[FollowUp] = every
        self.followups: list[FollowUp]
        self.followups_of: dict[str, list[FollowUp]]
        self._hidden_followups_touch: frozenset[str]
        if (previous is not None and followups is not None and not extra
                and previous.all_followups is followups and previous.hidden == self.hidden):
            self.followups = previous.followups
            self.followups_of = previous.followups_of
            self._hidden_followups_touch = previous._hidden_followups_touch
        else:
            self.followups = [f for f in every if self.shows(f)]
            # Each note's follow-ups (from it or about it), in the sorted order.
            self.followups_of = followups_by_note(self.followups)
            # Notes that a hidden follow-up is from or about: their blocks say something
            # private.
            shown = set(self.followups)
            self._hidden_followups_touch = frozenset(
                path for f in every if f not in shown for path in (f.note, f.contact) if path)
        touched = set(self._hidden_followups_touch)
        # Notes a public note links to in the same breath as a private one: their "Linked from"
        # entries may quote a sentence that names it (as plain text).
        for path in self.hidden:
            for backlink in index.backlinks(path):
                if backlink.source not in self.hidden:
                    touched |= index.targets(backlink.source)
        self.touched_by_private = frozenset(touched)
        self.memo: dict[Hashable, Any] = {}

    def worked_out(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, once for this view and the views its `memo` is handed to: `key` names
        the question, one key, one kind of answer."""
        if key not in self.memo:
            self.memo[key] = compute()
        found: T = self.memo[key]
        return found

    def shows(self, followup: FollowUp) -> bool:
        """True for a follow-up the site may show: it names no private note."""
        return (not followup.private and followup.note not in self.hidden
                and followup.contact not in self.hidden)

    def shows_note(self, note: Note) -> bool:
        """Whether the site publishes this note (the `shown` filter of the library's rules)."""
        return note.path not in self.hidden

    def is_public(self, path: str | None) -> bool:
        return path is not None and path in self.index.notes and path not in self.hidden

    def public_notes(self) -> list[Note]:
        """Every note the site publishes, in path order."""
        return [note for note in self.index if note.path not in self.hidden]

    def ref(self, target: str, heading: str | None = None, text: str | None = None,
            source: str | None = None) -> Ref:
        """Where a link target written in the note at `source` goes, as the site may show it
        (§4 resolution, the note's own folder first)."""
        resolution = self.index.resolve(target, source=source)
        # A true tie goes to the note the index picks, as in a note's body (`check` warns).
        if resolution.status in ("ok", "ambiguous") and resolution.path is not None:
            if resolution.path in self.hidden:
                return Ref("private", PRIVATE_TEXT)
            return Ref("ok", text or self.index.notes[resolution.path].name, resolution.path,
                       heading)
        if resolution.status == "ambiguous":
            return Ref("ambiguous", text or target)
        return Ref("broken", text or target)

    def note_ref(self, path: str) -> Ref:
        """A link to a note by its path (private notes become "a private note")."""
        if path in self.hidden or path not in self.index.notes:
            return Ref("private", PRIVATE_TEXT)
        return Ref("ok", self.index.notes[path].name, path)

    def field_allowed(self, key: str) -> bool:
        """False for the fields that stay off the site unless `publish_fields` lists them."""
        key = key.lower()
        return key not in UNPUBLISHED_BY_DEFAULT or key in self.publish_fields


def by_name(notes: Iterable[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (n.name.lower(), n.path))


def optional_ref(view: SiteView, target: str | None, source: str) -> Ref | None:
    return view.ref(target, source=source) if target else None


def public_sources(view: SiteView, path: str, field: str, note_type: str) -> list[Note]:
    """Public notes of a type whose front-matter `field` links to `path`, in path order."""
    out: dict[str, Note] = {}
    for backlink in view.index.backlinks(path):
        source = view.index.notes.get(backlink.source)
        if (backlink.link.field == field and source is not None and source.type == note_type
                and view.is_public(source.path)):
            out[source.path] = source
    return [out[p] for p in sorted(out)]


def row_tags(note: Note) -> tuple[str, ...]:
    """A public note's tags as its row's filters offer them: each tag and the tags it is nested
    in (`#a/b` is under `#a` too, as on the tag pages), once whatever the case, by name."""
    found: dict[str, str] = {}
    for name in filter(None, map(tag_name, note.tags)):
        for level in with_parents(name):
            found.setdefault(tag_key(level), level)
    return tuple(sorted(found.values(), key=tag_key))


def shown_location(view: SiteView, fields: ContactFields | CompanyFields) -> str | None:
    return fields.location if view.field_allowed("location") else None
