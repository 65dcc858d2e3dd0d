"""The speed tricks of reading and parsing must give exactly what the general code gives.

Each fast path (parse.py, frontmatter_yaml.py, vault.py) is compared with the slow route it
replaces, on inputs chosen to sit on the boundary between the two.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import itertools
import re
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools import blocks, frontmatter_yaml, index, parse, vault
from vault_tools.notes import Heading, Link, Note, Task
from vault_tools.parse import parse_note


def _general_wikilinks(line: str) -> list[Link]:
    """The links of a line by the general route: every match split by _split_wikilink."""
    links = []
    for match in parse.WIKILINK_RE.finditer(line):
        target, heading, label = parse._split_wikilink(match.group(1))
        if target.lower().endswith(".md"):
            target = target[:-3]
        if not target and heading is None:
            continue  # [[#Heading]] is a link within the note; [[ ]], [[|x]], [[.md]] none
        start = match.start()
        embed = start > 0 and line[start - 1] == "!"
        links.append(Link(target=target, line=7, col=start if embed else start + 1,
                          heading=heading, label=label, embed=embed, context="ctx"))
    return links


@pytest.mark.parametrize("line", [
    "plain [[Jane Doe]] link",
    "two [[Jane Doe]] and ![[photo.png]] embed",
    "[[Jane Doe|Jane]] and [[Acme#History]] and [[Acme#History|the story]]",
    "table | [[Jane Doe\\|Jane]] | cell",
    "trailing backslash [[Jane Doe\\]]",
    "spaces [[  Jane Doe  ]] and [[ ]] and [[#Only heading]]",
    "suffix [[Jane Doe.md]] and [[notes/Jane Doe.MD]] and [[x.md|label]] and [[.md]]",
    "suffix with spaces [[ Jane Doe.md  ]] and [[Jane Doe.md\t]] and [[md]]",
    "nested [[[Jane]]] and [[a]]b]] and [[]] and [[x\ny]]",
    "![[Embed]] at the start",
])
def test_wikilinks_match_the_general_split(line: str) -> None:
    assert parse._wikilinks(line, 7, "ctx") == _general_wikilinks(line)


def test_the_named_tuples_built_from_tuples_are_whole_named_tuples() -> None:
    # Links, headings, tasks and task texts are built by tuple.__new__ (no Python-level
    # __new__): each must be its named tuple, every field set, as built by keywords.
    note = parse_note("n.md", "# Head\n\n- [ ] Call [[Jane]] 📅 2026-01-02\n")
    assert [type(x) for x in (*note.headings, *note.links, *note.tasks)] == [Heading, Link, Task]
    assert note.headings == (Heading(level=1, text="Head", line=1),)
    assert note.links == (Link(target="Jane", line=3, col=12,
                               context="- [ ] Call [[Jane]] 📅 2026-01-02"),)
    assert note.tasks == (Task(text="Call [[Jane]] 📅 2026-01-02", line=3, done=False,
                               due=dt.date(2026, 1, 2)),)
    read = parse.read_task_text("Call  Jane 📅 2026-01-02")
    assert type(read) is parse.TaskText
    assert read == parse.TaskText(title="Call Jane", due=dt.date(2026, 1, 2))


def test_task_due_dates_with_and_without_the_literals() -> None:
    note = parse_note("n.md", (
        "- [ ] plain task\n"
        "- [ ] dated 📅 2026-01-02\n"
        "- [ ] spaced 📅   2026-01-03\n"
        "- [x] due:2026-01-04 done\n"
        "- [ ] bad due:2026-02-30\n"
        "- [ ] overdue: not a due date\n"
        "- [ ] overdue: but due:2026-01-05\n"
        "- [ ] due:2026-01-07 before 📅 2026-01-06\n"
        "- [ ] 📅 2026-01-08 before due:2026-01-09\n"
    ))
    assert [(t.text, t.due and t.due.isoformat()) for t in note.tasks] == [
        ("plain task", None),
        ("dated 📅 2026-01-02", "2026-01-02"),
        ("spaced 📅   2026-01-03", "2026-01-03"),
        ("due:2026-01-04 done", "2026-01-04"),
        ("bad due:2026-02-30", None),
        ("overdue: not a due date", None),
        ("overdue: but due:2026-01-05", "2026-01-05"),
        ("due:2026-01-07 before 📅 2026-01-06", "2026-01-07"),
        ("📅 2026-01-08 before due:2026-01-09", "2026-01-08"),
    ]
    assert [d.code for d in note.diagnostics] == ["bad-date"]


# --- front matter: the direct constructor against PyYAML's general one ------------------------

class _GeneralLoader(frontmatter_yaml._BaseLoader):  # type: ignore[misc, valid-type]
    """NoteLoader's resolvers, with PyYAML's own construct_document."""


_GeneralLoader.yaml_implicit_resolvers = frontmatter_yaml.NoteLoader.yaml_implicit_resolvers


def _outcome(text: str, loader: type) -> object:
    try:
        value = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("value", repr(value))


YAML_DOCUMENTS = [
    "type: contact\ncompany: \"[[Acme]]\"\ncadence: 30d\nlast_contact: 2026-01-02\n",
    "with:\n  - \"[[Jane Doe]]\"\n  - Bob\ninterest: -2\nprivate: yes\nscore: 1.5\nnone: ~\n",
    "nested:\n  deeper:\n    list: [1, two, 3.0, null, true, .inf, 0x1F, 0o17]\n",
    "1: one\n2.5: float key\ntrue: bool key\n~: null key\n",
    "dup: first\ndup: second\n",
    "with: [[Jane Doe]]\n",
    "anchor: &a [1, 2]\nalias: *a\n",
    "scalar: &s text\nagain: *s\n",
    "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",
    "= : value key\n",
    "explicit: !!str 12\nint: !!int '7'\nfloat: !!float '1'\n",
    "timestamp: !!timestamp 2026-01-02\nbinary: !!binary aGVsbG8=\n",
    "set: !!set {a, b}\nomap: !!omap [a: 1, b: 2]\npairs: !!pairs [a: 1]\n",
    "? [a, b]\n: list key\n",
    "? {a: 1}\n: mapping key\n",
    "bad: !!str {a: 1}\n",
    "unknown: !custom thing\n",
    "recursive: &r [*r]\n",
    "- a list\n- at the top\n",
    "just a string\n",
    "",
    "key: [unclosed\n",
]


@pytest.mark.parametrize("text", YAML_DOCUMENTS)
def test_front_matter_constructor_matches_pyyaml(text: str) -> None:
    assert _outcome(text, frontmatter_yaml.NoteLoader) == _outcome(text, _GeneralLoader)


_SCALAR_CHARS = "0123456789+-._eExXoObByYnNtTfFlLsuU~<=:!&*#'\" []{},|>%@`"


@settings(max_examples=300)
@given(value=st.text(alphabet=_SCALAR_CHARS, max_size=8), key=st.sampled_from(["k", "1", "~"]))
def test_front_matter_resolver_matches_pyyaml(value: str, key: str) -> None:
    # The lean resolve() against PyYAML's, on every kind of scalar: plain, quoted, a key.
    for text in (f"{key}: {value}\n", f"{value}: {key}\n", f"- {value}\n- [{value}]\n"):
        assert _outcome(text, frontmatter_yaml.NoteLoader) == _outcome(text, _GeneralLoader)


def test_front_matter_aliases_share_one_value() -> None:
    # An alias must be the very object its anchor built, as PyYAML makes it: a constructor
    # that copied it instead would expand a "billion laughs" document before it is refused.
    data = yaml.load("a: &x [1, [2]]\nb: *x\nc: [*x, *x]\n", Loader=frontmatter_yaml.NoteLoader)
    assert data["b"] is data["a"] and data["c"][0] is data["a"] and data["c"][1] is data["a"]


def test_front_matter_loader_has_only_what_the_lean_resolver_reads() -> None:
    # resolve() skips path resolvers and wildcard implicit resolvers: there must be none.
    assert not frontmatter_yaml.NoteLoader.yaml_path_resolvers
    assert None not in frontmatter_yaml.NoteLoader.yaml_implicit_resolvers


def test_front_matter_deep_nesting_falls_back() -> None:
    text = "deep: " + "[" * 3000 + "]" * 3000 + "\n"
    assert _outcome(text, frontmatter_yaml.NoteLoader) == _outcome(text, _GeneralLoader)


# --- front matter: the simple shape read without the YAML parser --------------------------------

def _general(text: str) -> object:
    """The general loader's outcome, types shown (`1`, `True`, `'1'` and `1.0` differ)."""
    try:
        return repr(yaml.load(text, Loader=frontmatter_yaml.NoteLoader))
    except yaml.YAMLError:
        return "error"


