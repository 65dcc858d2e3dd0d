"""The site's memory between runs: what `LiveSite` keeps of each page, on disk.

`serve` keeps every page whose inputs did not change in memory; this module keeps the same
between processes, so `vault-tools build` after a few notes changed renders only the pages those
changes reach. One file in the vault's cache folder (`manifest.cache_dir`): a JSON object on
its first line, then a line of JSON per page, holding only what a later build needs to leave
the page as it is:

- a digest of its inputs (`VaultPlugin.page_inputs`: never their text, which may come from a
  private note), its output address and a digest and a stamp of its output file (an output
  changed or deleted in the site folder since is rendered again, never trusted: a file whose
  stamp is the one recorded was not written since; any other is read and digested);
- what other pages and the search index take from it: its title and its few front-matter keys
  (`page_source.page_meta`), its heading anchors and its search entries, all of which the site
  itself publishes (the entries end the page's line, after a tab, written as Material writes
  them in its index: a build that keeps the page takes its part of the index from there,
  `search_json.SearchJson.recorded`);
- what MkDocs and the plugins logged while reading, rendering and checking it (`said`), said
  again by a build that keeps it;

and for the whole site: the output files (to delete those a build no longer makes), a digest of
the navigation, of the other outputs and of what the theme's templates showed (the sitemap,
404.html), and the stamps of the copied files; for the notes
(`NotesRecord`): a digest of each note's path and text and where its links go, so that the
next run works out the inputs of only the pages a change may reach; and the Markdown of the
generated pages (`GeneratedRecord`: the dashboards, which the site publishes whole), with
digests of everything they were made from, so that a run whose notes parse as they did
does not work them out again.

A record is used only by the configuration it was made by (`cache_key`): any change to the
package's code, Python, MkDocs, the theme, Python-Markdown and its extensions, the plugins or
their versions, `mkdocs.yml` (its bytes, the files it inherits and what it loads to), the site
folder or the vault folder makes another key, and the record is ignored. A record that cannot be
read, or was made by another version of this format or for another vault, is discarded with
one line (`load`). The file is replaced whole (temporary file and rename), by one build at a
time (`lock`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import importlib
import io
import json
import logging
import os
import pickle
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from ..manifest import _installed_code, read_plain_file
from ..note_texts import encoded
from ..writer import content_hash
from . import said
from .search_json import entries_json

log = logging.getLogger("mkdocs.plugins.vault")

# 4: page inputs digested without pickle's memo, a note's text by its own digest
# 5: each note's parse digest (`reach.parse_digest`) in the record of the notes
# 6: each page's output file's stamp beside its digest; the generated pages' Markdown
# 7: a digest of what each of the theme's templates showed (the sitemap, 404.html)
# 8: a line per page (`[src, record]`) after a first line holding the rest
# 9: whether Material's search index was found written the same from its pieces
# 10: the day beside the generated pages, not in the notes' record: a new day keeps every
#     page but the dated ones
# 11: a page's search entries after a tab, as Material's search index writes them
# 12: the attachments each note's text mentions (`attachment_mentions.MentionsRecord`), for
#     the private notes and for the public ones
FORMAT = 12
FILE_NAME = "site.json"
LOCK_NAME = "site.lock"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# The libraries a page's HTML depends on besides the plugins (whose own are added by module).
LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "pygments", "jinja2",
             "markupsafe", "pyyaml", "python-frontmatter", "babel")


class Unencodable(Exception):
    """A value `digest` has no stable encoding for (its page is then never kept across runs)."""


def digest(value: Any, volatile: str = "") -> str:
    """A digest of `value`: equal digests mean equal values (so a page whose inputs' digest
    is the one recorded has the inputs it was rendered from), `volatile` aside: a string
    one process puts in the values it makes and another process replaces with its own (the
    stand-ins' random part, `fast_html.StandIns`), which every run removes from the output it
    writes. Each occurrence counts as one mark no text can hold (bytes UTF-8 never has), so
    values that differ only by it have one digest in every process.

    First as pickled (fast, in C), without pickle's memo, so that an object met twice is
    written twice, as an equal copy would be: pickle's bytes stand for one value only, and
    equal values pickle alike but for the order of a set (which may change between
    processes): at worst a page is rendered again. A value pickle refuses is encoded by
    `_feed`, the same in every process (sets and dicts sorted, types named); it raises
    Unencodable for an object it does not know."""
    try:
        data = _pickled(value)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError):
        h = hashlib.blake2b(b"feed:", digest_size=16)
        _feed(_Marked(h, volatile) if volatile else h, value)
        return h.hexdigest()
    if _BARE_OBJECT in data:
        # A bare `object()`: the mark of inputs "equal to nothing" (a page whose embeds were
        # not rendered in this process, `NotePages._embedded_inputs`), which pickles to the
        # same bytes every time. (Those bytes inside a text only cost a render.)
        raise Unencodable("object")
    if volatile:
        data = data.replace(volatile.encode("utf-8"), VOLATILE_MARK)
    return hashlib.blake2b(b"pickle:" + data, digest_size=16).hexdigest()


def _pickled(value: Any) -> bytes:
    """`value` pickled without the memo (`Pickler.fast`): the bytes of a value do not depend
    on which of its parts are one object (a page's inputs made anew share less than the ones
    they are compared with)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


# How pickle without a memo names the class `object` (module, name, then STACK_GLOBAL).
_BARE_OBJECT = b"\x8c\x08builtins\x8c\x06object\x93"


# What stands for the volatile string in a digest: never part of UTF-8 text.
VOLATILE_MARK = b"\xff\xfevolatile\xff"


class _Marked:
    """A hash that is fed each piece with the volatile string replaced by VOLATILE_MARK (a
    string is fed whole, in one piece)."""

    def __init__(self, h: Any, volatile: str) -> None:
        self._h, self._volatile = h, volatile.encode("utf-8")

    def update(self, data: bytes) -> None:
        self._h.update(data.replace(self._volatile, VOLATILE_MARK))


def _feed(h: Any, value: Any) -> None:
    if value is None or isinstance(value, bool):
        h.update(f"{value!r};".encode())
    elif isinstance(value, enum.Enum):
        h.update(f"E{type(value).__qualname__}.{value.name};".encode())
    elif isinstance(value, (int, float)):
        h.update(f"{type(value).__name__}{value!r};".encode())
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        h.update(f"s{len(data)}:".encode())
        h.update(data)
    elif isinstance(value, bytes):
        h.update(f"b{len(value)}:".encode())
        h.update(value)
    elif isinstance(value, (dt.date, dt.datetime, dt.time)):
        h.update(f"{type(value).__name__}{value.isoformat()};".encode())
    elif isinstance(value, (tuple, list)):
        h.update(f"{type(value).__name__}{len(value)}(".encode())
        for item in value:
            _feed(h, item)
        h.update(b")")
    elif isinstance(value, (set, frozenset)):
        h.update(f"set{len(value)}(".encode())
        for item in sorted(digest(item) for item in value):
            h.update(item.encode())
        h.update(b")")
    elif isinstance(value, dict):
        h.update(f"dict{len(value)}(".encode())
        for key, item in sorted((digest(k), digest(v)) for k, v in value.items()):
            h.update(f"{key}={item},".encode())
        h.update(b")")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(f"D{type(value).__module__}.{type(value).__qualname__}(".encode())
        for item in dataclasses.fields(value):
            if not item.compare:  # (as equality does: what the value is not made of)
                continue
            h.update(f"{item.name}=".encode())
            _feed(h, getattr(value, item.name))
        h.update(b")")
    else:
        raise Unencodable(type(value).__qualname__)


def same_secrets(scanned_for: Any, found: list[Any]) -> bool:
    """True when the secrets a site was last found clean of (`scanned_for`: the list, or its
    `digest` as the site cache keeps it) are `found`."""
    if isinstance(scanned_for, str):
        try:
            return digest(found) == scanned_for
        except Unencodable:
            return False
    return scanned_for is not None and scanned_for == found


def text_digest(text: str | bytes | None) -> str | None:
    """A digest of a note's text (None: no text), standing for the text in a page's inputs and
    the record of the notes; the same for the text and its UTF-8 bytes (as `NoteTexts` holds
    it): `writer.content_hash` of those bytes. (Not the text itself inside `digest`: pickle
    keeps a copy of a text's UTF-8 bytes with the text, for as long as the build holds the
    text.)"""
    if text is None:
        return None
    return content_hash(text if isinstance(text, bytes) else encoded(text))


def file_digest(path: Path) -> str | None:
    """A digest of the bytes of the file at `path` (None: it cannot be read)."""
    found = _read(path)
    return None if found is None else _bytes_digest(found)


def bytes_if_digest(path: Path, expected: str | None) -> bytes | None:
    """The bytes of the file at `path` if their `file_digest` is `expected` (None: they are
    not, or it cannot be read)."""
    found = _read(path) if expected is not None else None
    return found if found is not None and _bytes_digest(found) == expected else None


def _read(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _bytes_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stamp(path: Path) -> list[int] | None:
    """(size, mtime_ns, ctime_ns, inode) of the file at `path`: how a file is known to be
    untouched (a write with the old size and mtime restored still changes the ctime)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return stamp_of(st)


def stamp_of(st: os.stat_result) -> list[int]:
    """`stamp` of a file whose stat is `st` (taken by a walk that had it at hand)."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def copy_stamp(dest: Path, source: str | None) -> list[int] | None:
    """How a copied file is known to be the copy of its source as it is now: the copy's
    `stamp` and its source's (a file replaced with its old size and mtime restored, as
    `cp -p` or a backup does, has another ctime)."""
    found, origin = stamp(dest), stamp(Path(source)) if source is not None else []
    if found is None or origin is None:
        return None
    return found + origin


# --- what the record is valid for ----------------------------------------------------------------


def cache_key(config: Any, vault_root: Path, serve_url: str | None) -> str:
    """Everything a page's output depends on besides its own inputs and the navigation: the
    code, the libraries and their versions, the configuration as written and as loaded, the
    folders. Two runs with the same key and equal page inputs render equal pages."""
    parts: list[Any] = [
        FORMAT, __version__, _installed_code(), sys.version, sys.platform,
        str(Path(vault_root).resolve()), str(Path(config.site_dir).resolve()),
        str(Path(config.docs_dir).resolve()), serve_url,
        [(name, _version(name)) for name in LIBRARIES],
        _config_files(config.config_file_path),
        _loaded_config(config),
        _theme(config.theme),
    ]
    return digest(parts)


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _config_files(path: str | None) -> list[Any]:
    """The bytes of mkdocs.yml and of the files it inherits (`INHERIT:`), in order."""
    found: list[Any] = []
    while path and len(found) < 8:
        try:
            data = Path(path).read_bytes()
        except OSError:
            found.append((path, None))
            break
        found.append((path, data))
        parent = re.search(rb"^INHERIT:\s*['\"]?([^'\"\r\n#]+?)['\"]?\s*(?:#.*)?$", data, re.M)
        if parent is None:
            break
        path = os.path.join(os.path.dirname(path), os.fsdecode(parent.group(1)))
    return found


def _plain(value: Any, depth: int = 0) -> Any:
    """A loaded configuration value as plain data (objects by type and their own settings)."""
    if depth > 8:
        return "..."
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, dict) or hasattr(value, "items"):
        try:
            return {str(k): _plain(v, depth + 1) for k, v in value.items()}
        except Exception:  # an object with an odd items(): named by type only
            return type(value).__qualname__
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v, depth + 1) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    module = type(value).__module__
    return f"{module}.{type(value).__qualname__}"


