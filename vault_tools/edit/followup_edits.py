"""`vault-tools done ID` and `vault-tools snooze ID --until D` (DESIGN §6, §10, §14).

An id is what `vault-tools followups` shows beside each item (`followup_ids.followup_ids`), and
is looked up in the same list (`followups_for_today`), then among the items hidden today that
a later day shows (a snoozed one, a task scheduled later), so that a snoozed item can be done.

What each writes, and nothing else:

- a task, done: its checkbox ticked (`- [ ]` -> `- [x]`) and the Tasks plugin's ` ✅ D` added
  at the end of its line (before a block id); snoozed: ` ⏳ D` added, or the date of its ⏳
  (or `[scheduled:: D]`) replaced;
- a derived follow-up, done: the one front-matter line that answers it (ANSWERS), inserted or
  replaced as text on the note it comes from; snoozed: `snoozed_until: D` on that note, which
  hides every derived follow-up of the note until D (§10).

The kinds no single fact answers (REFUSED) are refused with what does answer them. Every write
goes through `writer.write_note` with a pure transform, applied to the note as it is when
written: a save the user made since the vault was read is kept, and a task that is no longer
where the id found it (and cannot be found by its exact text) is refused rather than a wrong
line ticked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .. import referrals, schema
from ..capture.log import UNWRITABLE, iso_day
from ..fill import text_diff
from ..followup_ids import find_followup, followups_named
from ..followups import (
    FollowUp,
    followups_for_today,
    followups_of,
    latest_interaction,
    timed_followups,
)
from ..index import VaultIndex
from ..notes import ContactFields, Note, Task
from ..parse import TASK_RE, block_id, parse_note, read_task_text, split_lines
from ..vault import Vault, load_index, read_note
from ..writer import WriteError, write_note
from .frontmatter_lines import FrontMatterEditError, key_line, set_key, yaml_scalar


class EditError(Exception):
    """Nothing was written; the message says why and what to do instead."""


# What records that a derived follow-up is done: (front-matter key, the value; None: the day).
ANSWERS: dict[str, tuple[str, str | None]] = {
    schema.THANK_YOU: ("thank_you", None),
    schema.THANK_INTRODUCER: ("introducer_thanked", None),
    schema.KEEP_IN_TOUCH: ("last_contact", None),
    schema.REACH_OUT: ("asked", None),
    schema.NUDGE: ("nudged", None),
    schema.NO_REPLY: ("status", schema.NO_RESPONSE),
}
# The kinds no single fact answers: what to do instead (filled with the follow-up's note).
REFUSED: dict[str, str] = {
    schema.PREPARE: (
        "nothing records that you prepared: this reminder goes once the conversation's status "
        "is done or cancelled ({note}); to be reminded later, "
        "`vault-tools snooze {id} --until YYYY-MM-DD`"),
    # `done` could write `status: done`, but the conversation may have been cancelled: marking
    # it done would then make up a thank-you and an interaction that never happened.
    schema.UPDATE_STATUS: (
        "only you know whether it took place: write `status: done` or `status: cancelled` in "
        "{note}"),
    schema.ADD_REFERRAL: "it is answered by a note for them: {command}",
    schema.EXPLORE_OR_DROP: (
        "it is answered by a conversation (`vault-tools new interview NAME --with PERSON`) or "
        "by ruling the path out (`status: ruled-out`, `ruled_out: YYYY-MM-DD` and a `reason` "
        "in {note})"),
}

# A Tasks plugin scheduled date, and Dataview's field for it: the date snooze replaces.
_SCHEDULED_SIGN_RE = re.compile(r"([⏳⌛][\ufe0e\ufe0f]?[ \t]*)(\d{4}-\d{2}-\d{2})(?![\w-])")
_SCHEDULED_FIELD_RE = re.compile(r"([\[(]scheduled::[ \t]*)(\d{4}-\d{2}-\d{2})(?=[ \t]*[\])])",
                                 re.IGNORECASE)
# A Tasks plugin done date, and Dataview's field for it: what a task unticked by hand may
# still carry, its date replaced when `done` ticks it again.
_DONE_SIGN_RE = re.compile(r"(✅[\ufe0e\ufe0f]?[ \t]*)(\d{4}-\d{2}-\d{2})(?![\w-])")
_DONE_FIELD_RE = re.compile(r"([\[(]completion::[ \t]*)(\d{4}-\d{2}-\d{2})(?=[ \t]*[\])])",
                            re.IGNORECASE)
# What a task's words may hold that is no field: a code span, a comment, a wikilink, a
# Markdown link (its text and address). A date sign inside one is left as it is.
_WORDS_RE = re.compile(r"(`+).*?\1|%%.*?%%|\[\[.*?\]\]|\[[^\]]*\]\([^)]*\)")


@dataclass(frozen=True)
class Edited:
    """What `done` or `snooze` did (or, dry, would do): the note, the line changed in its new
    text and that line, the diff, whether the note was written, the other follow-ups of the
    note a snooze hides too, a remark for the user (None, or what was left to them), and
    whether the vault has generated blocks, which list a done item until the next `fill`."""

    followup: FollowUp
    path: str
    line: int
    text: str
    diff: str
    written: bool
    also: tuple[FollowUp, ...] = ()
    remark: str | None = None
    blocks_behind: bool = False


def parse_day(value: str, option: str) -> dt.date:
    """An ISO date given to `option` (YYYY-MM-DD, on the calendar), else EditError."""
    day = iso_day(value)
    if day is not None:
        return day
    raise EditError(f"{option} {value!r} is not a day: give it as YYYY-MM-DD (e.g. 2026-11-20); "
                    "nothing was written")


def resolve(index: VaultIndex, today: dt.date, wanted: str) -> FollowUp:
    """The follow-up `wanted` names among those `followups` shows as of `today`, else among
    those it will show from a later day (snoozed, or a task scheduled later: the id the user
    was shown before still names it); EditError when none (or several: a prefix too short)
    does."""
    timed = timed_followups(index)
    shown = [t.followup for t in timed if t.shown_on(today)]
    found = find_followup(shown, wanted)
    if found is None and not followups_named(shown, wanted):
        # Every item still to come; one whose days are over (a past conversation's
        # `prepare`) is not. (An id does not depend on the list but for a task written twice,
        # which is told apart by its order among those listed.)
        found = find_followup([t.followup for t in timed
                               if t.shown_until is None or t.shown_until >= today], wanted)
    if found is None and len(named := followups_named(shown, wanted)) > 1:
        raise EditError(f"The id {wanted.strip()!r} is the start of {len(named)} follow-ups' "
                        "ids; give more of it, as `vault-tools followups` shows it; nothing "
                        "was written")
    if found is None:
        raise EditError(f"No follow-up with id {wanted.strip()!r}; run `vault-tools followups` "
                        "to see the ids; nothing was written")
    return found


# --- the commands -----------------------------------------------------------------------------


def done(vault: Vault, wanted: str, today: dt.date, day: dt.date | None = None, *,
         dry_run: bool = False) -> Edited:
    """Mark the follow-up `wanted` done on `day` (default `today`); see the module docstring.
    EditError for every refusal, naming the note."""
    day = day or today
    index = load_index(vault, contexts=False)
    followup = resolve(index, today, wanted)
    edited = _done(vault, index, followup, wanted, day, dry_run)
    # Generated blocks (the Follow-ups note's among them) list open follow-ups: this one goes
    # from them at the next `fill`, or at once under `watch`. A snooze changes none.
    return replace(edited, blocks_behind=any(note.blocks for note in index))


def _done(vault: Vault, index: VaultIndex, followup: FollowUp, wanted: str, day: dt.date,
          dry_run: bool) -> Edited:
    if followup.kind == schema.TASK:
        task = _task_of(index, followup)
        edited = _apply(vault, followup, lambda text: _tick(followup.note, text, task, day),
                        dry_run)
        if "🔁" in task.text:
            # The Tasks plugin adds the next occurrence when a recurring task is ticked in
            # Obsidian; a line of the user's own that this command would have to invent.
            return replace(edited, remark="the task recurs (🔁): its next occurrence was not "
                                        "added; add it, or tick recurring tasks in Obsidian")
        return edited
    if followup.kind not in ANSWERS:
        raise EditError(f"{followup.note}: `done` cannot mark “{followup.title}” done: "
                        + _refusal(index, followup, wanted))
    key, value = ANSWERS[followup.kind]
    answer: str | dt.date = value if value is not None else day
    note = _writable(index, followup.note)
    was = note.meta.get(key)
    _, text = read_note(vault, note.path)
    if text is not None:
        _check_it_closes(index, note, followup, key, answer,
                         _set(note.path, text, key, answer, was)[0])
    return _apply(vault, followup, lambda text: _set(followup.note, text, key, answer, was),
                  dry_run)


def snooze(vault: Vault, wanted: str, today: dt.date, until: dt.date, *,
           dry_run: bool = False) -> Edited:
    """Hide the follow-up `wanted` until `until` (after `today`); see the module docstring.
    EditError for every refusal, naming the note."""
    if until <= today:
        raise EditError(f"--until {until.isoformat()} is not after today ({today.isoformat()}): "
                        "give a later day; nothing was written")
    index = load_index(vault, contexts=False)
    followup = resolve(index, today, wanted)
    if followup.kind == schema.TASK:
        task = _task_of(index, followup)
        return _apply(vault, followup,
                      lambda text: _schedule(followup.note, text, task, until), dry_run)
    was = _writable(index, followup.note).meta.get(schema.SNOOZED_UNTIL)
    also = tuple(f for f in followups_for_today(index, today)
                 if f.note == followup.note and f.kind != schema.TASK and f != followup)
    edited = _apply(vault, followup,
                    lambda text: _set(followup.note, text, schema.SNOOZED_UNTIL, until, was),
                    dry_run)
    return replace(edited, also=also)


# --- writing ----------------------------------------------------------------------------------


def _apply(vault: Vault, followup: FollowUp, edit: Callable[[str], tuple[str, int]],
           dry_run: bool) -> Edited:
    """Run `edit` (text -> new text and the line it changed) on the note, through the writer
    unless `dry_run`; the diff is of the text it was last applied to."""
    path = followup.note
    seen: list[tuple[str, str, int]] = []

    def transform(text: str) -> str:
        new_text, line = edit(text)
        seen.append((text, new_text, line))
        return new_text

    if dry_run:
        note, text = read_note(vault, path)
        if text is None:
            raise EditError(f"{path}: {_problem(note)}; nothing was written")
        transform(text)
        written = False
    else:
        try:
            written = write_note(vault.abs(path), transform, notes_dir=vault.notes_dir)
        except WriteError as exc:
            raise EditError(f"{exc}; nothing was written") from None
    old, new, line = seen[-1]
    changed = split_lines(new)[line - 1].rstrip("\r\n") if new else ""
    diff = text_diff(old, new, f"a/{path}", f"b/{path}")
    return Edited(followup, path, line, changed, diff, written)


def _problem(note: Note) -> str:
    return next((d.message for d in note.diagnostics), "cannot be read")


def _writable(index: VaultIndex, path: str) -> Note:
    """The note at `path`, which the tool may write (§6), else EditError naming the problem."""
    note = index.get(path)
    if note is None:
        raise EditError(f"{path}: no such note; nothing was written")
    for diag in note.diagnostics:
        if diag.code in UNWRITABLE:
            where = f"{path}:{diag.line}" if diag.line else path
            raise EditError(f"{where}: {diag.message}; the note is left alone until that is "
                            "fixed, nothing was written")
    return note


def _set(path: str, text: str, key: str, value: str | dt.date, was: Any) -> tuple[str, int]:
    """`set_key` as an edit: the new text and the key's line in it. `was` is the key's value
    when the follow-up was resolved: a value the user saved since is theirs, never
    overwritten (EditError)."""
    _refuse_unwritable_text(path, text)
    now = parse_note(path, text, contexts=False).meta.get(key)
    if now != was:
        where = key_line(text, key)
        raise EditError(f"{path}:{where or 1}: {key} was changed since the command read the note "
                        f"(it is now {_shown(now)}, was {_shown(was)}); run `vault-tools "
                        "followups` again if there is still something to do; nothing was "
                        "written")
    try:
        new_text = set_key(text, key, value, path)
    except FrontMatterEditError as exc:
        raise EditError(str(exc)) from None
    line = key_line(new_text, key)
    assert line is not None
    return new_text, line


def _shown(value: Any) -> str:
    return "absent" if value is None else repr(str(value))


def _refuse_unwritable_text(path: str, text: str) -> None:
    """The note as it is now (the user may have saved since it was read) must be writable."""
    for diag in parse_note(path, text, contexts=False).diagnostics:
        if diag.code in UNWRITABLE:
            where = f"{path}:{diag.line}" if diag.line else path
            raise EditError(f"{where}: {diag.message}; the note is left alone until that is "
                            "fixed, nothing was written")


# --- tasks ------------------------------------------------------------------------------------


def _task_of(index: VaultIndex, followup: FollowUp) -> Task:
    note = _writable(index, followup.note)
    task = next((t for t in note.tasks if t.line == followup.line and not t.done), None)
    if task is None:  # the index is the one the id was found in: it is there
        raise EditError(f"{followup.note}:{followup.line}: no open task there; nothing was written")
    return task


def _find_task(path: str, text: str, task: Task) -> tuple[list[str], int]:
    """The note's lines and the 0-based index of `task` in `text` as it is now: on its line
    if it still reads the same there, else the one open task with exactly its text. EditError
    when it is gone or no longer told apart from another."""
    _refuse_unwritable_text(path, text)
    note = parse_note(path, text, contexts=False)
    lines = split_lines(text)
    same = [t for t in note.tasks if not t.done and t.text == task.text]
    here = next((t for t in same if t.line == task.line), None)
    if here is None:
        if len(same) != 1:
            title = read_task_text(task.text).title
            raise EditError(
                f"{path}:{task.line}: the task “{title}” is no longer on that line (the note "
                "changed); run `vault-tools followups` again for its id; "
                "nothing was written")
        here = same[0]
    return lines, here.line - 1


def _tick(path: str, text: str, task: Task, day: dt.date) -> tuple[str, int]:
    """The task's checkbox ticked and ` ✅ D` added at the end of its line (before a block
    id): the Tasks plugin's way of marking a task done."""
    lines, at = _find_task(path, text, task)
    body, ending = _cut_ending(lines[at])
    match = TASK_RE.match(body)
    assert match is not None
    box = match.start(1)
    body = body[:box] + "x" + body[box + 1:]
    lines[at] = _dated(body, (_DONE_SIGN_RE, _DONE_FIELD_RE), "✅", day) + ending
    new_text = "".join(lines)
    _check_task(path, new_text, at + 1, task, done=True)
    return new_text, at + 1


