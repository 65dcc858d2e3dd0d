"""A template filled: the placeholders Obsidian's Templates plugin fills (`{{title}}`,
`{{date}}`, `{{time}}`, `{{date:YYYY-MM-DD}}`), so a note made from the vault's templates
inside Obsidian is as complete as one made by `vault-tools new`.

What only `new` knows (the company, the people of a conversation, its status) goes into the
front-matter key of that name (`company: ""` becomes `company: "[[Acme]]"`); the older
`{{company}}`-style placeholders are still filled, for templates written before. Filling is
text substitution, not YAML re-serialisation, so the user's key order and text survive; each
value is escaped for where it stands (inside double quotes, inside single quotes, bare, or in
the body), and the filled front matter is parsed once more before anything is written. Pure
functions: reading and writing files is `new`'s.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..frontmatter_yaml import FrontMatterError, load_front_matter
from ..wikilinks import closes_front_matter, opens_front_matter, wikilink

# `{{name}}`, or `{{date:FORMAT}}` / `{{time:FORMAT}}` with a moment.js format, as Obsidian writes.
PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::([^{}\r\n]*))?\}\}")
# The interview keys that hold lists, whatever a template says (Obsidian wants one type each).
LIST_KEYS = ("with", "career", "referrals")
# The placeholders that take a format, and Obsidian's default format for each.
FORMATTED = {"date": "YYYY-MM-DD", "time": "HH:mm"}


class CaptureError(Exception):
    """A note cannot be created (it exists, the name is empty, the template is unusable)."""


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


# --- plain text: message drafts -----------------------------------------------------------------


def fill_plain_line(line: str, values: Mapping[str, Value]) -> str | None:
    """One line of a plain-text template (a message draft) with its placeholders filled as
    text, nothing escaped (`{{date:FORMAT}}` formats a moment as in a note). None when the
    line names a placeholder of `values` whose value is empty: the fact is not known, and the
    line is left out whole rather than read "Hi ," or "None". A placeholder `values` does not
    name stays as written."""
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        shown = value.formatted(match.group(2)) or value  # a format on a plain value: ignored
        text = shown.rendered()
        if not text:
            missing = True
        return text

    filled = PLACEHOLDER_RE.sub(fill, line)
    return None if missing else filled


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
