"""`vault-tools new`: a note from the vault's own template, never over an existing one (§3, §8).

Templates are plain notes with the placeholders Obsidian's Templates plugin fills (`{{title}}`,
`{{date}}`, `{{time}}`, `{{date:YYYY-MM-DD}}`), so a note made from them inside Obsidian is
as complete as one made here. What only `new` knows (the company, the people of a conversation,
its status) goes into the front-matter key of that name (`company: ""` becomes
`company: "[[Acme]]"`); the older `{{company}}`-style placeholders are still filled, for
templates written before. Filling is text substitution, not YAML re-serialisation, so the
user's key order and text survive; each value is escaped for where it stands (inside double
quotes, inside single quotes, bare, or in the body), and the filled front matter is parsed once
more before anything is written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..frontmatter_yaml import FrontMatterError, load_front_matter
from ..index import VaultIndex
from ..notes import ContactFields, Note
from ..schema import CONTACT, DONE, INTERVIEW, PLANNED, TYPE_FOLDERS
from ..vault import Vault, VaultError, load_index, templates_folders
from ..wikilinks import closes_front_matter, opens_front_matter, wikilink
from ..writer import WriteError, create_note
from .init import template_dir

# The folder each type of note is created in (§2): the schema's.
NOTE_FOLDERS = TYPE_FOLDERS

# `{{name}}`, or `{{date:FORMAT}}` / `{{time:FORMAT}}` with a moment.js format, as Obsidian writes.
PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::([^{}\r\n]*))?\}\}")
# The interview keys that hold lists, whatever a template says (Obsidian wants one type each).
LIST_KEYS = ("with", "career", "referrals")
# The placeholders that take a format, and Obsidian's default format for each.
FORMATTED = {"date": "YYYY-MM-DD", "time": "HH:mm"}

# Characters no file name may hold on some OS (Windows, macOS Finder) plus the ones that would
# break a [[wikilink]] to the note (`#` heading, `|` label, `^` block id, brackets).
_UNSAFE_CHARS_RE = re.compile(r'[:*?"<>#^\[\]]')
_SEPARATOR_CHARS_RE = re.compile(r"[/\\|]")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)
# File names are limited to 255 bytes on common file systems; leave room for a date and ".md".
MAX_NAME_BYTES = 200


class CaptureError(Exception):
    """A note cannot be created (it exists, the name is empty, the template is unusable)."""


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
    if text.split(".", 1)[0].strip().lower() in _WINDOWS_RESERVED:
        text += "_"
    return text


def link_target(value: str) -> str:
    """The note name a user-given link value points to: `[[Acme]]`, `Acme` -> `Acme`."""
    text = value.strip()
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2].split("|", 1)[0].strip()
    return safe_name(text)


# --- YAML-safe text ---------------------------------------------------------------------------


def _needs_escape(ch: str) -> bool:
    # Control and format characters, and the characters YAML treats as line breaks.
    return unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in "\u0085\u2028\u2029"


def yaml_double_quoted_body(value: str) -> str:
    """`value` escaped to stand between YAML double quotes (the quotes not included)."""
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _needs_escape(ch):
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def yaml_quoted(value: str) -> str:
    """`value` as a YAML double-quoted scalar."""
    return f'"{yaml_double_quoted_body(value)}"'


def single_line(value: str) -> str:
    """Line breaks and control characters become spaces (for values that must stay on a line)."""
    return " ".join(
        "".join(" " if unicodedata.category(ch)[0] == "C" or _needs_escape(ch) else ch
                for ch in value).split()
    )


# --- template filling -------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """What a placeholder becomes. `link` values are note names written as `[[name]]`.

    A value with `items` is a list: in front matter, where the placeholder is a key's whole
    value (quoted or not), it becomes a YAML block list, one quoted item per line; anywhere
    else its items are written joined by commas.
    """

    text: str
    link: bool = False
    items: tuple[str, ...] | None = None
    when: dt.datetime | None = None  # for {{date:FORMAT}} and {{time:FORMAT}}

    def formatted(self, fmt: str | None) -> Value | None:
        """The value of `{{name:fmt}}`: itself without a format, else its moment formatted
        (None when it has none: the placeholder is left as written)."""
        if fmt is None:
            return self
        if self.when is None:
            return None
        return Value(format_moment(self.when, fmt))

    def rendered(self) -> str:
        """The value as it reads in the note (before any YAML quoting): one line of text."""
        if self.items is not None:
            return ", ".join(Value(item, self.link).rendered() for item in self.items)
        return wikilink(self.text) if self.link and self.text else single_line(self.text)

    def body_text(self) -> str:
        """The value as it stands in a note's Markdown body: text, never HTML (a name with
        "<img onerror=...>" in it, from a file name, would otherwise be a tag on the site).
        A link stays as written: its target must name the note exactly."""
        if self.link and self.items is None:
            return self.rendered()
        return self.rendered().replace("<", "&lt;")

    def yaml_items(self) -> list[str]:
        """Each item as a YAML double-quoted scalar."""
        return [yaml_quoted(Value(item, self.link).rendered()) for item in self.items or ()]


def _front_matter_span(lines: list[str]) -> int:
    """Number of lines of the front matter block (0 when there is none or it is unclosed)."""
    if not lines or not opens_front_matter(lines[0]):
        return 0
    for i in range(1, len(lines)):
        if closes_front_matter(lines[i]):
            return i + 1
    return 0


def _starts_scalar(before: str) -> bool:
    """True when the text before a position ends where a YAML value begins."""
    stripped = before.rstrip()
    return stripped == "" or stripped[-1] in ":-[{,?"


def _fill_yaml_line(line: str, values: Mapping[str, Value], newline: str = "\n") -> str:
    """Substitute placeholders on one front-matter line, escaping each for its quoting context."""
    out: list[str] = []
    state = "plain"  # plain | double | single | comment
    i = 0
    while i < len(line):
        match = PLACEHOLDER_RE.match(line, i)
        value = _value_of(match, values) if match else None
        if match and value is not None:
            if value.items is not None:
                listed = _fill_list(line, match, out, state, value, newline)
                if listed is not None:
                    i, state = listed
                    continue
            if state == "double":
                out.append(yaml_double_quoted_body(value.rendered()))
            elif state == "single":
                out.append(single_line(value.rendered()).replace("'", "''"))
            elif state == "comment":
                out.append(single_line(value.rendered()))
            else:
                rest = line[match.end():].split(" #", 1)[0].strip()
                whole = _starts_scalar("".join(out)) and (rest == "" or rest[0] in ",]}")
                # A bare placeholder that is the whole value is written quoted, so any text
                # (a colon, a leading dash, "yes") stays a string; inside a longer plain scalar
                # it goes in as is and the check after filling catches what YAML refuses.
                out.append(yaml_quoted(value.rendered()) if whole else value.rendered())
            i = match.end()
            continue
        ch = line[i]
        if state == "plain":
            if ch == '"' and _starts_scalar("".join(out)):
                state = "double"
            elif ch == "'" and _starts_scalar("".join(out)):
                state = "single"
            elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
                state = "comment"
        elif state == "double":
            if ch == "\\" and i + 1 < len(line):
                out.append(line[i:i + 2])
                i += 2
                continue
            if ch == '"':
                state = "plain"
        elif state == "single" and ch == "'":
            if line[i + 1:i + 2] == "'":
                out.append("''")
                i += 2
                continue
            state = "plain"
        out.append(ch)
        i += 1
    return "".join(out)


def _fill_list(
    line: str, match: re.Match[str], out: list[str], state: str, value: Value, newline: str,
) -> tuple[int, str] | None:
    """Write a list value where its placeholder is a whole YAML value: after `key:` as a block
    list, after `- ` as further items, inside `[...]` as flow items. Quotes around the
    placeholder go with it. Returns where to go on and the new quoting state, or None when the
    placeholder stands inside a longer value (the caller writes the items joined)."""
    end = match.end()
    if state in ("double", "single"):
        quote = '"' if state == "double" else "'"
        if not ("".join(out).endswith(quote) and line[end:end + 1] == quote):
            return None
        out.pop()  # the opening quote, a character of its own
        end += 1
    elif state != "plain":
        return None
    before = "".join(out).rstrip()
    rest = line[end:].split(" #", 1)[0].strip()
    items = value.yaml_items()
    if before.endswith(":") and rest == "":
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        out[:] = [before] + ([f"{newline}{indent}- {item}" for item in items] or [" []"])
    elif before.endswith("-") and rest == "" and items:
        indent = " " * (len(before) - 1)
        out.append(f"{newline}{indent}- ".join(items))
    elif before.endswith(("[", ",")) and rest[:1] in ("]", ","):
        out.append(", ".join(items))
    else:
        return None
    return end, "plain"


def _value_of(match: re.Match[str], values: Mapping[str, Value]) -> Value | None:
    """What a placeholder becomes, or None to leave it as written (unknown, or a format on a
    value that takes none)."""
    value = values.get(match.group(1))
    if value is None:
        return None
    return value.formatted(match.group(2))


def fill_template(text: str, values: Mapping[str, Value], source: str = "template",
                  fields: Mapping[str, Value] | None = None, lists: Sequence[str] = ()) -> str:
    """Fill `{{key}}` and `{{key:FORMAT}}` placeholders in a template's text; unknown
    placeholders are left as written. Then set each front-matter key of `fields` to its value,
    whatever the template gave it (a key the template lacks is added at the end of its front
    matter), and write each key of `lists` the template leaves empty (`career: ""`) as an empty
    list, so that the property has one type in every note.

    In the front matter each value is escaped for its quoting context; in the body it is written
    as text, a `<` as `&lt;` so that no value becomes HTML (links as `[[name]]`). Raises
    CaptureError, naming `source` and the line, when the filled front matter is not valid YAML.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text[len(bom):].splitlines(keepends=True)
    span = _front_matter_span(lines)
    filled: list[str] = []
    for number, line in enumerate(lines):
        if 0 < number < span - 1:
            ending = line[len(line.rstrip("\r\n")):]
            filled.append(_fill_yaml_line(line[:len(line) - len(ending)], values,
                                          ending or "\n") + ending)
        else:
            filled.append(PLACEHOLDER_RE.sub(
                lambda m: _body_text(m, values),
                line,
            ))
    if span and (fields or lists):
        # A list placeholder may have become several lines: the keys are looked for line by line.
        filled = "".join(filled).splitlines(keepends=True)
        filled = _set_fields(filled, _front_matter_span(filled), fields or {}, lists)
        span = _front_matter_span(filled)
    if span:
        try:
            load_front_matter("".join(filled[1:span - 1]), first_line=2)
        except FrontMatterError as exc:
            where = f" line {exc.line}" if exc.line else ""
            raise CaptureError(
                f"{source}{where}: the filled front matter is not valid YAML ({exc}); "
                "put quotes around the placeholder, e.g. company: \"{{company}}\""
            ) from None
    return bom + "".join(filled)


