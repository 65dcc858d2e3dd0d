"""Referrals and introductions (§12): offers and their state, the introduction chain, and the
outreach follow-ups (add-referral, reach-out, nudge, no-reply), each at its edges."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from vault_tools.blocks import render_related
from vault_tools.cli import main
from vault_tools.followups import FollowUp, open_followups
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.referrals import (
    ASKED,
    MET,
    NOT_ADDED,
    SCHEDULED,
    TO_ASK,
    Person,
    chain,
    leads,
    offers,
    offers_from,
    offers_of,
)

SEUN = "contacts/Oluwaseun Adebayo.md"
INES = "contacts/Ines Moreau.md"
TALK = "interviews/2026-11-20 Oluwaseun.md"
D = dt.date


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def note(*front: str) -> str:
    return "---\n" + "".join(line + "\n" for line in front) + "---\nBody.\n"


def contact(*front: str) -> str:
    return note("type: contact", *front)


def talk(date: str = "2026-11-20", with_: str = "Oluwaseun Adebayo",
         referrals: str = '["[[Ines Moreau]]"]', *front: str) -> str:
    return note("type: interview", f"date: {date}", f'with: "[[{with_}]]"',
                "thank_you: 2026-11-21", f"referrals: {referrals}", *front)


def base(**more: str) -> dict[str, str]:
    files = {SEUN: contact("company: Acme"), TALK: talk()}
    files.update(more)
    return files


def kinds(index: VaultIndex, *wanted: str) -> list[FollowUp]:
    return [f for f in open_followups(index) if not wanted or f.kind in wanted]


def outreach(index: VaultIndex) -> list[tuple[str, dt.date | None, str, str, str | None]]:
    return [(f.kind, f.due, f.title, f.note, f.contact)
            for f in kinds(index, "add-referral", "reach-out", "nudge", "no-reply")]


# --- add-referral -------------------------------------------------------------------------------


def test_an_offered_name_without_a_note_is_to_be_added_the_day_after_the_conversation() -> None:
    assert outreach(index_of(base())) == [(
        "add-referral", D(2026, 11, 21),
        "Add Ines Moreau, whom Oluwaseun Adebayo offered to introduce", TALK, SEUN)]


def test_the_referral_becomes_a_note_and_add_referral_gives_way_to_reach_out() -> None:
    index = index_of(base(**{INES: contact()}))
    assert outreach(index) == [(
        "reach-out", D(2026, 11, 23),
        "Ask Ines Moreau for a conversation (introduced by Oluwaseun Adebayo)", INES, INES)]


def test_a_planned_or_cancelled_conversation_offers_no_one() -> None:
    for status in ("planned", "cancelled"):
        index = index_of(base(**{TALK: talk("2026-11-20", "Oluwaseun Adebayo",
                                            '["[[Ines Moreau]]"]', f"status: {status}")}))
        assert not kinds(index, "add-referral"), status


def test_an_undated_conversation_gives_undated_outreach() -> None:
    files = base(**{TALK: note("type: interview", 'with: "[[Oluwaseun Adebayo]]"',
                               "thank_you: 2026-11-21", 'referrals: ["[[Ines Moreau]]"]')})
    assert [(f.kind, f.due) for f in kinds(index_of(files), "add-referral")] == [
        ("add-referral", None)]
    files[INES] = contact()
    assert [(f.kind, f.due) for f in kinds(index_of(files), "reach-out")] == [
        ("reach-out", None)]


def test_a_referral_naming_the_referrer_themself_is_no_introduction() -> None:
    files = base(**{TALK: talk(referrals='["[[Oluwaseun Adebayo]]", "[[Ghost]]"]'),
                    "interviews/b.md": talk(with_="Ghost", referrals='["[[Ghost]]"]')})
    index = index_of(files)
    assert [o.who.name for o in offers(index)] == ["Ghost"]
    assert [f.title for f in kinds(index, "add-referral")] == [
        "Add Ghost, whom Oluwaseun Adebayo offered to introduce"]


def test_a_referral_to_a_note_of_another_type_is_added_and_never_asked_for() -> None:
    """`referrals: [[Acme]]` ("someone at Acme"): the note exists, so nothing to add; it is no
    contact, so no one is asked to reach it."""
    index = index_of(base(**{"companies/Acme.md": note("type: company"),
                             TALK: talk(referrals='["[[Acme]]"]')}))
    assert outreach(index) == []
    assert [(o.who.path, o.state) for o in offers(index)] == [("companies/Acme.md", TO_ASK)]


def test_the_same_name_twice_in_one_conversation_is_one_offer() -> None:
    index = index_of(base(**{TALK: talk(referrals='["[[Ines Moreau]]", "ines moreau"]')}))
    assert len(offers(index)) == 1
    assert len(kinds(index, "add-referral")) == 1


def test_html_in_an_offered_name_stays_text_in_the_title() -> None:
    files = base(**{TALK: talk(referrals="['<img src=x onerror=alert(1)>']")})
    (found,) = kinds(index_of(files), "add-referral")
    assert found.title == ("Add <img src=x onerror=alert(1)>, whom Oluwaseun Adebayo offered "
                           "to introduce")


@pytest.mark.slow
def test_html_in_an_offered_name_is_text_on_the_sites_follow_ups_page(make_vault) -> None:
    from html.parser import HTMLParser

    from vault_tools.site.build import build_site
    from vault_tools.vault import find_vault

    root = make_vault(base(**{TALK: talk(referrals="['<img src=x onerror=alert(1)>']")}))
    (root / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n  - vault\n",
        encoding="utf-8")
    page = (build_site(find_vault(root)) / "followups" / "index.html").read_text("utf-8")
    tags: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.extend(tag for name, _ in attrs if name.startswith("on"))
            tags.extend([tag] if tag == "img" else [])

    Tags().feed(page[page.index("<article"):page.index("</article>")])
    assert tags == []
    assert "Add &lt;img src=x onerror=alert(1)&gt;, whom" in page


# --- several referrers --------------------------------------------------------------------------


def test_several_referrers_each_offer_once_and_the_earliest_dates_the_reach_out() -> None:
    files = base(**{
        INES: contact(),
        "contacts/Priya Raman.md": contact(),
        "interviews/2026-11-10 Priya.md": talk("2026-11-10", "Priya Raman"),
    })
    index = index_of(files)
    assert [(o.interview, o.offered_by[0].name) for o in offers_of(index, INES)] == [
        ("interviews/2026-11-10 Priya.md", "Priya Raman"), (TALK, "Oluwaseun Adebayo")]
    (lead,) = leads(index)
    assert [p.name for p in lead.offered_by] == ["Priya Raman", "Oluwaseun Adebayo"]
    assert lead.first_date == D(2026, 11, 10)
    assert outreach(index) == [(
        "reach-out", D(2026, 11, 13),
        "Ask Ines Moreau for a conversation (introduced by Priya Raman)", INES, INES)]


def test_the_same_day_from_two_referrers_gives_one_reach_out_and_two_add_referrals() -> None:
    files = base(**{"contacts/Priya Raman.md": contact(),
                    "interviews/2026-11-20 Priya.md": talk("2026-11-20", "Priya Raman")})
    assert [(f.kind, f.due, f.note) for f in kinds(index_of(files), "add-referral")] == [
        ("add-referral", D(2026, 11, 21), "interviews/2026-11-20 Oluwaseun.md"),
        ("add-referral", D(2026, 11, 21), "interviews/2026-11-20 Priya.md")]
    files[INES] = contact()
    assert [f.kind for f in kinds(index_of(files), "reach-out", "add-referral")] == [
        "reach-out"]


# --- reach-out ----------------------------------------------------------------------------------


def test_introduced_by_alone_asks_to_reach_out_undated() -> None:
    index = index_of({SEUN: contact(), INES: contact('introduced_by: "[[Oluwaseun Adebayo]]"')})
    assert outreach(index) == [(
        "reach-out", None, "Ask Ines Moreau for a conversation (introduced by Oluwaseun Adebayo)",
        INES, INES)]
    index = index_of({INES: contact('introduced_by: "[[Ines Moreau]]"')})
    assert [f.title for f in kinds(index)] == ["Ask Ines Moreau for a conversation"]


def test_reach_out_leaves_once_anything_happens() -> None:
    answers = {
        "asked": {INES: contact("asked: 2026-11-22")},
        "status asked": {INES: contact("status: asked")},
        "replied": {INES: contact("replied: 2026-11-22")},
        "last contact": {INES: contact("last_contact: 2026-11-22")},
        "planned": {INES: contact(), "interviews/next.md": note(
            "type: interview", "date: 2026-12-01", 'with: "[[Ines Moreau]]"', "status: planned")},
        "met": {INES: contact(), "interviews/met.md": note(
            "type: interview", "date: 2026-12-01", 'with: "[[Ines Moreau]]"',
            "thank_you: 2026-12-02")},
    }
    for closed in ("declined", "paused", "no-response", "met", "keep-warm", "scheduled"):
        answers[closed] = {INES: contact(f"status: {closed}")}
    for why, files in answers.items():
        assert not kinds(index_of(base(**files)), "reach-out", "add-referral"), why
    assert kinds(index_of(base(**{INES: contact("status: to-contact")})), "reach-out")


# --- nudge and no-reply -------------------------------------------------------------------------


def test_asked_without_reply_is_nudged_seven_days_later() -> None:
    index = index_of({INES: contact("asked: 2026-11-20")})
    assert outreach(index) == [(
        "nudge", D(2026, 11, 27), "Nudge Ines Moreau: asked on 2026-11-20, no reply yet",
        INES, INES)]


def test_nudged_and_still_nothing_is_no_reply_naming_the_company() -> None:
    files = {INES: contact("asked: 2026-11-20", "nudged: 2026-11-27", 'company: "[[Acme]]"'),
             "companies/Acme.md": note("type: company")}
    assert outreach(index_of(files)) == [(
        "no-reply", D(2026, 12, 4),
        "No reply from Ines Moreau: mark no-response, or write to someone else at Acme",
        INES, INES)]
    files[INES] = contact("asked: 2026-11-20", "nudged: 2026-11-27")
    assert outreach(index_of(files))[0][2] == (
        "No reply from Ines Moreau: mark no-response, or write to someone else")


def test_a_reply_that_arrives_ends_the_wait_the_same_day() -> None:
    for more in ("replied: 2026-11-20", "replied: 2026-11-30"):
        for nudged in ((), ("nudged: 2026-11-27",)):
            files = {INES: contact("asked: 2026-11-20", more, *nudged)}
            assert outreach(index_of(files)) == [], (more, nudged)


def test_a_reply_to_an_earlier_ask_does_not_answer_a_new_one() -> None:
    index = index_of({INES: contact("replied: 2026-10-01", "nudged: 2026-09-20",
                                    "asked: 2026-11-20")})
    assert [(f.kind, f.due) for f in kinds(index)] == [("nudge", D(2026, 11, 27))]


def test_a_conversation_planned_after_asking_ends_the_wait() -> None:
    def with_talk(date: str | None, status: str) -> dict[str, str]:
        front = ["type: interview", 'with: "[[Ines Moreau]]"', f"status: {status}",
                 "thank_you: 2026-12-02"] + ([f"date: {date}"] if date else [])
        return {INES: contact("asked: 2026-11-20", "nudged: 2026-11-27"),
                "interviews/x.md": note(*front)}

    for date, status in (("2026-11-20", "planned"), ("2026-12-05", "planned"),
                         (None, "planned"), ("2026-12-01", "done"),
                         ("2026-12-01", "cancelled")):
        assert kinds(index_of(with_talk(date, status)), "nudge", "no-reply") == [], (date, status)
    # A conversation from before the ask answers nothing.
    assert [f.kind for f in kinds(index_of(with_talk("2026-11-01", "done")),
                                  "nudge", "no-reply")] == ["no-reply"]


def test_a_closed_or_answered_status_ends_the_wait() -> None:
    for status in ("declined", "paused", "no-response", "scheduled", "met", "keep-warm"):
        index = index_of({INES: contact("asked: 2026-11-20", f"status: {status}")})
        assert outreach(index) == [], status
    index = index_of({INES: contact("asked: 2026-11-20", "status: asked")})
    assert [f.kind for f in kinds(index)] == ["nudge"]


# --- privacy ------------------------------------------------------------------------------------


def test_outreach_naming_a_private_note_is_private() -> None:
    def private_of(files: dict[str, str]) -> list[tuple[str, bool]]:
        return [(f.kind, f.private) for f in kinds(index_of(files), "add-referral", "reach-out")]

    assert private_of(base()) == [("add-referral", False)]
    assert private_of(base(**{SEUN: contact("private: true")})) == [("add-referral", True)]
    assert private_of(base(**{TALK: talk("2026-11-20", "Oluwaseun Adebayo",
                                         '["[[Ines Moreau]]"]', "private: true")})) == [
        ("add-referral", True)]
    assert private_of(base(**{INES: contact()})) == [("reach-out", False)]
    assert private_of(base(**{INES: contact("private: true")})) == [("reach-out", True)]
    assert private_of(base(**{INES: contact(), SEUN: contact("private: true")})) == [
        ("reach-out", True)]
    files = {INES: contact("asked: 2026-11-20", "nudged: 2026-11-27", "company: Acme"),
             "companies/Acme.md": note("type: company", "private: true")}
    assert [(f.kind, f.private) for f in kinds(index_of(files))] == [("no-reply", True)]


def test_a_private_referrers_name_never_reaches_the_site_block() -> None:
    files = base(**{SEUN: contact("private: true"), INES: contact()})
    index = index_of(files)
    block = render_related(index, index.notes[INES], open_followups(index), public=True)
    assert "Adebayo" not in block  # (the interview's own name holds "Oluwaseun")


# --- offers, states and the chain ---------------------------------------------------------------


def test_an_offer_moves_through_its_states() -> None:
    meeting = 'with: "[[Ines Moreau]]"'
    steps = [
        ({}, NOT_ADDED),
        ({INES: contact()}, TO_ASK),
        ({INES: contact("asked: 2026-11-22")}, ASKED),
        ({INES: contact("asked: 2026-11-22"), "interviews/i.md": note(
            "type: interview", "date: 2026-12-01", meeting, "status: planned")}, SCHEDULED),
        ({INES: contact("asked: 2026-11-22", "status: declined")}, "declined"),
        ({INES: contact("status: declined"), "interviews/i.md": note(
            "type: interview", "date: 2026-12-01", meeting)}, MET),
    ]
    for more, state in steps:
        (offer,) = offers(index_of(base(**more)))
        assert offer.state == state, more


def test_an_offer_carries_who_when_and_for_which_career() -> None:
    files = base(**{"careers/UX Research.md": note("type: career"),
                    TALK: talk("2026-11-20", "Oluwaseun Adebayo", '["[[Ines Moreau]]"]',
                               'career: "[[UX Research]]"')})
    (offer,) = offers(index_of(files))
    assert offer.who == Person("Ines Moreau")
    assert offer.offered_by == (Person("Oluwaseun Adebayo", SEUN),)
    assert (offer.interview, offer.date) == (TALK, D(2026, 11, 20))
    assert offer.careers == (Person("UX Research", "careers/UX Research.md"),)
    assert [o.who.name for o in offers_from(index_of(files), SEUN)] == ["Ines Moreau"]
    assert offers_from(index_of(files), INES) == []


def test_the_chain_follows_introductions_up_to_the_first() -> None:
    files = {
        "contacts/Marisol Vega.md": contact(),
        "contacts/Priya Raman.md": contact('introduced_by: "[[Marisol Vega]]"'),
        "contacts/Kwame Asante.md": contact("private: true"),
        "interviews/p.md": talk("2026-11-01", "Priya Raman", '["[[Kwame Asante]]"]'),
    }
    index = index_of(files)
    assert [(p.name, p.private) for p in chain(index, "contacts/Kwame Asante.md")] == [
        ("Marisol Vega", False), ("Priya Raman", False), ("Kwame Asante", True)]
    assert chain(index, "contacts/Marisol Vega.md") == [
        Person("Marisol Vega", "contacts/Marisol Vega.md")]
    assert chain(index, "contacts/Nobody.md") == []


def test_the_chain_ends_at_a_name_without_a_note() -> None:
    index = index_of({INES: contact('introduced_by: "[[Someone New]]"')})
    assert chain(index, INES) == [Person("Someone New"), Person("Ines Moreau", INES)]


def test_a_loop_of_introductions_and_a_long_chain_both_end() -> None:
    loop = index_of({"contacts/A.md": contact("introduced_by: B"),
                     "contacts/B.md": contact("introduced_by: A"),
                     "contacts/C.md": contact("introduced_by: C")})
    assert [p.name for p in chain(loop, "contacts/A.md")] == ["B", "A"]
    assert [p.name for p in chain(loop, "contacts/C.md")] == ["C"]
    long = index_of({f"contacts/P{i}.md": contact(f"introduced_by: P{i + 1}")
                     for i in range(500)})
    assert len(chain(long, "contacts/P0.md")) == 32
    assert len(chain(long, "contacts/P0.md", limit=3)) == 3


# --- the command --------------------------------------------------------------------------------


def test_followups_json_carries_the_outreach_kinds(make_vault) -> None:
    vault = make_vault({
        SEUN: contact(), TALK: talk(referrals='["[[Ines Moreau]]", "[[Kofi Mensah]]"]'),
        "contacts/Kofi Mensah.md": contact(),
        "contacts/Ana Lima.md": contact("asked: 2026-11-20"),
        "contacts/Bo Chen.md": contact("asked: 2026-11-10", "nudged: 2026-11-17"),
    })
    result = CliRunner().invoke(main, ["followups", "--vault", str(vault), "--today",
                                       "2026-11-25", "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    items = [i for i in json.loads(result.output) if i["kind"] != "thank-you"]
    assert [(i["kind"], i["due"], i["note"], i["contact"]) for i in items] == [
        ("add-referral", "2026-11-21", TALK, SEUN),
        ("reach-out", "2026-11-23", "contacts/Kofi Mensah.md", "contacts/Kofi Mensah.md"),
        ("no-reply", "2026-11-24", "contacts/Bo Chen.md", "contacts/Bo Chen.md"),
        ("nudge", "2026-11-27", "contacts/Ana Lima.md", "contacts/Ana Lima.md"),
    ]
