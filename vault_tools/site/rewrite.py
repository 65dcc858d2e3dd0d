"""Rewrite a note's Markdown for the site: its links, its inline tags and its generated blocks,
nothing else.

The parser already knows where the real links are (not in code spans, fences, comments or
blocks): `Link.line`/`Link.col`. MkDocs hands the plugin the note's text without its front
matter, so positions are shifted by the lines MkDocs removed; each position is checked against
the text before it is used, and if anything disagrees the body is parsed again as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..notes import Block, InlineTag, Link, Note
from ..parse import MDLINK_RE, WIKILINK_RE, block_id, parse_note, split_lines
from ..tags import tag_name


def _span(line: str, link: Link) -> tuple[int, int] | None:
    """The (start, end) of `link` in `line`, or None when the text there is not that link.
    An embed's position is its "!", which the link patterns leave out."""
    pattern: re.Pattern[str] = WIKILINK_RE if link.kind == "wiki" else MDLINK_RE
    start = link.col - 1
    if start < 0:
        return None
    match = pattern.match(line, start + 1 if line.startswith("!", start) else start)
    if match is None:
        return None
    return start, match.end()


def _locate(note: Note, lines: list[str], offset: int) -> list[tuple[Link, int, int, int]] | None:
    """(link, line index, start, end) for each body link, or None if a position does not fit."""
    found = []
    for link in note.links:
        if link.field is not None:
            continue
        index = link.line - 1 - offset
        if not 0 <= index < len(lines):
            return None
        span = _span(lines[index], link)
        if span is None:
            return None
        found.append((link, index, *span))
    return found


def _locate_tags(tags: tuple[InlineTag, ...], lines: list[str], offset: int
                 ) -> list[tuple[int, int, int, InlineTag]]:
    """(line index, start, end, tag) for each inline tag found where the parser saw it (one
    that is not there is left as written)."""
    found = []
    for tag in tags:
        index, start = tag.line - 1 - offset, tag.col - 1
        if 0 <= index < len(lines):
            written = lines[index][start:start + tag.length]
            if written.startswith("#") and tag_name(written) == tag.name:
                found.append((index, start, start + tag.length, tag))
    return found


def rewrite_markdown(
    note: Note,
    markdown: str,
    source: str | None,
    link_text: Callable[[Link], str | None],
    block_text: Callable[[Block], str],
    block_id_text: Callable[[str], str] | None = None,
    tag_text: Callable[[InlineTag], str] | None = None,
) -> str:
    """`markdown` with each body link replaced by `link_text(link)` (None: leave it) and each
    generated block, markers included, replaced by `block_text(block)`.

    `source` is the full text MkDocs read (front matter included, newlines normalised), whose
    tail `markdown` is; when it is not (another plugin changed the text), the body is parsed
    again, so positions always come from the parser.

    With `block_id_text`, each Obsidian block marker (` ^id` ending a paragraph) is replaced
    by `block_id_text(id)`; with `tag_text`, each inline `#tag` by `tag_text(tag)`.
    """
    lines = split_lines(markdown)
    located = None
    blocks: list[tuple[Block, int, int]] = []
    block_ids = [(ident, line - 1) for ident, line in note.block_ids]
    tags = note.inline_tags
    offset = 0
    if source is not None and source.endswith(markdown):
        offset = len(split_lines(source)) - len(lines)
        located = _locate(note, lines, offset)
        blocks = [(b, b.open_line - 1 - offset, b.close_line - offset) for b in note.blocks]
        block_ids = [(ident, index - offset) for ident, index in block_ids]
        if any(not 0 <= start < end <= len(lines) for _, start, end in blocks):
            located = None
    if located is None:
        reparsed = parse_note(note.path, markdown)
        tags, offset = reparsed.inline_tags, 0
        located = _locate(reparsed, lines, 0) or []
        blocks = [(b, b.open_line - 1, b.close_line) for b in reparsed.blocks]
        block_ids = [(ident, line - 1) for ident, line in reparsed.block_ids]

    by_line: dict[int, list[tuple[int, int, str]]] = {}
    for link, index, start, end in located:
        text = link_text(link)
        if text is not None:
            by_line.setdefault(index, []).append((start, end, text))
    if tag_text is not None:
        for index, start, end, tag in _locate_tags(tags, lines, offset):
            by_line.setdefault(index, []).append((start, end, tag_text(tag)))
    for index, edits in by_line.items():
        # Joined once: a line of thousands of links costs its length, not links x length.
        line, done = lines[index], 0
        parts: list[str] = []
        for start, end, text in sorted(edits):
            if start < done:
                continue
            parts += (line[done:start], text)
            done = end
        parts.append(line[done:])
        lines[index] = "".join(parts)
    if block_id_text is not None:
        for ident, index in block_ids:
            if 0 <= index < len(lines):
                lines[index] = _without_marker(lines[index], ident, block_id_text)
    for block, start, end in sorted(blocks, key=lambda b: b[1], reverse=True):
        content = block_text(block)
        newline = "\n" if end >= len(lines) or lines[end - 1].endswith("\n") else ""
        # Blank lines around the content keep it from running into the paragraphs beside it.
        lines[start:end] = [f"\n{content}\n{newline}" if content else newline]
    return "".join(lines)


def _without_marker(line: str, ident: str, replacement: Callable[[str], str]) -> str:
    """`line` with its closing ` ^ident` replaced (unchanged when it does not end so)."""
    body = line.rstrip()
    marker = "^" + ident
    if not body.endswith(marker) or block_id(body) != ident:
        return line
    return body[:-len(marker)] + replacement(ident) + line[len(body):]
