"""The site kept up to date while serving: one full build, then rebuilds of only what changed.

MkDocs rebuilds everything on every change: each page goes through Python-Markdown and the
theme's templates, ~10 ms a page, so ~50 s for 5,000 notes (DESIGN §11 asks for 2 s). After one
saved note only a few pages can show anything different. So `LiveSite` runs the steps of MkDocs'
own build (`mkdocs.commands.build.build`, same order, same helpers, each phase a method of
`LiveSite._run`; the private ones come from `_mkdocs_private`) and carries every page whose
inputs did not change (`VaultPlugin.page_inputs`: its text, the public content of its blocks,
where its links go, its card) from one build to the next: its output stays on disk and its
search entries in memory. What spans the vault is made again each time: the list of files, the
navigation, the generated pages, the search index, the sitemap, the network data and the feed.

What a build holds of a page is what a later build compares or other pages read: its inputs by
their digest (`site_cache.digest`, as the site cache records them), its title, front matter,
table of contents and anchors; not its Markdown once read nor its HTML once written (`_read`;
`mkdocs build` holds both until it ends, and the inputs are as large as the page).

The result of an update is the full build's output, byte for byte (`tests/test_incremental.py`
checks it over edits, creations, renames, deletions, privacy changes, attachments and a new day).
Where that cannot be vouched for, the update is a full build: the first one, after a failed one,
when the navigation changed (every page shows it), and when a plugin other than the vault's and
the search is active (their state between builds is unknown). A new day is no reason: the pages
that show the date (the follow-ups dashboard, the home note, the notes with a follow-ups block,
the generated dashboards) have it among their inputs, so every page's inputs are compared again
and those are rendered; the sitemap and the feed are made again by every build anyway.

With a site cache (`site_cache`), the first build of a process starts from the record the last
one left: the pages whose inputs and output file are as recorded are kept, as in an update, and
say again what they said when rendered (`said`).

Why one module of ~1,000 lines: `LiveSite` is MkDocs' build, phase by phase, with the state that
lets one build keep another's pages (kept pages, their inputs, the record it started from).
Each phase reads and writes that state; split by phase, every module would reach into the
others' halves of one object. What stands apart is elsewhere: the record on disk
(`site_cache`), the warnings (`said`), the site folder's housekeeping (`site_folder`), MkDocs'
private helpers (`_mkdocs_private`), the digests of the inputs worked out on every save
(`same_inputs`).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory, get_build_date

from ..blocks import FOLLOWUPS, PREP
from ..index import VaultIndex
from ..note_texts import NoteTexts, decoded, encoded, held_text
from ..notes import Note
from ..reach import parse_digest, reach_of_edits
from ..vault import (
    NotesRead,
    Vault,
    is_note_path,
    is_skipped,
    load_index_and_texts,
    read_note,
)
from . import said, search_names
from ._mkdocs_private import (
    PAGE_STATE,
    build_extra_template,
    build_page,
    build_theme_template,
    generated_content,
    populate_page,
    title_from_render,
)
from .compiled_templates import Compiling
from .embeds import embedders
from .leaks import ScanProcess
from .nav_once import NAV_ONCE
from .page_render import PageRenderer
from .parsed_notes import ParsedNotes
from .said import ANCHORS, READ, WRITE
from .same_inputs import Digested
from .search_json import SearchJson
from .search_parse import SearchParses
from .site_cache import (
    GeneratedRecord,
    NotesRecord,
    PageRecord,
    SiteCache,
    Snapshot,
    Unencodable,
    bytes_if_digest,
    cache_key,
    copy_stamp,
    digest,
    file_digest,
    stamp,
    text_digest,
)
from .site_folder import files_in, remove_empty_folders, remove_outputs
from .theme_files import theme_files

log = logging.getLogger("mkdocs.plugins.vault")

# Plugins whose state between builds this module knows. Material's search keeps a list of
# entries, filled page by page: kept pages give back the entries they gave the last time.
KNOWN_PLUGINS = frozenset({"vault", "search", "material/search"})
SEARCH_INDEX = "search/search_index.json"


@dataclass
class Rebuilt:
    """What one build did: `full` or not (and why), pages rendered, pages kept, seconds."""

    full: bool
    reason: str = ""
    rendered: int = 0
    kept: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        if self.full:
            why = f" ({self.reason})" if self.reason else ""
            return f"built the site{why}: {self.rendered} pages in {self.seconds:.2f} s"
        if self.reason:  # a first build that kept pages (the site cache's)
            return (f"built the site ({self.reason}): {self.rendered} pages rendered, "
                    f"{self.kept} kept, in {self.seconds:.2f} s")
        return (f"rebuilt {self.rendered} page{'' if self.rendered == 1 else 's'} "
                f"(kept {self.kept}) in {self.seconds:.2f} s")


@dataclass
class _Kept:
    """A page carried over: its File (with its rendered Page), its inputs, its search entries;
    and, for a page the site cache kept from an earlier run (`record`), no Page yet: the
    record gives the one this build makes what the earlier run read."""

    file: Any
    page: Any
    inputs: tuple[Any, ...]
    entries: list[dict[str, Any]] = field(default_factory=list)
    record: PageRecord | None = None
    # What MkDocs and the plugins said while reading and rendering the page (`Said`)
    warnings: dict[str, list[list[Any]]] = field(default_factory=dict)


@dataclass
class _Run:
    """One build's files, navigation and pages, as its phases make them."""

    config: Any
    full: bool
    inclusion: Any  # which files the build includes (drafts too while serving)
    files: Any = None
    nav: Any = None
    doc_files: list[Any] = field(default_factory=list)
    inputs: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    keep: dict[str, _Kept] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)
    rendered: list[Any] = field(default_factory=list)
    restored: Snapshot | None = None  # the site cache's record this build started from
    found: set[str] = field(default_factory=set)  # the site folder's files as the build began
    empty_folders: list[str] = field(default_factory=list)  # ... and its folders holding none
    stamps: dict[str, list[int]] = field(default_factory=dict)  # ... and their stamps (some)
    said: dict[str, dict[str, list[list[Any]]]] = field(default_factory=dict)  # page -> Said
    reused: set[str] = field(default_factory=set)  # the theme's templates left as they were
    shown: dict[str, Any] = field(default_factory=dict)  # template -> what it was made from
    nav_shape: str = ""  # a digest of the navigation as the theme shows it (`_nav_shape`)
    # The HTML of each page read, as UTF-8, until it is written (`_read`, `_write_pages`).
    content: dict[str, bytes] = field(default_factory=dict)
    # The site folder (`config.site_dir`, read once: a configuration's option is looked up
    # through MkDocs' descriptors each time, ~5 µs, asked for each of thousands of pages).
    site_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.site_dir = Path(self.config.site_dir)


