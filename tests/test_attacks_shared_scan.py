"""Attacks on the leak scan of a site's other files shared with the page scan's second process
(`PageScan.unchanged(site, others)`, `_scan_others`, c44eecf), and on what it reads of them
(`data_texts`, `is_markup`): the second process killed or failing while it holds texts, files
that are no ordinary text (a damaged or false gzip, JSON with a repeated key), the plugin's
place among the post-build hooks of a real build, and a build with no secret at all. Each
asserts what a user cares about: a private value in any output file fails the build."""

from __future__ import annotations

import gzip
import json
import os
import signal
import zlib
from pathlib import Path

import pytest

from vault_tools.privacy import Secret
from vault_tools.site import leaks
from vault_tools.site.build import SiteError, build_site
from vault_tools.site.leaks import PageScan, page_bytes, scan_site, site_files
from vault_tools.vault import find_vault

from .conftest import write_vault

SECRET = Secret("Quokka Lantern", "name", "contacts/Quokka Lantern.md", whole_word=True)


def _pages(site: Path, count: int, leaking: set[int] = frozenset()) -> list[tuple[str, str]]:
    """`count` small pages written to `site`, those numbered in `leaking` naming the secret."""
    pages = []
    for number in range(count):
        body = "".join(f"<li>Row {n} qxv</li>" for n in range(number % 5 * 50))
        if number in leaking:
            body += "<p>Met Quokka&#32;<em>Lantern</em>.</p>"
        rel = f"p{number}/index.html"
        output = f"<html><body><h1>Page {number}</h1><ul>{body}</ul></body></html>"
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(page_bytes(output))
        pages.append((rel, output))
    return pages


def _index(site: Path, leaking: set[int], docs: int = 150) -> str:
    """A search index of many chunks, the documents numbered in `leaking` naming the secret."""
    entries = []
    for number in range(docs):
        text = " ".join(f"Row {n} qxv of {number}" for n in range(60))
        if number in leaking:
            text += " Met <em>Quokka</em>&#32;Lantern today."
        entries.append({"location": f"p{number}/", "title": f"Page {number}", "text": text})
    rel = "search/search_index.json"
    (site / "search").mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(json.dumps({"config": {"lang": ["en"]}, "docs": entries}),
                            encoding="utf-8")
    return rel


def _scan(site: Path, pages: list[tuple[str, str]], secrets: list[Secret]) -> PageScan:
    scan = PageScan(secrets, aside=leaks.start_scan_process())
    for rel, output in pages:
        scan.page(rel, output)
    return scan


def _no_child_left(scan: PageScan) -> None:
    assert scan._aside is None


# --- the second process lost or failing while it holds texts ------------------------------------


@pytest.mark.parametrize("at", [1, 2, 5, 40])
def test_the_second_process_killed_after_some_texts_leaves_no_text_unscanned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    """SIGKILL after the `at`th text lent (the index's first odd text, a later one, between
    files): every leak the scan of the files finds is found, once each, in its order."""
    site = tmp_path / "site"
    pages = _pages(site, leaks.ASIDE_FROM + 10, {52})
    _index(site, {0, 1, 2, 3, 77, 149})
    (site / "search/copy.json.gz").write_bytes(
        gzip.compress((site / "search/search_index.json").read_bytes()))
    scan = _scan(site, pages, [SECRET])
    assert scan._told and scan._aside is not None
    aside, pid, real_put = scan._aside, scan._aside._pid, scan._aside.put
    lent = []

    def put(item):
        if item[0] == "texts":
            lent.append(item)
            if len(lent) == at:
                os.kill(pid, signal.SIGKILL)
        return real_put(item)

    monkeypatch.setattr(aside, "put", put)
    known = scan.unchanged(site, site_files(site))
    _no_child_left(scan)
    found = scan_site(site, [SECRET], known=known)
    assert found == scan_site(site, [SECRET])
    assert {leak.file for leak in found} == {
        "p52/index.html", "search/search_index.json", "search/copy.json.gz"}


