"""The stylesheet of the day (`today_css`): what the follow-ups lists show to a reader without
the site's script, as of the day the site was built.

The pages hold every follow-up any day may show, with ISO dates in data attributes, and say
nothing of the day themselves: `followups.js` groups them by the reader's own date. So that
the pages are the same on any day (a new day renders none of them again), what a reader
without the script sees "as of the build" is written here instead, as CSS over those
attributes: which rows of each list are hidden, whether a list says it has nothing, the day
itself, and which month's count of conversations the home page shows. The script marks each
list it arranged (`data-today`, the home's count `data-month`), and no rule here applies to it
then.

A date compares with the day by prefixes: an ISO date is before `2026-12-05` when it starts
with `2026-12-0` and a digit below 5, or `2026-1` and one below 2, and so on
(`dates_before`); CSS matches a prefix with `[attr^="..."]`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from ...followups import LATER, OVERDUE, THIS_WEEK, TODAY, UNDATED, WEEK_DAYS
from .common import nice_date

# The classes and attributes of the lists (`render.followups.dated_board`) this styles.
BOARD = ".vault-followups"
ROWS = ".vault-followups__all > li"
DAY_CLASS = "vault-followups__day"  # where a list names the day, without the script
MONTH_CLASS = "vault-home__month"  # the home's count of this month's conversations


def dates_before(day: dt.date) -> list[str]:
    """The prefixes of the ISO dates before `day`: a date (`YYYY-MM-DD`) is before it exactly
    when it starts with one of them."""
    return _prefixes(day.isoformat(), lambda digit, own: digit < own)


def dates_after(day: dt.date) -> list[str]:
    """The prefixes of the ISO dates after `day` (see `dates_before`)."""
    return _prefixes(day.isoformat(), lambda digit, own: digit > own)


def _prefixes(iso: str, keep: Callable[[str, str], bool]) -> list[str]:
    # Two dates of one format first differ at a digit; the one with the smaller digit there
    # is the earlier. So: each start of `iso`, then a digit that `keep(digit, iso's digit)`.
    return [iso[:i] + digit for i, own in enumerate(iso) if own.isdigit()
            for digit in "0123456789" if keep(digit, own)]


def _any(attr: str, prefixes: Iterable[str]) -> str:
    return ", ".join(f'[{attr}^="{prefix}"]' for prefix in prefixes)


def _exactly(attr: str, days: Iterable[dt.date]) -> str:
    return ", ".join(f'[{attr}="{day.isoformat()}"]' for day in days)


def group_selectors(day: dt.date, week_days: int = WEEK_DAYS) -> dict[str, str]:
    """For each group of `followups.GROUPS`, the selector of the rows it holds as of `day`
    (`followups.group_of` as CSS)."""
    week_end = day + dt.timedelta(days=week_days)
    return {
        OVERDUE: _any("data-due", dates_before(day)),
        TODAY: _exactly("data-due", [day]),
        THIS_WEEK: _exactly("data-due", (day + dt.timedelta(days=n)
                                         for n in range(1, week_days + 1))),
        LATER: _any("data-due", dates_after(week_end)),
        UNDATED: '[data-due=""]',
    }


def not_shown_selector(day: dt.date) -> str:
    """The rows not shown on `day` at all (`followups.Timed.shown_on` as CSS): shown from a
    later day, or only until an earlier one."""
    return f'{_any("data-from", dates_after(day))}, {_any("data-until", dates_before(day))}'


def today_css(day: dt.date, week_days: int = WEEK_DAYS) -> str:
    """The stylesheet of `day` (see the module)."""
    unarranged = f"{BOARD}:not([data-today])"
    hidden = not_shown_selector(day)
    groups = group_selectors(day, week_days)
    # A list none of whose rows shows that day: for each group, the list does not have it or
    # has no row of it shown. (A browser without `:has()` drops the rules using this: the
    # list's "nothing" line then stays as the page has it, hidden when it has rows.)
    nothing = unarranged + "".join(
        f':is(:not([data-groups~="{key}"]), :not(:has(> {ROWS}:is({selector})'
        f":not(:is({hidden})))))" for key, selector in groups.items())
    rules = [f"/* vault-tools: the follow-ups as of {day.isoformat()}, the day this site was "
             "built, for a reader without its script. */",
             f'.{DAY_CLASS}::before {{ content: " ({nice_date(day)})"; }}',
             f"{unarranged} > {ROWS}:is({hidden}) {{ display: none; }}",
             f"{nothing} > .vault-followups__none {{ display: block; }}",
             # A list that says what it is says nothing more when nothing shows: its "nothing"
             # line does.
             f"{nothing}[data-summary] > .vault-followups__asof {{ display: none; }}"]
    for key, selector in groups.items():
        # A row of a group the list does not have is never shown in it.
        rules.append(f'{unarranged}:not([data-groups~="{key}"]) > {ROWS}:is({selector}) '
                     "{ display: none; }")
    # The home's count of the conversations of each month that has any, and a 0 last: the
    # day's month's shows, else the 0 (a later sibling of none of them).
    month = f'.{MONTH_CLASS}:not([data-month]) > '
    rules.append(f'{month}[data-in]:not([data-in=""], [data-in="{day.isoformat()[:7]}"]) '
                 '{ display: none; }')
    rules.append(f'{month}[data-in="{day.isoformat()[:7]}"] ~ [data-in=""] {{ display: none; }}')
    return "\n".join(rules) + "\n"
