"""Attacks on a fill written by TWO forked processes (`aside.Asides`, `fill.WRITERS = 2`; commit
0469c0b): Ctrl-C sent to the whole process group at several moments of a real `fill` command,
one writer killed or failing while the other goes on, a note held open by another program, the
second fork failing or interrupted, a process with many files open, two names of one file (a
hard link, a symlink) dealt to different writers, large notes, and the order of the results.

After each: no process left, no temp file left among the notes, every note as it was or as a
complete fill writes it, the fill record never claiming a fill that did not finish, and the
result (written, failed, held, in the planned order) what a fill writing its notes itself
says."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vault_tools.fill as fill
from vault_tools import aside
from vault_tools.aside import AsideError
from vault_tools.fill import fill_vault
from vault_tools.vault import find_vault

from .conftest import many_files_open, write_vault

REPO = Path(__file__).resolve().parent.parent


def contacts(count: int, *, big: int = 0) -> dict[str, str]:
    """`count` contacts, each linked from a meeting note: every one gains a block. `big`: the
    meeting note also holds that many bytes of prose."""
    files = {f"contacts/P{n:03}.md": f"---\ntype: contact\n---\n# P{n:03}\n"
             for n in range(count)}
    files["Meeting.md"] = "".join(f"Met [[P{n:03}]].\n" for n in range(count)) + "x" * big
    return files


def tree(root: Path) -> dict[str, bytes]:
    """Every file under the notes folder, by path (a temp file left behind shows here)."""
    notes = root / "notes"
    return {p.relative_to(notes).as_posix(): p.read_bytes()
            for p in sorted(notes.rglob("*")) if p.is_file()}


def outcome(result, root: Path | None = None) -> tuple:
    """What a fill says; `root`: the vault's folder, named VAULT in the messages."""

    def said(message: str) -> str:
        return message if root is None else message.replace(str(root), "VAULT")

    return (result.notes, result.written, [(c.path, c.blocks) for c in result.changed],
            [(d.path, d.code, said(d.message)) for d in result.skipped],
            [(d.path, d.code, said(d.message)) for d in result.failed], result.held)


def no_child_left() -> None:
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.fixture
def reaped():
    """After the test, whatever it left is let go of and waited for (so that one failing test
    leaves no process for the next), within a minute."""
    assert aside.available(), [t.name for t in threading.enumerate()]
    yield
    for fd in list(aside._HELD):
        aside._HELD.discard(fd)
        os.close(fd)
    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)
    signal.alarm(60)
    try:
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class hang_fails:
    """`with hang_fails(60):` raises TimeoutError in the block if it takes longer."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        def hung(_signum: int, _frame: object) -> None:
            raise TimeoutError(f"still waiting after {self.seconds} s")

        self.previous = signal.signal(signal.SIGALRM, hung)
        signal.alarm(self.seconds)

    def __exit__(self, *exc: object) -> None:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.previous)


def filled_copy(root: Path, tmp: Path) -> dict[str, bytes]:
    """The notes as a complete fill (by this process, no writer) leaves a copy of `root`."""
    copy = tmp / "reference"
    shutil.copytree(root, copy)
    fill_vault(find_vault(copy), trust_manifest=False)
    return tree(copy)


def whole(root: Path, before: dict[str, bytes], filled: dict[str, bytes]) -> None:
    """No temp file left, every note as it was or as a complete fill writes it; and the next
    fill (trusting the record) finishes the job, after which the record says it is done."""
    after = tree(root)
    assert after.keys() == before.keys()
    assert [p for p in after if after[p] not in (before[p], filled[p])] == []
    fill_vault(find_vault(root))
    assert tree(root) == filled
    assert fill_vault(find_vault(root)).changed == []


# --- Ctrl-C to the process group, as a terminal sends it, at several moments ----------------------

DRIVER = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    import vault_tools.fill as fill
    from vault_tools import aside
    from vault_tools.cli import main

    # As a command run from a terminal has it, whatever this test run inherited (a shell's
    # background job, `make` in CI, runs with Ctrl-C ignored, and so would the fill).
    signal.signal(signal.SIGINT, signal.default_int_handler)

    log, root, slow_notes, plan_wait = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])

    def say(line):
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, (line + "\\n").encode())
        finally:
            os.close(fd)

    real_write = fill.write_note

    def write_note(path, transform, **kwargs):
        number = int(Path(path).stem[1:]) if Path(path).stem.startswith("P") else 0
        say(f"start {os.getpid()} {Path(path).name}")
        if slow_notes == "all" or number % 2:
            time.sleep(0.04)  # a slow disk
        try:
            return real_write(path, transform, **kwargs)
        finally:
            say(f"end {os.getpid()} {Path(path).name}")

    real_plan = fill._plan_streamed

    def plan(vault, index, note, *args, **kwargs):
        say(f"plan {os.getpid()} {note.path}")
        time.sleep(plan_wait)
        return real_plan(vault, index, note, *args, **kwargs)

    real_close, real_one = aside.Asides.close, aside.Aside.close

    def close(self):
        say(f"closing {os.getpid()}")
        return real_close(self)

    def close_one(self):
        returned = real_one(self)
        say(f"replied {os.getpid()}")
        return returned

    fill.write_note, fill._plan_streamed = write_note, plan
    aside.Asides.close, aside.Aside.close = close, close_one
    say(f"main {os.getpid()}")
    main(["fill", "--vault", root])
""")


