"""Tasks as the Tasks plugin and Dataview write them (DESIGN §10): dates, signs, fields and
statuses, in the parser, the follow-ups, the blocks and the command."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.blocks import render_followups, render_related
from vault_tools.cli import main
from vault_tools.followups import followups_for_today, open_followups, timed_followups
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note, read_task_text
from vault_tools.views.common import SiteView
from vault_tools.views.followups import dashboard_items

D = dt.date


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def tasks_of(body: str) -> list[tuple[str | None, str]]:
    """(due date, title) of each open task follow-up of a note with this body."""
    return [(f.due and f.due.isoformat(), f.title)
            for f in open_followups(index_of({"a.md": body})) if f.kind == "task"]


def problems(body: str) -> list[tuple[str, str, int | None]]:
    return [(d.code, d.severity, d.line) for d in parse_note("a.md", body).diagnostics]


# --- due dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "📅 2026-12-05", "📅2026-12-05", "📅️ 2026-12-05", "[due:: 2026-12-05]", "(due:: 2026-12-05)",
    "[Due::2026-12-05]", "due:2026-12-05", "due: 2026-12-05",
])
def test_every_way_of_writing_a_due_date_gives_it_and_leaves_the_title(written: str) -> None:
    assert tasks_of(f"- [ ] Call Jane {written}\n") == [("2026-12-05", "Call Jane")]
    assert problems(f"- [ ] Call Jane {written}\n") == []


def test_a_dataview_due_field_in_the_middle_of_the_text_is_read() -> None:
    assert tasks_of("- [ ] Call (due:: 2026-12-05) about the role\n") == [
        ("2026-12-05", "Call about the role")]


def test_the_first_due_date_written_counts() -> None:
    assert tasks_of("- [ ] A [due:: 2026-12-07] then 📅 2026-12-06\n") == [("2026-12-07", "A then")]


# --- scheduled and start dates hide a task until their day --------------------------------------


@pytest.mark.parametrize("sign", ["⏳", "🛫", "[scheduled::", "[start::"])
def test_a_scheduled_or_start_date_dates_a_task_and_hides_it_until_that_day(sign: str) -> None:
    written = f"{sign} 2026-12-10" + ("]" if sign.startswith("[") else "")
    index = index_of({"a.md": f"- [ ] Write the report {written}\n"})
    (task,) = open_followups(index)
    assert (task.due, task.title) == (D(2026, 12, 10), "Write the report")
    assert followups_for_today(index, D(2026, 12, 9)) == []
    assert [f.title for f in followups_for_today(index, D(2026, 12, 10))] == ["Write the report"]
    assert [(t.followup.title, t.shown_from) for t in timed_followups(index)] == [
        ("Write the report", D(2026, 12, 10))]


def test_a_due_date_stays_the_due_date_of_a_task_hidden_until_its_start() -> None:
    index = index_of({"a.md": "- [ ] Apply 🛫 2026-12-01 📅 2026-12-15 ⏳ 2026-12-03\n"})
    (task,) = open_followups(index)
    assert (task.due, task.shown_from) == (D(2026, 12, 15), D(2026, 12, 3))
    assert followups_for_today(index, D(2026, 12, 2)) == []
    assert len(followups_for_today(index, D(2026, 12, 3))) == 1


def test_a_hidden_task_is_in_the_generated_blocks_under_its_date_on_every_day() -> None:
    files = {
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n- [ ] Send the deck ⏳ 2026-12-10\n",
    }
    index = index_of(files)
    followups = open_followups(index)
    dashboard = render_followups(index, followups)
    assert "- 2026-12-10 · Send the deck" in dashboard
    assert "- 2026-12-10 · Send the deck" in render_related(
        index, index.notes["contacts/Jane Doe.md"], followups)


def test_the_sites_dashboard_shows_a_scheduled_task_from_its_day() -> None:
    view = SiteView(index_of({"todo.md": "- [ ] Apply 🛫 2026-12-01 📅 2026-12-15\n"}))
    assert [(t.followup.due, t.shown_from, t.shown_on(D(2026, 11, 30)), t.shown_on(D(2026, 12, 1)))
            for t in dashboard_items(view)] == [(D(2026, 12, 15), D(2026, 12, 1), False, True)]


def test_the_followups_command_hides_a_scheduled_task_until_its_day(make_vault) -> None:
    vault = make_vault({"todo.md": "- [ ] Update my CV ⏳ 2026-12-10\n- [ ] Buy a notebook\n"})

    def titles(today: str) -> list[str]:
        result = CliRunner().invoke(main, ["followups", "--vault", str(vault), "--today", today,
                                           "--json"], catch_exceptions=False)
        assert result.exit_code == 0
        return [item["title"] for item in json.loads(result.output)]

    assert titles("2026-12-09") == ["Buy a notebook"]
    assert titles("2026-12-10") == ["Update my CV", "Buy a notebook"]


# --- what leaves the title ----------------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "🔺", "⏫", "🔼", "🔽", "⏬", "🔼️", "🔁 every week", "🔁 every 2 weeks on Monday when done",
    "➕ 2026-11-01", "✅ 2026-11-02", "❌ 2026-11-03", "[priority:: high]", "(repeat:: every week)",
    "[created:: 2026-11-01]", "[completion:: 2026-11-02]", "[owner:: [[Sam Lee]]]",
])
def test_priority_recurrence_record_dates_and_fields_leave_the_title(written: str) -> None:
    assert tasks_of(f"- [ ] Call Jane {written} 📅 2026-12-05\n") == [("2026-12-05", "Call Jane")]
    assert problems(f"- [ ] Call Jane {written} 📅 2026-12-05\n") == []


def test_a_task_the_tasks_plugin_wrote_reads_as_its_words() -> None:
    line = "- [ ] Follow up with Jane ⏫ 🔁 every month ➕ 2026-11-01 ⏳ 2026-11-28 📅 2026-12-01\n"
    assert tasks_of(line) == [("2026-12-01", "Follow up with Jane")]


@pytest.mark.parametrize("text", ["✅ booked the room", "⏳ waiting for Jane", "❌ not Tuesday"])
def test_a_record_sign_used_as_an_emoji_in_prose_stays_and_is_no_error(text: str) -> None:
    assert tasks_of(f"- [ ] {text}\n") == [(None, text)]
    assert problems(f"- [ ] {text}\n") == []


# --- statuses -----------------------------------------------------------------------------------


def test_done_and_cancelled_tasks_are_no_followups_and_unknown_statuses_are_open() -> None:
    body = ("- [x] done\n- [X] also done\n- [-] cancelled\n- [>] forwarded\n- [/] half done\n"
            "- [!] important\n- [ ] open\n")
    assert [title for _, title in tasks_of(body)] == [
        "forwarded", "half done", "important", "open"]


@pytest.mark.parametrize("status", [">", "/", "!", "?", "*", "<"])
def test_an_unknown_status_is_a_warning_with_the_line(status: str) -> None:
    note = parse_note("a.md", f"Intro.\n\n- [{status}] Call Jane\n")
    (diag,) = note.diagnostics
    assert (diag.path, diag.line, diag.severity, diag.code) == ("a.md", 3, "warning", "task-status")
    assert f"[{status}]" in diag.message


@pytest.mark.parametrize("status", [" ", "x", "X", "-"])
def test_known_statuses_are_no_warning(status: str) -> None:
    assert problems(f"- [{status}] Call Jane\n") == []


def test_a_linked_from_quote_drops_any_status_box() -> None:
    index = index_of({"Jane.md": "j\n", "a.md": "- [>] Call [[Jane]] about the role\n"})
    block = render_related(index, index.notes["Jane.md"], open_followups(index))
    assert "Call Jane about the role" in block and "[>]" not in block


# --- bad dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "📅 2026-02-30", "📅 tomorrow", "[due:: next week]", "(due:: 2026-13-01)", "due:2026-02-30",
    "⏳ 2026-02-30", "🛫 2026-1-5", "➕ 2026-02-30", "✅ 2026-99-01", "❌ 2026-02-31",
    "[scheduled:: soon]", "[start:: 2026-02-30]", "[created:: 2026-02-30]",
])
def test_a_bad_date_in_any_sign_or_field_is_reported_and_stays_in_the_title(written: str) -> None:
    body = f"Intro.\n\n- [ ] Call Jane {written}\n"
    assert problems(body) == [("bad-date", "error", 3)]
    assert tasks_of(body) == [(None, f"Call Jane {written}")]


def test_a_bad_scheduled_date_leaves_the_task_shown_and_the_due_date_standing() -> None:
    index = index_of({"a.md": "- [ ] Call ⏳ 2026-02-30 📅 2026-12-05\n"})
    assert [f.due for f in followups_for_today(index, D(2026, 1, 1))] == [D(2026, 12, 5)]


# --- properties ---------------------------------------------------------------------------------

_PRIORITIES = "🔺⏫🔼🔽⏬"
# Prose that holds no sign, field or date of its own.
_WORDS = st.lists(st.text(alphabet="abcdefghij ,.!'KLM", min_size=1, max_size=8), max_size=6)
_DATES = st.dates(min_value=D(1000, 1, 1), max_value=D(9999, 12, 31))
_DUE_FORMS = ["📅 {}", "📅{}", "[due:: {}]", "(due:: {})", "due:{}"]
_OTHER_TOKENS = st.one_of(
    st.sampled_from([*_PRIORITIES, "🔁 every week", "[priority:: high]"]),
    st.builds(lambda sign, day: f"{sign} {day.isoformat()}",
              st.sampled_from(["⏳", "🛫", "➕", "✅", "❌"]), _DATES),
)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_task_text_reads_without_crashing_and_keeps_no_priority_sign(text: str) -> None:
    read = read_task_text(text)
    assert not any(sign in read.title for sign in _PRIORITIES)
    assert "🔁" not in read.title
    if read.due is not None:
        assert read.due.isoformat() in text


@settings(max_examples=200, deadline=None)
@given(before=_WORDS, after=_WORDS, due=_DATES, form=st.sampled_from(_DUE_FORMS),
       others=st.lists(_OTHER_TOKENS, max_size=4), first=st.booleans())
def test_the_due_date_found_is_the_one_written_and_the_title_is_the_prose(
    before: list[str], after: list[str], due: dt.date, form: str, others: list[str], first: bool,
) -> None:
    tokens = [form.format(due.isoformat()), *others]
    if not first:
        tokens.reverse()
    # A recurrence rule runs to the next sign (the Tasks plugin writes it after the words).
    tokens.sort(key=lambda token: not token.startswith("🔁"))
    text = " ".join([*before, *tokens, *after])
    read = read_task_text(text)
    assert read.due == due
    assert read.problems == ()
    assert read.title == " ".join(" ".join([*before, *after]).split())


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120), st.sampled_from(" xX-/>!"))
def test_any_task_line_parses_into_one_task_on_its_line(text: str, status: str) -> None:
    text = " ".join(text.split()) or "x"
    note = parse_note("a.md", f"Intro.\n\n- [{status}] {text}\n")
    assert [task.line for task in note.tasks] == [3]
    assert note.tasks[0].done == (status in "xX-")
    assert all(d.line == 3 for d in note.diagnostics)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab 1-:^[]()📅⏳🔁🔼✅\ufe0fdue2026", max_size=40))
def test_a_task_the_glance_skips_reads_as_the_full_reading_would(text: str) -> None:
    """`read_task_text` returns a task without any sign, field or block id at a glance: the
    full reading of the same text (the glance bypassed) gives the same."""
    from vault_tools import parse

    at_a_glance = parse.read_task_text(text)
    saved = parse._MAY_HOLD_SIGN_RE
    parse._MAY_HOLD_SIGN_RE = re.compile("")  # matches everything: the full reading
    try:
        assert parse.read_task_text(text) == at_a_glance
    finally:
        parse._MAY_HOLD_SIGN_RE = saved
