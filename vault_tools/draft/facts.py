"""The facts a message draft is filled from (§14): who the message is about, who introduced
them, where they work, what they told you and when you last talked. Pure functions of the
index.

The note a draft is about is a contact, or a conversation (an interview note: its first person
who has a contact note is the one the draft is about, the conversation is "the last" one).
Everything is read as the rest of the tool reads it: the introducer as `referrals.introducer`
finds them (`introduced_by`, else who offered the introduction), the advice from the insight
section named Advice (`learning.insights_of`, tagged `#advice` items too), the conversations
through `referrals.conversations_with`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import learning, referrals, schema
from ..capture.templates import Value
from ..index import VaultIndex
from ..lookup import ContactNameError, contact_named
from ..notes import ContactFields, InterviewFields, Note
from ..wikilinks import TITLE_MDLINK, TITLE_WIKILINK, split_wikilink

ADVICE = "advice"  # the insight section the advice is read from (folded), as prep reads it

# Every placeholder a message template may use, with what it says (the docs list these).
PLACEHOLDERS = {
    "name": "their name (the note's name)",
    "first_name": "their first name (`first_name` in their note, else the first word of the "
                  "name)",
    "role": "their `role`",
    "company": "their `company` (else the conversation's)",
    "location": "their `location`",
    "career": "the career paths of the last conversation",
    "introducer": "who introduced you (`introduced_by`, else who offered the introduction)",
    "introducer_first_name": "the introducer's first name",
    "advice": "the first Advice item of their latest conversation that has one",
    "last_date": "the date of the last done conversation (`{{last_date:MMMM D}}`: October 6)",
    "asked_date": "the day you asked them for a conversation (`asked`)",
    "date": "today (`{{date:MMMM D}}`)",
}


@dataclass(frozen=True)
class Facts:
    """What a draft about `person` can say. `conversation`: the conversation the draft is
    about (the one given, else their last done one), None when there is none; `introducer`:
    their introducer's note, when they have one with a note; `values`: one `Value` per
    placeholder of PLACEHOLDERS, empty when the notes do not say."""

    person: Note
    conversation: Note | None
    introducer: Note | None
    values: dict[str, Value]


def subject_note(index: VaultIndex, name: str) -> tuple[Note, Note | None]:
    """The contact a typed name means, and the conversation when the name is a conversation's
    (an interview note: its first person with a contact note). ContactNameError as
    `lookup.contact_named` raises it (with "Did you mean"), or for a conversation whose people
    have no contact note."""
    wanted = name.strip()
    resolution = index.resolve(wanted) if wanted else None
    found = (index.notes.get(resolution.path) if resolution is not None
             and resolution.status == "ok" and resolution.path is not None else None)
    if found is not None and found.type == schema.INTERVIEW:
        for person in _linked(index, found.path, "with"):
            if person.type == schema.CONTACT:
                return person, found
        raise ContactNameError(f"{found.path} is a conversation with no contact note in its "
                               "`with`", "Name the person instead")
    return contact_named(index, name), None


def gather(index: VaultIndex, person: Note, conversation: Note | None = None,
           today: dt.date | None = None) -> Facts:
    """The facts of a draft about the contact `person` (see `Facts`); `conversation` the one
    the draft is about, when one was named."""
    fields = person.fields if isinstance(person.fields, ContactFields) else ContactFields()
    talks = sorted(referrals.conversations_with(index, person.path),
                   key=lambda pair: (pair[1].date or dt.date.min, pair[0].path), reverse=True)
    done = [note for note, f in talks if f.status == schema.DONE]
    last = conversation or (done[0] if done else None)
    about = last or (talks[0][0] if talks else None)
    by = referrals.introducer(index, person.path)
    by_note = index.get(by.path) if by is not None and by.path is not None else None
    company = _name_of(index, fields.company, person.path)
    if not company and about is not None and isinstance(about.fields, InterviewFields):
        company = _name_of(index, about.fields.company, about.path)
    last_fields = last.fields if last is not None and isinstance(
        last.fields, InterviewFields) else None
    careers = ([_name_of(index, target, about.path) for target in about.fields.careers]
               if about is not None and isinstance(about.fields, InterviewFields) else [])
    advice = _advice(index, [conversation] if conversation is not None else done)
    values = {
        "name": Value(person.name),
        "title": Value(person.name),
        "first_name": Value(first_name(person)),
        "role": Value(fields.role or ""),
        "company": Value(company),
        "location": Value(fields.location or ""),
        "career": Value("", items=tuple(c for c in careers if c)) if any(careers) else Value(""),
        "introducer": Value(by_note.name if by_note is not None else by.name if by else ""),
        "introducer_first_name": Value(first_name(by_note) if by_note is not None
                                       else _first_word(by.name) if by else ""),
        "advice": Value(advice),
        "last_date": _day(last_fields.date if last_fields is not None else None),
        "asked_date": _day(fields.asked),
        "date": _day(today),
    }
    return Facts(person, last, by_note, values)


def first_name(note: Note) -> str:
    """What a greeting calls the person of `note`: their `first_name` when the note gives
    one, else the first word of their name (after its comma: "Lima, Ana" is Ana)."""
    given = note.meta.get("first_name")
    if isinstance(given, str) and given.strip():
        return " ".join(given.split())
    return _first_word(note.name)


def _first_word(name: str) -> str:
    """The first word of a name; of what follows the comma in one written last name first
    ("Lima, Ana" is Ana, as address books export it)."""
    last, comma, given = name.partition(",")
    words = (given if comma and given.strip() and last.strip() else name).split()
    return words[0] if words else ""


def _day(day: dt.date | None) -> Value:
    if day is None:
        return Value("")
    moment = dt.datetime.combine(day, dt.time()) if not isinstance(day, dt.datetime) else day
    return Value(day.isoformat()[:10], when=moment)


def _name_of(index: VaultIndex, target: str | None, source: str) -> str:
    """The name a link value stands for: its note's name, else the name as written."""
    if not target:
        return ""
    note = index.resolve_note(target, source)
    return note.name if note is not None else referrals.written_name(target)


