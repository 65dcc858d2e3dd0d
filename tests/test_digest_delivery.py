"""`vault-tools digest --to email|webhook|ntfy`, delivered end to end to real servers the tests
start on 127.0.0.1: an SMTP server (aiosmtpd) over STARTTLS and implicit TLS with a throwaway
certificate authority (trustme), and HTTP servers (http.server) for the webhook and ntfy. No
client is mocked: the command's own smtplib and urllib do the talking."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from vault_tools.cli import main
from vault_tools.digest import deliver

from .conftest import MKDOCS
from .test_digest import FILES, PRIVATE_WORDS, TODAY

USER, PASSWORD = "me@example.org", "correct horse battery staple"
EMPTY = {"contacts/Jane Doe.md": "---\ntype: contact\n---\n- [ ] Someday\n"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- an SMTP server ----------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the SMTP server received: each message's envelope and its parsed message."""

    envelopes: list[Any] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.original_content, policy=email.policy.default)
                for e in self.envelopes]  # type: ignore[misc]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def cafile(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def smtp_server(mailbox: Mailbox, *, starttls: ssl.SSLContext | None = None,
                implicit: ssl.SSLContext | None = None) -> Controller:
    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            login, password = data.login.decode(), data.password.decode()
            mailbox.logins.append((login, password))
            # handled=False: the server answers a failure with 535 itself.
            return AuthResult(success=(login, password) == (USER, PASSWORD), handled=False)
        return AuthResult(success=False, handled=False)

    kwargs: dict[str, Any] = {"authenticator": authenticate}
    if starttls is not None:
        kwargs.update(tls_context=starttls, require_starttls=True)
    if implicit is not None:
        # aiosmtpd counts only STARTTLS as TLS when offering a login; this session is TLS.
        kwargs.update(ssl_context=implicit, auth_require_tls=False)
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller


@pytest.fixture
def starttls_server(server_tls: ssl.SSLContext) -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = smtp_server(mailbox, starttls=server_tls)
    yield mailbox, controller.port
    controller.stop()


@pytest.fixture
def ssl_server(server_tls: ssl.SSLContext) -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = smtp_server(mailbox, implicit=server_tls)
    yield mailbox, controller.port
    controller.stop()


def email_vault(make_vault, port: int, cafile: Path | None, security: str = "starttls",
                files: dict[str, str] | None = None) -> Path:
    root = make_vault(FILES if files is None else files)
    ca_line = f"      smtp_cafile: {cafile.name}\n" if cafile is not None else ""
    if cafile is not None and cafile.parent != root:
        (root / cafile.name).write_bytes(cafile.read_bytes())  # relative to mkdocs.yml
    (root / "mkdocs.yml").write_text(
        MKDOCS + "site_url: https://me.example/crm/\nplugins:\n  - vault:\n"
        f"      smtp_host: 127.0.0.1\n      smtp_port: {port}\n"
        f"      smtp_security: {security}\n      smtp_user: {USER}\n"
        "      smtp_password_env: VAULT_TEST_SMTP_PASSWORD\n" + ca_line +
        "      email_from: Vault <me@example.org>\n"
        "      email_to: [me@example.org, other@example.org]\n", encoding="utf-8")
    return root


def digest(vault: Path, *args: str, password: str = PASSWORD) -> Any:
    return CliRunner().invoke(main, ["digest", "--vault", str(vault), "--today", TODAY, *args],
                              env={"VAULT_TEST_SMTP_PASSWORD": password})


# --- e-mail ------------------------------------------------------------------------------------


def test_the_digest_is_delivered_by_email_over_starttls(make_vault, starttls_server, cafile
                                                        ) -> None:
    mailbox, port = starttls_server
    result = digest(email_vault(make_vault, port, cafile), "--to", "email")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # cron mails whatever a job prints
    assert mailbox.logins == [(USER, PASSWORD)]
    [envelope] = mailbox.envelopes
    assert envelope.mail_from == "me@example.org"
    assert envelope.rcpt_tos == ["me@example.org", "other@example.org"]
    [message] = mailbox.messages()
    assert message["Subject"] == "Follow-ups: 6 follow-ups due: 2 overdue, 3 today, 1 tomorrow"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "Send a thank-you to Sam Lee" in body
    assert "https://me.example/crm/interviews/2026-11-30%20Sam%20Lee/" in body
    # HTML from a note is text in a text/plain message.
    assert "<script>alert(1)</script>" in body and not message.is_multipart()


