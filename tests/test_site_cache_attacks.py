"""Attacks on the site cache (`site/site_cache.py`): a record crafted or planted, files changed
behind the cache's back. A cached build never touches a file outside the site folder and its own
cache folder, and leaves the site byte for byte as a clean build would."""

from __future__ import annotations

import contextlib
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
    read_record,
    run_build,
    write,
    write_record,
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
    raw = read_record(record)
    raw["outputs"].append(crafted.format(victim=victim))
    raw["outputs"].append("../empty-folder/x.txt")
    write_record(record, raw)
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
    raw = read_record(record)
    raw["outputs"].append(".git/config")  # as if a build had made it once
    write_record(record, raw)
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


def assert_discarded_after_an_edit(vault: Path) -> None:
    """The next build after an edit says in one line that the record is discarded, builds the
    whole site, and leaves a clean build's."""
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    stderr = run_build(vault)
    lines = cache_lines(stderr)
    assert len(lines) == 1 and "discarded, building the whole site" in lines[0], stderr[-2000:]
    assert "full build" in built_line(stderr)
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
    raw = read_record(record)
    raw["pages"]["contacts/Kwame Asante.md"][field] = crafted
    write_record(record, raw)
    assert_discarded_after_an_edit(vault)


# --- attacks that held: kept as the proof they do -----------------------------------------------

WORD = "Zephyrquill7"  # in no note of the demo vault


def site_files_with(root: Path, word: str) -> list[str]:
    return sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*")
                  if p.is_file() and word.encode() in p.read_bytes())


def test_an_interview_made_private_then_public_again_between_runs(vault: Path) -> None:
    # Its insights are quoted on other pages, the dashboards, the search index and the graph:
    # private, none of its words is anywhere in the site or the record; public again, back.
    rel = "interviews/2026-11-30 Kwame Asante.md"
    text = ("---\ntype: interview\ndate: 2026-11-30\nwith:\n  - \"[[Kwame Asante]]\"\n"
            "company: \"[[Lumen Health]]\"\nstatus: done\ninterest: 1\n---\n\n"
            "# Kwame Asante: a walk\n\n## What I learned\n\n"
            f"- Pipelines rot when nobody owns the {WORD} schema.\n\n## Advice\n\n"
            f"- Keep a {WORD} diary of decisions.\n")
    write(vault, rel, text)
    run_build(vault)
    assert site_files_with(vault, WORD)
    path = vault / "notes" / rel
    path.write_text(text.replace("type: interview", "type: interview\nprivate: true", 1),
                    encoding="utf-8")
    assert "from the site cache" in built_line(run_build(vault))
    assert site_files_with(vault, WORD) == []
    assert WORD.encode() not in (vault / ".cache/vault-tools/site.json").read_bytes()
    assert_like_clean_build(vault)
    path.write_text(text, encoding="utf-8")
    assert "from the site cache" in built_line(run_build(vault))
    assert site_files_with(vault, WORD)
    assert_like_clean_build(vault)


def test_an_embedded_and_linked_note_moved_then_made_private(vault: Path) -> None:
    write(vault, "topics/Quorvex Plan.md",
          f"# Quorvex Plan\n\nThe plan is {WORD}.\n\n## Step\n\nOne.\n")
    append(vault, "contacts/Priya Raman.md", "\n![[Quorvex Plan]]\n\n![[Quorvex Plan#Step]]\n")
    append(vault, "contacts/Kwame Asante.md", "\nSee [[Quorvex Plan#Step]].\n")
    run_build(vault)
    (vault / "notes/archive").mkdir()
    (vault / "notes/topics/Quorvex Plan.md").rename(vault / "notes/archive/Quorvex Plan.md")
    run_build(vault)
    assert_like_clean_build(vault)
    moved = vault / "notes/archive/Quorvex Plan.md"
    moved.write_text("---\nprivate: true\n---\n" + moved.read_text(encoding="utf-8"),
                     encoding="utf-8")
    run_build(vault)
    assert site_files_with(vault, WORD) == []
    assert_like_clean_build(vault)


def test_markup_in_a_title_a_field_and_a_heading_is_escaped_on_kept_pages_as_on_fresh_ones(
        vault: Path) -> None:
    write(vault, "contacts/Eve Script.md",
          "---\ntype: contact\ntitle: \"<script>alert('t')</script> Eve & <b>co</b>\"\n"
          "role: \"<img src=x onerror=alert(1)>\"\nstatus: \"<i>met</i>\"\n---\n\n"
          "# <script>alert('h')</script> Eve\n\nKnows [[Priya Raman]].\n\n"
          "## <b>Bold</b> & \"quoted\"\n\nText.\n")
    append(vault, "contacts/Priya Raman.md", "\nSee [[Eve Script#<b>Bold</b> & \"quoted\"]].\n")
    run_build(vault)
    append(vault, "contacts/Kwame Asante.md", "\nA line.\n")
    assert "from the site cache" in built_line(run_build(vault))
    assert_like_clean_build(vault)