def _simple_agrees(text: str) -> bool:
    """The simple reading declines `text` or gives what the general loader gives; and
    load_front_matter gives that too."""
    lines = text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
    simple = frontmatter_yaml.simple_front_matter(lines)
    if "\r" not in text:
        # As the parser hands it over from a CRLF note: each line with its "\r".
        assert simple == frontmatter_yaml.simple_front_matter([line + "\r" for line in lines])
    if simple is None:
        return True
    general = _general(text)
    assert repr(simple[0]) == general, text
    assert repr(frontmatter_yaml.load_front_matter(text)) == general
    if "\r" not in text:
        assert repr(frontmatter_yaml.load_front_matter(text.replace("\n", "\r\n"))) == general
    # Each key's line, as the parser finds them in the general case.
    key_lines: dict[str, int] = {}
    for at, line in enumerate(lines):
        match = parse.KEY_LINE_RE.match(line)
        if match:
            key_lines.setdefault(match.group(1).rstrip(" \t").strip("'\""), at + 2)
    assert {key: at + 2 for key, at in simple[1].items()} == key_lines
    return False


SIMPLE_DOCUMENTS = [
    "type: contact\ncompany: \"[[Acme]]\"\ncadence: 30d\nlast_contact: 2026-01-02\n",
    "with:\n  - \"[[Jane Doe]]\"\n  - Bob\ninterest: -2\nprivate: yes\nscore: 1.5\nnone: ~\n",
    "tags: [remote, networking]\naliases: [\"Jane D.\", 'J. Doe']\nempty: []\n",
    "a: 0x1F\nb: 0o17\nc: 1_000\nd: .inf\ne: -0.5\nf: 1e3\ng: 190:20:30\nh: +12\ni: 012\n",
    "a: Yes\nb: off\nc: NULL\nd: Null\ne: y\nf: n\ng: ON\nh: tRUE\n",
    "key:\nnext: 1\nlast:\n",
    "url: https://example.com/a:b\ntime: 2026-12-09T14:30\nemail: a@b.c\n",
    "quote: \"it's\"\nsingle: 'say \"hi\"'\nplain: O'Brien 6'2\"\n",
    "spaces:   wide   \nafter: \"q\"   \n",
    "unicode: Müller – Zoë\nname: 東京\n",
    "-1: minus key\n",
    "on: bool key\n",
    "true: bool key\nnull: null key\n",
    "tags: [a, b,]\n",
    "tags: [a,, b]\n",
    "tags: [\"a, b\"]\n",
    "tags: [a: b]\n",
    "tags: [[a]]\n",
    "tags: [ ]\n",
    "list:\n  - a\n  -\n  - b\n",
    "list:\n  - a\n    continued\n",
    "list:\n- a\n- b\n",
    "key: value\n  - not an item\n",
    "key: value\n  continued\n",
    "key: a: b\n",
    "key: a:\n",
    "key: a #comment\n",
    "key: \"a\" # comment\n",
    "key: \"a\\\\nb\"\n",
    "key: 'it''s'\n",
    "key: \"open\n",
    "key: |\n  block\n",
    "key: >\n  folded\n",
    "key: &a v\nother: *a\n",
    "key: !!str 1\n",
    "key: - a\n",
    "key: -\n",
    "key: ? a\n",
    "key:\tv\n",
    "key: v\t\n",
    "key: a\u2028b\n",
    "key: a\xa0b\n",
    "key: v\r\n",
    "key: =\n",
    "<<: {a: 1}\n",
    "key : v\n",
    "dup: 1\ndup: 2\n",
    "# comment\nkey: v\n",
    "key: v\n\nother: w\n",
    "key: v",
    "",
    "\n",
    "---\nkey: v\n",
]


