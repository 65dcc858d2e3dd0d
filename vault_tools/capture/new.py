"""`vault-tools new`: a note from the vault's own template, never over an existing one (§3, §8).

Where the note goes and what it says: its name made safe for a file and a link, the people of
a conversation found among the contacts, its status; the template is filled by `templates`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import importlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..index import VaultIndex
from ..notes import ContactFields, Note
from ..schema import CONTACT, DONE, INTERVIEW, PLANNED, TYPE_FOLDERS
from ..vault import Vault, VaultError, load_index, read_file, templates_folders
from ..writer import WriteError, create_note
from .init import template_dir
from .templates import (
    FORMATTED,
    LIST_KEYS,
    CaptureError,
    Value,
    fill_template,
    format_moment,
    single_line,
)

# The folder each type of note is created in (§2): the schema's.
NOTE_FOLDERS = TYPE_FOLDERS


# Characters no file name may hold on some OS (Windows, macOS Finder) plus the ones that would
# break a [[wikilink]] to the note (`#` heading, `|` label, `^` block id, brackets).
_UNSAFE_CHARS_RE = re.compile(r'[:*?"<>#^\[\]]')
_SEPARATOR_CHARS_RE = re.compile(r"[/\\|]")
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)
# File names are limited to 255 bytes on common file systems; leave room for a date and ".md".
MAX_NAME_BYTES = 200



# --- names ------------------------------------------------------------------------------------


def safe_name(name: str) -> str:
    """A note name that is a valid file name on every OS and a valid [[wikilink]] target.

    Accents are kept (NFC-normalised); path separators become `-`; other forbidden characters,
    control characters and runs of white space become one space; trailing dots and spaces go;
    Windows device names (`CON`, `com1.txt`) get a trailing `_`. Raises CaptureError when
    nothing usable is left.
    """
    text = unicodedata.normalize("NFC", name)
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = _SEPARATOR_CHARS_RE.sub("-", text)
    text = _UNSAFE_CHARS_RE.sub(" ", text)
    text = " ".join(text.split())
    # A leading dot would hide the file (and vault tools skip hidden paths).
    text = text.lstrip(". ").rstrip(". ")
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1].rstrip(". ")
    if not text:
        raise CaptureError(f"{name!r} leaves no usable file name once unsafe characters go")
    if text.split(".", 1)[0].strip().lower() in WINDOWS_RESERVED:
        text += "_"
    return text


def link_target(value: str) -> str:
    """The note name a user-given link value points to: `[[Acme]]`, `Acme` -> `Acme`."""
    text = value.strip()
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2].split("|", 1)[0].strip()
    return safe_name(text)


def template_path(vault: Vault, note_type: str) -> Path:
    """The vault's own `templates/<type>.md` (the folder in any case: `Templates/`), else the
    one shipped with the package."""
    own = vault.notes_dir / "templates" / f"{note_type}.md"
    for folder in templates_folders(vault.notes_dir):
        if (folder / f"{note_type}.md").is_file():
            return folder / f"{note_type}.md"
    try:
        shipped = template_dir() / "templates" / f"{note_type}.md"
    except VaultError as exc:
        raise CaptureError(str(exc)) from None
    if not shipped.is_file():
        raise CaptureError(f"no template for a {note_type}: {own} does not exist")
    return shipped


def template_texts(vault: Vault, note_type: str) -> list[str]:
    """The texts of every template a note of `note_type` may have been made from: the vault's
    own (in a templates folder of any case) and the one shipped with the package. Unreadable
    ones (see `read_template`) are left out."""
    paths = [folder / f"{note_type}.md" for folder in templates_folders(vault.notes_dir)]
    with contextlib.suppress(VaultError):
        paths.append(template_dir() / "templates" / f"{note_type}.md")
    texts = []
    for path in paths:
        with contextlib.suppress(CaptureError):
            texts.append(read_template(vault, path))
    return texts


def read_template(vault: Vault, path: Path) -> str:
    """A template's text. One in the notes folder is read as notes are (`read_file`): a
    template that is a link to a file outside the vault is refused, never read."""
    try:
        if path.is_relative_to(vault.notes_dir):
            data = read_file(vault, path.relative_to(vault.notes_dir).as_posix())
            if isinstance(data, OSError):
                raise data
        else:
            data = path.read_bytes()
        return data.decode("utf-8")
    except OSError as exc:
        raise CaptureError(f"{path}: cannot read the template: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CaptureError(f"{path}: the template is not valid UTF-8 (byte {exc.start})") from None


# --- new notes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewNote:
    """A note `new` is about to create (or created). `rel` is relative to the notes folder."""

    rel: str
    path: Path
    text: str
    note_type: str
    template: Path
    contact: str | None = None  # for interviews: the known contact note it links to
    contact_known: bool = False
    unknown_people: tuple[str, ...] = ()  # for interviews: people with no contact note (yet)


def plan_new(
    vault: Vault,
    index: VaultIndex,
    note_type: str,
    name: str,
    *,
    today: dt.date,
    company: str | None = None,
    introduced_by: str | None = None,
    email: str | None = None,
    date: dt.date | None = None,
    at: dt.time | None = None,
    planned: bool = False,
    with_: Sequence[str] = (),
    new_person: bool = False,
    now: dt.datetime | None = None,
) -> NewNote:
    """Work out the path and text of a new note of `note_type`; write nothing.

    For an interview `name` is the person, `with_` more people: the file is
    `interviews/<date> <person>.md`, its title "Conversation with <people>, <date>", its `with`
    a list linking each person by their contact note's own name, its `company` the first
    person's company, and its status `planned` with `planned=True` or a date after `today`,
    else `done`. A person with no contact note is refused, with the closest contact's name as
    a suggestion, unless `new_person`. `at`, an interview's time of day, makes its `date` a
    date and time (`2026-12-09T14:30`, as Obsidian's date-and-time property writes it; the
    calendar feed makes it a timed event). `{{date}}` is `today` (an interview's own date),
    `{{time}}` the time of day of `now` (default: the clock's), `{{title}}` the note's name.
    Raises CaptureError when the note (or another note of that name) exists.
    """
    if note_type not in NOTE_FOLDERS:
        raise CaptureError(f"unknown note type {note_type!r}; use one of {', '.join(NOTE_FOLDERS)}")
    display = single_line(name)
    stem = safe_name(display)
    day = date or today if note_type == INTERVIEW else today
    moment = dt.datetime.combine(day, (now or dt.datetime.now()).time().replace(microsecond=0))
    values: dict[str, Value] = {
        "name": Value(display),
        "date": Value(day.isoformat(), when=moment),
        "time": Value(format_moment(moment, FORMATTED["time"]), when=moment),
    }
    # The front-matter keys `new` sets, whatever the template holds there.
    fields: dict[str, Value] = {}
    contact_rel, known = None, False
    if note_type == CONTACT:
        values["company"] = Value(link_target(company) if company else "", link=True)
        values["introduced_by"] = Value(
            link_target(introduced_by) if introduced_by else "", link=True
        )
        values["email"] = Value(single_line(email or ""))
        fields.update((key, values[key]) for key, given in
                      (("company", company), ("introduced_by", introduced_by), ("email", email))
                      if given)
    elif note_type == INTERVIEW:
        people, links, contacts, unknown = interview_people(
            index, [display, *(single_line(w) for w in with_)], new_person)
        if contacts and contacts[0].name == people[0]:
            contact_rel, known = contacts[0].path, True
        company = _company_of(index, contacts)
        # `{{name}}` (the older templates' heading) says what the note is.
        values["name"] = Value(f"Conversation with {_and(people)}, {day.isoformat()}")
        values["person"] = Value(people[0])
        values["with"] = Value("", link=True, items=tuple(links))
        values["company"] = Value(company or "", link=True)
        values["status"] = Value(PLANNED if planned or day > today else DONE)
        stem = f"{day.isoformat()} {people[0]}"
        fields["date"] = (Value(f"{day.isoformat()}T{at.strftime('%H:%M')}") if at is not None
                          else values["date"])
        fields["with"] = values["with"]
        fields["status"] = values["status"]
        if company:
            fields["company"] = values["company"]
    # {{title}} is the note's name, as in Obsidian: the name typed (its file name, but for the
    # characters no file name may hold), and for an interview its file name.
    values["title"] = Value(stem if note_type == INTERVIEW else display)

    rel = f"{NOTE_FOLDERS[note_type]}/{stem}.md"
    path = vault.abs(rel)
    if path.exists() or path.is_symlink():
        raise CaptureError(f"{rel} already exists; `new` never overwrites a note")
    by_name, by_alias = index.named(stem)
    if by_name:
        raise CaptureError(
            f"a note named {stem!r} already exists ({by_name[0]}); links by that name would "
            "become ambiguous, so nothing was created"
        )
    if by_alias:
        raise CaptureError(
            f"{stem!r} is already an alias of {by_alias[0]}; links by that name go there, so "
            "nothing was created"
        )
    template = template_path(vault, note_type)
    text = fill_template(read_template(vault, template), values, source=str(template),
                         fields=fields, lists=LIST_KEYS if note_type == INTERVIEW else ())
    return NewNote(rel, path, text, note_type, template, contact_rel, known,
                   unknown if note_type == INTERVIEW else ())


def interview_people(
    index: VaultIndex, typed: Sequence[str], new_person: bool,
) -> tuple[list[str], list[str], list[Note], tuple[str, ...]]:
    """The note names of the people of a conversation (each once, in the order given), the
    link targets that reach them (the name, or a path where the name alone is ambiguous), the
    contact notes among them, and the names that have no contact note.

    A name (or alias) of a contact stands for that contact. Any other name is refused with a
    CaptureError suggesting the closest contact's name, unless `new_person`.
    """
    people: list[str] = []
    links: list[str] = []
    contacts: list[Note] = []
    unknown: list[str] = []
    for text in typed:
        # A name several notes share is refused even where a link would pick one of them
        # (own folder, then shortest path): typed on the command line, it is a guess.
        same = index.named(text)[0]
        reached = index.resolve(text).path
        if len(same) > 1 and reached in same and \
                reached[:-3].casefold() != text.strip().casefold():  # (not by its exact path)
            raise CaptureError(
                f"{text!r} names several notes ({', '.join(same)}); name one "
                f"by its path, e.g. {same[0][:-3]!r}; nothing was created")
        person = index.resolve_note(text)
        if person is None and new_person:
            person = index.resolve_note(safe_name(text))  # the note its link would reach
        if person is not None and person.type == CONTACT:
            name, link = person.name, index.link_name(person.path)
            if link.casefold() not in (p.casefold() for p in links):
                contacts.append(person)
        elif new_person and person is not None:
            # `with: [[questions]]` would make the question bank a person to thank.
            raise CaptureError(
                f"{text!r} names {person.path}, a note that is not a contact; nothing was "
                "created. Give the person's full name, or make that note a contact")
        elif new_person:
            name = link = safe_name(text)
        else:
            raise CaptureError(_no_such_contact(index, text))
        if link.casefold() not in (p.casefold() for p in links):
            people.append(name)
            links.append(link)
            if person is None or person.type != CONTACT:
                unknown.append(text)
    return people, links, contacts, tuple(unknown)


def _company_of(index: VaultIndex, contacts: Sequence[Note]) -> str | None:
    """The link target for a conversation's `company`: the company of the first of `contacts`
    that has one, as their note links it, so that both notes name the same company, or the
    same placeholder when it has no note yet ("Acme, Inc." stays "Acme, Inc.")."""
    for contact in contacts:
        for link, resolution in index.outgoing(contact.path):
            if link.field != "company":
                continue
            if resolution.path is not None:
                return index.link_name(resolution.path)
            if link.target.strip() and not any(ch in link.target for ch in "[]|#\n"):
                return link.target.strip()
            return link_target(link.target)
        company = contact.fields.company if isinstance(contact.fields, ContactFields) else None
        if company:
            return link_target(company)
    return None


def _no_such_contact(index: VaultIndex, name: str) -> str:
    """Why an interview with `name` is refused, naming the closest contact when there is one."""
    names: dict[str, str] = {}
    for note in index.by_type(CONTACT):
        for written in (note.name, *note.aliases):
            names.setdefault(written.casefold(), note.name)
    close = difflib.get_close_matches(name.casefold(), list(names), n=1, cutoff=0.6)
    if close:
        return (f"no contact named {name!r}. Did you mean {names[close[0]]!r}? Nothing was "
                f"created; pass --new-person to talk with {name!r} anyway")
    return (f"no contact named {name!r}; nothing was created. Create the contact first "
            f"(`vault-tools new contact {_shell_quote(name)}`) or pass --new-person")


def _and(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def new_note(
    vault: Vault,
    note_type: str,
    name: str,
    *,
    today: dt.date,
    company: str | None = None,
    introduced_by: str | None = None,
    email: str | None = None,
    date: dt.date | None = None,
    at: dt.time | None = None,
    planned: bool = False,
    with_: Sequence[str] = (),
    new_person: bool = False,
) -> tuple[NewNote, list[str]]:
    """Create a new note (see `plan_new`) whole, never over an existing file.

    Returns the note and hints for the user. After a new interview with a known contact the
    vault's blocks are filled, so the contact's note lists the conversation.
    """
    index = load_index(vault)
    note = plan_new(vault, index, note_type, name, today=today, company=company,
                    introduced_by=introduced_by, email=email, date=date, at=at,
                    planned=planned, with_=with_, new_person=new_person)
    try:
        create_note(note.path, note.text, notes_dir=vault.notes_dir)
    except FileExistsError:
        raise CaptureError(f"{note.rel} already exists; `new` never overwrites a note") from None
    except WriteError as exc:
        raise CaptureError(str(exc)) from None
    hints = [f"no contact named {person!r} yet: `vault-tools new contact "
             f"{_shell_quote(person)}` creates one" for person in note.unknown_people]
    hint = link_back(vault, note)
    if hint:
        hints.append(hint)
    return note, hints


def _shell_quote(text: str) -> str:
    """`text` inside double quotes for a POSIX shell."""
    for ch in ("\\", '"', "$", "`"):
        text = text.replace(ch, "\\" + ch)
    return f'"{text}"'


def link_back(vault: Vault, note: NewNote) -> str | None:
    """After a new interview with a known contact, fill the blocks so the contact lists it.

    Returns a hint for the user when that could not be done here (no fill engine installed, or
    the contact's block does not list the interview after filling), else None.
    """
    if note.note_type != INTERVIEW or not note.contact_known or note.contact is None:
        return None
    fill_vault = _optional("vault_tools.fill", "fill_vault")
    if fill_vault is None:
        return "run `vault-tools fill` so the contact's note lists this conversation"
    try:
        fill_vault(vault)
    except Exception as exc:  # the interview exists either way; say why the link is missing
        return f"could not update {note.contact} ({exc}); run `vault-tools fill`"
    try:
        contact_text = vault.abs(note.contact).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        contact_text = ""
    if note.rel[:-3].rpartition("/")[2] not in contact_text:
        return f"{note.contact} does not list the conversation yet; run `vault-tools fill`"
    return None


def _optional(module: str, name: str) -> Callable[..., object] | None:
    """A function from a module that may not be installed yet, or None."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
