"""The facts of each contact (§12): the interaction log, daily-note touches, the last
interaction keep-in-touch runs from, and the pipeline stage."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from vault_tools import schema
from vault_tools.export.contacts_csv import contact_rows
from vault_tools.fill import plan_fill
from vault_tools.followups import (
    CONVERSATION,
    DAILY_NOTE,
    LAST_CONTACT,
    LOG,
    last_interaction,
    latest_interaction,
    open_followups,
)
from vault_tools.index import VaultIndex
from vault_tools.network import Stage, days_in, pipeline, stage
from vault_tools.notes import LogItem
from vault_tools.parse import parse_note
from vault_tools.refresh import FollowUpCache, apply_updates, notes_to_refresh, plan_refresh
from vault_tools.views.common import SiteView
from vault_tools.views.people import last_public_interaction

D = dt.date
JANE = "contacts/Jane Doe.md"
SAM = "contacts/Sam Lee.md"


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def contact(body: str = "", **fields: str) -> str:
    front = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"---\ntype: contact\n{front}---\n{body}"


def interview(date: str, with_: str, status: str = "done", private: bool = False) -> str:
    extra = "private: true\n" if private else ""
    return (f"---\ntype: interview\ndate: {date}\nwith: \"[[{with_}]]\"\nstatus: {status}\n"
            f"thank_you: {date}\n{extra}---\n")


def log_of(body: str) -> list[tuple[D, str | None, str]]:
    note = parse_note(JANE, contact(body))
    return [(item.day, item.kind, item.text) for item in note.log]


def keep_in_touch(index: VaultIndex, path: str = JANE):
    found = [f for f in open_followups(index) if f.kind == schema.KEEP_IN_TOUCH
             and f.contact == path]
    assert len(found) == 1, found
    return found[0]


# --- the interaction log --------------------------------------------------------------------------


def test_a_dated_item_under_the_log_heading_is_read_with_its_kind_and_text() -> None:
    note = parse_note(JANE, contact("## Log\n\n- 2026-11-20 email: sent the article\n"))
    assert note.log == (LogItem(D(2026, 11, 20), "email", "sent the article", 6),)


def test_dated_items_without_a_log_heading_are_no_log() -> None:
    assert log_of("- 2026-11-20 email: sent the article\n## Notes\n- 2026-11-21 call\n") == []


def test_a_heading_that_only_starts_with_log_is_not_the_log() -> None:
    assert log_of("## Logistics\n- 2026-11-20 call: parking\n## Log book\n- 2026-11-21 x\n") == []


def test_the_log_heading_is_any_level_and_any_case() -> None:
    assert log_of("#### LOG\n- 2026-11-20 call: yes\n") == [(D(2026, 11, 20), "call", "yes")]


def test_a_deeper_heading_continues_the_section_one_as_high_ends_it() -> None:
    body = ("## Log\n- 2026-11-01 a\n### 2025\n- 2025-05-01 b\n## Notes\n- 2026-11-02 c\n"
            "### Log\n- 2026-11-03 d\n# Top\n- 2026-11-04 e\n")
    assert [text for _, _, text in log_of(body)] == ["a", "b", "d"]


def test_a_higher_heading_ends_a_deep_log_section() -> None:
    body = "### Log\n- 2026-11-01 a\n## Next\n- 2026-11-02 b\n"
    assert [text for _, _, text in log_of(body)] == ["a"]


def test_items_in_code_comments_and_generated_blocks_are_not_counted() -> None:
    body = (
        "## Log\n"
        "```\n- 2026-11-01 in a fence\n```\n"
        "%% - 2026-11-02 in a comment %%\n"
        "%%\n- 2026-11-03 in a long comment\n%%\n"
        "<!-- - 2026-11-04 in an HTML comment -->\n"
        "<!-- vault-tools:related -->\n- 2026-11-05 in a block\n<!-- /vault-tools:related -->\n"
        "- 2026-11-06 counted\n"
    )
    assert log_of(body) == [(D(2026, 11, 6), None, "counted")]


def test_a_comment_inside_an_item_leaves_its_text_out() -> None:
    assert log_of("## Log\n- 2026-11-20 call: about %% the raise %% the role\n") == [
        (D(2026, 11, 20), "call", "about the role")]


def test_a_day_the_calendar_lacks_is_a_warning_naming_file_and_line_and_no_item() -> None:
    note = parse_note(JANE, contact("## Log\n- 2026-02-30 call: hello\n- 2026-03-01 ok\n",
                                    cadence="30d"))
    assert [item.day for item in note.log] == [D(2026, 3, 1)]
    [diag] = note.diagnostics
    assert (diag.path, diag.line, diag.severity, diag.code) == (JANE, 6, "warning", "bad-date")
    assert "2026-02-30" in diag.message
    assert last_interaction(VaultIndex([note]), JANE) == D(2026, 3, 1)


def test_the_kind_is_optional_one_word_lower_cased_hyphens_allowed() -> None:
    body = ("## Log\n- 2026-11-01 sent the article\n- 2026-11-02 Coffee-Chat: at noon\n"
            "- 2026-11-03: email: thanks\n- 2026-11-04 — met at the fair\n"
            "- 2026-11-05 said: two words: not a kind\n- 2026-11-06 call:\n")
    assert log_of(body) == [
        (D(2026, 11, 1), None, "sent the article"),
        (D(2026, 11, 2), "coffee-chat", "at noon"),
        (D(2026, 11, 3), "email", "thanks"),
        (D(2026, 11, 4), None, "met at the fair"),
        (D(2026, 11, 5), "said", "two words: not a kind"),
        (D(2026, 11, 6), "call", ""),
    ]


def test_every_bullet_a_date_link_and_a_time_of_day_are_read() -> None:
    body = ("## Log\n* 2026-11-01 a\n+ 2026-11-02 b\n1. 2026-11-03 c\n- [[2026-11-04]] call: d\n"
            "- [[2026-11-05|Friday]] e\n- 2026-11-06T09:30 f\n- 2026-11-07 18:00 g\n")
    assert [(day.day, text) for day, _, text in log_of(body)] == [
        (1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e"), (6, "f"), (7, "g")]


def test_tasks_and_items_that_do_not_start_with_a_date_are_no_log_items() -> None:
    body = ("## Log\n- [ ] 2026-11-01 call back\n- [x] 2026-11-02 done\n- met on 2026-11-03\n"
            "- 2026-11-040 typo\n- 20261105 no dashes\n")
    assert log_of(body) == []


def test_a_log_item_restarts_keeping_in_touch() -> None:
    index = index_of({JANE: contact("## Log\n- 2026-11-20 email: sent the article\n",
                                    cadence="30d", last_contact="2026-10-01")})
    followup = keep_in_touch(index)
    assert followup.due == D(2026, 12, 20) and not followup.private
    assert latest_interaction(index, JANE)[2:] == (LOG, 7)


def test_a_log_item_the_same_day_as_last_contact_counts_once_from_the_front_matter() -> None:
    index = index_of({JANE: contact("## Log\n- 2026-11-20 call: caught up\n",
                                    cadence="6w", last_contact="2026-11-20")})
    assert keep_in_touch(index).due == D(2027, 1, 1)
    assert latest_interaction(index, JANE).how == LAST_CONTACT


def test_the_latest_log_item_counts_whatever_order_they_are_written_in() -> None:
    days = [D(2020, 1, 1) + dt.timedelta(days=n * 7) for n in range(2000)]
    shuffled = days[1000:] + days[:1000]
    body = "## Log\n" + "".join(f"- {day.isoformat()} email: note {n}\n"
                                for n, day in enumerate(shuffled))
    start = time.process_time()
    note = parse_note(JANE, contact(body, cadence="30d"))
    assert time.process_time() - start < 2.0  # linear: ~10 ms here
    assert len(note.log) == 2000
    assert last_interaction(VaultIndex([note]), JANE) == max(days)


def test_a_log_in_another_note_is_not_the_contacts() -> None:
    index = index_of({JANE: contact(cadence="30d"),
                      "notes/Project.md": "## Log\n- 2026-11-20 talked to [[Jane Doe]]\n"})
    assert last_interaction(index, JANE) is None


# --- daily-note touches ---------------------------------------------------------------------------


def test_a_link_in_a_note_named_for_its_day_is_a_touch_that_day_in_any_folder() -> None:
    for path in ("2026-11-20.md", "Daily/2026/2026-11-20.md"):
        index = index_of({JANE: contact(cadence="30d"), path: "Coffee with [[Jane Doe]].\n"})
        assert latest_interaction(index, JANE)[::2] == (D(2026, 11, 20), DAILY_NOTE)
        assert keep_in_touch(index).due == D(2026, 12, 20)


def test_a_journal_note_with_a_date_is_a_daily_note() -> None:
    journal = "---\ntype: journal\ndate: 2026-11-19\n---\nCalled [[Jane Doe]].\n"
    index = index_of({JANE: contact(cadence="30d"), "journal/Thursday.md": journal})
    assert last_interaction(index, JANE) == D(2026, 11, 19)


def test_notes_that_are_not_daily_notes_are_no_touch() -> None:
    files = {
        JANE: contact(cadence="30d"),
        "notes/Thursday.md": "---\ntype: journal\n---\nCalled [[Jane Doe]].\n",  # no date
        "notes/2026-02-30.md": "Called [[Jane Doe]].\n",  # not a day
        "notes/2026-11-20 standup.md": "Called [[Jane Doe]].\n",  # more than a date
        "notes/Ideas.md": "---\ndate: 2026-11-21\n---\nCalled [[Jane Doe]].\n",  # no journal
    }
    assert last_interaction(index_of(files), JANE) is None


def test_a_link_on_an_open_task_line_is_a_plan_not_a_touch_a_done_one_is() -> None:
    files = {JANE: contact(cadence="30d"), SAM: contact(cadence="30d"),
             "daily/2026-11-20.md": "- [ ] call [[Jane Doe]]\n- [x] called [[Sam Lee]]\n",
             "daily/2026-11-21.md": "- [ ] call [[Jane Doe]]\n  (met [[Jane Doe]] at lunch)\n"}
    index = index_of(files)
    assert last_interaction(index, SAM) == D(2026, 11, 20)
    assert last_interaction(index, JANE) == D(2026, 11, 21)
    assert latest_interaction(index, JANE).line == 2


def test_a_link_in_a_daily_notes_front_matter_is_not_a_touch() -> None:
    daily = '---\nattendees: "[[Jane Doe]]"\ncompany: "[[Jane Doe]]"\n---\nA quiet day.\n'
    index = index_of({JANE: contact(cadence="30d"), "daily/2026-11-20.md": daily})
    assert last_interaction(index, JANE) is None


def test_a_daily_note_dated_ahead_counts_as_written() -> None:
    # The rules read no clock (blocks stay byte-stable); a plan is written as an open task.
    index = index_of({JANE: contact(cadence="30d", last_contact="2026-11-01"),
                      "daily/2099-01-01.md": "Lunch with [[Jane Doe]].\n"})
    assert last_interaction(index, JANE) == D(2099, 1, 1)


def test_a_private_daily_note_holding_the_last_touch_makes_keep_in_touch_private() -> None:
    files = {JANE: contact(cadence="30d", last_contact="2026-11-01"),
             "daily/2026-11-20.md": "---\nprivate: true\n---\nTherapy, then [[Jane Doe]].\n"}
    index = index_of(files)
    followup = keep_in_touch(index)
    assert followup.due == D(2026, 12, 20) and followup.private
    # The site shows only what it may: the public date.
    view = SiteView(index)
    assert last_public_interaction(view, index.notes[JANE]) == D(2026, 11, 1)


def test_a_later_public_touch_makes_keep_in_touch_public_again() -> None:
    files = {JANE: contact("## Log\n- 2026-11-25 email: hello\n", cadence="30d"),
             "daily/2026-11-20.md": "---\nprivate: true\n---\n[[Jane Doe]]\n"}
    followup = keep_in_touch(index_of(files))
    assert followup.due == D(2026, 12, 25) and not followup.private


def test_a_done_conversation_on_the_same_day_as_a_daily_touch_is_the_conversation() -> None:
    files = {JANE: contact(cadence="30d"),
             "interviews/Coffee.md": interview("2026-11-20", "Jane Doe"),
             "daily/2026-11-20.md": "---\nprivate: true\n---\nCoffee with [[Jane Doe]].\n"}
    index = index_of(files)
    assert latest_interaction(index, JANE).how == CONVERSATION
    assert not keep_in_touch(index).private


# --- stages ---------------------------------------------------------------------------------------


def stage_of(files: dict[str, str], path: str = JANE) -> Stage:
    index = index_of(files)
    return stage(index, index.notes[path])


def test_nobody_asked_or_met_is_to_contact_derived() -> None:
    assert stage_of({JANE: contact()}) == Stage(schema.TO_CONTACT, True, None)


def test_asked_without_a_conversation_is_asked_since_the_ask() -> None:
    assert stage_of({JANE: contact(asked="2026-11-02")}) == Stage(
        schema.ASKED, True, D(2026, 11, 2))
    # A reply with no conversation written up is still an open ask.
    assert stage_of({JANE: contact(asked="2026-11-02", replied="2026-11-04")}).name == "asked"
    assert stage_of({JANE: contact(nudged="2026-11-09")}) == Stage("asked", True, D(2026, 11, 9))


def test_a_done_conversation_is_met_since_the_last_one() -> None:
    files = {JANE: contact(asked="2026-10-01", last_contact="2026-12-01"),
             "interviews/a.md": interview("2026-10-10", "Jane Doe"),
             "interviews/b.md": interview("2026-11-10", "Jane Doe"),
             "interviews/c.md": interview("2026-11-30", "Jane Doe", "cancelled")}
    assert stage_of(files) == Stage(schema.MET, True, D(2026, 11, 10))


def test_a_planned_conversation_is_scheduled_even_after_a_done_one() -> None:
    files = {JANE: contact(asked="2026-10-01", replied="2026-10-03"),
             "interviews/a.md": interview("2026-10-10", "Jane Doe"),
             "interviews/b.md": interview("2026-12-10", "Jane Doe", "planned")}
    assert stage_of(files) == Stage(schema.SCHEDULED, True, D(2026, 10, 3))
    files[JANE] = contact()
    assert stage_of(files) == Stage(schema.SCHEDULED, True, None)


def test_a_written_status_wins_over_the_facts() -> None:
    files = {JANE: contact(status="declined", asked="2026-10-01", replied="2026-10-05"),
             "interviews/b.md": interview("2026-12-10", "Jane Doe", "planned")}
    assert stage_of(files) == Stage(schema.DECLINED, False, D(2026, 10, 5))
    files[JANE] = contact(status="Keep-Warm")
    assert stage_of(files) == Stage(schema.KEEP_WARM, False, None)
    files[JANE] = contact(status="no-response", asked="2026-10-01", nudged="2026-10-08")
    assert stage_of(files) == Stage(schema.NO_RESPONSE, False, D(2026, 10, 8))
    files[JANE] = contact(status="met", last_contact="2026-09-09")
    assert stage_of({JANE: files[JANE]}) == Stage(schema.MET, False, D(2026, 9, 9))


def test_an_unknown_status_is_derived_from_the_facts() -> None:
    files = {JANE: contact(status="waiting", asked="2026-11-02")}
    assert stage_of(files) == Stage(schema.ASKED, True, D(2026, 11, 2))


def test_a_conversation_the_caller_may_not_show_does_not_make_the_stage() -> None:
    files = {JANE: contact(asked="2026-10-01"),
             "interviews/a.md": interview("2026-10-10", "Jane Doe", private=True)}
    index = index_of(files)
    assert stage(index, index.notes[JANE]).name == schema.MET
    public = stage(index, index.notes[JANE], shown=lambda note: not note.private)
    assert public == Stage(schema.ASKED, True, D(2026, 10, 1))


def test_days_in_stage_counts_from_the_day_it_was_entered() -> None:
    assert days_in(Stage("asked", True, D(2026, 11, 2)), D(2026, 11, 9)) == 7
    assert days_in(Stage("asked", True, D(2026, 11, 2)), D(2026, 11, 2)) == 0
    assert days_in(Stage("asked", True, D(2026, 11, 2)), D(2026, 11, 1)) == 0
    assert days_in(Stage("scheduled", True, None), D(2026, 11, 1)) is None


def test_the_pipeline_lists_every_contact_by_stage_order_with_last_touch() -> None:
    files = {
        JANE: contact(asked="2026-11-02"),
        SAM: contact(status="paused"),
        "contacts/Ann.md": contact(),
        "contacts/bea.md": "---\ntype: contact\nprivate: true\n---\n",
        "contacts/Cy.md": contact(),
        "interviews/a.md": interview("2026-10-10", "Cy"),
        "daily/2026-11-21.md": "Saw [[Cy]] at the fair.\n",
        "notes/Plain.md": "Not a contact: [[Jane Doe]]\n",
    }
    rows = pipeline(index_of(files))
    assert [(row.name, row.stage.name, row.private) for row in rows] == [
        ("Ann", "to-contact", False), ("bea", "to-contact", True), ("Jane Doe", "asked", False),
        ("Cy", "met", False), ("Sam Lee", "paused", False)]
    cy = rows[3]
    assert (cy.last_touch, cy.last_touch_from) == (D(2026, 11, 21), "daily/2026-11-21.md")
    assert (rows[2].last_touch, rows[2].last_touch_from) == (None, None)


@pytest.mark.parametrize("status", schema.CONTACT_STATUSES)
def test_every_written_status_is_its_stage(status: str) -> None:
    assert stage_of({JANE: contact(status=status)}).name == status
    assert not stage_of({JANE: contact(status=status)}).derived


# --- what a change reaches (watch, serve) ---------------------------------------------------------

DASH = "Follow-ups.md"


class Watched:
    """The watcher's loop in memory: the index, the cached follow-ups and the notes' texts,
    with each batch refreshing only the notes `notes_to_refresh` names."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = dict(texts)
        self.index = index_of(self.texts)
        self.cache = FollowUpCache(self.index)
        self._write(plan_refresh(self.index, self.texts, self.cache.all(), DASH)[0])

    def _write(self, changes) -> None:
        for change in changes:
            self.texts[change.path] = change.new
            self.index.put(parse_note(change.path, change.new))

    def save(self, changes: dict[str, str | None]) -> set[str]:
        """Apply edits (None: delete), refresh what they reach; return the refreshed paths."""
        updates = {}
        for path, text in changes.items():
            if text is None:
                del self.texts[path]
                updates[path] = None
            else:
                self.texts[path] = text
                updates[path] = parse_note(path, text)
        change = apply_updates(self.index, updates, self.cache)
        refresh = notes_to_refresh(self.index, change, DASH)
        subset = {path: self.texts[path] for path in refresh}
        self._write(plan_refresh(self.index, subset, self.cache.all(), DASH)[0])
        assert self.cache.all() == open_followups(self.index)
        full = index_of(self.texts)
        assert plan_fill(full, dict(self.texts), dashboard=DASH)[0] == []
        return refresh


