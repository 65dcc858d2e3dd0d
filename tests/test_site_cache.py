"""The site cache (`site/site_cache.py`): `vault-tools build` run again, in a new process, after
notes changed renders only what changed, and its site folder is byte for byte a clean build's;
a cache that is corrupt, foreign or out of date is never trusted, and never holds a private word."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from mkdocs.commands.build import build

from vault_tools.blocks import render_prep
from vault_tools.fill import fill_vault
from vault_tools.manifest import cache_dir
from vault_tools.site import dashboards, incremental, note_page
from vault_tools.site.build import load_site_config
from vault_tools.site.incremental import LiveSite, Rebuilt
from vault_tools.site.search_json import entries_json
from vault_tools.site.site_cache import SiteCache
from vault_tools.vault import find_vault

from .conftest import DEMO_VAULT
from .test_incremental import CONFIG, NAMES, Session, apply_step, assert_same_site, steps

pytestmark = pytest.mark.slow  # real builds, in subprocesses

PRIVATE_WORD = "Quillfeather9"


def run_build(root: Path, *args: str, code: str | None = None) -> str:
    """`vault-tools build` of the vault at `root` in a new process; its stderr. `code`, when
    given, runs first in that process (to stand for another installed package)."""
    command = [sys.executable, "-m", "vault_tools", "build", "--vault", str(root), *args]
    if code is not None:
        command = [sys.executable, "-c",
                   f"{code}\nimport sys\nfrom vault_tools.cli import main\n"
                   f"sys.argv = ['vault-tools', 'build', '--vault', {str(root)!r}, *{args!r}]\n"
                   "main()"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONHASHSEED": "random"})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def built_line(stderr: str) -> str:
    found = [line for line in stderr.splitlines() if "built the site" in line]
    assert len(found) == 1, stderr[-2000:]
    return found[0]


def rendered(stderr: str) -> int:
    """How many pages the build rendered (from its "built the site ...: N pages" line)."""
    line = built_line(stderr)
    return int(line.split(": ")[-1].split(" pages")[0])


def cache_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "The site cache" in line]


def assert_like_clean_build(root: Path) -> None:
    """The vault's site folder equals, byte for byte, a clean `mkdocs build` of its notes now."""
    full = root.parent / f"{root.name}-clean-site"
    shutil.rmtree(full, ignore_errors=True)
    build(load_site_config(find_vault(root), site_dir=str(full)))
    assert_same_site(root / "site", full)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root


def read_record(path: Path) -> dict[str, Any]:
    """The site cache's record as one object: its first line's, with its pages' lines as
    "pages" (by source)."""
    head, *lines = path.read_text(encoding="utf-8").split("\n")
    raw = json.loads(head)
    raw["pages"] = {}
    for line in lines:
        fields, entries = line.split("\t")
        src, page = json.loads(fields)
        raw["pages"][src] = {**page, "entries": json.loads(entries)}
    return raw


def write_record(path: Path, raw: dict[str, Any]) -> None:
    """`raw` (as `read_record` gives it) written as the site cache writes its record."""
    head = {key: value for key, value in raw.items() if key != "pages"}
    path.write_text("\n".join([json.dumps(head), *(
        json.dumps([src, {k: v for k, v in page.items() if k != "entries"}]) + "\t"
        + entries_json(page["entries"]) for src, page in raw.get("pages", {}).items())]),
        encoding="utf-8")


def write(root: Path, rel: str, text: str) -> None:
    path = root / "notes" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def append(root: Path, rel: str, text: str) -> None:
    path = root / "notes" / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_builds_in_new_processes_after_changes_equal_a_clean_build(vault: Path) -> None:
    first = run_build(vault)
    assert "full build" in built_line(first)
    total = rendered(first)
    # One edit: a few pages, not the whole site; the same bytes as a clean build.
    append(vault, "contacts/Priya Raman.md", "\nShe mentioned [[Kwame Asante]] again.\n")
    again = run_build(vault)
    assert "from the site cache" in built_line(again)
    assert rendered(again) < total / 2, again[-500:]
    assert_like_clean_build(vault)
    # Creations, an attachment and a link to it, a heading removed under a link to it.
    write(vault, "contacts/Zofia Duarte.md",
          "---\ntype: contact\naliases: [Zofia]\n---\n\n# Zofia Duarte\n\n"
          "Knows [[Kwame Asante#Advice]] and [[Priya Raman]].\n\n- [ ] send notes 📅 2026-12-01\n")
    append(vault, "contacts/Kwame Asante.md", "\n## Advice\n\nTalk to people.\n")
    write(vault, "files/card.txt", "a business card\n")
    append(vault, "contacts/Priya Raman.md", "\nHer card: ![[card.txt]]\n")
    run_build(vault)
    assert_like_clean_build(vault)
    # A rename, a deletion, a note turned private, an attachment gone.
    (vault / "notes/contacts/people").mkdir()
    (vault / "notes/contacts/Zofia Duarte.md").rename(vault / "notes/contacts/people/Zofia D.md")
    kwame = vault / "notes/contacts/Kwame Asante.md"
    kwame.write_text(kwame.read_text(encoding="utf-8").replace("## Advice", "## Guidance"),
                     encoding="utf-8")
    (vault / "notes/files/card.txt").unlink()
    zofia = vault / "notes/contacts/people/Zofia D.md"
    text = zofia.read_text(encoding="utf-8")
    zofia.write_text(text.replace("type: contact", "private: true", 1), encoding="utf-8")
    run_build(vault)
    assert_like_clean_build(vault)
    assert not (vault / "site/contacts/people/Zofia D").exists()
    # Public again, and mkdocs.yml changed: the cache is out of date, the whole site is built.
    zofia.write_text(text, encoding="utf-8")
    (vault / "mkdocs.yml").write_text(CONFIG.replace("Live vault", "Lively vault"),
                                      encoding="utf-8")
    changed = run_build(vault)
    assert "full build" in built_line(changed)
    assert len(cache_lines(changed)) == 1 and "out of date" in cache_lines(changed)[0]
    assert_like_clean_build(vault)
    # Another package (its code's digest differs): out of date too.
    other = run_build(vault, code="import vault_tools.manifest as m\n"
                                  "m._installed_code = lambda: 'another package'")
    assert "full build" in built_line(other) and "out of date" in "".join(cache_lines(other))
    # And back to this one, with one more edit: kept pages again, still a clean build's bytes.
    append(vault, "contacts/Kwame Asante.md", "\nOne more line.\n")
    run_build(vault)
    last = run_build(vault)
    assert rendered(last) < total / 2
    assert_like_clean_build(vault)


