"""The Questions page (`questions_page`) from `views.questions`' rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ...views.questions import AnswerRow, PreparedRow, QuestionRow
from .common import EMPTY, WIDE, Cells, Linker, cell_text, html_text, markdown_table, md_text


def _answer_cells(answers: Sequence[AnswerRow], linker: Linker) -> Cells:
    """A question's answers as table cells; *When* links the conversation."""
    def cells(raw: bool) -> Iterable[Sequence[str]]:
        for a in answers:
            who = linker.links(a.people, raw) if a.people else EMPTY
            when = a.date.isoformat() if a.date else "no date"
            yield (linker.link(a.career, raw=raw), cell_text(a.answer, raw), who,
                   linker.link(a.interview, when, raw))
    return cells


def questions_page(data: tuple[Sequence[QuestionRow], Sequence[PreparedRow]], linker: Linker,
                   raw_html: Callable[[str], str] | None = None) -> str:
    """Every answer to each bank question side by side, by career
    (`views.questions.question_rows`), then the questions prepared for each conversation and not
    asked in it."""
    rows, prepared = data
    parts = [f"{WIDE}# Questions\n\nEvery answer each question of your question bank got, "
             "side by side and grouped by career, so you can see how the same question is "
             "answered on different paths. A conversation links a question with "
             "`[[questions#^id]]: the answer` (see the docs on learning)."]
    if not rows:
        parts.append("No bank questions yet: give each question in your bank a block id "
                     "(`- What does a typical week look like? ^q-week`).")
    for row in rows:
        times = f"asked in {row.times} conversation{'s' if row.times != 1 else ''}" \
            if row.times else "not asked yet"
        parts.append(f"## {md_text(row.text)}\n\n{linker.link(row.bank)} · {times}")
        if row.answers:
            parts.append(markdown_table(("Career", "Answer", "Who", "When"),
                                _answer_cells(row.answers, linker), sortable=False,
                                raw_html=raw_html))
    parts.append("## Prepared, not asked yet")
    if prepared:
        parts.append(markdown_table(
            ("Conversation", "When", "Status", "With", "Questions"),
            lambda raw: ((linker.link(p.interview, raw=raw), cell_text(p.date, raw),
                          cell_text(p.status, raw), linker.links(p.people, raw),
                          "<br>".join((html_text if raw else md_text)(q) for q in p.questions))
                         for p in prepared),
            raw_html=raw_html))
    else:
        parts.append("Nothing prepared and waiting: list the questions for a planned "
                     "conversation in its note, or under `## Questions I want to ask`.")
    return "\n\n".join(parts) + "\n"
