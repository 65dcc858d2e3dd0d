"""Documentation that cannot rot: the README names every command and links only to pages
that exist, and the quick start is exactly the two commands that work on a fresh clone."""

from __future__ import annotations

import re

import click

from vault_tools.cli import main

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if getattr(command, "hidden", False):
            continue
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_command_is_in_the_readme() -> None:
    missing = []
    for name in _commands(main):
        words = name.split()
        # `new contact|interview|...` and `import vcard FILE` rows name sub-commands together.
        if not all(word in README for word in words):
            missing.append(name)
    assert missing == []


def test_every_command_and_option_has_help_text() -> None:
    def walk(group: click.Group) -> None:
        for name, command in group.commands.items():
            if command.hidden:
                continue  # called by git, not by people (the merge driver)
            assert (command.help or "").strip(), f"{name} has no help text"
            for param in command.params:
                if isinstance(param, click.Option):
                    assert (param.help or "").strip() or param.hidden, \
                        f"{name} {param.opts[0]} has no help text"
            if isinstance(command, click.Group):
                walk(command)

    walk(main)


def test_readme_links_point_to_pages_that_exist() -> None:
    links = re.findall(r"\]\((docs/[^)#]+)", README)
    assert links, "the README links no documentation page"
    assert [link for link in links if not (REPO / link).is_file()] == []


def test_quick_start_is_exactly_the_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    assert block.group(1).split("\n")[:-1] == ["make demo", "make test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)


def test_every_docs_page_is_linked_from_the_readme() -> None:
    pages = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "docs").glob("*.md"))
    assert [page for page in pages if page not in README] == []
