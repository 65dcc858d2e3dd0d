"""How a note's links become links on a page: a page URL with the heading's anchor, an
attachment, or "a private note" (never a private note's name), resolved by the vault index.

`PageLinks` lives for one build: it knows every page's URL before any page is written, so links
are resolved as the Markdown is rewritten, and MkDocs need not look them up again.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import weakref
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from mkdocs.structure.files import File, Files

from ..index import fold
from ..notes import Link, Note
from ..report import Placeholders, company_placeholders
from ..views.common import PRIVATE_TEXT, Ref, SiteView
from .render.common import Linker, html_text, md_text, relative_md, relative_url, unlinked

log = logging.getLogger("mkdocs.plugins.vault")


class PageLinks:
    """Links for the pages of one build: `urls` maps note paths to page URLs (relative to the
    site root), `slugify`/`separator` are the table of contents' (anchors), `private_files`
    the attachments kept off the site, by file name as `index.fold` writes it."""

    def __init__(self, view: SiteView, urls: Mapping[str, str],
                 slugify: Callable[[str, str], str], separator: str,
                 private_files: set[str]) -> None:
        self.view = view
        self.urls = urls
        self.slugify = slugify
        self.separator = separator
        self.private_files = private_files
        # What a link becomes on the page being built: a related block names the same notes
        # again and again (half the links of a page are repeats).
        self._memo: dict[tuple[Any, ...], str | None] = {}

    def linker(self, page_url: str) -> Linker:
        """A linker writing links from the page at `page_url`."""
        return Linker(page_url, self.urls, self.anchor)

    def start_page(self) -> None:
        """Forget the last page's links (the memory is for one page at a time)."""
        self._memo.clear()

    def anchor(self, path: str, heading: str) -> str | None:
        """The id MkDocs gives `heading` on the page of `path`, or None if it has no such one."""
        note = self.view.index.get(path)
        if note is None:
            return None
        if heading.startswith("^"):
            # A block reference: the paragraph ending in ` ^id` carries the id `^id` (see
            # `block_anchor`), as the note spells it: Obsidian matches `^ABC` to ` ^abc`.
            ident = self.view.index.block_id(path, heading)
            return None if ident is None else block_anchor(ident)
        # As written (`[[Jane#Uses `git`]]`), as shown (`[[Jane#Uses git]]`), or without
        # punctuation: the index decides, as it does for `check`'s missing-heading.
        found = self.view.index.find_heading(path, heading)
        return None if found is None else self.slugify(_heading_text(found.text), self.separator)

    def note_name(self, path: str) -> str:
        note = self.view.index.get(path)
        return note.name if note is not None else posixpath.basename(path)

    def link_text(self, note: Note, link: Link, linker: Linker, files: Files,
                  raw: bool = False) -> str | None:
        """What a body link becomes on the page; None leaves it to MkDocs (Markdown links to
        public notes, which MkDocs resolves and checks itself). With `raw`, always HTML that
        needs no Markdown pass."""
        key = (linker.page_url, link.target, link.heading, link.kind, link.label, link.embed,
               raw)
        if key not in self._memo:
            self._memo[key] = self._page_link(note, link, linker, files, raw)
        return self._memo[key]

    def link_input(self, link: Link, files: Files, source: str | None = None
                   ) -> tuple[Any, ...]:
        """Where `link`, written in the note at `source`, goes, with what anchor and to which
        attachment: what its text on a page is made from (see `VaultPlugin.page_inputs`)."""
        view = self.view
        resolution = view.index.resolve(link.target, link.kind, source)
        path = resolution.path
        heading = heading_of(link)
        anchor = self.anchor(path, heading) if path is not None and heading else None
        asset = None
        if resolution.status == "asset":
            found = asset_file(link.target, files)
            asset = found.src_uri if found is not None else None
        # A link whose file name is a private attachment's shows as "a private note", whatever
        # it resolves to (`_page_link`): which names are private changes with other notes.
        named_private = bool(self.private_files) and fold(posixpath.basename(
            unquote(link.target))) in self.private_files
        # And whether the note has a page: an unreadable one has none, and a link to it is text.
        url = self.urls.get(path) if path is not None else None
        return (link.target, link.kind, link.heading, resolution.status, path,
                path in view.hidden, anchor, asset, named_private, url)

    def _page_link(self, note: Note, link: Link, linker: Linker, files: Files,
                   raw: bool) -> str | None:
        view = self.view
        resolution = view.index.resolve(link.target, link.kind, note.path)
        if resolution.path is not None and resolution.path in view.hidden:
            return unlinked(Ref("private", PRIVATE_TEXT))
        if self.private_files and fold(posixpath.basename(
                unquote(link.target))) in self.private_files:
            return unlinked(Ref("private", PRIVATE_TEXT))  # a private attachment
        if link.kind == "markdown" and resolution.status == "asset":
            if raw:
                return html_text(link.label or posixpath.basename(link.target))
            file = asset_file(link.target, files)
            if file is not None and file.src_uri == link.target:
                return None  # beside the note, where MkDocs finds it too
            return _asset_link(note, link, file)  # by name, as Obsidian finds it, or missing
        if link.kind == "markdown":
            if not raw and resolution.path == link.target + ".md":
                return None  # where MkDocs finds it too (relative to the page)
            if resolution.path is None:
                if raw:
                    return html_text(link.label or link.target)
                # No note there: shown as a wikilink to no note is, and warned about once,
                # by the index (broken-link), not a second time by MkDocs.
                shown = link.label or link.target.rpartition("/")[2]
                return unlinked(Ref("broken", shown), shown)
            # From the notes folder or by name, as Obsidian finds it: written here.
            return linker.link(Ref("ok", link.label or "", resolution.path, heading_of(link)),
                               link.label or link.target.rpartition("/")[2], raw=raw)
        if resolution.status == "asset":
            if raw:
                return html_text(link.label or posixpath.basename(link.target))
            if link.embed:
                return attachment_embed(link, files, linker.page_url)
            return _asset_link(note, link, asset_file(link.target, files))
        shown = link.label or _shown_target(link)
        # A true tie ("ambiguous") links to the note the index picks; `check` warns about it.
        if resolution.status not in ("ok", "ambiguous") or resolution.path is None:
            return unlinked(Ref(resolution.status, shown), shown)
        # A heading that is not there is reported once, by the index (missing-heading).
        heading = heading_of(link)
        anchor = linker.link(Ref("ok", shown, resolution.path, heading), shown, raw=raw)
        if link.embed:
            return f'<span class="vault-embed">{anchor}</span>'
        return anchor


