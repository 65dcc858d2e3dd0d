"""Markdown and HTML for the site's pages, from the rows of `vault_tools.views`.

No MkDocs here either: a `Linker` turns a `Ref` into a link from one page, so the same code
serves every page. Links to notes are written as relative `.md` links, which MkDocs turns into
page URLs (and checks), except in raw HTML, where the linker is given the final URLs.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import quote

from ..schema import CONTACT_STATUSES as STAGE_ORDER
from ..schema import DONE
from ..followups import GROUPS, THIS_WEEK, TODAY, WEEK_DAYS, FollowUp, Timed, group_of
from ..views.card import CardRow
from ..views.careers import CareersBoard, CareerRow
from ..views.common import CardItem, Ref, Url
from ..views.companies import CompanyRow
from ..views.followups import TitlePiece
from ..views.home import HomeRows, InsightRow, PlannedRow, Progress
from ..views.leads import LeadRow
from ..views.network import GraphEdge, GraphNode, PLACEHOLDER_NODE
from ..views.people import PersonRow
from ..views.pipeline import StageRow
from ..views.questions import AnswerRow, PreparedRow, QuestionRow
from ..views.tags import TagRow
from ..views.timeline import InterviewRow
from ..tags import TAGS_PAGE
from .chart import interest_chart
from .fast_html import block_html, html_list_item, html_table_cell

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EMPTY = "—"
# Wide tables and the graph need the room of the table of contents (Material's `hide`).
WIDE = "---\nhide:\n  - toc\n---\n\n"
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"})
_REF_TITLES = {
    "private": "This note is private: it is not published.",
    "broken": "Not written yet: no note or file has this name.",
    "ambiguous": "Several notes have this name: write the folder too.",
}


def nice_date(day: dt.date) -> str:
    """`8 Jul 2026`: unambiguous in every locale and independent of the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def md_text(text: str) -> str:
    """Text safe inside Markdown (and a table cell): markup characters escaped, HTML escaped."""
    return html.escape(text, quote=False).translate(_MD_SPECIAL)


def html_text(text: str) -> str:
    return html.escape(text, quote=False)


def relative_md(target: str, from_src: str) -> str:
    """A relative, URL-quoted link from the page of `from_src` to the file `target`."""
    start = posixpath.dirname(from_src) or "."
    return quote(posixpath.relpath(target, start))


def relative_url(target: str, page: str) -> str:
    """The URL of `target` relative to the page at `page` (both relative to the site root, as
    MkDocs writes them: `contacts/Jane%20Doe/`, `people/`, `` for the home page)."""
    page, target = page.removeprefix("./"), target.removeprefix("./")  # the home page is "./"
    folders = page.split("/")[:-1]
    parts = target.split("/")
    common = 0
    while (common < len(folders) and common < len(parts) - 1
           and folders[common] == parts[common]):
        common += 1
    return "../" * (len(folders) - common) + "/".join(parts[common:]) or "./"


def unlinked(ref: Ref, text: str | None = None,
             escape: Callable[[str], str] = html.escape) -> str:
    """A reference that is not a link (private, broken, ambiguous), visibly marked as such.
    `escape` writes its text: `md_text` where the span sits in Markdown, which reads inline
    HTML's content as Markdown (a `|` in a table cell would end the cell)."""
    shown = text if ref.status != "private" else ref.text
    return (f'<span class="vault-link vault-{ref.status}" title="{_REF_TITLES[ref.status]}">'
            f"{escape(shown or ref.text)}</span>")


class Linker:
    """Writes references as links from one page.

    `urls` maps note paths to their page URLs (relative to the site root) and `page_url` is the
    current page's; links are written as HTML, already resolved, so MkDocs need not look
    them up again (the vault index has just done so).
    """

    def __init__(self, page_url: str, urls: Mapping[str, str],
                 anchor: Callable[[str, str], str | None]) -> None:
        self.page_url = page_url
        self.urls = urls
        self.anchor = anchor  # (note path, heading) -> the heading's id, or None

    def href(self, ref: Ref) -> str | None:
        target = self.urls.get(ref.path) if ref.path is not None else None
        if target is None:
            return None
        href = relative_url(target, self.page_url)
        if ref.heading:
            slug = self.anchor(ref.path, ref.heading)  # type: ignore[arg-type]
            if slug:
                href += "#" + slug
        return href

    def link(self, ref: Ref | None, text: str | None = None, raw: bool = False) -> str:
        """The link as HTML inside Markdown (its text Markdown-escaped), or as plain HTML when
        `raw` (for HTML that bypasses Markdown)."""
        if ref is None:
            return EMPTY
        escape = html_text if raw else md_text
        href = self.href(ref) if ref.status == "ok" else None
        if href is None:
            return unlinked(ref, text, escape) if ref.status != "ok" else escape(text or ref.text)
        return f'<a href="{html.escape(href)}">{escape(text or ref.text)}</a>'

    def links(self, refs: Iterable[Ref], raw: bool = False) -> str:
        return ", ".join(self.link(r, raw=raw) for r in refs) or EMPTY


def _cell(value: object, raw: bool = False) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dt.date):
        return value.isoformat()  # ISO dates sort as text in the sortable tables
    return html_text(str(value)) if raw else md_text(str(value))


# The cells of a table, as Markdown (False) or as HTML (True).
Cells = Callable[[bool], Iterable[Sequence[str]]]


# --- filters (the site's `filters.js`) ---------------------------------------------------------

# The filter reading a row's `data-touch` date ("no touch in more than N days"): a number the
# reader types, not a choice among the rows' values.
QUIET = "quiet"
Filters = Sequence[tuple[str, str]]  # (key: the rows' data attribute and the URL's, label)


def filter_bar(filters: Filters) -> str:
    """The marker `filters.js` puts a page's filters at, naming them and their labels (the
    site's own words): HTML on a line of its own, which Markdown passes through as it is.
    Without the script it shows nothing, and every row stays."""
    labels = "".join(f' data-label-{key}="{html.escape(label)}"' for key, label in filters)
    keys = " ".join(key for key, _ in filters)
    return f'<div class="vault-filters" data-filters="{keys}"{labels}></div>'


