"""The site's generated pages: the dashboards, the home page, the network's data and the
follow-ups feed.

A dashboard is one entry of `DASHBOARDS`: its nav title, its page, what it shows (plain data,
from a module of `vault_tools.views`) and how that becomes Markdown (a function of the module of
`site.render` with the same name: `views.people.people_rows`, `render.people.people_page`). The
entry is all a new dashboard needs: it is generated (unless a note has its page), listed in the
nav and on the home page, and carried over by the rebuilds of `serve` while its data stays the
same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from ..blocks import link_to
from ..export.ics import FeedEvent, FeedSettings, feed_events, render_feed, site_page_urls
from ..followups import OVERDUE, TODAY, FollowUp, Timed
from ..tags import TAGS_PAGE
from ..views.careers import careers_board
from ..views.common import Ref, SiteView
from ..views.companies import company_rows
from ..views.followups import TitlePiece, dashboard_items, title_pieces
from ..views.home import HomeRows, home_rows
from ..views.leads import LeadRow, lead_rows
from ..views.network import GraphEdge, GraphNode, graph_json, network_graph
from ..views.people import people_rows
from ..views.pipeline import pipeline_rows
from ..views.questions import question_rows
from ..views.tags import TagRow, tag_rows
from ..views.timeline import timeline_rows
from . import graph_layout
from .fast_html import StandIns
from .files import ASSET_DIR
from .links import PageLinks
from .render.all_notes import all_notes_page
from .render.careers import careers_page
from .render.common import Linker, relative_url
from .render.companies import companies_page
from .render.followups import followups_dashboard, followups_page
from .render.home import home_dashboard, home_page
from .render.leads import leads_page
from .render.network import network_page
from .render.people import people_page
from .render.pipeline import pipeline_page
from .render.questions import questions_page
from .render.tags import tag_page, tags_page
from .render.timeline import timeline_page
from .render.today_css import today_css
from .site_cache import GeneratedRecord, digest

log = logging.getLogger("mkdocs.plugins.vault")

FOLLOWUPS_PAGE = "followups/index.md"
HOME_PAGE = "index.md"
NETWORK_DATA = "network/data.js"
FEED = "followups.ics"
TODAY_CSS = f"{ASSET_DIR}/today.css"

# Where a dashboard's long lists and tables may skip the Markdown pass: the renderer writes
# them as the very HTML Markdown would make of them and puts in a stand-in (None: no such
# shortcut, write Markdown).
RawHtml = Callable[[str], str] | None


class FollowupsBoard:
    """The follow-ups dashboard of one build: its items (`dashboard_items` of the view unless
    given) and the day it was built. The items and the `source` are worked out once for the
    view and the later views its memo is handed to (`SiteView.worked_out`): every follow-up of
    the vault, sorted, which a save that changes none of them need not sort again."""

    def __init__(self, view: SiteView, links: PageLinks, items: list[Timed] | None,
                 built: dt.date) -> None:
        self.view, self.links, self.built = view, links, built
        self._items = items
        # Each item's title pieces, by the follow-up's identity (the items keep them alive):
        # the follow-ups page and the home list the same items, so each title is resolved once
        # per build, not once per page.
        self._pieces: dict[int, list[TitlePiece]] = {}

    def html(self, linker: Linker, groups: Sequence[str] | None = None) -> str:
        """The dashboard, as HTML for the page `linker` writes links from; with `groups`, only
        the items of those groups (`render.followups.followups_dashboard`)."""
        items = self.items if groups is None else [
            timed for timed in self.items if timed.followup.due is not None]
        return followups_dashboard(items, linker, self.links.note_name, self._title_pieces,
                                   groups)

    @property
    def items(self) -> list[Timed]:
        if self._items is not None:
            return self._items
        return self.view.worked_out("followups board items", lambda: dashboard_items(self.view))

    def _title_pieces(self, followup: FollowUp) -> list[TitlePiece]:
        pieces = self._pieces.get(id(followup))
        if pieces is None:
            pieces = self._pieces[id(followup)] = title_pieces(self.view, followup)
        return pieces

    def source(self) -> str:
        """What the dashboard is made from, as Markdown that is never shown: each item's dates,
        kind and text with its links, and a link to its note. Equal sources make equal
        dashboards on a page (see `VaultPlugin.page_inputs`), on any day: the day shows only
        in the stylesheet of the day (`today_css`). Worked out once: the home page compares it
        too."""
        if self._items is not None:
            return self._make_source()
        return self.view.worked_out("followups board source", self._make_source)

    def _make_source(self) -> str:
        lines = []
        for timed in self.items:
            item = timed.followup
            lines.append(f"- {item.due} {timed.shown_from} {timed.shown_until} {item.kind} "
                         f"{item.line} · {item.text or item.title} · "
                         f"{link_to(self.view.index, item.note)}")
        return "\n".join(lines)


@dataclass
class Site:
    """What the generated pages of one build are made from. What is worked out from it (the
    home's data, the leads, the network, each dashboard's data) is kept in the view's memo
    (`SiteView.worked_out`), which `GeneratedPages` hands on to the next build while none of
    what it reads changes."""

    view: SiteView
    links: PageLinks
    board: FollowupsBoard
    listed: tuple[tuple[str, str], ...]  # the dashboards' (title, page), as the nav lists them
    extra: Sequence[Dashboard] = ()  # the dashboards' subpages (`subpages`)

    @property
    def home(self) -> HomeData:
        """What the home dashboard shows in this build (`home_data`), worked out once."""
        return self.view.worked_out("home", lambda: home_data(self))

    @property
    def leads(self) -> list[LeadRow]:
        """Every lead (`views.leads.lead_rows`), worked out once: the Leads page and the home's."""
        return self.view.worked_out("leads", lambda: lead_rows(self.view))

    @property
    def nodes(self) -> Sequence[GraphNode]:
        return self._network[0]

    @property
    def edges(self) -> Sequence[GraphEdge]:
        return self._network[1]

    @property
    def _network(self) -> tuple[list[GraphNode], list[GraphEdge]]:
        """The network's graph (`views.network.network_graph`), worked out once."""
        return self.view.worked_out("network", lambda: network_graph(self.view))


