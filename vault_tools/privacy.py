"""What counts as private (§7), decided in one place.

The parser asks `note_visibility` for each note's front matter, and `looks_private_front_matter`
for one YAML refused (the site asks it again for those); every other reader (fill, the site,
exports, the calendar feed) reads the parsed note's `private`: nothing else decides whether a
note is published or quoted. The rule leans one way: anything but a clear "no" keeps a note
private, because a typo must never publish one.

- `private: true` makes a note private; so does the key in any other case (`Private`,
  `PRIVATE`), an empty value, a value that is not a YAML boolean (`"yes"`, `1`, `maybe`) and a
  key written twice; each of those is reported, on its line. Only `private: false` (or no key)
  leaves a note public.
- `publish: false` (Obsidian Publish) and `draft: true` (Quartz, Hugo), in any key case, keep a
  note off the site too. Such a note is treated as private everywhere a note can be shown or
  quoted (the site, feeds, other notes' blocks), but its name is no secret: the leak scan does
  not fail a build that mentions it.

Obsidian comments (`%% ... %%`) are not content: `strip_comments` blanks them out of a line, and
`strip_comments_from_text` out of a whole note as the site renders it.

What the site may never show follows from the same decisions, so it is here too: the fields
published only on request (`UNPUBLISHED_BY_DEFAULT`) and `secrets`, every value of a private
note (and every unpublished field) that the leak scan (`site/leaks.py`) looks for in the output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from .note_texts import decoded, held_text
from .notes import Diagnostic, Note
from .wikilinks import WIKILINK_RE, closes_front_matter, opens_front_matter

if TYPE_CHECKING:  # the site's view of the vault, which itself asks this module what is private
    from .views.common import SiteView

PRIVATE = "private"
PUBLISH = "publish"
DRAFT = "draft"
VISIBILITY_KEYS = frozenset({PRIVATE, PUBLISH, DRAFT})
# What stands for a private note where its name may not be shown (the site; generated blocks
# under the `hide_private_in_files` option).
PRIVATE_NOTE_TEXT = "a private note"


_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff]")


def visibility_key(key: Any) -> str | None:
    """The visibility key (`private`, `publish`, `draft`) a front-matter key spells, in any case,
    with blanks around it or in another Unicode form (full-width letters), or None."""
    text = str(key)
    if not text.isascii():
        # Characters shown as nothing (a zero-width space or soft hyphen pasted along with the
        # key) would make `private` look written and be another key.
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    folded = text.strip().casefold()
    return folded if folded in VISIBILITY_KEYS else None


@dataclass(frozen=True)
class Visibility:
    """What a note's front matter says about publishing it.

    `private`: the note is never published and never quoted in another note's block (§5, §7):
    it says `private`, `publish: false` or `draft: true`, or something unclear about them.
    `secret`: it is private because of `private` (not only a draft): its name and words are
    what the leak scan looks for. `diagnostics`: what was unclear, each on its line.
    """

    private: bool
    secret: bool
    diagnostics: tuple[Diagnostic, ...] = ()


PUBLIC = Visibility(False, False)


def note_visibility(
    meta: Mapping[str, Any],
    path: str = "",
    key_lines: Mapping[str, int] | None = None,
    duplicates: Iterable[tuple[str, int]] = (),
) -> Visibility:
    """Decide whether a note is private from its front matter.

    `key_lines` gives the line of each key as written (for the diagnostics); `duplicates` the
    (key, line) of each key YAML saw a second time, whose first value YAML dropped. Pure and
    cheap: it looks at three keys.
    """
    found: dict[str, list[tuple[str, Any]]] = {}
    for key, value in meta.items():
        which = visibility_key(key)
        if which is not None:
            found.setdefault(which, []).append((str(key), value))
    repeated: dict[str, tuple[str, int]] = {}
    for key, line in duplicates:
        which = visibility_key(key)
        if which is not None:
            repeated.setdefault(which, (key, line))
    if not found and not repeated:
        return PUBLIC

    lines = key_lines or {}
    diagnostics: list[Diagnostic] = []

    def report(key: str, code: str, message: str, line: int | None = None) -> None:
        where = line if line is not None else lines.get(key, 1)
        diagnostics.append(Diagnostic(path, where, "warning", code, message))

    secret = False
    for key, value in found.get(PRIVATE, ()):
        if key != PRIVATE:
            secret = True
            hidden = _INVISIBLE.search(key)
            how = ("retype the key: it holds characters shown as nothing" if hidden
                   else "write the key in lower case")
            report(key, "bad-value", f"{ascii(key) if hidden else key}: read as `private`; {how} "
                   "(`private: true` or `private: false`); treated as private")
        elif value is True:
            secret = True
        elif value is not False:
            secret = True
            report(key, "bad-value", f"private: {_shown(value)}; write `private: true` or "
                   "`private: false`; treated as private")
    off_site = False
    for key, value in found.get(PUBLISH, ()):
        if value is not True:
            off_site = True
            if value is not False:
                report(key, "bad-value", f"{key}: {_shown(value)}; write `publish: true` or "
                       "`publish: false`; kept off the site")
    for key, value in found.get(DRAFT, ()):
        if value is not False:
            off_site = True
            if value is not True:
                report(key, "bad-value", f"{key}: {_shown(value)}; write `draft: true` or "
                       "`draft: false`; kept off the site")
    for which in (PRIVATE, PUBLISH, DRAFT):
        spelled = found.get(which, [])
        if which in repeated or len(spelled) > 1:
            key, line = repeated.get(which) or (spelled[1][0], lines.get(spelled[1][0], 1))
            if which == PRIVATE:
                secret = True
                consequence = "treated as private"
            else:
                off_site = True
                consequence = "kept off the site"
            spellings = sorted({k for k, _ in spelled} | {key})
            also = f" (as {', '.join(spellings)})" if len(spellings) > 1 else ""
            report(key, "duplicate-key", f"{key}: written more than once{also}; keep one; "
                   f"{consequence}", line)
    return Visibility(secret or off_site, secret, tuple(diagnostics))


def only_a_draft(meta: Mapping[str, Any]) -> bool:
    """True when the front matter keeps a note off the site only as a draft (`publish: false`,
    `draft: true`) and says nothing about `private`: its name and words are no secret, so the
    leak scan does not look for them."""
    visibility = note_visibility(meta)
    return visibility.private and not visibility.secret


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "no value"
    return f"{value!r} is not true or false"


_CLEAR = {PRIVATE: ("false",), PUBLISH: ("true",), DRAFT: ("false",)}


def looks_private_front_matter(text: str) -> bool:
    """For a note whose front matter YAML refused: True when a raw front-matter line names a
    visibility key (any case) with anything but its clear public value. Lines end at "\\n",
    "\\r\\n" or a lone "\\r", as the parser reads them. Linear: one pass of a regular
    expression without nested repetition per line."""
    lines = split_bare_lines(text.lstrip("\ufeff"))
    if not lines or not opens_front_matter(lines[0]):
        return False
    for line in lines[1:]:
        if closes_front_matter(line):
            break
        # Keys may stand after `{`, `,`, `[`, `- ` or `? ` (flow mappings, list items, complex
        # keys), none of which YAML got far enough to read: look at every key-like word.
        folded = line if line.isascii() else unicodedata.normalize("NFKC", line)
        for match in _KEY_RE.finditer(folded):
            written = match.group("key")
            which = visibility_key(written)
            if which is None:
                continue
            if not match.group("colon") or (which == PRIVATE and written != PRIVATE):
                return True  # `? private` with its value on the next line, or `Private:`
            value = folded[match.end():].partition(" #")[0]
            if match.group("lead").startswith(("{", ",", "[")):  # in a flow collection
                value = re.split(r"[,}\]]", value, maxsplit=1)[0]
            # Quotes stay: YAML reads `"false"` as a string, which keeps a note private.
            if value.strip().lower() not in _CLEAR[which]:
                return True
    return False


def may_name_visibility(text: str) -> bool:
    """True when the raw front matter of note `text` (its lines as the parser finds them, from
    the first to the one that closes it, or to the end when none does) could say anything about
    publishing the note, whatever YAML makes of it: a visibility key's word (`private`,
    `publish`, `draft`) in any case or Unicode form anywhere in it (`visibility_key`'s
    reading), or a backslash (a key spelled with escapes). False for a note without a front
    matter: nothing else makes a note private. A superset of the notes `parse_note` finds
    private, for what must never take a note's privacy on trust (`site.parsed_notes`)."""
    text = text.removeprefix("\ufeff")
    first = _LINE_END.search(text)
    start = first.end() if first else len(text)
    if not opens_front_matter(text[:first.start() if first else len(text)]):
        return False
    end = len(text)
    for found in _LINE_END.finditer(text, start):
        if closes_front_matter(text[start:found.start()]):
            end = start
            break
        start = found.end()
    else:
        if closes_front_matter(text[start:]):
            end = start
    head = text[:end]
    if not head.isascii():
        head = _INVISIBLE.sub("", unicodedata.normalize("NFKC", head))
    head = head.casefold()
    return "\\" in head or any(word in head for word in VISIBILITY_KEYS)


