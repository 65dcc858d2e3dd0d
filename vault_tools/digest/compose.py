"""What the digest says (DESIGN §14): the follow-ups due as of a day, each with one line of
context, as plain text and as JSON-ready data. Pure: the day, the window and the page
addresses are arguments; nothing here reads the clock, the environment or the network.

Due means overdue, today, or within the `days` days after today; undated follow-ups are never
due. Each item carries its id (`followup_ids.followup_ids`, worked out over the same list the
`followups` command shows, so `vault-tools done ID` finds it), the person it concerns, when you
were last in touch with them (`followups.latest_interaction`), what you promised (an open task)
and its note's page on the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..followup_ids import followup_ids
from ..followups import (
    CONVERSATION,
    DAILY_NOTE,
    LOG,
    OVERDUE,
    TODAY,
    FollowUp,
    Interaction,
    followups_for_today,
    group_of,
    latest_interaction,
)
from ..followups_report import person_name
from ..index import VaultIndex
from ..notes import Note
from ..report import printable
from ..schema import KIND_LABELS, TASK

# The third group: what falls due in the `days` days after today.
UPCOMING = "upcoming"
GROUP_KEYS = (OVERDUE, TODAY, UPCOMING)
DEFAULT_DAYS = 1
# A window longer than a year is no digest of what is due: the command refuses it.
MAX_DAYS = 366
# How much of a promise the context line quotes.
PROMISE_LENGTH = 120
# How much of a title an item's line shows: a task pasted whole from a document would make a
# message of hundreds of kilobytes (ntfy turns one over 4 KB into an attachment).
TITLE_LENGTH = 200


@dataclass(frozen=True)
class LastTouch:
    """When you were last in touch with the item's person: the day, how it is recorded
    (`followups.Interaction.how`) and the note recording it (None: the person's own note)."""

    day: dt.date
    how: str
    note: str | None


@dataclass(frozen=True)
class DigestItem:
    """One follow-up due, with its context. `group`: overdue, today or upcoming. `person`:
    the name of the person it concerns. `promised`: an open task's text (a task's own title
    for a task). `url`: its note's page on the site (None without `site_url`, or when the
    note has no page)."""

    id: str
    followup: FollowUp
    group: str
    person: str | None
    last: LastTouch | None
    promised: str | None
    url: str | None


@dataclass(frozen=True)
class Digest:
    """The follow-ups due as of `today`, in `GROUP_KEYS` order then as `followups` sorts."""

    today: dt.date
    days: int
    items: tuple[DigestItem, ...]

    def __bool__(self) -> bool:
        return bool(self.items)

    def count(self, group: str) -> int:
        return sum(1 for item in self.items if item.group == group)


def _no_url(path: str) -> str | None:
    return None


def compose(index: VaultIndex, today: dt.date, days: int = DEFAULT_DAYS, *,
            public_only: bool = False,
            url_of: Callable[[str], str | None] = _no_url) -> Digest:
    """The digest as of `today`: every follow-up `followups_for_today` lists that is overdue,
    due today, or due within the `days` days after today (0: overdue and today only).
    `public_only`: every follow-up touching a private note is left out, and the context of the
    others reads no private note. `url_of(path)`: a note's page on the site (see
    `export.ics.site_page_urls`); never asked for a private note."""
    shown = followups_for_today(index, today)
    ids = followup_ids(shown)  # over the whole list, as `followups` shows them
    last_day = today + dt.timedelta(days=days) if days < (dt.date.max - today).days else None
    items: list[DigestItem] = []
    for followup, fid in zip(shown, ids, strict=True):
        due = followup.due
        if due is None or (last_day is not None and due > last_day):
            continue
        if public_only and followup.private:
            continue
        group = group_of(due, today, days)
        group = group if group in (OVERDUE, TODAY) else UPCOMING
        items.append(_item(index, followup, fid, group, shown, public_only, url_of))
    order = {key: n for n, key in enumerate(GROUP_KEYS)}
    items.sort(key=lambda item: (order[item.group], item.followup.sort_key()))
    return Digest(today, days, tuple(items))


def _item(index: VaultIndex, followup: FollowUp, fid: str, group: str,
          shown: Sequence[FollowUp], public_only: bool,
          url_of: Callable[[str], str | None]) -> DigestItem:
    readable = (lambda note: not note.private) if public_only else None
    last: Interaction | None = None
    contact = index.get(followup.contact) if followup.contact is not None else None
    if contact is not None and not (public_only and contact.private):
        last = latest_interaction(index, contact.path, readable)
    touch = None if last is None else LastTouch(
        last.day, last.how, last.where.path if last.where is not None else None)
    note = index.get(followup.note)
    url = url_of(followup.note) if note is not None and not note.private else None
    return DigestItem(fid, followup, group, person_name(followup), touch,
                      _promised(followup, contact, last, shown, public_only), url)


def _promised(followup: FollowUp, contact: Note | None, last: Interaction | None,
              shown: Sequence[FollowUp], public_only: bool) -> str | None:
    """What you promised the person: a task's own text, else the first open task in the
    last conversation with them, else in their own note (not the item itself, never one
    touching a private note when `public_only`)."""
    if followup.kind == TASK:
        return followup.title
    places = []
    if last is not None and last.how == CONVERSATION and last.where is not None:
        places.append(last.where.path)
    if contact is not None:
        places.append(contact.path)
    for place in places:
        for other in shown:
            if (other.kind == TASK and other.note == place and other is not followup
                    and not (public_only and other.private)):
                return other.title
    return None


# --- text ---------------------------------------------------------------------------------------


def group_label(group: str, days: int) -> str:
    """A group's heading: Overdue, Today, then Tomorrow or "Next N days"."""
    if group == OVERDUE:
        return "Overdue"
    if group == TODAY:
        return "Today"
    return "Tomorrow" if days == 1 else f"Next {days} days"


def headline(digest: Digest) -> str:
    """One line saying how much is due: "3 follow-ups due: 1 overdue, 2 today". No value of
    a note is in it, so it is safe as an e-mail subject or a notification's title."""
    total = len(digest.items)
    parts = [f"{count} {'in the ' if group == UPCOMING and digest.days > 1 else ''}"
             f"{group_label(group, digest.days).lower()}"
             for group in GROUP_KEYS if (count := digest.count(group))]
    return f"{total} follow-up{'' if total == 1 else 's'} due: {', '.join(parts)}"


_HOW = {CONVERSATION: "conversation", LOG: "log", DAILY_NOTE: "daily note"}


def context_line(item: DigestItem) -> str:
    """The item's line of context: when you were last in touch (and where), what you promised
    (when the title does not say it already), and the page on the site; empty when none is
    known."""
    parts = []
    if item.last is not None:
        how = _HOW.get(item.last.how)
        where = _note_name(item.last.note) if item.last.note is not None else None
        detail = f"{how}: {where}" if how and where and where != item.last.day.isoformat() else how
        parts.append(f"last in touch {item.last.day.isoformat()}"
                     + (f" ({detail})" if detail else ""))
    elif item.person is not None:
        parts.append("not in touch yet")
    if item.promised is not None and item.promised != item.followup.title:
        parts.append(f"promised: {_cut(item.promised, PROMISE_LENGTH)}")
    if item.url is not None:
        parts.append(item.url)
    return " · ".join(parts)


def _cut(text: str, length: int) -> str:
    """`text`, cut to at most `length` characters with an ellipsis when longer."""
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def _note_name(path: str) -> str:
    return path.rpartition("/")[2].removesuffix(".md")


def digest_text(digest: Digest) -> str:
    """The digest as plain text (empty when nothing is due): the headline, then each group
    with one line per item (due date, what to do, cut to TITLE_LENGTH, the person, its id)
    and its context line under it. Control characters from notes are written as escapes,
    never sent raw."""
    if not digest:
        return ""
    lines = [f"{headline(digest)} (as of {digest.today.isoformat()})"]
    for group in GROUP_KEYS:
        items = [item for item in digest.items if item.group == group]
        if not items:
            continue
        lines += ["", group_label(group, digest.days)]
        for item in items:
            due = item.followup.due.isoformat() if item.followup.due else ""
            line = f"- {due}  {_cut(item.followup.title, TITLE_LENGTH)}"
            if item.person and item.person not in item.followup.title:
                line += f" · {item.person}"
            lines.append(printable(f"{line}  [{item.id}]"))
            context = context_line(item)
            if context:
                lines.append("  " + printable(context))
    lines += ["", "Done: vault-tools done ID · later: vault-tools snooze ID --until DATE"]
    return "\n".join(lines) + "\n"


# --- data ---------------------------------------------------------------------------------------


def digest_data(digest: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data: `today`, `days`, `headline`, `counts` per group, and
    `items`, each the §10 object of its follow-up with its `id`, `group`, `label` (the kind's),
    `person`, `last_touch` ({date, how, note} or null), `promised` and `url`."""
    return {
        "today": digest.today.isoformat(),
        "days": digest.days,
        "headline": headline(digest) if digest else "",
        "counts": {group: digest.count(group) for group in GROUP_KEYS},
        "items": [_item_data(item) for item in digest.items],
    }


def _item_data(item: DigestItem) -> dict[str, Any]:
    last = item.last
    return {
        **item.followup.to_dict(),
        "id": item.id,
        "group": item.group,
        "label": KIND_LABELS.get(item.followup.kind, item.followup.kind),
        "person": item.person,
        "last_touch": None if last is None else {
            "date": last.day.isoformat(), "how": last.how, "note": last.note},
        "promised": item.promised,
        "url": item.url,
    }
