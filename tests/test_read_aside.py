"""A vault read by two processes (`read_notes(aside_ok=True)`: `check` and `fill`) is the vault
read by one: the same notes, texts, links and problems, whatever the second process does (it
fails, is killed, or never starts), and no process is left behind (`vault_tools.aside.Ahead`)."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vault_tools.vault as vault_module
from vault_tools import aside
from vault_tools.aside import Ahead
from vault_tools.cli import main
from vault_tools.vault import MAX_NOTE_BYTES, find_vault, load_index_seeing, read_notes

from .test_generator import gv

CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated vault, with every hostile case of tests/cases and files that are no
    readable note (binary, UTF-16, too large, a symbolic link out of the vault, a FIFO)."""
    root = gv.generate_vault(tmp_path_factory.mktemp("aside") / "vault", 120, seed=5)
    notes = root / "notes"
    (notes / "cases").mkdir()
    for case in sorted(CASES.glob("*.md")):
        shutil.copyfile(case, notes / "cases" / case.name)
    (notes / "binary.md").write_bytes(b"\x00\x01\x02 not text")
    (notes / "utf16.md").write_bytes("# Ann".encode("utf-16"))
    (notes / "huge.md").write_bytes(b"x" * (MAX_NOTE_BYTES + 1))
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("---\ntype: contact\n---\nsecret words\n", encoding="utf-8")
    (notes / "leaving.md").symlink_to(outside)
    os.mkfifo(notes / "pipe.md")
    return root


@pytest.fixture
def split_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read of more than two notes is split, and the test fails if it could not be
    (another test left a thread running)."""
    monkeypatch.setattr(vault_module, "SPLIT_AT", 3)
    assert aside.available(), [t.name for t in threading.enumerate()]


def loaded(root: Path, aside_ok: bool, contexts: bool = True):
    """The index's notes, in order, and what `see` was handed, by path."""
    seen: dict[str, str] = {}

    def see(note, text):
        assert note.path not in seen
        seen[note.path] = text

    index = load_index_seeing(find_vault(root), see, contexts=contexts, aside_ok=aside_ok)
    return (list(index.notes.values()), seen, index.diagnostics(),
            {path: index.backlinks(path) for path in index.notes})


def no_children_left() -> bool:
    """This process has no child, running or waiting to be waited for."""
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("contexts", [True, False])
def test_a_vault_read_by_two_processes_is_the_vault_read_by_one(
        vault: Path, split_always: None, contexts: bool) -> None:
    one = loaded(vault, aside_ok=False, contexts=contexts)
    two = loaded(vault, aside_ok=True, contexts=contexts)
    assert [n.path for n in two[0]] == [n.path for n in one[0]]
    assert two == one
    assert "cases/billion_laughs.md" in two[1] and "binary.md" not in two[1]
    assert no_children_left()


def test_the_links_sent_back_are_kept_once_as_the_parser_keeps_them(
        vault: Path, split_always: None) -> None:
    """The parser interns link targets (a vault repeats them thousands of times): those parsed
    by the second process are the same objects again, not a copy per batch sent."""
    def kept_once(notes):
        return [(note.path, [link.target is sys.intern(link.target) for link in note.links])
                for note in notes]

    two = kept_once(loaded(vault, aside_ok=True)[0])
    one = kept_once(loaded(vault, aside_ok=False)[0])
    assert [path for path, _ in two] == [path for path, _ in one]
    flags = [(a, b) for (_, by_one), (_, by_two) in zip(one, two, strict=True)
             for a, b in zip(by_one, by_two, strict=True)]
    assert all(b for a, b in flags if a) and sum(a for a, _ in flags) > 100


def test_the_notes_the_second_process_never_sent_are_read_by_the_first(
        vault: Path, split_always: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after its first batch (by another program, out of memory), or failing on a
    note it cannot send, the second process leaves nothing out."""
    expected = loaded(vault, aside_ok=False)
    real = vault_module._read_batches
    parent = os.getpid()

    def dies_after_one(*args, **kwargs):
        for count, batch in enumerate(real(*args, **kwargs)):
            if count == 1 and os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            yield batch

    monkeypatch.setattr(vault_module, "_read_batches", dies_after_one)
    monkeypatch.setattr(vault_module, "READ_BATCH", 8)
    assert loaded(vault, aside_ok=True) == expected
    assert no_children_left()

    def fails_at_once(*args, **kwargs):
        if os.getpid() != parent:
            raise RecursionError("maximum recursion depth exceeded while pickling")
        yield from real(*args, **kwargs)

    monkeypatch.setattr(vault_module, "_read_batches", fails_at_once)
    assert loaded(vault, aside_ok=True) == expected
    assert no_children_left()


def test_without_a_process_to_be_had_the_vault_is_read_by_one(
        vault: Path, split_always: None, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = loaded(vault, aside_ok=False)

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert loaded(vault, aside_ok=True) == expected


def test_a_read_stopped_midway_leaves_no_second_process(
        vault: Path, split_always: None) -> None:
    """Ctrl-C (or any error of the caller) while the notes are read stops the second process,
    which changes nothing, and waits for it: no process is left running or unwaited."""
    reading = read_notes(find_vault(vault), sorted(
        p.relative_to(vault / "notes").as_posix() for p in (vault / "notes").rglob("*.md")
        if p.is_file() and not p.is_symlink()), aside_ok=True)
    next(reading)
    with pytest.raises(KeyboardInterrupt):
        reading.throw(KeyboardInterrupt())
    assert no_children_left()


def test_check_and_fill_say_the_same_with_two_processes(
        tmp_path: Path, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands that read with two processes (`check`, `fill`) print and write what they
    print and write with one."""
    runner = CliRunner()
    outputs = []
    for split_at in (10**9, 3):
        monkeypatch.setattr(vault_module, "SPLIT_AT", split_at)
        copy = tmp_path / f"copy{split_at}"
        shutil.copytree(vault, copy, symlinks=True, ignore=lambda d, names: [
            n for n in names if n == "pipe.md"])
        check = runner.invoke(main, ["check", "--vault", str(copy)])
        fill = runner.invoke(main, ["fill", "--vault", str(copy)])
        again = runner.invoke(main, ["fill", "--vault", str(copy)])
        outputs.append((check.output.replace(str(copy), "VAULT"), check.exit_code,
                        fill.output, fill.exit_code, again.output,
                        {p.relative_to(copy).as_posix(): p.read_bytes()
                         for p in sorted((copy / "notes").rglob("*.md"))
                         if p.is_file() and not p.is_symlink()}))
    assert outputs[0] == outputs[1]
    assert "0 of" in outputs[1][4]


# --- the second process itself -------------------------------------------------------------

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(max_size=3000), st.binary(max_size=3000), st.integers()),
                max_size=60),
       st.integers(min_value=0, max_value=8))
