"""Parse one note's text into a `Note`. Pure: text in, data out, no file access.

`decode_note` turns raw bytes into text (or a diagnostic); `parse_note` does the rest.

Over 600 lines because the body scan is one linear pass that must see every construct at once
(fences, comments, code spans, blocks, headings, tasks, links): each decides what the others
may match, and splitting the pass would mean scanning a note several times. The syntax itself
lives in `wikilinks.py`, the keys and types in `schema.py`, the privacy rule in `privacy.py`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import posixpath
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple
from urllib.parse import unquote

from . import privacy, schema
from .frontmatter_yaml import FrontMatterError, load_front_matter, simple_front_matter
from .notes import (
    CAREER_STATUSES,
    INTERVIEW_STATUSES,
    SCORE_MAX,
    SCORE_MIN,
    Block,
    Cadence,
    CareerFields,
    CompanyFields,
    ContactFields,
    Diagnostic,
    Fields,
    Heading,
    InlineTag,
    Insight,
    InterviewFields,
    ItemLine,
    Link,
    ListItem,
    LogItem,
    Note,
    Score,
    Task,
    new_note,
)
from .tags import inline_tags, with_inline_tags
from .wikilinks import (
    MDLINK_RE,
    WIKILINK_RE,
    closes_front_matter,
    is_asset_target,
    link_problem,
    opens_front_matter,
    wikilink,
)
from .wikilinks import link_parts as _link_parts  # the old names, for the modules that use them
from .wikilinks import split_wikilink as _split_wikilink

BOM = "\ufeff"

# The schema's, named here for the modules that read them from the parser.
FOLDER_TYPES = schema.FOLDER_TYPES
LINK_KEYS = schema.LINK_KEYS

MARKER_RE = re.compile(r"^[ \t]*<!--[ \t]*(/?)vault-tools:([A-Za-z0-9_-]+)[ \t]*-->[ \t]*$")
# What a line inside a generated block must hold for the body pass to read it at all (every
# marker holds it): any other line there is skipped unread (`_scan_body`, `read_in_block`).
IN_BLOCK_READ = "vault-tools:"
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# CommonMark's raw HTML block (type 1): from a line opening <pre>, <script>, <style> or
# <textarea> to the line holding any of their end tags, nothing is Markdown: no fence, no link.
RAW_HTML_OPEN_RE = re.compile(r" {0,3}<(?:pre|script|style|textarea)(?:[\s>]|$)", re.IGNORECASE)
RAW_HTML_CLOSE_RE = re.compile(r"</(?:pre|script|style|textarea)>", re.IGNORECASE)
_TICK_RUN_RE = re.compile(r"`+")
_SPACE_RUN_RE = re.compile(r"\s*")
_URL_STOP_RE = re.compile(r"[)\s]")
# Any one character between the brackets is a task, as in Obsidian (`[>]`, `[/]`, `[!]`...).
TASK_RE = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[([^\[\]])\][ \t]+(.*)$")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# HEADING_RE's opening alone; _heading does the rest without the lazy (.*?), which retries the
# closing sequence after every character (2.2 us for a 40-character heading).
HEADING_OPEN_RE = re.compile(r" {0,3}(#{1,6})[ \t]+")
LIST_ITEM_RE = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]")
# A task's checkbox after a list marker (`[ ] `, `[x] `): not part of an item's text.
TASK_BOX_RE = re.compile(r"\[.\][ \t]+")
# The key is everything before the line's first ":" (trailing blanks cut by the caller): a
# lazy key followed by "[ \t]*:" would rescan a run of blanks from each of its characters.
KEY_LINE_RE = re.compile(r"^([^\s#:\-][^:]*):(?:[ \t]|$)")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]*)?$")
# A date with a time of day (`2026-12-09T14:30`, Obsidian's date-and-time property), seconds, a
# fraction and an offset allowed. Groups: hour, minute, second, offset. (export/ics.py times it.)
TIME_OF_DAY_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:\.[0-9]+)?)?"
    r"(Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)?"
)
CADENCE_RE = re.compile(r"^\s*(\d+)\s*([dwm]?)\s*$")
CONFLICT_PREFIXES = ("<<<<<<< ", ">>>>>>> ")
# A log item (§12): a list item whose text starts with an ISO date, bare or as a link to the
# daily note (`[[2026-11-20]]`, `[[2026-11-20|Friday]]`), a time of day after a bare date
# allowed and dropped; a bare date may be in bold or italics (`**2026-11-20**`). Groups: the
# linked date, the emphasis, the bare date, the rest of the item.
LOG_ITEM_RE = re.compile(
    r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+"
    r"(?:\[\[(\d{4}-\d{2}-\d{2})(?:\|[^\[\]]*)?\]\]"
    r"|(?P<em>\*\*|__|\*|_)?(\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?(?(em)(?P=em))(?![\w*-]))"
    r"[ \t]*(?:[:\u2013\u2014-](?=[ \t]|$)[ \t]*)?(.*)$"
)
# The kind of a log item: one word (hyphens allowed) and a colon, right after its date.
LOG_KIND_RE = re.compile(r"([^\W\d_][\w-]*):(?:[ \t]+|$)")
# A daily note's name (§12): its day, in any folder.
DAILY_NAME_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
JOURNAL = "journal"

# A named tuple built from a tuple of all its fields, in order, without the Python-level call
# of the named tuple's __new__ (a third of the cost of making the ~45,000 body links of 5,000
# notes). For the types made on every line that holds one (links, headings, tasks).
_new_tuple = tuple.__new__


def split_lines(text: str) -> list[str]:
    """Lines with their endings. A line ends at "\n", "\r\n" or a lone "\r" (as editors,
    MkDocs and browsers read them; unlike str.splitlines, a form feed or U+2028 inside a line
    does not start a new one)."""
    if "\r" not in text or text.count("\r") == text.count("\r\n"):
        # No lone "\r" (nearly every note): every line ends at a "\n", so splitting there is
        # the same and costs a tenth of the loop below.
        lines = text.split("\n")
        last = lines.pop()
        lines = [line + "\n" for line in lines]
        if last:
            lines.append(last)
        return lines
    out = []
    at = 0
    for line in _bare_lines(text):
        at += len(line)
        out.append(text[at - len(line):at + 1])  # with the one character that ends it
        at += 1
    return out


def _bare_lines(text: str) -> list[str]:
    """The lines of split_lines without their last character ("\n" or a lone "\r"; the "\r"
    of a "\r\n" stays): what the parser reads, without building each line a second time."""
    return privacy.split_bare_lines(text)


def read_in_block(content: str) -> str:
    """What the parser reads of `content` (lines split at "\\n") standing inside a block: its
    lines that hold `IN_BLOCK_READ`, in order, joined by "\\n"; "" for most contents.

    The body pass skips every other line inside an open block without a change to its state
    (not even a blank line's), so a note whose block content is cut down to this has the same
    blocks, found alike, as the note itself (their positions aside), provided the block's
    opening marker is read as one and the note's front matter is closed before it (a front
    matter left open is closed by the first `---` line, wherever it stands).
    `tests/test_splice_properties.py` holds the two equal."""
    if IN_BLOCK_READ not in content:
        return ""
    return "\n".join(line for line in content.split("\n") if IN_BLOCK_READ in line)


def decode_note(rel_path: str, data: bytes) -> tuple[str | None, Diagnostic | None]:
    """Decode a note's bytes. Returns (text, None), or (None, diagnostic) when it is not text.

    The messages say what the file is, not what is done with it: each command says that (fill's
    "left alone: ..."), so the two never repeat each other.
    """
    if _is_utf16(data):
        return None, Diagnostic(rel_path, None, "error", "not-utf8",
                                "the note is saved as UTF-16: save it as UTF-8")
    if b"\x00" in data:
        return None, Diagnostic(rel_path, None, "error", "not-utf8",
                                "binary file (contains NUL bytes), not a text note")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Diagnostic(
            rel_path,
            line,
            "error",
            "not-utf8",
            f"not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
            "save the note as UTF-8",
        )


def _is_utf16(data: bytes) -> bool:
    """True for UTF-16 text: a byte-order mark, or (without one) text whose every other byte
    is NUL, as Latin-script text is in UTF-16, and that decodes as UTF-16."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return False
    head = head[:len(head) & ~1]
    even, odd = head[0::2], head[1::2]
    pairs = len(head) // 2
    for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) >= 0.6 * pairs:
            try:
                head.decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False


