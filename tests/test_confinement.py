"""Confinement to the vault (DESIGN §6, §7, §9): a file whose real path leaves the notes folder is
never read, written or published; symlink loops and full disks end a build with one clear line;
a note whose front matter does not parse is never written.

Everything runs on real files and symlinks; the site tests run `vault-tools build` for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.fill import fill_vault
from vault_tools.vault import (
    OutsideVaultError,
    find_vault,
    inside_notes,
    iter_note_paths,
    load_index,
    read_file,
    read_note,
    scan_notes,
)
from vault_tools.watch import Timing, Watcher
from vault_tools.writer import OutsideVaultWriteError, create_note, write_note

from .conftest import site_texts, write_vault

SITE_CONFIG = """site_name: Test vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""

RC_FILE = "export PATH=$HOME/bin:$PATH\nalias ll='ls -l'\n"


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def run_process(*args: str, timeout: float = 180, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vault_tools", *args], capture_output=True,
                          text=True, timeout=timeout, **kwargs)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the vault: a home directory, /etc, another project."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


# --- notes: never read or written through a link leaving the vault ------------------------------


def test_fill_never_writes_a_shell_rc_file_a_note_links_to(make_vault, outside: Path) -> None:
    rc = outside / ".bashrc"
    rc.write_text(RC_FILE, encoding="utf-8")
    root = make_vault({"Jane Doe.md": "# Jane\n\nSee [[x]] for the setup.\n"})
    (root / "notes" / "x.md").symlink_to(rc)

    code, output = run_cli("fill", "--vault", str(root))

    assert rc.read_text(encoding="utf-8") == RC_FILE
    assert "x.md: left alone: the link leaves the vault" in output
    assert code == 0
    code, output = run_cli("check", "--vault", str(root), "--json")
    found = [d for d in json.loads(output) if d["code"] == "outside-vault"]
    assert [(d["path"], d["severity"]) for d in found] == [("x.md", "warning")]
    # Nothing of it is indexed: [[x]] points to no note, and says so.
    assert [d["path"] for d in json.loads(output) if d["code"] == "broken-link"] == ["Jane Doe.md"]


def test_a_folder_link_leaving_the_vault_is_never_entered(make_vault, outside: Path) -> None:
    (outside / "Other.md").write_text("# Other\n", encoding="utf-8")
    root = make_vault({"Jane Doe.md": "# Jane\n\nMet [[Other]].\n"})
    (root / "notes" / "projects").symlink_to(outside, target_is_directory=True)

    fill_vault(find_vault(root))

    assert (outside / "Other.md").read_text(encoding="utf-8") == "# Other\n"
    assert list(iter_note_paths(root / "notes")) == ["Jane Doe.md"]
    _, output = run_cli("check", "--vault", str(root))
    assert "projects\n      -  warning outside-vault    the link leaves the vault" in output


def test_symlinks_inside_the_vault_keep_working_and_stay_symlinks(make_vault) -> None:
    root = make_vault({
        "people/Jane Doe.md": "# Jane\n",
        "Meeting.md": "Met [[Jane]] and [[Sam Lee]].\n",
        "archive/Sam Lee.md": "# Sam\n",
    })
    notes = root / "notes"
    (notes / "Jane.md").symlink_to(Path("people") / "Jane Doe.md")
    (notes / "old").symlink_to("archive", target_is_directory=True)

    result = fill_vault(find_vault(root))

    assert not result.skipped and not result.failed
    assert (notes / "Jane.md").is_symlink()
    assert "[[Meeting]]: Met Jane and Sam Lee." in (notes / "people" / "Jane Doe.md").read_text()
    assert "[[Meeting]]" in (notes / "archive" / "Sam Lee.md").read_text()
    assert "Jane.md" in list(iter_note_paths(notes))


def test_the_writer_refuses_a_real_path_outside_the_notes_folder(tmp_path: Path,
                                                                 outside: Path) -> None:
    rc = outside / "passwd"
    rc.write_text(RC_FILE, encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "x.md").symlink_to(rc)
    (notes / "out").symlink_to(outside, target_is_directory=True)

    with pytest.raises(OutsideVaultWriteError, match=r"x\.md: the link leaves the vault"):
        write_note(notes / "x.md", lambda text: text + "appended\n", notes_dir=notes)
    with pytest.raises(OutsideVaultWriteError):
        create_note(notes / "out" / "New.md", "# New\n", notes_dir=notes)

    assert rc.read_text(encoding="utf-8") == RC_FILE
    assert sorted(p.name for p in outside.iterdir()) == ["passwd"]
    assert write_note(notes / "x.md", lambda text: text, notes_dir=None) is False  # no vault


