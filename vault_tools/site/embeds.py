"""Embeds of notes and sections (`![[Note]]`, `![[Note#Heading]]`): what part of a note an
embed shows, how deep embeds go, and rendering that Markdown for the page that shows it.

`NotePages` decides, per embed, whether it is shown (the note public, no cycle, within the
limits below) and runs the embedded Markdown through the note pipeline (links resolved from the
showing page, callouts, nested embeds); this module holds the pieces that need no page: the
Markdown an embed shows (`embedded_markdown`), the limits, the notes whose page shows a note
through embeds (`embedders`, for `serve`), and the renderer (`EmbedRenderer`).

Limits, so that any embed graph terminates in bounded time: an embed already being shown
further up (A shows B shows A) and an embed deeper than `MAX_DEPTH` levels are shown as links;
so is every embed of a page past `MAX_PER_PAGE` shown ones or `MAX_CHARS` characters of
embedded Markdown (a hostile vault of notes each embedding the next many times over).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import markdown as markdown_lib
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from mkdocs.structure.files import Files

from ..index import VaultIndex
from ..notes import Heading, Note
from .links import markdown_media
from .page_source import note_source
from .render.common import relative_url

# Levels of embeds inside embeds a page shows: the page's own embeds are level 1.
MAX_DEPTH = 4
# Embeds of notes one page shows in all (nested ones included), and the embedded Markdown they
# may add up to; the rest are links.
MAX_PER_PAGE = 64
MAX_CHARS = 1_000_000


def embedded_markdown(text: str, note: Note, heading: Heading | None = None,
                      block: int | None = None) -> str:
    """The Markdown an embed of `note` (whose file holds `text`) shows: its body without front
    matter, Obsidian comments or generated blocks (a public note's block is on its own page,
    and the page that embeds it has its own); or only the section of `heading`, from that
    heading to the next of the same or a higher level; or only the block whose ` ^id` marker
    is on line `block` (`VaultIndex.find_block`): its paragraph or list item, or, for a marker
    alone on its line, the block (a list, a table, a quote) above it."""
    return embedded_part(embeddable_lines(text, note), note, heading, block)


def embeddable_lines(text: str, note: Note) -> list[str]:
    """The lines of `note` (whose file holds `text`) an embed may show, the rest blank: its
    body without front matter, Obsidian comments or generated blocks. Linear in the note: made
    once per note and build, however many of its sections pages embed (`embedded_part`)."""
    _, source = note_source(text, note)
    lines = source.split("\n")
    for generated in note.blocks:
        for i in range(generated.open_line - 1, min(generated.close_line, len(lines))):
            lines[i] = ""
    return lines


def embedded_part(lines: list[str], note: Note, heading: Heading | None = None,
                  block: int | None = None) -> str:
    """What `embedded_markdown` shows, from the note's `embeddable_lines` (left unchanged)."""
    if block is not None:
        start, end = _block_span(lines, block - 1)
        return "\n".join(lines[start:end])
    if heading is None:
        return "\n".join(lines)
    end = next((h.line for h in note.headings
                if h.line > heading.line and h.level <= heading.level), len(lines) + 1)
    return "\n".join(lines[heading.line - 1:end - 1])


_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]")
_FENCE_LINE = re.compile(r" {0,3}(?:`{3,}|~{3,})")


def _block_span(lines: list[str], at: int) -> tuple[int, int]:
    """(first line, end) of the block whose marker is on line `at` (0-based)."""
    if not 0 <= at < len(lines):
        return 0, 0
    end = at + 1
    alone = lines[at].strip().startswith("^")
    if alone:  # the block above it (a list, a table, a quote, fenced code)
        at -= 1
        while at >= 0 and not lines[at].strip():
            at -= 1
        if at < 0:
            return 0, 0
        end = at + 1
    elif _LIST_ITEM.match(lines[at]):
        return at, end  # one item of a list, as Obsidian shows it
    start = at
    while start > 0 and lines[start - 1].strip() and not lines[start - 1].startswith("#"):
        if not alone and _FENCE_LINE.match(lines[start - 1]):
            break  # a paragraph right under fenced code is not part of it
        start -= 1
        if not alone and _LIST_ITEM.match(lines[start]):
            break  # the marker ends this item's continuation lines: the item only
    return start, end


def embedders(index: VaultIndex, *paths: str) -> set[str]:
    """The notes whose page shows any of `paths` through embeds (nested ones too, up to
    `MAX_DEPTH` levels), a superset: their pages change when one of those notes does."""
    found: set[str] = set()
    frontier = set(paths)
    for _ in range(MAX_DEPTH):
        reached = {b.source for target in frontier for b in index.backlinks(target)
                   if b.link.embed and b.source not in found}
        found |= reached
        frontier = reached
        if not frontier:
            break
    return found


_ID = re.compile(r'(\sid=")([^"]*)(")')
_HREF = re.compile(r'(\shref="#)([^"]*)(")')


def prefix_ids(html: str, prefix: str) -> str:
    """`html` with every `id` given `prefix`, and the links to them within it changed to
    match: an embed's headings and footnotes do not take the ids of the page showing it."""
    ids = {match.group(2) for match in _ID.finditer(html)}
    if not ids:
        return html
    html = _ID.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}{m.group(3)}", html)
    return _HREF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}{m.group(3)}"
                     if m.group(2) in ids else m.group(0), html)


class _PageUrls(Treeprocessor):
    """Relative links and images written in an embedded note point from that note's file;
    on the page that shows it they must point from that page (as MkDocs does for a page's
    own Markdown). Links the plugin wrote are HTML already, outside the tree, and untouched."""

    def __init__(self, md: markdown_lib.Markdown, files: Files) -> None:
        super().__init__(md)
        self.files = files
        self.src = ""
        self.page_url = ""

    def run(self, root: Any) -> None:
        for element in root.iter():
            key = "href" if element.tag == "a" else "src" if element.tag == "img" else None
            value = element.get(key) if key else None
            if key and value:
                element.set(key, self.url(value))

    def url(self, url: str) -> str:
        scheme, netloc, path, query, fragment = urlsplit(url)
        if scheme or netloc or not path or url.startswith(("/", "\\")) or AMP_SUBSTITUTE in url:
            return url
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.src), unquote(path)))
        file = self.files.get_file_from_path(target)
        if file is None:
            return url
        return urlunsplit(("", "", relative_url(file.url, self.page_url), query, fragment))


class EmbedRenderer:
    """Renders embedded Markdown with the site's Markdown extensions (one Markdown instance
    per build, reset between embeds), its relative links made relative to the showing page."""

    def __init__(self, extensions: Iterable[Any], configs: Mapping[str, Any],
                 files: Files) -> None:
        self._extensions = list(extensions)
        self._configs = dict(configs or {})
        self._files = files
        self._md: markdown_lib.Markdown | None = None
        self._urls: _PageUrls | None = None

    def __call__(self, text: str, src_path: str, page_url: str) -> str:
        """`text`, Markdown of the note at `src_path`, as HTML for the page at `page_url`."""
        if self._md is None or self._urls is None:
            self._md = markdown_lib.Markdown(extensions=self._extensions,
                                             extension_configs=self._configs)
            self._urls = _PageUrls(self._md, self._files)
            self._md.treeprocessors.register(self._urls, "vault_embed_urls", 0)
        self._md.reset()
        self._urls.src, self._urls.page_url = src_path, page_url
        return markdown_media(self._md.convert(text))
