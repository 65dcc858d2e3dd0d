"""Material's navigation rendered once for the pages that show it alike (`nav_once`) makes
every page exactly as rendering it for each page does: whatever the folders, the navigation's
sections and the theme's features; the pages it lists, a theme that overrides its templates,
and a template that shows more of the page than its URLs are rendered page by page."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from vault_tools.site import nav_once
from vault_tools.site.build import build_site
from vault_tools.site.nav_once import NAV_ONCE
from vault_tools.vault import find_vault


def _all_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _same_sites(one: Path, other: Path) -> None:
    assert _all_files(one) == _all_files(other)
    _same, different, errors = filecmp.cmpfiles(one, other, _all_files(one), shallow=False)
    assert different == [] and errors == []


def _render_site(root: Path, config_text: str, site: str, *, once: bool,
                 adjust: Any = None) -> int:
    """Every page of the MkDocs project at `root` rendered into `root/<site>` with Material's
    own templates, as MkDocs's build renders them (`adjust(nav, files, config)` first, when
    given); the navigation's renders made."""
    (root / "mkdocs.yml").write_text(config_text + f"site_dir: {site}\n", encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = get_files(config)
    nav = get_navigation(files, config)
    env = config.theme.get_env()
    if adjust is not None:
        adjust(nav, files, config)
    for file in files.documentation_pages():
        if file.page is None:  # (not listed by the navigation)
            Page(None, file, config)
    pages = [f.page for f in files.documentation_pages()]
    for page in pages:
        _populate_page(page, config, files)
    doc_files = files.documentation_pages()
    if not once:
        for page in pages:
            _build_page(page, config, doc_files, nav, env)
        return 0
    with NAV_ONCE.rendering(env, nav):
        for page in pages:
            _build_page(page, config, doc_files, nav, env)
        return NAV_ONCE.renders


FOLDER = st.sampled_from(["", "a/", "a/b/", "a/b/c/", "Zoë folder/", "x y/z/"])
NAME = st.sampled_from(["index", "Jane Doe", "notes", "ünï", "a.b", "z"])
FEATURES = st.lists(st.sampled_from(["navigation.indexes", "navigation.sections",
                                     "navigation.tabs", "navigation.prune", "toc.integrate",
                                     "navigation.expand"]), unique=True, max_size=4)


@pytest.mark.slow
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(st.tuples(FOLDER, NAME), min_size=2, max_size=9, unique=True),
       listed=st.lists(st.integers(0, 8), max_size=4),
       sectioned=st.booleans(), features=FEATURES, directory_urls=st.booleans())
def test_each_page_is_rendered_as_it_is_without_the_navigation_kept(
        tmp_path_factory, paths, listed, sectioned, features, directory_urls) -> None:
    """Pages in folders of every depth, some listed by the navigation (in a section or not),
    any of Material's navigation features: each page written with the navigation kept is the
    page written without, byte for byte."""
    root = tmp_path_factory.mktemp("navonce")
    sources = [f"{folder}{name}.md" for folder, name in paths]
    for rel in sources:
        (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / rel).write_text(f"# {rel}\n\n## Part\n\nText.\n", encoding="utf-8")
    chosen = [sources[i % len(sources)] for i in listed]
    nav = [{"Home": chosen[0]}] if chosen else []
    if len(chosen) > 1:
        rest = [{f"P{i}": rel} for i, rel in enumerate(chosen[1:])]
        nav += [{"Section": [*rest, {"Out": "https://example.org/"}]}] if sectioned else rest
    text = yaml.safe_dump({"site_name": "Nav once", "use_directory_urls": directory_urls,
                           "theme": {"name": "material", "features": features},
                           **({"nav": nav} if nav else {})})
    _render_site(root, text, "plain", once=False)
    renders = _render_site(root, text, "kept", once=True)
    _same_sites(root / "plain", root / "kept")
    # (each page not listed shows the navigation alike with another of its folder's, or is
    # rendered: never more renders than pages)
    assert renders <= len(sources)


def test_the_pages_of_one_folder_depth_share_one_render(tmp_path: Path) -> None:
    """Thirty notes in two folders and a navigation of three entries: a handful of renders,
    not one per page (the work this removes), and the same pages."""
    for i in range(15):
        for folder in ("contacts", "companies/old"):
            path = tmp_path / "docs" / folder / f"Note {i}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# Note {i}\n", encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "docs" / "contacts" / "index.md").write_text("# People\n", encoding="utf-8")
    text = yaml.safe_dump({"site_name": "Nav once", "theme": {"name": "material"},
                           "nav": [{"Home": "index.md"}, {"People": "contacts/index.md"},
                                   {"Out": "https://example.org/"}]})
    _render_site(tmp_path, text, "plain", once=False)
    renders = _render_site(tmp_path, text, "kept", once=True)
    _same_sites(tmp_path / "plain", tmp_path / "kept")
    # Home and People, listed, each their own; the 30 notes: one per look of the links
    # (contacts/ sees People as "..", companies/old/ as "../../contacts/").
    assert renders <= 4


