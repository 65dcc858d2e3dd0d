"""Gaps an attack found in the leak scan (§7), each closed: a site file that is not UTF-8
(Latin-1, UTF-16, a page with one bad byte), a NUL between the words of a name, a named pipe
or a link in the site folder, and another post-build hook that runs after the scan. Each
asserts the scan's promise: every file of the site is read, and a private word in one fails
the build; and the scan never waits for ever."""

from __future__ import annotations

import codecs
import gzip
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vault_tools.privacy import Secret
from vault_tools.site.build import SiteError, build_site
from vault_tools.site.leaks import data_texts, scan_site, words_of
from vault_tools.vault import find_vault

from .conftest import REPO, write_vault

RENATA = Secret("Renata Silva", "name", "contacts/Renata Silva.md", whole_word=True)
RENEE = Secret("Renée Silva", "name", "contacts/Renée Silva.md", whole_word=True)
ZANETA = Secret("Žaneta Nováková", "name", "contacts/Žaneta Nováková.md", whole_word=True)

# A build or a scan that could wait for ever runs in a process of its own, failed after this.
TIMEOUT = 120

PRIVATE = "---\ntype: contact\nprivate: true\n---\n\n# Renata Silva\n\nPrivate.\n"
CONFIG = ("site_name: Private vault\ndocs_dir: notes\ntheme:\n  name: material\n"
          "plugins:\n  - search\n  - vault\n")


def _leaks(site: Path, secrets: list[Secret]) -> list[tuple[str, str]]:
    return [(leak.file, leak.secret.value) for leak in scan_site(site, secrets)]


def _site(tmp_path: Path, files: dict[str, bytes]) -> Path:
    site = tmp_path / "site"
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    return site


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`script` run by Python in a process of its own, which fails the test if it has not
    ended after `TIMEOUT` seconds (it would otherwise hang the test run)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        return subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, text=True,
                              capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {TIMEOUT} s: the scan waits for ever")


def _vault(tmp_path: Path, hook: str) -> Path:
    """A vault with a private note and a public one, whose mkdocs.yml lists `hook` (after the
    plugins, as MkDocs runs hooks)."""
    root = write_vault(tmp_path / "vault", {
        "index.md": "# Home\n\nHello.\n",
        "contacts/Renata Silva.md": PRIVATE,
        "contacts/Priya Raman.md": "---\ntype: contact\n---\n\n# Priya Raman\n",
    })
    (root / "hook.py").write_text(hook, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG + "hooks:\n  - hook.py\n", encoding="utf-8")
    return root


# --- 1. files that are not UTF-8 --------------------------------------------------------------


def test_a_name_in_a_file_that_is_not_utf8_is_found(tmp_path: Path) -> None:
    """An attachment copied into the site in an older encoding, or a page with one bad byte:
    a browser or an editor shows the name, so the scan finds it."""
    text = "Notes about Renée Silva and Renata Silva, and Žaneta Nováková"
    site = _site(tmp_path, {
        "latin1.txt": "Renée Silva called; Renata Silva too".encode("latin-1"),
        "cp1252.csv": "name\nŽaneta Nováková\n".encode("cp1252"),
        "utf16.txt": text.encode("utf-16"),  # (with its byte order mark, as Windows writes it)
        "utf16be.txt": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf32.txt": text.encode("utf-32"),
        # A page in UTF-8 but for one byte: its other accented names are still read as UTF-8.
        "bad/index.html": "<p>Met Renée Silva.</p>".encode() + b"\xff<p>fin</p>",
        "latin1.xml.gz": gzip.compress("<t>Renée Silva</t>".encode("latin-1")),
        "latin1.json": '{"text": "Renée Silva"}'.encode("latin-1"),
        "clean.txt": "Café crème, nothing else".encode("latin-1"),
    })
    assert sorted(_leaks(site, [RENATA, RENEE, ZANETA])) == sorted([
        ("bad/index.html", "Renée Silva"),
        ("cp1252.csv", "Žaneta Nováková"),
        ("latin1.json", "Renée Silva"),
        ("latin1.txt", "Renata Silva"), ("latin1.txt", "Renée Silva"),
        ("latin1.xml.gz", "Renée Silva"),
        ("utf16.txt", "Renata Silva"), ("utf16.txt", "Renée Silva"),
        ("utf16.txt", "Žaneta Nováková"),
        ("utf16be.txt", "Renata Silva"), ("utf16be.txt", "Renée Silva"),
        ("utf16be.txt", "Žaneta Nováková"),
        ("utf32.txt", "Renata Silva"), ("utf32.txt", "Renée Silva"),
        ("utf32.txt", "Žaneta Nováková"),
    ])


