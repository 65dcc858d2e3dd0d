"""The demo site in a real browser: the OS's headless Chromium, driven by Playwright.

The site is built from a copy of the demo vault and served by a local `http.server` on
127.0.0.1. Screenshots of every dashboard go to test-output/screenshots/ (git-ignored).
The browser is found by name on PATH (tests/browsers.py), never downloaded: `make test`
installs the OS's Chromium when it can (as root, with apt-get); without one these tests are
skipped with one line saying how to get one.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import material
import pytest

from vault_tools.site.build import build_site
from vault_tools.vault import find_vault

from .browsers import SKIP_REASON, find_browser, wait_until
from .conftest import DEMO_VAULT, REPO

pytestmark = pytest.mark.slow  # a real browser over a built site

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = REPO / "test-output" / "screenshots"
DASHBOARDS = ("", "Follow-ups/", "people/", "leads/", "pipeline/", "timeline/", "companies/",
              "careers/", "question-answers/", "network/", "all-notes/")

playwright_api = pytest.importorskip("playwright.sync_api")
BROWSER = find_browser()
if BROWSER is None:
    pytest.skip(SKIP_REASON, allow_module_level=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO_VAULT, root / "notes")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("docs_dir: vault_template", "docs_dir: notes"), encoding="utf-8")
    site = build_site(find_vault(root))
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=BROWSER, args=ARGS)
        yield chromium
        chromium.close()


def _cut_short(request) -> bool:
    """Whether the browser itself dropped `request` because the page moved on: a reload or
    a click leaves, say, the favicon's fetch unfinished (`net::ERR_ABORTED`). That is not a
    fault of the site; a file the site lacks still shows, as a 404 on the console."""
    return request.failure == "net::ERR_ABORTED"


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("requestfailed", lambda r: _cut_short(r) or page.problems.append(f"failed: {r.url}"))
    yield page
    context.close()


def test_home_page_loads_without_console_errors(page, site_url: str) -> None:
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Welcome to your career vault")
    assert page.problems == []


def test_a_wikilink_click_lands_on_the_right_page(page, site_url: str) -> None:
    page.goto(site_url)
    # A link of the home note's own text (`article > p`), not of the dashboard above it.
    page.locator("article > p a", has_text="Priya Raman").first.click()
    page.wait_for_url("**/contacts/Priya%20Raman/")
    assert page.locator("article h1").inner_text() == "Priya Raman"


def test_a_heading_link_click_lands_on_the_heading(page, site_url: str) -> None:
    page.goto(site_url + "interviews/2026-07-08%20Priya%20Raman/")
    page.locator("article a", has_text="questions › The path into it").first.click()
    page.wait_for_url("**/questions/#the-path-into-it")
    heading = page.locator("#the-path-into-it")
    assert heading.inner_text().startswith("The path into it")
    assert heading.is_visible()


def test_search_finds_a_contact(page, site_url: str) -> None:
    page.goto(site_url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("Kwame", delay=30)  # Material's search listens to key presses
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert "Kwame Asante" in page.locator(".md-search-result").inner_text()


def _search(page, site_url: str, query: str) -> list[str]:
    """The result pages' addresses (without `?h=`), in the order Material lists them."""
    page.goto(site_url)
    toggle = page.locator('label.md-header__button[for="__search"]')
    if toggle.is_visible():  # a narrow screen: the search field opens from an icon
        toggle.click()
    page.locator("input.md-search__input").click()
    page.keyboard.type(query, delay=30)  # Material's search listens to key presses
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    page.wait_for_timeout(500)  # the last key's results
    hrefs = page.evaluate("[...document.querySelectorAll('.md-search-result__item > a')]"
                          ".map(a => a.getAttribute('href'))")
    return [href.split("?")[0].removeprefix(site_url) for href in hrefs]


@pytest.mark.parametrize(("query", "first"), [
    ("Priya", "contacts/Priya%20Raman/"),  # before the two conversations titled with her name
    ("Priya Raman", "contacts/Priya%20Raman/"),
    ("Mari", "contacts/Marisol%20Vega/"),  # an alias, before "Coffee with Mari at Quillfeather"
    ("Seun", "contacts/Oluwaseun%20Adeyemi/"),  # an alias that is no prefix of the name
    ("Lumen Health", "companies/Lumen%20Health/"),
    ("Tidewater", "companies/Tidewater%20Logistics/"),
])
def test_searching_a_name_or_alias_lists_its_own_page_first(page, site_url: str, query: str,
                                                            first: str) -> None:
    assert _search(page, site_url, query)[0] == first
    assert page.problems == []


