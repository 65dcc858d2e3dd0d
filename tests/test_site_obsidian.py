"""Obsidian's Markdown on the site, built for real: callouts, highlights, footnotes, task lists,
embeds of notes and sections (privacy-filtered, depth-limited) and of attachments (§7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools.capture.init import init_vault
from vault_tools.site.build import build_site
from vault_tools.site.csp import content_security_policy
from vault_tools.vault import find_vault

from .conftest import REPO, site_texts
from .test_incremental import CONFIG as LIVE_CONFIG
from .test_incremental import Session
from .test_site_build import article, build, page, site_vault

pytestmark = pytest.mark.slow  # real MkDocs builds

SECRET = "Zorblax the quiet merger plan"
PRIVATE = f"---\ntype: contact\nprivate: true\n---\n\n# Vera Secretname\n\n## Plans\n\n{SECRET}.\n"


def ids_of(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]*)"', html)


def test_callouts_render_as_admonitions_and_details_with_escaped_titles(make_vault) -> None:
    root = site_vault(make_vault, {
        "Acme.md": "# Acme\n",
        "notes.md": (
            "# Notes\n\n"
            "> [!tip] Ask [[Acme]] about <script>alert(1)</script>\n> first line\n> second line\n\n"
            "> [!faq]- Folded question\n> hidden answer\n\n"
            "> [!caution]+ Open warning\n> visible\n>\n> > [!example]\n> > nested\n\n"
            "> [!unheard-of]\n> plain\n"),
    })
    html = article(page(build(root), "notes"))
    assert ('<div class="admonition tip">\n<p class="admonition-title">Ask '
            '<a href="../Acme/">Acme</a> about &lt;script&gt;alert(1)&lt;/script&gt;</p>\n'
            "<p>first line\nsecond line</p>") in html
    assert '<details class="question">\n<summary>Folded question</summary>' in html
    assert '<details class="warning" open="open">\n<summary>Open warning</summary>' in html
    assert re.search(r'open="open">.*<div class="admonition example">.*nested.*</details>', html,
                     re.DOTALL)
    assert '<div class="admonition note">\n<p class="admonition-title">Unheard-of</p>' in html
    assert "<script>alert(1)" not in html


def test_code_blocks_inside_callouts_and_list_items_are_code(make_vault) -> None:
    """As in Obsidian's own help vault: a fence inside a callout or under a list item is a code
    block (`fenced_code` alone saw a fence only at the start of a line and printed the
    backticks, and the callout written inside the code became a quote)."""
    root = site_vault(make_vault, {
        "code.md": ("# Code\n\n> [!example] Writing a callout\n>\n> ```md\n"
                    "> > [!note] inner\n> ```\n\n- A step:\n\n    ```python\n"
                    "    x = 1\n    ```\n"),
    })
    html = article(page(build(root), "code"))
    assert "```" not in html
    assert re.search(r'<div class="admonition example">.*<pre>.*\[!note\] inner.*</pre>', html,
                     re.DOTALL)
    assert '<div class="admonition note">' not in html  # the inner callout is code, not one
    assert re.search(r"<li>.*A step:.*<pre>.*x</span>.*=.*1.*</pre>.*</li>", html, re.DOTALL)


OBSIDIAN_TEXT = ("# Marks\n\nThis is ==very important== text.[^1]\n\n- [ ] open task\n"
                 "- [x] done task\n\n> [!note] N\n> n\n\n[^1]: The footnote itself.\n")


def assert_obsidian_marks(html: str) -> None:
    assert "<mark>very important</mark>" in html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<li id="fn:1">\n<p>The footnote itself.' in html
    assert html.count('<input type="checkbox" disabled/>') == 1
    assert html.count('<input type="checkbox" disabled checked/>') == 1
    assert '<div class="admonition note">' in html


def test_highlights_footnotes_tasks_and_callouts_work_without_listing_extensions(
        make_vault) -> None:
    """An existing vault whose mkdocs.yml lists no Markdown extension gets them from the plugin,
    as Obsidian shows the same text."""
    root = site_vault(make_vault, {"marks.md": OBSIDIAN_TEXT})
    assert "markdown_extensions" not in (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert_obsidian_marks(article(page(build(root), "marks")))


def test_a_vault_made_by_init_and_the_demo_list_and_render_obsidian_markdown(
        tmp_path: Path) -> None:
    wanted = {"admonition", "pymdownx.details", "pymdownx.mark", "footnotes", "pymdownx.tasklist"}
    for config in (REPO / "mkdocs.yml", None):
        if config is None:
            init_vault(tmp_path / "vault")
            config = tmp_path / "vault" / "mkdocs.yml"
        listed = yaml.safe_load(config.read_text(encoding="utf-8"))["markdown_extensions"]
        assert {e if isinstance(e, str) else next(iter(e)) for e in listed} >= wanted
    (tmp_path / "vault" / "notes" / "marks.md").write_text(OBSIDIAN_TEXT, encoding="utf-8")
    site = build_site(find_vault(tmp_path / "vault"))
    assert_obsidian_marks(article(page(site, "marks")))


EMBEDDED = """---
type: contact
company: "[[Acme]]"
---

