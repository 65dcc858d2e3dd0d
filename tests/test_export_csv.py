"""`vault-tools export csv` and `export csv --interviews`: the tables a spreadsheet opens, with
no formula run, no private name, links written as names, and a file Excel reads as UTF-8."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.cli import main
from vault_tools.export.contacts_csv import spreadsheet_safe, write_table

JANE = "contacts/Jane Doe.md"
SAM = "contacts/Sam Lee.md"

VAULT = {
    JANE: (
        "---\ntype: contact\ncompany: \"[[Acme]]\"\nintroduced_by: \"[[Sam Lee]]\"\n---\n"
        "# Jane\n"
    ),
    SAM: (
        "---\ntype: contact\ncompany: \"[[Globex]]\"\n---\n# Sam\n\n## How we met\n\n"
        "At the [[Acme#Teams|Acme teams]] meetup %%after two beers%%,\n"
        "in the [hall](../companies/Globex.md).\n\nA second paragraph, not shown.\n"
    ),
    "contacts/Kim Park.md": "---\ntype: contact\nsource: linkedin\n---\n",
    "companies/Acme.md": "---\ntype: company\n---\n",
    "companies/Globex.md": "---\ntype: company\n---\n",
    "interviews/2026-11-20 Sam Lee.md": (
        "---\ntype: interview\ndate: 2026-11-20\nwith: \"[[Sam Lee]]\"\nformat: call\n"
        "thank_you: 2026-11-21\nreferrals:\n  - \"[[Jane Doe]]\"\n  - \"[[Kim Park]]\"\n---\n"
        "- [ ] Send Sam the [[Acme]] article 📅 2026-11-25\n"
    ),
    "interviews/2026-12-09 Jane Doe.md": (
        "---\ntype: interview\ndate: 2026-12-09T14:30\nwith: \"[[Jane Doe]]\"\n"
        "format: video\nstatus: planned\n---\n"
    ),
    "interviews/2026-12-01 Group.md": (
        "---\ntype: interview\ndate: 2026-12-01\nwith:\n  - \"[[Jane Doe]]\"\n"
        "  - \"[[Kim Park]]\"\n  - \"[[Nobody Yet]]\"\nformat: in-person\n---\n"
    ),
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def interviews(vault: Path, *args: str) -> list[dict[str, str]]:
    result = run("export", "csv", "--interviews", "--vault", str(vault), *args)
    assert result.exit_code == 0, result.output
    return read_csv(result.stdout_bytes)


def test_interviews_csv_has_one_row_per_conversation_in_the_tracking_sheet_columns(
    make_vault,
) -> None:
    result = run("export", "csv", "--interviews", "--vault", str(make_vault(VAULT)))
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(
        b"date,people,organisation,how_connected,format,status,thank_you,referrals,next_step,"
        b"next_step_due,note,path\r\n")
    rows = read_csv(result.stdout_bytes)
    assert rows == [
        {
            "date": "2026-11-20", "people": "Sam Lee", "organisation": "Globex",
            "how_connected": "At the Acme teams meetup , in the hall.", "format": "call",
            "status": "done", "thank_you": "2026-11-21", "referrals": "Jane Doe; Kim Park",
            "next_step": "Send Sam the Acme article", "next_step_due": "2026-11-25",
            "note": "2026-11-20 Sam Lee", "path": "interviews/2026-11-20 Sam Lee.md",
        },
        {
            "date": "2026-12-01", "people": "Jane Doe; Kim Park; Nobody Yet",
            "organisation": "Acme",
            "how_connected": "Jane Doe: introduced by Sam Lee; Kim Park: linkedin",
            "format": "in-person", "status": "done", "thank_you": "", "referrals": "",
            "next_step": "Send a thank-you to Jane Doe, Kim Park and Nobody Yet",
            "next_step_due": "2026-12-02",
            "note": "2026-12-01 Group", "path": "interviews/2026-12-01 Group.md",
        },
        {
            "date": "2026-12-09 14:30", "people": "Jane Doe", "organisation": "Acme",
            "how_connected": "introduced by Sam Lee", "format": "video", "status": "planned",
            "thank_you": "", "referrals": "",
            "next_step": "Prepare for the conversation with Jane Doe",
            "next_step_due": "2026-12-08",
            "note": "2026-12-09 Jane Doe", "path": "interviews/2026-12-09 Jane Doe.md",
        },
    ]


PRIVATE_VAULT = {
    **VAULT,
    "contacts/Secret Sue.md": "---\ntype: contact\nprivate: true\n---\n",
    "companies/Hidden Co.md": "---\ntype: company\nprivate: true\n---\n",
    "contacts/Lee Open.md": (
        "---\ntype: contact\nintroduced_by: \"[[Secret Sue]]\"\n---\n## How we met\n\n"
        "Through [[Secret Sue]] at [Hidden](../companies/Hidden%20Co.md).\n"
    ),
    "interviews/2026-10-01 Secret Sue.md": (
        "---\ntype: interview\ndate: 2026-10-01\nwith: \"[[Secret Sue]]\"\n---\n"
    ),
    "interviews/2026-10-02 Private talk.md": (
        "---\ntype: interview\nprivate: true\ndate: 2026-10-02\nwith: \"[[Jane Doe]]\"\n---\n"
    ),
    "interviews/2026-10-03 Lee Open.md": (
        "---\ntype: interview\ndate: 2026-10-03\nwith: \"[[Lee Open]]\"\n"
        "company: \"[[Hidden Co]]\"\nformat: \"call with [[Secret Sue|Sue]]\"\n"
        "referrals:\n  - \"[[Secret Sue]]\"\n  - \"[[Jane Doe]]\"\n---\n"
    ),
}


def test_interviews_csv_names_no_private_note_unless_asked(make_vault) -> None:
    vault = make_vault(PRIVATE_VAULT)
    result = run("export", "csv", "--interviews", "--vault", str(vault))
    assert b"Secret" not in result.stdout_bytes and b"Sue" not in result.stdout_bytes
    assert b"Hidden" not in result.stdout_bytes and b"Private talk" not in result.stdout_bytes
    rows = {row["note"]: row for row in read_csv(result.stdout_bytes)}
    # A private conversation, and one with a private person, are not listed at all.
    assert "2026-10-01 Secret Sue" not in rows and "2026-10-02 Private talk" not in rows
    lee = rows["2026-10-03 Lee Open"]
    assert lee["organisation"] == ""  # a link field to a private note is left empty
    assert lee["referrals"] == "Jane Doe"
    assert lee["format"] == "call with a private note"
    assert lee["how_connected"] == "Through a private note at a private note."

    every = {row["note"]: row for row in interviews(vault, "--include-private")}
    assert {"2026-10-01 Secret Sue", "2026-10-02 Private talk"} <= every.keys()
    lee = every["2026-10-03 Lee Open"]
    assert (lee["organisation"], lee["referrals"], lee["format"], lee["how_connected"]) == (
        "Hidden Co", "Secret Sue; Jane Doe", "call with Sue", "introduced by Secret Sue")


def test_links_in_values_are_written_as_the_names_they_show(make_vault) -> None:
    vault = make_vault({
        JANE: ("---\ntype: contact\nrole: \"Lead of [[Acme#Teams|the teams]] at [[Acme]]\"\n"
               "location: \"[[places/Oakland.md]], near [the bay](Bay.md)\"\n"
               "company: \"[[Acme]]\"\n---\n"),
        "interviews/x.md": ("---\ntype: interview\ndate: 2026-01-02\nwith: \"[[Jane Doe]]\"\n"
                            "format: \"[[Zoom]] call\"\n---\n"),
    })
    (contact,) = read_csv(run("export", "csv", "--vault", str(vault)).stdout_bytes)
    assert contact["role"] == "Lead of the teams at Acme"
    assert contact["location"] == "Oakland, near the bay"
    assert contact["company"] == "Acme"
    (row,) = interviews(vault)
    assert row["format"] == "Zoom call"
    assert "[[" not in row["format"] + contact["role"]


@pytest.mark.parametrize("table", [[], ["--interviews"]])
def test_excel_files_start_with_a_byte_order_mark_and_end_rows_in_crlf(
    make_vault, tmp_path: Path, table: list[str],
) -> None:
    vault = make_vault({**VAULT, "contacts/José Núñez.md": "---\ntype: contact\n---\n"})
    plain = run("export", "csv", *table, "--vault", str(vault)).stdout_bytes
    excel = run("export", "csv", *table, "--excel", "--vault", str(vault)).stdout_bytes
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    assert plain.count(b"\r\n") == plain.count(b"\n") > 2  # every row ends in CRLF
    out = tmp_path / "table.csv"
    result = run("export", "csv", *table, "--excel", "-o", str(out), "--vault", str(vault))
    assert out.read_bytes() == excel
    # Python's own reading of a BOM file, as a script fed the export would do it.
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle))[0] in ("name", "date")
    what = "conversations" if table else "contacts"
    assert result.stderr == f"Wrote {3 if table else 4} {what} to {out}.\n"


def test_interviews_csv_never_hands_a_spreadsheet_a_formula(make_vault) -> None:
    vault = make_vault({
        "contacts/@SUM(1+1).md": "---\ntype: contact\nsource: \"=cmd|' /C calc'!A0\"\n---\n",
        "interviews/=HYPERLINK(1).md": (
            "---\ntype: interview\ndate: 2026-01-02\nwith: \"[[@SUM(1+1)]]\"\n"
            "format: \"-2+3\"\ncompany: \"+Acme\"\n---\n"
            "- [ ] \t=1+1 📅 2026-01-01\n"
        ),
    })
    (row,) = interviews(vault)
    assert row["people"] == "'@SUM(1+1)"
    assert row["how_connected"] == "'=cmd|' /C calc'!A0"
    assert row["format"] == "'-2+3"
    assert row["organisation"] == "'+Acme"
    assert row["note"] == "'=HYPERLINK(1)"
    assert row["next_step"] == "'=1+1"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_no_cell_starts_a_formula_and_none_loses_a_character(value: str) -> None:
    out = io.StringIO(newline="")
    write_table(out, ("a",), [{"a": value}])
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    cell = row["a"]
    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        # Only a plain number or phone number may start so: it runs nothing.
        assert all(c in "+-0123456789 ()." for c in cell)
    assert cell in (value, "'" + value)
    assert spreadsheet_safe(value) == cell


def test_demo_vault_lists_its_conversations_and_keeps_renata_private(tmp_path: Path) -> None:
    import shutil

    from .conftest import DEMO_VAULT

    shutil.copytree(DEMO_VAULT, tmp_path / "notes")
    (tmp_path / "mkdocs.yml").write_text("site_name: d\ndocs_dir: notes\n", encoding="utf-8")
    result = run("export", "csv", "--interviews", "--vault", str(tmp_path))
    rows = read_csv(result.stdout_bytes)
    assert len(rows) >= 10
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert b"Renata" not in result.stdout_bytes
    assert all("[[" not in value for row in rows for value in row.values())


def test_a_how_we_met_still_holding_the_templates_hint_is_not_exported(tmp_path: Path) -> None:
    """A contact made with `new` keeps the template's "Where, when, and who introduced us."
    until the user writes their own: that is no answer to "how connected", and the column
    stays empty; words the user wrote there are exported."""
    vault = tmp_path / "v"
    assert run("init", str(vault)).exit_code == 0
    for name in ("Jane Doe", "Sam Lee"):
        assert run("new", "contact", name, "--vault", str(vault)).exit_code == 0
        assert run("new", "interview", name, "--date", "2026-12-09", "--planned",
                   "--vault", str(vault)).exit_code == 0
    sam = vault / "notes" / "contacts" / "Sam Lee.md"
    text = sam.read_text(encoding="utf-8")
    hint = "Where, when, and who introduced us."
    assert hint in text
    sam.write_text(text.replace(hint, "At the Women in Data meetup in June."), encoding="utf-8")
    result = run("export", "csv", "--interviews", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    rows = {row["people"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["Jane Doe"]["how_connected"] == ""
    assert rows["Sam Lee"]["how_connected"] == "At the Women in Data meetup in June."


def test_the_hint_of_a_template_kept_in_a_capitalised_templates_folder_is_not_exported(
        tmp_path: Path) -> None:
    """Obsidian users often name the folder `Templates/`: its contact template's own hint is
    known too (here a hint of the user's own wording)."""
    vault = tmp_path / "v"
    assert run("init", str(vault)).exit_code == 0
    notes = vault / "notes"
    (notes / "templates").rename(notes / "Templates")
    template = notes / "Templates" / "contact.md"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "Where, when, and who introduced us.", "Which event, which day?"), encoding="utf-8")
    assert run("new", "contact", "Jane Doe", "--vault", str(vault)).exit_code == 0
    assert "Which event, which day?" in (notes / "contacts" / "Jane Doe.md").read_text(
        encoding="utf-8")
    assert run("new", "interview", "Jane Doe", "--date", "2026-12-09", "--planned",
               "--vault", str(vault)).exit_code == 0
    rows = interviews(vault)
    assert [row["how_connected"] for row in rows] == [""]
