"""One front-matter key set by a one-line edit, every other byte kept (DESIGN §6, issue #20)."""

from __future__ import annotations

import datetime as dt
import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vault_tools.edit.frontmatter_lines import (
    FrontMatterEditError,
    key_line,
    set_key,
    yaml_scalar,
)
from vault_tools.frontmatter_yaml import load_front_matter
from vault_tools.parse import parse_note, split_lines

DAY = dt.date(2026, 11, 21)


def front_matter(text: str) -> dict:
    """The front matter as YAML reads it (BOM and line endings as the parser takes them)."""
    lines = split_lines(text.removeprefix("\ufeff"))
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") in ("---", "..."))
    data = load_front_matter("".join(line.rstrip("\r\n") + "\n" for line in lines[1:close]))
    return data or {}


def changed_span(old: str, new: str) -> tuple[str, str]:
    """(what of `old` was replaced, what replaced it): the one differing middle."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[start:len(old) - end], new[start:len(new) - end]


# --- examples ---------------------------------------------------------------------------------


def test_an_absent_key_is_inserted_before_the_closing_fence() -> None:
    text = "---\ntype: contact\n# a comment\ncompany: \"[[Acme]]\"\n---\n# Jane\n"
    assert set_key(text, "last_contact", DAY) == (
        "---\ntype: contact\n# a comment\ncompany: \"[[Acme]]\"\nlast_contact: 2026-11-21\n"
        "---\n# Jane\n")


def test_a_key_is_replaced_in_place_keeping_its_comment_and_line_ending() -> None:
    text = "\ufeff---\r\nstatus: 'asked'   # since the fair\r\ncadence: 3m\n---\r\nbody\r\n"
    new = set_key(text, "status", "no-response")
    assert new == ("\ufeff---\r\nstatus: no-response   # since the fair\r\ncadence: 3m\n---\r\n"
                   "body\r\n")


def test_the_inserted_line_takes_the_line_ending_of_the_line_above_it() -> None:
    text = "---\r\ntype: contact\r\n---\r\n"
    assert set_key(text, "asked", DAY) == "---\r\ntype: contact\r\nasked: 2026-11-21\r\n---\r\n"


def test_a_note_without_front_matter_gets_one_after_its_bom() -> None:
    assert set_key("\ufeff# Jane\r\n\r\ntext", "thank_you", DAY) == (
        "\ufeff---\r\nthank_you: 2026-11-21\r\n---\r\n# Jane\r\n\r\ntext")
    assert set_key("", "thank_you", DAY) == "---\nthank_you: 2026-11-21\n---\n"


def test_a_quoted_key_is_the_same_key() -> None:
    text = '---\n"nudged": 2026-01-01\n---\n'
    assert set_key(text, "nudged", DAY) == '---\n"nudged": 2026-11-21\n---\n'


@pytest.mark.parametrize("value, written", [
    ("no-response", "no-response"), ("yes", '"yes"'), ("12", '"12"'), ("null", '"null"'),
    ("a: b", '"a: b"'), ("# x", '"# x"'), ("", '""'), ("two\nlines", '"two\\nlines"'),
    ("say \"hi\"", '"say \\"hi\\""'), ("back\\slash", '"back\\\\slash"'),
    (dt.date(2026, 1, 2), "2026-01-02"),
])
def test_values_are_written_so_that_they_read_back_as_themselves(value, written) -> None:
    assert yaml_scalar(value) == written
    new = set_key("---\ntype: contact\n---\n", "status", value)
    expected = value.isoformat() if isinstance(value, dt.date) else value
    assert front_matter(new)["status"] == expected


@pytest.mark.parametrize("text, line, words", [
    ("---\nk: |\n  block\n---\n", 2, "several lines"),
    ("---\nk:\n- a\n- b\n---\n", 2, "several lines"),
    ("---\nk:\n  - a\n---\n", 2, "several lines"),
    ("---\nk: [a, b]\n---\n", 2, "not a single value"),
    ("---\nk: &anchor v\nj: *anchor\n---\n", 2, "not a single value"),
    ("---\nk: 'open\n  quote'\n---\n", 2, "several lines"),
    ("---\nk: 1\nx: 2\nk: 3\n---\n", 4, "written more than once (lines 2, 4)"),
    ("---\nk: v\n", 1, "never closed"),
    ("---\nk: [v\n---\n", 3, "does not parse"),
    ("---\n- a list\n---\n", 2, "not a mapping"),
])
def test_what_a_line_edit_would_guess_at_is_refused_naming_the_line(text, line, words) -> None:
    with pytest.raises(FrontMatterEditError) as caught:
        set_key(text, "k", "v", "contacts/Jane.md")
    assert f"contacts/Jane.md:{line}:" in str(caught.value)
    assert words in str(caught.value)


def test_an_indented_mapping_is_refused_rather_than_broken() -> None:
    with pytest.raises(FrontMatterEditError, match="change how the front matter reads"):
        set_key("---\n  type: contact\n---\n", "asked", DAY, "n.md")


def test_key_line_names_the_line_set() -> None:
    new = set_key("\ufeff---\ntype: contact\n---\n", "asked", DAY)
    assert key_line(new, "asked") == 3
    assert key_line(new, "nudged") is None
    assert key_line("no front matter", "asked") is None


def test_the_parser_reads_the_date_written() -> None:
    new = set_key("---\ntype: contact\nlast_contact: 2020-01-01\n---\n# Jane\n",
                  "last_contact", DAY)
    note = parse_note("contacts/Jane.md", new)
    assert note.fields.last_contact == DAY and not note.diagnostics


# --- the promise: one line, every other byte kept ---------------------------------------------

KEYS = st.sampled_from(["type", "status", "asked", "last_contact", "tags", "x-y", "note_1"])
NEWLINES = st.sampled_from(["\n", "\r\n"])
WORD = st.text(st.sampled_from("abcXYZ019 -_.:#'\"[]{}é😀"), min_size=0, max_size=12)


@st.composite
def scalar_line(draw, key: str) -> str:
    """A key's value as people write it: plain, quoted, a date, a number, empty; a comment."""
    value = draw(st.one_of(
        st.just(""), st.just("2026-01-01"), st.integers(-5, 5).map(str),
        WORD.map(str.strip).filter(lambda w: w and w[0] not in "|>[]{}&*!%@`'\"#-:?,"
                                   and ": " not in w and " #" not in w
                                   and not w.endswith(":")),
        WORD.map(lambda w: "'" + w.replace("'", "''") + "'"),
        WORD.map(lambda w: '"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    ))
    comment = draw(st.sampled_from(["", "  # why", " #x"]))
    quoted = draw(st.sampled_from([key, f'"{key}"']))
    return f"{quoted}: {value}{comment}"


@st.composite
def notes(draw) -> str:
    """A note with or without front matter: scalar keys, a block list, comments, blank lines,
    either newline on each line, a BOM or not, and a body."""
    keys = draw(st.lists(KEYS, unique=True, max_size=5))
    lines: list[str] = []
    for key in keys:
        if key == "tags":
            lines += ["tags:", "  - a", "  - b"]  # a list elsewhere in the front matter
        else:
            lines.append(draw(scalar_line(key)))
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["# a comment", "", "#"])))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    body = draw(st.text(st.sampled_from("ab -\n\r#[]"), max_size=30))
    if draw(st.booleans()):
        text = "".join(line + draw(NEWLINES) for line in ["---", *lines, "---"])
    else:
        text = ""
        body = body.lstrip("-")  # a body of its own, not a fence
    return bom + text + body


