"""vCard files (.vcf, versions 2.1, 3.0 and 4.0, several cards per file) -> `Person`s.

Read without a vCard library, property by property, so that a property an exporter wrote
oddly costs that property alone (with a warning naming its line), never its card or the file.
The order follows RFC 6350 §3.2: lines are unfolded as bytes first, then each property's value
is decoded (quoted-printable, base64, its CHARSET), so that a UTF-8 character split by folding
is whole again before anything reads it. Then the value is split and unescaped by its kind:
text (`TITLE`, `NOTE`: commas are the text's own), structured (`N`, `ADR`, `ORG`: `;`
separates components) or a list (`NICKNAME`, `CATEGORIES`: `,` separates items).
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..templates import single_line
from .common import (
    INTRODUCED_BY_TYPE,
    ImportFileError,
    Person,
    Problem,
    ReadResult,
    is_linkedin,
)

# `[group.]NAME`: RFC 6350 §3.3 allows letters, digits and `-`.
_NAME_RE = re.compile(r"(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)", re.ASCII)
_LINE_END_RE = re.compile(rb"\r*\n|\r")
_BASE64_LINE_RE = re.compile(rb"[A-Za-z0-9+/=]+")
# Bare vCard 2.1 parameters (`TEL;WORK;PREF:`) are types, except these encodings.
_ENCODINGS = {"quoted-printable", "base64", "b", "8bit", "7bit"}
# The properties read into a note; the others (PHOTO, REV, X-MS-OL-DESIGN...) are never decoded,
# so a photo or an exporter's private data costs nothing and warns of nothing.
_READ = {
    "VERSION", "UID", "FN", "N", "NICKNAME", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "URL",
    "X-SOCIALPROFILE", "IMPP", "ADR", "NOTE", "CATEGORIES", "BDAY", "ANNIVERSARY",
    "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-ABDATE", "RELATED",
    "X-ABRELATEDNAMES", "X-ANDROID-CUSTOM", "X-ABLABEL",
}
# Android's relation kinds (`X-ANDROID-CUSTOM:vnd.android.cursor.item/relation;NAME;KIND`).
_ANDROID_RELATIONS = {
    "1": "assistant", "2": "brother", "3": "child", "4": "domestic-partner", "5": "father",
    "6": "friend", "7": "manager", "8": "mother", "9": "parent", "10": "partner",
    "11": INTRODUCED_BY_TYPE, "12": "relative", "13": "sister", "14": "spouse",
}
# Relation labels that mean "introduced by" (Google's and Android's "referred by").
_INTRODUCED_BY_LABELS = {INTRODUCED_BY_TYPE, "introduced-by", "referred-by", "x-referred-by"}


@dataclass(frozen=True)
class Property:
    """One content line of a card: its group (`item1`), upper-case name, parameters (upper-case
    keys; bare 2.1 parameters under `TYPE`, types lower-cased) and its decoded, still escaped
    value."""

    line: int
    group: str
    name: str
    params: dict[str, tuple[str, ...]]
    value: str

    @property
    def types(self) -> tuple[str, ...]:
        return self.params.get("TYPE", ())

    @property
    def preferred(self) -> bool:
        return "pref" in self.types or "PREF" in self.params


@dataclass
class _Card:
    number: int
    line: int
    lines: list[tuple[int, bytes]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.at(self.line)

    def at(self, line: int) -> str:
        """Where one line of this card is, as a problem names it."""
        return f"card {self.number}, line {line}"


@dataclass
class _Reading:
    """What one file's reading shares: its name, the problems, and one-time warnings."""

    file_name: str
    result: ReadResult
    warned_fallback: bool = False

    def warn(self, line: int, message: str, card: _Card | None = None) -> None:
        where = card.at(line) if card else f"line {line}"
        self.result.problems.append(Problem(where, message, "warning"))


# --- bytes: the file's encoding, line ends, unfolding ------------------------------------------


