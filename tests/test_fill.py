"""`vault-tools fill`: blocks written, nothing else touched, nothing written twice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.fill import fill_vault
from vault_tools.vault import MAX_NOTE_BYTES, find_vault

from .conftest import DEMO_VAULT, write_vault
from .test_splice_properties import outside_blocks

BASE = {
    "contacts/Jane Doe.md": "---\ntype: contact\n---\n# Jane\n",
    "notes/Meeting.md": "Met [[Jane Doe]] today.\n",
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_fill_writes_the_backlink_into_the_target(make_vault) -> None:
    vault = make_vault(BASE)
    result = run("fill", "--vault", str(vault))
    assert result.exit_code == 0
    assert result.output == "wrote contacts/Jane Doe.md (related)\n1 of 2 notes changed.\n"
    assert (vault / "notes/contacts/Jane Doe.md").read_text() == (
        "---\ntype: contact\n---\n# Jane\n\n<!-- vault-tools:related -->\n**Linked from**\n\n"
        "- [[Meeting]]: Met Jane Doe today.\n<!-- /vault-tools:related -->\n"
    )


def test_a_vault_of_many_follow_ups_gets_a_dashboard_every_command_still_reads(
    make_vault,
) -> None:
    """Every open follow-up listed would make the dashboard note larger than a note may be:
    every command would then refuse it as too large, and it would never be filled again (a
    generated 20,000-note vault did so). Its block holds the soonest, and says the rest."""
    files: dict[str, str | bytes] = {"Follow-ups.md": "# Follow-ups\n"}
    for n in range(260):
        files[f"projects/Project {n}.md"] = "Tasks.\n" + "".join(
            f"- [ ] Write to the person at desk {n}-{i} about the spring cohort and its "
            f"mentors 📅 2026-{1 + i % 12:02d}-{1 + n % 28:02d}\n" for i in range(100))
    vault = make_vault(files)
    fill = run("fill", "--vault", str(vault))
    assert fill.exit_code == 0, fill.output
    board = vault / "notes" / "Follow-ups.md"
    assert 1_000_000 < board.stat().st_size <= MAX_NOTE_BYTES
    assert "more follow-ups, later or undated" in board.read_text(encoding="utf-8")
    check = run("check", "--vault", str(vault))
    assert "too-large" not in check.output
    assert run("fill", "--vault", str(vault)).output.endswith("0 of 261 notes changed.\n")


def test_a_note_its_blocks_would_take_past_the_size_limit_is_left_as_it_is(make_vault) -> None:
    """fill never writes a note that every command would then refuse as too large: a note
    just under the limit, whose new backlink would take it over, keeps its bytes."""
    line = "A long line of pasted notes, kept as they came.\n"
    big = "# Big\n\n" + line * ((MAX_NOTE_BYTES - 60) // len(line))  # (room: < 110 bytes)
    vault = make_vault({"notes/Big.md": big, "notes/Small.md": "See [[Big]] for the details.\n"})
    before = (vault / "notes" / "notes" / "Big.md").read_bytes()
    assert len(before) <= MAX_NOTE_BYTES
    fill = run("fill", "--vault", str(vault))
    assert (vault / "notes" / "notes" / "Big.md").read_bytes() == before
    assert "notes/Big.md: left alone: its blocks would make the note " in fill.output
    assert "more than the 2,097,152 (2 MiB) a note may hold" in fill.output
    assert "too-large" not in run("check", "--vault", str(vault)).output


def test_second_fill_writes_nothing_and_touches_no_mtime(make_vault) -> None:
    vault = make_vault(BASE)
    run("fill", "--vault", str(vault))
    before = snapshot(vault)
    time.sleep(0.01)
    result = run("fill", "--vault", str(vault))
    assert result.output == "0 of 2 notes changed.\n"
    assert snapshot(vault) == before


def test_second_full_fill_plans_no_change(make_vault) -> None:
    vault = find_vault(make_vault(BASE))
    fill_vault(vault)
    again = fill_vault(vault, trust_manifest=False)
    assert (again.notes, again.changed, again.written) == (2, [], [])


def test_a_fill_with_nothing_changed_reads_no_note(make_vault, monkeypatch) -> None:
    vault = find_vault(make_vault(BASE))
    fill_vault(vault)

    def must_not_read(*_args, **_kwargs):
        raise AssertionError("the notes were read although none changed")

    monkeypatch.setattr("vault_tools.fill.load_index_seeing", must_not_read)
    result = fill_vault(vault)
    assert (result.notes, result.changed) == (2, [])


def test_a_changed_note_invalidates_the_manifest(make_vault) -> None:
    root = make_vault(BASE)
    vault = find_vault(root)
    fill_vault(vault)
    (root / "notes/notes/Other.md").write_text("Also [[Jane Doe]].\n", encoding="utf-8")
    result = fill_vault(vault)
    assert [c.path for c in result.changed] == ["contacts/Jane Doe.md"]
    assert "[[Other]]" in (root / "notes/contacts/Jane Doe.md").read_text()


def test_a_note_restored_with_its_old_mtime_is_not_trusted(make_vault) -> None:
    # A restore that puts back a note's old mtime (`cp -p`, `rsync -t`, `touch -d`, a backup
    # tool), rewriting it in place at the same size: size, mtime and inode all match the record,
    # but the inode's change time cannot be set back, so the note is read again.
    root = make_vault(BASE)
    vault = find_vault(root)
    fill_vault(vault)
    meeting = root / "notes/notes/Meeting.md"
    stat = meeting.stat()
    time.sleep(0.01)  # a change time the clock can tell from the record's
    with open(meeting, "r+b") as file:  # same inode, same size
        file.write(meeting.read_bytes().replace(b"today", b"daily"))
    os.utime(meeting, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (meeting.stat().st_size, meeting.stat().st_mtime_ns, meeting.stat().st_ino) == (
        stat.st_size, stat.st_mtime_ns, stat.st_ino)
    result = fill_vault(vault)
    assert [c.path for c in result.changed] == ["contacts/Jane Doe.md"]
    assert "- [[Meeting]]: Met Jane Doe daily." in (root / "notes/contacts/Jane Doe.md").read_text()


def test_a_manifest_from_other_code_or_settings_is_not_trusted(make_vault) -> None:
    from vault_tools import manifest

    vault = find_vault(make_vault(BASE))
    fill_vault(vault)
    stamps = manifest.note_stamps(vault)
    assert manifest.is_current(vault, "Follow-ups.md", stamps)
    assert not manifest.is_current(vault, "Dashboard.md", stamps)
    record = manifest.cache_dir(vault) / "fill.json"
    record.write_text(record.read_text().replace('"fingerprint": "', '"fingerprint": "x'))
    assert not manifest.is_current(vault, "Follow-ups.md", stamps)


def test_a_save_racing_the_fill_leaves_no_record(make_vault) -> None:
    from vault_tools import manifest
    from vault_tools.fill import _record_if_undisturbed

    root = make_vault(BASE)
    vault = find_vault(root)
    before = manifest.note_stamps(vault)
    # The user saves Meeting.md after the fill read it: its stamp moves.
    time.sleep(0.01)
    (root / "notes/notes/Meeting.md").write_text("Met [[Jane Doe]] and more.\n")
    _record_if_undisturbed(vault, "Follow-ups.md", before, {})
    assert not manifest.is_current(vault, "Follow-ups.md", manifest.note_stamps(vault))


def copy_of_the_package(dest: Path) -> Path:
    """A copy of the installed `vault_tools` in dest/vault_tools, as code to edit and run."""
    from vault_tools import manifest

    shutil.copytree(Path(manifest.__file__).parent, dest / "vault_tools",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest / "vault_tools"


def fill_with_code(code: Path, root: Path) -> str:
    """`vault-tools fill` run by the package at `code`, in a process of its own."""
    script = ("import sys, vault_tools.cli as cli\n"
              "assert cli.__file__.startswith(sys.argv[1]), cli.__file__\n"
              "cli.main(sys.argv[2:])\n")
    done = subprocess.run(
        [sys.executable, "-c", script, str(code), "fill", "--vault", str(root)],
        env={**os.environ, "PYTHONPATH": str(code.parent)}, cwd=root,
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_fill_after_a_code_change_does_not_trust_the_old_record(make_vault, tmp_path) -> None:
    from vault_tools import manifest

    code = copy_of_the_package(tmp_path / "code")
    root = make_vault(BASE)
    jane = root / "notes/contacts/Jane Doe.md"
    assert fill_with_code(code, root).startswith("wrote contacts/Jane Doe.md")
    # A block as other code might have written it, and a record still vouching for it: the
    # edit keeps the note's size, inode and mtime, and the record is given its new change
    # time (which no edit can keep).
    filled = jane.read_bytes()
    stat = jane.stat()
    with open(jane, "r+b") as file:
        file.write(filled.replace(b"today.", b"TODAY."))
    os.utime(jane, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    record_file = root / ".cache/vault-tools/fill.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    (pair,) = [pair for pair in record["notes"]
               if pair[0] == manifest.path_key("contacts/Jane Doe.md")]
    size, mtime, inode, ctime = pair[1].split()
    assert int(ctime) != jane.stat().st_ctime_ns
    pair[1] = f"{size} {mtime} {inode} {jane.stat().st_ctime_ns}"
    record_file.write_text(json.dumps(record), encoding="utf-8")
    assert fill_with_code(code, root) == "0 of 2 notes changed.\n"  # the same code trusts it
    # The YAML loader: a module the old hand-kept list of rendering modules missed.
    with open(code / "frontmatter_yaml.py", "a", encoding="utf-8") as module:
        module.write("\n# a change that could alter what a block says\n")
    assert fill_with_code(code, root) == (
        "wrote contacts/Jane Doe.md (related)\n1 of 2 notes changed.\n"
    )
    assert jane.read_bytes() == filled


def test_every_module_of_the_package_is_in_the_fingerprint(tmp_path) -> None:
    from vault_tools.manifest import code_digest

    code = copy_of_the_package(tmp_path)
    before = code_digest(code)
    modules = sorted(code.rglob("*.py"))
    assert code / "site/plugin.py" in modules
    for module in modules:
        original = module.read_bytes()
        module.write_bytes(original + b"\n")
        assert code_digest(code) != before, module
        module.write_bytes(original)
    (code / "site/new_module.py").write_text("X = 1\n", encoding="utf-8")
    assert code_digest(code) != before
    (code / "site/new_module.py").unlink()
    # Bytecode Python writes beside the modules is not code that changed.
    (code / "__pycache__").mkdir()
    (code / "__pycache__/fill.cpython-311.pyc").write_bytes(b"\0")
    assert code_digest(code) == before


def test_another_pyyaml_is_not_trusted(monkeypatch) -> None:
    import yaml

    from vault_tools.manifest import fingerprint

    before = fingerprint("Follow-ups.md")
    monkeypatch.setattr(yaml, "__version__", yaml.__version__ + ".post1")
    assert fingerprint("Follow-ups.md") != before


def test_a_bare_notes_folder_gets_no_cache_among_its_notes(tmp_path) -> None:
    notes = write_vault(tmp_path, BASE, config=False) / "notes"
    vault = find_vault(notes)
    fill_vault(vault)
    assert not (notes / ".cache").exists()


def test_check_exits_1_when_a_block_is_stale_and_writes_nothing(make_vault) -> None:
    vault = make_vault(BASE)
    before = snapshot(vault)
    result = run("fill", "--vault", str(vault), "--check")
    assert result.exit_code == 1
    assert result.output == (
        "would change contacts/Jane Doe.md (related)\n1 of 2 notes would change.\n"
    )
    assert snapshot(vault) == before
    run("fill", "--vault", str(vault))
    assert run("fill", "--vault", str(vault), "--check").exit_code == 0


def test_dry_run_prints_a_unified_diff_and_writes_nothing(make_vault) -> None:
    vault = make_vault(BASE)
    before = snapshot(vault)
    result = run("fill", "--vault", str(vault), "--dry-run")
    assert result.exit_code == 0
    assert "--- a/contacts/Jane Doe.md\n+++ b/contacts/Jane Doe.md\n" in result.output
    assert "+<!-- vault-tools:related -->\n" in result.output
    assert snapshot(vault) == before


def test_a_moved_block_stays_where_the_user_put_it(make_vault) -> None:
    note = ("# Jane\n<!-- vault-tools:related -->\nold\n<!-- /vault-tools:related -->\n"
            "My own text after it.\n")
    vault = make_vault({**BASE, "contacts/Jane Doe.md": note})
    run("fill", "--vault", str(vault))
    text = (vault / "notes/contacts/Jane Doe.md").read_text()
    assert text.startswith("# Jane\n<!-- vault-tools:related -->\n**Linked from**")
    assert text.endswith("<!-- /vault-tools:related -->\nMy own text after it.\n")


def test_crlf_and_bom_are_kept(make_vault) -> None:
    note = "\ufeff# Jane\r\nLine two\r\n".encode()
    vault = make_vault({**BASE, "contacts/Jane Doe.md": note})
    run("fill", "--vault", str(vault))
    data = (vault / "notes/contacts/Jane Doe.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# Jane\r\nLine two\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"<!-- vault-tools:related -->\r\n" in data


def test_bad_notes_are_reported_and_left_byte_identical(make_vault) -> None:
    bad = {
        "bad-block.md": "[[Jane Doe]]\n<!-- vault-tools:related -->\nunclosed\n",
        "conflict.md": "[[Jane Doe]]\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n",
        "latin1.md": b"caf\xe9 [[Jane Doe]]\n",
        "unclosed-fence.md": "[[Jane Doe]]\n```\ncode never closed\n",
    }
    # Each of them is linked from a good note, so each would get a block.
    linker = "".join(f"[[{name[:-3]}]]\n" for name in bad)
    vault = make_vault({**BASE, **bad, "linker.md": linker})
    before = {name: (vault / "notes" / name).read_bytes() for name in bad}
    result = CliRunner().invoke(main, ["fill", "--vault", str(vault)])
    for name in bad:
        assert (vault / "notes" / name).read_bytes() == before[name], name
    for name in ("bad-block.md", "conflict.md", "latin1.md", "unclosed-fence.md"):
        assert f"{name}" in result.output
    assert "<!-- vault-tools:related -->" in (vault / "notes/contacts/Jane Doe.md").read_text()


def test_the_demo_vault_is_committed_filled() -> None:
    result = run("fill", "--vault", str(DEMO_VAULT), "--check")
    assert result.exit_code == 0, result.output


# --- properties ---------------------------------------------------------------------------------

NAMES = ["Ann", "Bob", "Cy"]
bodies = st.lists(
    st.sampled_from([
        "text", "[[Ann]] said", "[[Bob]]", "- [ ] call [[Cy]] 📅 2026-12-01", "```", "---",
        "<!-- vault-tools:related -->", "<!-- /vault-tools:related -->", "", "    [[Cy]]",
    ]),
    max_size=8,
)
vaults = st.dictionaries(
    st.sampled_from(NAMES), st.tuples(bodies, st.sampled_from(["\n", "\r\n"]), st.booleans()),
    min_size=1,
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(vaults)
def test_fill_twice_equals_fill_once_and_keeps_every_user_byte(spec) -> None:
    files = {
        f"{name}.md": (newline.join(lines) + (newline if final else "")).encode()
        for name, (lines, newline, final) in spec.items()
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = write_vault(Path(tmp), files)
        vault = find_vault(root)
        fill_vault(vault)
        once = {n: (root / "notes" / n).read_bytes() for n in files}
        for name, original in files.items():
            text = original.decode()
            after = once[name].decode()
            assert outside_blocks(name, after).startswith(outside_blocks(name, text))
        second = fill_vault(vault, trust_manifest=False)
        assert second.changed == [] and second.written == []
        assert {n: (root / "notes" / n).read_bytes() for n in files} == once


# --- concurrency --------------------------------------------------------------------------------

APPENDER = textwrap.dedent("""
    import sys, time
    paths, seconds = sys.argv[1:-1], float(sys.argv[-1])
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        for p in paths:
            with open(p, "a", encoding="utf-8") as f:
                f.write(f"user line {n} [[Hub]]\\n")
            n += 1
        time.sleep(0.002)
    print(n)
