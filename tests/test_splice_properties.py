"""The promise of §6, as properties: splicing never changes a byte outside a block, and
splicing twice equals splicing once."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vault_tools.parse import parse_note
from vault_tools.splice import BlockError, splice_blocks

LINES = [
    "plain text", "", "---", "```", "~~~", "    indented", "- [ ] a task 📅 2026-11-20",
    "<!-- vault-tools:related -->", "<!-- /vault-tools:related -->",
    "<!-- vault-tools:followups -->", "<!-- /vault-tools:followups -->",
    "  <!-- vault-tools:related -->  ", "[[Jane Doe]] said hi", "# Heading", "<!-- comment",
    "-->", "title: x", "café ☕", "\t", "<<<<<<< HEAD", "=======",
]

texts = st.builds(
    lambda bom, lines, newline, final: ("\ufeff" if bom else "")
    + newline.join(lines) + (newline if final and lines else ""),
    st.booleans(), st.lists(st.sampled_from(LINES), max_size=14),
    st.sampled_from(["\n", "\r\n"]), st.booleans(),
)
content = st.text(
    alphabet=st.characters(blacklist_characters="\r", blacklist_categories=("Cs",)), max_size=60
)
contents = st.dictionaries(st.sampled_from(["related", "followups"]), content, max_size=2)


def outside_blocks(path: str, text: str) -> str:
    """The text with every block's content cut out (markers kept)."""
    note = parse_note(path, text)
    for block in sorted(note.blocks, key=lambda b: b.start, reverse=True):
        text = text[: block.start] + text[block.end:]
    return text


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, contents)
def test_bytes_outside_blocks_never_change(text: str, wanted: dict[str, str]) -> None:
    try:
        new = splice_blocks("a.md", text, wanted)
    except BlockError:
        return  # bad markers, conflicts or forged markers: the note is left alone
    kept, now = outside_blocks("a.md", text), outside_blocks("a.md", new)
    # What the user wrote stays, byte for byte; anything after it is appended blocks, whose
    # content was cut out above, so only their marker lines (and separators) remain.
    assert now.startswith(kept)
    for line in now[len(kept):].splitlines():
        assert line == "" or line.startswith(("<!-- vault-tools:", "<!-- /vault-tools:"))


@pytest.mark.slow
@settings(max_examples=3000, deadline=None)
@given(texts, contents)
def test_splicing_twice_equals_splicing_once(text: str, wanted: dict[str, str]) -> None:
    try:
        once = splice_blocks("a.md", text, wanted)
    except BlockError:
        return
    assert splice_blocks("a.md", once, wanted) == once


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(texts, contents)
def test_spliced_content_is_in_the_notes_newline_style(text: str, wanted: dict[str, str]) -> None:
    try:
        new = splice_blocks("a.md", text, wanted)
    except BlockError:
        return
    if "\r\n" in text and "\n" not in text.replace("\r\n", ""):
        assert "\n" not in new.replace("\r\n", "")


def test_a_marker_inside_a_code_fence_is_not_a_marker() -> None:
    text = "```\n<!-- vault-tools:related -->\n```\n"
    new = splice_blocks("a.md", text, {"related": "- [[B]]"})
    assert new == text + "\n<!-- vault-tools:related -->\n- [[B]]\n<!-- /vault-tools:related -->\n"


def test_forged_markers_in_content_are_refused() -> None:
    try:
        splice_blocks("a.md", "x\n", {"related": "a\n<!-- /vault-tools:related -->\nb"})
    except BlockError as exc:
        assert "marker" in str(exc)
    else:
        raise AssertionError("content with a marker line was spliced")


@given(st.text(), st.sampled_from(["\n", "\r\n", "\r"]))
def test_content_in_the_notes_newline_style_is_every_line_joined_by_it(content: str,
                                                                       newline: str) -> None:
    from vault_tools.splice import _with_newlines

    assert _with_newlines(content, newline) == (
        newline.join(content.split("\n")) + newline if content else "")


# --- an appended block is found again, or the note refused (checked without every line) -------

FM_OR_NOT = ["---", "title: x", "...", "plain text", "```", "%%", "<!-- open", "-->", "<pre>",
             "", "<!-- vault-tools:related -->", "<!-- /vault-tools:related -->"]
CONTENT_LINES = ["a line with [[Jane Doe]]", "", "---", "...", "```", "~~~", "%%", "<!--",
                 "-->", "x vault-tools: %%", "vault-tools: y", "<pre>", "</pre>", "    code",
                 "- [ ] task", "%% vault-tools: z", "# heading"]
