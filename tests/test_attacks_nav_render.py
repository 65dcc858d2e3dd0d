"""Attacks on the two shortcuts of a build: the navigation rendered once (`nav_once`) and one
Markdown converter per build (`page_render`). Each test builds (or renders) the same thing with
the shortcut and without it and holds the results equal: whole sites byte for byte, or each
page's HTML, table of contents, title, anchors and what it logs.

What these found (fixed in the modules): a theme's `partials/language.html` shown with the
page's context was kept from another page; footnotes with `UNIQUE_IDS` numbered by the page's
place in the build; a page after one whose conversion raised rendered with the parser's
leftover state; a page of a class with its own `render` lost it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
from pathlib import Path
from typing import Any

import mkdocs.commands.build as mkdocs_build
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.blockprocessors import ParagraphProcessor
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from vault_tools.site import nav_once, page_render
from vault_tools.site.build import build_site
from vault_tools.site.nav_once import NAV_ONCE
from vault_tools.site.page_render import PageRenderer
from vault_tools.vault import find_vault

from .test_nav_once import _all_files, _render_site, _same_sites

pytestmark = pytest.mark.slow  # (whole sites built, most of them twice)

# --- helpers -------------------------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _vault_sites(make_vault: Any, monkeypatch: Any, notes: dict[str, str], config: str, *,
                 plain: str, extra: dict[str, str] | None = None) -> tuple[Path, Path]:
    """The vault of `notes` under `config` built with both shortcuts, then with the one named
    by `plain` ("nav" or "render") turned off: the two sites."""
    root = make_vault(notes)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    _write(root, extra or {})
    shortcut = root.parent / "shortcut-site"
    shutil.copytree(build_site(find_vault(root), clean=True), shortcut)
    if plain == "nav":
        monkeypatch.setattr(nav_once, "_wrapped", lambda env: False)
    else:
        monkeypatch.setattr(page_render, "reusable", lambda extensions: False)
    return shortcut, build_site(find_vault(root), clean=True)


def _mkdocs_site(root: Path, site: str, *, once: bool) -> int:
    """`mkdocs build` of the project at `root` into `root/site` (every plugin's events run),
    its pages written within `NAV_ONCE.rendering` when `once`: the navigation's renders."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / site))
    build_page = mkdocs_build._build_page
    renders = [0]
    with contextlib.ExitStack() as stack:
        entered: list[bool] = []

        def building(page: Any, config: Any, doc_files: Any, nav: Any, env: Any,
                     *args: Any, **kwargs: Any) -> Any:
            if once and not entered:
                stack.enter_context(NAV_ONCE.rendering(env, nav))
                entered.append(True)
            result = build_page(page, config, doc_files, nav, env, *args, **kwargs)
            renders[0] = NAV_ONCE.renders
            return result

        mkdocs_build._build_page = building
        try:
            mkdocs_build.build(config)
        finally:
            mkdocs_build._build_page = build_page
    return renders[0]


NOTES = {
    "index.md": "# Home\n\nSee [[Jane Doe]] and [[Bob]].\n",
    "companies/index.md": "# Companies\n",
    "companies/Acme.md": "---\ntype: company\n---\n# Acme\n\n## About\n",
    "contacts/Jane Doe.md": ("---\ntype: contact\ntitle: Janey\nhide: [navigation, toc]\n---\n"
                             "# Jane\n\n## Part\n\n[[Acme]]\n"),
    "contacts/deep/Ann.md": "---\ntype: contact\nhide: [toc]\n---\n# Ann\n\n## One\n",
    "contacts/deep/er/Bob.md": "---\ntype: contact\n---\n# Bob\n\n## One\n\n### Two\n",
    "contacts/deep/er/Carl.md": "---\ntype: contact\n---\n# Carl\n",
    "Top.md": "# Top\n",
}
_VAULT = "site_name: Attack\ndocs_dir: notes\nplugins:\n  - search\n  - vault\n"
_FEATURES = ("navigation.tabs", "navigation.sections", "navigation.indexes", "navigation.prune",
             "navigation.expand", "toc.integrate", "navigation.path", "navigation.footer",
             "navigation.top")
VAULT_CONFIGS = {
    # every feature; another language; a logo, a repository, a homepage elsewhere
    "every feature": _VAULT + (
        "theme:\n  name: material\n  language: de\n  logo: logo.png\n  features: ["
        + ", ".join(_FEATURES) + "]\nrepo_url: https://example.org/repo\n"
        "extra:\n  homepage: https://example.org/\n"),
    # pages as files, and a navigation of the vault's own making
    "no directory URLs": _VAULT + (
        "use_directory_urls: false\ntheme:\n  name: material\n"
        "  features: [navigation.indexes, navigation.sections, toc.integrate]\n"),
    # mkdocs.yml's own navigation: sections, a link, an index page, a note two folders down
    "a navigation of sections": _VAULT + (
        "theme:\n  name: material\n  features: [navigation.indexes, navigation.tabs,"
        " navigation.prune]\n"
        "nav:\n  - Home: index.md\n  - Firms:\n    - companies/index.md\n"
        "    - companies/Acme.md\n    - Out: https://example.org/\n"
        "  - People:\n    - Deep:\n      - contacts/deep/Ann.md\n  - Rel: /somewhere/\n"),
    # the same as files
    "a navigation of sections, as files": _VAULT + (
        "use_directory_urls: false\ntheme:\n  name: material\n"
        "  features: [navigation.indexes, navigation.expand]\n"
        "nav:\n  - index.md\n  - Firms:\n    - companies/index.md\n"
        "    - Deep:\n      - contacts/deep/Ann.md\n    - Out: /abs/\n"),
    # a theme overriding other templates than the navigation's, showing the page
    "a custom_dir of other partials": _VAULT + (
        "theme:\n  name: material\n  custom_dir: overrides\n  features: [navigation.indexes]\n"),
}
OVERRIDES = {
    "overrides/main.html": (
        '{% extends "base.html" %}\n'
        '{% block announce %}{{ page.title }} {{ "x/" | url }}{% endblock %}\n'),
    "overrides/partials/footer.html": "<footer>{{ page.url }}</footer>\n",
    "overrides/partials/toc.html": "<nav class='my-toc'>{{ page.title }}</nav>\n",
}


# --- nav_once -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(VAULT_CONFIGS))
def test_a_vault_site_in_every_configuration_is_built_the_same_with_the_navigation_kept(
        make_vault, monkeypatch, name) -> None:
    """Material's features, a language, a logo, a repository, `extra.homepage`, pages as
    files, mkdocs.yml's own navigation with sections, links and index pages, notes hiding the
    navigation or the table of contents or titled by front matter, a theme overriding other
    partials: every file of the site the same as rendering the navigation for each page."""
    kept, plain = _vault_sites(make_vault, monkeypatch, NOTES, VAULT_CONFIGS[name], plain="nav",
                               extra=OVERRIDES if "custom_dir" in name else None)
    _same_sites(kept, plain)


def test_a_theme_language_partial_showing_the_page_is_rendered_for_each_page(
        tmp_path: Path) -> None:
    """`partials/language.html`, which base.html imports with the page's context, is what the
    navigation's label comes from (`lang.t("nav")`): a theme's that shows the page gives each
    page its own label. (Found: every page not listed showed the first one's.)"""
    _write(tmp_path, {f"docs/{name}.md": f"# {name}\n" for name in ("One", "Two", "Three")})
    _write(tmp_path, {"overrides/partials/language.html": (
        '{% import "partials/languages/en.html" as fallback %}\n'
        '{% macro t(key) %}{% if key == "nav" %}Navigation of {{ page.title if page }}'
        '{% else %}{{ fallback.t(key) or key }}{% endif %}{% endmacro %}\n')})
    text = yaml.safe_dump({"site_name": "Nav once", "nav": [{"One": "One.md"}],
                           "theme": {"name": "material", "custom_dir": "overrides"}})
    _render_site(tmp_path, text, "plain", once=False)
    _render_site(tmp_path, text, "kept", once=True)
    for name in ("Two", "Three"):
        shown = (tmp_path / "kept" / name / "index.html").read_text(encoding="utf-8")
        assert f'aria-label="Navigation of {name}"' in shown
    _same_sites(tmp_path / "plain", tmp_path / "kept")


def test_a_theme_logo_partial_showing_the_page_is_rendered_for_each_page(tmp_path: Path) -> None:
    """An override of `partials/logo.html` (which the navigation includes) showing the page:
    each page its own."""
    _write(tmp_path, {f"docs/{name}.md": f"# {name}\n" for name in ("One", "Two", "Three")})
    _write(tmp_path, {"overrides/partials/logo.html": "<b class='mine'>{{ page.title }}</b>"})
    text = yaml.safe_dump({"site_name": "Nav once", "nav": [{"One": "One.md"}],
                           "theme": {"name": "material", "custom_dir": "overrides"}})
    assert _render_site(tmp_path, text, "kept", once=True) == 0
    for name in ("Two", "Three"):
        shown = (tmp_path / "kept" / name / "index.html").read_text(encoding="utf-8")
        assert f"<b class='mine'>{name}</b>" in shown


def test_material_blog_plugin_site_is_built_the_same(tmp_path: Path) -> None:
    """Material's blog plugin (its index holds its posts, its views are paginated, it wraps
    the `url` filter): the whole `mkdocs build` the same with the navigation kept."""
    posts = {f"docs/blog/posts/p{i}.md": (f"---\ndate: 2024-0{i}-01\ncategories: [C{i % 2}]\n"
                                          f"---\n# Post {i}\n\nText\n<!-- more -->\nMore\n")
             for i in range(1, 8)}
    _write(tmp_path, {"docs/index.md": "# Home\n", "docs/a/x.md": "# X\n",
                      "docs/a/b/y.md": "# Y\n", "docs/blog/index.md": "# Blog\n", **posts})
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Blog\ntheme:\n  name: material\nnav:\n  - index.md\n  - Blog:\n"
        "    - blog/index.md\nplugins:\n  - search\n  - blog:\n      pagination_per_page: 2\n",
        encoding="utf-8")
    _mkdocs_site(tmp_path, "kept", once=True)
    _mkdocs_site(tmp_path, "plain", once=False)
    assert any("page/2" in rel for rel in _all_files(tmp_path / "kept"))
    _same_sites(tmp_path / "kept", tmp_path / "plain")


