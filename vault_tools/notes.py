"""Value types of the note model: small, frozen, and each carrying its source position.

Everything here is data. Parsing lives in `parse.py`, lookups in `index.py`.

`Link`, `Task` and `Heading` are named tuples, the rest frozen dataclasses. Loading 5,000 notes
makes about 100,000 of those three, and a named tuple is built four times faster than a frozen
dataclass (0.28 against 1.04 us for a Link: the dataclass sets each field through
`object.__setattr__`); that is about 0.05 s of `check`. They stay immutable and compare by value
as before; unlike a dataclass, a named tuple also equals a plain tuple of the same values, which
nothing here builds.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from . import schema

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in one note. `path` is relative to the notes folder; `line` is 1-based."""

    path: str
    line: int | None
    severity: Severity
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


class Link(NamedTuple):
    """An outgoing link as written in a note.

    `target` is what names the note (`Jane Doe`, `contacts/Jane Doe`), `heading` the part after `#`,
    `label` the part after `|`. `field` is the front-matter key for links written there (else None).
    `context` is the line the link stands on, stripped, for backlink lists.
    """

    target: str
    line: int
    col: int
    heading: str | None = None
    label: str | None = None
    embed: bool = False
    field: str | None = None
    kind: Literal["wiki", "markdown"] = "wiki"
    context: str = ""


class Task(NamedTuple):
    """A `- [ ]` item in a note body (any one character between the brackets). `done` for
    `[x]`, `[X]` and `[-]` (cancelled). `due` is None when undated or when the date did not
    parse; `shown_from` is the day a scheduled (⏳) or start (🛫) date hides the task until."""

    text: str
    line: int
    done: bool
    due: dt.date | None = None
    shown_from: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A generated block. Lines are 1-based and point at the opening and closing marker lines.

    `start`/`end` are character offsets of the block's *content*: text[start:end] is what lies
    between the end of the opening marker line and the beginning of the closing marker line.
    """

    name: str
    open_line: int
    close_line: int
    start: int
    end: int


class InlineTag(NamedTuple):
    """An inline `#tag` of a note body: the tag (`career/ux`, without its `#`), and where its
    `#` stands (1-based line and column); `length` counts the `#` and the text as written."""

    name: str
    line: int
    col: int
    length: int


class ItemLine(NamedTuple):
    """The first line of a list item that carries an Obsidian block id (a bank question,
    `- What does a typical week look like? ^q-week`) or links to one (a question asked,
    `- [[questions#^q-week]]: mostly meetings`): `text` as a reader sees it (comments blanked
    out, columns kept, so a link's `col` points into it), `line` 1-based. Only such items are
    kept: what `questions.py` reads, at no cost to the other notes."""

    line: int
    text: str


class Heading(NamedTuple):
    """An ATX heading (`## Text`) of a note body, `text` without its closing #s."""

    level: int
    text: str
    line: int


class LogItem(NamedTuple):
    """A dated item of a contact's interaction log (§12): a list item under a `Log` heading that
    starts with an ISO date (`- 2026-11-20 email: sent the article`, or the date as a link,
    `- [[2026-11-20]] call: …`). `kind` is the one word before a colon right after the date,
    lower-cased (None when there is none); `text` is the rest as written; `line` is 1-based."""

    day: dt.date
    kind: str | None
    text: str
    line: int


class Insight(NamedTuple):
    """A candidate insight of an interview note (§13): a top-level list item or a paragraph,
    its continuation lines and nested items joined into one line (`text`, list marker and
    comments gone), with the innermost heading above it (`section`, None before the first),
    the inline tags on its lines (`tags`, as written, without `#`), whether it is a list item
    (`item`) and its first line (1-based).

    Every such unit of an interview under a heading is one, and each tagged list item before
    one (`Note.insights`, read from the lines the parser kept). Which of them are insights (a
    section named in `insight_sections`, or a tagged list item) is `learning.insights_of`'s
    decision, since the names are a setting and parsing is settings-free. Never a task,
    code, a comment or a generated block's text."""

    section: str | None
    tags: tuple[str, ...]
    text: str
    line: int
    item: bool = True


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often to keep in touch: a count of days, weeks or months."""

    count: int
    unit: Literal["d", "w", "m"]

    def after(self, day: dt.date) -> dt.date:
        """The date one cadence after `day`; months keep the day of month, clamped to month end.
        Past the calendar's last day (`cadence: 99999999d`), its last day."""
        try:
            if self.unit == "d":
                return day + dt.timedelta(days=self.count)
            if self.unit == "w":
                return day + dt.timedelta(weeks=self.count)
            month_index = day.month - 1 + self.count
            year, month = day.year + month_index // 12, month_index % 12 + 1
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, min(day.day, last))
        except (OverflowError, ValueError):
            return dt.date.max

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


@dataclass(frozen=True, slots=True)
class ContactFields:
    """What a contact note's front matter says, each value read and checked (§3)."""

    company: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    location: str | None = None
    introduced_by: str | None = None
    cadence: Cadence | None = None
    last_contact: dt.date | None = None
    status: str | None = None
    introducer_thanked: dt.date | None = None
    asked: dt.date | None = None
    replied: dt.date | None = None
    nudged: dt.date | None = None
    snoozed_until: dt.date | None = None


