"""Attacks on `vault-tools digest` and its delivery, each against real servers started here
(aiosmtpd, http.server), never a mock: credentials written in a URL, addresses and tokens the
wire cannot carry, a recipient refused among several, a script asking for JSON on a quiet day,
and the feed's folding and escaping of multi-byte text."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import plistlib
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from vault_tools.cli import main
from vault_tools.digest import deliver
from vault_tools.settings import SettingsError, delivery_from_options

from .conftest import MKDOCS, REPO
from .test_digest import FILES, TODAY
from .test_digest_delivery import EMPTY, Mailbox, free_port


def run(vault: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, ["digest", "--vault", str(vault), "--today", TODAY, *args],
                              env=env)


def vault_with(make_vault, options: str, files: dict[str, str] | None = None) -> Path:
    root = make_vault(FILES if files is None else files)
    (root / "mkdocs.yml").write_text(MKDOCS + "plugins:\n  - vault:\n" + options,
                                     encoding="utf-8")
    return root


@pytest.fixture
def http_paths() -> Iterator[tuple[list[tuple[str, dict[str, str]]], int]]:
    """An HTTP server answering 204 to every POST, recording each request's path and
    headers."""
    seen: list[tuple[str, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen.append((self.path, dict(self.headers)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield seen, server.server_address[1]
    server.shutdown()
    server.server_close()


# --- credentials and text the wire cannot carry ------------------------------------------------


@pytest.mark.parametrize("key", ["webhook_url", "ntfy_url"])
def test_a_password_written_in_a_url_is_refused_and_never_echoed(key: str) -> None:
    with pytest.raises(SettingsError) as error:
        delivery_from_options({key: "https://me:hunter2@hooks.example.org/vault"})
    message = str(error.value)
    assert message.startswith(f"{key}:") and "_token_env" in message
    assert "hunter2" not in message


def test_a_url_with_credentials_stops_the_command_without_printing_them(make_vault) -> None:
    vault = vault_with(make_vault, "      webhook_url: https://me:hunter2@127.0.0.1:9/x\n")
    result = run(vault, "--to", "webhook")
    assert result.exit_code == 1
    assert "hunter2" not in result.output and "Traceback" not in result.output


def test_a_topic_with_non_ascii_letters_is_posted_percent_encoded(make_vault, http_paths
                                                                  ) -> None:
    seen, port = http_paths
    vault = vault_with(make_vault, f"      ntfy_url: http://127.0.0.1:{port}/café-ünd?x=é\n")
    result = run(vault, "--to", "ntfy")
    assert result.exit_code == 0, result.output
    assert [path for path, _ in seen] == ["/caf%C3%A9-%C3%BCnd?x=%C3%A9"]


@pytest.mark.parametrize("token", ["tök€n", "tk_1\r\nX-Evil: 1", "tk 1\t"])
def test_a_token_a_header_cannot_carry_is_refused_without_showing_it(make_vault, http_paths,
                                                                     token: str) -> None:
    seen, port = http_paths
    vault = vault_with(make_vault, f"      webhook_url: http://127.0.0.1:{port}/x\n"
                                   "      webhook_token_env: VAULT_TEST_TOKEN\n")
    result = run(vault, "--to", "webhook", env={"VAULT_TEST_TOKEN": token})
    assert result.exit_code == 1
    assert "Traceback" not in result.output and len(result.stderr.splitlines()) == 1
    assert "VAULT_TEST_TOKEN" in result.stderr
    assert "tk_1" not in result.output and "tök" not in result.output
    assert seen == []


def test_a_password_smtp_cannot_send_is_reported_not_a_traceback(make_vault) -> None:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(),
                            auth_require_tls=False, authenticator=lambda *a: False)
    controller.start()
    try:
        vault = vault_with(make_vault, f"      smtp_host: 127.0.0.1\n"
                                       f"      smtp_port: {controller.port}\n"
                                       "      smtp_security: ssl\n      smtp_user: me\n"
                                       "      smtp_password_env: VAULT_TEST_PW\n"
                                       "      email_from: me@example.org\n"
                                       "      email_to: me@example.org\n")
        result = run(vault, "--to", "email", env={"VAULT_TEST_PW": "pässwörd"})
    finally:
        controller.stop()
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "pässwörd" not in result.output
    assert "VAULT_TEST_PW" in result.stderr and len(result.stderr.splitlines()) == 1


# --- recipients --------------------------------------------------------------------------------


class RefusingMailbox(Mailbox):
    """Refuses `nobody@example.org` at RCPT, takes every other recipient."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        if address == "nobody@example.org":
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def plain_smtp_vault(make_vault, port: int, to: str) -> Path:
    return vault_with(make_vault, f"      smtp_host: 127.0.0.1\n      smtp_port: {port}\n"
                                  "      smtp_security: none\n"
                                  "      email_from: me@example.org\n"
                                  f"      email_to: {to}\n")


