"""HTML written without the Markdown pass, and the stand-ins that hold its place in a page.

Python-Markdown costs the site most of its time on the most link-dense text it has: the
dashboards' long lists and tables and the notes' generated blocks. Those are written here
straight as HTML, as Python-Markdown with MkDocs' default extensions would make them
(`block_html`, `html_list_item`), or not at all: the fast path declines (None, False) whatever it
is not sure of, and the caller renders that text as Markdown. The dashboards take it only under
those extensions (`plain_markdown`); generated blocks always do, as they always have: their
shapes are plain, and only HTML put in after search keeps them out of it.
`tests/test_fast_html.py` checks the promise against Python-Markdown itself (a Hypothesis
property).

The HTML goes into the page through one mechanism, `StandIns`: the Markdown gets a stand-in,
unique to the build, and the HTML replaces it once MkDocs has rendered the page, either in its
content, before search reads it (a dashboard's lists: they are the page), or in its output,
after (a generated block: a note's search result is its own words, not every page that mentions
it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from secrets import token_hex

from ..note_texts import decoded, encoded

# The Markdown extensions under which the fast path writes what Python-Markdown would: MkDocs'
# defaults and the ones the plugin adds for Obsidian's Markdown (whose marks, `==`, `[^`,
# `!!!` and `???`, the fast path declines). Anything else might render the same text
# differently, so it gets the Markdown pass.
PLAIN_MARKDOWN = frozenset({"toc", "tables", "fenced_code", "pymdownx.tasklist", "admonition",
                            "pymdownx.details", "pymdownx.mark", "footnotes",
                            "pymdownx.superfences"})
# The marks of those extensions (highlight, footnote, admonition, details) in a fragment.
_EXTENSION_MARKS = ("==", "[^", "!!!", "???")


def extension_name(extension: object) -> str:
    """The name of a Markdown extension as MkDocs' configuration lists it."""
    return extension if isinstance(extension, str) else type(extension).__module__


def plain_markdown(extensions: Iterable[object]) -> bool:
    """True when the fast path may be taken under these Markdown extensions."""
    return all(extension_name(e) in PLAIN_MARKDOWN for e in extensions)


