"""The question bank (§13): the questions, where each was asked and what the answer was.

A **bank question** is a list item carrying an Obsidian block id in a bank note
(`- What does a typical week look like? ^q-week`). A bank note is a note named `questions`
or of `type: questions`, or any other note without a schema type whose block-id list item a
conversation links to. In a conversation, a list item linking a bank question
(`- [[questions#^q-week]]: mostly research`, any link form that resolves to the block, a label
too) is that question **asked**, the rest of the item its answer (none when the item holds the
link alone). Under a heading `Questions I want to ask` (any level, case ignored), and
anywhere in a planned conversation, it is **prepared**, not asked. A cancelled conversation
neither asks nor prepares.

Pure functions of the index. Each `Use` says whether its conversation is private: a view or
block that shows an answer must leave a private one out (`blocks`, `views`, the command do).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from . import schema
from .index import VaultIndex
from .notes import InterviewFields, Note
from .parse import block_id
from .wikilinks import MDLINK_RE, WIKILINK_RE

BANK_NAME = "questions"
BANK_TYPE = "questions"
PREPARED_HEADING = "questions i want to ask"

# A list item's marker and a task's checkbox, before its text.
_ITEM_LEAD_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[.\]\s+)?")
# What stands between a question's link and its answer: `:`, a dash, blanks.
_SEPARATOR_RE = re.compile(r"^[\s:\u2014\u2013\-=>|·]+")


@dataclass(frozen=True)
class Question:
    """One bank question: its bank note's path, its block id as written, its text (the item
    without its marker and id) and its line."""

    note: str
    id: str
    text: str
    line: int

    @property
    def key(self) -> tuple[str, str]:
        """What identifies it: the bank note and the id, case ignored (as Obsidian matches)."""
        return (self.note, self.id.lower())


@dataclass(frozen=True)
class Use:
    """A bank question in a conversation: `asked` (with its `answer`, "" when none was written)
    or prepared. `people` and `careers` are the paths of the conversation's `with` and `career`
    notes (names without a note left out); `private`: the conversation is private, so its
    answer (and, on the site, the use itself) must not be shown where the public can see."""

    question: Question
    interview: str
    line: int
    date: dt.date | None
    status: str
    people: tuple[str, ...]
    careers: tuple[str, ...]
    asked: bool
    answer: str
    private: bool


@dataclass(frozen=True)
class Usage:
    """How one question was used: every time it was asked (oldest first; a conversation may
    ask it twice), how many conversations asked it, when last, and the conversations it is
    prepared for and not asked in (`usage_of` only)."""

    question: Question
    asked: tuple[Use, ...]
    prepared: tuple[Use, ...] = ()
    # Where it is linked as a question: (conversation, line) of every use counted, including
    # a preparation its conversation also asks (not in `prepared`).
    links: frozenset[tuple[str, int]] = frozenset()

    @property
    def times(self) -> int:
        """The number of conversations that asked it."""
        return len({use.interview for use in self.asked})

    @property
    def last(self) -> dt.date | None:
        days = [use.date for use in self.asked if use.date is not None]
        return max(days) if days else None


def is_named_bank(note: Note) -> bool:
    """A note that is a bank by its name (`questions`) or its `type: questions`."""
    return note.name.casefold() == BANK_NAME or (
        isinstance(note.meta.get("type"), str) and note.meta["type"].strip().lower() == BANK_TYPE)


def _questions_of(note: Note) -> list[Question]:
    found = []
    seen: set[str] = set()
    for item in note.items:
        ident = block_id(item.text)
        if ident is None or ident.lower() in seen:
            continue  # the first of an id wins, as in Obsidian
        seen.add(ident.lower())
        text = item.text.rstrip()
        text = text[:text.rfind("^" + ident)]
        text = " ".join(_ITEM_LEAD_RE.sub("", text, count=1).split())
        found.append(Question(note.path, ident, text, item.line))
    return found


def bank(index: VaultIndex) -> list[Question]:
    """Every bank question, by bank note path and line. Worked out once per state of the
    index (`derived`): a build asks for it from the questions page, the usage of each question
    and the briefs. (A copy each time: the caller may change its list.)"""
    return list(index.derived("questions.bank", lambda: _bank(index)))


def _bank(index: VaultIndex) -> list[Question]:
    banks = {note.path for note in index if is_named_bank(note)}
    for note in index.by_type(schema.INTERVIEW):
        for link, resolution in index.outgoing(note.path):
            target = index.notes.get(resolution.path) if resolution.path else None
            if (target is not None and target.type not in schema.NOTE_TYPES
                    and _block_link(link.heading) and link.field is None):
                banks.add(target.path)
    return [question for path in sorted(banks) for question in _questions_of(index.notes[path])]


def _block_link(heading: str | None) -> bool:
    return heading is not None and heading.lstrip().startswith("^")


def uses(index: VaultIndex) -> list[Use]:
    """Every use of a bank question in a conversation, asked or prepared, by conversation date
    (undated last), path and line."""
    questions = {question.key: question for question in bank(index)}
    found = [use for note in index.by_type(schema.INTERVIEW)
             for use in _uses_in(index, note, questions)]
    return _by_date(found)


def _by_date(found: list[Use]) -> list[Use]:
    return sorted(found, key=lambda use: (use.date is None, use.date or dt.date.min,
                                          use.interview, use.line))


def _uses_in(index: VaultIndex, note: Note, questions: dict[tuple[str, str], Question]
             ) -> list[Use]:
    """The uses of `questions` in one conversation note, in line order."""
    fields = note.fields if isinstance(note.fields, InterviewFields) else InterviewFields()
    if fields.status == schema.CANCELLED or not note.items:
        return []
    items = {item.line: item.text for item in note.items}
    links = [(link, resolution) for link, resolution in index.outgoing(note.path)
             if link.field is None and not link.embed and link.line in items
             and _block_link(link.heading) and resolution.path is not None]
    if not links:
        return []
    people = _resolved(index, fields.with_, note.path)
    careers = _resolved(index, fields.careers, note.path)
    under_prepared = _prepared_lines(note)
    found = []
    for at, (link, resolution) in enumerate(links):
        ref = (link.heading or "").strip().lstrip("^").lower()
        question = questions.get((resolution.path or "", ref))
        if question is None:
            continue  # a block that is no bank question (check names a missing one)
        asked = fields.status == schema.DONE and not under_prepared(link.line)
        after = links[at + 1][0] if at + 1 < len(links) else None
        next_col = after.col if after is not None and after.line == link.line else None
        answer = _answer(items[link.line], link.col, link.kind, next_col) if asked else ""
        found.append(Use(question, note.path, link.line, fields.date, fields.status,
                         people, careers, asked, answer, note.private))
    return found


def asked(index: VaultIndex) -> list[Use]:
    """Every time a bank question was asked, with its answer ("" when none was written)."""
    return [use for use in uses(index) if use.asked]


def prepared(index: VaultIndex) -> list[Use]:
    """Every question prepared for a conversation and not asked in it: all of a planned
    conversation's, and those under `Questions I want to ask` that the conversation does not
    also ask."""
    every = uses(index)
    asked_in = {(use.interview, use.question.key) for use in every if use.asked}
    seen: set[tuple[str, tuple[str, str]]] = set()
    out = []
    for use in every:
        key = (use.interview, use.question.key)
        if not use.asked and key not in asked_in and key not in seen:
            seen.add(key)
            out.append(use)
    return out


def usage(index: VaultIndex, public: bool = False) -> list[Usage]:
    """Per bank question (bank order), every time it was asked; `public`: private
    conversations left out."""
    by_key: dict[tuple[str, str], list[Use]] = {}
    for use in asked(index):
        if not (public and use.private):
            by_key.setdefault(use.question.key, []).append(use)
    return [Usage(question, tuple(by_key.get(question.key, ()))) for question in bank(index)]


def usage_of(index: VaultIndex, bank_note: str, public: bool = False) -> list[Usage]:
    """`usage`, for the questions of one bank note, reading only the conversations that link
    to it (what its `related` block shows; [] when the note is no bank)."""
    note = index.notes.get(bank_note)
    if note is None or not note.items or note.type in schema.NOTE_TYPES:
        return []
    sources = sorted({backlink.source for backlink in index.backlinks(bank_note)
                      if index.notes[backlink.source].type == schema.INTERVIEW
                      and _block_link(backlink.link.heading)})
    if not (is_named_bank(note) or sources):
        return []
    questions = {question.key: question for question in _questions_of(note)}
    if not questions:
        return []
    by_key: dict[tuple[str, str], list[Use]] = {}
    ready: dict[tuple[str, str], list[Use]] = {}
    links: dict[tuple[str, str], set[tuple[str, int]]] = {}
    for source in sources:
        found = [use for use in _uses_in(index, index.notes[source], questions)
                 if not (public and use.private)]
        asked_here = {use.question.key for use in found if use.asked}
        for use in found:
            links.setdefault(use.question.key, set()).add((use.interview, use.line))
            if use.asked:
                by_key.setdefault(use.question.key, []).append(use)
            elif use.question.key not in asked_here:
                ready.setdefault(use.question.key, []).append(use)
    return [Usage(question, tuple(_by_date(by_key.get(key, []))),
                  tuple(_by_date(ready.get(key, []))), frozenset(links.get(key, ())))
            for key, question in questions.items()]


def unasked_in_career(index: VaultIndex, career_path: str,
                      public: bool = False) -> list[Question]:
    """The bank questions not yet asked anyone in a conversation of this career (bank order):
    what a planned conversation's brief suggests. A question only prepared counts as unasked;
    one asked in a private conversation counts as asked (the user's own view), unless
    `public` (the site), where a private conversation counts nowhere.

    The bank and who asked what are worked out once per state of the index (`derived`), not
    once per call: a fill asks this for every planned conversation."""
    questions, by_career = index.derived(
        "questions.asked_by_career" + (".public" if public else ""),
        lambda: _asked_by_career(index, public))
    done: Collection[tuple[str, str]] = by_career.get(career_path, frozenset())
    return [question for question in questions if question.key not in done]


def _asked_by_career(index: VaultIndex, public: bool
                     ) -> tuple[list[Question], dict[str, set[tuple[str, str]]]]:
    """The bank, and per career the keys of the questions asked in its conversations."""
    by_career: dict[str, set[tuple[str, str]]] = {}
    for use in asked(index):
        if not (public and use.private):
            for career in use.careers:
                by_career.setdefault(career, set()).add(use.question.key)
    return bank(index), by_career


def _resolved(index: VaultIndex, names: Iterable[str], source: str) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        path = index.resolve(name, source=source).path
        if path is not None and path in index.notes and path not in out:
            out.append(path)
    return tuple(out)


def _prepared_lines(note: Note) -> Callable[[int], bool]:
    """A test of whether a line of `note` stands under a `Questions I want to ask` heading
    (any level; a deeper heading inside that section is still in it)."""
    spans: list[tuple[int, int]] = []
    headings = list(note.headings)
    for at, heading in enumerate(headings):
        if " ".join(heading.text.split()).strip(" :").lower() != PREPARED_HEADING:
            continue
        end = next((later.line for later in headings[at + 1:] if later.level <= heading.level),
                   None)
        spans.append((heading.line, end if end is not None else 1 << 62))
    return lambda line: any(start < line < end for start, end in spans)


def _answer(text: str, col: int, kind: str, next_col: int | None) -> str:
    """The words after the link at `col` (1-based) of an item line, up to the next question
    link on it: the separator, a trailing block id and surplus blanks dropped."""
    pattern = WIKILINK_RE if kind == "wiki" else MDLINK_RE
    match = pattern.match(text, col - 1)
    if match is None:
        return ""
    rest = text[match.end():(next_col - 1) if next_col is not None else None]
    ident = block_id(rest)
    if ident is not None:
        rest = rest[:rest.rfind("^" + ident)]
    return " ".join(_SEPARATOR_RE.sub("", rest).split())
