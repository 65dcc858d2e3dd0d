"""The `vault` MkDocs plugin: event hooks that map MkDocs' build onto the library.

Each hook is short: the data comes from `vault_tools.views`, the Markdown and HTML from
`vault_tools.site.render`, the link and block rewriting from `vault_tools.site.rewrite`, and the
final check from `vault_tools.site.leaks`. MkDocs 1.6 is the last of its line, so nothing of the
vault's logic lives here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import posixpath
import re
from collections.abc import Callable
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path
from secrets import token_hex
from typing import Any
from urllib.parse import unquote

import pathspec
import yaml
from markdown.extensions.toc import slugify as toc_slugify
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import YAML_RE

from ..blocks import FOLLOWUPS, RELATED, link_to, render_related
from ..calendar_feed import FeedEvent, feed_events, render_feed
from ..followups import FollowUp, Timed
from ..index import VaultIndex
from ..notes import Block, Link, Note
from ..parse import parse_note
from ..privacy import strip_comments_from_text
from ..report import Placeholders, company_placeholders
from ..scaffold import template_dir
from ..vault import (
    Vault,
    inside_notes,
    is_note_path,
    load_index_and_texts,
    loop_message,
    scan_notes,
)
from ..views import (
    PRIVATE_TEXT,
    Ref,
    Secret,
    SiteView,
    card_rows,
    career_rows,
    company_rows,
    dashboard_items,
    graph_json,
    looks_private_front_matter,
    network_graph,
    people_rows,
    secrets,
    timeline_rows,
    title_pieces,
)
from . import markdown_guard, render
from .leaks import LeakScanner, scan_site
from .rewrite import rewrite_markdown

log = logging.getLogger("mkdocs.plugins.vault")

ASSETS = Path(__file__).parent / "assets"
ASSET_DIR = "assets/vault"
STATIC_ASSETS = ("vault.css", "vault.js", "followups.js", "network.js",
                 "vendor/cytoscape.min.js", "vendor/cytoscape.LICENSE")
ROBOTS = '<meta name="robots" content="noindex, nofollow">'

# (nav title, generated page). Pages a note already occupies are not generated, and neither is
# the follow-ups page when the vault has its follow-ups note (`followups_note`): that note's
# page is the follow-ups dashboard, so the site has one "Follow-ups".
FOLLOWUPS_PAGE = "followups/index.md"
DASHBOARDS = (
    ("Follow-ups", "followups/index.md"),
    ("People", "people/index.md"),
    ("Timeline", "timeline/index.md"),
    ("Companies", "companies/index.md"),
    ("Careers", "careers/index.md"),
    ("Network", "network/index.md"),
    ("All notes", "all-notes/index.md"),
)
# The Markdown extensions under which a dashboard's lists and tables may be written as HTML
# straight away (render.html_list_item): MkDocs' defaults and the task lists this plugin adds.
# Anything else might render the same text differently, so it gets the Markdown pass.
PLAIN_MARKDOWN = frozenset({"toc", "tables", "fenced_code", "pymdownx.tasklist"})
NETWORK_DATA = "network/data.js"
FEED = "followups.ics"


# An index the caller has just loaded (`vault-tools build` fills first, from the same index):
# the next build of that notes folder uses it instead of reading every note again.
_PRELOADED: dict[Path, tuple[VaultIndex, dict[str, str], list[FollowUp] | None]] = {}


def preload(notes_dir: Path, index: VaultIndex, texts: dict[str, str],
            followups: list[FollowUp] | None = None) -> None:
    """Hand the next build of `notes_dir` an index and texts that are up to date, and the
    index's open follow-ups when they are at hand."""
    _PRELOADED[notes_dir.resolve()] = (index, texts, followups)


class VaultPluginConfig(Config):
    publish_fields = c.ListOfItems(c.Type(str), default=[])
    followups_note = c.Type(str, default="Follow-ups.md")
    # §5: blocks `fill` writes into public notes list a private note as "a private note".
    hide_private_in_files = c.Type(bool, default=False)
    leak_scan = c.Type(bool, default=True)
    # Host names `vault-tools serve` answers to besides its address and localhost (§7).
    allowed_hosts = c.ListOfItems(c.Type(str), default=[])


