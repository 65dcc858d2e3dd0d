"""The `vault` MkDocs plugin, built for real: links, cards, blocks, generated pages, the nav."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.site.build import SiteError, build_site
from vault_tools.vault import find_vault

from .conftest import copy_obsidian_help

pytestmark = pytest.mark.slow  # real MkDocs builds

SITE_CONFIG = """site_name: Test vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault{options}
"""

JANE = """---
type: contact
company: "[[Acme]]"
role: Engineer
email: jane@example.org
last_contact: 2026-10-02
aliases: [JD]
---

# Jane Doe

## Career story

Started in support.

## Uses `git` daily
"""

ACME = """---
type: company
industry: Widgets
website: https://acme.example.org
---

# Acme
"""

TALK = """---
type: interview
date: 2026-11-20
with: "[[Jane Doe]]"
company: "[[Acme]]"
career: "[[Data Work]]"
interest: 1
---

# Talk with Jane

By name [[Jane Doe]], by alias [[JD|Jane]], to a heading [[Jane Doe#Career story]].
To a heading with code in it: [[Jane Doe#Uses git daily]].
A missing one: [[Nobody Here]]. Two of them: [[Alex]].
In code: `[[Jane Doe]]` stays as written.

```
[[Acme]] in a fence too
```

Embedded: ![[Acme]]
"""


def site_vault(make_vault, files: dict[str, str], options: str = "") -> Path:
    root = make_vault(files)
    (root / "mkdocs.yml").write_text(SITE_CONFIG.format(options=options), encoding="utf-8")
    return root


def build(root: Path, strict: bool = False) -> Path:
    return build_site(find_vault(root), strict=strict)


def page(site: Path, url_path: str) -> str:
    return (site / url_path / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's own content, without the theme's header, nav and footer."""
    return html[html.index("<article"):html.index("</article>")]


@pytest.fixture
def talk_site(make_vault) -> Path:
    root = site_vault(make_vault, {
        "contacts/Jane Doe.md": JANE,
        "companies/Acme.md": ACME,
        "careers/Data Work.md": "---\ntype: career\nstatus: exploring\n---\n\n# Data Work\n",
        "interviews/2026-11-20 Jane Doe.md": TALK,
        "people/Alex.md": "# Alex\n",
        "family/Alex.md": "# Alex\n",  # as long a path as people/Alex.md: a true tie
    })
    return build(root)


def test_wikilinks_by_name_alias_and_heading_land_on_the_right_pages(talk_site: Path) -> None:
    html = article(page(talk_site, "interviews/2026-11-20 Jane Doe"))
    assert '<a href="../../contacts/Jane%20Doe/">Jane Doe</a>' in html
    assert '<a href="../../contacts/Jane%20Doe/">Jane</a>' in html
    assert '<a href="../../contacts/Jane%20Doe/#career-story">Jane Doe › Career story</a>' in html
    # The anchor is the id MkDocs gave the heading on the target page.
    assert 'id="career-story"' in page(talk_site, "contacts/Jane Doe")
    # A heading with inline code in it, linked by its text as the page shows it.
    assert '<a href="../../contacts/Jane%20Doe/#uses-git-daily">Jane Doe › Uses git daily</a>' \
        in html
    assert 'id="uses-git-daily"' in page(talk_site, "contacts/Jane Doe")


def test_broken_links_are_shown_as_such_and_a_true_tie_links_to_a_fixed_pick(
        talk_site: Path) -> None:
    html = article(page(talk_site, "interviews/2026-11-20 Jane Doe"))
    assert re.search(r'<span class="vault-link vault-broken"[^>]*>Nobody Here</span>', html)
    # `check` warns about the tie; the site links to the first of the tied notes.
    assert '<a href="../../family/Alex/">Alex</a>' in html


def test_links_inside_code_are_left_as_written(talk_site: Path) -> None:
    html = article(page(talk_site, "interviews/2026-11-20 Jane Doe"))
    assert "<code>[[Jane Doe]]</code>" in html
    assert "[[Acme]] in a fence too" in html


def test_an_embed_shows_the_note_under_a_link_to_it(talk_site: Path) -> None:
    """(It was a link card; §7: the embedded note's content, as Obsidian shows it. More in
    test_site_obsidian.py.)"""
    html = article(page(talk_site, "interviews/2026-11-20 Jane Doe"))
    assert ('<div class="vault-embed-note">\n<p class="vault-embed-title">'
            '<a href="../../companies/Acme/">Acme</a></p>\n<h1 id="embed-1:acme">Acme</h1>') in html


def test_the_front_matter_card_links_formats_dates_and_leaves_out_unpublished_fields(
    talk_site: Path,
) -> None:
    html = article(page(talk_site, "contacts/Jane Doe"))
    card = html[html.index('<div class="vault-card'):html.index("</dl>")]
    assert '<a href="../../companies/Acme/">Acme</a>' in card
    assert '<time datetime="2026-10-02">2 Oct 2026</time>' in card
    assert "Engineer" in card
    assert "jane@example.org" not in card and "Email" not in card
    company = article(page(talk_site, "companies/Acme"))
    assert 'href="https://acme.example.org"' in company


def test_publish_fields_opts_in_to_a_field(make_vault) -> None:
    root = site_vault(make_vault, {"contacts/Jane Doe.md": JANE},
                      options=":\n      publish_fields: [email]")
    html = article(page(build(root), "contacts/Jane Doe"))
    assert "jane@example.org" in html


def test_generated_pages_exist_and_show_the_vault(talk_site: Path) -> None:
    for path in ("followups", "people", "timeline", "companies", "careers", "network",
                 "all-notes"):
        assert (talk_site / path / "index.html").is_file(), path
    people = article(page(talk_site, "people"))
    assert '<a href="../contacts/Jane%20Doe/">Jane Doe</a>' in people
    assert '<a href="../companies/Acme/">Acme</a>' in people
    timeline = article(page(talk_site, "timeline"))
    assert "2026-11-20" in timeline and "Jane Doe" in timeline
    careers = article(page(talk_site, "careers"))
    assert "Net interest: +1" in careers
    data = (talk_site / "network" / "data.js").read_text(encoding="utf-8")
    graph = json.loads(data[data.index("{"):data.rindex("}") + 1])
    assert {"source": "contacts/Jane Doe.md", "target": "companies/Acme.md",
            "kind": "works-at"} in graph["edges"]
    assert (talk_site / "followups.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert (talk_site / "assets/vault/vendor/cytoscape.min.js").is_file()


def test_generated_pages_are_not_written_into_the_notes_folder(make_vault) -> None:
    root = site_vault(make_vault, {"contacts/Jane Doe.md": JANE})
    before = sorted(p.relative_to(root) for p in (root / "notes").rglob("*"))
    build(root)
    assert sorted(p.relative_to(root) for p in (root / "notes").rglob("*")) == before


def test_the_nav_stays_small_however_many_notes(make_vault) -> None:
    files = {f"contacts/Person {i:03}.md": "---\ntype: contact\n---\n\n# P\n" for i in range(60)}
    site = build(site_vault(make_vault, files))
    html = page(site, "people")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[:nav.index("</nav>")]
    # Home and the dashboards, nothing else.
    from vault_tools.site.dashboards import DASHBOARDS

    assert nav.count('class="md-nav__item') <= len(DASHBOARDS) + 1
    assert "Person 001" not in nav


def test_the_related_block_is_rendered_with_links(make_vault) -> None:
    root = site_vault(make_vault, {
        "contacts/Jane Doe.md": JANE,
        "companies/Acme.md": ACME,
        "interviews/2026-11-20 Jane Doe.md": TALK,
    })
    site = build(root)
    text = (root / "notes/contacts/Jane Doe.md").read_text(encoding="utf-8")
    assert "<!-- vault-tools:related -->" in text  # build filled the blocks first
    html = article(page(site, "contacts/Jane Doe"))
    assert "<!-- vault-tools:related -->" not in html
    assert '<a href="../../interviews/2026-11-20%20Jane%20Doe/">2026-11-20 Jane Doe</a>' in html


def test_strict_build_fails_on_a_broken_link_naming_file_and_line(make_vault) -> None:
    root = site_vault(make_vault, {"index.md": "# Home\n\nSee [[Nobody Here]].\n"})
    with pytest.raises(SiteError, match="strict"):
        build(root, strict=True)
    build(root)  # a warning only, without --strict


def test_build_command_reports_the_broken_link_and_exits_1_in_strict_mode(make_vault) -> None:
    root = site_vault(make_vault, {"index.md": "# Home\n\nSee [[Nobody Here]].\n"})
    run = subprocess.run(
        [sys.executable, "-m", "vault_tools", "build", "--vault", str(root), "--strict"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 1
    assert "index.md:3: [[Nobody Here]] points to no note" in run.stderr
    assert "Error: Aborted with 1 warnings in strict mode!" in run.stderr


def test_build_refuses_a_config_without_the_vault_plugin(make_vault) -> None:
    root = make_vault({"index.md": "# Home\n"})  # conftest's mkdocs.yml: no plugins listed
    with pytest.raises(SiteError, match="add `- vault` under `plugins:`"):
        build(root)


def test_a_note_with_broken_yaml_is_published_without_its_front_matter(make_vault) -> None:
    root = site_vault(make_vault, {
        "index.md": "---\ntitle: [unclosed\n---\n\n# Home\n\nStill [[Jane Doe]] here.\n",
        "contacts/Jane Doe.md": JANE,
    })
    html = article((build(root) / "index.html").read_text(encoding="utf-8"))
    assert "unclosed" not in html
    assert '<a href="contacts/Jane%20Doe/">Jane Doe</a>' in html


# --- the plugin owns front matter; no script but the site's own (DESIGN §7) ----------------------

SECRET_KEY = "secret_extra: zebra-quokka"
HOSTILE_FRONT_MATTER = {
    "impossible-date": f'type: interview\ndate: 2026-02-30\nwith: "[[Jane Doe]]"\n{SECRET_KEY}\n',
    "impossible-date-crlf": f"{SECRET_KEY}\nwhen: 2026-13-45\n",
    "python-tag": f"obj: !!python/object:os.system ls\n{SECRET_KEY}\n",
    "bad-yaml": f"{SECRET_KEY}\nbad: [unclosed\n",
    "tab-indent": f"{SECRET_KEY}\n\tnested: x\n",
    "not-a-mapping": f"- {SECRET_KEY}\n",
    "mkdocs-keys": f"template: redirect.html\nlocation: javascript:alert(1)\n{SECRET_KEY}\n",
    "closed-by-dots": f"{SECRET_KEY}\nx: 2026-02-30\n...\n",
}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_no_front_matter_ever_reaches_a_page_as_text(make_vault, newline: str) -> None:
    from .html_safety import page_problems, page_text

    files = {"contacts/Jane Doe.md": JANE}
    for name, front in HOSTILE_FRONT_MATTER.items():
        closing = "" if front.endswith("...\n") else "---\n"
        text = f"---\n{front}{closing}\n# Page {name}\n\nBody text of {name}.\n"
        files[f"{name}.md"] = text.replace("\n", newline)
    site = build(site_vault(make_vault, files))
    for name in HOSTILE_FRONT_MATTER:
        html = page(site, name)
        shown = page_text(article(html))
        assert f"Body text of {name}." in shown, name
        # The card shows keys as "Secret extra", never the YAML as written.
        assert "secret_extra" not in shown and "---" not in shown, (name, shown)
        assert page_problems(html) == [], name
    # Whatever MkDocs makes of it, a note picks no template: it is rendered as a page.
    assert "window.location.replace" not in page(site, "mkdocs-keys")


def test_check_still_reports_the_impossible_date_at_its_line(make_vault) -> None:
    from click.testing import CliRunner

    from vault_tools.cli import main

    root = site_vault(make_vault, {
        "contacts/Jane Doe.md": JANE,
        "talk.md": f"---\n{HOSTILE_FRONT_MATTER['impossible-date']}---\n\n# Talk\n",
    })
    result = CliRunner().invoke(main, ["check", "--vault", str(root), "--json"])
    found = [d for d in json.loads(result.output) if d["path"] == "talk.md"]
    assert [(d["code"], d["line"]) for d in found] == [("bad-date", 3)]


@pytest.mark.parametrize("extensions", ["", "markdown_extensions:\n  - attr_list\n"])
def test_html_quoted_in_a_generated_block_is_text_on_the_markdown_path_too(
        make_vault, extensions: str) -> None:
    """A related block quotes an interview's `format`; with marks the fast HTML path declines
    (`_x_`, `\\*`) or with other Markdown extensions, the block takes the Markdown pass, and
    its HTML is still shown as text, never run."""
    from .html_safety import site_problems

    root = site_vault(make_vault, {
        "contacts/Mal.md": "---\ntype: contact\n---\n\n# Mal\n",
        "interviews/2026-11-20 Mal.md": (
            '---\ntype: interview\ndate: 2026-11-20\nwith: "[[Mal]]"\n'
            'format: "<script>alert(1)</script> _x_ \\\\* <b onclick=alert(2)>"\n---\n\n# Talk\n'),
    })
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + extensions, encoding="utf-8")
    site = build(root)
    assert site_problems(site) == {}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(site, "contacts/Mal")


def test_a_first_line_like_key_value_is_body_text_not_meta(make_vault) -> None:
    """Without front matter, MkDocs reads "Key: value" first lines as MultiMarkdown meta and
    takes them off the page; the plugin owns front matter, so they stay."""
    site = build(site_vault(make_vault, {"plain.md": "Role: told me about the job\n\n# Plain\n"}))
    assert "Role: told me about the job" in article(page(site, "plain"))


def test_front_matter_values_render_as_text_everywhere(make_vault) -> None:
    from .html_safety import page_problems, page_text, site_problems

    hostile = {
        "contacts/Mal.md": (
            "---\ntype: contact\n"
            'title: "</title><script>alert(1)</script>"\n'
            "description: '\"><script>alert(2)</script>'\n"
            'role: "<img src=x onerror=alert(3)>"\n'
            'company: "[[Evil <svg onload=alert(4)>]]"\n'
            'location: "</script><script>alert(5)</script>"\n'
            'introduced_by: "[[Jane Doe]]"\n'
            'linkedin: "javascript:alert(6)"\n'
            'tags: ["<img src=y onerror=alert(7)>"]\n'
            "hide: [toc, \"<b onclick=alert(8)>\"]\n"
            "---\n\n# Mal\n"),
        "companies/Evil.md": ("---\ntype: company\nwebsite: \"javascript:alert(9)\"\n"
                              "industry: \"<iframe src=javascript:alert(10)>\"\n---\n\n# Evil\n"),
        "interviews/2026-11-20 Mal.md": (
            '---\ntype: interview\ndate: 2026-11-20\nwith: "[[Mal]]"\n'
            'format: "<script>alert(11)</script>"\ncompany: "[[Evil]]"\n---\n\n# Talk\n'),
        "contacts/Jane Doe.md": JANE,
    }
    site = build(site_vault(make_vault, hostile, options=":\n      publish_fields: [linkedin]"))
    assert site_problems(site) == {}
    mal = page(site, "contacts/Mal")
    assert "<img src=x onerror=alert(3)>" in page_text(mal)
    assert "</title><script>alert(1)</script>" in page_text(mal)  # the title, as text
    for dashboard in ("people", "timeline", "companies", "network"):
        assert page_problems(page(site, dashboard)) == [], dashboard
    # The graph's data cannot end the script element it is loaded into, and is still JSON.
    data = (site / "network" / "data.js").read_text(encoding="utf-8")
    assert "</" not in data and "<!--" not in data
    json.loads(data.removeprefix("window.vaultNetwork = ").rstrip().removesuffix(";"))


def _policy(html: str) -> dict[str, list[str]]:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert found, "no Content-Security-Policy"
    import html as html_module

    return {d.split()[0]: d.split()[1:]
            for d in html_module.unescape(found.group(1)).split(";") if d.strip()}


def test_every_page_allows_only_the_sites_own_scripts(make_vault) -> None:
    from vault_tools.site.csp import script_hash

    from .html_safety import scan

    injected = "<script>window.injected = 1</script>"
    quoted = '<meta http-equiv="Content-Security-Policy" content="script-src *">'
    site = build(site_vault(make_vault, {
        "contacts/Jane Doe.md": JANE + f"\nMy own raw HTML: {injected}\n\n    {quoted}\n",
        "companies/Acme.md": ACME,
    }))
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 8
    for path in pages:
        html = path.read_text(encoding="utf-8")
        # First in the head: it covers every script after it.
        assert re.search(r"<head>\s*<meta http-equiv=\"Content-Security-Policy\"", html), path
        policy = _policy(html)
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
        sources = policy["script-src"]
        assert sources[0] == "'self'" and all(s.startswith("'sha256-") for s in sources[1:])
        # Every inline script the theme put in the page is allowed by its hash...
        theme = scan(html.replace(injected, ""))
        assert {script_hash(text) for text in theme.scripts} == set(sources[1:]), path
    # ...and the one written in a note is not.
    jane = page(site, "contacts/Jane Doe")
    assert injected in jane
    assert script_hash("window.injected = 1") not in _policy(jane)["script-src"]


_FRONT_LINES = st.lists(
    st.sampled_from(["type: contact", "title: T", "date: 2026-02-30", "x: !!python/object:a",
                     "bad: [unclosed", "\tindented: tab", "- a list item", "private: true",
                     "k: 'quoted", "...", "---", "", "  nested: x", "key: value: more",
                     "hide: [toc]", "description: <b>", "&anchor", "*alias", "? complex"])
    | st.text(alphabet="abc:-[]{}!&*?#'\"\t .%|>", max_size=20),
    max_size=6)


@settings(max_examples=300, deadline=None)
@given(front=_FRONT_LINES, body=_FRONT_LINES, newline=st.sampled_from(["\n", "\r\n", "\r"]),
       fenced=st.booleans())
def test_mkdocs_never_reads_a_notes_front_matter(front: list[str], body: list[str],
                                                  newline: str, fenced: bool) -> None:
    """Whatever the front matter holds, MkDocs' own reading of what the plugin gives it (its
    real `get_data`) keeps exactly the note's body and takes only the vetted meta."""
    from mkdocs.utils.meta import get_data

    from vault_tools.parse import parse_note
    from vault_tools.site.page_source import page_meta, page_source

    lines = (["---", *front, "---"] if fenced else []) + ["# Body", *body]
    text = newline.join(lines) + newline
    note = parse_note("n.md", text)
    for_mkdocs, source = page_source(text, note.meta)
    markdown, meta = get_data(for_mkdocs)
    assert meta == page_meta(note.meta)
    # The body is what follows the first closing line (the fence the note ends its front
    # matter with, or an earlier `---`/`...` line that does it first).
    closing = next((i for i, line in enumerate(front) if line.rstrip() in ("---", "...")),
                   len(front))
    after = [*front[closing + 1:], "---"] if fenced and closing < len(front) else []
    assert markdown == ("\n".join([*after, "# Body", *body]) + "\n").lstrip("\n")
    assert source.endswith(markdown)


def test_companies_without_a_note_get_one_build_warning_and_show_their_people(
    make_vault, caplog
) -> None:
    files = {f"contacts/Person {n}.md":
             f'---\ntype: contact\ncompany: "[[{"Globex" if n % 2 else "Initech"}]]"\n---\n'
             for n in range(6)}
    files["contacts/Hidden.md"] = ('---\ntype: contact\nprivate: true\n'
                                   'company: "[[Umbrella]]"\n---\n')
    root = site_vault(make_vault, files)
    with caplog.at_level("WARNING", logger="mkdocs"):
        site = build(root)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert [w for w in warnings if "Globex" in w or "Initech" in w] == [
        "vault: 2 companies are named in `company` but have no note yet: Globex and Initech. "
        'Each is kept as a placeholder; `vault-tools new company "Globex"` creates its note '
        "(`vault-tools new company NAME` for each)."]
    companies = article(page(site, "companies"))
    globex = companies[companies.index("Globex"):].split("</tr>")[0]
    assert all(f"Person {n}" in globex for n in (1, 3, 5))
    assert "Umbrella" not in companies and "Hidden" not in companies
    network = (site / "network" / "data.js").read_text(encoding="utf-8")
    assert '"label": "Globex"' in network and "Umbrella" not in network


def _nav(html: str) -> list[tuple[str, str]]:
    nav = html[html.index("md-nav--primary"):]
    return re.findall(r'<a href="([^"#]*)" class="md-nav__link[^"]*">\s*'
                      r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', nav)


def test_the_follow_ups_note_is_the_one_follow_ups_page(make_vault) -> None:
    files = {
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n"
                                "- [ ] Call [[Jane Doe|Jane]] 📅 2026-12-01\n",
        "Follow-ups.md": "# Follow-ups\n\nMy list.\n\n<!-- vault-tools:followups -->\n"
                         "- old bytes\n<!-- /vault-tools:followups -->\n",
    }
    root = site_vault(make_vault, files)
    site = build(root)
    assert not (site / "followups").exists()
    assert [title for _, title in _nav(page(site, ""))].count("Follow-ups") == 1
    assert ("Follow-ups/", "Follow-ups") in _nav(page(site, ""))
    board = article(page(site, "Follow-ups"))
    assert "My list." in board and "old bytes" not in board
    assert 'data-due="2026-12-01"' in board
    assert 'Call <a href="../contacts/Jane%20Doe/">Jane</a>' in board
    # Without the note, the same dashboard is a generated page.
    (root / "notes" / "Follow-ups.md").unlink()
    site = build(root)
    assert ("followups/", "Follow-ups") in _nav(page(site, ""))
    assert 'Call <a href="../contacts/Jane%20Doe/">Jane</a>' in article(page(site, "followups"))


def test_an_index_handed_to_the_plugin_serves_its_next_build_only(make_vault) -> None:
    """`plugin.preload` is the explicit hand-over from `build` (and `serve`) to the plugin
    instance of that configuration: its next build uses the index given, the one after reads
    the notes again."""
    from mkdocs.commands.build import build as mkdocs_build

    from vault_tools.site.build import load_site_config
    from vault_tools.vault import load_index_and_texts

    root = site_vault(make_vault, {"notes-a.md": "# A\n\nOn disk.\n"})
    vault = find_vault(root)
    config = load_site_config(vault, site_dir=str(root / "site"))
    index, texts = load_index_and_texts(vault)
    texts["notes-a.md"] = "# A\n\nHanded over.\n"
    config.plugins["vault"].preload(index, texts)
    mkdocs_build(config)
    assert "Handed over." in page(root / "site", "notes-a")
    mkdocs_build(config)
    assert "On disk." in page(root / "site", "notes-a")


# --- links as Obsidian resolves them (issue #17) ----------------------------------------------


def test_a_vault_shaped_like_obsidians_help_builds_every_link_and_warns_about_none(
        tmp_path: Path, caplog) -> None:
    root = copy_obsidian_help(tmp_path / "help")
    with caplog.at_level("WARNING", logger="mkdocs"):
        site = build(root)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == []
    for html_file in site.rglob("*.html"):
        body = html_file.read_text(encoding="utf-8")
        if "<article" not in body:
            continue
        shown = re.sub(r"<code>.*?</code>", "", article(body), flags=re.DOTALL)
        assert "[[" not in shown, html_file  # no link left raw
        # No block marker shown where a paragraph or item ends.
        assert not re.search(r" \^[A-Za-z0-9-]+\s*(</p>|</li>|$)", shown, re.MULTILINE), \
            html_file
    home = article(page(site, "Home"))
    # The shorter path of the two notes named "Security and privacy".
    assert '<a href="../Obsidian%20Sync/Security%20and%20privacy/">' in home
    assert '<a href="../Companies/Booking.com/">Booking.com</a>' in home
    assert '<a href="../Board.canvas">Board.canvas</a>' in home
    plans = "../Obsidian%20Sync/Plans%20and%20storage%20limits/"
    assert f'<a href="{plans}#how-large-can-my-vault-be">' in home
    # From inside Obsidian Publish/, the page of that folder.
    assert '<a href="../Security%20and%20privacy/">' in article(
        page(site, "Obsidian Publish/Publish limitations"))
    links = article(page(site, "Linking notes and files/Internal links"))
    # A block reference lands on the paragraph, which carries the id; links within the note.
    assert '<a href="../2023-01-01/#^quote-of-the-day">' in links
    day = page(site, "Linking notes and files/2023-01-01")
    assert '<span id="^quote-of-the-day"></span>' in day
    assert '<a href="./#supported-formats-for-internal-links">' in links
    assert '<a href="./#^this-block">the block above</a>' in links
    assert '<span id="^this-block"></span>' in links
    # A Markdown link by the note's name alone, as Obsidian writes them.
    assert '<a href="../Three%20laws%20of%20motion/">the laws</a>' in links
    assert "Ann Lee" in article(page(site, "Companies/Booking.com"))  # a backlink


def test_a_markdown_link_from_the_notes_folder_is_written_for_mkdocs(
        make_vault, caplog) -> None:
    root = site_vault(make_vault, {
        "sub/Note.md": "# Note\n",
        "a/x.md": "# X\n\nSee [the note](sub/Note.md) and [again](../sub/Note.md).\n",
    })
    with caplog.at_level("WARNING", logger="mkdocs"):
        site = build(root)
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []
    html = article(page(site, "a/x"))
    assert html.count('href="../../sub/Note/"') == 2
