"""`vault-tools digest` on stdout: what is due as of a day, each item with its id and one line
of context, silent when nothing is due; `--public-only`; the delivery settings mkdocs.yml
gives (and refuses). Delivery to real servers: tests/test_digest_delivery.py."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.digest.compose import compose, digest_data, digest_text, headline
from vault_tools.digest.deliver import DeliveryError, email_message, one_line, ready
from vault_tools.settings import DEFAULTS, Delivery, SettingsError, settings_from_options
from vault_tools.vault import find_vault, load_index

from .conftest import DEMO_VAULT, MKDOCS, REPO

TODAY = "2026-12-02"
D = dt.date(2026, 12, 2)

# Overdue: the thank-you for Sam's conversation (due 12-01), keeping in touch with Jane (11-20).
# Today: Sam's task (with HTML in it), Ana's task, and the private person's task.
# Tomorrow: Jane's call. In three days: Jane's book. Undated: a someday task.
FILES = {
    "contacts/Sam Lee.md":
        "---\ntype: contact\ncadence: 30d\n---\n"
        "- [ ] Send Sam the <b>article</b> <script>alert(1)</script> 📅 2026-12-02\n",
    "interviews/2026-11-30 Sam Lee.md":
        "---\ntype: interview\ndate: 2026-11-30\nwith: \"[[Sam Lee]]\"\n---\n"
        "- [ ] Introduce Sam to the research guild\n",
    "contacts/Jane Doe.md":
        "---\ntype: contact\ncadence: 30d\nlast_contact: 2026-10-21\n---\n"
        "- [ ] Call Jane 📅 2026-12-03\n- [ ] Send Jane the book 📅 2026-12-05\n"
        "- [ ] Someday, maybe\n",
    "contacts/Ana Ruiz.md":
        "---\ntype: contact\nlast_contact: 2026-10-01\n---\n"
        "- [ ] Send Ana the notes 📅 2026-12-02\n",
    "contacts/Secret Person.md":
        "---\ntype: contact\nprivate: true\n---\n"
        "- [ ] Ask Secret Person about Bluebird 📅 2026-12-02\n",
    # A private conversation with a public person: never read for `--public-only`.
    "interviews/2026-11-25 Bluebird offsite.md":
        "---\ntype: interview\nprivate: true\ndate: 2026-11-25\n"
        "with: [\"[[Ana Ruiz]]\", \"[[Secret Person]]\"]\nthank_you: 2026-11-25\n---\n"
        "- [ ] Send Bluebird the deck\n",
}
PRIVATE_WORDS = ("Secret", "Bluebird")


def digest(vault: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["digest", "--vault", str(vault), "--today", TODAY, *args],
                              env=env)


def followups_json(vault: Path) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["followups", "--vault", str(vault), "--today", TODAY,
                                       "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def with_config(make_vault, files: dict[str, str], options: str = "",
                top: str = "") -> Path:
    root = make_vault(files)
    plugins = f"plugins:\n  - vault:\n{options}" if options else ""
    (root / "mkdocs.yml").write_text(MKDOCS + top + plugins, encoding="utf-8")
    return root


# --- what is due -----------------------------------------------------------------------------


def test_the_digest_lists_overdue_today_and_tomorrow_each_with_its_id(make_vault) -> None:
    vault = make_vault(FILES)
    result = digest(vault)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"6 follow-ups due: 2 overdue, 3 today, 1 tomorrow (as of {TODAY})\n")
    headings = [line for line in text.splitlines() if line in ("Overdue", "Today", "Tomorrow")]
    assert headings == ["Overdue", "Today", "Tomorrow"]
    assert "Call Jane" in text.split("Tomorrow")[1]
    assert "Send Jane the book" not in text and "Someday" not in text  # later, undated
    # Every item's id is the one `followups` shows, so `done ID` finds it.
    ids = {item["id"]: item["title"] for item in followups_json(vault)}
    shown = re.findall(r"^- \d{4}-\d\d-\d\d  (.*?)(?: · [^·\n]*)?  \[([a-z0-9]+)\]$", text,
                       re.MULTILINE)
    assert len(shown) == 6
    assert all(ids[fid] == title for title, fid in shown)


def test_days_widens_the_window_and_zero_keeps_overdue_and_today(make_vault) -> None:
    vault = make_vault(FILES)
    wide = digest(vault, "--days", "3").stdout
    assert "Next 3 days" in wide and "Send Jane the book" in wide
    assert "2 in the next 3 days" in wide.splitlines()[0]
    narrow = digest(vault, "--days", "0").stdout
    assert "- 2026-12-03" not in narrow and "Tomorrow" not in narrow
    assert narrow.startswith("5 follow-ups due: 2 overdue, 3 today (as of")


def test_each_item_has_one_line_of_context_last_touch_and_promise(make_vault) -> None:
    text = digest(make_vault(FILES)).stdout
    lines = text.splitlines()
    thank = next(i for i, line in enumerate(lines) if "Send a thank-you to Sam Lee" in line)
    # The last conversation with Sam, and the task written in it: what was promised.
    assert lines[thank + 1] == ("  last in touch 2026-11-30 (conversation: 2026-11-30 Sam Lee)"
                                " · promised: Introduce Sam to the research guild")
    keep = next(i for i, line in enumerate(lines) if "Get back in touch with Jane Doe" in line)
    assert lines[keep + 1] == "  last in touch 2026-10-21 · promised: Call Jane"


def test_the_context_links_to_the_notes_page_when_site_url_is_set(make_vault) -> None:
    vault = with_config(make_vault, FILES, top="site_url: https://me.example/crm/\n")
    text = digest(vault).stdout
    assert ("https://me.example/crm/interviews/2026-11-30%20Sam%20Lee/" in text)
    data = json.loads(digest(vault, "--json").stdout)
    urls = {item["title"]: item["url"] for item in data["items"]}
    assert urls["Call Jane"] == "https://me.example/crm/contacts/Jane%20Doe/"
    # A private note has no page on the site: no link to one.
    assert urls["Ask Secret Person about Bluebird"] is None
    flat = with_config(make_vault, FILES, top="site_url: https://me.example/\n"
                                              "use_directory_urls: false\n")
    assert "https://me.example/contacts/Jane%20Doe.html" in digest(flat).stdout


def test_no_link_without_site_url(make_vault) -> None:
    assert "http" not in digest(make_vault(FILES)).stdout


def test_json_carries_each_item_with_its_context(make_vault) -> None:
    vault = make_vault(FILES)
    result = digest(vault, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["today"] == TODAY and data["days"] == 1
    assert data["counts"] == {"overdue": 2, "today": 3, "upcoming": 1}
    thank = next(i for i in data["items"] if i["kind"] == "thank-you")
    assert thank == {
        "kind": "thank-you", "due": "2026-12-01", "title": "Send a thank-you to Sam Lee",
        "note": "interviews/2026-11-30 Sam Lee.md", "line": None,
        "contact": "contacts/Sam Lee.md", "id": thank["id"], "group": "overdue",
        "label": thank["label"], "person": "Sam Lee",
        "last_touch": {"date": "2026-11-30", "how": "conversation",
                       "note": "interviews/2026-11-30 Sam Lee.md"},
        "promised": "Introduce Sam to the research guild", "url": None,
    }
    ids = {item["id"] for item in followups_json(vault)}
    assert {item["id"] for item in data["items"]} <= ids


def test_nothing_due_prints_nothing_and_exits_0(make_vault) -> None:
    vault = make_vault({"contacts/Jane Doe.md": "---\ntype: contact\n---\n- [ ] Someday\n"})
    for args in ((), ("--days", "30")):
        result = digest(vault, *args)
        assert result.exit_code == 0
        assert result.output == ""
    # --json is for scripts, which parse the output every day: an empty digest, not nothing.
    assert json.loads(digest(vault, "--json").stdout)["items"] == []


def test_same_day_items_and_a_task_written_twice_each_get_their_own_line_and_id(
    make_vault,
) -> None:
    twice = "- [ ] Call Jane 📅 2026-12-02\n" * 2
    vault = make_vault({"contacts/Jane Doe.md": "---\ntype: contact\n---\n" + twice})
    text = digest(vault).stdout
    found = re.findall(r"\[([a-z0-9]+)\]", text)
    assert len(found) == 2 and len(set(found)) == 2


# --- privacy ---------------------------------------------------------------------------------


def test_without_public_only_the_digest_is_yours_private_people_included(make_vault) -> None:
    text = digest(make_vault(FILES)).stdout
    assert "Ask Secret Person about Bluebird" in text
    # Ana's last conversation is the private one: shown to you, on your terminal.
    assert "conversation: 2026-11-25 Bluebird offsite" in text


def test_public_only_leaves_out_every_private_item_and_name(make_vault) -> None:
    vault = make_vault(FILES)
    for args in (("--public-only",), ("--public-only", "--json"),
                 ("--public-only", "--days", "30")):
        result = digest(vault, *args)
        assert result.exit_code == 0
        for word in PRIVATE_WORDS:
            assert word not in result.stdout, (args, word)
    text = digest(vault, "--public-only").stdout
    # Ana stays, with her last public touch rather than the private conversation.
    assert "Send Ana the notes" in text
    ana = text.splitlines()[text.splitlines().index(
        next(line for line in text.splitlines() if "Send Ana the notes" in line)) + 1]
    assert ana == "  last in touch 2026-10-01"


def test_public_only_never_names_a_private_promise(make_vault) -> None:
    files = {
        "contacts/Jane Doe.md": "---\ntype: contact\ncadence: 30d\nlast_contact: 2026-10-21\n"
                                "---\n- [ ] Tell [[Secret Person]] about Jane\n",
        "contacts/Secret Person.md": "---\ntype: contact\nprivate: true\n---\n",
    }
    vault = make_vault(files)
    assert "Secret" in digest(vault).stdout
    public = digest(vault, "--public-only").stdout
    assert "Get back in touch with Jane Doe" in public and "Secret" not in public


# --- hostile values ----------------------------------------------------------------------------


def test_html_in_a_note_stays_text_in_the_text_and_the_json(make_vault) -> None:
    vault = make_vault(FILES)
    text = digest(vault).stdout
    assert "Send Sam the <b>article</b> <script>alert(1)</script>" in text
    data = json.loads(digest(vault, "--json").stdout)
    assert any(item["title"] == "Send Sam the <b>article</b> <script>alert(1)</script>"
               for item in data["items"])


def test_control_characters_in_a_note_are_written_as_escapes(make_vault) -> None:
    vault = make_vault({"contacts/Jane Doe.md":
                        "---\ntype: contact\n---\n- [ ] Call \x1b[31mJane\x07 📅 2026-12-02\n"})
    text = digest(vault).stdout
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[31mJane\\x07" in text


def test_a_crafted_note_name_cannot_add_a_mail_header(make_vault) -> None:
    # A file name may hold a line break: the person's name then does too.
    name = "Eve\r\nBcc: everyone@example.org\r\nX-Evil: 1"
    index = load_index(find_vault(make_vault({
        f"contacts/{name}.md": "---\ntype: contact\n---\n- [ ] Call Eve 📅 2026-12-02\n"})))
    found = compose(index, D)
    assert found.items[0].person == name
    message = email_message(found, Delivery(email_from="me@example.org",
                                            email_to=("me@example.org",)))
    raw = message.as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"Bcc:" not in head and b"X-Evil" not in head
    assert message.get_content_type() == "text/plain"


@given(st.text())
def test_one_line_never_leaves_a_line_break(text: str) -> None:
    line = one_line(text)
    assert len(line.splitlines()) <= 1
    assert not any(ord(char) < 32 or ord(char) == 127 for char in line)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_task_text_gives_one_item_line_and_at_most_one_context_line(
    tmp_path_factory: pytest.TempPathFactory, text: str,
) -> None:
    from .conftest import write_vault

    root = write_vault(tmp_path_factory.mktemp("v"), {
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n- [ ] x"
                                + text.replace("\n", " ").replace("\r", " ") + " 📅 2026-12-02\n"})
    found = compose(load_index(find_vault(root)), D)
    out = digest_text(found)
    if not found:  # a text the parser reads as no task (a NUL: not a text file)
        assert out == ""
        return
    body = out.split("\n\n")[1].split("\n")
    assert body[0] == "Today"
    assert len([line for line in body if line.startswith("- ")]) == len(found.items)
    assert headline(found) in out.splitlines()[0]
    json.dumps(digest_data(found))


# --- settings: where it goes -------------------------------------------------------------------


def test_delivery_settings_read_from_the_plugins_options() -> None:
    settings = settings_from_options({
        "smtp_host": "smtp.example.org", "smtp_port": 2525, "smtp_security": "SSL",
        "smtp_user": "me@example.org", "smtp_password_env": "MY_PASS",
        "email_from": "Me <me@example.org>", "email_to": ["a@example.org", "b@example.org"],
        "webhook_url": "https://hooks.example.org/x", "ntfy_url": "http://ntfy.local/topic",
        "ntfy_token_env": "NTFY_TOKEN",
    })
    delivery = settings.delivery
    assert delivery.smtp_security == "ssl" and delivery.port == 2525
    assert delivery.email_to == ("a@example.org", "b@example.org")
    assert Delivery(smtp_security="ssl").port == 465 and Delivery().port == 587
    # Where the digest goes shapes no block: the fill cache keeps its key.
    assert settings.cache_key() == DEFAULTS.cache_key() == ""


@pytest.mark.parametrize(("option", "message"), [
    ("smtp_password: hunter2", "smtp_password: a password or token is never read from "
                               "mkdocs.yml"),
    ("smtp_password: !ENV SMTP_PASSWORD", "smtp_password: a password or token is never read"),
    ("ntfy_token: tk_abc", "ntfy_token: a password or token is never read from mkdocs.yml"),
    ("smtp_host: !ENV SMTP_HOST", "smtp_host: a tag (!ENV) is not a host name written out"),
    ("smtp_port: '587'", "smtp_port: '587' is not a port"),
    ("smtp_port: 70000", "smtp_port: 70000 is not a port"),
    ("smtp_security: tls", "smtp_security: 'tls' is not a way to reach the server"),
    ("email_to: not-an-address", "email_to: 'not-an-address' is not an e-mail address"),
    ("email_from: \"me@example.org\\r\\nBcc: x@y\"", "email_from: "),
    ("webhook_url: file:///etc/passwd", "webhook_url: 'file:///etc/passwd' is not an http or "
                                        "https address"),
    ("ntfy_url: ntfy.sh/topic", "ntfy_url: 'ntfy.sh/topic' is not an http or https address"),
    ("smtp_password_env: $PASS", "smtp_password_env: '$PASS' is not the name of an "
                                 "environment variable"),
])
def test_a_delivery_setting_that_cannot_be_used_is_refused_naming_mkdocs_yml(
    make_vault, option: str, message: str,
) -> None:
    vault = with_config(make_vault, FILES, f"      {option}\n")
    result = digest(vault)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {vault / 'mkdocs.yml'}: the vault plugin's "
                                    f"{message}")


def test_a_login_without_encryption_is_refused() -> None:
    with pytest.raises(SettingsError, match="unencrypted"):
        settings_from_options({"smtp_security": "none", "smtp_user": "me"})


@pytest.mark.parametrize(("channel", "options", "message"), [
    ("email", "", "has no smtp_host, email_from, email_to; --to email needs"),
    ("email", "      smtp_host: localhost\n      email_from: me@example.org\n"
              "      email_to: me@example.org\n      smtp_user: me\n",
     "smtp_user is set, but no smtp_password_env names the environment variable"),
    ("email", "      smtp_host: localhost\n      email_from: me@example.org\n"
              "      email_to: me@example.org\n      smtp_user: me\n"
              "      smtp_password_env: VAULT_TEST_UNSET_PASSWORD\n",
     "the environment variable VAULT_TEST_UNSET_PASSWORD (smtp_password_env in"),
    ("webhook", "", "has no webhook_url; --to webhook needs it"),
    ("ntfy", "", "has no ntfy_url; --to ntfy needs it"),
])
def test_a_channel_not_configured_is_reported_even_when_nothing_is_due(
    make_vault, channel: str, options: str, message: str,
) -> None:
    # Nothing due: the digest would be silent, but the cron job would never work.
    vault = with_config(make_vault, {"contacts/Jane Doe.md": "---\ntype: contact\n---\n"},
                        options)
    result = digest(vault, "--to", channel, env={"VAULT_TEST_UNSET_PASSWORD": ""})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_json_is_only_for_stdout(make_vault) -> None:
    result = digest(make_vault(FILES), "--to", "webhook", "--json")
    assert result.exit_code == 2
    assert "--json is for --to stdout" in result.stderr


def test_ready_reads_the_password_from_the_named_variable_only() -> None:
    delivery = Delivery(smtp_host="h", email_from="a@b", email_to=("a@b",), smtp_user="me",
                        smtp_password_env="PASS")
    assert ready("email", delivery, {"PASS": "s3cret"}).secret == "s3cret"
    with pytest.raises(DeliveryError, match="PASS"):
        ready("email", delivery, {"SMTP_PASSWORD": "s3cret"})


def test_the_reminders_page_example_is_what_the_demo_vault_prints() -> None:
    page = (REPO / "docs" / "reminders.md").read_text(encoding="utf-8")
    example = page.split("$ vault-tools digest --today 2026-12-01\n", 1)[1].split("```")[0]
    shown = [line for line in example.splitlines() if line.strip() != "..."]
    result = CliRunner().invoke(main, ["digest", "--vault", str(DEMO_VAULT),
                                       "--today", "2026-12-01"])
    printed = iter(result.stdout.splitlines())
    # Every line of the example appears, in order ("..." stands for lines left out).
    assert all(line in printed for line in shown), shown


@pytest.mark.slow
def test_mkdocs_builds_strict_with_the_delivery_settings_and_refuses_a_password(
    make_vault,
) -> None:
    import subprocess
    import sys

    options = ("      smtp_host: smtp.example.org\n      smtp_port: 465\n"
               "      smtp_security: ssl\n      smtp_user: me@example.org\n"
               "      smtp_password_env: VAULT_SMTP_PASSWORD\n      smtp_cafile: ca.pem\n"
               "      email_from: me@example.org\n      email_to: [me@example.org]\n"
               "      webhook_url: https://hooks.example.org/x\n"
               "      webhook_token_env: HOOK_TOKEN\n"
               "      ntfy_url: https://ntfy.sh/topic\n      ntfy_token_env: NTFY_TOKEN\n")

    def mkdocs(vault: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                               str(vault / "mkdocs.yml")], capture_output=True, text=True,
                              timeout=300)

    # Every option is the plugin's own: no "unrecognised configuration" under --strict.
    built = mkdocs(with_config(make_vault, FILES, options))
    assert built.returncode == 0, built.stderr
    refused = mkdocs(with_config(make_vault, FILES, options + "      smtp_password: x\n"))
    assert refused.returncode != 0
    assert "the vault plugin's smtp_password: a password or token is never read" in (
        refused.stderr)
