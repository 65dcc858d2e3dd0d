"""Attacks on the site cache's carried parts: the generated pages' Markdown taken from the
record (`GeneratedPages.carry_over`), the output stamps, the prep briefs kept across runs.
Each site is compared with a clean build of the same notes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from vault_tools.manifest import cache_dir
from vault_tools.site.site_cache import digest
from vault_tools.vault import find_vault

from .conftest import DEMO_VAULT
from .test_incremental import CONFIG
from .test_site_cache import _cached_build, append, assert_like_clean_build, run_build

pytestmark = pytest.mark.slow


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root


def _record(root: Path) -> Path:
    return next(cache_dir(find_vault(root)).rglob("site.json"))


def test_crafted_markdown_is_rendered_when_the_recorded_nav_differs(vault: Path) -> None:
    """A crafted record: a generated page's Markdown with a script, the page record's inputs
    made to match it, and a navigation digest that is not the site's. The page is kept at
    first (its output file is the one recorded), then every kept page is read again for the
    new navigation, from the Markdown the record gave it."""
    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    _cached_build(vault)
    record = _record(vault)
    data = json.loads(record.read_text(encoding="utf-8"))
    evil = "# People\n\n<script>alert('crafted')</script>\n"
    data["generated"]["pages"]["people/index.md"] = [evil, {}]
    data["pages"]["people/index.md"]["inputs"] = digest(("generated", evil, ()))
    data["nav"] = "not the site's navigation"
    record.write_text(json.dumps(data), encoding="utf-8")
    append(vault, "contacts/Priya Raman.md", "\nMore prose.\n")
    _cached_build(vault)
    page = vault / "site/people/index.html"
    assert "alert('crafted')" not in page.read_text(encoding="utf-8")
    assert_like_clean_build(vault)
