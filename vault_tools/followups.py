"""Follow-ups (§10): what needs doing next, worked out from the index alone.

The rules are pure functions of the index: `open_followups` never looks at the clock, so generated
blocks built from it stay byte-stable. Views that depend on the date (overdue, due this week, the
`update-status` reminder) take `today` as an argument; the command line passes the real date, and
the site hands the same rules to the browser (`timed_followups`: each follow-up with the days it
shows on), which applies them to the reader's date.

Titles are what a person reads: a link in a task's text is written as the name it shows
(`shown_text`); the Markdown as written is kept in `FollowUp.text` for the site, which makes
those names links again.

Why one module of over 600 lines (#16): it is the rules of §10 and only them (the command's output
is `followups_report.py`, the ids `followup_ids.py`). The rules read one another's facts (an
interview's people, a contact's latest interaction, the outreach states) and the registry at the
bottom lists them in order; one rule per section keeps "what makes a follow-up" in one reading.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol, TypeVar

from . import careers, referrals, schema
from .index import VaultIndex
from .notes import CareerFields, ContactFields, InterviewFields, Note, Task
from .parse import read_task_text
from .schema import (
    ADD_REFERRAL,
    CANCELLED,
    DONE,
    EXPLORE_OR_DROP,
    KEEP_IN_TOUCH,
    NO_REPLY,
    NUDGE,
    PLANNED,
    PREPARE,
    REACH_OUT,
    TASK,
    THANK_INTRODUCER,
    THANK_YOU,
    UPDATE_STATUS,
)
from .settings import DEFAULT_NUDGE_DAYS
from .wikilinks import TITLE_MDLINK, TITLE_WIKILINK


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One thing to do. `note` is where it comes from (and where to mark it done); `contact` is
    the person it concerns; both are paths relative to the notes folder.

    `private` is True when the follow-up would reveal a private note (its source, its contact or
    anyone it names): the site leaves those out. `text` is the title as written in Markdown when
    that holds a link (the title itself shows the link's name), else None: the site links it.
    `shown_from` is the day a task's scheduled or start date, or its note's `snoozed_until`
    (a derived follow-up), hides it until: the date-relative views leave it out before then,
    generated blocks (clock-free) list it under its date.
    None of the three is part of `to_dict()` (§10's shape).
    """

    kind: str
    due: dt.date | None
    title: str
    note: str
    line: int | None = None
    contact: str | None = None
    private: bool = False
    text: str | None = None
    shown_from: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """Exactly the §10 JSON object: kind, due (ISO or None), title, note, line, contact."""
        return {
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "title": self.title,
            "note": self.note,
            "line": self.line,
            "contact": self.contact,
        }

    def sort_key(self) -> tuple[Any, ...]:
        """Undated last, then by due date, note, line and kind (contact and title break ties)."""
        return (
            self.due is None, self.due or dt.date.min, self.note, self.line or 0, self.kind,
            self.contact or "", self.title,
        )


# --- the rules ----------------------------------------------------------------------------------


def open_followups(index: VaultIndex) -> list[FollowUp]:
    """Every open follow-up of §10 except `update-status`, sorted. Clock-free. A note's
    `snoozed_until` is honoured here, once for every rule (see `snoozed`)."""
    found: list[FollowUp] = []
    for note in index:
        found.extend(followups_of(index, note))
    return sorted(found, key=FollowUp.sort_key)


def followups_of(index: VaultIndex, note: Note) -> list[FollowUp]:
    """The open follow-ups `note` makes (every rule asked about it; its `snoozed_until`
    honoured), in RULES order: the part of `open_followups` that comes from it."""
    until = snoozed_until(note)
    found: list[FollowUp] = []
    for rule in RULES:
        made = rule(index, note)
        found.extend(made if until is None else [snoozed(f, until) for f in made])
    return found


def snoozed_until(note: Note) -> dt.date | None:
    """The day the note's `snoozed_until` hides its derived follow-ups until (None: not
    snoozed; a bad date is reported by the parser and snoozes nothing)."""
    return getattr(note.fields, "snoozed_until", None)


