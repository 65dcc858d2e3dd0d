"""Obsidian's Markdown without a build: callouts as admonitions (`site/callouts.py`), and the
embeds of notes (`site/embeds.py`, `NotePages`) terminating on any embed graph."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import slugify
from mkdocs.structure.files import Files

from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.site import embeds
from vault_tools.site.callouts import callouts_to_admonitions
from vault_tools.site.dashboards import FollowupsBoard
from vault_tools.site.fast_html import StandIns
from vault_tools.site.links import PageLinks
from vault_tools.site.note_page import NotePages
from vault_tools.site.page_source import note_source
from vault_tools.views.common import SiteView
from vault_tools.views.followups import dashboard_items

EXTENSIONS = ["toc", "tables", "fenced_code", "pymdownx.tasklist", "admonition",
              "pymdownx.details", "pymdownx.mark", "footnotes"]


def rendered(text: str) -> str:
    return markdown.markdown(callouts_to_admonitions(text), extensions=EXTENSIONS)


def test_a_callout_is_an_admonition_of_its_type_with_its_title() -> None:
    out = rendered("> [!tip] Read this first\n> Body **bold**\n> second line\n")
    assert out == ('<div class="admonition tip">\n<p class="admonition-title">Read this first</p>'
                   '\n<p>Body <strong>bold</strong>\nsecond line</p>\n</div>')


def test_obsidian_aliases_and_unknown_types_take_their_look_and_title() -> None:
    assert '<div class="admonition question">\n<p class="admonition-title">Faq</p>' in rendered(
        "> [!FAQ]\n> x\n")
    assert '<div class="admonition warning">\n<p class="admonition-title">Careful</p>' in \
        rendered("> [!caution] Careful\n> x\n")
    assert '<div class="admonition note">\n<p class="admonition-title">Mystery</p>' in rendered(
        "> [!mystery]\n> x\n")


def test_a_foldable_callout_is_a_details_element_closed_or_open() -> None:
    assert rendered("> [!faq]- Why?\n> Because.\n") == (
        '<details class="question">\n<summary>Why?</summary>\n<p>Because.</p>\n</details>')
    assert rendered("> [!todo]+ Open\n> x\n").startswith('<details class="info" open="open">')


def test_the_title_is_text_never_html() -> None:
    out = rendered('> [!note] <img src=x onerror=alert(1)> & "quotes"\n> x\n')
    assert "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;" in out


def test_nested_callouts_and_callouts_in_quotes_and_code_left_alone() -> None:
    out = rendered("> [!note] Outer\n> text\n>\n> > [!warning] Inner\n> > deep\n"
                   "\n> plain\n> > [!tip]\n> > in a quote\n\n```\n> [!bug] code\n```\n")
    assert out.count('<div class="admonition') == 3
    assert re.search(r'admonition note">.*admonition warning">.*deep', out, re.DOTALL)
    assert '<blockquote>\n<p>plain</p>\n<div class="admonition tip">' in out
    assert "&gt; [!bug] code" in out


def test_fenced_code_in_a_callout_stays_a_code_block_in_its_language() -> None:
    """Obsidian shows a fence inside a callout as a code block: `fenced_code` never sees a fence
    inside an admonition, and ran its lines into one inline code span, language and all (the
    plugin turns on `pymdownx.superfences`, which does)."""
    out = markdown.markdown(callouts_to_admonitions(
        "> [!tip] T\n> before\n>\n> ```python\n> x = '<b>'\n>\n>     y\n> ```\n>\n> after\n"),
        extensions=[*EXTENSIONS, "pymdownx.superfences"])
    assert '<div class="highlight"><pre><span></span><code><span class="n">x</span>' in out
    assert "'&lt;b&gt;'</span>\n\n    <span class=\"n\">y</span>\n</code></pre>" in out
    assert "<p>before</p>" in out and "<p>after</p>" in out and "```" not in out
    # A callout marker inside that code is code too.
    assert "&gt; [!note] in code" in markdown.markdown(
        callouts_to_admonitions("> [!tip] T\n> ~~~\n> > [!note] in code\n> ~~~\n"),
        extensions=[*EXTENSIONS, "pymdownx.superfences"])


def test_a_line_continuing_a_callouts_paragraph_without_a_marker_stays_in_the_callout() -> None:
    """`> [!tip] T`, `> body`, `more body`: Obsidian (and a plain quote here) reads the last
    line as the paragraph's, lazily; the callout ended before it, leaving it outside the box."""
    out = rendered("> [!tip] T\n> body\nmore body\n\nafter\n")
    assert out == ('<div class="admonition tip">\n<p class="admonition-title">T</p>\n'
                   '<p>body\nmore body</p>\n</div>\n<p>after</p>')
    # Never after fenced code, a blank quote line, or before a line that starts a block.
    for text in ("> [!tip] T\n> ```\n> code\nnot lazy\n", "> [!tip] T\n>\nnot lazy\n",
                 "> [!tip] T\n> body\n- not lazy\n", "> [!tip] T\n> body\n# not lazy\n"):
        out = rendered(text)
        assert out.index("not lazy") > out.index("</div>"), out


