"""The Network dashboard's graph (`network_graph`): who introduced whom and who works where,
among public notes, and its JSON for the page's script; written by `site.render.network`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import schema
from ..notes import ContactFields, InterviewFields
from .common import SiteView
from .companies import placeholder_companies

# Node ids of placeholder companies: no note path starts like this (a note path has no ":").
PLACEHOLDER_NODE = "placeholder:"


@dataclass(frozen=True)
class GraphNode:
    id: str
    label: str
    kind: str  # "contact" or "company"
    degree: int
    # A contact's career paths: the public careers of the public conversations with them.
    careers: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    kind: str  # "introduced" (introducer -> contact) or "works-at" (contact -> company)


def network_graph(view: SiteView) -> tuple[list[GraphNode], list[GraphEdge]]:
    """Who introduced whom and who works where, among public notes only. Ids are note paths."""
    edges: list[GraphEdge] = []
    kinds: dict[str, str] = {}
    names: dict[str, str] = {}  # placeholder node -> its name
    for note in view.public_notes():
        if note.type == schema.COMPANY:
            kinds[note.path] = "company"
        elif note.type == schema.CONTACT:
            kinds[note.path] = "contact"
    for path, kind in kinds.items():
        fields = view.index.notes[path].fields
        if kind != "contact" or not isinstance(fields, ContactFields):
            continue
        introducer = (view.index.resolve_note(fields.introduced_by, path)
                      if fields.introduced_by else None)
        if introducer is not None and kinds.get(introducer.path) == "contact":
            edges.append(GraphEdge(introducer.path, path, "introduced"))
        company = view.index.resolve_note(fields.company, path) if fields.company else None
        if company is not None and kinds.get(company.path) == "company":
            edges.append(GraphEdge(path, company.path, "works-at"))
    for key, placeholder in placeholder_companies(view).items():
        # A company with no note yet is still where these people work.
        node = PLACEHOLDER_NODE + key
        for person in placeholder.contacts:
            edges.append(GraphEdge(person.path, node, "works-at"))
        if placeholder.contacts:
            kinds[node] = "company"
            names[node] = placeholder.name
    degree: dict[str, int] = dict.fromkeys(kinds, 0)
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    careers_of = _contact_careers(view, kinds)
    nodes = [GraphNode(p, names.get(p) or view.index.notes[p].name, kinds[p], degree[p],
                       tuple(sorted(careers_of.get(p, ()))))
             for p in sorted(kinds)]
    return nodes, sorted(edges, key=lambda e: (e.kind, e.source, e.target))


def _contact_careers(view: SiteView, kinds: Mapping[str, str]) -> dict[str, set[str]]:
    """Each public contact's careers: those of the public conversations with them that are
    public career notes (one pass over the conversations)."""
    found: dict[str, set[str]] = {}
    for note in view.public_notes():
        fields = note.fields
        if note.type != schema.INTERVIEW or not isinstance(fields, InterviewFields):
            continue
        paths = {career.path for career in
                 (view.index.resolve_note(t, note.path) for t in fields.careers)
                 if career is not None and career.type == schema.CAREER
                 and view.is_public(career.path)}
        if not paths:
            continue
        for target in fields.with_:
            person = view.index.resolve_note(target, note.path)
            if person is not None and kinds.get(person.path) == "contact":
                found.setdefault(person.path, set()).update(paths)
    return found


def graph_json(nodes: Iterable[GraphNode], edges: Iterable[GraphEdge],
               urls: Mapping[str, str],
               positions: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """The graph as JSON-ready data for the page's script (`urls`: note path -> page URL;
    `positions`: node id -> (x, y), from `site.graph_layout`)."""
    positions = positions or {}
    return {
        "nodes": [{"id": n.id, "label": n.label, "kind": n.kind, "degree": n.degree,
                   "url": urls.get(n.id, ""), "careers": list(n.careers),
                   "x": positions.get(n.id, (0.0, 0.0))[0],
                   "y": positions.get(n.id, (0.0, 0.0))[1]} for n in nodes],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for e in edges],
    }
