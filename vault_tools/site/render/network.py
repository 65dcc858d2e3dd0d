"""The Network page (`network_page`) from `views.network`'s graph: the graph with its legend
and filters, and the same connections as a list."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from ...views.common import Ref
from ...views.network import PLACEHOLDER_NODE, GraphEdge, GraphNode
from .common import WIDE, Linker, html_text

# The legend's entries: (class, words). The same colours and shapes as network.js draws.
_LEGEND = (
    ("contact", "person"),
    ("company", "organisation"),
    ("placeholder", "organisation with no note yet"),
    ("introduced", "introduced (arrow: from the introducer)"),
    ("works", "works at"),
)


def network_page(scripts: Sequence[str], nodes: Sequence[GraphNode],
                 edges: Sequence[GraphEdge], careers: Sequence[tuple[str, str]],
                 linker: Linker, raw_html: Callable[[str], str] | None = None) -> str:
    """The Network page: the graph (drawn by `scripts` from the positions in its data) with
    its legend and filters as HTML, and the same connections as a plain list, which needs no
    script (screen readers, phones, and the filters narrow it too). `careers`: (career note
    path, name) for the career filter."""
    tags = "\n".join(f'<script src="{html.escape(s)}"></script>' for s in scripts)
    label = {n.id: n.label for n in nodes}
    companies = sorted((n for n in nodes if n.kind == "company"),
                       key=lambda n: (n.label.lower(), n.id))
    introducers = sorted({e.source for e in edges if e.kind == "introduced"},
                         key=lambda i: (label[i].lower(), i))
    legend = "".join(f'<li class="vault-legend__{kind}">{html_text(words)}</li>'
                     for kind, words in _LEGEND)
    # Hidden until network.js shows them: without a script they would do nothing.
    controls = (
        '<form class="vault-graph__filters" id="vault-graph-filters" hidden>'
        + _select("career", "Career", careers)
        + _select("company", "Company", [(n.id, n.label) for n in companies])
        + _select("chain", "Introduced through", [(i, label[i]) for i in introducers])
        + _select("focus", "Highlight", [], "No one")  # filled by the script: every node
        + '<button type="reset" class="md-button">Show all</button>'
        '<p class="vault-graph__status" id="vault-graph-status" aria-live="polite"></p>'
        "</form>"
    )
    graph = (
        f'<ul class="vault-legend" aria-label="Legend">{legend}</ul>\n'
        '<div id="vault-network" class="vault-network" role="img" aria-label="Network of '
        'people and organisations: the same connections are listed below the graph"></div>\n'
        '<p class="vault-graph__about" id="vault-graph-about" aria-live="polite"></p>'
    )
    introduced = [(i, e) for i, e in enumerate(edges) if e.kind == "introduced"]
    works = [(i, e) for i, e in enumerate(edges) if e.kind != "introduced"]

    def node_link(node_id: str) -> str:
        ref = (Ref("broken", label[node_id]) if node_id.startswith(PLACEHOLDER_NODE)
               else Ref("ok", label[node_id], node_id))
        return linker.link(ref, raw=True)

    def items(rows: Sequence[tuple[int, GraphEdge]], verb: str) -> str:
        if not rows:
            return "<p>None yet.</p>"
        lines = "".join(f'<li data-edge="{i}">{node_link(e.source)} {verb} '
                        f"{node_link(e.target)}</li>\n" for i, e in rows)
        return f'<ul class="vault-graph__edges">\n{lines}</ul>'

    listing = (
        '<section class="vault-graph__list" id="vault-connections" '
        'aria-labelledby="connections-as-a-list">\n'
        f"<h3>Introductions ({len(introduced)})</h3>\n{items(introduced, 'introduced')}\n"
        f"<h3>Who works where ({len(works)})</h3>\n{items(works, 'works at')}\n"
        "</section>"
    )
    if raw_html is not None:
        listing = raw_html(listing)
    return (
        f"{WIDE}# Network\n\n"
        f"Who introduced whom, and who works where: {len(nodes)} people and organisations, "
        f"{len(edges)} connections. Click a name to see its connections (the rest fades), "
        "double-click to open its note; *Highlight* does the same from the keyboard. Drag to "
        "move, scroll or pinch to zoom: more names show as you zoom in. The same connections "
        "are [listed below the graph](#connections-as-a-list).\n\n"
        # The list's heading in Markdown: MkDocs knows its anchor (the link above points to it).
        f"{controls}\n\n{graph}\n\n## Connections, as a list\n\n{listing}\n\n{tags}\n"
    )


def _select(name: str, title: str, options: Sequence[tuple[str, str]], none: str = "Any"
            ) -> str:
    """A labelled drop-down of `options` (value, text), `none` (the value "") first."""
    written = "".join(f'<option value="{html.escape(value)}">{html_text(text)}</option>'
                      for value, text in options)
    return (f'<label class="vault-graph__filter">{html_text(title)} '
            f'<select name="{name}" id="vault-graph-{name}"><option value="">{none}</option>'
            f"{written}</select></label>")
