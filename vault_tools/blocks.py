"""Generated blocks (§5): each block's Markdown, rendered from the index (`splice.py` writes it).

Everything here is pure. Rendering is deterministic and clock-free: the same vault gives the same
bytes on every machine and every day (no "overdue", no "3 days ago"), so git never sees churn.
Each section uses only a note's own fields and the links *into* it (its backlinks), so a change to
one note can only change the blocks of the notes it links to: what keeps the watcher incremental.

Why one module of over 600 lines (#16): every block here (related, prep, followups) quotes other
notes through the same few helpers (`_Privacy`, `_plain_links`, `plain_quote`, `_clean_context`),
which decide what a block may show of a private note. Kept beside every renderer that calls them,
that one privacy rule is read and reviewed in one place. Most of the length is the related
block's sections per note type; they are the next thing to move out if this grows.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Protocol
from urllib.parse import unquote

from . import learning, prep, questions, referrals, schema
from .followups import concerns
from .index import Backlink, VaultIndex
from .notes import InterviewFields, Note
from .parse import blank_code_spans, block_id, link_problem
from .privacy import PRIVATE_NOTE_TEXT
from .tags import inline_tags
from .vault import MAX_NOTE_BYTES
from .wikilinks import TITLE_MDLINK, TITLE_WIKILINK, wikilink
from .wikilinks import link_parts as _link_parts

RELATED = "related"
PREP = "prep"
FOLLOWUPS = "followups"
DASHBOARD_NOTE = "Follow-ups.md"
CONTEXT_CHARS = 160
# An insight quoted in a roll-up (§13) is the point of its line: longer than a context.
INSIGHT_CHARS = 280

_LEADING_MARKUP = re.compile(r"^(?:[#>|*+\-]+|\d+[.)]|\[[^\[\]]\])\s*")


class FollowUpLike(Protocol):
    """The fields of a follow-up that blocks show (satisfied by followups.FollowUp; of the
    rules, blocks use only `followups.concerns`, so either module can change without the
    other).

    Read-only properties, not plain attributes: blocks only read them, and a frozen dataclass
    (as FollowUp is) satisfies a protocol only when its members are not settable."""

    @property
    def kind(self) -> str: ...
    @property
    def due(self) -> dt.date | None: ...
    @property
    def title(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    @property
    def contact(self) -> str | None: ...
    @property
    def private(self) -> bool: ...


# --- linking ------------------------------------------------------------------------------------


def link_to(index: VaultIndex, path: str) -> str:
    """A wikilink that resolves back to `path`: the bare name, or the folder path when needed.

    A note no wikilink can reach (`C#.md`, a name ending in a blank; `check` reports it as
    `unlinkable-name`) is named in plain text instead: a broken link is never written."""
    # Once per note while the index stands: a fill writes ~24 links to each note on average.
    known: dict[str, str] = index.derived("blocks.link_to", dict)
    link = known.get(path)
    if link is None:
        name = index.link_name(path)
        if link_problem(name) is not None:
            link = _PLAIN_UNSAFE.sub(lambda m: "\\" + m.group(0), " ".join(name.split()))
        else:
            link = wikilink(name)
        known[path] = link
    return link


# Characters that would make a plain-text name read as Markdown (a link, a heading, emphasis).
_PLAIN_UNSAFE = re.compile(r"[\\`*_\[\]#|<>!^]")


def plain_name(name: str) -> str:
    """A name with no note (a referral not added yet), as plain text inside a list item: one
    line, Markdown and HTML characters escaped, and nothing that opens a comment (`%%`,
    `<!--`) and would hide the rest of the note."""
    text = " ".join(name.split())
    text = text.replace("<!--", "<!- -").replace("-->", "- ->")
    text = re.sub(r"%(?=%)", "% ", text)
    return _PLAIN_UNSAFE.sub(lambda m: "\\" + m.group(0), text)


class _Privacy:
    """How a block names the notes it lists (§5). In a public note's block, a note in `quiet`
    (a private one) is listed by its link only, never quoted, and as "a private note" when
    `hide_names` (the `hide_private_in_files` option; always on the site)."""

    def __init__(self, quiet: Collection[str], hide_names: bool) -> None:
        self.quiet, self.hide_names = quiet, hide_names

    def ref(self, index: VaultIndex, path: str) -> str:
        if path in self.quiet and self.hide_names:
            return PRIVATE_NOTE_TEXT
        return link_to(index, path)


_QUOTE_ALL = _Privacy(frozenset(), False)


def _privacy(index: VaultIndex, note: Note, public: bool, hide_private: bool) -> _Privacy:
    """Who may be quoted in `note`'s blocks: everyone in a private note's own file; in a public
    note's file, nobody private (listed by link, or as "a private note"); on the site, private
    notes are left out altogether and a link to one in a quote reads "a private note"."""
    if public:
        return _Privacy(index.private_paths(), True)
    if note.private:
        return _QUOTE_ALL
    quiet = index.private_paths()
    return _Privacy(quiet, hide_private) if quiet else _QUOTE_ALL


_MARKUP_LEADS = frozenset("#>|*+-0123456789[")
# The link forms whose parts hold no bracket (TITLE_*): each try of a match stops at the next
# bracket, so a pass is linear. With MDLINK_RE, every "[" of an insight pasted full of unclosed
# links ("[[a [[a ...") was tried as a label running to the end of the text: a 16 KB insight
# took 2.5 s to roll up, a 1 MB one hours.
_ANY_LINK_PATTERN = r"!?" + TITLE_WIKILINK + r"|!?" + TITLE_MDLINK
# The lookahead adds nothing to what matches (every link starts with "!" or "["), but lets the
# search skip to those characters: a pattern opening with "!?" is tried at every position
# (_plain_links on the 45,000 contexts of a 5,000-note fill: 40% less).
_ANY_LINK_RE = re.compile(r"(?=[!\[])(?:" + _ANY_LINK_PATTERN + ")")


def _plain_links(index: VaultIndex, text: str, privacy: _Privacy,
                 source: str | None = None) -> str:
    """Every link of a quote written as the text it shows, so an entry adds exactly one link
    (its own) and no edge for tools that read the files; a private target as "a private note"
    where names are hidden."""
    folder = (source or "").rpartition("/")[0]

    def shown(match: re.Match[str]) -> str:
        inner, label, url = match.group(1), match.group(2), match.group(3)
        if inner is not None:
            parts = _link_parts(inner)
            if parts is None:  # [[#Heading]] or [[|label]]
                target, heading, name = "", inner.lstrip("#").partition("|")[0], None
            else:
                target, heading, name = parts
            if not name:
                # As Obsidian shows a link without a label: the name, then any heading.
                name = target.rpartition("/")[2] if target else heading
                if target and heading:
                    name += f" > {heading}"
            kind = "wiki"
        else:
            target, name, kind = unquote(url.strip("<>").partition("#")[0]), label, "markdown"
            if target.lower().endswith(".md"):
                target = target[:-3]
            # As the parser stores a Markdown link: decoded, and joined to its note's folder
            # (`[Zelda](Zelda%20Quietwater.md)` reached no note, and showed her name).
            target = posixpath.normpath(posixpath.join(folder, target)) if target else ""
        if privacy.hide_names and target:
            resolved = index.resolve(target, kind, source).path
            if resolved is not None and resolved in privacy.quiet:
                return PRIVATE_NOTE_TEXT
        return name or ""

    return _ANY_LINK_RE.sub(shown, text) if "[" in text else text


def plain_quote(index: VaultIndex, text: str, hidden: Collection[str],
                source: str | None = None) -> str:
    """Text from the note at `source` as one line with its links written as the words they
    show, a link to a note in `hidden` as "a private note" (the site's Questions page quotes
    answers so). Not escaped: the caller escapes for where it writes."""
    return " ".join(_plain_links(index, text, _Privacy(hidden, True), source).split())


def _quotes(index: VaultIndex, privacy: _Privacy) -> dict[tuple[str, str], str] | None:
    """The insights already quoted under `privacy` (see `_clean_insight`), shared by every
    block rendered from `index` while it stands, or None when they cannot be shared.

    An insight is quoted in its company's roll-up, its career's and the briefs of later
    conversations: cleaned once, not each time. (The sentences around backlinks are not kept:
    most are quoted once, and keeping them all cost more memory than it saved time.) A quote
    depends on its text, the note it comes from, and, only where private names are hidden, on
    where its links resolve and which notes are private: so it is shared across blocks that
    show every name, or that hide exactly the index's private notes (a caller's own `hidden`
    set is not).
    """
    if not privacy.hide_names:
        return index.derived("blocks.insights", dict)
    if privacy.quiet is index.private_paths():
        return index.derived("blocks.insights.hiding_private", dict)
    return None


def _clean_context(context: str, index: VaultIndex | None = None,
                   privacy: _Privacy = _QUOTE_ALL, source: str | None = None,
                   limit: int = CONTEXT_CHARS) -> str:
    """A quote from the note at `source`, safe inside a list item: one line, no leading
    markup, no link (see _plain_links; when `index` is given), no comment, at most `limit`
    characters."""
    text = " ".join(context.split())
    ident = block_id(text) if "^" in text else None
    if ident is not None:  # the quoted paragraph's own block marker: no words of it
        text = text[:text.rfind("^" + ident)].rstrip()
    if text[:1] in _MARKUP_LEADS:
        for _ in range(3):  # up to three layers of it: `> - [ ] ...`
            markup = _LEADING_MARKUP.match(text)
            if markup is None:
                break  # nor would a second try match
            text = text[markup.end():]
    if index is not None:
        text = " ".join(_plain_links(index, text, privacy, source).split())
    if "<!--" in text or "-->" in text:
        text = text.replace("<!--", "<!- -").replace("-->", "- ->")
    if "%%" in text:  # would open an Obsidian comment in the note the block is written to
        text = re.sub(r"%(?=%)", "% ", text)
    if len(text) > limit:
        text = text[: limit - 1]
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
    hide_private: bool = False,
) -> str:
    """The `related` block content for a note: the sections that apply to its type.

    With public=True (the site), private notes and follow-ups touching them leave no trace.
    Otherwise (the note's file) a public note's block lists a private note by its link only,
    never a word from it; `hide_private` (the `hide_private_in_files` option) writes "a private
    note" instead of the link. Returns "" when there is nothing to show.
    """
    hide = index.private_paths() if public else frozenset()
    privacy = _privacy(index, note, public, hide_private)
    if public:
        followups = [f for f in followups if not f.private]
    backlinks = [b for b in index.backlinks(note.path) if b.source not in hide]
    shown_sources: set[str] = set()
    sections: list[tuple[str, list[str]]] = []

    if note.type == schema.CONTACT:
        sections += _contact_sections(index, note, backlinks, hide, shown_sources, privacy)
    elif note.type == schema.COMPANY:
        sections += _company_sections(index, note.path, backlinks, shown_sources, privacy)
    elif note.type == schema.CAREER:
        sections += _career_sections(index, note.path, backlinks, shown_sources, privacy)
    used: set[tuple[str, int]] = set()  # the question links "Usage" lists (source, line)
    if note.items and note.type not in schema.NOTE_TYPES:
        sections += _bank_sections(index, note, hide, used, privacy, public)

    mine = [f for f in followups if concerns(f, note.path)]
    if mine:
        sections.append(("Open follow-ups", [_followup_line(index, f, note.path, privacy)
                                             for f in mine]))

    linked = _linked_from(index, [b for b in backlinks if (b.source, b.link.line) not in used],
                          shown_sources, privacy)
    if linked:
        sections.append(("Linked from", linked))
    return _join_sections(sections)


def _join_sections(sections: list[tuple[str, list[str]]]) -> str:
    """Each section with lines: its title in bold, a blank line, its lines; a blank line
    between sections. One join over every line: a section's text is never built on its own
    first (the dashboard's 63,000 lines at 20,000 notes: 11 MB less at its peak)."""
    flat: list[str] = []
    for title, lines in sections:
        if lines:
            if flat:
                flat.append("")
            flat += (f"**{title}**", "")
            flat += map(_defines_no_block, lines)
    return "\n".join(flat)


def _defines_no_block(line: str) -> str:
    """`line`, unless it ends as an Obsidian block marker does (`… > ^id`, a block link shown
    as Obsidian shows it; a task's own marker): then with the marker as code, shown alike by
    Obsidian and the site. Otherwise the generated line would give its note a block the user
    never wrote, and a link to that block would land on it."""
    if "^" not in line:  # (most lines: no marker, and `block_id` would copy the line to say so)
        return line
    ident = block_id(line)
    if ident is None:
        return line
    at = line.rstrip().rfind("^")
    return f"{line[:at]}`^{ident}`"


def _interview(index: VaultIndex, path: str) -> InterviewFields | None:
    fields = index.notes[path].fields
    return fields if isinstance(fields, InterviewFields) else None


def _conversation_line(
    index: VaultIndex, path: str, extra: str = "", privacy: _Privacy = _QUOTE_ALL
) -> str:
    if path in privacy.quiet:
        return f"- {privacy.ref(index, path)}"  # not a word from a private note (§5)
    fields = _interview(index, path)
    assert fields is not None
    parts = [fields.date.isoformat() if fields.date else "no date", link_to(index, path)]
    if fields.format:
        parts.append(fields.format)
    if fields.status != schema.DONE:
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
    shown: set[str], privacy: _Privacy = _QUOTE_ALL,
) -> list[tuple[str, list[str]]]:
    conversations = _newest_first(index, _sources(backlinks, "with", schema.INTERVIEW, index))
    shown.update(conversations)
    intro_lines = []
    introducer = _resolved_field(index, note, "introduced_by")
    if introducer and introducer not in hide:
        intro_lines.append(f"- Introduced by {privacy.ref(index, introducer)}")
    introduced = _sources(backlinks, "introduced_by", schema.CONTACT, index)
    shown.update(introduced)
    intro_lines += [f"- Introduced me to {privacy.ref(index, p)}" for p in introduced]
    referred_in = _newest_first(index, _sources(backlinks, "referrals", schema.INTERVIEW, index))
    shown.update(referred_in)
    for path in referred_in:
        fields = _interview(index, path)
        with_ = fields.with_ if fields else ()
        people = [] if path in privacy.quiet else [
            privacy.ref(index, p) for p in _resolved_list(index, with_, path) if p not in hide]
        who = f" by {', '.join(people)}" if people else ""
        intro_lines.append(f"- Offered as an introduction{who} in {privacy.ref(index, path)}")
    return [
        ("Conversations", [_conversation_line(index, p, privacy=privacy)
                           for p in conversations]),
        ("Introductions", intro_lines),
        ("Introduction chain", _chain_lines(index, note, hide, privacy)),
        ("Offered to introduce you to", _offered_lines(index, note, hide, privacy)),
    ]


def _reads(privacy: _Privacy) -> referrals.Shown | None:
    """Which notes a block may read facts from: all, or (in a public note's block, on the
    site) the public ones only."""
    if not privacy.quiet:
        return None
    quiet = privacy.quiet
    return lambda source: source.path not in quiet


def _person(index: VaultIndex, person: referrals.Person, privacy: _Privacy) -> str:
    if person.path is None:
        return plain_name(person.name)
    return privacy.ref(index, person.path)


def _offered_lines(index: VaultIndex, note: Note, hide: Collection[str],
                   privacy: _Privacy) -> list[str]:
    """Each person this contact offered to introduce, once, with where the introduction stands
    (`referrals.offer_state`). An offer made in a private conversation is that note's word: not
    listed in a public note's block. A private person is listed by link only, with no state
    (it is read from their note), and not at all on the site."""
    shown = _reads(privacy)
    lines: dict[str, str] = {}
    for offer in referrals.offers_from(index, note.path):
        who = offer.who
        key = who.path or "\0" + who.name.casefold()
        if offer.interview in privacy.quiet or key in lines or who.path in hide:
            continue
        if who.path is not None and who.path in privacy.quiet:
            lines[key] = f"- {privacy.ref(index, who.path)}"
            continue
        state = referrals.offer_state(index, who.path, shown)
        lines[key] = f"- {_person(index, who, privacy)} · {state}"
    return list(lines.values())


def _chain_lines(index: VaultIndex, note: Note, hide: Collection[str],
                 privacy: _Privacy) -> list[str]:
    """The introduction chain that led to this contact, when someone introduced them: the
    introducers as links (a name without a note as text), the contact last. A public note's
    block reads no private note: the chain stops at a private person, shown by link only (as
    "a private note" with `hide_private`), and on the site it starts after them."""
    people = referrals.chain(index, note.path, shown=_reads(privacy))
    while people and people[0].path is not None and people[0].path in hide:
        people = people[1:]
    if len(people) < 2:
        return []
    names = [_person(index, person, privacy) for person in people[:-1]]
    return [" → ".join([*names, plain_name(note.name)])]


def _company_sections(
    index: VaultIndex, company: str, backlinks: list[Backlink], shown: set[str],
    privacy: _Privacy = _QUOTE_ALL,
) -> list[tuple[str, list[str]]]:
    people = _sources(backlinks, "company", schema.CONTACT, index)
    conversations = _newest_first(index, _sources(backlinks, "company", schema.INTERVIEW, index))
    shown.update(people, conversations)
    people_lines = []
    for path in sorted(people, key=lambda p: index.notes[p].name.lower()):
        if path in privacy.quiet:
            people_lines.append(f"- {privacy.ref(index, path)}")
            continue
        role = getattr(index.notes[path].fields, "role", None)
        people_lines.append(f"- {link_to(index, path)}" + (f" · {role}" if role else ""))
    return [
        ("People", people_lines),
        ("Conversations", [_conversation_line(index, p, privacy=privacy)
                           for p in conversations]),
        ("What people told me", _learned_lines(index, company, privacy)),
    ]


def _career_sections(
    index: VaultIndex, career: str, backlinks: list[Backlink], shown: set[str],
    privacy: _Privacy = _QUOTE_ALL,
) -> list[tuple[str, list[str]]]:
    conversations = _newest_first(index, _sources(backlinks, "career", schema.INTERVIEW, index))
    shown.update(conversations)
    lines = []
    interests = []
    for path in conversations:
        if path in privacy.quiet:  # its interest is a word from a private note too
            lines.append(_conversation_line(index, path, privacy=privacy))
            continue
        fields = _interview(index, path)
        extra = ""
        if fields and fields.interest is not None:
            extra = f"interest {fields.interest:+d}"
            if fields.status == schema.DONE:
                interests.append(fields.interest)
        lines.append(_conversation_line(index, path, extra))
    if interests:
        lines.append("")
        lines.append(f"Net interest: {sum(interests):+d} over {len(interests)} "
                     f"conversation{'s' if len(interests) != 1 else ''}")
    return [("Conversations", lines), ("What I learned", _learned_lines(index, career, privacy))]


def _learned_lines(index: VaultIndex, path: str, privacy: _Privacy) -> list[str]:
    """The roll-up of a company or career (§13, `learning.rollup`): each section or tag as an
    emphasised line, then its insights newest first, `- date · who: text`. A public note's
    block reads no private note: a conversation that is private, or with a private person,
    adds nothing (not even its link: the Conversations section lists it already)."""
    lines: list[str] = []
    for group in learning.rollup(index, path, hidden=privacy.quiet):
        if lines:
            lines.append("")
        # A tag as code: in the note's file it must not tag the company or career itself.
        lines += [f"`{group.title}`" if group.is_tag else f"*{plain_name(group.title)}*", ""]
        for item in group.items:
            day = item.day.isoformat() if item.day else "no date"
            people = item.people or (item.interview,)
            who = ", ".join(privacy.ref(index, person) for person in people)
            text = _clean_insight(index, item, privacy)
            lines.append(f"- {day} · {who}" + (f": {text}" if text else ""))
    return lines


def _clean_insight(index: VaultIndex, item: learning.Learned, privacy: _Privacy) -> str:
    """An insight's text as a roll-up quotes it: links as the text they show (so the block
    adds no link the user did not write), each inline tag escaped (`\\#pay`: shown as written,
    and it tags nothing; a `#` in code is left alone), then cleaned as any quote
    (`_clean_context`)."""
    known = _quotes(index, privacy)
    if known is None:
        return _cleaned_insight(index, item, privacy)
    key = (item.insight.text, item.interview)
    text = known.get(key)
    if text is None:
        text = _cleaned_insight(index, item, privacy)
        # Half of them come out as they went in (no link, tag or markup): kept once, not
        # twice (~4 MB at 20,000 notes).
        text = known[key] = key[0] if text == key[0] else text
    return text


def _cleaned_insight(index: VaultIndex, item: learning.Learned, privacy: _Privacy) -> str:
    text = _plain_links(index, item.insight.text, privacy, item.interview)
    if "#" in text:
        pieces: list[str] = []
        at = 0
        # Where the tags are, as the parser finds them: none inside a code span.
        for _, start, _ in inline_tags(blank_code_spans(text) if "`" in text else text):
            pieces += (text[at:start], "\\")
            at = start
        text = "".join(pieces) + text[at:]
    return _clean_context(text, index, privacy, item.interview, INSIGHT_CHARS)


def _bank_sections(
    index: VaultIndex, note: Note, hide: Collection[str], used: set[tuple[str, int]],
    privacy: _Privacy, public: bool,
) -> list[tuple[str, list[str]]]:
    """A question bank's "Usage" (§13): per question, in the bank's order, how often it was
    asked, when last, by whom and in which careers. The question links it counts (`used`:
    source and line) are left out of "Linked from". In a public bank's file a private
    conversation is counted and named by link only (or as "a private note"): none of its
    facts (people, careers, date) are read; on the site it is left out."""
    found = questions.usage_of(index, note.path, public=public)
    lines = []
    for usage in found:
        text = _clean_context(usage.question.text, index, privacy, note.path)
        used.update(usage.links)
        told = [use for use in usage.asked if use.interview not in privacy.quiet]
        quiet = list(dict.fromkeys(use.interview for use in usage.asked
                                   if use.interview in privacy.quiet))
        ready = ", ".join(privacy.ref(index, p)
                          for p in _distinct(use.interview for use in usage.prepared))
        if not usage.asked:
            lines.append(f"- {text} · not asked yet" + (f" · prepared for {ready}" if ready
                                                        else ""))
            continue
        parts = [text, f"asked {usage.times} time{'s' if usage.times != 1 else ''}"]
        days = [use.date for use in told if use.date is not None]
        if days:
            parts.append(f"last {max(days).isoformat()}")
        people = _distinct(p for use in reversed(told) for p in use.people if p not in hide)
        if people:
            parts.append("by " + ", ".join(privacy.ref(index, p) for p in people))
        careers = _distinct(c for use in reversed(told) for c in use.careers if c not in hide)
        if careers:
            parts.append("in " + ", ".join(privacy.ref(index, c) for c in careers))
        if quiet:
            parts.append("also in " + ", ".join(privacy.ref(index, p) for p in quiet))
        if ready:
            parts.append(f"prepared for {ready}")
        lines.append("- " + " · ".join(parts))
    return [("Usage", lines)]


def _distinct(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))


