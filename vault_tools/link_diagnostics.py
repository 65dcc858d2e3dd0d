"""What `check` says about the links of a vault (§9): broken links with a "Did you mean",
true ties, headings, blocks and attachments that are not there, and names several notes share.

The index (`index.py`) says where each link goes; this module says what is wrong with it, in
words that name the fix. `build` warns with the same decisions (`link_target_problem`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterable

from . import schema
from .careers import score_diagnostics
from .index import Resolution, VaultIndex, strip_md
from .notes import Diagnostic, InterviewFields, Link, Note
from .parse import DAILY_NAME_RE
from .wikilinks import wikilink


def link_target_problem(index: VaultIndex, note: Note, link: Link,
                        resolution: Resolution) -> Diagnostic | None:
    """`missing-heading` for a link to a heading its note does not have, and
    `missing-attachment` for a link to a file that does not exist; else None.
    What `check` reports and what `build` warns about, from the same decision."""
    if resolution.status in ("ok", "ambiguous") and link.heading \
            and resolution.path is not None:
        part = link.heading.rpartition("#")[2].strip()
        target = index.notes.get(resolution.path)
        if target is None or target.unreadable:
            return None  # its headings are unknown (it is reported itself)
        shown = strip_md(resolution.path)
        if part.startswith("^"):
            if part[1:] and index.find_block(resolution.path, part) is None:
                return Diagnostic(
                    note.path, link.line, "warning", "missing-heading",
                    f"{wikilink(link.target, link.heading)}: '{shown}' has no block "
                    f"'{part}' (a paragraph ending in ' {part}')",
                )
        elif part and index.find_heading(resolution.path, link.heading) is None:
            return Diagnostic(
                note.path, link.line, "warning", "missing-heading",
                f"{wikilink(link.target, link.heading)}: '{shown}' has no "
                f"heading '{part}'",
            )
    elif resolution.status == "asset" and index.knows_attachments \
            and index.find_attachment(link.target) is None:
        shown = (f"{'!' if link.embed else ''}[{link.label or ''}]({link.target})"
                 if link.kind == "markdown" else wikilink(link.target, embed=link.embed))
        return Diagnostic(
            note.path, link.line, "warning", "missing-attachment",
            f"{shown}: no such attachment in the notes folder",
        )
    return None


def vault_diagnostics(index: VaultIndex, paths: Iterable[str] | None = None
                      ) -> list[Diagnostic]:
    """Every diagnostic: each note's own, then broken/ambiguous links and duplicate names;
    with `paths`, only those notes' diagnostics."""
    out: list[Diagnostic] = []
    suggester: _Suggester | None = None
    suggestions: dict[str, str | None] = {}
    wanted = None if paths is None else set(paths)
    out.extend(d for d in index.vault_problems if wanted is None or d.path in wanted)
    for note in index:
        if wanted is not None and note.path not in wanted:
            continue
        out.extend(note.diagnostics)
        if note.type == schema.CAREER:
            out.extend(score_diagnostics(index, note))
        # (Each link beside its resolution, without a list of pairs made per note.)
        for link, resolution in zip(note.links, index.resolutions(note.path), strict=True):
            if resolution.status == "broken":
                if _a_day(link.target):
                    continue  # a daily note not written yet (Obsidian makes it on a click)
                if suggester is None:
                    suggester = _Suggester(index.names())
                target = link.target.lower()
                if target not in suggestions:
                    suggestions[target] = suggester.suggest(target)
                if suggestions[target] is None and _offered(note, link):
                    continue  # a lead not written down yet: the add-referral follow-up says so
                out.append(_broken_link(note, link, suggestions[target]))
            else:
                if resolution.status == "ambiguous":
                    out.append(_ambiguous_link(note, link, resolution))
                # Only a link to a heading or to a file can miss its target: most links are
                # neither, and are not asked.
                if link.heading or resolution.status == "asset":
                    problem = link_target_problem(index, note, link, resolution)
                    if problem is not None:
                        out.append(problem)
    for same in index.same_names():
        for path in same:
            if wanted is not None and path not in wanted:
                continue
            others = _some_of([p for p in same[:LISTED + 1] if p != path], len(same) - 1)
            out.append(Diagnostic(
                path, None, "warning", "duplicate-name",
                f"another note has the same name: {others}; a link by the name alone "
                "goes to the one in the linking note's folder, else to the shortest path",
            ))
    return sorted(out, key=lambda d: (d.path, d.line or 0, d.code, d.message))


