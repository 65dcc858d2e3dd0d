"""The vault index: every note, name/alias/path lookup (§4), outgoing links and backlinks.

The graph is two explicit maps, outgoing resolutions per note and backlinks per target, plus
placeholders for targets that do not exist yet. `put` and `remove` update them per note and return
which other notes' view of the graph changed, so a watcher can stay incremental.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from typing import Literal, TypeVar

from .notes import Diagnostic, Heading, Link, Note
from .settings import DEFAULTS, Settings
from .wikilinks import has_file_suffix, is_asset_target

T = TypeVar("T")


@dataclass(frozen=True)
class Resolution:
    """Where one link goes. `path` is set when status is "ok", and on "ambiguous" too: the
    note the site links to, picked the same way every time (the first of `candidates`, the
    notes tied for the link; `check` warns about it)."""

    status: Literal["ok", "broken", "ambiguous", "asset"]
    path: str | None = None
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Backlink:
    """A link into a note: the linking note's path and the link."""

    source: str
    link: Link


# (line, col) of a Link (a named tuple: its fields by position, read in C, not by a lambda).
_LINE_AND_COLUMN = itemgetter(1, 2)
_new_object = object.__new__
# The slots' own setters (a frozen dataclass refuses only `setattr`, not its slots' setters).
_set_source = vars(Backlink)["source"].__set__
_set_link = vars(Backlink)["link"].__set__


def _backlink(source: str, link: Link) -> Backlink:
    """`Backlink(source, link)` without the frozen dataclass's __init__ (which sets each slot
    through `object.__setattr__`): a fill makes one for each of ~75,000 links of 5,000 notes,
    and this takes a third less. Backlink has no __post_init__; tests/test_index.py holds
    the two equal."""
    backlink = _new_object(Backlink)
    _set_source(backlink, source)
    _set_link(backlink, link)
    return backlink