@dataclass(frozen=True)
class HomeData:
    """What the home dashboard shows (compared between builds: equal data, same dashboard):
    the dashboards as the nav lists them, the follow-ups (as the follow-ups
    dashboard's `source`: its overdue and today groups are written from the `board` only when
    the page is), and the rest of its rows (`views.home.home_rows`)."""

    listed: tuple[tuple[str, str], ...]
    due: str
    rows: HomeRows
    board: FollowupsBoard = field(compare=False)

    def html(self, linker: Linker) -> str:
        due = self.board.html(linker, (OVERDUE, TODAY))
        return home_dashboard(self.rows, due, dict(self.listed), linker)

    def compared(self) -> tuple[Any, ...]:
        """What two equal `HomeData` share, as plain values: the board aside, which holds
        the whole vault (its digest, `site_cache.digest`, pickled 25 MB at 5,000 notes)."""
        return (self.listed, self.due, self.rows)


def home_data(site: Site) -> HomeData:
    """The home dashboard of `site` (see `HomeData`)."""
    board = site.board
    return HomeData(site.listed, board.source(), home_rows(site.view, site.leads), board)


class HomeNote:
    """The vault's own home note (`index.md`, else `README.md`) showing the home dashboard:
    its text first, the dashboard after its title (`NotePages`)."""

    def __init__(self, src: str, site: Site) -> None:
        self.src, self.site = src, site

    def data(self) -> HomeData:
        return self.site.home

    def html(self, linker: Linker) -> str:
        return self.site.home.html(linker)