def _body_text(match: re.Match[str], values: Mapping[str, Value]) -> str:
    value = _value_of(match, values)
    return match.group(0) if value is None else value.body_text()


_EMPTY_VALUES = ("", '""', "''", "~", "null")
_TOP_KEY_RE = re.compile(r"([^\s#:\-\[{'\"][^:]*):(?:[ \t]|$)")


def _set_fields(lines: list[str], span: int, fields: Mapping[str, Value],
                lists: Sequence[str] = ()) -> list[str]:
    """`lines` (a note's, with their endings; its front matter `span` lines long) with each
    key of `fields` set: its line, and the indented or list lines under it, replaced by the
    key and its value; a key the front matter lacks is added at its end. A key of `lists`
    with an empty value becomes `[]`."""
    newline = lines[0][len(lines[0].rstrip("\r\n")):] or "\n"
    inner = lines[1:span - 1]
    out: list[str] = []
    written: set[str] = set()
    at = 0
    while at < len(inner):
        line = inner[at]
        key = _TOP_KEY_RE.match(line.rstrip("\r\n"))
        name = key.group(1).rstrip() if key else None
        at += 1
        if name is not None and name in lists and name not in fields and key is not None \
                and line[key.end():].strip() in _EMPTY_VALUES \
                and not (at < len(inner) and inner[at].startswith((" ", "\t", "-"))):
            out += _field_lines(name, Value("", items=()), newline)
            continue
        if name is None or name not in fields or name in written:
            out.append(line)
            continue
        while at < len(inner) and inner[at].startswith((" ", "\t", "-")):
            at += 1  # the value's own lines: a block list or a continued scalar
        out += _field_lines(name, fields[name], newline)
        written.add(name)
    for name, value in fields.items():
        if name not in written:
            out += _field_lines(name, value, newline)
    return [lines[0], *out, *lines[span - 1:]]