class LiveSite:
    """A vault's site in `config.site_dir`, kept equal to what `mkdocs build` would make of
    the notes as they are now.

    `build()` builds everything; `update(paths)` reads the given notes or files again (paths
    relative to the notes folder; a missing file is a deletion) and rebuilds what they change.
    Both raise what MkDocs raises; after a failure the next update is a full build. A site
    built `once` (the `build` command) keeps nothing only a next build in this process would
    use: the search index's JSON by entry (`SearchJson`; Material writes its own, the same
    bytes).
    """

    def __init__(self, vault: Vault, config: Any, *, serve_url: str | None = None,
                 today: Callable[[], dt.date] = dt.date.today,
                 reloading: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
                 built: Callable[[], None] = lambda: None,
                 recording: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
                 rendering: Callable[[int], AbstractContextManager[Any]] = (
                     lambda pages: contextlib.nullcontext()),
                 cache: SiteCache | None = None, once: bool = False,
                 compiled: Compiling | None = None,
                 scanning: ScanProcess | None = None,
                 parses: SearchParses | None = None) -> None:
        self.vault = vault
        self._once = once
        # The record of the last build in another process (`site_cache`): used by the first
        # build, written after each full one.
        self._cache = cache
        # The garbage-collector policy of the command serving this site (`gcpolicy`): what to
        # wrap a full load of the vault in, what to do once a full build is done, what to
        # wrap the load of the site cache's record in (every kept page's record: long-lived),
        # and what to wrap a build's work after its load in, given how many pages it renders.
        self._reloading = reloading
        self._built = built
        self._recording = recording
        self._rendering = rendering
        self.config = config
        self.serve_url = serve_url
        self._today = today
        self._configured = False
        self._env: Any = None
        # The theme's templates, compiled by a second process since before the vault was
        # loaded (`compiled_templates`): given to the theme's environment once it is made.
        self._compiled = compiled
        # A process forked before the vault was loaded to leak-scan the first build's pages
        # (`leaks.start_scan_process`): handed to that build's page scan.
        self._scanning = scanning
        # A process forked before the vault was loaded to make Material's search parse of
        # the first build's pages as they are read (`search_parse`).
        self._search_parses = parses
        self._index = VaultIndex()
        self._texts: MutableMapping[str, str] = NoteTexts()
        self._kept: dict[str, _Kept] = {}
        self._outputs: set[str] = set()
        self._nav_shape = ""  # a digest of the navigation as the theme shows it
        self._stale: str | None = "first build"
        # Each note's page inputs in the last build, by digest (`_by_digest`).
        self._inputs: dict[str, tuple[Any, ...]] = {}
        # The digests of the inputs of the pages worked out again on every save (`_by_digest`).
        self._digested = Digested()
        self._every_save: set[str] = set()  # those pages: the dashboards' notes and pages
        self._dirty: set[str] | None = None  # notes whose inputs to compute again (None: all)
        self._touched: frozenset[str] = frozenset()
        # What the edits since the site cache's record reach (`reach.reach_of_edits`).
        self._reach: set[str] = set()
        # Each note's parse digest (`reach.parse_digest`) with the digest of the text it was
        # parsed from, for the record: worked out again only for a note whose text changed.
        self._parses: dict[str, tuple[str | None, str | None]] = {}
        self._followups: Any = None  # refresh.FollowUpCache over the index
        self._theme_files: list[Any] | None = None
        # The names in the notes folder and the files MkDocs listed of them (`get_files`),
        # untouched by any build: listed again when a file came or went (`_list_files`).
        self._listing: tuple[Any, list[Any]] | None = None
        self._search_json = SearchJson()
        # The search index's own boosts before any build added to them (`_write_pages`).
        self._search_fields: dict[str, Any] | None = None
        self._digests: dict[str, str] = {}  # output file -> digest, for files not pages
        self._restored: dict[str, PageRecord] = {}  # the site cache's pages, first build only
        self._recorded_notes: NotesRecord | None = None  # and its notes
        self._carried: GeneratedRecord | None = None  # and its generated pages
        self._copied: dict[str, list[int]] = {}  # copied file -> stamp, from the site cache
        # Generated files (the feed, the network's data) as last written: output -> (the
        # content, the file's stamp once written).
        self._generated: dict[str, tuple[str | bytes, list[int] | None]] = {}
        self._last: tuple[_Run, str] | None = None  # the last build and its cache key
        # What the theme's templates (the sitemap, 404.html) were last made from
        # (`_templates_shown`), by template.
        self._templates: dict[str, Any] = {}
        self._recorded_templates: dict[str, str] = {}  # the site cache's, first build only
        # `_text_digest`: each note's text as held, and its digest
        self._text_digests: dict[str, tuple[str | bytes | None, str | None]] = {}

    @property
    def plugin(self) -> Any:
        return self.config.plugins["vault"]

    def build(self, reason: str = "", *, clean: bool = False,
              loaded: tuple[VaultIndex, MutableMapping[str, str]] | None = None,
              followups: Any = None, parsed: ParsedNotes | None = None,
              known_followups: Callable[[VaultIndex], Any] | None = None,
              record: bool = True, read: NotesRead | None = None) -> Rebuilt:
        """Read every note (or take them `loaded` just now, with their open `followups` if
        known) and build the whole site; with a site cache (and not `clean`), the pages its
        record shows unchanged, on disk as they were left, are kept. `parsed`: the notes as
        parsed, for the load (`serve`'s first build: its watcher's, just saved); by default
        the record beside the site cache. `known_followups`: the open follow-ups of the index
        just read, or None when not known (`serve`'s first build: `Watcher.first_followups`).
        `record`: save the site cache's record of it now; when False, `save_cache` does
        (`serve`, once it answers: the start is not kept waiting for it, ~0.1 s at 5,000).
        `read`: every note as read just now elsewhere, indexed instead of read again (`serve`'s
        first build: its watcher's first fill, `Watcher.first_read`; ~0.15 s at 5,000)."""
        from ..refresh import FollowUpCache

        self._listing = None
        if loaded is not None:
            self._index, self._texts = loaded
        else:
            # The notes as parsed by this site's earlier runs, beside its cache's record
            # (`parsed_notes`): `serve`'s start, and a start again after mkdocs.yml changed.
            with self._reloading():  # serve: unfreezes the last full build's pages, pauses
                if read is not None:
                    self._index, self._texts = read.index_and_texts(self.vault)
                    self._known_digests(read.digests)
                else:
                    if parsed is None:
                        parsed = ParsedNotes.load(
                            self._cache.folder if self._cache is not None else None,
                            trust=not clean)
                    self._index, self._texts = load_index_and_texts(
                        self.vault, parse=parsed.note_from_data)
            if parsed is not None:
                parsed.save()  # (its second save lets go of the Notes it made)
            followups = known_followups(self._index) if known_followups is not None else None
        self._followups = FollowUpCache(self._index, followups)
        self.plugin.report_only = None
        self._dirty = None
        try:
            built = self._run(full=True, reason=reason or "full build", clean=clean,
                              record=record)
        finally:
            self.stop_helpers()
        # What a full build leaves is long-lived and large (every page, its search entries):
        # serve keeps the garbage collector from walking it again on every update.
        self._built()
        return built

    def stop_helpers(self) -> None:
        """Let go of the processes forked for the first build, once it is done or was never
        made: the templates compiled aside (`compiled_templates`), stopped if nothing was taken
        from it, and the process to scan its pages, if that build never handed it over."""
        compiled, self._compiled = self._compiled, None
        if compiled is not None:
            compiled.discard()
        scanning, self._scanning = self._scanning, None
        if scanning is not None:
            scanning.kill()
        parses, self._search_parses = self._search_parses, None
        if parses is not None:
            parses.discard()

    def update(self, paths: Iterable[str]) -> Rebuilt:
        """Bring the site up to date after `paths` changed (notes or any file in the notes
        folder, relative to it)."""
        from ..refresh import apply_updates

        stale = self._stale or self._unknown()
        if stale:
            return self.build(stale)
        paths = set(paths)
        changed = sorted(rel for rel in paths if is_note_path(rel) and not is_skipped(rel))
        # The notes whose page inputs may differ now, found from the links around each
        # change; every note when what is private changed, or an attachment (links to it).
        dirty: set[str] | None = set(changed) if len(changed) == len(paths) else None
        updates = {}
        moved = []
        for rel in changed:
            before = self._index.get(rel)
            updates[rel] = self._read(rel)
            if _privacy(before) != _privacy(updates[rel]):
                dirty = None
            if updates[rel] is None or before != updates[rel]:
                moved.append(rel)
                if dirty is not None:
                    dirty |= self._neighbours(rel)
            elif dirty is not None:
                dirty |= embedders(self._index, rel)  # (they show its words)
        # A note parsed the same as before (words added outside what the index keeps) stays
        # as it is in the index: nothing worked out from the index is forgotten (the question
        # bank of a prep brief, ~0.3 s at 20,000 notes). Only its own page is worked out again
        # (its text is among its page's inputs); no other page (`_neighbours`).
        change = apply_updates(self._index, {rel: updates[rel] for rel in moved},
                               self._followups)
        if dirty is not None:
            dirty |= change.affected
            for rel in moved:
                dirty |= self._neighbours(rel)
        self._dirty = dirty
        self.plugin.report_only = set(changed)
        return self._run(full=False)

    def _list_files(self, config: Any) -> Files:
        """`get_files(config)`: while the notes folder holds the very files (by name) it held
        when last listed, copies of that listing's files (MkDocs' listing costs ~0.15 s at
        5,000 notes, each File working out its address again; a walk of the names, ~0.02 s).
        What `get_files` makes of a folder depends on its files' names and the configuration
        only, which a LiveSite keeps. Built `once`: MkDocs' listing as it is (no later build
        to keep it for)."""
        if self._once:
            return _ChosenFiles(list(get_files(config)))
        walked = _names(config.docs_dir)
        if self._listing is None or walked != self._listing[0]:
            files = get_files(config)
            listing = [_copied(file) for file in files]
            for file in listing:
                _ = file.url, file.abs_src_path, file.abs_dest_path  # (once for every copy)
            self._listing = (walked, listing)
            return _ChosenFiles(list(files))
        return _ChosenFiles([_copied(file) for file in self._listing[1]])

    def _read(self, rel: str) -> Note | None:
        """`rel` as it is on disk now (None: gone), its text remembered for the plugin."""
        if not self.vault.abs(rel).is_file():
            self._texts.pop(rel, None)
            return None
        note, text = read_note(self.vault, rel)
        if text is None:
            self._texts.pop(rel, None)
        else:
            self._texts[rel] = text
        return note

    def _neighbours(self, rel: str) -> set[str]:
        """The notes `rel` links to and the notes linking to it: the ones whose page can show
        its name, its headings, its privacy or its words (in their related blocks), and the
        notes that show it, or a note linking to it, through embeds of embeds.

        Asked only for a note whose parse moved. All of that but the
        embeds is read from the index, not from the note's text: a note edited so that it
        parses as it did (`reach.parse_digest`, a line of prose) shows the same on every
        other page, except in the pages that embed it (`embedders`), which show its words."""
        linking = {b.source for b in self._index.backlinks(rel)}
        # A page embedding C shows C's link to `rel` as the full build resolves it now (to a
        # heading `rel` may have lost, to a note just created or deleted).
        return self._index.targets(rel) | linking | embedders(self._index, rel, *linking)

    def _unknown(self) -> str:
        """Why pages cannot be kept with this configuration's plugins ("" when they can)."""
        unknown = sorted(set(self.config.plugins) - KNOWN_PLUGINS)
        if unknown:
            return f"the plugin{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
        if "search" in self.config.plugins and _search_index(self.config) is None:
            return "a search plugin other than Material's"
        return ""

    # --- the build -------------------------------------------------------------------------------

    def _page_inputs(self, file: Any, files: Any, plugin: Any) -> tuple[Any, ...] | None:
        """What the page of `file` is made from, by digest (`_by_digest`; None: unknown, so it
        is always rendered); `plugin` is the vault's."""
        if file.generated_by is not None:
            # The vault's generated pages are Markdown made from the whole vault.
            if file.generated_by != "vault":
                return None
            return self._by_digest(
                plugin.generated_page_inputs(file.src_uri, file.content_string), file.src_uri)
        note = plugin.view.index.get(file.src_uri)
        if note is None:
            return None
        known = self._inputs.get(note.path)
        if self._dirty is not None and note.path not in self._dirty:
            if known is not None:
                return known
            record = self._restored.get(file.src_uri)
            if record is not None:
                return (_BY_DIGEST, record.inputs)
        return self._by_digest(plugin.page_inputs(note, files), note.path)

    def _by_digest(self, inputs: tuple[Any, ...], src: str) -> tuple[Any, ...]:
        """`inputs` as a build keeps them: by their digest (`site_cache.digest`), which stands
        for them in every comparison, here and in the site cache. A page's inputs are as large
        as its page (its text, its blocks, where each of its links goes): kept whole, every
        page's would be held from the start of the build to its end (and for as long as
        `serve` runs). Inputs with no digest (`Unencodable`) are kept as they are: equal to
        themselves only, and never recorded. The pages worked out again on every save (the
        dashboards' notes and pages, `_every_save`) keep their inputs with their digest, and a
        save that gives them the same inputs (`same_inputs.same`) digests them no more (~0.4 s
        a save at 20,000 notes, the home note most of it)."""
        try:
            return (_BY_DIGEST, self._digested.digest(
                src, inputs, self._volatile(), keep=not self._once and src in self._every_save))
        except Unencodable:
            return inputs

    def _same_as_before(self, site_dir: Path, rel: str) -> bool:
        """True when output file `rel` holds the bytes it held after the last build."""
        found = file_digest(site_dir / rel)
        if found is None:
            self._digests.pop(rel, None)
            return False
        same = self._digests.get(rel) == found
        self._digests[rel] = found
        return same

    def _run(self, *, full: bool, reason: str = "", clean: bool = False,
             record: bool = True) -> Rebuilt:
        """The phases of `mkdocs build`, in its order, keeping the pages whose inputs did not
        change: configuration, files, navigation, pages read, pages rendered, post-build."""
        start = time.monotonic()
        self._stale = "the last build failed"  # until this one succeeds
        inclusion = InclusionLevel.is_in_serve if self.serve_url else InclusionLevel.is_included
        run = _Run(self._configure(), full, inclusion)
        key = self._cache_key(run.config) if full else None
        if key is not None and self._cache is not None:
            if clean:
                run.restored = None
            else:
                with self._recording():
                    run.restored = self._cache.load(key)
            if run.restored is not None:
                run.found, linked, run.empty_folders, run.stamps = files_in(run.site_dir)
                if linked:  # written through, a kept page would land elsewhere
                    log.info("The site folder holds a link: building the whole site.")
                    run.restored = None
            # Gone before the site folder changes: a build that stops half-way leaves no record.
            self._cache.forget()
        if run.restored is not None:
            self._restore(run.restored)
            run.full = False
            reason = "from the site cache"
        elif full:
            clean_directory(run.config.site_dir)
            self._kept = {}
        with self._rendering(0):  # (no page rendered yet)
            self._gather_files(run)
            self._choose_pages(run)
            self._navigation(run)
        with self._rendering(self._to_read(run)):
            self._read_pages(run)
        if run.keep and run.nav_shape != self._nav_shape:
            with self._rendering(len(run.keep)):
                self._read_kept_again(run)
        self._nav_shape = run.nav_shape
        with self._rendering(len(run.doc_files) - len(run.keep)):
            self.plugin.scan_process, self._scanning = self._scanning, None
            try:
                self._write(run)
                self._post_build(run)
            finally:
                self.plugin.stop_page_scan()  # (unused, or a build stopped half-way)
        self._kept = run.keep
        self._inputs = run.inputs
        self._templates.update(run.shown)
        self._dirty = None
        self._stale = None
        self._restored, self._recorded_templates = {}, {}
        self._recorded_notes = None
        if key is not None and self._cache is not None and record:
            # (as the work before it: what it allocates is the record, and no cycles)
            with self._rendering(len(run.rendered)):
                self._cache.save(self._snapshot(run, key))
        if record:  # (else kept for `save_cache`, next)
            self._text_digests = {}  # (holding texts: one run's)
        key = key or (self._last[1] if self._last is not None else None)
        self._last = (run, key) if key is not None else None
        return Rebuilt(full=run.full, reason=reason, rendered=len(run.rendered),
                       kept=len(run.doc_files) - len(run.rendered),
                       seconds=time.monotonic() - start)

    def save_cache(self) -> None:
        """Record the site as the last successful build left it (`serve`, once it answers,
        for its first build, and as it stops: the next start keeps what the saves since its
        first build rendered). A record that is out of date is safe, only slower: each kept
        page's output is checked against it."""
        if self._cache is None or self._last is None or self._stale is not None:
            return
        run, key = self._last
        self._cache.save(self._snapshot(run, key))
        self._text_digests = {}

    def _cache_key(self, config: Any) -> str | None:
        """The site cache's key for this configuration (None: no cache, or plugins whose state
        between runs is unknown)."""
        if self._cache is None or self._unknown():
            return None
        return cache_key(config, self.vault.root, self.serve_url)

    def _restore(self, snapshot: Snapshot) -> None:
        """Start from the record of an earlier run: its pages may be kept (`_choose_pages`
        checks each against its output file), its outputs are the ones to remove if no longer
        made."""
        self._kept = {}
        self._restored = snapshot.pages
        self._recorded_notes = snapshot.notes
        self._carried = snapshot.generated
        self._outputs = set(snapshot.outputs)
        self._digests = dict(snapshot.digests)
        self._recorded_templates = snapshot.templates
        self._copied = snapshot.copied
        self._nav_shape = snapshot.nav
        # What the kept files were found clean of: if the secrets are the same now, the leak
        # scan reads only the files written now (the kept ones hold the bytes it read then).
        self.plugin.remembered.scanned_for = snapshot.scanned
        self.plugin.remembered.mentions.restore(snapshot.mentions, snapshot.public_mentions)
        if snapshot.search_json:
            self._search_json.agreed_before()

    def _snapshot(self, run: _Run, key: str) -> Snapshot:
        """The record of this build for the next run: every kept page whose inputs have a
        stable digest and whose output could be read."""
        site_dir = run.site_dir
        snapshot = Snapshot(key=key, vault=self._cache.vault if self._cache else "",
                            outputs=sorted(self._outputs), nav=self._nav_shape,
                            digests=dict(self._digests),
                            templates={template: digest(shown)
                                       for template, shown in self._templates.items()},
                            scanned=_secrets_digest(self.plugin.remembered.scanned_for),
                            search_json=self._search_json.agrees is True)
        for src, kept in run.keep.items():
            if kept.record is not None:
                # Kept from the record, not rendered since: its record stands (the page was
                # given the record's title, keys and anchors, `_give_recorded`, and its
                # output holds the bytes checked when it was kept, with the stamp they had).
                snapshot.pages[src] = kept.record
                continue
            page, dest = kept.page, kept.file.dest_uri
            inputs = _recorded(kept.inputs)
            if inputs is None:  # (no digest: never kept across runs)
                continue
            found, output = stamp(site_dir / dest), file_digest(site_dir / dest)
            anchors = page.present_anchor_ids
            if output is None or not _plain_json(page.meta):
                continue
            snapshot.pages[src] = PageRecord(
                inputs=inputs, dest=dest, output=output, title=title_from_render(page),
                meta=dict(page.meta), anchors=sorted(anchors) if anchors is not None else None,
                entries=kept.entries, entries_json=self._search_json.written(kept.entries),
                warnings=kept.warnings, stamp=found)
        snapshot.notes = self._notes_record(run)
        snapshot.generated = self.plugin.remembered.generated.record(self._parses_digest())
        snapshot.mentions, snapshot.public_mentions = self.plugin.remembered.mentions.records()
        for file in run.files:
            if not file.is_documentation_page() and run.inclusion(file.inclusion):
                found = copy_stamp(site_dir / file.dest_uri, file.abs_src_path)
                if found is not None:
                    snapshot.copied[file.dest_uri] = found
        return snapshot

    def _notes_record(self, run: _Run) -> NotesRecord:
        """The notes as this build found them (`NotesRecord`)."""
        paths = sorted(self._index.notes, key=_path_key)
        where = {path: number for number, path in enumerate(paths)}
        texts = [self._text_digest(path) for path in paths]
        self._parses = {path: self._parse_of(path, text)
                        for path, text in zip(paths, texts, strict=True)}
        return NotesRecord(
            paths=[_path_key(path) for path in paths],
            texts=texts,
            targets=[sorted(where[t] for t in self._index.targets(path) if t in where)
                     for path in paths],
            computed=sorted(where[path] for path in self._touched if path in where),
            privacy=self._privacy_digest(), files=_files_digest(run.files),
            parses=[self._parses[path][1] for path in paths])

    def _text_digest(self, path: str) -> str | None:
        """`text_digest` of note `path`'s text, worked out once per text in a run (the first
        run of a process asks for each note's up to three times: the dashboards' check, the
        notes changed since the record, the record)."""
        text = held_text(self._texts, path)  # (keyed by it: no decoded text is kept)
        known = self._text_digests.get(path)
        if known is not None and known[0] is text:
            return known[1]
        found = text_digest(text)
        self._text_digests[path] = (text, found)
        return found

    def _digest_in(self, texts: Mapping[str, str], path: str) -> str | None:
        """`text_digest` of note `path`'s text in `texts`: `_text_digest`'s when `texts` are
        the ones this site holds (as the plugin is given them)."""
        if texts is self._texts:
            return self._text_digest(path)
        return text_digest(held_text(texts, path))

    def _known_digests(self, digests: Mapping[str, str]) -> None:
        """Take the `text_digest` of texts held now from whoever read them (`digests`: the
        `content_hash` of each one's bytes, by path): not worked out again (~0.03 s at 5,000
        notes)."""
        for path, found in digests.items():
            held = held_text(self._texts, path)
            if held is not None:
                self._text_digests[path] = (held, found)

    def _parse_of(self, path: str, text: str | None) -> tuple[str | None, str | None]:
        """(text digest, parse digest) of note `path` whose text has digest `text`: the one
        known for that very text, else worked out now (~0.1 ms a note; None for an unreadable
        note)."""
        known = self._parses.get(path)
        if known is not None and known[0] == text and known[1] is not None:
            return known
        note = self._index.notes.get(path)
        return text, (parse_digest(note) if note is not None and text is not None else None)

    def _recorded_parses(self, record: NotesRecord | None) -> None:
        """Start from the parse digests of `record` (a note whose text is the one recorded
        parses the same, this code being the record's: `cache_key`)."""
        if record is not None:
            path_of = {_path_key(path): path for path in self._index.notes}
            self._parses = {path_of[key]: (text, parse) for key, text, parse
                            in zip(record.paths, record.texts, record.parses, strict=True)
                            if key in path_of}

    def _notes_digest(self) -> str | None:
        """A digest of every note as parsed now (`reach.parse_digest`, in the index's order;
        None when a note has none): the recorded parse digests (`_recorded_parses`) for the
        notes whose text is the one recorded, worked out for the others."""
        for path in self._index.notes:
            self._parses[path] = self._parse_of(path, self._text_digest(path))
        return self._parses_digest()

    def _parses_digest(self) -> str | None:
        """The digest of the parse digests known for every note (`_parses`), in the index's
        order (None when a note has none)."""
        found = [(path, self._parses[path][1]) for path in self._index.notes]
        return None if any(parse is None for _, parse in found) else digest(found)

    def _keeps_carried(self, run: _Run, file: Any) -> bool:
        """Whether this build keeps the page of generated `file` (its Markdown taken from the
        site cache's record) as the record's run left it: the page record's inputs are its
        inputs now, and its output file holds the bytes that run wrote (`_choose_pages` finds
        the same, and keeps it)."""
        record = self._restored.get(file.src_uri)
        if record is None or record.dest != file.dest_uri:
            return False
        inputs = self._page_inputs(file, run.files, self.plugin)
        return (inputs is not None and _recorded(inputs) == record.inputs
                and _output_unchanged(run, file.dest_uri, record))

    def _privacy_digest(self) -> str:
        """Which notes there are, by what names links reach them, and which are published:
        when any of it changed, every page's inputs are worked out again (a name gained or lost
        turns links elsewhere to another note, or to none)."""
        return digest(sorted((path, _privacy(note), note.name, tuple(note.aliases))
                             for path, note in self._index.notes.items()))

    def _dirty_since(self, record: NotesRecord | None, files: Any) -> set[str] | None:
        """The notes whose page inputs may differ from the ones `record`'s build worked out
        (None: every note's): the notes changed since (text, creation, deletion) and the
        notes they link to or that link to them, then and now, as `update` finds them after
        a save. Every note's when a note's privacy changed, the site's other files
        (attachments) did, or a note came, went or changed its names. Not on another day: no
        page shows the date (`today_css` does). (The dashboards and the notes showing one are
        worked out again unless the notes as parsed are the record's,
        `GeneratedPages.as_recorded`.)"""
        path_of = {_path_key(path): path for path in self._index.notes}
        if (record is None or record.files != _files_digest(files)
                or record.privacy != self._privacy_digest()):
            return None
        if set(record.paths) != set(path_of):  # (the names' digest says so already)
            return None
        before = dict(zip(record.paths, record.texts, strict=True))
        # (an unreadable note has no digest: always worked out again)
        changed = {path for key, path in path_of.items()
                   if before[key] is None or before[key] != self._text_digest(path)}
        # An edited note that parses as it did (prose added outside what the index keeps)
        # reaches no other page and no other note's blocks: the index holds the same values
        # for it (`_neighbours`).
        parsed = dict(zip(record.paths, record.parses, strict=True))
        same = set()
        for key, path in path_of.items():
            if path in changed:
                now = self._parses[path] = self._parse_of(path, self._text_digest(path))
                if now[1] is not None and now[1] == parsed[key]:
                    same.add(path)
        dirty = set(changed)
        moved = changed - same
        numbers = {n for n, key in enumerate(record.paths) if path_of[key] in moved}
        for number, targets in enumerate(record.targets):
            if number in numbers:
                dirty.update(path_of[record.paths[t]] for t in targets)
            elif numbers.intersection(targets):
                dirty.add(path_of[record.paths[number]])
        for path in moved:
            if path in self._index.notes:
                dirty |= self._neighbours(path)
        # What the edits reach through the notes' blocks, as `fill` finds it (the notes it
        # wrote again are among `changed`): the reach of a related block the site computes.
        self._reach = reach_of_edits(self._index, {
            path: {path_of[record.paths[t]] for t in record.targets[number]}
            for number, path in ((n, path_of[key]) for n, key in enumerate(record.paths))
            if path in changed and path not in same})
        self._touched = frozenset(path_of[record.paths[n]] for n in record.computed)
        return dirty

    def _configure(self) -> Any:
        """The configuration as the plugins left it (once: `serve` keeps one configuration)."""
        if not self._configured:
            config = self.config = self.config.plugins.on_config(self.config)
            config.plugins.on_pre_build(config=config)
            self._env = config.theme.get_env()
            if self._compiled is not None:
                self._compiled.install(self._env)
            self._configured = True
        return self.config

    def _gather_files(self, run: _Run) -> None:
        """The files, the plugin's view of the vault (handed the index this site keeps), and
        the notes whose page inputs are computed again."""
        config, plugin = run.config, self.plugin
        plugin.today = self._today  # the dashboards' date is this site's
        carried, self._carried = self._carried, None
        if run.restored is not None:
            self._recorded_parses(self._recorded_notes)
            notes = (self._notes_digest() if carried is not None
                     and self._recorded_notes is not None else None)
            if carried is not None and notes is not None:
                site_dir = run.site_dir
                plugin.remembered.generated.carry_over(
                    carried, notes, lambda file: self._keeps_carried(run, file),
                    lambda dest: bytes_if_digest(site_dir / dest, self._digests.get(dest)))
        plugin.preload(self._index, self._texts, self._followups.all())
        plugin.remembered.mentions.digest_with(self._digest_in)
        files = self._list_files(config)
        if self._theme_files is None:
            # The theme's files do not change while serving: listed once.
            self._theme_files = theme_files(self._env, config)
        for file in self._theme_files:
            if file.src_uri not in files.src_uris:  # a note's folder may override one
                files.append(file)
        run.files = config.plugins.on_files(files, config=config)
        set_exclusions(run.files, config)
        if isinstance(run.files, _ChosenFiles):
            run.files.included_again()
        view = plugin.view
        if run.restored is not None:
            self._dirty = self._dirty_since(self._recorded_notes, run.files)
            if self._dirty is not None:
                # Pages made from more than their neighbours, whatever the last build was:
                # notes that embed (their inputs are never kept across runs anyway); and the
                # ones whose blocks the site computes from many notes, when the edits since
                # reach them as they reach a block `fill` writes (`reach_of_edits`): a prep
                # brief (the company's people, the careers, the bank) and a related block
                # with something private in it (`touched_by_private`). (A prep brief is
                # not dated, nor is a related block.)
                self._dirty |= {n.path for n in view.index
                                if any(link.embed for link in n.links)}
                self._dirty |= {path for path in self._reach
                                if (note := view.index.notes.get(path)) is not None
                                and note.block(PREP) is not None}
                self._dirty |= view.touched_by_private & self._reach
        # Pages made from the whole vault, worked out again on every save: the follow-ups
        # dashboard note, the home note and the generated pages.
        boards = ({n.path for n in view.index if n.block(FOLLOWUPS) is not None}
                  | plugin.dashboard_notes)
        self._every_save = boards | {f.src_uri for f in run.files if f.generated_by == "vault"}
        self._digested.forget_others(self._every_save)
        if self._dirty is not None:
            # Those, and the notes whose related block the site computes from the index (it
            # mentions a private note) instead of reading it from the file, since the last
            # build or from now on. A note that stays computed changes with its neighbours,
            # like any other: the change's reach (`refresh`) covers its block, and a change of
            # privacy makes every page dirty.
            self._dirty |= view.touched_by_private ^ self._touched
            # (A run starting from a record made of the very notes as parsed, with the same
            # files and URLs, on any day: the dashboards show what they showed then, and a
            # board note's inputs are the recorded ones unless a change reaches it.)
            if run.restored is None or not plugin.remembered.generated.as_recorded:
                self._dirty |= boards
        self._touched = view.touched_by_private

    def _choose_pages(self, run: _Run) -> None:
        """Each page's inputs; a page whose inputs equal the last build's keeps its File."""
        chosen = []
        plugin = self.plugin
        notes, dirty, known, kept_pages = (plugin.view.index.notes, self._dirty, self._inputs,
                                           self._kept)
        for file in run.files:
            if file.is_documentation_page() and run.inclusion(file.inclusion):
                src = file.src_uri
                kept = kept_pages.get(src)
                # The page of a note no change reaches, kept with the very inputs it had (what
                # `_page_inputs` finds for it, without asking: ~20,000 a save).
                if (kept is not None and dirty is not None and src not in dirty
                        and file.generated_by is None and src in notes):
                    found = known.get(src)
                    if (found is not None and kept.inputs is found
                            and kept.file.dest_uri == file.dest_uri):
                        run.inputs[src] = found
                        chosen.append(kept.file)
                        continue
                found = self._page_inputs(file, run.files, plugin)
                if found is not None:
                    run.inputs[src] = found
                    if (kept is not None and kept.inputs == found
                            and kept.file.dest_uri == file.dest_uri):
                        file = kept.file
                    elif self._restored:
                        self._keep_recorded(run, file, found)
            chosen.append(file)
        run.files = _ChosenFiles(chosen)

    def _volatile(self) -> str:
        """The part of page inputs that is this process's own: the random part of the plugin's
        stand-ins (a dashboard's Markdown holds them), gone from every output it writes."""
        stand_ins = getattr(self.plugin.remembered, "stand_ins", None)
        return str(getattr(stand_ins, "_nonce", ""))

    def _keep_recorded(self, run: _Run, file: Any, inputs: tuple[Any, ...]) -> None:
        """Keep the page of `file` as an earlier run left it, if the site cache's record of it
        has these inputs and its output file still holds the bytes that run wrote."""
        record = self._restored.get(file.src_uri)
        if record is None or record.dest != file.dest_uri or _recorded(inputs) != record.inputs:
            return
        if not _output_unchanged(run, file.dest_uri, record):
            return
        kept = self._kept[file.src_uri] = _Kept(file, None, inputs, list(record.entries), record,
                                                record.warnings)
        if record.entries_json is not None:
            self._search_json.recorded(kept.entries, record.entries_json)

    def _navigation(self, run: _Run) -> None:
        config = run.config
        nav = get_navigation(run.files, config)
        run.nav = config.plugins.on_nav(nav, config=config, files=run.files)
        run.doc_files = run.files.documentation_pages(inclusion=run.inclusion)

    def _to_read(self, run: _Run) -> int:
        """How many pages `_read_pages` reads (the others are kept, until the navigation as
        shown turns out to have changed: `_read_kept_again`)."""
        kept = self._kept
        return sum(1 for file in run.doc_files
                   if (found := kept.get(file.src_uri)) is None or found.file is not file)

    def _read_pages(self, run: _Run) -> None:
        """Read (populate) the pages that are not kept; give a kept page's new Page what the
        last build read. Then the navigation as the theme shows it (`run.nav_shape`): its
        titles are the pages' as read (an H1 or a title changed in a note moves it)."""
        config, files = run.config, run.files
        built = get_build_date()  # (once: it reads the environment and the clock each time)
        renderer = PageRenderer(config)  # (one Markdown converter for every page)
        for file in run.doc_files:
            kept = self._kept.get(file.src_uri)
            if kept is not None and kept.file is file and kept.page is None:
                _give_recorded(file, config, kept, built)
                run.keep[file.src_uri] = kept
                # Said again: a clean build says it here, and --strict counts it.
                said.repeat(kept.warnings, READ)
            elif kept is not None and kept.file is file:
                if file.page is not kept.page:
                    # A page in the nav is made anew by every build: give it what the last
                    # build read and rendered, as populating it would.
                    for name in PAGE_STATE:
                        setattr(file.page, name, getattr(kept.page, name))
                    kept.page = file.page
                # (the sitemap's date of a page: this build's, as a new Page has)
                kept.page.update_date = built
                run.keep[file.src_uri] = kept
            else:
                self._not_carried(run, file)
                if file.page is None:
                    Page(None, file, config)
                with said.hearing(run, file.src_uri, READ), renderer.rendering(file.page):
                    populate_page(file.page, config, files)
                self._read_page(run, file.page)
        run.nav_shape = digest(_nav_shape(run.nav.items))

    def _read_kept_again(self, run: _Run) -> None:
        """None is kept when the navigation as shown changed: every page shows it. Read the
        pages that were to be kept, as the others were."""
        config, files = run.config, run.files
        renderer = PageRenderer(config)
        for src, kept in run.keep.items():
            self._not_carried(run, kept.file)
            with said.hearing(run, src, READ), renderer.rendering(kept.page):
                populate_page(kept.page, config, files)
            self._read_page(run, kept.page)
        run.keep = {}
        self._kept = {}

    def _read_page(self, run: _Run, page: Page) -> None:
        """`_read`, the page's content handed first to the process making the search parses
        (if any: `search_parse`)."""
        if self._search_parses is not None:
            self._search_parses.page(page.file.src_uri, page.content)
        _read(run, page)

    def _not_carried(self, run: _Run, file: Any) -> None:
        """Before `file`'s page is rendered: if its Markdown was taken from the site cache's
        record (`GeneratedPages.carried`, only for a page to be kept), it is made anew from
        its data, with its inputs: a page is never rendered from the record's Markdown."""
        generated = self.plugin.remembered.generated
        if file.src_uri in generated.carried:
            file.content_string = generated.made_anew(file.src_uri)
            inputs = self._page_inputs(file, run.files, self.plugin)
            if inputs is not None:
                run.inputs[file.src_uri] = inputs

    def _write(self, run: _Run) -> None:
        """Write the static files, the theme's templates and the pages not kept (kept ones are
        on disk already, and give back their search entries)."""
        env = run.config.plugins.on_env(self._env, config=run.config, files=run.files)
        self._write_static(run, env)
        with NAV_ONCE.rendering(env, run.nav):  # (the navigation made once per look of it)
            self._write_pages(run, env)

    def _write_static(self, run: _Run, env: Any) -> None:
        config, files, nav, full = run.config, run.files, run.nav, run.full
        run.written = {f.dest_uri for f in files
                       if not f.is_documentation_page() and run.inclusion(f.inclusion)
                       and (full or f.is_modified())}
        if run.restored is not None:
            # An earlier run copied these: a copy changed or gone since is copied again.
            site_dir = run.site_dir
            run.written |= {f.dest_uri for f in files
                            if not f.is_documentation_page() and run.inclusion(f.inclusion)
                            and self._copied.get(f.dest_uri)
                            != copy_stamp(site_dir / f.dest_uri, f.abs_src_path)}
            for f in files:
                if f.dest_uri in run.written and not f.is_documentation_page():
                    f.copy_file(dirty=False)
        else:
            # `files.copy_static_files(dirty=not full, inclusion=run.inclusion)`, but for a
            # generated file with the content it was last written with, on disk as it was left
            # then: not written again, nor read back (the feed is ~17 MB at 20,000 notes).
            site_dir = run.site_dir
            for f in files:
                if f.is_documentation_page() or not run.inclusion(f.inclusion):
                    continue
                if not full and self._unchanged_output(site_dir, f):
                    run.written.discard(f.dest_uri)
                    run.reused.add(f.dest_uri)
                    continue
                f.copy_file(not full)
                content = generated_content(f)
                if content is not None and not self._once:
                    self._generated[f.dest_uri] = (content, stamp(site_dir / f.dest_uri))
        shown = self._templates_shown(run)
        for template in config.theme.static_templates:
            made = {template, f"{template}.gz"}
            if not full and (
                    (self._templates.get(template) == shown
                     and os.path.isfile(os.path.join(config.site_dir, template)))
                    or (run.restored is not None and self._as_recorded(run, template, shown))):
                run.reused |= made  # (the bytes the last build wrote and the leak scan read)
                run.shown[template] = shown
                continue
            self._templates.pop(template, None)  # (until this build succeeds)
            build_theme_template(template, env, files, config, nav)
            run.written |= made
            run.shown[template] = shown
        for template in config.extra_templates:
            build_extra_template(template, files, config, nav)
            run.written.add(template)

    def _as_recorded(self, run: _Run, template: str, shown: Any) -> bool:
        """True when the site cache's record says its run rendered `template` showing what
        it shows now (`_templates_shown`) and its outputs (its gzip copy's too) hold the
        bytes that run left there."""
        if self._recorded_templates.get(template) != digest(shown):
            return False
        site_dir = run.site_dir
        return all(file_digest(site_dir / made) == self._digests.get(made)
                   for made in (template, f"{template}.gz"))

    def _unchanged_output(self, site_dir: Path, file: Any) -> bool:
        """True when `file` is generated with the very content this LiveSite last wrote it
        with, and its output file is untouched since (`stamp`)."""
        content = generated_content(file)
        known = self._generated.pop(file.dest_uri, None)
        if content is None or known is None:
            return False
        same = (known[0] is content or (type(known[0]) is type(content) and known[0] == content))
        if not same or known[1] is None or stamp(site_dir / file.dest_uri) != known[1]:
            return False
        self._generated[file.dest_uri] = known
        return True

    def _templates_shown(self, run: _Run) -> Any:
        """What the theme's own templates show besides the configuration (which a LiveSite
        keeps): the sitemap lists each page's address and date (and its gzip copy's time is
        the latest date), 404.html the navigation, as every page does (`_nav_shape`); the
        day, should a theme show it. Equal, they render the same bytes: a save that adds no
        page and changes no title in the navigation renders neither again (~0.5 s at 20,000
        notes for the sitemap alone)."""
        pages = tuple((f.url, f.page.is_link, f.page.canonical_url, f.page.abs_url,
                       f.page.update_date)
                      for f in run.files.documentation_pages() if f.page is not None)
        return (self._nav_shape, self._today(), run.config.site_url, pages)

    def _write_pages(self, run: _Run, env: Any) -> None:
        config, files, nav = run.config, run.files, run.nav
        search = _search_index(config)
        parses, self._search_parses = self._search_parses, None
        if parses is not None:
            parses.taken()  # (every page read: the parses made meanwhile)
            if search is not None:
                parses.install(search)
        # The index written from its pages' pieces (`search_json`): while serving, and by a
        # build that keeps pages from the site cache's record, which holds their pieces (a
        # build of every page writes it as Material does, one `json.dumps`).
        pieces = not self._once or run.restored is not None
        if search is not None:
            search.entries = []
            if pieces:
                self._search_json.install(search)  # (its JSON: each kept page's entries once)
        words = self.plugin.build.words if self.plugin.build is not None else None
        fields = search.config.setdefault("fields", {}) if search is not None else {}
        # The index's `names` and `facts` boosts as the configuration gives them (as a rule,
        # not at all): a build adds them when a page has words (`search_names`), and while
        # serving the index's configuration is carried from build to build. Without this, the
        # boosts stayed after the last contact with words was made private, which a clean
        # build does not write.
        ours = (search_names.FIELD, search_names.FACTS)
        if self._search_fields is None:
            self._search_fields = {name: fields[name] for name in ours if name in fields}
        for name in ours:
            if name in self._search_fields:
                fields[name] = self._search_fields[name]
            else:
                fields.pop(name, None)
        named = False  # (once a page with words gave the index its fields, all have)
        pages: list[list[dict[str, Any]]] = []  # each page's search entries
        for file in run.doc_files:
            if file.src_uri in run.keep:
                if run.keep[file.src_uri].record is not None:
                    said.repeat(run.keep[file.src_uri].warnings, WRITE)
                if search is not None:
                    search.entries.extend(run.keep[file.src_uri].entries)
                    pages.append(run.keep[file.src_uri].entries)
                    # The index's fields, as rendering the page would have set them.
                    found = (None if named or words is None
                             else words.get(search_names.location(file.url)))
                    if found is not None:
                        search_names.name_page([], fields, file.url, found)
                        named = True
                continue
            before = len(search.entries) if search is not None else 0
            held = run.content.pop(file.src_uri, None)
            if held is not None:
                file.page.content = decoded(held)
                if parses is not None:
                    parses.expect(file.page, file.page.content)
            with said.hearing(run, file.src_uri, WRITE):
                build_page(file.page, config, run.doc_files, nav, env,
                           excluded=file.inclusion.is_excluded())
            file.page.content = ""  # (written: see `_read`)
            run.rendered.append(file)
            run.written.add(file.dest_uri)
            entries = search.entries[before:] if search is not None else []
            pages.append(entries)
            if file.src_uri in run.inputs:
                run.keep[file.src_uri] = _Kept(file, file.page, run.inputs[file.src_uri], entries)
        if pieces:
            self._search_json.expect(pages)
        rendered = {file.src_uri for file in run.rendered}
        for file in run.doc_files:  # (in a clean build's order: every page, after all rendered)
            kept = run.keep.get(file.src_uri)
            if file.src_uri in rendered:
                with said.hearing(run, file.src_uri, ANCHORS):
                    file.page.validate_anchor_links(files=files,
                                                    log_level=config.validation.links.anchors)
            elif kept is not None and kept.record is not None:
                said.repeat(kept.warnings, ANCHORS)
        for src, kept in run.keep.items():
            if src in rendered:
                kept.warnings = run.said.get(src, {})

    def _post_build(self, run: _Run) -> None:
        """Away with the files a full build would not make any more (a page of a note that
        just became private must be gone before the leak scan), then the plugins' post-build:
        the search index and the leak scan (of the files written now)."""
        config, plugin = run.config, self.plugin
        site_dir = run.site_dir
        outputs = ({f.dest_uri for f in run.files if run.inclusion(f.inclusion)}
                   | run.written | run.reused)
        if not run.full:
            remove_outputs(site_dir, self._outputs - outputs - {SEARCH_INDEX})
        if run.restored is not None:
            # Whatever else is in the folder (put there since, or by another tool) a full
            # build would have cleaned away.
            # (the files the build made since are outputs)
            remove_outputs(site_dir, run.found - outputs - {SEARCH_INDEX})
            remove_empty_folders(site_dir, run.empty_folders)
        self._outputs = outputs
        # The search index is not read again: its new entries are the text of the pages just
        # written (which are read), the others were read when their pages were written. Nor
        # is a file written again with the same bytes (the sitemap, the feed, most times).
        pages = {file.dest_uri for file in run.rendered}
        same = {rel for rel in run.written - pages if self._same_as_before(site_dir, rel)}
        plugin.scan_only = None if run.full else run.written - same
        try:
            config.plugins.on_post_build(config=config)
        finally:
            plugin.scan_only = plugin.report_only = None


