"""Generated blocks (§5): render each block's Markdown from the index, and splice it into text.

Everything here is pure. Rendering is deterministic and clock-free: the same vault gives the same
bytes on every machine and every day (no "overdue", no "3 days ago"), so git never sees churn.
Each section uses only a note's own fields and the links *into* it (its backlinks), so a change to
one note can only change the blocks of the notes it links to: what keeps the watcher incremental.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Protocol

from .index import Backlink, VaultIndex
from .notes import InterviewFields, Note
from .parse import MARKER_RE, link_problem, parse_note

RELATED = "related"
FOLLOWUPS = "followups"
DASHBOARD_NOTE = "Follow-ups.md"
CONTEXT_CHARS = 160

_LEADING_MARKUP = re.compile(r"^(?:[#>|*+\-]+|\d+[.)]|\[[ xX/-]\])\s*")


class FollowUpLike(Protocol):
    """The fields of a follow-up that blocks show (satisfied by followups.FollowUp; blocks do
    not import the rules, so either module can change without the other)."""

    kind: str
    due: object
    title: str
    note: str
    line: int | None
    contact: str | None
    private: bool


# --- linking ------------------------------------------------------------------------------------


def link_to(index: VaultIndex, path: str) -> str:
    """A wikilink that resolves back to `path`: the bare name, or the folder path when needed.

    A note no wikilink can reach (`C#.md`, a name ending in a blank; `check` reports it as
    `unlinkable-name`) is named in plain text instead: a broken link is never written."""
    name = index.link_name(path)
    if link_problem(name) is not None:
        return _PLAIN_UNSAFE.sub(lambda m: "\\" + m.group(0), " ".join(name.split()))
    return f"[[{name}]]"


# Characters that would make a plain-text name read as Markdown (a link, a heading, emphasis).
_PLAIN_UNSAFE = re.compile(r"[\\`*_\[\]#|<>!^]")


_MARKUP_LEADS = frozenset("#>|*+-0123456789[")


def _clean_context(context: str) -> str:
    """One line of context, safe inside a list item: no leading markup, bounded length."""
    text = " ".join(context.split())
    if text[:1] in _MARKUP_LEADS:
        for _ in range(3):
            text = _LEADING_MARKUP.sub("", text, count=1)
    if "<!--" in text or "-->" in text:
        text = text.replace("<!--", "<!- -").replace("-->", "- ->")
    if len(text) > CONTEXT_CHARS:
        text = text[: CONTEXT_CHARS - 1]
        # Never cut inside a link: half a name is no link, and it may be a private one.
        opened = text.rfind("[[")
        if opened > text.rfind("]]"):
            text = text[:opened]
        text = text.rstrip() + "…"
    return text


# --- the related block --------------------------------------------------------------------------


def render_related(
    index: VaultIndex,
    note: Note,
    followups: Iterable[FollowUpLike] = (),
    public: bool = False,
) -> str:
    """The `related` block content for a note: the sections that apply to its type.

    With public=True (the site), private notes and follow-ups touching them leave no trace.
    Returns "" when there is nothing to show.
    """
    hide = index.private_paths() if public else frozenset()
    if public:
        followups = [f for f in followups if not f.private]
    backlinks = [b for b in index.backlinks(note.path) if b.source not in hide]
    shown_sources: set[str] = set()
    sections: list[tuple[str, list[str]]] = []

    if note.type == "contact":
        sections += _contact_sections(index, note, backlinks, hide, shown_sources)
    elif note.type == "company":
        sections += _company_sections(index, backlinks, shown_sources)
    elif note.type == "career":
        sections += _career_sections(index, backlinks, shown_sources)

    mine = [f for f in followups if f.note == note.path or f.contact == note.path]
    if mine:
        sections.append(("Open follow-ups", [_followup_line(index, f, note.path) for f in mine]))

    linked = _linked_from(index, backlinks, shown_sources)
    if linked:
        sections.append(("Linked from", linked))
    return _join_sections(sections)


def _join_sections(sections: list[tuple[str, list[str]]]) -> str:
    parts = []
    for title, lines in sections:
        if lines:
            parts.append(f"**{title}**\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


def _interview(index: VaultIndex, path: str) -> InterviewFields | None:
    fields = index.notes[path].fields
    return fields if isinstance(fields, InterviewFields) else None


def _conversation_line(index: VaultIndex, path: str, extra: str = "") -> str:
    fields = _interview(index, path)
    assert fields is not None
    parts = [fields.date.isoformat() if fields.date else "no date", link_to(index, path)]
    if fields.format:
        parts.append(fields.format)
    if fields.status != "done":
        parts.append(fields.status)
    if extra:
        parts.append(extra)
    return "- " + " · ".join(parts)


def _newest_first(index: VaultIndex, paths: Iterable[str]) -> list[str]:
    def key(path: str) -> tuple[str, str]:
        fields = _interview(index, path)
        day = fields.date.isoformat() if fields and fields.date else "0000"
        return (day, path)

    return sorted(set(paths), key=key, reverse=True)


def _sources(backlinks: list[Backlink], field: str, note_type: str, index: VaultIndex) -> list[str]:
    return sorted({
        b.source for b in backlinks
        if b.link.field == field and index.notes[b.source].type == note_type
    })


def _contact_sections(
    index: VaultIndex, note: Note, backlinks: list[Backlink], hide: Collection[str],
    shown: set[str],
) -> list[tuple[str, list[str]]]:
    conversations = _newest_first(index, _sources(backlinks, "with", "interview", index))
    shown.update(conversations)
    intro_lines = []
    introducer = _resolved_field(index, note, "introduced_by")
    if introducer and introducer not in hide:
        intro_lines.append(f"- Introduced by {link_to(index, introducer)}")
    introduced = _sources(backlinks, "introduced_by", "contact", index)
    shown.update(introduced)
    intro_lines += [f"- Introduced me to {link_to(index, p)}" for p in introduced]
    referred_in = _newest_first(index, _sources(backlinks, "referrals", "interview", index))
    shown.update(referred_in)
    for path in referred_in:
        fields = _interview(index, path)
        people = [link_to(index, p) for p in _resolved_list(index, fields.with_ if fields else ())
                  if p not in hide]
        who = f" by {', '.join(people)}" if people else ""
        intro_lines.append(f"- Offered as an introduction{who} in {link_to(index, path)}")
    return [
        ("Conversations", [_conversation_line(index, p) for p in conversations]),
        ("Introductions", intro_lines),
    ]


def _company_sections(
    index: VaultIndex, backlinks: list[Backlink], shown: set[str]
) -> list[tuple[str, list[str]]]:
    people = _sources(backlinks, "company", "contact", index)
    conversations = _newest_first(index, _sources(backlinks, "company", "interview", index))
    shown.update(people, conversations)
    people_lines = []
    for path in sorted(people, key=lambda p: index.notes[p].name.lower()):
        role = getattr(index.notes[path].fields, "role", None)
        people_lines.append(f"- {link_to(index, path)}" + (f" · {role}" if role else ""))
    return [
        ("People", people_lines),
        ("Conversations", [_conversation_line(index, p) for p in conversations]),
    ]


def _career_sections(
    index: VaultIndex, backlinks: list[Backlink], shown: set[str]
) -> list[tuple[str, list[str]]]:
    conversations = _newest_first(index, _sources(backlinks, "career", "interview", index))
    shown.update(conversations)
    lines = []
    interests = []
    for path in conversations:
        fields = _interview(index, path)
        extra = ""
        if fields and fields.interest is not None:
            extra = f"interest {fields.interest:+d}"
            if fields.status == "done":
                interests.append(fields.interest)
        lines.append(_conversation_line(index, path, extra))
    if interests:
        lines.append("")
        lines.append(f"Net interest: {sum(interests):+d} over {len(interests)} "
                     f"conversation{'s' if len(interests) != 1 else ''}")
    return [("Conversations", lines)]


def _linked_from(index: VaultIndex, backlinks: list[Backlink], shown: set[str]) -> list[str]:
    """Body mentions always (their context is the point); front-matter links not shown above."""
    lines = []
    # The links of one line share its context: cleaned once, so a line holding thousands of
    # links costs its length once, not once per link.
    cleaned: dict[str, str] = {}
    for backlink in backlinks:
        if backlink.link.field is not None and backlink.source in shown:
            continue
        context = cleaned.get(backlink.link.context)
        if context is None:
            context = cleaned[backlink.link.context] = _clean_context(backlink.link.context)
        lines.append(f"- {link_to(index, backlink.source)}" + (f": {context}" if context else ""))
    # A source that links twice from the same line appears once.
    return list(dict.fromkeys(lines))


def _resolved_field(index: VaultIndex, note: Note, field: str) -> str | None:
    for link, resolution in index.outgoing(note.path):
        if link.field == field and resolution.path is not None:
            return resolution.path
    return None


def _resolved_list(index: VaultIndex, names: Iterable[str]) -> list[str]:
    out = []
    for name in names:
        resolution = index.resolve(name)
        if resolution.path is not None and resolution.path not in out:
            out.append(resolution.path)
    return out


# --- follow-ups ---------------------------------------------------------------------------------


def _followup_line(index: VaultIndex, followup: FollowUpLike, here: str | None = None) -> str:
    due = followup.due.isoformat() if followup.due else "no date"  # type: ignore[attr-defined]
    line = f"- {due} · {followup.title}"
    if followup.note != here and followup.note in index.notes:
        line += f" · {link_to(index, followup.note)}"
    return line


def render_followups(
    index: VaultIndex, followups: Iterable[FollowUpLike], public: bool = False
) -> str:
    """The dashboard's `followups` block: every open follow-up by due date, undated last.

    Grouped by month (a calendar fact, not a relative one), so the bytes never depend on today.
    With public=True, follow-ups touching private notes are left out.
    """
    groups: dict[str, list[str]] = {}
    for followup in followups:
        if public and followup.private:
            continue
        month = followup.due.isoformat()[:7] if followup.due else "No date"  # type: ignore[attr-defined]
        groups.setdefault(month, []).append(_followup_line(index, followup))
    if not groups:
        return "Nothing to follow up. 🎉"
    return _join_sections(list(groups.items()))


def is_dashboard(note: Note, dashboard: str = DASHBOARD_NOTE) -> bool:
    return note.path.lower() == dashboard.lower()


def desired_blocks(
    index: VaultIndex,
    note: Note,
    followups: list[FollowUpLike],
    dashboard: str = DASHBOARD_NOTE,
) -> dict[str, str]:
    """Block name -> content the note should hold. A block is wanted when it exists already or
    has something to say (§5: no empty block is appended)."""
    wanted: dict[str, str] = {}
    if is_dashboard(note, dashboard):
        wanted[FOLLOWUPS] = render_followups(index, followups)
    related = render_related(index, note, followups)
    if related or note.block(RELATED) is not None:
        wanted[RELATED] = related
    return wanted


# --- splicing -----------------------------------------------------------------------------------


class BlockError(ValueError):
    """The note's markers are unbalanced or duplicated: it must not be written."""


