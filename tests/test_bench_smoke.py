"""Smoke run of the benchmark harness (benchmarks/run.py): it must keep working, and keep
reporting every DESIGN §11 budget, so `make bench` never breaks unnoticed.

The real figures come from `make bench`; here a couple of hundred notes, one run, no peers.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs the benchmark scripts

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
BUDGETS = ("check", "fill", "first-fill", "watch", "build", "cached", "serve", "memory", "scale")
SHAPES = ("long", "attachments", "deep")
VERDICTS = {"met", "NOT met", "reference", "failed", "not measured"}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, list]:
    """One smoke run, shared by the tests below: (the finished process, its JSON rows)."""
    tmp = tmp_path_factory.mktemp("bench")
    rows_file = tmp / "rows.json"
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--smoke",
         "--cache-dir", str(tmp / "vaults"), "--json", str(rows_file)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc, json.loads(rows_file.read_text(encoding="utf-8"))


def _table_rows(stdout: str) -> list[list[str]]:
    """The body rows of the Markdown table, as lists of cells."""
    lines = [ln for ln in stdout.splitlines() if ln.startswith("| ")]
    return [[cell.strip() for cell in ln.strip("|").split(" | ")] for ln in lines[1:]]


def test_smoke_run_prints_a_table_row_for_every_budget(smoke) -> None:
    proc, _ = smoke
    rows = _table_rows(proc.stdout)
    assert {row[0] for row in rows} == set(BUDGETS)
    for row in rows:
        assert len(row) == 9, row
        assert any(row[-1].startswith(v) for v in VERDICTS), row


def test_smoke_run_measures_check_fill_and_memory_with_figures(smoke) -> None:
    _, rows = smoke
    by_budget = {row["budget"]: row for row in rows}
    check = by_budget["check"]
    assert check["ours"] and check["peer_values"], check
    assert check["ratio"] > 0
    memory = by_budget["memory"]
    assert 5 < memory["ours"][0] < 1000, memory  # MB: a real RSS reading, not bytes or zero


def test_fill_with_nothing_changed_writes_no_file(smoke) -> None:
    # The promise behind the fill budget: a filled vault is left byte-for-byte and
    # inode-for-inode alone, so editors and git see nothing.
    # Both with fill's own cache current and with it removed (the full work).
    _, rows = smoke
    fills = [row for row in rows if row["budget"] == "fill"]
    assert len(fills) == 2
    for fill in fills:
        assert fill["ours"], fill
        assert fill["writes"] == 0, fill


def test_a_budget_that_cannot_be_measured_says_why(smoke) -> None:
    _, rows = smoke
    for row in rows:
        if row["verdict"] in ("failed", "not measured"):
            assert row["notes"], row


def test_every_vault_shape_is_built_against_plain_material_with_its_memory(smoke) -> None:
    # Issue #22: the cold-build budget holds on several vault shapes, time and peak memory,
    # each against the plain build of the same notes in the same run.
    _, rows = smoke
    builds = [row for row in rows if row["budget"] == "build" and row["verdict"] != "reference"]

    def shape_of(work: str) -> str:
        return next((shape for shape in SHAPES if f"{shape} shape" in work), "generator")

    for shape in ("generator", *SHAPES):
        mine = [row for row in builds if shape_of(row["work"]) == shape]
        assert {row["unit"] for row in mine} == {"s", "MB"}, (shape, builds)
        for row in mine:
            assert row["ours"] and row["peer_values"] and row["ratio"] > 0, row


def test_cached_first_fill_and_scale_rows_have_figures_on_both_sides(smoke) -> None:
    _, rows = smoke
    cached = [row for row in rows if row["budget"] == "cached"]
    measured = [row for row in cached if row["verdict"] != "not measured"]
    # builds after 3 and 10 edits, serve starts (the same day, the next, and two weeks on),
    # a build on a new day
    assert len(measured) == 6, cached
    *peered, new_day = measured
    for row in peered:
        assert row["ours"] and row["peer_values"], row
    # A new day with no note changed redoes the dashboards' pages only, not the notes'.
    assert new_day["work"].startswith("build on a new day"), new_day
    assert new_day["ours"] and new_day["verdict"] == "met", new_day
    assert re.search(r": [0-9]+ pages rendered again, [1-9][0-9]* kept", new_day["notes"][0]), \
        new_day
    first = [row for row in rows if row["budget"] == "first-fill" and row["peer_values"]]
    assert len(first) == 2, rows
    for row in first:
        assert row["writes"] > 0, row  # a never-filled vault: fill does write
    scale = [row for row in rows if row["budget"] == "scale"]
    assert {row["work"].split(",")[0] for row in scale} == {"check", "fill", "watch", "build",
                                                            "serve"}
    for row in scale:
        assert row["verdict"] in ("met", "NOT met"), row
        assert row["ours"] and row["peer_values"], row
