"""Finding notes from the terminal (§14 `find`): which notes a text and some filters pick out,
best first. Pure functions of the index and the notes' texts; the `find` command prints them
(`find_report.py`).

How a note ranks against TEXT, best first (`MATCHES`):

1. `name`: its name or one of its aliases is TEXT;
2. `name-start`: its name or an alias starts with TEXT;
3. `name-part`: its name or an alias contains TEXT;
4. `field`: a front-matter value contains it (its type's keys first, in card order: a
   contact's role, company, location..., then the others, tags among them);
5. `text`: its body does (outside generated blocks, which quote other notes).

Ties go name before alias, then by type (contacts, conversations, companies, careers, then the
others), then by name.
Matching ignores case and accents (both sides NFKD-decomposed, case-folded, combining marks
dropped: "jose" finds "José"; `fold`) and runs of blanks (`search_key`); TEXT is text, never a
pattern.

Filters narrow the notes and combine with AND (`Filters`). Without TEXT every note the
filters keep is listed, by type and name. Each note is read once: linear in the vault.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from . import network, referrals, schema
from .followups import latest_interaction
from .index import VaultIndex
from .notes import CareerFields, InterviewFields, Note
from .tags import tag_key, with_parents

NAME, NAME_START, NAME_PART, FIELD, TEXT, LISTED = (
    "name", "name-start", "name-part", "field", "text", "listed")
# What a hit matched, best first; `listed` is a note listed by the filters alone (no TEXT).
MATCHES = (NAME, NAME_START, NAME_PART, FIELD, TEXT, LISTED)
TYPE_ORDER = (schema.CONTACT, schema.INTERVIEW, schema.COMPANY, schema.CAREER)
OTHER = "other"  # what `--type` calls a note of no (or another) type
SNIPPET = 90  # characters of a body line shown around the match


# Letters no decomposition takes apart that users still call accented: "lodz" finds Łódź,
# "soren" Søren, "kilic" Kılıç (applied after case folding: the lower-case letters suffice).
_PLAIN_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t",
                                "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"})


def search_key(text: str) -> str:
    """`text` as matching compares it: folded (`fold`), its blanks collapsed to one space
    and stripped ("Ana  Lima" and "Ana Lima" are equal)."""
    return " ".join(fold(text).split())


def fold(text: str) -> str:
    """`text` without case and accents: case-folded and compatibility-decomposed, combining
    marks dropped ("Ő" and "o" are equal); when that leaves more than ASCII, once more (a
    letter like "ℌ" or "𝐁" only decomposes to an upper-case one) with the letters of
    _PLAIN_LETTERS made plain. ASCII text takes the fast path: only its case changes."""
    if text.isascii():
        return text.lower()
    once = _unmarked(unicodedata.normalize("NFKD", text.casefold()))
    if once.isascii():
        return once.lower()
    return _unmarked(unicodedata.normalize("NFKD", once.casefold().translate(_PLAIN_LETTERS)))


def _unmarked(text: str) -> str:
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Filters:
    """What a note must be to be found (all that are given: AND). `company` and `career` are
    the paths of those notes (as typed names resolve); `status` a contact's stage
    (`network.stage`), or a conversation's or career's `status`; `stale_days`: contacts whose
    last interaction (`followups.latest_interaction`) is more than that many days before
    `today` (required with it: the module reads no clock), or who have none; `note_type` a
    type, or OTHER."""

    company: str | None = None
    career: str | None = None
    tag: str | None = None
    status: str | None = None
    stale_days: int | None = None
    note_type: str | None = None
    today: dt.date | None = None


@dataclass(frozen=True)
class Hit:
    """One note found: how it matched (`match`, one of MATCHES), where (`field`: the alias or
    front-matter key; `line`: the body line, 1-based), the text shown for it (`snippet`: the
    alias, the value or the line, cut around the match), and what the filters saw
    (`reasons`: "stage met", "last touch 2026-10-06")."""

    note: Note
    match: str
    field: str | None = None
    line: int | None = None
    snippet: str = ""
    reasons: tuple[str, ...] = ()

    def sort_key(self) -> tuple[int, bool, int, str, str]:
        # Among notes matched alike, a name goes before an alias: "Acme" finds the note
        # [[Acme]] opens before a contact nicknamed Acme.
        by_alias = self.match in (NAME, NAME_START, NAME_PART) and self.field == "alias"
        return (MATCHES.index(self.match), by_alias, type_rank(self.note),
                self.note.name.casefold(), self.note.path)


def type_rank(note: Note) -> int:
    """Where a note's type sorts: contacts first, then conversations, companies, careers."""
    return TYPE_ORDER.index(note.type) if note.type in TYPE_ORDER else len(TYPE_ORDER)


