"""A streamed `fill` keeps a planned note's new text, not its blocks' contents: those are
rendered again from the index (`fill.RenderedAgain`) only when the note was saved between its
planning and its write, and spliced into the saved text. Attacked here on the demo vault (every
note type: contacts, companies, careers, planned and done conversations, the question bank, a
private contact, the dashboard), every block stale, with saves racing each note's read and
write: the note ends with exactly what the plain path (the blocks kept from planning) writes,
and a save the writer may not touch keeps every byte."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import vault_tools.fill as fill
from vault_tools.fill import RenderedAgain, fill_vault, plan_fill
from vault_tools.splice import BlockError, splice_blocks
from vault_tools.vault import MAX_NOTE_BYTES, find_vault, load_index_and_texts

from .conftest import DEMO_VAULT

BLOCK_RE = re.compile(r"(<!-- vault-tools:([\w-]+) -->\n)(.*?)(<!-- /vault-tools:\2 -->)", re.S)
# The demo's notes saved mid-fill in the race below (the dashboard, a private contact, the
# symlinked one, a company, a career, a planned and a done conversation, the question bank).
RACED = ["Follow-ups.md", "contacts/Renata Silva.md", "contacts/Grace Liu.md",
         "companies/Lumen Health.md", "careers/UX Research.md",
         "interviews/2027-01-13 Hana Kobayashi.md", "interviews/2026-08-03 Kwame Asante.md",
         "questions.md"]
SYMLINKED = "contacts/Grace Liu.md"


def stale_demo(root: Path, hide_private: bool, newline: str) -> Path:
    """The demo vault with every block's content stale (so a fill plans every note that has
    one), its notes' line endings `newline`, `SYMLINKED` a symlink to a file beside the notes
    (inside the notes folder, not a note itself) and `hide_private_in_files` as asked."""
    notes = root / "notes"
    shutil.copytree(DEMO_VAULT, notes)
    option = "plugins:\n  - vault:\n      hide_private_in_files: true\n" if hide_private else ""
    (root / "mkdocs.yml").write_text(f"site_name: demo\ndocs_dir: notes\n{option}",
                                     encoding="utf-8")
    for path in notes.rglob("*.md"):
        text = BLOCK_RE.sub(r"\1stale\n\4", path.read_text(encoding="utf-8"))
        path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    store = notes / "store"
    store.mkdir()
    (notes / SYMLINKED).rename(store / "Grace Liu.txt")
    os.symlink(os.path.relpath(store / "Grace Liu.txt", (notes / SYMLINKED).parent),
               notes / SYMLINKED)
    return root


def planned_plainly(root: Path):
    """The plain path's plan, by path: every text read first, the blocks kept."""
    vault = find_vault(root)
    index, texts = load_index_and_texts(vault)
    changes, _ = plan_fill(index, texts, dashboard=fill.dashboard_of(vault),
                           hide_private=fill.hide_private_of(vault))
    return {change.path: change for change in changes}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("hide_private", [False, True])
def test_every_note_rendered_again_at_its_write_gets_the_blocks_planned(
        tmp_path, monkeypatch, hide_private, newline) -> None:
    """Each planned note's blocks, rendered again at the moment it is written (after the notes
    before it were planned and written, its own follow-ups let go of, the whole list once the
    dashboard was), are the very blocks the plain path planned for it."""
    root = stale_demo(tmp_path, hide_private, newline)
    plain = planned_plainly(root)
    assert "Follow-ups.md" in plain and "contacts/Renata Silva.md" in plain
    real = fill.apply_changes
    seen: list[str] = []

    def apply_changes(vault, changes, result, **kwargs):
        for change in changes:
            assert isinstance(change.contents, RenderedAgain)
            assert dict(change.contents) == plain[change.path].contents, change.path
            seen.append(change.path)
        return real(vault, changes, result, **kwargs)

    monkeypatch.setattr(fill, "apply_changes", apply_changes)
    loaded: list = []  # as `build` asks, then changes the index it is handed
    result = fill_vault(find_vault(root), trust_manifest=False, loaded=loaded)
    assert seen == sorted(plain) and result.written == seen and not result.failed
    # Nothing handed back renders from that index later, once it may have changed.
    assert not [c for c in result.changed if isinstance(c.contents, RenderedAgain)]
    for path, change in plain.items():
        assert (root / "notes" / path).read_bytes() == change.new.encode("utf-8")


