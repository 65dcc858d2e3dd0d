"""Shapes met in real Obsidian vaults nobody here wrote (issue #17): each test is a small note of
our own with the shape of one that went wrong, and says what Obsidian does with it."""

from __future__ import annotations

from vault_tools.blocks import splice_blocks
from vault_tools.parse import parse_note

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