def lenient_text(data: bytes) -> str:
    """The text of a note file that is not UTF-8, as far as it can be read: UTF-16 by its
    BOM, else UTF-8 without NULs, each bad byte replaced. For what such a note says of
    itself and shows (whether it is private, the attachments it shows), never to be
    written back."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    return data.replace(b"\x00", b"").decode("utf-8", "replace")


def unreadable_note(rel_path: str, diagnostic: Diagnostic, data: bytes = b"") -> Note:
    """A placeholder Note for a file that could not be decoded: indexed by name, never written.

    It is private when its bytes, read leniently (UTF-16 by its BOM, else UTF-8 without NULs,
    bad bytes replaced), say so: a private note saved as UTF-16 or Latin-1 must not have its
    name listed or linked on the site."""
    name = posixpath.splitext(posixpath.basename(rel_path))[0]
    private = parse_note(rel_path, lenient_text(data)).private if data else False
    return Note(
        path=rel_path, name=name, title=name, type=None, meta={}, fields=None,
        diagnostics=(diagnostic,), unreadable=True, private=private,
    )


def parse_note(rel_path: str, text: str, *, contexts: bool = True) -> Note:
    """Parse a note's text (as decoded from its file, BOM included) into a Note.

    Never raises on bad input: every problem becomes a Diagnostic with a line number.
    `contexts=False`: body links get no `context` (the sentence a "Linked from" entry quotes),
    for a caller that renders no block, as `check`. Everything else is the same; the scan costs
    about a fifth less on ordinary notes and far less on long lines holding many links.
    """
    name = posixpath.splitext(posixpath.basename(rel_path))[0]
    diags: list[Diagnostic] = []
    bom = text.startswith(BOM)
    body_text = text[1:] if bom else text
    offset0 = 1 if bom else 0
    newline = _newline(body_text)
    lines = _bare_lines(body_text)

    # (`isspace`, not `strip`: the same test without a copy of the text, which for a note
    # just given a long block, a dashboard's, is 11 MB.)
    if not body_text or body_text.isspace():
        diags.append(Diagnostic(rel_path, None, "warning", "empty-note", "the note is empty"))
    problem = link_problem(name)
    if problem is not None:
        diags.append(Diagnostic(
            rel_path, None, "warning", "unlinkable-name",
            f"no [[link]] can reach this note: {problem}; rename the file (generated blocks "
            "show its name as plain text until then)",
        ))

    duplicates: list[tuple[str, int]] = []
    meta, fm_end, key_lines = _front_matter(rel_path, lines, diags, duplicates)
    body_line = fm_end + 1
    folder_type = schema.folder_type(rel_path)
    note_type = meta.get("type") if isinstance(meta.get("type"), str) else folder_type

    fm_links = _front_matter_links(meta, key_lines, lines, fm_end)
    ctx = _FieldContext(rel_path, meta, key_lines, diags)
    fields = _typed_fields(note_type, ctx)
    aliases = ctx.string_list("aliases")
    tags = ctx.string_list("tags")
    visibility = privacy.note_visibility(meta, rel_path, key_lines, duplicates)
    diags += visibility.diagnostics
    private = visibility.private
    if diags and not private and any(d.code == "yaml-error" for d in diags):
        # YAML refused the front matter: its raw lines decide, so that a broken note that says
        # it is private is never quoted in another note's block nor published.
        private = privacy.looks_private_front_matter(body_text)
        if private and not aliases:
            # Its other names too, so a link by one shows "a private note", not the name.
            aliases = privacy.raw_aliases(body_text)
    for key, line in duplicates:
        if privacy.visibility_key(key) is None:  # those were reported by note_visibility
            diags.append(Diagnostic(rel_path, line, "warning", "duplicate-key",
                                    f"{key}: written more than once; only this last value "
                                    "is used, the earlier one is ignored: keep one"))

    scan = _scan_body(rel_path, lines, fm_end, offset0, diags, contexts,
                      note_type == schema.INTERVIEW)
    day = _daily_day(name, note_type, ctx)
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    if not title:
        title = next((_shown(h.text) for h in scan.headings if h.level == 1), name)

    return new_note(
        path=rel_path,
        name=name,
        title=title,
        type=note_type,
        meta=meta,
        fields=fields,
        aliases=aliases,
        tags=with_inline_tags(tags, (tag.name for tag in scan.tags))
        if tags or scan.tags else (),
        private=private,
        links=tuple(fm_links + scan.links),
        tasks=tuple(scan.tasks),
        blocks=tuple(scan.blocks),
        headings=tuple(scan.headings),
        block_ids=tuple(scan.block_ids),
        inline_tags=tuple(scan.tags),
        log=tuple(scan.log),
        insight_lines=tuple(scan.units),
        items=tuple(scan.items),
        open_questions=tuple(scan.open_questions),
        day=day,
        diagnostics=tuple(diags),
        body_line=body_line,
        newline=newline,
        bom=bom,
        unreadable=False,
        # (A front matter opened on line 1 and never closed is closed by the first `---`
        # line anywhere, an appended block's included.)
        ends_plain=scan.ends_plain and (fm_end > 0 or not lines
                                        or not opens_front_matter(lines[0])),
    )


def _daily_day(name: str, note_type: str | None, ctx: _FieldContext) -> dt.date | None:
    """The day of a daily note (§12): a `type: journal` note's `date` (a bad one reported as
    every date key is), else a name that is a real `YYYY-MM-DD` date, unless the note is of
    one of the schema's types (a contact, a conversation named by its day: its links are no
    touches, and a cancelled one would count as having talked); None for other notes."""
    if isinstance(note_type, str) and note_type.lower() == JOURNAL:
        day = ctx.date("date")
        if day is not None:
            return day
    if isinstance(note_type, str) and note_type.lower() in schema.NOTE_TYPES:
        return None
    if len(name) == 10 and DAILY_NAME_RE.fullmatch(name):
        try:
            return dt.date.fromisoformat(name)
        except ValueError:
            return None  # a name, not a date: nothing to report
    return None


def _newline(text: str) -> str:
    """The note's newline style, from its first line ending: "\n", "\r\n" or a lone "\r"."""
    lf = text.find("\n")
    cr = text.find("\r", 0, lf if lf >= 0 else len(text))
    if cr < 0:
        return "\n"
    return "\r\n" if cr + 1 == lf else "\r"


# --- front matter -------------------------------------------------------------------------------


