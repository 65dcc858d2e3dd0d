"""`vault-tools new`: notes from the vault's own templates, placeholders filled safely, and never
a note overwritten."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.capture.new import CaptureError, safe_name
from vault_tools.capture.templates import Value, fill_template
from vault_tools.cli import main
from vault_tools.frontmatter_yaml import load_front_matter
from vault_tools.parse import parse_note
from vault_tools.vault import find_vault, load_index

from .conftest import DEMO_VAULT

TEMPLATES = {
    f"templates/{path.name}": path.read_text(encoding="utf-8")
    for path in sorted((DEMO_VAULT / "templates").glob("*.md"))
}
KNOWN = {
    "contacts/Jane Doe.md": "---\ntype: contact\naliases: [JD]\n---\n# Jane Doe\n",
}


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return load_front_matter(text[4:text.index("\n---\n", 4) + 1])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- each type ---------------------------------------------------------------------------------


def test_new_contact_fills_the_template_and_prints_the_path(make_vault) -> None:
    vault = make_vault({**TEMPLATES})
    result = run("new", "contact", "Zoë O'Brien", "--company", "Acme", "--introduced-by",
                 "Jane Doe", "--email", "zoe@example.com", "--today", "2026-11-25",
                 "--vault", str(vault))
    path = vault / "notes" / "contacts" / "Zoë O'Brien.md"
    assert result.exit_code == 0
    assert result.stdout == f"{path}\n"
    meta = front_matter(path)
    assert meta["type"] == "contact"
    assert meta["company"] == "[[Acme]]"
    assert meta["introduced_by"] == "[[Jane Doe]]"
    assert meta["email"] == "zoe@example.com"
    text = path.read_text(encoding="utf-8")
    assert "# Zoë O'Brien\n" in text and "_Added on 2026-11-25._" in text
    assert "{{" not in text
    # the template's keys keep their order and spelling: the note is filled, not re-serialised
    assert 'company: "[[Acme]]"\nrole: ""\nemail: "zoe@example.com"\nphone: ""\n' in text


def test_new_contact_without_options_leaves_link_fields_empty(make_vault) -> None:
    vault = make_vault({**TEMPLATES})
    assert run("new", "contact", "Ann Lee", "--vault", str(vault)).exit_code == 0
    meta = front_matter(vault / "notes" / "contacts" / "Ann Lee.md")
    assert meta["company"] == "" and meta["introduced_by"] == "" and meta["email"] == ""
    note = load_index(find_vault(vault)).get("contacts/Ann Lee.md")
    assert note is not None and not note.diagnostics and note.links == ()


@pytest.mark.parametrize(("kind", "folder"), [("company", "companies"), ("career", "careers")])
def test_new_company_and_career_go_to_their_folders(make_vault, kind: str, folder: str) -> None:
    vault = make_vault({**TEMPLATES})
    result = run("new", kind, "UX Research", "--today", "2026-01-02", "--vault", str(vault))
    path = vault / "notes" / folder / "UX Research.md"
    assert result.exit_code == 0 and result.stdout == f"{path}\n"
    assert front_matter(path)["type"] == kind
    assert "# UX Research\n" in path.read_text(encoding="utf-8")
    assert "2026-01-02" in path.read_text(encoding="utf-8")


def test_new_interview_is_named_by_date_and_person_and_links_them(make_vault) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    result = run("new", "interview", "jane doe", "--date", "2026-11-20", "--today", "2026-11-25",
                 "--vault", str(vault))
    path = vault / "notes" / "interviews" / "2026-11-20 Jane Doe.md"
    assert result.exit_code == 0
    assert result.stdout == f"{path}\n"
    assert result.stderr == ""
    meta = front_matter(path)
    assert meta["with"] == ["[[Jane Doe]]"]  # the contact's own spelling, not what was typed
    assert meta["date"] == "2026-11-20"
    assert meta["status"] == "done"
    # the heading is the note's name, as Obsidian's {{title}} gives it
    assert "\n# 2026-11-20 Jane Doe\n" in path.read_text(encoding="utf-8")
    # linked both ways: the contact's related block lists the conversation
    contact = (vault / "notes" / "contacts" / "Jane Doe.md").read_text(encoding="utf-8")
    assert "<!-- vault-tools:related -->" in contact
    assert "[[2026-11-20 Jane Doe]]" in contact


def test_new_interview_by_alias_uses_the_contacts_name(make_vault) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    assert run("new", "interview", "JD", "--date", "2026-11-20", "--vault",
               str(vault)).exit_code == 0
    assert (vault / "notes" / "interviews" / "2026-11-20 Jane Doe.md").is_file()


@pytest.mark.parametrize(("args", "status"), [
    (["--planned"], "planned"),
    (["--date", "2026-12-24"], "planned"),  # a date after today has not happened yet
    ([], "done"),
])
def test_new_interview_status(make_vault, args: list[str], status: str) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    result = run("new", "interview", "Jane Doe", "--today", "2026-11-25", *args,
                 "--vault", str(vault))
    assert result.exit_code == 0
    path = Path(result.stdout.strip())
    assert front_matter(path)["status"] == status
    assert path.name.startswith("2026-12-24 " if "--date" in args else "2026-11-25 ")


def test_new_interview_with_a_new_person_hints_to_create_the_contact(make_vault) -> None:
    vault = make_vault({**TEMPLATES})
    result = run("new", "interview", "Sam Poe", "--date", "2026-11-20", "--new-person",
                 "--vault", str(vault))
    assert result.exit_code == 0
    assert result.stderr == (
        "Hint: no contact named 'Sam Poe' yet: `vault-tools new contact \"Sam Poe\"` "
        "creates one\n"
    )
    assert front_matter(vault / "notes" / "interviews" / "2026-11-20 Sam Poe.md")["with"] == \
        ["[[Sam Poe]]"]


def test_a_person_given_twice_is_listed_and_hinted_at_once(make_vault) -> None:
    # "--with bob" after "--with Bob": one person in `with`, so one hint to create them.
    vault = make_vault({**TEMPLATES, **KNOWN})
    result = run("new", "interview", "Jane Doe", "--with", "JD", "--with", "Bob", "--with",
                 "bob", "--with", "jane doe", "--new-person", "--date", "2026-11-20",
                 "--vault", str(vault))
    assert result.exit_code == 0
    assert result.stderr == (
        "Hint: no contact named 'Bob' yet: `vault-tools new contact \"Bob\"` creates one\n")
    assert front_matter(vault / "notes" / "interviews" / "2026-11-20 Jane Doe.md")["with"] == \
        ["[[Jane Doe]]", "[[Bob]]"]


def test_the_conversation_names_the_same_placeholder_company_as_the_contact(make_vault) -> None:
    # "Acme, Inc." (an import's spelling) was copied as "[[Acme, Inc]]" and "AT&T / Bell Labs"
    # as "[[AT&T - Bell Labs]]": each company had two placeholders, the conversation listed
    # under the wrong one on the Companies page.
    vault = make_vault({
        **TEMPLATES,
        "contacts/Ann.md": '---\ntype: contact\ncompany: "Acme, Inc."\n---\n',
        "contacts/Bo.md": '---\ntype: contact\ncompany: "AT&T / Bell Labs"\n---\n',
    })
    for person in ("Ann", "Bo"):
        assert run("new", "interview", person, "--date", "2026-11-20",
                   "--vault", str(vault)).exit_code == 0
    interviews = vault / "notes" / "interviews"
    assert front_matter(interviews / "2026-11-20 Ann.md")["company"] == "[[Acme, Inc.]]"
    assert front_matter(interviews / "2026-11-20 Bo.md")["company"] == "[[AT&T / Bell Labs]]"
    assert "2 companies are named in `company`" in run("check", "--vault", str(vault)).output


@pytest.mark.parametrize("name", ["questions", "Questions.", "companies/Acme"])
def test_a_new_person_named_like_a_note_that_is_no_contact_is_refused(
        make_vault, name: str) -> None:
    # --new-person "questions" wrote `with: [[questions]]`: the question bank became a person
    # to thank and keep in touch with, and the hint offered a second note of that name.
    vault = make_vault({**TEMPLATES, "questions.md": "# Questions\n",
                        "companies/Acme.md": "---\ntype: company\n---\n"})
    result = run("new", "interview", name, "--new-person", "--date", "2026-11-20",
                 "--vault", str(vault))
    assert result.exit_code == 1
    assert "a note that is not a contact; nothing was created" in result.output
    assert not (vault / "notes" / "interviews").exists()


def test_a_name_is_written_into_a_notes_body_as_text_never_as_html(make_vault) -> None:
    # A contact file named "Eve <img src=x onerror=alert(1)>": `new interview` wrote the name
    # into the body's heading as a tag, and the site ran its script.
    name = "Eve <img src=x onerror=alert(1)>"
    vault = make_vault({**TEMPLATES, f"contacts/{name}.md": "---\ntype: contact\n---\n"})
    assert run("new", "interview", name, "--date", "2026-11-20", "--vault",
               str(vault)).exit_code == 0
    text = (vault / "notes" / "interviews" / f"2026-11-20 {name}.md").read_text(encoding="utf-8")
    assert "# 2026-11-20 Eve &lt;img src=x onerror=alert(1)>\n" in text
    written = text.split("\n---\n", 1)[1].split("<!-- vault-tools:related -->")[0]
    assert "<img" not in written
    assert front_matter(vault / "notes" / "interviews" / f"2026-11-20 {name}.md")["with"] == \
        [f"[[{name}]]"]


def test_new_interview_with_a_misspelt_person_suggests_the_contact_and_writes_nothing(
    make_vault,
) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    result = run("new", "interview", "Jane Do", "--date", "2026-11-20", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output == (
        "Error: no contact named 'Jane Do'. Did you mean 'Jane Doe'? Nothing was created; "
        "pass --new-person to talk with 'Jane Do' anyway\n"
    )
    assert not (vault / "notes" / "interviews").exists()


def test_new_interview_with_a_stranger_says_how_to_add_them(make_vault) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    result = run("new", "interview", "Zed Quux", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output == (
        "Error: no contact named 'Zed Quux'; nothing was created. Create the contact first "
        "(`vault-tools new contact \"Zed Quux\"`) or pass --new-person\n"
    )
    assert not (vault / "notes" / "interviews").exists()


def test_new_interview_with_several_people_lists_them_all_and_copies_the_company(
    make_vault,
) -> None:
    vault = make_vault({
        **TEMPLATES, **KNOWN,
        "contacts/Sam Lee.md": "---\ntype: contact\ncompany: \"[[acme]]\"\n---\n",
        "companies/Acme.md": "---\ntype: company\n---\n",
    })
    result = run("new", "interview", "JD", "--with", "sam lee", "--with", "Ann Ray",
                 "--with", "Jane Doe", "--new-person", "--date", "2026-12-03",
                 "--today", "2026-11-25", "--vault", str(vault))
    path = vault / "notes" / "interviews" / "2026-12-03 Jane Doe.md"
    assert result.exit_code == 0
    assert result.stdout == f"{path}\n"
    meta = front_matter(path)
    assert meta["with"] == ["[[Jane Doe]]", "[[Sam Lee]]", "[[Ann Ray]]"]
    assert meta["company"] == "[[Acme]]"  # Jane has none; Sam's, by the company's own name
    assert meta["status"] == "planned"
    text = path.read_text(encoding="utf-8")
    assert "\n# 2026-12-03 Jane Doe\n" in text
    note = load_index(find_vault(vault)).get("interviews/2026-12-03 Jane Doe.md")
    assert note is not None and not note.diagnostics
    assert note.fields.with_ == ("Jane Doe", "Sam Lee", "Ann Ray")


def test_an_ambiguous_name_is_refused_naming_the_notes(make_vault) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN, "people/Jane Doe.md": "---\ntype: contact\n---\n"})
    result = run("new", "interview", "Jane Doe", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output == (
        "Error: 'Jane Doe' names several notes (contacts/Jane Doe.md, people/Jane Doe.md); "
        "name one by its path, e.g. 'contacts/Jane Doe'; nothing was created\n"
    )
    assert not (vault / "notes" / "interviews").exists()
    result = run("new", "interview", "people/Jane Doe", "--date", "2026-11-20",
                 "--vault", str(vault))
    assert result.exit_code == 0
    # the link names the one meant: the name alone would be ambiguous
    assert front_matter(vault / "notes" / "interviews" / "2026-11-20 Jane Doe.md")["with"] == \
        ["[[people/Jane Doe]]"]


def test_one_unknown_person_among_several_refuses_the_whole_note(make_vault) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    result = run("new", "interview", "Jane Doe", "--with", "Jane Dough", "--vault", str(vault))
    assert result.exit_code == 1
    assert "Did you mean 'Jane Doe'?" in result.output
    assert not (vault / "notes" / "interviews").exists()


@settings(max_examples=60, deadline=None)
@given(people=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                               max_size=12), min_size=1, max_size=4))
def test_a_list_placeholder_always_gives_the_exact_list(people: list[str]) -> None:
    value = Value("", link=True, items=tuple(people))
    for template in ('with: "{{with}}"\n', "with: '{{with}}'\n", "with: {{with}}\n",
                     "with:\n  - {{with}}\n", "with: [{{with}}]\n"):
        text = fill_template(f"---\n{template}---\n", {"with": value})
        loaded = load_front_matter(text[4:text.index("---\n", 4)])["with"]
        assert loaded == [f"[[{p}]]" for p in people], template


# --- never overwrite ---------------------------------------------------------------------------


def test_new_refuses_to_overwrite_and_leaves_the_note_untouched(make_vault) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    path = vault / "notes" / "contacts" / "Jane Doe.md"
    before, mtime = digest(path), path.stat().st_mtime_ns
    result = run("new", "contact", "Jane Doe", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output == (
        "Error: contacts/Jane Doe.md already exists; `new` never overwrites a note\n"
    )
    assert digest(path) == before and path.stat().st_mtime_ns == mtime


def test_new_refuses_a_name_another_note_already_has(make_vault) -> None:
    vault = make_vault({**TEMPLATES, "people/jane doe.md": "# Jane\n"})
    result = run("new", "contact", "Jane Doe", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output == (
        "Error: a note named 'Jane Doe' already exists (people/jane doe.md); links by that "
        "name would become ambiguous, so nothing was created\n"
    )
    assert not (vault / "notes" / "contacts").exists()


def test_new_interview_twice_the_same_day_is_refused(make_vault) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    first = run("new", "interview", "Jane Doe", "--date", "2026-11-20", "--vault", str(vault))
    path = Path(first.stdout.strip())
    before = digest(path)
    second = run("new", "interview", "Jane Doe", "--date", "2026-11-20", "--vault", str(vault))
    assert second.exit_code == 1
    assert second.output == (
        "Error: interviews/2026-11-20 Jane Doe.md already exists; `new` never overwrites a note\n"
    )
    assert digest(path) == before


# --- awkward values and names ------------------------------------------------------------------


def test_awkward_values_give_valid_yaml_with_the_exact_values(make_vault) -> None:
    vault = make_vault({**TEMPLATES})
    email = 'zoë"o\'brien\\x@example.com: #1'
    result = run("new", "contact", 'Zoë "Z" O\'Brien', "--company", "Smith, Jones & Co.",
                 "--introduced-by", "[[José Núñez]]", "--email", email, "--vault", str(vault))
    assert result.exit_code == 0
    path = vault / "notes" / "contacts" / "Zoë Z O'Brien.md"
    assert result.stdout == f"{path}\n"
    meta = front_matter(path)
    assert meta["email"] == email
    # link targets are note names, so they are made safe the same way file names are
    assert meta["company"] == "[[Smith, Jones & Co]]"
    assert meta["introduced_by"] == "[[José Núñez]]"
    text = path.read_text(encoding="utf-8")
    assert '# Zoë "Z" O\'Brien\n' in text  # the heading keeps the name as typed
    note = parse_note("contacts/Zoë Z O'Brien.md", text)
    assert not [d for d in note.diagnostics if d.severity == "error"]


@pytest.mark.parametrize("template", [
    'company: "{{company}}"\n',
    "company: '{{company}}'\n",
    "company: {{company}}\n",
    "company: {{company}}  # where they work\n",
    "company: [{{company}}]\n",
    "company:\n  - {{company}}\n",
])
@pytest.mark.parametrize("value", [
    'Quote "Co": Ltd', "O'Brien & Sons", "a\\b", "- dash", "yes", "#hash", "tab\there", "",
])
def test_placeholders_are_escaped_for_their_yaml_quoting(template: str, value: str) -> None:
    text = fill_template(f"---\n{template}---\n{{{{company}}}}\n",
                         {"company": Value(value)})
    loaded = load_front_matter(text[4:text.index("---\n", 4)])["company"]
    expected = " ".join(value.split())  # values stay on one line
    assert (loaded[0] if isinstance(loaded, list) else loaded) == expected
    assert text.endswith(f"---\n{expected}\n")  # the body gets the plain text


def test_unknown_placeholders_are_left_as_written() -> None:
    text = fill_template("---\na: \"{{nope}}\"\n---\n{{name}} {{nope}}\n",
                         {"name": Value("Ann")})
    assert text == "---\na: \"{{nope}}\"\n---\nAnn {{nope}}\n"


def test_a_template_that_fills_to_invalid_yaml_is_refused_and_nothing_written(
    make_vault,
) -> None:
    vault = make_vault({"templates/company.md": "---\ntitle: The {{name}} company\n---\n"})
    result = run("new", "company", "Acme: West", "--vault", str(vault))
    template = vault / "notes" / "templates" / "company.md"
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {template} line 2: the filled front matter is "
                                    "not valid YAML (invalid YAML: ")
    assert not (vault / "notes" / "companies").exists()


@pytest.mark.parametrize(("name", "safe"), [
    ("Zoë O'Brien", "Zoë O'Brien"),
    ("José Núñez", "José Núñez"),
    ("Jose\u0301 Nu\u0301n\u0303ez", "José Núñez"),  # decomposed accents are composed (macOS)
    ("AC/DC", "AC-DC"),
    ("back\\slash|pipe", "back-slash-pipe"),
    ('Dr. "Who": the *real* one?', "Dr. Who the real one"),
    ("<tag> # [x] ^y", "tag x y"),
    ("Smith, Jones & Co.", "Smith, Jones & Co"),
    ("trailing dots...  ", "trailing dots"),
    ("..hidden", "hidden"),
    ("tab\there\nnew\x00line\x7f", "tab here new line"),
    ("CON", "CON_"),
    ("nul.txt", "nul.txt_"),
    ("Com1", "Com1_"),
    ("Console", "Console"),
])
def test_safe_names_work_on_every_os(name: str, safe: str) -> None:
    assert safe_name(name) == safe


@pytest.mark.parametrize("name", ["", "   ", "???", "...", ':*?"<>', "\x00\x1f"])
def test_a_name_with_nothing_usable_is_refused(name: str) -> None:
    with pytest.raises(CaptureError):
        safe_name(name)


def test_long_names_are_cut_to_a_safe_length() -> None:
    assert len(safe_name("é" * 300).encode("utf-8")) <= 200


def test_unsafe_characters_in_a_new_notes_name(make_vault) -> None:
    vault = make_vault({**TEMPLATES})
    result = run("new", "company", 'AT&T: "Bell"/Labs?', "--vault", str(vault))
    path = vault / "notes" / "companies" / "AT&T Bell -Labs.md"
    assert result.exit_code == 0 and result.stdout == f"{path}\n"
    assert '# AT&T: "Bell"/Labs?\n' in path.read_text(encoding="utf-8")
    result = run("new", "company", "???", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output == "Error: '???' leaves no usable file name once unsafe characters go\n"


# --- templates ---------------------------------------------------------------------------------


def test_the_vaults_own_edited_template_is_used(make_vault) -> None:
    vault = make_vault({"templates/career.md": "---\ntype: career\nstarted: {{date}}\n---\n"
                                               "# {{title}}\n\nMine.\n"})
    result = run("new", "career", "Data Engineering", "--today", "2026-03-04",
                 "--vault", str(vault))
    assert result.exit_code == 0
    assert (vault / "notes" / "careers" / "Data Engineering.md").read_text(encoding="utf-8") == \
        "---\ntype: career\nstarted: \"2026-03-04\"\n---\n# Data Engineering\n\nMine.\n"


def test_without_a_templates_folder_the_packaged_template_is_used(make_vault) -> None:
    vault = make_vault({})
    result = run("new", "company", "Acme", "--vault", str(vault))
    assert result.exit_code == 0
    text = (vault / "notes" / "companies" / "Acme.md").read_text(encoding="utf-8")
    assert text == (DEMO_VAULT / "templates" / "company.md").read_text(encoding="utf-8") \
        .replace("{{title}}", "Acme").replace("{{date}}", dt.date.today().isoformat())


def test_crlf_templates_give_crlf_notes(make_vault) -> None:
    vault = make_vault({"templates/company.md": "---\r\ntype: company\r\n---\r\n# {{name}}\r\n"})
    assert run("new", "company", "Acme", "--vault", str(vault)).exit_code == 0
    assert (vault / "notes" / "companies" / "Acme.md").read_bytes() == \
        b"---\r\ntype: company\r\n---\r\n# Acme\r\n"


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands in for the editor")
def test_open_runs_the_editor_on_the_new_note(make_vault, tmp_path: Path) -> None:
    vault = make_vault({**TEMPLATES})
    log = tmp_path / "editor.log"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{log}"\n', encoding="utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    env = {"EDITOR": str(editor), "VISUAL": str(editor)}
    result = run("new", "company", "Acme", "--open", "--vault", str(vault), env=env)
    assert result.exit_code == 0
    assert log.read_text(encoding="utf-8") == f"{vault / 'notes' / 'companies' / 'Acme.md'}\n"
    assert os.path.getsize(vault / "notes" / "companies" / "Acme.md") > 0


def test_a_template_saved_with_a_bom_is_still_filled_as_yaml() -> None:
    text = fill_template('\ufeff---\nemail: "{{email}}"\n---\n', {"email": Value('a"b')})
    assert text == '\ufeff---\nemail: "a\\"b"\n---\n'


def test_new_refuses_a_name_that_is_another_notes_alias(make_vault) -> None:
    vault = make_vault({**TEMPLATES, **KNOWN})
    result = run("new", "contact", "jd", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output == (
        "Error: 'jd' is already an alias of contacts/Jane Doe.md; links by that name go there, "
        "so nothing was created\n"
    )
    assert not (vault / "notes" / "contacts" / "jd.md").exists()