def _lines(log: Path) -> list[list[str]]:
    return [line.split() for line in log.read_text().splitlines()] if log.exists() else []


def _running(pid: int) -> bool:
    """Whether `pid` is a process still running (a zombie is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


MOMENTS = {
    # (when to press Ctrl-C, which notes are slow to write, pause per note planned, bytes of
    # prose in each contact)
    "while planning": (lambda lines: sum(w[0] == "plan" for w in lines) >= 40, "all", 0.01, 0),
    "right after the last put": (
        lambda lines: any(w[0] == "closing" for w in lines), "all", 0, 0),
    "one writer replied, the other writing": (
        lambda lines: any(w[0] == "replied" for w in lines), "odd", 0, 0),
    # (70 notes of 100 KB dealt to two writers, each pipe 1 MB: the planning process waits in
    # `put` for room by the 30th or so)
    "while put waits for room in a full pipe": (
        lambda lines: sum(w[0] == "plan" for w in lines) >= 50, "all", 0, 100_000),
}


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_ctrl_c_to_the_process_group_leaves_every_note_whole_and_no_process(
        tmp_path, moment) -> None:
    pressed_when, slow, plan_wait, prose = MOMENTS[moment]
    root = write_vault(tmp_path / "vault", {
        path: text + "z" * prose if path.startswith("contacts/") else text
        for path, text in contacts(70).items()})
    before = tree(root)
    filled = filled_copy(root, tmp_path)
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    log, said = tmp_path / "log", tmp_path / "output"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(said, "wb") as out:
        fill_ = subprocess.Popen(
            [sys.executable, str(tmp_path / "driver.py"), str(log), str(root), slow,
             str(plan_wait)],
            start_new_session=True, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while not pressed_when(_lines(log)) and fill_.poll() is None:
            assert time.monotonic() < deadline, "the moment never came"
            time.sleep(0.005)
        os.killpg(fill_.pid, signal.SIGINT)  # every process of the group, as a terminal does
        # (its output in a file, not a pipe: waiting for a pipe's end would wait for any
        # writer left running too, which holds it)
        fill_.wait(timeout=90)
        output = said.read_text(encoding="utf-8", errors="replace")
    finally:
        if fill_.poll() is None:
            os.killpg(fill_.pid, signal.SIGKILL)
            fill_.wait()
    lines = _lines(log)
    writers = {int(w[1]) for w in lines if w[0] in ("start", "end")} - {int(lines[0][1])}
    assert writers, output
    # Stopped before the end (the moment was well before it), and said so.
    assert fill_.returncode != 0, output
    assert [pid for pid in writers if _running(pid)] == []  # each writer waited for
    started = [w[2] for w in lines if w[0] == "start"]
    ended = [w[2] for w in lines if w[0] == "end"]
    assert sorted(started) == sorted(ended)  # each write started was finished
    whole(root, before, filled)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_fill_process_killed_leaves_no_writer_writing_on(tmp_path) -> None:
    """`kill PID` (or `timeout`, or kill -9) of the fill command while its writers have
    notes queued: they finish the write each has under way and start no other, rather than
    writing the rest of their queue (a megabyte of pipe each) after the command is gone."""
    root = write_vault(tmp_path / "vault", contacts(70))
    before = tree(root)
    filled = filled_copy(root, tmp_path)
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    log = tmp_path / "log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    fill_ = subprocess.Popen(
        [sys.executable, str(tmp_path / "driver.py"), str(log), str(root), "all", "0"],
        start_new_session=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not any(w[0] == "closing" for w in _lines(log)) and fill_.poll() is None:
            assert time.monotonic() < deadline, "the fill never put its last change"
            time.sleep(0.005)
        os.kill(fill_.pid, signal.SIGTERM)  # the fill process only, not its group
        fill_.wait(timeout=90)  # (not for its output: the writers hold that pipe too)
    finally:
        if fill_.poll() is None:
            os.killpg(fill_.pid, signal.SIGKILL)
            fill_.wait()
    at_death = [w for w in _lines(log) if w[0] == "start"]
    lines = _lines(log)
    writers = {int(w[1]) for w in lines if w[0] in ("start", "end")} - {int(lines[0][1])}
    deadline = time.monotonic() + 60
    while [pid for pid in writers if _running(pid)]:
        assert time.monotonic() < deadline, "the writers never ended"
        time.sleep(0.01)
    after = [w for w in _lines(log) if w[0] == "start"]
    # (one each may have been between two writes when it went)
    assert len(after) - len(at_death) <= len(writers), (len(at_death), len(after))
    whole(root, before, filled)


# --- one writer killed, or failing, while the other goes on ---------------------------------------


def _dying_at(monkeypatch, name: str, how: signal.Signals) -> None:
    """The writer that is to write `name` is sent `how` by "another program" just then."""
    real = fill.write_note

    def write_note(path, transform, **kwargs):
        if Path(path).name == name:
            os.kill(os.getpid(), how)
            time.sleep(0.05)
        return real(path, transform, **kwargs)

    monkeypatch.setattr(fill, "write_note", write_note)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_one_writer_killed_from_outside_stops_the_fill_and_the_next_fill_finishes(
        reaped, make_vault, tmp_path, monkeypatch, how) -> None:
    root = make_vault(contacts(60))
    before = tree(root)
    filled = filled_copy(root, tmp_path)
    _dying_at(monkeypatch, "P030.md", how)
    with hang_fails(60), pytest.raises(AsideError):
        fill_vault(find_vault(root), write_aside=True)
    no_child_left()
    monkeypatch.undo()
    whole(root, before, filled)  # (not recorded as complete: the next fill does the rest)


def test_a_full_disk_in_one_writer_is_said_as_a_fill_writing_itself_says_it(
        reaped, tmp_path, monkeypatch) -> None:
    real = fill.write_note

    def write_note(path, transform, **kwargs):
        if Path(path).name in ("P020.md", "P031.md"):  # (one note for each writer)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, transform, **kwargs)

    monkeypatch.setattr(fill, "write_note", write_note)
    results, trees = [], []
    for side, write_aside in (("itself", False), ("aside", True)):
        root = write_vault(tmp_path / side, contacts(50))
        results.append(outcome(fill_vault(find_vault(root), write_aside=write_aside)))
        trees.append(tree(root))
    no_child_left()
    assert results[1] == results[0]
    assert trees[1] == trees[0]
    assert [d[0] for d in results[1][4]] == ["contacts/P020.md", "contacts/P031.md"]
    # Not recorded as complete: the next fill (the disk freed) writes both.
    monkeypatch.undo()
    assert fill_vault(find_vault(tmp_path / "aside")).written == [
        "contacts/P020.md", "contacts/P031.md"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leases")
def test_a_note_held_open_in_one_writer_while_the_other_goes_on(reaped, tmp_path) -> None:
    results, trees = [], []
    for side, write_aside in (("itself", False), ("aside", True)):
        root = write_vault(tmp_path / side, contacts(40))
        # Another program (this one) has P025 open for writing the whole time.
        held = os.open(root / "notes" / "contacts" / "P025.md", os.O_WRONLY | os.O_APPEND)
        try:
            started = time.monotonic()
            results.append(outcome(fill_vault(find_vault(root), write_aside=write_aside), root))
            took = time.monotonic() - started
        finally:
            os.close(held)
        trees.append(tree(root))
        assert took < 30
    no_child_left()
    assert results[1] == results[0]
    assert trees[1] == trees[0]
    assert results[1][5] == ["contacts/P025.md"]
    assert len(results[1][1]) == 39  # every other contact written


# --- the forks ------------------------------------------------------------------------------------


def _fork_failing(monkeypatch, which: int, error: BaseException | None = None) -> None:
    """The `which`-th fork fails (`error`), or is interrupted by Ctrl-C landing just then."""
    real = os.fork
    calls = []

    def fork() -> int:
        calls.append(1)
        if len(calls) == which:
            if error is not None:
                raise error
            os.kill(os.getpid(), signal.SIGINT)  # (held until the fork is done)
        return real()

    monkeypatch.setattr(os, "fork", fork)


def test_ctrl_c_during_the_second_writers_fork_leaves_no_process(
        reaped, make_vault, monkeypatch) -> None:
    root = make_vault(contacts(30))
    before = tree(root)
    _fork_failing(monkeypatch, 2)
    # (Ctrl-C as in a terminal, whatever this test run inherited: see DRIVER)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with hang_fails(60), pytest.raises(KeyboardInterrupt):
            fill_vault(find_vault(root), write_aside=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    no_child_left()  # the first writer, forked already, stopped and waited for too
    assert tree(root) == before


@pytest.mark.parametrize("which", [1, 2])
def test_a_fork_that_fails_leaves_fewer_writers_and_the_same_fill(
        reaped, tmp_path, monkeypatch, which) -> None:
    log = tmp_path / "writes.log"
    real = fill.write_note

    def write_note(path, transform, **kwargs):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return real(path, transform, **kwargs)

    monkeypatch.setattr(fill, "write_note", write_note)
    itself = fill_vault(find_vault(write_vault(tmp_path / "itself", contacts(40))))
    log.unlink()
    _fork_failing(monkeypatch, which, OSError(errno.EAGAIN, "Resource temporarily unavailable"))
    root = write_vault(tmp_path / "aside", contacts(40))
    result = fill_vault(find_vault(root), write_aside=True)
    no_child_left()
    assert outcome(result) == outcome(itself)
    assert tree(root) == tree(tmp_path / "itself")
    writers = set(log.read_text().split()) - {str(os.getpid())}
    assert len(writers) == (0 if which == 1 else 1)
    assert fill_vault(find_vault(root)).changed == []  # recorded as complete


def test_two_writers_in_a_process_with_many_files_open(reaped, tmp_path) -> None:
    """A program using `fill_vault` with over a thousand files open (sockets, watches): the
    writers' pipes then have numbers `select` cannot take."""
    with many_files_open():
        root = write_vault(tmp_path / "aside", contacts(40))
        result = fill_vault(find_vault(root), write_aside=True)
    no_child_left()
    itself = fill_vault(find_vault(write_vault(tmp_path / "itself", contacts(40))))
    assert outcome(result) == outcome(itself)
    assert tree(root) == tree(tmp_path / "itself")


