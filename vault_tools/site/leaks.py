"""The leak scan: read every file of a built site and report each private value found in it.

The site is private by construction; this is the second lock. It reads every byte a browser
could show or fetch: page text, every attribute value (links, image sources, titles, alt
texts), HTML comments, inline scripts, JSON (the search index), feeds, XML and gzip files, and
the file names and paths of the site itself. A file not in UTF-8 is read in each encoding a
reader may read it in (`decoded_texts`). Nothing outside the site folder is read through a
link, nor a named pipe, socket or device in it (`site_bytes`, `_site_files`).

The matching rule. Before comparing, a file's own escaping is undone (HTML entities, URL
percent-encoding, JSON and JavaScript `\\uXXXX`, iCalendar line folding, gzip) and both the file
and the secret are normalised the same way: Unicode compatibility decomposition with accents
dropped, then case folding (so NFC and NFD spellings, `LI NA` and `Lì Nà` are one value). Then
both are cut into words: runs of letters and digits; in scripts written without spaces
(Chinese, Japanese, Thai...) each character is a word. A value is found when its words appear
one after the other, with nothing but spaces, punctuation or markup between them (`Li Na`,
`li-na`, `Li%20Na`, `Li <b>Na</b>`), and only as whole words: `Li Na` is not in `Linalool` nor
in `Lina`. Words from different places (two attribute values, an attribute and the text) are
never joined, nor the text of two table rows or two list items: a page lists its records a row
or an item each, often sorted by date, so the last words of one (`… 2026-01-14`) and the first
of the next (`Chloe Rossi …`) would otherwise read as a private note's title that neither
holds. Within a row (its cells) or an item, words are joined as anywhere else. A value of one
word shorter than three characters is too common a word to look for (see `LeakScanner`).

Speed: each file is read into words once; each secret has one "anchor", its longest uncommon
word, and is compared only with files holding that word and all its other words. An attribute
value or comment found clean once (the theme's icons, classes, nav links) is not read again.
The pages are scanned as the build makes them (`PageScan`, from the plugin's last post-page
hook), so the scan of the site afterwards reads only the other files, and any page whose file
no longer holds the bytes scanned.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import html
import json
import logging
import multiprocessing
import os
import pickle
import posixpath
import re
import stat
import time
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..aside import Aside, AsideError, available
from ..capture.init import template_dir
from ..gcpolicy import forked_child
from ..privacy import COMMENT_SECRET, Secret, strip_comments_from_text
from ..vault import inside_notes, templates_folders
from ..views.common import SiteView

log = logging.getLogger("mkdocs.plugins.vault")

# Scripts written without spaces between words: there each character is a word of its own, so
# a name written inside a sentence ("我和李明见面") is still found as whole words.
_UNSPACED = ("\u0e00-\u0eff"  # Thai, Lao
             "\u1000-\u109f"  # Myanmar
             "\u1780-\u17ff"  # Khmer
             "\u3040-\u30ff"  # Hiragana, Katakana
             "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
             "\U00020000-\U0003134f")  # Han, the rarer ones
# A boundary between two places of a file (two attribute values, a comment and the text): a word
# of its own that no secret holds, so that no value is ever found across two places.
_BOUNDARY = "\x00"
# A NUL of the file itself, or one its escapes stand for, is read as this instead: a separator
# between words as a space is (an editor shows one, a browser a blank or this sign), and never
# a boundary, which would hide `Renata\0Silva`, whole words on either side of it.
_NOT_BOUNDARY = "\ufffd"
WORD_RE = re.compile(f"{_BOUNDARY}|[{_UNSPACED}]|[^\\W_{_UNSPACED}]+")
# The combining accents that compatibility decomposition splits off Latin, Greek and Cyrillic
# letters (a macOS file name is NFD): dropped, so `José` in either form is `jose`. So are the
# characters a browser shows as nothing (soft hyphen, zero-width space and joiners, word
# joiner, variation selectors, BOM): `Re&shy;nata` reads as `Renata` on the page.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                      "\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff]")
JSON_CHUNK = 32_000  # characters of JSON strings compared at a time (no string is split)
SCAN_PART = 1 << 20  # characters of a longer text folded and cut into words at a time
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
# A tag (or comment, or doctype) starts with a letter, `/`, `!` or `?`: `a < b > c` in a script
# or a text is no tag, and its words stay.
_TAG_RE = re.compile(r"<[A-Za-z/!?][^<>]*>")
# The end of a table row or a list item: a boundary in the page's text (see the matching rule).
_RECORD_END_RE = re.compile(r"</(?:tr|li)\s*>", re.IGNORECASE)
# Attribute values, anywhere: a `=` followed by a quoted or bare value. Each quoted value ends
# at the next quote of its kind, so the scan stays linear whatever the file holds.
_ATTRIBUTE_RE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>=`]+))""")
# Words too common on any page to say anything about a secret: never the anchor of a
# value that has another word.
_COMMON = frozenset({
    "com", "org", "net", "www", "http", "https", "example", "gmail", "linkedin", "mail",
    "the", "and", "for", "with", "that", "this", "html", "index",
})
FEW_ANCHORS = 8  # up to this many, a text is first searched for the anchors as strings
CLEAN_MEMORY = 200_000  # attribute values remembered as clean, at most
MIN_WORD_CHARS = 3  # a value of a single word is looked for from this many characters


