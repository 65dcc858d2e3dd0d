"""Link syntax, in and out: `[[target#heading|label]]` wikilinks, `[label](path.md)` Markdown
links, and the `---` fence around a note's front matter. Pure and standalone: the parser, the
blocks, the index's messages and the site read and write links through these.

The scanning loops that find links in a note body stay in `parse.py` (they are its hot path);
what a link *is* — the patterns, how a wikilink's inner text splits, how one is written — is
here. A change to link syntax starts here; a change to how a link finds its note is
`index.py`'s (`VaultIndex.resolve`).
"""

from __future__ import annotations

import functools
import re

# --- reading -------------------------------------------------------------------------------------

# Both start with a literal "[" so the regex engine can skip ahead; a leading "!" (an embed)
# is looked up by hand (see parse._wikilinks). The inner part is greedy: it cannot hold a "]",
# so it can only end at the first "]]" anyway, and a lazy "+?" would try to end after every
# character.
WIKILINK_RE = re.compile(r"\[\[([^\[\]\n]+)\]\]")
# The same link split into target, heading and label in one match (a table's escaped "\|"
# ends the target too; the backslash is trimmed in split_wikilink).
_WIKI_PARTS_RE = re.compile(r"([^#|]*)(?:#([^|]*))?(?:\|(.*))?", re.DOTALL)
# What a Markdown link is. Used to match at a known position (site/rewrite.py) and as the
# reference the body scan's _md_links is tested against: searched through a line, it backtracks
# quadratically ("[" * N + "](" tries every "[" against the whole line).
MDLINK_RE = re.compile(
    r"\[([^\]\n]*)\]\(\s*(<[^>\n]+>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\s*\)"
)

# The links of a title as `followups.shown_text` and the site (`views.followups.title_pieces`)
# read them: WIKILINK_RE and MDLINK_RE, except that no part of a Markdown link holds a bracket.
# Every try of a match then stops at the next bracket, so a pass is linear in the text's length
# however many brackets it holds (with MDLINK_RE, a line of "[a](" took time quadratic in its
# length).
TITLE_WIKILINK = r"\[\[(?P<wiki>[^\[\]\n]+)\]\]"
TITLE_MDLINK = (r'\[(?P<label>[^\[\]\n]*)\]\(\s*(?P<url><[^<>\[\]\n]+>|[^)\s\[\]]+)'
                r'(?:\s+"[^"\[\]\n]*")?\s*\)')
# A line cut short inside a wikilink ("... [[2026-04-24 Jane Do…"): a `[[` (or `![[`) with no
# `]]` after it before the line ends. Matched per line (MULTILINE), through to the line's end.
CUT_WIKILINK_RE = re.compile(r"!?\[\[(?:(?!\]\])[^\n])*$", re.MULTILINE)


def split_wikilink(inner: str) -> tuple[str, str | None, str | None]:
    """Split `target#heading|label` (a table's escaped `\\|` counts as `|`)."""
    target, heading, label = _WIKI_PARTS_RE.fullmatch(inner).groups()  # type: ignore[union-attr]
    if target.endswith("\\"):
        target = target[:-1]
    if heading is not None and heading.endswith("\\"):
        heading = heading[:-1]
    return target.strip(), (heading.strip() if heading else None) or None, \
        (label.strip() if label else None) or None


def link_parts(inner: str) -> tuple[str, str | None, str | None] | None:
    """Target, heading and label of a wikilink's inner text, the target without `.md`; None
    for `[[#Heading]]`, which points into the note itself."""
    if "#" in inner or "|" in inner or "\\" in inner:
        target, heading, label = split_wikilink(inner)
    else:  # the common plain [[Name]]: what split_wikilink returns, without its regex
        target, heading, label = inner.strip(), None, None
    if target[-3:].lower() == ".md":
        target = target[:-3]
    if not target:  # `[[#Heading]]`, and `[[.md]]`, which names no note either
        return None
    return target, heading, label


# A name ending in a file suffix other than .md (`photo.png`, but also `Booking.com`,
# `Node.js`, `2021.07.17`): a note when a note has that name (§4), else maybe a file.
ASSET_SUFFIX_RE = re.compile(r"\.(?!md$)[A-Za-z0-9]{1,10}$")

# The suffixes of files a link names as attachments even when no such file exists (then
# `check` reports `missing-attachment`): Obsidian's accepted file formats and the usual
# documents. Any other suffix is a file only when the file is there (`[[notes.txt]]` is,
# `[[Booking.com]]` is a note yet to be written).
ATTACHMENT_SUFFIXES = frozenset({
    "canvas", "base", "pdf",
    "avif", "bmp", "gif", "jpeg", "jpg", "png", "svg", "webp", "heic", "tif", "tiff",
    "flac", "m4a", "mp3", "ogg", "wav", "3gp", "aac", "opus",
    "mkv", "mov", "mp4", "ogv", "webm", "avi",
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "epub", "zip",
    "excalidraw",
})


# Asked for every link a block writes (tens of thousands in a fill), about a few thousand names.
@functools.lru_cache(maxsize=1 << 16)
def link_problem(name: str) -> str | None:
    """Why `[[name]]` would not lead to a note called `name`, or None when it would.

    The test is the parser's own reading of the link (a "#" starts a heading, a "|" a label,
    blanks at the ends are dropped, a final ".md" is cut, brackets and line breaks end it),
    plus Obsidian's block-reference "^", which it refuses in file names.
    """
    if "^" in name:
        return "its name holds '^', which Obsidian reads as a block reference"
    match = WIKILINK_RE.fullmatch(f"[[{name}]]")
    if match is not None and link_parts(name) == (name, None, None):
        return None
    bad = sorted({char for char in name if char in "#|[]\\\n\r"})
    if bad:
        shown = ", ".join(repr(char) for char in bad)
        return f"its name holds {shown}, which a link reads as part of its syntax"
    if name != name.strip():
        return "its name begins or ends with a blank, which a link drops"
    return f"a link to '{name}' is read as '{(link_parts(name) or ('',))[0]}'"


def is_asset_target(target: str) -> bool:
    """True for a target whose suffix names an attachment type (`photo.png`, `cv.pdf`,
    `Board.canvas`): a file, unless a note has that very name."""
    match = ASSET_SUFFIX_RE.search(target)
    return match is not None and match.group(0)[1:].lower() in ATTACHMENT_SUFFIXES


def has_file_suffix(target: str) -> bool:
    """True for a target ending in a suffix other than `.md` (`Booking.com`, `notes.txt`):
    it may name a file, when no note has that name."""
    return ASSET_SUFFIX_RE.search(target) is not None


# --- writing -------------------------------------------------------------------------------------


def wikilink(target: str, heading: str | None = None, *, embed: bool = False) -> str:
    """`[[target]]`, `[[target#heading]]`, `![[target]]`: a link as a note writes it."""
    inner = f"{target}#{heading}" if heading is not None else target
    return f"![[{inner}]]" if embed else f"[[{inner}]]"


# --- the front-matter fence ---------------------------------------------------------------------

FENCE = "---"
# A front matter opened by "---" on the first line ends at a "---" or "..." line (YAML's
# document end); trailing blanks are allowed on both.
_FENCE_ENDS = (FENCE, "...")


def opens_front_matter(first_line: str) -> bool:
    """True when a note's first line (BOM and line ending removed) opens a front matter."""
    return first_line.rstrip() == FENCE


def closes_front_matter(line: str) -> bool:
    """True for a line that ends an open front matter."""
    return line.rstrip() in _FENCE_ENDS