@pytest.mark.parametrize("text", SIMPLE_DOCUMENTS)
def test_the_simple_front_matter_reading_is_the_loaders(text: str) -> None:
    _simple_agrees(text)


def test_the_simple_front_matter_reading_takes_the_common_shapes() -> None:
    # Not vacuous: the shapes of generated and hand-written notes go the simple way.
    for text in SIMPLE_DOCUMENTS[:10]:
        assert not _simple_agrees(text), text


_YAML_WORD_KEY = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True)
_YAML_ODD_KEY = st.sampled_from(["on", "yes", "No", "null", "true", "y", "Null", "<<", "=", "1",
                                 "a b", "~"])
# Every character that matters to YAML, in short values (most are declined)...
_HOSTILE_VALUE = st.text(alphabet="0123456789+-._eExXoObByYnNtTfFlLsuU~<=:!&*#'\" []{},|>%@`"
                                  "\\\tä\xa0\u2028", max_size=6)
# ... and values the simple reading takes, each resolved as YAML resolves it.
_YAML_VALUE = st.one_of(
    st.text(alphabet="ab01-. :_xoeE+/", max_size=8),
    st.sampled_from(["yes", "No", "on", "OFF", "true", "null", "~", "Null", "0x1F", "0o17",
                     "1_000", ".inf", "-.inf", ".NaN", "1e3", "1.5e-3", "190:20:30", "-1",
                     "+2", "012", "0b101", "2026-01-02", "2026-12-09T14:30", "Jane Doe",
                     "[[Jane Doe]]", "a'b", 'a"b', "x,y", "https://x.org/a:b"]),
)


