"""Attacks on the site cache (`site/site_cache.py`): a record crafted or planted, files changed
behind the cache's back. A cached build never touches a file outside the site folder and its own
cache folder, and leaves the site byte for byte as a clean build would."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from .conftest import DEMO_VAULT
from .test_incremental import CONFIG
from .test_site_cache import append, assert_like_clean_build, built_line, run_build, write

pytestmark = pytest.mark.slow  # real builds, in subprocesses


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(DEMO_VAULT, root / "notes")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest.mark.parametrize("crafted", ["../../victim.txt", "{victim}",
                                     "contacts/../../../victim.txt"])
def test_a_crafted_output_list_never_deletes_outside_the_site_folder(
        vault: Path, crafted: str) -> None:
    run_build(vault)
    victim = vault.parent / "victim.txt"
    victim.write_text("years of notes\n", encoding="utf-8")
    (vault.parent / "empty-folder").mkdir()
    record = vault / ".cache/vault-tools/site.json"
    raw = json.loads(record.read_text(encoding="utf-8"))
    raw["outputs"].append(crafted.format(victim=victim))
    raw["outputs"].append("../empty-folder/x.txt")
    record.write_text(json.dumps(raw), encoding="utf-8")
    append(vault, "contacts/Priya Raman.md", "\nA line.\n")
    run_build(vault)
    assert victim.read_text(encoding="utf-8") == "years of notes\n"
    assert (vault.parent / "empty-folder").is_dir()
    assert_like_clean_build(vault)


def test_an_attachment_replaced_with_its_old_mtime_is_copied_again(vault: Path) -> None:
    write(vault, "files/card.txt", "a business card, first\n")
    append(vault, "contacts/Priya Raman.md", "\nHer card: ![[card.txt]]\n")
    source = vault / "notes/files/card.txt"
    old = os.stat(source)
    run_build(vault)
    # Restored from a backup (`cp -p`, rsync -t): new bytes, the same size and times.
    source.write_text("a business card, other\n", encoding="utf-8")
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert os.stat(source).st_size == old.st_size
    assert "from the site cache" in built_line(run_build(vault))
    assert (vault / "site/files/card.txt").read_text(encoding="utf-8") == \
        "a business card, other\n"
    assert_like_clean_build(vault)


def test_a_note_edited_with_its_old_mtime_is_rendered_again(vault: Path) -> None:
    run_build(vault)
    source = vault / "notes/contacts/Priya Raman.md"
    old = os.stat(source)
    text = source.read_text(encoding="utf-8")
    changed = text.replace("Priya", "Pryia", 1)
    assert len(changed.encode()) == len(text.encode()) and changed != text
    source.write_text(changed, encoding="utf-8")
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    run_build(vault)
    assert_like_clean_build(vault)
