"""Deciding between career paths (DESIGN §13): the evidence each path has gathered.

Pure functions of the index: a career's conversations (`conversations_of`), its weighted score
against mkdocs.yml's `criteria` (`weighted_score`), its `## Open questions` and which
conversations answered them (`open_questions`), its interest over time (`interest_series`), one
comparison row per path (`comparison`), and what `check` says about scores against criteria no
one configured (`score_diagnostics`).

Every function that reads conversations takes `shown`, the filter of the notes a reader may see
(the site passes its privacy decision; the terminal shows everything): a conversation it leaves
out counts nowhere, not in a date, a count or a sum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from . import schema
from .index import VaultIndex
from .notes import CareerFields, Diagnostic, InterviewFields, Note
from .settings import Settings

Shown = Callable[[Note], bool]

# How many of the latest rated conversations "recent interest" sums: enough to see a trend,
# few enough that last year's enthusiasm does not hide this month's doubts.
RECENT = 3


def _everything(note: Note) -> bool:
    return True


@dataclass(frozen=True)
class Conversation:
    """One conversation about a career: its note, date, status, `interest`, and the paths (or,
    for a name with no note, the names) of the people and the company."""

    path: str
    date: dt.date | None
    status: str
    interest: int | None
    people: tuple[str, ...]
    company: str | None


@dataclass(frozen=True)
class OpenQuestion:
    """An item under a career's `## Open questions` heading: its text as written, its line,
    and the done conversations linked from it or its sub-items (empty: not answered yet)."""

    text: str
    line: int
    answered_by: tuple[str, ...]

    @property
    def answered(self) -> bool:
        return bool(self.answered_by)


@dataclass(frozen=True)
class WeightedScore:
    """A career's score: sum(weight × score) / sum(weights of the scored criteria), on the
    scores' own 1–5 scale (None when no criterion is scored), and the criteria not scored."""

    value: float | None
    scored: tuple[tuple[str, int], ...]
    unscored: tuple[str, ...]


@dataclass(frozen=True)
class CareerComparison:
    """One career path's row of the decision table (§13)."""

    career: str
    name: str
    status: str | None
    score: WeightedScore
    done: int
    planned: int
    people: tuple[str, ...]
    companies: tuple[str, ...]
    net_interest: int
    recent_interest: int | None
    recent_rated: int
    questions_answered: int
    questions_total: int
    last: Conversation | None
    next: Conversation | None
    ruled_out: dt.date | None
    reason: str | None

    @property
    def is_ruled_out(self) -> bool:
        return self.status == schema.RULED_OUT


def career_fields(note: Note) -> CareerFields:
    """A career note's fields (empty ones for a note of another type)."""
    return note.fields if isinstance(note.fields, CareerFields) else CareerFields()


def conversations_of(index: VaultIndex, career_path: str,
                     shown: Shown = _everything) -> list[Conversation]:
    """Every conversation (an interview whose `career` links to the note at `career_path`)
    among the `shown` notes, each once, by date (undated last) then path."""
    seen: dict[str, Conversation] = {}
    for backlink in index.backlinks(career_path):
        note = index.notes.get(backlink.source)
        if (backlink.link.field != "career" or note is None or note.path in seen
                or not isinstance(note.fields, InterviewFields) or not shown(note)):
            continue
        fields = note.fields
        seen[note.path] = Conversation(
            path=note.path, date=fields.date, status=fields.status, interest=fields.interest,
            people=tuple(_each_once(_target(index, t, note.path) for t in fields.with_)),
            company=(_target(index, fields.company, note.path)
                     if fields.company is not None else None),
        )
    return sorted(seen.values(), key=lambda c: (c.date is None, c.date or dt.date.min, c.path))


def _target(index: VaultIndex, target: str, source: str) -> str:
    """The path a front-matter link reaches, or its name when it reaches no note."""
    note = index.resolve_note(target, source=source)
    return note.path if note is not None else target


