"""The Network page in a real browser (#21 "a graph you can read"): the same picture on every
load, a click highlights exactly a person's neighbours, filters narrow the graph and its list,
labels never overlap, and the page fits a phone. The demo site of tests/test_browser.py."""

from __future__ import annotations

import pytest

from .browsers import wait_until
from .test_browser import SCREENSHOTS, _watch_violations, browser, page, site_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow  # a real browser over a built site

POSITIONS = "window.vaultCy.nodes().map(n => [n.id(), n.position('x'), n.position('y')])"
NEAR = "window.vaultCy.nodes('.vault-near').map(n => n.id()).sort()"
VISIBLE = "window.vaultCy.nodes(':visible').map(n => n.id()).sort()"
# The boxes of the labels drawn (on screen), for the overlap check.
LABEL_BOXES = """window.vaultCy.nodes(':visible').filter(n => !n.hasClass('vault-nolabel')
  && !n.hasClass('vault-faded')).map(n => {
    const b = n.renderedBoundingBox({includeNodes: false, includeEdges: false,
                                     includeLabels: true});
    return [n.data('label'), b.x1, b.y1, b.x2, b.y2];
  }).filter(b => b[3] > b[1])"""


def open_network(page, url: str, query: str = "") -> None:  # noqa: F811
    page.goto(url + "network/" + query)
    page.locator("#vault-network[data-nodes]").wait_for(timeout=15000)
    page.wait_for_timeout(300)  # the labels are placed once the view has settled


def node_id(page, label: str) -> str:  # noqa: F811
    return page.evaluate(f"window.vaultNetwork.nodes.find(n => n.label === {label!r}).id")


def neighbours(page, node: str) -> list[str]:  # noqa: F811
    edges = page.evaluate("window.vaultNetwork.edges")
    near = {node}
    for edge in edges:
        if node in (edge["source"], edge["target"]):
            near |= {edge["source"], edge["target"]}
    return sorted(near)


