"""Attacks on the memo of what notes mention of the attachments (`site/attachment_mentions.py`,
the site cache's `mentions`): whatever the edits between builds, in new processes or in one
`serve`, the site keeps off exactly the attachments a clean build keeps off, and the memo
neither grows with every save nor holds a path or a word."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from vault_tools.fill import fill_vault
from vault_tools.manifest import cache_dir
from vault_tools.site.attachment_mentions import AttachmentMentions, names_digest
from vault_tools.site.build import load_site_config
from vault_tools.site.incremental import LiveSite
from vault_tools.site.site_cache import SiteCache
from vault_tools.vault import find_vault

from .test_incremental import CONFIG, Session
from .test_site_cache import (
    assert_like_clean_build,
    built_line,
    cache_lines,
    read_record,
    run_build,
    write_record,
)

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


NFC = "Renée CV.pdf"
NFD = unicodedata.normalize("NFD", NFC)
BO = "contacts/Bo Lind.md"
ADA = "contacts/Ada Moss.md"
# A private note showing files three ways: an HTML image, a percent-encoded link to an
# accented name (two files hold it: NFC in one folder, NFD in another), an embed by name (two
# folders hold one too).
ADA_TEXT = ("Her team: <img src=\"../../files/team%20photo.jpg\">\n\n"
            "Her [CV](../../files/Ren%C3%A9e%20CV.pdf), her card ![[card.png]].\n")


def published(root: Path, site: str = "site") -> set[str]:
    """The attachments in the vault's site folder (`root / site`)."""
    folder = root / site
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
            and p.parts[len(folder.parts)] in ("files", "other", "media")}


def record_of(root: Path) -> dict[str, Any]:
    return read_record(root / ".cache/vault-tools/site.json")


def test_builds_in_new_processes_keep_off_what_a_clean_build_keeps_off(tmp_path: Path) -> None:
    """Covers (passing) what the memo's unit tests do not: real `vault-tools build` runs, in new
    processes, through a note made private and public, attachments added, removed and renamed,
    twins by name and by accents, and a public note whose text equals a private one's body."""
    root = make_vault(tmp_path / "vault", {
        ADA: PRIVATE + ADA_TEXT, BO: "Hello.\n",
        f"files/{NFC}": b"%PDF nfc", f"other/{NFD}": b"%PDF nfd",
        "files/team photo.jpg": b"\xff\xd8 jpg", "files/card.png": b"\x89PNG files",
        "media/card.png": b"\x89PNG media", "files/open.png": b"\x89PNG open"})

    def build_and_compare() -> set[str]:
        run_build(root)
        assert_like_clean_build(root)
        found = record_of(root)["mentions"]["found"]
        assert len(found) <= len(list((root / "notes").rglob("*.md"))), found
        return published(root)

    kept_off = {f"files/{NFC}", f"other/{NFD}", "files/team photo.jpg", "files/card.png",
                "media/card.png"}
    assert build_and_compare() == {"files/open.png"}
    run_build(root)  # (nothing changed: every mention from the record)
    assert_like_clean_build(root)
    put(root, BO, f"She sent {NFD}.\n")  # a public note names both CVs (decomposed)
    assert build_and_compare() == {"files/open.png", f"files/{NFC}", f"other/{NFD}"}
    put(root, BO, ADA_TEXT)  # the private note's very body, in a public note
    assert build_and_compare() == {"files/open.png"} | kept_off
    put(root, BO, "Hello again.\n")
    (root / "notes/files/new scan.png").write_bytes(b"\x89PNG new")  # another list looked for
    put(root, ADA, PRIVATE + ADA_TEXT + "And ![[new scan.png]].\n")
    assert build_and_compare() == {"files/open.png"}
    put(root, ADA, "# Ada Moss\n\n" + ADA_TEXT)  # made public
    assert build_and_compare() == {"files/open.png", "files/new scan.png"} | kept_off
    put(root, ADA, PRIVATE + ADA_TEXT)  # private again; a file renamed, one removed
    (root / "notes/files/team photo.jpg").rename(root / "notes/files/team photo 2.jpg")
    (root / "notes/media/card.png").unlink()
    assert build_and_compare() == {"files/open.png", "files/new scan.png",
                                   "files/team photo 2.jpg"}


# Hand-edits of the record of mentions: those of the right shape are used as far as they
# can be trusted (positions past the list are read again, another list's record is not
# believed); any other shape discards the whole cache, said in one line.
USED = {
    "positions past the list": lambda m: {**m, "found": {k: [10**6] for k in m["found"]}},
    "another list's record, saying no note mentions any": lambda m: {
        "names": names_digest(["files/card.png"]),
        "found": {k: [] for k in m["found"]}},
    "none": lambda m: None,
}
DISCARDED = {
    "a list": lambda m: list(m["found"]),
    "found as a list": lambda m: {**m, "found": list(m["found"])},
    "names as a number": lambda m: {**m, "names": 12},
    "a position as a string": lambda m: {**m, "found": {k: ["0"] for k in m["found"]}},
    "a position below zero": lambda m: {**m, "found": {k: [-1] for k in m["found"]}},
    "a position true": lambda m: {**m, "found": {k: [True] for k in m["found"]}},
    "a key more": lambda m: {**m, "paths": []},
    "no names": lambda m: {"found": m["found"]},
}


