"""The People dashboard's rows (`people_rows`), one per public contact, and a contact's last
public touch; written by `site.render.people`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import schema
from ..followups import (
    FollowUp,
    latest_interaction,
)
from ..network import stage as contact_stage
from ..notes import ContactFields, Note
from .common import Ref, SiteView, by_name, optional_ref, row_tags, shown_location


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
    # What the page's filters read (`render.common.row_data`): the published `location`, the note's
    # tags with the tags they are nested in, and the pipeline stage (`network.stage`).
    location: str | None = None
    tags: tuple[str, ...] = ()
    stage: str | None = None


def last_public_interaction(view: SiteView, contact: Note) -> dt.date | None:
    """The contact's last interaction (`followups.latest_interaction`: `last_contact`, the log,
    done conversations, daily notes) among those the site may show: a private conversation's
    or daily note's date is not shown, not even as a date."""
    latest = latest_interaction(view.index, contact.path,
                                shown=lambda note: view.is_public(note.path))
    return latest.day if latest is not None else None


def people_rows(view: SiteView) -> list[PersonRow]:
    """One row per public contact, by name."""
    rows = []
    for note in by_name(n for n in view.public_notes() if n.type == schema.CONTACT):
        fields = note.fields if isinstance(note.fields, ContactFields) else ContactFields()
        latest = latest_interaction(view.index, note.path, shown=view.shows_note)
        where: Ref | str | None = None
        if latest is not None:
            where = view.note_ref(latest.where.path) if latest.where is not None else latest.how
        rows.append(PersonRow(
            contact=view.note_ref(note.path),
            company=optional_ref(view, fields.company, note.path),
            role=fields.role,
            last_interaction=latest.day if latest is not None else None,
            next_followup=next(iter(view.followups_of.get(note.path, ())), None),
            introduced_by=optional_ref(view, fields.introduced_by, note.path),
            last_touch_from=where,
            location=shown_location(view, fields),
            tags=row_tags(note),
            stage=contact_stage(view.index, note, view.shows_note).name,
        ))
    return rows