def test_markdown_links_to_targets_that_come_and_go_and_their_warnings(vault: Path) -> None:
    append(vault, "contacts/Priya Raman.md",
           "\nSee [the plan](../topics/Later.md), [the pdf](../files/plan.pdf), "
           "[advice](Kwame%20Asante.md#advice) and ![pic](../files/pic.png).\n")
    append(vault, "contacts/Kwame Asante.md", "\n## Advice\n\nTalk to people.\n")
    run_build(vault)
    write(vault, "topics/Later.md", "# Later\n\nNow here.\n")
    write(vault, "files/plan.pdf", "pdf\n")
    write(vault, "files/pic.png", "png\n")
    assert "from the site cache" in built_line(run_build(vault))
    assert_like_clean_build(vault)
    kwame = vault / "notes/contacts/Kwame Asante.md"
    kwame.write_text(kwame.read_text(encoding="utf-8").replace("## Advice", "## Guidance"),
                     encoding="utf-8")

    def said(stderr: str) -> list[str]:
        return sorted(line for line in stderr.splitlines()
                      if line.startswith(("WARNING", "INFO")) and "Priya" in line)

    cached = run_build(vault)
    assert "from the site cache" in built_line(cached)
    assert_like_clean_build(vault)
    assert said(cached) == said(run_build(vault, "--clean"))


def test_a_kept_page_says_again_what_reading_it_said(vault: Path) -> None:
    # The markdown guard speaks while a page is read (not rendered): said again when kept.
    append(vault, "contacts/Kwame Asante.md", "\nOdd paragraph " + "[x " * 400 + "\n")
    clean = run_build(vault, "--clean")

    def warnings(stderr: str) -> list[str]:
        return sorted(line for line in stderr.splitlines() if line.startswith("WARNING"))

    assert any("plain text" in line for line in warnings(clean)), clean[-1500:]
    append(vault, "contacts/Priya Raman.md", "\nA line of prose.\n")
    cached = run_build(vault)
    assert "from the site cache" in built_line(cached)
    assert warnings(cached) == warnings(clean)


def test_a_changed_environment_variable_or_inherited_file_of_mkdocs_yml_rebuilds(
        vault: Path) -> None:
    from .test_incremental import CONFIG

    def build_with(name: str) -> str:
        done = subprocess.run([sys.executable, "-m", "vault_tools", "build", "--vault",
                               str(vault)], capture_output=True, text=True, timeout=600,
                              env={**os.environ, "VT_SITE_NAME": name})
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stderr

    (vault / "base.yml").write_text("extra:\n  generator: true\n", encoding="utf-8")
    (vault / "mkdocs.yml").write_text("INHERIT: base.yml\n" + CONFIG.replace(
        "site_name: Live vault", "site_name: !ENV [VT_SITE_NAME, 'Default name']"),
        encoding="utf-8")
    build_with("Alpha site")
    build_with("Beta site")
    page = vault / "site/contacts/Priya Raman/index.html"
    assert "Beta site" in page.read_text(encoding="utf-8")
    assert "Made with" in page.read_text(encoding="utf-8")
    (vault / "base.yml").write_text("extra:\n  generator: false\n", encoding="utf-8")
    build_with("Beta site")
    assert "Made with" not in page.read_text(encoding="utf-8")


def test_a_named_pipe_planted_as_the_fill_record_never_stops_a_build(vault: Path) -> None:
    # `build` fills first, reading fill's own record in the same folder: never waited on.
    run_build(vault)
    record = vault / ".cache/vault-tools/fill.json"
    record.unlink()
    os.mkfifo(record)
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    build_within(vault)
    assert_like_clean_build(vault)



@pytest.mark.parametrize("damage", ["no tab", "not a list", "more after the list",
                                   "space around it"])
def test_a_page_line_whose_search_entries_are_not_one_list_is_discarded(
        vault: Path, damage: str) -> None:
    # A page's search entries end its line, after a tab, as Material's index holds them; a
    # kept page's part of the index is taken from there, so anything but one JSON list of
    # entries (which could carry more than the page's entries into the index) is never used.
    run_build(vault)
    record = vault / ".cache/vault-tools/site.json"
    head, *lines = record.read_text(encoding="utf-8").split("\n")
    fields, entries = lines[0].split("\t")
    lines[0] = {
        "no tab": fields,
        "not a list": fields + "\t" + entries[1:-1],
        "more after the list": fields + "\t" + entries + ",[]",
        "space around it": fields + "\t " + entries + " ",
    }[damage]
    record.write_text("\n".join([head, *lines]), encoding="utf-8")
    assert_discarded_after_an_edit(vault)
