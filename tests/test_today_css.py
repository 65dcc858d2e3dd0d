"""The stylesheet of the day (`render.today_css`): what a reader without the site's script sees
of the follow-ups lists is the follow-ups as of the build's day, as `vault-tools followups`
groups them, while the lists themselves are the same on any day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.followups import GROUPS, FollowUp, Timed, group_of
from vault_tools.site.build import build_site
from vault_tools.site.render.common import Linker
from vault_tools.site.render.followups import followups_dashboard
from vault_tools.site.render.today_css import dates_after, dates_before, today_css
from vault_tools.vault import find_vault

from .conftest import write_vault
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


def test_a_list_with_rows_hides_its_nothing_line_in_the_page_itself() -> None:
    # Read without the day's stylesheet (a text browser), a list shows its rows by due date
    # and not "Nothing to follow up." under them; the stylesheet shows that line when no row
    # shows that day.
    linker = Linker("", {}, lambda path, heading: None)
    item = Timed(FollowUp("task", dt.date(2026, 12, 1), "Call Ana", "a.md", None))
    with_rows = followups_dashboard([item], linker, lambda p: p, lambda f: [f.title])
    empty = followups_dashboard([], linker, lambda p: p, lambda f: [f.title])
    assert '<p class="vault-followups__none" hidden>Nothing to follow up.</p>' in with_rows
    assert '<p class="vault-followups__none">Nothing to follow up.</p>' in empty
    assert "as of the day this site was built" in with_rows


@pytest.mark.slow  # a real site build
def test_a_private_daily_note_dated_this_week_does_not_fail_the_build(tmp_path: Path) -> None:
    # The day's stylesheet holds the dates of the week around the build; a private daily note
    # is named by its date. The stylesheet is made of the day alone, so it is not scanned for
    # the notes' words (a build failed on "today.css: contains name '2026-12-11'").
    root = write_vault(tmp_path / "vault", {
        "journal/2026-12-11.md": "---\nprivate: true\n---\n\nA private day.\n",
        "contacts/Ana Lima.md": "---\ntype: contact\n---\n\n# Ana Lima\n\n- [ ] call her\n",
    })
    (root / "mkdocs.yml").write_text("site_name: Days\ndocs_dir: notes\ntheme:\n  name: material\n"
                                     "plugins:\n  - search\n  - vault\n", encoding="utf-8")
    site = build_site(find_vault(root), today=dt.date(2026, 12, 5))
    assert "2026-12-11" in (site / "assets" / "vault" / "today.css").read_text(encoding="utf-8")
    # The rest of the site is scanned as before: the private note's words are nowhere.
    assert not any("A private day" in path.read_text(encoding="utf-8", errors="replace")
                   for path in site.rglob("*.html"))