@given(notes(), KEYS.filter(lambda k: k != "tags"),
       st.one_of(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.text(max_size=20)))
def test_setting_a_key_changes_one_line_and_that_key_only(text, key, value) -> None:
    bare = text.removeprefix("\ufeff")
    has_front = bare.startswith("---")
    new = set_key(text, key, value)  # scalars on one line: never refused
    expected = dict(front_matter(text)) if has_front else {}
    expected[key] = value.isoformat() if isinstance(value, dt.date) else value
    assert front_matter(new) == expected
    old_lines, new_lines = split_lines(text), split_lines(new)
    if not has_front:
        first = split_lines(bare)[0] if bare else "\n"  # the note's first line ending
        nl = first[len(first.rstrip("\r\n")):] or "\n"
        bom = text[:len(text) - len(bare)]
        assert new == f"{bom}---{nl}{key}: {yaml_scalar(value)}{nl}---{nl}{bare}"
    elif len(new_lines) == len(old_lines):
        differ = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
        if not differ:  # the value was written so already
            assert new == text
            return
        assert len(differ) == 1
        old_line = old_lines[differ[0]]
        assert old_line.removeprefix("\ufeff").lstrip('"').startswith(key)
        # Its line ending and any comment stay.
        assert new_lines[differ[0]].endswith(old_line[len(old_line.rstrip("\r\n")):])
        old_body = old_line.rstrip("\r\n")
        for comment in ("  # why", " #x"):
            if old_body.endswith(comment):
                assert new_lines[differ[0]].rstrip("\r\n").endswith(comment)
    else:
        assert len(new_lines) == len(old_lines) + 1
        at = next(i for i, line in enumerate(new_lines) if line.startswith(f"{key}: "))
        assert new_lines[:at] + new_lines[at + 1:] == old_lines
        assert new_lines[at].rstrip("\r\n") == f"{key}: {yaml_scalar(value)}"


