"""What a change reaches (`vault_tools.refresh`): after any sequence of edits, refreshing only
the notes `notes_to_refresh` names leaves every block as a full `fill` writes it, and the cached
follow-ups stay equal to working them all out again. Pure: no threads, no files. (Moved from
test_watch.py with the code.)"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from vault_tools.fill import plan_fill
from vault_tools.followups import open_followups
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.reach import reach_of_edits
from vault_tools.refresh import (
    FollowUpCache,
    apply_updates,
    notes_to_refresh,
    plan_refresh,
)

pytestmark = pytest.mark.slow  # a 200-example Hypothesis run, as in test_watch.py

# --- notes_to_refresh against a full fill, on random edit sequences -------------------------------

DASH = "Follow-ups.md"
CONTACTS = ["contacts/Ann.md", "contacts/Bob.md", "contacts/Cy.md", "other/Ann.md", "Bob.md"]
INTERVIEWS = ["interviews/I1.md", "interviews/I2.md", "interviews/I3.md"]
OTHERS = ["companies/Acme.md", "notes/Plain.md", "careers/UX.md", DASH, "questions.md"]
# Daily notes (§12): by name, in any folder, or by `type: journal` with a `date`; a rename
# between these and OTHERS makes a note a daily note or stops it being one.
DAILIES = ["daily/2026-01-06.md", "2026-02-11.md", "journal/Thursday.md"]
PATHS = CONTACTS + INTERVIEWS + OTHERS + DAILIES
LINKABLE = ["Ann", "Bob", "Cy", "contacts/Ann", "Acme", "I1", "I2", "Plain", "UX", "Nobody",
            "Zed"]
DAYS = ["2026-01-05", "2026-02-10", "2026-03-15"]


@st.composite
def bodies(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(LINKABLE))
        kind = draw(st.sampled_from(["text", "task", "dated-task", "done-task", "log",
                                     "question", "bank", "insight", "open-question"]))
        if kind == "open-question":
            # A career's open questions (§13), answered by linking a done conversation: what
            # a planned conversation's brief lists while unanswered.
            lines.append(draw(st.sampled_from(["## Open questions", "## Notes"])))
            lines.append(f"- How bad is on-call? [[{target}]]")
        elif kind == "insight":
            # Insights (§13): items under an insight section (or another heading), tagged or
            # not, linking or not; an interview's reach the company of each person it is with.
            lines.append(draw(st.sampled_from(["## What I learned", "### culture", "## Notes",
                                               "## Advice", "## Next steps"])))
            for _ in range(draw(st.integers(1, 2))):
                tag = draw(st.sampled_from(["", " #pay", " #culture"]))
                link = f" as [[{target}]] said" if draw(st.booleans()) else ""
                lines.append(f"- keep pipelines boring{link}{tag}")
        elif kind == "question":
            # A bank question asked (with or without an answer, by label) or prepared (§13);
            # the bank is `questions` by name, or any plain note a conversation links so.
            if draw(st.booleans()):
                lines.append("## Questions I want to ask")
            bank = draw(st.sampled_from(["questions", "Plain"]))
            ident = draw(st.sampled_from(["q-a", "q-b", "Q-A", "q-nope"]))
            label = draw(st.sampled_from(["", "|the week"]))
            answer = draw(st.sampled_from(["", ": mostly [[Bob]]", " — meetings"]))
            lines.append(f"- [[{bank}#^{ident}{label}]]{answer}")
        elif kind == "bank":
            for ident in draw(st.lists(st.sampled_from(["q-a", "q-b"]), max_size=2)):
                lines.append(f"- What about {ident}? ^{ident}")
        elif kind == "log":
            # A contact's interaction log (§12), sometimes cut short by a heading, or with a
            # day the calendar lacks; the date may be a link to a daily note.
            lines.append(draw(st.sampled_from(["## Log", "### log", "## Notes"])))
            for day in draw(st.lists(st.sampled_from([*DAYS, "2026-02-30"]), max_size=2)):
                written = f"[[{day}]]" if draw(st.booleans()) else day
                lines.append(f"- {written} email: wrote to [[{target}]]")
        elif kind == "text":
            lines.append(f"Talked about [[{target}]] today.")
        elif kind == "task":
            lines.append(f"- [ ] write to [[{target}]]")
        elif kind == "dated-task":
            lines.append(f"- [ ] call [[{target}]] 📅 {draw(st.sampled_from(DAYS))}")
        else:
            lines.append(f"- [x] done with [[{target}]]")
    return "".join(line + "\n" for line in lines)


@st.composite
def _questions_asked(draw: st.DrawFn) -> str:
    """An interview's bank questions (§13): asked, with or without an answer, by label or
    not, or prepared under `Questions I want to ask`; a bank by name or a plain note."""
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 3)) == 0:
            lines.append("## Questions I want to ask")
        bank = draw(st.sampled_from(["questions", "questions", "Plain"]))
        ident = draw(st.sampled_from(["q-a", "q-b", "Q-A", "q-nope"]))
        label = draw(st.sampled_from(["", "|the week"]))
        answer = draw(st.sampled_from(["", ": mostly [[Bob]]", " — meetings"]))
        lines.append(f"- [[{bank}#^{ident}{label}]]{answer}")
    return "".join(line + "\n" for line in lines)


@st.composite
def note_texts(draw: st.DrawFn, path: str) -> str:
    """A note of the type its folder suggests, with random fields, links and tasks."""
    front: list[str] = []
    if path == "questions.md" and draw(st.integers(0, 5)) > 0:
        # The question bank (§13), mostly as a bank: its items' block ids are what
        # conversations link to; the "Usage" in its block counts them.
        if draw(st.integers(0, 3)) == 0:
            front.append("private: true")
        items = draw(st.lists(st.sampled_from(["q-a", "q-b", "q-c"]), min_size=1, max_size=3))
        head = "---\n" + "".join(f"{line}\n" for line in front) + "---\n" if front else ""
        return head + "".join(f"- What about {ident}? ^{ident}\n" for ident in items) \
            + draw(bodies())
    if path in CONTACTS or draw(st.integers(0, 3)) == 0:
        front.append("type: contact")
        if draw(st.booleans()):
            front.append(f'introduced_by: "[[{draw(st.sampled_from(["Ann", "Bob", "Cy"]))}]]"')
        if draw(st.booleans()):
            front.append("cadence: 30d")
        if draw(st.booleans()):
            front.append(f"last_contact: {draw(st.sampled_from(DAYS))}")
        if draw(st.integers(0, 3)) == 0:
            front.append(f"introducer_thanked: {DAYS[0]}")
        if draw(st.booleans()):
            front.append("company: Acme")
        # The outreach facts of §12: asked, nudged, replied, a status, a private person.
        for key in ("asked", "nudged", "replied"):
            if draw(st.integers(0, 2)) == 0:
                front.append(f"{key}: {draw(st.sampled_from(DAYS))}")
        if draw(st.integers(0, 3)) == 0:
            front.append(f"status: {draw(st.sampled_from(['asked', 'declined', 'met']))}")
        if draw(st.integers(0, 4)) == 0:
            front.append("private: true")
    elif path in INTERVIEWS:
        people = draw(st.lists(st.sampled_from(["Ann", "Bob", "Cy", "Zed"]), min_size=1,
                               max_size=2))
        front += ["type: interview", f"date: {draw(st.sampled_from(DAYS))}",
                  "with: [" + ", ".join(f'"[[{p}]]"' for p in people) + "]",
                  f"status: {draw(st.sampled_from(['done', 'planned', 'cancelled']))}"]
        if draw(st.booleans()):
            front.append(f"thank_you: {DAYS[1]}")
        if draw(st.booleans()):
            offered = draw(st.lists(st.sampled_from(["Ann", "Bob", "Cy", "Nobody", "Zed"]),
                                    min_size=1, max_size=2))
            front.append("referrals: [" + ", ".join(f'"[[{p}]]"' for p in offered) + "]")
        if draw(st.integers(0, 4)) == 0:
            front.append("private: true")
        if draw(st.booleans()):
            front.append("career: UX")
            front.append(f"interest: {draw(st.integers(-2, 2))}")
        if draw(st.booleans()):
            front.append("company: Acme")
        if draw(st.integers(0, 2)) > 0:
            head = "---\n" + "".join(f"{line}\n" for line in front) + "---\n"
            return head + draw(bodies()) + draw(_questions_asked())
    elif path in DAILIES or draw(st.integers(0, 5)) == 0:
        if draw(st.booleans()):
            front.append("type: journal")
            if draw(st.booleans()):
                front.append(f"date: {draw(st.sampled_from(DAYS))}")
        if draw(st.integers(0, 3)) == 0:
            front.append("private: true")
        if draw(st.integers(0, 3)) == 0:
            front.append('attendees: "[[Ann]]"')  # a front-matter link: no touch
    elif path == "companies/Acme.md":
        front.append("type: company")
    elif path == "careers/UX.md":
        front.append("type: career")
    if draw(st.integers(0, 4)) == 0:
        front.append(f"aliases: [{draw(st.sampled_from(['Ann', 'Zed', 'Acme Corp']))}]")
    head = "---\n" + "".join(f"{line}\n" for line in front) + "---\n" if front else ""
    return head + draw(bodies())


@st.composite
def edit_sequences(draw: st.DrawFn) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    start = {path: draw(note_texts(path)) for path in draw(
        st.lists(st.sampled_from(PATHS), min_size=3, max_size=len(PATHS), unique=True))}
    ops = []
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["edit", "edit", "create", "delete", "rename"]))
        path = draw(st.sampled_from(PATHS))
        other = draw(st.sampled_from(PATHS))
        ops.append((op, path, other, draw(note_texts(path))))
    return start, ops


def keep_blocks(old: str | None, new_body: str) -> str:
    """An editor's save: new text before the note's blocks, the blocks themselves kept."""
    if old is None or "<!-- vault-tools:" not in old:
        return new_body
    return new_body + "\n" + old[old.index("<!-- vault-tools:"):]


def full_fill_changes(texts: dict[str, str]) -> list[str]:
    index = VaultIndex(parse_note(path, text) for path, text in texts.items())
    changes, _ = plan_fill(index, texts, dashboard=DASH)
    return [change.path for change in changes]


# An alias given to a second note, in another folder than the interview linking by it: the
# follow-ups resolved `with` without the interview's folder and named the other note.
_ALIAS_IN_TWO_FOLDERS = (
    {"interviews/I1.md": '---\ntype: interview\ndate: 2026-01-05\nwith: ["[[Zed]]"]\n'
                         'status: done\n---\n',
     "interviews/I2.md": "---\ntype: interview\ndate: 2026-01-05\nstatus: done\n"
                         "aliases: [Zed]\n---\n",
     "contacts/Ann.md": "---\ntype: contact\n---\n",
     DASH: "# Follow-ups\n"},
    [("edit", "contacts/Ann.md", "contacts/Ann.md",
      "---\ntype: contact\naliases: [Zed]\n---\n")],
)


# (Found by Hypothesis.) A private note made public and given an alias that other notes
# have as a name: no follow-up changed, but the Follow-ups note links another way to the
# notes of those names (one of them private, written "a private note"), and was not refreshed.
_PUBLIC_WITH_A_SHARED_ALIAS = (
    {"contacts/Ann.md": "---\ntype: contact\nprivate: true\n---\n",
     "contacts/Bob.md": "---\ntype: contact\nintroducer_thanked: 2026-01-05\nasked: 2026-01-05\n"
                        "private: true\n---\n",
     "other/Ann.md": "---\ntype: contact\nprivate: true\n---\n",
     "contacts/Cy.md": '---\ntype: contact\nintroduced_by: "[[Bob]]"\nasked: 2026-01-05\n'
                       "nudged: 2026-01-05\naliases: [Ann]\n---\n",
     "interviews/I1.md": '---\ntype: interview\ndate: 2026-01-05\nwith: ["[[Bob]]"]\n'
                         "status: done\nprivate: true\naliases: [Ann]\n---\n",
     "interviews/I3.md": '---\ntype: interview\ndate: 2026-01-05\nwith: ["[[Cy]]"]\n'
                         "status: done\nprivate: true\naliases: [Ann]\n---\n",
     "Bob.md": "---\ntype: contact\nasked: 2026-01-05\nprivate: true\n---\n",
     DASH: "# Follow-ups\n"},
    [("edit", "Bob.md", "Bob.md", "---\ntype: contact\nasked: 2026-01-05\naliases: [Ann]\n---\n")],
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit_sequences())
@example(_ALIAS_IN_TWO_FOLDERS)
@example(_PUBLIC_WITH_A_SHARED_ALIAS)
def test_refreshing_only_the_notes_it_names_leaves_what_a_full_fill_would_write(case) -> None:
    """The watcher's core loop, in memory: after every batch, a full fill finds nothing to do."""
    start, ops = case
    texts = dict(start)
    index = VaultIndex(parse_note(path, text) for path, text in texts.items())
    followups = FollowUpCache(index)
    changes, _ = plan_refresh(index, texts, followups.all(), DASH)
    for change in changes:
        texts[change.path] = change.new
        index.put(parse_note(change.path, change.new))
    for op, path, other, body in ops:
        updates: dict[str, object] = {}
        if op in ("edit", "create"):
            texts[path] = keep_blocks(texts.get(path), body)
            updates[path] = parse_note(path, texts[path])
        elif op == "delete" and path in texts:
            del texts[path]
            updates[path] = None
        elif op == "rename" and path in texts and other not in texts:
            texts[other] = texts.pop(path)
            updates[path] = None
            updates[other] = parse_note(other, texts[other])
        change = apply_updates(index, updates, followups)
        refresh = notes_to_refresh(index, change, DASH)
        subset = {p: texts[p] for p in refresh}
        changes, _ = plan_refresh(index, subset, followups.all(), DASH)
        for planned in changes:
            texts[planned.path] = planned.new
            index.put(parse_note(planned.path, planned.new))  # as the watcher indexes its writes
        assert full_fill_changes(texts) == [], (op, path, other)
        assert followups.all() == open_followups(index), (op, path, other)