@pytest.mark.parametrize(("query", "found"), [
    ("Senior UX Researcher", "contacts/Priya%20Raman/"),  # a role
    ("Oakland", "contacts/Marisol%20Vega/"),  # a location
])
def test_a_public_role_or_location_finds_the_contact(page, site_url: str, query: str,
                                                     found: str) -> None:
    assert found in _search(page, site_url, query)[:4]


_CONTRAST = r"""el => {
  const rgb = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let back = el, bg = 'rgba(0, 0, 0, 0)';
  while (back && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
    bg = getComputedStyle(back).backgroundColor; back = back.parentElement; }
  const [a, b] = [lum(getComputedStyle(el).color), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_a_placeholder_link_is_legible_in_both_palettes(page, site_url: str,
                                                        scheme: str) -> None:
    page.goto(site_url + "leads/")
    # The demo configures no palette: load the theme's palette stylesheet (which a site with a
    # light/dark toggle loads) and switch the page to it.
    palette = next(Path(material.__file__).parent.glob(
        "templates/assets/stylesheets/palette.*.min.css")).name
    page.evaluate("name => { const link = document.createElement('link'); link.rel = "
                  "'stylesheet'; link.href = new URL(name, "
                  "document.querySelector('link[href*=main]').href).href; "
                  "document.head.append(link); }", palette)
    page.wait_for_load_state("networkidle")
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    placeholder = page.locator(".vault-link.vault-broken").first
    placeholder.wait_for(timeout=15000)
    assert placeholder.get_attribute("title").startswith("Not written yet")
    assert placeholder.evaluate(_CONTRAST) >= 4.5


def test_screenshots_of_a_contact_and_search_results(page, site_url: str) -> None:
    shots = SCREENSHOTS / "search"
    shots.mkdir(parents=True, exist_ok=True)
    for width in (1280, 400):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site_url + "contacts/Priya%20Raman/")
        page.screenshot(path=str(shots / f"contact-{width}.png"), full_page=True)
        _search(page, site_url, "Priya")
        page.screenshot(path=str(shots / f"search-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.problems == []


def test_the_network_page_draws_its_nodes(page, site_url: str) -> None:
    page.goto(site_url + "network/")
    graph = page.locator("#vault-network[data-nodes]")
    graph.wait_for(timeout=15000)
    assert int(graph.get_attribute("data-nodes")) >= 10
    assert int(graph.get_attribute("data-edges")) >= 8
    assert page.locator("#vault-network canvas").count() > 0
    labels = page.evaluate("window.vaultCy.nodes().map(n => n.data('label'))")
    assert "Priya Raman" in labels and "Renata Silva" not in labels
    assert page.problems == []


def test_the_careers_chart_draws_a_line_per_rated_path(page, site_url: str) -> None:
    page.goto(site_url + "careers/")
    chart = page.locator("svg.vault-chart")
    chart.wait_for(timeout=15000)
    # The demo's three paths each have a rated done conversation: three lines, each drawn
    # (a path with a real length on screen, not an empty or zero-sized element).
    series = page.locator("svg.vault-chart .vault-chart__series")
    assert series.count() == 3
    lengths = page.evaluate("[...document.querySelectorAll('svg.vault-chart "
                            ".vault-chart__series path')].map(p => p.getTotalLength())")
    assert len(lengths) >= 3 and all(length > 0 for length in lengths)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    assert page.problems == []


def test_people_table_sorts_by_a_column(page, site_url: str) -> None:
    page.goto(site_url + "people/")
    header = page.locator("article table th", has_text="Last touch")
    header.click()
    header.click()  # descending: the most recent first
    first = page.locator("article table tbody tr").first.locator("td").nth(3).inner_text()
    # A cell is the date, then where it is recorded ("2026-11-19 · log"): it sorts by the date.
    dates = [d[:10] for d in
             page.locator("article table tbody tr td:nth-child(4)").all_inner_texts()
             if d != "—"]
    assert first[:10] == max(dates)


def test_the_pipeline_page_counts_days_in_stage(page, site_url: str) -> None:
    page.goto(site_url + "pipeline/")
    counted = page.locator(".vault-days[data-since]").all_inner_texts()
    assert counted and all(text.split()[0].isdigit() for text in counted)
    assert page.problems == []


def test_screenshots_of_every_dashboard(page, site_url: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in DASHBOARDS:
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        if path == "network/":
            page.locator("#vault-network[data-nodes]").wait_for(timeout=15000)
        name = path.strip("/") or "home"
        target = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
    assert page.problems == []


# --- the Content-Security-Policy: the site's own scripts run, nothing else (DESIGN §7) ----------

INJECTED = ("Hello.\n\n<script>window.injected = 'inline';</script>\n\n"
            '<img src="missing.png" onerror="window.injected = \'handler\'">\n\n'
            "[click](javascript:window.injected='link')\n")


@pytest.fixture(scope="module")
def injected_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("injected")
    notes = root / "notes"
    (notes / "contacts").mkdir(parents=True)
    (notes / "contacts" / "Jane Doe.md").write_text(
        "---\ntype: contact\nrole: \"<img src=x onerror=\\\"window.injected='card'\\\">\"\n"
        f"company: \"[[Acme]]\"\n---\n\n# Jane Doe\n\n{INJECTED}", encoding="utf-8")
    (notes / "Acme.md").write_text("---\ntype: company\n---\n\n# Acme\n\n[[Jane Doe]]\n",
                                   encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Injected\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    site = build_site(find_vault(root))
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _watch_violations(page) -> None:
    page.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation', function (e) {"
        "  window.violations.push(e.violatedDirective + ' ' + e.blockedURI); });")


def test_the_sites_own_scripts_run_under_its_policy(page, injected_site_url: str) -> None:
    _watch_violations(page)
    for path in ("", "people/", "network/", "Acme/"):
        page.goto(injected_site_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.violations") == [], path
    # The graph drew itself (its scripts are files of the site)...
    page.goto(injected_site_url + "network/")
    page.locator("#vault-network canvas").first.wait_for(timeout=15000)
    # ...and the theme's search works.
    page.goto(injected_site_url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("Jane", delay=30)
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert "Jane Doe" in page.locator(".md-search-result").inner_text()
    assert page.problems == []


def test_a_script_written_into_a_note_does_not_run(page, injected_site_url: str) -> None:
    _watch_violations(page)
    page.goto(injected_site_url + "contacts/Jane%20Doe/")
    page.wait_for_load_state("networkidle")
    page.locator("article a", has_text="click").click()
    page.wait_for_timeout(200)  # a javascript: link would have run by now (not an assertion)
    assert page.evaluate("window.injected") is None
    violations = page.evaluate("window.violations")
    # The note's inline script and its event handler were refused; the theme's were not.
    assert any(v.startswith("script-src-elem inline") for v in violations), violations
    assert any(v.startswith("script-src-attr inline") for v in violations), violations
    # The page itself works: the theme's script drew the search box's behaviour.
    assert page.locator("article h1").inner_text() == "Jane Doe"
    assert page.evaluate("typeof window.document$") == "object"


def test_live_reload_works_under_the_policy(page, make_vault) -> None:
    """`serve` pages reload after a save, with the live-reload script allowed by the policy."""
    from .test_site_serve import CONFIG, Server

    root = make_vault({"contacts/Jane Doe.md": "---\ntype: contact\n---\n\n# Jane Doe\n\nHello.\n"})
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    server = Server(root)
    try:
        server.wait_for("Serving on")
        _watch_violations(page)
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text))
        page.goto(f"http://127.0.0.1:{server.port}/contacts/Jane%20Doe/")
        wait_until(page, "document.readyState === 'complete'")
        wait_until(page, "window.violations !== undefined")
        assert page.evaluate("window.violations") == []
        note = root / "notes" / "contacts" / "Jane Doe.md"
        note.write_text(note.read_text(encoding="utf-8").replace("Hello.", "Hello again."),
                        encoding="utf-8")
        page.locator("article", has_text="Hello again.").wait_for(timeout=60000)
        assert any("live reload" in m for m in messages)
        assert page.problems == []
    finally:
        server.stop()


def _groups_on(browser, url: str, day: str, javascript: bool = True) -> dict[str, list[str]]:
    """The follow-ups page as a reader sees it on `day` (the browser's clock set to noon of that
    day): each visible group's heading -> the visible items' text."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=javascript)
    try:
        page = context.new_page()
        if javascript:
            page.clock.set_fixed_time(f"{day}T12:00:00")
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if javascript:
            page.locator(f".vault-followups[data-today='{day}']").wait_for(timeout=15000)
        return page.evaluate("""() => {
            const shown = (el) => el.offsetParent !== null;
            const out = {};
            for (const section of document.querySelectorAll('.vault-followups [data-group]')) {
                if (!shown(section)) continue;
                const title = section.querySelector('h2').innerText;
                out[title] = [...section.querySelectorAll('li')].filter(shown)
                    .map(li => li.innerText);
            }
            const all = document.querySelector('.vault-followups__all');
            if (shown(all)) {
                out['(all)'] = [...all.querySelectorAll('li')].filter(shown)
                    .map(li => li.innerText);
            }
            return out;
        }""")
    finally:
        context.close()