@st.composite
def _simple_looking_documents(draw) -> str:
    lines = []
    values = _HOSTILE_VALUE if draw(st.integers(0, 3)) == 0 else _YAML_VALUE
    # Keys mostly distinct (a repeated key is declined).
    keys = draw(st.lists(_YAML_WORD_KEY if draw(st.integers(0, 3)) else _YAML_ODD_KEY,
                         min_size=5, max_size=5, unique=draw(st.integers(0, 4)) > 0))
    for key in keys[:draw(st.integers(0, 5))]:
        # The shapes the simple reading takes, often; those it declines, now and then.
        shape = draw(st.sampled_from(
            ["{k}: {v}", "{k}:", "{k}: \"{v}\"", "{k}: '{v}'", "{k}: [{v}, {v}]", "  - {v}",
             "  - \"{v}\"", "{k}: {v} ", "{k}:  {v}", "{k}: []", "{k}: ['{v}', \"{v}\"]"]
            if draw(st.integers(0, 7)) else
            ["- {v}", "    {v}", "", "# {v}", "   - {v}", "{k}: {{{v}}}", "{k}: [{v}]"]))
        lines.append(shape.format(k=key, v=draw(values)))
    return "".join(line + "\n" for line in lines)


@settings(max_examples=2000, deadline=None)
@given(_simple_looking_documents())
def test_any_front_matter_reads_as_by_the_loader(text: str) -> None:
    _simple_agrees(text)


