"""`vault-tools rename OLD NEW`: a note renamed, and every link that reaches it rewritten (§4, §6,
§14), all or nothing.

Planning is pure (`plan_rename`): from the index and the notes' texts it works out the new text of
every note whose links reach the renamed note. Only the target of a link that *resolves* to it
(the index's resolution, at the position the parser found the link) changes: a same-named note
elsewhere, a link in code or a comment, text that only looks like the name and a link written
with one of the note's aliases are left alone. Each link keeps its own style (a path stays a
path, `.md` and percent-encoding are kept), front matter is edited as text at the value's place,
never re-serialised. The plan is then checked against the vault as it would be (`_verify`):
every link that reached a note still reaches it, the renamed one under its new name; a plan that
would break a link is refused, never written. The generated blocks the rename reaches are
refilled in the same plan (`refresh.notes_to_refresh`), so `fill --check` stays clean.

`rename` (the command's one call) loads the vault, plans, and hands every change to
`writer.write_notes_together`, which writes all of them or none.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, unquote

from ..blocks import BlockError, is_dashboard, splice_blocks
from ..capture.new import MAX_NAME_BYTES, WINDOWS_RESERVED
from ..fill import UNWRITABLE, dashboard_of, hide_private_of, plan_fill, text_diff
from ..index import Resolution, VaultIndex, fold, strip_md
from ..link_diagnostics import closest_name
from ..notes import Link, Note
from ..parse import BOM, KEY_LINE_RE, MDLINK_RE, WIKILINK_RE, parse_note, split_lines
from ..refresh import FollowUpCache, apply_updates, notes_to_refresh
from ..vault import Vault, in_reserved_folder, is_skipped, load_index_and_texts
from ..wikilinks import (
    closes_front_matter,
    is_asset_target,
    link_problem,
    opens_front_matter,
)
from ..writer import ConcurrentEditError, NoteHeldOpenError, NoteWrite, write_notes_together


class RenameError(ValueError):
    """The rename cannot be done as asked; the message says why. Nothing was written."""


@dataclass(frozen=True)
class NoteEdit:
    """One note's new text: `path` where it is now, `new_path` where it goes (the renamed note;
    else the same), `links` the links rewritten in it, `blocks` the generated blocks refilled."""

    path: str
    new_path: str
    old: str
    new: str
    links: int = 0
    blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenamePlan:
    """What a rename does: the note moves from `old_path` to `new_path`; `edits` lists every
    note whose text changes, and the renamed note even when only its name does."""

    old_path: str
    new_path: str
    edits: tuple[NoteEdit, ...]
    alias_added: bool = False
    # The note's type (`contact`, …) before and after, when the move changes it: a note
    # without `type:` takes it from its folder (`contacts/`), so moving it out loses it.
    type_change: tuple[str | None, str | None] | None = None

    @property
    def links(self) -> int:
        """Links rewritten (generated blocks not counted)."""
        return sum(edit.links for edit in self.edits)

    @property
    def linking_notes(self) -> int:
        """Notes with at least one link rewritten."""
        return sum(1 for edit in self.edits if edit.links)

    def diff(self) -> str:
        """A unified diff of every change, the move shown as a rename of the file."""
        parts = []
        for edit in self.edits:
            if edit.path != edit.new_path:
                parts.append(f"rename from {edit.path}\nrename to {edit.new_path}\n")
            parts.append(text_diff(edit.old, edit.new, f"a/{edit.path}", f"b/{edit.new_path}"))
        return "".join(parts)


# --- which note, and its new place ---------------------------------------------------------------


def note_to_rename(index: VaultIndex, name: str) -> Note:
    """The note `name` stands for, as a link from no note resolves it (name, path or alias,
    case ignored); RenameError when unknown ("Did you mean"), shared (the candidates), or
    unreadable."""
    wanted = name.strip()
    if not wanted:
        raise RenameError("give the name of the note to rename")
    resolution = index.resolve(wanted)
    same = index.named(wanted)[0]
    exact = resolution.path is not None and fold(strip_md(resolution.path)) == fold(
        strip_md(wanted))
    if resolution.status == "ambiguous" or (len(same) > 1 and not exact):
        found = list(resolution.candidates) or same
        raise RenameError(f"{name!r} names several notes ({', '.join(found)}); name one by its "
                          f"path, e.g. {strip_md(found[0])!r}; nothing was changed")
    note = index.notes.get(resolution.path) if resolution.status == "ok" and \
        resolution.path is not None else None
    if note is None:
        close = closest_name(index.names(), wanted)
        hint = f" Did you mean {close!r}?" if close else ""
        raise RenameError(f"no note named {name!r}.{hint} Nothing was changed")
    return note


# Characters a file name may not hold on some system (Windows, macOS Finder): `new` never makes
# such a name either (`capture.new.safe_name`).
_UNSAFE_FILE_CHARS = re.compile(r'[:*?"<>\\\x00-\x1f\x7f]')


def new_path_for(index: VaultIndex, note: Note, new: str) -> str:
    """The path (relative to the notes folder) NEW names for `note`: a bare name stays in the
    note's folder, a path (`people/Jane Roe`) is taken from the notes folder; `.md` optional.
    RenameError when it is no name a link can reach, no safe file name, or taken (a note of
    that name anywhere, or an alias of another note, case ignored, as `new` refuses)."""
    written = unicodedata.normalize("NFC", new.strip())
    if written.lower().endswith(".md"):
        written = written[:-3]
    if not written or written.startswith("/") or written.endswith("/"):
        raise RenameError(f"{new!r} is no note name; nothing was changed")
    parts = written.split("/")
    stem = parts[-1]
    for part in parts:
        if not part.strip() or part in (".", "..") or part.startswith("."):
            raise RenameError(f"{new!r}: {part!r} cannot be part of a note's path (a hidden "
                              "or relative folder); nothing was changed")
        if _UNSAFE_FILE_CHARS.search(part) or part != part.strip() or part.endswith("."):
            raise RenameError(f"{new!r} is not a file name every system accepts (no : * ? \" "
                              "< > \\, no blank or dot at the end); nothing was changed")
        if part.split(".", 1)[0].strip().lower() in WINDOWS_RESERVED:
            raise RenameError(f"{new!r}: {part!r} is a name Windows keeps for a device (a vault "
                              "synced to Windows could not hold it); nothing was changed")
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            raise RenameError(f"{new!r}: {part[:20]!r}… is too long for a file name (at most "
                              f"{MAX_NAME_BYTES} bytes, as `new` makes them); nothing was "
                              "changed")
    problem = link_problem(stem)
    if problem is not None:
        raise RenameError(f"no link could reach a note named {stem!r}: {problem}; nothing was "
                          "changed")
    if is_asset_target(stem):
        # `[[cv.pdf]]` names the file: Obsidian takes such a link to an attachment of that
        # name, and every file link of that name would change meaning with such a note.
        raise RenameError(f"{stem!r} ends like an attachment's name (a link to it is read as "
                          "a link to a file); nothing was changed")
    folder = "/".join(parts[:-1]) if len(parts) > 1 else note.folder
    new_path = f"{folder}/{stem}.md" if folder else f"{stem}.md"
    if in_reserved_folder(new_path) or is_skipped(new_path):
        raise RenameError(f"{new_path} is a place vault-tools never reads notes from; nothing "
                          "was changed")
    if new_path == note.path:
        raise RenameError(f"{note.path} already has that name; nothing was changed")
    by_name, by_alias = index.named(stem)
    others = [path for path in by_name if path != note.path]
    if others:
        raise RenameError(f"a note named {stem!r} already exists ({others[0]}); links by that "
                          "name would become ambiguous, so nothing was changed")
    aliased = [path for path in by_alias if path != note.path]
    if aliased:
        raise RenameError(f"{stem!r} is an alias of {aliased[0]}; links by that name go there "
                          "and would come here instead, so nothing was changed")
    return new_path


# --- rewriting one link --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Move:
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


def _new_wiki_target(written: str, move: _Move, source_folder: str) -> str:
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


def _new_markdown_path(written: str, joined: str, move: _Move, source_folder: str) -> str:
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


def _front_matter_edits(lines: list[str], starts: list[int], links: list[Link], move: _Move,
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


def _alias_edit(text: str, note: Note, alias: str) -> str | None:
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


# --- the plan ------------------------------------------------------------------------------------


def _rewrite_note(note: Note, text: str, index: VaultIndex, move: _Move,
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


def plan_rename(
    index: VaultIndex, texts: Mapping[str, str], note: Note, new_path: str, *,
    keep_alias: bool = False, dashboard: str = "Follow-ups.md", hide_private: bool = False,
) -> RenamePlan:
    """The rename of `note` to `new_path` (from `new_path_for`): the new text of every note
    whose links reach it, the renamed note's own (its links to itself, to other notes when it
    changes folder, the old name added to its `aliases` with `keep_alias`), and the generated
    blocks the rename reaches, refilled. Reads nothing, writes nothing; `index` is brought to
    the vault as it will be (the caller loaded it for this). RenameError when a note that must
    change may not be written (conflict markers, front matter that does not parse, unreadable)
    or when the result would leave any link reaching somewhere else than before."""
    move = _Move(note.path, new_path)
    if texts.get(note.path) is None:
        raise RenameError(f"{note.path}: cannot be read as UTF-8 text; nothing was changed")
    before = {path: index.outgoing(path) for path in index.notes}
    sources = {backlink.source for backlink in index.backlinks(note.path)} | {note.path}
    new_texts: dict[str, str] = {}
    counts: dict[str, int] = {}
    for path in sorted(sources):
        text = texts.get(path)
        source = index.notes[path]
        if text is None:
            raise RenameError(f"{path}: links to {note.name!r} but cannot be read as text; "
                              "nothing was changed")
        new, count = _rewrite_note(source, text, index, move, before[path])
        if new != text:
            new_texts[path], counts[path] = new, count
    alias_added = False
    if keep_alias:
        current = new_texts.get(note.path, texts[note.path])
        bom = current.startswith(BOM)
        added = _alias_edit(current[1:] if bom else current, note, note.name)
        if added is not None:
            new_texts[note.path] = (BOM if bom else "") + added
            _verify_alias(parse_note(new_path, new_texts[note.path]),
                          parse_note(note.path, current))
            alias_added = True
    for path in new_texts:
        blocking = [d for d in index.notes[path].diagnostics if d.code in UNWRITABLE]
        if blocking:
            raise RenameError(f"{path}:{blocking[0].line or 1}: {blocking[0].message}; this "
                              "note would have to change, so nothing was changed")
    # The vault as it will be: each changed note parsed again, the renamed one under its name.
    after_texts = {path: new_texts.get(path, texts[path]) for path in sources if path in texts}
    after_texts[new_path] = after_texts.pop(note.path)
    followups = FollowUpCache(index)
    updates: dict[str, Note | None] = {note.path: None}
    for path, text in after_texts.items():
        updates[path] = parse_note(path, text)
    change = apply_updates(index, updates, followups)
    _verify(index, before, move)
    # The generated blocks the rename reaches, refilled as `fill` would.
    reach = notes_to_refresh(index, change, dashboard) | set(after_texts)
    refill_texts = {path: after_texts.get(path, texts.get(_old(path, move), "")) for path in
                    reach if path in after_texts or texts.get(_old(path, move)) is not None}
    block_changes, _ = plan_fill(index, refill_texts, refill_texts.keys(), dashboard,
                                 followups.all(), hide_private)
    refilled: dict[str, tuple[str, tuple[str, ...]]] = {}
    for planned in block_changes:
        # Only the blocks a note has are refilled: a rename adds no block to a note (a vault
        # whose user never ran `fill` gets none from a rename).
        has = {block.name for block in index.notes[planned.path].blocks}
        contents = {name: text for name, text in planned.contents.items() if name in has}
        names = tuple(name for name in planned.blocks if name in has)
        if names:
            try:
                refilled[planned.path] = (
                    splice_blocks(planned.path, planned.old, contents), names)
            except BlockError:
                continue  # (plan_fill made it from these very blocks: not seen)
    edits = []
    for path in sorted(set(after_texts) | set(refilled)):
        old_path = _old(path, move)
        new, blocks = refilled.get(path, (after_texts.get(path, texts[old_path]), ()))
        if new == texts[old_path] and path == old_path:
            continue
        edits.append(NoteEdit(old_path, path, texts[old_path], new, counts.get(old_path, 0),
                              blocks))
    moved = index.notes[new_path]
    type_change = (note.type, moved.type) if moved.type != note.type else None
    return RenamePlan(note.path, new_path, tuple(edits), alias_added, type_change)


def _old(path: str, move: _Move) -> str:
    return move.old_path if path == move.new_path else path


def _verify(index: VaultIndex, before: Mapping[str, list[tuple[Link, Resolution]]],
            move: _Move) -> None:
    """RenameError unless every link that reached a note before the rename reaches the same
    note after it (the renamed one at its new path): the last guard against a rewrite that
    missed a link or made one that reads differently."""
    for path, links in before.items():
        now_path = move.new_path if path == move.old_path else path
        now = index.outgoing(now_path)
        if len(now) != len(links):
            raise RenameError(f"{path}: the rewritten links would not read back as links; "
                              "nothing was changed")
        for (link, was), (link_now, res) in zip(links, now, strict=True):
            if was.status == "asset":
                found = index.find_attachment(link.target)
                if found is not None and (index.find_attachment(link_now.target) != found
                                          or res.status != "asset"):
                    raise RenameError(f"{path}:{link.line}: the link to the file {found} would "
                                      "no longer find it; nothing was changed (rename by hand, "
                                      "or report this)")
                continue
            if was.status != "ok" or was.path is None:
                continue
            wanted = move.new_path if was.path == move.old_path else was.path
            if res.status != "ok" or res.path != wanted:
                where = f"{path}:{link.line}"
                raise RenameError(
                    f"{where}: the link to {link.target!r} would reach "
                    f"{res.path or 'no note'} instead of {wanted}; nothing was changed "
                    "(rename by hand, or report this)")


def _verify_alias(after: Note, before: Note) -> None:
    """RenameError unless `after` reads as `before` with its name added to its aliases and
    its front matter otherwise the same."""
    if tuple(after.aliases) != (*before.aliases, before.name) or {
            key: value for key, value in after.meta.items() if key != "aliases"} != {
            key: value for key, value in before.meta.items() if key != "aliases"}:
        raise RenameError(f"{before.path}: adding the alias would change its front matter "
                          "otherwise; add it by hand or rename without --keep-alias")


# --- the command ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Renamed:
    """What `rename` did (or, dry, would do)."""

    plan: RenamePlan
    written: bool
    kept: tuple[str, ...] = ()  # conflict copies of saves that raced the write


# How many times a rename is planned again when a note changes between planning and writing.
REPLANS = 3


def rename(vault: Vault, old: str, new: str, *, keep_alias: bool = False,
           dry_run: bool = False) -> Renamed:
    """Rename the note OLD stands for to NEW and rewrite every link to it, all or nothing
    (`writer.write_notes_together`). A note saved by the user after the vault was read makes
    the plan start again from their text (up to REPLANS times; then nothing is changed).
    RenameError for a refusal, WriteError when a note could not be written (nothing was)."""
    for attempt in range(REPLANS + 1):
        index, texts = load_index_and_texts(vault)
        note = note_to_rename(index, old)
        if is_dashboard(note, dashboard_of(vault)):
            raise RenameError(f"{note.path} is the follow-ups note mkdocs.yml names "
                              "(`followups_note`); change that option when you rename it by "
                              "hand. Nothing was changed")
        new_path = new_path_for(index, note, new)
        _refuse_taken(vault, note.path, new_path)
        plan = plan_rename(index, texts, note, new_path, keep_alias=keep_alias,
                           dashboard=dashboard_of(vault), hide_private=hide_private_of(vault))
        # A note reached under two names is one file: folded before the dry run returns, so
        # its preview is what the real run writes (or refuses).
        plan = _one_edit_per_file(vault, plan)
        if dry_run:
            return Renamed(plan, False)
        writes = [NoteWrite(vault.abs(edit.path), edit.old.encode("utf-8"),
                            edit.new.encode("utf-8"),
                            vault.abs(edit.new_path) if edit.new_path != edit.path else None)
                  for edit in plan.edits]
        try:
            kept = write_notes_together(writes, notes_dir=vault.notes_dir)
        except NoteHeldOpenError:
            raise  # waited for already: planning again would not help
        except ConcurrentEditError:
            if attempt == REPLANS:
                raise
            continue  # the user saved a note: plan again from their text
        return Renamed(plan, True, tuple(path.name for path in kept))
    raise AssertionError("unreachable")


def _one_edit_per_file(vault: Vault, plan: RenamePlan) -> RenamePlan:
    """A note reached under two names (a symlink to another note): it is one file, written
    once. RenameError when its two names would need different texts (a relative link reads
    differently from each folder)."""
    seen: dict[str, NoteEdit] = {}
    kept = []
    for edit in plan.edits:
        real = os.path.realpath(vault.abs(edit.path))
        first = seen.get(real)
        if first is None:
            seen[real] = edit
            kept.append(edit)
        elif first.new != edit.new or edit.new_path != edit.path or \
                first.new_path != first.path:
            raise RenameError(f"{first.path} and {edit.path} are one file (a symlink) whose "
                              "links would need two different texts (rename by hand); nothing "
                              "was changed")
    return replace(plan, edits=tuple(kept))


def _refuse_taken(vault: Vault, old_path: str, new_path: str) -> None:
    """RenameError when a file (of any kind) already has NEW's name in its folder, case
    ignored (macOS and Windows vaults), other than the note itself."""
    folder = vault.abs(new_path).parent
    wanted = fold(posixpath.basename(new_path))
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RenameError(f"{folder}: cannot be read ({exc.strerror}); nothing was changed"
                          ) from None
    mine = vault.abs(old_path)
    for name in names:
        if fold(name) == wanted:
            existing = folder / name
            if existing == mine or (Path(existing).exists() and mine.exists()
                                    and os.path.samefile(existing, mine)):
                continue
            rel = posixpath.join(posixpath.dirname(new_path), name).lstrip("/")
            raise RenameError(f"{rel} already exists; rename never overwrites a file, so "
                              "nothing was changed")
