"""Obsidian-grade Markdown (#17): `%% comments %%` are not content and never published, a
`Templates/` folder in any case holds no notes, inline `#tags` are tags with pages on the site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools import privacy
from vault_tools.cli import main
from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.site.build import SiteError, build_site
from vault_tools.site.dashboards import DASHBOARDS
from vault_tools.tags import with_parents
from vault_tools.vault import find_vault, is_note_path, iter_note_paths
from vault_tools.views.common import SiteView
from vault_tools.views.tags import tag_rows

from .conftest import site_texts, write_vault
from .test_incremental import CONFIG as INCREMENTAL_CONFIG
from .test_incremental import Session

SITE_CONFIG = """site_name: Test vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""


def site_vault(make_vault, files: dict[str, str | bytes]) -> Path:
    root = make_vault(files)
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    return root


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check_json(vault: Path) -> tuple[int, list[dict]]:
    result = run("check", "--vault", str(vault), "--json")
    return result.exit_code, json.loads(result.output)


# --- a Templates/ folder in any case ------------------------------------------------------------

TEMPLATE = ("---\ntype: contact\ndate: \"{{date}}\"\n---\n\n# {{title}}\n\n"
            "Templatewords [[{{name}}]]\n")


@pytest.mark.parametrize("folder", ["templates", "Templates", "TEMPLATES"])
def test_a_templates_folder_in_any_case_holds_no_notes(make_vault, folder: str) -> None:
    vault = make_vault({"contacts/Jane Doe.md": "---\ntype: contact\n---\n\n# Jane\n",
                        f"{folder}/contact.md": TEMPLATE})
    assert not is_note_path(f"{folder}/contact.md")
    assert list(iter_note_paths(vault / "notes")) == ["contacts/Jane Doe.md"]
    # No broken link to `{{name}}`, no bad date: check does not read the template.
    assert check_json(vault) == (0, [])
    result = run("fill", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert (vault / "notes" / folder / "contact.md").read_text(encoding="utf-8") == TEMPLATE
    # A top-level note merely named like the folder is still a note.
    assert is_note_path("Templates.md") and is_note_path("contacts/templates/x.md")


def test_new_uses_the_vaults_own_template_in_a_templates_folder_of_any_case(make_vault) -> None:
    vault = make_vault({"Templates/career.md": "---\ntype: career\n---\n# {{title}}\n\nMine.\n"})
    result = run("new", "career", "Data Work", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert (vault / "notes/careers/Data Work.md").read_text(encoding="utf-8") == \
        "---\ntype: career\n---\n# Data Work\n\nMine.\n"


@pytest.mark.slow
def test_the_site_publishes_nothing_of_a_templates_folder_in_any_case(make_vault) -> None:
    root = site_vault(make_vault, {
        "index.md": "# Home\n",
        "Templates/contact.md": TEMPLATE,
        "Templates/tplbanner.png": b"\x89PNG\r\n\x1a\nTemplateimage",
        "TEMPLATES/meeting.md": "# Meeting\n\nUppertemplatewords here.\n",
    })
    texts = site_texts(build_site(find_vault(root)))
    for word in ("Templatewords", "Templateimage", "Uppertemplatewords", "tplbanner"):
        assert [name for name, text in texts.items() if word in text or word in name] == [], word
    assert not any(name.lower().startswith("templates/") for name in texts)


# --- %% comments %% are not content, and never published -----------------------------------------


def test_an_unclosed_comment_hides_the_rest_of_the_note_and_is_reported(make_vault) -> None:
    # As in Obsidian: a `%%` nothing closes comments out everything after it.
    text = "# Note\n\nSeen [[Ann]].\n\nThen %% forgot to close\n\n- [ ] hidden task [[Bob]]\n"
    note = parse_note("Note.md", text)
    assert [link.target for link in note.links] == ["Ann"]
    assert note.tasks == ()
    assert [(d.line, d.severity, d.code) for d in note.diagnostics] == [
        (5, "warning", "unclosed-comment")]
    vault = make_vault({"Note.md": text, "Ann.md": "# Ann\n\nSee [[Note]].\n"})
    code, items = check_json(vault)
    assert code == 0 and [(i["path"], i["line"], i["code"]) for i in items] == [
        ("Note.md", 5, "unclosed-comment")]
    # fill cannot add a block after it (it would be inside the comment): it says why.
    result = run("fill", "--vault", str(vault))
    assert "%% comment" in result.output
    assert (vault / "notes/Note.md").read_text(encoding="utf-8") == text


def test_a_comment_opened_again_on_the_line_that_closes_one_is_reported_there() -> None:
    note = parse_note("x.md", "a %% one\ntwo %% b %% three\nfour\n")
    assert [(d.line, d.code) for d in note.diagnostics] == [(2, "unclosed-comment")]


def test_comment_texts_are_each_comment_whole_and_never_code() -> None:
    text = ("Seen %% one aside %% seen. `%% code span %%`\n"
            "%%\nblock aside\nover lines\n%%\n"
            "```\n%% in a fence %%\n```\n"
            "tail %% never closed\nto the end\n")
    assert privacy.comment_texts(text) == ["one aside", "block aside over lines",
                                   "never closed to the end"]
    assert privacy.comment_texts("no comment here") == []


# Each fence below is one Markdown does not read as the parser's and the old site's rule did
# (a closer with trailing blanks or a tab, a backtick in the info string, a fence never
# closed, an indented fence): the comment after it is text to Markdown, so it must be blanked.
FENCE_EDGES = {
    "Trailing.md": "# T\n\n```\ncode\n```   \n\n%% trailingcanary %%\n",
    "Tab.md": "# T\n\n```\ncode\n```\t\n\n%% tabcanary %%\n",
    "Info.md": "# T\n\n``` a`b\n\n%% infocanary %%\n\n```\n",
    "Unclosed.md": "# T\n\n```\n\n%% unclosedcanary %%\n",
    "Indented.md": "# T\n\n  ```\n  code\n   ```\n\n%% indentcanary %%\n",
    "Escaped.md": "# T\n\nA \\`%% escapecanary %% ` tick.\n",
}


@pytest.mark.slow
def test_no_comment_after_a_fence_markdown_reads_otherwise_reaches_the_site(make_vault) -> None:
    files: dict[str, str | bytes] = {"index.md": "# Home\n", **FENCE_EDGES}
    texts = site_texts(build_site(find_vault(site_vault(make_vault, files))))
    for word in ("trailingcanary", "tabcanary", "infocanary", "unclosedcanary", "indentcanary",
                 "escapecanary"):
        assert [name for name, text in texts.items() if word in text] == [], word
    assert "code" in texts["Trailing/index.html"]


@pytest.mark.slow
def test_comments_in_code_are_code_and_shown_and_others_are_in_no_output_file(
    make_vault,
) -> None:
    note = ("---\ntype: contact\n---\n\n# Open %% titlecanary %%\n\n"
            "Public words. %% inline aside: lanterncanary [[Hidden]] %% More words.\n\n"
            "| a | b |\n|---|---|\n| x %% tablecanary %% | y |\n\n"
            "> quoted %% quotecanary %%\n\n"
            "Talk to [[Ann]] %% linkcanary %% soon. Code: `%% spanshown %%`.\n\n"
            "```matlab\n%% cellshown\nx = 1;\n```\n\n"
            "The end %% unclosed tailcanary\n\nstill tailcanary2 [[Ann]]\n")
    root = site_vault(make_vault, {"Open.md": note, "Ann.md": "# Ann\n", "Hidden.md": "# H\n"})
    site = build_site(find_vault(root))
    texts = site_texts(site)
    for word in ("titlecanary", "lanterncanary", "tablecanary", "quotecanary", "linkcanary",
                 "tailcanary"):
        assert [name for name, text in texts.items() if word in text] == [], word
    page = texts["Open/index.html"]
    assert "%% spanshown %%" in page and "%% cellshown" in page
    assert "Public words." in page and "More words." in page
    # Ann's "Linked from" quotes the sentence without the comment, in the file and the site.
    ann = (root / "notes/Ann.md").read_text(encoding="utf-8")
    assert "- [[Open]]: Talk to Ann soon." in ann and "canary" not in ann
    assert "Talk to Ann soon." in texts["Ann/index.html"]


def test_a_public_notes_comment_sentences_are_secrets_but_not_template_boilerplate() -> None:
    texts = {
        "Open.md": "# Open\n\nHello. %% She told me the merger closes in March next year. %%\n"
                   "%% Write what you learned and why it matters here %%\n",
        "Private.md": "---\nprivate: true\n---\n%% a private note's own comment words here %%\n",
    }
    index = VaultIndex(parse_note(path, text) for path, text in texts.items())
    template = "# {{title}}\n\n%% Write what you learned and why it matters here %%\n"
    found = [(s.kind, s.value, s.source)
             for s in privacy.secrets(SiteView(index), texts, [template]) if s.kind == "comment"]
    assert found == [("comment", "She told me the merger closes in March next year", "Open.md")]


@pytest.mark.slow
def test_the_leak_scan_fails_a_build_that_would_publish_a_comment_written_nowhere_else(
    make_vault,
) -> None:
    aside = "She told me the merger closes in March next year"
    files: dict[str, str | bytes] = {
        "index.md": f"# Home\n\nHello. %% {aside}. %%\n",
        # A copy the site publishes as it is (an attachment): the comment's words in it.
        "attachments/export.txt": f"Hello. {aside}.\n",
    }
    with pytest.raises(SiteError) as failure:
        build_site(find_vault(site_vault(make_vault, files)))
    assert f"attachments/export.txt: contains comment {aside!r} from index.md" in str(
        failure.value)


@pytest.mark.slow
def test_a_comment_also_written_outside_a_comment_fails_no_build(make_vault) -> None:
    # Commented out in one note, written in another (or a longer sentence holding it): the
    # words are published by choice, not leaked.
    aside = "She told me the merger closes in March next year"
    files: dict[str, str | bytes] = {
        "index.md": f"# Home\n\nHello. %% old: {aside} %%\n",
        "News.md": f"# News\n\n{aside}, and the team moves too.\n",
    }
    texts = site_texts(build_site(find_vault(site_vault(make_vault, files))))
    assert aside in texts["News/index.html"] and aside not in texts["index.html"]


# The property: whatever Markdown surrounds a comment, no word of it reaches the site (nor a
# generated block). Prose pieces are whole constructs (a fence on lines of its own, a code span
# with both backticks), so that no comment ends up inside code, where it is code.
_PROSE = st.sampled_from([
    "Hello", "some words", "[[N0]]", "[[N1|one]]", "[[N2#Part]]", "[n](N0.md)", "\n", "\n\n",
    "\n# Head ", "\n## Part\n", "\n> ", "\n- ", "\n- [ ] task ", "\n1. ",
    "\n| a | b |\n|---|---|\n| ",
    " ", ". ", "*em* ", "**bold** ", "<!-- html -->", "`span`", "\\", "#tag ", "==mark== ",
    "\n```\ncode\n```\n", "\n~~~py\nx = 1\n~~~\n", "\n    indented\n", "![[N1]]", "[^1]",
    "\n\n[^1]: note ", "\n> [!note] Title\n> ", "http://x.org/#frag ",
])
_INSIDE = st.lists(st.sampled_from(["words", " ", "\n", "[[N0]]", "- [ ] hidden ", "`", "```",
                                    "\n```\n", "#", "<!--", "-->", "*", "[", "]", "|", ">"]),
                   max_size=8).map("".join)


@st.composite
def _commented_note(draw: st.DrawFn, number: int) -> tuple[str, list[str]]:
    pieces: list[str] = []
    canaries: list[str] = []
    for at in range(draw(st.integers(min_value=1, max_value=4))):
        pieces += draw(st.lists(_PROSE, max_size=6))
        canary = f"zqcanary{number}x{at}"
        canaries.append(canary)
        pieces.append(f"%%{draw(_INSIDE)} {canary} {draw(_INSIDE)}%%")
    pieces += draw(st.lists(_PROSE, max_size=6))
    if draw(st.booleans()):
        canary = f"zqcanary{number}tail"
        canaries.append(canary)
        pieces.append(f"%% {canary} {draw(_INSIDE)}")  # never closed: to the note's end
    return f"# N{number}\n\n" + "".join(pieces) + "\n", canaries


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(notes=st.tuples(_commented_note(0), _commented_note(1), _commented_note(2)))
def test_no_word_of_a_comment_ever_reaches_the_site(
    tmp_path_factory: pytest.TempPathFactory, notes: tuple[tuple[str, list[str]], ...],
) -> None:
    files: dict[str, str | bytes] = {f"N{i}.md": text for i, (text, _) in enumerate(notes)}
    root = write_vault(tmp_path_factory.mktemp("vault"), {"index.md": "# Home\n", **files})
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    texts = site_texts(build_site(find_vault(root)))
    canaries = [canary for _, found in notes for canary in found]
    for canary in canaries:
        assert [name for name, text in texts.items() if canary in text] == [], canary
    for path in files:
        written = (root / "notes" / path).read_text(encoding="utf-8")
        block = written[written.find("<!-- vault-tools:"):] if "<!-- vault-tools:" in written \
            else ""
        assert not any(canary in block for canary in canaries), path


# --- inline #tags -------------------------------------------------------------------------------

TAGGED = """---
tags: [fm, '#Hash', '123']
---
# Heading #intitle
#atstart, #nested/deep/x, #tag-with_dash, #123 and C#sharp and x#y and \\#escaped
See [[Note#Heading]], [[Note|label #inlabel]], http://x.org/#frag, `#code` and ## twice
%% #commented %%
```
#infence
```

    #indented code

- [ ] a task #FM (the front matter's tag again)
<!-- #htmlcomment -->
<!-- vault-tools:related -->
#inblock
<!-- /vault-tools:related -->
"""


def test_inline_tags_count_as_obsidian_reads_them() -> None:
    note = parse_note("x.md", TAGGED)
    assert [tag.name for tag in note.inline_tags] == [
        "intitle", "atstart", "nested/deep/x", "tag-with_dash", "FM"]
    # The front matter's as written (exports carry them so), then the body's not among them.
    assert note.tags == ("fm", "#Hash", "123", "intitle", "atstart", "nested/deep/x",
                         "tag-with_dash")


TAG_VAULT: dict[str, str | bytes] = {
    "index.md": "# Home\n",
    "contacts/Jane Doe.md": "---\ntype: contact\ntags: [career]\n---\n\n# Jane Doe\n\n"
                            "Met at the #meetup/berlin.\n",
    "contacts/Ann Lee.md": "# Ann Lee\n\nAsk about #Career changes.\n",
    "contacts/Li Na.md": "---\nprivate: true\n---\n\n# Li Na\n\n#career and #quietmerger\n",
    "Drafty.md": "---\ndraft: true\n---\n\n# Drafty\n\n#draftonlytag #career\n",
}


@pytest.mark.slow
def test_each_public_tag_has_a_page_listing_its_public_notes(make_vault) -> None:
    site = build_site(find_vault(site_vault(make_vault, TAG_VAULT)))
    texts = site_texts(site)
    career = texts["tags/career/index.html"]
    assert 'href="../../contacts/Ann%20Lee/"' in career
    assert 'href="../../contacts/Jane%20Doe/"' in career
    assert "Li Na" not in career and "Drafty" not in career and "2 notes tagged" in career
    # Nested: the note is under #meetup too, which lists the tag nested in it.
    meetup = texts["tags/meetup/index.html"]
    assert "Jane Doe" in meetup and 'href="berlin/"' in meetup
    assert "Jane Doe" in texts["tags/meetup/berlin/index.html"]
    tags = texts["tags/index.html"]
    assert 'href="career/"' in tags and 'href="meetup/berlin/"' in tags
    # A tag only private notes (or drafts) have could say what they are about: no page, no
    # mention anywhere.
    for word in ("quietmerger", "draftonlytag"):
        assert [name for name, text in texts.items() if word in text or word in name] == [], word
    # The note's page shows its tags, front matter and body alike, each a link to its page.
    jane = texts["contacts/Jane Doe/index.html"]
    assert 'href="../../tags/career/">#career</a>' in jane
    assert 'href="../../tags/meetup/berlin/">#meetup/berlin</a>' in jane
    # Searchable: each tag page is in the search index.
    index = json.loads(texts["search/search_index.json"])
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    assert titles["tags/career/"] == "#career" and titles["tags/"] == "Tags"


@pytest.mark.slow
def test_the_nav_has_one_tags_entry_however_many_tags(make_vault) -> None:
    files: dict[str, str | bytes] = {
        f"Note {i:02}.md": f"# Note {i}\n\n#topic{i:02} #shared\n" for i in range(30)}
    texts = site_texts(build_site(find_vault(site_vault(make_vault, files))))
    home = texts["index.html"]
    # The primary nav runs to the secondary sidebar (the home page's own headings sit in it
    # as a nested nav, which ends in a "</nav>" of its own).
    nav = home[home.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[:nav.index('md-sidebar--secondary')]
    assert 'href="tags/"' in nav and "topic" not in nav and "#shared" not in nav
    # Home and one entry per dashboard (Tags among them): no entry per tag.
    pages = {href for href in re.findall(r'href="([^"]*)"', nav) if not href.startswith("#")}
    assert len(pages) <= len(DASHBOARDS) + 1, pages
    assert "Note 07" in texts["tags/topic07/index.html"]
    assert texts["tags/shared/index.html"].count("<li>") == 30


@pytest.mark.slow
def test_serve_adds_and_drops_tag_pages_as_a_full_build_does(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {
        "index.md": "# Home\n",
        "Jane.md": "# Jane\n\nMet at #alpha.\n",
        "Li.md": "---\nprivate: true\n---\n\n# Li\n\nNothing yet.\n",
    })
    (root / "mkdocs.yml").write_text(INCREMENTAL_CONFIG, encoding="utf-8")
    s = Session(root)
    assert (s.site / "tags/alpha/index.html").exists()
    s.edit("Jane.md", lambda t: t.replace("#alpha", "#beta/gamma"))
    assert not (s.site / "tags/alpha").exists()
    assert (s.site / "tags/beta/gamma/index.html").exists()
    # A private note taking a tag up adds nothing; a public one joins the tag's page.
    s.edit("Li.md", lambda t: t + "\n#delta #beta\n")
    assert not (s.site / "tags/delta").exists()
    s.write("Ann.md", "# Ann\n\n#beta too\n")
    assert "Ann" in (s.site / "tags/beta/index.html").read_text(encoding="utf-8")


_TAG_POOL = st.sampled_from(["career", "Career", "meetup/berlin", "meetup", "a/b/c", "x-y_z"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "private: true\n", "draft: true\n",
                                           "publish: false\n"]),
                          st.lists(_TAG_POOL, max_size=3), st.booleans()), max_size=6))
