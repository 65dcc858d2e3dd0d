"""The safe writer (DESIGN.md §6): what reaches the disk, and what never does.

Real files in tmp_path throughout; failures are injected through the writer's own `_fault` seam,
and the concurrency test races a real second process.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vault_tools import writer
from vault_tools.writer import (
    ConcurrentEditError,
    ConflictMarkersError,
    NotUtf8Error,
    ReadOnlyNoteError,
    SkippedFileError,
    WriteError,
    content_hash,
    create_note,
    was_own_write,
    write_note,
)

OPEN = "<!-- vault-tools:related -->"
CLOSE = "<!-- /vault-tools:related -->"


def fill_block(content: str) -> Callable[[str], str]:
    """A transform like `fill`'s: replace the lines between the markers, or append the block,
    in the note's own newline style, leaving every other byte alone."""

    def transform(text: str) -> str:
        nl = "\r\n" if "\r\n" in text else "\n"
        lines = text.split(nl)
        if OPEN in lines and CLOSE in lines:
            start, end = lines.index(OPEN), lines.index(CLOSE)
            return nl.join([*lines[: start + 1], content, *lines[end:]])
        sep = "" if not text or text.endswith(nl) else nl
        return f"{text}{sep}{OPEN}{nl}{content}{nl}{CLOSE}{nl}"

    return transform


def identity(text: str) -> str:
    return text


def folder_listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def stat_key(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, st.st_size


@pytest.fixture(autouse=True)
def forget_own_writes() -> Iterator[None]:
    writer.recent_writes.clear()
    yield
    writer.recent_writes.clear()


# --- note texts as users have them: LF or CRLF, a BOM or not, a final newline or not ------------

line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
    max_size=30,
)


