"""The People page (`people_page`) from `views.people`'s rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...followups import FollowUp
from ...views.common import Ref
from ...views.people import PersonRow
from .common import (
    EMPTY,
    QUIET,
    WIDE,
    Linker,
    cell_text,
    html_text,
    markdown_table,
    md_text,
    ref_value,
    row_data,
    touch_date,
)


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
        return cell_text(row.last_interaction, raw)
    shown = (linker.link(where, raw=raw) if isinstance(where, Ref)
             else cell_text(_TOUCH_WORDS.get(where, where), raw))
    return f"{cell_text(row.last_interaction, raw)} · {shown}"


PEOPLE_FILTERS = (("company", "Company"), ("stage", "Stage"), ("tag", "Tag"),
                  ("location", "Location"), ("introducer", "Introduced by"),
                  (QUIET, "No touch in more than"))


def _person_data(row: PersonRow) -> str:
    return row_data({"company": ref_value(row.company), "stage": (row.stage or "",),
                     "tag": row.tags, "location": (row.location or "",),
                     "introducer": ref_value(row.introduced_by),
                     "touch": touch_date(row.last_interaction)})


def people_page(rows: Sequence[PersonRow], linker: Linker,
                raw_html: Callable[[str], str] | None = None) -> str:
    table = markdown_table(
        ("Name", "Company", "Role", "Last touch", "Next follow-up", "Introduced by"),
        lambda raw: ((_person_data(r) + linker.link(r.contact, raw=raw),
                      linker.link(r.company, raw=raw),
                      cell_text(r.role, raw), _last_touch(r, linker, raw),
                      _followup_text(r.next_followup, raw),
                      linker.link(r.introduced_by, raw=raw)) for r in rows),
        raw_html=raw_html, filters=PEOPLE_FILTERS if rows else (),
    )
    return (f"{WIDE}# People\n\nEvery contact: {len(rows)} in all. Last touch is the latest "
            "of `last_contact`, the log, done conversations and daily notes. "
            f"Click a column heading to sort.\n\n{table}\n")
