"""Attacks on the memo of what notes mention of the attachments (`site/attachment_mentions.py`,
the site cache's `mentions`): whatever the edits between builds, in new processes or in one
`serve`, the site keeps off exactly the attachments a clean build keeps off, and the memo
neither grows with every save nor holds a path or a word."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vault_tools.fill import fill_vault
from vault_tools.manifest import cache_dir
from vault_tools.site.attachment_mentions import AttachmentMentions
from vault_tools.site.build import load_site_config
from vault_tools.site.incremental import LiveSite
from vault_tools.site.site_cache import SiteCache
from vault_tools.vault import find_vault

from .test_incremental import CONFIG
from .test_site_cache import read_record

pytestmark = pytest.mark.slow  # real builds

PRIVATE = "---\nprivate: true\n---\n\n"


def make_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """A vault at `root` with the site tests' mkdocs.yml and `files` in its notes folder."""
    (root / "notes").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    for rel, content in {"index.md": "# Home\n", **files}.items():
        put(root, rel, content)
    return root


def put(root: Path, rel: str, content: str | bytes) -> None:
    path = root / "notes" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def test_the_memo_forgets_a_text_once_its_note_holds_another() -> None:
    memo = AttachmentMentions()
    uris = ["files/card.png"]
    for i in range(40):  # forty saves of one note in one process (`serve`)
        memo.look_for(uris)
        assert memo.mentioned(["a.md"], {"a.md": f"draft {i}: ![[card.png]]"}) == set(uris)
    memo.look_for(uris)
    assert memo.mentioned(["a.md"], {}) == set()  # (no text now: the record is all it knew)
    record = memo.record()
    assert record is not None and len(record.found) <= 2, len(record.found)


def test_a_long_serve_session_records_no_more_texts_than_the_vault_holds(
        tmp_path: Path) -> None:
    """Every save of a public note while a private one shows an attachment is a text looked
    at; the record `serve` leaves holds the texts of now, not one per save."""
    root = make_vault(tmp_path / "vault", {
        "contacts/Ada Moss.md": PRIVATE + "Her card: ![[card.png]]\n",
        "contacts/Bo Lind.md": "# Bo Lind\n\nHis card too: ![[card.png]]\n",
        "files/card.png": b"\x89PNG card"})
    vault = find_vault(root)
    folder = cache_dir(vault)
    assert folder is not None
    fill_vault(vault)
    live = LiveSite(vault, load_site_config(vault, site_dir=str(tmp_path / "site")),
                    cache=SiteCache(folder, vault.root))
    live.build()
    bo = root / "notes/contacts/Bo Lind.md"
    for i in range(25):
        bo.write_text(bo.read_text(encoding="utf-8") + f"\nSaved {i}.\n", encoding="utf-8")
        live.update(["contacts/Bo Lind.md"])
    # The private note saved as Latin-1 by another editor: still private, and now no text.
    put(root, "contacts/Ada Moss.md", (PRIVATE + "Sa carte : ![[card.png]] café\n")
        .encode("latin-1"))
    live.update(["contacts/Ada Moss.md"])
    live.save_cache()  # as the server stops
    found = read_record(folder / "site.json")["mentions"]["found"]
    assert len(found) <= 4, len(found)
    shutil.rmtree(tmp_path / "site")
