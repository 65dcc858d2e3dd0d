"""The follow-ups calendar feed: valid iCalendar, stable UIDs and bytes, private left out."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import icalendar
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.export.ics import event_uid, followups_ics
from vault_tools.vault import find_vault, load_index

from .conftest import DEMO_VAULT

D = dt.date
JANE = "contacts/Jane Doe.md"
SAM = "contacts/Sam Lee.md"

FILES = {
    JANE: "---\ntype: contact\ncadence: 30d\nlast_contact: 2026-11-01\n---\n"
          "- [ ] Send Jane the article 📅 2026-12-01\n- [ ] Someday, maybe\n",
    SAM: "---\ntype: contact\ncadence: 6w\n---\nNo interaction yet.\n",
    "interviews/2026-12-10 Sam Lee.md":
        "---\ntype: interview\ndate: 2026-12-10\nwith: \"[[Sam Lee]]\"\nformat: video\n"
        "status: planned\n---\n",
    "interviews/2026-10-20 Jane Doe.md":
        "---\ntype: interview\ndate: 2026-10-20\nwith: \"[[Jane Doe]]\"\nthank_you: 2026-10-20\n"
        "---\n",
    "contacts/Secret Person.md":
        "---\ntype: contact\nprivate: true\ncadence: 30d\nlast_contact: 2026-11-02\n---\n"
        "- [ ] Ask about Bluebird 📅 2026-12-03\n",
    "interviews/2026-12-12 Secret Person.md":
        "---\ntype: interview\ndate: 2026-12-12\nwith: \"[[Secret Person]]\"\n"
        "status: planned\n---\n",
}


def feed(vault: Path, include_private: bool = False) -> bytes:
    return followups_ics(load_index(find_vault(vault)), include_private=include_private)


def events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_feed_parses_back_with_one_event_per_dated_followup_and_planned_interview(
    make_vault,
) -> None:
    found = events(feed(make_vault(FILES)))
    expected = {
        event_uid("task", JANE, 6, JANE): (D(2026, 12, 1), "Send Jane the article"),
        event_uid("keep-in-touch", JANE, None, JANE): (D(2026, 12, 1),
                                                       "Get back in touch with Jane Doe"),
        event_uid("prepare", "interviews/2026-12-10 Sam Lee.md", None, SAM): (
            D(2026, 12, 9), "Prepare for the conversation with Sam Lee"),
        event_uid("interview", "interviews/2026-12-10 Sam Lee.md", None, SAM): (
            D(2026, 12, 10), "Conversation with Sam Lee (video)"),
    }
    assert {uid: (e.decoded("dtstart"), str(e["summary"])) for uid, e in found.items()} == expected
    for event in found.values():
        # All-day events, one day long.
        assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(days=1)
        assert not isinstance(event.decoded("dtstart"), dt.datetime)


def test_undated_followups_are_left_out(make_vault) -> None:
    data = feed(make_vault(FILES))
    assert b"Someday" not in data
    assert b"Get back in touch with Sam Lee" not in data


def test_private_notes_are_left_out_unless_asked_for(make_vault) -> None:
    vault = make_vault(FILES)
    public = feed(vault)
    assert b"Secret" not in public and b"Bluebird" not in public
    everything = events(feed(vault, include_private=True))
    summaries = {str(e["summary"]) for e in everything.values()}
    # (No keep-in-touch: a conversation with them is planned.)
    assert {"Ask about Bluebird", "Conversation with Secret Person"} <= summaries


def test_reexporting_an_unchanged_vault_gives_identical_bytes(make_vault) -> None:
    vault = make_vault(FILES)
    first = feed(vault)
    # A touched file (new mtime) and a fresh index change nothing: only contents count.
    note = vault / "notes" / JANE
    os.utime(note, (1, 1))
    assert feed(vault) == first


def test_uids_survive_a_change_of_date(make_vault) -> None:
    vault = make_vault(FILES)
    before = events(feed(vault))
    note = vault / "notes" / JANE
    note.write_text(note.read_text(encoding="utf-8").replace("2026-11-01", "2026-11-15"),
                    encoding="utf-8")
    after = events(feed(vault))
    uid = event_uid("keep-in-touch", JANE, None, JANE)
    assert before.keys() == after.keys()
    assert (before[uid].decoded("dtstart"), after[uid].decoded("dtstart")) == (
        D(2026, 12, 1), D(2026, 12, 15))


def test_export_ics_writes_the_same_feed_to_stdout_and_to_a_file(make_vault, tmp_path) -> None:
    vault = make_vault(FILES)
    runner = CliRunner()
    to_stdout = runner.invoke(main, ["export", "ics", "--vault", str(vault)],
                              catch_exceptions=False)
    out = tmp_path / "followups.ics"
    to_file = runner.invoke(main, ["export", "ics", "--vault", str(vault), "-o", str(out)],
                            catch_exceptions=False)
    assert (to_stdout.exit_code, to_file.exit_code) == (0, 0)
    assert to_stdout.stdout_bytes == out.read_bytes() == feed(vault)
    with_private = runner.invoke(main, ["export", "ics", "--vault", str(vault),
                                        "--include-private"], catch_exceptions=False)
    assert b"Bluebird" in with_private.stdout_bytes


def test_bad_dates_never_reach_the_feed_and_never_crash_it(make_vault) -> None:
    vault = make_vault({
        "a.md": "- [ ] Call 📅 2026-02-30\n",
        "interviews/x.md": "---\ntype: interview\ndate: 2026-02-30\nwith: Nobody\n"
                           "status: planned\n---\n",
        JANE: "---\ntype: contact\ncadence: often\nlast_contact: 2026-11-01\n---\n",
    })
    assert events(feed(vault)) == {}


def test_demo_vault_feed_has_unique_uids_and_keeps_renata_private() -> None:
    data = followups_ics(load_index(find_vault(DEMO_VAULT)))
    calendar = icalendar.Calendar.from_ical(data)
    uids = [str(event["uid"]) for event in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids)) > 10
    assert b"Renata" not in data and b"Bluebird" not in data
    assert data == followups_ics(load_index(find_vault(DEMO_VAULT)))


def test_titles_are_escaped_and_long_lines_folded_without_splitting_an_escape(make_vault) -> None:
    title = ("Ask Zoë; then Ana, and the C:\\\\ drive person about the café 🎉 roadmap, "
             "a second time, in more words than one line holds; \\\\ twice")
    vault = make_vault({JANE: f"---\ntype: contact\n---\n- [ ] {title} 📅 2026-12-01\n"})
    data = feed(vault)
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the summary was folded
    assert not any(line.endswith(b"\\") for line in lines)  # no escape cut in two
    assert b"Zo\xc3\xab\\; then Ana\\, and" in data.replace(b"\r\n ", b"")
    (event,) = events(data).values()
    assert str(event["summary"]) == title


def test_a_literal_backslash_n_in_a_task_title_stays_in_the_feed(make_vault) -> None:
    """Issue #14: `\\N` in a task title became a line break in calendar apps."""
    title = "Look up \\N and \\n in C:\\New\\notes; then Ana, too \\"
    vault = make_vault({JANE: f"---\ntype: contact\n---\n- [ ] {title} 📅 2026-12-01\n"})
    (event,) = events(feed(vault)).values()
    assert str(event["summary"]) == title
    assert "\n" not in str(event["summary"])


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\\Nn;,:\r\n a\"é🎉")), max_size=90))
def test_any_summary_reads_back_from_the_feed_as_written(summary: str) -> None:
    from vault_tools.export.ics import FeedEvent, render_feed

    data = render_feed([FeedEvent("u-1@vault-tools", dt.date(2026, 1, 2), summary, summary)])
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    # RFC 5545 TEXT has one kind of line break: CR LF and a lone CR come back as LF.
    written = summary.replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["summary"]) == written
    assert str(event["description"]) == written


def test_a_task_with_links_is_titled_with_the_names_they_show(make_vault) -> None:
    task = "- [ ] Ask [[Jane Doe|Jane]] about [[Acme#Teams]] 📅 2026-12-01\n"
    vault = make_vault({"todo.md": task})
    summaries = [str(e["summary"]) for e in events(feed(vault)).values()]
    assert summaries == ["Ask Jane about Acme › Teams"]
