"""Sending the digest out of the machine (DESIGN §14): by e-mail (SMTP over STARTTLS or
implicit TLS), to a webhook (an HTTP POST of its JSON) or to an ntfy topic (an HTTP POST of
its text). The settings are mkdocs.yml's (`settings.Delivery`); a password or token only ever
comes from the environment variable they name.

Every failure is a `DeliveryError` with one line saying what went wrong and where (a server's
host and port, never a URL's path, which may hold a secret), raised after at most `TIMEOUT`
seconds per step. Nothing is retried: a digest sent twice is worse than one that reports it
was not sent.
"""

from __future__ import annotations

import ipaddress
import json
import smtplib
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid, parseaddr
from http.client import HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from .. import __version__
from ..settings import Delivery
from .compose import Digest, digest_data, digest_text, headline

CHANNELS = ("stdout", "email", "webhook", "ntfy")
# Seconds one network step (connecting, a command, a response) may take.
TIMEOUT = 20.0
# Seconds a whole delivery may take: a server sending a byte every few seconds satisfies
# every step's TIMEOUT and would hold a cron job for ever.
TOTAL_TIMEOUT = 120.0
USER_AGENT = f"vault-tools/{__version__}"
# Characters a one-line value (a subject, a header) never carries: line breaks of every kind
# and the other control characters.
_BREAKS = {ord(c): " " for c in "\u0085\u2028\u2029"}
_BREAKS.update({n: " " for n in range(32)})
_BREAKS[127] = " "


class DeliveryError(Exception):
    """The digest could not be sent; the message is one line saying why."""


@dataclass(frozen=True)
class Ready:
    """A channel with what it needs from the environment, checked before anything is sent:
    the password or token (None: none configured)."""

    channel: str
    secret: str | None = None


def one_line(text: str) -> str:
    """`text` on one line: line breaks and control characters become spaces, so a value of a
    note cannot start a header of its own (`\\r\\nBcc: ...`)."""
    return " ".join(text.translate(_BREAKS).split())


def ready(channel: str, delivery: Delivery, env: Mapping[str, str],
          config: str = "mkdocs.yml") -> Ready:
    """Check that `channel` is configured, and read its secret from `env`, before anything is
    composed or sent (so a missing setting is reported even on a day nothing is due).
    DeliveryError naming `config` and the option to add."""
    if channel == "stdout":
        return Ready(channel)
    if channel == "email":
        missing = [key for key, value in (("smtp_host", delivery.smtp_host),
                                          ("email_from", delivery.email_from),
                                          ("email_to", delivery.email_to)) if not value]
        if missing:
            raise DeliveryError(f"{config}: the vault plugin has no {', '.join(missing)}; "
                                f"--to email needs smtp_host, email_from and email_to "
                                f"(see docs/reminders.md)")
        if delivery.smtp_user is None:
            return Ready(channel)
        return Ready(channel, _secret(env, delivery.smtp_password_env, "smtp_password_env",
                                      "smtp_user is set", config))
    if channel in ("webhook", "ntfy"):
        url = delivery.webhook_url if channel == "webhook" else delivery.ntfy_url
        if url is None:
            raise DeliveryError(f"{config}: the vault plugin has no {channel}_url; --to "
                                f"{channel} needs it (see docs/reminders.md)")
        name = delivery.webhook_token_env if channel == "webhook" else delivery.ntfy_token_env
        if name is not None and not _encrypted_or_local(url):
            # As smtp_security: none refuses a login: whoever is on the network would read
            # the token on its way and could post as you (or read the ntfy topic).
            raise DeliveryError(f"{config}: {channel}_url is http to another machine, where "
                                f"the token of {channel}_token_env would travel unencrypted; "
                                f"write an https address (nothing was sent)")
        token = None if name is None else _secret(env, name, f"{channel}_token_env", "", config)
        return Ready(channel, token)
    raise DeliveryError(f"{channel}: not a channel; use one of {', '.join(CHANNELS)}")