def find(index: VaultIndex, texts: Mapping[str, str], text: str | None = None,
         filters: Filters = Filters()) -> list[Hit]:
    """The notes `text` and `filters` pick out, best first (see the module). `texts`: each
    note's text by path (a note without one is matched on its name and front matter only)."""
    needle = search_key(text or "")
    kept = _Filter(index, filters)
    hits = []
    for note in index:
        reasons = kept.reasons(note)
        if reasons is None:
            continue
        hit = _match(note, needle, texts.get(note.path)) if needle else Hit(note, LISTED)
        if hit is not None:
            hits.append(Hit(hit.note, hit.match, hit.field, hit.line, hit.snippet, reasons))
    return sorted(hits, key=Hit.sort_key)


# --- matching --------------------------------------------------------------------------------


def _match(note: Note, needle: str, text: str | None) -> Hit | None:
    best: Hit | None = None
    for field, name in ((None, note.name), *(("alias", alias) for alias in note.aliases)):
        key = search_key(name)
        match = (NAME if key == needle else NAME_START if key.startswith(needle)
                 else NAME_PART if needle in key else None)
        if match is not None and (best is None or MATCHES.index(match) < MATCHES.index(
                best.match)):
            best = Hit(note, match, field, None, name if field else "")
    if best is not None:
        return best
    # A needle without blanks lies within a run of other characters: the blanks around it
    # need no collapsing (what a long note's text is spared).
    key_of = search_key if " " in needle else fold
    for key, value in _fields(note):
        if needle in key_of(value):
            return Hit(note, FIELD, key, None, _snippet(value, needle))
    if text is not None:
        for number, line in _body_lines(note, text):
            if needle in key_of(line):
                return Hit(note, TEXT, None, number, _snippet(line, needle))
    return None


def _fields(note: Note) -> Iterator[tuple[str, str]]:
    """Each front-matter value of `note` as text, with its key: the type's keys in card
    order, then the others as written; a list gives each item."""
    known = schema.TYPE_KEYS.get(note.type or "", ())
    for key in [k for k in known if k in note.meta] + [
            k for k in note.meta if k not in known and k not in ("type", "aliases")]:
        for value in _values(note.meta[key]):
            yield str(key), value


def _values(value: object) -> Iterator[str]:
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, dt.date):
        yield value.isoformat()
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def _body_lines(note: Note, text: str) -> Iterator[tuple[int, str]]:
    """The lines of the note's body, numbered from 1, without its front matter and its
    generated blocks (their marker lines too): what the user wrote there. Linear in the
    lines and the blocks together (a crafted note may hold tens of thousands of blocks)."""
    skipped = sorted((block.open_line, block.close_line) for block in note.blocks)
    at = 0  # the first block, by first line, that does not end before this line
    for number, line in enumerate(text.split("\n"), start=1):
        while at < len(skipped) and skipped[at][1] < number:
            at += 1
        if number < note.body_line or (at < len(skipped) and skipped[at][0] <= number):
            continue
        yield number, line.rstrip("\r").lstrip("\ufeff")