def _field_lines(key: str, value: Value, newline: str) -> list[str]:
    """`key: value` as front-matter lines: a list as a block list (`[]` when empty), anything
    else double-quoted, so that every text stays a string."""
    if value.items is None:
        return [f"{key}: {yaml_quoted(value.rendered())}{newline}"]
    if not value.items:
        return [f"{key}: []{newline}"]
    return [f"{key}:{newline}", *(f"  - {item}{newline}" for item in value.yaml_items())]


# --- moment.js formats (what Obsidian's {{date:FORMAT}} takes) --------------------------------

_MOMENT_TOKEN_RE = re.compile(
    r"\[([^\]]*)\]|YYYY|YY|Q|MMMM|MMM|MM|M|DDDD|DDD|Do|DD|D|dddd|ddd|dd|d|E|GGGG|WW|W"
    r"|HH|H|hh|h|kk|k|mm|m|ss|s|A|a"
)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_moment(when: dt.datetime, fmt: str) -> str:
    """`when` written in a moment.js format, as Obsidian's `{{date:FORMAT}}` writes it (English
    names): `YYYY-MM-DD`, `DD MMM YYYY`, `dddd, MMMM Do`, `HH:mm`, `[week] WW`... Text in
    brackets is written as it is, and so is any letter that is no token."""
    return _MOMENT_TOKEN_RE.sub(lambda m: _moment_token(when, m), fmt)