def test_material_tags_plugin_site_is_built_the_same(tmp_path: Path) -> None:
    """Material's tags plugin (a listing page, tags in the page's context), notes at three
    depths not in the navigation: the same `mkdocs build`, with renders kept."""
    _write(tmp_path, {"docs/index.md": "# Home\n",
                      "docs/a/t.md": "---\ntags: [x]\n---\n# T\n",
                      "docs/a/b/u.md": "---\ntags: [x, y]\n---\n# U\n",
                      "docs/a/b/v.md": "---\ntags: [y]\n---\n# V\n",
                      "docs/tags.md": "# Tags\n\n<!-- material/tags -->\n"})
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Tags\ntheme:\n  name: material\n  features: [navigation.sections]\n"
        "nav:\n  - index.md\n  - tags.md\nplugins:\n  - tags\n", encoding="utf-8")
    renders = _mkdocs_site(tmp_path, "kept", once=True)
    _mkdocs_site(tmp_path, "plain", once=False)
    assert 0 < renders < 3
    _same_sites(tmp_path / "kept", tmp_path / "plain")


def test_serve_rebuilds_with_every_feature_give_mkdocs_own_site(tmp_path: Path) -> None:
    """One LiveSite (as `serve` keeps one: the template stays wrapped) rebuilding after saves
    that add a note deeper than any, retitle the home page in the navigation, and add a
    company: after each, the site is `mkdocs build`'s own, which keeps nothing."""
    from .test_incremental import DEMO_VAULT, Session

    root = tmp_path / "vault"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(
        "site_name: Live vault\ndocs_dir: notes\nuse_directory_urls: false\n"
        "theme:\n  name: material\n  language: de\n  features: [navigation.indexes,"
        " navigation.tabs, navigation.sections, navigation.prune, toc.integrate]\n"
        "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    session = Session(root)
    session.full_build()
    session.write("contacts/deep/a/b/New Person.md",
                  "---\ntype: contact\n---\n# New Person\n\n## Bit\n")
    session.edit("index.md", lambda text: re.sub(r"^# .*$", "# Another home", text, count=1,
                                                 flags=re.MULTILINE))
    session.write("companies/Brand New Co.md", "---\ntype: company\n---\n# Brand New Co\n")


def test_a_build_that_fails_halfway_leaves_the_navigation_as_it_was(tmp_path: Path) -> None:
    """A page whose template fails while the navigation is kept: the build fails, and a
    build after it in the same process renders every page as without the keeping."""
    _write(tmp_path, {f"docs/{d}{n}.md": f"# {n}\n" for d in ("", "a/", "a/b/")
                      for n in ("One", "Two", "Three")})
    text = yaml.safe_dump({"site_name": "Nav once", "nav": [{"One": "One.md"}],
                           "theme": {"name": "material"}})
    (tmp_path / "mkdocs.yml").write_text(text + "site_dir: x\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    env = config.theme.get_env()
    url = env.filters["url"]
    files = get_files(config)
    from mkdocs.structure.nav import get_navigation
    nav = get_navigation(files, config)
    for file in files.documentation_pages():
        page = file.page or Page(None, file, config)
        mkdocs_build._populate_page(page, config, files)
    pages = [f.page for f in files.documentation_pages()]
    with pytest.raises(RuntimeError), NAV_ONCE.rendering(env, nav):
        mkdocs_build._build_page(pages[1], config, files.documentation_pages(), nav, env)
        raise RuntimeError("a later page failed")
    assert env.filters["url"] is url
    _render_site(tmp_path, text, "plain", once=False)
    _render_site(tmp_path, text, "kept", once=True)
    _same_sites(tmp_path / "plain", tmp_path / "kept")


# --- page_render ---------------------------------------------------------------------------


def _config(root: Path, extensions: list[Any], validation: str = "info") -> Any:
    _write(root, {"docs/other.md": "# Other\n\n## Part\n", "docs/page.md": "# Page\n"})
    (root / "mkdocs.yml").write_text(yaml.safe_dump(
        {"site_name": "Render", "markdown_extensions": extensions,
         "validation": {"anchors": validation}}), encoding="utf-8")
    return load_config(str(root / "mkdocs.yml"))


def _shown(page: Page) -> tuple[Any, ...]:
    def toc(items: Any) -> list[Any]:
        return [(i.title, i.id, i.level, toc(i.children)) for i in items]

    links = (None if page.links_to_anchors is None else
             {f.src_uri: dict(v) for f, v in page.links_to_anchors.items()})
    return (page.content, toc(page.toc), page._title_from_render,
            sorted(page.present_anchor_ids or ()), links)


def _both(config: Any, texts: list[str], renderer: PageRenderer | None = None,
          ) -> list[tuple[Any, Any]]:
    """Each text rendered by MkDocs and by one renderer, in order: (theirs, ours), each its
    `_shown` or the exception's repr."""
    files = get_files(config)
    file = files.get_file_from_path("page.md")
    renderer = renderer or PageRenderer(config)
    out = []
    for text in texts:
        results = []
        for ours in (False, True):
            page = Page(None, file, config)
            page.markdown = text
            try:
                if ours:
                    with renderer.rendering(page):
                        page.render(config, files)
                else:
                    page.render(config, files)
                results.append(_shown(page))
            except RecursionError as error:
                results.append(repr(error))
        out.append((results[0], results[1]))
    return out


FOOTNOTED = "Text[^1] and more[^n].\n\n[^1]: One.\n[^n]: Two.\n"


@pytest.mark.parametrize("value", [True, "yes"])
def test_footnotes_with_unique_ids_are_numbered_as_mkdocs_numbers_them(tmp_path, value) -> None:
    """`footnotes` with `UNIQUE_IDS`: each reset of a converter counts one more document in
    its ids. Each page's ids are those of a converter made for it. (Found: the second page's
    footnotes were `fn:3-1`, MkDocs's `fn:2-1`.)"""
    config = _config(tmp_path, ["toc", {"footnotes": {"UNIQUE_IDS": value}}])
    for theirs, ours in _both(config, [FOOTNOTED, FOOTNOTED, "Plain.\n", FOOTNOTED]):
        assert ours == theirs


def test_a_vault_with_unique_footnote_ids_is_built_the_same(make_vault, monkeypatch) -> None:
    notes = {"index.md": "# Home\n\nSee [[Jane Doe]].\n"}
    for i in range(4):
        notes[f"contacts/Person {i}.md"] = f"---\ntype: contact\n---\n# Person {i}\n\n{FOOTNOTED}"
    config = ("site_name: Footnotes\ndocs_dir: notes\ntheme:\n  name: material\n"
              "markdown_extensions:\n  - footnotes:\n      UNIQUE_IDS: true\n"
              "plugins:\n  - search\n  - vault\n")
    one, many = _vault_sites(make_vault, monkeypatch, notes, config, plain="render")
    _same_sites(one, many)


def test_a_page_after_one_whose_conversion_raised_is_rendered_as_mkdocs_renders_it(
        tmp_path, monkeypatch) -> None:
    """A conversion that raises half way through the block parser leaves its state ("list",
    "detabbed"...) to the next document. The page after it is MkDocs's own. (Found: its loose
    list came out as a tight one and a stray `<li>`.)

    Python-Markdown before 3.11.4 raised so on a list nested past the recursion limit; since,
    it stops nesting short of it. The paragraph inside the nested item raises here instead,
    with the parser's state pushed as that list left it."""
    config = _config(tmp_path, ["toc", "sane_lists", "admonition"])
    paragraph = ParagraphProcessor.run

    def raising(self: ParagraphProcessor, parent: Any, blocks: list[str]) -> None:
        if blocks and blocks[0].strip() == "raise here":
            raise RecursionError("maximum recursion depth exceeded (raised by the test)")
        paragraph(self, parent, blocks)

    monkeypatch.setattr(ParagraphProcessor, "run", raising)
    first = "- a\n\n    - b\n\n        raise here\n"
    results = _both(config, [first, "- a\n\n    b\n", "!!! note\n    - c\n\n        d\n",
                             "1. a\n\n    b\n\n2. c\n"])
    assert all(str(shown).startswith("RecursionError") for shown in results[0]), results[0]
    for theirs, ours in results[1:]:
        assert ours == theirs


def test_a_page_of_a_class_with_its_own_render_is_rendered_by_it(tmp_path) -> None:
    """A plugin's Page class with its own `render` (a subclass's, as plugins make): called,
    not passed over for the shared converter. (Found: the shared converter replaced it.)"""
    config = _config(tmp_path, ["toc"])
    files = get_files(config)

    class Framed(Page):
        def render(self, config: Any, files: Any) -> None:
            super().render(config, files)
            self.content = f"<div class='framed'>{self.content}</div>"

    renderer = PageRenderer(config)
    page = Framed(None, files.get_file_from_path("page.md"), config)
    page.markdown = "# Hello\n"
    with renderer.rendering(page):
        page.render(config, files)
    assert page.content == "<div class='framed'><h1 id=\"hello\">Hello</h1></div>"


OPTIONED: list[Any] = [
    {"toc": {"permalink": True, "toc_depth": "2-3", "baselevel": 2, "anchorlink": False}},
    {"abbr": {"glossary": {"HTML": "Hyper Text"}}}, "attr_list", "md_in_html",
    {"footnotes": {"BACKLINK_TEXT": "back", "SEPARATOR": "-"}}, "admonition",
    {"pymdownx.tasklist": {"clickable_checkbox": True}}, "pymdownx.details",
    "pymdownx.superfences", "def_list", "tables"]
PIECES = [
    "# Title {#own .klass}\n", "## Same\n\n## Same\n\n### Deeper\n", "#### Too deep\n",
    "*[CSS]: Style sheets\n\nHTML and CSS\n", "HTML only\n",
    "Foot[^1].\n\n[^1]: note\n", "Foot[^1]\n", "[^1]: dangling\n    indented\n",
    "!!! note\n    open", "??? tip \"Closed\"\n    - a\n\n        b", "    indented after\n",
    "```python linenums=\"1\" hl_lines=\"1\"\nx = 1\n```\n", "```\nunclosed\n",
    "<div markdown>\n*in*\n", "<details><summary>s</summary>\n\nraw\n",
    "- [ ] task\n- [x] done\n", "Term\n:   def\n", "| a |\n|---|\n| 1 |\n",
    "[self](#own) [other](other.md#part) [nowhere](other.md#none)\n", "",
]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(st.sampled_from(PIECES), max_size=5).map("\n".join),
                      min_size=2, max_size=5))