def test_a_callout_keeps_its_number_of_lines_and_the_rest_of_the_text() -> None:
    text = "a\n> [!tip] T\n> b\n>\n> c\nd\n\n> quote\n"
    out = callouts_to_admonitions(text)
    assert out.count("\n") == text.count("\n")
    assert out.endswith("d\n\n> quote\n")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["> [!tip] T", "> [!faq]-", "> > [!note]", "> x", ">", "",
                                 "text", "```", "> ```", "    code", "> [!x]+ <b>"]),
                max_size=12).map("\n".join))
def test_callouts_never_lose_a_line_and_always_render(text: str) -> None:
    out = callouts_to_admonitions(text)
    assert out.count("\n") == text.count("\n")
    page = rendered(text)
    titles = re.findall(r'admonition-title">(.*?)</p>|<summary>(.*?)</summary>', page)
    assert all("<" not in title for pair in titles for title in pair)


def test_a_deep_quote_stays_linear_and_bounded() -> None:
    text = "> " * 2000 + "[!note] deep\n"
    out = callouts_to_admonitions(text)
    assert out.count("!!!") == 0 or out.count("!!!") <= 32


# --- embeds ---------------------------------------------------------------------------------


def test_prefix_ids_keeps_links_within_the_embed_working() -> None:
    out = embeds.prefix_ids('<h2 id="a">A</h2><a href="#a">x</a><a href="#page">y</a>', "e1-")
    assert out == '<h2 id="e1-a">A</h2><a href="#e1-a">x</a><a href="#page">y</a>'


def test_an_embedded_section_runs_to_the_next_heading_of_its_level() -> None:
    text = "# T\n\n## One\n\na\n\n### Sub\n\nb\n\n## Two\n\nc\n"
    note = parse_note("T.md", text)
    one = next(h for h in note.headings if h.text == "One")
    section = embeds.embedded_markdown(text, note, one)
    assert section == "## One\n\na\n\n### Sub\n\nb\n"


def test_a_block_embed_of_a_continued_list_item_or_a_paragraph_under_code_shows_that_only(
) -> None:
    """A marker on the continuation line of a list item is that item's, not the whole list's;
    a paragraph right under fenced code does not take the code (half of it, unclosed)."""
    text = ("# T\n\n- first\n- second\n  continued ^item\n- third\n\n```\ncode\n```\n"
            "para under code ^para\n\n- a\n- b\n- c\n\n^list\n")
    note = parse_note("T.md", text)

    def shown(ident: str) -> str:
        block = VaultIndex([note]).find_block("T.md", ident)
        return embeds.embedded_markdown(text, note, None, block)

    assert shown("^item") == "- second\n  continued ^item"
    assert shown("^para") == "para under code ^para"
    assert shown("^list") == "- a\n- b\n- c"