def home_note(files: Files) -> str | None:
    """The note that is the site's home page, if the vault has one (published)."""
    pages = {f.src_uri for f in files.documentation_pages()}
    return next((src for src in (HOME_PAGE, "README.md") if src in pages), None)


def site_of(view: SiteView, links: PageLinks, board: FollowupsBoard,
            listed: tuple[tuple[str, str], ...], extra: Sequence[Dashboard] = ()) -> Site:
    return Site(view, links, board, listed, extra)


@dataclass(frozen=True)
class Dashboard:
    """A generated page: `data` is what it shows (compared between builds: equal data, same
    page), `markdown` writes it from a linker for its page and a `RawHtml`."""

    title: str
    src: str
    data: Callable[[Site], Any]
    markdown: Callable[[Any, Linker, RawHtml], str]
    # The pages of its own the dashboard links to (one per tag), each a Dashboard too, from
    # the view: generated as the dashboard is, but never listed in the nav (§7: it stays small).
    subpages: Callable[[SiteView], Sequence[Dashboard]] | None = None
    # (No dashboard changes with the build's day: the day shows only in `today_css`, so a new
    # day takes every one from the site cache, `GeneratedPages.carry_over`.)


NetworkData = tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...], tuple[tuple[str, str], ...]]


def _network_data(site: Site) -> NetworkData:
    """The Network page's data: the graph and the careers its contacts have (path, name)."""
    careers = {path for node in site.nodes for path in node.careers}
    named = sorted(((path, site.view.index.notes[path].name) for path in careers),
                   key=lambda c: (c[1].lower(), c[0]))
    return tuple(site.nodes), tuple(site.edges), tuple(named)


def _network_page(data: NetworkData, linker: Linker, raw_html: RawHtml) -> str:
    scripts = ("../" + ASSET_DIR + "/vendor/cytoscape.min.js", "data.js",
               "../" + ASSET_DIR + "/network.js")
    return network_page(scripts, *data, linker, raw_html)


def _by_folder(view: SiteView) -> list[tuple[str, list[Ref]]]:
    groups: dict[str, list[Ref]] = {}
    for note in view.public_notes():
        groups.setdefault(note.folder, []).append(view.note_ref(note.path))
    return [(folder, sorted(refs, key=lambda r: r.text.lower()))
            for folder, refs in sorted(groups.items())]


def _tag_pages(view: SiteView) -> list[Dashboard]:
    def shows(row: TagRow) -> Callable[[Site], TagRow]:
        return lambda site: row

    return [Dashboard(f"#{row.name}", row.page, shows(row), tag_page)
            for row in tag_rows(view)]


# The dashboards, in nav order. Pages a note already occupies are not generated, and neither is
# the follow-ups page when the vault has its follow-ups note (`followups_note`): that note's
# page is the follow-ups dashboard, so the site has one "Follow-ups".
DASHBOARDS: tuple[Dashboard, ...] = (
    Dashboard("Follow-ups", FOLLOWUPS_PAGE,
              lambda site: site.board.html(site.links.linker(site.links.urls[FOLLOWUPS_PAGE])),
              lambda html, _, raw: followups_page(html, raw)),
    Dashboard("People", "people/index.md", lambda site: people_rows(site.view),
              people_page),
    Dashboard("Leads", "leads/index.md", lambda site: site.leads, leads_page),
    Dashboard("Pipeline", "pipeline/index.md", lambda site: pipeline_rows(site.view),
              pipeline_page),
    Dashboard("Timeline", "timeline/index.md", lambda site: timeline_rows(site.view),
              timeline_page),
    Dashboard("Companies", "companies/index.md", lambda site: company_rows(site.view),
              companies_page),
    Dashboard("Careers", "careers/index.md", lambda site: careers_board(site.view),
              careers_page),
    Dashboard("Questions", "question-answers/index.md", lambda site: question_rows(site.view),
              questions_page),
    Dashboard("Network", "network/index.md", _network_data, _network_page),
    Dashboard("All notes", "all-notes/index.md", lambda site: _by_folder(site.view),
              all_notes_page),
    Dashboard("Tags", TAGS_PAGE, lambda site: tuple(
        (row.name, row.page, len(row.notes)) for row in tag_rows(site.view)),
        tags_page, _tag_pages),
)
HOME = Dashboard("Home", HOME_PAGE, lambda site: site.home,
                 lambda data, linker, raw: home_page((data.listed, data.html(linker)),
                                                     linker, raw))
