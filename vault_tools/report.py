"""Turning diagnostics into what a person or a program reads. Pure: data in, text out."""

from __future__ import annotations

import json
from collections.abc import Iterable

import click

from .notes import Diagnostic

_COLOURS = {"error": "red", "warning": "yellow"}


def diagnostics_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The JSON list of `{path, line, severity, code, message}` objects (§9)."""
    return json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False)


def diagnostics_text(diagnostics: list[Diagnostic], notes_checked: int, colour: bool) -> str:
    """Human output: grouped by note, one line per problem, then a one-line summary."""
    lines: list[str] = []
    current = None
    for diag in diagnostics:
        if diag.path != current:
            if current is not None:
                lines.append("")
            current = diag.path
            lines.append(click.style(diag.path, bold=True) if colour else diag.path)
        where = f"{diag.line}" if diag.line is not None else "-"
        severity = diag.severity
        if colour:
            severity = click.style(f"{severity:<7}", fg=_COLOURS[diag.severity])
        else:
            severity = f"{severity:<7}"
        lines.append(f"  {where:>5}  {severity} {diag.code:<16} {diag.message}")
    if lines:
        lines.append("")
    lines.append(summary_line(diagnostics, notes_checked))
    return "\n".join(lines)


def summary_line(diagnostics: list[Diagnostic], notes_checked: int) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    notes = len({d.path for d in diagnostics})
    if not diagnostics:
        return f"{notes_checked} notes checked: no problems."
    return (
        f"{notes_checked} notes checked: {_plural(errors, 'error')}, "
        f"{_plural(warnings, 'warning')} in {_plural(notes, 'note')}."
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
