"""`vault-tools log`: one dated item under a contact's Log heading, all else kept (§12, §6)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools.capture import log as log_module
from vault_tools.capture.log import (
    LogError,
    clean_kind,
    clean_text,
    log_item,
    parse_day,
    place_item,
)
from vault_tools.cli import main
from vault_tools.parse import parse_note

ITEM = "- 2026-11-20 email: sent the article"
JANE = "contacts/Jane Doe.md"


def place(text: str, item: str = ITEM, path: str = JANE):
    return place_item(text, parse_note(path, text), item)


def inserted_run(old: str, new: str) -> str:
    """The one run of text `new` adds to `old`; fails unless new is old with one insertion."""
    prefix = 0
    while prefix < len(old) and old[prefix] == new[prefix]:
        prefix += 1
    assert new.endswith(old[prefix:])
    return new[prefix:len(new) - (len(old) - prefix)]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --- where the item goes ----------------------------------------------------------------------


def test_no_log_heading_appends_a_log_section_after_a_blank_line() -> None:
    text = "---\ntype: contact\n---\n# Jane Doe\n\nMet at a fair.\n"
    placed = place(text)
    assert placed.text == text + f"\n## Log\n{ITEM}\n"
    assert placed.line == 9 and placed.new_heading


def test_an_item_goes_after_the_last_item_of_the_log() -> None:
    text = "# Jane\n\n## Log\n\n- 2026-10-01 call: first\n- 2026-10-05 second\n"
    placed = place(text)
    assert placed.text == text + ITEM + "\n"
    assert placed.line == 7 and not placed.new_heading


def test_a_log_heading_of_another_level_and_case_is_the_log() -> None:
    text = "# Jane\n### log\n- 2026-10-01 first\n\n# Elsewhere\ntext\n"
    placed = place(text)
    assert placed.text == ("# Jane\n### log\n- 2026-10-01 first\n" + ITEM
                           + "\n\n# Elsewhere\ntext\n")


def test_the_section_ends_at_the_next_heading_of_the_same_or_a_higher_level() -> None:
    text = ("## Log\n- 2026-10-01 first\n### Details\n- 2026-10-02 nested\n\n"
            "## Notes\n- not a log item\n")
    placed = place(text)
    assert placed.text == ("## Log\n- 2026-10-01 first\n### Details\n- 2026-10-02 nested\n"
                           + ITEM + "\n\n## Notes\n- not a log item\n")
    assert placed.line == 5


def test_an_empty_log_section_gets_the_item_right_under_its_heading() -> None:
    text = "## Log\n\n## Notes\nx\n"
    assert place(text).text == f"## Log\n{ITEM}\n\n## Notes\nx\n"


def test_a_paragraph_ending_the_section_is_followed_by_a_blank_line_then_the_item() -> None:
    # Python-Markdown (the site) does not let a list interrupt a paragraph.
    text = "## Log\nWe write now and then.\n"
    assert place(text).text == text + "\n" + ITEM + "\n"


def test_a_continued_item_is_still_a_list() -> None:
    text = "## Log\n- 2026-10-01 call: long\n  and continued\n"
    assert place(text).text == text + ITEM + "\n"


def test_a_new_log_section_goes_before_the_generated_block_that_ends_the_note() -> None:
    text = ("# Jane\n\nMet at a fair.\n\n<!-- vault-tools:related -->\n- a backlink\n"
            "<!-- /vault-tools:related -->\n")
    placed = place(text)
    assert placed.text == ("# Jane\n\nMet at a fair.\n\n## Log\n" + ITEM + "\n\n"
                           "<!-- vault-tools:related -->\n- a backlink\n"
                           "<!-- /vault-tools:related -->\n")
    assert placed.line == 6


def test_a_log_section_ending_at_a_generated_block_gets_the_item_before_the_block() -> None:
    text = ("## Log\n- 2026-10-01 first\n\n<!-- vault-tools:related -->\n## Log\n"
            "<!-- /vault-tools:related -->\n")
    placed = place(text)
    assert placed.text == ("## Log\n- 2026-10-01 first\n" + ITEM + "\n\n"
                           "<!-- vault-tools:related -->\n## Log\n<!-- /vault-tools:related -->\n")


def test_a_block_in_the_middle_of_the_note_is_not_the_end() -> None:
    text = "<!-- vault-tools:related -->\nx\n<!-- /vault-tools:related -->\n\nMore prose.\n"
    assert place(text).text == text + f"\n## Log\n{ITEM}\n"


def test_a_log_heading_in_code_or_a_comment_is_not_the_log() -> None:
    text = "```\n## Log\n```\n%%\n## Log\n%%\n<!--\n## Log\n-->\n"
    placed = place(text)
    assert placed.new_heading
    assert placed.text == text + f"\n## Log\n{ITEM}\n"


def test_crlf_notes_stay_crlf() -> None:
    text = "---\r\ntype: contact\r\n---\r\n## Log\r\n- 2026-10-01 first\r\n\r\n## Notes\r\n"
    placed = place(text)
    assert placed.text == ("---\r\ntype: contact\r\n---\r\n## Log\r\n- 2026-10-01 first\r\n"
                           + ITEM + "\r\n\r\n## Notes\r\n")
    assert "\n" not in placed.text.replace("\r\n", "")


def test_crlf_note_without_a_log_gets_crlf_lines() -> None:
    text = "# Jane\r\nprose\r\n"
    assert place(text).text == f"# Jane\r\nprose\r\n\r\n## Log\r\n{ITEM}\r\n"


@pytest.mark.parametrize(("text", "expected"), [
    ("# Jane\nprose", f"# Jane\nprose\n\n## Log\n{ITEM}"),
    ("## Log\n- 2026-10-01 first", f"## Log\n- 2026-10-01 first\n{ITEM}"),
    ("## Log", f"## Log\n{ITEM}"),
    ("", f"## Log\n{ITEM}\n"),
])
def test_a_note_without_a_final_newline_keeps_none(text: str, expected: str) -> None:
    assert place(text).text == expected


def test_the_byte_order_mark_stays_first() -> None:
    text = "\ufeff<!-- vault-tools:related -->\nx\n<!-- /vault-tools:related -->\n"
    placed = place(text)
    assert placed.text == ("\ufeff## Log\n" + ITEM + "\n\n<!-- vault-tools:related -->\nx\n"
                           "<!-- /vault-tools:related -->\n")
    assert placed.line == 2
    assert place("\ufeff").text == f"\ufeff## Log\n{ITEM}\n"


def test_a_log_that_would_land_in_an_unclosed_fence_is_refused() -> None:
    with pytest.raises(LogError, match="never closed"):
        place("## Log\n- 2026-10-01 first\n```\ncode runs on\n")
    with pytest.raises(LogError, match="never closed"):
        place("# Jane\n%% a comment never closed\n")


@pytest.mark.parametrize("text", [
    "<<<<<<< ours\n## Log\n=======\n>>>>>>> theirs\n",
    "---\ntype: [contact\n---\n## Log\n",
    "<!-- vault-tools:related -->\n## Log\n",
])
def test_notes_the_tool_must_not_write_are_refused(text: str) -> None:
    with pytest.raises(LogError, match="left alone"):
        place(text)


# --- the property: one inserted run of whole lines, read back under a Log heading -----------

LINES = st.sampled_from([
    "", "   ", "# Jane Doe", "## Log", "### LOG", "## Notes", "# Other", "prose line",
    "- 2026-10-01 call: earlier", "- a plain item", "  continued", "- [ ] a task",
    "```", "~~~", "%%", "%% inline %%", "<!-- a comment -->", "    indented code",
    "<!-- vault-tools:related -->", "<!-- /vault-tools:related -->", "> a quote", "---",
    "[[Jane Doe]] met", "| a | table |", "<!-- opens", "closes -->",
])


@st.composite
def notes(draw: st.DrawFn) -> str:
    body = draw(st.lists(LINES, max_size=14))
    front = draw(st.sampled_from([[], ["---", "type: contact", "---"]]))
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    text = nl.join(front + body)
    if draw(st.booleans()) and text:
        text += nl
    return ("\ufeff" if draw(st.booleans()) else "") + text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes())
def test_logging_inserts_one_run_of_lines_read_back_under_a_log_heading(text: str) -> None:
    note = parse_note(JANE, text)
    try:
        placed = place_item(text, note, ITEM)
    except LogError:
        # Only a note the tool must not write, or whose log would fall into code or a comment
        # that is never closed (an HTML comment's opening has no diagnostic of its own).
        codes = {d.code for d in note.diagnostics}
        assert codes & {*log_module.UNWRITABLE, "unclosed-fence", "unclosed-comment"} \
            or "<!-- opens" in text
        return
    run_text = inserted_run(text, placed.text)
    nl = note.newline
    assert ITEM in run_text
    assert not run_text.replace(nl, "").replace(ITEM, "").replace("## Log", "")
    # At a line boundary: the lines of the old text are all still whole lines.
    lines = placed.text.split(nl)
    assert lines[placed.line - 1].lstrip("\ufeff") == ITEM
    after = parse_note(JANE, placed.text)
    assert after.bom == note.bom and after.newline == note.newline
    assert len(after.tasks) == len(note.tasks)
    assert [b.name for b in after.blocks] == [b.name for b in note.blocks]
    added = len(after.headings) - len(note.headings)
    assert added == (1 if placed.new_heading else 0)
    section = None
    for heading in after.headings:
        if heading.line > placed.line:
            break
        if section is not None and heading.level <= section.level:
            section = None
        if section is None and heading.text.lower() == "log":
            section = heading
    assert section is not None
    # And the parser reads it back as a log item of the contact, on that line (§12).
    assert [i.line for i in after.log if i.line == placed.line] == [placed.line]
    assert text.endswith(("\n", "\r")) == placed.text.endswith(("\n", "\r")) or not text \
        or text == "\ufeff"


# --- the item ---------------------------------------------------------------------------------


def test_the_item_is_date_kind_and_text() -> None:
    day = dt.date(2026, 11, 20)
    assert log_item(day, "sent the article", "email") == ITEM
    assert log_item(day, "sent the article") == "- 2026-11-20 sent the article"
    assert log_item(day, "x", "Follow-Up") == "- 2026-11-20 follow-up: x"


def test_line_breaks_in_the_text_become_spaces() -> None:
    assert clean_text("  sent the\n  article\r\nand a\u2028link  ") == \
        "sent the article and a link"


@pytest.mark.parametrize("text", ["", " \n ", "a %% b", "see <!-- vault-tools:related -->",
                                  "bell\x07", "nul\x00", "x" * 2001])
def test_texts_that_cannot_be_one_safe_line_are_refused(text: str) -> None:
    with pytest.raises(LogError, match="nothing was written"):
        clean_text(text)


@pytest.mark.parametrize("text", ["# a heading", "--- front matter", "[ ] a task", "[x] done",
                                  "<<<<<<< HEAD", "```python", "> quote", "1. item",
                                  "<pre>", "^block-id"])
def test_hostile_text_stays_inside_the_item(text: str) -> None:
    note = "# Jane\n## Log\n- 2026-10-01 first\n"
    placed = place(note, log_item(dt.date(2026, 11, 20), text))
    after = parse_note(JANE, placed.text)
    assert after.headings == parse_note(JANE, note).headings
    assert not after.tasks and not after.blocks
    assert not [d for d in after.diagnostics if d.severity == "error"]
    assert placed.text.endswith(f"- 2026-11-20 {text}\n")


@pytest.mark.parametrize("kind", ["e mail", "e-mail!", "", "-", "x" * 31, "émail", "call:"])
def test_a_kind_that_is_not_one_word_is_refused(kind: str) -> None:
    with pytest.raises(LogError, match="one word"):
        clean_kind(kind)


@pytest.mark.parametrize("day", ["2026-02-30", "20261120", "2026-11-20T10:00", "tomorrow",
                                 "26-11-20", "2026-1-2"])
def test_a_bad_date_is_refused(day: str) -> None:
    with pytest.raises(LogError, match="YYYY-MM-DD"):
        parse_day(day)


# --- the command ------------------------------------------------------------------------------

JANE_TEXT = ("---\ntype: contact\naliases: [JD]\ncompany: \"[[Acme]]\"\n---\n# Jane Doe\n\n"
             "Met at a fair.\n")
VAULT = {
    JANE: JANE_TEXT,
    "contacts/Sam Lee.md": "---\ntype: contact\nprivate: true\n---\n## Log\n- 2026-01-02 hi\n",
    "companies/Acme.md": "---\ntype: company\n---\n# Acme\n",
    "contacts/Alex.md": "---\ntype: contact\n---\n",
    "archive/Alex.md": "---\ntype: contact\n---\n",
}


@pytest.fixture
def vault(make_vault) -> Path:
    return make_vault(VAULT)


def read(vault: Path, rel: str) -> bytes:
    return (vault / "notes" / rel).read_bytes()


def test_log_writes_the_item_and_says_where(vault: Path) -> None:
    result = run("log", "Jane Doe", "sent the article", "--kind", "email", "--date",
                 "2026-11-20", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert result.output == f"added to {JANE}:11 (under a new ## Log heading): {ITEM}\n"
    assert read(vault, JANE).decode() == JANE_TEXT + f"\n## Log\n{ITEM}\n"
    again = run("log", "jd", "call back", "--kind", "call", "--today", "2026-11-21",
                "--vault", str(vault))
    assert again.output == f"added to {JANE}:12: - 2026-11-21 call: call back\n"
    assert read(vault, JANE).decode().endswith(f"{ITEM}\n- 2026-11-21 call: call back\n")


def test_dry_run_says_what_it_would_add_and_writes_nothing(vault: Path) -> None:
    before = read(vault, JANE)
    result = run("log", "Jane Doe", "coffee", "--today", "2026-11-20", "--dry-run",
                 "--vault", str(vault))
    assert result.exit_code == 0
    assert result.output == (f"would add to {JANE}:11 (under a new ## Log heading): "
                             "- 2026-11-20 coffee\n")
    assert read(vault, JANE) == before


def test_a_contact_is_found_by_alias_path_and_any_case(vault: Path) -> None:
    for name in ("JD", "contacts/Jane Doe", "jane doe", "contacts/jane doe.md"):
        assert run("log", name, "x", "--vault", str(vault)).exit_code == 0
    assert read(vault, JANE).decode().count("\n- ") == 4


def test_a_private_contact_can_be_logged(vault: Path) -> None:
    result = run("log", "Sam Lee", "lunch", "--kind", "coffee", "--date", "2026-03-04",
                 "--vault", str(vault))
    assert result.exit_code == 0
    assert read(vault, "contacts/Sam Lee.md").decode().endswith(
        "## Log\n- 2026-01-02 hi\n- 2026-03-04 coffee: lunch\n")


def unchanged(vault: Path):
    before = {p: p.read_bytes() for p in (vault / "notes").rglob("*.md")}
    return lambda: {p: p.read_bytes() for p in (vault / "notes").rglob("*.md")} == before


def test_an_unknown_name_gets_did_you_mean_and_no_write(vault: Path) -> None:
    same = unchanged(vault)
    result = CliRunner().invoke(main, ["log", "Jane Do", "x", "--vault", str(vault)])
    assert result.exit_code == 1
    assert result.output == ("Error: no contact named 'Jane Do'. Did you mean 'Jane Doe'? "
                             "Nothing was written\n")
    result = CliRunner().invoke(main, ["log", "Nobody Known", "x", "--vault", str(vault)])
    assert result.exit_code == 1
    assert "vault-tools new contact 'Nobody Known'" in result.output
    assert same()


def test_a_name_several_notes_share_names_them_and_writes_nothing(vault: Path) -> None:
    same = unchanged(vault)
    result = CliRunner().invoke(main, ["log", "Alex", "x", "--vault", str(vault)])
    assert result.exit_code == 1
    assert "'Alex' names several notes (archive/Alex.md, contacts/Alex.md)" in result.output
    assert same()
    ok = CliRunner().invoke(main, ["log", "contacts/Alex", "x", "--vault", str(vault)])
    assert ok.exit_code == 0 and b"## Log" in read(vault, "contacts/Alex.md")


def test_a_note_that_is_not_a_contact_is_refused(vault: Path) -> None:
    same = unchanged(vault)
    result = CliRunner().invoke(main, ["log", "Acme", "x", "--vault", str(vault)])
    assert result.exit_code == 1
    assert "'Acme' is companies/Acme.md, a company note, not a contact" in result.output
    assert same()


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "2026-13-01"], "is not a day"),
    (["--kind", "e mail"], "one word"),
    (["--kind", "email!"], "one word"),
])
def test_bad_options_are_clear_errors_and_write_nothing(vault: Path, args: list[str],
                                                       message: str) -> None:
    same = unchanged(vault)
    result = CliRunner().invoke(main, ["log", "Jane Doe", "x", *args, "--vault", str(vault)])
    assert result.exit_code == 1 and message in result.output
    assert same()


def test_hostile_text_is_refused_or_kept_inside_one_item(vault: Path) -> None:
    same = unchanged(vault)
    for text in ("<!-- vault-tools:related -->", "%% hide the rest"):
        result = CliRunner().invoke(main, ["log", "Jane Doe", text, "--vault", str(vault)])
        assert result.exit_code == 1 and "would open a comment" in result.output
    assert same()
    result = run("log", "Jane Doe", "# not a heading\n---\n[ ] no task", "--date", "2026-11-20",
                 "--vault", str(vault))
    assert result.exit_code == 0
    text = read(vault, JANE).decode()
    assert text.endswith("\n- 2026-11-20 # not a heading --- [ ] no task\n")
    note = parse_note(JANE, text)
    assert [h.text for h in note.headings] == ["Jane Doe", "Log"] and not note.tasks


def test_a_future_date_is_written_with_a_note(vault: Path) -> None:
    result = run("log", "Jane Doe", "x", "--date", "2027-01-01", "--today", "2026-11-20",
                 "--vault", str(vault))
    assert result.exit_code == 0
    assert "2027-01-01 is after today" in result.stderr


def test_a_save_made_after_the_vault_was_read_is_kept(vault: Path, monkeypatch) -> None:
    path = vault / "notes" / JANE
    real_load = log_module.load_index

    def load_then_user_saves(*args, **kwargs):
        index = real_load(*args, **kwargs)
        path.write_text(JANE_TEXT + "\n## Log\n- 2026-11-19 they wrote first\n", encoding="utf-8")
        return index

    monkeypatch.setattr(log_module, "load_index", load_then_user_saves)
    result = run("log", "Jane Doe", "sent the article", "--kind", "email", "--date",
                 "2026-11-20", "--vault", str(vault))
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == (
        JANE_TEXT + f"\n## Log\n- 2026-11-19 they wrote first\n{ITEM}\n")
    assert result.output == f"added to {JANE}:12: {ITEM}\n"


def test_a_note_that_keeps_changing_is_left_as_the_user_saved_it(vault: Path,
                                                                  monkeypatch) -> None:
    path = vault / "notes" / JANE
    real_place = log_module.place_item
    saves = iter(range(1000))

    def place_while_user_saves(text, note, item):
        placed = real_place(text, note, item)
        # The user saves again after each read: the writer's re-check sees the note moved.
        stamp = next(saves)
        path.write_text(JANE_TEXT + f"edit {stamp}\n", encoding="utf-8")
        os.utime(path, ns=(stamp * 10**9, stamp * 10**9))
        return placed

    monkeypatch.setattr(log_module, "place_item", place_while_user_saves)
    result = CliRunner().invoke(main, ["log", "Jane Doe", "x", "--vault", str(vault)])
    assert result.exit_code == 1
    assert "another program kept saving this note" in result.output
    assert "nothing was written" in result.output
    assert path.read_text(encoding="utf-8").startswith(JANE_TEXT + "edit ")
    assert "## Log" not in path.read_text(encoding="utf-8")


def test_a_symlinked_note_leading_out_of_the_vault_is_never_written(make_vault,
                                                                    tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntype: contact\n---\n# Eve\n", encoding="utf-8")
    vault = make_vault({JANE: JANE_TEXT})
    (vault / "notes" / "contacts" / "Eve.md").symlink_to(outside)
    result = CliRunner().invoke(main, ["log", "Eve", "x", "--vault", str(vault)])
    assert result.exit_code == 1
    assert "contacts/Eve.md: the link leaves the vault" in result.output
    assert outside.read_text(encoding="utf-8") == "---\ntype: contact\n---\n# Eve\n"


def test_a_symlinked_note_inside_the_vault_stays_a_symlink(make_vault) -> None:
    vault = make_vault({"people/Eve.md": "---\ntype: contact\n---\n# Eve\n"})
    link = vault / "notes" / "contacts" / "Evie.md"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(vault / "notes" / "people" / "Eve.md")
    result = run("log", "contacts/Evie", "x", "--date", "2026-11-20", "--vault", str(vault))
    assert result.exit_code == 0
    assert link.is_symlink()
    assert (vault / "notes" / "people" / "Eve.md").read_text(encoding="utf-8").endswith(
        "## Log\n- 2026-11-20 x\n")


def test_crlf_bom_and_front_matter_are_kept_through_the_command(make_vault) -> None:
    raw = "\ufeff---\r\ntype: contact\r\nb:  'odd'   # kept\r\n---\r\n# Kim\r\n".encode()
    vault = make_vault({"contacts/Kim.md": raw})
    result = run("log", "Kim", "hello", "--date", "2026-11-20", "--vault", str(vault))
    assert result.exit_code == 0
    assert read(vault, "contacts/Kim.md") == raw + b"\r\n## Log\r\n- 2026-11-20 hello\r\n"
