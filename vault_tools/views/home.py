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
HOME_BRIEF_DAYS = 21  # the planned conversations, from the build on, shown with their briefs
# The home page's rows are worked out as of the first day of a period of this many days, the
# same for each day of it (`period_start`): the page is the same all through the period.
HOME_PERIOD_DAYS = 14
_FIRST_PERIOD = dt.date(2001, 1, 1)  # a Monday: every period starts on a Monday


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
    # The months (`YYYY-MM`) the period's days are in: a reader without the site's script
    # sees the count of the build's day's month among them.
    months: tuple[str, ...] = ()


def period_start(day: dt.date) -> dt.date:
    """The first day of the period of `HOME_PERIOD_DAYS` days that `day` is in."""
    return day - dt.timedelta(days=(day - _FIRST_PERIOD).days % HOME_PERIOD_DAYS)


def home_rows(view: SiteView, built: dt.date, leads: list[LeadRow] | None = None
              ) -> HomeRows:
    """The home page's rows for a site built on `built`, the same for every day of its period
    (`period_start`), so that a new day does not make the page again: the planned
    conversations a reader may see as this week's (from the day before the period's first: a
    reader's date may be behind the build's by a time zone), the leads waiting, the latest
    insights, and the counts (with the done conversations' days from the first of the month of
    that day, all any reader's month may count). `leads`: `lead_rows`, when the caller has
    them already.

    Every planned conversation from then on is listed, a site read weeks after it was built
    included; the briefs are those up to `HOME_BRIEF_DAYS` days after the period's last day
    (each costs a read of the notes around it): a later one's row links to its page."""
    start = period_start(built)
    since = start - dt.timedelta(days=1)
    briefs_until = start + dt.timedelta(days=HOME_PERIOD_DAYS - 1 + HOME_BRIEF_DAYS)
    waiting = waiting_leads(view, leads)
    months = tuple(sorted({(start + dt.timedelta(days=n)).isoformat()[:7]
                           for n in range(HOME_PERIOD_DAYS)}))
    return HomeRows(tuple(planned_rows(view, since, briefs_until)),
                    tuple(waiting[:HOME_LEADS]), len(waiting), tuple(recent_insights(view)),
                    progress(view, since.replace(day=1)), months)
