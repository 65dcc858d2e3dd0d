"""Where each contact stands (§12): their pipeline stage, and the pipeline of every contact.

Pure functions of the index, clock-free like the follow-up rules: "days in stage" is left to the
caller, who knows today (`days_in`). A contact's `status` names their stage; when it is absent,
or not one of `schema.CONTACT_STATUSES` (a warning `check` already gives), the stage is derived
from the facts, in this order:

1. a planned conversation with them → `scheduled`;
2. else a done conversation with them → `met`;
3. else `asked`, `replied` or `nudged` written → `asked` (a reply without a conversation
   written up is still an open ask);
4. else → `to-contact`.

`keep-warm`, `no-response`, `declined` and `paused` are choices only the user makes: they are
never derived. Which notes count can be narrowed with `shown` (the site passes "is public", so
that a private conversation never shows through a stage or a date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import referrals, schema
from .followups import latest_interaction
from .index import VaultIndex
from .notes import ContactFields, InterviewFields, Note
from .settings import DEFAULTS, Settings

Shown = Callable[[Note], bool]

# Where each stage sorts in a pipeline: the order of the vocabulary.
_STAGE_ORDER = {name: position for position, name in enumerate(schema.CONTACT_STATUSES)}


@dataclass(frozen=True)
class Stage:
    """A contact's stage. `name` is one of `schema.CONTACT_STATUSES`; `derived` is True when the
    note's `status` did not name it (absent or unknown); `since` is the day the contact entered
    it, when a fact says so (see `stage`), else None."""

    name: str
    derived: bool
    since: dt.date | None = None


@dataclass(frozen=True)
class PipelineRow:
    """One contact in the pipeline: their note's path and name, their stage, the day of their
    last interaction (`followups.latest_interaction`) and the note recording it (None when it is
    their own note), and whether the contact's own note is private."""

    path: str
    name: str
    stage: Stage
    last_touch: dt.date | None
    last_touch_from: str | None
    private: bool


def conversations_with(
    index: VaultIndex, contact: Note, status: str, shown: Shown | None = None
) -> list[tuple[Note, InterviewFields]]:
    """The conversations (interview notes) with this status whose `with` names the contact, in
    path order (`referrals.conversations_with`); with `shown`, only those it accepts."""
    return [(note, fields) for note, fields in
            referrals.conversations_with(index, contact.path, status)
            if shown is None or shown(note)]


def stage(index: VaultIndex, contact: Note, shown: Shown | None = None) -> Stage:
    """The contact's stage: their `status` when it is one of the vocabulary, else derived from
    the facts (the order is in the module's docstring).

    `since`, whichever way the stage was found: `asked` → the `asked` date (else the earliest of
    `nudged` and `replied`); `scheduled` → the `replied` date (when they said yes), else None;
    `met` → the last done conversation's date, else `last_contact`; `no-response` → `nudged`,
    else `asked`; `declined` → `replied`; `to-contact`, `keep-warm`, `paused` → None."""
    fields = contact.fields if isinstance(contact.fields, ContactFields) else ContactFields()
    written = (fields.status or "").lower()
    if written in _STAGE_ORDER:
        return Stage(written, False, _since(index, contact, fields, written, shown))
    if conversations_with(index, contact, schema.PLANNED, shown):
        name = schema.SCHEDULED
    elif conversations_with(index, contact, schema.DONE, shown):
        name = schema.MET
    elif fields.asked or fields.replied or fields.nudged:
        name = schema.ASKED
    else:
        name = schema.TO_CONTACT
    return Stage(name, True, _since(index, contact, fields, name, shown))


def _since(index: VaultIndex, contact: Note, fields: ContactFields, name: str,
           shown: Shown | None) -> dt.date | None:
    if name == schema.ASKED:
        return fields.asked or _earliest((fields.nudged, fields.replied))
    if name == schema.SCHEDULED:
        return fields.replied
    if name == schema.MET:
        done = [f.date for _, f in conversations_with(index, contact, schema.DONE, shown)
                if f.date is not None]
        return max(done) if done else fields.last_contact
    if name == schema.NO_RESPONSE:
        return fields.nudged or fields.asked
    if name == schema.DECLINED:
        return fields.replied
    return None


def _earliest(days: Iterable[dt.date | None]) -> dt.date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


def days_in(stage_: Stage, today: dt.date) -> int | None:
    """Whole days from entering the stage to `today` (0 on the day itself, never negative), or
    None when the day it was entered is unknown."""
    if stage_.since is None:
        return None
    return max((today - stage_.since).days, 0)


# Days a stage that waits on something may stay quiet before it is stale (§12: nothing goes
# cold): a planned conversation that long after they said yes, or someone met and left
# without a next step (`keep-warm`, or closing the outreach). `asked` waits
# `Settings.nudge_days`: from then on the ask itself has gone quiet.
STALE_DAYS = {schema.SCHEDULED: 30, schema.MET: 30}


def stale_after(stage_name: str, settings: Settings = DEFAULTS) -> int | None:
    """How many quiet days make a contact in this stage stale; None for the stages that wait
    on nothing (`to-contact` has not started, `keep-warm` has its cadence, the closed ones
    are over)."""
    if stage_name == schema.ASKED:
        return settings.nudge_days
    return STALE_DAYS.get(stage_name)


def is_stale(stage_: Stage, today: dt.date, last_touch: dt.date | None = None,
             settings: Settings = DEFAULTS) -> bool:
    """Whether a contact has sat quiet in their stage too long, as of `today`: more than
    `stale_after(stage)` days since the later of the day the stage began (`Stage.since`) and
    their last touch (`PipelineRow.last_touch`: a logged e-mail after the ask is a sign of
    life). False when neither day is known, and for the stages that wait on nothing. The one
    rule behind "stale" for the `pipeline` command and the site's Pipeline page: pass
    `index.settings`."""
    limit = stale_after(stage_.name, settings)
    known = [day for day in (stage_.since, last_touch) if day is not None]
    if limit is None or not known:
        return False
    return (today - max(known)).days > limit


def pipeline(index: VaultIndex, shown: Shown | None = None) -> list[PipelineRow]:
    """One row per contact note, by stage in the vocabulary's order, then by name and path.
    Every contact is listed, private ones included (with `private` set: leaving them out is the
    view's decision); `shown` narrows the notes the stages and last touches are read from."""
    rows = []
    for note in index.by_type(schema.CONTACT):
        latest = latest_interaction(index, note.path, shown)
        rows.append(PipelineRow(
            path=note.path, name=note.name, stage=stage(index, note, shown),
            last_touch=latest.day if latest is not None else None,
            last_touch_from=latest.where.path if latest and latest.where is not None else None,
            private=note.private,
        ))
    rows.sort(key=lambda row: (_STAGE_ORDER[row.stage.name], row.name.casefold(), row.path))
    return rows
