"""The vault's settings that shape what the rules compute: `nudge_days` (DESIGN §12), the
career `criteria` with their weights and `explore_days`, and `insight_sections` (§13); and
where `vault-tools digest` delivers (`Delivery`, §14: the e-mail server, the webhook and ntfy
addresses), which no rule reads.

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
from dataclasses import dataclass, field, replace
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


# How `digest` reaches an e-mail server, and the port each way uses when mkdocs.yml names none.
SMTP_SECURITIES = {"starttls": 587, "ssl": 465, "none": 25}
# An environment variable's name, as a shell writes one.
_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
# Keys that would hold a secret in mkdocs.yml, a file people share and commit: refused.
_SECRET_KEYS = {
    "smtp_password": "smtp_password_env",
    "password": "smtp_password_env",
    "email_password": "smtp_password_env",
    "webhook_token": "webhook_token_env",
    "ntfy_token": "ntfy_token_env",
}


class SettingsError(ValueError):
    """An option of the `vault` plugin that cannot be used; the message names it and says
    what to write instead."""


@dataclass(frozen=True)
class Delivery:
    """Where `vault-tools digest` may send the digest, as mkdocs.yml gives it (None: not set).
    E-mail: `smtp_host`, `smtp_port` (None: the usual port of `smtp_security`), `smtp_security`
    (`starttls`, `ssl` for implicit TLS, or `none` for a relay on this machine, never with a
    login), `smtp_user`, `smtp_password_env` (the name of the environment variable holding
    the password: never the password itself), `smtp_cafile` (a certificate authority to trust,
    for a self-signed server; relative to mkdocs.yml's folder), `email_from`, `email_to`. The
    HTTP channels: `webhook_url` and `ntfy_url` (http or https), each with an optional
    `*_token_env` naming the variable holding a bearer token."""

    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    smtp_password_env: str | None = None
    smtp_cafile: str | None = None
    email_from: str | None = None
    email_to: tuple[str, ...] = ()
    webhook_url: str | None = None
    webhook_token_env: str | None = None
    ntfy_url: str | None = None
    ntfy_token_env: str | None = None

    @property
    def port(self) -> int:
        """The port to connect to: the one written, else the usual one of the security."""
        return self.smtp_port or SMTP_SECURITIES[self.smtp_security]


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
    # Where the digest goes: read by `digest` alone, so no part of the fill cache's key.
    delivery: Delivery = field(default_factory=Delivery)

    def cache_key(self) -> str:
        """What the fill cache must remember of these settings: empty for the defaults, so a
        vault that sets nothing keeps the cache it had; only the settings that differ from
        their defaults otherwise, so adding a setting keeps every older key. `delivery`
        shapes no block: changing it keeps the cache."""
        if replace(self, delivery=DEFAULTS.delivery) == DEFAULTS:
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
                        insight_sections=sections, delivery=delivery_from_options(options))
    return DEFAULTS if settings == DEFAULTS else settings


def delivery_from_options(options: Mapping[str, Any]) -> Delivery:
    """The digest's delivery settings from the plugin's options (see `Delivery`).
    SettingsError, naming the option, for a value that cannot be used, and for a password or
    token written in mkdocs.yml (only the name of the environment variable holding it is)."""
    for key, instead in _SECRET_KEYS.items():
        if options.get(key) is not None:  # the site's plugin lists every key, as None
            raise SettingsError(
                f"{key}: a password or token is never read from mkdocs.yml, a file that is "
                f"easily shared or committed; remove it, put it in an environment variable "
                f"and name that variable instead, e.g. {instead}: VAULT_SECRET")
    security = options.get("smtp_security")
    if security is None:
        security = "starttls"
    elif not isinstance(security, str) or security.strip().lower() not in SMTP_SECURITIES:
        raise SettingsError(f"smtp_security: {security!r} is not a way to reach the server; "
                            f"write starttls (port 587), ssl (implicit TLS, port 465) or none "
                            f"(a relay on this machine, no login)")
    else:
        security = security.strip().lower()
    user = _word(options, "smtp_user", "a user name", "smtp_user: me@example.org")
    if user is not None and security == "none":
        raise SettingsError("smtp_user: a login over smtp_security: none would send the "
                            "password unencrypted; write smtp_security: starttls or ssl")
    port = options.get("smtp_port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int)
                             or not 1 <= port <= 65535):
        raise SettingsError(f"smtp_port: {port!r} is not a port; write a whole number from "
                            f"1 to 65535, e.g. smtp_port: 587")
    to = options.get("email_to")
    recipients = [to] if isinstance(to, str) else to
    if to is not None and (not isinstance(recipients, list) or not recipients):
        raise SettingsError(f"email_to: {to!r} is not an address or a list of addresses; "
                            f"e.g. email_to: me@example.org")
    return Delivery(
        smtp_host=_word(options, "smtp_host", "a host name", "smtp_host: smtp.example.org"),
        smtp_port=port,
        smtp_security=security,
        smtp_user=user,
        smtp_password_env=_env_name(options, "smtp_password_env"),
        smtp_cafile=_text(options, "smtp_cafile", "a file name",
                          "smtp_cafile: certs/my-server-ca.pem"),
        email_from=_address(options.get("email_from"), "email_from"),
        email_to=tuple(_address(value, "email_to") or "" for value in recipients or ()),
        webhook_url=_url(options, "webhook_url", "https://example.org/hooks/vault"),
        webhook_token_env=_env_name(options, "webhook_token_env"),
        ntfy_url=_url(options, "ntfy_url", "https://ntfy.sh/my-secret-topic"),
        ntfy_token_env=_env_name(options, "ntfy_token_env"),
    )


def _controls(text: str) -> bool:
    """Whether `text` holds a control character or a line break of any kind: none may reach
    a mail header, an HTTP request line or a message of ours."""
    return any(ord(char) < 32 or 127 <= ord(char) < 160 or char in "\u2028\u2029"
               for char in text)


def _text(options: Mapping[str, Any], key: str, what: str, example: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    # A tag (`!ENV`) is not str: refused, since MkDocs would read it one way and this another.
    if not isinstance(value, str) or not value.strip() or _controls(value):
        raise SettingsError(f"{key}: {value!r} is not {what} written out (a tag such as !ENV "
                            f"is not read here); e.g. {example}")
    return value.strip()


def _word(options: Mapping[str, Any], key: str, what: str, example: str) -> str | None:
    value = _text(options, key, what, example)
    if value is not None and any(char.isspace() for char in value):
        raise SettingsError(f"{key}: {value!r} is not {what}: it holds a space; e.g. {example}")
    return value


def _env_name(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or _ENV_NAME_RE.fullmatch(value.strip()) is None:
        raise SettingsError(f"{key}: {value!r} is not the name of an environment variable; "
                            f"write its name (letters, digits, underscores), e.g. "
                            f"{key}: VAULT_SECRET, and set that variable where the digest runs")
    return value.strip()


def _address(value: Any, key: str) -> str | None:
    """An e-mail address as written (`me@example.org` or `Me <me@example.org>`)."""
    if value is None:
        return None
    if not isinstance(value, str) or _controls(value) or "@" not in value or not (
            _ADDRESS_RE.fullmatch(value.strip())):
        raise SettingsError(f"{key}: {value!r} is not an e-mail address; e.g. "
                            f"{key}: me@example.org or {key}: Me <me@example.org>")
    return value.strip()


# `local@domain`, or a display name then `<local@domain>`; no spaces in the address itself.
_BARE_ADDRESS = r"[^\s<>@,;\"]+@[^\s<>@,;\"]+"
_ADDRESS_RE = re.compile(rf"{_BARE_ADDRESS}|[^<>@,;\"]*<{_BARE_ADDRESS}>")


def _url(options: Mapping[str, Any], key: str, example: str) -> str | None:
    value = _text(options, key, "an address", f"{key}: {example}")
    if value is None:
        return None
    # http(s) only: urllib would also open `file:` and `ftp:` addresses.
    scheme, _, rest = value.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest.startswith("/") or any(
            char.isspace() for char in value):
        raise SettingsError(f"{key}: {value!r} is not an http or https address; e.g. "
                            f"{key}: {example}")
    if "@" in rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        # `https://me:secret@host/`: a password in mkdocs.yml, and a message quoting the
        # value would print it; the address is not repeated.
        token = f"{key.removesuffix('_url')}_token_env"
        raise SettingsError(f"{key}: a user name or password written in the address is never "
                            f"read from mkdocs.yml; remove the part before @ and name the "
                            f"environment variable holding a token instead, e.g. "
                            f"{token}: VAULT_SECRET")
    return value


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
