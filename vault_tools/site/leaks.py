"""The leak scan: read every file of a built site and report each private value found in it.

The site is private by construction; this is the second lock. A value is found when its words
appear one after the other in an output file, after the file's own escaping is undone (HTML
entities, JSON and JavaScript `\\uXXXX`, iCalendar line folding, gzip) and, in HTML, its tags
are dropped. So case, spacing, punctuation between words and markup (`Jane <em>Doe</em>`) do
not hide a value, and a name is only found as whole words (`Ann` is not in `Anna`).

Speed: each file is read into words once; each secret has one "anchor", its longest uncommon
word, and is compared only with files holding that word.
"""

from __future__ import annotations

import gzip
import html
import json
import multiprocessing
import os
import pickle
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..views import Secret

# The words a value is compared by: runs of letters and digits, joined by the punctuation that
# holds an address or a number together (`jane.doe@example.com`, `555-0100`, `o'brien`).
WORD_RE = re.compile(r"\w+(?:[@.\-+'/:]\w+)*")
JSON_CHUNK = 32_000  # characters of JSON strings compared at a time (no string is split)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_TAG_RE = re.compile(r"<[^<>]*>")
_TEXT_ATTRIBUTE_RE = re.compile(
    r"""\s(?:title|alt|content|aria-label|placeholder|value|label|summary)\s*=\s*"""
    r"""(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# Words too common on any page to say anything about a secret.
_COMMON = frozenset({
    "com", "org", "net", "www", "http", "https", "example", "gmail", "linkedin", "mail",
    "the", "and", "for", "with", "that", "this",
})
_PLAIN = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
          "\u2014": "-", "\u00a0": " "}
_FANCY_RE = re.compile("[" + "".join(_PLAIN) + "]")


@dataclass(frozen=True)
class Leak:
    """A secret found in an output file (`file` relative to the site folder)."""

    file: str
    secret: Secret

    def describe(self) -> str:
        return (f"{self.file}: contains {self.secret.kind} {self.secret.value!r} "
                f"from {self.secret.source}")


def decode_entities(text: str) -> str:
    """HTML entities and `\\uXXXX` escapes turned back into the characters they stand for."""
    if "&" in text:
        text = html.unescape(text)
    if "\\u" in text:
        text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def words_of(text: str, markup: bool = False) -> list[str]:
    """The words of `text`, lower case, with its escapes undone and, when `markup`, its HTML
    tags dropped."""
    if markup:
        # Whitespace only separates words, so each run of it can be one space: the regular
        # expressions below then skip a page's indentation in one step (a tenth off the scan
        # of a built site). The spaces at the ends keep a match at the very start or end.
        text = " " + " ".join(text.split()) + " "
        # Dropping tags joins a name split by markup; the attributes that hold text (a page's
        # description, a link's title, an image's alt text) are read on their own.
        attributes = "\n".join(m.group(1) or m.group(2) or ""
                               for m in _TEXT_ATTRIBUTE_RE.finditer(text))
        text = _TAG_RE.sub(" ", text) + "\n" + attributes
    text = decode_entities(text)
    return WORD_RE.findall(_FANCY_RE.sub(lambda m: _PLAIN[m.group(0)], text).lower())


class _Needle:
    __slots__ = ("anchor", "secret", "words")

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        words = words_of(secret.value)
        self.words = " " + " ".join(words) + " "
        rare = [w for w in words if w not in _COMMON and len(w) >= 3] or words
        self.anchor = max(rare, key=len) if rare else None


class LeakScanner:
    """Finds secrets in text.

    A secret whose longest word is shorter than three characters is too short to identify
    anything and is not looked for.
    """

    def __init__(self, secrets: Iterable[Secret]) -> None:
        self._by_anchor: dict[str, list[_Needle]] = {}
        for secret in secrets:
            needle = _Needle(secret)
            if needle.anchor is not None and len(needle.anchor) >= 3:
                self._by_anchor.setdefault(needle.anchor, []).append(needle)
        self._anchors = frozenset(self._by_anchor)

    def __bool__(self) -> bool:
        return bool(self._by_anchor)

    def find(self, text: str, markup: bool = False) -> list[Secret]:
        """The secrets that occur in `text` (already decoded from its file format). `markup`:
        the text is HTML or XML, whose tags are dropped."""
        if not self:
            return []
        words = words_of(text, markup)
        hits = self._anchors.intersection(words)
        if not hits:
            return []
        sequence = " " + " ".join(words) + " "
        return [n.secret for anchor in sorted(hits) for n in self._by_anchor[anchor]
                if n.words in sequence]


def file_texts(path: Path, rel: str) -> Iterator[str]:
    """The text(s) of one output file as a reader would see them. Binary files yield nothing."""
    data = path.read_bytes()
    name = rel.lower()
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return
        name = name[:-3]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if name.endswith(".json"):
        try:
            strings = list(_json_strings(json.loads(text)))
        except (ValueError, RecursionError):
            strings = []
        if strings:
            # In chunks: a search index holds the whole site, and every secret whose anchor
            # is somewhere in it would otherwise be compared with all of it.
            chunk: list[str] = []
            size = 0
            for string in strings:
                chunk.append(string)
                size += len(string)
                if size >= JSON_CHUNK:
                    yield "\n".join(chunk)
                    chunk, size = [], 0
            if chunk:
                yield "\n".join(chunk)
            return
    if name.endswith(".ics"):
        text = re.sub(r"\r?\n[ \t]", "", text)
        text = re.sub(r"\\([,;\\])", r"\1", text).replace("\\n", "\n").replace("\\N", "\n")
    yield text


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


# From this many files on, a second process scans half of them (the build itself is done by
# then, so the second core is idle): about half the scan's time on a large site. Below it, a
# process costs more than it saves.
PARALLEL_FROM = 1000


def scan_site(site_dir: Path, secrets: Iterable[Secret], skip: Iterable[str] = (),
              only: Iterable[str] | None = None, *,
              parallel_from: int = PARALLEL_FROM) -> list[Leak]:
    """Every (file, secret) pair where a secret occurs in a file of `site_dir`, in file order.

    `skip` lists files (relative, '/'-separated) that cannot hold vault data: the theme's own
    static files, copied unchanged. `only`, when given, limits the scan to those files (the
    ones an incremental rebuild wrote; the others were scanned when they were written).
    """
    secrets = list(secrets)
    if not LeakScanner(secrets):
        return []
    skipped = set(skip)
    files = [rel for _, rel in _site_files(site_dir, only) if rel not in skipped]
    if len(files) < parallel_from or (os.cpu_count() or 1) < 2:
        return _scan_files(site_dir, secrets, files)
    # Every other file to the helper process: big and small pages spread evenly.
    theirs, mine = files[1::2], files[0::2]
    try:
        context = multiprocessing.get_context("spawn")  # no fork: `serve` builds in a thread
        with context.Pool(1) as pool:
            pending = pool.apply_async(_scan_files, (site_dir, secrets, theirs))
            leaks = _scan_files(site_dir, secrets, mine)
            leaks += pending.get()
    except (OSError, multiprocessing.ProcessError, pickle.PickleError):
        # No second process here (a sandbox, no semaphores): every file in this one. A
        # failure inside the helper's scan itself is re-raised by get(), never swallowed.
        return _scan_files(site_dir, secrets, files)
    order = {rel: i for i, rel in enumerate(files)}
    return sorted(leaks, key=lambda leak: order[leak.file])


def _scan_files(site_dir: Path, secrets: list[Secret], files: list[str]) -> list[Leak]:
    """The leaks in `files` (relative to `site_dir`), in their order."""
    scanner = LeakScanner(secrets)
    leaks: list[Leak] = []
    for rel in files:
        path = site_dir / rel
        # Search indexes hold HTML too (`Leila</p><p>`): their tags are no words either.
        markup = path.name.lower().endswith((".html", ".htm", ".xml", ".xml.gz", ".json"))
        found: dict[tuple[str, str], Secret] = {}
        for text in file_texts(path, rel):
            for secret in scanner.find(text, markup):
                found[(secret.kind, secret.value)] = secret
        leaks.extend(Leak(rel, s) for s in found.values())
    return leaks


def _site_files(site_dir: Path, only: Iterable[str] | None) -> Iterator[tuple[Path, str]]:
    """(path, relative path) of the site's files, or of `only` those that exist, sorted."""
    if only is not None:
        for rel in sorted(set(only)):
            path = site_dir / rel
            if path.is_file():
                yield path, rel
        return
    for folder, dirs, names in os.walk(site_dir):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            yield path, path.relative_to(site_dir).as_posix()
