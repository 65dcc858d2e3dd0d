"""The prep brief (DESIGN §13): what to have in mind before a planned conversation, gathered
from the rest of the vault. Pure functions of the index; `blocks.py` writes it as the `prep`
block.

For a planned conversation (an interview with `status: planned`), `brief` gathers:

- **last time**: the earlier *done* conversations with any of its people, newest first, each
  with its Advice insights (`learning.insights_of`, the section named `Advice`), its items under
  `Next steps` (`learning.section_items`) and the tasks ticked in it; and the tasks ticked in
  the people's own notes (done since: worth telling them);
- **who introduced** each person (`referrals.introducer`: `introduced_by`, else the offer that
  led to them);
- **the others you know** at its companies (its `company` and its people's), and the Culture
  insights of those companies' roll-ups (`learning.rollup`);
- per career, its **open questions** not yet answered (`careers.unanswered_questions`) and the
  **bank questions** nobody in it was asked yet (`questions.unasked_in_career`).

`quiet` is the set of notes the brief may name but not read (a public note's block: the
private ones, `blocks._Privacy.quiet`): an earlier conversation that is quiet, or with a quiet
person, is listed with nothing of it; a quiet person's note, career or bank is not read; the
culture roll-up leaves quiet conversations out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from . import careers, learning, questions, referrals, schema
from .careers import OpenQuestion
from .index import VaultIndex
from .notes import ContactFields, InterviewFields, Note, Task

NEXT_STEPS = "Next steps"
ADVICE = "advice"  # the insight section whose items "last time" repeats (folded)
CULTURE = "culture"  # the one the company's culture is read from (folded)


@dataclass(frozen=True)
class Earlier:
    """A done conversation with someone of the planned one: `readable` False when it (or one
    of its people) is quiet, and then nothing else of it is read."""

    interview: str
    day: dt.date | None
    readable: bool
    advice: tuple[learning.Learned, ...] = ()
    next_steps: tuple[learning.Learned, ...] = ()
    ticked: tuple[Task, ...] = ()


@dataclass(frozen=True)
class Introduction:
    """Who introduced `person` (a note of the planned conversation): `by`, and the
    conversation whose offer led to them (None when their `introduced_by` says it)."""

    person: str
    by: referrals.Person
    offered_in: str | None


@dataclass(frozen=True)
class Brief:
    """Everything the prep block of one planned conversation says (see the module)."""

    interview: str
    people: tuple[str, ...]
    earlier: tuple[Earlier, ...]
    ticked: tuple[tuple[str, Task], ...]
    introductions: tuple[Introduction, ...]
    companies: tuple[str, ...]
    colleagues: tuple[str, ...]
    culture: tuple[learning.Learned, ...]
    careers: tuple[str, ...]
    open_questions: tuple[tuple[str, OpenQuestion], ...]
    unasked: tuple[tuple[str, questions.Question], ...]


def is_planned(note: Note) -> bool:
    """A planned conversation: the notes that get a brief."""
    return isinstance(note.fields, InterviewFields) and note.fields.status == schema.PLANNED


def brief(index: VaultIndex, path: str, quiet: Collection[str] = frozenset(),
          public: bool = False) -> Brief | None:
    """The brief of the planned conversation at `path` (None for any other note). `public`:
    for the site, where a private conversation's question counts nowhere."""
    note = index.notes.get(path)
    if note is None or not is_planned(note):
        return None
    assert isinstance(note.fields, InterviewFields)
    people = _linked(index, path, "with")
    earlier = _earlier(index, path, people, quiet)
    ticked = tuple((person, task) for person in people if person not in quiet
                   for task in index.notes[person].tasks if task.done)
    companies = _companies(index, path, people)
    colleagues = tuple(sorted(
        {c for company in companies for c in _sources(index, company, "company", schema.CONTACT)}
        - set(people), key=lambda p: (index.notes[p].name.casefold(), p)))
    culture: list[learning.Learned] = []
    for company in companies:
        if company in quiet:
            continue
        for group in learning.rollup(index, company, hidden=quiet):
            if group.title.casefold() == CULTURE:
                culture += [item for item in group.items if item not in culture]
    culture.sort(key=learning.Learned.sort_key, reverse=True)
    career_paths = _linked(index, path, "career")
    open_qs = tuple((career, question) for career in career_paths if career not in quiet
                    for question in careers.unanswered_questions(
                        index, career, _shown(quiet)))
    unasked = tuple((career, question) for career in career_paths if career not in quiet
                    for question in questions.unasked_in_career(index, career, public)
                    if question.note not in quiet)
    return Brief(path, people, earlier, ticked, _introductions(index, people, quiet),
                 companies, colleagues, tuple(culture), career_paths, open_qs, unasked)


