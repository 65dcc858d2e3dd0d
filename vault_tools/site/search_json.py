"""Material's search index as JSON, each page's entries written once while they last.

Material's search plugin writes `search/search_index.json` after every build with one
`json.dumps` of all the entries (~0.15 s at 5,000 notes). While serving, a save changes the
entries of a page or two: the others are the very entries (the same objects) the last build
gave, kept by `incremental.LiveSite` with their pages. `SearchJson` keeps each entry's JSON and
writes the index from the pieces: the same bytes, since JSON with Material's separators puts a
list's items one after the other, each written as `json.dumps` writes it alone.

An entry is written again unless it is the same object as before and equal to the copy taken
when it was written (its fields, which nothing changes once its page is rendered). Told the
entries page by page (`expect`, by `incremental.LiveSite`), the JSON is kept per page instead:
a page whose list of entries is the very list of the last index, holding the same entries
unchanged, is one piece (at 20,000 notes, ~100,000 entries are ~20,000 pieces). The first
index of a process is written both ways and compared: the pieces are used only if they gave
Material's bytes; a site cache's record made by a run that found them so (the same code,
libraries and configuration) stands for that comparison (`agreed_before`). That record holds
each page's entries as this module writes them (`entries_json`): a page a run keeps from it
gives its part of the index as recorded (`recorded`), so the first index of a run writes
only the entries of the pages it rendered (the others were ~0.1 s at 5,000 notes).
`tests/test_search_json.py` holds the result equal to Material's own.
"""

from __future__ import annotations

import json
import operator
from itertools import chain
from typing import Any

# As `material.plugins.search.plugin.SearchIndex.generate_search_index` writes the index.
_CONFIG_KEYS = ("lang", "separator", "pipeline", "fields")
_SEPARATORS = (",", ":")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=_SEPARATORS, default=str)


def entries_json(entries: list[dict[str, Any]]) -> str:
    """A page's search entries as a JSON list, each written as Material writes it in its
    index: the index's part for the page is this without its brackets."""
    return f"[{','.join(_dumps(entry) for entry in entries)}]"


class SearchJson:
    """The JSON of a search index's entries, remembered from one build to the next."""

    def __init__(self) -> None:
        # id(entry) -> (the entry, a copy of it as written, its JSON)
        self._written: dict[int, tuple[dict[str, Any], dict[str, Any], str]] = {}
        # id(a page's list of entries) -> (the list, its entries, copies of them, their JSON)
        self._pages: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]],
                                     list[dict[str, Any]], str]] = {}
        self._expected: list[list[dict[str, Any]]] | None = None
        self.agrees: bool | None = None  # whether the index's own JSON was found the same

    def install(self, index: Any) -> None:
        """Have Material's search `index` write its JSON through this. The first time, its
        own way too, and the two compared: another search plugin's format, or another
        version's, is left to write as it does (for good)."""
        original = index.generate_search_index  # (bound)
        if getattr(original, "_vault_search_json", False):
            return

        def generate_search_index(*args: Any) -> str:
            if self.agrees is False or any(args):  # (Material's dirty reload: its own way)
                return str(original(*args))
            if self.agrees is None:
                plain = str(original(*args))
                if not index.entries:
                    return plain  # (nothing to compare an entry's JSON with yet)
                try:
                    self.agrees = self.json(index.config, index.entries) == plain
                except (AttributeError, KeyError, TypeError, ValueError):
                    self.agrees = False
                return plain
            return self.json(index.config, index.entries)

        generate_search_index._vault_search_json = True  # type: ignore[attr-defined]
        index.generate_search_index = generate_search_index

    def agreed_before(self) -> None:
        """The index's own JSON was found the same by a run of this very code, libraries and
        configuration (the site cache's key says so): the first index is not written both ways
        again (Material's own, one `json.dumps` of every entry, ~0.08 s at 5,000 notes)."""
        if self.agrees is None:
            self.agrees = True

    def expect(self, pages: list[list[dict[str, Any]]]) -> None:
        """The next index's entries, page after page: each page's list of entries. Used only
        if the index holds exactly these entries (the same objects, in this order)."""
        self._expected = pages

    def recorded(self, page: list[dict[str, Any]], written: str) -> None:
        """`page`'s entries (a page's list of them, decoded from `written`) were written as
        `written` (`entries_json`) by an earlier run: the site cache's record, which holds
        each page's entries so. The next index takes the page's part from it, as it takes
        the JSON of a page it wrote itself, while the list and its entries stay the same."""
        self._pages[id(page)] = (page, list(page), [dict(entry) for entry in page],
                                 written[1:-1])

    def written(self, page: list[dict[str, Any]]) -> str | None:
        """`page`'s entries as `entries_json` writes them, when the last index wrote this very
        list as a page's part (None otherwise)."""
        known = self._pages.get(id(page))
        if (known is None or known[0] is not page or not _same_objects(page, known[1])
                or page != known[2]):
            return None
        return f"[{known[3]}]"

    def json(self, config: Any, entries: list[dict[str, Any]]) -> str:
        """What Material writes for an index of `config` holding `entries`."""
        head = _dumps({"config": {key: config[key] for key in _CONFIG_KEYS}, "docs": []})
        pages, self._expected = self._expected, None
        if pages is not None and _same_objects(list(chain.from_iterable(pages)), entries):
            self._written = {}
            return _index(head, [piece for piece in self._by_page(pages) if piece])
        self._pages = {}
        written: dict[int, tuple[dict[str, Any], dict[str, Any], str]] = {}
        pieces = []
        for entry in entries:
            known = self._written.get(id(entry))
            if known is None or known[0] is not entry or known[1] != entry:
                known = (entry, dict(entry), _dumps(entry))
            written[id(entry)] = known
            pieces.append(known[2])
        self._written = written
        return _index(head, pieces)

    def _by_page(self, pages: list[list[dict[str, Any]]]) -> list[str]:
        """Each page's entries' JSON, one after the other ("" for a page of none)."""
        kept = {}
        pieces = []
        for page in pages:
            known = self._pages.get(id(page))
            if (known is None or known[0] is not page or not _same_objects(page, known[1])
                    or page != known[2]):
                known = (page, list(page), [dict(entry) for entry in page],
                         ",".join(_dumps(entry) for entry in page))
            kept[id(page)] = known
            pieces.append(known[3])
        self._pages = kept
        return pieces


def _index(head: str, pieces: list[str]) -> str:
    """`head` (`{"config":{...},"docs":[]}`) with `pieces` between the brackets, made in one
    join: the index is tens of megabytes, and each further concatenation copies it again."""
    if not pieces:
        return head
    parts = [head[:-2]]
    for piece in pieces:
        parts += (piece, ",")
    parts[-1] = "]}"
    return "".join(parts)


def _same_objects(found: list[Any], known: list[Any]) -> bool:
    """True when the two lists hold the very same objects, in the same order."""
    return len(found) == len(known) and all(map(operator.is_, found, known))
