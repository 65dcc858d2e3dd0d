"""Attacks on the site cache's carried parts: the generated pages' Markdown taken from the
record (`GeneratedPages.carry_over`), the output stamps, the prep briefs kept across runs.
Each site is compared with a clean build of the same notes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vault_tools.manifest import cache_dir
from vault_tools.site.site_cache import digest
from vault_tools.vault import find_vault

from .conftest import DEMO_VAULT
from .test_incremental import CONFIG
from .test_site_cache import (
    _cached_build,
    append,
    assert_like_clean_build,
    read_record,
    run_build,
    write_record,
)

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
    data = read_record(record)
    evil = "# People\n\n<script>alert('crafted')</script>\n"
    data["generated"]["pages"]["people/index.md"] = [evil, {}]
    data["pages"]["people/index.md"]["inputs"] = digest(("generated", evil, ()))
    data["nav"] = "not the site's navigation"
    write_record(record, data)
    append(vault, "contacts/Priya Raman.md", "\nMore prose.\n")
    _cached_build(vault)
    page = vault / "site/people/index.html"
    assert "alert('crafted')" not in page.read_text(encoding="utf-8")
    assert_like_clean_build(vault)


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / "notes" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_crafted_generated_record_never_reaches_the_site(vault: Path) -> None:
    """The record's generated pages, written by hand: a nonce of regular-expression signs
    with a stand-in count that does not match, a stand-in's HTML holding a script, a page for
    a source the site does not have, a huge string. With the navigation left as recorded,
    nothing of it is rendered: each site is a clean build's."""
    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    _cached_build(vault)
    for tamper in ("nonce", "waiting", "extra"):
        record = _record(vault)
        data = read_record(record)
        pages = data["generated"]["pages"]
        if tamper == "nonce":
            data["generated"]["nonce"] = ".*(+[?"
            for src, (markdown, _waiting) in list(pages.items()):
                pages[src] = [markdown + "\nvault-list-.*(+[?-0\n", {}]
        elif tamper == "waiting":
            for src, (markdown, waiting) in list(pages.items()):
                pages[src] = [markdown, {k: "<script>alert('waiting')</script>"
                                         for k in waiting}]
        else:
            pages["no/such/page.md"] = ["<script>alert('extra')</script>" * 10_000, {}]
        write_record(record, data)
        append(vault, "contacts/Kwame Asante.md", f"\nProse for {tamper}.\n")
        _cached_build(vault)
        found = [p for p in (vault / "site").rglob("*.html")
                 if "alert(" in p.read_text(encoding="utf-8")]
        assert found == [], (tamper, found)
        assert_like_clean_build(vault)


def test_a_prep_brief_follows_the_notes_it_reads_between_runs(vault: Path) -> None:
    """A planned conversation's brief (2027-01-13 Hana Kobayashi: Open Harbor Foundation, UX
    Research) after edits to notes it reads but does not link: a contact joining the company,
    a colleague's role, a question added to the bank, the culture of a conversation at the
    company with someone else, the earlier conversation's advice. After each, a cached build
    equals a clean one, and the brief shows the edit."""
    planned = vault / "site/interviews/2027-01-13 Hana Kobayashi/index.html"
    run_build(vault)
    steps = [
        ("contacts/Farah Haddad.md", 'company: "[[Lumen Health]]"',
         'company: "[[Open Harbor Foundation]]"', "Farah Haddad"),
        ("contacts/Jonah Feldman.md", "role: Staff Data Engineer",
         "role: Principal Pipeline Wrangler", "Principal Pipeline Wrangler"),
        ("questions.md", "## The path into it",
         "- Which census tables do you trust least? ^q-census\n\n## The path into it",
         "Which census tables do you trust least?"),
        ("interviews/2026-10-21 Jonah Feldman.md", "status: cancelled",
         "status: done", None),
        ("interviews/2026-10-21 Jonah Feldman.md", "# Jonah Feldman (cancelled)",
         "# Jonah Feldman (cancelled)\n\n## Culture\n\n- Budgets are set by a volunteer "
         "board every spring.\n", "volunteer board every spring"),
        ("interviews/2026-11-19 Hana Kobayashi.md", "## Advice\n",
         "## Advice\n\n- Keep a research diary from the first week.\n",
         "Keep a research diary from the first week."),
    ]
    for rel, old, new, shown in steps:
        _edit(vault, rel, old, new)
        _cached_build(vault)
        if shown is not None:
            assert shown in planned.read_text(encoding="utf-8"), (rel, shown)
        assert_like_clean_build(vault)