""")


@pytest.mark.slow
def test_no_line_is_lost_while_a_user_appends_during_repeated_fills(make_vault) -> None:
    files = {f"n{i}.md": f"# Note {i}\n" for i in range(5)}
    files["Hub.md"] = "# Hub\n"
    vault_root = make_vault(files)
    vault = find_vault(vault_root)
    paths = [str(vault_root / "notes" / f"n{i}.md") for i in range(5)]
    proc = subprocess.Popen([sys.executable, "-c", APPENDER, *paths, "3"],
                            stdout=subprocess.PIPE, text=True)
    fills = writes = 0
    while proc.poll() is None:
        writes += len(fill_vault(vault).written)
        fills += 1
    appended = int(proc.stdout.read())
    fill_vault(vault)
    lines = set()
    for path in paths:
        lines.update(Path(path).read_text(encoding="utf-8").splitlines())
    missing = [n for n in range(appended) if f"user line {n} [[Hub]]" not in lines]
    assert fills > 3 and writes > 0
    assert missing == [], f"{len(missing)} of {appended} lines lost over {fills} fills"


# --- issue #14: notes held open, temp files left by killed writes --------------------------------


def test_fill_leaves_a_note_held_open_alone_and_loses_no_later_write(make_vault) -> None:
    from .test_writer import Holder

    root = make_vault(BASE)
    jane = root / "notes" / "contacts/Jane Doe.md"
    held = Holder(jane)  # a program appending through a descriptor it keeps open
    try:
        first = run("fill", "--vault", str(root))
        assert first.exit_code == 1
        assert ("contacts/Jane Doe.md: left alone: " in first.output
                and "held open by another program; not written" in first.output)
        assert jane.read_text() == "---\ntype: contact\n---\n# Jane\nwritten first\n"
        held.finish()  # its later line goes through the descriptor it held all along
    finally:
        held.kill()
    assert run("fill", "--vault", str(root)).exit_code == 0
    text = jane.read_text()
    assert text.startswith("---\ntype: contact\n---\n# Jane\nwritten first\nwritten later\n")
    assert "[[Meeting]]" in text


def test_fill_removes_a_killed_writes_temp_file_and_nothing_else(make_vault) -> None:
    from .test_writer import make_leftovers, temps

    root = make_vault({**BASE, "note.md": "# A note\n"})
    notes = root / "notes"
    stale, foreign = make_leftovers(notes)
    assert run("fill", "--vault", str(root)).exit_code == 0
    assert not stale.exists()
    assert all(item.exists() for item in foreign)
    assert [item for item in temps(notes) if item not in foreign] == []
    assert (notes / "note.md").read_text() == "# A note\n"


def test_fill_writes_a_hard_linked_note_in_place_so_its_other_name_shows_the_block(
    make_vault,
) -> None:
    root = make_vault(BASE)
    jane = root / "notes" / "contacts/Jane Doe.md"
    other = root / "Jane (a second name).md"  # e.g. a link kept outside the notes folder
    os.link(jane, other)
    assert run("fill", "--vault", str(root)).exit_code == 0
    assert "[[Meeting]]" in jane.read_text()
    assert other.read_bytes() == jane.read_bytes()
    assert jane.stat().st_ino == other.stat().st_ino
    assert list((root / "notes" / "contacts").glob(".*")) == []  # no .orig or .tmp left


# --- a later fill plans only what the edits since reach -------------------------------------------

# Edits of the demo vault between two fills: prose, a new link, a task, an insight, a status.
_EDITS = {
    "contacts/Grace Liu.md": lambda t: t + "\nMet her again at a meetup.\n",
    "interviews/2026-10-06 Priya Raman.md": lambda t: t.replace(
        "\n## ", "\n- [ ] send [[Jonah Feldman]] the deck 📅 2026-12-20\n\n## ", 1),
    "interviews/2026-08-03 Kwame Asante.md": lambda t: t + "\n## What I learned\n\n"
                                                          "- on-call is shared #culture\n",
    "interviews/2026-10-21 Jonah Feldman.md": lambda t: t.replace("status: cancelled",
                                                                  "status: done", 1),
}


def _demo_copy(root: Path) -> Path:
    """The demo vault (filled) in `root/notes`, with an mkdocs.yml: a vault of its own."""
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text("site_name: demo\ndocs_dir: notes\n", encoding="utf-8")
    return root


def _edit(root: Path, edits=_EDITS) -> None:
    for rel, change in edits.items():
        path = root / "notes" / rel
        text = path.read_text(encoding="utf-8")
        assert change(text) != text, rel
        path.write_text(change(text), encoding="utf-8")


def _notes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "notes").rglob("*.md"))}


def _planned(monkeypatch) -> list[str]:
    """The paths `fill` plans from now on, in order (a spy on the planning of one note)."""
    from vault_tools import fill as fill_module

    seen: list[str] = []
    plan = fill_module._plan_streamed

    def spy(vault, index, note, *args, **kwargs):
        seen.append(note.path)
        return plan(vault, index, note, *args, **kwargs)

    monkeypatch.setattr(fill_module, "_plan_streamed", spy)
    return seen


def test_a_fill_after_edits_plans_their_reach_and_writes_what_a_full_fill_writes(
    tmp_path, monkeypatch,
) -> None:
    ours, full = _demo_copy(tmp_path / "ours"), _demo_copy(tmp_path / "full")
    for root in (ours, full):
        assert fill_vault(find_vault(root)).written == []  # committed filled: recorded
        _edit(root)
    planned = _planned(monkeypatch)
    result = fill_vault(find_vault(ours))
    reached = list(planned)
    planned.clear()
    fill_vault(find_vault(full), trust_manifest=False)
    assert _notes(ours) == _notes(full)
    assert result.written  # the edits reached other notes' blocks (they were written)
    assert set(_EDITS) <= set(reached) < set(planned)
    assert len(reached) < len(planned)


def test_a_fill_after_a_note_turned_private_plans_every_note(tmp_path, monkeypatch) -> None:
    ours, full = _demo_copy(tmp_path / "ours"), _demo_copy(tmp_path / "full")
    private = {"contacts/Grace Liu.md": lambda t: t.replace("---\n", "---\nprivate: true\n", 1)}
    for root in (ours, full):
        fill_vault(find_vault(root))
        _edit(root, private)
    planned = _planned(monkeypatch)
    result = fill_vault(find_vault(ours))
    assert len(planned) == result.notes
    fill_vault(find_vault(full), trust_manifest=False)
    assert _notes(ours) == _notes(full)


def test_the_record_of_a_fill_names_no_note_by_its_path(tmp_path) -> None:
    """fill.json names each note by a digest of its path: no note's path or name, a private
    one's included, is in the cache folder."""
    from vault_tools import manifest

    root = _demo_copy(tmp_path / "v")
    hidden = root / "notes/contacts/Quillon Varga.md"
    hidden.write_text("---\ntype: contact\nprivate: true\n---\n\n# Quillon Varga\n",
                      encoding="utf-8")
    vault = find_vault(root)
    fill_vault(vault)
    stamps = manifest.note_stamps(vault)
    assert manifest.is_current(vault, "Follow-ups.md", stamps)
    data = (manifest.cache_dir(vault) / "fill.json").read_bytes()
    for rel in stamps:
        assert rel.encode() not in data and Path(rel).stem.encode() not in data, rel