def test_a_theme_overriding_the_navigation_renders_it_for_each_page(tmp_path: Path) -> None:
    """A `custom_dir` whose navigation shows the page's own title: every page shows its own,
    as Material would render it (nothing kept)."""
    for name in ("One", "Two", "Three"):
        (tmp_path / "docs" / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / f"{name}.md").write_text(f"# {name}\n", encoding="utf-8")
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    (tmp_path / "overrides" / "partials" / "nav.html").write_text(
        '<nav class="mine">{{ page.title }}</nav>', encoding="utf-8")
    text = yaml.safe_dump({"site_name": "Nav once",
                           "theme": {"name": "material", "custom_dir": "overrides"}})
    renders = _render_site(tmp_path, text, "kept", once=True)
    assert renders == 0
    for name in ("One", "Two", "Three"):
        shown = (tmp_path / "kept" / name / "index.html").read_text(encoding="utf-8")
        assert f'<nav class="mine">{name}</nav>' in shown


def test_a_navigation_asking_other_urls_for_another_page_is_not_kept(
        tmp_path: Path, monkeypatch) -> None:
    """A navigation template whose URLs depend on the page (not Material's, but trusted here
    as if it were): a page whose render asks for other values than the first's ends the
    keeping, and every page after it links where its own render says."""
    for rel in ("One.md", "Two.md", "sub/Three.md", "sub/Four.md"):
        (tmp_path / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / rel).write_text(f"# {rel}\n", encoding="utf-8")
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    (tmp_path / "overrides" / "partials" / "nav.html").write_text(
        '<nav class="mine"><a href="{{ page.file.src_uri | url }}">me</a></nav>',
        encoding="utf-8")
    monkeypatch.setattr(nav_once, "_materials_own", lambda env: True)
    text = yaml.safe_dump({"site_name": "Nav once", "nav": [{"One": "One.md"}],
                           "theme": {"name": "material", "custom_dir": "overrides"}})
    renders = _render_site(tmp_path, text, "kept", once=True)
    # Two, then Three (asking another value: the keeping ends), then Four as without it
    assert renders == 2
    for rel, link in (("Two", "../Two.md"), ("sub/Three", "../Three.md"),
                      ("sub/Four", "../Four.md")):
        shown = (tmp_path / "kept" / rel / "index.html").read_text(encoding="utf-8")
        assert f'<nav class="mine"><a href="{link}">me</a></nav>' in shown


def test_an_entry_holding_pages_of_its_own_shows_each_as_the_page(tmp_path: Path) -> None:
    """A navigation entry with pages of its own (as a blog plugin's index holds its posts,
    which Material's template shows as the current page): every page is rendered for itself,
    and each post the entry holds shows as the current page in it."""
    for rel in ("index.md", "blog.md", "posts/One.md", "posts/Two.md", "Other.md"):
        (tmp_path / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / rel).write_text(f"# {rel}\n", encoding="utf-8")
    text = yaml.safe_dump({"site_name": "Nav once", "theme": {"name": "material"},
                           "nav": [{"Home": "index.md"}, {"Blog": "blog.md"}]})

    def adjust(nav: Any, files: Any, config: Any) -> None:
        posts = []
        for rel in ("posts/One.md", "posts/Two.md"):
            file = files.get_file_from_path(rel)
            posts.append(file.page or Page(None, file, config))
        nav.items[1].pages = posts

    _render_site(tmp_path, text, "plain", once=False, adjust=adjust)
    renders = _render_site(tmp_path, text, "kept", once=True, adjust=adjust)
    assert renders == 0
    _same_sites(tmp_path / "plain", tmp_path / "kept")


@pytest.mark.slow
def test_a_vault_site_is_built_the_same_with_the_navigation_kept(
        make_vault, monkeypatch) -> None:
    """A whole `build` of a vault with notes five folders down and a navigation of sections:
    every file the same as the build rendering the navigation for each page."""
    notes = {"index.md": "# Home\n\nSee [[Jane Doe]].\n",
             "companies/Acme.md": "---\ntype: company\n---\n# Acme\n"}
    for i in range(6):
        notes[f"contacts/a/b/c/d/Person {i}.md"] = (
            f"---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n# Person {i}\n\n[[Acme]]\n")
        notes[f"contacts/Jane Doe {i}.md" if i else "contacts/Jane Doe.md"] = (
            "---\ntype: contact\n---\n# Jane\n\n- [ ] Call 📅 2026-01-05\n")
    root = make_vault(notes)
    (root / "mkdocs.yml").write_text(
        "site_name: Nav once\ndocs_dir: notes\ntheme:\n  name: material\n  features:\n"
        "    - navigation.indexes\nplugins:\n  - search\n  - vault\n", encoding="utf-8")
    renders: list[int] = []
    rendering = nav_once.NavOnce.rendering

    def counted(self, env, nav):
        manager = rendering(self, env, nav)

        class Counting:
            def __enter__(self_inner):
                return manager.__enter__()

            def __exit__(self_inner, *exc):
                renders.append(self.renders)
                return manager.__exit__(*exc)

        return Counting()

    monkeypatch.setattr(nav_once.NavOnce, "rendering", counted)
    kept_site = build_site(find_vault(root), clean=True)
    kept = root.parent / "kept-site"
    shutil.copytree(kept_site, kept)
    pages = len(list(kept.rglob("index.html")))
    assert renders and 0 < renders[0] < pages // 2

    monkeypatch.setattr(nav_once, "_wrapped", lambda env: False)
    _same_sites(kept, build_site(find_vault(root), clean=True))
