"""`vault-tools log`: one dated item added under a contact's `## Log` heading (DESIGN §12, §6).

The item is one line, `- 2026-11-20 email: sent the article` (or `- 2026-11-20 sent the
article` without a kind), the shape `parse` reads back as the contact's interaction log.

The pure part is `place_item(text, note, item)`: where the item goes and the note's new text,
which is the old text with exactly one run of whole lines inserted. The rest (`log_touch`)
resolves the name, then hands that function to `writer.write_note`, which applies it to the
note's text as it is at the moment of writing (a save made meanwhile is kept, never lost).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .. import lookup
from ..index import VaultIndex
from ..notes import Note
from ..parse import BOM, LIST_ITEM_RE, parse_note, split_lines
from ..vault import Vault, load_index, read_note
from ..writer import WriteError, write_note

LOG_HEADING = "Log"
NEW_HEADING = "## " + LOG_HEADING
# What a note must not carry for the tool to write into it (§6, §9): fill's list, and a note
# that could not be read at all.
UNWRITABLE = ("bad-block", "conflict-markers", "not-utf8", "yaml-error", "outside-vault",
              "too-large")
KIND_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")
KIND_LIMIT = 30
TEXT_LIMIT = 2000  # characters: one line of a list, not a letter (that belongs in the note)
ISO_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A run of blanks holding a line break: joined into one space (a break would end the item).
_BREAK_RUN_RE = re.compile(r"\s*[\r\n\v\f\x85\u2028\u2029]\s*")
# What would open a comment that hides the rest of the note from Obsidian, the parser and the
# site: refused, because no escape keeps these characters readable in every one of them.
_COMMENT_OPENERS = ("%%", "<!--")


class LogError(Exception):
    """The item was not written; the message says why and what to do."""


@dataclass(frozen=True)
class Placement:
    """Where `place_item` put the item: the note's new text, the item's 1-based line in it,
    and whether a `## Log` heading was added for it."""

    text: str
    line: int
    new_heading: bool


# --- the item --------------------------------------------------------------------------------


def iso_day(value: str) -> dt.date | None:
    """`value` as a day written YYYY-MM-DD that is on the calendar (spaces around it
    ignored), else None. Every command option taking a day reads it through this."""
    written = value.strip()
    try:
        return dt.date.fromisoformat(written) if ISO_DAY_RE.fullmatch(written) else None
    except ValueError:
        return None


def parse_day(value: str) -> dt.date:
    """The day of `--date`: an ISO date (YYYY-MM-DD) that is on the calendar, else LogError."""
    day = iso_day(value)
    if day is not None:
        return day
    raise LogError(f"--date {value!r} is not a day: give it as YYYY-MM-DD (e.g. 2026-11-20); "
                   "nothing was written")


def clean_kind(kind: str) -> str:
    """The kind as written into the item: one lower-case word, hyphens allowed (`email`,
    `coffee`, `follow-up`); anything else is a LogError. Capitals are lowered."""
    word = kind.strip().lower()
    if not KIND_RE.fullmatch(word) or len(word) > KIND_LIMIT:
        raise LogError(f"--kind {kind!r}: one word of letters, hyphens allowed "
                       f"(email, call, message, coffee...); nothing was written")
    return word


def clean_text(text: str) -> str:
    """The item's text on one line: line breaks (and the blanks around them) become one space,
    blanks at either end go. Refused with LogError: an empty text, one over TEXT_LIMIT
    characters, control characters, and `%%` or `<!--` (each opens a comment that would hide
    the rest of the note). Nothing else needs escaping: after `- DATE ` no text can start a
    heading, a task, a block marker, a fence or front matter."""
    one_line = _BREAK_RUN_RE.sub(" ", text).strip()
    if not one_line:
        raise LogError("the text is empty: say what happened (e.g. \"sent the article\"); "
                       "nothing was written")
    if len(one_line) > TEXT_LIMIT:
        raise LogError(f"the text is {len(one_line):,} characters long; a log item is one line "
                       f"(at most {TEXT_LIMIT:,}): write longer notes in the note itself; "
                       "nothing was written")
    for opener in _COMMENT_OPENERS:
        if opener in one_line:
            raise LogError(f"the text holds {opener!r}, which would open a comment and hide the "
                           "rest of the note; write it differently; nothing was written")
    bad = next((ch for ch in one_line
                if ch != "\t" and unicodedata.category(ch) in ("Cc", "Cs")), None)
    if bad is not None:
        raise LogError(f"the text holds the control character U+{ord(bad):04X}; "
                       "nothing was written")
    return one_line


def log_item(day: dt.date, text: str, kind: str | None = None) -> str:
    """The item's line, without its line ending: `- 2026-11-20 email: sent the article`, or
    `- 2026-11-20 sent the article` without a kind. The text and kind are checked and cleaned
    (`clean_text`, `clean_kind`); LogError when they cannot be written."""
    words = clean_text(text)
    if kind is not None and kind.strip():
        return f"- {day.isoformat()} {clean_kind(kind)}: {words}"
    return f"- {day.isoformat()} {words}"


# --- where it goes ----------------------------------------------------------------------------


def place_item(text: str, note: Note, item: str) -> Placement:
    """The note's text with `item` (one line, no line ending) added to its log.

    Under the first heading whose text is `Log` (any level, any case, as the parser sees it:
    never one in code, a comment or a generated block), after the last line of its section
    (which runs to the next heading of the same or a higher level, or to a generated block);
    with no such heading, a new `## Log` section holding it, placed before the generated
    blocks that end the note, else at the very end. The new text is the old one with one run
    of whole lines inserted, in the note's own newline style: every other byte is kept, and a
    note without a final newline stays without one. `note` is `parse_note` of `text`.

    LogError when the note must not be written (§6: bad blocks, conflict markers, front
    matter that does not parse) or when the item would not be read where it lands (the
    section ends inside a code fence or comment that is never closed).
    """
    _refuse_unwritable(note)
    lines = split_lines(text)
    nl = note.newline
    heading = next((h for h in note.headings if h.text.lower() == LOG_HEADING.lower()), None)
    if heading is not None:
        after = _section_last_line(lines, note, heading.line, heading.level)
        # After a paragraph or a code block, a list needs a blank line to start.
        listed = after == heading.line - 1 or _in_list(lines, after)
        run = [item] if listed else ["", item]
        offset, inserted = _after_line(lines, after, run, nl)
        new_heading = False
    else:
        at = _trailing_blocks_start(lines, note)
        if at is None:
            offset, inserted = _at_end(lines, [NEW_HEADING, item], nl)
        else:
            before = [] if at == 0 or not lines[at - 1].strip() else [""]
            run = [*before, NEW_HEADING, item, ""]
            offset = sum(map(len, lines[:at]))
            inserted = nl.join(run) + nl
            if note.bom and offset == 0:
                offset = len(BOM)  # the byte-order mark stays the note's first character
        new_heading = True
    new_text = text[:offset] + inserted + text[offset:]
    line = _item_line(new_text, offset, inserted, item)
    _check_lands_in_log(note.path, new_text, line, item)
    return Placement(new_text, line, new_heading)


def _refuse_unwritable(note: Note) -> None:
    for diag in note.diagnostics:
        if diag.code in UNWRITABLE:
            where = f"{note.path}:{diag.line}" if diag.line else note.path
            raise LogError(f"{where}: {diag.message}; the note is left alone until that is "
                           "fixed, nothing was written")


def _section_last_line(lines: list[str], note: Note, heading_line: int, level: int) -> int:
    """The 0-based index of the last non-blank line of the section under the heading on
    (1-based) `heading_line`, or the heading's own index when the section is empty."""
    end = len(lines)
    for other in note.headings:
        if other.line > heading_line and other.level <= level:
            end = other.line - 1
            break
    for block in note.blocks:
        if block.open_line > heading_line:
            end = min(end, block.open_line - 1)
    last = heading_line - 1
    for index in range(end - 1, heading_line - 1, -1):
        if lines[index].strip():
            last = index
            break
    return last


