"""One top-level front-matter key set as text (DESIGN §6 "Explicit edits"): pure.

`set_key(text, key, value)` returns the note's text with the line `key: value` replacing the
key's one line, or inserted before the closing `---` (a note with no front matter gets one at
its top, after a byte-order mark). Every other byte stays: the BOM, each line's own line
ending, comments, the order and quoting of the other keys. The front matter is never
re-serialised (a YAML dump sorts keys, drops comments and restyles values); YAML is only read,
before and after, to check that the edit did exactly this.

What it will not guess at is refused with FrontMatterEditError naming the note and line: front
matter that does not parse or is never closed, a key written twice, a value that is not one
scalar on one line (a block, a list, a flow collection, an anchor or a tag).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..frontmatter_yaml import FrontMatterError, load_front_matter
from ..parse import BOM, split_lines
from ..wikilinks import closes_front_matter, opens_front_matter


class FrontMatterEditError(Exception):
    """The key was not set; the message names the note and line and says why."""


# Keys this module writes: plain words, never needing quotes.
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# A top-level key line: the key (bare or quoted) at column 0, its colon, then the value.
_TOP_KEY_RE = re.compile(r"""(?P<key>"[^"]*"|'[^']*'|[^\s#:\-"'][^:]*?)[ \t]*:(?=[ \t]|$)""")
# A plain scalar safe to write unquoted: starts with a letter or digit, holds only these, and
# reads back as the same string (checked by `yaml_scalar`: `yes`, `null`, `12` do not).
_PLAIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _./+-]*[A-Za-z0-9_./+-]|[A-Za-z0-9]")
# What may not stand raw inside a double-quoted scalar: YAML would read it as a line break,
# or it cannot be written in a file at all.
_ESCAPED = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\uFEFF"}
# What a YAML file may hold as it is (YAML 1.1's printable set, as PyYAML checks it); anything
# else is escaped.
_PRINTABLE_RE = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The characters that open a value that is not a one-line scalar: a block scalar, a flow
# collection, an anchor, an alias or a tag.
_NOT_SCALAR_START = ("|", ">", "[", "{", "&", "*", "!")