@pytest.mark.parametrize("name", [
    "a.md", "a.md~", "~a.md", ".a.md.swp", ".a.swp", "a.swp", ".a.swo", ".a.swx", "..swp",
    "#a#", "#a.md", "a#", "#", "x.sync-conflict-1.md", "x.sync-conflict.md", ".#a.md", ".#",
    "a\n~", "a~\n", "A.MD~", "Jane Doe.md",
])
def test_skipped_names_match_the_fnmatch_patterns(name: str) -> None:
    expected = any(fnmatch.fnmatchcase(name, p) for p in vault._SKIP_FILE_PATTERNS)
    assert vault.is_skipped(name) is expected
    assert vault.is_skipped("folder/" + name) is expected



def _heading_by_regex(line: str) -> tuple[int, str] | None:
    match = parse.HEADING_RE.match(line)
    return (len(match.group(1)), match.group(2).strip()) if match else None


@pytest.mark.parametrize("line", [
    "# Title", "## What I learned", "###### Six", "####### Seven", "#NoSpace", "#", "# ",
    "#\t", "   # Three spaces", "    # Four spaces", "\t# Tab", "# Title ##", "# Title ##  ",
    "# Title#", "# A # B ##", "# ##", "# # #", "# Title \xa0##", "# Title ##\xa0",
    "# \xa0Title\xa0", "## Closing \t#\t ", "# Ends with hash#",
])
def test_heading_matches_the_regex(line: str) -> None:
    heading = parse._heading(line, 3)
    got = (heading.level, heading.text) if heading else None
    assert got == _heading_by_regex(line)


def test_heading_matches_the_regex_on_every_short_line() -> None:
    # Every line of up to six characters from the characters that matter, after an opening.
    for size in range(7):
        for chars in itertools.product(" \t#a\xa0", repeat=size):
            for opening in ("#", "# ", "## ", " #\t"):
                line = opening + "".join(chars)
                heading = parse._heading(line, 1)
                assert ((heading.level, heading.text) if heading else None) \
                    == _heading_by_regex(line), repr(line)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_lines_read_without_endings_keep_lines_and_offsets(newline: str) -> None:
    # The parser reads lines without their "\n": a link in a block scalar still gets the line
    # it stands on, and a block's offsets still count every line ending.
    text = newline.join([
        "---", "type: interview", "date: 2026-01-02", "with: |", "  [[Jane Doe]]", "---",
        "# Met Jane", "<!-- vault-tools:backlinks -->", "- old", "<!-- /vault-tools:backlinks -->",
        "[[Acme]]",
    ])
    note = parse_note("interviews/x.md", text)
    assert [(link.target, link.line) for link in note.links] == [("Jane Doe", 5), ("Acme", 11)]
    block = note.blocks[0]
    assert text[block.start:block.end] == "- old" + newline


def test_headings_keep_their_inline_code() -> None:
    # Code spans are blanked out for finding links, but they are part of a heading's text;
    # the title shows the code without its backticks, as the page does.
    note = parse_note("n.md", "# Use `git` daily\n\n## The `[[x]]` syntax #\n")
    assert [h.text for h in note.headings] == ["Use `git` daily", "The `[[x]]` syntax"]
    assert note.title == "Use git daily"
    assert note.links == ()


# --- a parse without contexts (what `check` reads) ----------------------------------------------

_NOTE_PIECES = st.sampled_from([
    "[[Ann]]", "![[Bob|B]]", "[c](Cy.md)", "word", ". ", "? ", "\n", "\n\n", "\n- ", "\n  ",
    "\n- [ ] task 📅 2026-01-02", "\n# Head [[Dee]]", "<!--", "-->", "%%", "`", "\n```\n",
    "x" * 70, "<!-- vault-tools:related -->\n", "<!-- /vault-tools:related -->\n",
    "---\ntype: contact\nintroduced_by: \"[[Eve]]\"\n---\n",
])


def _without_body_contexts(note):
    return [link._replace(context="") if link.field is None else link for link in note.links]


