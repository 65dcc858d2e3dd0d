"""Attacks on #19 (learn and decide) as a hostile and a real-world user: each test is a break
found by trying it (privacy, escaping, parsing, refresh), pinned so it stays fixed."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

import pytest

from vault_tools import learning
from vault_tools.blocks import render_related
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note


def _talk(day: str, person: str, body: str, company: str | None = None,
          private: bool = False) -> str:
    return ("---\ntype: interview\n"
            f"date: {day}\nwith: \"[[{person}]]\"\nstatus: done\n"
            + (f"company: \"[[{company}]]\"\n" if company else "")
            + ("private: true\n" if private else "")
            + f"---\n\n# Talk\n\n{body}")


def _contact(company: str) -> str:
    return f"---\ntype: contact\ncompany: \"[[{company}]]\"\n---\n"


# --- roll-ups: whose conversations a company reads ----------------------------------------------


def test_a_company_rolls_up_no_conversation_that_names_another_company() -> None:
    # Jane told me about Globex while she worked there, then moved to Acme: what she said about
    # Globex's culture is no word about Acme's, and Acme's page must not show it as such.
    index = VaultIndex([
        parse_note("contacts/Jane.md", _contact("Acme")),
        parse_note("companies/Acme.md", "---\ntype: company\n---\n"),
        parse_note("companies/Globex.md", "---\ntype: company\n---\n"),
        parse_note("interviews/Old.md", _talk(
            "2025-03-01", "Jane", "## Culture\n\n- GLOBEX-CULTURE: nobody ships on Fridays\n",
            company="Globex")),
        parse_note("interviews/New.md", _talk(
            "2026-03-01", "Jane", "## Culture\n\n- ACME-CULTURE: async by default\n")),
    ])
    acme = [i.insight.text for g in learning.rollup(index, "companies/Acme.md") for i in g.items]
    globex = [i.insight.text
              for g in learning.rollup(index, "companies/Globex.md") for i in g.items]
    assert acme == ["ACME-CULTURE: async by default"]
    assert globex == ["GLOBEX-CULTURE: nobody ships on Fridays"]


def test_a_conversation_about_a_private_company_adds_nothing_to_a_public_ones_block() -> None:
    index = VaultIndex([
        parse_note("contacts/Jane.md", _contact("Acme")),
        parse_note("companies/Acme.md", "---\ntype: company\n---\n"),
        parse_note("companies/Stealth.md", "---\ntype: company\nprivate: true\n---\n"),
        parse_note("interviews/T.md", _talk(
            "2026-03-01", "Jane", "## Advice\n\n- STEALTH-PLAN: they launch in May\n",
            company="Stealth")),
    ])
    block = render_related(index, index.notes["companies/Acme.md"], hide_private=True)
    assert "STEALTH-PLAN" not in block


# --- scale: the Questions page --------------------------------------------------------------


def _question_vault(questions: int, talks: int) -> VaultIndex:
    import random

    pick = random.Random(1)
    bank = "# Questions\n\n" + "".join(f"- Question {i}? ^q-{i}\n" for i in range(questions))
    notes = [parse_note("questions.md", bank),
             parse_note("contacts/Jane.md", "---\ntype: contact\n---\n"),
             parse_note("careers/Data.md", "---\ntype: career\nstatus: exploring\n---\n")]
    for k in range(talks):
        asked = "".join(f"- [[questions#^q-{pick.randrange(questions)}]]: answer {k}\n"
                        for _ in range(5))
        notes.append(parse_note(f"interviews/I{k}.md", (
            f"---\ntype: interview\ndate: 2026-01-{1 + k % 28:02d}\nwith: \"[[Jane]]\"\n"
            f"career: \"[[Data]]\"\nstatus: done\n---\n\n## Questions\n\n{asked}")))
    return VaultIndex(notes)


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """The garbage collector paused: its passes grow with every object alive, which is not
    the work being measured."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _question_rows_cpu(questions: int, talks: int) -> float:
    import time

    from vault_tools.views.common import SiteView
    from vault_tools.views.questions import question_rows

    view = SiteView(_question_vault(questions, talks))
    with _collector_off():
        start = time.process_time()
        rows, _ = question_rows(view)
        spent = time.process_time() - start
    assert sum(len(row.answers) for row in rows) == 5 * talks
    return spent


def test_the_questions_page_takes_time_linear_in_the_bank_and_the_answers() -> None:
    # A bank of 2,000 questions asked in 5,000 conversations took 56 s of CPU for this page
    # alone (each question scanned every answer); twice the input took 4.7 times as long.
    small = min(_question_rows_cpu(150, 400) for _ in range(3))
    large = _question_rows_cpu(1200, 3200)
    # Eight times the input: linear is ~8x, one scan of the answers per question 64x. The
    # bound leaves room for a loaded machine's caches (4x was once 10x under load).
    assert large < max(small, 0.02) * 32, (small, large)


def _questions_command_cpu(questions: int, talks: int) -> float:
    import time

    from vault_tools.questions_report import questions_data

    index = _question_vault(questions, talks)
    with _collector_off():
        start = time.process_time()
        rows = questions_data(index)
        spent = time.process_time() - start
    assert sum(len(row["asked"]) for row in rows) == 5 * talks
    return spent


def test_the_questions_command_takes_time_linear_in_the_bank_and_the_answers() -> None:
    # The same scan as the Questions page had, in `vault-tools questions`.
    small = min(_questions_command_cpu(150, 400) for _ in range(3))
    large = _questions_command_cpu(1200, 3200)
    assert large < max(small, 0.02) * 32, (small, large)


# --- scale: a huge insight -------------------------------------------------------------------


def _roll_up_cpu(unit: str, count: int) -> float:
    import time

    index = VaultIndex([
        parse_note("contacts/Jane.md", _contact("Acme")),
        parse_note("companies/Acme.md", "---\ntype: company\n---\n"),
        parse_note("interviews/T.md", _talk("2026-03-01", "Jane",
                                            "## Advice\n\n- " + unit * count + "\n")),
    ])
    start = time.process_time()
    block = render_related(index, index.notes["companies/Acme.md"])
    spent = time.process_time() - start
    assert "What people told me" in block
    return spent


@pytest.mark.parametrize("unit", ["[[a ", "![[x|", "[x](", "[a "])
def test_a_roll_up_of_a_huge_insight_full_of_brackets_takes_linear_time(unit: str) -> None:
    # One pasted 16 KB insight of unclosed links took 2.5 s to roll up (a 1 MB one, hours):
    # each "[" was tried as a Markdown link's label running to the end of the text.
    small = min(_roll_up_cpu(unit, 1_000) for _ in range(2))
    large = _roll_up_cpu(unit, 8_000)
    # Eight times the text: linear is ~8x, quadratic 64x.
    assert large < max(small, 0.01) * 24, (small, large)