def _moment_token(when: dt.datetime, match: re.Match[str]) -> str:
    token = match.group(0)
    if match.group(1) is not None:
        return match.group(1)
    day = when.day
    ordinal = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    twelve = when.hour % 12 or 12
    iso_year, iso_week, iso_day = when.isocalendar()
    parts = {
        "YYYY": f"{when.year:04d}", "YY": f"{when.year % 100:02d}",
        "Q": str((when.month - 1) // 3 + 1),
        "MMMM": _MONTHS[when.month - 1], "MMM": _MONTHS[when.month - 1][:3],
        "MM": f"{when.month:02d}", "M": str(when.month),
        "DDDD": f"{when.timetuple().tm_yday:03d}", "DDD": str(when.timetuple().tm_yday),
        "Do": f"{day}{ordinal}", "DD": f"{day:02d}", "D": str(day),
        "dddd": _WEEKDAYS[iso_day - 1], "ddd": _WEEKDAYS[iso_day - 1][:3],
        "dd": _WEEKDAYS[iso_day - 1][:2],
        "d": str(iso_day % 7), "E": str(iso_day),
        "GGGG": f"{iso_year:04d}", "WW": f"{iso_week:02d}", "W": str(iso_week),
        "HH": f"{when.hour:02d}", "H": str(when.hour), "hh": f"{twelve:02d}", "h": str(twelve),
        "kk": f"{when.hour or 24:02d}", "k": str(when.hour or 24),
        "mm": f"{when.minute:02d}", "m": str(when.minute),
        "ss": f"{when.second:02d}", "s": str(when.second),
        "A": "AM" if when.hour < 12 else "PM", "a": "am" if when.hour < 12 else "pm",
    }
    return parts[token]


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


def read_template(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise CaptureError(f"{path}: cannot read the template: {exc.strerror}") from None
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
    text = fill_template(read_template(template), values, source=str(template), fields=fields,
                         lists=LIST_KEYS if note_type == INTERVIEW else ())
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
