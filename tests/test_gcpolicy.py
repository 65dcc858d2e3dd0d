"""The garbage-collector tricks have one owner (`gcpolicy`), used by the command entry points:
library code leaves the process-global collector alone, and the commands still pause it
around the same work (docs/performance.md)."""

from __future__ import annotations

import ast
import contextlib
import gc
import signal
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import vault_tools
from vault_tools import cli, fill, gcpolicy
from vault_tools.vault import find_vault, load_index

PACKAGE = Path(vault_tools.__file__).parent
NOTES = {
    "contacts/Jane Doe.md": "---\ntype: contact\n---\n# Jane Doe\n\nMet [[Acme]].\n",
    "companies/Acme.md": "---\ntype: company\n---\n# Acme\n",
}


def _uses_gc(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "gc" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "gc":
            return True
    return False


def test_only_gcpolicy_touches_the_garbage_collector() -> None:
    users = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                   if _uses_gc(p))
    assert users == ["gcpolicy.py"]


def test_loading_a_vault_leaves_the_collector_as_it_found_it(make_vault, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    index = load_index(find_vault(make_vault(NOTES)))
    assert len(index) == 2
    assert calls == []


@pytest.mark.parametrize("args", [["check"], ["fill"], ["followups"], ["summary"],
                                  ["export", "csv"]])
def test_commands_load_the_vault_with_the_collector_paused(make_vault, monkeypatch,
                                                           args: list[str]) -> None:
    seen: list[bool] = []
    real, real_seeing = cli.load_index, fill.load_index_seeing

    def spy(vault, **options):  # check passes contexts=False
        seen.append(gc.isenabled())
        return real(vault, **options)

    def spy_seeing(vault, see, **options):  # fill's load
        seen.append(gc.isenabled())
        return real_seeing(vault, see, **options)

    monkeypatch.setattr(cli, "load_index", spy)
    monkeypatch.setattr(fill, "load_index_seeing", spy_seeing)
    vault = make_vault(NOTES)
    result = CliRunner().invoke(cli.main, [*args, "--vault", str(vault)])
    assert result.exit_code == 0, result.output
    assert seen and not any(seen)
    assert gc.isenabled()


def test_paused_restores_the_collector_even_when_the_body_fails() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gcpolicy.paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_frozen_after_load_freezes_what_the_body_loaded() -> None:
    kept: list[object] = []
    try:
        with gcpolicy.frozen_after_load():
            assert not gc.isenabled()
            kept.append([[] for _ in range(100)])
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        with gcpolicy.reloading():
            assert gc.get_freeze_count() == 0
            assert not gc.isenabled()
        assert gc.isenabled()
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _passes() -> Iterator[list[int]]:
    """The generation of each pass of the collector started in the body, which starts with
    nothing left to collect; nothing is frozen after it."""
    passes: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.collect()
    gc.callbacks.append(seen)
    try:
        yield passes
    finally:
        gc.callbacks.remove(seen)
        gc.unfreeze()


def test_frozen_after_load_starts_no_collection_on_its_way_out() -> None:
    """What the body loaded is frozen before the collector is on again: no pass walks it
    (with the collector enabled first, the next allocation collected the young generation,
    every object loaded: 0.3 s for 1.5 million containers)."""
    kept: list[object] = []
    with _passes() as passes:
        with gcpolicy.frozen_after_load():
            kept.append([[] for _ in range(50_000)])
        kept.append([[] for _ in range(100)])  # (allocations after it: no pass)
        assert passes == []
        assert gc.get_freeze_count() >= 50_000


class _Page:
    """A page pointing at itself, as MkDocs' pages and their navigation do."""

    def __init__(self) -> None:
        self.itself = self


def test_serve_freezes_its_first_load_as_loaded_and_unfreezes_for_later_ones() -> None:
    """`serve`'s site freezes what its first load of the vault left, with no pass (the watcher's
    first fill had just loaded the same notes); a later full load first unfreezes, since the
    build it replaces may be garbage in cycles now, freed by the pass after that build."""
    load = gcpolicy.first_frozen_then_reloading()
    kept: list[object] = []
    with _passes() as passes:
        with load():
            assert not gc.isenabled()
            kept.append([[] for _ in range(10_000)])
        assert gc.isenabled() and passes == []
        assert gc.get_freeze_count() >= 10_000
        built = _Page()  # (what the first build made, replaced by the next)
        gc.freeze()
        page = weakref.ref(built)
        del built
        with load():
            assert gc.get_freeze_count() == 0 and not gc.isenabled()
        assert page() is not None  # (in a cycle: only a pass frees it)
        gcpolicy.freeze_loaded()
        assert page() is None


_SERVE_WATCHED = """
import gc, logging, os, sys
from vault_tools.site import incremental, site_cache
from vault_tools.watch import watcher
seen = []
def spy(name, real):
    def called(*args, **kwargs):
        seen.append(name + (" on" if gc.isenabled() else " off"))
        return real(*args, **kwargs)
    return called
watcher.Watcher._first_fill = spy("first-fill", watcher.Watcher._first_fill)
site_cache.SiteCache.load = spy("record", site_cache.SiteCache.load)
incremental.LiveSite._write = spy("render", incremental.LiveSite._write)
class Served(logging.Handler):
    def emit(self, record):
        if "Serving on" in record.getMessage():
            print("SEEN", *seen, "frozen" if gc.get_freeze_count() else "unfrozen", flush=True)
            os._exit(0)
logging.getLogger("mkdocs").addHandler(Served())
from vault_tools import gcpolicy
gcpolicy.FEW_PAGES = int(sys.argv[3])
from vault_tools.cli import main
sys.argv = ["vault-tools", "serve", "--vault", sys.argv[1], "--port", sys.argv[2]]
main()
"""


@pytest.mark.slow
def test_serve_starts_with_its_loads_paused_and_renders_many_pages_with_the_collector_on(
        make_vault) -> None:
    """The start of `serve` loads the vault (the watcher's first fill) and the site cache's
    record with the collector paused. A start that renders many pages (more than `FEW_PAGES`,
    made 1 here: every page of a first start with no record) renders them with it on: paused,
    it held every page's garbage until the end (237 MB against 158 MB at 1,000 notes). A
    start that renders a few (from the record, one note edited) keeps it paused. What the
    start leaves is frozen."""
    from .test_site_serve import CONFIG, free_port

    root = make_vault(NOTES)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    for start, few, expected in (("no record", 1, "on"), ("from the record", 100, "off")):
        if start == "from the record":
            with (root / "notes" / "contacts" / "Jane Doe.md").open("a") as note:
                note.write("\nEdited.\n")
        done = subprocess.run([sys.executable, "-c", _SERVE_WATCHED, str(root),
                               str(free_port()), str(few)],
                              capture_output=True, text=True, timeout=300)
        seen = [line for line in done.stdout.splitlines() if line.startswith("SEEN")]
        assert seen == [f"SEEN first-fill off record off render {expected} frozen"], (
            start, done.stdout, done.stderr[-2000:])


def test_a_build_renders_a_few_pages_with_the_collector_paused_and_many_with_it_on() -> None:
    """`rendering`: a build's work before it renders and its rendering of up to `FEW_PAGES`
    pages allocate what lives on (no garbage in cycles to look for: ~430 passes of a start
    at 5,000 notes found none), so the collector waits; more pages leave MkDocs' Markdown
    converters in cycles, and the collector runs. Either way it is as it was after."""
    assert gc.isenabled()
    for pages in (0, 1, gcpolicy.FEW_PAGES):
        with gcpolicy.rendering(pages):
            assert not gc.isenabled()
        assert gc.isenabled()
    with gcpolicy.rendering(gcpolicy.FEW_PAGES + 1):
        assert gc.isenabled()
    assert gc.isenabled()


def test_a_hold_keeps_the_collector_off_but_for_many_pages_then_collects_and_freezes() -> None:
    """`hold` (serve, from its first fill until its server answers): the collector stays off
    through the loads and a few pages rendered, is on while many pages are rendered, and once
    released, what is left is collected (a page in a cycle freed) and the rest frozen."""
    try:
        release = gcpolicy.hold()
        with gcpolicy.frozen_after_load():
            pass
        assert not gc.isenabled()
        with gcpolicy.rendering(1):
            assert not gc.isenabled()
        with gcpolicy.rendering(gcpolicy.FEW_PAGES + 1):
            assert gc.isenabled()
        assert not gc.isenabled()
        page = weakref.ref(_Page())
        assert page() is not None  # (in a cycle: only a pass frees it)
        release()
        assert gc.isenabled() and page() is None and gc.get_freeze_count() > 0
        release()  # (once only)
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_serve_collects_after_its_first_build_only_once_it_answers() -> None:
    """`skip_first`: the collection and freeze after a full build wait, for `serve`'s first
    build, until its server answers (`serving` does it then); every later full build does it
    as it ends."""
    done: list[int] = []
    built = gcpolicy.skip_first(lambda: done.append(1))
    built()
    assert done == []
    built()
    built()
    assert done == [1, 1]


def test_filling_and_loading_a_vault_leaves_no_garbage_in_cycles(make_vault) -> None:
    """What `frozen_after_load` relies on to freeze without collecting first: a fill and a
    load leave nothing only the collector could free, odd notes included (broken front
    matter, bad dates, a note that is not UTF-8, an empty one, a link loop of embeds)."""
    from vault_tools.site.build import _fill_and_load

    root = make_vault({
        **NOTES,
        "contacts/Broken.md": "---\ntype: contact\nlast_contact: 2026-02-30\ntags: [a\n---\n",
        "contacts/Empty.md": "",
        "contacts/Loop.md": "![[Loop]] ![[Jane Doe#Nowhere]]\n- [ ] task 📅 2026-13-01\n",
        "conversations/2026-01-05 Jane.md": "---\ntype: interview\nwith: [[Jane Doe]]\n"
                                            "date: 2026-01-05\n---\n## Notes\n- a #tag\n",
        "daily/2026-01-06.md": "- [[Jane Doe]] said hi\n",
    })
    (root / "notes" / "contacts" / "Latin1.md").write_bytes(b"caf\xe9\n")
    vault = find_vault(root)
    gc.collect()
    with gcpolicy.paused():
        loaded = _fill_and_load(vault, True)
        assert len(loaded[0]) >= 8
        found = gc.collect()
    assert found == 0


def test_watch_fills_first_with_the_collector_paused_and_freezes_what_it_loaded(
        make_vault, monkeypatch) -> None:
    """`watch`'s first fill loads the whole vault as the other commands do, with the collector
    paused (its passes walked the growing heap), and freezes it once done; then the collector
    is on again for the saves."""
    from vault_tools.watch import watcher as watcher_module
    from vault_tools.watch.report import silent

    seen: list[bool] = []
    real = watcher_module.Watcher._first_fill

    def spy(self: watcher_module.Watcher) -> None:
        seen.append(gc.isenabled())
        real(self)
        seen.append(gc.get_freeze_count() > 0)
        signal.raise_signal(signal.SIGINT)  # (as Ctrl-C: the loop stops)

    monkeypatch.setattr(watcher_module.Watcher, "_first_fill", spy)
    try:
        watcher_module.watch_until_stopped(find_vault(make_vault(NOTES)), echo=silent)
        assert seen == [False, True]
        assert gc.isenabled()
    finally:
        gc.unfreeze()