@st.composite
def note_texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(line_text, max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if lines and draw(st.booleans()):
        text += newline
    if draw(st.booleans()):
        text = "\ufeff" + text
    assume(not any(line.startswith(("<<<<<<< ", ">>>>>>> ")) for line in text.split("\n")))
    return text


_names = itertools.count()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the Hypothesis tests (function-scoped tmp_path does not reset per example)."""
    return tmp_path_factory.mktemp("writer-properties")


def scratch_note(scratch: Path, data: bytes) -> Path:
    """A fresh file, alone in its own folder, for one example."""
    folder = scratch / str(next(_names))
    folder.mkdir()
    path = folder / "note.md"
    path.write_bytes(data)
    return path


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(text=note_texts())
def test_an_unchanged_note_is_never_written(scratch: Path, text: str) -> None:
    path = scratch_note(scratch, text.encode("utf-8"))
    before = stat_key(path)
    assert write_note(path, identity) is False
    assert write_note(path, lambda _text: None) is False
    assert stat_key(path) == before  # same inode, same mtime: not even rewritten in place
    assert path.read_bytes() == text.encode("utf-8")


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(text=note_texts(), extra=line_text)
def test_the_note_holds_exactly_the_transforms_text(scratch: Path, text: str, extra: str) -> None:
    path = scratch_note(scratch, text.encode("utf-8"))
    seen: list[str] = []

    def transform(current: str) -> str:
        seen.append(current)
        return fill_block(extra)(current)

    expected = fill_block(extra)(text)
    assert write_note(path, transform) is (expected != text)
    assert seen == [text]  # the transform saw the BOM and the newlines as they are in the file
    assert path.read_bytes() == expected.encode("utf-8")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == text.startswith("\ufeff")
    assert folder_listing(path.parent) == ["note.md"]


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(old=note_texts(), new=note_texts())
def test_create_note_never_overwrites(scratch: Path, old: str, new: str) -> None:
    path = scratch_note(scratch, old.encode("utf-8"))
    with pytest.raises(FileExistsError):
        create_note(path, new)
    assert path.read_bytes() == old.encode("utf-8")
    assert folder_listing(path.parent) == ["note.md"]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(text=note_texts())
def test_create_note_writes_the_text_exactly(scratch: Path, text: str) -> None:
    path = scratch / str(next(_names)) / "sub" / "new note.md"
    create_note(path, text)
    assert path.read_bytes() == text.encode("utf-8")
    assert folder_listing(path.parent) == ["new note.md"]


# --- create_note ------------------------------------------------------------------------------


def test_create_note_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "Jane Doe.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(FileExistsError, match=r"Jane Doe\.md"):
        create_note(link, "hello\n")
    assert not (tmp_path / "elsewhere.md").exists()
    assert link.is_symlink()


def test_create_note_error_is_also_a_write_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("mine\n")
    with pytest.raises(WriteError):
        create_note(tmp_path / "a.md", "theirs\n")


def test_racing_creators_make_exactly_one_note(tmp_path: Path) -> None:
    path = tmp_path / "contacts" / "Jane Doe.md"
    start = threading.Barrier(8)
    winners: list[int] = []

    def create(number: int) -> None:
        start.wait()
        try:
            create_note(path, f"creator {number}\n")
        except FileExistsError:
            return
        winners.append(number)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert path.read_text() == f"creator {winners[0]}\n"
    assert folder_listing(path.parent) == ["Jane Doe.md"]


def test_create_note_is_remembered_as_our_own_write(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    create_note(path, "hello\n")
    assert was_own_write(path, content_hash(b"hello\n"))


# --- what is kept: permissions, symlinks ------------------------------------------------------


def test_permission_bits_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Note\n")
    path.chmod(0o640)
    assert write_note(path, fill_block("x")) is True
    assert path.stat().st_mode & 0o7777 == 0o640
    assert path.read_text() == f"# Note\n{OPEN}\nx\n{CLOSE}\n"


def test_a_symlinked_note_stays_a_symlink_and_its_target_is_written(tmp_path: Path) -> None:
    notes, elsewhere = tmp_path / "notes", tmp_path / "elsewhere"
    notes.mkdir()
    elsewhere.mkdir()
    real = elsewhere / "Jane Doe.md"
    real.write_text("Jane.\n")
    link = notes / "Jane Doe.md"
    link.symlink_to(Path("..") / "elsewhere" / "Jane Doe.md")
    temps_seen: dict[str, list[str]] = {}

    def spy(step: str) -> None:
        if step == "before-replace":
            temps_seen["notes"] = folder_listing(notes)
            temps_seen["elsewhere"] = folder_listing(elsewhere)

    writer._fault, saved = spy, writer._fault
    try:
        assert write_note(link, fill_block("x")) is True
    finally:
        writer._fault = saved
    assert link.is_symlink()
    assert os.readlink(link) == os.path.join("..", "elsewhere", "Jane Doe.md")
    assert real.read_text() == f"Jane.\n{OPEN}\nx\n{CLOSE}\n"
    # The temp file is made beside the real file (so os.replace is a same-folder rename).
    assert temps_seen["notes"] == ["Jane Doe.md"]
    assert len(temps_seen["elsewhere"]) == 2
    assert folder_listing(elsewhere) == ["Jane Doe.md"]
    # A watcher may report either name.
    data_hash = content_hash(real.read_bytes())
    assert was_own_write(link, data_hash) and was_own_write(real, data_hash)


def test_a_users_save_is_not_taken_for_our_own_write(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("a\n")
    write_note(path, fill_block("x"))
    assert was_own_write(path, content_hash(path.read_bytes()))
    path.write_text("the user's text\n")
    assert not was_own_write(path, content_hash(path.read_bytes()))


# --- what is refused: the note is left byte-identical ------------------------------------------


def never_called(text: str) -> str:
    raise AssertionError("the transform must not see this note")


def test_a_note_that_is_not_utf8_is_left_alone_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "Café.md"
    data = b"# Notes\ncaf\xe9 latte\n"
    path.write_bytes(data)
    with pytest.raises(NotUtf8Error, match=r"Café\.md:2: not valid UTF-8"):
        write_note(path, never_called)
    assert path.read_bytes() == data
    assert folder_listing(tmp_path) == ["Café.md"]


def test_a_note_with_conflict_markers_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    data = b"# Note\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> origin/main\n"
    path.write_bytes(data)
    with pytest.raises(ConflictMarkersError, match=r"note\.md:2: merge-conflict marker"):
        write_note(path, never_called)
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    "name", ["Jane Doe.sync-conflict-20240101-120000-ABCDEF.md", "Jane Doe.md~", "#Jane Doe.md#"]
)
def test_backups_and_sync_conflict_copies_are_never_written(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"old\n")
    with pytest.raises(SkippedFileError):
        write_note(path, never_called)
    assert path.read_bytes() == b"old\n"


def test_a_read_only_note_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"keep me\n")
    path.chmod(0o444)
    with pytest.raises(ReadOnlyNoteError, match="read-only"):
        write_note(path, fill_block("x"))
    assert path.read_bytes() == b"keep me\n"


def test_a_missing_note_is_a_write_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match=r"gone\.md"):
        write_note(tmp_path / "gone.md", fill_block("x"))


# --- faults: the note is the old or the new bytes, and no temp file is left ---------------------


class InjectedFault(Exception):
    pass


@pytest.mark.parametrize(
    ("step", "expect_new"),
    [("before-fsync", False), ("before-replace", False), ("after-replace", True)],
)
def test_an_interrupted_write_leaves_old_or_new_bytes_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, expect_new: bool
) -> None:
    path = tmp_path / "note.md"
    old = b"---\ntype: contact\n---\r\nJane.\r\n"
    path.write_bytes(old)
    new = fill_block("x")(old.decode()).encode()
    steps: list[str] = []

    def fail_at(current: str) -> None:
        steps.append(current)
        if current == step:
            raise InjectedFault(current)

    monkeypatch.setattr(writer, "_fault", fail_at)
    with pytest.raises(InjectedFault):
        write_note(path, fill_block("x"))
    assert step in steps  # the fault really was injected at that step
    assert path.read_bytes() in (old, new)
    assert path.read_bytes() == (new if expect_new else old)
    assert folder_listing(tmp_path) == ["note.md"]

    monkeypatch.setattr(writer, "_fault", lambda current: None)
    write_note(path, fill_block("x"))  # and the next run completes the job
    assert path.read_bytes() == new


def test_a_disk_error_mid_write_keeps_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"Jane.\n")

    def disk_full(step: str) -> None:
        if step == "before-fsync":
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "_fault", disk_full)
    with pytest.raises(WriteError, match=r"note\.md: cannot write the note: No space left"):
        write_note(path, fill_block("x"))
    assert path.read_bytes() == b"Jane.\n"
    assert folder_listing(tmp_path) == ["note.md"]


# --- the user saves while we write ----------------------------------------------------------------


def test_a_save_between_read_and_replace_is_redone_on_the_users_text(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"# Jane\r\n")
    seen: list[str] = []

    def user_saves_meanwhile(text: str) -> str:
        seen.append(text)
        if len(seen) == 1:
            path.write_bytes(b"# Jane\r\nMet her at the fair.\r\n")
        return fill_block("x")(text)

    assert write_note(path, user_saves_meanwhile) is True
    assert seen == ["# Jane\r\n", "# Jane\r\nMet her at the fair.\r\n"]
    assert path.read_bytes() == (
        f"# Jane\r\nMet her at the fair.\r\n{OPEN}\r\nx\r\n{CLOSE}\r\n".encode()
    )
    assert folder_listing(tmp_path) == ["note.md"]


def test_a_same_size_save_in_the_same_clock_tick_is_caught_by_the_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "note.md"
    steps: list[str] = []
    monkeypatch.setattr(writer, "_fault", steps.append)
    path.write_bytes(b"status: todo\n")
    before = path.stat()
    calls: list[str] = []

    def user_saves_meanwhile(text: str) -> str:
        calls.append(text)
        if len(calls) == 1:  # same length, same inode, and the old mtime put back
            with open(path, "r+b") as handle:
                handle.write(b"status: done\n")
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return fill_block("x")(text)

    write_note(path, user_saves_meanwhile)
    assert calls[1] == "status: done\n"
    assert path.read_text() == f"status: done\n{OPEN}\nx\n{CLOSE}\n"
    # Caught before replacing: the stale version never reached the note, not even for a moment.
    assert steps.count("after-replace") == 1


def test_a_user_who_keeps_saving_wins_and_we_give_up(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"v0\n")
    calls = itertools.count(1)

    def user_always_saves(text: str) -> str:
        path.write_bytes(f"v{next(calls)}\n".encode())
        return fill_block("x")(text)

    with pytest.raises(ConcurrentEditError, match=r"note\.md: another program kept saving"):
        write_note(path, user_always_saves, retries=3)
    assert path.read_bytes() == b"v4\n"  # their last save, untouched
    assert folder_listing(tmp_path) == ["note.md"]


@pytest.fixture
def no_leases(monkeypatch: pytest.MonkeyPatch) -> None:
    """As where leases do not exist (not Linux, some file systems, a note owned by someone else):
    the writer must fall back to catching late writes after the replace."""
    monkeypatch.setattr(writer, "_take_lease", lambda fd, kind: "no-lease", raising=False)


class LateSave:
    """Simulates the race no re-check can see without leases: a program opens the note before
    our replace and writes after it, into the file that replace has just unlinked."""

    def __init__(self, path: Path, write: Callable[[object], None]) -> None:
        self.path = path
        self.write = write
        self.handle = None
        self.done = False

    def __call__(self, step: str) -> None:
        if self.done:
            return
        if step == "before-replace":
            self.handle = open(self.path, "r+b")  # noqa: SIM115 (held across two steps)
        elif step == "after-replace":
            assert self.handle is not None
            self.write(self.handle)
            self.handle.close()
            self.done = True


def test_an_append_landing_in_the_replaced_file_is_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leases: None
) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"# Jane\n")

    def append(handle) -> None:
        handle.seek(0, os.SEEK_END)
        handle.write(b"- call back\n")
        handle.flush()

    monkeypatch.setattr(writer, "_fault", LateSave(path, append))
    assert write_note(path, fill_block("x")) is True
    # Their line went to the file as it was before our write; it is back, and the block filled.
    assert path.read_text() == f"# Jane\n- call back\n{OPEN}\nx\n{CLOSE}\n"
    assert folder_listing(tmp_path) == ["note.md"]


def test_a_rewrite_landing_in_the_replaced_file_is_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leases: None
) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"# Jane\n")

    def rewrite(handle) -> None:
        handle.seek(0)
        handle.truncate()
        handle.write(b"# Jane Doe\nNew text.\n")
        handle.flush()

    monkeypatch.setattr(writer, "_fault", LateSave(path, rewrite))
    assert write_note(path, fill_block("x")) is True
    assert path.read_text() == f"# Jane Doe\nNew text.\n{OPEN}\nx\n{CLOSE}\n"
    assert folder_listing(tmp_path) == ["note.md"]


def test_two_unmergeable_saves_are_both_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leases: None
) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"# Jane\n")

    def rewrite_both(handle) -> None:
        handle.seek(0)
        handle.truncate()
        handle.write(b"version A\n")
        handle.flush()
        path.write_bytes(b"version B\n")  # and another program rewrites the new file too

    monkeypatch.setattr(writer, "_fault", LateSave(path, rewrite_both))
    with pytest.raises(ConcurrentEditError, match=r"kept beside it as note\.sync-conflict-"):
        write_note(path, fill_block("x"))
    copies = [name for name in folder_listing(tmp_path) if name != "note.md"]
    assert len(copies) == 1 and ".sync-conflict-" in copies[0]
    assert (tmp_path / copies[0]).read_bytes() == b"version A\n"
    assert path.read_text() == f"version B\n{OPEN}\nx\n{CLOSE}\n"


# --- a real second process appending while we write ---------------------------------------------

APPENDER = textwrap.dedent(
    """
    import sys, time
    paths = sys.argv[1:-1]
    end = time.monotonic() + float(sys.argv[-1])
    number = 0
    while time.monotonic() < end:
        with open(paths[number % len(paths)], "a", encoding="utf-8") as handle:
            handle.write(f"appended {number}\\n")
        number += 1
        time.sleep(0.0005)
    print(number)
    """
)


@pytest.mark.slow
def test_no_appended_line_is_lost_while_blocks_are_rewritten(tmp_path: Path) -> None:
    notes = [tmp_path / f"note {number}.md" for number in range(5)]
    for note in notes:
        note.write_text(f"# {note.stem}\n")
    appender = subprocess.Popen(
        [sys.executable, "-c", APPENDER, *map(str, notes), "3"],
        stdout=subprocess.PIPE, text=True,
    )
    writes = gave_up = 0
    counter = itertools.count()
    try:
        while appender.poll() is None:
            for note in notes:
                try:
                    writes += write_note(note, fill_block(f"filled {next(counter)}"))
                except ConcurrentEditError:
                    gave_up += 1  # allowed: the note is left as the user saved it
    finally:
        out, _ = appender.communicate(timeout=10)
    appends = int(out)
    texts = [note.read_text() for note in notes]
    lost = [n for n in range(appends) if f"appended {n}\n" not in texts[n % len(notes)]]
    print(f"\n{writes} writes, {gave_up} given up, {appends} appends, {len(lost)} lost")
    # The race really was run. (Fewer writes than appends: a write waits while the appender
    # holds a note open, and a loaded machine slows both.)
    assert appends > 100 and writes > 10
    assert lost == []
    # Each line once, no conflict copies, no temp files: the folder holds the five notes.
    assert sum(text.count("appended ") for text in texts) == appends
    assert folder_listing(tmp_path) == sorted(note.name for note in notes)
    for text in texts:  # and every block is whole, written by the last write
        assert text.count(OPEN) == 1 and text.count(CLOSE) == 1



def test_conflict_markers_shown_inside_a_code_block_do_not_block_writing(tmp_path: Path) -> None:
    note = tmp_path / "git.md"
    text = "How a conflict looks:\n\n```\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> x\n```\n"
    note.write_text(text, encoding="utf-8")
    assert write_note(note, lambda current: current + "more\n")
    assert note.read_text(encoding="utf-8") == text + "more\n"


# --- a program holding the note open for writing (issue #14) ------------------------------------

# Like `(echo a; sleep 2; echo b) >> note.md`, but the test says when "later" comes.
HOLDER = textwrap.dedent(
    """
    import sys
    first, later = sys.argv[2:4] if len(sys.argv) > 2 else ("written first\\n", "written later\\n")
    with open(sys.argv[1], "ab", buffering=0) as handle:
        handle.write(first.encode())
        print("open", flush=True)
        sys.stdin.readline()
        handle.write(later.encode())
    print("closed", flush=True)
    """
)


class Holder:
    """A real second process appending to a note through a descriptor it keeps open."""

    def __init__(self, path: Path, *lines: str) -> None:
        """Open `path` to append, write "written first" (or the first of `lines`), hold it."""
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), *lines],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdin is not None
        assert self.proc.stdout.readline() == "open\n"  # blocks until the note is held open

    def finish(self) -> None:
        """Write the later line through the old descriptor, close it, wait until it has."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline() == "closed\n"
        assert self.proc.wait(30) == 0

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)