class VaultPlugin(BasePlugin[VaultPluginConfig]):
    """Publishes a vault: resolved wikilinks, front-matter cards, privacy-filtered blocks,
    dashboards, the network graph and the follow-ups feed, and never a private note."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.view: SiteView | None = None
        self.texts: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.skip_scan: set[str] = set()
        self.slugify: Callable[[str, str], str] = toc_slugify
        self.separator = "-"
        self.set_nav = False
        self.urls: dict[str, str] = {}
        self.leak_error = ""  # the last build's leak report, for callers of the build
        # Generated blocks rendered to HTML, waiting for their page: {note: {slot: html}}.
        self._slots: dict[str, dict[str, str]] = {}
        self._nonce = token_hex(6)
        self._slot_ids = itertools.count()
        self._block_parses: dict[tuple[str, str], Note] = {}
        # Set by an incremental rebuild: the only output files (relative to the site folder)
        # written this time, which are all the leak scan needs to read.
        self.scan_only: set[str] | None = None
        self._scanned_for: list[Any] | None = None  # the secrets the whole site was clean of
        # Set by an incremental rebuild: the notes whose link problems are logged again (the
        # others were logged when they last changed).
        self.report_only: set[str] | None = None
        self._feed: tuple[list[FeedEvent] | None, bytes] = (None, b"")
        # generated page -> (its data, its Markdown, its HTML stand-ins, Markdown skipped)
        self._pages: dict[str, tuple[Any, str, dict[str, str], bool]] = {}
        # Dashboard lists and tables written as HTML, waiting for their page:
        # {page: {stand-in paragraph: html}}.
        self._lists: dict[str, dict[str, str]] = {}
        # What a link becomes on the page being built: a related block names the same notes
        # again and again (half the links of a page are repeats).
        self._link_memo: dict[tuple[Any, ...], str | None] = {}
        self._plain_markdown = False
        self._private_files: set[str] = set()  # attachments kept off the site, by file name
        # The follow-ups dashboard of this build: its items and the day it was built, and the
        # page that shows it (the follow-ups note's, or the generated one).
        self._dashboard: tuple[list[Timed], dt.date] = ([], dt.date.min)
        self.dashboard_src: str | None = None

    # --- configuration and files ----------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # MkDocs walks the notes folder next, following every folder symlink: a loop would
        # have it walk (and copy) the same notes ever deeper, so refuse while one is there.
        loops = scan_notes(Path(config.docs_dir)).loops
        if loops:
            raise PluginError(loop_message(loops[0]))
        toc = config.mdx_configs.get("toc", {})
        self.slugify = toc.get("slugify") or toc_slugify
        self.separator = toc.get("separator", "-")
        self.set_nav = config.nav is None
        if config.not_in_nav is None:
            # Notes are reached through dashboards and links, not the nav: say so, or MkDocs
            # lists every note as "not included in the nav".
            config.not_in_nav = pathspec.gitignore.GitIgnoreSpec.from_lines(["*"])
        if not any(_extension_name(e) == "pymdownx.tasklist" for e in config.markdown_extensions):
            # Tasks are follow-ups (§10): show them as checkboxes, not as "[ ]" text.
            config.markdown_extensions.append("pymdownx.tasklist")
            config.mdx_configs.setdefault("pymdownx.tasklist", {"custom_checkbox": True})
        if config.theme.name == "material":
            # Material fetches its fonts from Google by default: a private site makes no
            # requests to anyone, and must work offline. System fonts it is.
            config.theme["font"] = False
        self._plain_markdown = all(_extension_name(e) in PLAIN_MARKDOWN
                                   for e in config.markdown_extensions)
        config.extra_css.append(f"{ASSET_DIR}/vault.css")
        config.extra_javascript.append(f"{ASSET_DIR}/vault.js")
        config.extra_javascript.append(f"{ASSET_DIR}/followups.js")
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        vault = self._vault(config)
        loaded = _PRELOADED.pop(vault.notes_dir.resolve(), None)
        index, texts, followups = loaded or (*load_index_and_texts(vault), None)
        suspicious = [
            path for path, note in index.notes.items()
            if any(d.code == "yaml-error" for d in note.diagnostics)
            and looks_private_front_matter(texts.get(path, ""))
        ]
        view = SiteView(index, self.config.publish_fields, suspicious, followups)
        self.view, self.texts = view, texts
        # The attachments MkDocs found, before private ones are taken out below: a link to an
        # attachment that exists is not "missing", whether or not it is published.
        index.set_attachments([file.src_uri for file in files
                               if not file.is_documentation_page()])
        self._log_link_problems(view)

        # By the path MkDocs found the file at: a file in the notes folder is the vault's, but
        # one whose real path leads out of it (through a symlink) is never published.
        docs = os.path.join(os.path.normpath(config.docs_dir), "")

        def in_docs(file: File) -> bool:
            return bool(file.abs_src_path) and os.path.normpath(
                file.abs_src_path).startswith(docs)

        private_files = _private_attachments(
            [f.src_uri for f in files if not f.is_documentation_page() and in_docs(f)],
            view, texts)
        self._private_files = {posixpath.basename(uri).lower() for uri in private_files}
        folders_inside: dict[str, bool] = {}
        for file in list(files):
            from_docs = in_docs(file)
            if from_docs and _leaves_vault(str(file.abs_src_path), config.docs_dir,
                                           folders_inside):
                files.remove(file)  # never published: reported once, by _log_link_problems
            elif file.is_documentation_page() and from_docs:
                # Private notes, and files the index skips (sync-conflict copies, unreadable
                # notes), which may hold private text the index cannot vouch for.
                note = view.index.get(file.src_uri)
                if (not is_note_path(file.src_uri) or note is None or note.unreadable
                        or file.src_uri in view.hidden):
                    files.remove(file)
            elif from_docs and file.src_uri in private_files:
                files.remove(file)
            elif file.abs_src_path and not from_docs:
                self.skip_scan.add(file.dest_uri)  # the theme's own static files
        for name in STATIC_ASSETS:
            asset = File.generated(config, f"{ASSET_DIR}/{name}", abs_src_path=str(ASSETS / name))
            files.append(asset)
            self.skip_scan.add(asset.dest_uri)
        self._add_pages(files, config, view)
        return files

    def _vault(self, config: MkDocsConfig) -> Vault:
        config_file = Path(config.config_file_path) if config.config_file_path else None
        root = config_file.parent if config_file else Path(config.docs_dir).parent
        return Vault(root=root, notes_dir=Path(config.docs_dir), config_file=config_file,
                     options=dict(self.config))

    def _log_link_problems(self, view: SiteView) -> None:
        # Companies named in `company` fields with no note (an import makes hundreds): said
        # once, with how to create them, not once per contact.
        diagnostics = view.index.diagnostics(self.report_only)
        placeholders = company_placeholders(view.index, diagnostics, view.hidden)
        if self.report_only is not None:
            placeholders = Placeholders(
                placeholders.names, frozenset(where for where in placeholders.links
                                              if where[0] in self.report_only))
        if placeholders.links:
            log.warning(f"vault: {placeholders.summary()}")
        for diag in diagnostics:
            if diag.path in view.hidden or placeholders.covers(diag):
                continue
            where = f"{diag.path}:{diag.line}" if diag.line else diag.path
            if diag.code in ("broken-link", "ambiguous-link", "yaml-error", "not-utf8",
                             "outside-vault", "too-large", "missing-heading",
                             "missing-attachment"):
                log.warning(f"{where}: {diag.message}")
            else:
                log.info(f"{where}: {diag.message}")

    def _add_pages(self, files: Files, config: MkDocsConfig, view: SiteView) -> None:
        today = dt.date.today()
        self._dashboard = (dashboard_items(view), today)
        taken = {f.src_uri for f in files}
        wanted_note = self.config.followups_note.strip("/").lower()
        note = next((f.src_uri for f in files.documentation_pages()
                     if f.src_uri.lower() == wanted_note), None)
        self.dashboard_src = note or FOLLOWUPS_PAGE
        dashboards = tuple((title, note if note and src == FOLLOWUPS_PAGE else src)
                           for title, src in DASHBOARDS)
        wanted = [src for _, src in dashboards if src not in taken]
        for src in sorted(taken & {src for _, src in DASHBOARDS}):
            log.info(f"{src} is one of your notes, so its generated page is not made")
        if "index.md" not in taken and "README.md" not in taken:
            wanted.append("index.md")
        # Every page's URL is known before any is written, so links are resolved right here.
        self.urls = {f.src_uri: f.url for f in files.documentation_pages()}
        generated = {src: File.generated(config, src, content="") for src in wanted}
        self.urls.update({src: file.url for src, file in generated.items()})

        def linker(src: str) -> render.Linker:
            return render.Linker(self.urls[src], self.urls, self._anchor)

        self._lists.clear()  # a build that failed half-way may have left some

        def raw_html(src: str) -> Callable[[str], str] | None:
            """Where a dashboard's long lists and tables may skip the Markdown pass (thousands
            of links cost Python-Markdown seconds): the renderer writes them as the very HTML
            Markdown would make of them, and on_page_content puts it in, before search reads
            the page."""
            if not self._plain_markdown:
                return None

            def stand_in(html: str) -> str:
                waiting = self._lists.setdefault(src, {})
                token = f"vault-list-{self._nonce}-{len(waiting)}"
                waiting[f"<p>{token}</p>"] = html
                return token

            return stand_in

        nodes, edges = network_graph(view)
        scripts = ("../" + ASSET_DIR + "/vendor/cytoscape.min.js", "data.js",
                   "../" + ASSET_DIR + "/network.js")

        def followups() -> str:
            return self._dashboard_html(linker(FOLLOWUPS_PAGE))

        # Each page: (what it shows, as plain data; how that becomes Markdown, given a linker
        # and `raw_html`). A page whose data equals the last build's is not rendered again
        # (while serving, most saves), and gets the HTML stand-ins it had.
        Render = Callable[[Any, render.Linker, Callable[[str], str] | None], str]
        pages: dict[str, tuple[Callable[[], Any], Render]] = {
            FOLLOWUPS_PAGE: (followups, lambda html, _, raw: render.followups_page(html, raw)),
            "people/index.md": (lambda: people_rows(view), render.people_page),
            "timeline/index.md": (lambda: timeline_rows(view), render.timeline_page),
            "companies/index.md": (lambda: company_rows(view), render.companies_page),
            "careers/index.md": (lambda: career_rows(view), render.careers_page),
            "network/index.md": (lambda: (len(nodes), len(edges)),
                                 lambda counts, _, __: render.network_page(scripts, counts)),
            "all-notes/index.md": (lambda: _by_folder(view), render.all_notes_page),
            "index.md": (lambda: dashboards,
                         lambda data, linker, _: render.home_page(data, linker)),
        }
        for src, file in generated.items():
            shows, markdown = pages[src]
            data = shows()
            known = self._pages.get(src)
            if known is None or known[0] != data or known[3] != self._plain_markdown:
                text = markdown(data, linker(src), raw_html(src))
                known = (data, text, dict(self._lists.get(src, {})), self._plain_markdown)
                self._pages[src] = known
            elif known[2]:
                self._lists[src] = dict(known[2])
            file.content_string = known[1]
            files.append(file)

        network_url = self.urls.get("network/index.md", "network/")
        page_urls = {node.id: render.relative_url(self.urls[node.id], network_url)
                     for node in nodes if node.id in self.urls}
        data = json.dumps(graph_json(nodes, edges, page_urls), ensure_ascii=False)
        files.append(File.generated(config, NETWORK_DATA,
                                    content=f"window.vaultNetwork = {_script_safe(data)};\n"))
        events = feed_events(view.index, followups=view.all_followups)
        if events != self._feed[0]:
            # A rebuild whose events did not change (most saves while serving) reuses the bytes.
            self._feed = (events, render_feed(events))
        files.append(File.generated(config, FEED, content=self._feed[1]))

        if self.set_nav:
            present = taken | set(generated)
            nav: list[Any] = [{"Home": "index.md"}] if "index.md" in present else []
            nav += [{title: src} for title, src in dashboards if src in present]
            config.nav = nav

    # --- pages ----------------------------------------------------------------------------------

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """Serve the text the index was built from (read once), with its front matter taken out
        whatever it holds, so that none ever reaches the page as text (MkDocs prints a front
        matter it cannot load, an impossible date or a bad tag, as the page's first paragraph).
        In its place MkDocs gets the few keys a page takes from it, vetted (`page_meta`)."""
        text = self.texts.get(page.file.src_uri)
        if text is None or self.view is None:
            return None
        note = self.view.index.get(page.file.src_uri)
        for_mkdocs, source = page_source(text, note.meta if note is not None else {})
        if "%%" in source:
            # Obsidian comments are never published (§4): blanked in place (lines and columns
            # kept, so the parser's link positions still fit) in the body MkDocs renders.
            blanked = strip_comments_from_text(source)
            for_mkdocs = for_mkdocs[:len(for_mkdocs) - len(source)] + blanked
            source = blanked
        self.sources[page.file.src_uri] = source
        return for_mkdocs

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        view = self.view
        note = view.index.get(page.file.src_uri) if view is not None else None
        if note is None:
            return markdown
        linker = render.Linker(page.file.url, self.urls, self._anchor)
        self._link_memo.clear()
        source = self.sources.pop(note.path, None)
        line = markdown_guard.first_line(source, markdown)
        markdown = rewrite_markdown(
            note, markdown, source,
            lambda link: self._link_text(note, link, linker, files),
            lambda block: self._block_text(note, block, linker, files),
        )
        markdown = markdown_guard.guard_page(note.path, markdown, line)  # linear render (§9)
        if note.path == self.dashboard_src and note.block(FOLLOWUPS) is None:
            # The follow-ups note is the dashboard even before `fill` gave it its block.
            markdown = markdown.rstrip("\n") + "\n\n" + self._slot(
                note.path, self._dashboard_html(linker))
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        for stand_in, items in self._lists.pop(page.file.src_uri, {}).items():
            html = html.replace(stand_in, items, 1)
        view = self.view
        note = view.index.get(page.file.src_uri) if view is not None else None
        if note is None or view is None:
            return html
        if "title" not in page.meta:
            page.meta["title"] = _safe_title(page)
        card = render.card_html(card_rows(view, note), note.type,
                                render.Linker(page.file.url, self.urls, self._anchor))
        if not card:
            return html
        end = html.find("</h1>")
        if end < 0:
            return card + "\n" + html
        end += len("</h1>")
        return html[:end] + "\n" + card + html[end:]

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        # The theme's own inline scripts are those outside the page's content (taken before the
        # blocks go in). A <script> in a note's body is never among them, even should another
        # plugin have changed the content so that it is not found as written: by their text.
        theme = output.replace(page.content, "", 1) if page.content else output
        theme = _without_scripts_of(theme, page.content or "")
        for slot, html in self._slots.pop(page.file.src_uri, {}).items():
            output = output.replace(slot, html, 1)
        return _add_csp(_add_robots(output), theme)

    def on_post_template(self, output_content: str, template_name: str,
                         config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output_content
        return _add_csp(_add_robots(output_content), output_content)

    @event_priority(-100)  # after every other plugin has written its files (search index...)
    def on_post_build(self, config: MkDocsConfig) -> None:
        self.leak_error = ""
        if self.view is None or not self.config.leak_scan:
            return
        vault = self._vault(config)
        templates = vault.notes_dir / "templates"
        shared = [p.read_text(encoding="utf-8", errors="replace")
                  for p in sorted(templates.glob("*.md"))] if templates.is_dir() else []
        # The Follow-ups note `init` ships says what every copy of it says.
        shared.append((template_dir() / "Follow-ups.md").read_text(encoding="utf-8"))
        site_dir = Path(config.site_dir)
        # The site's own words are no secret: the starter's Follow-ups note made private must
        # not fail every page for the nav entry the site writes itself.
        own = {title.lower() for title, _ in DASHBOARDS} | {"home"}
        found = [s for s in secrets(self.view, self.texts, shared)
                 if not (s.kind in ("name", "field title") and s.value.lower() in own)]
        # Only the files just written need reading, unless what counts as private changed:
        # then a page kept from before may hold a value that has just become a secret.
        only = self.scan_only if found == self._scanned_for else None
        self._scanned_for = None
        leaks = scan_site(site_dir, found, self.skip_scan, only)
        if not leaks:
            self._scanned_for = found
            return
        for leaked in sorted({leak.file for leak in leaks}):
            (site_dir / leaked).unlink(missing_ok=True)
        shown = "\n  ".join(leak.describe() for leak in leaks[:20])
        more = f"\n  ... and {len(leaks) - 20} more" if len(leaks) > 20 else ""
        self.leak_error = (
            f"vault: private values would be published, so the build fails and the files that "
            f"held them were deleted:\n  {shown}{more}\n"
            "Remove the value from the public note (or make that note private too), or publish "
            "the field with `publish_fields`."
        )
        raise PluginError(self.leak_error)

    # --- what a page depends on ------------------------------------------------------------------

    def page_inputs(self, note: Note, files: Files) -> tuple[Any, ...]:
        """Everything the page of `note` is made from, besides the theme, the nav and the
        configuration: its text, the public content of its blocks, where each of its links (in
        the body, the front matter and the blocks) goes and with what anchor, and its card.
        Two builds that give a note equal inputs render its page byte for byte the same (the
        incremental rebuild of `serve` relies on it: keep it in step with the hooks above)."""
        view = self.view
        assert view is not None
        links = list(note.links)
        blocks = []
        for block in note.blocks:
            content, parsed = self._public_block(note, block)
            blocks.append((block.name, content))
            if content:
                links += (parsed or self._parse_block(note.path, content)).links
        if note.path == self.dashboard_src and note.block(FOLLOWUPS) is None:
            content = self._dashboard_source()
            blocks.append((FOLLOWUPS, content))
            links += self._parse_block(note.path, content).links
        return (
            self.texts.get(note.path),
            tuple(blocks),
            tuple(self._link_input(link, files) for link in links),
            tuple(card_rows(view, note)),
        )

    def generated_page_inputs(self, src: str, markdown: str) -> tuple[Any, ...]:
        """What a generated page (a dashboard) is made from: its Markdown and the HTML its
        stand-ins are replaced with (see `page_inputs`)."""
        return ("generated", markdown, tuple(sorted(self._lists.get(src, {}).items())))

    def _link_input(self, link: Link, files: Files) -> tuple[Any, ...]:
        view = self.view
        assert view is not None
        resolution = view.index.resolve(link.target, link.kind)
        path = resolution.path
        heading = _heading_of(link)
        anchor = self._anchor(path, heading) if path is not None and heading else None
        asset = None
        if resolution.status == "asset":
            found = self._asset_file(link.target, files)
            asset = found.src_uri if found is not None else None
        return (link.target, link.kind, link.heading, resolution.status, path,
                path in view.hidden, anchor, asset)

    def _parse_block(self, path: str, content: str) -> Note:
        """A block's content parsed, remembered: the same blocks are asked about again and
        again by `page_inputs` while serving."""
        key = (path, content)
        parsed = self._block_parses.get(key)
        if parsed is None:
            parsed = self._block_parses[key] = parse_note(path, content)
        return parsed

    # --- links ----------------------------------------------------------------------------------

    def _link_text(self, note: Note, link: Link, linker: render.Linker, files: Files,
                   raw: bool = False) -> str | None:
        """What a body link becomes on the page; None leaves it to MkDocs (Markdown links to
        public notes, which MkDocs resolves and checks itself). With `raw`, always HTML that
        needs no Markdown pass."""
        key = (linker.page_url, link.target, link.heading, link.kind, link.label, link.embed,
               raw)
        if key not in self._link_memo:
            self._link_memo[key] = self._page_link(note, link, linker, files, raw)
        return self._link_memo[key]

    def _page_link(self, note: Note, link: Link, linker: render.Linker, files: Files,
                   raw: bool) -> str | None:
        view = self.view
        assert view is not None
        resolution = view.index.resolve(link.target, link.kind)
        if resolution.path is not None and resolution.path in view.hidden:
            return render.unlinked(Ref("private", PRIVATE_TEXT))
        if self._private_files and posixpath.basename(
                unquote(link.target)).lower() in self._private_files:
            return render.unlinked(Ref("private", PRIVATE_TEXT))  # a private attachment
        if link.kind == "markdown":
            if not raw:
                return None
            if resolution.path is None:
                return render.html_text(link.label or link.target)
            return linker.link(Ref("ok", link.label or "", resolution.path), link.label, raw=True)
        if resolution.status == "asset":
            if raw:
                return render.html_text(link.label or posixpath.basename(link.target))
            return self._asset_link(note, link, files)
        shown = link.label or _shown_target(link)
        if resolution.status != "ok" or resolution.path is None:
            return render.unlinked(Ref(resolution.status, shown), shown)  # type: ignore[arg-type]
        # A heading that is not there is reported once, by the index (missing-heading).
        heading = _heading_of(link)
        anchor = linker.link(Ref("ok", shown, resolution.path, heading), shown, raw=raw)
        if link.embed:
            return f'<span class="vault-embed">{anchor}</span>'
        return anchor

    def _asset_link(self, note: Note, link: Link, files: Files) -> str:
        file = self._asset_file(link.target, files)
        if file is None:  # reported once, by the index (missing-attachment)
            return render.unlinked(Ref("broken", link.target), link.label or link.target)
        href = render.relative_md(file.src_uri, note.path)
        text = render.md_text(link.label or posixpath.basename(link.target.strip("/")))
        return f"![{text}]({href})" if link.embed else f"[{text}]({href})"

    @staticmethod
    def _asset_file(target: str, files: Files) -> File | None:
        """The attachment a link names: by its path in the notes folder, else by file name
        (ignoring case) anywhere in it."""
        target = target.strip("/")
        found = files.get_file_from_path(target)
        if found is not None:
            return found
        name = posixpath.basename(target).lower()
        for file in files.media_files():
            if posixpath.basename(file.src_uri).lower() == name:
                return file
        return None

    def _block_text(self, note: Note, block: Block, linker: render.Linker, files: Files) -> str:
        """A generated block, recomputed for the site with private notes left out (the bytes in
        the file were written for the owner, who may see everything). The `followups` block
        becomes the live dashboard, grouped in the reader's browser."""
        if block.name == FOLLOWUPS:
            return self._slot(note.path, self._dashboard_html(linker)) + "\n"
        content, parsed = self._public_block(note, block)
        if not content:
            return ""
        if "[[" in content:
            # A context line cut short inside a link ("... [[2026-04-24 Jane Do…") is no link:
            # its target, maybe a private note's name, must not show as text.
            cut = _CUT_LINK.sub("…", content)
            if cut != content:
                content, parsed = cut, None
        heading = "## Related\n\n" if block.name == RELATED else ""
        parsed = parsed or parse_note(note.path, content)
        pieces: list[str] = []

        def piece(link: Link) -> str:
            pieces.append(self._link_text(note, link, linker, files, raw=True) or "")
            return f"\x00{len(pieces) - 1}\x00"

        html = render.block_html(rewrite_markdown(parsed, content, content, piece, _no_block),
                                 pieces)
        if html is None:  # not the usual shape: the full Markdown pass
            return heading + rewrite_markdown(
                parsed, content, content,
                lambda link: self._link_text(note, link, linker, files), _no_block)
        return f"{heading}{self._slot(note.path, html)}\n"

    def _slot(self, path: str, html: str) -> str:
        """A stand-in for `html` in the Markdown of the page of `path`.

        The HTML goes in after Markdown and search are done with the page (on_post_page):
        a note's search result is its own words, not every page that mentions it.
        """
        slot = f'<div class="vault-block" data-vault-slot="{self._nonce}-{next(self._slot_ids)}">'
        # The placeholder is unique to this build; the page gets a plain div, so that two
        # builds of the same notes are byte for byte the same.
        self._slots.setdefault(path, {})[slot + "</div>"] = (
            f'<div class="vault-block">\n{html}\n</div>')
        return f"{slot}</div>"

    def _dashboard_html(self, linker: render.Linker) -> str:
        """The follow-ups dashboard, as HTML for the page `linker` writes links from."""
        view = self.view
        assert view is not None
        items, built = self._dashboard
        return render.followups_dashboard(items, built, linker, self._note_name,
                                          lambda followup: title_pieces(view, followup))

    def _dashboard_source(self) -> str:
        """What the dashboard is made from, as Markdown that is never shown: each item's dates,
        kind and text with its links, and a link to its note. Equal sources make equal
        dashboards on a page (see `page_inputs`)."""
        view = self.view
        assert view is not None
        items, built = self._dashboard
        lines = [built.isoformat()]
        for timed in items:
            item = timed.followup
            lines.append(f"- {item.due} {timed.shown_from} {timed.shown_until} {item.kind} "
                         f"{item.line} · {item.text or item.title} · "
                         f"{link_to(view.index, item.note)}")
        return "\n".join(lines)

    def _public_block(self, note: Note, block: Block) -> tuple[str, Note | None]:
        """What the site shows of a generated block, as Markdown, with its parse when that is
        already at hand: the block as written when it holds nothing private, else computed again
        without the private notes; empty for a block this version does not know (its content
        cannot be vetted)."""
        view = self.view
        assert view is not None
        parsed = self._written_block(note, block) if block.name == RELATED else None
        if parsed is not None:
            return self._block_content(note, block), parsed
        if block.name == RELATED:
            mine = view.followups_of.get(note.path, [])
            return render_related(view.index, note, mine, public=True), None
        if block.name == FOLLOWUPS:
            return self._dashboard_source(), None
        return "", None

    def _block_content(self, note: Note, block: Block) -> str:
        text = self.texts.get(note.path, "")
        return text[block.start:block.end].replace("\r\n", "\n").rstrip("\n")

    def _written_block(self, note: Note, block: Block) -> Note | None:
        """The block as `fill` wrote it, parsed, when it says nothing about a private note (no
        link to one, no follow-up about one): then it is what the site would compute, and
        computing it again for every note would cost more than the rest of the page."""
        view = self.view
        assert view is not None
        if note.path in view.touched_by_private or note.path not in self.texts:
            return None
        content = self._block_content(note, block)
        if PRIVATE_TEXT in content:  # written with `hide_private_in_files`: the site omits it
            return None
        parsed = self._parse_block(note.path, content)
        for link in parsed.links:
            if view.index.resolve(link.target, link.kind).path in view.hidden:
                return None
        return parsed

    def _anchor(self, path: str, heading: str) -> str | None:
        """The id MkDocs gives `heading` on the page of `path`, or None if it has no such one."""
        view = self.view
        note = view.index.get(path) if view is not None else None
        if note is None:
            return None
        # As written (`[[Jane#Uses `git`]]`), as shown (`[[Jane#Uses git]]`), or without
        # punctuation: the index decides, as it does for `check`'s missing-heading.
        found = view.index.find_heading(path, heading) if view is not None else None
        return None if found is None else self.slugify(_heading_text(found.text), self.separator)

    def _note_name(self, path: str) -> str:
        note = self.view.index.get(path) if self.view is not None else None
        return note.name if note is not None else posixpath.basename(path)


# --- helpers ------------------------------------------------------------------------------------


_CUT_LINK = re.compile(r"!?\[\[(?:(?!\]\])[^\n])*$", re.MULTILINE)


def _leaves_vault(path: str, docs_dir: str, folders_inside: dict[str, bool]) -> bool:
    """True for a file MkDocs found whose real path is outside the notes folder (MkDocs follows
    every symlink). Its folder is asked once for all the files in it (`folders_inside`), the
    file itself only when it is a symlink: a plain file in a folder inside is inside."""
    folder = os.path.dirname(path)
    inside = folders_inside.get(folder)
    if inside is None:
        inside = folders_inside[folder] = inside_notes(docs_dir, folder)
    return not inside or (os.path.islink(path) and not inside_notes(docs_dir, path))


def _private_attachments(uris: list[str], view: SiteView, texts: dict[str, str]) -> set[str]:
    """The attachments (images, PDFs…) among `uris` that stay off the site: each whose path
    holds a private note's name, title or alias (`attachments/Li Na CV.pdf`), and each that a
    private note mentions and no public note does (it belongs to the private note). Names and
    mentions are compared as the leak scan compares them (whole words, decoded: an embed, a
    `%20` link and an HTML `src` all mention a file). Each note is read once, and the public
    ones only when a private note mentions an attachment."""
    if not uris or not view.hidden:
        return set()
    hidden = [view.index.notes[path] for path in sorted(view.hidden)]
    names = LeakScanner(Secret(name, "name", note.path)
                        for note in hidden for name in (note.name, note.title, *note.aliases))
    private = {uri for uri in uris if names.find(uri)}
    files = LeakScanner(Secret(posixpath.basename(uri), "attachment", uri)
                        for uri in uris if uri not in private)
    mentioned = {s.source for note in hidden for s in files.find(texts.get(note.path, ""))}
    if mentioned:
        files = LeakScanner(Secret(posixpath.basename(uri), "attachment", uri)
                            for uri in sorted(mentioned))
        public = {s.source for path, text in texts.items() if path not in view.hidden
                  for s in files.find(text)}
        private |= mentioned - public
    return private


def _no_block(block: Block) -> str:
    return ""


def _extension_name(extension: object) -> str:
    return extension if isinstance(extension, str) else type(extension).__module__


def _by_folder(view: SiteView) -> list[tuple[str, list[Ref]]]:
    groups: dict[str, list[Ref]] = {}
    for note in view.public_notes():
        groups.setdefault(note.folder, []).append(view.note_ref(note.path))
    return [(folder, sorted(refs, key=lambda r: r.text.lower()))
            for folder, refs in sorted(groups.items())]


def _heading_of(link: Link) -> str | None:
    """The heading a link points to (the last part of `Name#Section#Sub`), if any."""
    return link.heading.rpartition("#")[2] if link.heading else None


def _shown_target(link: Link) -> str:
    """What a wikilink without a label shows: the name as written, `name › heading`."""
    name = link.target.rpartition("/")[2]
    return f"{name} › {link.heading}" if link.heading else name


_MARKUP = re.compile(r"[*_`~]|\[\[([^\]|]*\|)?|\]\]")


def _heading_text(text: str) -> str:
    """A heading as the table of contents sees it: inline markup gone."""
    return _MARKUP.sub("", text)


def _fence_end(lines: list[str]) -> int:
    """The number of lines a `---` front matter occupies (0 when there is none)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return number + 1
    return 0


def _script_safe(data: str) -> str:
    """JSON safe inside a script: no `</script>` can end it early."""
    return data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _add_robots(output: str) -> str:
    """Ask search engines not to index any page: the site is private even if exposed."""
    if ROBOTS in output:
        return output
    head = output.find("<head>")
    if head < 0:
        return output
    head += len("<head>")
    return output[:head] + "\n" + ROBOTS + output[head:]


# --- what a page takes from its front matter, and its Content-Security-Policy ---------------------

# Material's `hide` values: which parts of the page a note may hide.
_HIDE = frozenset({"navigation", "toc", "footer", "path", "tags", "feedback"})


def page_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The keys MkDocs and the theme get from a note's front matter (as the vault parsed it),
    made safe: `title` and `description` as one line of HTML-escaped text (the theme writes
    them into the page unescaped), `hide` as the known parts only. No other key: one such as
    `template` would let a note choose how it is rendered, and the card shows them all."""
    out: dict[str, Any] = {}
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str) and _one_line(value):
            out[key] = html_escape(_one_line(value))
    hide = meta.get("hide")
    if isinstance(hide, list):
        parts = sorted({h for h in hide if isinstance(h, str) and h in _HIDE})
        if parts:
            out["hide"] = parts
    return out