def save_edit(data: bytes, how: str) -> bytes:
    """A user's save of a note's bytes, as `how` names it."""
    text = data.decode("utf-8")
    if how == "append":
        return data + b"Saved meanwhile [[Kwame Asante]].\n"
    if how == "prepend":
        return b"A line saved on top.\n" + data
    if how == "in-block":
        return data.replace(b"stale", b"typed inside the block", 1)
    if how == "drop-end-marker":  # a block left open: not spliced, left as saved
        return re.sub(rb"<!-- /vault-tools:[\w-]+ -->", b"", data, count=1)
    if how == "rename-marker":  # a block renamed by hand, both its markers
        return data.replace(b"vault-tools:related ", b"vault-tools:relatedx ")
    if how == "remove-block":
        return BLOCK_RE.sub("", text, count=1).encode("utf-8")
    if how == "private":
        return (text.replace("---", "---\nprivate: true", 1) if text.startswith("---")
                else "---\nprivate: true\n---\n" + text).encode("utf-8")
    if how == "crlf":
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n").encode()
    if how == "cr":
        return text.replace("\r\n", "\n").replace("\n", "\r").encode("utf-8")
    if how == "conflict":
        return data + b"<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n"
    if how == "latin-1":
        return data + "Café, saved as Latin-1.\n".encode("latin-1")
    if how == "binary":
        return data + b"\x00\x01\x02"
    if how == "huge":  # past the size a note is indexed at, still written by the writer
        return data + b"Lorem ipsum [[Priya Raman]] dolor sit amet.\n" * 52_000
    raise AssertionError(how)


EDITS = ["append", "prepend", "in-block", "drop-end-marker", "rename-marker", "remove-block",
         "private", "crlf", "cr", "conflict", "latin-1", "binary", "huge"]
MOMENTS = ["none", "before-planning-read", "before-write", "before-replace"]


def saving_mid_fill(monkeypatch, root: Path, races: dict[str, tuple[str, str]]) -> dict:
    """Make each note in `races` be saved (path -> (moment, edit)) at that moment of `fill`:
    just before it is read for planning, before the writer reads it, or after the writer read
    it and before its replace. Returns the bytes saved, by path."""
    saved: dict[str, bytes] = {}

    def save(path: str) -> None:
        how = races[path][1]
        if path not in saved:
            file = root / "notes" / path
            file.write_bytes(save_edit(file.read_bytes(), how))
            saved[path] = file.read_bytes()

    real_read, real_write = fill._read_text, fill.write_note

    def read_text(vault, path):
        if races.get(path, ("none",))[0] == "before-planning-read":
            save(path)
        return real_read(vault, path)

    def write_note(file, transform, **kwargs):
        path = Path(file).relative_to(root / "notes").as_posix()
        moment = races.get(path, ("none",))[0]
        if moment == "before-write":
            save(path)
        elif moment == "before-replace":
            def racing(current: str, transform=transform):
                new = transform(current)
                save(path)
                return new
            return real_write(file, racing, **kwargs)
        return real_write(file, transform, **kwargs)

    monkeypatch.setattr(fill, "_read_text", read_text)
    monkeypatch.setattr(fill, "write_note", write_note)
    return saved


def expected_after(path: str, saved: bytes, planned, moment: str) -> bytes:
    """What the plain path leaves in a note saved mid-fill: its planned blocks spliced into
    the saved text, or the saved bytes untouched when they cannot be (not UTF-8 text, a
    conflict, bad markers; too large to be read for planning)."""
    if b"\x00" in saved or planned is None:
        return saved
    if moment == "before-planning-read" and len(saved) > MAX_NOTE_BYTES:
        return saved
    try:
        text = saved.decode("utf-8")
    except UnicodeDecodeError:
        return saved
    if "\n<<<<<<< " in text:
        return saved
    try:
        return splice_blocks(path, text, planned.contents).encode("utf-8")
    except BlockError:
        return saved


# (No shrinking: each example fills a vault of 40 notes; a failure is printed as drawn.)
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({path: st.tuples(st.sampled_from(MOMENTS), st.sampled_from(EDITS))
                              for path in RACED}),
       st.booleans(), st.sampled_from(["\n", "\r\n"]))
def test_a_save_racing_fill_keeps_its_bytes_and_gets_the_planned_blocks(
        monkeypatch, races, hide_private, newline) -> None:
    races = {path: race for path, race in races.items() if race[0] != "none"}
    with tempfile.TemporaryDirectory() as tmp, monkeypatch.context() as patch:
        root = stale_demo(Path(tmp), hide_private, newline)
        plain = planned_plainly(root)
        before = {path: (root / "notes" / path).read_bytes() for path in RACED}
        saved = saving_mid_fill(patch, root, races)
        result = fill_vault(find_vault(root), trust_manifest=False)
        for path in RACED:
            on_disk = (root / "notes" / path).read_bytes()
            if path in saved:
                assert on_disk == expected_after(path, saved[path], plain.get(path),
                                                races[path][0]), path
            elif path in plain:
                assert on_disk == plain[path].new.encode("utf-8"), path
            else:
                assert on_disk == before[path], path
        assert os.path.islink(root / "notes" / SYMLINKED)  # the link kept, its target written
        assert not [p for p in (root / "notes").rglob("*") if "conflict" in p.name]
        failed = {d.path for d in result.failed}
        assert failed <= set(saved), failed