def _as_utf8_bytes(data: bytes, file_name: str) -> bytes:
    """The file's bytes, UTF-16 (with a BOM, or the BOM-less shape `B\\0E\\0`) re-encoded as
    UTF-8 and a UTF-8 BOM dropped; ImportFileError for an empty or a binary file."""
    if not data.strip():
        raise ImportFileError(f"{file_name}: the file is empty; nothing to import")
    encoding = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif data[:4].upper() == b"B\x00E\x00":
        encoding = "utf-16-le"
    elif data[:4].upper() == b"\x00B\x00E":
        encoding = "utf-16-be"
    if encoding:
        try:
            return data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(f"{file_name}: starts as UTF-16 text but is not valid "
                                  "UTF-16") from None
    if b"\x00" in data:
        raise ImportFileError(f"{file_name}: a binary file (it holds NUL bytes), not text")
    return data.removeprefix(b"\xef\xbb\xbf")


def _logical_lines(data: bytes) -> Iterator[tuple[int, bytes, list[int]]]:
    """Unfolded content lines, as bytes, with the file line each starts on (and the unindented
    base64 lines it took in).

    A line starting with a space or tab continues the previous one (that one character
    dropped); so does any line after a quoted-printable value ending in `=` (a vCard 2.1 soft
    line break, which needs no indent), and a line of base64 after a base64 value (vCard 2.1
    photos as some programs write them, unindented). Any run of CRs before a LF, a lone CR or
    LF, ends a line (`\\r\\r\\n` too); blank lines are ignored.
    """
    current: list[bytes] = []
    start = 0
    head = b""
    unindented: list[int] = []
    for number, raw in enumerate(_LINE_END_RE.split(data), start=1):
        if current:
            upper = raw.strip().upper()
            closes = upper in (b"END:VCARD", b"BEGIN:VCARD")
            if b"QUOTED-PRINTABLE" in head and current[-1].endswith(b"=") and not closes:
                current[-1] = current[-1][:-1]
                current.append(raw)
                continue
            if raw[:1] in (b" ", b"\t"):
                current.append(raw[1:])
                continue
            if (b"BASE64" in head or re.search(rb"ENCODING=B\b", head)) and not closes \
                    and _BASE64_LINE_RE.fullmatch(raw):
                current.append(raw)
                unindented.append(number)
                continue
        if not raw.strip():
            continue
        if current:
            yield start, b"".join(current), unindented
        current, start, unindented = [raw], number, []
        head = raw.split(b":", 1)[0].upper()
    if current:
        yield start, b"".join(current), unindented


def _split_cards(data: bytes, reading: _Reading) -> list[_Card]:
    cards: list[_Card] = []
    card: _Card | None = None
    count = 0
    problems = reading.result.problems
    for number, line, unindented in _logical_lines(data):
        if unindented:
            name = line.split(b";", 1)[0].split(b":", 1)[0].decode("latin-1")
            reading.warn(number, f"the base64 data of {name} runs on unindented lines "
                         f"{unindented[0]}-{unindented[-1]} (a vCard 2.1 shape); read as part "
                         f"of it ({name} is not imported)", card)
        key = line.strip().upper()
        if key == b"BEGIN:VCARD":
            count += 1
            if card is not None:
                problems.append(Problem(
                    card.where, f"no END:VCARD before the next card on line {number}; skipped"
                ))
            card = _Card(count, number)
        elif key == b"END:VCARD":
            if card is None:
                problems.append(Problem(
                    f"line {number}", "END:VCARD without a BEGIN:VCARD; ignored", "warning"
                ))
            else:
                cards.append(card)
                card = None
        elif card is not None:
            card.lines.append((number, line))
        else:
            problems.append(Problem(
                f"line {number}", "text outside any BEGIN:VCARD ... END:VCARD; ignored", "warning"
            ))
    if card is not None:
        problems.append(Problem(card.where, "the card is never closed by END:VCARD; skipped"))
    if count == 0:
        raise ImportFileError(f"{reading.file_name}: no BEGIN:VCARD line: this is not a vCard "
                              "file")
    return cards