class _ChosenFiles(Files):
    """The build's files: MkDocs' `Files`, its documentation pages found once per inclusion
    until a file is added or removed (the plugin's files hook, the navigation, the templates
    and the sitemap ask for them eight times a build: ~0.03 s each at 5,000 notes), or a
    file's inclusion changes (`set_exclusions`, then `included_again`). Which files are
    documentation pages at all (by their names) is kept through an inclusion's change and
    the files added after (the generated pages): only a removal asks every file again."""

    def __init__(self, files: list[Any]) -> None:
        super().__init__(files)
        self._pages: dict[Any, list[Any]] = {}
        self._documentation: list[Any] | None = None  # every documentation page, in order

    def documentation_pages(self, *, inclusion: Callable[[Any], bool]
                            = InclusionLevel.is_included) -> list[Any]:
        found = self._pages.get(inclusion)
        if found is None:
            if self._documentation is None:
                self._documentation = [f for f in self if f.is_documentation_page()]
            found = self._pages[inclusion] = [f for f in self._documentation
                                              if inclusion(f.inclusion)]
        return list(found)

    def included_again(self) -> None:
        """Forget the pages found: their inclusion was worked out again."""
        self._pages.clear()

    def append(self, file: Any) -> None:
        self._pages.clear()
        if file.src_uri in self.src_uris:  # (a file replaced: its place changes)
            self._documentation = None
        elif self._documentation is not None and file.is_documentation_page():
            self._documentation.append(file)
        super().append(file)

    def remove(self, file: Any) -> None:
        self._pages.clear()
        self._documentation = None
        super().remove(file)


