"""Deciding between career paths (DESIGN §13): scores against weighted criteria, open questions,
the `explore-or-drop` follow-up, interest over time, the Careers page and the `careers`
command."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vault_tools import careers
from vault_tools.careers_report import careers_data, format_careers
from vault_tools.cli import main
from vault_tools.followups import open_followups
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.schema import EXPLORE_OR_DROP
from vault_tools.settings import Settings, SettingsError, settings_from_options
from vault_tools.site.chart import interest_chart
from vault_tools.site.render.careers import careers_page
from vault_tools.views.careers import careers_board
from vault_tools.views.common import SiteView

CRITERIA = (("values", 3), ("growth", 2), ("pay", 2), ("lifestyle", 1))


def index_of(files: dict[str, str], **settings) -> VaultIndex:
    return VaultIndex((parse_note(p, t) for p, t in files.items()),
                      settings=Settings(**settings))


def career(status: str = "exploring", extra: str = "", body: str = "") -> str:
    return f"---\ntype: career\nstatus: {status}\n{extra}---\n\n# Path\n{body}"


def talk(day: str, who: str = "Ann Lee", path: str = "Data", interest: int | None = None,
         status: str = "done", private: bool = False, company: str | None = None) -> str:
    lines = ["---", "type: interview", f"date: {day}", f'with: "[[{who}]]"',
             f'career: "[[{path}]]"', f"status: {status}"]
    if interest is not None:
        lines.append(f"interest: {interest}")
    if private:
        lines.append("private: true")
    if company:
        lines.append(f'company: "[[{company}]]"')
    return "\n".join([*lines, "---", "", f"# {day} with {who}", ""])


def diags(note_text: str, path: str = "careers/Data.md") -> list[tuple[int | None, str, str]]:
    note = parse_note(path, note_text)
    return [(d.line, d.severity, d.message) for d in note.diagnostics]


# --- scores and criteria -------------------------------------------------------------------------


def test_weighted_score_is_over_the_scored_criteria_only_and_names_the_rest() -> None:
    index = index_of({"careers/Data.md": career(extra="score_values: 5\nscore_pay: 2\n")},
                     criteria=CRITERIA)
    score = careers.weighted_score(careers.career_fields(index.notes["careers/Data.md"]),
                                   index.settings)
    assert score.value == pytest.approx((3 * 5 + 2 * 2) / (3 + 2))
    assert score.scored == (("values", 5), ("pay", 2))
    assert score.unscored == ("growth", "lifestyle")


def test_no_criteria_configured_means_no_score_and_no_score_column() -> None:
    files = {"careers/Data.md": career(extra="score_values: 5\n")}
    index = index_of(files)
    row = careers.comparisons(index)[0]
    assert row.score.value is None and row.score.unscored == ()
    page = careers_page(careers_board(SiteView(index)), _Linker())
    assert "| Score" not in page and "Score:" not in page
    # …and a score with nowhere to count is a warning that says where criteria go.
    (warning,) = careers.score_diagnostics(index, index.notes["careers/Data.md"])
    assert warning.line == 4 and warning.severity == "warning"
    assert "no criteria are set" in warning.message and "mkdocs.yml" in warning.message


def test_an_unscored_career_has_no_score_rather_than_zero() -> None:
    index = index_of({"careers/Data.md": career()}, criteria=CRITERIA)
    row = careers.comparisons(index)[0]
    assert row.score.value is None
    assert row.score.unscored == ("values", "growth", "pay", "lifestyle")


@pytest.mark.parametrize("bad", ["0", "6", "-1", "'4'", "four", "true", "3.5", "[4]", "{a: 1}"])
def test_a_bad_score_is_a_bad_value_warning_on_its_line_and_counts_nowhere(bad: str) -> None:
    text = career(extra=f"score_values: 4\nscore_growth: {bad}\n")
    assert diags(text) == [(5, "warning", f"score_growth: {_shown(bad)} is not a score; write a "
                                          "whole number from 1 to 5, e.g. score_growth: 4")]
    index = index_of({"careers/Data.md": text}, criteria=CRITERIA)
    assert careers.comparisons(index)[0].score.scored == (("values", 4),)


def _shown(bad: str) -> str:
    import yaml

    return repr(yaml.safe_load(bad))


def test_a_blank_score_is_not_scored_and_not_a_warning() -> None:
    assert diags(career(extra="score_values:\n")) == []


def test_a_score_for_an_unknown_criterion_warns_and_suggests_the_close_one() -> None:
    index = index_of({"careers/Data.md": career(extra="score_grwoth: 4\nscore_values: 2\n")},
                     criteria=CRITERIA)
    found = index.diagnostics()
    (warning,) = [d for d in found if d.path == "careers/Data.md"]
    assert warning.line == 4 and warning.code == "bad-value"
    assert "did you mean score_growth?" in warning.message
    assert "values, growth, pay, lifestyle" in warning.message


def test_ruled_out_without_the_status_warns_suggesting_it() -> None:
    (found,) = diags(career(status="exploring", extra="ruled_out: 2026-10-01\n"))
    assert found[0] == 4 and found[1] == "warning"
    assert "write `status: ruled-out`" in found[2]
    # The status alone is enough; a date and a reason make it better, but are not required.
    assert diags(career(status="ruled-out")) == []
    assert diags(career(status="ruled-out", extra="ruled_out: 2026-10-01\nreason: pay\n")) == []


@given(st.one_of(st.none(), st.integers(), st.booleans(), st.text(max_size=6),
                 st.dictionaries(st.text(max_size=8), st.integers(-3, 200), max_size=4)))
def test_criteria_are_a_mapping_of_words_to_whole_weights_or_refused(value) -> None:
    ok = value is None or (isinstance(value, dict) and all(
        re.fullmatch(r"[a-z][a-z0-9_]{0,39}", k) and 1 <= w <= 100 for k, w in value.items()))
    try:
        settings = settings_from_options({"criteria": value})
    except SettingsError as exc:
        assert not ok and str(exc).startswith("criteria: ")
    else:
        assert ok
        assert settings.criteria == (tuple(value.items()) if value else ())


def test_criteria_and_explore_days_change_the_cache_key_only_when_set() -> None:
    assert settings_from_options({}).cache_key() == ""
    assert settings_from_options({"criteria": {}, "explore_days": 60}).cache_key() == ""
    key = settings_from_options({"criteria": {"pay": 2}, "explore_days": 30}).cache_key()
    assert "criteria=pay:2" in key and "explore_days=30" in key
    with pytest.raises(SettingsError, match="explore_days: 0 is out of range"):
        settings_from_options({"explore_days": 0})


# --- open questions ------------------------------------------------------------------------------

QUESTIONS = """
## Open Questions

