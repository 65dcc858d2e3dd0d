"""Tags (DESIGN §3, §7): what an inline `#tag` is, as Obsidian reads one, how two tags compare,
and the page of a tag on the site. Imports nothing of the package: any module may read it.

An inline tag is a `#` at the start of a line or after a blank, then letters, digits, `_`, `-`
and `/` (`#career/ux` is nested: it is also under `#career`), with at least one character that
is not a digit (`#123` is an issue number, not a tag). So `# Heading`, `C#`, `[[Note#Heading]]`
and `http://x.org/#frag` hold none. Where a tag may not stand (code, comments, generated
blocks) is the body scan's to know (`parse.py`). Tags compare ignoring case, as in Obsidian.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# `(?<!\S)`: at the start of the text or after a blank. `\w` is Unicode: letters of any script.
INLINE_TAG_RE = re.compile(r"(?<!\S)#([\w/-]+)")
TAGS_PAGE = "tags/index.md"
_TAG_TEXT_RE = re.compile(r"[\w/-]+")
_UNSAFE_IN_PATH_RE = re.compile(r"[^\w-]+")


def tag_name(written: str) -> str | None:
    """The tag `written` names (an inline tag's text, or a front-matter value with or without
    its `#`), its empty nesting levels dropped (`a//b/` is `a/b`); None when it is no tag, as
    in Obsidian: empty, digits only, or holding a character a tag may not (a blank, `<`)."""
    name = "/".join(part for part in written.strip().lstrip("#").split("/") if part)
    if not _TAG_TEXT_RE.fullmatch(name) or all(c.isdigit() or c == "/" for c in name):
        return None
    return name


def inline_tags(line: str) -> list[tuple[str, int, int]]:
    """(tag, start, end) of each tag written in one line of text, in order, `start` at its `#`
    (the caller has blanked out what holds none: code, comments, links, HTML tags). Linear: one
    pass of a regular expression."""
    found = []
    for match in INLINE_TAG_RE.finditer(line):
        name = tag_name(match.group(1))
        if name is not None:
            found.append((name, match.start(), match.end()))
    return found


def tag_key(name: str) -> str:
    """What two spellings of one tag share (`#Career` is `#career`)."""
    return name.casefold()


def with_parents(name: str) -> list[str]:
    """The tag and each tag it is nested in, outermost first: `a/b/c` -> `a`, `a/b`, `a/b/c`."""
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def with_inline_tags(front_matter: Iterable[str], inline: Iterable[str]) -> tuple[str, ...]:
    """A note's tags: its front matter's `tags` as written (exports carry them so, a vCard
    category with a blank too), then each inline tag none of them names (ignoring case)."""
    tags = tuple(front_matter)
    seen = {tag_key(name) for name in map(tag_name, tags) if name is not None}
    added: list[str] = []
    for name in inline:
        if tag_key(name) not in seen:
            seen.add(tag_key(name))
            added.append(name)
    return (*tags, *added)


def tag_page(name: str) -> str:
    """The site's page of a tag: `tags/<tag, lower case>/index.md`, each nesting level a folder,
    every character a path may not hold (from a front-matter tag) made a `-`."""
    parts = [_UNSAFE_IN_PATH_RE.sub("-", part).strip("-") or "-"
             for part in tag_key(name).split("/")]
    return "tags/" + "/".join(parts) + "/index.md"
