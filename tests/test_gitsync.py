"""Syncing a vault with git: the merge driver, the hooks, install and uninstall.

Driver-level tests merge hand-written versions of a note; repository tests use real git clones in
tmp_path, where two machines each add a conversation with the same company and run `fill`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools.git.hooks import notes_pattern
from vault_tools.git.sync import lift_blocks, merge_note_texts, run_merge_file

from .conftest import MKDOCS, REPO

pytestmark = pytest.mark.slow  # real git repositories, merges and hooks

# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git that reads no user or system settings and needs no network."""
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Test\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n"
        "[protocol \"file\"]\n\tallow = always\n"
        "[advice]\n\tdetachedHead = false\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done


def vault_tools(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vault_tools", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def merge_file(ours: str, base: str, theirs: str) -> tuple[str, int]:
    merged, conflicts = run_merge_file(ours.encode(), base.encode(), theirs.encode())
    return merged.decode(), conflicts


def block(content: str, name: str = "related", newline: str = "\n") -> str:
    return (f"<!-- vault-tools:{name} -->{newline}{content}"
            f"<!-- /vault-tools:{name} -->{newline}")


def conflict_regions(text: str) -> list[str]:
    """The text of every conflict region, markers included."""
    regions, current = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<<"):
            current = [line]
        elif current is not None:
            current.append(line)
            if line.startswith(">>>>>>>"):
                regions.append("".join(current))
                current = None
    return regions


# --- the merge driver on hand-written versions ---------------------------------------------------

HEAD = "---\ntype: company\n---\n# Acme\n\nA company.\n\n"


def test_block_changed_on_both_sides_merges_cleanly_keeping_ours() -> None:
    base = HEAD + block("- [[Old]]\n")
    ours = HEAD + block("- [[Old]]\n- [[From laptop]]\n")
    theirs = HEAD + block("- [[Old]]\n- [[From desktop]]\n")
    assert merge_file(ours, base, theirs)[1] == 1  # the problem is real for plain git
    assert merge_note_texts(base, ours, theirs, merge_file) == (ours, 0)


def test_user_edits_on_both_sides_still_merge_and_blocks_keep_ours() -> None:
    base = "Intro.\n\n" + block("- [[Old]]\n") + "\nMiddle.\n\nEnd.\n"
    ours = "Intro, edited.\n\n" + block("- [[Ours]]\n") + "\nMiddle.\n\nEnd.\n"
    theirs = "Intro.\n\n" + block("- [[Theirs]]\n") + "\nMiddle.\n\nEnd, edited.\n"
    merged, conflicts = merge_note_texts(base, ours, theirs, merge_file)
    assert conflicts == 0
    assert merged == "Intro, edited.\n\n" + block("- [[Ours]]\n") + "\nMiddle.\n\nEnd, edited.\n"


def test_conflict_in_user_text_is_still_a_conflict_but_blocks_are_not() -> None:
    base = HEAD + block("- [[Old]]\n")
    ours = HEAD.replace("A company.", "A software company.") + block("- [[Laptop]]\n")
    theirs = HEAD.replace("A company.", "A hardware company.") + block("- [[Desktop]]\n")
    merged, conflicts = merge_note_texts(base, ours, theirs, merge_file)
    assert conflicts == 1
    regions = conflict_regions(merged)
    assert regions == ["<<<<<<< ours\nA software company.\n=======\n"
                       "A hardware company.\n>>>>>>> theirs\n"]
    assert merged.endswith("\n" + block("- [[Laptop]]\n"))


def test_block_appended_on_one_side_and_text_appended_on_the_other_merge_cleanly() -> None:
    base = "---\ntype: company\n---\nAcme.\n"
    ours = base + "\n" + block("- [[Jane]]\n")
    theirs = base + "More notes.\n"
    assert merge_file(ours, base, theirs)[1] == 1
    merged, conflicts = merge_note_texts(base, ours, theirs, merge_file)
    assert conflicts == 0
    assert merged == base + "More notes.\n\n" + block("- [[Jane]]\n")
    assert merge_note_texts(base, theirs, ours, merge_file) == (merged, 0)


def test_block_appended_on_both_sides_while_text_is_appended_on_one_merges_cleanly() -> None:
    base = "Acme.\n\n"
    ours = "Acme.\nLaptop line.\n\n" + block("- [[Jane]]\n")
    theirs = "Intro.\nAcme.\n\n" + block("- [[Bob]]\n")
    merged, conflicts = merge_note_texts(base, ours, theirs, merge_file)
    assert conflicts == 0
    assert merged == "Intro.\nAcme.\nLaptop line.\n\n" + block("- [[Jane]]\n")


def test_text_appended_after_the_block_on_one_side_keeps_the_block_in_place() -> None:
    base = "Acme.\n\n" + block("- [[Old]]\n")
    ours = "Acme.\n\n" + block("- [[Jane]]\n")
    theirs = "Acme.\n\n" + block("- [[Bob]]\n") + "Written after the block.\n"
    merged, conflicts = merge_note_texts(base, ours, theirs, merge_file)
    assert conflicts == 0
    assert merged == "Acme.\n\n" + block("- [[Jane]]\n") + "Written after the block.\n"


def test_crlf_note_stays_crlf() -> None:
    def crlf(text: str) -> str:
        return text.replace("\n", "\r\n")

    base = crlf("Intro.\n\n" + block("- a\n") + "\nEnd.\n")
    ours = crlf("Intro.\n\n" + block("- a\n- b\n") + "\nEnd.\n")
    theirs = crlf("Intro, edited.\n\n" + block("- a\n- c\n") + "\nEnd.\n")
    merged, conflicts = merge_note_texts(base, ours, theirs, merge_file)
    assert conflicts == 0
    assert merged == crlf("Intro, edited.\n\n" + block("- a\n- b\n") + "\nEnd.\n")


def test_markers_inside_a_code_fence_are_user_text() -> None:
    fence = "```\n<!-- vault-tools:related -->\n{}\n<!-- /vault-tools:related -->\n```\n"
    base, ours, theirs = (fence.format(x) for x in ("example", "ours", "theirs"))
    merged, conflicts = merge_note_texts(base, ours, theirs, merge_file)
    assert conflicts == 1
    assert "<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> theirs\n" in merged


def test_lifting_keeps_every_byte_outside_block_contents() -> None:
    text = "\ufeff---\ntitle: x\n---\nA\n" + block("gen\n") + "B\n\n" + block("f\n", "followups")
    lifted = lift_blocks(text)
    assert lifted is not None
    assert lifted.text == "\ufeff---\ntitle: x\n---\nA\n" + block("") + "B\n\n" + block(
        "", "followups")
    assert lifted.contents == {"related": "gen\n", "followups": "f\n"}
    tail = lift_blocks(text, lift_tail=True)
    assert tail is not None
    assert tail.text == "\ufeff---\ntitle: x\n---\nA\n" + block("") + "B\n"
    assert "".join(piece.text for piece in tail.tail) == "\n" + block("f\n", "followups")


def test_broken_markers_are_left_to_a_plain_merge() -> None:
    assert lift_blocks("<!-- vault-tools:related -->\nnever closed\n") is None
    base = "x\n<!-- vault-tools:related -->\n"
    assert merge_note_texts(base, base + "a\n", base + "b\n", merge_file) is None


LINES = st.lists(st.sampled_from(["Text.", "", "- [ ] task", "# Heading", "[[Link]]", "x"]),
                 max_size=6)


def lines(items: list[str]) -> str:
    return "".join(item + "\n" for item in items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=LINES, suffix=LINES, new_prefix=LINES, new_suffix=LINES,
       contents=st.lists(LINES, min_size=3, max_size=3), crlf=st.booleans())
def test_when_only_one_side_edits_user_text_the_merge_is_clean_and_keeps_every_edit(
    prefix: list[str], suffix: list[str], new_prefix: list[str], new_suffix: list[str],
    contents: list[list[str]], crlf: bool,
) -> None:
    def note(before: list[str], content: list[str], after: list[str]) -> str:
        text = lines(before) + "\n" + block(lines(content)) + "\n" + lines(after)
        return text.replace("\n", "\r\n") if crlf else text

    base = note(prefix, contents[0], suffix)
    ours = note(prefix, contents[1], suffix)
    theirs = note(new_prefix, contents[2], new_suffix)
    assert merge_note_texts(base, ours, theirs, merge_file) == (
        note(new_prefix, contents[1], new_suffix), 0)


def driver(tmp_path: Path, base: bytes, ours: bytes, theirs: bytes,
           name: str = "contacts/Jane Doe.md") -> tuple[int, bytes]:
    """Run the driver as git does: three files, result written over the second."""
    paths = []
    for label, data in (("O", base), ("A", ours), ("B", theirs)):
        path = tmp_path / f".merge_file_{label}"
        path.write_bytes(data)
        paths.append(str(path))
    done = vault_tools("git", "merge-driver", "--marker-size", "7", *paths, name)
    assert "Traceback" not in done.stderr
    return done.returncode, Path(paths[1]).read_bytes()


def test_driver_process_exits_0_and_writes_the_clean_merge_over_ours(tmp_path: Path) -> None:
    base = "\ufeffNotes.\n\n" + block("- old\n")
    ours = "\ufeffNotes.\n\n" + block("- ours\n")
    theirs = "\ufeffNotes, edited.\n\n" + block("- theirs\n")
    code, result = driver(tmp_path, base.encode(), ours.encode(), theirs.encode())
    assert code == 0
    assert result.decode("utf-8") == "\ufeffNotes, edited.\n\n" + block("- ours\n")


def test_driver_process_exits_1_on_a_user_conflict(tmp_path: Path) -> None:
    code, result = driver(tmp_path, b"a\n", b"b\n", b"c\n")
    assert code == 1
    assert result == b"<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n"


def test_driver_falls_back_to_a_plain_merge_for_a_version_that_is_not_utf8(
    tmp_path: Path,
) -> None:
    base = b"caf\xe9\n\n" + block("- old\n").encode()
    ours = b"caf\xe9\n\n" + block("- ours\n").encode()
    theirs = b"caf\xe9 edited\n\n" + block("- old\n").encode()
    code, result = driver(tmp_path, base, ours, theirs)
    assert code == 0
    assert result == b"caf\xe9 edited\n\n" + block("- ours\n").encode()
    code, result = driver(tmp_path, base, ours, base.replace(b"- old", b"- theirs"))
    assert code == 1  # plain merge: the block conflicts, as git would report it
    assert b"<<<<<<< ours" in result


# --- real repositories ----------------------------------------------------------------------------

ACME = "---\ntype: company\n---\n# Acme\n\nA company.\n"
DASHBOARD = "---\ntitle: Follow-ups\n---\n# Follow-ups\n"


def interview(day: str, person: str) -> str:
    return (f"---\ntype: interview\ndate: {day}\nwith: \"[[{person}]]\"\n"
            f"company: \"[[Acme]]\"\n---\nTalked with {person}.\n")


def seed_origin(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    """A bare repository holding a small vault (notes in a subfolder of the repository)."""
    seed = tmp_path / "seed"
    files = {"companies/Acme.md": ACME, "Follow-ups.md": DASHBOARD,
             "contacts/Jane Doe.md": "---\ntype: contact\n---\nJane.\n",
             "contacts/Bob Ray.md": "---\ntype: contact\n---\nBob.\n", **(extra or {})}
    (seed / "vault" / "notes").mkdir(parents=True)
    (seed / "vault" / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    for rel, text in files.items():
        path = seed / "vault" / "notes" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(seed, "init", "-q")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "seed")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    return origin


def clone(tmp_path: Path, origin: Path, name: str) -> Path:
    git(tmp_path, "clone", "-q", origin.as_uri(), name)
    return tmp_path / name


def add_conversation(machine: Path, person: str, day: str, edit: str | None = None) -> None:
    """What a user does on one machine: write a note, run fill, commit."""
    notes = machine / "vault" / "notes"
    (notes / "interviews").mkdir(exist_ok=True)
    (notes / "interviews" / f"{day} {person}.md").write_text(interview(day, person),
                                                             encoding="utf-8")
    if edit is not None:
        acme = notes / "companies" / "Acme.md"
        acme.write_text(acme.read_text(encoding="utf-8").replace("A company.", edit),
                        encoding="utf-8")
    fill = vault_tools("fill", "--vault", str(machine / "vault"))
    assert fill.returncode == 0, fill.stderr
    git(machine, "add", "-A")
    git(machine, "commit", "-q", "-m", f"conversation with {person}")


def install(machine: Path, *options: str) -> subprocess.CompletedProcess[str]:
    done = vault_tools("git", "install", "--vault", str(machine / "vault"), *options)
    assert done.returncode == 0, done.stderr
    return done


def diverge(tmp_path: Path, installed: bool, laptop_edit: str | None = None,
            desktop_edit: str | None = None) -> tuple[Path, Path]:
    """Two clones each add a conversation at Acme; the laptop pushes first."""
    origin = seed_origin(tmp_path)
    laptop, desktop = clone(tmp_path, origin, "laptop"), clone(tmp_path, origin, "desktop")
    if installed:
        install(laptop)
        install(desktop)
    add_conversation(laptop, "Jane Doe", "2026-01-10", laptop_edit)
    git(laptop, "push", "-q")
    add_conversation(desktop, "Bob Ray", "2026-01-12", desktop_edit)
    return laptop, desktop


def acme(machine: Path) -> str:
    return (machine / "vault" / "notes" / "companies" / "Acme.md").read_text(encoding="utf-8")


def assert_filled_with_both(machine: Path) -> None:
    text = acme(machine)
    assert "<<<<<<<" not in text
    assert "[[2026-01-10 Jane Doe]]" in text and "[[2026-01-12 Bob Ray]]" in text
    check = vault_tools("fill", "--check", "--vault", str(machine / "vault"))
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("how", ["--no-rebase", "--rebase"])
def test_without_the_driver_a_pull_conflicts_in_generated_blocks(
    tmp_path: Path, how: str
) -> None:
    _, desktop = diverge(tmp_path, installed=False)
    pull = git(desktop, "pull", how, check=False)
    assert pull.returncode != 0
    assert "CONFLICT (content): Merge conflict in vault/notes/companies/Acme.md" in pull.stdout
    assert "<<<<<<<" in acme(desktop)


def keep_ours(text: str) -> str:
    """Resolve every conflict region by keeping the first side, as the docs tell users to."""
    out, side = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<<"):
            side = "ours"
        elif line.startswith("=======") and side == "ours":
            side = "theirs"
        elif line.startswith(">>>>>>>") and side == "theirs":
            side = None
        elif side != "theirs":
            out.append(line)
    return "".join(out)


def test_without_the_driver_taking_either_side_and_running_fill_resolves(
    tmp_path: Path,
) -> None:
    _, desktop = diverge(tmp_path, installed=False)
    git(desktop, "pull", "--no-rebase", check=False)
    for rel in git(desktop, "diff", "--name-only", "--diff-filter=U").stdout.split():
        path = desktop / rel
        path.write_text(keep_ours(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert vault_tools("fill", "--vault", str(desktop / "vault")).returncode == 0
    assert_filled_with_both(desktop)


def test_with_the_driver_a_pull_merges_and_the_hook_fills_both_sources(tmp_path: Path) -> None:
    _, desktop = diverge(tmp_path, installed=True)
    pull = git(desktop, "pull", "--no-rebase", "--no-edit", check=False)
    assert pull.returncode == 0, pull.stdout + pull.stderr
    assert "CONFLICT" not in pull.stdout
    assert_filled_with_both(desktop)
    dashboard = (desktop / "vault" / "notes" / "Follow-ups.md").read_text(encoding="utf-8")
    assert "2026-01-10 Jane Doe" in dashboard and "2026-01-12 Bob Ray" in dashboard


@pytest.mark.parametrize("options", [[], ["--pre-commit"]])
def test_with_the_driver_a_pull_rebase_completes_and_the_hook_fills(
    tmp_path: Path, options: list[str]
) -> None:
    _, desktop = diverge(tmp_path, installed=True)
    install(desktop, *options)
    pull = git(desktop, "pull", "--rebase", check=False)
    assert pull.returncode == 0, pull.stdout + pull.stderr
    assert_filled_with_both(desktop)
    assert git(desktop, "log", "--format=%s", "-2").stdout.split("\n")[:2] == [
        "conversation with Bob Ray", "conversation with Jane Doe"]


@pytest.mark.parametrize("pull", [["--no-rebase", "--no-edit"], ["--rebase"]])
def test_a_conflict_in_user_text_is_still_reported_with_the_driver(
    tmp_path: Path, pull: list[str]
) -> None:
    _, desktop = diverge(tmp_path, installed=True, laptop_edit="A software company.",
                         desktop_edit="A hardware company.")
    done = git(desktop, "pull", *pull, check=False)
    assert done.returncode != 0
    assert "CONFLICT (content): Merge conflict in vault/notes/companies/Acme.md" in done.stdout
    text = acme(desktop)
    regions = conflict_regions(text)
    assert len(regions) == 1
    assert "software company" in regions[0] and "hardware company" in regions[0]
    assert "vault-tools:" not in regions[0]
    # Only the note with the user's conflict is left to resolve: the dashboard merged itself.
    unmerged = git(desktop, "diff", "--name-only", "--diff-filter=U").stdout.split()
    assert unmerged == ["vault/notes/companies/Acme.md"]


# --- install and uninstall ------------------------------------------------------------------------


def snapshot(repo: Path, hooks: str = ".git/hooks") -> dict[str, bytes | None]:
    """Every file install may touch, with its bytes (None: absent), plus hook modes."""
    out: dict[str, bytes | None] = {}
    for rel in (".gitattributes", ".git/config"):
        path = repo / rel
        out[rel] = path.read_bytes() if path.exists() else None
    folder = repo / hooks
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            out[f"{hooks}/{path.name}"] = path.read_bytes()
            out[f"{hooks}/{path.name} mode"] = oct(path.stat().st_mode).encode()
    return out


PREVIOUS_HOOK = "#!/bin/sh\necho \"previous $0 $*\" >> \"$(git rev-parse --git-dir)/ran.log\"\n"


@pytest.mark.parametrize(("notes", "pattern"), [
    (".", "*.md"), ("notes", "notes/**/*.md"), ("my vault/notes", '"my vault/notes/**/*.md"'),
])
def test_attributes_pattern_matches_every_note_and_only_notes(
    tmp_path: Path, notes: str, pattern: str
) -> None:
    assert notes_pattern(notes) == pattern
    git(tmp_path, "init", "-q", "repo")
    (tmp_path / "repo" / ".gitattributes").write_text(f"{pattern} merge=vault-tools\n")
    prefix = "" if notes == "." else notes + "/"
    inside = [f"{prefix}Jane Doe.md", f"{prefix}contacts/deep/Bob.md"]
    outside = [] if notes == "." else ["README.md", f"{prefix}photo.png"]
    done = git(tmp_path / "repo", "check-attr", "merge", "--", *inside, *outside)
    assert done.stdout == "".join(
        [f"{path}: merge: vault-tools\n" for path in inside]
        + [f"{path}: merge: unspecified\n" for path in outside])


def test_install_twice_changes_nothing(tmp_path: Path) -> None:
    desktop = clone(tmp_path, seed_origin(tmp_path), "desktop")
    first = install(desktop, "--pre-commit")
    assert "post-merge" in first.stdout
    before = snapshot(desktop)
    second = install(desktop, "--pre-commit")
    assert second.stdout == "Already installed: nothing changed.\n"
    assert snapshot(desktop) == before


def test_install_registers_the_driver_with_this_python(tmp_path: Path) -> None:
    desktop = clone(tmp_path, seed_origin(tmp_path), "desktop")
    install(desktop)
    driver_cmd = git(desktop, "config", "merge.vault-tools.driver").stdout.strip()
    assert driver_cmd.startswith(sys.executable) or driver_cmd.startswith(f"'{sys.executable}'")
    assert git(desktop, "check-attr", "merge", "--", "vault/notes/contacts/Jane Doe.md",
               "README.md").stdout == ("vault/notes/contacts/Jane Doe.md: merge: vault-tools\n"
                                       "README.md: merge: unspecified\n")
    hook = (desktop / ".git" / "hooks" / "post-merge").read_text(encoding="utf-8")
    assert sys.executable in hook and "--vault vault" in hook


def test_uninstall_restores_every_file_byte_for_byte(tmp_path: Path) -> None:
    desktop = clone(tmp_path, seed_origin(tmp_path), "desktop")
    (desktop / ".gitattributes").write_bytes(b"*.png binary\r\n*.pdf -diff")  # no final newline
    hooks = desktop / ".git" / "hooks"
    (hooks / "post-merge").write_text(PREVIOUS_HOOK, encoding="utf-8")
    (hooks / "post-merge").chmod(0o750)
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (hooks / "pre-commit").chmod(0o700)
    before = snapshot(desktop)
    install(desktop, "--pre-commit")
    assert snapshot(desktop) != before
    done = vault_tools("git", "uninstall", "--vault", str(desktop / "vault"))
    assert done.returncode == 0, done.stderr
    assert snapshot(desktop) == before
    again = vault_tools("git", "uninstall", "--vault", str(desktop / "vault"))
    assert again.stdout == "Nothing to remove.\n"


def test_uninstall_removes_a_gitattributes_file_install_created(tmp_path: Path) -> None:
    desktop = clone(tmp_path, seed_origin(tmp_path), "desktop")
    before = snapshot(desktop)
    install(desktop)
    assert (desktop / ".gitattributes").exists()
    vault_tools("git", "uninstall", "--vault", str(desktop / "vault"))
    assert snapshot(desktop) == before


def test_existing_hooks_are_chained_and_still_run(tmp_path: Path) -> None:
    origin = seed_origin(tmp_path)
    laptop, desktop = clone(tmp_path, origin, "laptop"), clone(tmp_path, origin, "desktop")
    hook = desktop / ".git" / "hooks" / "post-merge"
    hook.write_text(PREVIOUS_HOOK, encoding="utf-8")
    hook.chmod(0o755)
    install(laptop)
    install(desktop)
    install(desktop)  # a second install must not chain our own hook to itself
    assert (desktop / ".git" / "hooks" / "post-merge.pre-vault-tools").read_text(
        encoding="utf-8") == PREVIOUS_HOOK
    add_conversation(laptop, "Jane Doe", "2026-01-10")
    git(laptop, "push", "-q")
    add_conversation(desktop, "Bob Ray", "2026-01-12")
    assert git(desktop, "pull", "--no-rebase", "--no-edit", check=False).returncode == 0
    log = (desktop / ".git" / "ran.log").read_text(encoding="utf-8")
    assert log.startswith("previous ") and "post-merge.pre-vault-tools 0" in log
    assert_filled_with_both(desktop)


def test_a_chained_post_rewrite_hook_still_gets_its_arguments_and_input(tmp_path: Path) -> None:
    origin = seed_origin(tmp_path)
    laptop, desktop = clone(tmp_path, origin, "laptop"), clone(tmp_path, origin, "desktop")
    hook = desktop / ".git" / "hooks" / "post-rewrite"
    hook.write_text("#!/bin/sh\n{ echo \"args: $*\"; cat; } > \"$(git rev-parse --git-dir)/"
                    "rewritten.log\"\n", encoding="utf-8")
    hook.chmod(0o755)
    install(laptop)
    install(desktop)
    add_conversation(laptop, "Jane Doe", "2026-01-10")
    git(laptop, "push", "-q")
    add_conversation(desktop, "Bob Ray", "2026-01-12")
    old = git(desktop, "rev-parse", "HEAD").stdout.strip()
    assert git(desktop, "pull", "--rebase", check=False).returncode == 0
    new = git(desktop, "rev-parse", "HEAD").stdout.strip()
    log = (desktop / ".git" / "rewritten.log").read_text(encoding="utf-8")
    assert log == f"args: rebase\n{old} {new}\n"
    assert_filled_with_both(desktop)


def test_install_respects_core_hooks_path(tmp_path: Path) -> None:
    laptop, desktop = diverge(tmp_path, installed=False)
    git(desktop, "config", "core.hooksPath", ".githooks")
    install(laptop)
    install(desktop)
    assert (desktop / ".githooks" / "post-merge").exists()
    assert not (desktop / ".git" / "hooks" / "post-merge").exists()
    assert git(desktop, "pull", "--no-rebase", "--no-edit", check=False).returncode == 0
    assert_filled_with_both(desktop)


def test_install_warns_when_hooks_are_shared_outside_the_repository(tmp_path: Path) -> None:
    desktop = clone(tmp_path, seed_origin(tmp_path), "desktop")
    shared = tmp_path / "shared-hooks"
    git(desktop, "config", "core.hooksPath", str(shared))
    done = install(desktop)
    assert (shared / "post-merge").exists()
    assert f"Warning: core.hooksPath points outside this repository ({shared})" in done.stderr


def test_pre_commit_hook_refuses_stale_blocks_until_fill_runs(tmp_path: Path) -> None:
    desktop = clone(tmp_path, seed_origin(tmp_path), "desktop")
    install(desktop, "--pre-commit")
    notes = desktop / "vault" / "notes"
    (notes / "interviews").mkdir()
    (notes / "interviews" / "2026-01-12 Bob Ray.md").write_text(
        interview("2026-01-12", "Bob Ray"), encoding="utf-8")
    git(desktop, "add", "-A")
    refused = git(desktop, "commit", "-q", "-m", "stale", check=False)
    assert refused.returncode != 0
    assert "run 'vault-tools fill'" in refused.stderr
    assert vault_tools("fill", "--vault", str(desktop / "vault")).returncode == 0
    git(desktop, "add", "-A")
    assert git(desktop, "commit", "-q", "-m", "filled", check=False).returncode == 0


def test_install_outside_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    vault = tmp_path / "plain"
    (vault / "notes").mkdir(parents=True)
    (vault / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    done = vault_tools("git", "install", "--vault", str(vault),
                       cwd=tmp_path)
    assert done.returncode == 1
    assert "not inside a git repository" in done.stderr
    assert "Traceback" not in done.stderr


def test_driver_runs_without_the_virtualenv_on_path(tmp_path: Path) -> None:
    _, desktop = diverge(tmp_path, installed=True)
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    pull = subprocess.run(["git", "pull", "--no-rebase", "--no-edit"], cwd=desktop,
                          capture_output=True, text=True, env=env, check=False)
    assert pull.returncode == 0, pull.stdout + pull.stderr
    assert_filled_with_both(desktop)


def test_the_documented_pre_commit_framework_hooks_run_and_pass_on_a_filled_vault(
    make_vault,
) -> None:
    docs = (REPO / "docs" / "git-sync.md").read_text(encoding="utf-8")
    snippet = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    hooks = yaml.safe_load(snippet)["repos"][0]["hooks"]
    assert [hook["id"] for hook in hooks] == ["vault-tools-fill", "vault-tools-check"]
    vault = make_vault({"companies/Acme.md": ACME, "interviews/2026-01-10 Jane Doe.md":
                        interview("2026-01-10", "Jane Doe"), "contacts/Jane Doe.md": "Jane.\n"})
    assert vault_tools("fill", "--vault", str(vault)).returncode == 0
    for hook in hooks:
        program, *args = hook["entry"].split()
        assert program == "vault-tools" and hook["language"] == "system"
        done = vault_tools(*args, "--vault", str(vault))
        assert done.returncode == 0, done.stdout + done.stderr


def test_git_help_lists_install_and_uninstall_but_hides_the_driver() -> None:
    done = vault_tools("git", "--help")
    assert done.returncode == 0
    assert "install" in done.stdout and "uninstall" in done.stdout
    assert "merge-driver" not in done.stdout
