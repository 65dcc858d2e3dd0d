"""What the watcher tells the user: one `Batch` per round of work, the running `WatchSummary`
printed on Ctrl-C, and the small wording helpers they share."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Batch:
    """One round of work: the notes that changed on disk (path -> 'changed', 'created',
    'deleted', 'renamed from X'...) and the notes the watcher wrote (path -> block names)."""

    changed: dict[str, str]
    written: dict[str, tuple[str, ...]]


# The problems printed for one note at a time; the rest are counted.
PROBLEMS_SHOWN = 10


@dataclass
class WatchSummary:
    """Totals since start, for the final line on Ctrl-C."""

    started: float = field(default_factory=time.monotonic)
    notes: int = 0
    batches: int = 0
    changed: int = 0
    written: int = 0
    errors: int = 0
    rescans: int = 0
    problems: int = 0  # diagnostics of the notes read (bad YAML, bad dates...), each time told

    def describe(self) -> str:
        minutes, seconds = divmod(int(time.monotonic() - self.started), 60)
        took = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        return (
            f"Stopped after {took}: {self.changed} note change{plural(self.changed)} seen, "
            f"{self.written} note{plural(self.written)} written, "
            f"{self.errors} error{plural(self.errors)}, "
            f"{self.problems} problem{plural(self.problems)} in notes."
        )


def plural(count: int) -> str:
    """The plural ending for `count` things: "" for one, "s" otherwise."""
    return "" if count == 1 else "s"


def describe_causes(causes: Mapping[str, str], limit: int = 2) -> str:
    items = [f"{path} {what}" for path, what in sorted(causes.items())]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


Echo = Callable[[str, bool], None]  # (line, is_error)


def silent(line: str, error: bool) -> None:
    """The default output: none."""