@settings(max_examples=300, deadline=None)
@given(st.lists(_NOTE_PIECES, max_size=40))
def test_a_parse_without_contexts_differs_only_in_the_body_links_contexts(pieces) -> None:
    text = "".join(pieces)
    full = parse_note("contacts/x.md", text)
    bare = parse_note("contacts/x.md", text, contexts=False)
    assert bare.links == tuple(_without_body_contexts(full))
    assert bare == dataclasses.replace(full, links=bare.links)


def test_check_reads_the_vault_without_contexts_and_reports_the_same(tmp_path) -> None:
    notes = tmp_path / "notes"
    (notes / "contacts").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("docs_dir: notes\nplugins:\n  - vault\n")
    (notes / "contacts" / "Ann.md").write_text(
        "---\ntype: contact\n---\n\nMet [[Bob]] at the fair. Then [[Nobody]] called.\n")
    (notes / "contacts" / "Bob.md").write_text("# Bob\n\nSee [[Ann]].\n")
    found = vault.find_vault(tmp_path)
    bare = vault.load_index(found, contexts=False)
    full = vault.load_index(found)
    assert bare.diagnostics() == full.diagnostics()
    assert [link.context for link in bare.get("contacts/Ann.md").links] == ["", ""]
    assert [link.context for link in full.get("contacts/Ann.md").links] == [
        "Met [[Bob]] at the fair.", "Then [[Nobody]] called."]


def _lines_by_the_loop(text: str) -> list[str]:
    """split_lines by its general route: each bare line plus the one character that ends it."""
    out, at = [], 0
    for line in parse._bare_lines(text):
        out.append(text[at:at + len(line) + 1])
        at += len(line) + 1
    return out


@given(st.text(alphabet="a\r\n\x0c\u2028\u0085 ", max_size=30))
@settings(max_examples=500, deadline=None)
def test_split_lines_without_a_lone_cr_is_the_general_split(text: str) -> None:
    """Without a lone CR split_lines splits at "\\n" directly; with one it walks the lines: the
    two agree on every text, and the lines put together are the text."""
    assert parse.split_lines(text) == _lines_by_the_loop(text)
    assert "".join(parse.split_lines(text)) == text


# --- a task's due date at its end, read without the sign patterns -------------------------------

_TASK_PREFIX = st.text(alphabet="ab 1-:^[]()#\t\u00a0📅⏳🔁🔼✅\ufe0fdue٣", max_size=20)
_TASK_DAY = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.text(alphabet="0123456789-٣x", min_size=10, max_size=10),  # not dates, not ASCII
)
_TASK_SIGN = st.sampled_from(["📅 ", "📅  ", "📅", "📅\ufe0f ", " due:", "due:", "xdue:", " due: ",
                              "📆 ", "⏳ "])


@settings(max_examples=1000, deadline=None)
@given(prefix=_TASK_PREFIX, sign=_TASK_SIGN, day=_TASK_DAY, tail=st.sampled_from(["", " ", "x"]))
def test_a_due_date_ending_a_task_reads_as_the_full_reading(
    prefix: str, sign: str, day: str, tail: str,
) -> None:
    text = prefix + sign + day + tail
    fast = parse._due_at_end(text)
    if fast is not None:
        assert fast == parse._read_signs(text)
    assert parse.read_task_text(text) == parse._read_signs(text)


@pytest.mark.parametrize("text", [
    "Call Jane 📅 2026-12-05", "Call  Jane\t📅 2026-12-05", "📅 2026-12-05", " 📅 2026-12-05",
    "Call Jane due:2026-12-05", "due:2026-12-05", "Call 📅 2026-02-30", "Call 📅 2026-1-05x",
    "Call ⏳ 2026-12-01 📅 2026-12-05", "a ^id 📅 2026-12-05", "a [x:: y] due:2026-12-05",
])
def test_the_dated_task_fast_path_on_its_edges(text: str) -> None:
    fast = parse._due_at_end(text)
    assert fast is None or fast == parse._read_signs(text)
    assert parse.read_task_text(text) == parse._read_signs(text)


