"""`vault-tools import`: contacts from vCard files and LinkedIn's Connections.csv (§3, §8).

Reading turns a file into neutral `Person` records plus problems that name their card or line;
planning matches each person against the vault (email, LinkedIn profile, name or alias) and
decides what to create; applying creates each new note whole through the writer. Existing notes
are never opened for writing.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import vobject
import yaml

from .capture import CaptureError, link_target, safe_name, single_line, yaml_quoted
from .index import VaultIndex
from .vault import Vault
from .writer import WriteError, create_note

CONTACTS_FOLDER = "contacts"


class ImportFileError(Exception):
    """The whole file cannot be imported (empty, not a vCard, no LinkedIn header)."""


@dataclass(frozen=True)
class Person:
    """One person read from an import file, before any matching. `where` locates the entry."""

    name: str
    source: Literal["vcard", "linkedin"]
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


def _read_text(data: bytes, file_name: str, result: ReadResult) -> str:
    if not data.strip():
        raise ImportFileError(f"{file_name}: the file is empty; nothing to import")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"{file_name}: a binary file (it holds NUL bytes), not text")
    text, warning = decode_text(data, file_name)
    if warning:
        result.problems.append(warning)
    return text


# --- vCard ------------------------------------------------------------------------------------

_CONTENT_LINE_RE = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?(?:;[^:]*)?:", re.ASCII)


@dataclass
class _Card:
    number: int
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"card {self.number}, line {self.line}"


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Unfolded content lines with the file line each starts on.

    Folded lines (continuations starting with a space or tab) are joined, and so are vCard 2.1
    quoted-printable soft line breaks (a line ending in `=`), which need no leading space.
    """
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if current and raw[:1] in (" ", "\t"):
            current.append(raw[1:])
            continue
        if current and _soft_break(current):
            current[-1] = current[-1][:-1]
            current.append(raw)
            continue
        if current:
            yield start, "".join(current)
        current, start = [raw], number
    if current:
        yield start, "".join(current)


def _soft_break(parts: list[str]) -> bool:
    line = "".join(parts)
    head = line.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head and line.endswith("=")


def _split_cards(text: str, result: ReadResult) -> list[_Card]:
    cards: list[_Card] = []
    card: _Card | None = None
    count = 0
    for number, line in _logical_lines(text):
        key = line.strip().upper()
        if key == "BEGIN:VCARD":
            count += 1
            if card is not None:
                result.problems.append(Problem(
                    card.where, f"no END:VCARD before the next card on line {number}; skipped"
                ))
            card = _Card(count, number)
        elif key == "END:VCARD":
            if card is None:
                result.problems.append(Problem(
                    f"line {number}", "END:VCARD without a BEGIN:VCARD; ignored", "warning"
                ))
            else:
                cards.append(card)
                card = None
        elif card is not None:
            if line.strip():
                card.lines.append((number, line))
        elif line.strip():
            result.problems.append(Problem(
                f"line {number}", "text outside any BEGIN:VCARD ... END:VCARD; ignored", "warning"
            ))
    if card is not None:
        result.problems.append(Problem(card.where, "the card is never closed by END:VCARD; "
                                               "skipped"))
    if count == 0:
        raise ImportFileError("no BEGIN:VCARD line: this is not a vCard file")
    return cards


def read_vcard(data: bytes, file_name: str = "the file") -> ReadResult:
    """Read every card of a vCard file (2.1, 3.0 or 4.0). A bad card becomes a Problem naming
    its number and line; the other cards are still read."""
    result = ReadResult()
    text = _read_text(data, file_name, result)
    try:
        cards = _split_cards(text, result)
    except ImportFileError as exc:
        raise ImportFileError(f"{file_name}: {exc}") from None
    for card in cards:
        bad = next(((n, line) for n, line in card.lines if not _CONTENT_LINE_RE.match(line)), None)
        if bad is not None:
            result.problems.append(Problem(
                card.where, f"line {bad[0]} is not a vCard property (NAME:value): "
                f"{_shorten(bad[1])!r}; card skipped",
            ))
            continue
        body = "\r\n".join(["BEGIN:VCARD", *(line for _, line in card.lines), "END:VCARD", ""])
        try:
            component = vobject.readOne(body)
            person = _person_from_card(component, card.where)
        except (vobject.base.VObjectError, ValueError, TypeError, AttributeError) as exc:
            message = re.sub(r"^At line \d+: ", "", str(exc)) or type(exc).__name__
            result.problems.append(Problem(card.where, f"cannot read the card: {message}"))
            continue
        if isinstance(person, Problem):
            result.problems.append(person)
        else:
            result.people.append(person)
    return result


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _as_text(value: Any) -> str:
    """A property value as one string (vobject gives lists for structured values)."""
    if isinstance(value, (list, tuple)):
        return ",".join(_as_text(v) for v in value)
    return "" if value is None else str(value)