def test_tag_pages_are_made_from_public_notes_only(notes: list[tuple[str, list[str], bool]],
                                                   ) -> None:
    texts = {}
    for i, (visibility, tags, inline) in enumerate(notes):
        body = " ".join(f"#{tag}" for tag in tags) if inline else ""
        front = "" if inline else f"tags: [{', '.join(tags)}]\n"
        texts[f"N{i}.md"] = f"---\n{visibility}{front}---\n\n# N{i}\n\n{body}\n"
    view = SiteView(VaultIndex(parse_note(path, text) for path, text in texts.items()))
    rows = tag_rows(view)
    public = {tag.casefold() for i, (visibility, tags, _) in enumerate(notes) if not visibility
              for name in tags for tag in with_parents(name)}
    assert {row.name.casefold() for row in rows} == public
    for row in rows:
        assert row.notes and all(ref.status == "ok" and view.is_public(ref.path)
                                 for ref in row.notes)


@pytest.mark.slow
def test_a_body_tag_is_a_link_to_its_page_and_a_line_it_opens_no_heading(make_vault) -> None:
    # Python-Markdown reads `#word` at a line's start as a heading; Obsidian shows a tag.
    note = ("# Jane\n\n#met-at-conference with Ann\n\n- #todo/call\n\n"
            "Also `#code` and [[Ann#Part]].\n")
    root = site_vault(make_vault, {"Jane.md": note, "Ann.md": "# Ann\n\n## Part\n"})
    page = site_texts(build_site(find_vault(root)))["Jane/index.html"]
    article = page[page.index("<article"):page.index("</article>")]
    assert '<p><a href="../tags/met-at-conference/">#met-at-conference</a> with Ann</p>' in article
    assert '<li><a href="../tags/todo/call/">#todo/call</a></li>' in article
    assert "<code>#code</code>" in article and article.count("<h1") == 1


@pytest.mark.slow
def test_a_tag_in_a_callout_title_or_an_embedded_note_is_a_link_too(make_vault) -> None:
    files: dict[str, str | bytes] = {
        "Jane.md": "# Jane\n\n> [!note] About #career\n> Body #inbody\n\n![[Ann]]\n",
        "Ann.md": "# Ann\n\nAnn's #embedded tag.\n",
    }
    page = site_texts(build_site(find_vault(site_vault(make_vault, files))))["Jane/index.html"]
    article = page[page.index("<article"):page.index("</article>")]
    for tag in ("career", "inbody", "embedded"):
        assert f'<a href="../tags/{tag}/">#{tag}</a>' in article, tag
    assert "&lt;a href" not in article
