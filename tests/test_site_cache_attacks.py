"""Attacks on the site cache (`site/site_cache.py`): a record crafted or planted, files changed
behind the cache's back. A cached build never touches a file outside the site folder and its own
cache folder, and leaves the site byte for byte as a clean build would."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from . import test_site_cache as site_cache_tests
from .test_site_cache import (
    append,
    assert_like_clean_build,
    built_line,
    cache_lines,
    run_build,
    write,
)

pytestmark = pytest.mark.slow  # real builds, in subprocesses


# The demo vault with the site-cache tests' mkdocs.yml, the same fixture as theirs.
vault = site_cache_tests.vault


@pytest.mark.parametrize("crafted", ["../../victim.txt", "{victim}",
                                     "contacts/../../../victim.txt"])
def test_a_crafted_output_list_never_deletes_outside_the_site_folder(
        vault: Path, crafted: str) -> None:
    run_build(vault)
    victim = vault.parent / "victim.txt"
    victim.write_text("years of notes\n", encoding="utf-8")
    (vault.parent / "empty-folder").mkdir()
    record = vault / ".cache/vault-tools/site.json"
    raw = json.loads(record.read_text(encoding="utf-8"))
    raw["outputs"].append(crafted.format(victim=victim))
    raw["outputs"].append("../empty-folder/x.txt")
    record.write_text(json.dumps(raw), encoding="utf-8")
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    run_build(vault)
    assert victim.read_text(encoding="utf-8") == "years of notes\n"
    assert (vault.parent / "empty-folder").is_dir()
    assert_like_clean_build(vault)


def test_an_attachment_replaced_with_its_old_mtime_is_copied_again(vault: Path) -> None:
    write(vault, "files/card.txt", "a business card, first\n")
    append(vault, "contacts/Priya Raman.md", "\nHer card: ![[card.txt]]\n")
    source = vault / "notes/files/card.txt"
    old = os.stat(source)
    run_build(vault)
    # Restored from a backup (`cp -p`, rsync -t): new bytes, the same size and times.
    source.write_text("a business card, other\n", encoding="utf-8")
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert os.stat(source).st_size == old.st_size
    assert "from the site cache" in built_line(run_build(vault))
    assert (vault / "site/files/card.txt").read_text(encoding="utf-8") == \
        "a business card, other\n"
    assert_like_clean_build(vault)
    # And the copy edited in the site folder, its size and times restored: copied again.
    copy = vault / "site/files/card.txt"
    old = os.stat(copy)
    copy.write_text("a business card, typo!\n", encoding="utf-8")
    os.utime(copy, ns=(old.st_atime_ns, old.st_mtime_ns))
    run_build(vault)
    assert_like_clean_build(vault)


def test_a_note_edited_with_its_old_mtime_is_rendered_again(vault: Path) -> None:
    run_build(vault)
    source = vault / "notes/contacts/Priya Raman.md"
    old = os.stat(source)
    text = source.read_text(encoding="utf-8")
    changed = text.replace("Priya", "Pryia", 1)
    assert len(changed.encode()) == len(text.encode()) and changed != text
    source.write_text(changed, encoding="utf-8")
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    run_build(vault)
    assert_like_clean_build(vault)


def test_the_record_and_its_folder_as_links_are_replaced_never_written_through(
        vault: Path) -> None:
    run_build(vault)
    outside = vault.parent / "outside"
    outside.mkdir()
    precious = outside / "precious.json"
    precious.write_text("keep me\n", encoding="utf-8")
    record = vault / ".cache/vault-tools/site.json"
    record.unlink()
    record.symlink_to(precious)
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    run_build(vault)
    assert precious.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in outside.iterdir()) == ["precious.json"]
    assert_like_clean_build(vault)


def test_a_folder_of_the_site_linked_to_elsewhere_is_not_written_through(vault: Path) -> None:
    # (A link at the top of the site folder a clean build, MkDocs' own, writes through too.)
    run_build(vault)
    elsewhere = vault.parent / "elsewhere"
    linked = vault / "site/contacts/Priya Raman"
    shutil.copytree(linked, elsewhere)
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    shutil.rmtree(linked)
    linked.symlink_to(elsewhere, target_is_directory=True)
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    run_build(vault)
    assert {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before
    assert not linked.is_symlink()
    assert_like_clean_build(vault)


def test_an_edited_theme_override_renders_every_page_again(vault: Path) -> None:
    overrides = vault / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block footer %}<p>first footer</p>{% endblock %}\n',
        encoding="utf-8")
    (vault / "mkdocs.yml").write_text(
        (vault / "mkdocs.yml").read_text(encoding="utf-8").replace(
            "  name: material\n", "  name: material\n  custom_dir: overrides\n"),
        encoding="utf-8")
    run_build(vault)
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}\n{% block footer %}<p>other footer</p>{% endblock %}\n',
        encoding="utf-8")
    run_build(vault)
    assert "other footer" in (vault / "site/contacts/Priya Raman/index.html").read_text(
        encoding="utf-8")
    assert_like_clean_build(vault)


def test_two_builds_at_once_then_a_killed_one_leave_a_clean_builds_site(vault: Path) -> None:
    run_build(vault)
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    command = [sys.executable, "-m", "vault_tools", "build", "--vault", str(vault)]
    both = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(2)]
    for process in both:
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-2000:]
    assert_like_clean_build(vault)
    # Killed wherever it is when the kill lands: the next build still makes a clean build's site.
    append(vault, "contacts/Kwame Asante.md", "\nAnother line.\n")
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        killed.wait(timeout=1.5)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    run_build(vault)
    assert_like_clean_build(vault)


def test_links_planted_in_the_cache_folder_are_never_written_through(vault: Path) -> None:
    run_build(vault)
    folder = vault / ".cache/vault-tools"
    outside = vault.parent / "outside"
    outside.mkdir()
    for name in (".gitignore", "site.lock"):
        (folder / name).unlink()
        (folder / name).symlink_to(outside / name)  # dangling: nothing there yet
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    run_build(vault)
    assert list(outside.iterdir()) == []
    assert_like_clean_build(vault)


def test_a_note_turned_private_leaves_nothing_of_it_in_the_record(vault: Path) -> None:
    write(vault, "contacts/Hidden Person.md",
          "---\ntype: contact\n---\n\n# Hidden Person\n\nThe word Quillfeather9 is hers.\n")
    append(vault, "contacts/Priya Raman.md", "\nShe knows [[Hidden Person]].\n")
    run_build(vault)
    path = vault / "notes/contacts/Hidden Person.md"
    path.write_text(path.read_text(encoding="utf-8").replace("type: contact", "private: true"),
                    encoding="utf-8")
    run_build(vault)
    data = (vault / ".cache/vault-tools/site.json").read_bytes()
    assert b"Quillfeather9" not in data and b"Hidden Person" not in data
    assert_like_clean_build(vault)


def test_a_title_shown_in_every_pages_navigation_changed_between_runs(vault: Path) -> None:
    run_build(vault)
    path = vault / "notes/contacts/Priya Raman.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n", "---\ntitle: Dr Priya R.\n", 1), encoding="utf-8")
    run_build(vault)
    assert "Dr Priya R." in (vault / "site/contacts/Priya Raman/index.html").read_text(
        encoding="utf-8")
    assert_like_clean_build(vault)


def test_hidden_files_at_the_top_of_the_site_folder_are_kept_as_a_clean_build_keeps_them(
        vault: Path) -> None:
    # A site folder deployed as a git repository: MkDocs' clean build never removes `.git`.
    run_build(vault)
    (vault / "site/.git").mkdir()
    (vault / "site/.git/config").write_text("[core]\n", encoding="utf-8")
    (vault / "site/.git/refs/tags").mkdir(parents=True)  # empty, and git needs it
    (vault / "site/.nojekyll").write_text("", encoding="utf-8")
    record = vault / ".cache/vault-tools/site.json"
    raw = json.loads(record.read_text(encoding="utf-8"))
    raw["outputs"].append(".git/config")  # as if a build had made it once
    record.write_text(json.dumps(raw), encoding="utf-8")
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    run_build(vault)
    assert (vault / "site/.git/config").read_text(encoding="utf-8") == "[core]\n"
    assert (vault / "site/.git/refs/tags").is_dir()
    assert (vault / "site/.nojekyll").is_file()


def build_within(root: Path, seconds: float = 240) -> str:
    """`vault-tools build` of `root` in a new process that must end within `seconds` (a build
    waiting forever on its cache fails the test instead of hanging it); its stderr."""
    command = [sys.executable, "-m", "vault_tools", "build", "--vault", str(root)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build did not end within {seconds} s")
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


@pytest.mark.parametrize("planted", ["a named pipe", "a link to a named pipe", "a folder"])
def test_a_record_that_is_no_file_is_discarded_never_waited_on(vault: Path,
                                                                planted: str) -> None:
    # A named pipe at the record's name: reading it waits for a writer that never comes (and
    # a link to /dev/zero would read forever). Neither is a record: discarded, in one line.
    run_build(vault)
    record = vault / ".cache/vault-tools/site.json"
    record.unlink()
    if planted == "a folder":
        record.mkdir()
        (record / "kept.txt").write_text("not the cache's\n", encoding="utf-8")
    elif planted == "a named pipe":
        os.mkfifo(record)
    else:
        os.mkfifo(vault.parent / "pipe")
        record.symlink_to(vault.parent / "pipe")
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    shutil.rmtree(vault / "site/contacts")  # a kept page would be missing if it were trusted
    stderr = build_within(vault)
    lines = cache_lines(stderr)
    assert lines and "discarded, building the whole site" in lines[0], stderr[-2000:]
    assert "full build" in built_line(stderr)
    assert_like_clean_build(vault)
    assert (vault.parent / "pipe").exists() if planted == "a link to a named pipe" else True
    if planted == "a folder":  # (not the cache's to delete: left, and said each time)
        assert (record / "kept.txt").read_text(encoding="utf-8") == "not the cache's\n"
        return
    assert len(lines) == 1, stderr[-2000:]
    again = build_within(vault)  # and a record again for the next build
    assert "from the site cache" in built_line(again) and not cache_lines(again)


def test_a_link_to_an_attachment_named_like_a_newly_private_one_is_hidden_as_a_clean_build_does(
        vault: Path) -> None:
    # Two attachments called photo.png; one sits in a folder named like a note that then
    # becomes private: the site hides every link to a photo.png (`PageLinks._page_link`),
    # and so must a cached build, whose page linking to the other one was otherwise kept.
    for folder in ("a", "b/Zorblat"):
        path = vault / "notes/files" / folder / "photo.png"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + folder.encode())
    append(vault, "contacts/Priya Raman.md", "\nHer photo: [[a/photo.png]]\n")
    run_build(vault)
    write(vault, "contacts/Zorblat.md", "---\nprivate: true\n---\n\n# Zorblat\n\nA secret.\n")
    assert "from the site cache" in built_line(run_build(vault))
    assert "a private note" in (vault / "site/contacts/Priya Raman/index.html").read_text(
        encoding="utf-8").split("Her photo:")[1][:300]
    assert_like_clean_build(vault)
    # And back: the link shows again.
    (vault / "notes/contacts/Zorblat.md").unlink()
    run_build(vault)
    assert_like_clean_build(vault)


def test_a_snapshot_of_the_site_made_with_hard_links_is_never_written_through(
        vault: Path) -> None:
    # `cp -al site site.bak` (or rsync --link-dest): the snapshot's files are the site's own
    # files under other names. A clean build unlinks each before writing; writing a page in
    # place would change the snapshot too.
    run_build(vault)
    snapshot = vault.parent / "site-snapshot"
    shutil.copytree(vault / "site", snapshot, copy_function=os.link)
    before = {p: p.read_bytes() for p in snapshot.rglob("*") if p.is_file()}
    append(vault, "contacts/Priya Raman.md", "\nA line written after the snapshot.\n")
    write(vault, "files/card.txt", "a business card\n")
    run_build(vault)
    assert {p: p.read_bytes() for p in snapshot.rglob("*") if p.is_file()} == before
    assert_like_clean_build(vault)


def test_links_to_a_note_that_turns_unreadable_and_back_follow_its_page(vault: Path) -> None:
    # A note that stops being UTF-8 has no page (a link to it is text only), and a page again
    # once it is fixed: where a link to it goes is what the linking page is made from.
    zorblat = vault / "notes/contacts/Odd Zorblat.md"
    readable = "---\ntype: contact\n---\n\n# Odd Zorblat\n\nHello.\n"
    write(vault, "contacts/Odd Zorblat.md", readable)
    append(vault, "contacts/Priya Raman.md", "\nShe knows [[Odd Zorblat]].\n")
    run_build(vault)
    zorblat.write_bytes(b"---\ntype: contact\n---\n\n# Odd \xff\xfe Zorblat\n")
    assert "from the site cache" in built_line(run_build(vault))
    assert_like_clean_build(vault)
    zorblat.write_text(readable, encoding="utf-8")
    assert "from the site cache" in built_line(run_build(vault))
    assert 'href="../Odd%20Zorblat/"' in (vault / "site/contacts/Priya Raman/index.html"
                                          ).read_text(encoding="utf-8")
    assert_like_clean_build(vault)


@pytest.mark.parametrize("field,crafted", [
    ("anchors", [["not", "an", "id"]]),
    ("meta", {"title": ["not", "a", "title"]}),
    ("meta", {"template": "main.html"}),
    ("entries", [{"location": 5, "title": None, "text": {"a": 1}}]),
])
def test_a_page_record_of_the_wrong_shape_inside_is_discarded_in_one_line(
        vault: Path, field: str, crafted: object) -> None:
    # Each page's record is checked down to its values: a record that parses but holds what
    # no build writes there (an anchor that is a list, a title that is no text, a front-matter
    # key MkDocs is never given, a search entry of numbers) is never used.
    run_build(vault)
    record = vault / ".cache/vault-tools/site.json"
    raw = json.loads(record.read_text(encoding="utf-8"))
    raw["pages"]["contacts/Kwame Asante.md"][field] = crafted
    record.write_text(json.dumps(raw), encoding="utf-8")
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    stderr = run_build(vault)
    lines = cache_lines(stderr)
    assert len(lines) == 1 and "discarded, building the whole site" in lines[0], stderr[-2000:]
    assert "full build" in built_line(stderr)
    assert_like_clean_build(vault)