def _children(component: Any, name: str) -> list[Any]:
    return [c for c in component.getChildren() if getattr(c, "name", "").upper() == name]


def _preferred_first(props: list[Any]) -> list[Any]:
    def preferred(prop: Any) -> bool:
        params = getattr(prop, "params", {}) or {}
        words = [k.lower() for k in params] + [
            str(v).lower() for values in params.values() for v in values
        ]
        return any("pref" in word for word in words)

    return sorted(props, key=lambda p: not preferred(p))


def _person_from_card(component: Any, where: str) -> Person | Problem:
    name = " ".join(single_line(_as_text(p.value)) for p in _children(component, "FN")[:1])
    if not name.strip():
        for prop in _children(component, "N")[:1]:
            value = prop.value
            parts = [getattr(value, key, "") for key in ("prefix", "given", "additional",
                                                         "family", "suffix")]
            name = single_line(" ".join(_as_text(p) for p in parts))
    if not name.strip():
        return Problem(where, "no name: the card has neither FN nor N; skipped")
    company = None
    for prop in _children(component, "ORG")[:1]:
        value = prop.value
        first = value[0] if isinstance(value, (list, tuple)) and value else value
        company = single_line(_as_text(first)) or None
    role = next((single_line(_as_text(p.value)) for p in _children(component, "TITLE")
                 if _as_text(p.value).strip()), None)
    emails = _unique(single_line(_as_text(p.value)).removeprefix("mailto:")
                     for p in _preferred_first(_children(component, "EMAIL")))
    phones = _unique(re.sub(r"^tel:", "", single_line(_as_text(p.value)), flags=re.I)
                     for p in _preferred_first(_children(component, "TEL")))
    urls = _unique(single_line(_as_text(p.value))
                   for p in _children(component, "URL") + _children(component, "X-SOCIALPROFILE"))
    linkedin = next((u for u in urls if is_linkedin(u)), None)
    location = None
    for prop in _children(component, "ADR")[:1]:
        value = prop.value
        parts = [_as_text(getattr(value, key, "")) for key in ("city", "region", "country")]
        location = ", ".join(single_line(p) for p in parts if p.strip()) or None
    notes = [_as_text(p.value).replace("\r\n", "\n").replace("\r", "\n").strip()
             for p in _children(component, "NOTE")]
    note = "\n\n".join(n for n in notes if n) or None
    return Person(
        name=single_line(name), source="vcard", where=where, company=company, role=role,
        emails=emails, phones=phones, urls=tuple(u for u in urls if u != linkedin),
        linkedin=linkedin, location=location, note=note,
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return tuple(seen.values())


# --- LinkedIn ---------------------------------------------------------------------------------

LINKEDIN_COLUMNS = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                    "Connected On")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def parse_connected_on(text: str) -> dt.date | None:
    """LinkedIn's `20 Nov 2026` (also `20-Nov-26`, `Nov 20, 2026`, ISO); None if not a date."""
    value = text.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{2}|\d{4})", value) or \
        re.fullmatch(r"([A-Za-z]{3})[A-Za-z]* (\d{1,2}),? (\d{4})", value)
    if not match:
        return None
    first, second, year_text = match.groups()
    day, month_name = (first, second) if first.isdigit() else (second, first)
    month = _MONTHS.get(month_name.lower())
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if month is None:
        return None
    try:
        return dt.date(year, month, int(day))
    except ValueError:
        return None


def read_linkedin(data: bytes, file_name: str = "the file") -> ReadResult:
    """Read LinkedIn's Connections.csv: skip the notes above the header line, then one person
    per row. Rows that cannot be read become Problems naming their line; the rest are read."""
    result = ReadResult()
    text = _read_text(data, file_name, result)
    lines = text.splitlines(keepends=True)
    header_at = None
    for number, line in enumerate(lines):
        fields = next(csv.reader([line]), [])
        if "first name" in {f.strip().lower() for f in fields}:
            header_at = number
            header = [f.strip() for f in fields]
            break
    if header_at is None:
        raise ImportFileError(
            f"{file_name}: no header line naming 'First Name' (expected "
            f"{','.join(LINKEDIN_COLUMNS)}); is this the Connections.csv of a LinkedIn export?"
        )
    columns = {name.lower(): i for i, name in reversed(list(enumerate(header)))}
    missing = [c for c in LINKEDIN_COLUMNS if c.lower() not in columns]
    if missing:
        result.problems.append(Problem(
            f"line {header_at + 1}",
            f"the header has no {', '.join(repr(c) for c in missing)} column"
            f"{'s' if len(missing) > 1 else ''}; those values are left empty", "warning",
        ))
    reader = csv.reader(io.StringIO("".join(lines[header_at + 1:]), newline=""))
    row_start = header_at + 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(Problem(f"line {row_start}", f"not valid CSV: {exc}"))
            break
        where = f"line {row_start}"
        row_start = header_at + 2 + reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.problems.append(Problem(
                where, f"{len(row)} values where the header has {len(header)} columns "
                "(an unquoted comma?); row skipped",
            ))
            continue
        person = _person_from_row(row, columns, where, result)
        if person is not None:
            result.people.append(person)
    return result