def _snippet(line: str, needle: str) -> str:
    """`line` (a body line or a property's value, several lines perhaps), its blanks
    collapsed, cut to about SNIPPET characters around the first match of `needle` (an
    ellipsis where it is cut)."""
    text = " ".join(line.split())
    if len(text) <= SNIPPET:
        return text
    start, end = _locate(text, needle)
    first = max(0, min(start - (SNIPPET - (end - start)) // 2, len(text) - SNIPPET))
    last = min(len(text), first + max(SNIPPET, end - start))
    return ("…" if first > 0 else "") + text[first:last] + ("…" if last < len(text) else "")


def _locate(text: str, needle: str) -> tuple[int, int]:
    """Where `needle` (a search key) stands in `text`, in `text`'s own characters (folding may
    change lengths: "ß" is "ss"); (0, 0) when it does not."""
    folded: list[str] = []
    origin: list[int] = []
    for at, ch in enumerate(text):
        for piece in fold(ch):
            if piece.isspace():
                if not folded or folded[-1] == " ":
                    continue  # blanks collapse, as in `search_key`
                piece = " "
            folded.append(piece)
            origin.append(at)
    found = "".join(folded).find(needle)
    if found < 0 or not needle:
        return 0, 0
    return origin[found], origin[found + len(needle) - 1] + 1


def unread(note: Note) -> str | None:
    """What of `note` could not be searched, in a sentence naming `vault-tools check`: its
    front matter when YAML refused it (its properties, type and aliases are unknown), its
    text when the file could not be read (too large, not UTF-8); None when all of it was."""
    for diagnostic in note.diagnostics:
        if diagnostic.code == "yaml-error":
            where = f" (line {diagnostic.line})" if diagnostic.line else ""
            return (f"front matter unreadable{where}: its properties were not searched "
                    "(vault-tools check says why)")
        if diagnostic.code in ("not-utf8", "too-large"):
            return "not read: only its name was searched (vault-tools check says why)"
    return None


# --- filters ---------------------------------------------------------------------------------


class _Filter:
    """The filters worked out once for the whole vault: the notes tied to the company or the
    career, from their backlinks."""

    def __init__(self, index: VaultIndex, filters: Filters) -> None:
        self.index = index
        self.filters = filters
        self.company = None if filters.company is None else _of_company(index, filters.company)
        self.career = None if filters.career is None else _of_career(index, filters.career)
        self.tag = None if filters.tag is None else tag_key(filters.tag.strip().lstrip("#"))
        self.status = None if filters.status is None else filters.status.strip().casefold()
        self.type = None if filters.note_type is None else filters.note_type.casefold()
        if filters.stale_days is not None and filters.today is None:
            raise ValueError("--stale needs today's date (Filters.today)")
        self.today = filters.today or dt.date.min

    def reasons(self, note: Note) -> tuple[str, ...] | None:
        """What the filters saw of `note` (empty when nothing worth saying), or None when one
        of them leaves it out."""
        f = self.filters
        if self.type is not None and (note.type or OTHER) != self.type and not (
                self.type == OTHER and note.type not in TYPE_ORDER):
            return None
        if self.company is not None and note.path not in self.company:
            return None
        if self.career is not None and note.path not in self.career:
            return None
        if self.tag is not None and not any(
                self.tag in map(tag_key, with_parents(name)) for name in note.tags):
            return None
        reasons: list[str] = []
        if self.status is not None:
            status = status_of(self.index, note)
            if status is None or status.casefold() != self.status:
                return None
            reasons.append(f"{'stage' if note.type == schema.CONTACT else 'status'} {status}")
        if f.stale_days is not None:
            if note.type != schema.CONTACT:
                return None
            latest = latest_interaction(self.index, note.path)
            if latest is not None and (self.today - latest.day).days <= f.stale_days:
                return None
            reasons.append(f"last touch {latest.day.isoformat()}" if latest is not None
                           else "never in touch")
        return tuple(reasons)


def status_of(index: VaultIndex, note: Note) -> str | None:
    """What `--status` compares: a contact's stage (written or derived), a conversation's or
    a career's `status` (a conversation without one is done); None for other notes."""
    if note.type == schema.CONTACT:
        return network.stage(index, note).name
    if isinstance(note.fields, InterviewFields):
        return note.fields.status
    if isinstance(note.fields, CareerFields):
        return note.fields.status
    return None


def statuses() -> tuple[str, ...]:
    """Every status `--status` may name: the stages, then the conversations' and careers'."""
    return tuple(dict.fromkeys((*schema.CONTACT_STATUSES, *schema.INTERVIEW_STATUSES,
                                *schema.CAREER_STATUSES)))


def _sources(index: VaultIndex, path: str) -> dict[str, set[str | None]]:
    """The notes linking the note at `path`, each with the front-matter keys it links from
    (None for the body)."""
    found: dict[str, set[str | None]] = {}
    for backlink in index.backlinks(path):
        found.setdefault(backlink.source, set()).add(backlink.link.field)
    return found


def _of_company(index: VaultIndex, company: str) -> set[str]:
    """The notes tied to the company at `company`: every note linking it, and the
    conversations with someone whose `company` it is."""
    linking = _sources(index, company)
    found = set(linking)
    for path, fields in linking.items():
        note = index.get(path)
        if note is not None and note.type == schema.CONTACT and "company" in fields:
            found.update(talk.path for talk, _ in referrals.conversations_with(index, path))
    found.discard(company)
    return found


def _of_career(index: VaultIndex, career: str) -> set[str]:
    """The notes tied to the career at `career`: every note linking it, and the people of the
    conversations whose `career` it is."""
    linking = _sources(index, career)
    found = set(linking)
    for path, fields in linking.items():
        note = index.get(path)
        if note is not None and isinstance(note.fields, InterviewFields) and "career" in fields:
            found.update(person for link, resolution in index.outgoing(path)
                         if link.field == "with" and (person := resolution.path) is not None
                         and _is_contact(index, person))
    found.discard(career)
    return found


def _is_contact(index: VaultIndex, path: str) -> bool:
    note = index.get(path)
    return note is not None and note.type == schema.CONTACT
