#!/usr/bin/env python3
"""Benchmark for the DESIGN §11 budget: ``check`` on 5,000 notes, cold, takes at most 3x the
time of a bare script that only reads every file and parses its YAML with the C loader.

Usage::

    python benchmarks/bench_check.py [--notes 5000] [--runs 5] [--seed 1]
    python benchmarks/bench_check.py --smoke        # 200 notes, 1 run: for the test suite
    python benchmarks/bench_check.py --json         # the figures as JSON on stdout (for run.py)

Run it with the virtualenv's Python (``.venv/bin/python``): the baseline runs under the same
interpreter, and ``vault-tools`` is taken from the same ``bin/`` folder.

The vault comes from ``generate_vault.py`` and is kept under ``benchmarks/.vaults/`` (git-ignored)
for reuse; it is regenerated whenever the generator's source, ``--notes`` or ``--seed`` change.
Each measurement is a fresh process ("cold": nothing cached in memory between runs; the OS page
cache is warm for both sides alike). The two commands alternate, after one untimed warm-up each
(bytecode compilation and the first disk reads are not what the budget is about).

The exit status is 0 whether or not the budget is met (this is a report); it is 2 when a command
fails (baseline exit status other than 0, ``check`` other than 0 or 1).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from vault_shapes import ensure_shaped_vault

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = HERE / ".vaults"
BASELINE_SCRIPT = HERE / "bare_yaml_read.py"
STAMP = ".generator.json"  # at the vault root, beside mkdocs.yml: outside the notes folder
BUDGET = 3.0
CHECK_OK = (0, 1)  # 1 = diagnostics with errors; the vault's broken links are only warnings
# The commands run as after a normal install, with their bytecode cached: the warm-up writes it
# for the package under test (pip writes it for installed packages). An inherited
# PYTHONDONTWRITEBYTECODE would make every timed run compile the package's modules again
# (~10 ms here); the baseline is one script, compiled on every run either way.
CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


class BenchError(RuntimeError):
    """A command under measurement failed, so there is no valid figure to report."""


def vault_tools_command() -> list[str]:
    """The ``vault-tools`` executable beside ``sys.executable`` (the same virtualenv), else
    ``python -m vault_tools`` with this interpreter."""
    bin_dir = Path(sys.executable).parent  # not resolved: a venv's python is often a symlink
    for name in ("vault-tools", "vault-tools.exe"):
        candidate = bin_dir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    return [sys.executable, "-m", "vault_tools"]


def ensure_vault(cache: Path, notes: int, seed: int) -> tuple[Path, bool]:
    """Return ``(vault root, reused)`` for a generated vault of ``notes`` notes: the generator's
    own shape, cached by ``vault_shapes.ensure_shaped_vault`` (rebuilt in a temporary folder
    and moved into place whenever the parameters or the generators' source change)."""
    return ensure_shaped_vault(cache, notes, seed, "generator")


def _run(cmd: list[str], ok: tuple[int, ...], capture: bool = False) -> tuple[float, str]:
    """Run ``cmd`` once; return (wall seconds, stdout if ``capture`` else ""). Raises
    ``BenchError`` if its exit status is not in ``ok``."""
    started = time.perf_counter()
    proc = subprocess.run(
        cmd,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
        env=CHILD_ENV,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in ok:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-15:]
        raise BenchError(
            f"{shlex.join(cmd)} exited with status {proc.returncode}\n" + "\n".join(tail)
        )
    out = proc.stdout.decode("utf-8", "replace") if capture else ""
    return elapsed, out


def _snapshot(root: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, dirs, files in os.walk(root)
        for name in files + dirs
    }


def describe_diagnostics(output: str) -> str:
    """One line summarising ``check --json`` output; tolerant of its exact shape (a list of
    diagnostics, or an object holding one under ``diagnostics``)."""
    try:
        data = json.loads(output)
    except ValueError:
        return "output is not JSON"
    if isinstance(data, dict):
        data = data.get("diagnostics", data)
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        return "JSON of an unexpected shape"
    severities = Counter(str(d.get("severity")) for d in data)
    codes = Counter(str(d.get("code")) for d in data)
    top = ", ".join(f"{code} {n}" for code, n in codes.most_common(4))
    return (
        f"{len(data)} diagnostics ({severities.get('error', 0)} errors, "
        f"{severities.get('warning', 0)} warnings){': ' + top if top else ''}"
    )


def _child_cpu() -> float:
    """CPU seconds (user + system) used so far by every waited-for child process."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _fmt(seconds: list[float]) -> tuple[str, str]:
    median = f"{statistics.median(seconds):.3f} s"
    return median, f"{min(seconds):.3f}–{max(seconds):.3f} s"


def bench(notes: int, runs: int, seed: int, cache: Path) -> dict[str, object]:
    """Measure, print the report, and return the figures: wall and CPU seconds of every timed
    run of each side, the ratio of the wall medians and whether the budget is met."""
    vault, reused = ensure_vault(cache, notes, seed)
    notes_dir = vault / "notes"
    size = sum(p.stat().st_size for p in notes_dir.rglob("*.md"))
    baseline_cmd = [sys.executable, str(BASELINE_SCRIPT), str(notes_dir)]
    check_cmd = [*vault_tools_command(), "check", "--vault", str(vault), "--json"]

    print("vault-tools check benchmark (DESIGN §11)")
    origin = "reused" if reused else "generated"
    print(f"  vault     {vault} ({notes} notes, {size / 1e6:.1f} MB, {origin}, seed {seed})")
    print(f"  python    {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"  baseline  {shlex.join(baseline_cmd)}")
    print(f"  check     {shlex.join(check_cmd)}")

    # Untimed warm-ups: bytecode compilation and first reads would otherwise land on run 1
    # (see CHILD_ENV).
    before = _snapshot(vault)
    _run(baseline_cmd, (0,))
    _, out = _run(check_cmd, CHECK_OK, capture=True)
    print(f"  warm-up   check reported {describe_diagnostics(out)}")
    created = sorted(_snapshot(vault) - before)
    if created:
        # A persistent cache would make later runs warm rather than cold: say so.
        shown = ", ".join(created[:3]) + (" …" if len(created) > 3 else "")
        print(f"  note      check created {len(created)} path(s) in the vault: {shown}")

    base_times: list[float] = []
    check_times: list[float] = []
    cpu: dict[int, list[float]] = {id(base_times): [], id(check_times): []}
    for i in range(runs):
        # Alternate which goes first, so slow drift (thermal, other load) hits both alike.
        order = ((base_times, baseline_cmd, (0,)), (check_times, check_cmd, CHECK_OK))
        for times, cmd, ok in order if i % 2 == 0 else order[::-1]:
            # CPU time as well as wall time: on a shared machine it is the steadier figure.
            cpu_before = _child_cpu()
            times.append(_run(cmd, ok)[0])
            cpu[id(times)].append(_child_cpu() - cpu_before)

    ratio = statistics.median(check_times) / statistics.median(base_times)
    met = ratio <= BUDGET
    rows = [("bare YAML read (C loader)", base_times), ("vault-tools check --json", check_times)]
    print()
    print(f"  {'':<28}{'runs':>5}  {'median':>9}  {'min–max':>15}")
    for label, times in rows:
        median, spread = _fmt(times)
        print(f"  {label:<28}{len(times):>5}  {median:>9}  {spread:>15}")
    print(f"  {'ratio of medians':<28}{'':>5}  {ratio:>8.2f}×")
    print()
    print(f"budget ≤ {BUDGET:.1f}×: {'met' if met else 'NOT met'} ({ratio:.2f}×)")
    return {
        "notes": notes,
        "seed": seed,
        "runs": runs,
        "budget": BUDGET,
        "baseline": {"wall": base_times, "cpu": cpu[id(base_times)]},
        "check": {"wall": check_times, "cpu": cpu[id(check_times)]},
        "ratio": ratio,
        "met": met,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: 0 after a report (budget met or not), 2 if a command failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=None, help="vault size (default 5000)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs of each (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--smoke", action="store_true", help="200 notes, 1 run (for tests)")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the figures as one JSON object on stdout (the report goes to stderr)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help="where generated vaults are kept (default benchmarks/.vaults)",
    )
    args = parser.parse_args(argv)
    notes = args.notes if args.notes is not None else 200 if args.smoke else 5000
    runs = args.runs if args.runs is not None else 1 if args.smoke else 5
    if runs < 1:
        parser.error("--runs must be at least 1")
    # With --json, stdout carries only the JSON, so the human report moves to stderr.
    report_to = sys.stderr if args.json else sys.stdout
    try:
        with contextlib.redirect_stdout(report_to):
            figures = bench(notes, runs, args.seed, args.cache_dir)
    except (BenchError, ValueError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
