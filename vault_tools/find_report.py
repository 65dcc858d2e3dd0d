"""What the `find` command prints (§14): the hits of `search.find` as JSON-ready dicts (the
`--json` output, keys documented in docs/find.md), then as one line each for a terminal.

This is the user's own terminal: a private note is listed, and said to be private. Every
value that comes from a note goes through `report.printable`: an escape sequence in a name or
a value is shown, never obeyed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

from .report import printable
from .search import FIELD, NAME, NAME_PART, NAME_START, OTHER, TEXT, Hit, unread

Row = dict[str, Any]

PRIVATE_MARK = "(private)"
NOTHING = "Nothing found."


def find_rows(hits: Sequence[Hit]) -> list[Row]:
    """One object per hit: `name`, `type` (null for a note of none), `note` (its path),
    `private`, `match` (name, name-start, name-part, field, text or listed), `field` (the
    alias or front-matter key matched), `line` (the body line), `snippet` and `reasons` (what
    the filters saw), `problem` (what of the note could not be read, so was not searched:
    `search.unread`; null when nothing)."""
    return [{
        "name": hit.note.name,
        "type": hit.note.type,
        "note": hit.note.path,
        "private": hit.note.private,
        "match": hit.match,
        "field": hit.field,
        "line": hit.line,
        "snippet": hit.snippet,
        "reasons": list(hit.reasons),
        "problem": unread(hit.note),
    } for hit in hits]


def format_find(rows: Sequence[Mapping[str, Any]], more: int = 0, colour: bool = False) -> str:
    """The `find` text: one line per hit, its name, type, what matched and its path; then how
    many more there are when `--limit` cut the list."""
    if not rows:
        return NOTHING
    style = _styler(colour)
    lines = []
    for row in rows:
        text = f"{style(printable(row['name']), bold=True)}  [{printable(row['type'] or OTHER)}]"
        said = _said(row)
        if said:
            text += f"  {said}"
        text += "  " + style(f"({printable(row['note'])})", dim=True)
        if row["private"]:
            text += "  " + style(PRIVATE_MARK, fg="magenta")
        if row.get("problem"):
            text += "  " + style(f"! {printable(row['problem'])}", fg="yellow")
        lines.append(text)
    if more:
        lines.append(f"… and {more} more (--limit 0 lists them all).")
    return "\n".join(lines)


def _said(row: Mapping[str, Any]) -> str:
    """What matched, in a few words."""
    match = row["match"]
    parts: list[str] = []
    if match in (NAME, NAME_START, NAME_PART) and row["field"] == "alias":
        parts.append(f"alias {printable(row['snippet'])}")
    elif match == FIELD:
        parts.append(f"{printable(row['field'])}: {printable(row['snippet'])}")
    elif match == TEXT:
        parts.append(f"line {row['line']}: {printable(row['snippet'])}")
    parts += [printable(reason) for reason in row["reasons"]]
    return "; ".join(parts)


def _styler(colour: bool) -> Any:
    def style(text: str, **kwargs: Any) -> str:
        return click.style(text, **kwargs) if colour else text
    return style