def _loaded_config(config: Any) -> Any:
    """The configuration after the plugins' `on_config` (what an `!ENV` tag read included), and
    each plugin's class, distribution version and options."""
    loaded = {key: _plain(value) for key, value in config.items()
              if key not in ("plugins", "theme")}
    plugins = []
    for name, plugin in config.plugins.items():
        module = type(plugin).__module__
        plugins.append((name, f"{module}.{type(plugin).__qualname__}", _module_version(module),
                        _plain(dict(plugin.config))))
    extensions = [(ext, _module_version(ext)) for ext in config.markdown_extensions
                  if isinstance(ext, str)]
    return [loaded, plugins, extensions]


def _module_version(module: str) -> Any:
    """What identifies the installed code of `module`'s top-level package: its `__version__`
    and the stamp of its file (a reinstall or an upgrade changes it). Not the distribution's
    metadata: finding which distribution holds a module reads every installed one (seconds)."""
    top = module.split(".")[0]
    try:
        found = importlib.import_module(top)
    except Exception:  # not importable: its name is all there is
        return None
    where = getattr(found, "__file__", None)
    return (str(getattr(found, "__version__", "")), where,
            stamp(Path(where)) if where else None)


def _theme(theme: Any) -> Any:
    """The theme's options, and the bytes of its folders outside installed packages (a
    `custom_dir` of overrides: every page is rendered with them)."""
    dirs: list[Any] = []
    for folder in getattr(theme, "dirs", []):
        if "site-packages" in Path(folder).parts or "dist-packages" in Path(folder).parts:
            dirs.append((folder, None))
            continue
        files = []
        for parent, names, found in os.walk(folder):
            names.sort()
            for name in sorted(found):
                path = os.path.join(parent, name)
                files.append((os.path.relpath(path, folder), file_digest(Path(path))))
        dirs.append((folder, files))
    return [_plain(dict(theme.items()) if hasattr(theme, "items") else {}), dirs]