def test_a_key_yaml_reads_but_no_line_starts_is_refused_not_written_twice() -> None:
    # `? key` / `: value`, YAML's explicit key: the key is there, on no `key:` line.
    text = "---\ntype: interview\n? thank_you\n: 2020-01-01\n---\n"
    with pytest.raises(FrontMatterEditError, match="thank_you"):
        set_key(text, "thank_you", dt.date(2026, 12, 1), "n.md")


def test_explicit_keys_elsewhere_are_refused_too() -> None:
    # `? thank_you` with no value, and a `thank_you:` line: YAML reads the key twice.
    text = "---\n? thank_you\nthank_you: 2020-01-01\n---\n"
    with pytest.raises(FrontMatterEditError, match=r"n\.md:2: .*explicit `\? key`"):
        set_key(text, "thank_you", dt.date(2026, 12, 1), "n.md")


# Lines of front matter a line edit could trip on: the key in a block scalar, in a quoted
# string running over lines, explicit keys, anchors, flow collections over lines, another
# case, a fence-like line, tabs.
HOSTILE = ["type: interview", "thank_you: 2020-01-01", "thank_you:", "thank_you: ~", "# c", "",
           "notes: |", "  thank_you: x", "tags:", "- a", "  - b", "'thank_you': 1",
           "thank_you: 'a # b' # c", "x: [1,", "  2]", 'thank_you: "a', '  b"', "? thank_you",
           ": 3", "thank_you: &a 1", "y: *a", "Thank_You: 4", "thank_you : 5", "...", "z: >-",
           "   folded", "thank_you: 2020-01-01\t# t", "\tthank_you: 6", "k: v # thank_you: 7",
           "thank_you: [1]", "thank_you: !!str x", "thank_you: 'it''s'", "a: 'x", "thank_you: y'"]


@given(st.lists(st.sampled_from(HOSTILE), max_size=8), st.sampled_from(["\n", "\r\n", "\r"]),
       st.sampled_from(["---", "...", "--- "]))
def test_any_front_matter_is_refused_or_changed_by_exactly_one_line(lines, nl, close) -> None:
    text = "---" + nl + "".join(line + nl for line in lines) + close + nl + "body" + nl
    try:
        new = set_key(text, "thank_you", DAY, "n.md")
    except FrontMatterEditError:
        return
    old_lines, new_lines = split_lines(text), split_lines(new)
    changed = [op for op in difflib.SequenceMatcher(a=old_lines, b=new_lines,
                                                    autojunk=False).get_opcodes()
               if op[0] != "equal"]
    assert len(changed) == 1
    tag, i1, i2, j1, j2 = changed[0]
    assert j2 - j1 == 1 and (tag, i2 - i1) in {("insert", 0), ("replace", 1)}
    note = parse_note("interviews/n.md", new)
    assert note.meta["thank_you"] == DAY.isoformat() or note.meta["thank_you"] == DAY
    assert not [d for d in note.diagnostics if d.code == "duplicate-key"
                and "thank_you" in d.message]