def fold(text: str) -> str:
    """`text` as the scan compares it: compatibility-decomposed, accents dropped, case-folded.
    Equal for the NFC and NFD spellings of a name, and for its upper and lower case."""
    if text.isascii():
        return text.lower()
    # Folded first: case folding can add an accent (`İ` is `i̇`), which then goes too.
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold()))


@dataclass(frozen=True)
class Leak:
    """A secret found in an output file (`file` relative to the site folder)."""

    file: str
    secret: Secret

    def describe(self) -> str:
        return (f"{self.file}: contains {self.secret.kind} {self.secret.value!r} "
                f"from {self.secret.source}")


def decode_entities(text: str) -> str:
    """HTML entities, `\\uXXXX` escapes and URL percent-encoding (twice over, as a URL quoted
    inside a URL is) turned back into the characters they stand for; never into a NUL (see
    `_NOT_BOUNDARY`), so the boundaries in `text` are the only NULs of what it gives."""
    if "&" in text:
        text = html.unescape(text)  # (`&#0;` is U+FFFD already)
    if "\\u" in text:
        text = _UNICODE_ESCAPE.sub(_escaped_char, text)
    for _ in range(2):
        if "%" not in text:
            break
        text = unquote(text.replace("%00", _NOT_BOUNDARY), errors="replace")
    return text