def test_a_text_the_second_process_fails_on_is_scanned_all_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second process's job raises on one text of the index (the text that names the
    secret): the files it had texts of are read again, the leak found."""
    site = tmp_path / "site"
    parent = os.getpid()
    real_find = leaks.LeakScanner.find

    def find(self, text, markup=False):
        if os.getpid() != parent and "Quokka" in text:
            raise RuntimeError("a job that fails")
        return real_find(self, text, markup)

    monkeypatch.setattr(leaks.LeakScanner, "find", find)  # (before the fork: the child's too)
    pages = _pages(site, leaks.ASIDE_FROM + 5)
    rel = _index(site, set(range(150)))  # (every text names it: an odd one fails there)
    scan = _scan(site, pages, [SECRET])
    known = scan.unchanged(site, site_files(site))
    _no_child_left(scan)
    assert rel not in known  # (left to the scan of the files)
    found = scan_site(site, [SECRET], known=known)
    assert found == scan_site(site, [SECRET]) == [leaks.Leak(rel, SECRET)]


def test_a_file_that_is_also_a_page_scanned_as_made_is_scanned_once(tmp_path: Path) -> None:
    """A page listed among the others is left to the page scan; rewritten since, it is read
    again by the scan of the files."""
    site = tmp_path / "site"
    pages = _pages(site, leaks.ASIDE_FROM + 5)
    scan = _scan(site, pages, [SECRET])
    (site / "p53/index.html").write_text("<p>Quokka Lantern</p>", encoding="utf-8")
    known = scan.unchanged(site, site_files(site))
    assert "p53/index.html" not in known and "p1/index.html" in known
    assert scan_site(site, [SECRET], known=known) == [leaks.Leak("p53/index.html", SECRET)]


def test_a_file_named_after_the_secret_is_found_by_its_name(tmp_path: Path) -> None:
    """The leak is the file's path (its URL), the file itself clean."""
    site = tmp_path / "site"
    pages = _pages(site, leaks.ASIDE_FROM + 5)
    _index(site, set())
    (site / "interviews/Quokka Lantern").mkdir(parents=True)
    (site / "interviews/Quokka Lantern/data.json").write_text(
        json.dumps(["a", "b"] * 20_000), encoding="utf-8")
    scan = _scan(site, pages, [SECRET])
    known = scan.unchanged(site, site_files(site))
    found = scan_site(site, [SECRET], known=known)
    assert found == scan_site(site, [SECRET]) == [
        leaks.Leak("interviews/Quokka Lantern/data.json", SECRET)]


# --- a site with no secret at all -----------------------------------------------------------------


def test_a_site_without_secrets_reads_no_other_file_after_its_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A vault with no private note has nothing to look for: the scan of the files reads
    none (`scan_site` returns at once), and nor should `unchanged` read the search index,
    the attachments and the feeds for nothing on every build."""
    site = tmp_path / "site"
    pages = _pages(site, leaks.ASIDE_FROM + 5)
    _index(site, set())
    (site / "attachments").mkdir()
    (site / "attachments/video.mp4").write_bytes(os.urandom(1 << 20))
    read = []
    real = leaks.file_texts
    monkeypatch.setattr(leaks, "file_texts",
                        lambda path, rel: read.append(rel) or real(path, rel))
    scan = _scan(site, pages, [])
    known = scan.unchanged(site, site_files(site))
    assert scan_site(site, [], known=known) == []
    assert read == []


# --- files that are no ordinary text --------------------------------------------------------------


def _damaged_gzip(data: bytes) -> bytes:
    """`data` gzipped, a byte of its deflate stream past the start changed so that zlib fails
    (not with EOFError or BadGzipFile) part-way."""
    packed = gzip.compress(data)
    for at in range(len(packed) // 2, len(packed) - 8):
        broken = bytearray(packed)
        broken[at] ^= 0xFF
        try:
            gzip.decompress(bytes(broken))
        except zlib.error:
            return bytes(broken)
        except (OSError, EOFError):
            continue
    raise AssertionError("no damage found that zlib fails on")


def test_a_damaged_gzip_file_does_not_crash_the_scan_and_its_readable_part_is_scanned(
        tmp_path: Path) -> None:
    """A `.gz` file whose deflate stream is damaged part-way (a public attachment, a
    plugin's output cut short): the scan neither crashes with `zlib.error` nor skips the
    part a browser or `zcat` would show, which names the secret."""
    site = tmp_path / "site"
    head = "<p>Met Quokka Lantern.</p>" + "".join(f"<p>{n} qxv {n * 7919}</p>"
                                                   for n in range(20_000))
    (site / "notes").mkdir(parents=True)
    (site / "notes/page.html.gz").write_bytes(_damaged_gzip(head.encode()))
    assert scan_site(site, [SECRET]) == [leaks.Leak("notes/page.html.gz", SECRET)]


def test_a_gzip_file_cut_short_is_scanned_as_far_as_it_goes(tmp_path: Path) -> None:
    """A truncated `sitemap.xml.gz` (EOFError): what it holds up to the cut is read."""
    site = tmp_path / "site"
    site.mkdir()
    text = "<urlset><url><loc>https://x.org/Quokka%20Lantern/</loc></url>" + "".join(
        f"<url><loc>https://x.org/p{n}/</loc></url>" for n in range(5000)) + "</urlset>"
    packed = gzip.compress(text.encode())
    (site / "sitemap.xml.gz").write_bytes(packed[:len(packed) // 2])
    assert scan_site(site, [SECRET]) == [leaks.Leak("sitemap.xml.gz", SECRET)]


def test_a_gz_file_that_is_no_gzip_is_read_as_it_is(tmp_path: Path) -> None:
    """A file named `.gz` that holds plain text is served as it is: its text is read."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt.gz").write_text("Call Quokka Lantern on Monday.", encoding="utf-8")
    assert scan_site(site, [SECRET]) == [leaks.Leak("notes.txt.gz", SECRET)]


