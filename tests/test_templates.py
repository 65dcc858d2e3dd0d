"""Templates and properties that work in Obsidian (#17): the packaged templates use only the
placeholders Obsidian fills, `new` fills them the same way, list properties are always lists,
and no data lives in a YAML comment."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.capture.new import plan_new
from vault_tools.capture.templates import Value, fill_template, format_moment
from vault_tools.cli import main
from vault_tools.frontmatter_yaml import load_front_matter
from vault_tools.parse import parse_note
from vault_tools.vault import find_vault, load_index

from .conftest import DEMO_VAULT

TEMPLATES = sorted((DEMO_VAULT / "templates").glob("*.md"))
# What Obsidian's core Templates plugin fills: {{title}}, {{date}}, {{time}}, and the last two
# with a moment.js format after a colon.
OBSIDIAN_PLACEHOLDER = re.compile(r"\{\{(?:title|date|time)(?::[^{}]*)?\}\}")
LIST_KEYS = ("with", "career", "referrals")


def front_matter_of(text: str) -> tuple[str, dict]:
    assert text.startswith("---\n")
    inner = text[4:text.index("\n---\n", 4) + 1]
    return inner, load_front_matter(inner)


def as_obsidian_fills(text: str, title: str, now: dt.datetime) -> str:
    """A template as Obsidian's Templates plugin fills it (its default date and time formats)."""
    def fill(match: re.Match[str]) -> str:
        name, _, fmt = match.group(0)[2:-2].partition(":")
        if name == "title":
            return title
        return format_moment(now, fmt or ("YYYY-MM-DD" if name == "date" else "HH:mm"))
    return OBSIDIAN_PLACEHOLDER.sub(fill, text)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --- the packaged templates ---------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_a_packaged_template_uses_only_placeholders_obsidian_fills(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert OBSIDIAN_PLACEHOLDER.sub("", text).count("{{") == 0


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_a_note_obsidian_makes_from_a_packaged_template_is_complete_and_valid(
    template: Path,
) -> None:
    kind = template.stem
    folder = {"contact": "contacts", "interview": "interviews", "company": "companies",
              "career": "careers"}[kind]
    text = as_obsidian_fills(template.read_text(encoding="utf-8"), "Acme Person",
                             dt.datetime(2026, 12, 3, 9, 30))
    assert "{{" not in text
    note = parse_note(f"{folder}/Acme Person.md", text)
    # An interview made in Obsidian still needs its people: that is the only thing missing.
    errors = [d for d in note.diagnostics if d.severity == "error"]
    assert [d.code for d in errors] == (["missing-field"] if kind == "interview" else [])
    assert all("with" in d.message for d in errors)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_a_packaged_template_keeps_nothing_in_yaml_comments(template: Path) -> None:
    inner, _ = front_matter_of(template.read_text(encoding="utf-8"))
    assert not [line for line in inner.splitlines() if line.lstrip().startswith("#")
                or " #" in line]


def test_the_interview_templates_list_properties_are_lists() -> None:
    _, meta = front_matter_of((DEMO_VAULT / "templates" / "interview.md").read_text("utf-8"))
    assert {key: meta.get(key) for key in LIST_KEYS} == {key: [] for key in LIST_KEYS}


def test_every_demo_interview_writes_its_list_properties_as_lists() -> None:
    mixed = []
    for path in sorted((DEMO_VAULT / "interviews").glob("*.md")):
        _, meta = front_matter_of(path.read_text(encoding="utf-8"))
        mixed += [(path.name, key) for key in LIST_KEYS
                  if key in meta and not isinstance(meta[key], list)]
    assert mixed == []


# --- `new` fills what Obsidian fills, the same way ----------------------------------------------


def test_new_fills_obsidians_placeholders_with_their_formats(make_vault) -> None:
    vault = make_vault({"templates/company.md": (
        "---\ntype: company\ncreated: {{date}}\nstamp: \"{{date:YYYYMMDD}}{{time:HHmm}}\"\n---\n"
        "# {{title}}\n\nAdded {{date:dddd D MMMM YYYY}} at {{time}} ({{date:[week] WW}}).\n"
    )})
    index = load_index(find_vault(vault))
    note = plan_new(find_vault(vault), index, "company", "Acme", today=dt.date(2026, 12, 3),
                    now=dt.datetime(2026, 12, 3, 9, 5))
    assert note.text == (
        "---\ntype: company\ncreated: \"2026-12-03\"\nstamp: \"202612030905\"\n---\n"
        "# Acme\n\nAdded Thursday 3 December 2026 at 09:05 (week 49).\n"
    )


@pytest.mark.parametrize(("fmt", "shown"), [
    ("YYYY-MM-DD", "2026-01-02"), ("DD/MM/YY", "02/01/26"), ("MMM Do", "Jan 2nd"),
    ("ddd, D MMM", "Fri, 2 Jan"), ("h:mm A", "3:04 PM"), ("HH:mm:ss", "15:04:05"),
    ("[Q]Q GGGG-[W]WW-E", "Q1 2026-W01-5"), ("DDDD", "002"), ("kk", "15"),
])
def test_moment_formats_as_obsidian_writes_them(fmt: str, shown: str) -> None:
    assert format_moment(dt.datetime(2026, 1, 2, 15, 4, 5), fmt) == shown


def test_title_is_the_notes_name_for_every_type(make_vault) -> None:
    vault = make_vault({
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n",
        **{f"templates/{kind}.md": "---\ntype: x\n---\n# {{title}}\n"
           for kind in ("contact", "interview", "company")},
    })
    assert run("new", "interview", "Jane Doe", "--date", "2026-11-20", "--vault",
               str(vault)).exit_code == 0
    assert (vault / "notes/interviews/2026-11-20 Jane Doe.md").read_text("utf-8") \
        .endswith("# 2026-11-20 Jane Doe\n")
    assert run("new", "company", "Acme", "--vault", str(vault)).exit_code == 0
    assert (vault / "notes/companies/Acme.md").read_text("utf-8").endswith("# Acme\n")


def test_new_puts_what_it_knows_into_the_keys_of_a_template_obsidian_can_fill(make_vault) -> None:
    vault = make_vault({
        "contacts/Jane Doe.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\n",
        "companies/Acme.md": "---\ntype: company\n---\n",
    })
    result = run("new", "contact", "Sam Lee", "--company", "Acme", "--email", "sam@example.com",
                 "--vault", str(vault))
    assert result.exit_code == 0
    _, meta = front_matter_of((vault / "notes/contacts/Sam Lee.md").read_text("utf-8"))
    assert (meta["company"], meta["email"], meta["introduced_by"]) == (
        "[[Acme]]", "sam@example.com", "")
    result = run("new", "interview", "Jane Doe", "--with", "Sam Lee", "--date", "2026-12-03",
                 "--today", "2026-11-25", "--vault", str(vault))
    assert result.exit_code == 0
    text = (vault / "notes/interviews/2026-12-03 Jane Doe.md").read_text("utf-8")
    _, meta = front_matter_of(text)
    assert meta["with"] == ["[[Jane Doe]]", "[[Sam Lee]]"]
    assert (meta["date"], meta["status"], meta["company"]) == ("2026-12-03", "planned", "[[Acme]]")
    assert (meta["career"], meta["referrals"]) == ([], [])
    assert "{{" not in text


def test_a_field_a_template_cannot_fill_stays_empty_and_a_missing_key_is_added() -> None:
    template = "---\ntype: contact\ncompany: \"\"\nemail: ''\ntags: []\n---\n# {{title}}\n"
    text = fill_template(template, {"title": Value("Ann")},
                         fields={"company": Value("Acme", link=True),
                                 "introduced_by": Value("Bo", link=True)})
    assert text == ("---\ntype: contact\ncompany: \"[[Acme]]\"\nemail: ''\ntags: []\n"
                    "introduced_by: \"[[Bo]]\"\n---\n# Ann\n")


def test_a_list_key_is_set_whole_whatever_the_template_held() -> None:
    template = "---\nwith:\n  - \"[[Old]]\"\n  - x\ncareer: []\n---\nBody\n"
    text = fill_template(template, {}, fields={
        "with": Value("", link=True, items=("A", "B")),
        "career": Value("", link=True, items=()),
    })
    assert text == "---\nwith:\n  - \"[[A]]\"\n  - \"[[B]]\"\ncareer: []\n---\nBody\n"


def test_new_writes_an_older_templates_empty_list_keys_as_lists(make_vault) -> None:
    vault = make_vault({
        "contacts/Jane Doe.md": "---\ntype: contact\n---\n",
        "templates/interview.md": "---\ntype: interview\ndate: \"{{date}}\"\n"
                                  "with: \"{{with}}\"\ncareer: \"\"\nreferrals:\n---\n# {{name}}\n",
    })
    assert run("new", "interview", "Jane Doe", "--date", "2026-11-20", "--vault",
               str(vault)).exit_code == 0
    text = (vault / "notes/interviews/2026-11-20 Jane Doe.md").read_text("utf-8")
    assert text.startswith(
        "---\ntype: interview\ndate: \"2026-11-20\"\nwith:\n  - \"[[Jane Doe]]\"\n"
        "career: []\nreferrals: []\nstatus: \"done\"\n---\n"
        "# Conversation with Jane Doe, 2026-11-20\n")


def test_new_keeps_a_templates_crlf_when_it_sets_keys() -> None:
    template = "---\r\ntype: interview\r\nwith: []\r\n---\r\n# {{title}}\r\n"
    text = fill_template(template, {"title": Value("t")},
                         fields={"with": Value("", link=True, items=("A",)),
                                 "status": Value("done")})
    assert text == ("---\r\ntype: interview\r\nwith:\r\n  - \"[[A]]\"\r\nstatus: \"done\"\r\n"
                    "---\r\n# t\r\n")


def test_an_older_template_with_placeholders_gives_the_same_note() -> None:
    older = "---\nwith: \"{{with}}\"\nstatus: \"{{status}}\"\n---\n# {{name}}\n"
    values = {"with": Value("", link=True, items=("A",)), "status": Value("done"),
              "name": Value("Conversation with A, 2026-12-03")}
    text = fill_template(older, values, fields={"with": values["with"],
                                                "status": values["status"]})
    assert text == ("---\nwith:\n  - \"[[A]]\"\nstatus: \"done\"\n---\n"
                    "# Conversation with A, 2026-12-03\n")


# --- the reader stays lenient -------------------------------------------------------------------


def test_a_single_link_written_without_a_list_is_still_read() -> None:
    note = parse_note("interviews/i.md", "---\ntype: interview\ndate: 2026-11-20\n"
                      "with: \"[[Jane Doe]]\"\ncareer: UX Research\nreferrals: \"[[Sam]]\"\n---\n")
    assert not note.diagnostics
    assert (note.fields.with_, note.fields.careers, note.fields.referrals) == (
        ("Jane Doe",), ("UX Research",), ("Sam",))


def test_new_interview_with_a_time_writes_a_date_and_time_the_feed_times(tmp_path: Path) -> None:
    """`new interview --date D --time HH:MM` writes `date: "DTHH:MM"` (Obsidian's date-and-time
    property), files the note under the day, and the calendar feed gives a timed event; a
    time that is no time of day is refused by the command, writing nothing."""
    runner = CliRunner()
    vault = tmp_path / "v"
    assert runner.invoke(main, ["init", str(vault)]).exit_code == 0
    assert runner.invoke(main, ["new", "contact", "Jane Doe", "--vault", str(vault)]).exit_code == 0
    refused = runner.invoke(main, ["new", "interview", "Jane Doe", "--date", "2026-12-09",
                                   "--time", "25:61", "--vault", str(vault)])
    assert refused.exit_code != 0 and not (vault / "notes" / "interviews").exists()
    made = runner.invoke(main, ["new", "interview", "Jane Doe", "--date", "2026-12-09",
                                "--time", "14:30", "--today", "2026-12-02", "--vault", str(vault)])
    assert made.exit_code == 0, made.output
    note = vault / "notes" / "interviews" / "2026-12-09 Jane Doe.md"
    meta = load_front_matter(note.read_text(encoding="utf-8").split("---\n")[1])
    assert str(meta["date"]) == "2026-12-09T14:30" and meta["status"] == "planned"
    yml = vault / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(
        "  - vault", "  - vault:\n      timezone: Europe/Berlin", 1), encoding="utf-8")
    feed = runner.invoke(main, ["export", "ics", "--vault", str(vault)])
    assert feed.exit_code == 0, feed.output
    assert "DTSTART:20261209T133000Z" in feed.output  # 14:30 in Berlin, in December
    check = runner.invoke(main, ["check", "--vault", str(vault)])
    assert check.exit_code == 0, check.output


def test_a_template_linked_to_a_file_outside_the_vault_is_never_read(tmp_path: Path) -> None:
    """`new` reads the vault's template as notes are read: a `templates/contact.md` that is a
    symlink out of the vault is refused with a message, and no note carries its words."""
    runner = CliRunner()
    vault = tmp_path / "v"
    assert runner.invoke(main, ["init", str(vault)]).exit_code == 0
    outside = tmp_path / "outside.md"
    outside.write_text("words from outside the vault {{title}}\n", encoding="utf-8")
    template = vault / "notes" / "templates" / "contact.md"
    template.unlink()
    template.symlink_to(outside)
    result = runner.invoke(main, ["new", "contact", "Ann Lee", "--vault", str(vault)])
    assert result.exit_code != 0
    assert "leaves the vault" in result.output
    assert not (vault / "notes" / "contacts" / "Ann Lee.md").exists()
