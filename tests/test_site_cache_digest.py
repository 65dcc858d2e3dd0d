"""The site cache's digest of page inputs (`site_cache.digest`): equal for what renders the same
in two processes, never equal for inputs that stand for "render me again"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_tools.site.fast_html import StandIns
from vault_tools.site.site_cache import Unencodable, digest

texts = st.text(max_size=40)


@given(texts, texts)
def test_inputs_differing_only_by_the_stand_ins_random_part_have_one_digest(
        before: str, after: str) -> None:
    # Two processes: each plugin's stand-ins have their own random part.
    first, second = StandIns(), StandIns()
    one = ("generated", f"{before}{first.in_content('p.md', '<ul></ul>')}{after}")
    two = ("generated", f"{before}{second.in_content('p.md', '<ul></ul>')}{after}")
    assert digest(one, first._nonce) == digest(two, second._nonce)
    assert digest(one) != digest(two)  # (without the random part named, they differ)


@given(texts, texts)
def test_other_differences_still_make_another_digest(text: str, other: str) -> None:
    stand_ins = StandIns()
    token = stand_ins.in_content("p.md", "<ul></ul>")
    same = digest(("generated", text + token), stand_ins._nonce)
    assert (same == digest(("generated", other + token), stand_ins._nonce)) == (text == other)


def test_inputs_equal_to_nothing_have_no_digest() -> None:
    # A page whose embeds were not rendered in this process: rendered again, never kept.
    with pytest.raises(Unencodable):
        digest(("text", ((object(),),)))


@given(st.lists(st.text(min_size=2, max_size=40), min_size=1, max_size=6))
def test_equal_inputs_have_one_digest_whichever_of_their_parts_are_one_object(
        words: list[str]) -> None:
    # A build keeps each page's inputs by digest, and compares the inputs made anew after a
    # save with them: made anew, a page's links share fewer strings than the ones it kept.
    shared = tuple((word, word) for word in words)
    copied = tuple((word, "".join(list(word))) for word in words)
    assert copied == shared
    assert digest(copied) == digest(shared)
    assert digest((shared, shared)) == digest((shared, copied))
