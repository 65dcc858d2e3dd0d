"""`vault-tools export csv`: the contacts table, for a spreadsheet or a mail merge (§8).

One row per contact note with its fields, the last interaction and the next open follow-up.
Private contacts, and anything that would name a private note, are left out unless asked for.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

from ..followups import FollowUp, last_interaction, next_followup, open_followups
from ..index import VaultIndex
from ..notes import ContactFields, Note

COLUMNS = (
    "name", "company", "role", "email", "phone", "linkedin", "location", "introduced_by",
    "cadence", "status", "last_contact", "introducer_thanked", "connected_on", "source", "tags",
    "aliases", "last_interaction", "next_followup_due", "next_followup", "path",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value if v is not None)
    return str(value).strip()


def _link(index: VaultIndex, target: str | None, include_private: bool) -> str:
    """A link field as the name of the note it points to ('' when it would reveal a private
    note and private notes are not included)."""
    if not target:
        return ""
    note = index.resolve_note(target)
    if note is None:
        return target
    if note.private and not include_private:
        return ""
    return note.name


def contact_rows(index: VaultIndex, include_private: bool = False) -> list[dict[str, str]]:
    """One dict per contact (keys: COLUMNS), in path order."""
    followups: Iterable[FollowUp] = open_followups(index)
    if not include_private:
        followups = [f for f in followups if not getattr(f, "private", False)]
    followups = list(followups)
    rows = []
    for note in index.by_type("contact"):
        if note.private and not include_private:
            continue
        rows.append(_row(index, note, followups, include_private))
    return rows


def _row(index: VaultIndex, note: Note, followups: list[FollowUp],
         include_private: bool) -> dict[str, str]:
    fields = note.fields if isinstance(note.fields, ContactFields) else ContactFields()
    last = last_interaction(index, note.path)
    upcoming = next_followup(index, note.path, followups)
    return {
        "name": note.name,
        "company": _link(index, fields.company, include_private),
        "role": _text(fields.role),
        "email": _text(fields.email),
        "phone": _text(fields.phone),
        "linkedin": _text(fields.linkedin),
        "location": _text(fields.location),
        "introduced_by": _link(index, fields.introduced_by, include_private),
        "cadence": _text(fields.cadence),
        "status": _text(fields.status),
        "last_contact": fields.last_contact.isoformat() if fields.last_contact else "",
        "introducer_thanked": (
            fields.introducer_thanked.isoformat() if fields.introducer_thanked else ""
        ),
        "connected_on": _text(note.meta.get("connected_on")),
        "source": _text(note.meta.get("source")),
        "tags": _text(note.tags),
        "aliases": _text(note.aliases),
        "last_interaction": last.isoformat() if last else "",
        "next_followup_due": upcoming.due.isoformat() if upcoming and upcoming.due else "",
        "next_followup": upcoming.title if upcoming else "",
        "path": note.path,
    }


# A cell a spreadsheet would run as a formula: `=HYPERLINK(...)` in an imported job title.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ... unless it is only a number or a phone number, which runs nothing: "+44 20 7946 0958".
_NUMBER = re.compile(r"[+-]?[0-9][0-9 ().\-]*")


def spreadsheet_safe(value: str) -> str:
    """`value`, with a leading apostrophe when a spreadsheet would read it as a formula (the
    apostrophe makes it text there; notes come from imports and other people's profiles)."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_contacts_csv(index: VaultIndex, out: TextIO, include_private: bool = False) -> int:
    """Write the contacts table as CSV (header row first) to `out`; return the number of rows.
    Cells that a spreadsheet would run as formulas are made text (`spreadsheet_safe`).

    `out` should be opened with newline="" so the csv module controls line endings.
    """
    rows = contact_rows(index, include_private)
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    return len(rows)