_LINE_END = re.compile(r"\r\n|\r|\n")


def raw_aliases(text: str) -> tuple[str, ...]:
    """For a private note whose front matter YAML refused: the names its `aliases` line (a
    flow list or one name) or the `- name` lines under it give, each read as YAML on its own
    where it can be. The site then hides links by those names as it hides the note's name."""
    lines = split_bare_lines(text.lstrip("\ufeff"))
    if not lines or not opens_front_matter(lines[0]):
        return ()
    found: list[str] = []
    under = False
    for line in lines[1:]:
        if closes_front_matter(line):
            break
        key, colon, value = line.partition(":")
        if colon and key.strip().strip("'\"").casefold() in ("aliases", "alias"):
            under = not value.strip()
            found += _yaml_names(value.strip())
        elif under and line.lstrip().startswith("- "):
            found += _yaml_names(line.lstrip()[2:].strip())
        else:
            under = False
    return tuple(dict.fromkeys(name for name in found if name))


def _yaml_names(value: str) -> list[str]:
    """The names one YAML value holds (a string, or a flow list of them); the text itself,
    stripped of brackets and quotes, when YAML refuses it too."""
    try:
        loaded = yaml.safe_load(value) if len(value) < 10_000 else None
    except yaml.YAMLError:
        loaded = [part.strip().strip("'\"") for part in value.strip("[] ").split(",")]
    items = loaded if isinstance(loaded, list) else [loaded]
    return [str(item).strip() for item in items
            if isinstance(item, (str, int, float)) and str(item).strip()]


