"""What the `careers` command prints (§13): the decision table as plain data, then as text.

`careers_data` gathers the JSON-ready data (the `--json` output; keys documented in
docs/learning.md), `format_careers` writes the same data for a terminal, so the two never
disagree. Pure: the index in, data or text out. This is the user's own terminal: private
careers and conversations are shown, private careers marked. Every value that comes from a note
goes through `report.printable` in the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import click

from .careers import CareerComparison, Conversation, comparisons, interest_series, open_questions
from .index import VaultIndex
from .report import printable

Row = dict[str, Any]

NO_CAREERS = ("No careers yet: `vault-tools new career NAME` adds one, and a conversation's "
              "`career:` links it (see docs/learning.md).")


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _conversation(index: VaultIndex, talk: Conversation | None) -> Row | None:
    if talk is None:
        return None
    return {"note": talk.path, "date": _day(talk.date),
            "with": [_name(index, p) for p in talk.people]}


def _name(index: VaultIndex, path_or_name: str) -> str:
    note = index.notes.get(path_or_name)
    return note.name if note is not None else path_or_name


def careers_data(index: VaultIndex) -> Row:
    """The `careers --json` object: the criteria and their weights, then one object per career
    (pursued first, ruled-out last) with its weighted score, conversations, people, companies,
    interest (net, recent, and the cumulative series by date), open questions, last and next
    conversation, and when and why it was ruled out."""
    careers = []
    for row in comparisons(index):
        careers.append(_career(index, row))
    return {"criteria": dict(index.settings.criteria), "careers": careers}


def _career(index: VaultIndex, row: CareerComparison) -> Row:
    note = index.notes[row.career]
    questions = open_questions(index, row.career)
    return {
        "name": row.name,
        "note": row.career,
        "private": note.private,
        "status": row.status,
        "score": round(row.score.value, 2) if row.score.value is not None else None,
        "scores": dict(row.score.scored),
        "unscored": list(row.score.unscored),
        "conversations": row.done,
        "planned": row.planned,
        "people": [_name(index, p) for p in row.people],
        "companies": [_name(index, c) for c in row.companies],
        "net_interest": row.net_interest,
        "recent_interest": row.recent_interest,
        "interest_over_time": [{"date": day.isoformat(), "interest": total}
                               for day, total in interest_series(index, row.career)],
        "open_questions": [{"text": q.text, "line": q.line, "answered_by": list(q.answered_by)}
                           for q in questions],
        "last": _conversation(index, row.last),
        "next": _conversation(index, row.next),
        "ruled_out": _day(row.ruled_out),
        "reason": row.reason,
    }


def format_careers(data: Mapping[str, Any], colour: bool = False) -> str:
    """The `careers` text: one paragraph per career, its name and status, then its evidence
    line by line; ruled-out paths last with when and why."""
    if not data["careers"]:
        return NO_CAREERS

    def style(text: str, **kwargs: Any) -> str:
        return click.style(text, **kwargs) if colour else text

    lines: list[str] = []
    if data["criteria"]:
        weights = ", ".join(f"{k} ×{v}" for k, v in data["criteria"].items())
        lines += [f"Criteria: {printable(weights)}", ""]
    for career in data["careers"]:
        head = style(printable(career["name"]), bold=True)
        status = career["status"] or "no status"
        head += f"  ({status})"
        if career["private"]:
            head += "  " + style("(private)", fg="magenta")
        lines.append(head)
        if data["criteria"]:
            if career["score"] is None:
                lines.append("  score: not scored")
            else:
                missing = (f" (not scored: {printable(', '.join(career['unscored']))})"
                           if career["unscored"] else "")
                lines.append(f"  score: {career['score']:.1f} of 5{missing}")
        talks = career["conversations"]
        lines.append(f"  {talks} conversation{'' if talks == 1 else 's'}"
                     + _listed("with", career["people"]) + _listed("at", career["companies"])
                     + (f"; {career['planned']} planned" if career["planned"] else ""))
        if career["recent_interest"] is not None:
            lines.append(f"  interest: {career['net_interest']:+d} in all, "
                         f"{career['recent_interest']:+d} lately")
        questions = career["open_questions"]
        if questions:
            answered = sum(bool(q["answered_by"]) for q in questions)
            lines.append(f"  open questions: {answered} of {len(questions)} answered")
            lines += [f"    - {printable(q['text'])}" for q in questions if not q["answered_by"]]
        for label in ("last", "next"):
            talk = career[label]
            if talk is not None:
                who = f" with {printable(', '.join(talk['with']))}" if talk["with"] else ""
                lines.append(f"  {label}: {talk['date']}{who}")
        if career["status"] == "ruled-out":
            when = f" on {career['ruled_out']}" if career["ruled_out"] else ""
            why = f": {printable(career['reason'])}" if career["reason"] else " (no reason written)"
            lines.append(style(f"  ruled out{when}{why}", dim=True))
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def _listed(word: str, names: list[str]) -> str:
    return f" {word} {printable(', '.join(names))}" if names else ""