def test_fill_refuses_a_link_turned_outside_after_the_vault_was_read(
        make_vault, outside: Path, monkeypatch) -> None:
    """The writer checks where a note's link leads when it writes, not only when the vault
    was read: a link turned to a file outside the vault between the two is refused."""
    rc = outside / ".bashrc"
    rc.write_text(RC_FILE, encoding="utf-8")
    root = make_vault({"people/Jane Doe.md": "# Jane\n", "Meeting.md": "Met [[Jane]].\n"})
    notes = root / "notes"
    (notes / "Jane.md").symlink_to(Path("people") / "Jane Doe.md")
    import vault_tools.fill as fill

    real_write = fill.write_note

    def turned_then_written(path, transform, **kwargs):
        if Path(path).name == "Jane.md":
            (notes / "Jane.md").unlink()
            (notes / "Jane.md").symlink_to(rc)
        return real_write(path, transform, **kwargs)

    monkeypatch.setattr(fill, "write_note", turned_then_written)
    result = fill_vault(find_vault(root))

    assert [(d.path, d.code) for d in result.failed] == [("Jane.md", "outside-vault")]
    assert rc.read_text(encoding="utf-8") == RC_FILE
    assert sorted(p.name for p in outside.iterdir()) == [".bashrc"]


def test_the_reader_never_opens_a_file_outside_the_vault(make_vault, outside: Path) -> None:
    # A FIFO would block whoever opens it for reading: proof the reader never opens the target.
    fifo = outside / "pipe"
    os.mkfifo(fifo)
    root = make_vault({"a.md": "[[pipe]]\n"})
    (root / "notes" / "pipe.md").symlink_to(fifo)
    vault = find_vault(root)

    assert isinstance(read_file(vault, "pipe.md"), OutsideVaultError)
    assert isinstance(read_file(vault, "pipe.md", walked=True), OutsideVaultError)
    (outside / "Other.md").write_text("# Other\n", encoding="utf-8")
    (root / "notes" / "projects").symlink_to(outside, target_is_directory=True)
    assert isinstance(read_file(vault, "projects/Other.md"), OutsideVaultError)
    note, text = read_note(vault, "pipe.md")
    assert text is None and [d.code for d in note.diagnostics] == ["outside-vault"]
    index = load_index(vault)
    assert "pipe.md" not in index.notes
    assert [(d.path, d.code) for d in index.diagnostics()] == [
        ("a.md", "broken-link"), ("pipe.md", "outside-vault"), ("projects", "outside-vault")]
    assert not inside_notes(vault.notes_dir, vault.notes_dir / "pipe.md")
    assert inside_notes(vault.notes_dir, vault.notes_dir / "a.md")


# Layouts of folders, files and symlinks: each link points at an entry of the vault, at a
# folder or file outside it, at the notes folder itself or at one of its folders (loops).
ENTRY_NAMES = st.sampled_from(["a", "b", "c", "d.md", "e.md", "f.txt"])
TARGETS = st.sampled_from(["in:a", "in:b", "in:a/c", "in:d.md", "in:a/e.md", "in:.",
                           "out:", "out:secret.md", "out:sub", "out:sub/deep.md", "nowhere"])