# --- one content line -> Property ----------------------------------------------------------------


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _property(number: int, line: bytes, card: _Card, reading: _Reading) -> Property | None:
    """The property on one unfolded line, or None (with a warning) when it cannot be read."""
    colon, quoted = -1, False
    for i, byte in enumerate(line):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            colon = i
            break
    if colon < 0:
        reading.warn(number, f"not a vCard property (NAME:value): "
                     f"{_shorten(line.decode('utf-8', 'replace'))!r}; ignored", card)
        return None
    head = line[:colon].decode("latin-1")
    parts = _split_outside_quotes(head, ";")
    name_match = _NAME_RE.fullmatch(parts[0].strip())
    if not name_match:
        reading.warn(number, f"{_shorten(parts[0])!r} is not a valid vCard "
                     "property name (letters, digits and '-'); property skipped", card)
        return None
    params: dict[str, list[str]] = {}
    for param in parts[1:]:
        key, sep, value = param.partition("=")
        key = key.strip().upper()
        if not key:
            continue  # `ADR;HOME;PREF;:` — an empty parameter says nothing
        if not sep:
            key, value = ("ENCODING" if key.lower() in _ENCODINGS else "TYPE"), key
        values = [v.strip().strip('"') for v in _split_outside_quotes(value, ",")]
        if key == "TYPE":
            values = [v.lower() for v in values]
        params.setdefault(key, []).extend(v for v in values if v)
    group, name = (name_match.group(1) or "").upper(), name_match.group(2).upper()
    frozen = {k: tuple(v) for k, v in params.items()}
    if name not in _READ:
        return Property(number, group, name, frozen, "")
    text = _decode(line[colon + 1:], frozen, name, number, card, reading)
    if text is None:
        return None
    return Property(number, group, name, frozen, text)


def _decode(raw: bytes, params: dict[str, tuple[str, ...]], name: str, number: int,
            card: _Card, reading: _Reading) -> str | None:
    """A value's bytes as text: transfer encoding undone, then its CHARSET (else UTF-8, else
    Windows-1252 with one warning per file). None, with a warning, when it cannot be read."""
    encodings = {e.lower() for e in params.get("ENCODING", ())}
    if "quoted-printable" in encodings:
        raw = binascii.a2b_qp(raw)
    elif encodings & {"b", "base64"}:
        try:
            raw = binascii.a2b_base64(raw)
        except binascii.Error:
            reading.warn(number, f"{name} is not valid base64; property skipped",
                         card)
            return None
    charset = next(iter(params.get("CHARSET", ())), None)
    if charset:
        codec = _text_codec(charset)
        if codec is not None:
            try:
                return raw.decode(codec)
            except (UnicodeError, ValueError):  # idna and punycode raise plain UnicodeError
                pass
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            reading.warn(number, f"{name} is not in CHARSET={charset} "
                         f"({'unknown' if codec is None else 'invalid'}) nor UTF-8; property "
                         "skipped", card)
            return None
        if codec is None and not raw.isascii():
            reading.warn(number, f"unknown CHARSET={charset}; {name} read as "
                         "UTF-8", card)
        return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        if not reading.warned_fallback:
            reading.warned_fallback = True
            reading.warn(number, f"{reading.file_name} is not UTF-8 (first bad byte on line "
                         f"{number}); read as Windows-1252: check accented names", card)
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _text_codec(charset: str) -> str | None:
    """Python's name for a CHARSET when it is a text encoding; None for an unknown one and for
    the codecs that are no charset (`base64`, `rot13`, `zlib`)."""
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- values: escapes, components, lists ----------------------------------------------------------


def _split_escaped(text: str, separators: str) -> list[str]:
    """`text` split at the separators that are not escaped by a backslash (escapes kept)."""
    parts, start, i = [], 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in separators:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def unescape(text: str) -> str:
    """A vCard text value's escapes undone: `\\n` (or `\\N`) is a line break, `\\,` `\\;` `\\:`
    and `\\\\` the character; any other backslash stays as written."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            following = text[i + 1]
            out.append("\n" if following in "nN" else following if following in "\\,;:"
                       else ch + following)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _text(prop: Property) -> str:
    return unescape(prop.value)


def _components(prop: Property) -> list[str]:
    """A structured value (`N`, `ADR`, `ORG`): its `;`-separated components, each unescaped,
    a component's own `,`-separated list (4.0) joined by a space."""
    return [" ".join(unescape(item).strip() for item in _split_escaped(part, ",")
                     if item.strip()) if prop.name != "ORG" else unescape(part).strip()
            for part in _split_escaped(prop.value, ";")]