def test_the_dated_task_fast_path_takes_the_common_tasks() -> None:
    # Not vacuous: the two spellings the benchmark vault's dated tasks use go the fast way.
    assert parse._due_at_end("Call  Jane 📅 2026-12-05") == parse.TaskText(
        "Call Jane", dt.date(2026, 12, 5))
    assert parse._due_at_end("Call Jane due:2026-12-05") == parse.TaskText(
        "Call Jane", dt.date(2026, 12, 5))
    assert parse._due_at_end("Call Jane 📅 2026-02-30") is None  # reported by the full reading


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab 1-:^[]()#\t\u00a0📅⏳🔁🔼✅\ufe0fdue٣", max_size=40))
def test_a_task_read_at_a_glance_or_the_fast_way_reads_as_the_full_reading(text: str) -> None:
    # The glance (ASCII texts asked without the pattern) and the dated fast path together give
    # what the full reading of every sign, field and block id gives.
    assert parse._may_hold_sign(text) == (parse._MAY_HOLD_SIGN_RE.search(text) is not None)
    assert parse.read_task_text(text) == parse._read_signs(text)


# --- blocks: the quote of a backlink ------------------------------------------------------------

_QUOTE_TEXT = st.text(alphabet="ab !#>|*+-1٣.)[]()<>\"x.md:/ \t", max_size=40)


@settings(max_examples=1000, deadline=None)
@given(_QUOTE_TEXT)
def test_the_link_pattern_with_its_lookahead_finds_what_the_plain_one_finds(text: str) -> None:
    plain = re.compile(blocks._ANY_LINK_PATTERN)
    assert [m.span() for m in blocks._ANY_LINK_RE.finditer(text)] == \
        [m.span() for m in plain.finditer(text)]


def _clean_by_sub(context: str) -> str:
    """_clean_context's markup stripping as it was written: three substitutions."""
    text = " ".join(context.split())
    if text[:1] in blocks._MARKUP_LEADS:
        for _ in range(3):
            text = blocks._LEADING_MARKUP.sub("", text, count=1)
    return text


@settings(max_examples=1000, deadline=None)
@given(_QUOTE_TEXT)
def test_a_quote_loses_its_leading_markup_as_by_three_substitutions(text: str) -> None:
    cleaned = blocks._clean_context(text)
    # Block ids, comments and comment fences are the later guards' business, not the markup's.
    if ("^" not in text and "%" not in text and "<" not in text and "-->" not in text
            and len(text) < 100):
        assert cleaned == _clean_by_sub(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="[]#|\\ a.mdM!\t^", max_size=30))
def test_any_line_links_as_by_the_general_split(line: str) -> None:
    # _wikilinks reads a plain [[Name]] without _link_parts: the same links on any line.
    assert parse._wikilinks(line, 7, "ctx") == _general_wikilinks(line)


@settings(max_examples=1000, deadline=None)
@given(opening=st.sampled_from(["#", "# ", "## ", "   ### ", "###### ", "####### ", "#\t"]),
       rest=st.text(alphabet="#ab `\t/1", max_size=20))
def test_a_heading_line_has_the_tags_a_full_tag_scan_finds(opening: str, rest: str) -> None:
    # A heading whose only #s are its opening is not scanned for tags: the same tags.
    line = opening + rest
    note = parse_note("n.md", "Intro.\n\n" + line + "\n")
    expected = parse._inline_tags(parse._blank_code_spans(line.rstrip()), 3)
    assert list(note.inline_tags) == expected


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=30))
def test_a_loose_heading_keeps_the_alphanumeric_runs(text: str) -> None:
    # index._loose_heading reads runs with a pattern; the character-by-character reading:
    shown = index.heading_shown(text)
    by_char = " ".join("".join(c if c.isalnum() else " " for c in shown).split())
    assert index._loose_heading(text) == by_char