# --- the record -----------------------------------------------------------------------------------


@dataclass
class PageRecord:
    """One page as the last build left it."""

    inputs: str
    dest: str
    output: str
    title: str | None
    meta: dict[str, Any]
    anchors: list[str] | None
    entries: list[dict[str, Any]]
    # What reading, rendering and checking it said (`said`): said again when it is kept.
    warnings: dict[str, list[list[Any]]] = field(default_factory=dict)
    # The output file's `stamp`, taken before its digest was (None: not known): the same
    # stamp later means the same bytes, without reading them (~0.4 s a build at 5,000 pages).
    stamp: list[int] | None = None
    # The search entries as JSON, as Material writes them into its index (`search_json`),
    # when known: the record holds them so, and a build that keeps the page takes its part
    # of the index from it instead of writing each entry's JSON again (~0.1 s at 5,000).
    entries_json: str | None = field(default=None, compare=False, repr=False)
    # Its line as read from the record (never written by hand: not a field of the file),
    # written back as it was while nothing above changed (`restamp`): a build after a few
    # edits writes ~5,000 such lines, the search entries most of their 23 MB.
    line: str | None = field(default=None, compare=False, repr=False)

    def restamp(self, found: list[int]) -> None:
        """Its output file has this stamp now (the same bytes, found by their digest)."""
        self.stamp, self.line = found, None


