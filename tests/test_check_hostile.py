"""What `check`, `fill` and `build` say about hostile or careless notes (issues #14 and #15):
oversized notes, impossible YAML tags, UTF-16, unclosed fences, names no link can reach, links
to headings and attachments that do not exist. Real vaults on disk, the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools import vault as vault_module
from vault_tools.cli import main
from vault_tools.vault import MAX_NOTE_BYTES, find_vault, load_index, too_large

JANE = "contacts/Jane Doe.md"
JANE_TEXT = "---\ntype: contact\n---\n# Jane Doe\n\n## Career story\n\nShe started in support.\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check_json(root: Path) -> tuple[int, list[dict]]:
    result = run("check", "--vault", str(root), "--json")
    return result.exit_code, json.loads(result.output)


def codes(items: list[dict], path: str | None = None) -> list[tuple[str, int | None, str]]:
    return [(d["path"], d["line"], d["code"]) for d in items if path in (None, d["path"])]


# --- too-large ----------------------------------------------------------------------------------


def _huge(root: Path, rel: str, size: int) -> Path:
    """A note of `size` bytes that links to Jane on its first line (sparse: nothing to write)."""
    path = root / "notes" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        file.write(b"# Dump\n\n[[Jane Doe]]\n")
        file.truncate(size)
    return path


def test_a_note_above_the_limit_is_reported_and_never_read(make_vault) -> None:
    root = make_vault({JANE: JANE_TEXT})
    _huge(root, "Dump.md", 50 * 1024 * 1024)
    code, items = check_json(root)
    assert code == 1
    assert codes(items) == [("Dump.md", None, "too-large")]
    assert "52,428,800 bytes" in items[0]["message"]
    # Refused from its size: loading the vault never holds the 50 MB (nor a 2 MiB buffer).
    tracemalloc.start()
    try:
        index = load_index(find_vault(root))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MAX_NOTE_BYTES, f"{peak:,} bytes at the peak"
    # Still a note by name: a link to it is not broken.
    assert "dump" not in index.placeholders()
    assert index.resolve("Dump").path == "Dump.md"


def test_the_limit_is_inclusive_and_one_function_decides_it(make_vault) -> None:
    root = make_vault({JANE: JANE_TEXT})
    at_limit = _huge(root, "At limit.md", MAX_NOTE_BYTES)
    over = _huge(root, "Over.md", MAX_NOTE_BYTES + 1)
    assert not too_large(at_limit) and too_large(over)
    assert not too_large(MAX_NOTE_BYTES) and too_large(MAX_NOTE_BYTES + 1)
    _, items = check_json(root)
    assert ("Over.md", None, "too-large") in codes(items)
    assert not [d for d in items if d["path"] == "At limit.md" and d["code"] == "too-large"]


def test_fill_leaves_a_too_large_note_byte_identical_and_fills_the_rest(make_vault) -> None:
    root = make_vault({JANE: JANE_TEXT, "Bob.md": "Met [[Jane Doe]] at a meetup.\n"})
    dump = _huge(root, "Dump.md", 3 * 1024 * 1024)
    before = dump.read_bytes()
    result = run("fill", "--vault", str(root))
    assert result.exit_code == 0
    assert dump.read_bytes() == before
    assert result.output.count("Dump.md: left alone: the note is 3,145,728 bytes") == 1
    jane = (root / "notes" / JANE).read_text(encoding="utf-8")
    assert "[[Bob]]" in jane  # the other notes were filled


@pytest.mark.slow
def test_build_does_not_publish_a_too_large_note(make_vault) -> None:
    root = make_vault({JANE: JANE_TEXT, "index.md": "# Home\n"})
    (root / "mkdocs.yml").write_text(
        "site_name: Test\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n  - vault\n",
        encoding="utf-8")
    dump = _huge(root, "Dump.md", 3 * 1024 * 1024)
    with open(dump, "r+b") as file:  # a word that must not reach the site
        file.seek(1000)
        file.write(b"SECRETWORD")
    # A heading and an attachment that do not exist: warned once each, by the index.
    (root / "notes" / "Bob.md").write_text(
        "See [[Jane Doe#No such heading]] and ![[missing.png]].\n", encoding="utf-8")
    build = subprocess.run(
        [sys.executable, "-m", "vault_tools", "build", "--vault", str(root)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr
    site = root / "site"
    assert not (site / "Dump").exists() and not (site / "Dump.html").exists()
    for path in site.rglob("*"):
        if path.is_file():
            assert b"SECRETWORD" not in path.read_bytes(), path
    out = build.stdout + build.stderr
    assert "Dump.md: the note is 3,145,728 bytes" in out
    assert out.count("has no heading 'No such heading'") == 1
    assert out.count("![[missing.png]]: no such attachment") == 1


# --- YAML tags, encodings, fences, names --------------------------------------------------------


def test_check_and_fill_report_an_impossible_tag_and_carry_on(make_vault) -> None:
    root = make_vault({
        JANE: JANE_TEXT,
        "Bad.md": "---\ncount: !!int abc\nwhen: !!timestamp 2026-02-30\n---\nSee [[Jane Doe]].\n",
    })
    code, items = check_json(root)
    assert code == 1
    assert codes(items, "Bad.md") == [("Bad.md", 2, "yaml-error")]
    result = run("fill", "--vault", str(root))
    assert result.exit_code == 0  # no traceback; the body's link still counts
    assert "[[Bad]]" in (root / "notes" / JANE).read_text(encoding="utf-8")


def test_utf16_notes_are_called_utf16_not_binary(make_vault) -> None:
    root = make_vault({
        JANE: JANE_TEXT,
        "With BOM.md": "# Notes\n\nMet [[Jane Doe]].\n".encode("utf-16"),
        "Without BOM.md": "# Notes\n\nMet [[Jane Doe]].\n".encode("utf-16-le"),
    })
    _, items = check_json(root)
    for rel in ("With BOM.md", "Without BOM.md"):
        (item,) = [d for d in items if d["path"] == rel]
        assert item["code"] == "not-utf8"
        assert "UTF-16" in item["message"] and "save it as UTF-8" in item["message"]
        assert "binary" not in item["message"]


def test_left_alone_is_said_once_per_message(make_vault) -> None:
    root = make_vault({JANE: JANE_TEXT, "Binary.md": b"\x89PNG\x00\x00 [[Jane Doe]]",
                       "Latin.md": "caf\xe9 [[Jane Doe]]\n".encode("latin-1")})
    result = run("fill", "--vault", str(root))
    lines = [line for line in result.output.splitlines() if "left alone" in line]
    assert len(lines) == 2
    assert all(line.count("left alone") == 1 for line in lines), lines


def test_an_unclosed_fence_is_reported_at_its_line(make_vault) -> None:
    text = "# Notes\n\nSee [[Jane Doe]].\n\n```python\nprint('hi')\n[[Not a link]]\n"
    root = make_vault({JANE: JANE_TEXT, "Fenced.md": text, "Bob.md": "About [[Fenced]].\n"})
    _, items = check_json(root)
    assert codes(items, "Fenced.md") == [("Fenced.md", 5, "unclosed-fence")]
    # fill leaves it alone (a block appended inside the fence would be code) and says so.
    result = run("fill", "--vault", str(root))
    assert "Fenced.md: left alone: cannot add the 'related' block" in result.output
    assert (root / "notes" / "Fenced.md").read_text(encoding="utf-8") == text


UNLINKABLE = ["C#.md", "A|B.md", "Up^.md", "[Draft].md", "Trailing .md", "..md"]


def test_unlinkable_names_are_reported_and_never_written_as_broken_links(make_vault) -> None:
    files = {JANE: JANE_TEXT}
    for name in UNLINKABLE:
        files[f"people/{name}"] = "Met [[Jane Doe]] last week.\n"
    root = make_vault(files)
    _, items = check_json(root)
    reported = {d["path"] for d in items if d["code"] == "unlinkable-name"}
    assert reported == {f"people/{name}" for name in UNLINKABLE}
    assert not [d for d in items if d["path"] == JANE]
    assert run("fill", "--vault", str(root)).exit_code == 0
    jane = (root / "notes" / JANE).read_text(encoding="utf-8")
    assert "C\\#" in jane  # named, in plain text
    assert "[[C#" not in jane and "[[A|B" not in jane and "[[..md" not in jane
    # Every link the block holds resolves: check finds nothing broken after the fill.
    _, after = check_json(root)
    assert not [d for d in after if d["code"] == "broken-link"]


# --- missing headings and attachments (issue #15) -----------------------------------------------


def test_missing_headings_and_attachments_are_reported_once_at_the_users_line(make_vault) -> None:
    root = make_vault({
        JANE: JANE_TEXT,
        "Bob.md": "# Bob\n\nSee [[Jane Doe#Career story]] and [[Jane Doe#career-story]].\n"
                  "Also [[Jane Doe#No such heading]].\n\n![[photo.png]] ![[missing.png]]\n"
                  "[[Jane Doe#^para-id]] [[Jane Doe#Career story#No sub]]\n",
        "attachments/photo.png": b"\x89PNG\r\n\x1a\n",
        "Carol.md": "Talked to [[Bob]] about [[Jane Doe#No such heading]].\n",
    })
    code, items = check_json(root)
    assert code == 0  # warnings
    assert codes(items) == [
        ("Bob.md", 4, "missing-heading"),
        ("Bob.md", 6, "missing-attachment"),
        ("Bob.md", 7, "missing-heading"),  # no paragraph of Jane's ends in " ^para-id"
        ("Bob.md", 7, "missing-heading"),  # nor has she a heading "No sub"
        ("Carol.md", 1, "missing-heading"),
    ]
    assert "no heading 'No such heading'" in items[0]["message"]
    # After a fill, Jane's block quotes Bob's and Carol's lines; still reported once each.
    assert run("fill", "--vault", str(root)).exit_code == 0
    _, after = check_json(root)
    assert codes(after) == codes(items)


def test_no_attachment_is_looked_for_when_no_link_names_one(make_vault, monkeypatch) -> None:
    root = make_vault({JANE: JANE_TEXT, "Bob.md": "[[Jane Doe]]\n"})
    walks: list[str] = []
    real = vault_module.attachment_paths
    monkeypatch.setattr(vault_module, "attachment_paths",
                        lambda notes_dir: walks.append(str(notes_dir)) or real(notes_dir))
    assert check_json(root) == (0, [])
    assert walks == []


@pytest.mark.slow
def test_watch_starts_with_a_too_large_note_and_follows_it_when_it_shrinks(tmp_path) -> None:
    from .conftest import write_vault
    from .test_watch import Running, wait_for

    root = write_vault(tmp_path / "vault", {JANE: JANE_TEXT})
    dump = _huge(root, "Dump.md", 50 * 1024 * 1024)
    before = dump.read_bytes()
    run = Running(root)
    try:
        assert wait_for(lambda: any(line.startswith("error: Dump.md: the note is 52,428,800")
                                    for line in run.lines), 30), run.lines
        assert dump.read_bytes() == before
        # Made small again: read, indexed and its link counted like any other note.
        dump.write_text("Met [[Jane Doe]] again.\n", encoding="utf-8")
        assert wait_for(lambda: "[[Dump]]" in run.text(JANE), 30), run.lines
    finally:
        run.watcher.stop()
    assert run.watcher.error is None
