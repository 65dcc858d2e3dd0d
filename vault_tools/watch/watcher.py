"""`watch`: keep every generated block filled while the user edits (DESIGN.md §6, §11).

The flow is: watchdog event -> queue -> per-path settling (`settle`) -> one batch -> incremental
index update and the few notes whose blocks can change (`vault_tools.refresh`) ->
`fill.plan_fill` -> `writer.write_note`, each round told through `report`.

`Watcher` is the glue (an observer thread feeding one worker thread) and is embeddable: `start()`,
`stop()`, and an `on_batch` callback for whoever wants to know what changed (the site's `serve`).

Over 600 lines because `Watcher` is one class whose state (the index, the queue, the notes held
open by other programs) is shared by its two threads under one lock: split, its locking would be
spread over modules.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import watchdog.events
from watchdog.events import FileSystemEvent, FileSystemEventHandler

from .. import gcpolicy
from ..fill import (
    FillResult,
    NoteChange,
    SinceLastFill,
    apply_changes,
    dashboard_of,
    hide_private_of,
)
from ..followups import FollowUp
from ..index import VaultIndex
from ..manifest import note_stamps
from ..note_texts import NoteTexts
from ..notes import Diagnostic, Note
from ..parse import unreadable_note
from ..refresh import FollowUpCache, apply_updates, dashboard_path, notes_to_refresh, plan_refresh
from ..report import printable
from ..vault import (
    NoteReader,
    NotesRead,
    NoteTooLargeError,
    OutsideVaultError,
    Vault,
    is_note_path,
    is_skipped,
    iter_note_paths,
    note_from_data,
    read_file,
    scan_notes,
)
from ..writer import content_hash, remove_stale_temps
from .gitstate import find_git_dir, git_busy
from .report import PROBLEMS_SHOWN, Batch, Echo, WatchSummary, describe_causes, plural, silent
from .settle import (
    HELD_RETRY,
    HELD_RETRY_MAX,
    HELD_WAIT,
    PAUSE_TOLD_AFTER,
    Probe,
    Settling,
    Timing,
    note_event,
    probe_path,
    settle,
)

# --- the watcher ----------------------------------------------------------------------------------


def change_events() -> list[type[FileSystemEvent]]:
    """The watchdog events that can mean a file or folder changed: what an observer of the notes
    schedules (`event_filter`). A read is no change: without the filter every note read (the
    first fill reads them all, a build reads them again) is told as an open and a close, which
    the observer's threads decode and hand on, in Python, while the reader waits for the GIL.
    With it, inotify is not even asked for them."""
    names = ("FileCreatedEvent", "FileModifiedEvent", "FileDeletedEvent", "FileMovedEvent",
             "FileClosedEvent", "FileAttribEvent",  # (watchdog 7: a touch, a chmod)
             "DirCreatedEvent", "DirDeletedEvent", "DirMovedEvent")
    return [getattr(watchdog.events, name) for name in names if hasattr(watchdog.events, name)]


# What `_Indexed.hash` holds for a note whose bytes were not read (`_read`).
_NOT_READ = frozenset({"too-large", "unreadable"})


@dataclass(frozen=True)
class _Indexed:
    """What the index holds for a path: the file's probe and content hash when it was read."""

    probe: Probe
    hash: str


class _Overflow(logging.Handler):
    """watchdog reports a kernel event-queue overflow only in its log: turn that into a rescan."""

    def __init__(self, on_overflow: Callable[[], None]) -> None:
        super().__init__(logging.WARNING)
        self._on_overflow = on_overflow

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self._on_overflow()


