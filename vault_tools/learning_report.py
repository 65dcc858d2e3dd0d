"""What `vault-tools learned` prints (§13): the insights about a company, a career or a tag, as
plain data (the `--json` output, keys documented in docs/learning.md), then as text.

This is the user's own terminal: insights from private conversations, or told by private
people, are shown and said to be private. Every value from a note goes through
`report.printable`: an escape sequence in a note is shown, never obeyed. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from . import learning
from .index import VaultIndex
from .notes import Note
from .report import printable

Row = dict[str, Any]

PRIVATE_MARK = "(private)"


def learned_data(index: VaultIndex, about: Note | None = None, tag: str | None = None) -> Row:
    """The insights of done conversations about the company or career `about`, or tagged
    `tag` (with the tags nested in it): what they are about, then each group (an insight
    section or a tag) with its insights newest first."""
    if about is not None:
        groups = learning.rollup(index, about.path)
        subject: Row = {"type": about.type, "name": about.name, "note": about.path}
    else:
        wanted = (tag or "").lstrip("#")
        groups = learning.tagged(index, wanted)
        subject = {"type": "tag", "name": wanted, "note": None}
    private = index.private_paths()
    return {
        "about": subject,
        "groups": [{"title": group.title, "insights": [_row(index, item, private)
                                                       for item in group.items]}
                   for group in groups],
    }


def _row(index: VaultIndex, item: learning.Learned, private: frozenset[str]) -> Row:
    return {
        "date": item.day.isoformat() if item.day else None,
        "conversation": item.interview,
        "people": [{"name": index.notes[path].name, "note": path, "private": path in private}
                   for path in item.people],
        "text": item.insight.text,
        "tags": list(item.insight.tags),
        "line": item.insight.line,
        "private": item.interview in private or any(p in private for p in item.people),
    }


def format_learned(data: Mapping[str, Any], colour: bool = False) -> str:
    """The insights as text: a title line, then each group and its insights, one a line
    (`2026-11-14  Omar Haddad: A portfolio beats three courses.`)."""
    about = data["about"]
    if about["type"] == "tag":
        title = f"What people told me, tagged #{printable(about['name'])}"
    else:
        title = f"What people told me about {printable(about['name'])} ({printable(about['note'])})"
    lines = [click.style(title, bold=True) if colour else title]
    if not data["groups"]:
        lines.append("Nothing yet: write what you learn under `## What I learned`, `## Culture` "
                     "or `## Advice` in a done conversation's note, or tag an item (#culture).")
    for group in data["groups"]:
        lines.append("")
        heading = printable(group["title"])
        lines.append(click.style(heading, underline=True) if colour else heading)
        for item in group["insights"]:
            who = ", ".join(printable(p["name"]) for p in item["people"]) \
                or printable(item["conversation"])
            mark = f" {PRIVATE_MARK}" if item["private"] else ""
            lines.append(f"  {item['date'] or 'no date'}  {who}{mark}: {printable(item['text'])}")
    return "\n".join(lines)
