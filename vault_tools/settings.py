"""The vault's settings that shape what the rules compute: `nudge_days` (DESIGN §12), the
career `criteria` with their weights and `explore_days`, and `insight_sections` (§13).

They are options of the `vault` plugin in mkdocs.yml. They are read once, where a vault is found
(`vault.find_vault` refuses a bad value before anything is read or written), and carried by the
index (`VaultIndex.settings`), so every path that works out follow-ups (`followups`, `fill`,
`watch`, `build`, `serve`, `export ics`, `pipeline`, `show`) sees the same value without a
parameter of its own. The fill cache keys on them (`fill.manifest_key`): changing one refills
the blocks.

Imports nothing of the package, so any module may read it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Days after `asked` that a `nudge` is due, when mkdocs.yml says nothing.
DEFAULT_NUDGE_DAYS = 7
# A longer wait is no nudge any more: a year keeps a typo (`nudge_days: 700`) from hiding it.
MAX_NUDGE_DAYS = 365
# Days an `exploring` career may go without a conversation before `explore-or-drop` (§13).
DEFAULT_EXPLORE_DAYS = 60
MAX_EXPLORE_DAYS = 3650
# A criterion's weight: a whole number, so the weighted score is plain arithmetic to check.
MAX_WEIGHT = 100
# A criterion's name becomes a front-matter key (`score_growth`): a word, as YAML keys read.
_CRITERION_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
# The headings of an interview whose items are insights (§13), when mkdocs.yml says nothing.
DEFAULT_INSIGHT_SECTIONS = ("What I learned", "Culture", "Advice")


class SettingsError(ValueError):
    """An option of the `vault` plugin that cannot be used; the message names it and says
    what to write instead."""


@dataclass(frozen=True)
class Settings:
    """The settings the rules read. `nudge_days`: days after `asked` that the `nudge`
    follow-up is due (1 to MAX_NUDGE_DAYS). `criteria`: the career criteria and their weights,
    in the order mkdocs.yml gives them (empty: careers are not scored). `explore_days`: days an
    exploring career may go without a conversation (1 to MAX_EXPLORE_DAYS). `insight_sections`:
    the headings (any level, case ignored) whose list items and paragraphs are insights, in the
    order roll-ups list them."""

    nudge_days: int = DEFAULT_NUDGE_DAYS
    criteria: tuple[tuple[str, int], ...] = ()
    explore_days: int = DEFAULT_EXPLORE_DAYS
    insight_sections: tuple[str, ...] = DEFAULT_INSIGHT_SECTIONS

    def cache_key(self) -> str:
        """What the fill cache must remember of these settings: empty for the defaults, so a
        vault that sets nothing keeps the cache it had; only the settings that differ from
        their defaults otherwise, so adding a setting keeps every older key."""
        if self == DEFAULTS:
            return ""
        parts = [f"nudge_days={self.nudge_days}"]
        if self.criteria:
            parts.append("criteria=" + ",".join(f"{name}:{weight}"
                                                for name, weight in self.criteria))
        if self.explore_days != DEFAULT_EXPLORE_DAYS:
            parts.append(f"explore_days={self.explore_days}")
        if self.insight_sections != DEFAULT_INSIGHT_SECTIONS:
            parts.append("insight_sections=" + "\x1f".join(self.insight_sections))
        return ";".join(parts)


DEFAULTS = Settings()


def settings_from_options(options: Mapping[str, Any] | Any) -> Settings:
    """The settings from the `vault` plugin's options (absent ones take their defaults).
    SettingsError, naming the option, for a value that cannot be used: `nudge_days` and
    `explore_days` must be whole numbers of days in range (not text, not `true`); `criteria` a
    mapping of lower-case names to whole weights from 1 to MAX_WEIGHT."""
    if not isinstance(options, Mapping):  # `vault:` written as something else: no options
        return DEFAULTS
    nudge = _days(options, "nudge_days", DEFAULT_NUDGE_DAYS, MAX_NUDGE_DAYS, 7)
    explore = _days(options, "explore_days", DEFAULT_EXPLORE_DAYS, MAX_EXPLORE_DAYS, 60)
    criteria = _criteria(options.get("criteria"))
    sections = _insight_sections(options.get("insight_sections"))
    settings = Settings(nudge_days=nudge, criteria=criteria, explore_days=explore,
                        insight_sections=sections)
    return DEFAULTS if settings == DEFAULTS else settings


def _days(options: Mapping[str, Any], key: str, default: int, most: int, example: int) -> int:
    days = options.get(key)
    if days is None:
        return default
    # `True` is an int to Python, and `"7"` is text: neither is a number of days as written.
    if isinstance(days, bool) or not isinstance(days, int):
        raise SettingsError(f"{key}: {days!r} is not a number of days; write a whole "
                            f"number from 1 to {most}, e.g. {key}: {example}")
    if not 1 <= days <= most:
        raise SettingsError(f"{key}: {days} is out of range; write a whole number of days "
                            f"from 1 to {most}, e.g. {key}: {example}")
    return days


_CRITERIA_EXAMPLE = "e.g. criteria: {values: 3, growth: 2, pay: 2, lifestyle: 1}"


def _criteria(value: Any) -> tuple[tuple[str, int], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise SettingsError(f"criteria: {value!r} is not a mapping of criteria to weights; "
                            f"{_CRITERIA_EXAMPLE}")
    out = []
    for name, weight in value.items():
        if not isinstance(name, str) or _CRITERION_RE.fullmatch(name) is None:
            raise SettingsError(
                f"criteria: {name!r} is not a criterion name; write a lower-case word "
                f"(letters, digits, underscores), since notes score it as score_<name>, "
                f"{_CRITERIA_EXAMPLE}")
        if isinstance(weight, bool) or not isinstance(weight, int) or not (
                1 <= weight <= MAX_WEIGHT):
            raise SettingsError(f"criteria: {name}: {weight!r} is not a weight; write a whole "
                                f"number from 1 to {MAX_WEIGHT}, {_CRITERIA_EXAMPLE}")
        out.append((name, weight))
    return tuple(out)


def _insight_sections(value: Any) -> tuple[str, ...]:
    """`insight_sections` as written: a list of heading names (or one name); absent, the
    defaults. SettingsError for anything else, or a name that is blank."""
    if value is None:
        return DEFAULT_INSIGHT_SECTIONS
    names = [value] if isinstance(value, str) else value
    example = "e.g. insight_sections: [What I learned, Culture, Advice]"
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise SettingsError(f"insight_sections: {value!r} is not a list of heading names; "
                            f"write the headings whose items are insights, {example}")
    cleaned = [" ".join(name.split()) for name in names]
    if not cleaned or not all(cleaned):
        raise SettingsError(f"insight_sections: {value!r} holds no heading name or a blank "
                            f"one; {example}")
    # Each once, as first written: the names compare without case.
    unique = {name.casefold(): name for name in reversed(cleaned)}
    return tuple(unique[key] for key in dict.fromkeys(name.casefold() for name in cleaned))
