"""Obsidian-grade Markdown (#17): `%% comments %%` are not content and never published, a
`Templates/` folder in any case holds no notes, inline `#tags` are tags with pages on the site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.cli import main
from vault_tools.site.build import build_site
from vault_tools.vault import find_vault, is_note_path, iter_note_paths

from .conftest import site_texts

SITE_CONFIG = """site_name: Test vault
docs_dir: notes
theme:
  name: material
plugins:
  - search
  - vault
"""


def site_vault(make_vault, files: dict[str, str | bytes]) -> Path:
    root = make_vault(files)
    (root / "mkdocs.yml").write_text(SITE_CONFIG, encoding="utf-8")
    return root


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check_json(vault: Path) -> tuple[int, list[dict]]:
    result = run("check", "--vault", str(vault), "--json")
    return result.exit_code, json.loads(result.output)


# --- a Templates/ folder in any case ------------------------------------------------------------

TEMPLATE = ("---\ntype: contact\ndate: \"{{date}}\"\n---\n\n# {{title}}\n\n"
            "Templatewords [[{{name}}]]\n")


@pytest.mark.parametrize("folder", ["templates", "Templates", "TEMPLATES"])
def test_a_templates_folder_in_any_case_holds_no_notes(make_vault, folder: str) -> None:
    vault = make_vault({"contacts/Jane Doe.md": "---\ntype: contact\n---\n\n# Jane\n",
                        f"{folder}/contact.md": TEMPLATE})
    assert not is_note_path(f"{folder}/contact.md")
    assert list(iter_note_paths(vault / "notes")) == ["contacts/Jane Doe.md"]
    # No broken link to `{{name}}`, no bad date: check does not read the template.
    assert check_json(vault) == (0, [])
    result = run("fill", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert (vault / "notes" / folder / "contact.md").read_text(encoding="utf-8") == TEMPLATE
    # A top-level note merely named like the folder is still a note.
    assert is_note_path("Templates.md") and is_note_path("contacts/templates/x.md")


@pytest.mark.slow
def test_the_site_publishes_nothing_of_a_templates_folder_in_any_case(make_vault) -> None:
    root = site_vault(make_vault, {
        "index.md": "# Home\n",
        "Templates/contact.md": TEMPLATE,
        "Templates/tplbanner.png": b"\x89PNG\r\n\x1a\nTemplateimage",
        "TEMPLATES/meeting.md": "# Meeting\n\nUppertemplatewords here.\n",
    })
    texts = site_texts(build_site(find_vault(root)))
    for word in ("Templatewords", "Templateimage", "Uppertemplatewords", "tplbanner"):
        assert [name for name, text in texts.items() if word in text or word in name] == [], word
    assert not any(name.lower().startswith("templates/") for name in texts)
