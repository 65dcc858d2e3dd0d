"""The stylesheet of the day (`render.today_css`): what a reader without the site's script sees
of the follow-ups lists is the follow-ups as of the build's day, as `vault-tools followups`
groups them, while the lists themselves are the same on any day."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.followups import GROUPS, FollowUp, Timed, group_of
from vault_tools.site.render.common import Linker
from vault_tools.site.render.followups import followups_dashboard
from vault_tools.site.render.today_css import dates_after, dates_before, today_css

from .without_script import shown_rows

DAYS = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
BUILD_DAYS = st.dates(dt.date(1000, 1, 1), dt.date(9000, 12, 31))  # what `--today` takes
NEAR = st.dates(dt.date(2026, 11, 1), dt.date(2027, 2, 28))  # days and dues that meet often


@settings(max_examples=2000)
@given(day=DAYS, other=DAYS)
def test_a_date_is_before_or_after_the_day_exactly_when_it_starts_with_a_prefix_of_it(
        day: dt.date, other: dt.date) -> None:
    iso = other.isoformat()
    assert any(iso.startswith(p) for p in dates_before(day)) == (other < day)
    assert any(iso.startswith(p) for p in dates_after(day)) == (other > day)


_TIMED = st.builds(
    lambda due, start, end, n: Timed(FollowUp("task", due, f"Item {n}", f"n{n}.md", None),
                                     start, end),
    st.one_of(st.none(), NEAR), st.one_of(st.none(), NEAR), st.one_of(st.none(), NEAR),
    st.integers(0, 10_000))


@settings(max_examples=300)
@given(items=st.lists(_TIMED, max_size=12, unique_by=lambda t: t.followup.title), day=NEAR,
       keys=st.sets(st.sampled_from([key for key, _ in GROUPS]), min_size=1))
def test_without_the_script_a_list_shows_the_followups_of_its_groups_as_of_the_day(
        items: list[Timed], day: dt.date, keys: set[str]) -> None:
    groups = [key for key, _ in GROUPS if key in keys]
    html = followups_dashboard(items, Linker("", {}, lambda path, heading: None),
                               lambda path: path, lambda followup: [followup.title], groups)
    (shown,) = shown_rows(html, day)
    expected = [t.followup.title for t in items
                if t.shown_on(day) and group_of(t.followup.due, day) in keys]
    assert [row.split(" · ")[1] for row in shown] == expected


@given(day=BUILD_DAYS)
def test_the_stylesheet_names_the_day_and_holds_nothing_but_dates(day: dt.date) -> None:
    css = today_css(day)
    assert f"{day.day} " in css and str(day.year) in css
    # Only the classes, attributes and dates of the lists: no text of any note.
    words = {w for w in css.replace("-", " ").replace("_", " ").split() if w.isalpha()}
    assert words <= {"vault", "followups", "day", "before", "content", "not", "data", "today",
                     "all", "li", "is", "from", "until", "display", "none", "summary", "asof",
                     "groups", "has", "block", "home", "month", "in",
                     "the", "follow", "ups", "as", "of", "this", "site",
                     "was", "built", "for", "a", "reader", "without", "its", "script", "due",
                     "overdue", "week", "later", "undated", "tools", "Jan", "Feb", "Mar",
                     "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}, words