def _in_list(lines: list[str], index: int) -> bool:
    """Whether the line at `index` belongs to a list item: it is one, or is indented under one
    with no blank line between."""
    while index >= 0 and lines[index].strip():
        line = lines[index]
        if LIST_ITEM_RE.match(line):
            return True
        if line[:1] not in (" ", "\t"):
            return False
        index -= 1
    return False


def _after_line(lines: list[str], index: int, run: list[str], nl: str) -> tuple[int, str]:
    """The offset just after the line at `index` and the text inserting `run` there."""
    offset = sum(map(len, lines[:index + 1]))
    if lines[index].endswith(("\n", "\r")):
        return offset, nl.join(run) + nl
    return offset, nl + nl.join(run)  # the note's last line, with no newline: it keeps none


def _at_end(lines: list[str], run: list[str], nl: str) -> tuple[int, str]:
    """The note's end and the text appending `run` there, after a blank line."""
    offset = sum(map(len, lines))
    if not lines or lines == [BOM]:
        return offset, nl.join(run) + nl
    last = lines[-1]
    blank = not last.strip(BOM + " \t\r\n")
    if last.endswith(("\n", "\r")):
        return offset, nl.join(([] if blank else [""]) + run) + nl
    return offset, nl + nl.join(([] if blank else [""]) + run)