def test_a_recipient_refused_among_several_is_reported_and_exit_1(make_vault) -> None:
    mailbox = RefusingMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        vault = plain_smtp_vault(make_vault, controller.port,
                                 "[me@example.org, nobody@example.org]")
        result = run(vault, "--to", "email")
    finally:
        controller.stop()
    [envelope] = mailbox.envelopes
    assert envelope.rcpt_tos == ["me@example.org"]
    # A cron job prints only on failure: a recipient who never gets the digest must show.
    assert result.exit_code == 1
    assert "nobody@example.org" in result.stderr and "550" in result.stderr
    assert "me@example.org" in result.stderr  # it says who did get it: do not resend blindly
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


@pytest.mark.parametrize("smtputf8", [True, False])
def test_an_address_with_non_ascii_letters_is_sent_or_reported_as_such(make_vault,
                                                                      smtputf8: bool) -> None:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(),
                            enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        vault = plain_smtp_vault(make_vault, controller.port, "josé@example.org")
        result = run(vault, "--to", "email")
    finally:
        controller.stop()
    if smtputf8:
        assert result.exit_code == 0, result.output
        assert mailbox.envelopes[0].rcpt_tos == ["josé@example.org"]
        return
    assert result.exit_code == 1
    assert "STARTTLS" not in result.stderr  # the server was never asked for it
    assert "SMTPUTF8" in result.stderr and mailbox.envelopes == []


def test_non_ascii_names_and_text_reach_the_mailbox_intact(make_vault) -> None:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    files = {"contacts/Zoë Ωμέγα 李.md": "---\ntype: contact\n---\n"
                                         "- [ ] Écrire à Zoë 🎉 📅 2026-12-02\n"}
    try:
        vault = vault_with(make_vault, f"      smtp_host: 127.0.0.1\n"
                                       f"      smtp_port: {controller.port}\n"
                                       "      smtp_security: none\n"
                                       "      email_from: Zoë Vault <me@example.org>\n"
                                       "      email_to: Ünïcode <me@example.org>\n", files)
        result = run(vault, "--to", "email")
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    [message] = mailbox.messages()
    assert "Écrire à Zoë 🎉" in message.get_content()
    assert str(message["From"]) == "Zoë Vault <me@example.org>"
    # Every header line on the wire is ASCII (RFC 2047 words for the names).
    raw = mailbox.envelopes[0].original_content
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()


# --- scripts -----------------------------------------------------------------------------------


