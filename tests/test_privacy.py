"""What counts as private (§7), decided by `privacy.note_visibility` for every reader: any
spelling of the key, an empty, non-boolean or duplicated value keeps a note private and is
reported; `publish: false` and `draft: true` keep it off the site; Obsidian comments are no
content; a lone "\\r" ends a line as MkDocs reads it."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools import frontmatter_yaml
from vault_tools.parse import parse_note, split_lines
from vault_tools.privacy import (
    looks_private_front_matter,
    note_visibility,
    split_bare_lines,
    strip_comments,
    strip_comments_from_text,
)


def published(text: str, path: str = "contacts/X.md") -> bool:
    """Whether the site would publish a note with this text: what the plugin asks (the parsed
    note's `private`, and for a front matter YAML refused, the raw check)."""
    note = parse_note(path, text)
    if any(d.code == "yaml-error" for d in note.diagnostics):
        return not looks_private_front_matter(text)
    return not note.private


def codes(text: str) -> list[tuple[int | None, str]]:
    return [(d.line, d.code) for d in parse_note("x.md", text).diagnostics]


# --- the rule, case by case ----------------------------------------------------------------------


@pytest.mark.parametrize(("front", "expected"), [
    ("private: true", []),
    ("Private: true", [(2, "bad-value")]),
    ("PRIVATE: yes", [(2, "bad-value")]),
    ("Private: false", [(2, "bad-value")]),  # not the key as written: private, and said so
    ("private:", [(2, "bad-value")]),
    ("private: ''", [(2, "bad-value")]),
    ("private: maybe", [(2, "bad-value")]),
    ("private: 'false'", [(2, "bad-value")]),  # a string, not a boolean
    ("private: 0", [(2, "bad-value")]),
    ("private: [false]", [(2, "bad-value")]),
    ("private: true\nprivate: false", [(3, "duplicate-key")]),
    ("private: false\nprivate: false", [(3, "duplicate-key")]),
    ("private: false\nPrivate: false", [(3, "bad-value"), (3, "duplicate-key")]),
    ('"private": true', []),
])
def test_anything_but_a_clear_private_false_keeps_a_note_private(
    front: str, expected: list[tuple[int, str]]
) -> None:
    text = f"---\n{front}\n---\n\n# Secret Person\n"
    assert not published(text)
    assert parse_note("x.md", text).private
    assert codes(text) == expected


@pytest.mark.parametrize("front", ["private: false", "private: no", "type: contact", ""])
def test_a_clear_false_or_no_key_is_public(front: str) -> None:
    text = f"---\n{front}\n---\n\n# Open Person\n"
    assert published(text)
    assert codes(text) == []


@pytest.mark.parametrize(("front", "reported"), [
    ("publish: false", False), ("Publish: false", False), ("draft: true", False),
    ("DRAFT: true", False), ("publish: 'no'", True), ("draft: 1", True), ("publish:", True),
    ("draft: true\ndraft: false", True),
])
def test_publish_false_and_draft_true_keep_a_note_off_the_site(front: str, reported: bool) -> None:
    text = f"---\n{front}\n---\n\n# Draft\n"
    assert not published(text)
    visibility = note_visibility(parse_note("x.md", text).meta)
    assert not visibility.secret  # a draft's name is no secret (the leak scan ignores it)
    assert bool(codes(text)) is reported


@pytest.mark.parametrize("front", ["publish: true", "draft: false", "Draft: false"])
def test_publish_true_and_draft_false_publish(front: str) -> None:
    assert published(f"---\n{front}\n---\n\n# Ready\n")


def test_a_front_matter_yaml_refuses_is_private_when_any_spelling_says_so() -> None:
    for line in ("Private: true", "PRIVATE: no", "private:", "draft: true", "publish: false",
                 "'private': 1"):
        text = f"---\n{line}\ntags: [unclosed\n---\n# X\n"
        assert not published(text), line
    assert published("---\nprivate: false\ntags: [unclosed\n---\n# X\n")
    # The raw check reads lines as the parser does: a lone "\r" ends one.
    assert looks_private_front_matter("---\rPrivate: true\rtags: [x\r---\r")


# --- duplicate keys, for every key ------------------------------------------------------------


def test_every_key_written_twice_is_reported_at_its_second_line() -> None:
    text = "---\ntype: contact\nrole: Analyst\nrole: Lead\nnested:\n  a: 1\n  a: 2\n---\n"
    note = parse_note("contacts/X.md", text)
    dups = [(d.line, d.code, d.severity) for d in note.diagnostics]
    assert dups == [(4, "duplicate-key", "warning"), (7, "duplicate-key", "warning")]
    assert "role: written more than once" in note.diagnostics[0].message
    assert not note.private


@pytest.mark.parametrize("text", [
    "a: 1\nb: 2\na: 3\n",  # the direct constructor
    "x: &v 1\na: *v\na: 2\n",  # an alias: PyYAML's general constructor
    "base: &b {k: 1}\nm:\n  <<: *b\n  k: 2\n",  # a merge key overriding is no duplicate
])
def test_the_loader_reports_duplicates_on_both_of_its_ways(text: str) -> None:
    found: list[tuple[str, int]] = []
    frontmatter_yaml.load_front_matter(text, first_line=2, duplicates=found)
    expected = [] if "<<" in text else [("a", 4)]
    assert found == expected
    # ...and builds the very value PyYAML builds.
    assert frontmatter_yaml.load_front_matter(text) == yaml.safe_load(text)


# --- line endings ------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_newline_style_reads_the_same_front_matter_and_lines(newline: str) -> None:
    lines = ["---", "type: contact", "private: true", "---", "", "# Jane",
             "Met [[Acme]] today.", "- [ ] follow up"]
    text = newline.join(lines) + newline
    note = parse_note("contacts/Jane.md", text)
    assert note.private and note.type == "contact" and note.newline == newline
    assert [(link.target, link.line) for link in note.links] == [("Acme", 7)]
    assert [task.line for task in note.tasks] == [8]
    assert "".join(split_lines(text)) == text and len(split_lines(text)) == len(lines)


def test_mixed_line_endings_keep_offsets() -> None:
    text = "a\rb\r\nc\nd"
    assert split_bare_lines(text) == ["a", "b\r", "c", "d"]
    assert split_lines(text) == ["a\r", "b\r\n", "c\n", "d"]


# --- Obsidian comments ------------------------------------------------------------------------


def test_obsidian_comments_hold_no_links_and_no_tasks() -> None:
    text = ("Seen [[A]] %% unseen [[B]] %% seen [[C]]\n"
            "%%\n- [ ] hidden task [[D]]\n%%\n"
            "- [ ] call [[E]] %% aside %% soon\n"
            "`%%` in code, then [[F]]\n")
    note = parse_note("x.md", text)
    assert [link.target for link in note.links] == ["A", "C", "E", "F"]
    assert [task.text for task in note.tasks] == ["call [[E]] soon"]


def test_comments_are_blanked_in_place() -> None:
    assert strip_comments("a %% b %% c", False) == ("a         c", False)
    assert strip_comments("a %% b", False) == ("a     ", True)
    assert strip_comments("b %% c", True) == ("     c", False)
    assert strip_comments("`%%` x %%y", False) == ("`%%` x    ", True)
    text = "keep\n```\n%% code %%\n```\n%% gone\nstill gone\n%% back\n"
    out = strip_comments_from_text(text)
    assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert "code" in out and "gone" not in out and "back" in out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="%`ab \n[]", max_size=60))