# A key-like word on a raw front-matter line, where a key may begin: the line's start, or
# after `{`, `,`, `[`, `- ` or `? `; quoted or not; then its colon (or the line's end).
_KEY_RE = re.compile(
    r"""(?P<lead>^|[{,\[]|(?<!\S)[-?](?=\s))\s*(?P<q>["']?)(?P<key>[^\s:"',{}\[\]]+)(?P=q)"""
    r"""[ \t]*(?P<colon>:|$)""")


# --- line endings -------------------------------------------------------------------------------

_LONE_CR = re.compile(r"\r(?!\n)")


def split_bare_lines(text: str) -> list[str]:
    """The lines of `text` without their endings, where a line ends at "\\n", "\\r\\n" or a lone
    "\\r" (old Mac files; MkDocs and browsers read a lone "\\r" as a line end, so the parser
    must too). A "\\r" before a "\\n" stays on its line, so each line plus one character is
    what the file holds. What follows a final line ending is no line."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        text = _LONE_CR.sub("\n", text)  # the same length: offsets stay right
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()
    return lines


# --- Obsidian comments --------------------------------------------------------------------------

COMMENT_MARK = "%%"
_COMMENT_BYTES = COMMENT_MARK.encode()
_TICKS_RE = re.compile(r"`+")


def strip_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """`line` with its Obsidian comments (`%% ... %%`, also one opened on an earlier line when
    `in_comment`) replaced by blanks, and whether a comment is still open at its end.

    Blanks keep every column where it was. A `%%` inside a code span is text; a backtick
    inside a comment is comment, and opens no code span. Linear: each backtick run is paired
    with the next run of the same length in one backward pass, and each is passed once.
    """
    if not in_comment and COMMENT_MARK not in line:
        return line, False
    runs = [(m.start(), m.end()) for m in _TICKS_RE.finditer(line)] if "`" in line else []
    next_same: dict[int, int] = {}  # run -> the next run of the same length
    last: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        if length in last:
            next_same[i] = last[length]
        last[length] = i
    out: list[str] = []
    pos = 0
    run = 0  # the first backtick run not passed yet
    size = len(line)
    while pos < size:
        if in_comment:
            end = line.find(COMMENT_MARK, pos)
            stop = size if end < 0 else end + 2
            out.append(" " * (stop - pos))
            pos = stop
            in_comment = end < 0
            continue
        start = line.find(COMMENT_MARK, pos)
        if start < 0:
            out.append(line[pos:])
            break
        while run < len(runs) and runs[run][0] < pos:
            run += 1  # inside a comment or a code span already passed
        span_end = -1
        # The runs before the mark, outside comments: a code span one opens may hold the mark.
        while run < len(runs) and runs[run][0] < start:
            closer = next_same.get(run)
            if closer is None:
                run += 1  # nothing closes it: plain backticks
            elif runs[closer][0] > start:
                span_end = runs[closer][1]
                run = closer + 1
                break
            else:
                run = closer + 1  # a code span that ends before the mark
        if span_end >= 0:
            out.append(line[pos:span_end])  # the mark is text, and so is the rest of the span
            pos = span_end
            continue
        out.append(line[pos:start] + "  ")
        pos = start + 2
        in_comment = True
    return "".join(out), in_comment


# A fence opener as Python-Markdown's `fenced_code` reads one, and `pymdownx.superfences` too:
# at the very start of a line, then a language (or nothing) and quoted `hl_lines`.
_FENCE_OPEN_RE = re.compile(
    r"""(`{3,}|~{3,})[ ]*(?:\.?[\w#.+-]*[ ]*)?(?:hl_lines=(["'])[^"'\n]*\2[ ]*)?""")
# The closer of a fence: the opener's very fence, then only blanks.
_FENCE_CLOSE_RE = re.compile(r"(`{3,}|~{3,})[ ]*")
# Anything a Markdown extension might read as a fence: indented, in a quote, with another info.
_FENCE_LIKE_RE = re.compile(r"[ >]*(`{3,}|~{3,})")