def test_no_writer_holds_the_others_pipe(reaped) -> None:
    """One writer killed: its pipe ends at once (the other holds no copy of it), and `close`
    says so rather than waiting forever."""
    jobs: aside.Asides[int, int] = aside.Asides(lambda n: n, 2)
    jobs.start()
    jobs.put(0)
    jobs.put(1)
    second = jobs._asides[1]._pid
    assert second is not None
    os.kill(second, signal.SIGKILL)
    with hang_fails(30), pytest.raises(AsideError):
        jobs.close()
    no_child_left()


# --- two names of one file ------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "link"), reason="no links")
@pytest.mark.parametrize("kind", ["hard link", "symlink"])
def test_two_names_of_one_file_are_written_as_a_fill_writing_itself_writes_them(
        reaped, tmp_path, monkeypatch, kind) -> None:
    """P001 is another name of P000's file (and so on in pairs): a fill writes both names,
    P000's blocks then P001's (the order planned), so the file ends with P001's. Dealt to two
    writers, the second name's write must still come after the first's, whichever writer is
    slower (here the one with P000: a slow disk)."""
    monkeypatch.setattr(fill, "ASIDE_AFTER", 0)
    real = fill.write_note

    def write_note(path, transform, **kwargs):
        if int(Path(path).stem[1:] or 0) % 2 == 0:
            time.sleep(0.1)  # a slow disk for the first name of each pair
        return real(path, transform, **kwargs)

    trees, results = [], []
    for side, write_aside in (("itself", False), ("aside", True)):
        root = write_vault(tmp_path / side, {
            p: t for p, t in contacts(6).items() if p != "Meeting.md"})
        (root / "notes" / "Meeting.md").write_text(
            "".join(f"Met [[P{n:03}]] on day {n}.\n" for n in range(6)), encoding="utf-8")
        contacts_dir = root / "notes" / "contacts"
        for n in range(0, 6, 2):
            alias = contacts_dir / f"P{n + 1:03}.md"
            alias.unlink()
            if kind == "hard link":
                os.link(contacts_dir / f"P{n:03}.md", alias)
            else:
                alias.symlink_to(f"P{n:03}.md")
        with monkeypatch.context() as patch:
            patch.setattr(fill, "write_note", write_note)
            results.append(outcome(fill_vault(find_vault(root), write_aside=write_aside)))
        trees.append(tree(root))
    no_child_left()
    assert results[1] == results[0]
    assert "on day 1" in trees[0]["contacts/P000.md"].decode()  # (the second name's blocks)
    assert trees[1] == trees[0]


