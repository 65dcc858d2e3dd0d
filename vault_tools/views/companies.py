"""The Companies dashboard's rows (`company_rows`), the companies named with no note yet
(`placeholder_companies`, on the Network page too); written by `site.render.companies`."""

from __future__ import annotations

from dataclasses import dataclass

from .. import schema
from ..notes import CompanyFields, Note
from .common import Ref, SiteView, by_name, public_sources, row_tags, shown_location
from .timeline import InterviewRow, interview_row, newest_first


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
    for note in by_name(n for n in view.public_notes() if n.type == schema.COMPANY):
        fields = note.fields if isinstance(note.fields, CompanyFields) else CompanyFields()
        people = by_name(public_sources(view, note.path, "company", schema.CONTACT))
        talks = public_sources(view, note.path, "company", schema.INTERVIEW)
        rows.append(CompanyRow(
            company=view.note_ref(note.path), industry=fields.industry,
            location=shown_location(view, fields), website=fields.website,
            people=tuple(view.note_ref(p.path) for p in people),
            conversations=tuple(newest_first(interview_row(view, t) for t in talks)),
            tags=row_tags(note),
        ))
    for placeholder in placeholder_companies(view).values():
        rows.append(CompanyRow(
            company=Ref("broken", placeholder.name), industry=None, location=None,
            website=None,
            people=tuple(view.note_ref(p.path) for p in by_name(placeholder.contacts)),
            conversations=tuple(newest_first(interview_row(view, t)
                                              for t in placeholder.interviews)),
        ))
    return sorted(rows, key=lambda r: (r.company.text.lower(), r.company.path or ""))