def _linked(index: VaultIndex, path: str, field: str) -> list[Note]:
    found: list[Note] = []
    for link, resolution in index.outgoing(path):
        note = index.get(resolution.path) if resolution.path is not None else None
        if link.field == field and note is not None and note not in found:
            found.append(note)
    return found


def _advice(index: VaultIndex, conversations: list[Note]) -> str:
    """The first Advice item of the newest of `conversations` that has one, as plain text."""
    for note in conversations:
        for item in learning.insights_of(index, note.path):
            if item.group.casefold() == ADVICE:
                return plain_text(item.insight.text)
    return ""


# A link, or an embed (`![[map.png]]`, `![sketch](s.png)`): the `!` says which.
_LINK_RE = re.compile(f"(?P<embed>!?)(?:{TITLE_WIKILINK}|{TITLE_MDLINK})")
# An inline tag (`#skill-gap`): a label for the vault, not words of the message.
_TAG_RE = re.compile(r"(?<!\S)#[^\s#]*[^\W\d][^\s#]*")


def plain_text(text: str) -> str:
    """Markdown text as a message says it: a link as its shown text (`[[Jane Doe|Jane]]` is
    Jane, `[[2026-07-08 Jane Doe#Advice]]` the note's name), embeds (`![[map.png]]`),
    `**`/`__`/`==` marks and inline tags dropped, blanks collapsed."""
    def link(match: re.Match[str]) -> str:
        if match.group("embed"):
            return ""  # an image or an embedded note cannot travel in a plain-text message
        if match.group("wiki") is not None:
            target, _heading, label = split_wikilink(match.group("wiki"))
            return label or referrals.written_name(target)
        return match.group("label") or ""

    out = _TAG_RE.sub("", _LINK_RE.sub(link, text))
    for mark in ("**", "__", "=="):
        out = out.replace(mark, "")
    return " ".join(out.split())
