"""A note's page: its Markdown with links resolved and generated blocks recomputed for the site
(private notes left out), its front-matter card, and what the page is made from.

`NotePages` lives for one build; the parses of blocks it is given (`parses`) live as long as the
plugin, since `serve` asks about the same blocks again and again.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from mkdocs.structure.files import Files

from ..blocks import FOLLOWUPS, RELATED, render_related
from ..notes import Block, Link, Note
from ..parse import parse_note
from ..views import PRIVATE_TEXT, SiteView, card_rows
from ..wikilinks import CUT_WIKILINK_RE
from . import render
from .dashboards import FollowupsBoard
from .fast_html import StandIns, block_html, shown_as_text
from .links import PageLinks, block_anchor
from .rewrite import rewrite_markdown

_PIECE = re.compile("\x00(\\d+)\x00")


class NotePages:
    """The pages of the notes in one build. `board_page` is the page that shows the follow-ups
    dashboard (the follow-ups note's, or the generated one)."""

    def __init__(self, view: SiteView, texts: dict[str, str], links: PageLinks,
                 board: FollowupsBoard, board_page: str, stand_ins: StandIns,
                 parses: dict[tuple[str, str], Note]) -> None:
        self.view, self.texts, self.links, self.board = view, texts, links, board
        self.board_page, self.stand_ins, self._parses = board_page, stand_ins, parses

    def markdown(self, note: Note, markdown: str, source: str | None, page_url: str,
                 files: Files) -> str:
        """The note's Markdown as the site shows it (`source`: the text MkDocs read)."""
        linker = self.links.linker(page_url)
        self.links.start_page()
        markdown = rewrite_markdown(
            note, markdown, source,
            lambda link: self.links.link_text(note, link, linker, files),
            lambda block: self._block_text(note, block, linker, files),
            _block_ids_html(),
        )
        if note.path == self.board_page and note.block(FOLLOWUPS) is None:
            # The follow-ups note is the dashboard even before `fill` gave it its block.
            markdown = markdown.rstrip("\n") + "\n\n" + self.stand_ins.in_output(
                note.path, self.board.html(linker))
        return markdown

    def card(self, note: Note, page_url: str) -> str:
        """The note's front-matter card, as HTML ("" when it has none)."""
        return render.card_html(card_rows(self.view, note), note.type,
                                self.links.linker(page_url))

    def inputs(self, note: Note, files: Files) -> tuple[Any, ...]:
        """Everything the page of `note` is made from, besides the theme, the nav and the
        configuration: its text, the public content of its blocks, where each of its links (in
        the body, the front matter and the blocks) goes and with what anchor, and its card.
        Two builds that give a note equal inputs render its page byte for byte the same (the
        incremental rebuild of `serve` relies on it: keep it in step with `markdown`)."""
        links = list(note.links)
        blocks = []
        for block in note.blocks:
            content, parsed = self._public_block(note, block)
            blocks.append((block.name, content))
            if content:
                links += (parsed or self._parse_block(note.path, content)).links
        if note.path == self.board_page and note.block(FOLLOWUPS) is None:
            content = self.board.source()
            blocks.append((FOLLOWUPS, content))
            links += self._parse_block(note.path, content).links
        return (
            self.texts.get(note.path),
            tuple(blocks),
            tuple(self.links.link_input(link, files, note.path) for link in links),
            tuple(card_rows(self.view, note)),
        )

    def _block_text(self, note: Note, block: Block, linker: render.Linker, files: Files) -> str:
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
        heading = "## Related\n\n" if block.name == RELATED else ""
        parsed = parsed or parse_note(note.path, content)
        # Written as HTML whatever the Markdown extensions, as it always was: a block is the
        # fast path's plain shapes, and it stays out of search only as HTML put in after it.
        html = self._fast_block(note, parsed, content, linker, files)
        if html is None:  # not the usual shape: the full Markdown pass
            return heading + self._markdown_block(note, parsed, content, linker, files)
        return f"{heading}{self.stand_ins.in_output(note.path, html)}\n"

    def _markdown_block(self, note: Note, parsed: Note, content: str, linker: render.Linker,
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

    def _fast_block(self, note: Note, parsed: Note, content: str, linker: render.Linker,
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
        cannot be vetted)."""
        parsed = self._written_block(note, block) if block.name == RELATED else None
        if parsed is not None:
            return self._block_content(note, block), parsed
        if block.name == RELATED:
            mine = self.view.followups_of.get(note.path, [])
            return render_related(self.view.index, note, mine, public=True), None
        if block.name == FOLLOWUPS:
            return self.board.source(), None
        return "", None

    def _block_content(self, note: Note, block: Block) -> str:
        text = self.texts.get(note.path, "")
        return text[block.start:block.end].replace("\r\n", "\n").rstrip("\n")

    def _written_block(self, note: Note, block: Block) -> Note | None:
        """The block as `fill` wrote it, parsed, when it says nothing about a private note (no
        link to one, no follow-up about one): then it is what the site would compute, and
        computing it again for every note would cost more than the rest of the page."""
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
        return parsed

    def _parse_block(self, path: str, content: str) -> Note:
        """A block's content parsed, remembered: the same blocks are asked about again and
        again by `inputs` while serving."""
        key = (path, content)
        parsed = self._parses.get(key)
        if parsed is None:
            parsed = self._parses[key] = parse_note(path, content)
        return parsed


def _no_block(block: Block) -> str:
    return ""


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