# Page inputs as a build keeps them (`LiveSite._by_digest`), and as the site cache records them.
_BY_DIGEST = "page inputs, by digest"


def _output_unchanged(run: _Run, dest: str, record: PageRecord) -> bool:
    """True when the output file `dest` holds the bytes the page record says it was left
    with: the same stamp, else the same digest (and the stamp is noted for the next run). The
    stamp is the one the build found as it began (`files_in`), where it found one."""
    # Stamped first: a file written after its stamp was taken has another one next time.
    found = run.stamps.get(dest) or stamp(run.site_dir / dest)
    if found is None:
        return False
    if found != record.stamp:
        if file_digest(run.site_dir / dest) != record.output:
            return False
        record.restamp(found)
    return True


def _recorded(inputs: tuple[Any, ...]) -> str | None:
    """The digest of inputs held by digest (None: inputs with no digest)."""
    if len(inputs) == 2 and inputs[0] is _BY_DIGEST:
        return str(inputs[1])
    return None


def _copied(file: Any) -> Any:
    """`copy.copy(file)` for MkDocs' `File` (its state is its `__dict__`), a third of the
    time: a save copies every file of the listing (20,000 at 20,000 notes)."""
    if type(file) is not File:  # (another plugin's kind of file: as it copies itself)
        return copy.copy(file)
    twin = object.__new__(File)
    twin.__dict__.update(file.__dict__)
    return twin


