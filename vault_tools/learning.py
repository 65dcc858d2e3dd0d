"""What the conversations taught (§13): the insights of each interview, and their roll-ups for a
company, a career or a tag. Pure functions of the index.

Where insights come from. `parse.py` keeps, for every interview, each top-level list item and
paragraph with the heading above it (`Note.insights`, candidates), because parsing knows no
settings and the section names are one (`insight_sections` in mkdocs.yml, carried by
`VaultIndex.settings`). Here a candidate is an insight when the nearest heading above it that
names an insight section does (any level, case ignored: an item under `### Remote` inside
`## Culture` is a Culture insight), or when it is a list item carrying an inline tag
(`#culture`, `#pay`...). An item both tagged and in a section is one insight, grouped by its
section. Parsing stays one cheap pass for `check`: only an interview keeps its lines, and the
choice costs nothing until a block, a page or `learned` asks.

A roll-up reads done conversations only, newest first, each insight with who and when. What a
public note may show is the caller's to say (`hidden`: the paths not to read, as blocks'
`_Privacy.quiet`): an insight from a hidden conversation, or from a conversation with a hidden
person, is left out whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from . import schema
from .index import VaultIndex
from .notes import Insight, InterviewFields, Note
from .tags import tag_key, with_parents


@dataclass(frozen=True, slots=True)
class Learned:
    """One insight of one conversation. `group`: the insight section it stands in, as
    `insight_sections` spells it, or `#tag` (its first tag, lower-cased) for a tagged item
    outside them (a tag naming a section, as `#culture`, joins that section's group).
    `people`: the notes the conversation was `with`, as its links resolve."""

    interview: str
    day: dt.date | None
    people: tuple[str, ...]
    group: str
    insight: Insight

    def sort_key(self) -> tuple[str, str, int]:
        """Newest first when sorted in reverse; the same day by path, then line (reversed
        too: only the order of equal days' notes flips, and it stays the same every time)."""
        return (self.day.isoformat() if self.day else "", self.interview, -self.insight.line)


@dataclass(frozen=True)
class Group:
    """The insights of one section or tag, newest first."""

    title: str
    items: tuple[Learned, ...]

    @property
    def is_tag(self) -> bool:
        return self.title.startswith("#")


def insights_of(index: VaultIndex, interview: str) -> list[Learned]:
    """The insights of the interview at `interview` (whatever its status), in note order; []
    for a note that is no interview."""
    # Once per interview while the index stands: a fill reads each conversation's insights
    # for its company's roll-up, its career's, and the briefs of later conversations.
    known: dict[str, tuple[Learned, ...]] = index.derived("learning.insights_of", dict)
    found = known.get(interview)
    if found is None:
        note = index.notes.get(interview)
        if note is None or not isinstance(note.fields, InterviewFields) \
                or not note.insight_lines:
            return []
        names = {" ".join(name.split()).casefold(): name
                 for name in index.settings.insight_sections}
        found = known[interview] = tuple(_walk(index, note, names, tagged=True))
    return list(found)


def section_items(index: VaultIndex, interview: str, section: str) -> list[Learned]:
    """The list items and paragraphs under a heading named `section` (any level, case and
    blanks ignored; a deeper heading inside it stays in it) of the interview at `interview`,
    in note order, each with `section` as its group: what a prep brief reads of an earlier
    conversation's "Next steps". No task (a task is a follow-up), nothing in code, a comment
    or a generated block, as for insights. [] for a note that is no interview."""
    # Once per interview and section while the index stands (`Note.insights` is worked out
    # anew on each use): later conversations' briefs read the same earlier ones.
    known: dict[tuple[str, str], tuple[Learned, ...]] = index.derived(
        "learning.section_items", dict)
    found = known.get((interview, section))
    if found is None:
        note = index.notes.get(interview)
        if note is None or not isinstance(note.fields, InterviewFields) \
                or not note.insight_lines:
            return []
        found = known[interview, section] = tuple(
            _walk(index, note, {" ".join(section.split()).casefold(): section}, tagged=False))
    return list(found)


def _walk(index: VaultIndex, note: Note, names: dict[str, str], tagged: bool) -> list[Learned]:
    """The candidate insights of `note` under a heading of `names` (folded name -> name as
    the caller spells it), and with `tagged` the tagged list items elsewhere."""
    assert isinstance(note.fields, InterviewFields)
    interview = note.path
    people = _people(index, interview)
    found = []
    # The headings enclosing the next insight, outermost first (at most six: one a level),
    # kept by one walk over the headings beside the insights: linear in the note.
    enclosing: list[tuple[int, str | None]] = []
    headings = note.headings
    next_heading = 0
    for insight in note.insights:
        while next_heading < len(headings) and headings[next_heading].line < insight.line:
            heading = headings[next_heading]
            next_heading += 1
            while enclosing and enclosing[-1][0] >= heading.level:
                enclosing.pop()
            enclosing.append((heading.level, names.get(" ".join(heading.text.split()).casefold())))
        group = _group(insight, enclosing, names, tagged)
        if group is not None:
            found.append(Learned(interview, note.fields.date, people, group, insight))
    return found


def _group(insight: Insight, enclosing: list[tuple[int, str | None]],
           names: dict[str, str], tagged: bool = True) -> str | None:
    """The insight section enclosing `insight` (the nearest heading above it that names one),
    or `#tag` for a tagged list item (when `tagged`); None when it is no insight."""
    for _, name in reversed(enclosing):
        if name is not None:
            return name
    if tagged and insight.item and insight.tags:
        # `#culture` on an item outside the sections joins the Culture section's group.
        tag = tag_key(insight.tags[0])
        return names.get(tag, "#" + tag)
    return None


def _people(index: VaultIndex, interview: str) -> tuple[str, ...]:
    found: list[str] = []
    for link, resolution in index.outgoing(interview):
        if link.field == "with" and resolution.path is not None and resolution.path not in found:
            found.append(resolution.path)
    return tuple(found)


def _done(index: VaultIndex, path: str) -> bool:
    fields = index.notes[path].fields
    return isinstance(fields, InterviewFields) and fields.status == schema.DONE


def _sources(index: VaultIndex, path: str, field: str, note_type: str) -> set[str]:
    return {source for source, links in index.backlinks_by_source(path)
            if index.notes[source].type == note_type and any(link.field == field
                                                             for link in links)}


def _names_no_company(index: VaultIndex, path: str) -> bool:
    fields = index.notes[path].fields
    return isinstance(fields, InterviewFields) and fields.company is None


def conversations_of(index: VaultIndex, path: str) -> list[str]:
    """The done conversations a roll-up of the note at `path` reads: for a company, those
    whose `company` is it and those naming no company with someone whose `company` is it;
    for a career, those whose `career` names it; none for another note. Sorted by path."""
    note = index.notes.get(path)
    if note is None:
        return []
    if note.type == schema.COMPANY:
        found = _sources(index, path, "company", schema.INTERVIEW)
        for person in _sources(index, path, "company", schema.CONTACT):
            # A conversation that names its company is about that one: what someone said at
            # a former employer (or at a private company) is no word about where they are now.
            found |= {talk for talk in _sources(index, person, "with", schema.INTERVIEW)
                      if _names_no_company(index, talk)}
    elif note.type == schema.CAREER:
        found = _sources(index, path, "career", schema.INTERVIEW)
    else:
        return []
    return sorted(p for p in found if _done(index, p))


def rollup(index: VaultIndex, path: str, hidden: Collection[str] = frozenset()) -> list[Group]:
    """What the conversations about the company or career at `path` taught (see
    `conversations_of`), grouped (`group_insights`). `hidden`: notes not to read (a public
    note's block: the private ones): their conversations, and conversations with them, add
    nothing."""
    known = _rollups(index, hidden)
    if known is None:
        return group_insights(index, _readable(index, conversations_of(index, path), hidden))
    found = known.get(path)
    if found is None:
        found = known[path] = tuple(
            group_insights(index, _readable(index, conversations_of(index, path), hidden)))
    return list(found)


def _rollups(index: VaultIndex, hidden: Collection[str]) -> dict[str, tuple[Group, ...]] | None:
    """The roll-ups already made while `index` stands, for a `hidden` they can be shared
    under (None: not shared). A company's roll-up is read by its own block and by the brief
    of every conversation planned there (a third of the roll-ups a fill made were made
    again). It depends on the index and `hidden` alone: shared when nothing is hidden, or
    exactly the index's private notes (a public note's block, the site)."""
    if not hidden:
        return index.derived("learning.rollup", dict)
    if hidden is index.private_paths():
        return index.derived("learning.rollup.hiding_private", dict)
    return None


def tagged(index: VaultIndex, tag: str, hidden: Collection[str] = frozenset()) -> list[Group]:
    """The insights of done conversations tagged `tag` (or a tag nested in it: `#pay` takes
    `#pay/equity`), case ignored, grouped as a roll-up."""
    wanted = tag_key(tag.lstrip("#"))
    conversations = [note.path for note in index.by_type(schema.INTERVIEW)
                     if _done(index, note.path)]
    items = [item for item in _readable(index, conversations, hidden)
             if any(wanted in map(tag_key, with_parents(name)) for name in item.insight.tags)]
    return _grouped(index, items)


def _readable(index: VaultIndex, conversations: Iterable[str],
              hidden: Collection[str]) -> list[Learned]:
    found = []
    for interview in conversations:
        if interview in hidden:
            continue
        items = insights_of(index, interview)
        if items and not any(person in hidden for person in items[0].people):
            found += items
    return found


def group_insights(index: VaultIndex, items: Iterable[Learned]) -> list[Group]:
    """`items` by group: the insight sections in `insight_sections` order, then the tags in
    alphabetical order; each group newest first."""
    return _grouped(index, list(items))


def _grouped(index: VaultIndex, items: list[Learned]) -> list[Group]:
    by_group: dict[str, list[Learned]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item)
    order = {name: number for number, name in enumerate(index.settings.insight_sections)}
    titles = sorted(by_group, key=lambda title: (order.get(title, len(order)), title))
    return [Group(title, tuple(sorted(by_group[title], key=Learned.sort_key, reverse=True)))
            for title in titles]
