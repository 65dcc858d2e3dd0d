"""The vault's settings that shape what the rules compute (`nudge_days`, DESIGN §12;
`insight_sections`, §13).

They are options of the `vault` plugin in mkdocs.yml. They are read once, where a vault is found
(`vault.find_vault` refuses a bad value before anything is read or written), and carried by the
index (`VaultIndex.settings`), so every path that works out follow-ups (`followups`, `fill`,
`watch`, `build`, `serve`, `export ics`, `pipeline`, `show`) sees the same value without a
parameter of its own. The fill cache keys on them (`fill.manifest_key`): changing one refills
the blocks.

Imports nothing of the package, so any module may read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Days after `asked` that a `nudge` is due, when mkdocs.yml says nothing.
DEFAULT_NUDGE_DAYS = 7
# A longer wait is no nudge any more: a year keeps a typo (`nudge_days: 700`) from hiding it.
MAX_NUDGE_DAYS = 365
# The headings of an interview whose items are insights (§13), when mkdocs.yml says nothing.
DEFAULT_INSIGHT_SECTIONS = ("What I learned", "Culture", "Advice")


class SettingsError(ValueError):
    """An option of the `vault` plugin that cannot be used; the message names it and says
    what to write instead."""


@dataclass(frozen=True)
class Settings:
    """The settings the rules read. `nudge_days`: days after `asked` that the `nudge`
    follow-up is due (1 to MAX_NUDGE_DAYS). `insight_sections`: the headings (any level, case
    ignored) whose list items and paragraphs are insights, in the order roll-ups list them."""

    nudge_days: int = DEFAULT_NUDGE_DAYS
    insight_sections: tuple[str, ...] = DEFAULT_INSIGHT_SECTIONS

    def cache_key(self) -> str:
        """What the fill cache must remember of these settings: empty for the defaults, so a
        vault that sets nothing keeps the cache it had."""
        if self == DEFAULTS:
            return ""
        key = f"nudge_days={self.nudge_days}"
        if self.insight_sections != DEFAULT_INSIGHT_SECTIONS:
            key += "|insight_sections=" + "\x1f".join(self.insight_sections)
        return key


DEFAULTS = Settings()


def settings_from_options(options: Mapping[str, Any] | Any) -> Settings:
    """The settings from the `vault` plugin's options (absent ones take their defaults).
    SettingsError, naming the option, for a value that cannot be used: `nudge_days` must be
    a whole number of days from 1 to MAX_NUDGE_DAYS (not text, not `true`)."""
    if not isinstance(options, Mapping):  # `vault:` written as something else: no options
        return DEFAULTS
    sections = _insight_sections(options.get("insight_sections"))
    days = options.get("nudge_days")
    if days is None:
        return Settings(insight_sections=sections)
    # `True` is an int to Python, and `"7"` is text: neither is a number of days as written.
    if isinstance(days, bool) or not isinstance(days, int):
        raise SettingsError(f"nudge_days: {days!r} is not a number of days; write a whole "
                            f"number from 1 to {MAX_NUDGE_DAYS}, e.g. nudge_days: 7")
    if not 1 <= days <= MAX_NUDGE_DAYS:
        raise SettingsError(f"nudge_days: {days} is out of range; write a whole number of days "
                            f"from 1 to {MAX_NUDGE_DAYS}, e.g. nudge_days: 7")
    return Settings(nudge_days=days, insight_sections=sections)


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