def _linked_from(
    index: VaultIndex, backlinks: list[Backlink], shown: set[str], privacy: _Privacy = _QUOTE_ALL
) -> list[str]:
    """Body mentions always (their context is the point); front-matter links not shown above.
    Each entry quotes the sentence or list item around its link (a private source: nothing)."""
    lines = []
    # The links of one line share its context: cleaned once, so a line holding thousands of
    # links costs its length once, not once per link.
    cleaned: dict[tuple[str, str], str] = {}
    quiet = privacy.quiet
    links: dict[str, str] = index.derived("blocks.link_to", dict)  # (`link_to`'s, read here)
    for backlink in backlinks:
        source, link = backlink.source, backlink.link
        if link.field is not None and source in shown:
            continue
        if source in quiet:
            lines.append(f"- {privacy.ref(index, source)}")
            continue
        key = (source, link.context)
        context = cleaned.get(key)
        if context is None:
            context = cleaned[key] = _clean_context(link.context, index, privacy, source)
        name = links.get(source) or link_to(index, source)
        lines.append(f"- {name}: {context}" if context else f"- {name}")
    # A source that links twice from the same line appears once.
    return list(dict.fromkeys(lines))


def _resolved_field(index: VaultIndex, note: Note, field: str) -> str | None:
    for link, resolution in index.outgoing(note.path):
        if link.field == field and resolution.path is not None:
            return resolution.path
    return None


