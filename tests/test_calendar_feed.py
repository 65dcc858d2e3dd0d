"""The follow-ups calendar feed: valid iCalendar, stable UIDs and bytes, private left out."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.export.ics import (
    FeedEvent,
    FeedSettingsError,
    event_uid,
    feed_settings,
    followups_ics,
    page_url,
    render_feed,
)
from vault_tools.vault import find_vault, load_index

from .conftest import DEMO_VAULT, MKDOCS

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
    """The feed's events by UID, as icalendar reads them (vobject must read the same)."""
    read_back(data)
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
    (event,) = read_back(feed(vault))
    assert event["summary"] == title
    assert "\n" not in event["summary"]


# RFC 5545 TEXT has one kind of line break: CR LF and a lone CR come back as LF. Surrogates
# cannot be in a note (it is UTF-8); every other character can.
_NOTE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from(list("\\Nn;,:\r\n a\"é🎉")), max_size=90),
                 _NOTE_TEXT),
       _NOTE_TEXT)
def test_any_summary_and_description_read_back_as_written_by_both_parsers(
    summary: str, description: str,
) -> None:
    data = render_feed([FeedEvent("u-1@vault-tools", dt.date(2026, 1, 2), summary, description)],
                       dt.timedelta(hours=2))
    (event,) = read_back(data)  # the same from icalendar and vobject
    assert event["summary"] == summary.replace("\r\n", "\n").replace("\r", "\n")
    assert event["description"] == description.replace("\r\n", "\n").replace("\r", "\n")
    assert event["alarm"] == (-dt.timedelta(hours=2), event["summary"])


def test_a_task_with_links_is_titled_with_the_names_they_show(make_vault) -> None:
    task = "- [ ] Ask [[Jane Doe|Jane]] about [[Acme#Teams]] 📅 2026-12-01\n"
    vault = make_vault({"todo.md": task})
    summaries = [str(e["summary"]) for e in events(feed(vault)).values()]
    assert summaries == ["Ask Jane about Acme › Teams"]


# --- read back by two independent parsers -------------------------------------------------------


def _moment(value: Any) -> Any:
    """A date as it is; a date-time in UTC, whichever time zone object the parser used."""
    if isinstance(value, dt.datetime):
        assert value.tzinfo is not None, "a floating time: the feed must name its zone"
        return value.astimezone(dt.timezone.utc)
    return value


def _from_icalendar(data: bytes) -> list[dict[str, Any]]:
    out = []
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        alarms = event.walk("VALARM")
        out.append({
            "uid": str(event["uid"]),
            "summary": str(event["summary"]),
            "description": str(event["description"]),
            "start": _moment(event.decoded("dtstart")),
            "end": _moment(event.decoded("dtend")),
            "stamp": _moment(event.decoded("dtstamp")),
            "url": str(event["url"]) if "url" in event else None,
            "alarm": ((alarms[0].decoded("trigger"), str(alarms[0]["description"]))
                      if alarms else None),
        })
    return out


def _from_vobject(data: bytes) -> list[dict[str, Any]]:
    out = []
    calendar = vobject.readOne(data.decode("utf-8"))
    for event in calendar.contents.get("vevent", []):
        alarm = event.contents.get("valarm")
        out.append({
            "uid": event.uid.value,
            "summary": event.summary.value,
            "description": event.description.value,
            "start": _moment(event.dtstart.value),
            "end": _moment(event.dtend.value),
            "stamp": _moment(event.dtstamp.value),
            "url": event.url.value if "url" in event.contents else None,
            "alarm": ((alarm[0].trigger.value, alarm[0].description.value) if alarm else None),
        })
    return out


def read_back(data: bytes) -> list[dict[str, Any]]:
    """The feed's events as icalendar reads them, checked to be what vobject reads too."""
    first, second = _from_icalendar(data), _from_vobject(data)
    assert first == second
    return first


def vault_with_config(make_vault, files: dict[str, str], config: str) -> Path:
    root = make_vault(files)
    (root / "mkdocs.yml").write_text(MKDOCS + config, encoding="utf-8")
    return root


def export_ics(vault: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["export", "ics", "--vault", str(vault), *args])


