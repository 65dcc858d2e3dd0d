"""How the benchmark harness measures one command (benchmarks/run.py: `run_once`): the peak
memory it reports is the command's own. A runner that had once held a large vault passed its
own peak on to every command it started after, so the scale rows reported 393 MB for a
`check` that peaks at 206 MB."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

_RUNNER = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import run

    held = bytearray(300 << 20)  # a runner that holds 300 MB, as one holding a vault does
    held[::4096] = b"x" * len(held[::4096])
    small = run.run_once([sys.executable, "-c", "pass"])
    big = run.run_once([sys.executable, "-c",
                        "b = bytearray(120 << 20); b[::4096] = b'x' * len(b[::4096])"])
    try:
        run.run_once([sys.executable, "-c", "import sys; print('no luck', file=sys.stderr); "
                      "sys.exit(3)"])
        failed = None
    except run.MeasureError as exc:
        failed = str(exc)
    print(json.dumps({"small": small.rss_mb, "big": big.rss_mb, "failed": failed,
                      "wall": small.wall, "cpu": big.cpu}))
""")


def test_a_commands_peak_memory_is_its_own_not_the_runners() -> None:
    proc = subprocess.run([sys.executable, "-c", _RUNNER, str(BENCHMARKS)],
                          capture_output=True, text=True, timeout=300, check=True)
    found = json.loads(proc.stdout)
    # The interpreter alone is ~10 MB: far from the runner's 300 MB.
    assert found["small"] < 100, found
    # A command that touches 120 MB is seen to.
    assert 120 <= found["big"] < 300, found
    assert found["wall"] > 0 and found["cpu"] > 0
    # A command that fails says how, with the end of what it wrote.
    assert "exited with status 3" in found["failed"] and "no luck" in found["failed"]


def test_a_command_that_leaves_a_process_running_is_measured_when_it_ends(
        tmp_path: Path) -> None:
    """The launcher's report pipe is its own: a process the command leaves behind (a shell's
    background job) does not hold it open, so the measure ends with the command."""
    pid_file = tmp_path / "left.pid"
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import run
    finally:
        sys.path.remove(str(BENCHMARKS))
    started = time.monotonic()
    try:
        sample = run.run_once(["/bin/sh", "-c", f"sleep 120 & echo $! > '{pid_file}'"])
        took = time.monotonic() - started
    finally:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert took < 60, took  # (not the 120 s of the process left running)
    assert sample.wall < 60
