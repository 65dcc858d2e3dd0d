"""Material's search parse made by a second process while the pages are read
(`vault_tools.site.search_parse`) gives the index Material's own parse gives: the same entries
for any page, the same site byte for byte, and Material's parse wherever the content indexed is
not the content read or the second process gave nothing."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import SearchIndex

import vault_tools.site.search_parse as search_parse
from vault_tools.site.build import build_site
from vault_tools.site.search_parse import SearchParses, sections_of
from vault_tools.vault import find_vault

from .conftest import copy_obsidian_help
from .test_generator import gv

CONFIG = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}}

words = st.sampled_from(["alpha", "Beta", "", " ", "x&amp;y", "<b>bold</b>", "é", "\n"])
attrs = st.sampled_from(["", ' id="a"', ' id="b"', " data-search-exclude",
                         ' class="linenodiv"', ' id="c" data-search-exclude'])
tags = st.sampled_from(["h1", "h2", "h3", "p", "li", "ul", "code", "pre", "div", "span",
                        "script", "style", "sup", "table", "td", "img", "br"])


@st.composite
def html(draw) -> str:
    """Page content of the shapes Markdown makes, and some it never does (unclosed tags,
    headings without ids, excluded blocks, text before any heading)."""
    parts = []
    for _ in range(draw(st.integers(0, 14))):
        tag, attr = draw(tags), draw(attrs)
        inner = "".join(draw(st.lists(words, max_size=3)))
        closed = draw(st.booleans()) or tag in ("h1", "h2", "h3")
        parts.append(f"<{tag}{attr}>{inner}" + (f"</{tag}>" if closed else ""))
    return "".join(parts)


def page(content: str, *, title="Title", tags=None, search=None, toc=()) -> SimpleNamespace:
    meta = {"title": title} if title is not None else {}
    if tags is not None:
        meta["tags"] = tags
    if search is not None:
        meta["search"] = search
    return SimpleNamespace(content=content, meta=meta, title="Page", url="notes/x/",
                           toc=list(toc), file=SimpleNamespace(src_uri="notes/x.md"))


def entries(content: str, aside: bool, **kwargs) -> list[dict]:
    """The index's entries for one page: Material's parse, or the sections made aside."""
    index = SearchIndex(**CONFIG)
    shown = page(content, **kwargs)
    if aside:
        parses = SearchParses.__new__(SearchParses)
        parses._parsing, parses._sections, parses._expected = None, {}, None
        parses._sections[shown.file.src_uri] = sections_of(content)
        parses.install(index)
        parses.expect(shown, shown.content)
    index.add_entry_from_context(shown)
    return index.entries


@settings(max_examples=300, deadline=None)
@given(html(), st.sampled_from([None, "", "Named"]),
       st.sampled_from([None, ["t", 3, None, ""], "not a list"]),
       st.sampled_from([None, {"boost": 2}, {"exclude": True}]))
def test_the_sections_made_aside_give_materials_entries(content, title, tags, search) -> None:
    kwargs = {"title": title, "tags": tags, "search": search}
    assert entries(content, aside=True, **kwargs) == entries(content, aside=False, **kwargs)


def test_a_page_whose_content_changed_since_it_was_read_gets_materials_parse() -> None:
    """A plugin that changes a page's content before the search plugin indexes it: the
    sections of the content read are not used."""
    read = '<h1 id="a">Read</h1><p>old words</p>'
    index = SearchIndex(**CONFIG)
    shown = page(read)
    parses = SearchParses.__new__(SearchParses)
    parses._parsing, parses._expected = None, None
    parses._sections = {shown.file.src_uri: sections_of(read)}
    parses.install(index)
    parses.expect(shown, shown.content)
    shown.content = '<h1 id="a">Changed</h1><p>new words</p>'
    index.add_entry_from_context(shown)
    assert [(e["title"], e["text"]) for e in index.entries] == [("Changed", "<p>new words</p>")]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Obsidian's help's shapes and a generated vault's notes, in one vault."""
    root = copy_obsidian_help(tmp_path_factory.mktemp("search") / "vault")
    generated = gv.generate_vault(tmp_path_factory.mktemp("gen") / "vault", 80, seed=9)
    shutil.copytree(generated / "notes", root / "notes" / "people", dirs_exist_ok=True)
    for note in (root / "notes" / "people").rglob("*.md"):  # (the build refuses to publish
        text = note.read_text(encoding="utf-8")              # their words in public notes)
        note.write_text(text.replace("\nprivate: true\n", "\n"), encoding="utf-8")
    return root


def site(root: Path) -> dict[str, bytes]:
    folder = root / "site"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def built(vault: Path, where: Path) -> dict[str, bytes]:
    shutil.copytree(vault, where)
    build_site(find_vault(where), clean=True)
    return site(where)



def sections_taken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pages' sections each build took from the second process, as it takes them."""
    used: list[int] = []
    taken = SearchParses.taken

    def counted(self):
        taken(self)
        used.append(len(self._sections))

    monkeypatch.setattr(SearchParses, "taken", counted)
    return used


@pytest.mark.slow
def test_a_build_with_the_parses_made_aside_is_byte_for_byte_a_build_without(
        vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    used = sections_taken(monkeypatch)
    aside = built(vault, tmp_path / "aside")
    assert used and used[0] > 100  # (the pages' sections did come from the second process)
    monkeypatch.setattr(SearchParses, "start", classmethod(lambda cls: None))
    plain = built(vault, tmp_path / "plain")
    assert aside.keys() == plain.keys()
    assert [name for name in aside if aside[name] != plain[name]] == []
    assert b"people" in aside["search/search_index.json"]


@pytest.mark.slow
def test_a_second_process_that_dies_leaves_every_page_to_materials_parse(
        vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed by another program halfway (out of memory, say), it gives nothing: every page
    is parsed as Material parses it, and the site is the same."""
    plain_parse = search_parse.sections_of
    parent = os.getpid()
    count = [0]

    def dies(content):
        count[0] += 1
        if count[0] == 20 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return plain_parse(content)

    monkeypatch.setattr(search_parse, "sections_of", dies)
    used = sections_taken(monkeypatch)
    dead = built(vault, tmp_path / "dead")
    assert used == [0]
    monkeypatch.setattr(SearchParses, "start", classmethod(lambda cls: None))
    assert dead == built(vault, tmp_path / "plain")