def _asset_link(note: Note, link: Link, file: File | None) -> str:
    if file is None:  # reported once, by the index (missing-attachment)
        return unlinked(Ref("broken", link.target), link.label or link.target)
    href = relative_md(file.src_uri, note.path)
    text = md_text(link.label or posixpath.basename(link.target.strip("/")))
    return f"![{text}]({href})" if link.embed else f"[{text}]({href})"


# What an embedded attachment becomes, by its suffix (Obsidian's list); any other file is a
# link to it. A `.webm` may be sound only: a <video> element plays that too.
IMAGES = frozenset({"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "ico"})
AUDIO = frozenset({"mp3", "wav", "m4a", "ogg", "oga", "flac", "opus", "3gp"})
VIDEO = frozenset({"mp4", "webm", "ogv", "mov", "mkv", "m4v"})
# `![[photo.png|100]]`, `![[photo.png|100x145]]`, `![[photo.png|a caption|100]]`.
_SIZE = re.compile(r"(\d{1,5})(?:x(\d{1,5}))?")
_PDF_PAGE = re.compile(r"page=\d{1,6}")


def attachment_embed(link: Link, files: Files, page_url: str) -> str:
    """An embedded attachment as HTML for the page at `page_url`: an image (with the width and
    height the link gives), an audio or video player, a PDF in a frame (at `#page=N`), or a
    link to any other file; "(missing)" when there is no such file."""
    file = asset_file(link.target, files)
    if file is None:  # reported once, by the index (missing-attachment)
        return unlinked(Ref("broken", link.target), link.label or link.target)
    src = html.escape(relative_url(file.url, page_url))
    name = posixpath.basename(link.target.strip("/"))
    label, size = link.label, ""
    if label:
        text, _, last = label.rpartition("|")
        found = _SIZE.fullmatch(last.strip())
        if found is not None:
            width, height = found.groups()
            size = f' width="{width}"' + (f' height="{height}"' if height else "")
            label = text.strip() or None
    shown = html.escape(label or name)
    suffix = posixpath.splitext(name)[1].lower().lstrip(".")
    if suffix in IMAGES:
        return f'<img src="{src}" alt="{shown}"{size}>'
    if suffix in AUDIO:
        return f'<audio controls preload="metadata" src="{src}" title="{shown}"></audio>'
    if suffix in VIDEO:
        return f'<video controls preload="metadata" src="{src}" title="{shown}"{size}></video>'
    if suffix == "pdf":
        page = f"#{link.heading}" if link.heading and _PDF_PAGE.fullmatch(link.heading) else ""
        return f'<iframe class="vault-pdf" src="{src}{page}" title="{shown}"{size}></iframe>'
    return f'<a href="{src}">{md_text(label or name)}</a>'


# `![Talk](files/talk.mp4)`, `![Jane|100](jane.png)`: Obsidian's embeds written as Markdown
# images, as Python-Markdown writes them (attributes escaped, in this order).
_MARKDOWN_IMG = re.compile(r'<img alt="([^"]*)" src="([^"]*)"(?: title="([^"]*)")? />')


def markdown_media(content: str) -> str:
    """`content` (a page's HTML) with each Markdown image of a file on the site (a relative
    `src`) that is audio, video or a PDF made the player or frame `attachment_embed` makes, and
    the size an image's text ends with (`|100`, `|100x145`) made its width and height, as
    Obsidian shows them. The rest is unchanged."""
    if "<img " not in content:
        return content
    return _MARKDOWN_IMG.sub(_markdown_medium, content)


def _markdown_medium(found: re.Match[str]) -> str:
    alt, src, title = found.groups()
    path, _, fragment = src.partition("#")
    if ":" in path.split("/", 1)[0] or path.startswith("/"):
        return found.group(0)  # from elsewhere: the policy decides, not the look
    text, pipe, last = alt.rpartition("|")
    # Only after a "|": an image whose text is "2024" keeps it as its text.
    size_found = _SIZE.fullmatch(last.strip()) if pipe else None
    size = ""
    if size_found is not None:
        width, height = size_found.groups()
        size = f' width="{width}"' + (f' height="{height}"' if height else "")
        alt = text.strip()
    shown = title or alt or html.escape(posixpath.basename(unquote(html.unescape(path))))
    suffix = posixpath.splitext(path)[1].lower().lstrip(".")
    if suffix in AUDIO:
        return f'<audio controls preload="metadata" src="{path}" title="{shown}"></audio>'
    if suffix in VIDEO:
        return f'<video controls preload="metadata" src="{path}" title="{shown}"{size}></video>'
    if suffix == "pdf":
        page = f"#{fragment}" if _PDF_PAGE.fullmatch(fragment) else ""
        return f'<iframe class="vault-pdf" src="{path}{page}" title="{shown}"{size}></iframe>'
    if size:
        titled = f' title="{title}"' if title is not None else ""
        return f'<img alt="{alt}" src="{src}"{titled}{size} />'
    return found.group(0)


def asset_file(target: str, files: Files) -> File | None:
    """The attachment a link names: by its path in the notes folder, else by file name
    anywhere in it, case and Unicode normalisation ignored as the index ignores them (a name
    typed `Café.png` is the file macOS wrote as `Cafe\u0301.png`)."""
    target = target.strip("/")
    found = files.get_file_from_path(target)
    if found is not None:
        return found
    return _media_by_name(files).get(fold(posixpath.basename(target)))


# The attachments of each set of files by name, made once per set (and again when it grows
# or shrinks): looking through every attachment for each link was quadratic in a vault of
# photos embedded by name.
_MEDIA: weakref.WeakKeyDictionary[Files, tuple[int, dict[str, File]]] = (
    weakref.WeakKeyDictionary())


def _media_by_name(files: Files) -> dict[str, File]:
    """The attachments of `files` by file name as `index.fold` writes it (the first of a
    name, in the order MkDocs lists them)."""
    known = _MEDIA.get(files)
    if known is not None and known[0] == len(files):
        return known[1]
    names: dict[str, File] = {}
    for file in files.media_files():
        names.setdefault(fold(posixpath.basename(file.src_uri)), file)
    _MEDIA[files] = (len(files), names)
    return names


def heading_of(link: Link) -> str | None:
    """The heading a link points to (the last part of `Name#Section#Sub`), if any."""
    return link.heading.rpartition("#")[2] if link.heading else None


def _shown_target(link: Link) -> str:
    """What a wikilink without a label shows: the name as written, `name › heading`; a link
    within the note (`[[#Heading]]`), the heading."""
    name = link.target.rpartition("/")[2]
    if not name:
        return link.heading or ""
    return f"{name} › {link.heading}" if link.heading else name


def block_anchor(ident: str) -> str:
    """The id of the paragraph that ends in ` ^ident` on its page (Obsidian Publish's)."""
    return "^" + ident


_MARKUP = re.compile(r"[*_`~]|\[\[([^\]|]*\|)?|\]\]")


def _heading_text(text: str) -> str:
    """A heading as the table of contents sees it: inline markup gone."""
    return _MARKUP.sub("", text)


def log_link_problems(view: SiteView, report_only: set[str] | None = None,
                      attachments: frozenset[str] | None = None) -> None:
    """Say what is wrong with the vault's links and notes (of the notes in `report_only` only,
    when given: the others were said when they last changed), never about a private note.
    `attachments`: the files the index was told of, when they are known."""
    # Companies named in `company` fields with no note (an import makes hundreds): said
    # once, with how to create them, not once per contact.
    if report_only is None or attachments is None:
        diagnostics = view.index.diagnostics(report_only)
    else:
        # Worked out once while the index stands (a save of prose alone leaves it: `serve`
        # says a saved note's problems again on each save, and a broken link's "Did you
        # mean" compares it with every name, ~0.15 s at 20,000 notes).
        known: dict[Any, list[Any]] = view.index.derived("site.link_problems", dict)
        key = (frozenset(report_only), attachments)
        if key not in known:
            known.clear()
            known[key] = view.index.diagnostics(report_only)
        diagnostics = known[key]
    if report_only is None:
        placeholders = company_placeholders(view.index, diagnostics, view.hidden)
    else:
        # The links of these notes first; the names (of the whole vault) only when one is
        # said: a save that names no missing company does not go through every note.
        others = view.hidden | frozenset(view.index.notes).difference(report_only)
        placeholders = company_placeholders(view.index, diagnostics, others)
        if placeholders.links:
            placeholders = Placeholders(
                company_placeholders(view.index, diagnostics, view.hidden).names,
                placeholders.links)
    if placeholders.links:
        log.warning(f"vault: {placeholders.summary()}")
    for diag in diagnostics:
        if diag.path in view.hidden or placeholders.covers(diag):
            continue
        where = f"{diag.path}:{diag.line}" if diag.line else diag.path
        if diag.code in ("broken-link", "ambiguous-link", "yaml-error", "not-utf8",
                         "outside-vault", "too-large", "missing-heading",
                         "missing-attachment"):
            log.warning(f"{where}: {diag.message}")
        else:
            log.info(f"{where}: {diag.message}")