def _encrypted_or_local(url: str) -> bool:
    """Whether what is sent to `url` is encrypted (https) or stays on this machine (http to a
    loopback address)."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "https":
        return True
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret(env: Mapping[str, str], name: str | None, key: str, why: str, config: str) -> str:
    if name is None:
        raise DeliveryError(f"{config}: {why}, but no {key} names the environment variable "
                            f"holding the password; add e.g. {key}: VAULT_SMTP_PASSWORD")
    value = env.get(name)
    if not value:
        raise DeliveryError(f"the environment variable {name} ({key} in {config}) is not set "
                            f"or empty; set it where the digest runs")
    # smtplib sends a login as ASCII and an HTTP header is one line of Latin-1: anything else
    # would end in a traceback quoting the value (or a header of its own), so it is refused
    # here, and the value never repeated.
    if not all(" " <= char <= "~" for char in value) or value != value.strip():
        raise DeliveryError(f"the environment variable {name} ({key} in {config}) holds a "
                            f"line break, a tab, a space at either end or a character "
                            f"outside ASCII, which cannot be sent as a password or token; "
                            f"check how it is set")
    return value


def send(digest: Digest, target: Ready, delivery: Delivery, base: Path | None = None) -> str:
    """Send a non-empty digest through `target` (from `ready`); return one line saying where it
    went. `base`: the folder a relative `smtp_cafile` is read from (mkdocs.yml's). Gives up
    after TOTAL_TIMEOUT seconds however the server dribbles its answers."""
    outcome: list[str | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_send(digest, target, delivery, base))
        except BaseException as exc:  # handed to the caller's thread as it is
            outcome.append(exc)

    # The sending runs in a daemon thread the caller stops waiting for: sockets offer no
    # deadline over a whole exchange, only per step. Left behind, it ends with the process.
    worker = threading.Thread(target=work, name="vault-tools-digest-send", daemon=True)
    worker.start()
    worker.join(TOTAL_TIMEOUT)
    if not outcome:
        raise DeliveryError(f"{target.channel}: the server did not finish within "
                            f"{TOTAL_TIMEOUT:g} s; the digest may or may not have been "
                            f"delivered")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _send(digest: Digest, target: Ready, delivery: Delivery, base: Path | None) -> str:
    if target.channel == "email":
        return send_email(digest, delivery, target.secret, base)
    if target.channel == "webhook":
        assert delivery.webhook_url is not None
        body = json.dumps(digest_data(digest), ensure_ascii=False).encode("utf-8")
        post(delivery.webhook_url, body, {"Content-Type": "application/json; charset=utf-8"},
             target.secret, "webhook")
        return f"Sent {headline(digest)} to the webhook at {_where(delivery.webhook_url)}."
    if target.channel == "ntfy":
        assert delivery.ntfy_url is not None
        headers = {"Content-Type": "text/plain; charset=utf-8",
                   # HTTP headers are Latin-1: the headline is ASCII (no value of a note in it).
                   "Title": f"vault-tools: {headline(digest)}"}
        post(delivery.ntfy_url, digest_text(digest).encode("utf-8"), headers, target.secret,
             "ntfy")
        return f"Sent {headline(digest)} to ntfy at {_where(delivery.ntfy_url)}."
    raise DeliveryError(f"{target.channel}: not a channel that sends")


# --- e-mail -------------------------------------------------------------------------------------


def email_message(digest: Digest, delivery: Delivery) -> EmailMessage:
    """The digest as a text/plain UTF-8 message from `email_from` to `email_to`. The subject
    is the headline, on one line whatever it holds; nothing of a note is read as HTML."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["Subject"] = one_line(f"Follow-ups: {headline(digest)}")
    message["From"] = delivery.email_from or ""
    message["To"] = ", ".join(delivery.email_to)
    message["Date"] = formatdate(localtime=True)
    # The sender's own domain: make_msgid's default asks the machine's resolver for its name.
    domain = parseaddr(delivery.email_from or "")[1].rpartition("@")[2] or "vault-tools"
    message["Message-ID"] = make_msgid("vault-tools", domain=domain)
    message["X-Mailer"] = USER_AGENT
    message.set_content(digest_text(digest), subtype="plain", charset="utf-8")
    return message


def send_email(digest: Digest, delivery: Delivery, password: str | None,
               base: Path | None = None) -> str:
    """Send the digest by e-mail: STARTTLS (never falling back to an unencrypted session),
    implicit TLS (`ssl`), or a plain session to a relay (`none`, no login). Certificates are
    checked against the system's authorities, or `smtp_cafile`'s."""
    host, port = delivery.smtp_host or "", delivery.port
    where = f"{host}:{port}"
    message = email_message(digest, delivery)
    try:
        context = _tls_context(delivery.smtp_cafile, base)
        client: smtplib.SMTP
        if delivery.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=TIMEOUT)
        with client:
            if delivery.smtp_security == "starttls":
                client.starttls(context=context)
            if delivery.smtp_user is not None and password is not None:
                client.login(delivery.smtp_user, password)
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"email: {where} refused the login of {delivery.smtp_user} "
                            f"({_reply(exc.smtp_code, exc.smtp_error)}); check smtp_user and "
                            f"the password in ${delivery.smtp_password_env}") from None
    except smtplib.SMTPNotSupportedError as exc:
        if "SMTPUTF8" in str(exc):
            raise DeliveryError(f"email: {where} does not take addresses with non-ASCII "
                                f"letters (it offers no SMTPUTF8); nothing was sent, write "
                                f"email_from and email_to in ASCII") from None
        if "AUTH" in str(exc):
            raise DeliveryError(f"email: {where} offers no login (AUTH) on this connection; "
                                f"nothing was sent") from None
        raise DeliveryError(f"email: {where} does not offer STARTTLS; nothing was sent "
                            f"(try smtp_security: ssl, often on port 465)") from None
    except smtplib.SMTPRecipientsRefused as exc:
        first = next(iter(exc.recipients.values()), (0, b""))
        raise DeliveryError(f"email: {where} refused every recipient "
                            f"({_reply(first[0], first[1])})") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"email: {where} answered {_reply(exc.smtp_code, exc.smtp_error)}"
                            ) from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(f"email: {where}'s certificate is not trusted "
                            f"({one_line(exc.verify_message or str(exc))}); for a self-signed "
                            f"server, name its authority with smtp_cafile") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"email: cannot send through {where}: {_reason(exc)}") from None
    sent = [to for to in delivery.email_to if parseaddr(to)[1] not in refused]
    if refused:
        # The others have it, so this is no retry, but a recipient who never gets the digest
        # must show in cron's mail: a failure, saying who has it so nobody resends blindly.
        code, text = next(iter(refused.values()))
        raise DeliveryError(f"email: {where} refused {', '.join(refused)} "
                            f"({_reply(code, text)}); the digest was sent to "
                            f"{', '.join(sent)} only")
    return f"Sent {headline(digest)} by e-mail to {', '.join(sent)}."


