"""The home page (`views.home_rows`, `home_dashboard`): what now? This week's
conversations with their briefs, the leads waiting, the latest insights and the counts; nothing
private in any of them; an empty vault reads well."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from vault_tools.followups import WEEK_DAYS
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.site.render.common import Linker
from vault_tools.site.render.home import WEEKDAYS, home_dashboard
from vault_tools.views.common import Ref, SiteView
from vault_tools.views.home import (
    HOME_INSIGHTS,
    HOME_LEADS,
    home_rows,
    planned_rows,
    progress,
    recent_insights,
    waiting_leads,
)

from .without_script import month_count, shown_rows

BUILT = dt.date(2026, 12, 2)
STARTER = Path(__file__).resolve().parent.parent / "vault_tools" / "starter"


def view_of(files: dict[str, str]) -> SiteView:
    return SiteView(VaultIndex(parse_note(path, text) for path, text in files.items()))


def contact(name: str, extra: str = "") -> str:
    return f"---\ntype: contact\n{extra}---\n\n# {name}\n"


def talk(day: str, who: str, status: str = "done", extra: str = "", body: str = "") -> str:
    return (f"---\ntype: interview\ndate: {day}\nwith: \"[[{who}]]\"\nstatus: {status}\n"
            f"{extra}---\n\n# {day} {who}\n\n{body}")


class _Links:
    """A linker whose every note has a page: `Linker` over the notes' paths."""

    @staticmethod
    def of(view: SiteView) -> Linker:
        urls = {path: path[:-3] + "/" for path in view.index.notes}
        urls.update({"leads/index.md": "leads/", "Follow-ups.md": "Follow-ups/"})
        return Linker("", urls, lambda path, heading: None)


def dashboard(view: SiteView, due: str = "") -> str:
    """The home dashboard, the same whatever the day the site is built."""
    pages = {"Leads": "leads/index.md", "Follow-ups": "Follow-ups.md"}
    return home_dashboard(home_rows(view), due, pages, _Links.of(view))


# A vault with a secret in every place the home page reads from: a private contact met in
# public and private conversations, a private conversation, a private career and company, a
# public conversation's insight linking a private note, and a private person's offer.
PRIVATE_VAULT = {
    "contacts/Jane Doe.md": contact("Jane Doe", "company: \"[[Acme]]\"\n"),
    "contacts/Zed Secret.md": contact("Zed Secret", "private: true\ncompany: \"[[Acme]]\"\n"
                                      "role: Hidden Role Words\n"),
    "contacts/Ola Public.md": contact("Ola Public"),
    "companies/Acme.md": "---\ntype: company\n---\n\n# Acme\n",
    "companies/Shadow Corp.md": "---\ntype: company\nprivate: true\n---\n\n# Shadow Corp\n",
    "careers/Data.md": "---\ntype: career\nstatus: exploring\n---\n\n# Data\n",
    "careers/Covert Path.md": "---\ntype: career\nprivate: true\nstatus: ruled-out\n---\n\n"
                              "# Covert Path\n",
    "interviews/2026-12-04 Jane Doe.md": talk(
        "2026-12-04", "Jane Doe", "planned", "company: \"[[Shadow Corp]]\"\n"
        "career: [\"[[Data]]\", \"[[Covert Path]]\"]\n"),
    "interviews/2026-11-20 Jane Doe.md": talk(
        "2026-11-20", "Jane Doe", extra="career: \"[[Data]]\"\nreferrals: [\"[[Ola Public]]\"]\n",
        body="## Advice\n\n- Ask [[Zed Secret]] about the plan.\n"
             "- Learn SQL well.\n\n## What I learned\n\n- Teams are small.\n"),
    "interviews/2026-11-25 A talk.md": talk(
        "2026-11-25", "Zed Secret", extra="referrals: [\"[[Mole Name]]\"]\n",
        body="## What I learned\n\n- Zed's confidential insight.\n").replace(
            "# 2026-11-25 Zed Secret", "# A talk"),
    "interviews/2026-11-26 Secret talk.md": talk(
        "2026-11-26", "Ola Public", extra="private: true\ncareer: \"[[Data]]\"\n",
        body="## What I learned\n\n- Words of a private conversation.\n"),
}
SECRETS = ("Zed Secret", "Hidden Role Words", "Shadow Corp", "Covert Path", "Mole Name",
           "confidential", "Secret talk", "Words of a private conversation")