@dataclass
class GeneratedRecord:
    """The generated pages as the last build made them (`dashboards.GeneratedPages`): a
    digest of the notes as parsed (`reach.parse_digest` of each, in the index's order), one of
    the rest they were made from but the day (`GeneratedPages.basis`), the day they were
    made as of (ISO), the random part of that run's stand-ins, and each page's Markdown with
    the HTML its stand-ins stand for."""

    notes: str
    basis: str
    day: str
    nonce: str
    pages: dict[str, list[Any]] = field(default_factory=dict)  # src: [markdown, {stand-in: html}]

    def check(self) -> GeneratedRecord:
        """This record, if every field has its shape (ValueError if not)."""
        if not (isinstance(self.notes, str) and isinstance(self.basis, str)
                and isinstance(self.day, str) and isinstance(self.nonce, str)
                and isinstance(self.pages, dict)
                and all(isinstance(src, str) and isinstance(page, list) and len(page) == 2
                        and isinstance(page[0], str) and isinstance(page[1], dict)
                        and all(isinstance(k, str) and isinstance(v, str)
                                for k, v in page[1].items())
                        for src, page in self.pages.items())):
            raise ValueError("a generated page's record of the wrong shape")
        return self


@dataclass
class Snapshot:
    """A whole site as the last build left it (see the module's docstring)."""

    key: str
    vault: str
    pages: dict[str, PageRecord] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    nav: str = ""
    digests: dict[str, str] = field(default_factory=dict)  # other outputs: digest
    # The theme's templates (the sitemap, 404.html): a digest of what each showed.
    templates: dict[str, str] = field(default_factory=dict)
    copied: dict[str, list[int]] = field(default_factory=dict)  # copied files: copy_stamp
    # The digest of the secrets every file above was found clean of (None: not scanned).
    scanned: str | None = None
    # The notes the pages were made from (`NotesRecord`; None: not recorded).
    notes: NotesRecord | None = None
    # The generated pages' Markdown (`GeneratedRecord`; None: not recorded).
    generated: GeneratedRecord | None = None
    # Whether the search index's JSON written from each page's pieces was found to be the
    # bytes Material writes (`search_json.SearchJson.agrees`): under the same key (the same
    # code, libraries and configuration) it is so again, and is not compared anew.
    search_json: bool = False
    # What the private notes' texts, and the public notes' texts, were found to mention of
    # the attachments (`attachment_mentions.PrivateAttachmentMemos`; None: not recorded).
    mentions: MentionsRecord | None = None
    public_mentions: MentionsRecord | None = None


