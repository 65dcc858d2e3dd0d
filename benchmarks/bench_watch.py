#!/usr/bin/env python3
"""Benchmark for the DESIGN §11 budget: with `vault-tools watch` running on 5,000 notes, one saved
note's new link appears in the target's block at most 1 s after the save.

Usage::

    python benchmarks/bench_watch.py [--notes 5000] [--saves 10] [--seed 1]
    python benchmarks/bench_watch.py --smoke        # 200 notes, 3 saves

Run it with the virtualenv's Python (``.venv/bin/python``). The vault comes from
``generate_vault.py``, cached under ``benchmarks/.vaults/`` (shared with ``bench_check.py``) and
copied to a temporary folder for each run, so the watcher's writes never touch the cache.

Each save is what an editor does: read the note, add a line, write a temp file, rename it over
the note. Half the saves add a plain line linking a contact; the other half add a task linking
one, which also changes the `Follow-ups.md` dashboard. The clock starts when the rename returns
and stops when the watcher's output is on disk: the target's block shows the new line (and, for a
task, the dashboard does too). The report gives the median and range, and their ratio to 1 s.

Exit status 0 after a report, budget met or not; 2 when the watcher fails or a save never lands.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_check import DEFAULT_CACHE, BenchError, ensure_vault, vault_tools_command

BUDGET = 1.0  # seconds, DESIGN §11
START_TIMEOUT = 600.0  # the first fill of an unfilled 5,000-note vault writes every note
SAVE_TIMEOUT = 10.0
PAUSE = 1.0  # between saves, so each is measured on a quiet watcher


class Output:
    """The watcher's output lines, read on a thread."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float, proc: subprocess.Popen) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(line.startswith(prefix) for line in self.lines):
                return
            if proc.poll() is not None:
                raise BenchError(f"the watcher exited with status {proc.returncode}")
            time.sleep(0.05)
        raise BenchError(f"no '{prefix}' line from the watcher after {timeout:.0f} s")


