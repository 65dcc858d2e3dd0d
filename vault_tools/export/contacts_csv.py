"""`vault-tools export csv`: the contacts table, for a spreadsheet or a mail merge (§8).

One row per contact note with its fields, the last interaction and the next open follow-up.
Private contacts, and anything that would name a private note, are left out unless asked for.

The rules every table of `export csv` follows live here too (`Cells`, `write_table`): a link is
written as the name it shows, a private note is never named, no cell runs as a formula, rows end
in CRLF, and for Excel the file starts with the byte-order mark.
"""

from __future__ import annotations

import csv
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO
from urllib.parse import unquote

from ..followups import (
    FollowUp,
    latest_interaction,
    next_followup,
    open_followups,
    shown_link,
)
from ..index import VaultIndex
from ..notes import ContactFields, Note
from ..privacy import PRIVATE_NOTE_TEXT
from ..wikilinks import TITLE_MDLINK, TITLE_WIKILINK, link_parts

COLUMNS = (
    "name", "company", "role", "email", "phone", "linkedin", "location", "introduced_by",
    "cadence", "status", "last_contact", "introducer_thanked", "connected_on", "source", "tags",
    "aliases", "last_interaction", "next_followup_due", "next_followup", "path",
)

# A link in a value, wikilink or Markdown link (an embed's "!" goes with it); the title
# patterns, whose every match stops at the next bracket: linear in the value's length.
_LINK_RE = re.compile(f"!?(?:{TITLE_WIKILINK}|{TITLE_MDLINK})")


class Cells:
    """How the values of one export become cells: a link as the name it shows, and a private
    note (unless `include_private`) never named: a link field to one is left empty, a link to
    one inside text reads "a private note"."""

    def __init__(self, index: VaultIndex, include_private: bool = False) -> None:
        self.index, self.include_private = index, include_private

    def text(self, value: Any, source: str = "") -> str:
        """A value as text: list items joined by "; ", each link written as what it shows
        (`[[Jane Doe|Jane]]` -> Jane, `[[Acme#Teams]]` -> Acme › Teams): no `[[ ]]` left.
        `source`: the note the value is from, which relative links start from."""
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return "; ".join(t for t in (self.text(v, source) for v in value if v is not None)
                             if t)
        text = str(value).strip()
        if "[" not in text:
            return text
        return _LINK_RE.sub(lambda match: self._shown(match, source), text)

    def _shown(self, match: re.Match[str], source: str) -> str:
        wiki = match.group("wiki")
        if wiki is not None:
            parts = link_parts(wiki.replace("\\|", "|"))
            if parts is not None and self._hides(parts[0], source, relative_only=True):
                return PRIVATE_NOTE_TEXT
            return shown_link(wiki)
        url = match.group("url").strip("<>")
        target = unquote(url.partition("#")[0])
        if target.lower().endswith(".md") and self._hides(target[:-3], source):
            return PRIVATE_NOTE_TEXT
        return match.group("label") or url

    def _hides(self, target: str, source: str, relative_only: bool = False) -> bool:
        """Whether a link in the note at `source` names a private note that is not to be
        named. A Markdown link's path starts from the note's folder; a wikilink's only when it
        starts with ./ or ../; a name is looked for in that folder first."""
        if not relative_only or target.startswith(("./", "../")):
            target = posixpath.normpath(posixpath.join(source.rpartition("/")[0], target))
        note = self.index.resolve_note(target, source or None)
        return note is not None and note.private and not self.include_private

    def link(self, target: str | None, source: str | None = None) -> str:
        """A link field of the note at `source` as the name of the note it points to ('' when
        it would reveal a private note and private notes are not included)."""
        if not target:
            return ""
        note = self.index.resolve_note(target, source)
        if note is None:
            return self.text(target)
        if note.private and not self.include_private:
            return ""
        return note.name

    def links(self, targets: Iterable[str], source: str | None = None) -> str:
        """Link fields as names joined by "; ", private ones left out (see `link`)."""
        return "; ".join(name for name in (self.link(t, source) for t in targets) if name)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value if v is not None)
    return str(value).strip()


def contact_rows(index: VaultIndex, include_private: bool = False) -> list[dict[str, str]]:
    """One dict per contact (keys: COLUMNS), in path order."""
    followups: Iterable[FollowUp] = open_followups(index)
    if not include_private:
        followups = [f for f in followups if not getattr(f, "private", False)]
    followups = list(followups)
    cells = Cells(index, include_private)
    rows = []
    for note in index.by_type("contact"):
        if note.private and not include_private:
            continue
        rows.append(_row(index, note, followups, cells))
    return rows


def _row(index: VaultIndex, note: Note, followups: list[FollowUp],
         cells: Cells) -> dict[str, str]:
    fields = note.fields if isinstance(note.fields, ContactFields) else ContactFields()
    # Without private notes, a private conversation or daily note gives no date either.
    latest = latest_interaction(
        index, note.path, None if cells.include_private else (lambda other: not other.private))
    last = latest.day if latest is not None else None
    upcoming = next_followup(index, note.path, followups)
    return {
        "name": note.name,
        "company": cells.link(fields.company, note.path),
        "role": cells.text(fields.role),
        "email": _text(fields.email),
        "phone": _text(fields.phone),
        "linkedin": _text(fields.linkedin),
        "location": cells.text(fields.location),
        "introduced_by": cells.link(fields.introduced_by, note.path),
        "cadence": _text(fields.cadence),
        "status": _text(fields.status),
        "last_contact": fields.last_contact.isoformat() if fields.last_contact else "",
        "introducer_thanked": (
            fields.introducer_thanked.isoformat() if fields.introducer_thanked else ""
        ),
        "connected_on": cells.text(note.meta.get("connected_on")),
        "source": cells.text(note.meta.get("source")),
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


def write_contacts_csv(index: VaultIndex, out: TextIO, include_private: bool = False,
                       excel: bool = False) -> int:
    """Write the contacts table to `out` (see `write_table`); return the number of rows."""
    rows = contact_rows(index, include_private)
    write_table(out, COLUMNS, rows, excel=excel)
    return len(rows)


# What Excel needs at the start of a CSV file to read it as UTF-8 (else José shows as JosÃ©).
BOM = "\ufeff"


def write_table(out: TextIO, columns: Sequence[str], rows: Iterable[Mapping[str, str]],
                excel: bool = False) -> None:
    """Write `rows` as CSV, a header row of `columns` first, to `out`: rows end in CRLF (RFC
    4180), a cell a spreadsheet would run as a formula is made text (`spreadsheet_safe`), and
    with `excel` the byte-order mark comes first.

    `out` should be opened with newline="" so the csv module controls line endings.
    """
    if excel:
        out.write(BOM)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
