"""Link resolution (§4): one test per rule."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- Obsidian's order (issue #17) ---------------------------------------------------------------


def test_a_name_two_notes_share_goes_to_the_one_in_the_linking_notes_folder() -> None:
    index = index_of({
        "Obsidian Publish/Security and privacy.md": "",
        "Obsidian Sync/Security and privacy.md": "",
        "Obsidian Publish/Limits.md": "[[Security and privacy]]",
        "Obsidian Sync/Headless Sync.md": "[[Security and privacy|encryption]]",
    })
    assert target_of(index, "Obsidian Publish/Limits.md").path == \
        "Obsidian Publish/Security and privacy.md"
    assert target_of(index, "Obsidian Sync/Headless Sync.md").path == \
        "Obsidian Sync/Security and privacy.md"
    assert not [d for d in index.diagnostics() if d.code == "ambiguous-link"]


def test_elsewhere_the_shortest_path_wins_and_an_ancestor_folder_counts_for_nothing() -> None:
    index = index_of({
        "a/b/Note.md": "", "zzzz/Note.md": "",  # 11 against 12 characters
        "Home.md": "[[Note]]", "zzzz/deep/Source.md": "[[Note]]",
    })
    assert target_of(index, "Home.md").path == "a/b/Note.md"
    assert target_of(index, "zzzz/deep/Source.md").path == "a/b/Note.md"


def test_an_exact_path_from_the_notes_folder_wins_over_the_linking_notes_folder() -> None:
    index = index_of({"Note.md": "", "b/Note.md": "", "b/Source.md": "[[Note]] [[b/Note]]"})
    assert [r.path for r in index.resolutions("b/Source.md")] == ["Note.md", "b/Note.md"]


def test_dot_slash_and_dot_dot_are_relative_to_the_linking_note() -> None:
    index = index_of({
        "a/Sub/N.md": "", "b/Sub/N.md": "", "Elsewhere.md": "",
        "a/Source.md": "[[./Sub/N]] [[../b/Sub/N]] [[./Elsewhere]] [[../../N]]",
    })
    found = index.resolutions("a/Source.md")
    assert [r.path for r in found[:2]] == ["a/Sub/N.md", "b/Sub/N.md"]
    # An explicit relative path is looked for there only (as Obsidian), never by name.
    assert [r.status for r in found[2:]] == ["broken", "broken"]


def test_a_name_with_a_dot_suffix_is_a_note_when_a_note_has_that_name() -> None:
    index = index_of({
        "companies/Booking.com.md": "---\ntype: company\n---\n",
        "notes/Node.js.md": "x", "daily/2021.07.17.md": "x",
        "contacts/Ann.md": "---\ntype: contact\ncompany: \"[[Booking.com]]\"\n---\n"
                           "Uses [[Node.js]] since [[2021.07.17]].\n",
    })
    assert [r.path for r in index.resolutions("contacts/Ann.md")] == [
        "companies/Booking.com.md", "notes/Node.js.md", "daily/2021.07.17.md"]
    assert [b.source for b in index.backlinks("companies/Booking.com.md")] == ["contacts/Ann.md"]
    assert index.diagnostics() == []


def test_a_dot_suffix_name_with_no_note_and_no_file_is_a_missing_note_check_reports() -> None:
    index = VaultIndex([parse_note("a.md", "[[mailbox.org]] and [[notes.txt]]")],
                       attachments=["files/notes.txt"])
    assert [r.status for r in index.resolutions("a.md")] == ["broken", "asset"]
    assert index.placeholders() == {"mailbox.org": {"a.md"}}
    assert [d.code for d in index.diagnostics()] == ["broken-link"]


def test_existing_non_note_files_resolve_and_missing_attachments_are_reported() -> None:
    index = VaultIndex([parse_note("a.md", "[[Board.canvas]]\n![[Figure 1.png]]\n")],
                       attachments=["Board.canvas"])
    assert [r.status for r in index.resolutions("a.md")] == ["asset", "asset"]
    (diagnostic,) = index.diagnostics()
    assert (diagnostic.code, diagnostic.line) == ("missing-attachment", 2)


def test_attachments_given_after_the_notes_are_linked_still_decide_a_dot_suffix_link() -> None:
    index = index_of({"a.md": "[[notes.txt]]"})
    assert target_of(index, "a.md").status == "broken"
    index.set_attachments(["notes.txt"])
    assert target_of(index, "a.md").status == "asset"
    assert index.placeholders() == {}


def test_markdown_links_resolve_from_the_notes_folder_and_by_name_too() -> None:
    index = index_of({
        "sub/Note.md": "", "people/Jane Doe.md": "",
        "a/x.md": "[t](sub/Note.md) and [Jane](Jane%20Doe.md) and [n](../sub/Note.md)",
    })
    assert [r.path for r in index.resolutions("a/x.md")] == [
        "sub/Note.md", "people/Jane Doe.md", "sub/Note.md"]


def test_a_link_typed_composed_reaches_a_file_name_stored_decomposed() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Müller")
    index = index_of({
        f"contacts/{decomposed}.md": f"## {unicodedata.normalize('NFD', 'Café')}\n",
        "a.md": "[[zoë müller#café]]",
    })
    assert target_of(index, "a.md").path == f"contacts/{decomposed}.md"
    assert index.diagnostics() == []  # the heading is found too


def test_an_alias_reaches_links_to_any_canonically_equal_spelling_of_it() -> None:
    # U+F900 (a CJK compatibility ideograph) is canonically U+8C48: one name to a reader, and
    # to links either way round (the vCard round trip's filter relies on this).
    index = index_of({
        "contacts/Ann.md": "---\naliases: [\"\\uF900\"]\n---\n",
        "a.md": "[[\u8c48]]", "b.md": "[[\uf900]]",
    })
    assert target_of(index, "a.md").path == target_of(index, "b.md").path == "contacts/Ann.md"


def test_block_references_reach_the_paragraph_ending_in_its_id() -> None:
    index = index_of({
        "2023-01-01.md": "A quote worth keeping. ^quote-of-the-day\n\n- an item ^item1\n",
        "a.md": "[[2023-01-01#^quote-of-the-day]] [[2023-01-01#^item1]] [[2023-01-01#^gone]]",
    })
    assert index.find_block("2023-01-01.md", "^quote-of-the-day") == 1
    (diagnostic,) = index.diagnostics()
    assert diagnostic.code == "missing-heading" and "^gone" in diagnostic.message


def test_heading_links_match_headings_with_punctuation_dropped() -> None:
    index = index_of({
        "Sync/Plans.md": "## How large is it?\n\n## Sync: regions & limits\n",
        "a.md": "[[Plans#How large is it]] [[Plans#Sync regions limits]]",
    })
    assert index.diagnostics() == []


def test_links_within_the_note_resolve_to_it_and_make_no_backlink() -> None:
    index = index_of({"a.md": "# Top\n\ntext ^here\n\nsee [[#Top]], [[#^here]] and [[#Nowhere]]"})
    assert [r.path for r in index.resolutions("a.md")] == ["a.md"] * 3
    assert index.backlinks("a.md") == []
    (diagnostic,) = index.diagnostics()
    assert diagnostic.code == "missing-heading" and "[[#Nowhere]]" in diagnostic.message


def test_a_note_added_to_the_linking_notes_folder_takes_the_link_over() -> None:
    index = index_of({"people/Acme.md": "", "companies/x.md": "[[Acme]]"})
    assert target_of(index, "companies/x.md").path == "people/Acme.md"
    affected = index.put(parse_note("companies/Acme.md", ""))
    assert "companies/x.md" in affected
    assert target_of(index, "companies/x.md").path == "companies/Acme.md"
    assert [b.source for b in index.backlinks("companies/Acme.md")] == ["companies/x.md"]
    assert index.backlinks("people/Acme.md") == []


def test_link_name_is_the_bare_name_only_when_no_other_note_has_it() -> None:
    index = index_of({"people/Acme.md": "", "companies/Acme.md": "", "Jane.md": ""})
    # From companies/ the bare name reaches companies/Acme.md, from elsewhere people/Acme.md.
    assert index.link_name("people/Acme.md") == "people/Acme"
    assert index.link_name("companies/Acme.md") == "companies/Acme"
    assert index.link_name("Jane.md") == "Jane"


FOLDERS = st.sampled_from(["", "a/", "bb/", "a/b/", "cc/", "a/cc/"])


def _obsidian(paths: list[str], source: str, name: str) -> tuple[str, str | None]:
    """The rule written the plain way: exact path, own folder, shortest path, else a tie."""
    wanted = name.lower()
    exact = [p for p in paths if p[:-3].lower() == wanted]
    if exact:
        return "ok", exact[0]
    named = [p for p in paths if p.rpartition("/")[2][:-3].lower() == wanted]
    if not named:
        return "broken", None
    mine = sorted(p for p in named if p.rpartition("/")[0] == source.rpartition("/")[0])
    if mine:
        return "ok", mine[0]
    shortest = min(len(p) for p in named)
    tied = sorted(p for p in named if len(p) == shortest)
    return ("ok" if len(tied) == 1 else "ambiguous"), tied[0]


@settings(max_examples=150, deadline=None)
@given(notes=st.lists(st.tuples(FOLDERS, st.sampled_from(["Acme", "acme", "Jane", "x"])),
                      min_size=1, max_size=8, unique_by=lambda t: (t[0] + t[1]).lower()),
       source=FOLDERS, name=st.sampled_from(["Acme", "jane", "X", "nobody"]),
       order=st.randoms())
def test_resolution_is_obsidians_rule_whatever_the_order_notes_arrive(
        notes, source, name, order) -> None:
    paths = [folder + stem + ".md" for folder, stem in notes]
    source_path = source + "Source of links.md"
    files = {path: "" for path in paths}
    files[source_path] = f"[[{name}]]"
    shuffled = list(files.items())
    order.shuffle(shuffled)
    at_once = index_of(dict(shuffled))
    one_by_one = VaultIndex()
    for path, text in shuffled:
        one_by_one.put(parse_note(path, text))
    expected = _obsidian(paths, source_path, name)
    for index in (at_once, one_by_one):
        resolution = target_of(index, source_path)
        assert (resolution.status, resolution.path) == expected


IDS = st.text(st.sampled_from("abcXYZ019-"), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                    max_size=40), ident=IDS)
def test_a_block_marker_ending_any_line_is_found_and_the_page_drops_only_the_marker(
        text: str, ident: str) -> None:
    from vault_tools.parse import block_id
    from vault_tools.site.rewrite import _without_marker

    line = f"{text} ^{ident}\n"
    assert block_id(line) == ident
    assert _without_marker(line, ident, lambda i: f"<{i}>") == f"{text} <{ident}>\n"


@settings(max_examples=100, deadline=None)
@given(words=st.text(st.sampled_from("abc XYZ.,;:!?'0"), max_size=40), ident=IDS,
       lead=st.sampled_from(["", "- ", "> ", "1. ", "- [ ] "]))
def test_a_paragraph_item_or_quote_ending_in_a_marker_is_a_block(words, ident, lead) -> None:
    note = parse_note("n.md", f"# N\n\n{lead}{words.lstrip()} ^{ident}\n\nafter\n")
    assert note.block_ids == ((ident, 3),)


def test_an_imported_company_with_a_dotted_name_is_a_placeholder_until_its_note_exists() -> None:
    index = index_of({"contacts/Ann.md": "---\ntype: contact\ncompany: Booking.com\n---\nAnn.\n"})
    assert target_of(index, "contacts/Ann.md").status == "broken"
    assert index.placeholders() == {"booking.com": {"contacts/Ann.md"}}
    affected = index.put(parse_note("companies/Booking.com.md", "---\ntype: company\n---\n"))
    assert affected == {"contacts/Ann.md"}
    assert [b.source for b in index.backlinks("companies/Booking.com.md")] == ["contacts/Ann.md"]


def test_front_matter_links_go_where_the_notes_body_links_go() -> None:
    """Two people called Alex: a conversation filed in work/ with `with: [[Alex]]` is with
    work/Alex (its own folder), in its follow-ups, the site's card and the exports alike, as
    its links in the index say; resolved without the folder it went to ab/Alex, the shorter
    path, so the thank-you named one Alex and the backlink the other."""
    from vault_tools.export.interviews_csv import interview_rows
    from vault_tools.followups import open_followups
    from vault_tools.views.card import card_rows
    from vault_tools.views.common import SiteView
    from vault_tools.views.timeline import interview_row

    index = index_of({
        "ab/Alex.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n",
        "work/Alex.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n",
        "work/Acme.md": "---\ntype: company\n---\n",
        "xy/Acme.md": "---\ntype: company\n---\n",
        "work/2026-12-01 Alex.md": ("---\ntype: interview\ndate: 2026-12-01\n"
                                    'with: ["[[Alex]]"]\ncompany: "[[Acme]]"\n'
                                    "status: done\n---\n"),
    })
    talk = "work/2026-12-01 Alex.md"
    assert {b.source for b in index.backlinks("work/Alex.md")} >= {talk}
    thanks = [f for f in open_followups(index) if f.note == talk]
    assert [f.contact for f in thanks] == ["work/Alex.md"]
    view = SiteView(index)
    row = interview_row(view, index.notes[talk])
    assert [r.path for r in row.people] == ["work/Alex.md"]
    assert row.company is not None and row.company.path == "work/Acme.md"
    card = {r.key: r.items for r in card_rows(view, index.notes[talk])}
    assert [getattr(i, "path", None) for i in card["with"]] == ["work/Alex.md"]
    assert [getattr(i, "path", None) for i in card["company"]] == ["work/Acme.md"]
    rows = interview_rows(index)
    assert rows[0]["organisation"] == "Acme"
