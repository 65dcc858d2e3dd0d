"""The site's search finds people (issue 21): a contact's, company's or career's own page is
given its names and public facts in the search index (`site/search_names.py`), and nothing
private reaches the index; the leak scan reads the index and fails a build that would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.site import search_names
from vault_tools.site.build import SiteError, build_site
from vault_tools.vault import find_vault
from vault_tools.views.common import SiteView

PRIYA = """---
type: contact
aliases: [Pri, "  Priya   R  "]
company: "[[Lumen Health]]"
role: Senior UX Researcher
location: Seattle, WA
email: zq.unique.mail@example.net
phone: "555-0199"
linkedin: https://www.linkedin.com/in/zq-unique-profile
introduced_by: "[[Hidden Friend]]"
tags: [ux-research]
---

# Priya Raman

Works on the app. %%Zebrafinch Orchard Compact is a secret comment of mine.%%
"""

HIDDEN = """---
type: contact
private: true
role: Keeper of the Quokka Ledger
---

# Hidden Friend

A sentence nobody outside may ever read about the quokka ledger.
"""

LUMEN = "---\ntype: company\nlocation: Seattle, WA\nindustry: Digital health\n---\n# Lumen\n"
TALK = ("---\ntype: interview\ndate: 2026-07-08\nwith: \"[[Priya Raman]]\"\n---\n"
        "# Priya Raman: what UX research is like\n\nPriya Raman, Priya, Priya.\n")

FILES = {
    "contacts/Priya Raman.md": PRIYA,
    "contacts/Hidden Friend.md": HIDDEN,
    "companies/Lumen Health.md": LUMEN,
    "interviews/2026-07-08 Priya Raman.md": TALK,
}


def view_of(files: dict[str, str], **options) -> SiteView:
    return SiteView(VaultIndex(parse_note(path, text) for path, text in files.items()), **options)


def urls_of(files: dict[str, str]) -> dict[str, str]:
    return {path: path.removesuffix(".md").replace(" ", "%20") + "/" for path in files}


def _words(names: search_names.PageNames, where: str) -> search_names.PageWords:
    found = names.get(where)
    assert found is not None, where
    return found


def test_a_contact_company_and_career_get_their_names_an_interview_does_not() -> None:
    words = search_names.PageNames(view_of(FILES), urls_of(FILES))
    assert _words(words, "contacts/Priya%20Raman/").names == ("Priya Raman", "Pri", "Priya R")
    assert _words(words, "companies/Lumen%20Health/").names == ("Lumen Health", "Lumen")
    assert words.get("interviews/2026-07-08%20Priya%20Raman/") is None


def test_a_private_note_gets_no_entry_and_no_private_value_is_a_fact() -> None:
    words = search_names.PageNames(view_of(FILES), urls_of(FILES))
    assert words.get("contacts/Hidden%20Friend/") is None
    facts = " ".join(_words(words, "contacts/Priya%20Raman/").facts)
    assert "Senior UX Researcher" in facts and "Seattle, WA" in facts
    assert "Lumen Health" in facts and "ux-research" in facts
    for private in ("zq.unique", "555-0199", "zq-unique-profile", "Hidden Friend", "Quokka",
                    "Zebrafinch"):
        assert private not in facts


def test_published_fields_are_still_not_facts() -> None:
    # Even when published, an address is no word a reader looks someone up by; and the field
    # stays as the card shows it (publish_fields decides), never more.
    words = search_names.PageNames(view_of(FILES, publish_fields=["email"]), urls_of(FILES))
    assert "zq.unique" not in " ".join(_words(words, "contacts/Priya%20Raman/").facts)


def test_name_page_gives_the_fields_to_the_page_entry_only() -> None:
    fields = {"title": {"boost": 1e3}, "text": {"boost": 1}}
    entries = [{"location": "interviews/B/", "title": "A: talk", "text": "A"},
               {"location": "contacts/A/", "title": "A", "text": "x"},
               {"location": "contacts/A/#notes", "title": "Notes", "text": "y"}]
    search_names.name_page(entries, fields, "contacts/A/",
                           search_names.PageWords(("A", "Ay"), ("Oslo",)))
    assert fields["names"]["boost"] > fields["title"]["boost"] > fields["facts"]["boost"]
    assert entries[1]["names"] == "A Ay" and entries[1]["facts"] == "Oslo"
    assert "names" not in entries[0] and "names" not in entries[2]


def test_a_page_without_words_or_entries_changes_nothing() -> None:
    fields: dict = {}
    entries = [{"location": "interviews/B/", "title": "B", "text": ""}]
    search_names.name_page(entries, fields, "contacts/A/", None)
    search_names.name_page(entries, fields, "contacts/A/", search_names.PageWords(("A",)))
    assert entries == [{"location": "interviews/B/", "title": "B", "text": ""}]


def test_the_home_page_is_named_as_material_writes_it() -> None:
    home = {"index.md": "---\ntype: company\n---\n# Home\n"}
    assert search_names.PageNames(view_of(home), {"index.md": "./"}).get("") is not None


CONFIG = ("site_name: Search\ndocs_dir: notes\ntheme:\n  name: material\n"
          "plugins:\n  - search\n  - vault\n")


def _vault(root: Path) -> Path:
    for rel, text in FILES.items():
        path = root / "notes" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest.mark.slow
def test_the_built_index_names_pages_and_holds_no_private_value(tmp_path: Path) -> None:
    site = build_site(find_vault(_vault(tmp_path)))
    raw = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    index = json.loads(raw)
    page = next(d for d in index["docs"] if d["location"] == "contacts/Priya%20Raman/")
    assert page["names"] == "Priya Raman Pri Priya R"
    assert "Seattle, WA" in page["facts"]
    text = json.dumps(index, ensure_ascii=False)
    for private in ("zq.unique.mail", "555-0199", "5550199", "zq-unique-profile",
                    "Hidden Friend", "Quokka Ledger", "quokka ledger", "Zebrafinch"):
        assert private not in text, private


@pytest.mark.slow
def test_the_leak_scan_fails_a_build_whose_index_would_hold_a_private_value(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = search_names.name_page

    def leaky(entries, fields, url, words):  # a bug that would put the hidden email in
        planted(entries, fields, url, words)
        if words is not None:
            entries[-1]["facts"] = "zq.unique.mail@example.net"

    monkeypatch.setattr(search_names, "name_page", leaky)
    with pytest.raises(SiteError) as failed:
        build_site(find_vault(_vault(tmp_path)))
    assert "search/search_index.json" in str(failed.value)
    assert "zq.unique.mail" in str(failed.value)


# --- the Tasks plugin's signs as words; the card's hidden fields ----------------------------

TASKS_EMOJI = "📅📆🗓⏳⌛🛫➕✅❌🔺⏫🔼🔽⏬🔁"


def test_a_task_line_shows_its_dates_and_signs_as_words() -> None:
    from vault_tools.site.task_signs import label_signs
    html = ('<li class="task-list-item"><label></label> Call Jane 📅 2026-12-05 ⏳️ 2026-12-01 '
            "🛫 2026-11-30 ➕ 2026-11-01 ✅ 2026-12-06 ❌ 2026-12-07 🔺 🔁 every week</li>")
    out = label_signs(html)
    for words in ("due 2026-12-05", "scheduled 2026-12-01", "starts 2026-11-30",
                  "created 2026-11-01", "done 2026-12-06", "cancelled 2026-12-07",
                  "priority highest", "repeats</span> every week"):
        assert words in out
    assert not any(sign in out for sign in TASKS_EMOJI)


def test_signs_in_code_attributes_or_prose_without_a_date_stay_as_written() -> None:
    from vault_tools.site.task_signs import label_signs
    html = ('<p title="📅 2026-12-05">✅ booked, ⏫ fast</p><pre><code>- [ ] x 📅 2026-12-05'
            "</code></pre><p>a 📅 2026-13-45x</p>")
    assert label_signs(html) == html


def test_a_huge_page_of_signs_is_labelled_in_linear_time() -> None:
    import time

    from vault_tools.site.task_signs import label_signs
    small = '<li class="task-list-item">x 📅 2026-12-05 ⏫ <code>📅</code></li>' * 2_000
    start = time.process_time()
    label_signs(small)
    one = time.process_time() - start
    start = time.process_time()
    label_signs(small * 10)
    assert time.process_time() - start < max(one, 0.01) * 40


def test_the_card_names_hidden_fields_never_their_values() -> None:
    from vault_tools.site.render.card import card_html
    from vault_tools.site.render.common import Linker
    from vault_tools.views.card import card_rows, hidden_fields
    view = view_of(FILES)
    priya = view.index.notes["contacts/Priya Raman.md"]
    assert hidden_fields(view, priya) == ("email", "phone", "linkedin")
    html = card_html(card_rows(view, priya), priya.type,
                     Linker("contacts/Priya%20Raman/", {}, lambda p, h: None),
                     hidden_fields(view, priya))
    assert ("email, phone, linkedin hidden: add them to <code>publish_fields</code> in "
            "mkdocs.yml to show them.") in html
    assert "zq.unique" not in html and "555" not in html
    published = view_of(FILES, publish_fields=["email", "phone"])
    assert hidden_fields(published, published.index.notes["contacts/Priya Raman.md"]) == (
        "linkedin",)
    # A field written empty is not named: the card would promise what is not there.
    empty = {"contacts/A.md": "---\ntype: contact\nemail: ''\nphone:\n---\n# A\n"}
    assert hidden_fields(view_of(empty), view_of(empty).index.notes["contacts/A.md"]) == ()


def test_one_hidden_field_reads_it_and_a_crafted_key_is_escaped() -> None:
    from vault_tools.site.render.card import hidden_fields_note
    assert "linkedin hidden: add it to" in hidden_fields_note(("linkedin",))
    assert "<b>" not in hidden_fields_note(("<b>",))


@pytest.mark.slow
def test_the_built_pages_show_no_tasks_emoji_and_the_card_says_what_it_hides(
        tmp_path: Path) -> None:
    import shutil

    from .conftest import DEMO_VAULT, REPO
    shutil.copytree(DEMO_VAULT, tmp_path / "notes")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        config.replace("docs_dir: vault_template", "docs_dir: notes"), encoding="utf-8")
    site = build_site(find_vault(tmp_path))
    import re
    for rel in ("Follow-ups/index.html", "contacts/Priya Raman/index.html",
                "contacts/Hana Kobayashi/index.html",
                "interviews/2026-07-08 Priya Raman/index.html",
                "people/index.html", "timeline/index.html"):
        page = (site / rel).read_text(encoding="utf-8")
        article = page[page.find("<article"):page.find("</article>")]
        shown = re.sub(r"<code>.*?</code>|<[^>]*>", " ", article, flags=re.DOTALL)
        assert not any(sign in shown for sign in TASKS_EMOJI), rel
    priya = (site / "contacts/Priya Raman/index.html").read_text(encoding="utf-8")
    assert "due 2026-12-05" in priya
    assert "email, phone, linkedin hidden" in priya and "priya.raman@example.com" not in priya


@pytest.mark.slow
def test_serve_gives_an_alias_added_while_serving_to_the_index(tmp_path: Path) -> None:
    import shutil

    from .conftest import DEMO_VAULT
    from .test_incremental import CONFIG as LIVE_CONFIG
    from .test_incremental import Session
    root = tmp_path / "vault"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(LIVE_CONFIG, encoding="utf-8")
    s = Session(root)  # each change is compared byte for byte with a full build
    s.edit("contacts/Grace Liu.md", lambda t: t.replace("type: contact",
                                                         "type: contact\naliases: [Gigi]", 1))
    index = json.loads((s.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    grace = next(d for d in index["docs"] if d["location"] == "contacts/Grace%20Liu/")
    assert grace["names"] == "Grace Liu Gigi"
    kwame = next(d for d in index["docs"] if d["location"] == "contacts/Kwame%20Asante/")
    assert kwame["names"] == "Kwame Asante"  # a page kept from the first build keeps its own
