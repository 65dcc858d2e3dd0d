"""The index updated note by note must equal an index built from scratch (for the watcher)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note

NAMES = ["Ann", "Bob", "Cy", "ann"]
FOLDERS = ["", "contacts/", "companies/"]


@st.composite
def note_texts(draw) -> str:
    links = draw(st.lists(st.sampled_from([*NAMES, "contacts/Bob", "Nobody"]), max_size=3))
    aliases = draw(st.lists(st.sampled_from(NAMES), max_size=2))
    front = f"---\naliases: [{', '.join(aliases)}]\n---\n" if aliases else ""
    return front + " ".join(f"[[{link}]]" for link in links) + "\n"


operations = st.lists(
    st.tuples(
        st.sampled_from(["put", "remove"]),
        st.sampled_from([f + n + ".md" for f in FOLDERS for n in NAMES[:3]]),
        note_texts(),
    ),
    max_size=12,
)


def graph(index: VaultIndex) -> dict:
    return {
        "resolved": {n.path: index.resolutions(n.path) for n in index},
        "backlinks": {n.path: [(b.source, b.link) for b in index.backlinks(n.path)]
                      for n in index},
        # The same links by source, as callers reading many notes' backlinks get them
        # (each note's put in order in place when first asked, then kept in order).
        "by_source": {n.path: [(source, list(links))
                               for source, links in index.backlinks_by_source(n.path)]
                      for n in index},
        "placeholders": index.placeholders(),
        "diagnostics": index.diagnostics(),
    }


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(operations)
def test_incremental_updates_equal_a_full_rebuild(ops) -> None:
    index = VaultIndex()
    current: dict[str, str] = {}
    for op, path, text in ops:
        before = graph(index)
        if op == "put":
            affected = index.put(parse_note(path, text))
            current[path] = text
        else:
            affected = index.remove(path)
            current.pop(path, None)
        fresh = VaultIndex(parse_note(p, t) for p, t in current.items())
        assert graph(index) == graph(fresh)
        # Every other note whose backlinks changed must be reported as affected.
        after = graph(index)
        for other in current:
            if other == path:
                continue
            if before["backlinks"].get(other) != after["backlinks"].get(other):
                assert other in affected


@settings(max_examples=60, deadline=None)
@given(operations)
def test_backlinks_first_asked_after_updates_equal_a_full_rebuild(ops) -> None:
    # The backlinks table is made when first asked (`check` never asks): updates made before
    # then must leave it what a full rebuild gives, and so must updates made after.
    index = VaultIndex(parse_note(f"{n}.md", f"[[{n}]] [[Bob]]\n") for n in NAMES[:3])
    current = {f"{n}.md": f"[[{n}]] [[Bob]]\n" for n in NAMES[:3]}
    for op, path, text in ops:
        if op == "put":
            index.put(parse_note(path, text))
            current[path] = text
        else:
            index.remove(path)
            current.pop(path, None)
    assert graph(index) == graph(VaultIndex(parse_note(p, t) for p, t in current.items()))
    for op, path, text in ops:  # and once it is made, kept up to date
        if op == "put":
            index.put(parse_note(path, text))
            current[path] = text
    assert graph(index) == graph(VaultIndex(parse_note(p, t) for p, t in current.items()))


@pytest.mark.parametrize("written", ["Ann.md", "contacts/Ann.md", "ANN.MD"])
def test_a_front_matter_name_written_with_md_finds_a_note_that_arrives_later(written: str
                                                                             ) -> None:
    # A bare front-matter name keeps its `.md` as its target; the note's arrival re-resolved
    # only links waiting for "ann", so `introduced_by: Ann.md` stayed broken (the watcher's
    # index, and a rename to Ann, which refused as a result).
    bob = parse_note("contacts/Bob.md", f"---\nintroduced_by: {written}\n---\n")
    ann = parse_note("contacts/Ann.md", "# Ann\n")
    index = VaultIndex([bob])
    index.put(ann)
    assert graph(index) == graph(VaultIndex([bob, ann]))
    assert index.resolutions("contacts/Bob.md")[0].path == "contacts/Ann.md"


def test_backlinks_stay_in_order_when_a_link_arrives_after_they_were_asked() -> None:
    index = VaultIndex([parse_note("b.md", "[[Ann]]\n"), parse_note("Ann.md", "x\n"),
                        parse_note("c.md", "[[Ann]] and [[Ann]]\n")])
    assert [b.source for b in index.backlinks("Ann.md")] == ["b.md", "c.md", "c.md"]
    index.put(parse_note("a.md", "one\n[[Ann]]\n[[Ann]] [[Ann]]\n"))
    assert [(b.source, b.link.line, b.link.col) for b in index.backlinks("Ann.md")] == [
        ("a.md", 2, 1), ("a.md", 3, 1), ("a.md", 3, 9), ("b.md", 1, 1), ("c.md", 1, 1),
        ("c.md", 1, 13)]
    assert [(s, [lk.line for lk in links]) for s, links in index.backlinks_by_source("Ann.md")
            ] == [("a.md", [2, 3, 3]), ("b.md", [1]), ("c.md", [1, 1])]


def test_a_backlink_made_without_its_init_equals_one_made_with_it() -> None:
    # `VaultIndex.backlinks` builds each Backlink through `index._backlink` (a fill makes
    # ~75,000): equal, hashed, shown and frozen alike.
    import dataclasses

    from vault_tools.index import Backlink, _backlink
    from vault_tools.notes import Link

    link = Link("Ann", 3, 5, heading="Notes", context="met [[Ann#Notes]]")
    fast, plain = _backlink("a.md", link), Backlink("a.md", link)
    assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.source = "b.md"  # type: ignore[misc]
    index = VaultIndex([parse_note("a.md", "[[b]] and [[b]]\n"), parse_note("b.md", "x\n")])
    assert index.backlinks("b.md") == [Backlink("a.md", link) for link in
                                       index.notes["a.md"].links]


def test_backlinks_from_one_source_come_in_line_then_column_order() -> None:
    text = ('---\nwith: "[[b]]"\nalso: ["[[b]]", "[[b|B]]"]\n---\n[[b#x]] then [[b]] [[b|y]]\n'
            "- [[b]]\n")
    index = VaultIndex([parse_note("a.md", text), parse_note("b.md", "x\n"),
                        parse_note("c.md", "[[b]]\n")])
    found = [(b.source, b.link.line, b.link.col) for b in index.backlinks("b.md")]
    assert found == [("a.md", 2, 0), ("a.md", 3, 0), ("a.md", 3, 0), ("a.md", 5, 1),
                     ("a.md", 5, 14), ("a.md", 5, 20), ("a.md", 6, 3), ("c.md", 1, 1)]


@given(st.dictionaries(st.sampled_from(["a.md", "b.md", "c/d.md", "C.md"]),
                       st.lists(st.tuples(st.integers(1, 3), st.integers(0, 3)), min_size=1,
                                max_size=3),
                       max_size=4))
def test_backlinks_in_order_are_told_apart_from_backlinks_out_of_order(spec) -> None:
    """A note's backlinks are copied in order unless they are in order already
    (`index._in_order`): it says so exactly when the copy would be the same."""
    from vault_tools.index import _in_order
    from vault_tools.notes import Link

    by_source = {source: [Link("x", line, col, label=str(n))
                          for n, (line, col) in enumerate(places)]
                 for source, places in spec.items()}
    ordered = {source: sorted(by_source[source], key=lambda lk: (lk.line, lk.col))
               for source in sorted(by_source)}
    same = list(ordered.items()) == list(by_source.items())
    assert _in_order(by_source) == same
