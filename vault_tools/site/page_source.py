"""What MkDocs reads of a note: its body with the front matter taken out, whatever that holds,
and in its place the few keys a page takes from it, vetted (`page_meta`); and the page's title
as safe HTML text.
"""

from __future__ import annotations

import re
from html import escape as html_escape
from html import unescape as html_unescape
from typing import Any

import yaml
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import YAML_RE

from ..notes import Note
from ..privacy import strip_comments_from_text
from ..wikilinks import closes_front_matter, opens_front_matter
from ._mkdocs_private import title_from_render


def note_source(text: str, note: Note | None) -> tuple[str, str]:
    """(what MkDocs is given to read, the body the page is made from) for a note's `text`, as
    `page_source` makes them, with Obsidian comments blanked in both (§4: never published;
    blanked in place, lines and columns kept, so the parser's link positions still fit)."""
    for_mkdocs, source = page_source(text, note.meta if note is not None else {})
    if "%%" in source:
        blanked = strip_comments_from_text(source)
        for_mkdocs = for_mkdocs[:len(for_mkdocs) - len(source)] + blanked
        source = blanked
    return for_mkdocs, source


def _fence_end(lines: list[str]) -> int:
    """The number of lines a `---` front matter occupies (0 when there is none)."""
    if not lines or not opens_front_matter(lines[0]):
        return 0
    for number, line in enumerate(lines[1:], start=1):
        if closes_front_matter(line):
            return number + 1
    return 0


# Material's `hide` values: which parts of the page a note may hide.
_HIDE = frozenset({"navigation", "toc", "footer", "path", "tags", "feedback"})


def page_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The keys MkDocs and the theme get from a note's front matter (as the vault parsed it),
    made safe: `title` and `description` as one line of HTML-escaped text (the theme writes
    them into the page unescaped), `hide` as the known parts only. No other key: one such as
    `template` would let a note choose how it is rendered, and the card shows them all."""
    out: dict[str, Any] = {}
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str) and _one_line(value):
            out[key] = html_escape(_one_line(value))
    hide = meta.get("hide")
    if isinstance(hide, list):
        parts = sorted({h for h in hide if isinstance(h, str) and h in _HIDE})
        if parts:
            out["hide"] = parts
    return out


def page_source(text: str, meta: dict[str, Any]) -> tuple[str, str]:
    """(what MkDocs is given to read, the note's text as the page is made from it) for a note's
    `text` and its front matter `meta` as the vault parsed it. The second is the text with line
    breaks normalised and the front matter's lines left blank (the body keeps the line numbers
    the index has); the first is that behind a front matter of `page_meta(meta)` only, or a
    blank line when there is none, so that MkDocs takes no "Key: value" first line of the body
    for MultiMarkdown meta. Whatever the front matter holds, MkDocs never sees it."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = _fence_end(lines)
    source = "\n" * end + "\n".join(lines[end:])
    return _meta_block(page_meta(meta)) + "\n" + source, source


def _one_line(value: str) -> str:
    return " ".join("".join(" " if ch.isspace() or not ch.isprintable() else ch
                            for ch in value).split())


def _meta_block(meta: dict[str, Any]) -> str:
    """`meta` as a front matter MkDocs is sure to read back as exactly `meta` (else none)."""
    if not meta:
        return ""
    block = "---\n" + yaml.safe_dump(meta, allow_unicode=True, width=1 << 30,
                                      sort_keys=True) + "---\n"
    found = YAML_RE.match(block)
    try:
        if found is not None and yaml.safe_load(found.group(1)) == meta:
            return block
    except yaml.YAMLError:
        pass
    return ""


_TAG = re.compile(r"<[^>]*>")


def safe_title(page: Page) -> str:
    """The page's title as HTML text with no tag in it: the theme writes a title from `meta`
    as is, but strips tags from any other and then decodes its entities (`&lt;/title&gt;`
    would close the element)."""
    rendered = title_from_render(page)
    if rendered:
        return html_escape(html_unescape(_TAG.sub("", rendered)))
    return html_escape(str(page.title or ""))

