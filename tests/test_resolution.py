"""Link resolution (§4): one test per rule."""

from __future__ import annotations

from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note


def index_of(files: dict[str, str]) -> VaultIndex:
    return VaultIndex(parse_note(path, text) for path, text in files.items())


def target_of(index: VaultIndex, source: str, n: int = 0):
    return index.resolutions(source)[n]


def test_link_resolves_by_file_stem() -> None:
    index = index_of({"contacts/Jane Doe.md": "", "a.md": "[[Jane Doe]]"})
    assert target_of(index, "a.md").path == "contacts/Jane Doe.md"


def test_link_matching_ignores_case() -> None:
    index = index_of({"contacts/Jane Doe.md": "", "a.md": "[[jane DOE]]"})
    assert target_of(index, "a.md").path == "contacts/Jane Doe.md"


def test_exact_relative_path_wins_over_stem() -> None:
    index = index_of({
        "contacts/Acme.md": "", "companies/Acme.md": "", "a.md": "[[companies/Acme]]",
    })
    assert target_of(index, "a.md").path == "companies/Acme.md"


def test_alias_resolves_when_no_stem_matches() -> None:
    index = index_of({
        "contacts/Jane Doe.md": "---\naliases: [Janie]\n---\n", "a.md": "[[janie]]",
    })
    assert target_of(index, "a.md").path == "contacts/Jane Doe.md"


def test_stem_wins_over_another_notes_alias() -> None:
    index = index_of({
        "contacts/Jane Doe.md": "---\naliases: [Sam]\n---\n", "contacts/Sam.md": "",
        "a.md": "[[Sam]]",
    })
    assert target_of(index, "a.md").path == "contacts/Sam.md"


def test_longest_folder_suffix_breaks_a_tie() -> None:
    index = index_of({
        "work/old/Acme.md": "", "work/new/Acme.md": "", "a.md": "[[new/Acme]]",
        "b.md": "[[x/old/Acme]]",
    })
    assert target_of(index, "a.md").path == "work/new/Acme.md"
    assert target_of(index, "b.md").status == "broken"


def test_a_true_tie_is_an_ambiguous_warning_naming_the_fix_and_a_fixed_pick() -> None:
    # Neither note is in the linking note's folder and both paths are equally long.
    index = index_of({"people/Acme.md": "", "family/Acme.md": "", "a.md": "[[Acme]]"})
    resolution = target_of(index, "a.md")
    assert resolution.status == "ambiguous"
    assert resolution.candidates == ("family/Acme.md", "people/Acme.md")
    assert resolution.path == "family/Acme.md"  # the site's pick, the same every time
    (diagnostic,) = [d for d in index.diagnostics() if d.code == "ambiguous-link"]
    assert diagnostic.severity == "warning"
    assert diagnostic.path == "a.md" and diagnostic.line == 1
    assert "Write [[family/Acme]] or [[people/Acme]]" in diagnostic.message
    codes = {d.code for d in index.diagnostics()}
    assert "duplicate-name" in codes


def test_heading_and_label_do_not_change_the_target() -> None:
    index = index_of({"Jane.md": "", "a.md": "[[Jane#Intro|her]] and ![[Jane]]"})
    assert [r.path for r in index.resolutions("a.md")] == ["Jane.md", "Jane.md"]


def test_markdown_link_resolves_relative_to_the_note() -> None:
    index = index_of({
        "contacts/Jane Doe.md": "", "interviews/x.md": "[Jane](../contacts/Jane%20Doe.md)",
    })
    assert target_of(index, "interviews/x.md").path == "contacts/Jane Doe.md"


def test_front_matter_bare_name_is_a_link() -> None:
    index = index_of({
        "companies/Acme.md": "", "contacts/Jane.md": "---\ncompany: Acme\n---\n",
    })
    assert target_of(index, "contacts/Jane.md").path == "companies/Acme.md"


def test_missing_target_is_kept_as_placeholder_and_connects_when_created() -> None:
    index = index_of({"a.md": "[[Later]]", "b.md": "see [[later]]"})
    assert index.placeholders() == {"later": {"a.md", "b.md"}}
    affected = index.put(parse_note("Later.md", "new"))
    assert affected == {"a.md", "b.md"}
    assert index.placeholders() == {}
    assert [b.source for b in index.backlinks("Later.md")] == ["a.md", "b.md"]


def test_attachment_embeds_are_not_broken_note_links() -> None:
    index = index_of({"a.md": "![[photo.png]] embedded"})
    assert target_of(index, "a.md").status == "asset"
    assert index.diagnostics() == []


def test_broken_link_suggests_a_close_name() -> None:
    index = index_of({"contacts/Jane Doe.md": "Jane.", "a.md": "[[Jane Do]]"})
    (diagnostic,) = index.diagnostics()
    assert diagnostic.code == "broken-link"
    assert diagnostic.line == 1
    assert "Did you mean 'Jane Doe'?" in diagnostic.message


def test_links_inside_generated_blocks_make_no_backlinks() -> None:
    index = index_of({
        "Jane.md": "",
        "a.md": "<!-- vault-tools:related -->\n[[Jane]]\n<!-- /vault-tools:related -->\n",
    })
    assert index.backlinks("Jane.md") == []
