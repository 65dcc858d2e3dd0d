"""The fast HTML path equals what Python-Markdown (with the site's extensions) makes of the same
text, or it declines: `site/fast_html.py` against Markdown itself."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vault_tools.site.fast_html import (
    _STRUCTURE_LINE,
    StandIns,
    block_html,
    plain_markdown,
    shown_as_text,
)

# The site's Markdown as the plugin configures it by default (MkDocs' defaults, task lists,
# and Obsidian's callouts, highlights, footnotes and code blocks inside callouts and lists).
EXTENSIONS = ["toc", "tables", "fenced_code", "pymdownx.tasklist", "admonition",
              "pymdownx.details", "pymdownx.mark", "footnotes", "pymdownx.superfences"]
PIECE = '<a href="../x/">X &amp; Co</a>'


def through_markdown(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def fast_or_markdown(text: str) -> tuple[str | None, str]:
    """(the fast path's HTML, Markdown's) for `text`, a link written as `\\x00N\\x00`.
    A block is text: HTML in it is shown, not run, on either path (`shown_as_text`)."""
    fast = block_html(text.replace("LINK", "\x000\x00"), [PIECE])
    return fast, through_markdown(shown_as_text(text).replace("LINK", PIECE))


# Words and the marks generated blocks and the context lines quoted in them hold.
WORDS = st.sampled_from(["Jane", "met", "at", "Acme", "x", "a_b", "LINK", "2026-01-02", "·",
                         "—", "(line 3)", "**Linked from**", "*kind*", "`code`"])
MARKS = st.sampled_from(["*", "**", "_", "__", "`", "&", "&amp;", "&#123;", "\\", "<", ">",
                         "<b>", "[", "]", "](", ")", "!", "~~", "#", "|", "-", ".", ":", "'",
                         '"', "1.", "+", "x*y", "a`b", "*x*y", "http://x.org", "\t", "==",
                         "==x==", "[^1]", "[^1]:", "!!! note", "???+ tip", "^", "```",
                         "~~~", "```py"])
LINE = st.lists(st.one_of(WORDS, MARKS), min_size=1, max_size=8).map(
    lambda parts: "".join(p if i % 2 else p + " " for i, p in enumerate(parts)).strip())
# Lines as a block holds them, and with the spaces a quoted line may keep at its ends.
SPACED = st.tuples(st.sampled_from(["", " "]), LINE, st.sampled_from(["", " ", "  "])).map(
    "".join)
BLOCK = st.lists(st.one_of(LINE, SPACED, LINE.map(lambda line: "- " + line), st.just("")),
                 min_size=1, max_size=6).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(BLOCK)
def test_the_fast_html_of_a_block_is_what_markdown_makes_of_it_or_none(text: str) -> None:
    fast, slow = fast_or_markdown(text)
    if fast is not None:
        assert fast == slow, text


# The check as it was made a line at a time, with each line's ending blanks cut: the one search
# of a paragraph (`_STRUCTURE_LINE`) must decline wherever this does.
STRUCTURE_BY_LINE = re.compile(
    r"^(?:#|\||>|```|~~~| |\t|\d+[.)]\s|[*+] |[-=]+$|(?:[-*_] *){3,}$|!!!|\?\?\?)")
BLANKS = st.sampled_from([" ", "\t", "\xa0", "\u2003", "\x0b", "\x1f", "\x85", "\u3000"])


STARTS = st.sampled_from(["-", "=", "*", "_", "#", "1.", "1)", "+", ">", "|", "!!!", "???"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.one_of(STARTS, WORDS, MARKS, BLANKS), max_size=6).map("".join),
                min_size=1, max_size=4).map("\n".join))
@example("x\n---\xa0")
@example("==\u3000\ny")
@example("- - -\x85")
def test_one_search_of_a_paragraph_declines_wherever_a_search_of_each_line_did(
        paragraph: str) -> None:
    by_line = any(STRUCTURE_BY_LINE.match(line.rstrip())
                  for line in paragraph.split("\n") if line.strip())
    if by_line:
        assert _STRUCTURE_LINE.search(paragraph), paragraph


@pytest.mark.parametrize("text", ["- Jane met _x_ at Acme", "**Linked from** __x__",
                                  "Ask Jane &amp; Bo", "a \\* b", "see [it](https://x.org/)",
                                  "a <b>bold</b> word"])
def test_the_fast_path_is_never_wrong_about_underscores_entities_and_escapes(text: str) -> None:
    fast, slow = fast_or_markdown(text)
    assert fast is None or fast == slow


@pytest.mark.parametrize("text", ["**Linked from**\n\n- LINK · met at Acme (line 3)",
                                  "- LINK\n- LINK: *call* `now` about a_b"])
def test_the_usual_block_takes_the_fast_path(text: str) -> None:
    fast, slow = fast_or_markdown(text)
    assert fast is not None and fast == slow


def test_other_markdown_extensions_turn_the_fast_path_off() -> None:
    assert plain_markdown(EXTENSIONS)
    assert not plain_markdown([*EXTENSIONS, "attr_list"])
    assert not plain_markdown(["toc", "pymdownx.emoji"])
    assert not plain_markdown(["toc", "pymdownx.highlight"])


def test_a_stand_in_is_replaced_by_its_html_once_and_only_in_its_page() -> None:
    stand_ins = StandIns()
    token = stand_ins.in_content("people/index.md", "<table></table>")
    slot = stand_ins.in_output("a.md", "<p>block</p>")
    content = through_markdown(f"# People\n\n{token}\n")
    assert stand_ins.fill_content("other.md", content) == content
    assert stand_ins.fill_content("people/index.md", content) == (
        '<h1 id="people">People</h1>\n<table></table>')
    page = f"<main>{through_markdown(slot)}</main>"
    assert stand_ins.fill_output("a.md", page) == (
        '<main><div class="vault-block">\n<p>block</p>\n</div></main>')
    assert stand_ins.fill_output("a.md", page) == page  # used up


# Names and values as a vault holds them, with the marks Markdown might read.
TEXT = st.lists(st.one_of(WORDS, MARKS, st.sampled_from(["Ana", "Acme Co", " ", "  "])),
                min_size=1, max_size=5).map(" ".join)


def dashboard_html(make_page, fast: bool) -> str:
    """A dashboard page through Markdown, its lists and tables put in by `StandIns` (fast) or
    written as Markdown (not fast), as the plugin does."""
    stand_ins = StandIns()
    text = make_page((lambda html: stand_ins.in_content("p.md", html)) if fast else None)
    return stand_ins.fill_content("p.md", through_markdown(text))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(TEXT, st.booleans()), min_size=1, max_size=4))
def test_a_dashboard_list_written_as_html_is_what_markdown_makes_of_it(names) -> None:
    """All notes lists notes' own references: a link to the note's page or "a private
    note"."""
    from vault_tools.site.render.all_notes import all_notes_page
    from vault_tools.site.render.common import Linker
    from vault_tools.views.common import PRIVATE_TEXT, Ref

    refs = [Ref("ok", text, f"n{i}.md") if public else Ref("private", PRIVATE_TEXT)
            for i, (text, public) in enumerate(names)]
    linker = Linker("all-notes/", {f"n{i}.md": f"n{i}/" for i in range(len(refs))},
                    lambda path, heading: None)

    def page(raw):
        return all_notes_page([("folder", refs)], linker, raw)

    assert dashboard_html(page, True) == dashboard_html(page, False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, st.sampled_from(["ok", "broken", "ambiguous"])),
                min_size=1, max_size=3))