def _identity(index: VaultIndex) -> list[tuple[object, ...]]:
    """What `reach_of_edits` asks to be unchanged: the notes, their names, aliases, privacy."""
    return sorted((path, note.name, note.aliases, note.private)
                  for path, note in index.notes.items())


@st.composite
def later_edits(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, str]]:
    """A vault, and new texts for some of its notes (a later run finds them edited)."""
    start = {path: draw(note_texts(path)) for path in draw(
        st.lists(st.sampled_from(PATHS), min_size=3, max_size=len(PATHS), unique=True))}
    edits = {}
    for path in draw(st.lists(st.sampled_from(sorted(start)), min_size=1, max_size=3)):
        edits[path] = draw(note_texts(path))
    return start, edits


# A done interview with C: "tell X how it went" on X, who introduced C (through follow-ups).
_INTRODUCER_THANKED = (
    {"contacts/X.md": "---\ntype: contact\n---\n",
     "contacts/C.md": '---\ntype: contact\nintroduced_by: "[[X]]"\n---\n',
     "interviews/I1.md": ('---\ntype: interview\ndate: 2026-01-05\nwith: "[[C]]"\n'
                          "status: planned\n---\n"),
     DASH: "# Follow-ups\n"},
    {"interviews/I1.md": ('---\ntype: interview\ndate: 2026-01-05\nwith: "[[C]]"\n'
                          "status: done\nthank_you: 2026-01-06\n---\n")},
)
# An insight told by Jane reaches her company's roll-up; the interview names no company.
_INSIGHT_AT_HER_COMPANY = (
    {"contacts/Ann.md": '---\ntype: contact\ncompany: "[[Acme]]"\n---\n',
     "companies/Acme.md": "---\ntype: company\n---\n",
     "interviews/I1.md": ('---\ntype: interview\ndate: 2026-01-05\nwith: "[[Ann]]"\n'
                          "status: done\n---\n")},
    {"interviews/I1.md": ('---\ntype: interview\ndate: 2026-01-05\nwith: "[[Ann]]"\n'
                          "status: done\n---\n\n## What I learned\n\n- remote-first\n")},
)
# An introduction chain read upward from Ann (Bob introduced her, Cy Bob, I1's Ann Cy):
# when Cy names an introducer, Ann's block, three links below, shows one more.
_CHAIN = (
    {"contacts/Ann.md": '---\ntype: contact\nintroduced_by: "[[Bob]]"\n---\n',
     "contacts/Bob.md": '---\ntype: contact\nintroduced_by: "[[Cy]]"\n---\n',
     "contacts/Cy.md": "---\ntype: contact\n---\n",
     "other/Ann.md": "---\ntype: contact\n---\n",
     "interviews/I1.md": ('---\ntype: interview\ndate: 2026-01-05\nwith: "[[Ann]]"\n'
                          "status: done\n---\n")},
    {"contacts/Cy.md": '---\ntype: contact\nintroduced_by: "[[other/Ann]]"\n---\n'},
)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(later_edits())
@example(_INTRODUCER_THANKED)
@example(_INSIGHT_AT_HER_COMPANY)
@example(_CHAIN)
def test_a_later_run_refreshing_only_the_reach_of_edits_leaves_what_a_full_fill_writes(
    case,
) -> None:
    """`fill` or `build` after notes were edited since the last complete fill: filling only
    the notes `reach_of_edits` names (from the edited notes and what they linked to then)
    leaves every block as a full fill writes it."""
    start, edits = case
    texts = dict(start)
    index = VaultIndex(parse_note(path, text) for path, text in texts.items())
    changes, _ = plan_fill(index, texts, dashboard=DASH)
    for change in changes:
        texts[change.path] = change.new
    index = VaultIndex(parse_note(path, text) for path, text in texts.items())
    assert full_fill_changes(texts) == []
    then = {path: index.targets(path) for path in texts}
    identity = _identity(index)
    for path, body in edits.items():
        texts[path] = keep_blocks(texts[path], body)
    index = VaultIndex(parse_note(path, text) for path, text in texts.items())
    assume(_identity(index) == identity)
    edited = {path: then[path] for path in edits}
    refresh = reach_of_edits(index, edited, DASH)
    subset = {path: texts[path] for path in refresh}
    changes, _ = plan_refresh(index, subset, open_followups(index), DASH)
    for planned in changes:
        texts[planned.path] = planned.new
    assert full_fill_changes(texts) == [], sorted(edits)


