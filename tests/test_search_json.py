"""The search index written from each entry's remembered JSON (`site.search_json`) is, byte
for byte, what Material's search plugin writes, however the entries changed since."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from material.plugins.search.plugin import SearchIndex

from vault_tools.site.search_json import SearchJson

CONFIG = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": ["stemmer"],
          "fields": {"title": {"boost": 1000.0}}, "min_search_length": 3}

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["</script>", "Zoë \u2028 \"quoted\"", "<p>Leila</p>", ""])
entry = st.fixed_dictionaries(
    {"location": text, "title": text, "text": text},
    optional={"tags": st.lists(text, max_size=3), "boost": st.sampled_from([1, 2.5, None])})


def material(entries: list[dict]) -> str:
    index = SearchIndex(**CONFIG)
    index.entries = entries
    return index.generate_search_index(None)


@given(first=st.lists(entry, max_size=6), later=st.lists(entry, max_size=6),
       changed=st.lists(st.tuples(st.integers(0, 5), text), max_size=3))
def test_an_index_written_from_pieces_is_materials(first, later, changed) -> None:
    written = SearchJson()
    assert written.json(CONFIG, first) == material(first)
    # Kept entries (the same objects), new ones, and kept ones changed in place.
    entries = first[::2] + later
    for at, value in changed:
        if at < len(entries):
            entries[at]["title"] = value
    assert written.json(CONFIG, entries) == material(entries)


def test_an_installed_index_writes_materials_bytes_and_checks_them_once() -> None:
    index = SearchIndex(**CONFIG)
    written = SearchJson()
    written.install(index)
    written.install(index)  # (once is enough: a second install changes nothing)
    assert index.generate_search_index(None) == material([])
    assert written.agrees is None, "an index of no entries vouches for no entry's JSON"
    index.entries = [{"location": "a/", "title": "A", "text": "alpha"}]
    assert index.generate_search_index(None) == material(index.entries)
    assert written.agrees is True
    index.entries = [*index.entries, {"location": "b/", "title": "B", "text": "</p>beta"}]
    assert index.generate_search_index(None) == material(index.entries)


def test_an_index_of_another_format_writes_its_own() -> None:
    class Other(SearchIndex):
        def generate_search_index(self, prev):  # another version's shape
            return '{"docs":[]}'

    index = Other(**CONFIG)
    written = SearchJson()
    written.install(index)
    index.entries = [{"location": "a/", "title": "A", "text": "alpha"}]
    assert index.generate_search_index(None) == '{"docs":[]}'
    assert written.agrees is False
    assert index.generate_search_index(None) == '{"docs":[]}'


@given(first=st.lists(st.lists(entry, max_size=3), max_size=5),
       later=st.lists(st.lists(entry, max_size=3), max_size=3),
       changed=st.lists(st.tuples(st.integers(0, 7), text), max_size=3),
       wrong=st.booleans())
def test_an_index_written_page_by_page_is_materials(first, later, changed, wrong) -> None:
    """Told the entries page by page (as `LiveSite` tells it), the index is Material's: kept
    pages (the same lists), new pages, kept pages whose entries changed in place, and a
    telling that does not match the entries (then ignored)."""
    written = SearchJson()
    written.expect(first)
    flat = [e for page in first for e in page]
    assert written.json(CONFIG, flat) == material(flat)
    pages = first[::2] + later
    entries = [e for page in pages for e in page]
    for at, value in changed:
        if at < len(entries):
            entries[at]["title"] = value
    if wrong and entries:
        entries = entries[1:]
    written.expect(pages)
    assert written.json(CONFIG, entries) == material(entries)
    written.expect(pages)  # (the same again: every page from its piece)
    assert written.json(CONFIG, entries) == material(entries)