def _front_matter(
    rel_path: str, lines: list[str], diags: list[Diagnostic],
    duplicates: list[tuple[str, int]] | None = None,
) -> tuple[dict[str, Any], int, dict[str, int]]:
    """Return (mapping, number of lines the front matter occupies, line of each top-level key).

    `lines` are the note's lines without their "\n" (see _bare_lines). `duplicates` receives
    (key, line) of each key written a second time in one mapping.
    """
    if not lines or not opens_front_matter(lines[0]):
        return {}, 0, {}
    close = None
    for i in range(1, len(lines)):
        # A closing line starts with its fence: only those few are asked.
        if lines[i][:3] in _FENCE_STARTS and closes_front_matter(lines[i]):
            close = i
            break
    if close is None:
        diags.append(Diagnostic(
            rel_path, 1, "error", "yaml-error",
            "front matter opened with '---' on line 1 is never closed by a '---' line",
        ))
        return {}, 0, {}
    simple = simple_front_matter(lines[1:close])
    if simple is not None:
        # The common shape, read without the YAML parser: each key's line known as it is read.
        # (Its values hold no list in a list: no unquoted link to read as one.)
        return simple[0], close + 1, {key: index + 2 for key, index in simple[1].items()}
    fm_text = "\n".join(lines[1:close]) + "\n" if close > 1 else ""
    try:
        data = load_front_matter(fm_text, first_line=2, duplicates=duplicates)
    except FrontMatterError as exc:
        line = exc.line if exc.line is not None else 1
        diags.append(Diagnostic(rel_path, line, "error", "yaml-error", str(exc)))
        return {}, close + 1, {}
    if data is None:
        return {}, close + 1, {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        kind = {"str": "a string", "list": "a list", "int": "a number"}.get(kind, kind)
        diags.append(Diagnostic(
            rel_path, 2, "error", "yaml-error",
            f"front matter must be a mapping of keys to values, got {kind}",
        ))
        return {}, close + 1, {}
    meta = {str(k): v for k, v in data.items()}
    key_lines: dict[str, int] = {}
    for i in range(1, close):
        match = KEY_LINE_RE.match(lines[i])
        if match:
            key_lines.setdefault(match.group(1).rstrip(" \t").strip("'\""), i + 1)
    for key, value in meta.items():
        if not isinstance(value, list):
            continue  # only a list can be, or hold, a list in a list
        fixed = _unquoted_links(value)
        if fixed is not value:
            meta[key] = fixed
            diags.append(Diagnostic(
                rel_path, key_lines.get(key, 2), "warning", "bad-value",
                f"{key}: a link in YAML needs quotes, e.g. {key}: \"[[Jane Doe]]\" "
                "(read as a link anyway)",
            ))
    return meta, close + 1, key_lines


_FENCE_STARTS = ("---", "...")


def _unquoted_links(value: Any) -> Any:
    """`with: [[Jane Doe]]` without quotes is YAML for a list in a list: read it as the link the
    user meant. Returns the value itself when there is nothing to fix."""
    if _is_bare_link(value):
        return wikilink(value[0][0])
    if isinstance(value, list) and any(_is_bare_link(item) for item in value):
        return [wikilink(item[0][0]) if _is_bare_link(item) else item for item in value]
    return value


def _is_bare_link(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 1 and isinstance(value[0], list)
            and len(value[0]) == 1 and isinstance(value[0][0], str))


def _front_matter_links(
    meta: dict[str, Any], key_lines: dict[str, int], lines: list[str], fm_end: int
) -> list[Link]:
    links: list[Link] = []
    for key, value in meta.items():
        # Only text holds links: a string, or the strings inside a list or a mapping.
        if isinstance(value, str):
            if "[[" not in value and key not in LINK_KEYS:
                continue  # (one_line keeps a "[[" and makes none)
            items: Iterable[str] = (value,)
        elif isinstance(value, (list, dict)):
            items = _strings_in(value)
        else:
            continue
        key_line = key_lines.get(key, 1)
        # A list's items stand in order: each is looked for from the line of the one before,
        # so a long list costs its length, not its length squared.
        at = key_line
        for item in items:
            item = one_line(item)  # as the fields read it (`_FieldContext.links`)
            inners = WIKILINK_RE.findall(item) if "[[" in item else ()
            for inner in inners:
                parts = _link_parts(inner)
                if parts is not None:
                    links.append(_place(*parts, key, item, at, key_line, lines, fm_end))
                    at = max(at, links[-1].line)
            if not inners and key in LINK_KEYS and item.strip():
                links.append(_place(item.strip(), None, None, key, item, at, key_line, lines,
                                    fm_end))
                at = max(at, links[-1].line)
    return links


def _place(
    target: str, heading: str | None, label: str | None, key: str, item: str, start: int,
    key_line: int, lines: list[str], fm_end: int,
) -> Link:
    """A front-matter link, on the line its value stands on, looked for in the _PLACE_WINDOW
    lines from line `start` on (the key's line when not found there)."""
    line = key_line
    # A block scalar's value ends with a "\n" that YAML writes for any line ending ("\r\n"
    # too): the value is looked for without it.
    value = item.rstrip("\n")
    # The window bounds the search: values written differently from how YAML reads them
    # (escapes, folded lines) would otherwise each be looked for down to the end.
    for i in range(start - 1, min(max(fm_end - 1, start), start - 1 + _PLACE_WINDOW)):
        if value in lines[i]:
            line = i + 1
            break
    return _new_tuple(Link, (target, line, 0, heading, label, False, key, "wiki",
                             f"{key}: {item.strip()}"))


_PLACE_WINDOW = 64


def _strings_in(value: Any) -> Iterator[str]:
    """The strings in a front-matter value, in document order (without recursion: a value
    may nest deeply)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            stack.extend(reversed(item.values()))


# A run of blanks holding a line break: any that `str.splitlines` ends a line at.
_LINE_BREAK_RUN_RE = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]\s*")


def one_line(text: str) -> str:
    """A front-matter value as one line: each line break (with the blanks around it) becomes
    one space, blanks at either end go. A quoted YAML value may hold line breaks; shown in a
    generated block, one could end the block's line, or make a line of its own that reads as
    a block marker (and `fill` then refuses to write the block)."""
    if text.isprintable():
        # Every line break is unprintable, so a printable text (nearly every value) holds none.
        return text.strip()
    return _LINE_BREAK_RUN_RE.sub(" ", text).strip()


class _FieldContext:
    """Reads typed values out of front matter, reporting each bad one on its key's line."""

    def __init__(
        self, rel_path: str, meta: dict[str, Any], key_lines: dict[str, int],
        diags: list[Diagnostic],
    ) -> None:
        self.rel_path, self.meta, self.key_lines, self.diags = rel_path, meta, key_lines, diags

    def report(self, key: str, severity: str, code: str, message: str) -> None:
        self.diags.append(
            Diagnostic(self.rel_path, self.key_lines.get(key, 1), severity, code, message)  # type: ignore[arg-type]
        )

    def text(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None or isinstance(value, (dict, list)):
            return None
        return one_line(str(value)) or None

    def link(self, key: str) -> str | None:
        links = self.links(key)
        return links[0] if links else None

    def links(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if isinstance(item, str) and item.strip():
                item = one_line(item)
                match = WIKILINK_RE.search(item)
                if match is None:
                    target = item
                else:
                    inner = match.group(1)
                    # A plain [[Name]]: what _split_wikilink gives as its target, without it.
                    target = inner.strip() if "#" not in inner and "|" not in inner \
                        and "\\" not in inner else _split_wikilink(inner)[0]
                if target:
                    out.append(target)
        return tuple(out)

    def date(self, key: str) -> dt.date | None:
        value = self.meta.get(key)
        if value is None or value == "":
            return None
        return parse_date(value, lambda msg: self.report(key, "error", "bad-date", f"{key}: {msg}"))

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,) if value.strip() else ()
        if isinstance(value, list):
            return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
        self.report(key, "error", "bad-value", f"{key}: expected a list of text, got {value!r}")
        return ()

    def single(self, key: str) -> str | None:
        """A value that is one word of a vocabulary (a `status`): as `text`, and a one-item
        list is its item (Obsidian writes a list once the property is typed as one); other
        lists and mappings come back as written, for the caller to report as no such word."""
        value = self.meta.get(key)
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (str, int)):
            return one_line(str(value[0])) or None
        if isinstance(value, (list, dict)):
            return one_line(str(value)) if value else None
        return self.text(key)

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None) -> str | None:
        value = self.single(key)
        if value is None:
            return default
        if value.lower() not in allowed:
            self.report(key, "error", "bad-value",
                        f"{key}: {value!r} is not one of {', '.join(allowed)}")
            return default
        return value.lower()


def parse_date(value: Any, report) -> dt.date | None:
    """An ISO date from a front-matter value or task token; calls report(message) when invalid."""
    text = str(value).strip()
    if not ISO_DATE_RE.match(text):
        report(f"{text!r} is not a date (expected YYYY-MM-DD)")
        return None
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        report(f"{text[:10]!r} is not a real date ({exc})")
        return None
    if len(text) > 10 and TIME_OF_DAY_RE.fullmatch(text) is None:
        # The day still counts (follow-ups keep their dates); only the time is unusable.
        report(f"{text!r} has no such time of day (expected YYYY-MM-DDTHH:MM)")
    return day


def parse_cadence(value: Any) -> Cadence | None:
    """`30d`, `6w`, `3m` or a whole number of days; None when it does not parse or is zero."""
    if isinstance(value, bool):
        return None
    match = CADENCE_RE.match(str(value))
    if not match or int(match.group(1)) == 0:
        return None
    return Cadence(int(match.group(1)), (match.group(2) or "d"))  # type: ignore[arg-type]


def _typed_fields(note_type: str | None, ctx: _FieldContext) -> Fields:
    if note_type == schema.CONTACT:
        cadence = None
        if ctx.meta.get("cadence") not in (None, ""):
            cadence = parse_cadence(ctx.meta["cadence"])
            if cadence is None:
                ctx.report("cadence", "error", "bad-value",
                           f"cadence: {ctx.meta['cadence']!r} does not parse; write 30d, 6w, 3m "
                           "or a whole number of days")
        status = ctx.single("status")
        if status is not None and status.strip().lower() in schema.CONTACT_STATUSES:
            # `Met` is `met`: every rule then compares one spelling (they once compared the
            # text as written, so a `No-Response` contact was still nudged).
            status = status.strip().lower()
        elif status is not None:
            # Kept as written (the card shows it); the stage is then derived (§12).
            ctx.report("status", "warning", "bad-value",
                       f"status: {status!r} is not one of {', '.join(schema.CONTACT_STATUSES)} "
                       "(the stage is worked out from the note instead)")
        return ContactFields(
            company=ctx.link("company"), role=ctx.text("role"), email=ctx.text("email"),
            phone=ctx.text("phone"), linkedin=ctx.text("linkedin"),
            location=ctx.text("location"), introduced_by=ctx.link("introduced_by"),
            cadence=cadence, last_contact=ctx.date("last_contact"), status=status,
            introducer_thanked=ctx.date("introducer_thanked"),
            asked=ctx.date("asked"), replied=ctx.date("replied"), nudged=ctx.date("nudged"),
            snoozed_until=ctx.date(schema.SNOOZED_UNTIL),
        )
    if note_type == schema.INTERVIEW:
        if ctx.meta.get("date") in (None, ""):
            ctx.report("date", "error", "missing-field",
                       "an interview needs `date: YYYY-MM-DD` in its front matter")
        with_ = ctx.links("with")
        if not with_:
            ctx.report("with", "error", "missing-field",
                       "an interview needs `with:` naming who it was with, e.g. \"[[Jane Doe]]\"")
        interest = ctx.meta.get("interest")
        if interest is not None and (
            isinstance(interest, bool) or not isinstance(interest, int) or not -2 <= interest <= 2
        ):
            ctx.report("interest", "error", "bad-value",
                       f"interest: {interest!r} should be a whole number from -2 to 2")
            interest = None
        # No status: done (a conversation written up is one that happened). A status that is
        # none of them (a typo: "planed", "canceled") is reported and read as "unknown":
        # neither done nor planned, so no thank-you, preparation or interaction is made up.
        status = ctx.choice("status", INTERVIEW_STATUSES, None) or (
            schema.DONE if ctx.single("status") is None else schema.UNKNOWN_STATUS)
        return InterviewFields(
            date=ctx.date("date"), with_=with_, company=ctx.link("company"),
            careers=ctx.links("career"), format=ctx.text("format"),
            status=status,
            thank_you=ctx.date("thank_you"), interest=interest,
            referrals=ctx.links("referrals"), snoozed_until=ctx.date(schema.SNOOZED_UNTIL),
        )
    if note_type == schema.COMPANY:
        return CompanyFields(
            industry=ctx.text("industry"), website=ctx.text("website"),
            location=ctx.text("location"),
        )
    if note_type == schema.CAREER:
        return _career_fields(ctx)
    return None


