"""The text of a new contact note for an imported person: only inert text and safe values."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

import yaml

from ...schema import CONTACT
from ...wikilinks import FENCE, wikilink
from ..new import link_target
from ..templates import CaptureError, single_line, yaml_quoted
from .common import Person, related_entry

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


# What Obsidian allows in a tag: letters, digits (any script), `_`, `-` and `/`.
_NOT_IN_TAG_RE = re.compile(r"[^\w/-]+")


def tag_name(text: str) -> str:
    """An address-book group as a tag Obsidian accepts: each run of other characters (white
    space, `&`, `<`, `#`...) becomes one `-` (`Data people` -> `Data-people`)."""
    return _NOT_IN_TAG_RE.sub("-", single_line(text)).strip("-")


def _yaml_list(key: str, values: Iterable[str]) -> list[str]:
    items = [v for v in values if single_line(v)]
    return [f"{key}:", *(f"  - {yaml_scalar(v)}" for v in items)] if items else []


def _date_value(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else yaml_scalar(value)


def contact_note(person: Person, file_name: str) -> str:
    """The text of a new contact note for an imported person.

    Only the fields that have values are written, each with one YAML type in every note (as
    Obsidian's property editor wants): `email` and `phone` are the preferred (or first) ones,
    text; the others go in the lists `emails` and `phones`. `aliases`, `tags` and `related`
    are lists; `introduced_by` and `company` are links.
    """
    lines = [FENCE, f"type: {CONTACT}"]
    lines += _yaml_list("aliases", person.aliases)
    if person.company:
        # A company name made only of unsafe characters has no note name to link to.
        with contextlib.suppress(CaptureError):
            lines.append(f"company: {yaml_quoted(wikilink(link_target(person.company)))}")
    if person.department:
        lines.append(f"department: {yaml_scalar(person.department)}")
    if person.role:
        lines.append(f"role: {yaml_scalar(person.role)}")
    if person.emails:
        lines.append(f"email: {yaml_scalar(person.emails[0])}")
        lines += _yaml_list("emails", person.emails[1:])
    if person.phones:
        lines.append(f"phone: {yaml_quoted(single_line(person.phones[0]))}")
        if person.phones[1:]:  # always quoted: YAML must never read a phone as a number
            lines += ["phones:", *(f"  - {yaml_quoted(single_line(p))}"
                                   for p in person.phones[1:])]
    if person.linkedin:
        lines.append(f"linkedin: {yaml_scalar(person.linkedin)}")
    if person.location:
        lines.append(f"location: {yaml_scalar(person.location)}")
    if person.birthday:
        lines.append(f"birthday: {_date_value(person.birthday)}")
    if person.anniversary:
        lines.append(f"anniversary: {_date_value(person.anniversary)}")
    if person.introduced_by:
        with contextlib.suppress(CaptureError):
            lines.append(f"introduced_by: "
                         f"{yaml_quoted(wikilink(link_target(person.introduced_by)))}")
    lines += _yaml_list("related", (related_entry(single_line(n), k) for n, k in person.related))
    if person.connected_on:
        lines.append(f"connected_on: {person.connected_on.isoformat()}")
    lines += _yaml_list("tags", dict.fromkeys(t for t in map(tag_name, person.tags) if t))
    lines.append(f"source: {person.source}")
    lines += [FENCE, "", f"# {inert_text(person.name)}", "", "## How we met", ""]
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