def test_a_dashboard_table_written_as_html_is_what_markdown_makes_of_it(rows) -> None:
    from vault_tools.site.render.common import Linker
    from vault_tools.site.render.people import people_page
    from vault_tools.views.common import Ref
    from vault_tools.views.people import PersonRow

    people = [PersonRow(Ref("ok", name, f"n{i}.md"), Ref(status, company), role or None, None,
                        None, None)  # type: ignore[arg-type]
              for i, (name, role, status) in enumerate(rows)
              for company in [name[::-1] or "x"]]
    linker = Linker("people/", {"n0.md": "n0/", "n1.md": "n1/"},
                    lambda path, heading: None)

    def page(raw):
        return people_page(people, linker, raw)

    assert dashboard_html(page, True) == dashboard_html(page, False)


def test_stand_ins_carried_over_from_another_process_fill_the_page_as_there() -> None:
    """A page's Markdown made by another plugin (another random part) is given this one's
    stand-ins, and its HTML fills the content as it did there; Markdown whose stand-ins do
    not match what waits for it is refused."""
    there, here = StandIns(), StandIns()
    source = "# People\n\n" + "\n\n".join(
        there.in_content("people/index.md", f"<ul><li>{n}</li></ul>") for n in range(12))
    waiting = there.content_of("people/index.md")
    content = source.replace("\n\n", "</p>\n<p>").replace("# People</p>", "<h1>People</h1>")
    expected = there.fill_content("people/index.md", content + "</p>")
    carried = here.carry_over("people/index.md", source, waiting, there.nonce)
    assert carried is not None and there.nonce not in carried and here.nonce in carried
    rendered = carried.replace("\n\n", "</p>\n<p>").replace("# People</p>", "<h1>People</h1>")
    assert here.fill_content("people/index.md", rendered + "</p>") == expected
    # One stand-in too many, or the wrong random part: nothing carried, nothing waits.
    assert here.carry_over("people/index.md", source + "\n\n" + source.split("\n\n")[1],
                           waiting, there.nonce) is None
    assert here.carry_over("people/index.md", source, waiting, "0" * 12) is None
    assert here.content_of("people/index.md") == {}
