"""Splicing generated blocks (§5) into a note's text: only the bytes between a block's marker lines
change (a missing block is appended at the end), in the note's own newline style; a note whose
markers are unbalanced, duplicated or inside a merge conflict is refused (`BlockError`) and left
byte-identical. Pure. What each block says is `blocks.py`'s.
"""

from __future__ import annotations

from .blocks import PREP, RELATED
from .notes import Block, Note
from .parse import MARKER_RE, parse_note


class BlockError(ValueError):
    """The note's markers are unbalanced or duplicated: it must not be written."""


def splice_blocks(rel_path: str, text: str, contents: dict[str, str]) -> str:
    """Return `text` with each named block's content replaced (blocks missing are appended).

    Only bytes between a block's marker lines change, plus the appended blocks at the very end.
    Content is written in the note's own newline style. Raises BlockError for bad markers or
    merge-conflict markers, so such notes are left byte-identical.
    """
    # Only the blocks, the newline style and the marker problems are read: no link's sentence
    # (`contexts`), which cost ~40% of this parse and was never used.
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
    edits = []
    appended = []
    for name, content in contents.items():
        body = _with_newlines(content, newline)
        block = note.block(name)
        if block is None:
            appended.append(name)
        elif text[block.start:block.end] != body:
            edits.append((block.start, block.end, body))
    related = note.block(RELATED)
    if PREP in appended and related is not None:
        # A brief comes above the related block (read first), wherever that block stands:
        # inserted as whole lines just before its opening marker, nothing else moved.
        appended.remove(PREP)
        at = _marker_line_start(text, related)
        edits.append((at, at, f"<!-- vault-tools:{PREP} -->{newline}"
                              f"{_with_newlines(contents[PREP], newline)}"
                              f"<!-- /vault-tools:{PREP} -->{newline}"))
    for start, end, body in sorted(edits, reverse=True):
        text = text[:start] + body + text[end:]
    for name in appended:
        if text and not text.endswith(("\n", "\r")):
            text += newline
        # (Text other than a BOM: seen at its first character without copying the text.)
        separator = newline if text[:1] not in ("", "\ufeff") or text.strip("\ufeff") else ""
        content = contents[name]
        # One join: no copy of a long block (a dashboard's) made on the way.
        text = "".join((text, separator, f"<!-- vault-tools:{name} -->{newline}",
                        *((content, newline) if content and newline == "\n"
                          else (_with_newlines(content, newline),)),
                        f"<!-- /vault-tools:{name} -->{newline}"))
    if appended:
        # An appended block must be found again: a note ending inside an unclosed code fence
        # or comment would swallow it, and every fill would append another copy.
        check = parse_note(rel_path, text, contexts=False)
        if any(check.block(name) is None for name in appended):
            raise BlockError(
                f"{rel_path}: cannot add the '{appended[0]}' block: the note ends inside an "
                "unclosed code fence, HTML comment or %% comment; close it and run fill again"
            )
    return text


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
