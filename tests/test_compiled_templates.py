"""The theme's templates compiled by a second process (`compiled_templates`) render what the
templates compiled here render, byte for byte; a template changed since, or an environment
that compiles differently, takes nothing from it."""

from __future__ import annotations

import filecmp
import os
import shutil
import threading
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from vault_tools.site import compiled_templates
from vault_tools.site.build import build_site, load_site_config
from vault_tools.site.compiled_templates import Compiling, code_settings, wanted
from vault_tools.vault import find_vault

CONFIG = ("site_name: Compiled aside\ndocs_dir: notes\ntheme:\n  name: material\n"
          "plugins:\n  - search\n  - vault\n")
NOTES = {
    "index.md": "# Home\n\nSee [[Jane Doe]].\n",
    "contacts/Jane Doe.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n# Jane Doe\n\n"
                            "- [ ] Thank Jane 📅 2026-01-05\n",
    "companies/Acme.md": "---\ntype: company\n---\n# Acme\n",
}


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    """The second process is forked only while no other thread runs (`aside.available`)."""
    if threading.active_count() != 1:
        pytest.skip("another thread runs in this test process: nothing would be forked")


def _vault(make_vault) -> Path:
    root = make_vault(NOTES)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root


def _all_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_site_built_with_the_templates_compiled_aside_is_the_site_built_without(
        make_vault, monkeypatch) -> None:
    """Two builds of one vault, one taking the code a second process compiled, one compiling
    every template itself: every file of the site is the same, byte for byte, and the first
    really took code (the theme's environment was given it)."""
    root = _vault(make_vault)
    given: list[int] = []
    install = Compiling.install

    def counted(self: Compiling, env: Environment) -> int:
        given.append(install(self, env))
        return given[-1]

    monkeypatch.setattr(Compiling, "install", counted)
    aside_site = build_site(find_vault(root), clean=True)
    kept = root.parent / "aside-site"
    shutil.copytree(aside_site, kept)
    assert given and given[0] > 20  # Material's base, its partials, the sitemap...

    monkeypatch.setattr(Compiling, "start", classmethod(lambda cls, theme: None))
    here_site = build_site(find_vault(root), clean=True)
    assert _all_files(kept) == _all_files(here_site)
    _same, different, errors = filecmp.cmpfiles(kept, here_site, _all_files(kept), shallow=False)
    assert different == [] and errors == []


def _theme_env(folder: Path, **settings: object) -> Environment:
    return Environment(loader=FileSystemLoader([str(folder)]), auto_reload=False, **settings)


class _Theme:
    """What `Compiling.start` asks of a MkDocs theme: its environment and its language."""

    def __init__(self, folder: Path, **settings: object) -> None:
        self.folder, self.settings, self.locale = folder, settings, "en"

    def get_env(self) -> Environment:
        return _theme_env(self.folder, **self.settings)


def test_a_template_changed_since_it_was_compiled_aside_is_compiled_again(
        tmp_path, monkeypatch) -> None:
    """The code handed back is vouched for by its template's source: a template changed after
    the second process compiled it is compiled here, from its new source (the job that
    process runs is run here, so that the change comes after it for sure)."""
    (tmp_path / "main.html").write_text("{% include 'part.html' %}!", encoding="utf-8")
    (tmp_path / "part.html").write_text("old {{ x }}", encoding="utf-8")
    made = compiled_templates._compile_all(_theme_env(tmp_path), "en")
    assert made["settings"] == code_settings(_theme_env(tmp_path)) and len(made["code"]) == 2
    (tmp_path / "part.html").write_text("new {{ x }}", encoding="utf-8")
    env = _theme_env(tmp_path)
    env.bytecode_cache = compiled_templates._Given(made["code"])
    compiled: list[str] = []
    compile_here = Environment.compile

    def counted(self: Environment, source: str, name: str | None = None,
                *args: object) -> object:
        compiled.append(str(name))
        return compile_here(self, source, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Environment, "compile", counted)
    assert env.get_template("main.html").render(x=1) == "new 1!"
    assert compiled == ["part.html"]  # (main.html's code was taken, part.html's was not)


def test_an_environment_that_compiles_otherwise_takes_nothing(tmp_path) -> None:
    """Trimmed blocks change what a template compiles to: code compiled without them is not
    taken by an environment with them, and its templates render as it compiles them."""
    (tmp_path / "main.html").write_text("{% if x %}\nyes\n{% endif %}\n", encoding="utf-8")
    compiling = Compiling.start(_Theme(tmp_path))
    assert compiling is not None
    env = _theme_env(tmp_path, trim_blocks=True)
    assert code_settings(env) != code_settings(_theme_env(tmp_path))
    assert compiling.install(env) == 0
    assert env.bytecode_cache is None
    assert env.get_template("main.html").render(x=1) == "yes\n"


def test_the_second_process_is_gone_once_its_code_is_taken_or_discarded(tmp_path) -> None:
    (tmp_path / "main.html").write_text("{{ x }}", encoding="utf-8")
    for take in (True, False):
        compiling = Compiling.start(_Theme(tmp_path))
        assert compiling is not None
        pid = compiling._aside._pid  # type: ignore[union-attr]
        assert pid is not None
        if take:
            compiling.install(_theme_env(tmp_path))
        else:
            compiling.discard()
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # (reaped: no such child any more)


def test_the_templates_compiled_aside_are_the_theme_s_own_in_the_site_s_language() -> None:
    assert wanted("main.html", "fr") and wanted("partials/nav-item.html", "fr")
    assert wanted("sitemap.xml", "fr")
    assert wanted("partials/languages/fr.html", "fr")
    assert wanted("partials/languages/en.html", "fr")  # (the theme's fallback)
    assert not wanted("partials/languages/de.html", "fr")
    assert not wanted(".icons/material/menu.svg", "fr")
    assert not wanted("assets/javascripts/bundle.js", "fr")


def test_material_s_own_environment_is_compared_by_what_changes_its_code(make_vault) -> None:
    """The build's environment (after the plugins' configuration) and the one the second
    process makes from the configuration as loaded compile alike: else nothing is taken."""
    config = load_site_config(find_vault(_vault(make_vault)), site_dir="/nonexistent")
    before = code_settings(config.theme.get_env())
    config = config.plugins.on_config(config)
    assert code_settings(config.theme.get_env()) == before is not None
    assert compiled_templates.code_settings(Environment(autoescape=lambda name: True)) is None