def test_the_digest_is_delivered_by_email_over_implicit_tls(make_vault, ssl_server, cafile
                                                            ) -> None:
    mailbox, port = ssl_server
    result = digest(email_vault(make_vault, port, cafile, "ssl"), "--to", "email")
    assert result.exit_code == 0, result.output
    assert len(mailbox.envelopes) == 1
    assert "Call Jane" in mailbox.messages()[0].get_content()


def test_public_only_leaves_private_people_out_of_the_email(make_vault, starttls_server,
                                                            cafile) -> None:
    mailbox, port = starttls_server
    result = digest(email_vault(make_vault, port, cafile), "--to", "email", "--public-only")
    assert result.exit_code == 0, result.output
    raw = mailbox.envelopes[0].original_content.decode("utf-8", "replace")
    assert "Send Ana the notes" in raw
    for word in PRIVATE_WORDS:
        assert word not in raw


def test_a_wrong_password_is_one_line_and_exit_1(make_vault, starttls_server, cafile) -> None:
    mailbox, port = starttls_server
    result = digest(email_vault(make_vault, port, cafile), "--to", "email", password="wrong")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: email: 127.0.0.1:{port} refused the login of {USER} (535 5.7.8 "
        "Authentication credentials invalid); check smtp_user and the password in "
        "$VAULT_TEST_SMTP_PASSWORD\n")
    assert mailbox.envelopes == []
    assert "wrong" not in result.output


def test_an_untrusted_certificate_is_refused_and_nothing_sent(make_vault, starttls_server
                                                              ) -> None:
    mailbox, port = starttls_server
    result = digest(email_vault(make_vault, port, None), "--to", "email")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: email: 127.0.0.1:{port}'s certificate is not "
                                    "trusted")
    assert "smtp_cafile" in result.stderr and len(result.stderr.splitlines()) == 1
    assert mailbox.logins == [] and mailbox.envelopes == []


def test_starttls_asked_of_an_implicit_tls_server_fails_cleanly(make_vault, ssl_server,
                                                                cafile, monkeypatch) -> None:
    # Each side waits for the other to speak first: the bounded wait ends it.
    monkeypatch.setattr(deliver, "TIMEOUT", 0.5)
    mailbox, port = ssl_server
    result = digest(email_vault(make_vault, port, cafile, "starttls"), "--to", "email")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: email: cannot send through 127.0.0.1:{port}: no answer "
                             "within 0.5 s\n")
    assert "Traceback" not in result.output and mailbox.envelopes == []


def test_a_server_that_is_down_is_one_line_and_exit_1(make_vault, cafile) -> None:
    port = free_port()  # nothing listens there
    result = digest(email_vault(make_vault, port, cafile), "--to", "email")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: email: cannot send through 127.0.0.1:{port}: connection "
                             "refused (is the server running, and is this its port?)\n")


def test_a_server_that_never_answers_times_out(make_vault, cafile, monkeypatch) -> None:
    monkeypatch.setattr(deliver, "TIMEOUT", 0.5)
    with socket.socket() as silent:  # accepts, then says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        result = digest(email_vault(make_vault, port, cafile), "--to", "email")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: email: cannot send through 127.0.0.1:{port}: no answer "
                             "within 0.5 s\n")


def test_nothing_due_connects_to_no_server(make_vault, cafile) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        result = digest(email_vault(make_vault, port, cafile, files=EMPTY), "--to", "email")
        listener.settimeout(0.2)
        with pytest.raises(socket.timeout):
            listener.accept()  # a connection would be waiting in the backlog
    assert result.exit_code == 0 and result.output == ""


# --- HTTP: webhook and ntfy ------------------------------------------------------------------


@dataclass
class Received:
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def http_server() -> Iterator[tuple[Received, int]]:
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.requests.append((self.command, self.path, dict(self.headers), body))
            self.send_response(received.status)
            self.send_header("Content-Length", "2")
            if received.status in (301, 302):
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield received, server.server_address[1]
    server.shutdown()
    server.server_close()