def _career_fields(ctx: _FieldContext) -> CareerFields:
    status = ctx.choice("status", CAREER_STATUSES, None)
    ruled_out = ctx.date("ruled_out")
    if ruled_out is not None and status != schema.RULED_OUT:
        # The status decides where the path stands; the date alone is likely a half-done edit.
        ctx.report("ruled_out", "warning", "bad-value",
                   f"ruled_out: {ruled_out.isoformat()} but the status is "
                   f"{status or 'not set'}: write `status: ruled-out` if you ruled this path "
                   "out, or remove ruled_out")
    scores = []
    for key, value in ctx.meta.items():
        if not (isinstance(key, str) and key.startswith(schema.SCORE_PREFIX)):
            continue
        criterion = key[len(schema.SCORE_PREFIX):]
        if value is None or value == "":
            continue  # `score_pay:` left blank: not scored yet
        if isinstance(value, bool) or not isinstance(value, int) \
                or not SCORE_MIN <= value <= SCORE_MAX:
            ctx.report(key, "warning", "bad-value",
                       f"{key}: {value!r} is not a score; write a whole number from "
                       f"{SCORE_MIN} to {SCORE_MAX}, e.g. {key}: 4")
            continue
        scores.append(Score(criterion, value, ctx.key_lines.get(key, 1)))
    return CareerFields(status=status, ruled_out=ruled_out, reason=ctx.text("reason"),
                        scores=tuple(scores), snoozed_until=ctx.date(schema.SNOOZED_UNTIL))


# --- body ---------------------------------------------------------------------------------------


class _BodyScan:
    def __init__(self) -> None:
        self.links: list[Link] = []
        self.tasks: list[Task] = []
        self.blocks: list[Block] = []
        self.headings: list[Heading] = []
        self.tags: list[InlineTag] = []
        self.block_ids: list[tuple[str, int]] = []
        self.log: list[LogItem] = []
        # An interview's content lines (index, text, list item, indented), for `Note.insights`.
        self.units: list[tuple[int, str, bool, bool]] = []
        self.items: list[ItemLine] = []
        self.open_questions: list[ListItem] = []
        # Whether the last line left nothing open that would read the lines after it.
        self.ends_plain = False


_SPECIAL_LEADS = frozenset("<>`~-*+0123456789#")


def _scan_body(
    rel_path: str, lines: list[str], first: int, offset0: int, diags: list[Diagnostic],
    contexts: bool = True, insights: bool = False,
) -> _BodyScan:
    """One pass over the body: blocks, links, tasks and headings, skipping code and comments
    (with `contexts`, each body link with the sentence around it; with `insights`, an
    interview's, every content line, which `insights_from_lines` reads when asked).

    This loop is the hot path of `check`: a line of plain prose costs a strip and a few
    membership tests; regular expressions run only on lines that can match them.
    """
    scan = _BodyScan()
    fence: tuple[str, int, int] | None = None  # character, length, line
    in_raw_html = False  # inside a <pre>, <script>, <style> or <textarea> block
    in_comment = False
    in_obsidian_comment = False  # inside a %% ... %% comment that started on an earlier line
    comment_line = 0  # the line the comment still open was opened on
    memo: dict[int, tuple[str, bool, bool]] = {}  # lines looked at for contexts (_neighbour)
    open_block: tuple[str, int, int] | None = None  # name, line, content start
    seen_blocks: set[str] = set()
    prev_blank = True
    in_list = False
    prev_code = False
    log_level: int | None = None  # the level of the `Log` heading whose section this is
    questions_level: int | None = None  # the same for an `Open questions` heading (§13)
    # Only an interview keeps its content lines: for other notes this stays None and costs a
    # test on the lines that get that far.
    units = scan.units if insights else None
    # Where line `offset_line` starts in the text: advanced only when a marker needs an offset,
    # so finding many markers costs the note's length once, not once per marker.
    offset_line, offset = 0, offset0

    for index in range(first, len(lines)):
        raw = lines[index]
        if not raw:  # an empty line, the most common kind: what the general way does with it
            if fence is not None:
                prev_blank = False
            elif open_block is None:
                prev_blank = True
            continue
        if open_block is not None and IN_BLOCK_READ not in raw:
            # Inside a generated block only a marker line matters. (`read_in_block` relies on
            # this line: keep them together.)
            continue
        stripped = raw.strip()
        if fence is not None:
            char, length, _ = fence
            if stripped[:1] == char and stripped.startswith(char * length) \
                    and not stripped.strip(char):
                fence = None
            prev_blank = False
            continue
        if in_raw_html:
            # A block marker ends it: an unclosed <pre> must not hide a generated block.
            in_raw_html = RAW_HTML_CLOSE_RE.search(raw) is None
            if not ("vault-tools:" in raw and MARKER_RE.match(raw.rstrip("\r\n"))):
                prev_blank = False
                continue
            in_raw_html = False
        if not stripped:
            if open_block is None:
                prev_blank = True  # a blank line neither starts nor ends indented code
            continue
        commented = in_obsidian_comment
        if in_obsidian_comment or "%%" in raw:
            # Obsidian comments are no content (§4): blanked out, so columns stay where they are.
            before, was_open = raw, in_obsidian_comment
            raw, in_obsidian_comment = privacy.strip_comments(raw, in_obsidian_comment)
            if in_obsidian_comment and (not was_open or "%%" in before):
                comment_line = index + 1  # opened here (an open one is closed by any "%%")
            commented = commented or raw != before
            stripped = raw.strip()
            if not stripped:
                if open_block is None:
                    prev_blank = True
                continue
        lead = stripped[0]

        if lead == "<" and not in_comment:
            marker = MARKER_RE.match(raw.rstrip("\r\n"))
            if marker:
                offset += sum(map(len, lines[offset_line:index])) + index - offset_line
                offset_line = index  # (the "\n"s count too)
                line_start = offset
                open_block = _marker(rel_path, marker, index + 1, line_start + len(raw) + 1,
                                     line_start, open_block, seen_blocks, scan, diags)
                prev_blank = False
                continue
            if open_block is None and RAW_HTML_OPEN_RE.match(raw):
                in_raw_html = RAW_HTML_CLOSE_RE.search(raw) is None
                prev_blank = prev_code = in_list = False
                continue
        if open_block is not None:
            continue

        indented = raw[0] in " \t"
        list_item = False
        if not indented and not in_comment and lead not in _SPECIAL_LEADS:
            # Plain prose: ends any list and any indented code.
            prev_blank = prev_code = in_list = False
            if "[" not in raw and "<!--" not in raw and "#" not in raw:
                if "^" in raw:
                    _add_block_id(raw, index + 1, scan)
                if units is not None:
                    units.append((index, raw, False, False))
                continue
            line = raw.rstrip("\r\n")
        else:
            line = raw.rstrip("\r\n")
            if lead in "<>" and line.startswith(CONFLICT_PREFIXES):
                diags.append(Diagnostic(rel_path, index + 1, "error", "conflict-markers",
                                        "merge-conflict marker: resolve the conflict; the tool "
                                        "will not write this note until then"))
            if indented and not in_list and (prev_blank or prev_code) and not in_comment \
                    and line.startswith(("    ", "\t")):
                prev_code = True
                prev_blank = False
                continue
            prev_code = False
            if lead in "`~" and not in_comment:
                fence_match = FENCE_RE.match(line)
                if fence_match and not (fence_match.group(1)[0] == "`"
                                        and "`" in fence_match.group(2)):
                    fence = (fence_match.group(1)[0], len(fence_match.group(1)), index + 1)
                    prev_blank = False
                    continue
            list_item = lead in "-*+0123456789" and LIST_ITEM_RE.match(line) is not None
            if list_item:
                in_list = True
            elif not indented:
                in_list = False
            prev_blank = False

        visible = line
        if in_comment or "<!--" in line:
            visible, in_comment = _strip_comments(line, in_comment)
            if not visible.strip():
                continue
        hashes = 0  # the #s opening a heading: they start no tag
        if lead == "#":
            # Read before code spans are blanked out: `code` in a heading is part of its text.
            heading = _heading(visible, index + 1)
            if heading is not None:
                scan.headings.append(heading)
                hashes = heading.level
                if log_level is not None and heading.level <= log_level:
                    log_level = None  # a heading of the same or a higher level ends the section
                if questions_level is not None and heading.level <= questions_level:
                    questions_level = None
                name = heading.text.lower()
                if name == "log":
                    log_level = heading.level
                elif "questions" in name and " ".join(name.split()) == "open questions":
                    questions_level = heading.level
        elif log_level is not None and list_item:
            _add_log_item(rel_path, visible, index + 1, scan, diags)
        elif questions_level is not None and list_item:
            _add_list_item(visible, index + 1, scan.open_questions)
        shown = visible  # what a reader sees of the line: comments gone, code spans kept
        if units is not None and not (lead == "#" and scan.headings
                                      and scan.headings[-1].line == index + 1):
            units.append((index, shown, list_item, indented))
        if "`" in visible:
            visible = _blank_code_spans(visible)
        if "^" in visible:
            _add_block_id(visible, index + 1, scan)
            if list_item and scan.block_ids and scan.block_ids[-1][1] == index + 1:
                scan.items.append(ItemLine(index + 1, shown))  # a bank question (§13)

        if "#" in visible and (not hashes or visible.count("#") > hashes):
            scan.tags += _inline_tags(visible, index + 1)

        if "[" in visible:
            lineno = index + 1
            # Only a rendered "Linked from" entry reads a context: without one, none is made.
            context = shown.strip() if contexts else ""
            found = _wikilinks(visible, lineno, context) if "[[" in visible else []
            if "](" in visible:
                md = [_mdlink(m, visible, rel_path, lineno, context)
                      for m in _md_links(visible)]
                # Each kind comes out in column order; only a line holding both needs a sort.
                found = sorted(found + [lk for lk in md if lk is not None], key=_column)
            if contexts and found:
                # Whether the line is its paragraph or list item, whole (no other line to read).
                last = index + 1 == len(lines) or lines[index + 1] in _BLANK
                if commented:
                    alone = False
                elif list_item:  # an item ends where a blank line or the next item begins
                    alone = last or LIST_ITEM_RE.match(lines[index + 1]) is not None
                else:
                    alone = last and (index == first or lines[index - 1] in _BLANK)
                if not (
                    alone and len(context) <= CONTEXT_CHARS
                    and (list_item or _SENTENCE_END_RE.search(context) is None)
                ):
                    # Not the common case of a short line that is a whole paragraph or list
                    # item of one sentence: the sentence or item around each link is looked for.
                    found = _with_contexts(found, lines, index, first, shown, list_item,
                                           commented or alone, in_obsidian_comment or in_comment
                                           or alone, memo)
            scan.links += found
            # (A heading "^id" is written with its "^", or as "%5E" in a Markdown link.)
            if list_item and ("^" in visible or "%" in visible) \
                    and (not scan.items or scan.items[-1].line != lineno) and any(
                        link.heading and link.heading.startswith("^") for link in found):
                scan.items.append(ItemLine(lineno, shown))  # maybe a question asked (§13)
            if list_item:
                task = TASK_RE.match(line)
                if task:
                    made = _task(rel_path, task, lineno, diags)
                    if commented:  # the blanks a comment left are no part of the task
                        made = made._replace(text=" ".join(made.text.split()))
                    scan.tasks.append(made)

    if fence is not None:
        # Markdown lets a fence run to the end of the note, but it is nearly always a slip, it
        # hides every link and task after it, and fill cannot append a block after it.
        fence_text = fence[0] * fence[1]
        diags.append(Diagnostic(
            rel_path, fence[2], "warning", "unclosed-fence",
            f"the code fence opened here ({fence_text}) is never closed: the rest of the note "
            f"is code (no links, tasks or headings) and fill cannot add a block after it; "
            f"close it with a {fence_text} line",
        ))
    if in_obsidian_comment:
        # As in Obsidian, the comment runs to the end of the note: all of it stays off the
        # site. Said, because it is nearly always a forgotten "%%".
        diags.append(Diagnostic(
            rel_path, comment_line, "warning", "unclosed-comment",
            "the %% comment opened here is never closed: the rest of the note is a comment "
            "(no links, tasks or tags, never published) and fill cannot add a block after it; "
            "close it with %%",
        ))
    # (`in_raw_html` too, though a marker line ends such a block: only the plain case is
    # claimed; everything else is checked the long way.)
    scan.ends_plain = (fence is None and not in_raw_html and not in_comment
                       and not in_obsidian_comment and open_block is None)
    if open_block is not None:
        diags.append(Diagnostic(rel_path, open_block[1], "error", "bad-block",
                                f"block '{open_block[0]}' is opened here but never closed "
                                f"(add '<!-- /vault-tools:{open_block[0]} -->' after it)"))
    return scan


