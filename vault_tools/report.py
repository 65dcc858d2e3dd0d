"""Turning diagnostics into what a person or a program reads. Pure: data in, text out."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import click

from .index import VaultIndex
from .notes import Diagnostic

_COLOURS = {"error": "red", "warning": "yellow"}


def diagnostics_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The JSON list of `{path, line, severity, code, message}` objects (§9)."""
    return json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class Placeholders:
    """Companies named in a `company` field that have no note yet (an import of contacts makes
    many): their names as first written, by name, and where each such link is (note, line)."""

    names: tuple[str, ...] = ()
    links: frozenset[tuple[str, int | None]] = field(default_factory=frozenset)

    def covers(self, diag: Diagnostic) -> bool:
        """True for the broken-link warning of one of these links."""
        return diag.code == "broken-link" and (diag.path, diag.line) in self.links

    def summary(self, shown: int = 5) -> str:
        """One paragraph saying which companies have no note and how to create them."""
        # The names come from notes (an import writes what a CSV said): a terminal escape in
        # one is shown as text, and the command to copy runs nothing but `vault-tools`.
        count = len(self.names)
        names = [printable(name) for name in self.names[:shown]]
        names += [f"{count - shown} more"] if count > shown else []
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        example = shell_word(printable(self.names[0]))
        if count == 1:
            return (f"1 company is named in `company` but has no note yet: {listed}. It is kept "
                    f"as a placeholder; `vault-tools new company {example}` creates its note.")
        return (f"{count} companies are named in `company` but have no note yet: {listed}. Each "
                f"is kept as a placeholder; `vault-tools new company {example}` creates its "
                "note (`vault-tools new company NAME` for each).")


# The bidirectional embeddings, overrides and isolates: sent raw they reorder the rest of the
# terminal's line, so a name can read as another ("Ana \u202egnp.exe" shows "Ana exe.png").
# The plain direction marks (U+200E, U+200F) stay: they are part of right-to-left names.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """`text` with each control character and bidirectional override written as its escape
    (`\\x1b`, `\\u202e`), never sent raw."""
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS else ch
                   for ch in text)


# What JSON leaves raw (it escapes only U+0000-U+001F) that a terminal would obey: DEL, the
# 8-bit controls (U+009B is a CSI) and the direction overrides. Inside JSON text they can only
# stand in strings, where `\uXXXX` means the same character: a program reads the same data.
_JSON_RAW = str.maketrans({ch: f"\\u{ord(ch):04x}"
                           for ch in (*map(chr, range(0x7F, 0xA0)), *_BIDI_CONTROLS)})


def json_printable(text: str) -> str:
    """JSON text (from `json.dumps`) with each control character and direction override
    JSON leaves raw written as its `\\uXXXX` escape: the same data, nothing a terminal obeys."""
    return text.translate(_JSON_RAW)


def shell_word(text: str) -> str:
    """`text` as one word a POSIX shell passes on as it is: in double quotes when nothing in it
    is special there, else in single quotes, where nothing expands (`$(...)`, `!`)."""
    if not any(ch in text for ch in '"$`\\!'):
        return f'"{text}"'
    return "'" + text.replace("'", "'\\''") + "'"


def company_placeholders(index: VaultIndex, diagnostics: Iterable[Diagnostic],
                         skip: Collection[str] = ()) -> Placeholders:
    """The companies named in the `company` field of notes (other than `skip`) that point to
    no note, among the broken links of `diagnostics`. A likely typo ("Did you mean …?") is left
    out: it keeps its own line."""
    typos = {(d.path, d.line) for d in diagnostics
             if d.code == "broken-link" and "Did you mean" in d.message}
    names: dict[str, str] = {}
    links: set[tuple[str, int | None]] = set()
    for note in index:
        if note.path in skip:
            continue
        # (Each note's links beside their resolutions, without a list of pairs made per note.)
        for link, resolution in zip(note.links, index.resolutions(note.path), strict=True):
            if (link.field == "company" and resolution.status == "broken"
                    and (note.path, link.line) not in typos):
                name = link.target.rpartition("/")[2].strip()
                names.setdefault(name.lower(), name)
                links.add((note.path, link.line))
    ordered = tuple(names[key] for key in sorted(names))
    return Placeholders(ordered, frozenset(links))


def diagnostics_text(diagnostics: list[Diagnostic], notes_checked: int, colour: bool,
                     placeholders: Placeholders | None = None) -> str:
    """Human output: grouped by note, one line per problem, then a one-line summary. With
    `placeholders`, their broken-link warnings are said once, as one paragraph before the
    summary, instead of one line per contact."""
    lines: list[str] = []
    current = None
    shown = diagnostics
    if placeholders is not None and placeholders.names:
        shown = [d for d in diagnostics if not placeholders.covers(d)]
    for diag in shown:
        if diag.path != current:
            if current is not None:
                lines.append("")
            current = diag.path
            # Names and messages come from files: an escape sequence is shown, never obeyed.
            path = printable(diag.path)
            lines.append(click.style(path, bold=True) if colour else path)
        where = f"{diag.line}" if diag.line is not None else "-"
        severity: str = diag.severity  # then padded and styled: no longer the Literal
        if colour:
            severity = click.style(f"{severity:<7}", fg=_COLOURS[diag.severity])
        else:
            severity = f"{severity:<7}"
        lines.append(f"  {where:>5}  {severity} {diag.code:<16} {printable(diag.message)}")
    if lines:
        lines.append("")
    if placeholders is not None and placeholders.names:
        lines += [placeholders.summary(), ""]
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