@pytest.fixture
def holder() -> Iterator[Callable[[Path], Holder]]:
    started: list[Holder] = []

    def start(path: Path) -> Holder:
        started.append(Holder(path))
        return started[-1]

    yield start
    for each in started:
        each.kill()


def test_a_note_held_open_for_writing_is_left_alone_and_no_later_write_is_lost(
    tmp_path: Path, holder: Callable[[Path], Holder]
) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"# Jane\n")
    held = holder(path)
    with pytest.raises(WriteError, match=r"note\.md: held open by another program; not written"):
        write_note(path, fill_block("x"))
    assert path.read_bytes() == b"# Jane\nwritten first\n"  # untouched
    assert folder_listing(tmp_path) == ["note.md"]
    held.finish()
    assert write_note(path, fill_block("x")) is True
    assert path.read_text() == f"# Jane\nwritten first\nwritten later\n{OPEN}\nx\n{CLOSE}\n"


def test_a_write_waits_for_a_held_note_to_be_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"# Jane\n")
    refused = []
    take_lease = writer._take_lease

    def counting(fd: int, kind: int) -> str:
        outcome = take_lease(fd, kind)
        refused.append(outcome == writer.HELD)
        return outcome

    monkeypatch.setattr(writer, "_take_lease", counting)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)  # held by this test, as by a logger
    try:
        result: list[object] = []
        thread = threading.Thread(
            target=lambda: result.append(write_note(path, fill_block("x"), held_wait=120)))
        thread.start()
        assert wait_for(lambda: refused.count(True) >= 3)  # it is waiting, not writing
        assert path.read_bytes() == b"# Jane\n"
        os.write(fd, b"- called back\n")
    finally:
        os.close(fd)
    thread.join(60)
    assert result == [True]
    assert path.read_text() == f"# Jane\n- called back\n{OPEN}\nx\n{CLOSE}\n"
    assert folder_listing(tmp_path) == ["note.md"]


