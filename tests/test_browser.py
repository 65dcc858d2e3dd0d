"""The demo site in a real browser: the OS's headless Chromium, driven by Playwright.

The site is built from a copy of the demo vault and served by a local `http.server` on
127.0.0.1. Screenshots of every dashboard go to test-output/screenshots/ (git-ignored).
The browser is found by name on PATH (tests/browsers.py), never downloaded: `make test`
installs the OS's Chromium when it can (as root, with apt-get); without one these tests are
skipped with one line saying how to get one.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator

import pytest

from vault_tools.site.build import build_site
from vault_tools.vault import find_vault

from .browsers import SKIP_REASON, find_browser
from .conftest import DEMO_VAULT, REPO

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = REPO / "test-output" / "screenshots"
DASHBOARDS = ("", "followups/", "people/", "timeline/", "companies/", "careers/", "network/",
              "all-notes/")

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


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
    yield page
    context.close()


def test_home_page_loads_without_console_errors(page, site_url: str) -> None:
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Welcome to your career vault")
    assert page.problems == []


def test_a_wikilink_click_lands_on_the_right_page(page, site_url: str) -> None:
    page.goto(site_url)
    page.locator("article a", has_text="Priya Raman").first.click()
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


def test_people_table_sorts_by_a_column(page, site_url: str) -> None:
    page.goto(site_url + "people/")
    header = page.locator("article table th", has_text="Last interaction")
    header.click()
    header.click()  # descending: the most recent first
    first = page.locator("article table tbody tr").first.locator("td").nth(3).inner_text()
    dates = [d for d in page.locator("article table tbody tr td:nth-child(4)").all_inner_texts()
             if d != "—"]
    assert first == max(dates)


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
