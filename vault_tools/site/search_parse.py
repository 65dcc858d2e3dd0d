"""Material's search parse of each page, made by a second process while the pages are read: the
speed trick for a build that renders many pages (~12% of a cold build's own process at 1,000
notes was this parse).

Material's search plugin indexes a page when its context is made, as the page is written
(`on_page_context`): its HTML `Parser` divides the page's content into sections, and each
section not excluded becomes an entry. A build reads (renders) every page before it writes any,
so the sections can be worked out meanwhile. `SearchParses.start` forks a process before the
vault is loaded, while this one is small (`aside.Aside`); `page` hands it each page's content
as the page is read; `install` makes the index take a page's sections from it, only when the
page it indexes holds the very content the build gave it back before writing it (the same
string: a plugin that changed it since gets Material's own parse), and Material's own parse
otherwise. The entries are Material's: its own `create_entry_for_section` makes each one.
`tests/test_search_parse.py` holds the index equal to the plain path's, page for page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import aside

# What the index reads of a section: its id, its title's fragments and its text's, each list
# joined into one (an empty list left empty: Material gives such a section the page's title).
Sections = list[tuple[str | None, list[str], list[str]]]


def sections_of(content: str) -> Sections:
    """The sections Material's search `Parser` finds in a page's `content` that are not
    excluded from search, as the index reads them (see `Sections`)."""
    from material.plugins.search.plugin import Parser  # type: ignore[import-untyped]

    parser = Parser()
    parser.feed(content)
    parser.close()
    return [(section.id, ["".join(section.title)] if section.title else [],
             ["".join(section.text)] if section.text else [])
            for section in parser.data if not section.is_excluded()]


def _parse(item: tuple[str, str]) -> tuple[str, Sections]:
    """The second process's job: (a page's source path, its sections)."""
    src_uri, content = item
    return src_uri, sections_of(content)


class SearchParses:
    """The search parses of one build's pages, made by a second process (see the module)."""

    def __init__(self, parsing: aside.Aside[tuple[str, str], tuple[str, Sections]]) -> None:
        self._parsing: aside.Aside[tuple[str, str], tuple[str, Sections]] | None = parsing
        self._sections: dict[str, Sections] = {}
        # The page being written, and the content given back to it (`expect`).
        self._expected: tuple[Any, str] | None = None

    @classmethod
    def start(cls) -> SearchParses | None:
        """Fork the second process now (before the vault is loaded); None where this process
        may not fork (`aside.available`) or no process could be had."""
        if not aside.available():
            return None
        parsing: aside.Aside[tuple[str, str], tuple[str, Sections]] = aside.Aside(_parse)
        try:
            parsing.start()
        except OSError:
            return None
        return cls(parsing)

    def page(self, src_uri: str, content: str | None) -> None:
        """Hand over the content of a page just read (to be parsed meanwhile)."""
        if self._parsing is not None and content:
            try:
                self._parsing.put((src_uri, content))
            except aside.AsideError:  # (it stopped: every page is left to Material's parse)
                self.discard()

    def taken(self) -> None:
        """Wait for the sections of every page handed over (the pages are about to be
        written); after this, no page is handed over. A second process that stopped short
        leaves every page to Material's own parse."""
        parsing, self._parsing = self._parsing, None
        if parsing is None:
            return
        try:
            self._sections = dict(parsing.close())
        except aside.AsideError:
            self._sections = {}

    def discard(self) -> None:
        """Stop the second process, whatever it was doing (it changes nothing)."""
        parsing, self._parsing = self._parsing, None
        if parsing is not None:
            parsing.kill()

    def expect(self, page: Any, content: str) -> None:
        """`page` is written next, with `content` given back to it: the content it was read
        with (handed over by `page`)."""
        self._expected = (page, content)

    def install(self, index: Any) -> None:
        """Make Material's search `index` take each page's sections from here (see the
        module): for this build, which writes the pages next."""
        material = index.add_entry_from_context
        index.add_entry_from_context = self._adding(index, material)

    def _adding(self, index: Any, material: Callable[[Any], None]) -> Callable[[Any], None]:
        def add_entry_from_context(page: Any) -> None:
            # As Material's: a page excluded from search adds nothing.
            search = page.meta.get("search") or {}
            if search.get("exclude"):
                return
            expected, self._expected = self._expected, None
            sections = self._sections.pop(page.file.src_uri, None)
            if (sections is None or expected is None or expected[0] is not page
                    or page.content is not expected[1]):
                material(page)  # (changed since it was read, or never parsed aside)
                return
            from material.plugins.search.plugin import (
                Element,
                Section,
            )

            for section_id, title, text in sections:
                section = Section(Element("hx"))
                section.id, section.title, section.text = section_id, title, text
                index.create_entry_for_section(section, page.toc, page.url, page)

        return add_entry_from_context