def test_front_matter_lines_read_again_give_equal_values_and_no_shared_list() -> None:
    # The simple reading keeps what it read of a line for the next note; never a list, which
    # a note's reader could change under another note's feet.
    text = "status: done\ntags: [x, y]\nwith:\n  - a\nscore: 1.5\n"
    first, again = (frontmatter_yaml.load_front_matter(text) for _ in range(2))
    assert first == again == {"status": "done", "tags": ["x", "y"], "with": ["a"], "score": 1.5}
    assert first["tags"] is not again["tags"] and first["with"] is not again["with"]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab #|\\\t[]\n", max_size=16))
def test_a_link_field_names_the_target_the_general_split_names(value: str) -> None:
    # _FieldContext.links reads a plain [[Name]] without _split_wikilink: the same target.
    item = parse.one_line(value)
    match = parse.WIKILINK_RE.search(item)
    target = parse._split_wikilink(match.group(1))[0] if match else item
    expected = (target,) if value.strip() and target else ()
    assert parse._FieldContext("n.md", {"company": value}, {}, []).links("company") == expected


def test_a_note_built_without_its_init_is_the_note_its_init_builds() -> None:
    # parse_note builds its Note through notes.new_note: every field set, in order, as
    # Note(...) sets them, and nothing Note's __init__ would do besides.
    note = parse_note("contacts/Ann.md", "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n"
                                         "# Ann\n\n- [ ] Call [[Bob]] 📅 2026-01-02 #todo\n")
    fields = [field.name for field in dataclasses.fields(Note)]
    assert list(vars(note)) == fields
    rebuilt = Note(**{name: getattr(note, name) for name in fields})
    assert note == rebuilt and repr(note) == repr(rebuilt)
    # No larger: its dict shares its keys with every Note's, as the __init__'s does.
    assert sys.getsizeof(vars(note)) <= sys.getsizeof(vars(rebuilt))
    assert not hasattr(Note, "__post_init__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.title = "changed"  # type: ignore[misc]


def test_front_matter_memos_keep_no_long_line_or_key() -> None:
    # A vault of long made-up lines and keys must not fill the memos with them (each could
    # be a front matter's 256 Ki characters, times thousands of entries).
    for n in range(50):
        text = f"k{n}: " + "x" * 10_000 + "\n" + "k" * 10_000 + f"{n}: v\n"
        assert frontmatter_yaml.load_front_matter(text)[f"k{n}"] == "x" * 10_000
    assert all(len(line) <= frontmatter_yaml._KEPT_LENGTH for line in frontmatter_yaml._KEY_LINES)
    assert all(len(key) <= frontmatter_yaml._KEPT_LENGTH for key in frontmatter_yaml._WORD_KEYS)
    assert len(frontmatter_yaml._KEY_LINES) <= frontmatter_yaml._KEY_LINES_KEPT


@pytest.mark.parametrize("size", [0, 1, 4096, vault.MAX_NOTE_BYTES, vault.MAX_NOTE_BYTES + 1])
def test_a_note_read_by_its_descriptor_is_its_bytes_or_too_large(tmp_path, size: int) -> None:
    # read_file reads with os.read, not a file object: every byte, or too-large with the
    # note's head, as read_bounded (a file object's read) gives them.
    (tmp_path / "notes").mkdir()
    (tmp_path / "mkdocs.yml").write_text("docs_dir: notes\nplugins:\n  - vault\n")
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    (tmp_path / "notes" / "n.md").write_bytes(data)
    found = vault.find_vault(tmp_path)
    for walked in (True, False):
        read = vault.read_file(found, "n.md", walked=walked)
        if size <= vault.MAX_NOTE_BYTES:
            assert read == data == vault.read_bounded(tmp_path / "notes" / "n.md")
        else:
            assert isinstance(read, vault.NoteTooLargeError)
            assert read.size == size and read.head == data[:vault._HEAD_BYTES]
