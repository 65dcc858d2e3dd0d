"""The Leads page (`leads_page`) from `views.leads`' rows, and an offer's state as a label
(on the home page too)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...views.leads import LeadRow
from .common import (
    WIDE,
    Linker,
    cell_text,
    class_slug,
    html_text,
    markdown_table,
    ref_value,
    row_data,
)


def state_label(state: str) -> str:
    """An offer's state as a small label (the words are the vocabulary's, never a note's)."""
    return f'<span class="vault-state vault-state--{class_slug(state)}">{html_text(state)}</span>'


LEAD_FILTERS = (("state", "State"), ("introducer", "Offered by"), ("career", "Career"),
                ("company", "Company"))


def _lead_data(row: LeadRow) -> str:
    return row_data({"state": (row.state,),
                     "introducer": [v for r in row.offered_by for v in ref_value(r)],
                     "career": [v for r in row.careers for v in ref_value(r)],
                     "company": ref_value(row.company)})


def leads_page(rows: Sequence[LeadRow], linker: Linker,
               raw_html: Callable[[str], str] | None = None) -> str:
    """Every offered introduction, each person once (`views.leads.lead_rows`)."""
    table = markdown_table(
        ("Who", "Offered by", "When", "Career", "State"),
        lambda raw: ((_lead_data(r) + linker.link(r.who, raw=raw),
                      linker.links(r.offered_by, raw),
                      cell_text(r.date, raw), linker.links(r.careers, raw), state_label(r.state))
                     for r in rows),
        raw_html=raw_html, filters=LEAD_FILTERS if rows else (),
    )
    still = sum(1 for r in rows if r.open)
    return (f"{WIDE}# Leads\n\nEvery introduction someone offered you (an interview's "
            f"`referrals`), each person once: {len(rows)} in all, {still} still open. Open ones "
            "come first, the longest waiting first; *When* is the first time they were "
            f"offered.\n\n{table}\n")
