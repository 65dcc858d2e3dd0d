"""What every vault's site needs of MkDocs' configuration, whatever its mkdocs.yml says:
notes outside the nav, Obsidian's Markdown, no fonts fetched from another host, and the
plugin's own stylesheet and scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pathspec
from markdown.extensions.toc import slugify as toc_slugify
from mkdocs.config.defaults import MkDocsConfig

from .fast_html import extension_name, plain_markdown
from .files import ASSET_DIR


@dataclass
class MarkdownSettings:
    """How the configuration has MkDocs write Markdown: heading anchors (the `toc`
    extension's slugify and separator), whether the plugin writes the nav (mkdocs.yml has
    none), and whether the Markdown is plain enough for `fast_html`."""

    slugify: Callable[[str, str], str] = toc_slugify
    separator: str = "-"
    set_nav: bool = False
    plain: bool = False

# The Markdown extensions every vault's site gets (each unless its mkdocs.yml lists it already),
# with their options: what Obsidian's own Markdown needs.
OBSIDIAN_MARKDOWN: tuple[tuple[str, dict[str, Any]], ...] = (
    ("pymdownx.tasklist", {"custom_checkbox": True}),
    ("admonition", {}),
    ("pymdownx.details", {}),
    ("pymdownx.mark", {}),
    ("footnotes", {}),
    # Code blocks inside callouts and list items, as Obsidian shows them (`fenced_code` sees a
    # fence only at the start of a line).
    ("pymdownx.superfences", {}),
)


def adjust(config: MkDocsConfig) -> MarkdownSettings:
    """Give `config` what the vault needs: notes outside the nav, Obsidian's Markdown (task
    lists, callouts, highlights, footnotes), no fonts from elsewhere, the plugin's stylesheet
    and scripts. Returns how the adjusted configuration writes Markdown."""
    toc = config.mdx_configs.get("toc", {})
    settings = MarkdownSettings(toc.get("slugify") or toc_slugify, toc.get("separator", "-"),
                                config.nav is None)
    if config.not_in_nav is None:
        # Notes are reached through dashboards and links, not the nav: say so, or MkDocs
        # lists every note as "not included in the nav".
        config.not_in_nav = pathspec.gitignore.GitIgnoreSpec.from_lines(["*"])
    listed = {extension_name(e) for e in config.markdown_extensions}
    # Obsidian's Markdown renders as Obsidian shows it (§7) in every vault, whatever its
    # mkdocs.yml lists: tasks are follow-ups (§10), checkboxes rather than "[ ]" text; callouts
    # are admonitions (`callouts`); `==highlight==` and footnotes[^1] as Obsidian draws them.
    for name, options in OBSIDIAN_MARKDOWN:
        if name not in listed:
            config.markdown_extensions.append(name)
            if options:
                config.mdx_configs.setdefault(name, dict(options))
    if config.theme.name == "material":
        # Material fetches its fonts from Google by default: a private site makes no
        # requests to anyone, and must work offline. System fonts it is.
        config.theme["font"] = False
    config.extra_css.append(f"{ASSET_DIR}/vault.css")
    # The day's own rules (`render.today_css`, written by each build): the pages themselves
    # are the same on any day.
    config.extra_css.append(f"{ASSET_DIR}/today.css")
    config.extra_javascript.append(f"{ASSET_DIR}/vault.js")
    config.extra_javascript.append(f"{ASSET_DIR}/followups.js")
    config.extra_javascript.append(f"{ASSET_DIR}/filters.js")
    settings.plain = plain_markdown(config.markdown_extensions)
    return settings
