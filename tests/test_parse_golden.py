"""Golden files: each `tests/cases/<case>.md` is parsed and compared with `<case>.json`.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_parse_golden.py`,
then read the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from vault_tools.parse import decode_note, parse_note

CASES = Path(__file__).parent / "cases"


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple (Link, Task...)
        return {name: _plain(getattr(value, name)) for name in value._fields}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def parsed(case: Path) -> dict:
    rel = case.stem.replace("__", "/") + ".md"
    text, problem = decode_note(rel, case.read_bytes())
    if text is None:
        return {"undecodable": _plain(problem)}
    parsed_note = parse_note(rel, text)
    note = _plain(parsed_note)
    # Fields that only repeat the input are left out so the golden files stay readable; an
    # interview's kept lines are shown as what they make, its insights.
    for key in ("meta", "insight_lines"):
        note.pop(key)
    note["insights"] = _plain(parsed_note.insights)
    return note


@pytest.mark.parametrize("case", sorted(CASES.glob("*.md")), ids=lambda p: p.stem)
def test_parse_matches_golden_file(case: Path) -> None:
    expected_file = case.with_suffix(".json")
    actual = parsed(case)
    if os.environ.get("UPDATE_GOLDEN") or not expected_file.exists():
        expected_file.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"{expected_file.name} was missing and has been written; check it")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert actual == expected