# Jane Doe

Intro words of Jane. See [[Acme]] and [the company](../companies/Acme.md).
![[photo.png|64]] %% a comment never shown %%

## Career story

Jane moved from physics to data, which is the story worth hearing.[^1]

### Details

A detail of the story.

## Hobbies

Jane climbs, a hobby line. ![[Vera Secretname]]

[^1]: A footnote of Jane's.

<!-- vault-tools:related -->
<!-- /vault-tools:related -->
"""


@pytest.fixture
def embed_site(make_vault) -> Path:
    root = site_vault(make_vault, {
        "contacts/Jane Doe.md": EMBEDDED,
        "contacts/Vera Secretname.md": PRIVATE,
        "companies/Acme.md": "# Acme\n",
        "attachments/photo.png": b"\x89PNG\r\n\x1a\n",
        "interviews/2026-01-02 Talk.md": (
            "# Talk\n\n## Career story\n\nThe talk's own heading.[^1]\n\n"
            "Whole note:\n\n![[Jane Doe]]\n\nOne section:\n\n![[Jane Doe#Career story]]\n\n"
            "The private one: ![[Vera Secretname]] and its section ![[Vera Secretname#Plans]]\n"
            "\n[^1]: The talk's footnote.\n"),
        "loops/A.md": "# A\n\nwords of A\n\n![[B]]\n",
        "loops/B.md": "# B\n\nwords of B\n\n![[A]]\n",
    })
    return build(root)


def test_an_embedded_note_shows_its_content_with_links_from_the_showing_page(
        embed_site: Path) -> None:
    html = article(page(embed_site, "interviews/2026-01-02 Talk"))
    assert "Intro words of Jane." in html
    assert "which is the story worth hearing" in html
    # Links inside resolve from the page that shows them (interviews/…/), not from contacts/.
    assert '<a href="../../companies/Acme/">Acme</a>' in html
    assert '<a href="../../companies/Acme/">the company</a>' in html
    assert '<img src="../../attachments/photo.png" alt="photo.png" width="64">' in html
    assert '<p class="vault-embed-title"><a href="../../contacts/Jane%20Doe/">Jane Doe</a></p>' \
        in html
    # Neither comments, nor front matter, nor the generated block (filled by the build: Jane
    # is linked from the talk) come along.
    assert "a comment never shown" not in html
    whole = html[html.index("Whole note:"):html.index("One section:")]
    assert "Related" not in whole and "Linked from" not in whole and "Talk" not in whole
    assert "Linked from" in page(embed_site, "contacts/Jane Doe")


def test_an_embedded_section_shows_that_section_only(embed_site: Path) -> None:
    html = article(page(embed_site, "interviews/2026-01-02 Talk"))
    section = html[html.index("One section:"):]
    section = section[:section.index("The private one")]
    assert "the story worth hearing" in section and "A detail of the story." in section
    assert "Intro words of Jane" not in section and "a hobby line" not in section
    assert 'href="../../contacts/Jane%20Doe/#career-story">Jane Doe › Career story</a>' in section


def test_a_private_note_is_never_embedded_only_a_placeholder(embed_site: Path) -> None:
    html = article(page(embed_site, "interviews/2026-01-02 Talk"))
    after = html[html.index("The private one"):]
    assert after.count("a private note") >= 2
    for text in site_texts(embed_site).values():
        assert "Zorblax" not in text and "Secretname" not in text
    # Embedded from inside an embedded note too: Jane's hobby line embeds the private note.
    assert "Jane climbs, a hobby line." in html


def test_embedded_headings_and_footnotes_take_no_id_of_the_page(embed_site: Path) -> None:
    html = page(embed_site, "interviews/2026-01-02 Talk")
    ids = ids_of(html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    content = article(html)
    assert 'id="career-story"' in content  # the page's own heading keeps its id
    assert re.search(r'id="embed-\d+:career-story"', content)
    assert re.search(r'href="#embed-\d+:fn:1"', content)  # the embed's footnote still links


def test_an_embed_cycle_terminates_and_shows_a_link_where_it_closes(embed_site: Path) -> None:
    html = article(page(embed_site, "loops/A"))
    assert html.count("words of B") == 1 and html.count("words of A") == 1
    # A shows B, whose embed of A (already being shown) is a link back.
    assert '<span class="vault-embed"><a href="./">A</a></span>' in html


def test_embed_depth_is_limited(make_vault) -> None:
    chain = {f"N{i}.md": f"# N{i}\n\nlevel {i} words\n\n![[N{i + 1}]]\n" for i in range(8)}
    site = build(site_vault(make_vault, chain))
    html = article(page(site, "N0"))
    assert "level 4 words" in html and "level 5 words" not in html
    assert '<span class="vault-embed"><a href="../N5/">N5</a></span>' in html


def test_attachment_embeds_become_images_with_sizes_players_frames_and_links(
        make_vault) -> None:
    root = site_vault(make_vault, {
        "media.md": ("# Media\n\n![[photo.png|100]]\n\n![[photo.png|A caption|100x145]]\n\n"
                     "![[talk.mp4]] ![[clip.webm|320x180]] ![[voice.m4a]] ![[song.mp3]] "
                     "![[take.ogg]] ![[take.flac]] ![[take.wav]] ![[old.mov]] ![[old.ogv]]\n\n"
                     "![[cv.pdf]] ![[cv.pdf#page=3]]\n\n![[sheet.csv]]\n\n![[gone.mp4]]\n"),
        **{f"files/{name}": b"data" for name in (
            "photo.png", "talk.mp4", "clip.webm", "voice.m4a", "song.mp3", "take.ogg",
            "take.flac", "take.wav", "old.mov", "old.ogv", "cv.pdf", "sheet.csv")},
    })
    html = article(page(build(root), "media"))
    assert '<img src="../files/photo.png" alt="photo.png" width="100">' in html
    assert '<img src="../files/photo.png" alt="A caption" width="100" height="145">' in html
    assert '<video controls preload="metadata" src="../files/talk.mp4" title="talk.mp4">' in html
    assert 'src="../files/clip.webm" title="clip.webm" width="320" height="180"></video>' in html
    for name in ("voice.m4a", "song.mp3", "take.ogg", "take.flac", "take.wav"):
        assert f'<audio controls preload="metadata" src="../files/{name}"' in html
    for name in ("old.mov", "old.ogv"):
        assert f'<video controls preload="metadata" src="../files/{name}"' in html
    assert '<iframe class="vault-pdf" src="../files/cv.pdf" title="cv.pdf"></iframe>' in html
    assert '<iframe class="vault-pdf" src="../files/cv.pdf#page=3"' in html
    assert '<a href="../files/sheet.csv">sheet.csv</a>' in html
    assert "<img" not in html.replace('<img src="../files/photo.png"', "")  # no broken <img>
    assert 'vault-broken' in html and "gone.mp4" in html


def test_the_policy_lets_media_and_frames_come_from_the_site_only() -> None:
    policy = content_security_policy("")
    assert "media-src 'self'" in policy and "frame-src 'self'" in policy
    assert "object-src 'none'" in policy


def test_serve_renders_again_the_pages_that_show_a_changed_note_through_embeds(
        tmp_path: Path) -> None:
    """`serve` keeps a page while its inputs are the same: a page showing C through B must
    change when C does, or becomes private, as a full build of the same notes would."""
    from .test_incremental import CONFIG, Session

    root = tmp_path / "vault"
    notes = {"A.md": "# A\n\n![[B]]\n", "B.md": "# B\n\n![[C#Part]]\n",
             "C.md": "# C\n\n## Part\n\nfirst words of C\n", "Other.md": "# Other\n"}
    for rel, text in notes.items():
        (root / "notes").mkdir(parents=True, exist_ok=True)
        (root / "notes" / rel).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    s = Session(root)
    s.edit("C.md", lambda t: t.replace("first words", "second words"))
    assert "second words of C" in (s.site / "A" / "index.html").read_text(encoding="utf-8")
    s.edit("C.md", lambda t: "---\nprivate: true\n---\n" + t)
    assert "words of C" not in (s.site / "A" / "index.html").read_text(encoding="utf-8")


def test_a_page_of_too_many_embeds_shows_the_first_and_links_the_rest_with_a_warning(
        make_vault, caplog) -> None:
    """A note embedding another hundreds of times (or a fan of notes embedding each other) is
    bounded per page; the build goes on and says where it stopped."""
    body = "".join(f"![[B]] line {i}\n\n" for i in range(70))  # the 65th on line 131
    root = site_vault(make_vault, {"A.md": f"# A\n\n{body}", "B.md": "# B\n\nwords of B\n",
                                   "C.md": "# C\n\n![[B]]\n"})
    with caplog.at_level("WARNING", logger="mkdocs"):
        site = build(root)
    html = article(page(site, "A"))
    assert html.count("words of B") == 64
    assert html.count('<span class="vault-embed"><a href="../B/">B</a></span>') == 6
    assert "words of B" in page(site, "C")  # the next page has its own allowance
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(w.startswith("A.md:131: the page of A.md shows as many embedded notes")
               for w in warnings), warnings


def test_a_markdown_image_link_to_a_note_embeds_it_too(make_vault) -> None:
    """`![Jane](contacts/Jane.md)`, as Obsidian writes an embed with Markdown links on."""
    root = site_vault(make_vault, {
        "contacts/Jane.md": "# Jane\n\nJane's own words here.\n",
        "index.md": "# Home\n\n![Jane](contacts/Jane.md)\n",
    })
    html = article(page(build(root), ""))
    assert "own words here." in html
    assert '<p class="vault-embed-title"><a href="contacts/Jane/">Jane</a></p>' in html
    assert "<img" not in html


def test_a_block_embed_shows_that_paragraph_list_item_or_marked_block(make_vault) -> None:
    root = site_vault(make_vault, {
        "Jane.md": ("# Jane\n\nBefore words.\n\nThe key insight is this\n"
                    "spread on two lines. ^key\n\n"
                    "- first item\n- second item ^item\n- third item\n\n"
                    "| a | b |\n| - | - |\n| cell one | cell two |\n\n^table\n\nAfter words.\n"),
        "Talk.md": "# Talk\n\n![[Jane#^key]]\n\n![[Jane#^item]]\n\n![[Jane#^table]]\n\n"
                   "![[Jane#^nothing]]\n",
    })
    html = article(page(build(root), "Talk"))
    assert "The key insight is this\nspread on two lines." in html
    assert "second item" in html and "first item" not in html and "third item" not in html
    assert "<td>cell one</td>" in html
    assert "Before words" not in html and "After words" not in html
    assert 'two lines. <span id="embed-1:^key"></span></p>' in html  # the marker is not shown
    assert '<span class="vault-embed"><a href="../Jane/">Jane › ^nothing</a></span>' in html


def test_serve_renders_again_a_page_showing_a_link_whose_target_changed_through_an_embed(
        tmp_path: Path) -> None:
    """A shows C, and C links to D: when D loses the linked heading, appears or goes, A's page
    shows C's link as the full build does (not the link as it was)."""
    from .test_incremental import CONFIG, Session

    root = tmp_path / "vault"
    (root / "notes").mkdir(parents=True)
    for rel, text in {"A.md": "# A\n\n![[C]]\n", "C.md": "# C\n\nsee [[D#Head]] and [[E]]\n",
                      "D.md": "# D\n\n## Head\n\nx\n"}.items():
        (root / "notes" / rel).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    s = Session(root)  # each change below is compared with a full build, byte for byte
    s.edit("D.md", lambda t: t.replace("## Head", "## Other"))
    s.write("E.md", "# E\n")
    s.delete("D.md")
    assert "vault-broken" in (s.site / "A" / "index.html").read_text(encoding="utf-8")


