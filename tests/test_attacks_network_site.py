"""Attacks on the site and command side of the network (#18): privacy of the Leads, Pipeline
and People pages in real builds, hostile names in their tables, the days-in-stage script, and
the `leads`, `pipeline` and `show` commands with odd input."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
import pytest

from vault_tools.site.build import build_site
from vault_tools.site.render.common import Linker
from vault_tools.site.render.leads import leads_page
from vault_tools.site.render.people import people_page
from vault_tools.vault import find_vault
from vault_tools.views.common import Ref
from vault_tools.views.leads import LeadRow
from vault_tools.views.people import PersonRow

from .conftest import site_texts

D = dt.date
CONFIG = ("site_name: Test vault\ndocs_dir: notes\ntheme:\n  name: material\n"
          "plugins:\n  - search\n  - vault\n")


def linker(page: str) -> Linker:
    return Linker(page, {"contacts/Priya.md": "contacts/Priya/"}, lambda p, h: None)


def table_cells(page_markdown: str) -> list[list[str]]:
    """The cells of each body row of the page's tables, as Python-Markdown renders them."""
    out = markdown.markdown(page_markdown, extensions=["tables"])
    return [re.findall(r"<td>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", out, re.S) if "<td>" in row]


# --- hostile names in the tables (the Markdown route: the fast HTML route declines them) ------

# A name as a user types it in `referrals` with no note yet: a pipe, code and emphasis marks.
HOSTILE = "Ana | Bo `x` *y* _z_ [w]"


def test_an_offered_name_with_a_pipe_or_markup_stays_one_cell_and_reads_as_written() -> None:
    rows = [LeadRow(Ref("broken", HOSTILE), (Ref("ok", "Priya", "contacts/Priya.md"),),
                    D(2026, 11, 5), (), "not added")]
    [cells] = table_cells(leads_page(rows, linker("leads/")))
    assert len(cells) == 5, cells
    assert re.sub(r"<[^>]+>", "", cells[0]) == HOSTILE
    assert "<code>" not in cells[0] and "<em>" not in cells[0]


def test_an_introducer_with_a_pipe_in_the_people_table_keeps_the_row_whole() -> None:
    rows = [PersonRow(Ref("ok", "Priya", "contacts/Priya.md"), None, None, None, None,
                      Ref("broken", HOSTILE))]
    [cells] = table_cells(people_page(rows, linker("people/")))
    assert len(cells) == 6, cells
    assert re.sub(r"<[^>]+>", "", cells[5]) == HOSTILE


# --- nudge_days in mkdocs.yml ------------------------------------------------------------------


@pytest.mark.parametrize("value", ['!ENV [NUDGE_DAYS, 10]',
                                   '!!python/object/apply:os.system ["exit 3"]',
                                   '!!python/name:os.system'])
def test_a_nudge_days_given_through_a_tag_is_refused_not_silently_seven(
        tmp_path: Path, value: str) -> None:
    """MkDocs resolves `!ENV` for the site; the commands do not run tags: if they read such a
    value as absent, `pipeline` would flag an ask stale after 7 days while the site waits 10."""
    from vault_tools.vault import VaultError

    (tmp_path / "notes").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: T\ndocs_dir: notes\nplugins:\n  - vault:\n      nudge_days: {value}\n",
        encoding="utf-8")
    with pytest.raises(VaultError, match="nudge_days"):
        find_vault(tmp_path)


def test_a_tag_elsewhere_in_mkdocs_yml_still_reads_as_absent(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: !ENV [SITE, T]\ndocs_dir: notes\nplugins:\n  - vault:\n      nudge_days: 9\n"
        "  - search: !ENV SEARCH\n", encoding="utf-8")
    assert find_vault(tmp_path).settings.nudge_days == 9


# --- privacy in a real build -------------------------------------------------------------------

