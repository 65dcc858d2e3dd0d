"""The Follow-ups dashboard's items (`dashboard_items`), and a follow-up's title or any note's
Markdown split into text and links (`title_pieces`, `markdown_pieces`); written by
`site.render.followups`."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from ..followups import (
    FollowUp,
    Timed,
    shown_link,
    shown_text,
    timed_followups,
)
from ..wikilinks import TITLE_MDLINK, TITLE_WIKILINK
from .common import Ref, SiteView


def dashboard_items(view: SiteView) -> list[Timed]:
    """The site's follow-ups dashboard: every public follow-up with the days it shows on
    (`followups.timed_followups`). Clock-free: the browser groups them by its own date, so a
    site built on Monday is right on Friday."""
    return [t for t in timed_followups(view.index, view.all_followups) if view.shows(t.followup)]


TitlePiece = Ref | str


def title_pieces(view: SiteView, followup: FollowUp) -> list[TitlePiece]:
    """A follow-up's title as the site shows it: text, and a Ref for each link its Markdown
    holds (shown with the name the terminal shows). A Markdown link to a web page is shown as
    its text: a follow-up is no place to follow one from."""
    text = followup.text
    if text is None:
        return [followup.title]
    # What is left between links is text: a link nested in brackets leaves none to decode.
    return [shown_text(p) if isinstance(p, str) else p
            for p in markdown_pieces(view, text, followup.note)]


def markdown_pieces(view: SiteView, text: str, source: str) -> list[TitlePiece]:
    """Markdown written in the note at `source`, split into its text (Markdown still) and a
    Ref for each link (`SiteView.ref`: a private note's is "a private note")."""
    pieces: list[TitlePiece] = []
    at = 0
    for match in _TITLE_LINK.finditer(text):
        if match.start() > at:
            pieces.append(text[at:match.start()])
        at = match.end()
        if match.group("wiki") is not None:
            inner = match.group("wiki").replace("\\|", "|")
            target, _, heading = inner.partition("|")[0].partition("#")
            pieces.append(view.ref(target.strip(), heading.strip() or None, shown_link(inner),
                                   source))
            continue
        label, url = match.group("label"), match.group("url").strip("<>")
        if "://" in url or not url.lower().partition("#")[0].endswith(".md"):
            pieces.append(label or url)
            continue
        path, _, heading = url.partition("#")
        folder = source.rpartition("/")[0]
        target = posixpath.normpath(posixpath.join(folder, unquote(path)))[:-3]
        pieces.append(view.ref(target, unquote(heading) or None, label or None, source))
    if at < len(text):
        pieces.append(text[at:])
    return pieces


_TITLE_LINK = re.compile(f"!?(?:{TITLE_WIKILINK}|{TITLE_MDLINK})")
