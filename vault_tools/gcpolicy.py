"""When the cyclic garbage collector runs: the one owner of the speed tricks that change it
(docs/performance.md).

The collector is process-global, so only the command entry points decide about it: the click
commands in `cli.py`, and the long-running loops of `watch` (`watch_until_stopped`) and `serve`
(`serve_site`), which hand these context managers to the library functions they drive. Library
code never calls `gc` itself.

Why it pays: loading a vault allocates about a million small objects (links, strings, YAML
values) and frees almost none, so the collector's periodic passes keep re-scanning a growing
heap for cycles that do not exist (about 0.18 s of a 1.3 s load at 5,000 notes). Reference
counting still frees everything as usual; only cycle detection waits or skips what is frozen.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic collector for the duration (a whole vault loaded, or longer).

    The first collection after the pause walks whatever the pause allocated and is still
    alive, so a command done with its index before the pause ends (as `check` and `fill` are)
    saves that walk too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_loaded() -> None:
    """What is alive now is long-lived (a loaded index, a built site): collect once, then keep
    the collector from walking it again on every later pass (a full pass over 5,000 notes costs
    ~0.15 s, a save's budget in `watch`)."""
    gc.collect()
    gc.freeze()


def forked_child() -> None:
    """In a process just forked to do one job (`aside`): what it was forked with is never
    garbage there. Left out of every collection, that memory is never written, so the pages
    it shares with the parent are never copied."""
    gc.freeze()


@contextlib.contextmanager
def frozen_after_load() -> Iterator[None]:
    """Paused while the body loads; what it loaded is then frozen, as for `build`: the index
    lives until the pages are rendered. Nothing is frozen if the body raises.

    Frozen without a collection first (unlike `freeze_loaded`): loading and filling a vault
    leaves no garbage in cycles (none at 5,000 notes; a test holds a vault of odd notes to
    it), so that pass would walk every object loaded to find nothing, ~0.25 s of a cached
    build at 5,000 notes. Whatever cycle a load did leave is kept until the command ends.

    Frozen before the collector is on again: the first allocation after it is would start a
    collection of the youngest generation, which holds every object the pause let through
    (the whole vault loaded: ~55 ms of a cached build at 5,000 notes)."""
    with paused():
        yield
        gc.freeze()


# Up to this many pages rendered, a build keeps the collector paused (`rendering`).
FEW_PAGES = 100


def rendering(pages: int) -> AbstractContextManager[None]:
    """A build's work after its load, rendering `pages` pages (0: the part before it knows how
    many, which works out what to keep): paused, unless it renders more than `FEW_PAGES`.

    That part and a few pages allocate what lives on (the view, every page's inputs, the
    record) and no garbage in cycles to speak of, so the collector's passes found nothing: ~0.09
    s of a start of `serve` after a few edits at 5,000 notes (~430 passes, three of them over
    everything not frozen). Many pages rendered are left on: MkDocs leaves each one's Markdown
    converter in cycles (paused, a cold start at 1,000 notes peaked at 237 MB, not 158 MB)."""
    return paused() if pages <= FEW_PAGES else enabled()


@contextlib.contextmanager
def enabled() -> Iterator[None]:
    """The collector on for the duration (also within `hold`), then as it was."""
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()


def hold() -> Callable[[], None]:
    """Pause the collector until the function returned is first called: it then collects,
    freezes what is left (long-lived: `freeze_loaded`) and turns the collector on again, if
    it was. `serve` holds it from its first build until its server answers: turned on at the
    build's end, the collector's next pass walked everything the build allocated (~0.02 s at
    5,000 notes), and its pass once the server answers walks it all again. (What turns to
    garbage in cycles between the loads, each frozen as loaded, is frozen with them: a few
    hundred objects, once a start.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    released = False

    def release() -> None:
        nonlocal released
        if released:
            return
        released = True
        freeze_loaded()
        if was_enabled:
            gc.enable()

    return release


def skip_first(action: Callable[[], None]) -> Callable[[], None]:
    """`action`, from its second call on. `serve` collects and freezes after its first build
    once its server answers (`hold`: ~0.05 s a start did before it answered)."""
    first = True

    def call() -> None:
        nonlocal first
        if first:
            first = False
            return
        action()

    return call


def first_frozen_then_reloading() -> Callable[[], AbstractContextManager[None]]:
    """`serve`'s policy for each whole load of the vault by its site (`LiveSite(reloading=…)`).

    The first, right after the watcher's first fill (`frozen_after_load` around it), is
    `frozen_after_load` too: the vault loaded twice is frozen, and the pages are then rendered
    as `rendering` says. The collection once the build is done (`freeze_loaded`) then walks
    the build's own objects only, not the vault (~0.2 s of a start at 5,000 notes).
    Every later load is `reloading`: the last full build's pages may be garbage by then."""
    first = True

    def load() -> AbstractContextManager[None]:
        nonlocal first
        if first:
            first = False
            return frozen_after_load()
        return reloading()

    return load


@contextlib.contextmanager
def reloading() -> Iterator[None]:
    """Paused while a long-running command loads the whole vault again; first unfrozen, since
    what the last load froze (the last full build's pages) may be garbage now."""
    gc.unfreeze()
    with paused():
        yield
