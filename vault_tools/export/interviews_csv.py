"""`vault-tools export csv --interviews`: one row per conversation, in the columns a careers
centre's tracking sheet has (§14): when, with whom, which organisation, how you were connected,
format, status, when you thanked them, who they offered to introduce, and the next step.

Privacy follows the contacts table (`contacts_csv.Cells`): unless private notes are included, a
private conversation, or one with a private person (its name would tell who), is left out; a
link field naming a private note is left empty, and a link to one inside text reads "a private
note".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from typing import TextIO

from ..followups import FollowUp, interview_people, open_followups
from ..index import VaultIndex
from ..notes import ContactFields, InterviewFields, Note
from ..parse import parse_note
from ..privacy import strip_comments_from_text
from ..schema import INTERVIEW
from .contacts_csv import Cells, write_table
from .ics import written_time

COLUMNS = (
    "date", "people", "organisation", "how_connected", "format", "status", "thank_you",
    "referrals", "next_step", "next_step_due", "note", "path",
)

# The section of a contact note that says how you met (the contact template's heading).
HOW_WE_MET = "how we met"


def interview_rows(index: VaultIndex, texts: Mapping[str, str] | None = None,
                   include_private: bool = False,
                   hints: Collection[str] = ()) -> list[dict[str, str]]:
    """One dict per interview note (keys: COLUMNS), by date then path; undated ones last.
    `texts` (each note's text by path) gives "how we met" from the contacts' notes, unless
    what is written there is one of `hints` (a template's words, not the user's)."""
    followups = [f for f in open_followups(index) if include_private or not f.private]
    first_step: dict[str, FollowUp] = {}
    for followup in followups:  # sorted: the first one from each note is its next step
        first_step.setdefault(followup.note, followup)
    cells = Cells(index, include_private)
    texts = texts or {}
    connections: dict[str, str] = {}  # person -> how connected: once, however many talks

    def connected(person: Note) -> str:
        if person.path not in connections:
            connections[person.path] = how_connected(cells, person, texts.get(person.path),
                                                     hints)
        return connections[person.path]

    rows: list[tuple[tuple[bool, dt.date, str], dict[str, str]]] = []
    for note in index.by_type(INTERVIEW):
        fields = note.fields if isinstance(note.fields, InterviewFields) else InterviewFields()
        people = interview_people(index, fields, note.path)
        hidden = note.private or any(p is not None and p.private for _, p in people)
        if hidden and not include_private:
            continue
        key = (fields.date is None, fields.date or dt.date.min, note.path)
        rows.append((key, _row(note, fields, people, cells, first_step.get(note.path),
                               connected)))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def _row(note: Note, fields: InterviewFields, people: list[tuple[str, Note | None]],
         cells: Cells, step: FollowUp | None,
         connected: Callable[[Note], str]) -> dict[str, str]:
    persons = [person for _, person in people if person is not None]
    hows = [(person.name, connected(person)) for person in persons]
    hows = [(name, how) for name, how in hows if how]
    return {
        "date": _when(note, fields),
        "people": "; ".join(name if person is not None else cells.text(name)
                            for name, person in people),
        "organisation": _organisation(cells, note, fields, persons),
        "how_connected": "; ".join(how if len(persons) == 1 else f"{name}: {how}"
                                   for name, how in hows),
        "format": cells.text(fields.format, note.path),
        "status": fields.status,
        "thank_you": fields.thank_you.isoformat() if fields.thank_you else "",
        "referrals": cells.links(fields.referrals, note.path),
        "next_step": step.title if step is not None else "",
        "next_step_due": step.due.isoformat() if step is not None and step.due else "",
        "note": note.name,
        "path": note.path,
    }


def _when(note: Note, fields: InterviewFields) -> str:
    """The date, and the time of day as written when there is one (`2026-12-09 14:30`)."""
    if fields.date is None:
        return ""
    written = str(note.meta.get("date")).strip()
    if written_time(written, fields.date, dt.timezone.utc) is None:
        return fields.date.isoformat()
    return fields.date.isoformat() + " " + written[11:]


def _organisation(cells: Cells, note: Note, fields: InterviewFields,
                  persons: list[Note]) -> str:
    """The interview's `company`; else the companies of the people it was with."""
    if fields.company:
        return cells.link(fields.company, note.path)
    names: list[str] = []
    for person in persons:
        if isinstance(person.fields, ContactFields):
            name = cells.link(person.fields.company, person.path)
            if name and name not in names:
                names.append(name)
    return "; ".join(names)


def how_connected(cells: Cells, person: Note, text: str | None,
                  hints: Collection[str] = ()) -> str:
    """How you came to know `person`: "introduced by NAME" (unless that names a private note
    and private notes are left out), else the first paragraph under the "How we met" heading
    of their note (unless it is still the template's hint, one of `hints`), else their
    `source` (`linkedin` for an import)."""
    fields = person.fields if isinstance(person.fields, ContactFields) else ContactFields()
    introducer = cells.link(fields.introduced_by, person.path)
    if introducer:
        return f"introduced by {introducer}"
    met = first_paragraph_under(person, text, HOW_WE_MET) if text is not None else ""
    if met and met not in hints:
        return cells.text(met, person.path)
    return cells.text(person.meta.get("source"), person.path)


def first_paragraph_under(note: Note, text: str, heading: str) -> str:
    """The first paragraph after the note's heading named `heading` (any case) as one line:
    its lines joined, list markers dropped, Obsidian comments (`%% … %%`) left out; '' when
    there is no such heading or nothing under it before the next heading."""
    found = next((h for h in note.headings if h.text.strip().lower() == heading), None)
    if found is None:
        return ""
    lines = strip_comments_from_text(text).split("\n")
    paragraph: list[str] = []
    for line in lines[found.line:]:  # found.line is 1-based: this starts on the line after
        stripped = line.strip()
        if not stripped:
            if paragraph:
                break
            continue
        if stripped.startswith(("#", "<!--", "```", "~~~", "|")):
            break
        for marker in ("- ", "* ", "+ ", "> "):
            if stripped.startswith(marker):
                stripped = stripped[len(marker):].lstrip()
                break
        if stripped:
            paragraph.append(stripped)
    return " ".join(" ".join(paragraph).split())  # a comment left blanks: one space each


def template_hint(template: str) -> str:
    """What a contact template writes under "How we met" for the user to replace ('' when
    it has no such section): a note still holding it says nothing about how you met."""
    return first_paragraph_under(parse_note("template.md", template), template, HOW_WE_MET)


def write_interviews_csv(index: VaultIndex, out: TextIO, texts: Mapping[str, str] | None = None,
                         include_private: bool = False, excel: bool = False,
                         hints: Collection[str] = ()) -> int:
    """Write the conversations table to `out` (see `contacts_csv.write_table`); return the
    number of rows."""
    rows = interview_rows(index, texts, include_private, hints)
    write_table(out, COLUMNS, rows, excel=excel)
    return len(rows)
