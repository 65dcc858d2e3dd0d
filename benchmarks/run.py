#!/usr/bin/env python3
"""Every DESIGN §11 budget, measured against the peers, in one run on the same synthetic vaults.

Usage::

    python benchmarks/run.py                 # the full run behind `make bench` (12-16 min, 2 cores)
    python benchmarks/run.py --large         # + every shape at 5,000 and the 20,000-note rows
    python benchmarks/run.py --smoke         # 100/200 notes, one run, no peers: for the tests
    python benchmarks/run.py --only build,cached --sizes 100,300 --no-peers   # a quick look
    python benchmarks/run.py --only fill,memory --runs 5 --json out.json

Vaults come from ``generate_vault.py`` in four shapes (``vault_shapes.py``: the generator's own,
long notes, attachments and embeds, deep folders); the cold-build rows run on every shape.

Run it with the project's virtualenv (``.venv/bin/python``): ``vault-tools`` is taken from the
same ``bin/`` folder. Peers run from their own virtualenv, ``benchmarks/.peers/venv``, created
on first use (see ``peers.py``); a peer that cannot be installed is reported in the table.

Method: every measurement is a fresh process, timed by wall clock and by its own CPU time, and
its peak memory is read from the kernel (``wait4``). Ours and the peer's runs alternate where a
budget has a peer, so load from the rest of the machine lands on both. Each figure is the median
over the runs, with the range beside it; ratios are of medians measured in this same run.

Progress goes to stderr; the table (Markdown) and its notes go to stdout. The exit status is 0
once the table is printed, whether budgets are met or not, and 2 if the harness itself fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # benchmarks/ is a folder of scripts, not a package
    sys.path.insert(0, str(HERE))

import peers as peerlib  # noqa: E402
from bench_check import CHILD_ENV, DEFAULT_CACHE, vault_tools_command  # noqa: E402
from vault_shapes import SHAPES, ensure_shaped_vault  # noqa: E402

BUDGETS = ("check", "fill", "first-fill", "watch", "build", "cached", "serve", "memory", "scale")
SMOKE_NOTES = 200
SMOKE_SMALL = 100  # the smoke run's "1,000" (other shapes, the base of the scale rows)
CHECK_RATIO = 3.0
FILL_SECONDS = 1.5
WATCH_SECONDS = 1.0
BUILD_RATIO = 1.15  # DESIGN §11
SERVE_SECONDS = 1.0  # DESIGN §11: at 5,000 notes
SERVE_LARGE_SECONDS = 2.0  # issue #22: at 20,000 notes
MEMORY_MB = 300.0  # check and fill, at the largest size run
BUILD_MEMORY_RATIO = 1.5  # issue #22: peak RSS of build vs plain Material's
BUILD_MEMORY_MB = 800.0  # issue #22: build at 20,000 notes
CACHED_SECONDS = 3.0  # issue #22: build / serve start after <= 10 changed notes
CACHED_RATIO = 0.1  # ... and at most this share of a plain `mkdocs build`
CACHED_EDITS = (3, 10)
NEW_DAY_PAGES = 20  # issue #22: a new day redoes only the dashboards' pages (fewer than this)
FIRST_FILL_RATIO = 2.0  # issue #22: first fill vs the read + temp + fsync + rename floor
# "Linear growth": N times the notes may take up to N x this much longer (a fixed start-up cost
# makes honest linear work grow a little less than N; the slack absorbs noise between runs).
LINEAR_SLACK = 1.25
# Both sides run as after a normal install, their bytecode cached (`bench_check.CHILD_ENV`): an
# inherited PYTHONDONTWRITEBYTECODE compiled the package under test on every timed run (an
# editable install has no bytecode until a run writes it; ~0.4 s of a cached build here),
# while MkDocs and the theme ran from the bytecode pip wrote.
PLAIN_ENV = {**CHILD_ENV, "NO_MKDOCS_2_WARNING": "1"}
OURS_MKDOCS_YML = """\
site_name: Synthetic vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""
# `vault-tools serve` and `mkdocs serve` both log this once a rebuild has been built and the
# browsers told to reload: the moment a user sees the change.
RELOADED = "Reloading browsers"
REBUILD_FAILED = "An error happened during the rebuild"
SERVING = "Serving on"
FILL_CACHE = Path(".cache") / "vault-tools"  # where fill keeps its manifest (manifest.py)


class MeasureError(RuntimeError):
    """One measurement failed; its row says why and the others carry on."""


# --- measuring one process ----------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One run of one command: wall seconds, CPU seconds (user + system) and peak RSS in MB."""

    wall: float
    cpu: float
    rss_mb: float
    said: str = ""  # the end of what it wrote to stderr (its log)


def _rss_mb(maxrss: int) -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def _tail(data: bytes, lines: int = 6) -> str:
    text = data.decode("utf-8", "replace").strip().splitlines()
    return " / ".join(line.strip() for line in text[-lines:]) or "(no output)"


# Each measured command is started by this small process, not by the runner itself. The kernel
# counts into a new process's peak resident set the peak of the process it was forked from (its
# memory before `exec`), so a command started by a runner that had once held a generated vault
# (~400 MB at 20,000 notes) reported at least that much, whatever it used itself: the scale
# rows of 2026-12-06 read 393 MB for a `check` that peaks at 206 MB.
_LAUNCHER = """\
import os, sys, time
report, cmd = int(sys.argv[1]), sys.argv[2:]
os.set_inheritable(report, False)  # (the command, and what it leaves running, never hold it)
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
os.write(report, (f"{wall!r} {usage.ru_utime + usage.ru_stime!r} {usage.ru_maxrss} "
                  f"{os.waitstatus_to_exitcode(status)}").encode())
"""


def run_once(cmd: list[str], *, ok: tuple[int, ...] = (0,), cwd: Path | None = None,
             env: dict[str, str] | None = None) -> Sample:
    """Run ``cmd`` to completion as a fresh process and measure it. Raises ``MeasureError``
    when its exit status is not in ``ok`` (with the end of what it printed). The peak memory is
    the kernel's ``ru_maxrss`` from ``wait4``: the largest resident set of the process and of
    any process it started and waited for (never the runner's: see ``_LAUNCHER``)."""
    if shutil.which(cmd[0]) is None:
        raise MeasureError(f"cannot run {cmd[0]}: not found, or not executable")
    with tempfile.TemporaryFile() as err:
        read_end, write_end = os.pipe()
        try:
            launcher = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(write_end), *cmd],
                cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                env=env, pass_fds=(write_end,),
            )
        except OSError as exc:
            os.close(read_end)
            raise MeasureError(f"cannot run {cmd[0]}: {exc}") from None
        finally:
            os.close(write_end)
        with os.fdopen(read_end, "rb") as report:
            found = report.read().decode("ascii", "replace").split()
        launcher.wait()
        if len(found) != 4:
            err.seek(0)
            raise MeasureError(f"`{Path(cmd[0]).name}` could not be measured: "
                               f"{_tail(err.read())}")
        wall, cpu, maxrss, code = float(found[0]), float(found[1]), int(found[2]), int(found[3])
        if code not in ok:
            err.seek(0)
            raise MeasureError(
                f"`{Path(cmd[0]).name} {' '.join(cmd[1:3])}…` exited with status "
                f"{code}: {_tail(err.read())}"
            )
        err.seek(max(0, err.seek(0, os.SEEK_END) - 8192))
        said = err.read().decode("utf-8", "replace")
    return Sample(wall, cpu, _rss_mb(maxrss), said)


FileState = dict[str, tuple[int, int, int]]