hostile_texts = st.builds(
    lambda lines, newline, final: newline.join(lines) + (newline if final and lines else ""),
    st.lists(st.sampled_from(FM_OR_NOT), max_size=8), st.sampled_from(["\n", "\r\n"]),
    st.booleans())
hostile_content = st.lists(st.sampled_from(CONTENT_LINES), max_size=6).map("\n".join)


@settings(max_examples=1500, deadline=None)
@given(hostile_texts, st.dictionaries(st.sampled_from(["related", "followups"]),
                                      hostile_content, max_size=2))
# A block's new content holding "vault-tools:" and a `%%`: read inside the block, the `%%`
# opened a comment that hid the block's end marker (found by this test's random search).
@example("<!-- vault-tools:related -->\n<!-- /vault-tools:related -->",
         {"related": "x vault-tools: %%"})
@example("<!-- vault-tools:related -->\n<!-- /vault-tools:related -->",
         {"related": "%% vault-tools: z", "followups": ""})
def test_every_block_is_found_again_or_the_note_refused(
        text: str, wanted: dict[str, str]) -> None:
    """The splice checks its appended blocks on the note cut down to what the parser reads
    inside a block (`read_in_block`): the same verdict as parsing the whole new note. And a
    note it writes has every block it was given, as the parser finds them."""
    from vault_tools.splice import _assemble

    note = parse_note("a.md", text)
    try:
        new = splice_blocks("a.md", text, wanted)
    except BlockError as exc:
        if "cannot add" not in str(exc):
            return  # bad markers or forged ones: refused before anything is appended
        # Refused: the whole note, as it would have been written, loses a block it was given.
        appended = [name for name in wanted if note.block(name) is None]
        kept = {name: c for name, c in wanted.items() if name not in appended}
        edited = splice_blocks("a.md", text, kept) if kept else text
        whole = _assemble(edited, [], appended, wanted, parse_note("a.md", edited).newline)
        assert any(parse_note("a.md", whole).block(name) is None for name in appended)
        return
    found = parse_note("a.md", new)
    for name in wanted:
        assert found.block(name) is not None


def huge(lines: int = 63_000) -> str:
    return "\n".join(f"- 2026-01-{i % 28 + 1:02d} · Call [[Person {i}]] about the offer #{i}"
                     for i in range(lines))


def test_a_huge_block_is_appended_and_found_again() -> None:
    content = huge()
    text = "# Follow-ups\n\n<!-- vault-tools:followups -->\n<!-- /vault-tools:followups -->\n"
    new = splice_blocks("Follow-ups.md", text, {"followups": content, "related": "- [[A]]"})
    note = parse_note("Follow-ups.md", new)
    followups, related = note.block("followups"), note.block("related")
    assert followups is not None and related is not None
    assert new[followups.start:followups.end] == content + "\n"
    assert new[related.start:related.end] == "- [[A]]\n"


@pytest.mark.parametrize("text, extra", [
    ("# Notes\n\n```python\nprint(1)\n", ""),           # ends inside a code fence
    ("# Notes\n\n%% a comment never closed\n", ""),     # inside a %% comment
    ("# Notes\n\n<!-- a comment never closed\n", ""),   # inside an HTML comment
    ("---\ntitle: x\n", "\n---"),                        # a front matter the block would close
    ("# Notes\n", "\nsay vault-tools: %%"),              # content opening a %% comment
])
def test_a_huge_block_that_would_be_swallowed_is_refused(text: str, extra: str) -> None:
    with pytest.raises(BlockError, match="cannot add"):
        splice_blocks("a.md", text, {"related": huge(5_000) + extra})


def test_splicing_a_huge_block_holds_about_one_copy_of_the_note() -> None:
    """The new note is one join of its parts, and the check parses the note without the
    block's lines: a dashboard's 11 MB block cost ~45 MB more for a moment before (a copy for
    the block, one for the note, one in the parse, a list of every line)."""
    import sys
    import tracemalloc

    content = huge()
    text = "# Follow-ups\n\n<!-- vault-tools:followups -->\n<!-- /vault-tools:followups -->\n"
    tracemalloc.start()
    try:
        new = splice_blocks("Follow-ups.md", text, {"followups": content, "related": "- [[A]]"})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = sys.getsizeof(new)
    assert len(new) > len(content) > 3_000_000
    assert peak < 1.5 * size, f"{peak / size:.1f} copies of the note held at once"