def snoozed(followup: FollowUp, until: dt.date) -> FollowUp:
    """A derived follow-up of a note snoozed until `until` (§10): shown from that day, as a
    task with a ⏳ date is (the date-relative views leave it out before then; generated
    blocks, clock-free, list it as before). Its due date and id stay. A task keeps its own
    dates: it is snoozed with ⏳ on its line."""
    if followup.kind == TASK or (followup.shown_from is not None
                                 and followup.shown_from >= until):
        return followup
    return replace(followup, shown_from=until)


def _interview_rule(index: VaultIndex, note: Note) -> list[FollowUp]:
    fields = note.fields
    return _interview_followups(index, note, fields) if isinstance(fields, InterviewFields) else []


def _contact_rule(index: VaultIndex, note: Note) -> list[FollowUp]:
    fields = note.fields
    return _contact_followups(index, note, fields) if isinstance(fields, ContactFields) else []



@dataclass(frozen=True)
class Timed:
    """A follow-up and the days it is shown on: from `shown_from` (None: always) to
    `shown_until` (None: for as long as it is open), both included."""

    followup: FollowUp
    shown_from: dt.date | None = None
    shown_until: dt.date | None = None

    def shown_on(self, today: dt.date) -> bool:
        return ((self.shown_from is None or self.shown_from <= today)
                and (self.shown_until is None or today <= self.shown_until))


def timed_followups(index: VaultIndex,
                    followups: Iterable[FollowUp] | None = None) -> list[Timed]:
    """Every follow-up any day may show, with the days it shows on, sorted. Clock-free: the
    site hands this to the browser, which applies it to the reader's date.

    A planned interview asks to be prepared for up to its day; from the day after, it asks
    instead to be marked done or cancelled (`update-status`). A task with a scheduled (⏳) or
    start (🛫) date shows from that day. `followups`: `open_followups(index)`
    when the caller has it already.
    """
    found = [Timed(f, f.shown_from)
             for f in (open_followups(index) if followups is None else followups)]
    passed: dict[str, dt.date] = {}  # planned interview -> its date
    for note in index.by_type(schema.INTERVIEW):
        fields = note.fields
        if not isinstance(fields, InterviewFields) or fields.status != PLANNED:
            continue
        if fields.date is None:
            continue
        passed[note.path] = fields.date
        people = interview_people(index, fields, note.path)
        after = days_after(fields.date, 1)
        update = FollowUp(
            UPDATE_STATUS, after,
            f"Mark {_conversation(people, note)} as done or cancelled",
            note.path, None, first_person_path(people), _any_private(note, people))
        shown = after
        if fields.snoozed_until is not None and fields.snoozed_until > after:
            shown = fields.snoozed_until  # as `snoozed` does for the other kinds
        found.append(Timed(update, shown_from=shown))
    found = [
        Timed(t.followup, t.shown_from, passed[t.followup.note])
        if t.followup.kind == PREPARE and t.followup.note in passed else t
        for t in found
    ]
    return sorted(found, key=lambda t: t.followup.sort_key())


def followups_for_today(index: VaultIndex, today: dt.date) -> list[FollowUp]:
    """What to do as of `today`: `open_followups`, except that a planned interview whose date is
    before `today` asks to be marked done or cancelled (`update-status`) instead of to be
    prepared for. The reminder depends on the date, so it never reaches generated blocks."""
    return [t.followup for t in timed_followups(index) if t.shown_on(today)]


