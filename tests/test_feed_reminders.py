"""The calendar feed for people who subscribe from a phone (#20): `feed_overdue: today` moves
what is overdue to the feed's day, with alarms (`feed_alarm`) on every event; read back with
icalendar and vobject (`test_calendar_feed.read_back`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from vault_tools.cli import main
from vault_tools.export.ics import FeedSettingsError, feed_settings, followups_ics
from vault_tools.vault import find_vault, load_index

from .conftest import MKDOCS
from .test_calendar_feed import read_back

FILES = {
    # Overdue on 2026-12-02: the task (11-28) and keeping in touch (last_contact + 30d = 12-01).
    "contacts/Jane Doe.md":
        "---\ntype: contact\ncadence: 30d\nlast_contact: 2026-11-01\n---\n"
        "- [ ] Send Jane the article 📅 2026-11-28\n- [ ] Call Jane 📅 2026-12-04\n",
    # A planned conversation whose day has passed keeps its day: it happened (or not) then.
    "interviews/2026-11-20 Sam Lee.md":
        "---\ntype: interview\ndate: 2026-11-20\nwith: \"[[Sam Lee]]\"\nstatus: planned\n---\n",
    "contacts/Sam Lee.md": "---\ntype: contact\n---\n",
}


def vault_with(make_vault, options: str) -> Path:
    root = make_vault(FILES)
    (root / "mkdocs.yml").write_text(MKDOCS + "plugins:\n  - vault:\n" + options,
                                     encoding="utf-8")
    return root


def export(vault: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["export", "ics", "--vault", str(vault), *args])


def by_summary(data: bytes) -> dict[str, dict[str, Any]]:
    return {event["summary"]: event for event in read_back(data)}


def test_feed_overdue_today_moves_overdue_followups_to_the_day_given(make_vault) -> None:
    moved = by_summary(export(vault_with(make_vault, "      feed_overdue: today\n"),
                              "--today", "2026-12-02").stdout_bytes)
    kept = by_summary(export(vault_with(make_vault, "      feed_overdue: due\n"),
                             "--today", "2026-12-02").stdout_bytes)
    article = moved["Send Jane the article"]
    assert article["start"] == dt.date(2026, 12, 2) and article["end"] == dt.date(2026, 12, 3)
    assert article["description"].startswith("Overdue: due 2026-11-28. ")
    assert moved["Get back in touch with Jane Doe"]["start"] == dt.date(2026, 12, 2)
    # The same event (UID), moved: a subscribed calendar updates it rather than adding one.
    assert article["uid"] == kept["Send Jane the article"]["uid"]
    assert kept["Send Jane the article"]["start"] == dt.date(2026, 11, 28)
    # Not overdue, or not a follow-up: on its own day.
    assert moved["Call Jane"]["start"] == dt.date(2026, 12, 4)
    assert moved["Call Jane"]["description"] == kept["Call Jane"]["description"]
    assert moved["Conversation with Sam Lee"]["start"] == dt.date(2026, 11, 20)
    # Its day passed: no longer "prepare for it" but "mark it done or cancelled", today.
    assert "Prepare for the conversation with Sam Lee" in kept
    assert "Prepare for the conversation with Sam Lee" not in moved
    update = moved["Mark the conversation with Sam Lee as done or cancelled"]
    assert update["start"] == dt.date(2026, 12, 2)
    assert update["description"].startswith("Overdue: due 2026-11-21. ")


def test_due_today_is_not_overdue(make_vault) -> None:
    moved = by_summary(export(vault_with(make_vault, "      feed_overdue: today\n"),
                              "--today", "2026-11-28").stdout_bytes)
    assert not moved["Send Jane the article"]["description"].startswith("Overdue")


def test_without_feed_overdue_the_feed_does_not_depend_on_the_day(make_vault) -> None:
    vault = make_vault(FILES)
    days = {export(vault, "--today", day).stdout_bytes
            for day in ("2026-11-01", "2026-12-02", "2030-01-01")}
    assert len(days) == 1
    # And the library, given no day, moves nothing whatever the option says.
    index = load_index(find_vault(vault))
    settings = feed_settings({"feed_overdue": "today"})
    assert followups_ics(index, settings=settings) == followups_ics(index)


def test_each_event_carries_its_alarm_with_overdue_moved(make_vault) -> None:
    data = export(vault_with(make_vault, "      feed_overdue: today\n      feed_alarm: 9h\n"),
                  "--today", "2026-12-02").stdout_bytes
    events = read_back(data)
    assert len(events) == 5
    assert all(event["alarm"] == (-dt.timedelta(hours=9), event["summary"])
               for event in events)
    # RFC 5545's shape: one VALARM inside each VEVENT, CRLF lines of at most 75 octets.
    text = data.decode("utf-8")
    assert text.count("BEGIN:VALARM") == text.count("BEGIN:VEVENT") == 5
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize("value", ["tomorrow", "1", "true", "[today]"])
def test_a_feed_overdue_that_cannot_be_used_is_refused_naming_mkdocs_yml(
    make_vault, value: str,
) -> None:
    vault = vault_with(make_vault, f"      feed_overdue: {value}\n")
    result = export(vault)
    assert result.exit_code == 1 and result.stdout_bytes == b""
    assert result.stderr.startswith(f"Error: {vault / 'mkdocs.yml'}: the vault plugin's "
                                    "feed_overdue: ")
    assert "write today" in result.stderr


def test_feed_overdue_reads_today_and_due_in_any_case() -> None:
    assert feed_settings({"feed_overdue": " Today "}).overdue_today
    assert not feed_settings({"feed_overdue": "due"}).overdue_today
    assert not feed_settings({}).overdue_today
    with pytest.raises(FeedSettingsError):
        feed_settings({"feed_overdue": 3})


@pytest.mark.slow
def test_the_site_serves_the_feed_as_of_its_build(make_vault) -> None:
    from vault_tools.site.build import build_site

    vault = vault_with(make_vault, "      feed_overdue: today\n      feed_alarm: 30m\n")
    site = build_site(find_vault(vault))
    served = (site / "followups.ics").read_bytes()
    today = dt.date.today()
    assert served == export(vault, "--today", today.isoformat()).stdout_bytes
    article = by_summary(served)["Send Jane the article"]
    assert article["start"] == max(today, dt.date(2026, 11, 28))
