"""The Leads dashboard's rows (`lead_rows`, §12): each person someone offered to introduce,
where the introduction stands; written by `site.render.leads`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .. import referrals
from ..notes import ContactFields
from .common import Ref, SiteView, optional_ref

# Offer states still moving (the rest are settled: met, or closed by a status), in the order
# an introduction goes through them.
OPEN_OFFER_STATES = (referrals.NOT_ADDED, referrals.TO_ASK, referrals.ASKED, referrals.SCHEDULED)


@dataclass(frozen=True)
class LeadRow:
    """One person someone offered to introduce, as the Leads page shows them: who (a link, or
    the name as written when no note has it: a "broken" Ref), everyone who offered them, the
    earliest offer's date, the careers of the conversations, and where it stands (one of
    `referrals.OFFER_STATES`)."""

    who: Ref
    offered_by: tuple[Ref, ...]
    date: dt.date | None
    careers: tuple[Ref, ...]
    state: str
    company: Ref | None = None  # the person's, when their note is public

    @property
    def open(self) -> bool:
        return self.state in OPEN_OFFER_STATES


def lead_rows(view: SiteView) -> list[LeadRow]:
    """Every offered introduction the site may show, each person once: open ones first (not
    added, to ask, asked, scheduled), by their earliest offer, oldest first (the longest
    waiting), undated last; then the settled ones (met, or closed by a status) the same way.

    An offer made in a private conversation, or by private people only, is left out; a
    private person is never named (not listed, not among those who offered: a public
    conversation with a public and a private person lists its offers as the public one's,
    as their blocks do); a state never reads a private conversation."""
    rows = []
    for lead in referrals.leads(view.index):
        if lead.who.path is not None and not view.is_public(lead.who.path):
            continue
        offers = [offer for offer in lead.offers if view.is_public(offer.interview)
                  and (not offer.offered_by or any(_public_person(view, p)
                                                   for p in offer.offered_by))]
        if not offers:
            continue
        who = (view.note_ref(lead.who.path) if lead.who.path is not None
               else Ref("broken", lead.who.name))
        dates = [offer.date for offer in offers if offer.date is not None]
        person = view.index.notes.get(lead.who.path) if lead.who.path is not None else None
        fields = (person.fields if person is not None
                  and isinstance(person.fields, ContactFields) else ContactFields())
        rows.append(LeadRow(
            who=who,
            offered_by=tuple(_person_ref(view, p) for p in _each_once(
                person for offer in offers for person in offer.offered_by
                if _public_person(view, person))),
            date=min(dates) if dates else None,
            careers=tuple(_person_ref(view, p) for p in _each_once(
                career for offer in offers for career in offer.careers)),
            state=referrals.offer_state(view.index, lead.who.path, view.shows_note),
            company=(optional_ref(view, fields.company, person.path)
                     if person is not None else None),
        ))
    return sorted(rows, key=_lead_order)


def _lead_order(row: LeadRow) -> tuple[object, ...]:
    return (not row.open, row.date is None, row.date or dt.date.min, row.who.text.casefold(),
            row.who.path or "")


def _each_once(people: Iterable[referrals.Person]) -> list[referrals.Person]:
    seen: dict[str, referrals.Person] = {}
    for person in people:
        seen.setdefault(person.path or "\0" + person.name.casefold(), person)
    return list(seen.values())


def _public_person(view: SiteView, person: referrals.Person) -> bool:
    """A name without a note, or a public note's person: one the site may name."""
    return person.path is None or view.is_public(person.path)


def _person_ref(view: SiteView, person: referrals.Person) -> Ref:
    return view.note_ref(person.path) if person.path is not None else Ref("broken", person.name)
