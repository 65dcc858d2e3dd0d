"""The Careers dashboard's data (`careers_board`, §13): each public career path compared, its
interest over time and its conversations; written by `site.render.careers`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import careers, schema
from ..notes import CareerFields
from .common import Ref, SiteView, by_name, public_sources, row_tags
from .timeline import InterviewRow, interview_row, newest_first


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


def career_rows(view: SiteView) -> list[CareerRow]:
    """Each public career path with its conversations and net interest (the sum of `interest`
    over done conversations), its comparison and its interest over time, all from public
    conversations only (a private one's date or interest is nowhere in a row): pursued paths
    first, ruled-out ones last, by name within."""
    rows = []
    shown = view.shows_note
    for note in by_name(n for n in view.public_notes() if n.type == schema.CAREER):
        fields = note.fields if isinstance(note.fields, CareerFields) else CareerFields()
        talks = [interview_row(view, t)
                 for t in public_sources(view, note.path, "career", schema.INTERVIEW)]
        rated = [r.interest for r in talks if r.status == schema.DONE and r.interest is not None]
        compared = careers.comparison(view.index, note, shown)
        rows.append(CareerRow(
            career=view.note_ref(note.path), status=fields.status,
            net_interest=sum(i for i in rated if i is not None), rated=len(rated),
            conversations=tuple(newest_first(talks)),
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
