"""`theme_files` adds the very files MkDocs' own `Files.add_files_from_theme` adds: on Material,
and on a theme folder of the user's whose names are anything a folder can hold."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from vault_tools.site.theme_files import theme_files


def config_of(root: Path, custom_dir: str | None = None) -> MkDocsConfig:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    theme: dict[str, Any] = {"name": "material"}
    if custom_dir is not None:
        theme["custom_dir"] = custom_dir
    config = MkDocsConfig(config_file_path=str(root / "mkdocs.yml"))
    config.load_dict({"site_name": "x", "docs_dir": str(root / "docs"),
                      "site_dir": str(root / "site"), "theme": theme})
    errors, _ = config.validate()
    assert not errors, errors
    return config


def shown(files: Any) -> list[tuple[str, str | None, str, str]]:
    return [(f.src_uri, f.abs_src_path, f.dest_uri, f.url) for f in files]


def mkdocs_own(config: MkDocsConfig) -> list[tuple[str, str | None, str, str]]:
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return shown(files)


def test_material_gives_the_files_mkdocs_adds(tmp_path: Path) -> None:
    config = config_of(tmp_path)
    ours = shown(theme_files(config.theme.get_env(), config))
    assert ours == mkdocs_own(config)
    # (Material's own files, and none of the icons under its hidden folder.)
    assert any(src.startswith("assets/javascripts/") for src, *_ in ours)
    assert not any("/." in f"/{src}" for src, *_ in ours)


OVERRIDES = [
    ".hidden/style.css", ".dotfile", "assets/.cache/x.js", "assets/app.js", "sub/.keep",
    "sub/deeper/.x/y.css", "README.md", "readme.txt", "Notes.MD", "main.html",
    "partials/footer.html", "locales/de.json", "hook.py", "hook.pyc", "mkdocs_theme.yml",
    "404.html", "sitemap.xml", "assets/stylesheets/extra.css", "a.b/c.css", "x./y.css",
    ".icons/mine/star.svg", "assets/javascripts/bundle.js",
]


def test_a_theme_folder_with_hidden_parts_gives_the_files_mkdocs_adds(tmp_path: Path) -> None:
    for rel in OVERRIDES:
        path = tmp_path / "overrides" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel, encoding="utf-8")
    # A folder reached through a link, and a hidden one: as Jinja's loader walks them (not
    # following links by default).
    os.symlink(tmp_path / "overrides" / "sub", tmp_path / "overrides" / "linked")
    os.symlink(tmp_path / "overrides" / "sub", tmp_path / "overrides" / ".linked")
    config = config_of(tmp_path, "overrides")
    ours = shown(theme_files(config.theme.get_env(), config))
    assert ours == mkdocs_own(config)
    sources = {src for src, *_ in ours}
    assert {"assets/app.js", "a.b/c.css", "x./y.css", "assets/stylesheets/extra.css"} <= sources
    assert not sources & {".dotfile", "sub/.keep", "assets/.cache/x.js", ".icons/mine/star.svg"}


_PART = st.text(alphabet="a.R_-xy", min_size=1, max_size=6).filter(lambda p: p not in (".", ".."))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(st.lists(_PART, min_size=1, max_size=4), min_size=1, max_size=12))
def test_any_theme_folder_gives_the_files_mkdocs_adds(tmp_path_factory: Any,
                                                      paths: list[list[str]]) -> None:
    root = tmp_path_factory.mktemp("theme")
    made = root / "overrides"
    made.mkdir()
    for parts in paths:
        path = made.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x", encoding="utf-8")
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue  # (a name that is a file in one path and a folder in another)
    config = config_of(root, "overrides")
    assert shown(theme_files(config.theme.get_env(), config)) == mkdocs_own(config)