@dataclass
class NotesRecord:
    """The notes as a build found them, for the next run to tell which pages' inputs may have
    changed without working them all out (`incremental.LiveSite._dirty_since`): each note by a
    digest of its path (never a private note's name), a digest of its text (None: unreadable),
    the notes its links go to (by position in `paths`), the notes whose related block the
    site computed (`SiteView.touched_by_private`, by position), and digests of what makes every
    page's inputs change (the notes' names and privacy, the site's other files); and
    a digest of each note's parse (`reach.parse_digest`; None: not known): an edited note that
    parses the same reaches no note through its blocks."""

    paths: list[str]
    texts: list[str | None]
    targets: list[list[int]]
    computed: list[int]
    privacy: str
    files: str
    parses: list[str | None]

    def check(self) -> NotesRecord:
        """Itself, if of the right shape (ValueError otherwise)."""
        count = len(self.paths)
        if not (isinstance(self.paths, list) and all(isinstance(p, str) for p in self.paths)
                and isinstance(self.texts, list) and len(self.texts) == count
                and all(t is None or isinstance(t, str) for t in self.texts)
                and isinstance(self.parses, list) and len(self.parses) == count
                and all(p is None or isinstance(p, str) for p in self.parses)
                and isinstance(self.targets, list) and len(self.targets) == count
                and all(isinstance(t, list) and all(type(i) is int and 0 <= i < count
                                                    for i in t) for t in self.targets)
                and isinstance(self.computed, list)
                and all(type(i) is int and 0 <= i < count for i in self.computed)
                and all(isinstance(v, str) for v in (self.privacy, self.files))):
            raise ValueError("a record of the notes of the wrong shape")
        return self


@dataclass
class MentionsRecord:
    """What a build found the notes to mention of the attachments
    (`attachment_mentions.AttachmentMentions`): `names`, a digest of the attachments looked
    for (their paths, sorted); `found`, for each text read, by its digest, the positions in
    that list of those it mentions. Never a path or a word."""

    names: str
    found: dict[str, list[int]] = field(default_factory=dict)

    def check(self) -> MentionsRecord:
        """Itself, if of the right shape (ValueError otherwise)."""
        if not (isinstance(self.names, str) and isinstance(self.found, dict)
                and all(isinstance(k, str) and isinstance(v, list)
                        and all(type(i) is int and i >= 0 for i in v)
                        for k, v in self.found.items())):
            raise ValueError("a record of attachment mentions of the wrong shape")
        return self