def editor_save(path: Path, line: str) -> None:
    """Add a line the way VS Code or vim saves: temp file beside the note, then rename."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    temp = path.with_name(f".{path.name}.bench.tmp")
    temp.write_text(text + line + "\n", encoding="utf-8")
    os.replace(temp, path)


def wait_until_contains(paths: list[Path], token: str, timeout: float) -> float:
    """Poll until every file holds `token`; returns the monotonic time it was seen there."""
    deadline = time.monotonic() + timeout
    waiting = list(paths)
    while waiting:
        with contextlib.suppress(OSError):  # a rename in progress: look again
            waiting = [p for p in waiting if token not in p.read_text(encoding="utf-8")]
        now = time.monotonic()  # after the read: the figure errs on the slow side
        if not waiting:
            return now
        if now > deadline:
            raise BenchError(f"{token}: not in {', '.join(p.name for p in waiting)} after "
                             f"{timeout:.0f} s")
        time.sleep(0.002)
    return time.monotonic()


def pick_pairs(notes_dir: Path, count: int, seed: int) -> list[tuple[Path, Path]]:
    """(note to save, contact to link) pairs: interviews and topic notes, random contacts."""
    rng = random.Random(seed)
    # (not a cancelled conversation: its tasks are no follow-ups, so a task saved there would
    # never reach the dashboard)
    sources = sorted(p for p in (notes_dir / "interviews").glob("*.md")
                     if "\nstatus: cancelled\n" not in p.read_text(encoding="utf-8"))
    sources += sorted(p for p in notes_dir.rglob("*.md") if p.parent.name in ("topics",
                                                                              "journal"))
    contacts = sorted((notes_dir / "contacts").glob("*.md"))
    return [(rng.choice(sources), rng.choice(contacts)) for _ in range(count)]


def bench(notes: int, saves: int, seed: int, cache: Path) -> bool:
    cached, reused = ensure_vault(cache, notes, seed)
    work = Path(tempfile.mkdtemp(prefix="vault-tools-bench-watch-"))
    try:
        vault = work / "vault"
        shutil.copytree(cached, vault, symlinks=True)
        return _measure(vault, notes, saves, seed, reused)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(vault: Path, notes: int, saves: int, seed: int, reused: bool) -> bool:
    notes_dir = vault / "notes"
    cmd = [*vault_tools_command(), "watch", "--vault", str(vault)]
    print("vault-tools watch benchmark (DESIGN §11)")
    print(f"  vault     {notes} notes, seed {seed} ({'reused' if reused else 'generated'}), "
          f"copied to {vault}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"  python    {platform.python_version()}, {os.cpu_count()} CPUs, load {load}")
    print(f"  watcher   {' '.join(cmd)}")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = Output(proc.stdout), Output(proc.stderr)
        out.wait_for("watching ", START_TIMEOUT, proc)
        first = sum(1 for line in out.lines if line.startswith("wrote "))
        print(f"  start     first index and fill: {time.monotonic() - started:.1f} s, "
              f"{first} notes written")
        time.sleep(2.0)  # the events of the first fill's own writes pass
        rows = []
        for i, (source, target) in enumerate(pick_pairs(notes_dir, saves, seed)):
            token = f"benchsave{i}x{os.getpid()}"
            task = i % 2 == 1
            name = target.stem
            # (due before any of the vault's: the dashboard lists the soonest follow-ups as
            # far as its size allows, which at 20,000 notes leaves the undated ones out)
            line = (f"- [ ] {token}: write to [[{name}]] 📅 2024-12-31" if task
                    else f"{token}: talked about [[{name}]] again.")
            wanted = [target, notes_dir / "Follow-ups.md"] if task else [target]
            before = len(out.lines)
            editor_save(source, line)
            saved = time.monotonic()
            seen = wait_until_contains(wanted, token, SAVE_TIMEOUT)
            rows.append((seen - saved, task, source, target))
            time.sleep(PAUSE)
            written = [x for x in out.lines[before:] if x.startswith("wrote ")]
            print(f"  save {i + 1:>2}  {seen - saved:6.3f} s  {'task' if task else 'link'}  "
                  f"{source.relative_to(notes_dir)} → [[{name}]]  ({len(written)} written)")
        proc.send_signal(2)  # SIGINT, as Ctrl-C
        proc.wait(30)
        errors = [x for x in err.lines if x.strip()]
        if errors:
            print(f"  stderr    {len(errors)} line(s), first: {errors[0]}")
    finally:
        if proc.poll() is None:
            proc.kill()
    times = [row[0] for row in rows]
    median = statistics.median(times)
    print()
    for label, subset in (("link saves", [r[0] for r in rows if not r[1]]),
                          ("task saves", [r[0] for r in rows if r[1]]), ("all", times)):
        if subset:
            print(f"  {label:<11} median {statistics.median(subset):.3f} s, "
                  f"range {min(subset):.3f}–{max(subset):.3f} s, n={len(subset)}")
    ratio = median / BUDGET
    met = max(times) <= BUDGET
    print()
    print(f"budget ≤ {BUDGET:.1f} s after the save: {'met' if met else 'NOT met'} "
          f"(median {median:.3f} s = {ratio:.2f}× the budget; worst {max(times):.3f} s = "
          f"{max(times) / BUDGET:.2f}×)")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=None, help="vault size (default 5000)")
    parser.add_argument("--saves", type=int, default=None, help="saves to time (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--smoke", action="store_true", help="200 notes, 3 saves (for tests)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE,
                        help="where generated vaults are kept (default benchmarks/.vaults)")
    args = parser.parse_args(argv)
    notes = args.notes if args.notes is not None else 200 if args.smoke else 5000
    saves = args.saves if args.saves is not None else 3 if args.smoke else 10
    if saves < 1:
        parser.error("--saves must be at least 1")
    try:
        bench(notes, saves, args.seed, args.cache_dir)
    except (BenchError, ValueError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
