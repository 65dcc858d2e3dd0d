"""`vault-tools serve`: a real server process, real HTTP requests, real file saves."""

from __future__ import annotations

import base64
import os
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

    def __init__(self, root: Path, *args: str) -> None:
        self.port = free_port()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vault_tools", "serve", "--vault", str(root),
             "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._read, daemon=True).start()

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
    assert "See [[Jane Doe]] on Tuesday." in jane.read_text(encoding="utf-8")
    time.sleep(3)
    assert (server.builds(), server.rebuilds()) == (1, 1), "\n".join(server.lines)


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
