"""The Careers page (`careers_page`, §13) from `views.careers`' board: the comparison, interest
over time (a chart and its table), the ruled-out paths, each path's conversations."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from ...views.careers import CareerRow, CareersBoard
from ...views.timeline import InterviewRow
from ..chart import interest_chart
from .common import (
    EMPTY,
    QUIET,
    WIDE,
    Linker,
    cell_text,
    markdown_table,
    md_text,
    row_data,
    touch_date,
)
from .timeline import interview_cells, last_done


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
                c = interview_cells(conversation, linker, raw)
                yield [c[0], c[1], c[2], c[7], c[6]]

        table = markdown_table(("Date", "Conversation", "With", "Interest", "Status"), cells,
                       sortable=False, raw_html=raw_html)
        parts.append(f"{heading}\n\n{net}\n\n{table}\n")
    return "\n".join(parts)


CAREER_FILTERS = (("status", "Status"), ("tag", "Tag"),
                  (QUIET, "No conversation in more than"))


def _career_data(row: CareerRow) -> str:
    return row_data({"status": (row.status or "",), "tag": row.tags,
                     "touch": touch_date(last_done(row.conversations))})


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
                   cell_text(row.status, raw), *score,
                   _evidence(row), _interest(row),
                   questions, _talk(row.last, linker, raw), _talk(row.next, linker, raw)]

    weights = ", ".join(f"{md_text(name)} ×{weight}" for name, weight in board.criteria)
    lead = ("Score: each path's scores (1 to 5) weighted by the criteria in mkdocs.yml "
            f"({weights}), over the criteria it is scored on. " if scored else "")
    note = (f"{lead}Conversations: the done ones, with how many people at how many "
            "companies. Interest: "
            "the sum of `interest` over done conversations (in brackets: over the last three "
            "that rated it). Next: the earliest planned conversation.")
    table = markdown_table(header, cells, raw_html=raw_html, filters=CAREER_FILTERS)
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
    return cell_text(text, raw)


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
                             row.series, (0, *(t for _, t in row.series)), strict=False)),
                        key=lambda p: (p[0], p[1].lower()))
        for day, name, total, change in points:
            yield [cell_text(day, raw), cell_text(name, raw), f"{change:+d}", f"{total:+d}"]

    table = markdown_table(("Date", "Career", "That day", "Total"), cells, raw_html=raw_html)
    return ("## Interest over time\n\n"
            "Each line adds up a path's `interest` (−2 to +2) conversation by conversation. "
            "The table below the chart gives the same numbers.\n\n"
            f'<div class="vault-chart-wrap">\n{svg}\n</div>\n\n'
            f"{table}\n")


def _ruled_out_item(row: CareerRow, linker: Linker) -> str:
    when = f" on {row.ruled_out_on.isoformat()}" if row.ruled_out_on else ""
    why = f": {md_text(row.reason)}" if row.reason else " (no reason written)"
    return f"- {linker.link(row.career)}, ruled out{when}{why}"
