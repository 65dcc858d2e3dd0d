"""What the private site shows, as plain data: pure functions of the index, no MkDocs.

The site is a thin adapter over this module: it turns the rows below into pages. Everything here
already honours privacy (§7): a `SiteView` knows which notes are private, and no row, card, graph
node or follow-up it hands out names one. A link to a private note becomes a `Ref` with status
"private", which the site shows as "a private note" without a link.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

from . import careers, learning, questions, referrals, schema
from .blocks import plain_quote, render_prep
from .followups import (
    FollowUp,
    Timed,
    followups_by_note,
    latest_interaction,
    open_followups,
    shown_link,
    shown_text,
    timed_followups,
)
from .index import VaultIndex
from .network import pipeline, stale_after
from .network import stage as contact_stage
from .notes import CareerFields, CompanyFields, ContactFields, InterviewFields, Note
from .privacy import PRIVATE_NOTE_TEXT, UNPUBLISHED_BY_DEFAULT, visibility_key

# The leak scan's secrets live in privacy.py; named here too for the site and the tests.
from .privacy import Secret as Secret
from .privacy import looks_private_front_matter as looks_private_front_matter  # for the site
from .privacy import secrets as secrets
from .privacy import text_fragments as text_fragments
from .schema import LINK_KEYS
from .tags import tag_key, tag_name, tag_page, with_parents
from .wikilinks import TITLE_MDLINK, TITLE_WIKILINK, WIKILINK_RE

PRIVATE_TEXT = PRIVATE_NOTE_TEXT

RefStatus = Literal["ok", "private", "broken", "ambiguous"]


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


@dataclass(frozen=True)
class CardRow:
    """One front-matter key of a note's card: its label and the values to show."""

    key: str
    label: str
    items: tuple[CardItem, ...]


# --- the view: an index plus what may be published ----------------------------------------------