# --- the appended blocks known to be found without parsing the new note (`_found_unparsed`) ----

# Every construct that runs on to a later line, its openers and closers, in every newline style
# (a line's ending chosen on its own, so CRLF, lone CR and LF mix), with or without a BOM.
RUN_ON_LINES = [
    "", " ", "plain text", "---", "--- ", "...", "title: x", "```", "```py", "````", "~~~",
    "  ```", "``` a ` b", "%%", "a %% b", "%% x %%", "%%%", "<!-- open", "-->", "<!-- x -->",
    "a <!-- b", "<pre>", "</pre>", "<script>", "<PRE x>", "<textarea>", "    indented", "\t",
    "- item", "# Heading", "<!-- vault-tools:related -->", "<!-- /vault-tools:related -->",
    "<!-- vault-tools:followups -->", "<!-- /vault-tools:followups -->", "x vault-tools: %%",
    "<<<<<<< HEAD", "=======", ">>>>>>> b", "[[Jane Doe]]", "\ufeff", "\x0c", "\u2028",
]
any_line = st.one_of(st.sampled_from(RUN_ON_LINES),
                     st.text(alphabet="`~%<!->/ -#\tx\u2028\x85", max_size=8))
run_on_texts = st.builds(
    lambda bom, lines, ends, final: ("\ufeff" if bom else "") + "".join(
        line + ends[i % len(ends)] for i, line in enumerate(lines))[
            :None if final or not lines else -len(ends[(len(lines) - 1) % len(ends)])],
    st.booleans(), st.lists(any_line, max_size=10),
    st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=3), st.booleans())
run_on_contents = st.dictionaries(
    st.sampled_from(["prep", "related", "followups"]),
    st.one_of(hostile_content, st.text(alphabet="`~%<!->/ -#\nx", max_size=20)), max_size=3)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(run_on_texts, run_on_contents)
def test_blocks_known_found_unparsed_are_found_by_the_parser(
        text: str, wanted: dict[str, str]) -> None:
    """Whenever the splice skips parsing the new note (`_found_unparsed`), parsing the whole
    new note finds every appended block: the fast answer is the parser's."""
    from vault_tools.splice import _assemble, _found_unparsed

    note = parse_note("a.md", text)
    if any(d.code in ("bad-block", "conflict-markers") for d in note.diagnostics):
        return  # refused before anything is appended
    appended = [name for name in wanted if note.block(name) is None]
    if not appended or not _found_unparsed(note, [], appended, wanted):
        return
    new = _assemble(text, [], appended, wanted, note.newline)
    found = parse_note("a.md", new)
    assert all(found.block(name) is not None for name in appended)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(run_on_texts, run_on_contents)
def test_splicing_from_a_given_parse_equals_the_full_check(
        text: str, wanted: dict[str, str]) -> None:
    """The splice given the note's parse, with the check skipped where it may be, writes the
    same bytes and refuses the same notes as the splice parsing everything itself."""
    from unittest import mock

    def outcome(note=None) -> str:
        try:
            return splice_blocks("a.md", text, wanted, note)
        except BlockError as exc:
            return f"refused: {exc}"

    with mock.patch("vault_tools.splice._found_unparsed", return_value=False):
        plain = outcome()
    assert outcome() == plain
    assert outcome(parse_note("a.md", text)) == plain
    assert outcome(parse_note("a.md", text, contexts=False)) == plain


@pytest.mark.parametrize("text", [
    "# Notes\n\n```python\nprint(1)\n",            # a code fence
    "# Notes\n\n%% a comment never closed\n",      # a %% comment
    "# Notes\n\n<!-- a comment never closed\n",    # an HTML comment
    "# Notes\n\n<pre>\ncode\n",                     # a raw HTML block
    "---\ntitle: x\n",                              # a front matter never closed
    "\ufeff---\r\ntitle: x\r\n",                    # the same after a BOM, in CRLF
    "# Notes\n\n```\ncode\r",                       # a fence, the last line ending in a CR
])
def test_a_note_ending_inside_something_open_is_not_ended_plain(text: str) -> None:
    assert not parse_note("a.md", text).ends_plain


@pytest.mark.parametrize("text", [
    "", "\ufeff", "# Notes\n", "---\ntitle: x\n---", "a\r\nb", "```\ncode\n```\n",
    "%% closed %%\n", "<!-- closed -->", "<pre>\n</pre>\n",
])
def test_a_note_ending_with_nothing_open_is_ended_plain(text: str) -> None:
    assert parse_note("a.md", text).ends_plain
