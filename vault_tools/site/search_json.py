"""Material's search index as JSON, each page's entries written once while they last.

Material's search plugin writes `search/search_index.json` after every build with one
`json.dumps` of all the entries (~0.15 s at 5,000 notes). While serving, a save changes the
entries of a page or two: the others are the very entries (the same objects) the last build
gave, kept by `incremental.LiveSite` with their pages. `SearchJson` keeps each entry's JSON and
writes the index from the pieces: the same bytes, since JSON with Material's separators puts a
list's items one after the other, each written as `json.dumps` writes it alone.

An entry is written again unless it is the same object as before and equal to the copy taken
when it was written (its fields, which nothing changes once its page is rendered). The first
index of a process is written both ways and compared: the pieces are used only if they gave
Material's bytes. `tests/test_search_json.py` holds the result equal to Material's own.
"""

from __future__ import annotations

import json
from typing import Any

# As `material.plugins.search.plugin.SearchIndex.generate_search_index` writes the index.
_CONFIG_KEYS = ("lang", "separator", "pipeline", "fields")
_SEPARATORS = (",", ":")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=_SEPARATORS, default=str)


class SearchJson:
    """The JSON of a search index's entries, remembered from one build to the next."""

    def __init__(self) -> None:
        # id(entry) -> (the entry, a copy of it as written, its JSON)
        self._written: dict[int, tuple[dict[str, Any], dict[str, Any], str]] = {}
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

    def json(self, config: Any, entries: list[dict[str, Any]]) -> str:
        """What Material writes for an index of `config` holding `entries`."""
        head = _dumps({"config": {key: config[key] for key in _CONFIG_KEYS}, "docs": []})
        written: dict[int, tuple[dict[str, Any], dict[str, Any], str]] = {}
        pieces = []
        for entry in entries:
            known = self._written.get(id(entry))
            if known is None or known[0] is not entry or known[1] != entry:
                known = (entry, dict(entry), _dumps(entry))
            written[id(entry)] = known
            pieces.append(known[2])
        self._written = written
        # `{"config":{...},"docs":[]}`: the entries go between the brackets.
        return head[:-2] + ",".join(pieces) + "]}"