def splice_blocks(rel_path: str, text: str, contents: dict[str, str]) -> str:
    """Return `text` with each named block's content replaced (blocks missing are appended).

    Only bytes between a block's marker lines change, plus the appended blocks at the very end.
    Content is written in the note's own newline style. Raises BlockError for bad markers or
    merge-conflict markers, so such notes are left byte-identical.
    """
    note = parse_note(rel_path, text)
    bad = [d for d in note.diagnostics if d.code in ("bad-block", "conflict-markers")]
    if bad:
        raise BlockError(f"{rel_path}:{bad[0].line}: {bad[0].message}")
    for name, content in contents.items():
        if any(MARKER_RE.match(line) for line in content.split("\n")):
            raise BlockError(f"content for block '{name}' contains a block marker line")
    newline = note.newline
    edits = []
    appended = []
    for name, content in contents.items():
        body = _with_newlines(content, newline)
        block = note.block(name)
        if block is None:
            appended.append(name)
        elif text[block.start:block.end] != body:
            edits.append((block.start, block.end, body))
    for start, end, body in sorted(edits, reverse=True):
        text = text[:start] + body + text[end:]
    for name in appended:
        if text and not text.endswith("\n"):
            text += newline
        separator = newline if text.strip("\ufeff") else ""
        text += (f"{separator}<!-- vault-tools:{name} -->{newline}"
                 f"{_with_newlines(contents[name], newline)}"
                 f"<!-- /vault-tools:{name} -->{newline}")
    if appended:
        # An appended block must be found again: a note ending inside an unclosed code fence
        # or comment would swallow it, and every fill would append another copy.
        check = parse_note(rel_path, text)
        if any(check.block(name) is None for name in appended):
            raise BlockError(
                f"{rel_path}: cannot add the '{appended[0]}' block: the note ends inside an "
                "unclosed code fence or HTML comment; close it and run fill again"
            )
    return text


def _with_newlines(content: str, newline: str) -> str:
    """Content lines, each ending in the note's newline ('' stays '')."""
    if not content:
        return ""
    return newline.join(content.split("\n")) + newline


def current_contents(text: str, note: Note) -> dict[str, str]:
    """What each existing block holds now, newlines normalised to '\\n', without the last one."""
    out = {}
    for block in note.blocks:
        raw = text[block.start:block.end].replace("\r\n", "\n")
        out[block.name] = raw[:-1] if raw.endswith("\n") else raw
    return out
