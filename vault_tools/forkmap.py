"""Mapping a function over many items with the help of one forked child process.

Reading a large vault is CPU-bound Python (parsing), so a second core can halve it. A forked
child starts with this process's memory, so it needs no arguments sent to it; it computes every
other item and sends its results back pickled through a pipe. The results are exactly those of
the serial loop, in the same order, and the serial loop is always the fallback: a child that
fails in any way has its share computed again here, so no result is ever lost.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    """True when forking a helper is possible, safe, and likely to pay here.

    Linux only: on macOS, fork without exec is unsafe once system frameworks are loaded (which
    is why Python's multiprocessing no longer forks there), and Windows has no fork. A process
    running other threads is never forked: a lock held by one of them at the moment of the fork
    would stay held forever in the child.

    It pays only with a CPU to spare: this process may use at least two, and the load average
    leaves one of them idle. On a busy machine the child would only compete with other work
    for the same cores, and pickling its results would make the whole slower.
    """
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() != 1:
        return False
    cpus = len(os.sched_getaffinity(0))
    return cpus > 1 and os.getloadavg()[0] < cpus - 0.5


def fork_map(func: Callable[[T], R], items: Sequence[T], min_items: int) -> list[R]:
    """`[func(item) for item in items]`, with a forked child computing every other item.

    Runs serially when there are fewer than `min_items` items or `can_fork()` says no.
    `func` must not raise for the fallback to be exact (an exception in the child only makes
    this process compute the child's share itself, where it raises again as it would serially)
    and its results must pickle.
    """
    if len(items) < max(min_items, 2) or not can_fork():
        return [func(item) for item in items]
    # Interleaved shares: neighbours in path order (one folder, similar notes) cost about the
    # same, so each side gets a fair half of the work without measuring anything.
    theirs = items[1::2]
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running any cleanup of the parent
        status = 1
        try:
            os.close(read_fd)
            payload = pickle.dumps([func(item) for item in theirs], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    pipe = os.fdopen(read_fd, "rb")
    received: list[R] | None = None
    try:
        mine = [func(item) for item in items[0::2]]
        payload = pipe.read()  # until the child closes its end: finished, failed or killed
        try:
            _, wait_status = os.waitpid(pid, 0)
        except ChildProcessError:  # collected by someone else's SIGCHLD handler: status unknown
            wait_status = -1
        pid = 0
        if wait_status == 0:  # exited with status 0 (not signalled)
            received = _unpickled_list(payload, len(theirs))
    finally:
        pipe.close()
        if pid:  # this process failed before the child was collected: stop it, never orphan it
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    if received is None:
        received = [func(item) for item in theirs]
    merged: list[R] = []
    for index, result in enumerate(mine):
        merged.append(result)
        if index < len(received):
            merged.append(received[index])
    return merged


def _unpickled_list(payload: bytes, length: int) -> list | None:
    """The list a child sent, or None when the payload is not a whole list of that length."""
    try:
        value = pickle.loads(payload)
    except Exception:  # truncated or corrupt: the caller computes the share itself
        return None
    return value if isinstance(value, list) and len(value) == length else None
