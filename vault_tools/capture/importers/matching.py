"""Who is already in the vault: each read `Person` matched by email, LinkedIn profile, name or
alias, and the plan of what to create."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from ...index import VaultIndex
from ...schema import CONTACT
from ..new import CaptureError, safe_name
from .common import CONTACTS_FOLDER, Person, ReadResult
from .note import contact_note


def normalize_linkedin(url: str) -> str:
    """A LinkedIn profile URL reduced to what identifies it: no scheme, `www.` or country
    subdomain, query, fragment or trailing slash; percent-escapes decoded; case folded."""
    text = url.strip()
    parts = urlsplit(text if "//" in text else "//" + text)
    host = (parts.hostname or "").lower()
    if host.endswith(".linkedin.com"):
        host = "linkedin.com"
    path = unquote(parts.path).rstrip("/")
    return unicodedata.normalize("NFC", f"{host}{path}").casefold()


def normalize_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@dataclass(frozen=True)
class Outcome:
    """What happens to one entry: `create` (with the note's path and text), `skip` (with the
    reason) or a Problem reported as `error`/`warning`."""

    action: Literal["create", "skip", "error", "warning"]
    where: str
    name: str = ""
    rel: str | None = None
    text: str | None = None
    reason: str = ""


class _Matcher:
    """Who is already known: by email, LinkedIn profile and name/alias (all case-insensitive)."""

    def __init__(self) -> None:
        self.by_email: dict[str, str] = {}
        self.by_linkedin: dict[str, str] = {}
        self.by_name: dict[str, str] = {}

    def add(self, owner: str, emails: Iterable[str], linkedin: Iterable[str],
            names: Iterable[str]) -> None:
        for email in emails:
            self.by_email.setdefault(email.strip().casefold(), owner)
        for url in linkedin:
            self.by_linkedin.setdefault(normalize_linkedin(url), owner)
        for name in names:
            self.by_name.setdefault(normalize_name(name), owner)

    def find(self, person: Person, stem: str) -> tuple[str, str] | None:
        for email in person.emails:
            if email.strip().casefold() in self.by_email:
                return self.by_email[email.strip().casefold()], "same email"
        if person.linkedin and normalize_linkedin(person.linkedin) in self.by_linkedin:
            return self.by_linkedin[normalize_linkedin(person.linkedin)], "same LinkedIn profile"
        for name in (person.name, stem):
            if normalize_name(name) in self.by_name:
                return self.by_name[normalize_name(name)], "same name"
        return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str) and v.strip()]
    return []


def vault_matcher(index: VaultIndex) -> _Matcher:
    """A matcher over the vault's contacts, and every note's name (file names must not clash)."""
    matcher = _Matcher()
    for note in index:
        if note.type == CONTACT:
            emails = _strings(note.meta.get("email")) + _strings(note.meta.get("emails"))
            matcher.add(note.path, emails,
                        _strings(note.meta.get("linkedin")), [note.name, *note.aliases])
    return matcher


def plan_import(index: VaultIndex, read: ReadResult, file_name: str) -> list[Outcome]:
    """Decide, per person, to create a note or skip them (already known, or twice in the file).

    Pure: nothing is written. Outcomes (people and problems) come in file order.
    """
    outcomes = [Outcome(p.severity, p.where, reason=p.message) for p in read.problems]
    known = vault_matcher(index)
    taken = {note.name.casefold(): note.path for note in index}
    in_file = _Matcher()
    for person in read.people:
        try:
            stem = safe_name(person.name)
        except CaptureError as exc:
            outcomes.append(Outcome("error", person.where, person.name, reason=str(exc)))
            continue
        label = f"{person.name} ({person.where})"
        found = known.find(person, stem)
        if found is not None:
            outcomes.append(Outcome("skip", person.where, label,
                                    reason=f"already in the vault as {found[0]} ({found[1]})"))
            continue
        if stem.casefold() in taken:
            outcomes.append(Outcome("skip", person.where, label,
                                    reason=f"a note named {stem!r} already exists "
                                    f"({taken[stem.casefold()]})"))
            continue
        earlier = in_file.find(person, stem)
        if earlier is not None:
            reason = f"{earlier[1]} as {earlier[0]} earlier in this file"
            if earlier[1] == "same name":
                reason += "; if they are someone else, add them by hand under a distinct name"
            outcomes.append(Outcome("skip", person.where, label, reason=reason))
            continue
        in_file.add(person.where, person.emails, [person.linkedin] if person.linkedin else [],
                    [person.name, stem])
        rel = f"{CONTACTS_FOLDER}/{stem}.md"
        outcomes.append(Outcome("create", person.where, person.name, rel=rel,
                                text=contact_note(person, file_name)))
    # Report in file order, so each line of output can be checked against the file.
    return sorted(outcomes, key=lambda o: _line_of(o.where))


def _line_of(where: str) -> int:
    match = re.search(r"line (\d+)", where)
    return int(match.group(1)) if match else 0
