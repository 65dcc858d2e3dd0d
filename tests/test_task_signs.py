"""`label_signs`' short way for a page with only date signs gives exactly what the walk over
every tag gives, on any HTML (a date inside an attribute value or a tag kept as written, one in
text labelled), or leaves the page to the walk."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from vault_tools.site import task_signs

_PIECES = [
    "📅", "⏳", "🛫", "✅", "➕", "❌", "\ufe0f", " ", "\t", "2026-12-05", "2026-1-5", "-", "x",
    "é", "<", ">", "<p>", "</p>", '<a title="', '">', "<a href='x'>", "</a>", "<br/>",
    '<li class="task-list-item">', "</li>", "<li>", "<span>", "</span>", "<!-- ", " -->",
    "<code>", "</code>", "<PRE>", "</pre>", "<codex>", "⏫", "🔼", "🔁", "a", "\n", "=",
]
# Short pages: each of the few pieces that matter (a "<" never closed, a ">" alone, a sign
# right after a tag) comes up often.
_HTML = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=12),
    # Tags and dates only: where a date stands relative to "<" and ">" is all that matters.
    st.lists(st.sampled_from(["<", ">", "<p>", "📅 2026-12-05", "⏳2026-12-05", " ", "x"]),
             max_size=10),
).map("".join)


@settings(max_examples=3000)
@given(_HTML)
@example("<📅 2026-12-05")  # a "<" never closed is text: its date is labelled
@example("a > 📅 2026-12-05 <b")
@example('<a title="x"> 📅 2026-12-05 <b title="📅 2026-12-05">')
@example("<p>📅 2026-12-05 📅 2026-12-05<p>")  # the second date: after the same tag
@example('<a title="📅 2026-12-05 📅 2026-12-05">')
def test_the_short_way_labels_what_the_walk_labels(html: str) -> None:
    assert task_signs.label_signs(html) == task_signs._label_by_walk(html)


@settings(max_examples=1000)
@given(st.lists(st.sampled_from([p for p in _PIECES
                                 if p not in ("<!-- ", " -->", "<code>", "</code>", "<PRE>",
                                              "</pre>", "<codex>", "⏫", "🔼", "🔁")]),
                max_size=12).map("".join))
def test_pages_with_only_date_signs_take_the_short_way_and_match_the_walk(html: str) -> None:
    assert task_signs.dates_only(html)
    assert task_signs._label_dates_outside_tags(html) == task_signs._label_by_walk(html)


def test_a_date_in_an_attribute_stays_and_one_in_text_is_labelled() -> None:
    html = '<a title="📅 2026-12-05">call 📅 2026-12-05</a>'
    assert task_signs.label_signs(html) == (
        '<a title="📅 2026-12-05">call <span class="vault-task-sign vault-task-sign--due">'
        "due 2026-12-05</span></a>")
