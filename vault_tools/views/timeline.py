"""A conversation as a row (`interview_row`, shared by Companies, Careers and home) and the
Timeline dashboard's rows (`timeline_rows`); written by `site.render.timeline`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .. import schema
from ..notes import InterviewFields, Note
from .common import Ref, SiteView, optional_ref, row_tags


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


def interview_row(view: SiteView, note: Note) -> InterviewRow:
    """The row of the conversation `note`, worked out once per view: Timeline, Companies,
    Careers and the home list the same conversations (~7,000 rows for 750 at 5,000 notes)."""
    known = view.memo.get((_ROW, note.path))
    if known is not None and known[0] is note:
        found: InterviewRow = known[1]
        return found
    row = _interview_row(view, note)
    view.memo[(_ROW, note.path)] = (note, row)
    return row


_ROW = "interview row"


def _interview_row(view: SiteView, note: Note) -> InterviewRow:
    fields = note.fields if isinstance(note.fields, InterviewFields) else InterviewFields()
    return InterviewRow(
        interview=view.note_ref(note.path),
        date=fields.date,
        people=tuple(view.ref(t, source=note.path) for t in fields.with_),
        company=optional_ref(view, fields.company, note.path),
        careers=tuple(view.ref(t, source=note.path) for t in fields.careers),
        format=fields.format,
        status=fields.status,
        interest=fields.interest,
        tags=row_tags(note),
    )


def newest_first(rows: Iterable[InterviewRow]) -> list[InterviewRow]:
    """Newest first; undated ones last; ties by path so the order is stable."""
    dated = sorted((r for r in rows if r.date), key=lambda r: (r.date, r.interview.path or ""),
                   reverse=True)
    undated = sorted((r for r in rows if not r.date), key=lambda r: r.interview.path or "")
    return dated + undated


def timeline_rows(view: SiteView) -> list[InterviewRow]:
    """Every public interview, newest first."""
    return newest_first(interview_row(view, n) for n in view.public_notes()
                         if n.type == schema.INTERVIEW)
