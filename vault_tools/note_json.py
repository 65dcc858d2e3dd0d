"""A parsed note as one line of JSON, and back: the very Note, for the record of parsed notes
(`parsed_notes`) that spares a run the parse of a note whose bytes it parsed before.

Pure functions, no file. `to_json` writes each field of `Note` in its order, as JSON's own
values where they are one (text, whole numbers, true/false, null) and lists for the tuples; a
date as its day number (`date.toordinal`); the typed fields (`ContactFields` ...) as their
class's number and their values, each tagged when it is not plain (a date, a cadence, a score,
a tuple). `from_json` builds the Note back as `parse.parse_note` builds it, equal to it in
every value and type (a test holds them to it, strictly: `True` is not `1`, a tuple is not a
list).

The front matter (`Note.meta`) is kept only when it is plain JSON: text keys, and text, numbers,
true/false, null, lists and mappings for values. YAML can say more (a `!!binary` value, a set,
a number as a key): such a note gets no line (`to_json` says None) and is parsed every run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

from .notes import (
    Block,
    Cadence,
    CareerFields,
    CompanyFields,
    ContactFields,
    Diagnostic,
    Heading,
    InlineTag,
    InterviewFields,
    ItemLine,
    Link,
    ListItem,
    LogItem,
    Note,
    Score,
    Task,
    new_note,
)

# The typed fields' classes by their number in a line (a new class takes the next number).
_FIELD_CLASSES: tuple[type, ...] = (ContactFields, InterviewFields, CompanyFields, CareerFields)
_FIELD_NUMBER = {cls: number for number, cls in enumerate(_FIELD_CLASSES)}
_FIELD_NAMES = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _FIELD_CLASSES}
_NOTE_FIELDS = tuple(f.name for f in dataclasses.fields(Note))
_PLAIN = (str, int, bool, type(None))
_date = dt.date.fromordinal


class _NoJson(Exception):
    """A value this format has no exact JSON for."""


def to_json(note: Note) -> str | None:
    """`note` as one line of JSON (no line break in it), or None when one of its values has no
    exact form here (the front matter's, see the module's docstring)."""
    try:
        if not _plain_json(note.meta, 0):
            return None
        values = [
            note.path, note.name, note.title, note.type, note.meta, _fields(note.fields),
            note.aliases, note.tags, note.private, note.links,
            [[t.text, t.line, t.done, _day(t.due), _day(t.shown_from)] for t in note.tasks],
            [[b.name, b.open_line, b.close_line, b.start, b.end] for b in note.blocks],
            note.headings, note.block_ids, note.inline_tags,
            [[i.day.toordinal(), i.kind, i.text, i.line] for i in note.log],
            note.insight_lines, note.items, note.open_questions, _day(note.day),
            [[d.path, d.line, d.severity, d.code, d.message] for d in note.diagnostics],
            note.body_line, note.newline, note.bom, note.unreadable, note.ends_plain,
        ]
        # (ensure_ascii: a line break or a lone surrogate in a value stays escaped)
        return json.dumps(values, separators=(",", ":"))
    except (_NoJson, ValueError):  # ValueError: an integer too long to write in decimal
        return None


def from_json(line: str) -> Note:
    """The Note `to_json` wrote as `line`. Raises ValueError, TypeError, IndexError or
    KeyError for a line it did not write (a record damaged since)."""
    v = json.loads(line)
    if not isinstance(v, list) or len(v) != len(_NOTE_FIELDS):
        raise ValueError("not a note's line")
    return new_note(
        path=v[0], name=v[1], title=v[2], type=v[3], meta=v[4], fields=_fields_back(v[5]),
        aliases=tuple(v[6]), tags=tuple(v[7]), private=v[8],
        links=tuple([Link(*x) for x in v[9]]),
        tasks=tuple([Task(x[0], x[1], x[2], _day_back(x[3]), _day_back(x[4])) for x in v[10]]),
        blocks=tuple([Block(*x) for x in v[11]]),
        headings=tuple([Heading(*x) for x in v[12]]),
        block_ids=tuple([(x[0], x[1]) for x in v[13]]),
        inline_tags=tuple([InlineTag(*x) for x in v[14]]),
        log=tuple([LogItem(_date(x[0]), x[1], x[2], x[3]) for x in v[15]]),
        insight_lines=tuple([(x[0], x[1], x[2], x[3]) for x in v[16]]),
        items=tuple([ItemLine(*x) for x in v[17]]),
        open_questions=tuple([ListItem(*x) for x in v[18]]),
        day=_day_back(v[19]),
        diagnostics=tuple([Diagnostic(*x) for x in v[20]]),
        body_line=v[21], newline=v[22], bom=v[23], unreadable=v[24], ends_plain=v[25],
    )


def _plain_json(value: Any, depth: int) -> bool:
    """True when `value` comes back from JSON as the same value of the same types."""
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is float:
        return not math.isnan(value)  # (NaN comes back, but equal to nothing: no test holds it)
    if depth > 100:
        return False
    if kind is list:
        return all(_plain_json(item, depth + 1) for item in value)
    if kind is dict:
        return all(type(key) is str and _plain_json(item, depth + 1)
                   for key, item in value.items())
    return False


def _day(day: dt.date | None) -> int | None:
    if day is None:
        return None
    if type(day) is not dt.date:  # (a datetime is a date too, with more to keep)
        raise _NoJson
    return day.toordinal()


def _day_back(number: int | None) -> dt.date | None:
    return None if number is None else _date(number)


def _fields(fields: Any) -> list[Any] | None:
    if fields is None:
        return None
    number = _FIELD_NUMBER.get(type(fields))
    if number is None:
        raise _NoJson
    return [number, [_value(getattr(fields, name)) for name in _FIELD_NAMES[type(fields)]]]


def _fields_back(found: list[Any] | None) -> Any:
    if found is None:
        return None
    cls = _FIELD_CLASSES[found[0]]
    names = _FIELD_NAMES[cls]
    values = found[1]
    if len(values) != len(names):
        raise ValueError("typed fields of another shape")
    return cls(*[_value_back(value) for value in values])


def _value(value: Any) -> Any:
    """A typed field's value: plain as is, else a one-key object saying what it is."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dt.date:
        return {"d": value.toordinal()}
    if kind is tuple:
        return {"t": [_value(item) for item in value]}
    if kind is Cadence:
        return {"c": [value.count, value.unit]}
    if kind is Score:
        return {"s": [value.criterion, value.value, value.line]}
    raise _NoJson


def _value_back(value: Any) -> Any:
    if type(value) is not dict:
        return value
    ((tag, found),) = value.items()
    if tag == "d":
        return _date(found)
    if tag == "t":
        return tuple([_value_back(item) for item in found])
    if tag == "c":
        return Cadence(found[0], found[1])
    if tag == "s":
        return Score(found[0], found[1], found[2])
    raise ValueError(f"a value tagged {tag[:10]!r}")
