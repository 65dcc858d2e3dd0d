"""The parser's speed tricks must give exactly what the general code gives.

Each fast path in parse.py is compared with the slow route it replaces, on inputs chosen to sit
on the boundary between the two.
"""

from __future__ import annotations

import pytest

from vault_tools import parse
from vault_tools.parse import parse_note, split_lines


def _split_on_newline(text: str) -> list[str]:
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


@pytest.mark.parametrize("text", [
    "",
    "\n",
    "one",
    "one\ntwo\n",
    "one\r\ntwo\r\n\r\n",
    "lone\rcarriage\nreturn",
    "form\x0cfeed\nvertical\x0btab",
    "separators\u2028line\u2029paragraph\x85next\x1cfile\x1dgroup\x1erecord\n",
    "ends with \r",
    "mixed\r\n\n\r\n",
])
def test_split_lines_breaks_on_newline_only(text: str) -> None:
    assert split_lines(text) == _split_on_newline(text)


@pytest.mark.parametrize("line", [
    "plain [[Jane Doe]] link",
    "two [[Jane Doe]] and ![[photo.png]] embed",
    "[[Jane Doe|Jane]] and [[Acme#History]] and [[Acme#History|the story]]",
    "table | [[Jane Doe\\|Jane]] | cell",
    "trailing backslash [[Jane Doe\\]]",
    "spaces [[  Jane Doe  ]] and [[ ]] and [[#Only heading]]",
    "suffix [[Jane Doe.md]] and [[notes/Jane Doe.MD]] and [[x.md|label]]",
    "nested [[[Jane]]] and [[a]]b]] and [[]] and [[x\ny]]",
    "![[Embed]] at the start",
])
def test_wikilinks_match_the_general_split(line: str) -> None:
    expected = []
    for match in parse.WIKILINK_RE.finditer(line):
        link = parse._wikilink(match, line, 7, parse._start(match, line) + 1, "ctx")
        if link is not None:
            expected.append(link)
    assert parse._wikilinks(line, 7, "ctx") == expected


def test_task_due_dates_with_and_without_the_literals() -> None:
    note = parse_note("n.md", (
        "- [ ] plain task\n"
        "- [ ] dated 📅 2026-01-02\n"
        "- [ ] spaced 📅   2026-01-03\n"
        "- [x] due:2026-01-04 done\n"
        "- [ ] bad due:2026-02-30\n"
        "- [ ] overdue: not a due date\n"
    ))
    assert [(t.text, t.due and t.due.isoformat()) for t in note.tasks] == [
        ("plain task", None),
        ("dated 📅 2026-01-02", "2026-01-02"),
        ("spaced 📅   2026-01-03", "2026-01-03"),
        ("due:2026-01-04 done", "2026-01-04"),
        ("bad due:2026-02-30", None),
        ("overdue: not a due date", None),
    ]
    assert [d.code for d in note.diagnostics] == ["bad-date"]
