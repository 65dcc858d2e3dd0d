"""Obsidian callouts as the theme's admonitions: `> [!tip] Title` becomes `!!! tip "Title"`,
with the quote's lines as its indented body, for the `admonition` extension to render; a
foldable one (`> [!faq]- Title`, `+` open) becomes `??? question "Title"` (`???+`) for
`pymdownx.details`. Material styles both. The plugin turns the two extensions on
(`mkdocs_setup.adjust`).

Only the Markdown's shape changes: the type names a class (Obsidian's aliases mapped to the
one Material knows, an unknown type to `note`), the title is the user's text, escaped, so no
HTML in it is ever run; nested callouts (`> > [!note]`) become nested admonitions. Fenced code
is left alone, and so is a quote that does not open with `[!type]`. Linear in the text for a
bounded nesting depth (`MAX_DEPTH`; deeper quotes are left as they are written).
"""

from __future__ import annotations

import html
import re

from ..parse import RAW_HTML_CLOSE_RE, RAW_HTML_OPEN_RE

# Obsidian's callout types and their aliases, as the Material admonition class that looks the
# same. (Material styles most aliases too, but names the canonical class in its docs.)
TYPES = {
    "note": "note",
    "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info",
    "todo": "info",
    "tip": "tip", "hint": "tip", "important": "tip",
    "success": "success", "check": "success", "done": "success",
    "question": "question", "help": "question", "faq": "question",
    "warning": "warning", "caution": "warning", "attention": "warning",
    "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote", "cite": "quote",
}
# Nesting levels turned into admonitions; a quote nested deeper keeps its `>` (and a page that
# deep is made plain text by `markdown_guard` anyway).
MAX_DEPTH = 32

_QUOTE = re.compile(r" {0,3}> ?")
_QUOTES = re.compile(r"(?: {0,3}> ?)*")  # every level of a line's quote markers
_CALLOUT = re.compile(r" {0,3}> ?\[!([^\]\n]*)\]([+-]?)[ \t]*(.*)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# What ends a paragraph: a line of this shape starts a block of its own (a heading, a fence, a
# list item, HTML, a rule), so it never continues a quote's paragraph lazily.
_BLOCK_START = re.compile(r" {0,3}(?:#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|[-*+][ \t]|\d{1,9}[.)][ \t]|<|"
                          r"(?:[-*_][ \t]*){3,}$|=+[ \t]*$)")


def has_callout(markdown: str) -> bool:
    """True when `markdown` may hold a callout (a cheap test before `callouts_to_admonitions`)."""
    return "[!" in markdown


def callouts_to_admonitions(markdown: str) -> str:
    """`markdown` with each callout written as an admonition (or a collapsible one), the rest
    as it was, line for line (a callout keeps its number of lines)."""
    if not has_callout(markdown):
        return markdown
    return "\n".join(_convert(markdown.split("\n"), 0))


def _convert(lines: list[str], depth: int) -> list[str]:
    out: list[str] = []
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence:
            out.append(line)
            closing = _FENCE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence) \
                    and not line[closing.end():].strip():
                fence = ""
            i += 1
            continue
        if depth == 0 and RAW_HTML_OPEN_RE.match(line):
            # A <pre>, <script>, <style> or <textarea> block is raw HTML to its closing tag,
            # as Markdown (and `parse`) read it: a "```" inside it opens no code block.
            while i < len(lines):
                out.append(lines[i])
                i += 1
                if RAW_HTML_CLOSE_RE.search(lines[i - 1]):
                    break
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            out.append(line)
            i += 1
            continue
        if not _QUOTE.match(line) or depth >= MAX_DEPTH:
            out.append(line)
            i += 1
            continue
        end = _quote_end(lines, i)
        out.extend(_quote(lines[i:end], depth))
        i = end
    return out


def _quote_end(lines: list[str], start: int) -> int:
    """Where the quote starting on line `start` ends: after its `>` lines and the lines that
    continue its last paragraph without a `>` (lazily, as Obsidian and Python-Markdown read
    them: `> [!tip] T`, `> body`, `more of the body`)."""
    end = checked = start
    fence, paragraph = "", False
    while True:
        while end < len(lines) and _QUOTE.match(lines[end]):
            end += 1
        if end >= len(lines) or not lines[end].strip() or _BLOCK_START.match(lines[end]):
            return end
        # A line that may continue the paragraph: is there an open one (not fenced code)?
        for line in lines[checked:end]:  # (each line looked at once: `checked` moves on)
            inner = line[_QUOTES.match(line).end():]  # type: ignore[union-attr]
            found = _FENCE.match(inner)
            if fence:
                if found and found.group(1)[0] == fence[0] and len(found.group(1)) >= len(fence):
                    fence = ""
                paragraph = False
            elif found:
                fence, paragraph = found.group(1), False
            else:
                paragraph = bool(inner.strip()) and not _BLOCK_START.match(inner)
        if not paragraph:
            return end
        end += 1
        checked = end  # the lazy line keeps the paragraph open


def _unquoted(line: str) -> str:
    marker = _QUOTE.match(line)
    return line[marker.end():] if marker is not None else line


def _quote(run: list[str], depth: int) -> list[str]:
    """A run of quoted lines: an admonition when it opens with `[!type]`, else a quote whose
    inside is converted (a callout may sit in a plain quote)."""
    body = [_unquoted(line) for line in run]
    header = _CALLOUT.fullmatch(run[0])
    if header is None:
        if not any(has_callout(line) for line in body):
            return run
        return [f"> {line}" if line else ">" for line in _convert(body, depth + 1)]
    kind, fold, title = header.groups()
    written = kind.strip().lower()
    css = TYPES.get(written, "note")
    # Obsidian's default title is the type as written, capitalised ("Faq", "Custom").
    shown = html.escape(title.strip() or written.capitalize() or css.capitalize(), quote=True)
    marker = {"": "!!!", "-": "???", "+": "???+"}[fold]
    inside = _convert(body[1:], depth + 1)
    return [f'{marker} {css} "{shown}"',
            *("    " + line if line.strip() else "" for line in inside)]