def test_a_hand_edited_record_of_mentions_never_publishes_a_private_notes_file(
        tmp_path: Path) -> None:
    """Covers (passing) the record of mentions as a user's editor or a truncated copy can
    leave it, and as the version before wrote it, in real builds: the card only the private
    note shows stays off the site."""
    root = make_vault(tmp_path / "vault", {
        ADA: PRIVATE + "Her card: ![[card.png]]\n", BO: "Hello.\n",
        "files/card.png": b"\x89PNG card", "files/other.png": b"\x89PNG other"})
    run_build(root)
    path = root / ".cache/vault-tools/site.json"
    for number, (damage, edit) in enumerate([*USED.items(), *DISCARDED.items()]):
        raw = read_record(path)
        assert raw["mentions"] is not None and raw["mentions"]["found"], damage
        write_record(path, {**raw, "mentions": edit(raw["mentions"])})
        put(root, BO, f"Hello {number}.\n")
        stderr = run_build(root)
        said = cache_lines(stderr)
        if damage in DISCARDED:
            assert len(said) == 1 and "discarded" in said[0], (damage, stderr[-2000:])
        else:
            assert not said and "from the site cache" in built_line(stderr), damage
        assert published(root) == {"files/other.png"}, damage
        assert_like_clean_build(root)
    # A record as the version before the memo wrote it (format 11, no mentions): not read.
    write_record(path, {key: value for key, value in {**read_record(path), "format": 11}.items()
                        if key != "mentions"})
    said = cache_lines(run_build(root))
    assert len(said) == 1 and "another version (format '11')" in said[0], said
    assert published(root) == {"files/other.png"}


def test_the_cache_holds_no_private_name_nor_a_private_files_path(tmp_path: Path) -> None:
    """Covers (passing) the record of mentions with attachments in it, the public notes read
    for it too: no private note's name and no path of a file kept off the site, in any file of
    the cache but fill's own record (which lists every note's path, private ones too)."""
    root = make_vault(tmp_path / "vault", {
        "contacts/Zorvath Quell.md": PRIVATE + "# Zorvath Quell\n\n![[Quillplan 7.pdf]] and "
                                     "![[shared scan.png]]\n",
        BO: "The scan: ![[shared scan.png]]\n",
        "files/Quillplan 7.pdf": b"%PDF plan", "files/Zorvath Quell card.png": b"\x89PNG",
        "files/shared scan.png": b"\x89PNG scan"})
    run_build(root)
    put(root, BO, "The scan again: ![[shared scan.png]]\n")
    run_build(root)
    assert published(root) == {"files/shared scan.png"}
    record = record_of(root)
    # The private note's text, and the public notes' (read for the file it shows)
    assert len(record["mentions"]["found"]) == 1 and len(record["public_mentions"]["found"]) == 2
    cache = root / ".cache/vault-tools"
    for path in cache.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            for word in (b"zorvath", b"quell", b"quillplan"):
                assert word not in data, (path, word)


def test_serve_keeps_off_what_a_full_build_keeps_off_through_the_same_edits(
        tmp_path: Path) -> None:
    """Covers (passing) the memo kept in memory between `serve`'s rebuilds, each compared
    with a full build: twins by accents and by folder, a note made public and private again,
    attachments added, renamed and removed (another list looked for each time)."""
    root = make_vault(tmp_path / "vault", {
        ADA: PRIVATE + ADA_TEXT, BO: "Hello.\n",
        f"files/{NFC}": b"%PDF nfc", f"other/{NFD}": b"%PDF nfd",
        "files/team photo.jpg": b"\xff\xd8 jpg", "files/card.png": b"\x89PNG files",
        "media/card.png": b"\x89PNG media"})
    s = Session(root)  # (each change: the live site updated, then compared)
    notes = s.notes
    s.write(BO, f"She sent {NFD}.\n")
    s.write(BO, ADA_TEXT)
    s.write("contacts/Cy Park.md", PRIVATE + "Also ![[card.png]] and ![[new scan.png]].\n")
    (notes / "files/new scan.png").write_bytes(b"\x89PNG new")
    s.change("files/new scan.png")
    s.write(BO, "Hello again.\n")
    s.write(ADA, "# Ada Moss\n\n" + ADA_TEXT)
    s.write(ADA, PRIVATE + ADA_TEXT)
    (notes / "files/team photo.jpg").rename(notes / "files/team photo 2.jpg")
    s.change("files/team photo.jpg", "files/team photo 2.jpg")
    (notes / "media/card.png").unlink()
    s.change("media/card.png")
    s.delete("contacts/Cy Park.md")
    assert published(root, "live-site") == {"files/new scan.png", "files/team photo 2.jpg"}
