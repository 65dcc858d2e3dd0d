"""`vault-tools init`: a new vault from the template shipped inside the package (§2)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

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
  # - vault      # the vault-tools site plugin; listed here once it is installed
"""

GITIGNORE = """\
# Built site and caches: derived from the notes, never committed.
/site/
/.cache/
__pycache__/
.*.vault-tools-*
"""


def template_dir() -> Path:
    """The notes template shipped inside the installed package."""
    path = Path(str(resources.files("vault_tools") / "template"))
    if not path.is_dir():
        raise VaultError(f"the vault template is missing from the installed package ({path})")
    return path


def init_vault(target: Path, site_name: str | None = None) -> list[Path]:
    """Create a vault in `target` (which must be empty or absent); return the files created."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise VaultError(f"{target}: not an empty folder; init never writes into existing notes")
    source = template_dir()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target / "notes", symlinks=False)
    name = site_name or target.resolve().name
    (target / "mkdocs.yml").write_text(MKDOCS_YML.format(site_name=_yaml_text(name)),
                                       encoding="utf-8")
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    return sorted(p for p in target.rglob("*") if p.is_file())


def _yaml_text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
