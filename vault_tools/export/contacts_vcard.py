"""`vault-tools export vcard`: the contacts as vCard 4.0 (RFC 6350), for a phone's address book.

One card per contact note, saying who they are (ORG, TITLE) and who introduced you (a NOTE a
phone shows, and a RELATED of type `x-introduced-by` that `import vcard` reads back as
`introduced_by`). Every front-matter field it writes comes back unchanged when the file is
imported into an empty vault. Pure and clock-free: the same vault gives the same bytes (no REV;
each UID comes from the note's path). Private contacts, and any name that would reveal a
private note, are left out unless asked for, as in `export csv`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from typing import Any

from ..capture.importers.common import INTRODUCED_BY_TYPE, parse_related_entry
from ..index import VaultIndex
from ..notes import ContactFields, Note
from ..wikilinks import WIKILINK_RE, link_parts

PRODID = "-//vault-tools//Contacts//EN"
# 75 octets a line, without the line break (RFC 6350 §3.2).
LINE_OCTETS = 75
_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "contacts.vault-tools")


def escape_text(value: str) -> str:
    """A TEXT value (or one component, or one list item) escaped for a content line: `\\`, `,`
    and `;` get a backslash, any line break becomes `\\n`, other control characters go."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """A content line folded to lines of at most 75 octets (a continuation starts with one
    space), each ended by CRLF; never inside a UTF-8 character."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(ch)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out) + "\r\n"


def _strings(value: Any) -> list[str]:
    """A front-matter value as a list of text: one string, a list, a date or number."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if item is None or isinstance(item, (dict, list, bool)):
            continue
        text = item.isoformat() if isinstance(item, dt.date) else str(item).strip()
        if text:
            out.append(text)
    return out


def _date_line(name: str, value: Any) -> str | None:
    """BDAY or ANNIVERSARY: a date as `19800412`, `--04-12` as `--0412`, other text as text."""
    if isinstance(value, dt.date):
        return f"{name}:{value.year:04d}{value.month:02d}{value.day:02d}"
    texts = _strings(value)
    if not texts:
        return None
    text = texts[0]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) and _is_date(text):
        return f"{name}:{text.replace('-', '')}"
    if re.fullmatch(r"--\d{2}-\d{2}", text):
        return f"{name}:--{text[2:].replace('-', '')}"
    return f"{name};VALUE=text:{escape_text(text)}"


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class _Names:
    """Names of linked notes as a phone should show them: the note's name; None when it would
    reveal a private note that is not to be included."""

    def __init__(self, index: VaultIndex, include_private: bool) -> None:
        self.index = index
        self.include_private = include_private

    def name(self, value: str, source: str | None = None) -> str | None:
        match = WIKILINK_RE.search(value)
        parts = link_parts(match.group(1)) if match else None
        target = parts[0] if parts else value.strip()
        note = self.index.resolve_note(target, source) if target else None
        if note is None:
            return target or None
        if note.private and not self.include_private:
            return None
        return note.name


def _name_parts(name: str) -> tuple[str, str]:
    """(family, given) for N: `Doe, Jane` as written, else the last word as the family name."""
    if name.count(",") == 1:
        family, given = (part.strip() for part in name.split(","))
        if family and given:
            return family, given
    words = name.split()
    return (words[-1], " ".join(words[:-1])) if len(words) > 1 else ("", name)


def contact_card(note: Note, names: _Names) -> str:
    """The vCard 4.0 of one contact note, folded, with CRLF line ends."""
    meta = note.meta
    fields = note.fields if isinstance(note.fields, ContactFields) else ContactFields()
    family, given = _name_parts(note.name)
    uid = uuid.uuid5(_UID_NAMESPACE, note.path)
    lines = [
        "BEGIN:VCARD", "VERSION:4.0", f"PRODID:{PRODID}", f"UID:urn:uuid:{uid}",
        f"FN:{escape_text(note.name)}", f"N:{escape_text(family)};{escape_text(given)};;;",
    ]
    # One NICKNAME each: readers that take NICKNAME as one text (vobject, some phones) keep all.
    lines += [f"NICKNAME:{escape_text(alias)}" for alias in note.aliases]
    company = names.name(fields.company, note.path) if fields.company else None
    department = ", ".join(_strings(meta.get("department")))
    if company or department:
        lines.append(f"ORG:{escape_text(company or '')}"
                     + (f";{escape_text(department)}" if department else ""))
    if fields.role:
        lines.append(f"TITLE:{escape_text(fields.role)}")
    emails = list(dict.fromkeys(_strings(meta.get("email")) + _strings(meta.get("emails"))))
    lines += [f"EMAIL{';PREF=1' if i == 0 else ''}:{escape_text(e)}"
              for i, e in enumerate(emails)]
    phones = list(dict.fromkeys(_strings(meta.get("phone")) + _strings(meta.get("phones"))))
    lines += [f"TEL{';PREF=1' if i == 0 else ''}:{escape_text(p)}"
              for i, p in enumerate(phones)]
    lines += [f"URL;TYPE=x-linkedin:{escape_text(u)}" for u in _strings(meta.get("linkedin"))]
    if fields.location:
        # All of it as the locality: the import reads it back as written.
        lines.append(f"ADR:;;;{escape_text(fields.location)};;;")
    for key, name in (("birthday", "BDAY"), ("anniversary", "ANNIVERSARY")):
        line = _date_line(name, meta.get(key))
        if line:
            lines.append(line)
    introducer = (names.name(fields.introduced_by, note.path) if fields.introduced_by
                  else None)
    if introducer:
        lines.append(f"RELATED;VALUE=text;TYPE={INTRODUCED_BY_TYPE}:{escape_text(introducer)}")
    for entry in _strings(meta.get("related")):
        person, kind = parse_related_entry(entry)
        shown = names.name(person, note.path)
        if shown:
            lines.append(f"RELATED;VALUE=text{f';TYPE={kind}' if kind else ''}:"
                         f"{escape_text(shown)}")
    if note.tags:
        lines.append("CATEGORIES:" + ",".join(escape_text(t) for t in note.tags))
    if introducer:
        # Phones show NOTE, not RELATED: the introduction is what you want to see on a call.
        lines.append(f"NOTE:{escape_text(f'Introduced by {introducer}.')}")
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def contacts_vcard(index: VaultIndex, include_private: bool = False) -> tuple[bytes, int]:
    """Every contact as one vCard 4.0 file (UTF-8, CRLF), in path order, and the number of
    cards. Private contacts, and names of private notes, only with `include_private`."""
    names = _Names(index, include_private)
    cards = [contact_card(note, names) for note in sorted(index.by_type("contact"),
                                                          key=lambda n: n.path)
             if include_private or not note.private]
    return "".join(cards).encode("utf-8"), len(cards)