def _schedule(path: str, text: str, task: Task, until: dt.date) -> tuple[str, int]:
    """The task scheduled for `until`: the date of its ⏳ (or `[scheduled:: D]`) replaced,
    else ` ⏳ D` added at the end of its line (before a block id)."""
    lines, at = _find_task(path, text, task)
    body, ending = _cut_ending(lines[at])
    lines[at] = _dated(body, (_SCHEDULED_SIGN_RE, _SCHEDULED_FIELD_RE), "⏳", until) + ending
    new_text = "".join(lines)
    _check_task(path, new_text, at + 1, task, done=False, until=until)
    return new_text, at + 1


def _dated(body: str, patterns: tuple[re.Pattern[str], ...], sign: str, day: dt.date) -> str:
    """`body` (a task's line) with the date of the first of `patterns` it holds (outside a
    link, code span or comment) replaced by `day`, else ` sign day` added (before a block
    id)."""
    # Searched with the words blanked out (same length, so the places are the line's).
    fields = _WORDS_RE.sub(lambda m: " " * len(m.group(0)), body)
    for pattern in patterns:
        match = pattern.search(fields)
        if match is not None:
            return body[:match.start(2)] + day.isoformat() + body[match.end(2):]
    return _before_block_id(body, f"{sign} {day.isoformat()}")