PRIVATE_VAULT = {
    "contacts/Priya Raman.md": "---\ntype: contact\n---\n",
    "contacts/Olga Public.md": "---\ntype: contact\n---\n",
    "contacts/Rex Secretson.md": "---\ntype: contact\nprivate: true\n---\n",
    "contacts/Tom Touched.md": "---\ntype: contact\nlast_contact: 2026-10-01\n---\n",
    "contacts/Mid Hiddenperson.md": ('---\ntype: contact\nprivate: true\n'
                                     'introduced_by: "[[Priya Raman]]"\n---\n'),
    "contacts/Bottom Person.md": ('---\ntype: contact\n'
                                  'introduced_by: "[[Mid Hiddenperson]]"\n---\n'),
    "contacts/Quinn Offered.md": "---\ntype: contact\n---\n",
    "careers/Secret Career.md": "---\ntype: career\nprivate: true\n---\n",
    # A public conversation with a private person, who offered a public one and a new name.
    "interviews/2026-11-05 Lunch.md": (
        '---\ntype: interview\ndate: 2026-11-05\nwith: "[[Rex Secretson]]"\n'
        'referrals: ["[[Olga Public]]", "[[Nobody Yetnoted]]"]\n---\n'),
    # A private conversation offering a public person and a name only it holds.
    "interviews/2026-11-07 Priya.md": (
        '---\ntype: interview\ndate: 2026-11-07\nprivate: true\nwith: "[[Priya Raman]]"\n'
        'referrals: ["[[Quinn Offered]]", "[[Xavier Sneakyname]]"]\n---\nAbout zebracorn.\n'),
    "interviews/2026-11-08 Priya.md": (
        '---\ntype: interview\ndate: 2026-11-08\nwith: "[[Priya Raman]]"\n'
        'career: "[[Secret Career]]"\nreferrals: ["[[Bottom Person]]"]\n---\n'),
    # Private daily notes touching public contacts, later than any public touch.
    "2026-11-20.md": "---\nprivate: true\n---\nCoffee with [[Tom Touched]], unicornlatte.\n",
    "journal/Entry.md": ("---\ntype: journal\ndate: 2026-11-22\nprivate: true\n---\n"
                         "Met [[Olga Public]] secretly.\n"),
}


@pytest.mark.slow
def test_no_private_person_date_or_sentence_reaches_any_file_of_the_built_site(
        make_vault) -> None:
    root = make_vault(PRIVATE_VAULT)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    texts = site_texts(build_site(find_vault(root)))
    # Every file: pages, the search index, the network graph's data, the calendar feed.
    for secret in ("Secretson", "Hiddenperson", "Sneakyname", "zebracorn", "unicornlatte",
                   "secretly", "Secret Career", "2026-11-07", "2026-11-20", "2026-11-22"):
        leaked = sorted(name for name, text in texts.items() if secret in text)
        assert leaked == [], (secret, leaked)

    def words(page: str) -> str:
        article = re.search(r"<article.*?</article>", texts[page], re.S)
        assert article is not None
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article.group(0)))

    # Last touch falls back to the latest public one (the private daily note's is later).
    people = words("people/index.html")
    assert "Tom Touched — — 2026-10-01 · last contact" in people
    pipeline = words("pipeline/index.html")
    assert "Tom Touched to-contact — — 2026-10-01" in pipeline
    # The stage reads public conversations only: met on the 8th, not the private 7th.
    assert "Priya Raman met 2026-11-08" in pipeline
    # Counts are of public people only (Priya, Olga, Tom, Bottom, Quinn).
    assert "5 in all" in pipeline and "5 in all" in people
    leads = words("leads/index.html")
    assert "1 in all" in leads and "Bottom Person Priya Raman 2026-11-08" in leads
    # The chain stops at the private introducer; the private career is never named.
    assert "Introduced by a private note" in words("contacts/Bottom Person/index.html")


# --- which contact a typed name means (`show`, `log`) -------------------------------------------


def index_of(files: dict[str, str]):
    from vault_tools.index import VaultIndex
    from vault_tools.parse import parse_note

    return VaultIndex(parse_note(path, text) for path, text in files.items())


def test_a_name_shared_by_a_company_and_a_contact_suggests_the_contacts_path() -> None:
    """`show Acme` with a company and a contact both named Acme: the path it suggests must be
    one `show` accepts, not the company's (which it then refuses as not a contact)."""
    from vault_tools.lookup import ContactNameError, contact_named

    index = index_of({"companies/Acme.md": "---\ntype: company\n---\n",
                      "contacts/Acme.md": "---\ntype: contact\n---\n"})
    with pytest.raises(ContactNameError) as raised:
        contact_named(index, "Acme")
    suggested = re.search(r"e\.g\. '([^']+)'", str(raised.value))
    assert suggested is not None, str(raised.value)
    assert contact_named(index, suggested.group(1)).path == "contacts/Acme.md"


def test_a_name_that_is_an_interview_says_an_interview_note() -> None:
    from vault_tools.lookup import ContactNameError, contact_named

    index = index_of({"interviews/2026-11-05 Jo.md": "---\ntype: interview\n---\n"})
    with pytest.raises(ContactNameError, match=r"is interviews/2026-11-05 Jo\.md, an interview "):
        contact_named(index, "2026-11-05 Jo")


