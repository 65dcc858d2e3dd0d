"""The dashboards' filters and phone cards in a real browser (the OS's Chromium, as in
tests/test_browser.py): a filter narrows a table and survives a reload through the URL,
filters combine, "no touch in more than N days" counts by the browser's own date, the
controls work from the keyboard, nothing runs against the page's policy, and no page scrolls
sideways on a 400 px screen."""

# ruff: noqa: F811  (the fixtures of test_browser.py, imported, are the tests' parameters)
from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from collections.abc import Iterator

import pytest

from vault_tools.site.build import build_site
from vault_tools.vault import find_vault

from .conftest import write_vault
from .test_browser import (  # noqa: F401
    SCREENSHOTS,
    _Quiet,
    _watch_violations,
    browser,
    page,
    site_url,
)

pytestmark = pytest.mark.slow

# Every generated page, and a few notes of each kind.
DASHBOARDS = ("", "Follow-ups/", "people/", "leads/", "pipeline/", "timeline/", "companies/",
              "careers/", "question-answers/", "network/", "all-notes/", "tags/")
NOTES = ("contacts/Priya%20Raman/", "interviews/2026-07-08%20Priya%20Raman/",
         "companies/Lumen%20Health/", "questions/", "careers/UX%20Research/")
FILTERED = ("people/", "leads/", "pipeline/", "timeline/", "companies/", "careers/")

ROWS = """() => [...document.querySelectorAll('article tbody tr')]
    .filter(row => row.querySelector('.vault-row'))
    .map(row => {
        const data = row.querySelector('.vault-row');
        const out = {name: row.cells[0].innerText.trim(), shown: !row.hidden};
        for (const attr of data.attributes) {
            if (attr.name.startsWith('data-')) out[attr.name.slice(5)] = attr.value.split('\\n');
        }
        return out;
    })"""


def rows(page) -> list[dict]:
    return page.evaluate(ROWS)


def shown(page) -> list[str]:
    return [row["name"] for row in rows(page) if row["shown"]]


def wait_for_filters(page) -> None:
    page.locator(".vault-filters[data-shown]").wait_for(timeout=15000)


def test_a_filter_narrows_the_table_and_survives_a_reload(page, site_url: str) -> None:
    page.goto(site_url + "people/")
    wait_for_filters(page)
    everyone = rows(page)
    page.select_option("#vault-filter-company", "Lumen Health")
    expected = [row["name"] for row in everyone if row.get("company") == ["Lumen Health"]]
    assert 1 < len(expected) < len(everyone)
    assert shown(page) == expected
    assert page.locator(".vault-filters__count").inner_text() == \
        f"{len(expected)} of {len(everyone)} shown"
    assert "company=Lumen+Health" in page.url
    page.reload()
    wait_for_filters(page)
    assert shown(page) == expected
    assert page.locator("#vault-filter-company").input_value() == "Lumen Health"
    # Cleared, every row is back and the URL forgets the filter.
    page.locator(".vault-filters__clear").click()
    assert len(shown(page)) == len(everyone) and "company=" not in page.url
    assert page.problems == []


def test_two_filters_combine(page, site_url: str) -> None:
    page.goto(site_url + "people/?company=Lumen%20Health&tag=ux-research")
    wait_for_filters(page)
    everyone = rows(page)
    at_lumen = [r["name"] for r in everyone if r.get("company") == ["Lumen Health"]]
    both = [r["name"] for r in everyone if r.get("company") == ["Lumen Health"]
            and "ux-research" in r.get("tag", [])]
    assert both and len(both) < len(at_lumen)
    assert shown(page) == both
    assert page.locator(".vault-filters__active").inner_text().strip() == "(2 on)"


def test_a_filter_written_into_the_url_that_no_row_has_shows_nothing_and_can_be_cleared(
        page, site_url: str) -> None:
    page.goto(site_url + "people/?company=Gone%20Inc")
    wait_for_filters(page)
    assert shown(page) == []
    assert page.locator("#vault-filter-company").input_value() == "Gone Inc"
    page.locator(".vault-filters__clear").click()
    assert len(shown(page)) == len(rows(page))


