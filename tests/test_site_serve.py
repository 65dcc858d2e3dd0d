"""`vault-tools serve`: a real server process, real HTTP requests, real file saves."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from vault_tools.site.build import SiteError, check_bind

pytestmark = pytest.mark.slow  # real servers rebuilding real sites

CONFIG = "site_name: Served\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n  - vault\n"
BUILDING = "Building the site..."
REBUILT = "rebuilt "


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A `vault-tools serve` process whose log lines are collected as they come."""

    def __init__(self, root: Path, *args: str, ctrl_c_ignored: bool = False,
                 port: int | None = None) -> None:
        self.port = port or free_port()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vault_tools", "serve", "--vault", str(root),
             "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            # (as a shell starts a script's background job: SIGINT ignored, inherited by exec)
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ctrl_c_ignored
            else None,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} in the server's output:\n" + "\n".join(self.lines))

    def builds(self) -> int:
        return sum(BUILDING in line for line in self.lines)

    def rebuilds(self) -> int:
        return sum(REBUILT in line for line in self.lines)

    def get(self, path: str = "/", password: str | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        if password is not None:
            token = base64.b64encode(f"me:{password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def served(make_vault) -> Iterator[tuple[Path, list[Server]]]:
    root = make_vault({
        "index.md": "# Home\n\nSee [[Jane Doe]].\n",
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n\n# Jane Doe\n\nHello.\n",
    })
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    servers: list[Server] = []
    yield root, servers
    for server in servers:
        server.stop()


def test_serving_beyond_this_machine_needs_a_password() -> None:
    with pytest.raises(SiteError, match=r"refusing to serve on 0\.0\.0\.0 without --password"):
        check_bind("0.0.0.0", None)
    check_bind("0.0.0.0", "s3cret")
    check_bind("127.0.0.1", None)


def test_serve_command_refuses_another_address_without_a_password(make_vault) -> None:
    root = make_vault({"index.md": "# Home\n"})
    run = subprocess.run(
        [sys.executable, "-m", "vault_tools", "serve", "--vault", str(root), "--host", "0.0.0.0"],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 1
    assert "Error: refusing to serve on 0.0.0.0 without --password" in run.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_stops_cleanly_on_ctrl_c_or_sigterm_even_if_started_with_ctrl_c_ignored(
    served, sig: signal.Signals,
) -> None:
    """A shell starts a script's background job with SIGINT ignored, and Python then leaves
    it so: the server never stopped on Ctrl-C (the README's walkthrough test hung on it in a
    CI started that way), and SIGTERM killed it without its clean stop."""
    root, servers = served
    server = Server(root, ctrl_c_ignored=True)
    servers.append(server)
    server.wait_for("Serving on")
    assert server.get("/")[0] == 200
    server.process.send_signal(sig)
    assert server.process.wait(60) == 0
    server._reader.join(10)
    assert any("Shutting down" in line for line in server.lines), server.lines


def test_password_protects_every_request(served) -> None:
    root, servers = served
    server = Server(root, "--password", "s3cret")
    servers.append(server)
    server.wait_for("Serving on")
    assert server.get("/")[0] == 401
    assert server.get("/contacts/Jane%20Doe/", password="wrong")[0] == 401
    status, body = server.get("/contacts/Jane%20Doe/", password="s3cret")
    assert status == 200 and b"Hello." in body


def test_one_save_rebuilds_once_and_fills_without_looping(served) -> None:
    root, servers = served
    server = Server(root)
    servers.append(server)
    server.wait_for("Serving on")
    status, body = server.get("/")
    assert status == 200 and b"Jane Doe" in body
    assert server.builds() == 1

    home = root / "notes" / "index.md"
    jane = root / "notes" / "contacts" / "Jane Doe.md"
    home.write_text("# Home\n\nSee [[Jane Doe]] on Tuesday.\n", encoding="utf-8")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and b"on Tuesday" not in server.get("/")[1]:
        time.sleep(0.3)
    assert b"on Tuesday" in server.get("/")[1]
    # The rebuild filled Jane's block with the new line that links to her: that write is the
    # tool's own, so it must not start another build.
    assert "- [[index]]: See Jane Doe on Tuesday." in jane.read_text(encoding="utf-8")
    time.sleep(3)
    assert (server.builds(), server.rebuilds()) == (1, 1), "\n".join(server.lines)


def test_a_server_killed_after_it_answered_leaves_its_record_for_the_next_start(
        served) -> None:
    """What the next start works from is saved once the server answers, not only when it
    stops (the site cache's record, the notes as parsed, the record of the first fill): a
    server killed without its clean stop (a crash, a machine put to sleep and never woken)
    leaves them, and the next start keeps the pages it rendered; that next start is the site
    a clean build makes of the notes saved meanwhile."""
    root, servers = served
    folder = root / ".cache" / "vault-tools"
    records = [folder / "serve" / "site.json", folder / "serve" / "parsed.jsonl",
               folder / "fill.json"]
    server = Server(root)
    servers.append(server)
    server.wait_for("Serving on")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(path.is_file() for path in records):
        time.sleep(0.1)
    assert all(path.is_file() for path in records), "\n".join(server.lines)
    server.process.kill()
    server.process.wait()
    jane = root / "notes" / "contacts" / "Jane Doe.md"
    jane.write_text(jane.read_text(encoding="utf-8") + "\nMet again.\n", encoding="utf-8")
    again = Server(root, port=server.port)  # (the same address: pages name it)
    servers.append(again)
    again.wait_for("Serving on")
    assert any("from the site cache" in line for line in again.lines), "\n".join(again.lines)
    status, body = again.get("/contacts/Jane%20Doe/")
    assert status == 200 and b"Met again." in body


def test_a_save_that_would_leak_is_refused_and_the_server_goes_on(served) -> None:
    root, servers = served
    secret = root / "notes" / "contacts" / "Sam Secret.md"
    secret.write_text("---\ntype: contact\nprivate: true\n---\n\n# Sam Secret\n\n"
                      "Sam is quietly leaving the company in March.\n", encoding="utf-8")
    server = Server(root)
    servers.append(server)
    server.wait_for("Serving on")
    home = root / "notes" / "index.md"
    home.write_text("# Home\n\nSam is quietly leaving the company in March.\n", encoding="utf-8")
    server.wait_for("private values would be published")
    status, body = server.get("/")
    assert b"quietly leaving" not in body
    assert "Traceback" not in "\n".join(server.lines)

    home.write_text("# Home\n\nSee [[Jane Doe]] again.\n", encoding="utf-8")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and b"again" not in server.get("/")[1]:
        time.sleep(0.3)
    status, body = server.get("/")
    assert status == 200 and b"again" in body
    assert server.process.poll() is None


# --- DNS rebinding: only this server's own names are answered (DESIGN §7) -------------------------


def request_as(server: Server, path: str, host: str | None) -> tuple[int, bytes]:
    """GET `path` from the server with the given Host header (None: no Host header at all)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_serve_answers_only_its_own_host_names(served) -> None:
    root, servers = served
    (root / "mkdocs.yml").write_text(
        CONFIG.replace("  - vault\n", "  - vault:\n      allowed_hosts: [vault.home.arpa]\n"),
        encoding="utf-8")
    server = Server(root)
    servers.append(server)
    server.wait_for("Serving on")
    port = server.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST.:{port}",
                 f"[::1]:{port}", "vault.home.arpa", f"vault.home.arpa:{port}"):
        status, body = request_as(server, "/contacts/Jane%20Doe/", host)
        assert status == 200 and b"Hello." in body, host
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}",
                 f"localhost:{port + 1}", "localhost", f"vault.home.arpa.evil:{port}", None, ""):
        for path in ("/", "/contacts/Jane%20Doe/", "/livereload/1/1", "/search/search_index.json"):
            status, body = request_as(server, path, host)
            assert status == 421, (host, path, status)
            assert b"Hello." not in body and b"Jane" not in body
    assert any("refused a request for host 'evil.example'" in line for line in server.lines)


def test_live_reload_runs_under_the_pages_policy(served) -> None:
    import re

    root, servers = served
    server = Server(root, "--allow-host", "notes.internal:8443")
    servers.append(server)
    server.wait_for("Serving on")
    status, body = server.get("/contacts/Jane%20Doe/")
    assert status == 200
    assert request_as(server, "/", "notes.internal:8443")[0] != 421
    assert request_as(server, "/", "notes.internal:8000")[0] == 421
    page = body.decode()
    # No inline script added by the server: the page's policy would refuse it.
    assert "livereload(" not in page
    found = re.search(r'<script src="(/\.vault-tools/livereload\.js\?[^"]+)"></script>', page)
    assert found, page[-500:]
    status, script = server.get(found.group(1).replace("&amp;", "&"))
    assert status == 200 and b"/livereload/" in script
    assert server.get("/.vault-tools/livereload.js?epoch=x&request=1")[0] == 404


@pytest.mark.parametrize(("header", "bound", "allowed"), [
    ("127.0.0.1:8000", "127.0.0.1", True),
    ("localhost:8000", "127.0.0.1", True),
    ("[::1]:8000", "127.0.0.1", True),
    ("192.168.1.5:8000", "192.168.1.5", True),
    ("192.168.1.5:8000", "0.0.0.0", True),  # every interface: any address, never a name
    ("attacker.example:8000", "0.0.0.0", False),
    ("localhost", "127.0.0.1", False),  # port 80 is not this server's
    ("localhost:80", "127.0.0.1", False),
    ("localhost:8000@evil", "127.0.0.1", False),
    ("[::1", "127.0.0.1", False),
    ("", "127.0.0.1", False),
    (None, "127.0.0.1", False),
])
def test_host_names_a_request_may_use(header: str | None, bound: str, allowed: bool) -> None:
    from vault_tools.site.build import host_allowed

    assert host_allowed(header, bound, 8000) is allowed
    assert host_allowed("Vault.Example.", bound, 8000, ["vault.example"])
    assert host_allowed("vault.example:9", bound, 8000, ["vault.example:9"])
    assert not host_allowed("vault.example:10", bound, 8000, ["vault.example:9"])
