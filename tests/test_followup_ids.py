"""The short ids `followups` shows and `done` / `snooze` are given: stable while the item exists."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from vault_tools.followup_ids import ID_LENGTH, find_followup, followup_ids
from vault_tools.followups import FollowUp
from vault_tools.followups_report import followups_json, format_followups, group_followups


def _task(text: str, line: int, due: dt.date | None = None, note: str = "n.md") -> FollowUp:
    return FollowUp("task", due, text, note, line)


def test_an_id_survives_a_new_date_and_a_moved_line() -> None:
    before = followup_ids([_task("Call Jane", 3, dt.date(2026, 1, 1))])
    after = followup_ids([_task("Call Jane", 9, dt.date(2026, 2, 1)), _task("Other", 2)])
    assert before[0] == after[0]
    assert len(before[0]) == ID_LENGTH and before[0].isalnum() and before[0].islower()


def test_the_same_task_twice_gets_two_ids_and_each_keeps_its_own() -> None:
    ids = followup_ids([_task("Call Jane", 3), _task("Call Jane", 8)])
    assert ids[0] != ids[1]
    again = followup_ids([_task("Call Jane", 8), _task("Call Jane", 3)])
    assert again == [ids[1], ids[0]]


def test_derived_follow_ups_are_told_apart_by_kind_note_and_person() -> None:
    items = [FollowUp("thank-you", None, "Send a thank-you", "i.md", None, "c/a.md"),
             FollowUp("thank-you", None, "Send a thank-you", "i.md", None, "c/b.md"),
             FollowUp("prepare", None, "Prepare", "i.md", None, "c/a.md")]
    assert len(set(followup_ids(items))) == 3


@given(st.lists(st.tuples(st.text(max_size=12), st.integers(1, 50), st.sampled_from("abc")),
                max_size=60))
def test_no_two_items_share_an_id_and_each_id_finds_its_item(
        specs: list[tuple[str, int, str]]) -> None:
    items = [_task(text, line, note=f"{note}.md") for text, line, note in specs]
    ids = followup_ids(items)
    assert len(set(ids)) == len(ids)
    for item, fid in zip(items, ids, strict=True):
        found = find_followup(items, fid.upper() + " ")
        # Items alike in every field are the same follow-up to the reader; either may answer.
        assert found == item


def test_a_wrong_or_too_short_id_finds_nothing() -> None:
    items = [_task("Call Jane", 3)]
    fid = followup_ids(items)[0]
    assert find_followup(items, "zzzzzz") is None
    assert find_followup(items, fid[:3]) is None
    assert find_followup(items, fid[:4]) == items[0]


def test_the_command_text_and_json_carry_the_ids() -> None:
    items = [_task("Call Jane", 3, dt.date(2026, 1, 1))]
    fid = followup_ids(items)[0]
    text = format_followups(group_followups(items, dt.date(2026, 1, 1)))
    assert f"[{fid}]" in text
    assert f'"id": "{fid}"' in followups_json(items)