def test_a_json_value_under_a_repeated_key_is_read(tmp_path: Path) -> None:
    """JSON with a key twice: a parser keeps the last value, but the file (fetched as it is)
    holds both, and a reader sees both."""
    site = tmp_path / "site"
    (site / "network").mkdir(parents=True)
    (site / "network/people.json").write_text(
        '{"docs": [{"title": "Quokka Lantern", "title": "Someone"}]}', encoding="utf-8")
    assert scan_site(site, [SECRET]) == [leaks.Leak("network/people.json", SECRET)]


# --- real builds ----------------------------------------------------------------------------------


def _vault_with_hook(tmp_path: Path, priority: int) -> Path:
    """A vault of 65 public notes (so the page scan's second process is used) and a private
    one, whose `mkdocs.yml` has a post-build hook of `priority` writing the private note's
    name into the search index only (as another plugin might: a plugin's summary of pages)."""
    files = {"index.md": "# Home\n\nHello.\n",
             "contacts/Quokka Lantern.md":
                 "---\ntype: contact\nprivate: true\n---\n\n# Quokka Lantern\n\nPrivate.\n"}
    for number in range(65):
        files[f"notes/Public {number}.md"] = f"# Public {number}\n\n" + "Some words. " * 40
    root = write_vault(tmp_path / "vault", files)
    hook = root / "hook.py"
    hook.write_text(
        "import json, os\n"
        "from mkdocs.plugins import event_priority\n\n\n"
        f"@event_priority({priority})\n"
        "def on_post_build(config):\n"
        "    path = os.path.join(config.site_dir, 'search', 'search_index.json')\n"
        "    with open(path, encoding='utf-8') as f:\n"
        "        index = json.load(f)\n"
        "    index['docs'].append({'location': 'x/', 'title': 'x', 'text': 'Quokka Lantern'})\n"
        "    with open(path, 'w', encoding='utf-8') as f:\n"
        "        json.dump(index, f)\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Private vault\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault\nhooks:\n  - hook.py\n", encoding="utf-8")
    return root


@pytest.mark.slow  # a real site build
@pytest.mark.parametrize("priority", [0, -100, -200])
def test_a_private_name_only_in_the_search_index_fails_the_build(
        tmp_path: Path, priority: int) -> None:
    """Another plugin's post-build writes a private name into the search index of a build
    whose pages a second process scanned: before the scan (priority 0), or at or after its
    place (-100, -200). Whenever it writes, the build fails and the index is gone."""
    root = _vault_with_hook(tmp_path, priority)
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(root))
    assert ("search/search_index.json: contains name 'Quokka Lantern'" in str(failure.value))
    assert not (root / "site/search/search_index.json").exists()
