"""The question bank (§13): questions asked and prepared, the bank's Usage, the Questions page
and `vault-tools questions`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import site_texts
from vault_tools import questions
from vault_tools.blocks import render_related
from vault_tools.cli import main
from vault_tools.fill import fill_vault
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.site.render.common import Linker
from vault_tools.site.render.questions import questions_page
from vault_tools.vault import find_vault, load_index
from vault_tools.views.common import SiteView
from vault_tools.views.questions import question_rows

FIXTURE = Path(__file__).parent / "data" / "questions"
BANK = "questions.md"
SECRETS = ("CLEO-SECRET-ANSWER", "CLEO-SECRET-BEST")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("expected-*"))
    return root


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def interview(body: str, status: str = "done", extra: str = "") -> str:
    return (f'---\ntype: interview\ndate: 2026-10-01\nwith: "[[Ann]]"\ncareer: "[[UX]]"\n'
            f"status: {status}\n{extra}---\n{body}")


BASIC = {
    BANK: "- What does a typical week look like? ^q-week\n- What do you like best? ^q-best\n",
    "contacts/Ann.md": "---\ntype: contact\n---\n",
    "careers/UX.md": "---\ntype: career\n---\n",
}


# --- the bank's block: golden file ----------------------------------------------------------------


def block_of(text: str) -> str:
    start = text.index("<!-- vault-tools:related -->\n") + len("<!-- vault-tools:related -->\n")
    return text[start:text.index("<!-- /vault-tools:related -->")]


def test_the_banks_usage_block_matches_its_golden_file_and_a_second_fill_writes_nothing(
        vault: Path) -> None:
    fill_vault(find_vault(vault))
    text = (vault / "notes" / BANK).read_text(encoding="utf-8")
    expected = (FIXTURE / "expected-usage.md").read_text(encoding="utf-8")
    assert block_of(text) == expected
    assert fill_vault(find_vault(vault)).changed == []
    assert (vault / "notes" / BANK).read_text(encoding="utf-8") == text


def test_a_private_conversations_answer_never_reaches_the_banks_file(vault: Path) -> None:
    fill_vault(find_vault(vault))
    text = (vault / "notes" / BANK).read_text(encoding="utf-8")
    assert not any(secret in text for secret in SECRETS)
    # Counted and named by link only: not its people, career or date.
    line = next(line for line in block_of(text).splitlines()
                if line.startswith("- What does a typical"))
    assert "also in [[2026-11-05 Cleo Park]]" in line
    assert "Cleo Park]]" not in line.replace("[[2026-11-05 Cleo Park]]", "")
    assert "2026-11-05" not in line.replace("[[2026-11-05 Cleo Park]]", "")


def test_hide_private_in_files_names_a_private_conversation_a_private_note() -> None:
    files = {**BASIC, "interviews/I1.md": interview("- [[questions#^q-week]]: SECRET\n",
                                                    extra="private: true\n")}
    index = index_of(files)
    block = render_related(index, index.notes[BANK], hide_private=True)
    assert "also in a private note" in block and "SECRET" not in block and "I1" not in block


# --- asked, answered, prepared --------------------------------------------------------------------


def test_a_label_link_with_text_is_asked_and_its_answer_is_the_text_after_the_separator() -> None:
    for written, answer in [
        ("- [[questions#^q-week|typical week]]: mostly meetings", "mostly meetings"),
        ("- [[questions#^q-week]] — research on Tuesdays", "research on Tuesdays"),
        ("- [[questions#^Q-WEEK]] - the case is ignored", "the case is ignored"),
        ("- [typical](../questions.md#^q-week): a Markdown link", "a Markdown link"),
        ("1. [[questions#^q-week]]: a numbered item ^a1", "a numbered item"),
    ]:
        index = index_of({**BASIC, "interviews/I1.md": interview(written + "\n")})
        [use] = questions.asked(index)
        assert (use.question.id, use.answer, use.asked) == ("q-week", answer, True), written


def test_a_link_alone_is_asked_without_an_answer() -> None:
    index = index_of({**BASIC, "interviews/I1.md": interview("- [[questions#^q-best]]\n")})
    [use] = questions.asked(index)
    assert use.answer == "" and use.people == ("contacts/Ann.md",) and \
        use.careers == ("careers/UX.md",)


def test_two_questions_on_one_item_each_get_their_own_answer() -> None:
    index = index_of({**BASIC, "interviews/I1.md": interview(
        "- [[questions#^q-week]]: meetings; [[questions#^q-best]]: the people\n")})
    assert [(u.question.id, u.answer) for u in questions.asked(index)] == [
        ("q-week", "meetings;"), ("q-best", "the people")]


def test_the_same_question_twice_in_one_conversation_counts_that_conversation_once() -> None:
    index = index_of({**BASIC, "interviews/I1.md": interview(
        "- [[questions#^q-week]]: meetings\n- [[questions#^q-week]]: and writing\n")})
    [usage, _] = questions.usage(index)
    assert len(usage.asked) == 2 and usage.times == 1
    assert "asked 1 time ·" in render_related(index, index.notes[BANK])


def test_questions_under_the_prepared_heading_and_in_a_planned_conversation_are_not_asked(
) -> None:
    files = {
        **BASIC,
        "interviews/I1.md": interview(
            "## Questions I want to ask\n\n### Work\n\n- [[questions#^q-week]]\n"
            "- [[questions#^q-best]]\n\n## Notes\n\n- [[questions#^q-best]]: the people\n"),
        "interviews/I2.md": interview("- [[questions#^q-week]]: not yet\n", status="planned"),
        "interviews/I3.md": interview("- [[questions#^q-week]]: never\n", status="cancelled"),
    }
    index = index_of(files)
    assert [(u.interview, u.question.id) for u in questions.asked(index)] == [
        ("interviews/I1.md", "q-best")]
    # q-best was prepared and asked in I1: not "prepared, not asked"; a cancelled one: neither.
    assert sorted((u.interview, u.question.id) for u in questions.prepared(index)) == [
        ("interviews/I1.md", "q-week"), ("interviews/I2.md", "q-week")]
    block = render_related(index, index.notes[BANK])
    assert "not asked yet · prepared for [[I1]], [[I2]]" in block


def test_a_question_the_bank_lacks_is_not_counted_and_check_still_warns(vault: Path) -> None:
    index = load_index(find_vault(vault))
    assert "q-nope" not in {u.question.id for u in questions.uses(index)}
    diagnostics = [d for d in index.diagnostics() if "q-nope" in d.message]
    assert [d.code for d in diagnostics] == ["missing-heading"]


def test_a_mention_of_a_question_outside_a_list_item_is_not_an_asking() -> None:
    index = index_of({**BASIC, "interviews/I1.md": interview(
        "I used [[questions#^q-week]] today.\n\n```\n- [[questions#^q-best]]: in code\n```\n"
        "- %% [[questions#^q-best]]: in a comment %%\n")})
    assert questions.asked(index) == []


def test_an_answer_loses_its_comments() -> None:
    index = index_of({**BASIC, "interviews/I1.md": interview(
        "- [[questions#^q-week]]: meetings %%PRIVATE-ASIDE%% mostly <!-- HTML-ASIDE -->\n")})
    [use] = questions.asked(index)
    assert use.answer == "meetings mostly"


def test_any_plain_note_a_conversation_links_so_is_a_bank_and_typed_notes_never_are() -> None:
    files = {**BASIC, "reading/For PMs.md": "- Who decides the roadmap? ^pm-1\n",
             "contacts/Bo.md": "---\ntype: contact\n---\n- A fact ^f1\n",
             "interviews/I1.md": interview(
                 "- [[For PMs#^pm-1]]: the CEO\n- [[Bo#^f1]]: not a question\n")}
    index = index_of(files)
    assert [(q.note, q.id) for q in questions.bank(index)] == [
        ("questions.md", "q-week"), ("questions.md", "q-best"), ("reading/For PMs.md", "pm-1")]
    assert [u.answer for u in questions.asked(index)] == ["the CEO"]
    assert "asked 1 time" in render_related(index, index.notes["reading/For PMs.md"])


def test_a_plain_note_with_block_ids_nobody_asks_from_gets_no_usage() -> None:
    index = index_of({"notes/Reading.md": "- A quote worth keeping ^quote-1\n"})
    assert "Usage" not in render_related(index, index.notes["notes/Reading.md"])


def test_unasked_in_career_leaves_out_what_a_conversation_of_that_career_asked() -> None:
    files = {**BASIC, "careers/PM.md": "---\ntype: career\n---\n",
             "interviews/I1.md": interview("- [[questions#^q-week]]: meetings\n"),
             "interviews/I2.md": interview("- [[questions#^q-best]]\n", status="planned")}
    index = index_of(files)
    assert [q.id for q in questions.unasked_in_career(index, "careers/UX.md")] == ["q-best"]
    assert [q.id for q in questions.unasked_in_career(index, "careers/PM.md")] == [
        "q-week", "q-best"]


def test_the_block_is_clock_free_and_the_same_bytes_whatever_the_note_order() -> None:
    files = {**BASIC, "interviews/I1.md": interview("- [[questions#^q-week]]: a\n"),
             "interviews/I2.md": interview("- [[questions#^q-week]]: b\n")}
    first = index_of(files)
    second = VaultIndex(parse_note(p, t) for p, t in reversed(list(files.items())))
    assert render_related(first, first.notes[BANK]) == render_related(second, second.notes[BANK])


def test_hostile_question_text_cannot_open_a_comment_or_a_link_in_the_block() -> None:
    files = {**BASIC, BANK: "- Why <!-- and %% and [[Ann]]? ^q-x\n",
             "interviews/I1.md": interview("- [[questions#^q-x]]: fine\n")}
    index = index_of(files)
    block = render_related(index, index.notes[BANK])
    line = block.splitlines()[2]
    assert "<!--" not in line and "%%" not in line and "[[Ann]]?" not in line


# --- the site -------------------------------------------------------------------------------------


def test_the_questions_page_groups_answers_by_career_and_escapes_them(vault: Path) -> None:
    view = SiteView(load_index(find_vault(vault)))
    rows, prepared = question_rows(view)
    week = rows[0]
    assert [(a.career.text if a.career else None, a.answer) for a in week.answers] == [
        ("Data Engineering", "on call one week in four, pipelines the rest"),
        ("UX Research", "Two days of <script>alert(1)</script> interviews, then synthesis."),
        ("UX Research", "and Fridays are for writing")]
    assert week.times == 2  # the private conversation is not counted on the site
    assert [p.interview.text for p in prepared] == ["2026-12-15 Dev Shah", "2026-09-10 Ana Lima"]
    linker = Linker("question-answers/", {}, lambda path, heading: None)
    page = questions_page((rows, prepared), linker)
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert not any(secret in page for secret in SECRETS)


@pytest.mark.slow
def test_a_built_site_shows_the_questions_page_and_no_private_answer(vault: Path) -> None:
    from vault_tools.site.build import build_site

    site = build_site(find_vault(vault))
    texts = site_texts(site)
    page = texts["question-answers/index.html"]
    assert "on call one week in four" in page and "&lt;script&gt;alert(1)" in page
    assert "Question bank" in texts["questions/index.html"]  # the bank note keeps its page
    leaks = [name for name, text in texts.items() for secret in SECRETS if secret in text]
    assert leaks == []


# --- the command ----------------------------------------------------------------------------------


def run(vault: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["questions", "--vault", str(vault), *args])
    return result.exit_code, result.output


def test_the_command_prints_each_question_with_its_answers_and_marks_private_ones(
        vault: Path) -> None:
    code, out = run(vault)
    assert code == 0
    assert out.splitlines()[:3] == [
        "What does a typical week look like?  [[questions#^q-week]]",
        "  asked in 3 conversations, last 2026-11-05",
        "  2026-09-10 Ana Lima · UX Research: Two days of <script>alert(1)</script> "
        "interviews, then synthesis.",
    ]
    assert "2026-11-05 Cleo Park · Data Engineering (private): CLEO-SECRET-ANSWER" in out
    assert "  2026-10-02 Ben Okafor · Data Engineering (no answer written)" in out
    assert "  prepared for 2026-12-15 Dev Shah (planned)" in out


def test_the_command_lists_the_questions_unasked_in_a_career_named_as_a_link_would(
        vault: Path) -> None:
    code, out = run(vault, "--career", "ux research", "--unasked")
    assert (code, out) == (0, "What advice would you give someone starting out?  "
                              "[[questions#^q-advice]]\nHow did you get into [[UX Research]]?  "
                              "[[questions#^q-path]]\n")
    code, out = run(vault, "--career", "UX Resarch")
    assert code == 1 and "no career named 'UX Resarch'. Did you mean 'UX Research'?" in out
    code, out = run(vault, "--career", "Ana Lima")
    assert code == 1 and "is contacts/Ana Lima.md, a contact note, not a career" in out


def test_the_commands_json_has_every_question_with_its_uses(vault: Path) -> None:
    code, out = run(vault, "--json", "--career", "Data Engineering")
    assert code == 0
    data = json.loads(out)
    assert [row["id"] for row in data] == ["q-week", "q-best", "q-advice", "q-path"]
    week = data[0]
    assert (week["times_asked"], week["last_asked"]) == (2, "2026-11-05")
    assert week["asked"][0] == {
        "interview": "interviews/2026-10-02 Ben Okafor.md", "line": 9, "date": "2026-10-02",
        "status": "done", "people": ["Ben Okafor"], "careers": ["Data Engineering"],
        "private": False, "answer": "on call one week in four, pipelines the rest"}
    assert week["asked"][1]["private"] is True


def test_the_command_says_how_to_start_a_bank_when_there_is_none(make_vault) -> None:
    root = make_vault({"contacts/Ann.md": "---\ntype: contact\n---\n"})
    code, out = run(root)
    assert code == 0 and "No bank questions yet" in out