def _resolved_list(index: VaultIndex, names: Iterable[str], source: str) -> list[str]:
    """The notes a front-matter list of the note at `source` links to, as its links go."""
    out = []
    for name in names:
        resolution = index.resolve(name, source=source)
        if resolution.path is not None and resolution.path not in out:
            out.append(resolution.path)
    return out


# --- the prep brief -----------------------------------------------------------------------------


def render_prep(index: VaultIndex, note: Note, public: bool = False,
                hide_private: bool = False) -> str:
    """The `prep` block of a planned conversation (§13, `prep.brief`): last time, who
    introduced you, the others you know at their company and what they said of its culture,
    the careers' open questions and the bank questions not asked yet in them. "" for any
    other note, or when there is nothing to say.

    Privacy as in `render_related`: in a public note's file a private note is listed by its
    link only (or as "a private note" with `hide_private`), never a word of it (no advice, no
    task, no role); on the site (`public`) it is left out."""
    privacy = _privacy(index, note, public, hide_private)
    hide = index.private_paths() if public else frozenset()
    found = prep.brief(index, note.path, privacy.quiet, public)
    if found is None:
        return ""
    return _join_sections([
        ("Last time", _last_time_lines(index, found, hide, privacy)),
        ("Who introduced you", [
            f"- {privacy.ref(index, intro.person)}: introduced by "
            f"{_person(index, intro.by, privacy)}"
            + (f" · offered in {privacy.ref(index, intro.offered_in)}"
               if intro.offered_in else "")
            for intro in found.introductions
            if not (intro.by.path is not None and intro.by.path in hide)]),
        ("Others you know at their company", [
            _colleague_line(index, path, found, privacy)
            for path in found.colleagues if path not in hide]),
        ("What they said about its culture", [
            _told_line(index, item, privacy) for item in found.culture]),
        ("Open questions", [
            f"- {link_to(index, career)}: "
            + _clean_context(question.text, index, privacy, career, INSIGHT_CHARS)
            for career, question in found.open_questions]),
        ("Questions not asked yet in this career", [
            f"- {link_to(index, career)}: "
            + _clean_context(question.text, index, privacy, question.note, INSIGHT_CHARS)
            + _question_link(index, question)
            for career, question in found.unasked]),
    ])