def test_a_program_only_reading_the_note_does_not_hold_it_back(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"# Jane\n")
    with open(path, "rb"):  # a viewer, `less`, `tail -f`
        assert write_note(path, fill_block("x")) is True
    assert path.read_text() == f"# Jane\n{OPEN}\nx\n{CLOSE}\n"


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def lease_breaking(inode: int) -> bool:
    """Is an open of the file `inode` waiting on a lease? (Linux lists leases in /proc/locks:
    `1: LEASE  BREAKING  READ  <pid> <major>:<minor>:<inode> 0 EOF`.)"""
    with open("/proc/locks", encoding="ascii") as locks:
        return any("LEASE" in line and "BREAKING" in line and f":{inode} " in line
                   for line in locks)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leases are Linux's")
def test_an_open_racing_the_replace_is_waited_for_and_its_write_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"# Jane\n")
    real_replace = os.replace
    racer: list[threading.Thread] = []

    def append_late() -> None:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)  # reaches the old file, waits on the lease
        try:
            os.write(fd, b"- raced the replace\n")
        finally:
            os.close(fd)

    def replace_while_an_open_waits(src, dst) -> None:
        if not racer and os.fspath(dst) == str(path):
            inode = os.stat(dst).st_ino
            racer.append(threading.Thread(target=append_late))
            racer[0].start()
            assert wait_for(lambda: lease_breaking(inode), 20)  # the open waits for our lease
        real_replace(src, dst)

    outcomes: list[str] = []
    late_bytes_after = writer._late_bytes_after

    def recording(target, outcome: str):
        outcomes.append(outcome)
        return late_bytes_after(target, outcome)

    monkeypatch.setattr(writer.os, "replace", replace_while_an_open_waits)
    monkeypatch.setattr(writer, "_late_bytes_after", recording)
    assert write_note(path, fill_block("x")) is True
    racer[0].join(30)
    assert outcomes[0] == writer.REPLACED_RACED  # the race really was run
    assert path.read_text() == f"# Jane\n- raced the replace\n{OPEN}\nx\n{CLOSE}\n"
    assert folder_listing(tmp_path) == ["note.md"]