def test_json_on_a_quiet_day_is_an_empty_digest_not_nothing(make_vault) -> None:
    result = run(make_vault(EMPTY), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # a script parses it on every day
    assert data["items"] == [] and data["counts"] == {"overdue": 0, "today": 0, "upcoming": 0}
    assert run(make_vault(EMPTY)).output == ""  # the text stays silent for cron


# --- the recipes of docs/reminders.md ----------------------------------------------------------


def _blocks(language: str) -> list[str]:
    text = (REPO / "docs" / "reminders.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_the_launchd_recipe_is_a_valid_property_list() -> None:
    [xml] = _blocks("xml")
    plist = plistlib.loads(xml.encode("utf-8"))
    assert plist["Label"] == "org.example.vault-digest"
    assert plist["StartCalendarInterval"] == {"Hour": 8, "Minute": 0}
    assert plist["ProgramArguments"][:2] == ["/bin/sh", "-c"]
    assert "digest" in plist["ProgramArguments"][2] and "&&" in plist["ProgramArguments"][2]


def test_the_cron_recipe_has_five_time_fields_then_the_command() -> None:
    [cron] = _blocks("cron")
    [line] = [line for line in cron.splitlines() if line and not line.startswith("#")]
    fields = line.split(None, 5)
    assert fields[:5] == ["0", "8", "*", "*", "*"] and "digest" in fields[5]


# --- the feed ----------------------------------------------------------------------------------


def test_feed_overdue_today_keeps_a_hidden_task_hidden_until_its_day(make_vault) -> None:
    from .test_feed_reminders import by_summary, export

    root = make_vault({"contacts/Jane Doe.md":
                       "---\ntype: contact\n---\n"
                       "- [ ] Hidden until the tenth ⏳ 2026-12-10 📅 2026-12-01\n"
                       "- [ ] Shown since the tenth of November ⏳ 2026-11-10 📅 2026-11-20\n"})
    (root / "mkdocs.yml").write_text(MKDOCS + "plugins:\n  - vault:\n      feed_overdue: today\n",
                                     encoding="utf-8")
    events = by_summary(export(root, "--today", "2026-12-02").stdout_bytes)
    # `followups` and the digest hide it until the tenth: the feed as of today moves it to the
    # tenth, the day it comes back, not to today.
    hidden = events["Hidden until the tenth"]
    assert hidden["start"] == dt.date(2026, 12, 10)
    assert hidden["description"].startswith("Overdue: due 2026-12-01. ")
    assert events["Shown since the tenth of November"]["start"] == dt.date(2026, 12, 2)
    digest = run(root)
    assert "Hidden until the tenth" not in digest.output


def test_feed_lines_fold_at_octets_and_escape_text(make_vault) -> None:
    from .test_feed_reminders import by_summary, export

    title = "Écrire à Zoë, 李娜; \\N \\ long 🎉" + " 日本語テキスト" * 12
    root = make_vault({"contacts/Jane Doe.md":
                       f"---\ntype: contact\n---\n- [ ] {title} 📅 2026-12-01\n"})
    (root / "mkdocs.yml").write_text(MKDOCS + "plugins:\n  - vault:\n      feed_alarm: 30m\n",
                                     encoding="utf-8")
    data = export(root).stdout_bytes
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never cut inside a character
    assert by_summary(data)[title]["start"] == dt.date(2026, 12, 1)


# --- servers that never finish -----------------------------------------------------------------


@pytest.fixture
def trickler() -> Iterator[Callable[[bytes, bytes], int]]:
    """`trickler(greeting, drip)`: a server that sends `greeting` then `drip` every 0.1 s,
    for ever: each read gets its bytes well within any timeout, the answer never ends."""
    stop = threading.Event()
    sockets: list[socket.socket] = []

    def start(greeting: bytes, drip: bytes) -> int:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        sockets.append(listener)

        def serve() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            sockets.append(conn)
            with conn:
                try:
                    conn.sendall(greeting)
                    while not stop.wait(0.1):
                        conn.sendall(drip)
                except OSError:
                    pass

        threading.Thread(target=serve, daemon=True).start()
        return int(listener.getsockname()[1])

    yield start
    stop.set()
    for sock in sockets:
        sock.close()


@pytest.mark.parametrize("channel", ["email", "webhook"])
def test_a_server_that_trickles_for_ever_is_given_up_on_in_bounded_time(
        make_vault, trickler, monkeypatch, channel: str) -> None:
    monkeypatch.setattr(deliver, "TIMEOUT", 0.5)
    monkeypatch.setattr(deliver, "TOTAL_TIMEOUT", 1.5)
    if channel == "email":
        port = trickler(b"220-hello\r\n", b"220-still here\r\n")
        vault = plain_smtp_vault(make_vault, port, "me@example.org")
    else:
        # Reads the request's first bytes, then answers a status and headers without end.
        port = trickler(b"HTTP/1.1 200 OK\r\n", b"X-Still-Here: 1\r\n")
        vault = vault_with(make_vault, f"      webhook_url: http://127.0.0.1:{port}/x\n")
    started = time.monotonic()
    result = run(vault, "--to", channel)
    took = time.monotonic() - started
    assert result.exit_code == 1
    assert "1.5 s" in result.stderr and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output
    assert took < 30  # generous on a loaded machine; without the bound it never ends


# --- size --------------------------------------------------------------------------------------


def test_a_huge_task_keeps_the_digest_text_short(make_vault) -> None:
    huge = "word " * 40000
    root = make_vault({"contacts/Jane Doe.md":
                       f"---\ntype: contact\n---\n- [ ] Call Jane {huge}📅 2026-12-02\n"
                       "- [ ] Send Jane the deck 📅 2026-12-02\n"})
    result = run(root)
    assert result.exit_code == 0
    # An e-mail or a phone notification of 200 KB for one task: the line is cut, the id kept.
    assert len(result.stdout.encode("utf-8")) < 4096
    [line] = [line for line in result.stdout.splitlines() if "Call Jane" in line]
    assert "…" in line and re.search(r"\[[a-z0-9]{6}\]$", line)
    assert "Send Jane the deck" in result.stdout


@pytest.mark.parametrize("channel", ["webhook", "ntfy"])
def test_a_token_is_never_sent_unencrypted_off_this_machine(make_vault, channel: str) -> None:
    # 192.0.2.1 is TEST-NET-1: nothing may even try to connect there.
    vault = vault_with(make_vault, f"      {channel}_url: http://192.0.2.1/hook\n"
                                   f"      {channel}_token_env: VAULT_TEST_TOKEN\n")
    started = time.monotonic()
    result = run(vault, "--to", channel, env={"VAULT_TEST_TOKEN": "tk_secret"})
    assert result.exit_code == 1
    assert "https" in result.stderr and len(result.stderr.splitlines()) == 1
    assert "tk_secret" not in result.output and "/hook" not in result.output
    assert time.monotonic() - started < 10  # refused before any connection


def test_a_token_over_http_to_this_machine_is_fine() -> None:
    for url in ("http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:80/x"):
        delivery = delivery_from_options({"webhook_url": url, "webhook_token_env": "T"})
        assert deliver.ready("webhook", delivery, {"T": "tk"}).secret == "tk"


# --- servers that misbehave --------------------------------------------------------------------


def test_a_certificate_for_another_host_name_is_refused(make_vault, tmp_path) -> None:
    import ssl

    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("mail.other.example").configure_cert(context)  # valid, but not 127.0.0.1's
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(),
                            tls_context=context, require_starttls=True)
    controller.start()
    try:
        vault = vault_with(make_vault, f"      smtp_host: 127.0.0.1\n"
                                       f"      smtp_port: {controller.port}\n"
                                       "      smtp_cafile: ca.pem\n"
                                       "      email_from: me@example.org\n"
                                       "      email_to: me@example.org\n")
        ca.cert_pem.write_to_path(str(vault / "ca.pem"))
        result = run(vault, "--to", "email")
    finally:
        controller.stop()
    assert result.exit_code == 1
    assert "certificate is not trusted" in result.stderr and "127.0.0.1" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and mailbox.envelopes == []


def test_a_server_that_hangs_up_during_data_is_one_line(make_vault) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:  # speaks SMTP until the message starts, then hangs up
        conn, _ = listener.accept()
        with conn, conn.makefile("rwb") as wire:
            wire.write(b"220 hi\r\n")
            wire.flush()
            for line in wire:
                verb = line[:4].upper()
                if verb == b"DATA":
                    wire.write(b"354 go on\r\n")
                    wire.flush()
                    wire.readline()
                    return
                wire.write(b"250 ok\r\n")
                wire.flush()

    threading.Thread(target=serve, daemon=True).start()
    try:
        vault = plain_smtp_vault(make_vault, listener.getsockname()[1], "me@example.org")
        result = run(vault, "--to", "email")
    finally:
        listener.close()
    assert result.exit_code == 1
    assert "closed the connection" in result.stderr or "Connection reset" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(("status", "expected"), [(204, 0), (429, 1), (301, 1)])
def test_webhook_statuses(make_vault, status: int, expected: int) -> None:
    posts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            posts.append(self.path)
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "3600")
            if status == 301:
                self.send_header("Location", "/moved")
            # A huge body, never read whole.
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(b"x" * 1_000_000)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        vault = vault_with(make_vault,
                           f"      webhook_url: http://127.0.0.1:{server.server_address[1]}/h\n")
        result = run(vault, "--to", "webhook")
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == expected, result.output
    assert posts == ["/h"]  # once: nothing retried, no redirect followed
    if expected:
        assert f"answered {status}" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_the_systemd_recipe_verifies(tmp_path: Path) -> None:
    service, timer = _blocks("ini")
    # The recipe's vault-tools path exists on no test machine: verify checks it is executable.
    (tmp_path / "vault-digest.service").write_text(
        service.replace("/home/me/.local/bin/vault-tools", "/bin/true"), encoding="utf-8")
    (tmp_path / "vault-digest.timer").write_text(timer, encoding="utf-8")
    checked = subprocess.run(["systemd-analyze", "verify", "vault-digest.service",
                              "vault-digest.timer"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "vault-digest" not in checked.stderr  # no warning about either unit
