"""The generated home page and the home dashboard (`home_page`, `home_dashboard`) from
`views.home`'s rows: what now?"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from ...followups import THIS_WEEK, TODAY
from ...views.common import Ref
from ...views.home import HomeRows, InsightRow, PlannedRow, Progress
from ..fast_html import block_html
from .common import Linker, class_slug, html_text, nice_date
from .followups import BUILT_DAY, dated_board, markdown_proof
from .leads import state_label
from .today_css import MONTH_CLASS

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def home_page(data: tuple[Sequence[tuple[str, str]], str], linker: Linker,
              raw_html: Callable[[str], str] | None = None) -> str:
    """The generated home page (for a vault without an `index.md` of its own): a title, the
    home dashboard (`home_dashboard`, HTML that needs no Markdown pass) and every dashboard."""
    dashboards, dashboard = data
    items = "\n".join(f"- {linker.link(Ref('ok', title, src))}" for title, src in dashboards)
    shown = raw_html(dashboard) if raw_html is not None else dashboard
    return f"# Your vault\n\n{shown}\n\n## Every dashboard\n\n{items}\n"


def home_dashboard(rows: HomeRows, due: str, pages: Mapping[str, str], linker: Linker) -> str:
    """The home dashboard as HTML: what now? The counts; this week's planned conversations,
    each with its prep brief folded; what is overdue or due today (`due`, the follow-ups
    dashboard limited to those groups); the leads waiting; the latest insights. `pages`: the
    page of each dashboard it links to, by title ("Follow-ups", "Leads").

    Never stale, as the follow-ups dashboard: the conversations carry their dates and
    `followups.js` shows those of the reader's week, and counts the done conversations of the
    reader's month; without it, all is as of the day the site was built (`today_css`). The
    same HTML on any day (`views.home.home_rows`). No blank line inside."""
    sections = [
        ("Conversations", _planned_board(rows.planned, linker)),
        ("Due now", due),
        ("Leads waiting", _waiting(rows, linker, pages)),
        ("Recently learned", _learned(rows.learned, linker)),
    ]
    # Out of search, each part: the names it lists are found on their own pages. (The theme's
    # search stops leaving out at a heading, and at the end of any div inside: one block a
    # part.)
    parts = ['<div class="vault-home">',
             f"<div data-search-exclude>{_progress(rows.progress)}</div>"]
    for title, content in sections:
        parts.append(f'<h2 id="{class_slug(title)}">{title}</h2>')
        if content.strip():
            parts.append(f"<div data-search-exclude>\n{content.strip()}\n</div>")
        if title == "Due now":
            parts.append("<div data-search-exclude>"
                         f"{_see_all(linker, pages, 'Follow-ups', 'Every follow-up')}</div>")
    parts.append("</div>")
    return markdown_proof("\n".join(part for part in parts if part))


def _see_all(linker: Linker, pages: Mapping[str, str], title: str, text: str) -> str:
    src = pages.get(title)
    return (f'<p class="vault-home__more">{linker.link(Ref("ok", text, src), raw=True)}</p>'
            if src else "")


def _weekday_date(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {nice_date(day)}"


def _planned_board(rows: Sequence[PlannedRow], linker: Linker) -> str:
    items = []
    for planned in rows:
        row = planned.row
        day = row.date  # (planned rows are dated)
        due = day.isoformat() if day else ""
        who = linker.links(row.people, raw=True)
        at = f" at {linker.link(row.company, raw=True)}" if row.company is not None else ""
        items.append(
            f'<li data-due="{due}" data-kind="conversation"><span class="vault-followups__due">'
            f"{_weekday_date(day) if day else 'no date'}</span> · "
            f"{linker.link(row.interview, raw=True)} · with {who}{at}{_brief(planned, linker)}"
            "</li>")
    return dated_board(
        items, (TODAY, THIS_WEEK),
        f"Planned for the next seven days, as of {BUILT_DAY}, when this site was built.",
        "Nothing planned for the next seven days. Plan a conversation with "
        '<code>vault-tools new interview "Jane Doe" --date YYYY-MM-DD --planned</code>.',
        summary="{n} planned for the next seven days, as of today, {date}.", level=3)


def _brief(planned: PlannedRow, linker: Linker) -> str:
    """The prep brief, folded: as the conversation's page shows it (`fast_html.block_html`),
    or, when it is more than that fast path writes, a link to it there."""
    if not planned.brief:
        return ""
    pieces: list[str] = []
    markdown = []
    for piece in planned.brief:
        if isinstance(piece, Ref):
            markdown.append(f"\x00{len(pieces)}\x00")
            pieces.append(linker.link(piece, raw=True))
        else:
            markdown.append(piece.replace("\x00", ""))
    body = block_html("".join(markdown), pieces)
    if body is None:
        href = linker.href(planned.row.interview)
        if href is None:
            return ""
        body = f'<p><a href="{html.escape(href)}#prep-brief">Read it on its page</a></p>'
    return (f'<details class="vault-home__brief"><summary>Prep brief</summary>\n{body}\n'
            "</details>")


def _progress(progress: Progress) -> str:
    # This month's conversations are counted by `followups.js` in the reader's month; without
    # it, the count of each month that has any is written, and a 0 last, and the stylesheet
    # of the build's day (`today_css`) shows that day's month's, or the 0 when it has none.
    dates = " ".join(day.isoformat() for day in progress.done_dates)
    counts_by_month = Counter(day.isoformat()[:7] for day in progress.done_dates)
    by_month = ""
    for month, count in sorted(counts_by_month.items()):
        # (With its month, which only a reader without CSS sees: two counts do not run
        # together then.)
        by_month += (f'<span data-in="{month}">{count}'
                     f'<span class="vault-home__in"> ({month})</span> </span>')
    by_month += ('<span data-in="">0<span class="vault-home__in"> (any other month)</span>'
                 "</span>" if counts_by_month else '<span data-in="">0</span>')

    counts = [(f'<strong class="{MONTH_CLASS}" data-dates="{dates}">{by_month}</strong>',
               "conversations this month"),
              (f"<strong>{progress.people_met}</strong>", "people met"),
              (f"<strong>{progress.careers_explored}</strong>", "careers explored"),
              (f"<strong>{progress.careers_ruled_out}</strong>", "careers ruled out")]
    return ('<ul class="vault-home__counts">'
            + "".join(f"<li>{number} <span>{label}</span></li>" for number, label in counts)
            + "</ul>")


def _waiting(rows: HomeRows, linker: Linker, pages: Mapping[str, str]) -> str:
    if not rows.leads:
        return ('<p class="vault-home__none">No introduction waiting. When someone offers to '
                "introduce you, list the name under <code>referrals</code> in the "
                "conversation's note.</p>")
    items = []
    for row in rows.leads:
        who = linker.links(row.offered_by, raw=True)
        when = f" on {row.date.isoformat()}" if row.date else ""
        items.append(f"<li>{linker.link(row.who, raw=True)} {state_label(row.state)} · offered by "
                     f"{who}{when}</li>")
    more = rows.leads_waiting - len(rows.leads)
    text = f"{more} more, and every lead" if more > 0 else "Every lead"
    return ('<ul class="vault-home__leads">' + "".join(items) + "</ul>"
            + _see_all(linker, pages, "Leads", text))


def _learned(rows: Sequence[InsightRow], linker: Linker) -> str:
    if not rows:
        return ('<p class="vault-home__none">Nothing learned yet. Write what you hear under '
                "<code>## What I learned</code>, <code>## Culture</code> or "
                "<code>## Advice</code> in a done conversation's note.</p>")
    items = []
    for row in rows:
        # The date, unless the conversation's name says it (`2026-11-19 Hana Kobayashi`).
        when = row.date.isoformat() if row.date else "no date"
        when = "" if when in row.interview.text else f" ({when})"
        items.append(f"<li>{html_text(row.text)} <span class=\"vault-home__from\">· "
                     f"{html_text(row.group)} · {linker.link(row.interview, raw=True)}"
                     f"{when}</span></li>")
    return '<ul class="vault-home__learned">' + "".join(items) + "</ul>"