def _escaped_char(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return chr(code) if code else _NOT_BOUNDARY


def _without_boundaries(text: str) -> str:
    """`text`, a file's own, with each NUL read as `_NOT_BOUNDARY`."""
    return text.replace(_BOUNDARY, _NOT_BOUNDARY)  # (the same string when it has none)


def words_of(text: str, markup: bool = False) -> list[str]:
    """The words of `text` as the scan compares them (see the module's matching rule), with
    its escapes undone. With `markup` (HTML, XML), the text between tags, every attribute
    value and every comment are read, each as a place of its own."""
    text = _without_boundaries(text)
    if markup:
        text = _join(markup_places(text))
    return WORD_RE.findall(fold(decode_entities(text)))


def markup_places(text: str) -> list[str]:
    """The places of an HTML or XML text that hold words: each distinct attribute value, each
    comment, and last the text with its tags dropped (which joins a name split by markup,
    `Li <em>Na</em>`, but not the text of two table rows or list items)."""
    # Whitespace only separates words, so each run of it can be one space: the regular
    # expressions below then skip a page's indentation in one step. The spaces at the ends
    # keep a match at the very start or end.
    # (A part at a time: split whole, a page of megabytes had every word a string of its own.)
    spaced = (" ".join(part.split()) for part in _parts(text, SCAN_PART))
    text = " " + " ".join(part for part in spaced if part) + " "
    # Each distinct value once: a page repeats its nav's links and classes many times. (Each
    # match gives its three groups, two of them empty: all go in, once.)
    places = list(dict.fromkeys(chain.from_iterable(_ATTRIBUTE_RE.findall(text))))
    places += _comments(text)
    places.append(_TAG_RE.sub(" ", _RECORD_END_RE.sub(f" {_BOUNDARY} ", text)))
    return places


def _join(places: Iterable[str]) -> str:
    """Places as one text in which no value is found across two of them."""
    return f" {_BOUNDARY} ".join(places)


def _comments(text: str) -> list[str]:
    """The insides of the HTML comments in `text` (an unclosed one runs to the end), found in
    one pass: never the browser's to show, but in every copy of the page."""
    found = []
    start = text.find("<!--")
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            found.append(text[start + 4:])
            break
        found.append(text[start + 4:end])
        start = text.find("<!--", end + 3)
    return found


class _Needle:
    __slots__ = ("anchor", "rest", "secret", "words")

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        words = words_of(secret.value)
        self.words = " " + " ".join(words) + " "
        self.anchor: str | None = None
        if len(words) >= 2 or (words and len(words[0]) >= MIN_WORD_CHARS):
            # The longest uncommon word: the one fewest files hold.
            rare = [w for w in words if w not in _COMMON] or words
            self.anchor = max(rare, key=len)
        self.rest = frozenset(words) - {self.anchor}


class LeakScanner:
    """Finds secrets in text, by the module's matching rule.

    A secret of a single word shorter than three characters (a note named `Bo`, a one-letter
    alias) is not looked for: as a whole word it is found in ordinary text, and would fail
    every build. Two short words (`Li Na`, `Bo Xu`) and two characters of Chinese (`李明`) are
    looked for.
    """

    def __init__(self, secrets: Iterable[Secret]) -> None:
        self._by_anchor: dict[str, list[_Needle]] = {}
        for secret in secrets:
            needle = _Needle(secret)
            if needle.anchor is not None:
                self._by_anchor.setdefault(needle.anchor, []).append(needle)
        self._anchors = frozenset(self._by_anchor)
        self._clean: set[str] = set()  # attribute values and comments found to hold no secret
        # The most words a secret looked for has: a text read in parts carries this many
        # words less one from each part into the next (`_found_in_parts`).
        self._longest = max((len(n.words.split()) for needles in self._by_anchor.values()
                             for n in needles), default=1)

    def __bool__(self) -> bool:
        return bool(self._by_anchor)

    def find(self, text: str, markup: bool = False) -> list[Secret]:
        """The secrets that occur in `text` (already decoded from its file format). `markup`:
        the text is HTML or XML (see `markup_places`)."""
        if not self:
            return []
        places: list[str] = []
        if markup:
            # A value found clean before is clean again (no secret is found across places):
            # the theme's icons, classes and nav links are read once per scan, not per page.
            places = [p for p in markup_places(text) if p not in self._clean]
            text = _join(places)
        found = (self._found_in(text) if len(text) <= SCAN_PART
                 else self._found_in_parts(text))
        if not found and len(self._clean) < CLEAN_MEMORY:
            self._clean.update(places[:-1])  # not the page's own text: it is seen once
        return found

    def _found_in(self, text: str) -> list[Secret]:
        """The secrets in `text` (its escapes not yet undone), by the module's matching rule."""
        text = fold(decode_entities(text))
        # An anchor not in the text as a string is not in it as a word: with a few anchors,
        # looking costs less than cutting the text into words.
        if len(self._anchors) <= FEW_ANCHORS and not any(a in text for a in self._anchors):
            return []
        return self._in_order(self._needles_in(WORD_RE.findall(text)))

    def _found_in_parts(self, text: str) -> list[Secret]:
        """`_found_in`, reading `text` a part at a time: a page of many megabytes (the
        follow-ups of 20,000 notes) is never held folded and cut into words whole, which took
        ~12 times the page. Each part after the first is read with the last words of the one
        before it, as many as the longest secret has words less one, so a secret that spans two
        parts is found in the second (tests/test_leak_scan.py holds the two equal)."""
        carry: list[str] = []
        found: set[_Needle] = set()
        for part in _parts(text, SCAN_PART):
            words = carry + WORD_RE.findall(fold(decode_entities(part)))
            found |= self._needles_in(words)
            # (all of them while a part has fewer: the first may hold one word of the secret)
            carry = words[-(self._longest - 1):] if self._longest > 1 else []
        return self._in_order(found)

    def _in_order(self, found: set[_Needle]) -> list[Secret]:
        """The secrets of `found`, by anchor, then as the scanner was given them."""
        return [n.secret for anchor in sorted({n.anchor for n in found if n.anchor})
                for n in self._by_anchor[anchor] if n in found]

    def _needles_in(self, words: list[str]) -> set[_Needle]:
        """The secrets whose words occur one after the other in `words`."""
        present = set(words)
        hits = self._anchors.intersection(present)
        if not hits:
            return set()
        # A secret is compared with the text only when all its words are in it: a page naming
        # Jana Silva holds the anchor of her e-mail address, rarely `example`.
        sequence = " " + " ".join(words) + " "
        return {n for anchor in hits for n in self._by_anchor[anchor]
                if n.rest <= present and n.words in sequence}


def _parts(text: str, size: int) -> Iterator[str]:
    """`text` in parts of about `size` characters, each cut at a space or a line break (which
    the scan's unescaping and folding never join to what is around them), the break dropped."""
    start, end = 0, len(text)
    while end - start > size:
        cut = max(text.rfind(" ", start, start + size), text.rfind("\n", start, start + size))
        if cut <= start:  # no break in the part: up to the next one
            found = [i for i in (text.find(" ", start + size), text.find("\n", start + size))
                     if i >= 0]
            if not found:
                break
            cut = min(found)
        yield text[start:cut]
        start = cut + 1
    yield text[start:]


def file_texts(site_dir: Path, rel: str) -> Iterator[str]:
    """The text(s) of the output file `rel` of `site_dir` as a reader would see them. Binary
    files yield nothing, nor what `site_bytes` reads none of."""
    data = site_bytes(site_dir, rel)
    return data_texts(data, rel) if data is not None else iter(())


# A named pipe is opened without waiting for a writer: `site_bytes` then finds it is no file.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def site_bytes(site_dir: Path, rel: str) -> bytes | None:
    """The bytes of the file `rel` of the site folder `site_dir`, or None if it is no file to
    read: a folder, a named pipe, a socket or a device (read in a way that never waits, never
    ends, or does something), or a link to outside the site folder or to nothing (a link is
    followed only to a file of the site: nothing outside it is ever read)."""
    path = os.path.join(site_dir, rel)
    try:
        fd = os.open(path, _READ_FLAGS | _NO_FOLLOW)
    except OSError:
        mode = os.lstat(path).st_mode
        if stat.S_ISSOCK(mode):
            return None  # (which no one opens)
        if not stat.S_ISLNK(mode):
            raise
        target = _target_inside(site_dir, path)
        if target is None or not os.path.exists(target):
            return None
        fd = os.open(target, _READ_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with open(fd, "rb", buffering=0, closefd=False) as file:
            return file.read()
    finally:
        os.close(fd)


def _target_inside(site_dir: Path, link: str) -> str | None:
    """Where the link `link` leads (all links followed), if that is inside `site_dir`."""
    root = os.path.realpath(site_dir)
    target = os.path.realpath(link)
    return target if target == root or target.startswith(root + os.sep) else None


def data_texts(data: bytes, rel: str) -> Iterator[str]:
    """The text(s) of the output file `rel` holding `data`, as a reader would see them (in
    each encoding a reader may read it in: `decoded_texts`). Binary files yield nothing."""
    name = rel.lower()
    if name.endswith(".gz"):
        unpacked = _gunzip(data)
        if unpacked is not None:  # (else no gzip at all: served, and read, as it is)
            data, name = unpacked, name[:-3]
    texts = decoded_texts(data)
    del data  # (the texts hold it all now: see `_format_texts`)
    while texts:
        yield from _format_texts(texts.pop(0), name)


def _format_texts(text: str, name: str) -> Iterator[str]:
    """The text(s) of the file `name` (lower case, gzip opened) whose text is `text`, with
    what its format escapes (JSON, iCalendar) undone."""
    text = _without_boundaries(text)
    if name.endswith(".json"):
        # (an escaped NUL too: the strings are joined with boundaries below)
        text = text.replace("\\u0000", "\\ufffd")
        try:
            # (Every key and value of an object, a key given twice too: a parser keeps the
            # last value, the file, fetched as it is, holds both.)
            strings = _json_strings(json.loads(text, object_pairs_hook=_flat_pairs))
        except (ValueError, RecursionError):
            strings = iter(())
        first = next(strings, None)
        if first is not None:
            # The parsed value holds every string now: the file's bytes (`data_texts`) and
            # text go, and its strings are walked, not listed (the search index of 20,000
            # notes is 59 MB: the three at once were ~250 MB at the peak of such a build).
            del text
            # In chunks: a search index holds the whole site, and every secret whose anchor
            # is somewhere in it would otherwise be compared with all of it.
            chunk: list[str] = []
            size = 0
            for string in chain((first,), strings):
                chunk.append(string)
                size += len(string)
                if size >= JSON_CHUNK:
                    yield _JOIN.join(chunk)
                    chunk, size = [], 0
            if chunk:
                yield _JOIN.join(chunk)
            return
    if name.endswith(".ics"):
        text = re.sub(r"\r?\n[ \t]", "", text)
        text = re.sub(r"\\([,;\\])", r"\1", text).replace("\\n", "\n").replace("\\N", "\n")
    yield text


# The byte order marks that name an encoding other than UTF-8, UTF-32's first: its
# little-endian mark starts with UTF-16's. (A file starting with one is no UTF-8.)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Bytes no text holds, but binary data (an image, a font, a video) holds at every turn: the C0
# control characters other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_SNIFF_BYTES = 8192  # of a file not in UTF-8, the first bytes read to tell binary from text


def decoded_texts(data: bytes) -> list[str]:
    """The texts a reader may see in the file `data`: its UTF-8 (nearly every file, read the
    same way as ever); else the encoding its byte order mark names (UTF-16 or UTF-32, as
    Windows writes a text); else both UTF-8 with each bad byte replaced (a page with one bad
    byte keeps its accented names) and Windows-1252, which a browser reads a text without a
    charset as (Latin-1, and a few letters more: `Š`, `Ž`). None of a binary file (an image):
    its bytes are no words, and a short name is found in the noise of any large one."""
    try:
        return [data.decode("utf-8")]
    except UnicodeDecodeError:
        pass
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return [data.decode(encoding, errors="replace")]
    sniffed = data[:_SNIFF_BYTES]
    # Random bytes are about one in ten control characters; a text, none or a stray one.
    if len(sniffed.translate(None, _NOT_CONTROL_BYTES)) > 1 + len(sniffed) // 32:
        return []
    return [data.decode("utf-8", errors="replace"), data.decode("cp1252", errors="replace")]


_GZIP_MAGIC = b"\x1f\x8b"
_GUNZIP_PIECE = 4096  # bytes of a damaged gzip file fed to zlib at a time


def _gunzip(data: bytes) -> bytes | None:
    """What the gzip file `data` holds, as far as it can be read: a file cut short or damaged
    part-way gives what comes before (what a browser or `zcat` shows of it, which zlib's
    error or gzip's EOFError threw away, and the file went unscanned); None if `data` is no
    gzip at all."""
    if not data.startswith(_GZIP_MAGIC):
        return None
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        pass
    out: list[bytes] = []
    rest = data
    while rest.startswith(_GZIP_MAGIC):  # (each member of the file in turn)
        member = zlib.decompressobj(wbits=31)
        at = 0
        try:
            while at < len(rest) and not member.eof:
                out.append(member.decompress(rest[at:at + _GUNZIP_PIECE]))
                at += _GUNZIP_PIECE
        except zlib.error:
            break
        if not member.eof:
            out.append(member.flush())
            break
        rest = member.unused_data + rest[at:]
    return b"".join(out)


_JOIN = f" {_BOUNDARY} "  # two JSON strings are two places: no value is found across them


def _flat_pairs(pairs: list[tuple[str, Any]]) -> list[Any]:
    """A JSON object as its keys and values, in document order (`data_texts`)."""
    return [item for pair in pairs for item in pair]


def _json_strings(value: object) -> Iterator[str]:
    """Every string of a parsed JSON value, keys too, in document order. A walk with a stack of
    its own: a value nested as deep as the parser allows is walked whole, never cut short."""
    stack: list[Iterator[object]] = [iter((value,))]
    while stack:
        for item in stack[-1]:
            if isinstance(item, str):
                yield item
            elif isinstance(item, dict):
                stack.append(chain.from_iterable((str(key), each) for key, each in item.items()))
                break
            elif isinstance(item, list):
                stack.append(iter(item))
                break
        else:
            stack.pop()


# Files read as markup: their tags are dropped, their attribute values and comments read. A
# gzipped one too (`data_texts` reads it decompressed): `sitemap.xml.gz`, and any other a
# plugin writes (a `.json.gz` index quoting `Quokka</em>&#32;Lantern` was read as plain text).
MARKUP_FILES = (".html", ".htm", ".xhtml", ".xml", ".svg", ".json")


def is_markup(rel: str) -> bool:
    """Whether the output file `rel` is read as markup (`MARKUP_FILES`, gzipped or not)."""
    name = posixpath.basename(rel).lower()
    return name.removesuffix(".gz").endswith(MARKUP_FILES)

# From this many files on, a second process scans half of them (the build itself is done by
# then, so the second core is idle): about half the scan's time on a large site. Below it, a
# process costs more than it saves.
PARALLEL_FROM = 1000
# Seconds the helper process may take beyond our own half before its half is scanned here.
HELPER_PATIENCE = 30.0


def scan_site(site_dir: Path, secrets: Iterable[Secret], skip: Iterable[str] = (),
              only: Iterable[str] | None = None, *, known: Mapping[str, list[Leak]] | None = None,
              parallel_from: int = PARALLEL_FROM,
              scanner: LeakScanner | None = None, listed: list[str] | None = None
              ) -> list[Leak]:
    """Every (file, secret) pair where a secret occurs in a file of `site_dir`, in file order.

    `skip` lists files (relative, '/'-separated) that cannot hold vault data: the theme's own
    static files, copied unchanged. `only`, when given, limits the scan to those files (the
    ones an incremental rebuild wrote; the others were scanned when they were written).
    `known` gives the leaks of files already scanned with these secrets, as they are on disk
    (`PageScan.unchanged`): those files are not read again. `scanner`: a `LeakScanner` of
    these very secrets, to use instead of making one (it costs ~0.05 s at 5,000 notes).
    `listed`: the files `site_files` gave for this `skip` and `only`, not listed again.
    """
    secrets = list(secrets)
    scanner = LeakScanner(secrets) if scanner is None else scanner
    if not scanner:
        return []
    if listed is None:
        listed = site_files(site_dir, skip, only)
    known = known or {}
    files = [rel for rel in listed if rel not in known]
    order = {rel: i for i, rel in enumerate(listed)}
    found = [leak for rel in listed if rel in known for leak in known[rel]]
    leaks = found + _scan_all(site_dir, secrets, files, parallel_from, scanner)
    return sorted(leaks, key=lambda leak: order[leak.file])


def site_files(site_dir: Path, skip: Iterable[str] = (), only: Iterable[str] | None = None
               ) -> list[str]:
    """The files `scan_site` scans (for the same arguments), relative and '/'-separated, in
    its order."""
    skipped = set(skip)
    return [rel for rel in _site_files(site_dir, only) if rel not in skipped]


def _scan_all(site_dir: Path, secrets: list[Secret], files: list[str],
              parallel_from: int, scanner: LeakScanner | None = None) -> list[Leak]:
    """The leaks in `files`, with a helper process for many."""
    if len(files) < parallel_from or (os.cpu_count() or 1) < 2:
        return _scan_files(site_dir, secrets, files, scanner)
    # Every other file to the helper process: big and small pages spread evenly.
    theirs, mine = files[1::2], files[0::2]
    try:
        context = multiprocessing.get_context("spawn")  # no fork: `serve` builds in a thread
        with context.Pool(1) as pool:
            pending = pool.apply_async(_scan_files, (site_dir, secrets, theirs))
            started = time.monotonic()
            leaks = _scan_files(site_dir, secrets, mine)
            # The helper has the same work: far longer than ours means it is lost (a pool whose
            # result thread died never answers). Then its files are scanned here, never skipped.
            patience = max(HELPER_PATIENCE, 4 * (time.monotonic() - started))
            try:
                leaks += pending.get(timeout=patience)
            except multiprocessing.TimeoutError:
                leaks += _scan_files(site_dir, secrets, theirs)
    except (OSError, multiprocessing.ProcessError, pickle.PickleError):
        # No second process here (a sandbox, no semaphores): every file in this one. A
        # failure inside the helper's scan itself is re-raised by get(), never swallowed.
        return _scan_files(site_dir, secrets, files)
    return leaks


def _scan_files(site_dir: Path, secrets: list[Secret], files: list[str],
                scanner: LeakScanner | None = None) -> list[Leak]:
    """The leaks in `files` (relative to `site_dir`), in their order."""
    scanner = LeakScanner(secrets) if scanner is None else scanner
    leaks: list[Leak] = []
    for rel in files:
        leaks += _file_leaks(scanner, rel, file_texts(site_dir, rel))
    return leaks


def _file_leaks(scanner: LeakScanner, rel: str, texts: Iterable[str]) -> list[Leak]:
    """The leaks of the output file `rel` whose texts (as `file_texts` gives them) are `texts`."""
    # Search indexes hold HTML too (`Leila</p><p>`): their tags are no words either.
    markup = is_markup(rel)
    # The file's own name and path are published too (its URL).
    return _as_leaks(rel, (secret for text in (rel, *texts)
                           for secret in scanner.find(text, markup)))


def _as_leaks(rel: str, found: Iterable[Secret]) -> list[Leak]:
    """The leaks of the output file `rel` whose texts held `found`, in the order found, each
    secret once."""
    once = {(secret.kind, secret.value): secret for secret in found}
    return [Leak(rel, secret) for secret in once.values()]


class PageScan:
    """The leak scan of the pages, done as each page is made rather than by reading the
    written files again afterwards: the same matching, on the same text, without a second
    read of every byte.

    `page` scans the HTML a page is about to be written with and keeps a digest of the bytes
    MkDocs writes for it (`page_bytes`). `unchanged` then tells, from the file itself, which
    pages hold exactly those bytes: only those are left out of the scan of the site's files;
    a page another plugin changed after it was scanned, or rewrote since, is read again.

    With `aside` (`start_scan_process`: forked before the vault was loaded), the pages after
    the first `ASIDE_FROM`, or from the first of `ASIDE_BYTES` or more, are scanned by that
    process while this one goes on building (the scan is ~a tenth of a cold build, which uses
    one core): told these secrets, it scans the same bytes the same way. A page whose scan it
    could not finish is read again by the scan of the site's files: never left unscanned. A
    build of a few small pages never uses it. Either way `unchanged` or `discard` ends it."""

    def __init__(self, secrets: Iterable[Secret], scanner: LeakScanner | None = None, *,
                 aside: ScanProcess | None = None) -> None:
        self.secrets = list(secrets)
        # (a scanner given is one of these secrets)
        self.scanner = LeakScanner(self.secrets) if scanner is None else scanner
        self._leaks: dict[str, list[Leak]] = {}
        self._digests: dict[str, bytes] = {}
        self._aside = aside
        self._told = False  # whether it was told the secrets (its first item)
        # What was handed to it since, in order: ("page", rel) for a page, ("texts", rel, n)
        # for the `n`th text of another file of the site (`unchanged`'s `others`).
        self._sent: list[tuple[Any, ...]] = []
        # The leaks of each text of each other file, by text number, as they are found here
        # and there; a file whose texts that process did not finish is not among them.
        self._others: dict[str, dict[int, list[Secret]]] = {}

    def page(self, rel: str, output: str) -> None:
        """Scan the page written at `rel` (relative to the site folder) with `output`."""
        data = page_bytes(output)
        self._digests[rel] = _digest(data)
        if not self.scanner:
            return
        if self._aside is not None and (self._told or len(self._digests) > ASIDE_FROM
                                        or len(data) >= ASIDE_BYTES):
            try:
                if not self._told:
                    self._aside.put(("secrets", self.secrets))
                    self._told = True
                self._aside.put(("page", rel, data))
                self._sent.append(("page", rel))
                return
            except (AsideError, OSError):
                self._end_aside()  # (those sent are read again afterwards) and on here
        # The bytes as the file will hold them, read as the scan of files reads them.
        self._leaks[rel] = _file_leaks(self.scanner, rel, data_texts(data, rel))

    def discard(self) -> None:
        """Stop the second process, if any, without waiting for its scans."""
        aside, self._aside = self._aside, None
        if aside is not None:
            aside.kill()  # (its scans change nothing)
        self._forget_sent()

    def _end_aside(self) -> None:
        """Take the second process's findings once it has scanned every page sent. If it
        stopped short, none of them: those pages are not known as scanned (`unchanged`)."""
        aside, self._aside = self._aside, None
        if aside is None:
            return
        if not self._told:
            aside.kill()  # (never needed)
            return
        try:
            found = aside.close()  # (one finding for each item put, or it raises)
        except AsideError:
            self._forget_sent()
            return
        for sent, leaks in zip(self._sent, found[1:], strict=True):  # (first: the secrets)
            if sent[0] == "page":
                self._leaks[sent[1]] = leaks
            elif sent[1] in self._others:
                self._others[sent[1]][sent[2]] = [leak.secret for leak in leaks]
        self._sent = []

    def _forget_sent(self) -> None:
        """What was handed to the second process is not known as scanned: those pages, and
        the other files some of whose texts were handed to it."""
        for sent in self._sent:
            if sent[0] == "page":
                self._digests.pop(sent[1], None)
            else:
                self._others.pop(sent[1], None)
        self._sent = []

    def unchanged(self, site_dir: Path, others: Iterable[str] = ()) -> dict[str, list[Leak]]:
        """The leaks of each page scanned here whose file in `site_dir` holds the very bytes
        scanned (a page not there, or changed since, is not in it), and of each of `others`
        that is not such a page: files of the site the caller would scan next (its search
        index, feeds, data), read and scanned now. With the second process, every other text
        of theirs is scanned there meanwhile: a large site's search index is most of what is
        left to scan once the pages are made, and that process is idle by then. A file whose
        texts it did not finish is not in the answer: the caller's scan reads it again."""
        if self.scanner:  # (no secret: nothing to read them for, as `scan_site` reads none)
            self._scan_others(site_dir, [rel for rel in others if rel not in self._digests])
        self._end_aside()
        same = {}
        for rel, digest in self._digests.items():
            try:
                data = site_bytes(site_dir, rel)
            except OSError:
                continue  # gone: nothing of it to scan as scanned
            if data is not None and _digest(data) == digest:  # (None: a folder, a pipe...)
                same[rel] = self._leaks.get(rel, [])
        for rel, by_text in self._others.items():
            # In the order one pass over the file finds them (`_file_leaks`): its name, then
            # each text in turn.
            same[rel] = _as_leaks(rel, (secret for number in sorted(by_text)
                                        for secret in by_text[number]))
        self._others = {}
        return same

    def _scan_others(self, site_dir: Path, others: list[str]) -> None:
        """Scan `others` (see `unchanged`): their odd texts handed to the second process if
        it is scanning this build's pages, the rest here meanwhile."""
        for rel in others:
            markup = is_markup(rel)
            # (Its name too, as `_file_leaks` reads it: it is the file's URL.)
            by_text = self._others[rel] = {-1: self.scanner.find(rel, markup)}
            try:
                texts = file_texts(site_dir, rel)
                for number, text in enumerate(texts):
                    if number % 2 and self._told and self._aside is not None:
                        try:
                            self._aside.put(("texts", rel, text))
                            self._sent.append(("texts", rel, number))
                            continue
                        except (AsideError, OSError):
                            self._end_aside()  # (a file it had texts of is read again)
                            if rel not in self._others:
                                break
                    by_text[number] = self.scanner.find(text, markup)
            except OSError:
                self._others.pop(rel, None)  # (gone, or a folder: the caller's scan says so)


# The pages a build scans itself before it hands the others to a second process (`PageScan`):
# a build that renders a few pages (most of `serve`'s and cached ones) hands it none, unless
# one is as large as the home page or a dashboard of a large vault (a cold build makes those
# first): from such a page on, it hands it every page.
ASIDE_FROM = 50
ASIDE_BYTES = 256 * 1024


class _ScanJob:
    """The second process's job (`PageScan`): told the secrets (`("secrets", list)`, first),
    then the leaks of each page (`("page", rel, bytes)`) and of texts of the site's other
    files (`("texts", rel, text)`)."""

    def __init__(self) -> None:
        self.scanner: LeakScanner | None = None

    def __call__(self, item: tuple[Any, ...]) -> list[Leak]:
        if item[0] == "secrets":
            forked_child()
            self.scanner = LeakScanner(item[1])
            return []
        assert self.scanner is not None, "a page before the secrets"
        if item[0] == "texts":  # one text of another file of the site (`unchanged`)
            _, rel, text = item
            markup = is_markup(rel)
            return [Leak(rel, secret) for secret in self.scanner.find(text, markup)]
        _, rel, data = item
        return _file_leaks(self.scanner, rel, data_texts(data, rel))


ScanProcess = Aside[tuple[Any, ...], list[Leak]]


def start_scan_process() -> ScanProcess | None:
    """A process to scan a build's pages (`PageScan`), forked now: before the vault is loaded,
    while this process is small (whatever the two share, the build's writes after the fork
    copy) and has no other thread. None where it may not fork (`aside.available`)."""
    if not available():
        return None
    process: ScanProcess = Aside(_ScanJob())
    try:
        process.start()
    except OSError:
        return None
    return process


def page_bytes(output: str) -> bytes:
    """The bytes MkDocs writes for a page whose HTML is `output` (`mkdocs.commands.build`)."""
    return output.encode("utf-8", errors="xmlcharrefreplace")


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def _site_files(site_dir: Path, only: Iterable[str] | None) -> Iterator[str]:
    """The relative paths of the site's files, or of `only` those that exist, sorted, each
    folder's files before its sub-folders'. Links are listed, to files or folders (their
    names are URLs), but never walked into: the files of the site they lead to are listed
    where they are. A named pipe, socket or device is not listed (`_is_listed`)."""
    if only is not None:
        for rel in sorted(set(only)):
            try:
                mode = os.lstat(site_dir / rel).st_mode
            except OSError:
                continue  # (gone)
            if not stat.S_ISDIR(mode) and _is_listed(site_dir, rel, mode):
                yield rel
        return
    folders = [(str(site_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda entry: entry.name)
        except FileNotFoundError:
            continue  # (gone, or no site at all; a folder it may not read fails the scan)
        inner = []
        for entry in entries:
            rel = prefix + entry.name
            # (What a folder lists says which of these each entry is: no call for a file.)
            if entry.is_file(follow_symlinks=False):
                yield rel
            elif entry.is_dir(follow_symlinks=False):
                inner.append((entry.path, rel + "/"))
            elif _is_listed(site_dir, rel, entry.stat(follow_symlinks=False).st_mode):
                yield rel
        folders += reversed(inner)


def _is_listed(site_dir: Path, rel: str, mode: int) -> bool:
    """Whether the entry `rel` of the site, not a folder, of `mode` (its own, not that of
    what a link leads to) is scanned; if it is not, or only in part, a warning says so."""
    if stat.S_ISREG(mode):
        return True
    if stat.S_ISLNK(mode):
        if _target_inside(site_dir, os.path.join(site_dir, rel)) is None:
            log.warning(f"vault: {rel}: a link to outside the site folder; the leak scan "
                        "reads its name but never what it leads to (`site_bytes`)")
        return True
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "no regular file")
    # No page is one; and a named pipe, opened to be read, would wait for a writer for ever.
    log.warning(f"vault: {rel}: {kind} in the site folder; the leak scan skips it")
    return False


def shared_templates(notes_dir: Path) -> list[str]:
    """The texts of the vault's note templates (`templates/*.md`, the folder in any case) and
    of the starter's notes, whose values are shared by many notes and so never a secret of one."""
    shared = [p.read_text(encoding="utf-8", errors="replace")
              for folder in templates_folders(notes_dir) for p in sorted(folder.glob("*.md"))
              if inside_notes(notes_dir, p)]
    # The Follow-ups note `init` ships says what every copy of it says.
    shared.append((template_dir() / "Follow-ups.md").read_text(encoding="utf-8"))
    return shared


def without_shown_comments(leaks: list[Leak], view: SiteView,
                           texts: Mapping[str, str]) -> list[Leak]:
    """`leaks` but the comments (`COMMENT_SECRET`) a public note also writes outside its
    comments, as the scan reads text: a sentence kept as a comment in one place and written in
    another is published by its writer's choice. Only the comments found are looked for, so a
    clean site costs nothing more."""
    found = {leak.secret for leak in leaks if leak.secret.kind == COMMENT_SECRET}
    if not found:
        return leaks
    scanner = LeakScanner(found)
    shown: set[Secret] = set()
    for note in view.public_notes():
        text = texts.get(note.path)
        if text:
            shown.update(scanner.find(strip_comments_from_text(text)))
    return [leak for leak in leaks if leak.secret not in shown]


def leak_report(site_dir: Path, leaks: list[Leak]) -> str:
    """Delete the files that held `leaks` and say what they were and how to fix them."""
    for leaked in sorted({leak.file for leak in leaks}):
        path = site_dir / leaked
        path.unlink(missing_ok=True)
        # A folder named after the secret (`interviews/<name>/`) would still show it.
        for parent in path.parents:
            if parent == site_dir or not parent.is_relative_to(site_dir):
                break
            try:
                parent.rmdir()
            except OSError:
                break  # not empty: it holds other pages
    shown = "\n  ".join(leak.describe() for leak in leaks[:20])
    more = f"\n  ... and {len(leaks) - 20} more" if len(leaks) > 20 else ""
    return (
        f"vault: private values would be published, so the build fails and the files that "
        f"held them were deleted:\n  {shown}{more}\n"
        "Remove the value from the public note (or make that note private too), or publish "
        "the field with `publish_fields`."
    )