# The words the site writes itself (nav titles): never a secret of a note.
OWN_WORDS = frozenset({d.title.lower() for d in (*DASHBOARDS, HOME)})


def followups_note(files: Files, wanted: str) -> str | None:
    """The note that is the follow-ups dashboard (the `followups_note` option), if there is one."""
    wanted = wanted.strip("/").lower()
    # (the name first: asking every file whether it is a page costs ~0.05 s at 20,000 notes)
    return next((f.src_uri for f in files if f.src_uri.lower() == wanted
                 and f.is_documentation_page() and InclusionLevel.is_included(f.inclusion)),
                None)


def subpages(view: SiteView) -> list[Dashboard]:
    """The dashboards' own pages (`Dashboard.subpages`) in this build."""
    return [page for d in DASHBOARDS if d.subpages is not None for page in d.subpages(view)]


def plan(files: Files, board_note: str | None, extra: Sequence[Dashboard] = ()
         ) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """(the dashboards' (title, page) as the nav lists them, the pages to generate): each
    dashboard and each of `extra` (their subpages) whose page no note has, and the home page
    unless a note is it."""
    taken = {f.src_uri for f in files}
    listed = tuple((d.title, board_note if board_note and d.src == FOLLOWUPS_PAGE else d.src)
                   for d in DASHBOARDS)
    wanted = [src for _, src in listed if src not in taken]
    wanted += [d.src for d in extra if d.src not in taken]
    for src in sorted(taken & {d.src for d in DASHBOARDS}):
        log.info(f"{src} is one of your notes, so its generated page is not made")
    if HOME_PAGE not in taken and "README.md" not in taken:
        wanted.append(HOME_PAGE)
    return listed, wanted


def nav(listed: Sequence[tuple[str, str]], present: set[str]) -> list[Any]:
    """The site's navigation: home, then each dashboard that has a page."""
    items: list[Any] = [{"Home": HOME_PAGE}] if HOME_PAGE in present else []
    return items + [{title: src} for title, src in listed if src in present]


# An earlier run's record of the generated pages as `carry_over` hands it to the next `add`:
# the record, the digest of the notes now, whether a build keeps a File's page, and the bytes
# the record's run left in an output file (None: not those any more).
_Carried = tuple[GeneratedRecord, str, Callable[[File], bool], Callable[[str], bytes | None]]


