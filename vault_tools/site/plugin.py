"""The `vault` MkDocs plugin: event hooks that map MkDocs' build onto the library.

Each hook is short and delegates: which files are published to `files`, a note's page to
`note_page` (links by `links`, blocks as HTML by `fast_html`), the generated pages to the
registry in `dashboards`, what MkDocs reads of a note to `page_source`, each page's policy to
`csp`, the final check to `leaks`; its options are declared in `plugin_config`, and
what it changes in MkDocs' configuration is `mkdocs_setup`'s. The plugin keeps two kinds of
state: what one build is made of (`_Build`, made anew by `on_files`) and what it remembers
between the rebuilds of `serve` (`_Remembered`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..export.ics import FeedSettings, FeedSettingsError, feed_settings
from ..followups import FollowUp
from ..index import VaultIndex
from ..notes import Note
from ..privacy import Secret, looks_private_front_matter, secrets
from ..settings import SettingsError, settings_from_options
from ..vault import Vault, lenient_note_text, load_index_and_texts, loop_message, scan_notes
from ..views.common import SiteView
from . import csp, dashboards, markdown_guard, mkdocs_setup, search_names
from .attachment_mentions import PrivateAttachmentMemos
from .embeds import EmbedRenderer
from .fast_html import StandIns
from .files import publish_files
from .known_secrets import KnownSecrets
from .leaks import (
    PageScan,
    ScanProcess,
    leak_report,
    scan_site,
    shared_templates,
    site_files,
    without_shown_comments,
)
from .links import PageLinks, log_link_problems, markdown_media
from .note_page import NotePages
from .page_source import note_source, safe_title
from .plugin_config import VaultPluginConfig
from .render.common import card_tables
from .site_cache import same_secrets
from .task_signs import label_signs

Preloaded = tuple[VaultIndex, MutableMapping[str, str], list[FollowUp] | None]


@dataclass
class _Build:
    """What one build is made of, from `on_files` to `on_post_build`."""

    view: SiteView
    texts: Mapping[str, str]
    pages: NotePages
    skip_scan: set[str]
    # What the search index gets of each contact's, company's and career's page, by URL.
    words: search_names.PageNames
    sources: dict[str, str] = field(default_factory=dict)  # what MkDocs read, by note
    scan: PageScan | None = None  # the leak scan of the pages written (made by the first)


class _Remembered:
    """What the plugin keeps from one build to the next (the rebuilds of `serve`): the
    stand-ins (unique to the plugin), the generated pages, the parses of blocks, the last
    build's secrets, the secrets the whole site was last found clean of, and the attachments
    each note's text was found to mention."""

    def __init__(self) -> None:
        self.stand_ins = StandIns()
        self.generated = dashboards.GeneratedPages(self.stand_ins)
        self.block_parses: dict[tuple[str, str | None], Note] = {}
        self.embeds_reached: dict[str, dict[str, bool]] = {}
        self.scanned_for: list[Any] | None = None
        self.secrets = KnownSecrets()
        self.file_kinds: dict[tuple[Any, ...], Any] = {}  # (`files.publish_files`)
        self.mentions = PrivateAttachmentMemos()  # (`files.private_attachments`)