def strip_comments_from_text(text: str) -> str:
    """A note's text with its Obsidian comments blanked out (same length, same lines), but in
    the fenced code Markdown is certain to show as code. What the site renders, so no comment
    reaches a page.

    A comment Markdown would show as text is a leak; one blanked inside code only a blemish.
    So a fence counts only as certain when `fenced_code` and `superfences` both read it so: an
    opener at the line's start with a plain language and the very same fence closing it below
    (an unclosed fence is no code for `fenced_code`). From the first fence-like line that is
    less certain (indented, quoted, another info string, unclosed), every comment after it is
    blanked, code or not: the pairing of the fences after it is no longer known. Linear.
    """
    if COMMENT_MARK not in text:
        return text
    lines = text.split("\n")
    # Python-Markdown reads a tab as blanks and a "\r" as a line end before it looks for fences.
    bare = [line.replace("\t", " ").rstrip("\r") for line in lines]
    closer_after: dict[int, int] = {}  # opener line -> the line of its closer
    nearest: dict[str, int] = {}
    for i in range(len(lines) - 1, -1, -1):
        line = bare[i]
        if not line.startswith(("```", "~~~")):
            continue
        opener = _FENCE_OPEN_RE.fullmatch(line)
        if opener is not None and opener.group(1) in nearest:
            closer_after[i] = nearest[opener.group(1)]
        if _FENCE_CLOSE_RE.fullmatch(line):
            nearest[line.rstrip(" ")] = i
    out: list[str] = []
    certain = True
    in_comment = False
    code_until = -1  # the closing line of the fenced code being read
    fence = ""
    for i, line in enumerate(lines):
        if i <= code_until:
            like = _FENCE_LIKE_RE.match(bare[i])
            if i == code_until or like is None or like.group(1) != fence \
                    or bare[i][like.end():].strip(" "):
                out.append(line)
                continue
            # The fence again, indented or quoted: `superfences` may end the code here.
            certain, code_until = False, -1
        elif not in_comment and certain and (like := _FENCE_LIKE_RE.match(bare[i])):
            closer = closer_after.get(i)
            if closer is not None:
                code_until, fence = closer, like.group(1)
                out.append(line)
                continue
            certain = False
        visible = line[:len(line) - 1] if line.endswith("\r") else line
        visible, in_comment = _strip_comments_certain(visible, in_comment)
        out.append(visible + line[len(visible):])
    return "\n".join(out)


def _strip_comments_certain(line: str, in_comment: bool) -> tuple[str, bool]:
    """`strip_comments` for what the site renders: a code span Markdown may read otherwise (a
    backtick after a backslash) keeps no comment in it."""
    if "\\`" not in line or (not in_comment and COMMENT_MARK not in line):
        return strip_comments(line, in_comment)
    neutral, in_comment = strip_comments(line.replace("`", "'"), in_comment)
    return "".join(" " if n == " " else c for c, n in zip(line, neutral, strict=True)), in_comment


_BLANK_RUN_RE = re.compile(r"[ \r\n]+")