@pytest.mark.parametrize("damage", ["truncated", "random bytes", "another format",
                                    "another vault", "wrong shape", "a check not said"])
def test_a_damaged_or_foreign_cache_is_discarded_in_one_line(vault: Path, damage: str) -> None:
    run_build(vault)
    record = vault / ".cache/vault-tools/site.json"
    data = record.read_bytes()
    raw = read_record(record)
    if damage == "truncated":
        record.write_bytes(data[: len(data) // 2])
    elif damage == "random bytes":
        record.write_bytes(os.urandom(4096))
    elif damage == "another format":
        write_record(record, {**raw, "format": 999})
    elif damage == "wrong shape":
        first = next(iter(raw["pages"]))
        raw["pages"][first]["entries"] = "not a list"
        write_record(record, raw)
    elif damage == "a check not said":  # (neither true nor false: not to be read as either)
        write_record(record, {**raw, "search_json": "yes"})
    else:  # a copy of this vault, cache and all, somewhere else
        copy = vault.parent / "copy"
        shutil.copytree(vault, copy)
        vault = copy
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    shutil.rmtree(vault / "site/contacts")  # a kept page would be missing if it were trusted
    stderr = run_build(vault)
    lines = cache_lines(stderr)
    assert len(lines) == 1, stderr[-2000:]
    assert "discarded, building the whole site" in lines[0]
    assert "full build" in built_line(stderr)
    assert_like_clean_build(vault)
    if damage != "truncated":
        return
    # And it is whole again for the next build.
    again = run_build(vault)
    assert "from the site cache" in built_line(again) and not cache_lines(again)


def test_an_output_changed_deleted_or_added_in_the_site_folder_is_not_trusted(
        vault: Path) -> None:
    run_build(vault)
    site = vault / "site"
    edited = site / "contacts/Priya Raman/index.html"
    edited.write_text("<p>edited by hand</p>", encoding="utf-8")
    (site / "contacts/Kwame Asante/index.html").unlink()
    (site / "stray.html").write_text("left here", encoding="utf-8")
    (site / "assets/stray").mkdir()
    # Empty folders, nested, hidden below the top, and one a page of this build is written into.
    (site / "stray/deeper/still").mkdir(parents=True)
    (site / "contacts/.hidden").mkdir()
    css = next((site / "assets/stylesheets").glob("*.css"))
    css.write_text("body{}", encoding="utf-8")
    stderr = run_build(vault)
    assert "from the site cache" in built_line(stderr)
    assert rendered(stderr) >= 2
    assert_like_clean_build(vault)


def test_an_output_rewritten_with_its_size_and_time_kept_is_not_trusted(vault: Path) -> None:
    """The record's stamp of an output (size, times, inode) stands for its bytes: a file
    written again with the same size and its modification time put back (as a backup tool
    does) has another change time, and is read and rendered again."""
    run_build(vault)
    page = vault / "site/contacts/Priya Raman/index.html"
    before = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace(b"Priya", b"Prxya", 1))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size
    assert page.stat().st_mtime_ns == before.st_mtime_ns
    run_build(vault)
    assert page.read_bytes() == data
    assert_like_clean_build(vault)


def test_a_cached_build_reads_only_the_outputs_whose_stamp_moved(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept pages are known unchanged by their stamp, not by reading every output again; a
    page whose stamp moved (touched, same bytes) is read, kept, and stamped anew."""
    run_build(vault)
    _cached_build(vault)  # (the record of a cached build: every stamp known)
    read: list[str] = []
    digest_of = incremental.file_digest

    def counted(path: Path) -> str | None:  # (the site's own call, watched)
        read.append(path.as_posix())
        return digest_of(path)

    monkeypatch.setattr(incremental, "file_digest", counted)
    touched = vault / "site/contacts/Kwame Asante/index.html"
    os.utime(touched)
    _cached_build(vault)
    # (Besides it: the pages rendered again, the home note and the one embedding another, and
    # 404.html, the outputs that are no page; of ~50 pages.)
    total = len(list((vault / "site").rglob("*.html")))
    pages = [p for p in read if p.endswith(".html")]
    assert touched.as_posix() in pages and len(pages) <= 5 < total / 10, (pages, total)
    read.clear()
    _cached_build(vault)
    pages = [p for p in read if p.endswith(".html")]
    assert touched.as_posix() not in pages and len(pages) <= 5, pages
    assert_like_clean_build(vault)


def test_clean_ignores_the_cache_and_replaces_it(vault: Path) -> None:
    total = rendered(run_build(vault))
    record = vault / ".cache/vault-tools/site.json"
    record.write_text(json.dumps({"format": 1, "vault": "elsewhere"}), encoding="utf-8")
    stderr = run_build(vault, "--clean")
    assert "full build" in built_line(stderr) and rendered(stderr) == total
    assert not cache_lines(stderr)  # not read at all
    assert read_record(record)["vault"] == str(vault.resolve())
    assert "from the site cache" in built_line(run_build(vault))
    help_text = subprocess.run([sys.executable, "-m", "vault_tools", "build", "--help"],
                               capture_output=True, text=True, check=True).stdout
    assert "--clean" in help_text and "site cache" in help_text


def test_the_cache_holds_no_private_word_and_stays_out_of_notes_site_and_git(
        vault: Path) -> None:
    subprocess.run(["git", "init", "-q", str(vault)], check=True)
    write(vault, "contacts/Hidden Person.md",
          f"---\nprivate: true\n---\n\n# Hidden Person\n\nThe word {PRIVATE_WORD} is hers.\n")
    append(vault, "contacts/Priya Raman.md", "\nShe knows [[Hidden Person]].\n")
    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nAgain.\n")
    run_build(vault)
    cache = vault / ".cache/vault-tools"
    assert (cache / "site.json").is_file()
    for path in cache.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PRIVATE_WORD.encode() not in data, path
    # Not even the private note's name where a record names notes (by digests of their
    # paths). (`parsed.jsonl` holds the public note's link as Priya's note writes it.)
    for name in ("site.json", "fill.json"):
        assert b"Hidden Person" not in (cache / name).read_bytes(), name
    for folder in (vault / "notes", vault / "site"):
        assert not [p for p in folder.rglob("*") if "site.json" in p.name or ".cache" in p.parts]
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=vault, capture_output=True, text=True, check=True).stdout
    assert ".cache" not in status


def build_on(root: Path, day: dt.date, *counters: list[str]) -> Rebuilt:
    """A build of the vault at `root` as of `day`, as a new process makes it (a fresh
    configuration and site, from the site cache), compared with a clean build of that day;
    `counters` hold only what the first build appended to them."""
    for counter in counters:
        counter.clear()
    found = find_vault(root)
    folder = cache_dir(found)
    assert folder is not None
    live = LiveSite(found, load_site_config(found, site_dir=str(root / "site")),
                    today=lambda: day, cache=SiteCache(folder, found.root))
    result = live.build()
    counted = [list(counter) for counter in counters]
    config = load_site_config(found, site_dir=str(root.parent / "clean-site"))
    config.plugins["vault"].today = lambda: day
    shutil.rmtree(root.parent / "clean-site", ignore_errors=True)
    build(config)
    assert_same_site(root / "site", root.parent / "clean-site")
    for counter, found_first in zip(counters, counted, strict=True):
        counter[:] = found_first
    return result


@pytest.mark.parametrize("boards", ["notes", "generated"])
def test_a_build_on_any_new_day_renders_no_page_and_works_out_no_dashboard(
        vault: Path, monkeypatch: pytest.MonkeyPatch, boards: str) -> None:
    """Builds days apart, each as a new process makes it (a fresh configuration and site):
    the next day's works out no note's page inputs but those of a note embedding another (as
    any cached build does), takes every dashboard from the site cache and renders no page but
    that note: the day is the stylesheet's (`today_css`), written anew. So do the first day
    of a fortnight and of a month, with the home page (the vault's own home note, or a
    generated one when the vault has no such notes). Each equals a clean build of that day.
    A link added on a later day still reaches the pages around it."""
    if boards == "generated":
        for rel in ("Follow-ups.md", "index.md"):
            (vault / "notes" / rel).unlink()
    fill_vault(find_vault(vault))
    worked_out: list[str] = []
    made: list[str] = []
    inputs, people_rows = note_page.NotePages.inputs, dashboards.people_rows

    def counted_inputs(pages, note, files):
        worked_out.append(note.path)
        return inputs(pages, note, files)

    def counted_people(view):
        made.append("people")
        return people_rows(view)

    monkeypatch.setattr(note_page.NotePages, "inputs", counted_inputs)
    monkeypatch.setattr(dashboards, "people_rows", counted_people)
    assert build_on(vault, dt.date(2026, 11, 30)).full
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    fill_vault(find_vault(vault))
    build_on(vault, dt.date(2026, 11, 30))  # (a record with the dashboards' Markdown)
    second = build_on(vault, dt.date(2026, 12, 1), worked_out, made)
    assert second.reason == "from the site cache" and not second.full
    # (a note embedding another: its inputs no cached run takes from the record)
    assert worked_out == ["careers/UX Research.md"], worked_out
    assert made == [], "an undated dashboard was worked out again on a new day"
    assert second.rendered == 1, second  # (that note: rendered by any cached run)
    assert '" (1 Dec 2026)"' in (vault / "site/assets/vault/today.css").read_text(encoding="utf-8")
    append(vault, "contacts/Kwame Asante.md", "\nKwame knows [[Marisol Vega]] now.\n")
    fill_vault(find_vault(vault))
    third = build_on(vault, dt.date(2026, 12, 9), worked_out, made)
    assert "contacts/Kwame Asante.md" in worked_out and made == ["people"]
    assert third.rendered > 0
    # Monday 14 December (a new fortnight), then a new month and a new year.
    for later in (dt.date(2026, 12, 14), dt.date(2027, 1, 1)):
        again = build_on(vault, later, worked_out, made)
        assert worked_out == ["careers/UX Research.md"], (later, worked_out)
        assert made == [] and again.rendered == 1, (later, again)  # (that note)


@pytest.mark.parametrize("overdue", ["due", "today"])
def test_the_feed_is_kept_on_a_new_day_unless_it_moves_overdue_items_to_the_day(
        vault: Path, monkeypatch: pytest.MonkeyPatch, overdue: str) -> None:
    """The feed is clock-free (`feed_overdue: due`, the default): a build on a new day leaves
    it as the last run wrote it. With `feed_overdue: today` an overdue follow-up is on the
    build's day: the new day's build makes the feed anew, and it is a clean build's."""
    (vault / "mkdocs.yml").write_text(
        CONFIG.replace("  - vault\n", f"  - vault:\n      feed_overdue: {overdue}\n"),
        encoding="utf-8")
    fill_vault(find_vault(vault))
    made: list[str] = []
    render_feed = dashboards.render_feed

    def counted_feed(*args, **kwargs):
        made.append("feed")
        return render_feed(*args, **kwargs)

    monkeypatch.setattr(dashboards, "render_feed", counted_feed)
    build_on(vault, dt.date(2026, 11, 30))
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    fill_vault(find_vault(vault))
    build_on(vault, dt.date(2026, 11, 30))
    feed = (vault / "site/followups.ics").read_bytes()
    build_on(vault, dt.date(2026, 12, 20), made)
    assert made == ([] if overdue == "due" else ["feed"])
    moved = (vault / "site/followups.ics").read_bytes() != feed
    assert moved == (overdue == "today")
    if moved:
        assert b"DTSTART;VALUE=DATE:20261220" in (vault / "site/followups.ics").read_bytes()


class CachedSession(Session):
    """`test_incremental`'s session, each change followed by a build as a new `vault-tools
    build` makes it: a fresh configuration, plugin and LiveSite, starting from the site cache."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.vault = find_vault(root)
        self.notes = self.vault.notes_dir
        self.site = root / "site"
        self.full = root / "full-site"
        self.day = dt.date(2026, 11, 30)
        self.rendered = []
        fill_vault(self.vault)
        assert self.build().full

    def build(self) -> Rebuilt:
        folder = cache_dir(self.vault)
        assert folder is not None
        live = LiveSite(self.vault, load_site_config(self.vault, site_dir=str(self.site)),
                        cache=SiteCache(folder, self.vault.root), today=lambda: self.day)
        return live.build()

    def change(self, *paths: str) -> None:
        fill_vault(self.vault)
        result = self.build()
        assert result.reason == "from the site cache", result
        self.rendered.append(result.rendered)
        self.full_build()


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sequence=steps())
@example(sequence=[("create", "Ada Moss", "Ada Moss", "contacts"),
                   ("link", "Ada Moss", "Bo Lind", "contacts"),
                   ("day", "Ada Moss", "Dee Roy", "contacts")])
# A card only a private note shows, then a public one too, then the private one no longer.
@example(sequence=[("create", "Ada Moss", "Ada Moss", "contacts"),
                   ("private", "Ada Moss", "Ada Moss", "contacts"),
                   ("attach", "Ada Moss", "Bo Lind", "contacts"),
                   ("create", "Cy Park", "Cy Park", "contacts"),
                   ("attach", "Cy Park", "Bo Lind", "contacts"),
                   ("delete", "Cy Park", "Cy Park", "contacts"),
                   ("private", "Ada Moss", "Ada Moss", "contacts")])
def test_any_sequence_of_changes_between_builds_gives_a_clean_builds_site(
        tmp_path_factory, sequence) -> None:
    root = tmp_path_factory.mktemp("cached") / "vault"
    (root / "notes" / "contacts").mkdir(parents=True)
    (root / "notes" / "index.md").write_text(
        "# Home\n\n" + "".join(f"- [[{n}]]\n" for n in NAMES), encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    s = CachedSession(root)
    for step in sequence:
        apply_step(s, step)


def test_a_title_changed_in_a_navigation_the_vault_lists_is_shown_on_every_page(
        tmp_path: Path) -> None:
    """A `nav:` in mkdocs.yml that lists notes without titles shows each one's title as read
    from the note (its title or H1): a note's new title changes every page's navigation, so
    a cached build renders every page again, as a clean build would make them."""
    root = tmp_path / "vault"
    write(root, "index.md", "# Home\n\nSee [[Jane Doe]].\n")
    write(root, "contacts/Jane Doe.md", "---\ntype: contact\n---\n# Jane Doe\n\nHello.\n")
    write(root, "companies/Acme.md", "---\ntype: company\n---\n# Acme\n")
    (root / "mkdocs.yml").write_text(
        "site_name: Nav\ndocs_dir: notes\ntheme:\n  name: material\nnav:\n  - index.md\n"
        "  - contacts/Jane Doe.md\n  - companies/Acme.md\nplugins:\n  - search\n  - vault\n",
        encoding="utf-8")
    run_build(root)
    write(root, "companies/Acme.md",
          "---\ntype: company\ntitle: Acme Renamed Corp\n---\n# Acme Renamed Corp\n")
    assert "from the site cache" in built_line(run_build(root))
    assert "Acme Renamed Corp" in (root / "site" / "contacts" / "Jane Doe" / "index.html"
                                   ).read_text(encoding="utf-8")
    assert_like_clean_build(root)


# --- what a kept page says, a day given, serve's own folder ---------------------------------------


def warning_lines(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if line.startswith("WARNING"))


def test_a_second_build_with_nothing_changed_keeps_the_dashboards(vault: Path) -> None:
    # Each process gives the dashboards' stand-ins another random part: the pages stay kept.
    # (Rendered again: the pages the cache cannot vouch for across runs, the home note, a
    # note embedding another.)
    run_build(vault)
    pages = [vault / "site" / name / "index.html" for name in ("people", "all-notes", "network")]
    before = [page.stat().st_mtime_ns for page in pages]
    assert rendered(run_build(vault)) <= 3
    assert [page.stat().st_mtime_ns for page in pages] == before
    assert_like_clean_build(vault)


def test_kept_pages_say_their_warnings_again_and_strict_still_fails(vault: Path) -> None:
    append(vault, "contacts/Kwame Asante.md", "\nSee [the plan](no-such-page.md).\n")
    clean = run_build(vault, "--clean")
    said = [line for line in warning_lines(clean) if "no-such-page.md" in line]
    assert said, clean[-2000:]
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    cached = run_build(vault)
    assert "from the site cache" in built_line(cached)
    assert warning_lines(cached) == warning_lines(clean)

    def strict() -> str:
        done = subprocess.run([sys.executable, "-m", "vault_tools", "build", "--strict",
                               "--vault", str(vault)], capture_output=True, text=True,
                              timeout=600)
        assert done.returncode != 0 and "strict mode" in done.stderr, done.stderr[-2000:]
        return done.stderr

    strict()  # (--strict is part of the configuration: a full build, recorded)
    append(vault, "contacts/Priya Raman.md", "\nAnother line of prose.\n")
    again = strict()
    assert "from the site cache" in built_line(again)
    assert warning_lines(again) == warning_lines(clean)


def test_a_build_as_of_another_day_equals_a_clean_one_that_day(vault: Path,
                                                               tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(vault, other)
    run_build(vault)
    later = run_build(vault, "--today", "2031-02-03")
    assert "from the site cache" in built_line(later)
    run_build(other, "--clean", "--today", "2031-02-03")
    assert_same_site(vault / "site", other / "site")


def test_serve_builds_in_its_own_cache_folder_held_by_one_server(vault: Path) -> None:
    from vault_tools.site.build import _serve_folder

    found = find_vault(vault)
    with _serve_folder(found) as (site, cache):
        assert cache is not None
        assert Path(site) == vault / ".cache/vault-tools/serve/site"
        with _serve_folder(found) as (second, none):  # another server on the same vault
            assert none is None and not Path(second).is_relative_to(vault)
        assert not Path(second).exists()
    elsewhere = vault.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not the site's\n", encoding="utf-8")
    shutil.rmtree(vault / ".cache/vault-tools/serve/site")
    (vault / ".cache/vault-tools/serve/site").symlink_to(elsewhere, target_is_directory=True)
    with _serve_folder(found) as (site, cache):  # never built (nor cleaned) through a link
        assert cache is None and not Path(site).is_relative_to(vault)
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "not the site's\n"


def test_serve_starts_from_the_record_its_last_run_left(vault: Path, tmp_path: Path) -> None:
    serve_url = "http://127.0.0.1:8123/"
    root = find_vault(vault)
    folder = cache_dir(root)
    assert folder is not None
    site = folder / "serve" / "site"
    site.mkdir(parents=True)

    def live(site_dir: Path, cache: SiteCache | None) -> LiveSite:
        config = load_site_config(root, site_dir=str(site_dir), dev_addr="127.0.0.1:8123")
        config.site_url = serve_url
        return LiveSite(root, config, serve_url=serve_url, cache=cache)

    fill_vault(root)
    first = live(site, SiteCache(folder / "serve", vault))
    first.build()
    append(vault, "contacts/Priya Raman.md", "\nShe called.\n")
    first.update(["contacts/Priya Raman.md"])
    first.save_cache()  # as the server stops
    append(vault, "contacts/Kwame Asante.md", "\nA line of prose.\n")
    fill_vault(root)
    started = live(site, SiteCache(folder / "serve", vault)).build()
    assert not started.full and started.kept > 0 and started.rendered < started.kept
    fresh = tmp_path / "fresh"
    live(fresh, None).build()
    assert_same_site(site, fresh)


def test_a_page_embedding_a_note_shows_its_change_after_a_cached_build(vault: Path) -> None:
    write(vault, "topics/Embedded.md", "# Embedded\n\nThe first words.\n")
    append(vault, "contacts/Priya Raman.md", "\n![[Embedded]]\n")
    run_build(vault)
    write(vault, "topics/Embedded.md", "# Embedded\n\nThe second words.\n")
    run_build(vault)
    assert "The second words." in (vault / "site/contacts/Priya Raman/index.html").read_text(
        encoding="utf-8")
    assert_like_clean_build(vault)


def test_a_cached_build_follows_changes_to_the_notes_a_kept_page_links_to(vault: Path) -> None:
    # Only the linked-to note changes: the page linking to its heading shows the link broken
    # (its inputs are worked out again: it links to a changed note), the rest stays kept.
    append(vault, "contacts/Priya Raman.md", "\nAsk about [[Kwame Asante#Advice]].\n")
    append(vault, "contacts/Kwame Asante.md", "\n## Advice\n\nTalk to people.\n")
    total = rendered(run_build(vault))
    kwame = vault / "notes/contacts/Kwame Asante.md"
    kwame.write_text(kwame.read_text(encoding="utf-8").replace("## Advice", "## Guidance"),
                     encoding="utf-8")
    again = run_build(vault)
    assert "from the site cache" in built_line(again)
    assert rendered(again) < total / 2
    assert_like_clean_build(vault)
    # And back, with a prose edit elsewhere, then a day later.
    kwame.write_text(kwame.read_text(encoding="utf-8").replace("## Guidance", "## Advice"),
                     encoding="utf-8")
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    run_build(vault)
    assert_like_clean_build(vault)


def _cached_build(root: Path) -> LiveSite:
    """A build as a new `vault-tools build` makes it (fill, then the site from its cache), in
    this process: the LiveSite, to look at what it worked out."""
    found = find_vault(root)
    fill_vault(found)
    folder = cache_dir(found)
    assert folder is not None
    live = LiveSite(found, load_site_config(found, site_dir=str(root / "site")),
                    cache=SiteCache(folder, found.root))
    assert live.build().reason == "from the site cache"
    return live


def test_an_edit_that_parses_the_same_reaches_no_related_block(vault: Path) -> None:
    """A line of prose added to a note (its parse unchanged) is not followed through the
    related blocks the site computes; a link added is. Both sites are a clean build's."""
    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nPriya Raman said it again.\n")
    live = _cached_build(vault)
    assert "contacts/Priya Raman.md" not in live._reach
    assert_like_clean_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nPriya Raman knows [[Kwame Asante]].\n")
    live = _cached_build(vault)
    assert "contacts/Priya Raman.md" in live._reach
    assert_like_clean_build(vault)
    # The record's parse digests stand for the notes as they are now: prose again, kept.
    append(vault, "contacts/Kwame Asante.md", "\nKwame Asante said it again.\n")
    live = _cached_build(vault)
    assert not {"contacts/Priya Raman.md", "contacts/Kwame Asante.md"} & live._reach
    assert_like_clean_build(vault)


def test_a_prep_brief_follows_the_notes_it_reads_and_nothing_else(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A planned conversation's prep brief reads notes it neither links to nor is linked from
    (an earlier conversation with the same person, its advice): an edit there shows on its
    page after a cached build (`fill` writes the brief in its file again, and the site follows
    the edit's reach besides); a prose edit elsewhere leaves its brief not worked out again
    and its page kept. Both sites are a clean build's."""
    planned = "interviews/2027-02-01 Tess Ward.md"
    page = vault / "site/interviews/2027-02-01 Tess Ward/index.html"
    write(vault, "contacts/Tess Ward.md", "---\ntype: contact\n---\n\n# Tess Ward\n")
    write(vault, "interviews/2026-11-02 Tess Ward.md",
          "---\ntype: interview\ndate: 2026-11-02\nwith:\n  - \"[[Tess Ward]]\"\n"
          "status: done\n---\n\n# Tess Ward\n\n## Advice\n\n- Read the annual reports.\n")
    write(vault, planned,
          "---\ntype: interview\ndate: 2027-02-01\nwith:\n  - \"[[Tess Ward]]\"\n"
          "status: planned\n---\n\n# Tess Ward again\n")
    briefed: list[str] = []

    def counted(index, note, *args, **kwargs):  # (the site's own call, watched)
        briefed.append(note.path)
        return render_prep(index, note, *args, **kwargs)

    monkeypatch.setattr(note_page, "render_prep", counted)
    run_build(vault)
    assert "Read the annual reports." in page.read_text(encoding="utf-8")
    earlier = vault / "notes/interviews/2026-11-02 Tess Ward.md"
    earlier.write_text(earlier.read_text(encoding="utf-8").replace(
        "Read the annual reports.", "Ask for the roadmap."), encoding="utf-8")
    _cached_build(vault)
    assert planned in briefed
    assert "Ask for the roadmap." in page.read_text(encoding="utf-8")
    assert_like_clean_build(vault)
    # Prose in a note the brief does not read: the planned page is kept as it was.
    briefed.clear()
    before = page.stat().st_mtime_ns
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    _cached_build(vault)
    assert planned not in briefed
    assert page.stat().st_mtime_ns == before
    assert_like_clean_build(vault)


def test_a_run_whose_notes_parse_as_they_did_takes_the_dashboards_from_the_cache(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboards are made from the notes as parsed: after prose added to a note, a cached
    build takes their Markdown from the site cache instead of working their data out again;
    a link added, a dashboard's output touched by hand, or its recorded Markdown changed make
    it anew. Every site is a clean build's; Markdown written into the record never reaches
    the site."""
    asked: list[str] = []
    people_rows, home_data = dashboards.people_rows, dashboards.home_data

    def counted(view):  # (the site's own calls, watched)
        asked.append("people")
        return people_rows(view)

    def counted_home(site):  # (the home note's dashboards)
        asked.append("home")
        return home_data(site)

    monkeypatch.setattr(dashboards, "people_rows", counted)
    monkeypatch.setattr(dashboards, "home_data", counted_home)
    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    _cached_build(vault)  # (the first record with the dashboards' Markdown)
    asked.clear()
    append(vault, "contacts/Hana Kobayashi.md", "\nAnother line of prose.\n")
    _cached_build(vault)
    assert asked == []  # (nor the home note's inputs: it shows what it showed)
    assert_like_clean_build(vault)
    # A link: the notes as parsed changed, the dashboards are worked out again.
    append(vault, "contacts/Kwame Asante.md", "\nKwame knows [[Priya Raman]].\n")
    _cached_build(vault)
    assert "people" in asked
    assert_like_clean_build(vault)
    # The People page's output edited by hand: made anew (its data worked out), not taken.
    asked.clear()
    page = vault / "site/people/index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- by hand -->", encoding="utf-8")
    append(vault, "contacts/Priya Raman.md", "\nMore prose.\n")
    _cached_build(vault)
    assert "people" in asked
    assert_like_clean_build(vault)
    # Markdown written into the record (as by a hand or a crafted file): never rendered.
    record = next(cache_dir(find_vault(vault)).rglob("site.json"))
    data = read_record(record)
    markdown = data["generated"]["pages"]["people/index.md"][0]
    data["generated"]["pages"]["people/index.md"][0] = markdown + "\n<script>alert(1)</script>\n"
    write_record(record, data)
    asked.clear()
    append(vault, "contacts/Priya Raman.md", "\nAnd more prose.\n")
    _cached_build(vault)
    assert "people" in asked
    assert "alert(1)" not in page.read_text(encoding="utf-8")
    assert_like_clean_build(vault)


def test_the_feed_and_the_networks_data_are_kept_while_the_notes_parse_as_they_did(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The feed and the network's data are made from the notes as parsed, as the dashboards
    are: after prose added to a note, a cached build leaves them as the last run wrote them,
    without working out the events or laying out the graph. A task with a date made since,
    or a file changed by hand in the site folder, makes them anew. Every site is a clean
    build's."""
    made: list[str] = []
    render_feed, layout = dashboards.render_feed, dashboards.graph_layout.layout

    def counted_feed(*args, **kwargs):
        made.append("feed")
        return render_feed(*args, **kwargs)

    def counted_layout(*args, **kwargs):
        made.append("network")
        return layout(*args, **kwargs)

    monkeypatch.setattr(dashboards, "render_feed", counted_feed)
    monkeypatch.setattr(dashboards.graph_layout, "layout", counted_layout)
    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    _cached_build(vault)  # (the first record with the dashboards' Markdown)
    made.clear()
    append(vault, "contacts/Hana Kobayashi.md", "\nAnother line of prose.\n")
    _cached_build(vault)
    assert made == []
    assert_like_clean_build(vault)
    feed = vault / "site/followups.ics"
    before = feed.read_bytes()
    append(vault, "contacts/Hana Kobayashi.md", "\n- [ ] Send Hana the article 📅 2031-01-15\n")
    made.clear()  # (the clean build's)
    _cached_build(vault)
    assert made == ["network", "feed"]
    assert b"Send Hana the article" in feed.read_bytes() != before
    assert_like_clean_build(vault)
    # Each file changed by hand (as by another tool): not taken, made again.
    for rel, kind in (("followups.ics", "feed"), ("network/data.js", "network")):
        out = vault / "site" / rel
        out.write_bytes(out.read_bytes().replace(b"Hana", b"<script>alert(1)</script>"))
        made.clear()
        append(vault, "contacts/Priya Raman.md", "\nMore prose.\n")
        _cached_build(vault)
        assert made == [kind]
        assert b"alert(1)" not in out.read_bytes()
        assert_like_clean_build(vault)


def test_the_sitemap_and_404_are_kept_while_they_would_show_the_same(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme's templates show the navigation and every page's address and date: after
    prose added to a note, a cached build leaves them as the last run wrote them; a new
    note (a page more), or a template's output changed by hand, renders them again. Every
    site is a clean build's."""
    made: list[str] = []
    render = incremental.build_theme_template

    def counted(template, *args, **kwargs):
        made.append(template)
        return render(template, *args, **kwargs)

    monkeypatch.setattr(incremental, "build_theme_template", counted)
    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    _cached_build(vault)
    assert made == []
    assert_like_clean_build(vault)
    write(vault, "contacts/Ada Quist.md", "---\ntype: contact\n---\n# Ada Quist\n")
    _cached_build(vault)
    assert sorted(made) == ["404.html", "sitemap.xml"]
    assert_like_clean_build(vault)
    for rel in ("404.html", "sitemap.xml", "sitemap.xml.gz"):
        out = vault / "site" / rel
        out.write_bytes(out.read_bytes() + b"<!-- by hand -->")
        made.clear()
        append(vault, "contacts/Priya Raman.md", "\nMore prose.\n")
        _cached_build(vault)
        assert made == [rel.removesuffix(".gz")]
        assert_like_clean_build(vault)


def test_a_kept_pages_line_is_written_back_as_it_was_read(vault: Path) -> None:
    """A build after a few edits writes each page it kept from the record back as the very
    line it read (its search entries are most of the record); a page whose output was found
    the same with another stamp (touched, not changed) gets its new stamp written."""
    def lines(root: Path) -> dict[str, str]:
        found = (root / ".cache/vault-tools/site.json").read_text(encoding="utf-8")
        return {json.loads(line.split("\t")[0])[0]: line for line in found.split("\n")[1:]}

    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    run_build(vault)
    before = lines(vault)
    touched = vault / "site/contacts/Kwame Asante/index.html"
    os.utime(touched, (1_000_000, 1_000_000))  # (the same bytes, another stamp)
    append(vault, "contacts/Priya Raman.md", "\nMore prose.\n")
    run_build(vault)
    after = lines(vault)
    assert after.keys() == before.keys()
    changed = {src for src in before if after[src] != before[src]}
    assert "contacts/Kwame Asante.md" in changed and len(changed) < len(before) / 4, changed
    was, now = (json.loads(found["contacts/Kwame Asante.md"].split("\t")[0])[1]
                for found in (before, after))
    assert now["stamp"] != was["stamp"] and {**now, "stamp": None} == {**was, "stamp": None}
    assert_like_clean_build(vault)


def test_a_prose_edit_works_out_no_other_page_but_one_a_link_edit_does(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A line of prose added to a note linked from many others (its parse unchanged) makes
    the next run work out its own page's inputs and no neighbour's; a link added works out
    the neighbours, old and new. Both sites are a clean build's."""
    dirty: list[set[str] | None] = []
    since = LiveSite._dirty_since

    def seen(self: LiveSite, *args: Any) -> set[str] | None:
        found = since(self, *args)
        dirty.append(None if found is None else set(found))
        return found

    monkeypatch.setattr(LiveSite, "_dirty_since", seen)
    run_build(vault)
    priya = "contacts/Priya Raman.md"
    index = _cached_build(vault)._index
    neighbours = index.targets(priya) | {b.source for b in index.backlinks(priya)}
    assert len(neighbours) >= 3
    append(vault, priya, "\nPriya Raman said it again.\n")
    _cached_build(vault)
    assert dirty[-1] == {priya}
    assert_like_clean_build(vault)
    append(vault, priya, "\nPriya Raman knows [[Kwame Asante]].\n")
    _cached_build(vault)
    assert dirty[-1] is not None
    assert neighbours | {priya, "contacts/Kwame Asante.md"} <= dirty[-1]
    assert_like_clean_build(vault)


def test_the_search_index_is_compared_with_materials_once_per_cache_key(
        vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site that keeps its search index's pieces from build to build (`serve`) writes
    Material's own JSON of it (one dump of every entry) to check the pieces against only
    when its record does not say that check was made under the same key: a start from such
    a record writes the index from its pieces alone, and the site is a clean build's."""
    from material.plugins.search.plugin import SearchIndex

    own: list[int] = []
    real = SearchIndex.generate_search_index

    def counted(self: Any, *args: Any) -> Any:
        own.append(len(self.entries))
        return real(self, *args)

    monkeypatch.setattr(SearchIndex, "generate_search_index", counted)
    record = vault / ".cache/vault-tools/site.json"
    run_build(vault)  # (`build`: Material writes its index its own way, and checks nothing)
    assert read_record(record)["search_json"] is False
    for edit in ("A line of prose.", "More prose."):
        own.clear()
        append(vault, "contacts/Priya Raman.md", f"\n{edit}\n")
        live = _cached_build(vault)
        assert live._search_json.agrees is True
        assert read_record(record)["search_json"] is True
        if edit == "A line of prose.":
            assert len(own) == 1 and own[0] > 0  # compared: no record of it
        else:
            assert own == []  # the record's check stands
        assert_like_clean_build(vault)


_COUNT_MATERIALS_INDEX = """
import sys
from material.plugins.search.plugin import SearchIndex
_real = SearchIndex.generate_search_index
def _counted(self, *args):
    print("MATERIAL'S OWN INDEX", file=sys.stderr)
    return _real(self, *args)
SearchIndex.generate_search_index = _counted
"""


def test_a_build_that_keeps_pages_writes_the_index_from_the_records_pieces(
        vault: Path) -> None:
    """`build` after a few edits writes the search index from the pieces of the pages it
    keeps, as the record holds them, and those of the pages it renders: Material's own JSON
    of every entry is written the first time, to check them against, then no more."""
    record = vault / ".cache/vault-tools/site.json"
    said = [run_build(vault, code=_COUNT_MATERIALS_INDEX)]  # (every page: Material's way)
    for edit in ("A line of prose.", "More prose."):
        append(vault, "contacts/Priya Raman.md", f"\n{edit}\n")
        said.append(run_build(vault, code=_COUNT_MATERIALS_INDEX))
        assert "from the site cache" in built_line(said[-1])
        assert read_record(record)["search_json"] is True
        assert_like_clean_build(vault)
    assert [stderr.count("MATERIAL'S OWN INDEX") for stderr in said] == [1, 1, 0]


def test_a_file_whose_name_is_not_utf8_leaves_the_cache_usable(vault: Path) -> None:
    # A file unpacked from an old archive: its name's bytes are Latin-1. Python holds such a
    # name with lone surrogates, which UTF-8 cannot write: the record was never saved, and
    # every build was a full one.
    (vault / "notes" / "files").mkdir()
    (vault / "notes" / "files" / os.fsdecode(b"r\xe9sum\xe9.pdf")).write_bytes(b"%PDF old")
    first = run_build(vault)
    assert "full build" in built_line(first)
    assert not [line for line in first.splitlines() if "could not be written" in line]
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    again = run_build(vault)
    assert "from the site cache" in built_line(again), again[-2000:]
    assert (vault / "site" / "files" / os.fsdecode(b"r\xe9sum\xe9.pdf")).read_bytes() == b"%PDF old"
    assert_like_clean_build(vault)
