"""`NoteTexts` answers as a dict of the same texts would, holding each as its UTF-8 bytes."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from vault_tools.note_texts import NoteTexts
from vault_tools.vault import find_vault, load_index_and_texts

from .conftest import write_vault

paths = st.text(min_size=1, max_size=12)
# Any text a note can hold, a lone surrogate included (it comes back as it went in).
texts = st.text(st.characters(), max_size=60)
steps = st.lists(st.tuples(st.sampled_from(["put", "pop", "del"]), paths, texts), max_size=40)


@given(steps)
def test_any_sequence_of_puts_and_removals_reads_as_a_dict(actions) -> None:
    held, plain = NoteTexts(), {}
    for action, path, text in actions:
        if action == "put":
            held[path] = plain[path] = text
        elif action == "pop":
            assert held.pop(path, None) == plain.pop(path, None)
        elif path in plain:
            del held[path], plain[path]
        assert dict(held) == plain and len(held) == len(plain)
        assert (path in held) == (path in plain) and held.get(path) == plain.get(path)
    assert list(held) == list(plain) and NoteTexts(plain) == plain


def test_a_text_is_held_by_the_same_bytes_until_it_is_put_again() -> None:
    held = NoteTexts({"a.md": "Tasks 📅 2026-05-01", "b.md": "plain"})
    first = held.held("a.md")
    assert held.held("a.md") is first and held["a.md"] == "Tasks 📅 2026-05-01"
    held["a.md"] = "Tasks 📅 2026-05-01"  # the same text, saved again
    assert held.held("a.md") is not first and held.held("gone.md") is None


def test_a_loaded_vault_keeps_its_texts_as_small_as_on_disk(tmp_path) -> None:
    """One emoji makes a Python string 4 bytes a character: the load keeps the UTF-8 bytes."""
    body = "Call back 📅 2026-05-01.\n" + "Talked about the harbour project at length.\n" * 200
    write_vault(tmp_path, {f"contacts/Person {i}.md": f"---\ntype: contact\n---\n{body}"
                           for i in range(20)})
    _, loaded = load_index_and_texts(find_vault(tmp_path))
    assert isinstance(loaded, NoteTexts) and len(loaded) == 20
    on_disk = sum(len(p.read_bytes()) for p in (tmp_path / "notes" / "contacts").iterdir())
    kept = sum(len(loaded.held(path) or b"") for path in loaded)
    as_strings = sum(sys.getsizeof(loaded[path]) for path in loaded)
    assert kept == on_disk and as_strings > 3 * kept
