"""The home page's rows (`home_rows`): this week's planned conversations with their briefs,
the leads waiting, the latest insights and the counts; written by `site.render.home`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import learning, referrals, schema
from ..blocks import plain_quote, render_prep
from ..notes import CareerFields, InterviewFields
from .common import Ref, SiteView, public_sources
from .followups import TitlePiece, markdown_pieces
from .leads import LeadRow, lead_rows
from .timeline import InterviewRow, interview_row

HOME_LEADS = 5  # the leads waiting the home page lists (the Leads page has them all)
HOME_INSIGHTS = 5  # the insights it quotes
HOME_INSIGHTS_EACH = 2  # at most from one conversation: the list spans a few
HOME_INSIGHT_CHARS = 200  # the longest quote of one


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
    """The home page's counts. `done_dates`: the days of the done conversations (the page
    counts those in the reader's month, by the reader's date); the rest are totals."""

    done_dates: tuple[dt.date, ...]
    people_met: int
    careers_explored: int
    careers_ruled_out: int


def planned_rows(view: SiteView) -> list[PlannedRow]:
    """Every public planned conversation with a date, soonest first (ties by path), each with
    its public prep brief. Every one, whatever the day: which of them a reader sees as this
    week's is their browser's to say (by its own date) or the day's stylesheet's, so the list
    is the same on any day. A private person or company is in no row or brief:
    `interview_row` names them "a private note", the brief leaves them out."""
    found = []
    for note in view.public_notes():
        fields = note.fields
        if (note.type != schema.INTERVIEW or not isinstance(fields, InterviewFields)
                or fields.status != schema.PLANNED or fields.date is None):
            continue
        brief = render_prep(view.index, note, public=True)
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


def progress(view: SiteView) -> Progress:
    """The counts: the days of every public done conversation (a reader's month is counted
    from them); the public contacts
    met in a public done conversation; the public careers with a public done conversation
    (explored) and those ruled out."""
    days: list[dt.date] = []
    met: set[str] = set()
    for note in view.public_notes():
        fields = note.fields
        if (note.type != schema.INTERVIEW or not isinstance(fields, InterviewFields)
                or fields.status != schema.DONE):
            continue
        if fields.date is not None:
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
        talks = public_sources(view, note.path, "career", schema.INTERVIEW)
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


def home_rows(view: SiteView, leads: list[LeadRow] | None = None) -> HomeRows:
    """The home page's rows: every planned conversation with its brief, the leads waiting,
    the latest insights, and the counts (with the days of every done conversation). None of
    them depends on the day the site is built, so a new day never makes the page again: what
    a reader sees as this week's conversations and this month's count is worked out from
    their dates by the reader's browser, or by the day's stylesheet (`render.today_css`).
    `leads`: `lead_rows`, when the caller has them already."""
    waiting = waiting_leads(view, leads)
    return HomeRows(tuple(planned_rows(view)), tuple(waiting[:HOME_LEADS]), len(waiting),
                    tuple(recent_insights(view)), progress(view))
