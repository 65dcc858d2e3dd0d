"""Insights and their roll-ups (§13): what the parser keeps of an interview, which of it
`learning` counts, the company and career blocks (golden files on tests/data/learning), the
privacy of both, the `learned` command, and the site."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools import learning
from vault_tools.blocks import RELATED, render_related
from vault_tools.cli import main
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.settings import Settings, SettingsError, settings_from_options
from vault_tools.vault import VaultError, find_vault

FIXTURE = Path(__file__).parent / "data" / "learning"
GOLDEN = Path(__file__).parent / "data" / "learning-golden"
SECRETS = ("SECRET-ROSA", "SECRET-TALK")
CONFIG = ("site_name: Learning\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n"
          "  - search\n  - vault{options}\n")


def vault(tmp_path: Path, options: str = "") -> Path:
    """The fixture vault copied to `tmp_path` (commands may write to it)."""
    root = tmp_path / "vault"
    shutil.copytree(FIXTURE, root / "notes")
    (root / "mkdocs.yml").write_text(CONFIG.format(options=options), encoding="utf-8")
    return root


def fixture_index(settings: Settings | None = None) -> VaultIndex:
    notes = [parse_note(p.relative_to(FIXTURE).as_posix(), p.read_text(encoding="utf-8"))
             for p in sorted(FIXTURE.rglob("*.md"))]
    return VaultIndex(notes, settings=settings) if settings else VaultIndex(notes)


def interview(body: str, front: str = "") -> str:
    return ("---\ntype: interview\ndate: 2026-11-20\nwith: \"[[Jane]]\"\nstatus: done\n"
            f"{front}---\n\n# Talk\n\n{body}")


def texts_of(index: VaultIndex, path: str) -> list[tuple[str, str]]:
    return [(item.group, item.insight.text) for item in learning.insights_of(index, path)]


def one(body: str, front: str = "") -> list[tuple[str, str]]:
    index = VaultIndex([parse_note("interviews/T.md", interview(body, front)),
                        parse_note("contacts/Jane.md", "---\ntype: contact\n---\n")])
    return texts_of(index, "interviews/T.md")


# --- which items are insights ---------------------------------------------------------------


def test_items_and_paragraphs_under_the_insight_headings_are_insights_at_any_level() -> None:
    assert one("## What I learned\n\n- one\n- two\n\n### culture\n\nA paragraph\nof two lines.\n"
               "\n#### ADVICE\n\n1. learn SQL\n\n## Notes\n\n- not an insight\n") == [
        ("What I learned", "one"), ("What I learned", "two"),
        ("Culture", "A paragraph of two lines."), ("Advice", "learn SQL")]


def test_a_subheading_inside_an_insight_section_keeps_its_items_in_the_section() -> None:
    assert one("## Culture\n\n### Remote\n\n- async by default\n\n## Notes\n\n- no\n") == [
        ("Culture", "async by default")]


def test_nested_items_and_continuation_lines_belong_to_their_item() -> None:
    body = ("## Advice\n\n- Learn SQL properly\n  before any framework\n  - window functions\n"
            "  - query plans\n- Build one real pipeline:\n    - with tests\n")
    assert one(body) == [
        ("Advice", "Learn SQL properly before any framework; window functions; query plans"),
        ("Advice", "Build one real pipeline: with tests")]


def test_a_heading_inside_a_code_fence_starts_no_section() -> None:
    body = "## Notes\n\n```\n## Advice\n- not advice\n```\n\n- still notes\n"
    assert one(body) == []


def test_tasks_comments_and_generated_blocks_are_no_insights() -> None:
    body = ("## Advice\n\n- [ ] send the article\n- [x] thanked her\n- kept <!-- not this -->"
            " %% nor this %% words\n%% - hidden item %%\n\n<!-- vault-tools:related -->\n"
            "- quoted #culture\n<!-- /vault-tools:related -->\n")
    assert one(body) == [("Advice", "kept words")]


def test_a_tagged_item_anywhere_is_an_insight_grouped_by_its_tag() -> None:
    body = ("- before any heading #pay\n\n#interview #ux\n\n## Notes\n\n"
            "- On-call pays #pay/oncall\n- untagged\n- see #culture here\n")
    assert one(body) == [("#pay", "before any heading #pay"),
                         ("#pay/oncall", "On-call pays #pay/oncall"),
                         ("Culture", "see #culture here")]


def test_an_item_tagged_and_in_a_section_is_one_insight_in_its_section() -> None:
    assert one("## Culture\n\n- remote-first #culture #pay\n") == [
        ("Culture", "remote-first #culture #pay")]


def test_other_notes_keep_no_insights() -> None:
    note = parse_note("contacts/Jane.md", "---\ntype: contact\n---\n\n## Advice\n\n- x #pay\n")
    assert note.insights == ()


def test_insight_sections_names_the_headings(tmp_path: Path) -> None:
    settings = Settings(insight_sections=("Takeaways",))
    index = VaultIndex([parse_note("interviews/T.md", interview(
        "## Takeaways\n\n- one\n\n## Advice\n\n- no longer\n"))], settings=settings)
    assert texts_of(index, "interviews/T.md") == [("Takeaways", "one")]


@pytest.mark.parametrize("value", [3, "", [], ["Advice", ""], ["Advice", 4], {"a": 1}])
def test_a_bad_insight_sections_value_is_refused_naming_it(value: object) -> None:
    with pytest.raises(SettingsError, match="insight_sections"):
        settings_from_options({"insight_sections": value})


def test_insight_sections_changes_the_fill_cache_key() -> None:
    custom = settings_from_options({"insight_sections": ["Takeaways", "takeaways "]})
    assert custom.insight_sections == ("Takeaways",)
    assert custom.cache_key() != Settings().cache_key()
    assert settings_from_options({"insight_sections": "Advice"}).insight_sections == ("Advice",)


def test_find_vault_refuses_a_bad_insight_sections(tmp_path: Path) -> None:
    root = vault(tmp_path, ":\n      insight_sections: 7")
    with pytest.raises(VaultError, match="insight_sections"):
        find_vault(root)


# --- roll-ups -----------------------------------------------------------------------------


def test_a_company_rolls_up_its_conversations_and_its_peoples_newest_first() -> None:
    index = fixture_index()
    groups = learning.rollup(index, "companies/Acme.md")
    assert [g.title for g in groups] == ["What I learned", "Culture", "Advice", "#pay",
                                         "#pay/cycle"]
    advice = groups[2].items
    # Omar's call names no company: he works at Acme. Newest first; the planned one is not read.
    assert [item.day.isoformat() for item in advice if item.day] == [
        "2026-11-26", "2026-11-14", "2026-10-02", "2026-10-02"]
    assert not any("PLANNED-ONLY" in item.insight.text for g in groups for item in g.items)


def test_a_roll_up_leaves_out_hidden_conversations_and_conversations_with_hidden_people() -> None:
    index = fixture_index()
    shown = learning.rollup(index, "careers/Data Engineering.md", hidden=index.private_paths())
    words = " ".join(item.insight.text for g in shown for item in g.items)
    assert "SECRET" not in words and "pipelines boring" in words


def _golden(name: str, actual: str) -> None:
    """`actual` equals the checked-in golden file `name` (UPDATE_GOLDEN=1 rewrites it: read
    the diff before committing it)."""
    expected = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") or not expected.exists():
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
        if not os.environ.get("UPDATE_GOLDEN"):
            pytest.fail(f"{name} was missing and has been written; check it")
    assert actual == expected.read_text(encoding="utf-8")


def _block(text: str) -> str:
    start = text.index(f"<!-- vault-tools:{RELATED} -->")
    end = text.index(f"<!-- /vault-tools:{RELATED} -->")
    return text[start:end + len(f"<!-- /vault-tools:{RELATED} -->")] + "\n"


@pytest.mark.parametrize("note", ["companies/Acme.md", "careers/Data Engineering.md",
                                  "companies/Globex.md"])
def test_fill_writes_the_roll_up_blocks_as_the_golden_files_say(tmp_path: Path,
                                                                note: str) -> None:
    root = vault(tmp_path)
    result = CliRunner().invoke(main, ["fill", "--vault", str(root)])
    assert result.exit_code == 0, result.output
    text = (root / "notes" / note).read_text(encoding="utf-8")
    _golden(note.replace("/", "__"), _block(text))
    # Filling again changes nothing: the block is byte-stable.
    again = CliRunner().invoke(main, ["fill", "--vault", str(root)])
    assert again.exit_code == 0 and (root / "notes" / note).read_text(encoding="utf-8") == text


def test_no_private_insight_reaches_a_public_notes_file(tmp_path: Path) -> None:
    root = vault(tmp_path)
    assert CliRunner().invoke(main, ["fill", "--vault", str(root)]).exit_code == 0
    for path in (root / "notes").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        own = {"SECRET-ROSA": "2026-11-25 Rosa.md", "SECRET-TALK": "2026-11-26 Private talk.md"}
        for secret, home in own.items():
            assert secret not in text or path.name == home, (secret, path)


def test_a_private_company_note_quotes_every_conversation() -> None:
    index = fixture_index()
    acme = index.notes["companies/Acme.md"]
    private = parse_note(acme.path, "---\ntype: company\nprivate: true\n---\n\n# Acme\n")
    index.put(private)
    block = render_related(index, index.notes[acme.path])
    assert "SECRET-ROSA" in block and "SECRET-TALK" in block


def test_a_roll_up_writes_links_as_text_and_tags_escaped() -> None:
    index = fixture_index()
    block = render_related(index, index.notes["companies/Acme.md"])
    assert "to streaming last year" in block and "[[Kafka" not in block
    assert "Ask Omar Haddad about the platform team \\#advice" in block
    # The roll-up's own links are the people who said it, nothing it quotes.
    told = block[block.index("**What people told me**"):]
    note = parse_note("companies/Acme.md", "# Acme\n\n" + told + "\n")
    assert {link.target for link in note.links} == {"Jane Doe", "Omar Haddad"}
    assert note.inline_tags == ()


def test_same_day_insights_keep_note_order_and_a_stable_order_between_notes() -> None:
    notes = [parse_note("careers/UX.md", "---\ntype: career\n---\n")]
    for name in ("A", "B"):
        notes.append(parse_note(f"interviews/{name}.md", interview(
            f"## Advice\n\n- {name} first\n- {name} second\n", 'career: "[[UX]]"\n')))
    index = VaultIndex(notes)
    items = [i.insight.text for g in learning.rollup(index, "careers/UX.md") for i in g.items]
    assert items == ["B first", "B second", "A first", "A second"]


# --- the command --------------------------------------------------------------------------


def test_learned_about_a_company_shows_private_ones_marked(tmp_path: Path) -> None:
    root = vault(tmp_path)
    result = CliRunner().invoke(main, ["learned", "--company", "acme", "--vault", str(root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "What people told me about Acme (companies/Acme.md)"
    assert "  2026-11-26  Jane Doe (private): SECRET-TALK: apply before the reorg is announced." \
        in lines
    assert "  2026-11-14  Omar Haddad: On-call is one week in six, paid. #pay" in lines


def test_learned_by_tag_takes_nested_tags_as_json(tmp_path: Path) -> None:
    root = vault(tmp_path)
    result = CliRunner().invoke(main, ["learned", "--tag", "#PAY", "--json", "--vault", str(root)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["about"] == {"type": "tag", "name": "PAY", "note": None}
    assert [g["title"] for g in data["groups"]] == ["#pay", "#pay/cycle"]
    first = data["groups"][0]["insights"][0]
    assert first["people"] == [{"name": "Omar Haddad", "note": "contacts/Omar Haddad.md",
                                "private": False}]
    assert first["date"] == "2026-11-14" and first["private"] is False


def test_learned_about_a_career_says_did_you_mean(tmp_path: Path) -> None:
    root = vault(tmp_path)
    result = CliRunner().invoke(main, ["learned", "--career", "Data Engineerin", "--vault",
                                       str(root)])
    assert result.exit_code == 1
    assert result.output == ("Error: no career named 'Data Engineerin'. "
                             "Did you mean 'Data Engineering'?\n")
    wrong = CliRunner().invoke(main, ["learned", "--career", "Acme", "--vault", str(root)])
    assert "'Acme' is companies/Acme.md, a company note, not a career" in wrong.output


def test_learned_needs_exactly_one_subject(tmp_path: Path) -> None:
    root = vault(tmp_path)
    for args in ([], ["--tag", "pay", "--company", "Acme"], ["--tag", "#"]):
        result = CliRunner().invoke(main, ["learned", *args, "--vault", str(root)])
        assert result.exit_code == 2, args


# --- the site -----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_site_shows_roll_ups_escaped_and_nothing_private(tmp_path: Path) -> None:
    from vault_tools.site.build import build_site

    from .conftest import site_texts
    from .html_safety import site_problems

    site = build_site(find_vault(vault(tmp_path)))
    assert site_problems(site) == {}
    acme = (site / "companies" / "Acme" / "index.html").read_text(encoding="utf-8")
    assert "What people told me" in acme and "Remote-first; the team meets" in acme
    assert "&lt;b&gt;twice a year&lt;/b&gt;" in acme and "<b>twice a year" not in acme
    career = (site / "careers" / "Data Engineering" / "index.html").read_text(encoding="utf-8")
    assert "A portfolio of one real pipeline" in career
    for name, text in site_texts(site).items():
        assert "SECRET-TALK" not in text, name
        if "SECRET-ROSA" in text:  # the public conversation itself is published, as written
            assert name.startswith(("interviews/2026-11-25", "search/")), name


# --- hostile notes ------------------------------------------------------------------------


def _cpu_of_insights(n: int) -> float:
    import time

    # Many sections, each heading deeper then shallower, items and nested items between.
    body = "".join(f"{'#' * (2 + i % 4)} {'Advice' if i % 3 else 'Notes'}\n\n- item {i} #pay\n"
                   f"  - nested {i}\n\nA paragraph {i}\n\n" for i in range(n))
    index = VaultIndex([parse_note("interviews/T.md", interview(body)),
                        parse_note("contacts/Jane.md", "---\ntype: contact\n---\n")])
    start = time.process_time()
    found = learning.insights_of(index, "interviews/T.md")
    spent = time.process_time() - start
    assert len(found) >= 2 * n // 3
    return spent


def test_insights_of_a_huge_interview_take_time_linear_in_its_size() -> None:
    small = min(_cpu_of_insights(2_000) for _ in range(3))
    large = min(_cpu_of_insights(16_000) for _ in range(2))
    # Eight times the note: linear is ~8x; a walk over the headings for each insight is 64x.
    assert large < max(small, 0.01) * 24, (small, large)


def test_an_insight_quoting_html_and_markup_stays_one_safe_line_in_the_block() -> None:
    text = ("- <script>alert(1)</script> and [[Rosa Quiet]] said [x](https://example.com)\n"
            "  `code #notag` " + "long " * 200 + "^block-id\n")
    index = fixture_index()
    talk = parse_note("interviews/2026-12-01 Hostile.md", interview(
        "## Culture\n\n" + text, 'company: "[[Globex]]"\n').replace("[[Jane]]", "[[Priya Nair]]"))
    index.put(talk)
    block = render_related(index, index.notes["companies/Globex.md"], hide_private=True)
    line = next(line for line in block.splitlines() if "alert(1)" in line)
    quoted = line.split(": ", 1)[1]
    assert quoted.startswith("<script>alert(1)</script> and a private note said x `code #notag`")
    assert "[[" not in quoted and "](" not in quoted and "^block-id" not in quoted
    assert len(quoted) == 280 and quoted.endswith("…")