def _cut_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def _before_block_id(body: str, sign: str) -> str:
    """`body` (a task's line, no ending) with ` sign` added after its text: before a block id
    ending the line, before trailing blanks."""
    text = body.rstrip(" \t")
    trailing = body[len(text):]
    ident = block_id(text)
    if ident is not None:
        head = text[:len(text) - len(ident) - 1].rstrip(" \t")
        tail = text[len(head):].lstrip(" \t")
        return f"{head} {sign} {tail}{trailing}"
    return f"{text} {sign}{trailing}"


def _check_task(path: str, new_text: str, line: int, task: Task, *, done: bool,
                until: dt.date | None = None) -> None:
    """EditError unless the parser reads line `line` of `new_text` as the same task (same
    title), now done or now shown from `until`: a line the edit would have broken."""
    note = parse_note(path, new_text, contexts=False)
    now = next((t for t in note.tasks if t.line == line), None)
    # Blanks compared as one: a title read with a sign has its runs of blanks made single.
    title = read_task_text(task.text).title.split()
    ok = (now is not None and read_task_text(now.text).title.split() == title
          and now.done == done
          and (until is None or (now.shown_from is not None and now.shown_from >= until)))
    if not ok:
        raise EditError(f"{path}:{line}: the task could not be edited as a plain line (it would "
                        "read differently); edit it yourself, nothing was written")


