"""Work handed to a second process while this one goes on: `fill` plans the next notes while a
process forked from it writes the ones planned (a first fill of 5,000 notes is as much writing,
mostly waiting for `fsync`, as planning; one process does them one after the other), and
`check` and `fill` read the last part of a large vault in a second process while they read
the first (`Ahead`).

`Aside(job)` forks once `put` is first called: the child has everything the parent had then
(`job` and what it reaches are never sent, only the items). Each item put is pickled down a
pipe; the child runs `job` on the items one at a time, in the order put, and sends back the
list of what each call returned when the parent `close`s. So the jobs run as a loop in the
parent would run them, in one process, one after the other: only their timing changes.

`Ahead(produce)` forks at once and sends up each value `produce()` yields as it is made; the
parent takes them when it likes. For work that changes nothing, so that the parent may kill it
at any moment and do what it did not send itself.

For a process with no other thread only (`available`): a thread holding a lock at the fork
would leave the child's copy of that lock held forever.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import signal
import struct
import threading
from collections.abc import Callable, Hashable, Iterable
from functools import partial
from typing import Generic, NoReturn, TypeVar

from .gcpolicy import forked_child

T = TypeVar("T")
R = TypeVar("R")

try:
    import fcntl
except ImportError:  # (Windows: no fork either, so no Aside)
    fcntl = None  # type: ignore[assignment]

_SIZE = struct.Struct("<Q")  # each message: its length, then its pickle
# The room asked for in the pipe to the child (Linux; 64 KB by default, a page of the site
# or two): `put` returns at once while the child is busy with an item before, up to this.
PIPE_BYTES = 1 << 20
# The pipe ends this process holds to the second processes it forked and has not waited for.
# A process forked later closes them at once: holding a copy of another's pipe to its child,
# it would keep that child from ever reading the end of its work, and its parent waiting.
_HELD: set[int] = set()
_STOPPING = {signal.SIGINT, signal.SIGTERM}


class AsideError(Exception):
    """The second process stopped before it ran every job (a job raised, or it was killed):
    the message says what it said, if anything. The jobs before that one ran."""


def available() -> bool:
    """Whether this process may fork an `Aside`: the platform forks, and no other thread runs
    (whatever lock it held at the fork would stay held in the child)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Aside(Generic[T, R]):
    """`job(item)` for each item `put`, in order, in a process forked at the first `put`;
    `close` waits for them all and gives what each returned. Use only where `available`."""

    def __init__(self, job: Callable[[T], R]) -> None:
        self._job = job
        self._put = 0  # items put
        self._lost = False  # a `put` found the second process stopped
        self._pid: int | None = None
        self._to_child = -1
        self._from_child = -1

    def start(self) -> None:
        """Fork the second process now rather than at the first `put` (while this process is
        small, say). Raises `OSError` if there is no process or pipe to be had."""
        if self._pid is None:
            self._fork()

    def put(self, item: T) -> None:
        """Hand `item` to the second process (forked now if not yet), waiting while the pipe is
        full. Raises `AsideError` if that process has stopped."""
        if self._pid is None:
            self._fork()
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _write_all(self._to_child, _SIZE.pack(len(data)) + data)
        except BrokenPipeError:
            self._lost = True
            raise AsideError(self._ended()) from None
        self._put += 1

    def close(self) -> list[R]:
        """What each job returned, in the order put, once every job has run (nothing if none
        was put). Raises `AsideError` if the second process stopped short. Interrupted while
        waiting (Ctrl-C), it stops the second process as `abandon` does."""
        if self._pid is None:
            if self._lost:
                raise AsideError("the process writing the notes stopped")
            return []
        try:
            self.finish()
            message = _read_message(self._from_child)
        except BaseException:
            # Ctrl-C while waiting: the job under way finishes, no other starts (`_child`).
            # Only closing the pipes would let it run every job still in the pipe.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            raise
        finally:
            self._wait()
        if message is None:
            raise AsideError("the process writing the notes stopped without a word")
        kind, value = pickle.loads(message)
        if kind != "done":
            raise AsideError(value)
        if len(value) != self._put:
            # Stopped by another program (SIGTERM): it says what it did, which is not all.
            raise AsideError("the process writing the notes was stopped before the end")
        return list(value)

    def finish(self) -> None:
        """Put no more: the second process runs the items it has, then says what they
        returned (which `close` reads: `replied` says when it can without waiting)."""
        fd, self._to_child = self._to_child, -1  # (forgotten first: never closed twice)
        if fd >= 0:
            _HELD.discard(fd)
            os.close(fd)

    @property
    def reply(self) -> int:
        """The pipe end its reply comes on (-1 once it was read), for `select`."""
        return self._from_child

    def abandon(self, *, wait: bool = True) -> None:
        """Stop: the job running finishes (a write is never cut short), no other starts.
        `wait=False`: tell it to, and do not wait for it yet (`abandon` again to wait)."""
        # (told to stop, it finishes the job it is running and reads no more: see `_child`)
        if wait:
            self._stop(signal.SIGTERM)
        elif self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)

    def kill(self) -> None:
        """Stop now, the running job cut short: only for jobs that change nothing."""
        self._stop(signal.SIGKILL)

    def _stop(self, how: signal.Signals) -> None:
        if self._pid is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, how)
        self._wait()

    def _fork(self) -> None:
        """Fork the second process; an `OSError` (no process or pipe to be had) leaves none
        and no pipe open."""
        down_read, down_write = os.pipe()
        try:
            up_read, up_write = os.pipe()
        except OSError:
            os.close(down_read)
            os.close(down_write)
            raise
        if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
            with contextlib.suppress(OSError):  # (more than the system allows: as it is)
                fcntl.fcntl(down_write, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        pid = _fork(partial(_child, self._job, down_read, up_write, parent=os.getpid()),
                    mine=(down_write, up_read),
                    theirs=(down_read, up_write))
        self._pid, self._to_child, self._from_child = pid, down_write, up_read

    def _ended(self) -> str:
        """Why the child stopped, as it said (it says so before exiting)."""
        try:
            message = _read_message(self._from_child)
        finally:
            self._wait()
        if message is not None:
            kind, value = pickle.loads(message)
            if kind != "done":
                return str(value)
        return "the process writing the notes stopped"

    def _wait(self) -> None:
        """Close both pipes, then wait for the child to exit."""
        fds = (self._to_child, self._from_child)
        self._to_child = self._from_child = -1  # (forgotten first: never closed twice)
        for fd in fds:
            if fd >= 0:
                _HELD.discard(fd)
                os.close(fd)
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None


class Asides(Generic[T, R]):
    """`job(item)` for each item `put`, dealt in turn to `count` processes, each an `Aside`
    running its items one at a time in the order put; `close` waits for them all and gives
    what each job returned, in the order put. For jobs that do not depend on each other's
    order (writes of different notes): most of a write is waiting for `fsync`, and another
    process's waits overlap it (a first fill's 5,000 writes took 2.2–2.7 s from two processes
    against 3.7–4.9 s from one). Use only where `available`."""

    def __init__(self, job: Callable[[T], R], count: int) -> None:
        self._asides = [Aside(job) for _ in range(count)]
        # Which process each item went to, in the order put: a byte each (20,000 writes,
        # 20 KB), so that `close` gives the returns in that order.
        self._turns = bytearray()
        self._dealt = 0  # items dealt in turn (not sent `together` with one before)
        # The process that was given each `together` key: its other items go to it too.
        self._together: dict[Hashable, int] = {}

    def start(self) -> None:
        """Fork every process now (see `Aside.start`). Raises `OSError` if not even one could
        be had; fewer processes then share the items if only some could."""
        started: list[Aside[T, R]] = []
        try:
            for process in self._asides:
                try:
                    process.start()
                except OSError:
                    if not started:
                        raise
                    break
                started.append(process)
        except BaseException:
            # (Ctrl-C during a later fork: the ones forked already are stopped and waited for,
            # not left reading a pipe this process no longer knows it holds)
            for process in started:
                process.abandon()
            raise
        self._asides = started

    def put(self, item: T, together: Hashable | None = None) -> None:
        """Hand `item` to the next process in turn (see `Aside.put`). `together`: items put
        with the same key go to the same process, so they run in the order put, one after
        the other (the writes of two names of one file: the later one's text is the file's)."""
        turn = self._together.get(together, -1) if together is not None else -1
        if turn < 0:
            turn = self._dealt % len(self._asides)
            self._dealt += 1
            if together is not None:
                self._together[together] = turn
        self._asides[turn].put(item)
        self._turns.append(turn)

    def close(self) -> list[R]:
        """What each job returned, in the order put, once every job has run. Raises
        `AsideError` if a process stopped short (the others stopped as `abandon` stops
        them); interrupted while waiting, it stops them all."""
        returned: dict[int, list[R]] = {}
        try:
            for process in self._asides:
                process.finish()
            # Each reply read as it comes: one process failing stops the others at once,
            # rather than after they ran everything they were given.
            # (`poll`, not `select`: a pipe numbered past FD_SETSIZE, 1024, in a program with
            # many files open, is no `ValueError`)
            waiting = dict(enumerate(self._asides))
            replies = select.poll()
            for process in waiting.values():
                replies.register(process.reply, select.POLLIN)
            while waiting:
                replied = {fd for fd, _ in replies.poll()}
                for turn, process in list(waiting.items()):
                    if process.reply in replied:
                        replies.unregister(process.reply)
                        returned[turn] = process.close()
                        del waiting[turn]
        except BaseException:
            self.abandon()
            raise
        each = [iter(returned[turn]) for turn in range(len(self._asides))]
        return [next(each[turn]) for turn in self._turns]

    def abandon(self) -> None:
        """Stop every process: the job each is running finishes, no other starts."""
        for process in self._asides:  # (all told first: none runs on while another is waited)
            process.abandon(wait=False)
        for process in self._asides:
            process.abandon()


class Ahead(Generic[R]):
    """The values `produce()` yields, worked out by a process forked at once while this one
    goes on: each value is pickled up a pipe as it is yielded, `arrived` takes those sent so
    far without waiting, `rest` waits for the others. Only for work that changes nothing (the
    second process may be killed at any moment: `kill`). Use only where `available`."""

    def __init__(self, produce: Callable[[], Iterable[R]],
                 pickler: type[pickle.Pickler] = pickle.Pickler) -> None:
        """Fork the second process, which pickles each value with a `pickler` (a subclass
        that reduces some objects its own way, say); raises `OSError` if there is no process
        or pipe to be had (none is left then)."""
        self._buffer = bytearray()
        self._sent = 0  # values taken from the pipe
        self._said: tuple[str, object] | None = None  # its last message: done, or failed
        up_read, up_write = os.pipe()
        if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
            with contextlib.suppress(OSError):  # (more than the system allows: as it is)
                fcntl.fcntl(up_write, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self._pid: int | None = _fork(partial(_producer, produce, pickler, up_write),
                                      mine=(up_read,), theirs=(up_write,))
        self._from_child = up_read

    @property
    def complete(self) -> bool:
        """Whether every value `produce` yielded was taken (`arrived`, `rest`): False while it
        runs, and for good when it raised or was stopped (`kill`, or another program)."""
        return self._said == ("done", self._sent)

    @property
    def failure(self) -> str | None:
        """What `produce` raised, as the second process said it; None if it raised nothing."""
        if self._said is not None and self._said[0] == "failed":
            return str(self._said[1])
        return None

    def arrived(self) -> list[R]:
        """The values sent and not yet taken, in the order yielded, without waiting for any
        other (a read of what the pipe holds, a few megabytes at most)."""
        for _ in range(8):
            if self._from_child < 0 or not _ready(self._from_child):
                break
            self._read()
        return self._take()

    def rest(self) -> list[R]:
        """Every value not yet taken, once the second process has ended (whether it ended
        `complete` or not: the values before a failure are given all the same)."""
        while self._from_child >= 0:
            self._read()
        values = self._take()
        self._wait()
        return values

    def kill(self) -> None:
        """Stop the second process now, whatever it was doing (it changes nothing), and let
        go of its pipe: no value is taken after."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._wait()

    def _read(self) -> None:
        chunk = os.read(self._from_child, PIPE_BYTES)
        if chunk:
            self._buffer += chunk
        else:
            self._close()

    def _take(self) -> list[R]:
        """The values of the whole messages in the buffer; its last message noted."""
        values: list[R] = []
        buffer, at = self._buffer, 0
        while len(buffer) - at >= _SIZE.size:
            size = _SIZE.unpack_from(buffer, at)[0]
            end = at + _SIZE.size + size
            if len(buffer) < end:
                break
            kind, value = pickle.loads(memoryview(buffer)[at + _SIZE.size:end])
            at = end
            if kind == "value" and self._said is None:
                values.append(value)
            elif self._said is None:
                self._said = (kind, value)
        del buffer[:at]
        self._sent += len(values)
        return values

    def _close(self) -> None:
        fd, self._from_child = self._from_child, -1  # (forgotten first: never closed twice)
        if fd >= 0:
            _HELD.discard(fd)
            os.close(fd)

    def _wait(self) -> None:
        self._close()
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None


def _fork(child: Callable[[Iterable[int]], None], *, mine: tuple[int, ...],
          theirs: tuple[int, ...]) -> int:
    """Fork a process that closes `mine` (this process's ends of the pipes to it) and every
    pipe end `_HELD`, then runs `child(mask)` and exits, never returning into this process's
    code; here, `theirs` (its ends) are closed and `mine` held. Returns its pid. Raises
    `OSError` (every end closed) if no process could be had; a Ctrl-C that lands during the
    fork kills the child and closes `mine` before it is raised: no child is left behind."""
    # Held until the child has its own handlers: one landing in between would unwind the
    # child through the parent's code (its `finally` blocks, its locks).
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for fd in (*mine, *theirs):
            os.close(fd)
        raise
    if pid == 0:  # the child: never returns
        try:
            for fd in (*mine, *_HELD):
                os.close(fd)
            _HELD.clear()
            child(mask)
        finally:
            os._exit(1)  # (never back into the parent's code)
    for fd in theirs:
        os.close(fd)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        for fd in mine:
            os.close(fd)
        raise
    _HELD.update(mine)
    return pid


def _child(job: Callable[[T], R], source: int, reply: int,
           mask: Iterable[int] = (), *, parent: int = 0) -> None:
    """The second process: run `job` on each item read from `source` until it is closed, send
    what they returned on `reply`, and exit; never returns, never runs the parent's exit
    handlers or flushes its buffers (`os._exit`). Sent SIGTERM (`abandon`, `close`
    interrupted, or another program), it finishes the job it is running, runs no other, and
    closes `source` before it replies (the parent's next `put` fails, and reads the reply).
    Once its `parent` is gone (killed: `kill`, `timeout`, kill -9), it runs no other job
    either: the items still in the pipe were for a command that no longer runs."""
    # Every object the fork gave it left out of its collections: a collection walks each one
    # it tracks, and each it walks is copied from the parent's memory (~2 MB of a writer's
    # ~12 MB at the end of a first fill of 20,000 notes).
    forked_child()
    status = 0
    returned: list[R] = []
    try:
        stopping = False

        def stop(_signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        # Ctrl-C reaches both processes; the parent stops the child (`abandon`), which then
        # finishes its write: it does not stop in the middle of one itself.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # (the parent's, before the fork)
        while not stopping:
            message = _read_message(source)
            if message is None or stopping:  # (told to stop while waiting for the item)
                break
            if parent and os.getppid() != parent:  # (adopted by another: its parent died)
                break
            returned.append(job(pickle.loads(message)))
        outcome: tuple[str, object] = ("done", returned)
    except BaseException as exc:  # (said to the parent, which raises it there)
        status = 1
        outcome = ("failed", f"{type(exc).__name__}: {exc}")
    # Read no more: a parent still putting (this process was stopped by another program) is
    # told so at its next `put`, and reads this reply then, rather than waiting for room in
    # a full pipe while this process waits for room in the reply's.
    with contextlib.suppress(OSError):
        os.close(source)
    _last_word(reply, outcome, status)


def _producer(produce: Callable[[], Iterable[R]], pickler: type[pickle.Pickler], reply: int,
              mask: Iterable[int]) -> None:
    """An `Ahead`'s second process: send each value `produce()` yields on `reply`, then
    ("done", how many) or ("failed", what it raised), and exit; never returns. Killed (by
    `Ahead.kill` or another program), it says nothing more: the parent sees the pipe end
    without its last word."""
    status = 0
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (the parent stops it: `Ahead.kill`)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    try:
        count = 0
        for value in produce():
            out = io.BytesIO()
            out.write(_SIZE.pack(0))
            pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(("value", value))
            message = out.getbuffer()
            _SIZE.pack_into(message, 0, len(message) - _SIZE.size)
            _write_all(reply, message)
            del message
            count += 1
        outcome: tuple[str, object] = ("done", count)
    except BaseException as exc:
        status = 1
        outcome = ("failed", f"{type(exc).__name__}: {exc}")
    _last_word(reply, outcome, status)


def _last_word(reply: int, outcome: tuple[str, object], status: int) -> NoReturn:
    """A second process's end: send `outcome` on `reply`, and exit with `status` (1 if it
    could not be sent)."""
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(reply, _SIZE.pack(len(data)) + data)
    except BaseException:
        status = 1
    os._exit(status)


def _ready(fd: int) -> bool:
    """Whether a read of `fd` would not wait (data, its end, or an error to say). With `poll`,
    not `select`: a descriptor numbered past FD_SETSIZE (1024), in a program with many files
    open, is no `ValueError`."""
    watch = select.poll()
    watch.register(fd, select.POLLIN)
    return bool(watch.poll(0))


def _read_message(fd: int) -> bytes | None:
    """One message from `fd`; None at its end (or a message cut short)."""
    head = _read_exactly(fd, _SIZE.size)
    if head is None:
        return None
    return _read_exactly(fd, _SIZE.unpack(head)[0])


def _read_exactly(fd: int, count: int) -> bytes | None:
    parts, left = [], count
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
