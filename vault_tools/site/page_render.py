"""Every page of a build converted by one Markdown converter, reset between pages.

MkDocs makes a new `markdown.Markdown` for each page it renders (`Page.render`): it loads and
registers every extension again. With the extensions a vault's site adds (`mkdocs_setup`:
task lists, callouts, footnotes...) that was ~4% of a cold build's own process at 1,000 notes
(py-spy, 2026-12-06: `Markdown.__init__`, 107 of 2,572 samples), for converters that differ
only in the page. Python-Markdown supports converting many documents with one converter,
`reset()` between them, which puts back each extension's state. So a build makes one and
renders each page with it as `Page.render` does: the same four processors of MkDocs's own
for the page (raw HTML anchors, anchors, relative links, the title) registered anew under
their names, replacing the last page's.

Only extensions known to reset all they keep between documents are trusted so
(`RESETTABLE`): Python-Markdown's and pymdown-extensions' that vaults use. A site with any
other extension, or one given as an object, or footnotes numbered per document
(`UNIQUE_IDS`: each reset counts one more document), is rendered page by page by MkDocs, as
is a page a plugin replaced in `on_pre_page` and a page of a class with its own `render`. A
conversion that raises leaves the converter half way (its block parser's state): the next
page gets a new one. `tests/test_page_render.py` holds every page rendered with
one converter equal, in its HTML, table of contents, title and anchors, to the page rendered
by MkDocs, whatever came before it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import markdown
from markdown.util import parseBoolValue
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ._mkdocs_private import (
    ExtractAnchors,
    ExtractTitle,
    RawHTMLAnchors,
    RelativeLinks,
)

# The extensions whose state `Markdown.reset` puts back (each resets what it keeps between
# documents, or keeps nothing), by the names mkdocs.yml gives them.
RESETTABLE = frozenset({
    "toc", "tables", "fenced_code", "admonition", "footnotes", "attr_list", "md_in_html",
    "def_list", "abbr", "sane_lists",
    "pymdownx.tasklist", "pymdownx.details", "pymdownx.mark", "pymdownx.superfences",
})
_PREFIX = "markdown.extensions."

# MkDocs's own `Page.render`: a page whose class has another is rendered by it.
_MKDOCS_RENDER = Page.render

# MkDocs keeps the links to anchors only when its pages' log says more than debug.
_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")


def reusable(extensions: list[Any]) -> bool:
    """Whether pages under these Markdown extensions (mkdocs.yml's, as configured) may share
    one converter."""
    return all(isinstance(e, str) and e.removeprefix(_PREFIX) in RESETTABLE for e in extensions)


def _numbered_per_document(configs: Any) -> bool:
    """Whether `footnotes` is configured with `UNIQUE_IDS`: its ids then hold a count of the
    documents its converter reset for, which a converter per page keeps at its first."""
    return any(str(name).removeprefix(_PREFIX) == "footnotes" and isinstance(options, dict)
               and parseBoolValue(options.get("UNIQUE_IDS", False), fail_on_errors=False)
               for name, options in (configs or {}).items())


class PageRenderer:
    """One converter for the pages of one build (`rendering`), made at its first page."""

    def __init__(self, config: Any) -> None:
        self._config = config
        self._md: markdown.Markdown | None = None
        self.reusing = (reusable(list(config["markdown_extensions"]))
                        and not _numbered_per_document(config["mdx_configs"]))

    @contextlib.contextmanager
    def rendering(self, page: Any) -> Iterator[None]:
        """While `page` is populated (`populate_page`): it is rendered with this build's one
        converter, when its extensions allow (`reusable`); by MkDocs otherwise."""
        if not self.reusing or type(page).render is not _MKDOCS_RENDER:
            yield
            return
        page.render = lambda config, files: self.render(page, config, files)
        try:
            yield
        finally:
            del page.render  # (MkDocs's own again)

    def render(self, page: Any, config: Any, files: Any) -> None:
        """`Page.render` of MkDocs 1.6, with this build's converter, reset, for a new one."""
        if config is not self._config:  # (another build's: MkDocs's own render)
            type(page).render(page, config, files)
            return
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        md = self._converter()
        raw_html = RawHTMLAnchors()
        raw_html._register(md)
        anchors = ExtractAnchors(page.file, files, config)
        anchors._register(md)
        relative = RelativeLinks(page.file, files, config)
        relative._register(md)
        title = ExtractTitle()
        title._register(md)
        try:
            page.content = md.convert(page.markdown)
        except BaseException:
            self._md = None  # (left half way: the next page gets a new converter)
            raise
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = title.title
        page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
        if _PAGES_LOG.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative.links_to_anchors

    def _converter(self) -> markdown.Markdown:
        """The build's converter, reset (made the first time, as MkDocs makes each page's)."""
        if self._md is None:
            config = self._config
            self._md = markdown.Markdown(extensions=config["markdown_extensions"],
                                         extension_configs=config["mdx_configs"] or {})
        else:
            self._md.reset()
        return self._md