def _last_time_lines(index: VaultIndex, found: prep.Brief, hide: Collection[str],
                     privacy: _Privacy) -> list[str]:
    lines = []
    for earlier in found.earlier:
        if earlier.interview in hide:
            continue
        if not earlier.readable:  # not a word of it, not even its date (§5)
            lines.append(f"- {privacy.ref(index, earlier.interview)}")
            continue
        day = earlier.day.isoformat() if earlier.day else "no date"
        lines.append(f"- {day} · {link_to(index, earlier.interview)}")
        for label, items in (("Advice", earlier.advice), ("Next step", earlier.next_steps)):
            for item in items:
                text = _clean_insight(index, item, privacy)
                if text:
                    lines.append(f"- {label} ({day}): {text}")
        for task in earlier.ticked:
            text = _clean_context(task.text, index, privacy, earlier.interview, INSIGHT_CHARS)
            if text:
                lines.append(f"- Done since ({day}): {text}")
    for person, task in found.ticked:
        text = _clean_context(task.text, index, privacy, person, INSIGHT_CHARS)
        if text:
            lines.append(f"- Done since · {link_to(index, person)}: {text}")
    return lines


def _colleague_line(index: VaultIndex, path: str, found: prep.Brief, privacy: _Privacy) -> str:
    if path in privacy.quiet:
        return f"- {privacy.ref(index, path)}"
    role = getattr(index.notes[path].fields, "role", None)
    line = f"- {link_to(index, path)}" + (f" · {plain_name(role)}" if role else "")
    if len(found.companies) > 1:  # which company, when the people work at more than one
        line += " · " + ", ".join(link_to(index, c) for c in prep.companies_of(index, path)
                                  if c in found.companies)
    return line


