"""`vault-tools init`: a new vault from the notes shipped inside the package (§2).

Two kinds: the **starter** (a home page, the Follow-ups note, the question bank and the note
templates; no people) and the **demo** (`vault_template/`, a fictional career explorer's notes).
The starter has one file of its own, its home page (`starter/index.md`); everything else is
copied from the demo when the vault is made, so the two never drift apart.
"""

from __future__ import annotations

import contextlib
import shutil
import unicodedata
from importlib import resources
from pathlib import Path

from ..fill import fill_vault
from ..parse import parse_note
from ..vault import VaultError, find_vault

MKDOCS_YML = """\
# One configuration for the site and for the vault-tools command line.
site_name: {site_name}
docs_dir: notes
use_directory_urls: true
theme:
  name: material
  features:
    - navigation.indexes
    - search.highlight
plugins:
  - search
  - vault{vault_options}
# Obsidian's Markdown: callouts (as admonitions, foldable ones as details), ==highlights==,
# footnotes, task lists, and code blocks inside callouts and lists. The vault plugin turns
# these on even when this list lacks them.
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.mark
  - footnotes
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
"""

# The `vault` plugin line: bare in a starter vault, with the demo's options in a demo one (its
# careers are scored against these criteria, so the Careers page compares them as `make demo` does).
PLUGIN_BARE = "        # the vault-tools site plugin: wikilinks, cards, dashboards, privacy"
PLUGIN_DEMO = """:      # the vault-tools site plugin: wikilinks, cards, dashboards, privacy
      # Careers are scored 1-5 against these criteria; the numbers are their weights.
      criteria: {values: 3, growth: 2, pay: 2, lifestyle: 1}"""

GITIGNORE = """\
# Built site and caches: derived from the notes, never committed.
/site/
/.cache/
__pycache__/
.*.vault-tools-*
"""

# What the starter takes from the demo, as paths relative to the demo's notes folder.
STARTER_FROM_DEMO = ("Follow-ups.md", "questions.md", "templates")


def template_dir() -> Path:
    """The demo vault's notes shipped inside the installed package."""
    return _packaged("template", "the vault template")


def starter_dir() -> Path:
    """The starter vault's own files (its home page) shipped inside the installed package."""
    return _packaged("starter", "the starter vault")


def _packaged(name: str, what: str) -> Path:
    path = Path(str(resources.files("vault_tools") / name))
    if not path.is_dir():
        raise VaultError(f"{what} is missing from the installed package ({path})")
    return path


def init_vault(target: Path, site_name: str | None = None, demo: bool = False) -> list[Path]:
    """Create a vault in `target` (which must be empty or absent); return the files created.

    The vault builds and serves at once: its mkdocs.yml lists the `vault` plugin, and its
    generated blocks are filled (`fill --check` passes on it). Without `demo` it is the
    starter vault, with `demo` a copy of the demo vault. Any site name is written so that it
    loads back. Raises VaultError when the vault cannot be made; what it had made by then is
    removed, so a failed init leaves no half vault.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise VaultError(f"{target}: not an empty folder; init never writes into existing notes")
    outer = _notes_folder_around(target)
    if outer is not None:
        raise VaultError(f"{target}: inside the notes of the vault at {outer}, whose notes it "
                         "would become (a second Follow-ups, index and templates); choose a "
                         "folder outside it")
    source = template_dir()
    starter = None if demo else starter_dir()
    config = mkdocs_config(site_name or target.resolve().name, demo=demo)
    made_folder = not target.exists()
    notes = target / "notes"
    try:
        target.mkdir(parents=True, exist_ok=True)
        if starter is None:
            shutil.copytree(source, notes, symlinks=False)
        else:
            shutil.copytree(starter, notes, symlinks=False)
            for rel in STARTER_FROM_DEMO:
                item = source / rel
                if item.is_dir():
                    shutil.copytree(item, notes / rel, symlinks=False)
                else:
                    text = item.read_text(encoding="utf-8")
                    (notes / rel).write_text(without_generated_text(rel, text), encoding="utf-8")
        (target / "mkdocs.yml").write_text(config, encoding="utf-8")
        (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    except OSError as exc:
        _undo(target, made_folder)
        raise VaultError(f"{target}: cannot create a vault there: {exc.strerror or exc}") from None
    # The copied blocks were emptied (or are the demo's): the vault's own fill writes what they
    # say of this vault, so the first `fill --check` or `git diff` sees nothing to do.
    fill_vault(find_vault(target))
    return sorted(p for p in target.rglob("*") if p.is_file())


def _notes_folder_around(target: Path) -> Path | None:
    """The notes folder of a vault that `target` would be inside, if any."""
    try:
        outer = find_vault(cwd=target.resolve().parent)
    except VaultError:
        return None
    return outer.root if target.resolve().is_relative_to(outer.notes_dir) else None


def _undo(target: Path, made_folder: bool) -> None:
    """Remove what a failed init made in `target` (empty or absent before it began)."""
    shutil.rmtree(target / "notes", ignore_errors=True)
    for path in (target / "mkdocs.yml", target / ".gitignore"):
        with contextlib.suppress(OSError):  # never made
            path.unlink()
    if made_folder:
        with contextlib.suppress(OSError):  # not empty: not ours to remove after all
            target.rmdir()


def without_generated_text(rel: str, text: str) -> str:
    """`text` with every generated block emptied (its markers stay where they are): what the
    demo's blocks say is about the demo's people, and the next fill writes the vault's own."""
    for block in sorted(parse_note(rel, text).blocks, key=lambda b: b.start, reverse=True):
        text = text[:block.start] + text[block.end:]
    return text


def mkdocs_config(site_name: str, demo: bool = False) -> str:
    """The text of a new vault's mkdocs.yml. `site_name` is written as one line that YAML
    loads back whatever it holds (quotes, `#`, `: `, line breaks, control characters). With
    `demo`, the `vault` plugin carries the demo's criteria, which its careers are scored on."""
    return MKDOCS_YML.format(site_name=_yaml_text(_one_line(site_name) or "My vault"),
                             vault_options=PLUGIN_DEMO if demo else PLUGIN_BARE)


def _one_line(value: str) -> str:
    """A site name as YAML takes it back: line breaks and control characters become spaces,
    a character no file can hold (an undecodable byte of a folder name) becomes U+FFFD."""
    out = []
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs" or ch in "\ufffe\uffff":
            out.append("\ufffd")
        elif category == "Cc" or ch in "\u2028\u2029":
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def _yaml_text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
