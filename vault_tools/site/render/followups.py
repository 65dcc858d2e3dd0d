"""The Follow-ups page and dashboard (`followups_page`, `followups_dashboard`) from
`views.followups`' items, and the dated list `followups.js` groups by the reader's date (the home
page's lists too)."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from ...followups import GROUPS, WEEK_DAYS, FollowUp, Timed
from ...views.common import Ref
from ...views.followups import TitlePiece
from .common import Linker, html_text
from .today_css import DAY_CLASS


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


def followups_dashboard(items: Sequence[Timed], linker: Linker,
                        note_name: Callable[[str], str],
                        pieces: Callable[[FollowUp], Sequence[TitlePiece]],
                        groups: Sequence[str] | None = None) -> str:
    """The follow-ups dashboard as HTML, for a page of the site: never stale, and the same on
    any day.

    Every follow-up any day may show is in the page, with its due date and the days it shows on
    as ISO dates in data attributes; the site's script (`followups.js`) groups them by the
    reader's date under the headings of `followups.GROUPS`. Without the script, the page shows
    one list by due date, as of the day the site was built, and says so: the stylesheet of that
    day (`today_css`) hides the rows not shown then and names the day. No blank line inside:
    the HTML may stand in Markdown as one raw block.

    `groups` (the home page's: overdue and today) lists only those groups: an item in
    another is not shown, by the script or without it.
    """
    keys = tuple(key for key, _ in GROUPS) if groups is None else tuple(groups)
    rows = []
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
        line = f" (line {item.line})" if item.line else ""
        rows.append(f'<li{data}><span class="vault-followups__due">'
                    f"{due or 'no date'}</span> · {title} · in {where}{line}</li>")
    if groups is None:
        return dated_board(rows, keys, f"Open, by due date, as of {BUILT_DAY}.",
                           "Nothing to follow up.")
    return dated_board(rows, keys, f"Overdue or due today, as of {BUILT_DAY}.",
                       "Nothing overdue or due today.",
                       summary="{n} overdue or due today, as of today, {date}.", level=3)


# Where a list names the day the site was built, without the script: the stylesheet of that
# day writes the date after it (`today_css`), so the page is the same on any day.
BUILT_DAY = f'the day this site was built<span class="{DAY_CLASS}"></span>'


def dated_board(rows: Sequence[str], keys: Sequence[str], asof: str, none: str,
                summary: str | None = None, level: int = 2) -> str:
    """A list that `followups.js` groups by the reader's date (see `followups_dashboard`):
    `rows` are its `<li data-due data-kind>` items, `keys` the groups it lists (headings of
    `level`), `asof` what it says of itself without the script (the script writes `summary`
    instead, `{n}` and `{date}` filled in), `none` what it says when no item shows. Which rows
    show without the script, and whether `none` does, is the stylesheet of the day's to say
    (`today_css`): the list itself is the same on any day. Without that stylesheet (a text
    browser), every row shows and `none` only under a list without any."""
    sections = "".join(
        f'<section class="vault-followups__group vault-followups__group--{key}" '
        f'data-group="{key}" hidden><h{level}>{html_text(label)} '
        f'<span class="vault-followups__count"></span></h{level}><ul></ul></section>\n'
        for key, label in GROUPS if key in keys
    )
    template = f' data-summary="{html.escape(summary)}"' if summary is not None else ""
    board = (
        f'<div class="vault-followups" data-groups="{" ".join(keys)}" '
        f'data-week-days="{WEEK_DAYS}"{template}>\n'
        f'<p class="vault-followups__asof">{asof}</p>\n'
        f"{sections}"
        '<ul class="vault-followups__all">\n' + "".join(r + "\n" for r in rows) + "</ul>\n"
        f'<p class="vault-followups__none"{" hidden" if rows else ""}>{none}</p>\n'
        "</div>"
    )
    return markdown_proof(board)


# What Python-Markdown would change inside raw HTML (its whitespace normalisation and its own
# placeholder marks): written as it would read, so the dashboard is the same either way.
MARKDOWN_PROOF = str.maketrans({"\t": " ", "\r": " ", "\x02": None, "\x03": None})


def markdown_proof(text: str) -> str:
    """`text` as `text.translate(MARKDOWN_PROOF)` writes it. Four replacements rather than the
    translation: `str.translate` looks each character up in the table once the text holds one
    beyond ASCII (every dashboard's " · "), ~1 s at 5,000 notes for the home and the
    follow-ups page; a replacement scans for its one character at memchr speed."""
    return text.replace("\t", " ").replace("\r", " ").replace("\x02", "").replace("\x03", "")
