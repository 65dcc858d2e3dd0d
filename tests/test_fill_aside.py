"""A fill that hands its writes to a second process (`fill_vault(write_aside=True)`, the `fill`
command; `vault_tools.aside`) writes what a fill writing them itself writes, keeps a save that
races a write, and leaves every note whole when it is stopped or the second process fails."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vault_tools.fill as fill
from vault_tools import aside
from vault_tools.aside import Aside, AsideError
from vault_tools.fill import fill_vault
from vault_tools.splice import BlockError, splice_blocks
from vault_tools.vault import find_vault, load_index_and_texts

from .conftest import write_vault
from .test_fill_streamed import edit, edits, save_edits, saves, saving_while_written, vaults


def files_of(spec) -> dict[str, bytes]:
    return {f"{name}.md": (newline.join(body) + (newline if final else "")).encode()
            for name, (body, newline, final) in spec.items()}


def tree(root: Path) -> dict[str, bytes]:
    """Every file under the notes folder, by path: a temp file left behind shows here."""
    notes = root / "notes"
    return {p.relative_to(notes).as_posix(): p.read_bytes()
            for p in sorted(notes.rglob("*")) if p.is_file()}


def outcome(result) -> tuple:
    return (result.notes, result.written, [(c.path, c.blocks) for c in result.changed],
            [(d.path, d.code, d.message) for d in result.skipped],
            [(d.path, d.code) for d in result.failed], result.held)


@pytest.fixture
def every_write_aside(monkeypatch):
    """Every change goes to the second process (not only those after the first 16), and the
    test fails if none could be forked (another test left a thread running)."""
    monkeypatch.setattr(fill, "ASIDE_AFTER", 0)
    assert aside.available(), [t.name for t in threading.enumerate()]


def writes_recorded(monkeypatch, log: Path) -> None:
    """Record the process that makes each write, in `log` (one line each)."""
    real = fill.write_note

    def write_note(path, transform, **kwargs):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {Path(path).name}\n")
        return real(path, transform, **kwargs)

    monkeypatch.setattr(fill, "write_note", write_note)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(vaults, st.booleans(), edits)
def test_a_fill_writing_aside_writes_what_a_fill_writing_itself_writes(
        every_write_aside, monkeypatch, spec, fill_first, changes) -> None:
    files = files_of(spec)
    with tempfile.TemporaryDirectory() as tmp, monkeypatch.context() as patch:
        one, two = (write_vault(Path(tmp) / side, files) for side in ("one", "two"))
        for root in (one, two):
            if fill_first:
                fill_vault(find_vault(root))
                for name, how in changes.items():
                    if f"{name}.md" in files and how != "none":
                        edit(root / "notes" / f"{name}.md", how)
        itself = fill_vault(find_vault(one), trust_manifest=False)
        writes_recorded(patch, Path(tmp) / "writes.log")
        aside_ = fill_vault(find_vault(two), trust_manifest=False, write_aside=True)
        assert outcome(aside_) == outcome(itself)
        assert tree(two) == tree(one)
        if itself.written:  # (written by other processes than this one, the changes dealt
            # to them in turn)
            calls = (Path(tmp) / "writes.log").read_text(encoding="utf-8").splitlines()
            writers = {line.split()[0] for line in calls}
            assert len(writers) == min(len(calls), fill.WRITERS)
            assert str(os.getpid()) not in writers
        # Recorded as a complete fill, as the plain fill is: the next reads no note.
        assert fill_vault(find_vault(two)).changed == []


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(vaults, saves, save_edits)
def test_a_save_racing_a_write_made_aside_gets_the_blocks_planned_and_keeps_its_bytes(
        every_write_aside, monkeypatch, spec, when, how) -> None:
    with tempfile.TemporaryDirectory() as tmp, monkeypatch.context() as patch:
        root = write_vault(Path(tmp) / "vault", files_of(spec))
        vault = find_vault(root)
        index, texts = load_index_and_texts(vault)
        planned = {c.path: c for c in fill.plan_fill(index, texts)[0]}
        marks = Path(tmp) / "saved"
        marks.mkdir()
        saving_while_written(patch, root, when, how, marks)
        fill_vault(vault, trust_manifest=False, write_aside=True)
        for path, change in planned.items():
            on_disk = (root / "notes" / path).read_bytes().decode()
            mark = marks / Path(path).name
            if not mark.exists():
                assert on_disk == change.new
                continue
            try:
                expected = splice_blocks(path, mark.read_bytes().decode(), change.contents)
            except BlockError:
                expected = mark.read_bytes().decode()  # left as the user saved it
            assert on_disk == expected


def contacts(count: int) -> dict[str, str]:
    """`count` contacts, each linked from a meeting note: every one gains a block."""
    files = {f"contacts/P{n:03}.md": f"---\ntype: contact\n---\n# P{n:03}\n"
             for n in range(count)}
    files["Meeting.md"] = "".join(f"Met [[P{n:03}]].\n" for n in range(count))
    return files


def failing_at(monkeypatch, name: str):
    """Make the write of the note named `name` raise, in whichever process writes it; returns
    the real `write_note`."""
    real = fill.write_note

    def write_note(path, transform, **kwargs):
        if Path(path).name == name:
            raise RuntimeError("the disk said no")
        return real(path, transform, **kwargs)

    monkeypatch.setattr(fill, "write_note", write_note)
    return real


def test_a_write_that_fails_aside_stops_the_fill_and_leaves_every_note_whole(
        every_write_aside, make_vault, monkeypatch) -> None:
    root = make_vault(contacts(30))
    before = tree(root)
    real = failing_at(monkeypatch, "P010.md")
    with pytest.raises(AsideError, match="RuntimeError: the disk said no"):
        fill_vault(find_vault(root), write_aside=True)
    after = tree(root)
    assert after.keys() == before.keys()  # no temp file left
    written = {p for p in after if after[p] != before[p]}
    # The failed note is as it was. Each writing process stops at a failure, its own or the
    # other's: the other may have written a few notes planned after it, never all of them.
    every = {f"contacts/P{n:03}.md" for n in range(30)}
    assert "contacts/P010.md" not in written and written < every
    monkeypatch.setattr(fill, "write_note", real)
    # Not recorded as a complete fill: the next one finds and writes the rest, and each note
    # written before is as that fill would write it.
    result = fill_vault(find_vault(root))
    assert set(result.written) == every - written
    filled = tree(root)
    assert all(after[p] == filled[p] for p in written)


def test_a_fill_stopped_while_planning_stops_its_writes_and_leaves_no_process(
        every_write_aside, make_vault, monkeypatch) -> None:
    root = make_vault(contacts(30))
    before = tree(root)
    real = fill._plan_streamed
    planned = []

    def plan(vault, index, note, *args, **kwargs):
        planned.append(note.path)
        if len(planned) == 20:
            raise KeyboardInterrupt  # Ctrl-C, in the middle of the fill
        return real(vault, index, note, *args, **kwargs)

    monkeypatch.setattr(fill, "_plan_streamed", plan)
    with pytest.raises(KeyboardInterrupt):
        fill_vault(find_vault(root), write_aside=True)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the second process is gone, and waited for
    after = tree(root)
    assert after.keys() == before.keys()
    # Each note as it was or as the fill wrote it, never anything between.
    monkeypatch.setattr(fill, "_plan_streamed", real)
    fill_vault(find_vault(root))
    filled = tree(root)
    assert all(after[p] in (before[p], filled[p]) for p in after)


def test_jobs_aside_run_in_order_in_one_other_process() -> None:
    assert aside.available()
    jobs: Aside[int, tuple[int, int]] = Aside(lambda n: (os.getpid(), n * n))
    for n in range(200):
        jobs.put(n)
    returned = jobs.close()
    assert [square for _, square in returned] == [n * n for n in range(200)]
    assert len({pid for pid, _ in returned}) == 1 and returned[0][0] != os.getpid()
    assert Aside(lambda n: n).close() == []  # nothing put: no process started


def test_jobs_dealt_to_two_processes_return_in_the_order_put() -> None:
    assert aside.available()
    jobs: aside.Asides[int, tuple[int, int]] = aside.Asides(lambda n: (os.getpid(), n * n), 2)
    for n in range(200):
        jobs.put(n)
    returned = jobs.close()
    assert [square for _, square in returned] == [n * n for n in range(200)]
    pids = [pid for pid, _ in returned]
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert pids[0::2] == [pids[0]] * 100 and pids[1::2] == [pids[1]] * 100  # dealt in turn
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # both waited for


def test_a_job_failing_in_one_process_stops_the_other_and_leaves_none(tmp_path) -> None:
    log = tmp_path / "ran"

    def job(n: int) -> int:
        if n == 41:
            raise RuntimeError("no room")
        time.sleep(0.002)
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{n}\n")
        return n

    jobs: aside.Asides[int, int] = aside.Asides(job, 2)
    with pytest.raises(AsideError, match="RuntimeError: no room"):
        try:
            for n in range(2_000):
                jobs.put(n)
            jobs.close()
        except BaseException:
            jobs.abandon()
            raise
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # both stopped and waited for
    ran = {int(n) for n in log.read_text(encoding="utf-8").split()}
    # The failing one ran nothing after it; the other stopped well before the end.
    assert 41 not in ran and not any(n > 41 and n % 2 for n in ran) and len(ran) < 1_000


def test_items_larger_than_a_pipe_go_through_whole() -> None:
    jobs: Aside[bytes, int] = Aside(len)
    sizes = [0, 1, 65_535, 65_536, 3_000_001]
    for size in sizes:
        jobs.put(b"x" * size)
    assert jobs.close() == sizes


def test_a_second_process_killed_is_said_not_waited_for() -> None:
    jobs: Aside[int, int] = Aside(lambda n: n)
    jobs.put(1)
    assert jobs._pid is not None
    os.kill(jobs._pid, signal.SIGKILL)
    with pytest.raises(AsideError):
        for n in range(10_000):  # (the pipe fills, or breaks)
            jobs.put(n)
        jobs.close()


def test_no_second_process_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not aside.available()
    finally:
        stop.set()
        thread.join()
    assert aside.available()


def test_notes_left_alone_aside_are_said_as_a_fill_writing_itself_says_them(
        every_write_aside, tmp_path, monkeypatch) -> None:
    """A note another program holds open, one saved non-stop, one that leaves the vault: the
    same result (written, failed, held) whichever process writes."""
    from vault_tools.writer import ConcurrentEditError, NoteHeldOpenError, OutsideVaultWriteError

    real = fill.write_note
    trouble = {"P003.md": NoteHeldOpenError("P003.md: open in another program"),
               "P007.md": ConcurrentEditError("P007.md: saved while written"),
               "P011.md": OutsideVaultWriteError("P011.md: leaves the vault")}

    def write_note(path, transform, **kwargs):
        if Path(path).name in trouble:
            raise trouble[Path(path).name]
        return real(path, transform, **kwargs)

    monkeypatch.setattr(fill, "write_note", write_note)
    results, trees = [], []
    for side, write_aside in (("itself", False), ("aside", True)):
        root = write_vault(tmp_path / side, contacts(20))
        results.append(outcome(fill_vault(find_vault(root), write_aside=write_aside)))
        trees.append(tree(root))
    assert results[0] == results[1]
    assert trees[0] == trees[1]
    assert results[1][5] == ["contacts/P003.md"]  # held
    assert [path for path, _ in results[1][4]] == [
        "contacts/P003.md", "contacts/P007.md", "contacts/P011.md"]


def test_the_fill_command_says_the_writing_process_stopped_in_one_line(
        every_write_aside, make_vault, monkeypatch) -> None:
    from click.testing import CliRunner

    from vault_tools.cli import main

    root = make_vault(contacts(30))
    failing_at(monkeypatch, "P010.md")
    result = CliRunner().invoke(main, ["fill", "--vault", str(root)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "the process writing the notes stopped (RuntimeError: the disk said no)" in (
        result.output)
    assert "run `vault-tools fill` again" in result.output


def test_a_process_forked_after_another_never_keeps_the_first_one_waiting() -> None:
    # `build` forks one process to compile the theme's templates and then one to leak-scan
    # the pages: the second must not hold the first one's pipe, or the first never reads the
    # end of its work and the build waits for it forever.
    import signal

    first: Aside[int, int] = Aside(lambda n: n + 1)
    first.start()
    second: Aside[int, int] = Aside(lambda n: n)
    second.start()

    def hung(_signum: int, _frame: object) -> None:
        raise TimeoutError("the first process never ended")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        first.put(1)
        assert first.close() == [2]
        second.put(5)
        assert second.close() == [5]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        first.kill()
        second.kill()


def _log(log: Path, line: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{line}\n".encode())
    finally:
        os.close(fd)


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_ctrl_c_while_the_fill_waits_for_its_last_writes_starts_no_other(
        every_write_aside, tmp_path, monkeypatch) -> None:
    """Ctrl-C while `fill` waits for the second process to finish (in `close`, after the last
    change was put): the write under way finishes and no other starts, as Ctrl-C while
    planning does; every note is as it was or as it was filled."""
    root = write_vault(tmp_path / "vault", contacts(40))
    log = tmp_path / "log"
    real_write, real_close = fill.write_note, aside.Asides.close
    pressed: list[float] = []

    def write_note(path, transform, **kwargs):
        _log(log, f"{time.monotonic()} {Path(path).name}")
        time.sleep(0.2)  # a slow disk
        return real_write(path, transform, **kwargs)

    def ctrl_c(_signum, _frame):
        pressed.append(time.monotonic())
        raise KeyboardInterrupt

    def close(self):
        signal.setitimer(signal.ITIMER_REAL, 0.5)  # the user presses Ctrl-C meanwhile
        return real_close(self)

    monkeypatch.setattr(fill, "write_note", write_note)
    monkeypatch.setattr(aside.Asides, "close", close)
    original = tree(root)
    previous = signal.signal(signal.SIGALRM, ctrl_c)
    try:
        with pytest.raises(KeyboardInterrupt):
            fill_vault(find_vault(root), write_aside=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the second process is gone, and waited for
    started = [float(line.split()[0]) for line in _lines(log)]
    # (one may have started in the instant before the word reached the process)
    assert len([t for t in started if t > pressed[0]]) <= 1
    assert len(started) < 40
    monkeypatch.undo()
    after = tree(root)
    assert after.keys() == original.keys()  # no temp file left
    fill_vault(find_vault(root))
    filled = tree(root)
    assert all(after[p] in (original[p], filled[p]) for p in after)


def test_a_writing_process_stopped_by_another_program_is_no_complete_fill(
        every_write_aside, tmp_path, monkeypatch) -> None:
    """SIGTERM to the second process alone (`kill` of its pid): it finishes the write under
    way and stops. The fill says so and records nothing as done: the next one writes the
    rest. (It used to take what that process had written for the whole, so the next fill
    found nothing to do while most notes lacked their blocks.)"""
    root = write_vault(tmp_path / "vault", contacts(40))
    real_write, real_close = fill.write_note, aside.Asides.close
    closing = tmp_path / "closing"
    sent = [False]

    def write_note(path, transform, **kwargs):
        deadline = time.monotonic() + 30
        while not closing.exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # (every write after the fill's last `put`)
        if not sent[0]:
            sent[0] = True
            os.kill(os.getpid(), signal.SIGTERM)  # another program stops the writer
        time.sleep(0.1)
        return real_write(path, transform, **kwargs)

    def close(self):
        closing.touch()  # every change put: the fill waits for the writes
        return real_close(self)

    monkeypatch.setattr(fill, "write_note", write_note)
    monkeypatch.setattr(aside.Asides, "close", close)
    with pytest.raises(AsideError, match="stopped before the end"):
        fill_vault(find_vault(root), write_aside=True)
    monkeypatch.undo()
    assert fill_vault(find_vault(root)).written  # the rest
    whole = write_vault(tmp_path / "whole", contacts(40))
    fill_vault(find_vault(whole))
    assert tree(root) == tree(whole)


def test_a_second_process_stopped_while_items_are_still_put_is_said_not_waited_for(
        tmp_path) -> None:
    """Another program stops the second process (SIGTERM) while this one still puts items
    (a fill still planning): the next `put` says so. (Both used to wait for ever: the stopped
    process on a full reply pipe, which this one reads only at `close`, and this one on the
    pipe to it, which nobody read any more.)"""
    log = tmp_path / "log"

    def job(n: int) -> str:
        _log(log, "x")
        return f"{n}" + "r" * 300  # (distinct: 300 KB of replies in all, more than a pipe)

    def hung(_signum: int, _frame: object) -> None:
        raise TimeoutError("still waiting after a minute")

    jobs: Aside[tuple[int, bytes] | int, str] = Aside(
        lambda item: job(item if isinstance(item, int) else item[0]))
    for n in range(1000):
        jobs.put(n)
    deadline = time.monotonic() + 60
    while len(_lines(log)) < 1000 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert jobs._pid is not None
    os.kill(jobs._pid, signal.SIGTERM)
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        with pytest.raises(AsideError):
            for n in range(1000, 5000):
                jobs.put((n, b"p" * 10_000))  # 40 MB: far more than the pipe holds
        with pytest.raises(AsideError):
            jobs.close()  # (and not nothing, as if no item had been put)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        jobs.kill()


def test_ctrl_c_just_before_the_fill_waits_for_its_writes_stops_them_too(
        every_write_aside, tmp_path, monkeypatch) -> None:
    """A Ctrl-C in the instant after the last change was put, before `fill` waits for the
    writes: the second process is stopped (the write under way finishes, no other starts)
    and waited for, as from anywhere else in the fill."""
    root = write_vault(tmp_path / "vault", contacts(40))
    log = tmp_path / "log"
    real_write = fill.write_note

    def write_note(path, transform, **kwargs):
        _log(log, Path(path).name)
        time.sleep(0.1)  # a slow disk: most changes are still in the pipe
        return real_write(path, transform, **kwargs)

    def close(self):
        raise KeyboardInterrupt  # (as it lands before the wait begins)

    monkeypatch.setattr(fill, "write_note", write_note)
    monkeypatch.setattr(aside.Asides, "close", close)
    with pytest.raises(KeyboardInterrupt):
        fill_vault(find_vault(root), write_aside=True)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the second process is gone, and waited for
    assert len(_lines(log)) < 40