@pytest.mark.parametrize("change", ["deleted", "renamed", "added"])
def test_a_fill_after_a_note_came_or_went_plans_every_note(tmp_path, monkeypatch,
                                                           change: str) -> None:
    """The record knows its notes only by digests of their paths: a note gone, renamed or new
    since is still a different set of notes, and every note is planned (as without it)."""
    ours, full = _demo_copy(tmp_path / "ours"), _demo_copy(tmp_path / "full")
    for root in (ours, full):
        fill_vault(find_vault(root))
        grace = root / "notes/contacts/Grace Liu.md"
        if change == "deleted":
            grace.unlink()
        elif change == "renamed":
            grace.rename(grace.with_name("Grace Liu-Chen.md"))
        else:
            (root / "notes/contacts/Nadia Brook.md").write_text("# Nadia Brook\n",
                                                                  encoding="utf-8")
    planned = _planned(monkeypatch)
    result = fill_vault(find_vault(ours))
    assert len(planned) == result.notes
    fill_vault(find_vault(full), trust_manifest=False)
    assert _notes(ours) == _notes(full)


@pytest.mark.parametrize("tamper", [
    lambda g: g.update(targets=[[10 ** 6]] * len(g["targets"])),  # a number of no note
    lambda g: g.update(targets=g["targets"][:-1]),  # a note short
    lambda g: g.update(targets=[["x"]] * len(g["targets"])),  # not a number
    lambda g: g.update(names=7),
    lambda g: g.update(replan="Follow-ups.md"),
    lambda g: g.update(parses=g["parses"][:-1]),  # a note short
    lambda g: g.update(parses=["not a digest"] * len(g["parses"])),
    lambda g: g.pop("parses"),
])
def test_a_record_of_links_not_as_fill_writes_it_is_never_trusted(
    tmp_path, monkeypatch, tamper,
) -> None:
    """A corrupt or foreign record of what the notes linked to: every note is planned."""
    from vault_tools import manifest

    root = _demo_copy(tmp_path / "v")
    vault = find_vault(root)
    fill_vault(vault)
    path = manifest.cache_dir(vault) / "fill.json"
    record = json.loads(path.read_text())
    assert manifest.earlier(vault, "Follow-ups.md", manifest.note_stamps(vault)) is not None
    tamper(record["graph"])
    path.write_text(json.dumps(record))
    assert manifest.earlier(vault, "Follow-ups.md", manifest.note_stamps(vault)) is None
    _edit(root)
    planned = _planned(monkeypatch)
    result = fill_vault(vault)
    assert len(planned) == result.notes