def test_a_done_interview_reaches_the_introducers_block_through_the_follow_ups() -> None:
    """C was introduced by X; a done interview with C adds 'tell X how it went' to X's block,
    though the interview does not link to X at all."""
    texts = {
        "contacts/X.md": "---\ntype: contact\n---\n",
        "contacts/C.md": '---\ntype: contact\nintroduced_by: "[[X]]"\n---\n',
        DASH: "# Follow-ups\n",
    }
    index = VaultIndex(parse_note(p, t) for p, t in texts.items())
    before = FollowUpCache(index)
    interview = ("---\ntype: interview\ndate: 2026-11-20\nwith: \"[[C]]\"\n"
                 "thank_you: 2026-11-21\n---\n")
    change = apply_updates(index, {"interviews/C.md": parse_note("interviews/C.md", interview)},
                           before)
    refresh = notes_to_refresh(index, change, DASH)
    assert "contacts/X.md" in refresh
    assert DASH in refresh
    assert "interviews/C.md" not in index.targets("contacts/X.md")


def test_an_edit_refreshes_its_link_targets_not_the_whole_vault() -> None:
    texts = {f"contacts/P{i}.md": "---\ntype: contact\n---\n" for i in range(50)}
    texts["notes/Plain.md"] = "See [[P1]].\n"
    index = VaultIndex(parse_note(p, t) for p, t in texts.items())
    before = FollowUpCache(index)
    change = apply_updates(index, {"notes/Plain.md": parse_note("notes/Plain.md",
                                                                "See [[P2]].\n")}, before)
    assert notes_to_refresh(index, change, DASH) == {
        "notes/Plain.md", "contacts/P1.md", "contacts/P2.md"}


