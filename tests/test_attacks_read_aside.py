"""Attacks on the vault read by two processes (`read_notes(aside_ok=True)`, `aside.Ahead`) and on
the fill whose writing process is forked before the read."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import vault_tools.fill as fill
import vault_tools.vault as vault_module
from vault_tools.reach import parse_digest
from vault_tools.vault import find_vault, load_index_seeing

from .test_generator import gv
from .test_read_aside import loaded, no_children_left, split_always, vault  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def copy_of(vault: Path, tmp_path: Path, name: str = "copy") -> Path:  # noqa: F811
    copy = tmp_path / name
    shutil.copytree(vault, copy, symlinks=True, ignore=lambda d, names: [
        n for n in names if n == "pipe.md"])
    return copy


def notes_bytes(root: Path) -> dict[str, bytes]:
    notes = root / "notes"
    return {p.relative_to(notes).as_posix(): p.read_bytes()
            for p in sorted(notes.rglob("*")) if p.is_file() and not p.is_symlink()}


# --- Ctrl-C at various moments --------------------------------------------------------------

def test_ctrl_c_in_the_caller_while_notes_arrive_leaves_no_second_process(
        vault: Path, split_always: None) -> None:  # noqa: F811
    """A KeyboardInterrupt raised by the consumer (`see`), not inside the reading generator."""
    count = 0

    def see(note, text):
        nonlocal count
        count += 1
        if count == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_index_seeing(find_vault(vault), see, aside_ok=True)
    assert no_children_left()


@pytest.mark.parametrize("where", ["read", "plan"])
def test_ctrl_c_during_a_fill_leaves_no_process_and_every_note_whole(
        tmp_path: Path, vault: Path, split_always: None,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    copy = copy_of(vault, tmp_path)
    before = notes_bytes(copy)
    parent = os.getpid()
    if where == "read":
        real = vault_module.note_from_data
        calls = 0

        def interrupted(*args, **kwargs):
            nonlocal calls
            if os.getpid() == parent:
                calls += 1
                if calls == 20:
                    raise KeyboardInterrupt
            return real(*args, **kwargs)

        monkeypatch.setattr(vault_module, "note_from_data", interrupted)
    else:
        def interrupted_plan(index):
            raise KeyboardInterrupt

        monkeypatch.setattr(fill.followup_rules, "open_followups", interrupted_plan)
    with pytest.raises(KeyboardInterrupt):
        fill.fill_vault(find_vault(copy), write_aside=True, read_aside=True)
    assert no_children_left()
    assert notes_bytes(copy) == before


# --- file descriptors ------------------------------------------------------------------------

def _pipes_open() -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if stat.S_ISFIFO(os.fstat(int(fd)).st_mode):
                found.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux only")
def test_the_reading_process_holds_no_pipe_of_the_writing_process(
        tmp_path: Path, vault: Path, split_always: None,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Holding a copy of the writing process's pipe, the reading process would keep the writer
    from ever seeing the end of its work (a fill waiting forever)."""
    copy = copy_of(vault, tmp_path)
    report = tmp_path / "pipes"
    parent = os.getpid()
    here = set(_pipes_open())
    real = vault_module._read_batches

    def recording(*args, **kwargs):
        if os.getpid() != parent:
            report.write_text("\n".join(p for p in _pipes_open() if p not in here))
        yield from real(*args, **kwargs)

    monkeypatch.setattr(vault_module, "_read_batches", recording)
    fill.fill_vault(find_vault(copy), write_aside=True, read_aside=True)
    assert no_children_left()
    pipes = report.read_text().split("\n")
    assert len(pipes) == 1, pipes  # its own end of its own pipe, nothing else


# --- what is read ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def odd_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Notes whose front matter holds what YAML's safe loader builds beyond plain data (sets,
    binary, ordered maps, aliases), names differing in case only, and notes linking them."""
    root = tmp_path_factory.mktemp("odd") / "vault"
    notes = root / "notes"
    notes.mkdir(parents=True)
    for i in range(40):
        (notes / f"n{i:02d}.md").write_text(
            "---\ntype: contact\n"
            f"things: !!set {{alpha{i}, beta, gamma, delta, eps{i}, zeta, eta, theta}}\n"
            "blob: !!binary aGVsbG8=\nom: !!omap [a: 1, b: 2]\nx: &A {k: [1, 2]}\ny: *A\n"
            f"---\n# N{i}\n\nSee [[Ann]], [[ann]], [[n{(i + 1) % 40:02d}]] and [[Nobody{i}]].\n",
            encoding="utf-8")
    (notes / "Ann.md").write_text("---\ntype: contact\n---\n# Ann\n", encoding="utf-8")
    (notes / "ann.md").write_text("---\ntype: company\n---\n# ann\n", encoding="utf-8")
    (notes / "sub").mkdir()
    (notes / "sub" / "Ann.md").write_text("# Ann again\n", encoding="utf-8")
    return root


def test_odd_front_matter_reads_the_same_with_two_processes(
        odd_vault: Path, split_always: None) -> None:  # noqa: F811
    one = loaded(odd_vault, aside_ok=False)
    two = loaded(odd_vault, aside_ok=True)
    assert two == one
    assert no_children_left()


def test_the_parse_digests_of_odd_front_matter_are_the_same_with_two_processes(
        odd_vault: Path, split_always: None) -> None:  # noqa: F811
    """`reach.parse_digest` (what a fill records of each note) of a note parsed by the second
    process is that of the note parsed by the first (else each later fill after an edit does
    the full work: safe, but slow)."""
    one = {n.path: parse_digest(n) for n in loaded(odd_vault, aside_ok=False)[0]}
    two = {n.path: parse_digest(n) for n in loaded(odd_vault, aside_ok=True)[0]}
    assert [p for p in one if one[p] != two[p]] == []


# --- the command, stopped by a real Ctrl-C -----------------------------------------------------

RUN = ("import sys, vault_tools.vault as v; v.SPLIT_AT = 3; from vault_tools.cli import main; "
       "sys.argv[0] = 'vault-tools'; main()")


def _group_alive(pgid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(pgid)],
                         capture_output=True, text=True, check=False).stdout
    return [line for line in out.splitlines() if line.strip() and " Z" not in f" {line.split()[1]}"]


@pytest.fixture(scope="module")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gv.generate_vault(tmp_path_factory.mktemp("big") / "vault", 600, seed=7)


@pytest.mark.parametrize("command", ["check", "fill"])
@pytest.mark.parametrize("delay", [0.2, 0.3, 0.45])
def test_a_real_ctrl_c_leaves_no_process_behind(
        tmp_path: Path, big_vault: Path, command: str, delay: float) -> None:
    copy = tmp_path / "v"
    shutil.copytree(big_vault, copy, symlinks=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", RUN, command, "--vault", str(copy)],
                            cwd="/tmp", env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 5
    while (left := _group_alive(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == []
    for path in (copy / "notes").rglob("*"):
        assert ".vault-tools-" not in path.name or not path.name.endswith(".tmp")