def due_of(watched: Watched) -> D | None:
    return keep_in_touch(watched.index).due


def watched_vault() -> Watched:
    return Watched({JANE: contact(cadence="30d", last_contact="2026-10-01"),
                    SAM: contact(cadence="30d", last_contact="2026-10-01"),
                    DASH: "# Follow-ups\n"})


def test_a_contact_link_added_to_or_removed_from_a_daily_note_reaches_the_contact() -> None:
    watched = watched_vault()
    assert JANE in watched.save({"daily/2026-11-20.md": "Lunch with [[Jane Doe]].\n"})
    assert due_of(watched) == D(2026, 12, 20)
    assert "2026-12-20" in watched.texts[JANE]
    # The link moves to Sam: both are reached.
    reached = watched.save({"daily/2026-11-20.md": "Lunch with [[Sam Lee]].\n"})
    assert {JANE, SAM} <= reached
    assert due_of(watched) == D(2026, 10, 31)
    assert keep_in_touch(watched.index, SAM).due == D(2026, 12, 20)


def test_renaming_a_note_to_and_from_a_day_reaches_the_contacts_it_touches() -> None:
    watched = watched_vault()
    watched.save({"notes/Lunch.md": "Lunch with [[Jane Doe]].\n"})
    assert due_of(watched) == D(2026, 10, 31)
    text = watched.texts["notes/Lunch.md"]
    assert JANE in watched.save({"notes/Lunch.md": None, "daily/2026-11-20.md": text})
    assert due_of(watched) == D(2026, 12, 20)
    text = watched.texts["daily/2026-11-20.md"]
    assert JANE in watched.save({"daily/2026-11-20.md": None, "notes/Lunch.md": text})
    assert due_of(watched) == D(2026, 10, 31)


