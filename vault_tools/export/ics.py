"""The follow-ups calendar feed: dated follow-ups and planned interviews as an iCalendar file.

Pure and clock-free: the bytes are a function of the vault's contents and the feed's settings
(`FeedSettings`: time zone, alarm, site address) only, so re-exporting an unchanged vault gives
identical bytes and a subscribed calendar sees no change. One option needs a date:
`feed_overdue: today` moves each overdue follow-up to the day given as `today` (the export's
`--today`, the site's build date), so the feed is then as of that day.

Each event's UID is derived from what it is (kind, note path, line or person), so a calendar
app that refreshes the feed updates its events instead of adding duplicates.

Events are all-day, except a planned interview whose `date` has a time of day
(`2026-12-09T14:30`, as Obsidian's date-and-time property writes it): that one is timed, read in
the vault's time zone and written in UTC (`...Z`), which every calendar app reads the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import posixpath
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from ..followups import (
    FollowUp,
    days_after,
    first_person_path,
    interview_people,
    join_names,
    open_followups,
    timed_followups,
)
from ..index import VaultIndex
from ..notes import InterviewFields, Note
from ..parse import TIME_OF_DAY_RE
from ..schema import INTERVIEW, KIND_LABELS, PLANNED
from ..vault import Vault, read_config
from .contacts_csv import Cells

PRODID = "-//vault-tools//Follow-ups//EN"
CALENDAR_NAME = "Follow-ups"
UID_DOMAIN = "vault-tools"
PLANNED_INTERVIEW = "interview"
# How long a timed conversation is shown: informational interviews are short.
CONVERSATION_LENGTH = dt.timedelta(minutes=30)


# `feed_overdue`: an overdue follow-up stays on the day it was due, or moves to today.
OVERDUE_DUE, OVERDUE_TODAY = "due", "today"


class FeedSettingsError(ValueError):
    """A feed option of the `vault` plugin (`timezone`, `feed_alarm`, `feed_overdue`) that
    cannot be used."""


@dataclass(frozen=True)
class FeedSettings:
    """How the feed is written: the time zone a written time of day is in (None: the
    machine's local zone), how long before each event its alarm rings (None: no alarm), and
    whether an overdue follow-up moves to the feed's day (`overdue_today`, see `feed_events`)."""

    zone: dt.tzinfo | None = None
    alarm: dt.timedelta | None = None
    overdue_today: bool = False


_ALARM_RE = re.compile(r"\s*(\d{1,4})\s*([dhm])\s*")
_ALARM_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def feed_settings(options: Mapping[str, Any]) -> FeedSettings:
    """The feed's settings from the `vault` plugin's options (`timezone`: an IANA name such as
    `Europe/Paris`; `feed_alarm`: `1d`, `2h` or `30m` before each event; `feed_overdue`: `due`
    or `today`). Raises FeedSettingsError, naming the option, for a value that cannot be
    used."""
    if not isinstance(options, Mapping):  # `vault:` written as something else: no options
        options = {}
    zone: dt.tzinfo | None = None
    name = options.get("timezone")
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise FeedSettingsError(f"timezone: {name!r} is not a time zone name; write an "
                                    "IANA name such as Europe/Paris or America/New_York")
        try:
            zone = zoneinfo.ZoneInfo(name.strip())
        # OSError: a name that is a folder of the zone database (`Europe`, the city
        # forgotten) or an unreadable file there.
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise FeedSettingsError(f"timezone: {name!r} is not a time zone this machine "
                                    "knows; write an IANA name such as Europe/Paris or "
                                    "America/New_York") from None
    alarm: dt.timedelta | None = None
    before = options.get("feed_alarm")
    if before is not None:
        match = _ALARM_RE.fullmatch(before) if isinstance(before, str) else None
        if match is None:
            raise FeedSettingsError(f"feed_alarm: {before!r} does not parse; write how long "
                                    "before each event, e.g. 1d, 2h or 30m")
        alarm = dt.timedelta(**{_ALARM_UNITS[match.group(2)]: int(match.group(1))})
    overdue = options.get("feed_overdue")
    if overdue is not None and (not isinstance(overdue, str)
                                or overdue.strip().lower() not in (OVERDUE_DUE, OVERDUE_TODAY)):
        raise FeedSettingsError(f"feed_overdue: {overdue!r} is not a choice; write today (an "
                                f"overdue follow-up shows on the day the feed is made) or due "
                                f"(it stays on the day it was due, the default)")
    today = isinstance(overdue, str) and overdue.strip().lower() == OVERDUE_TODAY
    return FeedSettings(zone, alarm, today)


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL of a note's page relative to the site's root, as MkDocs makes it
    (`use_directory_urls`): `interviews/2026-12-10%20Sam%20Lee/`, or `....html` without
    directory URLs."""
    parent, _, file_name = path.rpartition("/")
    stem = posixpath.splitext(file_name)[0]
    stem = "index" if stem == "README" else stem
    prefix = parent + "/" if parent else ""
    if not directory_urls or stem == "index":
        url = prefix + stem + ".html"
    else:
        url = prefix + stem + "/index.html"
    if directory_urls and url.rpartition("/")[2] == "index.html":
        url = (url.rpartition("/")[0] or ".") + "/"
    return quote(url)


def _no_url(path: str) -> str | None:
    return None


def site_page_urls(site_url: str | None,
                   relative: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """Each note's page as an absolute URL on the site at `site_url` (`relative` gives the
    page's URL relative to the site, or None when the note has no page); no URLs at all when
    the site's address is not configured (a relative URL means nothing to a calendar app)."""
    base = (site_url or "").strip().rstrip("/") + "/"
    # A URL holds no space or control character: one that does (a line break in a hand-edited
    # mkdocs.yml) would end the URL property and start another line of the feed.
    if base == "/" or any(char.isspace() or ord(char) < 32 or ord(char) == 127
                          for char in base):
        return _no_url

    def url_of(path: str) -> str | None:
        url = relative(path)
        if url is None:
            return None
        return base + (url[2:] if url.startswith("./") else "" if url == "." else url)

    return url_of


def vault_feed_options(vault: Vault) -> tuple[FeedSettings, Callable[[str], str | None]]:
    """The feed's settings and page URLs for `vault-tools export ics`, from the vault's
    mkdocs.yml (the plugin's options, `site_url`, `use_directory_urls`), so the exported feed
    is the one the site serves. Raises FeedSettingsError for an option that cannot be used."""
    return feed_settings(vault.options), vault_page_urls(vault)


def vault_page_urls(vault: Vault) -> Callable[[str], str | None]:
    """Each note's page as an absolute URL on the vault's site, from mkdocs.yml's `site_url`
    and `use_directory_urls` as MkDocs reads them (none without a `site_url`): what the feed
    and the digest link to. The caller leaves out a private note, which has no page."""
    config = read_config(vault.config_file) if vault.config_file is not None else {}
    site_url = config.get("site_url")
    directory_urls = config.get("use_directory_urls") is not False
    return site_page_urls(site_url if isinstance(site_url, str) else None,
                          lambda path: page_url(path, directory_urls))


@functools.lru_cache(maxsize=1 << 16)  # the same events again on every rebuild while serving
def event_uid(kind: str, note: str, line: int | None = None, contact: str | None = None) -> str:
    """A UID that names the same follow-up on every export: a hash of what identifies it."""
    key = "\n".join((kind, note, str(line or ""), contact or ""))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    return f"{kind}-{digest}@{UID_DOMAIN}"


@dataclass(frozen=True)
class FeedEvent:
    """One event of the feed: all day on `day`, or from `start` (UTC) for `CONVERSATION_LENGTH`
    when a time of day was written; `url`, the note's page on the site (when known)."""

    uid: str
    day: dt.date
    summary: str
    description: str
    start: dt.datetime | None = None
    url: str | None = None


def feed_events(index: VaultIndex, *, include_private: bool = False,
                followups: Iterable[FollowUp] | None = None,
                settings: FeedSettings = FeedSettings(),
                url_of: Callable[[str], str | None] = _no_url,
                today: dt.date | None = None) -> list[FeedEvent]:
    """The feed's events in order: one per dated open follow-up and per planned interview (on
    the interview's date, at its time when one is written, in `settings.zone`). Undated
    follow-ups are left out, and so is anything touching a private note unless
    `include_private`. `followups`: `open_followups(index)`, when the caller has it already.
    `url_of(path)`: the absolute URL of a note's page (see `site_page_urls`). With
    `settings.overdue_today` and a `today`, a follow-up due before `today` is on `today`
    instead (on the day it is hidden until, `shown_from`, when that is later: a snooze, a ⏳),
    its description saying when it was due (same UID: a calendar moves the event),
    and a planned conversation that has passed asks to be marked done or cancelled instead of
    prepared for; without a `today` nothing moves and the feed stays clock-free."""
    def page_of(path: str) -> str | None:  # a private note has no page on the site
        note = index.get(path)
        return None if note is None or note.private else url_of(path)

    found = open_followups(index) if followups is None else list(followups)
    moving = settings.overdue_today and today is not None
    if moving:
        # As of a day, a planned conversation that has passed asks to be marked done or
        # cancelled, no longer to be prepared for (`timed_followups`), as `followups` says.
        found = [timed.followup for timed in timed_followups(index, found)
                 if timed.shown_until is None or today is None or today <= timed.shown_until]
    events: list[FeedEvent] = []
    for followup in found:
        if followup.due is None or (followup.private and not include_private):
            continue
        event = _followup_event(followup, page_of(followup.note))
        # A follow-up hidden until a later day (a snoozed note, a task's ⏳) moves to that day,
        # as `followups` shows it then; either way it is overdue on the day it lands.
        to = max(today, followup.shown_from or today) if moving and today is not None else None
        if to is not None and event.day < to:
            event = replace(event, day=to,
                            description=f"Overdue: due {event.day.isoformat()}. "
                                        f"{event.description}")
        events.append(event)
    for note in index.by_type(INTERVIEW):
        planned = _interview_event(index, note, include_private, settings.zone, page_of)
        if planned is not None:  # a conversation keeps its own day, passed or not
            events.append(planned)
    return sorted(events, key=lambda event: (event.day.isoformat(), event.uid))


def followups_ics(index: VaultIndex, *, include_private: bool = False,
                  followups: Iterable[FollowUp] | None = None,
                  settings: FeedSettings = FeedSettings(),
                  url_of: Callable[[str], str | None] = _no_url,
                  today: dt.date | None = None) -> bytes:
    """An iCalendar feed of `feed_events`."""
    events = feed_events(index, include_private=include_private, followups=followups,
                         settings=settings, url_of=url_of, today=today)
    return render_feed(events, settings.alarm)


def render_feed(events: list[FeedEvent], alarm: dt.timedelta | None = None) -> bytes:
    """The iCalendar bytes of `events`, in their order; each with an alarm `alarm` before it
    when one is given."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(CALENDAR_NAME)}",
    ]
    for event in events:
        lines += _event(event, alarm)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _followup_event(followup: FollowUp, url: str | None) -> FeedEvent:
    assert followup.due is not None
    uid = event_uid(followup.kind, followup.note, followup.line, followup.contact)
    where = followup.note + (f", line {followup.line}" if followup.line else "")
    description = f"{KIND_LABELS.get(followup.kind, followup.kind)}. From {where}."
    return FeedEvent(uid, followup.due, followup.title, description, None, url)


def written_time(value: Any, day: dt.date, zone: dt.tzinfo | None) -> dt.datetime | None:
    """The moment (in UTC) a front-matter date-and-time value names on `day`, read in `zone`
    (None: the machine's local zone) unless it carries its own offset; None when it has no
    time of day, or one that does not exist (`25:00`)."""
    match = TIME_OF_DAY_RE.fullmatch(str(value).strip())
    if match is None:
        return None
    hour, minute, second = (int(g or 0) for g in match.group(1, 2, 3))
    offset = match.group(4)
    naive = dt.datetime(day.year, day.month, day.day, hour, minute, second)
    if offset == "Z":
        moment = naive.replace(tzinfo=dt.timezone.utc)
    elif offset:
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        delta = dt.timedelta(hours=hours, minutes=minutes)
        moment = naive.replace(tzinfo=dt.timezone(delta if offset[0] == "+" else -delta))
    elif zone is not None:
        moment = naive.replace(tzinfo=zone)
    else:
        try:
            moment = naive.astimezone()  # a naive time is the machine's local time
        except (OverflowError, OSError, ValueError):  # beyond what the C library can place
            return None
    try:
        return moment.astimezone(dt.timezone.utc)
    except OverflowError:  # a time on 0001-01-01 or 9999-12-31 that leaves the calendar
        return None


def _interview_event(index: VaultIndex, note: Note, include_private: bool,
                     zone: dt.tzinfo | None,
                     url_of: Callable[[str], str | None]) -> FeedEvent | None:
    fields = note.fields
    if not isinstance(fields, InterviewFields) or fields.status != PLANNED:
        return None
    if fields.date is None:
        return None
    people = interview_people(index, fields, note.path)
    private = note.private or any(p is not None and p.private for _, p in people)
    if private and not include_private:
        return None
    who = join_names([name for name, _ in people])
    summary = f"Conversation with {who}" if who else f"Conversation: {note.name}"
    if fields.format:
        # As the tables write it: links as their names, a private note's never.
        summary += f" ({Cells(index, include_private).text(fields.format, note.path)})"
    uid = event_uid(PLANNED_INTERVIEW, note.path, None, first_person_path(people))
    start = written_time(note.meta.get("date"), fields.date, zone)
    return FeedEvent(uid, fields.date, summary, f"Planned interview. From {note.path}.",
                     start, url_of(note.path))


def _event(event: FeedEvent, alarm: dt.timedelta | None) -> list[str]:
    """The content lines of one event (unfolded), properties in RFC 5545's usual order.
    DTSTAMP is required; taking it from the event's own date (not the clock) is what makes an
    unchanged vault export to identical bytes."""
    uid, day, summary, description = event.uid, event.day, event.summary, event.description
    if event.start is not None:
        when = [f"DTSTART:{_utc(event.start)}",
                f"DTEND:{_utc(_later(event.start, CONVERSATION_LENGTH))}"]
    else:
        when = [f"DTSTART;VALUE=DATE:{_date(day)}",
                f"DTEND;VALUE=DATE:{_date(days_after(day, 1))}"]
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(summary)}",
        *when,
        f"DTSTAMP:{_date(day)}T000000Z",
        f"UID:{_text(uid)}",
        f"DESCRIPTION:{_text(description)}",
    ]
    if event.url is not None:
        lines.append(f"URL:{event.url}")
    if alarm is not None:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_text(summary)}",
            f"TRIGGER:{_before(alarm)}",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


# --- serialising (RFC 5545) ------------------------------------------------------------------
# Written here rather than through icalendar's object model, which cost seconds per build on a
# large vault (12,000 events at 5,000 notes: 3.5 s, against 0.1 s for these few lines). The
# bytes are the ones icalendar 7 writes for the same events: same property order, escaping and
# folding; the tests parse the feed back with icalendar.


def _date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _utc(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form (§3.3.5, form #2)."""
    return f"{_date(moment)}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"


def _later(moment: dt.datetime, length: dt.timedelta) -> dt.datetime:
    try:
        return moment + length
    except OverflowError:  # at the very end of the calendar: a moment-long event
        return moment


def _before(alarm: dt.timedelta) -> str:
    """A TRIGGER duration (§3.3.6) `alarm` before the event's start: -P1D, -PT2H, -PT30M."""
    seconds = int(alarm.total_seconds())
    if seconds and seconds % 86400 == 0:
        return f"-P{seconds // 86400}D"
    if seconds and seconds % 3600 == 0:
        return f"-PT{seconds // 3600}H"
    return f"-PT{seconds // 60}M"


def _text(value: str) -> str:
    """A TEXT value escaped (§3.3.11): backslash, semicolon, comma, line breaks. The value is
    the user's text as written: a backslash in it is a backslash (a task about `C:\\New` or
    `\\N` keeps it), so it is escaped first and nothing is read as an escape."""
    return (value.replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
            .replace("\r", "\\n"))


FOLD_LIMIT = 75  # octets per line, line break excluded (§3.1)


def _fold(line: str) -> str:
    """A content line folded (§3.1): a line break and a space before the character that would
    make a line reach 75 octets; a backslash escape is never split from what it escapes."""
    if len(line.encode("utf-8")) < FOLD_LIMIT:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if current and size + width >= FOLD_LIMIT:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            pieces.append("".join(current))
            current = [carried] if carried else []
            size = len(carried)
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)