def _quiet_on(browser, url: str, day: str) -> tuple[list[str], list[dict]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.clock.set_fixed_time(f"{day}T12:00:00")
        page.goto(url)
        wait_for_filters(page)
        return shown(page), rows(page)
    finally:
        context.close()


def test_no_touch_in_more_than_n_days_counts_by_the_browsers_date(browser, site_url) -> None:
    url = site_url + "people/?quiet=30"
    results = {}
    for day in ("2026-10-01", "2026-12-20"):
        names, everyone = _quiet_on(browser, url, day)
        today = dt.date.fromisoformat(day)
        # Quiet: never touched, or touched more than 30 days before the reader's today.
        expected = [r["name"] for r in everyone if "touch" not in r
                    or (today - dt.date.fromisoformat(r["touch"][0])).days > 30]
        assert names == expected
        results[day] = names
    assert len(results["2026-10-01"]) < len(results["2026-12-20"])


def test_the_filters_work_from_the_keyboard_alone(page, site_url: str) -> None:
    page.goto(site_url + "people/")
    wait_for_filters(page)
    everyone = len(rows(page))

    def tab_to(selector: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#vault-filter-company")
    page.keyboard.press("ArrowDown")  # the first company
    company = page.locator("#vault-filter-company").input_value()
    assert company and "company=" in page.url
    narrowed = shown(page)
    assert 0 < len(narrowed) < everyone
    tab_to("#vault-filter-quiet")
    page.keyboard.type("100000")
    assert shown(page) == [] or len(shown(page)) < len(narrowed)
    tab_to(".vault-filters__clear")
    page.keyboard.press("Enter")
    assert len(shown(page)) == everyone
    assert page.evaluate("document.activeElement.id") == "vault-filter-company"
    assert "company=" not in page.url and "quiet=" not in page.url


def test_a_filtered_table_still_sorts_and_keeps_its_filter(page, site_url: str) -> None:
    page.goto(site_url + "people/?company=Lumen%20Health")
    wait_for_filters(page)
    before = shown(page)
    header = page.locator("article table th", has_text="Name")
    header.click()
    header.click()
    assert shown(page) == sorted(before, reverse=True)


def test_the_pipeline_filter_leaves_out_the_stages_with_nobody_shown(page, site_url) -> None:
    page.goto(site_url + "pipeline/?stage=met")
    wait_for_filters(page)
    headings = page.evaluate("""() => [...document.querySelectorAll('article h2')]
        .filter(h => h.offsetParent !== null).map(h => h.innerText)""")
    assert [h.split(" (")[0] for h in headings] == ["Met"]
    assert all(r["stage"] == ["met"] for r in rows(page) if r["shown"])


@pytest.mark.parametrize("path", FILTERED)
def test_every_filtered_page_has_its_controls_and_runs_under_the_policy(page, site_url,
                                                                        path) -> None:
    _watch_violations(page)
    page.goto(site_url + path)
    wait_for_filters(page)
    controls = page.locator(".vault-filters select, .vault-filters input")
    assert controls.count() >= 2
    # Each control has a label a screen reader reads.
    for i in range(controls.count()):
        assert controls.nth(i).evaluate("c => c.labels.length") == 1
    page.locator(".vault-filters select").first.select_option(index=1)
    assert 0 < len(shown(page)) <= len(rows(page))
    assert page.evaluate("window.violations") == []
    assert page.problems == []


def test_without_javascript_every_row_shows_and_there_are_no_controls(browser, site_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "people/?company=Lumen%20Health")
        assert page.locator(".vault-filters select").count() == 0
        visible = page.evaluate("""() => [...document.querySelectorAll('article tbody tr')]
            .filter(r => r.offsetParent !== null).length""")
        assert visible == page.locator("article tbody tr").count() > 5
    finally:
        context.close()


# --- phones: cards, never a page scrolling sideways ----------------------------------------------


def _phone(browser):
    context = browser.new_context(viewport={"width": 400, "height": 800})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return context, page


def _overflowing(page, base: str, paths) -> dict[str, int]:
    wide = {}
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 400:
            wide[path] = width
    return wide


def test_no_page_scrolls_sideways_at_400_px(browser, site_url: str) -> None:
    context, page = _phone(browser)
    try:
        assert _overflowing(page, site_url, DASHBOARDS + NOTES) == {}
        assert page.problems == []
    finally:
        context.close()


def test_a_dashboard_row_is_a_card_with_each_value_under_its_columns_name(browser,
                                                                          site_url) -> None:
    context, page = _phone(browser)
    try:
        page.goto(site_url + "people/")
        wait_for_filters(page)
        cell = page.locator("article tbody tr").first.locator("td").nth(1)
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == '"Company"'
        assert page.locator("article thead").first.evaluate(
            "h => h.getBoundingClientRect().height") <= 1
        box = page.locator("article tbody tr").first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 400
        # The filters are folded away on a phone, one line above the cards.
        assert not page.locator("#vault-filter-company").is_visible()
        page.locator(".vault-filters__panel summary").click()
        assert page.locator("#vault-filter-company").is_visible()
    finally:
        context.close()


LONG = "Supercalifragilistic" * 6
COMPANY = "Averyveryveryverylongcompanynamewithoutanyspacesatall Incorporated"


@pytest.fixture(scope="module")
def hostile_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A vault of very long names, addresses, tags, code and a wide table of its own."""
    root = tmp_path_factory.mktemp("hostile")
    write_vault(root, {
        f"contacts/{LONG}.md":
            f'---\ntype: contact\ncompany: "[[{COMPANY}]]"\nrole: Chief {LONG} Officer\n'
            "location: Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch\n"
            f"tags: [{LONG.lower()}/nested{LONG.lower()}]\n"
            f"website: https://example.org/{LONG}/{LONG}\nlast_contact: 2026-01-02\n---\n\n"
            f"# {LONG}\n\nSee https://example.org/a/very/long/path/{LONG}/{LONG}\n\n"
            f"```\ncode {LONG} {LONG} {LONG}\n```\n\n"
            "| a | b | c | d | e | f | g | h | i | j |\n|---|---|---|---|---|---|---|---|---|---|\n"
            f"| {LONG} | x | y | z | x | y | z | x | y | z |\n",
        f"companies/{COMPANY}.md": f"---\ntype: company\nindustry: {LONG}\n"
                                   f"website: https://example.org/{LONG}\n---\n",
        f"careers/{LONG}.md": "---\ntype: career\nstatus: exploring\n---\n",
        "interviews/2026-01-02 talk.md":
            f'---\ntype: interview\ndate: 2026-01-02\nwith: "[[{LONG}]]"\n'
            f'company: "[[{COMPANY}]]"\ncareer: "[[{LONG}]]"\ninterest: 1\n'
            f'referrals: ["[[Someone {LONG}]]"]\n---\n',
    })
    (root / "mkdocs.yml").write_text(
        "site_name: Long\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    site = build_site(find_vault(root))
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_long_names_addresses_and_code_never_widen_a_page_at_400_px(browser,
                                                                    hostile_site_url) -> None:
    quoted = LONG  # no blank: the URL is the name
    paths = (*DASHBOARDS, f"contacts/{quoted}/", "interviews/2026-01-02%20talk/",
             f"companies/{COMPANY.replace(' ', '%20')}/", f"careers/{quoted}/")
    context, page = _phone(browser)
    try:
        assert _overflowing(page, hostile_site_url, paths) == {}
    finally:
        context.close()


def test_screenshots_at_phone_width(browser, site_url: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _phone(browser)
    try:
        for path in ("people/", "pipeline/", "leads/", "timeline/", "companies/", "careers/"):
            page.goto(site_url + path)
            wait_for_filters(page)
            target = SCREENSHOTS / f"{path.strip('/')}-400.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
    finally:
        context.close()