def _find(groups: dict[str, list[str]], text: str) -> list[str]:
    """The headings (without counts) of the groups holding an item that contains `text`."""
    return [title.rsplit(" (", 1)[0] for title, items in groups.items()
            if any(text in item for item in items)]


def test_the_followups_page_groups_by_the_browsers_date(browser, site_url: str) -> None:
    url = site_url + "Follow-ups/"
    before = _groups_on(browser, url, "2026-11-25")
    after = _groups_on(browser, url, "2026-12-10")
    # Groups with nothing in them are left out (nothing is due on 25 Nov).
    assert [t.rsplit(" (", 1)[0] for t in before] == [
        "Overdue", "This week", "Later", "Undated"]
    case_study = "Draft a one-page research plan"
    assert _find(before, case_study) == ["This week"]
    assert _find(after, case_study) == ["Overdue"]
    # Jonah's conversation is planned for 9 Dec: prepare for it until then, and afterwards
    # say how it went instead (the terminal's reminder, worked out by the browser).
    prepare, update = "Prepare for the conversation with Jonah Feldman", \
        "Mark the conversation with Jonah Feldman as done or cancelled"
    assert _find(before, prepare) == ["Later"] and _find(before, update) == []
    assert _find(after, prepare) == [] and _find(after, update) == ["Today"]
    # A link in a task's text is a link; no raw link syntax anywhere.
    assert all("[[" not in item for items in after.values() for item in items)
    # Counts are of what is shown.
    for title, items in after.items():
        assert title.endswith(f"({len(items)})")