def test_nothing_private_reaches_any_section_of_the_home_page() -> None:
    view = view_of(PRIVATE_VAULT)
    rows = home_rows(view)
    html = dashboard(view)
    for secret in SECRETS:
        assert secret not in html, secret
    # What is public is there: this week's conversation (its private company a private
    # note), the public conversation's insights, the public lead.
    assert [r.row.interview.text for r in rows.planned] == ["2026-12-04 Jane Doe"]
    assert rows.planned[0].row.company == Ref("private", "a private note")
    assert [r.text for r in rows.learned] == ["Ask a private note about the plan.",
                                              "Learn SQL well."]
    assert [lead.who.text for lead in rows.leads] == ["Ola Public"]
    # Counts: Jane met (Zed is private; Ola only in a private conversation), one public
    # career explored, the ruled-out one is private.
    assert (rows.progress.people_met, rows.progress.careers_explored,
            rows.progress.careers_ruled_out) == (1, 1, 0)
    # Every public done conversation's day: a reader's month counts those in it. A public
    # conversation with a private person counts (its date is on the Timeline); the private
    # conversation does not.
    assert rows.progress.done_dates == (dt.date(2026, 11, 20), dt.date(2026, 11, 25))
    assert progress(view) == rows.progress


def test_an_insight_linking_a_private_note_names_it_a_private_note() -> None:
    learned = recent_insights(view_of(PRIVATE_VAULT))
    texts = [row.text for row in learned]
    assert all("Zed" not in text for text in texts)
    assert "Ask a private note about the plan." in texts
    # No insight of the private conversation, nor of the one with a private person.
    assert all(row.interview.text == "2026-11-20 Jane Doe" for row in learned)


def test_every_dated_planned_conversation_is_listed_soonest_first_whatever_the_day() -> None:
    files = {"contacts/Jane Doe.md": contact("Jane Doe")}
    for day in ("2026-12-09", "2026-11-30", "2026-12-01", "2026-12-03", "2026-12-03",
                "2025-01-15"):
        name = f"interviews/{day} Jane Doe{len(files)}.md"
        files[name] = talk(day, "Jane Doe", "planned")
    files["interviews/2026-12-05 done.md"] = talk("2026-12-05", "Jane Doe")
    files["interviews/2026-12-06 cancelled.md"] = talk("2026-12-06", "Jane Doe", "cancelled")
    files["interviews/undated.md"] = ("---\ntype: interview\nwith: \"[[Jane Doe]]\"\n"
                                      "status: planned\n---\n")
    rows = planned_rows(view_of(files))
    # Past ones too (a reader's week shows none of them, whatever its day): which of them
    # shows is the reader's date's to say, so the page is the same on any day.
    assert [(str(r.row.date), r.row.interview.text) for r in rows] == [
        ("2025-01-15", "2025-01-15 Jane Doe6"), ("2026-11-30", "2026-11-30 Jane Doe2"),
        ("2026-12-01", "2026-12-01 Jane Doe3"), ("2026-12-03", "2026-12-03 Jane Doe4"),
        ("2026-12-03", "2026-12-03 Jane Doe5"), ("2026-12-09", "2026-12-09 Jane Doe1")]


def test_a_planned_conversation_carries_its_public_brief_and_the_page_folds_it() -> None:
    view = view_of(PRIVATE_VAULT)
    (row,) = planned_rows(view)
    text = "".join(p if isinstance(p, str) else f"<{p.text}>" for p in row.brief)
    assert "Last time" in text and "<2026-11-20 Jane Doe>" in text and "Learn SQL well." in text
    html = dashboard(view)
    brief = re.search(r'<details class="vault-home__brief">.*?</details>', html, re.S)
    assert brief is not None and " open" not in brief.group(0)[:40]  # folded
    assert 'href="interviews/2026-11-20 Jane Doe/"' in brief.group(0)