# --- an edit that leaves a note's parse as it was reaches only that note --------------------------

# Edits that change a note's bytes and nothing the index holds of it.
_SAME_PARSE = {
    "contacts/Grace Liu.md": lambda t: t + "\nMet her again at a meetup.\n",
    "careers/UX Research.md": lambda t: t + "\nStill thinking about it.\n",
}


def test_an_edit_that_parses_the_same_plans_only_that_note(tmp_path, monkeypatch) -> None:
    from vault_tools.reach import parse_digest
    from vault_tools.vault import read_note

    ours, full = _demo_copy(tmp_path / "ours"), _demo_copy(tmp_path / "full")
    for root in (ours, full):
        fill_vault(find_vault(root), loaded=[])  # as `build` runs it: every parse recorded
    before = {rel: parse_digest(read_note(find_vault(ours), rel)[0]) for rel in _SAME_PARSE}
    for root in (ours, full):
        _edit(root, _SAME_PARSE)
    assert before == {rel: parse_digest(read_note(find_vault(ours), rel)[0])
                      for rel in _SAME_PARSE}
    planned = _planned(monkeypatch)
    fill_vault(find_vault(ours))
    assert sorted(planned) == sorted(_SAME_PARSE)
    fill_vault(find_vault(full), trust_manifest=False)
    assert _notes(ours) == _notes(full)
    # A later edit of the same notes that does change their parse: their whole reach again.
    planned.clear()
    for root in (ours, full):
        _edit(root, {"contacts/Grace Liu.md": lambda t: t + "\nShe knows [[Priya Raman]].\n"})
    fill_vault(find_vault(ours))
    assert len(planned) > 1
    fill_vault(find_vault(full), trust_manifest=False)
    assert _notes(ours) == _notes(full)


