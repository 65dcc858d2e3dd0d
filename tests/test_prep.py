"""The prep brief (§13): the `prep` block of a planned conversation, on a fixture vault
(tests/data/prep, golden files in tests/data/prep-golden), each section's edges, privacy in the
files and on the site, where the block goes, and what becomes of it when the conversation
happens."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools import questions
from vault_tools.blocks import PREP, desired_blocks, render_prep
from vault_tools.cli import main
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.splice import splice_blocks

FIXTURE = Path(__file__).parent / "data" / "prep"
GOLDEN = Path(__file__).parent / "data" / "prep-golden"
NEXT = "interviews/2026-12-10 Next with Jane.md"
LENA = "interviews/2027-01-08 Lena.md"
CONFIG = ("site_name: Prep\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n"
          "  - search\n  - vault{options}\n")


def vault(tmp_path: Path, options: str = "") -> Path:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root / "notes")
    (root / "mkdocs.yml").write_text(CONFIG.format(options=options), encoding="utf-8")
    return root


def fill(root: Path) -> None:
    result = CliRunner().invoke(main, ["fill", "--vault", str(root)])
    assert result.exit_code == 0, result.output


def block_of(text: str, name: str = PREP) -> str | None:
    opening, closing = f"<!-- vault-tools:{name} -->", f"<!-- /vault-tools:{name} -->"
    if opening not in text:
        return None
    return text[text.index(opening):text.index(closing) + len(closing)] + "\n"


def index_of(notes: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in notes.items())


def brief(notes: dict[str, str], path: str = "interviews/P.md", **kwargs: bool) -> str:
    index = index_of(notes)
    return render_prep(index, index.notes[path], **kwargs)


def planned(front: str = "", body: str = "") -> str:
    return ("---\ntype: interview\ndate: 2027-01-10\nwith: \"[[Jane]]\"\nstatus: planned\n"
            f"{front}---\n\n# Next\n{body}")


def done(day: str, body: str = "", front: str = "") -> str:
    return (f"---\ntype: interview\ndate: {day}\nwith: \"[[Jane]]\"\nstatus: done\n{front}"
            f"---\n\n# Talk\n\n{body}")


JANE = "---\ntype: contact\n---\n# Jane\n"


# --- the golden brief -----------------------------------------------------------------------


@pytest.mark.parametrize("note", [NEXT, LENA])
def test_fill_writes_the_brief_the_golden_files_say_and_again_nothing(tmp_path: Path,
                                                                    note: str) -> None:
    root = vault(tmp_path)
    fill(root)
    text = (root / "notes" / note).read_text(encoding="utf-8")
    actual = block_of(text)
    assert actual is not None
    expected = GOLDEN / (note.replace("/", "__"))
    if os.environ.get("UPDATE_GOLDEN") or not expected.exists():
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"{expected.name} was missing and has been written; check it")
    assert actual == expected.read_text(encoding="utf-8")
    fill(root)
    assert (root / "notes" / note).read_text(encoding="utf-8") == text


def test_only_planned_conversations_get_a_brief(tmp_path: Path) -> None:
    root = vault(tmp_path)
    fill(root)
    with_brief = sorted(p.relative_to(root / "notes").as_posix()
                        for p in (root / "notes").rglob("*.md")
                        if block_of(p.read_text(encoding="utf-8")) is not None)
    assert with_brief == [NEXT, LENA]


# --- each section's edges -------------------------------------------------------------------


def test_last_time_lists_done_conversations_with_the_people_newest_first() -> None:
    text = brief({
        "interviews/P.md": planned(),
        "interviews/A.md": done("2026-10-01", "## Advice\n\n- Learn SQL\n\n## Next steps\n\n"
                                "- send the write-up\n- [ ] a task is no next step\n"),
        "interviews/B.md": done("2026-11-01", "## Notes\n\n- [x] sent the article\n"
                                "- [-] cancelled too\n"),
        "interviews/C.md": done("2026-12-01").replace("status: done", "status: cancelled"),
        "interviews/D.md": done("2026-12-02").replace("status: done", "status: planned"),
        "contacts/Jane.md": JANE + "\n- [x] thanked her\n- [ ] still open\n",
    })
    last = text.split("**Last time**\n\n")[1].split("\n\n")[0].splitlines()
    assert last == [
        "- 2026-11-01 · [[B]]",
        "- Done since (2026-11-01): sent the article",
        "- Done since (2026-11-01): cancelled too",
        "- 2026-10-01 · [[A]]",
        "- Advice (2026-10-01): Learn SQL",
        "- Next step (2026-10-01): send the write-up",
        "- Done since · [[Jane]]: thanked her",
    ]


def test_a_planned_conversation_with_nothing_around_it_gets_no_block() -> None:
    notes = {"interviews/P.md": planned(), "contacts/Jane.md": JANE}
    index = index_of(notes)
    assert desired_blocks(index, index.notes["interviews/P.md"], []) == {}


def test_who_introduced_them_by_introduced_by_or_by_the_offer() -> None:
    notes = {
        "interviews/P.md": planned().replace('"[[Jane]]"', '["[[Jane]]", "[[Bo]]"]'),
        "contacts/Jane.md": "---\ntype: contact\nintroduced_by: \"[[Priya]]\"\n---\n",
        "contacts/Bo.md": "---\ntype: contact\n---\n",
        "contacts/Priya.md": "---\ntype: contact\n---\n",
        "interviews/O.md": "---\ntype: interview\ndate: 2026-09-01\nwith: \"[[Priya]]\"\n"
                           "status: done\nreferrals: [\"[[Bo]]\"]\n---\n",
    }
    text = brief(notes)
    assert "- [[Jane]]: introduced by [[Priya]]\n" in text
    assert "- [[Bo]]: introduced by [[Priya]] · offered in [[O]]" in text


def test_their_company_lists_the_others_and_only_the_culture_they_told() -> None:
    notes = {
        "interviews/P.md": planned('company: "[[Acme]]"\n'),
        "contacts/Jane.md": JANE,
        "contacts/Omar.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\nrole: <b>Lead</b>\n---\n",
        "companies/Acme.md": "---\ntype: company\n---\n",
        "interviews/O.md": "---\ntype: interview\ndate: 2026-09-01\nwith: \"[[Omar]]\"\n"
                           "status: done\n---\n## Culture\n\n- Quiet mornings\n\n"
                           "## Advice\n\n- Not culture\n",
    }
    text = brief(notes)
    assert "- [[Omar]] · \\<b\\>Lead\\</b\\>" in text  # a role is a value, shown as text
    assert "- 2026-09-01 · [[Omar]]: Quiet mornings" in text
    assert "Not culture" not in text and "[[Jane]] ·" not in text


def test_open_questions_answered_by_a_done_conversation_are_left_out() -> None:
    notes = {
        "interviews/P.md": planned('career: "[[UX]]"\n'),
        "contacts/Jane.md": JANE,
        "interviews/A.md": done("2026-10-01"),
        "careers/UX.md": "---\ntype: career\n---\n## Open questions\n\n- Answered? [[A]]\n"
                         "- Still open?\n- Asked next time [[P]]\n",
    }
    text = brief(notes)
    assert "- [[UX]]: Still open?" in text and "Answered" not in text
    assert "- [[UX]]: Asked next time P" in text  # a planned conversation answers nothing yet


def test_bank_questions_asked_in_the_career_are_left_out_and_others_careers_kept() -> None:
    notes = {
        "interviews/P.md": planned('career: "[[UX]]"\n'),
        "contacts/Jane.md": JANE,
        "careers/UX.md": "---\ntype: career\n---\n",
        "careers/PM.md": "---\ntype: career\n---\n",
        "questions.md": "- Typical week? ^q-week\n- Best part? ^q-best\n- Start? ^q-start\n",
        "interviews/A.md": done("2026-10-01", "- [[questions#^q-week]]: tickets\n",
                                'career: "[[UX]]"\n'),
        "interviews/B.md": done("2026-10-02", "- [[questions#^q-best]]: people\n",
                                'career: "[[PM]]"\n'),
    }
    text = brief(notes)
    section = text.split("**Questions not asked yet in this career**\n\n")[1]
    assert section.splitlines() == ["- [[UX]]: Best part? · [[questions#^q-best]]",
                                    "- [[UX]]: Start? · [[questions#^q-start]]"]


def test_the_bank_cache_follows_the_index() -> None:
    notes = {"careers/UX.md": "---\ntype: career\n---\n", "contacts/Jane.md": JANE,
             "questions.md": "- Typical week? ^q-week\n"}
    index = index_of(notes)
    assert [q.id for q in questions.unasked_in_career(index, "careers/UX.md")] == ["q-week"]
    index.put(parse_note("interviews/A.md", done("2026-10-01", "- [[questions#^q-week]]: x\n",
                                                 'career: "[[UX]]"\n')))
    assert questions.unasked_in_career(index, "careers/UX.md") == []


# --- privacy ----------------------------------------------------------------------------------


def test_no_private_word_reaches_a_public_notes_file(tmp_path: Path) -> None:
    root = vault(tmp_path)
    fill(root)
    own = {"SECRET-ROSA": "2026-11-25 Rosa.md", "SECRET-TALK": "2026-11-26 Private talk.md"}
    for path in (root / "notes").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        for secret, home in own.items():
            assert secret not in text or path.name == home, (secret, path)
    text = (root / "notes" / NEXT).read_text(encoding="utf-8")
    # The private talk with Jane is listed by its link only: no date, no advice.
    assert "- [[2026-11-26 Private talk]]\n" in text
    assert "apply before the reorg" not in text


def test_hide_private_in_files_names_no_private_note(tmp_path: Path) -> None:
    root = vault(tmp_path, ":\n      hide_private_in_files: true")
    fill(root)
    block = block_of((root / "notes" / NEXT).read_text(encoding="utf-8"))
    assert block is not None
    assert "Private talk" not in block and "Rosa" not in block
    assert block.count("- a private note") == 2


def test_a_private_planned_conversation_quotes_everything() -> None:
    notes = {"interviews/P.md": planned("private: true\n"), "contacts/Jane.md": JANE,
             "interviews/S.md": done("2026-10-01", "## Advice\n\n- SECRET advice\n",
                                     "private: true\n")}
    assert "- Advice (2026-10-01): SECRET advice" in brief(notes)


def test_a_planned_conversation_with_a_private_person_reads_nothing_of_them() -> None:
    notes = {"interviews/P.md": planned(), "contacts/Jane.md": JANE.replace(
                 "type: contact", "type: contact\nprivate: true\nintroduced_by: \"[[Al]]\"")
             + "- [x] SECRET task\n",
             "contacts/Al.md": "---\ntype: contact\n---\n",
             "interviews/S.md": done("2026-10-01", "## Advice\n\n- SECRET advice\n")}
    text = brief(notes)
    assert "SECRET" not in text and "Al" not in text
    assert "- [[S]]\n" in text or text.endswith("- [[S]]")
    assert "SECRET" not in brief(notes, public=True)


@pytest.mark.slow
def test_the_site_shows_the_brief_with_nothing_private(tmp_path: Path) -> None:
    from vault_tools.site.build import build_site
    from vault_tools.vault import find_vault

    from .conftest import site_texts
    from .html_safety import site_problems

    root = vault(tmp_path)
    fill(root)
    site = build_site(find_vault(root))
    assert site_problems(site) == {}
    page = (site / "interviews" / "2026-12-10 Next with Jane" / "index.html").read_text(
        encoding="utf-8")
    assert "Prep brief" in page and "Learn SQL properly" in page
    assert "Rosa Quiet" not in page and "Private talk" not in page
    assert "&lt;i&gt;at all&lt;/i&gt;" in page and "<i>at all" not in page
    for name, text in site_texts(site).items():
        assert "SECRET-TALK" not in text, name
        if "SECRET-ROSA" in text:
            assert name.startswith(("interviews/2026-11-25", "search/")), name


# --- where the block goes, and when the conversation happens ---------------------------------


def test_a_new_brief_goes_above_an_existing_related_block_in_crlf() -> None:
    notes = {"interviews/P.md": planned(body="\nnotes\n"), "contacts/Jane.md": JANE,
             "interviews/A.md": done("2026-10-01", "## Advice\n\n- Learn SQL\n")}
    text = notes["interviews/P.md"] + "\n<!-- vault-tools:related -->\nold\n" \
        "<!-- /vault-tools:related -->\ntail\n"
    text = text.replace("\n", "\r\n")
    index = index_of({**notes, "interviews/P.md": text})
    wanted = desired_blocks(index, index.notes["interviews/P.md"], [])
    new = splice_blocks("interviews/P.md", text, wanted)
    assert "\n" not in new.replace("\r\n", "")
    assert new.index("<!-- vault-tools:prep -->") < new.index("<!-- vault-tools:related -->")
    assert new.startswith(text[:text.index("<!-- vault-tools:related")])
    assert new.endswith("<!-- /vault-tools:related -->\r\ntail\r\n")
    assert "- Advice (2026-10-01): Learn SQL\r\n" in new


def test_a_brief_the_user_moved_stays_where_they_put_it() -> None:
    notes = {"contacts/Jane.md": JANE,
             "interviews/A.md": done("2026-10-01", "## Advice\n\n- Learn SQL\n")}
    text = planned(body="\n<!-- vault-tools:prep -->\nold\n<!-- /vault-tools:prep -->\n\n"
                   "## My notes\n\nkeep\n")
    index = index_of({**notes, "interviews/P.md": text})
    new = splice_blocks("interviews/P.md", text,
                        desired_blocks(index, index.notes["interviews/P.md"], []))
    assert new.index("<!-- /vault-tools:prep -->") < new.index("## My notes")
    assert new.endswith("## My notes\n\nkeep\n")
    assert "old" not in new and "Learn SQL" in new


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_once_the_conversation_is_no_longer_planned_its_brief_empties(tmp_path: Path,
                                                                     status: str) -> None:
    root = vault(tmp_path)
    fill(root)
    path = root / "notes" / LENA
    path.write_text(path.read_text(encoding="utf-8").replace("status: planned",
                                                              f"status: {status}"),
                    encoding="utf-8")
    fill(root)
    assert block_of(path.read_text(encoding="utf-8")) == (
        "<!-- vault-tools:prep -->\n<!-- /vault-tools:prep -->\n")


# --- what a change reaches --------------------------------------------------------------------


def test_a_change_reaches_the_briefs_that_read_through_it_and_not_others() -> None:
    from vault_tools.refresh import FollowUpCache, apply_updates, notes_to_refresh

    notes = {
        "interviews/P.md": planned('company: "[[Acme]]"\n'),
        "interviews/Q.md": planned().replace("[[Jane]]", "[[Bo]]"),
        "contacts/Jane.md": JANE, "contacts/Bo.md": "---\ntype: contact\n---\n",
        "contacts/Omar.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n",
        "companies/Acme.md": "---\ntype: company\n---\n",
        "questions.md": "- Typical week? ^q-week\n",
        "interviews/O.md": "---\ntype: interview\ndate: 2026-09-01\nwith: \"[[Omar]]\"\n"
                           "status: done\n---\n## Culture\n\n- Quiet mornings\n",
    }
    index = index_of(notes)
    cache = FollowUpCache(index)

    def reach(path: str, text: str) -> set[str]:
        change = apply_updates(index, {path: parse_note(path, text)}, cache)
        return notes_to_refresh(index, change)

    # Culture told by Omar, who works at Acme, reaches the brief of a talk at Acme only.
    told = reach("interviews/O.md", notes["interviews/O.md"].replace("Quiet", "Loud"))
    assert "interviews/P.md" in told and "interviews/Q.md" not in told
    # The bank reaches every brief.
    banked = reach("questions.md", "- Typical week? ^q-week\n- Best part? ^q-best\n")
    assert {"interviews/P.md", "interviews/Q.md"} <= banked
