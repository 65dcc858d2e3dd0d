"""Parsing with a forked helper (forkmap.py) gives exactly what the serial loop gives.

The fork is forced in these tests (the load average and thread checks would otherwise decide),
and every test checks that a child really ran, so none of them passes by falling back unseen.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools import forkmap, vault
from vault_tools.cli import main

from .conftest import DEMO_VAULT, REPO, write_vault

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the forked helper is used on Linux only"
)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Allow the fork whatever the machine's load or the test runner's threads, and record
    the pid of every child forked."""
    children: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(forkmap, "can_fork", lambda: True)
    monkeypatch.setattr(forkmap.os, "fork", counting_fork)
    return children


def _square(n: int) -> int:
    return n * n


@pytest.mark.parametrize("count", [2, 3, 10, 101])
def test_results_and_order_are_those_of_the_serial_loop(forks: list[int], count: int) -> None:
    assert forkmap.fork_map(_square, list(range(count)), min_items=0) == [
        n * n for n in range(count)
    ]
    assert len(forks) == 1


def test_too_few_items_never_fork(forks: list[int]) -> None:
    assert forkmap.fork_map(_square, [1, 2, 3], min_items=4) == [1, 4, 9]
    assert forkmap.fork_map(_square, [5], min_items=0) == [25]
    assert forks == []


def test_a_child_that_raises_loses_nothing(forks: list[int]) -> None:
    parent = os.getpid()

    def fails_in_the_child(n: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return n * n

    assert forkmap.fork_map(fails_in_the_child, list(range(20)), min_items=0) == [
        n * n for n in range(20)
    ]
    assert len(forks) == 1


def test_a_child_that_dies_loses_nothing(forks: list[int]) -> None:
    parent = os.getpid()

    def dies_in_the_child(n: int) -> int:
        if os.getpid() != parent and n == 7:
            os._exit(0)  # gone without a word, not even a failure status
        return n * n

    assert forkmap.fork_map(dies_in_the_child, list(range(20)), min_items=0) == [
        n * n for n in range(20)
    ]
    assert len(forks) == 1


def test_results_that_do_not_pickle_are_computed_here(forks: list[int]) -> None:
    def unpicklable(n: int):
        return lambda: n

    results = forkmap.fork_map(unpicklable, list(range(6)), min_items=0)
    assert [f() for f in results] == list(range(6))
    assert len(forks) == 1


def test_an_error_here_stops_the_child(forks: list[int]) -> None:
    parent = os.getpid()

    def fails_here(n: int) -> int:
        if os.getpid() == parent and n == 4:
            raise KeyError(n)
        return n

    with pytest.raises(KeyError):
        forkmap.fork_map(fails_here, list(range(10)), min_items=0)
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # already collected: no zombie left behind


def test_can_fork_says_no_with_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap.threading, "active_count", lambda: 2)
    assert not forkmap.can_fork()


def test_can_fork_says_no_on_a_busy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap.threading, "active_count", lambda: 1)
    monkeypatch.setattr(forkmap.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(forkmap.os, "getloadavg", lambda: (1.9, 1.0, 1.0))
    assert not forkmap.can_fork()
    monkeypatch.setattr(forkmap.os, "getloadavg", lambda: (0.8, 1.0, 1.0))
    assert forkmap.can_fork()
    monkeypatch.setattr(forkmap.os, "sched_getaffinity", lambda pid: {0})
    assert not forkmap.can_fork()


# --- a whole vault, serial against parallel -------------------------------------------------


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_vault", REPO / "benchmarks" / "generate_vault.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_vault", module)  # its dataclasses look themselves up
    spec.loader.exec_module(sys.modules["generate_vault"])
    return sys.modules["generate_vault"]


@pytest.fixture(scope="module")
def varied_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated vault plus every golden case (bad YAML, BOM, CRLF, conflict markers, a
    billion laughs, Latin-1 bytes...), the demo notes, and name clashes across folders."""
    root = tmp_path_factory.mktemp("varied")
    _generator().generate_vault(root, 240, seed=7)
    notes = root / "notes"
    for case in sorted((REPO / "tests" / "cases").glob("*.md")):
        target = notes / "cases" / case.name.replace("__", "/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(case, target)
    shutil.copytree(DEMO_VAULT, notes / "demo", ignore=shutil.ignore_patterns("templates"))
    write_vault(root, {
        "other/Jane Doe.md": "---\naliases: [Acme]\n---\nSee [[Jane Doe]] and [[Nobody]].\n",
        "crlf.md": "---\r\ntype: company\r\n---\r\nA [[Jane Doe]] link.\r\n",
        "binary.md": b"\x00\x01",
    }, config=False)
    return root


def _load(root: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(vault, "PARALLEL_MIN_NOTES", 0 if parallel else 10**9)
    return vault.load_index(vault.find_vault(root))


def test_load_index_is_the_same_in_parallel(
    varied_vault: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _load(varied_vault, False, monkeypatch)
    assert forks == []
    parallel = _load(varied_vault, True, monkeypatch)
    assert len(forks) == 1
    assert len(serial) > 250
    assert [repr(note) for note in parallel] == [repr(note) for note in serial]
    assert list(parallel.notes) == list(serial.notes)  # the same insertion order too
    assert parallel.diagnostics() == serial.diagnostics()
    codes = {d.code for d in serial.diagnostics()}
    assert {"yaml-error", "not-utf8", "broken-link", "bad-block"} <= codes


def test_check_output_is_byte_identical_in_parallel(
    varied_vault: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []
    for minimum in (10**9, 0):
        monkeypatch.setattr(vault, "PARALLEL_MIN_NOTES", minimum)
        for args in (["--json"], []):
            result = CliRunner().invoke(main, ["check", "--vault", str(varied_vault), *args])
            outputs.append((result.exit_code, result.output))
    assert len(forks) == 2
    assert outputs[:2] == outputs[2:]
    assert json.loads(outputs[0][1])  # a non-empty list of diagnostics
