"""`vault-tools check`, `init` and `summary` as a user runs them: exit codes, messages, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.cli import main
from vault_tools.parse import parse_note
from vault_tools.vault import (
    READ_BATCH,
    find_vault,
    iter_note_paths,
    load_index,
    read_note,
    read_notes,
)

from .conftest import DEMO_VAULT, copy_obsidian_help

GOOD = {
    "contacts/Jane Doe.md": "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\nJane.\n",
    "companies/Acme.md": "---\ntype: company\n---\nAcme.\n",
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check_json(vault: Path) -> tuple[int, list[dict]]:
    result = run("check", "--vault", str(vault), "--json")
    return result.exit_code, json.loads(result.output)


def test_check_on_a_clean_vault_exits_0(make_vault) -> None:
    result = run("check", "--vault", str(make_vault(GOOD)))
    assert result.exit_code == 0
    assert result.output == "2 notes checked: no problems.\n"


def test_check_json_is_a_list_of_exactly_the_documented_keys(make_vault) -> None:
    vault = make_vault({**GOOD, "a.md": "[[Nobody]]"})
    code, items = check_json(vault)
    assert code == 0  # a broken link is a warning: the placeholder is a feature
    assert items == [{
        "path": "a.md", "line": 1, "severity": "warning", "code": "broken-link",
        "message": "[[Nobody]] points to no note (kept as a placeholder)",
    }]


def test_strict_turns_warnings_into_failure(make_vault) -> None:
    vault = make_vault({**GOOD, "a.md": "[[Nobody]]"})
    assert run("check", "--vault", str(vault), "--strict").exit_code == 1


BAD_INPUTS = {
    "yaml-error": ("bad.md", "---\nkey: [oops\n---\n", 3),
    "not-utf8": ("bad.md", b"caf\xe9\n", 1),
    "missing-field": ("interviews/bad.md", "---\ntype: interview\nwith: Jane Doe\n---\n", 1),
    "bad-date": ("interviews/bad.md",
                 "---\ntype: interview\ndate: 2026-02-30\nwith: Jane Doe\n---\n", 3),
    "bad-value": ("contacts/bad.md", "---\ntype: contact\ncadence: sometimes\n---\nx\n", 3),
    "bad-block": ("bad.md", "text\n<!-- vault-tools:related -->\nno end\n", 2),
    "conflict-markers": ("bad.md", "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> other\n", 2),
    "broken-link": ("bad.md", "\n[[Jane Do]]\n", 2),
}


@pytest.mark.parametrize("code", sorted(BAD_INPUTS))
def test_each_diagnostic_code_names_the_file_and_line(make_vault, code: str) -> None:
    path, content, line = BAD_INPUTS[code]
    vault = make_vault({**GOOD, path: content})
    exit_code, items = check_json(vault)
    found = [i for i in items if i["code"] == code]
    assert found, items
    assert (found[0]["path"], found[0]["line"]) == (path, line)
    assert exit_code == (0 if found[0]["severity"] == "warning" else 1)


def test_duplicate_names_and_ambiguous_links_are_reported(make_vault) -> None:
    # A true tie (equally long paths, neither in the linking note's folder) is a warning.
    vault = make_vault({**GOOD, "customers/Acme.md": "x", "a.md": "[[Acme]]"})
    code, items = check_json(vault)
    assert code == 0
    found = {(i["path"], i["code"]): i["severity"] for i in items}
    assert found[("a.md", "ambiguous-link")] == "warning"
    assert ("companies/Acme.md", "duplicate-name") in found
    assert ("customers/Acme.md", "duplicate-name") in found


def test_a_name_two_notes_share_goes_where_obsidian_sends_it_without_an_error(
        make_vault) -> None:
    # Obsidian: the linking note's own folder first, then the shortest path.
    vault = make_vault({**GOOD, "contacts/Acme.md": "x", "a.md": "[[Acme]]",
                        "companies/b.md": "[[Acme]]"})
    code, items = check_json(vault)
    assert code == 0
    assert not [i for i in items if i["code"] in ("ambiguous-link", "broken-link")], items


def test_check_on_a_vault_shaped_like_obsidians_help_errs_only_where_obsidian_would(
        tmp_path: Path) -> None:
    # Obsidian resolves every link of this vault: check reports no error and no link problem,
    # only that two pairs of notes share a name (a warning, as duplicate-name says).
    vault = copy_obsidian_help(tmp_path / "help")
    code, items = check_json(vault)
    assert code == 0
    assert {i["code"] for i in items} == {"duplicate-name"}, items


def test_one_bad_note_never_stops_the_rest(make_vault) -> None:
    vault = make_vault({
        **GOOD,
        "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00",
        "list.md": "---\n- a\n---\n",
        "string.md": "---\njust a string\n---\n",
        "empty.md": "",
        "z.md": "[[Jane Do]]",
    })
    code, items = check_json(vault)
    assert code == 1
    by_path = {i["path"]: i["code"] for i in items}
    assert by_path == {
        "binary.md": "not-utf8", "list.md": "yaml-error", "string.md": "yaml-error",
        "empty.md": "empty-note", "z.md": "broken-link",
    }


def test_notes_read_in_batches_equal_notes_read_one_by_one(make_vault) -> None:
    # Loading reads files a batch at a time before parsing them: order, texts and the
    # diagnostics of unreadable files must be as if each were read on its own.
    files = {f"n{i:03}.md": f"# Note {i}\n[[n{i + 1:03}]]\n" for i in range(READ_BATCH * 2 + 3)}
    vault_dir = make_vault({**files, "binary.md": b"\x00\x01", "latin.md": b"caf\xe9\n"})
    (vault_dir / "notes" / "gone.md").symlink_to(vault_dir / "notes" / "nowhere")  # dangling
    vault = find_vault(vault_dir)
    paths = list(iter_note_paths(vault.notes_dir))
    assert len(paths) == len(files) + 3
    assert list(read_notes(vault, paths)) == [read_note(vault, path) for path in paths]
    by_path = {note.path: note for note in load_index(vault)}
    assert [d.code for d in by_path["gone.md"].diagnostics] == ["not-utf8"]
    assert "cannot read the file" in by_path["gone.md"].diagnostics[0].message
    assert [link.target for link in by_path["n010.md"].links] == ["n011"]


def test_human_output_groups_by_note_and_suggests_a_fix(make_vault) -> None:
    vault = make_vault({**GOOD, "a.md": "---\ntype: contact\ncadence: often\n---\n[[Jane Do]]\n"})
    result = run("check", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "a.md",
        "      3  error   bad-value        cadence: 'often' does not parse; write 30d, 6w, 3m or a"
        " whole number of days",
        "      5  warning broken-link      [[Jane Do]] points to no note (kept as a placeholder)."
        " Did you mean 'Jane Doe'?",
        "",
        "3 notes checked: 1 error, 1 warning in 1 note.",
    ]


def test_skipped_files_are_not_indexed(make_vault) -> None:
    vault = make_vault({
        **GOOD,
        ".obsidian/x.md": "[[Nobody]]",
        "contacts/Jane Doe.md~": "[[Nobody]]",
        "contacts/.Jane Doe.md.swp": "[[Nobody]]",
        "a.sync-conflict-20261120-1.md": "[[Nobody]]",
        "templates/contact.md": "---\ndate: \"{{date}}\"\n---\n[[{{name}}]]",
    })
    code, items = check_json(vault)
    assert (code, items) == (0, [])


def test_vault_is_found_by_walking_up_from_the_current_folder(make_vault, monkeypatch) -> None:
    vault = make_vault(GOOD)
    monkeypatch.chdir(vault / "notes" / "contacts")
    assert run("check").output == "2 notes checked: no problems.\n"


def test_no_vault_here_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no vault here: no mkdocs.yml in {tmp_path.resolve()} or above; run "
        "`vault-tools init DIR` to create one, or pass --vault PATH\n"
    )


def test_the_demo_vault_has_no_errors() -> None:
    code, items = check_json(DEMO_VAULT)
    assert code == 0
    assert [i for i in items if i["severity"] == "error"] == []


def test_init_creates_a_vault_that_checks_clean(tmp_path) -> None:
    target = tmp_path / "my-vault"
    result = run("init", str(target))
    assert result.exit_code == 0
    assert (target / "mkdocs.yml").is_file()
    assert (target / "notes" / "index.md").is_file()
    assert "site/" in (target / ".gitignore").read_text()
    assert run("check", "--vault", str(target)).output == "3 notes checked: no problems.\n"


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_init_makes_a_starter_vault_without_people_and_says_what_next(tmp_path) -> None:
    target = tmp_path / "my vault"
    result = run("init", str(target))
    assert result.exit_code == 0
    assert result.output == (
        f"Created a starter vault in {target}: notes in {target / 'notes'}, settings in "
        f"{target / 'mkdocs.yml'}.\n"
        "Next steps:\n"
        f"  cd '{target}'\n"
        '  vault-tools new contact "Jane Doe" --company Acme\n'
        "  vault-tools serve        # the private site on http://127.0.0.1:8000/\n"
    )
    assert _files(target / "notes") == [
        "Follow-ups.md", "index.md", "questions.md", "templates/career.md",
        "templates/company.md", "templates/contact.md", "templates/interview.md",
        "templates/messages/introducer-update.md", "templates/messages/keep-warm.md",
        "templates/messages/nudge.md", "templates/messages/request.md",
        "templates/messages/thank-you.md",
    ]
    index = load_index(find_vault(target))
    assert sorted(note.path for note in index) == ["Follow-ups.md", "index.md", "questions.md"]
    # no fictional people anywhere, not even in a generated block copied from the demo
    demo_people = [p.stem for p in (DEMO_VAULT / "contacts").glob("*.md")]
    text = "".join(p.read_text(encoding="utf-8") for p in (target / "notes").rglob("*.md"))
    assert [name for name in demo_people if name in text] == []
    assert "How to begin" in (target / "notes" / "index.md").read_text(encoding="utf-8")


def test_the_starters_templates_and_bank_are_the_demos(tmp_path) -> None:
    # One set of templates: the starter copies the demo's (only its home page is its own).
    target = tmp_path / "v"
    assert run("init", str(target)).exit_code == 0
    notes = target / "notes"
    for rel in _files(DEMO_VAULT / "templates"):
        assert (notes / "templates" / rel).read_bytes() == \
            (DEMO_VAULT / "templates" / rel).read_bytes(), rel
    for rel in ("questions.md", "Follow-ups.md"):
        # the same text, but for what the generated blocks say (of the demo's people there,
        # of the new vault's own notes here: init fills them)
        assert _outside_blocks(rel, (notes / rel).read_text(encoding="utf-8")) == \
            _outside_blocks(rel, (DEMO_VAULT / rel).read_text(encoding="utf-8")), rel


def _outside_blocks(rel: str, text: str) -> str:
    blocks = parse_note(rel, text).blocks
    return "".join(text[end:start] for end, start in zip(
        [0, *(b.end for b in blocks)], [*(b.start for b in blocks), None], strict=True))


def test_init_demo_copies_the_demo_vault(tmp_path) -> None:
    target = tmp_path / "demo"
    result = run("init", "--demo", str(target))
    assert result.exit_code == 0
    assert result.output.startswith(f"Created the demo vault in {target}: ")
    assert _files(target / "notes") == _files(DEMO_VAULT)
    # The demo's careers are scored: its copy carries the criteria `make demo` serves with,
    # so `careers` and the Careers page compare the paths there too.
    demo = find_vault(target).settings
    served = find_vault(DEMO_VAULT.parent).settings
    assert demo.criteria == served.criteria
    assert dict(demo.criteria) == {"values": 3, "growth": 2, "pay": 2, "lifestyle": 1}
    careers = json.loads(run("careers", "--json", "--vault", str(target)).output)
    assert {c["name"]: c["score"] is not None for c in careers["careers"]} == {
        "UX Research": True, "Data Engineering": True, "Product Management": True}


def test_init_starter_has_no_criteria(tmp_path) -> None:
    target = tmp_path / "mine"
    assert run("init", str(target)).exit_code == 0
    assert "  - vault " in (target / "mkdocs.yml").read_text(encoding="utf-8")
    assert find_vault(target).settings.criteria == ()


@pytest.mark.slow
def test_a_new_vault_builds_at_once_and_build_suggests_serve(tmp_path) -> None:
    target = tmp_path / "my-vault"
    assert run("init", str(target)).exit_code == 0
    result = CliRunner().invoke(main, ["build", "--vault", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "site" / "index.html").is_file()
    # The Follow-ups note's page is the follow-ups dashboard: no second page.
    assert (target / "site" / "Follow-ups" / "index.html").is_file()
    assert not (target / "site" / "followups").exists()
    assert result.stdout.splitlines()[-2:] == [
        f"Site built in {target / 'site'}.",
        "To look at it, run `vault-tools serve` and open http://127.0.0.1:8000/ "
        "(opened as files, its links do not work).",
    ]


def test_init_refuses_a_non_empty_folder(tmp_path) -> None:
    (tmp_path / "mine.md").write_text("my note")
    result = run("init", str(tmp_path))
    assert result.exit_code == 1
    assert "not an empty folder" in result.output
    assert (tmp_path / "mine.md").read_text() == "my note"


def test_python_dash_m_runs_the_same_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "vault_tools", "--help"], capture_output=True,
                         text=True, check=True)
    assert "check" in out.stdout


def test_every_command_has_help_text() -> None:
    for name, command in main.commands.items():
        assert command.help and command.help.strip(), f"{name} has no help text"


IMPORTED = {
    f"contacts/{name}.md": f'---\ntype: contact\ncompany: "[[{company}]]"\n---\n# {name}\n'
    for name, company in (("Ann Lee", "Globex"), ("Bo Chan", "Globex"), ("Cy Diaz", "Initech"),
                          ("Di Eno", "Acme Corporatoin"))
} | {"companies/Acme Corporation.md": "---\ntype: company\n---\n# Acme Corporation\n"}


def test_companies_without_a_note_are_said_once_with_how_to_create_them(make_vault) -> None:
    vault = make_vault(IMPORTED)
    result = run("check", "--vault", str(vault))
    lines = result.output.splitlines()
    # One paragraph for the placeholders, not one line per contact; a likely typo keeps its own.
    assert not any("Globex" in line and "points to no note" in line for line in lines)
    assert sum("points to no note" in line for line in lines) == 1
    assert "Did you mean 'Acme Corporation'?" in result.output
    assert ("2 companies are named in `company` but have no note yet: Globex and Initech. Each "
            'is kept as a placeholder; `vault-tools new company "Globex"` creates its note '
            "(`vault-tools new company NAME` for each).") in lines
    assert lines[-1] == "5 notes checked: 0 errors, 4 warnings in 4 notes."
    # The JSON output still lists every link, for programs.
    _, items = check_json(vault)
    assert sum(i["code"] == "broken-link" for i in items) == 4