# --- derived follow-ups -----------------------------------------------------------------------


def _refusal(index: VaultIndex, followup: FollowUp, wanted: str) -> str:
    """Why `done` refuses this kind, and what answers it instead."""
    hint = REFUSED.get(followup.kind)
    if hint is None:
        return "no single fact answers it; nothing was written"
    command = "`vault-tools new contact NAME`"
    if followup.kind == schema.ADD_REFERRAL:
        note = index.get(followup.note)
        for offer in referrals.offers_in(index, note, brief=True) if note else ():
            if offer.who.path is None and followup.title.startswith(f"Add {offer.who.name},"):
                command = f'`vault-tools new contact "{offer.who.name}"`'
                break
    return hint.format(note=followup.note, id=wanted.strip(), command=command) + \
        "; nothing was written"


def _check_it_closes(index: VaultIndex, note: Note, followup: FollowUp, key: str,
                     value: str | dt.date, text: str) -> None:
    """EditError when `text` (the note with `key: value` written) would leave the follow-up
    open as it is: a date before the facts that keep it open (a `last_contact` older than the
    last interaction, a `nudged` before `asked`). The index is put back as it was."""
    old = note
    new = parse_note(note.path, text, contexts=False)
    index.put(new)
    try:
        # Every kind `done` answers comes from the note it is written on (ANSWERS): asking
        # the rules about that note alone is enough, and a fifth of the cost of all of them.
        same = [f for f in followups_of(index, new)
                if (f.kind, f.note, f.contact) == (followup.kind, followup.note, followup.contact)]
    finally:
        index.put(old)
    if followup.kind == schema.KEEP_IN_TOUCH:
        still = [f for f in same if f.due is not None and followup.due is not None
                 and f.due <= followup.due]
    else:
        still = same
    if not still:
        return
    line = f"{key}: {yaml_scalar(value)}"
    reason = "the note's other facts keep it open"
    fields = old.fields
    if followup.kind == schema.KEEP_IN_TOUCH:
        latest = latest_interaction(index, note.path)
        if latest is not None:
            reason = f"the last interaction with them is already on {latest.day.isoformat()}"
    elif followup.kind == schema.NUDGE and isinstance(fields, ContactFields) and fields.asked:
        reason = (f"a nudge counts from the ask, on {fields.asked.isoformat()}: date it then "
                  "or later")
    raise EditError(f"{note.path}: `{line}` would not mark “{followup.title}” done ({reason}); "
                    "nothing was written")
