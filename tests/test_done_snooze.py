"""`vault-tools done ID` and `vault-tools snooze ID --until D` (issue #20; DESIGN §6, §10)."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.edit import followup_edits
from vault_tools.followup_ids import followup_ids
from vault_tools.followups import FollowUp, open_followups, timed_followups
from vault_tools.parse import parse_note, read_task_text, split_lines
from vault_tools.vault import find_vault, load_index

TODAY = "2026-12-01"

JANE = "contacts/Jane Doe.md"
JANE_TEXT = """---
type: contact
company: "[[Acme]]"
introduced_by: "[[Kim Lee]]"
cadence: 30d
last_contact: 2026-10-01  # the fair
---
# Jane Doe

- [ ] Send Jane the article 📅 2026-11-20 ^send
- [ ] Read her post
"""
CONVERSATION = "interviews/2026-11-10 Jane Doe.md"
CONVERSATION_TEXT = """---
type: interview
date: 2026-11-10
with: "[[Jane Doe]]"
career: "[[Data Work]]"
referrals:
  - "[[Nobody Yet]]"
---
# A conversation with Jane
"""
FILES = {
    JANE: JANE_TEXT,
    "contacts/Kim Lee.md": "---\ntype: contact\n---\n# Kim Lee\n",
    CONVERSATION: CONVERSATION_TEXT,
    # asked, no reply: a nudge
    "contacts/Sam Roe.md": "---\ntype: contact\nasked: 2026-11-01\n---\n# Sam Roe\n",
    # asked and nudged, still nothing: no reply
    "contacts/Tom Poe.md": "---\r\ntype: contact\r\nasked: 2026-11-01\r\nnudged: 2026-11-08\r\n"
                           "---\r\n# Tom Poe\r\n",
    # introduced, never asked: reach out
    "contacts/Ana Ruiz.md": "---\ntype: contact\nintroduced_by: \"[[Kim Lee]]\"\n---\n# Ana\n",
    # planned, in the future: prepare; planned, past: update-status
    "interviews/2026-12-20 Kim Lee.md": "---\ntype: interview\ndate: 2026-12-20\n"
                                        "with: \"[[Kim Lee]]\"\nstatus: planned\n---\n",
    "interviews/2026-11-25 Kim Lee.md": "---\ntype: interview\ndate: 2026-11-25\n"
                                        "with: \"[[Kim Lee]]\"\nstatus: planned\n---\n",
    "careers/Data Work.md": "---\ntype: career\nstatus: exploring\n---\n# Data Work\n",
    "careers/Law.md": "---\ntype: career\nstatus: exploring\n---\n# Law\n",
}


@pytest.fixture
def vault(make_vault) -> Path:
    return make_vault(dict(FILES))


def run(vault: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--vault", str(vault)], catch_exceptions=False)


def listed(vault: Path, today: str = TODAY) -> list[dict]:
    result = run(vault, "followups", "--json", "--today", today)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def id_of(vault: Path, kind: str, note: str | None = None, today: str = TODAY,
          title: str = "") -> str:
    found = [f for f in listed(vault, today) if f["kind"] == kind
             and (note is None or f["note"] == note) and title in f["title"]]
    assert len(found) == 1, found
    return found[0]["id"]


def snapshot(vault: Path) -> dict[str, bytes]:
    return {p.relative_to(vault).as_posix(): p.read_bytes()
            for p in sorted(vault.rglob("*")) if p.is_file()}


def read(vault: Path, rel: str) -> str:
    return (vault / "notes" / rel).read_bytes().decode("utf-8")


def one_line_changed(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines removed and added (with endings); every other line is as it was."""
    removed, added = [], []
    for line in difflib.ndiff(old.splitlines(keepends=True), new.splitlines(keepends=True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


# --- done: what each kind writes --------------------------------------------------------------


@pytest.mark.parametrize("kind, note, line", [
    ("thank-you", CONVERSATION, "thank_you: 2026-11-30\n"),
    ("thank-introducer", JANE, "introducer_thanked: 2026-11-30\n"),
    ("reach-out", "contacts/Ana Ruiz.md", "asked: 2026-11-30\n"),
    ("nudge", "contacts/Sam Roe.md", "nudged: 2026-11-30\n"),
    ("no-reply", "contacts/Tom Poe.md", "status: no-response\r\n"),
])
def test_done_writes_the_one_front_matter_line_that_answers_it(vault: Path, kind: str,
                                                               note: str, line: str) -> None:
    ident = id_of(vault, kind, note)
    before = snapshot(vault)
    old = read(vault, note)
    result = run(vault, "done", ident, "--date", "2026-11-30", "--today", TODAY)
    assert result.exit_code == 0, result.output
    new = read(vault, note)
    assert one_line_changed(old, new) == ([], [line])
    at = new.splitlines().index(line.rstrip("\r\n")) + 1
    assert result.output == f"marked done in {note}:{at}: {line.strip()}\n"
    # Nothing else in the vault changed, and the follow-up is gone.
    after = snapshot(vault)
    assert {k for k in after if after[k] != before[k]} == {f"notes/{note}"}
    assert not [f for f in listed(vault) if f["id"] == ident]


def test_done_keep_in_touch_replaces_last_contact_keeping_its_comment(make_vault) -> None:
    vault = make_vault({JANE: JANE_TEXT.replace('introduced_by: "[[Kim Lee]]"\n', ""),
                        "contacts/Kim Lee.md": FILES["contacts/Kim Lee.md"]})
    ident = id_of(vault, "keep-in-touch", JANE)
    result = run(vault, "done", ident, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert one_line_changed(JANE_TEXT.replace('introduced_by: "[[Kim Lee]]"\n', ""),
                            read(vault, JANE)) == (
        ["last_contact: 2026-10-01  # the fair\n"], ["last_contact: 2026-12-01  # the fair\n"])
    keep = [f for f in listed(vault) if f["kind"] == "keep-in-touch"]
    assert [f["due"] for f in keep] == ["2026-12-31"]  # the same item, due a cadence later
    assert keep[0]["id"] == ident


def test_done_refuses_a_date_that_would_not_close_it(make_vault) -> None:
    vault = make_vault({"contacts/Sam Roe.md": FILES["contacts/Sam Roe.md"]})
    before = snapshot(vault)
    result = run(vault, "done", id_of(vault, "nudge"), "--date", "2026-10-01", "--today", TODAY)
    assert result.exit_code == 1
    assert "a nudge counts from the ask, on 2026-11-01" in result.output
    assert "nothing was written" in result.output
    assert snapshot(vault) == before


def test_done_ticks_a_task_with_the_tasks_plugin_done_date_before_its_block_id(
        vault: Path) -> None:
    ident = id_of(vault, "task", JANE, title="article")
    result = run(vault, "done", ident, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert one_line_changed(JANE_TEXT, read(vault, JANE)) == (
        ["- [ ] Send Jane the article 📅 2026-11-20 ^send\n"],
        ["- [x] Send Jane the article 📅 2026-11-20 ✅ 2026-12-01 ^send\n"])
    assert result.output == (f"marked done in {JANE}:10: - [x] Send Jane the article "
                             "📅 2026-11-20 ✅ 2026-12-01 ^send\n")
    assert [f["title"] for f in listed(vault) if f["kind"] == "task"] == ["Read her post"]


def test_done_keeps_a_crlf_task_line_and_a_note_without_final_newline(make_vault) -> None:
    text = "# Notes\r\n\r\n- [ ] call Kim  "
    vault = make_vault({"todo.md": text})
    result = run(vault, "done", id_of(vault, "task"), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert read(vault, "todo.md") == "# Notes\r\n\r\n- [x] call Kim ✅ 2026-12-01  "


@pytest.mark.parametrize("kind, note, says", [
    ("prepare", "interviews/2026-12-20 Kim Lee.md", "status is done or cancelled"),
    ("update-status", "interviews/2026-11-25 Kim Lee.md",
     "write `status: done` or `status: cancelled` in interviews/2026-11-25 Kim Lee.md"),
    ("add-referral", CONVERSATION, '`vault-tools new contact "Nobody Yet"`'),
    ("explore-or-drop", "careers/Law.md", "`status: ruled-out`"),
])
def test_done_refuses_what_no_single_fact_answers_saying_what_does(vault: Path, kind: str,
                                                                   note: str, says: str) -> None:
    before = snapshot(vault)
    result = run(vault, "done", id_of(vault, kind, note), "--today", TODAY)
    assert result.exit_code == 1
    assert says in result.output and "nothing was written" in result.output
    assert snapshot(vault) == before


@pytest.mark.parametrize("wanted", ["zzzzzz", "", "ab", "   "])
def test_a_wrong_id_is_refused_and_nothing_is_written(vault: Path, wanted: str) -> None:
    before = snapshot(vault)
    for command in (["done", wanted], ["snooze", wanted, "--until", "2026-12-24"]):
        result = run(vault, *command, "--today", TODAY)
        assert result.exit_code == 1
        assert "No follow-up with id" in result.output
        assert "run `vault-tools followups` to see the ids" in result.output
    assert snapshot(vault) == before


def test_an_id_prefix_of_four_characters_is_enough(vault: Path) -> None:
    ident = id_of(vault, "thank-you")
    result = run(vault, "done", ident[:4].upper(), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "thank_you: 2026-12-01" in read(vault, CONVERSATION)


@pytest.mark.parametrize("args, says", [
    (["done", "{id}", "--date", "2026-02-30"], "--date '2026-02-30' is not a day"),
    (["done", "{id}", "--date", "tomorrow"], "--date 'tomorrow' is not a day"),
    (["snooze", "{id}", "--until", "2026-12-01"], "is not after today"),
    (["snooze", "{id}", "--until", "2026-11-01"], "is not after today"),
    (["snooze", "{id}", "--until", "soon"], "--until 'soon' is not a day"),
])
def test_bad_dates_are_refused(vault: Path, args: list[str], says: str) -> None:
    ident = id_of(vault, "thank-you")
    before = snapshot(vault)
    result = run(vault, *[a.format(id=ident) for a in args], "--today", TODAY)
    assert result.exit_code == 1 and says in result.output
    assert snapshot(vault) == before


def test_dry_run_prints_the_diff_and_writes_nothing(vault: Path) -> None:
    before = snapshot(vault)
    result = run(vault, "done", id_of(vault, "thank-you"), "--dry-run", "--today", TODAY)
    assert result.exit_code == 0
    assert f"--- a/{CONVERSATION}" in result.output
    assert "+thank_you: 2026-12-01" in result.output
    assert result.output.endswith(f"would mark done in {CONVERSATION}:8: thank_you: 2026-12-01\n")
    result = run(vault, "snooze", id_of(vault, "task", title="article"), "--until",
                 "2026-12-24", "--dry-run", "--today", TODAY)
    assert result.exit_code == 0
    assert "+- [ ] Send Jane the article 📅 2026-11-20 ⏳ 2026-12-24 ^send" in result.output
    assert snapshot(vault) == before


def test_a_future_done_date_is_written_with_a_note(vault: Path) -> None:
    result = run(vault, "done", id_of(vault, "thank-you"), "--date", "2026-12-05",
                 "--today", TODAY)
    assert result.exit_code == 0
    assert "2026-12-05 is after today" in result.stderr


# --- what must not be written -----------------------------------------------------------------


def test_a_note_with_conflict_markers_is_left_alone(make_vault) -> None:
    vault = make_vault({"todo.md": "# T\n\n- [ ] call Kim\n<<<<<<< HEAD\na\n=======\nb\n"
                                   ">>>>>>> other\n"})
    before = snapshot(vault)
    result = run(vault, "done", id_of(vault, "task"), "--today", TODAY)
    assert result.exit_code == 1
    assert "todo.md:4" in result.output and "nothing was written" in result.output
    assert snapshot(vault) == before


def test_a_note_whose_front_matter_does_not_parse_is_left_alone(make_vault) -> None:
    vault = make_vault({"todo.md": "---\ntags: [a\n---\n- [ ] call Kim\n"})
    before = snapshot(vault)
    result = run(vault, "done", id_of(vault, "task"), "--today", TODAY)
    assert result.exit_code == 1
    assert "todo.md:" in result.output and "nothing was written" in result.output
    assert snapshot(vault) == before


def test_a_front_matter_value_done_cannot_replace_as_a_line_is_refused(make_vault) -> None:
    text = "---\ntype: interview\ndate: 2026-11-10\nwith: \"[[Kim]]\"\nthank_you:\n---\n"
    vault = make_vault({"interviews/x.md": text, "contacts/Kim.md": "---\ntype: contact\n---\n"})
    ident = id_of(vault, "thank-you")
    # The user makes thank_you a list before `done` writes it.
    (vault / "notes/interviews/x.md").write_text(text.replace("thank_you:\n",
                                                              "thank_you:\n  - soon\n"))
    before = snapshot(vault)
    result = run(vault, "done", ident, "--today", TODAY)
    assert result.exit_code == 1
    assert "interviews/x.md:5: thank_you's value runs over several lines" in result.output
    assert snapshot(vault) == before


def test_a_read_only_note_is_refused(vault: Path) -> None:
    path = vault / "notes" / CONVERSATION
    ident = id_of(vault, "thank-you")
    path.chmod(0o444)
    try:
        result = run(vault, "done", ident, "--today", TODAY)
    finally:
        path.chmod(0o644)
    assert result.exit_code == 1
    assert "the note is read-only" in result.output and "nothing was written" in result.output
    assert read(vault, CONVERSATION) == CONVERSATION_TEXT


def test_a_note_leading_out_of_the_vault_is_never_written(make_vault, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# Out\n- [ ] call Kim\n", encoding="utf-8")
    vault = make_vault({"a.md": "# A\n"})
    (vault / "notes" / "todo.md").symlink_to(outside)
    # The walk leaves the note out: it has no follow-up, so no id names it.
    assert not listed(vault)
    result = run(vault, "done", "abcd", "--today", TODAY)
    assert result.exit_code == 1
    assert outside.read_text(encoding="utf-8") == "# Out\n- [ ] call Kim\n"


# --- the user saves between the read and the write --------------------------------------------


def _user_saves(monkeypatch, vault: Path, rel: str, new_text: str) -> None:
    """The user saves `rel` as `new_text` just after the vault was read."""
    real = followup_edits.load_index

    def load_then_save(*args, **kwargs):
        index = real(*args, **kwargs)
        (vault / "notes" / rel).write_bytes(new_text.encode("utf-8"))
        return index

    monkeypatch.setattr(followup_edits, "load_index", load_then_save)


def test_a_save_made_after_the_read_is_kept_by_done(vault: Path, monkeypatch) -> None:
    ident = id_of(vault, "thank-you")
    saved = CONVERSATION_TEXT + "\nThey also said: write it down.\n"
    _user_saves(monkeypatch, vault, CONVERSATION, saved)
    result = run(vault, "done", ident, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert read(vault, CONVERSATION) == saved.replace("---\n# A", "thank_you: 2026-12-01\n---\n# A")


def test_a_task_moved_by_the_user_is_ticked_where_it_now_is(vault: Path, monkeypatch) -> None:
    ident = id_of(vault, "task", title="article")
    saved = JANE_TEXT.replace("# Jane Doe\n", "# Jane Doe\n\nA new paragraph.\n")
    _user_saves(monkeypatch, vault, JANE, saved)
    result = run(vault, "done", ident, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert read(vault, JANE) == saved.replace("- [ ] Send Jane the article 📅 2026-11-20",
                                              "- [x] Send Jane the article 📅 2026-11-20 "
                                              "✅ 2026-12-01")
    assert f"{JANE}:12:" in result.output


@pytest.mark.parametrize("change", [
    # the task's text edited: it is no longer the task the id named
    lambda t: t.replace("Send Jane the article", "Send Jane the book"),
    # ticked by the user meanwhile
    lambda t: t.replace("- [ ] Send Jane", "- [x] Send Jane"),
    # written twice, and moved: which one was meant is no longer known
    lambda t: t.replace("# Jane Doe\n", "# Jane Doe\n- [ ] Send Jane the article 📅 2026-11-20 "
                                        "^send\n"),
])
def test_a_task_changed_by_the_user_is_refused_not_guessed(vault: Path, monkeypatch,
                                                           change) -> None:
    ident = id_of(vault, "task", title="article")
    saved = change(JANE_TEXT)
    _user_saves(monkeypatch, vault, JANE, saved)
    result = run(vault, "done", ident, "--today", TODAY)
    assert result.exit_code == 1
    assert "is no longer on that line" in result.output
    assert "nothing was written" in result.output
    assert read(vault, JANE) == saved


def test_a_note_that_keeps_changing_is_left_as_the_user_saved_it(vault: Path,
                                                                 monkeypatch) -> None:
    ident = id_of(vault, "thank-you")
    path = vault / "notes" / CONVERSATION
    real = followup_edits.set_key
    saves = iter(range(1000))

    def set_while_user_saves(text, key, value, where):
        new = real(text, key, value, where)
        stamp = next(saves)
        path.write_text(CONVERSATION_TEXT + f"edit {stamp}\n", encoding="utf-8")
        os.utime(path, ns=(stamp * 10**9, stamp * 10**9))
        return new

    monkeypatch.setattr(followup_edits, "set_key", set_while_user_saves)
    result = run(vault, "done", ident, "--today", TODAY)
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert "thank_you" not in read(vault, CONVERSATION)
    assert read(vault, CONVERSATION).startswith(CONVERSATION_TEXT + "edit ")


# --- snooze -----------------------------------------------------------------------------------


def test_snooze_schedules_a_task_and_replaces_its_scheduled_date(vault: Path) -> None:
    ident = id_of(vault, "task", title="article")
    result = run(vault, "snooze", ident, "--until", "2026-12-10", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert one_line_changed(JANE_TEXT, read(vault, JANE))[1] == [
        "- [ ] Send Jane the article 📅 2026-11-20 ⏳ 2026-12-10 ^send\n"]
    assert ident not in [f["id"] for f in listed(vault)]
    assert ident in [f["id"] for f in listed(vault, "2026-12-10")]
    # Snoozed again later: the one ⏳ date moves.
    result = run(vault, "snooze", ident, "--until", "2026-12-20", "--today", "2026-12-10")
    assert result.exit_code == 0, result.output
    assert "- [ ] Send Jane the article 📅 2026-11-20 ⏳ 2026-12-20 ^send\n" in read(vault, JANE)


def test_snooze_replaces_a_dataview_scheduled_field(make_vault) -> None:
    vault = make_vault({"todo.md": "- [ ] call Kim [scheduled:: 2026-11-01] [due:: 2026-11-03]\n"})
    result = run(vault, "snooze", id_of(vault, "task"), "--until", "2026-12-09", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert read(vault, "todo.md") == "- [ ] call Kim [scheduled:: 2026-12-09] [due:: 2026-11-03]\n"


DERIVED = [
    ("thank-you", CONVERSATION), ("thank-introducer", JANE), ("keep-in-touch", JANE),
    ("reach-out", "contacts/Ana Ruiz.md"), ("nudge", "contacts/Sam Roe.md"),
    ("no-reply", "contacts/Tom Poe.md"), ("prepare", "interviews/2026-12-20 Kim Lee.md"),
    ("update-status", "interviews/2026-11-25 Kim Lee.md"), ("add-referral", CONVERSATION),
    ("explore-or-drop", "careers/Law.md"),
]


@pytest.mark.parametrize("kind, note", DERIVED)
def test_a_snoozed_follow_up_of_every_kind_is_gone_until_the_day_and_back_then(
        vault: Path, kind: str, note: str) -> None:
    ident = id_of(vault, kind, note)
    old = read(vault, note)
    result = run(vault, "snooze", ident, "--until", "2026-12-08", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"snoozed until 2026-12-08 in {note}:")
    removed, added = one_line_changed(old, read(vault, note))
    assert removed == [] and [line.rstrip("\r\n") for line in added] == [
        "snoozed_until: 2026-12-08"]
    for day in (TODAY, "2026-12-07"):
        assert ident not in [f["id"] for f in listed(vault, day)]
    for day in ("2026-12-08", "2026-12-09"):
        assert ident in [f["id"] for f in listed(vault, day)]


def test_snooze_hides_every_derived_follow_up_of_the_note_and_says_so(vault: Path) -> None:
    ident = id_of(vault, "thank-introducer")
    result = run(vault, "snooze", ident, "--until", "2026-12-08", "--today", TODAY)
    assert result.exit_code == 0
    assert "also hidden until then: Get back in touch with Jane Doe" in result.output
    shown = listed(vault)
    assert not [f for f in shown if f["note"] == JANE and f["kind"] != "task"]
    # Its tasks are snoozed one by one, with their own ⏳.
    assert [f["title"] for f in shown if f["note"] == JANE] == [
        "Send Jane the article", "Read her post"]


def test_a_snooze_date_written_by_hand_in_the_past_or_bad_is_harmless(make_vault) -> None:
    vault = make_vault({"contacts/Sam Roe.md": "---\ntype: contact\nasked: 2026-11-01\n"
                                               "snoozed_until: 2026-11-02\n---\n"})
    assert [f["kind"] for f in listed(vault)] == ["nudge"]
    (vault / "notes/contacts/Sam Roe.md").write_text(
        "---\ntype: contact\nasked: 2026-11-01\nsnoozed_until: someday\n---\n")
    assert [f["kind"] for f in listed(vault)] == ["nudge"]
    result = run(vault, "check")
    assert "snoozed_until: 'someday' is not a date" in result.output


def test_a_snooze_leaves_the_generated_blocks_as_they_were(vault: Path) -> None:
    assert run(vault, "fill").exit_code == 0
    ident = id_of(vault, "thank-introducer")
    assert run(vault, "snooze", ident, "--until", "2026-12-08", "--today", TODAY).exit_code == 0
    check = run(vault, "fill", "--check")
    assert check.exit_code == 0, check.output


def test_after_done_one_fill_brings_the_blocks_up_to_date_and_check_stays_clean(
        vault: Path) -> None:
    assert run(vault, "fill").exit_code == 0
    assert run(vault, "done", id_of(vault, "thank-you"), "--today", TODAY).exit_code == 0
    assert run(vault, "done", id_of(vault, "task", title="article"),
               "--today", TODAY).exit_code == 0
    assert run(vault, "fill").exit_code == 0
    check = run(vault, "fill", "--check")
    assert check.exit_code == 0, check.output
    # Done wrote nothing inside a block: its lines are the only ones that differ from the
    # note filled before, apart from the block itself.
    assert "✅ 2026-12-01" in read(vault, JANE)


# --- the promises, as properties ---------------------------------------------------------------

LINE = st.text(st.sampled_from("ab #-*[]x✅⏳📅^\t"), max_size=12)


@given(st.lists(LINE, max_size=4), st.lists(LINE, max_size=4),
       st.text(st.sampled_from("abc [](){}:^"), min_size=1, max_size=15).map(str.strip)
       .filter(bool),
       st.sampled_from(["\n", "\r\n"]), st.sampled_from(["", "\n"]), st.sampled_from(["", " ^id"]),
       st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))
def test_done_and_snooze_change_the_task_line_only(above, below, words, nl, end, ident,
                                                   day) -> None:
    task_line = f"- [ ] task {words}{ident}"
    text = nl.join(["# Note", *above, "", task_line, "", *below]) + end
    note = parse_note("n.md", text)
    task = next((t for t in note.tasks if t.line == len(above) + 3), None)
    if task is None or task.done or read_task_text(task.text).problems:
        return  # the drawn lines made it something else (a fence, a comment)
    for edit, sign in ((followup_edits._tick, "✅"), (followup_edits._schedule, "⏳")):
        new, line = edit("n.md", text, task, day)
        assert line == task.line
        old_lines, new_lines = split_lines(text), split_lines(new)
        assert len(old_lines) == len(new_lines)
        assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True))
                if a != b] == [line - 1]
        changed = new_lines[line - 1]
        assert f"{sign} {day.isoformat()}" in changed
        assert changed.startswith("- [x] " if sign == "✅" else "- [ ] ")
        # A date goes before a block id: the one written, or words that end as one (`^a`).
        block_id = re.search(r" \^[A-Za-z0-9-]+$", task_line)
        assert changed.rstrip("\r\n").endswith(
            block_id.group(0) if block_id else f"{sign} {day.isoformat()}")


def test_the_rules_see_a_snooze_as_a_shown_from_day_and_blocks_as_before(vault: Path) -> None:
    index = load_index(find_vault(vault))
    before = open_followups(index)
    path = vault / "notes" / JANE
    path.write_text(JANE_TEXT.replace("type: contact\n",
                                      "type: contact\nsnoozed_until: 2026-12-08\n"))
    index = load_index(find_vault(vault))
    after = open_followups(index)
    # The same items, due as before (what blocks show); only the day they are shown from moved.
    assert [(f.kind, f.due, f.title) for f in after] == [(f.kind, f.due, f.title) for f in before]
    mine = [f for f in after if f.note == JANE]
    assert {f.kind: f.shown_from for f in mine if f.kind != "task"} == {
        "keep-in-touch": dt.date(2026, 12, 8), "thank-introducer": dt.date(2026, 12, 8)}
    assert all(f.shown_from is None for f in mine if f.kind == "task")
    timed = {t.followup.kind: t.shown_from for t in timed_followups(index)
             if t.followup.note == JANE}
    assert timed["thank-introducer"] == dt.date(2026, 12, 8)  # the site's data-from


def test_an_id_holding_escape_sequences_is_shown_not_obeyed(vault: Path) -> None:
    result = run(vault, "done", "\x1b[2J\x1b]0;owned\x07abcd", "--today", TODAY)
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "No follow-up with id" in result.output


def test_a_task_in_a_long_note_is_ticked_without_touching_the_others(make_vault) -> None:
    lines = [f"- [ ] task number {i}" for i in range(5000)]
    text = "# Many\n" + "\n".join(lines) + "\n"
    vault = make_vault({"many.md": text})
    ident = id_of(vault, "task", title="task number 4999")
    result = run(vault, "done", ident, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert read(vault, "many.md") == text.replace("- [ ] task number 4999\n",
                                                  "- [x] task number 4999 ✅ 2026-12-01\n")


def test_a_recurring_task_is_ticked_with_a_note_that_its_next_occurrence_is_not_added(
        make_vault) -> None:
    vault = make_vault({"todo.md": "- [ ] water the plants 🔁 every week 📅 2026-11-30\n"})
    result = run(vault, "done", id_of(vault, "task"), "--today", TODAY)
    assert result.exit_code == 0
    assert read(vault, "todo.md") == (
        "- [x] water the plants 🔁 every week 📅 2026-11-30 ✅ 2026-12-01\n")
    assert "its next occurrence was not added" in result.stderr


def test_the_feed_that_moves_overdue_items_puts_a_snoozed_one_on_its_day(vault: Path) -> None:
    from vault_tools.export.ics import FeedSettings, feed_events

    ident = id_of(vault, "thank-you")
    assert run(vault, "snooze", ident, "--until", "2026-12-08", "--today", TODAY).exit_code == 0
    index = load_index(find_vault(vault))
    thanks = [e for e in feed_events(index, settings=FeedSettings(overdue_today=True),
                                     today=dt.date(2026, 12, 1)) if "thank-you" in e.summary]
    assert [(e.day, e.description[:25]) for e in thanks] == [
        (dt.date(2026, 12, 8), "Overdue: due 2026-11-11. ")]
    # The clock-free feed keeps its due date.
    assert [e.day for e in feed_events(index) if "thank-you" in e.summary] == [
        dt.date(2026, 11, 11)]


# --- found by attacking the landed work -------------------------------------------------------


@pytest.mark.parametrize("command, saved_line", [
    (["done", "{id}"], "thank_you: 2026-11-28  # sent from my phone"),
    (["snooze", "{id}", "--until", "2026-12-24"], "snoozed_until: 2026-12-03"),
])
def test_a_value_the_user_wrote_after_the_read_is_not_overwritten(
        vault: Path, monkeypatch, command: list[str], saved_line: str) -> None:
    """The command replaces only the value it read: one the user saved since (the thank-you
    recorded by hand meanwhile) is theirs, and the command refuses rather than overwrite it."""
    ident = id_of(vault, "thank-you")
    saved = CONVERSATION_TEXT.replace("---\n# A", f"{saved_line}\n---\n# A")
    _user_saves(monkeypatch, vault, CONVERSATION, saved)
    result = run(vault, *[a.format(id=ident) for a in command], "--today", TODAY)
    assert result.exit_code == 1, result.output
    key, value = saved_line.split()[0].rstrip(":"), saved_line.split()[1]
    assert (f"{CONVERSATION}:8: {key} was changed since the command read the note "
            f"(it is now '{value}', was absent)") in result.output
    assert "nothing was written" in result.output
    assert read(vault, CONVERSATION) == saved


def test_done_replaces_the_done_date_an_unticked_task_still_carries(make_vault) -> None:
    """A task unticked by hand keeps the Tasks plugin's old ✅ date; ticking it again records
    the new day in its place, not a second ✅ that readers would skip (the first counts)."""
    vault = make_vault({"todo.md": "# T\n\n- [ ] call Kim ✅ 2026-01-05 ^k\n"})
    result = run(vault, "done", id_of(vault, "task"), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert read(vault, "todo.md") == "# T\n\n- [x] call Kim ✅ 2026-12-01 ^k\n"


def test_the_dry_run_diff_of_a_note_without_a_final_newline_keeps_its_lines_apart(
        make_vault) -> None:
    vault = make_vault({"todo.md": "# T\n\n- [ ] call Kim"})
    result = run(vault, "done", id_of(vault, "task"), "--dry-run", "--today", TODAY)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "-- [ ] call Kim" in lines
    assert "+- [x] call Kim ✅ 2026-12-01" in lines
    assert lines.count("\\ No newline at end of file") == 2


def test_an_id_prefix_that_names_several_items_says_so(make_vault) -> None:
    # Enough tasks that two ids share their first four characters (the ids are a hash of the
    # text: the same every run).
    tasks = [FollowUp("task", None, f"task {n}", "todo.md", n + 3) for n in range(3000)]
    firsts: dict[str, int] = {}
    for n, fid in enumerate(followup_ids(tasks)):
        if fid[:4] in firsts:
            break
        firsts[fid[:4]] = n
    count = n + 1
    vault = make_vault({"todo.md": "# T\n\n" + "".join(f"- [ ] task {i}\n" for i in range(count))})
    shared = followup_ids(tasks[:count])[n][:4]
    before = snapshot(vault)
    result = run(vault, "done", shared.upper(), "--today", TODAY)
    assert result.exit_code == 1
    assert f"The id {shared.upper()!r} is the start of 2 follow-ups' ids; give more of it" in (
        result.output)
    assert snapshot(vault) == before


@pytest.mark.parametrize("kind, title, then, written", [
    ("thank-you", "", ["done", "{id}"], "thank_you: 2026-12-01\n"),
    ("thank-you", "", ["snooze", "{id}", "--until", "2026-12-03"], "snoozed_until: 2026-12-03\n"),
    ("task", "article", ["done", "{id}"],
     "- [x] Send Jane the article 📅 2026-11-20 ⏳ 2026-12-08 ✅ 2026-12-01 ^send\n"),
    ("task", "article", ["snooze", "{id}", "--until", "2026-12-20"],
     "- [ ] Send Jane the article 📅 2026-11-20 ⏳ 2026-12-20 ^send\n"),
])
def test_a_snoozed_item_keeps_its_id_for_done_and_for_another_snooze(
        vault: Path, kind: str, title: str, then: list[str], written: str) -> None:
    """Snoozed, then done the next day (the thank-you sent after all), or snoozed again: the id
    `followups` showed still names it, though the list hides it until the day."""
    ident = id_of(vault, kind, title=title)
    assert run(vault, "snooze", ident, "--until", "2026-12-08", "--today", TODAY).exit_code == 0
    assert ident not in [f["id"] for f in listed(vault)]
    result = run(vault, *[a.format(id=ident) for a in then], "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert written in read(vault, JANE if kind == "task" else CONVERSATION)


def test_an_item_gone_for_good_has_no_id_though_it_once_showed(vault: Path) -> None:
    # A planned conversation's `prepare` stops on its day: after it, its id names nothing.
    ident = id_of(vault, "prepare", today="2026-12-19")
    result = run(vault, "snooze", ident, "--until", "2026-12-30", "--today", "2026-12-22")
    assert result.exit_code == 1
    assert "No follow-up with id" in result.output


@pytest.mark.parametrize("task, words, done", [
    # a date sign inside a link's shown text or address, a code span or a comment is words,
    # not a field: the field is added after them, or the task refused, never the words edited
    ("- [ ] see [[Note|✅ 2020-01-01]] now", "[[Note|✅ 2020-01-01]]",
     "- [x] see [[Note|✅ 2020-01-01]] now ✅ 2026-12-01"),
    ("- [ ] code `✅ 2020-01-01` x %%✅ 2020-02-02%%", "`✅ 2020-01-01` x %%✅ 2020-02-02%%",
     "- [x] code `✅ 2020-01-01` x %%✅ 2020-02-02%% ✅ 2026-12-01"),
    ("- [ ] see [the ⏳ 2020-01-01 post](http://x.y/⏳ 2020-01-01) now",
     "[the ⏳ 2020-01-01 post](http://x.y/⏳ 2020-01-01)", None),
    ("- [ ] code `⏳ 2020-01-01` x", "`⏳ 2020-01-01`", None),
])
def test_a_date_sign_in_a_link_code_or_comment_of_a_task_is_never_rewritten(
        make_vault, task: str, words: str, done: str | None) -> None:
    for command in (["done", "{id}"], ["snooze", "{id}", "--until", "2026-12-05"]):
        vault = make_vault({"t.md": f"# T\n\n{task}\n"})
        ident = id_of(vault, "task")
        result = run(vault, *[a.format(id=ident) for a in command], "--today", TODAY)
        text = read(vault, "t.md")
        assert words in text, (result.output, text)
        if command[0] == "done" and done is not None:
            assert result.exit_code == 0, result.output
            assert text == f"# T\n\n{done}\n"


def test_done_says_the_generated_blocks_catch_up_at_the_next_fill(vault: Path) -> None:
    """The Follow-ups note and the blocks `fill` wrote keep listing a done item until the next
    fill (or at once under `watch`): done says so, where there are blocks, rather than leave
    the user wondering why the Follow-ups note still shows it."""
    assert run(vault, "fill").exit_code == 0
    result = run(vault, "done", id_of(vault, "thank-you"), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert ("Note: the generated blocks listing it (the Follow-ups note among them) are brought "
            "up to date by the next `vault-tools fill`, or at once while `vault-tools watch` "
            "runs.") in result.stderr
    # A snooze changes no block: nothing to say.
    result = run(vault, "snooze", id_of(vault, "nudge"), "--until", "2026-12-24", "--today", TODAY)
    assert result.exit_code == 0 and not result.stderr