def _names(folder: str) -> list[tuple[str, list[str]]]:
    """The files in `folder` and its subfolders, by name, as `get_files` walks them (through
    symbolic links to folders too)."""
    return sorted((parent, sorted(names))
                  for parent, _dirs, names in os.walk(folder, followlinks=True))


def _path_key(path: str) -> str:
    """How the site cache names a note: a digest of its path (a private note's name is no
    word the cache may hold)."""
    return hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _files_digest(files: Any) -> str:
    """What the site's files other than pages are (attachments, the theme's, generated)."""
    return digest(sorted(f.src_uri for f in files if not f.is_documentation_page()))


def _privacy(note: Note | None) -> tuple[bool, bool]:
    """What decides whether a note is published: its `private`, and a front matter that did
    not parse (which may be private, so the site keeps it out)."""
    if note is None:
        return (False, False)
    return (note.private, any(d.code == "yaml-error" for d in note.diagnostics))


def _search_index(config: Any) -> Any:
    """Material's search index (a list of entries, page after page), or None without it."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(getattr(plugin, "search_index", None), "entries"):
            return plugin.search_index
    return None


def _nav_shape(items: Iterable[Any]) -> tuple[Any, ...]:
    """What the theme shows of the navigation: titles, addresses, nesting."""
    return tuple(
        (type(item).__name__, item.title, getattr(item, "url", None),
         _nav_shape(item.children or ()) if getattr(item, "children", None) else ())
        for item in items
    )


def _read(run: _Run, page: Page) -> None:
    """Let go of the Markdown of a page just read: once rendered, a page is written from its
    HTML (`content`, let go of once written), and other pages read only its title, front
    matter, table of contents and anchors, as they do of a page kept from the site cache
    (`_give_recorded`). `mkdocs build` holds both for every page until the build ends.

    Every page is read before any is written, so the HTML of all waits at once: it waits as
    UTF-8 in `run.content` (a string is 4 bytes a character with one emoji in it, as a Tasks
    date is), and is the page's `content` again just before the page is written."""
    page.markdown = ""
    if page.content is not None:
        run.content[page.file.src_uri] = encoded(page.content)
        page.content = None


def _give_recorded(file: Any, config: Any, kept: _Kept, built: str) -> None:
    """Make the Page of a file kept by the site cache as reading it would have: what other
    pages take from it (title, front-matter keys, anchors; the build's date, `built`); it is
    not rendered again."""
    record = kept.record
    assert record is not None
    page = file.page if file.page is not None else Page(None, file, config)
    page.markdown = ""  # (read: `Page.title` is None before)
    page.content = ""
    page.meta = dict(record.meta)
    page._title_from_render = record.title
    page.present_anchor_ids = set(record.anchors) if record.anchors is not None else None
    page.links_to_anchors = {}
    page.update_date = built
    kept.page = page


def _secrets_digest(scanned_for: Any) -> str | None:
    """The site cache's form of the secrets the site was found clean of (None: not scanned)."""
    if scanned_for is None or isinstance(scanned_for, str):
        return scanned_for
    try:
        return digest(scanned_for)
    except Unencodable:
        return None


def _plain_json(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