def days_after(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days` (back when negative), held at the ends of the calendar: a note
    dated 9999-12-31 must not stop the follow-ups of every other note."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def last_interaction(index: VaultIndex, contact_path: str) -> dt.date | None:
    """The day of the contact's last interaction (§12): the latest of their `last_contact`,
    done conversations with them, their `Log` items and daily notes that link to them. None
    before the first one (or when no contact has that path). Keep-in-touch runs from it."""
    latest = latest_interaction(index, contact_path)
    return latest.day if latest is not None else None


def latest_interaction(
    index: VaultIndex, contact_path: str, shown: Callable[[Note], bool] | None = None
) -> Interaction | None:
    """The contact's last interaction with where it is recorded (see `Interaction`), or None.
    `shown`: only interactions recorded in notes it accepts count (the site passes "is
    public", so a private conversation's date is never shown); the contact's own facts
    (`last_contact`, the log) always count. On a tie the contact's own facts win, then
    conversations, then daily notes (INTERACTIONS order)."""
    contact = index.get(contact_path)
    if contact is None:
        return None
    return _latest_interaction(index, contact, shown)


class _Placed(Protocol):
    """What says whose a follow-up is (FollowUp, and the blocks' FollowUpLike)."""

    @property
    def note(self) -> str: ...
    @property
    def contact(self) -> str | None: ...


_F = TypeVar("_F", bound=_Placed)


def concerns(followup: _Placed, path: str) -> bool:
    """Whether a follow-up is one of the note's: it comes from the note, or the note is the
    person it concerns (its contact). The one rule behind "a note's follow-ups"."""
    return followup.note == path or followup.contact == path


def followups_by_note(followups: Iterable[_F]) -> dict[str, list[_F]]:
    """Each note's follow-ups (see `concerns`), in the order given."""
    by_note: dict[str, list[_F]] = {}
    for followup in followups:
        by_note.setdefault(followup.note, []).append(followup)
        if followup.contact is not None and followup.contact != followup.note:
            by_note.setdefault(followup.contact, []).append(followup)
    return by_note


def next_followup(
    index: VaultIndex, contact_path: str, followups: Iterable[FollowUp]
) -> FollowUp | None:
    """The first open follow-up (in the sorted order of `followups`) that concerns the contact:
    one whose contact is them or that comes from their note."""
    if contact_path not in index:
        return None
    for followup in followups:
        if concerns(followup, contact_path):
            return followup
    return None


# --- tasks --------------------------------------------------------------------------------------


def _task_followups(index: VaultIndex, note: Note) -> list[FollowUp]:
    open_tasks = [task for task in note.tasks if not task.done]
    if not open_tasks:
        return []
    if isinstance(note.fields, InterviewFields) and note.fields.status == CANCELLED:
        return []  # the conversation is off: what was to be done for it is too
    on_line = _notes_by_line(index, note, {task.line for task in open_tasks})
    # Who a task concerns: the contact whose note it is in, the first person of the interview
    # it is in, or else the first contact linked on the task's own line.
    fixed: str | None = None
    if note.type == schema.CONTACT:
        fixed = note.path
    elif isinstance(note.fields, InterviewFields):
        fixed = first_person_path(interview_people(index, note.fields, note.path))
    out = []
    for task in open_tasks:
        linked = on_line.get(task.line, [])
        contact = fixed
        if contact is None and not isinstance(note.fields, InterviewFields):
            contact = next((other.path for other in linked if other.type == schema.CONTACT), None)
        private = (note.private or any(other.private for other in linked)
                   or _is_private(index, contact))
        written = task_text(task)
        title = shown_text(written)
        out.append(FollowUp(TASK, task.due, title, note.path, task.line, contact,
                            private, written if title != written else None, task.shown_from))
    return out


def task_text(task: Task) -> str:
    """The task's text as written, without the dates, priority, recurrence and inline fields
    the parser read in it (`parse.read_task_text`). An invalid date stays in the text, so the
    reader sees why the task has no date."""
    return read_task_text(task.text).title


def task_title(task: Task) -> str:
    """The task's title as a person reads it: `task_text` with each link shown as its name."""
    return shown_text(task_text(task))


def shown_link(inner: str) -> str:
    """What a wikilink shows, given what stands between its brackets: its label, else the
    note's name (the last part of a path, `.md` dropped), with `› heading` when it has one."""
    inner = inner.replace("\\|", "|")
    target, bar, label = inner.partition("|")
    if bar and label.strip():
        return label.strip()
    target, _, heading = target.partition("#")
    name = target.strip().rstrip("/").rpartition("/")[2]
    if name.lower().endswith(".md"):
        name = name[:-3]
    heading = heading.rpartition("#")[2].lstrip("^").strip()
    if name and heading:
        return f"{name} › {heading}"
    return name or heading


def shown_text(text: str) -> str:
    """Markdown text with every link written as what it shows: `[[Jane Doe|Jane]]` -> Jane,
    `[[contacts/Jane Doe#Notes]]` -> Jane Doe › Notes, `[the post](a.md)` -> the post, an
    embed `![[x]]` -> x. No `[[` or `](` a reader would have to decode is left, but in links
    nested more than MAX_NESTING deep (no one writes them; a broken import might). Linear in
    the length of `text`."""
    # Each pass shows one level of links (one pass is enough unless links are nested).
    for _ in range(MAX_NESTING):
        if "[" not in text:
            break
        shown = _SHOWN_WIKILINK.sub(lambda m: shown_link(m.group("wiki")), text)
        shown = _SHOWN_MDLINK.sub(lambda m: m.group("label") or m.group("url").strip("<>"),
                                  shown)
        if shown == text:
            break
        text = shown
    return text


MAX_NESTING = 64

# The links of a title (see wikilinks.TITLE_WIKILINK); an embed's "!" goes with its link.
_SHOWN_WIKILINK = re.compile("!?" + TITLE_WIKILINK)
_SHOWN_MDLINK = re.compile("!?" + TITLE_MDLINK)


def _notes_by_line(index: VaultIndex, note: Note, lines: Collection[int]) -> dict[int, list[Note]]:
    """Notes linked from each of these body `lines` of a note, in the order written (the
    lines of its open tasks: most of a note's links stand elsewhere)."""
    out: dict[int, list[Note]] = {}
    notes = index.notes
    for link, resolution in index.outgoing(note.path):
        if link.line in lines and link.field is None and resolution.path is not None:
            target = notes.get(resolution.path)
            if target is not None:
                out.setdefault(link.line, []).append(target)
    return out


# --- interviews ---------------------------------------------------------------------------------


def _interview_followups(index: VaultIndex, note: Note, fields: InterviewFields) -> list[FollowUp]:
    """`prepare` for a planned interview, `thank-you` for a done one without `thank_you`.
    A missing or bad date gives an undated follow-up; a cancelled interview gives nothing."""
    people = interview_people(index, fields, note.path)
    contact = first_person_path(people)
    private = _any_private(note, people)
    if fields.status == PLANNED:
        due = days_after(fields.date, -1) if fields.date else None
        return [FollowUp(PREPARE, due, f"Prepare for {_conversation(people, note)}", note.path,
                         None, contact, private)]
    if fields.status == DONE and fields.thank_you is None:
        due = days_after(fields.date, 1) if fields.date else None
        who = _who(people)
        title = f"Send a thank-you to {who}" if who else f"Send a thank-you for “{note.name}”"
        return [FollowUp(THANK_YOU, due, title, note.path, None, contact, private)]
    return []


def _conversation(people: Sequence[tuple[str, Note | None]], note: Note) -> str:
    """'the conversation with Jane Doe', or the note's name when `with` names no one."""
    who = _who(people)
    return f"the conversation with {who}" if who else f"the conversation “{note.name}”"


def interview_people(index: VaultIndex, fields: InterviewFields,
                     source: str | None = None) -> list[tuple[str, Note | None]]:
    """Each distinct person of `with`: (name to show, their note or None when it names nobody),
    resolved from the interview note at `source` as its links are (own folder first)."""
    out: list[tuple[str, Note | None]] = []
    seen: set[str] = set()
    for target in fields.with_:
        person = index.resolve_note(target, source)
        key = person.path if person is not None else target.lower()
        if key in seen:
            continue
        seen.add(key)
        out.append((person.name if person is not None else target, person))
    return out


def first_person_path(people: Sequence[tuple[str, Note | None]]) -> str | None:
    """The path of the first person of `with` who has a note (None when nobody resolves)."""
    return next((person.path for _, person in people if person is not None), None)


def _who(people: Sequence[tuple[str, Note | None]]) -> str | None:
    """Who an interview was with, for a title; None when `with` names no one."""
    names = [name for name, _ in people]
    return join_names(names) if names else None


def join_names(names: Sequence[str]) -> str:
    """'Jane Doe', 'Jane Doe and Sam Lee', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _any_private(note: Note, people: Sequence[tuple[str, Note | None]]) -> bool:
    return note.private or any(person is not None and person.private for _, person in people)


def _is_private(index: VaultIndex, path: str | None) -> bool:
    other = index.get(path) if path is not None else None
    return other is not None and other.private


# --- contacts -----------------------------------------------------------------------------------


def _interviews_with(index: VaultIndex, contact: Note,
                     status: str) -> list[tuple[Note, InterviewFields]]:
    """Interviews with this status whose `with` names this contact, in path order."""
    return referrals.conversations_with(index, contact.path, status)


def _done_interviews_with(index: VaultIndex, contact: Note) -> list[tuple[Note, InterviewFields]]:
    return _interviews_with(index, contact, DONE)


# --- interactions: what starts and restarts keeping in touch ------------------------------------
#
# Each source lists the dated interactions with a contact (§12). A new kind of interaction is one
# more function in INTERACTIONS. A source may only look at the contact's note and the notes
# linking to it, which keeps the watcher's follow-up cache right: a daily note that mentions the
# person links to them, so it is one of those.

# How an interaction is recorded (`Interaction.how`).
LAST_CONTACT, CONVERSATION, LOG, DAILY_NOTE = "last_contact", "conversation", "log", "daily-note"


class Interaction(NamedTuple):
    """One dated interaction with a contact: the day, the note that records it (None when it is
    the contact's own note: `last_contact` or a `Log` item), how it is recorded (LAST_CONTACT,
    CONVERSATION, LOG or DAILY_NOTE) and the line it is written on (None for a front-matter
    date)."""

    day: dt.date
    where: Note | None
    how: str
    line: int | None = None


def _last_contact(index: VaultIndex, contact: Note) -> Iterable[Interaction]:
    fields = contact.fields
    if isinstance(fields, ContactFields) and fields.last_contact is not None:
        yield Interaction(fields.last_contact, None, LAST_CONTACT)


def _log_items(index: VaultIndex, contact: Note) -> Iterable[Interaction]:
    for item in contact.log:
        yield Interaction(item.day, None, LOG, item.line)


def _done_interviews(index: VaultIndex, contact: Note) -> Iterable[Interaction]:
    for interview, fields in _done_interviews_with(index, contact):
        if fields.date is not None:
            yield Interaction(fields.date, interview, CONVERSATION)


def _daily_touches(index: VaultIndex, contact: Note) -> Iterable[Interaction]:
    """A daily note's body link to the contact, except on the line of an open task (a plan, not
    a touch: `- [ ] call [[Jane]]`). A daily note dated ahead counts as written: the rules read
    no clock, and a plan is written as a task."""
    plans: dict[str, set[int]] = {}  # per daily note, the lines of its open tasks
    for backlink in index.backlinks(contact.path):
        link = backlink.link
        if link.field is not None:
            continue
        source = index.get(backlink.source)
        if source is None or source.day is None:
            continue
        if source.path not in plans:
            # One set per note, not a scan of its tasks per link: a daily note of thousands
            # of `- [ ] call [[Jane]]` was quadratic.
            plans[source.path] = {task.line for task in source.tasks if not task.done}
        if link.line in plans[source.path]:
            continue
        yield Interaction(source.day, source, DAILY_NOTE, link.line)


INTERACTIONS: list[Callable[[VaultIndex, Note], Iterable[Interaction]]] = [
    _last_contact, _log_items, _done_interviews, _daily_touches,
]


def _latest_interaction(
    index: VaultIndex, contact: Note, shown: Callable[[Note], bool] | None = None
) -> Interaction | None:
    """The last interaction (see `latest_interaction`); on a tie the earlier source in
    INTERACTIONS wins, then the first one a source lists. None before the first interaction."""
    latest: Interaction | None = None
    for interactions in INTERACTIONS:
        for found in interactions(index, contact):
            if latest is not None and found.day <= latest.day:
                continue
            if shown is not None and found.where is not None and not shown(found.where):
                continue
            latest = found
    return latest


def _contact_followups(index: VaultIndex, note: Note, fields: ContactFields) -> list[FollowUp]:
    out = []
    if (fields.cadence is not None and fields.status not in schema.CLOSED_STATUSES
            and not _interviews_with(index, note, PLANNED) and not _awaiting_reply(index, note)):
        # Keeping in touch starts at the first interaction (someone never met is an outreach
        # question, not a "get back in touch"), and waits while a conversation is planned or
        # an ask waits for its answer (the ask written in the Log is no conversation: `nudge`
        # and `no-reply` say what to do then). A closed outreach (`no-response`, `declined`,
        # `paused`) is never "get back in touch".
        latest = _latest_interaction(index, note)
        if latest is not None:
            # A private note that holds the last interaction would show through its date.
            private = note.private or (latest.where is not None and latest.where.private)
            out.append(FollowUp(KEEP_IN_TOUCH, fields.cadence.after(latest.day),
                                f"Get back in touch with {note.name}", note.path, None,
                                note.path, private))
    if fields.introduced_by and fields.introducer_thanked is None:
        done = _done_interviews_with(index, note)
        if done:
            out.append(_thank_introducer(index, note, fields.introduced_by, done))
    return out


def _awaiting_reply(index: VaultIndex, note: Note) -> bool:
    """Whether the contact's ask waits for an answer: a `nudge` or `no-reply` is open."""
    return any(f.kind in (NUDGE, NO_REPLY) for f in _outreach_rule(index, note))


def _thank_introducer(
    index: VaultIndex, note: Note, introduced_by: str, done: list[tuple[Note, InterviewFields]]
) -> FollowUp:
    """Due two days after the first dated done interview; undated when none has a usable date."""
    introducer = index.resolve_note(introduced_by, note.path)
    dated = sorted((f.date, interview.path, interview) for interview, f in done if f.date)
    first_day, first = (dated[0][0], dated[0][2]) if dated else (None, None)
    name = introducer.name if introducer is not None else introduced_by
    private = (note.private or (introducer is not None and introducer.private)
               or (first is not None and first.private))
    return FollowUp(
        THANK_INTRODUCER, days_after(first_day, 2) if first_day else None,
        f"Tell {name} how the conversation with {note.name} went", note.path, None,
        introducer.path if introducer is not None else None, private,
    )


# --- date-relative views ------------------------------------------------------------------------


# The groups of a date-relative view, in order: the command and the site use these names.
OVERDUE, TODAY, THIS_WEEK, LATER, UNDATED = "overdue", "today", "week", "later", "undated"
GROUPS = (
    (OVERDUE, "Overdue"),        # due before today
    (TODAY, "Today"),
    (THIS_WEEK, "This week"),    # the WEEK_DAYS days after today
    (LATER, "Later"),
    (UNDATED, "Undated"),
)
WEEK_DAYS = 6


def group_label(key: str, days: int = WEEK_DAYS) -> str:
    """A group's heading; with another horizon than a week, "This week" says how many days."""
    if key == THIS_WEEK and days != WEEK_DAYS:
        return f"Next {days} day{'' if days == 1 else 's'}"
    return dict(GROUPS)[key]


def group_of(due: dt.date | None, today: dt.date, days: int = WEEK_DAYS) -> str:
    """The group a due date falls in, as of `today` (the browser's script does the same)."""
    if due is None:
        return UNDATED
    if due < today:
        return OVERDUE
    if due == today:
        return TODAY
    return THIS_WEEK if due <= today + dt.timedelta(days=days) else LATER


# --- outreach: referrals become conversations (§12) ---------------------------------------------
#
# The facts (who offered whom, resolved from the interview) are `referrals.py`'s; these rules
# turn them into things to do. Each rule reads only its note, the notes it links to and the
# notes linking to it, with one exception the watcher already covers: a reach-out names who
# offered the person, two links away (person <- interview -> referrer). A referrer's name only
# changes when their note comes or goes, and the index then reports the interview relinked
# with its targets; a change of privacy reaches the targets of the notes linking to it.

# Days after `asked` that a `nudge` is due by default; a vault sets its own with the
# `nudge_days` option, which the rule reads from `index.settings`.
NUDGE_DAYS = DEFAULT_NUDGE_DAYS
# Days after the nudge that a `no-reply` is due.
NO_REPLY_DAYS = 7
# Days after the offer that a `reach-out` is due.
REACH_OUT_DAYS = 3
# The statuses that say the person answered: nobody is nudged, or asked to be reached, then.
_ANSWERED_STATUSES = frozenset({schema.SCHEDULED, schema.MET, schema.KEEP_WARM})


def _add_referral_rule(index: VaultIndex, note: Note) -> list[FollowUp]:
    """`add-referral`: each name a done conversation's `referrals` offers that has no note yet,
    due the day after the conversation (undated without a date). It goes when a note of that
    name exists."""
    out = []
    for offer in referrals.offers_in(index, note, brief=True):
        if offer.who.path is not None:
            continue
        names = [person.name for person in offer.offered_by]
        if names:
            title = f"Add {offer.who.name}, whom {join_names(names)} offered to introduce"
        else:
            title = f"Add {offer.who.name}, offered in “{note.name}”"
        contact = next((p.path for p in offer.offered_by if p.path is not None), None)
        due = days_after(offer.date, 1) if offer.date else None
        out.append(FollowUp(ADD_REFERRAL, due, title, note.path, None, contact, offer.private))
    return out


def _outreach_rule(index: VaultIndex, note: Note) -> list[FollowUp]:
    """A contact's outreach follow-up, at most one: `reach-out` before they are asked, then
    `nudge` (`index.settings.nudge_days` after `asked`) and `no-reply` while the ask waits;
    none once a `status` closed or answered it."""
    fields = note.fields
    if not isinstance(fields, ContactFields):
        return []
    if fields.status in schema.CLOSED_STATUSES or fields.status in _ANSWERED_STATUSES:
        return []  # outreach is over, one way or the other
    reach = _reach_out(index, note, fields)
    if reach is not None:
        return [reach]
    waiting = _waiting(index, note, fields, index.settings.nudge_days)
    return [waiting] if waiting is not None else []


def _reach_out(index: VaultIndex, note: Note, fields: ContactFields) -> FollowUp | None:
    """`reach-out`: offered in a done conversation or `introduced_by` someone, and nothing yet:
    not asked (no `asked`, `replied`, `nudged` or `status: asked`), no conversation planned or
    done, no interaction (INTERACTIONS). Due REACH_OUT_DAYS after the earliest dated offer;
    undated when no offer has a date (someone only `introduced_by`)."""
    if fields.status == schema.ASKED or any(
            day is not None for day in (fields.asked, fields.replied, fields.nudged)):
        return None
    linked = referrals.linked_from(index, note.path, ("with", "referrals"))
    if not linked["referrals"] and not fields.introduced_by:
        return None
    if any(isinstance(other.fields, InterviewFields) for other in linked["with"]):
        return None  # planned or done (a cancelled one was arranged: they were asked)
    if _latest_interaction(index, note) is not None:
        return None
    offered = referrals.offers_of(index, note.path, brief=True)
    if not offered and not fields.introduced_by:
        return None  # linked from `referrals` of conversations that offer no one
    first = offered[0] if offered else None
    if fields.introduced_by:
        by = referrals.resolve_people(index, (fields.introduced_by,), note.path)
    else:
        by = list(first.offered_by) if first is not None else []
    by = [person for person in by if person.path != note.path]  # "introduced by" themself
    title = f"Ask {note.name} for a conversation"
    if by:
        title += f" (introduced by {join_names([person.name for person in by])})"
    private = (note.private or any(person.private for person in by)
               or any(offer.private for offer in offered))
    due = days_after(first.date, REACH_OUT_DAYS) if first is not None and first.date else None
    return FollowUp(REACH_OUT, due, title, note.path, None, note.path, private)


def _waiting(index: VaultIndex, note: Note, fields: ContactFields,
             nudge_days: int) -> FollowUp | None:
    """`nudge` (asked, `nudge_days` later) and then `no-reply` (nudged, NO_REPLY_DAYS later),
    while nothing answered: no `replied` on or after the ask, no conversation dated on or after
    it, none planned without a date. A `nudged` before a later `asked` belongs to an earlier
    round: the new ask is nudged again."""
    asked, nudged = fields.asked, fields.nudged
    if nudged is not None and asked is not None and nudged < asked:
        nudged = None
    since = asked or nudged
    if since is None:
        return None
    if fields.replied is not None and fields.replied >= since:
        return None
    for _, interview in referrals.conversations_with(index, note.path):
        if ((interview.date is None and interview.status == PLANNED)
                or (interview.date is not None and interview.date >= since)):
            return None
    if nudged is None:
        assert asked is not None
        return FollowUp(NUDGE, days_after(asked, nudge_days),
                        f"Nudge {note.name}: asked on {asked.isoformat()}, no reply yet",
                        note.path, None, note.path, note.private)
    company = (referrals.resolve_people(index, (fields.company,), note.path)
               if fields.company else [])
    elsewhere = (f"write to someone else at {company[0].name}" if company
                 else "write to someone else")
    return FollowUp(NO_REPLY, days_after(nudged, NO_REPLY_DAYS),
                    f"No reply from {note.name}: mark no-response, or {elsewhere}",
                    note.path, None, note.path,
                    note.private or any(c.private for c in company))


# --- careers (§13) ---------------------------------------------------------------------------


def _explore_or_drop_rule(index: VaultIndex, note: Note) -> list[FollowUp]:
    """`explore-or-drop`: an `exploring` career, due `index.settings.explore_days` after its
    latest conversation, done or planned (a cancelled one does not count); undated when it has
    had none at all. Clock-free: a conversation added, or the status changed, takes it away or
    moves it. Private when the career is, or when its due date would tell a private
    conversation's."""
    fields = note.fields
    if not isinstance(fields, CareerFields) or fields.status != schema.EXPLORING:
        return []
    latest = careers.latest_conversation_of(index, note.path)
    title = f"Talk to someone in {note.name}, or rule it out"
    if latest is None:
        return [FollowUp(EXPLORE_OR_DROP, None, title, note.path, None, None, note.private)]
    day, latest_path = latest
    private = note.private or _is_private(index, latest_path)
    return [FollowUp(EXPLORE_OR_DROP, days_after(day, index.settings.explore_days),
                     title, note.path, None, None, private)]


# --- the registry -------------------------------------------------------------------------------

Rule = Callable[[VaultIndex, Note], list[FollowUp]]
# The rules of §10, each asked about every note for the open follow-ups it makes, in this order.
# A new kind of follow-up is one more rule here (and its name and label in schema.py): the
# blocks, the dashboard, the site and the feed take every open follow-up as it comes.
RULES: tuple[Rule, ...] = (_task_followups, _interview_rule, _contact_rule,
                           _add_referral_rule, _outreach_rule, _explore_or_drop_rule)
