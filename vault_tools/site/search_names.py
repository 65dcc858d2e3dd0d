"""What the site's search knows beyond a page's text: the names of the people, companies and
careers, so that searching a name (or an alias) finds that note's own page first.

Material's search plugin writes `search/search_index.json`: one entry per section of a page,
with the fields `title` (boost 1000) and `text` (boost 1), and a `config` naming the fields
its worker indexes. Its worker indexes every field the config names, so one more field,
`names`, given to the first entry of each contact's, company's and career's page only, puts
that page above every page that merely mentions the name (a conversation titled "Priya Raman:
portfolio review" mentions Priya in its title and text; only her own page has her name as its
name). The field is not shown in the results: a result still shows its title and text.
A second field, `facts`, holds the same page's public role, company, location, industry and
tags as its card shows them (so `publish_fields` and privacy decide them as they decide the
card): searching "Seattle" lists the people and companies there before pages that mention it.

The fields are set on Material's entries as each page is indexed (`on_page_context`, after the
search plugin's), so the index is written once, by Material, with them. Only public notes that
have a page get names; a name or alias is on the page already (its title, and the card's
Aliases row), so the index holds nothing the page does not, and the leak scan, which reads the
written index, covers it all the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ..views.card import card_rows
from ..views.common import CardItem, Ref, SiteView

FIELD = "names"
# Above `title` (1e3), so a name outranks a title that holds it, and below Material's `tags`
# (1e6), which is a page's own choice. Lunr multiplies a field's score by its boost.
BOOST = 1e4
FACTS = "facts"
# Above a page's text, below any title: a fact helps only among pages that do not name it.
FACTS_BOOST = 1e2
# The note types whose name is what a reader searches for.
NAMED_TYPES = frozenset({"contact", "company", "career"})
# The card's rows that say where someone or something is: what a reader may search by.
FACT_KEYS = frozenset({"role", "company", "location", "industry", "tags"})


class PageWords(NamedTuple):
    """What the search index gets of one page beyond its text: its names and its facts."""

    names: tuple[str, ...]
    facts: tuple[str, ...] = ()


class PageNames:
    """The names (name, title when it differs, aliases) and facts (the card's role, company,
    location, industry and tags) of each public contact, company and career that has a page,
    by that page's URL as the search index writes it (`urls`: note path -> page URL relative
    to the site root): `get(location)`. Each page's are worked out when first asked (a build
    that keeps most pages from the site cache asks for a few of 5,000), once for a view and
    the `urls` given with it (the view's memo: a save that changes no note's card keeps
    them)."""

    def __init__(self, view: SiteView, urls: Mapping[str, str]) -> None:
        self._view = view
        known = view.memo.get(FIELD)
        if known is None or known[0] != urls:
            known = view.memo[FIELD] = (dict(urls), {})
        self._found: dict[str, PageWords | None] = known[1]
        self._paths = {location(url): path for path, url in urls.items()}

    def get(self, where: str) -> PageWords | None:
        """What the page at `where` (`location`) gets; None for a page that gets nothing."""
        if where in self._found:
            return self._found[where]
        path = self._paths.get(where)
        note = self._view.index.get(path) if path is not None else None
        words = None
        if note is not None and note.type in NAMED_TYPES and self._view.is_public(path):
            names = _unique(str(name) for name in (note.name, note.title, *note.aliases))
            facts = _unique(_fact_text(item) for row in card_rows(self._view, note)
                            if row.key.lower() in FACT_KEYS for item in row.items)
            words = PageWords(names, facts) if names else None
        self._found[where] = words
        return words


def _fact_text(item: CardItem) -> str:
    if isinstance(item, Ref):
        # A link to a private note shows as "a private note": nothing to search for.
        return item.text.lstrip("#") if item.status == "ok" else ""
    if isinstance(item, str):
        return item
    return ""  # dates and addresses: not what a reader looks someone up by


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        value = " ".join(value.split())
        if value and value not in out:
            out.append(value)
    return tuple(out)


def location(url: str) -> str:
    """A page URL as the search index writes it."""
    # Material writes a page's location as MkDocs' URL, the home page as "" (not "./").
    return "" if url in ("./", ".") else url


def search_index(plugins: Mapping[str, Any]) -> Any:
    """Material's search index of this build (its `entries` and `config`), or None without
    Material's search plugin. Its entries are written to `search/search_index.json` in its
    `on_post_build`: a page's fields given here are in the file without reading it again."""
    for name in ("material/search", "search"):
        plugin = plugins.get(name)
        index = getattr(plugin, "search_index", None)
        if isinstance(getattr(index, "entries", None), list) \
                and isinstance(getattr(index, "config", None), dict):
            return index
    return None


def name_page(entries: list[Any], fields: dict[str, Any], url: str,
              words: PageWords | None) -> None:
    """Give the page at `url` its `words`: the `names` and `facts` fields configured in
    `fields` (the index's field boosts) and set on the page's own entry, which Material has
    just appended with its sections to `entries` (its last entries: the page's only). Nothing
    for a page without words, or one search left out (`search.exclude`)."""
    if words is None:
        return
    own = location(url)
    fields.setdefault(FIELD, {"boost": BOOST})
    fields.setdefault(FACTS, {"boost": FACTS_BOOST})
    for entry in reversed(entries):
        found = entry.get("location") if isinstance(entry, dict) else None
        if not isinstance(found, str) or found.split("#")[0] != own:
            return  # past this page's entries
        if found == own:
            entry[FIELD] = " ".join(words.names)
            entry[FACTS] = " ".join(words.facts)
            return
