"""The `followups` command's output: follow-ups split under the headings of a date-relative view
(`followups.GROUPS`), as text for a terminal or as §10 JSON objects, each with its id
(`followup_ids`). The rules that make the follow-ups are `followups.py`'s.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import click

from .followup_ids import followup_ids
from .followups import (
    GROUPS,
    LATER,
    OVERDUE,
    THIS_WEEK,
    TODAY,
    UNDATED,
    WEEK_DAYS,
    FollowUp,
    group_label,
    group_of,
)
from .report import printable


@dataclass(frozen=True)
class FollowUpGroup:
    """One heading of the `followups` command: a label and its follow-ups, in sorted order."""

    key: str
    label: str
    items: tuple[FollowUp, ...]


def group_followups(
    followups: Iterable[FollowUp], today: dt.date, days: int = WEEK_DAYS
) -> list[FollowUpGroup]:
    """Split follow-ups into Overdue (before today), Today, This week (today+1 … today+days),
    Later and Undated. Every group is returned, in that order, possibly empty."""
    buckets: dict[str, list[FollowUp]] = {key: [] for key, _ in GROUPS}
    for followup in sorted(followups, key=FollowUp.sort_key):
        buckets[group_of(followup.due, today, days)].append(followup)
    return [FollowUpGroup(key, group_label(key, days), tuple(items))
            for key, items in buckets.items()]


_GROUP_COLOURS = {OVERDUE: "red", TODAY: "yellow", THIS_WEEK: "cyan", LATER: None,
                  UNDATED: None}


def person_name(followup: FollowUp) -> str | None:
    """The name of the person a follow-up concerns (a note's name is its file stem)."""
    if followup.contact is None:
        return None
    return posixpath.splitext(posixpath.basename(followup.contact))[0]


def format_followups(groups: Sequence[FollowUpGroup], colour: bool = False) -> str:
    """The `followups` command's text: each non-empty group under its heading, one line per
    follow-up with its date, what to do, the person, the note to mark it done in and its id
    (`followup_ids` of every item shown)."""

    def style(text: str, **kwargs: Any) -> str:
        return click.style(text, **kwargs) if colour else text

    everything = [f for group in groups for f in group.items]
    ids = dict(zip(map(id, everything), followup_ids(everything), strict=True))
    lines: list[str] = []
    for group in groups:
        if not group.items:
            continue
        if lines:
            lines.append("")
        fg = _GROUP_COLOURS[group.key]
        lines.append(style(f"{group.label} ({len(group.items)})", fg=fg, bold=True))
        for followup in group.items:
            due = followup.due.isoformat() if followup.due else "no date"
            # A note's text goes to a terminal: an escape in it is shown, never obeyed.
            where = printable(followup.note) + (f":{followup.line}" if followup.line else "")
            person = person_name(followup)
            person = printable(person) if person else None
            title = printable(followup.title)
            text = f"  {style(f'{due:<10}', fg=fg)}  {title}"
            # The person is on the line already when the title names them.
            if person and person not in title:
                text += f" · {style(person, bold=True)}"
            text += "  " + style(f"({where})", dim=True)
            # The id last: what `done ID` and `snooze ID` are given.
            text += "  " + style(f"[{ids[id(followup)]}]", dim=True)
            lines.append(text)
    if not lines:
        return "Nothing to follow up."
    return "\n".join(lines)


def followups_json(followups: Iterable[FollowUp]) -> str:
    """The `--json` output: a list of §10 objects, in the order given, each with its `id`
    (what `done` and `snooze` are given)."""
    items = list(followups)
    ids = followup_ids(items)
    return json.dumps([{**f.to_dict(), "id": fid} for f, fid in zip(items, ids, strict=True)],
                      indent=2, ensure_ascii=False)