class _Nesting(HTMLParser):
    """The deepest nesting of embedded notes in a page, and whether a note shows inside itself."""

    def __init__(self) -> None:
        super().__init__()
        self.divs: list[bool] = []
        self.titles: list[str] = []
        self.deepest = 0
        self.cycle = False
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "div":
            self.divs.append(classes == "vault-embed-note")
            self.deepest = max(self.deepest, sum(self.divs))
        if tag == "p" and classes == "vault-embed-title":
            self.in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.divs.pop():
            self.titles.pop()
        if tag == "p":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.cycle |= data in self.titles
            self.titles.append(data)


NAMES = ["A", "B", "C", "D"]
EMBED = st.tuples(st.sampled_from(NAMES), st.sampled_from(["", "#One", "#Two", "#^b", "#^top"]))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), st.lists(EMBED, max_size=6), min_size=1))
def test_any_embed_graph_terminates_within_the_limits(graph) -> None:
    """Notes embedding each other (and their sections and blocks) in any pattern, cycles included:
    every page renders, shows no note inside itself, and nests no deeper than `MAX_DEPTH`."""
    texts = {}
    for name in NAMES:
        lines = [f"# {name}", "", "## One", ""]
        lines += [" ".join(f"![[{t}{h}]]" for t, h in graph.get(name, [])[:2]) + " ^top", ""]
        lines += [f"![[{target}{heading}]]" for target, heading in graph.get(name, [])]
        lines += ["", "## Two", "", f"words of {name} ^b", ""]
        texts[f"{name}.md"] = "\n".join(lines)
    index = VaultIndex(parse_note(path, text) for path, text in texts.items())
    view = SiteView(index)
    urls = {path: path[:-3] + "/" for path in texts}
    links = PageLinks(view, urls, slugify, "-", set())
    board = FollowupsBoard(view, links, dashboard_items(view), dt.date(2026, 1, 1))
    stand_ins = StandIns()
    shown = []

    def render(text: str, path: str, page_url: str) -> str:
        shown.append(path)
        return markdown.markdown(text)

    pages = NotePages(view, texts, links, board, "Follow-ups.md", stand_ins, {}, render)
    for path, text in texts.items():
        shown.clear()
        note = index.get(path)
        _, source = note_source(text, note)
        out = stand_ins.fill_output(path, pages.markdown(note, source, source, urls[path],
                                                         Files([])))
        nesting = _Nesting()
        nesting.feed(out)
        assert nesting.deepest <= embeds.MAX_DEPTH
        assert not nesting.cycle
        assert len(shown) <= embeds.MAX_PER_PAGE
        assert "vault-block" not in out or "data-vault-slot" not in out  # every slot filled


def test_a_line_of_thousands_of_links_is_rewritten_in_linear_time() -> None:
    """(An embed of a note many times over on one line took minutes: every replaced link
    copied the whole line again.)"""
    import time

    from vault_tools.site.rewrite import rewrite_markdown

    def best(count: int) -> float:
        text = "# A\n\n" + "![[B]] " * count + "\n"
        note = parse_note("A.md", text)
        times = []
        for _ in range(5):  # CPU time, best of five: a loaded machine must not fail it
            start = time.process_time()
            out = rewrite_markdown(note, text, text, lambda link: "<span>B embedded</span>",
                                   lambda block: "")
            times.append(time.process_time() - start)
        assert out.count("<span>B embedded</span>") == count
        return min(times)

    small, large = best(10_000), best(40_000)
    assert large < 12 * small + 0.05  # 4x the links: about 4x the time, not 16x


def test_a_callout_after_a_pre_block_showing_a_fence_is_still_a_callout() -> None:
    """Obsidian's help vault shows search syntax as `<pre><code>```query …```</code></pre>`:
    the "```" closing that raw HTML block opened a fence that never closed, so every callout
    after it stayed a quote showing "[!note]". A callout inside the <pre> stays its text."""
    text = ("<pre><code>```query\nembed OR search\n> [!tip] shown as written\n"
            "```</code></pre>\n\n> [!note] After\n> body\n")
    out = callouts_to_admonitions(text)
    assert '!!! note "After"\n    body' in out
    assert "> [!tip] shown as written" in out
    assert out.count("\n") == text.count("\n")