# --- the sentence around a link (what a "Linked from" entry quotes, §5) -------------------------

CONTEXT_CHARS = 160
_BLANK = ("", "\r")
# Where a sentence ends: its closing punctuation (and quotes or brackets after it), then blanks.
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’)\]*_]*\s+")
# The same, or at the end of the text: where a walk over a paragraph's lines may stop.
_SENTENCE_STOP_RE = re.compile(r"[.!?…][\"'”’)\]*_]*(?:\s|$)")


def _add_list_item(line: str, lineno: int, items: list[ListItem]) -> None:
    """Add the list item on `line` (comments already blanked out): its text after the marker
    (and a task's checkbox), blanks collapsed, and how deep it is indented."""
    marker = LIST_ITEM_RE.match(line)
    if marker is None:
        return
    text = line[marker.end():]
    checkbox = TASK_BOX_RE.match(text)
    if checkbox is not None:
        text = text[checkbox.end():]
    text = " ".join(text.split())
    if text:
        indent = len(line) - len(line.lstrip(" \t"))
        items.append(ListItem(text, lineno, indent))


def _add_log_item(
    rel_path: str, line: str, lineno: int, scan: _BodyScan, diags: list[Diagnostic]
) -> None:
    """Add the list item on `line` (comments already blanked out) to the log when it starts
    with a date; a date that is no day of the calendar is reported and the item not counted."""
    match = LOG_ITEM_RE.match(line)
    if match is None:
        return
    written = match.group(1) or match.group(3)
    try:
        day = dt.date.fromisoformat(written)
    except ValueError:
        diags.append(Diagnostic(rel_path, lineno, "warning", "bad-date",
                                f"log item: {written!r} is not a real date, so this item is "
                                "not counted as an interaction; write YYYY-MM-DD"))
        return
    rest = match.group(4).strip()
    kind_match = LOG_KIND_RE.match(rest)
    kind = None
    if kind_match is not None:
        kind, rest = kind_match.group(1).lower(), rest[kind_match.end():]
    scan.log.append(LogItem(day, kind, " ".join(rest.split()) if "  " in rest else rest, lineno))


# --- an interview's candidate insights (§13) ---------------------------------------------------

# What goes between a list item's text and a nested item's: nothing more after punctuation.
_JOINED_ENDS = (".", ":", ";", "!", "?", ",", "…")


def insights_from_lines(
    units: Iterable[tuple[int, str, bool, bool]], headings: Sequence[Heading],
    tags: Iterable[InlineTag],
) -> tuple[Insight, ...]:
    """An interview's list items and paragraphs (`Insight`, what `Note.insights` holds), from
    the content lines the body pass kept (`Note.insight_lines`), its headings and tags.

    A top-level item takes its continuation lines and nested items (joined by "; "); a
    paragraph its following lines; a heading, a blank line or anything skipped (code, a
    comment, a block) ends a paragraph, and a heading or an unindented line after a blank ends
    an item. Tasks are none; a unit before the first heading counts only as a tagged item.
    """
    tags_by_line: dict[int, list[str]] = {}
    for tag in tags:
        tags_by_line.setdefault(tag.line - 1, []).append(tag.name)
    found: list[Insight] = []
    heading_lines = [(heading.line - 1, heading.text) for heading in headings]
    next_heading = 0
    next_at = heading_lines[0][0] if heading_lines else -1
    section: str | None = None
    # The unit being read: its first and last line index, its texts, item or not, task or not.
    first = last = -2
    texts: list[str] = []
    item = task = False

    for index, raw, list_item, indented in units:
        if 0 <= next_at <= index:  # a heading since the last line: it ends the unit
            _close(found, section, first, last, texts, item, task, tags_by_line)
            texts = []
            while next_at <= index:
                section = heading_lines[next_heading][1]
                next_heading += 1
                next_at = (heading_lines[next_heading][0] if next_heading < len(heading_lines)
                           else -1)
                if next_at < 0:
                    break
        text = raw.strip()
        if texts and item and (indented or index == last + 1) \
                and not (list_item and not indented):
            if list_item:  # a nested item
                text = LIST_ITEM_RE.sub("", text, count=1).strip()
                if not texts[-1].endswith(_JOINED_ENDS):
                    texts[-1] += ";"
            texts.append(text)
            last = index
        elif texts and not item and not list_item and index == last + 1:
            texts.append(text)
            last = index
        else:
            _close(found, section, first, last, texts, item, task, tags_by_line)
            first = last = index
            item = list_item
            task = list_item and TASK_RE.match(raw) is not None
            texts = [LIST_ITEM_RE.sub("", text, count=1).strip() if list_item else text]
    _close(found, section, first, last, texts, item, task, tags_by_line)
    return tuple(found)


def _close(
    found: list[Insight], section: str | None, first: int, last: int, texts: list[str],
    item: bool, task: bool, tags_by_line: dict[int, list[str]],
) -> None:
    """Add the unit read to `found`, unless it is a task, has no words, or stands before the
    first heading without being a tagged list item."""
    if not texts or task:
        return
    text = " ".join(" ".join(texts).split())
    if not text.strip("-=*_ #"):
        return
    names: tuple[str, ...] = ()
    if tags_by_line:
        # Every line from its first to its last is the unit's or holds no tag (a blank line,
        # code, a comment): the tags on those lines are its own.
        names = tuple(dict.fromkeys(
            name for line in range(first, last + 1) for name in tags_by_line.get(line, ())))
    if section is None and not (item and names):
        return
    found.append(Insight(section, names, text, first + 1, item))


def _breaks_unit(stripped: str) -> bool:
    """True for a line that belongs to no paragraph around it: blank, a heading, a fence, a
    quote or table row, a block marker or HTML comment, a thematic break, a comment."""
    return (not stripped or stripped[0] in "#`~<>|" or "%%" in stripped or "-->" in stripped
            or not stripped.strip("-=*_ "))


