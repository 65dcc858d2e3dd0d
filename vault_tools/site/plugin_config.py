"""The `vault` plugin's options, as mkdocs.yml's `plugins: - vault:` takes them.

MkDocs checks each option's type; what a value means (and a bad one's message) is the
library's: `settings.py` for the rules' settings and where `digest` sends, `export/ics.py` for
the feed. Options the site itself never reads are declared so that `mkdocs build --strict`
accepts a vault that sets them.
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class VaultPluginConfig(Config):
    publish_fields = c.ListOfItems(c.Type(str), default=[])
    followups_note = c.Type(str, default="Follow-ups.md")
    # §5: blocks `fill` writes into public notes list a private note as "a private note".
    hide_private_in_files = c.Type(bool, default=False)
    leak_scan = c.Type(bool, default=True)
    # Host names `vault-tools serve` answers to besides its address and localhost (§7).
    allowed_hosts = c.ListOfItems(c.Type(str), default=[])
    # The follow-ups feed: the IANA time zone of times written in notes (default: the
    # machine's), and an alarm before each event (`1d`, `2h`, `30m`; default: none).
    timezone = c.Optional(c.Type(str))
    feed_alarm = c.Optional(c.Type(str))
    # `today`: overdue follow-ups on the build's day in the feed (default `due`: on their own).
    feed_overdue = c.Optional(c.Type(str))
    # Days after `asked` that the `nudge` follow-up is due (§12; default 7): `settings.py`.
    nudge_days = c.Optional(c.Type(int))
    # The career criteria and their weights (`{values: 3, growth: 2}`) and the days an
    # exploring career may go without a conversation (§13; default 60): `settings.py`.
    criteria = c.Optional(c.Type(dict))
    explore_days = c.Optional(c.Type(int))
    # The interview headings whose items are insights (§13): any value here, so that
    # `settings.py` refuses a bad one with its own message.
    insight_sections = c.Optional(c.Type(object))
    # Where `vault-tools digest` sends (§14; the site reads none of them): any value here, so
    # that `settings.py` refuses a bad one, and a password written here, with its own message.
    smtp_host = c.Optional(c.Type(object))
    smtp_port = c.Optional(c.Type(object))
    smtp_security = c.Optional(c.Type(object))
    smtp_user = c.Optional(c.Type(object))
    smtp_password_env = c.Optional(c.Type(object))
    smtp_cafile = c.Optional(c.Type(object))
    email_from = c.Optional(c.Type(object))
    email_to = c.Optional(c.Type(object))
    webhook_url = c.Optional(c.Type(object))
    webhook_token_env = c.Optional(c.Type(object))
    ntfy_url = c.Optional(c.Type(object))
    ntfy_token_env = c.Optional(c.Type(object))
    smtp_password = c.Optional(c.Type(object))
    password = c.Optional(c.Type(object))
    email_password = c.Optional(c.Type(object))
    webhook_token = c.Optional(c.Type(object))
    ntfy_token = c.Optional(c.Type(object))