def test_binary_files_are_not_read_as_text(tmp_path: Path) -> None:
    """An image is no text: its bytes are not read as words (a short name would be found in
    the noise of any large one, and folding megabytes of it costs time)."""
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8 + b" bob " * 3
    assert list(data_texts(png, "media/photo.png")) == []
    assert list(data_texts(png, "media/photo.txt")) == []


def test_a_non_utf8_attachment_with_a_private_name_fails_a_real_build(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {
        "index.md": "# Home\n\nSee [the list](media/list.csv).\n",
        "contacts/Renata Silva.md": PRIVATE,
        "media/list.csv": "name;city\nRenata Silva;Málaga\n".encode("latin-1"),
    })
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(root))
    assert "media/list.csv: contains name 'Renata Silva'" in str(failure.value)
    assert not (root / "site" / "media" / "list.csv").exists()


# --- 2. a NUL between two words -----------------------------------------------------------------


def test_a_nul_between_the_words_of_a_name_separates_them_as_a_space_does(
        tmp_path: Path) -> None:
    """The scan marks the boundary between two places of a file (two attribute values) with
    a NUL: a NUL of the file itself, or one its escapes stand for, is no such boundary, and
    the name around it is found, in text, in an attribute, in JSON, in a URL."""
    site = _site(tmp_path, {
        "a/index.html": b"<p>Renata\x00Silva</p>",
        "b.txt": b"Renata\x00Silva",
        "c.html": b"<a title=Renata\x00Silva>x</a>",
        "d.html": b'<a href="/people/?q=Renata%00Silva">x</a>',
        "e.html": b'<a href="/people/?q=Renata%2500Silva">x</a>',
        "f.json": b'{"text": "Renata\\u0000Silva"}',
        "g.js": b'var who = "Renata\\u0000Silva";',
        "h.txt": "Renée\x00Silva".encode("latin-1"),
        "i.txt": b"Renata \x00 Silva",
        # Other control characters separate words already.
        "j.txt": "Renata\x01Silva, Renata\x7fSilva and Renata\x85Silva".encode(),
    })
    assert sorted(leak.file for leak in scan_site(site, [RENATA, RENEE])) == [
        "a/index.html", "b.txt", "c.html", "d.html", "e.html", "f.json", "g.js", "h.txt",
        "i.txt", "j.txt"]
    assert words_of("Renata\x00Silva") == ["renata", "silva"]


def test_two_places_of_a_page_are_still_never_joined(tmp_path: Path) -> None:
    """(The boundary itself still works: two attribute values, two JSON strings.)"""
    site = _site(tmp_path, {
        "a.html": b'<img alt="Renata" title="Silva">',
        "b.json": b'["Renata", "Silva"]',
    })
    assert scan_site(site, [RENATA]) == []


# --- 3. named pipes, sockets, devices and links in the site folder ----------------------------

_SCAN_WITH_A_PIPE = """
import logging, os, socket, sys
from pathlib import Path
from vault_tools.privacy import Secret
from vault_tools.site.leaks import PageScan, page_bytes, scan_site, site_files

logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(message)s")
site = Path("site")
(site / "a").mkdir(parents=True)
(site / "a/index.html").write_text("<p>Renata Silva</p>", encoding="utf-8")
(site / "b").mkdir()
(site / "b/index.html").write_text("<p>Priya</p>", encoding="utf-8")
os.mkfifo(site / "pipe")
os.mkfifo(site / "a" / "Renata Silva.fifo")
listener = socket.socket(socket.AF_UNIX)
listener.bind("site/sock")
secret = Secret("Renata Silva", "name", "contacts/Renata Silva.md", True)
print("all", [leak.file for leak in scan_site(site, [secret])])
print("only", [leak.file for leak in scan_site(site, [secret], only=["pipe", "a/index.html"])])
# A page the build scanned, then replaced by a named pipe (another plugin's doing).
scan = PageScan([secret])
scan.page("b/index.html", "<p>Priya</p>")
os.unlink(site / "b/index.html")
os.mkfifo(site / "b/index.html")
files = site_files(site)
known = scan.unchanged(site, files)
print("unchanged", "b/index.html" in known, files)
print("done")
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_or_socket_in_the_site_folder_is_skipped_with_a_warning(
        tmp_path: Path) -> None:
    """Opening a named pipe to read it waits for a writer for ever: the scan skips it (no
    page is one), says so naming it, and scans the rest."""
    result = _run(_SCAN_WITH_A_PIPE, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "all ['a/index.html']" in lines
    assert "only ['a/index.html']" in lines
    assert "unchanged False ['a/index.html']" in lines, lines
    assert lines[-1] == "done"
    said = result.stdout
    assert "pipe: a named pipe" in said and "a/Renata Silva.fifo: a named pipe" in said
    assert "sock: a socket" in said
    assert "b/index.html: a named pipe" in said


_PIPE_HOOK = """import os
from pathlib import Path