def planned(date: str, who: str = "Sam Lee") -> str:
    return (f"---\ntype: interview\ndate: {date}\nwith: \"[[{who}]]\"\nstatus: planned\n"
            "---\n")


TIMED = {
    SAM: "---\ntype: contact\n---\n",
    "interviews/Winter.md": planned("2026-12-09T14:30"),
    "interviews/Summer.md": planned("2026-07-09T14:30:15"),
    "interviews/Space.md": planned("2026-12-10 09:05"),
    "interviews/Allday.md": planned("2026-12-11"),
}


def conversations(data: bytes) -> dict[str, dict[str, Any]]:
    return {event["description"].removeprefix("Planned interview. From "): event
            for event in read_back(data) if event["summary"].startswith("Conversation")}


def test_a_date_with_a_time_is_a_timed_event_in_the_vaults_time_zone(make_vault) -> None:
    vault = vault_with_config(make_vault, TIMED, "plugins:\n  - vault:\n"
                                                 "      timezone: Europe/Paris\n")
    result = export_ics(vault)
    assert result.exit_code == 0, result.output
    found = conversations(result.stdout_bytes)
    utc = dt.timezone.utc
    # Paris is UTC+1 in December and UTC+2 in July (summer time).
    assert found["interviews/Winter.md."]["start"] == dt.datetime(2026, 12, 9, 13, 30, tzinfo=utc)
    assert found["interviews/Winter.md."]["end"] == dt.datetime(2026, 12, 9, 14, 0, tzinfo=utc)
    assert found["interviews/Summer.md."]["start"] == dt.datetime(2026, 7, 9, 12, 30, 15,
                                                                  tzinfo=utc)
    assert found["interviews/Space.md."]["start"] == dt.datetime(2026, 12, 10, 8, 5, tzinfo=utc)
    assert found["interviews/Allday.md."]["start"] == D(2026, 12, 11)  # no time: all day
    assert b"DTSTART:20261209T133000Z\r\n" in result.stdout_bytes  # UTC: no VTIMEZONE needed
    # The prepare follow-up stays a day-long reminder the day before.
    prepare = [e for e in read_back(result.stdout_bytes) if e["summary"].startswith("Prepare")]
    assert {e["start"] for e in prepare} == {D(2026, 12, 8), D(2026, 7, 8), D(2026, 12, 9),
                                            D(2026, 12, 10)}


def test_a_time_with_its_own_offset_keeps_it_whatever_the_vaults_zone(make_vault) -> None:
    vault = vault_with_config(make_vault, {
        SAM: "---\ntype: contact\n---\n",
        "interviews/Zulu.md": planned("2026-12-09T14:30:00Z"),
        "interviews/Plus.md": planned("2026-12-09T14:30+05:30"),
    }, "plugins:\n  - vault:\n      timezone: America/New_York\n")
    found = conversations(export_ics(vault).stdout_bytes)
    utc = dt.timezone.utc
    assert found["interviews/Zulu.md."]["start"] == dt.datetime(2026, 12, 9, 14, 30, tzinfo=utc)
    assert found["interviews/Plus.md."]["start"] == dt.datetime(2026, 12, 9, 9, 0, tzinfo=utc)


def test_a_time_of_day_that_does_not_exist_is_reported_and_leaves_an_all_day_event(
    make_vault,
) -> None:
    vault = make_vault({SAM: "---\ntype: contact\n---\n",
                        "interviews/Late.md": planned("2026-12-09T25:61")})
    (event,) = conversations(feed(vault)).values()
    assert event["start"] == D(2026, 12, 9)
    result = CliRunner().invoke(main, ["check", "--json", "--vault", str(vault)])
    assert result.exit_code == 1
    assert json.loads(result.output) == [{
        "path": "interviews/Late.md", "line": 3, "severity": "error", "code": "bad-date",
        "message": "date: '2026-12-09T25:61' has no such time of day (expected YYYY-MM-DDTHH:MM)",
    }]