class StandIns:
    """HTML waiting for its page, by the page's source path. One per plugin: the stand-ins
    are unique to it (a random part), so no note can hold one; the page gets the HTML only,
    so that two builds of the same notes are byte for byte the same."""

    def __init__(self) -> None:
        self._nonce = token_hex(6)
        self._content: dict[str, dict[str, str]] = {}  # {page: {stand-in paragraph: html}}
        # {page: {stand-in div: html as UTF-8}}: every page is read before any is written, so
        # the blocks of all wait at once (as strings, 4 bytes a character with one emoji).
        self._output: dict[str, dict[str, bytes]] = {}

    def in_content(self, page: str, fragment: str) -> str:
        """A stand-in for `fragment`, a paragraph of its own in the page's Markdown; the HTML
        replaces it in the rendered content (`fill_content`), before search reads the page."""
        waiting = self._content.setdefault(page, {})
        token = f"vault-list-{self._nonce}-{len(waiting)}"
        waiting[f"<p>{token}</p>"] = fragment
        return token

    def in_output(self, page: str, fragment: str) -> str:
        """A stand-in for `fragment` as a block of its own (`<div class="vault-block">`) in the
        page's Markdown; the HTML replaces it in the page's output (`fill_output`), after
        search read the page."""
        waiting = self._output.setdefault(page, {})
        slot = (f'<div class="vault-block" data-vault-slot="{self._nonce}-{len(waiting)}">'
                "</div>")
        waiting[slot] = encoded(f'<div class="vault-block">\n{fragment}\n</div>')
        return slot

    def content_of(self, page: str) -> dict[str, str]:
        """The content stand-ins of `page` waiting now (to be given back with `restore`)."""
        return dict(self._content.get(page, {}))

    def restore(self, page: str, waiting: dict[str, str]) -> None:
        """Wait again with the content stand-ins of a page whose Markdown is reused as is."""
        if waiting:
            self._content[page] = dict(waiting)

    @property
    def nonce(self) -> str:
        """The random part of this plugin's stand-ins (recorded with a page's Markdown)."""
        return self._nonce

    def carry_over(self, page: str, markdown: str, waiting: dict[str, str],
                   nonce: str) -> str | None:
        """A page's Markdown made by another process, whose stand-ins had the random part
        `nonce`, with this plugin's own in their place; its HTML (`waiting`, as `content_of`
        gave it there) waits for its content again. None (nothing waits) unless each stand-in
        of `waiting` is in the Markdown once and the Markdown holds no other."""
        old, new = f"vault-list-{nonce}-", f"vault-list-{self._nonce}-"
        if not nonce or markdown.count(old) != len(waiting) or any(
                stand_in != f"<p>{old}{number}</p>" for number, stand_in in enumerate(waiting)):
            return None
        self.restore(page, {stand_in.replace(old, new, 1): html
                            for stand_in, html in waiting.items()})
        return markdown.replace(old, new) if waiting else markdown

    def forget_content(self, page: str | None = None) -> None:
        """Drop what a build that failed half-way may have left waiting for the content (or
        what waits for `page`'s only)."""
        if page is None:
            self._content.clear()
        else:
            self._content.pop(page, None)

    def fill_content(self, page: str, content: str) -> str:
        for stand_in, fragment in self._content.pop(page, {}).items():
            content = content.replace(stand_in, fragment, 1)
        return content

    def fill_output(self, page: str, output: str) -> str:
        for stand_in, held in self._output.pop(page, {}).items():
            fragment = decoded(held)
            # A stand-in Markdown made a paragraph of (in a list item, a callout, a line of
            # its own in an embedded note) gives its block the paragraph's place.
            wrapped = f"<p>{stand_in}</p>"
            if wrapped in output:
                output = output.replace(wrapped, fragment, 1)
            else:
                output = output.replace(stand_in, fragment, 1)
        return output


_PIECE = re.compile("\x00(\\d+)\x00")
# What Markdown reads as more than a plain line or list item, at the start of any line of a
# paragraph: a heading, table, quote, fence, indented code, numbered or `*` list, setext rule,
# thematic break, admonition. One search of the paragraph rather than one match a line (~1% of
# a site build); a line's ending blanks do not count.
_STRUCTURE_LINE = re.compile(
    r"^(?:#|\||>|```|~~~| |\t|\d+[.)][^\S\n]|[*+] |[-=]+[^\S\n]*$|(?:[-*_] *){3,}[^\S\n]*$"
    r"|!!!|\?\?\?)", re.MULTILINE)
