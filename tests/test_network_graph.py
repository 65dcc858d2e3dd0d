"""The Network page (#21 "a graph you can read"): its data (positions, careers), its HTML
(legend, filters, the list of the same connections) and its privacy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vault_tools.site.render import common
from vault_tools.site.render.network import network_page
from vault_tools.views.network import GraphEdge, GraphNode, network_graph

from .test_site_build import build, site_vault
from .test_site_views import view_of

# A chain with a private note in the middle: Ann introduced Pia (private), who introduced
# Cole; Dot (private) works at Acme beside Cole. Pia's and Dot's names reach nothing.
CHAIN = {
    "contacts/Ann Arbor.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n# Ann\n",
    "contacts/Pia Hidden.md": "---\ntype: contact\nprivate: true\nintroduced_by: "
                              "\"[[Ann Arbor]]\"\ncompany: \"[[Vexcorp Secret]]\"\n---\n# Pia\n",
    "contacts/Cole Public.md": "---\ntype: contact\nintroduced_by: \"[[Pia Hidden]]\"\n"
                               "company: \"[[Acme]]\"\n---\n# Cole\n",
    "contacts/Dot Private.md": "---\ntype: contact\nprivate: true\ncompany: \"[[Acme]]\"\n"
                               "introduced_by: \"[[Cole Public]]\"\n---\n# Dot\n",
    "contacts/Eve Later.md": "---\ntype: contact\nintroduced_by: \"[[Cole Public]]\"\n---\n",
    "companies/Acme.md": "---\ntype: company\n---\n# Acme\n",
    "careers/Data Work.md": "---\ntype: career\n---\n# Data Work\n",
    "careers/Quietcareer.md": "---\ntype: career\nprivate: true\n---\n# Quietcareer\n",
    "interviews/Talk.md": "---\ntype: interview\ndate: 2026-11-02\nwith: \"[[Cole Public]]\"\n"
                          "career: [\"[[Data Work]]\", \"[[Quietcareer]]\"]\n---\n",
    # A private conversation does not tell the graph what Ann talked about.
    "interviews/Secret talk.md": "---\ntype: interview\nprivate: true\ndate: 2026-11-03\n"
                                 "with: \"[[Ann Arbor]]\"\ncareer: \"[[Data Work]]\"\n---\n",
}
PRIVATE_NAMES = ("Pia Hidden", "Dot Private", "Vexcorp Secret", "Quietcareer", "Secret talk")


def test_a_contacts_careers_come_from_public_conversations_and_public_careers_only() -> None:
    nodes, edges = network_graph(view_of(CHAIN))
    careers = {n.label: n.careers for n in nodes}
    assert careers == {"Ann Arbor": (), "Cole Public": ("careers/Data Work.md",),
                       "Eve Later": (), "Acme": ()}
    # The chain breaks at the private note: no edge reaches it or passes through it.
    assert [(e.source, e.target, e.kind) for e in edges] == [
        ("contacts/Cole Public.md", "contacts/Eve Later.md", "introduced"),
        ("contacts/Ann Arbor.md", "companies/Acme.md", "works-at"),
        ("contacts/Cole Public.md", "companies/Acme.md", "works-at"),
    ]


class Linker(common.Linker):
    def __init__(self) -> None:
        urls = {"contacts/Jane.md": "contacts/Jane/", "companies/Acme.md": "companies/Acme/",
                "contacts/<b>Mal</b>.md": "contacts/%3Cb%3EMal%3C/b%3E/"}
        super().__init__("network/", urls, lambda path, heading: None)


NODES = [GraphNode("companies/Acme.md", "Acme", "company", 2),
         GraphNode("contacts/<b>Mal</b>.md", "<b>Mal</b>", "contact", 1),
         GraphNode("contacts/Jane.md", "Jane", "contact", 3, ("careers/Data.md",)),
         GraphNode("placeholder:globex", "Globex & Co", "company", 1)]
EDGES = [GraphEdge("contacts/Jane.md", "contacts/<b>Mal</b>.md", "introduced"),
         GraphEdge("contacts/<b>Mal</b>.md", "companies/Acme.md", "works-at"),
         GraphEdge("contacts/Jane.md", "placeholder:globex", "works-at")]


def list_items(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li data-edge=\"\d+\">(.*?)</li>",
                                                               page)]


def test_the_list_names_every_connection_of_the_graph_in_words() -> None:
    page = network_page(("data.js",), NODES, EDGES, [("careers/Data.md", "Data")],
                        Linker())
    assert list_items(page) == ["Jane introduced &lt;b&gt;Mal&lt;/b&gt;",
                                "&lt;b&gt;Mal&lt;/b&gt; works at Acme",
                                "Jane works at Globex &amp; Co"]
    # Each item names its edge in the graph's data, and links the notes that have a page.
    assert re.findall(r'data-edge="(\d+)"', page) == ["0", "1", "2"]
    assert '<a href="../contacts/Jane/">Jane</a> introduced' in page
    # An organisation with no note yet: its name, marked as not written yet, no link.
    assert re.search(r'<span class="vault-link vault-broken" title="[^"]+">Globex &amp; Co</span>',
                     page)
    assert "<b>Mal</b>" not in page  # a name is text, never markup


def test_the_legend_and_filters_are_html_beside_the_graph() -> None:
    page = network_page(("data.js",), NODES, EDGES, [("careers/Data.md", "Data")],
                        Linker())
    legend = re.search(r'<ul class="vault-legend"[^>]*>(.*?)</ul>', page).group(1)
    assert [re.sub(r"<[^>]+>", "", x) for x in legend.split("</li>") if x] == [
        "person", "organisation", "organisation with no note yet",
        "introduced (arrow: from the introducer)", "works at"]
    # The filters: careers, companies (placeholders too) and the people who introduced
    # someone, by name; hidden until the script that runs them shows them.
    assert '<form class="vault-graph__filters" id="vault-graph-filters" hidden>' in page
    options = dict(re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page))
    assert re.findall(r'value="([^"]*)"', options["career"]) == ["", "careers/Data.md"]
    assert re.findall(r">([^<]*)</option>", options["company"]) == [
        "Any", "Acme", "Globex &amp; Co"]
    assert re.findall(r">([^<]*)</option>", options["chain"]) == ["Any", "Jane"]
    assert page.index("vault-legend") < page.index('id="vault-network"') < page.index(
        "vault-connections")


def test_an_empty_graph_says_so_in_the_list() -> None:
    page = network_page(("data.js",), [], [], [], Linker())
    assert "Introductions (0)" in page and "<p>None yet.</p>" in page


@pytest.mark.slow
def test_no_private_name_reaches_the_network_page_or_its_data(make_vault) -> None:
    site = build(site_vault(make_vault, CHAIN))
    page = (site / "network" / "index.html").read_text(encoding="utf-8")
    data_js = (site / "network" / "data.js").read_text(encoding="utf-8")
    for text in (page, data_js):
        for name in PRIVATE_NAMES:
            assert name.lower() not in text.lower(), name
    data = json.loads(data_js.removeprefix("window.vaultNetwork = ").rstrip().removesuffix(";"))
    assert {n["label"] for n in data["nodes"]} == {"Ann Arbor", "Cole Public", "Eve Later",
                                                   "Acme"}
    # Every node has its place in the data; the list names the data's edges, in order.
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    label = {n["id"]: n["label"] for n in data["nodes"]}
    verbs = {"introduced": "introduced", "works-at": "works at"}
    assert list_items(page) == [f"{label[e['source']]} {verbs[e['kind']]} {label[e['target']]}"
                                for e in data["edges"]]


@pytest.mark.slow
def test_the_same_vault_builds_the_same_positions(make_vault, tmp_path: Path) -> None:
    root = site_vault(make_vault, CHAIN)
    first = (build(root) / "network" / "data.js").read_bytes()
    second = (build(root) / "network" / "data.js").read_bytes()
    assert first == second