# The statuses live in the schema; named here too for the code that reads them beside the fields.
INTERVIEW_STATUSES = schema.INTERVIEW_STATUSES
CAREER_STATUSES = schema.CAREER_STATUSES


@dataclass(frozen=True, slots=True)
class InterviewFields:
    """What a conversation note's front matter says, each value read and checked (§3)."""

    date: dt.date | None = None
    with_: tuple[str, ...] = ()
    company: str | None = None
    careers: tuple[str, ...] = ()
    format: str | None = None
    status: str = schema.DONE
    thank_you: dt.date | None = None
    interest: int | None = None
    referrals: tuple[str, ...] = ()
    snoozed_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CompanyFields:
    """What a company note's front matter says (§3)."""

    industry: str | None = None
    website: str | None = None
    location: str | None = None


class Score(NamedTuple):
    """A career's flat score against one criterion (`score_growth: 4`, §13): the criterion
    (`growth`), the score (SCORE_MIN to SCORE_MAX) and the line of its key."""

    criterion: str
    value: int
    line: int


# A score is a whole number on a five-point scale: coarse enough to give honestly.
SCORE_MIN, SCORE_MAX = 1, 5


@dataclass(frozen=True, slots=True)
class CareerFields:
    """What a career path note's front matter says: its status and scores (§13)."""

    status: str | None = None
    ruled_out: dt.date | None = None
    reason: str | None = None
    scores: tuple[Score, ...] = ()
    snoozed_until: dt.date | None = None


class ListItem(NamedTuple):
    """A list item of a note's section (`open_questions`): its first line's text without the
    marker, its 1-based line and its indent (columns before the marker: a sub-item is deeper)."""

    text: str
    line: int
    indent: int


Fields = ContactFields | InterviewFields | CompanyFields | CareerFields | None


@dataclass(frozen=True)
class Note:
    """One parsed note. Pure data: built by `parse.parse_note`, never touched after."""

    path: str
    name: str
    title: str
    type: str | None
    meta: dict[str, Any]
    fields: Fields
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    private: bool = False
    links: tuple[Link, ...] = ()
    tasks: tuple[Task, ...] = ()
    blocks: tuple[Block, ...] = ()
    headings: tuple[Heading, ...] = ()
    # Obsidian block markers (`paragraph ^id`): (id, line), what `[[Note#^id]]` links to.
    block_ids: tuple[tuple[str, int], ...] = ()
    inline_tags: tuple[InlineTag, ...] = ()  # where the body's tags stand (`tags` has them all)
    log: tuple[LogItem, ...] = ()  # the dated items under its `Log` heading (§12)
    # An interview's content lines as the parser saw them (line index, text with comments
    # gone, list item, indented): what `insights` is read from, only when asked (§13).
    insight_lines: tuple[tuple[int, str, bool, bool], ...] = ()
    # The list items carrying a block id or linking to one (§13: the question bank), by line.
    items: tuple[ItemLine, ...] = ()
    # The list items under an `Open questions` heading (§13; any note, read in careers).
    open_questions: tuple[ListItem, ...] = ()
    # The day a daily note is of (§12: named `YYYY-MM-DD`, or `type: journal` with a `date`);
    # None for every other note.
    day: dt.date | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    body_line: int = 1
    newline: str = "\n"
    bom: bool = False
    unreadable: bool = field(default=False)
    # True only when the parser saw the note end outside everything that runs on to a later
    # line (a code fence, an HTML or %% comment, a raw HTML block, a generated block, a front
    # matter never closed): a block appended after such a note is found again
    # (`splice.splice_blocks` then skips parsing the new note). False when unsure.
    ends_plain: bool = False

    @property
    def folder(self) -> str:
        """The note's folder relative to the notes folder ('' at the top)."""
        return self.path.rpartition("/")[0]

    @property
    def insights(self) -> tuple[Insight, ...]:
        """The interview's list items and paragraphs, each with its heading: the candidate
        insights (§13, `Insight`). Worked out when asked, not while parsing: `check` reads
        thousands of interviews and never asks (a quarter of the parse time if it did). Nor
        kept: about half are no insight, and every interview's were 23 MB at 20,000 notes;
        `learning` keeps what it picks from them while the index stands."""
        if not self.insight_lines:
            return ()
        from .parse import insights_from_lines  # parse builds Notes: imported when first used

        return insights_from_lines(self.insight_lines, self.headings, self.inline_tags)

    def block(self, name: str) -> Block | None:
        for block in self.blocks:
            if block.name == name:
                return block
        return None


def new_note(**fields: Any) -> Note:
    """`Note(**fields)`, every field given (in their order), without the frozen dataclass's
    __init__, which sets each of its 26 fields through object.__setattr__ (6 us a note, 0.03 s
    of a 5,000-note load; this takes 2 us). Note has no __post_init__; a test holds the two
    equal. Set one by one, in the fields' order, the instance's dict keeps sharing its keys
    with every other Note's (280 bytes); `dict.update` would give each note a dict of its own
    (830 bytes, 11 MB at 20,000 notes)."""
    note = object.__new__(Note)
    values = note.__dict__
    for name, value in fields.items():
        values[name] = value
    return note