def http_vault(make_vault, port: int, files: dict[str, str] | None = None,
               token: bool = False) -> Path:
    root = make_vault(FILES if files is None else files)
    tokens = ("      webhook_token_env: VAULT_TEST_TOKEN\n      ntfy_token_env: VAULT_TEST_TOKEN\n"
              if token else "")
    (root / "mkdocs.yml").write_text(
        MKDOCS + "plugins:\n  - vault:\n"
        f"      webhook_url: http://127.0.0.1:{port}/hooks/s3cret-path\n"
        f"      ntfy_url: http://127.0.0.1:{port}/my-topic\n" + tokens, encoding="utf-8")
    return root


def test_the_webhook_receives_the_digest_as_json(make_vault, http_server) -> None:
    received, port = http_server
    vault = http_vault(make_vault, port)
    result = digest(vault, "--to", "webhook")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    [(method, path, headers, body)] = received.requests
    assert (method, path) == ("POST", "/hooks/s3cret-path")
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Authorization" not in headers
    data = json.loads(body)
    expected = json.loads(digest(vault, "--json").stdout)
    assert data == expected
    assert any("<script>" in item["title"] for item in data["items"])  # JSON, never HTML


def test_ntfy_receives_the_text_with_a_title(make_vault, http_server) -> None:
    received, port = http_server
    vault = http_vault(make_vault, port, token=True)
    result = CliRunner().invoke(main, ["digest", "--vault", str(vault), "--today", TODAY,
                                       "--to", "ntfy"], env={"VAULT_TEST_TOKEN": "tk_test"})
    assert result.exit_code == 0, result.output
    [(method, path, headers, body)] = received.requests
    assert (method, path) == ("POST", "/my-topic")
    assert headers["Title"] == "vault-tools: 6 follow-ups due: 2 overdue, 3 today, 1 tomorrow"
    assert headers["Authorization"] == "Bearer tk_test"
    assert body.decode("utf-8") == digest(vault).stdout


def test_public_only_leaves_private_people_out_of_the_webhook_and_ntfy(make_vault,
                                                                       http_server) -> None:
    received, port = http_server
    vault = http_vault(make_vault, port)
    for channel in ("webhook", "ntfy"):
        result = digest(vault, "--to", channel, "--public-only")
        assert result.exit_code == 0, result.output
    assert len(received.requests) == 2
    for _, _, headers, body in received.requests:
        text = body.decode("utf-8") + json.dumps(headers)
        assert "Send Ana the notes" in body.decode("utf-8")
        for word in PRIVATE_WORDS:
            assert word not in text


@pytest.mark.parametrize("channel", ["webhook", "ntfy"])
def test_a_server_error_is_one_line_and_exit_1(make_vault, http_server, channel: str) -> None:
    received, port = http_server
    received.status = 500
    result = digest(http_vault(make_vault, port), "--to", channel)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {channel}: http://127.0.0.1:{port} answered 500 Internal "
                             "Server Error; nothing was delivered\n")
    # The URL's path may be the secret: never in a message.
    assert "s3cret" not in result.output and "my-topic" not in result.output


def test_a_redirect_is_reported_not_followed(make_vault, http_server) -> None:
    received, port = http_server
    received.status = 302
    result = digest(http_vault(make_vault, port), "--to", "webhook")
    assert result.exit_code == 1
    assert "answered 302" in result.stderr and "redirect" in result.stderr
    assert len(received.requests) == 1


def test_a_webhook_that_is_down_is_one_line_and_exit_1(make_vault) -> None:
    port = free_port()
    result = digest(http_vault(make_vault, port), "--to", "webhook")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: webhook: cannot reach http://127.0.0.1:{port}: "
                             "connection refused (is the server running, and is this its "
                             "port?)\n")


def test_a_webhook_that_never_answers_times_out(make_vault, monkeypatch) -> None:
    monkeypatch.setattr(deliver, "TIMEOUT", 0.5)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        result = digest(http_vault(make_vault, port), "--to", "ntfy")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ntfy: ")
    assert "0.5 s" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("channel", ["webhook", "ntfy"])
def test_nothing_due_posts_nothing(make_vault, http_server, channel: str) -> None:
    received, port = http_server
    result = digest(http_vault(make_vault, port, files=EMPTY), "--to", channel)
    assert result.exit_code == 0 and result.output == ""
    assert received.requests == []
