"""The Timeline page (`timeline_page`) from `views.timeline`'s rows, and a conversation's cells
(on the Careers page too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from ...schema import DONE
from ...views.timeline import InterviewRow
from .common import EMPTY, WIDE, Linker, cell_text, markdown_table, ref_value, row_data


def interview_cells(row: InterviewRow, linker: Linker, raw: bool = False) -> list[str]:
    interest = f"{row.interest:+d}" if row.interest is not None else EMPTY
    return [cell_text(row.date, raw), linker.link(row.interview, raw=raw),
            linker.links(row.people, raw), linker.link(row.company, raw=raw),
            linker.links(row.careers, raw), cell_text(row.format, raw), cell_text(row.status, raw),
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
            first, *rest = interview_cells(row, linker, raw)
            yield [_interview_data(row) + first, *rest]

    table = markdown_table(_INTERVIEW_HEADER, cells, raw_html=raw_html,
                   filters=TIMELINE_FILTERS if rows else ())
    return (f"{WIDE}# Timeline\n\nEvery conversation, newest first: {len(rows)} in all.\n\n"
            f"{table}\n")


def last_done(conversations: Iterable[InterviewRow]) -> dt.date | None:
    """The day of the latest done conversation, what "no conversation in N days" counts from
    (a planned one is no touch yet)."""
    return max((c.date for c in conversations if c.status == DONE and c.date is not None),
               default=None)