def comment_texts(text: str) -> list[str]:
    """The text of each Obsidian comment in `text` (outside fenced code, as the site blanks
    them), one string per comment, its `%%` marks left out: what the site must never show.
    Linear: one pass of `strip_comments_from_text` and one of a regular expression."""
    if COMMENT_MARK not in text:
        return []
    blanked = strip_comments_from_text(text)
    found = []
    for run in _BLANK_RUN_RE.finditer(blanked):
        # Where the blanked text has only blanks and line ends, the text had a comment (or
        # blanks of its own): a comment over several lines comes out whole.
        written = text[run.start():run.end()]
        if not written.isspace():
            found.append(" ".join(written.replace(COMMENT_MARK, " ").split()))
    return [comment for comment in found if comment]


# Published only when the `publish_fields` option lists them (§3, §7); `emails` and `phones`
# hold a contact's other addresses and numbers (imports write them), private as the first ones.
UNPUBLISHED_BY_DEFAULT = ("email", "phone", "linkedin", "emails", "phones")


# --- what must never appear in the output -------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    """A value the site must not publish. `whole_word`: match only as whole words (names)."""

    value: str
    kind: str
    source: str
    whole_word: bool = False


# Front-matter keys of a private note whose values say what kind of note it is, not whose:
# the same few words on many notes, public ones too.
_STRUCTURE_KEYS = frozenset({
    "type", "private", "publish", "draft", "tags", "tag", "aliases", "alias", "status",
    "cadence", "format", "cssclass", "cssclasses",
})
# A front-matter value of one word (`role: Engineer`, `location: Oslo`) says nothing about whom
# it belongs to and is an ordinary word elsewhere: from this many words on, it is a secret.
MIN_VALUE_WORDS = 2
# The kind of secret a public note's comment is (see `secrets`).
COMMENT_SECRET = "comment"
MIN_FRAGMENT_CHARS = 30
MIN_FRAGMENT_WORDS = 5
# Markup splits a sentence into fragments: what lies between markup is rendered verbatim.
_FRAGMENT_SPLIT = re.compile(r"[.!?;:](?:\s|$)|[\[\]`*_<>|#{}()~=\\^]|\n|https?://\S+")


def text_fragments(body: str) -> list[str]:
    """Runs of plain prose in a note body long enough to identify it (at least 30 characters and
    five words), split at sentence ends and at any Markdown markup, so each one appears
    verbatim in rendered HTML when the sentence is published."""
    out = []
    for piece in _FRAGMENT_SPLIT.split(body):
        piece = " ".join(piece.split()).strip(" -+>")  # list and quote markers are markup too
        if len(piece) >= MIN_FRAGMENT_CHARS and len(piece.split()) >= MIN_FRAGMENT_WORDS:
            out.append(piece)
    return out