def _with_contexts(
    found: list[Link], lines: list[str], index: int, first: int, shown: str, list_item: bool,
    opened: bool, open_after: bool, memo: dict[int, tuple[str, bool, bool]],
) -> list[Link]:
    """The links of one line, each with the sentence or list item around it as its context.

    `shown` is the line as read (comments blanked); `opened`: a comment was cut out of this
    line, or it starts its paragraph (no walk back); `open_after`: a comment is still open at
    its end, or it ends its paragraph (no walk forward). A paragraph is read across its
    lines, but never into a line that holds or may be inside a comment. `memo` keeps what was
    learnt of each neighbouring line (see _neighbour) for the next link line of the paragraph.
    Linear: each line is looked at once, a walk reads a few lines of bounded length each way,
    and each link a bounded part of what they hold.
    """
    line = shown.strip()
    indent = len(shown) - len(shown.lstrip())
    # Each way: up to the start (end) of the sentence, the item or the paragraph, and no
    # further than a quote could reach.
    before: list[str] = []
    item = list_item
    if not list_item and not opened:
        budget = CONTEXT_CHARS
        at = index - 1
        while at >= first and budget > 0 and len(before) < _WALK_LINES:
            text, is_item, stops = memo.get(at) or _neighbour(lines, at, memo)
            if text is None:
                break
            before.append(text)
            budget -= len(text)
            if is_item:
                item = True  # the list item this line continues
                break
            at -= 1
    after: list[str] = []
    if not open_after and (
        item or not _SENTENCE_STOP_RE.search(line, _last_link_end(found, indent))
    ):
        budget = CONTEXT_CHARS
        at = index + 1
        while at < len(lines) and budget > 0 and len(after) < _WALK_LINES:
            text, is_item, stops = memo.get(at) or _neighbour(lines, at, memo)
            if text is None or is_item:
                break
            after.append(text)
            budget -= len(text)
            if stops and not item:
                break  # the sentence ends on this line
            at += 1
    if before or after:
        head = " ".join(reversed(before))
        unit = " ".join(part for part in (head, line, " ".join(after)) if part)
    else:
        head, unit = "", line
    if len(unit) <= CONTEXT_CHARS and (item or _SENTENCE_END_RE.search(unit) is None):
        if unit == line:
            return found  # the line is the whole paragraph or item
        return [_relinked(link, unit) for link in found]
    shift = (len(head) + 1 if head else 0) - indent
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(unit)]
    out = []
    for link in found:
        start = link.col - 1 + shift
        match = (WIKILINK_RE if link.kind == "wiki" else MDLINK_RE).match(
            unit, start + 1 if link.embed else start)
        end = match.end() if match is not None else start + 1
        out.append(_relinked(link, _snippet(unit, start, end, ends)))
    return out


_WALK_LINES = 4


def _neighbour(
    lines: list[str], at: int, memo: dict[int, tuple[str, bool, bool]]
) -> tuple[str | None, bool, bool]:
    """What a context walk needs of line `at`: its text (None when it belongs to no paragraph
    around it), whether it starts a list item, whether a sentence ends on it."""
    text = lines[at].strip()
    if _breaks_unit(text):
        found: tuple[str | None, bool, bool] = (None, False, False)
    else:
        found = (text, LIST_ITEM_RE.match(lines[at]) is not None,
                 _SENTENCE_STOP_RE.search(text) is not None)
    memo[at] = found  # type: ignore[assignment]
    return found


def _relinked(link: Link, context: str) -> Link:
    # Positional: a named tuple is built faster so than by _replace.
    return Link(link.target, link.line, link.col, link.heading, link.label, link.embed,
                link.field, link.kind, context)


def _last_link_end(found: list[Link], indent: int) -> int:
    """Where, in the stripped line, the sentence of its last link may end at the earliest."""
    return max(found[-1].col - 1 - indent, 0)


