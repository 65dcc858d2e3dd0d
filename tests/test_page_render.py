"""The pages of a build rendered with one Markdown converter, reset between pages
(`page_render`), are the pages MkDocs renders with a new converter each: the same HTML, table
of contents, title, anchors and links to anchors, whatever pages came before; a site with an
extension not known to reset its state is rendered by MkDocs itself."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from vault_tools.site import page_render
from vault_tools.site.build import build_site
from vault_tools.site.page_render import RESETTABLE, PageRenderer, reusable
from vault_tools.vault import find_vault

EXTENSIONS: list[Any] = [
    "toc", "tables", "fenced_code", "admonition", "footnotes", "attr_list", "md_in_html",
    "def_list", "abbr", "sane_lists", {"pymdownx.tasklist": {"custom_checkbox": True}},
    "pymdownx.details", "pymdownx.mark", "pymdownx.superfences"]

# Pieces of Markdown each extension acts on, some left open at the end of a page (a callout,
# a footnote, a fence, a list) so the next page starts after them.
PIECES = [
    "# Title {#own-id}\n",
    "## Same\n\n## Same\n",
    "Text with a footnote[^1].\n\n[^1]: The note.\n",
    "Another[^1] and[^x].\n\n[^1]: Again one.\n",
    "*[HTML]: Hyper Text\n\nSome HTML here.\n",
    "!!! note \"Callout\"\n    Inside.\n\n    More inside.\n",
    "!!! warning\n    Cut short",
    "??? tip \"Closed\"\n    Hidden.\n",
    "```python\nprint('x')\n```\n",
    "```\nunclosed fence\n",
    "- [ ] open task\n- [x] done task\n",
    "1. one\n2. two\n\n* a\n* b\n",
    "Term\n:   Definition\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "==marked== text\n",
    "<div markdown>\n**inside** html\n</div>\n",
    "<a id=\"raw-anchor\"></a>\n",
    "[to other](other.md#part) and [to self](#own-id) and [out](https://example.org)\n",
    "![img](pic.png)\n",
    "Text {: .klass }\n",
    "> quote\n> [^2]\n",
    "",
]


def _config(root: Path, extensions: list[Any]) -> Any:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for name in ("other.md", "page.md"):
        (root / "docs" / name).write_text("# Other\n\n## Part\n", encoding="utf-8")
    (root / "docs" / "pic.png").write_bytes(b"\x89PNG\r\n")
    (root / "mkdocs.yml").write_text(yaml.safe_dump(
        {"site_name": "Render", "markdown_extensions": extensions,
         "validation": {"anchors": "info"}}), encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"))
    return config


def _shown(page: Page) -> tuple[Any, ...]:
    def toc(items: Any) -> list[Any]:
        return [(i.title, i.id, i.level, toc(i.children)) for i in items]

    links = {f.src_uri: dict(v) for f, v in (page.links_to_anchors or {}).items()}
    return (page.content, toc(page.toc), page._title_from_render,
            sorted(page.present_anchor_ids or ()), links)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pages=st.lists(st.lists(st.sampled_from(PIECES), max_size=6).map("\n".join),
                      min_size=2, max_size=6))
def test_each_page_is_the_page_mkdocs_renders_whatever_came_before(
        tmp_path_factory, pages) -> None:
    """Pages made of every extension's Markdown, in any order, some left open at their end:
    each rendered by the one converter equals the page MkDocs renders on its own."""
    config = _config(tmp_path_factory.mktemp("render"), EXTENSIONS)
    files = get_files(config)
    file = files.get_file_from_path("page.md")
    renderer = PageRenderer(config)
    assert renderer.reusing
    for text in pages:
        theirs = Page(None, file, config)
        theirs.markdown = text
        theirs.render(config, files)
        ours = Page(None, file, config)
        ours.markdown = text
        with renderer.rendering(ours):
            ours.render(config, files)
        assert _shown(ours) == _shown(theirs)
        assert "render" not in vars(ours)  # (MkDocs's own method again)


def test_the_listed_extensions_are_each_exercised() -> None:
    """Every extension trusted to reset is one the property test renders with."""
    names = {e if isinstance(e, str) else next(iter(e)) for e in EXTENSIONS}
    assert names == set(RESETTABLE)


@pytest.mark.parametrize("extensions", [
    ["toc", "pymdownx.snippets"],  # (not known to reset)
    ["toc", "markdown.extensions.smarty"],
])
def test_a_site_with_another_extension_is_rendered_by_mkdocs(tmp_path, extensions) -> None:
    config = _config(tmp_path, extensions)
    renderer = PageRenderer(config)
    assert not renderer.reusing
    files = get_files(config)
    page = Page(None, files.get_file_from_path("page.md"), config)
    page.markdown = "# Hello\n"
    with renderer.rendering(page):
        assert "render" not in vars(page)
        page.render(config, files)
    assert page.content == '<h1 id="hello">Hello</h1>'


def test_full_names_and_objects() -> None:
    assert reusable(["markdown.extensions.toc", "pymdownx.mark"])
    assert not reusable(["toc", object()])


@pytest.mark.slow
def test_a_vault_site_is_built_the_same_with_one_converter(make_vault, monkeypatch) -> None:
    """A whole `build` of a vault using every extension the site adds: every file the same as
    the build whose pages MkDocs renders one converter each, and the converter made once."""
    notes = {"index.md": "# Home\n\nSee [[Jane Doe]].\n",
             "companies/Acme.md": "---\ntype: company\n---\n# Acme\n\n> [!note] Callout\n"
                                  "> Inside[^1].\n\n[^1]: A footnote.\n"}
    for i, piece in enumerate(PIECES):
        notes[f"contacts/Person {i}.md"] = (
            f"---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n# Person {i}\n\n{piece}\n")
    root = make_vault(notes)
    (root / "mkdocs.yml").write_text(
        "site_name: One converter\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    made: list[int] = []
    converter = PageRenderer._converter

    def counted(self: PageRenderer) -> Any:
        if self._md is None:
            made.append(1)
        return converter(self)

    monkeypatch.setattr(PageRenderer, "_converter", counted)
    one_site = build_site(find_vault(root), clean=True)
    kept = root.parent / "one-converter"
    shutil.copytree(one_site, kept)
    assert made == [1]

    monkeypatch.setattr(page_render, "reusable", lambda extensions: False)
    many = build_site(find_vault(root), clean=True)
    listed = sorted(str(p.relative_to(kept)) for p in kept.rglob("*") if p.is_file())
    assert listed == sorted(str(p.relative_to(many)) for p in many.rglob("*") if p.is_file())
    _same, different, errors = filecmp.cmpfiles(kept, many, listed, shallow=False)
    assert different == [] and errors == []
