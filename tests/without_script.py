"""What a reader without the site's script sees of the follow-ups lists, as of a day: the rows
of each list that the stylesheet of that day (`today_css`) leaves shown, and the home's count
of the month's conversations. The selectors are today_css's own, matched here by a small
matcher of the two forms it writes (`[attr^="x"]`, `[attr="x"]`); the rules that combine them
are restated, so a test of a page reads as the browser would (the browser tests check the
stylesheet itself in Chromium)."""

from __future__ import annotations

import datetime as dt
import re

from vault_tools.site.render.today_css import (
    MONTH_CLASS,
    group_selectors,
    not_shown_selector,
)

_SELECTOR = re.compile(r'\[([\w-]+)(\^?)="([^"]*)"\]')
_BOARD = re.compile(r'<div class="vault-followups" data-groups="([^"]*)"(.*?)</div>', re.S)
_ROW = re.compile(r"<li( data-due=[^>]*)>(.*?)</li>", re.S)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def matches(selectors: str, attrs: dict[str, str]) -> bool:
    """Whether a row with `attrs` matches any of a today_css selector list."""
    for name, prefix, value in _SELECTOR.findall(selectors):
        if name in attrs and (attrs[name].startswith(value) if prefix else attrs[name] == value):
            return True
    return False


def shown_rows(html: str, day: dt.date) -> list[list[str]]:
    """For each follow-ups list of `html`, in order, the text of the rows shown without the
    script as of `day` (tags dropped)."""
    groups = group_selectors(day)
    hidden = not_shown_selector(day)
    boards = []
    for keys, inside in _BOARD.findall(html):
        shown = []
        for attributes, text in _ROW.findall(inside):
            attrs = dict(_ATTR.findall(attributes))
            if matches(hidden, attrs):
                continue
            if any(matches(groups[key], attrs) for key in keys.split()):
                shown.append(re.sub(r"<[^>]+>", "", text))
        boards.append(shown)
    return boards


def month_count(html: str, day: dt.date) -> int:
    """The home's count of this month's conversations without the script, as of `day`: the
    one count the stylesheet leaves shown, the day's month's, else the 0 for any other."""
    found = re.search(rf'<strong class="{MONTH_CLASS}"[^>]*>(.*?)</strong>', html, re.S)
    assert found is not None, "no count of the month's conversations"
    counts = dict(re.findall(r'<span data-in="([^"]*)">(\d+)', found.group(1)))
    return int(counts.get(day.isoformat()[:7], counts[""]))
