"""What every page of the site writes the same way: a `Linker` turning a `Ref` into a link
from one page, escaped text and cells, dates, the sortable `markdown_table` (Markdown, or the HTML
Markdown would make of it), the filter bar and the data each row gives it, and the tables shown
as cards on a phone (`card_tables`).

No MkDocs here: links to notes are written as relative `.md` links, which MkDocs turns into page
URLs (and checks), except in raw HTML, where the linker is given the final URLs.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import quote

from ...views.common import Ref
from ..fast_html import html_table_cell

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EMPTY = "—"
# Wide tables and the graph need the room of the table of contents (Material's `hide`).
WIDE = "---\nhide:\n  - toc\n---\n\n"
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"})
_REF_TITLES = {
    "private": "This note is private: it is not published.",
    "broken": "Not written yet: no note or file has this name.",
    "ambiguous": "Several notes have this name: write the folder too.",
}


def nice_date(day: dt.date) -> str:
    """`8 Jul 2026`: unambiguous in every locale and independent of the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def md_text(text: str) -> str:
    """Text safe inside Markdown (and a table cell): markup characters escaped, HTML escaped."""
    return html.escape(text, quote=False).translate(_MD_SPECIAL)


def html_text(text: str) -> str:
    return html.escape(text, quote=False)


def relative_md(target: str, from_src: str) -> str:
    """A relative, URL-quoted link from the page of `from_src` to the file `target`."""
    start = posixpath.dirname(from_src) or "."
    return quote(posixpath.relpath(target, start))


def relative_url(target: str, page: str) -> str:
    """The URL of `target` relative to the page at `page` (both relative to the site root, as
    MkDocs writes them: `contacts/Jane%20Doe/`, `people/`, `` for the home page)."""
    page, target = page.removeprefix("./"), target.removeprefix("./")  # the home page is "./"
    folders = page.split("/")[:-1]
    parts = target.split("/")
    common = 0
    while (common < len(folders) and common < len(parts) - 1
           and folders[common] == parts[common]):
        common += 1
    return "../" * (len(folders) - common) + "/".join(parts[common:]) or "./"


def unlinked(ref: Ref, text: str | None = None,
             escape: Callable[[str], str] = html.escape) -> str:
    """A reference that is not a link (private, broken, ambiguous), visibly marked as such.
    `escape` writes its text: `md_text` where the span sits in Markdown, which reads inline
    HTML's content as Markdown (a `|` in a table cell would end the cell)."""
    shown = text if ref.status != "private" else ref.text
    return (f'<span class="vault-link vault-{ref.status}" title="{_REF_TITLES[ref.status]}">'
            f"{escape(shown or ref.text)}</span>")


class Linker:
    """Writes references as links from one page.

    `urls` maps note paths to their page URLs (relative to the site root) and `page_url` is the
    current page's; links are written as HTML, already resolved, so MkDocs need not look
    them up again (the vault index has just done so).
    """

    def __init__(self, page_url: str, urls: Mapping[str, str],
                 anchor: Callable[[str, str], str | None]) -> None:
        self.page_url = page_url
        self.urls = urls
        self.anchor = anchor  # (note path, heading) -> the heading's id, or None

    def href(self, ref: Ref) -> str | None:
        target = self.urls.get(ref.path) if ref.path is not None else None
        if target is None:
            return None
        href = relative_url(target, self.page_url)
        if ref.heading:
            slug = self.anchor(ref.path, ref.heading)  # type: ignore[arg-type]
            if slug:
                href += "#" + slug
        return href

    def link(self, ref: Ref | None, text: str | None = None, raw: bool = False) -> str:
        """The link as HTML inside Markdown (its text Markdown-escaped), or as plain HTML when
        `raw` (for HTML that bypasses Markdown)."""
        if ref is None:
            return EMPTY
        escape = html_text if raw else md_text
        href = self.href(ref) if ref.status == "ok" else None
        if href is None:
            return unlinked(ref, text, escape) if ref.status != "ok" else escape(text or ref.text)
        return f'<a href="{html.escape(href)}">{escape(text or ref.text)}</a>'

    def links(self, refs: Iterable[Ref], raw: bool = False) -> str:
        return ", ".join(self.link(r, raw=raw) for r in refs) or EMPTY


def cell_text(value: object, raw: bool = False) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dt.date):
        return value.isoformat()  # ISO dates sort as text in the sortable tables
    return html_text(str(value)) if raw else md_text(str(value))


# The cells of a table, as Markdown (False) or as HTML (True).
Cells = Callable[[bool], Iterable[Sequence[str]]]


# --- filters (the site's `filters.js`) ---------------------------------------------------------

# The filter reading a row's `data-touch` date ("no touch in more than N days"): a number the
# reader types, not a choice among the rows' values.
QUIET = "quiet"
Filters = Sequence[tuple[str, str]]  # (key: the rows' data attribute and the URL's, label)


def filter_bar(filters: Filters) -> str:
    """The marker `filters.js` puts a page's filters at, naming them and their labels (the
    site's own words): HTML on a line of its own, which Markdown passes through as it is.
    Without the script it shows nothing, and every row stays."""
    labels = "".join(f' data-label-{key}="{html.escape(label)}"' for key, label in filters)
    keys = " ".join(key for key, _ in filters)
    return f'<div class="vault-filters" data-filters="{keys}"{labels}></div>'