def _trailing_blocks_start(lines: list[str], note: Note) -> int | None:
    """The 0-based index of the opening marker of the first generated block in the run of
    blocks that ends the note (only blank lines after it and between them), or None."""
    start = None
    follows = len(lines)  # the index of the line after what is already known to end the note
    for block in sorted(note.blocks, key=lambda b: b.open_line, reverse=True):
        if any(line.strip() for line in lines[block.close_line:follows]):
            break
        start = follows = block.open_line - 1
    return start


def _item_line(new_text: str, offset: int, inserted: str, item: str) -> int:
    """The 1-based line of `item` in the new text."""
    at = offset + inserted.index(item)
    return len(split_lines(new_text[:at])) + 1


def _check_lands_in_log(path: str, new_text: str, line: int, item: str) -> None:
    """LogError unless the parser reads the line `line` as body text under a Log heading.

    The parser is the judge of what is code, comment or a generated block; it is asked with a
    probe: the item's line made a link, which it records only where it reads body text."""
    lines = split_lines(new_text)
    probe_line = lines[line - 1].replace(item, "- [[vault-tools log probe]]", 1)
    probe = "".join(lines[:line - 1]) + probe_line + "".join(lines[line:])
    parsed = parse_note(path, probe, contexts=False)
    seen = any(link.line == line and link.target == "vault-tools log probe"
               for link in parsed.links)
    above = [h for h in parsed.headings if h.line < line]
    section = None
    for heading in above:
        if section is not None and heading.level <= section.level:
            section = None
        if heading.text.lower() == LOG_HEADING.lower():
            section = heading if section is None else section
    if not seen or section is None:
        raise LogError(f"{path}: the log would end up inside a code block or comment that is "
                       "never closed (see `vault-tools check`); close it, then log again; "
                       "nothing was written")


# --- whose note -------------------------------------------------------------------------------


def contact_named(index: VaultIndex, name: str) -> Note:
    """The contact note `name` stands for (`lookup.contact_named`: as a link would resolve
    it, with "Did you mean" for an unknown name), which must also be one the tool may write.
    LogError otherwise, saying that nothing was written."""
    try:
        note = lookup.contact_named(index, name)
    except lookup.ContactNameError as exc:
        raise LogError(exc.message("nothing was written")) from None
    _refuse_unwritable(note)
    return note


# --- the command ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Logged:
    """What `log_touch` did (or, dry, would do): the note, the item's line, the item, whether
    a `## Log` heading was added, and whether the note was written."""

    path: str
    line: int
    item: str
    new_heading: bool
    written: bool


def log_touch(vault: Vault, name: str, item: str, *, dry_run: bool = False) -> Logged:
    """Add `item` (from `log_item`) to the log of the contact `name` through the safe writer.

    The item is placed in the note's text as it is when written: if the user saved the note
    since it was read, their save is kept and the item added to it; a note that keeps changing
    is left as they saved it (the writer's ConcurrentEditError, as a LogError). With
    `dry_run`, nothing is written. LogError for every refusal, naming the note."""
    index = load_index(vault, contexts=False)
    note = contact_named(index, name)
    if dry_run:
        current, text = read_note(vault, note.path)
        if text is None:
            _refuse_unwritable(current)
            raise LogError(f"{note.path}: cannot be read; nothing was written")
        placed = place_item(text, current, item)
        return Logged(note.path, placed.line, item, placed.new_heading, False)
    placements: list[Placement] = []

    def transform(current: str) -> str:
        placed = place_item(current, parse_note(note.path, current, contexts=False), item)
        placements.append(placed)
        return placed.text

    try:
        written = write_note(vault.abs(note.path), transform, notes_dir=vault.notes_dir)
    except WriteError as exc:
        raise LogError(f"{exc}; nothing was written") from None
    placed = placements[-1]
    return Logged(note.path, placed.line, item, placed.new_heading, written)