# --- conflict copies with long names -----------------------------------------------------------


def test_a_conflict_copy_of_a_long_multibyte_name_is_kept_with_a_shorter_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_leases: None
) -> None:
    name = "Zoë Ångström-Łukasiewicz " * 8  # 240 bytes of UTF-8 with the suffix
    name = name.encode()[:236].decode("utf-8", errors="ignore") + ".md"
    path = tmp_path / name
    path.write_bytes(b"# Zoe\n")

    def rewrite_both(handle) -> None:
        handle.seek(0)
        handle.truncate()
        handle.write(b"version A\n")
        handle.flush()
        path.write_bytes(b"version B\n")

    monkeypatch.setattr(writer, "_fault", LateSave(path, rewrite_both))
    with pytest.raises(ConcurrentEditError, match=r"kept beside it as "):
        write_note(path, fill_block("x"))
    copies = [item for item in folder_listing(tmp_path) if item != name]
    assert len(copies) == 1, copies
    assert (tmp_path / copies[0]).read_bytes() == b"version A\n"  # the save it rescues
    assert len(copies[0].encode()) <= 255
    assert copies[0].endswith(".md") and ".sync-conflict-" in copies[0]
    assert name.startswith(copies[0].split(".sync-conflict-")[0])


@st.composite
def long_stems(draw: st.DrawFn) -> str:
    """Note names (without .md) up to the 255-byte limit, most of them near it, of any script."""
    piece = draw(st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
        min_size=1, max_size=12,
    ))
    size = draw(st.integers(1, 252))
    stem = (piece * 252).encode()[:size].decode("utf-8", errors="ignore")
    assume(stem.strip(".") and stem not in (".", ".."))
    return stem