def test_without_the_timezone_option_a_time_is_the_machines_local_time(make_vault) -> None:
    vault = make_vault(TIMED)
    env = {**os.environ, "TZ": "America/New_York"}  # read by the new process at its start
    result = subprocess.run([sys.executable, "-m", "vault_tools", "export", "ics", "--vault",
                             str(vault)], capture_output=True, env=env, check=True, timeout=120)
    found = conversations(result.stdout)
    utc = dt.timezone.utc
    assert found["interviews/Winter.md."]["start"] == dt.datetime(2026, 12, 9, 19, 30, tzinfo=utc)
    assert found["interviews/Summer.md."]["start"] == dt.datetime(2026, 7, 9, 18, 30, 15,
                                                                  tzinfo=utc)


@pytest.mark.parametrize(("written", "before"), [
    ("1d", dt.timedelta(days=1)), ("2h", dt.timedelta(hours=2)),
    ("30m", dt.timedelta(minutes=30)), (" 90 m ", dt.timedelta(minutes=90)),
])
def test_feed_alarm_rings_that_long_before_every_event(make_vault, written: str,
                                                      before: dt.timedelta) -> None:
    vault = vault_with_config(make_vault, FILES,
                              f"plugins:\n  - vault:\n      feed_alarm: \"{written}\"\n")
    result = export_ics(vault)
    assert result.exit_code == 0, result.output
    found = read_back(result.stdout_bytes)
    assert len(found) == 4
    assert all(event["alarm"] == (-before, event["summary"]) for event in found)


def test_no_alarm_unless_feed_alarm_is_set(make_vault) -> None:
    data = feed(make_vault(FILES))
    assert b"VALARM" not in data
    assert all(event["alarm"] is None for event in read_back(data))


@pytest.mark.parametrize(("option", "message"), [
    ("timezone: Europe/Pariss", "the vault plugin's timezone: 'Europe/Pariss' is not a time "
                                "zone this machine knows; write an IANA name such as "
                                "Europe/Paris or America/New_York"),
    ("timezone: ../../etc/passwd", "the vault plugin's timezone: '../../etc/passwd' is not a "
                                   "time zone this machine knows"),
    ("feed_alarm: soon", "the vault plugin's feed_alarm: 'soon' does not parse; write how "
                         "long before each event, e.g. 1d, 2h or 30m"),
    ("feed_alarm: 30", "the vault plugin's feed_alarm: 30 does not parse"),
])
def test_a_feed_option_that_cannot_be_used_is_an_error_naming_mkdocs_yml(
    make_vault, option: str, message: str,
) -> None:
    vault = vault_with_config(make_vault, FILES, f"plugins:\n  - vault:\n      {option}\n")
    result = export_ics(vault)
    assert result.exit_code == 1
    assert result.stdout_bytes == b""
    assert result.stderr.startswith(f"Error: {vault / 'mkdocs.yml'}: {message}")


def test_feed_settings_read_an_iana_zone_and_an_alarm() -> None:
    settings_ = feed_settings({"timezone": "Asia/Kolkata", "feed_alarm": "2h"})
    assert str(settings_.zone) == "Asia/Kolkata"
    assert settings_.alarm == dt.timedelta(hours=2)
    assert feed_settings({}).zone is None and feed_settings({}).alarm is None
    with pytest.raises(FeedSettingsError):
        feed_settings({"timezone": ""})


def test_each_event_links_to_its_page_on_the_site(make_vault) -> None:
    vault = vault_with_config(make_vault, FILES, "site_url: https://me.example/crm\n")
    found = {e["summary"]: e["url"] for e in read_back(export_ics(vault).stdout_bytes)}
    assert found == {
        "Send Jane the article": "https://me.example/crm/contacts/Jane%20Doe/",
        "Get back in touch with Jane Doe": "https://me.example/crm/contacts/Jane%20Doe/",
        "Prepare for the conversation with Sam Lee":
            "https://me.example/crm/interviews/2026-12-10%20Sam%20Lee/",
        "Conversation with Sam Lee (video)":
            "https://me.example/crm/interviews/2026-12-10%20Sam%20Lee/",
    }
    # A private note has no page: its events, in a feed with private notes, carry no URL.
    with_private = read_back(export_ics(vault, "--include-private").stdout_bytes)
    assert [e["url"] for e in with_private if e["summary"] == "Ask about Bluebird"] == [None]
    flat = vault_with_config(make_vault, FILES,
                             "site_url: https://me.example/\nuse_directory_urls: false\n")
    urls = {e["url"] for e in read_back(export_ics(flat).stdout_bytes)}
    assert urls == {"https://me.example/contacts/Jane%20Doe.html",
                    "https://me.example/interviews/2026-12-10%20Sam%20Lee.html"}


