"""Referrals and introductions (DESIGN §12): who offered to introduce whom, where each offer
stands, and the chain of introductions that led to a person. Pure functions of the index.

An **offer** is one name in the `referrals` of a done conversation: the interview's `with`
people offered to introduce that person. It is resolved from the interview's own path, as the
interview's links are. Its **state** says how far it went:

- `not added`: no note has the name yet;
- `to ask`: a note exists, nothing has happened yet;
- `asked`: `asked` is set (or `status: asked`), no conversation yet;
- `scheduled`: a conversation with them is planned (or `status: scheduled`);
- `met`: a done conversation with them (or `status: met` / `keep-warm`);
- `no-response`, `declined`, `paused`: the contact's `status` closed the outreach.

The issue names four states; `scheduled` and the closed ones are kept apart because "asked"
would otherwise say "waiting for them" of someone who already said yes, or no.

A referral naming one of the interview's own people (nobody introduces you to themselves) is
no offer. A name that resolves to a note of another type (`referrals: [[Acme]]`, "someone at
Acme") is an offer whose note exists: it is never "not added".

Everything here reads only a note, the notes it links to and the notes linking to it (through
the backlinks map), so the follow-up rules built on it stay right under the watcher's cache.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import schema
from .index import VaultIndex, fold
from .notes import ContactFields, InterviewFields, Note

NOT_ADDED, TO_ASK, ASKED, SCHEDULED, MET = "not added", "to ask", "asked", "scheduled", "met"
# Every state an offer can be in, in the order an introduction moves through them.
OFFER_STATES = (NOT_ADDED, TO_ASK, ASKED, SCHEDULED, MET,
                schema.NO_RESPONSE, schema.DECLINED, schema.PAUSED)
# How long a chain of introductions may get before `chain` stops following it.
MAX_CHAIN = 32
# Which notes a caller may read from (the site and a public note's block pass "is not private").
Shown = Callable[[Note], bool]


@dataclass(frozen=True)
class Person:
    """Someone named in a note: the name to show (their note's name, else the name as
    written), their note's path (None when the name has no note) and whether that note is
    private (a view shows a private one as "a private note", or not at all)."""

    name: str
    path: str | None = None
    private: bool = False


@dataclass(frozen=True)
class Offer:
    """One offered introduction: `who` was offered by `offered_by` (the conversation's `with`
    people, in order) in the interview at `interview`, on `date` (None when the interview has
    no usable date), for `careers` (the interview's `career` links). `state`: one of
    OFFER_STATES. `private`: the interview, the person or anyone who offered is private, so
    a view that must not reveal a private note leaves the offer out."""

    who: Person
    offered_by: tuple[Person, ...]
    interview: str
    date: dt.date | None
    careers: tuple[Person, ...]
    state: str
    private: bool

    def sort_key(self) -> tuple[object, ...]:
        """Undated last, then by date, interview and name."""
        return (self.date is None, self.date or dt.date.min, self.interview,
                fold(self.who.name))


@dataclass(frozen=True)
class Lead:
    """One person offered at least once (`leads` lists each person once): their offers in
    `Offer.sort_key` order (the first is the earliest), the offer state (the same for every
    offer of them) and whether any of it is private."""

    who: Person
    offers: tuple[Offer, ...]
    state: str
    private: bool

    @property
    def offered_by(self) -> tuple[Person, ...]:
        """Everyone who offered them, each once, in the order of the offers."""
        seen: dict[str, Person] = {}
        for offer in self.offers:
            for person in offer.offered_by:
                seen.setdefault(person.path or fold(person.name), person)
        return tuple(seen.values())

    @property
    def first_date(self) -> dt.date | None:
        """The date of the earliest dated offer (None when no offer has a date)."""
        return next((offer.date for offer in self.offers if offer.date is not None), None)


# --- offers -------------------------------------------------------------------------------------


def offers(index: VaultIndex) -> list[Offer]:
    """Every offered introduction in the vault (one per done interview and person), sorted by
    `Offer.sort_key`."""
    found: list[Offer] = []
    for note in index.by_type(schema.INTERVIEW):
        found.extend(offers_in(index, note))
    return sorted(found, key=Offer.sort_key)


def offers_in(index: VaultIndex, interview: Note, brief: bool = False) -> list[Offer]:
    """The offers one note makes: none unless it is a done interview; each distinct person of
    its `referrals` once, in the order written, leaving out its own `with` people.

    `brief`: leave `careers` empty and `state` blank, for the follow-up rules, which need
    neither (working out a state reads every conversation with the person)."""
    fields = interview.fields
    if (not isinstance(fields, InterviewFields) or fields.status != schema.DONE
            or not fields.referrals):
        return []
    people = tuple(resolve_people(index, fields.with_, interview.path))
    own = {_key(person) for person in people}
    careers = () if brief else tuple(resolve_people(index, fields.careers, interview.path))
    out: list[Offer] = []
    for who in resolve_people(index, fields.referrals, interview.path):
        if _key(who) in own:
            continue  # "Oluwaseun offered to introduce Oluwaseun": no introduction
        private = interview.private or who.private or any(p.private for p in people)
        state = "" if brief else offer_state(index, who.path)
        out.append(Offer(who, people, interview.path, fields.date, careers, state, private))
    return out


def offers_of(index: VaultIndex, path: str, brief: bool = False) -> list[Offer]:
    """The offers to introduce the person whose note is at `path`, sorted (`brief`: as for
    `offers_in`): the same offers `offers_in` makes of them.

    It reads only the backlinks from `referrals` (the entries that resolve to this person),
    never the rest of each list: every person of a 1,000-name list reading all 1,000 names
    made the rules quadratic in the list."""
    person = index.get(path)
    if person is None:
        return []
    who = Person(person.name, person.path, person.private)
    state = "" if brief else offer_state(index, path)
    found: list[Offer] = []
    for interview in _sources(index, path, "referrals"):
        fields = interview.fields
        if not isinstance(fields, InterviewFields) or fields.status != schema.DONE:
            continue
        people = tuple(resolve_people(index, fields.with_, interview.path))
        if any(_key(other) == _key(who) for other in people):
            continue  # offered by themself: no introduction (as in `offers_in`)
        careers = () if brief else tuple(resolve_people(index, fields.careers, interview.path))
        private = interview.private or who.private or any(p.private for p in people)
        found.append(Offer(who, people, interview.path, fields.date, careers, state, private))
    return sorted(found, key=Offer.sort_key)


def offers_from(index: VaultIndex, path: str) -> list[Offer]:
    """The introductions the person whose note is at `path` offered (they are among the
    conversation's `with` people), sorted: "Offered to introduce you to"."""
    found: list[Offer] = []
    for source in _sources(index, path, "with"):
        found.extend(offer for offer in offers_in(index, source)
                     if any(person.path == path for person in offer.offered_by))
    return sorted(found, key=Offer.sort_key)


def leads(index: VaultIndex) -> list[Lead]:
    """Every person offered at least once, each once with all their offers, in the order of
    their earliest offer. People without a note are told apart by their name (any case)."""
    grouped: dict[str, list[Offer]] = {}
    for offer in offers(index):
        grouped.setdefault(_key(offer.who), []).append(offer)
    return [Lead(items[0].who, tuple(items), items[0].state,
                 any(offer.private for offer in items))
            for items in grouped.values()]


def offer_state(index: VaultIndex, path: str | None, shown: Shown | None = None) -> str:
    """How far the introduction to the note at `path` went (one of OFFER_STATES).

    What happened wins over what was written down: a done conversation is `met`, a planned one
    `scheduled`, whatever `status` says; then a closed `status`; then `asked`. With `shown`,
    only the conversations it accepts count (a private conversation never shows through).
    """
    note = index.get(path) if path is not None else None
    if note is None:
        return NOT_ADDED
    statuses = {fields.status for source, fields in conversations_with(index, note.path)
                if shown is None or shown(source)}
    fields = note.fields
    status = fields.status if isinstance(fields, ContactFields) else None
    if schema.DONE in statuses or status in (schema.MET, schema.KEEP_WARM):
        return MET
    if schema.PLANNED in statuses or status == schema.SCHEDULED:
        return SCHEDULED
    if status in schema.CLOSED_STATUSES:
        return str(status)
    asked = isinstance(fields, ContactFields) and fields.asked is not None
    return ASKED if asked or status == schema.ASKED else TO_ASK


# --- the introduction chain ---------------------------------------------------------------------


def introducer(index: VaultIndex, path: str, shown: Shown | None = None) -> Person | None:
    """Who introduced the person whose note is at `path`: their `introduced_by`, else the first
    person of their earliest offer; None when neither names anyone. With `shown`, only offers
    made in conversations it accepts count."""
    note = index.get(path)
    if note is None:
        return None
    fields = note.fields
    if isinstance(fields, ContactFields) and fields.introduced_by:
        return resolve_people(index, (fields.introduced_by,), path)[0]
    for offer in offers_of(index, path, brief=True):
        source = index.get(offer.interview)
        if offer.offered_by and (shown is None or (source is not None and shown(source))):
            return offer.offered_by[0]
    return None


def chain(index: VaultIndex, path: str, limit: int = MAX_CHAIN,
          shown: Shown | None = None) -> list[Person]:
    """The introductions that led to the person at `path`, first introducer first and the
    person last: [Marisol Vega, Priya Raman, Kwame Asante] when Marisol introduced Priya and
    Priya introduced Kwame. Just [the person] when nobody introduced them; [] when `path` is
    no note.

    It follows `introducer` upward and stops at a name without a note, at someone already in
    the chain (a loop: Ann introduced Bob, Bob introduced Ann) and after `limit` people. A
    private person stays in the list, marked: the view decides how to hide them.

    With `shown` (a view that must not read a private note), only offers made in
    conversations it accepts are followed, and the chain stops at a person whose note it
    refuses: that person is first, and who introduced them (a fact of their note) is not read.
    """
    note = index.get(path)
    if note is None:
        return []
    out = [Person(note.name, note.path, note.private)]
    seen = {note.path}
    while len(out) < limit:
        previous = introducer(index, out[0].path or "", shown)
        if previous is None or previous.path in seen:
            break
        out.insert(0, previous)
        if previous.path is None:
            break
        seen.add(previous.path)
        known = index.get(previous.path)
        if shown is not None and known is not None and not shown(known):
            break
    return out


# --- shared by the rules ------------------------------------------------------------------------


def resolve_people(index: VaultIndex, targets: Iterable[str],
                   source: str | None) -> list[Person]:
    """Each distinct link target as a Person, resolved from the note at `source` as its links
    are; a name without a note keeps the name as written (its last path part, no `.md`)."""
    out: list[Person] = []
    seen: set[str] = set()
    for target in targets:
        note = index.resolve_note(target, source)
        person = (Person(note.name, note.path, note.private) if note is not None
                  else Person(written_name(target)))
        if _key(person) in seen or not person.name:
            continue
        seen.add(_key(person))
        out.append(person)
    return out


def written_name(target: str) -> str:
    """The name a link target shows: `contacts/Ines Moreau.md` -> `Ines Moreau`."""
    name = target.split("#", 1)[0].strip().rstrip("/").rpartition("/")[2]
    return name[:-3] if name.lower().endswith(".md") else name


def conversations_with(index: VaultIndex, path: str,
                       status: str | None = None) -> list[tuple[Note, InterviewFields]]:
    """Every interview whose `with` names the note at `path`, each once, in path order; with
    `status`, only those with that status. The one answer to "the conversations with someone"
    (the follow-up rules and the stages ask it too).

    It reads the backlinks map: a `with` link lands there exactly when it resolves to this
    note, the answer `index.resolve_note` gives, without scanning every interview."""
    out: list[tuple[Note, InterviewFields]] = []
    for source in _sources(index, path, "with"):
        fields = source.fields
        if isinstance(fields, InterviewFields) and (status is None or fields.status == status):
            out.append((source, fields))
    return out


def _sources(index: VaultIndex, path: str, field: str) -> list[Note]:
    """The notes whose front-matter `field` links to the note at `path`, each once, in path
    order (the backlinks map holds exactly the links that resolve to it)."""
    return linked_from(index, path, (field,))[field]


def linked_from(index: VaultIndex, path: str,
                fields: tuple[str, ...]) -> dict[str, list[Note]]:
    """For each front-matter key of `fields`, the notes whose key links to the note at `path`,
    each once, in path order: one pass over its backlinks."""
    out: dict[str, list[Note]] = {field: [] for field in fields}
    for source, links in index.backlinks_by_source(path):
        for link in links:
            found = out.get(link.field or "")
            if found is None or (found and found[-1].path == source):
                continue
            note = index.get(source)
            if note is not None:
                found.append(note)
    return out


def _key(person: Person) -> str:
    return person.path if person.path is not None else "\0" + fold(person.name)
