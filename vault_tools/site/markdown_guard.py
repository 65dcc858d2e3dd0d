"""Keep Python-Markdown linear on hostile notes (DESIGN §9: one note costs seconds, never minutes).

Python-Markdown, which MkDocs renders every page with, takes quadratic time on some shapes of
text: each unmatched `[` (or `![`, `[^`) scans to the end of its paragraph, each `](` to its
closing parenthesis; each `<tag` without `>` has the HTML parser read on to the next `>` of the
page, each fence opener without its closer has the fence pattern read on to the page's end; a
backtick run without its partner reads on to the paragraph's end; and every inline match copies
its whole paragraph, so a huge paragraph dense with markup is quadratic too.

`guard_markdown` estimates those costs in one linear pass, paragraph by paragraph (runs of
non-blank lines outside fenced code; a list's items and a table's rows separately, as Markdown
renders them), and replaces each paragraph over budget with its text as a plain HTML paragraph,
which Markdown passes through untouched. The budgets are proportional to the text (plus a small
allowance), so what Markdown still has to do is linear; no ordinary note comes near them, and an
ordinary note is returned unchanged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

log = logging.getLogger("mkdocs.plugins.vault")

# Bracket and backtick scan steps a paragraph may cost: per character, plus an allowance that
# lets a short paragraph hold a stray "[" or two. Unflagged, no paragraph costs more than a few
# steps per character, whatever its length.
STEPS_PER_CHAR = 3
STEPS_FREE = 64
# Inline markup characters times the length of the paragraph they are in: every match Markdown
# makes copies the paragraph. Unflagged, a page costs at most about √budget copies per character.
MARKUP_BUDGET = 50_000_000
# Characters the HTML parser and the fence pattern may read over the whole page: per character
# of the page, plus an allowance (one page-long scan of a 2 MB note).
SCAN_PER_CHAR = 16
SCAN_FREE = 4_000_000

# Columns of indentation, ">" and list markers a line may start with: Python-Markdown recurses
# once per level of nesting, and a few hundred levels exhaust Python's stack (a crash, not a
# slow page). A hundred levels is far beyond any note.
MAX_NESTING_COLUMNS = 400

PLAIN_CLASS = "vault-plain"

_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})")
_STRICT_OPEN = re.compile(r"(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*)[ ]*(?:hl_lines=[^\n]*)?")
_BARE_FENCE = re.compile(r"(`{3,}|~{3,})[ ]*")
_LIST_ITEM = re.compile(r"[ \t>]*(?:[-*+]|\d+[.)])[ \t]")
_TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_NESTING = re.compile(r"(?:[ \t>]|[-*+][ \t]|\d{1,9}[.)][ \t])*")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_SPECIAL = re.compile(r"\\.|`+|[\[\]()]", re.DOTALL)
_MARKUP = "*_`\\&[<~=^"


@dataclass(frozen=True)
class PlainParagraph:
    """A paragraph rendered as plain text: its first line (1-based, in the text guarded) and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class Guarded:
    """Markdown safe to render in linear time, and the paragraphs that were made plain text."""

    text: str
    plain: tuple[PlainParagraph, ...]


def guard_markdown(text: str) -> Guarded:
    """`text` with every paragraph whose rendering would cost Python-Markdown more than linear
    time replaced by that paragraph as plain text (an HTML paragraph, HTML-escaped). Text under
    the budgets, which any ordinary note is, comes back as it was. Linear in `len(text)`."""
    lines = text.split("\n")
    code = _fenced_lines(lines)
    starts = [0] * (len(lines) + 1)
    for i, line in enumerate(lines):
        starts[i + 1] = starts[i] + len(line) + 1
    paragraphs = _paragraphs(lines, code)
    reasons: dict[int, str] = {}
    for index, (first, end) in enumerate(paragraphs):
        reason = _inline_reason(lines[first:end])
        if reason:
            reasons[index] = reason
    _flag_page_scans(text, lines, code, starts, paragraphs, reasons)
    if not reasons:
        return Guarded(text, ())
    # Flagged paragraphs with only blank lines between them become one HTML paragraph:
    # Python-Markdown's time grows faster than linearly with the number of HTML blocks.
    runs: list[tuple[int, int]] = []
    for index in sorted(reasons):
        first, end = paragraphs[index]
        if runs and all(not code[i] for i in range(runs[-1][1], first)):
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((first, end))
    out: list[str] = []
    done = 0
    for first, end in runs:
        out.extend(lines[done:first])
        out.append("\n" + _plain_html(lines[first:end]) + "\n")
        done = end
    out.extend(lines[done:])
    plain = (PlainParagraph(paragraphs[i][0] + 1, reasons[i]) for i in sorted(reasons))
    return Guarded("\n".join(out), tuple(plain))


