"""What every import format shares: the neutral `Person` a reader makes of one entry, the
`Problem`s that name their card or line, and decoding the file's bytes."""

from __future__ import annotations

import datetime as dt
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



def is_linkedin(url: str) -> bool:
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host == "linkedin.com" or host.endswith(".linkedin.com")