# --- the days-in-stage script --------------------------------------------------------------------


@pytest.mark.slow
def test_the_days_script_counts_odd_dates_as_the_pipeline_command_does(make_vault) -> None:
    """A date in the future counts 0 days and is never stale; a year typed short ('0026', a
    slip for 2026) counts from that year, as Python does, not from 1926 (JavaScript's
    Date.UTC reads years 0-99 as 1900-1999); year 9999 is 0."""
    from .browsers import find_browser

    browser = find_browser()
    sync_api = pytest.importorskip("playwright.sync_api")
    if browser is None:
        pytest.skip("no Chromium")
    asks = {"Future": "2099-01-01", "Far": "9999-12-31", "Typo": "0026-11-10"}
    root = make_vault({f"contacts/{name}.md": f"---\ntype: contact\nasked: {day}\n---\n"
                       for name, day in asks.items()})
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    site = build_site(find_vault(root))
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser,
                                              args=["--headless", "--no-sandbox"])
        page = chromium.new_page()
        page.goto((site / "pipeline" / "index.html").as_uri())
        shown = {day: page.eval_on_selector(f'.vault-days[data-since="{day}"]',
                                            "e => [e.firstChild.textContent, "
                                            "e.closest('tr').classList.contains('vault-stale')]")
                 for day in asks.values()}
        chromium.close()
    today = dt.date.today()
    assert shown["2099-01-01"] == ["0", False]
    assert shown["9999-12-31"] == ["0", False]
    typo_days = (today - D(26, 11, 10)).days
    assert shown["0026-11-10"] == [str(typo_days), True]


# --- serve keeps Leads and Pipeline current ------------------------------------------------------


@pytest.mark.slow
def test_serve_updates_leads_and_pipeline_as_a_full_build_would(tmp_path: Path) -> None:
    """`serve`'s incremental rebuild (`LiveSite.update`, after the watcher's fill), compared
    byte for byte with a full build after each change by `Session`."""
    from .test_incremental import CONFIG as SERVE_CONFIG
    from .test_incremental import Session

    root = tmp_path / "vault"
    files = {
        "contacts/Priya Raman.md": "---\ntype: contact\n---\n",
        "contacts/Kwame Asante.md": "---\ntype: contact\nasked: 2026-11-10\n---\n",
        "interviews/2026-11-05 Priya.md": ('---\ntype: interview\ndate: 2026-11-05\n'
                                           'with: "[[Priya Raman]]"\n---\n\nNotes.\n'),
    }
    for rel, text in files.items():
        (root / "notes" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "notes" / rel).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(SERVE_CONFIG, encoding="utf-8")
    s = Session(root)

    def page(rel: str) -> str:
        return (s.site / rel).read_text(encoding="utf-8")

    assert "Nothing here yet" in page("leads/index.html")
    s.edit("interviews/2026-11-05 Priya.md", lambda t: t.replace(
        "---\n\n", 'referrals: ["[[Ines Moreau]]", "[[Kwame Asante]]"]\n---\n\n', 1))
    leads = page("leads/index.html")
    assert "Ines Moreau" in leads and "vault-state--not-added" in leads
    assert "Kwame Asante" in leads and "vault-state--asked" in leads
    assert "Kwame Asante" in page("pipeline/index.html")
    s.edit("contacts/Kwame Asante.md", lambda t: t.replace("---\n", "---\nprivate: true\n", 1))
    for rel in ("pipeline/index.html", "leads/index.html", "people/index.html",
                "contacts/Priya Raman/index.html"):
        assert "Kwame" not in page(rel), rel
    assert "Ines Moreau" in page("leads/index.html")


# --- the commands' text output ------------------------------------------------------------------


