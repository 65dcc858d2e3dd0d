"""What the `questions` command prints (§13): plain data, then text.

`questions_data` gathers the JSON-ready dicts (the `--json` output, keys documented in
docs/learning.md); `format_questions` writes the same dicts for a terminal, so the two never
disagree. Pure: the index in, data or text out.

This is the user's own terminal: answers from private conversations are shown, marked private.
Every value from a note goes through `report.printable`: an escape sequence is shown, never
obeyed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import questions
from .index import VaultIndex
from .report import json_printable, printable

Row = dict[str, Any]
PRIVATE_MARK = "(private)"
NO_BANK = ("No bank questions yet. Give each question in questions.md a block id "
           "(`- What does a typical week look like? ^q-week`) and link it from a conversation "
           "(`- [[questions#^q-week]]: the answer`); see docs/learning.md.")


def as_json(data: Any) -> str:
    """The `--json` output."""
    return json_printable(json.dumps(data, indent=2, ensure_ascii=False))


def questions_data(index: VaultIndex, career: str | None = None,
                   unasked: bool = False) -> list[Row]:
    """Every bank question (bank order) with each time it was asked (oldest first) and the
    conversations it is prepared for and not asked in. `career` (a career note's path): only
    the conversations of that career. `unasked`: only the questions no conversation (of that
    career) asked."""
    uses = questions.uses(index)
    if career is not None:
        uses = [use for use in uses if career in use.careers]
    asked_in = {(use.interview, use.question.key) for use in uses if use.asked}
    # Each question's uses, found in one pass (not one scan of every use per question).
    by_key: dict[tuple[str, str], list[questions.Use]] = {}
    for use in uses:
        by_key.setdefault(use.question.key, []).append(use)
    rows = []
    for question in questions.bank(index):
        mine = by_key.get(question.key, [])
        asked = [use for use in mine if use.asked]
        if unasked and asked:
            continue
        prepared = list({use.interview: use for use in mine if not use.asked
                         and (use.interview, question.key) not in asked_in}.values())
        days = [use.date for use in asked if use.date is not None]
        rows.append({
            "id": question.id,
            "note": question.note,
            "line": question.line,
            "text": question.text,
            "times_asked": len({use.interview for use in asked}),
            "last_asked": max(days).isoformat() if days else None,
            "asked": [_use_row(index, use) for use in asked],
            "prepared": [_use_row(index, use) for use in prepared],
        })
    return rows


def _use_row(index: VaultIndex, use: questions.Use) -> Row:
    row: Row = {
        "interview": use.interview,
        "line": use.line,
        "date": use.date.isoformat() if use.date else None,
        "status": use.status,
        "people": [index.notes[path].name for path in use.people],
        "careers": [index.notes[path].name for path in use.careers],
        "private": use.private,
    }
    if use.asked:
        row["answer"] = use.answer
    return row


def format_questions(rows: Sequence[Row], unasked: bool = False) -> str:
    """The rows as text: each question with its link to paste, then one line per time it was
    asked (date, who, careers, answer) and the conversations it is prepared for."""
    if not rows:
        return ("Every bank question has been asked." if unasked else NO_BANK)
    out = []
    for row in rows:
        name = row["note"].rpartition("/")[2].removesuffix(".md")
        out.append(printable(f"{row['text']}  [[{name}#^{row['id']}]]"))
        if unasked:
            continue
        if row["asked"]:
            times = row["times_asked"]
            out.append(f"  asked in {times} conversation{'s' if times != 1 else ''}, "
                       f"last {row['last_asked'] or 'undated'}")
        else:
            out.append("  not asked yet")
        for use in row["asked"]:
            who = ", ".join(use["people"]) or use["interview"]
            where = f" · {', '.join(use['careers'])}" if use["careers"] else ""
            mark = f" {PRIVATE_MARK}" if use["private"] else ""
            answer = f": {use['answer']}" if use["answer"] else " (no answer written)"
            out.append(printable(f"  {use['date'] or 'no date'} {who}{where}{mark}{answer}"))
        for use in row["prepared"]:
            who = ", ".join(use["people"]) or use["interview"]
            mark = f" {PRIVATE_MARK}" if use["private"] else ""
            out.append(printable(f"  prepared for {use['date'] or 'no date'} {who}{mark}"
                                 f" ({use['status']})"))
    return "\n".join(out)
