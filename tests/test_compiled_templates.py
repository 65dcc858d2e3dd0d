"""The theme's templates compiled by a second process (`compiled_templates`) render what the
templates compiled here render, byte for byte; a template changed since, or an environment
that compiles differently (its settings, or a filter a plugin added), takes nothing from it;
the second process is gone once its code is taken or not wanted, and never fails a build."""

from __future__ import annotations

import filecmp
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, pass_context

from vault_tools import aside
from vault_tools.site import compiled_templates
from vault_tools.site.build import build_site, load_site_config
from vault_tools.site.compiled_templates import Compiling, code_settings, pass_args, wanted
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
    really took the code of the theme's templates (the plugins' filters, settings and
    translations as the second process saw them)."""
    root = _vault(make_vault)
    taken: list[str] = []
    load = compiled_templates._Given.load_bytecode

    def counted(self: compiled_templates._Given, bucket) -> None:
        load(self, bucket)
        if bucket.code is not None:
            taken.append(bucket.key)

    monkeypatch.setattr(compiled_templates._Given, "load_bytecode", counted)
    aside_site = build_site(find_vault(root), clean=True)
    kept = root.parent / "aside-site"
    shutil.copytree(aside_site, kept)
    assert len(taken) > 20  # Material's base, its partials, the sitemap...

    monkeypatch.setattr(Compiling, "start", classmethod(lambda cls, theme: None))
    here_site = build_site(find_vault(root), clean=True)
    assert _all_files(kept) == _all_files(here_site)
    _same, different, errors = filecmp.cmpfiles(kept, here_site, _all_files(kept),
                                                 shallow=False)
    assert different == [] and errors == []


def _theme_env(folder: Path, **settings: object) -> Environment:
    return Environment(loader=FileSystemLoader([str(folder)]), auto_reload=False, **settings)


class _Theme:
    """What `Compiling.start` asks of a MkDocs theme: its environment and its language."""

    def __init__(self, folder: Path, slow: float = 0.0) -> None:
        self.folder, self.slow, self.locale = folder, slow, "en"

    def get(self, key: str) -> object:
        return {"language": "en"}.get(key)

    def get_env(self) -> Environment:
        time.sleep(self.slow)
        return _theme_env(self.folder)


def _compiling_here(monkeypatch) -> list[str]:
    """The names of the templates compiled in this process from now on."""
    compiled: list[str] = []
    compile_here = Environment.compile

    def counted(self: Environment, source: str, name: str | None = None,
                *args: object) -> object:
        compiled.append(str(name))
        return compile_here(self, source, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Environment, "compile", counted)
    return compiled


def test_a_template_changed_since_it_was_compiled_aside_is_compiled_again(
        tmp_path, monkeypatch) -> None:
    """The code handed back is vouched for by its template's source: a template changed after
    the second process compiled it is compiled here, from its new source (the job that
    process runs is run here, so that the change comes after it for sure)."""
    (tmp_path / "main.html").write_text("{% include 'part.html' %}!", encoding="utf-8")
    (tmp_path / "part.html").write_text("old {{ x }}", encoding="utf-8")
    made = compiled_templates._compile_all(_Theme(tmp_path), {"en"})
    assert made["settings"] == code_settings(_theme_env(tmp_path)) and len(made["code"]) == 2
    (tmp_path / "part.html").write_text("new {{ x }}", encoding="utf-8")

    class Handed:  # (what the second process would hand back)
        def taken(self) -> dict:
            return made

    env = _theme_env(tmp_path)
    env.bytecode_cache = compiled_templates._Given(Handed())  # type: ignore[arg-type]
    compiled = _compiling_here(monkeypatch)
    assert env.get_template("main.html").render(x=1) == "new 1!"
    assert compiled == ["part.html"]  # (main.html's code was taken, part.html's was not)


@pytest.mark.parametrize("change", ["trimmed blocks", "escaping", "a filter taking the context"])
def test_an_environment_changed_after_the_code_was_compiled_takes_none_of_it(
        tmp_path, monkeypatch, change) -> None:
    """What a plugin may change once the environment is made (MkDocs' `on_env` comes after
    it is given the code) changes what Jinja compiles: then every template is compiled here,
    and renders as it should (escaped, trimmed, its filter given the context)."""
    (tmp_path / "main.html").write_text(
        "{% if x %}\n<p>{{ x }}</p>{% if y %}{{ x | greet }}{% endif %}\n{% endif %}\n",
        encoding="utf-8")
    compiling = Compiling.start(_Theme(tmp_path))
    assert compiling is not None
    env = _theme_env(tmp_path)
    compiling.install(env)
    expected = "\n<p><b></p>\n"
    if change == "trimmed blocks":
        env.trim_blocks = True
        expected = "<p><b></p>"
    elif change == "escaping":
        env.autoescape = True
        expected = "\n<p>&lt;b&gt;</p>\n"
    else:
        env.filters["greet"] = pass_context(lambda context, who: f"hi {who} {context['y']}")
        expected = "\n<p><b></p>hi <b> 1\n"
    compiled = _compiling_here(monkeypatch)
    filtered = change == "a filter taking the context"
    assert env.get_template("main.html").render(x="<b>", y=int(filtered)) == expected
    assert compiled == ["main.html"]


def test_the_second_process_is_gone_once_its_code_is_taken_or_not_wanted(tmp_path) -> None:
    """Taken, the code is read and the process reaped; not wanted (a build that renders no
    template), the process is stopped at once, not waited for."""
    (tmp_path / "main.html").write_text("{{ x }}", encoding="utf-8")
    for take in (True, False):
        compiling = Compiling.start(_Theme(tmp_path, slow=0.0 if take else 60.0))
        assert compiling is not None
        pid = compiling._aside._pid  # type: ignore[union-attr]
        assert pid is not None
        started = time.monotonic()
        if take:
            assert compiling.taken()["code"]
        else:
            compiling.discard()
            assert time.monotonic() - started < 30  # (its job would take a minute)
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # (reaped: no such child any more)


def test_a_process_that_cannot_be_forked_fails_nothing(tmp_path, monkeypatch) -> None:
    """No process to be had (EAGAIN): no code aside, no pipe left open, and the build goes
    on compiling the templates itself."""
    (tmp_path / "main.html").write_text("{{ x }}", encoding="utf-8")

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    assert Compiling.start(_Theme(tmp_path)) is None
    if before:
        assert len(os.listdir("/proc/self/fd")) == before
    assert aside.available()


def test_the_templates_compiled_aside_are_the_theme_s_own_in_the_site_s_languages() -> None:
    assert wanted("main.html", {"fr"}) and wanted("partials/nav-item.html", {"fr"})
    assert wanted("sitemap.xml", {"fr"})
    assert wanted("partials/languages/fr.html", {"fr"})
    assert wanted("partials/languages/en.html", {"fr"})  # (the theme's fallback)
    assert not wanted("partials/languages/de.html", {"fr"})
    assert not wanted(".icons/material/menu.svg", {"fr"})
    assert not wanted("assets/javascripts/bundle.js", {"fr"})


def test_material_s_own_environment_compiles_as_the_one_the_second_process_makes(
        make_vault) -> None:
    """The build's environment (after the plugins' configuration) and the one the second
    process makes from the configuration as loaded compile alike: else nothing is taken."""
    config = load_site_config(find_vault(_vault(make_vault)), site_dir="/nonexistent")
    env = config.theme.get_env()
    before = (code_settings(env), pass_args(env))
    config = config.plugins.on_config(config)
    env = config.theme.get_env()
    env = config.plugins.on_env(env, config=config, files=None)
    assert (code_settings(env), pass_args(env)) == before and before[0] is not None
    assert code_settings(Environment(autoescape=lambda name: True)) is None
