"""What the generated blocks say, exactly, for each note type (§5)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools import blocks
from vault_tools.blocks import desired_blocks, link_to, render_followups, render_related
from vault_tools.followups import open_followups
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note

VAULT = {
    "contacts/Ann Lee.md": (
        "---\ntype: contact\ncompany: \"[[Acme]]\"\nrole: Researcher\nintroduced_by: Bo Chen\n"
        "cadence: 30d\n---\nAnn.\n- [ ] Send Ann the article 📅 2026-12-01\n"
    ),
    "contacts/Bo Chen.md": "---\ntype: contact\n---\nBo, who knows [[Ann Lee]] from school.\n",
    "companies/Acme.md": "---\ntype: company\n---\nA company.\n",
    "careers/UX Research.md": "---\ntype: career\nstatus: exploring\n---\nA path.\n",
    "interviews/2026-11-02 Ann Lee.md": (
        "---\ntype: interview\ndate: 2026-11-02\nwith: \"[[Ann Lee]]\"\ncompany: Acme\n"
        "career: \"[[UX Research]]\"\nformat: call\ninterest: 2\nthank_you: 2026-11-03\n---\n"
        "Notes.\n"
    ),
    "interviews/2026-10-01 Ann Lee.md": (
        "---\ntype: interview\ndate: 2026-10-01\nwith: [\"[[Ann Lee]]\", \"[[Bo Chen]]\"]\n"
        "career: \"[[UX Research]]\"\nformat: video\ninterest: -1\n---\n"
        "```\n[[Ann Lee]] in code is not a link\n```\n"
    ),
    "Follow-ups.md": "# Follow-ups\n",
}


def build(files: dict[str, str] = VAULT) -> VaultIndex:
    return VaultIndex(parse_note(p, t) for p, t in files.items())


def related(index: VaultIndex, path: str) -> str:
    return render_related(index, index.notes[path], open_followups(index))


def test_contact_block_lists_conversations_introductions_followups_and_mentions() -> None:
    index = build()
    assert related(index, "contacts/Ann Lee.md") == (
        "**Conversations**\n\n"
        "- 2026-11-02 · [[2026-11-02 Ann Lee]] · call\n"
        "- 2026-10-01 · [[2026-10-01 Ann Lee]] · video\n\n"
        "**Introductions**\n\n"
        "- Introduced by [[Bo Chen]]\n\n"
        "**Introduction chain**\n\n"
        "[[Bo Chen]] → Ann Lee\n\n"
        "**Open follow-ups**\n\n"
        "- 2026-10-02 · Send a thank-you to Ann Lee and Bo Chen · [[2026-10-01 Ann Lee]]\n"
        "- 2026-10-03 · Tell Bo Chen how the conversation with Ann Lee went\n"
        "- 2026-12-01 · Send Ann the article\n"
        "- 2026-12-02 · Get back in touch with Ann Lee\n\n"
        "**Linked from**\n\n"
        "- [[Bo Chen]]: Bo, who knows Ann Lee from school."
    )


def test_introducer_sees_who_they_introduced() -> None:
    index = build()
    text = related(index, "contacts/Bo Chen.md")
    assert "- Introduced me to [[Ann Lee]]" in text
    assert "- 2026-10-03 · Tell Bo Chen how the conversation with Ann Lee went" in text


def test_company_block_lists_people_and_conversations() -> None:
    index = build()
    assert related(index, "companies/Acme.md") == (
        "**People**\n\n- [[Ann Lee]] · Researcher\n\n"
        "**Conversations**\n\n- 2026-11-02 · [[2026-11-02 Ann Lee]] · call"
    )


def test_career_block_shows_each_conversations_interest_and_the_net() -> None:
    index = build()
    assert related(index, "careers/UX Research.md") == (
        "**Conversations**\n\n"
        "- 2026-11-02 · [[2026-11-02 Ann Lee]] · call · interest +2\n"
        "- 2026-10-01 · [[2026-10-01 Ann Lee]] · video · interest -1\n\n"
        "Net interest: +1 over 2 conversations\n\n"
        # An exploring path: explore_days (60) after its latest conversation.
        "**Open follow-ups**\n\n"
        "- 2027-01-01 · Talk to someone in UX Research, or rule it out"
    )


def test_dashboard_groups_by_month_with_undated_last_and_no_relative_words() -> None:
    index = build()
    text = render_followups(index, open_followups(index))
    assert text == (
        "**2026-10**\n\n"
        "- 2026-10-02 · Send a thank-you to Ann Lee and Bo Chen · [[2026-10-01 Ann Lee]]\n"
        "- 2026-10-03 · Tell Bo Chen how the conversation with Ann Lee went · [[Ann Lee]]\n\n"
        "**2026-12**\n\n"
        "- 2026-12-01 · Send Ann the article · [[Ann Lee]]\n"
        "- 2026-12-02 · Get back in touch with Ann Lee · [[Ann Lee]]\n\n"
        "**2027-01**\n\n"
        "- 2027-01-01 · Talk to someone in UX Research, or rule it out · [[UX Research]]"
    )
    assert "overdue" not in text.lower()


def _tasks_vault(titles: list[str], days: list[int | None]) -> VaultIndex:
    lines = [f"- [ ] {title}" + (f" 📅 {dt.date(2026, 1, 1) + dt.timedelta(days=day)}"
                                 if day is not None else "")
             for title, day in zip(titles, days, strict=True)]
    return build({"notes/Tasks.md": "Tasks.\n" + "\n".join(lines) + "\n",
                  "Follow-ups.md": "# Follow-ups\n"})


@settings(max_examples=60, deadline=None)
@given(data=st.data(), budget=st.integers(min_value=150, max_value=3000))
def test_the_dashboard_keeps_the_soonest_follow_ups_within_its_size_and_counts_the_rest(
    data: st.DataObject, budget: int,
) -> None:
    """A dashboard note past the size a note may have would be refused by every command and
    never filled again: its block holds the follow-ups due first, as the whole list orders
    them, within `FOLLOWUPS_BYTES` of UTF-8, then says how many more there are."""
    count = data.draw(st.integers(min_value=1, max_value=60))
    titles = data.draw(st.lists(st.text(st.characters(codec="utf-8", categories=["L", "N"]),
                                        min_size=1, max_size=30),
                                min_size=count, max_size=count))
    days = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 800)),
                              min_size=count, max_size=count))
    index = _tasks_vault([f"Do {t}" for t in titles], days)
    followups = open_followups(index)
    whole = render_followups(index, followups)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "FOLLOWUPS_BYTES", budget)
        capped = render_followups(index, followups)
    assert len(capped.encode()) <= budget
    if capped == whole:
        return
    kept, _, more = capped.rpartition("\n\n")
    assert more.startswith("…and ") and "`vault-tools followups` lists them all" in more
    left = int(more.split()[1].replace(",", ""))
    kept_items = [line for line in kept.split("\n") if line.startswith("- ")]
    all_items = [line for line in whole.split("\n") if line.startswith("- ")]
    assert kept_items == all_items[:len(kept_items)]  # the soonest, in the list's order
    assert len(kept_items) + left == len(all_items)


def test_the_dashboard_of_a_vault_of_many_follow_ups_stays_a_note_every_command_reads() -> None:
    index = _tasks_vault([f"Write to contact number {i} about the spring cohort"
                          for i in range(40_000)], [i % 700 for i in range(40_000)])
    block = render_followups(index, open_followups(index))
    assert len(block.encode()) <= blocks.FOLLOWUPS_BYTES < blocks.MAX_NOTE_BYTES
    assert block.endswith("more follow-ups, later or undated: `vault-tools followups` lists "
                          "them all.")


def test_public_blocks_leave_no_trace_of_private_notes() -> None:
    files = dict(VAULT)
    files["contacts/Bo Chen.md"] = "---\ntype: contact\nprivate: true\n---\nknows [[Ann Lee]]\n"
    index = build(files)
    followups = open_followups(index)
    for path in ("contacts/Ann Lee.md", "careers/UX Research.md",
                 "interviews/2026-10-01 Ann Lee.md"):
        assert "Bo Chen" not in render_related(index, index.notes[path], followups, public=True)
    assert "Bo Chen" not in render_followups(index, followups, public=True)
    # The user's own files still show everything.
    assert "Bo Chen" in render_related(index, index.notes["contacts/Ann Lee.md"], followups)


def test_a_note_with_nothing_to_say_gets_no_block() -> None:
    index = build({"a.md": "alone\n"})
    assert desired_blocks(index, index.notes["a.md"], []) == {}


def test_an_existing_block_is_kept_even_when_empty() -> None:
    index = build({
        "a.md": "x\n<!-- vault-tools:related -->\n- [[old]]\n<!-- /vault-tools:related -->\n",
    })
    assert desired_blocks(index, index.notes["a.md"], []) == {"related": ""}


def test_links_use_the_folder_when_the_name_alone_is_ambiguous() -> None:
    index = build({
        "contacts/Acme.md": "x", "companies/Acme.md": "x", "b.md": "[[companies/Acme]]",
    })
    assert related(index, "companies/Acme.md") == "**Linked from**\n\n- [[b]]: Acme"
    assert link_to(index, "contacts/Acme.md") == "[[contacts/Acme]]"


def test_a_long_context_is_never_cut_inside_a_link() -> None:
    from vault_tools.blocks import _clean_context

    text = "x" * 150 + " met [[Somebody Private Name]] later"
    cleaned = _clean_context(text)
    assert cleaned.endswith("met…")
    assert "[[" not in cleaned and "Somebody" not in cleaned


# --- private notes in public notes' files (§5) --------------------------------------------------

SECRET = "She is quietly moving to the Quokka team"
PRIVATE_VAULT = {
    "companies/Acme.md": "---\ntype: company\n---\nA company.\n",
    "contacts/Ren Silva.md": (
        "---\ntype: contact\nprivate: true\ncompany: \"[[Acme]]\"\nrole: Secret Role\n---\n"
        f"{SECRET}, says [[Acme]] is her next stop.\n"
        "- [ ] Ask Ren privately about the Quokka role 📅 2026-12-10\n"
    ),
    "interviews/2026-11-02 Ren Silva.md": (
        "---\ntype: interview\ndate: 2026-11-02\nwith: \"[[Ren Silva]]\"\ncompany: Acme\n"
        "format: quokka-call\nprivate: true\n---\nNotes.\n"
    ),
    "contacts/Ann Lee.md": (
        "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n"
        "Met [[Ren Silva]] and [[Acme]] together.\n- [ ] Send Ann the deck 📅 2026-12-01\n"
    ),
    "Follow-ups.md": "# Follow-ups\n",
}


def _entries(block: str) -> list[str]:
    return [line for line in block.split("\n") if line.startswith("- ")]


def test_a_public_notes_block_lists_a_private_note_by_link_only() -> None:
    index = build(PRIVATE_VAULT)
    followups = open_followups(index)
    acme = render_related(index, index.notes["companies/Acme.md"], followups)
    assert "[[Ren Silva]]" in acme and "[[2026-11-02 Ren Silva]]" in acme
    for word in ("Quokka", "quokka", "Secret Role", "next stop", "2026-11-02 ·"):
        assert word not in acme, word
    assert "- [[Ren Silva]]" in _entries(acme)
    # Ann is public: her sentence is quoted, the private name in it as plain text.
    assert "- [[Ann Lee]]: Met Ren Silva and Acme together." in acme


def test_the_follow_ups_note_shows_a_private_persons_tasks_by_link_only() -> None:
    index = build(PRIVATE_VAULT)
    followups = open_followups(index)
    dashboard = index.notes["Follow-ups.md"]
    text = desired_blocks(index, dashboard, followups)["followups"]
    assert "- 2026-12-10 · [[Ren Silva]]" in text
    assert "Quokka" not in text and "Ask Ren" not in text
    assert "- 2026-12-01 · Send Ann the deck · [[Ann Lee]]" in text
    # A private dashboard is the user's own: it shows everything.
    files = dict(PRIVATE_VAULT, **{"Follow-ups.md": "---\nprivate: true\n---\n# Follow-ups\n"})
    index = build(files)
    text = desired_blocks(index, index.notes["Follow-ups.md"], open_followups(index))
    assert "Ask Ren privately about the Quokka role" in text["followups"]


def test_hide_private_in_files_names_no_private_note() -> None:
    index = build(PRIVATE_VAULT)
    followups = open_followups(index)
    for path in ("companies/Acme.md", "Follow-ups.md", "contacts/Ann Lee.md"):
        blocks = desired_blocks(index, index.notes[path], followups, hide_private=True)
        for content in blocks.values():
            assert "Ren" not in content and "Quokka" not in content, (path, content)
    acme = desired_blocks(index, index.notes["companies/Acme.md"], followups,
                          hide_private=True)["related"]
    assert "- a private note" in _entries(acme)
    assert "- [[Ann Lee]]: Met a private note and Acme together." in acme


def test_a_private_notes_own_block_may_quote_anything() -> None:
    files = dict(PRIVATE_VAULT)
    files["contacts/Ann Lee.md"] = files["contacts/Ann Lee.md"].replace(
        "type: contact\n", "type: contact\nprivate: true\n")
    files["contacts/Bo.md"] = f"{SECRET} [[Ann Lee]].\n"
    index = build(files)
    ann = render_related(index, index.notes["contacts/Ann Lee.md"], open_followups(index))
    assert SECRET in ann


# --- "Linked from": the sentence or list item, with one link per entry (§5) --------------------


def test_linked_from_quotes_the_sentence_around_the_link_across_lines() -> None:
    index = build({
        "Jane.md": "x\n",
        "Meeting.md": (
            "An opening sentence. We met [[Jane]] at the fair, and she\n"
            "introduced me to [[Acme]] right away. A closing sentence.\n\n"
            "- A list item about [[Jane]]\n  that goes on. And on.\n"
        ),
    })
    assert related(index, "Jane.md") == (
        "**Linked from**\n\n"
        "- [[Meeting]]: We met Jane at the fair, and she introduced me to Acme right away.\n"
        "- [[Meeting]]: A list item about Jane that goes on. And on."
    )


def test_a_long_sentence_is_cut_around_its_link_at_blanks() -> None:
    words = " ".join(f"w{i:03d}" for i in range(60))
    index = build({"Jane.md": "x\n", "Long.md": f"Start {words} [[Jane]] {words} end.\n"})
    entry = _entries(related(index, "Jane.md"))[0]
    quote = entry.split(": ", 1)[1]
    assert quote.startswith("…w") and quote.endswith("…") and " Jane " in quote
    assert len(quote) <= 170


_BODIES = st.lists(st.sampled_from([
    "text with words.", "Met [[Ann]] and [[Bob]].", "- [ ] call [[Cy]]", "- item [[Ann]]",
    "  continued [[Bob|B]] line", "See [b](Bob.md) and ![[Cy]].", "", "# Heading [[Ann]]",
    "%% hidden [[Cy]] %%", "a [[Ann#Part]] b. Another [[Bob]] c", "x" * 90 + " [[Ann]]",
]), max_size=6)


@settings(max_examples=80, deadline=None)
@given(bodies=st.dictionaries(st.sampled_from(["n1", "n2", "n3"]), _BODIES, max_size=3))
def test_every_linked_from_entry_adds_exactly_one_link(bodies: dict[str, list[str]]) -> None:
    files = {"Ann.md": "a\n", "Bob.md": "b\n", "Cy.md": "c\n"}
    files.update({f"{name}.md": "\n".join(lines) + "\n" for name, lines in bodies.items()})
    index = build(files)
    for path in ("Ann.md", "Bob.md", "Cy.md"):
        block = related(index, path)
        section = block.partition("**Linked from**\n\n")[2]
        for entry in _entries(section):
            # Parsed as a note would be: exactly one link, the source's own.
            assert len(parse_note("probe.md", entry).links) == 1, entry
            assert "%%" not in entry and "hidden" not in entry