def test_a_journal_type_or_date_change_reaches_the_contacts_it_touches() -> None:
    watched = watched_vault()
    path = "journal/Thursday.md"
    watched.save({path: "---\ntype: journal\n---\nCalled [[Jane Doe]].\n"})
    assert due_of(watched) == D(2026, 10, 31)
    assert JANE in watched.save({path: "---\ntype: journal\ndate: 2026-11-19\n---\n"
                                       "Called [[Jane Doe]].\n"})
    assert due_of(watched) == D(2026, 12, 19)
    assert JANE in watched.save({path: "---\ntype: note\ndate: 2026-11-19\n---\n"
                                       "Called [[Jane Doe]].\n"})
    assert due_of(watched) == D(2026, 10, 31)


def test_a_daily_note_turning_private_reaches_the_contact() -> None:
    watched = watched_vault()
    watched.save({"daily/2026-11-20.md": "Lunch with [[Jane Doe]].\n"})
    assert not keep_in_touch(watched.index).private
    assert JANE in watched.save({"daily/2026-11-20.md": "---\nprivate: true\n---\n"
                                                        "Lunch with [[Jane Doe]].\n"})
    assert keep_in_touch(watched.index).private


def test_an_edited_log_item_reaches_the_contacts_own_block_and_the_dashboard() -> None:
    watched = watched_vault()
    old = watched.texts[JANE]
    blocks = old[old.index("<!-- vault-tools:"):]
    new = contact("## Log\n- 2026-11-25 call: caught up\n\n", cadence="30d",
                  last_contact="2026-10-01") + blocks
    assert {JANE, DASH} <= watched.save({JANE: new})
    assert due_of(watched) == D(2026, 12, 25)
    assert "2026-12-25" in watched.texts[JANE]


def test_a_conversation_turning_private_reaches_the_dashboard() -> None:
    """Only the follow-up's privacy moves (no title, no date): the dashboard must still show
    it as "a private note" from then on."""
    watched = watched_vault()
    path = "interviews/Coffee.md"
    watched.save({path: "---\ntype: interview\ndate: 2026-11-20\nwith: \"[[Jane Doe]]\"\n---\n"})
    reached = watched.save({path: "---\ntype: interview\ndate: 2026-11-20\n"
                                  "with: \"[[Jane Doe]]\"\nprivate: true\n---\n"})
    assert DASH in reached
    assert "a private note" in watched.texts[DASH]


def test_the_contacts_csv_dates_the_last_interaction_from_notes_it_may_name() -> None:
    files = {JANE: contact("## Log\n- 2026-11-02 email: hello\n"),
             "daily/2026-11-20.md": "---\nprivate: true\n---\nLunch with [[Jane Doe]].\n"}
    index = index_of(files)
    [row] = contact_rows(index)
    assert row["last_interaction"] == "2026-11-02"
    [row] = contact_rows(index, include_private=True)
    assert row["last_interaction"] == "2026-11-20"