_ITEM_STRUCTURE = re.compile(r"^(?:#|>|```|~~~|\s|\d+[.)]\s|[*+-] |\[[ xX]\]|!!!|\?\?\?)")
# A code span with no `*` in it nor space at its ends; a backtick left over declines.
_CODE = re.compile(r"(?<!`)`(?=[^\s`])([^`*\x00]+?)(?<=\S)`(?!`)")
# `**strong**` and `*emphasis*` with no `*` inside, in one pass; a `*` left over declines.
_EMPHASIS = re.compile(r"\*\*(?=\S)([^*]+?)(?<=\S)\*\*"
                       r"|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
# What the fast path does not write as Markdown would, so it declines: backslash escapes, entities
# (`&amp;` stays as written), emphasis with underscores (not inside a word: `snake_case` is plain
# text), Markdown links, table rows (`|`), spaces ending a line, and what Markdown changes or
# keeps for itself (tabs, carriage returns, its marks).
_DECLINE = re.compile(r"[|\\\t\r\x02\x03]| \n| $|&#?\w+;|(?<!\w)_|_(?!\w)|\]\(|==|\[\^")


def shown_as_text(markdown: str) -> str:
    """A generated block's Markdown with any HTML in it shown as text, not run: a block quotes
    front-matter values and other notes' lines, which are not this page's HTML."""
    return markdown.replace("<", "&lt;") if "<" in markdown else markdown


def block_html(markdown: str, pieces: Sequence[str]) -> str | None:
    """HTML for a generated block's Markdown, whose links were replaced by `\\x00N\\x00`
    tokens standing for `pieces[N]` (HTML already).

    Generated blocks are bold section titles, paragraphs and flat "- " lists, with one line of
    someone's note as context; that much is rendered here, at a fraction of the cost of a full
    Markdown pass over the most link-dense text of the site. Anything else (a heading, a table,
    a nested list...) returns None, and the caller renders the block as Markdown. What is not
    None is what Python-Markdown makes of `shown_as_text(markdown)` (its HTML shown as text).
    """
    out: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", markdown.strip("\n")):
        if _DECLINE.search(paragraph) or _STRUCTURE_LINE.search(paragraph):
            return None
        lines = [line.rstrip() for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if any(_ITEM_STRUCTURE.match(line[2:]) for line in lines if line.startswith("- ")):
            return None  # a list item's text that Markdown reads as a block or a task
        items = all(line.startswith("- ") for line in lines)
        if not items and any(line.startswith("- ") for line in lines):
            return None
        inline = [_inline(line[2:] if items else line) for line in lines]
        if None in inline:
            return None
        if items:
            if out and out[-1].startswith("<ul>"):
                return None  # two lists a blank line apart: one loose list, in Markdown
            out.append("<ul>\n" + "\n".join(f"<li>{text}</li>" for text in inline) + "\n</ul>")
        else:
            out.append("<p>" + "\n".join(inline) + "</p>")  # type: ignore[arg-type]
    return _PIECE.sub(lambda m: pieces[int(m.group(1))], "\n".join(out))


def _inline(text: str) -> str | None:
    """A line of generated text as HTML: code, strong and emphasis kept (None: not sure)."""
    text = html.escape(text, quote=False)
    # Each pattern needs a character most lines lack: tested first, the line costs no search.
    if "`" in text:
        text = _CODE.sub(r"<code>\1</code>", text)
        if "`" in text:
            return None
    if "*" in text:
        text = _EMPHASIS.sub(_emphasis, text)
        if "*" in text:
            return None
    return text


def _emphasis(match: re.Match[str]) -> str:
    strong, emphasis = match.groups()
    return f"<strong>{strong}</strong>" if strong is not None else f"<em>{emphasis}</em>"


def html_list_item(fragment: str) -> bool:
    """True when `html`, one list item as HTML, is what Python-Markdown with MkDocs' default
    extensions makes of the same item written in Markdown (`md_text`, `**`, links as `<a>`):
    it holds no character Markdown's whitespace normalisation would change (tabs, carriage
    returns, space at either end) and none of its placeholder marks."""
    if fragment[:1].isspace() or fragment[-1:].isspace():
        return False  # Markdown strips an item's text
    if any(mark in fragment for mark in _EXTENSION_MARKS):
        return False  # `==x==` is a highlight in Markdown, not in the fragment's text
    return not any(c in fragment for c in "\t\r\x02\x03")


# The text of an unlinked reference as `render.common.unlinked` writes it.
_UNLINKED_TEXT = re.compile(r'<span class="vault-link vault-[a-z]+" title="[^"]*">([^<]*)</span>')


def html_table_cell(cell: str) -> bool:
    """True when a table cell written as HTML is what Python-Markdown makes of the same cell in
    Markdown: `html_list_item`, and the text of an unlinked reference (written as is, not
    Markdown-escaped) holds nothing Markdown or a table row would read as markup."""
    if not html_list_item(cell):
        return False
    if "vault-link" not in cell:
        return True
    return not any(c in text for text in _UNLINKED_TEXT.findall(cell) for c in "*_`\\[]|")
