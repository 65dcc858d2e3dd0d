"""What `rename` does to one note's text: each link that reaches the renamed note rewritten in its
own style, where the parser found it (a wikilink's target, a Markdown link's URL, a front-matter
value edited as text at its place, its quoting kept), and the old name added as an alias in the
shape `aliases` already has. Pure text work on one note at a time; which notes to change, and
checking the result, is `rename.py`'s.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from ..index import Resolution, VaultIndex, fold, strip_md
from ..notes import Link, Note
from ..parse import BOM, KEY_LINE_RE, MDLINK_RE, WIKILINK_RE, split_lines
from ..wikilinks import (
    closes_front_matter,
    opens_front_matter,
)


class RenameError(ValueError):
    """The rename cannot be done as asked; the message says why. Nothing was written."""


# --- rewriting one link --------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """The rename as the rewriting of a target needs it."""

    old_path: str
    new_path: str

    @property
    def old_stem(self) -> str:
        return strip_md(self.old_path).rpartition("/")[2]

    @property
    def new_stem(self) -> str:
        return strip_md(self.new_path).rpartition("/")[2]

    @property
    def same_folder(self) -> bool:
        return posixpath.dirname(self.old_path) == posixpath.dirname(self.new_path)


def _relative(path: str, folder: str) -> str:
    return posixpath.relpath(path, folder or ".")


def _new_wiki_target(written: str, move: Move, source_folder: str) -> str:
    """A wikilink's target as written (blanks trimmed), for the renamed note: a name stays a
    name, a path a path (relative stays relative), `.md` kept."""
    suffix = written[-3:] if written[-3:].lower() == ".md" else ""
    core = written[:len(written) - len(suffix)]
    if "/" not in core:
        return move.new_stem + suffix
    if core.startswith(("./", "../")):
        rel = _relative(strip_md(move.new_path), source_folder)
        return (rel if rel.startswith("../") else "./" + rel) + suffix
    if move.same_folder:
        return core.rpartition("/")[0] + "/" + move.new_stem + suffix
    lead = "/" if core.startswith("/") else ""
    return lead + strip_md(move.new_path) + suffix


def _url_path(path: str, encoded: bool) -> str:
    """A path as a Markdown link's URL writes it: percent-encoded when the link was (as
    Obsidian writes them), else only what would end the URL early. Parentheses are always
    encoded: CommonMark (Obsidian, the site) takes a URL's parentheses only balanced, so a raw
    one in a name (`Jane (Acme`) would end the link or keep it from being one."""
    if encoded:
        return quote(path, safe="/!$&'*+,;=:@~")
    return "".join(quote(char) if char.isspace() or char in "%()<>" else char for char in path)


def _new_markdown_path(written: str, joined: str, move: Move, source_folder: str) -> str:
    """A Markdown link's path (decoded) for the renamed note. `joined` is the path the parser
    made of it (relative to the note's folder)."""
    suffix = written[-3:] if written[-3:].lower() == ".md" else ".md"
    core = written[:-3] if written[-3:].lower() == ".md" else written
    if move.same_folder:
        head, slash, _ = core.rpartition("/")
        return head + slash + move.new_stem + suffix
    if fold(joined) == fold(strip_md(move.old_path)):  # written relative to the note
        return _relative(strip_md(move.new_path), source_folder) + suffix
    return strip_md(move.new_path) + suffix  # from the notes folder, or by its name


# --- finding a link's target in the text ---------------------------------------------------------


@dataclass
class _Edits:
    """Replacements in one text, by (start, end) offsets in the text without its BOM."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, start: int, end: int, text: str) -> None:
        self.spans.append((start, end, text))

    def apply(self, text: str) -> str:
        parts: list[str] = []
        done = 0
        for start, end, new in sorted(self.spans):
            if start < done:
                raise RenameError("two edits overlap")  # (a bug, never user input)
            parts += (text[done:start], new)
            done = end
        parts.append(text[done:])
        return "".join(parts)


def _wiki_target_span(line: str, col: int) -> tuple[int, int] | None:
    """The (start, end) in `line` of the target of the wikilink whose `[[` (or `![[`) starts at
    the 1-based column `col`, blanks around the target left out; None if no link is there."""
    start = col - 1
    if start < 0:
        return None
    match = WIKILINK_RE.match(line, start + 1 if line.startswith("!", start) else start)
    if match is None:
        return None
    return _target_in(match, line)


def _target_in(match: re.Match[str], line: str) -> tuple[int, int] | None:
    inner_start, inner_end = match.span(1)
    inner = line[inner_start:inner_end]
    cut = min((i for i in (inner.find("#"), inner.find("|")) if i >= 0), default=len(inner))
    raw = inner[:cut]
    if raw.endswith("\\"):  # a table's escaped `\|`
        raw = raw[:-1]
    lead = len(raw) - len(raw.lstrip())
    core = raw.strip()
    if not core:
        return None
    return inner_start + lead, inner_start + lead + len(core)


def _markdown_url_span(line: str, col: int) -> tuple[int, int, bool] | None:
    """The (start, end) of the path part of the URL of the Markdown link at column `col`, and
    whether the URL is written in angle brackets."""
    start = col - 1
    if start < 0:
        return None
    match = MDLINK_RE.match(line, start + 1 if line.startswith("!", start) else start)
    if match is None:
        return None
    url_start, url_end = match.span(2)
    angled = line.startswith("<", url_start)
    if angled:
        url_start, url_end = url_start + 1, url_end - 1
    hash_at = line.find("#", url_start, url_end)
    return url_start, hash_at if hash_at >= 0 else url_end, angled


# A bare name in front matter (`introduced_by: Jane Doe`, `- Jane Doe`, `[A, Jane Doe]`): where it
# may end (where it may begin: `_starts_scalar`).
_BARE_AFTER = re.compile(r"\s*(?:$|[,\]}\"']|\s#)")
# A scalar YAML reads as the same string when written plain.
_PLAIN_SCALAR = re.compile(r"[^\W\d_][\w .'&()/-]*[\w.)]|[^\W\d_]")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n"})


def _yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back unchanged, else double-quoted."""
    if _PLAIN_SCALAR.fullmatch(text) and text.lower() not in _YAML_WORDS and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _quoting(line: str, start: int) -> tuple[list[str | None], int]:
    """How YAML reads the value part of a front-matter line from `start`: for each position,
    the quote (`'` or `"`) of the scalar it stands in (None outside quotes), and where a
    comment begins (the line's length when there is none)."""
    quotes: list[str | None] = [None] * len(line)
    state: str | None = None
    at = start
    while at < len(line):
        char = line[at]
        if state is None:
            if char in "'\"" and (at == start or line[at - 1] in " \t[,{:-"):
                state = char  # an opening quote (itself in no scalar's text)
            elif char == "#" and (at == start or line[at - 1] in " \t"):
                return quotes, at
        elif (state == "'" and line.startswith("''", at)) or (state == '"' and char == "\\"):
            quotes[at:at + 2] = [state] * len(quotes[at:at + 2])  # an escape: two characters
            at += 2
            continue
        elif char == state:
            state = None
        else:
            quotes[at] = state
        at += 1
    return quotes, len(line)


def _in_quotes(text: str, quote: str | None, plain: bool) -> str:
    """`text` written inside a scalar quoted with `quote` (None: unquoted; `plain`: the text
    is the whole scalar, so quoted when YAML would misread it)."""
    if quote == "'":
        return text.replace("'", "''")
    if quote == '"':
        return json.dumps(text, ensure_ascii=False)[1:-1]
    return _yaml_scalar(text) if plain else text


def _as_read(written: str, quote: str | None) -> str:
    """What YAML reads for `written` inside a scalar quoted with `quote`."""
    if quote == "'":
        return written.replace("''", "'")
    if quote == '"' and "\\" in written:
        try:
            return str(json.loads(f'"{written}"'))
        except ValueError:
            return written
    return written


def _starts_scalar(line: str, value_from: int, at: int) -> bool:
    """Does a scalar of the front-matter value (from `value_from`) begin at `at`: the value's
    start, or a list's `[`, `,`, `- ` or an opening quote before it, blanks between? (In
    `[Mary Jane Doe, Jane Doe]` the first "Jane Doe" is the end of another name.)"""
    before = line[value_from:at].rstrip(" \t")
    if not before or before[-1] in "[{,:'\"":
        return True
    return before[-1] == "-" and not before[:-1].strip()


def _relative_wiki_target(written: str, elsewhere: str, source_folder: str) -> str:
    """A relative wikilink target (as written) to the note or file at `elsewhere`, written
    again from `source_folder` (the moved note's new folder), `.md` kept."""
    rel = _relative(elsewhere, source_folder)
    suffix = written[-3:] if written[-3:].lower() == ".md" else ""
    return (rel if rel.startswith("../") else "./" + rel) + suffix


def _front_matter_edits(lines: list[str], starts: list[int], links: list[Link], move: Move,
                        source_folder: str, close: int, edits: _Edits,
                        elsewhere: Mapping[str, str] | None = None) -> int:
    """Rewrite the front-matter links in `links` (resolving to the renamed note, or, those
    whose target is in `elsewhere`, the moved note's relative links to that path) where they
    stand, before any comment on the line, escaped for the quotes they stand in; return how
    many of them reach the renamed note. `close` is the index of the line closing the front
    matter.

    A link is looked for from the line the parser placed it on: the parser places a value
    written twice (`- Jane Doe` on two lines) on the first line holding it, so what a line
    does not hold is looked for on the lines after it. (One never found stays as written, and
    `_verify` refuses the plan.)"""
    done = 0
    # Targets by the line the parser placed them on: one look per line (a list of thousands
    # of links is one pass, not thousands).
    by_line: dict[int, list[str]] = {}
    for link in links:
        if link.target:
            by_line.setdefault(link.line - 1, []).append(link.target)
    pending: Counter[str] = Counter()
    first = min(by_line, default=close)
    last = max(by_line, default=close)
    for index in range(first, close):
        pending.update(by_line.get(index, ()))
        if not +pending:
            if index > last:
                break
            continue
        line = lines[index].rstrip("\r\n")
        key = KEY_LINE_RE.match(line)
        value_from = key.end() if key else 0
        quotes, comment = _quoting(line, value_from)
        taken: list[tuple[int, int]] = []
        for match in WIKILINK_RE.finditer(line, value_from, comment):
            taken.append(match.span())
            span = _target_in(match, line)
            if span is None:
                continue
            quote = quotes[span[0]]
            written = _as_read(line[span[0]:span[1]], quote)
            bare_written = written[:-3] if written[-3:].lower() == ".md" else written
            if pending[bare_written] <= 0:
                continue
            pending[bare_written] -= 1
            other = (elsewhere or {}).get(bare_written)
            new = (_relative_wiki_target(written, other, source_folder) if other is not None
                   else _new_wiki_target(written, move, source_folder))
            edits.add(starts[index] + span[0], starts[index] + span[1],
                      _in_quotes(new, quote, False))
            done += other is None
        # What is left are bare names (`with: ['[[Jane Doe|J]]', Jane Doe]` holds one of each).
        for target in sorted((t for t, left in pending.items() if left > 0), key=len,
                             reverse=True):
            at = line.find(target, value_from, comment)
            while at >= 0 and pending[target] > 0:
                end = at + len(target)
                if not any(s <= at < e for s, e in taken) and \
                        _starts_scalar(line, value_from, at) and \
                        _BARE_AFTER.match(line, end):
                    # (as written: a name stays a name, a path a path, `.md` kept)
                    other = (elsewhere or {}).get(target)
                    new = (_relative_wiki_target(line[at:end], other, source_folder)
                           if other is not None
                           else _new_wiki_target(line[at:end], move, source_folder))
                    edits.add(starts[index] + at, starts[index] + end,
                              _in_quotes(new, quotes[at], True))
                    taken.append((at, end))
                    pending[target] -= 1
                    done += other is None
                at = line.find(target, end, comment)
    return done


# --- keeping the old name as an alias ------------------------------------------------------------


def alias_edit(text: str, note: Note, alias: str) -> str | None:
    """`text` (no BOM) with `alias` added to its front matter's `aliases`, as text: to a flow
    list, a block list, a single string (made a list), an empty key, or a new key (a new front
    matter when there is none). None when the note already has that alias."""
    if any(fold(existing) == fold(alias) for existing in note.aliases):
        return None
    nl = note.newline
    value = _yaml_scalar(alias)
    lines = split_lines(text)
    if not lines or not opens_front_matter(lines[0].rstrip("\r\n")):
        return f"---{nl}aliases: [{value}]{nl}---{nl}" + text
    close = next((i for i in range(1, len(lines)) if closes_front_matter(
        lines[i].rstrip("\r\n"))), None)
    if close is None:
        raise RenameError(f"{note.path}: its front matter is never closed; fix it first")
    starts = _line_starts(lines)
    key_at = next((i for i in range(1, close)
                   if (m := KEY_LINE_RE.match(lines[i].rstrip("\r\n")))
                   and m.group(1).strip("'\" \t")
                   == "aliases"), None)
    if key_at is None:
        return text[:starts[close]] + f"aliases: [{value}]{nl}" + text[starts[close]:]
    line = lines[key_at].rstrip("\r\n")
    after = KEY_LINE_RE.match(line)
    assert after is not None
    rest = line[after.end():]
    written = rest.split(" #", 1)[0].strip()
    at = starts[key_at] + after.end() + rest.find(written) if written else None
    if written.startswith("[") and written.endswith("]"):
        inner = written[1:-1].strip()
        assert at is not None
        closing = at + len(written) - 1
        return text[:closing] + (f", {value}" if inner else value) + text[closing:]
    if written in ("~", "null", "Null", "NULL"):  # YAML's empty value: no alias to keep
        assert at is not None
        return text[:at] + f"[{value}]" + text[at + len(written):]
    if written and not written.startswith(("|", ">", "&", "*", "!")):
        assert at is not None
        return text[:at] + f"[{written}, {value}]" + text[at + len(written):]
    if written:
        raise RenameError(f"{note.path}:{key_at + 1}: aliases written in a form vault-tools "
                          "does not edit; add the alias by hand or rename without --keep-alias")
    # A block list on the lines below (or nothing: an empty key).
    last_item, prefix = None, "  - "
    for i in range(key_at + 1, close):
        raw = lines[i].rstrip("\r\n")
        if raw.strip() == "" or raw.lstrip().startswith("#"):
            continue
        if KEY_LINE_RE.match(raw):
            break
        if raw.lstrip().startswith("- ") or raw.strip() == "-":
            if last_item is None:
                prefix = raw[:len(raw) - len(raw.lstrip())] + "- "
            last_item = i
        elif last_item is None:
            break
        else:
            last_item = i  # a continuation of the item above
    if last_item is None:
        end = starts[key_at] + len(line)
        return text[:end] + f" [{value}]" + text[end:]
    insert = starts[last_item + 1]
    ending = "" if lines[last_item].endswith(("\n", "\r")) else nl
    return text[:insert] + ending + prefix + value + nl + text[insert:]


def _line_starts(lines: list[str]) -> list[int]:
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line)
    starts.append(at)
    return starts