def test_extensions_given_options_render_each_page_as_mkdocs(tmp_path_factory, texts) -> None:
    """Extensions with options (toc's permalink, depth and base level, abbr's glossary,
    footnotes' texts, clickable tasks), pages left open at their end in a callout, a details
    block, a fence, an HTML block, a footnote: each page as MkDocs renders it on its own."""
    config = _config(tmp_path_factory.mktemp("options"), OPTIONED)
    renderer = PageRenderer(config)
    assert renderer.reusing
    for theirs, ours in _both(config, texts, renderer):
        assert ours == theirs


def test_at_debug_level_no_links_to_anchors_are_kept_as_by_mkdocs(tmp_path) -> None:
    config = _config(tmp_path, ["toc"])
    pages_log = logging.getLogger("mkdocs.structure.pages")
    level = pages_log.level
    pages_log.setLevel(logging.DEBUG)
    try:
        results = _both(config, ["[a](other.md#part)\n", "[b](#x)\n"])
    finally:
        pages_log.setLevel(level)
    for theirs, ours in results:
        assert ours == theirs and ours[-1] is None


def test_anchor_validation_says_the_same_of_each_page(tmp_path, caplog) -> None:
    """`validation: anchors: warn`: the warnings of pages rendered by one converter are those
    MkDocs gives, page by page."""
    config = _config(tmp_path, ["toc", "attr_list", "md_in_html"], validation="warn")
    files = get_files(config)
    file = files.get_file_from_path("page.md")
    texts = ["# A {#a}\n\n[x](#b) [y](other.md#nope) [z](other.md#part)\n",
             "<a id=\"b\"></a>\n\n[x](#a) [y](#b)\n",
             "<div markdown>\n## In {#c}\n</div>\n[c](#c)\n"]
    said: dict[bool, list[str]] = {}
    renderer = PageRenderer(config)
    for ours in (False, True):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="mkdocs"):
            for text in texts:
                page = Page(None, file, config)
                page.markdown = text
                if ours:
                    with renderer.rendering(page):
                        page.render(config, files)
                else:
                    page.render(config, files)
                page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        said[ours] = [f"{r.levelname} {r.getMessage()}" for r in caplog.records]
    assert said[False] and said[True] == said[False]


def test_a_page_a_plugin_replaces_in_on_pre_page_is_rendered_as_mkdocs(tmp_path) -> None:
    """A plugin's `on_pre_page` returning a new page: populating renders the new one, with
    MkDocs's own converter, and the page given keeps MkDocs's `render`."""
    from mkdocs.plugins import BasePlugin

    config = _config(tmp_path, ["toc", "footnotes"])
    files = get_files(config)
    file = files.get_file_from_path("page.md")
    made: list[Page] = []

    class Replacing(BasePlugin):  # type: ignore[type-arg]
        def on_pre_page(self, page: Any, *, config: Any, files: Any) -> Any:
            new = Page(page.title, page.file, config)
            made.append(new)
            return new

    config.plugins["replacing"] = Replacing()
    renderer = PageRenderer(config)
    page = Page(None, file, config)
    with renderer.rendering(page):
        mkdocs_build._populate_page(page, config, files)
    assert "render" not in vars(page) and made
    assert made[0].content == '<h1 id="page">Page</h1>'
