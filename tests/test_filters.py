"""The dashboards' filters and phone cards, without a browser: what each row carries for
`filters.js` (from public notes only, escaped), the marker naming a page's filters, the cells
labelled for the cards, and the fast path still writing what Python-Markdown writes."""

from __future__ import annotations

import datetime as dt
import functools
import html
import time
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.privacy import Secret
from vault_tools.site.fast_html import StandIns
from vault_tools.site.leaks import scan_site
from vault_tools.site.render.common import Linker, card_tables
from vault_tools.site.render.companies import companies_page
from vault_tools.site.render.leads import leads_page
from vault_tools.site.render.people import people_page
from vault_tools.site.render.pipeline import pipeline_page
from vault_tools.site.render.timeline import timeline_page
from vault_tools.views.common import Ref, SiteView
from vault_tools.views.companies import CompanyRow, company_rows
from vault_tools.views.leads import LeadRow, lead_rows
from vault_tools.views.people import PersonRow, people_rows
from vault_tools.views.pipeline import StageRow, pipeline_rows
from vault_tools.views.timeline import InterviewRow, timeline_rows

from .test_fast_html import EXTENSIONS, MARKS, TEXT, WORDS

D = dt.date


def view_of(files: dict[str, str]) -> SiteView:
    return SiteView(VaultIndex(parse_note(path, text) for path, text in files.items()))


def linker() -> Linker:
    return Linker("people/", {}, lambda path, heading: None)


