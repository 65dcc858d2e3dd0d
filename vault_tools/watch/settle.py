"""When has a saved path been quiet long enough to be read? Pure decisions, testable without
threads or files (DESIGN.md §11).

Editors save by truncate-then-write, by rename, by temp file: a note may be briefly empty or
missing, which is not a deletion until it stays so. `note_event` records an event, `settle`
says whether the path is ready, `probe_path` takes its size and mtime.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

# --- timing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """How long the watcher waits for what. Seconds, on the monotonic clock."""

    quiet: float = 0.15  # no event for this long, and the same size/mtime: the save is over
    empty_quiet: float = 0.3  # an empty or missing file must stay so this long to count
    max_wait: float = 5.0  # a file that never stops changing is read anyway after this
    rescan_interval: float = 60.0  # the safety-net comparison of every note's size and mtime
    health_interval: float = 5.0  # how often an idle watcher checks that its observer lives
    git_poll: float = 0.25  # how often to look whether git has finished
    burst: int = 2000  # more paths than this in one batch: events were probably lost


PAUSE_TOLD_AFTER = 1.0  # seconds of waiting for git before saying so
# A note another program holds open for writing: how long one write waits for it to be closed
# (short: the worker has other notes to fill), then the first and longest pauses before trying
# again (it is also tried again as soon as that program's save or close is seen).
HELD_WAIT = 0.3
HELD_RETRY = 0.5
HELD_RETRY_MAX = 10.0


# --- settling: pure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """What `stat` says about a path: `size` None when it is missing. The change time is
    part of it: an edit that keeps the size and puts the old mtime back (a sync tool,
    `touch -r`) still moves it."""

    size: int | None = None
    mtime_ns: int = 0
    ino: int = 0
    ctime_ns: int = 0

    @property
    def missing(self) -> bool:
        return self.size is None


MISSING = Probe()


@dataclass(frozen=True)
class Settling:
    """A path with unprocessed events: when they came, and what the file looked like since when."""

    first_event: float
    last_event: float
    probe: Probe | None = None
    probe_since: float = 0.0


def note_event(state: Settling | None, now: float) -> Settling:
    """The state of a path after an event at `now`."""
    if state is None:
        return Settling(first_event=now, last_event=now)
    return replace(state, last_event=now)


def settle(
    state: Settling, probe: Probe, now: float, timing: Timing = Timing()
) -> tuple[Settling, float | None]:
    """Look at a path again: returns (new state, None) once it has settled, else (new state,
    the time to look again).

    Settled means: no event for `timing.quiet`, and the file's size, mtime, inode and change
    time unchanged for `quiet` (for `empty_quiet` when it is empty or missing, which an
    editor's save passes through). A path still changing after `max_wait` counts as settled,
    so one busy file cannot hold the others back for ever.
    """
    if probe != state.probe:
        state = replace(state, probe=probe, probe_since=now)
    hold = timing.empty_quiet if not probe.size else timing.quiet
    ready_at = max(state.last_event + timing.quiet, state.probe_since + hold)
    if now >= ready_at or now - state.first_event >= timing.max_wait:
        return state, None
    return state, min(ready_at, state.first_event + timing.max_wait)


def probe_path(path: Path) -> Probe:
    try:
        st = os.stat(path)
    except OSError:
        return MISSING
    return Probe(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
