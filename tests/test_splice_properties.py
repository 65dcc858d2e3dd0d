"""The promise of §6, as properties: splicing never changes a byte outside a block, and
splicing twice equals splicing once."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
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