def test_without_site_url_events_carry_no_url(make_vault) -> None:
    data = export_ics(make_vault(FILES)).stdout_bytes
    assert b"URL:" not in data
    assert all(event["url"] is None for event in read_back(data))


def test_a_site_url_with_a_line_break_adds_no_line_to_the_feed(make_vault) -> None:
    vault = vault_with_config(make_vault, FILES,
                              'site_url: "https://me.example/\\r\\nX-EVIL:1"\n')
    data = export_ics(vault).stdout_bytes
    assert b"X-EVIL" not in data and b"URL:" not in data
    assert len(read_back(data)) == 4


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"),
                        min_size=1, max_size=12).filter(lambda part: part not in (".", ".."))
                | st.sampled_from(["index", "README", ".x", "..md", "a.b"]),
                min_size=1, max_size=3),
       st.booleans())
def test_page_urls_are_the_ones_mkdocs_gives_the_pages(parts: list[str], directory: bool) -> None:
    from mkdocs.structure.files import File

    path = "/".join(parts) + ".md"  # a note's path never holds a "." or ".." folder
    mkdocs_file = File(path, "/notes", "/site", directory)
    assert page_url(path, directory) == mkdocs_file.url
    for special in ("index.md", "README.md", "a b/index.md", "x/README.md", "Booking.com.md"):
        assert page_url(special, directory) == File(special, "/n", "/s", directory).url


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_folded_lines_stay_within_75_octets_and_never_split_a_character(title: str) -> None:
    data = render_feed([FeedEvent("u-1@vault-tools", dt.date(2026, 1, 2), title, title)])
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # each physical line is whole characters
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    written = title.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    assert "SUMMARY:" + written.replace("\r\n", "\\n").replace("\n", "\\n").replace(
        "\r", "\\n") in unfolded


def test_the_uid_and_bytes_of_a_timed_event_are_stable_across_runs(make_vault) -> None:
    vault = vault_with_config(make_vault, TIMED, "plugins:\n  - vault:\n"
                                                 "      timezone: Europe/Paris\n"
                                                 "      feed_alarm: 1d\n")
    first, second = export_ics(vault).stdout_bytes, export_ics(vault).stdout_bytes
    assert first == second
    # DTSTAMP comes from the event's day, never the clock.
    assert {e["stamp"] for e in read_back(first)} <= {
        dt.datetime(2026, m, d, tzinfo=dt.timezone.utc) for m, d in
        ((12, 8), (12, 9), (12, 10), (12, 11), (7, 8), (7, 9))}


@pytest.mark.slow
def test_the_site_serves_the_feed_export_ics_writes(make_vault) -> None:
    from vault_tools.site.build import build_site

    files = {k: v for k, v in FILES.items() if k != "interviews/2026-12-12 Secret Person.md"}
    vault = vault_with_config(make_vault, {**files, **TIMED},
                              "site_url: https://me.example/crm/\nplugins:\n  - vault:\n"
                              "      timezone: Europe/Paris\n      feed_alarm: 2h\n")
    site = build_site(find_vault(vault))
    served = (site / "followups.ics").read_bytes()
    assert served == export_ics(vault).stdout_bytes
    found = read_back(served)
    assert any(e["url"] == "https://me.example/crm/interviews/Winter/" for e in found)
    assert b"Secret" not in served and b"Bluebird" not in served


@pytest.mark.slow
def test_the_site_refuses_to_build_with_a_feed_option_it_cannot_use(make_vault) -> None:
    vault = vault_with_config(make_vault, FILES,
                              "plugins:\n  - vault:\n      timezone: Mars/Olympus\n")
    result = subprocess.run([sys.executable, "-m", "vault_tools", "build", "--vault",
                             str(vault)], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert (f"{vault / 'mkdocs.yml'}: the vault plugin's timezone: 'Mars/Olympus' is not a "
            "time zone this machine knows") in result.stderr
    assert not (vault / "site" / "followups.ics").exists()