def test_what_the_second_process_yields_arrives_whole_and_in_order(values, polls) -> None:
    assert aside.available()
    ahead = Ahead(lambda: iter(values))
    got = []
    for _ in range(polls):
        got += ahead.arrived()
    got += ahead.rest()
    assert got == values and ahead.complete and ahead.failure is None
    assert no_children_left()


def test_a_second_process_that_raises_says_so_after_what_it_sent() -> None:
    def produce():
        yield 1
        yield 2
        raise ValueError("bad note")

    ahead = Ahead(produce)
    assert ahead.rest() == [1, 2]
    assert not ahead.complete and ahead.failure == "ValueError: bad note"
    assert no_children_left()


def test_a_second_process_killed_is_not_complete() -> None:
    def produce():
        yield "first"
        os.kill(os.getpid(), signal.SIGKILL)
        yield "never"

    ahead = Ahead(produce)
    assert ahead.rest() == ["first"]
    assert not ahead.complete and ahead.failure is None
    assert no_children_left()


def test_a_second_process_is_killed_at_once_when_told() -> None:
    def produce():
        yield "first"
        threading.Event().wait(60)
        yield "late"

    ahead = Ahead(produce)
    ahead.kill()
    assert not ahead.complete
    assert no_children_left()


def test_what_a_fill_keeps_of_each_text_is_worked_out_where_the_note_was_read(
        vault: Path, split_always: None) -> None:
    """`keep` (a fill's digests of each note's blocks and text) runs in the process that
    parsed the note: the second process sends the digests, not the text, and they are the
    digests of the text as read."""
    from vault_tools.fill import _digests_of

    def digests(aside_ok: bool) -> dict[str, tuple]:
        seen: dict[str, tuple] = {}
        load_index_seeing(find_vault(vault), lambda note, kept: seen.setdefault(note.path, kept),
                          aside_ok=aside_ok, keep=_digests_of)
        return seen

    texts = loaded(vault, aside_ok=False)[1]
    two = digests(True)
    assert two == digests(False)
    assert two == {path: _digests_of(note, texts[path])
                   for note in loaded(vault, aside_ok=False)[0] if (path := note.path) in texts}


def test_the_writing_process_is_forked_before_the_vault_is_read(
        tmp_path: Path, vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Forked once the index was made, the writing process shared all of it, and planning
    copied it page by page (the two processes' memory at 20,000 notes: 503 MB, against 305 MB
    forked first): the first fill forks each before it reads a note."""
    import vault_tools.fill as fill

    events: list[str] = []
    real_start, real_load = aside.Aside.start, fill.load_index_seeing

    def start(self):
        events.append("writer forked")
        return real_start(self)

    def load(*args, **kwargs):
        events.append("vault read")
        return real_load(*args, **kwargs)

    monkeypatch.setattr(aside.Aside, "start", start)
    monkeypatch.setattr(fill, "load_index_seeing", load)
    copy = tmp_path / "copy"
    shutil.copytree(vault, copy, symlinks=True, ignore=lambda d, names: [
        n for n in names if n == "pipe.md"])
    result = fill.fill_vault(find_vault(copy), write_aside=True, read_aside=True)
    assert len(result.written) > fill.ASIDE_AFTER
    assert events == ["writer forked"] * fill.WRITERS + ["vault read"]
    assert no_children_left()


def test_a_vault_read_aside_in_a_process_with_many_files_open(
        split_always: None, vault: Path) -> None:
    """A program using the library with over a thousand files open (sockets, watches): the
    second process's pipe then has a number `select` cannot take; it is read all the same."""
    from .conftest import many_files_open

    with many_files_open():
        split = loaded(vault, aside_ok=True)
    assert no_children_left()
    assert split == loaded(vault, aside_ok=False)