def test_a_task_moves_off_a_note_that_stops_being_a_contact() -> None:
    """A task's person is the first contact linked on its line: when that note's type changes,
    the task's follow-up changes though the note with the task did not."""
    texts = {
        "companies/Acme.md": "---\ntype: contact\n---\n",
        "notes/Plain.md": "- [ ] write to [[Acme]]\n",
        DASH: "# Follow-ups\n",
    }
    index = VaultIndex(parse_note(p, t) for p, t in texts.items())
    cache = FollowUpCache(index)
    assert [f.contact for f in cache.all()] == ["companies/Acme.md"]
    texts["companies/Acme.md"] = "---\ntype: company\n---\n"
    apply_updates(index, {"companies/Acme.md": parse_note("companies/Acme.md",
                                                          texts["companies/Acme.md"])}, cache)
    assert cache.all() == open_followups(index)
    assert [f.contact for f in cache.all()] == [None]


def test_a_person_made_private_reaches_the_blocks_listing_their_follow_ups() -> None:
    """The thank-you of an interview with Ann shows only its date once Ann is private: the
    follow-up changed only in being private, and the interview's block must be written again."""
    texts = {
        "contacts/Ann.md": "---\ntype: contact\n---\n",
        "interviews/I2.md": '---\ntype: interview\ndate: 2026-01-05\nwith: ["[[Ann]]"]\n---\n',
        DASH: "# Follow-ups\n",
    }
    index = VaultIndex(parse_note(p, t) for p, t in texts.items())
    cache = FollowUpCache(index)
    change = apply_updates(index, {"contacts/Ann.md": parse_note(
        "contacts/Ann.md", "---\ntype: contact\nprivate: true\n---\n")}, cache)
    assert "interviews/I2.md" in notes_to_refresh(index, change, DASH)