# How many notes of one name a message lists: a vault of folder notes has thousands of
# `README`, and listing all the others in each one's message is quadratic output.
LISTED = 3


def _some_of(paths: list[str], count: int) -> str:
    """The first LISTED of `paths` (the first of `count` paths), and how many more there are."""
    shown = ", ".join(paths[:LISTED])
    more = count - LISTED
    return f"{shown} and {more:,} more" if more > 0 else shown


def _ambiguous_link(note: Note, link: Link, resolution: Resolution) -> Diagnostic:
    """A true tie: no candidate in the linking note's folder, several equally short paths."""
    names = [strip_md(p) for p in resolution.candidates[:LISTED]]
    fixes = " or ".join(wikilink(name, link.heading) for name in names)
    return Diagnostic(
        note.path, link.line, "warning", "ambiguous-link",
        f"{wikilink(link.target, link.heading)} could be any of "
        f"{_some_of(names, len(resolution.candidates))} (none is "
        f"in this note's folder, and their paths are equally short); the site links to "
        f"{names[0]}. Write {fixes}",
    )


def _a_day(target: str) -> bool:
    """Whether a link target names a day of the calendar (`2026-11-20`, in any folder): the
    name of a daily note (§12), linked before it exists, as in a Log item's date."""
    name = target.rpartition("/")[2]
    if len(name) != 10 or not DAILY_NAME_RE.fullmatch(name):
        return False
    try:
        dt.date.fromisoformat(name)
    except ValueError:
        return False  # 2026-02-30: a typo worth a warning
    return True


def _offered(note: Note, link: Link) -> bool:
    """Whether the link is a name an interview's `referrals` offers (§12): with no note of
    that name it is a person to add, not a broken link, unless it is close to an existing name
    (a typo, warned with its "Did you mean")."""
    return link.field == "referrals" and isinstance(note.fields, InterviewFields)


def _broken_link(note: Note, link: Link, suggestion: str | None) -> Diagnostic:
    shown = wikilink(link.target) if link.kind == "wiki" else f"({link.target}.md)"
    where = f" in `{link.field}`" if link.field else ""
    message = f"{shown}{where} points to no note (kept as a placeholder)"
    if suggestion:
        message += f". Did you mean '{suggestion}'?"
    return Diagnostic(note.path, link.line, "warning", "broken-link", message)


def closest_name(names: Iterable[str], target: str) -> str | None:
    """The name among `names` closest to `target` (a typo of it), as a broken link's "Did you
    mean" suggests it; None when none is close. For a command given a name that is not there."""
    return _Suggester(names).suggest(target)


class _Suggester:
    """Finds the closest existing name for a broken link's target ("Did you mean …?").

    difflib against every name of a large vault costs seconds, so it compares only names that
    share a whole word or the longest possible start (two to eight letters) with the target: a
    typo almost always keeps one of them ("Jane Do", "Jnae Doe", "Acme Corp"). A word or a
    start that more than COMPARED names share says too little to be worth comparing them all:
    in a vault of daily notes every name starts with "20", and comparing each link to a day
    without a note against all of them was quadratic (4,000 days: 100 s).
    """

    COMPARED = 200
    STARTS = range(8, 1, -1)  # the lengths of the starts looked up, longest first

    def __init__(self, names: Iterable[str]) -> None:
        self.written = {name.lower(): name for name in names}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        by_key = self.by_key
        for lowered in self.written:
            marked = "^" + lowered  # its starts are marked[:length + 1], "^" included
            for length in self.STARTS:
                by_key[marked[:length + 1]].add(lowered)
            for word in lowered.split():
                by_key[word].add(lowered)

    def suggest(self, target: str) -> str | None:
        wanted = target.rpartition("/")[2].lower()
        candidates: set[str] = set()
        for length in self.STARTS:
            if length > len(wanted):
                continue
            found = self.by_key.get("^" + wanted[:length])
            if found:  # the longest start any name has
                if len(found) <= self.COMPARED:
                    candidates |= found
                break
        for word in wanted.split():
            found = self.by_key.get(word)
            if found and len(found) <= self.COMPARED:
                candidates |= found
        close = difflib.get_close_matches(wanted, sorted(candidates), n=1, cutoff=0.75)
        return self.written[close[0]] if close else None