def _told_line(index: VaultIndex, item: learning.Learned, privacy: _Privacy) -> str:
    day = item.day.isoformat() if item.day else "no date"
    who = ", ".join(privacy.ref(index, person) for person in item.people or (item.interview,))
    text = _clean_insight(index, item, privacy)
    return f"- {day} · {who}" + (f": {text}" if text else "")


def _question_link(index: VaultIndex, question: questions.Question) -> str:
    """A link to paste into the conversation to ask it (none when the bank's name cannot be
    linked)."""
    name = index.link_name(question.note)
    if link_problem(name) is not None:
        return ""
    return " · " + wikilink(name, "^" + question.id)


# --- follow-ups ---------------------------------------------------------------------------------


def _followup_line(
    index: VaultIndex, followup: FollowUpLike, here: str | None = None,
    privacy: _Privacy = _QUOTE_ALL,
) -> str:
    due = followup.due.isoformat() if followup.due else "no date"
    if followup.private and privacy.quiet:
        # Its title may quote a private note (a task's text, a private person's name): only
        # the date and the private note it concerns, by link or as "a private note".
        about = next((p for p in (followup.note, followup.contact)
                      if p is not None and p in privacy.quiet and p in index.notes), None)
        return f"- {due} · " + (privacy.ref(index, about) if about else PRIVATE_NOTE_TEXT)
    # A task's title is Markdown the user wrote in the note; any other title is built from
    # front-matter values (a referral's name), plain text that must not open a comment or tag.
    title = followup.title if followup.kind == schema.TASK else plain_name(followup.title)
    line = f"- {due} · {title}"
    if followup.note != here and followup.note in index.notes:
        line += f" · {link_to(index, followup.note)}"
    return line