def _shown(quiet: Collection[str]) -> careers.Shown:
    return lambda note: note.path not in quiet


def _earlier(index: VaultIndex, path: str, people: tuple[str, ...],
             quiet: Collection[str]) -> tuple[Earlier, ...]:
    found: dict[str, Earlier] = {}
    for person in people:
        for source, fields in referrals.conversations_with(index, person, schema.DONE):
            if source.path == path or source.path in found:
                continue
            readable = source.path not in quiet and not any(
                p in quiet for p in _linked(index, source.path, "with"))
            if not readable:
                found[source.path] = Earlier(source.path, fields.date, False)
                continue
            advice = tuple(item for item in learning.insights_of(index, source.path)
                           if item.group.casefold() == ADVICE)
            steps = tuple(learning.section_items(index, source.path, NEXT_STEPS))
            ticked = tuple(task for task in source.tasks if task.done)
            found[source.path] = Earlier(source.path, fields.date, True, advice, steps, ticked)
    return tuple(sorted(found.values(), key=lambda e: (e.day or dt.date.min, e.interview),
                        reverse=True))


def _introductions(index: VaultIndex, people: tuple[str, ...],
                   quiet: Collection[str]) -> tuple[Introduction, ...]:
    shown = (lambda note: note.path not in quiet) if quiet else None
    out = []
    for person in people:
        if person in quiet:
            continue  # who introduced them is a fact of their note
        by = referrals.introducer(index, person, shown)
        if by is None:
            continue
        fields = index.notes[person].fields
        offered_in = None
        if not (isinstance(fields, ContactFields) and fields.introduced_by):
            offered_in = next((offer.interview for offer in referrals.offers_of(
                index, person, brief=True)
                if offer.offered_by and (shown is None or offer.interview not in quiet)), None)
        out.append(Introduction(person, by, offered_in))
    return tuple(out)


def _companies(index: VaultIndex, path: str, people: tuple[str, ...]) -> tuple[str, ...]:
    """The conversation's `company`, then each person's, each once (company notes only)."""
    found = list(_linked(index, path, "company"))
    for person in people:
        if index.notes[person].type == schema.CONTACT:
            found += _linked(index, person, "company")
    return tuple(p for p in dict.fromkeys(found) if index.notes[p].type == schema.COMPANY)


def companies_of(index: VaultIndex, person: str) -> tuple[str, ...]:
    """The companies the contact at `person` works at (its `company` links)."""
    return _linked(index, person, "company")


def _linked(index: VaultIndex, path: str, field: str) -> tuple[str, ...]:
    """The notes the front-matter `field` of the note at `path` links to, in order, once."""
    return tuple(dict.fromkeys(
        resolution.path for link, resolution in index.outgoing(path)
        if link.field == field and resolution.path is not None
        and resolution.path in index.notes))


def _sources(index: VaultIndex, path: str, field: str, note_type: str) -> set[str]:
    return {source for source, links in index.backlinks_by_source(path)
            if index.notes[source].type == note_type and any(link.field == field
                                                             for link in links)}


def footprint(index: VaultIndex, path: str) -> set[str]:
    """The notes a planned conversation's brief reads its facts through (for `refresh`): the
    conversation, its people, their introducers, its companies and careers. A change that
    reaches none of them (see `reach.prep_reach`) leaves the brief as it was."""
    people = _linked(index, path, "with")
    found = {path, *people, *_companies(index, path, people), *_linked(index, path, "career")}
    for person in people:
        # Whoever may be named as the introducer: the one `introduced_by` names, or anyone
        # of an offer (a public note's brief skips offers made in private conversations).
        found |= set(_linked(index, person, "introduced_by"))
        for offer in referrals.offers_of(index, person, brief=True):
            found.add(offer.interview)
            found.update(p.path for p in offer.offered_by if p.path is not None)
    return found