def _person_from_row(row: list[str], columns: dict[str, int], where: str,
                     result: ReadResult) -> Person | None:
    def cell(column: str) -> str:
        index = columns.get(column.lower())
        return single_line(row[index]) if index is not None and index < len(row) else ""

    name = single_line(f"{cell('First Name')} {cell('Last Name')}")
    if not name:
        result.problems.append(Problem(where, "no first or last name; row skipped"))
        return None
    connected_on = None
    if cell("Connected On"):
        connected_on = parse_connected_on(cell("Connected On"))
        if connected_on is None:
            result.problems.append(Problem(
                where, f"{cell('Connected On')!r} is not a date like '20 Nov 2026'; "
                "connected_on left out", "warning",
            ))
    url = cell("URL")
    return Person(
        name=name, source="linkedin", where=where, company=cell("Company") or None,
        role=cell("Position") or None,
        emails=(cell("Email Address"),) if cell("Email Address") else (),
        linkedin=url or None, urls=(), connected_on=connected_on,
    )


# --- matching ---------------------------------------------------------------------------------


def is_linkedin(url: str) -> bool:
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host == "linkedin.com" or host.endswith(".linkedin.com")


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
        if note.type == "contact":
            matcher.add(note.path, _strings(note.meta.get("email")),
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


# --- the new note -----------------------------------------------------------------------------


# Plain values other YAML readers (YAML 1.2: Obsidian, Quartz) may take for a number.
_NUMBER_LIKE_RE = re.compile(r"^[-+]?(?:\.?\d|\.inf|\.nan)", re.IGNORECASE)


def yaml_scalar(value: str) -> str:
    """A one-line value as YAML: plain when it reads back as the same string (and looks like
    no number), else quoted. Never raises: a value YAML cannot even load as written (an
    impossible date such as `2026-02-30`, a `!!int abc` tag) is simply quoted."""
    value = single_line(value)
    if value and value == value.strip() and not _NUMBER_LIKE_RE.match(value):
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except Exception:  # PyYAML raises ValueError, KeyError... on a bad tag or date
            pass
    return yaml_quoted(value)


# Characters Markdown (Python-Markdown's escapable set, with `|` for tables and `{}` for
# attribute lists) would read as markup: each gets a backslash. `<`, `>` and `&` become
# character references instead, so no tag, comment, autolink or entity survives.
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]{}#|"})
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# A line that starts with a number and `.` or `)` is a numbered list item to Markdown.
_NUMBERED_RE = re.compile(r"^\d{1,9}(?=[.)])")
_SAFE_URL_RE = re.compile(r"^https?://[^\s<>\"'`\\{}|^]+$", re.IGNORECASE)


def inert_text(text: str) -> str:
    """Imported text as Markdown that shows exactly that text and nothing else: no HTML (tags,
    comments, entities), no links, images, emphasis, code, tables, headings, lists or Obsidian
    comments (`%%`). Imported values are data, never markup (§7): a card's `FN:<img onerror=…>`
    must read as those characters, not run."""
    text = text.translate(_HTML_ESCAPES).translate(_MD_ESCAPES)
    # `\](` is still a link to Markdown parsers that ignore escapes (the vault's own scan).
    text = text.replace("\\](", "\\]\\(").replace("%%", "%&#37;")
    return text


def _body_text(text: str) -> str:
    """Imported free text made inert, line by line (see `inert_text`): besides markup, no line
    may open a generated block, look like a merge conflict, or start a list, a rule, a setext
    heading or a code block. Control characters go (a NUL would make the note unreadable)."""
    out = []
    for raw in text.splitlines():
        line = inert_text("".join(ch for ch in raw if ch == "\t" or
                                  unicodedata.category(ch) != "Cc").strip())
        if line[:1] in ("-", "+"):
            line = "\\" + line
        elif line[:1] == "=":
            line = "&#61;" + line[1:]  # `\=` is no escape to Python-Markdown: it would show
        elif (number := _NUMBERED_RE.match(line)) is not None:
            line = f"{number.group()}\\{line[number.end():]}"
        out.append(line)
    return "\n".join(out).strip()