class VaultPlugin(BasePlugin[VaultPluginConfig]):
    """Publishes a vault: resolved wikilinks, front-matter cards, privacy-filtered blocks,
    dashboards, the network graph and the follow-ups feed, and never a private note."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.build: _Build | None = None
        self.markdown = mkdocs_setup.MarkdownSettings()
        self.feed = FeedSettings()
        self.remembered = _Remembered()
        self._preloaded: Preloaded | None = None
        self.leak_error = ""  # the last build's leak report, for callers of the build
        self.today: Callable[[], dt.date] = dt.date.today  # the build's date (LiveSite's)
        # Set by an incremental rebuild: the only output files (relative to the site folder)
        # written this time, which are all the leak scan needs to read; and the notes whose
        # link problems are logged again (the others were logged when they last changed).
        self.scan_only: set[str] | None = None
        self.report_only: set[str] | None = None
        # The process the next build's page scan hands pages to (`leaks.PageScan`), if its
        # runner started one (`LiveSite`: `build`, and `serve`'s first build).
        self.scan_process: ScanProcess | None = None

    def preload(self, index: VaultIndex, texts: MutableMapping[str, str],
                followups: list[FollowUp] | None = None) -> None:
        """Hand the next build an index and texts that are up to date (the caller has just
        loaded them), and the index's open follow-ups when they are at hand: it uses them
        instead of reading every note again."""
        self._preloaded = (index, texts, followups)

    @property
    def view(self) -> SiteView | None:
        return self.build.view if self.build is not None else None

    @property
    def dashboard_notes(self) -> set[str]:
        """The pages of this build that show a dashboard made from the whole vault: the
        follow-ups dashboard's page and the home note's (if the vault has one)."""
        if self.build is None:
            return set()
        home = self.build.pages.home
        return {self.build.pages.board_page, *([home.src] if home is not None else [])}

    # --- configuration and files ----------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # MkDocs walks the notes folder next, following every folder symlink: a loop would
        # have it walk (and copy) the same notes ever deeper, so refuse while one is there.
        loops = scan_notes(Path(config.docs_dir)).loops
        if loops:
            raise PluginError(loop_message(loops[0]))
        self.markdown = mkdocs_setup.adjust(config)
        try:
            self.feed = feed_settings(self.config)
            settings_from_options(self.config)  # refused here, before a note is read
        except (FeedSettingsError, SettingsError) as exc:
            raise PluginError(f"{config.config_file_path}: the vault plugin's {exc}") from None
        # The leak scan must be the last post-build handler of all: MkDocs runs those of one
        # priority in the order they were registered (the plugins as listed, then the hooks),
        # so one at -inf listed after `vault` ran after the scan, and what it wrote was
        # published unread. Every plugin and hook is registered as the configuration is
        # loaded, before this event: moved to the end now, the scan runs after them all, and
        # `on_post_build` fails a build whose handlers changed since. (Rather than scanning
        # again at shutdown, which only `mkdocs build` runs and which can no longer fail the
        # build; or listing the whole site again afterwards to find what changed.)
        _run_last(config.plugins.events["post_build"], self.on_post_build)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        vault = self._vault(config)
        loaded, self._preloaded = self._preloaded, None
        index, texts, followups = loaded or (*load_index_and_texts(vault), None)
        suspicious = [
            path for path, note in index.notes.items()
            if any(d.code == "yaml-error" for d in note.diagnostics)
            and looks_private_front_matter(texts.get(path, ""))
        ]
        view = SiteView(index, self.config.publish_fields, suspicious, followups,
                        previous=self.build.view if self.build is not None else None)
        # The attachments MkDocs found, before private ones are taken out below: a link to an
        # attachment that exists is not "missing", whether or not it is published.
        attachments = frozenset(file.src_uri for file in files
                                if not file.is_documentation_page())
        index.set_attachments(attachments)
        log_link_problems(view, self.report_only, attachments)
        private_files, skip_scan = publish_files(
            files, config, view, texts, self.remembered.file_kinds, self.remembered.mentions,
            lambda path: lenient_note_text(vault, path))
        self.build = self._add_pages(files, config, view, texts, private_files, skip_scan)
        return files

    def _vault(self, config: MkDocsConfig) -> Vault:
        config_file = Path(config.config_file_path) if config.config_file_path else None
        root = config_file.parent if config_file else Path(config.docs_dir).parent
        return Vault(root=root, notes_dir=Path(config.docs_dir), config_file=config_file,
                     options=dict(self.config))

    def _add_pages(self, files: Files, config: MkDocsConfig, view: SiteView,
                   texts: Mapping[str, str], private_files: set[str],
                   skip_scan: set[str]) -> _Build:
        """The build's state, once the generated pages are added to `files`. Every page's URL
        is known before any is written, so links are resolved as pages are rendered."""
        board_note = dashboards.followups_note(files, self.config.followups_note)
        home_note = dashboards.home_note(files)  # (before the generated home joins them)
        extra = self.remembered.generated.subpages(view)
        listed, wanted = dashboards.plan(files, board_note, extra)
        taken = {f.src_uri for f in files}
        generated = {src: File.generated(config, src, content="") for src in wanted}
        urls = {f.src_uri: f.url for f in files.documentation_pages()}
        urls.update({src: file.url for src, file in generated.items()})
        md = self.markdown
        links = PageLinks(view, urls, md.slugify, md.separator, private_files)
        board = dashboards.FollowupsBoard(view, links, None, self.today())
        site = dashboards.site_of(view, links, board, listed, extra)
        self.remembered.generated.add(files, config, site, generated, md.plain, self.feed)
        # The day's stylesheet is made from the day alone (`today_css`): no note's word is in
        # it, and its dates would read as the names of private daily notes.
        skip_scan.add(dashboards.TODAY_CSS)
        if md.set_nav:
            config.nav = dashboards.nav(listed, taken | set(generated))
        renderer = EmbedRenderer(config.markdown_extensions, config.mdx_configs, files)
        pages = NotePages(view, texts, links, board, board_note or dashboards.FOLLOWUPS_PAGE,
                          self.remembered.stand_ins, self.remembered.block_parses, renderer,
                          self.remembered.embeds_reached,
                          dashboards.HomeNote(home_note, site) if home_note else None)
        return _Build(view, texts, pages, skip_scan, search_names.PageNames(view, urls))

    # --- pages ----------------------------------------------------------------------------------

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """Serve the text the index was built from (read once), with its front matter taken out
        whatever it holds, so that none ever reaches the page as text (MkDocs prints a front
        matter it cannot load, an impossible date or a bad tag, as the page's first paragraph).
        In its place MkDocs gets the few keys a page takes from it, vetted (`page_meta`)."""
        build = self.build
        text = build.texts.get(page.file.src_uri) if build is not None else None
        if text is None or build is None or page.file.src_uri in build.view.hidden:
            # (A private note's path may hold a generated page: the home of a vault whose
            # index.md is private. The page is the generated one, never the note.)
            return None
        for_mkdocs, source = note_source(text, build.view.index.get(page.file.src_uri))
        build.sources[page.file.src_uri] = source
        return for_mkdocs

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        build = self.build
        note = _published_note(build, page)
        if note is None or build is None:
            return markdown
        source = build.sources.pop(note.path, None)
        line = markdown_guard.first_line(source, markdown)
        markdown = build.pages.markdown(note, markdown, source, page.file.url, files)
        return markdown_guard.guard_page(note.path, markdown, line)  # linear render (§9)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        html = self.remembered.stand_ins.fill_content(page.file.src_uri, markdown_media(html))
        html = label_signs(html)  # before search reads the page: it indexes "due 2026-12-05"
        build = self.build
        note = _published_note(build, page)
        if note is None or build is None:
            return card_tables(html)  # a dashboard: its tables are cards on a phone
        if "title" not in page.meta:
            page.meta["title"] = safe_title(page)
        card = build.pages.card(note, page.file.url)
        if not card:
            return html
        end = html.find("</h1>")
        if end < 0:
            return card + "\n" + html
        end += len("</h1>")
        return html[:end] + "\n" + card + html[end:]

    @event_priority(-50)  # after the search plugin has indexed the page
    def on_page_context(self, context: Any, page: Page, config: MkDocsConfig,
                        nav: Any) -> Any:
        index = search_names.search_index(config.plugins)
        if index is not None and self.build is not None:
            words = self.build.words.get(search_names.location(page.url))
            search_names.name_page(index.entries, index.config.setdefault("fields", {}),
                                   page.url, words)
        return context

    def _finish_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        theme = csp.theme_html(output, page.content)  # before the blocks go in
        return csp.secure(self.remembered.stand_ins.fill_output(page.file.src_uri, output), theme)

    @event_priority(-100)  # after every plugin's changes: what MkDocs writes
    def _scan_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Scan the page for leaks now, while its HTML is at hand: the scan of the site after
        the build reads again only what was not scanned here (`leaks.PageScan`)."""
        build = self.build
        if build is not None and self.config.leak_scan:
            if build.scan is None:
                found = self._secrets(build, config)
                build.scan = PageScan(found, self.remembered.secrets.scanner(found),
                                      aside=self.scan_process)
                self.scan_process = None
            build.scan.page(page.file.dest_uri, output)
        return output

    on_post_page = CombinedEvent(_finish_page, _scan_page)

    def stop_page_scan(self) -> None:
        """Stop the page scan's second process (`PageScan.discard`) of a build that ended
        before its post-build scan took what it found (a build that failed), or that no
        page scan took."""
        process, self.scan_process = self.scan_process, None
        if process is not None:
            process.kill()
        if self.build is not None and self.build.scan is not None:
            self.build.scan.discard()

    def on_post_template(self, output_content: str, template_name: str,
                         config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output_content
        return csp.secure(output_content, output_content)

    # After every other plugin has written its files (the search index, Material's offline
    # search_index.js, a hook's): -100 ran before a plugin or hook of -100 listed after this
    # one, or of less, and what they wrote was published unscanned. (After those of -inf
    # too: `on_config` moves it last.)
    @event_priority(float("-inf"))
    def on_post_build(self, config: MkDocsConfig) -> None:
        self.leak_error = ""
        build = self.build
        if build is None or not self.config.leak_scan:
            return
        site_dir = Path(config.site_dir)
        found = build.scan.secrets if build.scan is not None else self._secrets(build, config)
        # Only the files just written need reading, unless what counts as private changed:
        # then a page kept from before may hold a value that has just become a secret.
        only = self.scan_only if same_secrets(self.remembered.scanned_for, found) else None
        self.remembered.scanned_for = None
        files = site_files(site_dir, build.skip_scan, only)
        # (The files that are not pages scanned as made are scanned there too, sharing them
        # with the page scan's second process.)
        known = build.scan.unchanged(site_dir, files) if build.scan is not None else None
        scanner = (build.scan.scanner if build.scan is not None
                   else self.remembered.secrets.scanner(found))
        leaks = without_shown_comments(
            scan_site(site_dir, found, known=known, scanner=scanner, listed=files),
            build.view, build.texts)
        if leaks:
            self.leak_error = leak_report(site_dir, leaks)
            raise PluginError(self.leak_error)
        later = _after(config.plugins.events["post_build"], self.on_post_build)
        if later:  # (see on_config)
            raise PluginError(
                f"vault: {', '.join(later)} would run after the leak scan (it was added to "
                "MkDocs' post-build event after the configuration was loaded), and what it "
                "writes would be published unread; the build stops here")
        self.remembered.scanned_for = found

    def _secrets(self, build: _Build, config: MkDocsConfig) -> list[Secret]:
        """What the leak scan looks for in this build's site."""
        shared = shared_templates(self._vault(config).notes_dir)

        def compute() -> list[Secret]:
            found = secrets(build.view, build.texts, shared)
            # The site's own words are no secret: the starter's Follow-ups note made private
            # must not fail every page for the nav entry the site writes itself.
            return [s for s in found if not (s.kind in ("name", "field title")
                                             and s.value.lower() in dashboards.OWN_WORDS)]

        # (the last build's, when nothing they are made from changed: `known_secrets`)
        return self.remembered.secrets.secrets(build.view, build.texts, shared, compute)

    # --- what a page depends on (for the rebuilds of `serve`) -------------------------------------

    def page_inputs(self, note: Note, files: Files) -> tuple[Any, ...]:
        """Everything the page of `note` is made from (`NotePages.inputs`): two builds that
        give a note equal inputs render its page byte for byte the same."""
        assert self.build is not None
        return self.build.pages.inputs(note, files)

    def generated_page_inputs(self, src: str, markdown: str) -> tuple[Any, ...]:
        """What a generated page (a dashboard) is made from: its Markdown and the HTML its
        stand-ins are replaced with."""
        return self.remembered.generated.inputs(src, markdown)


def _run_last(handlers: list[Callable[..., Any]], handler: Callable[..., Any]) -> None:
    """Move `handler` to the end of `handlers` (one event's, which MkDocs runs in order)."""
    if handler in handlers:  # (a bound method: equal to the one registered)
        handlers.remove(handler)
    handlers.append(handler)


def _after(handlers: list[Callable[..., Any]], handler: Callable[..., Any]) -> list[str]:
    """The names of the handlers after `handler` in `handlers` (none if it is not there)."""
    later = handlers[handlers.index(handler) + 1:] if handler in handlers else []
    return [f"{getattr(h, '__qualname__', repr(h))} ({getattr(h, '__module__', '?')})"
            for h in later]


def _published_note(build: _Build | None, page: Page) -> Note | None:
    """The published note whose page `page` is (None: a generated page, even at the path of
    a private note)."""
    if build is None or page.file.src_uri in build.view.hidden:
        return None
    return build.view.index.get(page.file.src_uri)
