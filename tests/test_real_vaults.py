"""Shapes met in real Obsidian vaults nobody here wrote (issue #17): each test is a small note of
our own with the shape of one that went wrong, and says what Obsidian does with it."""

from __future__ import annotations

import pytest

from vault_tools.parse import parse_note
from vault_tools.splice import splice_blocks

# --- raw HTML blocks: <pre>, <script>, <style>, <textarea> ---------------------------------------

# A help page that shows a code block inside HTML: the fence characters of the last line are
# HTML text, not a fence (CommonMark's HTML block runs to the line holding </pre>).
PRE_SHOWING_A_FENCE = """Show the query as written:

<pre><code>```dataview
list from #recipe
```</code></pre>

> [!note]
> [[Recipes index|The index]] lists them too.

```dataview
list from #recipe
```
"""


def test_a_fence_shown_inside_pre_opens_no_code_block() -> None:
    note = parse_note("Queries.md", PRE_SHOWING_A_FENCE)
    assert [(link.target, link.line) for link in note.links] == [("Recipes index", 8)]
    assert not [d for d in note.diagnostics if d.code == "unclosed-fence"]


def test_a_link_inside_pre_is_html_text_not_a_link() -> None:
    text = "<pre>\nsee [[Not a link]]\n</pre>\n\n<PRE class=x>[[Nor this]]</PRE>\n\n[[Real]]\n"
    assert [link.target for link in parse_note("A.md", text).links] == ["Real"]


def test_an_unclosed_pre_does_not_hide_a_generated_block() -> None:
    text = "<pre>\nnever closed\n"
    once = splice_blocks("A.md", text, {"related": "- [[B]]"})
    again = splice_blocks("A.md", once, {"related": "- [[B]]"})
    assert once == again and once.startswith(text)


# --- Markdown links to attachments, as Obsidian writes them with wikilinks turned off ----------

# A 1x1 PNG: the attachment exists, in the attachments folder, not beside the note.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a3e2a8f30000000049454e44ae426082")

IMAGE_NOTES = {
    "Attachments/Pasted image 20240101.png": PNG,
    "Journal/Monday.md": (
        "# Monday\n\nThe whiteboard: ![](Pasted%20image%2020240101.png)\n\n"
        "From the notes folder: ![board](Attachments/Pasted%20image%2020240101.png)\n\n"
        "Never saved: ![](Pasted%20image%2020991231.png)\n"),
}


def test_check_finds_a_markdown_image_by_name_and_reports_one_that_is_missing(
        make_vault) -> None:
    from .test_cli_check import check_json

    code, items = check_json(make_vault(IMAGE_NOTES))
    assert code == 0
    assert [(i["path"], i["line"], i["code"]) for i in items] == [
        ("Journal/Monday.md", 7, "missing-attachment")], items
    assert "Pasted image 20991231.png" in items[0]["message"]


@pytest.mark.slow
def test_the_site_shows_a_markdown_image_found_by_name_and_mkdocs_warns_about_none(
        make_vault, caplog) -> None:
    from .test_site_build import article, build, page, site_vault

    root = site_vault(make_vault, IMAGE_NOTES)
    with caplog.at_level("WARNING", logger="mkdocs"):
        site = build(root)
    shown = article(page(site, "Journal/Monday"))
    src = 'src="../../Attachments/Pasted%20image%2020240101.png"'
    assert shown.count(src) == 2, shown
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    # One warning, ours, naming the line; not MkDocs' "not found among documentation files".
    assert len(warnings) == 1 and "Journal/Monday.md:7" in warnings[0], warnings


# --- a "Templates" folder, as Obsidian suggests it ------------------------------------------------

TEMPLATE_NOTES = {
    # Obsidian's Templates plugin fills {{date}} when the template is used: in the template
    # itself it is no YAML, and its task is nobody's follow-up.
    "Templates/Meeting Template.md": (
        "---\ncategories:\n  - \"[[Meetings]]\"\ndate: {{date}}\n---\n\n- [ ] Send notes\n"),
    "Notes/Kickoff.md": "---\ncategories:\n  - \"[[Meetings]]\"\n---\n\nWe met.\n",
}


def test_a_capitalised_templates_folder_holds_no_notes(make_vault) -> None:
    from .test_cli_check import check_json, run

    vault = make_vault(TEMPLATE_NOTES)
    code, items = check_json(vault)
    assert code == 0
    assert not [i for i in items if i["path"].startswith("Templates/")], items
    followups = run("followups", "--vault", str(vault), "--json")
    assert "Send notes" not in followups.output


# --- a generated line never defines a block ------------------------------------------------------

BLOCK_NOTES = {
    # An embed of a block on a line of its own: Obsidian shows it as "Glossary > ^term-vault",
    # and a list item ending so would be a block marker in the note the entry is written to.
    "Guide.md": "# Guide\n\nSee below.\n\n![[Glossary#^term-vault]]\n\n![[Glossary#^never-made]]\n",
    "Glossary.md": "# Glossary\n\nA vault is a folder of notes. ^term-vault\n",
    # A quoted paragraph whose own marker follows its link.
    "Notes.md": "# Notes\n\nAs the [[Glossary]] says, folders hold notes.\n^notes-one\n",
}


def test_fill_writes_no_line_that_obsidian_reads_as_a_block_marker(make_vault) -> None:
    from vault_tools.parse import block_id

    from .test_cli_check import run

    vault = make_vault(BLOCK_NOTES)
    assert run("fill", "--vault", str(vault)).exit_code == 0
    text = (vault / "notes" / "Glossary.md").read_text(encoding="utf-8")
    generated = text[text.index("<!-- vault-tools:related -->"):]
    assert "Guide" in generated and "Notes" in generated
    # Obsidian reads a marker at the end of any line: none may end so but the user's own.
    assert [line for line in generated.splitlines() if block_id(line)] == [], generated
    assert "Glossary > `^term-vault`" in generated  # as Obsidian shows the link, as code
    assert "folders hold notes." in generated and "notes-one" not in generated


@pytest.mark.slow
def test_the_site_shows_a_block_link_entry_as_the_file_holds_it(make_vault) -> None:
    from .test_site_build import article, build, page, site_vault

    site = build(site_vault(make_vault, BLOCK_NOTES))
    shown = article(page(site, "Glossary"))
    assert "Glossary &gt; <code>^term-vault</code>" in shown, shown


def test_a_base_kept_in_the_templates_folder_is_found_by_its_embeds(make_vault) -> None:
    from .test_cli_check import check_json

    code, items = check_json(make_vault({
        "Templates/Bases/Daily.base": "views:\n  - type: table\n    name: Daily\n",
        "Daily/2024-05-01.md": "## Notes\n\n![[Daily.base]]\n",
    }))
    assert code == 0 and items == [], items


# --- a Markdown link to a note not written yet: one warning, not MkDocs' second one ---------------

@pytest.mark.slow
def test_a_markdown_link_to_a_missing_note_is_warned_about_once(make_vault, caplog) -> None:
    from .test_site_build import article, build, page, site_vault

    root = site_vault(make_vault, {
        # As Foam writes its notes: Markdown links beside the note, some not written yet.
        "features/daily.md": "# Daily\n\nUse [templates](note-templates.md) for them.\n",
    })
    with caplog.at_level("WARNING", logger="mkdocs"):
        site = build(root)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "features/daily.md:3" in warnings[0], warnings
    assert "templates" in article(page(site, "features/daily"))
