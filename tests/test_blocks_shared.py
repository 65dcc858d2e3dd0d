"""Blocks read answers worked out once per index (each note's backlinks, a conversation's
insights, an insight's quote, a note's link): whatever order the notes are rendered in, and
after a note changes in a long-lived index (the watcher's), every block is byte for byte what
a fresh index, answering for that note alone, gives."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools.blocks import desired_blocks, render_prep, render_related
from vault_tools.followups import FollowUp, open_followups
from vault_tools.index import VaultIndex
from vault_tools.notes import Note
from vault_tools.parse import parse_note

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _generator() -> ModuleType:
    # Loaded by path: benchmarks/ is a folder of scripts, not a package on sys.path.
    spec = importlib.util.spec_from_file_location("generate_vault",
                                                  BENCHMARKS / "generate_vault.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_vault", module)
    spec.loader.exec_module(module)
    return module


_TEXTS: dict[int, dict[str, str]] = {}
_VAULTS: dict[int, dict[str, Note]] = {}


def _texts(seed: int) -> dict[str, str]:
    """The generator's 80-note vault of `seed`: path in the notes folder -> text."""
    if seed not in _TEXTS:
        _TEXTS[seed] = {path.removeprefix("notes/"): text
                        for path, text in _generator().render_vault(80, seed).items()
                        if path.startswith("notes/") and path.endswith(".md")}
    return _TEXTS[seed]


def _notes(seed: int) -> dict[str, Note]:
    """`_texts(seed)` parsed (once per seed: notes are immutable)."""
    if seed not in _VAULTS:
        _VAULTS[seed] = {path: parse_note(path, text) for path, text in _texts(seed).items()}
    return _VAULTS[seed]


def _blocks(index: VaultIndex, path: str, hide_private: bool,
            followups: list[FollowUp]) -> tuple[object, ...]:
    """Everything a note's blocks show: in its file, and on the site."""
    note = index.notes[path]
    return (desired_blocks(index, note, followups, hide_private=hide_private),
            render_related(index, note, followups, public=True),
            render_prep(index, note, public=True))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(1, 4), order=st.randoms(use_true_random=False),
       hide_private=st.booleans(), edit=st.integers(0, 10_000))
def test_blocks_from_a_shared_index_equal_a_fresh_one(
    seed: int, order: object, hide_private: bool, edit: int
) -> None:
    notes = dict(_notes(seed))
    paths = sorted(notes)
    shared = VaultIndex(notes.values())
    shuffled = list(paths)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    for path in shuffled[:20]:  # warm the shared answers in some order
        _blocks(shared, path, hide_private, open_followups(shared))
    # A save in the long-lived index: one note takes another's body (its links and insights
    # move), as the watcher's `put` applies it.
    changed, donor = paths[edit % len(paths)], paths[(edit // len(paths)) % len(paths)]
    notes[changed] = parse_note(changed, _texts(seed)[donor])
    shared.put(notes[changed])
    followups = open_followups(shared)
    assert followups == open_followups(VaultIndex(notes.values()))
    # The changed note, the notes it links to now and some others, each against an index
    # that answered for no other note.
    for path in {changed, *shared.targets(changed), *shuffled[20:40]}:
        fresh = VaultIndex(notes.values())
        assert (_blocks(shared, path, hide_private, followups)
                == _blocks(fresh, path, hide_private, followups)), path

