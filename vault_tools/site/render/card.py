"""A note's front-matter card as HTML (`card_html`) from `views.card`'s rows, inserted into the
rendered note page, and the line naming the fields it hides."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from ...views.card import CardRow
from ...views.common import CardItem, Ref, Url
from .common import Linker, nice_date, unlinked


def card_html(rows: Sequence[CardRow], note_type: str | None, linker: Linker,
              hidden: Sequence[str] = ()) -> str:
    """The card: a definition list of the note's front matter, as HTML, and a line naming the
    fields `publish_fields` keeps off the site (`hidden`, `views.card.hidden_fields`: their names,
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
