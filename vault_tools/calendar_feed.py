"""The follow-ups calendar feed: dated follow-ups and planned interviews as an iCalendar file.

Pure and clock-free: the bytes are a function of the vault's contents only, so re-exporting an
unchanged vault gives identical bytes and a subscribed calendar sees no change. Each event's UID
is derived from what it is (kind, note path, line or person), so a calendar app that refreshes
the feed updates its events instead of adding duplicates.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import icalendar

from .followups import (
    FollowUp,
    first_person_path,
    interview_people,
    join_names,
    open_followups,
)
from .index import VaultIndex
from .notes import InterviewFields, Note

PRODID = "-//vault-tools//Follow-ups//EN"
CALENDAR_NAME = "Follow-ups"
UID_DOMAIN = "vault-tools"
PLANNED_INTERVIEW = "interview"

_KIND_LABELS = {
    "task": "Task",
    "prepare": "Prepare",
    "thank-you": "Thank-you",
    "keep-in-touch": "Keep in touch",
    "thank-introducer": "Thank the introducer",
}


def event_uid(kind: str, note: str, line: int | None = None, contact: str | None = None) -> str:
    """A UID that names the same follow-up on every export: a hash of what identifies it."""
    key = "\n".join((kind, note, str(line or ""), contact or ""))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return f"{kind}-{digest}@{UID_DOMAIN}"


def followups_ics(index: VaultIndex, *, include_private: bool = False) -> bytes:
    """An iCalendar feed: one all-day event per dated open follow-up and per planned interview
    (on the interview's date). Undated follow-ups are left out, and so is anything touching a
    private note unless `include_private`."""
    events: list[tuple[tuple[str, str], icalendar.Event]] = []
    for followup in open_followups(index):
        if followup.due is None or (followup.private and not include_private):
            continue
        events.append(_followup_event(followup))
    for note in index.by_type("interview"):
        event = _interview_event(index, note, include_private)
        if event is not None:
            events.append(event)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    for _, event in sorted(events, key=lambda pair: pair[0]):
        calendar.add_component(event)
    return calendar.to_ical()


def _followup_event(followup: FollowUp) -> tuple[tuple[str, str], icalendar.Event]:
    assert followup.due is not None
    uid = event_uid(followup.kind, followup.note, followup.line, followup.contact)
    where = followup.note + (f", line {followup.line}" if followup.line else "")
    description = f"{_KIND_LABELS.get(followup.kind, followup.kind)}. From {where}."
    event = _all_day_event(uid, followup.due, followup.title, description)
    return (followup.due.isoformat(), uid), event


def _interview_event(
    index: VaultIndex, note: Note, include_private: bool
) -> tuple[tuple[str, str], icalendar.Event] | None:
    fields = note.fields
    if not isinstance(fields, InterviewFields) or fields.status != "planned":
        return None
    if fields.date is None:
        return None
    people = interview_people(index, fields)
    private = note.private or any(p is not None and p.private for _, p in people)
    if private and not include_private:
        return None
    who = join_names([name for name, _ in people])
    summary = f"Conversation with {who}" if who else f"Conversation: {note.name}"
    if fields.format:
        summary += f" ({fields.format})"
    uid = event_uid(PLANNED_INTERVIEW, note.path, None, first_person_path(people))
    event = _all_day_event(uid, fields.date, summary, f"Planned interview. From {note.path}.")
    return (fields.date.isoformat(), uid), event


def _all_day_event(uid: str, day: dt.date, summary: str, description: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    # DTSTAMP is required; taking it from the event's own date (not the clock) is what makes an
    # unchanged vault export to identical bytes.
    event.add("dtstamp", dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    return event
