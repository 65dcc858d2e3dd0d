"""`vault-tools init`: a new vault from the notes shipped inside the package (§2).

Two kinds: the **starter** (a home page, the Follow-ups note, the question bank and the note
templates; no people) and the **demo** (`vault_template/`, a fictional career explorer's notes).
The starter has one file of its own, its home page (`starter/index.md`); everything else is
copied from the demo when the vault is made, so the two never drift apart.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from .parse import parse_note
from .vault import VaultError

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
  - vault        # the vault-tools site plugin: wikilinks, cards, dashboards, privacy
"""

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

    The vault builds and serves at once: its mkdocs.yml lists the `vault` plugin. Without
    `demo` it is the starter vault, with `demo` a copy of the demo vault.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise VaultError(f"{target}: not an empty folder; init never writes into existing notes")
    source = template_dir()
    starter = None if demo else starter_dir()
    target.mkdir(parents=True, exist_ok=True)
    notes = target / "notes"
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
    name = site_name or target.resolve().name
    (target / "mkdocs.yml").write_text(MKDOCS_YML.format(site_name=_yaml_text(name)),
                                       encoding="utf-8")
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    return sorted(p for p in target.rglob("*") if p.is_file())


def without_generated_text(rel: str, text: str) -> str:
    """`text` with every generated block emptied (its markers stay where they are): what the
    demo's blocks say is about the demo's people, and the next fill writes the vault's own."""
    for block in sorted(parse_note(rel, text).blocks, key=lambda b: b.start, reverse=True):
        text = text[:block.start] + text[block.end:]
    return text


def _yaml_text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