def render_followups(
    index: VaultIndex, followups: Sequence[FollowUpLike], public: bool = False,
    hide_private: bool = False, dashboard: Note | None = None,
) -> str:
    """The dashboard's `followups` block: every open follow-up by due date, undated last, as
    far as `FOLLOWUPS_BYTES` of UTF-8 hold them; then one line says how many more there are.

    Grouped by month (a calendar fact, not a relative one), so the bytes never depend on today.
    With public=True, follow-ups touching private notes are left out. Otherwise, unless the
    `dashboard` note is itself private, a private follow-up shows its date and the private note
    it concerns by link only (as "a private note" with `hide_private`), never its text.
    """
    privacy = _QUOTE_ALL
    if not public and not (dashboard is not None and dashboard.private):
        quiet = index.private_paths()
        privacy = _Privacy(quiet, hide_private) if quiet else _QUOTE_ALL
    months: dict[str, list[FollowUpLike]] = {}
    for followup in followups:
        if public and followup.private:
            continue
        month = followup.due.isoformat()[:7] if followup.due else "No date"
        months.setdefault(month, []).append(followup)
    if not months:
        return "Nothing to follow up. 🎉"
    # Each note's link first, once for the vault (`link_to` keeps it for the blocks to come),
    # then the lines, dropped once joined. Made among the lines, the links kept would pin the
    # lines' memory after the join: at 20,000 notes 8.5 MB more at the first fill's peak.
    for followup in followups:
        if followup.note in index.notes:
            link_to(index, followup.note)
    # The block stays well inside the size a note may have (`vault.MAX_NOTE_BYTES`): past it,
    # every command would refuse the dashboard note as too large to read, and it would never
    # be filled again (63,240 follow-ups at 20,000 notes made it 5.7 MB).
    room = FOLLOWUPS_BYTES - len(_MORE.format(count="9" * 15, s="s").encode()) - 2
    sections: list[tuple[str, list[str]]] = []
    left = 0
    for month, found in months.items():
        if left:
            left += len(found)
            continue
        room -= len(month) + 6  # (its title: `**month**`, and the blank lines around it)
        lines: list[str] = []
        for at, followup in enumerate(found):
            line = _followup_line(index, followup, None, privacy)
            room -= len(line.encode()) + 1 + _MARKER_ROOM
            if room < 0:
                left = len(found) - at
                break
            lines.append(line)
        sections.append((month, lines))
    block = _join_sections(sections)
    if left:
        block += "\n\n" + _MORE.format(count=f"{left:,}", s="s" if left != 1 else "")
    return block