def _words(text: str) -> str:
    """A fragment's words, lower case: how fragments are compared with each other."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _body_of(text: str, note: Note) -> str:
    lines = split_bare_lines(text.lstrip("\ufeff"))
    body = lines[note.body_line - 1:]
    # Generated blocks hold text about other notes; they are not this note's own words.
    for block in sorted(note.blocks, key=lambda b: b.open_line, reverse=True):
        start, end = block.open_line - note.body_line, block.close_line - note.body_line + 1
        if 0 <= start < end <= len(body):
            del body[start:end]
    return "\n".join(body)


# What a URL or address starts with that a page may write otherwise (`http:` for `https:`, no
# `www.`, a bare address for a `mailto:`): left out of the secret, which is then found in all.
_URL_PREFIX = re.compile(r"^(?:(?:[a-z][a-z0-9+.-]*:)?//(?:www\.)?|mailto:|tel:)", re.IGNORECASE)
MIN_PHONE_DIGITS = 7


def _front_matter_values(note: Note) -> Iterator[tuple[str, str]]:
    """(key, text) for each text value in a note's front matter (in lists too), but links to
    other notes (`company: "[[Acme]]"`: that note's own privacy decides) and the keys that
    say what kind of note it is."""
    for key, value in note.meta.items():
        if key.lower() in _STRUCTURE_KEYS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip() and not WIKILINK_RE.fullmatch(
                    item.strip()):
                yield key, " ".join(item.split())


def _public_values(view: SiteView) -> set[str]:
    """What public notes show of themselves (names, aliases, front-matter values), lower case:
    a private note's value that a public note also has (`company: Acme`, `role: Data
    Engineer`) is no secret of the private one."""
    values: set[str] = set()
    for note in view.public_notes():
        values.update(n.lower() for n in (note.name, note.title, *note.aliases))
        values.update(v.lower() for _, v in _front_matter_values(note))
    return values


def secret_inputs(note: Note, text: str | None) -> tuple[Any, ...]:
    """What `secrets` reads of a note that is public (and stays public): its names, its front
    matter (values and unpublished fields), the words of its comments. Two states of a vault
    whose private notes, shared templates and published fields are the same, and whose public
    notes give equal `secret_inputs`, have the same secrets (`site.known_secrets` relies on
    it: keep it in step with `secrets`)."""
    comments = (tuple(comment_texts(_body_of(text, note)))
                if text is not None and COMMENT_MARK in text else None)
    return (note.path, note.name, note.title, tuple(note.aliases), dict(note.meta), comments)


def secrets(view: SiteView, texts: Mapping[str, str], shared: Iterable[str] = ()) -> list[Secret]:
    """Every value that must not reach the output (§7): private notes' names, titles, aliases,
    sentences and front-matter values (of two words or more, and not a public note's too), the
    sentences of public notes' `%%` comments, and the unpublished fields of every note (a URL
    without its scheme, a phone number also as its digits alone). How short a value the scan
    still looks for is the scan's to decide.

    `texts` maps note paths to their text; `shared` holds texts whose sentences are expected to
    appear anywhere (the note templates), so a private note's template boilerplate is no
    secret. A private sentence copied into a public note is one: that is the leak to catch.
    """
    boilerplate = {_words(f) for text in shared
                   for f in text_fragments("\n".join([text, *comment_texts(text)]))}
    found: dict[tuple[str, str], Secret] = {}

    def add(value: str, kind: str, source: str, whole_word: bool = False) -> None:
        value = " ".join(value.split())
        key = (value.lower(), kind)
        if key not in found:
            found[key] = Secret(value, kind, source, whole_word)

    for path in sorted(view.hidden):
        note = view.index.notes[path]
        if only_a_draft(note.meta):
            continue  # off the site as a draft: its name may be mentioned (privacy.py)
        for name in (note.name, note.title, *note.aliases):
            if name.strip():
                add(name, "name", path, whole_word=True)
        text = texts.get(path)
        if text is not None:
            for fragment in text_fragments(_body_of(text, note)):
                if _words(fragment) not in boilerplate:
                    add(fragment, "text", path)
    for note in view.index:
        if note.path in view.hidden:
            continue  # a private note's comments are among its sentences above
        # Looked for in the text as held: a `NoteTexts` holds UTF-8, where "%%" is these two
        # bytes and no part of another character; decoding every note was ~0.03 s a build.
        held = held_text(texts, note.path)
        if isinstance(held, bytes):
            if _COMMENT_BYTES not in held:
                continue
            text = decoded(held)
        elif held is None or COMMENT_MARK not in held:
            continue
        else:
            text = held
        # The words of a public note's comments (§4): never published, so a build that
        # would show them fails (a sentence also written outside a comment is let through by
        # the scan, `site/leaks.py`).
        for comment in comment_texts(_body_of(text, note)):
            for fragment in text_fragments(comment):
                if _words(fragment) not in boilerplate:
                    add(fragment, COMMENT_SECRET, note.path)
    public_values = _public_values(view)
    for path in sorted(view.hidden):
        for key, value in _front_matter_values(view.index.notes[path]):
            if key.lower() in UNPUBLISHED_BY_DEFAULT:
                continue  # below, with the same fields of public notes
            words = _words(value).split()
            # Dates, times and numbers (no letter in them) are no one's in particular.
            if (value.lower() not in public_values and len(words) >= MIN_VALUE_WORDS
                    and not all(w.isdigit() for w in words)):
                add(value, f"field {key}", path)
    for note in view.index:
        for key in UNPUBLISHED_BY_DEFAULT:
            if view.field_allowed(key) and note.path not in view.hidden:
                continue
            raw = note.meta.get(key)  # any YAML value (`value` above is a str)
            for item in raw if isinstance(raw, list) else [raw]:
                if item is None or not str(item).strip():
                    continue
                item = _URL_PREFIX.sub("", str(item).strip())
                add(item, f"field {key}", note.path)
                digits = re.sub(r"\D", "", item)
                if (key in ("phone", "phones") and len(digits) >= MIN_PHONE_DIGITS
                        and digits != item):
                    add(digits, f"field {key}", note.path)  # as a `tel:` link writes it
    return sorted(found.values(), key=lambda s: (s.source, s.kind, s.value))
