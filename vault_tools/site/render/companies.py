"""The Companies page (`companies_page`) from `views.companies`' rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...views.companies import CompanyRow
from .common import EMPTY, QUIET, WIDE, Linker, cell_text, markdown_table, row_data, touch_date
from .timeline import last_done

COMPANY_FILTERS = (("industry", "Industry"), ("location", "Location"), ("tag", "Tag"),
                   (QUIET, "No conversation in more than"))


def _company_data(row: CompanyRow) -> str:
    return row_data({"industry": (row.industry or "",), "location": (row.location or "",),
                     "tag": row.tags, "touch": touch_date(last_done(row.conversations))})


def companies_page(rows: Sequence[CompanyRow], linker: Linker,
                   raw_html: Callable[[str], str] | None = None) -> str:
    table = markdown_table(
        ("Company", "Industry", "Location", "People", "Conversations", "Latest"),
        lambda raw: ((_company_data(r) + linker.link(r.company, raw=raw),
                      cell_text(r.industry, raw),
                      cell_text(r.location, raw), linker.links(r.people, raw),
                      str(len(r.conversations)),
                      linker.link(r.conversations[0].interview, raw=raw)
                      if r.conversations else EMPTY) for r in rows),
        raw_html=raw_html, filters=COMPANY_FILTERS if rows else (),
    )
    return (f"{WIDE}# Companies\n\nEvery organisation, who you know there and your conversations "
            f"with them: {len(rows)} in all.\n\n{table}\n")