def _snippet(unit: str, start: int, end: int, ends: list[int]) -> str:
    """The sentence of `unit` that holds unit[start:end], cut to about CONTEXT_CHARS around it
    (at blanks, never inside another link), with "…" where it was cut."""
    at = bisect.bisect_right(ends, start)
    low = ends[at - 1] if at else 0
    high = len(unit)
    while at < len(ends) and ends[at] <= end:
        at += 1
    if at < len(ends):
        high = ends[at]
    room = CONTEXT_CHARS - (end - start)
    left = max(low, start - max(room // 2, room - (high - end)))
    right = min(high, end + max(room - (start - left), 0))
    if left > low:
        blank = unit.find(" ", left, start)
        left = blank + 1 if blank >= 0 else start
        closing, opening = unit.find("]]", left, start), unit.find("[[", left, start)
        if closing >= 0 and (opening < 0 or closing < opening):
            left = closing + 2  # the cut fell inside a link: start after it
    if right < high:
        blank = unit.rfind(" ", end, right)
        right = blank if blank >= 0 else end
        opening, closing = unit.rfind("[[", end, right), unit.rfind("]]", end, right)
        if opening > closing:
            right = opening  # the cut fell inside a link: stop before it
    text = unit[left:right].strip()
    return ("…" if left > low else "") + text + ("…" if right < high else "")


def _heading(line: str, lineno: int) -> Heading | None:
    """The ATX heading on a line, as HEADING_RE reads it, or None.

    HEADING_RE's text is the shortest that leaves only an optional closing sequence (blanks,
    then #s) and trailing blanks: so, after the trailing blanks are cut, the final run of #s
    goes too when blanks stand before it, together with those blanks.
    """
    read = _HEADINGS.get(line)
    if read is None:
        opening = HEADING_OPEN_RE.match(line)
        if opening is None:
            return None
        text = line[opening.end():].rstrip(" \t")
        unclosed = text.rstrip("#")
        if len(unclosed) < len(text) and unclosed[-1:] in (" ", "\t"):
            text = unclosed.rstrip(" \t")
        read = (len(opening.group(1)), _intern(text.strip()))
        if len(_HEADINGS) < _HEADINGS_KEPT and len(line) <= _HEADING_KEPT_LENGTH:
            _HEADINGS[line] = read
    return _new_tuple(Heading, (*read, lineno))


# The level and text of each heading line already read: most notes repeat the same few
# (`## Notes`, `## Log`), so each is read once. Bounded, and only short lines are kept.
_HEADINGS: dict[str, tuple[int, str]] = {}
_HEADINGS_KEPT = 4096
_HEADING_KEPT_LENGTH = 160


def _shown(text: str) -> str:
    """A heading's text as a page shows it: a code span's content without its backticks."""
    if "`" not in text:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end, width in _code_spans(text):
        pieces += (text[pos:start], text[start + width:end - width])
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _code_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, backticks) of each code span of a line, as CommonMark reads them: a run of
    backticks opens a span that the next run of the same length closes; a run that nothing
    closes is plain text.

    Linear: each run is looked at once, and the search for a closing run of each length only
    moves forward (a regular expression retries every unclosed run against the rest of the
    line).
    """
    if "``" not in text:  # single backticks only (nearly always): they pair up in order
        ticks = [m.start() for m in _TICK_RUN_RE.finditer(text)]
        return [(ticks[k], ticks[k + 1] + 1, 1) for k in range(0, len(ticks) - 1, 2)]
    runs = [(m.start(), m.end()) for m in _TICK_RUN_RE.finditer(text)]
    by_width: dict[int, list[int]] = {}
    for number, (start, end) in enumerate(runs):
        by_width.setdefault(end - start, []).append(number)
    next_of_width = dict.fromkeys(by_width, 0)  # index into by_width[w]: no closer before it
    spans = []
    number = 0
    while number < len(runs):
        start, end = runs[number]
        width = end - start
        same, at = by_width[width], next_of_width[width]
        while at < len(same) and same[at] <= number:
            at += 1
        next_of_width[width] = at
        if at < len(same):
            closer = same[at]
            spans.append((start, runs[closer][1], width))
            number = closer + 1
        else:
            number += 1
    return spans


def _blank_code_spans(text: str) -> str:
    """The line with each code span (backticks included) replaced by as many spaces."""
    pieces: list[str] = []
    pos = 0
    for start, end, _ in _code_spans(text):
        pieces += (text[pos:start], " " * (end - start))
        pos = end
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


# For a module quoting a line, to find what is code in it as the parser does (blocks.py).
blank_code_spans = _blank_code_spans


def _marker(
    rel_path: str, marker: re.Match[str], lineno: int, offset: int, line_start: int,
    open_block: tuple[str, int, int] | None, seen_blocks: set[str], scan: _BodyScan,
    diags: list[Diagnostic],
) -> tuple[str, int, int] | None:
    """Handle one block marker line; return the block left open after it (or None)."""
    closing, name = marker.group(1) == "/", marker.group(2)
    if not closing:
        if open_block is not None:
            diags.append(Diagnostic(
                rel_path, lineno, "error", "bad-block",
                f"block '{name}' opens inside block '{open_block[0]}' "
                f"(opened on line {open_block[1]}), which is not closed"))
        elif name in seen_blocks:
            diags.append(Diagnostic(rel_path, lineno, "error", "bad-block",
                                    f"block '{name}' appears twice; delete one copy"))
        return (name, lineno, offset)
    if open_block is None or open_block[0] != name:
        diags.append(Diagnostic(rel_path, lineno, "error", "bad-block",
                                f"closing marker for block '{name}' has no opening marker"))
        return open_block
    if name not in seen_blocks:
        scan.blocks.append(Block(name, open_block[1], lineno, open_block[2], line_start))
    seen_blocks.add(name)
    return None


def _strip_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """Remove HTML comments from a line, carrying an unclosed comment over to the next line."""
    if in_comment:
        end = line.find("-->")
        if end < 0:
            return "", True
        line = line[end + 3:]
    if "<!--" not in line:
        return line, False
    # By index, each comment's end searched once from its start: "<!--.*?-->" searched
    # through the line rescans the rest of it from every unclosed "<!--".
    pieces, pos = [], 0
    while (start := line.find("<!--", pos)) >= 0:
        pieces.append(line[pos:start])
        end = line.find("-->", start + 4)
        if end < 0:
            return "".join(pieces), True
        pieces.append(" " * (end + 3 - start))
        pos = end + 3
    pieces.append(line[pos:])
    return "".join(pieces), False


def _inline_tags(visible: str, line: int) -> list[InlineTag]:
    """The inline `#tags` of a line whose code spans and comments are blanked out; none inside
    a link (`[[Note#Heading]]`, `[[Note|see #this]]`, `[see #this](x.md)`) or an HTML tag
    (`<span title="a #b">`), where the site could not make one a link."""
    if "[[" in visible:
        visible = WIKILINK_RE.sub(_blank, visible)
    if "](" in visible:
        pieces: list[str] = []
        pos = 0
        for match in _md_links(visible):
            pieces += (visible[pos:match.start], " " * (match.end - match.start))
            pos = match.end
        visible = "".join(pieces) + visible[pos:]
    if "<" in visible:
        visible = _HTML_TAG_RE.sub(_blank, visible)
    return [InlineTag(name, line, start + 1, end - start)
            for name, start, end in inline_tags(visible)]


_HTML_TAG_RE = re.compile(r"<[A-Za-z/!?][^<>]*>")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


_BLOCK_ID_RE = re.compile(r"[A-Za-z0-9-]+")


def block_id(line: str) -> str | None:
    """The id of Obsidian's block marker ending a line (`text ^id`, or `^id` alone on the line
    after a list or table), or None. Ids are letters, digits and dashes."""
    text = line.rstrip()
    at = text.rfind("^")
    if at < 0 or (at > 0 and text[at - 1] not in " \t"):
        return None
    ident = text[at + 1:]
    return ident if ident and _BLOCK_ID_RE.fullmatch(ident) else None


def _add_block_id(line: str, lineno: int, scan: _BodyScan) -> None:
    ident = block_id(line)
    if ident is not None:
        scan.block_ids.append((ident, lineno))


# `name[-3:].lower() == ".md"`, without the two copies (no other character lower-cases to
# ".", "m" or "d").
_MD_SUFFIXES = (".md", ".mD", ".Md", ".MD")

# The names a vault repeats are kept once (`sys.intern`: equal strings, one object): the same
# few thousand link targets, labels and headings, and the same headings (`## Advice`) stand in
# every note. At 20,000 notes, 232,257 link targets were 15.8 MB of strings, 2.0 MB of them
# distinct. Interned strings are freed as usual once nothing holds them.
_intern = sys.intern


def _wikilinks(text: str, line: int, context: str) -> list[Link]:
    """Every `[[...]]` link of one body line, in column order.

    The hot path of the body scan (one call per link-bearing line, ~40,000 at 5,000 notes).
    """
    links = []
    for match in WIKILINK_RE.finditer(text):
        inner = match.group(1)
        if "#" not in inner and "|" not in inner and "\\" not in inner:
            # The common plain [[Name]]: what _link_parts gives, without the call.
            target = inner.strip()
            if target.endswith(_MD_SUFFIXES):
                target = target[:-3]
            if not target:
                continue  # [[ ]] and [[.md]]: no link
            heading = label = None
        else:
            parts = _link_parts(inner)
            if parts is None:
                # `[[#Heading]]`, `[[#^id]]`: a link within the note (target "").
                _, heading, label = _split_wikilink(inner)
                if heading is None:
                    continue
                target = ""
            else:
                target, heading, label = parts
            heading = heading and _intern(heading)
            label = label and _intern(label)
        start = match.start()
        if start and text[start - 1] == "!":  # an embed: its column is the "!"'s (1-based)
            embed, col = True, start
        else:
            embed, col = False, start + 1
        links.append(_new_tuple(Link, (_intern(target), line, col, heading, label, embed, None,
                                      "wiki", context)))
    return links


def _column(link: Link) -> int:
    return link.col


class _MdMatch(NamedTuple):
    """A Markdown link found by _md_links: where it starts and ends, its text and its URL
    (MDLINK_RE's start, end, group 1 and group 2)."""

    start: int
    end: int
    label: str
    url: str


def _md_links(text: str) -> list[_MdMatch]:
    """What MDLINK_RE.finditer finds in one line (no "\n" in it), in linear time.

    The pattern's parts are matched by hand, each at most once per place: the link text is
    what lies between a "[" and the first "]" after it, so of all the "["s before one "]("
    only the first can start a link, and if what follows that "](" is no link destination,
    none can. Destinations start at increasing positions, so the search for the ">" of
    `<...>` and for the end of a bare URL is kept and reused until a destination starts past
    what it found; what may follow a destination (a title, blanks, the ")") is worked out once
    per place (`closings`).
    """
    found: list[_MdMatch] = []
    bracket = text.find("](")
    if bracket < 0:
        return found
    size = len(text)
    pos = 0
    angle_from = angle_at = stop_from = stop_at = -1  # the last searches and what they found
    closings: dict[int, int] = {}
    while bracket >= 0:
        look = bracket + 1
        opening = text.find("[", max(pos, text.rfind("]", pos, bracket) + 1), bracket)
        url = bracket + 2
        if opening >= 0 and url < size:
            if text[url].isspace():
                url = _SPACE_RUN_RE.match(text, url).end()  # type: ignore[union-attr]
            end = url_end = -1
            char = text[url] if url < size else ")"
            if char == "<":
                if not angle_from <= url + 1 <= angle_at:
                    angle_from = url + 1
                    angle_at = text.find(">", angle_from)
                    angle_at = size if angle_at < 0 else angle_at
                if url + 1 < angle_at < size:
                    url_end = angle_at + 1
                    end = _closing(text, url_end, size, closings)
            if end < 0 and char != ")":
                if not stop_from <= url <= stop_at:
                    stop_from = url
                    stop = _URL_STOP_RE.search(text, url)
                    stop_at = stop.start() if stop else size
                url_end = stop_at
                end = _closing(text, url_end, size, closings)
            if end >= 0:
                found.append(_MdMatch(opening, end, text[opening + 1:bracket], text[url:url_end]))
                pos = look = end
        bracket = text.find("](", look)
    return found


def _closing(text: str, at: int, size: int, closings: dict[int, int]) -> int:
    r"""Where `(?:\s+"[^"]*")?\s*\)` matched at `at` ends, or -1 (remembered in `closings`)."""
    end = closings.get(at)
    if end is not None:
        return end
    end = -1
    blank = at
    if blank < size and text[blank].isspace():
        blank = _SPACE_RUN_RE.match(text, blank).end()  # type: ignore[union-attr]
    if blank > at and blank < size and text[blank] == '"':
        quote = text.find('"', blank + 1)
        if quote >= 0:
            after = quote + 1
            if after < size and text[after].isspace():
                after = _SPACE_RUN_RE.match(text, after).end()  # type: ignore[union-attr]
            if after < size and text[after] == ")":
                end = after + 1
    if end < 0 and blank < size and text[blank] == ")":
        end = blank + 1
    closings[at] = end
    return end


def _mdlink(
    match: _MdMatch, text: str, rel_path: str, line: int, context: str
) -> Link | None:
    url = match.url.strip("<>")
    if "://" in url or url.startswith(("mailto:", "#", "/")):
        return None
    path, _, heading = url.partition("#")
    path = unquote(path)
    note = path.lower().endswith(".md")
    # An image or other attachment (`![](Pasted%20image.png)`) is a link too: Obsidian finds
    # it beside the note, from the notes folder or by its name anywhere, as it finds a note.
    if not note and not is_asset_target(path):
        return None
    folder = rel_path.rpartition("/")[0]
    joined = posixpath.normpath(posixpath.join(folder, path))
    embed = match.start > 0 and text[match.start - 1] == "!"
    return Link(target=_intern(joined[:-3] if note else joined), line=line,
                col=match.start if embed else match.start + 1,
                heading=unquote(heading) or None, label=match.label or None,
                embed=embed, kind="markdown", context=context)


def _task(rel_path: str, match: re.Match[str], line: int, diags: list[Diagnostic]) -> Task:
    status, text = match.group(1), match.group(2).strip()
    if status not in TASK_STATUSES:
        diags.append(Diagnostic(
            rel_path, line, "warning", "task-status",
            f"task status [{status}] is not one vault-tools knows: read as an open task; "
            "write [ ] for open, [x] for done or [-] for cancelled"))
    read = read_task_text(text)
    for problem in read.problems:
        diags.append(Diagnostic(rel_path, line, "error", "bad-date", problem))
    return _new_tuple(Task, (text, line, status in "xX-", read.due, read.shown_from))


# --- a task's text, as the Tasks plugin and Dataview write it (§10) ----------------------------

# The statuses read without a warning: open, done, cancelled (cancelled counts as done).
TASK_STATUSES = " xX-"

# The Tasks plugin's date signs and what each date is (the plugin accepts the second spellings
# too). `due:` is this tool's own older spelling.
_DATE_SIGNS = {
    "📅": "due", "📆": "due", "🗓": "due", "due:": "due",
    "⏳": "scheduled", "⌛": "scheduled", "🛫": "start",
    "➕": "created", "✅": "done", "❌": "cancelled",
}
# After these, anything is read as a date (and reported when it is not one); after the other
# signs only a word that starts with a digit is, so "✅ booked" or "⏳ waiting" stays prose.
_ALWAYS_A_DATE = frozenset({"📅", "📆", "🗓", "due:"})
_PRIORITY_SIGNS = "🔺⏫🔼🔽⏬"
_ALL_SIGNS = "".join(sign for sign in _DATE_SIGNS if len(sign) == 1) + _PRIORITY_SIGNS + "🔁"
# The signs as other modules read them (the site shows each as words: `site/task_signs.py`);
# the priorities from the highest to the lowest.
TASK_DATE_SIGNS: dict[str, str] = dict(_DATE_SIGNS)
TASK_PRIORITY_SIGNS = _PRIORITY_SIGNS
TASK_RECURRENCE_SIGN = "🔁"
_TASK_SIGN_RE = re.compile(
    # A date sign and its date: an ISO date that ends where a word does, else the next word
    # (up to a blank or another sign), which is then reported as not a date.
    # (A variation selector may follow a sign: U+FE0F draws it as an emoji, U+FE0E as text.)
    r"(?P<sign>[📅📆🗓⏳⌛🛫➕✅❌]|\bdue:(?!:))[\ufe0e\ufe0f]?\s*"
    rf"(?P<value>\d{{4}}-\d{{2}}-\d{{2}}(?![\w-])|[^\s{_ALL_SIGNS}]+)"
    # A priority, or a recurrence with its rule ("🔁 every 2 weeks when done"): its words up to
    # a sign, or a word with a colon (`due:2026-12-05`).
    rf"|[{_PRIORITY_SIGNS}][\ufe0e\ufe0f]?"
    r"|🔁[\ufe0e\ufe0f]?(?:[ \t]*[A-Za-z0-9,!]+(?![A-Za-z0-9,!:]))*"
)
# What every sign, field and block id read below holds: a task without any is only its text.
_MAY_HOLD_SIGN_RE = re.compile(rf"[{_ALL_SIGNS}^]|due:|::")
# Dataview's inline fields, `[key:: value]` and `(key:: value)`: the opening bracket and the key
# (no bracket or colon in it, so the keys tried from different brackets never overlap: linear).
_FIELD_RE = re.compile(r"[\[(]([^\[\]():]*)::")
_BRACKET_RE = re.compile(r"[\[\]()]")
# The Tasks plugin's Dataview keys for dates, and what each date is.
_DATE_FIELDS = {
    "due": "due", "scheduled": "scheduled", "start": "start",
    "created": "created", "completion": "done", "cancelled": "cancelled",
}


class TaskText(NamedTuple):
    """What a task's text says. `title` is the text without the signs and fields read (dates,
    priority, recurrence, `[key:: value]`), blanks between words made single; a date that does
    not parse stays in it, so the reader sees why the task has no date. `due` is the first due
    date written, else the scheduled date, else the start date; `shown_from` is the later of
    the scheduled and start dates (the task is hidden before it). `problems` are the messages
    of the dates that do not parse."""

    title: str
    due: dt.date | None = None
    shown_from: dt.date | None = None
    problems: tuple[str, ...] = ()


def read_task_text(text: str) -> TaskText:
    """Read a task's text (after its checkbox) as the Tasks plugin writes it, with its emoji
    signs (`📅 2026-12-05`, `⏳`, `🛫`, `➕`, `✅`, `❌`, `🔺⏫🔼🔽⏬`, `🔁 every week`) or
    Dataview's fields (`[due:: 2026-12-05]`, `(scheduled:: …)`, any `[key:: value]`), and
    `due:2026-12-05`.
    Where a date is written twice, the first counts. A block id ending the task (` ^id`, what
    a `[[Note#^id]]` reaches) is no part of its title either: Obsidian does not show it.
    Pure; linear in the length of `text`."""
    # The common dated task first: a text it reads holds a sign, so the glance below would
    # have sent it there too.
    dated = _due_at_end(text)
    if dated is not None:
        return dated
    if not _may_hold_sign(text):
        return TaskText(text)  # no sign, field or block id: most tasks, read at a glance
    return _read_signs(text)


def _may_hold_sign(text: str) -> bool:
    """Whether `text` holds what _MAY_HOLD_SIGN_RE finds. Every sign is outside ASCII, so an
    ASCII text (most task titles) is asked with three substring tests, a tenth of the search."""
    if text.isascii():
        return "^" in text or "::" in text or "due:" in text
    return _MAY_HOLD_SIGN_RE.search(text) is not None


def _due_at_end(text: str) -> TaskText | None:
    """The common dated task, `Call Jane 📅 2026-12-05` or `… due:2026-12-05`: a due date (ASCII
    digits, a real day) ending the text, and no other sign, field or block id before it. What
    _read_signs makes of it, without its patterns; None for any other text (tests compare the
    two: tests/test_parse_fastpaths.py)."""
    day = text[-10:]
    if text[-11:-10] == " " and text[-12:-11] == "📅":
        start = len(text) - 12
    elif text[-14:-10] == "due:" and text[-15:-14] == " ":
        start = len(text) - 14
    else:
        return None
    if not (day[4] == "-" == day[7] and day.isascii() and (day[:4] + day[5:7] + day[8:]).isdigit()):
        return None
    prefix = text[:start]
    if _may_hold_sign(prefix):
        return None
    try:
        due = dt.date.fromisoformat(day)
    except ValueError:
        return None  # the general reading reports it
    if "  " in prefix or not prefix.isprintable():
        title = _BLANK_RUN_RE.sub(" ", prefix + " ").strip()
    else:  # its only blank is " ", never two in a row: nothing to make single
        title = prefix.strip()
    return _new_tuple(TaskText, (title, due, None, ()))


def _read_signs(text: str) -> TaskText:
    """read_task_text's general reading: every sign, field and block id of `text`."""
    if "^" in text:
        ident = block_id(text)
        if ident is not None:
            text = text.rstrip()[:-len(ident) - 1].rstrip()
    fields = _inline_fields(text) if "::" in text else []
    # (start, end, what the date is or None for a sign without one, the date as written, sign)
    found: list[tuple[int, int, str | None, str, str]] = [
        (start, end, _DATE_FIELDS.get(key), value, f"[{key}::]")
        for start, end, key, value in fields
    ]
    inside = 0  # the first field that does not end before the sign looked at
    for match in _TASK_SIGN_RE.finditer(text):
        start = match.start()
        while inside < len(fields) and fields[inside][1] <= start:
            inside += 1
        if inside < len(fields) and fields[inside][0] <= start:
            continue  # part of a field's value: the field is read whole
        sign = match.group("sign")
        if sign is None:
            found.append((start, match.end(), None, "", match.group()))
            continue
        value = match.group("value")
        if sign not in _ALWAYS_A_DATE and not value[:1].isdigit():
            continue
        found.append((start, match.end(), _DATE_SIGNS[sign], value, sign))
    if not found:
        return TaskText(text)
    found.sort()
    dates: dict[str, dt.date] = {}
    problems: list[str] = []
    cuts: list[tuple[int, int]] = []
    for start, end, kind, value, sign in found:
        if kind is not None:
            bad: list[str] = []
            day = parse_date(value, bad.append)
            if day is None:
                problems.append(f"task {_DATE_WORDS[kind]} ({sign}): {bad[0]}")
                continue  # stays in the title
            dates.setdefault(kind, day)
        cuts.append((start, end))
    title = _cut(text, cuts)
    scheduled, begins = dates.get("scheduled"), dates.get("start")
    hidden = [day for day in (scheduled, begins) if day is not None]
    return TaskText(title, dates.get("due") or scheduled or begins,
                    max(hidden) if hidden else None, tuple(problems))


_DATE_WORDS = {"due": "due date", "scheduled": "scheduled date", "start": "start date",
               "created": "created date", "done": "done date", "cancelled": "cancelled date"}
_BLANK_RUN_RE = re.compile(r"\s{2,}")


def _cut(text: str, cuts: list[tuple[int, int]]) -> str:
    """`text` with each span in `cuts` (sorted by start) replaced by a blank, so the words on
    either side never join, and runs of blanks made one."""
    if not cuts:
        return text
    pieces, at = [], 0
    for start, end in cuts:
        if end <= at:
            continue
        pieces.append(text[at:max(start, at)])
        at = end
    pieces.append(text[at:])
    return _BLANK_RUN_RE.sub(" ", " ".join(pieces)).strip()


def _inline_fields(text: str) -> list[tuple[int, int, str, str]]:
    """Dataview's inline fields in `text`: (start, end, key in lower case, value), the
    outermost only, in order. A field's bracket closes at its matching bracket, so a value may
    hold a link (`[with:: [[Jane Doe]]]`). Linear in the length of `text`."""
    closes: dict[int, int] = {}
    stacks: dict[str, list[int]] = {"[": [], "(": []}
    for bracket in _BRACKET_RE.finditer(text):
        char, at = bracket.group(), bracket.start()
        if char in "[(":
            stacks[char].append(at)
        else:
            stack = stacks["[" if char == "]" else "("]
            if stack:
                closes[stack.pop()] = at
    out: list[tuple[int, int, str, str]] = []
    taken = 0  # where the last field ended: a field inside it is part of its value
    for start in sorted(closes):
        if start < taken:
            continue
        match = _FIELD_RE.match(text, start)
        if match is None or not match.group(1).strip():
            continue
        close = closes[start]
        if text[start] == "[" and text[start - 1:start] == "[" and text[close + 1:close + 2] == "]":
            continue  # the inside of a wikilink, [[...]]
        key, value = match.group(1).strip().lower(), text[match.end():close].strip()
        out.append((start, close + 1, key, value))
        taken = close + 1
    return out
