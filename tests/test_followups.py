"""Follow-ups (§10): every rule and its edge cases, the date-relative views, and the command."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.followups import (
    GROUPS,
    TITLE_MDLINK,
    FollowUp,
    followups_for_today,
    last_interaction,
    next_followup,
    open_followups,
    shown_text,
)
from vault_tools.followups_report import followups_json, format_followups, group_followups
from vault_tools.index import VaultIndex
from vault_tools.parse import MDLINK_RE, WIKILINK_RE, parse_note
from vault_tools.vault import find_vault, load_index

from .conftest import DEMO_VAULT, REPO

D = dt.date
JANE = "contacts/Jane Doe.md"
SAM = "contacts/Sam Lee.md"


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def note(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front.strip()}\n---\n{body}"


def contact(**fields: str) -> str:
    lines = ["type: contact", *(f"{k}: {v}" for k, v in fields.items())]
    return note("\n".join(lines))


def interview(date: str, with_: str, status: str | None = None, **fields: str) -> str:
    lines = ["type: interview", f"date: {date}", f"with: {with_}"]
    if status is not None:
        lines.append(f"status: {status}")
    lines += [f"{k}: {v}" for k, v in fields.items()]
    return note("\n".join(lines))


def of_kind(followups: list[FollowUp], kind: str) -> list[FollowUp]:
    return [f for f in followups if f.kind == kind]


def only(followups: list[FollowUp], kind: str) -> FollowUp:
    found = of_kind(followups, kind)
    assert len(found) == 1, followups
    return found[0]


# --- tasks --------------------------------------------------------------------------------------


def test_task_due_date_from_calendar_emoji_and_title_without_the_token() -> None:
    index = index_of({"a.md": "- [ ] Send the article 📅 2026-12-05\n"})
    assert open_followups(index) == [
        FollowUp("task", D(2026, 12, 5), "Send the article", "a.md", 1, None)
    ]


def test_task_due_date_from_due_colon_anywhere_in_the_line() -> None:
    index = index_of({"a.md": "text\n\n- [ ] Call due:2026-12-05 about the role\n"})
    task = only(open_followups(index), "task")
    assert (task.due, task.title, task.line) == (D(2026, 12, 5), "Call about the role", 3)


def test_task_without_a_date_is_undated() -> None:
    task = only(open_followups(index_of({"a.md": "* [ ] Buy a notebook\n"})), "task")
    assert (task.due, task.title) == (None, "Buy a notebook")


def test_done_and_cancelled_tasks_are_not_followups() -> None:
    index = index_of({"a.md": "- [x] Done\n- [X] Also done\n- [-] Dropped\n- [ ] Open\n"})
    assert [f.title for f in open_followups(index)] == ["Open"]


def test_tasks_in_code_comments_and_generated_blocks_are_not_counted() -> None:
    body = (
        "```\n- [ ] in a fence\n```\n\n"
        "    - [ ] indented code\n\n"
        "<!-- - [ ] in a comment -->\n"
        "<!-- vault-tools:followups -->\n- [ ] copied into the dashboard\n"
        "<!-- /vault-tools:followups -->\n"
        "- [ ] the real one\n"
    )
    assert [f.title for f in open_followups(index_of({"a.md": body}))] == ["the real one"]


def test_task_with_an_impossible_date_is_undated_keeps_its_text_and_is_reported() -> None:
    index = index_of({"a.md": "- [ ] Call Jane 📅 2026-02-30\n"})
    task = only(open_followups(index), "task")
    assert (task.due, task.title) == (None, "Call Jane 📅 2026-02-30")
    assert [(d.code, d.line) for d in index.diagnostics()] == [("bad-date", 1)]


def test_task_in_a_contact_note_concerns_that_contact() -> None:
    index = index_of({JANE: contact(role="PM") + "- [ ] Ask [[Sam Lee]] too\n", SAM: contact()})
    assert only(open_followups(index), "task").contact == JANE


def test_task_in_an_interview_concerns_the_first_person_of_with() -> None:
    files = {
        JANE: contact(), SAM: contact(),
        "interviews/i.md": interview("2026-11-20", '["[[Sam Lee]]", "[[Jane Doe]]"]',
                                     thank_you="2026-11-20") + "- [ ] Send notes\n",
    }
    assert only(open_followups(index_of(files)), "task").contact == SAM


def test_task_elsewhere_concerns_the_first_contact_linked_on_its_line() -> None:
    files = {
        JANE: contact(), "companies/Acme.md": note("type: company"),
        "todo.md": "- [ ] Ask [[Acme]] via [[Jane Doe]] and [[Nobody]]\n- [ ] Alone\n",
    }
    tasks = of_kind(open_followups(index_of(files)), "task")
    assert [(t.title, t.contact) for t in tasks] == [
        ("Ask Acme via Jane Doe and Nobody", JANE), ("Alone", None),
    ]


def test_task_is_private_when_its_note_or_a_note_it_names_is_private() -> None:
    files = {
        "contacts/Secret.md": contact(private="true"),
        "todo.md": "- [ ] Call [[Secret]]\n- [ ] Public\n",
        "private.md": note("private: true", "- [ ] Hidden\n"),
    }
    privacy = {f.title: f.private for f in open_followups(index_of(files))}
    assert privacy == {"Call Secret": True, "Public": False, "Hidden": True}


# --- interviews ---------------------------------------------------------------------------------


def test_planned_interview_needs_preparing_the_day_before() -> None:
    files = {JANE: contact(),
             "interviews/i.md": interview("2026-12-01", '"[[Jane Doe]]"', "planned")}
    assert open_followups(index_of(files)) == [FollowUp(
        "prepare", D(2026, 11, 30), "Prepare for the conversation with Jane Doe",
        "interviews/i.md", None, JANE,
    )]


def test_done_interview_without_thank_you_is_due_the_day_after() -> None:
    files = {JANE: contact(), "interviews/i.md": interview("2026-11-30", '"[[Jane Doe]]"', "done")}
    assert open_followups(index_of(files)) == [FollowUp(
        "thank-you", D(2026, 12, 1), "Send a thank-you to Jane Doe", "interviews/i.md", None, JANE,
    )]


def test_interview_without_status_counts_as_done() -> None:
    files = {JANE: contact(), "interviews/i.md": interview("2026-11-30", "Jane Doe")}
    assert only(open_followups(index_of(files)), "thank-you").due == D(2026, 12, 1)


def test_sent_thank_you_clears_it() -> None:
    files = {JANE: contact(),
             "interviews/i.md": interview("2026-11-30", "Jane Doe", thank_you="2026-11-30")}
    assert open_followups(index_of(files)) == []


def test_cancelled_interview_counts_for_nothing() -> None:
    files = {
        JANE: contact(cadence="30d", introduced_by="Sam Lee"), SAM: contact(),
        "interviews/i.md": interview("2026-11-30", "Jane Doe", "cancelled"),
    }
    assert open_followups(index_of(files)) == []


def test_tasks_in_a_cancelled_interview_are_not_followups() -> None:
    files = {
        JANE: contact(),
        "interviews/i.md": interview("2026-11-30", "Jane Doe", "cancelled")
        + "- [ ] Research the company 📅 2026-11-29\n- [ ] Pick questions\n",
        "interviews/j.md": interview("2026-12-30", "Jane Doe", "planned")
        + "- [ ] Book a room\n",
    }
    tasks = of_kind(open_followups(index_of(files)), "task")
    assert [(t.note, t.title) for t in tasks] == [("interviews/j.md", "Book a room")]


def test_interview_with_several_people_names_them_all() -> None:
    files = {
        JANE: contact(), SAM: contact(), "contacts/Ann Bo.md": contact(),
        "interviews/i.md": interview("2026-11-30", '["[[Jane Doe]]", "[[Sam Lee]]", "Ann Bo"]'),
        "interviews/p.md": interview("2026-12-30", '["[[Sam Lee]]", "[[Jane Doe]]"]', "planned"),
    }
    followups = open_followups(index_of(files))
    thanks, prepare = only(followups, "thank-you"), only(followups, "prepare")
    assert (thanks.title, thanks.contact) == ("Send a thank-you to Jane Doe, Sam Lee and Ann Bo",
                                              JANE)
    assert (prepare.title, prepare.contact) == ("Prepare for the conversation with Sam Lee and "
                                                "Jane Doe", SAM)


@pytest.mark.parametrize("date", ["2026-02-30", "soon", '""'])
def test_interview_with_a_bad_or_missing_date_gives_an_undated_followup(date: str) -> None:
    files = {JANE: contact(cadence="30d", introduced_by="Sam Lee"), SAM: contact(),
             "interviews/i.md": interview(date, "Jane Doe")}
    index = index_of(files)
    followups = open_followups(index)
    # Met, but on no known day: the thank-yous are undated, and keeping in touch waits for a
    # dated interaction (the bad date is reported).
    assert [(f.kind, f.due) for f in followups] == [
        ("thank-introducer", None), ("thank-you", None),
    ]
    assert {d.code for d in index.diagnostics()} & {"bad-date", "missing-field"}
    assert of_kind(followups_for_today(index, D(2027, 1, 1)), "update-status") == []


def test_interview_with_an_unquoted_link_still_names_the_person() -> None:
    # YAML reads `with: [[Jane Doe]]` as a list in a list; the parser takes it as the link the
    # user meant (with a warning), so the follow-up names Jane.
    index = index_of({JANE: contact(), "interviews/i.md": interview("2026-11-30", "[[Jane Doe]]")})
    followup = only(open_followups(index), "thank-you")
    assert (followup.title, followup.contact) == ("Send a thank-you to Jane Doe", JANE)
    assert [d.code for d in index.diagnostics()] == ["bad-value"]


def test_interview_with_someone_who_has_no_note_still_needs_a_thank_you() -> None:
    index = index_of({"interviews/i.md": interview("2026-11-30", "Nobody Known")})
    assert open_followups(index) == [FollowUp(
        "thank-you", D(2026, 12, 1), "Send a thank-you to Nobody Known", "interviews/i.md",
        None, None,
    )]
    assert [d.code for d in index.diagnostics()] == ["broken-link"]


def test_interview_followup_is_private_when_the_interview_or_a_person_is_private() -> None:
    files = {
        JANE: contact(), "contacts/Secret.md": contact(private="true"),
        "interviews/a.md": interview("2026-11-30", '["[[Jane Doe]]", "[[Secret]]"]'),
        "interviews/b.md": interview("2026-11-30", "Jane Doe").replace(
            "type: interview", "type: interview\nprivate: true"),
        "interviews/c.md": interview("2026-11-30", "Jane Doe"),
    }
    privacy = {f.note: f.private for f in open_followups(index_of(files))}
    assert privacy == {"interviews/a.md": True, "interviews/b.md": True, "interviews/c.md": False}


# --- keep in touch ------------------------------------------------------------------------------


@pytest.mark.parametrize(("cadence", "last", "due"), [
    ("30d", "2026-11-10", D(2026, 12, 10)),
    ("45", "2026-11-10", D(2026, 12, 25)),
    ("6w", "2026-11-10", D(2026, 12, 22)),
    ("3m", "2026-11-10", D(2027, 2, 10)),
    ("1m", "2026-01-31", D(2026, 2, 28)),
    ("1m", "2028-01-31", D(2028, 2, 29)),
    ("3m", "2026-11-30", D(2027, 2, 28)),
    ("2m", "2026-12-31", D(2027, 2, 28)),
    ("12m", "2026-03-15", D(2027, 3, 15)),
])
def test_keep_in_touch_is_due_one_cadence_after_last_contact(
    cadence: str, last: str, due: dt.date
) -> None:
    index = index_of({JANE: contact(cadence=cadence, last_contact=last)})
    assert open_followups(index) == [FollowUp(
        "keep-in-touch", due, "Get back in touch with Jane Doe", JANE, None, JANE,
    )]


def test_a_later_done_interview_moves_the_last_interaction() -> None:
    files = {
        JANE: contact(cadence="30d", last_contact="2026-10-01"),
        "interviews/a.md": interview("2026-11-01", '"[[Jane Doe]]"', thank_you="2026-11-01"),
        "interviews/b.md": interview("2026-09-01", "Jane Doe", thank_you="2026-09-01"),
        "interviews/d.md": interview("2026-12-02", "Jane Doe", "cancelled"),
    }
    index = index_of(files)
    assert last_interaction(index, JANE) == D(2026, 11, 1)
    assert only(open_followups(index), "keep-in-touch").due == D(2026, 12, 1)


def test_last_contact_later_than_every_interview_wins() -> None:
    files = {JANE: contact(cadence="30d", last_contact="2026-11-20"),
             "interviews/a.md": interview("2026-11-01", "Jane Doe", thank_you="2026-11-01")}
    assert last_interaction(index_of(files), JANE) == D(2026, 11, 20)


def test_interview_on_the_same_day_as_last_contact_counts_once() -> None:
    files = {JANE: contact(cadence="6w", last_contact="2026-11-20"),
             "interviews/a.md": interview("2026-11-20", "Jane Doe", thank_you="2026-11-20")}
    index = index_of(files)
    assert last_interaction(index, JANE) == D(2026, 11, 20)
    assert only(open_followups(index), "keep-in-touch").due == D(2027, 1, 1)


def test_interview_with_several_people_is_an_interaction_with_each() -> None:
    files = {
        JANE: contact(cadence="30d"), SAM: contact(cadence="1m", aliases="[Sammy]"),
        "interviews/a.md": interview("2026-11-01", '["[[Jane Doe]]", "[[Sammy]]"]',
                                     thank_you="2026-11-01"),
    }
    dues = {f.contact: f.due for f in of_kind(open_followups(index_of(files)), "keep-in-touch")}
    assert dues == {JANE: D(2026, 12, 1), SAM: D(2026, 12, 1)}


def test_someone_never_met_gets_no_keep_in_touch() -> None:
    files = {JANE: contact(cadence="30d"), SAM: contact(cadence="30d"),
             "interviews/a.md": interview("2026-12-01", "Sam Lee", "cancelled")}
    index = index_of(files)
    assert last_interaction(index, JANE) is None
    assert open_followups(index) == []


def test_keep_in_touch_starts_at_the_first_interaction() -> None:
    files = {JANE: contact(cadence="30d"),
             "interviews/a.md": interview("2026-11-01", "Jane Doe", thank_you="2026-11-01")}
    assert [(f.kind, f.due) for f in open_followups(index_of(files))] == [
        ("keep-in-touch", D(2026, 12, 1))]


def test_keep_in_touch_waits_while_a_conversation_is_planned() -> None:
    files = {
        JANE: contact(cadence="30d", last_contact="2026-09-01"),
        "interviews/a.md": interview("2026-12-01", "Jane Doe", "planned"),
    }
    index = index_of(files)
    assert [f.kind for f in open_followups(index)] == ["prepare"]
    # Even once its day has passed: then the reminder is to say how it went.
    assert [f.kind for f in followups_for_today(index, D(2026, 12, 5))] == ["update-status"]
    files["interviews/a.md"] = interview("2026-12-01", "Jane Doe", thank_you="2026-12-01")
    assert [(f.kind, f.due) for f in open_followups(index_of(files))] == [
        ("keep-in-touch", D(2026, 12, 31))]


def test_contact_without_cadence_has_no_keep_in_touch() -> None:
    assert open_followups(index_of({JANE: contact(last_contact="2026-11-01")})) == []


@pytest.mark.parametrize("cadence", ["sometimes", "0", "3y", "true"])
def test_cadence_that_does_not_parse_is_reported_and_skipped(cadence: str) -> None:
    index = index_of({JANE: contact(cadence=cadence, last_contact="2026-11-01")})
    assert open_followups(index) == []
    assert [d.code for d in index.diagnostics()] == ["bad-value"]


def test_bad_last_contact_date_is_reported_and_counts_as_no_interaction() -> None:
    index = index_of({JANE: contact(cadence="30d", last_contact="2026-02-30")})
    assert open_followups(index) == []
    assert [d.code for d in index.diagnostics()] == ["bad-date"]


def test_keep_in_touch_is_private_when_the_contact_is() -> None:
    index = index_of({JANE: contact(cadence="30d", last_contact="2026-11-01", private="true")})
    assert only(open_followups(index), "keep-in-touch").private is True


def test_keep_in_touch_is_private_when_its_date_comes_from_a_private_interview() -> None:
    files = {
        JANE: contact(cadence="30d", last_contact="2026-10-01"),
        "interviews/a.md": note('type: interview\ndate: 2026-11-01\nwith: Jane Doe\n'
                                'thank_you: 2026-11-01\nprivate: true'),
    }
    found = only(open_followups(index_of(files)), "keep-in-touch")
    assert (found.due, found.private) == (D(2026, 12, 1), True)


# --- thank the introducer -----------------------------------------------------------------------


def test_introducer_is_thanked_two_days_after_the_first_done_interview() -> None:
    files = {
        JANE: contact(introduced_by='"[[Sam Lee]]"'), SAM: contact(),
        "interviews/a.md": interview("2026-11-20", "Jane Doe", thank_you="2026-11-20"),
        "interviews/b.md": interview("2026-11-10", "Jane Doe", thank_you="2026-11-10"),
        "interviews/c.md": interview("2026-11-01", "Jane Doe", "cancelled"),
    }
    assert open_followups(index_of(files)) == [FollowUp(
        "thank-introducer", D(2026, 11, 12), "Tell Sam Lee how the conversation with Jane Doe went",
        JANE, None, SAM,
    )]


def test_introducer_already_thanked_clears_it() -> None:
    files = {
        JANE: contact(introduced_by="Sam Lee", introducer_thanked="2026-11-21"), SAM: contact(),
        "interviews/a.md": interview("2026-11-20", "Jane Doe", thank_you="2026-11-20"),
    }
    assert open_followups(index_of(files)) == []


def test_no_thank_introducer_before_a_done_interview() -> None:
    files = {
        JANE: contact(introduced_by="Sam Lee"), SAM: contact(),
        "interviews/a.md": interview("2026-12-20", "Jane Doe", "planned"),
    }
    assert of_kind(open_followups(index_of(files)), "thank-introducer") == []


def test_introducer_without_a_note_is_named_as_written() -> None:
    files = {JANE: contact(introduced_by='"[[Pat Q]]"'),
             "interviews/a.md": interview("2026-11-20", "Jane Doe", thank_you="2026-11-20")}
    found = only(open_followups(index_of(files)), "thank-introducer")
    assert (found.title, found.contact, found.due) == (
        "Tell Pat Q how the conversation with Jane Doe went", None, D(2026, 11, 22))


def test_thank_introducer_is_private_when_the_introducer_is() -> None:
    files = {
        JANE: contact(introduced_by="Sam Lee"), SAM: contact(private="true"),
        "interviews/a.md": interview("2026-11-20", "Jane Doe", thank_you="2026-11-20"),
    }
    assert only(open_followups(index_of(files)), "thank-introducer").private is True


# --- update-status (run time only) --------------------------------------------------------------


def test_planned_interview_in_the_past_asks_for_its_status_only_at_run_time() -> None:
    files = {
        JANE: contact(),
        "interviews/past.md": interview("2026-11-20", "Jane Doe", "planned"),
        "interviews/today.md": interview("2026-11-25", "Jane Doe", "planned"),
        "interviews/done.md": interview("2026-11-01", "Jane Doe", thank_you="2026-11-01"),
    }
    index = index_of(files)
    assert of_kind(open_followups(index), "update-status") == []
    assert of_kind(followups_for_today(index, D(2026, 11, 25)), "update-status") == [FollowUp(
        "update-status", D(2026, 11, 21),
        "Mark the conversation with Jane Doe as done or cancelled",
        "interviews/past.md", None, JANE,
    )]


# --- order and lookups --------------------------------------------------------------------------


def test_order_is_undated_last_then_due_note_line_kind_and_independent_of_file_order() -> None:
    files = {
        "b.md": "- [ ] b undated\n- [ ] b2 📅 2026-12-01\n",
        "a.md": "- [ ] a undated\n- [ ] a2 📅 2026-12-01\n- [ ] a3 📅 2026-11-01\n",
        JANE: contact(cadence="30d", last_contact="2026-10-15"),
    }
    forward = open_followups(index_of(files))
    backward = open_followups(index_of(dict(reversed(list(files.items())))))
    assert forward == backward
    assert [(f.note, f.title) for f in forward] == [
        ("a.md", "a3"), (JANE, "Get back in touch with Jane Doe"), ("a.md", "a2"), ("b.md", "b2"),
        ("a.md", "a undated"), ("b.md", "b undated"),
    ]


def test_next_followup_of_a_contact_is_its_earliest() -> None:
    files = {
        JANE: contact(cadence="30d", last_contact="2026-11-01") + "- [ ] later 📅 2027-01-01\n",
        SAM: contact(),
        "interviews/a.md": interview("2026-11-10", "Jane Doe", "planned"),
    }
    index = index_of(files)
    followups = open_followups(index)
    assert next_followup(index, JANE, followups).kind == "prepare"  # type: ignore[union-attr]
    assert next_followup(index, SAM, followups) is None
    assert next_followup(index, "contacts/Gone.md", followups) is None


# --- grouping and text --------------------------------------------------------------------------


def task_due(day: dt.date | None) -> FollowUp:
    return FollowUp("task", day, f"do {day}", "a.md", 1, None)


def test_grouping_boundaries() -> None:
    today = D(2026, 11, 25)
    items = [task_due(today + dt.timedelta(days=n)) for n in (-1, 0, 1, 7, 8)] + [task_due(None)]
    groups = {g.label: [f.due for f in g.items] for g in group_followups(items, today, 7)}
    assert groups == {
        "Overdue": [D(2026, 11, 24)], "Today": [today],
        "Next 7 days": [D(2026, 11, 26), D(2026, 12, 2)], "Later": [D(2026, 12, 3)],
        "Undated": [None],
    }
    # By default the horizon is a week: today and the six days after it.
    week = {g.label: [f.due for f in g.items] for g in group_followups(items, today)}
    assert week["This week"] == [D(2026, 11, 26)]
    assert [label for label, _ in week.items()] == [label for _, label in GROUPS]


def test_zero_days_puts_everything_after_today_in_later() -> None:
    today = D(2026, 11, 25)
    groups = group_followups([task_due(D(2026, 11, 26))], today, 0)
    assert [(g.label, len(g.items)) for g in groups if g.items] == [("Later", 1)]


def test_text_has_no_escape_codes_unless_coloured() -> None:
    groups = group_followups([task_due(D(2026, 11, 20))], D(2026, 11, 25), 7)
    assert "\x1b[" not in format_followups(groups)
    assert "\x1b[" in format_followups(groups, colour=True)
    assert format_followups(group_followups([], D(2026, 11, 25))) == "Nothing to follow up."


# --- the command --------------------------------------------------------------------------------

SMALL = {
    JANE: contact(cadence="30d", last_contact="2026-11-01", introduced_by='"[[Sam Lee]]"')
    + "- [ ] Send Jane the article 📅 2026-12-01\n",
    SAM: contact(),
    "interviews/2026-11-20 Jane Doe.md": interview("2026-11-20", '"[[Jane Doe]]"'),
    "interviews/2026-11-24 Sam Lee.md": interview("2026-11-24", '"[[Sam Lee]]"', "planned"),
    "todo.md": "- [ ] Update my CV\n",
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_json_output_is_exactly_the_documented_list(make_vault) -> None:
    vault = make_vault(SMALL)
    result = run("followups", "--vault", str(vault), "--today", "2026-11-25", "--json")
    assert result.exit_code == 0
    listed = json.loads(result.output)
    # Each item carries its short id (tests/test_followup_ids.py); the rest is §10's object.
    ids = [item.pop("id") for item in listed]
    assert len(set(ids)) == len(ids) and all(len(i) == 6 and i.isalnum() for i in ids)
    assert listed == [
        {"kind": "thank-you", "due": "2026-11-21", "title": "Send a thank-you to Jane Doe",
         "note": "interviews/2026-11-20 Jane Doe.md", "line": None, "contact": JANE},
        {"kind": "thank-introducer", "due": "2026-11-22",
         "title": "Tell Sam Lee how the conversation with Jane Doe went",
         "note": JANE, "line": None, "contact": SAM},
        {"kind": "update-status", "due": "2026-11-25",
         "title": "Mark the conversation with Sam Lee as done or cancelled",
         "note": "interviews/2026-11-24 Sam Lee.md", "line": None, "contact": SAM},
        {"kind": "task", "due": "2026-12-01", "title": "Send Jane the article",
         "note": JANE, "line": 8, "contact": JANE},
        {"kind": "keep-in-touch", "due": "2026-12-20", "title": "Get back in touch with Jane Doe",
         "note": JANE, "line": None, "contact": JANE},
        {"kind": "task", "due": None, "title": "Update my CV", "note": "todo.md", "line": 1,
         "contact": None},
    ]


def test_text_output_groups_by_when_and_names_the_person(make_vault) -> None:
    vault = make_vault(SMALL)
    result = run("followups", "--vault", str(vault), "--today", "2026-11-25")
    assert result.exit_code == 0
    # Each line ends with the item's id (what `done` and `snooze` are given).
    shown = [re.sub(r"  \[[a-z2-7]{6}\]$", "", line) for line in result.output.splitlines()]
    assert all(re.search(r"  \[[a-z2-7]{6}\]$", line)
               for line in result.output.splitlines() if line.startswith("  "))
    assert shown == [
        "Overdue (2)",
        "  2026-11-21  Send a thank-you to Jane Doe  (interviews/2026-11-20 Jane Doe.md)",
        "  2026-11-22  Tell Sam Lee how the conversation with Jane Doe went"
        "  (contacts/Jane Doe.md)",
        "",
        "Today (1)",
        "  2026-11-25  Mark the conversation with Sam Lee as done or cancelled"
        "  (interviews/2026-11-24 Sam Lee.md)",
        "",
        "This week (1)",
        "  2026-12-01  Send Jane the article · Jane Doe  (contacts/Jane Doe.md:8)",
        "",
        "Later (1)",
        "  2026-12-20  Get back in touch with Jane Doe  (contacts/Jane Doe.md)",
        "",
        "Undated (1)",
        "  no date     Update my CV  (todo.md:1)",
    ]


def test_today_defaults_to_the_real_date(make_vault) -> None:
    vault = make_vault({"a.md": "- [ ] long ago 📅 2000-01-01\n- [ ] far off 📅 2999-01-01\n"})
    lines = run("followups", "--vault", str(vault)).output.splitlines()
    assert lines[0] == "Overdue (1)"
    assert lines[3] == "Later (1)"


def test_bad_today_is_a_usage_error(make_vault) -> None:
    result = run("followups", "--vault", str(make_vault(SMALL)), "--today", "2026-02-30")
    assert result.exit_code == 2
    assert "Invalid value for '--today'" in result.output


def test_bad_input_never_crashes_the_command(make_vault) -> None:
    vault = make_vault({
        JANE: contact(cadence="often", last_contact="someday", introduced_by="Nobody"),
        "interviews/a.md": interview("2026-02-30", "[[Nobody]]"),
        "interviews/b.md": note("type: interview\nstatus: planned"),
        "todo.md": "- [ ] Call 📅 2026-02-30\n- [ ] Write due:tomorrow\n",
        "broken.md": "---\nkey: [oops\n---\n- [ ] still listed\n",
    })
    result = run("followups", "--vault", str(vault), "--today", "2026-11-25", "--json")
    assert result.exit_code == 0
    items = json.loads(result.output)
    assert all(item["due"] is None for item in items)
    assert {(i["kind"], i["note"]) for i in items} == {
        ("thank-you", "interviews/a.md"), ("prepare", "interviews/b.md"),
        ("task", "todo.md"), ("task", "broken.md"),
        # introduced, no usable last_contact and no conversation: an undated "ask them"
        ("reach-out", JANE),
    }


def test_piped_output_is_plain_text(make_vault) -> None:
    vault = make_vault(SMALL)
    proc = subprocess.run(
        [sys.executable, "-m", "vault_tools", "followups", "--vault", str(vault),
         "--today", "2026-11-25"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Overdue (2)\n")
    assert "\x1b[" not in proc.stdout


# --- the demo vault -----------------------------------------------------------------------------


def test_demo_vault_shows_every_kind_of_followup() -> None:
    result = run("followups", "--vault", str(DEMO_VAULT), "--today", "2026-11-25", "--json")
    kinds = {item["kind"] for item in json.loads(result.output)}
    assert {"task", "prepare", "thank-you", "keep-in-touch", "thank-introducer"} <= kinds


def test_demo_vault_followups_are_the_ones_its_notes_describe() -> None:
    index = load_index(find_vault(DEMO_VAULT))
    followups = open_followups(index)
    assert only(followups, "thank-you").note == "interviews/2026-11-19 Hana Kobayashi.md"
    assert only(followups, "thank-introducer").title == (
        "Tell Kwame Asante how the conversation with Hana Kobayashi went")
    keep = {f.contact: f.due for f in of_kind(followups, "keep-in-touch")}
    # Seun has no last_contact: his last interaction is the 2026-09-15 lunch, plus 3 months.
    assert keep["contacts/Oluwaseun Adeyemi.md"] == D(2026, 12, 15)
    # Jonah's only conversation was cancelled and the next is planned: nothing to keep up yet.
    assert "contacts/Jonah Feldman.md" not in keep
    assert [f.private for f in followups if f.contact == "contacts/Renata Silva.md"] == [True, True]


def test_dashboard_and_template_tasks_are_not_followups() -> None:
    notes = {f.note for f in open_followups(load_index(find_vault(DEMO_VAULT)))}
    assert not any(path.startswith("templates/") for path in notes)
    assert "Follow-ups.md" not in notes


def test_followups_of_the_demo_are_the_same_every_time() -> None:
    first = open_followups(load_index(find_vault(DEMO_VAULT)))
    second = open_followups(load_index(find_vault(DEMO_VAULT)))
    assert [f.to_dict() for f in first] == [f.to_dict() for f in second]


def test_the_user_guide_example_is_what_the_demo_vault_prints() -> None:
    page = (REPO / "docs" / "followups.md").read_text(encoding="utf-8")
    example = page.split("$ vault-tools followups --today 2026-11-25\n", 1)[1].split("```")[0]
    shown = [line for line in example.splitlines() if line.strip() != "..."]
    result = run("followups", "--vault", str(DEMO_VAULT), "--today", "2026-11-25")
    printed = iter(result.output.splitlines())
    # Every line of the example appears, in order ("..." stands for lines left out).
    assert all(line in printed for line in shown), shown


# --- links in task titles -----------------------------------------------------------------------


LINKED = "- [ ] Ask [[Jane Doe|Jane]] about [[companies/Acme#Teams]], [[Acme]] and ![[cv.pdf]]" \
    " (see [the post](notes/Post.md)) 📅 2026-12-01\n"


def test_a_task_with_links_is_titled_with_the_names_they_show() -> None:
    task = only(open_followups(index_of({"todo.md": LINKED})), "task")
    assert task.title == "Ask Jane about Acme › Teams, Acme and cv.pdf (see the post)"
    assert task.text == ("Ask [[Jane Doe|Jane]] about [[companies/Acme#Teams]], [[Acme]] and "
                         "![[cv.pdf]] (see [the post](notes/Post.md))")


def test_no_raw_link_reaches_the_terminal_or_the_json(make_vault) -> None:
    vault = make_vault({"todo.md": LINKED})
    for args in ((), ("--json",)):
        result = run("followups", "--vault", str(vault), "--today", "2026-11-25", *args)
        assert "Ask Jane about Acme › Teams" in result.output
        assert "[[" not in result.output and "](" not in result.output


@given(st.text(alphabet="[]|#!()ab. /\\", max_size=40))
@example("[](])")  # an address that is a bracket is shown as written, as one holding one is
@settings(max_examples=300, deadline=None)
def test_shown_text_leaves_no_link_to_decode(text: str) -> None:
    shown = shown_text(text)
    assert WIKILINK_RE.search(shown) is None
    # A Markdown link whose label or address holds a bracket (`[x](http://[::1]/)`) is shown as
    # written: reading those as links takes time quadratic in a line of brackets.
    assert re.search(TITLE_MDLINK, shown) is None
    left = MDLINK_RE.search(shown)
    assert left is None or re.search(r"[\[\]]", left.group(1) + left.group(2))
    assert shown_text(shown) == shown


# --- the first hour -----------------------------------------------------------------------------


def test_a_new_vault_with_one_contact_and_one_planned_conversation_asks_only_to_prepare(
    tmp_path,
) -> None:
    """The first hour: `init` (the starter vault, with the demo's templates and Follow-ups
    note), one contact and one planned conversation made with `new`. The only follow-up is to
    prepare, the day before; the templates add nothing undated."""
    vault = tmp_path / "my-vault"
    assert run("init", str(vault)).exit_code == 0
    where = ("--vault", str(vault))
    assert run("new", "contact", "Jane Doe", "--company", "Acme", "--today", "2026-11-25",
               *where).exit_code == 0
    assert run("new", "interview", "Jane Doe", "--date", "2026-12-03", "--planned",
               "--today", "2026-11-25", *where).exit_code == 0
    assert run("fill", *where).exit_code == 0
    interview = json.loads(run("followups", *where, "--json").output)[0]["note"]
    assert interview.startswith("interviews/2026-12-03 ")
    expected = [{
        "kind": "prepare", "due": "2026-12-02",
        "title": "Prepare for the conversation with Jane Doe",
        "note": interview, "line": None, "contact": JANE,
    }]
    for today in ("2026-11-25", "2026-12-03"):
        result = run("followups", *where, "--today", today, "--json")
        listed = json.loads(result.output)
        assert [item.pop("id") for item in listed] == ["unf35y"] * len(listed)
        assert listed == expected, today
    # The day after, it asks how the conversation went instead.
    result = run("followups", *where, "--today", "2026-12-04", "--json")
    assert [(i["kind"], i["due"]) for i in json.loads(result.output)] == [
        ("update-status", "2026-12-04")]
    # And the note `fill` keeps lists just that.
    dashboard = (vault / "notes" / "Follow-ups.md").read_text(encoding="utf-8")
    block = dashboard.split("<!-- vault-tools:followups -->")[1].split("<!--")[0]
    assert [line for line in block.splitlines() if line.startswith("- ")] == [
        f"- 2026-12-02 · Prepare for the conversation with Jane Doe · "
        f"[[{interview[len('interviews/'):-3]}]]"]


def test_a_terminal_escape_in_a_task_is_shown_as_text_not_obeyed(make_vault) -> None:
    # A synced or imported note's task "\e]0;...\a" retitled the terminal, "\e[2J" cleared it.
    vault = make_vault({"Sync\x1b[8m.md": "- [ ] call \x1b]0;owned\x07 now \x1b[2J📅 2026-12-03\n"})
    output = run("followups", "--vault", str(vault), "--today", "2026-12-01").output
    assert "call \\x1b]0;owned\\x07 now \\x1b[2J" in output
    assert "(Sync\\x1b[8m.md:1)" in output
    assert "\x1b" not in output and "\x07" not in output


def test_a_note_at_the_ends_of_the_calendar_stops_no_other_follow_up(make_vault) -> None:
    # One note dated 9999-12-31 or 0001-01-01, or a cadence of 99999999 days, crashed
    # `followups`, `fill`, `build` and the calendar export of the whole vault (OverflowError).
    vault = make_vault({
        "contacts/Ann.md": "---\ntype: contact\ncadence: 30d\nlast_contact: 9999-12-31\n---\n",
        "contacts/Bo.md": "---\ntype: contact\ncadence: 99999999d\nlast_contact: 2026-01-01\n---\n",
        "contacts/Cy.md": "---\ntype: contact\ncadence: 999999999999m\nlast_contact: 2026-01-01\n"
                          "---\n",
        "interviews/Last.md": "---\ntype: interview\ndate: 9999-12-31\nwith: \"[[Dee]]\"\n"
                              "status: planned\n---\n",
        "interviews/First.md": "---\ntype: interview\ndate: 0001-01-01\nwith: \"[[Dee]]\"\n"
                               "status: planned\n---\n",
        "interviews/Done.md": "---\ntype: interview\ndate: 9999-12-31\nwith: \"[[Eve]]\"\n"
                              "status: done\n---\n",
        "contacts/Dee.md": "---\ntype: contact\n---\n",
        "contacts/Eve.md": "---\ntype: contact\nintroduced_by: \"[[Ann]]\"\n---\n",
        "interviews/Real.md": "---\ntype: interview\ndate: 2026-11-20\nwith: \"[[Dee]]\"\n"
                              "status: done\n---\n",
    })
    result = run("followups", "--vault", str(vault), "--today", "2026-12-01", "--json")
    assert result.exit_code == 0, result.output
    found = {(i["kind"], i["note"]): i["due"] for i in json.loads(result.output)}
    assert found[("thank-you", "interviews/Real.md")] == "2026-11-21"
    assert found[("thank-you", "interviews/Done.md")] == "9999-12-31"
    assert found[("keep-in-touch", "contacts/Bo.md")] == "9999-12-31"
    assert found[("update-status", "interviews/First.md")] == "0001-01-02"
    assert run("fill", "--vault", str(vault)).exit_code == 0
    assert run("export", "ics", "--vault", str(vault)).exit_code == 0


@pytest.mark.parametrize("status", ["canceled", "planed", "dnoe"])
def test_a_misspelt_status_makes_up_no_follow_up(make_vault, status: str) -> None:
    # "status: canceled" (the US spelling) read as done: a thank-you for a conversation that
    # never happened, and keeping in touch counted from it.
    vault = make_vault({
        "contacts/Ann.md": "---\ntype: contact\ncadence: 30d\n---\n",
        "interviews/Talk.md": f"---\ntype: interview\ndate: 2026-11-20\nwith: \"[[Ann]]\"\n"
                              f"status: {status}\n---\n",
    })
    result = run("followups", "--vault", str(vault), "--today", "2026-12-01", "--json")
    assert json.loads(result.output) == []
    check = run("check", "--vault", str(vault), "--json")
    assert [(d["code"], d["line"]) for d in json.loads(check.output)] == [("bad-value", 5)]


# --- the recipe of docs/architecture.md: a new follow-up kind -----------------------------------


def test_a_kind_added_by_the_recipe_reaches_its_notes_blocks_the_dashboard_and_the_json(
    monkeypatch,
) -> None:
    from vault_tools import followups as rules
    from vault_tools import schema
    from vault_tools.blocks import render_followups, render_related

    # 1. schema.py: its name and label.
    referral = "ask-for-referral"
    monkeypatch.setattr(schema, "KINDS", (*schema.KINDS, referral))
    monkeypatch.setattr(schema, "KIND_LABELS", {**schema.KIND_LABELS, referral: "Ask"})

    # 2. followups.py: one rule in RULES.
    def ask_for_referral(index: VaultIndex, note) -> list[FollowUp]:
        if note.type != schema.COMPANY:
            return []
        return [FollowUp(referral, dt.date(2026, 5, 1), f"Ask Jane for a referral at {note.name}",
                         note.path, None, JANE)]

    monkeypatch.setattr(rules, "RULES", (*rules.RULES, ask_for_referral))
    index = index_of({JANE: contact(), "companies/Acme.md": note("type: company", "# Acme\n")})
    found = open_followups(index)
    assert [(f.kind, f.note, f.contact) for f in found] == [
        (referral, "companies/Acme.md", JANE)]
    title = "Ask Jane for a referral at Acme"
    assert title in render_related(index, index.get("companies/Acme.md"), found)
    assert title in render_related(index, index.get(JANE), found)  # its contact's block too
    assert title in render_followups(index, found)
    assert json.loads(followups_json(found))[0]["kind"] == referral
