"""The Pipeline dashboard's rows (`pipeline_rows`, §12): each public contact by stage;
written by `site.render.pipeline`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..network import pipeline, stale_after
from ..notes import ContactFields
from .common import Ref, SiteView, optional_ref, row_tags, shown_location


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
            company=optional_ref(view, fields.company, note.path),
            introduced_by=optional_ref(view, fields.introduced_by, note.path),
            location=shown_location(view, fields), tags=row_tags(note)))
    return rows