@settings(max_examples=60, deadline=None)
@given(stem=long_stems())
def test_a_conflict_copy_is_made_whatever_the_notes_name(scratch: Path, stem: str) -> None:
    path = scratch / f"{stem}.md"
    path.write_bytes(b"# x\n")
    copy = writer._rescue(path, b"their save\n")
    try:
        assert copy.parent == scratch
        assert copy.read_bytes() == b"their save\n"
        assert len(copy.name.encode()) <= 255
        assert copy.name.endswith(".md") and ".sync-conflict-" in copy.name
    finally:
        copy.unlink()
        path.unlink()


# --- hard links --------------------------------------------------------------------------------


def test_a_hard_linked_note_is_written_in_place_so_every_name_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    other = tmp_path / "elsewhere.md"
    path.write_bytes(b"# Jane\r\n")
    os.link(path, other)
    inode = path.stat().st_ino
    assert write_note(path, fill_block("x")) is True
    new = f"# Jane\r\n{OPEN}\r\nx\r\n{CLOSE}\r\n".encode()
    assert path.read_bytes() == new
    assert other.read_bytes() == new  # the other name is the same file, not the old text
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert folder_listing(tmp_path) == ["elsewhere.md", "note.md"]
    assert write_note(path, fill_block("x")) is False  # and nothing to do the second time