def test_show_pipeline_and_leads_never_print_a_bidi_override_raw(tmp_path: Path) -> None:
    """A right-to-left override in a name or a log line reorders the terminal's line (the name
    'Ana \\u202egnp.exe' reads as 'Ana exe.png'); the commands write it as its escape, as they
    do control characters."""
    from click.testing import CliRunner

    from vault_tools.cli import main

    notes = tmp_path / "notes"
    (notes / "contacts").mkdir(parents=True)
    (notes / "interviews").mkdir()
    (notes / "contacts" / "Jo Smith.md").write_text(
        "---\ntype: contact\nasked: 2026-11-01\n---\n## Log\n"
        "- 2026-11-12 email: sent \u202egnp.exe\n", encoding="utf-8")
    (notes / "interviews" / "2026-11-05 Jo.md").write_text(
        '---\ntype: interview\ndate: 2026-11-05\nwith: "[[Jo Smith]]"\n'
        'referrals: ["Ana \u2066\u202egnp.exe\u2069"]\n---\n', encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: notes\nplugins:\n  - vault\n",
                                         encoding="utf-8")
    for args in (["show", "Jo Smith"], ["leads"], ["pipeline"]):
        result = CliRunner().invoke(main, [*args, "--vault", str(tmp_path)])
        assert result.exit_code == 0, result.output
        bidi = [ch for ch in result.output if "\u202a" <= ch <= "\u202e"
                or "\u2066" <= ch <= "\u2069"]
        assert bidi == [], (args, result.output)
    assert "\\u202egnp.exe" in CliRunner().invoke(
        main, ["show", "Jo Smith", "--vault", str(tmp_path)]).output


# --- the Leads rows -----------------------------------------------------------------------------


def test_a_lead_offered_in_a_public_conversation_with_a_private_person_there_too_is_listed(
) -> None:
    """Priya (public) and Rex (private) together offered Olga and a new name in a public
    conversation: Priya's and Olga's blocks show the offer, so the Leads page lists both,
    offered by Priya; Rex is never named. An offer whose only offerer is private stays out."""
    from vault_tools.views.common import SiteView
    from vault_tools.views.leads import lead_rows

    index = index_of({
        "contacts/Priya.md": "---\ntype: contact\n---\n",
        "contacts/Rex Secretson.md": "---\ntype: contact\nprivate: true\n---\n",
        "contacts/Olga.md": "---\ntype: contact\n---\n",
        "interviews/2026-11-05 Both.md": (
            '---\ntype: interview\ndate: 2026-11-05\nwith: ["[[Priya]]", "[[Rex Secretson]]"]\n'
            'referrals: ["[[Olga]]", "Newbie Name"]\n---\n'),
        "interviews/2026-11-06 Rex.md": (
            '---\ntype: interview\ndate: 2026-11-06\nwith: "[[Rex Secretson]]"\n'
            'referrals: ["Only Rex Knows"]\n---\n'),
    })
    rows = {r.who.text: r for r in lead_rows(SiteView(index))}
    assert sorted(rows) == ["Newbie Name", "Olga"]
    for row in rows.values():
        assert row.offered_by == (Ref("ok", "Priya", "contacts/Priya.md"),)
        assert row.date == D(2026, 11, 5)


def test_log_never_sends_an_escape_sequence_to_the_terminal(tmp_path: Path) -> None:
    """An unknown name holding ESC[2J (clear the screen) came back raw in the "Create the
    contact first" hint (and click drops it only when the output is not a terminal, so a pipe
    showed the wrong command: 'new contact Priya'); the text logged is echoed too."""
    from click.testing import CliRunner

    from vault_tools.cli import main

    (tmp_path / "notes" / "contacts").mkdir(parents=True)
    (tmp_path / "notes" / "contacts" / "Priya.md").write_text("---\ntype: contact\n---\n",
                                                              encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: notes\nplugins:\n  - vault\n",
                                         encoding="utf-8")
    for args in (["log", "Pr\x1b[2Jiya", "called"], ["log", "Pri\u202eya", "called"],
                 ["log", "Priya", "sent \x1b[31mred\x1b[0m and \u202eabc", "--dry-run"]):
        result = CliRunner().invoke(main, [*args, "--vault", str(tmp_path)], color=True)
        assert "\x1b" not in result.output and "\u202e" not in result.output, result.output
    unknown = CliRunner().invoke(main, ["log", "Pr\x1b[2Jiya", "x", "--vault", str(tmp_path)])
    assert "new contact 'Pr\\x1b[2Jiya'" in unknown.output


def test_hide_private_in_files_given_through_a_tag_hides_rather_than_names(
        tmp_path: Path) -> None:
    """`hide_private_in_files: !ENV HIDE`: MkDocs may read it as true, the commands run no
    tag; when unsure, `fill` keeps private names out of public notes' blocks."""
    from vault_tools.fill import hide_private_of

    (tmp_path / "notes").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: notes\nplugins:\n  - vault:\n"
        "      hide_private_in_files: !ENV [HIDE, true]\n", encoding="utf-8")
    assert hide_private_of(find_vault(tmp_path)) is True