def test_without_the_script_the_page_shows_this_weeks_conversations_as_of_the_build() -> None:
    files = {"contacts/Jane Doe.md": contact("Jane Doe"),
             "interviews/soon.md": talk("2026-12-05", "Jane Doe", "planned"),
             "interviews/later.md": talk("2026-12-20", "Jane Doe", "planned")}
    html = dashboard(view_of(files))
    # Both are in the page (the script may show the later one later), the week's shown.
    (planned,) = shown_rows(html, BUILT)
    assert [row.split(" · ")[0] for row in planned] == ["Sat 5 Dec 2026"]
    assert [row.split(" · ")[0] for row in shown_rows(html, dt.date(2026, 12, 15))[0]] == [
        "Sun 20 Dec 2026"]
    assert "Planned for the next seven days, as of" in html


def test_one_home_page_shows_each_day_its_week_and_month_without_the_script() -> None:
    # No row depends on the day the site is built (`home_rows` takes none): a new day never
    # makes the page again. What each day shows without the script is that day's stylesheet's
    # (`today_css`): this week's conversations, and the month's count, 0 in a month without
    # any.
    files = {"contacts/Jane Doe.md": contact("Jane Doe"),
             "interviews/soon.md": talk("2026-12-05", "Jane Doe", "planned"),
             "interviews/past.md": talk("2026-11-20", "Jane Doe", "planned"),
             "interviews/done.md": talk("2026-12-01", "Jane Doe"),
             "interviews/older.md": talk("2026-10-07", "Jane Doe"),
             "interviews/oldest.md": talk("2026-10-09", "Jane Doe")}
    html = dashboard(view_of(files))
    for offset in range(-90, 120):
        day = BUILT + dt.timedelta(days=offset)
        week = {day + dt.timedelta(days=n) for n in range(WEEK_DAYS + 1)}  # today on
        expected = [f"{WEEKDAYS[d.weekday()]} {d.day} {d:%b %Y}"
                    for d in sorted(week & {dt.date(2026, 11, 20), dt.date(2026, 12, 5)})]
        assert [row.split(" · ")[0] for row in shown_rows(html, day)[0]] == expected, day
        assert month_count(html, day) == {(2026, 12): 1, (2026, 10): 2}.get(
            (day.year, day.month), 0), day


def test_leads_waiting_are_the_offered_not_asked_longest_waiting_first_top_n() -> None:
    files = {"contacts/Jane Doe.md": contact("Jane Doe"),
             "contacts/Asked One.md": contact("Asked One", "asked: 2026-11-01\n")}
    names = [f"Lead {n:02d}" for n in range(HOME_LEADS + 2)]
    for number, name in enumerate(names):
        day = f"2026-11-{number + 1:02d}"
        files[f"interviews/{day} talk.md"] = talk(
            day, "Jane Doe", extra=f"referrals: [\"[[{name}]]\", \"[[Asked One]]\"]\n")
    view = view_of(files)
    assert [row.who.text for row in waiting_leads(view)] == names
    rows = home_rows(view)
    assert [row.who.text for row in rows.leads] == names[:HOME_LEADS]
    assert rows.leads_waiting == len(names)
    assert "2 more, and every lead" in dashboard(view)


def test_recent_insights_are_the_newest_conversations_few_each() -> None:
    files = {"contacts/Jane Doe.md": contact("Jane Doe")}
    for month in range(1, 8):
        day = f"2026-{month:02d}-10"
        files[f"interviews/{day} Jane.md"] = talk(
            day, "Jane Doe", body=f"## What I learned\n\n- First of {month}.\n"
                                  f"- Second of {month}.\n- Third of {month}.\n")
    learned = recent_insights(view_of(files))
    assert len(learned) == HOME_INSIGHTS
    assert [row.text for row in learned] == [
        "First of 7.", "Second of 7.", "First of 6.", "Second of 6.", "First of 5."]