# The most bytes of the dashboard's `followups` block: three quarters of what a note may hold
# (`vault.MAX_NOTE_BYTES`), the rest the note's own text. (1.36 MB at 5,000 notes of the
# benchmarks' vault: within it.)
FOLLOWUPS_BYTES = MAX_NOTE_BYTES * 3 // 4
_MORE = "…and {count} more follow-up{s}, later or undated: `vault-tools followups` lists them all."
_MARKER_ROOM = 2  # (what `_defines_no_block` may add to a line: its marker as code)


def is_dashboard(note: Note, dashboard: str = DASHBOARD_NOTE) -> bool:
    return note.path.lower() == dashboard.lower()


def desired_blocks(
    index: VaultIndex,
    note: Note,
    followups: Sequence[FollowUpLike],
    dashboard: str = DASHBOARD_NOTE,
    hide_private: bool = False,
) -> dict[str, str]:
    """Block name -> content the note should hold. A block is wanted when it exists already or
    has something to say (§5: no empty block is appended). `hide_private`: the
    `hide_private_in_files` option."""
    wanted: dict[str, str] = {}
    if is_dashboard(note, dashboard):
        wanted[FOLLOWUPS] = render_followups(index, followups, hide_private=hide_private,
                                             dashboard=note)
    # The brief before `related` (§13): read first, and where a new note gets it, above.
    brief = render_prep(index, note, hide_private=hide_private)
    if brief or note.block(PREP) is not None:
        wanted[PREP] = brief
    related = render_related(index, note, followups, hide_private=hide_private)
    if related or note.block(RELATED) is not None:
        wanted[RELATED] = related
    return wanted
