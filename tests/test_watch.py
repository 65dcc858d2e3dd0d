"""`watch`: blocks stay equal to what a full `fill` writes, while editors and git work.

The pure part (settling) is tested without threads (which notes to refresh: test_refresh.py);
the watcher itself runs a real watchdog observer on a temporary vault, and the command runs as
a real process.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from vault_tools import manifest
from vault_tools.fill import fill_vault, manifest_key
from vault_tools.parse import parse_note
from vault_tools.site.site_cache import text_digest
from vault_tools.vault import find_vault
from vault_tools.watch import (
    MISSING,
    Batch,
    Probe,
    Timing,
    Watcher,
    git_busy,
    note_event,
    settle,
)

from .conftest import write_vault

pytestmark = pytest.mark.slow  # real watchers waiting on the file system

T = Timing()

# --- settling -------------------------------------------------------------------------------------


def test_a_path_settles_after_a_quiet_period_with_a_stable_size() -> None:
    state = note_event(None, 10.0)
    probe = Probe(120, 5, 1)
    state, again = settle(state, probe, 10.0, T)
    assert again == pytest.approx(10.0 + T.quiet)
    state, again = settle(state, probe, 10.0 + T.quiet, T)
    assert again is None


def test_a_size_change_without_an_event_restarts_the_wait() -> None:
    state, _ = settle(note_event(None, 0.0), Probe(10, 1, 1), 0.0, T)
    state, again = settle(state, Probe(20, 2, 1), T.quiet, T)
    assert again == pytest.approx(2 * T.quiet)
    _, again = settle(state, Probe(20, 2, 1), 2 * T.quiet, T)
    assert again is None


def test_a_new_event_restarts_the_wait() -> None:
    state, _ = settle(note_event(None, 0.0), Probe(10, 1, 1), 0.0, T)
    state = note_event(state, 0.1)
    _, again = settle(state, Probe(10, 1, 1), T.quiet, T)
    assert again == pytest.approx(0.1 + T.quiet)


@pytest.mark.parametrize("probe", [MISSING, Probe(0, 7, 1)], ids=["missing", "empty"])
def test_a_missing_or_empty_file_must_stay_so_longer_before_it_counts(probe: Probe) -> None:
    state, _ = settle(note_event(None, 0.0), probe, 0.0, T)
    state, again = settle(state, probe, T.quiet, T)
    assert again == pytest.approx(T.empty_quiet)
    # The editor's rename lands: the note is back, and is read a quiet period later.
    state = note_event(state, 0.2)
    state, again = settle(state, Probe(300, 9, 2), 0.2, T)
    assert again == pytest.approx(0.2 + T.quiet)
    _, again = settle(state, Probe(300, 9, 2), 0.2 + T.quiet, T)
    assert again is None


def test_a_file_that_never_stops_changing_is_read_after_max_wait() -> None:
    state = note_event(None, 0.0)
    now = 0.0
    size = 1
    while True:
        state = note_event(state, now)
        state, again = settle(state, Probe(size, size, 1), now, T)
        if again is None:
            break
        now += 0.05
        size += 1
    assert now == pytest.approx(T.max_wait, abs=0.06)


def test_git_is_busy_while_it_holds_its_lock_or_merges(tmp_path: Path) -> None:
    git_dir = tmp_path / ".git"
    git_dir.mkdir()
    assert git_busy(git_dir) is None
    (git_dir / "index.lock").touch()
    assert git_busy(git_dir) == "git holds index.lock"
    (git_dir / "index.lock").unlink()
    (git_dir / "rebase-merge").mkdir()
    assert git_busy(git_dir) == "a rebase is in progress"
    assert git_busy(None) is None


DASH = "Follow-ups.md"

# --- the watcher, with a real observer ------------------------------------------------------------

JANE = "contacts/Jane Doe.md"
SAM = "contacts/Sam Lee.md"
MEETING = "notes/Meeting.md"
BASE = {
    JANE: "---\ntype: contact\n---\n# Jane\n",
    SAM: "---\ntype: contact\n---\n# Sam\n",
    MEETING: "Met [[Jane Doe]] today.\n",
    DASH: "# Follow-ups\n",
}
FAST = Timing(quiet=0.1, empty_quiet=0.25, health_interval=1.0)


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll until `condition()` holds; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class Running:
    """A started watcher with everything it said and wrote, for assertions."""

    def __init__(self, root: Path, timing: Timing = FAST) -> None:
        self.root = root
        self.notes = root / "notes"
        self.lines: list[str] = []
        self.batches: list[Batch] = []
        self.watcher = Watcher(find_vault(root), echo=lambda line, error: self.lines.append(line),
                               on_batch=self.batches.append, timing=timing)
        self.watcher.start()
        assert self.watcher.wait_ready(30), "the first fill did not finish"

    def text(self, rel: str) -> str:
        try:
            return (self.notes / rel).read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def block(self, rel: str) -> str:
        text = self.text(rel)
        start = text.find("<!-- vault-tools:related -->")
        return text[start:] if start >= 0 else ""

    def writes(self) -> list[str]:
        return [line for line in self.lines if line.startswith("wrote ")]


@pytest.fixture
def running(tmp_path: Path):
    started: list[Running] = []

    def start(files: dict[str, str], timing: Timing = FAST) -> Running:
        run = Running(write_vault(tmp_path / "vault", files), timing)
        started.append(run)
        return run

    yield start
    for run in started:
        run.watcher.stop()
        assert run.watcher.error is None


def save(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def full_fill_is_clean(root: Path) -> bool:
    return fill_vault(find_vault(root), write=False).changed == []


def counting_plans(monkeypatch: pytest.MonkeyPatch,
                   then: Callable[[int], None] = lambda count: None) -> list[int]:
    """How many notes each of the watcher's own `plan_refresh` calls is given, from now on
    (`then`: called with the number of calls so far, before each plans)."""
    from vault_tools.watch import watcher as watcher_module

    planned: list[int] = []
    plan = watcher_module.plan_refresh

    def counted(index, texts, *args, **kwargs):
        planned.append(len(texts))
        then(len(planned))
        return plan(index, texts, *args, **kwargs)

    monkeypatch.setattr(watcher_module, "plan_refresh", counted)
    return planned


def test_the_first_fill_writes_the_backlinks_and_says_why(running) -> None:
    run = running(BASE)
    assert "[[Meeting]]: Met Jane Doe today." in run.block(JANE)
    assert f"wrote {JANE} (related) ← first fill" in run.lines
    assert full_fill_is_clean(run.root)


def test_a_new_link_appears_in_the_targets_block(running) -> None:
    run = running(BASE)
    save(run.notes / MEETING, "Met [[Jane Doe]] today.\nThen [[Sam Lee]] joined.\n")
    assert wait_for(lambda: "[[Meeting]]: Then Sam Lee joined." in run.block(SAM))
    # The line is printed just after the write lands.
    assert wait_for(lambda: f"wrote {SAM} (related) ← {MEETING} changed" in run.lines)
    assert wait_for(lambda: full_fill_is_clean(run.root))


def test_a_deleted_link_disappears_from_the_targets_block(running) -> None:
    run = running(BASE)
    assert "[[Meeting]]" in run.block(JANE)
    save(run.notes / MEETING, "Met nobody today.\n")
    assert wait_for(lambda: "[[Meeting]]" not in run.text(JANE))
    assert wait_for(lambda: full_fill_is_clean(run.root))


def test_a_deleted_note_leaves_no_backlink_behind(running) -> None:
    run = running(BASE)
    (run.notes / MEETING).unlink()
    assert wait_for(lambda: "[[Meeting]]" not in run.text(JANE))
    assert wait_for(lambda: any(b.changed.get(MEETING) == "deleted" for b in run.batches))


def test_a_renamed_note_moves_its_backlinks(running) -> None:
    run = running(BASE)
    os.rename(run.notes / MEETING, run.notes / "notes/Coffee.md")
    assert wait_for(lambda: "[[Coffee]]: Met Jane Doe today." in run.block(JANE))
    assert "[[Meeting]]" not in run.text(JANE)
    assert wait_for(lambda: full_fill_is_clean(run.root))
    assert wait_for(lambda: any(
        b.changed.get("notes/Coffee.md") == f"renamed from {MEETING}"
        and b.changed.get(MEETING) == "renamed to notes/Coffee.md" for b in run.batches))


def test_renaming_a_target_breaks_links_to_it_and_empties_its_block(running) -> None:
    run = running(BASE)
    os.rename(run.notes / JANE, run.notes / "contacts/Jane Smith.md")
    assert wait_for(lambda: "[[Meeting]]" not in run.text("contacts/Jane Smith.md"))
    assert wait_for(lambda: full_fill_is_clean(run.root))


def test_an_editor_that_truncates_then_writes_is_read_once_it_settles(running) -> None:
    run = running(BASE)
    with open(run.notes / MEETING, "w", encoding="utf-8") as handle:
        handle.flush()  # the file is empty for a moment: that is not a deletion
        time.sleep(0.15)
        handle.write("Met [[Jane Doe]] and [[Sam Lee]].\n")
    assert wait_for(lambda: "[[Meeting]]: Met Jane Doe and Sam Lee." in run.block(SAM))
    assert "[[Meeting]]: Met Jane Doe and Sam Lee." in run.block(JANE)
    assert not any(b.changed.get(MEETING) == "deleted" for b in run.batches)


def test_an_editor_that_writes_a_temp_file_and_renames_it_is_followed(running) -> None:
    run = running(BASE)
    temp = run.notes / "notes/.Meeting.md.swx.tmp"  # VS Code / atomic-save style
    temp.write_text("Met [[Sam Lee]] instead.\n", encoding="utf-8")
    os.replace(temp, run.notes / MEETING)
    assert wait_for(lambda: "[[Meeting]]: Met Sam Lee instead." in run.block(SAM))
    assert wait_for(lambda: "[[Meeting]]" not in run.text(JANE))


def test_a_vim_style_save_moving_the_original_aside_is_not_a_deletion(running) -> None:
    run = running(BASE)
    note = run.notes / MEETING
    os.rename(note, note.with_name("Meeting.md~"))  # vim: backup by rename, then a new file
    time.sleep(0.05)
    note.write_text("Met [[Jane Doe]] and [[Sam Lee]].\n", encoding="utf-8")
    (note.with_name("Meeting.md~")).unlink()
    assert wait_for(lambda: "[[Meeting]]: Met Jane Doe and Sam Lee." in run.block(SAM))
    assert not any(b.changed.get(MEETING) == "deleted" for b in run.batches)
    assert "Meeting.md~" not in " ".join(run.lines)


def test_its_own_writes_cause_no_further_writes(running) -> None:
    run = running(BASE)
    first = len(run.writes())
    save(run.notes / MEETING, "Met [[Jane Doe]] today.\nAnd [[Sam Lee]].\n")
    assert wait_for(lambda: "[[Meeting]]: And Sam Lee." in run.block(SAM))
    time.sleep(1.5)  # a quiet period: the events of its own writes come and go
    # Jane's block is unchanged (the line linking her is the same), so only Sam's is written.
    assert run.writes()[first:] == [f"wrote {SAM} (related) ← {MEETING} changed"]
    assert sum(len(b.written) for b in run.batches) == 1


def test_a_task_reaches_the_follow_ups_dashboard(running) -> None:
    run = running(BASE)
    save(run.notes / MEETING, "Met [[Jane Doe]] today.\n- [ ] send [[Jane Doe]] the paper\n")
    # Shown as a person reads it: the name, not the link syntax.
    assert wait_for(lambda: "send Jane Doe the paper" in run.text(DASH))
    assert wait_for(lambda: "send Jane Doe the paper" in run.text(JANE))


def test_reading_the_notes_wakes_no_watcher_thread_and_every_change_still_arrives(
        running, monkeypatch) -> None:
    """A read is no change: the first fill, a build and every editor read all the notes, and
    each read told as an open and a close kept the observer's threads decoding events in
    Python while the reader waited for the GIL (`change_events`). A write, a rename, a touch,
    a removal and a new folder are still told, in order, after the reads."""
    from vault_tools.watch import watcher as watcher_module

    told: list[tuple[str, str]] = []
    dispatch = watcher_module._Handler.dispatch

    def counted(self, event) -> None:
        told.append((event.event_type, os.path.basename(os.fsdecode(event.src_path))))
        dispatch(self, event)

    monkeypatch.setattr(watcher_module._Handler, "dispatch", counted)
    run = running(BASE)
    told.clear()
    for _ in range(50):
        for rel in BASE:
            (run.notes / rel).read_bytes()
    # inotify keeps its events in order: once the marker's write is told, any read's is too.
    marker = run.notes / "marker.md"
    marker.write_text("x\n", encoding="utf-8")
    assert wait_for(lambda: ("closed", "marker.md") in told, timeout=30), told
    assert not [kind for kind, _ in told if kind in ("opened", "closed_no_write")], told
    os.utime(run.notes / SAM)
    (run.notes / "new").mkdir()
    os.rename(marker, run.notes / "moved.md")
    (run.notes / "moved.md").unlink()
    assert wait_for(lambda: ("deleted", "moved.md") in told, timeout=30), told
    kinds = {(kind, name) for kind, name in told}
    assert {("created", "new"), ("moved", "marker.md"), ("deleted", "moved.md")} <= kinds, told
    # (watchdog 7 tells a touch as `attrib`, older ones as `modified`)
    assert kinds & {("attrib", "Sam Lee.md"), ("modified", "Sam Lee.md")}, told


@pytest.mark.parametrize(("filled", "edited", "file_link"), [
    (True, False, False), (False, False, False), (True, True, False), (True, False, True)])
def test_the_first_fills_follow_ups_are_handed_on_only_for_the_very_notes_it_indexed(
        tmp_path, filled, edited, file_link) -> None:
    """`serve`'s first build takes the follow-ups its watcher's first fill worked out, when it
    loads the very Notes that fill indexed (through the same `ParsedNotes`): the same list
    `open_followups` makes of the build's index, also when that fill wrote blocks (it makes
    the Notes of its own writes as it made those it read). A note saved in between (here, a
    new task) means no hand-on; so does a link that could name a file (the watcher's index
    is not told the files: `[[plan.txt]]` is a missing note there, the file in the site's);
    and it is handed on once."""
    from vault_tools.followups import open_followups
    from vault_tools.site.parsed_notes import ParsedNotes
    from vault_tools.vault import load_index_and_texts

    files = {**BASE, MEETING: "Met [[Jane Doe]] today.\n- [ ] send Jane the deck 📅 2026-01-05\n"}
    if file_link:
        files[SAM] += "Sent him [[plan.txt]].\n- [ ] ask [[plan.txt]] for a date\n"
    root = write_vault(tmp_path / "vault", files)
    (root / "notes" / "plan.txt").write_text("the plan\n", encoding="utf-8")
    if filled:  # (else the first fill writes the blocks: the Notes it indexes are of its writes)
        fill_vault(find_vault(root))
    cache = tmp_path / "cache"
    cache.mkdir()
    parsed = ParsedNotes.load(cache)
    watcher = Watcher(find_vault(root), parse=parsed.note_from_data, first_filled=parsed.save,
                      timing=FAST)
    watcher.start()
    try:
        assert watcher.wait_ready(30)
        if edited:
            save(root / "notes" / MEETING, files[MEETING] + "- [ ] call Sam 📅 2026-01-06\n")
        index, _ = load_index_and_texts(find_vault(root), parse=parsed.note_from_data)
        handed = watcher.first_followups(index)
        if edited or file_link:
            assert handed is None
        else:
            assert handed is not None and handed == open_followups(index)
            assert any("send Jane the deck" in f.title for f in handed), handed
        assert watcher.first_followups(index) is None
    finally:
        watcher.stop()
    assert watcher.error is None


@pytest.mark.parametrize("odd", [None, "filled", "too large", "leaves the vault", "not asked"])
def test_the_first_fills_reading_is_handed_on_only_when_it_read_every_note_whole(
        tmp_path, odd) -> None:
    """`serve`'s first build indexes the notes as its watcher's first fill read them and the
    blocks it wrote (`first_read`), instead of reading every note again: the index and texts
    a load right after that fill gives, what the walk left out (a link leaving the vault, a
    loop) and a note that is not UTF-8 included. Not when that fill could not read a note
    whole (one too large: the site's own load says more of it than the watcher keeps), nor
    from a watcher not made to hand it on (`watch`: every note's text would stay in memory
    for as long as it runs); and once."""
    from vault_tools.vault import MAX_NOTE_BYTES, load_index_and_texts

    root = write_vault(tmp_path / "vault", {
        **BASE, MEETING: "Met [[Jane Doe]] today.\n- [ ] send Jane the deck 📅 2026-01-05\n"})
    (root / "notes" / "loop").symlink_to(root / "notes")  # (a problem of the walk, told)
    (root / "notes" / "contacts" / "Latin1.md").write_bytes(b"caf\xe9\n")
    if odd == "filled":  # (else the first fill writes blocks: the texts are of its writes)
        fill_vault(find_vault(root))
    elif odd == "too large":
        (root / "notes" / "contacts" / "Big.md").write_bytes(b"x" * (MAX_NOTE_BYTES + 1))
    elif odd == "leaves the vault":
        (tmp_path / "elsewhere.md").write_text("# Elsewhere\n", encoding="utf-8")
        (root / "notes" / "contacts" / "Elsewhere.md").symlink_to(tmp_path / "elsewhere.md")
    watcher = Watcher(find_vault(root), timing=FAST, site_next=odd != "not asked")
    watcher.start()
    try:
        assert watcher.wait_ready(30)
        read = watcher.first_read()
        index, texts = load_index_and_texts(find_vault(root))
    finally:
        watcher.stop()
    assert watcher.error is None
    if odd in ("too large", "not asked"):
        assert read is None
        return
    assert read is not None and watcher.first_read() is None
    handed, handed_texts = read.index_and_texts(find_vault(root))
    assert list(handed.notes.items()) == list(index.notes.items())
    assert dict(handed_texts) == dict(texts)
    # Each text's digest as the site works it out, handed on rather than worked out again.
    assert read.digests == {path: text_digest(text) for path, text in texts.items()}
    assert handed.diagnostics() == index.diagnostics() and index.diagnostics()
    assert "vault-tools:" in handed_texts[MEETING]  # (the fill's writes, as written)


def test_files_it_must_skip_cause_nothing(running) -> None:
    run = running(BASE)
    first = list(run.lines)
    save(run.notes / "notes/.Meeting.md.swp", "[[Sam Lee]]")
    save(run.notes / "notes/Meeting.md~", "[[Sam Lee]]")
    save(run.notes / ".obsidian/workspace.md", "[[Sam Lee]]")
    save(run.notes / "templates/contact.md", "[[Sam Lee]]")
    save(run.notes / "notes/Meeting.sync-conflict-20260101-000000-ABC.md", "[[Sam Lee]]")
    time.sleep(1.0)
    assert run.lines == first
    assert "[[" not in run.block(SAM)


def test_it_pauses_while_git_holds_its_lock_and_rescans_after(running) -> None:
    run = running(BASE)
    git_dir = run.root / ".git"
    (git_dir / "refs").mkdir(parents=True)
    (git_dir / "objects").mkdir()
    (git_dir / "HEAD").write_text("ref: refs/heads/main\n")
    run.watcher.stop()
    run = running(BASE)  # a watcher that finds the new repository
    (git_dir / "index.lock").touch()
    save(run.notes / MEETING, "Met [[Sam Lee]] today.\n")
    assert wait_for(lambda: "paused: git holds index.lock" in run.lines)
    time.sleep(0.5)
    assert "[[Meeting]]" not in run.text(SAM)
    (git_dir / "index.lock").unlink()
    assert wait_for(lambda: "[[Meeting]]: Met Sam Lee today." in run.block(SAM))
    assert "git finished: resuming" in run.lines


def test_a_dead_observer_is_restarted_and_a_rescan_finds_what_it_missed(running) -> None:
    run = running(BASE)
    run.watcher._observer.stop()  # as if the inotify thread had died
    run.watcher._observer.join(5)
    save(run.notes / MEETING, "Met [[Sam Lee]] today.\n")
    assert wait_for(lambda: "[[Meeting]]: Met Sam Lee today." in run.block(SAM))
    assert "the file observer stopped; restarting it" in run.lines
    assert any(line.startswith("rescanning (the observer restarted)") for line in run.lines)


def many_notes(count: int) -> dict[str, str]:
    files = dict(BASE)
    for i in range(count):
        files[f"contacts/P{i}.md"] = f"---\ntype: contact\ncadence: 30d\n---\n# P{i}\n"
        files[f"notes/N{i}.md"] = f"Met [[P{i}]] and [[Jane Doe]].\n- [ ] write to [[P{i}]]\n"
    return files


def test_an_idle_watcher_writes_nothing_and_uses_almost_no_cpu(running) -> None:
    run = running(many_notes(150), Timing())
    time.sleep(1.0)  # the events of the first fill's own writes settle
    lines = len(run.lines)
    mtimes = {p: p.stat().st_mtime_ns for p in run.notes.rglob("*.md")}
    cpu = time.process_time()
    time.sleep(3.0)
    used = time.process_time() - cpu
    assert used < 0.2, f"{used:.3f} s of CPU in 3 s of idling"
    assert len(run.lines) == lines
    assert {p: p.stat().st_mtime_ns for p in run.notes.rglob("*.md")} == mtimes


EDITOR = r'''
import os, random, sys, time
notes, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(notes) for f in fs if f.endswith(".md"))
for i in range(count):
    path = rng.choice(paths)
    line = f"- edit {i} about [[P{rng.randrange(5)}]]\n"
    if rng.random() < 0.2:
        line = f"- [ ] task {i} for [[P{rng.randrange(5)}]]\n"
    if rng.random() < 0.5:
        with open(path, "a", encoding="utf-8") as handle:  # in place, as nano or echo >> do
            handle.write(line)
    else:  # write a temp file, then rename it over the note, as VS Code and vim do
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        temp = os.path.join(os.path.dirname(path), f".edit-{i}.tmp")
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text + ("" if text.endswith("\n") else "\n") + line)
        os.replace(temp, path)
    print(os.path.relpath(path, notes) + "\t" + line.strip(), flush=True)
    time.sleep(rng.random() * 0.02)
'''


def test_many_random_edits_lose_no_line_and_leave_what_fill_writes(running, tmp_path) -> None:
    files = {**BASE, DASH: "# Follow-ups\n"}
    for i in range(5):
        files[f"contacts/P{i}.md"] = f"---\ntype: contact\n---\n# P{i}\n"
        files[f"notes/N{i}.md"] = f"About [[P{i}]].\n"
    run = running(files)
    script = tmp_path / "editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    started = time.monotonic()
    editor = subprocess.run([sys.executable, str(script), str(run.notes), "7", "400"],
                            capture_output=True, text=True, timeout=60, check=True)
    assert time.monotonic() - started < 40  # a burst, even on a loaded machine
    appended: dict[str, list[str]] = {}
    for entry in editor.stdout.splitlines():
        rel, line = entry.split("\t")
        appended.setdefault(rel, []).append(line)
    assert wait_for(lambda: full_fill_is_clean(run.root), timeout=8)
    for rel, lines in appended.items():
        text = run.text(rel)
        body = re.sub(r"<!-- vault-tools:(\w+) -->.*?<!-- /vault-tools:\1 -->", "", text,
                      flags=re.S)
        for line in lines:
            assert body.count(line + "\n") == 1, f"{rel}: {line!r} lost or duplicated"
        assert text.count("<!-- vault-tools:related -->") <= 1, f"{rel}: duplicated block"
        assert text.count("<!-- /vault-tools:related -->") <= 1
    # The watcher wrote while the editor was saving (how often depends on the machine's load).
    assert len(run.writes()) >= 5
    assert not list(run.notes.rglob("*.sync-conflict-*"))
    assert not [line for line in run.lines if line.startswith("error")]
    assert run.watcher.error is None


# --- the command ----------------------------------------------------------------------------------


class Lines:
    """Collects a process's output lines on a thread, so the test can wait for one."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def has(self, prefix: str) -> bool:
        return any(line.startswith(prefix) for line in self.lines)

    def join(self) -> None:
        self._thread.join(5)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_watch_command_reports_each_write_and_stops_cleanly(make_vault, sig) -> None:
    root = make_vault(BASE)
    proc = subprocess.Popen(
        [sys.executable, "-m", "vault_tools", "watch", "--vault", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        out, err = Lines(proc.stdout), Lines(proc.stderr)
        assert wait_for(lambda: out.has("watching "), timeout=15), (out.lines, err.lines)
        assert f"wrote {JANE} (related) ← first fill" in out.lines
        save(root / "notes" / MEETING, "Met [[Sam Lee]] today.\n")
        assert wait_for(lambda: out.has(f"wrote {SAM} (related) ← {MEETING} changed"))
        proc.send_signal(sig)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    out.join()
    err.join()
    proc.stdout.close()
    proc.stderr.close()
    assert out.lines[-1].startswith("Stopped after ")
    # First fill: Jane and the dashboard; then Sam gains the link and Jane loses it.
    assert out.lines[-1].endswith(
        ": 1 note change seen, 4 notes written, 0 errors, 0 problems in notes.")
    assert err.lines == []
    assert list(root.rglob("*.tmp")) == []


def told(rel: str, text: str) -> list[str]:
    """The lines watch prints for the problems of a note: file:line: severity: message."""
    return [f"{d.path}:{d.line}: {d.severity}: {d.message}"
            for d in parse_note(rel, text).diagnostics]


def test_the_problems_of_each_note_read_are_printed_and_counted(running) -> None:
    bad_yaml = "---\ntype: contact\ncompany: [oops\n---\n# Bad\n"
    run = running({**BASE, "contacts/Bad.md": bad_yaml})
    assert told("contacts/Bad.md", bad_yaml) == [  # (and, once, that it is not filled)
        line for line in run.lines
        if line.startswith("contacts/Bad.md:") and ": left alone: " not in line]
    assert [line for line in run.lines if line.startswith("contacts/Bad.md:4: left alone: ")]
    assert ": error: " in told("contacts/Bad.md", bad_yaml)[0]
    bad_date = "---\ntype: interview\ndate: 2026-02-30\nwith: \"[[Jane Doe]]\"\n---\n"
    save(run.notes / "interviews/Talk.md", bad_date)
    expected = told("interviews/Talk.md", bad_date)
    assert expected and expected[0].startswith("interviews/Talk.md:3: error: ")
    assert wait_for(lambda: all(line in run.lines for line in expected))
    assert run.watcher.summary.problems == len(told("contacts/Bad.md", bad_yaml)) + len(expected)
    save(run.notes / "interviews/Talk.md", bad_date.replace("02-30", "02-28"))
    assert wait_for(lambda: "interviews/Talk.md: no problems now" in run.lines)
    assert run.watcher.stop().describe().endswith(
        f", {run.watcher.summary.problems} problems in notes.")


def test_a_problem_is_told_once_however_often_the_note_is_saved(running) -> None:
    # An editor saving every few seconds a note whose date is wrong printed the same line at
    # every save: the problems of a note are told when they change.
    run = running(BASE)
    talk = "interviews/Talk.md"
    bad = "---\ntype: interview\ndate: 2026-02-30\nwith: \"[[Jane Doe]]\"\n---\n"
    problem = told(talk, bad)[0]
    for version in range(6):
        save(run.notes / talk, bad + f"Met [[Jane Doe]], take {version}.\n")
        assert wait_for(lambda v=version: f"take {v}." in run.block(JANE), timeout=30)
    assert run.lines.count(problem) == 1
    assert run.watcher.summary.problems == 1
    save(run.notes / talk, bad.replace("02-30", "02-28"))
    assert wait_for(lambda: f"{talk}: no problems now" in run.lines, timeout=30)
    save(run.notes / talk, bad)
    assert wait_for(lambda: run.lines.count(problem) == 2, timeout=30)


def test_a_note_with_thousands_of_problems_prints_a_few(running) -> None:
    # A pasted log of 2,000 tasks with impossible dates printed 2,000 lines at every start.
    log = "".join(f"- [ ] step {i} 📅 2026-02-30\n" for i in range(2000))
    run = running({**BASE, "notes/Log.md": log})
    mine = [line for line in run.lines if line.startswith("notes/Log.md")]
    assert mine[:10] == told("notes/Log.md", log)[:10]
    assert mine[10:] == ["notes/Log.md: 1,990 more problems; `vault-tools check` lists them all"]
    assert run.watcher.summary.problems == 2000


def test_an_escape_sequence_in_a_note_name_is_printed_as_text(running) -> None:
    # A synced file named "Clear\e[2J.md" with a bad date: watch cleared the terminal.
    bad = "---\ntype: contact\nlast_contact: 2026-02-30\n---\n"
    run = running({**BASE, "Clear\x1b[2J.md": bad})
    assert "Clear\\x1b[2J.md:3: error: " + told("x.md", bad)[0].split(": error: ")[1] \
        in run.lines
    assert not any("\x1b" in line for line in run.lines)


def test_lost_events_reported_by_watchdog_cause_a_rescan(running) -> None:
    run = running(BASE)
    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost")
    assert wait_for(lambda: "rescanning (events were lost): 0 notes moved" in run.lines)


def test_a_conflicted_note_is_reported_once_and_left_alone(running) -> None:
    run = running(BASE)
    conflicted = "<<<<<<< HEAD\nMet [[Sam Lee]].\n=======\nMet [[Jane Doe]].\n>>>>>>> other\n"
    save(run.notes / MEETING, conflicted)
    assert wait_for(lambda: "[[Meeting]]: Met Sam Lee." in run.block(SAM))
    save(run.notes / MEETING, conflicted + "\n")
    time.sleep(0.6)
    assert run.text(MEETING) == conflicted + "\n"
    left_alone = [line for line in run.lines if line.startswith(f"{MEETING}:1: left alone")]
    assert len(left_alone) == 1


def test_the_periodic_rescan_finds_a_change_whose_events_were_lost(running) -> None:
    run = running(BASE, Timing(quiet=0.1, empty_quiet=0.25, rescan_interval=1.0,
                               health_interval=100.0))
    run.watcher._stop_observer()  # from here on, no file event reaches the watcher
    save(run.notes / MEETING, "Met [[Sam Lee]] today.\n")
    assert wait_for(lambda: "[[Meeting]]: Met Sam Lee today." in run.block(SAM))
    assert "[[Meeting]]" not in run.text(JANE)


def test_the_rescan_finds_an_edit_that_kept_size_mtime_and_inode(running) -> None:
    # A sync tool or `touch -r` can put the old mtime back on an edited file of the same
    # size; the inode's change time still moves, and the rescan compares it too.
    run = running(BASE, Timing(quiet=0.1, empty_quiet=0.25, rescan_interval=1.0,
                               health_interval=100.0))
    assert wait_for(lambda: "[[Meeting]]: Met Jane Doe today." in run.block(JANE))
    run.watcher._stop_observer()  # from here on, no file event reaches the watcher
    path = run.notes / MEETING
    before = path.stat()
    edited = "Met [[Sam Lee]] today..\n"
    assert len(edited) == before.st_size
    with open(path, "r+", encoding="utf-8") as file:  # in place: the same inode
        file.write(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == \
        (before.st_size, before.st_mtime_ns, before.st_ino)
    assert wait_for(lambda: "[[Meeting]]: Met Sam Lee today.." in run.block(SAM))


def test_notes_in_a_new_folder_and_a_renamed_folder_are_followed(running) -> None:
    run = running(BASE)
    folder = run.notes / "projects/2026"
    folder.mkdir(parents=True)
    (folder / "Plan.md").write_text("Ask [[Sam Lee]].\n", encoding="utf-8")
    assert wait_for(lambda: "[[Plan]]: Ask Sam Lee." in run.block(SAM))
    outside = run.root / "elsewhere/people"
    outside.mkdir(parents=True)
    (outside / "Kim.md").write_text("Knows [[Sam Lee]].\n", encoding="utf-8")
    os.rename(outside, run.notes / "people")  # a folder moved in: its notes come with it
    assert wait_for(lambda: "[[Kim]]: Knows Sam Lee." in run.block(SAM))
    assert wait_for(lambda: any(line.startswith("rescanning (a folder came, went or moved)")
                                for line in run.lines))
    os.rename(run.notes / "notes", run.notes / "journal")
    assert wait_for(lambda: "journal/Meeting.md" in run.watcher.index.notes)
    assert MEETING not in run.watcher.index.notes
    assert "[[Meeting]]: Met Jane Doe today." in run.block(JANE)
    assert wait_for(lambda: full_fill_is_clean(run.root))


def test_a_note_held_open_is_filled_once_closed_and_no_write_is_lost(running) -> None:
    from .test_writer import Holder

    run = running(BASE)
    sam = run.notes / SAM
    held = Holder(sam)  # `(echo a; sleep 2; echo b) >> note.md`, the test deciding when b comes
    try:
        save(run.notes / MEETING, "Met [[Sam Lee]] today.\n")  # Sam's block must now change
        assert wait_for(lambda: any("held open" in line for line in run.lines)
                        or "[[Meeting]]" in run.block(SAM), timeout=30)
        held.finish()
    finally:
        held.kill()
    assert wait_for(lambda: "written later\n" in run.text(SAM)
                    and "[[Meeting]]" in run.block(SAM), timeout=30), run.text(SAM)
    assert run.text(SAM).startswith("---\ntype: contact\n---\n# Sam\nwritten first\n"
                                    "written later\n")
    assert f"{SAM}: held open by another program; not written, will be retried" in run.lines
    assert wait_for(lambda: full_fill_is_clean(run.root), timeout=30)


def test_a_held_note_closed_without_a_write_is_still_filled(running) -> None:
    from .test_writer import Holder

    run = running(BASE)
    held = Holder(run.notes / SAM, "", "")  # opened for writing, closed without writing
    try:
        save(run.notes / MEETING, "Met [[Sam Lee]] today.\n")
        assert wait_for(lambda: any("held open" in line for line in run.lines),
                        timeout=30), run.lines
        held.finish()
    finally:
        held.kill()
    # The line is printed just after the write: wait for it, not for the file.
    assert wait_for(lambda: f"wrote {SAM} (related) ← no longer held open" in run.lines,
                    timeout=30), run.lines
    assert "[[Meeting]]" in run.block(SAM)
    assert run.text(SAM).startswith("---\ntype: contact\n---\n# Sam\n")


def test_watch_start_removes_a_killed_writes_temp_file_and_nothing_else(tmp_path) -> None:
    from .test_writer import make_leftovers, temps

    root = write_vault(tmp_path / "vault", {**BASE, "note.md": "# A note\n"})
    stale, foreign = make_leftovers(root / "notes")
    run = Running(root)
    try:
        assert not stale.exists()
        assert all(item.exists() for item in foreign)
        assert [item for item in temps(root / "notes") if item not in foreign] == []
        assert "removed 1 temp file left by an interrupted write" in run.lines
    finally:
        run.watcher.stop()


def test_a_burst_of_changes_is_handled_by_one_rescan(running) -> None:
    run = running(BASE, Timing(quiet=0.1, empty_quiet=0.25, burst=5))
    for i in range(12):
        save(run.notes / f"notes/Burst {i}.md", f"Item {i} for [[Sam Lee]].\n")
    assert wait_for(lambda: all(f"[[Burst {i}]]: Item {i} for Sam Lee." in run.block(SAM)
                                for i in range(12)))
    assert wait_for(lambda: any(line.startswith("rescanning (a burst of events): ")
                                for line in run.lines))
    assert wait_for(lambda: full_fill_is_clean(run.root))


def test_a_note_made_private_is_no_longer_quoted_in_public_notes(running) -> None:
    run = running(BASE)
    save(run.notes / MEETING, "Met [[Sam Lee]] about the quiet move.\n")
    assert wait_for(lambda: "[[Meeting]]: Met Sam Lee about the quiet move." in run.block(SAM))
    save(run.notes / MEETING, "---\nPrivate: true\n---\nMet [[Sam Lee]] about the quiet move.\n")
    assert wait_for(lambda: "quiet move" not in run.block(SAM), timeout=10.0)
    assert "- [[Meeting]]" in run.block(SAM)  # listed by its link only (§5)


def test_a_save_of_prose_alone_changes_no_other_note_and_a_later_save_still_reaches_them(
        running) -> None:
    """A note parsed the same as before plans only its own blocks (nothing the index keeps
    changed); the next save that does change it reaches the other notes as always."""
    run = running(BASE)
    before = run.text(JANE)
    batches = len(run.batches)
    save(run.notes / MEETING, "Met [[Jane Doe]] today.\n\nA paragraph of prose, no link.\n")
    assert wait_for(lambda: len(run.batches) > batches)
    assert run.text(JANE) == before
    assert full_fill_is_clean(run.root)
    save(run.notes / MEETING, "Met [[Jane Doe]] again today.\n\nA paragraph of prose.\n")
    assert wait_for(lambda: "[[Meeting]]: Met Jane Doe again today." in run.block(JANE))
    assert wait_for(lambda: full_fill_is_clean(run.root))


def test_the_first_fill_after_a_complete_fill_plans_only_what_the_edits_since_reach(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`watch` started on a vault `fill` filled completely works out only the notes the edits
    made since reach (as `fill` does), and leaves every note as a full fill would: a link
    added shows in its target's block, a block typed in is written again."""
    files = dict(BASE)
    for i in range(20):
        files[f"contacts/P{i}.md"] = f"---\ntype: contact\n---\n# P{i}\n"
        files[f"notes/N{i}.md"] = f"Met [[P{i}]].\n"
    root = write_vault(tmp_path / "vault", files)
    total = fill_vault(find_vault(root)).notes
    notes = root / "notes"
    save(notes / "notes/N3.md", "Met [[P3]], who knows [[P4]] well.\n")
    p7 = notes / "contacts/P7.md"
    text = p7.read_text(encoding="utf-8")
    start = text.index("<!-- vault-tools:related -->") + len("<!-- vault-tools:related -->")
    save(p7, text[:start] + "\ntyped into the block\n" + text[start:])
    planned = counting_plans(monkeypatch)
    run = Running(root)
    try:
        assert len(planned) == 1 and planned[0] <= total / 4, (planned, total)
        assert "typed into the block" not in run.text("contacts/P7.md")
        assert "[[N3]]: Met P3, who knows P4 well." in run.text("contacts/P4.md")
        assert fill_vault(find_vault(root), write=False, trust_manifest=False).changed == []
    finally:
        run.watcher.stop()


def test_a_complete_first_fill_is_recorded_so_the_next_start_and_fill_read_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first fill that writes every change it planned is a complete fill, recorded as `fill`
    records one: `fill` then reads no note, and the next start plans only what the edits made
    since reach (nothing when there are none), leaving every note as a full fill would."""
    files = dict(BASE)
    for i in range(20):
        files[f"contacts/P{i}.md"] = f"---\ntype: contact\n---\n# P{i}\n"
        files[f"notes/N{i}.md"] = f"Met [[P{i}]].\n- [ ] Call [[P{i}]] 📅 2026-01-0{1 + i % 9}\n"
    root = write_vault(tmp_path / "vault", files)
    planned = counting_plans(monkeypatch)
    for _ in range(2):
        run = Running(root)
        run.watcher.stop()
        assert run.watcher.error is None
    # Never filled: the first start plans every note; the second, after it, none.
    assert planned == [len(files), 0]
    vault = find_vault(root)
    assert manifest.is_current(vault, manifest_key(vault), manifest.note_stamps(vault))
    assert fill_vault(vault).written == []
    assert fill_vault(vault, write=False, trust_manifest=False).changed == []
    # An edit between starts: only what it reaches is planned, and the vault is as filled.
    save(root / "notes/notes/N3.md", "Met [[P3]], who knows [[P4]] well.\n")
    planned.clear()
    run = Running(root)
    run.watcher.stop()
    assert planned and planned[0] <= len(files) / 4, planned
    assert "[[N3]]: Met P3, who knows P4 well." in run.text("contacts/P4.md")
    assert fill_vault(vault, write=False, trust_manifest=False).changed == []


def test_a_start_after_prose_edits_plans_only_the_edited_notes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first fill records every note's parse (as `build` does), so that a note edited with
    prose alone before the next start, parsing as it did, is the only note that start plans:
    `serve` restarted every morning after a day of notes works out no one else's blocks."""
    files = dict(BASE)
    for i in range(20):
        files[f"contacts/P{i}.md"] = f"---\ntype: contact\n---\n# P{i}\n\nKnows [[P{i + 1}]].\n"
        files[f"notes/N{i}.md"] = f"Met [[P{i}]] and [[P{(i + 1) % 20}]].\n"
    root = write_vault(tmp_path / "vault", files)
    for _ in range(2):  # never filled, then filled by the first start
        run = Running(root)
        run.watcher.stop()
        assert run.watcher.error is None
    p3 = root / "notes/contacts/P3.md"
    save(p3, p3.read_text(encoding="utf-8") + "\nA quiet word about the weather.\n")
    planned = counting_plans(monkeypatch)
    run = Running(root)
    run.watcher.stop()
    assert planned == [1]
    assert fill_vault(find_vault(root), write=False, trust_manifest=False).changed == []
    # A later edit that changes what the index holds reaches its neighbours again.
    save(p3, p3.read_text(encoding="utf-8") + "\nAlso knows [[P9]].\n")
    planned.clear()
    run = Running(root)
    run.watcher.stop()
    assert planned and planned[0] > 1
    assert "[[P3]]" in run.block("contacts/P9.md")
    assert fill_vault(find_vault(root), write=False, trust_manifest=False).changed == []


def test_a_save_during_the_first_fill_means_no_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A note saved while the first fill plans (after the notes were read) is not what was
    filled: nothing is recorded, and the next start works out every note again."""
    root = write_vault(tmp_path / "vault", dict(BASE))

    def saving(calls: int) -> None:
        if calls == 1:
            save(root / "notes" / MEETING, "Met [[Jane Doe]] today, and [[Sam Lee]].\n")

    planned = counting_plans(monkeypatch, saving)
    run = Running(root)
    run.watcher.stop()
    vault = find_vault(root)
    assert not manifest.is_current(vault, manifest_key(vault), manifest.note_stamps(vault))
    planned.clear()
    run = Running(root)
    run.watcher.stop()
    assert planned == [len(BASE)]
    assert "[[Meeting]]" in run.text(SAM) or "Meeting" in run.block(SAM)