def safe_url(url: str) -> str | None:
    """`url` when it is an http(s) address that is safe to write as a Markdown autolink, else
    None (a `javascript:` URL, or one whose characters could end the autolink early)."""
    url = url.strip()
    if not _SAFE_URL_RE.match(url):
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:  # `http://[` and other malformed addresses
        return None
    return url if host else None


def contact_note(person: Person, file_name: str) -> str:
    """The text of a new contact note for an imported person.

    Only the fields that have values are written. Extra emails and phones go into front-matter
    comments: kept with the note, never published on the site (email and phone are private
    by default, §7).
    """
    lines = ["---", "type: contact"]
    if person.company:
        # A company name made only of unsafe characters has no note name to link to.
        with contextlib.suppress(CaptureError):
            lines.append(f"company: {yaml_quoted('[[' + link_target(person.company) + ']]')}")
    if person.role:
        lines.append(f"role: {yaml_scalar(person.role)}")
    if person.emails:
        lines.append(f"email: {yaml_scalar(person.emails[0])}")
        if person.emails[1:]:
            lines.append(f"# other emails: {single_line(', '.join(person.emails[1:]))}")
    if person.phones:
        lines.append(f"phone: {yaml_quoted(person.phones[0])}")
        if person.phones[1:]:
            lines.append(f"# other phones: {single_line(', '.join(person.phones[1:]))}")
    if person.linkedin:
        lines.append(f"linkedin: {yaml_scalar(person.linkedin)}")
    if person.location:
        lines.append(f"location: {yaml_scalar(person.location)}")
    if person.connected_on:
        lines.append(f"connected_on: {person.connected_on.isoformat()}")
    lines.append(f"source: {person.source}")
    lines += ["---", "", f"# {inert_text(person.name)}", "", "## How we met", ""]
    if person.source == "linkedin":
        since = f" on {person.connected_on.isoformat()}" if person.connected_on else ""
        lines.append(f"Connected on LinkedIn{since}.")
    else:
        lines.append(f"Imported from the address book ({_body_text(single_line(file_name))}).")
    lines += ["", "## Notes", ""]
    if person.note:
        lines += [_body_text(person.note), ""]
    if person.urls:
        # A web address as an autolink; anything else (`javascript:`, `data:`) as plain text.
        lines += [f"- <{safe_url(url)}>" if safe_url(url) else f"- {_body_text(url)}"
                  for url in person.urls]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- running an import ------------------------------------------------------------------------


@dataclass
class ImportReport:
    file_name: str
    outcomes: list[Outcome]
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(o.action == action for o in self.outcomes)

    @property
    def failed(self) -> bool:
        """True when some entry could not be read or written."""
        return self.count("error") > 0

    def lines(self) -> list[str]:
        """One line per entry, then a summary line."""
        out = []
        for o in self.outcomes:
            if o.action == "create":
                out.append(f"{'would create' if self.dry_run else 'created'}  {o.rel}")
            elif o.action == "skip":
                out.append(f"skipped  {o.name}: {o.reason}")
            else:
                out.append(f"{o.action}  {o.where}: {o.reason}")
        created, skipped, errors = self.count("create"), self.count("skip"), self.count("error")
        verb = "would be created" if self.dry_run else "created"
        summary = (f"{self.file_name}: {created} {verb}, {skipped} skipped, "
                   f"{errors} error{'' if errors == 1 else 's'}.")
        if self.dry_run:
            summary += " Dry run: nothing written."
        out.append(summary)
        return out


READERS = {"vcard": read_vcard, "linkedin": read_linkedin}


def import_contacts(vault: Vault, index: VaultIndex, kind: str, file: Path,
                    dry_run: bool = False) -> ImportReport:
    """Import a vCard or LinkedIn file into the vault's contacts folder.

    Each new note is created whole or not at all, never over an existing file; a person who is
    already in the vault is skipped and their note is not touched. Raises ImportFileError when
    the file as a whole is unusable.
    """
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{file}: cannot read the file: {exc.strerror}") from None
    read = READERS[kind](data, file.name)
    outcomes = plan_import(index, read, file.name)
    if not dry_run:
        outcomes = [_apply(vault, o) for o in outcomes]
    return ImportReport(file.name, outcomes, dry_run)


def _apply(vault: Vault, outcome: Outcome) -> Outcome:
    if outcome.action != "create" or outcome.rel is None or outcome.text is None:
        return outcome
    try:
        create_note(vault.abs(outcome.rel), outcome.text, notes_dir=vault.notes_dir)
    except FileExistsError:
        return Outcome("skip", outcome.where, f"{outcome.name} ({outcome.where})",
                       reason=f"{outcome.rel} appeared while importing; left alone")
    except WriteError as exc:
        return Outcome("error", outcome.where, outcome.name, reason=str(exc))
    return outcome