def page_source(text: str, meta: dict[str, Any]) -> tuple[str, str]:
    """(what MkDocs is given to read, the note's text as the page is made from it) for a note's
    `text` and its front matter `meta` as the vault parsed it. The second is the text with line
    breaks normalised and the front matter's lines left blank (the body keeps the line numbers
    the index has); the first is that behind a front matter of `page_meta(meta)` only, or a
    blank line when there is none, so that MkDocs takes no "Key: value" first line of the body
    for MultiMarkdown meta. Whatever the front matter holds, MkDocs never sees it."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = _fence_end(lines)
    source = "\n" * end + "\n".join(lines[end:])
    return _meta_block(page_meta(meta)) + "\n" + source, source


def _one_line(value: str) -> str:
    return " ".join("".join(" " if ch.isspace() or not ch.isprintable() else ch
                            for ch in value).split())


def _meta_block(meta: dict[str, Any]) -> str:
    """`meta` as a front matter MkDocs is sure to read back as exactly `meta` (else none)."""
    if not meta:
        return ""
    block = "---\n" + yaml.safe_dump(meta, allow_unicode=True, width=1 << 30,
                                      sort_keys=True) + "---\n"
    found = YAML_RE.match(block)
    try:
        if found is not None and yaml.safe_load(found.group(1)) == meta:
            return block
    except yaml.YAMLError:
        pass
    return ""


_TAG = re.compile(r"<[^>]*>")


def _safe_title(page: Page) -> str:
    """The page's title as HTML text with no tag in it: the theme writes a title from `meta`
    as is, but strips tags from any other and then decodes its entities (`&lt;/title&gt;`
    would close the element)."""
    rendered = getattr(page, "_title_from_render", None)
    if rendered:
        return html_escape(html_unescape(_TAG.sub("", rendered)))
    return html_escape(str(page.title or ""))


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
_SCRIPT_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})


def _inline_scripts(page_html: str) -> list[str]:
    """The text of each inline script a browser would run in `page_html` (not JSON data, not a
    script loaded by `src`)."""
    found = []
    for match in _SCRIPT.finditer(page_html):
        attributes, text = match.groups()
        kind = _SCRIPT_TYPE.search(attributes)
        if _SCRIPT_SRC.search(attributes) or (kind and kind.group(1).lower() not in _JS_TYPES):
            continue
        found.append(text)
    return found


def _without_scripts_of(output: str, content: str) -> str:
    for text in _inline_scripts(content):
        output = output.replace(text, "")
    return output


def script_hash(text: str) -> str:
    """The CSP source that allows an inline script with this text (as the browser hashes it:
    line breaks normalised, UTF-8)."""
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return "'sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii") + "'"


def content_security_policy(theme_html: str) -> str:
    """The page's policy: scripts from the site's own files and the theme's inline scripts
    (by hash, from `theme_html`, the page without its content), nothing else (§7)."""
    hashes = sorted({script_hash(text) for text in _inline_scripts(theme_html)})
    return "; ".join([" ".join(["script-src 'self'", *hashes]), "object-src 'none'",
                      "base-uri 'self'"])


def _add_csp(output: str, theme_html: str) -> str:
    """Put the page's Content-Security-Policy first in its head, before any script."""
    head = output.find("<head>")
    if head < 0:
        return output
    head += len("<head>")
    # Already there (looked for where it goes: a note may quote the tag in a code block).
    if output[head:head + 200].lstrip().startswith(_CSP_START):
        return output
    tag = f'{_CSP_START}content="{html_escape(content_security_policy(theme_html))}">'
    return output[:head] + "\n" + tag + output[head:]


_CSP_START = '<meta http-equiv="Content-Security-Policy" '
