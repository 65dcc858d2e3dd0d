"""Python-Markdown stays linear on hostile notes (DESIGN §9, issue #14 item 15): the guard
makes the paragraphs that would cost it quadratic time plain text, and leaves ordinary Markdown
as it is."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vault_tools.site.markdown_guard import guard_markdown

from .conftest import DEMO_VAULT

# The extensions a vault's site renders with (MkDocs' defaults and the plugin's task lists),
# and with what Material sites commonly add.
SITE_EXTENSIONS = ["toc", "tables", "fenced_code", "pymdownx.tasklist"]
RICH_EXTENSIONS = [*SITE_EXTENSIONS, "admonition", "attr_list", "footnotes", "md_in_html",
                   "def_list", "abbr", "pymdownx.details", "pymdownx.superfences",
                   "pymdownx.mark", "pymdownx.tilde", "pymdownx.caret", "pymdownx.betterem"]

SITE_CONFIG = """site_name: Hostile vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""

FRONT = "---\ntype: contact\n---\n\n# Hostile\n\n"  # the hostile text starts on line 7


def _hostile_notes(n: int) -> dict[str, str]:
    """One note per shape that made Python-Markdown quadratic, each about `n` characters."""
    return {
        "contacts/Brackets.md": FRONT + "[" * n + "\n",
        "contacts/Images.md": FRONT + "![" * (n // 2) + "\n",
        "contacts/Link Opens.md": FRONT + "[" * n + "](\n",
        "contacts/Destinations.md": FRONT + "[a](" * (n // 4) + "\n",
        "contacts/Footnotes.md": FRONT + "[^" * (n // 2) + "\n",
        "contacts/Tags.md": FRONT + "<b\n\n" * (n // 4),
        "contacts/Fences.md": FRONT + "```a\n" * (n // 5),
        "contacts/Backticks.md": FRONT + "".join("`" * k + " a " for k in range(1, int(n ** 0.5))),
        "contacts/Emphasis.md": FRONT + "*a* " * (n // 4) + "\n",
        "contacts/Nested.md": FRONT + "- " * (n // 2) + "a\n",  # a RecursionError, unguarded
    }


def _render(text: str, extensions: list[str] = SITE_EXTENSIONS) -> str:
    return markdown.markdown(text, extensions=extensions)


# --- the guard alone ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "[" * 20_000, "![" * 10_000, "[a](" * 5_000, "[^" * 10_000, "<b\n\n" * 5_000,
    "```a\n" * 4_000, "*a* " * 50_000, "`` a ` b " * 10_000,
], ids=["brackets", "images", "destinations", "footnotes", "tags", "fences", "emphasis",
        "backticks"])
def test_a_hostile_note_renders_in_well_under_seconds_as_plain_text(text: str) -> None:
    start = time.perf_counter()
    html = _render(guard_markdown(text).text)
    # Unguarded, each of these takes from seconds to minutes; guarded, milliseconds. The
    # bound is generous for a loaded machine.
    assert time.perf_counter() - start < 10
    assert 'class="vault-plain"' in html
    assert html.count("[") == text.count("[")  # the text is shown, not lost


@pytest.mark.parametrize("text", [
    "".join("    " * k + "- a\n" for k in range(300)), "- " * 500 + "a\n", "1. " * 500 + "a\n",
], ids=["indented-lists", "list-markers", "numbered-markers"])
def test_a_note_nested_hundreds_deep_renders_instead_of_crashing(text: str) -> None:
    # Unguarded, Python-Markdown recurses once per level and dies with a RecursionError.
    guarded = guard_markdown(text)
    assert [p.reason for p in guarded.plain] == ["nested too deeply"]
    assert 'class="vault-plain"' in _render(guarded.text)


def test_the_plain_paragraph_names_its_line_and_the_reason() -> None:
    guarded = guard_markdown("# Title\n\nFine [link](x).\n\n" + "[" * 5000 + "\nmore\n\nafter\n")
    assert [(p.line, p.reason) for p in guarded.plain] == [(5, "too many unmatched brackets")]
    html = _render(guarded.text)
    assert '<a href="x">link</a>' in html and "<p>after</p>" in html


def test_neighbouring_plain_paragraphs_become_one_html_block() -> None:
    # Python-Markdown is itself slower than linear in the number of HTML blocks.
    guarded = guard_markdown("<b\n\n" * 5000)
    assert len(guarded.plain) > 1000
    assert guarded.text.count('class="vault-plain"') == 1


def test_plain_text_is_escaped_so_a_hostile_paragraph_adds_no_tag() -> None:
    text = "<img src=x onerror=alert(1)> " + "[" * 5000
    html = _render(guard_markdown(text).text)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)>" in html


def test_code_in_fences_is_never_made_plain() -> None:
    text = "```\n" + "[" * 5000 + "\n```\n"
    assert guard_markdown(text).text == text


def test_a_code_span_showing_backticks_in_an_aligned_table_stays_a_table() -> None:
    # The shape of a syntax table in a help vault: a cell shows a fence as code (`` ``` ``),
    # columns padded to line up. The runs inside the span are text to Markdown, not openers
    # that read on to the end of the row.
    cells = [("`` ``` ``", "code block"), ("`` `x` ``", "inline code"), ("`==a==`", "highlight")]
    rows = "\n".join(f"| {a:<40} | {b:<60} |" for a, b in cells)
    text = f"| {'Syntax':<40} | {'Meaning':<60} |\n| {'-' * 40} | {'-' * 60} |\n{rows}\n"
    guarded = guard_markdown(text)
    assert guarded.plain == ()
    assert "<table>" in _render(guarded.text)


def test_the_guard_is_linear() -> None:
    # CPU time of this process, best of 5: a loaded machine stretches the wall clock of one
    # run and not the other, but not the work done. 8x the size: about 8x the time when
    # linear, 64x when quadratic; the bound sits far from both.
    def best(text: str) -> float:
        times = []
        for _ in range(5):
            start = time.process_time()
            guard_markdown(text)
            times.append(time.process_time() - start)
        return min(times)

    for piece in ("[", "](", "<b ", "`` a ", "*a* ", "```a\n", "[a](b) "):
        small, large = best(piece * 10_000), best(piece * 80_000)
        assert large < 24 * small + 0.05, piece


# --- ordinary Markdown renders exactly as before ------------------------------------------------

def test_the_demo_vault_notes_render_byte_identical_with_the_guard() -> None:
    notes = sorted(DEMO_VAULT.rglob("*.md"))
    assert notes
    for note in notes:
        text = note.read_text(encoding="utf-8")
        assert guard_markdown(text).text == text, note
        for extensions in (SITE_EXTENSIONS, RICH_EXTENSIONS):
            assert _render(guard_markdown(text).text, extensions) == _render(text, extensions)


_word = st.text(alphabet="abcdefghij KLM", min_size=1, max_size=12).filter(str.strip)
_inline = st.one_of(
    _word,
    st.builds(lambda t, u: f"[{t}]({u})", _word, st.sampled_from(["a.md", "../b/", "https://x.org/a"])),
    st.builds(lambda t: f"![{t}](p.png)", _word),
    st.builds(lambda t: f"*{t}*", _word),
    st.builds(lambda t: f"**{t}**", _word),
    st.builds(lambda t: f"_{t}_", _word),
    st.builds(lambda t: f"`{t}`", _word),
    st.builds(lambda t: f"<span>{t}</span>", _word),
    st.sampled_from(["[^1]", "&amp;", "a < b", "[x]", "(see this)", "2 * 3", "a_b_c", "<br>",
                     "[[Jane Doe]]", "[ref][1]", "<https://example.org>", "~~gone~~", "==hi==",
                     "`` ``` ``", "`` `a` ``", "``` `` ```"]),
)
_line = st.lists(_inline, min_size=1, max_size=8).map(" ".join)
_block = st.one_of(
    st.lists(_line, min_size=1, max_size=4).map("\n".join),
    st.lists(_line, min_size=1, max_size=5).map(lambda ls: "\n".join(f"- {x}" for x in ls)),
    st.lists(_line, min_size=1, max_size=5).map(lambda ls: "\n".join(f"- [ ] {x}" for x in ls)),
    st.lists(_line, min_size=1, max_size=3).map(lambda ls: "\n".join(f"> {x}" for x in ls)),
    st.builds(lambda h: f"## {h}", _line),
    st.lists(st.tuples(_line, _line), min_size=1, max_size=4).map(
        lambda rows: "| A | B |\n| - | - |\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)),
    st.builds(lambda c: f"```\n{c}\n```", _line),
    st.builds(lambda t: f"[^1]: {t}", _line),
    st.just("[1]: https://example.org/ref"),
    st.builds(lambda t: f"!!! note\n    {t}", _line),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_block, min_size=1, max_size=8).map("\n\n".join))
def test_ordinary_markdown_renders_byte_identical_with_the_guard(text: str) -> None:
    guarded = guard_markdown(text)
    assert guarded.plain == ()
    assert _render(guarded.text, RICH_EXTENSIONS) == _render(text, RICH_EXTENSIONS)


# --- real builds ---------------------------------------------------------------------------------

def _build_seconds(root: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    # --clean: every run renders every page (the site cache would keep the unchanged ones, and
    # time nothing of the render this test is about).
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "vault_tools", "build", "--clean", "--vault", str(root)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return time.perf_counter() - start, run


def _vault(root: Path, notes: dict[str, str]) -> Path:
    for rel, text in {"index.md": "# Home\n", **notes}.items():
        path = root / "notes" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    return root


@pytest.mark.slow
def test_hostile_notes_build_in_linear_time_with_a_warning_naming_file_and_line(
        tmp_path: Path) -> None:
    # Unguarded, the notes of the smaller size alone take Python-Markdown many minutes.
    n = 40_000
    empty = _vault(tmp_path / "empty", {})
    small = _vault(tmp_path / "small", _hostile_notes(n))
    large = _vault(tmp_path / "large", _hostile_notes(4 * n))
    times: dict[Path, float] = {}
    for _ in range(2):
        for root in (empty, small, large):
            seconds, run = _build_seconds(root)
            assert run.returncode == 0, run.stderr[-2000:]
            times[root] = min(times.get(root, seconds), seconds)
    assert times[large] < 240  # a loaded machine's generous cap
    # Four times the text costs about four times the work (beyond the fixed cost of any build);
    # a quadratic render costs sixteen times as much. The bound sits halfway, so a loaded
    # machine slowing one build cannot fail a linear render.
    base = times[empty]
    assert times[large] - base < 8 * max(times[small] - base, 1.0)
    assert ("contacts/Brackets.md:7: rendered as plain text: too many unmatched brackets"
            in run.stderr)
    assert ("contacts/Tags.md:7: rendered as plain text: too many unclosed HTML tags (and "
            in run.stderr)
    assert run.stderr.count("Tags.md") == 1  # one warning for the note's thousands of paragraphs
    page = (large / "site" / "contacts" / "Brackets" / "index.html").read_text(encoding="utf-8")
    assert "[" * (4 * n) in page


def _every_check(lines: list[str]) -> str:
    """`_inline_reason` with every measure taken for every unit (no shortcut)."""
    from vault_tools.site import markdown_guard as guard

    for line in lines:
        prefix = guard._NESTING.match(line)
        if prefix is not None and len(prefix.group().expandtabs(4)) > guard.MAX_NESTING_COLUMNS:
            return "nested too deeply"
    for unit in guard._units(lines):
        brackets, backticks = guard._scan_steps(unit)
        allowed = guard.STEPS_PER_CHAR * len(unit) + guard.STEPS_FREE
        if brackets > allowed:
            return "too many unmatched brackets"
        if backticks > allowed:
            return "too many unmatched backticks"
        if sum(unit.count(ch) for ch in guard._MARKUP) * len(unit) > guard.MARKUP_BUDGET:
            return "a paragraph this long with this much markup; add blank lines to split it"
    return ""


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet="ab []()`\\*_-|:>1.\t", max_size=120), min_size=1, max_size=6),
       st.integers(min_value=1, max_value=400))
@example(["]("], 200)  # link destinations opened without a bracket
@example(["`a"], 300)
@example(["*" * 7100], 1)
def test_the_guards_shortcuts_give_the_reasons_every_measure_gives(
    lines: list[str], repeat: int,
) -> None:
    """A unit without brackets or backticks, or too short to hold the markup budget, is not
    measured: the reasons stay those of measuring everything."""
    from vault_tools.site.markdown_guard import _inline_reason

    lines = [line * repeat for line in lines]
    assert _inline_reason(lines) == _every_check(lines)
