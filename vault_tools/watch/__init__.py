"""`vault-tools watch`: keep every generated block filled while the user edits (DESIGN.md §6,
§11).

- `settle`: when a saved path has been quiet long enough to be read (pure);
- `gitstate`: whether git is at work in the vault, to wait for it;
- `report`: what a batch did and the summary printed at the end;
- `watcher`: the watchdog observer, the worker thread and the loop until Ctrl-C.

What a change reaches (the incremental index and follow-ups) is `vault_tools.refresh`, shared
with the site's `serve`.
"""

from .gitstate import find_git_dir, git_busy
from .report import Batch, Echo, WatchSummary
from .settle import MISSING, Probe, Settling, Timing, note_event, probe_path, settle
from .watcher import Watcher, WatchError, change_events, watch_until_stopped

__all__ = [
    "MISSING", "Batch", "Echo", "Probe", "Settling", "Timing", "WatchError", "WatchSummary",
    "Watcher", "change_events", "find_git_dir", "git_busy", "note_event", "probe_path", "settle",
    "watch_until_stopped",
]