def strip_md(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def fold(text: str) -> str:
    """A name or path as links match it: case ignored, and NFC and NFD spellings of one
    name equal (macOS writes file names decomposed, keyboards type them composed)."""
    return unicodedata.normalize("NFC", text).lower()


def _folder(path: str) -> str:
    return path.rpartition("/")[0]


def _lookup_keys(link: Link) -> tuple[str, ...]:
    """Names whose arrival or departure can change where this link resolves (a slash ending
    the link is dropped, as resolution drops it: `[[work/Ann/]]` waits for `Ann`; so is a
    `.md`, which a front-matter name keeps in its target: `introduced_by: Ann.md` waits for
    `Ann` too)."""
    full = fold(strip_md(link.target.rstrip("/"))).rstrip("/")
    base = full.rpartition("/")[2]
    return (base,) if base == full else (base, full)


def _tail(path: str) -> str:
    """The last folder and the name of a path (`b/name` of `a/b/name`), or the name alone."""
    folder, _, name = path.rpartition("/")
    return folder.rpartition("/")[2] + "/" + name if folder else name


def _relative(target: str) -> bool:
    return target.startswith(("./", "../")) or target in (".", "..")


def _joined(folder: str, target: str) -> str | None:
    """`target` taken relative to `folder`, or None when it leaves the notes folder."""
    joined = posixpath.normpath(posixpath.join(folder, target))
    return None if joined == ".." or joined.startswith("../") else joined


class _Tie:
    """The notes a link names by name (or alias) when there are several: which one it
    reaches depends on the linking note's folder, so the choice is made per link, in constant
    time (a vault of folder notes, each `README`, may have thousands of one name)."""

    __slots__ = ("by_folder", "shortest")

    def __init__(self, paths: list[str]) -> None:
        self.by_folder: dict[str, str] = {}
        for path in sorted(paths):
            self.by_folder.setdefault(_folder(path), path)
        least = min(len(path) for path in paths)
        winners = sorted(path for path in paths if len(path) == least)
        self.shortest = (Resolution("ok", winners[0]) if len(winners) == 1
                         else Resolution("ambiguous", winners[0], tuple(winners)))

    def pick(self, folder: str | None) -> Resolution:
        """Obsidian's choice: a note in the linking note's own folder, else the shortest
        path. Only notes equally short, none in that folder, are a tie (ambiguous)."""
        mine = self.by_folder.get(folder) if folder is not None else None
        return Resolution("ok", mine) if mine is not None else self.shortest


class VaultIndex:
    """All notes of one vault, with link resolution and the link graph."""

    def __init__(
        self, notes: Iterable[Note] = (), vault_problems: Iterable[Diagnostic] = (),
        attachments: Iterable[str] | Callable[[], Iterable[str]] | None = None,
        settings: Settings = DEFAULTS,
    ) -> None:
        self.notes: dict[str, Note] = {}
        # The vault's settings the rules read (`nudge_days`): carried here so that every
        # path computing follow-ups from this index sees the same value.
        self.settings = settings
        # Problems of the vault's files rather than of one note (a folder symlink leaving the
        # vault, a symlink loop): reported with the notes' own diagnostics.
        self.vault_problems: tuple[Diagnostic, ...] = tuple(vault_problems)
        self._by_path: dict[str, str] = {}
        self._by_stem: dict[str, set[str]] = defaultdict(set)
        self._by_alias: dict[str, set[str]] = defaultdict(set)
        self._resolved: dict[str, tuple[Resolution, ...]] = {}
        # Made from `_resolved` when first asked (`_backlink_table`), then kept up to date by
        # `_link` and `_unlink`: `check` never asks, and making it cost ~0.03 s at 5,000 notes.
        self._backlinks: defaultdict[str, dict[str, list[Link]]] | None = None
        # Each entry of `_backlinks` is kept in order (sources by path, each one's links by line
        # and column): a fill asks for a note's backlinks several times (its block's sections,
        # a roll-up, a brief), and each answer sorted anew cost ~0.1 s at 5,000 notes. Sorted
        # in place, not kept aside as answers (those were 14 MB at 20,000 notes). The table is
        # put in order when made; a note that then gains a link (`_link`) is noted here and put
        # in order when next asked. (Losing one leaves the rest in order.) Noting the notes in
        # order instead cost 2 MB at 20,000 notes, at the peak of a fill.
        self._unsorted: set[str] = set()
        self._placeholders: dict[str, set[str]] = defaultdict(set)
        # Which notes link by each name: needed only for incremental updates, so built on the
        # first put/remove rather than by every `check`.
        self._dependents: dict[str, set[str]] | None = None
        # Many links share a target; the cache is dropped whenever a name comes or goes.
        self._cache: dict[str | tuple[str, ...], Resolution | _Tie] = {}
        self._link_names: dict[str, str] = {}
        self._private: frozenset[str] | None = None
        # Paths of the files beside the notes (images, PDFs), for missing-attachment: None
        # when unknown (then attachments are not checked); a callable is asked on first use.
        self._attachments: Callable[[], Iterable[str]] | frozenset[str] | None = (
            None if attachments is None
            else attachments if callable(attachments) else frozenset(attachments))
        self._attachment_names: dict[str, str] | None = None
        # Whether a link was resolved by looking for a file (`[[notes.txt]]`): then a new
        # list of attachments may change where it goes.
        self._asks_files = False
        # Per note, its headings by the keys find_heading matches (made when first asked).
        # The loose table is made only when a heading is not found as written or shown.
        self._heading_tables: dict[str, list[dict[str, Heading] | None]] = {}
        # Per note, its block ids (lower-cased) as written, with their lines.
        self._block_tables: dict[str, dict[str, tuple[str, int]]] = {}
        # Notes by the last folder and name of their path (`acme/readme`), for links written
        # `[[Folder/Name]]`: made when first asked, then kept up to date.
        self._by_tail: dict[str, set[str]] | None = None
        # What a whole-vault question computed once for many notes (the bank questions asked
        # in each career, read by every planned conversation's brief): dropped on any change.
        self._derived: dict[str, object] = {}
        batch = list(notes)
        for note in batch:
            self._register(note)
        for note in batch:
            self._link(note.path)

    # --- queries ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.notes)

    def __contains__(self, path: object) -> bool:
        return path in self.notes

    def __iter__(self) -> Iterator[Note]:
        """Notes in path order, so everything derived from the index is order-stable."""
        for path in sorted(self.notes):
            yield self.notes[path]

    def get(self, path: str) -> Note | None:
        return self.notes.get(path)

    def resolve(self, target: str, kind: str = "wiki", source: str | None = None) -> Resolution:
        """Resolve a link target by the rules of §4, as Obsidian does, case and Unicode
        normalisation ignored: the exact path from the notes folder (`.md` optional); a
        `./` or `../` path relative to the linking note; a note of that name (or whose path
        ends with the link's `folder/name`) anywhere, preferring the linking note's own folder,
        then the shortest path; then an alias. A name with a file suffix (`photo.png`,
        `Board.canvas`) that reaches no note is an attachment ("asset").

        `source` is the path of the linking note (None: no folder is preferred, and relative
        targets count from the notes folder). `target == ""` is a link within the note
        itself (`[[#Heading]]`), which goes to `source`. A Markdown link's target is already
        joined to its note's folder (`parse` does it); when no note is there, it is also
        looked for from the notes folder and by name.

        A true tie (no note in the linking note's folder, several equally short paths) is
        "ambiguous": `path` is the first of the tied notes, for the site, and `check` warns.
        """
        if not target:
            return Resolution("ok", source) if source is not None else Resolution("broken")
        if kind == "markdown" or (target[0] == "." and _relative(target)):
            # Depends on the linking note's folder as a whole: cached per folder.
            folder = None if source is None else _folder(source)
            key: tuple[str, ...] = (target, kind, folder or "")
            cached = self._cache.get(key)
            if cached is None:
                cached = self._cache[key] = self._resolve_from(target, kind, folder or "")
            return cached.pick(folder) if isinstance(cached, _Tie) else cached
        # A wikilink's answer is kept under its target alone (a string never equals the
        # tuples above): no key to build for each of a vault's ~50,000 links.
        name_key: str | tuple[str, ...] = target if kind == "wiki" else (target, kind)
        found = self._cache.get(name_key)
        if found is None:
            found = self._cache[name_key] = self._resolve_name(target, aliases=True)
        if isinstance(found, _Tie):  # only then does the linking note's folder count
            return found.pick(None if source is None else _folder(source))
        return found

    def _resolve_from(self, target: str, kind: str, folder: str) -> Resolution | _Tie:
        """A Markdown link (already joined to `folder`) or a `./`, `../` wikilink."""
        if kind == "markdown":
            exact = self._by_path.get(fold(strip_md(target)))
            if exact is not None:
                return Resolution("ok", exact)
            if is_asset_target(target):
                return Resolution("asset")  # found beside the note or by name (find_attachment)
            # As written: the path relative to the note, which Obsidian also reads from the
            # notes folder and, for a bare file name, as a name anywhere.
            written = posixpath.relpath(target, folder or ".")
            if _relative(written):
                return Resolution("broken")
            return self._resolve_name(written, aliases=False)
        joined = _joined(folder, target)
        if joined is None:
            return Resolution("broken")
        exact = self._by_path.get(fold(strip_md(joined)))
        if exact is not None:
            return Resolution("ok", exact)
        return self._file_or_broken(joined)

    def _resolve_name(self, target: str, aliases: bool) -> Resolution | _Tie:
        """Path, then name (or folder/name), then alias: what does not depend on the linking
        note. Several notes of the name come back as a `_Tie`, chosen per link."""
        wanted = fold(strip_md(target).strip("/"))
        exact = self._by_path.get(wanted)
        if exact is not None:
            return Resolution("ok", exact)
        base = wanted.rpartition("/")[2]
        if "/" in wanted:
            # Looked up by the path's last folder and name, not among every note of the name:
            # a vault of folder notes (`Acme/README`), each linked as `[[Acme/README]]`,
            # stays linear.
            candidates = [
                p for p in self._tails().get(_tail(wanted), ())
                if fold(strip_md(p)).endswith("/" + wanted)
            ]
        else:
            candidates = list(self._by_stem.get(base, ()))
        if not candidates and aliases:
            candidates = list(self._by_alias.get(wanted, ()))
        if len(candidates) == 1:
            return Resolution("ok", candidates[0])
        if candidates:
            return _Tie(candidates)
        return self._file_or_broken(target)

    def _file_or_broken(self, target: str) -> Resolution:
        """A target no note answers to: an attachment when its suffix says so (`.png`,
        `.canvas`, `.pdf`) or when a file of that name exists (`[[notes.txt]]`); otherwise a
        missing note, kept as a placeholder (`[[Booking.com]]`, `[[2021.07.17]]`)."""
        if is_asset_target(target):
            return Resolution("asset")
        if has_file_suffix(target):
            self._asks_files = True
            if self.find_attachment(target) is not None:
                return Resolution("asset")
        return Resolution("broken")

    def named(self, name: str) -> tuple[list[str], list[str]]:
        """Paths of the notes whose file name is `name`, and of those with `name` as an alias
        (case ignored): what a new note of that name would collide with."""
        key = fold(name)
        return sorted(self._by_stem.get(key, ())), sorted(self._by_alias.get(key, ()))

    def link_name(self, path: str) -> str:
        """The shortest link target that resolves back to this note from any note: its name,
        or its path without `.md` when another note has the name (from some folder the name
        alone would reach that one) or an exact path takes it."""
        name = self._link_names.get(path)
        if name is None:
            note = self.notes[path]
            resolution = self.resolve(note.name)
            unique = resolution.status == "ok" and resolution.path == path and (
                len(self._by_stem.get(fold(note.name), ())) == 1
                or self._by_path.get(fold(note.name)) == path)
            name = note.name if unique else strip_md(path)
            self._link_names[path] = name
        return name

    def private_paths(self) -> frozenset[str]:
        """Paths of the notes marked `private: true` (what the site must never show)."""
        if self._private is None:
            self._private = frozenset(p for p, note in self.notes.items() if note.private)
        return self._private

    def resolutions(self, path: str) -> tuple[Resolution, ...]:
        """Resolutions of a note's links, parallel to `note.links`."""
        return self._resolved.get(path, ())

    def outgoing(self, path: str) -> list[tuple[Link, Resolution]]:
        note = self.notes.get(path)
        if note is None:
            return []
        return list(zip(note.links, self._resolved.get(path, ()), strict=True))

    def targets(self, path: str) -> set[str]:
        """Paths of the notes this note links to."""
        return {r.path for r in self._resolved.get(path, ()) if r.path is not None}

    def backlinks(self, path: str) -> list[Backlink]:
        """Links into this note from other notes, in (source path, line, column) order."""
        return [_backlink(source, link)
                for source, links in self._ordered_backlinks(path).items() for link in links]

    def backlinks_by_source(self, path: str) -> Iterable[tuple[str, Sequence[Link]]]:
        """`backlinks` by source: (source path, its links into this note in (line, column)
        order), in source path order. For a caller that reads many notes' backlinks, without
        a `Backlink` made for each link. Not to be kept while the index changes."""
        return self._ordered_backlinks(path).items()

    def _backlink_table(self) -> defaultdict[str, dict[str, list[Link]]]:
        """Each note's backlinks by source (`_backlinks`), made on first use from what the
        notes' links resolved to, in order."""
        table = self._backlinks
        if table is None:
            table = self._backlinks = defaultdict(dict)
            for path, resolved in self._resolved.items():
                self._add_backlinks(table, path, self.notes[path].links, resolved)
            for path, by_source in table.items():
                if not _in_order(by_source):
                    table[path] = _ordered(by_source)
        return table

    @staticmethod
    def _add_backlinks(table: defaultdict[str, dict[str, list[Link]]], path: str,
                       links: Sequence[Link], resolved: Sequence[Resolution]) -> None:
        for link, resolution in zip(links, resolved, strict=True):
            found = resolution.path
            if found is not None and link.target:  # ([[#Heading]]: within the note, none)
                table[found].setdefault(path, []).append(link)

    def _ordered_backlinks(self, path: str) -> dict[str, list[Link]]:
        table = self._backlink_table()
        by_source = table.get(path)
        if by_source is None:
            return {}
        if path in self._unsorted:
            if not _in_order(by_source):
                by_source = table[path] = _ordered(by_source)
            self._unsorted.discard(path)
        return by_source

    def placeholders(self) -> dict[str, set[str]]:
        """Missing targets (lower-cased) and the notes that link to them."""
        return {key: set(sources) for key, sources in self._placeholders.items() if sources}

    def by_type(self, note_type: str) -> list[Note]:
        return [note for note in self if note.type == note_type]

    def names(self) -> list[str]:
        """Every name a link may use: stems and aliases, in their written case."""
        names = {note.name for note in self.notes.values()}
        for note in self.notes.values():
            names.update(note.aliases)
        return sorted(names)

    def set_attachments(self, paths: Iterable[str] | Callable[[], Iterable[str]]) -> None:
        """Tell the index which attachment files exist (paths relative to the notes folder),
        or how to list them when first needed."""
        self._attachments = paths if callable(paths) else frozenset(paths)
        self._attachment_names = None
        if self._asks_files:
            # `[[notes.txt]]` is an attachment or a missing note by whether the file exists.
            self._asks_files = False
            self._cache.clear()
            self._derived.clear()  # answers read from links that may now go elsewhere
            for path, note in list(self.notes.items()):
                if any(has_file_suffix(link.target) for link in note.links):
                    self._unlink(path)
                    self._link(path)

    @property
    def asks_files(self) -> bool:
        """Whether some link could name a file (`[[notes.txt]]`, `[[Booking.com]]`), so that
        where it goes depends on the files beside the notes. When not, two indexes of the same
        notes and settings resolve every link alike, whether or not they were told the files."""
        return self._asks_files

    def find_attachment(self, target: str) -> str | None:
        """The attachment a link names: by its path in the notes folder, else by file name
        (case ignored) anywhere in it, as Obsidian finds it. None when there is none, or when
        the index was not told which files exist."""
        if self._attachments is None:
            return None
        if callable(self._attachments):
            self._attachments = frozenset(self._attachments())
        wanted = target.strip("/")
        if wanted in self._attachments:
            return wanted
        if self._attachment_names is None:
            self._attachment_names = {}
            for path in sorted(self._attachments):
                self._attachment_names.setdefault(fold(posixpath.basename(path)), path)
        return self._attachment_names.get(fold(posixpath.basename(wanted)))

    def find_heading(self, path: str, heading: str) -> Heading | None:
        """The heading of note `path` that a link's `#heading` part names (its last part, for
        `Note#Section#Sub`): as written, or as shown (inline markup dropped), or with
        punctuation dropped as Obsidian writes heading links; case and Unicode normalisation
        ignored."""
        table = self._heading_tables.get(path)
        if table is None:
            note = self.notes.get(path)
            if note is None:
                return None
            # Looked up, not searched: a note of many headings linked many times stays linear.
            exact: dict[str, Heading] = {}
            for candidate in note.headings:  # the first heading of a key wins, as on the page
                exact.setdefault(fold(candidate.text.strip()), candidate)
                exact.setdefault(fold(heading_shown(candidate.text).strip()), candidate)
            table = self._heading_tables[path] = [exact, None]
        wanted = fold(heading.rpartition("#")[2].strip())
        found = table[0].get(wanted)  # type: ignore[union-attr]
        if found is None:
            key = _loose_heading(wanted)
            if not key:
                return None
            loose = table[1]
            if loose is None:  # first asked: most links name a heading as it is written
                note = self.notes[path]
                loose = table[1] = {}
                for candidate in note.headings:
                    candidate_key = _loose_heading(fold(candidate.text.strip()))
                    if candidate_key:
                        loose.setdefault(candidate_key, candidate)
            found = loose.get(key)
        return found

    def find_block(self, path: str, ref: str) -> int | None:
        """The line of the paragraph a block reference (`^id`, the part after `#`) names in
        note `path`: the one ending in ` ^id` (case ignored, as Obsidian matches), or None."""
        found = self._block(path, ref)
        return None if found is None else found[1]

    def block_id(self, path: str, ref: str) -> str | None:
        """The id as the note writes it (`abc` for a reference `^ABC`) of the paragraph
        `find_block` finds: what its anchor on the page is made of, or None."""
        found = self._block(path, ref)
        return None if found is None else found[0]

    def _block(self, path: str, ref: str) -> tuple[str, int] | None:
        table = self._block_tables.get(path)
        if table is None:
            note = self.notes.get(path)
            if note is None:
                return None
            table = {}
            for ident, line in note.block_ids:  # the first of an id wins, as in Obsidian
                table.setdefault(ident.lower(), (ident, line))
            self._block_tables[path] = table
        return table.get(ref.rpartition("#")[2].strip().lstrip("^").lower())

    def link_target_problem(self, note: Note, link: Link, resolution: Resolution
                            ) -> Diagnostic | None:
        """See `link_diagnostics.link_target_problem`."""
        from .link_diagnostics import link_target_problem

        return link_target_problem(self, note, link, resolution)

    def resolve_note(self, target: str, source: str | None = None) -> Note | None:
        """The note a front-matter link names (from the note at `source`), or None when
        broken; for a true tie, the note the site links to."""
        resolution = self.resolve(target, source=source)
        return self.notes.get(resolution.path) if resolution.path else None

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()`, worked out once while the index does not change (any `put` or
        `remove` forgets it): for an answer about the whole vault that many notes' blocks read.
        `key` names the question; one key, one kind of answer."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]  # type: ignore[return-value]

    # --- updates ------------------------------------------------------------------------------

    def put(self, note: Note) -> set[str]:
        """Add or replace a note; return paths of the *other* notes whose graph view changed."""
        old = self.notes.get(note.path)
        self._private = None
        self._derived.clear()
        self._heading_tables.pop(note.path, None)
        self._block_tables.pop(note.path, None)
        affected: set[str] = set()
        if old is not None:
            affected |= self.targets(old.path)
            names_changed = old.name != note.name or old.aliases != note.aliases
            self._unlink(old.path)
            if names_changed:
                self._unregister(old)
                affected |= self._relink(self._names_of(old))
                self._register(note)
            else:
                self.notes[note.path] = note
        else:
            self._register(note)
        self._link(note.path)
        affected |= self.targets(note.path)
        if old is None or old.name != note.name or old.aliases != note.aliases:
            affected |= self._relink(self._names_of(note))
        affected.discard(note.path)
        return affected

    def remove(self, path: str) -> set[str]:
        """Remove a note; return paths of the other notes whose graph view changed."""
        old = self.notes.get(path)
        if old is None:
            return set()
        self._private = None
        self._derived.clear()
        self._heading_tables.pop(path, None)
        self._block_tables.pop(path, None)
        affected = self.targets(path)
        self._unlink(path)
        self._unregister(old)
        affected |= self._relink(self._names_of(old))
        affected.discard(path)
        return affected

    # --- internals ----------------------------------------------------------------------------

    def _tails(self) -> dict[str, set[str]]:
        if self._by_tail is None:
            self._by_tail = defaultdict(set)
            for path in self.notes:
                self._by_tail[_tail(fold(strip_md(path)))].add(path)
        return self._by_tail

    @staticmethod
    def _names_of(note: Note) -> set[str]:
        return {fold(note.name), *(fold(alias) for alias in note.aliases)}

    def _register(self, note: Note) -> None:
        self._cache.clear()
        self._link_names.clear()
        self.notes[note.path] = note
        self._by_path[fold(strip_md(note.path))] = note.path
        self._by_stem[fold(note.name)].add(note.path)
        for alias in note.aliases:
            self._by_alias[fold(alias)].add(note.path)
        if self._by_tail is not None:
            self._by_tail[_tail(fold(strip_md(note.path)))].add(note.path)

    def _unregister(self, note: Note) -> None:
        self._cache.clear()
        self._link_names.clear()
        self.notes.pop(note.path, None)
        self._by_path.pop(fold(strip_md(note.path)), None)
        self._by_stem[fold(note.name)].discard(note.path)
        for alias in note.aliases:
            self._by_alias[fold(alias)].discard(note.path)
        if self._by_tail is not None:
            self._by_tail[_tail(fold(strip_md(note.path)))].discard(note.path)

    def _link(self, path: str) -> None:
        note = self.notes[path]
        # (Once per note, not per link: a vault's load links some 50,000 links here.)
        resolve, dependents = self.resolve, self._dependents
        resolved = tuple([resolve(link.target, link.kind, path) for link in note.links])
        self._resolved[path] = resolved
        for link, resolution in zip(note.links, resolved, strict=True):
            if resolution.status == "broken" and link.target:
                self._placeholders[fold(link.target)].add(path)
        if dependents is not None:
            for link in note.links:
                for key in _lookup_keys(link):
                    dependents[key].add(path)
        if self._backlinks is not None:
            self._add_backlinks(self._backlinks, path, note.links, resolved)
            # (Each target's entry gained a link: put in order again when asked.)
            self._unsorted.update(r.path for link, r in zip(note.links, resolved, strict=True)
                                  if r.path is not None and link.target)

    def _unlink(self, path: str) -> None:
        note = self.notes[path]
        for link, resolution in zip(note.links, self._resolved.pop(path, ()), strict=False):
            if self._dependents is not None:
                for key in _lookup_keys(link):
                    self._dependents[key].discard(path)
            if not link.target:
                continue
            if resolution.path is not None:
                if self._backlinks is not None:
                    self._backlinks[resolution.path].pop(path, None)
            elif resolution.status == "broken":
                self._placeholders[fold(link.target)].discard(path)

    def _relink(self, names: set[str]) -> set[str]:
        """Re-resolve every note that links by one of these names; return all touched paths."""
        if self._dependents is None:
            self._dependents = defaultdict(set)
            for source, note in self.notes.items():
                for link in note.links:
                    for key in _lookup_keys(link):
                        self._dependents[key].add(source)
        sources = set()
        for name in names:
            sources |= self._dependents.get(name, set())
        touched = set()
        for source in sorted(sources):
            if source not in self.notes:
                continue
            before = self._resolved.get(source, ())
            touched |= {r.path for r in before if r.path is not None}
            self._unlink(source)
            self._link(source)
            if self._resolved[source] != before:
                touched.add(source)
                touched |= self.targets(source)
        return touched

    # --- diagnostics --------------------------------------------------------------------------

    def diagnostics(self, paths: Iterable[str] | None = None) -> list[Diagnostic]:
        """See `link_diagnostics.vault_diagnostics`."""
        from .link_diagnostics import vault_diagnostics

        return vault_diagnostics(self, paths)

    def same_names(self) -> list[list[str]]:
        """The paths of each name several notes share (sorted), name by name."""
        return [sorted(self._by_stem[stem]) for stem in sorted(self._by_stem)
                if len(self._by_stem[stem]) > 1]

    @property
    def knows_attachments(self) -> bool:
        """Whether the notes folder's other files were given (`set_attachments`): only then is
        a link to a file that is not there a missing attachment."""
        return self._attachments is not None


# (No "[" in a label: so a run of "[[" cannot make each one scan the rest of the heading.)
_MARKUP = re.compile(r"[*_`~]|\[\[([^\[\]|]*\|)?|\]\]")