def _data_text(value: str) -> str:
    """A value as a row's data attribute holds it, read the same by Markdown (in a table cell)
    and by HTML: blanks as one space, control characters dropped, and every other character
    but a letter, a digit or a space written as a character reference, so that none ends the
    attribute or the cell (`"`, `|`) or is read as Markdown (`*`, `_`, `` ` ``, `[`, `\\`);
    the few marks no Markdown reads there (`_DATA_MARKS`) stay as they are."""
    return "".join(c if c.isalnum() or c in _DATA_MARKS else f"&#{ord(c)};"
                   for c in " ".join(value.split()) if c.isprintable())


# What a data attribute's value keeps as written: dates, "Portland, OR", "Acme (UK)".
_DATA_MARKS = frozenset(" -,.:/()+@")


def ref_value(ref: Ref | None) -> tuple[str, ...]:
    """What a filter reads of a reference: its name, unless it is a private note's (never
    named) or there is none."""
    return (ref.text,) if ref is not None and ref.status != "private" else ()


def row_data(facts: Mapping[str, Iterable[str]]) -> str:
    """An empty span opening a row's first cell with what the page's filters read of the row,
    `data-KEY` each (several values one a line; `data-touch`, an ISO date, for `QUIET`).
    Values come from public notes only (the rows' own); empty ones are left out."""
    attributes = []
    for key, values in facts.items():
        texts = list(dict.fromkeys(t for t in map(_data_text, values) if t))
        if texts:
            attributes.append(f' data-{key}="{"&#10;".join(texts)}"')
    return f'<span class="vault-row"{"".join(attributes)}></span>'


def touch_date(day: dt.date | None) -> tuple[str, ...]:
    return (day.isoformat(),) if day is not None else ()


def markdown_table(header: Sequence[str], cells: Cells, sortable: bool = True,
           raw_html: Callable[[str], str] | None = None, filters: Filters = ()) -> str:
    """A table in Markdown; with `raw_html`, written as the HTML Python-Markdown makes of it
    (see `followups_page`) when every cell allows. With `filters`, the page's filter bar
    (`filter_bar`) comes first: the rows' first cells carry their `row_data`."""
    lead = ['<div class="vault-sortable"></div>', ""] if sortable else []
    if filters:
        lead = [filter_bar(filters), "", *lead]
    if raw_html is not None:
        rows = [[cell.strip(" ") for cell in row] for row in cells(True)]
        if rows and all(html_table_cell(cell) for row in rows for cell in row):
            head = "".join(f"<th>{html_text(h)}</th>\n" for h in header)
            body = "".join("<tr>\n" + "".join(f"<td>{cell}</td>\n" for cell in row) + "</tr>\n"
                           for row in rows)
            table = (f"<table>\n<thead>\n<tr>\n{head}</tr>\n</thead>\n<tbody>\n{body}"
                     "</tbody>\n</table>")
            return "\n".join([*lead, raw_html(table)])
    lines = [*lead, "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    count = 0
    for row in cells(False):
        lines.append("| " + " | ".join(row) + " |")
        count += 1
    if count == 0:
        return "*Nothing here yet.*"
    return "\n".join(lines)


# A table as Python-Markdown writes it (and `markdown_table`'s fast path, the same), its header
# row and its body; a table written otherwise (another extension's) is left as it is.
_HTML_TABLE = re.compile(r"<table>\n<thead>\n<tr>\n(.*?)</tr>\n</thead>\n<tbody>\n(.*?)</tbody>"
                         r"\n</table>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th(?: [^>]*)?>(.*?)</th>", re.DOTALL)
_ROW_OR_CELL = re.compile("<tr>|<td>")
_TAG = re.compile(r"<[^>]*>")


def card_tables(page_html: str) -> str:
    """A generated page's HTML with each table's cells labelled by their column's heading
    (`data-label`), an empty cell (`—`) marked `data-empty`, and the table marked
    `data-vault-cards`: on a narrow screen the stylesheet shows each row as a card, each value
    under its column's name, rather than a table to scroll sideways. Works on the HTML either
    path wrote (Markdown or `markdown_table`'s own), so the two still agree before it; one pass."""
    return _HTML_TABLE.sub(_card_table, page_html)


def _card_table(match: re.Match[str]) -> str:
    labels = [html.escape(html.unescape(_TAG.sub("", text)).strip())
              for text in _HEADER_CELL.findall(match.group(1))]
    column = -1

    def cell(found: re.Match[str]) -> str:
        nonlocal column
        if found.group() == "<tr>":
            column = -1
            return "<tr>"
        column += 1
        label = labels[column] if column < len(labels) else ""
        empty = " data-empty" if found.end() < len(body) and body.startswith(
            EMPTY + "</td>", found.end()) else ""
        return f'<td data-label="{label}"{empty}>'

    body = match.group(2)
    return (f"<table data-vault-cards>\n<thead>\n<tr>\n{match.group(1)}</tr>\n</thead>\n"
            f"<tbody>\n{_ROW_OR_CELL.sub(cell, body)}</tbody>\n</table>")


def class_slug(word: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-")
