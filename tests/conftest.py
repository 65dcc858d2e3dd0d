"""Shared test helpers: build small vaults on disk from a dict of files."""

from __future__ import annotations

import contextlib
import gzip
import os
import resource
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis' default 200 ms deadline measures the machine's load, not the code: on a loaded
# 2-core CI box a property that writes files or parses a note can pass it one run and miss it the
# next. Time bounds that matter are asserted by the tests themselves (linear-time ratios).
settings.register_profile("vault-tools", deadline=None)
settings.load_profile("vault-tools")

MKDOCS = "site_name: Test vault\ndocs_dir: notes\ntheme:\n  name: material\n"


def write_vault(root: Path, files: dict[str, str | bytes], config: bool = True) -> Path:
    """Create `root/mkdocs.yml` and `root/notes/<path>` for each file; return the vault root."""
    notes = root / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    if config:
        (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    for rel, content in files.items():
        path = notes / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


@pytest.fixture
def make_vault(tmp_path: Path):
    """`make_vault({"contacts/Jane Doe.md": "..."})` -> the vault root (holding mkdocs.yml)."""

    def make(files: dict[str, str | bytes], config: bool = True) -> Path:
        return write_vault(tmp_path / "vault", files, config)

    return make


REPO = Path(__file__).resolve().parent.parent
DEMO_VAULT = REPO / "vault_template"
# A vault of the link shapes of Obsidian's own help vault (obsidianmd/obsidian-help), written
# for these tests: the same name in two folders, dotted names, canvas files, block references,
# links within a note, Markdown links by name.
OBSIDIAN_HELP = Path(__file__).resolve().parent / "data" / "obsidian-help"


def copy_obsidian_help(root: Path) -> Path:
    """The help-shaped vault copied to `root` (notes in `root/notes`, an mkdocs.yml with the
    vault plugin): commands may write to it."""
    shutil.copytree(OBSIDIAN_HELP, root / "notes")
    (root / "mkdocs.yml").write_text(
        "site_name: Help\ndocs_dir: notes\ntheme:\n  name: material\nplugins:\n  - search\n"
        "  - vault\n", encoding="utf-8")
    return root


def site_texts(site: Path) -> dict[str, str]:
    """Every output file as text (gzip opened), as a grep over the site would see it."""
    texts = {}
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            texts[path.relative_to(site).as_posix()] = data.decode("utf-8", errors="replace")
    return texts


@contextlib.contextmanager
def many_files_open(count: int = 1100) -> Iterator[None]:
    """This process with over a thousand files open, as a program with sockets and watches
    has: the next descriptors it opens (a pipe to a second process) are numbered past what
    `select` takes (FD_SETSIZE, 1024). Skips the test where so many are not allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 100
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip("too few files allowed")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    opened = [os.open(os.devnull, os.O_RDONLY) for _ in range(count)]
    try:
        assert max(opened) >= 1024
        yield
    finally:
        for fd in opened:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