def first_line(source: str | None, markdown: str) -> int:
    """The line of the note file that `markdown`'s first line is, when `markdown` is the tail of
    `source` (the note's text, front matter lines kept); else 1."""
    if source is None or not source.endswith(markdown):
        return 1
    return source.count("\n") - markdown.count("\n") + 1


def guard_page(path: str, markdown: str, line: int = 1) -> str:
    """`guard_markdown(markdown).text`, warning once per reason a paragraph was made plain, with
    the note `path` and the first such line in the note (`line`: the note line of `markdown`'s
    first line)."""
    guarded = guard_markdown(markdown)
    # One warning per reason, at its first paragraph: a hostile note can have thousands.
    first: dict[str, tuple[int, int]] = {}
    for paragraph in guarded.plain:
        at, count = first.get(paragraph.reason, (paragraph.line, 0))
        first[paragraph.reason] = (at, count + 1)
    for reason, (at, count) in first.items():
        more = f" (and {count - 1:,} more paragraphs)" if count > 1 else ""
        log.warning(f"{path}:{at + line - 1}: rendered as plain text: {reason}{more}")
    return guarded.text


def _plain_html(lines: list[str]) -> str:
    # One line, so that no pattern that looks at line starts (fences) sees the text; `>` is
    # left as it is (valid in HTML text), so the HTML parser's scans elsewhere stay as counted.
    body = "<br>".join(line.replace("&", "&amp;").replace("<", "&lt;") for line in lines)
    return f'<p class="{PLAIN_CLASS}">{body}</p>'


def _fenced_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or a fence of) a fenced code block as both
    `fenced_code` and `pymdownx.superfences` see one: an opener at the start of a line and a
    closer of the very same fence. Anything less certain is checked as text."""
    closer_after: list[int | None] = [None] * len(lines)
    nearest: dict[str, int] = {}
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if not line.startswith(("```", "~~~")):
            continue
        if _STRICT_OPEN.fullmatch(line):
            fence = _FENCE_OPEN.match(line)
            if fence is not None and not (fence.group(1)[0] == "`" and "`" in line[fence.end():]):
                closer_after[i] = nearest.get(fence.group(1))
        if _BARE_FENCE.fullmatch(line):
            nearest[line.rstrip(" ")] = i
    code = [False] * len(lines)
    i = 0
    while i < len(lines):
        end = closer_after[i]
        if end is None:
            i += 1
            continue
        for j in range(i, end + 1):
            code[j] = True
        i = end + 1
    return code


def _paragraphs(lines: list[str], code: list[bool]) -> list[tuple[int, int]]:
    """(first line, end line) of each run of non-blank lines outside fenced code."""
    found = []
    first = -1
    for i, line in enumerate(lines):
        inside = not code[i] and line.strip() != ""
        if inside and first < 0:
            first = i
        elif not inside and first >= 0:
            found.append((first, i))
            first = -1
    if first >= 0:
        found.append((first, len(lines)))
    return found


def _units(lines: list[str]) -> list[str]:
    """The pieces of a paragraph Markdown renders inline one at a time: a table's rows, a
    list's items, else the whole paragraph."""
    if len(lines) > 1 and "|" in lines[0] and _TABLE_RULE.fullmatch(lines[1]):
        return lines
    if _LIST_ITEM.match(lines[0]):
        units: list[list[str]] = []
        for line in lines:
            if _LIST_ITEM.match(line) or not units:
                units.append([line])
            else:
                units[-1].append(line)
        return ["\n".join(unit) for unit in units]
    return ["\n".join(lines)]


def _inline_reason(lines: list[str]) -> str:
    """Why this paragraph is too costly for Markdown (its nesting, its inline patterns), or ""."""
    for line in lines:
        prefix = _NESTING.match(line)
        if prefix is not None and len(prefix.group().expandtabs(4)) > MAX_NESTING_COLUMNS:
            return "nested too deeply"
    for unit in _units(lines):
        size = len(unit)
        # (Without a bracket or a backtick, no link or code-span pattern reads anything.)
        if "[" in unit or "]" in unit or "`" in unit:
            brackets, backticks = _scan_steps(unit)
            allowed = STEPS_PER_CHAR * size + STEPS_FREE
            if brackets > allowed:
                return "too many unmatched brackets"
            if backticks > allowed:
                return "too many unmatched backticks"
        # (A unit holds no more markup than characters: a short one cannot go over.)
        if size * size <= MARKUP_BUDGET:
            continue
        markup = sum(unit.count(ch) for ch in _MARKUP)
        if markup * size > MARKUP_BUDGET:
            return "a paragraph this long with this much markup; add blank lines to split it"
    return ""


