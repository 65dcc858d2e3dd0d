"""The site's data (vault_tools.views): pure functions of the index, tested without MkDocs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from vault_tools.index import VaultIndex
from vault_tools.parse import parse_note
from vault_tools.privacy import secrets, text_fragments
from vault_tools.site.render.followups import MARKDOWN_PROOF, dated_board, markdown_proof
from vault_tools.views.careers import career_rows
from vault_tools.views.common import Ref, SiteView
from vault_tools.views.companies import company_rows
from vault_tools.views.followups import dashboard_items, title_pieces
from vault_tools.views.network import network_graph
from vault_tools.views.people import people_rows


def view_of(files: dict[str, str], **options) -> SiteView:
    return SiteView(VaultIndex(parse_note(path, text) for path, text in files.items()), **options)


def interview(day: str, who: str, career: str, interest: int, status: str = "done") -> str:
    return (f"---\ntype: interview\ndate: {day}\nwith: \"[[{who}]]\"\ncareer: \"[[{career}]]\"\n"
            f"interest: {interest}\nstatus: {status}\nthank_you: {day}\n---\n\n# Talk\n")


def test_the_dashboard_holds_every_public_followup_with_the_days_it_shows_on() -> None:
    view = view_of({
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n",
        "contacts/Secret.md": "---\ntype: contact\nprivate: true\n---\n",
        "interviews/a.md": "---\ntype: interview\ndate: 2026-11-26\nwith: \"[[Jane Doe]]\"\n"
                           "status: planned\n---\n",
        "interviews/b.md": "---\ntype: interview\ndate: 2026-11-27\nwith: \"[[Secret]]\"\n"
                           "status: planned\n---\n",
        "todo.md": "- [ ] old 📅 2026-11-01\n- [ ] someday\n",
    })
    shown = [(t.followup.kind, t.followup.due, t.shown_from, t.shown_until)
             for t in dashboard_items(view)]
    D = dt.date
    # Prepare until the day of the conversation, then ask how it went: the browser decides
    # which, by its own date. Nothing about the private contact.
    assert shown == [
        ("task", D(2026, 11, 1), None, None),
        ("prepare", D(2026, 11, 25), None, D(2026, 11, 26)),
        ("update-status", D(2026, 11, 27), D(2026, 11, 27), None),
        ("task", None, None, None),
    ]


def test_a_task_title_on_the_site_links_what_its_text_links() -> None:
    view = view_of({
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n# Jane\n\n## Notes\n",
        "contacts/Secret.md": "---\ntype: contact\nprivate: true\n---\n",
        "notes/Post.md": "# Post\n",
        "notes/todo.md": "- [ ] Ask [[Jane Doe|Jane]] about [[Jane Doe#Notes]], [[Nobody]], "
                         "[the post](Post.md) and [a site](https://example.com)\n",
    })
    [task] = [t.followup for t in dashboard_items(view)]
    assert title_pieces(view, task) == [
        "Ask ", Ref("ok", "Jane", "contacts/Jane Doe.md"), " about ",
        Ref("ok", "Jane Doe › Notes", "contacts/Jane Doe.md", "Notes"), ", ",
        Ref("broken", "Nobody"), ", ", Ref("ok", "the post", "notes/Post.md"), " and ",
        "a site",
    ]


def test_career_net_interest_counts_done_conversations_only_and_ruled_out_comes_last() -> None:
    view = view_of({
        "careers/Alpha.md": "---\ntype: career\nstatus: ruled-out\n---\n",
        "careers/Beta.md": "---\ntype: career\nstatus: exploring\n---\n",
        "careers/Gamma.md": "---\ntype: career\nstatus: pursuing\n---\n",
        "contacts/Ann Lee.md": "---\ntype: contact\n---\n",
        "interviews/a.md": interview("2026-01-01", "Ann Lee", "Beta", 2),
        "interviews/b.md": interview("2026-02-01", "Ann Lee", "Beta", -1),
        "interviews/c.md": interview("2026-03-01", "Ann Lee", "Beta", 2, status="planned"),
    })
    rows = career_rows(view)
    assert [r.career.text for r in rows] == ["Gamma", "Beta", "Alpha"]
    beta = rows[1]
    assert (beta.net_interest, beta.rated) == (1, 2)
    assert [r.date.isoformat() for r in beta.conversations] == [
        "2026-03-01", "2026-02-01", "2026-01-01"]
    assert rows[2].ruled_out


def test_private_notes_leave_no_row_node_or_name() -> None:
    view = view_of({
        "contacts/Ann Lee.md": "---\ntype: contact\nintroduced_by: \"[[Ren]]\"\n"
                               "company: \"[[Acme]]\"\n---\n",
        "contacts/Ren.md": "---\ntype: contact\nprivate: true\ncompany: \"[[Acme]]\"\n---\n",
        "companies/Acme.md": "---\ntype: company\n---\n",
    })
    rows = people_rows(view)
    assert [r.contact.text for r in rows] == ["Ann Lee"]
    assert rows[0].introduced_by is not None and rows[0].introduced_by.status == "private"
    assert rows[0].introduced_by.text == "a private note"
    nodes, edges = network_graph(view)
    assert {n.id for n in nodes} == {"contacts/Ann Lee.md", "companies/Acme.md"}
    assert all("Ren.md" not in (e.source + e.target) for e in edges)


def test_secrets_are_private_names_sentences_and_unpublished_fields() -> None:
    private = ("---\ntype: contact\nprivate: true\naliases: [Rennie]\n---\n\n# Ren Solo\n\n"
               "She plans the Quokka launch for the spring, quietly.\n\n"
               "## Notes from the template for everyone\n")
    files = {
        "contacts/Ren Solo.md": private,
        "contacts/Ann Lee.md": "---\ntype: contact\nemail: ann@example.org\nphone: '555'\n---\n",
    }
    template = "## Notes from the template for everyone\n"
    values = {(s.kind, s.value) for s in secrets(view_of(files), files, [template])}
    assert ("name", "Ren Solo") in values and ("name", "Rennie") in values
    assert ("text", "She plans the Quokka launch for the spring, quietly") in values
    assert not any("template" in value for _, value in values)
    assert ("field email", "ann@example.org") in values
    published = secrets(view_of(files, publish_fields=["email"]), files, [template])
    assert ("field email", "ann@example.org") not in {(s.kind, s.value) for s in published}


def test_text_fragments_split_at_sentences_and_markup() -> None:
    body = ("Short one. This sentence is long enough to count as a secret here! "
            "A [[link]] splits this sentence into two pieces of prose around it.\n"
            "- a list item that is quite long enough to be a fragment too")
    assert text_fragments(body) == [
        "This sentence is long enough to count as a secret here",
        "splits this sentence into two pieces of prose around it",
        "a list item that is quite long enough to be a fragment too",
    ]


def through_markdown(make_page: Callable[[Callable[[str], str] | None], str],
                     html_parts: bool) -> tuple[str, int]:
    """A dashboard's Markdown (made with HTML stand-ins, or without) through Python-Markdown with
    the site's extensions, each stand-in then replaced by its HTML, as the plugin does; and how
    many stand-ins there were."""
    import markdown

    parts: dict[str, str] = {}

    def stand_in(html: str) -> str:
        parts[f"<p>stand-in-{len(parts)}</p>"] = html
        return f"stand-in-{len(parts) - 1}"

    text = make_page(stand_in if html_parts else None)
    html = markdown.markdown(text, extensions=["toc", "tables", "fenced_code",
                                               "pymdownx.tasklist"])
    for token, part in parts.items():
        html = html.replace(token, part)
    return html, len(parts)


def test_the_dashboard_written_as_html_is_what_markdown_makes_of_it() -> None:
    from vault_tools.followups import FollowUp, Timed
    from vault_tools.site.render.common import Linker
    from vault_tools.site.render.followups import followups_dashboard, followups_page

    titles = ["Call *Ana* about_this_one", "Ask [[Bo]] & <i>Cy</i> re: `code` \\ done",
              "Mail [x](y.md) &#123; &amp; **bold** ~~no~~ | pipe # hash", "Plain", "a\tb"]
    items = [Timed(FollowUp("task", dt.date(2026, 1, day) if day % 2 else None, title,
                            f"contacts/N{day} & Co.md", day if day > 1 else None))
             for day, title in enumerate(titles, start=1)]
    urls = {t.followup.note: f"contacts/N{n}%20%26%20Co/" for n, t in enumerate(items, start=1)}
    del urls[items[1].followup.note]  # a note without a page: its name, unlinked
    linker = Linker("followups/", urls, lambda path, heading: None)
    board = followups_dashboard(
        items, linker, lambda path: path.rpartition("/")[2][:-3],
        lambda followup: [followup.title])

    def page(stand_ins: bool) -> str:
        return through_markdown(lambda raw: followups_page(board, raw), stand_ins)[0]

    assert "<a href=" in page(True) and "&lt;i&gt;Cy&lt;/i&gt;" in page(True)
    assert page(True) == page(False)


def test_the_all_notes_list_written_as_html_is_what_markdown_makes_of_it() -> None:
    from vault_tools.site.render.all_notes import all_notes_page
    from vault_tools.site.render.common import Linker

    refs = [Ref("ok", "A *star* & <b>_x_</b> [y] \\ `z`", "a.md"), Ref("ok", "Gone", "gone.md"),
            Ref("private", "a private note")]
    linker = Linker("all-notes/", {"a.md": "a/"}, lambda path, heading: None)

    def page(html_list: bool) -> str:
        return through_markdown(lambda raw: all_notes_page(
            [("", refs), ("b", refs[:1])], linker, raw), html_list)[0]

    assert "stand-in" not in page(True) and page(True) == page(False)


def test_a_dashboard_table_written_as_html_is_what_markdown_makes_of_it() -> None:
    from vault_tools.followups import FollowUp
    from vault_tools.site.render.common import Linker
    from vault_tools.site.render.people import people_page
    from vault_tools.views.people import PersonRow

    def rows(odd: str) -> list[PersonRow]:
        return [
            PersonRow(Ref("ok", "Ana *A* & <b>", "a.md"), Ref("broken", "Acme Co"),
                      "  Lead | *ops* `x` \\ [y]  ", dt.date(2026, 1, 2),
                      FollowUp("task", None, "Ask [[Bo]] _now_", "a.md"), None),
            PersonRow(Ref("ok", "Gone", "gone.md"), Ref("ambiguous", odd), None, None, None,
                      Ref("private", "a private note")),
        ]

    linker = Linker("people/", {"a.md": "a/"}, lambda path, heading: None)

    def page(people: list[PersonRow], html_table: bool) -> tuple[str, int]:
        return through_markdown(lambda raw: people_page(people, linker, raw), html_table)

    plain, markup = rows("Plain Name"), rows("Odd *name* | here")
    assert page(plain, True) == (page(plain, False)[0], 1)
    # An unlinked name with markup in it: Markdown reads it, so Markdown renders the table.
    assert page(markup, True) == (page(markup, False)[0], 0)


def test_a_placeholder_company_named_only_in_private_notes_is_not_on_the_site() -> None:
    # Attack (held): a company with no note, named only by a private contact or a private
    # conversation, must reach neither the Companies page nor the graph; one a public
    # contact names does, with that contact only.
    view = view_of({
        "contacts/Secret.md": "---\ntype: contact\nprivate: true\ncompany: Zeta Hidden\n---\n",
        "interviews/Talk.md": "---\ntype: interview\nprivate: true\ndate: 2026-11-01\n"
                              "with: \"[[Secret]]\"\ncompany: Omega Hidden\n---\n",
        "contacts/Jane.md": "---\ntype: contact\ncompany: Acme\n---\n",
        "contacts/Sam.md": "---\ntype: contact\nprivate: true\ncompany: Acme\n---\n",
    })
    rows = company_rows(view)
    assert [(r.company.text, [p.text for p in r.people]) for r in rows] == [("Acme", ["Jane"])]
    nodes, edges = network_graph(view)
    assert sorted(n.label for n in nodes) == ["Acme", "Jane"]
    assert [(e.source, e.kind) for e in edges] == [("contacts/Jane.md", "works-at")]


# --- the follow-ups board's Markdown-proofing (`render.followups.markdown_proof`) -------------

_PROOF_TEXT = st.text(alphabet=st.sampled_from(
    ["\t", "\r", "\n", "\x02", "\x03", " ", "·", "é", "a", "<", ">", "\"", "&", "|", "\U0001f600"]))


@given(st.one_of(_PROOF_TEXT, st.text()))
def test_markdown_proof_writes_what_the_translation_table_writes(text: str) -> None:
    # The home page and the follow-ups page are proofed by replacements (fast on the long,
    # non-ASCII board); what they write must be what the table says, character for character.
    assert markdown_proof(text) == text.translate(MARKDOWN_PROOF)


def test_a_board_with_tabs_and_markdown_marks_is_proofed() -> None:
    board = dated_board(["<li data-due=\"2026-01-02\">a\tb\r\x02c\x03 · é</li>"],
                        ("overdue", "today"), "as of", "none")
    assert "a b c · é" in board
    assert not set(board) & {"\t", "\r", "\x02", "\x03"}
