"""The Tags page and each tag's page (`tags_page`, `tag_page`) from `views.tags`' rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...tags import TAGS_PAGE
from ...views.common import Ref
from ...views.tags import TagRow
from .common import Linker, md_text


def tags_page(tags: Sequence[tuple[str, str, int]], linker: Linker,
              raw_html: Callable[[str], str] | None = None) -> str:
    """Every tag of a published note, each a link to its page, with how many notes have it."""
    if not tags:
        return "# Tags\n\nNo published note has a tag yet: write `#tag` in a note, or `tags:` " \
            "in its front matter.\n"
    items = [f"- {linker.link(Ref('ok', f'#{name}', page))} ({count})"
             for name, page, count in tags]
    return f"# Tags\n\n{len(tags)} tags of published notes.\n\n" + "\n".join(items) + "\n"


def tag_page(row: TagRow, linker: Linker, raw_html: Callable[[str], str] | None = None) -> str:
    """One tag's page: the published notes tagged with it (or a tag nested in it), and the
    tags nested in it."""
    title = md_text(f"#{row.name}")
    count = f"{len(row.notes)} note{'s' if len(row.notes) != 1 else ''}"
    parts = [f"# {title}\n\n{count} tagged {title}. "
             f"{linker.link(Ref('ok', 'All tags', TAGS_PAGE))}\n"]
    if row.nested:
        nested = ", ".join(linker.link(Ref("ok", f"#{name}", page)) for name, page in row.nested)
        parts.append(f"Nested: {nested}\n")
    parts.append("\n".join(f"- {linker.link(ref)}" for ref in row.notes) + "\n")
    return "\n".join(parts)