def _each_once(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def weighted_score(fields: CareerFields, settings: Settings) -> WeightedScore:
    """The career's weighted score against the configured criteria. A score for a criterion
    mkdocs.yml does not name is left out (`score_diagnostics` warns of it); a criterion scored
    twice (impossible in YAML) counts once."""
    scores = {s.criterion: s.value for s in fields.scores}
    scored = tuple((name, scores[name]) for name, _ in settings.criteria if name in scores)
    unscored = tuple(name for name, _ in settings.criteria if name not in scores)
    weights = dict(settings.criteria)
    total = sum(weights[name] for name, _ in scored)
    value = (sum(weights[name] * score for name, score in scored) / total) if total else None
    return WeightedScore(value, scored, unscored)


def open_questions(index: VaultIndex, career_path: str,
                   shown: Shown = _everything) -> list[OpenQuestion]:
    """The items under the career's `## Open questions` heading (any level, any case), each
    with the done conversations among the `shown` notes that a link on its line, or on its
    sub-items' lines, reaches. A link to a planned conversation does not answer it (it has
    not happened); neither does a link to anything else. Empty for an unknown path."""
    note = index.notes.get(career_path)
    if note is None or not note.open_questions:
        return []
    answered_on: dict[int, list[str]] = {}
    for link, resolution in index.outgoing(career_path):
        target = index.notes.get(resolution.path) if resolution.path else None
        if (link.field is None and target is not None and shown(target)
                and isinstance(target.fields, InterviewFields)
                and target.fields.status == schema.DONE):
            answered_on.setdefault(link.line, []).append(target.path)
    out: list[OpenQuestion] = []
    items = note.open_questions
    i = 0
    while i < len(items):
        item = items[i]
        lines = [item.line]
        j = i + 1
        # Deeper items belong to the question above them ("- asked Jane: [[2026-11-02 Jane]]").
        while j < len(items) and items[j].indent > item.indent:
            lines.append(items[j].line)
            j += 1
        answers = _each_once(p for line in lines for p in answered_on.get(line, ()))
        out.append(OpenQuestion(item.text, item.line, tuple(answers)))
        i = j
    return out


def unanswered_questions(index: VaultIndex, career_path: str,
                         shown: Shown = _everything) -> list[OpenQuestion]:
    """The career's open questions no done conversation has answered yet, in note order
    (what the next conversation in this career could ask)."""
    return [q for q in open_questions(index, career_path, shown) if not q.answered]


def interest_series(index: VaultIndex, career_path: str,
                    shown: Shown = _everything) -> list[tuple[dt.date, int]]:
    """Cumulative `interest` by date over the done, dated conversations that carry one: one
    point per date (conversations on the same day summed), oldest first. Empty when none."""
    by_day: dict[dt.date, int] = {}
    for talk in conversations_of(index, career_path, shown):
        if talk.status == schema.DONE and talk.date is not None and talk.interest is not None:
            by_day[talk.date] = by_day.get(talk.date, 0) + talk.interest
    total = 0
    series = []
    for day in sorted(by_day):
        total += by_day[day]
        series.append((day, total))
    return series


def latest_conversation(talks: Sequence[Conversation]) -> Conversation | None:
    """The dated conversation that last happened or is set to happen (done or planned; a
    cancelled one or one of unknown status is no conversation): what `explore-or-drop` counts
    from."""
    dated = [t for t in talks if t.date is not None and t.status in (schema.DONE, schema.PLANNED)]
    return max(dated, key=lambda t: (t.date, t.path)) if dated else None


def latest_conversation_of(index: VaultIndex, career_path: str) -> tuple[dt.date, str] | None:
    """The date and path of `latest_conversation(conversations_of(index, career_path))`,
    without a `Conversation` made of each (their people and company resolved, then dropped):
    what `explore-or-drop` asks of every exploring career. tests/test_careers.py holds the
    two equal."""
    latest: tuple[dt.date, str] | None = None
    for source, links in index.backlinks_by_source(career_path):
        if not any(link.field == "career" for link in links):
            continue
        note = index.notes.get(source)
        fields = note.fields if note is not None else None
        if (isinstance(fields, InterviewFields) and fields.date is not None
                and fields.status in (schema.DONE, schema.PLANNED)
                and (latest is None or (fields.date, source) > latest)):
            latest = (fields.date, source)
    return latest


def comparison(index: VaultIndex, career: Note,
               shown: Shown = _everything) -> CareerComparison:
    """The career's row of the decision table, from the `shown` conversations only."""
    fields = career_fields(career)
    talks = conversations_of(index, career.path, shown)
    done = [t for t in talks if t.status == schema.DONE]
    planned = [t for t in talks if t.status == schema.PLANNED and t.date is not None]
    rated = [t for t in done if t.interest is not None]
    # Newest first: the last RECENT rated conversations (undated ones sort oldest).
    recent = sorted(rated, key=lambda t: (t.date or dt.date.min, t.path))[-RECENT:]
    questions = open_questions(index, career.path, shown)
    dated_done = [t for t in done if t.date is not None]
    return CareerComparison(
        career=career.path, name=career.name, status=fields.status,
        score=weighted_score(fields, index.settings),
        done=len(done), planned=len(planned),
        people=tuple(_each_once(p for t in done for p in t.people)),
        companies=tuple(_each_once(t.company for t in done if t.company is not None)),
        net_interest=sum(t.interest or 0 for t in rated),
        recent_interest=sum(t.interest or 0 for t in recent) if recent else None,
        recent_rated=len(recent),
        questions_answered=sum(q.answered for q in questions),
        questions_total=len(questions),
        last=max(dated_done, key=lambda t: (t.date, t.path)) if dated_done else None,
        # Clock-free: the earliest planned conversation, even one whose day has passed (the
        # `update-status` follow-up asks to mark that one done).
        next=min(planned, key=lambda t: (t.date, t.path)) if planned else None,
        ruled_out=fields.ruled_out, reason=fields.reason,
    )


# Pursued paths first, ruled-out ones last; the rest between them; by name within each.
_ORDER = {schema.PURSUING: 0, schema.EXPLORING: 1, schema.RULED_OUT: 3}


def comparisons(index: VaultIndex, shown: Shown = _everything) -> list[CareerComparison]:
    """Every `shown` career's row: pursued first, then exploring, then the rest, ruled-out
    ones last, by name within each."""
    careers = [n for n in index.by_type(schema.CAREER) if shown(n)]
    rows = [comparison(index, n, shown) for n in careers]
    return sorted(rows, key=lambda r: (_ORDER.get(r.status or "", 2), r.name.lower(), r.career))


def score_diagnostics(index: VaultIndex, note: Note) -> list[Diagnostic]:
    """A warning for each score of a career note against a criterion mkdocs.yml's `criteria`
    does not name (it counts nowhere), suggesting a close one."""
    if note.type != schema.CAREER:
        return []
    criteria = [name for name, _ in index.settings.criteria]
    out = []
    for score in career_fields(note).scores:
        if score.criterion in criteria:
            continue
        if not criteria:
            hint = ("no criteria are set: add them to the vault plugin's options in mkdocs.yml, "
                    f"e.g. criteria: {{{score.criterion}: 1}}")
        else:
            close = _close(score.criterion, criteria)
            hint = (f"did you mean {schema.SCORE_PREFIX}{close}? " if close else "") + (
                f"mkdocs.yml's criteria are {', '.join(criteria)}")
        out.append(Diagnostic(
            note.path, score.line, "warning", "bad-value",
            f"{schema.SCORE_PREFIX}{score.criterion}: {score.criterion!r} is not a criterion, "
            f"so this score counts nowhere; {hint}"))
    return out


def _close(word: str, choices: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None
