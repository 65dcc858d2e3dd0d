"""`vault-tools import vcard|linkedin` and `export csv`: real-shaped files in, new contact notes
out, people already in the vault never duplicated and their notes never touched."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.capture.importers.linkedin import parse_connected_on
from vault_tools.capture.importers.matching import normalize_linkedin
from vault_tools.capture.importers.vcard import read_vcard
from vault_tools.cli import main
from vault_tools.frontmatter_yaml import load_front_matter
from vault_tools.vault import find_vault, load_index

DATA = Path(__file__).resolve().parent / "data"
VCARDS = ("contacts-v21.vcf", "contacts-v30.vcf", "contacts-v40.vcf")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def import_file(kind: str, name: str, vault: Path, *extra: str):
    return run("import", kind, str(DATA / name), "--vault", str(vault), *extra)


def note(vault: Path, rel: str) -> tuple[dict, str]:
    text = (vault / "notes" / rel).read_text(encoding="utf-8")
    end = text.index("\n---\n", 4)
    return load_front_matter(text[4:end + 1]), text[end + 5:]


def snapshot(vault: Path) -> dict[str, tuple[str, int]]:
    """Hash and mtime of every file in the vault."""
    return {
        p.relative_to(vault).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                          p.stat().st_mtime_ns)
        for p in sorted(vault.rglob("*")) if p.is_file()
    }


# --- vCard -------------------------------------------------------------------------------------


def test_vcard_21_with_quoted_printable(make_vault) -> None:
    vault = make_vault({})
    result = import_file("vcard", "contacts-v21.vcf", vault)
    assert result.exit_code == 0
    assert result.output == (
        "created  contacts/José Núñez.md\n"
        "created  contacts/Zoë O'Brien.md\n"
        "contacts-v21.vcf: 2 created, 0 skipped, 0 errors.\n"
    )
    meta, body = note(vault, "contacts/José Núñez.md")
    assert meta == {
        "type": "contact", "company": "[[Smith, Jones & Co]]", "department": "Advisory",
        "role": "Senior Associate", "email": "jose.nunez@example.com",
        "emails": ["jose@home.example"], "phone": "+1 555 0100", "phones": ["+1 555 0101"],
        "source": "vcard",
    }
    # quoted-printable soft line breaks are joined, =0D=0A is a line break, UTF-8 decoded
    assert "Met at the café meetup in March.\nKnows everyone in consulting; ask about the " \
           "graduate programme.\n" in body
    text = (vault / "notes" / "contacts" / "José Núñez.md").read_text(encoding="utf-8")
    # extra emails and phones are lists of their own (`email` stays text in every note), and
    # never comments, which Obsidian's property editor drops
    assert "\nemails:\n  - jose@home.example\nphone:" in text and "# other" not in text
    meta, _ = note(vault, "contacts/Zoë O'Brien.md")
    assert meta["linkedin"] == "https://www.linkedin.com/in/zoe-obrien-fictional/"
    assert meta["location"] == "Cork, Ireland"


def test_vcard_30_escaped_commas_folding_and_social_profile(make_vault) -> None:
    vault = make_vault({})
    assert import_file("vcard", "contacts-v30.vcf", vault).output == (
        "created  contacts/Åsa Lindqvist.md\n"
        "created  contacts/Dr. Wei Chen.md\n"
        "contacts-v30.vcf: 2 created, 0 skipped, 0 errors.\n"
    )
    meta, body = note(vault, "contacts/Åsa Lindqvist.md")
    assert meta["company"] == "[[Quillfeather, Inc]]"
    assert meta["email"] == "asa@quillfeather.example"  # the preferred one
    assert meta["phone"] == "+46 70 123 45 67"
    assert meta["linkedin"] == "http://se.linkedin.com/in/asa-lindqvist"
    assert "Prefers email over calls, mornings only." in body  # folded line joined
    assert "- <https://asa.example/portfolio>" in body
    meta, _ = note(vault, "contacts/Dr. Wei Chen.md")
    assert meta["company"] == "[[Smith, Jones & Co]]"


def test_vcard_40_uri_phones_and_addresses(make_vault) -> None:
    vault = make_vault({})
    assert import_file("vcard", "contacts-v40.vcf", vault).exit_code == 0
    meta, body = note(vault, "contacts/Amara Okafor.md")
    assert meta["phone"] == "+1-555-555-0199"
    assert meta["location"] == "Baltimore, MD, USA"
    assert meta["linkedin"] == "https://www.linkedin.com/in/Amara-Okafor-Fictional"
    assert 'Said: "pipelines are plumbing" — ask about on-call.' in body


def test_malformed_cards_are_reported_and_valid_ones_imported(make_vault) -> None:
    vault = make_vault({})
    result = import_file("vcard", "malformed.vcf", vault)
    assert result.exit_code == 1
    assert result.output == (
        "created  contacts/Good Person.md\n"
        "created  contacts/Broken Card.md\n"
        "warning  malformed.vcf, card 2, line 9: not a vCard property (NAME:value): "
        "'this line is not a property'; ignored\n"
        "warning  malformed.vcf, card 3, line 11: the card has no name (FN or N); imported as "
        "'nameless', from its email address\n"
        "created  contacts/nameless.md\n"
        "error  malformed.vcf, card 4, line 15: the card is never closed by END:VCARD; skipped\n"
        "malformed.vcf: 3 created, 0 skipped, 1 error.\n"
    )
    assert sorted(p.name for p in (vault / "notes" / "contacts").iterdir()) == [
        "Broken Card.md", "Good Person.md", "nameless.md"]


def test_an_empty_file_is_refused_with_a_clear_message(make_vault, tmp_path: Path) -> None:
    vault = make_vault({})
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"\r\n  \n")
    result = run("import", "vcard", str(empty), "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output == "Error: empty.vcf: the file is empty; nothing to import\n"


def test_a_file_that_is_not_a_vcard_is_refused(make_vault) -> None:
    result = import_file("vcard", "Connections.csv", make_vault({}))
    assert result.exit_code == 1
    assert result.output == (
        "Error: Connections.csv: no BEGIN:VCARD line: this is not a vCard file\n"
    )


def test_imported_text_cannot_open_a_generated_block() -> None:
    data = (b"BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\n"
            b"NOTE:<!-- vault-tools:related -->\\n<<<<<<< HEAD\nEND:VCARD\n")
    from vault_tools.capture.importers.note import contact_note
    from vault_tools.parse import parse_note

    person = read_vcard(data).people[0]
    parsed = parse_note("contacts/Ann Lee.md", contact_note(person, "x.vcf"))
    assert parsed.blocks == () and not parsed.diagnostics


# --- LinkedIn ----------------------------------------------------------------------------------


def test_linkedin_export_with_its_preamble(make_vault) -> None:
    vault = make_vault({})
    result = import_file("linkedin", "Connections.csv", vault)
    assert result.exit_code == 0
    assert result.output == (
        "created  contacts/Zoë O'Brien.md\n"
        "created  contacts/José Núñez.md\n"
        "created  contacts/Priya Raman.md\n"
        "created  contacts/Mei Tanaka.md\n"
        "created  contacts/Liam O'Connor.md\n"
        "Connections.csv: 5 created, 0 skipped, 0 errors.\n"
    )
    meta, body = note(vault, "contacts/José Núñez.md")
    assert meta == {
        "type": "contact", "company": "[[Smith, Jones & Co]]", "role": "Senior Associate",
        "linkedin": "https://www.linkedin.com/in/jose-nunez-fictional",
        "connected_on": "2025-02-03", "source": "linkedin",
    }
    assert "Connected on LinkedIn on 2025-02-03." in body
    text = (vault / "notes" / "contacts" / "Zoë O'Brien.md").read_text(encoding="utf-8")
    assert "\nconnected_on: 2026-11-20\nsource: linkedin\n" in text
    meta, _ = note(vault, "contacts/Mei Tanaka.md")
    assert meta["company"] == "[[Quote Studio Tokyo]]"  # from 'Quote "Studio": Tokyo'
    assert meta["email"] == "mei.tanaka@example.com"
    meta, _ = note(vault, "contacts/Liam O'Connor.md")
    assert meta["company"] == "[[Acme-Widgets]]"  # from 'Acme/Widgets'


def test_linkedin_rows_of_hidden_members_are_skipped_and_counted_not_errors(make_vault) -> None:
    """LinkedIn exports members who hide their profile as rows with no name, URL or email: a
    real export must import with exit 0, saying how many were left out."""
    vault = make_vault({})
    result = import_file("linkedin", "connections-hidden-members.csv", vault)
    assert result.exit_code == 0
    assert result.output == (
        "created  contacts/Zoë O'Brien.md\n"
        "warning  connections-hidden-members.csv, line 6: 3 connections with no name, profile "
        "or email (LinkedIn leaves out members who hide them from exports): skipped (lines 6, "
        "7, 9)\n"
        "created  contacts/Kwame Asante.md\n"
        "connections-hidden-members.csv: 2 created, 0 skipped, 0 errors.\n"
    )


def test_cp1252_file_is_read_with_a_warning(make_vault) -> None:
    vault = make_vault({})
    result = import_file("linkedin", "connections-cp1252.csv", vault)
    assert result.exit_code == 0
    assert result.output == (
        "warning  connections-cp1252.csv, line 5: connections-cp1252.csv is not UTF-8 "
        "(first bad byte on line 5); read as Windows-1252: check accented names\n"
        "created  contacts/René Müller.md\n"
        "connections-cp1252.csv: 1 created, 0 skipped, 0 errors.\n"
    )
    assert note(vault, "contacts/René Müller.md")[0]["company"] == "[[Café Brûlé]]"


def test_missing_columns_bad_rows_and_a_repeated_name(make_vault) -> None:
    vault = make_vault({})
    result = import_file("linkedin", "connections-bad-rows.csv", vault)
    assert result.exit_code == 1
    assert result.output == (
        "warning  connections-bad-rows.csv, line 1: the header has no 'Email Address', "
        "'Position', 'Connected On' columns; those values are left empty\n"
        "created  contacts/Ana Lima.md\n"
        "error  connections-bad-rows.csv, line 3: 5 values where the header has 4 columns "
        "(an unquoted comma?); row skipped\n"
        "error  connections-bad-rows.csv, line 4: no first or last name; row skipped\n"
        "skipped  Ana Lima (line 5): same name as line 2 earlier in this file; if they are "
        "someone else, add them by hand under a distinct name\n"
        "connections-bad-rows.csv: 1 created, 1 skipped, 2 errors.\n"
    )
    assert note(vault, "contacts/Ana Lima.md")[0]["company"] == "[[Porto Labs]]"


def test_a_csv_without_the_linkedin_header_is_refused(make_vault, tmp_path: Path) -> None:
    other = tmp_path / "people.csv"
    other.write_text("Name,Email\nAnn,ann@example.com\n", encoding="utf-8")
    result = run("import", "linkedin", str(other), "--vault", str(make_vault({})))
    assert result.exit_code == 1
    assert result.output == (
        "Error: people.csv: no header line naming 'First Name' (expected First Name,Last Name,"
        "URL,Email Address,Company,Position,Connected On); is this the Connections.csv of a "
        "LinkedIn export?\n"
    )


@pytest.mark.parametrize(("text", "day"), [
    ("20 Nov 2026", "2026-11-20"), ("03 Feb 2025", "2025-02-03"), ("7 Aug 2023", "2023-08-07"),
    ("20-Nov-26", "2026-11-20"), ("Nov 20, 2026", "2026-11-20"), ("2026-11-20", "2026-11-20"),
    ("31 Feb 2026", None), ("someday", None), ("20 Foo 2026", None),
])
def test_connected_on_dates(text: str, day: str | None) -> None:
    parsed = parse_connected_on(text)
    assert (parsed.isoformat() if parsed else None) == day


# --- matching: never a duplicate, never a touched note -----------------------------------------


def test_reimporting_everything_creates_nothing_and_changes_no_byte(make_vault) -> None:
    vault = make_vault({})
    for name in VCARDS:
        assert import_file("vcard", name, vault).exit_code == 0
    assert import_file("linkedin", "Connections.csv", vault).exit_code == 0
    before = snapshot(vault)
    assert len(before) == 9  # mkdocs.yml and eight contacts
    for name in VCARDS:
        result = import_file("vcard", name, vault)
        assert result.exit_code == 0
        assert result.output.splitlines()[-1] == f"{name}: 0 created, " \
            f"{len(result.output.splitlines()) - 1} skipped, 0 errors."
    result = import_file("linkedin", "Connections.csv", vault)
    assert result.output.splitlines()[-1] == "Connections.csv: 0 created, 5 skipped, 0 errors."
    assert snapshot(vault) == before


EXISTING = {
    "email": "---\ntype: contact\nemail: JOSE.NUNEZ@example.com\n---\n# Joe\n",
    "linkedin": "---\ntype: contact\nlinkedin: http://LinkedIn.com/in/Zoe-OBrien-Fictional/"
                "?trk=x\n---\n# Z\n",
    "name": "---\ntype: contact\n---\n# zoë o'brien\n",
    "alias": "---\ntype: contact\naliases: [\"ZOË O'BRIEN\"]\n---\n# Zo\n",
}


@pytest.mark.parametrize(("key", "who", "reason"), [
    ("email", "José Núñez (card 1, line 1)", "same email"),
    ("linkedin", "Zoë O'Brien (card 2, line 14)", "same LinkedIn profile"),
    ("alias", "Zoë O'Brien (card 2, line 14)", "same name"),
])
def test_a_known_person_is_skipped_and_their_note_untouched(make_vault, key: str, who: str,
                                                              reason: str) -> None:
    vault = make_vault({"people/Someone.md": EXISTING[key]})
    before = snapshot(vault)
    result = import_file("vcard", "contacts-v21.vcf", vault)
    assert result.exit_code == 0
    assert f"skipped  {who}: already in the vault as people/Someone.md ({reason})\n" \
        in result.output
    assert result.output.endswith("contacts-v21.vcf: 1 created, 1 skipped, 0 errors.\n")
    after = snapshot(vault)
    assert {k: v for k, v in after.items() if k in before} == before


def test_same_name_in_another_case_is_the_same_person(make_vault) -> None:
    vault = make_vault({"contacts/zoë o'brien.md": EXISTING["name"]})
    before = snapshot(vault)
    result = import_file("linkedin", "Connections.csv", vault)
    assert ("skipped  Zoë O'Brien (line 5): already in the vault as contacts/zoë o'brien.md "
            "(same name)\n") in result.output
    assert snapshot(vault)["notes/contacts/zoë o'brien.md"] == \
        before["notes/contacts/zoë o'brien.md"]


@pytest.mark.parametrize(("a", "b"), [
    ("https://www.linkedin.com/in/jane/", "http://linkedin.com/in/jane"),
    ("https://www.linkedin.com/in/Jane", "linkedin.com/in/jane"),
    ("https://uk.linkedin.com/in/jane?trk=abc", "https://www.linkedin.com/in/jane#top"),
    ("https://www.linkedin.com/in/jos%C3%A9", "https://www.linkedin.com/in/José/"),
])
def test_linkedin_urls_are_compared_normalised(a: str, b: str) -> None:
    assert normalize_linkedin(a) == normalize_linkedin(b)


def test_a_non_contact_note_with_the_same_name_blocks_the_file_name(make_vault) -> None:
    vault = make_vault({"companies/Mei Tanaka.md": "---\ntype: company\n---\n"})
    result = import_file("linkedin", "Connections.csv", vault)
    assert ("skipped  Mei Tanaka (line 8): a note named 'Mei Tanaka' already exists "
            "(companies/Mei Tanaka.md)\n") in result.output


def test_dry_run_writes_nothing(make_vault) -> None:
    vault = make_vault({})
    before = snapshot(vault)
    result = import_file("linkedin", "Connections.csv", vault, "--dry-run")
    assert result.exit_code == 0
    assert result.output.startswith("would create  contacts/Zoë O'Brien.md\n")
    assert result.output.endswith(
        "Connections.csv: 5 would be created, 0 skipped, 0 errors. Dry run: nothing written.\n"
    )
    assert snapshot(vault) == before


def test_a_file_in_the_way_is_skipped_not_overwritten(make_vault) -> None:
    # A folder where the note would go (not a note, so the index does not know it).
    vault = make_vault({"contacts/Zoë O'Brien.md/keep.txt": "mine\n"})
    result = import_file("vcard", "contacts-v21.vcf", vault)
    assert ("skipped  Zoë O'Brien (card 2, line 14): contacts/Zoë O'Brien.md appeared while "
            "importing; left alone\n") in result.output
    assert (vault / "notes" / "contacts" / "Zoë O'Brien.md" / "keep.txt").read_text() == "mine\n"


def test_a_write_failure_is_an_error_and_leaves_nothing_behind(make_vault) -> None:
    vault = make_vault({"contacts": "a file where the contacts folder should be\n"})
    before = snapshot(vault)
    result = import_file("vcard", "contacts-v21.vcf", vault)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("error  contacts-v21.vcf, card 1, line 1: ")
    assert "cannot create the note" in lines[0]
    assert lines[-1] == "contacts-v21.vcf: 0 created, 0 skipped, 2 errors."
    assert snapshot(vault) == before


def test_utf16_vcard_from_windows_is_read(make_vault, tmp_path: Path) -> None:
    source = tmp_path / "outlook.vcf"
    source.write_bytes((DATA / "contacts-v30.vcf").read_text(encoding="utf-8")
                       .encode("utf-16"))
    vault = make_vault({})
    result = run("import", "vcard", str(source), "--vault", str(vault))
    assert result.output == (
        "created  contacts/Åsa Lindqvist.md\n"
        "created  contacts/Dr. Wei Chen.md\n"
        "outlook.vcf: 2 created, 0 skipped, 0 errors.\n"
    )


def test_imported_notes_pass_check(make_vault) -> None:
    vault = make_vault({})
    for name in VCARDS:
        import_file("vcard", name, vault)
    import_file("linkedin", "Connections.csv", vault)
    diagnostics = load_index(find_vault(vault)).diagnostics()
    # company links are placeholders until the company notes exist: warnings, never errors
    assert {d.code for d in diagnostics} == {"broken-link"}
    assert all(d.severity == "warning" for d in diagnostics)


# --- export csv --------------------------------------------------------------------------------

EXPORT_VAULT = {
    "contacts/Jane Doe.md": (
        "---\ntype: contact\ncompany: \"[[Acme]]\"\nrole: \"Engineer, Platform\"\n"
        "email: jane@example.com\nintroduced_by: \"[[Secret Sam]]\"\ncadence: 30d\n"
        "last_contact: 2026-10-01\ntags: [a, b]\n---\n# Jane\n"
    ),
    "contacts/Secret Sam.md": "---\ntype: contact\nprivate: true\nemail: sam@x.org\n---\n",
    "companies/Acme.md": "---\ntype: company\n---\n",
    "interviews/2026-11-20 Jane Doe.md": (
        "---\ntype: interview\ndate: 2026-11-20\nwith: \"[[Jane Doe]]\"\nstatus: done\n---\n"
    ),
}


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_export_csv_lists_contacts_with_last_interaction_and_next_followup(make_vault) -> None:
    result = run("export", "csv", "--vault", str(make_vault(EXPORT_VAULT)))
    assert result.exit_code == 0
    rows = read_csv(result.stdout)
    assert [r["name"] for r in rows] == ["Jane Doe"]  # the private contact is left out
    jane = rows[0]
    assert jane["company"] == "Acme"
    assert jane["role"] == "Engineer, Platform"
    assert jane["email"] == "jane@example.com"
    assert jane["cadence"] == "30d"
    assert jane["tags"] == "a; b"
    assert jane["introduced_by"] == ""  # it would name a private contact
    assert jane["last_interaction"] == "2026-11-20"
    assert jane["next_followup_due"] == "2026-11-21"
    assert jane["next_followup"].startswith("Send a thank-you")
    assert jane["path"] == "contacts/Jane Doe.md"
    assert "sam@x.org" not in result.stdout and "Secret Sam" not in result.stdout


def test_export_csv_include_private_and_output_file(make_vault, tmp_path: Path) -> None:
    out = tmp_path / "contacts.csv"
    result = run("export", "csv", "--include-private", "-o", str(out),
                 "--vault", str(make_vault(EXPORT_VAULT)))
    assert result.exit_code == 0
    assert result.stderr == f"Wrote 2 contacts to {out}.\n"
    rows = read_csv(out.read_text(encoding="utf-8"))
    assert [r["name"] for r in rows] == ["Jane Doe", "Secret Sam"]
    assert rows[0]["introduced_by"] == "Secret Sam"


def test_export_csv_round_trips_awkward_values(make_vault) -> None:
    vault = make_vault({})
    import_file("linkedin", "Connections.csv", vault)
    rows = read_csv(run("export", "csv", "--vault", str(vault)).stdout)
    by_name = {r["name"]: r for r in rows}
    assert by_name["José Núñez"]["company"] == "Smith, Jones & Co"
    assert by_name["Zoë O'Brien"]["connected_on"] == "2026-11-20"
    assert by_name["Zoë O'Brien"]["source"] == "linkedin"


def test_demo_vault_exports_its_contacts_but_not_private_ones(tmp_path: Path) -> None:
    from .conftest import DEMO_VAULT

    shutil.copytree(DEMO_VAULT, tmp_path / "notes")
    (tmp_path / "mkdocs.yml").write_text("site_name: d\ndocs_dir: notes\n", encoding="utf-8")
    result = run("export", "csv", "--vault", str(tmp_path))
    assert result.exit_code == 0
    names = [r["name"] for r in read_csv(result.stdout)]
    assert len(names) == 9 and "Renata Silva" not in names  # her note is private
    result = run("export", "csv", "--include-private", "--vault", str(tmp_path))
    assert len(read_csv(result.stdout)) == 10


def test_export_csv_never_hands_a_spreadsheet_a_formula(make_vault) -> None:
    vault = make_vault({
        "contacts/Mal Lory.md": (
            "---\ntype: contact\nrole: \"=HYPERLINK(\\\"http://evil.example\\\",\\\"cv\\\")\"\n"
            "location: \"@SUM(1+1)\"\nphone: \"+44 20 7946 0958\"\ncompany: \"-2+3\"\n---\n"
        ),
    })
    row = read_csv(run("export", "csv", "--vault", str(vault)).stdout)[0]
    assert row["role"] == "'=HYPERLINK(\"http://evil.example\",\"cv\")"
    assert row["location"] == "'@SUM(1+1)"
    assert row["company"] == "'-2+3"
    assert row["phone"] == "+44 20 7946 0958"  # a phone number runs nothing: kept as written


# --- imported values are data, never markup (DESIGN §7) ------------------------------------------


@pytest.mark.slow
def test_hostile_imports_build_a_site_that_runs_no_script_of_theirs(make_vault) -> None:
    from vault_tools.site.build import build_site

    from .html_safety import page_text, site_problems

    vault = make_vault({})
    (vault / "mkdocs.yml").write_text(
        "site_name: Test vault\ndocs_dir: notes\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - vault:\n      publish_fields: [email, phone, linkedin]\n",
        encoding="utf-8")
    assert import_file("vcard", "hostile.vcf", vault).exit_code == 0
    assert import_file("linkedin", "connections-hostile.csv", vault).exit_code == 0
    names = sorted(p.name for p in (vault / "notes" / "contacts").iterdir())
    assert len(names) == 5
    # File names hold no path separator and do not start with a dot (`FN:../../.bashrc`), and
    # nothing was written anywhere but in contacts/.
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)
    assert "-..-.bashrc.md" in names
    assert sorted(p.name for p in (vault / "notes").iterdir()) == ["contacts"]
    site = build_site(find_vault(vault))
    assert site_problems(site) == {}
    # The values are shown as they were written, as text.
    eve = next(site.glob("contacts/Eve*/index.html")).read_text(encoding="utf-8")
    text = page_text(eve)
    assert "Eve <img src=x onerror=alert(1)>" in text
    assert "<script>alert(4)</script> and [x](javascript:alert(5))" in text
    assert '<a href="javascript:alert(6)">y</a>' in text
    assert "javascript:alert(10)" in text
    # A web address is still a link.
    assert 'href="https://example.org/ok?a=1&amp;b=2"' in eve
    # No Python-Markdown attribute list, reference definition or comment was read as such.
    assert '{: onclick="alert(8)"}' in text and "[r]: javascript:alert(7)" in text


def test_imported_names_and_notes_are_inert_markdown() -> None:
    from vault_tools.capture.importers.common import Person
    from vault_tools.capture.importers.note import contact_note
    from vault_tools.parse import parse_note

    person = Person(name="[[Jane Doe]] <b>x</b> %%hidden%% #tag", source="vcard",
                    where="card 1", note="[[Jane Doe]]\n![[secret.png]]\n- [ ] a task",
                    urls=("https://x.example/a b", "javascript:alert(1)"))
    parsed = parse_note("contacts/X.md", contact_note(person, "f.vcf"))
    # No link, embed, task, tag or block is read into the vault's index from imported text.
    assert parsed.links == () or all(link.field for link in parsed.links)
    assert not parsed.diagnostics and parsed.blocks == ()
    assert not [t for t in parsed.tags if t == "tag"]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.text(alphabet="<>&\\`*_[]{}()#|!-+=.:%~^ 1aj/\"'\n\t",
                                      max_size=60))
def test_imported_text_renders_as_exactly_that_text(text: str) -> None:
    """Whatever an import file holds, its Markdown renders as one paragraph of that very text
    (white space aside): no element, no link, no HTML."""
    import unicodedata
    from html.parser import HTMLParser

    import markdown

    from vault_tools.capture.importers.note import _body_text

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.tags: set[str] = set()
            self.text = ""

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.tags.add(tag)

        def handle_data(self, data: str) -> None:
            self.text += data

    html = markdown.markdown(_body_text(text), extensions=[
        "tables", "toc", "attr_list", "md_in_html", "footnotes", "pymdownx.tasklist"])
    reader = Reader()
    reader.feed(html)
    reader.close()
    assert reader.tags <= {"p"}, html
    line_breaks = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85"
    shown = "".join(ch for ch in text
                    if ch in line_breaks or unicodedata.category(ch) != "Cc")
    assert " ".join(reader.text.split()) == " ".join(shown.split())


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTPS://", "javascript:", "data:", ""]),
       st.text(alphabet="hts:/<>\"'`{}|^\\ jav.x%&?#=()[]", max_size=40))
def test_only_plain_web_addresses_become_links(scheme: str, rest: str) -> None:
    url = scheme + rest
    import markdown

    from vault_tools.capture.importers.note import safe_url

    found = safe_url(url)
    if found is None:
        return
    html = markdown.markdown(f"- <{found}>")
    assert html.count("<a ") == 1 and f'href="{found.replace("&", "&amp;")}"' in html
    assert found.lower().startswith(("http://", "https://"))


def test_values_yaml_cannot_load_as_written_are_imported_quoted(make_vault, tmp_path) -> None:
    card = tmp_path / "odd.vcf"
    card.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Odd Values\r\nTITLE:2026-02-30\r\n"
                     b"ADR:;;;!!int abc;;;\r\nEMAIL:!!bool maybe\r\nEND:VCARD\r\n")
    vault = make_vault({})
    result = run("import", "vcard", str(card), "--vault", str(vault))
    assert result.exit_code == 0, result.output
    meta, _ = note(vault, "contacts/Odd Values.md")
    assert (meta["role"], meta["location"], meta["email"]) == (
        "2026-02-30", "!!int abc", "!!bool maybe")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.sampled_from(["2026-02-30", "!!int abc", "1e400", "yes", "~",
                                               "!!python/object:os.system", "&a", "0o17"]))
def test_any_imported_value_reads_back_as_written(value: str) -> None:
    import yaml

    from vault_tools.capture.importers.note import yaml_scalar
    from vault_tools.capture.templates import single_line

    assert yaml.safe_load(f"k: {yaml_scalar(value)}\n") == {"k": single_line(value)}


# --- the registry: one entry per format, one command per entry --------------------------------


def test_every_registered_format_is_an_import_command_listed_in_help() -> None:
    from vault_tools.capture.importers import READERS

    listing = run("import", "--help").output
    for kind, fmt in READERS.items():
        assert kind in listing
        shown = " ".join(run("import", kind, "--help").output.split())
        assert " ".join(fmt.help.split()) in shown
        assert "--dry-run" in shown and "--vault" in shown


def test_a_format_added_to_the_registry_imports_through_its_own_command(
    make_vault, monkeypatch
) -> None:
    """The recipe in docs/architecture.md: a registry entry (here reusing the vCard reader under
    a new name) is all `import NAME FILE` needs."""
    from vault_tools import cli
    from vault_tools.capture.importers import READERS, Format

    monkeypatch.setattr(cli.import_group, "commands", dict(cli.import_group.commands))
    entry = Format("vcard", "read_vcard", "Contacts from an address book export.")
    monkeypatch.setitem(READERS, "addressbook", entry)
    cli._import_command("addressbook", entry.help)

    assert "addressbook" in run("import", "--help").output
    vault = make_vault({})
    result = import_file("addressbook", "contacts-v30.vcf", vault)
    assert result.exit_code == 0, result.output
    assert (vault / "notes" / "contacts").is_dir()
    assert "created  contacts/" in result.output