@st.composite
def layouts(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(relative path, kind, link target) for each entry; kind is 'dir', 'file' or 'link'."""
    entries: list[tuple[str, str, str]] = []
    taken: set[str] = set()
    for _ in range(draw(st.integers(1, 9))):
        parent = draw(st.sampled_from(["", "a/", "b/", "a/c/"]))
        rel = parent + draw(ENTRY_NAMES)
        if rel in taken or any(rel.startswith(t + "/") or t.startswith(rel + "/")
                               for t in taken):
            continue
        taken.add(rel)
        kind = draw(st.sampled_from(["file", "link", "link"]))
        if not rel.endswith((".md", ".txt")) and kind == "file":
            kind = "dir"
        entries.append((rel, kind, draw(TARGETS) if kind == "link" else ""))
    return entries


def build_layout(base: Path, layout: list[tuple[str, str, str]]) -> tuple[Path, Path]:
    notes, out = base / "notes", base / "out"
    (out / "sub").mkdir(parents=True)
    (out / "secret.md").write_text("outside [[d]]\n", encoding="utf-8")
    (out / "sub" / "deep.md").write_text("deep outside [[e]]\n", encoding="utf-8")
    notes.mkdir()
    for rel, kind, target in layout:
        path = notes / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "dir":
            path.mkdir(exist_ok=True)
        elif kind == "file":
            path.write_text(f"# {rel}\n[[d]] [[e]] [[secret]] [[deep]]\n", encoding="utf-8")
        else:
            where, _, name = target.partition(":")
            goal = notes / name if where == "in" else out / name if where == "out" else \
                base / "missing"
            path.symlink_to(goal)
    return notes, out


def outside_bytes(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=layouts())
def test_no_layout_of_symlinks_lets_a_walk_loop_or_a_fill_write_outside(
    tmp_path_factory, layout: list[tuple[str, str, str]],
) -> None:
    base = tmp_path_factory.mktemp("layout")
    notes, out = build_layout(base, layout)
    before = outside_bytes(out)
    (base / "mkdocs.yml").write_text("site_name: t\ndocs_dir: notes\n", encoding="utf-8")

    scan = scan_notes(notes)
    fill_vault(find_vault(base))

    assert outside_bytes(out) == before
    real_notes = os.path.realpath(notes)
    for rel in scan.notes:
        real = os.path.realpath(notes / rel)
        assert real.startswith(real_notes + os.sep), rel
        assert not any(rel.startswith(bad + "/") for bad in scan.outside + scan.loops)
    for rel in scan.outside:
        assert not inside_notes(notes, notes / rel)
    for rel in scan.loops:  # a folder of the vault, reached again through a link
        assert os.path.islink(notes / rel) and os.path.isdir(notes / rel)
        assert inside_notes(notes, notes / rel)


# --- front matter that does not parse: reported, never written -----------------------------------

BAD_YAML = "---\ntype: contact\nrole: [unclosed\n---\n\n# Bad Yaml\n\nWe met twice.\n"


def test_fill_leaves_a_note_with_broken_front_matter_byte_identical(make_vault) -> None:
    root = make_vault({
        "contacts/Bad Yaml.md": BAD_YAML,
        "Meeting.md": "Talked with [[Bad Yaml]] about data work.\n",
    })

    code, output = run_cli("fill", "--vault", str(root))

    note = root / "notes" / "contacts" / "Bad Yaml.md"
    assert note.read_bytes() == BAD_YAML.encode("utf-8")
    assert "contacts/Bad Yaml.md:4: left alone:" in output
    assert code == 0


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_watch_leaves_broken_front_matter_and_links_leaving_the_vault_alone(
    tmp_path: Path, outside: Path,
) -> None:
    rc = outside / ".profile"
    rc.write_text(RC_FILE, encoding="utf-8")
    root = write_vault(tmp_path / "vault", {
        "contacts/Bad Yaml.md": BAD_YAML,
        "Meeting.md": "Talked with [[Bad Yaml]].\n",
    })
    notes = root / "notes"
    lines: list[str] = []
    watcher = Watcher(find_vault(root), echo=lambda line, error: lines.append(line),
                      timing=Timing(quiet=0.1, empty_quiet=0.25, health_interval=1.0))
    watcher.start()
    try:
        assert watcher.wait_ready(60)
        assert any(line.startswith("contacts/Bad Yaml.md:4: left alone") for line in lines)
        # A new link to the note, and a new note whose link leaves the vault.
        (notes / "profile.md").symlink_to(rc)
        (notes / "Meeting.md").write_text(
            "Talked with [[Bad Yaml]].\nAgain with [[Bad Yaml]], see [[profile]].\n",
            encoding="utf-8")
        assert wait_for(lambda: "Again with [[Bad Yaml]]" in (notes / "Meeting.md").read_text()
                        or any("Meeting.md" in line for line in lines[1:]))
        assert wait_for(lambda: any(line.startswith("profile.md: left alone: the link leaves")
                                    for line in lines))
    finally:
        watcher.stop()
    assert watcher.error is None
    assert (notes / "contacts" / "Bad Yaml.md").read_bytes() == BAD_YAML.encode("utf-8")
    assert rc.read_text(encoding="utf-8") == RC_FILE


def test_watch_first_fill_reads_no_note_whose_link_leaves_the_vault(
    tmp_path: Path, outside: Path,
) -> None:
    """The first fill reads the walked notes as `fill` does: a note that is a link leaving the
    vault, there before the watch starts, is left out (never read, never written); one
    linking to a note inside is read as that note."""
    rc = outside / ".profile"
    rc.write_text(RC_FILE, encoding="utf-8")
    root = write_vault(tmp_path / "vault", {
        "Meeting.md": "Talked with [[profile]] and [[Alias]].\n",
        "contacts/Ada.md": "---\ntype: contact\n---\n# Ada\n\n- [ ] Call [[Meeting]]\n",
    })
    notes = root / "notes"
    (notes / "profile.md").symlink_to(rc)
    (notes / "Alias.md").symlink_to(notes / "contacts" / "Ada.md")
    lines: list[str] = []
    watcher = Watcher(find_vault(root), echo=lambda line, error: lines.append(line))
    watcher.start()
    try:
        assert watcher.wait_ready(60)
        assert "profile.md" not in watcher.index.notes
        assert watcher.index.notes["Alias.md"].title == "Ada"
    finally:
        watcher.stop()
    assert watcher.error is None
    assert not any("export" in line for line in lines)  # (nothing of the file said)
    assert rc.read_text(encoding="utf-8") == RC_FILE


# --- the site: nothing outside the vault is published --------------------------------------------

SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAnotreally\n"



@pytest.mark.slow
def test_the_site_publishes_nothing_reached_through_a_link_leaving_the_vault(
    make_vault, outside: Path,
) -> None:
    (outside / "id_ed25519").write_text(SSH_KEY, encoding="utf-8")
    (outside / "Plans.md").write_text("# Plans\n\nResign on Friday, tell nobody.\n")
    (outside / "project").mkdir()
    (outside / "project" / "Roadmap.md").write_text("# Roadmap\n\nMerger with Initech.\n")
    (outside / "project" / "budget.csv").write_text("salary,987654321\n")
    root = make_vault({
        "index.md": "# Home\n\nSee [[key]], [[Plans]] and ![[key.txt]].\n",
        "contacts/Jane Doe.md": "# Jane Doe\n\nShared notes.\n",
    })
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    notes = root / "notes"
    (notes / "key.md").symlink_to(outside / "id_ed25519")
    (notes / "key.txt").symlink_to(outside / "id_ed25519")
    (notes / "Plans.md").symlink_to(outside / "Plans.md")
    (notes / "work").symlink_to(outside / "project", target_is_directory=True)
    (notes / "Jane.md").symlink_to(Path("contacts") / "Jane Doe.md")  # inside: published

    run = run_process("build", "--vault", str(root))

    assert run.returncode == 0, run.stderr
    texts = site_texts(root / "site")
    assert "search/search_index.json" in texts
    for secret in ("OPENSSH", "notreally", "Resign on Friday", "Initech", "987654321"):
        assert not [name for name, text in texts.items() if secret in text], secret
    assert not (root / "site" / "key.txt").exists()
    assert "Shared notes" in texts["Jane/index.html"]
    for rel in ("key.md", "key.txt", "Plans.md", "work"):
        assert run.stderr.count(f"{rel}: the link leaves the vault") == 1, rel


@pytest.mark.slow
def test_build_on_a_folder_symlink_loop_ends_with_one_clear_line(make_vault) -> None:
    root = make_vault({"index.md": "# Home\n", "contacts/Jane Doe.md": "# Jane\n"})
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    (root / "notes" / "contacts" / "again").symlink_to("..", target_is_directory=True)

    run = run_process("build", "--vault", str(root), timeout=120)

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "Error: contacts/again: a folder symlink leading back to a folder it is in; MkDocs "
        "would walk it without end, so the site is not built: remove the link")
    # check and fill neither hang nor stop: the notes are read once and filled
    code, output = run_cli("check", "--vault", str(root))
    assert "error   symlink-loop" in output and code == 1
    assert fill_vault(find_vault(root)).notes == 2
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                            str(root / "mkdocs.yml")], capture_output=True, text=True,
                           timeout=120)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert "contacts/again: a folder symlink leading back" in plain.stderr


def _limit_file_size() -> None:
    """In the child: files may not grow past 64 KiB; a write beyond fails with EFBIG (the
    signal that would kill the process instead is ignored), as a full disk fails with ENOSPC."""
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_build_on_a_full_disk_ends_with_one_clear_line(make_vault) -> None:
    root = make_vault({"index.md": "# Home\n"})
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")

    run = run_process("build", "--vault", str(root), preexec_fn=_limit_file_size)

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: the site could not be built: ")
    assert last.endswith("File too large (EFBIG)")
    assert str(root / "site") in last


@pytest.mark.slow
def test_build_into_a_site_folder_that_cannot_be_made_ends_with_one_clear_line(
    make_vault,
) -> None:
    root = make_vault({"index.md": "# Home\n"})
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    (root / "site").write_text("a file where the site folder goes\n")

    run = run_process("build", "--vault", str(root))

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        f"Error: the site could not be built: {root / 'site'}: Not a directory (ENOTDIR)")