def test_a_huge_insight_is_cut_and_html_in_it_is_text() -> None:
    files = {"contacts/Jane Doe.md": contact("Jane Doe"),
             "interviews/t.md": talk("2026-11-10", "Jane Doe",
                                     body="## Advice\n\n- <script>alert(1)</script> "
                                          + "word " * 5000 + "\n")}
    view = view_of(files)
    (row,) = recent_insights(view)
    assert len(row.text) <= 200 and row.text.endswith("…")
    html = dashboard(view)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_counts_are_the_public_done_conversations_people_and_careers() -> None:
    files = {
        "contacts/Jane Doe.md": contact("Jane Doe"), "contacts/Li Na.md": contact("Li Na"),
        "careers/Data.md": "---\ntype: career\nstatus: exploring\n---\n",
        "careers/Law.md": "---\ntype: career\nstatus: ruled-out\n---\n",
        "careers/Art.md": "---\ntype: career\nstatus: exploring\n---\n",
        "interviews/a.md": talk("2026-12-01", "Jane Doe", extra="career: \"[[Data]]\"\n"),
        "interviews/b.md": talk("2026-11-30", "Jane Doe", extra="career: \"[[Law]]\"\n"),
        "interviews/c.md": talk("2026-10-01", "Li Na"),
        "interviews/d.md": talk("2026-12-02", "Li Na", "planned", "career: \"[[Art]]\"\n"),
        "interviews/e.md": talk("2026-12-02", "Nobody Yet"),  # no note: nobody met
    }
    counts = progress(view_of(files))
    assert counts.done_dates == (dt.date(2026, 10, 1), dt.date(2026, 11, 30),
                                 dt.date(2026, 12, 1), dt.date(2026, 12, 2))
    assert (counts.people_met, counts.careers_explored, counts.careers_ruled_out) == (2, 2, 1)
    html = dashboard(view_of(files))
    assert 'data-dates="2026-10-01 2026-11-30 2026-12-01 2026-12-02"' in html
    # Without the script, the count is the build's month's (a reader on the 1st may still
    # be on the last day of the month before: the script counts it for them).
    assert month_count(html, BUILT) == 2
    assert month_count(html, dt.date(2026, 12, 1)) == 2
    assert month_count(html, dt.date(2026, 11, 30)) == 1
    assert month_count(html, dt.date(2026, 9, 30)) == 0
    assert month_count(html, dt.date(2027, 1, 1)) == 0


def test_an_empty_vault_reads_well() -> None:
    text = (STARTER / "index.md").read_text(encoding="utf-8")
    view = view_of({"index.md": text})
    rows = home_rows(view)
    assert (rows.planned, rows.leads, rows.learned) == ((), (), ())
    html = dashboard(view)
    assert "Nothing planned for the next seven days" in html
    assert "No introduction waiting" in html and "Nothing learned yet" in html
    assert "\n\n" not in html  # one raw HTML block in Markdown


def test_the_dashboard_goes_after_the_home_notes_title() -> None:
    from vault_tools.site.note_page import _after_title

    assert _after_title("\n# My vault\n\nHello.\n", "BLOCK") == \
        "\n# My vault\n\nBLOCK\n\n\nHello.\n"
    assert _after_title("Hello.\n\n# Later title\n", "BLOCK") == \
        "BLOCK\n\nHello.\n\n# Later title\n"
    assert _after_title("", "BLOCK") == "BLOCK\n\n"


def test_every_planned_conversation_carries_its_brief_whatever_its_date() -> None:
    # A site read weeks after it was built shows that week's conversations with their briefs.
    files = dict(PRIVATE_VAULT)
    files["interviews/2027-03-01 Jane Doe.md"] = talk("2027-03-01", "Jane Doe", "planned")
    rows = home_rows(view_of(files)).planned
    assert [(str(r.row.date), bool(r.brief)) for r in rows] == [
        ("2026-12-04", True), ("2027-03-01", True)]
    html = dashboard(view_of(files))
    assert html.count('<details class="vault-home__brief">') == 2