- What does a typical week look like? [[2026-11-02 Ann Lee]]
- Is a degree expected?
  - asked: [[2026-11-05 Bo Chen]]
- How bad is on-call? [[2026-12-01 Ann Lee]]
- Who hires career changers? [[Ann Lee]]
- Secret one [[2026-11-09 Kim]]

## Next

- [[2026-11-02 Ann Lee]] not a question
"""


def question_vault() -> dict[str, str]:
    return {
        "careers/Data.md": career(body=QUESTIONS),
        "contacts/Ann Lee.md": "---\ntype: contact\n---\n",
        "interviews/2026-11-02 Ann Lee.md": talk("2026-11-02"),
        "interviews/2026-11-05 Bo Chen.md": talk("2026-11-05", who="Bo Chen"),
        "interviews/2026-12-01 Ann Lee.md": talk("2026-12-01", status="planned"),
        "interviews/2026-11-09 Kim.md": talk("2026-11-09", who="Kim", private=True),
    }


def test_a_question_is_answered_by_a_done_conversation_linked_from_it_or_its_sub_items() -> None:
    index = index_of(question_vault())
    found = careers.open_questions(index, "careers/Data.md")
    assert [(q.text.split("?")[0], q.answered_by) for q in found] == [
        ("What does a typical week look like", ("interviews/2026-11-02 Ann Lee.md",)),
        ("Is a degree expected", ("interviews/2026-11-05 Bo Chen.md",)),
        # A planned conversation has not answered anything yet; a person is no conversation.
        ("How bad is on-call", ()),
        ("Who hires career changers", ()),
        ("Secret one [[2026-11-09 Kim]]", ("interviews/2026-11-09 Kim.md",)),
    ]
    assert [q.line for q in found] == [10, 11, 13, 14, 15]
    unanswered = careers.unanswered_questions(index, "careers/Data.md")
    assert [q.line for q in unanswered] == [13, 14]


def test_a_private_conversation_answers_nothing_the_site_shows() -> None:
    view = SiteView(index_of(question_vault()))
    found = careers.open_questions(view.index, "careers/Data.md", view.shows_note)
    assert found[-1].answered_by == ()
    row = careers_board(view).rows[0]
    assert (row.questions_answered, row.questions_total) == (2, 5)


def test_no_open_questions_heading_means_no_questions() -> None:
    index = index_of({"careers/Data.md": career(body="\n- a list elsewhere\n")})
    assert careers.open_questions(index, "careers/Data.md") == []
    assert careers.open_questions(index, "careers/Missing.md") == []


# --- explore-or-drop -----------------------------------------------------------------------------


def explore(files: dict[str, str], **settings) -> list:
    return [f for f in open_followups(index_of(files, **settings)) if f.kind == EXPLORE_OR_DROP]


def test_explore_or_drop_is_due_explore_days_after_the_latest_conversation() -> None:
    files = {"careers/Data.md": career(),
             "interviews/a.md": talk("2026-01-01"), "interviews/b.md": talk("2026-03-01")}
    (found,) = explore(files)
    assert found.due == dt.date(2026, 3, 1) + dt.timedelta(days=60) == dt.date(2026, 4, 30)
    assert found.title == "Talk to someone in Data, or rule it out"
    assert found.note == "careers/Data.md" and found.contact is None
    assert explore(files, explore_days=1)[0].due == dt.date(2026, 3, 2)


def test_a_planned_conversation_counts_and_a_cancelled_one_does_not() -> None:
    files = {"careers/Data.md": career(), "interviews/a.md": talk("2026-01-01"),
             "interviews/b.md": talk("2026-02-01", status="planned"),
             "interviews/c.md": talk("2026-05-01", status="cancelled")}
    assert explore(files)[0].due == dt.date(2026, 4, 2)


def test_same_day_conversations_give_one_follow_up() -> None:
    files = {"careers/Data.md": career(), "interviews/a.md": talk("2026-01-01"),
             "interviews/b.md": talk("2026-01-01", who="Bo")}
    assert [f.due for f in explore(files)] == [dt.date(2026, 3, 2)]


@pytest.mark.parametrize("status", ["pursuing", "ruled-out"])
def test_only_an_exploring_path_is_asked_to_explore_or_drop(status: str) -> None:
    assert explore({"careers/Data.md": career(status), "interviews/a.md": talk("2026-01-01")}) == []
    assert explore({"careers/Data.md": "---\ntype: career\n---\n"}) == []


def test_an_exploring_path_with_no_conversation_yet_is_undated() -> None:
    (found,) = explore({"careers/Data.md": career(),
                        "interviews/c.md": talk("2026-05-01", status="cancelled")})
    assert found.due is None


def test_explore_or_drop_is_private_when_its_date_would_tell_a_private_conversation() -> None:
    files = {"careers/Data.md": career(), "interviews/a.md": talk("2026-01-01"),
             "interviews/b.md": talk("2026-02-01", private=True)}
    (found,) = explore(files)
    assert found.due == dt.date(2026, 4, 2) and found.private
    view = SiteView(index_of(files))
    assert not any(f.kind == EXPLORE_OR_DROP for f in view.followups)


# --- interest over time and the comparison -------------------------------------------------------


def test_interest_series_sums_same_day_conversations_and_goes_negative() -> None:
    files = {"careers/Data.md": career(),
             "interviews/a.md": talk("2026-01-05", interest=1),
             "interviews/b.md": talk("2026-01-05", who="Bo", interest=-2),
             "interviews/c.md": talk("2026-02-01", interest=-2),
             "interviews/d.md": talk("2026-03-01"),  # no interest: no point
             "interviews/e.md": talk("2026-04-01", interest=2, status="planned")}
    assert careers.interest_series(index_of(files), "careers/Data.md") == [
        (dt.date(2026, 1, 5), -1), (dt.date(2026, 2, 1), -3)]


def test_the_comparison_row_counts_the_evidence() -> None:
    files = {"careers/Data.md": career(extra="ruled_out: 2026-05-01\n", status="ruled-out"),
             "contacts/Ann Lee.md": "---\ntype: contact\n---\n",
             "interviews/a.md": talk("2026-01-01", interest=2, company="Acme"),
             "interviews/b.md": talk("2026-02-01", who="Bo", interest=-1, company="Acme"),
             "interviews/c.md": talk("2026-03-01", interest=-1),
             "interviews/d.md": talk("2026-04-01", interest=-2),
             "interviews/e.md": talk("2026-09-01", status="planned"),
             "interviews/f.md": talk("2026-08-01", status="planned")}
    row = careers.comparisons(index_of(files))[0]
    assert (row.done, row.planned) == (4, 2)
    assert row.people == ("contacts/Ann Lee.md", "Bo") and row.companies == ("Acme",)
    assert (row.net_interest, row.recent_interest) == (-2, -4)
    assert row.last.path == "interviews/d.md" and row.next.path == "interviews/f.md"
    assert row.is_ruled_out and row.ruled_out == dt.date(2026, 5, 1)


def test_pursued_paths_come_first_and_ruled_out_ones_last() -> None:
    files = {"careers/A.md": career("ruled-out"), "careers/B.md": career("exploring"),
             "careers/C.md": career("pursuing"), "careers/D.md": "---\ntype: career\n---\n"}
    assert [r.name for r in careers.comparisons(index_of(files))] == ["C", "B", "D", "A"]


# --- the chart -----------------------------------------------------------------------------------


def test_the_chart_has_a_series_per_path_with_points_escaped_and_labelled() -> None:
    svg = interest_chart([("<b>A&B</b>", [(dt.date(2026, 1, 1), 1), (dt.date(2026, 2, 1), -2)]),
                          ("Empty", []),
                          ("Data", [(dt.date(2026, 1, 1), 0)])])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="vault-chart__series"') == 2
    assert "<b>" not in svg and "&lt;b&gt;A&amp;B&lt;/b&gt;" in svg
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "\n\n" not in svg  # a raw HTML block in Markdown ends at a blank line


def test_no_points_no_chart_and_one_day_still_draws() -> None:
    assert interest_chart([("A", [])]) == ""
    svg = interest_chart([("A", [(dt.date(2026, 1, 1), 0)])])
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


@given(st.lists(st.tuples(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
                          st.integers(-500, 500)), min_size=1, max_size=30))
def test_the_chart_draws_any_series_inside_its_box(points) -> None:
    series = sorted(dict(points).items())
    svg = interest_chart([("A", series)])
    numbers = [float(n) for n in re.findall(r'c[xy]="(-?[\d.]+)"', svg)]
    assert numbers and all(0 <= n <= 720 for n in numbers)


# --- privacy and the page ------------------------------------------------------------------------


class _Linker:
    def link(self, ref, text=None, raw=False) -> str:
        return "—" if ref is None else (text or ref.text)

    def links(self, refs, raw=False) -> str:
        return ", ".join(self.link(r) for r in refs) or "—"


def test_a_private_conversation_is_nowhere_on_the_careers_page() -> None:
    files = {"careers/Data.md": career(),
             "careers/Hidden.md": "---\ntype: career\nstatus: exploring\nprivate: true\n---\n",
             "interviews/a.md": talk("2026-01-05", interest=1),
             "interviews/b.md": talk("2026-07-17", who="Zed Secret", interest=-2, private=True),
             "interviews/c.md": talk("2026-08-19", path="Hidden", interest=2)}
    board = careers_board(SiteView(index_of(files)))
    assert [r.career.text for r in board.rows] == ["Data"]
    (row,) = board.rows
    assert row.series == ((dt.date(2026, 1, 5), 1),) and row.done == 1
    page = careers_page(board, _Linker())
    for secret in ("2026-07-17", "Zed Secret", "-1", "Hidden", "2026-08-19"):
        assert secret not in page
    # The terminal is the user's own: it shows the private conversation.
    data = careers_data(index_of(files))
    data_row = next(c for c in data["careers"] if c["name"] == "Data")
    assert data_row["net_interest"] == -1


def test_the_page_has_the_comparison_the_chart_its_table_and_the_ruled_out_reasons() -> None:
    files = {"careers/Data.md": career("ruled-out", "ruled_out: 2026-03-01\n"
                                       "reason: <script>x</script> too | much on-call\n"
                                       "score_values: 2\n"),
             "careers/UX.md": career("pursuing", "score_values: 5\nscore_pay: 3\n"),
             "interviews/a.md": talk("2026-01-05", interest=1),
             "interviews/b.md": talk("2026-02-05", path="UX", interest=2)}
    page = careers_page(careers_board(SiteView(index_of(files, criteria=CRITERIA))), _Linker())
    assert "| Career | Status | Score | Conversations |" in page
    assert ('| <span class="vault-row" data-status="pursuing" data-touch="2026-02-05"></span>'
            "UX | pursuing | 4.2 (not scored: growth, lifestyle) | 1 · 1 person |") in page
    assert page.count('class="vault-chart__series"') == 2
    assert "| 2026-02-05 | UX | +2 | +2 |" in page  # the table alternative
    assert "- Data, ruled out on 2026-03-01: " in page
    assert "<script>" not in page and "too \\| much on-call" in page


# --- the command ---------------------------------------------------------------------------------


def test_the_careers_command_prints_text_and_json(make_vault) -> None:
    root = make_vault({"careers/Data.md": career("ruled-out", "reason: pay\n"),
                       "careers/UX.md": career("pursuing", body=QUESTIONS),
                       "interviews/2026-11-02 Ann Lee.md": talk("2026-11-02", path="UX",
                                                                 interest=2)})
    text = CliRunner().invoke(main, ["careers", "--vault", str(root)])
    assert text.exit_code == 0, text.output
    assert text.output.index("UX  (pursuing)") < text.output.index("Data  (ruled-out)")
    assert "open questions: 1 of 5 answered" in text.output
    assert "ruled out: pay" in text.output
    result = CliRunner().invoke(main, ["careers", "--json", "--vault", str(root)])
    data = json.loads(result.output)
    assert data["criteria"] == {}
    ux = data["careers"][0]
    assert ux["interest_over_time"] == [{"date": "2026-11-02", "interest": 2}]
    assert ux["last"]["date"] == "2026-11-02" and ux["next"] is None
    assert data["careers"][1]["reason"] == "pay"


def test_the_careers_text_shows_escape_sequences_instead_of_obeying_them() -> None:
    data = careers_data(index_of({"careers/\x1b[2JX.md": career(extra="reason: \x1b[31mred\n")}))
    out = format_careers(data)
    assert "\x1b" not in out


def test_no_careers_says_how_to_start() -> None:
    assert "vault-tools new career" in format_careers(careers_data(VaultIndex()))


# --- the site, for real --------------------------------------------------------------------------


@pytest.mark.slow
def test_the_careers_page_builds_with_its_chart_and_no_private_value(make_vault) -> None:
    from vault_tools.site.build import build_site
    from vault_tools.vault import find_vault

    root = make_vault({
        "careers/Data.md": career("exploring", "score_values: 4\n"),
        "careers/PM.md": career("ruled-out", "ruled_out: 2026-03-01\nreason: meetings\n"),
        "contacts/Ann Lee.md": "---\ntype: contact\n---\n",
        "interviews/a.md": talk("2026-01-05", interest=1),
        "interviews/b.md": talk("2026-02-05", path="PM", interest=-2),
        "interviews/c.md": talk("2026-07-17", who="Zed Secret", interest=-2, private=True),
    })
    (root / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n  - vault:\n"
        "      criteria: {values: 2, pay: 1}\n", encoding="utf-8")
    site = build_site(find_vault(root))
    html = (Path(site) / "careers" / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    assert article.count('class="vault-chart__series"') == 2
    # (The table carries the phone cards' class: `render.card_tables`.)
    assert "<svg" in article and "<table" in article
    assert "ruled out on 2026-03-01: meetings" in article
    assert "2026-07-17" not in html and "Zed Secret" not in html


def test_a_bad_criteria_option_stops_the_command_naming_mkdocs_yml(make_vault) -> None:
    root = make_vault({"careers/Data.md": career()})
    (root / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: notes\nplugins:\n  - vault:\n      criteria: {Pay: 2}\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["careers", "--vault", str(root)])
    assert result.exit_code == 1
    assert f"{root / 'mkdocs.yml'}: the vault plugin's criteria: 'Pay'" in result.output


_TALK_LINES = st.sampled_from([
    'career: "[[Data]]"', 'career: "[[Data]]"\nwith: "[[Data]]"', "body: [[Data]]",
    'career: "[[Other]]"', 'career: ["[[Data]]", "[[Other]]"]'])


@given(st.lists(st.tuples(
    st.sampled_from(["2026-01-01", "2026-01-01", "2026-03-01", "2027-02-02", "", "not a date"]),
    st.sampled_from(["done", "planned", "cancelled", "dnoe", ""]), _TALK_LINES,
    st.sampled_from(["interview", "contact", "journal"])), max_size=8))
def test_the_latest_conversation_worked_out_alone_equals_the_one_of_all_conversations(
    talks: list[tuple[str, str, str, str]],
) -> None:
    # `explore-or-drop` asks `latest_conversation_of`; the plain way makes every Conversation.
    files = {"careers/Data.md": career(), "careers/Other.md": career()}
    for number, (day, status, link, kind) in enumerate(talks):
        front = [f"type: {kind}", f"date: {day}" if day else "", f"status: {status}"]
        if not link.startswith("body"):
            front.append(link)
        body = "See [[Data]] too." if link.startswith("body") else ""
        files[f"interviews/{number} talk.md"] = "\n".join(
            ["---", *[line for line in front if line], "---", "", body])
    index = index_of(files)
    for path in ("careers/Data.md", "careers/Other.md"):
        plain = careers.latest_conversation(careers.conversations_of(index, path))
        assert careers.latest_conversation_of(index, path) == (
            None if plain is None else (plain.date, plain.path))