def yaml_scalar(value: str | dt.date) -> str:
    """`value` written as a YAML scalar that reads back as itself: a date as ISO
    (`2026-11-20`), a string plain when it is plain and unambiguous (`no-response`), else
    double-quoted with escapes (`"Yes"`, `"a: b"`)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if _PLAIN_RE.fullmatch(value) and _reads_as(value) == value:
        return value
    out = []
    for char in value:
        escaped = _ESCAPED.get(char)
        if escaped is None and not _PRINTABLE_RE.match(char):
            escaped = f"\\x{ord(char):02X}" if ord(char) < 0x100 else f"\\u{ord(char):04X}"
        out.append(escaped if escaped is not None else char)
    return '"' + "".join(out) + '"'


def _reads_as(scalar: str) -> Any:
    try:
        data = load_front_matter(f"k: {scalar}\n")
    except FrontMatterError:
        return None
    return data.get("k") if isinstance(data, dict) else None


def set_key(text: str, key: str, value: str | dt.date, path: str = "the note") -> str:
    """The note's `text` with top-level front-matter `key` set to `value` (see the module's
    docstring): one line replaced, or one inserted. FrontMatterEditError when the key cannot
    be set by a one-line edit; `path` names the note in its message."""
    if not _KEY_RE.fullmatch(key):
        raise ValueError(f"{key!r} is not a key this module writes")
    scalar = yaml_scalar(value)
    start = len(BOM) if text.startswith(BOM) else 0
    lines = split_lines(text[start:])
    if not lines or not opens_front_matter(lines[0].rstrip("\r\n")):
        newline = _newline_of(lines[0]) if lines else "\n"
        new_front = f"---{newline}{key}: {scalar}{newline}---{newline}"
        new_text = text[:start] + new_front + text[start:]
        _check(path, text, new_text, key, value)
        return new_text
    close = next((i for i in range(1, len(lines)) if closes_front_matter(lines[i].rstrip("\r\n"))),
                 None)
    if close is None:
        raise FrontMatterEditError(f"{path}:1: the front matter opened on line 1 is never closed "
                                   "by a '---' line; close it first, nothing was written")
    before = _loaded(path, lines, close)
    found = [i for i in range(1, close) if _key_of(lines[i]) == key]
    if len(found) > 1:
        where = ", ".join(str(i + 1) for i in found)
        raise FrontMatterEditError(f"{path}:{found[1] + 1}: {key} is written more than once "
                                   f"(lines {where}); keep one, then try again; nothing was "
                                   "written")
    explicit = next((i for i in range(1, close) if lines[i][:1] == "?"), None)
    if explicit is not None or (not found and key in before):
        # YAML's explicit keys (`? key` then `: value`): the key may be there on no line
        # of its own, and a line written now would be its second value.
        raise FrontMatterEditError(f"{path}:{(explicit or 1) + 1}: the front matter writes "
                                   "keys in YAML's explicit `? key` form; write "
                                   f"`{key}: {yaml_scalar(value)}` there yourself, nothing "
                                   "was written")
    offsets = [start]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    if found:
        i = found[0]
        new_line = _replaced_line(path, lines, i, close, key, scalar)
        new_text = text[:offsets[i]] + new_line + text[offsets[i + 1]:]
    else:
        # Before the closing fence, in the line ending of the line above it.
        newline = _newline_of(lines[close - 1])
        new_text = text[:offsets[close]] + f"{key}: {scalar}{newline}" + text[offsets[close]:]
    _check(path, text, new_text, key, value, before)
    return new_text


def key_line(text: str, key: str) -> int | None:
    """The 1-based line of top-level front-matter `key` in `text` (its first, if written
    twice), or None when the note has no front matter or no such key."""
    start = len(BOM) if text.startswith(BOM) else 0
    lines = split_lines(text[start:])
    if not lines or not opens_front_matter(lines[0].rstrip("\r\n")):
        return None
    for i in range(1, len(lines)):
        if closes_front_matter(lines[i].rstrip("\r\n")):
            return None
        if _key_of(lines[i]) == key:
            return i + 1
    return None


def _newline_of(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\r", "\n")):
        return line[-1]
    return "\n"


def _key_of(line: str) -> str | None:
    """The top-level key a front-matter line starts, unquoted, or None."""
    match = _TOP_KEY_RE.match(line)
    if match is None:
        return None
    written = match.group("key")
    if written[:1] in "\"'" and written[-1:] == written[:1] and len(written) > 1:
        return written[1:-1]
    return written


def _loaded(path: str, lines: list[str], close: int) -> dict[str, Any]:
    """The front matter as YAML reads it (lines 2 to `close`), which must be a mapping."""
    fm_text = "".join(line.rstrip("\r\n") + "\n" for line in lines[1:close])
    try:
        data = load_front_matter(fm_text, first_line=2)
    except FrontMatterError as exc:
        line = exc.line if exc.line is not None else 1
        raise FrontMatterEditError(f"{path}:{line}: the front matter does not parse ({exc}); "
                                   "fix it first, nothing was written") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterEditError(f"{path}:2: the front matter is not a mapping of keys to "
                                   "values; fix it first, nothing was written")
    return data


def _replaced_line(path: str, lines: list[str], i: int, close: int, key: str,
                   scalar: str) -> str:
    """Line `i` (the key's) with its value replaced by `scalar`, its comment and line ending
    kept; FrontMatterEditError when its value is not one scalar on this one line."""
    line = lines[i]
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    match = _TOP_KEY_RE.match(body)
    assert match is not None
    rest = body[match.end():]
    value = rest.strip(" \t")
    # Lines after it that are indented, or list items, continue its value.
    for following in lines[i + 1:close]:
        bare = following.rstrip("\r\n")
        if not bare.strip() or bare.lstrip().startswith("#"):
            continue  # a blank or comment line belongs to no value
        if bare[:1] in (" ", "\t") or bare.startswith("-"):
            raise FrontMatterEditError(
                f"{path}:{i + 1}: {key}'s value runs over several lines (a list or a block); "
                f"write `{key}: {scalar}` there yourself, nothing was written")
        break
    if not value or value.startswith("#"):
        # No value (null), perhaps a comment: the value goes before the comment.
        return f"{body[:match.end()]} {scalar}{_spaced(rest)}{ending}"
    if value.startswith(_NOT_SCALAR_START):
        raise FrontMatterEditError(
            f"{path}:{i + 1}: {key}'s value is not a single value ({value[:20]}…); "
            f"write `{key}: {scalar}` there yourself, nothing was written")
    comment = _trailing_comment(value)
    if comment is None:
        raise FrontMatterEditError(
            f"{path}:{i + 1}: {key}'s value is not one complete value on its line; "
            f"write `{key}: {scalar}` there yourself, nothing was written")
    return f"{body[:match.end()]} {scalar}{comment}{ending}"


def _trailing_comment(value: str) -> str | None:
    """The blanks and `# comment` after a one-line scalar (`` when none), or None when the
    scalar does not end on this line (an unclosed quote)."""
    if value[:1] in ("'", '"'):
        quote = value[0]
        at = 1
        while at < len(value):
            char = value[at]
            if quote == '"' and char == "\\":
                at += 2
                continue
            if char == quote:
                if quote == "'" and value[at + 1:at + 2] == "'":
                    at += 2
                    continue
                tail = value[at + 1:]
                if tail.strip(" \t") and not tail.lstrip(" \t").startswith("#"):
                    return None
                return _spaced(tail)
            at += 1
        return None
    match = re.search(r"[ \t]+#", value)
    return _spaced(value[match.start():]) if match else ""


def _spaced(tail: str) -> str:
    """A comment after a value keeps at least one blank before its `#`."""
    stripped = tail.strip(" \t")
    if not stripped:
        return ""
    return tail.rstrip(" \t") if tail[:1] in (" ", "\t") else " " + stripped


def _check(path: str, old: str, new: str, key: str, value: str | dt.date,
           before: dict[str, Any] | None = None) -> None:
    """FrontMatterEditError unless `new`'s front matter reads as `old`'s with `key` set to
    `value` and nothing else changed: the last word on what a line edit did."""
    lines = split_lines(new[len(BOM):] if new.startswith(BOM) else new)
    close = next(i for i in range(1, len(lines)) if closes_front_matter(lines[i].rstrip("\r\n")))
    try:
        after = _loaded(path, lines, close)
    except FrontMatterEditError:
        after = None
    expected = dict(before or {})
    expected[key] = value.isoformat() if isinstance(value, dt.date) else value
    if after != expected:
        raise FrontMatterEditError(
            f"{path}: setting {key} by one line would change how the front matter reads; "
            f"write `{key}: {yaml_scalar(value)}` there yourself, nothing was written")