def _items(prop: Property, version: str) -> list[str]:
    """A list value (`NICKNAME`, `CATEGORIES`): its items, unescaped (2.1 separates with `;`)."""
    separators = ",;" if version.startswith("2") else ","
    return [unescape(item).strip() for item in _split_escaped(prop.value, separators)]


# --- card -> Person -----------------------------------------------------------------------------


def read_vcard(data: bytes, file_name: str = "the file") -> ReadResult:
    """Read every card of a vCard file (2.1, 3.0 or 4.0).

    A property that cannot be read is skipped with a warning naming the file and line; a card
    is skipped (an error naming its number and line) only when it is never closed or names no
    one. Raises ImportFileError when the file as a whole is no vCard file.
    """
    result = ReadResult()
    reading = _Reading(file_name, result)
    cards = _split_cards(_as_utf8_bytes(data, file_name), reading)
    read: list[tuple[_Card, list[Property]]] = []
    for card in cards:
        props = [p for n, line in card.lines
                 if (p := _property(n, line, card, reading)) is not None]
        read.append((card, props))
    # A RELATED may name another card of the file by its UID (`urn:uuid:...`).
    names_by_uid = {}
    for _card, props in read:
        uid = next((_text(p).strip() for p in props if p.name == "UID"), "")
        name = _name_of(props)
        if uid and name:
            names_by_uid[uid.casefold()] = name
    for card, props in read:
        person = _person(props, card, reading, names_by_uid)
        if isinstance(person, Problem):
            result.problems.append(person)
        else:
            result.people.append(person)
    return result


def _first(props: list[Property], *names: str) -> list[Property]:
    return [p for p in props if p.name in names]


def _name_of(props: list[Property]) -> str:
    for prop in _first(props, "FN"):
        if (name := single_line(_text(prop))):
            return name
    for prop in _first(props, "N"):
        parts = _components(prop) + [""] * 5
        family, given, additional, prefix, suffix = parts[:5]
        if (name := single_line(" ".join((prefix, given, additional, family, suffix)))):
            return name
    return ""


def _labels(props: list[Property]) -> dict[str, str]:
    """Apple's labels of grouped properties: `item2.X-ABLabel:_$!<Spouse>!$_` -> spouse."""
    labels = {}
    for prop in _first(props, "X-ABLABEL"):
        if prop.group:
            label = _text(prop).strip()
            if label.startswith("_$!<") and label.endswith(">!$_"):
                label = label[4:-4]
            labels[prop.group] = label.lower()
    return labels


def _date(text: str) -> dt.date | str:
    """A BDAY or ANNIVERSARY value as a date; `--MM-DD` when it has no year (4.0's `--0412`,
    Apple's year 1604); anything else as written."""
    value = text.strip()
    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})(?:T[0-9:Z+\-.]*)?", value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        try:
            day_of = dt.date(2000, month, day)  # a leap year: 29 February is a birthday
        except ValueError:
            return value
        if year in (1604, 0):
            return f"--{day_of.month:02d}-{day_of.day:02d}"
        try:
            return dt.date(year, month, day)
        except ValueError:
            return value
    match = re.fullmatch(r"--(\d{2})-?(\d{2})", value)
    if match:
        return f"--{match.group(1)}-{match.group(2)}"
    return value