def heading_shown(text: str) -> str:
    """A heading as a table of contents shows it: inline markup (emphasis, code, [[links]])
    gone."""
    return _MARKUP.sub("", text)


def _loose_heading(text: str) -> str:
    """A heading with punctuation dropped and blanks collapsed (Obsidian drops `:`, `#`, `|`,
    `^` and brackets from the heading links it writes)."""
    return " ".join(_ALNUM_RUN_RE.findall(heading_shown(text)))


# A run of the characters `str.isalnum` is true for (\w is those and "_").
_ALNUM_RUN_RE = re.compile(r"[^\W_]+")


def _ordered(by_source: dict[str, list[Link]]) -> dict[str, list[Link]]:
    """A note's backlinks by source, put in order: sources by path, each one's links by line
    and column."""
    return {source: links if len(links := by_source[source]) == 1
            else sorted(links, key=_LINE_AND_COLUMN)
            for source in sorted(by_source)}


def _in_order(by_source: dict[str, list[Link]]) -> bool:
    """Whether a note's backlinks are in order already: sources by path, each one's links by
    line and column. A table made from notes loaded in path order nearly always is; then it
    is not copied in order (at 20,000 notes the copies were ~4 MB, made and dropped during a
    fill)."""
    sources = list(by_source)
    return (all(a < b for a, b in pairwise(sources))
            and all((a.line, a.col) <= (b.line, b.col)
                    for links in by_source.values() for a, b in pairwise(links)))