def test_the_followups_page_without_javascript_is_one_full_list(browser, site_url: str) -> None:
    groups = _groups_on(browser, site_url + "Follow-ups/", "2026-11-25", javascript=False)
    assert list(groups) == ["(all)"]
    items = groups["(all)"]
    assert len(items) > 10
    assert items[-1].startswith("no date")
    assert any("Get back in touch with Kwame Asante" in item for item in items)


def test_a_task_link_on_the_followups_page_is_a_link(page, site_url: str) -> None:
    page.goto(site_url + "Follow-ups/")
    item = page.locator(".vault-followups li", has_text="Look through the open data sets")
    item.locator("a", has_text="Open Harbor").click()
    page.wait_for_url("**/companies/Open%20Harbor%20Foundation/")
    assert page.problems == []


@pytest.mark.parametrize(("zone", "day"), [("Pacific/Honolulu", "2026-12-08"),
                                           ("Pacific/Kiritimati", "2026-12-09")])
def test_the_followups_page_groups_by_the_readers_own_date_near_midnight(
        browser, site_url: str, zone: str, day: str) -> None:
    # 9 Dec 09:30 UTC is still the 8th in Honolulu (UTC-10) and already late on the 9th in
    # Kiritimati (UTC+14): each reader's "Today" is their own date, not UTC's.
    context = browser.new_context(timezone_id=zone)
    try:
        page = context.new_page()
        page.clock.set_fixed_time("2026-12-09T09:30:00Z")
        page.goto(site_url + "Follow-ups/")
        page.locator(f".vault-followups[data-today='{day}']").wait_for(timeout=15000)
        today = page.evaluate("""() => [...document.querySelectorAll(
            '.vault-followups [data-group="today"] li:not([hidden])')].map(li => li.innerText)""")
    finally:
        context.close()
    # Jonah's conversation is on the 9th: the day before, preparing for it is due today; on
    # the day, nothing is due today (preparing was due yesterday).
    prepare = "Prepare for the conversation with Jonah Feldman"
    assert any(prepare in item for item in today) == (day == "2026-12-08")


