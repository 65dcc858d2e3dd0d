"""What the generated blocks say, exactly, for each note type (§5)."""

from __future__ import annotations

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
        "Net interest: +1 over 2 conversations"
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
        "- 2026-12-02 · Get back in touch with Ann Lee · [[Ann Lee]]"
    )
    assert "overdue" not in text.lower()


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