def test_a_private_referrer_deleted_reaches_the_person_they_offered() -> None:
    """Ines's reach-out names Oluwaseun, who offered her in I1: Oluwaseun's note links to
    neither, yet when that private note goes, the follow-up on Ines's note is public again."""
    texts = {
        "contacts/Oluwaseun.md": "---\ntype: contact\nprivate: true\n---\n",
        "contacts/Ines.md": "---\ntype: contact\n---\n",
        "interviews/I1.md": ('---\ntype: interview\ndate: 2026-01-05\nwith: "[[Oluwaseun]]"\n'
                             'thank_you: 2026-01-06\nreferrals: ["[[Ines]]"]\n---\n'),
        DASH: "# Follow-ups\n",
    }
    index = VaultIndex(parse_note(p, t) for p, t in texts.items())
    cache = FollowUpCache(index)
    assert [(f.kind, f.private) for f in cache.all()] == [("reach-out", True)]
    change = apply_updates(index, {"contacts/Oluwaseun.md": None}, cache)
    assert cache.all() == open_followups(index)
    assert [(f.kind, f.private) for f in cache.all()] == [("reach-out", False)]
    assert "contacts/Ines.md" in notes_to_refresh(index, change, DASH)


def test_an_insight_reaches_the_company_of_the_person_told_it_and_the_old_one() -> None:
    """A company's roll-up (§13) reads conversations with the people who work there, though the
    conversation names no company: an insight edited in reaches it; a person moving company
    reaches both companies."""
    texts = {
        "contacts/Jane.md": '---\ntype: contact\ncompany: "[[Acme]]"\n---\n',
        "companies/Acme.md": "---\ntype: company\n---\n",
        "companies/Globex.md": "---\ntype: company\n---\n",
        "interviews/I.md": ('---\ntype: interview\ndate: 2026-11-20\nwith: "[[Jane]]"\n'
                            "status: done\n---\n"),
    }
    index = VaultIndex(parse_note(p, t) for p, t in texts.items())
    cache = FollowUpCache(index)
    edited = texts["interviews/I.md"] + "\n## Culture\n\n- remote-first\n"
    change = apply_updates(index, {"interviews/I.md": parse_note("interviews/I.md", edited)},
                           cache)
    assert "companies/Acme.md" in notes_to_refresh(index, change, DASH)
    moved = '---\ntype: contact\ncompany: "[[Globex]]"\n---\n'
    change = apply_updates(index, {"contacts/Jane.md": parse_note("contacts/Jane.md", moved)},
                           cache)
    assert {"companies/Acme.md", "companies/Globex.md"} <= notes_to_refresh(index, change, DASH)