# Edits between fills: some leave the parse as it was (prose outside links, a byte-identical
# rewrite, a generated block's content changed by hand), some do not (a link, a task, a status,
# a heading, privacy).
_KINDS = {
    "prose": lambda t, n: t + f"\nA word about {n}.\n",
    "touch": lambda t, n: t,
    "link": lambda t, n: t + f"\nTalked with [[{n}]].\n",
    "task": lambda t, n: t + f"\n- [ ] write to [[{n}]] 📅 2026-12-0{len(t) % 9 + 1}\n",
    "heading": lambda t, n: t + "\n## Advice\n\nKeep going.\n",
    "block": lambda t, n: t.replace("<!-- vault-tools:related -->\n",
                                    "<!-- vault-tools:related -->\nhand-made\n", 1),
    "private": lambda t, n: (t.replace("---\n", "---\nprivate: true\n", 1)
                             if "private: true" not in t else t.replace("private: true\n", "")),
}
_TARGETS = ["contacts/Grace Liu.md", "contacts/Priya Raman.md", "careers/UX Research.md",
            "companies/Lumen Health.md", "interviews/2026-08-03 Kwame Asante.md"]


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rounds=st.lists(st.lists(st.tuples(st.sampled_from(sorted(_KINDS)),
                                          st.sampled_from(_TARGETS),
                                          st.sampled_from(["Priya Raman", "Grace Liu",
                                                           "Lumen Health"])),
                                min_size=1, max_size=3), min_size=1, max_size=3))
def test_fills_across_runs_with_edits_between_write_what_a_full_fill_writes(
    tmp_path_factory, rounds,
) -> None:
    """Each fill, in a new run, after edits of any kind since the last one, leaves the notes
    as a fill that trusts no record leaves the same notes edited the same way."""
    base = tmp_path_factory.mktemp("fills")
    ours, full = _demo_copy(base / "ours"), _demo_copy(base / "full")
    for root in (ours, full):
        fill_vault(find_vault(root), loaded=[])
    for edits in rounds:
        for kind, rel, name in edits:
            for root in (ours, full):
                path = root / "notes" / rel
                path.write_text(_KINDS[kind](path.read_text(encoding="utf-8"), name),
                                encoding="utf-8")
        fill_vault(find_vault(ours))
        fill_vault(find_vault(full), trust_manifest=False)
        assert _notes(ours) == _notes(full), edits