class SiteCache:
    """The record of one vault's built site at `folder / FILE_NAME`."""

    def __init__(self, folder: Path, vault_root: Path) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME
        self.vault = str(Path(vault_root).resolve())

    def load(self, key: str) -> Snapshot | None:
        """The record if it was made with `key` for this vault; None otherwise (no record, or
        one that is corrupt, foreign or out of date: said in one line, and never trusted)."""
        try:
            data = read_plain_file(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return self._discard(f"cannot be read ({exc.strerror or exc})")
        try:
            head, *lines = data.decode("utf-8", "surrogateescape").split("\n")
            raw = json.loads(head)
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            if raw.get("format") != FORMAT:
                return self._discard(f"was written by another version (format "
                                     f"{str(raw.get('format'))[:20]!r})")
            if raw.get("vault") != self.vault:
                return self._discard("belongs to another vault")
            if raw.get("key") != key:
                log.info("The site cache is out of date (the code, a library, mkdocs.yml or "
                         "the plugins changed): building the whole site.")
                return None
            return _snapshot(raw, lines)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            return self._discard(f"is corrupt ({str(exc)[:80]})")

    def _discard(self, why: str) -> Snapshot | None:
        log.info(f"The site cache {self.path} {why}: discarded, building the whole site.")
        self.forget()
        return None

    def forget(self) -> None:
        """Remove the record (before the site folder changes: a build that stops half-way
        leaves none, and the next build is a full one)."""
        with contextlib.suppress(OSError):
            self.path.unlink()

    def save(self, snapshot: Snapshot) -> None:
        """Replace the record with `snapshot`, whole (temporary file, then rename). Best effort:
        a cache folder that cannot be written just means full builds."""
        head = {"format": FORMAT, "vault": snapshot.vault, "key": snapshot.key,
                "nav": snapshot.nav, "outputs": sorted(snapshot.outputs),
                "digests": snapshot.digests, "templates": snapshot.templates,
                "copied": snapshot.copied,
                "scanned": snapshot.scanned, "search_json": snapshot.search_json,
                # (`vars`, not `asdict`: a record's fields are plain JSON already, and asdict
                # copies every list of the notes' record, ~0.1 s at 5,000 notes)
                "notes": vars(snapshot.notes) if snapshot.notes else None,
                "generated": vars(snapshot.generated) if snapshot.generated else None,
                "mentions": vars(snapshot.mentions) if snapshot.mentions else None,
                "public_mentions": (vars(snapshot.public_mentions)
                                    if snapshot.public_mentions else None)}
        temp = self.folder / f".{FILE_NAME}.{os.getpid()}.tmp"
        try:
            make_folder(self.folder)
            temp.unlink(missing_ok=True)
            # "x": never through a link planted at that name (O_EXCL does not follow one)
            # (`surrogateescape`: a file name that is not UTF-8 is held with lone surrogates,
            # written back as the bytes it was made of, and read again so by `load`)
            with open(temp, "x", encoding="utf-8", errors="surrogateescape") as file:
                # Page by page, each one line (JSON writes no line break inside a value): a
                # page kept from the record as it was is its line as read; `json.dump` of the
                # whole streams through the encoder written in Python (~1.5 s for 5,000
                # pages' records), and the record as one string holds every page's search
                # entries once more (~80 MB at 5,000). A page's search entries end its line,
                # after a tab (JSON writes none but escaped), as Material's index holds them.
                file.write(_dumps(head))
                for src, page in snapshot.pages.items():
                    file.write("\n" + (page.line if page.line is not None else _dumps([src, {
                        "inputs": page.inputs, "dest": page.dest, "output": page.output,
                        "title": page.title, "meta": page.meta, "anchors": page.anchors,
                        "warnings": page.warnings, "stamp": page.stamp}]) + "\t" + (
                            page.entries_json if page.entries_json is not None
                            else entries_json(page.entries))))
            os.replace(temp, self.path)
        except (OSError, TypeError, ValueError) as exc:
            log.info(f"The site cache could not be written ({exc}): the next build is a full one.")
            with contextlib.suppress(OSError):
                temp.unlink()
            self.forget()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the vault's site lock: one build writes the site folder and the record at a
        time (a second waits). Without a lock to take (no fcntl), builds are not serialised."""
        with self._locked(wait=True):
            yield

    @contextlib.contextmanager
    def try_lock(self) -> Iterator[bool]:
        """Hold the lock if no other process holds it (True), else go on without it (False):
        `serve` holds its own for as long as it serves, and a second server on the vault then
        builds elsewhere. Without a lock to take (no fcntl, an unwritable folder): False."""
        with self._locked(wait=False) as held:
            yield held

    @contextlib.contextmanager
    def _locked(self, *, wait: bool) -> Iterator[bool]:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on this platform
            yield False
            return
        try:
            make_folder(self.folder)
            path = self.folder / LOCK_NAME
            if path.is_symlink():  # never created or opened through a link
                path.unlink()
            handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644), "r+b")
        except OSError:
            yield False
            return
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def is_site_path(rel: str) -> bool:
    """True when `rel` names a file inside a site folder as MkDocs writes it: relative, with
    forward slashes, never `..` (a crafted record must not name a file elsewhere, which a
    build would delete as no longer made)."""
    parts = rel.split("/")
    return (bool(rel) and "\\" not in rel and "\0" not in rel and not os.path.isabs(rel)
            and all(part not in ("", ".", "..") for part in parts))


def make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not os.path.lexists(ignore):  # (a link, even to nothing, is left alone: not followed)
        ignore.write_text("# vault-tools caches: derived, never committed\n*\n", encoding="utf-8")


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _page_meta(meta: Any) -> bool:
    """True for front-matter keys as `page_source.page_meta` gives MkDocs: a title and a
    description as text, `hide` as a list of names, nothing else (a `template` key would
    choose how every later page of it is rendered)."""
    return (isinstance(meta, dict) and set(meta) <= {"title", "description", "hide"}
            and all(isinstance(meta.get(k, ""), str) for k in ("title", "description"))
            and _texts(meta.get("hide", [])))


def _snapshot(raw: dict[str, Any], lines: list[str]) -> Snapshot:
    """A Snapshot from its JSON form (the first line's object, and a line per page), every
    field checked (ValueError for anything else)."""
    def strings(value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("a list of paths expected")
        for path in value:
            if not is_site_path(path):
                raise ValueError(f"an output outside the site folder ({path[:40]!r})")
        return value

    def mapping(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError("an object expected")
        return value

    pages = {}
    for line in lines:
        fields, _, entries = line.partition("\t")
        src, page = json.loads(fields)
        # (bracketed: its part of the index, inside them, is the list's entries and no more)
        if (not entries.startswith("[") or not entries.endswith("]")
                or not isinstance(src, str) or src in pages
                or mapping(page).keys() & {"entries", "entries_json", "line"}):
            raise ValueError("a page's line of the wrong shape")
        record = PageRecord(**page, entries=json.loads(entries), entries_json=entries, line=line)
        if not (isinstance(record.inputs, str) and isinstance(record.dest, str)
                and isinstance(record.output, str) and _page_meta(record.meta)
                and (record.title is None or isinstance(record.title, str))
                and (record.anchors is None or _texts(record.anchors))
                and isinstance(record.entries, list)
                and all(isinstance(e, dict) and all(
                    isinstance(k, str) and (isinstance(v, str) or _texts(v))
                    for k, v in e.items()) for e in record.entries)
                and said.valid(record.warnings)
                and (record.stamp is None or (isinstance(record.stamp, list) and all(
                    type(n) is int for n in record.stamp)))):
            raise ValueError(f"a page record of the wrong shape ({src[:40]})")
        pages[src] = record
    copied = {k: v for k, v in mapping(raw["copied"]).items()}
    if not all(isinstance(v, list) and all(isinstance(n, int) for n in v)
               for v in copied.values()):
        raise ValueError("a copied file's stamp of the wrong shape")
    digests, templates = mapping(raw["digests"]), mapping(raw["templates"])
    if not all(isinstance(v, str) for v in (*digests.values(), *templates.values())):
        raise ValueError("an output digest of the wrong shape")
    nav, scanned, search_json = raw["nav"], raw["scanned"], raw["search_json"]
    if not isinstance(nav, str) or not (scanned is None or isinstance(scanned, str)):
        raise ValueError("a digest of the wrong shape")
    if type(search_json) is not bool:
        raise ValueError("the search index's check of the wrong shape")
    notes, generated = raw.get("notes"), raw.get("generated")
    mentions, public_mentions = raw.get("mentions"), raw.get("public_mentions")
    return Snapshot(key=raw["key"], vault=raw["vault"], pages=pages,
                    outputs=strings(raw["outputs"]), nav=nav, digests=digests,
                    templates=templates, copied=copied,
                    scanned=scanned, search_json=search_json,
                    notes=NotesRecord(**mapping(notes)).check() if notes is not None else None,
                    generated=(GeneratedRecord(**mapping(generated)).check()
                               if generated is not None else None),
                    mentions=(MentionsRecord(**mapping(mentions)).check()
                              if mentions is not None else None),
                    public_mentions=(MentionsRecord(**mapping(public_mentions)).check()
                                     if public_mentions is not None else None))