class Watcher:
    """Keeps a vault's generated blocks filled while its notes change.

    `start()` returns at once: a worker thread indexes and fills the vault once, then follows
    the file events. `wait_ready()` blocks until that first fill is done. `stop()` finishes the
    write in progress, stops both threads and returns the totals. `on_batch` is called (on the
    worker thread) after each round that saw a change, with what changed and what was written.
    """

    def __init__(
        self,
        vault: Vault,
        *,
        echo: Echo = silent,
        on_batch: Callable[[Batch], None] | None = None,
        timing: Timing = Timing(),
        first_filled: Callable[[], None] | None = None,
        parse: NoteReader | None = None,
        site_next: bool = False,
    ) -> None:
        self.vault = vault
        self.timing = timing
        # Called (on the worker thread) once the first fill is written: `watch` freezes the
        # index for the garbage collector there (`gcpolicy.freeze_loaded`).
        self._first_filled = first_filled
        # What makes a Note of each note's bytes at the first fill (`serve`: the notes as
        # parsed by its earlier runs, `site.parsed_notes`); every later read parses.
        self._first_parse = parse or note_from_data
        self.summary = WatchSummary()
        self._echo = echo
        self._on_batch = on_batch
        self._dashboard = dashboard_of(vault)
        self._hide_private = hide_private_of(vault)
        self._index = VaultIndex()
        self._followups = FollowUpCache(self._index)
        # The first fill's Notes by path, settings and open follow-ups (`first_followups`).
        self._first: tuple[dict[str, Note], Any, list[FollowUp]] | None = None
        # `site_next`: a site's first build comes right after the first fill (`serve`): that
        # fill's reading is handed on (`first_read`; kept only then, it holds every note's
        # text), and its record is saved when the site answers (`save_first_records`). While
        # that fill writes, the texts of its writes as read back (None: not taken there).
        self._site_next = site_next
        self._first_read: NotesRead | None = None
        self._first_record: Callable[[], None] | None = None
        self._written_texts: dict[str, bytes | None] | None = None
        self._indexed: dict[str, _Indexed] = {}
        self._left_alone: dict[str, str] = {}  # path -> the last "left alone" message shown
        self._held: dict[str, float] = {}  # notes held open by another program -> when to retry
        self._held_delay: dict[str, float] = {}  # ... and the pause before that retry
        self._retrying: set[str] = set()  # held notes queued again: plan them even if unchanged
        self._troubled: dict[str, list[str]] = {}  # path -> the problems last told of it
        self._git_dir = find_git_dir(vault.root)
        # Shared with the observer thread, under _cond:
        self._cond = threading.Condition()
        self._events: list[tuple[str, str | None]] = []  # (path, renamed from)
        self._rescan: str | None = None  # why a rescan is wanted
        self._stopping = False
        # Worker-only state:
        self._pending: dict[str, Settling] = {}
        self._causes: dict[str, str] = {}
        self._event_paths: set[str] = set()  # paths pending because of events (not rescans)
        self._paused: str | None = None  # why git made us wait, while it does
        self._paused_at = 0.0
        self._pause_told = False
        self._ready = threading.Event()
        self._worker: threading.Thread | None = None
        self._observer: Any = None
        self._overflow = _Overflow(lambda: self.request_rescan("events were lost"))
        self.error: BaseException | None = None

    # --- public ---------------------------------------------------------------------------------

    @property
    def index(self) -> VaultIndex:
        """The live index (read it only from `on_batch`, which runs on the worker thread)."""
        return self._index

    def start(self) -> None:
        """Start watching: the observer first, so nothing saved during the first fill is lost."""
        if self._worker is not None:
            raise RuntimeError("this watcher was started already")
        for name in ("watchdog.observers.inotify_c", "watchdog.observers.inotify"):
            logging.getLogger(name).addHandler(self._overflow)
        self._start_observer()
        self._worker = threading.Thread(target=self._run, name="vault-tools-watch", daemon=True)
        self._worker.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the first index-and-fill is done; False on timeout."""
        return self._ready.wait(timeout)

    def first_followups(self, index: VaultIndex) -> list[FollowUp] | None:
        """The open follow-ups the first fill worked out, when `index` holds the very Notes
        that fill left indexed, under the same settings, and no link of theirs could name a
        file: `open_followups(index)` without its work (~0.3 s at 5,000 notes). They depend
        on the notes, the settings and where the links go, not on the day; and this watcher's
        index is not told the files beside the notes, so `[[notes.txt]]` goes to a missing
        note here and may go to the file in `index`. `serve`'s first build loads the notes
        again through the same `ParsedNotes`, which gives a note read with the same bytes the
        same Note. None otherwise, after the first call, and once the watcher has handled a
        change (all are let go of then). Call after `wait_ready`."""
        first, self._first = self._first, None
        if first is None or index.asks_files:
            return None
        notes, settings, found = first
        if index.settings != settings or len(index.notes) != len(notes) or any(
                index.notes.get(path) is not note for path, note in notes.items()):
            return None
        return found

    def first_read(self) -> NotesRead | None:
        """Every note as the first fill left the vault (the Notes it indexed, in the walk's
        order, the texts it read and wrote, what the walk left out): what loading the vault
        just after that fill gives, so that `serve`'s first build indexes these instead of
        reading every note again (~0.15 s at 5,000 notes). None when that fill did not read
        every note whole as bytes (one unreadable, too large, leaving the vault, gone since
        the walk) or a write of its own was not read back as written: the build reads the
        vault then; and None unless a site comes next (`site_next`). Once; call after
        `wait_ready`. A note saved since is handled as any save is: a batch, then a
        rebuild."""
        read, self._first_read = self._first_read, None
        return read

    def save_first_records(self) -> None:
        """Save the record of a complete first fill, which the next start (or `fill`) works
        from, when a site's first build came next (`site_next`: `serve` calls this once its
        site answers; ~0.04 s at 5,000 notes). From any thread: it writes only what that fill
        worked out, after checking the vault on disk is still what it wrote. Once."""
        record, self._first_record = self._first_record, None
        if record is not None:
            record()

    def is_alive(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def stop(self, timeout: float = 30.0) -> WatchSummary:
        """Stop after the write in progress (never half a file); return the totals."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._worker is not None:
            self._worker.join(timeout)
        self._stop_observer()
        for name in ("watchdog.observers.inotify_c", "watchdog.observers.inotify"):
            logging.getLogger(name).removeHandler(self._overflow)
        return self.summary

    def request_rescan(self, reason: str) -> None:
        """Compare every note's size and mtime with the index soon (thread-safe). The reason
        is printed with the result; "" rescans silently."""
        with self._cond:
            if self._rescan is None or (reason and not self._rescan):
                self._rescan = reason
            self._cond.notify_all()

    # --- observer thread ------------------------------------------------------------------------

    def _start_observer(self) -> None:
        from watchdog.observers import Observer

        observer = Observer()
        observer.schedule(_Handler(self), str(self.vault.notes_dir), recursive=True,
                          event_filter=change_events())
        observer.daemon = True
        observer.start()
        self._observer = observer

    def _stop_observer(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(5)
            self._observer = None

    def _observer_alive(self) -> bool:
        observer = self._observer
        if observer is None or not observer.is_alive():
            return False
        return all(emitter.is_alive() for emitter in getattr(observer, "emitters", ()))

    def _post(self, items: list[tuple[str, str | None]]) -> None:
        with self._cond:
            self._events.extend(items)
            self._cond.notify_all()

    # --- worker thread --------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._first_fill()
            self._ready.set()
            self._loop()
        except BaseException as exc:  # the thread must say why it died, not vanish
            self.error = exc
            self._report(f"watcher stopped by an internal error: {exc!r}", error=True)
            self._ready.set()

    def _should_stop(self) -> bool:
        with self._cond:
            return self._stopping

    def _first_fill(self) -> None:
        while (reason := git_busy(self._git_dir)) and not self._should_stop():
            if self._paused is None:
                self._paused = reason
                self._report(f"waiting for git to finish ({reason})")
            time.sleep(self.timing.git_poll)
        self._paused = None
        self._clean_leftovers()
        # (Before any note is read: a note saved while the vault loads has moved since.)
        stamps = note_stamps(self.vault)
        notes = []
        # Each readable note's bytes as read, which are the UTF-8 of its text: held as a
        # `NoteTexts` holds a text, not decoded and encoded again.
        texts = NoteTexts()
        scan = scan_notes(self.vault.notes_dir)
        whole = True  # every note read as bytes: the site's own load would read the same
        for rel in scan.notes:
            # (walked: the paths come from `scan_notes`, only a note that is a link is resolved)
            loaded = self._load(rel, parse=self._first_parse, walked=True)
            if loaded is None:
                whole = False
                continue
            note, utf8, indexed = loaded
            notes.append(note)
            if utf8 is not None:
                texts.hold(rel, utf8)
            whole = whole and indexed.hash not in _NOT_READ
            self._indexed[rel] = indexed
        self._index = VaultIndex(notes, settings=self.vault.settings)
        self._followups = FollowUpCache(self._index)
        self.summary.notes = len(self._index)
        # Only the notes the edits since the last complete fill reach, as `fill` plans them
        # (every note when there is no such fill, or the notes came, went or were renamed).
        since = SinceLastFill(self.vault, self._index, stamps)
        reach = since.reach
        changes, skipped = plan_refresh(
            self._index, texts if reach is None else {
                rel: texts[rel] for rel in reach if rel in texts},
            self._followups.all(), self._dashboard, self._hide_private)
        self._written_texts = {}
        written = self._write(changes, skipped, {}, "first fill")
        own, self._written_texts = self._written_texts, None
        if self._site_next and whole and all(t is not None for t in own.values()):
            for path, read_back in own.items():
                if read_back is not None:
                    texts.hold(path, read_back)
            # (each text's `content_hash`, as indexed: the site's digest of it)
            self._first_read = NotesRead(
                [self._index.notes[note.path] for note in notes], texts,
                scan.problems(self.vault.notes_dir),
                {path: self._indexed[path].hash for path in texts})
        if written.keys() == {change.path for change in changes} and not self._should_stop():
            # Every change written: a complete fill, recorded as `fill` records one, so that the
            # next start (or `fill`) works out only what the edits made after it reach.
            record = since.recorder({change.path: change.new for change in changes},
                                    [diag.path for diag in skipped])
            if self._site_next:
                self._first_record = record  # (the site's build first)
            else:
                record()
        self._first = (dict(self._index.notes), self._index.settings, self._followups.all())
        if self._first_filled is not None:
            self._first_filled()
        self._report(f"watching {self.vault.notes_dir} ({len(self._index)} notes); "
                     "stop with Ctrl-C")

    def _clean_leftovers(self) -> None:
        """Remove the temp files interrupted writes left (§6); name the kept previous versions
        of hard-linked notes, which only the user can judge."""
        notes_dir = self.vault.notes_dir
        leftovers = remove_stale_temps(notes_dir)
        if leftovers.removed:
            count = len(leftovers.removed)
            self._report(f"removed {count} temp file{plural(count)} left by an interrupted write")
        for backup in leftovers.backups:
            self._report(f"{backup.relative_to(notes_dir).as_posix()}: the previous version of a "
                         "hard-linked note, kept by a write that was interrupted: check that "
                         "note, then delete this file", error=True)

    def _loop(self) -> None:
        timing = self.timing
        next_rescan = time.monotonic() + timing.rescan_interval
        next_health = time.monotonic() + timing.health_interval
        while True:
            with self._cond:
                if self._stopping:
                    return
                events, self._events = self._events, []
                rescan, self._rescan = self._rescan, None
            now = time.monotonic()
            if rescan is not None:
                self._queue_rescan(rescan, now)
            next_held = self._retry_held(now)
            for rel, renamed_from in events:
                self._pending[rel] = note_event(self._pending.get(rel), now)
                self._event_paths.add(rel)
                if renamed_from is not None:
                    self._causes[rel] = f"renamed from {renamed_from}"
            # Counted on event paths only: the paths a rescan queues must not set it off again.
            if len(self._event_paths) > timing.burst:
                self._pending.clear()
                self._causes.clear()
                self._event_paths.clear()
                # Events may have been dropped; often it is only our own first fill.
                self._queue_rescan("a burst of events", now, tell_if_none=False)
            wake = self._process_ready(now)
            if now >= next_health:
                next_health = now + timing.health_interval
                if not self._observer_alive():
                    self._report("the file observer stopped; restarting it", error=True)
                    self._stop_observer()
                    self._start_observer()
                    self._queue_rescan("the observer restarted", now)
                    wake = now
            if now >= next_rescan:
                next_rescan = now + timing.rescan_interval
                self._queue_rescan("", now)
                wake = now
            until = min(x for x in (wake, next_rescan, next_health, next_held) if x is not None)
            with self._cond:
                if not self._events and not self._stopping and self._rescan is None:
                    self._cond.wait(max(0.0, until - time.monotonic()))

    def _retry_held(self, now: float) -> float | None:
        """Queue the notes held open whose retry is due; return when the next one is."""
        for rel, due in list(self._held.items()):
            if due <= now:
                del self._held[rel]
                self._retrying.add(rel)
                self._pending[rel] = note_event(self._pending.get(rel), now)
        return min(self._held.values(), default=None)

    def _hold(self, rel: str) -> None:
        """Another program holds `rel` open for writing: its block waits. Say so once, and try
        again after a pause that grows while it stays held (sooner if it changes)."""
        delay = min(self._held_delay.get(rel, HELD_RETRY / 2) * 2, HELD_RETRY_MAX)
        self._held_delay[rel] = delay
        self._held[rel] = time.monotonic() + delay
        message = f"{rel}: held open by another program; not written, will be retried"
        if self._left_alone.get(rel) != message:
            self._left_alone[rel] = message
            self.summary.errors += 1
            self._report(message, error=True)

    def _queue_rescan(self, reason: str, now: float, tell_if_none: bool = True) -> None:
        """Compare every note's size, mtime, inode and change time with what was indexed; the
        ones that moved go through the usual settling, as if an event had come for each. A
        non-empty `reason` is printed with the count (unless it is zero and `tell_if_none` is
        False)."""
        moved = []
        seen = set()
        for rel in iter_note_paths(self.vault.notes_dir):
            seen.add(rel)
            known = self._indexed.get(rel)
            if known is None or probe_path(self.vault.abs(rel)) != known.probe:
                moved.append(rel)
        moved += [rel for rel in self._indexed if rel not in seen]
        if reason and (moved or tell_if_none):
            self.summary.rescans += 1
            self._report(f"rescanning ({reason}): {len(moved)} note{plural(len(moved))} moved")
        for rel in moved:
            self._pending[rel] = note_event(self._pending.get(rel), now)

    def _process_ready(self, now: float) -> float | None:
        """Settle every pending path; when all have, run one batch. Returns when to look again."""
        if not self._pending:
            return None
        wake: float | None = None
        for rel, state in list(self._pending.items()):
            state, at = settle(state, probe_path(self.vault.abs(rel)), now, self.timing)
            self._pending[rel] = state
            if at is not None:
                wake = at if wake is None else min(wake, at)
        if wake is not None:
            return wake
        reason = git_busy(self._git_dir)
        if reason:
            if self._paused is None:
                self._paused, self._paused_at, self._pause_told = reason, now, False
            elif not self._pause_told and now - self._paused_at >= PAUSE_TOLD_AFTER:
                # Only pauses one notices: editors run `git status`, which locks for a moment.
                self._pause_told = True
                self._report(f"paused: {reason}")
            return now + self.timing.git_poll
        if self._paused is not None:
            self._paused = None
            if self._pause_told:
                self._report("git finished: resuming")
            self._queue_rescan("after git" if self._pause_told else "", now)
            return now  # the rescan's paths settle like any others
        pending, causes = self._pending, self._causes
        self._pending, self._causes = {}, {}
        self._event_paths.clear()
        try:
            self._batch(sorted(pending), causes)
        except Exception as exc:  # a bug must not end the watch: report it and go on
            self.summary.errors += 1
            self._report(f"error while updating {', '.join(sorted(pending))}: {exc!r}",
                         error=True)
            # Not retried at once (it would likely fail the same way, again and again): the
            # periodic rescan reads these notes again, as they are forgotten here.
            for rel in pending:
                self._indexed.pop(rel, None)
        return None

    def _read(self, rel: str, walked: bool = False
              ) -> tuple[bytes | NoteTooLargeError | None, _Indexed] | None:
        """A note's bytes (None: unreadable; NoteTooLargeError: too large, not read) and what to
        remember of them; None when missing, or when its link leaves the vault (never read: as
        a full fill, it is left out). `walked`: `rel` was just found by `scan_notes` (see
        `vault.read_file`)."""
        path = self.vault.abs(rel)
        probe = probe_path(path)  # before reading: a save after it makes the next probe differ
        if probe.missing:
            return None
        try:
            # the vault's one reader, confined to the vault
            data = read_file(self.vault, rel, walked=walked)
            if isinstance(data, OutsideVaultError):
                self._report(f"{rel}: left alone: {data.strerror}", error=True)
                return None
            if isinstance(data, OSError):
                raise data
        except FileNotFoundError:
            return None
        except NoteTooLargeError as exc:  # indexed by name, reported, never read or written
            self._report(f"error: {rel}: {exc.strerror}", error=True)
            return None if probe_path(path).missing else (exc, _Indexed(probe, "too-large"))
        except OSError as exc:
            # Indexed as unreadable, as a full fill would: reported, never written.
            self._report(f"error: {rel}: cannot read: {exc.strerror}", error=True)
            return None if probe_path(path).missing else (None, _Indexed(probe, "unreadable"))
        return data, _Indexed(probe, content_hash(data))

    @staticmethod
    def _parse(rel: str, data: bytes | NoteTooLargeError | None,
               parse: NoteReader = note_from_data,
               indexed: _Indexed | None = None) -> tuple[Note, str | None]:
        """The Note of what `_read` gave (`indexed`: what it gave with it, whose hash spares
        `parse` hashing the bytes again)."""
        if data is None:
            return unreadable_note(rel, Diagnostic(
                rel, None, "error", "not-utf8", "cannot read the file")), None
        digest = indexed.hash if indexed is not None and indexed.hash not in _NOT_READ else None
        return parse(rel, data, True, digest=digest)

    def _load(self, rel: str, tell: bool = True, parse: NoteReader = note_from_data,
              walked: bool = False) -> tuple[Note, bytes | None, _Indexed] | None:
        """Read and parse one note (telling its problems unless `tell` is False; `parse`:
        what makes its Note; `walked`: see `_read`): the Note, the bytes read when they are
        its text's UTF-8 (None: not readable text), and what to remember of them; None when
        it is missing."""
        read = self._read(rel, walked)
        if read is None:
            return None
        data, indexed = read
        note, text = self._parse(rel, data, parse, indexed)
        if tell and data is not None:  # an unreadable note was told about by _read
            self._tell_problems(note)
        return note, data if text is not None and isinstance(data, bytes) else None, indexed

    def _tell_problems(self, note: Note) -> None:
        """Print the diagnostics of a note just read (bad YAML, a bad date...), so a mistake
        shows up as it is saved, not only in `check`; and say so when they are gone. Told when
        they change: an editor saving every few seconds does not print the same lines again."""
        problems = [f"{d.path}:{d.line}: {d.severity}: {d.message}" if d.line
                    else f"{d.path}: {d.severity}: {d.message}" for d in note.diagnostics]
        if problems == self._troubled.get(note.path, []):
            return
        if problems:
            self._troubled[note.path] = problems
            self.summary.problems += len(problems)
            # A pasted log or a broken import can hold thousands: the first few say what is
            # wrong, `check` lists them all.
            for line in problems[:PROBLEMS_SHOWN]:
                self._report(line, error=True)
            if len(problems) > PROBLEMS_SHOWN:
                more = len(problems) - PROBLEMS_SHOWN
                self._report(f"{note.path}: {more:,} more problem{plural(more)}; "
                             "`vault-tools check` lists them all", error=True)
        else:
            del self._troubled[note.path]
            self._report(f"{note.path}: no problems now")

    def _batch(self, paths: list[str], causes: dict[str, str]) -> None:
        # The first fill's state is no longer the index's (`first_followups`); let go of it,
        # and of the Notes it would keep alive through a long `watch`.
        self._first = None
        updates: dict[str, Note | None] = {}
        changed: dict[str, str] = {}
        for rel in paths:
            read = self._read(rel)
            if read is None:
                if rel in self._indexed:
                    del self._indexed[rel]
                    self._troubled.pop(rel, None)
                    updates[rel] = None
                    changed[rel] = "deleted"
                continue
            data, indexed = read
            known = self._indexed.get(rel)
            self._indexed[rel] = indexed
            if known is not None and known.hash == indexed.hash:
                continue  # same bytes (our own write, or a save of unchanged text)
            updates[rel] = note = self._parse(rel, data)[0]
            if data is not None:
                self._tell_problems(note)
            # What happened is read from the outcome, not from the events on the way (an
            # editor's save may pass through "moved away" and "created").
            changed[rel] = "changed" if known is not None else causes.get(rel, "created")
        self._name_renames(changed)
        # Notes that were held open: planned again whether or not their bytes changed (the
        # program may have closed them without writing).
        retry = self._retrying.intersection(paths)
        self._retrying -= retry
        if not updates and not retry:
            return
        refresh = {rel for rel in retry if rel in self._index.notes}
        if updates:
            self.summary.batches += 1
            self.summary.changed += len(changed)
            # A note parsed the same as before (words added outside everything the index
            # keeps of it: links, fields, tasks, headings, blocks, insights) changes no other
            # note's blocks, which are made from the index alone: only its own are planned,
            # against its new text. (At 20,000 notes a contact's reach through the prep
            # briefs of its company's conversations is ~1,400 notes, ~1.5 s.)
            same = {rel for rel, note in updates.items()
                    if note is not None and self._index.notes.get(rel) == note}
            updates = {rel: note for rel, note in updates.items() if rel not in same}
            refresh |= same
            if updates:
                change = apply_updates(self._index, updates, self._followups)
                refresh |= notes_to_refresh(self._index, change, self._dashboard)
            self.summary.notes = len(self._index)
        texts = {}
        for rel in sorted(refresh):
            content = read_file(self.vault, rel)
            try:
                if isinstance(content, OSError):
                    raise content
                texts[rel] = content.decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # gone, not text or led out of the vault since it was indexed
        changes, skipped = plan_refresh(self._index, texts, self._followups.all(),
                                        self._dashboard, self._hide_private)
        written = self._write(changes, skipped, changed, "")
        if self._on_batch is not None:
            self._on_batch(Batch(changed=changed, written=written))

    @staticmethod
    def _name_renames(changed: dict[str, str]) -> None:
        """'deleted' + 'renamed from a' in one batch: say 'renamed to b' for a."""
        for rel, cause in list(changed.items()):
            if cause.startswith("renamed from "):
                source = cause.removeprefix("renamed from ")
                if changed.get(source) == "deleted":
                    changed[source] = f"renamed to {rel}"

    def _write(
        self, changes: list[NoteChange], skipped: list[Any], causes: Mapping[str, str],
        reason: str,
    ) -> dict[str, tuple[str, ...]]:
        """Write each change (stopping between two writes if asked), report it, and index the
        bytes written so their file events are recognised as ours."""
        for diag in skipped:
            where = f"{diag.path}:{diag.line}" if diag.line else diag.path
            message = f"{where}: left alone: {diag.message}"
            if self._left_alone.get(diag.path) != message:
                self._left_alone[diag.path] = message
                self._report(message, error=True)
        written: dict[str, tuple[str, ...]] = {}
        # The dashboard last: it is the largest note, and the others' blocks are what the
        # user is looking at.
        dash = dashboard_path(self._index, self._dashboard)
        for change in sorted(changes, key=lambda c: (c.path == dash, c.path)):
            if self._should_stop():
                break
            result = FillResult()
            apply_changes(self.vault, [change], result, held_wait=HELD_WAIT)
            if change.path in result.held:
                self._hold(change.path)
                continue
            for diag in result.failed:
                self.summary.errors += 1
                self._report(f"error: {diag.path}: {diag.message}", error=True)
            if change.path not in result.written:
                continue
            written[change.path] = change.blocks
            self._held_delay.pop(change.path, None)
            self.summary.written += 1
            self._left_alone.pop(change.path, None)
            why = reason or self._why(change.path, causes) or "no longer held open"
            self._report(f"wrote {change.path} ({', '.join(change.blocks)}) ← {why}")
            self._index_own_write(change)
        return written

    def _why(self, path: str, causes: Mapping[str, str]) -> str:
        """The changed notes that explain a write: the note itself or notes linking to it."""
        mine = {p: c for p, c in causes.items()
                if p == path or (p in self._index and path in self._index.targets(p))}
        return describe_causes(mine or causes)

    def _index_own_write(self, change: NoteChange) -> None:
        """Index the bytes we just wrote. Only when they are exactly the indexed text with new
        blocks: then no other note's block can change (links and tasks inside blocks do not
        count). Anything else (the user saved meanwhile) is left to its own event."""
        known = self._indexed.get(change.path)
        if known is None or known.hash != content_hash(change.old.encode("utf-8")):
            self._post([(change.path, None)])
            self._wrote_during_first_fill(change.path, None)
            return
        # (our own write: told when first read; in the first fill, made as the notes read
        # then are, so that `serve`'s first build finds this very Note: `first_followups`)
        loaded = self._load(change.path, tell=False,
                            parse=note_from_data if self._ready.is_set() else self._first_parse)
        if loaded is None:
            self._wrote_during_first_fill(change.path, None)
            return
        note, utf8, indexed = loaded
        if indexed.hash != content_hash(change.new.encode("utf-8")):
            self._post([(change.path, None)])
            self._wrote_during_first_fill(change.path, None)
            return
        self._indexed[change.path] = indexed
        self._index.put(note)
        self._wrote_during_first_fill(change.path, utf8)

    def _wrote_during_first_fill(self, path: str, utf8: bytes | None) -> None:
        """Note the text of a write of the first fill as read back, as its UTF-8 bytes (None:
        not read back as written, or not read at all), for `first_read`."""
        if self._written_texts is not None:
            self._written_texts[path] = utf8

    def _report(self, line: str, error: bool = False) -> None:
        # Output trouble (a closed pipe) must not stop the watch. Note names and problems come
        # from files: an escape sequence in one is printed as text, never obeyed.
        with contextlib.suppress(Exception):
            self._echo(printable(line), error)


class _Handler(FileSystemEventHandler):
    """watchdog's event handler: filter and enqueue; all the thinking happens on the worker."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__()
        self._watcher = watcher
        self._notes_dir = str(watcher.vault.notes_dir)

    def _rel(self, path: bytes | str) -> str | None:
        text = os.fsdecode(path)
        rel = os.path.relpath(text, self._notes_dir)
        if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
            return None
        return rel.replace(os.sep, "/")

    def dispatch(self, event: FileSystemEvent) -> None:
        kind = event.event_type  # (never a read: `change_events`)
        src = self._rel(event.src_path)
        dest = self._rel(event.dest_path) if getattr(event, "dest_path", "") else None
        if event.is_directory:
            # A folder came, went or moved: its notes' own events may be missing (a new
            # folder's first files can arrive before it is watched). A rescan finds them.
            if kind in ("created", "deleted", "moved") and any(
                rel is not None and not is_skipped(rel + "/x") for rel in (src, dest)
            ):
                self._watcher.request_rescan("a folder came, went or moved")
            return
        items: list[tuple[str, str | None]] = []
        if kind == "moved":
            if src is not None and is_note_path(src):
                items.append((src, None))
            if dest is not None and is_note_path(dest):
                renamed = src if src is not None and is_note_path(src) else None
                items.append((dest, renamed))
        elif src is not None and is_note_path(src):
            items.append((src, None))
        if items:
            self._watcher._post(items)


# --- running until Ctrl-C -------------------------------------------------------------------------


def watch_until_stopped(vault: Vault, echo: Echo, timing: Timing = Timing()) -> WatchSummary:
    """Run a watcher in the foreground until SIGINT or SIGTERM, then stop it cleanly (the write
    in progress is finished) and return the totals. Call from the main thread."""
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    # The index is long-lived and large: keep the garbage collector from walking all of it
    # again and again (a full pass over 5,000 notes costs ~0.15 s, a save's budget).
    watcher = Watcher(vault, echo=echo, timing=timing, first_filled=gcpolicy.freeze_loaded)
    try:
        # The first fill loads the whole vault: with the collector paused, as `serve`'s start
        # (its passes walked the growing heap), until it is frozen (`first_filled`).
        with gcpolicy.paused():
            watcher.start()
            while not watcher.wait_ready(1.0) and not stop.is_set():
                pass
        while not stop.wait(1.0):
            if not watcher.is_alive():
                break
    finally:
        summary = watcher.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if watcher.error is not None:
        raise WatchError(f"the watcher stopped: {watcher.error!r}")
    return summary


class WatchError(Exception):
    """The watcher could not go on (reported with its cause)."""