def on_post_build(config):  # before the vault plugin's scan
    os.mkfifo(Path(config.site_dir) / "pipe")
"""

_BUILD = """
import sys
from vault_tools.site.build import SiteError, build_site, log_to_stderr
from vault_tools.vault import find_vault
log_to_stderr()
try:
    build_site(find_vault(sys.argv[1] if len(sys.argv) > 1 else "vault"))
except SiteError as exc:
    print("failed:", exc)
else:
    print("built")
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_build_whose_site_holds_a_named_pipe_ends(tmp_path: Path) -> None:
    root = _vault(tmp_path, _PIPE_HOOK)
    result = _run(_BUILD, root.parent)
    assert result.stdout.strip() == "built", (result.stdout, result.stderr)
    assert "pipe: a named pipe in the site folder" in result.stderr


def test_a_link_in_the_site_folder_is_read_only_inside_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A link to a file or folder of the site is read (its name too: it is a URL); one to
    anything outside the site folder is not followed (its name is read), and said."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text("Renée Silva", encoding="utf-8")
    site = _site(tmp_path, {"contacts/x.txt": b"Renata Silva", "clean.txt": b"nothing"})
    (site / "alias.txt").symlink_to("contacts/x.txt")  # a link to a file inside
    (site / "Renata Silva").symlink_to("contacts")  # to a folder inside: its name is a URL
    (site / "people").symlink_to(site / "contacts")
    (site / "leaked.txt").symlink_to(outside / "private.txt")  # outside: not read
    (site / "elsewhere").symlink_to(outside)
    (site / "Renée Silva.txt").symlink_to(outside / "private.txt")  # (its name is read)
    (site / "dangling.txt").symlink_to(tmp_path / "nothing here")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.vault"):
        found = sorted(_leaks(site, [RENATA, RENEE]))
    assert found == [("Renata Silva", "Renata Silva"), ("Renée Silva.txt", "Renée Silva"),
                     ("alias.txt", "Renata Silva"), ("contacts/x.txt", "Renata Silva")]
    said = caplog.text
    for rel in ("leaked.txt", "elsewhere", "Renée Silva.txt"):
        assert f"{rel}: a link to outside the site folder" in said, said
    assert "people" not in said and "alias.txt" not in said


# --- 4. a post-build hook after the scan ----------------------------------------------------

_LAST_HOOK = """from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(float("-inf"))  # as late as the vault plugin's scan, and listed after it
def on_post_build(config):
    (Path(config.site_dir) / "late.txt").write_text("Notes on Renata Silva", "utf-8")
"""


def test_a_post_build_hook_as_late_as_the_scan_is_scanned_too(tmp_path: Path) -> None:
    """MkDocs runs handlers of one priority in the order they were registered, the hooks
    after every plugin: a hook at the scan's own priority wrote after the scan, unread."""
    root = _vault(tmp_path, _LAST_HOOK)
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(root))
    assert "late.txt: contains name 'Renata Silva'" in str(failure.value)
    assert not (root / "site" / "late.txt").exists()


_LATER_HOOK = """from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(float("-inf"))
def write_late(config):
    (Path(config.site_dir) / "later.txt").write_text("Notes on Renata Silva", "utf-8")


@event_priority(-100)  # after the vault plugin's: as a plugin adding handlers of its own would
def on_config(config):
    config.plugins.events["post_build"].append(write_late)
"""


def test_a_post_build_handler_added_after_the_configuration_stops_the_build(
        tmp_path: Path) -> None:
    """One added to the event later still, which would run after the scan whatever it
    does: the build stops rather than publish what it writes unread."""
    root = _vault(tmp_path, _LATER_HOOK)
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(root))
    assert "write_late (hook.py) would run after the leak scan" in str(failure.value)
    assert not (root / "site" / "later.txt").exists()
