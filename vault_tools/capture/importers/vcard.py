"""vCard files (.vcf, versions 2.1, 3.0 and 4.0, several cards per file) -> `Person`s."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import vobject

from ..new import single_line
from .common import ImportFileError, Person, Problem, ReadResult, is_linkedin, text_of_file

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
    text = text_of_file(data, file_name, result)
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
