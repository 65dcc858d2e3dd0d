"""`vault-tools watch`: keep every generated block filled while the user edits (DESIGN.md §6,
§11).

- `settle`: when a saved path has been quiet long enough to be read (pure);
- `report`: what a batch did and the summary printed at the end;
- `watcher`: the watchdog observer, the worker thread and the loop until Ctrl-C.

What a change reaches (the incremental index and follow-ups) lives in `vault_tools.refresh`,
shared with the site's `serve`.
"""

from .watcher import (
    MISSING,
    Batch,
    Echo,
    FollowUpCache,
    IndexChange,
    Probe,
    Settling,
    Timing,
    Watcher,
    WatchError,
    WatchSummary,
    apply_updates,
    dashboard_path,
    find_git_dir,
    git_busy,
    note_event,
    notes_to_refresh,
    plan_refresh,
    probe_path,
    settle,
    watch_until_stopped,
)

__all__ = [
    "MISSING", "Batch", "Echo", "FollowUpCache", "IndexChange", "Probe", "Settling", "Timing",
    "WatchError", "WatchSummary", "Watcher", "apply_updates", "dashboard_path", "find_git_dir",
    "git_busy", "note_event", "notes_to_refresh", "plan_refresh", "probe_path", "settle",
    "watch_until_stopped",
]
