"""A note's page: its Markdown with links resolved and generated blocks recomputed for the site
(private notes left out), its front-matter card, and what the page is made from.

`NotePages` lives for one build; the parses of blocks it is given (`parses`) live as long as the
plugin, since `serve` asks about the same blocks again and again.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mkdocs.structure.files import Files

from ..blocks import FOLLOWUPS, PREP, RELATED, render_prep, render_related
from ..note_texts import held_text
from ..notes import Block, InlineTag, Link, Note
from ..parse import parse_note
from ..tags import tag_page
from ..views.card import card_rows, hidden_fields
from ..views.common import PRIVATE_TEXT, Ref, SiteView
from ..wikilinks import CUT_WIKILINK_RE
from . import embeds
from .callouts import callouts_to_admonitions, has_callout
from .dashboards import FollowupsBoard, HomeNote
from .fast_html import StandIns, block_html, shown_as_text
from .links import PageLinks, _shown_target, block_anchor, heading_of
from .markdown_guard import guard_markdown
from .render.card import card_html
from .render.common import Linker
from .rewrite import rewrite_markdown
from .site_cache import text_digest
from .task_signs import label_signs

log = logging.getLogger("mkdocs.plugins.vault")

_PIECE = re.compile("\x00(\\d+)\x00")

# (Markdown of a note, that note's path, the URL of the page showing it) -> HTML.
Renderer = Callable[[str, str, str], str]


@dataclass
class _Embedding:
    """What the embeds of one page have used of their limits (`embeds`)."""

    host: str
    shown: int = 0
    chars: int = 0
    warned: bool = False
    # The notes its embeds reached, each True when it was shown (what `inputs` compares).
    reached: dict[str, bool] = field(default_factory=dict)


class NotePages:
    """The pages of the notes in one build. `board_page` is the page that shows the follow-ups
    dashboard (the follow-ups note's, or the generated one)."""

    def __init__(self, view: SiteView, texts: Mapping[str, str], links: PageLinks,
                 board: FollowupsBoard, board_page: str, stand_ins: StandIns,
                 parses: dict[tuple[str, str | None], Note], renderer: Renderer | None = None,
                 reached: dict[str, dict[str, bool]] | None = None,
                 home: HomeNote | None = None) -> None:
        self.view, self.texts, self.links, self.board = view, texts, links, board
        self.home = home  # the vault's own home note, which shows the home dashboard
        self.board_page, self.stand_ins, self._parses = board_page, stand_ins, parses
        # Embedded notes are rendered with it; without one, an embed of a note is a link.
        self.renderer = renderer
        # The notes each page's embeds reached when it was last rendered (kept between
        # builds, like `parses`): what `inputs` compares of embedded notes.
        self._reached = reached if reached is not None else {}
        self._embeddable: dict[str, list[str]] = {}  # by note: `embeds.embeddable_lines`
        # What the site shows of each generated block (`_public_block`), made once per build:
        # `inputs` and `markdown` both ask for it, and computing a block again costs more
        # than the rest of the page.
        self._public: dict[tuple[str, str, int], tuple[str, Note | None]] = {}
        self._cards: dict[str, tuple[Any, ...]] = {}  # by note: `card_rows`, made once

    def markdown(self, note: Note, markdown: str, source: str | None, page_url: str,
                 files: Files) -> str:
        """The note's Markdown as the site shows it (`source`: the text MkDocs read)."""
        linker = self.links.linker(page_url)
        self.links.start_page()
        embedding = _Embedding(note.path)
        markdown = self._body(
            note, markdown, source, linker, files, embedding, ((note.path, 0),),
            note.path, lambda block: self._block_text(note, block, linker, files))
        self._reached[note.path] = embedding.reached
        for block in note.blocks:  # (asked for by `inputs` and here only: done with)
            self._public.pop((note.path, block.name, block.start), None)
        if note.path == self.board_page and note.block(FOLLOWUPS) is None:
            # The follow-ups note is the dashboard even before `fill` gave it its block.
            markdown = markdown.rstrip("\n") + "\n\n" + self.stand_ins.in_output(
                note.path, self.board.html(linker))
        if self.home is not None and note.path == self.home.src:
            markdown = _after_title(markdown, self.stand_ins.in_output(
                note.path, self.home.html(linker)))
        return markdown

    def _body(self, note: Note, markdown: str, source: str | None, linker: Linker,
              files: Files, embedding: _Embedding, chain: tuple[tuple[str, int], ...],
              slots: str, block_text: Callable[[Block], str]) -> str:
        """`markdown` of `note` for the page of `linker`: links resolved, blocks by
        `block_text`, embeds of notes shown (their HTML waiting in `stand_ins` under `slots`),
        callouts as admonitions. `chain`: the notes (and sections) being shown around it."""
        pieces: list[str] = []
        callouts = has_callout(markdown)

        def link_text(link: Link) -> str | None:
            text = self._embed(note, link, linker, files, embedding, chain, slots) \
                if link.embed else None
            if text is None:
                text = self.links.link_text(note, link, linker, files)
            if text is None or not callouts:
                return text
            # A link in a callout's title must not be escaped with the title's text.
            pieces.append(text)
            return f"\x00{len(pieces) - 1}\x00"

        def tag_text(tag: InlineTag) -> str:
            # A tag is a link to its page (and a `#tag` opening a line is no heading).
            text = linker.link(Ref("ok", f"#{tag.name}", tag_page(tag.name)))
            if not callouts:
                return text
            pieces.append(text)
            return f"\x00{len(pieces) - 1}\x00"

        markdown = rewrite_markdown(note, markdown, source, link_text, block_text,
                                    _block_ids_html(), tag_text)
        if not callouts:
            return markdown
        markdown = callouts_to_admonitions(markdown)
        return _PIECE.sub(lambda m: pieces[int(m.group(1))] if int(m.group(1)) < len(pieces)
                          else m.group(0), markdown) if pieces else markdown

    def _embed(self, note: Note, link: Link, linker: Linker, files: Files,
               embedding: _Embedding, chain: tuple[tuple[str, int], ...],
               slots: str) -> str | None:
        """An embed of a public note (or of one of its sections or blocks) as a stand-in for
        its HTML;
        None leaves the embed to `link_text` (a link to it, "a private note", a broken
        link): for an attachment, a private note, a missing heading or block, a note already
        shown around it, and past the limits of `embeds`."""
        if self.renderer is None or embedding.warned:  # (warned: the page's allowance is used)
            return None
        index = self.view.index
        path = index.resolve(link.target, link.kind, note.path).path
        if path is None or path in self.view.hidden:
            return None
        target, text = index.get(path), self.texts.get(path)
        embedding.reached.setdefault(path, False)
        if target is None or text is None or target.unreadable:
            return None
        heading = heading_of(link)
        found, block = None, None
        if heading and heading.startswith("^"):
            block = index.find_block(path, heading)
            if block is None:  # a block it does not have: a link (`check` warns)
                return None
        elif heading:
            found = index.find_heading(path, heading)
            if found is None:  # a heading it does not have: a link (`check` warns)
                return None
        key = (path, block or (found.line if found is not None else 0))
        if key in chain or len(chain) > embeds.MAX_DEPTH:
            return None
        lines = self._embeddable.get(path)
        if lines is None:  # made once per note: a page may show 64 sections of one long note
            lines = self._embeddable[path] = embeds.embeddable_lines(text, target)
        markdown = embeds.embedded_part(lines, target, found, block)
        if embedding.shown >= embeds.MAX_PER_PAGE \
                or embedding.chars + len(markdown) > embeds.MAX_CHARS:
            if not embedding.warned:
                embedding.warned = True
                log.warning(f"{note.path}:{link.line}: the page of {embedding.host} shows as "
                            f"many embedded notes as a page may ({embeds.MAX_PER_PAGE} notes "
                            f"or {embeds.MAX_CHARS:,} characters); the rest are links")
            return None
        embedding.shown += 1
        embedding.chars += len(markdown)
        embedding.reached[path] = True
        number = embedding.shown
        inner = f"{embedding.host}\x00embed-{number}"
        whole = found is None and block is None  # (a part is parsed again: its own positions)
        body = self._body(target, markdown, markdown if whole else None, linker, files,
                          embedding, (*chain, key), inner, _no_block)
        content = self.renderer(guard_markdown(body).text, path, linker.page_url)
        # A ":" no heading's id holds (slugs drop punctuation): "## Embed 1 Jane" is the page's.
        content = label_signs(embeds.prefix_ids(self.stand_ins.fill_output(inner, content),
                                                f"embed-{number}:"))
        shown = link.label or _shown_target(link)
        title = linker.link(Ref("ok", shown, path, heading), shown, raw=True)
        return self.stand_ins.in_output(slots, (
            f'<div class="vault-embed-note">\n<p class="vault-embed-title">{title}</p>\n'
            f"{content}\n</div>"))

    def card(self, note: Note, page_url: str) -> str:
        """The note's front-matter card, as HTML ("" when it has none)."""
        return card_html(list(self._card_rows(note)), note.type,
                         self.links.linker(page_url), hidden_fields(self.view, note))

    def _card_rows(self, note: Note) -> tuple[Any, ...]:
        """`card_rows` of the note, made once per build (`inputs` and `card` both ask)."""
        rows = self._cards.get(note.path)
        if rows is None:
            rows = self._cards[note.path] = tuple(card_rows(self.view, note))
        return rows

    def inputs(self, note: Note, files: Files) -> tuple[Any, ...]:
        """Everything the page of `note` is made from, besides the theme, the nav and the
        configuration: its text, the public content of its blocks, where each of its links (in
        the body, the front matter and the blocks) goes and with what anchor, and its card.
        Two builds that give a note equal inputs render its page byte for byte the same (the
        incremental rebuild of `serve` relies on it: keep it in step with `markdown`)."""
        blocks: list[tuple[str, Any]] = []
        shown: tuple[Any, ...] = ()  # where the links of its blocks and dashboards go
        for block in note.blocks:
            content, parsed = self._public_block(note, block)
            blocks.append((block.name, content))
            if content:
                shown += self._block_links(note.path, content, parsed, files)
        if note.path == self.board_page and note.block(FOLLOWUPS) is None:
            content = self.board.source()
            blocks.append((FOLLOWUPS, content))
            shown += self._dashboard_links(note.path, note.path, content, files)
        if self.home is not None and note.path == self.home.src:
            home = self.home.data()
            blocks.append(("home", home.compared()))
            # Where the links of the follow-ups go (parsed once for the follow-ups note too).
            shown += self._dashboard_links(note.path, self.board_page, home.due, files)
        return (
            text_digest(held_text(self.texts, note.path)),
            tuple(blocks),
            tuple(self.links.link_input(link, files, note.path) for link in note.links) + shown,
            self._card_rows(note),
            hidden_fields(self.view, note),
            self._embedded_inputs(note, files),
        )

    def _block_links(self, path: str, content: str, parsed: Note | None,
                     files: Files) -> tuple[Any, ...]:
        """Where the links of a block's public `content` go from the page of `path`: worked out
        once for the view, as `_dashboard_links` (the follow-ups note's block holds every
        follow-up of the vault, tens of thousands of links)."""
        return self.view.worked_out(
            ("block links", path, text_digest(content)),
            lambda: tuple(self.links.link_input(link, files, path)
                          for link in (parsed or self._parse_block(path, content)).links))

    def _dashboard_links(self, path: str, written_in: str, source: str,
                         files: Files) -> tuple[Any, ...]:
        """Where the links of a dashboard's `source` (parsed as written in the note at
        `written_in`) go from the page of `path`: thousands of links on a large vault, worked
        out once for the view (and the later views `SiteView.memo` is handed to)."""
        return self.view.worked_out(
            ("dashboard links", path, written_in, source),
            lambda: tuple(self.links.link_input(link, files, path)
                          for link in self._parse_block(written_in, source).links))

    def _embedded_inputs(self, note: Note, files: Files) -> tuple[Any, ...]:
        """What the notes the page showed through embeds when it was last rendered are made of
        (their texts and where their links go), and whether the others its embeds reached are
        readable: the page's embeds, rendered again, take the same turns while these are the
        same. A page not rendered yet (or rendered with other notes) compares unequal.

        Only what the page showed: every note within `embeds.MAX_DEPTH` embeds would make
        each page's inputs grow with the vault (a vault whose notes embed each other)."""
        if self.renderer is None or not any(link.embed for link in note.links):
            return ()
        reached = self._reached.get(note.path)
        if reached is None:
            return (object(),)  # equal to nothing: the page is rendered
        index = self.view.index
        found: list[tuple[Any, ...]] = []
        for path, shown in sorted(reached.items()):
            target = index.get(path)
            if target is None:
                found.append((path, None))
            elif shown:
                found.append((path, text_digest(held_text(self.texts, path)), target.unreadable,
                              tuple(self.links.link_input(each, files, path)
                                    for each in target.links)))
            else:
                found.append((path, path in self.texts, target.unreadable))
        return tuple(found)

    def _block_text(self, note: Note, block: Block, linker: Linker, files: Files) -> str:
        """A generated block, recomputed for the site with private notes left out (the bytes in
        the file were written for the owner, who may see everything). The `followups` block
        becomes the live dashboard, grouped in the reader's browser."""
        if block.name == FOLLOWUPS:
            return self.stand_ins.in_output(note.path, self.board.html(linker)) + "\n"
        content, parsed = self._public_block(note, block)
        if not content:
            return ""
        if "[[" in content:
            # A context line cut short inside a link is no link: its target, maybe a private
            # note's name, must not show as text.
            cut = CUT_WIKILINK_RE.sub("…", content)
            if cut != content:
                content, parsed = cut, None
        heading = {RELATED: "## Related\n\n", PREP: "## Prep brief\n\n"}.get(block.name, "")
        parsed = parsed or self._parse_block(note.path, content)
        # Written as HTML whatever the Markdown extensions, as it always was: a block is the
        # fast path's plain shapes, and it stays out of search only as HTML put in after it.
        html = self._fast_block(note, parsed, content, linker, files)
        if html is None:  # not the usual shape: the full Markdown pass
            return heading + self._markdown_block(note, parsed, content, linker, files)
        return f"{heading}{self.stand_ins.in_output(note.path, label_signs(html))}\n"

    def _markdown_block(self, note: Note, parsed: Note, content: str, linker: Linker,
                        files: Files) -> str:
        """The block as Markdown for the page, its links resolved and the HTML in its text
        shown as text (`shown_as_text`), as the fast path shows it."""
        pieces: list[str] = []

        def piece(link: Link) -> str | None:
            text = self.links.link_text(note, link, linker, files)
            if text is None:
                return None
            pieces.append(text)
            return f"\x00{len(pieces) - 1}\x00"

        marked = shown_as_text(rewrite_markdown(parsed, content, content, piece, _no_block))
        return _PIECE.sub(lambda m: pieces[int(m.group(1))], marked) if pieces else marked

    def _fast_block(self, note: Note, parsed: Note, content: str, linker: Linker,
                    files: Files) -> str | None:
        """The block as HTML straight away, its links written as HTML (None: not sure)."""
        pieces: list[str] = []

        def piece(link: Link) -> str:
            pieces.append(self.links.link_text(note, link, linker, files, raw=True) or "")
            return f"\x00{len(pieces) - 1}\x00"

        return block_html(rewrite_markdown(parsed, content, content, piece, _no_block), pieces)

    def _public_block(self, note: Note, block: Block) -> tuple[str, Note | None]:
        """What the site shows of a generated block, as Markdown, with its parse when that is
        already at hand: the block as written when it holds nothing private, else computed again
        without the private notes; empty for a block this version does not know (its content
        cannot be vetted). Made once per build (the view and the texts do not change in one)."""
        key = (note.path, block.name, block.start)
        found = self._public.get(key)
        if found is None:
            found = self._public[key] = self._make_public_block(note, block)
        return found

    def _make_public_block(self, note: Note, block: Block) -> tuple[str, Note | None]:
        written = self._written_block(note, block) if block.name == RELATED else None
        if written is not None:
            return written
        if block.name == RELATED:
            mine = self.view.followups_of.get(note.path, [])
            return render_related(self.view.index, note, mine, public=True), None
        if block.name == FOLLOWUPS:
            return self.board.source(), None
        if block.name == PREP:
            # Always computed again: a brief reads many notes (the company's people, the
            # careers, the bank), any of which may be private.
            return render_prep(self.view.index, note, public=True), None
        return "", None

    def _block_content(self, note: Note, block: Block) -> str:
        text = self.texts.get(note.path, "")
        return text[block.start:block.end].replace("\r\n", "\n").rstrip("\n")

    def _written_block(self, note: Note, block: Block) -> tuple[str, Note] | None:
        """The block as `fill` wrote it, with its parse, when it says nothing about a private
        note (no link to one, no follow-up about one): then it is what the site would compute,
        and computing it again for every note would cost more than the rest of the page."""
        view = self.view
        if note.path in view.touched_by_private or note.path not in self.texts:
            return None
        content = self._block_content(note, block)
        if PRIVATE_TEXT in content:  # written with `hide_private_in_files`: the site omits it
            return None
        parsed = self._parse_block(note.path, content)
        for link in parsed.links:
            if view.index.resolve(link.target, link.kind, note.path).path in view.hidden:
                return None
        return content, parsed

    def _parse_block(self, path: str, content: str) -> Note:
        """A block's content parsed, remembered: the same blocks are asked about again and
        again by `inputs` while serving."""
        # (By digest: the content itself would be a copy of the block's text, kept as long as
        # the memory.)
        key = (path, text_digest(content))
        parsed = self._parses.get(key)
        if parsed is None:
            parsed = self._parses[key] = parse_note(path, content, contexts=False)
        return parsed


def _no_block(block: Block) -> str:
    return ""


_ATX_TITLE = re.compile(r"#[ \t]")


def _after_title(markdown: str, block: str) -> str:
    """`markdown` with `block` (a paragraph of its own) after its title, the `# heading` on
    its first line with text (blank lines before it skipped), else at its top: the home
    note's own words stay first, and its title stays the page's."""
    lines = markdown.split("\n")
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    if first is None or not _ATX_TITLE.match(lines[first]):
        return f"{block}\n\n{markdown}"
    return "\n".join([*lines[:first + 1], "", block, "", *lines[first + 1:]])


def _block_ids_html() -> Callable[[str], str]:
    """For one page: what stands for each Obsidian ` ^id` block marker, the id a block
    reference `[[Note#^id]]` links to and no text (Obsidian does not show the marker either).
    Only the first paragraph of an id (case ignored) carries it, the one a reference reaches:
    an id twice on a page is invalid HTML."""
    seen: set[str] = set()

    def marker(ident: str) -> str:
        if ident.lower() in seen:
            return ""
        seen.add(ident.lower())
        return f'<span id="{html.escape(block_anchor(ident))}"></span>'

    return marker