def test_serve_compares_pages_in_time_linear_in_a_vault_whose_notes_embed_each_other(
        tmp_path: Path, monkeypatch) -> None:
    """What `serve` compares of a page's embedded notes is what the page showed (at most
    `MAX_PER_PAGE` notes), not every note within four embeds: in a vault of notes that each
    embed ten others, that grew with the vault, and a save cost the square of the notes."""
    import random

    from vault_tools.site import embeds
    from vault_tools.site.build import load_site_config
    from vault_tools.site.incremental import LiveSite
    from vault_tools.site.links import PageLinks

    from .test_incremental import CONFIG

    monkeypatch.setattr(embeds, "MAX_PER_PAGE", 4)  # rendering stays cheap; the walk does not
    real = PageLinks.link_input
    calls = [0]

    def counted(self, *args, **kwargs):
        calls[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(PageLinks, "link_input", counted)

    def work(n: int) -> int:
        pick = random.Random(n)
        root = tmp_path / f"v{n}"
        (root / "notes").mkdir(parents=True)
        for i in range(n):
            embedded = "".join(f"![[N{pick.randrange(n)}]]\n\n" for _ in range(10))
            (root / "notes" / f"N{i}.md").write_text(f"# N{i}\n\nwords {i}\n\n{embedded}",
                                                     encoding="utf-8")
        (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
        vault = find_vault(root)
        live = LiveSite(vault, load_site_config(vault, site_dir=str(root / "site")))
        live.build()
        (root / "notes" / "Hidden.md").write_text("---\nprivate: true\n---\n# Hidden\n",
                                                  encoding="utf-8")
        calls[0] = 0
        live.update(["Hidden.md"])  # what is private changed: every page compared again
        return calls[0]

    small, large = work(60), work(240)
    # 4x the notes: linear work grows ~4x, quadratic ~16x; the bound sits halfway.
    assert large < 8 * small, (small, large)


def test_a_page_heading_named_like_an_embed_takes_no_id_of_the_embedded_note(make_vault) -> None:
    """A heading "Embed 1 Jane" is `embed-1-jane`: an embedded Jane's title heading took that
    id too, and a link to the page's heading could land in the embed."""
    root = site_vault(make_vault, {
        "Jane.md": "# Jane\n\n## Plans\n\nJane's words.\n",
        "Talk.md": "# Talk\n\n![[Jane]]\n\n## Embed 1 Jane\n\n## Embed 1 Plans\n\n"
                   "[[#Embed 1 Jane]]\n",
    })
    html = page(build(root), "Talk")
    ids = ids_of(html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert "Jane's words." in html and 'id="embed-1-jane"' in html


def test_serve_links_and_embeds_a_note_cut_below_the_size_limit(tmp_path: Path) -> None:
    """A note too large to publish is shown by name only; cut down while serving, the All notes
    page links it and the page embedding it shows it, as a full build does (the dashboard's
    rows were the same, so its old Markdown, without the link, was kept)."""
    from .test_incremental import CONFIG, Session

    root = tmp_path / "vault"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "A.md").write_text("# A\n\n![[T]]\n\n![[T#H]]\n", encoding="utf-8")
    (root / "notes" / "T.md").write_text("# T\n\n## H\n\n" + "word " * 500_000,
                                         encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    s = Session(root)  # each change below is compared with a full build, byte for byte
    s.write("T.md", "# T\n\n## H\n\nsmall now\n")
    assert "small now" in (s.site / "A" / "index.html").read_text(encoding="utf-8")
    s.write("T.md", "# T\n\n## H\n\n" + "word " * 500_000)


def test_many_sections_of_one_long_note_embedded_read_that_note_once_per_build(
        make_vault, monkeypatch) -> None:
    """A page embedding 40 sections of a 1.5 MB note read (and stripped of comments) the whole
    note for each: 3.7 s a page, 40 times the note, where once is enough."""
    from vault_tools.site import embeds

    real = embeds.note_source
    read: list[str] = []

    def counted(text, note):
        read.append(note.path)
        return real(text, note)

    monkeypatch.setattr(embeds, "note_source", counted)
    filler = "%% a comment %% filler words of a long note\n" * 600
    big = "# Big\n\n" + "".join(f"## S{i}\n\nsection {i} words\n\n```\n{filler}```\n\n"
                                for i in range(60))
    root = site_vault(make_vault, {
        "Big.md": big,
        "P.md": "# P\n\n" + "".join(f"![[Big#S{i}]]\n\n" for i in range(0, 60, 3)),
        "Q.md": "# Q\n\n" + "".join(f"![[Big#S{i}]]\n\n" for i in range(1, 60, 3)),
    })
    site = build(root)
    assert "section 57 words" in page(site, "P") and "section 58 words" in page(site, "Q")
    assert read.count("Big.md") == 1, len(read)


def test_markdown_image_embeds_of_audio_video_and_pdf_play_and_take_their_size(
        make_vault) -> None:
    """With Markdown links (Obsidian's "Use [[Wikilinks]]" off) an embed is `![text](file)`:
    audio, video and a PDF were broken images, and `![Jane|100](jane.png)` kept "|100" as alt
    text. In an embedded note too."""
    root = site_vault(make_vault, {
        "Media.md": ("# Media\n\n![](files/talk.mp4)\n\n![Song](files/song.mp3)\n\n"
                     "![CV](files/cv.pdf#page=2)\n\n![Jane|100x50](files/jane.png)\n\n"
                     "![plain](files/jane.png)\n\n![far](https://example.com/x.mp4)\n\n"
                     '![clip](files/talk.mp4 "A talk")\n\n![2024](files/jane.png)\n'),
        "Talk.md": "# Talk\n\n![[Media]]\n",
        **{f"files/{name}": b"data" for name in ("talk.mp4", "song.mp3", "cv.pdf", "jane.png")},
    })
    site = build(root)
    up = "../"
    for html in (article(page(site, "Media")), article(page(site, "Talk"))):
        assert f'<video controls preload="metadata" src="{up}files/talk.mp4" title="talk.mp4">' \
            in html
        assert f'<audio controls preload="metadata" src="{up}files/song.mp3" title="Song">' in html
        assert f'<iframe class="vault-pdf" src="{up}files/cv.pdf#page=2" title="CV">' in html
        assert f'<img alt="Jane" src="{up}files/jane.png" width="100" height="50" />' in html
        assert f'<img alt="plain" src="{up}files/jane.png" />' in html
        assert '<img alt="far" src="https://example.com/x.mp4" />' in html  # not ours: as is
        assert f'src="{up}files/talk.mp4" title="A talk"></video>' in html
        assert f'<img alt="2024" src="{up}files/jane.png" />' in html  # no "|": text, no size


EMBED_NAMES = ("A", "B", "C")
# What one line of a note may hold: embeds of a note, a section, a block; a link to a heading.
EMBED_LINES = st.sampled_from(
    [f"![[{n}]]" for n in EMBED_NAMES] + [f"![[{n}#Part]]" for n in EMBED_NAMES]
    + [f"![[{n}#^key]]" for n in EMBED_NAMES] + [f"see [[{n}#Part]]" for n in EMBED_NAMES]
    + ["words ^key", "## Part", "plain words", "> [!tip] T\n> body ![[A]]"])
EMBED_STEPS = st.lists(st.tuples(
    st.sampled_from(EMBED_NAMES),
    st.one_of(st.lists(EMBED_LINES, max_size=4).map(lambda lines: ("write", lines)),
              st.just(("private", [])), st.just(("delete", [])))), min_size=1, max_size=3)


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start=st.dictionaries(st.sampled_from(EMBED_NAMES), st.lists(EMBED_LINES, max_size=4),
                             min_size=2),
       steps=EMBED_STEPS)
def test_serve_gives_the_full_builds_site_after_any_change_to_notes_that_embed_each_other(
        tmp_path_factory, start, steps) -> None:
    """Any embed graph (whole notes, sections, blocks, links to headings, cycles), any edit,
    a note made private or deleted: `serve`'s pages are those of a full build, byte for byte."""
    def note(name: str, lines: list[str]) -> str:
        return f"# {name}\n\n" + "".join(f"{line}\n\n" for line in lines)

    root = tmp_path_factory.mktemp("embeds") / "vault"
    (root / "notes").mkdir(parents=True)
    for name, lines in start.items():
        (root / "notes" / f"{name}.md").write_text(note(name, lines), encoding="utf-8")
    (root / "mkdocs.yml").write_text(LIVE_CONFIG, encoding="utf-8")
    s = Session(root)
    for name, (kind, lines) in steps:
        path = s.notes / f"{name}.md"
        if kind == "write":
            s.write(f"{name}.md", note(name, lines))
        elif kind == "private" and path.exists():
            s.write(f"{name}.md", "---\nprivate: true\n---\n" + path.read_text("utf-8"))
        elif kind == "delete" and path.exists():
            s.delete(f"{name}.md")
