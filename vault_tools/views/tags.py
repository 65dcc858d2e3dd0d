"""The tags of public notes (`tag_rows`): the Tags page and one page per tag
(`site.render.tags`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..notes import Note
from ..tags import tag_key, tag_name, tag_page, with_parents
from .common import Ref, SiteView, by_name

TAGS_KEY = "tags"


@dataclass(frozen=True)
class TagRow:
    """A tag as the site shows it: its name (as first written), its page, the public notes
    tagged with it or a tag nested in it (by name), and the tags nested right under it."""

    name: str
    page: str
    notes: tuple[Ref, ...]
    nested: tuple[tuple[str, str], ...] = ()  # (name, page)


def tag_rows(view: SiteView) -> list[TagRow]:
    """Every tag of a public note, with its parents (`#a/b` is under `#a` too), sorted by name.
    A private note is on no tag's list, and a tag only private notes have is none of these:
    its name may say what the note is about."""
    spellings: dict[str, Counter[str]] = {}
    tagged: dict[str, list[Note]] = {}
    children: dict[str, set[str]] = {}
    for note in view.public_notes():
        for name in filter(None, map(tag_name, note.tags)):
            parent = None
            for level in with_parents(name):
                page = tag_page(level)
                spellings.setdefault(page, Counter())[level] += 1
                notes = tagged.setdefault(page, [])
                if not notes or notes[-1] is not note:
                    notes.append(note)
                if parent is not None:
                    children.setdefault(parent, set()).add(page)
                parent = page
    # Shown as most notes write it (lower case on a tie): the same whatever the notes' order.
    names = {page: min(counts, key=lambda s: (-counts[s], s != s.lower(), s))
             for page, counts in spellings.items()}
    return [TagRow(names[page], page,
                   tuple(view.note_ref(n.path) for n in by_name(tagged[page])),
                   tuple((names[child], child) for child in sorted(
                       children.get(page, ()), key=lambda child: tag_key(names[child]))))
            for page in sorted(names, key=lambda page: (tag_key(names[page]), page))]
