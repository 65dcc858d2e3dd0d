"""The `vault-tools` command line: each command builds the vault, calls the library, prints.

No vault logic lives here; named library exceptions become `click.ClickException`.
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .report import diagnostics_json, diagnostics_text
from .scaffold import init_vault
from .vault import Vault, VaultError, find_vault, load_index


def vault_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add `--vault PATH` and pass the located Vault to the command as `vault`."""

    @click.option(
        "--vault", "vault_path", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="The vault: a folder holding mkdocs.yml, or a bare notes folder. "
             "Default: the first folder with mkdocs.yml from here upwards.",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, vault_path: Path | None, **kwargs: Any) -> Any:
        try:
            vault = find_vault(vault_path)
        except VaultError as exc:
            raise click.ClickException(str(exc)) from None
        return command(*args, vault=vault, **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vault-tools")
def main() -> None:
    """A plain-Markdown personal CRM for informational interviews.

    Your notes stay plain Markdown files; vault-tools indexes them, writes backlinks and
    follow-ups into them, and publishes a private site.
    """


@main.command()
@vault_option
@click.option("--json", "as_json", is_flag=True, help="Print diagnostics as a JSON list.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
def check(vault: Vault, as_json: bool, strict: bool) -> None:
    """Report problems in the vault: bad YAML, broken links, missing fields, bad dates...

    Exits 1 when there is an error (or, with --strict, any warning).
    """
    index = load_index(vault)
    diagnostics = index.diagnostics()
    if as_json:
        click.echo(diagnostics_json(diagnostics))
    else:
        click.echo(diagnostics_text(diagnostics, len(index), colour=_colour()))
    failing = [d for d in diagnostics if strict or d.severity == "error"]
    sys.exit(1 if failing else 0)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--name", "site_name", default=None, help="The site's title (default: folder name).")
def init(directory: Path, site_name: str | None) -> None:
    """Create a new vault in DIRECTORY from the demo template."""
    try:
        init_vault(directory, site_name)
    except VaultError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created a vault in {directory}: notes in {directory / 'notes'}, "
               f"settings in {directory / 'mkdocs.yml'}.")


@main.command()
@vault_option
def summary(vault: Vault) -> None:
    """Count the vault's notes by type, links, placeholders and problems."""
    index = load_index(vault)
    types = Counter(note.type or "other" for note in index)
    links = sum(len(note.links) for note in index)
    diagnostics = index.diagnostics()
    errors = sum(d.severity == "error" for d in diagnostics)
    click.echo(f"Vault: {vault.notes_dir}")
    for kind, label in (("contact", "contacts"), ("interview", "interviews"),
                        ("company", "companies"), ("career", "careers"), ("other", "other notes")):
        click.echo(f"  {label:<12}{types.get(kind, 0):>6}")
    click.echo(f"  {'links':<12}{links:>6}")
    click.echo(f"  {'placeholders':<12}{len(index.placeholders()):>6}")
    click.echo(f"  {'problems':<12}{len(diagnostics):>6}  ({errors} errors)")


def _colour() -> bool:
    return sys.stdout.isatty()