def overlaps(boxes: list[list]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
                found.append((a[0], b[0]))
    return found


def test_node_positions_are_the_same_on_every_load(page, site_url: str) -> None:  # noqa: F811
    open_network(page, site_url)
    first = page.evaluate(POSITIONS)
    # They are the build's: the data's positions, drawn as given (no layout in the browser).
    data = page.evaluate("window.vaultNetwork.nodes.map(n => [n.id, n.x, n.y])")
    assert sorted(first) == sorted(data) and len(first) >= 10
    page.reload()
    page.locator("#vault-network[data-nodes]").wait_for(timeout=15000)
    assert page.evaluate(POSITIONS) == first
    assert page.problems == []


def test_clicking_a_person_highlights_exactly_their_neighbours(page, site_url: str) -> None:  # noqa: F811
    _watch_violations(page)
    open_network(page, site_url)
    kwame = node_id(page, "Kwame Asante")
    spot = page.evaluate(f"window.vaultCy.getElementById({kwame!r}).renderedPosition()")
    box = page.locator("#vault-network").bounding_box()
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    wait_until(page, "document.getElementById('vault-network').dataset.focus !== ''")
    expected = neighbours(page, kwame)
    assert len(expected) >= 4  # his introducer, the two he introduced, his company
    assert page.evaluate(NEAR) == expected
    faded = page.evaluate("window.vaultCy.nodes('.vault-faded').map(n => n.id())")
    assert len(faded) + len(expected) == page.evaluate("window.vaultCy.nodes().length")
    about = page.locator("#vault-graph-about").inner_text()
    assert about.startswith("Kwame Asante") and "introduced by Priya Raman" in about
    # Escape lets go; so does the keyboard's way in, the Highlight drop-down.
    page.keyboard.press("Escape")
    assert page.evaluate(NEAR) == []
    priya = node_id(page, "Priya Raman")
    page.locator("#vault-graph-focus").select_option(priya)
    assert page.evaluate(NEAR) == neighbours(page, priya)
    assert "focus=" in page.url
    assert page.evaluate("window.violations") == [] and page.problems == []


def test_a_filter_narrows_the_graph_and_its_list(page, site_url: str) -> None:  # noqa: F811
    open_network(page, site_url)
    everyone = page.evaluate(VISIBLE)
    tidewater = node_id(page, "Tidewater Logistics")
    page.locator("#vault-graph-company").select_option(tidewater)
    narrowed = page.evaluate(VISIBLE)
    # The company and the people who work there, nobody else.
    staff = [e["source"] for e in page.evaluate("window.vaultNetwork.edges")
             if e["target"] == tidewater and e["kind"] == "works-at"]
    assert narrowed == sorted([tidewater, *staff]) and len(narrowed) < len(everyone)
    listed = page.locator("#vault-connections li[data-edge]:visible").all_inner_texts()
    assert listed and all("Tidewater Logistics" in item or "introduced" in item
                          for item in listed)
    assert "Showing" in page.locator("#vault-graph-status").inner_text()
    page.reload()
    page.locator("#vault-network[data-nodes]").wait_for(timeout=15000)
    assert page.evaluate(VISIBLE) == narrowed
    page.locator("#vault-graph-filters button[type=reset]").click()
    wait_until(page, f"window.vaultCy.nodes(':visible').length === {len(everyone)}")
    assert "company=" not in page.url
    assert page.problems == []


def test_the_introducer_chain_filter_keeps_its_chain(page, site_url: str) -> None:  # noqa: F811
    open_network(page, site_url)
    kwame = node_id(page, "Kwame Asante")
    page.locator("#vault-graph-chain").select_option(kwame)
    people = page.evaluate("window.vaultCy.nodes('[kind = \"contact\"]:visible')"
                           ".map(n => n.data('label')).sort()")
    # Marisol introduced Priya, who introduced Kwame; Kwame introduced Hana and Oluwaseun,
    # who introduced Jonah. Grace (introduced by Priya, beside the chain) is not in it.
    assert people == ["Hana Kobayashi", "Jonah Feldman", "Kwame Asante", "Marisol Vega",
                      "Oluwaseun Adeyemi", "Priya Raman"]


def test_the_list_names_the_same_connections_as_the_graph(page, site_url: str) -> None:  # noqa: F811
    open_network(page, site_url)
    nodes = {n["id"]: n["label"] for n in page.evaluate("window.vaultNetwork.nodes")}
    verbs = {"introduced": "introduced", "works-at": "works at"}
    expected = [f"{nodes[e['source']]} {verbs[e['kind']]} {nodes[e['target']]}"
                for e in page.evaluate("window.vaultNetwork.edges")]
    assert page.locator("#vault-connections li[data-edge]").all_inner_texts() == expected
    assert page.evaluate("window.vaultCy.edges().length") == len(expected)


@pytest.mark.parametrize("width", [1280, 400])
def test_labels_never_overlap_and_the_page_fits(browser, site_url: str, width: int) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()  # noqa: F811
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        open_network(page, site_url)
        boxes = page.evaluate(LABEL_BOXES)
        # Most names show at once on the whole graph, none on top of another, none tiny.
        assert len(boxes) >= 8, boxes
        assert overlaps(boxes) == []
        sizes = page.evaluate("window.vaultCy.nodes().map(n => "
                              "parseFloat(n.style('font-size')) * window.vaultCy.zoom())")
        assert min(sizes) >= 12.9
        # Zoomed in, more names fit and still none overlaps.
        page.evaluate("window.vaultCy.zoom({level: window.vaultCy.zoom() * 2, "
                      "renderedPosition: {x: 200, y: 200}})")
        page.wait_for_timeout(300)
        assert overlaps(page.evaluate(LABEL_BOXES)) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.goto(site_url + "network/")
        page.locator("#vault-network[data-nodes]").wait_for(timeout=15000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENSHOTS / f"network-{width}.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_a_graph_reached_by_a_doubled_slash_keeps_its_filter_in_the_url(
        page, site_url: str) -> None:  # noqa: F811
    # "//network/" is a path on this host; written back as text, it would name a host, and
    # the browser refuses to put the state there.
    page.goto(site_url + "/network/")
    page.locator("#vault-network[data-nodes]").wait_for(timeout=15000)
    tidewater = node_id(page, "Tidewater Logistics")
    page.locator("#vault-graph-company").select_option(tidewater)
    assert page.url.startswith(site_url + "/network/?company=")
    assert page.problems == []
