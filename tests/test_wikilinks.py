"""Link syntax in and out (wikilinks.py): what is written reads back as what was meant."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.parse import parse_note
from vault_tools.wikilinks import (
    WIKILINK_RE,
    closes_front_matter,
    link_parts,
    opens_front_matter,
    wikilink,
)

# Names a link can carry: no brackets, "#", "|", "\\" or line breaks (link_problem's rules).
_NAME = st.text(st.characters(blacklist_characters="[]#|\\^\n\r", blacklist_categories=("Cs",)),
                min_size=1, max_size=20).map(str.strip).filter(bool)


@settings(max_examples=200, deadline=None)
@given(target=_NAME, heading=st.none() | _NAME)
def test_a_written_wikilink_reads_back_as_its_target_and_heading(target, heading) -> None:
    written = wikilink(target, heading)
    match = WIKILINK_RE.fullmatch(written)
    assert match is not None
    expected = target[:-3] if target[-3:].lower() == ".md" else target
    assert link_parts(match.group(1)) == ((expected, heading, None) if expected else None)


def test_an_embed_is_written_with_its_bang_and_parsed_as_an_embed() -> None:
    assert wikilink("photo.png", embed=True) == "![[photo.png]]"
    text = f"See {wikilink('photo.png', embed=True)} and {wikilink('A', 'B')}.\n"
    note = parse_note("n.md", text)
    assert [(link.target, link.heading, link.embed) for link in note.links] == [
        ("photo.png", None, True), ("A", "B", False)]


def test_the_front_matter_fence_opens_with_dashes_and_closes_with_dashes_or_dots() -> None:
    assert opens_front_matter("---") and opens_front_matter("---  ")
    assert not opens_front_matter("...") and not opens_front_matter("----")
    assert closes_front_matter("---") and closes_front_matter("...\r")
    note = parse_note("n.md", "---\ntitle: T\n...\nbody\n")
    assert note.title == "T" and note.body_line == 4
