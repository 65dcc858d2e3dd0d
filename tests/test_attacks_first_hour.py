"""Attacks on the first hour (issue #15's work) by a careless user and a hostile input: each
test is an attack that once broke something, kept so it stays fixed."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.capture.init import mkdocs_config
from vault_tools.cli import main
from vault_tools.followups import shown_text
from vault_tools.report import shell_word
from vault_tools.vault import find_vault, read_config


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# --- init -----------------------------------------------------------------------------------


def test_a_fresh_starter_vault_has_nothing_left_to_fill(tmp_path: Path) -> None:
    # The starter's Follow-ups note and question bank were copied with emptied blocks: the
    # first `fill --check` (a CI step, a pre-commit hook) failed on a vault nobody had touched.
    for args in (["init"], ["init", "--demo"]):
        target = tmp_path / args[-1]
        assert run(*args, str(target)).exit_code == 0
        result = run("fill", "--check", "--vault", str(target))
        assert result.exit_code == 0, result.output
        assert run("check", "--vault", str(target)).exit_code == 0


@pytest.mark.parametrize("day", ["0001-01-01", "0999-12-31", "9001-01-01", "9999-12-31"])
@pytest.mark.parametrize("command", [["build"], ["followups"], ["digest", "--to", "stdout"],
                                     ["export", "ics"]])
def test_a_today_at_the_ends_of_the_calendar_is_refused_in_one_line(
        tmp_path: Path, command: list[str], day: str) -> None:
    # The weeks and months counted around `--today` left the calendar (year 1 has no day
    # before it): a traceback, and the site half-built. Now a usage error naming the value.
    target = tmp_path / "vault"
    assert run("init", "--demo", str(target)).exit_code == 0
    before = sorted(str(p) for p in target.rglob("*"))
    result = run(*command, "--vault", str(target), "--today", day)
    assert result.exit_code == 2, result.output
    assert f"{day} is not a date to pretend is today" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert sorted(str(p) for p in target.rglob("*")) == before


def test_a_site_name_with_a_control_character_still_makes_a_vault_that_loads(
        tmp_path: Path) -> None:
    # A bell, a newline, quotes and a backslash: the mkdocs.yml init wrote was refused by
    # every later command ("unacceptable character #x0007").
    target = tmp_path / "v"
    assert run("init", "--name", 'My\x07 "vault"\nof\\ notes # : x', str(target)).exit_code == 0
    vault = find_vault(target)
    assert read_config(vault.config_file)["site_name"] == 'My "vault" of\\ notes # : x'
    assert run("check", "--vault", str(target)).exit_code == 0


def test_init_in_a_folder_whose_name_is_not_utf8(tmp_path: Path) -> None:
    # A folder name with an undecodable byte (a name from an old archive): init crashed while
    # writing mkdocs.yml and left a vault without one behind.
    target = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))
    result = subprocess.run([sys.executable, "-m", "vault_tools", "init", str(target)],
                            capture_output=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"Created a starter vault in " + bytes(target))
    assert read_config(find_vault(target).config_file)["site_name"] == "caf\ufffd"
    assert run("fill", "--check", "--vault", str(target)).exit_code == 0


def test_init_where_no_folder_can_be_made_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("mine")
    dangling = tmp_path / "gone"
    dangling.symlink_to(tmp_path / "nowhere")
    for target in (tmp_path / "a-file" / "vault", dangling):
        result = run("init", str(target))
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"{target}: cannot create a vault there" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "gone"]
    assert (tmp_path / "a-file").read_text() == "mine"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_site_name_is_written_so_that_it_loads_back(name: str) -> None:
    site_name = yaml.safe_load(mkdocs_config(name))["site_name"]
    # What was typed, on one line: only line breaks and control characters differ.
    spaces = {c: " " for c in (*range(32), *range(0x7F, 0xA0), 0x2028, 0x2029)}
    typed = name.translate(spaces | {0xFFFE: "\ufffd", 0xFFFF: "\ufffd"})
    assert site_name == (" ".join(typed.split()) or "My vault")


# --- check: the placeholder companies' paragraph -----------------------------------------------


def test_the_command_check_suggests_for_a_placeholder_company_runs_nothing_else(
        tmp_path: Path, make_vault) -> None:
    # A company named `$(...)` in an imported contact: check said to run
    # `vault-tools new company "$(touch owned)"`, which runs `touch owned` when pasted.
    vault = make_vault({"contacts/Eve.md":
                        '---\ntype: contact\ncompany: "Acme $(touch owned) `touch owned`!"\n---\n'})
    output = run("check", "--vault", str(vault)).output
    command = re.search(r"`(vault-tools new company [^\n]*?)` creates", output).group(1)
    pasted = subprocess.run(
        ["bash", "-c", 'vault-tools() { printf "%s\\n" "$@"; }\n' + command],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    assert pasted.stdout.splitlines() == ["new", "company", "Acme $(touch owned) `touch owned`!"]
    assert not (tmp_path / "owned").exists()


def test_a_terminal_escape_in_a_placeholder_company_is_shown_as_text(make_vault) -> None:
    # "\e]0;...\a" sets the terminal's title, "\e[2J" clears the screen: never sent raw.
    vault = make_vault({"contacts/Eve.md":
                        '---\ntype: contact\ncompany: "Evil\\e]0;owned\\a\\e[8mX"\n---\n'})
    output = run("check", "--vault", str(vault)).output
    assert "Evil\\x1b]0;owned\\x07\\x1b" in output
    assert "\x1b" not in output and "\x07" not in output


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_characters="\x00"), min_size=1))
def test_a_suggested_name_is_one_shell_word_that_expands_to_itself(name: str) -> None:
    assert shlex.split(f"vault-tools new company {shell_word(name)}")[3:] == [name]


# --- follow-up titles: link names -------------------------------------------------------------


SLOW_TITLES = [  # each a task's text, about 100 KB, as a hostile or broken import may write
    "[[" * 25_000 + "x" + "]]" * 25_000,
    "[[a|" * 25_000 + "]]" * 25_000,
    "[[x]] " + "[a](" * 25_000,
    "[[x]] " + "[" * 100_000 + "](x)",
]


@pytest.mark.parametrize("text", SLOW_TITLES, ids=["nested", "nested-labels", "open", "brackets"])
def test_a_title_full_of_brackets_is_shown_in_linear_time(text: str) -> None:
    # Showing link names took time cubic in the brackets of a line: a 4 KB task line held up
    # `followups`, `fill`, `watch` and `build` for 10 s, 8 KB for 80 s, 100 KB for hours.
    script = (
        "import sys\n"
        "from vault_tools.followups import FollowUp, shown_text\n"
        "from vault_tools.index import VaultIndex\n"
        "from vault_tools.views.common import SiteView\n"
        "from vault_tools.views.followups import title_pieces\n"
        "text = sys.stdin.read()\n"
        "shown = shown_text(text)\n"
        "title_pieces(SiteView(VaultIndex([])), FollowUp('task', None, shown, 'a.md', 1,"
        " text=text))\n"
    )
    subprocess.run([sys.executable, "-c", script], input=text, text=True, check=True,
                   timeout=60)


@settings(max_examples=300)
@given(st.text(alphabet="[]()|#!<> ax.md\n", max_size=60))
def test_shown_text_leaves_no_link_it_could_have_shown(text: str) -> None:
    shown = shown_text(text)
    # What is left has no link the title could have shown as its name instead.
    assert shown_text(shown) == shown


def test_init_inside_a_vaults_notes_is_refused(tmp_path: Path) -> None:
    # A vault made in another's notes folder became its notes: a second Follow-ups, index and
    # question bank (every link to them ambiguous) and templates read as notes.
    outer = tmp_path / "outer"
    assert run("init", str(outer)).exit_code == 0
    for target in (outer / "notes" / "inner", outer / "notes" / "deeper" / "inner"):
        result = run("init", str(target))
        assert result.exit_code == 1
        assert f"{target}: inside the notes of the vault at {outer}" in result.output
        assert not target.exists()
    assert run("check", "--vault", str(outer)).exit_code == 0
    # Beside the notes, in the vault's own folder, is fine: that is not where notes are read.
    assert run("init", str(outer / "another")).exit_code == 0


# --- the site's new pages: what a hostile name can do there -------------------------------------


HOSTILE = "<img src=x onerror=alert(1)>"
OWN_SCRIPTS = ("../assets/vault/vendor/cytoscape.min.js", "data.js", "../assets/vault/network.js")


def test_hostile_names_stay_text_on_the_dashboard_companies_page_and_graph(make_vault) -> None:
    # Attack (held): script in task text, link labels, note names, aliases and placeholder
    # company names, through the dashboard's items and data attributes, the Companies page's
    # placeholders and the graph's labels. Only the pages the site generates are looked at:
    # a note's own body is the user's Markdown.
    from html.parser import HTMLParser

    from vault_tools.site.build import build_site

    root = make_vault({
        f"contacts/Eve {HOSTILE}.md": (
            f'---\ntype: contact\ncompany: "{HOSTILE}\\" onmouseover=\\"x"\ncadence: 30d\n'
            f'last_contact: 2026-11-01\naliases: ["{HOSTILE}"]\n---\n'
            f"- [ ] call [[Eve {HOSTILE}|{HOSTILE}]] about <script>alert(2)</script> "
            '" data-due="1999-01-01" 📅 2026-12-03\n'),
    })
    (root / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n  - vault\n",
        encoding="utf-8")
    site = build_site(find_vault(root))
    found: list[tuple[str, str]] = []
    dues: list[str | None] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend((tag, name) for name, _ in attrs if name.startswith("on"))
            if tag == "img" or (tag == "script" and dict(attrs).get("src") not in OWN_SCRIPTS):
                found.append((tag, str(attrs)))
            if tag == "li" and "data-kind" in dict(attrs):
                dues.append(dict(attrs).get("data-due"))

    for page in ("followups", "companies", "people", "timeline", "network"):
        text = (site / page / "index.html").read_text(encoding="utf-8")
        Tags().feed(text[text.index("<article"):text.index("</article>")])
    assert found == []
    # The task and keeping in touch, with their own dates: nothing forged from the text.
    assert sorted(dues) == ["2026-12-01", "2026-12-03"]
    companies = (site / "companies" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in companies


def test_check_prints_an_escape_sequence_in_a_note_as_text(make_vault) -> None:
    # A file named "Clear\e[2J.md" linking to "[[No\ebody\a]]": check cleared the screen.
    vault = make_vault({"Clear\x1b[2J.md": "See [[No\x1bbody\x07]].\n- [ ] x 📅 2026-02-30\n"})
    output = run("check", "--vault", str(vault)).output
    assert "Clear\\x1b[2J.md" in output
    assert "\x1b" not in output and "\x07" not in output


def test_the_starters_follow_ups_note_made_private_still_builds(tmp_path: Path) -> None:
    # A user hid their to-do note: every page failed the leak scan for "Follow-ups", the nav
    # entry the site writes itself, and for the note's shipped introduction.
    from vault_tools.site.build import SiteError, build_site

    target = tmp_path / "v"
    assert run("init", str(target)).exit_code == 0
    note = target / "notes" / "Follow-ups.md"
    secret = "Call the lawyer about the quiet severance offer before Friday's board meeting."
    note.write_text(note.read_text(encoding="utf-8").replace(
        "title: Follow-ups\n", "title: Follow-ups\nprivate: true\n") + f"\n{secret}\n",
        encoding="utf-8")
    site = build_site(find_vault(target))
    assert (site / "followups" / "index.html").is_file()  # the public follow-ups, generated
    assert not (site / "Follow-ups").exists()
    text = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json"))
    assert "severance" not in text
    # The scan still stands: the private sentence copied into a public note fails the build.
    (target / "notes" / "index.md").write_text(f"# Home\n\n{secret}\n", encoding="utf-8")
    with pytest.raises(SiteError, match="severance"):
        build_site(find_vault(target))