def _tls_context(cafile: str | None, base: Path | None) -> ssl.SSLContext:
    if cafile is None:
        return ssl.create_default_context()
    path = Path(cafile).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        return ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as exc:
        raise DeliveryError(f"smtp_cafile: cannot read {path} as certificates: "
                            f"{_reason(exc)}") from None


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return one_line(f"{code} {words}")[:200]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no answer within {TIMEOUT:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, and is this its port?)"
    if isinstance(exc, socket.gaierror):
        return "no such host"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        # smtplib reports a read that timed out as a closed connection.
        if "timed out" in str(exc):
            return f"no answer within {TIMEOUT:g} s"
        return "the server closed the connection"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return one_line(str(text))[:200]


# --- HTTP ---------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is reported, never followed: urllib would turn the POST into a GET and drop
    the digest while reporting success."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> None:
        return None


def _where(url: str) -> str:
    """A URL's scheme, host and port only: its path may be the secret (a webhook's token, an
    ntfy topic), and messages end up in logs and cron mail."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def _ascii_url(url: str) -> str:
    """`url` with each non-ASCII character of its path and query percent-encoded as UTF-8
    (an ntfy topic `café`): http.client sends the request line as ASCII and would fail on
    them. The host is left to the IDNA encoding of the socket layer."""
    parts = urlsplit(url)
    path = quote(parts.path, safe="".join(chr(n) for n in range(33, 127)))
    query = quote(parts.query, safe="".join(chr(n) for n in range(33, 127)))
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def post(url: str, body: bytes, headers: Mapping[str, str], token: str | None,
         channel: str) -> None:
    """POST `body` to `url`; DeliveryError unless the server answers 2xx within TIMEOUT."""
    request = urllib.request.Request(_ascii_url(url), data=body, method="POST",
                                     headers={"User-Agent": USER_AGENT, **headers})
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(
        _NoRedirects(), urllib.request.HTTPSHandler(context=ssl.create_default_context()))
    where = _where(url)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        status = f"{exc.code} {one_line(str(exc.reason or ''))}".strip()
        if 300 <= exc.code < 400:
            status += " (a redirect: give the address it points to)"
        raise DeliveryError(f"{channel}: {where} answered {status}; nothing was "
                            f"delivered") from None
    except urllib.error.URLError as exc:
        reason = exc.reason if isinstance(exc.reason, BaseException) else None
        text = _reason(reason) if reason is not None else one_line(str(exc.reason))
        raise DeliveryError(f"{channel}: cannot reach {where}: {text}") from None
    except (HTTPException, OSError) as exc:
        raise DeliveryError(f"{channel}: {where} failed: {_reason(exc)}") from None
