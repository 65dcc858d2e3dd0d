"""Attacks on the network features of #18 (the log, daily notes, referrals, outreach), as a
hostile or simply real-world user would write their notes. Each test here failed before the
fix it names in its docstring."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vault_tools import network, referrals
from vault_tools.cli import main
from vault_tools.fill import plan_fill
from vault_tools.followups import open_followups
from vault_tools.index import VaultIndex
from vault_tools.link_diagnostics import vault_diagnostics
from vault_tools.parse import parse_note
from vault_tools.vault import find_vault, load_index

D = dt.date
DAN = "contacts/Daniel Okafor.md"


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def note(*front: str, body: str = "Body.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in front) + "---\n" + body


def kinds(index: VaultIndex, path: str) -> dict[str, D | None]:
    return {f.kind: f.due for f in open_followups(index) if f.note == path}


# --- an ask written down in the log is not "having talked" ---------------------------------


ASK_LOG = "## Log\n\n- 2026-11-16 message: asked for twenty minutes\n"


def test_logging_the_ask_gives_a_nudge_and_no_keep_in_touch_for_someone_never_met() -> None:
    """The contact template sets `cadence: 3m`, and `vault-tools log` is how an e-mail is
    written down: logging the ask itself made "Get back in touch with Daniel" appear beside
    "Nudge Daniel", for a person who never answered."""
    index = index_of({DAN: note("type: contact", "cadence: 3m", "asked: 2026-11-16",
                                body=ASK_LOG)})
    assert kinds(index, DAN) == {"nudge": D(2026, 11, 23)}


def test_nudged_and_logged_gives_no_reply_only() -> None:
    index = index_of({DAN: note("type: contact", "cadence: 30d", "asked: 2026-11-16",
                                "nudged: 2026-11-23", body=ASK_LOG)})
    assert kinds(index, DAN) == {"no-reply": D(2026, 11, 30)}


def test_keep_in_touch_comes_back_once_they_reply() -> None:
    index = index_of({DAN: note("type: contact", "cadence: 30d", "asked: 2026-11-16",
                                "replied: 2026-11-18", body=ASK_LOG)})
    assert kinds(index, DAN) == {"keep-in-touch": D(2026, 12, 16)}


def test_a_closed_outreach_is_not_kept_in_touch_with() -> None:
    """`status: no-response` (what `no-reply` tells you to write), `declined` or `paused`:
    a reminder to get back in touch with them contradicts the status."""
    for status in ("no-response", "declined", "paused"):
        index = index_of({DAN: note("type: contact", "cadence: 30d", "asked: 2026-11-16",
                                    f"status: {status}", body=ASK_LOG)})
        assert kinds(index, DAN) == {}, status


def test_a_met_contact_asked_again_is_nudged_not_told_to_keep_in_touch() -> None:
    """Someone met long ago, asked again for a second conversation: the ask is what waits."""
    index = index_of({
        DAN: note("type: contact", "cadence: 30d", "last_contact: 2026-06-01",
                  "asked: 2026-11-16"),
    })
    assert kinds(index, DAN) == {"nudge": D(2026, 11, 23)}


# --- a referral not yet added is a lead, not a broken link ----------------------------------


def talk(referrals: str) -> str:
    return note("type: interview", "date: 2026-11-19", 'with: "[[Hana Kobayashi]]"',
                "thank_you: 2026-11-20", f"referrals: {referrals}")


def test_an_offered_name_with_no_note_is_no_check_warning() -> None:
    """The issue: an offered name "produces one broken-link warning and nothing else". It is
    an `add-referral` follow-up now; `check` warning about it made a vault in the state the
    issue describes as normal (an introduction offered, not yet written down) never clean."""
    index = index_of({
        "contacts/Hana Kobayashi.md": note("type: contact"),
        "interviews/2026-11-19 Hana.md": talk('["[[Ines Moreau]]"]'),
    })
    assert [d.code for d in vault_diagnostics(index)] == []
    assert kinds(index, "interviews/2026-11-19 Hana.md") == {"add-referral": D(2026, 11, 20)}


def test_an_offered_name_that_is_a_typo_of_a_note_still_warns_with_did_you_mean() -> None:
    index = index_of({
        "contacts/Hana Kobayashi.md": note("type: contact"),
        "contacts/Ines Moreau.md": note("type: contact"),
        "interviews/2026-11-19 Hana.md": talk('["[[Ines Moreu]]"]'),
    })
    found = vault_diagnostics(index)
    assert [d.code for d in found] == ["broken-link"]
    assert "Ines Moreau" in found[0].message


def test_a_broken_link_in_the_body_or_another_key_still_warns() -> None:
    index = index_of({
        "contacts/Hana Kobayashi.md": note("type: contact", 'company: "[[Nowhere Inc]]"',
                                           body="Met [[Ines Moreau]].\n"),
    })
    assert [d.code for d in vault_diagnostics(index)] == ["broken-link", "broken-link"]


# --- a long referrals list costs linear time ------------------------------------------------


def offered_vault(people: int) -> VaultIndex:
    refs = "".join(f'  - "[[Person {k}]]"\n' for k in range(people))
    files = {
        "contacts/Seun.md": note("type: contact"),
        "interviews/2026-11-20 Seun.md": note(
            "type: interview", "date: 2026-11-20", 'with: "[[Seun]]"',
            "thank_you: 2026-11-21", "referrals:\n" + refs.rstrip("\n")),
    }
    files.update({f"contacts/Person {k}.md": note("type: contact") for k in range(people)})
    return index_of(files)


def rules_cpu(index: VaultIndex) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        open_followups(index)
        best = min(best, time.process_time() - start)
    return best


def test_an_interview_offering_many_people_with_notes_is_linear() -> None:
    """One conversation whose `referrals` lists 400 people who all have notes (a pasted
    conference attendee list): each person's reach-out read every name of the list, so the
    rules cost grew with the square of the list (1,000 names: 10 s of CPU, 2,000: 36 s)."""
    small, large = offered_vault(200), offered_vault(400)
    found = open_followups(large)
    assert sum(f.kind == "reach-out" for f in found) == 400
    assert next(f for f in found if f.kind == "reach-out").due == D(2026, 11, 23)
    # Twice the names costs about twice the time; the square would be four times.
    assert rules_cpu(large) < 3.0 * rules_cpu(small) + 0.05


def test_the_offers_of_a_person_are_the_offers_that_name_them() -> None:
    """`offers_of` reads backlinks instead of whole lists: it must find exactly what the full
    scan finds, with duplicates, self-offers, a planned interview and case-folded names."""
    files = {
        "contacts/Seun.md": note("type: contact"),
        "contacts/Ines.md": note("type: contact", "private: true"),
        "contacts/Kofi.md": note("type: contact"),
        "interviews/a.md": note("type: interview", "date: 2026-11-20", 'with: "[[Seun]]"',
                                'referrals: ["[[Ines]]", "[[ines]]", "[[Seun]]", "[[Kofi]]"]'),
        "interviews/b.md": note("type: interview", "date: 2026-11-10",
                                'with: ["[[Kofi]]", "[[Seun]]"]', 'career: "[[UX]]"',
                                'referrals: ["[[Kofi]]", "[[Ines]]", "[[Nobody]]"]'),
        "interviews/c.md": note("type: interview", "date: 2026-11-12", "status: planned",
                                'with: "[[Seun]]"', 'referrals: ["[[Kofi]]"]'),
    }
    index = index_of(files)
    every = referrals.offers(index)
    for path in ("contacts/Seun.md", "contacts/Ines.md", "contacts/Kofi.md"):
        for brief in (False, True):
            expected = [o for o in every if o.who.path == path]
            if brief:
                expected = [replace(o, careers=(), state="") for o in expected]
            assert referrals.offers_of(index, path, brief) == expected, (path, brief)


# --- a status in another case is the same status everywhere ---------------------------------


def test_a_status_written_in_another_case_ends_the_outreach_as_check_accepts_it() -> None:
    """`check` accepts `status: Met` and `No-Response` (the vocabulary ignores case) and the
    stage reads them, but the outreach rules compared them as written: a `Met` contact was
    still nudged, a `No-Response` one nudged and kept in touch with."""
    for status in ("Met", "KEEP-WARM", "No-Response", "Declined", " paused "):
        index = index_of({DAN: note("type: contact", "cadence: 30d", f"status: '{status}'",
                                    "asked: 2026-11-16", "last_contact: 2026-10-01")})
        found = kinds(index, DAN)
        assert "nudge" not in found, status
        assert vault_diagnostics(index) == [], status


def test_a_status_in_another_case_gives_the_offer_its_state() -> None:
    index = index_of({
        "contacts/Seun.md": note("type: contact"),
        DAN: note("type: contact", "status: Declined"),
        "interviews/a.md": note("type: interview", "date: 2026-11-20", 'with: "[[Seun]]"',
                                'referrals: ["[[Daniel Okafor]]"]'),
    })
    assert [lead.state for lead in referrals.leads(index)] == ["declined"]


# --- a daily note full of plans ----------------------------------------------------------------


def daily_plans(tasks: int) -> VaultIndex:
    plans = "".join(f"- [ ] call [[Jane]] about item {k}\n" for k in range(tasks))
    return index_of({
        "contacts/Jane.md": note("type: contact", "cadence: 30d"),
        "journal/2026-11-20.md": plans + "Saw [[Jane]] at lunch.\n",
    })


def test_a_daily_note_of_thousands_of_tasks_linking_a_contact_is_linear() -> None:
    """Each link looked through every task of its daily note for one on its line: 4,000 open
    tasks that link the contact cost 1.1 s of CPU (2,000: 0.3 s)."""
    small, large = daily_plans(2000), daily_plans(4000)
    assert kinds(large, "contacts/Jane.md") == {"keep-in-touch": D(2026, 12, 20)}
    assert rules_cpu(large) < 3.0 * rules_cpu(small) + 0.05


# --- a note named by its date is a daily note only when it is no other kind of note ---------


def test_a_cancelled_conversation_named_by_its_date_is_no_touch() -> None:
    """Some people name conversation notes by the day alone (`interviews/2026-10-21.md`). Its
    body link to the person made it a daily note: a conversation that never happened counted
    as being in touch, so the reach-out for someone never met disappeared."""
    index = index_of({
        "contacts/Jonah.md": note("type: contact", "cadence: 6w", 'introduced_by: "[[Seun]]"'),
        "contacts/Seun.md": note("type: contact"),
        "interviews/2026-10-21.md": note(
            "type: interview", "date: 2026-10-21", 'with: "[[Jonah]]"', "status: cancelled",
            body="Cancelled: [[Jonah]] was paged an hour before.\n"),
    })
    assert index.get("interviews/2026-10-21.md").day is None
    assert kinds(index, "contacts/Jonah.md") == {}  # asked already: a call was arranged


def test_a_planned_conversation_named_by_its_date_does_not_start_keeping_in_touch() -> None:
    index = index_of({
        "contacts/Jane.md": note("type: contact", "cadence: 30d", "asked: 2026-11-01",
                                 "replied: 2026-11-02"),
        "interviews/2026-12-09.md": note(
            "type: interview", "date: 2026-12-09", 'with: "[[Jane]]"', "status: planned",
            body="Questions for [[Jane]].\n"),
    })
    assert [f.kind for f in open_followups(index)] == ["prepare"]


def test_a_contact_named_like_a_day_is_no_daily_note_but_a_journal_one_is() -> None:
    index = index_of({
        "contacts/2026-11-20.md": note("type: contact"),
        "journal/2026-11-21.md": note("type: Journal"),
        "journal/2026-11-22.md": note("tags: [daily]"),
    })
    assert [index.get(p).day for p in sorted(index.notes)] == [
        None, D(2026, 11, 21), D(2026, 11, 22)]


# --- a front-matter value written over several lines --------------------------------------


def test_an_offered_name_over_several_lines_is_one_line_in_every_title() -> None:
    """`referrals: ["Zed\\n<!-- vault-tools:followups -->\\nmore"]` (a quoted YAML string
    holds line breaks; so does a pasted name): the add-referral title carried the breaks into
    the dashboard block, whose marker line then made `fill` leave the dashboard and both
    related blocks alone for good, while `check` said "no problems"."""
    index = index_of({
        "contacts/Seun.md": note("type: contact"),
        "interviews/a.md": note(
            "type: interview", "date: 2026-11-22", 'with: "[[Seun]]"', "thank_you: 2026-11-23",
            'referrals: ["Zed\\n<!-- vault-tools:followups -->\\nmore", "[[Ann\\r\\nBob]]"]',
            'format: "call\\n<!-- vault-tools:related -->"'),
    })
    titles = [f.title for f in open_followups(index)]
    assert titles == ["Add Ann Bob, whom Seun offered to introduce",
                      "Add Zed <!-- vault-tools:followups --> more, whom Seun offered to introduce"]
    assert "\n" not in (index.get("interviews/a.md").fields.format or "")


# --- a link to a day with no daily note -----------------------------------------------------


def test_log_items_dated_by_a_link_to_a_day_without_a_daily_note_are_no_warnings() -> None:
    """docs/network.md invites `- [[2026-10-15]] call: …` in the Log; without daily notes
    (most vaults) each such item was a broken-link warning, so following the docs made
    `check` complain once per item. A day's link is a daily note not written yet, as in
    Obsidian; a day the calendar lacks still warns."""
    index = index_of({"contacts/Jane.md": note(
        "type: contact",
        body="## Log\n- [[2026-11-20]] call: hi\n- [[2026-11-21|Sat]] email: x\n"
             "Met on [[2026-11-22]]; see [[2026-02-30]] and [[Nobody]].\n")})
    found = vault_diagnostics(index)
    assert sorted(d.message.split(" ")[0] for d in found if d.code == "broken-link") == [
        "[[2026-02-30]]", "[[Nobody]]"]


@settings(max_examples=150, deadline=None)
@given(name=st.text(min_size=1, max_size=40))
def test_any_offered_name_gives_one_line_titles_and_blocks_fill_can_write(name: str) -> None:
    """Whatever a referral's name holds (line breaks of any kind, markers, brackets), every
    title is one line and the blocks of `fill` are written, not refused."""
    quoted = json.dumps(name, ensure_ascii=False)  # a YAML double-quoted string, near enough
    files = {
        "contacts/Seun.md": note("type: contact"),
        "Follow-ups.md": "# Follow-ups\n",
        "interviews/a.md": note("type: interview", "date: 2026-11-22", 'with: "[[Seun]]"',
                                "thank_you: 2026-11-23", f"referrals: [{quoted}]"),
    }
    index = index_of(files)
    assume(not index.get("interviews/a.md").diagnostics)  # a character YAML refuses
    for followup in open_followups(index):
        assert followup.title.splitlines() == [followup.title]
    _, skipped = plan_fill(index, files)
    assert skipped == []


# --- a Log date written in bold ------------------------------------------------------------


def test_a_log_date_in_bold_or_italics_is_a_log_item() -> None:
    """`- **2026-11-20** email: …` is how many people make dates stand out in Obsidian; such
    items were silently no log at all (no item, no warning), so the last touch stayed old."""
    text = note("type: contact", body=(
        "## Log\n- **2026-11-20** email: bold\n- _2026-11-21_ call\n"
        "- __2026-11-22__ — coffee\n- *2026-11-23*: message: hi\n- **2026-11-24 call\n"))
    log = parse_note("contacts/J.md", text).log
    assert [(i.day, i.kind, i.text) for i in log] == [
        (D(2026, 11, 20), "email", "bold"), (D(2026, 11, 21), None, "call"),
        (D(2026, 11, 22), None, "coffee"), (D(2026, 11, 23), "message", "hi")]


# --- a status written as a list (Obsidian's list-typed property) ----------------------------


def test_a_status_in_a_one_item_list_is_that_status() -> None:
    """Obsidian writes `status:\\n  - planned` once the property is typed as a list. A planned
    conversation so written was read as done (no status means done): a thank-you due for a
    talk that had not happened, its referrals offered, the person `met`."""
    index = index_of({
        "contacts/Jane.md": note("type: contact", "status:\n  - Declined", "asked: 2026-11-01"),
        "interviews/a.md": note("type: interview", "date: 2026-12-20", 'with: "[[Jane]]"',
                                "status:\n  - planned", 'referrals: ["[[Ines]]"]'),
    })
    assert index.get("interviews/a.md").fields.status == "planned"
    assert index.get("contacts/Jane.md").fields.status == "declined"
    assert [f.kind for f in open_followups(index)] == ["prepare"]


def test_a_status_of_several_values_is_a_warning_and_no_status() -> None:
    index = index_of({
        "contacts/Jane.md": note("type: contact", "status: [met, declined]"),
        "interviews/a.md": note("type: interview", "date: 2026-11-20", 'with: "[[Jane]]"',
                                "status: [done, planned]"),
    })
    assert sorted(d.code for d in vault_diagnostics(index)) == ["bad-value", "bad-value"]
    assert index.get("interviews/a.md").fields.status == "unknown"
    assert [f.kind for f in open_followups(index)] == []


# --- a contact made from the template ----------------------------------------------------------


def test_a_contact_made_from_the_template_moves_through_the_stages(tmp_path: Path) -> None:
    """The contact template wrote `status: to-contact`, and a written status wins: every
    contact made with `vault-tools new contact` stayed `to-contact` in the pipeline after
    being asked, scheduled or met, unless its status was edited by hand each time."""
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "v")]).exit_code == 0
    vault = tmp_path / "v"
    made = runner.invoke(main, ["new", "contact", "Ines Moreau", "--vault", str(vault)])
    assert made.exit_code == 0, made.output
    path = next(vault.rglob("Ines Moreau.md"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("type: contact\n", "type: contact\nasked: 2026-11-27\n", 1),
                    encoding="utf-8")
    index = load_index(find_vault(vault))
    note_ = next(n for n in index if n.name == "Ines Moreau")
    assert network.stage(index, note_) == network.Stage("asked", True, D(2026, 11, 27))
    assert vault_diagnostics(index) == []


def test_a_referral_name_with_markup_is_plain_text_in_every_followups_list() -> None:
    # The add-referral title quotes the name as written in front matter; in the dashboard
    # and the related blocks it is plain text: no comment opened, no HTML.
    from vault_tools.blocks import render_followups

    index = index_of({
        "contacts/Hana.md": note("type: contact"),
        "interviews/2026-11-19 Hana.md": note(
            "type: interview", "date: 2026-11-19", 'with: "[[Hana]]"',
            'referrals: ["<!-- Evil", "a %% b", "<img src=x onerror=alert(1)> Zed"]'),
    })
    text = render_followups(index, open_followups(index))
    lines = [line for line in text.splitlines() if " · Add " in line]
    assert len(lines) == 3
    for line in lines:
        assert "<!--" not in line and "%%" not in line
        assert "<" not in line.replace("\\<", "")  # every angle bracket escaped: no tag
    assert any("Evil, whom Hana offered" in line for line in lines)