# --- large notes, result order --------------------------------------------------------------------


def test_notes_of_megabytes_dealt_to_one_writer_go_through(reaped, tmp_path, monkeypatch) -> None:
    """Changes larger than the pipes (a meeting note of 1.5 MB, dealt to one writer while the
    other has small ones): no wait on a full pipe the other way."""
    monkeypatch.setattr(fill, "ASIDE_AFTER", 0)
    files = contacts(20, big=1_500_000)
    files["Another.md"] = "".join(f"Saw [[P{n:03}]].\n" for n in range(20)) + "y" * 1_500_000
    itself_root = write_vault(tmp_path / "itself", files)
    itself = fill_vault(find_vault(itself_root))
    root = write_vault(tmp_path / "aside", files)
    with hang_fails(90):
        result = fill_vault(find_vault(root), write_aside=True)
    no_child_left()
    assert outcome(result) == outcome(itself)
    assert tree(root) == tree(itself_root)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=40), st.sets(st.integers(0, 39), max_size=6),
       st.sampled_from([0, 3, 16]))
def test_results_come_in_the_planned_order_whichever_writer_wrote(
        reaped, monkeypatch, count, failing, after) -> None:
    real = fill.write_note
    names = {f"P{n:03}.md" for n in failing}

    def write_note(path, transform, **kwargs):
        if Path(path).name in names:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, transform, **kwargs)

    with tempfile.TemporaryDirectory() as tmp, monkeypatch.context() as patch:
        patch.setattr(fill, "write_note", write_note)
        patch.setattr(fill, "ASIDE_AFTER", after)
        results = []
        for side, write_aside in (("itself", False), ("aside", True)):
            root = write_vault(Path(tmp) / side, contacts(count))
            results.append(outcome(fill_vault(find_vault(root), write_aside=write_aside)))
        assert results[1] == results[0]
        assert tree(Path(tmp) / "aside") == tree(Path(tmp) / "itself")
    no_child_left()


def test_the_fill_command_says_what_it_wrote_in_the_planned_order(
        reaped, tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from vault_tools.cli import main

    said = []
    for side, write_aside in (("itself", False), ("aside", True)):
        root = write_vault(tmp_path / side, contacts(40))
        real = fill.fill_vault

        def fill_vault_(vault, *, write_aside_=write_aside, real=real, **kwargs):
            kwargs["write_aside"] = kwargs["write_aside"] and write_aside_
            return real(vault, **kwargs)

        with monkeypatch.context() as patch:
            patch.setattr(fill, "fill_vault", fill_vault_)
            result = CliRunner().invoke(main, ["fill", "--vault", str(root)])
        assert result.exit_code == 0, result.output
        said.append(result.output.replace(str(root), "VAULT"))
    no_child_left()
    assert said[1] == said[0]
    assert said[1].count("wrote contacts/") == 40