# --- one note ----------------------------------------------------------------------------------


def rewrite_note(note: Note, text: str, index: VaultIndex, move: Move,
                  outgoing: list[tuple[Link, Resolution]]) -> tuple[str, int]:
    """The note's text with each link reaching the renamed note rewritten (and, for the renamed
    note itself when it changes folder, its relative links to other notes); with the count of
    links rewritten. RenameError when a link is not where the parser saw it."""
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    lines = split_lines(body)
    starts = _line_starts(lines)
    is_moved = note.path == move.old_path
    source_folder = posixpath.dirname(move.new_path if is_moved else note.path)
    edits = _Edits()
    front: list[Link] = []
    # A front-matter target of the moved note reaching another note relatively: that note's
    # path (the same target string always reaches the same note from one note).
    front_elsewhere: dict[str, str] = {}
    count = 0
    renamed = index.notes[move.old_path]
    alias_keys = {fold(alias) for alias in renamed.aliases}
    for link, resolution in outgoing:
        to_renamed = resolution.status == "ok" and resolution.path == move.old_path
        elsewhere = None
        if is_moved and not move.same_folder and not to_renamed:
            elsewhere = _relative_target(index, link, resolution)
        if not (to_renamed or elsewhere) or not link.target:
            continue
        if to_renamed and link.kind == "wiki":
            key = fold(strip_md(link.target).strip("/"))
            if key in alias_keys and key.rpartition("/")[2] != fold(move.old_stem):
                continue  # written with an alias: it still reaches the note
        if link.field is not None:
            front.append(link)
            if elsewhere is not None:
                front_elsewhere[link.target] = elsewhere
            continue
        index_ = link.line - 1
        line = lines[index_] if 0 <= index_ < len(lines) else ""
        offset = starts[index_] if 0 <= index_ < len(lines) else 0
        if link.kind == "wiki":
            span = _wiki_target_span(line, link.col)
            if span is None:
                raise _not_found(note, link)
            written = line[span[0]:span[1]]
            if to_renamed:
                new = _new_wiki_target(written, move, source_folder)
            else:
                assert elsewhere is not None
                new = _relative_wiki_target(written, elsewhere, source_folder)
            edits.add(offset + span[0], offset + span[1], new)
        else:
            found = _markdown_url_span(line, link.col)
            if found is None:
                raise _not_found(note, link)
            start, end, angled = found
            raw = line[start:end]
            written = unquote(raw)
            if to_renamed:
                path = _new_markdown_path(written, link.target, move,
                                          posixpath.dirname(note.path) if not is_moved
                                          else source_folder)
            else:
                assert elsewhere is not None
                path = _relative(elsewhere, source_folder) + (
                    written[-3:] if resolution.status == "ok" else "")
            new = path if angled else _url_path(path, written != raw)
            edits.add(offset + start, offset + end, new)
        count += 1 if to_renamed else 0
    if front:
        count += _front_matter_edits(lines, starts, front, move, source_folder,
                                     max(note.body_line - 2, 0), edits, front_elsewhere)
    new_body = edits.apply(body)
    return (BOM + new_body if bom else new_body), count


def _relative_target(index: VaultIndex, link: Link, resolution: Resolution) -> str | None:
    """For a link of the renamed note to another note or a file: the path (a note's without
    `.md`) it must be written relative to from the note's new folder, when it is written
    relative to the note's folder now (`[x](../companies/Acme.md)`, `[[../companies/Acme]]`,
    `![](photo.png)` beside it); None for a link that reads the same from any folder (a name,
    a path from the notes folder, an attachment found by its name)."""
    if link.kind == "wiki" and not link.target.startswith(("./", "../")):
        return None
    if resolution.status == "ok" and resolution.path is not None:
        if link.kind == "wiki" or fold(link.target) == fold(strip_md(resolution.path)):
            return strip_md(resolution.path)
        return None
    if resolution.status == "asset":
        found = index.find_attachment(link.target)
        if found is not None and (link.kind == "wiki" or found == link.target):
            return found
    return None


def _not_found(note: Note, link: Link) -> RenameError:
    return RenameError(f"{note.path}:{link.line}: the link to {link.target!r} is not where "
                       "it was read; nothing was changed (run the command again)")
