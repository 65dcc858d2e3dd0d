"""`vault-tools find`: notes ranked by name, alias, front matter and text; filters that
combine; JSON; hostile text; linear in the vault."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.search import Filters, find, search_key

from .conftest import DEMO_VAULT, MKDOCS

VAULT = {
    "contacts/Ana Lima.md": (
        "---\ntype: contact\ncompany: \"[[Acme]]\"\nrole: Staff designer\n"
        "location: São Paulo\naliases: [Nina]\ntags: [design/ux]\n---\n# Ana Lima\n"),
    "contacts/Anabel Ortiz.md": (
        "---\ntype: contact\ncompany: \"[[Globex]]\"\nasked: 2026-11-20\n---\n"),
    "contacts/José Núñez.md": (
        "---\ntype: contact\nstatus: keep-warm\nlast_contact: 2026-10-01\n---\n"
        "Met at the Acme meetup.\n"),
    "contacts/Quiet Person.md": "---\ntype: contact\nprivate: true\n---\nAna's old friend.\n",
    "companies/Acme.md": "---\ntype: company\nindustry: Robots\n---\n# Acme\n",
    "companies/Globex.md": "---\ntype: company\n---\n",
    "careers/Product Design.md": "---\ntype: career\nstatus: exploring\n---\n",
    "interviews/2026-10-06 Ana Lima.md": (
        "---\ntype: interview\ndate: 2026-10-06\nwith: [\"[[Ana Lima]]\"]\n"
        "career: [\"[[Product Design]]\"]\nstatus: done\n---\n"
        "## What I learned\n\n- Reviews are weekly. #culture\n"),
    "interviews/2026-12-10 Anabel Ortiz.md": (
        "---\ntype: interview\ndate: 2026-12-10\nwith: [\"[[Anabel Ortiz]]\"]\n"
        "status: planned\n---\n"),
    "Reading list.md": (
        "# Reading list\n\nA book Ana recommended: *Banana design*.\n"
        "<!-- vault-tools:related -->\nZebra quoted from elsewhere\n"
        "<!-- /vault-tools:related -->\n"),
}


def run(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--vault", str(root)], catch_exceptions=False)


def found(root: Path, *args: str) -> list[dict]:
    result = run(root, "find", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def names(root: Path, *args: str) -> list[str]:
    return [row["name"] for row in found(root, *args)]


@pytest.fixture
def vault(make_vault) -> Path:
    return make_vault(VAULT)


# --- ranking --------------------------------------------------------------------------------


def test_searching_priya_puts_the_contact_before_the_conversations_mentioning_her(
        tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    rows = found(root, "Priya")
    assert [row["note"] for row in rows[:3]] == [
        "contacts/Priya Raman.md", "interviews/2026-07-08 Priya Raman.md",
        "interviews/2026-10-06 Priya Raman.md"]
    assert [row["match"] for row in rows[:3]] == ["name-start", "name-part", "name-part"]
    # then the notes whose properties name her, then those whose text does
    matches = [row["match"] for row in rows]
    assert matches == sorted(matches, key=["name-start", "name-part", "field", "text"].index)
    assert "journal/2026-11-28.md" in [row["note"] for row in rows]


def test_the_ranking_goes_name_alias_start_part_field_text(vault: Path) -> None:
    rows = found(vault, "ana")
    assert [(row["name"], row["match"]) for row in rows] == [
        ("Ana Lima", "name-start"),
        ("Anabel Ortiz", "name-start"),
        ("2026-10-06 Ana Lima", "name-part"),
        ("2026-12-10 Anabel Ortiz", "name-part"),
        ("Quiet Person", "text"),            # "Ana's old friend"
        ("Reading list", "text"),
    ]
    exact = found(vault, "Ana Lima")
    assert (exact[0]["name"], exact[0]["match"]) == ("Ana Lima", "name")
    alias = found(vault, "nina")
    assert (alias[0]["name"], alias[0]["match"], alias[0]["field"], alias[0]["snippet"]) == (
        "Ana Lima", "name", "alias", "Nina")


def test_front_matter_values_rank_before_body_text(vault: Path) -> None:
    rows = found(vault, "acme")
    assert [(row["name"], row["match"], row["field"]) for row in rows] == [
        ("Acme", "name", None),
        ("Ana Lima", "field", "company"),
        ("José Núñez", "text", None),
    ]
    assert rows[1]["snippet"] == "[[Acme]]"
    assert rows[2]["line"] == 6 and rows[2]["snippet"] == "Met at the Acme meetup."


def test_ties_go_by_type_then_name(vault: Path) -> None:
    rows = found(vault)  # no text: everything, by type and name
    types = [row["type"] for row in rows]
    order = ["contact", "interview", "company", "career", None]
    assert types == sorted(types, key=order.index)
    contacts = [row["name"] for row in rows if row["type"] == "contact"]
    assert contacts == sorted(contacts, key=str.casefold)
    assert {row["match"] for row in rows} == {"listed"}


def test_case_and_accents_are_ignored(vault: Path) -> None:
    assert names(vault, "JOSE NUNEZ") == ["José Núñez"]
    assert names(vault, "sao paulo") == ["Ana Lima"]
    assert names(vault, "Núñez")[0] == "José Núñez"
    assert search_key("Straße ﬁle Ö") == "strasse file o"


def test_generated_blocks_and_front_matter_keys_are_not_text(vault: Path) -> None:
    assert names(vault, "zebra") == []
    assert names(vault, "vault-tools") == []
    assert names(vault, "industry") == []  # a key, not a value
    assert names(vault, "robots") == ["Acme"]


def test_a_snippet_is_cut_around_the_match(make_vault) -> None:
    line = "word " * 60 + "needle" + " word" * 60
    root = make_vault({"Long.md": f"# Long\n\n{line}\n"})
    (row,) = found(root, "needle")
    assert "needle" in row["snippet"] and len(row["snippet"]) <= 95
    assert row["snippet"].startswith("…") and row["snippet"].endswith("…")


# --- hostile text ---------------------------------------------------------------------------


def test_regex_characters_in_text_are_literal(make_vault) -> None:
    root = make_vault({"A.md": "axxb and (c|d\n", "B.md": "literal a.*b here\n"})
    assert names(root, "a.*b") == ["B"]
    assert names(root, "(c|d") == ["A"]
    assert names(root, "[") == []


def test_a_huge_text_is_fine(vault: Path) -> None:
    start = time.process_time()
    assert names(vault, "x" * 200_000) == []
    assert time.process_time() - start < 10


def test_terminal_escapes_in_notes_are_shown_never_sent(make_vault) -> None:
    root = make_vault({"contacts/Eve\u202eman.md": (
        "---\ntype: contact\nrole: \"\\e[2Jboss\\e]0;pwn\\a\"\n---\n")})
    out = run(root, "find", "boss").output
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2Jboss" in out and "\\u202e" in out


_WORDS = st.text(st.sampled_from("aAéE.*+?[](){}|\\^$ ßs\u0301x\n#"), max_size=30)


@given(bodies=st.lists(_WORDS, min_size=1, max_size=5), query=_WORDS)
def test_any_text_finds_exactly_the_notes_holding_it_in_their_body(
        bodies: list[str], query: str) -> None:
    notes = [parse_note(f"n{number}.md", f"# n{number}\n\n{body}\n")
             for number, body in enumerate(bodies)]
    index = VaultIndex(notes)
    texts = {f"n{number}.md": f"# n{number}\n\n{body}\n" for number, body in enumerate(bodies)}
    needle = search_key(" ".join(query.split()))
    hits = find(index, texts, query)
    if not needle:
        assert len(hits) == len(notes)
        return
    expected = {f"n{number}.md" for number, body in enumerate(bodies)
                if any(needle in search_key(line) for line in f"# n{number}\n\n{body}".split("\n"))
                or needle in f"n{number}"}
    assert {hit.note.path for hit in hits} == expected
    for hit in hits:
        assert hit.match != "text" or needle in search_key(hit.snippet)


# --- filters --------------------------------------------------------------------------------


def test_company_takes_its_people_their_conversations_and_notes_linking_it(vault: Path) -> None:
    assert names(vault, "--company", "acme") == ["Ana Lima", "2026-10-06 Ana Lima"]
    assert names(vault, "--company", "Globex") == ["Anabel Ortiz", "2026-12-10 Anabel Ortiz"]
    assert names(vault, "ana", "--company", "Globex") == ["Anabel Ortiz",
                                                         "2026-12-10 Anabel Ortiz"]


def test_career_takes_its_conversations_and_their_people(vault: Path) -> None:
    assert names(vault, "--career", "product design") == ["Ana Lima", "2026-10-06 Ana Lima"]
    assert names(vault, "--career", "Product Design", "--type", "contact") == ["Ana Lima"]


def test_an_unknown_company_or_career_is_refused_with_did_you_mean(vault: Path) -> None:
    result = run(vault, "find", "--company", "Acmee")
    assert result.exit_code == 1
    assert result.output == "Error: no company named 'Acmee'. Did you mean 'Acme'?\n"
    result = run(vault, "find", "--career", "Ana Lima")
    assert result.exit_code == 1 and "a contact note, not a career" in result.output


def test_tag_takes_nested_tags_and_inline_ones(vault: Path) -> None:
    assert names(vault, "--tag", "design") == ["Ana Lima"]
    assert names(vault, "--tag", "#Design/UX") == ["Ana Lima"]
    assert names(vault, "--tag", "culture") == ["2026-10-06 Ana Lima"]
    assert names(vault, "--tag", "ux") == []


def test_status_is_a_contacts_stage_or_a_conversations_or_careers_status(vault: Path) -> None:
    assert names(vault, "--status", "keep-warm") == ["José Núñez"]
    assert names(vault, "--status", "scheduled") == ["Anabel Ortiz"]  # derived: planned talk
    assert names(vault, "--status", "met") == ["Ana Lima"]
    assert names(vault, "--status", "PLANNED") == ["2026-12-10 Anabel Ortiz"]
    assert names(vault, "--status", "exploring") == ["Product Design"]
    rows = found(vault, "--status", "met")
    assert rows[0]["reasons"] == ["stage met"]
    result = run(vault, "find", "--status", "cold")
    assert result.exit_code == 2 and "'cold' is no status" in result.output


def test_stale_takes_contacts_quiet_longer_than_days_or_never_in_touch(vault: Path) -> None:
    # Ana: a done conversation 2026-10-06; José: last_contact 2026-10-01; Anabel, Quiet: none.
    rows = found(vault, "--stale", "30", "--today", "2026-11-05")
    assert [(row["name"], row["reasons"]) for row in rows] == [
        ("Anabel Ortiz", ["never in touch"]),
        ("José Núñez", ["last touch 2026-10-01"]),
        ("Quiet Person", ["never in touch"]),
    ]
    # exactly DAYS days is not stale; one more is
    assert "Ana Lima" not in names(vault, "--stale", "30", "--today", "2026-11-05")
    assert "Ana Lima" in names(vault, "--stale", "29", "--today", "2026-11-05")
    assert names(vault, "--stale", "0", "--today", "2026-10-06", "--type", "contact") == [
        "Anabel Ortiz", "José Núñez", "Quiet Person"]


def test_filters_combine_with_and(vault: Path) -> None:
    assert names(vault, "--company", "Acme", "--status", "met", "--tag", "design") == [
        "Ana Lima"]
    assert names(vault, "--company", "Acme", "--status", "keep-warm") == []
    assert names(vault, "--type", "other") == ["Reading list"]
    assert names(vault, "--type", "company") == ["Acme", "Globex"]


def test_limit_cuts_the_list_and_says_how_many_more(vault: Path) -> None:
    assert len(found(vault, "--limit", "2")) == 2
    out = run(vault, "find", "ana", "--limit", "2").output
    assert out.splitlines()[-1] == "… and 4 more (--limit 0 lists them all)."
    assert len(found(vault, "--limit", "0")) == len(VAULT)


# --- output ---------------------------------------------------------------------------------


def test_json_shape(vault: Path) -> None:
    rows = found(vault, "acme")
    assert rows[1] == {
        "name": "Ana Lima", "type": "contact", "note": "contacts/Ana Lima.md",
        "private": False, "match": "field", "field": "company", "line": None,
        "snippet": "[[Acme]]", "reasons": [], "problem": None,
    }
    assert found(vault, "nothing like this") == []


def test_a_private_note_is_listed_and_marked(vault: Path) -> None:
    (row,) = found(vault, "old friend")
    assert row["name"] == "Quiet Person" and row["private"] is True
    out = run(vault, "find", "old friend").output
    assert out == ("Quiet Person  [contact]  line 5: Ana's old friend.  "
                   "(contacts/Quiet Person.md)  (private)\n")


def test_the_text_says_what_matched(vault: Path) -> None:
    out = run(vault, "find", "acme").output.splitlines()
    assert out == [
        "Acme  [company]  (companies/Acme.md)",
        "Ana Lima  [contact]  company: [[Acme]]  (contacts/Ana Lima.md)",
        "José Núñez  [contact]  line 6: Met at the Acme meetup.  (contacts/José Núñez.md)",
    ]
    assert run(vault, "find", "nothing like this").output == "Nothing found.\n"


def test_a_note_changed_between_runs_is_found_as_it_is_now(vault: Path) -> None:
    assert names(vault, "robots") == ["Acme"]
    note = vault / "notes" / "companies" / "Acme.md"
    note.write_text("---\ntype: company\nindustry: Rockets\n---\n", encoding="utf-8")
    assert names(vault, "robots") == []
    assert names(vault, "rockets") == ["Acme"]


def test_find_writes_nothing(vault: Path) -> None:
    before = {p: p.read_bytes() for p in vault.rglob("*") if p.is_file()}
    run(vault, "find", "ana", "--stale", "3")
    assert {p: p.read_bytes() for p in vault.rglob("*") if p.is_file()} == before


# --- linear in the vault --------------------------------------------------------------------


def _index(count: int) -> tuple[VaultIndex, dict[str, str]]:
    texts = {}
    for number in range(count):
        texts[f"contacts/Person {number}.md"] = (
            f"---\ntype: contact\ncompany: \"[[Company {number % 50}]]\"\nrole: Role {number}\n"
            f"---\n# Person {number}\n\n" + "Some words about this person. " * 20 + "\n")
    return VaultIndex([parse_note(path, text) for path, text in texts.items()]), texts


def test_find_is_linear_in_the_vault() -> None:
    small, small_texts = _index(500)
    large, large_texts = _index(2000)

    def cost(index: VaultIndex, texts: dict[str, str]) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            find(index, texts, "nowhere to be found")
            find(index, texts, "person", Filters(tag="x"))
            best = min(best, time.process_time() - start)
        return best

    assert cost(large, large_texts) < 4 * 3 * max(cost(small, small_texts), 0.005)
