"""The private MkDocs APIs the site uses are all in `site/_mkdocs_private.py`, and all there."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import mkdocs

from vault_tools.site import _mkdocs_private

SITE = Path(_mkdocs_private.__file__).parent


def test_the_installed_mkdocs_has_every_private_api_the_site_uses() -> None:
    absent = _mkdocs_private.missing()
    assert absent == [], (
        f"MkDocs {mkdocs.__version__} lacks {', '.join(absent)}, which vault-tools uses "
        f"(checked against {_mkdocs_private.MKDOCS_CHECKED}): see site/_mkdocs_private.py")


def test_the_private_attributes_set_by_constructors_are_there_too() -> None:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(SITE)})
    page = Page(None, File("a.md", str(SITE), "/tmp/out", False), config)
    for owner, name in _mkdocs_private.PRIVATE_INSTANCE_ATTRIBUTES:
        if owner.endswith(".Page"):
            assert hasattr(page, name), f"MkDocs {mkdocs.__version__}: Page lacks {name}"
    for name in _mkdocs_private.PAGE_STATE:
        assert hasattr(page, name), f"MkDocs {mkdocs.__version__}: Page lacks {name}"
    livereload = importlib.import_module("mkdocs.livereload")
    source = Path(livereload.__file__).read_text(encoding="utf-8")
    for owner, name in _mkdocs_private.PRIVATE_INSTANCE_ATTRIBUTES:
        if owner.endswith("LiveReloadServer"):
            assert f"self.{name}" in source, f"MkDocs {mkdocs.__version__}: no server {name}"


def test_missing_names_the_api_an_mkdocs_lacks() -> None:
    assert _mkdocs_private.missing([("mkdocs.commands.build", "_no_such_step")]) == [
        "mkdocs.commands.build:_no_such_step"]


def test_no_other_site_module_reaches_into_mkdocs_privates() -> None:
    private = re.compile(r"from mkdocs[\w.]* import [^\n]*\b_[a-z]|mkdocs\.[\w.]*\._[a-z]"
                         r"|\"_title_from_render\"|_populate_page|_build_page")
    for module in sorted(SITE.rglob("*.py")):
        if module.name == "_mkdocs_private.py":
            continue
        found = private.search(module.read_text(encoding="utf-8"))
        assert found is None, f"{module.name}: {found.group(0)}"


def test_no_site_module_keeps_mutable_state_at_module_level() -> None:
    """A build's state lives in the plugin instance (and what `serve` keeps, in `LiveSite`),
    never in a module: two builds, or two vaults, cannot see each other's notes. (A filled
    table named as a constant is a constant; an empty container is state to be filled.)"""
    import ast

    mutable = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
    for module in sorted(SITE.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            value = node.value
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            name = target.id if isinstance(target, ast.Name) else ""
            called = (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                      and value.func.id in ("dict", "list", "set", "defaultdict"))
            empty = called or (isinstance(value, (ast.Dict, ast.List, ast.Set))
                               and not getattr(value, "keys", getattr(value, "elts", None)))
            constant = name.lstrip("_").isupper()
            assert not empty and (constant or not isinstance(value, mutable)), (
                f"{module.name}:{node.lineno}: module-level mutable state ({name})")
