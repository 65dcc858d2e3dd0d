"""The All notes page (`all_notes_page`): every published note by folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...views.common import Ref
from ..fast_html import html_list_item
from .common import Linker, md_text


def _html_list(items: Sequence[str]) -> str:
    return "<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>"


def all_notes_page(groups: Sequence[tuple[str, Sequence[Ref]]], linker: Linker,
                   raw_html: Callable[[str], str] | None = None) -> str:
    """Every published note by folder; `raw_html` as for `followups_page`. The refs are notes'
    own (`SiteView.note_ref`): a link or "a private note", never a broken or ambiguous one."""
    total = sum(len(refs) for _, refs in groups)
    parts = [f"# All notes\n\nEvery published note, by folder: {total} in all.\n"]
    for folder, refs in groups:
        parts.append(f"## {md_text(folder or 'Top level')} ({len(refs)})\n")
        items = [linker.link(r, raw=True) for r in refs] if raw_html is not None else []
        if raw_html is not None and all(html_list_item(item) for item in items):
            parts.append(raw_html(_html_list(items)) + "\n")
        else:
            parts.append("\n".join(f"- {linker.link(r)}" for r in refs) + "\n")
    return "\n".join(parts)