def _scan_steps(unit: str) -> tuple[int, int]:
    """(characters Markdown's link patterns read, characters its code-span pattern reads) in
    `unit`: every open "[" reads on to its "]", every "](" to its ")", and a backtick run to the
    next run of its length (a run with none, to the end, once per backtick)."""
    steps = 0
    open_brackets = 0
    paren_depth = 0
    scans: list[int] = []  # the paren depth at which each open link destination ends
    last = 0
    runs: list[tuple[int, int]] = []
    for match in _SPECIAL.finditer(unit):
        at = match.start()
        steps += (open_brackets + len(scans)) * (at - last)
        last = at
        piece = match.group()
        if piece[0] == "\\":
            continue
        if piece[0] == "`":
            runs.append((at, len(piece)))
        elif piece == "[":
            open_brackets += 1
        elif piece == "]":
            if open_brackets:
                open_brackets -= 1
            if unit.startswith("(", at + 1):
                scans.append(paren_depth)
        elif piece == "(":
            if scans:
                paren_depth += 1
        elif scans:  # ")"
            paren_depth -= 1
            while scans and scans[-1] >= paren_depth:
                scans.pop()
    steps += (open_brackets + len(scans)) * (len(unit) - last)
    # Markdown reads code spans left to right: a run with a partner makes one span, and the
    # runs inside it (`` ``` `` shows three backticks) are text, never read as openers.
    partners: list[int | None] = [None] * len(runs)
    following: dict[int, int] = {}
    for k in range(len(runs) - 1, -1, -1):
        length = runs[k][1]
        partners[k] = following.get(length)
        following[length] = k
    backticks = 0
    k = 0
    while k < len(runs):
        at, length = runs[k]
        partner = partners[k]
        if partner is None:
            backticks += length * (len(unit) - at)
            k += 1
        else:
            backticks += runs[partner][0] - at
            k = partner + 1
    return steps, backticks


def _flag_page_scans(text: str, lines: list[str], code: list[bool], starts: list[int],
                     paragraphs: list[tuple[int, int]], reasons: dict[int, str]) -> None:
    """Flag the paragraphs that make the page-wide scans (the HTML parser reading a tag on to
    the next ">", the fence pattern reading an opener on to the end) cost more than the page's
    budget, costliest first, until the rest fits."""
    size = len(text)
    costs: dict[int, int] = {}
    why: dict[int, str] = {}
    next_close = size
    tags: list[tuple[int, int]] = []  # (position, cost), found from the end
    closes = [m.start() for m in re.finditer(">", text)]
    opens = [m.start() for m in _TAG_START.finditer(text)]
    ci = len(closes) - 1
    for at in reversed(opens):
        while ci >= 0 and closes[ci] > at:
            next_close = closes[ci]
            ci -= 1
        tags.append((at, next_close - at))
    line_of = 0
    paragraph_of = _paragraph_index(lines, paragraphs)
    for at, cost in reversed(tags):
        while starts[line_of + 1] <= at:
            line_of += 1
        index = paragraph_of[line_of]
        if index >= 0 and not code[line_of]:
            costs[index] = costs.get(index, 0) + cost
            why.setdefault(index, "too many unclosed HTML tags")
    for i, line in enumerate(lines):
        index = paragraph_of[i]
        if index >= 0 and line.startswith(("```", "~~~")):
            costs[index] = costs.get(index, 0) + size - starts[i]
            why[index] = "too many unclosed code fences"
    total = sum(cost for index, cost in costs.items() if index not in reasons)
    allowed = SCAN_PER_CHAR * size + SCAN_FREE
    for index in sorted(costs, key=lambda k: costs[k], reverse=True):
        if total <= allowed:
            break
        if index in reasons:
            continue
        reasons[index] = why[index]
        total -= costs[index]


def _paragraph_index(lines: list[str], paragraphs: list[tuple[int, int]]) -> list[int]:
    """For each line, the index of its paragraph, or -1."""
    of = [-1] * len(lines)
    for index, (first, end) in enumerate(paragraphs):
        for i in range(first, end):
            of[i] = index
    return of
