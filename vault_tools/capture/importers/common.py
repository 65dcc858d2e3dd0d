"""What every import format shares: the neutral `Person` a reader makes of one entry, the
`Problem`s that name their card or line, and decoding the file's bytes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from ...schema import CONTACT, TYPE_FOLDERS

CONTACTS_FOLDER = TYPE_FOLDERS[CONTACT]


class ImportFileError(Exception):
    """The whole file cannot be imported (empty, not a vCard, no LinkedIn header)."""


@dataclass(frozen=True)
class Person:
    """One person read from an import file, before any matching. `where` locates the entry."""

    name: str
    source: str  # the format it was read from: its name in `READERS`
    where: str
    company: str | None = None
    role: str | None = None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    linkedin: str | None = None
    location: str | None = None
    note: str | None = None
    connected_on: dt.date | None = None
    department: str | None = None  # an ORG's units
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    birthday: dt.date | str | None = None  # a date, `--MM-DD` without a year, or as written
    anniversary: dt.date | str | None = None
    introduced_by: str | None = None  # a name
    related: tuple[tuple[str, str], ...] = ()  # (name, relation type or "")


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: an entry that could not be read (error) or a warning."""

    where: str
    message: str
    severity: Literal["error", "warning"] = "error"


@dataclass
class ReadResult:
    people: list[Person] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --- decoding ---------------------------------------------------------------------------------


def decode_text(data: bytes, file_name: str) -> tuple[str, Problem | None]:
    """Decode an import file: UTF-16 with a BOM, UTF-8 (BOM or not), else Windows-1252/Latin-1.

    The fallback comes with a warning, since accents may then be wrong.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        for encoding, label in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return text, Problem(
                f"line {line}", f"{file_name} is not UTF-8 (first bad byte on line {line}); "
                f"read as {label}: check accented names", "warning",
            )
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def text_of_file(data: bytes, file_name: str, result: ReadResult) -> str:
    """The file as text, any decoding warning added to `result`; ImportFileError when it is
    empty or binary."""
    if not data.strip():
        raise ImportFileError(f"{file_name}: the file is empty; nothing to import")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"{file_name}: a binary file (it holds NUL bytes), not text")
    text, warning = decode_text(data, file_name)
    if warning:
        result.problems.append(warning)
    return text



# --- relations: how a vCard RELATED is kept in a note's `related` list ---------------------------

# RFC 6350 §6.6.6 relation types; another word in a `Name (word)` entry is part of the name.
RELATED_TYPES = (
    "contact", "acquaintance", "friend", "met", "co-worker", "colleague", "co-resident",
    "neighbor", "child", "parent", "sibling", "spouse", "kin", "muse", "crush", "date",
    "sweetheart", "me", "agent", "emergency",
)
# The RELATED type `export vcard` writes for `introduced_by`, and the importers read back.
INTRODUCED_BY_TYPE = "x-introduced-by"
_RELATED_ENTRY_RE = re.compile(r"(.*\S)\s*\(([A-Za-z0-9-]+)\)")


def related_entry(name: str, kind: str) -> str:
    """One item of a note's `related` list: `Jane Doe (spouse)`, or the name alone."""
    return f"{name} ({kind})" if kind else name


def parse_related_entry(entry: str) -> tuple[str, str]:
    """(name, relation type) of a `related` item; the type only when it is one vCard knows
    (RFC 6350's, or an `x-` word), so `Ana Lima (Porto)` stays a name."""
    match = _RELATED_ENTRY_RE.fullmatch(entry.strip())
    if match and (match.group(2).lower() in RELATED_TYPES or
                  match.group(2).lower().startswith("x-")):
        return match.group(1), match.group(2).lower()
    return entry.strip(), ""


def is_linkedin(url: str) -> bool:
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host == "linkedin.com" or host.endswith(".linkedin.com")
