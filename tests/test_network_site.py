"""What the notes and the site show of the network (§12): a contact's related block ("Offered to
introduce you to", the introduction chain), the Leads and Pipeline dashboards and the People
table's last touch. Privacy as everywhere: a private person is never shown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from vault_tools.blocks import desired_blocks, render_related
from vault_tools.followups import open_followups
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.site.build import build_site
from vault_tools.site.render.common import Linker
from vault_tools.site.render.leads import leads_page
from vault_tools.site.render.pipeline import pipeline_page
from vault_tools.vault import find_vault
from vault_tools.views.common import Ref, SiteView
from vault_tools.views.leads import LeadRow, lead_rows
from vault_tools.views.people import people_rows
from vault_tools.views.pipeline import StageRow, pipeline_rows

from .conftest import site_texts

D = dt.date

# Marisol introduced Priya; in a conversation Priya offered Kwame (asked), Ines (a conversation
# planned), a name without a note, and Zelda, who is private. In a private conversation Marisol
# offered Leaky and Priya.
VAULT = {
    "contacts/Marisol Vega.md": "---\ntype: contact\nstatus: keep-warm\n"
                                "last_contact: 2026-10-01\n---\n",
    "contacts/Priya Raman.md": '---\ntype: contact\nintroduced_by: "[[Marisol Vega]]"\n---\n'
                               "## Log\n- 2026-11-25 email: sent the article\n",
    "contacts/Kwame Asante.md": "---\ntype: contact\nasked: 2026-11-10\n---\n",
    "contacts/Ines Moreau.md": "---\ntype: contact\nreplied: 2026-11-29\n---\n",
    "contacts/Zelda Quietwater.md": "---\ntype: contact\nprivate: true\nasked: 2026-11-01\n---\n",
    "careers/Data Engineering.md": "---\ntype: career\n---\n",
    "interviews/2026-11-05 Priya.md": (
        '---\ntype: interview\ndate: 2026-11-05\nwith: "[[Priya Raman]]"\n'
        'career: "[[Data Engineering]]"\nreferrals: ["[[Kwame Asante]]", "[[Ines Moreau]]", '
        '"[[Ana <b>Ortiz *x*]]", "[[Zelda Quietwater]]"]\n---\n'),
    "interviews/2026-12-20 Ines.md": ('---\ntype: interview\ndate: 2026-12-20\nstatus: planned\n'
                                      'with: "[[Ines Moreau]]"\n---\n'),
    "interviews/2026-09-01 Marisol.md": (
        '---\ntype: interview\ndate: 2026-09-01\nprivate: true\nwith: "[[Marisol Vega]]"\n'
        'referrals: ["[[Leaky Lindqvist]]", "[[Priya Raman]]"]\n---\n'),
    "2026-11-27.md": "Coffee with [[Kwame Asante]].\n",
}
PRIYA, KWAME, MARISOL = ("contacts/Priya Raman.md", "contacts/Kwame Asante.md",
                         "contacts/Marisol Vega.md")


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def section(block: str, title: str) -> list[str]:
    """The lines of one section of a related block ([] when it has none)."""
    for part in block.split("\n\n**"):
        head, _, body = part.lstrip("*").partition("**\n\n")
        if head == title:
            return body.split("\n")
    return []


def related(files: dict[str, str], path: str, **options: bool) -> str:
    index = index_of(files)
    return render_related(index, index.notes[path], open_followups(index), **options)


# --- the related block --------------------------------------------------------------------------


def test_a_contact_lists_whom_they_offered_with_each_state_and_a_name_without_a_note_escaped(
) -> None:
    assert section(related(VAULT, PRIYA), "Offered to introduce you to") == [
        "- Ana \\<b\\>Ortiz \\*x\\* · not added",
        "- [[Ines Moreau]] · scheduled",
        "- [[Kwame Asante]] · asked",
        "- [[Zelda Quietwater]]",  # private: by link only, no state read from her note
    ]


def test_a_private_person_offered_is_a_private_note_when_names_are_hidden_and_absent_on_the_site(
) -> None:
    hidden = section(related(VAULT, PRIYA, hide_private=True), "Offered to introduce you to")
    assert hidden[-1] == "- a private note"
    site = related(VAULT, PRIYA, public=True)
    assert "Zelda" not in site and "a private note" not in site
    assert len(section(site, "Offered to introduce you to")) == 3


def test_an_offer_made_in_a_private_conversation_stays_out_of_a_public_notes_block() -> None:
    # Marisol offered Leaky and Priya only in a private conversation: her (public) block says
    # nothing of it, in the file or on the site; her private conversation's own words are its.
    for options in ({}, {"hide_private": True}, {"public": True}):
        block = related(VAULT, MARISOL, **options)
        assert section(block, "Offered to introduce you to") == []
        assert "Leaky" not in block


def test_a_private_contacts_own_block_shows_everything() -> None:
    files = dict(VAULT)
    files[MARISOL] = files[MARISOL].replace("type: contact", "type: contact\nprivate: true")
    assert section(related(files, MARISOL), "Offered to introduce you to") == [
        "- Leaky Lindqvist · not added", "- [[Priya Raman]] · met"]


def test_the_state_follows_the_facts_and_each_person_is_listed_once() -> None:
    files = dict(VAULT)
    # Kwame is met; Priya offered Ines again in a second conversation.
    files["interviews/2026-11-20 Kwame.md"] = ('---\ntype: interview\ndate: 2026-11-20\n'
                                               'with: "[[Kwame Asante]]"\n---\n')
    files["interviews/2026-11-21 Priya.md"] = ('---\ntype: interview\ndate: 2026-11-21\n'
                                               'with: "[[Priya Raman]]"\n'
                                               'referrals: ["[[Ines Moreau]]"]\n---\n')
    lines = section(related(files, PRIYA), "Offered to introduce you to")
    assert "- [[Kwame Asante]] · met" in lines
    assert sum("Ines Moreau" in line for line in lines) == 1


def test_the_introduction_chain_runs_from_the_first_introducer_to_the_contact() -> None:
    assert section(related(VAULT, KWAME), "Introduction chain") == [
        "[[Marisol Vega]] → [[Priya Raman]] → Kwame Asante"]
    assert section(related(VAULT, PRIYA), "Introduction chain") == [
        "[[Marisol Vega]] → Priya Raman"]


def test_no_chain_without_an_introducer() -> None:
    assert section(related(VAULT, MARISOL), "Introduction chain") == []
    assert "Introduction chain" not in related(VAULT, "contacts/Ines Moreau.md").split(
        "Offered as an introduction")[0]


def test_a_chain_through_a_private_person_stops_at_them() -> None:
    # Zelda (private) introduced Bo, who offered Cy: in Cy's public note, the chain shows Zelda
    # by link only (or as "a private note"), and not who introduced her; on the site it starts
    # after her.
    files = {
        "contacts/Zelda.md": '---\ntype: contact\nprivate: true\nintroduced_by: "[[Ann]]"\n---\n',
        "contacts/Ann.md": "---\ntype: contact\n---\n",
        "contacts/Bo.md": '---\ntype: contact\nintroduced_by: "[[Zelda]]"\n---\n',
        "contacts/Cy.md": "---\ntype: contact\n---\n",
        "interviews/I.md": ('---\ntype: interview\ndate: 2026-11-05\nwith: "[[Bo]]"\n'
                            'referrals: ["[[Cy]]"]\n---\n'),
    }
    assert section(related(files, "contacts/Cy.md"), "Introduction chain") == [
        "[[Zelda]] → [[Bo]] → Cy"]
    assert section(related(files, "contacts/Cy.md", hide_private=True),
                   "Introduction chain") == ["a private note → [[Bo]] → Cy"]
    assert section(related(files, "contacts/Cy.md", public=True), "Introduction chain") == [
        "[[Bo]] → Cy"]
    # Zelda's own (private) note reads her own introducer.
    assert section(related(files, "contacts/Zelda.md"), "Introduction chain") == [
        "[[Ann]] → Zelda"]
    # Bo's chain on the site is nothing but Bo: no chain at all.
    assert section(related(files, "contacts/Bo.md", public=True), "Introduction chain") == []


def test_a_chain_is_not_followed_through_a_private_conversation() -> None:
    # Priya was offered only in Marisol's private conversation (no introduced_by): a public
    # note's block does not read that conversation, so Priya has no chain; Kwame's starts at her.
    files = dict(VAULT)
    files[PRIYA] = "---\ntype: contact\n---\n"
    assert section(related(files, PRIYA), "Introduction chain") == []
    assert section(related(files, KWAME), "Introduction chain") == [
        "[[Priya Raman]] → Kwame Asante"]


def test_a_loop_of_introductions_ends() -> None:
    files = {
        "contacts/Ann.md": '---\ntype: contact\nintroduced_by: "[[Bob]]"\n---\n',
        "contacts/Bob.md": '---\ntype: contact\nintroduced_by: "[[Ann]]"\n---\n',
    }
    assert section(related(files, "contacts/Ann.md"), "Introduction chain") == ["[[Bob]] → Ann"]


def test_hostile_names_cannot_open_a_comment_or_markup_in_the_block() -> None:
    files = {
        "contacts/Bo.md": "---\ntype: contact\n---\n",
        "interviews/I.md": ('---\ntype: interview\ndate: 2026-11-05\nwith: "[[Bo]]"\n'
                            "referrals: ['[[Eve %% hidden]]', '[[Mal <!-- x -->]]', "
                            "'[[Ann `code` !x]]']\n---\n"),
    }
    lines = section(related(files, "contacts/Bo.md"), "Offered to introduce you to")
    assert len(lines) == 3
    for line in lines:
        assert "%%" not in line and "<!--" not in line and "-->" not in line
        assert line.startswith("- ") and not line.startswith("- #")


def test_the_block_is_the_same_bytes_every_time_and_every_day() -> None:
    index = index_of(VAULT)
    first = desired_blocks(index, index.notes[KWAME], open_followups(index))
    again = index_of(dict(reversed(list(VAULT.items()))))
    assert desired_blocks(again, again.notes[KWAME], open_followups(again)) == first


# --- the dashboards' rows -----------------------------------------------------------------------


def test_leads_list_each_person_once_open_first_and_never_a_private_one() -> None:
    rows = lead_rows(SiteView(index_of(VAULT)))
    assert [(r.who.text, r.who.status, r.state) for r in rows] == [
        ("Ana <b>Ortiz *x*", "broken", "not added"),
        ("Ines Moreau", "ok", "scheduled"),
        ("Kwame Asante", "ok", "asked"),
    ]
    assert all(r.offered_by == (Ref("ok", "Priya Raman", PRIYA),) for r in rows)
    assert all(r.date == D(2026, 11, 5) for r in rows)
    assert rows[0].careers == (Ref("ok", "Data Engineering", "careers/Data Engineering.md"),)


def test_a_lead_offered_by_several_people_shows_them_all_and_the_earliest_date() -> None:
    files = dict(VAULT)
    files["contacts/Bo.md"] = "---\ntype: contact\n---\n"
    files["interviews/2026-10-02 Bo.md"] = ('---\ntype: interview\ndate: 2026-10-02\n'
                                            'with: "[[Bo]]"\nreferrals: ["[[Kwame Asante]]"]\n'
                                            '---\n')
    files["interviews/2026-11-20 Kwame.md"] = ('---\ntype: interview\ndate: 2026-11-20\n'
                                               'with: "[[Kwame Asante]]"\n---\n')
    rows = lead_rows(SiteView(index_of(files)))
    kwame = next(r for r in rows if r.who.text == "Kwame Asante")
    assert [ref.text for ref in kwame.offered_by] == ["Bo", "Priya Raman"]
    assert kwame.date == D(2026, 10, 2) and kwame.state == "met"
    assert rows[-1] is kwame  # settled: after the open ones


def test_a_lead_whose_only_offer_is_private_is_not_listed_and_a_private_stage_does_not_show(
) -> None:
    files = dict(VAULT)
    # A private done conversation with Kwame: the site must not say "met".
    files["interviews/2026-11-20 Kwame.md"] = ('---\ntype: interview\ndate: 2026-11-20\n'
                                               'private: true\nwith: "[[Kwame Asante]]"\n---\n')
    view = SiteView(index_of(files))
    texts = {r.who.text: r.state for r in lead_rows(view)}
    assert "Leaky Lindqvist" not in texts and "Zelda Quietwater" not in texts
    assert texts["Kwame Asante"] == "asked"
    stages = {r.contact.text: r.stage for r in pipeline_rows(view)}
    assert stages["Kwame Asante"] == "asked"


def test_the_pipeline_lists_public_contacts_by_stage_with_derived_and_stale_limits() -> None:
    rows = pipeline_rows(SiteView(index_of(VAULT)))
    assert [(r.contact.text, r.stage, r.derived, r.since, r.stale_after) for r in rows] == [
        ("Kwame Asante", "asked", True, D(2026, 11, 10), 7),
        ("Ines Moreau", "scheduled", True, D(2026, 11, 29), 30),
        ("Priya Raman", "met", True, D(2026, 11, 5), 30),
        ("Marisol Vega", "keep-warm", False, None, None),
    ]
    assert rows[0].last_touch == D(2026, 11, 27)  # the daily note


def test_the_pipelines_stale_limit_for_an_ask_is_the_vaults_nudge_days() -> None:
    from vault_tools.settings import Settings

    index = VaultIndex((parse_note(p, t) for p, t in VAULT.items()),
                       settings=Settings(nudge_days=3))
    assert pipeline_rows(SiteView(index))[0].stale_after == 3


def test_the_people_table_says_where_the_last_touch_is_recorded() -> None:
    rows = {r.contact.text: r for r in people_rows(SiteView(index_of(VAULT)))}
    assert rows["Priya Raman"].last_touch_from == "log"
    assert rows["Marisol Vega"].last_touch_from == "last_contact"
    assert rows["Kwame Asante"].last_touch_from == Ref("ok", "2026-11-27", "2026-11-27.md")
    assert rows["Ines Moreau"].last_interaction is None
    assert "Zelda Quietwater" not in rows


def linker() -> Linker:
    return Linker("pipeline/", {PRIYA: "contacts/Priya%20Raman/"}, lambda p, h: None)


def test_the_pipeline_page_counts_each_stage_marks_derived_ones_and_bakes_in_no_date() -> None:
    rows = [StageRow(Ref("ok", "Priya <b>", PRIYA), "asked", True, D(2026, 11, 10), None, 7),
            StageRow(Ref("ok", "Bo", "b.md"), "asked", False, None, None, 7),
            StageRow(Ref("ok", "Cy", "c.md"), "met", False, D(2026, 1, 2), None, None)]
    page = pipeline_page(rows, linker())
    assert "## Asked (2)" in page and "## Met (1)" in page and "Asked 2 · Met 1" in page
    assert '<em class="vault-derived"' in page and "Priya &lt;b&gt;" in page
    # Stale is counted from the later of the stage's start and the last touch (is_stale).
    assert ('data-since="2026-11-10" data-quiet-since="2026-11-10" data-stale-after="7"'
            in page)
    assert "asked 7 days" in page
    touched = StageRow(Ref("ok", "Bo", "b.md"), "met", False, D(2026, 1, 2), D(2026, 3, 4), 30)
    assert 'data-quiet-since="2026-03-04"' in pipeline_page([touched], linker())
    assert dt.date.today().isoformat() not in page  # no build date: the browser counts
    assert pipeline_page([], linker()).count("Nothing here yet") == 1


def test_the_leads_page_escapes_names_and_labels_each_state() -> None:
    rows = [LeadRow(Ref("broken", "<img src=x onerror=alert(1)>"), (), None, (), "not added")]
    page = leads_page(rows, linker())
    assert "<img" not in page and "vault-state--not-added" in page and "1 still open" in page


# --- real builds --------------------------------------------------------------------------------

CONFIG = ("site_name: Test vault\ndocs_dir: notes\ntheme:\n  name: material\n"
          "plugins:\n  - search\n  - vault\n")


@pytest.mark.slow
def test_the_built_site_shows_leads_and_pipeline_and_no_private_person(make_vault) -> None:
    root = make_vault(VAULT)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))  # the leak scan runs here, and must stay clean
    texts = site_texts(site)
    leads = texts["leads/index.html"]
    assert "Kwame Asante" in leads and "vault-state--asked" in leads
    assert "Ana &lt;b&gt;Ortiz" in leads and "<b>Ortiz" not in leads
    pipeline = texts["pipeline/index.html"]
    assert 'id="asked-1"' in pipeline and 'data-since="2026-11-10"' in pipeline
    assert "2026-11-27 · " in texts["people/index.html"]
    kwame = texts["contacts/Kwame Asante/index.html"]
    assert "Marisol Vega → Priya Raman → Kwame Asante" in re.sub(r"<[^>]+>", "", kwame)
    for secret in ("Zelda", "Quietwater", "Leaky", "Lindqvist"):
        leaked = sorted(name for name, text in texts.items() if secret in text)
        assert leaked == [], (secret, leaked)
    # Both pages are in the nav.
    home = texts["index.html"]
    assert 'href="leads/"' in home and 'href="pipeline/"' in home


@pytest.mark.slow
def test_the_pipeline_page_counts_days_in_the_browser(make_vault, tmp_path: Path) -> None:
    from .browsers import find_browser

    browser = find_browser()
    sync_api = pytest.importorskip("playwright.sync_api")
    if browser is None:
        pytest.skip("no Chromium")
    # An ask with no answer and no touch since January: stale on any day this test runs.
    files = {**VAULT, "contacts/Old Ask.md": "---\ntype: contact\nasked: 2026-01-01\n---\n"}
    root = make_vault(files)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))
    from vault_tools.network import Stage, is_stale

    today = dt.date.today()
    expected = str(max((today - D(2026, 11, 10)).days, 0))
    stale_rows = sum(is_stale(Stage(r.stage, r.derived, r.since), today, r.last_touch)
                     for r in pipeline_rows(SiteView(index_of(files))))
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser,
                                              args=["--headless", "--no-sandbox"])
        page = chromium.new_page()
        page.goto((site / "pipeline" / "index.html").as_uri())
        days = page.eval_on_selector('.vault-days[data-since="2026-11-10"]', "e => e.textContent")
        stale = page.eval_on_selector_all("tr.vault-stale", "rows => rows.length")
        chromium.close()
    assert days.startswith(expected)
    assert stale == stale_rows >= 1  # the browser applies network.is_stale


# --- what `watch` refreshes ---------------------------------------------------------------------


def refreshed_after(files: dict[str, str], path: str, text: str) -> set[str]:
    from vault_tools.refresh import FollowUpCache, apply_updates, notes_to_refresh

    index = index_of(files)
    change = apply_updates(index, {path: parse_note(path, text)}, FollowUpCache(index))
    return notes_to_refresh(index, change)


def test_an_offered_person_asked_refreshes_the_block_of_whoever_offered_them() -> None:
    text = VAULT[KWAME].replace("asked: 2026-11-10", "status: declined")
    assert PRIYA in refreshed_after(VAULT, KWAME, text)


def test_a_conversation_with_an_offered_person_refreshes_the_referrer() -> None:
    new = "interviews/2026-11-20 Kwame.md"
    text = '---\ntype: interview\ndate: 2026-11-20\nwith: "[[Kwame Asante]]"\n---\n'
    files = {**VAULT, new: "---\ntype: interview\n---\n"}
    assert PRIYA in refreshed_after(files, new, text)


def test_a_new_introducer_at_the_top_of_a_chain_refreshes_everyone_below() -> None:
    files = {**VAULT, "contacts/Bo.md": "---\ntype: contact\n---\n"}
    text = '---\ntype: contact\nstatus: keep-warm\nintroduced_by: "[[Bo]]"\n---\n'
    assert {PRIYA, KWAME} <= refreshed_after(files, MARISOL, text)
