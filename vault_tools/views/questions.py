"""The Questions dashboard's rows (`question_rows`, §13): each bank question's answers by
career, and the questions prepared and not asked yet; written by `site.render.questions`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import questions
from ..blocks import plain_quote
from .common import Ref, SiteView


@dataclass(frozen=True)
class AnswerRow:
    """One time a question was asked, under one of its conversation's careers (None: the
    conversation names no public career): when, with whom, and the answer as plain text."""

    career: Ref | None
    interview: Ref
    date: dt.date | None
    people: tuple[Ref, ...]
    answer: str


@dataclass(frozen=True)
class QuestionRow:
    """A bank question on the Questions page: its text, its bank note, the number of public
    conversations that asked it, and their answers by career (careers by name, then date)."""

    text: str
    bank: Ref
    times: int
    answers: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class PreparedRow:
    """A conversation with the bank questions prepared for it and not asked in it."""

    interview: Ref
    date: dt.date | None
    status: str
    people: tuple[Ref, ...]
    questions: tuple[str, ...]


def question_rows(view: SiteView) -> tuple[tuple[QuestionRow, ...], tuple[PreparedRow, ...]]:
    """What the Questions page shows: every question of a public bank with the answers of
    public conversations, grouped by career; then each public conversation's prepared,
    unasked questions (newest first). A private conversation's answer never appears."""
    index = view.index
    bank = [q for q in questions.bank(index) if view.is_public(q.note)]
    public = [use for use in questions.uses(index)
              if view.is_public(use.interview) and view.is_public(use.question.note)]
    # Each question's answers, found in one pass (not one scan of every answer per question:
    # a bank of 2,000 asked in 5,000 conversations took a minute).
    asked_by_key: dict[tuple[str, str], list[questions.Use]] = {}
    for use in public:
        if use.asked:
            asked_by_key.setdefault(use.question.key, []).append(use)
    rows = []
    for question in bank:
        asked = asked_by_key.get(question.key, [])
        answers = []
        for use in asked:
            careers: list[Ref | None] = [view.note_ref(c) for c in use.careers
                                         if view.is_public(c)] or [None]
            for career in careers:
                answers.append(AnswerRow(
                    career, view.note_ref(use.interview), use.date,
                    tuple(view.note_ref(p) for p in use.people),
                    plain_quote(index, use.answer, view.hidden, use.interview)))
        answers.sort(key=lambda row: (row.career is None,
                                      row.career.text.casefold() if row.career else "",
                                      row.date is None, row.date or dt.date.min,
                                      row.interview.text))
        rows.append(QuestionRow(
            plain_quote(index, question.text, view.hidden, question.note),
            view.note_ref(question.note), len({use.interview for use in asked}),
            tuple(answers)))
    asked_in = {(use.interview, use.question.key) for use in public if use.asked}
    waiting: dict[str, list[questions.Use]] = {}
    for use in public:
        if not use.asked and (use.interview, use.question.key) not in asked_in:
            waiting.setdefault(use.interview, []).append(use)
    prepared = []
    for path, found in waiting.items():
        first = found[0]
        texts = list(dict.fromkeys(plain_quote(index, use.question.text, view.hidden,
                                               use.question.note) for use in found))
        prepared.append(PreparedRow(view.note_ref(path), first.date, first.status,
                                    tuple(view.note_ref(p) for p in first.people),
                                    tuple(texts)))
    prepared.sort(key=lambda row: (row.date is None, row.date or dt.date.min,
                                   row.interview.text), reverse=True)
    return tuple(rows), tuple(prepared)
