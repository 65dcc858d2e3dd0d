"""The leak scan's secrets carried from one build to the next (`site.known_secrets`): after any
sequence of saves they are the secrets `privacy.secrets` works out from scratch, and a save
that cannot change them (prose added to a public note) does not work them out again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vault_tools.privacy import Secret, secrets
from vault_tools.site.known_secrets import KnownSecrets
from vault_tools.site.leaks import shared_templates
from vault_tools.vault import find_vault, load_index_and_texts, read_note
from vault_tools.views.common import SiteView

from .conftest import write_vault

NAMES = ["Ada Moss", "Bo Lind", "Cy Park"]


class Notes:
    """A vault on disk, its index kept up to date as `serve` keeps it (a saved note read again
    and put), and the secrets as a site's `KnownSecrets` gives them."""

    def __init__(self, root: Path) -> None:
        self.vault = find_vault(root)
        self.index, self.texts = load_index_and_texts(self.vault)
        self.known = KnownSecrets()
        self.computed = 0

    def save(self, rel: str, text: str | None) -> None:
        path = self.vault.notes_dir / rel
        if text is None:
            path.unlink()
            self.index.remove(rel)
            self.texts.pop(rel, None)
            return
        path.write_text(text, encoding="utf-8")
        note, read = read_note(self.vault, rel)
        self.index.put(note)
        self.texts[rel] = read or ""

    def secrets(self) -> list[Secret]:
        """The carried secrets, checked against the plain path."""
        view = SiteView(self.index)
        shared = shared_templates(self.vault.notes_dir)

        def compute() -> list[Secret]:
            self.computed += 1
            return secrets(view, self.texts, shared)

        found = self.known.secrets(view, self.texts, shared, compute)
        assert found == secrets(view, self.texts, shared)
        return found


def note(name: str, *, private: bool = False, email: str = "", comment: str = "",
         alias: str = "", role: str = "", prose: str = "") -> str:
    meta = ["type: contact"]
    if private:
        meta.append("private: true")
    if email:
        meta.append(f"email: {email}")
    if alias:
        meta.append(f"aliases: [{alias}]")
    if role:
        meta.append(f"role: {role}")
    body = f"# {name}\n\nMet {name} at the harbour fair last spring.\n"
    if comment:
        body += f"\n%% {comment} %%\n"
    return "---\n" + "\n".join(meta) + "\n---\n\n" + body + prose


@pytest.fixture
def notes(tmp_path: Path) -> Notes:
    write_vault(tmp_path, {f"contacts/{n}.md": note(n, private=(n == "Cy Park"))
                           for n in NAMES})
    return Notes(tmp_path)


def test_prose_added_to_a_public_note_keeps_the_secrets(notes: Notes) -> None:
    first = notes.secrets()
    notes.save("contacts/Ada Moss.md", note("Ada Moss", prose="\nShe likes long walks.\n"))
    assert notes.secrets() is first
    assert notes.computed == 1


@pytest.mark.parametrize("change", [
    # each save changes what is secret: the secrets are worked out again
    ("contacts/Ada Moss.md", note("Ada Moss", private=True)),
    ("contacts/Cy Park.md", note("Cy Park")),
    ("contacts/Cy Park.md", note("Cy Park", private=True,
                                 prose="\nCy plans to leave the shipyard in March quietly.\n")),
    ("contacts/Ada Moss.md", note("Ada Moss", comment="never tell anyone about the move abroad")),
    ("contacts/Ada Moss.md", note("Ada Moss", email="ada@example.org")),
    ("contacts/Bo Lind.md", note("Bo Lind", alias="Bobby")),
    ("contacts/Bo Lind.md", note("Bo Lind", role="Harbour Master")),
    ("contacts/Dee Roy.md", note("Dee Roy")),
    ("contacts/Bo Lind.md", None),
])
def test_a_save_that_changes_a_secret_works_them_out_again(notes: Notes, change) -> None:
    notes.secrets()
    notes.save(*change)
    notes.secrets()  # (equal to the plain path: checked in `secrets`)
    assert notes.computed == 2


def test_a_new_shared_template_works_them_out_again(notes: Notes) -> None:
    notes.secrets()
    folder = notes.vault.notes_dir / "templates"
    folder.mkdir()
    (folder / "contact.md").write_text("Met them at the harbour fair last spring.\n",
                                       encoding="utf-8")
    notes.secrets()
    assert notes.computed == 2
    shutil.rmtree(folder)
    notes.secrets()
    assert notes.computed == 3


@st.composite
def saves(draw: st.DrawFn) -> list[tuple[str, str | None]]:
    found = []
    for _ in range(draw(st.integers(1, 8))):
        name = draw(st.sampled_from([*NAMES, "Dee Roy"]))
        if draw(st.integers(0, 9)) == 0:
            found.append((f"contacts/{name}.md", None))
            continue
        found.append((f"contacts/{name}.md", note(
            name, private=draw(st.booleans()),
            email=draw(st.sampled_from(["", "x@example.org"])),
            comment=draw(st.sampled_from(["", "keep the offer from the shipyard to yourself"])),
            alias=draw(st.sampled_from(["", "Boss"])),
            role=draw(st.sampled_from(["", "Data Engineer", "Chief Harbour Pilot"])),
            prose=draw(st.sampled_from(["", "\nA line of prose.\n", "\nAnother line.\n"])))))
    return found


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=saves())
def test_any_sequence_of_saves_gives_the_secrets_of_the_plain_path(tmp_path_factory,
                                                                   sequence) -> None:
    root = tmp_path_factory.mktemp("secrets")
    write_vault(root, {f"contacts/{n}.md": note(n, private=(n == "Cy Park")) for n in NAMES})
    notes = Notes(root)
    notes.secrets()
    for rel, text in sequence:
        if text is None and not (notes.vault.notes_dir / rel).exists():
            continue
        notes.save(rel, text)
        notes.secrets()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comments=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
                         min_size=3, max_size=3),
       split=st.booleans())
def test_the_secrets_of_texts_held_as_utf8_are_the_secrets_of_the_texts(
        tmp_path_factory: pytest.TempPathFactory, comments: list[str], split: bool) -> None:
    # A build holds the notes' texts as UTF-8 (`NoteTexts`) and looks for comments in those
    # bytes: the same comments, in any script, as in the texts decoded.
    root = tmp_path_factory.mktemp("vault")
    write_vault(root, {
        f"contacts/{name}.md": note(name, private=(name == "Cy Park"), comment=comment)
        + ("50%%off, and a %" if split else "")
        for name, comment in zip(NAMES, comments, strict=True)})
    vault = find_vault(root)
    index, held = load_index_and_texts(vault)
    view = SiteView(index)
    shared = shared_templates(vault.notes_dir)
    assert secrets(view, held, shared) == secrets(view, dict(held), shared)