class _Rows(HTMLParser):
    """Each `vault-row` span's data attributes, as a browser reads them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict[str, str]] = []
        self.markers: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if found.get("class") == "vault-row":
            self.rows.append({k[5:]: v for k, v in found.items() if k.startswith("data-")})
        if found.get("class") == "vault-filters":
            self.markers.append(found)


def rows_of(page: str) -> _Rows:
    parser = _Rows()
    parser.feed(markdown.markdown(page, extensions=EXTENSIONS))
    return parser


VAULT = {
    "contacts/Ana.md": '---\ntype: contact\ncompany: "[[Acme]]"\nlocation: "Oslo, NO"\n'
                       'introduced_by: "[[Bo]]"\ntags: [data/eng, Remote]\n'
                       "last_contact: 2026-11-02\nstatus: met\n---\n",
    "contacts/Bo.md": "---\ntype: contact\ncompany: Nowhere Yet\n---\n",
    # A public contact at a private company, introduced by a private person.
    "contacts/Cy.md": '---\ntype: contact\ncompany: "[[Hidden Co]]"\n'
                      'introduced_by: "[[Secret Person]]"\nlocation: Bergen\n---\n',
    "contacts/Secret Person.md": "---\ntype: contact\nprivate: true\n"
                                 "company: Zorblaxcorp Uniquestring\n"
                                 "location: Quxxvillian Uniqueplace\ntags: [qwerz]\n---\n",
    "companies/Acme.md": "---\ntype: company\nindustry: Logistics\nlocation: Oslo\n"
                         "tags: [client]\n---\n",
    "companies/Hidden Co.md": "---\ntype: company\nprivate: true\n---\n",
    "careers/Data.md": "---\ntype: career\nstatus: exploring\n---\n",
    "interviews/a.md": '---\ntype: interview\ndate: 2026-10-01\nwith: "[[Ana]]"\n'
                       'company: "[[Acme]]"\ncareer: "[[Data]]"\ntags: [onsite]\n'
                       'referrals: ["[[Dee]]"]\n---\n',
}


def test_a_person_row_carries_company_stage_tags_location_introducer_and_last_touch() -> None:
    view = view_of(VAULT)
    parsed = rows_of(people_page(people_rows(view), linker()))
    ana, bo, cy = parsed.rows
    assert ana == {"company": "Acme", "stage": "met", "tag": "data\ndata/eng\nRemote",
                   "location": "Oslo, NO", "introducer": "Bo", "touch": "2026-11-02"}
    # A company with no note yet is named as the table names it; no touch, no date.
    assert bo == {"company": "Nowhere Yet", "stage": "to-contact"}
    # A private company and a private introducer are never named, not even in an attribute.
    assert cy == {"stage": "to-contact", "location": "Bergen"}
    (marker,) = parsed.markers
    assert marker["data-filters"] == "company stage tag location introducer quiet"
    assert marker["data-label-quiet"] == "No touch in more than"


def test_every_filtered_dashboard_names_its_filters_and_its_rows_carry_them() -> None:
    view = view_of(VAULT)
    timeline = rows_of(timeline_page(timeline_rows(view), linker()))
    assert timeline.rows == [{"company": "Acme", "career": "Data", "status": "done",
                              "tag": "onsite"}]
    companies = rows_of(companies_page(company_rows(view), linker()))
    assert companies.rows[0] == {"industry": "Logistics", "location": "Oslo", "tag": "client",
                                 "touch": "2026-10-01"}
    leads = rows_of(leads_page(lead_rows(view), linker()))
    assert leads.rows == [{"state": "not added", "introducer": "Ana", "career": "Data"}]
    pipeline = rows_of(pipeline_page(pipeline_rows(view), linker()))
    assert len(pipeline.markers) == 1  # one bar for every stage's table
    (met,) = [row for row in pipeline.rows if row["stage"] == "met"]
    assert met["introducer"] == "Bo" and met["touch"] == "2026-11-02"
    for page in (timeline, companies, leads, pipeline):
        keys = page.markers[0]["data-filters"].split()
        assert keys and all(page.markers[0].get(f"data-label-{key}") for key in keys)


def test_no_private_value_reaches_any_data_attribute() -> None:
    view = view_of(VAULT)
    pages = [people_page(people_rows(view), linker()),
             pipeline_page(pipeline_rows(view), linker()),
             leads_page(lead_rows(view), linker()),
             companies_page(company_rows(view), linker()),
             timeline_page(timeline_rows(view), linker())]
    for page in pages:
        values = " ".join(v for row in rows_of(page).rows for v in row.values())
        for secret in ("Zorblaxcorp", "Quxxvillian", "qwerz", "Hidden Co", "Secret Person"):
            assert secret not in values


def test_an_empty_table_has_no_filters() -> None:
    assert "vault-filters" not in people_page([], linker())
    assert "vault-filters" not in leads_page([], linker())


HOSTILE = ['a "quoted" | piped *starred* _under_ `tick` [link](x) \\ back & amp',
           "<script>alert(1)</script>", "==mark== [^1] !!! ??? &#124; &amp;",
           "tab\there\nnew line  and   spaces", "Zoë Ærø 東京", "x\x00y\x02z\u2028w"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_reads_back_as_itself_and_stays_in_its_attribute(value: str) -> None:
    # (A line break in a company's name is the company cell's own matter: not written here.)
    company = Ref("broken", value.replace("\n", " "))
    row = PersonRow(Ref("ok", "Ana", "a.md"), company, None, None, None, None,
                    location=value, tags=(value,))
    page = people_page([row], linker())
    html_page = markdown.markdown(page, extensions=EXTENSIONS)
    assert "<script" not in html_page
    (data,) = rows_of(page).rows
    expected = " ".join(value.split())
    expected = "".join(c for c in expected if c.isprintable())
    assert data["company"] == data["location"] == data["tag"] == expected
    # The cell is still the table's first cell: no `|` in the value split the row.
    assert html_page.count("<td>") == 6


# --- the fast path: the same HTML as Python-Markdown, with the rows' data ------------------------

VALUES = st.lists(st.one_of(WORDS, MARKS, st.sampled_from(["Ana", "Oslo, NO", "a/b", "é"])),
                  min_size=0, max_size=4).map(" ".join)


def _both_paths(make_page) -> tuple[str, str]:
    """(the page with its tables written as HTML, through Markdown) after `card_tables`, as the
    plugin makes it."""
    out = []
    for fast in (True, False):
        stand_ins = StandIns()
        text = make_page(functools.partial(stand_ins.in_content, "p.md") if fast else None)
        rendered = markdown.markdown(text, extensions=EXTENSIONS)
        out.append(card_tables(stand_ins.fill_content("p.md", rendered)))
    return out[0], out[1]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(TEXT, VALUES, VALUES, VALUES), min_size=1, max_size=3))
def test_every_filtered_table_written_as_html_is_what_markdown_makes_of_it(rows) -> None:
    people = [PersonRow(Ref("ok", name, f"n{i}.md"), Ref("broken", company), None,
                        D(2026, 1, 2), None, Ref("ok", tag or "x", "n0.md"),
                        location=location, tags=(tag, location), stage=company)
              for i, (name, company, location, tag) in enumerate(rows)]
    stages = [StageRow(Ref("ok", name, "n0.md"), "met", False, None, None, None,
                       Ref("broken", company), None, location, (tag,))
              for name, company, location, tag in rows]
    leads = [LeadRow(Ref("broken", name), (Ref("broken", tag),), None,
                     (Ref("broken", location),), "asked", Ref("broken", company))
             for name, company, location, tag in rows]
    talks = [InterviewRow(Ref("ok", name, "n0.md"), None, (), Ref("broken", company),
                          (Ref("broken", location),), None, tag or "done", None, (tag,))
             for name, company, location, tag in rows]
    companies = [CompanyRow(Ref("broken", name or "x"), company, location, None, (), (),
                            (tag,)) for name, company, location, tag in rows]
    link = Linker("p/", {"n0.md": "n0/"}, lambda path, heading: None)
    for page in (lambda raw: people_page(people, link, raw),
                 lambda raw: pipeline_page(stages, link, raw),
                 lambda raw: leads_page(leads, link, raw),
                 lambda raw: timeline_page(talks, link, raw),
                 lambda raw: companies_page(companies, link, raw)):
        fast, slow = _both_paths(page)
        assert fast == slow


def test_the_usual_people_table_still_takes_the_fast_path() -> None:
    row = PersonRow(Ref("ok", "Ana", "n0.md"), Ref("ok", "Acme", "n0.md"), "Engineer",
                    D(2026, 1, 2), None, None, location="Oslo, NO", tags=("data", "data/eng"),
                    stage="met")
    taken: list[str] = []
    people_page([row], Linker("p/", {"n0.md": "n0/"}, lambda p, h: None),
                lambda fragment: taken.append(fragment) or "STAND-IN")
    assert len(taken) == 1 and 'data-location="Oslo, NO"' in taken[0]


# --- the cards: each cell labelled with its column ---------------------------------------------


def test_each_cell_is_labelled_with_its_column_and_an_empty_one_is_marked() -> None:
    page = markdown.markdown("| Name | A &amp; <b>B</b> |\n|---|---|\n| Ana | — |\n| Bo | x |\n\n"
                             "| One |\n|---|\n| 1 |\n", extensions=EXTENSIONS)
    carded = card_tables(page)
    assert carded.count("<table data-vault-cards>") == 2
    assert '<td data-label="Name">Ana</td>' in carded
    assert '<td data-label="A &amp; B" data-empty>—</td>' in carded
    assert '<td data-label="A &amp; B">x</td>' in carded
    assert '<td data-label="One">1</td>' in carded
    # Nothing but the table's tags changed.
    assert html.unescape(carded.replace(" data-vault-cards", "").replace(" data-empty", "")
                         ).count("data-label") == 5
    assert card_tables("<p>no table</p>") == "<p>no table</p>"


def test_a_row_with_more_cells_than_headings_gets_an_empty_label() -> None:
    page = "<table>\n<thead>\n<tr>\n<th>A</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n" \
           "<td>2</td>\n</tr>\n</tbody>\n</table>"
    assert '<td data-label="">2</td>' in card_tables(page)


def test_labelling_a_long_table_is_linear() -> None:
    row = "<tr>\n" + "<td>x</td>\n" * 6 + "</tr>\n"
    head = "<table>\n<thead>\n<tr>\n" + "<th>H</th>\n" * 6 + "</tr>\n</thead>\n<tbody>\n"

    def cost(rows: int) -> float:
        page = head + row * rows + "</tbody>\n</table>"
        start = time.process_time()
        card_tables(page)
        return time.process_time() - start

    cost(1000)
    small, large = cost(5000), cost(50000)
    assert large < max(small, 0.005) * 40  # ten times the rows: far from a hundred times


# --- the leak scan reads what a data attribute holds -------------------------------------------


def test_the_leak_scan_finds_a_private_value_written_into_a_data_attribute(tmp_path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.html").write_text(
        '<td><span class="vault-row" data-company="Zorbl&#97;xcorp&#32;Uniquestring">'
        "</span>Ana</td>", encoding="utf-8")
    secret = Secret("Zorblaxcorp Uniquestring", "company", "contacts/Secret.md")
    leaks = scan_site(tmp_path, [secret])
    assert [leak.secret for leak in leaks] == [secret]


@pytest.mark.slow
def test_a_built_site_names_no_private_value_in_any_attribute(make_vault) -> None:
    """A private contact's company and location, unique strings, are nowhere in the built site
    (the leak scan, run by the build, reads attribute values too), while a public contact's
    are in the People page's rows."""
    from vault_tools.site.build import build_site
    from vault_tools.vault import find_vault

    from .conftest import site_texts

    root = make_vault(VAULT)
    (root / "mkdocs.yml").write_text(
        "site_name: Filters\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    texts = site_texts(build_site(find_vault(root)))
    for name, text in texts.items():
        for secret in ("Zorblaxcorp", "Uniquestring", "Quxxvillian", "Uniqueplace"):
            assert secret not in text, name
    people = texts["people/index.html"]
    assert 'data-location="Oslo, NO"' in people and "data-vault-cards" in people
