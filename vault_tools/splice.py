"""Splicing generated blocks (§5) into a note's text: only the bytes between a block's marker lines
change (a missing block is appended at the end), in the note's own newline style; a note whose
markers are unbalanced, duplicated or inside a merge conflict is refused (`BlockError`) and left
byte-identical. Pure. What each block says is `blocks.py`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .blocks import PREP, RELATED
from .notes import Block, Note
from .parse import IN_BLOCK_READ, MARKER_RE, parse_note, read_in_block


class BlockError(ValueError):
    """The note's markers are unbalanced or duplicated: it must not be written."""


def splice_blocks(rel_path: str, text: str, contents: Mapping[str, str],
                  note: Note | None = None) -> str:
    """Return `text` with each named block's content replaced (blocks missing are appended).

    Only bytes between a block's marker lines change, plus the appended blocks at the very end.
    Content is written in the note's own newline style. Raises BlockError for bad markers or
    merge-conflict markers, so such notes are left byte-identical.

    `note`, when given, must be `parse_note(rel_path, text)` (with or without contexts) of
    this very `text`: a caller holding it saves parsing the note again. Given a note parsed
    from any other text, the splice would put content at that text's offsets: a caller that
    is not sure passes None.
    """
    if note is None:
        # Only the blocks, the newline style and the marker problems are read: no link's
        # sentence (`contexts`), which cost ~40% of this parse and was never used.
        note = parse_note(rel_path, text, contexts=False)
    bad = [d for d in note.diagnostics if d.code in ("bad-block", "conflict-markers")]
    if bad:
        raise BlockError(f"{rel_path}:{bad[0].line}: {bad[0].message}")
    for name, content in contents.items():
        # (A marker line holds "vault-tools:": most contents are not split into lines at all;
        # the dashboard's can be tens of thousands of them.)
        if "vault-tools:" in content and any(MARKER_RE.match(line)
                                             for line in content.split("\n")):
            raise BlockError(f"content for block '{name}' contains a block marker line")
    newline = note.newline
    # Where new content goes: (start, end, the block opened there or None, its content).
    edits: list[tuple[int, int, str | None, str]] = []
    appended = []
    for name, content in contents.items():
        block = note.block(name)
        if block is None:
            appended.append(name)
        elif not _holds(text, block, content, newline):
            edits.append((block.start, block.end, None, content))
    related = note.block(RELATED)
    if PREP in appended and related is not None:
        # A brief comes above the related block (read first), wherever that block stands:
        # inserted as whole lines just before its opening marker, nothing else moved.
        appended.remove(PREP)
        at = _marker_line_start(text, related)
        edits.append((at, at, PREP, contents[PREP]))
    if not edits and not appended:
        return text
    edits.sort(key=lambda edit: edit[:2])
    new = _assemble(text, edits, appended, contents, newline)
    # A block given content with a line the parser reads inside a block (one holding
    # "vault-tools:" and a `%%`, say) could hide its own end marker, or a later block's.
    reread = any(IN_BLOCK_READ in edit[3] for edit in edits)
    if reread or (appended and not _found_unparsed(note, edits, appended, contents)):
        # An appended block must be found again: a note ending inside an unclosed code fence
        # or comment would swallow it, and every fill would append another copy. What is
        # parsed is the new note as the parser reads it: each block given content holding only
        # the lines read inside a block (`read_in_block`), not a list of every line of a long
        # one (a dashboard's 63,000: ~15 MB). Unless a front matter may still be open: then
        # any line of a block may close it, and the new note is parsed whole.
        probe = new
        if note.body_line > 1 or not text.startswith("---", 1 if note.bom else 0):
            probe = _assemble(text, edits, appended, contents, newline, read_in_block)
        check = parse_note(rel_path, probe, contexts=False)
        # (A block the note had, lost: its new content is the cause, whatever else is lost.)
        lost = [block.name for block in note.blocks if check.block(block.name) is None]
        if lost:
            raise BlockError(f"{rel_path}: cannot write the '{lost[0]}' block: its new content "
                             "would hide the end of a block; the note is left as it was")
        if any(check.block(name) is None for name in appended):
            raise BlockError(
                f"{rel_path}: cannot add the '{appended[0]}' block: the note ends inside an "
                "unclosed code fence, HTML comment or %% comment; close it and run fill again"
            )
    return new


