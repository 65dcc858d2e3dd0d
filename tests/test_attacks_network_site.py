"""Attacks on the site and command side of the network (#18): privacy of the Leads, Pipeline
and People pages in real builds, hostile names in their tables, the days-in-stage script, and
the `leads`, `pipeline` and `show` commands with odd input."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
import pytest

from vault_tools.site import render
from vault_tools.site.build import build_site
from vault_tools.vault import find_vault
from vault_tools.views import LeadRow, PersonRow, Ref, StageRow

from .conftest import site_texts

D = dt.date
CONFIG = ("site_name: Test vault\ndocs_dir: notes\ntheme:\n  name: material\n"
          "plugins:\n  - search\n  - vault\n")


def linker(page: str) -> render.Linker:
    return render.Linker(page, {"contacts/Priya.md": "contacts/Priya/"}, lambda p, h: None)


def table_cells(page_markdown: str) -> list[list[str]]:
    """The cells of each body row of the page's tables, as Python-Markdown renders them."""
    out = markdown.markdown(page_markdown, extensions=["tables"])
    return [re.findall(r"<td>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", out, re.S) if "<td>" in row]


# --- hostile names in the tables (the Markdown route: the fast HTML route declines them) ------

# A name as a user types it in `referrals` with no note yet: a pipe, code and emphasis marks.
HOSTILE = "Ana | Bo `x` *y* _z_ [w]"


def test_an_offered_name_with_a_pipe_or_markup_stays_one_cell_and_reads_as_written() -> None:
    rows = [LeadRow(Ref("broken", HOSTILE), (Ref("ok", "Priya", "contacts/Priya.md"),),
                    D(2026, 11, 5), (), "not added")]
    [cells] = table_cells(render.leads_page(rows, linker("leads/")))
    assert len(cells) == 5, cells
    assert re.sub(r"<[^>]+>", "", cells[0]) == HOSTILE
    assert "<code>" not in cells[0] and "<em>" not in cells[0]


def test_an_introducer_with_a_pipe_in_the_people_table_keeps_the_row_whole() -> None:
    rows = [PersonRow(Ref("ok", "Priya", "contacts/Priya.md"), None, None, None, None,
                      Ref("broken", HOSTILE))]
    [cells] = table_cells(render.people_page(rows, linker("people/")))
    assert len(cells) == 6, cells
    assert re.sub(r"<[^>]+>", "", cells[5]) == HOSTILE