class SiteView:
    """The index as the site may show it.

    `extra_private` names notes to treat as private although their front matter does not say so
    (a note whose front matter failed to parse but mentions `private:`): they are marked private
    in a copy of the index, so every library function (follow-ups, blocks, the calendar feed)
    leaves them out too.
    """

    def __init__(
        self,
        index: VaultIndex,
        publish_fields: Iterable[str] = (),
        extra_private: Iterable[str] = (),
        followups: list[FollowUp] | None = None,
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
        self.followups: list[FollowUp] = [f for f in every if self.shows(f)]
        # Each note's follow-ups (from it or about it), in the sorted order.
        self.followups_of: dict[str, list[FollowUp]] = followups_by_note(self.followups)
        # Notes that a hidden follow-up is from or about: their blocks say something private.
        shown = set(self.followups)
        touched = {path for f in every if f not in shown for path in (f.note, f.contact) if path}
        # Notes a public note links to in the same breath as a private one: their "Linked from"
        # entries may quote a sentence that names it (as plain text).
        for path in self.hidden:
            for backlink in index.backlinks(path):
                if backlink.source not in self.hidden:
                    touched |= index.targets(backlink.source)
        self.touched_by_private = frozenset(touched)

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


# --- the front-matter card ----------------------------------------------------------------------

# Shown elsewhere on the page (title, type badge). The visibility keys (`private`, `publish`,
# `draft`, in any case) are never shown either.
_CARD_SKIP = frozenset({"title", "type"})


def card_rows(view: SiteView, note: Note) -> list[CardRow]:
    """The rows of a note's front-matter card: the keys of its type in §3 order, then any other
    keys as written. Unpublished fields and empty values are left out; links become Refs."""
    meta = note.meta
    known = schema.TYPE_KEYS.get(note.type or "", ())
    keys = [k for k in known if k in meta] + [k for k in meta if k not in known]
    rows = []
    for key in keys:
        if key in _CARD_SKIP or visibility_key(key) or not view.field_allowed(key):
            continue
        if key == TAGS_KEY:
            continue  # below, with the body's tags
        items = tuple(_card_items(view, key, meta[key], note.path))
        if items:
            rows.append(CardRow(key, schema.key_label(key), items))
    # Each tag a link to its page (the note is public, so its tags have pages); a value of
    # `tags:` Obsidian reads as no tag (`career change`) as the text it is.
    tags: list[CardItem] = []
    for written in note.tags:
        name = tag_name(written)
        tags.append(Ref("ok", f"#{name}", tag_page(name)) if name is not None else written)
    if tags:
        rows.append(CardRow(TAGS_KEY, schema.key_label(TAGS_KEY), tuple(tags)))
    return rows


def hidden_fields(view: SiteView, note: Note) -> tuple[str, ...]:
    """The fields of `note` with a value that the card leaves out because `publish_fields`
    does not list them (`email`, `phone`, `linkedin`...), lower case, in card order: what the
    card says it hides, never the values. A field with no value is not named (the card would
    promise something that is not there)."""
    hidden: list[str] = []
    for key, value in note.meta.items():
        name = key.lower()
        if (name in UNPUBLISHED_BY_DEFAULT and not view.field_allowed(name)
                and name not in hidden and any(True for _ in _card_items(view, key, value,
                                                                          note.path))):
            hidden.append(name)
    return tuple(sorted(hidden, key=UNPUBLISHED_BY_DEFAULT.index))


def _card_items(view: SiteView, key: str, value: Any, source: str) -> Iterable[CardItem]:
    if value is None or value == "" or value == []:
        return
    if isinstance(value, list):
        for item in value:
            yield from _card_items(view, key, item, source)
        return
    if isinstance(value, bool):
        yield "yes" if value else "no"
    elif isinstance(value, dt.datetime):
        yield value.date()
    elif isinstance(value, dt.date):
        yield value
    elif isinstance(value, int) and key == "interest":
        yield f"{value:+d}"
    elif isinstance(value, dict):
        for sub_key, sub_value in value.items():
            yield f"{sub_key}: {_plain_text(view, str(sub_value), source)}"
    elif isinstance(value, str):
        text = value.strip()
        match = WIKILINK_RE.fullmatch(text)
        if match:
            yield _wikilink_ref(view, match.group(1), source)
        elif key in LINK_KEYS and text:
            yield view.ref(text, source=source)
        elif re.match(r"^https?://\S+$", text):
            yield Url(text)
        elif _ISO_DATE.match(text):
            yield _date_or_text(text)
        elif text:
            yield _plain_text(view, text, source)
    else:
        yield str(value)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_or_text(text: str) -> dt.date | str:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _wikilink_ref(view: SiteView, inner: str, source: str) -> Ref:
    inner = inner.replace("\\|", "|")
    target, _, label = inner.partition("|")
    target, _, heading = target.partition("#")
    return view.ref(target.strip(), heading.strip() or None, label.strip() or None, source)


def _plain_text(view: SiteView, text: str, source: str) -> str:
    """Text with its wikilinks replaced by what they show (a private target by PRIVATE_TEXT)."""
    return WIKILINK_RE.sub(lambda m: _wikilink_ref(view, m.group(1), source).text, text)


# --- tags ---------------------------------------------------------------------------------------

TAGS_KEY = "tags"


@dataclass(frozen=True)
class TagRow:
    """A tag as the site shows it: its name (as first written), its page, the public notes
    tagged with it or a tag nested in it (by name), and the tags nested right under it."""

    name: str
    page: str
    notes: tuple[Ref, ...]
    nested: tuple[tuple[str, str], ...] = ()  # (name, page)


def tag_rows(view: SiteView) -> list[TagRow]:
    """Every tag of a public note, with its parents (`#a/b` is under `#a` too), sorted by name.
    A private note is on no tag's list, and a tag only private notes have is none of these:
    its name may say what the note is about."""
    spellings: dict[str, Counter[str]] = {}
    tagged: dict[str, list[Note]] = {}
    children: dict[str, set[str]] = {}
    for note in view.public_notes():
        for name in filter(None, map(tag_name, note.tags)):
            parent = None
            for level in with_parents(name):
                page = tag_page(level)
                spellings.setdefault(page, Counter())[level] += 1
                notes = tagged.setdefault(page, [])
                if not notes or notes[-1] is not note:
                    notes.append(note)
                if parent is not None:
                    children.setdefault(parent, set()).add(page)
                parent = page
    # Shown as most notes write it (lower case on a tie): the same whatever the notes' order.
    names = {page: min(counts, key=lambda s: (-counts[s], s != s.lower(), s))
             for page, counts in spellings.items()}
    return [TagRow(names[page], page,
                   tuple(view.note_ref(n.path) for n in _by_name(tagged[page])),
                   tuple((names[child], child) for child in sorted(
                       children.get(page, ()), key=lambda child: tag_key(names[child]))))
            for page in sorted(names, key=lambda page: (tag_key(names[page]), page))]


# --- dashboards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    """One contact in the People table. `last_interaction` is their last touch among the notes
    the site publishes; `last_touch_from` says where it is recorded: the conversation or daily
    note (a Ref), or how their own note records it (`last_contact`, `log`)."""

    contact: Ref
    company: Ref | None
    role: str | None
    last_interaction: dt.date | None
    next_followup: FollowUp | None
    introduced_by: Ref | None
    last_touch_from: Ref | str | None = None
    # What the page's filters read (`render.row_data`): the published `location`, the note's
    # tags with the tags they are nested in, and the pipeline stage (`network.stage`).
    location: str | None = None
    tags: tuple[str, ...] = ()
    stage: str | None = None


@dataclass(frozen=True)
class InterviewRow:
    interview: Ref
    date: dt.date | None
    people: tuple[Ref, ...]
    company: Ref | None
    careers: tuple[Ref, ...]
    format: str | None
    status: str
    interest: int | None
    tags: tuple[str, ...] = ()  # the conversation's, with their parents (`row_tags`)


@dataclass(frozen=True)
class CompanyRow:
    company: Ref
    industry: str | None
    location: str | None
    website: str | None
    people: tuple[Ref, ...]
    conversations: tuple[InterviewRow, ...]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CareerRow:
    """A career path on the Careers page (§13), from its public conversations only: the
    comparison (`careers.comparison`), its interest over time and its conversations."""

    career: Ref
    status: str | None
    net_interest: int
    rated: int
    conversations: tuple[InterviewRow, ...]
    score: float | None = None
    unscored: tuple[str, ...] = ()
    done: int = 0
    people: tuple[Ref, ...] = ()
    companies: tuple[Ref, ...] = ()
    recent_interest: int | None = None
    questions_answered: int = 0
    questions_total: int = 0
    last: InterviewRow | None = None
    next: InterviewRow | None = None
    ruled_out_on: dt.date | None = None
    reason: str | None = None
    series: tuple[tuple[dt.date, int], ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def ruled_out(self) -> bool:
        return self.status == schema.RULED_OUT


@dataclass(frozen=True)
class CareersBoard:
    """The Careers page: the criteria scores are weighed by (names and weights; empty when
    mkdocs.yml sets none, and the page shows no score) and each public career's row."""

    criteria: tuple[tuple[str, int], ...]
    rows: tuple[CareerRow, ...]


def _by_name(notes: Iterable[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (n.name.lower(), n.path))


def _optional_ref(view: SiteView, target: str | None, source: str) -> Ref | None:
    return view.ref(target, source=source) if target else None


def _public_sources(view: SiteView, path: str, field: str, note_type: str) -> list[Note]:
    """Public notes of a type whose front-matter `field` links to `path`, in path order."""
    out: dict[str, Note] = {}
    for backlink in view.index.backlinks(path):
        source = view.index.notes.get(backlink.source)
        if (backlink.link.field == field and source is not None and source.type == note_type
                and view.is_public(source.path)):
            out[source.path] = source
    return [out[p] for p in sorted(out)]


def last_public_interaction(view: SiteView, contact: Note) -> dt.date | None:
    """The contact's last interaction (`followups.latest_interaction`: `last_contact`, the log,
    done conversations, daily notes) among those the site may show: a private conversation's
    or daily note's date is not shown, not even as a date."""
    latest = latest_interaction(view.index, contact.path,
                                shown=lambda note: view.is_public(note.path))
    return latest.day if latest is not None else None


def row_tags(note: Note) -> tuple[str, ...]:
    """A public note's tags as its row's filters offer them: each tag and the tags it is nested
    in (`#a/b` is under `#a` too, as on the tag pages), once whatever the case, by name."""
    found: dict[str, str] = {}
    for name in filter(None, map(tag_name, note.tags)):
        for level in with_parents(name):
            found.setdefault(tag_key(level), level)
    return tuple(sorted(found.values(), key=tag_key))


def _location(view: SiteView, fields: ContactFields | CompanyFields) -> str | None:
    return fields.location if view.field_allowed("location") else None


def people_rows(view: SiteView) -> list[PersonRow]:
    """One row per public contact, by name."""
    rows = []
    for note in _by_name(n for n in view.public_notes() if n.type == schema.CONTACT):
        fields = note.fields if isinstance(note.fields, ContactFields) else ContactFields()
        latest = latest_interaction(view.index, note.path, shown=view.shows_note)
        where: Ref | str | None = None
        if latest is not None:
            where = view.note_ref(latest.where.path) if latest.where is not None else latest.how
        rows.append(PersonRow(
            contact=view.note_ref(note.path),
            company=_optional_ref(view, fields.company, note.path),
            role=fields.role,
            last_interaction=latest.day if latest is not None else None,
            next_followup=next(iter(view.followups_of.get(note.path, ())), None),
            introduced_by=_optional_ref(view, fields.introduced_by, note.path),
            last_touch_from=where,
            location=_location(view, fields),
            tags=row_tags(note),
            stage=contact_stage(view.index, note, view.shows_note).name,
        ))
    return rows


# --- the network: leads and the pipeline (§12) --------------------------------------------------

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
            company=(_optional_ref(view, fields.company, person.path)
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


@dataclass(frozen=True)
class StageRow:
    """One public contact on the Pipeline page: their stage (`network.Stage`: its name, whether
    it is derived, the day it began), their last touch, and after how many quiet days the page
    flags them as stale (`network.stale_after`; None: never). The page applies
    `network.is_stale` in the reader's browser, on the reader's date."""

    contact: Ref
    stage: str
    derived: bool
    since: dt.date | None
    last_touch: dt.date | None
    stale_after: int | None
    # What the page's filters read, as on People.
    company: Ref | None = None
    introduced_by: Ref | None = None
    location: str | None = None
    tags: tuple[str, ...] = ()


def pipeline_rows(view: SiteView) -> list[StageRow]:
    """Every public contact by stage, in the vocabulary's order, then by name: stages and dates
    read from public notes only (a private conversation never shows through)."""
    settings = view.index.settings
    rows = []
    for row in pipeline(view.index, view.shows_note):
        if not view.is_public(row.path):
            continue
        note = view.index.notes[row.path]
        fields = note.fields if isinstance(note.fields, ContactFields) else ContactFields()
        rows.append(StageRow(
            view.note_ref(row.path), row.stage.name, row.stage.derived, row.stage.since,
            row.last_touch, stale_after(row.stage.name, settings),
            company=_optional_ref(view, fields.company, note.path),
            introduced_by=_optional_ref(view, fields.introduced_by, note.path),
            location=_location(view, fields), tags=row_tags(note)))
    return rows


def interview_row(view: SiteView, note: Note) -> InterviewRow:
    fields = note.fields if isinstance(note.fields, InterviewFields) else InterviewFields()
    return InterviewRow(
        interview=view.note_ref(note.path),
        date=fields.date,
        people=tuple(view.ref(t, source=note.path) for t in fields.with_),
        company=_optional_ref(view, fields.company, note.path),
        careers=tuple(view.ref(t, source=note.path) for t in fields.careers),
        format=fields.format,
        status=fields.status,
        interest=fields.interest,
        tags=row_tags(note),
    )


def _newest_first(rows: Iterable[InterviewRow]) -> list[InterviewRow]:
    """Newest first; undated ones last; ties by path so the order is stable."""
    dated = sorted((r for r in rows if r.date), key=lambda r: (r.date, r.interview.path or ""),
                   reverse=True)
    undated = sorted((r for r in rows if not r.date), key=lambda r: r.interview.path or "")
    return dated + undated


def timeline_rows(view: SiteView) -> list[InterviewRow]:
    """Every public interview, newest first."""
    return _newest_first(interview_row(view, n) for n in view.public_notes()
                         if n.type == schema.INTERVIEW)


@dataclass(frozen=True)
class Placeholder:
    """A company public notes name in their `company` field that has no note yet (an import
    makes many): its name as first written, and the public contacts and conversations naming
    it, in path order."""

    name: str
    contacts: tuple[Note, ...]
    interviews: tuple[Note, ...]


def placeholder_companies(view: SiteView) -> dict[str, Placeholder]:
    """Placeholder companies by lower-cased name, from public contacts and interviews only."""
    found: dict[str, tuple[str, list[Note], list[Note]]] = {}
    for note in view.public_notes():
        if note.type not in (schema.CONTACT, schema.INTERVIEW):
            continue
        for link, resolution in view.index.outgoing(note.path):
            if link.field != "company" or resolution.status != "broken":
                continue
            name = link.target.rpartition("/")[2].strip()
            entry = found.setdefault(name.lower(), (name, [], []))
            people = entry[1] if note.type == schema.CONTACT else entry[2]
            if not people or people[-1] is not note:
                people.append(note)
    return {key: Placeholder(name, tuple(contacts), tuple(talks))
            for key, (name, contacts, talks) in found.items()}


def company_rows(view: SiteView) -> list[CompanyRow]:
    """Each public company with the public people who work there and its conversations, and
    each placeholder company (named in a `company` field, no note yet) with the same, by name."""
    rows = []
    for note in _by_name(n for n in view.public_notes() if n.type == schema.COMPANY):
        fields = note.fields if isinstance(note.fields, CompanyFields) else CompanyFields()
        people = _by_name(_public_sources(view, note.path, "company", schema.CONTACT))
        talks = _public_sources(view, note.path, "company", schema.INTERVIEW)
        rows.append(CompanyRow(
            company=view.note_ref(note.path), industry=fields.industry,
            location=_location(view, fields), website=fields.website,
            people=tuple(view.note_ref(p.path) for p in people),
            conversations=tuple(_newest_first(interview_row(view, t) for t in talks)),
            tags=row_tags(note),
        ))
    for placeholder in placeholder_companies(view).values():
        rows.append(CompanyRow(
            company=Ref("broken", placeholder.name), industry=None, location=None,
            website=None,
            people=tuple(view.note_ref(p.path) for p in _by_name(placeholder.contacts)),
            conversations=tuple(_newest_first(interview_row(view, t)
                                              for t in placeholder.interviews)),
        ))
    return sorted(rows, key=lambda r: (r.company.text.lower(), r.company.path or ""))


def career_rows(view: SiteView) -> list[CareerRow]:
    """Each public career path with its conversations and net interest (the sum of `interest`
    over done conversations), its comparison and its interest over time, all from public
    conversations only (a private one's date or interest is nowhere in a row): pursued paths
    first, ruled-out ones last, by name within."""
    rows = []
    shown = view.shows_note
    for note in _by_name(n for n in view.public_notes() if n.type == schema.CAREER):
        fields = note.fields if isinstance(note.fields, CareerFields) else CareerFields()
        talks = [interview_row(view, t)
                 for t in _public_sources(view, note.path, "career", schema.INTERVIEW)]
        rated = [r.interest for r in talks if r.status == schema.DONE and r.interest is not None]
        compared = careers.comparison(view.index, note, shown)
        rows.append(CareerRow(
            career=view.note_ref(note.path), status=fields.status,
            net_interest=sum(i for i in rated if i is not None), rated=len(rated),
            conversations=tuple(_newest_first(talks)),
            score=compared.score.value, unscored=compared.score.unscored, done=compared.done,
            people=tuple(_path_or_name_ref(view, p) for p in compared.people),
            companies=tuple(_path_or_name_ref(view, c) for c in compared.companies),
            recent_interest=compared.recent_interest,
            questions_answered=compared.questions_answered,
            questions_total=compared.questions_total,
            last=(interview_row(view, view.index.notes[compared.last.path])
                  if compared.last is not None else None),
            next=(interview_row(view, view.index.notes[compared.next.path])
                  if compared.next is not None else None),
            ruled_out_on=fields.ruled_out, reason=fields.reason,
            series=tuple(careers.interest_series(view.index, note.path, shown)),
            tags=row_tags(note),
        ))
    return sorted(rows, key=lambda r: _CAREER_ORDER.get(r.status or "", 2))


def careers_board(view: SiteView) -> CareersBoard:
    """The Careers page's data: the criteria and `career_rows`."""
    return CareersBoard(view.index.settings.criteria, tuple(career_rows(view)))


def _path_or_name_ref(view: SiteView, path_or_name: str) -> Ref:
    """A note's path as a link, or a name with no note as the broken link it is."""
    if path_or_name in view.index.notes:
        return view.note_ref(path_or_name)
    return Ref("broken", path_or_name)


# Paths being pursued first, ruled-out ones last; the rest by name between them.
_CAREER_ORDER = {schema.PURSUING: 0, schema.EXPLORING: 1, schema.RULED_OUT: 3}


def dashboard_items(view: SiteView) -> list[Timed]:
    """The site's follow-ups dashboard: every public follow-up with the days it shows on
    (`followups.timed_followups`). Clock-free: the browser groups them by its own date, so a
    site built on Monday is right on Friday."""
    return [t for t in timed_followups(view.index, view.all_followups) if view.shows(t.followup)]


TitlePiece = Ref | str


def title_pieces(view: SiteView, followup: FollowUp) -> list[TitlePiece]:
    """A follow-up's title as the site shows it: text, and a Ref for each link its Markdown
    holds (shown with the name the terminal shows). A Markdown link to a web page is shown as
    its text: a follow-up is no place to follow one from."""
    text = followup.text
    if text is None:
        return [followup.title]
    # What is left between links is text: a link nested in brackets leaves none to decode.
    return [shown_text(p) if isinstance(p, str) else p
            for p in markdown_pieces(view, text, followup.note)]


def markdown_pieces(view: SiteView, text: str, source: str) -> list[TitlePiece]:
    """Markdown written in the note at `source`, split into its text (Markdown still) and a
    Ref for each link (`SiteView.ref`: a private note's is "a private note")."""
    pieces: list[TitlePiece] = []
    at = 0
    for match in _TITLE_LINK.finditer(text):
        if match.start() > at:
            pieces.append(text[at:match.start()])
        at = match.end()
        if match.group("wiki") is not None:
            inner = match.group("wiki").replace("\\|", "|")
            target, _, heading = inner.partition("|")[0].partition("#")
            pieces.append(view.ref(target.strip(), heading.strip() or None, shown_link(inner),
                                   source))
            continue
        label, url = match.group("label"), match.group("url").strip("<>")
        if "://" in url or not url.lower().partition("#")[0].endswith(".md"):
            pieces.append(label or url)
            continue
        path, _, heading = url.partition("#")
        folder = source.rpartition("/")[0]
        target = posixpath.normpath(posixpath.join(folder, unquote(path)))[:-3]
        pieces.append(view.ref(target, unquote(heading) or None, label or None, source))
    if at < len(text):
        pieces.append(text[at:])
    return pieces


_TITLE_LINK = re.compile(f"!?(?:{TITLE_WIKILINK}|{TITLE_MDLINK})")


# --- the home page: what now? -------------------------------------------------------------------

HOME_LEADS = 5  # the leads waiting the home page lists (the Leads page has them all)
HOME_INSIGHTS = 5  # the insights it quotes
HOME_INSIGHTS_EACH = 2  # at most from one conversation: the list spans a few
HOME_INSIGHT_CHARS = 200  # the longest quote of one
HOME_BRIEF_DAYS = 21  # the planned conversations, from the build on, shown with their briefs


@dataclass(frozen=True)
class PlannedRow:
    """A planned conversation on the home page, with its prep brief as the site shows it
    (`blocks.render_prep` with private notes left out, split by `markdown_pieces`: Markdown
    text and a Ref per link; empty when there is nothing to say)."""

    row: InterviewRow
    brief: tuple[TitlePiece, ...]


@dataclass(frozen=True)
class InsightRow:
    """One thing a done conversation taught (`learning.insights_of`), as the home page quotes
    it: the conversation, its date and people, the insight's section or tag, the text with its
    links as the words they show (a private note's as "a private note")."""

    interview: Ref
    date: dt.date | None
    people: tuple[Ref, ...]
    group: str
    text: str


@dataclass(frozen=True)
class Progress:
    """The home page's counts. `done_dates`: the days of the done conversations since a day
    (the page counts those in the reader's month, by the reader's date); the rest are totals."""

    done_dates: tuple[dt.date, ...]
    people_met: int
    careers_explored: int
    careers_ruled_out: int


def planned_rows(view: SiteView, since: dt.date, briefs_until: dt.date | None = None
                 ) -> list[PlannedRow]:
    """Every public planned conversation dated `since` or later, soonest first (ties by
    path), each with its public prep brief (up to `briefs_until`, when given: a later one has
    none). A private person or company is in no row or brief: `interview_row` names them "a
    private note", the brief leaves them out."""
    found = []
    for note in view.public_notes():
        fields = note.fields
        if (note.type != schema.INTERVIEW or not isinstance(fields, InterviewFields)
                or fields.status != schema.PLANNED or fields.date is None
                or fields.date < since):
            continue
        brief = (render_prep(view.index, note, public=True)
                 if briefs_until is None or fields.date <= briefs_until else "")
        found.append(PlannedRow(interview_row(view, note),
                                tuple(markdown_pieces(view, brief, note.path)) if brief else ()))
    return sorted(found, key=lambda r: (r.row.date, r.row.interview.path or ""))


def waiting_leads(view: SiteView, leads: list[LeadRow] | None = None) -> list[LeadRow]:
    """The leads waiting on you: offered and not asked yet (not added, or to ask), the
    longest waiting first (`lead_rows`' order, or that of `leads`, the same rows)."""
    return [row for row in (lead_rows(view) if leads is None else leads)
            if row.state in (referrals.NOT_ADDED, referrals.TO_ASK)]


def recent_insights(view: SiteView, limit: int = HOME_INSIGHTS) -> list[InsightRow]:
    """The latest `limit` insights of public done conversations: newest conversation first,
    each one's first `HOME_INSIGHTS_EACH` in note order. A conversation with a private person
    teaches nothing here (as in the roll-ups); a link in an insight to a private note reads
    "a private note"."""
    talks = [(note.fields.date or dt.date.min, note.path, note)
             for note in view.public_notes() if note.type == schema.INTERVIEW
             and isinstance(note.fields, InterviewFields)
             and note.fields.status == schema.DONE]
    talks.sort(key=lambda t: t[:2], reverse=True)
    rows: list[InsightRow] = []
    for _, _, note in talks:
        items = learning.insights_of(view.index, note.path)
        if not items or any(person in view.hidden for person in items[0].people):
            continue
        for item in items[:HOME_INSIGHTS_EACH]:
            text = plain_quote(view.index, item.insight.text, view.hidden, note.path)
            if len(text) > HOME_INSIGHT_CHARS:
                text = text[:HOME_INSIGHT_CHARS - 1].rstrip() + "…"
            rows.append(InsightRow(view.note_ref(note.path), item.day,
                                   tuple(view.note_ref(p) for p in item.people), item.group,
                                   text))
            if len(rows) >= limit:
                return rows
    return rows


def progress(view: SiteView, since: dt.date) -> Progress:
    """The counts: the days of public done conversations from `since` on; the public contacts
    met in a public done conversation; the public careers with a public done conversation
    (explored) and those ruled out."""
    days: list[dt.date] = []
    met: set[str] = set()
    for note in view.public_notes():
        fields = note.fields
        if (note.type != schema.INTERVIEW or not isinstance(fields, InterviewFields)
                or fields.status != schema.DONE):
            continue
        if fields.date is not None and fields.date >= since:
            days.append(fields.date)
        for target in fields.with_:
            path = view.index.resolve(target, source=note.path).path
            if path is not None and view.is_public(path) \
                    and view.index.notes[path].type == schema.CONTACT:
                met.add(path)
    explored = ruled_out = 0
    for note in view.public_notes():
        if note.type != schema.CAREER:
            continue
        if isinstance(note.fields, CareerFields) and note.fields.status == schema.RULED_OUT:
            ruled_out += 1
        talks = _public_sources(view, note.path, "career", schema.INTERVIEW)
        if any(isinstance(t.fields, InterviewFields) and t.fields.status == schema.DONE
               for t in talks):
            explored += 1
    return Progress(tuple(sorted(days)), len(met), explored, ruled_out)


@dataclass(frozen=True)
class HomeRows:
    """What the home page shows besides the follow-ups (`home_rows`)."""

    planned: tuple[PlannedRow, ...]
    leads: tuple[LeadRow, ...]  # the first HOME_LEADS waiting
    leads_waiting: int  # how many wait in all
    learned: tuple[InsightRow, ...]
    progress: Progress


def home_rows(view: SiteView, built: dt.date, leads: list[LeadRow] | None = None
              ) -> HomeRows:
    """The home page's rows for a site built on `built`: the planned conversations a reader
    may see as this week's (from the day before `built`: a reader's date may be behind the
    build's by a time zone), the leads waiting, the latest insights, and the counts (with the
    done conversations' days from the first of the month of the day before `built`, all any
    reader's month may count). `leads`: `lead_rows`, when the caller has them already.

    Every planned conversation from then on is listed, a site read weeks after it was built
    included; the briefs are those of the first `HOME_BRIEF_DAYS` days (each costs a read of
    the notes around it): a later one's row links to its page."""
    since = built - dt.timedelta(days=1)
    waiting = waiting_leads(view, leads)
    return HomeRows(tuple(planned_rows(view, since, built + dt.timedelta(days=HOME_BRIEF_DAYS))),
                    tuple(waiting[:HOME_LEADS]), len(waiting), tuple(recent_insights(view)),
                    progress(view, since.replace(day=1)))


# --- the network graph --------------------------------------------------------------------------


# Node ids of placeholder companies: no note path starts like this (a note path has no ":").
PLACEHOLDER_NODE = "placeholder:"


@dataclass(frozen=True)
class GraphNode:
    id: str
    label: str
    kind: str  # "contact" or "company"
    degree: int
    # A contact's career paths: the public careers of the public conversations with them.
    careers: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    kind: str  # "introduced" (introducer -> contact) or "works-at" (contact -> company)


def network_graph(view: SiteView) -> tuple[list[GraphNode], list[GraphEdge]]:
    """Who introduced whom and who works where, among public notes only. Ids are note paths."""
    edges: list[GraphEdge] = []
    kinds: dict[str, str] = {}
    names: dict[str, str] = {}  # placeholder node -> its name
    for note in view.public_notes():
        if note.type == schema.COMPANY:
            kinds[note.path] = "company"
        elif note.type == schema.CONTACT:
            kinds[note.path] = "contact"
    for path, kind in kinds.items():
        fields = view.index.notes[path].fields
        if kind != "contact" or not isinstance(fields, ContactFields):
            continue
        introducer = (view.index.resolve_note(fields.introduced_by, path)
                      if fields.introduced_by else None)
        if introducer is not None and kinds.get(introducer.path) == "contact":
            edges.append(GraphEdge(introducer.path, path, "introduced"))
        company = view.index.resolve_note(fields.company, path) if fields.company else None
        if company is not None and kinds.get(company.path) == "company":
            edges.append(GraphEdge(path, company.path, "works-at"))
    for key, placeholder in placeholder_companies(view).items():
        # A company with no note yet is still where these people work.
        node = PLACEHOLDER_NODE + key
        for person in placeholder.contacts:
            edges.append(GraphEdge(person.path, node, "works-at"))
        if placeholder.contacts:
            kinds[node] = "company"
            names[node] = placeholder.name
    degree: dict[str, int] = dict.fromkeys(kinds, 0)
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    careers_of = _contact_careers(view, kinds)
    nodes = [GraphNode(p, names.get(p) or view.index.notes[p].name, kinds[p], degree[p],
                       tuple(sorted(careers_of.get(p, ()))))
             for p in sorted(kinds)]
    return nodes, sorted(edges, key=lambda e: (e.kind, e.source, e.target))


def _contact_careers(view: SiteView, kinds: Mapping[str, str]) -> dict[str, set[str]]:
    """Each public contact's careers: those of the public conversations with them that are
    public career notes (one pass over the conversations)."""
    found: dict[str, set[str]] = {}
    for note in view.public_notes():
        fields = note.fields
        if note.type != schema.INTERVIEW or not isinstance(fields, InterviewFields):
            continue
        paths = {career.path for career in
                 (view.index.resolve_note(t, note.path) for t in fields.careers)
                 if career is not None and career.type == schema.CAREER
                 and view.is_public(career.path)}
        if not paths:
            continue
        for target in fields.with_:
            person = view.index.resolve_note(target, note.path)
            if person is not None and kinds.get(person.path) == "contact":
                found.setdefault(person.path, set()).update(paths)
    return found


def graph_json(nodes: Iterable[GraphNode], edges: Iterable[GraphEdge],
               urls: Mapping[str, str],
               positions: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """The graph as JSON-ready data for the page's script (`urls`: note path -> page URL;
    `positions`: node id -> (x, y), from `site.graph_layout`)."""
    positions = positions or {}
    return {
        "nodes": [{"id": n.id, "label": n.label, "kind": n.kind, "degree": n.degree,
                   "url": urls.get(n.id, ""), "careers": list(n.careers),
                   "x": positions.get(n.id, (0.0, 0.0))[0],
                   "y": positions.get(n.id, (0.0, 0.0))[1]} for n in nodes],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for e in edges],
    }


# --- the question bank (§13) --------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    """One time a question was asked, under one of its conversation's careers (None: the
    conversation names no public career): when, with whom, and the answer as plain text."""

    career: Ref | None
    interview: Ref
    date: dt.date | None
    people: tuple[Ref, ...]
    answer: str


@dataclass(frozen=True)
class QuestionRow:
    """A bank question on the Questions page: its text, its bank note, the number of public
    conversations that asked it, and their answers by career (careers by name, then date)."""

    text: str
    bank: Ref
    times: int
    answers: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class PreparedRow:
    """A conversation with the bank questions prepared for it and not asked in it."""

    interview: Ref
    date: dt.date | None
    status: str
    people: tuple[Ref, ...]
    questions: tuple[str, ...]


def question_rows(view: SiteView) -> tuple[tuple[QuestionRow, ...], tuple[PreparedRow, ...]]:
    """What the Questions page shows: every question of a public bank with the answers of
    public conversations, grouped by career; then each public conversation's prepared,
    unasked questions (newest first). A private conversation's answer never appears."""
    index = view.index
    bank = [q for q in questions.bank(index) if view.is_public(q.note)]
    public = [use for use in questions.uses(index)
              if view.is_public(use.interview) and view.is_public(use.question.note)]
    # Each question's answers, found in one pass (not one scan of every answer per question:
    # a bank of 2,000 asked in 5,000 conversations took a minute).
    asked_by_key: dict[tuple[str, str], list[questions.Use]] = {}
    for use in public:
        if use.asked:
            asked_by_key.setdefault(use.question.key, []).append(use)
    rows = []
    for question in bank:
        asked = asked_by_key.get(question.key, [])
        answers = []
        for use in asked:
            careers: list[Ref | None] = [view.note_ref(c) for c in use.careers
                                         if view.is_public(c)] or [None]
            for career in careers:
                answers.append(AnswerRow(
                    career, view.note_ref(use.interview), use.date,
                    tuple(view.note_ref(p) for p in use.people),
                    plain_quote(index, use.answer, view.hidden, use.interview)))
        answers.sort(key=lambda row: (row.career is None,
                                      row.career.text.casefold() if row.career else "",
                                      row.date is None, row.date or dt.date.min,
                                      row.interview.text))
        rows.append(QuestionRow(
            plain_quote(index, question.text, view.hidden, question.note),
            view.note_ref(question.note), len({use.interview for use in asked}),
            tuple(answers)))
    asked_in = {(use.interview, use.question.key) for use in public if use.asked}
    waiting: dict[str, list[questions.Use]] = {}
    for use in public:
        if not use.asked and (use.interview, use.question.key) not in asked_in:
            waiting.setdefault(use.interview, []).append(use)
    prepared = []
    for path, found in waiting.items():
        first = found[0]
        texts = list(dict.fromkeys(plain_quote(index, use.question.text, view.hidden,
                                               use.question.note) for use in found))
        prepared.append(PreparedRow(view.note_ref(path), first.date, first.status,
                                    tuple(view.note_ref(p) for p in first.people),
                                    tuple(texts)))
    prepared.sort(key=lambda row: (row.date is None, row.date or dt.date.min,
                                   row.interview.text), reverse=True)
    return tuple(rows), tuple(prepared)