# --- embedded audio, video and PDFs play from the site, never from elsewhere (§7) ---------------


@pytest.fixture(scope="module")
def media_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("media")
    notes = root / "notes"
    (notes / "files").mkdir(parents=True)
    (notes / "files" / "talk.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    (notes / "files" / "voice.mp3").write_bytes(b"ID3" + b"\x00" * 64)
    (notes / "files" / "cv.pdf").write_bytes(
        b"%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    # 127.0.0.2 is this machine too, but another origin: a player pointed there is refused.
    (notes / "Media.md").write_text(
        "# Media\n\n![[talk.mp4]]\n\n![[voice.mp3]]\n\n![[cv.pdf]]\n\n"
        '<video src="http://127.0.0.2:9/elsewhere.mp4"></video>\n', encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Media\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    site = build_site(find_vault(root))
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_embedded_video_audio_and_pdf_load_from_the_site_under_its_policy(
        page, media_site_url: str) -> None:
    _watch_violations(page)
    fetched: dict[str, int] = {}
    page.on("response", lambda r: fetched.__setitem__(r.url.rsplit("/", 1)[-1], r.status))
    page.goto(media_site_url + "Media/")
    page.wait_for_load_state("networkidle")
    assert page.locator("article video[controls]").count() == 1
    assert page.locator("article audio[controls]").count() == 1
    assert page.locator("article iframe.vault-pdf").count() == 1
    wait_until(page, "document.querySelector('iframe.vault-pdf').contentWindow !== null")
    # Each was asked of the site (and served), and the policy refused none of them...
    for name in ("talk.mp4", "cv.pdf"):
        assert fetched.get(name) in (200, 206), (name, fetched)
    violations = page.evaluate("window.violations")
    assert not [v for v in violations if "127.0.0.1" in v], violations
    # ...but the player pointed at another origin was refused.
    assert any(v.startswith("media-src") and "127.0.0.2" in v for v in violations), violations


# --- the home page: what now? (its dates relative to the day the tests run) --------------------

TODAY = dt.date.today()


def _day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def _serve(site) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _interview(day: str, who: str, status: str, extra: str = "", body: str = "",
               title: str | None = None) -> str:
    return (f"---\ntype: interview\ndate: {day}\nwith: \"[[{who}]]\"\nstatus: {status}\n"
            f"thank_you: {day}\n{extra}---\n\n# {title or f'{day} {who}'}\n\n{body}")


HOME_VAULT = {
    "index.md": "---\ntitle: My vault\n---\n\n# My vault\n\nMy own words stay.\n",
    "contacts/Jane Doe.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n\n# Jane Doe\n\n"
                            f"- [ ] Send the article 📅 {_day(-2)}\n"
                            f"- [ ] Call back about the role 📅 {_day(2)}\n",
    "contacts/Ola Public.md": "---\ntype: contact\n---\n\n# Ola Public\n",
    "contacts/Zed Secret.md": "---\ntype: contact\nprivate: true\n---\n\n# Zed Secret\n",
    "companies/Acme.md": "---\ntype: company\n---\n\n# Acme\n",
    "careers/Data.md": "---\ntype: career\nstatus: exploring\n---\n\n# Data\n",
    "careers/Law.md": "---\ntype: career\nstatus: ruled-out\n---\n\n# Law\n",
    f"interviews/{_day(3)} Jane Doe.md": _interview(
        _day(3), "Jane Doe", "planned", "company: \"[[Acme]]\"\ncareer: \"[[Data]]\"\n"),
    f"interviews/{_day(0)} Jane Doe.md": _interview(
        _day(0), "Jane Doe", "done", "career: \"[[Data]]\"\nreferrals: [\"[[Ola Public]]\"]\n",
        "## Advice\n\n- Learn SQL well.\n"),
    f"interviews/{_day(-40)} Ola Public.md": _interview(
        _day(-40), "Ola Public", "done", "career: \"[[Law]]\"\n"),
    f"interviews/{_day(0)} Hushhush.md": _interview(
        _day(0), "Zed Secret", "done", "private: true\n", "## Advice\n\n- Hush.\n", "Hushhush"),
}


@pytest.fixture(scope="module")
def home_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(_home_site(tmp_path_factory, None))


@pytest.fixture(scope="module")
def home_site_later_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The home vault's site built 70 days on: a month with no conversation in it."""
    yield from _serve(_home_site(tmp_path_factory, TODAY + dt.timedelta(days=70)))


def _home_site(tmp_path_factory: pytest.TempPathFactory, today: dt.date | None) -> Path:
    root = tmp_path_factory.mktemp("home")
    for rel, text in HOME_VAULT.items():
        (root / "notes" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "notes" / rel).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Home\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    return build_site(find_vault(root), today=today)


@pytest.fixture(scope="module")
def starter_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A vault as `init` starts it: the starter's index.md, no people at all."""
    root = tmp_path_factory.mktemp("starter")
    (root / "notes").mkdir()
    shutil.copy(REPO / "vault_tools" / "starter" / "index.md", root / "notes" / "index.md")
    (root / "mkdocs.yml").write_text(
        "site_name: Start\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    yield from _serve(build_site(find_vault(root)))


def _home_on(browser, url: str, day: str | None, javascript: bool = True,
             width: int = 1280) -> dict[str, object]:
    """The home page as a reader sees it on `day`: each board's visible groups (heading
    without its count -> the visible items' text; "(all)" for the list without the script),
    the counts' texts, the page's width and what went wrong."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  java_script_enabled=javascript)
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        _watch_violations(page)
        if day is not None:
            page.clock.set_fixed_time(f"{day}T12:00:00")
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if javascript and day is not None:
            page.locator(f".vault-home .vault-followups[data-today='{day}']").first.wait_for(
                timeout=15000)
        found = page.evaluate("""() => {
            const shown = (el) => el.offsetParent !== null;
            const out = {boards: [], counts: [], briefs: []};
            for (const board of document.querySelectorAll('.vault-home .vault-followups')) {
                const groups = {};
                for (const section of board.querySelectorAll('[data-group]')) {
                    if (!shown(section)) continue;
                    const title = section.querySelector('h3').innerText.replace(/ \\(\\d+\\)$/, '');
                    groups[title] = [...section.querySelectorAll('li[data-kind]')].filter(shown)
                        .map(li => li.innerText);
                }
                const all = board.querySelector('.vault-followups__all');
                if (shown(all)) {
                    groups['(all)'] = [...all.querySelectorAll('li[data-kind]')].filter(shown)
                        .map(li => li.innerText);
                }
                const none = board.querySelector('.vault-followups__none');
                groups['(none)'] = shown(none);
                out.boards.push(groups);
            }
            out.counts = [...document.querySelectorAll('.vault-home__counts li')]
                .map(li => li.innerText.replace(/\\s+/g, ' '));
            out.briefs = [...document.querySelectorAll('.vault-home__brief')].map(d => d.open);
            out.width = document.documentElement.scrollWidth;
            out.violations = window.violations;
            return out;
        }""")
        found["problems"] = problems
        return found
    finally:
        context.close()


def test_the_home_page_lists_a_conversation_planned_for_this_week(browser,
                                                                  home_site_url: str) -> None:
    now = _home_on(browser, home_site_url, _day(0))
    week = now["boards"][0]
    assert list(week) == ["This week", "(none)"] and week["(none)"] is False
    (item,) = week["This week"]
    assert f"{_day(3)} Jane Doe" in item
    assert "with Jane Doe at Acme" in item
    assert now["briefs"] == [False]  # folded: the page stays short
    # Ten days on, nothing is planned for that reader's week.
    later = _home_on(browser, home_site_url, _day(10))
    assert later["boards"][0] == {"(none)": True}
    assert now["problems"] == [] and now["violations"] == []


def test_a_conversations_prep_brief_opens_on_the_home_page(page, home_site_url: str) -> None:
    page.clock.set_fixed_time(f"{_day(0)}T12:00:00")
    page.goto(home_site_url)
    brief = page.locator(".vault-home__brief")
    assert not brief.locator("text=Learn SQL well.").is_visible()
    brief.locator("summary").click()
    assert brief.locator("text=Learn SQL well.").is_visible()
    brief.locator("a", has_text=f"{_day(0)} Jane Doe").click()
    page.wait_for_url(f"**/interviews/{_day(0)}%20Jane%20Doe/")
    assert page.problems == []


def test_the_home_page_groups_what_is_due_by_the_browsers_date(browser,
                                                               home_site_url: str) -> None:
    def due_on(day: int) -> dict[str, list[str]]:
        board = _home_on(browser, home_site_url, _day(day))["boards"][1]
        return {title: items for title, items in board.items() if title != "(none)"}

    def where(board: dict[str, list[str]], text: str) -> list[str]:
        return [title for title, items in board.items() if any(text in i for i in items)]

    article, call = "Send the article", "Call back about the role"
    today = due_on(0)
    assert where(today, article) == ["Overdue"] and where(today, call) == []
    assert where(due_on(2), call) == ["Today"]
    assert where(due_on(4), call) == ["Overdue"] and where(due_on(4), article) == ["Overdue"]
    assert set(today) <= {"Overdue", "Today"}  # never This week, Later or Undated here


def test_the_home_page_counts_progress_by_the_browsers_month(browser, home_site_url: str) -> None:
    # Done today with Jane (public) and with Zed (private: not counted); 40 days ago with Ola.
    assert _home_on(browser, home_site_url, _day(0))["counts"] == [
        "1 conversations this month", "2 people met", "2 careers explored",
        "1 careers ruled out"]
    assert _home_on(browser, home_site_url, _day(40))["counts"][0] == \
        "0 conversations this month"


def test_the_home_page_without_javascript_is_a_full_list_as_of_the_build(
        browser, home_site_url: str) -> None:
    found = _home_on(browser, home_site_url, None, javascript=False)
    week, due = found["boards"]
    assert list(week) == ["(all)", "(none)"] and f"{_day(3)} Jane Doe" in week["(all)"][0]
    assert any("Send the article" in item for item in due["(all)"])
    assert not any("Call back about the role" in item for item in due["(all)"])
    assert found["counts"][0] == "1 conversations this month"


def test_the_home_page_built_in_a_month_without_conversations_counts_0_without_javascript(
        browser, home_site_url: str, home_site_later_url: str) -> None:
    # The page is the same whenever it is built (the build's day is the stylesheet's): the
    # month's count of 0 is shown by the stylesheet, not written for the day.
    found = _home_on(browser, home_site_later_url, None, javascript=False)
    week, due = found["boards"]
    assert week.get("(all)", []) == [] and week["(none)"] is True  # the planned one is past
    assert any("Call back about the role" in item for item in due["(all)"])  # overdue by then
    assert found["counts"][0] == "0 conversations this month"
    assert found["counts"][1:] == ["2 people met", "2 careers explored", "1 careers ruled out"]
    # Drawn as the other counts are: a number, not a label.
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(home_site_later_url)
        styles = page.evaluate("""() => [...document.querySelectorAll(
                '.vault-home__counts strong')].map(strong => {
            const shown = [...strong.querySelectorAll('[data-in]')]
                .filter(span => span.offsetParent !== null);
            const style = getComputedStyle(shown.length ? shown[0] : strong);
            return [style.color, style.fontSize];
        })""")
    finally:
        context.close()
    assert len(styles) == 4 and len(set(map(tuple, styles))) == 1, styles
    later = _home_on(browser, home_site_later_url, _day(70))
    assert later["counts"][0] == "0 conversations this month" and later["problems"] == []
    # And the page itself is the one built today.
    def page(url: str) -> bytes:
        with urllib.request.urlopen(url) as response:
            return response.read()

    assert page(home_site_later_url) == page(home_site_url)


@pytest.mark.parametrize("which", ["home", "starter"])
def test_the_home_page_fits_a_phone_with_no_errors_under_its_policy(
        browser, home_site_url: str, starter_site_url: str, which: str) -> None:
    url = home_site_url if which == "home" else starter_site_url
    found = _home_on(browser, url, _day(0), width=400)
    assert found["width"] <= 400
    assert found["problems"] == [] and found["violations"] == []
    if which == "starter":  # no people at all: every section says what to do
        assert found["counts"][0] == "0 conversations this month"
        assert [board["(none)"] for board in found["boards"]] == [True, True]