def _data_text(value: str) -> str:
    """A value as a row's data attribute holds it, read the same by Markdown (in a table cell)
    and by HTML: blanks as one space, control characters dropped, and every other character
    but a letter, a digit or a space written as a character reference, so that none ends the
    attribute or the cell (`"`, `|`) or is read as Markdown (`*`, `_`, `` ` ``, `[`, `\\`);
    the few marks no Markdown reads there (`_DATA_MARKS`) stay as they are."""
    return "".join(c if c.isalnum() or c in _DATA_MARKS else f"&#{ord(c)};"
                   for c in " ".join(value.split()) if c.isprintable())


# What a data attribute's value keeps as written: dates, "Portland, OR", "Acme (UK)".
_DATA_MARKS = frozenset(" -,.:/()+@")


def ref_value(ref: Ref | None) -> tuple[str, ...]:
    """What a filter reads of a reference: its name, unless it is a private note's (never
    named) or there is none."""
    return (ref.text,) if ref is not None and ref.status != "private" else ()


def row_data(facts: Mapping[str, Iterable[str]]) -> str:
    """An empty span opening a row's first cell with what the page's filters read of the row,
    `data-KEY` each (several values one a line; `data-touch`, an ISO date, for `QUIET`).
    Values come from public notes only (the rows' own); empty ones are left out."""
    attributes = []
    for key, values in facts.items():
        texts = list(dict.fromkeys(t for t in map(_data_text, values) if t))
        if texts:
            attributes.append(f' data-{key}="{"&#10;".join(texts)}"')
    return f'<span class="vault-row"{"".join(attributes)}></span>'


def _touch(day: dt.date | None) -> tuple[str, ...]:
    return (day.isoformat(),) if day is not None else ()