@pytest.mark.parametrize("step", ["before-replace", "in-place"])
def test_an_interrupted_in_place_write_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = _made(tmp_path / "note.md", b"# Jane\n")
    os.link(path, tmp_path / "elsewhere.md")
    backups: list[bytes] = []

    def fail_at(current: str) -> None:
        # The previous version is on disk beside the note before the note is touched.
        backups.extend(p.read_bytes() for p in tmp_path.glob(".note.md.vault-tools-*.orig"))
        if current == step:
            raise InjectedFault(current)

    monkeypatch.setattr(writer, "_fault", fail_at)
    with pytest.raises(InjectedFault):
        write_note(path, fill_block("x"))
    assert backups and set(backups) == {b"# Jane\n"}
    assert path.read_bytes() == b"# Jane\n"
    assert (tmp_path / "elsewhere.md").read_bytes() == b"# Jane\n"
    assert folder_listing(tmp_path) == ["elsewhere.md", "note.md"]


def _made(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_hard_linked_note_held_open_is_left_alone(
    tmp_path: Path, holder: Callable[[Path], Holder]
) -> None:
    path = _made(tmp_path / "note.md", b"# Jane\n")
    os.link(path, tmp_path / "elsewhere.md")
    held = holder(path)
    with pytest.raises(WriteError, match=r"held open by another program; not written"):
        write_note(path, fill_block("x"), held_wait=0.2)
    held.finish()
    assert write_note(path, fill_block("x"))
    assert (tmp_path / "elsewhere.md").read_text() == (
        f"# Jane\nwritten first\nwritten later\n{OPEN}\nx\n{CLOSE}\n")
    assert folder_listing(tmp_path) == ["elsewhere.md", "note.md"]


# --- temp files left by a killed write ---------------------------------------------------------

# A write that stops just before its replace, until told to go on (or killed).
PAUSED_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from vault_tools import writer

    def pause(step):
        if step == "before-replace":
            print("paused", flush=True)
            sys.stdin.readline()

    writer._fault = pause
    writer.write_note(Path(sys.argv[1]), lambda text: text + "filled\\n")
    print("done", flush=True)
    """
)


class PausedWrite:
    """A real `write_note` in another process, stopped with its temp file written."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PAUSED_WRITER, str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline() == "paused\n"

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no cleanup of any kind runs
        self.proc.wait(30)

    def resume(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline() == "done\n"
        assert self.proc.wait(30) == 0


def temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.vault-tools-*.tmp"))


def age(path: Path, seconds: float = 3600) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


FOREIGN = [  # like ours, but not ours: never removed
    ".note.md.vault-tools-1a2b.tmp",
    "note.md.vault-tools-1a2b3c4d.tmp",
    ".note.md.vault-tools-1a2b3c4d.tmp.keep",
    ".note.md.vault-tools-1A2B3C4D.tmp",
    ".note.md.other-tool-1a2b3c4d.tmp",
]


def make_leftovers(folder: Path) -> tuple[Path, list[Path]]:
    """A temp file left by a killed write of folder/note.md (aged past any doubt), and foreign
    files with similar names, one of them as old; returns (the stale temp, the foreign files)."""
    note = folder / "note.md"
    killed = PausedWrite(note)
    killed.kill()
    [stale] = temps(folder)
    age(stale)
    foreign = [folder / name for name in FOREIGN]
    for item in foreign:
        item.write_bytes(b"someone else's\n")
        age(item)
    return stale, foreign


def test_a_killed_writes_temp_file_is_removed_and_nothing_else(tmp_path: Path) -> None:
    note = _made(tmp_path / "note.md", b"# Jane\n")
    stale, foreign = make_leftovers(tmp_path)
    young = tmp_path / ".note.md.vault-tools-0badcafe.tmp"  # ours, but it may be in use
    young.write_bytes(b"# Jane\nfilled\n")
    found = writer.remove_stale_temps(tmp_path)
    assert found.removed == [stale]
    assert not stale.exists()
    assert all(item.exists() for item in [*foreign, young])
    assert note.read_bytes() == b"# Jane\n"


def test_a_temp_file_in_use_by_a_running_write_is_never_removed(tmp_path: Path) -> None:
    note = _made(tmp_path / "note.md", b"# Jane\n")
    running = PausedWrite(note)
    try:
        [temp] = temps(tmp_path)
        age(temp)  # old, as after a long pause: the lock alone must protect it
        assert writer.remove_stale_temps(tmp_path).removed == []
        assert temp.exists()
        running.resume()  # and the write it belongs to completes
    finally:
        if running.proc.poll() is None:
            running.kill()
    assert note.read_bytes() == b"# Jane\nfilled\n"
    assert temps(tmp_path) == []


@pytest.mark.slow  # git
def test_temp_files_are_ignored_by_git_in_a_new_vault(tmp_path: Path) -> None:
    from vault_tools.capture.init import init_vault

    root = tmp_path / "vault"
    init_vault(root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    names = [f"notes/contacts/{writer._temp_name('Jane Doe.md')}",
             f"notes/{writer._temp_name('index.md', writer.BACKUP_SUFFIX)}"]
    checked = subprocess.run(["git", "-C", str(root), "check-ignore", *names],
                             capture_output=True, text=True)
    assert checked.stdout.split("\n")[:2] == names