def _person(props: list[Property], card: _Card, reading: _Reading,
            names_by_uid: dict[str, str]) -> Person | Problem:
    where = card.where
    version = next((_text(p).strip() for p in _first(props, "VERSION")), "3.0")
    labels = _labels(props)
    emails = _unique(single_line(_text(p)).removeprefix("mailto:").removeprefix("MAILTO:")
                     for p in _preferred_first(_first(props, "EMAIL")))
    name = _name_of(props)
    if not name:
        local = emails[0].split("@", 1)[0].strip() if emails else ""
        if not local:
            return Problem(where, "no name: the card has neither FN nor N, nor an email "
                           "address to name it by; skipped")
        name = local
        reading.warn(card.line, "the card has no "
                     f"name (FN or N); imported as {name!r}, from its email address", card)
    company = department = None
    for prop in _first(props, "ORG")[:1]:
        parts = _components(prop)
        company = single_line(parts[0]) or None
        department = ", ".join(single_line(p) for p in parts[1:] if single_line(p)) or None
    role = next((single_line(_text(p)) for p in _first(props, "TITLE", "ROLE")
                 if single_line(_text(p))), None)
    phones = _unique(re.sub(r"^tel:", "", single_line(_text(p)), flags=re.I)
                     for p in _preferred_first(_first(props, "TEL")))
    linkedin = None
    urls = []
    for prop in _first(props, "URL", "X-SOCIALPROFILE", "IMPP"):
        url = single_line(_text(prop))
        if not url:
            continue
        marked = any("linkedin" in t for t in prop.types)
        if linkedin is None and (marked or is_linkedin(url)):
            linkedin = url
        else:
            urls.append(url)
    location = None
    for prop in _preferred_first(_first(props, "ADR"))[:1]:
        parts = _components(prop) + [""] * 7
        location = ", ".join(single_line(p) for p in (parts[3], parts[4], parts[6])
                             if single_line(p)) or None
    notes = [_text(p).replace("\r\n", "\n").replace("\r", "\n").strip()
             for p in _first(props, "NOTE")]
    aliases: list[str] = []
    tags: list[str] = []
    for prop in props:
        if prop.name == "NICKNAME":
            aliases += [single_line(a) for a in _items(prop, version)]
        elif prop.name == "CATEGORIES":
            tags += [single_line(t) for t in _items(prop, version)]
        elif prop.name == "X-ANDROID-CUSTOM":
            parts = [unescape(p) for p in _split_escaped(prop.value, ";")]
            if parts[0] == "vnd.android.cursor.item/nickname" and len(parts) > 1:
                aliases.append(single_line(parts[1]))
    birthday = next((_date(_text(p)) for p in _first(props, "BDAY") if _text(p).strip()), None)
    anniversary = next((_date(_text(p)) for p in _first(props, "ANNIVERSARY", "X-ANNIVERSARY",
                                                         "X-MS-ANNIVERSARY",
                                                         "X-EVOLUTION-ANNIVERSARY")
                        if _text(p).strip()), None)
    related: list[tuple[str, str]] = []
    for prop in props:
        if prop.name == "X-ABDATE" and labels.get(prop.group) == "anniversary":
            anniversary = anniversary or _date(_text(prop))
        if prop.name == "RELATED":
            value = single_line(_text(prop))
            value = names_by_uid.get(value.casefold(), value)
            kind = next((t for t in prop.types if t != "pref"), "")
            related.append((value, kind))
        elif prop.name == "X-ABRELATEDNAMES":
            related.append((single_line(_text(prop)), labels.get(prop.group, "")))
        elif prop.name == "X-ANDROID-CUSTOM":
            parts = [unescape(p) for p in _split_escaped(prop.value, ";")] + ["", "", ""]
            if parts[0] == "vnd.android.cursor.item/relation":
                kind = _ANDROID_RELATIONS.get(parts[2], single_line(parts[3]).lower())
                related.append((single_line(parts[1]), kind))
    related = [(value, INTRODUCED_BY_TYPE if re.sub(r"[\s_]+", "-", kind) in
                _INTRODUCED_BY_LABELS else kind) for value, kind in related]
    introduced_by = next((value for value, kind in related
                          if kind == INTRODUCED_BY_TYPE and value), None)
    return Person(
        name=single_line(name), source="vcard", where=where, company=company,
        department=department, role=role, emails=emails, phones=phones,
        urls=_unique(u for u in urls if u != linkedin), linkedin=linkedin, location=location,
        note="\n\n".join(n for n in notes if n) or None,
        aliases=_unique(a for a in aliases if a and a.casefold() != name.casefold()),
        tags=_unique(t for t in tags if t), birthday=birthday, anniversary=anniversary,
        introduced_by=introduced_by,
        related=tuple(dict.fromkeys((v, k) for v, k in related
                                    if v and (v, k) != (introduced_by, INTRODUCED_BY_TYPE))),
    )


def _preferred_first(props: list[Property]) -> list[Property]:
    return sorted(props, key=lambda p: not p.preferred)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return tuple(seen.values())