def _table(header: Sequence[str], cells: Cells, sortable: bool = True,
           raw_html: Callable[[str], str] | None = None, filters: Filters = ()) -> str:
    """A table in Markdown; with `raw_html`, written as the HTML Python-Markdown makes of it
    (see `followups_page`) when every cell allows. With `filters`, the page's filter bar
    (`filter_bar`) comes first: the rows' first cells carry their `row_data`."""
    lead = ['<div class="vault-sortable"></div>', ""] if sortable else []
    if filters:
        lead = [filter_bar(filters), "", *lead]
    if raw_html is not None:
        rows = [[cell.strip(" ") for cell in row] for row in cells(True)]
        if rows and all(html_table_cell(cell) for row in rows for cell in row):
            head = "".join(f"<th>{html_text(h)}</th>\n" for h in header)
            body = "".join("<tr>\n" + "".join(f"<td>{cell}</td>\n" for cell in row) + "</tr>\n"
                           for row in rows)
            table = (f"<table>\n<thead>\n<tr>\n{head}</tr>\n</thead>\n<tbody>\n{body}"
                     "</tbody>\n</table>")
            return "\n".join([*lead, raw_html(table)])
    lines = [*lead, "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    count = 0
    for row in cells(False):
        lines.append("| " + " | ".join(row) + " |")
        count += 1
    if count == 0:
        return "*Nothing here yet.*"
    return "\n".join(lines)


# A table as Python-Markdown writes it (and `_table`'s fast path, the same), its header row and
# its body; a table written otherwise (another extension's) is left as it is.
_HTML_TABLE = re.compile(r"<table>\n<thead>\n<tr>\n(.*?)</tr>\n</thead>\n<tbody>\n(.*?)</tbody>"
                         r"\n</table>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th(?: [^>]*)?>(.*?)</th>", re.DOTALL)
_ROW_OR_CELL = re.compile("<tr>|<td>")
_TAG = re.compile(r"<[^>]*>")


def card_tables(page_html: str) -> str:
    """A generated page's HTML with each table's cells labelled by their column's heading
    (`data-label`), an empty cell (`—`) marked `data-empty`, and the table marked
    `data-vault-cards`: on a narrow screen the stylesheet shows each row as a card, each value
    under its column's name, rather than a table to scroll sideways. Works on the HTML either
    path wrote (Markdown or `_table`'s own), so the two still agree before it; one pass."""
    return _HTML_TABLE.sub(_card_table, page_html)


def _card_table(match: re.Match[str]) -> str:
    labels = [html.escape(html.unescape(_TAG.sub("", text)).strip())
              for text in _HEADER_CELL.findall(match.group(1))]
    column = -1

    def cell(found: re.Match[str]) -> str:
        nonlocal column
        if found.group() == "<tr>":
            column = -1
            return "<tr>"
        column += 1
        label = labels[column] if column < len(labels) else ""
        empty = " data-empty" if found.end() < len(body) and body.startswith(
            EMPTY + "</td>", found.end()) else ""
        return f'<td data-label="{label}"{empty}>'

    body = match.group(2)
    return (f"<table data-vault-cards>\n<thead>\n<tr>\n{match.group(1)}</tr>\n</thead>\n"
            f"<tbody>\n{_ROW_OR_CELL.sub(cell, body)}</tbody>\n</table>")


def _followup_text(followup: FollowUp | None, raw: bool = False) -> str:
    if followup is None:
        return EMPTY
    due = followup.due.isoformat() if followup.due else "no date"
    return f"{due} · {html_text(followup.title) if raw else md_text(followup.title)}"


# How a contact's own note records a touch (`followups.Interaction.how`), as the site says it.
_TOUCH_WORDS = {"last_contact": "last contact", "log": "log"}


def _last_touch(row: PersonRow, linker: Linker, raw: bool) -> str:
    """`2026-11-20 · log`, or the date and a link to the conversation or daily note: the date
    first, so the column sorts by it."""
    if row.last_interaction is None:
        return EMPTY
    where = row.last_touch_from
    if where is None:
        return _cell(row.last_interaction, raw)
    shown = (linker.link(where, raw=raw) if isinstance(where, Ref)
             else _cell(_TOUCH_WORDS.get(where, where), raw))
    return f"{_cell(row.last_interaction, raw)} · {shown}"


PEOPLE_FILTERS = (("company", "Company"), ("stage", "Stage"), ("tag", "Tag"),
                  ("location", "Location"), ("introducer", "Introduced by"),
                  (QUIET, "No touch in more than"))


def _person_data(row: PersonRow) -> str:
    return row_data({"company": ref_value(row.company), "stage": (row.stage or "",),
                     "tag": row.tags, "location": (row.location or "",),
                     "introducer": ref_value(row.introduced_by),
                     "touch": _touch(row.last_interaction)})


def people_page(rows: Sequence[PersonRow], linker: Linker,
                raw_html: Callable[[str], str] | None = None) -> str:
    table = _table(
        ("Name", "Company", "Role", "Last touch", "Next follow-up", "Introduced by"),
        lambda raw: ((_person_data(r) + linker.link(r.contact, raw=raw),
                      linker.link(r.company, raw=raw),
                      _cell(r.role, raw), _last_touch(r, linker, raw),
                      _followup_text(r.next_followup, raw),
                      linker.link(r.introduced_by, raw=raw)) for r in rows),
        raw_html=raw_html, filters=PEOPLE_FILTERS if rows else (),
    )
    return (f"{WIDE}# People\n\nEvery contact: {len(rows)} in all. Last touch is the latest "
            "of `last_contact`, the log, done conversations and daily notes. "
            f"Click a column heading to sort.\n\n{table}\n")


def _slug(word: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")


def _state(state: str) -> str:
    """An offer's state as a small label (the words are the vocabulary's, never a note's)."""
    return f'<span class="vault-state vault-state--{_slug(state)}">{html_text(state)}</span>'


LEAD_FILTERS = (("state", "State"), ("introducer", "Offered by"), ("career", "Career"),
                ("company", "Company"))


def _lead_data(row: LeadRow) -> str:
    return row_data({"state": (row.state,),
                     "introducer": [v for r in row.offered_by for v in ref_value(r)],
                     "career": [v for r in row.careers for v in ref_value(r)],
                     "company": ref_value(row.company)})


def leads_page(rows: Sequence[LeadRow], linker: Linker,
               raw_html: Callable[[str], str] | None = None) -> str:
    """Every offered introduction, each person once (`views.lead_rows`)."""
    table = _table(
        ("Who", "Offered by", "When", "Career", "State"),
        lambda raw: ((_lead_data(r) + linker.link(r.who, raw=raw),
                      linker.links(r.offered_by, raw),
                      _cell(r.date, raw), linker.links(r.careers, raw), _state(r.state))
                     for r in rows),
        raw_html=raw_html, filters=LEAD_FILTERS if rows else (),
    )
    still = sum(1 for r in rows if r.open)
    return (f"{WIDE}# Leads\n\nEvery introduction someone offered you (an interview's "
            f"`referrals`), each person once: {len(rows)} in all, {still} still open. Open ones "
            "come first, the longest waiting first; *When* is the first time they were "
            f"offered.\n\n{table}\n")


def _stage_title(stage: str) -> str:
    return stage.replace("-", " ").capitalize()


_DERIVED_TITLE = "Derived from the facts: the note has no status (or an unknown one)."


def _stage_cell(row: StageRow) -> str:
    if row.derived:
        return f'<em class="vault-derived" title="{_DERIVED_TITLE}">{html_text(row.stage)}</em>'
    return html_text(row.stage)


def _days_cell(row: StageRow) -> str:
    """Empty until the site's script counts the days from `since` by the reader's date (so a
    page built on Monday is right on Friday) and flags the row as `network.is_stale` does:
    quiet for more than `stale_after` days since the later of `since` and the last touch."""
    known = [day for day in (row.since, row.last_touch) if day is not None]
    data = f' data-since="{row.since.isoformat()}"' if row.since is not None else ""
    if row.stale_after is not None and known:
        data += (f' data-quiet-since="{max(known).isoformat()}"'
                 f' data-stale-after="{row.stale_after}"')
    return f'<span class="vault-days"{data}>{EMPTY}</span>' if data else EMPTY


PIPELINE_FILTERS = (("stage", "Stage"), ("company", "Company"), ("tag", "Tag"),
                    ("location", "Location"), ("introducer", "Introduced by"),
                    (QUIET, "No touch in more than"))


def _stage_data(row: StageRow) -> str:
    return row_data({"stage": (row.stage,), "company": ref_value(row.company), "tag": row.tags,
                     "location": (row.location or "",),
                     "introducer": ref_value(row.introduced_by),
                     "touch": _touch(row.last_touch)})


def pipeline_page(rows: Sequence[StageRow], linker: Linker,
                  raw_html: Callable[[str], str] | None = None) -> str:
    """Every contact by stage (`views.pipeline_rows`), a table per stage with its count."""
    stages: dict[str, list[StageRow]] = {}
    for row in rows:
        stages.setdefault(row.stage, []).append(row)
    counts = " · ".join(f"{_stage_title(stage)} {len(items)}" for stage, items in stages.items())
    limits = sorted({(row.stage, row.stale_after) for row in rows if row.stale_after is not None},
                    key=lambda item: STAGE_ORDER.index(item[0]))
    parts = [f"{WIDE}# Pipeline\n",
             f"Where each contact stands: {len(rows)} in all." + (f" {counts}." if counts else ""),
             "A stage in *italics* is derived from the facts (the note has no `status`). "
             "*Days* counts from the day the stage began. "
             + ('A contact is flagged <span class="vault-stale-badge">stale</span> when quiet '
                "(nothing since the stage began or the last touch) for longer than its stage "
                "waits: " + ", ".join(f"{_stage_title(s).lower()} {n} days" for s, n in limits)
                + "." if limits else "") + "\n"]
    if not rows:
        parts.append("*Nothing here yet.*\n")
    for number, (stage, items) in enumerate(stages.items()):

        def cells(raw: bool, items: Sequence[StageRow] = items) -> Iterable[list[str]]:
            for row in items:
                yield [_stage_data(row) + linker.link(row.contact, raw=raw), _stage_cell(row),
                       _cell(row.since, raw), _days_cell(row), _cell(row.last_touch, raw)]

        if number == 0:  # one bar for the page, above its first table
            parts.append(filter_bar(PIPELINE_FILTERS) + "\n")
        table = _table(("Name", "Stage", "Since", "Days", "Last touch"), cells,
                       raw_html=raw_html)
        parts.append(f"## {_stage_title(stage)} ({len(items)})\n\n{table}\n")
    return "\n".join(parts)


def _interview_cells(row: InterviewRow, linker: Linker, raw: bool = False) -> list[str]:
    interest = f"{row.interest:+d}" if row.interest is not None else EMPTY
    return [_cell(row.date, raw), linker.link(row.interview, raw=raw),
            linker.links(row.people, raw), linker.link(row.company, raw=raw),
            linker.links(row.careers, raw), _cell(row.format, raw), _cell(row.status, raw),
            interest]


_INTERVIEW_HEADER = ("Date", "Conversation", "With", "Company", "Career", "Format", "Status",
                     "Interest")


TIMELINE_FILTERS = (("company", "Company"), ("career", "Career"), ("status", "Status"),
                    ("tag", "Tag"))


def _interview_data(row: InterviewRow) -> str:
    return row_data({"company": ref_value(row.company),
                     "career": [v for r in row.careers for v in ref_value(r)],
                     "status": (row.status,), "tag": row.tags})


def timeline_page(rows: Sequence[InterviewRow], linker: Linker,
                  raw_html: Callable[[str], str] | None = None) -> str:
    def cells(raw: bool) -> Iterable[list[str]]:
        for row in rows:
            first, *rest = _interview_cells(row, linker, raw)
            yield [_interview_data(row) + first, *rest]

    table = _table(_INTERVIEW_HEADER, cells, raw_html=raw_html,
                   filters=TIMELINE_FILTERS if rows else ())
    return (f"{WIDE}# Timeline\n\nEvery conversation, newest first: {len(rows)} in all.\n\n"
            f"{table}\n")


COMPANY_FILTERS = (("industry", "Industry"), ("location", "Location"), ("tag", "Tag"),
                   (QUIET, "No conversation in more than"))


def _last_done(conversations: Iterable[InterviewRow]) -> dt.date | None:
    """The day of the latest done conversation, what "no conversation in N days" counts from
    (a planned one is no touch yet)."""
    return max((c.date for c in conversations if c.status == DONE and c.date is not None),
               default=None)


def _company_data(row: CompanyRow) -> str:
    return row_data({"industry": (row.industry or "",), "location": (row.location or "",),
                     "tag": row.tags, "touch": _touch(_last_done(row.conversations))})


def companies_page(rows: Sequence[CompanyRow], linker: Linker,
                   raw_html: Callable[[str], str] | None = None) -> str:
    table = _table(
        ("Company", "Industry", "Location", "People", "Conversations", "Latest"),
        lambda raw: ((_company_data(r) + linker.link(r.company, raw=raw),
                      _cell(r.industry, raw),
                      _cell(r.location, raw), linker.links(r.people, raw),
                      str(len(r.conversations)),
                      linker.link(r.conversations[0].interview, raw=raw)
                      if r.conversations else EMPTY) for r in rows),
        raw_html=raw_html, filters=COMPANY_FILTERS if rows else (),
    )
    return (f"{WIDE}# Companies\n\nEvery organisation, who you know there and your conversations "
            f"with them: {len(rows)} in all.\n\n{table}\n")


def _badge(status: str | None) -> str:
    if not status:
        return ""
    return (f' <span class="vault-badge vault-badge--{html.escape(status)}">'
            f"{html.escape(status.replace('-', ' '))}</span>")


def careers_page(board: CareersBoard, linker: Linker,
                 raw_html: Callable[[str], str] | None = None) -> str:
    """The Careers page, a decision page (§13): the comparison table, interest over time (the
    chart and, always, a table with the same numbers), the ruled-out paths with when and why,
    then each path's conversations."""
    rows = board.rows
    parts = [f"{WIDE}# Careers\n",
             "The evidence for each career path you are weighing: what the conversations "
             "told you, how your interest moved, which open questions are answered, and the "
             "paths you ruled out and why.\n"]
    if not rows:
        parts.append("*Nothing here yet.*\n")
        return "\n".join(parts)
    parts.append(_comparison(board, linker, raw_html))
    parts.append(_interest_over_time(rows, raw_html))
    ruled_out = [row for row in rows if row.ruled_out]
    if ruled_out:
        parts.append("## Ruled out\n")
        parts.append("\n".join(_ruled_out_item(row, linker) for row in ruled_out) + "\n")
    parts.append("## Conversations by path\n")
    for row in rows:
        title = linker.link(row.career)
        heading = f"### {title}{_badge(row.status)}"
        net = (f"**Net interest: {row.net_interest:+d}** over {row.rated} rated conversation"
               f"{'' if row.rated == 1 else 's'}." if row.rated else "No rated conversation yet.")
        if row.ruled_out:
            net = "Ruled out. " + net

        def cells(raw: bool, conversations: Sequence[InterviewRow] = row.conversations
                  ) -> Iterable[list[str]]:
            for conversation in conversations:
                c = _interview_cells(conversation, linker, raw)
                yield [c[0], c[1], c[2], c[7], c[6]]

        table = _table(("Date", "Conversation", "With", "Interest", "Status"), cells,
                       sortable=False, raw_html=raw_html)
        parts.append(f"{heading}\n\n{net}\n\n{table}\n")
    return "\n".join(parts)


CAREER_FILTERS = (("status", "Status"), ("tag", "Tag"),
                  (QUIET, "No conversation in more than"))


def _career_data(row: CareerRow) -> str:
    return row_data({"status": (row.status or "",), "tag": row.tags,
                     "touch": _touch(_last_done(row.conversations))})


def _comparison(board: CareersBoard, linker: Linker,
                raw_html: Callable[[str], str] | None) -> str:
    scored = bool(board.criteria)
    header = ["Career", "Status", *(["Score"] if scored else []), "Conversations",
              "Interest (recent)", "Open questions", "Last", "Next"]

    def cells(raw: bool) -> Iterable[list[str]]:
        for row in board.rows:
            score = [_score(row, raw)] if scored else []
            questions = (f"{row.questions_answered} of {row.questions_total}"
                         if row.questions_total else EMPTY)
            yield [_career_data(row) + linker.link(row.career, raw=raw),
                   _cell(row.status, raw), *score,
                   _evidence(row), _interest(row),
                   questions, _talk(row.last, linker, raw), _talk(row.next, linker, raw)]

    weights = ", ".join(f"{md_text(name)} ×{weight}" for name, weight in board.criteria)
    lead = ("Score: each path's scores (1 to 5) weighted by the criteria in mkdocs.yml "
            f"({weights}), over the criteria it is scored on. " if scored else "")
    note = (f"{lead}Conversations: the done ones, with how many people at how many "
            "companies. Interest: "
            "the sum of `interest` over done conversations (in brackets: over the last three "
            "that rated it). Next: the earliest planned conversation.")
    table = _table(header, cells, raw_html=raw_html, filters=CAREER_FILTERS)
    return f"## Compare\n\n{note}\n\n{table}\n"


def _evidence(row: CareerRow) -> str:
    people, companies = len(row.people), len(row.companies)
    text = str(row.done)
    if people:
        text += f" · {people} {'person' if people == 1 else 'people'}"
    if companies:
        text += f" · {companies} compan{'y' if companies == 1 else 'ies'}"
    return text


def _interest(row: CareerRow) -> str:
    if not row.rated or row.recent_interest is None:
        return EMPTY
    return f"{row.net_interest:+d} ({row.recent_interest:+d})"


def _score(row: CareerRow, raw: bool) -> str:
    if row.score is None:
        return EMPTY
    text = f"{row.score:.1f}"
    if row.unscored:
        text += f" (not scored: {', '.join(row.unscored)})"
    return _cell(text, raw)


def _talk(row: InterviewRow | None, linker: Linker, raw: bool) -> str:
    if row is None:
        return EMPTY
    return linker.link(row.interview, text=row.date.isoformat() if row.date else None, raw=raw)


def _interest_over_time(rows: Sequence[CareerRow],
                        raw_html: Callable[[str], str] | None) -> str:
    drawn = [row for row in rows if row.series]
    if not drawn:
        return ("## Interest over time\n\nNo done conversation has rated its career yet "
                "(`interest: -2` to `2` in a conversation's note).\n")
    svg = interest_chart([(row.career.text, row.series) for row in drawn])

    def cells(raw: bool) -> Iterable[list[str]]:
        points = sorted(((day, row.career.text, total, total - before)
                         for row in drawn
                         for (day, total), before in zip(
                             row.series, (0, *(t for _, t in row.series)))),
                        key=lambda p: (p[0], p[1].lower()))
        for day, name, total, change in points:
            yield [_cell(day, raw), _cell(name, raw), f"{change:+d}", f"{total:+d}"]

    table = _table(("Date", "Career", "That day", "Total"), cells, raw_html=raw_html)
    return ("## Interest over time\n\n"
            "Each line adds up a path's `interest` (−2 to +2) conversation by conversation. "
            "The table below the chart gives the same numbers.\n\n"
            f'<div class="vault-chart-wrap">\n{svg}\n</div>\n\n'
            f"{table}\n")


def _ruled_out_item(row: CareerRow, linker: Linker) -> str:
    when = f" on {row.ruled_out_on.isoformat()}" if row.ruled_out_on else ""
    why = f": {md_text(row.reason)}" if row.reason else " (no reason written)"
    return f"- {linker.link(row.career)}, ruled out{when}{why}"


def followups_page(dashboard: str, raw_html: Callable[[str], str] | None = None) -> str:
    """The generated follow-ups page (for a vault without a follow-ups note): a title, what the
    list is, and the dashboard (`followups_dashboard`), HTML that needs no Markdown pass."""
    return (
        "# Follow-ups\n\n"
        "Everything to do next, grouped by when it is due. Mark one done where it comes from "
        "(tick the task, set `thank_you`, `last_contact` or `introducer_thanked`) and it leaves "
        "this list at the next build.\n\n"
        f"{raw_html(dashboard) if raw_html is not None else dashboard}\n"
    )


def followups_dashboard(items: Sequence[Timed], built: dt.date, linker: Linker,
                        note_name: Callable[[str], str],
                        pieces: Callable[[FollowUp], Sequence[TitlePiece]],
                        groups: Sequence[str] | None = None) -> str:
    """The follow-ups dashboard as HTML, for a page of the site: never stale.

    Every follow-up any day may show is in the page, with its due date and the days it shows on
    as ISO dates in data attributes; the site's script (`followups.js`) groups them by the
    reader's date under the headings of `followups.GROUPS`. Without the script, the page shows
    one list by due date, as of `built` (the day the site was built), and says so. No blank
    line inside: the HTML may stand in Markdown as one raw block.

    `groups` (the home page's: overdue and today) lists only those groups: an item in
    another is not shown, by the script or without it.
    """
    keys = tuple(key for key, _ in GROUPS) if groups is None else tuple(groups)
    rows = []
    shown = 0
    for timed in items:
        item = timed.followup
        due = item.due.isoformat() if item.due else ""
        where = linker.link(Ref("ok", note_name(item.note), item.note), raw=True)
        title = "".join(linker.link(p, raw=True) if isinstance(p, Ref) else html_text(p)
                        for p in pieces(item))
        data = f' data-due="{due}" data-kind="{html.escape(item.kind)}"'
        if timed.shown_from:
            data += f' data-from="{timed.shown_from.isoformat()}"'
        if timed.shown_until:
            data += f' data-until="{timed.shown_until.isoformat()}"'
        visible = timed.shown_on(built) and group_of(item.due, built) in keys
        shown += visible
        line = f" (line {item.line})" if item.line else ""
        rows.append(f'<li{data}{"" if visible else " hidden"}><span class="vault-followups__due">'
                    f"{due or 'no date'}</span> · {title} · in {where}{line}</li>")
    when = f'<time datetime="{built.isoformat()}">{nice_date(built)}</time>'
    if groups is None:
        return _dated_board(rows, built, keys, f"{shown} open, by due date, as of {when}, "
                            "when this site was built.", "Nothing to follow up.", shown)
    return _dated_board(rows, built, keys, f"{shown} overdue or due today, as of {when}, when "
                        "this site was built.", "Nothing overdue or due today.", shown,
                        summary="{n} overdue or due today, as of today, {date}.", level=3)


def _dated_board(rows: Sequence[str], built: dt.date, keys: Sequence[str], asof: str, none: str,
                 shown: int, summary: str | None = None, level: int = 2) -> str:
    """A list that `followups.js` groups by the reader's date (see `followups_dashboard`):
    `rows` are its `<li data-due data-kind>` items, `keys` the groups it lists (headings of
    `level`), `asof` what it says of itself without the script (the script writes `summary`
    instead, `{n}` and `{date}` filled in), `none` what it says when no item shows."""
    sections = "".join(
        f'<section class="vault-followups__group vault-followups__group--{key}" '
        f'data-group="{key}" hidden><h{level}>{html_text(label)} '
        f'<span class="vault-followups__count"></span></h{level}><ul></ul></section>\n'
        for key, label in GROUPS if key in keys
    )
    template = f' data-summary="{html.escape(summary)}"' if summary is not None else ""
    # A list that says what it is (`summary`) says nothing more when nothing shows: `none`
    # says it.
    quiet = " hidden" if summary is not None and shown == 0 else ""
    return (
        f'<div class="vault-followups" data-built="{built.isoformat()}" '
        f'data-week-days="{WEEK_DAYS}"{template}>\n'
        f'<p class="vault-followups__asof"{quiet}>{asof}</p>\n'
        f"{sections}"
        '<ul class="vault-followups__all">\n' + "".join(r + "\n" for r in rows) + "</ul>\n"
        f'<p class="vault-followups__none"{"" if shown == 0 else " hidden"}>{none}</p>\n'
        "</div>"
    ).translate(_MARKDOWN_PROOF)


# What Python-Markdown would change inside raw HTML (its whitespace normalisation and its own
# placeholder marks): written as it would read, so the dashboard is the same either way.
_MARKDOWN_PROOF = str.maketrans({"\t": " ", "\r": " ", "\x02": None, "\x03": None})


def _html_list(items: Sequence[str]) -> str:
    return "<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>"


def all_notes_page(groups: Sequence[tuple[str, Sequence[Ref]]], linker: Linker,
                   raw_html: Callable[[str], str] | None = None) -> str:
    """Every published note by folder; `raw_html` as for `followups_page`. The refs are notes'
    own (`SiteView.note_ref`): a link or "a private note", never a broken or ambiguous one."""
    total = sum(len(refs) for _, refs in groups)
    parts = [f"# All notes\n\nEvery published note, by folder: {total} in all.\n"]
    for folder, refs in groups:
        parts.append(f"## {md_text(folder or 'Top level')} ({len(refs)})\n")
        items = [linker.link(r, raw=True) for r in refs] if raw_html is not None else []
        if raw_html is not None and all(html_list_item(item) for item in items):
            parts.append(raw_html(_html_list(items)) + "\n")
        else:
            parts.append("\n".join(f"- {linker.link(r)}" for r in refs) + "\n")
    return "\n".join(parts)


def tags_page(tags: Sequence[tuple[str, str, int]], linker: Linker,
              raw_html: Callable[[str], str] | None = None) -> str:
    """Every tag of a published note, each a link to its page, with how many notes have it."""
    if not tags:
        return "# Tags\n\nNo published note has a tag yet: write `#tag` in a note, or `tags:` " \
            "in its front matter.\n"
    items = [f"- {linker.link(Ref('ok', f'#{name}', page))} ({count})"
             for name, page, count in tags]
    return f"# Tags\n\n{len(tags)} tags of published notes.\n\n" + "\n".join(items) + "\n"


def tag_page(row: TagRow, linker: Linker, raw_html: Callable[[str], str] | None = None) -> str:
    """One tag's page: the published notes tagged with it (or a tag nested in it), and the
    tags nested in it."""
    title = md_text(f"#{row.name}")
    count = f"{len(row.notes)} note{'s' if len(row.notes) != 1 else ''}"
    parts = [f"# {title}\n\n{count} tagged {title}. "
             f"{linker.link(Ref('ok', 'All tags', TAGS_PAGE))}\n"]
    if row.nested:
        nested = ", ".join(linker.link(Ref("ok", f"#{name}", page)) for name, page in row.nested)
        parts.append(f"Nested: {nested}\n")
    parts.append("\n".join(f"- {linker.link(ref)}" for ref in row.notes) + "\n")
    return "\n".join(parts)


# The legend's entries: (class, words). The same colours and shapes as network.js draws.
_LEGEND = (
    ("contact", "person"),
    ("company", "organisation"),
    ("placeholder", "organisation with no note yet"),
    ("introduced", "introduced (arrow: from the introducer)"),
    ("works", "works at"),
)


def network_page(scripts: Sequence[str], nodes: Sequence[GraphNode],
                 edges: Sequence[GraphEdge], careers: Sequence[tuple[str, str]],
                 linker: Linker, raw_html: Callable[[str], str] | None = None) -> str:
    """The Network page: the graph (drawn by `scripts` from the positions in its data) with
    its legend and filters as HTML, and the same connections as a plain list, which needs no
    script (screen readers, phones, and the filters narrow it too). `careers`: (career note
    path, name) for the career filter."""
    tags = "\n".join(f'<script src="{html.escape(s)}"></script>' for s in scripts)
    label = {n.id: n.label for n in nodes}
    companies = sorted((n for n in nodes if n.kind == "company"),
                       key=lambda n: (n.label.lower(), n.id))
    introducers = sorted({e.source for e in edges if e.kind == "introduced"},
                         key=lambda i: (label[i].lower(), i))
    legend = "".join(f'<li class="vault-legend__{kind}">{html_text(words)}</li>'
                     for kind, words in _LEGEND)
    # Hidden until network.js shows them: without a script they would do nothing.
    controls = (
        '<form class="vault-graph__filters" id="vault-graph-filters" hidden>'
        + _select("career", "Career", careers)
        + _select("company", "Company", [(n.id, n.label) for n in companies])
        + _select("chain", "Introduced through", [(i, label[i]) for i in introducers])
        + _select("focus", "Highlight", [], "No one")  # filled by the script: every node
        + '<button type="reset" class="md-button">Show all</button>'
        '<p class="vault-graph__status" id="vault-graph-status" aria-live="polite"></p>'
        "</form>"
    )
    graph = (
        f'<ul class="vault-legend" aria-label="Legend">{legend}</ul>\n'
        '<div id="vault-network" class="vault-network" role="img" aria-label="Network of '
        'people and organisations: the same connections are listed below the graph"></div>\n'
        '<p class="vault-graph__about" id="vault-graph-about" aria-live="polite"></p>'
    )
    introduced = [(i, e) for i, e in enumerate(edges) if e.kind == "introduced"]
    works = [(i, e) for i, e in enumerate(edges) if e.kind != "introduced"]

    def node_link(node_id: str) -> str:
        ref = (Ref("broken", label[node_id]) if node_id.startswith(PLACEHOLDER_NODE)
               else Ref("ok", label[node_id], node_id))
        return linker.link(ref, raw=True)

    def items(rows: Sequence[tuple[int, GraphEdge]], verb: str) -> str:
        if not rows:
            return "<p>None yet.</p>"
        lines = "".join(f'<li data-edge="{i}">{node_link(e.source)} {verb} '
                        f"{node_link(e.target)}</li>\n" for i, e in rows)
        return f'<ul class="vault-graph__edges">\n{lines}</ul>'

    listing = (
        '<section class="vault-graph__list" id="vault-connections" '
        'aria-labelledby="connections-as-a-list">\n'
        f"<h3>Introductions ({len(introduced)})</h3>\n{items(introduced, 'introduced')}\n"
        f"<h3>Who works where ({len(works)})</h3>\n{items(works, 'works at')}\n"
        "</section>"
    )
    if raw_html is not None:
        listing = raw_html(listing)
    return (
        f"{WIDE}# Network\n\n"
        f"Who introduced whom, and who works where: {len(nodes)} people and organisations, "
        f"{len(edges)} connections. Click a name to see its connections (the rest fades), "
        "double-click to open its note; *Highlight* does the same from the keyboard. Drag to "
        "move, scroll or pinch to zoom: more names show as you zoom in. The same connections "
        "are [listed below the graph](#connections-as-a-list).\n\n"
        # The list's heading in Markdown: MkDocs knows its anchor (the link above points to it).
        f"{controls}\n\n{graph}\n\n## Connections, as a list\n\n{listing}\n\n{tags}\n"
    )


def _select(name: str, title: str, options: Sequence[tuple[str, str]], none: str = "Any"
            ) -> str:
    """A labelled drop-down of `options` (value, text), `none` (the value "") first."""
    written = "".join(f'<option value="{html.escape(value)}">{html_text(text)}</option>'
                      for value, text in options)
    return (f'<label class="vault-graph__filter">{html_text(title)} '
            f'<select name="{name}" id="vault-graph-{name}"><option value="">{none}</option>'
            f"{written}</select></label>")


# --- the home page: what now? --------------------------------------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def home_page(data: tuple[Sequence[tuple[str, str]], str], linker: Linker,
              raw_html: Callable[[str], str] | None = None) -> str:
    """The generated home page (for a vault without an `index.md` of its own): a title, the
    home dashboard (`home_dashboard`, HTML that needs no Markdown pass) and every dashboard."""
    dashboards, dashboard = data
    items = "\n".join(f"- {linker.link(Ref('ok', title, src))}" for title, src in dashboards)
    shown = raw_html(dashboard) if raw_html is not None else dashboard
    return f"# Your vault\n\n{shown}\n\n## Every dashboard\n\n{items}\n"


def home_dashboard(rows: HomeRows, built: dt.date, due: str, pages: Mapping[str, str],
                   linker: Linker) -> str:
    """The home dashboard as HTML: what now? The counts; this week's planned conversations,
    each with its prep brief folded; what is overdue or due today (`due`, the follow-ups
    dashboard limited to those groups); the leads waiting; the latest insights. `pages`: the
    page of each dashboard it links to, by title ("Follow-ups", "Leads").

    Never stale, as the follow-ups dashboard: the conversations carry their dates and
    `followups.js` shows those of the reader's week, and counts the done conversations of the
    reader's month; without it, all is as of `built`. No blank line inside."""
    sections = [
        ("Conversations", _planned_board(rows.planned, built, linker)),
        ("Due now", due),
        ("Leads waiting", _waiting(rows, linker, pages)),
        ("Recently learned", _learned(rows.learned, linker)),
    ]
    # Out of search, each part: the names it lists are found on their own pages. (The theme's
    # search stops leaving out at a heading, and at the end of any div inside: one block a
    # part.)
    parts = ['<div class="vault-home">',
             f"<div data-search-exclude>{_progress(rows.progress, built)}</div>"]
    for title, content in sections:
        parts.append(f'<h2 id="{_slug(title)}">{title}</h2>')
        if content.strip():
            parts.append(f"<div data-search-exclude>\n{content.strip()}\n</div>")
        if title == "Due now":
            parts.append("<div data-search-exclude>"
                         f"{_see_all(linker, pages, 'Follow-ups', 'Every follow-up')}</div>")
    parts.append("</div>")
    return "\n".join(part for part in parts if part).translate(_MARKDOWN_PROOF)


def _see_all(linker: Linker, pages: Mapping[str, str], title: str, text: str) -> str:
    src = pages.get(title)
    return (f'<p class="vault-home__more">{linker.link(Ref("ok", text, src), raw=True)}</p>'
            if src else "")


def _weekday_date(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {nice_date(day)}"


def _planned_board(rows: Sequence[PlannedRow], built: dt.date, linker: Linker) -> str:
    items = []
    shown = 0
    for planned in rows:
        row = planned.row
        day = row.date or built  # (planned rows are dated)
        visible = group_of(day, built) in (TODAY, THIS_WEEK)
        shown += visible
        who = linker.links(row.people, raw=True)
        at = f" at {linker.link(row.company, raw=True)}" if row.company is not None else ""
        items.append(
            f'<li data-due="{day.isoformat()}" data-kind="conversation"'
            f'{"" if visible else " hidden"}><span class="vault-followups__due">'
            f"{_weekday_date(day)}</span> · {linker.link(row.interview, raw=True)} · with "
            f"{who}{at}{_brief(planned, linker)}</li>")
    when = f'<time datetime="{built.isoformat()}">{nice_date(built)}</time>'
    return _dated_board(
        items, built, (TODAY, THIS_WEEK),
        f"{shown} planned for the next seven days, as of {when}, when this site was built.",
        "Nothing planned for the next seven days. Plan a conversation with "
        '<code>vault-tools new interview "Jane Doe" --date YYYY-MM-DD --planned</code>.',
        shown, summary="{n} planned for the next seven days, as of today, {date}.", level=3)


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


def _progress(progress: Progress, built: dt.date) -> str:
    month = built.isoformat()[:7]
    this_month = sum(1 for day in progress.done_dates if day.isoformat()[:7] == month)
    dates = " ".join(day.isoformat() for day in progress.done_dates)
    counts = [(f'<strong class="vault-home__month" data-dates="{dates}">{this_month}</strong>',
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
        items.append(f"<li>{linker.link(row.who, raw=True)} {_state(row.state)} · offered by "
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


# --- the front-matter card (HTML: it is inserted into the rendered page) -------------------------


def card_html(rows: Sequence[CardRow], note_type: str | None, linker: Linker,
              hidden: Sequence[str] = ()) -> str:
    """The card: a definition list of the note's front matter, as HTML, and a line naming the
    fields `publish_fields` keeps off the site (`hidden`, `views.hidden_fields`: their names,
    never their values) with how to show them."""
    if not rows and not hidden:
        return ""
    kind = html.escape(note_type or "note")
    parts = [f'<div class="vault-card vault-card--{kind}">',
             f'<div class="vault-card__type">{kind}</div>', "<dl>"]
    for row in rows:
        values = ", ".join(_card_item(item, linker) for item in row.items)
        # One line each, so search previews read "Company Acme", not "CompanyAcme".
        parts.append(f"<dt>{html.escape(row.label)}</dt>")
        parts.append(f'<dd data-key="{html.escape(row.key)}">{values}</dd>')
    parts.append("</dl>")
    if hidden:
        parts.append(hidden_fields_note(hidden))
    parts.append("</div>")
    return "\n".join(parts)


def hidden_fields_note(hidden: Sequence[str]) -> str:
    """`email, phone hidden: add them to publish_fields in mkdocs.yml to show them.` (kept
    out of the search index: it says nothing about the note a reader would look for)."""
    names = ", ".join(html.escape(name) for name in hidden)
    them = "them" if len(hidden) > 1 else "it"
    return (f'<p class="vault-card__hidden" data-search-exclude="true">{names} hidden: add '
            f"{them} to <code>publish_fields</code> in mkdocs.yml to show {them}.</p>")


def _card_item(item: CardItem, linker: Linker) -> str:
    if isinstance(item, Ref):
        href = linker.href(item) if item.status == "ok" else None
        if href is None:
            return unlinked(item) if item.status != "ok" else html.escape(item.text)
        return f'<a href="{html.escape(href)}">{html.escape(item.text)}</a>'
    if isinstance(item, Url):
        return (f'<a href="{html.escape(item.href)}" rel="noopener noreferrer">'
                f"{html.escape(item.href)}</a>")
    if isinstance(item, dt.date):
        return f'<time datetime="{item.isoformat()}">{nice_date(item)}</time>'
    return html.escape(item)


def _answer_cells(answers: Sequence[AnswerRow], linker: Linker) -> Cells:
    """A question's answers as table cells; *When* links the conversation."""
    def cells(raw: bool) -> Iterable[Sequence[str]]:
        for a in answers:
            who = linker.links(a.people, raw) if a.people else EMPTY
            when = a.date.isoformat() if a.date else "no date"
            yield (linker.link(a.career, raw=raw), _cell(a.answer, raw), who,
                   linker.link(a.interview, when, raw))
    return cells


def questions_page(data: tuple[Sequence[QuestionRow], Sequence[PreparedRow]], linker: Linker,
                   raw_html: Callable[[str], str] | None = None) -> str:
    """Every answer to each bank question side by side, by career (`views.question_rows`),
    then the questions prepared for each conversation and not asked in it."""
    rows, prepared = data
    parts = [f"{WIDE}# Questions\n\nEvery answer each question of your question bank got, "
             "side by side and grouped by career, so you can see how the same question is "
             "answered on different paths. A conversation links a question with "
             "`[[questions#^id]]: the answer` (see the docs on learning)."]
    if not rows:
        parts.append("No bank questions yet: give each question in your bank a block id "
                     "(`- What does a typical week look like? ^q-week`).")
    for row in rows:
        times = f"asked in {row.times} conversation{'s' if row.times != 1 else ''}" \
            if row.times else "not asked yet"
        parts.append(f"## {md_text(row.text)}\n\n{linker.link(row.bank)} · {times}")
        if row.answers:
            parts.append(_table(("Career", "Answer", "Who", "When"),
                                _answer_cells(row.answers, linker), sortable=False,
                                raw_html=raw_html))
    parts.append("## Prepared, not asked yet")
    if prepared:
        parts.append(_table(
            ("Conversation", "When", "Status", "With", "Questions"),
            lambda raw: ((linker.link(p.interview, raw=raw), _cell(p.date, raw),
                          _cell(p.status, raw), linker.links(p.people, raw),
                          "<br>".join((html_text if raw else md_text)(q) for q in p.questions))
                         for p in prepared),
            raw_html=raw_html))
    else:
        parts.append("Nothing prepared and waiting: list the questions for a planned "
                     "conversation in its note, or under `## Questions I want to ask`.")
    return "\n\n".join(parts) + "\n"