def test_stripping_comments_keeps_length_and_lines(text: str) -> None:
    out = strip_comments_from_text(text)
    assert len(out) == len(text)
    assert [i for i, c in enumerate(out) if c == "\n"] == [i for i, c in enumerate(text)
                                                          if c == "\n"]
    assert all(c == o or o == " " for c, o in zip(text, out, strict=True))


# --- the property: no spelling or value of the key publishes a note --------------------------


def _spellings(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(c.upper() if u else c for c, u in zip(word, upper, strict=True)))


_KEYS = st.tuples(_spellings("private"), st.sampled_from(["", "'", '"']),
                  st.sampled_from(["", " "])).map(lambda t: f"{t[1]}{t[0]}{t[1]}{t[2]}")
_VALUES = st.one_of(
    st.sampled_from(["", "true", "false", "False", "FALSE", "no", "No", "off", "0", "1", "yes",
                     "'false'", '"no"', "null", "~", "[]", "{}", "[false]", "false # no",
                     "!!bool false", "!!str false", "''", "maybe", "n", "y"]),
    st.text(alphabet="aefilnorstuy01 '\"#:[]{}!~-", max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(key=_KEYS, value=_VALUES, newline=st.sampled_from(["\n", "\r\n", "\r"]),
       twice=st.one_of(st.none(), st.tuples(_KEYS, _VALUES)))
def test_no_spelling_of_the_private_key_publishes_unless_it_is_a_clear_false(
    key: str, value: str, newline: str, twice: tuple[str, str] | None
) -> None:
    lines = ["---", "type: contact", f"{key}: {value}"]
    if twice is not None:
        lines.append(f"{twice[0]}: {twice[1]}")
    lines += ["---", "", "# Secret Person", "Words only the user may read."]
    text = newline.join(lines) + newline
    if not published(text):
        return
    # Published: then it was the one key, written `private`, holding YAML's false.
    assert twice is None
    assert key.strip("'\" ") == "private"
    assert yaml.safe_load(f"v: {value}\n")["v"] is False


def test_a_note_yaml_refuses_that_says_private_is_private_for_every_reader() -> None:
    note = parse_note("contacts/X.md", "---\nprivate: true\ntags: [unclosed\n---\n\nHidden.\n")
    assert note.private and [d.code for d in note.diagnostics] == ["yaml-error"]
    assert not parse_note("x.md", "---\nprivate: false\ntags: [x\n---\n").private


def test_a_full_width_private_key_counts_too() -> None:
    text = "---\nｐｒｉｖａｔｅ: false\n---\n\n# Wide\n"
    assert not published(text)
    assert not published("---\nＰｒｉｖａｔｅ: true\ntags: [x\n---\n")


# --- the sentence around a link ----------------------------------------------------------------

_PIECES = st.sampled_from(["[[Ann]]", "[[Bob|B]]", "word", "words here", ". ", "? ", "\n",
                           "\n\n", "\n- ", "\n  ", "x" * 70, "%%", "`", "[b](Bob.md)", ", "])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_a_links_context_holds_the_link_and_is_bounded(pieces: list[str]) -> None:
    text = "".join(pieces)
    note = parse_note("x.md", text)
    for link in note.links:
        assert len(link.context) <= 160 + 2, link
        written = "[[Ann]]" if link.target == "Ann" and link.kind == "wiki" else None
        if written is not None:
            assert written in link.context, link