def file_states(root: Path) -> FileState:
    """``{relative path: (inode, mtime_ns, size)}`` of every file under ``root``: a write by
    ``os.replace`` changes the inode, an in-place write the mtime."""
    states: FileState = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            st = os.stat(path, follow_symlinks=False)
            states[os.path.relpath(path, root)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return states


def count_writes(before: FileState, after: FileState) -> int:
    """Files created, removed or rewritten between two ``file_states`` snapshots."""
    return sum(1 for p in before.keys() | after.keys() if before.get(p) != after.get(p))


# --- the table ----------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table: a budget at one size, our figures and one peer's."""

    budget: str  # one of BUDGETS
    work: str  # what was measured, e.g. "check, 5,000 notes, cold"
    limit: str  # the §11 budget, or "—" for a reference row
    unit: str = "s"
    ours: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    ours_text: str = ""  # replaces the median/range cell when the figure is not a plain series
    peer: str = ""
    peer_values: list[float] = field(default_factory=list)
    peer_text: str = ""
    verdict: str = "not measured"  # "met", "NOT met", "reference", "not measured", "failed"
    writes: int | None = None  # notes written during the measured runs, where that is counted
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """Median of ours over median of the peer's, when both were measured."""
        if not self.ours or not self.peer_values:
            return None
        peer = statistics.median(self.peer_values)
        return statistics.median(self.ours) / peer if peer > 0 else None


def fmt_series(values: list[float], unit: str) -> str:
    """``median (min–max, n runs)`` in ``unit``; a single run shows only its value."""
    if not values:
        return "—"
    digits = 0 if unit == "MB" else 2 if statistics.median(values) >= 1 else 3
    med = f"{statistics.median(values):.{digits}f} {unit}"
    if len(values) == 1:
        return f"{med} (1 run)"
    return f"{med} ({min(values):.{digits}f}–{max(values):.{digits}f}, {len(values)} runs)"


def render_table(rows: list[Row]) -> str:
    """The rows as a Markdown table followed by numbered notes."""
    head = ("budget", "work", "limit", "ours: median (range)", "ours CPU", "peer",
            "peer: median (range)", "ratio", "verdict")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes: list[str] = []
    for row in rows:
        marks = []
        for note in row.notes:
            notes.append(note)
            marks.append(f"[{len(notes)}]")
        ratio = row.ratio
        cells = (
            row.budget,
            row.work,
            row.limit,
            row.ours_text or fmt_series(row.ours, row.unit),
            fmt_series(row.ours_cpu, "s") if row.ours_cpu else "—",
            row.peer or "—",
            row.peer_text or fmt_series(row.peer_values, row.unit),
            "—" if ratio is None else "<0.01×" if ratio < 0.01 else f"{ratio:.2f}×",
            " ".join([row.verdict, *marks]),
        )
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.append("")
    lines += [f"[{i}] {note}" for i, note in enumerate(notes, 1)]
    return "\n".join(lines)


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Sizes and run counts: the full run (with ``--large``, everything the default run leaves
    out: it takes 12-16 minutes on a 2-core machine without it), or the seconds-long smoke run."""

    smoke: bool
    large: bool
    runs: int  # fill rounds, first-fill rounds, ezlinks runs at 1,000
    cached_runs: int  # rounds of edits + builds in the cached-build rows
    check_runs: int
    build_runs: int  # cold builds below the main size (one at and above it)
    serve_runs: int
    peer_serve_runs: int
    small: int  # 1,000: every shape's cold build
    main: int  # 5,000: the size of most budgets
    top: int  # 20,000: the scale rows (--large)
    fill_sizes: tuple[int, ...]
    build_sizes: tuple[int, ...]  # the wikilink-plugin peers
    build_cases: tuple[tuple[str, int], ...]  # (shape, notes) of every cold-build row
    first_fill_sizes: tuple[int, ...]
    serve_sizes: tuple[int, ...]
    memory_sizes: tuple[int, ...]
    obsidian_sizes: tuple[int, ...]
    scale: tuple[int, int] | None  # (base, top) of the linear-growth rows, None: not run
    # Runs of each wikilink-plugin peer by size; a size left out is not run (it says why).
    plugin_runs: dict[str, dict[int, int]]
    start_runs: int = 1  # timed starts of ours in each serve-start row (each after 3 edits)
    # The reference peers no budget is measured against (stock Material's default nav at
    # 1,000 notes): only with --all-peers.
    reference_peers: bool = False

    @classmethod
    def make(cls, smoke: bool, runs: int | None, all_peers: bool = False, large: bool = False,
             sizes: tuple[int, int, int] | None = None,
             shapes: tuple[str, ...] = SHAPES) -> Plan:
        """The smoke plan, or the full one sized to finish `make bench` in under 15 minutes on a
        2-core machine (``runs`` overrides every count; ``all_peers`` adds the reference peers,
        which no budget is measured against: obsidiantools, ezlinks, roamlinks and stock
        Material's default nav, several minutes more; ``large`` adds every
        shape at 5,000 notes and the 20,000-note rows; ``sizes`` replaces 1,000 / 5,000 /
        20,000; ``shapes`` limits the cold-build rows to those shapes)."""
        others = tuple(s for s in shapes if s != "generator")
        if smoke:
            small, n = sizes[:2] if sizes else (SMOKE_SMALL, SMOKE_NOTES)
            one = runs or 1
            cases = tuple(("generator", size) for size in (small, n) if "generator" in shapes)
            return cls(True, large, one, one, one, one, one, one, small, n, n, (n,), (n,),
                       cases + tuple((s, small) for s in others), (small, n), (small, n),
                       (n,), (), (small, n), {}, one)
        small, main, top = sizes or (1000, 5000, 20000)
        # Measured here: obsidiantools takes ~16 s at 1,000 notes and ~3 min at 5,000;
        # roamlinks ~2 min for one 1,000-note build (it searches the docs folder for every
        # link); ezlinks ~12 s at 1,000 and ~1.5 min at 5,000. No budget is measured against
        # them (they are the tools a user could use instead): the default run, which must fit
        # its 15 minutes, leaves them to --all-peers (~1.5 min at 1,000 notes alone).
        plugin_runs: dict[str, dict[int, int]] = {"roamlinks": {}, "ezlinks": {}}
        obsidian: tuple[int, ...] = ()
        if all_peers:
            plugin_runs["roamlinks"][small] = 1
            plugin_runs["ezlinks"].update({small: runs or 2, main: 1})
            obsidian = (small, main)
        builds: list[tuple[str, int]] = [(s, small) for s in shapes]
        if "generator" in shapes:
            builds.append(("generator", main))
        more = (top,) if large else ()
        if large:
            builds += [(s, main) for s in others]
            if "generator" in shapes:
                builds.append(("generator", top))
        # serve: ours rebuilds in about a second, the peer (a full build) in most of a minute.
        # cached: one round per edit count (each is a full plain build, ~30 s at 5,000 notes).
        return cls(False, large, runs or 3, runs or 1, runs or 5, runs or 2, runs or 5,
                   runs or 1, small, main, top, (small, main), (small, main), tuple(builds),
                   (small, main, *more), (main, *more), (small, main, 2 * main, *more),
                   obsidian, (main, top) if large else None, plugin_runs, runs or 3,
                   all_peers)


class Bench:
    """Shared state of one run: the plan, the vault cache, a scratch folder, the peers."""

    def __init__(self, plan: Plan, seed: int, cache: Path, work: Path,
                 peers: peerlib.Peers | None, no_peer_reason: str) -> None:
        self.plan = plan
        self.seed = seed
        self.cache = cache
        self.work = work
        self.peers = peers
        self.no_peer_reason = no_peer_reason
        self.started = time.monotonic()
        self.vt = vault_tools_command()
        self.peer_memory: dict[int, float] = {}  # obsidiantools' peak RSS by vault size
        self.peer_index_wall: dict[int, float] = {}
        self.peer_cpu: dict[int, float] = {}
        self._filled: dict[int, Path] = {}
        # (what, notes) -> (median wall seconds, peak RSS MB or 0, median CPU seconds): the
        # figures the scale rows compare across sizes, left by the rows that measured them.
        self.figures: dict[tuple[str, int], tuple[float, float, float]] = {}
        self.build_flags: list[str] | None = None  # see _cold_flags
        self.warmed = False  # a cold-build case warmed up both sides (bytecode, the theme)

    def say(self, message: str) -> None:
        """A progress line on stderr, stamped with the time since the run started."""
        elapsed = time.monotonic() - self.started
        print(f"[{int(elapsed) // 60:2d}:{int(elapsed) % 60:02d}] {message}", file=sys.stderr,
              flush=True)

    def peer(self, name: str) -> tuple[bool, str]:
        """(can run, why not) for peer ``name``."""
        if self.peers is None:
            return False, self.no_peer_reason
        if not self.peers.has(name):
            return False, self.peers.why_missing(name)
        return True, ""

    def vault(self, notes: int, shape: str = "generator") -> Path:
        """The cached generated vault of ``notes`` notes (read-only: copy it to change it)."""
        path, reused = ensure_shaped_vault(self.cache, notes, self.seed, shape)
        if not reused:
            self.say(f"generated a {notes:,}-note vault in {path}")
        return path

    def prepared(self, notes: int, shape: str = "generator") -> Path:
        """bench_build.py's cached vault of ``shape``: interviews of private contacts made
        private and private bodies made unique (so the leak scan passes), filled once, with
        ``mkdocs.yml`` (ours), ``mkdocs-small-nav.yml`` and ``mkdocs-default-nav.yml``.
        Read-only: copy it to change it. Raises ``MeasureError`` if it cannot be made."""
        try:
            import bench_build

            with contextlib.redirect_stdout(sys.stderr):  # its report; stdout is the table's
                return bench_build.prepare(notes, self.seed, self.cache, shape)
        except Exception as exc:  # its failure must not stop the other rows
            raise MeasureError(f"bench_build.prepare({notes}, shape={shape}) failed: "
                               f"{type(exc).__name__}: {exc}") from None

    def filled(self, notes: int) -> Path:
        """A private copy of the ``notes``-note vault with every block filled once: the steady
        state of a vault in use, where `fill`, `build` and `serve` normally start from."""
        if notes not in self._filled:
            target = self.work / f"filled-{notes}"
            shutil.copytree(self.vault(notes), target, symlinks=True)
            self.say(f"filling a copy of the {notes:,}-note vault once (setup, not timed)")
            run_once([*self.vt, "fill", "--vault", str(target)])
            self._filled[notes] = target
        return self._filled[notes]

    def public_copy(self, notes: int, name: str) -> tuple[Path, int]:
        """A copy of ``filled(notes)`` with every note made public (its ``private: true`` line
        dropped): (vault root, notes changed). The site refuses to build the synthetic vault
        at 5,000 notes, because private names show up on public pages; serve is timed here,
        the leak scan is build's business."""
        target = self.work / name
        shutil.copytree(self.filled(notes), target, symlinks=True)
        changed = 0
        for path in sorted((target / "notes").rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            end = text.find("\n---", 3) if text.startswith("---\n") else -1
            flag = text.find("\nprivate: true\n", 0, end + 1) if end > 0 else -1
            if flag >= 0:
                path.write_text(text[:flag] + text[flag + len("\nprivate: true"):],
                                encoding="utf-8")
                changed += 1
        return target, changed

    def site_notes(self, notes: int, name: str) -> tuple[Path, str]:
        """A fresh vault folder ``name`` holding the notes bench_build.py builds (its vault,
        with interviews of private contacts made private so the leak scan passes, filled
        once), without a config: (vault root, "" or a caveat for the table)."""
        caveat = ""
        try:
            source = self.prepared(notes)
        except MeasureError as exc:
            caveat = f"{exc}; used the generated vault filled once, which the leak scan may refuse"
            source = self.filled(notes)
        target = self.work / name
        shutil.copytree(source / "notes", target / "notes", symlinks=True)
        return target, caveat


def _n(notes: int) -> str:
    return f"{notes:,} notes"


def measure_check(b: Bench) -> list[Row]:
    """`check` cold vs the bare YAML read, through bench_check.py --json."""
    n = b.plan.main
    row = Row("check", f"check, {_n(n)}, cold", f"≤ {CHECK_RATIO:g}× bare YAML read",
              peer="bare read + YAML parse (C loader)")
    cmd = [sys.executable, str(HERE / "bench_check.py"), "--json", "--notes", str(n),
           "--runs", str(b.plan.check_runs), "--seed", str(b.seed), "--cache-dir", str(b.cache)]
    b.say(f"check: bench_check.py, {_n(n)}, {b.plan.check_runs} alternating runs each")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise MeasureError(f"bench_check.py exited with {proc.returncode}: "
                           f"{_tail(proc.stderr.encode())}")
    data = json.loads(proc.stdout)
    row.ours, row.ours_cpu = data["check"]["wall"], data["check"]["cpu"]
    row.peer_values = data["baseline"]["wall"]
    ratio = row.ratio or 0.0
    row.verdict = "met" if ratio <= CHECK_RATIO else "NOT met"
    cpu_ratio = statistics.median(data["check"]["cpu"]) / max(
        statistics.median(data["baseline"]["cpu"]), 1e-9)
    row.notes.append(f"check: CPU-time ratio {cpu_ratio:.2f}× (wall {ratio:.2f}×); both sides "
                     "are fresh processes, interpreter start-up included.")
    return [row]


def _split_writes(before: FileState, after: FileState) -> tuple[int, int]:
    """(notes written, other files written) between two snapshots of a vault root."""
    def part(states: FileState, notes: bool) -> FileState:
        return {p: v for p, v in states.items() if p.startswith(f"notes{os.sep}") == notes}

    return (count_writes(part(before, True), part(after, True)),
            count_writes(part(before, False), part(after, False)))


def measure_fill(b: Bench) -> list[Row]:
    """`fill` with nothing to change, twice over: as normally run (its manifest from the last
    fill is current, so no note is read) and with that cache removed (the full work, as after a
    clone or a checkout that touched every note). Time and writes, next to obsidiantools
    indexing the same notes (the peer that also computes backlinks and a graph)."""
    rows: list[Row] = []
    for n in b.plan.fill_sizes:
        rows += _measure_fill_at(b, n)
    return rows


def _measure_fill_at(b: Bench, n: int) -> list[Row]:
    limit = f"≤ {FILL_SECONDS:g} s, zero writes" if n == b.plan.main else "—"
    peer = "obsidiantools connect().gather()"
    warm = Row("fill", f"fill, {_n(n)}, nothing changed", limit, peer=peer)
    cold = Row("fill", f"fill, {_n(n)}, nothing changed, no fill cache", limit, peer=peer)
    vault = b.filled(n)
    cache = vault / FILL_CACHE
    can_peer, why = b.peer("obsidiantools")
    writes = {id(warm): [0, 0], id(cold): [0, 0]}  # [notes, other files]
    for i in range(b.plan.runs):
        order = ((warm, False), (cold, True))
        for row, drop_cache in order if i % 2 == 0 else order[::-1]:
            b.say(f"fill: run {i + 1}/{b.plan.runs} on {_n(n)}"
                  f"{', fill cache removed' if drop_cache else ''}")
            if drop_cache:
                shutil.rmtree(cache, ignore_errors=True)  # our scratch copy
            before = file_states(vault)
            sample = run_once([*b.vt, "fill", "--vault", str(vault)])
            notes, other = _split_writes(before, file_states(vault))
            writes[id(row)][0] += notes
            writes[id(row)][1] += other
            row.ours.append(sample.wall)
            row.ours_cpu.append(sample.cpu)
        if i == 0 and can_peer and n in b.plan.obsidian_sizes:
            # One peer run, between ours: it takes minutes at 5,000 notes.
            b.say(f"fill: peer obsidiantools on {_n(n)}")
            ran = run_once(peerlib.obsidiantools_command(b.peers, vault / "notes"))  # type: ignore[arg-type]
            b.peer_memory[n], b.peer_index_wall[n] = ran.rss_mb, ran.wall
            b.peer_cpu[n] = ran.cpu
    for row in (warm, cold):
        if not can_peer:
            row.peer_text = f"not run: {why}"
        elif n in b.peer_index_wall:
            row.peer_values = [b.peer_index_wall[n]]
        else:
            row.peer_text = "not run: a reference peer (--all-peers)"
        notes, other = writes[id(row)]
        row.writes = notes
        fast = statistics.median(row.ours) <= FILL_SECONDS
        if n == b.plan.main:
            row.verdict = "met" if fast and notes == 0 else "NOT met"
        else:
            row.verdict = "reference" if notes == 0 else "NOT met"
        row.notes.append(f"fill at {_n(n)}: {notes} note(s) written over {len(row.ours)} "
                         f"run(s), and {other} other file(s) (fill's own cache); inode, mtime "
                         "and size of every file compared before and after each run.")
    if not cache.is_dir():
        cold.notes.append(f"fill: no cache at {FILL_CACHE}: both fill rows did the same work.")
    if n == b.plan.main:
        warm.notes.append("fill: as normally run: the manifest the last fill recorded (size, "
                          "mtime and inode of every note) still matches, so no note is read.")
        cold.notes.append("fill: the full work (read, parse, index, render and compare every "
                          "block), as after a clone or a checkout that touched every note.")
    if n in b.peer_cpu:
        cold.notes.append(f"obsidiantools at {_n(n)}: {b.peer_cpu[n]:.1f} s CPU.")
    return [warm, cold]


def measure_memory(b: Bench) -> list[Row]:
    """Peak RSS of `check` and `fill --check` at each size (and their times, for growth)."""
    rows = []
    can_peer, why = b.peer("obsidiantools")
    for n in b.plan.memory_sizes:
        vault = b.vault(n)
        b.say(f"memory: check and fill --check on {_n(n)}")
        check = run_once([*b.vt, "check", "--vault", str(vault), "--json"], ok=(0, 1))
        # An unfilled vault: fill --check renders and compares every block, its heaviest case.
        fill = run_once([*b.vt, "fill", "--check", "--vault", str(vault)], ok=(0, 1))
        peak = max(check.rss_mb, fill.rss_mb)
        top = max(b.plan.memory_sizes)
        row = Row("memory", f"peak RSS, {_n(n)}", f"≤ {MEMORY_MB:g} MB" if n == top else "—",
                  unit="MB", ours=[peak], peer="obsidiantools connect().gather()")
        row.ours_text = (f"{peak:.0f} MB (check {check.rss_mb:.0f}, "
                         f"fill --check {fill.rss_mb:.0f})")
        row.verdict = ("met" if peak <= MEMORY_MB else "NOT met") if n == top else "reference"
        row.notes.append(f"memory at {_n(n)}: check took {check.wall:.2f} s "
                         f"({check.cpu:.2f} s CPU), fill --check {fill.wall:.2f} s "
                         f"({fill.cpu:.2f} s CPU).")
        if not can_peer:
            row.peer_text = f"not run: {why}"
        elif n in b.peer_memory:
            row.peer_values = [b.peer_memory[n]]
        elif n in b.plan.obsidian_sizes:
            b.say(f"memory: peer obsidiantools on {_n(n)}")
            peer = run_once(peerlib.obsidiantools_command(b.peers, vault / "notes"))  # type: ignore[arg-type]
            b.peer_memory[n], b.peer_index_wall[n] = peer.rss_mb, peer.wall
            b.peer_cpu[n] = peer.cpu
            row.peer_values = [peer.rss_mb]
        else:
            row.peer_text = "not run: a reference peer (--all-peers)"
        if n in b.peer_index_wall:
            row.notes.append(f"obsidiantools indexed {_n(n)} in {b.peer_index_wall[n]:.1f} s "
                             f"({b.peer_cpu.get(n, 0.0):.1f} s CPU).")
        rows.append(row)
    return rows


class ServerProcess:
    """A `serve` process whose output is read on a thread, each line stamped on arrival."""

    def __init__(self, cmd: list[str], cwd: Path) -> None:
        env = dict(CHILD_ENV, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        self._closed = False
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            with self._cond:
                self.lines.append((time.monotonic(), raw.decode("utf-8", "replace").rstrip()))
                self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_for(self, needle: str, since: float, timeout: float) -> float:
        """The arrival time of the first line after ``since`` that contains ``needle``. Raises
        ``MeasureError`` on a failed rebuild, on exit, or after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for stamp, line in self.lines:
                    if stamp < since:
                        continue
                    if needle in line:
                        return stamp
                    if REBUILD_FAILED in line:
                        raise MeasureError(f"the rebuild failed: {self.tail()}")
                if self._closed:
                    raise MeasureError(f"the server exited: {self.tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise MeasureError(f"no {needle!r} within {timeout:.0f} s: {self.tail()}")
                self._cond.wait(left)

    def tail(self) -> str:
        return " / ".join(line for _, line in self.lines[-5:]) or "(no output)"

    def stop(self) -> None:
        """Ctrl+C, as a user would stop it; killed if it does not stop within 15 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _edit_target(vault: Path) -> Path:
    """The note every serve run edits: the first contact, in a stable order."""
    return sorted((vault / "notes" / "contacts").glob("*.md"))[0]


def _save_edit(path: Path, i: int) -> float:
    """Append a line of prose (no link: no block changes), as an editor save would; return
    the moment the save completed."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nEdited during benchmark run {i}.\n")
    return time.monotonic()



def _process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a running process has used so far; None where /proc is
    not there to ask."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) "
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_LEAK_REFUSAL = "private values would be published"


def _start_server(b: Bench, label: str, cmd: list[str], vault: Path) -> ServerProcess:
    """Start a server and wait for its first build; stopped again if that fails."""
    b.say(f"serve: starting {label} on {vault.name} (first build)")
    server = ServerProcess(cmd, vault)
    try:
        server.wait_for(SERVING, 0.0, 900)
    except MeasureError:
        server.stop()
        raise
    return server


def measure_serve(b: Bench) -> list[Row]:
    """Save one note while `vault-tools serve` runs; time until the browsers are told to reload,
    at each serve size (5,000 notes; 20,000 with --large). A size that fails gets a failed row
    and the next still runs."""
    rows = []
    for n in b.plan.serve_sizes:
        try:
            rows += _measure_serve_at(b, n)
        except MeasureError as exc:
            b.say(f"serve at {_n(n)}: FAILED: {exc}")
            rows.append(Row("serve", f"serve, rebuild after one save, {_n(n)}", "—",
                            verdict="failed", notes=[f"serve at {_n(n)}: {exc}"]))
    return rows


def _measure_serve_at(b: Bench, n: int) -> list[Row]:
    """The peer is plain `mkdocs serve` with Material and the small nav on the same notes. Both
    servers stay up the whole time and the edits alternate between them."""
    budget = SERVE_LARGE_SECONDS if n > b.plan.main else SERVE_SECONDS
    row = Row("serve", f"serve, rebuild after one save, {_n(n)}", f"≤ {budget:g} s",
              peer="mkdocs serve, Material, small nav")
    # The notes bench_build.py builds (the build row shows the site accepts them).
    ours_vault, caveat = b.site_notes(n, f"serve-ours-{n}")
    (ours_vault / "mkdocs.yml").write_text(OURS_MKDOCS_YML, encoding="utf-8")
    ours_cmd = [*b.vt, "serve", "--vault", str(ours_vault), "--port", str(_free_port())]
    servers: list[tuple[Row, list[float], Path, ServerProcess]] = []
    public = False
    try:
        try:
            ours = _start_server(b, "vault-tools serve", ours_cmd, ours_vault)
        except MeasureError as exc:
            if _LEAK_REFUSAL not in str(exc):
                raise
            # Refused by the leak scan: time the rebuild on notes that are all public instead.
            ours_vault, made_public = b.public_copy(n, f"serve-ours-public-{n}")
            (ours_vault / "mkdocs.yml").write_text(OURS_MKDOCS_YML, encoding="utf-8")
            ours_cmd[ours_cmd.index("--vault") + 1] = str(ours_vault)
            ours = _start_server(b, "vault-tools serve", ours_cmd, ours_vault)
            public = True
            caveat = (f"the site refused these notes (private names on public pages), so "
                      f"{made_public} private notes were made public in the served copy; with "
                      "nothing private the leak scan has nothing to find: a lower bound")
        if caveat:
            row.notes.append(f"serve: {caveat}.")
        servers.append((row, row.ours, ours_vault, ours))
        can_peer, why = b.peer("mkdocs")
        if can_peer:
            peer_vault = (b.public_copy(n, f"serve-peer-{n}")[0] if public
                          else b.site_notes(n, f"serve-peer-{n}")[0])
            config = peer_vault / "mkdocs.yml"
            config.write_text(peerlib.mkdocs_yml(b.work / "unused-site", small_nav=True),
                              encoding="utf-8")
            peer_cmd = [str(b.peers.bin / "mkdocs"), "serve", "-f", str(config),  # type: ignore[union-attr]
                        "-a", f"127.0.0.1:{_free_port()}"]
            peer = _start_server(b, "mkdocs serve", peer_cmd, peer_vault)
            servers.append((row, row.peer_values, peer_vault, peer))
        else:
            row.peer_text = f"not run: {why}"
        cpu: dict[int, list[float]] = {id(ours): [], id(servers[-1][3]): []}
        builds: dict[int, int] = {id(ours): 0, id(servers[-1][3]): 0}
        # Ours rebuilds in about a second, the peer in most of a minute: ours is saved more
        # often, alternating with the peer while the peer has saves left.
        wanted = {id(server): b.plan.serve_runs if server is ours else b.plan.peer_serve_runs
                  for _, _, _, server in servers}
        for i in range(max(wanted.values())):
            for _, times, vault, server in servers if i % 2 == 0 else servers[::-1]:
                if i >= wanted[id(server)]:
                    continue
                who = "ours" if server is ours else "peer"
                b.say(f"serve: save {i + 1}/{wanted[id(server)]}, {who}")
                cpu_before = _process_cpu(server.proc.pid)
                saved = _save_edit(_edit_target(vault), i)
                reloaded = server.wait_for(RELOADED, saved, 600)
                times.append(reloaded - saved)
                cpu_after = _process_cpu(server.proc.pid)
                if cpu_before is not None and cpu_after is not None:
                    cpu[id(server)].append(cpu_after - cpu_before)
                builds[id(server)] += sum(1 for stamp, line in server.lines
                                          if saved <= stamp <= reloaded
                                          and "Detected file changes" in line)
                time.sleep(0.5)  # let the server go idle before the other one is measured
    finally:
        for _, _, _, server in servers:
            server.stop()
    row.ours_cpu = cpu[id(ours)]
    if len(servers) > 1:
        peer_cpu = cpu[id(servers[1][3])]
        if peer_cpu:
            row.notes.append(f"serve: the peer server used {statistics.median(peer_cpu):.1f} s "
                             "CPU per rebuild (median).")
    for server, who in ((s[3], "ours" if s[3] is ours else "the peer") for s in servers):
        if builds[id(server)] > wanted[id(server)]:
            row.notes.append(f"serve: {who} rebuilt {builds[id(server)]} times for "
                             f"{wanted[id(server)]} save(s).")
    row.verdict = "met" if statistics.median(row.ours) <= budget else "NOT met"
    b.figures[("serve", n)] = (statistics.median(row.ours), 0.0,
                               statistics.median(row.ours_cpu) if row.ours_cpu else 0.0)
    if row.verdict == "NOT met":
        row.notes.append("serve: the rebuild re-renders only the changed pages and keeps "
                         "what a save cannot change (listing, dashboards' data, secrets, "
                         "each page's search JSON, the sitemap, the tags' pages, the view's "
                         "follow-ups; a note parsed the same reaches no other note's blocks), "
                         "but still copies the listing's files, checks each file's link, "
                         "goes through every page once and writes the whole search index "
                         "(vault_tools/site/incremental.py); on a busy machine that can "
                         "exceed the budget.")
    return [row]


def measure_build_peers(b: Bench, ours_by_size: dict[int, list[float]]) -> list[Row]:
    """The wikilink plugins a user could add to plain Material instead, with the small nav, on
    the notes bench_build.py builds. Ratios are against our build at the same size (from
    bench_build.py), when it was measured."""
    rows = []
    first_build: dict[str, tuple[int, float]] = {}  # plugin -> (size, seconds) of its first run
    variants = [
        ("roamlinks", "mkdocs build + roamlinks, small nav"),
        ("ezlinks", "mkdocs build + ezlinks, small nav"),
    ]
    for n in b.plan.build_sizes:
        for plugin, label in variants:
            row = Row("build", f"build, {_n(n)} (reference peer)", "—", peer=label,
                      verdict="reference")
            rows.append(row)
            can_peer, why = b.peer(plugin)
            runs = b.plan.plugin_runs.get(plugin, {}).get(n, 0)
            if can_peer and not runs:
                can_peer, why = False, ("too slow at this size, even with --all-peers"
                                        if b.plan.reference_peers
                                        else "a reference peer (--all-peers)")
                if plugin in first_build:
                    size, seconds = first_build[plugin]
                    why += f" (one build of {_n(size)} took {seconds:.0f} s)"
            if not can_peer:
                row.peer_text = f"not run: {why}"
                continue
            vault, caveat = b.site_notes(n, f"build-{plugin}-{n}")
            if caveat:
                row.notes.append(f"build: {caveat}.")
            config = vault / "mkdocs.yml"
            config.write_text(peerlib.mkdocs_yml(vault / "site", small_nav=True, plugin=plugin),
                              encoding="utf-8")
            for i in range(runs):
                b.say(f"build: peer {label}, {_n(n)}, run {i + 1}/{runs}")
                cmd = [str(b.peers.bin / "mkdocs"), "build", "-q", "-f", str(config)]  # type: ignore[union-attr]
                row.peer_values.append(run_once(cmd, cwd=vault).wall)
                first_build.setdefault(plugin, (n, row.peer_values[0]))
            row.ours = list(ours_by_size.get(n, []))
            if not row.ours:
                row.ours_text = "not measured (see the build row)"
    return rows


# --- the benchmarks other scripts own: bench_build.py and bench_watch.py --------------------------


def run_script(b: Bench, name: str, args: list[str], timeout: float) -> str:
    """Run ``benchmarks/<name>`` with this interpreter and return its stdout; raises
    ``MeasureError`` if it is missing or fails."""
    script = HERE / name
    if not script.is_file():
        raise MeasureError(f"benchmarks/{name} is not there (yet): nothing to run")
    cmd = [sys.executable, str(script), *args]
    b.say(f"{name} {' '.join(args)}")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise MeasureError(f"benchmarks/{name} took more than {timeout:.0f} s") from None
    if proc.returncode != 0:
        raise MeasureError(f"benchmarks/{name} exited with {proc.returncode}: "
                           f"{_tail((proc.stderr or proc.stdout).encode())}")
    return proc.stdout


# bench_watch.py prints one line per timed save ("  save  3   0.412 s  link …") and a verdict.
_WATCH_SAVE = re.compile(r"^\s*save\s+\d+\s+([0-9.]+) s\b", re.MULTILINE)
_VERDICT = re.compile(r"^budget .*?: (met|NOT met)\b", re.MULTILINE)


def measure_watch(b: Bench) -> list[Row]:
    """One saved note -> every affected block rewritten, from bench_watch.py (its printed
    report: it has no JSON mode)."""
    n = b.plan.main
    saves = 3 if b.plan.smoke else 10
    args = ["--notes", str(n), "--saves", str(saves), "--seed", str(b.seed),
            "--cache-dir", str(b.cache)]
    out = run_script(b, "bench_watch.py", args, timeout=900)
    times = [float(t) for t in _WATCH_SAVE.findall(out)]
    if not times:
        raise MeasureError(f"no timed saves in bench_watch.py's report: {_tail(out.encode())}")
    row = Row("watch", f"watch, one save → blocks on disk, {_n(n)}", f"≤ {WATCH_SECONDS:g} s",
              ours=times, peer="none (no peer writes blocks into notes)", peer_text="—")
    verdict = _VERDICT.search(out)
    # bench_watch.py judges the worst save, not the median: every save must land in time.
    met = verdict.group(1) == "met" if verdict else max(times) <= WATCH_SECONDS
    row.verdict = "met" if met else "NOT met"
    row.notes.append(f"watch: {len(times)} editor-style saves (temp file + rename), half adding "
                     f"a link, half a task; worst {max(times):.3f} s. The budget is judged on "
                     "the worst save.")
    return [row]


def _shape_label(shape: str) -> str:
    return "" if shape == "generator" else f", {shape} shape"


def site_markdown() -> list[Any]:
    """The Markdown every vault's site is rendered with, as ``markdown_extensions`` lists it:
    MkDocs' built-in extensions, then the ones `vault-tools build` adds for Obsidian's tasks,
    callouts, highlights and footnotes (`mkdocs_setup.OBSIDIAN_MARKDOWN`). Plain Material with
    them is a reference beside the budget's peer, which renders MkDocs' built-ins only: what
    part of the cold build's ratio is the Markdown itself."""
    from mkdocs.config.defaults import MkDocsConfig

    from vault_tools.site.mkdocs_setup import OBSIDIAN_MARKDOWN

    option: Any = MkDocsConfig.markdown_extensions  # (its `builtins`: toc, tables, fenced_code)
    return [*option.builtins,
            *({name: dict(options)} if options else name for name, options in OBSIDIAN_MARKDOWN)]


def site_markdown_config(root: Path, work: Path) -> Path:
    """A configuration in ``work`` building ``root``'s notes as its ``mkdocs-small-nav.yml``
    does (into a folder of ``work``), with the site's Markdown (`site_markdown`): the prepared
    vault itself is left as it is."""
    import yaml

    config = yaml.safe_load((root / "mkdocs-small-nav.yml").read_text(encoding="utf-8"))
    config.update(docs_dir=str(root / "notes"), site_dir=str(work / f"{root.name}-site-markdown"),
                  markdown_extensions=site_markdown())
    path = work / f"{root.name}-site-markdown.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return path


def _plain_mkdocs() -> list[str]:
    """The project's own `mkdocs` (same MkDocs and Material as `vault-tools build`), beside
    this interpreter: the plain build is the budget's peer even when no peer is installed."""
    return [str(Path(sys.executable).parent / "mkdocs")]


def _alternate(b: Bench, rounds: int, sides: list[tuple[str, Callable[[], Sample]]],
               what: str, also: Sequence[tuple[str, Callable[[], Sample]]] = ()
               ) -> dict[str, list[Sample]]:
    """Run each side ``rounds`` times, alternating, the first side swapping each round; the
    sides of ``also`` (references) after them in each round, in order."""
    got: dict[str, list[Sample]] = {name: [] for name, _ in (*sides, *also)}
    for i in range(rounds):
        for name, run in [*(sides if i % 2 == 0 else sides[::-1]), *also]:
            b.say(f"{what}: {name}, run {i + 1}/{rounds}")
            got[name].append(run())
    return got


def _cold_flags(b: Bench) -> list[str]:
    """``["--clean"]`` once `vault-tools build` has that option (issue #22: a build that
    ignores any persistent cache), else nothing: without the option there is no such cache,
    and every build is cold. Without it a warm-up would fill the cache and the "cold" runs
    would measure cached builds."""
    if b.build_flags is None:
        proc = subprocess.run([*b.vt, "build", "--help"], capture_output=True, text=True,
                              check=False)
        b.build_flags = ["--clean"] if "--clean" in proc.stdout else []
    return b.build_flags


def measure_build(b: Bench) -> list[Row]:
    """Cold `vault-tools build` vs plain `mkdocs build` (Material, small nav) on the very same
    notes, on every vault shape: time and peak memory. Then the other peers on the notes of the
    generator's shape."""
    rows: list[Row] = []
    ours_by_size: dict[int, list[float]] = {}
    for shape, n in b.plan.build_cases:
        rows += _measure_build_case(b, shape, n, ours_by_size)
    return rows + measure_build_peers(b, ours_by_size)


def _measure_build_case(b: Bench, shape: str, n: int,
                        ours_by_size: dict[int, list[float]]) -> list[Row]:
    label = f"{_n(n)}{_shape_label(shape)}"
    peer = "mkdocs build, Material, small nav"
    row = Row("build", f"build, {label}, cold", f"≤ {BUILD_RATIO:g}× plain Material, small nav",
              peer=peer)
    mem_limit = f"≤ {BUILD_MEMORY_RATIO:g}× the peer's"
    if n >= b.plan.top:
        mem_limit += f", ≤ {BUILD_MEMORY_MB:g} MB"
    mem = Row("build", f"build peak RSS, {label}", mem_limit, unit="MB", peer=peer)
    try:
        root = b.prepared(n, shape)
    except MeasureError as exc:
        row.verdict = mem.verdict = "failed"
        row.notes.append(f"build, {label}: {exc}")
        return [row, mem]
    ours_cmd = [*b.vt, "build", *_cold_flags(b), "--vault", str(root)]
    plain_cmd = [*_plain_mkdocs(), "build", "-q", "-f", "mkdocs-small-nav.yml"]
    sides = [("vault-tools build", lambda: run_once(ours_cmd, cwd=root, env=PLAIN_ENV)),
             ("plain mkdocs build", lambda: run_once(plain_cmd, cwd=root, env=PLAIN_ENV))]
    references: list[tuple[str, Callable[[], Sample]]] = []  # in the same rounds, after those
    if shape == "generator" and n == b.plan.small and not b.plan.smoke:
        markdown_cmd = [*_plain_mkdocs(), "build", "-q", "-f",
                        str(site_markdown_config(root, b.work))]
        references.append((SITE_MARKDOWN_SIDE,
                           lambda: run_once(markdown_cmd, cwd=root, env=PLAIN_ENV)))
    try:
        # Warm-up: bytecode, first disk reads. Not at 5,000 notes and up: prepare's fill has
        # just read every note, the smaller builds compiled the bytecode, and a warm-up there
        # costs more than a minute of the 15. Plain MkDocs keeps nothing between builds and
        # pip wrote its bytecode: after the first case, ours' warm-up reads the shape's notes
        # for both sides.
        warm = not b.plan.smoke and n < b.plan.main
        warmed = sides if not b.warmed else sides[:1]
        if warm:
            for name, run in warmed:
                b.say(f"build, {label}: warm-up, {name}")
                run()
            b.warmed = True
        runs = 1 if n >= b.plan.main and not b.plan.smoke else b.plan.build_runs
        got = _alternate(b, runs, sides, f"build, {label}", also=references)
        default_nav = None
        if (shape == "generator" and n == b.plan.small and not b.plan.smoke
                and b.plan.reference_peers):
            b.say(f"build, {label}: stock Material, default nav (one run)")
            default_nav = run_once([*_plain_mkdocs(), "build", "-q", "-f",
                                    "mkdocs-default-nav.yml"], cwd=root, env=PLAIN_ENV)
    except MeasureError as exc:
        row.verdict = mem.verdict = "failed"
        row.notes.append(f"build, {label}: {exc}")
        return [row, mem]
    ours, plain = got["vault-tools build"], got["plain mkdocs build"]
    row.ours, row.ours_cpu = [s.wall for s in ours], [s.cpu for s in ours]
    row.peer_values = [s.wall for s in plain]
    row.verdict = "met" if (row.ratio or 0.0) <= BUILD_RATIO else "NOT met"
    mem.ours, mem.peer_values = [s.rss_mb for s in ours], [s.rss_mb for s in plain]
    mem_ok = (mem.ratio or 0.0) <= BUILD_MEMORY_RATIO
    if n >= b.plan.top:
        mem_ok = mem_ok and max(mem.ours) <= BUILD_MEMORY_MB
    mem.verdict = "met" if mem_ok else "NOT met"
    if shape == "generator":
        ours_by_size[n] = row.ours
        b.figures[("build", n)] = (statistics.median(row.ours), max(mem.ours),
                                   statistics.median(row.ours_cpu))
    row.notes.append(f"build, {label}: bench_build.py's vault (vault_shapes.py, shape "
                     f"{shape}); `vault-tools build{' --clean' if _cold_flags(b) else ''}` "
                     "includes a fill that finds nothing to change; both sides build the same "
                     "filled notes"
                     + _warm_up_note(warm, len(warmed) == len(sides)))
    mem.notes.append(f"build memory, {label}: peak resident set (`wait4`'s ru_maxrss) of each "
                     "build process, median of the runs; the plain build's CPU was "
                     f"{statistics.median(s.cpu for s in plain):.1f} s.")
    rows = [row, mem]
    if default_nav is not None:
        rows.append(Row("build", f"build, {label} (reference peer)", "—", ours=row.ours,
                        peer="mkdocs build, Material, default nav",
                        peer_values=[default_nav.wall], verdict="reference",
                        notes=["build: stock Material's default nav lists every page in "
                               "every page, so its cost grows with the square of the "
                               "notes; it is run at 1,000 notes or fewer only (DESIGN §11 "
                               "reports ~13 min at 5,000)."]))
    if SITE_MARKDOWN_SIDE in got:
        rows.append(_site_markdown_row(label, row, plain, got[SITE_MARKDOWN_SIDE]))
    return rows


SITE_MARKDOWN_SIDE = "plain mkdocs build, the site's Markdown"


def _site_markdown_row(label: str, row: Row, plain: list[Sample],
                       markdown: list[Sample]) -> Row:
    """The reference row of plain Material rendering the site's Markdown (`site_markdown`),
    in the same rounds as the budget's two sides."""
    from vault_tools.site.mkdocs_setup import OBSIDIAN_MARKDOWN

    added = [name for name, _ in OBSIDIAN_MARKDOWN]
    wall = statistics.median(s.wall for s in markdown) / statistics.median(s.wall for s in plain)
    cpu = statistics.median(s.cpu for s in markdown) / statistics.median(s.cpu for s in plain)
    return Row("build", f"build, {label} (reference peer)", "—", ours=row.ours,
               ours_cpu=row.ours_cpu,
               peer="mkdocs build, Material, small nav, the site's Markdown extensions",
               peer_values=[s.wall for s in markdown], verdict="reference",
               notes=[f"build, {label}: plain Material with the Markdown extensions every "
                      "vault's site is rendered with (Obsidian's tasks, callouts, highlights "
                      f"and footnotes: {', '.join(f'`{name}`' for name in added)}), run after "
                      "the two sides of the budget's row in each of its rounds: "
                      f"{wall:.2f}× the wall and {cpu:.2f}× the CPU of plain Material with "
                      "MkDocs' default Markdown, the budget's peer: the part of the cold "
                      "build's ratio that is rendering the notes' Markdown as Obsidian shows "
                      "it, which that peer does not do."])


def _warm_up_note(warm: bool, both: bool) -> str:
    """How a cold-build row's sides were warmed up, to end its note."""
    if not warm:
        return "."
    if both:
        return ", each after one untimed warm-up."
    return (", after one untimed warm-up of ours (plain MkDocs had its own on the first "
            "shape: it keeps nothing between builds).")


# --- cached build, serve start, first fill, scale ------------------------------------------------


def _public_notes(notes_dir: Path) -> list[Path]:
    """The public notes outside interviews, in a stable order: what the cached-build rows edit
    (an edit to them cannot make the leak scan refuse the site)."""
    out = []
    for path in sorted(notes_dir.rglob("*.md")):
        rel = path.relative_to(notes_dir).parts
        if rel[0] in ("interviews", "index.md", "Follow-ups.md") or rel[0].startswith("."):
            continue
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---", 3) if text.startswith("---\n") else -1
        if end < 0 or "\nprivate: true" not in text[:end + 1]:
            out.append(path)
    return out


def _edit_notes(targets: list[Path], count: int, start: int, tag: str) -> None:
    """Append a line of prose (no link, no task) to ``count`` notes of ``targets`` from
    ``start`` on, as a day's editing would."""
    for path in (targets[(start + i) % len(targets)] for i in range(count)):
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\nEdited for the benchmark ({tag}).\n")


def _start_time(b: Bench, label: str, cmd: list[str], vault: Path) -> float:
    """Seconds from starting a server to its `Serving on` line (its first build done); the
    server is stopped again."""
    started = time.monotonic()
    server = _start_server(b, label, cmd, vault)
    try:
        return server.wait_for(SERVING, 0.0, 1) - started
    finally:
        server.stop()


def measure_cached(b: Bench) -> list[Row]:
    """`vault-tools build` after a first build and a few edited notes, vs plain `mkdocs build`
    on the same notes after the same edits; then the start of `serve` after edits, vs
    `mkdocs serve`. Whatever cache the product keeps between runs is what this measures."""
    n = b.plan.main
    limit = f"≤ {CACHED_SECONDS:g} s and ≤ {CACHED_RATIO:g}× plain mkdocs build"
    peer = "mkdocs build, Material, small nav (same notes, same edits)"
    rows = {k: Row("cached", f"build after {k} changed notes, {_n(n)}", limit, peer=peer)
            for k in CACHED_EDITS}
    start_row = Row("cached", f"serve start after {CACHED_EDITS[0]} changed notes, {_n(n)}",
                    limit.replace("mkdocs build", "mkdocs serve start"),
                    peer="mkdocs serve, Material, small nav")
    morning = Row("cached", f"serve start on a new day after {CACHED_EDITS[0]} changed notes, "
                  f"{_n(n)}", start_row.limit, peer=start_row.peer)
    month_on = Row("cached", f"serve start on a new month's first day after "
                   f"{CACHED_EDITS[0]} changed notes, {_n(n)}", start_row.limit,
                   peer=start_row.peer)
    new_day = Row("cached", f"build on a new day, no note changed, {_n(n)}",
                  "only date-dependent pages redone", peer="—", peer_text="—")
    out = [*rows.values(), start_row, morning, month_on, new_day]
    try:
        source = b.prepared(n)
    except MeasureError as exc:
        for row in out[:-1]:
            row.verdict, row.notes = "failed", [f"cached: {exc}"]
        return out
    vault = b.work / f"cached-{n}"
    shutil.copytree(source, vault, symlinks=True,
                    ignore=shutil.ignore_patterns("site", "site-plain", "site-default"))
    targets = _public_notes(vault / "notes")
    ours_cmd = [*b.vt, "build", "--vault", str(vault)]
    plain_cmd = [*_plain_mkdocs(), "build", "-q", "-f", "mkdocs-small-nav.yml"]
    # (Plain MkDocs keeps nothing between builds: this first build has read the notes for it.)
    b.say(f"cached: first build of {_n(n)} by ours (not timed: it fills any cache)")
    run_once(ours_cmd, cwd=vault, env=PLAIN_ENV)
    edited = 0
    for k, row in rows.items():
        for i in range(b.plan.cached_runs):
            _edit_notes(targets, k, edited, f"{k} notes, round {i + 1}")
            edited += k
            order = [("ours", ours_cmd, row.ours), ("plain", plain_cmd, row.peer_values)]
            # Both build the same edited notes; the second side sees no edit the first did
            # not, so the order only swaps which one finds the page cache warmer.
            for who, cmd, into in order if i % 2 == 0 else order[::-1]:
                b.say(f"cached: {k} notes changed, round {i + 1}/{b.plan.cached_runs}, {who}")
                sample = run_once(cmd, cwd=vault, env=PLAIN_ENV)
                into.append(sample.wall)
                if who == "ours":
                    row.ours_cpu.append(sample.cpu)
        met = statistics.median(row.ours) <= CACHED_SECONDS and (row.ratio or 1.0) <= CACHED_RATIO
        row.verdict = "met" if met else "NOT met"
        row.notes.append(f"cached build, {k} notes: a copy of the build row's vault, built once "
                         f"by ours, then {b.plan.cached_runs} round(s) of {k} public notes "
                         "edited "
                         "(a line of prose appended) and both sides building again.")
    ours_serve = [*b.vt, "serve", "--vault", str(vault), "--port", str(_free_port())]
    # `serve` keeps a cache of its own (its site is built for the local server): a first
    # start, not timed, makes it, as the morning's start finds yesterday's.
    b.say("cached: a first serve start (not timed: it fills serve's cache)")
    _start_time(b, "vault-tools serve", ours_serve, vault)
    runs = b.plan.start_runs
    start_row.ours = _starts(b, ours_serve, vault, [None] * runs, targets, edited, "serve start")
    edited += runs * CACHED_EDITS[0]
    # The project's own MkDocs, as for the builds: the peer runs even in --smoke.
    peer_serve = [*_plain_mkdocs(), "serve", "-f", "mkdocs-small-nav.yml",
                  "-a", f"127.0.0.1:{_free_port()}"]
    start_row.peer_values = [_start_time(b, "mkdocs serve", peer_serve, vault)]
    start_row.verdict = _start_verdict(start_row)
    start_row.notes.append("serve start: from launching the server to its `Serving on` line "
                           "(its first build done), on the same vault after the cached-build "
                           "rows and a first start of ours (not timed; plain `mkdocs serve` "
                           f"keeps nothing between starts): {runs} timed start(s) of ours, each "
                           "after 3 more edited notes, and one of the peer's.")
    # The morning's start: yesterday's server stopped, a few notes edited since, and the
    # date moved on; the peer keeps nothing, so its start is the same. A first start on a
    # day (not timed), then one on each day after it.
    first = date.today() + timedelta(days=1)
    _starts(b, ours_serve, vault, [first], targets, edited, "a first day")
    edited += CACHED_EDITS[0]
    mornings = [first + timedelta(days=i + 1) for i in range(runs)]
    morning.ours = _starts(b, ours_serve, vault, mornings, targets, edited, "the next morning")
    edited += len(mornings) * CACHED_EDITS[0]
    _against_start(morning, start_row,
                   f"serve start on a new day: as the row before, {len(mornings)} start(s), "
                   "each after 3 more edited notes, with `--today` the day after the start "
                   "before it: the start every morning; the peer's figure is the serve start "
                   "row's (`mkdocs serve` keeps nothing between starts).")
    # A start weeks after the last, on a new month's first day: the week's conversations,
    # the month's count and every follow-up's group change for the reader, and still no
    # page shows the day (only `today.css` does).
    months_on = []
    day = mornings[-1]
    for _ in range(runs):
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        months_on.append(day)
    month_on.ours = _starts(b, ours_serve, vault, months_on, targets, edited, "a month on")
    edited += runs * CACHED_EDITS[0]
    _against_start(month_on, start_row,
                   f"serve start on a new month's first day: as the row before, {runs} "
                   "start(s), each after 3 more edited notes, with `--today` the first day of "
                   "the month after the last start's: a start after weeks away; the peer's "
                   "figure is the serve start row's.")
    _measure_new_day(b, new_day, ours_cmd, vault)
    return out


def _starts(b: Bench, serve: list[str], vault: Path, days: Sequence[date | None],
            targets: list[Path], edited: int, tag: str) -> list[float]:
    """One timed start of `serve` with `--today` each day of `days` (None: no `--today`), each
    after `CACHED_EDITS[0]` more notes edited (`edited` so far)."""
    out = []
    for i, day in enumerate(days):
        _edit_notes(targets, CACHED_EDITS[0], edited + i * CACHED_EDITS[0], f"{tag} {i + 1}")
        when = [] if day is None else ["--today", day.isoformat()]
        b.say(f"cached: {tag}, start {i + 1}/{len(days)}")
        out.append(_start_time(b, "vault-tools serve", [*serve, *when], vault))
    return out


def _against_start(row: Row, peer: Row, note: str) -> None:
    """`row`'s verdict against `peer`'s start of `mkdocs serve` (which keeps nothing between
    starts, so its start is the same any day)."""
    row.peer_values = list(peer.peer_values)
    row.verdict = _start_verdict(row)
    row.notes.append(note)


def _start_verdict(row: Row) -> str:
    """A serve start's verdict: met within `CACHED_SECONDS` and, when the peer was timed,
    within `CACHED_RATIO` of its start."""
    met = statistics.median(row.ours) <= CACHED_SECONDS and (
        row.ratio is None or row.ratio <= CACHED_RATIO)
    return "met" if met else "NOT met"


def _measure_new_day(b: Bench, row: Row, build: list[str], vault: Path) -> None:
    """`build --today` tomorrow after a build of today with no note changed: how long, and
    how many pages it rendered again (from its log line). `serve` starts with the same build,
    so this is its start on a new day too."""
    today = date.today()
    run_once([*build, "--today", today.isoformat()], cwd=vault, env=PLAIN_ENV)
    b.say("cached: build on a new day")
    sample = run_once([*build, "--today", (today + timedelta(days=1)).isoformat()],
                      cwd=vault, env=PLAIN_ENV)
    row.ours, row.ours_cpu = [sample.wall], [sample.cpu]
    kept = re.search(r"(\d+) pages rendered, (\d+) kept", sample.said)
    if kept is None:
        full = re.search(r"built the site.*?: (\d+) pages", sample.said)
        rendered, left = (int(full.group(1)) if full else -1), 0
    else:
        rendered, left = int(kept.group(1)), int(kept.group(2))
    # The dashboards' pages (home, follow-ups and the generated ones) may show the day; with
    # the browser grouping follow-ups by date, none of the notes' pages should.
    row.verdict = "met" if 0 <= rendered <= NEW_DAY_PAGES else "NOT met"
    row.notes.append(f"new day: after a build with `--today {today}`, a build with `--today` "
                     f"the day after, no note changed: {rendered} pages rendered again, {left} "
                     f"kept (met when at most {NEW_DAY_PAGES}: the dashboards' pages).")


def measure_first_fill(b: Bench) -> list[Row]:
    """`fill` of a vault never filled (every note with a block gets it) vs the floor script
    (read each note, write it back through temp file, fsync, rename), each on a fresh copy;
    and the growth from the smallest to the largest size."""
    rows = []
    medians: dict[int, float] = {}
    floor = [sys.executable, str(HERE / "floor_fill.py")]
    for n in b.plan.first_fill_sizes:
        row = Row("first-fill", f"first fill, {_n(n)}, never filled",
                  f"≤ {FIRST_FILL_RATIO:g}× the floor", peer="floor: read + temp + fsync + rename")
        source = b.vault(n)
        writes: list[int] = []
        rss: list[float] = []

        def fresh(name: str, n: int = n, source: Path = source) -> Path:
            target = b.work / f"first-fill-{name}-{n}"
            shutil.rmtree(target, ignore_errors=True)  # our own scratch copy
            shutil.copytree(source, target, symlinks=True)
            return target

        def ours(writes: list[int] = writes, rss: list[float] = rss) -> Sample:
            vault = fresh("ours")
            before = file_states(vault / "notes")
            sample = run_once([*b.vt, "fill", "--vault", str(vault)])
            writes.append(count_writes(before, file_states(vault / "notes")))
            rss.append(sample.rss_mb)
            return sample

        def peer() -> Sample:
            return run_once([*floor, str(fresh("floor") / "notes")])

        try:
            got = _alternate(b, b.plan.runs, [("vault-tools fill", ours), ("floor", peer)],
                             f"first fill, {_n(n)}")
        except MeasureError as exc:
            row.verdict, row.notes = "failed", [f"first fill at {_n(n)}: {exc}"]
            rows.append(row)
            continue
        row.ours = [s.wall for s in got["vault-tools fill"]]
        row.ours_cpu = [s.cpu for s in got["vault-tools fill"]]
        row.peer_values = [s.wall for s in got["floor"]]
        row.writes = max(writes)
        row.verdict = "met" if (row.ratio or 0.0) <= FIRST_FILL_RATIO else "NOT met"
        medians[n] = statistics.median(row.ours)
        b.figures[("first-fill", n)] = (medians[n], max(rss), statistics.median(row.ours_cpu))
        row.notes.append(f"first fill at {_n(n)}: each run on a fresh copy of the generated "
                         f"vault; fill wrote {row.writes} notes (peak {max(rss):.0f} MB), the "
                         f"floor rewrites all {n:,}; floor CPU "
                         f"{statistics.median(s.cpu for s in got['floor']):.2f} s.")
        rows.append(row)
    if len(medians) >= 2:
        lo, hi = min(medians), max(medians)
        growth = medians[hi] / medians[lo]
        limit = hi / lo * LINEAR_SLACK
        rows.append(Row("first-fill", f"first fill growth, {_n(lo)} → {_n(hi)}",
                        f"linear: ≤ {hi / lo:g}× (+{LINEAR_SLACK - 1:.0%})",
                        ours_text=f"{growth:.2f}× ({medians[lo]:.2f} s → {medians[hi]:.2f} s)",
                        verdict="met" if growth <= limit else "NOT met",
                        notes=["first fill growth: medians of the rows above."
                               + _cpu_growth(b.figures[("first-fill", lo)][2],
                                             b.figures[("first-fill", hi)][2])]))
    return rows


def _cpu_growth(lo: float, hi: float) -> str:
    """A note's words on the CPU-time growth, which moves much less with load than the wall."""
    if lo <= 0 or hi <= 0:
        return ""
    return f" CPU time {lo:.2f} s → {hi:.2f} s: {hi / lo:.2f}×."


def _growth_row(what: str, base: int, top: int, base_s: list[float],
                top_s: list[float], top_rss: float | None, mem_limit: float | None,
                note: str) -> Row:
    """A scale row: our figure at ``top`` against the same work at ``base`` (the "peer"
    column), judged on linear growth and, where given, a memory limit."""
    factor = top / base
    limit = f"≤ {factor:g}× its {_n(base)} figure (+{LINEAR_SLACK - 1:.0%})"
    if mem_limit is not None:
        limit += f", ≤ {mem_limit:g} MB"
    row = Row("scale", f"{what}, {_n(top)}", limit, ours=top_s,
              peer=f"the same at {_n(base)}", peer_values=base_s, notes=[note])
    ok = (row.ratio or 0.0) <= factor * LINEAR_SLACK
    if mem_limit is not None and top_rss is not None:
        ok = ok and top_rss <= mem_limit
        row.ours_text = f"{fmt_series(top_s, 's')}, {top_rss:.0f} MB"
    row.verdict = "met" if ok else "NOT met"
    return row


def measure_scale(b: Bench) -> list[Row]:
    """check, fill, watch, build and serve at the top size against linear growth from the
    main size, and the peak memory of check/fill and build there (``--large``)."""
    if b.plan.scale is None:
        return [Row("scale", "check, fill, watch, build, serve at 20,000 notes", "linear",
                    verdict="not measured",
                    notes=["scale: the 20,000-note rows run with --large only (they do not fit "
                           "the 15 minutes of the default run)."])]
    base, top = b.plan.scale
    rows = []
    runs = max(1, min(b.plan.check_runs, 3))
    for what, argv, ok in (("check, cold", ["check", "--json"], (0, 1)),
                           ("fill, nothing changed, no fill cache", ["fill"], (0,))):
        samples: dict[int, list[Sample]] = {}
        for n in (base, top):
            vault = b.vault(n) if what.startswith("check") else b.filled(n)
            samples[n] = []
            for i in range(runs):
                b.say(f"scale: {what}, {_n(n)}, run {i + 1}/{runs}")
                if not what.startswith("check"):
                    shutil.rmtree(vault / FILL_CACHE, ignore_errors=True)  # our scratch copy
                samples[n].append(run_once([*b.vt, argv[0], "--vault", str(vault), *argv[1:]],
                                           ok=ok))
        rss = max(s.rss_mb for s in samples[top])
        cpu = _cpu_growth(statistics.median(s.cpu for s in samples[base]),
                          statistics.median(s.cpu for s in samples[top]))
        rows.append(_growth_row(what, base, top, [s.wall for s in samples[base]],
                                [s.wall for s in samples[top]], rss, MEMORY_MB,
                                f"scale, {what}: {runs} run(s) at each size; peak "
                                f"{rss:.0f} MB at {_n(top)}.{cpu}"))
    watch: dict[int, list[float]] = {}
    what = "watch, one save → blocks on disk"
    try:
        for n in (base, top):
            out = run_script(b, "bench_watch.py", ["--notes", str(n), "--saves", "3", "--seed",
                                                   str(b.seed), "--cache-dir", str(b.cache)],
                             timeout=1800)
            watch[n] = [float(t) for t in _WATCH_SAVE.findall(out)]
            if not watch[n]:
                raise MeasureError(f"no timed saves in bench_watch.py at {_n(n)}")
        rows.append(_growth_row(what, base, top, watch[base], watch[top], None, None,
                                "scale, watch: bench_watch.py, 3 saves at each size."))
    except MeasureError as exc:  # the other scale rows still stand
        rows.append(Row("scale", f"{what}, {_n(top)}", "linear", verdict="failed",
                        notes=[f"scale, watch: {exc}"]))
    for what, key, mem in (("build, cold", "build", BUILD_MEMORY_MB),
                           ("serve, rebuild after one save", "serve", None)):
        if (key, base) in b.figures and (key, top) in b.figures:
            (lo, _, lo_cpu), (hi, rss, hi_cpu) = b.figures[(key, base)], b.figures[(key, top)]
            rows.append(_growth_row(what, base, top, [lo], [hi], rss if mem else None, mem,
                                    f"scale, {what}: medians from the {key} rows."
                                    + _cpu_growth(lo_cpu, hi_cpu)))
        else:
            rows.append(Row("scale", f"{what}, {_n(top)}", "linear", verdict="not measured",
                            notes=[f"scale, {what}: needs the {key} rows at {_n(base)} and "
                                   f"{_n(top)} in the same run (`--only` left them out)."]))
    return rows


# --- main ---------------------------------------------------------------------------------------

MEASURES: dict[str, Callable[[Bench], list[Row]]] = {
    "check": measure_check,
    "fill": measure_fill,  # before memory: it leaves obsidiantools' figure at 5,000 to reuse
    "first-fill": measure_first_fill,
    "memory": measure_memory,
    "watch": measure_watch,
    "build": measure_build,
    "cached": measure_cached,
    "serve": measure_serve,
    "scale": measure_scale,  # last: it reads the build and serve rows' figures
}
WORK_OF = {
    "check": "check, cold",
    "fill": "fill, nothing changed",
    "first-fill": "first fill vs the write floor",
    "watch": "watch, one save → blocks rewritten",
    "build": "build vs plain Material, small nav",
    "cached": "build / serve start after a few changed notes",
    "serve": "serve, rebuild after one save",
    "memory": "peak memory",
    "scale": "growth to 20,000 notes",
}


def run_all(b: Bench, only: list[str]) -> list[Row]:
    """Run each selected budget; a budget that fails becomes a `failed` row with the reason."""
    rows: dict[str, list[Row]] = {}
    for name, measure in MEASURES.items():
        if name not in only:
            continue
        try:
            rows[name] = measure(b)
        except MeasureError as exc:
            b.say(f"{name}: FAILED: {exc}")
            rows[name] = [Row(name, WORK_OF[name], "—", verdict="failed", notes=[f"{name}: {exc}"])]
    return [row for name in BUDGETS if name in rows for row in rows[name]]


def header(b: Bench) -> str:
    """What, where and when: enough to tell two tables apart."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(f"{k} {v}" for k, v in sorted((b.peers.versions if b.peers else {})
                                                        .items()))
    mode = "smoke run" if b.plan.smoke else "full run, --large" if b.plan.large else "full run"
    return (f"vault-tools §11 benchmarks — {mode}, {now}\n"
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}\n"
            f"peers: {versions or b.no_peer_reason}\n"
            f"vaults: generate_vault.py + vault_shapes.py, seed {b.seed}; cold builds: "
            + ", ".join(f"{shape} {n:,}" for shape, n in b.plan.build_cases) + "\n"
            f"runs: fill {b.plan.runs}, first fill {b.plan.runs}, "
            f"cached build {b.plan.cached_runs}, "
            f"check {b.plan.check_runs}, build {b.plan.build_runs} (1 at {b.plan.main:,}+), "
            f"serve {b.plan.serve_runs} (peer {b.plan.peer_serve_runs})\n")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: 0 once the table is printed, 2 if the harness fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help=f"{SMOKE_NOTES} notes, one run, no peers (seconds; for the tests)")
    parser.add_argument("--runs", type=int, default=None,
                        help="timed runs per figure (default 3; check 5; serve 5, its peer 1)")
    parser.add_argument("--only", default=",".join(BUDGETS),
                        help=f"comma-separated budgets to run (default all: {','.join(BUDGETS)})")
    parser.add_argument("--no-peers", action="store_true", help="measure ours only")
    parser.add_argument("--all-peers", action="store_true",
                        help="also the reference peers no budget is measured against "
                             "(obsidiantools, ezlinks, roamlinks, stock Material's default "
                             "nav): several minutes more than the default run")
    parser.add_argument("--large", action="store_true",
                        help="also every shape at 5,000 notes and the 20,000-note rows (serve, "
                             "first fill, memory, scale): an hour or more on 2 cores")
    parser.add_argument("--sizes", default=None, metavar="SMALL,MAIN[,TOP]",
                        help="replace the sizes 1,000,5,000,20,000 (smoke: 100,200), e.g. "
                             "--sizes 100,300 for a quick look at every row")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help=f"vault shapes of the cold-build rows (default {','.join(SHAPES)})")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE,
                        help="where generated vaults are kept (default benchmarks/.vaults)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="also write the rows as JSON to PATH")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(BUDGETS))
    if unknown:
        parser.error(f"unknown budget(s) {', '.join(unknown)}; choose from {', '.join(BUDGETS)}")
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    shapes = tuple(name.strip() for name in args.shapes.split(",") if name.strip())
    if not shapes or set(shapes) - set(SHAPES):
        parser.error(f"--shapes: choose from {', '.join(SHAPES)}")
    sizes = None
    if args.sizes:
        try:
            parts = [int(p) for p in args.sizes.split(",")]
        except ValueError:
            parts = []
        if len(parts) not in (2, 3) or min(parts) < 10 or parts != sorted(parts):
            parser.error("--sizes: two or three increasing numbers of notes, each at least 10")
        sizes = (parts[0], parts[1], parts[2] if len(parts) == 3 else 4 * parts[1])
    plan = Plan.make(args.smoke, args.runs, args.all_peers, args.large, sizes, shapes)

    work = Path(tempfile.mkdtemp(prefix="vault-tools-bench-"))
    try:
        if args.smoke or args.no_peers:
            peers, why = None, "not run in --smoke mode" if args.smoke else "not run (--no-peers)"
        else:
            print("setting up the peers (benchmarks/.peers/venv)", file=sys.stderr, flush=True)
            peers, why = peerlib.ensure_peers(lambda m: print(m, file=sys.stderr)), ""
        b = Bench(plan, args.seed, args.cache_dir, work, peers, why)
        rows = run_all(b, only)
        table = header(b) + "\n" + render_table(rows)
        b.say(f"done in {(time.monotonic() - b.started) / 60:.1f} min")
    finally:
        shutil.rmtree(work, ignore_errors=True)  # our own scratch folder
    print(table)
    if args.json is not None:
        args.json.write_text(json.dumps([dict(asdict(r), ratio=r.ratio) for r in rows], indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