def _found_unparsed(note: Note, edits: list[tuple[int, int, str | None, str]],
                    appended: list[str], contents: Mapping[str, str]) -> bool:
    """Whether the blocks appended to `note`'s text are certainly found again, known without
    parsing the new note: True when nothing else changes, the text ends with nothing left
    open (`Note.ends_plain`) and no appended content holds a line the parser reads inside a
    block (`read_in_block`). Then the parser reads each marker as one and skips each content
    whole. False: not known, parse. tests/test_splice_properties.py holds a True here to the
    parse's answer."""
    return (not edits and note.ends_plain
            and not any(IN_BLOCK_READ in contents[name] for name in appended))


def _holds(text: str, block: Block, content: str, newline: str) -> bool:
    """Whether `block` of `text` holds `content` in the `newline` style already: compared in
    place, without a copy of a long block."""
    if newline != "\n":
        return text[block.start:block.end] == _with_newlines(content, newline)
    if not content:
        return block.start == block.end
    return (block.end - block.start == len(content) + 1 and text[block.end - 1] == "\n"
            and text.startswith(content, block.start))


def _assemble(
    text: str, edits: list[tuple[int, int, str | None, str]], appended: list[str],
    contents: Mapping[str, str], newline: str, shown: Callable[[str], str] | None = None,
) -> str:
    """`text` with each edit made (in order, none overlapping: its span replaced by its
    content, between marker lines when it opens a block) and a block of each of `appended`
    added at the end: a line end after the text if it has none, then a blank line before each
    block (none at the top of a note that is empty or a BOM alone). Each content is written
    as `shown` gives it (as it is by default). One join: no copy of a long block is made on
    the way."""
    parts: list[str] = []
    at = 0
    for start, end, opened, content in edits:
        parts.append(text[at:start])
        if opened is not None:
            parts.append(f"<!-- vault-tools:{opened} -->{newline}")
        parts += _content_parts(content if shown is None else shown(content), newline)
        if opened is not None:
            parts.append(f"<!-- /vault-tools:{opened} -->{newline}")
        at = end
    parts.append(text[at:] if at else text)
    if appended:
        # (Edits end before the last line: the text ends as before them.)
        ended = not text or text.endswith(("\n", "\r"))
        if not ended:
            parts.append(newline)
        # (Text other than a BOM: seen at its first character, or counted, never copied.)
        if not ended or text[:1] not in ("", "\ufeff") or text.count("\ufeff") < len(text):
            parts.append(newline)
    for i, name in enumerate(appended):
        content = contents[name]
        if i:
            parts.append(newline)
        parts.append(f"<!-- vault-tools:{name} -->{newline}")
        parts += _content_parts(content if shown is None else shown(content), newline)
        parts.append(f"<!-- /vault-tools:{name} -->{newline}")
    return "".join(parts)


def _content_parts(content: str, newline: str) -> tuple[str, ...]:
    """A block's content as written, each line ending in the note's newline ('' stays ''),
    as parts of a join: never a copy of the content itself when the note's lines end in \\n."""
    if content and newline == "\n":
        return (content, newline)
    return (_with_newlines(content, newline),)


def _marker_line_start(text: str, block: Block) -> int:
    """Where the line of `block`'s opening marker starts: the line just before its content
    (lines end in \n, \r\n or \r)."""
    end = block.start
    if text.startswith("\r\n", end - 2):
        end -= 2
    elif end and text[end - 1] in "\r\n":
        end -= 1
    return max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1


def _with_newlines(content: str, newline: str) -> str:
    """Content lines, each ending in the note's newline ('' stays '')."""
    if not content:
        return ""
    if newline == "\n":  # the same, without a list of every line (a dashboard's: 63,000)
        return content + "\n"
    return newline.join(content.split("\n")) + newline


def current_contents(text: str, note: Note) -> dict[str, str]:
    """What each existing block holds now, newlines normalised to '\\n', without the last one."""
    out = {}
    for block in note.blocks:
        raw = text[block.start:block.end].replace("\r\n", "\n")
        out[block.name] = raw[:-1] if raw.endswith("\n") else raw
    return out