class GeneratedPages:
    """The generated pages and files, remembered from one build to the next (while serving):
    a page whose data equals the last build's is not rendered again (most saves) and gets the
    HTML stand-ins it had; a feed whose events did not change reuses its bytes."""

    def __init__(self, stand_ins: StandIns) -> None:
        self.stand_ins = stand_ins
        # page -> (its data, its Markdown, its HTML stand-ins, Markdown skipped, the pages'
        # URLs it was linked with)
        self._pages: dict[str, tuple[Any, str, dict[str, str], bool, Any]] = {}
        self._feed: tuple[tuple[list[FeedEvent], Any] | None, bytes] = (None, b"")
        # The network's data.js and what it was made from: its layout is the one part of a
        # rebuild whose time grows with the graph (~0.1 s at 5,000 notes), so a save that does
        # not change the graph reuses it.
        self._network: tuple[Any, str] = (None, "")
        # What the last build's view worked out (`SiteView.memo`) and everything it was worked
        # out from (`_made_from`).
        self._made_from: tuple[Any, ...] | None = None
        self._memo: dict[Any, Any] = {}
        # The dashboards' own pages (`subpages`) and the notes and privacy they were made of.
        self._subpages: tuple[Any, list[Dashboard]] | None = None
        # What the pages of the last `add` were made from besides the notes (`basis`); the
        # record of an earlier run's pages handed to the next `add` (`carry_over`), the
        # digest of the notes now, and whether the page of a File is one that build keeps.
        self._basis: str | None = None
        self._basis_of: tuple[Site, list[str], bool] | None = None
        self._day = ""  # the day of the last `add` (ISO)
        self._carried: _Carried | None = None
        # The pages of the last `add` whose Markdown came from the record, and how to make
        # one of them anew (`made_anew`).
        self.carried: set[str] = set()
        self._making: Callable[[str], str] | None = None
        # Whether the last `add` found the notes as parsed and everything else the pages are
        # made from as the record's run had them (`carry_over`): so are the dashboards then,
        # and the notes showing one (the home note) too.
        self.as_recorded = False

    def subpages(self, view: SiteView) -> list[Dashboard]:
        """`subpages(view)`, as the last build had them when its notes (as parsed) and the
        private ones are the same: the tags' pages come from the notes' tags and names alone
        (~0.2 s at 20,000 notes)."""
        made_from = (tuple(view.index.notes.items()), view.hidden)
        if self._subpages is None or self._subpages[0] != made_from:
            self._subpages = (made_from, subpages(view))
        return self._subpages[1]

    def add(self, files: Files, config: MkDocsConfig, site: Site,
            generated: dict[str, File], plain: bool, feed: FeedSettings = FeedSettings()) -> None:
        """Give each of the `generated` files (by page) its Markdown, and add them, the
        network's data and the feed (written with `feed`; each event links to its page under
        `site_url`) to `files`. With `plain` Markdown, long lists and tables are written as
        HTML (`fast_html`)."""
        by_src = {d.src: d for d in (*DASHBOARDS, HOME, *site.extra)}
        self._share_memo(site, files)
        for gone in set(self._pages) - set(generated):
            del self._pages[gone]  # a tag no note has any more
        self.stand_ins.forget_content()  # a build that failed half-way may have left some
        # Which notes have a page decides whether a row links to one: a note that was too large
        # to publish, cut down, has the same data and a page now.
        urls = dict(site.links.urls)
        # (Its digest is worked out only when asked: ~20 ms at 20,000 notes, on every save
        # of `serve`, which asks once, as it stops.)
        self._basis, self._basis_of = None, (site, [f.src_uri for f in files], plain)
        self._day = site.board.built.isoformat()
        carried, self._carried = self._carried, None
        if carried is not None and (carried[0].notes != carried[1]
                                    or carried[0].basis != self.basis):
            carried = None
        # (Any day: no page shows it. The feed may: see below.)
        same_day = carried is not None and carried[0].day == self._day
        self.as_recorded = carried is not None
        # (The bytes the record's run left in an output file: for the feed and the network's
        # data, made from the notes as parsed and the basis alone, as the pages are.)
        recorded = carried[3] if carried is not None else None
        self.carried = set()
        # (What `made_anew` needs; this build's, dropped by the next.)
        self._making = partial(self._make, site=site, by_src=by_src, plain=plain, urls=urls)
        for src, file in generated.items():
            if (carried is not None and src not in self._pages
                    and self._carry(src, file, carried, plain, urls)):
                self.carried.add(src)
            else:
                file.content_string = self._make(src, site, by_src, plain, urls)
            files.append(file)
        self._add_network_data(files, config, site, recorded)
        # (The feed moves overdue items to the build's day only when told to.)
        known = (recorded(FEED) if recorded is not None
                 and (same_day or not feed.overdue_today) else None)
        if known is not None:
            self._feed = (None, known)  # (its events not known: the next build works them out)
        else:
            url_of = site_page_urls(config.site_url, site.links.urls.get)
            # `feed_overdue: today` moves overdue items to the build's day: the served feed is
            # as of its build (`serve` builds anew on a new day's first change), as the
            # dashboard's own date is.
            events = site.view.worked_out(("feed", config.site_url, feed), lambda: feed_events(
                site.view.index, followups=site.view.all_followups, settings=feed,
                url_of=url_of, today=site.board.built))
            if (events, feed.alarm) != self._feed[0]:
                self._feed = ((events, feed.alarm), render_feed(events, feed.alarm))
        files.append(File.generated(config, FEED, content=self._feed[1]))
        # What the lists show without the script, as of the build's day (`today_css`): a new
        # day changes this file, not the pages.
        files.append(File.generated(config, TODAY_CSS, content=today_css(site.board.built)))

    def _make(self, src: str, site: Site, by_src: dict[str, Dashboard], plain: bool,
              urls: dict[str, str]) -> str:
        """The Markdown of generated page `src`: the last build's when its data is the same
        (its stand-ins waiting again), else written from its data now."""
        data = site.view.worked_out(("dashboard", src), partial(by_src[src].data, site))
        known = self._pages.get(src)
        if known is None or known[0] != data or known[3] != plain or known[4] != urls:
            raw_html = ((lambda html, src=src: self.stand_ins.in_content(src, html))
                        if plain else None)
            text = by_src[src].markdown(data, site.links.linker(site.links.urls[src]),
                                        raw_html)
            known = (data, text, self.stand_ins.content_of(src), plain, urls)
            self._pages[src] = known
        else:
            self.stand_ins.restore(src, known[2])
        return str(known[1])

    def made_anew(self, src: str) -> str:
        """The Markdown of page `src` of the last `add` worked out from its data, for a page
        whose Markdown was taken from the record (`carried`) and is to be rendered after all
        (every page is, when the navigation is not the record's): never the record's."""
        assert self._making is not None
        self.stand_ins.forget_content(src)
        self._pages.pop(src, None)
        self.carried.discard(src)
        return self._making(src)

    @property
    def basis(self) -> str | None:
        """A digest of what the pages of the last `add` were made from besides the notes
        (`_basis`; None before any)."""
        if self._basis is None and self._basis_of is not None:
            self._basis = _basis(*self._basis_of)
        return self._basis

    def carry_over(self, record: GeneratedRecord, notes: str, keeps: Callable[[File], bool],
                   recorded: Callable[[str], bytes | None]) -> None:
        """Hand the next `add` (the first of a run) the pages an earlier run made (`record`)
        and the digest of the notes now as parsed (`notes`, as `record.notes` was made). If
        those and everything else the pages are made from (`basis`) are as they were, it
        takes each page's Markdown from the record instead of working out its data again
        (~1 s at 5,000 notes), on any day: but only a page
        that `keeps` says this build keeps as the earlier run left it (the record's Markdown,
        as the site cache vouches for it, is the one its output was rendered from); any other
        page is made anew, so Markdown read from the record is never rendered. The feed and
        the network's data are then taken from the site folder, as `recorded` finds them: the
        bytes the record's run wrote there, if they are still there (never from the record
        itself)."""
        self._carried = (record, notes, keeps, recorded)

    def record(self, notes: str | None) -> GeneratedRecord | None:
        """The pages of the last `add` for the site cache, with `notes`, the digest of the
        notes they were made from (None: none, not known)."""
        if notes is None or self.basis is None:
            return None
        return GeneratedRecord(notes=notes, basis=self.basis, day=self._day,
                               nonce=self.stand_ins.nonce,
                               pages={src: [known[1], known[2]]
                                      for src, known in self._pages.items()})

    def _carry(self, src: str, file: File,
               carried: _Carried, plain: bool, urls: dict[str, str]) -> bool:
        """Give `file` its Markdown from the carried record, if it has the page and the
        build keeps it so (`carry_over`)."""
        record, _, keeps, _ = carried
        found = record.pages.get(src)
        if found is None:
            return False
        markdown = self.stand_ins.carry_over(src, found[0], found[1], record.nonce)
        if markdown is None:
            return False
        file.content_string = markdown
        if not keeps(file):
            self.stand_ins.forget_content(src)
            return False
        # (Its data is not known: the next build of this run works it out.)
        self._pages[src] = (_NOT_KNOWN, markdown, self.stand_ins.content_of(src), plain, urls)
        return True

    def _share_memo(self, site: Site, files: Files) -> None:
        """Hand the view of this build what the last build's worked out, if everything that
        may be read to work it out is the same: every note as parsed (in the index's order),
        which are private, the fields published, the follow-ups, the settings, the files (the
        attachments a link may go to), the build's day, the pages' URLs, the nav's dashboards
        and the private attachments. A save that changes none of that (words added to a
        note's text outside what the index keeps of it) works out no dashboard again."""
        view = site.view
        made_from = (tuple(view.index.notes.items()), view.hidden, view.publish_fields,
                     tuple(view.all_followups), view.index.settings,
                     frozenset(f.src_uri for f in files), site.board.built,
                     dict(site.links.urls), site.listed, frozenset(site.links.private_files),
                     site.links.separator, tuple(d.src for d in site.extra))
        if made_from == self._made_from:
            self._memo.update(view.memo)
            view.memo = self._memo
        else:
            self._made_from, self._memo = made_from, view.memo

    def inputs(self, src: str, markdown: str) -> tuple[Any, ...]:
        """What a generated page is made from: its Markdown and the HTML its stand-ins are
        replaced with (see `VaultPlugin.page_inputs`)."""
        return ("generated", markdown, tuple(sorted(self.stand_ins.content_of(src).items())))

    def _add_network_data(self, files: Files, config: MkDocsConfig, site: Site,
                          recorded: Callable[[str], bytes | None] | None) -> None:
        known = recorded(NETWORK_DATA) if recorded is not None else None
        if known is not None:
            with contextlib.suppress(UnicodeDecodeError):
                # (What it was made from not known: the next build lays the graph out again.)
                self._network = (None, known.decode("utf-8"))
                files.append(File.generated(config, NETWORK_DATA, content=self._network[1]))
                return
        urls = site.links.urls
        network_url = urls.get("network/index.md", "network/")
        page_urls = {node.id: relative_url(urls[node.id], network_url)
                     for node in site.nodes if node.id in urls}
        made_from = (tuple(site.nodes), tuple(site.edges), page_urls)
        if made_from != self._network[0]:
            positions = graph_layout.layout([n.id for n in site.nodes],
                                            [(e.source, e.target) for e in site.edges])
            data = json.dumps(graph_json(site.nodes, site.edges, page_urls, positions),
                              ensure_ascii=False)
            self._network = (made_from, f"window.vaultNetwork = {_script_safe(data)};\n")
        files.append(File.generated(config, NETWORK_DATA, content=self._network[1]))


# The data of a page whose Markdown a run took from the site cache: equal to no data.
_NOT_KNOWN = object()


def _basis(site: Site, files: list[str], plain: bool) -> str:
    """A digest of what the generated pages are made from besides the notes as parsed (and
    the site cache's key: the code, the configuration): which notes are private, the fields
    published, the files (the attachments a link may go to), the pages' URLs, the nav's
    dashboards, the private attachments, the dashboards' own pages and whether long lists are
    written as HTML. Not the build's day: no page changes with it (the feed may, and the
    record says the day beside, `GeneratedRecord.day`). (The follow-ups are worked out from
    the notes and the settings: clock-free.)"""
    view = site.view
    return digest((sorted(view.hidden), sorted(view.publish_fields), view.index.settings,
                   sorted(files), sorted(site.links.urls.items()), site.listed,
                   sorted(site.links.private_files), site.links.separator,
                   [d.src for d in site.extra], plain))


def _script_safe(data: str) -> str:
    """JSON safe inside a script: no `</script>` can end it early."""
    return data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
